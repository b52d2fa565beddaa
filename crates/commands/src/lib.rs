//! Every data command of sharedkv, written once over the primitives of
//! `sharedkv-db`'s [`Db`] trait.
//!
//! A command lives in one place: its module (one per family, as Redis keeps
//! `t_string.c`) holds, side by side, its [`Spec`] (name, arity, flags, key
//! positions, the facts `COMMAND INFO` reports), the parsing of its
//! arguments, the step it runs on the store, and the reply it writes. A
//! reader who wants to know what `SETRANGE` does opens `strings.rs`; no
//! strategy crate knows that `SETRANGE` exists.
//!
//! ```text
//! argv ─find─▶ Id ─run─▶ Command::run(cx, args) ─Db::update/read/...─▶ step on a Slot
//!                                   └─────────────▶ Reply (typed: array, map, null, ...)
//! ```
//!
//! - [`find`] resolves a request's name (and subcommand) and checks the
//!   arity, in Redis's order. The server looks here first, then at its own
//!   commands (connection, pub/sub, introspection).
//! - [`run`] dispatches to the command: one `match`, monomorphised per
//!   strategy, no dynamic dispatch.
//! - Each family module also offers typed functions (`strings::get`, ...)
//!   that the conformance suite and the benchmarks call directly.
//! - [`stored`] is the copy rule: every key and value a write hands to the
//!   store goes through it, so no stored byte points into a connection's
//!   read buffer.

mod args;
mod error;
pub mod keyspace;
mod reply;
mod spec;
mod stored;
pub mod strings;
mod time;

use std::collections::HashMap;
use std::future::Future;
use std::sync::LazyLock;

use bytes::Bytes;
pub use sharedkv_db::{Db, DbIndex};

pub use args::{Args, is};
pub use error::{Error, c_str};
pub use reply::Reply;
pub use spec::{Arg, ArgKind, Spec, encode_docs, encode_info};
pub use stored::{READ_CHUNK, stored};
pub use time::{deadline_at_unix, deadline_in, unix_millis_at, unix_now_millis};

/// What a command runs with: the store, the connection's selected database
/// (`SELECT` changes it; the server keeps what it is after the command), and
/// the reply writer.
#[derive(Debug)]
pub struct Ctx<'a, D> {
    /// The store.
    pub db: &'a D,
    /// The database the connection has selected.
    pub selected: DbIndex,
    /// Where the answer goes.
    pub reply: Reply<'a>,
}

/// One command: its spec and its code.
pub trait Command {
    /// What `COMMAND INFO` and `COMMAND DOCS` say of it, and the arity the
    /// server checks before [`run`](Command::run).
    const SPEC: Spec;

    /// Parses `args` (the words after the name and subcommand), runs the
    /// command on `cx.db` and writes its reply; an `Err` is written as the
    /// error reply.
    fn run<D: Db>(
        cx: &mut Ctx<'_, D>,
        args: Args,
    ) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Lists every command once: generates [`Id`], its spec table and [`run`].
macro_rules! registry {
    ($($family:ident :: { $($cmd:ident),* $(,)? }),* $(,)?) => {
        /// A data command, resolved from its name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Id {
            $($(
                #[doc = concat!("See [`", stringify!($family), "::", stringify!($cmd), "`].")]
                $cmd,
            )*)*
        }

        impl Id {
            /// Every command and subcommand.
            pub const ALL: &[Id] = &[$($(Id::$cmd,)*)*];

            /// The command's spec.
            pub fn spec(self) -> &'static Spec {
                match self {
                    $($(Id::$cmd => &<$family::$cmd as Command>::SPEC,)*)*
                }
            }
        }

        /// Runs the command `id` on the request `argv` (name first), which
        /// [`find`] resolved to it.
        pub async fn run<D: Db>(id: Id, cx: &mut Ctx<'_, D>, argv: Vec<Bytes>) -> Result<(), Error> {
            let spec = id.spec();
            let skip = if spec.name.contains('|') { 2 } else { 1 };
            let args = Args::new(spec.name, argv, skip);
            match id {
                $($(Id::$cmd => <$family::$cmd as Command>::run(cx, args).await,)*)*
            }
        }
    };
}

registry! {
    strings::{
        Get, Set, SetNx, SetEx, PSetEx, GetSet, GetDel, MGet, MSet, Incr, Decr, IncrBy, DecrBy,
    },
    keyspace::{
        Del, Unlink, Exists, Expire, PExpire, TtlCommand, PTtl, Persist, DbSize, FlushDb, FlushAll,
        Select, Type,
    },
}

/// Full name to command, for the top level and for subcommands
/// (`object|encoding`).
static BY_NAME: LazyLock<HashMap<&'static [u8], Id, foldhash::fast::FixedState>> =
    LazyLock::new(|| {
        Id::ALL
            .iter()
            .map(|&id| (id.spec().name.as_bytes(), id))
            .collect()
    });

/// The longest command name looked up; longer ones are unknown.
const MAX_NAME: usize = 32;

/// The command a full name such as `get` or `object|encoding` names, as
/// `COMMAND INFO` takes them; any case.
pub fn by_name(name: &[u8]) -> Option<Id> {
    let mut lower = [0u8; MAX_NAME];
    let lower = lower.get_mut(..name.len())?;
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    BY_NAME.get(&*lower).copied()
}

/// Resolves a request (name first) to a data command and checks its arity,
/// in Redis's order: unknown subcommand, then wrong arity. `None` if the
/// name is not a data command (the server then tries its own).
pub fn find(argv: &[Bytes]) -> Option<Result<Id, Error>> {
    let id = by_name(argv.first()?)?;
    let spec = id.spec();
    let resolved = match (spec.subcommands, argv.get(1)) {
        ([], _) | (_, None) => Ok(id),
        (subs, Some(word)) => subs
            .iter()
            .find(|sub| sub.word().as_bytes().eq_ignore_ascii_case(word))
            .and_then(|sub| by_name(sub.name.as_bytes()))
            .ok_or_else(|| Error::unknown_subcommand(spec.name, word)),
    };
    Some(resolved.and_then(|id| {
        if id.spec().accepts(argv.len()) {
            Ok(id)
        } else {
            Err(Error::WrongArity(id.spec().name))
        }
    }))
}

/// Every top-level data command's spec, for `COMMAND`.
pub fn specs() -> impl Iterator<Item = &'static Spec> {
    Id::ALL
        .iter()
        .map(|id| id.spec())
        .filter(|spec| !spec.name.contains('|'))
}

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
pub mod bits;
pub mod blocking;
mod error;
mod glob;
pub mod hashes;
pub mod keyspace;
pub mod lists;
pub mod notify;
mod reply;
pub mod sets;
mod settings;
pub mod sort;
mod spec;
mod splices;
mod stored;
pub mod strings;
mod time;
pub mod usage;
pub mod zsets;

use std::future::Future;
use std::sync::LazyLock;

use bytes::Bytes;
pub use sharedkv_db::{Db, DbIndex, Store};

pub use args::{Args, is};
pub use error::{Error, c_str};
pub use glob::matches as glob_match;
pub use reply::{MAX_COPIED_OUTPUT, Reply};
pub use settings::{Settings, Thresholds};
pub use spec::{Arg, ArgKind, Spec, encode_docs, encode_info, encode_info_with};
pub use splices::{Mark, SPLICE_MIN, Splices};
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
    /// The settings `CONFIG SET` changes that commands read (the encoding
    /// thresholds), shared by every connection.
    pub settings: &'a Settings,
}

/// One command: its spec and its code.
pub trait Command {
    /// What `COMMAND INFO` and `COMMAND DOCS` say of it, and the arity the
    /// server checks before [`run`](Command::run).
    const SPEC: Spec;

    /// Parses `args` (the words after the name and subcommand), runs the
    /// command on `cx.db` and writes its reply; an `Err` is written as the
    /// error reply.
    ///
    /// The future is `Send` whenever `D` is `Sync` (a strategy's handle), as
    /// every future it awaits is; the trait does not demand it, so that the
    /// same command also runs on a [`StepView`](sharedkv_db::StepView),
    /// which lives on one thread inside a transaction's step.
    fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> impl Future<Output = Result<(), Error>>;
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
        pub async fn run<D: Store>(id: Id, cx: &mut Ctx<'_, D>, argv: Vec<Bytes>) -> Result<(), Error> {
            match id {
                $($(Id::$cmd => {
                    const SPEC: &Spec = &<$family::$cmd as Command>::SPEC;
                    let args = Args::new(SPEC.name, argv, words_of_name(SPEC.name));
                    <$family::$cmd as Command>::run(cx, args).await
                })*)*
            }
        }
    };
}

// Most used first: a lookup compares names of one length in this order.
registry! {
    strings::{
        Get, Set, SetNx, SetEx, PSetEx, GetSet, GetDel, GetEx, MGet, MSet, MSetNx, Incr, Decr,
        IncrBy, DecrBy, IncrByFloat, Append, StrLen, GetRange, Substr, SetRange, Lcs,
    },
    bits::{SetBit, GetBit, BitCount, BitPos, BitOp, BitField, BitFieldRo},
    keyspace::{
        Del, Unlink, Exists, Touch, Expire, PExpire, ExpireAt, PExpireAt, TtlCommand, PTtl,
        ExpireTimeCommand, PExpireTime, Persist, DbSize, FlushDb, FlushAll, Select, SwapDb, Type,
        Rename, RenameNx, Copy, Move, Scan, KeysCommand, RandomKey, Object, ObjectEncoding,
        ObjectFreq, ObjectHelp, ObjectIdleTime, ObjectRefCount,
    },
    hashes::{
        HSet, HGet, HDel, HLen, HExists, HGetAll, HIncrBy, HMGet, HMSet, HSetNx, HKeys, HVals,
        HIncrByFloat, HStrLen, HScan, HRandField,
    },
    lists::{
        LPush, RPush, LPop, RPop, LRange, LLen, LIndex, LSet, LRem, LTrim, LPos, LInsert, LMove,
        RPopLPush, LPushX, RPushX, LMPop,
    },
    blocking::{BLPop, BRPop, BLMove, BRPopLPush, BLMPop, BZPopMin, BZPopMax, BZMPop},
    sets::{
        SAdd, SIsMember, SMembers, SCard, SRem, SPop, SRandMember, SMIsMember, SMove, SInter,
        SUnion, SDiff, SInterStore, SUnionStore, SDiffStore, SInterCard, SScan,
    },
    zsets::{
        ZAdd, ZScore, ZRange, ZCard, ZRem, ZIncrBy, ZRank, ZRevRank, ZRevRange, ZRangeByScore,
        ZRevRangeByScore, ZCount, ZMScore, ZPopMin, ZPopMax, ZRandMember, ZScan, ZRangeByLex,
        ZRevRangeByLex, ZLexCount, ZRemRangeByRank, ZRemRangeByScore, ZRemRangeByLex,
        ZRangeStore, ZUnionStore, ZInterStore, ZDiffStore, ZUnion, ZInter, ZDiff, ZInterCard,
        ZMPop,
    },
    sort::{Sort, SortRo},
}

/// How many words a command's name takes in a request: 2 for a
/// subcommand (`object|encoding`), else 1. Evaluated at compile time.
const fn words_of_name(name: &str) -> usize {
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'|' {
            return 2;
        }
        i += 1;
    }
    1
}

/// The longest command name there is, for [`BY_LENGTH`].
const MAX_NAME: usize = 32;

/// A name of at most 8 bytes, lower-cased and packed into a `u64`, so
/// that comparing two names is one integer comparison.
fn packed(name: &[u8]) -> Option<u64> {
    if name.len() > 8 {
        return None;
    }
    let mut bytes = [0u8; 8];
    for (to, from) in bytes.iter_mut().zip(name) {
        *to = from.to_ascii_lowercase();
    }
    Some(u64::from_le_bytes(bytes))
}

/// One entry of [`BY_LENGTH`].
struct Named {
    packed: Option<u64>,
    name: &'static [u8],
    id: Id,
}

/// The commands by the length of their full name, each list in registry
/// order (the most used first). A lookup indexes by length, then compares
/// a handful of names: as packed integers up to 8 bytes (nearly every
/// name), else ignoring case in place. Measured with callgrind, a lookup
/// of `GET` or `SET` costs a fifth of a `HashMap` lookup of the
/// lower-cased name.
static BY_LENGTH: LazyLock<[Vec<Named>; MAX_NAME + 1]> = LazyLock::new(|| {
    let mut table: [Vec<Named>; MAX_NAME + 1] = std::array::from_fn(|_| Vec::new());
    for &id in Id::ALL {
        let name = id.spec().name.as_bytes();
        if let Some(list) = table.get_mut(name.len()) {
            list.push(Named {
                packed: packed(name),
                name,
                id,
            });
        }
    }
    table
});

/// The command a full name such as `get` or `object|encoding` names, as
/// `COMMAND INFO` takes them; any case.
pub fn by_name(name: &[u8]) -> Option<Id> {
    let list = BY_LENGTH.get(name.len())?;
    let found = match packed(name) {
        Some(key) => list.iter().find(|n| n.packed == Some(key)),
        None => list.iter().find(|n| n.name.eq_ignore_ascii_case(name)),
    };
    found.map(|n| n.id)
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

//! [`Spec`]: what a command is, as Redis 7 describes it in `COMMAND INFO`
//! and `COMMAND DOCS`, and the encoders of those replies.
//!
//! Each command declares its spec beside its code. Names, arities, flags,
//! key positions and argument lists are Redis 7.0's own (facts, taken from
//! `COMMAND INFO` and `COMMAND DOCS` of redis-server 7.0); summaries are
//! ours.

use crate::Reply;

/// One command or subcommand, as Redis 7 describes it in `COMMAND INFO` and
/// `COMMAND DOCS`.
#[derive(Debug)]
pub struct Spec {
    /// The full name in lower case, as `COMMAND` and arity errors show it:
    /// `get`, or `client|setname` for a subcommand.
    pub name: &'static str,
    /// Redis's arity, counting the name itself (and the subcommand): `n`
    /// means exactly `n` words, `-n` at least `n`.
    pub arity: i32,
    /// Redis's command flags. `no_auth` is also read by the server: such a
    /// command runs before `AUTH`.
    pub flags: &'static [&'static str],
    /// Where the keys are: first, last (negative counts from the end) and
    /// step, all 0 for a command without keys.
    pub keys: (i32, i32, i32),
    /// ACL categories, `@`-prefixed.
    pub acl: &'static [&'static str],
    /// One line saying what it does (our words).
    pub summary: &'static str,
    /// The Redis version that introduced the command.
    pub since: &'static str,
    /// Redis's command group: `string`, `generic`, `connection`, ...
    pub group: &'static str,
    /// Its time complexity, as Redis documents it.
    pub complexity: &'static str,
    /// Its arguments, for `COMMAND DOCS`.
    pub args: &'static [Arg],
    /// Its subcommands (`OBJECT ENCODING`), each with its own spec.
    pub subcommands: &'static [Spec],
}

impl Spec {
    /// Whether a request of `argc` words (name included) has the right
    /// number of arguments.
    pub fn accepts(&self, argc: usize) -> bool {
        let required = self.arity.unsigned_abs() as usize;
        if self.arity < 0 {
            argc >= required
        } else {
            argc == required
        }
    }

    /// Whether Redis's flag `flag` is set.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }

    /// The name a subcommand is typed as: `setname` for `client|setname`.
    ///
    /// Every request looks its name up through this, so it is a byte scan,
    /// not `rsplit`: the iterator cost more than the rest of the lookup.
    pub fn word(&self) -> &'static str {
        match self.name.bytes().rposition(|b| b == b'|') {
            Some(bar) => &self.name[bar + 1..],
            None => self.name,
        }
    }
}

/// One argument in a command's `COMMAND DOCS` entry.
#[derive(Debug)]
pub struct Arg {
    /// The argument's name.
    pub name: &'static str,
    /// Its type.
    pub kind: ArgKind,
    /// The word that introduces it: `EX` in `EX seconds`.
    pub token: Option<&'static str>,
    /// The Redis version that added it.
    pub since: Option<&'static str>,
    /// Whether it may be left out.
    pub optional: bool,
    /// Whether it may repeat.
    pub multiple: bool,
    /// The alternatives of a [`ArgKind::OneOf`], the parts of a
    /// [`ArgKind::Block`].
    pub args: &'static [Arg],
}

impl Arg {
    /// The defaults that `arg!` fills in.
    pub const BASE: Arg = Arg {
        name: "",
        kind: ArgKind::String,
        token: None,
        since: None,
        optional: false,
        multiple: false,
        args: &[],
    };
}

/// An argument's `type` in `COMMAND DOCS`.
#[derive(Clone, Copy, Debug)]
pub enum ArgKind {
    /// A key name.
    Key,
    /// Any bytes.
    String,
    /// A decimal integer.
    Integer,
    /// A floating-point number.
    Double,
    /// A Unix time.
    UnixTime,
    /// A glob pattern.
    Pattern,
    /// A token with no value: `NX`.
    PureToken,
    /// Exactly one of `args`.
    OneOf,
    /// All of `args`, in order.
    Block,
}

impl ArgKind {
    /// The name `COMMAND DOCS` gives the type.
    pub fn as_str(self) -> &'static str {
        match self {
            ArgKind::Key => "key",
            ArgKind::String => "string",
            ArgKind::Integer => "integer",
            ArgKind::Double => "double",
            ArgKind::Pattern => "pattern",
            ArgKind::UnixTime => "unix-time",
            ArgKind::PureToken => "pure-token",
            ArgKind::OneOf => "oneof",
            ArgKind::Block => "block",
        }
    }
}

impl Spec {
    /// The defaults a spec literal fills in with `..Spec::BASE`.
    pub const BASE: Spec = Spec {
        name: "",
        arity: 0,
        flags: &[],
        keys: (0, 0, 0),
        acl: &[],
        summary: "",
        since: "1.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[],
        subcommands: &[],
    };
}

/// An [`Arg`] literal: `arg!("seconds", Integer, token: Some("EX"))`.
/// A struct literal rather than a `const fn`, so that nested `&[...]` lists
/// are promoted to `'static` inside the table.
#[macro_export]
macro_rules! arg {
    ($name:literal, $kind:ident $(, $field:ident: $value:expr)* $(,)?) => {
        $crate::Arg { name: $name, kind: $crate::ArgKind::$kind, $($field: $value,)* ..$crate::Arg::BASE }
    };
}

/// A pure token, named as Redis names them: `token!("nx", "NX")`.
#[macro_export]
macro_rules! token {
    ($name:literal, $token:literal $(, $field:ident: $value:expr)* $(,)?) => {
        $crate::arg!($name, PureToken, token: Some($token) $(, $field: $value)*)
    };
}

/// Writes the `COMMAND INFO` entry of `spec`: name, arity, flags, first
/// key, last key, step, ACL categories, tips, key specs, subcommands. Tips
/// and key specs are left empty. In RESP3 the flags, categories, tips and
/// key specs are sets, and so are no subcommands (`~0`), as Redis 7.0
/// writes them; some subcommands are an array.
pub fn encode_info(reply: &mut Reply<'_>, spec: &Spec) {
    encode_info_with(reply, spec, |reply, _| {
        reply.set(0);
        reply.set(0);
    });
}

/// [`encode_info`], with the tips and key specs (the seventh and eighth
/// elements, for `spec` and for each subcommand) written by
/// `tips_and_key_specs`, which must write exactly those two.
pub fn encode_info_with(
    reply: &mut Reply<'_>,
    spec: &Spec,
    tips_and_key_specs: fn(&mut Reply<'_>, &Spec),
) {
    reply.array(10);
    reply.bulk(spec.name.as_bytes());
    reply.int(i64::from(spec.arity));
    encode_simple_set(reply, spec.flags);
    let (first, last, step) = spec.keys;
    for n in [first, last, step] {
        reply.int(i64::from(n));
    }
    encode_simple_set(reply, spec.acl);
    tips_and_key_specs(reply, spec);
    if spec.subcommands.is_empty() {
        reply.set(0);
    } else {
        reply.array(spec.subcommands.len());
    }
    for sub in spec.subcommands {
        encode_info_with(reply, sub, tips_and_key_specs);
    }
}

/// Writes the `COMMAND DOCS` value of `spec` (the map after its name).
pub fn encode_docs(reply: &mut Reply<'_>, spec: &Spec) {
    let pairs = 4 + usize::from(!spec.args.is_empty()) + usize::from(!spec.subcommands.is_empty());
    reply.map(pairs);
    for (key, value) in [
        ("summary", spec.summary),
        ("since", spec.since),
        ("group", spec.group),
        ("complexity", spec.complexity),
    ] {
        reply.bulk(key.as_bytes());
        reply.bulk(value.as_bytes());
    }
    if !spec.args.is_empty() {
        reply.bulk(b"arguments");
        encode_args(reply, spec.args);
    }
    if !spec.subcommands.is_empty() {
        reply.bulk(b"subcommands");
        reply.map(spec.subcommands.len());
        for sub in spec.subcommands {
            reply.bulk(sub.name.as_bytes());
            encode_docs(reply, sub);
        }
    }
}

fn encode_args(reply: &mut Reply<'_>, args: &[Arg]) {
    reply.array(args.len());
    for arg in args {
        let flags = usize::from(arg.optional) + usize::from(arg.multiple);
        let pairs = 2
            + usize::from(arg.token.is_some())
            + usize::from(arg.since.is_some())
            + usize::from(flags > 0)
            + usize::from(!arg.args.is_empty());
        reply.map(pairs);
        reply.bulk(b"name");
        reply.bulk(arg.name.as_bytes());
        reply.bulk(b"type");
        reply.bulk(arg.kind.as_str().as_bytes());
        if let Some(token) = arg.token {
            reply.bulk(b"token");
            reply.bulk(token.as_bytes());
        }
        if let Some(since) = arg.since {
            reply.bulk(b"since");
            reply.bulk(since.as_bytes());
        }
        if flags > 0 {
            reply.bulk(b"flags");
            reply.set(flags);
            if arg.optional {
                reply.simple(b"optional");
            }
            if arg.multiple {
                reply.simple(b"multiple");
            }
        }
        if !arg.args.is_empty() {
            reply.bulk(b"arguments");
            encode_args(reply, arg.args);
        }
    }
}

fn encode_simple_set(reply: &mut Reply<'_>, words: &[&str]) {
    reply.set(words.len());
    for word in words {
        reply.simple(word.as_bytes());
    }
}

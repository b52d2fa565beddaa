//! The command table: every command the server knows, described once.
//!
//! The same entries drive three things, so they cannot drift apart:
//! looking a request's name up ([`resolve`]), Redis's arity check, and the
//! replies of `COMMAND`, `COMMAND INFO` and `COMMAND DOCS`, from which
//! `redis-cli` builds its interactive hints. Names, arities, flags, key
//! positions and docs are Redis 7.0's own, for the subset implemented here.

use bytes::{Bytes, BytesMut};
use sharedkv_resp::{encode_array_len, encode_bulk, encode_integer, encode_simple};

use crate::command::CommandError;

/// What [`Command::parse`](crate::command::Command::parse) dispatches on:
/// one variant per entry of the table that can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CommandId {
    Get,
    Set,
    Incr,
    Decr,
    IncrBy,
    DecrBy,
    MGet,
    MSet,
    Del,
    Exists,
    GetDel,
    Expire,
    PExpire,
    Ttl,
    PTtl,
    Persist,
    DbSize,
    FlushDb,
    FlushAll,
    Ping,
    Echo,
    Publish,
    Subscribe,
    Unsubscribe,
    Quit,
    Reset,
    Auth,
    Hello,
    Select,
    Info,
    /// `CLIENT` with no subcommand: only ever rejected by its arity.
    Client,
    ClientId,
    ClientGetName,
    ClientSetName,
    ClientSetInfo,
    /// `CONFIG` with no subcommand: only ever rejected by its arity.
    Config,
    ConfigGet,
    /// `COMMAND` alone: describe every command.
    Command,
    CommandCount,
    CommandDocs,
    CommandInfo,
    CommandList,
}

impl CommandId {
    /// Whether a RESP2 client may run this while subscribed to a channel.
    /// Redis checks the command's implementation, not a flag, so this is a
    /// list too.
    pub(crate) fn allowed_while_subscribed(self) -> bool {
        matches!(
            self,
            CommandId::Subscribe
                | CommandId::Unsubscribe
                | CommandId::Ping
                | CommandId::Quit
                | CommandId::Reset
        )
    }
}

/// One command or subcommand, as Redis 7 describes it in `COMMAND INFO` and
/// `COMMAND DOCS`.
#[derive(Debug)]
pub(crate) struct CommandSpec {
    pub id: CommandId,
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
    pub summary: &'static str,
    /// The Redis version that introduced the command.
    pub since: &'static str,
    /// Redis's command group: `string`, `generic`, `connection`, ...
    pub group: &'static str,
    pub complexity: &'static str,
    pub args: &'static [Arg],
    pub subcommands: &'static [CommandSpec],
}

impl CommandSpec {
    /// Whether a request of `argc` words (name included) has the right
    /// number of arguments.
    pub(crate) fn accepts(&self, argc: usize) -> bool {
        let required = self.arity.unsigned_abs() as usize;
        if self.arity < 0 {
            argc >= required
        } else {
            argc == required
        }
    }

    /// Whether Redis's flag `flag` is set.
    pub(crate) fn has_flag(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }

    /// The name a subcommand is typed as: `setname` for `client|setname`.
    ///
    /// Every request looks its name up through this, so it is a byte scan,
    /// not `rsplit`: the iterator cost more than the rest of the lookup.
    fn word(&self) -> &'static str {
        match self.name.bytes().rposition(|b| b == b'|') {
            Some(bar) => &self.name[bar + 1..],
            None => self.name,
        }
    }
}

/// One argument in a command's `COMMAND DOCS` entry.
#[derive(Debug)]
pub(crate) struct Arg {
    pub name: &'static str,
    pub kind: ArgKind,
    /// The word that introduces it: `EX` in `EX seconds`.
    pub token: Option<&'static str>,
    pub since: Option<&'static str>,
    pub optional: bool,
    pub multiple: bool,
    /// The alternatives of a [`ArgKind::OneOf`], the parts of a
    /// [`ArgKind::Block`].
    pub args: &'static [Arg],
}

impl Arg {
    /// The defaults that `arg!` fills in.
    const BASE: Arg = Arg {
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
pub(crate) enum ArgKind {
    Key,
    String,
    Integer,
    UnixTime,
    /// A token with no value: `NX`.
    PureToken,
    /// Exactly one of `args`.
    OneOf,
    /// All of `args`, in order.
    Block,
}

impl ArgKind {
    fn as_str(self) -> &'static str {
        match self {
            ArgKind::Key => "key",
            ArgKind::String => "string",
            ArgKind::Integer => "integer",
            ArgKind::UnixTime => "unix-time",
            ArgKind::PureToken => "pure-token",
            ArgKind::OneOf => "oneof",
            ArgKind::Block => "block",
        }
    }
}

/// Finds the command a request names and checks its arity, in Redis's
/// order: unknown command, unknown subcommand, then wrong arity.
pub(crate) fn resolve(args: &[Bytes]) -> Result<&'static CommandSpec, CommandError> {
    let name = args.first().map_or(&b""[..], |n| n);
    let spec = find(COMMANDS, name).ok_or_else(|| CommandError::unknown_command(args))?;
    let spec = match (spec.subcommands, args.get(1)) {
        ([], _) | (_, None) => spec,
        (subcommands, Some(word)) => find(subcommands, word)
            .ok_or_else(|| CommandError::unknown_subcommand(spec.name, word))?,
    };
    if spec.accepts(args.len()) {
        Ok(spec)
    } else {
        Err(CommandError::WrongArity(spec.name))
    }
}

/// The entry named `word`, ignoring ASCII case. A linear scan: the table is
/// short, ordered by how often commands are used, and a mismatch is mostly
/// rejected on length alone.
fn find(table: &'static [CommandSpec], word: &[u8]) -> Option<&'static CommandSpec> {
    table
        .iter()
        .find(|spec| spec.word().as_bytes().eq_ignore_ascii_case(word))
}

/// The entry named by a full name such as `get` or `client|id`, as
/// `COMMAND INFO` and `COMMAND DOCS` take them.
pub(crate) fn find_full_name(name: &[u8]) -> Option<&'static CommandSpec> {
    let mut words = name.splitn(2, |&b| b == b'|');
    let top = find(COMMANDS, words.next()?)?;
    match words.next() {
        None => Some(top),
        Some(sub) => find(top.subcommands, sub),
    }
}

/// Every top-level command, for `COMMAND` and `COMMAND COUNT`.
pub(crate) fn commands() -> &'static [CommandSpec] {
    COMMANDS
}

/// Appends the `COMMAND INFO` entry of `spec`: name, arity, flags, first
/// key, last key, step, ACL categories, tips, key specs, subcommands.
/// Tips and key specs are left empty.
pub(crate) fn encode_info(out: &mut BytesMut, spec: &CommandSpec) {
    encode_array_len(out, 10);
    encode_bulk(out, spec.name.as_bytes());
    encode_integer(out, i64::from(spec.arity));
    encode_simple_list(out, spec.flags);
    let (first, last, step) = spec.keys;
    for n in [first, last, step] {
        encode_integer(out, i64::from(n));
    }
    encode_simple_list(out, spec.acl);
    encode_array_len(out, 0);
    encode_array_len(out, 0);
    encode_array_len(out, spec.subcommands.len());
    for sub in spec.subcommands {
        encode_info(out, sub);
    }
}

/// Appends the `COMMAND DOCS` value of `spec` (the map after its name),
/// as RESP2 gives a map: a flat array of keys and values.
pub(crate) fn encode_docs(out: &mut BytesMut, spec: &CommandSpec) {
    let pairs = 4 + usize::from(!spec.args.is_empty()) + usize::from(!spec.subcommands.is_empty());
    encode_array_len(out, pairs * 2);
    for (key, value) in [
        ("summary", spec.summary),
        ("since", spec.since),
        ("group", spec.group),
        ("complexity", spec.complexity),
    ] {
        encode_bulk(out, key.as_bytes());
        encode_bulk(out, value.as_bytes());
    }
    if !spec.args.is_empty() {
        encode_bulk(out, b"arguments");
        encode_args(out, spec.args);
    }
    if !spec.subcommands.is_empty() {
        encode_bulk(out, b"subcommands");
        encode_array_len(out, spec.subcommands.len() * 2);
        for sub in spec.subcommands {
            encode_bulk(out, sub.name.as_bytes());
            encode_docs(out, sub);
        }
    }
}

fn encode_args(out: &mut BytesMut, args: &[Arg]) {
    encode_array_len(out, args.len());
    for arg in args {
        let flags = usize::from(arg.optional) + usize::from(arg.multiple);
        let pairs = 2
            + usize::from(arg.token.is_some())
            + usize::from(arg.since.is_some())
            + usize::from(flags > 0)
            + usize::from(!arg.args.is_empty());
        encode_array_len(out, pairs * 2);
        encode_bulk(out, b"name");
        encode_bulk(out, arg.name.as_bytes());
        encode_bulk(out, b"type");
        encode_bulk(out, arg.kind.as_str().as_bytes());
        if let Some(token) = arg.token {
            encode_bulk(out, b"token");
            encode_bulk(out, token.as_bytes());
        }
        if let Some(since) = arg.since {
            encode_bulk(out, b"since");
            encode_bulk(out, since.as_bytes());
        }
        if flags > 0 {
            encode_bulk(out, b"flags");
            encode_array_len(out, flags);
            if arg.optional {
                encode_simple(out, b"optional");
            }
            if arg.multiple {
                encode_simple(out, b"multiple");
            }
        }
        if !arg.args.is_empty() {
            encode_bulk(out, b"arguments");
            encode_args(out, arg.args);
        }
    }
}

fn encode_simple_list(out: &mut BytesMut, words: &[&str]) {
    encode_array_len(out, words.len());
    for word in words {
        encode_simple(out, word.as_bytes());
    }
}

/// An [`Arg`] literal: `arg!("seconds", Integer, token: Some("EX"))`.
/// A struct literal rather than a `const fn`, so that nested `&[...]` lists
/// are promoted to `'static` inside the table.
macro_rules! arg {
    ($name:literal, $kind:ident $(, $field:ident: $value:expr)* $(,)?) => {
        Arg { name: $name, kind: ArgKind::$kind, $($field: $value,)* ..Arg::BASE }
    };
}

/// A pure token, named as Redis names them: `token!("nx", "NX")`.
macro_rules! token {
    ($name:literal, $token:literal $(, $field:ident: $value:expr)* $(,)?) => {
        arg!($name, PureToken, token: Some($token) $(, $field: $value)*)
    };
}

/// Flags shared by many entries.
const CONNECTION_FLAGS: &[&str] = &["noscript", "loading", "stale"];
const NO_AUTH_FLAGS: &[&str] = &[
    "noscript",
    "loading",
    "stale",
    "fast",
    "no_auth",
    "allow_busy",
];
const COMMAND_FLAGS: &[&str] = &["loading", "stale"];
const ADMIN_FLAGS: &[&str] = &["admin", "noscript", "loading", "stale"];

/// `FLUSHDB` and `FLUSHALL`'s one optional argument.
const FLUSH_ARGS: &[Arg] = &[arg!("async", OneOf, optional: true, args: &[
    token!("async", "ASYNC", since: Some("4.0.0")),
    token!("sync", "SYNC", since: Some("6.2.0")),
])];

/// `EXPIRE` and `PEXPIRE`'s condition (see `parse_expire` in `command.rs`).
const EXPIRE_CONDITION: Arg = arg!("condition", OneOf, since: Some("7.0.0"), optional: true, args: &[
    token!("nx", "NX"),
    token!("xx", "XX"),
    token!("gt", "GT"),
    token!("lt", "LT"),
]);

/// The table, most used commands first (see [`find`]).
static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        id: CommandId::Get,
        name: "get",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@string", "@fast"],
        summary: "Get the value of a key",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Set,
        name: "set",
        arity: -3,
        flags: &["write", "denyoom"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@slow"],
        summary: "Set the string value of a key",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("value", String),
            arg!("condition", OneOf, since: Some("2.6.12"), optional: true, args: &[
                token!("nx", "NX"),
                token!("xx", "XX"),
            ]),
            token!("get", "GET", since: Some("6.2.0"), optional: true),
            arg!("expiration", OneOf, optional: true, args: &[
                arg!("seconds", Integer, token: Some("EX"), since: Some("2.6.12")),
                arg!("milliseconds", Integer, token: Some("PX"), since: Some("2.6.12")),
                arg!("unix-time-seconds", UnixTime, token: Some("EXAT"), since: Some("6.2.0")),
                arg!("unix-time-milliseconds", UnixTime, token: Some("PXAT"), since: Some("6.2.0")),
                token!("keepttl", "KEEPTTL", since: Some("6.0.0")),
            ]),
        ],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Ping,
        name: "ping",
        arity: -1,
        flags: &["fast"],
        keys: (0, 0, 0),
        acl: &["@fast", "@connection"],
        summary: "Ping the server",
        since: "1.0.0",
        group: "connection",
        complexity: "O(1)",
        args: &[arg!("message", String, optional: true)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Incr,
        name: "incr",
        arity: 2,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Increment the integer value of a key by one",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::MGet,
        name: "mget",
        arity: -2,
        flags: &["readonly", "fast"],
        keys: (1, -1, 1),
        acl: &["@read", "@string", "@fast"],
        summary: "Get the values of all the given keys",
        since: "1.0.0",
        group: "string",
        complexity: "O(N) where N is the number of keys to retrieve.",
        args: &[arg!("key", Key, multiple: true)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::MSet,
        name: "mset",
        arity: -3,
        flags: &["write", "denyoom"],
        keys: (1, -1, 2),
        acl: &["@write", "@string", "@slow"],
        summary: "Set multiple keys to multiple values",
        since: "1.0.1",
        group: "string",
        complexity: "O(N) where N is the number of keys to set.",
        args: &[arg!("key_value", Block, multiple: true, args: &[
            arg!("key", Key),
            arg!("value", String),
        ])],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Del,
        name: "del",
        arity: -2,
        flags: &["write"],
        keys: (1, -1, 1),
        acl: &["@keyspace", "@write", "@slow"],
        summary: "Delete a key",
        since: "1.0.0",
        group: "generic",
        complexity: "O(N) where N is the number of keys that will be removed.",
        args: &[arg!("key", Key, multiple: true)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Exists,
        name: "exists",
        arity: -2,
        flags: &["readonly", "fast"],
        keys: (1, -1, 1),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Determine if a key exists",
        since: "1.0.0",
        group: "generic",
        complexity: "O(N) where N is the number of keys to check.",
        args: &[arg!("key", Key, multiple: true)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Decr,
        name: "decr",
        arity: 2,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Decrement the integer value of a key by one",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::IncrBy,
        name: "incrby",
        arity: 3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Increment the integer value of a key by the given amount",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("increment", Integer)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::DecrBy,
        name: "decrby",
        arity: 3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Decrement the integer value of a key by the given number",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("decrement", Integer)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::GetDel,
        name: "getdel",
        arity: 2,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Get the value of a key and delete the key",
        since: "6.2.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Expire,
        name: "expire",
        arity: -3,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@write", "@fast"],
        summary: "Set a key's time to live in seconds",
        since: "1.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("seconds", Integer), EXPIRE_CONDITION],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::PExpire,
        name: "pexpire",
        arity: -3,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@write", "@fast"],
        summary: "Set a key's time to live in milliseconds",
        since: "2.6.0",
        group: "generic",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("milliseconds", Integer),
            EXPIRE_CONDITION,
        ],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Ttl,
        name: "ttl",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Get the time to live for a key in seconds",
        since: "1.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::PTtl,
        name: "pttl",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Get the time to live for a key in milliseconds",
        since: "2.6.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Persist,
        name: "persist",
        arity: 2,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@write", "@fast"],
        summary: "Remove the expiration from a key",
        since: "2.2.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::DbSize,
        name: "dbsize",
        arity: 1,
        flags: &["readonly", "fast"],
        keys: (0, 0, 0),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Return the number of keys in the selected database",
        since: "1.0.0",
        group: "server",
        complexity: "O(1)",
        args: &[],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::FlushDb,
        name: "flushdb",
        arity: -1,
        flags: &["write"],
        keys: (0, 0, 0),
        acl: &["@keyspace", "@write", "@slow", "@dangerous"],
        summary: "Remove all keys from the current database",
        since: "1.0.0",
        group: "server",
        complexity: "O(N) where N is the number of keys in the selected database",
        args: FLUSH_ARGS,
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::FlushAll,
        name: "flushall",
        arity: -1,
        flags: &["write"],
        keys: (0, 0, 0),
        acl: &["@keyspace", "@write", "@slow", "@dangerous"],
        summary: "Remove all keys from all databases",
        since: "1.0.0",
        group: "server",
        complexity: "O(N) where N is the total number of keys in all databases",
        args: FLUSH_ARGS,
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Echo,
        name: "echo",
        arity: 2,
        flags: &["loading", "stale", "fast"],
        keys: (0, 0, 0),
        acl: &["@fast", "@connection"],
        summary: "Echo the given string",
        since: "1.0.0",
        group: "connection",
        complexity: "O(1)",
        args: &[arg!("message", String)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Publish,
        name: "publish",
        arity: 3,
        flags: &["pubsub", "loading", "stale", "fast"],
        keys: (0, 0, 0),
        acl: &["@pubsub", "@fast"],
        summary: "Post a message to a channel",
        since: "2.0.0",
        group: "pubsub",
        complexity: "O(N) where N is the number of clients subscribed to the receiving channel.",
        args: &[arg!("channel", String), arg!("message", String)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Subscribe,
        name: "subscribe",
        arity: -2,
        flags: &["pubsub", "noscript", "loading", "stale"],
        keys: (0, 0, 0),
        acl: &["@pubsub", "@slow"],
        summary: "Listen for messages published to the given channels",
        since: "2.0.0",
        group: "pubsub",
        complexity: "O(N) where N is the number of channels to subscribe to.",
        args: &[arg!("channel", String, multiple: true)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Unsubscribe,
        name: "unsubscribe",
        arity: -1,
        flags: &["pubsub", "noscript", "loading", "stale"],
        keys: (0, 0, 0),
        acl: &["@pubsub", "@slow"],
        summary: "Stop listening for messages posted to the given channels",
        since: "2.0.0",
        group: "pubsub",
        complexity: "O(N) where N is the number of clients already subscribed to a channel.",
        args: &[arg!("channel", String, optional: true, multiple: true)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Quit,
        name: "quit",
        arity: -1,
        flags: NO_AUTH_FLAGS,
        keys: (0, 0, 0),
        acl: &["@fast", "@connection"],
        summary: "Close the connection",
        since: "1.0.0",
        group: "connection",
        complexity: "O(1)",
        args: &[],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Reset,
        name: "reset",
        arity: 1,
        flags: NO_AUTH_FLAGS,
        keys: (0, 0, 0),
        acl: &["@fast", "@connection"],
        summary: "Reset the connection",
        since: "6.2.0",
        group: "connection",
        complexity: "O(1)",
        args: &[],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Auth,
        name: "auth",
        arity: -2,
        flags: NO_AUTH_FLAGS,
        keys: (0, 0, 0),
        acl: &["@fast", "@connection"],
        summary: "Authenticate to the server",
        since: "1.0.0",
        group: "connection",
        complexity: "O(N) where N is the number of passwords defined for the user",
        args: &[
            arg!("username", String, since: Some("6.0.0"), optional: true),
            arg!("password", String),
        ],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Hello,
        name: "hello",
        arity: -1,
        flags: NO_AUTH_FLAGS,
        keys: (0, 0, 0),
        acl: &["@fast", "@connection"],
        summary: "Handshake with Redis",
        since: "6.0.0",
        group: "connection",
        complexity: "O(1)",
        args: &[arg!("arguments", Block, optional: true, args: &[
            arg!("protover", Integer),
            arg!("username_password", Block, token: Some("AUTH"), optional: true, args: &[
                arg!("username", String),
                arg!("password", String),
            ]),
            arg!("clientname", String, token: Some("SETNAME"), optional: true),
        ])],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Select,
        name: "select",
        arity: 2,
        flags: &["loading", "stale", "fast"],
        keys: (0, 0, 0),
        acl: &["@fast", "@connection"],
        summary: "Change the selected database for the current connection",
        since: "1.0.0",
        group: "connection",
        complexity: "O(1)",
        args: &[arg!("index", Integer)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Info,
        name: "info",
        arity: -1,
        flags: COMMAND_FLAGS,
        keys: (0, 0, 0),
        acl: &["@slow", "@dangerous"],
        summary: "Get information and statistics about the server",
        since: "1.0.0",
        group: "server",
        complexity: "O(1)",
        args: &[arg!("section", String, optional: true, multiple: true)],
        subcommands: &[],
    },
    CommandSpec {
        id: CommandId::Client,
        name: "client",
        arity: -2,
        flags: &[],
        keys: (0, 0, 0),
        acl: &["@slow"],
        summary: "A container for client connection commands",
        since: "2.4.0",
        group: "connection",
        complexity: "Depends on subcommand.",
        args: &[],
        subcommands: &[
            CommandSpec {
                id: CommandId::ClientId,
                name: "client|id",
                arity: 2,
                flags: CONNECTION_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Returns the client ID for the current connection",
                since: "5.0.0",
                group: "connection",
                complexity: "O(1)",
                args: &[],
                subcommands: &[],
            },
            CommandSpec {
                id: CommandId::ClientGetName,
                name: "client|getname",
                arity: 2,
                flags: CONNECTION_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Get the current connection name",
                since: "2.6.9",
                group: "connection",
                complexity: "O(1)",
                args: &[],
                subcommands: &[],
            },
            CommandSpec {
                id: CommandId::ClientSetName,
                name: "client|setname",
                arity: 3,
                flags: CONNECTION_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Set the current connection name",
                since: "2.6.9",
                group: "connection",
                complexity: "O(1)",
                args: &[arg!("connection-name", String)],
                subcommands: &[],
            },
            CommandSpec {
                id: CommandId::ClientSetInfo,
                name: "client|setinfo",
                arity: 4,
                flags: CONNECTION_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Set client or connection specific info",
                since: "7.2.0",
                group: "connection",
                complexity: "O(1)",
                args: &[arg!("attr", OneOf, args: &[
                    arg!("libname", String, token: Some("LIB-NAME")),
                    arg!("libver", String, token: Some("LIB-VER")),
                ])],
                subcommands: &[],
            },
        ],
    },
    CommandSpec {
        id: CommandId::Config,
        name: "config",
        arity: -2,
        flags: &[],
        keys: (0, 0, 0),
        acl: &["@slow"],
        summary: "A container for server configuration commands",
        since: "2.0.0",
        group: "server",
        complexity: "Depends on subcommand.",
        args: &[],
        subcommands: &[CommandSpec {
            id: CommandId::ConfigGet,
            name: "config|get",
            arity: -3,
            flags: ADMIN_FLAGS,
            keys: (0, 0, 0),
            acl: &["@admin", "@slow", "@dangerous"],
            summary: "Get the values of configuration parameters",
            since: "2.0.0",
            group: "server",
            complexity: "O(N) when N is the number of configuration parameters provided",
            args: &[arg!("parameter", Block, multiple: true, args: &[arg!("parameter", String)])],
            subcommands: &[],
        }],
    },
    CommandSpec {
        id: CommandId::Command,
        name: "command",
        arity: -1,
        flags: COMMAND_FLAGS,
        keys: (0, 0, 0),
        acl: &["@slow", "@connection"],
        summary: "Get array of Redis command details",
        since: "2.8.13",
        group: "server",
        complexity: "O(N) where N is the total number of Redis commands",
        args: &[],
        subcommands: &[
            CommandSpec {
                id: CommandId::CommandCount,
                name: "command|count",
                arity: 2,
                flags: COMMAND_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Get total number of Redis commands",
                since: "2.8.13",
                group: "server",
                complexity: "O(1)",
                args: &[],
                subcommands: &[],
            },
            CommandSpec {
                id: CommandId::CommandDocs,
                name: "command|docs",
                arity: -2,
                flags: COMMAND_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Get array of specific Redis command documentation",
                since: "7.0.0",
                group: "server",
                complexity: "O(N) where N is the number of commands to look up",
                args: &[arg!("command-name", String, optional: true, multiple: true)],
                subcommands: &[],
            },
            CommandSpec {
                id: CommandId::CommandInfo,
                name: "command|info",
                arity: -2,
                flags: COMMAND_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Get array of specific Redis command details, or all when no argument is given.",
                since: "2.8.13",
                group: "server",
                complexity: "O(N) where N is the number of commands to look up",
                args: &[arg!("command-name", String, optional: true, multiple: true)],
                subcommands: &[],
            },
            CommandSpec {
                id: CommandId::CommandList,
                name: "command|list",
                arity: 2,
                flags: COMMAND_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Get an array of Redis command names",
                since: "7.0.0",
                group: "server",
                complexity: "O(N) where N is the total number of Redis commands",
                args: &[],
                subcommands: &[],
            },
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<Bytes> {
        words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect()
    }

    /// Every entry can be found by its own name, in any case, and resolves
    /// to itself.
    #[test]
    fn every_entry_is_found_by_its_name() {
        for spec in commands() {
            assert_eq!(
                find_full_name(spec.name.as_bytes()).map(|s| s.id),
                Some(spec.id)
            );
            let upper = spec.name.to_ascii_uppercase();
            assert_eq!(
                find(COMMANDS, upper.as_bytes()).map(|s| s.id),
                Some(spec.id)
            );
            for sub in spec.subcommands {
                assert!(sub.name.starts_with(&format!("{}|", spec.name)));
                assert_eq!(
                    find_full_name(sub.name.as_bytes()).map(|s| s.id),
                    Some(sub.id)
                );
            }
        }
    }

    /// Arity follows Redis: exact for positive, a minimum for negative.
    #[test]
    fn arity_checks() {
        assert!(resolve(&args(&["get", "k"])).is_ok());
        assert!(matches!(
            resolve(&args(&["get"])),
            Err(CommandError::WrongArity("get"))
        ));
        assert!(matches!(
            resolve(&args(&["set", "k"])),
            Err(CommandError::WrongArity("set"))
        ));
        assert!(resolve(&args(&["SET", "k", "v", "NX", "GET"])).is_ok());
        assert!(matches!(
            resolve(&args(&["client"])),
            Err(CommandError::WrongArity("client"))
        ));
        assert!(matches!(
            resolve(&args(&["CLIENT", "setname"])),
            Err(CommandError::WrongArity("client|setname"))
        ));
        assert_eq!(
            resolve(&args(&["command"])).map(|s| s.id).ok(),
            Some(CommandId::Command)
        );
    }

    /// Only the commands Redis flags `no_auth` run before authentication.
    #[test]
    fn no_auth_commands() {
        let no_auth: Vec<&str> = commands()
            .iter()
            .filter(|s| s.has_flag("no_auth"))
            .map(|s| s.name)
            .collect();
        assert_eq!(no_auth, ["quit", "reset", "auth", "hello"]);
    }
}

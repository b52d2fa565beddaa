//! The server's own commands, described once: connection, pub/sub and
//! introspection. The data commands live in `sharedkv-commands`, each
//! beside its code; [`resolve`] looks there first, then here.
//!
//! The same entries drive looking a request's name up, Redis's arity check,
//! and the replies of `COMMAND`, `COMMAND INFO` and `COMMAND DOCS`, from
//! which `redis-cli` builds its interactive hints. Names, arities, flags,
//! key positions and arguments are Redis 7.0's own.

use bytes::Bytes;
use sharedkv_commands::{Spec, arg};

use crate::error::CommandError;
use crate::observe_specs;

/// What [`Command::parse`](crate::command::Command::parse) dispatches on:
/// one variant per command of this table that can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CommandId {
    Ping,
    Echo,
    Publish,
    Subscribe,
    Unsubscribe,
    PSubscribe,
    PUnsubscribe,
    SSubscribe,
    SUnsubscribe,
    SPublish,
    PubSub,
    PubSubChannels,
    PubSubNumSub,
    PubSubNumPat,
    PubSubShardChannels,
    PubSubShardNumSub,
    Quit,
    Reset,
    Auth,
    Hello,
    Info,
    Client,
    ClientId,
    /// `CLIENT HELP`, `CONFIG HELP`, `COMMAND HELP`.
    Help,
    ClientGetName,
    ClientSetName,
    ClientSetInfo,
    ClientList,
    ClientInfo,
    ClientKill,
    ClientReply,
    ClientNoEvict,
    ClientNoTouch,
    ClientPause,
    ClientUnpause,
    ClientUnblock,
    /// `CLIENT TRACKING`, `CACHING`, `GETREDIR`, `TRACKINGINFO`: all
    /// answer that tracking is not supported.
    ClientTracking,
    Config,
    ConfigGet,
    ConfigSet,
    ConfigResetStat,
    ConfigRewrite,
    Command,
    CommandCount,
    CommandDocs,
    CommandInfo,
    CommandList,
    /// The commands of `admin` (`TIME`, `SHUTDOWN`, `MONITOR`, `MEMORY`,
    /// `DEBUG`, `COMMAND GETKEYS`, ...).
    Admin(crate::admin::AdminId),
    /// `SLOWLOG`, `LATENCY`, `ACL` and their subcommands: see `observe`.
    Observe,
    /// `MULTI`, `EXEC`, `DISCARD`, `WATCH`, `UNWATCH`: see `transaction`.
    Multi,
    Exec,
    Discard,
    Watch,
    Unwatch,
    /// `EVAL` and the like, and `SCRIPT`'s subcommands: see `scripting`.
    Eval(crate::scripting::Eval),
    /// `SCRIPT` without a subcommand: an arity error.
    Script,
    ScriptLoad,
    ScriptExists,
    ScriptFlush,
    ScriptKill,
}

impl CommandId {
    /// The command a spec of this table describes.
    fn of(spec: &Spec) -> Option<CommandId> {
        Some(match spec.name {
            "ping" => CommandId::Ping,
            "echo" => CommandId::Echo,
            "publish" => CommandId::Publish,
            "subscribe" => CommandId::Subscribe,
            "unsubscribe" => CommandId::Unsubscribe,
            "psubscribe" => CommandId::PSubscribe,
            "punsubscribe" => CommandId::PUnsubscribe,
            "ssubscribe" => CommandId::SSubscribe,
            "sunsubscribe" => CommandId::SUnsubscribe,
            "spublish" => CommandId::SPublish,
            "pubsub" => CommandId::PubSub,
            "pubsub|help" => CommandId::Help,
            "pubsub|channels" => CommandId::PubSubChannels,
            "pubsub|numsub" => CommandId::PubSubNumSub,
            "pubsub|numpat" => CommandId::PubSubNumPat,
            "pubsub|shardchannels" => CommandId::PubSubShardChannels,
            "pubsub|shardnumsub" => CommandId::PubSubShardNumSub,
            "quit" => CommandId::Quit,
            "reset" => CommandId::Reset,
            "auth" => CommandId::Auth,
            "hello" => CommandId::Hello,
            "info" => CommandId::Info,
            "client" => CommandId::Client,
            "client|id" => CommandId::ClientId,
            "client|help" | "config|help" | "command|help" => CommandId::Help,
            "client|getname" => CommandId::ClientGetName,
            "client|setname" => CommandId::ClientSetName,
            "client|setinfo" => CommandId::ClientSetInfo,
            "client|list" => CommandId::ClientList,
            "client|info" => CommandId::ClientInfo,
            "client|kill" => CommandId::ClientKill,
            "client|reply" => CommandId::ClientReply,
            "client|no-evict" => CommandId::ClientNoEvict,
            "client|no-touch" => CommandId::ClientNoTouch,
            "client|pause" => CommandId::ClientPause,
            "client|unpause" => CommandId::ClientUnpause,
            "client|unblock" => CommandId::ClientUnblock,
            "client|tracking" | "client|caching" | "client|getredir" | "client|trackinginfo" => {
                CommandId::ClientTracking
            }
            "config" => CommandId::Config,
            "config|get" => CommandId::ConfigGet,
            "config|set" => CommandId::ConfigSet,
            "config|resetstat" => CommandId::ConfigResetStat,
            "config|rewrite" => CommandId::ConfigRewrite,
            "command" => CommandId::Command,
            "command|count" => CommandId::CommandCount,
            "command|docs" => CommandId::CommandDocs,
            "command|info" => CommandId::CommandInfo,
            "command|list" => CommandId::CommandList,
            "multi" => CommandId::Multi,
            "exec" => CommandId::Exec,
            "discard" => CommandId::Discard,
            "watch" => CommandId::Watch,
            "unwatch" => CommandId::Unwatch,
            "eval" | "evalsha" | "eval_ro" | "evalsha_ro" => {
                CommandId::Eval(crate::scripting::Eval {
                    by_sha: spec.name.starts_with("evalsha"),
                    read_only: spec.name.ends_with("_ro"),
                })
            }
            "script" => CommandId::Script,
            "script|load" => CommandId::ScriptLoad,
            "script|exists" => CommandId::ScriptExists,
            "script|flush" => CommandId::ScriptFlush,
            "script|kill" => CommandId::ScriptKill,
            "script|help" => CommandId::Help,
            name if crate::observe::owns(name) => CommandId::Observe,
            name => return crate::admin::AdminId::of(name).map(CommandId::Admin),
        })
    }

    /// Whether a RESP2 client may run this while subscribed to a channel
    /// (a RESP3 client may run anything). Redis checks the command's
    /// implementation, not a flag, so this is a list too.
    pub(crate) fn allowed_while_subscribed(self) -> bool {
        matches!(
            self,
            CommandId::Subscribe
                | CommandId::Unsubscribe
                | CommandId::PSubscribe
                | CommandId::PUnsubscribe
                | CommandId::SSubscribe
                | CommandId::SUnsubscribe
                | CommandId::Ping
                | CommandId::Quit
                | CommandId::Reset
        )
    }
}

/// A request resolved to its command.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Resolved {
    /// A data command, run by `sharedkv-commands`.
    Data(sharedkv_commands::Id),
    /// One of this table's, with its spec.
    Server(CommandId, &'static Spec),
}

impl Resolved {
    /// The command's spec.
    pub(crate) fn spec(self) -> &'static Spec {
        match self {
            Resolved::Data(id) => id.spec(),
            Resolved::Server(_, spec) => spec,
        }
    }
}

/// Finds the command a request names and checks its arity, in Redis's
/// order: unknown command, unknown subcommand, then wrong arity.
pub(crate) fn resolve(args: &[Bytes]) -> Result<Resolved, CommandError> {
    if let Some(found) = sharedkv_commands::find(args) {
        return Ok(Resolved::Data(found?));
    }
    let name = args.first().map_or(&b""[..], |n| n);
    let spec = find_top(name)
        .ok_or_else(|| CommandError::from(sharedkv_commands::Error::unknown_command(args)))?;
    let spec = match (spec.subcommands, args.get(1)) {
        ([], _) | (_, None) => spec,
        (subcommands, Some(word)) => find(subcommands, word).ok_or_else(|| {
            CommandError::from(sharedkv_commands::Error::unknown_subcommand(
                spec.name, word,
            ))
        })?,
    };
    if !spec.accepts(args.len()) {
        return Err(CommandError::WrongArity(spec.name));
    }
    // Every entry of the table has an id; a container reached without its
    // subcommand is rejected by its arity above.
    let id = CommandId::of(spec).ok_or(CommandError::WrongArity(spec.name))?;
    Ok(Resolved::Server(id, spec))
}

/// The server's tables of commands: its own, the operators' (`admin`),
/// the transactions', the scripts'.
fn tables() -> [&'static [Spec]; 4] {
    [
        COMMANDS,
        crate::admin::specs::COMMANDS,
        crate::transaction::COMMANDS,
        crate::scripting::COMMANDS,
    ]
}

/// The top-level entry of the server's tables named `word`.
fn find_top(word: &[u8]) -> Option<&'static Spec> {
    tables().into_iter().find_map(|table| find(table, word))
}

/// The entry named `word`, ignoring ASCII case. A linear scan: the table is
/// short, and a mismatch is mostly rejected on length alone.
fn find(table: &'static [Spec], word: &[u8]) -> Option<&'static Spec> {
    table
        .iter()
        .find(|spec| spec.word().as_bytes().eq_ignore_ascii_case(word))
}

/// The entry named by a full name such as `get` or `client|id`, as
/// `COMMAND INFO` and `COMMAND DOCS` take them.
pub(crate) fn find_full_name(name: &[u8]) -> Option<&'static Spec> {
    if let Some(id) = sharedkv_commands::by_name(name) {
        return Some(id.spec());
    }
    let mut words = name.splitn(2, |&b| b == b'|');
    let word = words.next()?;
    let top = find_top(word)?;
    match words.next() {
        None => Some(top),
        Some(sub) => find(top.subcommands, sub),
    }
}

/// Every top-level command, data commands first, for `COMMAND` and
/// `COMMAND COUNT`.
pub(crate) fn commands() -> Vec<&'static Spec> {
    sharedkv_commands::specs()
        .chain(tables().into_iter().flatten())
        .collect()
}

/// Every entry of the server's own table, subcommands included.
pub(crate) fn server_specs() -> impl Iterator<Item = &'static Spec> {
    tables()
        .into_iter()
        .flatten()
        .flat_map(|spec| std::iter::once(spec).chain(spec.subcommands))
}

/// A `CLIENT` subcommand's entry: Redis 7.0's arity, flags and ACL
/// categories, in the group `connection`, O(1) unless said.
macro_rules! client_sub {
    (@complexity) => { "O(1)" };
    (@complexity $c:literal) => { $c };
    ($name:literal, $arity:expr, $flags:expr, $acl:expr, $summary:literal, $since:literal,
     [$($arg:expr),* $(,)?] $(, $complexity:literal)?) => {
        Spec {
            name: $name,
            arity: $arity,
            flags: $flags,
            keys: (0, 0, 0),
            acl: $acl,
            summary: $summary,
            since: $since,
            group: "connection",
            complexity: client_sub!(@complexity $($complexity)?),
            args: &[$($arg),*],
            subcommands: &[],
        }
    };
}

/// A `PUBSUB` subcommand's entry: Redis 7.0's arity, flags and ACL
/// categories, in the group `pubsub`.
macro_rules! pubsub_sub {
    ($name:literal, $arity:expr, $flags:expr, $acl:expr, $summary:literal, $since:literal,
     [$($arg:expr),* $(,)?], $complexity:literal) => {
        Spec {
            name: $name,
            arity: $arity,
            flags: $flags,
            keys: (0, 0, 0),
            acl: $acl,
            summary: $summary,
            since: $since,
            group: "pubsub",
            complexity: $complexity,
            args: &[$($arg),*],
            subcommands: &[],
        }
    };
}

/// The flags and ACL categories of the `PUBSUB` queries.
const PUBSUB_FLAGS: &[&str] = &["pubsub", "loading", "stale"];
const PUBSUB_ACL: &[&str] = &["@pubsub", "@slow"];

/// The ACL categories of the admin `CLIENT` subcommands.
const CLIENT_ADMIN_ACL: &[&str] = &["@admin", "@slow", "@dangerous", "@connection"];
const CLIENT_ACL: &[&str] = &["@slow", "@connection"];

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

/// The table.
static COMMANDS: &[Spec] = &[
    Spec {
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
    Spec {
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
    Spec {
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
    Spec {
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
    Spec {
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
    Spec {
        name: "psubscribe",
        arity: -2,
        flags: &["pubsub", "noscript", "loading", "stale"],
        keys: (0, 0, 0),
        acl: &["@pubsub", "@slow"],
        summary: "Listen for messages published to channels matching the given patterns",
        since: "2.0.0",
        group: "pubsub",
        complexity: "O(N) where N is the number of patterns the client is already subscribed to.",
        args: &[arg!("pattern", Block, multiple: true, args: &[arg!("pattern", Pattern)])],
        subcommands: &[],
    },
    Spec {
        name: "punsubscribe",
        arity: -1,
        flags: &["pubsub", "noscript", "loading", "stale"],
        keys: (0, 0, 0),
        acl: &["@pubsub", "@slow"],
        summary: "Stop listening for messages posted to channels matching the given patterns",
        since: "2.0.0",
        group: "pubsub",
        complexity: "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
        args: &[arg!("pattern", Pattern, optional: true, multiple: true)],
        subcommands: &[],
    },
    Spec {
        name: "ssubscribe",
        arity: -2,
        flags: &["pubsub", "noscript", "loading", "stale"],
        keys: (1, -1, 1),
        acl: &["@pubsub", "@slow"],
        summary: "Listen for messages published to the given shard channels",
        since: "7.0.0",
        group: "pubsub",
        complexity: "O(N) where N is the number of shard channels to subscribe to.",
        args: &[arg!("shardchannel", String, multiple: true)],
        subcommands: &[],
    },
    Spec {
        name: "sunsubscribe",
        arity: -1,
        flags: &["pubsub", "noscript", "loading", "stale"],
        keys: (1, -1, 1),
        acl: &["@pubsub", "@slow"],
        summary: "Stop listening for messages posted to the given shard channels",
        since: "7.0.0",
        group: "pubsub",
        complexity: "O(N) where N is the number of clients already subscribed to a shard channel.",
        args: &[arg!("shardchannel", String, optional: true, multiple: true)],
        subcommands: &[],
    },
    Spec {
        name: "spublish",
        arity: 3,
        flags: &["pubsub", "loading", "stale", "fast"],
        keys: (1, 1, 1),
        acl: &["@pubsub", "@fast"],
        summary: "Post a message to a shard channel",
        since: "7.0.0",
        group: "pubsub",
        complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.",
        args: &[arg!("shardchannel", String), arg!("message", String)],
        subcommands: &[],
    },
    Spec {
        name: "pubsub",
        arity: -2,
        flags: &[],
        keys: (0, 0, 0),
        acl: &["@slow"],
        summary: "A container for Pub/Sub commands",
        since: "2.8.0",
        group: "pubsub",
        complexity: "Depends on subcommand.",
        args: &[],
        subcommands: &[
            pubsub_sub!(
                "pubsub|help",
                2,
                &["loading", "stale"],
                &["@slow"],
                "Show helpful text about the different subcommands",
                "6.2.0",
                [],
                "O(1)"
            ),
            pubsub_sub!(
                "pubsub|channels",
                -2,
                PUBSUB_FLAGS,
                PUBSUB_ACL,
                "List active channels",
                "2.8.0",
                [arg!("pattern", Pattern, optional: true)],
                "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)"
            ),
            pubsub_sub!(
                "pubsub|numpat",
                2,
                PUBSUB_FLAGS,
                PUBSUB_ACL,
                "Get the count of unique patterns pattern subscriptions",
                "2.8.0",
                [],
                "O(1)"
            ),
            pubsub_sub!(
                "pubsub|numsub",
                -2,
                PUBSUB_FLAGS,
                PUBSUB_ACL,
                "Get the count of subscribers for channels",
                "2.8.0",
                [arg!("channel", String, optional: true, multiple: true)],
                "O(N) for the NUMSUB subcommand, where N is the number of requested channels"
            ),
            pubsub_sub!(
                "pubsub|shardchannels",
                -2,
                PUBSUB_FLAGS,
                PUBSUB_ACL,
                "List active shard channels",
                "7.0.0",
                [arg!("pattern", Pattern, optional: true)],
                "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels)."
            ),
            pubsub_sub!(
                "pubsub|shardnumsub",
                -2,
                PUBSUB_FLAGS,
                PUBSUB_ACL,
                "Get the count of subscribers for shard channels",
                "7.0.0",
                [arg!("shardchannel", String, optional: true, multiple: true)],
                "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels"
            ),
        ],
    },
    Spec {
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
    Spec {
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
    Spec {
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
    Spec {
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
    Spec {
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
    Spec {
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
            Spec {
                name: "client|help",
                arity: 2,
                flags: &["loading", "stale"],
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Lists the CLIENT subcommands and what they do.",
                since: "5.0.0",
                group: "connection",
                complexity: "O(1)",
                args: &[],
                subcommands: &[],
            },
            Spec {
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
            Spec {
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
            Spec {
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
            Spec {
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
            client_sub!(
                "client|list",
                -2,
                ADMIN_FLAGS,
                CLIENT_ADMIN_ACL,
                "Get the list of client connections",
                "2.4.0",
                [
                    arg!("normal_master_replica_pubsub", OneOf, token: Some("TYPE"), optional: true, args: &[
                        arg!("normal", PureToken, token: Some("NORMAL")),
                        arg!("master", PureToken, token: Some("MASTER")),
                        arg!("replica", PureToken, token: Some("REPLICA")),
                        arg!("pubsub", PureToken, token: Some("PUBSUB")),
                    ]),
                    arg!("id", Block, token: Some("ID"), optional: true, args: &[
                        arg!("client-id", Integer, multiple: true),
                    ]),
                ],
                "O(N) where N is the number of client connections"
            ),
            client_sub!(
                "client|info",
                2,
                CONNECTION_FLAGS,
                CLIENT_ACL,
                "Returns information about the current client connection.",
                "6.2.0",
                []
            ),
            client_sub!(
                "client|kill",
                -3,
                ADMIN_FLAGS,
                CLIENT_ADMIN_ACL,
                "Kill the connection of a client",
                "2.4.0",
                [
                    arg!("ip:port", String, optional: true),
                    arg!("client-id", Integer, token: Some("ID"), optional: true),
                    arg!("normal_master_slave_pubsub", OneOf, token: Some("TYPE"), optional: true, args: &[
                        arg!("normal", PureToken, token: Some("NORMAL")),
                        arg!("master", PureToken, token: Some("MASTER")),
                        arg!("slave", PureToken, token: Some("SLAVE")),
                        arg!("replica", PureToken, token: Some("REPLICA")),
                        arg!("pubsub", PureToken, token: Some("PUBSUB")),
                    ]),
                    arg!("username", String, token: Some("USER"), optional: true),
                    arg!("ip:port", String, token: Some("ADDR"), optional: true),
                    arg!("ip:port", String, token: Some("LADDR"), optional: true),
                    arg!("yes/no", String, token: Some("SKIPME"), optional: true),
                ],
                "O(N) where N is the number of client connections"
            ),
            client_sub!(
                "client|reply",
                3,
                CONNECTION_FLAGS,
                CLIENT_ACL,
                "Instruct the server whether to reply to commands",
                "3.2.0",
                [arg!("on_off_skip", OneOf, args: &[
                    arg!("on", PureToken, token: Some("ON")),
                    arg!("off", PureToken, token: Some("OFF")),
                    arg!("skip", PureToken, token: Some("SKIP")),
                ]),]
            ),
            client_sub!(
                "client|no-evict",
                3,
                ADMIN_FLAGS,
                CLIENT_ADMIN_ACL,
                "Set client eviction mode for the current connection",
                "7.0.0",
                [arg!("enabled", OneOf, args: &[
                    arg!("on", PureToken, token: Some("ON")),
                    arg!("off", PureToken, token: Some("OFF")),
                ]),]
            ),
            client_sub!(
                "client|no-touch",
                3,
                CONNECTION_FLAGS,
                CLIENT_ACL,
                "Controls whether commands sent by the client will alter the LRU/LFU of the keys they access.",
                "7.2.0",
                [arg!("enabled", OneOf, args: &[
                    arg!("on", PureToken, token: Some("ON")),
                    arg!("off", PureToken, token: Some("OFF")),
                ]),]
            ),
            client_sub!(
                "client|pause",
                -3,
                ADMIN_FLAGS,
                CLIENT_ADMIN_ACL,
                "Stop processing commands from clients for some time",
                "2.9.50",
                [
                    arg!("timeout", Integer),
                    arg!("mode", OneOf, since: Some("6.2.0"), optional: true, args: &[
                        arg!("write", PureToken, token: Some("WRITE")),
                        arg!("all", PureToken, token: Some("ALL")),
                    ]),
                ]
            ),
            client_sub!(
                "client|unpause",
                2,
                ADMIN_FLAGS,
                CLIENT_ADMIN_ACL,
                "Resume processing of clients that were paused",
                "6.2.0",
                [],
                "O(N) Where N is the number of paused clients"
            ),
            client_sub!(
                "client|unblock",
                -3,
                ADMIN_FLAGS,
                CLIENT_ADMIN_ACL,
                "Unblock a client blocked in a blocking command from a different connection",
                "5.0.0",
                [
                    arg!("client-id", Integer),
                    arg!("timeout_error", OneOf, optional: true, args: &[
                        arg!("timeout", PureToken, token: Some("TIMEOUT")),
                        arg!("error", PureToken, token: Some("ERROR")),
                    ]),
                ],
                "O(log N) where N is the number of client connections"
            ),
            client_sub!(
                "client|tracking",
                -3,
                CONNECTION_FLAGS,
                CLIENT_ACL,
                "Enable or disable server assisted client side caching support",
                "6.0.0",
                [
                    arg!("status", OneOf, args: &[
                        arg!("on", PureToken, token: Some("ON")),
                        arg!("off", PureToken, token: Some("OFF")),
                    ]),
                    arg!("client-id", Integer, token: Some("REDIRECT"), optional: true),
                    arg!("prefix", String, token: Some("PREFIX"), optional: true, multiple: true),
                    arg!("bcast", PureToken, token: Some("BCAST"), optional: true),
                    arg!("optin", PureToken, token: Some("OPTIN"), optional: true),
                    arg!("optout", PureToken, token: Some("OPTOUT"), optional: true),
                    arg!("noloop", PureToken, token: Some("NOLOOP"), optional: true),
                ],
                "O(1). Some options may introduce additional complexity."
            ),
            client_sub!(
                "client|caching",
                3,
                CONNECTION_FLAGS,
                CLIENT_ACL,
                "Instruct the server about tracking or not keys in the next request",
                "6.0.0",
                [arg!("mode", OneOf, args: &[
                    arg!("yes", PureToken, token: Some("YES")),
                    arg!("no", PureToken, token: Some("NO")),
                ]),]
            ),
            client_sub!(
                "client|getredir",
                2,
                CONNECTION_FLAGS,
                CLIENT_ACL,
                "Get tracking notifications redirection client ID if any",
                "6.0.0",
                []
            ),
            client_sub!(
                "client|trackinginfo",
                2,
                CONNECTION_FLAGS,
                CLIENT_ACL,
                "Return information about server assisted client side caching for the current connection",
                "6.2.0",
                []
            ),
        ],
    },
    Spec {
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
        subcommands: &[
            Spec {
                name: "config|help",
                arity: 2,
                flags: &["loading", "stale"],
                keys: (0, 0, 0),
                acl: &["@slow"],
                summary: "Lists the CONFIG subcommands and what they do.",
                since: "5.0.0",
                group: "server",
                complexity: "O(1)",
                args: &[],
                subcommands: &[],
            },
            Spec {
                name: "config|get",
                arity: -3,
                flags: ADMIN_FLAGS,
                keys: (0, 0, 0),
                acl: &["@admin", "@slow", "@dangerous"],
                summary: "Get the values of configuration parameters",
                since: "2.0.0",
                group: "server",
                complexity: "O(N) when N is the number of configuration parameters provided",
                args: &[
                    arg!("parameter", Block, multiple: true, args: &[arg!("parameter", String)]),
                ],
                subcommands: &[],
            },
            Spec {
                name: "config|set",
                arity: -4,
                flags: ADMIN_FLAGS,
                keys: (0, 0, 0),
                acl: &["@admin", "@slow", "@dangerous"],
                summary: "Set configuration parameters to the given values",
                since: "2.0.0",
                group: "server",
                complexity: "O(N) when N is the number of configuration parameters provided",
                args: &[arg!("parameter_value", Block, multiple: true, args: &[
                    arg!("parameter", String),
                    arg!("value", String),
                ])],
                subcommands: &[],
            },
            Spec {
                name: "config|resetstat",
                arity: 2,
                flags: ADMIN_FLAGS,
                keys: (0, 0, 0),
                acl: &["@admin", "@slow", "@dangerous"],
                summary: "Reset the stats returned by INFO",
                since: "2.0.0",
                group: "server",
                complexity: "O(1)",
                args: &[],
                subcommands: &[],
            },
            Spec {
                name: "config|rewrite",
                arity: 2,
                flags: ADMIN_FLAGS,
                keys: (0, 0, 0),
                acl: &["@admin", "@slow", "@dangerous"],
                summary: "Rewrite the configuration file with the in memory configuration",
                since: "2.8.0",
                group: "server",
                complexity: "O(1)",
                args: &[],
                subcommands: &[],
            },
        ],
    },
    Spec {
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
            Spec {
                name: "command|help",
                arity: 2,
                flags: COMMAND_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Lists the COMMAND subcommands and what they do.",
                since: "5.0.0",
                group: "server",
                complexity: "O(1)",
                args: &[],
                subcommands: &[],
            },
            Spec {
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
            Spec {
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
            Spec {
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
            Spec {
                name: "command|getkeys",
                arity: -4,
                flags: COMMAND_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Extract keys given a full Redis command",
                since: "2.8.13",
                group: "server",
                complexity: "O(N) where N is the number of arguments to the command",
                args: &[],
                subcommands: &[],
            },
            Spec {
                name: "command|getkeysandflags",
                arity: -4,
                flags: COMMAND_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Extract keys and access flags given a full Redis command",
                since: "7.0.0",
                group: "server",
                complexity: "O(N) where N is the number of arguments to the command",
                args: &[],
                subcommands: &[],
            },
            Spec {
                name: "command|list",
                arity: -2,
                flags: COMMAND_FLAGS,
                keys: (0, 0, 0),
                acl: &["@slow", "@connection"],
                summary: "Get an array of Redis command names",
                since: "7.0.0",
                group: "server",
                complexity: "O(N) where N is the total number of Redis commands",
                args: &[
                    arg!("filterby", OneOf, token: Some("FILTERBY"), optional: true, args: &[
                        arg!("module-name", String, token: Some("MODULE")),
                        arg!("category", String, token: Some("ACLCAT")),
                        arg!("pattern", Pattern, token: Some("PATTERN")),
                    ]),
                ],
                subcommands: &[],
            },
        ],
    },
    observe_specs::SLOWLOG,
    observe_specs::LATENCY,
    observe_specs::ACL,
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

    /// Every entry, data commands included, is found by its own full name in any case, and every server entry has an id.
    #[test]
    fn every_entry_is_found_by_its_name() {
        for spec in commands() {
            let found = find_full_name(spec.name.to_ascii_uppercase().as_bytes());
            assert_eq!(found.map(|s| s.name), Some(spec.name));
            for sub in spec.subcommands {
                assert!(sub.name.starts_with(&format!("{}|", spec.name)));
                assert_eq!(
                    find_full_name(sub.name.as_bytes()).map(|s| s.name),
                    Some(sub.name)
                );
            }
        }
        for spec in COMMANDS
            .iter()
            .flat_map(|s| std::iter::once(s).chain(s.subcommands))
        {
            assert!(CommandId::of(spec).is_some(), "{} has no id", spec.name);
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
        assert!(matches!(
            resolve(&args(&["command"])),
            Ok(Resolved::Server(CommandId::Command, _))
        ));
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

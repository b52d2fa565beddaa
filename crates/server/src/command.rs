//! Requests turned into typed commands, and the errors Redis replies with
//! when that fails.
//!
//! [`Command::parse`] runs after [`table::resolve`](crate::table::resolve)
//! has checked the name and the arity, so it only checks what Redis checks
//! next: option syntax and integers. It takes the decoder's argument vector
//! by value and moves the `Bytes` out of it, so nothing is copied here.

use std::time::Duration;

use bytes::Bytes;
use sharedkv_commands::{Error, Spec, is};
use sharedkv_db::parse_i64;

use crate::clients::{ClientType, KillFilter, PauseMode};
use crate::error::CommandError;
use crate::table::CommandId;

/// A request, checked and typed.
#[derive(Debug)]
pub(crate) enum Command {
    /// Runs against state every connection shares: the `Db`, pub/sub, the
    /// server's counters and tables. See [`crate::execute`].
    Server(ServerCommand),
    /// Reads or changes the state of this connection only: authentication,
    /// name, subscriptions. See [`crate::connection`].
    Session(SessionCommand),
    /// Reads or changes the client registry: this connection's record and
    /// the others'. See [`crate::clients`].
    Client(ClientCommand),
    /// An operator's or a tool's command (`TIME`, `SHUTDOWN`, `MONITOR`,
    /// `MEMORY`, `DEBUG`, ...). See [`crate::admin`].
    Admin(crate::admin::AdminCommand),
    /// `MULTI`, `EXEC`, `DISCARD`, `WATCH`, `UNWATCH`. See
    /// [`crate::transaction`].
    Transaction(TransactionCommand),
    /// `EVAL` and the like, `SCRIPT LOAD|EXISTS|FLUSH|KILL`. See
    /// [`crate::scripting`].
    Script(ScriptCommand),
}

/// The scripting commands.
#[derive(Debug)]
pub(crate) enum ScriptCommand {
    /// The whole request, name first.
    Eval(crate::scripting::Eval, Vec<Bytes>),
    Load(Bytes),
    Exists(Vec<Bytes>),
    Flush,
    Kill,
}

/// The transaction commands.
#[derive(Debug)]
pub(crate) enum TransactionCommand {
    Multi,
    Exec,
    Discard,
    /// `WATCH key [key ...]`.
    Watch(Vec<Bytes>),
    Unwatch,
}

/// The `CLIENT` subcommands on the registry.
#[derive(Debug)]
pub(crate) enum ClientCommand {
    /// `CLIENT LIST [TYPE type]`.
    List(Option<ClientType>),
    /// `CLIENT LIST ID id [id ...]`.
    ListIds(Vec<i64>),
    Info,
    /// `CLIENT KILL filter value [filter value ...]`.
    Kill(KillFilter),
    /// `CLIENT KILL ip:port`, the old form.
    KillAddr(Bytes),
    NoEvict(bool),
    NoTouch(bool),
    Pause(Duration, PauseMode),
    Unpause,
    /// `CLIENT UNBLOCK id [TIMEOUT|ERROR]`: no command blocks yet, so no
    /// client is blocked and the answer is 0. The blocking commands will
    /// take `error` (true for `ERROR`) to their waiter.
    Unblock {
        id: i64,
        error: bool,
    },
}

/// `CLIENT REPLY`'s modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReplyMode {
    On,
    /// No replies until `CLIENT REPLY ON`.
    Off,
    /// Set by `CLIENT REPLY SKIP` for its own reply: becomes `Skip` after it.
    SkipNext,
    /// The next command's reply is dropped.
    Skip,
}

/// Commands answered from shared state, the same on every connection.
#[derive(Debug)]
pub(crate) enum ServerCommand {
    Echo(Bytes),
    Publish {
        channel: Bytes,
        message: Bytes,
    },
    /// `SPUBLISH shardchannel message`.
    SPublish {
        channel: Bytes,
        message: Bytes,
    },
    /// `PUBSUB CHANNELS|NUMSUB|NUMPAT|SHARDCHANNELS|SHARDNUMSUB`.
    PubSub(crate::pubsub::Query),
    /// `INFO [section ...]`.
    Info(Vec<Bytes>),
    /// `CONFIG GET parameter [parameter ...]`.
    ConfigGet(Vec<Bytes>),
    /// `CONFIG SET parameter value [parameter value ...]`: the words after
    /// `SET`, an even number of them.
    ConfigSet(Vec<Bytes>),
    ConfigResetStat,
    ConfigRewrite,
    /// `COMMAND`, or `COMMAND INFO` with no names.
    CommandAll,
    CommandCount,
    CommandList,
    /// `COMMAND LIST FILTERBY MODULE|ACLCAT|PATTERN value`: the kind's
    /// word, and its value.
    CommandListBy(Bytes, Bytes),
    /// `COMMAND INFO name [name ...]`.
    CommandInfo(Vec<Bytes>),
    /// `COMMAND DOCS [name ...]`; no names means all.
    CommandDocs(Vec<Bytes>),
    /// `CLIENT HELP`, `CONFIG HELP`, `COMMAND HELP`: the lines to print.
    Help(&'static [&'static str]),
    /// `SLOWLOG`, `LATENCY`, `ACL`: see `observe`.
    Observe(crate::observe::ObserveCommand),
}

/// Commands that read or change the connection's own state.
#[derive(Debug)]
pub(crate) enum SessionCommand {
    Ping(Option<Bytes>),
    Quit,
    Reset,
    Auth {
        username: Option<Bytes>,
        password: Bytes,
    },
    /// `HELLO [protover [option ...]]`.
    Hello {
        /// `Some(true)` for `HELLO 3`, `Some(false)` for `HELLO 2`, `None`
        /// to keep the protocol the connection speaks.
        resp3: Option<bool>,
        /// The options in the order given; each takes effect in turn, so
        /// an `AUTH` before a bad option still authenticates, as in Redis.
        options: Vec<HelloOption>,
    },
    Subscribe(Vec<Bytes>),
    /// No channels means all of them.
    Unsubscribe(Vec<Bytes>),
    /// `PSUBSCRIBE`, `SSUBSCRIBE` (`subscribe`) and their `UN` forms (no
    /// names: all of them).
    Subscription {
        kind: crate::pubsub::Kind,
        subscribe: bool,
        names: Vec<Bytes>,
    },
    ClientId,
    ClientGetName,
    ClientSetName(Bytes),
    /// `CLIENT SETINFO LIB-NAME|LIB-VER value`: shown by `CLIENT LIST`.
    ClientSetInfo {
        lib_name: bool,
        value: Bytes,
    },
    /// `CLIENT REPLY ON|OFF|SKIP`.
    ClientReply(ReplyMode),
}

/// One option of `HELLO`, as Redis reads them: left to right, each acted
/// on before the next is looked at.
#[derive(Debug)]
pub(crate) enum HelloOption {
    /// `AUTH username password`.
    Auth(Bytes, Bytes),
    /// `SETNAME name`, not yet checked.
    SetName(Bytes),
    /// A word that is no option, or one missing its arguments: the syntax
    /// error `HELLO` stops at. Always the last option.
    Invalid(Bytes),
}

impl Command {
    /// Types the request `args` (name first) for the server command `id`,
    /// which [`resolve`](crate::table::resolve) returned for it with `spec`,
    /// so the arity is right.
    pub(crate) fn parse(
        id: CommandId,
        spec: &Spec,
        args: Vec<Bytes>,
    ) -> Result<Command, CommandError> {
        use ServerCommand as S;
        use SessionCommand as C;
        let arity = || CommandError::WrongArity(spec.name);
        let server = match id {
            CommandId::Echo => S::Echo(one(args).ok_or_else(arity)?),
            CommandId::Publish => {
                let [_, channel, message]: [Bytes; 3] = args.try_into().map_err(|_| arity())?;
                S::Publish { channel, message }
            }
            CommandId::SPublish => {
                let [_, channel, message]: [Bytes; 3] = args.try_into().map_err(|_| arity())?;
                S::SPublish { channel, message }
            }
            CommandId::PubSubChannels
            | CommandId::PubSubNumSub
            | CommandId::PubSubNumPat
            | CommandId::PubSubShardChannels
            | CommandId::PubSubShardNumSub => S::PubSub(parse_pubsub(id, args)?),
            CommandId::Info => S::Info(rest(args)),
            CommandId::ConfigGet => S::ConfigGet(rest(rest(args))),
            // Redis checks that names and values pair up before anything
            // else, with a syntax error.
            CommandId::ConfigSet if args.len() % 2 == 1 => {
                return Err(sharedkv_commands::Error::SYNTAX.into());
            }
            CommandId::ConfigSet => S::ConfigSet(rest(rest(args))),
            CommandId::ConfigResetStat => S::ConfigResetStat,
            CommandId::ConfigRewrite => S::ConfigRewrite,
            CommandId::Command => S::CommandAll,
            CommandId::CommandCount => S::CommandCount,
            CommandId::CommandList => match rest(rest(args)).as_slice() {
                [] => S::CommandList,
                [by, kind, value]
                    if is(by, "FILTERBY")
                        && (is(kind, "MODULE") || is(kind, "ACLCAT") || is(kind, "PATTERN")) =>
                {
                    S::CommandListBy(kind.clone(), value.clone())
                }
                _ => return Err(Error::SYNTAX.into()),
            },
            CommandId::CommandInfo => match rest(rest(args)) {
                names if names.is_empty() => S::CommandAll,
                names => S::CommandInfo(names),
            },
            CommandId::CommandDocs => S::CommandDocs(rest(rest(args))),
            CommandId::Help => S::Help(help_text(spec.name)),
            CommandId::Admin(id) => {
                return crate::admin::parse(id, spec, args).map(Command::Admin);
            }
            CommandId::Observe => {
                return crate::observe::parse(spec.name, args).map(Command::Server);
            }
            CommandId::Multi => return Ok(Command::Transaction(TransactionCommand::Multi)),
            CommandId::Exec => return Ok(Command::Transaction(TransactionCommand::Exec)),
            CommandId::Discard => return Ok(Command::Transaction(TransactionCommand::Discard)),
            CommandId::Watch => {
                return Ok(Command::Transaction(TransactionCommand::Watch(rest(args))));
            }
            CommandId::Unwatch => return Ok(Command::Transaction(TransactionCommand::Unwatch)),
            CommandId::Eval(eval) => return Ok(Command::Script(ScriptCommand::Eval(eval, args))),
            CommandId::ScriptLoad => {
                let body = rest(rest(args)).into_iter().next().ok_or_else(arity)?;
                return Ok(Command::Script(ScriptCommand::Load(body)));
            }
            CommandId::ScriptExists => {
                return Ok(Command::Script(ScriptCommand::Exists(rest(rest(args)))));
            }
            CommandId::ScriptFlush => {
                return match rest(rest(args)).as_slice() {
                    [] => Ok(Command::Script(ScriptCommand::Flush)),
                    [mode] if is(mode, "ASYNC") || is(mode, "SYNC") => {
                        Ok(Command::Script(ScriptCommand::Flush))
                    }
                    _ => {
                        Err(Error::Fixed("ERR SCRIPT FLUSH only support SYNC|ASYNC option").into())
                    }
                };
            }
            CommandId::ScriptKill => return Ok(Command::Script(ScriptCommand::Kill)),
            // Containers reach here only with a subcommand, which `resolve`
            // resolved to its own entry; keep the arity error as a fallback.
            CommandId::Client | CommandId::Config | CommandId::PubSub | CommandId::Script => {
                return Err(arity());
            }
            CommandId::Ping => {
                // Arity -1 in the table, as in Redis, which then rejects
                // more than one argument itself.
                let mut words = rest(args).into_iter();
                let message = words.next();
                if words.next().is_some() {
                    return Err(arity());
                }
                return Ok(Command::Session(C::Ping(message)));
            }
            CommandId::Quit => return Ok(Command::Session(C::Quit)),
            CommandId::Reset => return Ok(Command::Session(C::Reset)),
            CommandId::Auth => return parse_auth(args).map(Command::Session),
            CommandId::Hello => return parse_hello(args).map(Command::Session),
            CommandId::Subscribe => return Ok(Command::Session(C::Subscribe(rest(args)))),
            CommandId::Unsubscribe => return Ok(Command::Session(C::Unsubscribe(rest(args)))),
            CommandId::PSubscribe
            | CommandId::PUnsubscribe
            | CommandId::SSubscribe
            | CommandId::SUnsubscribe => {
                use crate::pubsub::Kind;
                let (kind, subscribe) = match id {
                    CommandId::PSubscribe => (Kind::Pattern, true),
                    CommandId::PUnsubscribe => (Kind::Pattern, false),
                    CommandId::SSubscribe => (Kind::Shard, true),
                    _ => (Kind::Shard, false),
                };
                let names = rest(args);
                return Ok(Command::Session(C::Subscription {
                    kind,
                    subscribe,
                    names,
                }));
            }
            CommandId::ClientId => return Ok(Command::Session(C::ClientId)),
            CommandId::ClientGetName => return Ok(Command::Session(C::ClientGetName)),
            CommandId::ClientSetName => {
                let [_, _, name]: [Bytes; 3] = args.try_into().map_err(|_| arity())?;
                return Ok(Command::Session(C::ClientSetName(name)));
            }
            CommandId::ClientSetInfo => {
                let [_, _, attr, value]: [Bytes; 4] = args.try_into().map_err(|_| arity())?;
                if !is(&attr, "LIB-NAME") && !is(&attr, "LIB-VER") {
                    return Err(CommandError::UnrecognizedOption(attr));
                }
                if !is_printable_word(&value) {
                    return Err(CommandError::InvalidLibInfo(attr));
                }
                let lib_name = is(&attr, "LIB-NAME");
                return Ok(Command::Session(C::ClientSetInfo { lib_name, value }));
            }
            CommandId::ClientReply => {
                let mode = match one(rest(args)) {
                    Some(w) if is(&w, "ON") => ReplyMode::On,
                    Some(w) if is(&w, "OFF") => ReplyMode::Off,
                    Some(w) if is(&w, "SKIP") => ReplyMode::SkipNext,
                    _ => return Err(Error::SYNTAX.into()),
                };
                return Ok(Command::Session(C::ClientReply(mode)));
            }
            CommandId::ClientTracking => return Err(TRACKING_UNSUPPORTED.into()),
            CommandId::ClientList
            | CommandId::ClientInfo
            | CommandId::ClientKill
            | CommandId::ClientNoEvict
            | CommandId::ClientNoTouch
            | CommandId::ClientPause
            | CommandId::ClientUnpause
            | CommandId::ClientUnblock => return parse_client(id, args).map(Command::Client),
        };
        Ok(Command::Server(server))
    }
}

/// The reply to `CLIENT TRACKING`, `CACHING`, `GETREDIR` and
/// `TRACKINGINFO`: the server does not track keys for client-side caching.
pub(crate) const TRACKING_UNSUPPORTED: Error =
    Error::Fixed("ERR client-side caching (CLIENT TRACKING) is not supported by this server");

/// The `PUBSUB` queries. `CHANNELS` and `SHARDCHANNELS` take one pattern
/// at most; more is Redis's catch-all error.
fn parse_pubsub(id: CommandId, args: Vec<Bytes>) -> Result<crate::pubsub::Query, CommandError> {
    use crate::pubsub::Query;
    let typed = args.get(1).cloned().unwrap_or_default();
    let words = rest(rest(args));
    let pattern = |words: Vec<Bytes>| {
        if words.len() > 1 {
            return Err(CommandError::from(Error::with_arg(
                "ERR unknown subcommand or wrong number of arguments for '",
                &typed,
                "'. Try PUBSUB HELP.",
            )));
        }
        Ok(words.into_iter().next())
    };
    Ok(match id {
        CommandId::PubSubChannels => Query::Channels(pattern(words)?),
        CommandId::PubSubShardChannels => Query::ShardChannels(pattern(words)?),
        CommandId::PubSubNumSub => Query::NumSub(words),
        CommandId::PubSubShardNumSub => Query::ShardNumSub(words),
        _ => Query::NumPat,
    })
}

/// The `CLIENT` subcommands on the registry, checked in Redis 7.0's order
/// (see each arm).
fn parse_client(id: CommandId, args: Vec<Bytes>) -> Result<ClientCommand, CommandError> {
    use ClientCommand as K;
    // `args` is `CLIENT <subcommand> ...`: the subcommand as typed, for
    // Redis's catch-all error.
    let typed = args.get(1).cloned().unwrap_or_default();
    let words = rest(rest(args));
    let catch_all = || {
        CommandError::from(Error::with_arg(
            "ERR unknown subcommand or wrong number of arguments for '",
            &typed,
            "'. Try CLIENT HELP.",
        ))
    };
    Ok(match id {
        CommandId::ClientList => match words.as_slice() {
            [] => K::List(None),
            [word, kind] if is(word, "TYPE") => K::List(Some(client_type(kind)?)),
            [word, ids @ ..] if is(word, "ID") && !ids.is_empty() => K::ListIds(
                ids.iter()
                    .map(|id| parse_i64(id).ok_or(Error::Fixed("ERR Invalid client ID")))
                    .collect::<Result<_, _>>()?,
            ),
            _ => return Err(Error::SYNTAX.into()),
        },
        CommandId::ClientInfo => K::Info,
        CommandId::ClientKill => match words.as_slice() {
            [addr] => K::KillAddr(addr.clone()),
            _ => K::Kill(kill_filter(&words)?),
        },
        CommandId::ClientNoEvict => K::NoEvict(on_off(&words)?),
        CommandId::ClientNoTouch => K::NoTouch(on_off(&words)?),
        CommandId::ClientPause => {
            // The mode is checked before the timeout, as Redis does.
            let mode = match words.as_slice() {
                [_] => PauseMode::All,
                [_, mode] if is(mode, "WRITE") => PauseMode::Write,
                [_, mode] if is(mode, "ALL") => PauseMode::All,
                [_, _] => {
                    return Err(Error::Fixed("ERR CLIENT PAUSE mode must be WRITE or ALL").into());
                }
                _ => return Err(catch_all()),
            };
            let ms = words
                .first()
                .and_then(|w| parse_i64(w))
                .ok_or(Error::Fixed(
                    "ERR timeout is not an integer or out of range",
                ))?;
            let ms = u64::try_from(ms).map_err(|_| Error::Fixed("ERR timeout is negative"))?;
            K::Pause(Duration::from_millis(ms), mode)
        }
        CommandId::ClientUnpause => K::Unpause,
        CommandId::ClientUnblock => {
            let error = match words.as_slice() {
                [_] => false,
                [_, reason] if is(reason, "TIMEOUT") => false,
                [_, reason] if is(reason, "ERROR") => true,
                [_, _] => {
                    return Err(Error::Fixed(
                        "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
                    )
                    .into());
                }
                _ => return Err(catch_all()),
            };
            let id = words
                .first()
                .and_then(|w| parse_i64(w))
                .ok_or(Error::NOT_AN_INTEGER)?;
            K::Unblock { id, error }
        }
        _ => return Err(catch_all()),
    })
}

/// `TYPE normal|master|replica|slave|pubsub`.
fn client_type(word: &[u8]) -> Result<ClientType, CommandError> {
    ClientType::parse(word)
        .ok_or_else(|| Error::with_arg("ERR Unknown client type '", word, "'").into())
}

/// `ON|OFF`, in any case.
fn on_off(words: &[Bytes]) -> Result<bool, CommandError> {
    match words {
        [w] if is(w, "ON") => Ok(true),
        [w] if is(w, "OFF") => Ok(false),
        _ => Err(Error::SYNTAX.into()),
    }
}

/// `CLIENT KILL`'s filters, read left to right as Redis reads them: the
/// first bad one is the error, a word without its value a syntax error.
fn kill_filter(words: &[Bytes]) -> Result<KillFilter, CommandError> {
    let mut filter = KillFilter {
        skip_me: true,
        ..KillFilter::default()
    };
    for pair in words.chunks(2) {
        let [name, value] = pair else {
            return Err(Error::SYNTAX.into());
        };
        if is(name, "ID") {
            let id = parse_i64(value)
                .and_then(|id| u64::try_from(id).ok())
                .filter(|&id| id > 0)
                .ok_or(Error::Fixed("ERR client-id should be greater than 0"))?;
            filter.id = Some(id);
        } else if is(name, "TYPE") {
            filter.kind = Some(client_type(value)?);
        } else if is(name, "ADDR") {
            filter.addr = Some(value.clone());
        } else if is(name, "LADDR") {
            filter.laddr = Some(value.clone());
        } else if is(name, "USER") {
            // The only user there is; every client is it.
            if &value[..] != b"default" {
                return Err(Error::with_arg("ERR No such user '", value, "'").into());
            }
        } else if is(name, "SKIPME") {
            filter.skip_me = if is(value, "YES") {
                true
            } else if is(value, "NO") {
                false
            } else {
                return Err(Error::SYNTAX.into());
            };
        } else {
            return Err(Error::SYNTAX.into());
        }
    }
    Ok(filter)
}

/// The `HELP` lines of a container command, in Redis's shape (a usage line,
/// then each subcommand and an indented line on what it does), in our words.
fn help_text(name: &str) -> &'static [&'static str] {
    match name {
        // Redis 7.0's, but DEBUG, which this server does not have.
        "script|help" => &[
            "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "EXISTS <sha1> [<sha1> ...]",
            "    Return information about the existence of the scripts in the script cache.",
            "FLUSH [ASYNC|SYNC]",
            "    Flush the Lua scripts cache.",
            "KILL",
            "    Kill the currently executing Lua script.",
            "LOAD <script>",
            "    Load a script into the scripts cache without executing it.",
            "HELP",
            "    Prints this help.",
        ],
        // Redis 7.0's subcommands in its order, with 7.2's SETINFO and
        // NO-TOUCH.
        "client|help" => &[
            "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CACHING (YES|NO)",
            "    Client-side caching is not supported by this server: an error.",
            "GETREDIR",
            "    Client-side caching is not supported by this server: an error.",
            "GETNAME",
            "    Return this connection's name, or nil if it has none.",
            "ID",
            "    Return this connection's unique ID.",
            "INFO",
            "    Describe this connection, in the format of CLIENT LIST.",
            "KILL <ip:port>",
            "    Close the connection from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Close every connection that matches all the options, and return how many. Options are:",
            "    * ID <client-id>",
            "      The connection of that ID.",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Connections from that address.",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Connections to that local address.",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Connections of that type.",
            "    * USER <username>",
            "      Connections authenticated as <username>.",
            "    * SKIPME (YES|NO)",
            "      Whether to spare this connection (default: yes).",
            "LIST [options ...]",
            "    Describe every connection, one line each. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Only connections of that type.",
            "    * ID <client-id> [<client-id> ...]",
            "      Only the connections of those IDs.",
            "UNPAUSE",
            "    End a pause now.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Hold the commands of every client (or only the writes) for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Turn this connection's replies on or off, or drop the next command's.",
            "SETINFO <LIB-NAME|LIB-VER> <value>",
            "    Record the name or version of the client library in use.",
            "SETNAME <name>",
            "    Name this connection (an empty name removes it).",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Wake the client of that ID from a blocking command (none blocks yet: always 0).",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Client-side caching is not supported by this server: an error.",
            "TRACKINGINFO",
            "    Client-side caching is not supported by this server: an error.",
            "NO-EVICT (ON|OFF)",
            "    Accepted and shown in CLIENT LIST (this server does not evict clients).",
            "NO-TOUCH (ON|OFF)",
            "    Accepted and shown in CLIENT LIST.",
            "HELP",
            "    Print this help.",
        ],
        "config|help" => &[
            "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GET <pattern> [<pattern> ...]",
            "    Return the parameters whose names match the glob-style patterns, with their values.",
            "SET <directive> <value> [<directive> <value> ...]",
            "    Set each configuration <directive> to its <value>: all of them, or none if one is invalid.",
            "RESETSTAT",
            "    Zero the counters the INFO command reports.",
            "REWRITE",
            "    Rewrite the configuration file (there is none: always an error).",
            "HELP",
            "    Print this help.",
        ],
        "pubsub|help" => crate::pubsub::HELP,
        _ => &[
            "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "(no subcommand)",
            "    Describe every command this server knows.",
            "COUNT",
            "    Return how many commands this server knows.",
            "DOCS [<command-name> ...]",
            "    Return the documentation of the named commands, or of all of them.",
            "INFO [<command-name> ...]",
            "    Describe the named commands, or all of them.",
            "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
            "    Return the name of every command and subcommand, or of those in the module",
            "    (there are none), in the ACL category, or matching the glob-style pattern.",
            "GETKEYS <full-command>",
            "    Return the keys in a full command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys in a full command, each with what the command does to it.",
            "HELP",
            "    Print this help.",
        ],
    }
}

/// `AUTH [username] password`; more words are a syntax error.
fn parse_auth(args: Vec<Bytes>) -> Result<SessionCommand, CommandError> {
    let mut words = args.into_iter().skip(1);
    match (words.next(), words.next(), words.next()) {
        (Some(password), None, _) => Ok(SessionCommand::Auth {
            username: None,
            password,
        }),
        (Some(username), Some(password), None) => Ok(SessionCommand::Auth {
            username: Some(username),
            password,
        }),
        _ => Err(sharedkv_commands::Error::SYNTAX.into()),
    }
}

/// `HELLO [protover [AUTH username password] [SETNAME name]]`: the version
/// is checked here (an integer, then 2 or 3); the options are only listed,
/// up to the first that is not one, because Redis acts on each in turn
/// before it looks at the next (see [`HelloOption`]).
fn parse_hello(args: Vec<Bytes>) -> Result<SessionCommand, CommandError> {
    let mut words = args.into_iter().skip(1);
    let resp3 = match words.next() {
        None => None,
        Some(word) => match parse_i64(&word) {
            None => return Err(CommandError::ProtocolVersionNotInteger),
            Some(2) => Some(false),
            Some(3) => Some(true),
            Some(_) => return Err(CommandError::UnsupportedProtocol),
        },
    };
    let mut options = Vec::new();
    while let Some(word) = words.next() {
        if is(&word, "AUTH") && words.len() >= 2 {
            if let Some((username, password)) = words.next().zip(words.next()) {
                options.push(HelloOption::Auth(username, password));
            }
        } else if is(&word, "SETNAME") && words.len() >= 1 {
            options.extend(words.next().map(HelloOption::SetName));
        } else {
            options.push(HelloOption::Invalid(word));
            break;
        }
    }
    Ok(SessionCommand::Hello { resp3, options })
}

/// The arguments after the first word.
fn rest(mut args: Vec<Bytes>) -> Vec<Bytes> {
    if !args.is_empty() {
        args.remove(0);
    }
    args
}

/// The one argument of a two-word request.
fn one(args: Vec<Bytes>) -> Option<Bytes> {
    let [_, arg]: [Bytes; 2] = args.try_into().ok()?;
    Some(arg)
}

/// Redis's rule for client names and library info: printable ASCII, no
/// spaces.
pub(crate) fn is_printable_word(word: &[u8]) -> bool {
    word.iter().all(|&b| (b'!'..=b'~').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Resolved, resolve};

    fn parse(words: &[&str]) -> Result<Command, CommandError> {
        let args: Vec<Bytes> = words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect();
        match resolve(&args)? {
            Resolved::Server(id, spec) => Command::parse(id, spec, args),
            Resolved::Data(id) => panic!("{id:?} is a data command"),
        }
    }

    /// The unknown-command error quotes at most 128 bytes of arguments, as Redis does.
    #[test]
    fn unknown_command_text_is_truncated_like_redis() {
        let long = "x".repeat(200);
        let Err(CommandError::Data(error)) = parse(&["FOO", "a", &long, "b"]) else {
            panic!("expected an unknown command error");
        };
        let expected = format!(
            "ERR unknown command 'FOO', with args beginning with: 'a' '{}' ",
            &long[..124]
        );
        assert_eq!(error.text(), expected);
    }

    /// HELLO takes 2 and 3, keeps the protocol without a version, and
    /// refuses other integers and non-integers with Redis's two errors.
    #[test]
    fn hello_versions() {
        for (version, expected) in [("2", Some(false)), ("3", Some(true))] {
            assert!(matches!(
                parse(&["HELLO", version]),
                Ok(Command::Session(SessionCommand::Hello { resp3, .. })) if resp3 == expected
            ));
        }
        assert!(matches!(
            parse(&["HELLO"]),
            Ok(Command::Session(SessionCommand::Hello { resp3: None, .. }))
        ));
        for version in ["4", "1", "-1", "0"] {
            assert!(matches!(
                parse(&["HELLO", version]),
                Err(CommandError::UnsupportedProtocol)
            ));
        }
        for version in ["x", "03", "", "99999999999999999999"] {
            assert!(matches!(
                parse(&["HELLO", version]),
                Err(CommandError::ProtocolVersionNotInteger)
            ));
        }
    }

    /// HELLO's options are listed in order, up to and including the first
    /// word that is not one (an `AUTH` short of two words is not one).
    #[test]
    fn hello_options_in_order() {
        let Ok(Command::Session(SessionCommand::Hello { options, .. })) = parse(&[
            "HELLO", "3", "setname", "a", "AUTH", "u", "p", "FOO", "SETNAME", "b",
        ]) else {
            panic!("expected HELLO");
        };
        assert!(matches!(
            options.as_slice(),
            [
                HelloOption::SetName(a),
                HelloOption::Auth(u, p),
                HelloOption::Invalid(foo),
            ] if a == "a" && u == "u" && p == "p" && foo == "FOO"
        ));
        let Ok(Command::Session(SessionCommand::Hello { options, .. })) =
            parse(&["HELLO", "2", "AUTH", "u"])
        else {
            panic!("expected HELLO");
        };
        assert!(matches!(options.as_slice(), [HelloOption::Invalid(auth)] if auth == "AUTH"));
    }
}

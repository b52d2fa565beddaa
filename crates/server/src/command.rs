//! Requests turned into typed commands, and the errors Redis replies with
//! when that fails.
//!
//! [`Command::parse`] runs after [`table::resolve`](crate::table::resolve)
//! has checked the name and the arity, so it only checks what Redis checks
//! next: option syntax and integers. It takes the decoder's argument vector
//! by value and moves the `Bytes` out of it, so nothing is copied here.

use bytes::{BufMut, Bytes, BytesMut};
use sharedkv_db::{DbError, ExpireCondition, SetCondition, parse_i64};
use sharedkv_resp::encode_error;

use crate::table::{CommandId, CommandSpec};

/// A request, checked and typed.
#[derive(Debug)]
pub(crate) enum Command {
    /// Runs against state every connection shares: the `Db`, pub/sub, the
    /// server's counters and tables. See [`crate::execute`].
    Server(ServerCommand),
    /// Reads or changes the state of this connection only: authentication,
    /// name, subscriptions. See [`crate::connection`].
    Session(SessionCommand),
}

/// Commands answered from shared state, the same on every connection.
#[derive(Debug)]
pub(crate) enum ServerCommand {
    Get(Bytes),
    Set {
        key: Bytes,
        value: Bytes,
        options: SetArgs,
    },
    GetDel(Bytes),
    Del(Vec<Bytes>),
    Exists(Vec<Bytes>),
    /// `INCR`, `DECR`, `INCRBY` and `DECRBY`, with the sign applied.
    IncrBy {
        key: Bytes,
        delta: i64,
    },
    MGet(Vec<Bytes>),
    MSet(Vec<(Bytes, Bytes)>),
    /// `EXPIRE` and `PEXPIRE`: `millis` from now, possibly zero or negative
    /// (the key is deleted), if `condition` (`NX|XX|GT|LT`) allows it.
    /// `command` names it in errors.
    Expire {
        key: Bytes,
        millis: i64,
        condition: ExpireCondition,
        command: &'static str,
    },
    /// `TTL` (`millis: false`) and `PTTL`.
    Ttl {
        key: Bytes,
        millis: bool,
    },
    Persist(Bytes),
    DbSize,
    /// `FLUSHDB` and `FLUSHALL`: there is one database.
    Flush,
    Echo(Bytes),
    /// `SELECT 0`: the only database there is.
    Select,
    Publish {
        channel: Bytes,
        message: Bytes,
    },
    /// `INFO [section ...]`.
    Info(Vec<Bytes>),
    /// `CONFIG GET parameter [parameter ...]`.
    ConfigGet(Vec<Bytes>),
    /// `COMMAND`, or `COMMAND INFO` with no names.
    CommandAll,
    CommandCount,
    CommandList,
    /// `COMMAND INFO name [name ...]`.
    CommandInfo(Vec<Bytes>),
    /// `COMMAND DOCS [name ...]`; no names means all.
    CommandDocs(Vec<Bytes>),
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
    /// The protocol version, if given, was checked to be 2.
    Hello {
        /// `AUTH username password`.
        auth: Option<(Bytes, Bytes)>,
        setname: Option<Bytes>,
    },
    Subscribe(Vec<Bytes>),
    /// No channels means all of them.
    Unsubscribe(Vec<Bytes>),
    ClientId,
    ClientGetName,
    ClientSetName(Bytes),
    /// `CLIENT SETINFO`: checked, then ignored (nothing reports it).
    ClientSetInfo,
}

/// `SET`'s options, checked but not yet tied to a clock.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SetArgs {
    pub condition: SetCondition,
    pub get: bool,
    pub expiry: ExpiryArg,
}

/// `SET`'s expiry option. The values are positive, and seconds were already
/// turned into milliseconds without overflow.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExpiryArg {
    /// No option: the key becomes persistent.
    #[default]
    None,
    /// `KEEPTTL`.
    Keep,
    /// `EX` or `PX`: this many milliseconds from now.
    In(i64),
    /// `EXAT` or `PXAT`: at this Unix time in milliseconds.
    At(i64),
}

/// Why a request got an error reply. The connection stays open after all
/// of them. [`CommandError::encode`] writes Redis's exact text.
///
/// Hot-path variants carry no allocation; the two that echo the request
/// render their text once, when they happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CommandError {
    /// The full `ERR unknown command ...` or `ERR unknown subcommand ...`
    /// text, rendered from the request.
    Unknown(Bytes),
    /// Carries the command's full name: `get`, `client|setname`.
    WrongArity(&'static str),
    Syntax,
    NotAnInteger,
    /// Carries the command's name: `set`, `expire`.
    InvalidExpireTime(&'static str),
    DecrementOverflow,
    /// An option `EXPIRE` does not know.
    UnsupportedOption(Bytes),
    /// `EXPIRE ... NX` with `XX`, `GT` or `LT`.
    ExpireNxWithOthers,
    /// `EXPIRE ... GT LT`.
    ExpireGtWithLt,
    DbIndexOutOfRange,
    NoAuth,
    WrongPass,
    AuthNotConfigured,
    HelloNoAuth,
    HelloSyntax(Bytes),
    ProtocolVersionNotInteger,
    /// `HELLO` with a version Redis does not know either.
    UnsupportedProtocol,
    /// `HELLO 3`: Redis speaks RESP3, this server does not.
    NoResp3,
    InvalidClientName,
    /// `CLIENT SETINFO` with an attribute other than `LIB-NAME`/`LIB-VER`.
    UnrecognizedOption(Bytes),
    /// `CLIENT SETINFO` with spaces or special characters; carries the
    /// attribute as typed.
    InvalidLibInfo(Bytes),
    /// Carries the command's full name.
    NotAllowedWhileSubscribed(&'static str),
    Db(DbError),
}

impl From<DbError> for CommandError {
    fn from(e: DbError) -> Self {
        CommandError::Db(e)
    }
}

impl CommandError {
    /// Appends the error reply. Text taken from the request has CR and LF
    /// turned into spaces by the encoder, so it cannot break the framing.
    pub(crate) fn encode(&self, out: &mut BytesMut) {
        let fixed: &str = match self {
            CommandError::Unknown(text) => return encode_error(out, text),
            CommandError::WrongArity(name) => {
                return formatted(
                    out,
                    &["ERR wrong number of arguments for '", name, "' command"],
                );
            }
            CommandError::Syntax => "ERR syntax error",
            CommandError::NotAnInteger => "ERR value is not an integer or out of range",
            CommandError::InvalidExpireTime(name) => {
                return formatted(out, &["ERR invalid expire time in '", name, "' command"]);
            }
            CommandError::DecrementOverflow => "ERR decrement would overflow",
            CommandError::UnsupportedOption(option) => {
                return with_arg(out, "ERR Unsupported option ", option, "");
            }
            CommandError::ExpireNxWithOthers => {
                "ERR NX and XX, GT or LT options at the same time are not compatible"
            }
            CommandError::ExpireGtWithLt => {
                "ERR GT and LT options at the same time are not compatible"
            }
            CommandError::DbIndexOutOfRange => "ERR DB index is out of range",
            CommandError::NoAuth => "NOAUTH Authentication required.",
            CommandError::WrongPass => {
                "WRONGPASS invalid username-password pair or user is disabled."
            }
            CommandError::AuthNotConfigured => {
                "ERR AUTH <password> called without any password configured for the default \
                 user. Are you sure your configuration is correct?"
            }
            CommandError::HelloNoAuth => {
                "NOAUTH HELLO must be called with the client already authenticated, otherwise \
                 the HELLO AUTH <user> <pass> option can be used to authenticate the client and \
                 select the RESP protocol version at the same time"
            }
            CommandError::HelloSyntax(option) => {
                return with_arg(out, "ERR Syntax error in HELLO option '", option, "'");
            }
            CommandError::ProtocolVersionNotInteger => {
                "ERR Protocol version is not an integer or out of range"
            }
            CommandError::UnsupportedProtocol => "NOPROTO unsupported protocol version",
            CommandError::NoResp3 => "NOPROTO sorry, this protocol version is not supported.",
            CommandError::InvalidClientName => {
                "ERR Client names cannot contain spaces, newlines or special characters."
            }
            CommandError::UnrecognizedOption(option) => {
                return with_arg(out, "ERR Unrecognized option '", option, "'");
            }
            CommandError::InvalidLibInfo(attr) => {
                return with_arg(
                    out,
                    "ERR ",
                    attr,
                    " cannot contain spaces, newlines or special characters.",
                );
            }
            CommandError::NotAllowedWhileSubscribed(name) => {
                return formatted(
                    out,
                    &[
                        "ERR Can't execute '",
                        name,
                        "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are \
                         allowed in this context",
                    ],
                );
            }
            CommandError::Db(e) => return formatted(out, &[&e.to_string()]),
        };
        encode_error(out, fixed.as_bytes());
    }

    /// `ERR unknown command '<name>', with args beginning with: '<a1>' ...`,
    /// truncated exactly as Redis 7 truncates it.
    pub(crate) fn unknown_command(args: &[Bytes]) -> Self {
        let mut text = Vec::with_capacity(128);
        text.extend_from_slice(b"ERR unknown command '");
        text.extend_from_slice(c_str(args.first().map_or(&[][..], |a| a), 128));
        text.extend_from_slice(b"', with args beginning with: ");
        // Redis appends `'%.*s' ` while its buffer of arguments is under 128
        // bytes, each one cut to what is left of those 128.
        let mut quoted: Vec<u8> = Vec::new();
        for arg in args.iter().skip(1) {
            if quoted.len() >= 128 {
                break;
            }
            let room = 128 - quoted.len();
            quoted.push(b'\'');
            quoted.extend_from_slice(c_str(arg, room));
            quoted.extend_from_slice(b"' ");
        }
        text.extend_from_slice(&quoted);
        CommandError::Unknown(text.into())
    }

    /// `ERR unknown subcommand '<sub>'. Try <COMMAND> HELP.`
    pub(crate) fn unknown_subcommand(command: &str, sub: &[u8]) -> Self {
        let mut text = Vec::with_capacity(64);
        text.extend_from_slice(b"ERR unknown subcommand '");
        text.extend_from_slice(c_str(sub, 128));
        text.extend_from_slice(b"'. Try ");
        text.extend_from_slice(command.to_ascii_uppercase().as_bytes());
        text.extend_from_slice(b" HELP.");
        CommandError::Unknown(text.into())
    }
}

/// `arg` as C's `%.*s` prints it: up to the first NUL, at most `max` bytes.
fn c_str(arg: &[u8], max: usize) -> &[u8] {
    let end = arg
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(arg.len())
        .min(max);
    &arg[..end]
}

fn formatted(out: &mut BytesMut, parts: &[&str]) {
    let mut text = BytesMut::new();
    for part in parts {
        text.put_slice(part.as_bytes());
    }
    encode_error(out, &text);
}

fn with_arg(out: &mut BytesMut, before: &str, arg: &[u8], after: &str) {
    let mut text = BytesMut::new();
    text.put_slice(before.as_bytes());
    text.put_slice(c_str(arg, 128));
    text.put_slice(after.as_bytes());
    encode_error(out, &text);
}

impl Command {
    /// Types the request `args` (name first) for `spec`, which
    /// [`resolve`](crate::table::resolve) returned for it, so the arity is
    /// right.
    pub(crate) fn parse(spec: &CommandSpec, args: Vec<Bytes>) -> Result<Command, CommandError> {
        use ServerCommand as S;
        use SessionCommand as C;
        let arity = || CommandError::WrongArity(spec.name);
        let server = match spec.id {
            CommandId::Get => S::Get(one(args).ok_or_else(arity)?),
            CommandId::Set => return parse_set(args).map(Command::Server),
            CommandId::Incr => S::IncrBy {
                key: one(args).ok_or_else(arity)?,
                delta: 1,
            },
            CommandId::Decr => S::IncrBy {
                key: one(args).ok_or_else(arity)?,
                delta: -1,
            },
            CommandId::IncrBy | CommandId::DecrBy => {
                let [_, key, delta]: [Bytes; 3] = args.try_into().map_err(|_| arity())?;
                let delta = parse_i64(&delta).ok_or(CommandError::NotAnInteger)?;
                let delta = if spec.id == CommandId::DecrBy {
                    delta.checked_neg().ok_or(CommandError::DecrementOverflow)?
                } else {
                    delta
                };
                S::IncrBy { key, delta }
            }
            CommandId::MGet => S::MGet(rest(args)),
            CommandId::MSet => {
                let mut words = rest(args).into_iter();
                if !words.len().is_multiple_of(2) {
                    return Err(arity());
                }
                let mut pairs = Vec::with_capacity(words.len() / 2);
                while let (Some(key), Some(value)) = (words.next(), words.next()) {
                    pairs.push((key, value));
                }
                S::MSet(pairs)
            }
            CommandId::Del => S::Del(rest(args)),
            CommandId::Exists => S::Exists(rest(args)),
            CommandId::GetDel => S::GetDel(one(args).ok_or_else(arity)?),
            CommandId::Expire | CommandId::PExpire => {
                return parse_expire(spec, args).map(Command::Server);
            }
            CommandId::Ttl => S::Ttl {
                key: one(args).ok_or_else(arity)?,
                millis: false,
            },
            CommandId::PTtl => S::Ttl {
                key: one(args).ok_or_else(arity)?,
                millis: true,
            },
            CommandId::Persist => S::Persist(one(args).ok_or_else(arity)?),
            CommandId::DbSize => S::DbSize,
            CommandId::FlushDb | CommandId::FlushAll => match args.get(1..).unwrap_or_default() {
                [] => S::Flush,
                [mode] if is(mode, "ASYNC") || is(mode, "SYNC") => S::Flush,
                _ => return Err(CommandError::Syntax),
            },
            CommandId::Echo => S::Echo(one(args).ok_or_else(arity)?),
            CommandId::Select => {
                let index = one(args).ok_or_else(arity)?;
                match parse_i64(&index) {
                    Some(0) => S::Select,
                    Some(_) => return Err(CommandError::DbIndexOutOfRange),
                    None => return Err(CommandError::NotAnInteger),
                }
            }
            CommandId::Publish => {
                let [_, channel, message]: [Bytes; 3] = args.try_into().map_err(|_| arity())?;
                S::Publish { channel, message }
            }
            CommandId::Info => S::Info(rest(args)),
            CommandId::ConfigGet => S::ConfigGet(rest(rest(args))),
            CommandId::Command => S::CommandAll,
            CommandId::CommandCount => S::CommandCount,
            CommandId::CommandList => S::CommandList,
            CommandId::CommandInfo => match rest(rest(args)) {
                names if names.is_empty() => S::CommandAll,
                names => S::CommandInfo(names),
            },
            CommandId::CommandDocs => S::CommandDocs(rest(rest(args))),
            // Containers reach here only with a subcommand, which `resolve`
            // resolved to its own entry; keep the arity error as a fallback.
            CommandId::Client | CommandId::Config => return Err(arity()),
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
                return Ok(Command::Session(C::ClientSetInfo));
            }
        };
        Ok(Command::Server(server))
    }
}

/// `SET key value [NX|XX] [GET] [EX s|PX ms|EXAT t|PXAT t|KEEPTTL]`, with
/// Redis 7's rules: a repeated option is fine (the last expiry wins), a
/// conflicting one is a syntax error, and the syntax of every option is
/// checked before the expiry's value.
fn parse_set(args: Vec<Bytes>) -> Result<ServerCommand, CommandError> {
    let mut words = args.into_iter().skip(1);
    let (Some(key), Some(value)) = (words.next(), words.next()) else {
        return Err(CommandError::WrongArity("set"));
    };
    let mut options = SetArgs::default();
    // The expiry's kind and its unparsed value.
    let mut expiry: Option<(&'static str, Bytes)> = None;
    let mut keep_ttl = false;
    while let Some(word) = words.next() {
        let same_expiry = |kind: &str| expiry.as_ref().is_none_or(|(k, _)| *k == kind);
        if is(&word, "NX") && options.condition != SetCondition::IfPresent {
            options.condition = SetCondition::IfAbsent;
        } else if is(&word, "XX") && options.condition != SetCondition::IfAbsent {
            options.condition = SetCondition::IfPresent;
        } else if is(&word, "GET") {
            options.get = true;
        } else if is(&word, "KEEPTTL") && expiry.is_none() {
            keep_ttl = true;
        } else if let Some(kind) = ["EX", "PX", "EXAT", "PXAT"]
            .into_iter()
            .find(|k| is(&word, k))
            && !keep_ttl
            && same_expiry(kind)
            && let Some(value) = words.next()
        {
            expiry = Some((kind, value));
        } else {
            return Err(CommandError::Syntax);
        }
    }
    options.expiry = match expiry {
        None if keep_ttl => ExpiryArg::Keep,
        None => ExpiryArg::None,
        Some((kind, value)) => {
            let n = parse_i64(&value).ok_or(CommandError::NotAnInteger)?;
            let seconds = kind == "EX" || kind == "EXAT";
            let millis = if seconds {
                n.checked_mul(1000)
            } else {
                Some(n)
            }
            .filter(|&ms| ms > 0)
            .ok_or(CommandError::InvalidExpireTime("set"))?;
            if kind.ends_with("AT") {
                ExpiryArg::At(millis)
            } else {
                ExpiryArg::In(millis)
            }
        }
    };
    Ok(ServerCommand::Set {
        key,
        value,
        options,
    })
}

/// `EXPIRE key seconds [NX|XX|GT|LT ...]` and `PEXPIRE key milliseconds
/// [...]`. Zero and negative are valid (they delete the key); only a unit
/// conversion that overflows is an error here, the rest is checked against
/// the clock later. Options combine as in Redis 7: repeated ones are
/// allowed, `NX` goes with no other, `GT` not with `LT`.
fn parse_expire(spec: &CommandSpec, args: Vec<Bytes>) -> Result<ServerCommand, CommandError> {
    let mut words = args.into_iter().skip(1);
    let (Some(key), Some(amount)) = (words.next(), words.next()) else {
        return Err(CommandError::WrongArity(spec.name));
    };
    let amount = parse_i64(&amount).ok_or(CommandError::NotAnInteger)?;
    let mut condition = ExpireCondition::ALWAYS;
    for option in words {
        if is(&option, "NX") {
            condition.if_persistent = true;
        } else if is(&option, "XX") {
            condition.if_volatile = true;
        } else if is(&option, "GT") {
            condition.if_later = true;
        } else if is(&option, "LT") {
            condition.if_earlier = true;
        } else {
            return Err(CommandError::UnsupportedOption(option));
        }
    }
    if condition.if_persistent
        && (condition.if_volatile || condition.if_later || condition.if_earlier)
    {
        return Err(CommandError::ExpireNxWithOthers);
    }
    if condition.if_later && condition.if_earlier {
        return Err(CommandError::ExpireGtWithLt);
    }
    let millis = if spec.id == CommandId::Expire {
        amount.checked_mul(1000)
    } else {
        Some(amount)
    }
    .ok_or(CommandError::InvalidExpireTime(spec.name))?;
    Ok(ServerCommand::Expire {
        key,
        millis,
        condition,
        command: spec.name,
    })
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
        _ => Err(CommandError::Syntax),
    }
}

/// `HELLO [protover [AUTH username password] [SETNAME name]]`, checked in
/// Redis's order: the version's range, then the options. Only protocol 2
/// is spoken: 3 passes those checks and then gets `NOPROTO`, before any
/// option takes effect.
fn parse_hello(args: Vec<Bytes>) -> Result<SessionCommand, CommandError> {
    let mut words = args.into_iter().skip(1);
    let version = match words.next() {
        None => 2,
        Some(word) => parse_i64(&word).ok_or(CommandError::ProtocolVersionNotInteger)?,
    };
    if !(2..=3).contains(&version) {
        return Err(CommandError::UnsupportedProtocol);
    }
    let (mut auth, mut setname) = (None, None);
    while let Some(word) = words.next() {
        if is(&word, "AUTH") && words.len() >= 2 {
            auth = words.next().zip(words.next());
        } else if is(&word, "SETNAME") && words.len() >= 1 {
            setname = words.next();
        } else {
            return Err(CommandError::HelloSyntax(word));
        }
    }
    if version == 3 {
        return Err(CommandError::NoResp3);
    }
    Ok(SessionCommand::Hello { auth, setname })
}

/// Whether `word` is `keyword`, ignoring ASCII case.
fn is(word: &[u8], keyword: &str) -> bool {
    word.eq_ignore_ascii_case(keyword.as_bytes())
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
    use crate::table::resolve;

    fn parse(words: &[&str]) -> Result<Command, CommandError> {
        let args: Vec<Bytes> = words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect();
        let spec = resolve(&args)?;
        Command::parse(spec, args)
    }

    fn set_args(words: &[&str]) -> Result<SetArgs, CommandError> {
        match parse(words)? {
            Command::Server(ServerCommand::Set { options, .. }) => Ok(options),
            other => panic!("not a SET: {other:?}"),
        }
    }

    /// SET's options combine and conflict exactly as in Redis 7.
    #[test]
    fn set_options() {
        let nx_get = set_args(&["SET", "k", "v", "nx", "GET"]).unwrap();
        assert_eq!(nx_get.condition, SetCondition::IfAbsent);
        assert!(nx_get.get);
        assert_eq!(
            set_args(&["SET", "k", "v", "EX", "10", "EX", "20"])
                .unwrap()
                .expiry,
            ExpiryArg::In(20_000)
        );
        assert_eq!(
            set_args(&["SET", "k", "v", "pxat", "5"]).unwrap().expiry,
            ExpiryArg::At(5)
        );
        assert_eq!(
            set_args(&["SET", "k", "v", "KEEPTTL"]).unwrap().expiry,
            ExpiryArg::Keep
        );
        for bad in [
            &["SET", "k", "v", "NX", "XX"][..],
            &["SET", "k", "v", "EX", "1", "PX", "1"],
            &["SET", "k", "v", "KEEPTTL", "EX", "1"],
            &["SET", "k", "v", "EX", "1", "KEEPTTL"],
            &["SET", "k", "v", "EX"],
            &["SET", "k", "v", "EX", "abc", "NX", "XX"],
            &["SET", "k", "v", "FOO"],
        ] {
            assert_eq!(set_args(bad), Err(CommandError::Syntax), "{bad:?}");
        }
        assert_eq!(
            set_args(&["SET", "k", "v", "EX", "abc"]),
            Err(CommandError::NotAnInteger)
        );
        for bad in ["0", "-1", "9223372036854776"] {
            assert_eq!(
                set_args(&["SET", "k", "v", "EX", bad]),
                Err(CommandError::InvalidExpireTime("set")),
                "{bad}"
            );
        }
    }

    /// The unknown-command error quotes at most 128 bytes of arguments, as Redis does.
    #[test]
    fn unknown_command_text_is_truncated_like_redis() {
        let long = "x".repeat(200);
        let Err(CommandError::Unknown(text)) = parse(&["FOO", "a", &long, "b"]) else {
            panic!("expected an unknown command error");
        };
        let expected = format!(
            "ERR unknown command 'FOO', with args beginning with: 'a' '{}' ",
            &long[..124]
        );
        assert_eq!(text, expected.as_bytes());
    }

    /// DECRBY of i64::MIN cannot be negated.
    #[test]
    fn decrby_min_overflows() {
        assert_eq!(
            parse(&["DECRBY", "k", "-9223372036854775808"]).err(),
            Some(CommandError::DecrementOverflow)
        );
    }
}

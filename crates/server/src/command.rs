//! Requests turned into typed commands, and the errors Redis replies with
//! when that fails.
//!
//! [`Command::parse`] runs after [`table::resolve`](crate::table::resolve)
//! has checked the name and the arity, so it only checks what Redis checks
//! next: option syntax and integers. It takes the decoder's argument vector
//! by value and moves the `Bytes` out of it, so nothing is copied here.

use bytes::Bytes;
use sharedkv_commands::{Spec, is};
use sharedkv_db::parse_i64;

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
}

/// Commands answered from shared state, the same on every connection.
#[derive(Debug)]
pub(crate) enum ServerCommand {
    Echo(Bytes),
    Publish {
        channel: Bytes,
        message: Bytes,
    },
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
    /// `COMMAND INFO name [name ...]`.
    CommandInfo(Vec<Bytes>),
    /// `COMMAND DOCS [name ...]`; no names means all.
    CommandDocs(Vec<Bytes>),
    /// `CLIENT HELP`, `CONFIG HELP`, `COMMAND HELP`: the lines to print.
    Help(&'static [&'static str]),
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
    ClientId,
    ClientGetName,
    ClientSetName(Bytes),
    /// `CLIENT SETINFO`: checked, then ignored (nothing reports it).
    ClientSetInfo,
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
            CommandId::CommandList => S::CommandList,
            CommandId::CommandInfo => match rest(rest(args)) {
                names if names.is_empty() => S::CommandAll,
                names => S::CommandInfo(names),
            },
            CommandId::CommandDocs => S::CommandDocs(rest(rest(args))),
            CommandId::Help => S::Help(help_text(spec.name)),
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

/// The `HELP` lines of a container command, in Redis's shape (a usage line,
/// then each subcommand and an indented line on what it does), in our words.
fn help_text(name: &str) -> &'static [&'static str] {
    match name {
        "client|help" => &[
            "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GETNAME",
            "    Return this connection's name, or nil if it has none.",
            "ID",
            "    Return this connection's unique ID.",
            "SETINFO <LIB-NAME|LIB-VER> <value>",
            "    Record the name or version of the client library in use.",
            "SETNAME <name>",
            "    Name this connection (an empty name removes it).",
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
            "LIST",
            "    Return the name of every command and subcommand.",
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

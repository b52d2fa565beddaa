//! The server commands an operator or a tool sends: `TIME`, `LASTSAVE`,
//! `ROLE`, `WAIT`, `LOLWUT`, `FUNCTION` and `FCALL`, `SHUTDOWN`,
//! `MONITOR`, `MEMORY`, `DEBUG`, and `COMMAND GETKEYS`.
//!
//! Each is described in [`specs::COMMANDS`] (Redis 7.0's facts), typed by
//! [`parse`] and run by [`run`]; the connection loop hands them over as
//! one `Command::Admin`, so this module is the one place to read what any
//! of them does.
//!
//! - `monitor`: the monitors and their lines.
//! - `memory`: `MEMORY USAGE`, `STATS`, `DOCTOR`, ...
//! - `debug`: `DEBUG SLEEP`, `OBJECT`, `SET-ACTIVE-EXPIRE`, `PROTOCOL`.
//! - `getkeys`: `COMMAND GETKEYS` and `GETKEYSANDFLAGS`, from Redis 7.0's
//!   key specs (`key_specs`).
//!
//! What this server lacks (persistence, replicas, scripts) is answered as
//! Redis answers when it has none, or with an error that says so.

mod debug;
mod getkeys;
mod key_specs;
mod memory;
pub(crate) mod monitor;
pub(crate) mod specs;

pub(crate) use getkeys::{encode_tips_and_key_specs, keys_of};

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use sharedkv_commands::{Error, Reply, Spec, is};
use sharedkv_db::{Db, DbIndex, parse_i64};
use tokio_util::sync::CancellationToken;

use crate::Shared;
use crate::clients::Client;
use crate::error::CommandError;
use crate::introspect::REDIS_VERSION;

/// What every connection shares for these commands: one field of
/// `Shared`.
#[derive(Debug)]
pub(crate) struct State {
    /// Cancelled by `SHUTDOWN`: every `serve` of the server then stops, as
    /// on the shutdown future it was given (SIGTERM in the binary).
    pub(crate) shutdown: CancellationToken,
    /// When the server started, in Unix seconds: `LASTSAVE`, as Redis
    /// reports it when it has never saved (and so `INFO`'s
    /// `rdb_last_save_time`).
    pub(crate) started_unix: i64,
    /// The process's resident set when the server started: `MEMORY
    /// STATS`' `startup.allocated`.
    pub(crate) startup_rss: u64,
    pub(crate) monitors: monitor::Monitors,
}

impl Default for State {
    fn default() -> Self {
        State {
            shutdown: CancellationToken::new(),
            started_unix: unix_now().0,
            startup_rss: crate::introspect::resident_set_bytes().unwrap_or(0),
            monitors: monitor::Monitors::default(),
        }
    }
}

/// A command of this module, resolved from its entry in
/// [`specs::COMMANDS`] (or, for `GETKEYS`, in the `COMMAND` entry of
/// `table.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AdminId {
    Time,
    LastSave,
    Role,
    Wait,
    Lolwut,
    FunctionList,
    FunctionFlush,
    FunctionHelp,
    /// `LOAD`, `DELETE`, `DUMP`, `RESTORE`, `STATS`, `KILL`: an error.
    FunctionUnsupported,
    /// `FCALL` and `FCALL_RO`: an error.
    Fcall,
    Shutdown,
    Monitor,
    MemoryUsage,
    MemoryStats,
    MemoryDoctor,
    MemoryMallocStats,
    MemoryPurge,
    MemoryHelp,
    Debug,
    CommandGetKeys,
    CommandGetKeysAndFlags,
    /// `FUNCTION`, `MEMORY` without a subcommand: refused by their arity
    /// before they get here.
    Container,
}

impl AdminId {
    /// The command an entry describes.
    pub(crate) fn of(name: &str) -> Option<AdminId> {
        use AdminId as A;
        Some(match name {
            "time" => A::Time,
            "lastsave" => A::LastSave,
            "role" => A::Role,
            "wait" => A::Wait,
            "lolwut" => A::Lolwut,
            "function|list" => A::FunctionList,
            "function|flush" => A::FunctionFlush,
            "function|help" => A::FunctionHelp,
            "function|load" | "function|delete" | "function|dump" | "function|restore"
            | "function|stats" | "function|kill" => A::FunctionUnsupported,
            "fcall" | "fcall_ro" => A::Fcall,
            "shutdown" => A::Shutdown,
            "monitor" => A::Monitor,
            "memory|usage" => A::MemoryUsage,
            "memory|stats" => A::MemoryStats,
            "memory|doctor" => A::MemoryDoctor,
            "memory|malloc-stats" => A::MemoryMallocStats,
            "memory|purge" => A::MemoryPurge,
            "memory|help" => A::MemoryHelp,
            "debug" => A::Debug,
            "command|getkeys" => A::CommandGetKeys,
            "command|getkeysandflags" => A::CommandGetKeysAndFlags,
            "function" | "memory" => A::Container,
            _ => return None,
        })
    }
}

/// A command of this module, checked and typed.
#[derive(Debug)]
pub(crate) enum AdminCommand {
    Time,
    LastSave,
    Role,
    Wait,
    /// `LOLWUT [VERSION n ...]`: the version asked for.
    Lolwut(i64),
    /// `FUNCTION LIST`, `FUNCTION FLUSH`: there are no libraries.
    NoLibraries,
    FunctionFlushed,
    /// The lines of a `HELP`.
    Help(&'static [&'static str]),
    Shutdown,
    ShutdownAbort,
    Monitor,
    Memory(memory::MemoryCommand),
    Debug(debug::DebugCommand),
    /// `COMMAND GETKEYS` (`flags` false) or `GETKEYSANDFLAGS`: the command
    /// to look at, name first.
    GetKeys {
        flags: bool,
        argv: Vec<Bytes>,
    },
}

/// The reply to what needs scripting: `FUNCTION LOAD` and the others,
/// `FCALL`.
const FUNCTIONS_UNSUPPORTED: Error =
    Error::Fixed("ERR functions (FUNCTION LOAD, FCALL) are not supported by this server");

/// `SHUTDOWN SAVE`: nothing to save to.
const NO_PERSISTENCE: Error = Error::Fixed(
    "ERR SHUTDOWN SAVE is not supported: this server has no persistence (nothing to save)",
);

/// Types the request `args` (name first) for `id`, whose arity
/// `table::resolve` has checked against `spec`.
pub(crate) fn parse(
    id: AdminId,
    spec: &Spec,
    args: Vec<Bytes>,
) -> Result<AdminCommand, CommandError> {
    use AdminCommand as C;
    // The subcommand as typed, for Redis's catch-all error.
    let typed = || args.get(1).cloned().unwrap_or_default();
    Ok(match id {
        AdminId::Time => C::Time,
        AdminId::LastSave => C::LastSave,
        AdminId::Role => C::Role,
        AdminId::Wait => {
            // The count first, then the timeout, as Redis reads them.
            args.get(1)
                .and_then(|w| parse_i64(w))
                .ok_or(Error::NOT_AN_INTEGER)?;
            let timeout = args.get(2).and_then(|w| parse_i64(w)).ok_or(Error::Fixed(
                "ERR timeout is not an integer or out of range",
            ))?;
            if timeout < 0 {
                return Err(Error::Fixed("ERR timeout is negative").into());
            }
            C::Wait
        }
        AdminId::Lolwut => {
            // `VERSION n` counts only as the first words; the numbers
            // after it (the drawing's size) must be integers.
            let version = match args.get(1..) {
                Some([word, version, rest @ ..]) if is(word, "VERSION") => {
                    let version = parse_i64(version).ok_or(Error::NOT_AN_INTEGER)?;
                    let sizes = match version {
                        5 => 3,
                        6 => 2,
                        _ => 0,
                    };
                    if rest.iter().take(sizes).any(|w| parse_i64(w).is_none()) {
                        return Err(Error::NOT_AN_INTEGER.into());
                    }
                    version
                }
                _ => 7,
            };
            C::Lolwut(version)
        }
        AdminId::FunctionList => {
            let (mut with_code, mut library) = (false, false);
            let mut words = args.iter().skip(2);
            while let Some(word) = words.next() {
                if !with_code && is(word, "WITHCODE") {
                    with_code = true;
                } else if !library && is(word, "LIBRARYNAME") {
                    if words.next().is_none() {
                        return Err(Error::Fixed("ERR library name argument was not given").into());
                    }
                    library = true;
                } else {
                    return Err(Error::with_arg("ERR Unknown argument ", word, "").into());
                }
            }
            C::NoLibraries
        }
        AdminId::FunctionFlush => match args.get(2..) {
            Some([]) => C::FunctionFlushed,
            Some([mode]) if is(mode, "ASYNC") || is(mode, "SYNC") => C::FunctionFlushed,
            Some([_]) => {
                return Err(
                    Error::Fixed("ERR FUNCTION FLUSH only supports SYNC|ASYNC option").into(),
                );
            }
            _ => return Err(catch_all(&typed(), "FUNCTION")),
        },
        AdminId::FunctionHelp => C::Help(FUNCTION_HELP),
        AdminId::FunctionUnsupported | AdminId::Fcall => {
            return Err(FUNCTIONS_UNSUPPORTED.into());
        }
        AdminId::Shutdown => parse_shutdown(&args)?,
        AdminId::Monitor => C::Monitor,
        AdminId::MemoryUsage
        | AdminId::MemoryStats
        | AdminId::MemoryDoctor
        | AdminId::MemoryMallocStats
        | AdminId::MemoryPurge
        | AdminId::MemoryHelp => C::Memory(memory::parse(id, args)?),
        AdminId::Debug => C::Debug(debug::parse(args)?),
        AdminId::CommandGetKeys | AdminId::CommandGetKeysAndFlags => C::GetKeys {
            flags: id == AdminId::CommandGetKeysAndFlags,
            argv: args.into_iter().skip(2).collect(),
        },
        AdminId::Container => return Err(CommandError::WrongArity(spec.name)),
    })
}

/// Redis's error for a subcommand it knows with the wrong arguments.
fn catch_all(typed: &[u8], command: &str) -> CommandError {
    Error::Text(Bytes::from(
        [
            &b"ERR unknown subcommand or wrong number of arguments for '"[..],
            sharedkv_commands::c_str(typed, 128),
            b"'. Try ",
            command.as_bytes(),
            b" HELP.",
        ]
        .concat(),
    ))
    .into()
}

/// `SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]`, checked as Redis checks
/// it: any other word, `ABORT` with anything, or `NOSAVE` with `SAVE` is a
/// syntax error.
fn parse_shutdown(args: &[Bytes]) -> Result<AdminCommand, CommandError> {
    let (mut save, mut nosave, mut other, mut abort) = (false, false, false, false);
    for word in args.iter().skip(1) {
        if is(word, "NOSAVE") {
            nosave = true;
        } else if is(word, "SAVE") {
            save = true;
        } else if is(word, "NOW") || is(word, "FORCE") {
            other = true;
        } else if is(word, "ABORT") {
            abort = true;
        } else {
            return Err(Error::SYNTAX.into());
        }
    }
    if (abort && (save || nosave || other)) || (save && nosave) {
        return Err(Error::SYNTAX.into());
    }
    if abort {
        return Ok(AdminCommand::ShutdownAbort);
    }
    if save {
        return Err(NO_PERSISTENCE.into());
    }
    Ok(AdminCommand::Shutdown)
}

/// What the connection does after one of these commands.
#[derive(Debug)]
pub(crate) enum Next {
    Continue,
    /// `SHUTDOWN`: the server is stopping; close once the replies so far
    /// are written.
    Close,
    /// `MONITOR`: from now on, write the lines this receives.
    Monitor(monitor::Receiver),
}

/// What a command of this module runs with: the shared state and this
/// connection's part of it.
pub(crate) struct Cx<'a, D> {
    pub(crate) shared: &'a Shared<D>,
    /// The database the connection has selected.
    pub(crate) selected: DbIndex,
    pub(crate) resp3: bool,
    /// Whether the connection is a monitor already: a second `MONITOR`
    /// is ignored, as Redis ignores it.
    pub(crate) monitoring: bool,
    /// The connection's own token: cancelled when the server shuts down
    /// (or the client is killed), which ends a `DEBUG SLEEP`.
    pub(crate) cancelled: &'a CancellationToken,
    /// The connection's record in the client registry.
    pub(crate) me: &'a Arc<Client>,
    pub(crate) out: &'a mut BytesMut,
}

impl<D> Cx<'_, D> {
    fn reply(&mut self) -> Reply<'_> {
        Reply::new(self.out, 0).resp3(self.resp3)
    }
}

/// Runs `command`, writing its reply.
pub(crate) async fn run<D: Db>(cx: &mut Cx<'_, D>, command: AdminCommand) -> Next {
    match command {
        AdminCommand::Time => {
            let (secs, micros) = unix_now();
            let mut reply = cx.reply();
            reply.array(2);
            reply.bulk_int(secs);
            reply.bulk_int(micros);
        }
        AdminCommand::LastSave => {
            let started = cx.shared.admin.started_unix;
            cx.reply().int(started);
        }
        AdminCommand::Role => {
            let mut reply = cx.reply();
            reply.array(3);
            reply.bulk(b"master");
            reply.int(0);
            reply.array(0);
        }
        // No replicas: none acknowledges, and none will.
        AdminCommand::Wait => cx.reply().int(0),
        AdminCommand::Lolwut(version) => cx.reply().verbatim(lolwut(version).as_bytes()),
        AdminCommand::NoLibraries => cx.reply().array(0),
        AdminCommand::FunctionFlushed => cx.reply().ok(),
        AdminCommand::Help(lines) => {
            let mut reply = cx.reply();
            reply.array(lines.len());
            for line in lines {
                reply.simple(line.as_bytes());
            }
        }
        AdminCommand::Shutdown => {
            tracing::info!("SHUTDOWN asked by a client");
            cx.shared.admin.shutdown.cancel();
            // No reply: the client sees the connection close, as with
            // Redis.
            return Next::Close;
        }
        // A shutdown here is never in progress: it starts at once.
        AdminCommand::ShutdownAbort => cx
            .reply()
            .error(&Error::Fixed("ERR No shutdown in progress.")),
        AdminCommand::Monitor => {
            if cx.monitoring {
                return Next::Continue;
            }
            let receiver = cx.shared.admin.monitors.add(Arc::clone(cx.me));
            cx.me.set_monitor(true);
            cx.reply().ok();
            return Next::Monitor(receiver);
        }
        AdminCommand::Memory(command) => memory::run(cx, command).await,
        AdminCommand::Debug(command) => debug::run(cx, command).await,
        AdminCommand::GetKeys { flags, argv } => {
            let mut reply = cx.reply();
            getkeys::run(&mut reply, &argv, flags);
        }
    }
    Next::Continue
}

/// Now as Unix seconds and the microseconds past them.
fn unix_now() -> (i64, i64) {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (
        i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        i64::from(since.subsec_micros()),
    )
}

/// `LOLWUT`'s text. Redis 7.0 draws art for versions 5 and 6 and prints
/// only its version otherwise; this server draws none, but ends each with
/// the line Redis ends it with.
fn lolwut(version: i64) -> String {
    match version {
        5 => {
            format!("\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. {REDIS_VERSION}\n")
        }
        6 => format!(
            "\nDedicated to the 8 bit game developers of past and present.\n\
             Original 8 bit image from Plaguemon by hikikomori. Redis ver. {REDIS_VERSION}\n"
        ),
        _ => format!("Redis ver. {REDIS_VERSION}\n"),
    }
}

/// `FUNCTION HELP`, in Redis's shape, in our words.
const FUNCTION_HELP: &[&str] = &[
    "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LIST [LIBRARYNAME <pattern>] [WITHCODE]",
    "    Describe the libraries: there are none, since this server runs no scripts.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete every library (there are none): always OK.",
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Scripts are not supported by this server: an error.",
    "DELETE <LIBRARY NAME>",
    "    Scripts are not supported by this server: an error.",
    "DUMP",
    "    Scripts are not supported by this server: an error.",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Scripts are not supported by this server: an error.",
    "STATS",
    "    Scripts are not supported by this server: an error.",
    "KILL",
    "    Scripts are not supported by this server: an error.",
    "HELP",
    "    Print this help.",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every entry of the table has an id, and ids are found by name.
    #[test]
    fn every_entry_has_an_id() {
        for spec in specs::COMMANDS
            .iter()
            .flat_map(|s| std::iter::once(s).chain(s.subcommands))
        {
            assert!(AdminId::of(spec.name).is_some(), "{} has no id", spec.name);
        }
    }

    /// LOLWUT's last line names the version as Redis's does.
    #[test]
    fn lolwut_version_line() {
        for version in [5, 6, 7, 1, -3] {
            let text = lolwut(version);
            let last = text
                .trim_end_matches('\n')
                .lines()
                .last()
                .unwrap_or_default();
            assert!(
                last.ends_with(&format!("Redis ver. {REDIS_VERSION}")),
                "{text:?}"
            );
        }
    }
}

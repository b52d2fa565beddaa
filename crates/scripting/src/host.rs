//! What the server gives the engine: the [`Host`] that runs a script's
//! commands, and the [`CallContext`] of each call.

use bytes::Bytes;

use crate::ScriptFlags;
use crate::engine::{RunState, State};

/// What runs one command for a script, synchronously. The server implements
/// it, for the duration of one [`Engine::run`](crate::Engine::run).
///
/// `run` calls it from the thread that called `run`, between two steps of
/// the script: a script's commands run one at a time, in order.
pub trait Host {
    /// Runs `argv` (the command name first) and returns its complete reply,
    /// RESP-encoded in RESP3 if [`CallContext::resp3`] (the script chose it
    /// with `redis.setresp(3)`), else in RESP2.
    ///
    /// The host refuses what Redis refuses in scripts, with an error reply
    /// worded as Redis words it (`-ERR ...\r\n`): unknown commands
    /// (`ERR Unknown Redis command called from script`), wrong arity (`ERR
    /// Wrong number of args calling Redis command from script`), commands
    /// not allowed from scripts (`ERR This Redis command is not allowed from
    /// script`), and writes when [`CallContext::read_only`] (`ERR Write
    /// commands are not allowed from read-only scripts.`). The engine makes
    /// an error reply a Lua error for `redis.call` and an error table for
    /// `redis.pcall`.
    ///
    /// Before a command that writes, the host calls
    /// [`CallContext::note_write`]; if that returns `false` the script has
    /// been killed, and the host must not run the command (any reply will
    /// do: the engine ends the script with the kill error).
    fn call(&mut self, argv: Vec<Bytes>, ctx: &CallContext<'_>) -> Vec<u8>;

    /// `redis.log(level, ...)`: the message is the arguments joined by
    /// spaces. The server writes it to its log if `level` passes its
    /// verbosity.
    fn log(&mut self, level: LogLevel, message: &[u8]);

    /// `redis.acl_check_cmd(...)`: whether the user that runs the script may
    /// run `argv`, or `None` if `argv[0]` names no command (the script then
    /// gets `ERR Invalid command passed to redis.acl_check_cmd()`).
    ///
    /// The default allows every command: a server with ACLs overrides it.
    fn acl_check_cmd(&mut self, argv: &[Bytes]) -> Option<bool> {
        let _ = argv;
        Some(true)
    }
}

/// The level of a `redis.log` message: `redis.LOG_DEBUG` to
/// `redis.LOG_WARNING`, Redis's `LL_*` levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// `redis.LOG_DEBUG`, 0.
    Debug,
    /// `redis.LOG_VERBOSE`, 1.
    Verbose,
    /// `redis.LOG_NOTICE`, 2.
    Notice,
    /// `redis.LOG_WARNING`, 3.
    Warning,
}

impl LogLevel {
    pub(crate) fn from_number(n: i64) -> Option<LogLevel> {
        Some(match n {
            0 => LogLevel::Debug,
            1 => LogLevel::Verbose,
            2 => LogLevel::Notice,
            3 => LogLevel::Warning,
            _ => return None,
        })
    }
}

/// What the host needs to know about the script a command comes from.
pub struct CallContext<'a> {
    pub(crate) resp3: bool,
    pub(crate) read_only: bool,
    pub(crate) flags: ScriptFlags,
    pub(crate) run: &'a RunState,
}

impl CallContext<'_> {
    /// Whether the reply must be RESP3 (the script called
    /// `redis.setresp(3)`). Scripts start in RESP2 whatever the client's
    /// protocol.
    pub fn resp3(&self) -> bool {
        self.resp3
    }

    /// Whether the script may not write: it runs by `EVAL_RO` or
    /// `EVALSHA_RO`, or its shebang declares `no-writes`.
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// The flags of the script's shebang (none for a script without one).
    pub fn flags(&self) -> ScriptFlags {
        self.flags
    }

    /// Says that the command about to run writes. From then on `SCRIPT
    /// KILL` cannot stop this script (`UNKILLABLE`), as in Redis.
    ///
    /// Returns `false` if the script was killed before this write: the host
    /// must then not run the command. The decision is atomic, so a kill and
    /// a first write never both win.
    pub fn note_write(&self) -> bool {
        loop {
            let (word, state) = self.run.load();
            match state {
                State::Running => {
                    if self.run.swap_state(word, State::Written) {
                        return true;
                    }
                }
                State::Killed => return false,
                State::Written | State::Idle => return true,
            }
        }
    }
}

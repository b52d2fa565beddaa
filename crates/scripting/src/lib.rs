//! Redis 7.0's Lua scripting for sharedkv: `EVAL`, `EVALSHA`, `EVAL_RO`,
//! `EVALSHA_RO` and `SCRIPT LOAD / EXISTS / FLUSH / KILL`, independent of
//! the server. No I/O, no Tokio.
//!
//! The crate owns everything Lua: the VMs (Lua 5.1, as Redis embeds, through
//! mlua), the sandbox, the `redis` table, the conversions between RESP and
//! Lua values, the script cache, the busy threshold and `SCRIPT KILL`, and a
//! memory limit per VM. The server owns the keyspace: it implements
//! [`Host`], which runs one command for a script and returns its reply as
//! RESP bytes.
//!
//! # How a script runs
//!
//! [`Engine::run`] is called by the server from inside one atomic step over
//! the store, on the thread that holds that step:
//!
//! 1. The script is found in the cache by its SHA-1 (`EVAL` hashes and, if
//!    needed, compiles and caches its body, as Redis does; `EVALSHA` of an
//!    unknown SHA-1 answers `NOSCRIPT`). Its shebang flags decide whether it
//!    runs read-only ([`ScriptFlags`], [`parse_shebang`]).
//! 2. A VM is taken from a pool, or made if every VM is in use: several
//!    scripts may run at once on different threads (on disjoint keys, as the
//!    store allows). Each VM keeps the functions it compiled, by SHA-1;
//!    `SCRIPT FLUSH` empties the cache and every VM drops its functions
//!    before its next run.
//! 3. `KEYS` and `ARGV` are set, `redis.call` and `redis.pcall` are bound to
//!    the host, and the script runs under Redis's error handler. Each
//!    `redis.call` converts its arguments, calls [`Host::call`] with a
//!    [`CallContext`] (the script's protocol, whether it is read-only, its
//!    flags, and [`CallContext::note_write`]), and converts the reply.
//! 4. The return value (or the error) becomes the complete reply for the
//!    client, in the client's protocol; the VM goes back to the pool.
//!
//! While a script runs past the busy threshold, [`Engine::busy`] is true
//! (the server answers others `BUSY`), and [`Engine::kill`] stops every such
//! script that has not written; one that has written makes it answer
//! `UNKILLABLE`. A hook checks for a kill every 10,000 Lua instructions, and
//! once killed no `pcall`, `xpcall` or coroutine can catch the error.
//! The same hook tells the host when a run has become long
//! ([`LONG_RUN`], [`Engine::long_running`], [`Engine::on_long_run`]), so
//! that a server can keep serving the clients that must be answered
//! `BUSY` or send `SCRIPT KILL`.
//!
//! # What follows Redis 7.0
//!
//! Checked against redis-server 7.0.15, reply by reply (the tests hold the
//! replies it gave, RESP2 and RESP3):
//!
//! - The globals: the base library without `print`, `dofile`, `loadfile`,
//!   `getfenv`, `setfenv`, `newproxy`, `module`, `require`, `os`, `io` and
//!   `debug`; `string`, `table`, `math` (`math.random` is Redis's `rand48`,
//!   one sequence shared by every script), `coroutine`, `bit`, `cjson`,
//!   `cmsgpack`, `struct` and `redis`. `loadstring` and `load` refuse
//!   precompiled chunks as Redis's Lua does.
//! - Read-only globals and libraries: writing one is `Attempt to modify a
//!   readonly table`, reading an unknown global is `Script attempted to
//!   access nonexistent global variable 'x'`.
//! - `redis.call`, `pcall`, `error_reply`, `status_reply`, `sha1hex`, `log`
//!   and `LOG_*`, `setresp`, `set_repl` and `REPL_*`, `replicate_commands`,
//!   `acl_check_cmd` ([`Host::acl_check_cmd`]), `breakpoint` and `debug`
//!   (no debugger: `false` and nothing), `REDIS_VERSION` (`7.0.15`) and
//!   `REDIS_VERSION_NUM`.
//! - The conversions both ways in RESP2 and RESP3 (maps, sets, doubles,
//!   big numbers, verbatim strings, nulls, booleans), numbers truncated as
//!   C casts them on x86-64, command arguments as `%.17g`, and a table that
//!   holds itself ending in `reached lua stack limit` where Redis's does.
//! - Every error text: runtime errors with `script: <sha>, on
//!   @user_script:<line>.`, compile errors, shebang errors, `NOSCRIPT`,
//!   `NOTBUSY`, `UNKILLABLE`, the kill error, and the argument errors of
//!   the libraries.
//!
//! # What differs
//!
//! - Redis's Lua can mark tables read-only; stock Lua 5.1 cannot, so the
//!   sandbox hands scripts read-only proxies of the globals and libraries
//!   and replaces the builtins that could see through them (`rawget`,
//!   `rawset`, `next`, `pairs`, `setmetatable`, `getmetatable`,
//!   `table.insert`, `table.remove`). What a script can observe is the same,
//!   except `tostring` of a library (a different address) and the order
//!   of `pairs(_G)`.
//! - Memory: each VM has a limit ([`Limits::memory`], 64 MiB by default;
//!   Redis has none). A script past it gets `ERR not enough memory: the
//!   script's Lua VM reached its limit of N bytes ...`, and its VM is
//!   dropped and replaced by a fresh one. `string.rep` checks the size of
//!   its result first, so an empty string repeated 2^31 times costs nothing
//!   (in Redis it loops, unkillable).
//! - `cjson`'s settings (`encode_number_precision` and the others) go back
//!   to their defaults before each script; Redis keeps what the last script
//!   set, for every script after it.
//! - `error({})` (a table without `err`) answers `ERR error object is not a
//!   string`; redis-server 7.0.15 crashes on it.
//! - No script debugger (`SCRIPT DEBUG`), no `FUNCTION`s, no replication of
//!   scripts: `redis.set_repl` only checks its argument.
//! - Several scripts may be busy at once; `SCRIPT KILL` kills every busy
//!   one that has not written and answers `UNKILLABLE` if any busy one has.
//! - Like Redis, the hook does not run inside a C function: a pattern
//!   match with heavy backtracking (`string.find`) cannot be killed until it
//!   returns.
//!
//! What the server does, not this crate: parsing `EVAL`'s `numkeys` (`ERR
//! Number of keys can't be greater than number of args`), refusing commands
//! from scripts, the `BUSY` reply, `allow-oom` and the other flags' checks
//! against the server's state (see [`Engine::flags`]), and `INFO`'s
//! `used_memory_lua` ([`Engine::memory`]) and `number_of_cached_scripts`
//! ([`Engine::cached`]).

mod builtins;
mod convert;
mod engine;
mod error;
mod flags;
mod fmt;
mod host;
mod libs;
mod raise;
mod rand;
mod vm;

pub use engine::{Engine, LEND_EVERY, LONG_RUN, Limits, Script};
pub use error::{Error, ErrorKind};
pub use flags::{ScriptFlags, parse_shebang};
pub use host::{CallContext, Host, LogLevel};

// The engine is shared by every connection and a run may move between
// threads: it must stay `Send + Sync`.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Engine>();
};

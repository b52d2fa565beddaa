//! `EVAL`, `EVALSHA`, `EVAL_RO`, `EVALSHA_RO` and `SCRIPT`: Lua scripts as
//! one step of the store, on every strategy.
//!
//! ```text
//! EVAL body numkeys key... arg... ─▶ Db::atomically(Scope::Keys(keys))
//!     └─ in the step: sharedkv_scripting::Engine::run(body, host)
//!           redis.call(...) ─▶ Host::call ─▶ the data command, on a StepView
//!     missed (an undeclared key the step could not take)?
//!           ─▶ undo, then again over Scope::All
//! ```
//!
//! The engine (`sharedkv-scripting`) owns everything Lua: the sandbox,
//! `redis.*`, the conversions, the script cache, the time limit and `SCRIPT
//! KILL`. This module gives it a [`Host`] that runs each `redis.call` as
//! the data command it names, on the [`StepView`] of the step the script
//! runs in, so that no other client sees part of a script.
//!
//! **Keys a script did not declare.** Redis allows them outside cluster
//! mode, and job queues use them (a key built from a prefix in `KEYS[1]`).
//! A strategy with one lock holds them anyway; the map strategies take the
//! key's stripe if it is free; otherwise the step has *missed*: the view
//! puts back every entry the script wrote (it kept a copy of each before
//! its first write) and the script runs again holding the whole store.
//! What a rerun repeats is invisible to clients but for `redis.log` lines,
//! and keyspace events of the first run, which went out as it ran.
//!
//! **A slow script** holds its keys (or, on a strategy with one lock, the
//! whole store) until it ends. Past `busy-reply-threshold` every other
//! client's command that may not run then (Redis's `allow-busy` flag) is
//! answered `BUSY`, and `SCRIPT KILL` stops a script that has not written.
//! Both need the other clients' tasks to run while the script does, and a
//! script runs on a worker thread (or in an actor's task) like any step:
//!
//! - once a script has run for [`LONG_RUN`](sharedkv_scripting::LONG_RUN)
//!   (5 ms), the engine's hook calls [`lend_thread`] on the thread running
//!   it, then every 50 ms: the worker and the tasks queued on it go to
//!   another thread (Tokio's `block_in_place`), so a client whose task sat
//!   behind the script is served;
//! - while any script runs (one relaxed load, [`Engine::running`]), a
//!   command that may wait for a lock the script holds (a data command,
//!   `EXEC`, a script of its own) runs in [`off_worker`], which hands its
//!   worker to another thread before it can block, so that waiting
//!   clients never take every worker;
//! - while any script runs long (one relaxed load,
//!   [`Engine::long_running`]), another client's command first waits for
//!   it, asleep on a timer, as every client waits in Redis while a script
//!   runs ([`wait_out_long_scripts`]), and is answered `BUSY` once the
//!   script passes the threshold, on every strategy, whether or not it
//!   needs a lock the script holds.
//!
//! One difference from Redis remains: a command that arrived in a
//! script's first 5 ms and waits for a lock the script holds waits for the
//! script's end (or its kill), not for `BUSY`. The background sweep of
//! expired keys runs on a blocking thread, never on a worker, for the same
//! reason (see `sharedkv_db::spawn_sweeper`). A script costs others one
//! thread hand-off per command while it runs, and a short script nothing
//! more. On the current-thread runtime (not the server's) there is no
//! other thread: a script that never ends stops it.

use std::future::Future;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use sharedkv_commands::{Ctx, Reply, Spec, arg};
use sharedkv_db::{Db, DbIndex, Scope, StepView, World, parse_i64};
use sharedkv_scripting::{CallContext, Engine, Host, LogLevel, Script};

use crate::Shared;

/// The server's Lua engine, with Redis's limits, lending its thread while
/// a script runs long (see the module docs).
pub(crate) fn engine() -> Arc<Engine> {
    let engine = Engine::new(sharedkv_scripting::Limits::default());
    engine.on_long_run(lend_thread);
    Arc::new(engine)
}

/// Called by a long script's hook on the thread running it: on a worker of
/// a multi-thread runtime, hands the worker (and the tasks queued on it) to
/// another thread for a moment (Tokio's `block_in_place`), so that they are
/// served while the script goes on. Elsewhere (a current-thread runtime, a
/// thread of no runtime) it does nothing.
fn lend_thread() {
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return;
    };
    if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
        tokio::task::block_in_place(|| std::thread::sleep(LEND_FOR));
    }
}

/// How long [`lend_thread`] sleeps: long enough for the runtime to start
/// another thread on the worker's queue.
const LEND_FOR: std::time::Duration = std::time::Duration::from_micros(200);

/// Waits, without holding a worker, until no script runs long (false) or
/// one is past the busy threshold (true: the command is answered `BUSY`).
pub(crate) async fn wait_out_long_scripts(scripts: &Engine) -> bool {
    loop {
        if scripts.busy() {
            return true;
        }
        if !scripts.long_running() {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
}

/// Runs `f` with the worker thread handed to another thread first when
/// `scripts_run` (see the module docs) on a multi-thread runtime; else
/// awaits it.
pub(crate) async fn off_worker<F: Future>(scripts_run: bool, f: F) -> F::Output {
    let handle = tokio::runtime::Handle::current();
    if scripts_run && handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
        tokio::task::block_in_place(|| handle.block_on(f))
    } else {
        f.await
    }
}

/// Which of the four commands runs a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Eval {
    /// `EVALSHA`: the first argument is a SHA1, not a body.
    pub(crate) by_sha: bool,
    /// `EVAL_RO`, `EVALSHA_RO`: the script may not write.
    pub(crate) read_only: bool,
}

/// A script's request, parsed: the body or SHA1, `KEYS`, `ARGV`.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    eval: Eval,
    script: Bytes,
    /// `KEYS`: what the step holds.
    pub(crate) keys: Vec<Bytes>,
    args: Vec<Bytes>,
}

impl Call {
    /// Parses `EVAL script numkeys key... arg...` (name first), or the
    /// error reply Redis gives.
    pub(crate) fn parse(eval: Eval, args: Vec<Bytes>) -> Result<Call, Vec<u8>> {
        let mut words = args.into_iter().skip(1);
        let (Some(script), Some(numkeys)) = (words.next(), words.next()) else {
            return Err(b"-ERR wrong number of arguments\r\n".to_vec());
        };
        let rest: Vec<Bytes> = words.collect();
        // As Redis: a SHA1 of the wrong length is unknown before anything
        // else is looked at.
        if eval.by_sha && script.len() != 40 {
            return Err(b"-NOSCRIPT No matching script. Please use EVAL.\r\n".to_vec());
        }
        let numkeys = match parse_i64(&numkeys) {
            None => return Err(b"-ERR value is not an integer or out of range\r\n".to_vec()),
            Some(n) if n < 0 => return Err(b"-ERR Number of keys can't be negative\r\n".to_vec()),
            Some(n) => match usize::try_from(n) {
                Ok(n) if n <= rest.len() => n,
                _ => {
                    return Err(
                        b"-ERR Number of keys can't be greater than number of args\r\n".to_vec(),
                    );
                }
            },
        };
        let mut keys = rest;
        let args = keys.split_off(numkeys);
        Ok(Call {
            eval,
            script,
            keys,
            args,
        })
    }

    /// Runs the script on `view`, a step that holds at least its keys; the
    /// complete reply, RESP3 if `resp3`.
    pub(crate) fn run<D: Db>(
        &self,
        shared: &Shared<D>,
        view: &StepView<'_>,
        selected: DbIndex,
        resp3: bool,
    ) -> Vec<u8> {
        let mut host = ScriptHost {
            view,
            shared,
            selected,
        };
        let script = if self.eval.by_sha {
            Script::Sha(&self.script)
        } else {
            Script::Body(&self.script)
        };
        shared.scripts.run(
            script,
            self.keys.clone(),
            self.args.clone(),
            self.eval.read_only,
            resp3,
            &mut host,
        )
    }
}

/// Runs a script for a client whose database is `selected`; the reply is
/// complete, RESP3 if `resp3`, errors included.
pub(crate) async fn eval<D: Db>(
    shared: &Arc<Shared<D>>,
    eval: Eval,
    args: Vec<Bytes>,
    selected: DbIndex,
    resp3: bool,
) -> Vec<u8> {
    let call = match Call::parse(eval, args) {
        Ok(call) => call,
        Err(reply) => return reply,
    };
    let step = |undoable: bool| {
        let (shared, call) = (Arc::clone(shared), call.clone());
        move |world: &mut dyn World| {
            let view = StepView::new(world, undoable);
            let reply = call.run(&shared, &view, selected, resp3);
            if view.missed() {
                if view.rollback() {
                    return None;
                }
            } else {
                drop(view);
            }
            // Clients waiting on what the script pushed, before anyone
            // else sees it (see `blocking`).
            crate::blocking::serve_held(&shared, world);
            Some(reply)
        }
    };
    let others = shared.scripts.running();
    let reply = off_worker(
        others,
        shared.db.atomically(Scope::Keys(&call.keys), step(true)),
    )
    .await;
    match reply {
        Some(reply) => reply,
        None => off_worker(others, shared.db.atomically(Scope::All, step(false)))
            .await
            .unwrap_or_default(),
    }
}

/// What runs a script's `redis.call`s: the data commands, on the view of
/// the step the script runs in.
struct ScriptHost<'a, 'v, D> {
    view: &'a StepView<'v>,
    shared: &'a Shared<D>,
    /// The script's own database: `SELECT` in a script changes it, not the
    /// client's.
    selected: DbIndex,
}

impl<D: Db> Host for ScriptHost<'_, '_, D> {
    fn call(&mut self, argv: Vec<Bytes>, ctx: &CallContext<'_>) -> Vec<u8> {
        let id = match sharedkv_commands::find(&argv) {
            Some(Ok(id)) => id,
            Some(Err(sharedkv_commands::Error::WrongArity(_))) => {
                return b"-ERR Wrong number of args calling Redis command from script\r\n".to_vec();
            }
            Some(Err(e)) => {
                let mut out = BytesMut::new();
                Reply::new(&mut out, 0).error(&e);
                return out.to_vec();
            }
            None => return self.server_command(&argv, ctx),
        };
        let spec = id.spec();
        if spec.has_flag("noscript") {
            return b"-ERR This Redis command is not allowed from script\r\n".to_vec();
        }
        if spec.has_flag("write") {
            if ctx.read_only() {
                return b"-ERR Write commands are not allowed from read-only scripts.\r\n".to_vec();
            }
            if !ctx.note_write() {
                return b"-ERR the script was killed\r\n".to_vec();
            }
        }
        let mut out = BytesMut::new();
        let mut cx = Ctx {
            db: self.view,
            selected: self.selected,
            reply: Reply::new(&mut out, 0).resp3(ctx.resp3()),
            settings: &self.shared.live.settings,
        };
        match self.view.run(sharedkv_commands::run(id, &mut cx, argv)) {
            Some(Ok(())) => {}
            Some(Err(e)) => cx.reply.error(&e),
            None => cx.reply.error(&sharedkv_commands::Error::Fixed(
                "ERR the command could not run inside a script",
            )),
        }
        self.selected = cx.selected;
        out.to_vec()
    }

    fn log(&mut self, level: LogLevel, message: &[u8]) {
        let message = String::from_utf8_lossy(message);
        match level {
            LogLevel::Debug => tracing::debug!(target: "script", "{message}"),
            LogLevel::Verbose => tracing::debug!(target: "script", "{message}"),
            LogLevel::Notice => tracing::info!(target: "script", "{message}"),
            LogLevel::Warning => tracing::warn!(target: "script", "{message}"),
        }
    }
}

impl<D: Db> ScriptHost<'_, '_, D> {
    /// The server's own commands a script may call: `PING`, `ECHO`,
    /// `TIME`, `PUBLISH`. The others either may not run in a script in
    /// Redis either (`noscript`: `MULTI`, `EVAL`, `SUBSCRIBE`, ...) or read
    /// a connection's state, which a script has not.
    fn server_command(&mut self, argv: &[Bytes], ctx: &CallContext<'_>) -> Vec<u8> {
        let name = argv.first().map(|n| n.to_ascii_lowercase());
        let mut out = BytesMut::new();
        let mut reply = Reply::new(&mut out, 0).resp3(ctx.resp3());
        match (name.as_deref(), argv.len()) {
            (Some(b"ping"), 1) => reply.simple(b"PONG"),
            (Some(b"ping"), 2) | (Some(b"echo"), 2) => reply.bulk(&argv[1]),
            (Some(b"time"), 1) => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                reply.array(2);
                reply.bulk(now.as_secs().to_string().as_bytes());
                reply.bulk(now.subsec_micros().to_string().as_bytes());
            }
            (Some(b"publish"), 3) => {
                let receivers = self.shared.pubsub.publish(
                    &Bytes::copy_from_slice(&argv[1]),
                    &Bytes::copy_from_slice(&argv[2]),
                );
                reply.count(receivers);
            }
            (Some(b"ping" | b"echo" | b"time" | b"publish"), _) => {
                return b"-ERR Wrong number of args calling Redis command from script\r\n".to_vec();
            }
            _ => match crate::table::resolve(argv) {
                Ok(_) => return b"-ERR This Redis command is not allowed from script\r\n".to_vec(),
                Err(_) => return b"-ERR Unknown Redis command called from script\r\n".to_vec(),
            },
        }
        out.to_vec()
    }
}

/// The commands of this module, as Redis 7.0 describes them.
pub(crate) static COMMANDS: &[Spec] = &[
    eval_spec(
        "eval",
        "Execute a Lua script server side",
        "2.6.0",
        false,
        &EVAL_ARGS[0],
    ),
    eval_spec(
        "evalsha",
        "Execute a Lua script server side",
        "2.6.0",
        false,
        &EVAL_ARGS[1],
    ),
    eval_spec(
        "eval_ro",
        "Execute a read-only Lua script server side",
        "7.0.0",
        true,
        &EVAL_ARGS[0],
    ),
    eval_spec(
        "evalsha_ro",
        "Execute a read-only Lua script server side",
        "7.0.0",
        true,
        &EVAL_ARGS[1],
    ),
    Spec {
        name: "script",
        arity: -2,
        flags: &[],
        keys: (0, 0, 0),
        acl: &["@slow"],
        summary: "A container for Lua scripts management commands",
        since: "2.6.0",
        group: "scripting",
        complexity: "Depends on subcommand.",
        args: &[],
        subcommands: &[
            script_sub(
                "script|flush",
                -2,
                &["noscript"],
                "Remove all the scripts from the script cache.",
                "O(N) with N being the number of scripts in cache",
                &[
                    arg!("async", OneOf, optional: true, since: Some("6.2.0"), args: &[arg!("async", PureToken, token: Some("ASYNC")), arg!("sync", PureToken, token: Some("SYNC"))]),
                ],
            ),
            script_sub(
                "script|help",
                2,
                &["loading", "stale"],
                "Show helpful text about the different subcommands",
                "O(1)",
                &[],
            ),
            script_sub(
                "script|exists",
                -3,
                &["noscript"],
                "Check existence of scripts in the script cache.",
                "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
                &[arg!("sha1", String, multiple: true)],
            ),
            script_sub(
                "script|kill",
                2,
                &["noscript", "allow_busy"],
                "Kill the script currently in execution.",
                "O(1)",
                &[],
            ),
            script_sub(
                "script|load",
                3,
                &["noscript", "stale"],
                "Load the specified Lua script into the script cache.",
                "O(N) with N being the length in bytes of the script body.",
                &[arg!("script", String)],
            ),
        ],
    },
];

const fn eval_spec(
    name: &'static str,
    summary: &'static str,
    since: &'static str,
    read_only: bool,
    args: &'static [sharedkv_commands::Arg],
) -> Spec {
    Spec {
        name,
        arity: -3,
        flags: if read_only {
            &[
                "readonly",
                "noscript",
                "stale",
                "skip_monitor",
                "no_mandatory_keys",
                "movablekeys",
            ]
        } else {
            &[
                "noscript",
                "stale",
                "skip_monitor",
                "no_mandatory_keys",
                "movablekeys",
            ]
        },
        keys: (0, 0, 0),
        acl: &["@slow", "@scripting"],
        summary,
        since,
        group: "scripting",
        complexity: "Depends on the script that is executed.",
        args,
        subcommands: &[],
    }
}

/// The arguments of `EVAL` (`script` first) and of `EVALSHA` (`sha1`).
static EVAL_ARGS: [[sharedkv_commands::Arg; 4]; 2] = [
    [
        arg!("script", String),
        arg!("numkeys", Integer),
        arg!("key", Key, optional: true, multiple: true),
        arg!("arg", String, optional: true, multiple: true),
    ],
    [
        arg!("sha1", String),
        arg!("numkeys", Integer),
        arg!("key", Key, optional: true, multiple: true),
        arg!("arg", String, optional: true, multiple: true),
    ],
];

const fn script_sub(
    name: &'static str,
    arity: i32,
    flags: &'static [&'static str],
    summary: &'static str,
    complexity: &'static str,
    args: &'static [sharedkv_commands::Arg],
) -> Spec {
    Spec {
        name,
        arity,
        flags,
        keys: (0, 0, 0),
        acl: &["@slow", "@scripting"],
        summary,
        since: "2.6.0",
        group: "scripting",
        complexity,
        args,
        subcommands: &[],
    }
}

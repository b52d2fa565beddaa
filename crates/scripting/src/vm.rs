//! One script VM: a Lua 5.1 state set up as Redis 7.0's, the functions it
//! has compiled, and how it runs one script.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use mlua::chunk::ChunkMode;
use mlua::{Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState};
use sharedkv_resp::{Limits as RespLimits, decode_frame};

use crate::builtins::Builtins;
use crate::convert::{arg_bytes, error_table, lua_to_reply, push_line, reply_to_lua};
use crate::engine::{Clock, RunState, Sha};
use crate::fmt::lua_number_to_i64;
use crate::host::{CallContext, Host, LogLevel};
use crate::raise::{
    KILLED, Raised, arg_error, err_table, is_memory_error, lua_error, type_error, unwrap,
};
use crate::rand::Rand48;
use crate::{ScriptFlags, libs};

/// The name of the sandbox's own chunk: the error handler skips its frames
/// when it looks for the script line to report.
const SANDBOX: &str = "=sandbox";

/// How many VM instructions run between two checks for `SCRIPT KILL`.
/// Redis checks every 100,000; a check is one atomic load here, so it
/// checks ten times as often and a kill takes effect sooner.
const HOOK_EVERY: u32 = 10_000;

/// `REDIS_VERSION` and `REDIS_VERSION_NUM` as scripts see them.
const REDIS_VERSION: &str = "7.0.15";
const REDIS_VERSION_NUM: u32 = 0x07_00_0f;

/// A Lua state and what the engine keeps with it.
pub(crate) struct Vm {
    lua: Lua,
    /// The function bound to the running script's host, which `redis.call`
    /// and the others call; `None` between runs.
    dispatch: Dispatch,
    /// The real globals, where each run puts `KEYS` and `ARGV`.
    globals: Table,
    /// `function(f) return xpcall(f, handler) end`.
    runner: Function,
    /// Compiled scripts by SHA-1, valid for `generation` of the cache.
    functions: HashMap<Sha, Function>,
    pub(crate) generation: u64,
    /// Shared with the engine, for `SCRIPT KILL` and busy checks.
    pub(crate) state: Arc<RunState>,
    /// Memory this VM last reported to the engine.
    pub(crate) reported_memory: usize,
    /// Set when the VM must not be reused (it ran out of memory).
    pub(crate) poisoned: bool,
    runs: u64,
    memory_limit: usize,
    /// `cjson`'s settings, reset before each run.
    cjson: libs::CjsonConfig,
}

/// What one run's `redis.call` and friends reach: the host and the
/// script's settings.
pub(crate) struct RunCtx<'h> {
    pub(crate) host: &'h mut dyn Host,
    pub(crate) read_only: bool,
    pub(crate) flags: ScriptFlags,
}

/// The outcome of compiling a script.
pub(crate) enum Compiled {
    Ok,
    /// The Lua error text (`user_script:1: ...`).
    Error(Vec<u8>),
}

impl Vm {
    /// A new VM set up as Redis 7.0's, with its memory limit.
    pub(crate) fn new(
        memory_limit: usize,
        rng: Arc<Mutex<Rand48>>,
        state: Arc<RunState>,
        clock: Arc<Clock>,
    ) -> mlua::Result<Vm> {
        let lua = Lua::new_with(
            StdLib::TABLE | StdLib::STRING | StdLib::MATH,
            LuaOptions::default(),
        )?;
        let globals = lua.globals();

        let cjson = libs::register(&lua, &globals)?;
        install_math_random(&lua, &globals, rng)?;
        install_string_rep(&lua, &globals, memory_limit)?;
        let dispatch: Dispatch = Arc::new(Mutex::new(None));
        let redis = make_redis_table(&lua, &state, &dispatch)?;
        globals.raw_set("redis", redis.clone())?;

        let raw_xpcall: Function = globals.raw_get("xpcall")?;
        let (next, getmetatable, loadstring): (Function, Function, Function) = (
            globals.raw_get("next")?,
            globals.raw_get("getmetatable")?,
            globals.raw_get("loadstring")?,
        );
        let (real_of, no_metatable) = (lua.create_table()?, lua.create_table()?);
        let helpers = lua.create_table()?;
        helpers.raw_set("real_of", real_of.clone())?;
        helpers.raw_set("no_metatable", no_metatable.clone())?;
        helpers.raw_set(
            "unwrap",
            lua.create_function(|lua, v: Value| unwrap(lua, v))?,
        )?;
        {
            let state = state.clone();
            helpers.raw_set(
                "killed",
                lua.create_function(move |_, ()| Ok(state.killed()))?,
            )?;
        }
        {
            let state = state.clone();
            helpers.raw_set(
                "handler",
                lua.create_function(move |lua, err: Value| {
                    error_handler(lua, &state, memory_limit, err)
                })?,
            )?;
        }
        let proxy_globals: Table = lua
            .load(include_str!("sandbox.lua"))
            .set_name(SANDBOX)
            .set_mode(ChunkMode::Text)
            .call(helpers.clone())?;
        let builtins = Builtins {
            real_of,
            no_metatable,
            next,
            getmetatable,
            loadstring,
            xpcall_core: helpers.raw_get("xpcall_core")?,
            resume_core: helpers.raw_get("resume_core")?,
        };
        builtins.install(&lua, &globals)?;
        let handler: Function = helpers.raw_get("handler")?;
        let runner: Function = lua
            .load("local xpcall, handler = ... return function(f) return xpcall(f, handler) end")
            .set_name(SANDBOX)
            .call((raw_xpcall, handler))?;
        lua.set_globals(proxy_globals)?;

        {
            let state = state.clone();
            lua.set_global_hook(
                HookTriggers::new().every_nth_instruction(HOOK_EVERY),
                move |_, _| {
                    if state.killed() {
                        Err(Raised::Killed.into_error())
                    } else {
                        clock.tick(&state);
                        Ok(VmState::Continue)
                    }
                },
            )?;
        }
        lua.gc_collect()?;
        lua.set_memory_limit(memory_limit)?;
        Ok(Vm {
            lua,
            dispatch,
            globals,
            runner,
            functions: HashMap::new(),
            generation: 0,
            state,
            reported_memory: 0,
            poisoned: false,
            runs: 0,
            memory_limit,
            cjson,
        })
    }

    /// Bytes the Lua state holds.
    pub(crate) fn used_memory(&self) -> usize {
        self.lua.used_memory()
    }

    /// Drops the compiled functions if the cache has been flushed since.
    pub(crate) fn sync_generation(&mut self, generation: u64) {
        if self.generation != generation {
            self.functions.clear();
            self.generation = generation;
        }
    }

    pub(crate) fn has_function(&self, sha: &Sha) -> bool {
        self.functions.contains_key(sha)
    }

    /// Compiles `source` (the body after its shebang line) as `sha`.
    pub(crate) fn compile(&mut self, sha: Sha, source: &[u8]) -> Compiled {
        // Redis's Lua parses a precompiled chunk as text, which fails at its
        // first byte; a leading space gives the same error and keeps line
        // numbers.
        let chunk: std::borrow::Cow<'_, [u8]> = if source.first() == Some(&0x1b) {
            let mut s = Vec::with_capacity(source.len() + 1);
            s.push(b' ');
            s.extend_from_slice(source);
            s.into()
        } else {
            source.into()
        };
        match self
            .lua
            .load(&*chunk)
            .set_name("@user_script")
            .set_mode(ChunkMode::Text)
            .into_function()
        {
            Ok(f) => {
                self.functions.insert(sha, f);
                Compiled::Ok
            }
            Err(mlua::Error::SyntaxError { message, .. }) => Compiled::Error(message.into_bytes()),
            Err(e) if is_memory_error(&e) => {
                self.poisoned = true;
                Compiled::Error(b"not enough memory".to_vec())
            }
            Err(e) => Compiled::Error(e.to_string().into_bytes()),
        }
    }

    /// Runs the compiled script `sha` and returns the client's reply.
    pub(crate) fn run(
        &mut self,
        sha: &Sha,
        keys: Vec<Bytes>,
        args: Vec<Bytes>,
        ctx: &RefCell<RunCtx<'_>>,
        client_resp3: bool,
    ) -> Vec<u8> {
        let Some(function) = self.functions.get(sha).cloned() else {
            return b"-NOSCRIPT No matching script. Please use EVAL.\r\n".to_vec();
        };
        self.state.set_resp3(false);
        libs::reset_cjson(&self.cjson);
        let outcome = self.run_inner(function, sha, keys, args, ctx, client_resp3);
        // Whatever happened, the next script must not see this one's
        // `KEYS`, `ARGV` or host.
        set_slot(&self.dispatch, None);
        let _ = self.globals.raw_set("KEYS", Value::Nil);
        let _ = self.globals.raw_set("ARGV", Value::Nil);
        if self.state.take_out_of_memory() {
            self.poisoned = true;
        }
        let reply = match outcome {
            Ok(reply) => reply,
            Err(e) if is_memory_error(&e) => {
                self.poisoned = true;
                self.oom_reply(sha)
            }
            Err(e) => {
                let mut out = b"-ERR Error running script ".to_vec();
                out.extend_from_slice(sha);
                out.extend_from_slice(b", ");
                push_line(&mut out, e.to_string().as_bytes());
                out
            }
        };
        self.after_run();
        reply
    }

    fn run_inner(
        &mut self,
        function: Function,
        sha: &Sha,
        keys: Vec<Bytes>,
        args: Vec<Bytes>,
        ctx: &RefCell<RunCtx<'_>>,
        client_resp3: bool,
    ) -> mlua::Result<Vec<u8>> {
        let lua = &self.lua;
        self.globals.raw_set("KEYS", string_array(lua, &keys)?)?;
        self.globals.raw_set("ARGV", string_array(lua, &args)?)?;
        drop((keys, args));
        let state = &*self.state;
        lua.scope(|scope| {
            // One function bound to this run's host; the permanent
            // `redis.call`, `pcall`, `log` and `acl_check_cmd` reach it
            // through `dispatch` (one scoped function costs less per run than
            // four).
            let bound = scope.create_function(|lua, mut args: MultiValue| {
                let op = match args.pop_front() {
                    Some(Value::Integer(op)) => op,
                    _ => 0,
                };
                Ok(match op {
                    OP_CALL => MultiValue::from_iter([redis_call(lua, ctx, state, args, true)?]),
                    OP_PCALL => MultiValue::from_iter([redis_call(lua, ctx, state, args, false)?]),
                    OP_LOG => {
                        redis_log(lua, ctx, args)?;
                        MultiValue::new()
                    }
                    _ => MultiValue::from_iter([Value::Boolean(redis_acl_check_cmd(
                        lua, ctx, args,
                    )?)]),
                })
            })?;
            set_slot(&self.dispatch, Some(bound));
            let (ok, value): (bool, Value) = self.runner.call(function)?;
            let mut out = Vec::new();
            if ok {
                lua_to_reply(value, client_resp3, state.resp3(), &mut out)?;
                return Ok(out);
            }
            match value {
                Value::Table(t) => error_reply(&t, sha, &mut out)?,
                Value::String(s) if &*s.as_bytes() == b"not enough memory" => {
                    return Err(mlua::Error::MemoryError("not enough memory".into()));
                }
                other => {
                    // "error in error handling": the handler itself failed.
                    out.extend_from_slice(b"-ERR Error running script ");
                    out.extend_from_slice(sha);
                    out.extend_from_slice(b", ");
                    let text = match &other {
                        Value::String(s) => s.as_bytes().to_vec(),
                        other => other.type_name().as_bytes().to_vec(),
                    };
                    push_line(&mut out, &text);
                }
            }
            Ok(out)
        })
    }

    /// The reply when Lua itself ran out of memory (its error handler
    /// cannot run then, so no line is known).
    fn oom_reply(&self, sha: &Sha) -> Vec<u8> {
        let mut out = b"-".to_vec();
        out.extend_from_slice(oom_text(self.memory_limit).as_bytes());
        out.extend_from_slice(b" script: ");
        out.extend_from_slice(sha);
        out.extend_from_slice(b".\r\n");
        out
    }

    /// Redis runs a GC step every 50 scripts; a VM that holds more than
    /// half its limit afterwards gets a full collection, and one that still
    /// does is not reused.
    fn after_run(&mut self) {
        self.runs += 1;
        if self.runs.is_multiple_of(50) {
            let _ = self.lua.gc_step();
        }
        if self.lua.used_memory() > self.memory_limit / 2 {
            let _ = self.lua.gc_collect();
            if self.lua.used_memory() > self.memory_limit / 2 {
                self.poisoned = true;
            }
        }
    }
}

/// The error of a script that needed more than the VM's memory limit.
fn oom_text(limit: usize) -> String {
    format!("ERR not enough memory: the script's Lua VM reached its limit of {limit} bytes")
}

/// A Lua array of strings (`KEYS`, `ARGV`).
fn string_array(lua: &Lua, items: &[Bytes]) -> mlua::Result<Table> {
    let t = lua.create_table_with_capacity(items.len(), 0)?;
    for (i, item) in items.iter().enumerate() {
        t.raw_set(i + 1, lua.create_string(item)?)?;
    }
    Ok(t)
}

/// The reply for an error the handler shaped: `-<err> script: <sha>, on
/// <source>:<line>.` (the location only if the handler found one), with CR
/// and LF made spaces.
fn error_reply(t: &Table, sha: &Sha, out: &mut Vec<u8>) -> mlua::Result<()> {
    let mut text: Vec<u8> = match t.raw_get::<Value>("err")? {
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Number(n) => crate::fmt::g(n, 14),
        Value::Integer(n) => n.to_string().into_bytes(),
        // Redis 7.0.15 crashes on `error({})`; this engine answers instead.
        _ => b"ERR error object is not a string".to_vec(),
    };
    let source = t.raw_get::<Value>("source")?;
    let line = t.raw_get::<Value>("line")?;
    if let (Value::String(source), Some(line)) = (source, number_of(&line)) {
        text.extend_from_slice(b" script: ");
        text.extend_from_slice(sha);
        text.extend_from_slice(b", on ");
        text.extend_from_slice(&source.as_bytes());
        text.extend_from_slice(format!(":{line}.").as_bytes());
    }
    out.push(b'-');
    push_line(out, &text);
    Ok(())
}

fn number_of(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(n) => Some(*n),
        Value::Number(n) => Some(lua_number_to_i64(*n)),
        _ => None,
    }
}

/// The run's error handler, as Redis 7.0's `__redis__err__handler`: it
/// makes any error an `{err=...}` table (a string `s` becomes `ERR s`) and
/// adds where the script was: the frame that raised, or its caller when
/// that was a C function, skipping the sandbox's own frames.
fn error_handler(
    lua: &Lua,
    state: &RunState,
    memory_limit: usize,
    err: Value,
) -> mlua::Result<Table> {
    let out_of_memory = matches!(&err, Value::Error(e) if is_memory_error(e));
    let table = if out_of_memory {
        state.set_out_of_memory();
        let t = lua.create_table()?;
        t.raw_set("err", oom_text(memory_limit))?;
        t
    } else if state.killed() {
        let t = lua.create_table()?;
        t.raw_set("err", KILLED)?;
        t
    } else {
        match unwrap(lua, err)? {
            Value::Table(t) => t,
            other => {
                let text = match &other {
                    Value::String(s) => s.as_bytes().to_vec(),
                    Value::Nil => b"nil".to_vec(),
                    Value::Boolean(b) => b.to_string().into_bytes(),
                    Value::Number(n) => crate::fmt::g(*n, 14),
                    Value::Integer(n) => n.to_string().into_bytes(),
                    other => {
                        format!("{}: {:p}", other.type_name(), other.to_pointer()).into_bytes()
                    }
                };
                let mut msg = b"ERR ".to_vec();
                msg.extend_from_slice(&text);
                let t = lua.create_table()?;
                t.raw_set("err", lua.create_string(msg)?)?;
                t
            }
        }
    };
    if let Some((source, line)) = script_location(lua) {
        table.raw_set("source", lua.create_string(source)?)?;
        table.raw_set("line", line)?;
    }
    Ok(table)
}

/// Where the error happened, as the handler reports it.
fn script_location(lua: &Lua) -> Option<(String, i64)> {
    // Level 0 is this handler, 1 the function that raised.
    let frame = |level: usize| {
        lua.inspect_stack(level, |d| {
            let s = d.source();
            (
                s.what,
                s.source.map(|c| c.into_owned()).unwrap_or_default(),
                d.current_line().map_or(-1, |l| l as i64),
            )
        })
    };
    let mut level = 1;
    let (what, _, _) = frame(level)?;
    if what == "C" {
        level += 1;
    }
    // A bound on the walk: the sandbox wraps at most a couple of frames.
    for _ in 0..8 {
        let (what, source, line) = frame(level)?;
        // "tail": the frame a tail call replaced, gone from the stack.
        if source != SANDBOX && what != "C" && what != "tail" {
            return Some((source, line));
        }
        level += 1;
    }
    None
}

/// `redis.call` (`raise`) and `redis.pcall`.
fn redis_call(
    lua: &Lua,
    ctx: &RefCell<RunCtx<'_>>,
    state: &RunState,
    args: MultiValue,
    raise: bool,
) -> mlua::Result<Value> {
    let fail = |text: &[u8]| -> mlua::Result<Value> {
        if raise {
            Err(err_table(text))
        } else {
            error_table(lua, &crate::raise::error_text(text))
        }
    };
    if args.is_empty() {
        return fail(b"Please specify at least one argument for this redis lib call");
    }
    let mut argv = Vec::with_capacity(args.len());
    for a in args.iter() {
        match arg_bytes(a) {
            Some(b) => argv.push(b),
            None => return fail(b"Lua redis lib command arguments must be strings or integers"),
        }
    }
    drop(args);
    if state.killed() {
        return Err(Raised::Killed.into_error());
    }
    let reply = {
        let mut ctx = ctx.borrow_mut();
        let call_ctx = CallContext {
            resp3: state.resp3(),
            read_only: ctx.read_only,
            flags: ctx.flags,
            run: state,
        };
        ctx.host.call(argv, &call_ctx)
    };
    if state.killed() {
        return Err(Raised::Killed.into_error());
    }
    let is_error = reply.first() == Some(&b'-');
    let mut buf = BytesMut::from(&reply[..]);
    drop(reply);
    let limits = RespLimits {
        max_bulk_len: usize::MAX,
        max_inline_len: usize::MAX,
        max_multibulk_len: usize::MAX,
    };
    let frame = match decode_frame(&mut buf, &limits) {
        Ok(Some(frame)) => frame,
        _ => return fail(b"-ERR the command's reply is not valid RESP"),
    };
    let value = reply_to_lua(lua, frame)?;
    if raise
        && is_error
        && let Value::Table(t) = &value
        && let Value::String(e) = t.raw_get::<Value>("err")?
    {
        return Err(Raised::ErrReply(e.as_bytes().to_vec()).into_error());
    }
    Ok(value)
}

/// `redis.log(level, ...)`.
fn redis_log(lua: &Lua, ctx: &RefCell<RunCtx<'_>>, args: MultiValue) -> mlua::Result<()> {
    if args.len() < 2 {
        return Err(err_table(b"redis.log() requires two arguments or more."));
    }
    let level = match args
        .front()
        .and_then(|v| lua.coerce_number(v.clone()).ok().flatten())
    {
        Some(n) => lua_number_to_i64(n) as i32,
        None => return Err(err_table(b"First argument must be a number (log level).")),
    };
    let Some(level) = LogLevel::from_number(level as i64) else {
        return Err(err_table(b"Invalid debug level."));
    };
    let mut message = Vec::new();
    for (j, v) in args.iter().enumerate().skip(1) {
        let s = match v {
            Value::String(s) => Some(s.as_bytes().to_vec()),
            Value::Number(_) | Value::Integer(_) => lua
                .coerce_string(v.clone())
                .ok()
                .flatten()
                .map(|s| s.as_bytes().to_vec()),
            _ => None,
        };
        if let Some(s) = s {
            if j != 1 {
                message.push(b' ');
            }
            message.extend_from_slice(&s);
        }
    }
    ctx.borrow_mut().host.log(level, &message);
    Ok(())
}

/// `redis.acl_check_cmd(...)`.
fn redis_acl_check_cmd(
    lua: &Lua,
    ctx: &RefCell<RunCtx<'_>>,
    args: MultiValue,
) -> mlua::Result<bool> {
    let _ = lua;
    if args.is_empty() {
        return Err(err_table(
            b"Please specify at least one argument for this redis lib call",
        ));
    }
    let mut argv = Vec::with_capacity(args.len());
    for a in args.iter() {
        match arg_bytes(a) {
            Some(b) => argv.push(b),
            None => {
                return Err(err_table(
                    b"Lua redis lib command arguments must be strings or integers",
                ));
            }
        }
    }
    match ctx.borrow_mut().host.acl_check_cmd(&argv) {
        Some(allowed) => Ok(allowed),
        None => Err(err_table(
            b"Invalid command passed to redis.acl_check_cmd()",
        )),
    }
}

/// The slot of a VM's [`Vm::dispatch`].
type Dispatch = Arc<Mutex<Option<Function>>>;

const OP_CALL: i64 = 0;
const OP_PCALL: i64 = 1;
const OP_LOG: i64 = 2;
const OP_ACL: i64 = 3;

fn set_slot(slot: &Dispatch, f: Option<Function>) {
    if let Ok(mut s) = slot.lock() {
        *s = f;
    }
}

/// The `redis` table.
fn make_redis_table(lua: &Lua, state: &Arc<RunState>, dispatch: &Dispatch) -> mlua::Result<Table> {
    let redis = lua.create_table()?;
    for (name, op) in [
        ("call", OP_CALL),
        ("pcall", OP_PCALL),
        ("log", OP_LOG),
        ("acl_check_cmd", OP_ACL),
    ] {
        let dispatch = dispatch.clone();
        redis.raw_set(
            name,
            lua.create_function(move |_, mut args: MultiValue| {
                let bound = dispatch.lock().ok().and_then(|d| d.clone());
                let Some(bound) = bound else {
                    return Err(err_table(
                        b"redis.call/pcall can only be called inside a script invocation",
                    ));
                };
                args.push_front(Value::Integer(op));
                bound.call::<MultiValue>(args)
            })?,
        )?;
    }
    for (name, level) in [
        ("LOG_DEBUG", 0),
        ("LOG_VERBOSE", 1),
        ("LOG_NOTICE", 2),
        ("LOG_WARNING", 3),
    ] {
        redis.raw_set(name, level)?;
    }
    redis.raw_set("REDIS_VERSION", REDIS_VERSION)?;
    redis.raw_set("REDIS_VERSION_NUM", REDIS_VERSION_NUM)?;
    for (name, flags) in [
        ("REPL_NONE", 0),
        ("REPL_AOF", 1),
        ("REPL_SLAVE", 2),
        ("REPL_REPLICA", 2),
        ("REPL_ALL", 3),
    ] {
        redis.raw_set(name, flags)?;
    }
    {
        let state = state.clone();
        redis.raw_set(
            "setresp",
            lua.create_function(move |lua, args: MultiValue| {
                if args.len() != 1 {
                    return Err(err_table(b"redis.setresp() requires one argument."));
                }
                let n = args
                    .front()
                    .and_then(|v| lua.coerce_number(v.clone()).ok().flatten())
                    .map_or(0, |n| lua_number_to_i64(n) as i32);
                match n {
                    2 => state.set_resp3(false),
                    3 => state.set_resp3(true),
                    _ => return Err(err_table(b"RESP version must be 2 or 3.")),
                }
                Ok(())
            })?,
        )?;
    }
    redis.raw_set(
        "set_repl",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(err_table(b"redis.set_repl() requires two arguments."));
            }
            let flags = args
                .front()
                .and_then(|v| lua.coerce_number(v.clone()).ok().flatten())
                .map_or(0, |n| lua_number_to_i64(n) as i32);
            if flags & !3 != 0 {
                return Err(err_table(
                    b"Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
                ));
            }
            Ok(())
        })?,
    )?;
    redis.raw_set("replicate_commands", lua.create_function(|_, ()| Ok(true))?)?;
    redis.raw_set("breakpoint", lua.create_function(|_, ()| Ok(false))?)?;
    redis.raw_set("debug", lua.create_function(|_, _: MultiValue| Ok(()))?)?;
    redis.raw_set(
        "sha1hex",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(err_table(b"wrong number of arguments"));
            }
            let bytes = match args.front() {
                Some(Value::String(s)) => s.as_bytes().to_vec(),
                Some(v @ (Value::Number(_) | Value::Integer(_))) => lua
                    .coerce_string(v.clone())?
                    .map(|s| s.as_bytes().to_vec())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            Ok(crate::engine::sha1hex(&bytes).to_vec()).and_then(|hex| lua.create_string(hex))
        })?,
    )?;
    for (name, field) in [("error_reply", "err"), ("status_reply", "ok")] {
        redis.raw_set(
            name,
            lua.create_function(move |lua, args: MultiValue| {
                let s = match (args.len(), args.front()) {
                    (1, Some(Value::String(s))) => s.as_bytes().to_vec(),
                    _ => return error_table(lua, b"ERR wrong number or type of arguments"),
                };
                if field == "err" {
                    let mut text = Vec::with_capacity(s.len() + 1);
                    if s.first() != Some(&b'-') {
                        text.push(b'-');
                    }
                    text.extend_from_slice(&s);
                    return error_table(lua, &crate::raise::error_text(&text));
                }
                let t = lua.create_table()?;
                t.raw_set("ok", lua.create_string(s)?)?;
                Ok(Value::Table(t))
            })?,
        )?;
    }
    Ok(redis)
}

/// `string.rep` as Lua 5.1's (`n` cast to a C `int`, further arguments
/// ignored), except that it knows the result's size up front: an empty
/// string or a count below 1 gives `""` at once, where Lua would loop up to
/// 2^31 times with no chance for `SCRIPT KILL`, and a result larger than
/// the VM's memory limit fails before any copying.
fn install_string_rep(lua: &Lua, globals: &Table, memory_limit: usize) -> mlua::Result<()> {
    let string: Table = globals.raw_get("string")?;
    string.raw_set(
        "rep",
        lua.create_function(move |lua, args: MultiValue| {
            let s = match args.front() {
                Some(v @ (Value::String(_) | Value::Number(_) | Value::Integer(_))) => lua
                    .coerce_string(v.clone())?
                    .map(|s| s.as_bytes().to_vec())
                    .unwrap_or_default(),
                other => return Err(type_error(lua, 1, "string", other)),
            };
            let n = check_int(lua, &args, 2)?;
            if n <= 0 || s.is_empty() {
                return lua.create_string("");
            }
            let n = n as usize;
            match s.len().checked_mul(n) {
                Some(total) if total <= memory_limit => lua.create_string(s.repeat(n)),
                _ => Err(mlua::Error::MemoryError("not enough memory".into())),
            }
        })?,
    )
}

/// `math.random` and `math.randomseed` over Redis's generator, shared by
/// every VM of the engine as Redis's one generator is shared by every
/// script.
fn install_math_random(lua: &Lua, globals: &Table, rng: Arc<Mutex<Rand48>>) -> mlua::Result<()> {
    let math: Table = globals.raw_get("math")?;
    {
        let rng = rng.clone();
        math.raw_set(
            "random",
            lua.create_function(move |lua, args: MultiValue| {
                let r = rng.lock().map(|mut g| g.unit()).unwrap_or(0.0);
                match args.len() {
                    0 => Ok(r),
                    1 => {
                        let u = check_int(lua, &args, 1)?;
                        if u < 1 {
                            return Err(arg_error(lua, 1, "interval is empty"));
                        }
                        Ok((r * u as f64).floor() + 1.0)
                    }
                    2 => {
                        let l = check_int(lua, &args, 1)?;
                        let u = check_int(lua, &args, 2)?;
                        if l > u {
                            return Err(arg_error(lua, 2, "interval is empty"));
                        }
                        Ok((r * (u as f64 - l as f64 + 1.0)).floor() + l as f64)
                    }
                    _ => Err(lua_error(lua, "wrong number of arguments")),
                }
            })?,
        )?;
    }
    math.raw_set(
        "randomseed",
        lua.create_function(move |lua, args: MultiValue| {
            let seed = check_int(lua, &args, 1)?;
            if let Ok(mut g) = rng.lock() {
                g.seed(seed);
            }
            Ok(())
        })?,
    )?;
    Ok(())
}

/// `luaL_checkint`: a number, or a string that reads as one, cast to a C
/// `int`.
pub(crate) fn check_int(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<i32> {
    let v = args.get(n - 1);
    match v.and_then(|v| lua.coerce_number(v.clone()).ok().flatten()) {
        Some(x) => Ok(lua_number_to_i64(x) as i32),
        None => Err(type_error(lua, n, "number", v)),
    }
}

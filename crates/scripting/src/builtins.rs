//! The base functions the sandbox replaces so that read-only proxies look
//! like the tables they stand for (see `sandbox.lua`): `rawget`, `rawset`,
//! `next`, `pairs`, `setmetatable`, `getmetatable`, `table.insert`,
//! `table.remove`, and `loadstring` and `load`, which refuse precompiled
//! chunks as Redis's Lua does.
//!
//! They are Rust functions rather than Lua ones for one reason: a Lua
//! function called in tail position (`return pairs(x)`) takes the place of
//! its caller's frame, so an error it raises could no longer say which line
//! of the script called it. A C function never does, and its errors carry
//! the caller's position as Lua's own builtins' do.

use mlua::{Function, Lua, MultiValue, Table, Value};

use crate::fmt::lua_number_to_i64;
use crate::raise::{Raised, arg_error, lua_error, type_error};

const READONLY: &str = "Attempt to modify a readonly table";

/// What the replacements need: the proxy map, the sentinel metatable of
/// proxies without one, and the original builtins.
#[derive(Clone)]
pub(crate) struct Builtins {
    /// proxy → the real table.
    pub(crate) real_of: Table,
    /// The `__metatable` of a proxy whose table has no metatable.
    pub(crate) no_metatable: Table,
    pub(crate) next: Function,
    pub(crate) getmetatable: Function,
    pub(crate) loadstring: Function,
    /// The sandbox's `xpcall` and `coroutine.resume`, past their argument
    /// checks.
    pub(crate) xpcall_core: Function,
    pub(crate) resume_core: Function,
}

/// An error a Lua builtin raised, as a value the sandbox can hand back to
/// the script.
fn from_lua(err: mlua::Error) -> mlua::Error {
    match err {
        mlua::Error::RuntimeError(msg) => {
            // mlua appends a traceback; the builtin's message is before it.
            let msg = match msg.find("\nstack traceback:") {
                Some(at) => &msg[..at],
                None => &msg[..],
            };
            Raised::Message(msg.as_bytes().to_vec()).into_error()
        }
        other => other,
    }
}

fn readonly() -> mlua::Error {
    Raised::Message(READONLY.as_bytes().to_vec()).into_error()
}

impl Builtins {
    fn real(&self, t: &Table) -> mlua::Result<Table> {
        Ok(match self.real_of.raw_get::<Value>(t.clone())? {
            Value::Table(real) => real,
            _ => t.clone(),
        })
    }

    fn is_proxy(&self, t: &Table) -> mlua::Result<bool> {
        Ok(!self.real_of.raw_get::<Value>(t.clone())?.is_nil())
    }

    /// Adds the replacements to the real globals and `table`.
    pub(crate) fn install(&self, lua: &Lua, globals: &Table) -> mlua::Result<()> {
        let b = self.clone();
        globals.raw_set(
            "rawget",
            lua.create_function(move |lua, args: MultiValue| {
                let t = check_table(lua, &args, 1)?;
                let Some(k) = args.get(1) else {
                    return Err(arg_error(lua, 2, "value expected"));
                };
                b.real(&t)?.raw_get::<Value>(k.clone())
            })?,
        )?;
        let b = self.clone();
        globals.raw_set(
            "rawset",
            lua.create_function(move |lua, args: MultiValue| {
                let t = check_table(lua, &args, 1)?;
                if args.len() < 2 {
                    return Err(arg_error(lua, 2, "value expected"));
                }
                if args.len() < 3 {
                    return Err(arg_error(lua, 3, "value expected"));
                }
                if b.is_proxy(&t)? {
                    return Err(readonly());
                }
                match &args[1] {
                    Value::Nil => {
                        return Err(Raised::Message(b"table index is nil".to_vec()).into_error());
                    }
                    Value::Number(n) if n.is_nan() => {
                        return Err(Raised::Message(b"table index is NaN".to_vec()).into_error());
                    }
                    _ => {}
                }
                t.raw_set(args[1].clone(), args[2].clone())?;
                Ok(t)
            })?,
        )?;
        let b = self.clone();
        let next = lua.create_function(move |lua, args: MultiValue| {
            let t = check_table(lua, &args, 1)?;
            let k = args.get(1).cloned().unwrap_or(Value::Nil);
            b.next
                .call::<MultiValue>((b.real(&t)?, k))
                .map_err(from_lua)
        })?;
        globals.raw_set("next", next.clone())?;
        let b = self.clone();
        globals.raw_set(
            "pairs",
            lua.create_function(move |lua, args: MultiValue| {
                let t = check_table(lua, &args, 1)?;
                let iter = if b.is_proxy(&t)? {
                    next.clone()
                } else {
                    b.next.clone()
                };
                Ok((iter, t, Value::Nil))
            })?,
        )?;
        let b = self.clone();
        globals.raw_set(
            "setmetatable",
            lua.create_function(move |lua, args: MultiValue| {
                let t = check_table(lua, &args, 1)?;
                if b.is_proxy(&t)? {
                    return Err(readonly());
                }
                let mt = match args.get(1) {
                    Some(Value::Table(mt)) => Some(mt.clone()),
                    Some(Value::Nil) => None,
                    _ => return Err(arg_error(lua, 2, "nil or table expected")),
                };
                if let Some(current) = t.metatable()
                    && !current.raw_get::<Value>("__metatable")?.is_nil()
                {
                    return Err(lua_error(lua, "cannot change a protected metatable"));
                }
                t.set_metatable(mt)?;
                Ok(t)
            })?,
        )?;
        let b = self.clone();
        globals.raw_set(
            "getmetatable",
            lua.create_function(move |lua, args: MultiValue| {
                let Some(v) = args.front() else {
                    return Err(arg_error(lua, 1, "value expected"));
                };
                let mt: Value = b.getmetatable.call(v.clone()).map_err(from_lua)?;
                if let Value::Table(mt) = &mt
                    && mt.to_pointer() == b.no_metatable.to_pointer()
                {
                    return Ok(Value::Nil);
                }
                Ok(mt)
            })?,
        )?;
        let b = self.clone();
        globals.raw_set(
            "loadstring",
            lua.create_function(move |lua, args: MultiValue| {
                let s = match args.front() {
                    Some(v @ (Value::String(_) | Value::Number(_) | Value::Integer(_))) => lua
                        .coerce_string(v.clone())?
                        .map(|s| s.as_bytes().to_vec())
                        .unwrap_or_default(),
                    other => return Err(type_error(lua, 1, "string", other)),
                };
                let name = match args.get(1) {
                    None | Some(Value::Nil) => None,
                    Some(v @ (Value::String(_) | Value::Number(_) | Value::Integer(_))) => {
                        lua.coerce_string(v.clone())?
                    }
                    other => return Err(type_error(lua, 2, "string", other)),
                };
                let name = match name {
                    Some(n) => n,
                    None => lua.create_string(&s)?,
                };
                b.load_text(lua, &s, name)
            })?,
        )?;
        let b = self.clone();
        globals.raw_set(
            "load",
            lua.create_function(move |lua, args: MultiValue| {
                let f = match args.front() {
                    Some(Value::Function(f)) => f.clone(),
                    other => return Err(type_error(lua, 1, "function", other)),
                };
                let name = match args.get(1) {
                    None | Some(Value::Nil) => lua.create_string("=(load)")?,
                    Some(v @ (Value::String(_) | Value::Number(_) | Value::Integer(_))) => {
                        match lua.coerce_string(v.clone())? {
                            Some(s) => s,
                            None => lua.create_string("=(load)")?,
                        }
                    }
                    other => return Err(type_error(lua, 2, "string", other)),
                };
                let mut source = Vec::new();
                loop {
                    match f.call::<Value>(()).map_err(from_lua)? {
                        Value::Nil => break,
                        Value::String(piece) => {
                            let piece = piece.as_bytes();
                            if piece.is_empty() {
                                break;
                            }
                            source.extend_from_slice(&piece);
                        }
                        _ => {
                            return Ok(MultiValue::from_iter([
                                Value::Nil,
                                Value::String(
                                    lua.create_string("reader function must return a string")?,
                                ),
                            ]));
                        }
                    }
                }
                b.load_text(lua, &source, name)
            })?,
        )?;
        let b = self.clone();
        globals.raw_set(
            "xpcall",
            lua.create_function(move |lua, args: MultiValue| {
                if args.len() < 2 {
                    return Err(arg_error(lua, 2, "value expected"));
                }
                b.xpcall_core
                    .call::<MultiValue>((args[0].clone(), args[1].clone()))
            })?,
        )?;
        let coroutine: Table = globals.raw_get("coroutine")?;
        let b = self.clone();
        coroutine.raw_set(
            "resume",
            lua.create_function(move |lua, args: MultiValue| {
                if !matches!(args.front(), Some(Value::Thread(_))) {
                    return Err(arg_error(lua, 1, "coroutine expected"));
                }
                b.resume_core.call::<MultiValue>(args)
            })?,
        )?;
        let table: Table = globals.raw_get("table")?;
        let b = self.clone();
        table.raw_set(
            "insert",
            lua.create_function(move |lua, args: MultiValue| {
                let t = check_table(lua, &args, 1)?;
                if b.is_proxy(&t)? {
                    return Err(readonly());
                }
                let mut e = t.raw_len() as i64 + 1;
                match args.len() {
                    2 => t.raw_set(e, args[1].clone())?,
                    3 => {
                        let pos = check_integer(lua, &args, 2)?;
                        if pos > e {
                            e = pos;
                        }
                        let mut i = e;
                        while i > pos {
                            t.raw_set(i, t.raw_get::<Value>(i - 1)?)?;
                            i -= 1;
                        }
                        t.raw_set(pos, args[2].clone())?;
                    }
                    _ => return Err(lua_error(lua, "wrong number of arguments to 'insert'")),
                }
                Ok(())
            })?,
        )?;
        let b = self.clone();
        table.raw_set(
            "remove",
            lua.create_function(move |lua, args: MultiValue| {
                let t = check_table(lua, &args, 1)?;
                if b.is_proxy(&t)? {
                    return Err(readonly());
                }
                let e = t.raw_len() as i64;
                let mut pos = match args.get(1) {
                    None | Some(Value::Nil) => e,
                    Some(_) => check_integer(lua, &args, 2)?,
                };
                if e == 0 {
                    return Ok(MultiValue::new());
                }
                let removed: Value = t.raw_get(pos)?;
                while pos < e {
                    t.raw_set(pos, t.raw_get::<Value>(pos + 1)?)?;
                    pos += 1;
                }
                t.raw_set(e, Value::Nil)?;
                Ok(MultiValue::from_iter([removed]))
            })?,
        )?;
        Ok(())
    }

    /// Compiles `source` as Redis's Lua would: a precompiled chunk is
    /// parsed as text (a leading space gives the same error at its first
    /// byte, with the same chunk name and line numbers).
    fn load_text(
        &self,
        lua: &Lua,
        source: &[u8],
        name: mlua::LuaString,
    ) -> mlua::Result<MultiValue> {
        let _ = lua;
        if source.first() == Some(&0x1b) {
            let mut text = Vec::with_capacity(source.len() + 1);
            text.push(b' ');
            text.extend_from_slice(source);
            return self
                .loadstring
                .call((lua.create_string(text)?, name))
                .map_err(from_lua);
        }
        self.loadstring
            .call((lua.create_string(source)?, name))
            .map_err(from_lua)
    }
}

/// `luaL_checktype(L, n, LUA_TTABLE)`.
fn check_table(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<Table> {
    match args.get(n - 1) {
        Some(Value::Table(t)) => Ok(t.clone()),
        other => Err(type_error(lua, n, "table", other)),
    }
}

/// `luaL_checkint`, for positions.
fn check_integer(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<i64> {
    let v = args.get(n - 1);
    match v.and_then(|v| lua.coerce_number(v.clone()).ok().flatten()) {
        Some(x) => Ok(lua_number_to_i64(x) as i32 as i64),
        None => Err(type_error(lua, n, "number", v)),
    }
}

//! Raising Lua errors from Rust functions with the values Redis raises.
//!
//! mlua raises a Rust function's error as a userdata. The sandbox's catch
//! points (its `pcall`, `xpcall`, `coroutine.resume`, and the error handler
//! of a run) hand such a userdata to [`unwrap`], which turns it back into
//! the value Redis's C function would have raised: a string for a
//! `luaL_error`, a `{err=...}` table for a `luaPushError`. So scripts only
//! ever see strings and tables, as in Redis.

use std::fmt;
use std::sync::Arc;

use mlua::{Lua, Value};

/// The value a Rust function raises, carried inside an `mlua::Error`.
#[derive(Debug, Clone)]
pub(crate) enum Raised {
    /// A string, position included (`user_script:1: bad argument ...`).
    Message(Vec<u8>),
    /// A `{err=...}` table whose `err` is the text (`ERR ...`).
    ErrTable(Vec<u8>),
    /// The same for a command's error reply, which Redis's table also
    /// marks `ignore_error_stats_update = true`.
    ErrReply(Vec<u8>),
    /// `SCRIPT KILL` stopped the script.
    Killed,
}

impl fmt::Display for Raised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Raised::Message(m) | Raised::ErrTable(m) | Raised::ErrReply(m) => {
                f.write_str(&String::from_utf8_lossy(m))
            }
            Raised::Killed => f.write_str(KILLED),
        }
    }
}

impl std::error::Error for Raised {}

/// The error of a killed script, as `luaPushError` words it.
pub(crate) const KILLED: &str = "ERR Script killed by user with SCRIPT KILL...";

impl Raised {
    pub(crate) fn into_error(self) -> mlua::Error {
        mlua::Error::ExternalError(Arc::new(self))
    }
}

/// A `{err=...}` table error, as Redis's `luaPushError(lua, text)` builds
/// it (an `ERR` code is added when `text` has none; see [`error_text`]).
pub(crate) fn err_table(text: &[u8]) -> mlua::Error {
    Raised::ErrTable(error_text(text)).into_error()
}

/// Redis's `luaPushErrorBuff`: `-CODE msg` keeps its code, anything else
/// gets `ERR`; CR and LF are trimmed from both ends of the message.
pub(crate) fn error_text(text: &[u8]) -> Vec<u8> {
    let (code, msg): (&[u8], &[u8]) = match text.strip_prefix(b"-") {
        Some(rest) => match rest.iter().position(|&b| b == b' ') {
            Some(sp) => (&rest[..sp], &rest[sp + 1..]),
            None => (b"ERR", rest),
        },
        None => (b"ERR", text),
    };
    let start = msg
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(msg.len());
    let end = msg
        .iter()
        .rposition(|&b| b != b'\r' && b != b'\n')
        .map_or(start, |i| i + 1);
    let mut out = Vec::with_capacity(code.len() + 1 + msg.len());
    out.extend_from_slice(code);
    out.push(b' ');
    out.extend_from_slice(&msg[start..end]);
    out
}

/// `luaL_where(L, level)`: `short_src:line: ` of the function `level`
/// frames up (1 is the caller of the running Rust function), or nothing if
/// it is not a Lua function.
pub(crate) fn where_(lua: &Lua, level: usize) -> Vec<u8> {
    lua.inspect_stack(level, |d| {
        let line = d.current_line()?;
        let src = d.source().short_src?.into_owned();
        Some(format!("{src}:{line}: ").into_bytes())
    })
    .flatten()
    .unwrap_or_default()
}

/// `luaL_error`: the caller's position, then the message, as a string.
pub(crate) fn lua_error(lua: &Lua, msg: impl AsRef<[u8]>) -> mlua::Error {
    let mut text = where_(lua, 1);
    text.extend_from_slice(msg.as_ref());
    Raised::Message(text).into_error()
}

/// `luaL_argerror`: `bad argument #n to 'name' (extra)`, named as the
/// caller named the function, as Lua 5.1 does.
pub(crate) fn arg_error(lua: &Lua, narg: usize, extra: &str) -> mlua::Error {
    let (name, method) = lua
        .inspect_stack(0, |d| {
            let names = d.names();
            (
                names.name.map(|n| n.into_owned()),
                names.name_what == Some("method"),
            )
        })
        .unwrap_or((None, false));
    let mut narg = narg;
    if method {
        narg -= 1;
        if narg == 0 {
            let name = name.unwrap_or_else(|| "?".to_owned());
            return lua_error(lua, format!("calling '{name}' on bad self ({extra})"));
        }
    }
    let name = name.unwrap_or_else(|| "?".to_owned());
    lua_error(lua, format!("bad argument #{narg} to '{name}' ({extra})"))
}

/// `luaL_typerror`: `bad argument #n to 'f' (number expected, got nil)`.
pub(crate) fn type_error(
    lua: &Lua,
    narg: usize,
    expected: &str,
    got: Option<&Value>,
) -> mlua::Error {
    let got = got.map_or("no value", lua_type_name);
    arg_error(lua, narg, &format!("{expected} expected, got {got}"))
}

/// A value's type as Lua 5.1's `type` names it (mlua tells integers and
/// error userdata apart; Lua does not).
pub(crate) fn lua_type_name(v: &Value) -> &'static str {
    match v {
        Value::Integer(_) | Value::Number(_) => "number",
        Value::LightUserData(_) | Value::UserData(_) | Value::Error(_) => "userdata",
        other => other.type_name(),
    }
}

/// Finds the [`Raised`] inside an error mlua may have wrapped.
pub(crate) fn find_raised(err: &mlua::Error) -> Option<&Raised> {
    match err {
        mlua::Error::ExternalError(e) => e.downcast_ref::<Raised>(),
        mlua::Error::CallbackError { cause, .. } => find_raised(cause),
        mlua::Error::WithContext { cause, .. } => find_raised(cause),
        _ => None,
    }
}

/// Whether `err` is the Lua allocator refusing memory.
pub(crate) fn is_memory_error(err: &mlua::Error) -> bool {
    match err {
        mlua::Error::MemoryError(_) => true,
        mlua::Error::CallbackError { cause, .. } | mlua::Error::WithContext { cause, .. } => {
            is_memory_error(cause)
        }
        _ => false,
    }
}

/// The Lua value an error userdata stands for: what Redis would have
/// raised. Other errors become their message.
pub(crate) fn unwrap(lua: &Lua, v: Value) -> mlua::Result<Value> {
    let Value::Error(err) = v else {
        return Ok(v);
    };
    match find_raised(&err) {
        Some(Raised::Message(m)) => Ok(Value::String(lua.create_string(m)?)),
        Some(Raised::ErrTable(m)) => {
            let t = lua.create_table()?;
            t.raw_set("err", lua.create_string(m)?)?;
            Ok(Value::Table(t))
        }
        Some(Raised::ErrReply(m)) => {
            let t = lua.create_table()?;
            t.raw_set("err", lua.create_string(m)?)?;
            t.raw_set("ignore_error_stats_update", true)?;
            Ok(Value::Table(t))
        }
        Some(Raised::Killed) => {
            let t = lua.create_table()?;
            t.raw_set("err", KILLED)?;
            Ok(Value::Table(t))
        }
        None if is_memory_error(&err) => Ok(Value::String(lua.create_string("not enough memory")?)),
        None => Ok(Value::String(lua.create_string(err.to_string())?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Error texts get Redis's code rules: a leading `-` keeps its code, else `ERR`.
    #[test]
    fn error_text_like_redis() {
        // Checked against redis-server 7.0.15 through redis.error_reply:
        // 'My Error' and '-My Error' both give "My Error", '-NOSPACE' gives
        // "ERR NOSPACE", '' gives "ERR ".
        assert_eq!(error_text(b"-My Error"), b"My Error");
        assert_eq!(error_text(b"-NOSPACE"), b"ERR NOSPACE");
        assert_eq!(error_text(b"-"), b"ERR ");
        assert_eq!(error_text(b"plain words"), b"ERR plain words");
        assert_eq!(
            error_text(b"-WRONGTYPE Operation\r\n"),
            b"WRONGTYPE Operation"
        );
    }
}

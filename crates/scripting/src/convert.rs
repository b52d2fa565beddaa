//! The conversions between RESP and Lua values, as Redis 7.0's
//! `script_lua.c` makes them.
//!
//! - [`reply_to_lua`]: a command's reply (RESP2 or RESP3, as the script
//!   chose with `redis.setresp`) to the value `redis.call` returns.
//! - [`lua_to_reply`]: the script's return value to the reply the client
//!   gets, in the client's protocol.
//! - [`arg_bytes`]: a `redis.call` argument to the bytes of a command
//!   argument.

use bytes::Bytes;
use mlua::{Lua, Table, Value};
use sharedkv_resp::Frame;

use crate::fmt::{lua_number_to_i64, push_g};
use crate::raise::error_text;

/// A command's reply as the Lua value Redis 7.0 makes of it.
///
/// RESP2: integer → number, bulk → string, null bulk and null array →
/// `false`, array → table, status → `{ok=...}`, error → `{err=...}`.
/// RESP3 adds: null → `nil`, boolean → boolean, double → `{double=n}`, big
/// number → `{big_number=s}`, verbatim → `{verbatim_string={format=,
/// string=}}`, map → `{map={k=v}}`, set → `{set={k=true}}`; attributes are
/// dropped.
pub(crate) fn reply_to_lua(lua: &Lua, frame: Frame) -> mlua::Result<Value> {
    Ok(match frame {
        Frame::Simple(s) => {
            let t = lua.create_table_with_capacity(0, 1)?;
            t.raw_set("ok", lua.create_string(&s)?)?;
            Value::Table(t)
        }
        Frame::Error(e) | Frame::BlobError(e) => {
            let mut text = Vec::with_capacity(e.len() + 1);
            text.push(b'-');
            text.extend_from_slice(&e);
            let t = error_table(lua, &error_text(&text))?;
            if let Value::Table(t) = &t {
                // As Redis marks a command's error, for its error statistics.
                t.raw_set("ignore_error_stats_update", true)?;
            }
            t
        }
        Frame::Integer(n) => Value::Number(n as f64),
        Frame::Bulk(b) => Value::String(lua.create_string(&b)?),
        Frame::Null | Frame::NullArray => Value::Boolean(false),
        Frame::Nil => Value::Nil,
        Frame::Boolean(b) => Value::Boolean(b),
        Frame::Array(items) | Frame::Push(items) => {
            let t = lua.create_table_with_capacity(items.len(), 0)?;
            for (i, item) in items.into_iter().enumerate() {
                t.raw_set(i + 1, reply_to_lua(lua, item)?)?;
            }
            Value::Table(t)
        }
        Frame::Double(text) => {
            let d: f64 = std::str::from_utf8(&text)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0.0);
            let t = lua.create_table_with_capacity(0, 1)?;
            t.raw_set("double", d)?;
            Value::Table(t)
        }
        Frame::BigNumber(digits) => {
            let t = lua.create_table_with_capacity(0, 1)?;
            t.raw_set("big_number", lua.create_string(&digits)?)?;
            Value::Table(t)
        }
        Frame::Verbatim { format, text } => {
            let inner = lua.create_table_with_capacity(0, 2)?;
            inner.raw_set("string", lua.create_string(&text)?)?;
            inner.raw_set("format", lua.create_string(format)?)?;
            let t = lua.create_table_with_capacity(0, 1)?;
            t.raw_set("verbatim_string", inner)?;
            Value::Table(t)
        }
        Frame::Map(pairs) => {
            let inner = lua.create_table_with_capacity(0, pairs.len())?;
            for (k, v) in pairs {
                let k = reply_to_lua(lua, k)?;
                let v = reply_to_lua(lua, v)?;
                // A nil key (RESP3 null) cannot index a table; Redis's
                // lua_settable would raise there, we skip the pair.
                if !k.is_nil() {
                    inner.raw_set(k, v)?;
                }
            }
            let t = lua.create_table_with_capacity(0, 1)?;
            t.raw_set("map", inner)?;
            Value::Table(t)
        }
        Frame::Set(items) => {
            let inner = lua.create_table_with_capacity(0, items.len())?;
            for item in items {
                let k = reply_to_lua(lua, item)?;
                if !k.is_nil() {
                    inner.raw_set(k, true)?;
                }
            }
            let t = lua.create_table_with_capacity(0, 1)?;
            t.raw_set("set", inner)?;
            Value::Table(t)
        }
        Frame::Attribute { value, .. } => reply_to_lua(lua, *value)?,
    })
}

/// `{err=text}`.
pub(crate) fn error_table(lua: &Lua, text: &[u8]) -> mlua::Result<Value> {
    let t = lua.create_table_with_capacity(0, 1)?;
    t.raw_set("err", lua.create_string(text)?)?;
    Ok(Value::Table(t))
}

/// A `redis.call` argument: strings as they are, numbers as `%.17g`
/// (Redis does not use Lua's `%.14g`, which loses precision). Anything
/// else is refused.
pub(crate) fn arg_bytes(v: &Value) -> Option<Bytes> {
    match v {
        Value::String(s) => Some(Bytes::copy_from_slice(&s.as_bytes())),
        Value::Number(n) => Some(Bytes::from(crate::fmt::g(*n, 17))),
        Value::Integer(n) => Some(Bytes::from(crate::fmt::g(*n as f64, 17))),
        _ => None,
    }
}

/// Redis's Lua stack limit (`LUAI_MAXCSTACK`): converting a reply stops
/// where its `lua_checkstack(lua, 4)` would fail.
const MAX_STACK: usize = 8000;
/// The stack slots in use when the return value is converted: the error
/// handler and the value.
const ROOT_TOP: usize = 2;

/// Writes the script's return value as the client's reply, in RESP3 if
/// `client_resp3`. `script_resp3` is the script's `redis.setresp` choice:
/// it decides how booleans are written (RESP2 scripts: `true` is `:1` and
/// `false` is a null; RESP3 scripts: booleans).
///
/// Tables: `{err=}` → error, `{ok=}` → status, `{double=}`,
/// `{big_number=}`, `{verbatim_string=}`, `{map=}`, `{set=}` (RESP2
/// clients get a bulk string, a bulk string, a bulk string, a flat array and
/// an array), anything else → an array of `t[1]`, `t[2]`, ... up to the
/// first nil. Numbers are truncated to integers. `nil`, functions and the
/// rest → null.
///
/// Iterative, so a table that contains itself cannot overflow the Rust
/// stack: it ends, as in Redis, with `-ERR reached lua stack limit` where
/// Redis's Lua stack would be full.
pub(crate) fn lua_to_reply(
    value: Value,
    client_resp3: bool,
    script_resp3: bool,
    out: &mut Vec<u8>,
) -> mlua::Result<()> {
    // (value, Lua stack slots Redis would be using when converting it)
    let mut work: Vec<(Value, usize)> = vec![(value, ROOT_TOP)];
    while let Some((value, top)) = work.pop() {
        if top + 4 > MAX_STACK {
            out.extend_from_slice(b"-ERR reached lua stack limit\r\n");
            continue;
        }
        match value {
            Value::String(s) => push_bulk(out, &s.as_bytes()),
            Value::Boolean(b) => {
                if !script_resp3 {
                    if b {
                        out.extend_from_slice(b":1\r\n");
                    } else {
                        push_null(out, client_resp3);
                    }
                } else if client_resp3 {
                    out.extend_from_slice(if b { b"#t\r\n" } else { b"#f\r\n" });
                } else {
                    out.extend_from_slice(if b { b":1\r\n" } else { b":0\r\n" });
                }
            }
            Value::Number(n) => push_int(out, lua_number_to_i64(n)),
            Value::Integer(n) => push_int(out, n),
            Value::Table(t) => table_to_reply(t, top, client_resp3, out, &mut work)?,
            _ => push_null(out, client_resp3),
        }
    }
    Ok(())
}

fn table_to_reply(
    t: Table,
    top: usize,
    resp3: bool,
    out: &mut Vec<u8>,
    work: &mut Vec<(Value, usize)>,
) -> mlua::Result<()> {
    // Redis reads both as C strings: they end at a NUL byte.
    let until_nul = |b: &[u8]| b.split(|&c| c == 0).next().unwrap_or_default().to_vec();
    if let Value::String(e) = t.raw_get::<Value>("err")? {
        out.push(b'-');
        push_line(out, &until_nul(&e.as_bytes()));
        return Ok(());
    }
    if let Value::String(s) = t.raw_get::<Value>("ok")? {
        out.push(b'+');
        push_line(out, &s.as_bytes());
        return Ok(());
    }
    match t.raw_get::<Value>("double")? {
        Value::Number(d) => {
            push_double(out, d, resp3);
            return Ok(());
        }
        Value::Integer(d) => {
            push_double(out, d as f64, resp3);
            return Ok(());
        }
        _ => {}
    }
    if let Value::String(s) = t.raw_get::<Value>("big_number")? {
        let mut digits = s.as_bytes().to_vec();
        for b in &mut digits {
            if *b == b'\r' || *b == b'\n' {
                *b = b' ';
            }
        }
        if resp3 {
            out.push(b'(');
            out.extend_from_slice(&digits);
            out.extend_from_slice(b"\r\n");
        } else {
            push_bulk(out, &digits);
        }
        return Ok(());
    }
    if let Value::Table(v) = t.raw_get::<Value>("verbatim_string")?
        && let Value::String(format) = v.raw_get::<Value>("format")?
        && let Value::String(text) = v.raw_get::<Value>("string")?
    {
        let text = text.as_bytes();
        if resp3 {
            let mut fmt = [b' '; 3];
            for (to, from) in fmt.iter_mut().zip(format.as_bytes().iter()) {
                *to = *from;
            }
            push_header(out, b'=', text.len() + 4);
            out.extend_from_slice(&fmt);
            out.push(b':');
            out.extend_from_slice(&text);
            out.extend_from_slice(b"\r\n");
        } else {
            push_bulk(out, &text);
        }
        return Ok(());
    }
    if let Value::Table(map) = t.raw_get::<Value>("map")? {
        let pairs: Vec<(Value, Value)> =
            map.pairs::<Value, Value>().collect::<mlua::Result<_>>()?;
        if resp3 {
            push_header(out, b'%', pairs.len());
        } else {
            push_header(out, b'*', pairs.len() * 2);
        }
        for (k, v) in pairs.into_iter().rev() {
            work.push((v, top + 3));
            work.push((k, top + 4));
        }
        return Ok(());
    }
    if let Value::Table(set) = t.raw_get::<Value>("set")? {
        let members: Vec<Value> = set
            .pairs::<Value, Value>()
            .map(|kv| kv.map(|(k, _)| k))
            .collect::<mlua::Result<_>>()?;
        push_header(out, if resp3 { b'~' } else { b'*' }, members.len());
        for m in members.into_iter().rev() {
            work.push((m, top + 3));
        }
        return Ok(());
    }
    let mut items = Vec::new();
    loop {
        let v: Value = t.raw_get(items.len() + 1)?;
        if v.is_nil() {
            break;
        }
        items.push(v);
    }
    push_header(out, b'*', items.len());
    for v in items.into_iter().rev() {
        work.push((v, top + 1));
    }
    Ok(())
}

pub(crate) fn push_bulk(out: &mut Vec<u8>, b: &[u8]) {
    push_header(out, b'$', b.len());
    out.extend_from_slice(b);
    out.extend_from_slice(b"\r\n");
}

pub(crate) fn push_header(out: &mut Vec<u8>, kind: u8, n: usize) {
    out.push(kind);
    out.extend_from_slice(n.to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
}

pub(crate) fn push_int(out: &mut Vec<u8>, n: i64) {
    out.push(b':');
    out.extend_from_slice(n.to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
}

pub(crate) fn push_null(out: &mut Vec<u8>, resp3: bool) {
    out.extend_from_slice(if resp3 { b"_\r\n" } else { b"$-1\r\n" });
}

/// A double as Redis 7.0's `addReplyDouble`: `%.17g`, a bulk string in
/// RESP2, `,` in RESP3.
fn push_double(out: &mut Vec<u8>, d: f64, resp3: bool) {
    let mut text = Vec::with_capacity(24);
    push_g(&mut text, d, 17);
    if resp3 {
        out.push(b',');
        out.extend_from_slice(&text);
        out.extend_from_slice(b"\r\n");
    } else {
        push_bulk(out, &text);
    }
}

/// The rest of a status or error line: CR and LF become spaces, as Redis
/// does so that the reply stays one line.
pub(crate) fn push_line(out: &mut Vec<u8>, text: &[u8]) {
    out.extend(
        text.iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
    out.extend_from_slice(b"\r\n");
}

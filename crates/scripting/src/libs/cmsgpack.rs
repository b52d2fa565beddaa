//! `cmsgpack`: lua-cmsgpack 0.4.0 as Redis 7.0 bundles it: `pack`,
//! `unpack`, `unpack_one` and `unpack_limit`, with its encodings (the
//! smallest integer form, `float` when a double survives it, tables nested
//! past 16 levels packed as nil) and its error texts.

use mlua::{Lua, MultiValue, Table, Value};

use crate::raise::{Raised, arg_error, lua_error, type_error};

/// Tables nested deeper than this pack as nil, so that a table that holds
/// itself still packs.
const MAX_NESTING: usize = 16;

/// The `cmsgpack` table.
pub(crate) fn library(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.raw_set("_NAME", "cmsgpack")?;
    t.raw_set("_VERSION", "lua-cmsgpack 0.4.0")?;
    t.raw_set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    t.raw_set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    t.raw_set(
        "pack",
        lua.create_function(|lua, args: MultiValue| {
            if args.is_empty() {
                return Err(arg_error(lua, 0, "MessagePack pack needs input."));
            }
            let mut out = Vec::new();
            for v in args.iter() {
                encode(v, 0, &mut out)?;
            }
            lua.create_string(out)
        })?,
    )?;
    t.raw_set(
        "unpack",
        lua.create_function(|lua, args: MultiValue| {
            let s = check_string(lua, &args, 1)?;
            unpack(lua, &s, 0, 0)
        })?,
    )?;
    t.raw_set(
        "unpack_one",
        lua.create_function(|lua, args: MultiValue| {
            let s = check_string(lua, &args, 1)?;
            let offset = opt_integer(lua, &args, 2)?;
            unpack(lua, &s, 1, offset)
        })?,
    )?;
    t.raw_set(
        "unpack_limit",
        lua.create_function(|lua, args: MultiValue| {
            let s = check_string(lua, &args, 1)?;
            let limit = match args.get(1) {
                Some(v) => match lua.coerce_number(v.clone())? {
                    Some(n) => crate::fmt::lua_number_to_i64(n),
                    None => return Err(type_error(lua, 2, "number", Some(v))),
                },
                None => return Err(type_error(lua, 2, "number", None)),
            };
            let offset = opt_integer(lua, &args, 3)?;
            unpack(lua, &s, limit, offset)
        })?,
    )?;
    Ok(t)
}

fn check_string(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<Vec<u8>> {
    match args.get(n - 1) {
        Some(v @ (Value::String(_) | Value::Number(_) | Value::Integer(_))) => Ok(lua
            .coerce_string(v.clone())?
            .map(|s| s.as_bytes().to_vec())
            .unwrap_or_default()),
        other => Err(type_error(lua, n, "string", other)),
    }
}

fn opt_integer(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<i64> {
    match args.get(n - 1) {
        None | Some(Value::Nil) => Ok(0),
        Some(v) => match lua.coerce_number(v.clone())? {
            Some(x) => Ok(crate::fmt::lua_number_to_i64(x)),
            None => Err(type_error(lua, n, "number", Some(v))),
        },
    }
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Integer(n) => Some(*n as f64),
        _ => None,
    }
}

fn encode(v: &Value, level: usize, out: &mut Vec<u8>) -> mlua::Result<()> {
    match v {
        Value::String(s) => {
            let s = s.as_bytes();
            let len = s.len();
            if len < 32 {
                out.push(0xa0 | len as u8);
            } else if len <= 0xff {
                out.extend_from_slice(&[0xd9, len as u8]);
            } else if len <= 0xffff {
                out.push(0xda);
                out.extend_from_slice(&(len as u16).to_be_bytes());
            } else {
                out.push(0xdb);
                out.extend_from_slice(&(len as u32).to_be_bytes());
            }
            out.extend_from_slice(&s);
        }
        Value::Boolean(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Number(_) | Value::Integer(_) => {
            let n = number_of(v).unwrap_or(0.0);
            let i = crate::fmt::lua_number_to_i64(n);
            if !n.is_infinite() && i as f64 == n {
                encode_int(i, out);
            } else {
                let f = n as f32;
                if f as f64 == n {
                    out.push(0xca);
                    out.extend_from_slice(&f.to_be_bytes());
                } else {
                    out.push(0xcb);
                    out.extend_from_slice(&n.to_be_bytes());
                }
            }
        }
        Value::Table(t) if level < MAX_NESTING => {
            if is_array(t)? {
                let len = t.raw_len();
                header(out, len, 0x90, 0xdc, 0xdd);
                for i in 1..=len {
                    encode(&t.raw_get::<Value>(i)?, level + 1, out)?;
                }
            } else {
                let pairs: Vec<(Value, Value)> =
                    t.pairs::<Value, Value>().collect::<mlua::Result<_>>()?;
                header(out, pairs.len(), 0x80, 0xde, 0xdf);
                for (k, value) in pairs {
                    encode(&k, level + 1, out)?;
                    encode(&value, level + 1, out)?;
                }
            }
        }
        _ => out.push(0xc0),
    }
    Ok(())
}

/// A fixarray/fixmap header, or its 16- or 32-bit form.
fn header(out: &mut Vec<u8>, len: usize, fix: u8, b16: u8, b32: u8) {
    if len <= 15 {
        out.push(fix | len as u8);
    } else if len <= 0xffff {
        out.push(b16);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(b32);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

/// `table_is_an_array`: every key a positive number that fits an `int`,
/// and as many keys as the largest.
fn is_array(t: &Table) -> mlua::Result<bool> {
    let (mut count, mut max) = (0f64, 0f64);
    for pair in t.pairs::<Value, Value>() {
        let (k, _) = pair?;
        let Some(n) = number_of(&k) else {
            return Ok(false);
        };
        if n <= 0.0 || (n as i32) as f64 != n {
            return Ok(false);
        }
        max = f64::max(max, n);
        count += 1.0;
    }
    Ok(max == count)
}

fn encode_int(n: i64, out: &mut Vec<u8>) {
    if n >= 0 {
        if n <= 127 {
            out.push(n as u8);
        } else if n <= 0xff {
            out.extend_from_slice(&[0xcc, n as u8]);
        } else if n <= 0xffff {
            out.push(0xcd);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            out.push(0xce);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            out.push(0xcf);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    } else if n >= -32 {
        out.push(n as i8 as u8);
    } else if n >= -128 {
        out.extend_from_slice(&[0xd0, n as i8 as u8]);
    } else if n >= -32768 {
        out.push(0xd1);
        out.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= -2_147_483_648 {
        out.push(0xd2);
        out.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// Why decoding stopped.
enum Stop {
    /// `Missing bytes in input.`
    Eof,
    /// `Bad data format in input.`
    BadFormat,
    Lua(mlua::Error),
}

impl From<mlua::Error> for Stop {
    fn from(e: mlua::Error) -> Self {
        Stop::Lua(e)
    }
}

/// `mp_unpack_full`: up to `limit` values (all if `limit` and `offset` are
/// both 0) from `offset`; with a limit, the offset to continue from (-1 at
/// the end) comes first.
fn unpack(lua: &Lua, s: &[u8], limit: i64, offset: i64) -> mlua::Result<MultiValue> {
    let decode_all = limit == 0 && offset == 0;
    if offset < 0 || limit < 0 {
        return Err(lua_error(
            lua,
            format!(
                "Invalid request to unpack with offset of {offset} and limit of {}.",
                s.len()
            ),
        ));
    }
    if offset as u64 > s.len() as u64 {
        return Err(lua_error(
            lua,
            format!(
                "Start offset {offset} greater than input length {}.",
                s.len()
            ),
        ));
    }
    let limit = if decode_all { i64::MAX } else { limit };
    let mut cur = Cursor {
        data: s,
        pos: offset as usize,
    };
    let mut values = MultiValue::new();
    let mut count = 0;
    while cur.pos < s.len() && count < limit {
        match decode(lua, &mut cur) {
            Ok(v) => values.push_back(v),
            Err(Stop::Eof) => return Err(lua_error(lua, "Missing bytes in input.")),
            Err(Stop::BadFormat) => return Err(lua_error(lua, "Bad data format in input.")),
            Err(Stop::Lua(e)) => return Err(e),
        }
        count += 1;
    }
    if !decode_all {
        let next = if cur.pos >= s.len() {
            -1
        } else {
            cur.pos as i64
        };
        values.push_front(Value::Integer(next as _));
    }
    Ok(values)
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Stop> {
        let end = self.pos.checked_add(n).ok_or(Stop::Eof)?;
        let bytes = self.data.get(self.pos..end).ok_or(Stop::Eof)?;
        self.pos = end;
        Ok(bytes)
    }

    fn be(&mut self, n: usize) -> Result<u64, Stop> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &b| acc << 8 | b as u64))
    }
}

/// One value. Iterative: containers being filled wait on a stack, so a
/// deep nesting costs memory (bounded by the VM's limit), not stack.
fn decode(lua: &Lua, cur: &mut Cursor<'_>) -> Result<Value, Stop> {
    enum Open {
        Array {
            t: Table,
            len: u64,
            next: u64,
        },
        Map {
            t: Table,
            left: u64,
            key: Option<Value>,
        },
    }
    let mut open: Vec<Open> = Vec::new();
    loop {
        let byte = cur.take(1)?[0];
        let container = match byte {
            0x90..=0x9f => Some((false, (byte & 0x0f) as u64)),
            0xdc => Some((false, cur.be(2)?)),
            0xdd => Some((false, cur.be(4)?)),
            0x80..=0x8f => Some((true, (byte & 0x0f) as u64)),
            0xde => Some((true, cur.be(2)?)),
            0xdf => Some((true, cur.be(4)?)),
            _ => None,
        };
        let mut value = match container {
            Some((is_map, len)) => {
                let t = lua.create_table()?;
                if len == 0 {
                    Value::Table(t)
                } else {
                    open.push(if is_map {
                        Open::Map {
                            t,
                            left: len,
                            key: None,
                        }
                    } else {
                        Open::Array { t, len, next: 1 }
                    });
                    continue;
                }
            }
            None => scalar(lua, cur, byte)?,
        };
        loop {
            match open.last_mut() {
                None => return Ok(value),
                Some(Open::Array { t, len, next }) => {
                    t.raw_set(*next, value)?;
                    *next += 1;
                    if *next <= *len {
                        break;
                    }
                }
                Some(Open::Map { t, left, key }) => {
                    let Some(k) = key.take() else {
                        *key = Some(value);
                        break;
                    };
                    match &k {
                        Value::Nil => {
                            return Err(Stop::Lua(
                                Raised::Message(b"table index is nil".to_vec()).into_error(),
                            ));
                        }
                        Value::Number(n) if n.is_nan() => {
                            return Err(Stop::Lua(
                                Raised::Message(b"table index is NaN".to_vec()).into_error(),
                            ));
                        }
                        _ => t.raw_set(k, value)?,
                    }
                    *left -= 1;
                    if *left > 0 {
                        break;
                    }
                }
            }
            value = match open.pop() {
                Some(Open::Array { t, .. } | Open::Map { t, .. }) => Value::Table(t),
                None => Value::Nil,
            };
        }
    }
}

fn scalar(lua: &Lua, cur: &mut Cursor<'_>, byte: u8) -> Result<Value, Stop> {
    let number = |n: f64| Ok(Value::Number(n));
    match byte {
        0x00..=0x7f => number(byte as f64),
        0xe0..=0xff => number(byte as i8 as f64),
        0xcc => number(cur.be(1)? as f64),
        0xcd => number(cur.be(2)? as f64),
        0xce => number(cur.be(4)? as f64),
        // lua-cmsgpack reads a uint 64 into a signed integer.
        0xcf => number(cur.be(8)? as i64 as f64),
        0xd0 => number(cur.be(1)? as u8 as i8 as f64),
        0xd1 => number(cur.be(2)? as u16 as i16 as f64),
        0xd2 => number(cur.be(4)? as u32 as i32 as f64),
        0xd3 => number(cur.be(8)? as i64 as f64),
        0xc0 => Ok(Value::Nil),
        0xc2 => Ok(Value::Boolean(false)),
        0xc3 => Ok(Value::Boolean(true)),
        0xca => number(f32::from_bits(cur.be(4)? as u32) as f64),
        0xcb => number(f64::from_bits(cur.be(8)?)),
        0xa0..=0xbf => string(lua, cur, (byte & 0x1f) as usize),
        0xd9 => {
            let n = cur.be(1)? as usize;
            string(lua, cur, n)
        }
        0xda => {
            let n = cur.be(2)? as usize;
            string(lua, cur, n)
        }
        0xdb => {
            let n = cur.be(4)? as usize;
            string(lua, cur, n)
        }
        _ => Err(Stop::BadFormat),
    }
}

fn string(lua: &Lua, cur: &mut Cursor<'_>, n: usize) -> Result<Value, Stop> {
    let bytes = cur.take(n)?;
    Ok(Value::String(lua.create_string(bytes)?))
}

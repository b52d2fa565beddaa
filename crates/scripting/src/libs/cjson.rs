//! `cjson`: Lua CJSON 2.1.0 as Redis 7.0 bundles it, with its defaults
//! (`decode_invalid_numbers` on, 14-digit numbers, sparse arrays up to a
//! ratio of 2 past 10 elements, 1000 levels of nesting) and its error texts.
//!
//! One difference: Redis keeps the `encode_*` / `decode_*` settings a script
//! changes for every later script; here they go back to the defaults before
//! each run, so one script cannot change how another encodes.

use std::sync::{Arc, Mutex};

use mlua::{LightUserData, Lua, MultiValue, Table, Value};

use crate::fmt::push_g;
use crate::raise::{arg_error, lua_error, lua_type_name, type_error};

/// The settings of one `cjson` table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Config {
    sparse_convert: bool,
    sparse_ratio: i64,
    sparse_safe: i64,
    encode_max_depth: i64,
    decode_max_depth: i64,
    precision: i64,
    keep_buffer: bool,
    /// 0 off, 1 on, 2 "null".
    encode_invalid: i64,
    decode_invalid: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sparse_convert: false,
            sparse_ratio: 2,
            sparse_safe: 10,
            encode_max_depth: 1000,
            decode_max_depth: 1000,
            precision: 14,
            keep_buffer: true,
            encode_invalid: 0,
            decode_invalid: true,
        }
    }
}

/// The handle a VM keeps to put the settings back before each run.
pub(crate) type Shared = Arc<Mutex<Config>>;

fn get(cfg: &Shared) -> Config {
    cfg.lock().map(|c| *c).unwrap_or_default()
}

fn set(cfg: &Shared, f: impl FnOnce(&mut Config)) {
    if let Ok(mut c) = cfg.lock() {
        f(&mut c);
    }
}

/// `cjson.null`: a light userdata holding NULL, as in CJSON.
fn null() -> Value {
    Value::LightUserData(LightUserData(std::ptr::null_mut()))
}

/// The `cjson` table, and the handle to its settings.
pub(crate) fn library(lua: &Lua) -> mlua::Result<(Table, Shared)> {
    let cfg: Shared = Arc::new(Mutex::new(Config::default()));
    Ok((make(lua, cfg.clone())?, cfg))
}

fn make(lua: &Lua, cfg: Shared) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.raw_set("_NAME", "cjson")?;
    t.raw_set("_VERSION", "2.1.0")?;
    t.raw_set("null", null())?;
    let c = cfg.clone();
    t.raw_set(
        "encode",
        lua.create_function(move |lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(arg_error(lua, 1, "expected 1 argument"));
            }
            let cfg = get(&c);
            let mut out = Vec::new();
            encode_value(lua, &cfg, &args[0], 0, &mut out)?;
            lua.create_string(out)
        })?,
    )?;
    let c = cfg.clone();
    t.raw_set(
        "decode",
        lua.create_function(move |lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(arg_error(lua, 1, "expected 1 argument"));
            }
            let text = match &args[0] {
                v @ (Value::String(_) | Value::Number(_) | Value::Integer(_)) => lua
                    .coerce_string(v.clone())?
                    .map(|s| s.as_bytes().to_vec())
                    .unwrap_or_default(),
                other => return Err(type_error(lua, 1, "string", Some(other))),
            };
            if text.len() >= 2 && (text[0] == 0 || text[1] == 0) {
                return Err(lua_error(
                    lua,
                    "JSON parser does not support UTF-16 or UTF-32",
                ));
            }
            let cfg = get(&c);
            let mut p = Parser {
                lua,
                cfg: &cfg,
                data: &text,
                pos: 0,
                depth: 0,
            };
            let token = p.next_token();
            let value = p.value(token)?;
            let token = p.next_token();
            if !matches!(token.kind, Kind::End) {
                return Err(p.parse_error("the end", &token));
            }
            Ok(value)
        })?,
    )?;
    let c = cfg.clone();
    t.raw_set(
        "encode_sparse_array",
        lua.create_function(move |lua, args: MultiValue| {
            check_arg_count(lua, &args, 3)?;
            let mut cfg = get(&c);
            let convert = bool_option(lua, &args, 1, cfg.sparse_convert)?;
            let ratio = integer_option(lua, &args, 2, cfg.sparse_ratio, 0, i32::MAX as i64)?;
            let safe = integer_option(lua, &args, 3, cfg.sparse_safe, 0, i32::MAX as i64)?;
            (cfg.sparse_convert, cfg.sparse_ratio, cfg.sparse_safe) = (convert, ratio, safe);
            set(&c, |s| *s = cfg);
            Ok((convert, ratio, safe))
        })?,
    )?;
    type Field = fn(&mut Config) -> &mut i64;
    for (name, field, min, max) in [
        (
            "encode_max_depth",
            (|c| &mut c.encode_max_depth) as Field,
            1,
            i32::MAX as i64,
        ),
        (
            "decode_max_depth",
            |c| &mut c.decode_max_depth,
            1,
            i32::MAX as i64,
        ),
        ("encode_number_precision", |c| &mut c.precision, 1, 14),
    ] {
        let c = cfg.clone();
        t.raw_set(
            name,
            lua.create_function(move |lua, args: MultiValue| {
                check_arg_count(lua, &args, 1)?;
                let mut cfg = get(&c);
                let v = integer_option(lua, &args, 1, *field(&mut cfg), min, max)?;
                *field(&mut cfg) = v;
                set(&c, |s| *s = cfg);
                Ok(v)
            })?,
        )?;
    }
    let c = cfg.clone();
    t.raw_set(
        "encode_keep_buffer",
        lua.create_function(move |lua, args: MultiValue| {
            check_arg_count(lua, &args, 1)?;
            let mut cfg = get(&c);
            cfg.keep_buffer = bool_option(lua, &args, 1, cfg.keep_buffer)?;
            set(&c, |s| *s = cfg);
            Ok(cfg.keep_buffer)
        })?,
    )?;
    let c = cfg.clone();
    t.raw_set(
        "decode_invalid_numbers",
        lua.create_function(move |lua, args: MultiValue| {
            check_arg_count(lua, &args, 1)?;
            let mut cfg = get(&c);
            cfg.decode_invalid = bool_option(lua, &args, 1, cfg.decode_invalid)?;
            set(&c, |s| *s = cfg);
            Ok(cfg.decode_invalid)
        })?,
    )?;
    let c = cfg.clone();
    t.raw_set(
        "encode_invalid_numbers",
        lua.create_function(move |lua, args: MultiValue| {
            check_arg_count(lua, &args, 1)?;
            let mut cfg = get(&c);
            match args.front() {
                None | Some(Value::Nil) => {}
                Some(Value::Boolean(b)) => cfg.encode_invalid = i64::from(*b),
                Some(v) => {
                    let s = lua.coerce_string(v.clone())?.map(|s| s.as_bytes().to_vec());
                    cfg.encode_invalid = match s.as_deref() {
                        Some(b"off") => 0,
                        Some(b"on") => 1,
                        Some(b"null") => 2,
                        Some(other) => {
                            let name = String::from_utf8_lossy(other).into_owned();
                            return Err(arg_error(lua, 1, &format!("invalid option '{name}'")));
                        }
                        None => return Err(type_error(lua, 1, "string", Some(v))),
                    };
                }
            }
            set(&c, |s| *s = cfg);
            Ok(match cfg.encode_invalid {
                0 => Value::Boolean(false),
                1 => Value::Boolean(true),
                _ => Value::String(lua.create_string("null")?),
            })
        })?,
    )?;
    t.raw_set(
        "new",
        lua.create_function(|lua, ()| make(lua, Arc::new(Mutex::new(Config::default()))))?,
    )?;
    Ok(t)
}

/// Puts a VM's settings back to the defaults.
pub(crate) fn reset(cfg: &Shared) {
    set(cfg, |c| *c = Config::default());
}

/// `json_arg_init`: at most `max` arguments.
fn check_arg_count(lua: &Lua, args: &MultiValue, max: usize) -> mlua::Result<()> {
    if args.len() > max {
        return Err(arg_error(lua, max + 1, "found too many arguments"));
    }
    Ok(())
}

/// `json_enum_option` for on/off settings.
fn bool_option(lua: &Lua, args: &MultiValue, n: usize, current: bool) -> mlua::Result<bool> {
    match args.get(n - 1) {
        None | Some(Value::Nil) => Ok(current),
        Some(Value::Boolean(b)) => Ok(*b),
        Some(v) => match lua
            .coerce_string(v.clone())?
            .map(|s| s.as_bytes().to_vec())
            .as_deref()
        {
            Some(b"off") => Ok(false),
            Some(b"on") => Ok(true),
            Some(other) => {
                let name = String::from_utf8_lossy(other).into_owned();
                Err(arg_error(lua, n, &format!("invalid option '{name}'")))
            }
            None => Err(type_error(lua, n, "string", Some(v))),
        },
    }
}

/// `json_integer_option` (its range error names argument 1, as CJSON's
/// does).
fn integer_option(
    lua: &Lua,
    args: &MultiValue,
    n: usize,
    current: i64,
    min: i64,
    max: i64,
) -> mlua::Result<i64> {
    let v = match args.get(n - 1) {
        None | Some(Value::Nil) => return Ok(current),
        Some(v) => v,
    };
    let Some(x) = lua.coerce_number(v.clone())? else {
        return Err(type_error(lua, n, "number", Some(v)));
    };
    let value = crate::fmt::lua_number_to_i64(x) as i32 as i64;
    if value < min || value > max {
        return Err(arg_error(
            lua,
            1,
            &format!("expected integer between {min} and {max}"),
        ));
    }
    Ok(value)
}

fn encode_error(lua: &Lua, v: &Value, reason: &str) -> mlua::Error {
    lua_error(
        lua,
        format!("Cannot serialise {}: {reason}", lua_type_name(v)),
    )
}

/// One step of encoding: a value, an object key, or punctuation.
enum Work {
    Value(Value, i64),
    Key(Value),
    Bytes(&'static [u8]),
}

/// Encodes `v`. Iterative, so nesting is bounded by `encode_max_depth`
/// and not by the thread's stack.
fn encode_value(
    lua: &Lua,
    cfg: &Config,
    v: &Value,
    depth: i64,
    out: &mut Vec<u8>,
) -> mlua::Result<()> {
    let mut work = vec![Work::Value(v.clone(), depth)];
    while let Some(item) = work.pop() {
        let (v, depth) = match item {
            Work::Bytes(b) => {
                out.extend_from_slice(b);
                continue;
            }
            Work::Key(k) => {
                match &k {
                    Value::Number(_) | Value::Integer(_) => {
                        out.push(b'"');
                        encode_number(lua, cfg, &k, out)?;
                        out.extend_from_slice(b"\":");
                    }
                    Value::String(s) => {
                        encode_string(&s.as_bytes(), out);
                        out.push(b':');
                    }
                    other => {
                        return Err(encode_error(
                            lua,
                            other,
                            "table key must be a number or string",
                        ));
                    }
                }
                continue;
            }
            Work::Value(v, depth) => (v, depth),
        };
        match &v {
            Value::String(s) => encode_string(&s.as_bytes(), out),
            Value::Number(_) | Value::Integer(_) => encode_number(lua, cfg, &v, out)?,
            Value::Boolean(true) => out.extend_from_slice(b"true"),
            Value::Boolean(false) => out.extend_from_slice(b"false"),
            Value::Nil => out.extend_from_slice(b"null"),
            Value::LightUserData(p) if p.0.is_null() => out.extend_from_slice(b"null"),
            Value::Table(t) => {
                let depth = depth + 1;
                if depth > cfg.encode_max_depth {
                    return Err(lua_error(
                        lua,
                        format!("Cannot serialise, excessive nesting ({depth})"),
                    ));
                }
                match array_length(lua, cfg, t, &v)? {
                    Some(len) if len > 0 => {
                        out.push(b'[');
                        work.push(Work::Bytes(b"]"));
                        for i in (1..=len).rev() {
                            work.push(Work::Value(t.raw_get::<Value>(i)?, depth));
                            if i > 1 {
                                work.push(Work::Bytes(b","));
                            }
                        }
                    }
                    _ => {
                        out.push(b'{');
                        let pairs: Vec<(Value, Value)> =
                            t.pairs::<Value, Value>().collect::<mlua::Result<_>>()?;
                        work.push(Work::Bytes(b"}"));
                        let n = pairs.len();
                        for (i, (k, value)) in pairs.into_iter().enumerate().rev() {
                            work.push(Work::Value(value, depth));
                            work.push(Work::Key(k));
                            if i > 0 && n > 1 {
                                work.push(Work::Bytes(b","));
                            }
                        }
                    }
                }
            }
            other => return Err(encode_error(lua, other, "type not supported")),
        }
    }
    Ok(())
}

/// `lua_array_length`: `Some(max index)` for a table whose keys are all
/// integers from 1 (and not too sparse), `None` for an object.
fn array_length(lua: &Lua, cfg: &Config, t: &Table, v: &Value) -> mlua::Result<Option<i64>> {
    let mut max = 0i64;
    let mut items = 0i64;
    for pair in t.pairs::<Value, Value>() {
        let (k, _) = pair?;
        let k = match k {
            Value::Number(n) => n,
            Value::Integer(n) => n as f64,
            _ => return Ok(None),
        };
        if k == 0.0 || k.floor() != k || k < 1.0 {
            return Ok(None);
        }
        if k > max as f64 {
            max = k as i32 as i64;
        }
        items += 1;
    }
    if cfg.sparse_ratio > 0 && max > items * cfg.sparse_ratio && max > cfg.sparse_safe {
        if !cfg.sparse_convert {
            return Err(encode_error(lua, v, "excessively sparse array"));
        }
        return Ok(None);
    }
    Ok(Some(max))
}

fn encode_number(lua: &Lua, cfg: &Config, v: &Value, out: &mut Vec<u8>) -> mlua::Result<()> {
    let n = match v {
        Value::Number(n) => *n,
        Value::Integer(n) => *n as f64,
        _ => 0.0,
    };
    match cfg.encode_invalid {
        0 if !n.is_finite() => return Err(encode_error(lua, v, "must not be NaN or Inf")),
        1 if n.is_nan() => {
            out.extend_from_slice(b"nan");
            return Ok(());
        }
        2 if !n.is_finite() => {
            out.extend_from_slice(b"null");
            return Ok(());
        }
        _ => {}
    }
    push_g(out, n, cfg.precision as usize);
    Ok(())
}

/// A JSON string as CJSON escapes it: `"`, `\`, `/`, the control
/// characters and DEL; other bytes as they are.
fn encode_string(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'/' => out.extend_from_slice(b"\\/"),
            b'\x08' => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\x0c' => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0..=31 | 127 => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

#[derive(Debug)]
enum Kind {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    Str(Vec<u8>),
    Number(f64),
    Boolean(bool),
    Null,
    Colon,
    Comma,
    End,
    Error(&'static str),
}

struct Token {
    kind: Kind,
    /// 0-based, where the token (or the error) is.
    index: usize,
}

struct Parser<'a> {
    lua: &'a Lua,
    cfg: &'a Config,
    data: &'a [u8],
    pos: usize,
    depth: i64,
}

impl Parser<'_> {
    /// The byte at `i`, 0 past the end (CJSON reads a C string).
    fn at(&self, i: usize) -> u8 {
        self.data.get(i).copied().unwrap_or(0)
    }

    fn parse_error(&self, expected: &str, token: &Token) -> mlua::Error {
        let found = match &token.kind {
            Kind::Error(e) => e,
            Kind::ObjBegin => "T_OBJ_BEGIN",
            Kind::ObjEnd => "T_OBJ_END",
            Kind::ArrBegin => "T_ARR_BEGIN",
            Kind::ArrEnd => "T_ARR_END",
            Kind::Str(_) => "T_STRING",
            Kind::Number(_) => "T_NUMBER",
            Kind::Boolean(_) => "T_BOOLEAN",
            Kind::Null => "T_NULL",
            Kind::Colon => "T_COLON",
            Kind::Comma => "T_COMMA",
            Kind::End => "T_END",
        };
        lua_error(
            self.lua,
            format!(
                "Expected {expected} but found {found} at character {}",
                token.index + 1
            ),
        )
    }

    fn error_here(&self, what: &'static str) -> Token {
        Token {
            kind: Kind::Error(what),
            index: self.pos,
        }
    }

    fn next_token(&mut self) -> Token {
        while matches!(self.at(self.pos), b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let index = self.pos;
        let ch = self.at(self.pos);
        let single = match ch {
            b'{' => Some(Kind::ObjBegin),
            b'}' => Some(Kind::ObjEnd),
            b'[' => Some(Kind::ArrBegin),
            b']' => Some(Kind::ArrEnd),
            b',' => Some(Kind::Comma),
            b':' => Some(Kind::Colon),
            0 => {
                return Token {
                    kind: Kind::End,
                    index,
                };
            }
            b'f' | b'i' | b'I' | b'n' | b'N' | b't' | b'"' | b'+' | b'-' | b'0'..=b'9' => None,
            _ => {
                return Token {
                    kind: Kind::Error("invalid token"),
                    index,
                };
            }
        };
        if let Some(kind) = single {
            self.pos += 1;
            return Token { kind, index };
        }
        let rest = &self.data[self.pos..];
        if ch == b'"' {
            return self.string_token(index);
        }
        if ch == b'-' || ch.is_ascii_digit() {
            if !self.cfg.decode_invalid && self.is_invalid_number() {
                return self.error_here("invalid number");
            }
            return self.number_token(index);
        }
        for (word, kind) in [
            (&b"true"[..], Kind::Boolean(true)),
            (b"false", Kind::Boolean(false)),
            (b"null", Kind::Null),
        ] {
            if rest.starts_with(word) {
                self.pos += word.len();
                return Token { kind, index };
            }
        }
        if self.cfg.decode_invalid && self.is_invalid_number() {
            return self.number_token(index);
        }
        Token {
            kind: Kind::Error("invalid token"),
            index,
        }
    }

    /// `json_is_invalid_number`: hex, leading zeros, inf and nan.
    fn is_invalid_number(&self) -> bool {
        let p = self.at(self.pos);
        if p == b'0' {
            let c2 = self.at(self.pos + 1);
            return (c2 | 0x20) == b'x' || c2.is_ascii_digit();
        }
        if p <= b'9' {
            return false;
        }
        let rest = &self.data[self.pos..];
        let starts = |w: &[u8]| rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(w);
        starts(b"inf") || starts(b"nan")
    }

    fn number_token(&mut self, index: usize) -> Token {
        match strtod(&self.data[self.pos..]) {
            Some((n, used)) => {
                self.pos += used;
                Token {
                    kind: Kind::Number(n),
                    index,
                }
            }
            None => self.error_here("invalid number"),
        }
    }

    fn string_token(&mut self, index: usize) -> Token {
        self.pos += 1;
        let mut s = Vec::new();
        loop {
            let ch = self.at(self.pos);
            if ch == b'"' {
                break;
            }
            if ch == 0 {
                return self.error_here("unexpected end of string");
            }
            if ch == b'\\' {
                let esc = match self.at(self.pos + 1) {
                    b'"' => b'"',
                    b'\\' => b'\\',
                    b'/' => b'/',
                    b'b' => 8,
                    b'f' => 12,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'u' => {
                        if self.unicode_escape(&mut s) {
                            continue;
                        }
                        return self.error_here("invalid unicode escape code");
                    }
                    _ => return self.error_here("invalid escape code"),
                };
                self.pos += 1;
                s.push(esc);
                self.pos += 1;
                continue;
            }
            s.push(ch);
            self.pos += 1;
        }
        self.pos += 1;
        Token {
            kind: Kind::Str(s),
            index,
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let mut v = 0;
        for i in 0..4 {
            let d = (self.at(at + i) as char).to_digit(16)?;
            v = v << 4 | d;
        }
        Some(v)
    }

    /// `json_append_unicode_escape`, at the backslash of `\uXXXX`.
    fn unicode_escape(&mut self, s: &mut Vec<u8>) -> bool {
        let Some(mut cp) = self.hex4(self.pos + 2) else {
            return false;
        };
        let mut len = 6;
        if cp & 0xF800 == 0xD800 {
            if cp & 0x400 != 0 {
                return false;
            }
            if self.at(self.pos + 6) != b'\\' || self.at(self.pos + 7) != b'u' {
                return false;
            }
            let Some(low) = self.hex4(self.pos + 8) else {
                return false;
            };
            if low & 0xFC00 != 0xDC00 {
                return false;
            }
            cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            len = 12;
        }
        let Some(c) = char::from_u32(cp) else {
            return false;
        };
        let mut buf = [0u8; 4];
        s.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        self.pos += len;
        true
    }

    fn descend(&mut self) -> mlua::Result<()> {
        self.depth += 1;
        if self.depth > self.cfg.decode_max_depth {
            return Err(lua_error(
                self.lua,
                format!(
                    "Found too many nested data structures ({}) at character {}",
                    self.depth, self.pos
                ),
            ));
        }
        Ok(())
    }

    /// Reads an object key and its colon; the token after them is the
    /// value's.
    fn key(&mut self, token: Token) -> mlua::Result<Vec<u8>> {
        let Kind::Str(key) = token.kind else {
            return Err(self.parse_error("object key string", &token));
        };
        let colon = self.next_token();
        if !matches!(colon.kind, Kind::Colon) {
            return Err(self.parse_error("colon", &colon));
        }
        Ok(key)
    }

    /// Parses the value that starts with `token`, as CJSON's
    /// `json_process_value` does, but with an explicit stack of the
    /// containers being filled instead of recursion.
    fn value(&mut self, mut token: Token) -> mlua::Result<Value> {
        enum Open {
            Array(Table, i64),
            Object(Table, Vec<u8>),
        }
        let mut open: Vec<Open> = Vec::new();
        loop {
            let mut value = match token.kind {
                Kind::Str(s) => Value::String(self.lua.create_string(s)?),
                Kind::Number(n) => Value::Number(n),
                Kind::Boolean(b) => Value::Boolean(b),
                Kind::Null => null(),
                Kind::ObjBegin => {
                    self.descend()?;
                    let t = self.lua.create_table()?;
                    let next = self.next_token();
                    if matches!(next.kind, Kind::ObjEnd) {
                        self.depth -= 1;
                        Value::Table(t)
                    } else {
                        let key = self.key(next)?;
                        open.push(Open::Object(t, key));
                        token = self.next_token();
                        continue;
                    }
                }
                Kind::ArrBegin => {
                    self.descend()?;
                    let t = self.lua.create_table()?;
                    let next = self.next_token();
                    if matches!(next.kind, Kind::ArrEnd) {
                        self.depth -= 1;
                        Value::Table(t)
                    } else {
                        open.push(Open::Array(t, 1));
                        token = next;
                        continue;
                    }
                }
                _ => return Err(self.parse_error("value", &token)),
            };
            // Store the value in the container it belongs to, closing
            // every container that ends after it.
            loop {
                match open.last_mut() {
                    None => return Ok(value),
                    Some(Open::Array(t, i)) => {
                        t.raw_set(*i, value)?;
                        *i += 1;
                        let next = self.next_token();
                        match next.kind {
                            Kind::ArrEnd => {}
                            Kind::Comma => {
                                token = self.next_token();
                                break;
                            }
                            _ => return Err(self.parse_error("comma or array end", &next)),
                        }
                    }
                    Some(Open::Object(t, key)) => {
                        t.raw_set(self.lua.create_string(&*key)?, value)?;
                        let next = self.next_token();
                        match next.kind {
                            Kind::ObjEnd => {}
                            Kind::Comma => {
                                let k = self.next_token();
                                *key = self.key(k)?;
                                token = self.next_token();
                                break;
                            }
                            _ => return Err(self.parse_error("comma or object end", &next)),
                        }
                    }
                }
                self.depth -= 1;
                value = match open.pop() {
                    Some(Open::Array(t, _) | Open::Object(t, _)) => Value::Table(t),
                    None => Value::Nil,
                };
            }
        }
    }
}

/// C's `strtod` on the front of `s`: the number and how many bytes it
/// took, or `None` if no number starts there. Decimal (correctly rounded,
/// as glibc is), hexadecimal, `inf`, `infinity` and `nan`.
pub(crate) fn strtod(s: &[u8]) -> Option<(f64, usize)> {
    let mut i = 0;
    let negative = match s.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let sign = if negative { -1.0 } else { 1.0 };
    let rest = &s[i..];
    let word = |w: &[u8]| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w);
    if word(b"infinity") {
        return Some((sign * f64::INFINITY, i + 8));
    }
    if word(b"inf") {
        return Some((sign * f64::INFINITY, i + 3));
    }
    if word(b"nan") {
        let mut end = i + 3;
        if s.get(end) == Some(&b'(')
            && let Some(close) = s[end..].iter().position(|&b| b == b')')
            && s[end + 1..end + close]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            end += close + 1;
        }
        return Some((sign * f64::NAN, end));
    }
    if rest.len() > 2 && rest[0] == b'0' && (rest[1] | 0x20) == b'x' && rest[2].is_ascii_hexdigit()
        || rest.len() > 3
            && rest[0] == b'0'
            && (rest[1] | 0x20) == b'x'
            && rest[2] == b'.'
            && rest[3].is_ascii_hexdigit()
    {
        let (v, used) = hex_float(&rest[2..]);
        return Some((sign * v, i + 2 + used));
    }
    // Decimal: digits [. digits] [e [sign] digits], at least one digit.
    let mut j = i;
    let digits = |from: usize| s[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let int = digits(j);
    j += int;
    let mut frac = 0;
    if s.get(j) == Some(&b'.') {
        frac = digits(j + 1);
        if int + frac > 0 {
            j += 1 + frac;
        }
    }
    if int + frac == 0 {
        return None;
    }
    if matches!(s.get(j), Some(b'e' | b'E')) {
        let mut k = j + 1;
        if matches!(s.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        let exp = digits(k);
        if exp > 0 {
            j = k + exp;
        }
    }
    let text = std::str::from_utf8(&s[..j]).ok()?;
    let text = text.strip_suffix('.').unwrap_or(text);
    Some((text.parse::<f64>().ok()?, j))
}

/// A hexadecimal float after its `0x`: digits [. digits] [p [sign] digits].
fn hex_float(s: &[u8]) -> (f64, usize) {
    let mut i = 0;
    let mut mantissa = 0f64;
    let mut exp = 0i64;
    while let Some(d) = s.get(i).and_then(|&b| (b as char).to_digit(16)) {
        mantissa = mantissa * 16.0 + d as f64;
        i += 1;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        while let Some(d) = s.get(i).and_then(|&b| (b as char).to_digit(16)) {
            mantissa = mantissa * 16.0 + d as f64;
            exp -= 4;
            i += 1;
        }
    }
    if matches!(s.get(i), Some(b'p' | b'P')) {
        let mut k = i + 1;
        let neg = match s.get(k) {
            Some(b'-') => {
                k += 1;
                true
            }
            Some(b'+') => {
                k += 1;
                false
            }
            _ => false,
        };
        let start = k;
        let mut e = 0i64;
        while let Some(d) = s.get(k).filter(|b| b.is_ascii_digit()) {
            e = (e * 10 + (d - b'0') as i64).min(100_000);
            k += 1;
        }
        if k > start {
            exp += if neg { -e } else { e };
            i = k;
        }
    }
    (mantissa * 2f64.powi(exp.clamp(-100_000, 100_000) as i32), i)
}

#[cfg(test)]
mod tests {
    use super::strtod;

    /// strtod takes the longest number at the front, as C's does.
    #[test]
    fn strtod_prefixes() {
        assert_eq!(strtod(b"12abc"), Some((12.0, 2)));
        assert_eq!(strtod(b"1.5e3,"), Some((1500.0, 5)));
        assert_eq!(strtod(b"1."), Some((1.0, 2)));
        assert_eq!(strtod(b"1e"), Some((1.0, 1)));
        assert_eq!(strtod(b"0x10"), Some((16.0, 4)));
        assert_eq!(strtod(b"-"), None);
        assert_eq!(strtod(b".5"), Some((0.5, 2)));
        assert_eq!(strtod(b"-Infinity"), Some((f64::NEG_INFINITY, 9)));
        assert!(strtod(b"1e400").is_some_and(|(v, n)| v.is_infinite() && n == 5));
    }
}

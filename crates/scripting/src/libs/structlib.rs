//! `struct`: Roberto Ierusalimschy's struct library as Redis bundles it:
//! `pack`, `unpack` and `size` over a format of `<` `>` `!n` `b` `B` `h`
//! `H` `l` `L` `T` `in` `In` `f` `d` `cn` `s` `x` and spaces, on an x86-64
//! layout (little-endian, `long` and `size_t` of 8 bytes, `int` of 4).

use mlua::{Lua, MultiValue, Table, Value};

use crate::fmt::lua_number_to_i64;
use crate::raise::{arg_error, lua_error, type_error};

const MAXINTSIZE: usize = 32;
const MAXALIGN: usize = 8;

#[derive(Clone, Copy)]
struct Header {
    little: bool,
    align: usize,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            little: true,
            align: 1,
        }
    }
}

/// The format string, read one option at a time.
struct Format<'a> {
    fmt: &'a [u8],
    pos: usize,
}

impl Format<'_> {
    fn next(&mut self) -> Option<u8> {
        let c = *self.fmt.get(self.pos)?;
        self.pos += 1;
        Some(c)
    }

    fn getnum(&mut self, lua: &Lua, default: usize) -> mlua::Result<usize> {
        if !self.fmt.get(self.pos).is_some_and(u8::is_ascii_digit) {
            return Ok(default);
        }
        let mut a: usize = 0;
        while let Some(d) = self.fmt.get(self.pos).filter(|d| d.is_ascii_digit()) {
            let d = (d - b'0') as usize;
            if a > i32::MAX as usize / 10 || a * 10 > i32::MAX as usize - d {
                return Err(lua_error(lua, "integral size overflow"));
            }
            a = a * 10 + d;
            self.pos += 1;
        }
        Ok(a)
    }

    fn optsize(&mut self, lua: &Lua, opt: u8) -> mlua::Result<usize> {
        Ok(match opt {
            b'B' | b'b' | b'x' => 1,
            b'H' | b'h' => 2,
            b'L' | b'l' | b'T' | b'd' => 8,
            b'f' => 4,
            b'c' => self.getnum(lua, 1)?,
            b'i' | b'I' => {
                let sz = self.getnum(lua, 4)?;
                if sz > MAXINTSIZE {
                    return Err(lua_error(
                        lua,
                        format!("integral size {sz} is larger than limit of {MAXINTSIZE}"),
                    ));
                }
                sz
            }
            _ => 0,
        })
    }

    fn control(&mut self, lua: &Lua, opt: u8, h: &mut Header) -> mlua::Result<()> {
        match opt {
            b' ' => {}
            b'>' => h.little = false,
            b'<' => h.little = true,
            b'!' => {
                let a = self.getnum(lua, MAXALIGN)?;
                if !a.is_power_of_two() {
                    return Err(lua_error(lua, format!("alignment {a} is not a power of 2")));
                }
                h.align = a;
            }
            other => {
                return Err(arg_error(
                    lua,
                    1,
                    &format!("invalid format option '{}'", other as char),
                ));
            }
        }
        Ok(())
    }
}

fn gettoalign(len: usize, h: &Header, opt: u8, size: usize) -> usize {
    if size == 0 || opt == b'c' {
        return 0;
    }
    let size = size.min(h.align);
    (size - (len & (size - 1))) & (size - 1)
}

fn check_bytes(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<Vec<u8>> {
    check_bytes_of(lua, args.get(n - 1), n)
}

/// A `pack` argument: past the arguments, `pack` reads the nil it pushed
/// after them.
fn pack_bytes(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<Vec<u8>> {
    check_bytes_of(lua, Some(args.get(n - 1).unwrap_or(&Value::Nil)), n)
}

fn check_bytes_of(lua: &Lua, v: Option<&Value>, n: usize) -> mlua::Result<Vec<u8>> {
    match v {
        Some(v @ (Value::String(_) | Value::Number(_) | Value::Integer(_))) => Ok(lua
            .coerce_string(v.clone())?
            .map(|s| s.as_bytes().to_vec())
            .unwrap_or_default()),
        other => Err(type_error(lua, n, "string", other)),
    }
}

fn check_number(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<f64> {
    // Past the arguments, `pack` reads the nil it pushed after them.
    let v = Some(args.get(n - 1).unwrap_or(&Value::Nil));
    match v.and_then(|v| lua.coerce_number(v.clone()).ok().flatten()) {
        Some(x) => Ok(x),
        None => Err(type_error(lua, n, "number", v)),
    }
}

fn put_integer(out: &mut Vec<u8>, n: f64, little: bool, size: usize) {
    let mut value: u64 = if n < 0.0 {
        lua_number_to_i64(n) as u64
    } else if n < 18_446_744_073_709_551_616.0 {
        n as u64
    } else {
        0
    };
    let mut buf = [0u8; MAXINTSIZE];
    for i in 0..size {
        let at = if little { i } else { size - 1 - i };
        buf[at] = (value & 0xff) as u8;
        value >>= 8;
    }
    out.extend_from_slice(&buf[..size]);
}

fn get_integer(data: &[u8], little: bool, signed: bool, size: usize) -> f64 {
    let mut l: i64 = 0;
    for i in 0..size {
        let at = if little { size - 1 - i } else { i };
        l = l.wrapping_shl(8) | data[at] as i64;
    }
    if !signed {
        return l as f64;
    }
    let mask = (!0i64).wrapping_shl((size * 8 - 1) as u32);
    if l & mask != 0 {
        l |= mask;
    }
    l as f64
}

/// The `struct` table.
pub(crate) fn library(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.raw_set(
        "pack",
        lua.create_function(|lua, args: MultiValue| {
            let fmt = check_bytes(lua, &args, 1)?;
            let mut f = Format { fmt: &fmt, pos: 0 };
            let mut h = Header::default();
            let mut arg = 2;
            let mut total = 0usize;
            let mut out = Vec::new();
            while let Some(opt) = f.next() {
                if opt == 0 {
                    break;
                }
                let mut size = f.optsize(lua, opt)?;
                let pad = gettoalign(total, &h, opt, size);
                total += pad;
                out.resize(out.len() + pad, 0);
                match opt {
                    b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                        let n = check_number(lua, &args, arg)?;
                        arg += 1;
                        put_integer(&mut out, n, h.little, size);
                    }
                    b'x' => out.push(0),
                    b'f' => {
                        let v = check_number(lua, &args, arg)? as f32;
                        arg += 1;
                        out.extend_from_slice(&if h.little {
                            v.to_le_bytes()
                        } else {
                            v.to_be_bytes()
                        });
                    }
                    b'd' => {
                        let v = check_number(lua, &args, arg)?;
                        arg += 1;
                        out.extend_from_slice(&if h.little {
                            v.to_le_bytes()
                        } else {
                            v.to_be_bytes()
                        });
                    }
                    b'c' | b's' => {
                        let s = pack_bytes(lua, &args, arg)?;
                        arg += 1;
                        if size == 0 {
                            size = s.len();
                        }
                        if s.len() < size {
                            return Err(arg_error(lua, arg, "string too short"));
                        }
                        out.extend_from_slice(&s[..size]);
                        if opt == b's' {
                            out.push(0);
                            size += 1;
                        }
                    }
                    other => f.control(lua, other, &mut h)?,
                }
                total += size;
            }
            lua.create_string(out)
        })?,
    )?;
    t.raw_set(
        "unpack",
        lua.create_function(|lua, args: MultiValue| {
            let fmt = check_bytes(lua, &args, 1)?;
            let data = check_bytes(lua, &args, 2)?;
            let ld = data.len();
            let start = match args.get(2) {
                None | Some(Value::Nil) => 1,
                Some(_) => lua_number_to_i64(check_number(lua, &args, 3)?),
            };
            let mut pos = (start - 1) as u64 as usize;
            if pos > ld {
                return Err(arg_error(lua, 3, "offset must be 1 or greater"));
            }
            let mut f = Format { fmt: &fmt, pos: 0 };
            let mut h = Header::default();
            let mut results: Vec<Value> = Vec::new();
            while let Some(opt) = f.next() {
                if opt == 0 {
                    break;
                }
                let mut size = f.optsize(lua, opt)?;
                pos += gettoalign(pos, &h, opt, size);
                if size > ld || pos > ld - size {
                    return Err(arg_error(lua, 2, "data string too short"));
                }
                match opt {
                    b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                        let v = get_integer(
                            &data[pos..pos + size],
                            h.little,
                            opt.is_ascii_lowercase(),
                            size,
                        );
                        results.push(Value::Number(v));
                    }
                    b'x' => {}
                    b'f' => {
                        let mut b = [0u8; 4];
                        b.copy_from_slice(&data[pos..pos + 4]);
                        let v = if h.little {
                            f32::from_le_bytes(b)
                        } else {
                            f32::from_be_bytes(b)
                        };
                        results.push(Value::Number(v as f64));
                    }
                    b'd' => {
                        let mut b = [0u8; 8];
                        b.copy_from_slice(&data[pos..pos + 8]);
                        let v = if h.little {
                            f64::from_le_bytes(b)
                        } else {
                            f64::from_be_bytes(b)
                        };
                        results.push(Value::Number(v));
                    }
                    b'c' => {
                        if size == 0 {
                            let previous = results.last().and_then(|v| match v {
                                Value::Number(n) => Some(*n),
                                Value::String(s) => {
                                    std::str::from_utf8(&s.as_bytes()).ok()?.trim().parse().ok()
                                }
                                _ => None,
                            });
                            let Some(n) = previous else {
                                return Err(lua_error(lua, "format 'c0' needs a previous size"));
                            };
                            results.pop();
                            size = lua_number_to_i64(n) as u64 as usize;
                            if size > ld || pos > ld - size {
                                return Err(arg_error(lua, 2, "data string too short"));
                            }
                        }
                        results.push(Value::String(lua.create_string(&data[pos..pos + size])?));
                    }
                    b's' => {
                        let Some(end) = data[pos..].iter().position(|&b| b == 0) else {
                            return Err(lua_error(lua, "unfinished string in data"));
                        };
                        size = end + 1;
                        results.push(Value::String(lua.create_string(&data[pos..pos + end])?));
                    }
                    other => f.control(lua, other, &mut h)?,
                }
                pos += size;
            }
            results.push(Value::Number((pos + 1) as f64));
            Ok(MultiValue::from_iter(results))
        })?,
    )?;
    t.raw_set(
        "size",
        lua.create_function(|lua, args: MultiValue| {
            let fmt = check_bytes(lua, &args, 1)?;
            let mut f = Format { fmt: &fmt, pos: 0 };
            let mut h = Header::default();
            let mut pos = 0usize;
            while let Some(opt) = f.next() {
                if opt == 0 {
                    break;
                }
                let size = f.optsize(lua, opt)?;
                pos += gettoalign(pos, &h, opt, size);
                if opt == b's' {
                    return Err(arg_error(lua, 1, "option 's' has no fixed size"));
                }
                if opt == b'c' && size == 0 {
                    return Err(arg_error(lua, 1, "option 'c0' has no fixed size"));
                }
                if !opt.is_ascii_alphanumeric() {
                    f.control(lua, opt, &mut h)?;
                }
                pos += size;
            }
            Ok(pos as f64)
        })?,
    )?;
    Ok(t)
}

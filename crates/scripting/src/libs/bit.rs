//! `bit`: Lua BitOp 1.0.2, as Redis bundles it. Every operation works on
//! 32-bit integers and returns a signed one.

use mlua::{Lua, MultiValue, Table, Value};

use crate::raise::type_error;

/// `barg`: a number made a 32-bit integer the way BitOp does it (adding
/// 2^52 + 2^51 and keeping the low word of the double, which rounds and
/// wraps), with BitOp's type check.
fn barg(lua: &Lua, args: &MultiValue, n: usize) -> mlua::Result<u32> {
    let v = args.get(n - 1);
    let num = v.and_then(|v| lua.coerce_number(v.clone()).ok().flatten());
    let b = (num.unwrap_or(0.0) + 6_755_399_441_055_744.0).to_bits() as u32;
    if b == 0 && num.is_none() {
        return Err(type_error(lua, n, "number", v));
    }
    Ok(b)
}

fn ret(b: u32) -> f64 {
    b as i32 as f64
}

/// The `bit` table.
pub(crate) fn library(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.raw_set(
        "tobit",
        lua.create_function(|lua, a: MultiValue| Ok(ret(barg(lua, &a, 1)?)))?,
    )?;
    t.raw_set(
        "bnot",
        lua.create_function(|lua, a: MultiValue| Ok(ret(!barg(lua, &a, 1)?)))?,
    )?;
    t.raw_set(
        "bswap",
        lua.create_function(|lua, a: MultiValue| Ok(ret(barg(lua, &a, 1)?.swap_bytes())))?,
    )?;
    type Fold = fn(u32, u32) -> u32;
    for (name, op) in [
        ("band", (|x, y| x & y) as Fold),
        ("bor", |x, y| x | y),
        ("bxor", |x, y| x ^ y),
    ] {
        t.raw_set(
            name,
            lua.create_function(move |lua, a: MultiValue| {
                let mut b = barg(lua, &a, 1)?;
                for i in 2..=a.len() {
                    b = op(b, barg(lua, &a, i)?);
                }
                Ok(ret(b))
            })?,
        )?;
    }
    type Shift = fn(u32, u32) -> u32;
    for (name, op) in [
        ("lshift", (|b: u32, n: u32| b << n) as Shift),
        ("rshift", |b, n| b >> n),
        ("arshift", |b, n| ((b as i32) >> n) as u32),
        ("rol", |b: u32, n| b.rotate_left(n)),
        ("ror", |b: u32, n| b.rotate_right(n)),
    ] {
        t.raw_set(
            name,
            lua.create_function(move |lua, a: MultiValue| {
                let b = barg(lua, &a, 1)?;
                let n = barg(lua, &a, 2)? & 31;
                Ok(ret(op(b, n)))
            })?,
        )?;
    }
    t.raw_set(
        "tohex",
        lua.create_function(|lua, a: MultiValue| {
            let mut b = barg(lua, &a, 1)?;
            let mut n = if a.len() < 2 {
                8
            } else {
                barg(lua, &a, 2)? as i32
            };
            let digits: &[u8; 16] = if n < 0 {
                n = n.saturating_neg();
                b"0123456789ABCDEF"
            } else {
                b"0123456789abcdef"
            };
            let n = n.min(8) as usize;
            let mut buf = [0u8; 8];
            for i in (0..n).rev() {
                buf[i] = digits[(b & 15) as usize];
                b >>= 4;
            }
            lua.create_string(&buf[..n])
        })?,
    )?;
    let _ = Value::Nil;
    Ok(t)
}

//! The libraries Redis 7.0 adds to Lua: `bit`, `cjson`, `cmsgpack` and
//! `struct`, written over mlua functions.

use mlua::{Lua, Table};

mod bit;
mod cjson;
mod cmsgpack;
mod structlib;

/// Adds the libraries to the (real) globals.
pub(crate) fn register(lua: &Lua, globals: &Table) -> mlua::Result<()> {
    globals.raw_set("bit", bit::library(lua)?)?;
    globals.raw_set("cjson", cjson::library(lua)?)?;
    globals.raw_set("cmsgpack", cmsgpack::library(lua)?)?;
    globals.raw_set("struct", structlib::library(lua)?)?;
    Ok(())
}

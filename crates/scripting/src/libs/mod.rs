//! The libraries Redis 7.0 adds to Lua: `bit`, `cjson`, `cmsgpack` and
//! `struct`, written over mlua functions.

use mlua::{Lua, Table};

mod bit;
mod cjson;
mod cmsgpack;
mod structlib;

pub(crate) use cjson::{Shared as CjsonConfig, reset as reset_cjson};

/// Adds the libraries to the (real) globals. Returns the handle to
/// `cjson`'s settings, which each run puts back to their defaults.
pub(crate) fn register(lua: &Lua, globals: &Table) -> mlua::Result<CjsonConfig> {
    globals.raw_set("bit", bit::library(lua)?)?;
    let (cjson, config) = cjson::library(lua)?;
    globals.raw_set("cjson", cjson)?;
    globals.raw_set("cmsgpack", cmsgpack::library(lua)?)?;
    globals.raw_set("struct", structlib::library(lua)?)?;
    Ok(config)
}

//! Placeholder.

use mlua::{Lua, Table};

pub(crate) fn library(lua: &Lua) -> mlua::Result<Table> {
    lua.create_table()
}

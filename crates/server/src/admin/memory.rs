//! `MEMORY`: what the server spends on a key, and on everything.

use bytes::Bytes;
use sharedkv_db::Db;

use super::{AdminId, Cx};
use crate::error::CommandError;

/// A `MEMORY` subcommand, typed.
#[derive(Debug)]
pub(crate) enum MemoryCommand {
    Help,
}

pub(crate) fn parse(_id: AdminId, _args: Vec<Bytes>) -> Result<MemoryCommand, CommandError> {
    Ok(MemoryCommand::Help)
}

pub(crate) async fn run<D: Db>(cx: &mut Cx<'_, D>, command: MemoryCommand) {
    match command {
        MemoryCommand::Help => cx.reply().ok(),
    }
}

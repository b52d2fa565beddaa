//! `DEBUG`: the subcommands tools and test suites use.

use bytes::Bytes;
use sharedkv_db::Db;

use super::Cx;
use crate::error::CommandError;

/// A `DEBUG` subcommand, typed.
#[derive(Debug)]
pub(crate) enum DebugCommand {
    Help,
}

pub(crate) fn parse(_args: Vec<Bytes>) -> Result<DebugCommand, CommandError> {
    Ok(DebugCommand::Help)
}

pub(crate) async fn run<D: Db>(cx: &mut Cx<'_, D>, command: DebugCommand) {
    match command {
        DebugCommand::Help => cx.reply().ok(),
    }
}

//! Runs the server's commands that act on state every connection shares
//! (pub/sub, counters, the command table), encoding each reply straight
//! into the connection's output buffer. The data commands are
//! `sharedkv-commands`'.

use bytes::BytesMut;
use sharedkv_commands::stored;
use sharedkv_db::Db;
use sharedkv_resp::{encode_array_len, encode_bulk, encode_integer, encode_simple};

use crate::Shared;
use crate::command::ServerCommand;
use crate::error::CommandError;
use crate::introspect;

/// Runs `command` and appends its reply (or its error) to `out`.
pub(crate) async fn execute<D: Db>(shared: &Shared<D>, command: ServerCommand, out: &mut BytesMut) {
    if let Err(e) = run(shared, command, out).await {
        e.encode(out);
    }
}

async fn run<D: Db>(
    shared: &Shared<D>,
    command: ServerCommand,
    out: &mut BytesMut,
) -> Result<(), CommandError> {
    match command {
        ServerCommand::Echo(message) => encode_bulk(out, &message),
        ServerCommand::Publish { channel, message } => {
            let receivers = shared.pubsub.publish(&channel, stored(message));
            encode_integer(out, i64::try_from(receivers).unwrap_or(i64::MAX));
        }
        ServerCommand::Info(sections) => introspect::info(shared, &sections, out).await,
        ServerCommand::ConfigGet(patterns) => introspect::config_get(shared, &patterns, out),
        ServerCommand::CommandAll => introspect::command_all(out),
        ServerCommand::CommandCount => introspect::command_count(out),
        ServerCommand::CommandList => introspect::command_list(out),
        ServerCommand::CommandInfo(names) => introspect::command_info(&names, out),
        ServerCommand::CommandDocs(names) => introspect::command_docs(&names, out),
        ServerCommand::Help(lines) => {
            encode_array_len(out, lines.len());
            for line in lines {
                encode_simple(out, line.as_bytes());
            }
        }
    }
    Ok(())
}

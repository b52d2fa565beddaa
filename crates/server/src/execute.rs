//! Runs the server's commands that act on state every connection shares
//! (pub/sub, counters, the command table), writing each reply straight
//! into the connection's output buffer through a `Reply`, in the
//! connection's protocol. The data commands are `sharedkv-commands`'.

use sharedkv_commands::{Reply, stored};
use sharedkv_db::Db;

use crate::Shared;
use crate::command::ServerCommand;
use crate::{config_params, introspect, notifications};

/// Runs `command` and writes its reply, an error one for a `CONFIG SET` or
/// `CONFIG REWRITE` that fails.
pub(crate) async fn execute<D: Db>(
    shared: &Shared<D>,
    command: ServerCommand,
    reply: &mut Reply<'_>,
) {
    match command {
        ServerCommand::Echo(message) => reply.bulk(&message),
        ServerCommand::Publish { channel, message } => {
            let receivers = shared.pubsub.publish(&stored(channel), &stored(message));
            reply.count(receivers);
        }
        ServerCommand::SPublish { channel, message } => {
            let receivers = shared.pubsub.spublish(&stored(channel), &stored(message));
            reply.count(receivers);
        }
        ServerCommand::PubSub(query) => shared.pubsub.query(&query, reply),
        ServerCommand::Info(sections) => crate::info::info(shared, &sections, reply).await,
        ServerCommand::ConfigGet(patterns) => introspect::config_get(shared, &patterns, reply),
        ServerCommand::ConfigSet(words) => {
            introspect::config_set(shared, &words, reply);
            let busy = shared.live.busy_threshold_ms();
            shared
                .scripts
                .set_busy_threshold(std::time::Duration::from_millis(busy));
            notifications::follow_settings(&shared.key_hook, &shared.live.settings);
        }
        ServerCommand::ConfigResetStat => {
            introspect::config_resetstat(shared, reply);
            shared.key_hook.reset();
        }
        ServerCommand::ConfigRewrite => reply.error(&config_params::NO_CONFIG_FILE),
        ServerCommand::CommandAll => introspect::command_all(reply),
        ServerCommand::CommandCount => introspect::command_count(reply),
        ServerCommand::CommandList => introspect::command_list(reply),
        ServerCommand::CommandListBy(kind, value) => {
            introspect::command_list_by(&kind, &value, reply);
        }
        ServerCommand::CommandInfo(names) => introspect::command_info(&names, reply),
        ServerCommand::CommandDocs(names) => introspect::command_docs(&names, reply),
        ServerCommand::Observe(command) => crate::observe::execute(shared, command, reply),
        ServerCommand::Help(lines) => {
            reply.array(lines.len());
            for line in lines {
                reply.simple(line.as_bytes());
            }
        }
    }
}

//! `SLOWLOG`, `LATENCY` and `ACL`: parsed and answered here, so that the
//! central tables only route to them (`CommandId::Observe`,
//! `ServerCommand::Observe`).
//!
//! The log and the monitor are `slowlog`'s and `latency`'s. `ACL` is the
//! truth about a server with one user, `default`, who may run every
//! command, on every key and channel, with the password `requirepass` (or
//! none): `WHOAMI`, `USERS`, `LIST`, `GETUSER` and `CAT` say so, and the
//! subcommands that would change users answer that they are not supported.

use bytes::Bytes;
use sharedkv_commands::{Error, Reply};
use sharedkv_db::{Db, parse_i64};

use crate::Shared;
use crate::command::ServerCommand;
use crate::error::CommandError;
use crate::table;

/// Whether the command of full name `name` is one of this module's.
pub(crate) fn owns(name: &str) -> bool {
    ["slowlog", "latency", "acl"]
        .iter()
        .any(|c| name == *c || name.strip_prefix(c).is_some_and(|r| r.starts_with('|')))
}

/// A parsed `SLOWLOG`, `LATENCY` or `ACL` request.
#[derive(Debug)]
pub(crate) enum ObserveCommand {
    /// `SLOWLOG GET [count]`: `None` is every entry.
    SlowlogGet(Option<usize>),
    SlowlogLen,
    SlowlogReset,
    LatencyLatest,
    LatencyHistory(Bytes),
    LatencyReset(Vec<Bytes>),
    LatencyDoctor,
    LatencyGraph(Bytes),
    AclWhoami,
    AclUsers,
    AclCat(Option<Bytes>),
    AclList,
    AclGetUser(Bytes),
}

/// Parses the request `args` for the entry of full name `name` (arity
/// checked already).
pub(crate) fn parse(name: &str, args: Vec<Bytes>) -> Result<ServerCommand, CommandError> {
    use ObserveCommand as A;
    // The subcommand as typed, for Redis's catch-all error.
    let typed = args.get(1).cloned().unwrap_or_default();
    let mut words = args.into_iter().skip(2);
    let command = match name {
        "slowlog|get" => {
            let count = match (words.next(), words.next()) {
                (None, _) => Some(10),
                (Some(n), None) => match parse_i64(&n) {
                    Some(-1) => None,
                    Some(n) if n >= 0 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
                    _ => return Err(COUNT_ERROR.into()),
                },
                (Some(_), Some(_)) => return Err(catch_all("SLOWLOG", &typed)),
            };
            A::SlowlogGet(count)
        }
        "slowlog|len" => A::SlowlogLen,
        "slowlog|reset" => A::SlowlogReset,
        "latency|latest" => A::LatencyLatest,
        "latency|history" => A::LatencyHistory(words.next().unwrap_or_default()),
        "latency|reset" => A::LatencyReset(words.collect()),
        "latency|doctor" => A::LatencyDoctor,
        "latency|graph" => A::LatencyGraph(words.next().unwrap_or_default()),
        "latency|histogram" => return Err(HISTOGRAM_UNSUPPORTED.into()),
        "acl|whoami" => A::AclWhoami,
        "acl|users" => A::AclUsers,
        "acl|cat" => match (words.next(), words.next()) {
            (category, None) => A::AclCat(category),
            (Some(_), Some(_)) => return Err(catch_all("ACL", &typed)),
            (None, Some(_)) => A::AclCat(None),
        },
        "acl|list" => A::AclList,
        "acl|getuser" => A::AclGetUser(words.next().unwrap_or_default()),
        "slowlog|help" => return Ok(ServerCommand::Help(SLOWLOG_HELP)),
        "latency|help" => return Ok(ServerCommand::Help(LATENCY_HELP)),
        "acl|help" => return Ok(ServerCommand::Help(ACL_HELP)),
        // SETUSER, DELUSER, DRYRUN, GENPASS, LOG, LOAD, SAVE.
        _ => return Err(ACL_UNSUPPORTED.into()),
    };
    Ok(ServerCommand::Observe(command))
}

/// Redis's reply to a `SLOWLOG GET` count that is no integer or below -1.
const COUNT_ERROR: Error = Error::Fixed("ERR count should be greater than or equal to -1");

const HISTOGRAM_UNSUPPORTED: Error = Error::Fixed(
    "ERR LATENCY HISTOGRAM is not supported by this server: it keeps no per-command histograms",
);

const ACL_UNSUPPORTED: Error = Error::Fixed(
    "ERR this ACL subcommand is not supported by this server: it has one user, 'default', \
     whose password is requirepass",
);

/// Redis's catch-all for a subcommand given too many arguments.
fn catch_all(command: &str, sub: &[u8]) -> CommandError {
    Error::with_arg(
        "ERR unknown subcommand or wrong number of arguments for '",
        sub,
        &format!("'. Try {command} HELP."),
    )
    .into()
}

/// Runs `command`, writing its reply.
pub(crate) fn execute<D: Db>(shared: &Shared<D>, command: ObserveCommand, reply: &mut Reply<'_>) {
    use ObserveCommand as A;
    match command {
        A::SlowlogGet(count) => shared.slowlog.get(count, reply),
        A::SlowlogLen => reply.count(shared.slowlog.len()),
        A::SlowlogReset => {
            shared.slowlog.reset();
            reply.ok();
        }
        A::LatencyLatest => shared.latency.latest(reply),
        A::LatencyHistory(event) => shared.latency.history(&event, reply),
        A::LatencyReset(events) => reply.count(shared.latency.reset(&events)),
        A::LatencyDoctor => {
            let text = shared.latency.doctor(shared.live.latency_threshold_ms());
            reply.verbatim(text.as_bytes());
        }
        A::LatencyGraph(event) => match shared.latency.graph(&event) {
            Some(text) => reply.verbatim(text.as_bytes()),
            None => reply.error(&Error::with_arg(
                "ERR No samples available for event '",
                &event,
                "'",
            )),
        },
        A::AclWhoami => reply.bulk(b"default"),
        A::AclUsers => {
            reply.array(1);
            reply.bulk(b"default");
        }
        A::AclCat(None) => {
            let categories = categories();
            reply.array(categories.len());
            for category in categories {
                reply.bulk(category.as_bytes());
            }
        }
        A::AclCat(Some(category)) => {
            let wanted = String::from_utf8_lossy(&category).to_ascii_lowercase();
            if !categories().iter().any(|c| *c == wanted) {
                reply.error(&Error::with_arg("ERR Unknown category '", &category, "'"));
                return;
            }
            let tag = format!("@{wanted}");
            let names: Vec<&str> = every_spec()
                .filter(|spec| spec.acl.contains(&tag.as_str()))
                .map(|spec| spec.name)
                .collect();
            reply.array(names.len());
            for name in names {
                reply.bulk(name.as_bytes());
            }
        }
        A::AclList => {
            reply.array(1);
            reply.bulk(default_user_rules(shared.live.requirepass().as_deref()).as_bytes());
        }
        A::AclGetUser(name) if &name[..] == b"default" => {
            getuser_default(shared.live.requirepass().as_deref(), reply);
        }
        A::AclGetUser(_) => reply.null(),
    }
}

/// Every command and subcommand of the server, data commands first.
fn every_spec() -> impl Iterator<Item = &'static sharedkv_commands::Spec> {
    table::commands()
        .into_iter()
        .flat_map(|spec| std::iter::once(spec).chain(spec.subcommands))
}

/// Redis's ACL categories, in its order, that at least one of this
/// server's commands is in.
fn categories() -> Vec<&'static str> {
    const REDIS_ORDER: &[&str] = &[
        "keyspace",
        "read",
        "write",
        "set",
        "sortedset",
        "list",
        "hash",
        "string",
        "bitmap",
        "hyperloglog",
        "geo",
        "stream",
        "pubsub",
        "admin",
        "fast",
        "slow",
        "blocking",
        "dangerous",
        "connection",
        "transaction",
        "scripting",
    ];
    REDIS_ORDER
        .iter()
        .copied()
        .filter(|category| {
            every_spec().any(|spec| {
                spec.acl
                    .iter()
                    .any(|tag| tag.strip_prefix('@') == Some(*category))
            })
        })
        .collect()
}

/// The default user's rules as `ACL LIST` prints them.
fn default_user_rules(password: Option<&[u8]>) -> String {
    match password {
        None => String::from("user default on nopass ~* &* +@all"),
        Some(p) => format!("user default on #{} ~* &* +@all", hex(&sha256(p))),
    }
}

/// `ACL GETUSER default`, in Redis 7.0's shape.
fn getuser_default(password: Option<&[u8]>, reply: &mut Reply<'_>) {
    reply.map(6);
    // A set in RESP3, as Redis sends it.
    reply.bulk(b"flags");
    match password {
        None => {
            reply.set(2);
            reply.bulk(b"on");
            reply.bulk(b"nopass");
        }
        Some(_) => {
            reply.set(1);
            reply.bulk(b"on");
        }
    }
    reply.bulk(b"passwords");
    match password {
        None => reply.array(0),
        Some(p) => {
            reply.array(1);
            reply.bulk(hex(&sha256(p)).as_bytes());
        }
    }
    for (key, value) in [("commands", "+@all"), ("keys", "~*"), ("channels", "&*")] {
        reply.bulk(key.as_bytes());
        reply.bulk(value.as_bytes());
    }
    reply.bulk(b"selectors");
    reply.array(0);
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// SHA-256, for the password hash `ACL LIST` and `ACL GETUSER` show, as
/// Redis shows it.
fn sha256(message: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(message).into()
}

/// The `HELP` of `SLOWLOG`, `LATENCY` and `ACL`, in Redis's shape, in our
/// words.
const SLOWLOG_HELP: &[&str] = &[
    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET [<count>]",
    "    Return the newest <count> entries of the slow log (default: 10, -1 for all).",
    "    Each entry holds: id, Unix time, microseconds, arguments, client address,",
    "    client name.",
    "LEN",
    "    Return how many entries the slow log holds.",
    "RESET",
    "    Empty the slow log.",
    "HELP",
    "    Print this help.",
];

const LATENCY_HELP: &[&str] = &[
    "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Describe the latency spikes seen, in words.",
    "GRAPH <event>",
    "    Draw the samples of <event> as text.",
    "HISTORY <event>",
    "    Return the samples of <event>: Unix time and milliseconds.",
    "LATEST",
    "    Return each event's last sample and its highest.",
    "RESET [<event> ...]",
    "    Forget the samples of the events named, or of every event.",
    "HISTOGRAM [COMMAND ...]",
    "    Not supported by this server: an error.",
    "HELP",
    "    Print this help.",
];

const ACL_HELP: &[&str] = &[
    "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CAT [<category>]",
    "    List the command categories, or the commands in <category>.",
    "GETUSER <username>",
    "    Describe the rules of <username>.",
    "LIST",
    "    List every user's rules, in the format of an ACL file.",
    "USERS",
    "    List the users' names.",
    "WHOAMI",
    "    Return the user this connection is authenticated as.",
    "DELUSER, DRYRUN, GENPASS, LOAD, LOG, SAVE, SETUSER",
    "    Not supported by this server (its one user is 'default'): an error.",
    "HELP",
    "    Print this help.",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// SHA-256 of the empty string and of "abc", from FIPS 180-4, and a
    /// message that needs a second padding block.
    #[test]
    fn sha256_vectors() {
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        // As redis-server 7.0 shows the password `pw`.
        assert_eq!(
            default_user_rules(Some(b"pw")),
            "user default on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~* &* +@all"
        );
    }

    /// The routing test: every name of the three containers is ours.
    #[test]
    fn owns_its_names() {
        assert!(owns("slowlog") && owns("slowlog|get") && owns("acl|cat"));
        assert!(!owns("slowlogx") && !owns("get") && !owns("client|list"));
    }
}

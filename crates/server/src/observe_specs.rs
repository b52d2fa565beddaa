//! The entries of `SLOWLOG`, `LATENCY` and `ACL` in the server's command
//! table (`table.rs` lists them): Redis 7.0's names, arities, flags, ACL
//! categories and arguments; the summaries are ours.

use sharedkv_commands::{Spec, arg};

/// A subcommand's entry, without keys or subcommands of its own.
#[allow(clippy::too_many_arguments)]
const fn sub(
    name: &'static str,
    arity: i32,
    flags: &'static [&'static str],
    acl: &'static [&'static str],
    summary: &'static str,
    since: &'static str,
    complexity: &'static str,
    args: &'static [sharedkv_commands::Arg],
) -> Spec {
    Spec {
        name,
        arity,
        flags,
        keys: (0, 0, 0),
        acl,
        summary,
        since,
        group: "server",
        complexity,
        args,
        subcommands: &[],
    }
}

/// A container's entry.
const fn container(
    name: &'static str,
    summary: &'static str,
    since: &'static str,
    subcommands: &'static [Spec],
) -> Spec {
    Spec {
        name,
        arity: -2,
        flags: &[],
        keys: (0, 0, 0),
        acl: &["@slow"],
        summary,
        since,
        group: "server",
        complexity: "Depends on subcommand.",
        args: &[],
        subcommands,
    }
}

const ADMIN_ACL: &[&str] = &["@admin", "@slow", "@dangerous"];
const SLOW_ACL: &[&str] = &["@slow"];
const HELP_FLAGS: &[&str] = &["loading", "stale"];
const SLOWLOG_FLAGS: &[&str] = &["admin", "loading", "stale"];
const ADMIN_FLAGS: &[&str] = &["admin", "noscript", "loading", "stale"];
const USER_FLAGS: &[&str] = &["noscript", "loading", "stale"];

/// `SLOWLOG` and its subcommands.
pub(crate) const SLOWLOG: Spec = container(
    "slowlog",
    "A container for the slow log's commands",
    "2.2.12",
    &[
        sub(
            "slowlog|get",
            -2,
            SLOWLOG_FLAGS,
            ADMIN_ACL,
            "Return the newest entries of the slow log",
            "2.2.12",
            "O(N) where N is the number of entries returned",
            &[arg!("count", Integer, optional: true)],
        ),
        sub(
            "slowlog|len",
            2,
            SLOWLOG_FLAGS,
            ADMIN_ACL,
            "Return how many entries the slow log holds",
            "2.2.12",
            "O(1)",
            &[],
        ),
        sub(
            "slowlog|reset",
            2,
            SLOWLOG_FLAGS,
            ADMIN_ACL,
            "Empty the slow log",
            "2.2.12",
            "O(N) where N is the number of entries in the slowlog",
            &[],
        ),
        sub(
            "slowlog|help",
            2,
            HELP_FLAGS,
            SLOW_ACL,
            "Lists the SLOWLOG subcommands and what they do.",
            "6.2.0",
            "O(1)",
            &[],
        ),
    ],
);

/// `LATENCY` and its subcommands.
pub(crate) const LATENCY: Spec = container(
    "latency",
    "A container for the latency monitor's commands",
    "2.8.13",
    &[
        sub(
            "latency|latest",
            2,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Return each event's latest and highest latency",
            "2.8.13",
            "O(1)",
            &[],
        ),
        sub(
            "latency|history",
            3,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Return an event's latency samples, with their times",
            "2.8.13",
            "O(1)",
            &[arg!("event", String)],
        ),
        sub(
            "latency|reset",
            -2,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Forget the samples of some events, or of all",
            "2.8.13",
            "O(1)",
            &[arg!("event", String, optional: true, multiple: true)],
        ),
        sub(
            "latency|doctor",
            2,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Describe the latency spikes seen, in words",
            "2.8.13",
            "O(1)",
            &[],
        ),
        sub(
            "latency|graph",
            3,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Draw an event's samples as text",
            "2.8.13",
            "O(1)",
            &[arg!("event", String)],
        ),
        sub(
            "latency|histogram",
            -2,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Return per-command latency histograms (not kept by this server: an error)",
            "7.0.0",
            "O(N) where N is the number of commands with latency information being retrieved.",
            &[arg!("command", String, optional: true, multiple: true)],
        ),
        sub(
            "latency|help",
            2,
            HELP_FLAGS,
            SLOW_ACL,
            "Lists the LATENCY subcommands and what they do.",
            "2.8.13",
            "O(1)",
            &[],
        ),
    ],
);

/// `ACL` and its subcommands.
pub(crate) const ACL: Spec = container(
    "acl",
    "A container for the access control list's commands",
    "6.0.0",
    &[
        sub(
            "acl|cat",
            -2,
            USER_FLAGS,
            SLOW_ACL,
            "List the ACL categories, or the commands of one",
            "6.0.0",
            "O(1) since the categories and commands are a fixed set.",
            &[arg!("category", String, optional: true)],
        ),
        sub(
            "acl|deluser",
            -3,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Remove users (not supported: there is only the default user)",
            "6.0.0",
            "O(1) amortized time considering the typical user.",
            &[arg!("username", String, multiple: true)],
        ),
        sub(
            "acl|dryrun",
            -4,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Check whether a user may run a command (not supported)",
            "7.0.0",
            "O(1).",
            &[
                arg!("username", String),
                arg!("command", String),
                arg!("arg", String, optional: true, multiple: true),
            ],
        ),
        sub(
            "acl|genpass",
            -2,
            USER_FLAGS,
            SLOW_ACL,
            "Generate a random password (not supported)",
            "6.0.0",
            "O(1)",
            &[arg!("bits", Integer, optional: true)],
        ),
        sub(
            "acl|getuser",
            3,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Describe a user's rules",
            "6.0.0",
            "O(N). Where N is the number of password, command and pattern rules that the user has.",
            &[arg!("username", String)],
        ),
        sub(
            "acl|list",
            2,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "List every user's rules in the ACL file's format",
            "6.0.0",
            "O(N). Where N is the number of configured users.",
            &[],
        ),
        sub(
            "acl|load",
            2,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Reload the ACL file (not supported: there is none)",
            "6.0.0",
            "O(N). Where N is the number of configured users.",
            &[],
        ),
        sub(
            "acl|log",
            -2,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Show the ACL log (not supported: nothing is logged)",
            "6.0.0",
            "O(N) with N being the number of entries shown.",
            &[arg!("operation", OneOf, optional: true, args: &[
                arg!("count", Integer),
                arg!("reset", PureToken, token: Some("RESET")),
            ])],
        ),
        sub(
            "acl|save",
            2,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Save the ACL file (not supported: there is none)",
            "6.0.0",
            "O(N). Where N is the number of configured users.",
            &[],
        ),
        sub(
            "acl|setuser",
            -3,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "Create or change a user (not supported: there is only the default user)",
            "6.0.0",
            "O(N). Where N is the number of rules provided.",
            &[
                arg!("username", String),
                arg!("rule", String, optional: true, multiple: true),
            ],
        ),
        sub(
            "acl|users",
            2,
            ADMIN_FLAGS,
            ADMIN_ACL,
            "List the users' names",
            "6.0.0",
            "O(N). Where N is the number of configured users.",
            &[],
        ),
        sub(
            "acl|whoami",
            2,
            USER_FLAGS,
            SLOW_ACL,
            "Return the name of the user this connection is authenticated as",
            "6.0.0",
            "O(1)",
            &[],
        ),
        sub(
            "acl|help",
            2,
            HELP_FLAGS,
            SLOW_ACL,
            "Lists the ACL subcommands and what they do.",
            "6.0.0",
            "O(1)",
            &[],
        ),
    ],
);

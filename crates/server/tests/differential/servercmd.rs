//! The server commands whose replies are decided by the request alone:
//! `ROLE`, `WAIT`, `FUNCTION LIST` and `FLUSH` (no libraries on either
//! side), `COMMAND INFO` (with Redis's key specs and tips), `COMMAND GETKEYS` and
//! `GETKEYSANDFLAGS` over the commands both servers
//! know (with and without keys, movable keys, options that change the
//! flags), `COMMAND LIST FILTERBY` (as a set: Redis lists in hash order;
//! only categories and patterns whose every command sharedkv has), and
//! `DEBUG PROTOCOL`'s typed replies (redis-server runs with
//! `--enable-debug-command local` for it).
//!
//! Commands sharedkv does not have (`EVAL`, `GEORADIUS`, ...) are not
//! asked about: Redis finds their keys where sharedkv knows no command.

use super::*;

/// Commands sharedkv knows, each a different kind of key spec: none, one
/// key, a range, every other argument, a key count, a store key, flags
/// that follow the options.
const NAMES: &[&str] = &[
    "get",
    "set",
    "SET",
    "mset",
    "del",
    "rename",
    "lmove",
    "copy",
    "zunionstore",
    "zinterstore",
    "zunion",
    "zdiff",
    "sintercard",
    "zintercard",
    "lmpop",
    "zmpop",
    "sort",
    "sort_ro",
    "bitfield",
    "bitfield_ro",
    "bitop",
    "lcs",
    "object",
    "memory",
    "ping",
    "client",
    "echo",
    "hset",
    "smove",
    "zrangestore",
    "msetnx",
    "config",
    "command",
    "nosuch",
];

/// Words that meet the commands' options and counts.
const WORDS: &[&str] = &[
    "0", "1", "2", "3", "-1", "x", "STORE", "store", "GET", "get", "BY", "LIMIT", "WEIGHTS",
    "left", "encoding", "usage", "help", "SET", "OVERFLOW", "u8", "DB", "list", "id",
];

fn getkeys_args() -> Args {
    seq(vec![
        any_of(NAMES),
        many(either(vec![key(), any_of(WORDS)]), 0..=6),
    ])
}

/// Commands, not containers (whose subcommands Redis lists in hash order),
/// of every kind of key spec and tip, for `COMMAND INFO`.
const INFO_NAMES: &[&str] = &[
    "get",
    "set",
    "mset",
    "del",
    "zrangestore",
    "sort",
    "sort_ro",
    "zunionstore",
    "lmpop",
    "bitfield",
    "time",
    "ping",
    "keys",
    "scan",
    "client|list",
    "object|encoding",
    "memory|usage",
    "fcall",
    "command|getkeys",
    "config|set",
    "lcs",
    "rename",
    "nosuch",
    "CLIENT|ID",
    "shutdown",
    "debug",
];

pub(super) static ENTRIES: &[Entry] = &[
    entry("role", || Just(Vec::new()).boxed())
        .server()
        .weight(1),
    // Never a count above 0 with a timeout of 0, nor a long timeout:
    // redis-server would wait that long for replicas it does not have.
    entry("wait", || {
        either(vec![
            seq(vec![
                any_of(&["0", "-1", "abc", "", "9223372036854775808"]),
                any_of(&["0", "1", "-1", "abc", "1.5", ""]),
            ]),
            seq(vec![any_of(&["1", "2"]), any_of(&["1", "-1", "abc"])]),
        ])
    })
    .server()
    .weight(1),
    entry("function|list", || {
        many(
            any_of(&["WITHCODE", "withcode", "LIBRARYNAME", "lib*", "foo"]),
            0..=3,
        )
    })
    .server()
    .weight(1),
    entry("function|flush", || {
        opt(any_of(&["ASYNC", "sync", "foo", ""]))
    })
    .server()
    .weight(1),
    entry("command|info", || many(any_of(INFO_NAMES), 1..=3))
        .server()
        .no_junk()
        .weight(1),
    entry("command|getkeys", getkeys_args).server(),
    entry("command|getkeysandflags", getkeys_args).server(),
    entry("command|list", || {
        seq(vec![
            any_of(&["FILTERBY", "filterby", "FOO"]),
            any_of(&["ACLCAT", "pattern", "MODULE", "foo"]),
            any_of(&[
                "hash", "Set", "string", "bitmap", "@hash", "nosuch", "h*", "OBJECT|*", "[b-c]it*",
                "inc*", "z?add", "",
            ]),
        ])
    })
    .server()
    .check(Check::Unordered)
    // Junk would make it a plain COMMAND LIST: every command, which the
    // two servers do not share.
    .no_junk()
    .weight(1),
    // `push` and `attrib` are left out: in RESP3 each answers two frames,
    // which the comparison reads as two replies (server_cmd.rs checks
    // them).
    entry("debug", || {
        seq(vec![
            word("PROTOCOL"),
            any_of(&[
                "string", "integer", "double", "bignum", "null", "array", "set", "map", "verbatim",
                "true", "false", "TRUE", "foo", "",
            ]),
        ])
    })
    .server()
    .weight(1),
];

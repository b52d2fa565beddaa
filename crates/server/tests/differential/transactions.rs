//! `MULTI`, `EXEC`, `DISCARD`, `WATCH`, `UNWATCH`, mixed into the other
//! families' commands: a transaction holds whatever the sequence draws
//! next, so `EXEC` runs every family's commands (and their errors) in one
//! step, and `WATCH`ed keys meet every kind of write in between.
//!
//! While a transaction is open, `run_case` keeps what each queued
//! command's reply is compared as and compares `EXEC`'s array element by
//! element under those checks; commands compared by follow-up calls
//! (`SCAN`, `RANDOMKEY`) are not sent inside one.

use super::*;

pub(super) static ENTRIES: &[Entry] = &[
    entry("multi", || Just(Vec::new()).boxed())
        .server()
        .weight(3),
    entry("exec", || Just(Vec::new()).boxed())
        .server()
        .weight(3),
    entry("discard", || Just(Vec::new()).boxed())
        .server()
        .weight(1),
    entry("watch", || keys(1..=3)).server().weight(2),
    entry("unwatch", || Just(Vec::new()).boxed())
        .server()
        .weight(1),
];

/// Whether a command of `check` can be compared inside `EXEC`'s reply.
pub(super) fn queueable(check: Check) -> bool {
    !matches!(
        check,
        Check::Scan | Check::ElementScan(_) | Check::RandomKey
    )
}

/// Whether `name` runs at once inside a transaction rather than being
/// queued, as in Redis.
pub(super) fn runs_at_once(name: &str) -> bool {
    matches!(
        name,
        "multi" | "exec" | "discard" | "watch" | "quit" | "reset"
    )
}

/// Scripts over every type, their errors and their reply conversions:
/// `KEYS[1]` is a generated key, `ARGV[1]` a generated value, so the
/// scripts meet every type the other families left there.
const SCRIPTS: &[&str] = &[
    "return redis.call('GET', KEYS[1])",
    "return redis.call('SET', KEYS[1], ARGV[1])",
    "return redis.call('INCR', KEYS[1])",
    "return redis.pcall('INCR', KEYS[1])",
    "return redis.pcall('LPUSH', KEYS[1], ARGV[1])",
    "return redis.call('LRANGE', KEYS[1], 0, -1)",
    "return redis.call('RPOP', KEYS[1])",
    "return redis.pcall('HSET', KEYS[1], 'f', ARGV[1])",
    "return redis.pcall('HGET', KEYS[1], 'f')",
    "return redis.pcall('SADD', KEYS[1], ARGV[1])",
    "return redis.pcall('SCARD', KEYS[1])",
    "return redis.pcall('ZADD', KEYS[1], 1, ARGV[1])",
    "return redis.pcall('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')",
    "return redis.pcall('ZSCORE', KEYS[1], ARGV[1])",
    "return {redis.call('TYPE', KEYS[1]), redis.call('EXISTS', KEYS[1])}",
    "return redis.call('DEL', KEYS[1])",
    "local v = redis.call('GET', KEYS[1]) if v then return #v else return -1 end",
    "return {1, 2.9, -3, 'x', false, true, {ok='fine'}}",
    "return redis.error_reply('MY ' .. ARGV[1])",
    "return redis.status_reply(ARGV[1])",
    "return redis.call('NOSUCH')",
    "return redis.call('GET')",
    "redis.setresp(3) return redis.pcall('ZSCORE', KEYS[1], ARGV[1])",
    "return nosuchglobal",
    "return (",
];

fn script() -> Args {
    any_of(SCRIPTS)
}

pub(super) static SCRIPT_ENTRIES: &[Entry] = &[
    entry("eval", || {
        prop_oneof![
            6 => seq(vec![script(), any_of(&["1"]), key(), value()]),
            1 => seq(vec![script(), any_of(&["0", "2", "-1", "x"]), key(), value()]),
        ]
        .boxed()
    })
    .server()
    .weight(4),
    entry("eval_ro", || {
        seq(vec![script(), any_of(&["1"]), key(), value()])
    })
    .server()
    .weight(1),
    entry("evalsha", || {
        seq(vec![
            any_of(&["ffffffffffffffffffffffffffffffffffffffff", "x"]),
            any_of(&["0"]),
        ])
    })
    .server()
    .weight(1),
    entry("script|exists", || {
        seq(vec![any_of(&[
            "ffffffffffffffffffffffffffffffffffffffff",
            "e0e1f9fabfc9d4800c877a703b823ac0578ff8db",
        ])])
    })
    .server()
    .weight(1),
];

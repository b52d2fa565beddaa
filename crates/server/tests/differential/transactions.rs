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

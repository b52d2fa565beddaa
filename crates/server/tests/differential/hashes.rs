//! The hash family's generators.

use super::*;

/// A hash field.
fn field() -> Args {
    any_of(&["f", "g", "h", ""])
}

/// The hash commands.
pub static ENTRIES: &[Entry] = &[
    // Hashes, fewer than strings: enough to put a hash where a string
    // command finds WRONGTYPE.
    entry("hset", || {
        seq(vec![key(), many(seq(vec![field(), value()]), 1..=3)])
    }),
    entry("hget", || seq(vec![key(), field()])).weight(1),
    entry("hdel", || seq(vec![key(), many(field(), 1..=3)])).weight(1),
    entry("hlen", key).weight(1),
    entry("hexists", || seq(vec![key(), field()])).weight(1),
    entry("hgetall", key).weight(1).check(Check::Pairs),
];

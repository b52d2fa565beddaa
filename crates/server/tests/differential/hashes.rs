//! The hash family's generators.
//!
//! Every hash command is generated. Fields come from a small pool so that
//! commands meet each other's fields, and values from the common pool plus
//! floats, so that `HINCRBY` and `HINCRBYFLOAT` find integers (near both
//! ends of `i64` too), floats, infinities and junk.
//!
//! What keeps replies deterministic:
//! - replies in the hash's order (`HGETALL`, `HKEYS`, `HVALS`) are
//!   compared as pairs or as multisets: Redis keeps a small hash in
//!   insertion order, sharedkv in its map's;
//! - `HSCAN` is followed to cursor 0 and compared as the set of its
//!   field/value pairs ([`Check::ElementScan`]);
//! - `HRANDFIELD` is generated only where Redis's answer is not random: a
//!   count of 0 or one that covers the whole hash (compared as a multiset
//!   of fields, or of pairs with `WITHVALUES`), errors (all decided before
//!   the key is read), and a key no command writes (nil, or an empty
//!   array). Its entries take no junk: `HRANDFIELD key` or `HRANDFIELD
//!   key -1` from the junk would pick at random.

use super::*;

/// A hash field.
fn field() -> Args {
    any_of(&["f", "g", "h", "", "n"])
}

/// Field patterns for `HSCAN ... MATCH`.
fn field_pattern() -> Args {
    any_of(&["*", "f*", "?", "[f-h]", "[^f]", "", "**", "\\*", "n"])
}

/// Floats as values: what `HINCRBYFLOAT` reads, and some it refuses.
const FLOAT_VALUES: &[&str] = &[
    "1.5", "10.5", "-0.25", "3.0", "inf", "-inf", "1e4932", "0x10", " 2", "2 ", "1e3",
];

/// `HINCRBYFLOAT`'s increments: finite, infinite, out of range, junk.
const FLOAT_INCREMENTS: &[&str] = &[
    "1.5", "-0.25", "0", "0.1", "10.5", "5.0e3", "1e3", "-1e3", "1e-30", "abc", "", " 1", "inf",
    "-inf", "nan", "1e400", "1e4932", "1e5000", "0x10",
];

/// A value for a hash field.
fn hash_value() -> Args {
    prop_oneof![4 => value(), 1 => any_of(FLOAT_VALUES)].boxed()
}

/// The field/value pairs of one bulk `HSET`: a few hundred fields, so that
/// the hash is a listpack on Redis up to `hash-max-listpack-entries` (512)
/// and a hash table past it, which Redis's `HSCAN` pages as sharedkv's
/// does.
fn bulk_pairs() -> Args {
    proptest::sample::select(&[300usize, 512, 513, 600][..])
        .prop_map(|n| {
            (0..n)
                .flat_map(|i| [lit(format!("b{i}").as_bytes()), lit(b"v")])
                .collect()
        })
        .boxed()
}

/// A count that covers any generated hash (at most 600 fields from one
/// bulk `HSET`, 3 more per other write, 40 commands a sequence).
const COVERING: &str = "2000";

/// A key that no generated command writes: HRANDFIELD's absent-key answers.
fn absent() -> Args {
    any_of(&["nohash"])
}

/// The hash commands.
pub static ENTRIES: &[Entry] = &[
    entry("hset", || {
        seq(vec![key(), many(seq(vec![field(), hash_value()]), 1..=3)])
    })
    .weight(3),
    // Rare, so that most hashes stay small.
    entry("hset", || seq(vec![key(), bulk_pairs()])).weight(1),
    entry("hsetnx", || seq(vec![key(), field(), hash_value()])),
    entry("hmset", || {
        seq(vec![key(), many(seq(vec![field(), hash_value()]), 1..=3)])
    })
    .weight(1),
    entry("hget", || seq(vec![key(), field()])).weight(1),
    entry("hmget", || seq(vec![key(), many(field(), 1..=4)])).weight(1),
    entry("hdel", || seq(vec![key(), many(field(), 1..=3)])).weight(1),
    entry("hlen", key).weight(1),
    entry("hstrlen", || seq(vec![key(), field()])).weight(1),
    entry("hexists", || seq(vec![key(), field()])).weight(1),
    entry("hgetall", key).weight(1).check(Check::Pairs),
    entry("hkeys", key).weight(1).check(Check::Unordered),
    entry("hvals", key).weight(1).check(Check::Unordered),
    entry("hincrby", || seq(vec![key(), field(), integer()])).weight(3),
    entry("hincrbyfloat", || {
        seq(vec![
            key(),
            field(),
            either(vec![any_of(FLOAT_INCREMENTS), integer()]),
        ])
    })
    .weight(3),
    // A count of 0, or one that covers any generated hash: no choice.
    entry("hrandfield", || {
        seq(vec![key(), any_of(&["0", COVERING, "9223372036854775807"])])
    })
    .weight(1)
    .check(Check::Unordered)
    .no_junk(),
    entry("hrandfield", || {
        seq(vec![
            key(),
            any_of(&["0", COVERING, "4611686018427387903"]),
            word("WITHVALUES"),
        ])
    })
    .weight(1)
    .check(Check::Pairs)
    .no_junk(),
    // Errors, all decided before the key is read, and an absent key.
    entry("hrandfield", || {
        either(vec![
            seq(vec![
                key(),
                any_of(&[
                    "abc",
                    "",
                    "1.5",
                    "-9223372036854775808",
                    "9223372036854775808",
                ]),
                opt(word("WITHVALUES")),
            ]),
            seq(vec![
                key(),
                any_of(&["1", "-1", "50"]),
                either(vec![
                    any_of(&["FOO", "WITHVALUES x"]),
                    seq(vec![word("WITHVALUES"), any_of(&["x"])]),
                ]),
            ]),
            seq(vec![
                key(),
                any_of(&["9223372036854775807", "-4611686018427387904"]),
                word("WITHVALUES"),
            ]),
            seq(vec![
                absent(),
                opt(seq(vec![
                    any_of(&["-5", "5", "0", "-9223372036854775807"]),
                    opt(word("WITHVALUES")),
                ])),
            ]),
        ])
    })
    .weight(1)
    .no_junk(),
    entry("hscan", || {
        seq(vec![
            key(),
            // Only 0 among valid cursors, as for SCAN; "" reads as 0.
            prop_oneof![4 => any_of(&["0"]), 1 => any_of(&["abc", "", "-1x"])].boxed(),
            opt(seq(vec![word("MATCH"), field_pattern()])),
            opt(seq(vec![
                word("COUNT"),
                any_of(&["1", "2", "10", "0", "-1", "abc"]),
            ])),
            opt(seq(vec![word("TYPE"), any_of(&["hash"])])),
        ])
    })
    .weight(1)
    .check(Check::ElementScan(2)),
];

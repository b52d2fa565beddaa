//! The set family's generators.
//!
//! Every set command is generated. Members come from a small pool, so that
//! commands meet each other's members, with integers among them (Redis
//! keeps a set of integers as an intset, in ascending order, and any other
//! as a hash table) and now and then any value.
//!
//! What keeps replies deterministic:
//! - replies in the set's order (`SMEMBERS`, `SINTER`, `SUNION`, `SDIFF`)
//!   are compared as multisets ([`Check::Unordered`]), and `SSCAN` is
//!   followed to cursor 0 and compared as the set of its members
//!   ([`Check::ElementScan`]);
//! - `SPOP` and `SRANDMEMBER` are generated only where Redis's answer is
//!   not random: a count of 0 or one that covers any generated set (the
//!   whole set, compared as a multiset; for `SPOP` the final state then
//!   shows that the key went with it), errors (all decided before the key
//!   is read, or `WRONGTYPE`), and a key no command writes (nil, or an
//!   empty array). A count below the size, a negative one, or no count on
//!   a set of two or more members would choose at random, and a random
//!   `SPOP` would leave the two servers different sets; so their entries
//!   take no junk, which could make `SPOP key` of them. The in-process and
//!   conformance tests check the random answers.

use super::*;

/// A set member: mostly a few short ones, integers among them (some at the
/// ends of `i64`, some that Redis does not read as integers), and now and
/// then any value.
fn member() -> Args {
    prop_oneof![
        6 => any_of(&["a", "b", "c", "1", "2", "-3", "10", "", "01"]),
        1 => any_of(&["9223372036854775807", "-9223372036854775808", "9223372036854775808", "x y"]),
        1 => value(),
    ]
    .boxed()
}

/// Member patterns for `SSCAN ... MATCH`.
fn member_pattern() -> Args {
    any_of(&["*", "a*", "?", "[a-c]", "[^a]", "1*", "-*", "", "\\*", "["])
}

/// A key that no generated command writes: the absent-key answers of
/// `SPOP` and `SRANDMEMBER`.
fn absent() -> Args {
    any_of(&["noset"])
}

/// A count no generated set reaches (at most 600 members from one bulk
/// `SADD`, 4 more per other `SADD`, 40 commands a sequence), and the
/// largest one.
const COVERING: &[&str] = &["2000", "9223372036854775807"];

/// The members of one bulk `SADD`: a few hundred integers, so that the set
/// is an intset on Redis up to `set-max-intset-entries` (512) and a hash
/// table past it, which Redis's `SSCAN` pages as sharedkv's does.
fn bulk_members() -> Args {
    proptest::sample::select(&[300usize, 512, 513, 600][..])
        .prop_map(|n| (0..n).map(|i| lit(i.to_string().as_bytes())).collect())
        .boxed()
}

/// The set commands.
pub static ENTRIES: &[Entry] = &[
    entry("sadd", || seq(vec![key(), many(member(), 1..=4)])).weight(6),
    // Rare, so that most sets stay small.
    entry("sadd", || seq(vec![key(), bulk_members()])).weight(1),
    entry("srem", || seq(vec![key(), many(member(), 1..=3)])).weight(2),
    entry("smembers", key).check(Check::Unordered),
    entry("sismember", || seq(vec![key(), member()])).weight(1),
    entry("smismember", || seq(vec![key(), many(member(), 1..=3)])).weight(1),
    entry("scard", key),
    // A count of 0, or one that covers the set: no choice.
    entry("spop", || {
        seq(vec![key(), either(vec![any_of(&["0"]), any_of(COVERING)])])
    })
    .weight(1)
    .check(Check::Unordered)
    .no_junk(),
    // Errors (the count is read before the key), and an absent key.
    entry("spop", || {
        either(vec![
            seq(vec![
                key(),
                any_of(&[
                    "-1",
                    "abc",
                    "",
                    "01",
                    "1.5",
                    "-9223372036854775808",
                    "9223372036854775808",
                ]),
            ]),
            seq(vec![key(), any_of(&["1", "0"]), any_of(&["1", "x"])]),
            seq(vec![absent(), opt(any_of(&["0", "1", "5"]))]),
        ])
    })
    .weight(1)
    .no_junk(),
    entry("srandmember", || {
        seq(vec![key(), either(vec![any_of(&["0"]), any_of(COVERING)])])
    })
    .weight(1)
    .check(Check::Unordered)
    .no_junk(),
    entry("srandmember", || {
        either(vec![
            seq(vec![
                key(),
                any_of(&[
                    "-9223372036854775808",
                    "abc",
                    "",
                    "01",
                    "1.5",
                    "9223372036854775808",
                ]),
            ]),
            seq(vec![key(), any_of(&["1", "-1"]), any_of(&["1", "x"])]),
            seq(vec![
                absent(),
                opt(any_of(&["0", "5", "-5", "-9223372036854775807"])),
            ]),
        ])
    })
    .weight(1)
    .no_junk(),
    entry("smove", || seq(vec![key(), key(), member()])).weight(3),
    entry("sinter", || keys(1..=3)).check(Check::Unordered),
    entry("sunion", || keys(1..=3)).check(Check::Unordered),
    entry("sdiff", || keys(1..=3)).check(Check::Unordered),
    entry("sinterstore", || seq(vec![key(), keys(1..=3)])),
    entry("sunionstore", || seq(vec![key(), keys(1..=3)])),
    entry("sdiffstore", || seq(vec![key(), keys(1..=3)])),
    entry("sintercard", || {
        seq(vec![
            either(vec![
                seq(vec![any_of(&["1"]), key()]),
                seq(vec![any_of(&["2"]), key(), key()]),
                seq(vec![any_of(&["3"]), key(), key(), key()]),
                seq(vec![
                    any_of(&["0", "-1", "abc", "4", "9223372036854775807"]),
                    keys(1..=2),
                ]),
            ]),
            opt(either(vec![
                seq(vec![
                    word("LIMIT"),
                    any_of(&["0", "1", "2", "-1", "abc", "9223372036854775807"]),
                ]),
                any_of(&["FOO", "LIMIT"]),
            ])),
        ])
    }),
    entry("sscan", || {
        seq(vec![
            key(),
            // Only 0 among valid cursors, as for SCAN; "" reads as 0.
            prop_oneof![4 => any_of(&["0"]), 1 => any_of(&["abc", "", "1x"])].boxed(),
            opt(seq(vec![word("MATCH"), member_pattern()])),
            opt(seq(vec![
                word("COUNT"),
                any_of(&["1", "2", "10", "0", "-1", "abc"]),
            ])),
            opt(seq(vec![word("TYPE"), any_of(&["set"])])),
        ])
    })
    .weight(1)
    .check(Check::ElementScan(1)),
];

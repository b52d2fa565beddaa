//! `SORT` and `SORT_RO`'s generators, over the lists and sets the other
//! families' entries create in the same sequence.
//!
//! The patterns name keys of the pool: `*` is the element itself (`a`,
//! `b`, `c` and the empty key are elements too), `k:*` is `k:1` for the
//! element `1`, and `->f` reads a field the hash entries write.
//!
//! What keeps replies deterministic, and so what is generated:
//! - a **numeric** sort, by the elements or by a pattern, is one total
//!   order (equal scores are ordered by the elements' bytes): any options,
//!   `LIMIT` and `STORE` included, compared exactly;
//! - **`ALPHA`** without `BY` compares whole strings (up to a NUL), so only
//!   equal elements tie: compared exactly;
//! - **`ALPHA` by a pattern** ties wherever the keys it reads are equal or
//!   absent, and Redis orders ties by how it holds the value (a set's or a
//!   sorted set's iteration order, its partial sort with `LIMIT`): without
//!   `LIMIT` and `STORE`, compared as a multiset;
//! - **`BY` without `*`** keeps a list's and a sorted set's order but a
//!   set's own: with `STORE` (which sorts a set) compared exactly, without
//!   it and without `LIMIT` as a multiset.
//!
//! redis-server 7.0's SORT reads `errno` after `strtod` without clearing
//! it first, so an `ERANGE` that any earlier command left (a `ZADD` of
//! `1e-310`) makes it fail a numeric sort of valid numbers: every entry is
//! sent after a `SCAN` that clears it ([`Entry::fresh_errno`]).
//!
//! A SORT whose key holds a sorted set is not sent ([`Entry::not_on`]):
//! Redis's SORT converts a small sorted set to its big encoding, which
//! shows later (a `-0` score then reads back as `-0`, where sharedkv says
//! `0`). The in-process tests sort sorted sets, with Redis's answers.

use super::*;

/// A `BY` pattern with a `*`: the element as a key, `k:*`, a hash field,
/// and a key that never exists (every score 0).
fn by_pattern() -> Args {
    any_of(&["*", "k:*", "*->f", "*->n", "k:*->f", "w_*"])
}

/// A `GET` pattern: the element, the keys and fields patterns name, and one
/// without `*`.
fn get_pattern() -> Args {
    any_of(&["#", "*", "k:*", "*->f", "*->n", "nostar"])
}

/// `LIMIT offset count`, in range, past it, negative, at the ends of `i64`,
/// or no integer.
fn limit() -> Args {
    let n = || {
        prop_oneof![
            4 => (-2i64..=5).prop_map(|n| vec![Arg::Lit(n.to_string().into_bytes())]),
            1 => any_of(&["9223372036854775807", "-9223372036854775808", "abc"]),
        ]
        .boxed()
    };
    seq(vec![word("LIMIT"), n(), n()])
}

fn order() -> Args {
    either(vec![word("ASC"), word("DESC")])
}

fn get() -> Args {
    seq(vec![word("GET"), get_pattern()])
}

fn store() -> Args {
    seq(vec![word("STORE"), key()])
}

/// Options that are wrong wherever they come: the whole command fails.
fn bad_option() -> Args {
    either(vec![
        any_of(&["FOO", "LIMIT", "BY", "GET"]),
        seq(vec![word("LIMIT"), any_of(&["1"])]),
    ])
}

/// A numeric sort's options, in any order: everything but `ALPHA` and
/// `BY` without `*`. With `stores`, `STORE` among them.
fn numeric_options(stores: bool) -> Args {
    let mut options = vec![
        seq(vec![word("BY"), by_pattern()]),
        limit(),
        get(),
        get(),
        order(),
    ];
    if stores {
        options.push(store());
    }
    prop_oneof![
        12 => many(either(options), 0..=4),
        1 => seq(vec![many(get(), 0..=1), bad_option()]),
    ]
    .boxed()
}

/// The sort commands.
pub static ENTRIES: &[Entry] = &[
    entry("sort", || seq(vec![key(), numeric_options(true)]))
        .weight(3)
        .fresh_errno()
        .not_on("zset"),
    entry("sort_ro", || {
        seq(vec![
            key(),
            numeric_options(false),
            // SORT_RO takes no STORE.
            opt(any_of(&["STORE"])),
        ])
    })
    .weight(1)
    .fresh_errno()
    .not_on("zset"),
    // ALPHA without BY.
    entry("sort", || {
        seq(vec![
            key(),
            word("ALPHA"),
            many(either(vec![limit(), get(), order(), store()]), 0..=3),
        ])
    })
    .weight(2)
    .fresh_errno()
    .not_on("zset"),
    // ALPHA by a pattern: ties in Redis's own order.
    entry("sort", || {
        seq(vec![
            key(),
            word("ALPHA"),
            word("BY"),
            by_pattern(),
            many(either(vec![get(), order()]), 0..=2),
        ])
    })
    .weight(1)
    .check(Check::Unordered)
    .fresh_errno()
    .not_on("zset"),
    // BY without `*`, stored: a set is sorted ALPHA first.
    entry("sort", || {
        seq(vec![
            key(),
            word("BY"),
            any_of(&["nosort"]),
            many(either(vec![limit(), get(), order(), word("ALPHA")]), 0..=3),
            store(),
        ])
    })
    .weight(1)
    .fresh_errno()
    .not_on("zset"),
    // BY without `*`, replied: a set in its own order.
    entry("sort", || {
        seq(vec![
            key(),
            word("BY"),
            any_of(&["nosort"]),
            many(either(vec![get(), order(), word("ALPHA")]), 0..=2),
        ])
    })
    .weight(1)
    .check(Check::Unordered)
    .fresh_errno()
    .not_on("zset"),
];

//! The list family's generators.

use super::*;

/// A list element: mostly a few short ones that repeat (so that `LREM`,
/// `LPOS` and `LINSERT` find matches), small integers among them, and now
/// and then any value.
fn element() -> Args {
    prop_oneof![
        6 => any_of(&["a", "b", "c", "a", "1", "2", "-1", "0", ""]),
        1 => value(),
    ]
    .boxed()
}

/// An index or a range bound: near and past both ends of a short list,
/// negative, at the ends of `i64`, or no integer.
fn index() -> Args {
    prop_oneof![
        6 => (-7i64..=7).prop_map(|n| vec![Arg::Lit(n.to_string().into_bytes())]),
        1 => any_of(&[
            "9223372036854775807",
            "-9223372036854775808",
            "100",
            "-100",
            "abc",
            "",
            "1.5",
        ]),
    ]
    .boxed()
}

/// A count: 0, 1, many, negative, at the ends of `i64`, or no integer.
fn count() -> Args {
    prop_oneof![
        4 => any_of(&["0", "1", "2", "3", "10"]),
        1 => any_of(&["-1", "-2", "9223372036854775807", "-9223372036854775808", "abc", ""]),
    ]
    .boxed()
}

/// `LEFT` or `RIGHT`, in either case, or a word that is neither.
fn end() -> Args {
    prop_oneof![
        4 => either(vec![word("LEFT"), word("RIGHT")]),
        1 => any_of(&["UP", ""]),
    ]
    .boxed()
}

/// `LPOS`'s options, mostly valid: a `RANK` of `i64::MIN` among them
/// (which redis-server 7.0 reads with C's wrapping negation), now and then
/// `RANK 0`, a bad value or a value left out.
fn lpos_option() -> Args {
    let rank = prop_oneof![
        4 => any_of(&["1", "2", "-1", "-2", "-9223372036854775808", "9223372036854775807"]),
        1 => any_of(&["0", "abc"]),
    ]
    .boxed();
    let small = prop_oneof![
        4 => any_of(&["0", "1", "2", "10"]),
        1 => any_of(&["-1", "abc"]),
    ]
    .boxed();
    prop_oneof![
        3 => seq(vec![word("RANK"), rank]),
        3 => seq(vec![word("COUNT"), small.clone()]),
        2 => seq(vec![word("MAXLEN"), small]),
        1 => any_of(&["FOO", "RANK"]),
    ]
    .boxed()
}

/// `LMPOP`'s arguments: mostly as many keys as numkeys says, sometimes a
/// numkeys that is wrong, not positive or no number.
fn lmpop_args() -> Args {
    let matched = (1usize..=3)
        .prop_flat_map(|n| {
            seq(vec![
                Just(vec![Arg::Lit(n.to_string().into_bytes())]).boxed(),
                keys(n..=n),
                end(),
                opt(seq(vec![word("COUNT"), count()])),
            ])
        })
        .boxed();
    let unmatched = seq(vec![
        any_of(&["0", "-1", "abc", "3", "9223372036854775807"]),
        keys(1..=2),
        end(),
        many(
            either(vec![seq(vec![word("COUNT"), count()]), any_of(&["FOO"])]),
            0..=2,
        ),
    ]);
    prop_oneof![4 => matched, 1 => unmatched].boxed()
}

/// The list commands.
pub static ENTRIES: &[Entry] = &[
    entry("lpush", || seq(vec![key(), many(element(), 1..=4)])).weight(4),
    entry("rpush", || seq(vec![key(), many(element(), 1..=4)])).weight(4),
    entry("lpushx", || seq(vec![key(), many(element(), 1..=3)])).weight(1),
    entry("rpushx", || seq(vec![key(), many(element(), 1..=3)])).weight(1),
    entry("lpop", || seq(vec![key(), opt(count())])),
    entry("rpop", || seq(vec![key(), opt(count())])),
    entry("llen", key).weight(1),
    entry("lrange", || seq(vec![key(), index(), index()])),
    entry("lindex", || seq(vec![key(), index()])),
    entry("lset", || seq(vec![key(), index(), element()])),
    entry("linsert", || {
        seq(vec![
            key(),
            prop_oneof![
                4 => either(vec![word("BEFORE"), word("AFTER")]),
                1 => any_of(&["MIDDLE"]),
            ]
            .boxed(),
            element(),
            element(),
        ])
    }),
    entry("lrem", || seq(vec![key(), count(), element()])),
    entry("ltrim", || seq(vec![key(), index(), index()])).weight(1),
    entry("lpos", || {
        seq(vec![key(), element(), many(lpos_option(), 0..=2)])
    }),
    entry("lmove", || seq(vec![key(), key(), end(), end()])),
    entry("rpoplpush", || seq(vec![key(), key()])),
    entry("lmpop", lmpop_args),
];

//! The sorted-set family's generators.
//!
//! Every sorted-set command is generated. Members come from a small pool,
//! so that commands meet each other's members, with integers and an empty
//! member among them; scores from a pool of integers, decimals, the
//! infinities in their spellings, exponents, `-0`, hex, and words that are
//! no float to Redis (`nan`, ` 1`, `1e400`, ...). Range bounds mix `(`, `[`,
//! `-`, `+`, infinities and junk, so every range command meets its errors.
//!
//! What keeps replies deterministic:
//! - members are at most 64 bytes and a sequence writes far fewer than 128
//!   of them to a key, so Redis keeps every sorted set in its small
//!   encoding (listpack), whose answers do not depend on chance: `-0` is
//!   stored as `0`, and `ZRANGEBYLEX` over members of different scores
//!   scans in score order (with its big encoding, Redis's descent would be
//!   random there). sharedkv answers as the small encoding everywhere;
//! - `ZSCAN` is followed to cursor 0 and compared as the set of its
//!   member/score pairs ([`Check::ElementScan`]);
//! - `ZRANDMEMBER` is generated only where Redis's answer is not random: a
//!   count of 0 or one that covers any generated sorted set (Redis then
//!   answers the whole set, highest score first: compared exactly), errors
//!   (decided before the key is read, or `WRONGTYPE`), and a key no
//!   command writes. Its entries take no junk: `ZRANDMEMBER key` from the
//!   junk would pick at random. The in-process tests check the random
//!   answers.

use super::*;

/// A member: mostly a few short ones, integers among them, and now and
/// then a short value (never more than 64 bytes: see the module docs).
fn member() -> Args {
    prop_oneof![
        6 => any_of(&["a", "b", "c", "d", "1", "10", "", "ab"]),
        1 => any_of(&["x y", "-0", "9223372036854775808"]),
        1 => proptest::collection::vec(any::<u8>(), 0..8).prop_map(|b| vec![Arg::Lit(b)]),
    ]
    .boxed()
}

/// Scores as `ZADD` and `ZINCRBY` read them, and words they refuse.
const SCORES: &[&str] = &[
    "0", "1", "-1", "2", "3", "10", "-5", "1.5", "0.1", "-0.25", "2.5", "inf", "-inf", "+inf",
    "Infinity", "1e3", "1E-2", "3e0", "1e308", "-0", "0x10", "+2",
];

/// Words that are no score to `ZADD` (some are range bounds).
const NOT_SCORES: &[&str] = &[
    "nan", "abc", "", " 1", "1 ", "1e400", "1e", "inf1", "-nan", "1e-400",
];

/// A score or an increment.
fn score() -> Args {
    prop_oneof![8 => any_of(SCORES), 1 => any_of(NOT_SCORES)].boxed()
}

/// A `WEIGHTS` weight.
fn weight() -> Args {
    any_of(&[
        "1", "2", "-1", "0", "0.5", "inf", "-inf", "abc", "nan", "-0",
    ])
}

/// A bound of a score range: plain, `(` excluded, infinite, and what
/// Redis's lax bound parser takes or refuses.
fn score_bound() -> Args {
    prop_oneof![
        6 => any_of(&["-inf", "+inf", "0", "1", "2", "2.5", "3", "10", "(1", "(2", "(1.5", "(0", "(3", "inf"]),
        1 => any_of(&["(-inf", "(+inf", "-1e400", "", "(", " 1", "0x2", "abc", "nan", "(nan", "[1", "1 ", "((1"]),
    ]
    .boxed()
}

/// A bound of a member range.
fn lex_bound() -> Args {
    prop_oneof![
        6 => any_of(&["-", "+", "[a", "(a", "[b", "(b", "[c", "(d", "[", "(", "[ab", "[1"]),
        1 => any_of(&["a", "", "+x", "-x", "[x y"]),
    ]
    .boxed()
}

/// `LIMIT offset count`, and bad ones.
fn limit() -> Args {
    seq(vec![
        word("LIMIT"),
        any_of(&["0", "1", "2", "-1", "10", "abc"]),
        any_of(&["0", "1", "2", "-1", "-5", "10", "abc"]),
    ])
}

/// `ZRANGE`'s words after the key: a rank, score or member range with the
/// options that go with it, or options thrown together.
fn range_args(store: bool) -> Args {
    let withscores = if store {
        Just(Vec::new()).boxed()
    } else {
        opt(word("WITHSCORES"))
    };
    let option = either(vec![
        word("BYSCORE"),
        word("BYLEX"),
        word("REV"),
        word("WITHSCORES"),
        limit(),
        any_of(&["FOO", "LIMIT"]),
    ]);
    either(vec![
        seq(vec![
            small_int(),
            small_int(),
            opt(word("REV")),
            withscores.clone(),
        ]),
        seq(vec![
            score_bound(),
            score_bound(),
            word("BYSCORE"),
            opt(word("REV")),
            opt(limit()),
            withscores,
        ]),
        seq(vec![
            lex_bound(),
            lex_bound(),
            word("BYLEX"),
            opt(word("REV")),
            opt(limit()),
        ]),
        seq(vec![
            either(vec![small_int(), score_bound(), lex_bound()]),
            either(vec![small_int(), score_bound(), lex_bound()]),
            many(option, 0..=3),
        ]),
    ])
}

/// `numkeys key [key ...]`: mostly a count that fits the keys.
fn numkeys_and_keys() -> Args {
    prop_oneof![
        3 => seq(vec![any_of(&["1"]), key()]),
        4 => seq(vec![any_of(&["2"]), key(), key()]),
        2 => seq(vec![any_of(&["3"]), key(), key(), key()]),
        1 => seq(vec![any_of(&["0", "-1", "abc", "4", "9223372036854775807"]), keys(1..=2)]),
    ]
    .boxed()
}

/// The options of `ZUNION` and friends (`WITHSCORES` unless `store`).
fn combine_options(store: bool) -> Args {
    let mut options = vec![
        seq(vec![word("WEIGHTS"), many(weight(), 1..=3)]),
        seq(vec![
            word("AGGREGATE"),
            either(vec![
                word("SUM"),
                word("MIN"),
                word("MAX"),
                any_of(&["FOO"]),
            ]),
        ]),
        any_of(&["FOO", "AGGREGATE"]),
    ];
    if !store {
        options.push(word("WITHSCORES"));
    }
    many(either(options), 0..=3)
}

/// `part` one time in four, else nothing.
fn sometimes(part: Args) -> Args {
    prop_oneof![3 => Just(Vec::new()).boxed(), 1 => part].boxed()
}

/// A key that no generated command writes: `ZRANDMEMBER`'s absent-key
/// answers.
fn absent() -> Args {
    any_of(&["nozset"])
}

/// The sorted-set commands.
pub static ENTRIES: &[Entry] = &[
    // Mostly valid: at most one option of each kind, now and then.
    entry("zadd", || {
        seq(vec![
            key(),
            sometimes(either(vec![word("NX"), word("XX")])),
            sometimes(either(vec![word("GT"), word("LT")])),
            sometimes(word("CH")),
            many(seq(vec![score(), member()]), 1..=3),
        ])
    })
    .weight(8),
    // INCR, with one pair, or options thrown together (their errors).
    entry("zadd", || {
        seq(vec![
            key(),
            many(
                either(vec![
                    word("NX"),
                    word("XX"),
                    word("GT"),
                    word("LT"),
                    word("CH"),
                    word("INCR"),
                ]),
                0..=2,
            ),
            either(vec![
                seq(vec![word("INCR"), score(), member()]),
                many(seq(vec![score(), member()]), 1..=2),
            ]),
        ])
    })
    .weight(3),
    entry("zincrby", || seq(vec![key(), score(), member()])).weight(3),
    entry("zscore", || seq(vec![key(), member()])).weight(1),
    entry("zmscore", || seq(vec![key(), many(member(), 1..=3)])).weight(1),
    entry("zcard", key).weight(1),
    entry("zrank", || seq(vec![key(), member()])).weight(1),
    entry("zrevrank", || seq(vec![key(), member()])).weight(1),
    entry("zcount", || seq(vec![key(), score_bound(), score_bound()])),
    entry("zlexcount", || seq(vec![key(), lex_bound(), lex_bound()])),
    entry("zrange", || seq(vec![key(), range_args(false)])).weight(4),
    entry("zrangestore", || seq(vec![key(), key(), range_args(true)])).weight(2),
    entry("zrevrange", || {
        seq(vec![
            key(),
            small_int(),
            small_int(),
            opt(word("WITHSCORES")),
        ])
    }),
    entry("zrangebyscore", || {
        seq(vec![
            key(),
            score_bound(),
            score_bound(),
            opt(word("WITHSCORES")),
            opt(limit()),
        ])
    }),
    entry("zrevrangebyscore", || {
        seq(vec![
            key(),
            score_bound(),
            score_bound(),
            opt(word("WITHSCORES")),
            opt(limit()),
        ])
    }),
    entry("zrangebylex", || {
        seq(vec![key(), lex_bound(), lex_bound(), opt(limit())])
    }),
    entry("zrevrangebylex", || {
        seq(vec![key(), lex_bound(), lex_bound(), opt(limit())])
    }),
    entry("zrem", || seq(vec![key(), many(member(), 1..=3)])).weight(2),
    entry("zremrangebyrank", || {
        seq(vec![key(), small_int(), small_int()])
    })
    .weight(1),
    entry("zremrangebyscore", || {
        seq(vec![key(), score_bound(), score_bound()])
    })
    .weight(1),
    entry("zremrangebylex", || {
        seq(vec![key(), lex_bound(), lex_bound()])
    })
    .weight(1),
    entry("zpopmin", || {
        seq(vec![key(), opt(any_of(&["0", "1", "2", "5", "-1", "abc"]))])
    }),
    entry("zpopmax", || {
        seq(vec![key(), opt(any_of(&["0", "1", "2", "5", "-1", "abc"]))])
    }),
    entry("zmpop", || {
        seq(vec![
            numkeys_and_keys(),
            either(vec![word("MIN"), word("MAX"), any_of(&["FOO"])]),
            opt(either(vec![
                seq(vec![
                    word("COUNT"),
                    any_of(&["1", "2", "10", "0", "-1", "abc"]),
                ]),
                any_of(&["COUNT", "FOO"]),
            ])),
        ])
    }),
    // A count of 0, or one that covers any generated sorted set: no choice.
    entry("zrandmember", || {
        seq(vec![
            key(),
            any_of(&["0", "200", "9223372036854775807"]),
            opt(word("WITHSCORES")),
        ])
    })
    .weight(1)
    .no_junk(),
    // Errors, all decided before the key is read, and an absent key.
    entry("zrandmember", || {
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
                opt(word("WITHSCORES")),
            ]),
            seq(vec![
                key(),
                any_of(&["4611686018427387904", "-4611686018427387905"]),
                word("WITHSCORES"),
            ]),
            seq(vec![
                key(),
                any_of(&["1", "-1", "200"]),
                either(vec![
                    any_of(&["FOO", "WITHSCORE"]),
                    seq(vec![word("WITHSCORES"), any_of(&["x"])]),
                ]),
            ]),
            seq(vec![
                absent(),
                opt(seq(vec![
                    any_of(&["0", "1", "-3", "200"]),
                    opt(word("WITHSCORES")),
                ])),
            ]),
        ])
    })
    .weight(1)
    .no_junk(),
    entry("zunion", || {
        seq(vec![numkeys_and_keys(), combine_options(false)])
    }),
    entry("zinter", || {
        seq(vec![numkeys_and_keys(), combine_options(false)])
    }),
    entry("zdiff", || {
        seq(vec![numkeys_and_keys(), combine_options(false)])
    }),
    entry("zunionstore", || {
        seq(vec![key(), numkeys_and_keys(), combine_options(true)])
    }),
    entry("zinterstore", || {
        seq(vec![key(), numkeys_and_keys(), combine_options(true)])
    }),
    entry("zdiffstore", || {
        seq(vec![key(), numkeys_and_keys(), combine_options(true)])
    }),
    entry("zintercard", || {
        seq(vec![
            numkeys_and_keys(),
            opt(either(vec![
                seq(vec![
                    word("LIMIT"),
                    any_of(&["0", "1", "2", "-1", "abc", "9223372036854775807"]),
                ]),
                any_of(&["FOO", "LIMIT", "WITHSCORES"]),
            ])),
        ])
    }),
    entry("zscan", || {
        seq(vec![
            key(),
            // Only 0 among valid cursors, as for SCAN; "" reads as 0.
            prop_oneof![4 => any_of(&["0"]), 1 => any_of(&["abc", "", "1x"])].boxed(),
            opt(seq(vec![
                word("MATCH"),
                any_of(&["*", "a*", "?", "[a-c]", "[^a]", "1*", "", "\\*", "["]),
            ])),
            opt(seq(vec![
                word("COUNT"),
                any_of(&["1", "2", "10", "0", "-1", "abc"]),
            ])),
            opt(any_of(&["NOVALUE", "TYPE"])),
        ])
    })
    .weight(1)
    .check(Check::ElementScan(2)),
];

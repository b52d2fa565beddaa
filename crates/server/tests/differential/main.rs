//! Differential test: the same generated command sequences go to a real
//! `redis-server` (7.0, the reference) and to sharedkv, once per strategy,
//! and every reply must be the same bytes. The reference is the oracle, not
//! our reading of the docs, as in fakeredis's `test/test_hypothesis.py`.
//!
//! The generator is [`entries`], one entry per command: its name, how often
//! to pick it, how to compare its reply ([`Check`]) and the strategy for its
//! arguments. Strings, the keyspace and the server's own commands are in
//! [`ENTRIES`] here; each collection family has its own module
//! (`hashes.rs`, `lists.rs`, `sets.rs`, `zsets.rs`) with its value pools
//! and its `ENTRIES`. Adding a command is adding an entry. An entry runs against
//! sharedkv as soon as `sharedkv-commands` (or the server's own table, for
//! [`Entry::server`] ones) knows the command; until then only the self-test
//! [`redis_against_itself`] runs it, which proves the entry's replies are
//! decided by the commands alone and not by timing or hash order.
//!
//! What keeps replies deterministic:
//! - every case starts with `FLUSHALL` and `SELECT 0` on both servers;
//! - expiries are far in the future ([`Arg::InSecs`] and friends: a
//!   million seconds per slot plus a thousand per position in the sequence,
//!   so no two expiries of a sequence are equal and `GT`/`LT` never compare
//!   within the time a sequence takes) or not in the future at all (`0`,
//!   `-1`, a past `EXPIREAT` or `GETEX EXAT`), never a few seconds. `SET`
//!   gets no past time: Redis 7.0 keeps such a key, dead, and `DBSIZE`
//!   counts it until its expiry cycle happens to find it;
//! - `TTL`, `PTTL`, `EXPIRETIME` and `PEXPIRETIME` are compared only as
//!   -2, -1 or positive; `KEYS` and a whole `SCAN` as sets; `RANDOMKEY` as
//!   "nil on both, or a key that exists on each".
//!
//! ```text
//! cargo test -p sharedkv-server --test differential                # every strategy, 64 cases each
//! SHAREDKV_DIFF_CASES=2000 cargo test -p sharedkv-server --test differential dashmap::
//! PROPTEST_RNG_SEED=123 cargo test -p sharedkv-server --test differential   # replay a seed
//! SHAREDKV_DIFF_SHOW=1 ... -- --nocapture        # print every sequence and its replies
//! SHAREDKV_DIFF_ONLY=lpush,lpop,llen,del ...      # generate only these commands
//! cargo test -p sharedkv-server --test differential resp3   # only the RESP3 runs
//! ```
//!
//! Each strategy is checked twice: `matches_redis` on RESP2 connections,
//! `matches_redis_resp3` on connections that sent `HELLO 3` first (32
//! cases by default), where maps compare as pairs in any order where
//! [`Check::Pairs`] says so and sets as [`Check::Unordered`] does.
//!
//! Without `redis-server` on `PATH` every test prints `SKIPPED` and passes,
//! except under `CI`, where it fails: CI installs it (`.ci/run`).

use std::cell::RefCell;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::BytesMut;
use proptest::prelude::*;
use proptest::strategy::Union;
use proptest::test_runner::{
    Config as RunnerConfig, RngSeed, TestCaseError, TestError, TestRunner,
};
use sharedkv_db::Db;
use sharedkv_resp::{Frame, Limits, decode_frame, encode_request};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How long any connect, read or write may take before the test fails.
const WAIT: Duration = Duration::from_secs(10);

/// Cases per test unless `SHAREDKV_DIFF_CASES` says otherwise.
const DEFAULT_CASES: u32 = 64;

/// Cases per RESP3 test unless `SHAREDKV_DIFF_CASES` says otherwise: the
/// RESP2 runs already cover the commands; these check the encoding.
const DEFAULT_CASES_RESP3: u32 = 32;

/// The keys every generated command draws from: few, so that commands meet
/// each other's keys, and two odd ones (empty, non-UTF-8).
const KEYS: &[&[u8]] = &[b"a", b"b", b"c", b"d", b"e", b"k:1", b"", b"\xffk"];

/// The databases the final comparison walks; the generators select only
/// these, or invalid indexes.
const DATABASES: &[&str] = &["0", "1", "2", "3"];

// ---------------------------------------------------------------- the model

/// One argument of a generated command.
#[derive(Clone, PartialEq, Eq)]
enum Arg {
    /// These bytes.
    Lit(Vec<u8>),
    /// Seconds from now: far in the future, see [`far_secs`].
    InSecs(u8),
    /// Milliseconds from now, as far as [`Arg::InSecs`].
    InMillis(u8),
    /// A Unix time in seconds, as far in the future as [`Arg::InSecs`].
    AtSecs(u8),
    /// A Unix time in milliseconds, as far in the future as [`Arg::InSecs`].
    AtMillis(u8),
}

/// The distance of an expiry of `slot` at position `pos` of a sequence: a
/// million seconds per slot and a thousand per position. Two expiries of one
/// sequence always differ by more than 900 s, so which is later does not
/// depend on when each command ran, and none comes due during a test.
fn far_secs(slot: u8, pos: usize) -> u64 {
    u64::from(slot) * 1_000_000 + pos as u64 * 1_000
}

impl Arg {
    fn render(&self, pos: usize, now_secs: u64) -> Vec<u8> {
        // The milliseconds forms end in 7 so that they are no whole second.
        let n = match *self {
            Arg::Lit(ref bytes) => return bytes.clone(),
            Arg::InSecs(slot) => far_secs(slot, pos),
            Arg::InMillis(slot) => far_secs(slot, pos) * 1000 + 7,
            Arg::AtSecs(slot) => now_secs + far_secs(slot, pos),
            Arg::AtMillis(slot) => (now_secs + far_secs(slot, pos)) * 1000 + 7,
        };
        n.to_string().into_bytes()
    }
}

impl fmt::Debug for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Lit(bytes) => f.write_str(&show_arg(bytes)),
            Arg::InSecs(slot) => write!(f, "<in {slot}Ms>"),
            Arg::InMillis(slot) => write!(f, "<in {slot}Ms, in ms>"),
            Arg::AtSecs(slot) => write!(f, "<now+{slot}Ms>"),
            Arg::AtMillis(slot) => write!(f, "<now+{slot}Ms, in ms>"),
        }
    }
}

/// How two replies to one command are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// Byte for byte.
    Exact,
    /// An integer only as -2, -1 or positive (`TTL`, `EXPIRETIME`, ...);
    /// anything else byte for byte.
    Ttl,
    /// An integer only as an integer (`OBJECT IDLETIME`).
    AnyInteger,
    /// An array (or a RESP3 set) as a multiset of its elements (`KEYS`).
    Unordered,
    /// An array as a multiset of pairs of elements (`HGETALL`), or a RESP3
    /// map as a set of its pairs.
    Pairs,
    /// A whole `SCAN` from cursor 0, as the set of keys it returned.
    Scan,
    /// A whole `HSCAN`, `SSCAN` or `ZSCAN` (cursor after the key) from
    /// cursor 0, as the set of the groups of this many elements it
    /// returned (a field and its value, a member and its score).
    ElementScan(usize),
    /// Nil on both, or on each a key that exists there (`RANDOMKEY`).
    RandomKey,
}

/// One generated command.
#[derive(Clone)]
struct Cmd {
    name: &'static str,
    lowercase: bool,
    args: Vec<Arg>,
    check: Check,
    /// See [`Entry::fresh_errno`].
    fresh_errno: bool,
    /// See [`Entry::not_on`].
    not_on: Option<&'static str>,
}

impl Cmd {
    /// The request: the name's words (`object|freq` is `OBJECT FREQ`),
    /// then the arguments.
    fn render(&self, pos: usize, now_secs: u64) -> Vec<Vec<u8>> {
        let name = self.name.split('|').map(|word| {
            if self.lowercase {
                word.to_ascii_lowercase().into_bytes()
            } else {
                word.to_ascii_uppercase().into_bytes()
            }
        });
        name.chain(self.args.iter().map(|a| a.render(pos, now_secs)))
            .collect()
    }
}

impl fmt::Debug for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name.replace('|', " ").to_ascii_uppercase())?;
        for arg in &self.args {
            write!(f, " {arg:?}")?;
        }
        Ok(())
    }
}

// ------------------------------------------------------- argument strategies

type Args = BoxedStrategy<Vec<Arg>>;

fn lit(bytes: &[u8]) -> Arg {
    Arg::Lit(bytes.to_vec())
}

/// One of `words`, each as one argument.
fn any_of(words: &'static [&'static str]) -> Args {
    proptest::sample::select(words)
        .prop_map(|w| vec![lit(w.as_bytes())])
        .boxed()
}

/// `w`, in upper or lower case.
fn word(w: &'static str) -> Args {
    any::<bool>()
        .prop_map(move |lower| {
            let w = if lower {
                w.to_ascii_lowercase()
            } else {
                w.to_owned()
            };
            vec![Arg::Lit(w.into_bytes())]
        })
        .boxed()
}

/// The parts, one after the other.
fn seq(parts: Vec<Args>) -> Args {
    parts.prop_map(|parts| parts.concat()).boxed()
}

/// `part` 0 or 1 times.
fn opt(part: Args) -> Args {
    proptest::option::of(part)
        .prop_map(Option::unwrap_or_default)
        .boxed()
}

/// `part` repeated, a number of times in `times`.
fn many(part: Args, times: std::ops::RangeInclusive<usize>) -> Args {
    proptest::collection::vec(part, times)
        .prop_map(|parts| parts.concat())
        .boxed()
}

/// One of the alternatives.
fn either(alternatives: Vec<Args>) -> Args {
    Union::new(alternatives).boxed()
}

/// A key, mostly one of the first three, so that commands meet each
/// other's keys often.
fn key() -> Args {
    prop_oneof![
        5 => proptest::sample::select(&KEYS[..3]),
        1 => proptest::sample::select(KEYS),
    ]
    .prop_map(|k| vec![lit(k)])
    .boxed()
}

fn keys(times: std::ops::RangeInclusive<usize>) -> Args {
    many(key(), times)
}

/// Integers at and around the edges of `i64`.
const INTEGERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "42",
    "-17",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775806",
    "-9223372036854775807",
];

/// Words that are not integers to Redis, some of them nearly.
const NOT_INTEGERS: &[&str] = &[
    "",
    "abc",
    " 1",
    "1 ",
    "01",
    "+1",
    "-0",
    "1.5",
    "1e3",
    "0x10",
    "9223372036854775808",
];

/// A value: an integer, a near-integer, bytes, or a longer string.
fn value() -> Args {
    prop_oneof![
        3 => any_of(INTEGERS),
        3 => any_of(NOT_INTEGERS),
        2 => proptest::collection::vec(any::<u8>(), 0..8).prop_map(|b| vec![Arg::Lit(b)]),
        1 => proptest::collection::vec(b'a'..=b'z', 40..200).prop_map(|b| vec![Arg::Lit(b)]),
    ]
    .boxed()
}

/// An integer argument, valid or not.
fn integer() -> Args {
    prop_oneof![3 => any_of(INTEGERS), 1 => any_of(NOT_INTEGERS)].boxed()
}

/// A small offset or length, as `GETRANGE` and `SETBIT` take them.
fn small_int() -> Args {
    prop_oneof![
        4 => (-12i64..24).prop_map(|n| vec![Arg::Lit(n.to_string().into_bytes())]),
        1 => any_of(&["abc", "", "9223372036854775807", "-9223372036854775808", "4294967296"]),
    ]
    .boxed()
}

/// A database index: mostly one the final comparison walks, sometimes an
/// invalid one.
fn database() -> Args {
    prop_oneof![
        4 => any_of(DATABASES),
        1 => any_of(&["16", "-1", "abc", "", "9223372036854775808"]),
    ]
    .boxed()
}

/// Expiry values that are never a few seconds away: none at all, invalid,
/// or past the end of the clock.
const NOT_FUTURE: &[&str] = &[
    "0",
    "-1",
    "abc",
    "",
    "1.5",
    "9223372036854775807",
    "9223372036854775",
    "-9223372036854775808",
];

/// A relative expiry in seconds.
fn in_secs() -> Args {
    prop_oneof![
        3 => (1u8..=3).prop_map(|s| vec![Arg::InSecs(s)]),
        1 => any_of(NOT_FUTURE),
    ]
    .boxed()
}

/// A relative expiry in milliseconds.
fn in_millis() -> Args {
    prop_oneof![
        3 => (1u8..=3).prop_map(|s| vec![Arg::InMillis(s)]),
        1 => any_of(NOT_FUTURE),
    ]
    .boxed()
}

/// A Unix time in seconds: in the future, invalid, or if `past` in the past
/// (`1`). Redis 7.0's SET keeps a key whose time is past until its expiry
/// cycle finds it, and DBSIZE counts it until then: SET gets no past times.
fn at_secs(past: bool) -> Args {
    prop_oneof![
        3 => (1u8..=3).prop_map(|s| vec![Arg::AtSecs(s)]),
        u32::from(past) => any_of(&["1"]),
        1 => any_of(NOT_FUTURE),
    ]
    .boxed()
}

/// A Unix time in milliseconds, as [`at_secs`].
fn at_millis(past: bool) -> Args {
    prop_oneof![
        3 => (1u8..=3).prop_map(|s| vec![Arg::AtMillis(s)]),
        u32::from(past) => any_of(&["1"]),
        1 => any_of(NOT_FUTURE),
    ]
    .boxed()
}

/// `SET`'s options, as Redis 7.0 has them, and a few it rejects.
fn set_option() -> Args {
    let past = false;
    either(vec![
        word("NX"),
        word("XX"),
        word("GET"),
        word("KEEPTTL"),
        seq(vec![word("EX"), in_secs()]),
        seq(vec![word("PX"), in_millis()]),
        seq(vec![word("EXAT"), at_secs(past)]),
        seq(vec![word("PXAT"), at_millis(past)]),
        any_of(&["FOO", "EX"]),
    ])
}

/// `GETEX`'s options.
fn getex_option() -> Args {
    either(vec![
        seq(vec![word("EX"), in_secs()]),
        seq(vec![word("PX"), in_millis()]),
        seq(vec![word("EXAT"), at_secs(true)]),
        seq(vec![word("PXAT"), at_millis(true)]),
        word("PERSIST"),
        any_of(&["KEEPTTL", "FOO"]),
    ])
}

/// `EXPIRE`'s conditions (7.0), and a bad one.
fn expire_conditions() -> Args {
    let condition = prop_oneof![
        3 => either(vec![word("NX"), word("XX"), word("GT"), word("LT")]),
        1 => any_of(&["FOO"]),
    ];
    prop_oneof![2 => Just(Vec::new()).boxed(), 2 => condition.clone().boxed(), 1 => many(condition.boxed(), 2..=2)]
        .boxed()
}

/// `BITCOUNT`'s and `BITPOS`'s unit.
fn bit_unit() -> Args {
    either(vec![word("BYTE"), word("BIT"), any_of(&["FOO"])])
}

/// A `BITFIELD` type, valid or not.
fn bitfield_type() -> Args {
    any_of(&[
        "i8", "u8", "i16", "u4", "i64", "u63", "i1", "u64", "i65", "x8",
    ])
}

/// A `BITFIELD` offset: small, in bits or in `#` units, or invalid.
fn bitfield_offset() -> Args {
    prop_oneof![
        4 => (0u32..40).prop_map(|n| vec![Arg::Lit(n.to_string().into_bytes())]),
        1 => any_of(&["#1", "#0", "-1", "abc"]),
    ]
    .boxed()
}

/// One `BITFIELD` operation.
fn bitfield_op() -> Args {
    either(vec![
        seq(vec![word("GET"), bitfield_type(), bitfield_offset()]),
        seq(vec![
            word("SET"),
            bitfield_type(),
            bitfield_offset(),
            integer(),
        ]),
        seq(vec![
            word("INCRBY"),
            bitfield_type(),
            bitfield_offset(),
            integer(),
        ]),
        seq(vec![
            word("OVERFLOW"),
            any_of(&["WRAP", "SAT", "FAIL", "FOO"]),
        ]),
    ])
}

/// `KEYS` and `SCAN MATCH` patterns.
fn pattern() -> Args {
    any_of(&[
        "*", "a*", "?", "[a-c]", "[^a]", "k:*", "*1", "\\*", "", "[", "b",
    ])
}

/// Arguments from the pools, for a wrong arity or junk where a number
/// goes. No small positive number: as an expiry it would be one that comes
/// due during the test.
fn junk() -> Args {
    many(
        either(vec![key(), any_of(&["", "abc", "NX", "0", "-1", "x y"])]),
        0..=4,
    )
}

// ------------------------------------------------------------ the generators

/// One command's generator.
struct Entry {
    /// The command's full name, as `COMMAND INFO` takes it: `get`, or
    /// `object|freq` for a subcommand.
    name: &'static str,
    /// How often it is picked, relative to the others.
    weight: u32,
    /// How its replies are compared.
    check: Check,
    /// One of the server's own commands (connection, introspection), which
    /// `sharedkv-commands` does not list.
    server: bool,
    /// Left out of the sharedkv runs (the self-test still runs it). Set it
    /// with a `// divergence: <short>` comment when sharedkv answers
    /// differently and the fix belongs to the command's owner.
    skip: bool,
    /// Generated from `args` only, without the junk: for a command that
    /// some junk would make answer at random (`HRANDFIELD key`).
    no_junk: bool,
    /// Sent after a `SCAN 0 COUNT 1` to both servers, its reply not
    /// compared: redis-server 7.0's SORT reads `errno` without clearing
    /// it, so an `ERANGE` left by any earlier command (a `ZADD` of
    /// `1e-310`, an `HINCRBYFLOAT` by `1e5000`) fails it; a valid SCAN
    /// cursor clears it.
    fresh_errno: bool,
    /// Not sent when its key (the first argument) holds this type on
    /// redis-server: `zset` for SORT, which converts a small sorted set to
    /// Redis's big encoding for good, after which a `-0` score reads back
    /// as `-0` there and `0` in sharedkv, which keeps no encoding.
    not_on: Option<&'static str>,
    /// Its arguments (after the name), valid and not. Arbitrary junk of any
    /// arity is mixed in for every entry but the scans and `no_junk` ones.
    args: fn() -> Args,
}

/// An entry with the defaults: weight 2, compared exactly.
const fn entry(name: &'static str, args: fn() -> Args) -> Entry {
    Entry {
        name,
        weight: 2,
        check: Check::Exact,
        server: false,
        skip: false,
        no_junk: false,
        fresh_errno: false,
        not_on: None,
        args,
    }
}

impl Entry {
    const fn weight(mut self, weight: u32) -> Self {
        self.weight = weight;
        self
    }
    const fn check(mut self, check: Check) -> Self {
        self.check = check;
        self
    }
    const fn server(mut self) -> Self {
        self.server = true;
        self
    }
    #[allow(dead_code)]
    const fn skip(mut self) -> Self {
        self.skip = true;
        self
    }
    const fn no_junk(mut self) -> Self {
        self.no_junk = true;
        self
    }
    const fn fresh_errno(mut self) -> Self {
        self.fresh_errno = true;
        self
    }
    const fn not_on(mut self, kind: &'static str) -> Self {
        self.not_on = Some(kind);
        self
    }

    /// Whether sharedkv implements it today.
    fn implemented(&self) -> bool {
        self.server || sharedkv_commands::by_name(self.name.as_bytes()).is_some()
    }

    fn strategy(&'static self) -> BoxedStrategy<Cmd> {
        let args = if self.no_junk || matches!(self.check, Check::Scan | Check::ElementScan(_)) {
            (self.args)()
        } else {
            prop_oneof![15 => (self.args)(), 1 => junk()].boxed()
        };
        (args, proptest::bool::weighted(0.2))
            .prop_map(move |(args, lowercase)| Cmd {
                name: self.name,
                lowercase,
                args,
                check: self.check,
                fresh_errno: self.fresh_errno,
                not_on: self.not_on,
            })
            .boxed()
    }
}

mod hashes;
mod lists;
mod servercmd;
mod sets;
mod sort;
mod transactions;
mod zsets;

/// Every command the test generates: the families' entries after these,
/// or only those `SHAREDKV_DIFF_ONLY` names (comma-separated).
fn entries() -> Vec<&'static Entry> {
    let all = [
        ENTRIES,
        hashes::ENTRIES,
        lists::ENTRIES,
        sets::ENTRIES,
        zsets::ENTRIES,
        sort::ENTRIES,
        servercmd::ENTRIES,
        transactions::ENTRIES,
        transactions::SCRIPT_ENTRIES,
    ];
    let only = std::env::var("SHAREDKV_DIFF_ONLY").ok();
    let only: Option<Vec<&str>> = only.as_deref().map(|o| o.split(',').collect());
    all.into_iter()
        .flatten()
        .filter(|e| only.as_ref().is_none_or(|names| names.contains(&e.name)))
        .collect()
}

/// Strings, the keyspace and the server's own commands.
static ENTRIES: &[Entry] = &[
    // Strings.
    entry("get", key).weight(4),
    entry("set", || {
        seq(vec![key(), value(), many(set_option(), 0..=3)])
    })
    .weight(6),
    entry("setnx", || seq(vec![key(), value()])),
    entry("setex", || seq(vec![key(), in_secs(), value()])),
    entry("psetex", || seq(vec![key(), in_millis(), value()])),
    entry("getset", || seq(vec![key(), value()])),
    entry("getdel", key),
    entry("getex", || seq(vec![key(), many(getex_option(), 0..=2)])),
    entry("mget", || keys(1..=5)),
    entry("mset", || many(seq(vec![key(), value()]), 1..=4)),
    entry("msetnx", || many(seq(vec![key(), value()]), 1..=3)),
    entry("incr", key).weight(3),
    entry("decr", key),
    entry("incrby", || seq(vec![key(), integer()])).weight(3),
    entry("decrby", || seq(vec![key(), integer()])),
    entry("incrbyfloat", || {
        seq(vec![
            key(),
            either(vec![
                any_of(&[
                    "1.5", "-0.25", "0", "3", "1e3", "-1e3", "0.1", "abc", "", "inf", "-inf",
                    "nan", "1e400", " 1",
                ]),
                integer(),
            ]),
        ])
    }),
    entry("append", || seq(vec![key(), value()])),
    entry("strlen", key),
    entry("getrange", || seq(vec![key(), small_int(), small_int()])),
    entry("substr", || seq(vec![key(), small_int(), small_int()])).weight(1),
    entry("setrange", || {
        seq(vec![
            key(),
            either(vec![
                small_int(),
                // Past 512 MiB with any byte; with none, no allocation.
                any_of(&["536870912", "536870913"]),
            ]),
            value(),
        ])
    }),
    entry("lcs", || {
        seq(vec![
            key(),
            key(),
            many(
                either(vec![
                    word("LEN"),
                    word("IDX"),
                    word("WITHMATCHLEN"),
                    seq(vec![word("MINMATCHLEN"), small_int()]),
                    any_of(&["FOO"]),
                ]),
                0..=3,
            ),
        ])
    }),
    entry("setbit", || {
        seq(vec![
            key(),
            small_int(),
            any_of(&["0", "1", "2", "-1", "abc"]),
        ])
    }),
    entry("getbit", || seq(vec![key(), small_int()])),
    entry("bitcount", || {
        seq(vec![
            key(),
            opt(seq(vec![small_int(), small_int(), opt(bit_unit())])),
        ])
    }),
    entry("bitpos", || {
        seq(vec![
            key(),
            any_of(&["0", "1", "2", "abc"]),
            opt(seq(vec![
                small_int(),
                opt(seq(vec![small_int(), opt(bit_unit())])),
            ])),
        ])
    }),
    entry("bitop", || {
        seq(vec![
            any_of(&["AND", "or", "XOR", "NOT", "FOO"]),
            key(),
            keys(1..=3),
        ])
    }),
    entry("bitfield", || seq(vec![key(), many(bitfield_op(), 0..=3)])),
    entry("bitfield_ro", || {
        seq(vec![
            key(),
            many(
                seq(vec![word("GET"), bitfield_type(), bitfield_offset()]),
                0..=2,
            ),
        ])
    }),
    // The keyspace.
    entry("del", || keys(1..=4)),
    entry("unlink", || keys(1..=4)),
    entry("exists", || keys(1..=4)).weight(3),
    entry("touch", || keys(1..=4)),
    entry("type", key),
    entry("expire", || {
        seq(vec![key(), in_secs(), expire_conditions()])
    })
    .weight(3),
    entry("pexpire", || {
        seq(vec![key(), in_millis(), expire_conditions()])
    })
    .weight(3),
    entry("expireat", || {
        seq(vec![key(), at_secs(true), expire_conditions()])
    }),
    entry("pexpireat", || {
        seq(vec![key(), at_millis(true), expire_conditions()])
    }),
    entry("ttl", key).weight(3).check(Check::Ttl),
    entry("pttl", key).weight(3).check(Check::Ttl),
    entry("expiretime", key).check(Check::Ttl),
    entry("pexpiretime", key).check(Check::Ttl),
    entry("persist", key).weight(3),
    entry("keys", pattern).check(Check::Unordered),
    entry("scan", || {
        seq(vec![
            // Only 0 among valid cursors: what another one returns is the
            // implementation's business ("-1" is one: strtoul takes it).
            prop_oneof![4 => any_of(&["0"]), 1 => any_of(&["abc", "", "1x"])].boxed(),
            opt(seq(vec![word("MATCH"), pattern()])),
            opt(seq(vec![
                word("COUNT"),
                any_of(&["1", "2", "10", "0", "-1", "abc"]),
            ])),
            opt(seq(vec![
                word("TYPE"),
                any_of(&["string", "hash", "list", "foo"]),
            ])),
        ])
    })
    .check(Check::Scan),
    entry("randomkey", || Just(Vec::new()).boxed()).check(Check::RandomKey),
    entry("rename", || seq(vec![key(), key()])),
    entry("renamenx", || seq(vec![key(), key()])),
    entry("copy", || {
        seq(vec![
            key(),
            key(),
            opt(seq(vec![word("DB"), database()])),
            opt(word("REPLACE")),
        ])
    }),
    entry("move", || seq(vec![key(), database()])),
    entry("swapdb", || seq(vec![database(), database()])),
    entry("object", || seq(vec![any_of(&["FOO"]), key()])).weight(1),
    entry("object|freq", key).weight(1),
    entry("object|idletime", key)
        .weight(1)
        .check(Check::AnyInteger),
    // divergence: OBJECT ENCODING follows the bytes, not how they were written
    // (int where Redis says raw after APPEND, SETRANGE, or a COPY of either;
    // embstr, not raw, after SETBIT; int, not embstr, after INCRBYFLOAT).
    entry("object|encoding", key).skip(),
    // divergence: OBJECT REFCOUNT follows the bytes too: a shared integer's
    // 2147483647 where Redis says 1 after APPEND or INCRBYFLOAT.
    entry("object|refcount", key).weight(1).skip(),
    // divergence: OBJECT HELP's text is sharedkv's own wording.
    entry("object|help", || Just(Vec::new()).boxed())
        .weight(1)
        .skip(),
    entry("dbsize", || Just(Vec::new()).boxed()),
    entry("select", database),
    entry("flushdb", || opt(any_of(&["ASYNC", "sync", "FOO"]))).weight(1),
    entry("flushall", || opt(any_of(&["ASYNC", "sync", "FOO"]))).weight(1),
    // The server's own.
    entry("ping", || opt(value())).server().weight(1),
    entry("echo", value).server().weight(1),
    entry("nosuchcommand", || keys(0..=2)).server().weight(1),
    entry("config|get", || {
        many(
            either(vec![
                any_of(CONFIG_NAMES),
                any_of(&["nosuchparam", "*maxmemory-p*"]),
            ]),
            1..=3,
        )
    })
    .server()
    .check(Check::Pairs),
    // Without junk: junk could name a parameter that changes the server
    // itself (`dir`, `requirepass`).
    entry("config|set", || {
        many(
            either(vec![
                config_setting(),
                config_setting(),
                any_of(&["nosuchparam", "hz", "save"]),
            ]),
            1..=3,
        )
    })
    .server()
    .no_junk(),
    entry("config|resetstat", || Just(Vec::new()).boxed())
        .server()
        .weight(1),
    entry("config|rewrite", || Just(Vec::new()).boxed())
        .server()
        .weight(1),
    // Pub/sub as a connection that never subscribes sees it: no receivers,
    // no channels. (The (un)subscribe commands answer once per name, which
    // this test, one reply per command, does not read; tests/pubsub.rs
    // compares them.)
    entry("publish", || seq(vec![key(), value()]))
        .server()
        .weight(1),
    entry("spublish", || seq(vec![key(), value()]))
        .server()
        .weight(1),
    entry("pubsub|numsub", || keys(0..=3)).server().weight(1),
    entry("pubsub|shardnumsub", || keys(0..=3))
        .server()
        .weight(1),
    entry("pubsub|numpat", || Just(Vec::new()).boxed())
        .server()
        .weight(1),
    entry("pubsub|channels", || opt(key())).server().weight(1),
    entry("pubsub|shardchannels", || opt(key()))
        .server()
        .weight(1),
    // ACL for the one user, and the parts of LATENCY and SLOWLOG that do
    // not depend on how long commands take (the monitor is off).
    entry("acl|whoami", || Just(Vec::new()).boxed())
        .server()
        .weight(1),
    entry("acl|users", || Just(Vec::new()).boxed())
        .server()
        .weight(1),
    entry("acl|list", || Just(Vec::new()).boxed())
        .server()
        .weight(1),
    entry("acl|getuser", || any_of(&["default", "nobody", ""]))
        .server()
        .weight(1),
    entry("acl|cat", || any_of(&["nosuch", "no such"]))
        .server()
        .no_junk()
        .weight(1),
    entry("latency|latest", || Just(Vec::new()).boxed())
        .server()
        .weight(1),
    entry("latency|history", || any_of(&["command", "fast-command"]))
        .server()
        .weight(1),
    entry("latency|reset", || {
        opt(any_of(&["command", "fast-command"]))
    })
    .server()
    .weight(1),
    entry("slowlog|get", || any_of(&["x", "-2", "1.5"]))
        .server()
        .no_junk()
        .weight(1),
];

/// Parameters whose values both servers print alike: every one sharedkv
/// knows, but those of the process itself (`port`, `dir`, `bind`,
/// `daemonize`), and some aliases.
const CONFIG_NAMES: &[&str] = &[
    "maxmemory",
    "maxmemory-policy",
    "maxmemory-samples",
    "maxclients",
    "timeout",
    "requirepass",
    "databases",
    "save",
    "appendonly",
    "appendfsync",
    "hz",
    "dynamic-hz",
    "notify-keyspace-events",
    "client-output-buffer-limit",
    "proto-max-bulk-len",
    "hash-max-listpack-entries",
    "hash-max-ziplist-value",
    "set-max-intset-entries",
    "zset-max-listpack-entries",
    "zset-max-ziplist-value",
    "list-max-listpack-size",
    "slowlog-log-slower-than",
    "slowlog-max-len",
    "latency-monitor-threshold",
    "lua-time-limit",
    "busy-reply-threshold",
    "activerehashing",
    "lazyfree-lazy-eviction",
    "lfu-log-factor",
    "tcp-keepalive",
    "loglevel",
    "MAXMEMORY-POLICY",
];

/// `parameter value` pairs for `CONFIG SET`, valid and not, among the
/// parameters whose effect on later replies is the same on both servers.
/// Not the zset thresholds: past them redis-server keeps a `-0` score as
/// `-0` (see [`Entry::not_on`]).
fn config_setting() -> Args {
    prop_oneof![
        seq(vec![
            any_of(&["hash-max-listpack-entries", "hash-max-ziplist-entries"]),
            any_of(&["0", "1", "2", "128", "-1", "abc", "1k"]),
        ]),
        seq(vec![
            any_of(&["hash-max-listpack-value", "set-max-intset-entries"]),
            any_of(&["1", "3", "64", "512", "-5"]),
        ]),
        seq(vec![
            word("maxmemory-policy"),
            any_of(&["allkeys-lru", "noeviction", "VOLATILE-TTL", "bogus"]),
        ]),
        seq(vec![
            any_of(&[
                "slowlog-max-len",
                "slowlog-log-slower-than",
                "hz",
                "lfu-log-factor"
            ]),
            any_of(&["0", "10", "500", "-1", "10000", "x"]),
        ]),
        seq(vec![
            any_of(&["activerehashing", "lazyfree-lazy-eviction", "dynamic-hz"]),
            any_of(&["yes", "no", "NO", "maybe"]),
        ]),
        seq(vec![
            word("notify-keyspace-events"),
            any_of(&["", "KEA", "Kx", "gE$", "bogus"]),
        ]),
        seq(vec![
            word("client-output-buffer-limit"),
            any_of(&[
                "pubsub 64mb 16mb 120",
                "normal 0 0 0",
                "normal 1 2",
                "bogus 1 2 3"
            ]),
        ]),
        seq(vec![
            word("loglevel"),
            any_of(&["notice", "warning", "loud"])
        ]),
    ]
    .boxed()
}

/// A sequence of 1 to 40 commands drawn from `entries`.
fn sequence(entries: &[&'static Entry]) -> BoxedStrategy<Vec<Cmd>> {
    let union = Union::new_weighted(
        entries
            .iter()
            .map(|e| (e.weight, e.strategy()))
            .collect::<Vec<_>>(),
    );
    proptest::collection::vec(union, 1..=40).boxed()
}

// ---------------------------------------------------------------- the client

/// One reply: its exact bytes and what they decode to.
struct Reply {
    raw: Vec<u8>,
    frame: Frame,
}

/// A blocking RESP connection that hands back each reply's exact bytes.
struct Conn {
    label: &'static str,
    addr: SocketAddr,
    stream: TcpStream,
    buf: BytesMut,
    /// Whether it speaks RESP3 (sent `HELLO 3`), again after a reconnect.
    resp3: bool,
}

impl Conn {
    fn connect(label: &'static str, addr: SocketAddr) -> io::Result<Conn> {
        let stream = TcpStream::connect_timeout(&addr, WAIT)?;
        stream.set_read_timeout(Some(WAIT))?;
        stream.set_write_timeout(Some(WAIT))?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            label,
            addr,
            stream,
            buf: BytesMut::new(),
            resp3: false,
        })
    }

    /// A fresh connection to the same server: after an error nothing that
    /// was buffered can be trusted.
    fn reconnect(&mut self) -> Result<(), String> {
        let resp3 = self.resp3;
        *self = Conn::connect(self.label, self.addr)
            .map_err(|e| format!("{}: reconnecting to {}: {e}", self.label, self.addr))?;
        if resp3 {
            self.hello3()?;
        }
        Ok(())
    }

    /// Switches to RESP3 with `HELLO 3`. Its reply, a map, is not compared:
    /// the servers' versions and client ids differ.
    fn hello3(&mut self) -> Result<(), String> {
        let reply = self.call(&[b"HELLO".to_vec(), b"3".to_vec()])?;
        if !matches!(reply.frame, Frame::Map(_)) {
            return Err(format!(
                "{}: HELLO 3 answered {}",
                self.label,
                show(&reply.raw)
            ));
        }
        self.resp3 = true;
        Ok(())
    }

    fn send(&mut self, argv: &[Vec<u8>]) -> Result<(), String> {
        let mut out = BytesMut::new();
        encode_request(&mut out, argv);
        self.stream
            .write_all(&out)
            .map_err(|e| format!("{}: sending {}: {e}", self.label, show_argv(argv)))
    }

    fn read_reply(&mut self) -> Result<Reply, String> {
        loop {
            let before = self.buf.clone();
            match decode_frame(&mut self.buf, &Limits::default()) {
                Ok(Some(frame)) => {
                    let used = before.len() - self.buf.len();
                    return Ok(Reply {
                        raw: before[..used].to_vec(),
                        frame,
                    });
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(format!(
                        "{}: undecodable reply {}: {e}",
                        self.label,
                        show(&before)
                    ));
                }
            }
            let mut chunk = [0u8; 16 * 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    return Err(format!(
                        "{} closed the connection (unanswered bytes: {})",
                        self.label,
                        show(&self.buf)
                    ));
                }
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) => return Err(format!("{}: reading a reply: {e}", self.label)),
            }
        }
    }

    fn call(&mut self, argv: &[Vec<u8>]) -> Result<Reply, String> {
        self.send(argv)?;
        self.read_reply()
    }

    /// Sends `argv` and fails unless the reply is exactly `expected`.
    fn expect(&mut self, argv: &[&[u8]], expected: &[u8]) -> Result<(), String> {
        let argv: Vec<Vec<u8>> = argv.iter().map(|a| a.to_vec()).collect();
        let reply = self.call(&argv)?;
        if reply.raw == expected {
            Ok(())
        } else {
            Err(format!(
                "{}: {} answered {}, expected {}",
                self.label,
                show_argv(&argv),
                show(&reply.raw),
                show(expected)
            ))
        }
    }
}

/// Bytes as a readable string: printable ASCII as it is, the rest escaped.
fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// One argument: bare if that is unambiguous, quoted otherwise.
fn show_arg(arg: &[u8]) -> String {
    if !arg.is_empty()
        && arg
            .iter()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\\'))
    {
        show(arg)
    } else {
        format!("\"{}\"", show(arg))
    }
}

fn show_argv(argv: &[Vec<u8>]) -> String {
    argv.iter()
        .map(|a| show_arg(a))
        .collect::<Vec<_>>()
        .join(" ")
}

// ------------------------------------------------------------ comparing

/// The two servers of a run, reference first.
struct Pair {
    reference: Conn,
    candidate: Conn,
}

/// What a reply is compared as, under `check`: its bytes, or for the
/// integers and arrays `check` loosens, a stand-in.
fn normalise(check: Check, reply: &Reply) -> Vec<u8> {
    match (check, &reply.frame) {
        (Check::Ttl, Frame::Integer(n)) if *n > 0 => b":<positive>\r\n".to_vec(),
        (Check::AnyInteger, Frame::Integer(_)) => b":<integer>\r\n".to_vec(),
        (Check::Unordered, Frame::Array(items) | Frame::Set(items)) => {
            let mut items: Vec<Vec<u8>> = items.iter().map(frame_bytes).collect();
            items.sort();
            [
                format!("<any order>*{}\r\n", items.len()).into_bytes(),
                items.concat(),
            ]
            .concat()
        }
        // RESP3's arrays of pairs (`HRANDFIELD ... WITHVALUES`): each pair
        // is an array of two.
        (Check::Pairs, Frame::Array(items))
            if !items.is_empty()
                && items
                    .iter()
                    .all(|item| matches!(item, Frame::Array(pair) if pair.len() == 2)) =>
        {
            let mut pairs: Vec<Vec<u8>> = items.iter().map(frame_bytes).collect();
            pairs.sort();
            [
                format!("<pairs in any order>*{}\r\n", items.len()).into_bytes(),
                pairs.concat(),
            ]
            .concat()
        }
        (Check::Pairs, Frame::Array(items)) if items.len() % 2 == 0 => {
            let mut pairs: Vec<Vec<u8>> = items
                .chunks(2)
                .map(|pair| [frame_bytes(&pair[0]), frame_bytes(&pair[1])].concat())
                .collect();
            pairs.sort();
            [
                format!("<pairs in any order>*{}\r\n", items.len()).into_bytes(),
                pairs.concat(),
            ]
            .concat()
        }
        (Check::Pairs, Frame::Map(map)) => {
            let mut pairs: Vec<Vec<u8>> = map
                .iter()
                .map(|(k, v)| [frame_bytes(k), frame_bytes(v)].concat())
                .collect();
            pairs.sort();
            [
                format!("<pairs in any order>%{}\r\n", map.len()).into_bytes(),
                pairs.concat(),
            ]
            .concat()
        }
        _ => reply.raw.clone(),
    }
}

/// A frame's bytes, re-encoded (for elements, whose bytes the reply holds
/// only as part of the whole).
fn frame_bytes(frame: &Frame) -> Vec<u8> {
    let mut out = BytesMut::new();
    sharedkv_resp::encode(frame, &mut out);
    out.to_vec()
}

impl Pair {
    /// `EXEC` on both, its array compared element by element under the
    /// queued commands' `checks`.
    fn compare_exec(
        &mut self,
        argv: &[Vec<u8>],
        checks: &[Check],
    ) -> Result<Result<String, String>, String> {
        let a = self.reference.call(argv)?;
        let b = self.candidate.call(argv)?;
        let elements = |reply: &Reply| -> Vec<Vec<u8>> {
            match &reply.frame {
                Frame::Array(items) if items.len() == checks.len() => items
                    .iter()
                    .zip(checks)
                    .map(|(item, check)| {
                        let raw = frame_bytes(item);
                        normalise(
                            *check,
                            &Reply {
                                raw,
                                frame: item.clone(),
                            },
                        )
                    })
                    .collect(),
                _ => vec![reply.raw.clone()],
            }
        };
        if elements(&a) == elements(&b) {
            Ok(Ok(show(&a.raw)))
        } else {
            let (la, lb) = (self.reference.label, self.candidate.label);
            Ok(Err(format!(
                "EXEC's replies differ\n  {la:<14} {}\n  {lb:<14} {}",
                show(&a.raw),
                show(&b.raw)
            )))
        }
    }

    /// Ends a transaction a case left open, and every watch, on both.
    fn end_transaction(&mut self, open: bool) -> Result<(), String> {
        for conn in [&mut self.reference, &mut self.candidate] {
            if open {
                conn.expect(&[b"DISCARD"], b"+OK\r\n")?;
            }
            conn.expect(&[b"UNWATCH"], b"+OK\r\n")?;
        }
        Ok(())
    }

    fn reset(&mut self) -> Result<(), String> {
        for conn in [&mut self.reference, &mut self.candidate] {
            conn.expect(&[b"FLUSHALL"], b"+OK\r\n")?;
            conn.expect(&[b"SELECT", b"0"], b"+OK\r\n")?;
        }
        Ok(())
    }

    /// `SCAN 0 COUNT 1` on both, replies not compared: see
    /// [`Entry::fresh_errno`].
    fn clear_errno(&mut self) -> Result<(), String> {
        for conn in [&mut self.reference, &mut self.candidate] {
            conn.call(&[
                b"SCAN".to_vec(),
                b"0".to_vec(),
                b"COUNT".to_vec(),
                b"1".to_vec(),
            ])?;
        }
        Ok(())
    }

    /// Sends `argv` to both and compares the replies under `check`: `Ok`
    /// with what was seen, or `Err` with both sides.
    fn compare(
        &mut self,
        check: Check,
        argv: &[Vec<u8>],
    ) -> Result<Result<String, String>, String> {
        let a = self.reference.call(argv)?;
        let b = self.candidate.call(argv)?;
        let (na, nb) = (normalise(check, &a), normalise(check, &b));
        let (la, lb) = (self.reference.label, self.candidate.label);
        let differ = |what: &str, x: String, y: String| {
            Err(format!("{what}\n  {la:<14} {x}\n  {lb:<14} {y}"))
        };
        match check {
            Check::Exact | Check::Ttl | Check::AnyInteger | Check::Unordered | Check::Pairs => {
                if na == nb {
                    Ok(Ok(show(&na)))
                } else {
                    Ok(differ("replies differ", show(&a.raw), show(&b.raw)))
                }
            }
            Check::RandomKey => match (&a.frame, &b.frame) {
                (Frame::Null, Frame::Null) | (Frame::Nil, Frame::Nil) => Ok(Ok("nil".into())),
                (Frame::Bulk(x), Frame::Bulk(y)) => {
                    let (x, y) = (x.to_vec(), y.to_vec());
                    for (conn, k) in [(&mut self.reference, &x), (&mut self.candidate, &y)] {
                        let exists = conn.call(&[b"EXISTS".to_vec(), k.clone()])?;
                        if exists.raw != b":1\r\n" {
                            return Ok(Err(format!(
                                "{} answered RANDOMKEY with {}, but EXISTS of it is {}",
                                conn.label,
                                show_arg(k),
                                show(&exists.raw)
                            )));
                        }
                    }
                    Ok(Ok("a key that exists".into()))
                }
                _ if a.raw == b.raw => Ok(Ok(show(&a.raw))),
                _ => Ok(differ("replies differ", show(&a.raw), show(&b.raw))),
            },
            Check::Scan | Check::ElementScan(_) => {
                let (at, group) = match check {
                    Check::ElementScan(group) => (2, group),
                    _ => (1, 1),
                };
                let x = scan_all(&mut self.reference, argv, a, at, group)?;
                let y = scan_all(&mut self.candidate, argv, b, at, group)?;
                match (x, y) {
                    (Ok(x), Ok(y)) if x == y => Ok(Ok(format!("{} keys", x.len()))),
                    (Err(x), Err(y)) if x == y => Ok(Ok(show(&x))),
                    (x, y) => Ok(differ(
                        "a whole SCAN differs (keys as a set)",
                        show_scan(&x),
                        show_scan(&y),
                    )),
                }
            }
        }
    }

    /// What both servers hold at the end, compared: each database's size,
    /// and each key's type, whether it has a TTL, and its value (as a
    /// string, a hash, a list, a set and a sorted set, all but one of which
    /// are WRONGTYPE). Pipelined.
    fn compare_state(&mut self) -> Result<Result<(), String>, String> {
        let mut argvs: Vec<(Check, Vec<Vec<u8>>)> = Vec::new();
        for db in DATABASES {
            argvs.push((
                Check::Exact,
                vec![b"SELECT".to_vec(), db.as_bytes().to_vec()],
            ));
            argvs.push((Check::Exact, vec![b"DBSIZE".to_vec()]));
            for k in KEYS {
                for (check, name, rest) in [
                    (Check::Exact, &b"TYPE"[..], &[][..]),
                    (Check::Ttl, b"PTTL", &[]),
                    (Check::Exact, b"GET", &[]),
                    (Check::Pairs, b"HGETALL", &[]),
                    (Check::Exact, b"LRANGE", &[&b"0"[..], b"-1"]),
                    (Check::Unordered, b"SMEMBERS", &[]),
                    (Check::Exact, b"ZRANGE", &[b"0", b"-1", b"WITHSCORES"]),
                ] {
                    // A family not yet in sharedkv is not read back.
                    if sharedkv_commands::by_name(name).is_none() {
                        continue;
                    }
                    let mut argv = vec![name.to_vec(), k.to_vec()];
                    argv.extend(rest.iter().map(|w| w.to_vec()));
                    argvs.push((check, argv));
                }
            }
        }
        let mut replies = Vec::new();
        for conn in [&mut self.reference, &mut self.candidate] {
            let mut out = BytesMut::new();
            for (_, argv) in &argvs {
                encode_request(&mut out, argv);
            }
            conn.stream
                .write_all(&out)
                .map_err(|e| format!("{}: sending the final reads: {e}", conn.label))?;
            let mut these = Vec::new();
            for _ in &argvs {
                these.push(conn.read_reply()?);
            }
            replies.push(these);
        }
        let mut selected = &argvs[0].1;
        for (((check, argv), a), b) in argvs.iter().zip(&replies[0]).zip(&replies[1]) {
            if argv[0] == b"SELECT" {
                selected = argv;
            }
            if normalise(*check, a) != normalise(*check, b) {
                return Ok(Err(format!(
                    "the final state differs: after {}, {}\n  {:<14} {}\n  {:<14} {}",
                    show_argv(selected),
                    show_argv(argv),
                    self.reference.label,
                    show(&a.raw),
                    self.candidate.label,
                    show(&b.raw)
                )));
            }
        }
        Ok(Ok(()))
    }
}

/// Follows a `SCAN` whose first reply is `first` to cursor 0: the sorted set
/// of keys, or the error (or odd) reply as it came.
fn scan_all(
    conn: &mut Conn,
    argv: &[Vec<u8>],
    first: Reply,
    cursor_at: usize,
    group: usize,
) -> Result<Result<Vec<Vec<u8>>, Vec<u8>>, String> {
    let mut reply = first;
    let mut keys = Vec::new();
    for _ in 0..10_000 {
        let Frame::Array(parts) = &reply.frame else {
            return Ok(Err(reply.raw));
        };
        let [Frame::Bulk(cursor), Frame::Array(batch)] = parts.as_slice() else {
            return Ok(Err(reply.raw));
        };
        if batch.len() % group != 0 {
            return Ok(Err(reply.raw));
        }
        keys.extend(
            batch
                .chunks(group)
                .map(|g| g.iter().flat_map(frame_bytes).collect()),
        );
        if &cursor[..] == b"0" {
            keys.sort();
            keys.dedup();
            return Ok(Ok(keys));
        }
        let mut next = argv.to_vec();
        next[cursor_at] = cursor.to_vec();
        reply = conn.call(&next)?;
    }
    Err(format!("{}: SCAN did not return to cursor 0", conn.label))
}

fn show_scan(result: &Result<Vec<Vec<u8>>, Vec<u8>>) -> String {
    match result {
        Ok(keys) => format!(
            "keys {{{}}}",
            keys.iter().map(|k| show(k)).collect::<Vec<_>>().join(", ")
        ),
        Err(raw) => show(raw),
    }
}

/// Runs one sequence on both servers; `Err` describes the first difference
/// with the sequence up to it.
fn run_case(pair: &mut Pair, cmds: &[Cmd]) -> Result<(), TestCaseError> {
    let outcome = (|| -> Result<Result<(), String>, String> {
        pair.reset()?;
        let now_secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| format!("the clock is before 1970: {e}"))?
            .as_secs();
        let mut transcript = String::new();
        // While a transaction is open: how each queued reply is compared.
        let mut queued: Option<Vec<Check>> = None;
        for (pos, cmd) in cmds.iter().enumerate() {
            let argv = cmd.render(pos, now_secs);
            let queueing = queued.is_some() && !transactions::runs_at_once(cmd.name);
            if queueing && (!transactions::queueable(cmd.check) || cmd.not_on.is_some()) {
                transcript.push_str(&format!(
                    "  {pos:>2}  {}  -> not sent inside MULTI\n",
                    show_argv(&argv)
                ));
                continue;
            }
            if cmd.name == "exec" && queued.is_some() {
                let checks = queued.take().unwrap_or_default();
                match pair.compare_exec(&argv, &checks)? {
                    Ok(seen) => {
                        transcript
                            .push_str(&format!("  {pos:>2}  {}  -> {seen}\n", show_argv(&argv)));
                        continue;
                    }
                    Err(diff) => {
                        return Ok(Err(format!(
                            "after FLUSHALL, SELECT 0:\n{transcript}  {pos:>2}  {}\n{diff}",
                            show_argv(&argv)
                        )));
                    }
                }
            }
            if let (Some(kind), Some(key)) = (cmd.not_on, argv.get(1))
                && pair.reference.call(&[b"TYPE".to_vec(), key.clone()])?.raw
                    == format!("+{kind}\r\n").into_bytes()
            {
                transcript.push_str(&format!(
                    "  {pos:>2}  {}  -> not sent: a {kind}\n",
                    show_argv(&argv)
                ));
                continue;
            }
            if cmd.fresh_errno && !queueing {
                pair.clear_errno()?;
            }
            let check = if queueing { Check::Exact } else { cmd.check };
            let compared = pair.compare(check, &argv)?;
            if let Ok(seen) = &compared {
                match cmd.name {
                    _ if queueing && seen.starts_with("+QUEUED") => {
                        if let Some(checks) = queued.as_mut() {
                            checks.push(cmd.check);
                        }
                    }
                    "multi" if seen.starts_with("+OK") => queued = Some(Vec::new()),
                    "discard" if seen.starts_with("+OK") => queued = None,
                    "reset" if seen.starts_with("+RESET") => queued = None,
                    _ => {}
                }
            }
            match compared {
                Ok(seen) => {
                    transcript.push_str(&format!("  {pos:>2}  {}  -> {seen}\n", show_argv(&argv)));
                }
                Err(diff) => {
                    return Ok(Err(format!(
                        "after FLUSHALL, SELECT 0:\n{transcript}  {pos:>2}  {}\n{diff}",
                        show_argv(&argv)
                    )));
                }
            }
        }
        if std::env::var_os("SHAREDKV_DIFF_SHOW").is_some() {
            eprintln!("after FLUSHALL, SELECT 0:\n{transcript}");
        }
        pair.end_transaction(queued.is_some())?;
        Ok(pair
            .compare_state()?
            .map_err(|diff| format!("after FLUSHALL, SELECT 0:\n{transcript}{diff}")))
    })();
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(diff)) => Err(TestCaseError::fail(diff)),
        Err(io) => {
            // Start the next case on fresh connections.
            let again = pair
                .reference
                .reconnect()
                .and_then(|()| pair.candidate.reconnect());
            Err(TestCaseError::fail(format!(
                "{io}{}\nwhile running:\n{}",
                again.err().map_or(String::new(), |e| format!(" (and {e})")),
                cmds.iter()
                    .map(|c| format!("  {c:?}\n"))
                    .collect::<String>()
            )))
        }
    }
}

/// Runs the generated cases of `entries` on `pair` and panics with the
/// smallest failing sequence proptest finds.
fn check_all(what: &str, pair: Pair, entries: &[&'static Entry]) {
    let cases = match std::env::var("SHAREDKV_DIFF_CASES") {
        Ok(n) => n
            .parse()
            .unwrap_or_else(|_| panic!("SHAREDKV_DIFF_CASES={n:?} is not a number of cases")),
        Err(_) if pair.reference.resp3 => DEFAULT_CASES_RESP3,
        Err(_) => DEFAULT_CASES,
    };
    let seed = match std::env::var("PROPTEST_RNG_SEED") {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("PROPTEST_RNG_SEED={s:?} is not a u64")),
        Err(_) => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    };
    let config = RunnerConfig {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        max_shrink_iters: 4096,
        max_shrink_time: 60_000,
        ..RunnerConfig::default()
    };
    let pair = RefCell::new(pair);
    let started = Instant::now();
    let result = TestRunner::new(config).run(&sequence(entries), |cmds| {
        run_case(&mut pair.borrow_mut(), &cmds)
    });
    match result {
        Ok(()) => eprintln!(
            "{what}: {cases} sequences matched in {:.1?}",
            started.elapsed()
        ),
        Err(TestError::Fail(reason, _)) => panic!(
            "{what}: a sequence answered differently (seed {seed}; rerun with \
             PROPTEST_RNG_SEED={seed})\n{reason}"
        ),
        Err(TestError::Abort(reason)) => panic!("{what}: proptest gave up: {reason}"),
    }
}

// ---------------------------------------------------------------- the servers

/// `redis-server` on `PATH`, if there is one.
fn find_redis() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("redis-server"))
        .find(|p| p.is_file())
}

/// A `redis-server` child process on a loopback port, killed on drop.
struct RedisServer {
    child: Child,
    addr: SocketAddr,
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RedisServer {
    /// Starts one, or returns `None` after saying why the test is skipped
    /// (and fails instead under `CI`).
    fn start() -> Option<RedisServer> {
        let Some(binary) = find_redis() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "redis-server not found on PATH, and CI is set: CI installs it \
                 (.ci/run), so the differential test must not pass without it"
            );
            eprintln!("SKIPPED: redis-server not found on PATH (.ci/run installs it)");
            return None;
        };
        // The port is free when we look; another process may take it before
        // redis-server binds it, so try a few.
        let mut last = String::new();
        for _ in 0..5 {
            let addr = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("bind a loopback port to find a free one");
            let child = Command::new(&binary)
                .args(["--port", &addr.port().to_string()])
                .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                .args(["--daemonize", "no", "--enable-debug-command", "local"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
            let mut server = RedisServer { child, addr };
            match server.wait_ready() {
                Ok(()) => return Some(server),
                Err(e) => last = e,
            }
        }
        panic!("redis-server did not start: {last}");
    }

    /// Waits until it answers PING.
    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("it exited at once ({status}) on {}", self.addr));
            }
            if let Ok(mut conn) = Conn::connect("redis-server", self.addr)
                && conn.expect(&[b"PING"], b"+PONG\r\n").is_ok()
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("no PONG on {} within {WAIT:?}", self.addr));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// sharedkv over one store, served in process on its own multi-threaded
/// runtime, on a loopback port.
struct Sharedkv {
    runtime: Runtime,
    addr: SocketAddr,
    shutdown: CancellationToken,
    task: JoinHandle<io::Result<()>>,
}

impl Sharedkv {
    fn start<D: Db>(new: impl FnOnce() -> D) -> Sharedkv {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("build a runtime");
        let shutdown = CancellationToken::new();
        let (addr, task) = runtime.block_on(async {
            // The store spawns its expiry sweep: create it on the runtime.
            let db = new();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind 127.0.0.1:0");
            let addr = listener.local_addr().expect("local_addr");
            let until = shutdown.clone().cancelled_owned();
            let config = sharedkv_server::Config::default();
            let task = tokio::spawn(sharedkv_server::run(listener, db, config, until));
            (addr, task)
        });
        Sharedkv {
            runtime,
            addr,
            shutdown,
            task,
        }
    }

    /// Shuts it down and checks that `run` returned `Ok` in time.
    fn stop(self) {
        self.shutdown.cancel();
        let Sharedkv { runtime, task, .. } = self;
        let result = runtime
            .block_on(async { tokio::time::timeout(WAIT, task).await })
            .expect("run did not return in time after the shutdown");
        result
            .expect("the server task panicked")
            .expect("run failed");
    }
}

/// The entries that run against sharedkv, and a line on those that do not.
fn sharedkv_entries() -> Vec<&'static Entry> {
    let entries = entries();
    let waiting: Vec<&str> = entries
        .iter()
        .filter(|e| !e.implemented())
        .map(|e| e.name)
        .collect();
    let skipped: Vec<&str> = entries.iter().filter(|e| e.skip).map(|e| e.name).collect();
    if !waiting.is_empty() {
        eprintln!("not in sharedkv yet, not generated: {}", waiting.join(" "));
    }
    if !skipped.is_empty() {
        eprintln!("skipped for known divergences: {}", skipped.join(" "));
    }
    entries
        .into_iter()
        .filter(|e| e.implemented() && !e.skip)
        .collect()
}

/// Generated sequences get the same replies from sharedkv over `new`'s
/// store as from redis-server, on RESP3 connections if `resp3`.
fn differential<D: Db>(strategy: &str, new: impl FnOnce() -> D, resp3: bool) {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let ours = Sharedkv::start(new);
    let mut pair = Pair {
        reference: Conn::connect("redis-server", redis.addr)
            .unwrap_or_else(|e| panic!("connecting to redis-server on {}: {e}", redis.addr)),
        candidate: Conn::connect("sharedkv", ours.addr)
            .unwrap_or_else(|e| panic!("connecting to sharedkv on {}: {e}", ours.addr)),
    };
    let what = if resp3 {
        pair.reference.hello3().expect("HELLO 3 to redis-server");
        pair.candidate.hello3().expect("HELLO 3 to sharedkv");
        format!("{strategy} (RESP3)")
    } else {
        strategy.to_owned()
    };
    check_all(&what, pair, &sharedkv_entries());
    ours.stop();
    drop(redis);
}

/// Every entry, skipped or not yet in sharedkv included, gets the same
/// replies from two redis-servers: the generator decides replies by the
/// commands alone, not by timing or order.
#[test]
fn redis_against_itself() {
    redis_against_itself_in(false);
}

/// The same on RESP3 connections: under RESP3 too, the checks decide by
/// the commands alone (a set or map compared as the checks say).
#[test]
fn redis_against_itself_resp3() {
    redis_against_itself_in(true);
}

fn redis_against_itself_in(resp3: bool) {
    let Some(first) = RedisServer::start() else {
        return;
    };
    let Some(second) = RedisServer::start() else {
        return;
    };
    let mut pair = Pair {
        reference: Conn::connect("redis-server", first.addr).expect("connect to redis-server"),
        candidate: Conn::connect("second redis", second.addr).expect("connect to redis-server"),
    };
    if resp3 {
        pair.reference.hello3().expect("HELLO 3");
        pair.candidate.hello3().expect("HELLO 3");
    }
    let what = if resp3 {
        "redis against itself (RESP3)"
    } else {
        "redis against itself"
    };
    check_all(what, pair, &entries());
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            /// Generated command sequences get the same bytes from sharedkv
            /// over this strategy as from redis-server.
            #[test]
            fn matches_redis() {
                super::differential(stringify!($strategy), || $new, false);
            }

            /// The same on RESP3 connections (`HELLO 3` first).
            #[test]
            fn matches_redis_resp3() {
                super::differential(stringify!($strategy), || $new, true);
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

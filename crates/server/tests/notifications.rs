//! Keyspace notifications end to end, with redis-server 7.0.15 as the
//! oracle: a client subscribed to `__key*__:*` must see exactly the events
//! redis-server publishes for the same commands, in the same order (see
//! `support/oracle.rs`). One script per family of commands, on two
//! strategies of different kinds; the generic and string script on every
//! strategy.

mod support;

#[path = "support/oracle.rs"]
mod oracle;

use oracle::{RedisServer, assert_same, transcript};
use sharedkv_db::Db;
use support::start;

/// Client 0 listens to every keyspace and keyevent channel; client 1 turns
/// events on with `flags` and runs `script`.
fn with_listener(flags: &'static str, script: &[&'static str]) -> Vec<String> {
    let mut steps = vec![
        "0 PSUBSCRIBE __key*__:*".to_owned(),
        format!("1 CONFIG SET notify-keyspace-events {flags}"),
    ];
    steps.extend(script.iter().map(|s| (*s).to_owned()));
    steps
}

/// Runs `script` (client 1's commands) on redis-server and on sharedkv over
/// `db`, with client 0 listening, and compares what both clients saw.
async fn same_events<D: Db>(db: D, what: &str, flags: &'static str, script: &[&'static str]) {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let steps = with_listener(flags, script);
    let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
    let reference = transcript(redis.addr, 2, &[], &steps).await;
    let server = start(db).await;
    let ours = transcript(server.addr, 2, &[], &steps).await;
    assert_same(what, &reference, &ours);
    server.stop().await;
}

/// Generic commands and strings: del, expire, persist, rename, copy, move; set and its variants, counters, ranges, bits.
const GENERIC_AND_STRINGS: &[&str] = &[
    "1 SET k v",
    "1 SET k v2 EX 100",
    "1 SET k v3 NX",
    "1 SET k v4 XX KEEPTTL",
    "1 SETNX k x",
    "1 SETNX n x",
    "1 SETEX s 100 v",
    "1 PSETEX p 100000 v",
    "1 GETSET k g",
    "1 MSET a 1 b 2 a 3",
    "1 MSETNX c 1 a 2",
    "1 MSETNX c 1 d 2",
    "1 INCR i",
    "1 INCRBY i 5",
    "1 DECR i",
    "1 DECRBY i 2",
    "1 INCRBYFLOAT f 1.5",
    "1 INCR k",
    "1 APPEND k tail",
    "1 APPEND new tail",
    "1 SETRANGE k 2 xy",
    "1 SETRANGE k 1 ",
    "1 SETRANGE sr 3 ab",
    "1 SETBIT bits 7 1",
    "1 BITOP OR dest bits bits",
    "1 BITFIELD bf SET u8 0 255 GET u8 0",
    "1 BITFIELD bf GET u8 0",
    "1 BITFIELD bf OVERFLOW FAIL INCRBY u8 0 10",
    "1 BITFIELD bf OVERFLOW FAIL INCRBY u8 0 10 INCRBY u8 8 1",
    "1 BITOP AND dest nothing",
    "1 BITOP AND never nothing",
    "1 GETDEL a",
    "1 GETDEL a",
    "1 GETEX b EX 100",
    "1 GETEX b PERSIST",
    "1 GETEX b PERSIST",
    "1 GETEX b",
    "1 GETEX b PXAT 1",
    "1 EXPIRE c 100",
    "1 EXPIRE c 50 GT",
    "1 PEXPIRE c 200000",
    "1 EXPIREAT c 4000000000",
    "1 PERSIST c",
    "1 PERSIST c",
    "1 EXPIRE nothing 10",
    "1 EXPIRE c -1",
    "1 DEL d n nothing d",
    "1 UNLINK s",
    "1 RENAME p q",
    "1 RENAME q q",
    "1 RENAMENX q k",
    "1 RENAMENX q r",
    "1 COPY r r2",
    "1 COPY r r2",
    "1 COPY r r2 REPLACE",
    "1 COPY r r3 DB 2",
    "1 MOVE r 3",
    "1 MOVE r 3",
    "1 SELECT 3",
    "1 DEL r",
    "1 SELECT 0",
    "1 FLUSHALL",
];

/// Hashes: hset (HSET, HMSET, HSETNX), hdel and the del of the last field, the increments.
const HASHES: &[&str] = &[
    "1 HSET h a 1 b 2",
    "1 HSET h a 3",
    "1 HMSET h c 4",
    "1 HSETNX h a 9",
    "1 HSETNX h z 9",
    "1 HINCRBY h n 5",
    "1 HINCRBYFLOAT h f 1.5",
    "1 HDEL h nothing",
    "1 HDEL h a b c",
    "1 HDEL h n f z",
    "1 HDEL h a",
    "1 HGET h a",
    "1 SET s v",
    "1 HSET s a 1",
    "1 HDEL s a",
];

/// Lists: pushes, pops and the del of the last element, LSET, LREM, LTRIM, LINSERT, LMOVE, LMPOP, SORT STORE.
const LISTS: &[&str] = &[
    "1 LPUSH l a b c",
    "1 RPUSH l d e",
    "1 LPUSHX nothing a",
    "1 RPUSHX l f",
    "1 LPOP l",
    "1 RPOP l 2",
    "1 LPOP l 0",
    "1 LPOP nothing",
    "1 LSET l 0 z",
    "1 LINSERT l BEFORE z y",
    "1 LINSERT l AFTER nothing q",
    "1 LREM l 0 absent",
    "1 LREM l 1 y",
    "1 LTRIM l 0 -1",
    "1 LTRIM l 0 0",
    "1 LTRIM nothing 0 1",
    "1 RPUSH src 1 2",
    "1 LMOVE src dst LEFT RIGHT",
    "1 RPOPLPUSH src dst",
    "1 LMOVE dst dst LEFT LEFT",
    "1 LMOVE nothing dst LEFT LEFT",
    "1 LMPOP 2 nothing dst LEFT COUNT 5",
    "1 RPUSH n 3 1 2",
    "1 SORT n STORE sorted",
    "1 SORT nothing STORE sorted",
    "1 SORT nothing STORE sorted",
    "1 LTRIM l 5 10",
    "1 RPUSH one x",
    "1 LREM one 0 x",
];

/// Sets: sadd, srem, spop, smove, and the stores with an empty result's del.
const SETS: &[&str] = &[
    "1 SADD s a b c",
    "1 SADD s a",
    "1 SREM s nothing",
    "1 SREM s a",
    "1 SPOP s 0",
    "1 SPOP nothing",
    "1 SADD t x",
    "1 SMOVE s t b",
    "1 SMOVE s s c",
    "1 SMOVE s t nothing",
    "1 SADD u c",
    "1 SMOVE s u c",
    "1 SMOVE t fresh x",
    "1 SMOVE t fresh b",
    "1 SADD a 1 2 3",
    "1 SADD b 2 3 4",
    "1 SINTERSTORE i a b",
    "1 SUNIONSTORE un a b",
    "1 SDIFFSTORE d a b",
    "1 SDIFFSTORE d a a",
    "1 SDIFFSTORE d a a",
    "1 SREM a 1 2 3",
    "1 SPOP b 10",
    "1 SADD p only",
    "1 SPOP p",
];

/// Sorted sets: zadd (changes only), zincr, zrem, the range removals, pops, the stores.
const ZSETS: &[&str] = &[
    "1 ZADD z 1 a 2 b 3 c",
    "1 ZADD z 1 a",
    "1 ZADD z 5 a",
    "1 ZADD z NX 9 a",
    "1 ZADD z XX CH 7 a 8 nothing",
    "1 ZADD z INCR 1 a",
    "1 ZADD z INCR 0 a",
    "1 ZINCRBY z 2 b",
    "1 ZREM z nothing",
    "1 ZREM z b",
    "1 ZADD z 10 d 11 e 12 f",
    "1 ZREMRANGEBYRANK z 0 0",
    "1 ZREMRANGEBYSCORE z 100 200",
    "1 ZREMRANGEBYSCORE z 10 10",
    "1 ZREMRANGEBYLEX z [x [y",
    "1 ZPOPMIN z",
    "1 ZPOPMAX z 2",
    "1 ZPOPMIN nothing",
    "1 ZADD a 1 x 2 y",
    "1 ZADD b 2 y 3 w",
    "1 ZUNIONSTORE u 2 a b",
    "1 ZINTERSTORE i 2 a b",
    "1 ZDIFFSTORE d 2 a b",
    "1 ZDIFFSTORE d 2 a a",
    "1 ZRANGESTORE r a 0 -1",
    "1 ZRANGESTORE r a 5 10",
    "1 ZMPOP 2 nothing a MIN COUNT 5",
    "1 ZADD one 1 m",
    "1 ZREM one m",
];

/// Keys removed when their time runs out (the sweep; a write or read
/// after it finds nothing), a key given a new TTL before it ran out, and
/// one made persistent.
const EXPIRED: &[&str] = &[
    "1 SET e1 v PX 400",
    "1 SET e2 v PX 400",
    "1 HSET h f v",
    "1 PEXPIRE h 400",
    "1 SET saved v PX 400",
    "1 PERSIST saved",
    "1 SET later v PX 400",
    "1 PEXPIRE later 100000",
    "1 SELECT 5",
    "1 SET e5 v PX 400",
    "1 SELECT 0",
    "^sleep 1200",
    "1 GET e1",
    "1 SET e2 again",
    "1 EXISTS h saved later",
];

/// Only the K channels, only the E channels, one class, and `n` (new keys) with `A`.
const FLAG_CHOICES: &[(&str, &[&str])] = &[
    ("K$", &["1 SET k v", "1 DEL k", "1 SET k v EX 10"]),
    ("Eg", &["1 SET k v", "1 EXPIRE k 10", "1 DEL k"]),
    (
        "KEAn",
        &[
            "1 SET k v",
            "1 SET k w",
            "1 INCR i",
            "1 RENAME i j",
            "1 DEL k",
        ],
    ),
    ("", &["1 SET k v", "1 DEL k"]),
];

async fn generic_and_strings<D: Db>(db: D) {
    same_events(db, "generic and strings", "KEA", GENERIC_AND_STRINGS).await;
}

/// `expired` events, by sorted transcript lines within the step that waits:
/// the order in which the sweep finds keys of one pass is Redis's own. With
/// `n` too: both come from the store's shared code, which differs between
/// the two kinds of strategy.
async fn expired<D: Db>(db: D) {
    same_events(db, "expired", "KEAn", EXPIRED).await;
}

async fn hashes<D: Db>(db: D) {
    same_events(db, "hashes", "KEA", HASHES).await;
}

async fn lists<D: Db>(db: D) {
    same_events(db, "lists", "KEA", LISTS).await;
}

async fn sets<D: Db>(db: D) {
    same_events(db, "sets", "KEA", SETS).await;
}

async fn zsets<D: Db>(db: D) {
    same_events(db, "sorted sets", "KEA", ZSETS).await;
}

/// Every family again with `new` events on (`KEAn`): a key's creation comes before its command's event.
async fn new_keys<D: Db>(db: D) {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let server = start(db).await;
    for (what, script) in [
        ("generic and strings (n)", GENERIC_AND_STRINGS),
        ("hashes (n)", HASHES),
        ("lists (n)", LISTS),
        ("sets (n)", SETS),
        ("sorted sets (n)", ZSETS),
    ] {
        let mut steps = with_listener("KEAn", script);
        steps.push("1 FLUSHALL".to_owned());
        let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
        let reference = transcript(redis.addr, 2, &[], &steps).await;
        let ours = transcript(server.addr, 2, &[], &steps).await;
        assert_same(what, &reference, &ours);
    }
    server.stop().await;
}

async fn flag_choices<D: Db>(db: D) {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let server = start(db).await;
    for (flags, script) in FLAG_CHOICES {
        let steps = with_listener(flags, script);
        let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
        let reference = transcript(redis.addr, 2, &[], &steps).await;
        let ours = transcript(server.addr, 2, &[], &steps).await;
        assert_same(&format!("flags {flags:?}"), &reference, &ours);
    }
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] generic_and_strings,
                #[tokio::test] hashes,
                #[tokio::test] lists,
                #[tokio::test] sets,
                #[tokio::test] zsets,
                #[tokio::test] new_keys,
                #[tokio::test] flag_choices,
            }
        }
    };
}

stamp!(std_mutex, sharedkv_testsuite::strategies::StdMutexDb::new());
stamp!(papaya, sharedkv_testsuite::strategies::PapayaDb::new());

/// Every strategy: the store's own events (`expired`, `new`) come from
/// the code each kind of strategy shares, so each is checked once.
mod every_strategy {
    macro_rules! stamp_all {
        ($strategy:ident, $new:expr) => {
            mod $strategy {
                sharedkv_testsuite::stamp_checks! { $new =>
                    #[tokio::test] expired,
                }
            }
        };
    }

    use super::expired;

    sharedkv_testsuite::for_each_strategy!(stamp_all);
}

//! The set commands through the command layer, on one strategy. Every
//! reply that `check` compares was first taken from redis-server 7.0.15
//! with the same requests, from an empty server; replies in the set's own
//! order, or chosen at random (`SPOP`, `SRANDMEMBER`), are checked by hand
//! below the tables.

mod support;

use std::collections::HashSet;

use proptest::strategy::Strategy as _;

use bytes::{Bytes, BytesMut};
use sharedkv_commands::sets::{self, SetOp};
use sharedkv_commands::{Ctx, Reply, Thresholds, find, run};
use sharedkv_db::{DbIndex, Store};
use sharedkv_std_mutex::StdMutexDb;
use support::Session;

type S = Session<StdMutexDb>;

const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

fn session() -> S {
    Session::new(StdMutexDb::new())
}

/// Sends each request and compares its raw reply.
async fn check(s: &mut S, steps: &[(&[&str], &str)]) {
    for (words, expected) in steps {
        assert_eq!(s.call(words).await, *expected, "{words:?}");
    }
}

/// The elements of a flat array of bulk strings, in the reply's order.
fn bulks(reply: &str) -> Vec<String> {
    let mut lines = reply.split("\r\n");
    let header = lines.next().unwrap_or_default();
    let n: usize = header
        .strip_prefix('*')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("an array: {reply:?}"));
    let lines: Vec<&str> = lines.collect();
    let out: Vec<String> = lines
        .chunks(2)
        .filter(|pair| pair.len() == 2)
        .map(|pair| pair[1].to_owned())
        .collect();
    assert_eq!(out.len(), n, "{reply:?}");
    out
}

/// The elements of a flat array of bulk strings, sorted.
fn sorted(reply: &str) -> Vec<String> {
    let mut out = bulks(reply);
    out.sort();
    out
}

fn strings(words: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    out.sort();
    out
}

/// The members of `key`, sorted.
async fn members(s: &mut S, key: &str) -> Vec<String> {
    sorted(&s.call(&["SMEMBERS", key]).await)
}

/// SADD counts new members (a member named twice once), SREM counts those it removed, and the last SREM removes the key.
#[tokio::test]
async fn add_and_remove() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SADD", "s", "a", "b", "a"], ":2\r\n"),
            (&["SADD", "s", "b", "c"], ":1\r\n"),
            (&["SADD", "s", "a"], ":0\r\n"),
            (&["SCARD", "s"], ":3\r\n"),
            (&["SCARD", "nokey"], ":0\r\n"),
            (&["TYPE", "s"], "+set\r\n"),
            (&["SISMEMBER", "s", "a"], ":1\r\n"),
            (&["SISMEMBER", "s", "z"], ":0\r\n"),
            (&["SISMEMBER", "nokey", "a"], ":0\r\n"),
            (
                &["SMISMEMBER", "s", "a", "z", "c", "a"],
                "*4\r\n:1\r\n:0\r\n:1\r\n:1\r\n",
            ),
            (&["SMISMEMBER", "nokey", "a", "b"], "*2\r\n:0\r\n:0\r\n"),
            (&["SREM", "s", "a", "z", "a"], ":1\r\n"),
            (&["SREM", "s", "z"], ":0\r\n"),
            (&["SREM", "nokey", "a"], ":0\r\n"),
            (&["SCARD", "s"], ":2\r\n"),
            (&["SREM", "s", "b", "c"], ":2\r\n"),
            (&["EXISTS", "s"], ":0\r\n"),
            (&["SMEMBERS", "s"], "*0\r\n"),
            (&["SADD", "", ""], ":1\r\n"),
            (&["SMEMBERS", ""], "*1\r\n$0\r\n\r\n"),
            (
                &["SADD", "s"],
                "-ERR wrong number of arguments for 'sadd' command\r\n",
            ),
            (
                &["SREM", "s"],
                "-ERR wrong number of arguments for 'srem' command\r\n",
            ),
            (
                &["SCARD"],
                "-ERR wrong number of arguments for 'scard' command\r\n",
            ),
            (
                &["SCARD", "s", "t"],
                "-ERR wrong number of arguments for 'scard' command\r\n",
            ),
            (
                &["SISMEMBER", "s"],
                "-ERR wrong number of arguments for 'sismember' command\r\n",
            ),
            (
                &["SMISMEMBER", "s"],
                "-ERR wrong number of arguments for 'smismember' command\r\n",
            ),
            (
                &["SMEMBERS"],
                "-ERR wrong number of arguments for 'smembers' command\r\n",
            ),
        ],
    )
    .await;
    s.call(&["SADD", "s", "1", "x", "2", "\u{e9}"]).await;
    assert_eq!(members(&mut s, "s").await, strings(&["1", "2", "x", "é"]));
}

/// Set commands on a string, and string and hash commands on a set, answer WRONGTYPE and change nothing.
#[tokio::test]
async fn wrong_type_both_ways() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SET", "str", "x"], "+OK\r\n"),
            (&["SADD", "s", "a", "b"], ":2\r\n"),
            (&["SADD", "str", "a"], WRONGTYPE),
            (&["SREM", "str", "a"], WRONGTYPE),
            (&["SMEMBERS", "str"], WRONGTYPE),
            (&["SISMEMBER", "str", "a"], WRONGTYPE),
            (&["SMISMEMBER", "str", "a"], WRONGTYPE),
            (&["SCARD", "str"], WRONGTYPE),
            (&["SPOP", "str"], WRONGTYPE),
            (&["SPOP", "str", "1"], WRONGTYPE),
            (&["SPOP", "str", "0"], WRONGTYPE),
            (&["SRANDMEMBER", "str"], WRONGTYPE),
            (&["SRANDMEMBER", "str", "0"], WRONGTYPE),
            (&["SRANDMEMBER", "str", "-3"], WRONGTYPE),
            (&["SMOVE", "str", "s", "a"], WRONGTYPE),
            (&["SMOVE", "s", "str", "a"], WRONGTYPE),
            (&["SMOVE", "s", "str", "zz"], WRONGTYPE),
            (&["SINTER", "str"], WRONGTYPE),
            (&["SINTER", "s", "str"], WRONGTYPE),
            (&["SINTER", "nokey", "str"], WRONGTYPE),
            (&["SINTERCARD", "2", "nokey", "str"], WRONGTYPE),
            (&["SUNION", "nokey", "str"], WRONGTYPE),
            (&["SDIFF", "s", "nokey", "str"], WRONGTYPE),
            (&["SDIFF", "nokey", "str"], WRONGTYPE),
            (&["SSCAN", "str", "0"], WRONGTYPE),
            (&["SSCAN", "str", "0", "FOO"], WRONGTYPE),
            (&["GET", "s"], WRONGTYPE),
            (&["APPEND", "s", "x"], WRONGTYPE),
            (&["INCR", "s"], WRONGTYPE),
            (&["HSET", "s", "f", "v"], WRONGTYPE),
            (&["HGET", "s", "f"], WRONGTYPE),
            (&["MGET", "s", "str"], "*2\r\n$-1\r\n$1\r\nx\r\n"),
            (&["GET", "str"], "$1\r\nx\r\n"),
            (&["SCARD", "s"], ":2\r\n"),
            (&["SET", "s", "y"], "+OK\r\n"),
            (&["TYPE", "s"], "+string\r\n"),
        ],
    )
    .await;
}

/// SPOP without a count pops one member or answers nil; with one, a set reply of distinct members, all of them (and the key) when the count covers the set; Redis's errors for bad counts.
#[tokio::test]
async fn spop() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SPOP", "nokey"], "$-1\r\n"),
            (&["SPOP", "nokey", "5"], "*0\r\n"),
            (&["SPOP", "nokey", "0"], "*0\r\n"),
            (&["SADD", "s", "a", "b", "c"], ":3\r\n"),
            (&["SPOP", "s", "0"], "*0\r\n"),
            (
                &["SPOP", "s", "-1"],
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                &["SPOP", "nokey", "-1"],
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                &["SPOP", "s", "abc"],
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                &["SPOP", "s", ""],
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                &["SPOP", "s", "01"],
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                &["SPOP", "s", "-9223372036854775808"],
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                &["SPOP", "s", "9223372036854775808"],
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                &["SPOP", "str", "-1"],
                "-ERR value is out of range, must be positive\r\n",
            ),
            (&["SPOP", "s", "1", "2"], "-ERR syntax error\r\n"),
            (&["SPOP", "nokey", "1", "2"], "-ERR syntax error\r\n"),
            (
                &["SPOP"],
                "-ERR wrong number of arguments for 'spop' command\r\n",
            ),
            (&["SCARD", "s"], ":3\r\n"),
        ],
    )
    .await;
    let all = sorted(&s.call(&["SPOP", "s", "9223372036854775807"]).await);
    assert_eq!(all, strings(&["a", "b", "c"]));
    assert_eq!(s.call(&["EXISTS", "s"]).await, ":0\r\n");

    // A count below the size pops that many distinct members, and exactly those.
    let eight = ["1", "2", "3", "4", "5", "6", "7", "8"];
    let mut sadd = vec!["SADD", "s"];
    sadd.extend(eight);
    s.call(&sadd).await;
    let popped = bulks(&s.call(&["SPOP", "s", "3"]).await);
    let distinct: HashSet<&String> = popped.iter().collect();
    assert_eq!((popped.len(), distinct.len()), (3, 3), "{popped:?}");
    let left = members(&mut s, "s").await;
    assert_eq!(left.len(), 5);
    let mut both: Vec<String> = left.iter().chain(&popped).cloned().collect();
    both.sort();
    assert_eq!(both, strings(&eight));

    // One at a time, every member comes out once, then nil.
    let mut seen = Vec::new();
    for _ in 0..5 {
        let reply = s.call(&["SPOP", "s"]).await;
        let member = reply.split("\r\n").nth(1).expect("a bulk").to_owned();
        seen.push(member);
    }
    seen.sort();
    assert_eq!(seen, left);
    assert_eq!(s.call(&["SPOP", "s"]).await, "$-1\r\n");
    assert_eq!(s.call(&["EXISTS", "s"]).await, ":0\r\n");
}

/// SRANDMEMBER: nil or an empty array for an absent key, distinct members for a positive count, repeats for a negative one, Redis's errors; the set is unchanged.
#[tokio::test]
async fn srandmember() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SRANDMEMBER", "nokey"], "$-1\r\n"),
            (&["SRANDMEMBER", "nokey", "5"], "*0\r\n"),
            (&["SRANDMEMBER", "nokey", "-5"], "*0\r\n"),
            (&["SADD", "s", "a", "b", "c"], ":3\r\n"),
            (&["SRANDMEMBER", "s", "0"], "*0\r\n"),
            (
                &["SRANDMEMBER", "s", "-9223372036854775808"],
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            ),
            (
                &["SRANDMEMBER", "nokey", "-9223372036854775808"],
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            ),
            (&["SRANDMEMBER", "s", "abc"], "-ERR value is not an integer or out of range\r\n"),
            (&["SRANDMEMBER", "nokey", "abc"], "-ERR value is not an integer or out of range\r\n"),
            (&["SRANDMEMBER", "s", "9223372036854775808"], "-ERR value is not an integer or out of range\r\n"),
            (&["SRANDMEMBER", "s", "1", "2"], "-ERR syntax error\r\n"),
            (&["SRANDMEMBER"], "-ERR wrong number of arguments for 'srandmember' command\r\n"),
        ],
    )
    .await;
    let abc = strings(&["a", "b", "c"]);
    for count in ["3", "5", "9223372036854775807"] {
        assert_eq!(sorted(&s.call(&["SRANDMEMBER", "s", count]).await), abc);
    }
    for _ in 0..20 {
        let two = bulks(&s.call(&["SRANDMEMBER", "s", "2"]).await);
        assert!(two.len() == 2 && two[0] != two[1], "{two:?}");
        assert!(two.iter().all(|m| abc.contains(m)), "{two:?}");
        let one = s.call(&["SRANDMEMBER", "s"]).await;
        let one = one.split("\r\n").nth(1).expect("a bulk").to_owned();
        assert!(abc.contains(&one), "{one:?}");
    }
    // Negative counts, below and above the size: repeats, every member from the set.
    for (count, n) in [("-2", 2), ("-3", 3), ("-50", 50)] {
        let drawn = bulks(&s.call(&["SRANDMEMBER", "s", count]).await);
        assert_eq!(drawn.len(), n);
        assert!(drawn.iter().all(|m| abc.contains(m)), "{drawn:?}");
    }
    let many = bulks(&s.call(&["SRANDMEMBER", "s", "-300"]).await);
    let distinct: HashSet<&String> = many.iter().collect();
    assert_eq!(
        distinct.len(),
        3,
        "300 draws with repeats reach all 3 members"
    );
    assert_eq!(members(&mut s, "s").await, abc, "nothing removed");
}

/// SRANDMEMBER with a count of -(2^63-1) stops at the output limit with a cut-off reply instead of growing without end.
#[tokio::test]
async fn srandmember_huge_negative_count_stops_at_the_output_limit() {
    const LIMIT: usize = 64 * 1024;
    let db = StdMutexDb::new();
    sets::sadd(
        &db,
        DbIndex::ZERO,
        Bytes::from_static(b"s"),
        vec![Bytes::from_static(b"a"), Bytes::from_static(b"b")],
    )
    .await
    .unwrap();
    let argv: Vec<Bytes> = ["SRANDMEMBER", "s", "-9223372036854775807"]
        .iter()
        .map(|w| Bytes::copy_from_slice(w.as_bytes()))
        .collect();
    let id = find(&argv).expect("a data command").expect("valid");
    let mut out = BytesMut::new();
    let mut cx = Ctx {
        db: &db,
        selected: DbIndex::ZERO,
        reply: Reply::new(&mut out, LIMIT),
        settings: sharedkv_commands::Settings::defaults(),
    };
    run(id, &mut cx, argv).await.unwrap();
    assert!(cx.reply.was_cut_off());
    assert!(out.len() < 2 * LIMIT, "{} bytes", out.len());
    assert!(out.starts_with(b"*9223372036854775807\r\n"));
}

/// SMOVE moves a member between sets in Redis's order of checks: an absent source is 0 before any type check, a source equal to the destination only looks.
#[tokio::test]
async fn smove() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SADD", "s", "a", "b"], ":2\r\n"),
            (&["SET", "str", "x"], "+OK\r\n"),
            (&["SMOVE", "nokey", "str", "a"], ":0\r\n"),
            (&["SMOVE", "str", "nokey", "a"], WRONGTYPE),
            (&["SMOVE", "s", "str", "a"], WRONGTYPE),
            (&["SMOVE", "s", "s", "a"], ":1\r\n"),
            (&["SMOVE", "s", "s", "zz"], ":0\r\n"),
            (&["SMOVE", "s", "d", "zz"], ":0\r\n"),
            (&["EXISTS", "d"], ":0\r\n"),
            (&["SMOVE", "s", "d", "a"], ":1\r\n"),
            (&["SMOVE", "s", "d", "a"], ":0\r\n"),
            (&["SMEMBERS", "s"], "*1\r\n$1\r\nb\r\n"),
            (&["SMEMBERS", "d"], "*1\r\n$1\r\na\r\n"),
            (&["SADD", "d", "b"], ":1\r\n"),
            (&["SMOVE", "s", "d", "b"], ":1\r\n"),
            (&["EXISTS", "s"], ":0\r\n"),
            (&["SCARD", "d"], ":2\r\n"),
            (
                &["SMOVE", "s", "d"],
                "-ERR wrong number of arguments for 'smove' command\r\n",
            ),
        ],
    )
    .await;
    assert_eq!(members(&mut s, "d").await, strings(&["a", "b"]));
}

/// SINTER, SUNION and SDIFF combine sets, an absent key counting as empty; SINTERCARD counts, up to LIMIT, with Redis's errors.
#[tokio::test]
async fn inter_union_diff() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SADD", "x", "a", "b", "c", "d"], ":4\r\n"),
            (&["SADD", "y", "b", "c", "e"], ":3\r\n"),
            (&["SADD", "z", "c", "f"], ":2\r\n"),
            (&["SINTER", "x", "y", "z"], "*1\r\n$1\r\nc\r\n"),
            (&["SINTER", "x", "nokey"], "*0\r\n"),
            (&["SINTER", "nokey"], "*0\r\n"),
            (&["SUNION", "nokey"], "*0\r\n"),
            (&["SDIFF", "nokey", "x"], "*0\r\n"),
            (&["SDIFF", "x", "x"], "*0\r\n"),
            (&["SDIFF", "z", "x"], "*1\r\n$1\r\nf\r\n"),
            (&["SINTERCARD", "1", "x"], ":4\r\n"),
            (&["SINTERCARD", "2", "x", "y"], ":2\r\n"),
            (&["SINTERCARD", "2", "x", "nokey"], ":0\r\n"),
            (&["SINTERCARD", "2", "x", "y", "LIMIT", "1"], ":1\r\n"),
            (&["SINTERCARD", "2", "x", "y", "limit", "0"], ":2\r\n"),
            (
                &["SINTERCARD", "1", "x", "LIMIT", "9223372036854775807"],
                ":4\r\n",
            ),
            (
                &["SINTERCARD", "1", "x", "LIMIT", "1", "LIMIT", "3"],
                ":3\r\n",
            ),
            (&["SINTERCARD", "1", "x", "LIMIT\u{0}x", "2"], ":2\r\n"),
            (
                &["SINTERCARD", "0", "x"],
                "-ERR numkeys should be greater than 0\r\n",
            ),
            (
                &["SINTERCARD", "-1", "x"],
                "-ERR numkeys should be greater than 0\r\n",
            ),
            (
                &["SINTERCARD", "abc", "x"],
                "-ERR numkeys should be greater than 0\r\n",
            ),
            (
                &["SINTERCARD", "2", "x"],
                "-ERR Number of keys can't be greater than number of args\r\n",
            ),
            (
                &["SINTERCARD", "9223372036854775807", "x"],
                "-ERR Number of keys can't be greater than number of args\r\n",
            ),
            (&["SINTERCARD", "1", "x", "LIMIT"], "-ERR syntax error\r\n"),
            (
                &["SINTERCARD", "1", "x", "FOO", "1"],
                "-ERR syntax error\r\n",
            ),
            (
                &["SINTERCARD", "1", "x", "LIMIT", "1", "extra"],
                "-ERR syntax error\r\n",
            ),
            (
                &["SINTERCARD", "1", "x", "LIMIT", "-1"],
                "-ERR LIMIT can't be negative\r\n",
            ),
            (
                &["SINTERCARD", "1", "x", "LIMIT", "abc"],
                "-ERR LIMIT can't be negative\r\n",
            ),
            (
                &["SINTERCARD", "1", "nokey", "LIMIT", "abc"],
                "-ERR LIMIT can't be negative\r\n",
            ),
            (
                &["SINTERCARD", "1"],
                "-ERR wrong number of arguments for 'sintercard' command\r\n",
            ),
            (
                &["SINTER"],
                "-ERR wrong number of arguments for 'sinter' command\r\n",
            ),
        ],
    )
    .await;
    assert_eq!(
        sorted(&s.call(&["SINTER", "x", "y"]).await),
        strings(&["b", "c"])
    );
    assert_eq!(
        sorted(&s.call(&["SINTER", "y", "x", "y"]).await),
        strings(&["b", "c"])
    );
    assert_eq!(
        sorted(&s.call(&["SUNION", "x", "nokey", "z", "y"]).await),
        strings(&["a", "b", "c", "d", "e", "f"])
    );
    assert_eq!(
        sorted(&s.call(&["SDIFF", "x", "y", "nokey"]).await),
        strings(&["a", "d"])
    );
    assert_eq!(
        sorted(&s.call(&["SDIFF", "x", "z"]).await),
        strings(&["a", "b", "d"])
    );
    assert_eq!(
        sorted(&s.call(&["SDIFF", "x"]).await),
        strings(&["a", "b", "c", "d"])
    );
}

/// The *STORE forms replace the destination whatever it held (TTL included), delete it on an empty result, and leave it alone when a source has the wrong type.
#[tokio::test]
async fn store_forms() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SADD", "x", "a", "b", "c"], ":3\r\n"),
            (&["SADD", "y", "b", "c", "d"], ":3\r\n"),
            (&["SET", "str", "v"], "+OK\r\n"),
            (&["SET", "dst", "v", "EX", "100"], "+OK\r\n"),
            (&["SINTERSTORE", "dst", "x", "y"], ":2\r\n"),
            (&["TYPE", "dst"], "+set\r\n"),
            (&["TTL", "dst"], ":-1\r\n"),
            (&["SUNIONSTORE", "str", "x", "y"], ":4\r\n"),
            (&["TYPE", "str"], "+set\r\n"),
            (&["SDIFFSTORE", "d2", "x", "y"], ":1\r\n"),
            (&["SMEMBERS", "d2"], "*1\r\n$1\r\na\r\n"),
            (&["SDIFFSTORE", "d2", "x", "x"], ":0\r\n"),
            (&["EXISTS", "d2"], ":0\r\n"),
            (&["SINTERSTORE", "dst", "x", "nokey"], ":0\r\n"),
            (&["EXISTS", "dst"], ":0\r\n"),
            (&["SUNIONSTORE", "dst", "nokey"], ":0\r\n"),
            (&["SET", "keep", "v"], "+OK\r\n"),
            (&["SET", "bad", "v"], "+OK\r\n"),
            (&["SINTERSTORE", "keep", "x", "bad"], WRONGTYPE),
            (&["SINTERSTORE", "keep", "nokey", "bad"], WRONGTYPE),
            (&["SUNIONSTORE", "keep", "bad"], WRONGTYPE),
            (&["SDIFFSTORE", "keep", "x", "bad"], WRONGTYPE),
            (&["GET", "keep"], "$1\r\nv\r\n"),
            (&["SADD", "ks", "z"], ":1\r\n"),
            (&["SDIFFSTORE", "ks", "nokey", "bad"], WRONGTYPE),
            (&["SMEMBERS", "ks"], "*1\r\n$1\r\nz\r\n"),
            (&["SDIFFSTORE", "x", "x", "y"], ":1\r\n"),
            (&["SMEMBERS", "x"], "*1\r\n$1\r\na\r\n"),
            (&["SUNIONSTORE", "x", "x", "ks"], ":2\r\n"),
            (
                &["SINTERSTORE", "x"],
                "-ERR wrong number of arguments for 'sinterstore' command\r\n",
            ),
        ],
    )
    .await;
    assert_eq!(members(&mut s, "str").await, strings(&["a", "b", "c", "d"]));
    assert_eq!(members(&mut s, "x").await, strings(&["a", "z"]));
}

/// SSCAN returns every matching member of a small set in one reply with cursor 0 (pages of COUNT for one that is not an intset), and checks the cursor, the key, its type and the options in Redis's order.
#[tokio::test]
async fn sscan() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SADD", "s", "a"], ":1\r\n"),
            (&["SET", "str", "x"], "+OK\r\n"),
            (&["SSCAN", "nokey", "abc"], "-ERR invalid cursor\r\n"),
            (&["SSCAN", "s", "abc"], "-ERR invalid cursor\r\n"),
            (&["SSCAN", "nokey", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"),
            (&["SSCAN", "nokey", "0", "FOO"], "*2\r\n$1\r\n0\r\n*0\r\n"),
            (
                &["SSCAN", "nokey", "0", "COUNT", "0"],
                "*2\r\n$1\r\n0\r\n*0\r\n",
            ),
            (&["SSCAN", "str", "0", "FOO"], WRONGTYPE),
            (&["SSCAN", "s", "0", "FOO"], "-ERR syntax error\r\n"),
            (&["SSCAN", "s", "0", "COUNT", "0"], "-ERR syntax error\r\n"),
            (
                &["SSCAN", "s", "0", "COUNT", "abc"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (&["SSCAN", "s", "0", "MATCH"], "-ERR syntax error\r\n"),
            (
                &["SSCAN", "s", "0", "TYPE", "string"],
                "-ERR syntax error\r\n",
            ),
            (&["SSCAN", "s", "0"], "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
            (
                &["SSCAN", "s", "0", "MATCH", "b*"],
                "*2\r\n$1\r\n0\r\n*0\r\n",
            ),
            (
                &["SSCAN", "s", "0", "match", "a"],
                "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n",
            ),
            (
                &["SSCAN", "s"],
                "-ERR wrong number of arguments for 'sscan' command\r\n",
            ),
        ],
    )
    .await;
    s.call(&["SADD", "s", "b", "ab", "ba", "1", "12"]).await;
    let scan = |reply: String| {
        let parts: Vec<&str> = reply.split("\r\n").collect();
        assert_eq!(
            &parts[..3],
            ["*2", "$1", "0"],
            "cursor 0 at once: {reply:?}"
        );
        let mut found: Vec<String> = parts[4..]
            .chunks(2)
            .filter(|p| p.len() == 2)
            .map(|p| p[1].to_owned())
            .collect();
        found.sort();
        found
    };
    let all = strings(&["1", "12", "a", "ab", "b", "ba"]);
    // Not an intset ("a"): COUNT 1 pages it, one member a call.
    let (mut paged, calls) = scan_all(&mut s, "s", 1, |_| {}).await;
    paged.sort();
    assert_eq!((paged, calls), (all.clone(), 6));
    // Six members fit the default COUNT 10; a cursor past the end clamps.
    assert_eq!(scan(s.call(&["SSCAN", "s", "0"]).await), all);
    assert_eq!(scan(s.call(&["SSCAN", "s", "7"]).await), all, "any cursor");
    assert_eq!(
        scan(s.call(&["SSCAN", "s", "0", "MATCH", "a*"]).await),
        strings(&["a", "ab"])
    );
    assert_eq!(
        scan(s.call(&["SSCAN", "s", "0", "MATCH", "1?"]).await),
        strings(&["12"])
    );
}

/// OBJECT ENCODING names a set intset while it holds at most 512 integers, else hashtable.
#[tokio::test]
async fn object_encoding() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SADD", "i", "1", "2", "-3"], ":3\r\n"),
            (&["OBJECT", "ENCODING", "i"], "$6\r\nintset\r\n"),
            (
                &["SADD", "m", "-9223372036854775808", "9223372036854775807"],
                ":2\r\n",
            ),
            (&["OBJECT", "ENCODING", "m"], "$6\r\nintset\r\n"),
            (&["SADD", "h", "1", "a"], ":2\r\n"),
            (&["OBJECT", "ENCODING", "h"], "$9\r\nhashtable\r\n"),
            (&["SADD", "z", "01"], ":1\r\n"),
            (&["OBJECT", "ENCODING", "z"], "$9\r\nhashtable\r\n"),
            (&["SADD", "n", "9223372036854775808"], ":1\r\n"),
            (&["OBJECT", "ENCODING", "n"], "$9\r\nhashtable\r\n"),
            (&["SADD", "e", ""], ":1\r\n"),
            (&["OBJECT", "ENCODING", "e"], "$9\r\nhashtable\r\n"),
            (&["SINTERSTORE", "d", "h", "i"], ":1\r\n"),
            (&["OBJECT", "ENCODING", "d"], "$6\r\nintset\r\n"),
        ],
    )
    .await;
    let mut sadd: Vec<String> = vec!["SADD".into(), "big".into()];
    sadd.extend((1..=512).map(|n| n.to_string()));
    let words: Vec<&str> = sadd.iter().map(String::as_str).collect();
    assert_eq!(s.call(&words).await, ":512\r\n");
    assert_eq!(
        s.call(&["OBJECT", "ENCODING", "big"]).await,
        "$6\r\nintset\r\n"
    );
    s.call(&["SADD", "big", "513"]).await;
    assert_eq!(
        s.call(&["OBJECT", "ENCODING", "big"]).await,
        "$9\r\nhashtable\r\n"
    );
}

/// The typed functions answer as the commands do.
#[tokio::test]
async fn typed_functions() {
    let db = StdMutexDb::new();
    let i = DbIndex::ZERO;
    let b = |s: &'static str| Bytes::from_static(s.as_bytes());
    let list = |words: &[&'static str]| words.iter().map(|w| b(w)).collect::<Vec<_>>();
    let sorted = |mut v: Vec<Bytes>| {
        v.sort();
        v
    };
    assert_eq!(
        sets::sadd(&db, i, b("x"), list(&["a", "b", "c"])).await,
        Ok(3)
    );
    assert_eq!(
        sets::sadd(&db, i, b("y"), list(&["b", "c", "d"])).await,
        Ok(3)
    );
    assert_eq!(sets::scard(&db, i, &b("x")).await, Ok(3));
    assert_eq!(sets::sismember(&db, i, &b("x"), b("a")).await, Ok(true));
    assert_eq!(
        sets::smismember(&db, i, &b("x"), list(&["a", "z"])).await,
        Ok(vec![true, false])
    );
    let inter = sets::combine(&db, i, SetOp::Inter, list(&["x", "y"])).await;
    assert_eq!(inter.map(sorted), Ok(list(&["b", "c"])));
    let union = sets::combine(&db, i, SetOp::Union, list(&["x", "y"])).await;
    assert_eq!(union.map(sorted), Ok(list(&["a", "b", "c", "d"])));
    let diff = sets::combine(&db, i, SetOp::Diff, list(&["x", "y"])).await;
    assert_eq!(diff, Ok(list(&["a"])));
    assert_eq!(sets::sintercard(&db, i, list(&["x", "y"]), 1).await, Ok(1));
    assert_eq!(
        sets::combine_into(&db, i, SetOp::Union, b("u"), list(&["x", "y"])).await,
        Ok(4)
    );
    assert_eq!(sets::smove(&db, i, b("u"), b("v"), b("a")).await, Ok(true));
    assert_eq!(sets::smembers(&db, i, &b("v")).await, Ok(list(&["a"])));
    let draw = sets::srandmember(&db, i, &b("u"), 10, false).await.unwrap();
    assert_eq!(draw.remaining(), 10);
    assert_eq!(draw.count(), 10);
    let popped = sets::spop(&db, i, b("u"), 2).await.unwrap();
    assert_eq!(popped.len(), 2);
    assert_eq!(sets::srem(&db, i, b("u"), popped).await, Ok(0));
    assert_eq!(sets::scard(&db, i, &b("u")).await, Ok(1));
    assert!(sets::spop_one(&db, i, b("u")).await.unwrap().is_some());
    assert_eq!(db.len(i).await, 3, "x, y and v; u is gone");
    let (cursor, found) = sets::sscan(&db, i, &b("x"), 0, Default::default(), DEFAULT)
        .await
        .unwrap();
    assert_eq!((cursor, sorted(found)), (0, list(&["a", "b", "c"])));
}

const DEFAULT: Thresholds = Thresholds::DEFAULT;

/// The cursor and the members of one `SSCAN` (or `HSCAN`) reply.
fn scan_reply(reply: &str) -> (String, Vec<String>) {
    let mut parts = reply.splitn(4, "\r\n");
    assert_eq!(parts.next(), Some("*2"), "{reply:?}");
    let _length = parts.next();
    let cursor = parts.next().expect("a cursor").to_owned();
    (cursor, bulks(parts.next().expect("the elements")))
}

/// Follows `SSCAN key` from cursor 0 to the end with `count`, calling
/// `between` after each call that is not the last; every member returned,
/// in order, and how many calls it took.
async fn scan_all(
    s: &mut S,
    key: &str,
    count: usize,
    mut between: impl FnMut(&mut Vec<Vec<String>>),
) -> (Vec<String>, usize) {
    let (mut cursor, mut seen, mut calls) = ("0".to_owned(), Vec::new(), 0);
    loop {
        let count = count.to_string();
        let (next, page) = scan_reply(&s.call(&["SSCAN", key, &cursor, "COUNT", &count]).await);
        calls += 1;
        assert!(
            page.len() <= count.parse().unwrap_or(0),
            "a page of at most COUNT: {page:?}"
        );
        seen.extend(page);
        if next == "0" {
            return (seen, calls);
        }
        let mut requests = Vec::new();
        between(&mut requests);
        for words in requests {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            s.call(&words).await;
        }
        cursor = next;
    }
}

/// SADD of `members` to `key`, in batches.
async fn sadd_all(s: &mut S, key: &str, members: impl IntoIterator<Item = String>) {
    let members: Vec<String> = members.into_iter().collect();
    for batch in members.chunks(500) {
        let mut words = vec!["SADD", key];
        words.extend(batch.iter().map(String::as_str));
        s.call(&words).await;
    }
}

/// SSCAN pages a big set COUNT members at a time and returns each member exactly once when nothing changes; a cursor past the end starts from the top.
#[tokio::test]
async fn sscan_pages_a_big_set_once_each() {
    let mut s = session();
    let all: Vec<String> = (0..2000).map(|i| format!("m{i}")).collect();
    sadd_all(&mut s, "big", all.iter().cloned()).await;
    for count in [1, 7, 10, 100, 1999, 2000, 5000] {
        let (mut seen, calls) = scan_all(&mut s, "big", count, |_| {}).await;
        assert_eq!(calls, 2000_usize.div_ceil(count), "COUNT {count}");
        seen.sort();
        let mut expected = all.clone();
        expected.sort();
        assert_eq!(seen, expected, "COUNT {count}: every member once");
    }
    // The default COUNT is 10; a huge cursor clamps to the set's size.
    let (cursor, page) = scan_reply(&s.call(&["SSCAN", "big", "0"]).await);
    assert_eq!((cursor.as_str(), page.len()), ("1990", 10));
    let (cursor, page) = scan_reply(&s.call(&["SSCAN", "big", "18446744073709551615"]).await);
    assert_eq!((cursor.as_str(), page.len()), ("1990", 10));
    let (cursor, page) = scan_reply(&s.call(&["SSCAN", "big", "3", "COUNT", "10"]).await);
    assert_eq!((cursor.as_str(), page.len()), ("0", 3));
    // MATCH filters the page after it is picked: empty pages, cursor going on.
    let (cursor, page) = scan_reply(&s.call(&["SSCAN", "big", "0", "MATCH", "nothing"]).await);
    assert_eq!((cursor.as_str(), page.len()), ("1990", 0));
    assert_eq!(
        s.call(&["SSCAN", "big", "1.5"]).await,
        "-ERR invalid cursor\r\n"
    );
}

/// An intset-sized set of integers comes whole with cursor 0 whatever COUNT; one past set-max-intset-entries, or with one non-integer, is paged.
#[tokio::test]
async fn sscan_small_intset_whole_big_one_paged() {
    let mut s = session();
    sadd_all(&mut s, "ints", (0..512).map(|i| i.to_string())).await;
    let (cursor, page) = scan_reply(&s.call(&["SSCAN", "ints", "0", "COUNT", "1"]).await);
    assert_eq!((cursor.as_str(), page.len()), ("0", 512));
    sadd_all(&mut s, "ints", ["512".to_owned()]).await;
    let (cursor, page) = scan_reply(&s.call(&["SSCAN", "ints", "0", "COUNT", "1"]).await);
    assert_eq!((cursor.as_str(), page.len()), ("512", 1));
    sadd_all(&mut s, "mixed", ["1", "2", "3", "a"].map(String::from)).await;
    let (cursor, page) = scan_reply(&s.call(&["SSCAN", "mixed", "0", "COUNT", "1"]).await);
    assert_eq!((cursor.as_str(), page.len()), ("3", 1));
}

/// SPOP and SRANDMEMBER on a big set: distinct members for a positive count (also close to the size), the asked number with repeats for a negative one, all from the set; SPOP removes exactly what it returns.
#[tokio::test]
async fn random_picks_on_a_big_set() {
    let mut s = session();
    let all: HashSet<String> = (0..5000).map(|i| format!("m{i}")).collect();
    sadd_all(&mut s, "big", all.iter().cloned()).await;
    for count in [1, 100, 1000, 4999] {
        let picked = bulks(&s.call(&["SRANDMEMBER", "big", &count.to_string()]).await);
        let distinct: HashSet<String> = picked.iter().cloned().collect();
        assert_eq!((picked.len(), distinct.len()), (count, count));
        assert!(distinct.is_subset(&all));
    }
    let drawn = bulks(&s.call(&["SRANDMEMBER", "big", "-7000"]).await);
    assert_eq!(drawn.len(), 7000);
    assert!(drawn.iter().all(|m| all.contains(m)));
    let drawn = bulks(&s.call(&["SRANDMEMBER", "big", "-300"]).await);
    assert_eq!(drawn.len(), 300);
    assert!(drawn.iter().all(|m| all.contains(m)));
    assert_eq!(
        s.call(&["SCARD", "big"]).await,
        ":5000\r\n",
        "nothing removed"
    );

    let popped = bulks(&s.call(&["SPOP", "big", "4000"]).await);
    let popped: HashSet<String> = popped.into_iter().collect();
    assert_eq!(popped.len(), 4000, "distinct");
    let left: HashSet<String> = members(&mut s, "big").await.into_iter().collect();
    assert_eq!(left.len(), 1000);
    assert!(left.is_disjoint(&popped));
    assert_eq!(left.union(&popped).cloned().collect::<HashSet<_>>(), all);
    let mut singles = HashSet::new();
    for _ in 0..999 {
        let reply = s.call(&["SPOP", "big"]).await;
        singles.insert(reply.split("\r\n").nth(1).expect("a bulk").to_owned());
    }
    assert_eq!(singles.len(), 999);
    assert_eq!(s.call(&["SCARD", "big"]).await, ":1\r\n");
}

/// What happens between two pages of a scan in the property below.
#[derive(Clone, Debug)]
enum Change {
    /// SREM of the n-th member of the initial set (if still there).
    Remove(usize),
    /// SADD of a new member.
    Add,
    /// SPOP of a random member.
    Pop,
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// With members removed (SREM, SPOP) and added between pages, a full SSCAN returns every member present from its start to its end at least once, and nothing that was never in the set.
    #[test]
    fn sscan_survives_changes_between_pages(
        size in 20usize..400,
        count in 1usize..40,
        changes in proptest::collection::vec(
            proptest::collection::vec(
                proptest::prop_oneof![
                    3 => (0usize..400).prop_map(Change::Remove),
                    2 => proptest::strategy::Just(Change::Add),
                    1 => proptest::strategy::Just(Change::Pop),
                ],
                0..6,
            ),
            0..200,
        ),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        runtime.block_on(async {
            let mut s = session();
            let initial: Vec<String> = (0..size).map(|i| format!("m{i}")).collect();
            sadd_all(&mut s, "s", initial.iter().cloned()).await;
            let mut rounds = changes.into_iter();
            let mut added = 0;
            let mut touched: HashSet<String> = HashSet::new();
            let (seen, _) = scan_all(&mut s, "s", count, |requests| {
                for change in rounds.next().unwrap_or_default() {
                    match change {
                        Change::Remove(n) => {
                            let member = format!("m{}", n % size);
                            touched.insert(member.clone());
                            requests.push(vec!["SREM".into(), "s".into(), member]);
                        }
                        Change::Add => {
                            added += 1;
                            requests.push(vec!["SADD".into(), "s".into(), format!("new{added}")]);
                        }
                        Change::Pop => requests.push(vec!["SPOP".into(), "s".into()]),
                    }
                }
            })
            .await;
            let seen: HashSet<String> = seen.into_iter().collect();
            let now: HashSet<String> = members(&mut s, "s").await.into_iter().collect();
            for member in &initial {
                // Present throughout: never removed by SREM, still there
                // at the end (so no SPOP took it either).
                if !touched.contains(member) && now.contains(member) {
                    assert!(seen.contains(member), "{member} was missed");
                }
            }
            for member in &seen {
                let known = member.strip_prefix('m').and_then(|n| n.parse::<usize>().ok()).is_some_and(|n| n < size)
                    || member.strip_prefix("new").and_then(|n| n.parse::<usize>().ok()).is_some_and(|n| (1..=added).contains(&n));
                assert!(known, "{member} was never in the set");
            }
        });
    }
}

//! The first collection type, through the command layer: hashes, and the
//! WRONGTYPE path between strings and hashes in both directions.

mod support;

use std::collections::HashSet;

use proptest::strategy::Strategy as _;

use sharedkv_std_mutex::StdMutexDb;
use support::Session;

const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

/// HSET counts new fields, HGET/HLEN/HEXISTS read them, and HDEL of the last field removes the key.
#[tokio::test]
async fn hash_round_trip() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["HSET", "h", "a", "1", "b", "2"]).await, ":2\r\n");
    assert_eq!(s.call(&["HSET", "h", "a", "3", "c", "4"]).await, ":1\r\n");
    assert_eq!(s.call(&["HGET", "h", "a"]).await, "$1\r\n3\r\n");
    assert_eq!(s.call(&["HGET", "h", "z"]).await, "$-1\r\n");
    assert_eq!(s.call(&["HLEN", "h"]).await, ":3\r\n");
    assert_eq!(s.call(&["HEXISTS", "h", "b"]).await, ":1\r\n");
    assert_eq!(s.call(&["TYPE", "h"]).await, "+hash\r\n");
    assert_eq!(s.call(&["HDEL", "h", "a", "b", "zz"]).await, ":2\r\n");
    assert_eq!(
        s.call(&["HGETALL", "h"]).await,
        "*2\r\n$1\r\nc\r\n$1\r\n4\r\n"
    );
    assert_eq!(s.call(&["HDEL", "h", "c"]).await, ":1\r\n");
    assert_eq!(s.call(&["EXISTS", "h"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["HSET", "h", "a"]).await,
        "-ERR wrong number of arguments for 'hset' command\r\n"
    );
}

/// String commands on a hash and hash commands on a string answer WRONGTYPE and change nothing; a plain SET replaces a hash.
#[tokio::test]
async fn wrong_type_both_ways() {
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["HSET", "h", "f", "v"]).await;
    s.call(&["SET", "s", "1"]).await;
    for request in [
        &["GET", "h"][..],
        &["INCR", "h"],
        &["GETSET", "h", "x"],
        &["GETDEL", "h"],
        &["SET", "h", "x", "GET"],
    ] {
        assert_eq!(s.call(request).await, WRONGTYPE, "{request:?}");
    }
    for request in [
        &["HGET", "s", "f"][..],
        &["HSET", "s", "f", "v"],
        &["HLEN", "s"],
        &["HDEL", "s", "f"],
        &["HGETALL", "s"],
    ] {
        assert_eq!(s.call(request).await, WRONGTYPE, "{request:?}");
    }
    assert_eq!(
        s.call(&["MGET", "h", "s"]).await,
        "*2\r\n$-1\r\n$1\r\n1\r\n"
    );
    assert_eq!(s.call(&["HLEN", "h"]).await, ":1\r\n");
    assert_eq!(s.call(&["SET", "h", "x"]).await, "+OK\r\n");
    assert_eq!(s.call(&["TYPE", "h"]).await, "+string\r\n");
}

/// The replies of a session, one per request, joined: for tables of requests.
async fn replies<D: sharedkv_db::Db>(s: &mut Session<D>, requests: &[&[&str]]) -> Vec<String> {
    let mut out = Vec::new();
    for request in requests {
        out.push(s.call(request).await);
    }
    out
}

/// An array reply's bulk elements, in order (for replies whose order is the map's).
fn bulks(reply: &str) -> Vec<String> {
    let mut lines = reply.split("\r\n");
    let mut out = Vec::new();
    while let Some(line) = lines.next() {
        if line.starts_with('$') && line != "$-1" {
            out.push(lines.next().unwrap_or_default().to_owned());
        }
    }
    out
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

/// Pairs of an array of field, value, ... sorted by field.
fn pairs(reply: &str) -> Vec<(String, String)> {
    let items = bulks(reply);
    let mut out: Vec<(String, String)> = items
        .chunks(2)
        .map(|p| (p[0].clone(), p.get(1).cloned().unwrap_or_default()))
        .collect();
    out.sort();
    out
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// HSETNX sets only absent fields; HMSET answers OK and needs whole pairs; HMGET answers per field, nil for absent ones.
#[tokio::test]
async fn hsetnx_hmset_hmget() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["HSETNX", "h", "a", "1"]).await, ":1\r\n");
    assert_eq!(s.call(&["HSETNX", "h", "a", "2"]).await, ":0\r\n");
    assert_eq!(s.call(&["HGET", "h", "a"]).await, "$1\r\n1\r\n");
    assert_eq!(s.call(&["HMSET", "h", "b", "2", "c", "3"]).await, "+OK\r\n");
    for bad in [&["HMSET", "h", "a"][..], &["HMSET", "h", "a", "1", "b"]] {
        assert_eq!(
            s.call(bad).await,
            "-ERR wrong number of arguments for 'hmset' command\r\n"
        );
    }
    assert_eq!(
        s.call(&["HMGET", "h", "a", "zz", "c", "a"]).await,
        "*4\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n$1\r\n1\r\n"
    );
    assert_eq!(s.call(&["HMGET", "missing", "a"]).await, "*1\r\n$-1\r\n");
    assert_eq!(s.call(&["HLEN", "h"]).await, ":3\r\n");
    assert_eq!(
        s.call(&["HMGET", "h"]).await,
        "-ERR wrong number of arguments for 'hmget' command\r\n"
    );
}

/// HSTRLEN is the value's length, 0 for an absent field or key; HKEYS and HVALS list fields and values, empty for an absent key.
#[tokio::test]
async fn hstrlen_hkeys_hvals() {
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["HSET", "h", "a", "hello", "b", "", "c", "-17"])
        .await;
    assert_eq!(s.call(&["HSTRLEN", "h", "a"]).await, ":5\r\n");
    assert_eq!(s.call(&["HSTRLEN", "h", "b"]).await, ":0\r\n");
    assert_eq!(s.call(&["HSTRLEN", "h", "c"]).await, ":3\r\n");
    assert_eq!(s.call(&["HSTRLEN", "h", "zz"]).await, ":0\r\n");
    assert_eq!(s.call(&["HSTRLEN", "missing", "a"]).await, ":0\r\n");
    let keys = s.call(&["HKEYS", "h"]).await;
    assert!(keys.starts_with("*3\r\n"), "{keys:?}");
    assert_eq!(sorted(bulks(&keys)), owned(&["a", "b", "c"]));
    let vals = s.call(&["HVALS", "h"]).await;
    assert!(vals.starts_with("*3\r\n"), "{vals:?}");
    assert_eq!(sorted(bulks(&vals)), owned(&["", "-17", "hello"]));
    assert_eq!(s.call(&["HKEYS", "missing"]).await, "*0\r\n");
    assert_eq!(s.call(&["HVALS", "missing"]).await, "*0\r\n");
    assert_eq!(s.call(&["HGETALL", "missing"]).await, "*0\r\n");
}

/// HINCRBY counts from 0, checks the increment before the key, refuses non-integers and overflow, and changes nothing when it fails.
#[tokio::test]
async fn hincrby_paths_and_errors() {
    let mut s = Session::new(StdMutexDb::new());
    let not_int = "-ERR value is not an integer or out of range\r\n";
    let overflow = "-ERR increment or decrement would overflow\r\n";
    let not_hash_int = "-ERR hash value is not an integer\r\n";
    s.call(&["SET", "s", "1"]).await;
    let got = replies(
        &mut s,
        &[
            &["HINCRBY", "h", "n", "5"],
            &["HINCRBY", "h", "n", "-7"],
            &["HINCRBY", "h", "n", "abc"],
            &["HINCRBY", "s", "n", "abc"],
            &["HINCRBY", "s", "n", "1"],
            &["HINCRBY", "missing", "n", "x"],
            &[
                "HSET",
                "h",
                "t",
                "x",
                "z",
                "007",
                "sp",
                " 1",
                "max",
                "9223372036854775807",
            ],
            &["HINCRBY", "h", "t", "1"],
            &["HINCRBY", "h", "z", "1"],
            &["HINCRBY", "h", "sp", "1"],
            &["HINCRBY", "h", "max", "1"],
            &["HINCRBY", "h", "max", "0"],
            &["HINCRBY", "h", "min", "-9223372036854775808"],
            &["HINCRBY", "h", "min", "-1"],
            &["HINCRBY", "h", "min", "9223372036854775807"],
            &["HINCRBY", "h", "n", "9223372036854775808"],
        ],
    )
    .await;
    let expected = [
        ":5\r\n",
        ":-2\r\n",
        not_int,
        not_int,
        WRONGTYPE,
        not_int,
        ":4\r\n",
        not_hash_int,
        not_hash_int,
        not_hash_int,
        overflow,
        ":9223372036854775807\r\n",
        ":-9223372036854775808\r\n",
        overflow,
        ":-1\r\n",
        not_int,
    ];
    assert_eq!(got, expected);
    assert_eq!(s.call(&["HGET", "h", "t"]).await, "$1\r\nx\r\n");
    assert_eq!(s.call(&["HGET", "h", "n"]).await, "$2\r\n-2\r\n");
    assert_eq!(s.call(&["EXISTS", "missing"]).await, ":0\r\n");
}

/// HINCRBYFLOAT adds in long double and formats as Redis 7.0; its four errors come in Redis's order and change nothing.
#[tokio::test]
async fn hincrbyfloat_paths_and_errors() {
    let mut s = Session::new(StdMutexDb::new());
    let not_float = "-ERR value is not a valid float\r\n";
    let nan_or_inf = "-ERR value is NaN or Infinity\r\n";
    let not_hash_float = "-ERR hash value is not a float\r\n";
    let would_be_inf = "-ERR increment would produce NaN or Infinity\r\n";
    s.call(&["SET", "s", "1"]).await;
    let got = replies(
        &mut s,
        &[
            &["HINCRBYFLOAT", "h", "f", "10.5"],
            &["HINCRBYFLOAT", "h", "f", "0.1"],
            &["HINCRBYFLOAT", "h", "f", "5.0e3"],
            &["HINCRBYFLOAT", "h", "g", "0x10"],
            &["HINCRBYFLOAT", "h", "f", "abc"],
            &["HINCRBYFLOAT", "h", "f", "nan"],
            &["HINCRBYFLOAT", "h", "f", "inf"],
            &["HINCRBYFLOAT", "s", "f", "-inf"],
            &["HINCRBYFLOAT", "s", "f", "1"],
            &["HINCRBYFLOAT", "h", "f", " 1"],
            &["HINCRBYFLOAT", "h", "f", "1e5000"],
            &[
                "HSET",
                "h",
                "x",
                "abc",
                "sp",
                " 2",
                "inf",
                "inf",
                "int",
                "9223372036854775807",
            ],
            &["HINCRBYFLOAT", "h", "x", "1"],
            &["HINCRBYFLOAT", "h", "sp", "1"],
            &["HINCRBYFLOAT", "h", "inf", "1"],
            &["HINCRBYFLOAT", "h", "int", "1"],
            &["HINCRBYFLOAT", "h", "big", "1e4000"],
            &["HINCRBYFLOAT", "h", "huge", "1e4932"],
            &["HINCRBYFLOAT", "h", "huge", "1e4932"],
            &["HINCRBYFLOAT", "missing", "f", "inf"],
        ],
    )
    .await;
    let expected = [
        "$4\r\n10.5\r\n",
        "$4\r\n10.6\r\n",
        "$22\r\n5010.60000000000000009\r\n",
        "$2\r\n16\r\n",
        not_float,
        not_float,
        nan_or_inf,
        nan_or_inf,
        WRONGTYPE,
        not_float,
        not_float,
        ":4\r\n",
        not_hash_float,
        not_hash_float,
        would_be_inf,
        "$19\r\n9223372036854775808\r\n",
    ];
    assert_eq!(got[..expected.len()], expected);
    assert!(
        got[16].starts_with("$4000\r\n9999999999999999999965"),
        "{}",
        &got[16][..30]
    );
    assert!(
        got[17].starts_with("$4933\r\n1000000000000000000006"),
        "{}",
        &got[17][..30]
    );
    assert_eq!(got[18], would_be_inf);
    assert_eq!(got[19], nan_or_inf);
    assert_eq!(s.call(&["HGET", "h", "x"]).await, "$3\r\nabc\r\n");
    assert_eq!(s.call(&["EXISTS", "missing"]).await, ":0\r\n");
}

/// HRANDFIELD: nil or an empty array for an absent key, the whole hash for a count that covers it, distinct fields for a smaller one, repeats for a negative one, and Redis's errors in Redis's order.
#[tokio::test]
async fn hrandfield_counts_and_errors() {
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["SET", "s", "1"]).await;
    assert_eq!(s.call(&["HRANDFIELD", "missing"]).await, "$-1\r\n");
    assert_eq!(s.call(&["HRANDFIELD", "missing", "5"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["HRANDFIELD", "missing", "-5", "WITHVALUES"]).await,
        "*0\r\n"
    );
    s.call(&["HSET", "h", "a", "1", "b", "2", "c", "3"]).await;
    let one = s.call(&["HRANDFIELD", "h"]).await;
    assert!(
        ["a", "b", "c"].contains(&bulks(&one)[0].as_str()),
        "{one:?}"
    );
    assert_eq!(s.call(&["HRANDFIELD", "h", "0"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["HRANDFIELD", "h", "0", "withvalues"]).await,
        "*0\r\n"
    );
    for count in ["3", "10", "9223372036854775807"] {
        let all = s.call(&["HRANDFIELD", "h", count]).await;
        assert!(all.starts_with("*3\r\n"), "{all:?}");
        assert_eq!(sorted(bulks(&all)), owned(&["a", "b", "c"]));
    }
    let with = s
        .call(&["HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"])
        .await;
    assert!(with.starts_with("*6\r\n"), "{with:?}");
    let expected: Vec<(String, String)> = [("a", "1"), ("b", "2"), ("c", "3")]
        .iter()
        .map(|(f, v)| (f.to_string(), v.to_string()))
        .collect();
    assert_eq!(pairs(&with), expected);
    for _ in 0..20 {
        let two = s.call(&["HRANDFIELD", "h", "2"]).await;
        let mut fields = bulks(&two);
        fields.sort();
        fields.dedup();
        assert_eq!(fields.len(), 2, "distinct: {two:?}");
        let many = s.call(&["HRANDFIELD", "h", "-7", "WITHVALUES"]).await;
        assert!(many.starts_with("*14\r\n"), "{many:?}");
        for (field, value) in pairs(&many) {
            assert!(expected.contains(&(field, value)));
        }
    }
    let errors: &[(&[&str], &str)] = &[
        (
            &["HRANDFIELD", "h", "abc"],
            "-ERR value is not an integer or out of range\r\n",
        ),
        (
            &["HRANDFIELD", "s", "abc"],
            "-ERR value is not an integer or out of range\r\n",
        ),
        (
            &["HRANDFIELD", "h", "9223372036854775808"],
            "-ERR value is not an integer or out of range\r\n",
        ),
        (&["HRANDFIELD", "h", "1", "foo"], "-ERR syntax error\r\n"),
        (&["HRANDFIELD", "s", "1", "foo"], "-ERR syntax error\r\n"),
        (
            &["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
            "-ERR syntax error\r\n",
        ),
        (
            &["HRANDFIELD", "missing", "-9223372036854775808"],
            "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
        ),
        (
            &["HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"],
            "-ERR value is out of range\r\n",
        ),
        (
            &["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
            "-ERR value is out of range\r\n",
        ),
        (&["HRANDFIELD", "s"], WRONGTYPE),
        (&["HRANDFIELD", "s", "0"], WRONGTYPE),
    ];
    for (request, expected) in errors {
        assert_eq!(s.call(request).await, *expected, "{request:?}");
    }
}

/// A huge negative HRANDFIELD count is written as it is drawn and cut off at the output limit, never collected.
#[tokio::test]
async fn hrandfield_huge_negative_count_is_cut_off() {
    use bytes::{Bytes, BytesMut};
    use sharedkv_commands::{Ctx, DbIndex, Reply, find, run};
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["HSET", "h", "a", "1"]).await;
    for with_values in [false, true] {
        let mut argv: Vec<Bytes> = ["HRANDFIELD", "h", "-4611686018427387903"]
            .iter()
            .map(|w| Bytes::from(w.to_string()))
            .collect();
        if with_values {
            argv.push(Bytes::from_static(b"WITHVALUES"));
        }
        let id = find(&argv).expect("a data command").expect("valid");
        let mut out = BytesMut::new();
        let mut cx = Ctx {
            db: &s.db,
            selected: DbIndex::ZERO,
            reply: Reply::new(&mut out, 1 << 16),
            settings: sharedkv_commands::Settings::defaults(),
        };
        run(id, &mut cx, argv).await.expect("no error");
        assert!(cx.reply.was_cut_off());
        assert!(out.len() < 1 << 17, "{} bytes", out.len());
    }
}

/// HSCAN: every matching pair in one reply with cursor 0; an absent key is an empty scan whatever its options; errors in Redis's order.
#[tokio::test]
async fn hscan_whole_hash_in_one_reply() {
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["SET", "s", "1"]).await;
    s.call(&["HSET", "h", "a", "1", "b", "2", "ab", "3", "", "4"])
        .await;
    let empty = "*2\r\n$1\r\n0\r\n*0\r\n";
    assert_eq!(s.call(&["HSCAN", "missing", "0"]).await, empty);
    assert_eq!(
        s.call(&["HSCAN", "missing", "0", "COUNT", "abc"]).await,
        empty
    );
    for request in [
        &["HSCAN", "h", "0"][..],
        &["HSCAN", "h", "7"],
        &["HSCAN", "h", "-1", "COUNT", "1"],
        &["HSCAN", "h", "", "MATCH", "*"],
    ] {
        let all = s.call(request).await;
        assert!(
            all.starts_with("*2\r\n$1\r\n0\r\n*8\r\n"),
            "{request:?}: {all:?}"
        );
        let expected: Vec<(String, String)> = [("", "4"), ("a", "1"), ("ab", "3"), ("b", "2")]
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect();
        assert_eq!(pairs(all.trim_start_matches("*2\r\n$1\r\n0\r\n")), expected);
    }
    let some = s
        .call(&["HSCAN", "h", "0", "MATCH", "*b", "COUNT", "1"])
        .await;
    assert_eq!(pairs(some.trim_start_matches("*2\r\n$1\r\n0\r\n")).len(), 2);
    // `**` does not match the empty field, as in Redis.
    let starred = s.call(&["HSCAN", "h", "0", "MATCH", "**"]).await;
    assert!(starred.contains("*6\r\n"), "{starred:?}");
    let errors: &[(&[&str], &str)] = &[
        (&["HSCAN", "h", "abc"], "-ERR invalid cursor\r\n"),
        (&["HSCAN", "s", "abc"], "-ERR invalid cursor\r\n"),
        (
            &["HSCAN", "h", "18446744073709551616"],
            "-ERR invalid cursor\r\n",
        ),
        (&["HSCAN", "s", "0", "COUNT", "abc"], WRONGTYPE),
        (
            &["HSCAN", "h", "0", "COUNT", "abc"],
            "-ERR value is not an integer or out of range\r\n",
        ),
        (&["HSCAN", "h", "0", "COUNT", "0"], "-ERR syntax error\r\n"),
        (
            &["HSCAN", "h", "0", "TYPE", "hash"],
            "-ERR syntax error\r\n",
        ),
        (&["HSCAN", "h", "0", "MATCH"], "-ERR syntax error\r\n"),
    ];
    for (request, expected) in errors {
        assert_eq!(s.call(request).await, *expected, "{request:?}");
    }
}

/// Every new hash command answers WRONGTYPE on a string and leaves it alone; string commands answer WRONGTYPE on a hash.
#[tokio::test]
async fn new_hash_commands_wrong_type_both_ways() {
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["SET", "s", "1"]).await;
    s.call(&["HSET", "h", "f", "1"]).await;
    for request in [
        &["HSETNX", "s", "f", "v"][..],
        &["HMSET", "s", "f", "v"],
        &["HMGET", "s", "f"],
        &["HSTRLEN", "s", "f"],
        &["HKEYS", "s"],
        &["HVALS", "s"],
        &["HINCRBY", "s", "f", "1"],
        &["HINCRBYFLOAT", "s", "f", "1"],
        &["HRANDFIELD", "s", "1"],
        &["HSCAN", "s", "0"],
    ] {
        assert_eq!(s.call(request).await, WRONGTYPE, "{request:?}");
    }
    assert_eq!(s.call(&["GET", "s"]).await, "$1\r\n1\r\n");
    for request in [
        &["INCRBYFLOAT", "h", "1"][..],
        &["APPEND", "h", "x"],
        &["STRLEN", "h"],
        &["SETRANGE", "h", "0", "x"],
    ] {
        assert_eq!(s.call(request).await, WRONGTYPE, "{request:?}");
    }
    assert_eq!(s.call(&["HGET", "h", "f"]).await, "$1\r\n1\r\n");
}

/// OBJECT ENCODING of a hash follows Redis's default listpack limits: 512 fields, 64-byte fields and values.
#[tokio::test]
async fn hash_encoding_follows_listpack_limits() {
    let mut s = Session::new(StdMutexDb::new());
    let v64 = "x".repeat(64);
    let v65 = "x".repeat(65);
    s.call(&["HSET", "v64", "f", &v64]).await;
    s.call(&["HSET", "v65", "f", &v65]).await;
    s.call(&["HSET", "k65", &v65, "v"]).await;
    assert_eq!(
        s.call(&["OBJECT", "ENCODING", "v64"]).await,
        "$8\r\nlistpack\r\n"
    );
    assert_eq!(
        s.call(&["OBJECT", "ENCODING", "v65"]).await,
        "$9\r\nhashtable\r\n"
    );
    assert_eq!(
        s.call(&["OBJECT", "ENCODING", "k65"]).await,
        "$9\r\nhashtable\r\n"
    );
    for i in 0..512 {
        s.call(&["HSET", "big", &format!("f{i}"), "v"]).await;
    }
    assert_eq!(
        s.call(&["OBJECT", "ENCODING", "big"]).await,
        "$8\r\nlistpack\r\n"
    );
    s.call(&["HSET", "big", "one-more", "v"]).await;
    assert_eq!(
        s.call(&["OBJECT", "ENCODING", "big"]).await,
        "$9\r\nhashtable\r\n"
    );
}

/// The cursor and the field/value pairs of one `HSCAN` reply, in order.
fn hscan_reply(reply: &str) -> (String, Vec<(String, String)>) {
    let mut parts = reply.splitn(4, "\r\n");
    assert_eq!(parts.next(), Some("*2"), "{reply:?}");
    let _length = parts.next();
    let cursor = parts.next().expect("a cursor").to_owned();
    let items = bulks(parts.next().expect("the pairs"));
    assert!(items.len().is_multiple_of(2), "{reply:?}");
    let pairs = items
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect();
    (cursor, pairs)
}

/// Follows `HSCAN key` from cursor 0 with `count`, sending the requests
/// `between` gives after each call that is not the last; every pair
/// returned, and how many calls it took.
async fn hscan_all(
    s: &mut Session<StdMutexDb>,
    key: &str,
    count: usize,
    mut between: impl FnMut(&mut Vec<Vec<String>>),
) -> (Vec<(String, String)>, usize) {
    let (mut cursor, mut seen, mut calls) = ("0".to_owned(), Vec::new(), 0);
    loop {
        let count_text = count.to_string();
        let reply = s.call(&["HSCAN", key, &cursor, "COUNT", &count_text]).await;
        let (next, page) = hscan_reply(&reply);
        calls += 1;
        assert!(page.len() <= count, "a page of at most COUNT: {reply:?}");
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

/// HSET of `pairs` to `key`, in batches.
async fn hset_all(s: &mut Session<StdMutexDb>, key: &str, pairs: &[(String, String)]) {
    for batch in pairs.chunks(500) {
        let mut words = vec!["HSET", key];
        for (f, v) in batch {
            words.extend([f.as_str(), v.as_str()]);
        }
        s.call(&words).await;
    }
}

/// HSCAN pages a hash past the listpack limits COUNT fields at a time, each field once with its value when nothing changes; a listpack-sized hash comes whole; a long value makes even a small hash paged.
#[tokio::test]
async fn hscan_pages_a_big_hash_once_each() {
    let mut s = Session::new(StdMutexDb::new());
    let all: Vec<(String, String)> = (0..2000)
        .map(|i| (format!("f{i}"), format!("v{i}")))
        .collect();
    hset_all(&mut s, "big", &all).await;
    let expected = sorted_pairs(all.clone());
    for count in [1, 10, 333, 2000, 10_000] {
        let (seen, calls) = hscan_all(&mut s, "big", count, |_| {}).await;
        assert_eq!(calls, 2000_usize.div_ceil(count), "COUNT {count}");
        assert_eq!(
            sorted_pairs(seen),
            expected,
            "COUNT {count}: every pair once"
        );
    }
    let (cursor, page) = hscan_reply(&s.call(&["HSCAN", "big", "0"]).await);
    assert_eq!(
        (cursor.as_str(), page.len()),
        ("1990", 10),
        "COUNT 10 by default"
    );
    let (cursor, page) = hscan_reply(&s.call(&["HSCAN", "big", "99999", "MATCH", "x*"]).await);
    assert_eq!(
        (cursor.as_str(), page.len()),
        ("1990", 0),
        "MATCH after the page"
    );

    let small: Vec<(String, String)> = (0..512)
        .map(|i| (format!("f{i}"), "v".repeat(64)))
        .collect();
    hset_all(&mut s, "small", &small).await;
    let (cursor, page) = hscan_reply(&s.call(&["HSCAN", "small", "0", "COUNT", "1"]).await);
    assert_eq!(
        (cursor.as_str(), page.len()),
        ("0", 512),
        "a listpack comes whole"
    );
    s.call(&["HSET", "small", "f0", &"v".repeat(65)]).await;
    let (cursor, page) = hscan_reply(&s.call(&["HSCAN", "small", "0", "COUNT", "1"]).await);
    assert_eq!(
        (cursor.as_str(), page.len()),
        ("511", 1),
        "a 65-byte value: paged"
    );
}

fn sorted_pairs(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

/// HRANDFIELD on a big hash: distinct fields for a positive count (also close to the size) with their own values, the asked number for a negative one.
#[tokio::test]
async fn hrandfield_on_a_big_hash() {
    let mut s = Session::new(StdMutexDb::new());
    let all: Vec<(String, String)> = (0..3000)
        .map(|i| (format!("f{i}"), format!("v{i}")))
        .collect();
    hset_all(&mut s, "big", &all).await;
    let valid =
        |(f, v): &(String, String)| f.strip_prefix('f') == v.strip_prefix('v') && f.len() > 1;
    for count in [1, 50, 1000, 2999] {
        let reply = s
            .call(&["HRANDFIELD", "big", &count.to_string(), "WITHVALUES"])
            .await;
        let picked = pairs(&reply);
        assert_eq!(picked.len(), count);
        assert!(picked.iter().all(valid), "each field with its value");
        let fields: HashSet<&String> = picked.iter().map(|(f, _)| f).collect();
        assert_eq!(fields.len(), count, "distinct");
    }
    for count in [100, 5000] {
        let reply = s
            .call(&["HRANDFIELD", "big", &format!("-{count}"), "WITHVALUES"])
            .await;
        let picked = pairs(&reply);
        assert_eq!(picked.len(), count);
        assert!(picked.iter().all(valid));
    }
    let fields = bulks(&s.call(&["HRANDFIELD", "big", "-40"]).await);
    assert_eq!(fields.len(), 40);
    assert!(fields.iter().all(|f| f.starts_with('f')));
    assert_eq!(s.call(&["HLEN", "big"]).await, ":3000\r\n");
}

/// What happens between two pages of an HSCAN in the property below.
#[derive(Clone, Debug)]
enum Change {
    /// HDEL of the n-th field of the initial hash.
    Delete(usize),
    /// HSET of a new field.
    Add,
    /// HSET of a new value for the n-th field of the initial hash.
    Overwrite(usize),
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// With fields deleted, added and overwritten between pages, a full HSCAN returns every field present from its start to its end at least once, and only fields that were in the hash.
    #[test]
    fn hscan_survives_changes_between_pages(
        size in 20usize..300,
        count in 1usize..40,
        changes in proptest::collection::vec(
            proptest::collection::vec(
                proptest::prop_oneof![
                    3 => (0usize..300).prop_map(Change::Delete),
                    2 => proptest::strategy::Just(Change::Add),
                    1 => (0usize..300).prop_map(Change::Overwrite),
                ],
                0..6,
            ),
            0..200,
        ),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        runtime.block_on(async {
            let mut s = Session::new(StdMutexDb::new());
            // One value past hash-max-listpack-value (f0's, never
            // deleted): the hash is paged whatever its size.
            let mut initial: Vec<(String, String)> = (0..size).map(|i| (format!("f{i}"), "v".into())).collect();
            initial[0].1 = "x".repeat(65);
            hset_all(&mut s, "h", &initial).await;
            let mut rounds = changes.into_iter();
            let (mut added, mut deleted) = (0, HashSet::new());
            let (seen, _) = hscan_all(&mut s, "h", count, |requests| {
                for change in rounds.next().unwrap_or_default() {
                    match change {
                        Change::Delete(n) => {
                            // Never f0, the long value: the hash stays paged.
                            let field = format!("f{}", 1 + n % (size - 1));
                            deleted.insert(field.clone());
                            requests.push(vec!["HDEL".into(), "h".into(), field]);
                        }
                        Change::Add => {
                            added += 1;
                            requests.push(vec!["HSET".into(), "h".into(), format!("new{added}"), "n".into()]);
                        }
                        Change::Overwrite(n) => requests.push(vec!["HSET".into(), "h".into(), format!("f{}", 1 + n % (size - 1)), "w".into()]),
                    }
                }
            })
            .await;
            let seen: HashSet<String> = seen.into_iter().map(|(f, _)| f).collect();
            for (field, _) in &initial {
                if !deleted.contains(field) {
                    assert!(seen.contains(field), "{field} was missed");
                }
            }
            for field in &seen {
                let known = field.strip_prefix('f').and_then(|n| n.parse::<usize>().ok()).is_some_and(|n| n < size)
                    || field.strip_prefix("new").and_then(|n| n.parse::<usize>().ok()).is_some_and(|n| (1..=added).contains(&n));
                assert!(known, "{field} was never in the hash");
            }
        });
    }
}

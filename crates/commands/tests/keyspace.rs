//! The keyspace commands through the command layer, on one strategy. Every
//! reply that `check` compares was first taken from redis-server 7.0 with
//! the same requests, from an empty server; replies that depend on timing
//! or on the store's order (TTLs, SCAN cursors, KEYS of several keys) are
//! checked by hand below each table.

mod support;

use std::collections::HashSet;

use bytes::Bytes;
use sharedkv_commands::Thresholds;
use sharedkv_commands::keyspace::{encoding, refcount};
use sharedkv_db::{DbIndex, Entry, Hash, Store, Value};
use sharedkv_std_mutex::StdMutexDb;
use support::Session;

type S = Session<StdMutexDb>;

fn session() -> S {
    Session::new(StdMutexDb::new())
}

/// Sends each request and compares its raw reply.
async fn check(s: &mut S, steps: &[(&[&str], &str)]) {
    for (words, expected) in steps {
        assert_eq!(s.call(words).await, *expected, "{words:?}");
    }
}

/// The elements of a flat array of bulk strings, sorted.
fn sorted_bulks(reply: &str) -> Vec<String> {
    let mut lines = reply.split("\r\n");
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with('*'), "an array: {reply:?}");
    let mut out: Vec<String> = lines
        .collect::<Vec<_>>()
        .chunks(2)
        .filter(|pair| pair.len() == 2)
        .map(|pair| pair[1].to_owned())
        .collect();
    out.sort();
    out
}

/// A SCAN reply: the cursor and the keys.
fn scan_reply(reply: &str) -> (String, Vec<String>) {
    let parts: Vec<&str> = reply.split("\r\n").collect();
    assert_eq!(parts.first(), Some(&"*2"), "{reply:?}");
    let cursor = parts[2].to_owned();
    let n: usize = parts[3][1..].parse().expect("array length");
    let keys = (0..n).map(|i| parts[5 + 2 * i].to_owned()).collect();
    (cursor, keys)
}

/// An integer reply's value.
fn int(reply: &str) -> i64 {
    reply
        .strip_prefix(':')
        .and_then(|r| r.strip_suffix("\r\n"))
        .and_then(|r| r.parse().ok())
        .unwrap_or_else(|| panic!("an integer: {reply:?}"))
}

/// KEYS filters with Redis's globs, `*` alone also returning the empty key that `**` misses.
#[tokio::test]
async fn keys_match_globs() {
    let mut s = session();
    check(
        &mut s,
        &[
            (
                &[
                    "MSET", "hello", "1", "hallo", "2", "hxllo", "3", "", "4", "h*llo", "5",
                ],
                "+OK\r\n",
            ),
            (&["KEYS", "h[^ae*]llo"], "*1\r\n$5\r\nhxllo\r\n"),
            (&["KEYS", "h\\*llo"], "*1\r\n$5\r\nh*llo\r\n"),
            (&["KEYS", "nomatch*"], "*0\r\n"),
            (&["KEYS", "?"], "*0\r\n"),
            (&["KEYS", "[a-]"], "*0\r\n"),
            (
                &["KEYS"],
                "-ERR wrong number of arguments for 'keys' command\r\n",
            ),
            (
                &["KEYS", "a", "b"],
                "-ERR wrong number of arguments for 'keys' command\r\n",
            ),
        ],
    )
    .await;
    let all = sorted_bulks(&s.call(&["KEYS", "*"]).await);
    assert_eq!(all, ["", "h*llo", "hallo", "hello", "hxllo"]);
    let stars = sorted_bulks(&s.call(&["KEYS", "**"]).await);
    assert_eq!(stars, ["h*llo", "hallo", "hello", "hxllo"]);
    let set = sorted_bulks(&s.call(&["KEYS", "h[ae]llo"]).await);
    assert_eq!(set, ["hallo", "hello"]);
    let not = sorted_bulks(&s.call(&["KEYS", "h[^ae]llo"]).await);
    assert_eq!(not, ["h*llo", "hxllo"]);
    let some = sorted_bulks(&s.call(&["KEYS", "h?llo"]).await);
    assert_eq!(some, ["h*llo", "hallo", "hello", "hxllo"]);
}

/// SCAN reads its cursor as Redis's strtoul does and rejects bad options in Redis's order.
#[tokio::test]
async fn scan_arguments_and_errors() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SET", "a", "1"], "+OK\r\n"),
            (&["SCAN", "0"], "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
            (&["SCAN", ""], "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
            (&["SCAN", "+0"], "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
            (&["SCAN", " 0"], "-ERR invalid cursor\r\n"),
            (&["SCAN", "\t0"], "-ERR invalid cursor\r\n"),
            (&["SCAN", "0 "], "-ERR invalid cursor\r\n"),
            (&["SCAN", "0x"], "-ERR invalid cursor\r\n"),
            (&["SCAN", "-"], "-ERR invalid cursor\r\n"),
            (&["SCAN", "+-1"], "-ERR invalid cursor\r\n"),
            (&["SCAN", "abc"], "-ERR invalid cursor\r\n"),
            (&["SCAN", "abc", "COUNT", "-1"], "-ERR invalid cursor\r\n"),
            (&["SCAN", "18446744073709551616"], "-ERR invalid cursor\r\n"),
            (
                &["SCAN", "-18446744073709551616"],
                "-ERR invalid cursor\r\n",
            ),
            (&["SCAN", "0", "COUNT", "0"], "-ERR syntax error\r\n"),
            (&["SCAN", "0", "COUNT", "-1"], "-ERR syntax error\r\n"),
            (
                &["SCAN", "0", "COUNT", "abc"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                &["SCAN", "0", "COUNT", "99999999999999999999"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                &["SCAN", "0", "COUNT", "5", "COUNT", "0"],
                "-ERR syntax error\r\n",
            ),
            (
                &["SCAN", "0", "foo", "COUNT", "abc"],
                "-ERR syntax error\r\n",
            ),
            (
                &["SCAN", "0", "COUNT", "abc", "foo"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (&["SCAN", "0", "MATCH"], "-ERR syntax error\r\n"),
            (&["SCAN", "0", "TYPE"], "-ERR syntax error\r\n"),
            (&["SCAN", "0", "foo"], "-ERR syntax error\r\n"),
            (
                &["SCAN"],
                "-ERR wrong number of arguments for 'scan' command\r\n",
            ),
            (
                &["SCAN", "0", "count", "9223372036854775807"],
                "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n",
            ),
            (
                &["SCAN", "0", "MATCH", "a", "MATCH", "b"],
                "*2\r\n$1\r\n0\r\n*0\r\n",
            ),
            (
                &["SCAN", "0", "MATCH", "b", "MATCH", "a"],
                "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n",
            ),
            (
                &["SCAN", "0", "TYPE", "STRING"],
                "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n",
            ),
            (&["SCAN", "0", "TYPE", "nosuch"], "*2\r\n$1\r\n0\r\n*0\r\n"),
            (&["SCAN", "0", "TYPE", "none"], "*2\r\n$1\r\n0\r\n*0\r\n"),
            (&["SCAN", "0", "TYPE", "hash"], "*2\r\n$1\r\n0\r\n*0\r\n"),
        ],
    )
    .await;
    // strtoul stops at a NUL, and so does strcasecmp for TYPE.
    let nul = |words: &[&[u8]]| words.iter().map(|w| Bytes::copy_from_slice(w)).collect();
    let whole = "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n";
    assert_eq!(s.call_argv(nul(&[b"SCAN", b"\0abc"])).await, whole);
    assert_eq!(s.call_argv(nul(&[b"SCAN", b"0\0x"])).await, whole);
    assert_eq!(
        s.call_argv(nul(&[b"SCAN", b"0", b"TYPE", b"string\0xx"]))
            .await,
        whole
    );
    // Any cursor is accepted (the store's cursors are not Redis's, so
    // what such a call returns is not compared).
    for cursor in ["-1", "18446744073709551615", "007", "-18446744073709551615"] {
        let (_, keys) = scan_reply(&s.call(&["SCAN", cursor]).await);
        assert!(keys.len() <= 1, "{cursor}");
    }
}

/// SCAN's MATCH and TYPE filter what a full iteration returns; `*` keeps the empty key, `**` drops it.
#[tokio::test]
async fn scan_filters_by_pattern_and_type() {
    let mut s = session();
    for i in 0..50 {
        s.call(&["SET", &format!("user:{i}"), "x"]).await;
        s.call(&["SET", &format!("item:{i}"), "7"]).await;
    }
    s.call(&["SET", "", "empty"]).await;
    let hash = Entry::new(Value::Hash(Box::new(Hash::from_iter([(
        Bytes::from_static(b"f"),
        Bytes::from_static(b"v"),
    )]))));
    let h = Bytes::from_static(b"user:hash");
    s.db.update(DbIndex::ZERO, &h, move |slot| slot.put(hash.clone()))
        .await;

    async fn all(s: &mut S, options: &[&str]) -> HashSet<String> {
        let (mut cursor, mut seen) = ("0".to_owned(), HashSet::new());
        loop {
            let mut words = vec!["SCAN", cursor.as_str(), "COUNT", "7"];
            words.extend_from_slice(options);
            let (next, keys) = scan_reply(&s.call(&words).await);
            seen.extend(keys);
            cursor = next;
            if cursor == "0" {
                return seen;
            }
        }
    }
    let users = all(&mut s, &["MATCH", "user:*"]).await;
    assert_eq!(users.len(), 51);
    let hashes = all(&mut s, &["TYPE", "HASH"]).await;
    assert_eq!(hashes, HashSet::from(["user:hash".to_owned()]));
    let strings = all(&mut s, &["MATCH", "user:*", "TYPE", "string"]).await;
    assert_eq!(strings.len(), 50);
    assert!(all(&mut s, &["MATCH", "*"]).await.contains(""));
    assert!(!all(&mut s, &["MATCH", "**"]).await.contains(""));
    assert_eq!(all(&mut s, &[]).await.len(), 102);
}

/// A SCAN iterated to cursor 0 while keys are added and removed between calls returns every key that stayed.
#[tokio::test]
async fn scan_returns_every_key_that_stays() {
    let mut s = session();
    for i in 0..500 {
        s.call(&["SET", &format!("stay{i}"), "v"]).await;
        s.call(&["SET", &format!("go{i}"), "v"]).await;
    }
    let (mut cursor, mut seen, mut round) = ("0".to_owned(), HashSet::new(), 0);
    loop {
        let (next, keys) = scan_reply(&s.call(&["SCAN", &cursor, "COUNT", "13"]).await);
        seen.extend(keys);
        for i in (round * 10)..(round * 10 + 10) {
            s.call(&["DEL", &format!("go{i}")]).await;
            s.call(&["SET", &format!("new{round}-{i}"), "v"]).await;
        }
        round += 1;
        cursor = next;
        if cursor == "0" {
            break;
        }
        assert!(round < 10_000, "the iteration ends");
    }
    for i in 0..500 {
        assert!(seen.contains(&format!("stay{i}")), "stay{i} missed");
    }
}

/// RANDOMKEY answers nil on an empty database and a live key otherwise.
#[tokio::test]
async fn randomkey_picks_a_live_key() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["RANDOMKEY"], "$-1\r\n"),
            (&["SET", "only", "1"], "+OK\r\n"),
            (&["RANDOMKEY"], "$4\r\nonly\r\n"),
            (
                &["RANDOMKEY", "x"],
                "-ERR wrong number of arguments for 'randomkey' command\r\n",
            ),
            (&["PEXPIRE", "only", "1"], ":1\r\n"),
        ],
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert_eq!(s.call(&["RANDOMKEY"]).await, "$-1\r\n");
}

/// RENAME moves the value and its TTL, replacing the destination; RENAMENX only into a free name.
#[tokio::test]
async fn rename_and_renamenx() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SET", "a", "1"], "+OK\r\n"),
            (&["RENAME", "a", "a"], "+OK\r\n"),
            (&["RENAME", "nokey", "a"], "-ERR no such key\r\n"),
            (&["RENAME", "nokey", "nokey"], "-ERR no such key\r\n"),
            (&["RENAMENX", "a", "a"], ":0\r\n"),
            (&["RENAMENX", "nokey", "x"], "-ERR no such key\r\n"),
            (&["SET", "b", "2"], "+OK\r\n"),
            (&["PEXPIRE", "a", "100000"], ":1\r\n"),
            (&["RENAME", "a", "c"], "+OK\r\n"),
            (&["EXISTS", "a"], ":0\r\n"),
            (&["RENAMENX", "c", "b"], ":0\r\n"),
            (&["RENAMENX", "c", "d"], ":1\r\n"),
            (&["RENAME", "d", "b"], "+OK\r\n"),
            (&["GET", "b"], "$1\r\n1\r\n"),
            (&["EXISTS", "c", "d"], ":0\r\n"),
            (
                &["RENAME", "b"],
                "-ERR wrong number of arguments for 'rename' command\r\n",
            ),
            (
                &["RENAMENX", "b"],
                "-ERR wrong number of arguments for 'renamenx' command\r\n",
            ),
        ],
    )
    .await;
    let left = int(&s.call(&["PTTL", "b"]).await);
    assert!((99_000..=100_000).contains(&left), "the TTL moved: {left}");
    check(
        &mut s,
        &[
            (&["SET", "p", "v"], "+OK\r\n"),
            (&["RENAME", "p", "q"], "+OK\r\n"),
            (&["TTL", "q"], ":-1\r\n"),
        ],
    )
    .await;
}

/// COPY copies value and TTL within or across databases, with REPLACE, and Redis's errors.
#[tokio::test]
async fn copy_within_and_across_databases() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SET", "b", "1"], "+OK\r\n"),
            (&["PEXPIRE", "b", "100000"], ":1\r\n"),
            (
                &["COPY"],
                "-ERR wrong number of arguments for 'copy' command\r\n",
            ),
            (
                &["COPY", "b"],
                "-ERR wrong number of arguments for 'copy' command\r\n",
            ),
            (
                &["COPY", "b", "b"],
                "-ERR source and destination objects are the same\r\n",
            ),
            (
                &["COPY", "b", "b", "DB", "0"],
                "-ERR source and destination objects are the same\r\n",
            ),
            (
                &["COPY", "nokey", "nokey"],
                "-ERR source and destination objects are the same\r\n",
            ),
            (&["COPY", "nokey", "x"], ":0\r\n"),
            (
                &["COPY", "nokey", "x", "DB", "99"],
                "-ERR DB index is out of range\r\n",
            ),
            (
                &["COPY", "b", "x", "DB", "16"],
                "-ERR DB index is out of range\r\n",
            ),
            (
                &["COPY", "b", "x", "DB", "-1"],
                "-ERR DB index is out of range\r\n",
            ),
            (
                &["COPY", "b", "x", "DB", "4294967296"],
                "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
            ),
            (
                &["COPY", "b", "x", "DB", "abc"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (&["COPY", "b", "x", "DB"], "-ERR syntax error\r\n"),
            (&["COPY", "b", "x", "foo"], "-ERR syntax error\r\n"),
            (
                &["COPY", "b", "x", "DB", "1", "DB"],
                "-ERR syntax error\r\n",
            ),
            (
                &["COPY", "b", "x", "DB", "99", "foo"],
                "-ERR DB index is out of range\r\n",
            ),
            (
                &["COPY", "b", "x", "foo", "DB", "99"],
                "-ERR syntax error\r\n",
            ),
            (&["COPY", "b", "b", "DB", "1"], ":1\r\n"),
            (
                &["COPY", "b", "x", "REPLACE", "replace", "DB", "1", "db", "2"],
                ":1\r\n",
            ),
            (&["SET", "y", "old"], "+OK\r\n"),
            (&["COPY", "b", "y"], ":0\r\n"),
            (&["GET", "y"], "$3\r\nold\r\n"),
            (&["COPY", "b", "y", "REPLACE"], ":1\r\n"),
            (&["GET", "y"], "$1\r\n1\r\n"),
            (&["GET", "b"], "$1\r\n1\r\n"),
            (&["SELECT", "2"], "+OK\r\n"),
            (&["KEYS", "*"], "*1\r\n$1\r\nx\r\n"),
            (&["GET", "x"], "$1\r\n1\r\n"),
        ],
    )
    .await;
    let left = int(&s.call(&["PTTL", "x"]).await);
    assert!(
        (99_000..=100_000).contains(&left),
        "the TTL was copied: {left}"
    );
}

/// MOVE answers 1 or 0, keeps the TTL, and gives Redis's errors for a bad or the same database.
#[tokio::test]
async fn move_to_another_database() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SET", "a", "1"], "+OK\r\n"),
            (
                &["MOVE", "a", "0"],
                "-ERR source and destination objects are the same\r\n",
            ),
            (&["MOVE", "a", "16"], "-ERR DB index is out of range\r\n"),
            (&["MOVE", "a", "-1"], "-ERR DB index is out of range\r\n"),
            (
                &["MOVE", "a", "4294967296"],
                "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
            ),
            (
                &["MOVE", "a", "abc"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                &["MOVE", "a", "01"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                &["MOVE", "nokey", "0"],
                "-ERR source and destination objects are the same\r\n",
            ),
            (&["MOVE", "nokey", "1"], ":0\r\n"),
            (
                &["MOVE", "nokey", "16"],
                "-ERR DB index is out of range\r\n",
            ),
            (&["PEXPIRE", "a", "100000"], ":1\r\n"),
            (&["MOVE", "a", "1"], ":1\r\n"),
            (&["EXISTS", "a"], ":0\r\n"),
            (&["SET", "a", "2"], "+OK\r\n"),
            (&["MOVE", "a", "1"], ":0\r\n"),
            (&["GET", "a"], "$1\r\n2\r\n"),
            (
                &["MOVE", "a"],
                "-ERR wrong number of arguments for 'move' command\r\n",
            ),
            (&["SELECT", "1"], "+OK\r\n"),
            (&["GET", "a"], "$1\r\n1\r\n"),
        ],
    )
    .await;
    let left = int(&s.call(&["PTTL", "a"]).await);
    assert!((99_000..=100_000).contains(&left), "the TTL moved: {left}");
}

/// SWAPDB exchanges two databases, names the bad argument, and checks both ranges after.
#[tokio::test]
async fn swapdb_exchanges_databases() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SET", "a", "1"], "+OK\r\n"),
            (
                &["SWAPDB", "0"],
                "-ERR wrong number of arguments for 'swapdb' command\r\n",
            ),
            (&["SWAPDB", "0", "1"], "+OK\r\n"),
            (&["GET", "a"], "$-1\r\n"),
            (&["SWAPDB", "0", "0"], "+OK\r\n"),
            (&["SWAPDB", "0", "16"], "-ERR DB index is out of range\r\n"),
            (&["SWAPDB", "16", "0"], "-ERR DB index is out of range\r\n"),
            (&["SWAPDB", "-1", "0"], "-ERR DB index is out of range\r\n"),
            (&["SWAPDB", "abc", "0"], "-ERR invalid first DB index\r\n"),
            (&["SWAPDB", "0", "abc"], "-ERR invalid second DB index\r\n"),
            (&["SWAPDB", "abc", "abc"], "-ERR invalid first DB index\r\n"),
            (
                &["SWAPDB", "4294967296", "0"],
                "-ERR invalid first DB index\r\n",
            ),
            (
                &["SWAPDB", "0", "4294967296"],
                "-ERR invalid second DB index\r\n",
            ),
            (&["SWAPDB", "16", "abc"], "-ERR invalid second DB index\r\n"),
            (&["SELECT", "1"], "+OK\r\n"),
            (&["GET", "a"], "$1\r\n1\r\n"),
            (&["SWAPDB", "1", "0"], "+OK\r\n"),
            (&["GET", "a"], "$-1\r\n"),
            (&["SELECT", "0"], "+OK\r\n"),
            (&["GET", "a"], "$1\r\n1\r\n"),
        ],
    )
    .await;
}

/// SELECT gives Redis's three errors: not an integer, not a C int, not a database.
#[tokio::test]
async fn select_errors() {
    let mut s = session();
    check(
        &mut s,
        &[
            (
                &["SELECT", "4294967296"],
                "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
            ),
            (
                &["SELECT", "-2147483649"],
                "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
            ),
            (
                &["SELECT", "2147483647"],
                "-ERR DB index is out of range\r\n",
            ),
            (
                &["SELECT", "abc"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                &["SELECT", "01"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (&["SELECT", "15"], "+OK\r\n"),
        ],
    )
    .await;
}

/// TOUCH counts the keys that exist, a key named twice counting twice.
#[tokio::test]
async fn touch_counts_existing_keys() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SET", "a", "1"], "+OK\r\n"),
            (
                &["TOUCH"],
                "-ERR wrong number of arguments for 'touch' command\r\n",
            ),
            (&["TOUCH", "a", "a", "nokey"], ":2\r\n"),
            (&["TOUCH", "nokey"], ":0\r\n"),
        ],
    )
    .await;
}

/// EXPIREAT and PEXPIREAT set Unix deadlines that EXPIRETIME and PEXPIRETIME give back to the millisecond, with NX/XX/GT/LT.
#[tokio::test]
async fn expireat_and_expiretime() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SET", "a", "1"], "+OK\r\n"),
            (&["EXPIRETIME", "a"], ":-1\r\n"),
            (&["PEXPIRETIME", "a"], ":-1\r\n"),
            (&["EXPIRETIME", "nokey"], ":-2\r\n"),
            (&["PEXPIRETIME", "nokey"], ":-2\r\n"),
            (&["EXPIREAT", "nokey", "100"], ":0\r\n"),
            (&["EXPIREAT", "a", "4000000000"], ":1\r\n"),
            (&["EXPIRETIME", "a"], ":4000000000\r\n"),
            (&["PEXPIRETIME", "a"], ":4000000000000\r\n"),
            (&["EXPIREAT", "a", "4000000000", "gt"], ":0\r\n"),
            (&["EXPIREAT", "a", "4000000000", "lt"], ":0\r\n"),
            (&["EXPIREAT", "a", "4000000001", "gt"], ":1\r\n"),
            (&["EXPIREAT", "a", "4000000000", "lt"], ":1\r\n"),
            (&["EXPIREAT", "a", "4000000000", "nx"], ":0\r\n"),
            (&["EXPIREAT", "a", "4000000000", "xx"], ":1\r\n"),
            (&["PEXPIREAT", "a", "4000000000001", "gt"], ":1\r\n"),
            (&["PEXPIRETIME", "a"], ":4000000000001\r\n"),
            (&["EXPIRETIME", "a"], ":4000000000\r\n"),
            (&["PEXPIREAT", "a", "4000000000499", "lt"], ":0\r\n"),
            (&["PEXPIREAT", "a", "4000000000500", "gt"], ":1\r\n"),
            (&["EXPIRETIME", "a"], ":4000000001\r\n"),
            (&["PERSIST", "a"], ":1\r\n"),
            (&["EXPIREAT", "a", "4000000000", "gt"], ":0\r\n"),
            (&["EXPIREAT", "a", "4000000000", "xx"], ":0\r\n"),
            (&["EXPIREAT", "a", "4000000000", "lt"], ":1\r\n"),
            (
                &["EXPIREAT", "a", "4000000000", "nx", "gt"],
                "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
            ),
            (
                &["EXPIREAT", "a", "4000000000", "gt", "lt"],
                "-ERR GT and LT options at the same time are not compatible\r\n",
            ),
            (&["EXPIREAT", "a", "1", "xx"], ":1\r\n"),
            (&["EXISTS", "a"], ":0\r\n"),
            (&["SET", "a", "1"], "+OK\r\n"),
            (&["EXPIREAT", "a", "1", "gt"], ":0\r\n"),
            (&["EXPIREAT", "a", "1", "nx"], ":1\r\n"),
            (&["EXISTS", "a"], ":0\r\n"),
            (&["SET", "a", "1"], "+OK\r\n"),
            (&["PEXPIREAT", "a", "0"], ":1\r\n"),
            (&["EXISTS", "a"], ":0\r\n"),
            (&["PEXPIREAT", "a", "0"], ":0\r\n"),
            (
                &["EXPIREAT", "a"],
                "-ERR wrong number of arguments for 'expireat' command\r\n",
            ),
            (
                &["EXPIRETIME"],
                "-ERR wrong number of arguments for 'expiretime' command\r\n",
            ),
            (
                &["EXPIRETIME", "a", "b"],
                "-ERR wrong number of arguments for 'expiretime' command\r\n",
            ),
        ],
    )
    .await;
}

/// The expire commands check their options before their amount, and refuse amounts that overflow a millisecond Unix time.
#[tokio::test]
async fn expire_arguments_and_overflow() {
    let mut s = session();
    check(
        &mut s,
        &[
            (&["SET", "a", "1"], "+OK\r\n"),
            (
                &["EXPIREAT", "a", "abc", "foo"],
                "-ERR Unsupported option foo\r\n",
            ),
            (
                &["EXPIRE", "a", "abc", "foo"],
                "-ERR Unsupported option foo\r\n",
            ),
            (
                &["EXPIRE", "a", "abc", "nx", "xx"],
                "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
            ),
            (
                &["EXPIREAT", "a", "abc"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                &["EXPIREAT", "a", "100", "foo"],
                "-ERR Unsupported option foo\r\n",
            ),
            (
                &["EXPIREAT", "a", "9223372036854776"],
                "-ERR invalid expire time in 'expireat' command\r\n",
            ),
            (
                &["EXPIREAT", "a", "-9223372036854776"],
                "-ERR invalid expire time in 'expireat' command\r\n",
            ),
            (&["EXPIREAT", "a", "9223372036854775"], ":1\r\n"),
            (&["PEXPIRETIME", "a"], ":9223372036854775000\r\n"),
            (&["EXPIRETIME", "a"], ":9223372036854775\r\n"),
            (&["PEXPIREAT", "a", "9223372036854775807"], ":1\r\n"),
            (&["PEXPIRETIME", "a"], ":9223372036854775807\r\n"),
            (&["PEXPIREAT", "a", "-9223372036854775808"], ":1\r\n"),
            (&["EXISTS", "a"], ":0\r\n"),
        ],
    )
    .await;
    // `%s`: the whole option, and an option is read up to a NUL.
    s.call(&["SET", "a", "1"]).await;
    let long = "x".repeat(200);
    assert_eq!(
        s.call(&["EXPIRE", "a", "10", &long]).await,
        format!("-ERR Unsupported option {long}\r\n")
    );
    let argv = |words: &[&[u8]]| words.iter().map(|w| Bytes::copy_from_slice(w)).collect();
    assert_eq!(
        s.call_argv(argv(&[b"EXPIRE", b"a", b"10", b"nx\0junk"]))
            .await,
        ":1\r\n"
    );
    assert_eq!(
        s.call_argv(argv(&[b"EXPIRE", b"a", b"10", b"foo\0junk"]))
            .await,
        "-ERR Unsupported option foo\r\n"
    );
}

/// OBJECT ENCODING and REFCOUNT answer as Redis 7.0 for strings, FREQ errs without LFU, missing keys are nil.
#[tokio::test]
async fn object_on_strings() {
    let mut s = session();
    let long44 = "x".repeat(44);
    let long45 = "x".repeat(45);
    check(
        &mut s,
        &[
            (&["SET", "i", "123"], "+OK\r\n"),
            (&["SET", "neg", "-5"], "+OK\r\n"),
            (&["SET", "big", "12345678901234567890"], "+OK\r\n"),
            (&["SET", "s44", &long44], "+OK\r\n"),
            (&["SET", "s45", &long45], "+OK\r\n"),
            (&["SET", "e", ""], "+OK\r\n"),
            (&["SET", "n9999", "9999"], "+OK\r\n"),
            (&["SET", "n10000", "10000"], "+OK\r\n"),
            (&["SET", "lead", "0123"], "+OK\r\n"),
            (&["SET", "i20", "-1234567890123456789"], "+OK\r\n"),
            (&["SET", "ex", "5", "EX", "100"], "+OK\r\n"),
            (&["OBJECT", "ENCODING", "i"], "$3\r\nint\r\n"),
            (&["OBJECT", "encoding", "neg"], "$3\r\nint\r\n"),
            (&["OBJECT", "encoding", "big"], "$6\r\nembstr\r\n"),
            (&["OBJECT", "encoding", "s44"], "$6\r\nembstr\r\n"),
            (&["OBJECT", "encoding", "s45"], "$3\r\nraw\r\n"),
            (&["OBJECT", "encoding", "e"], "$6\r\nembstr\r\n"),
            (&["OBJECT", "encoding", "lead"], "$6\r\nembstr\r\n"),
            (&["OBJECT", "encoding", "i20"], "$3\r\nint\r\n"),
            (&["OBJECT", "encoding", "nokey"], "$-1\r\n"),
            (&["OBJECT", "refcount", "i"], ":2147483647\r\n"),
            (&["OBJECT", "refcount", "n9999"], ":2147483647\r\n"),
            (&["OBJECT", "refcount", "ex"], ":2147483647\r\n"),
            (&["OBJECT", "refcount", "n10000"], ":1\r\n"),
            (&["OBJECT", "refcount", "neg"], ":1\r\n"),
            (&["OBJECT", "refcount", "s45"], ":1\r\n"),
            (&["OBJECT", "refcount", "nokey"], "$-1\r\n"),
            (
                &["OBJECT", "freq", "i"],
                "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. \
                 Please note that when switching between policies at runtime LRU and LFU data \
                 will take some time to adjust.\r\n",
            ),
            (&["OBJECT", "freq", "nokey"], "$-1\r\n"),
            (&["OBJECT", "idletime", "nokey"], "$-1\r\n"),
            (
                &["OBJECT"],
                "-ERR wrong number of arguments for 'object' command\r\n",
            ),
            (
                &["OBJECT", "foo"],
                "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n",
            ),
            (
                &["OBJECT", "foo", "bar"],
                "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n",
            ),
            (
                &["OBJECT", "encoding"],
                "-ERR wrong number of arguments for 'object|encoding' command\r\n",
            ),
            (
                &["OBJECT", "encoding", "a", "b"],
                "-ERR wrong number of arguments for 'object|encoding' command\r\n",
            ),
            (
                &["OBJECT", "help", "x"],
                "-ERR wrong number of arguments for 'object|help' command\r\n",
            ),
            (&["TYPE", "i"], "+string\r\n"),
            (&["TYPE", "nokey"], "+none\r\n"),
        ],
    )
    .await;
    // Redis counts the idle seconds; sharedkv keeps no access times.
    assert_eq!(s.call(&["OBJECT", "IDLETIME", "i"]).await, ":0\r\n");
    // HELP: our words, Redis's shape (15 status lines, subcommands in
    // capitals, each followed by indented lines).
    let help = s.call(&["OBJECT", "HELP"]).await;
    let lines: Vec<&str> = help.trim_end_matches("\r\n").split("\r\n").collect();
    assert_eq!(lines[0], "*15");
    assert_eq!(
        lines[1],
        "+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    );
    let heads: Vec<&str> = lines[2..]
        .iter()
        .filter(|l| !l.starts_with("+    "))
        .copied()
        .collect();
    assert_eq!(
        heads,
        [
            "+ENCODING <key>",
            "+FREQ <key>",
            "+IDLETIME <key>",
            "+REFCOUNT <key>",
            "+HELP"
        ]
    );
}

/// OBJECT ENCODING of a hash follows Redis 7.0's defaults: listpack up to 512 entries of at most 64 bytes.
#[test]
fn object_encoding_of_hashes() {
    let hash = |n: usize, field: usize, value: usize| {
        let entries = (0..n).map(|i| {
            let mut f = format!("{i:0field$}").into_bytes();
            f.truncate(field.max(1));
            (Bytes::from(f), Bytes::from(vec![b'v'; value]))
        });
        Value::Hash(Box::new(entries.collect()))
    };
    let encoding = |value: &Value| encoding(value, &Thresholds::DEFAULT);
    assert_eq!(encoding(&hash(1, 1, 1)), "listpack");
    assert_eq!(encoding(&hash(512, 3, 64)), "listpack");
    assert_eq!(encoding(&hash(513, 3, 1)), "hashtable");
    assert_eq!(encoding(&hash(1, 1, 65)), "hashtable");
    assert_eq!(encoding(&hash(1, 65, 1)), "hashtable");
    assert_eq!(refcount(&hash(1, 1, 1)), 1);
    assert_eq!(encoding(&Value::Int(-1)), "int");
    assert_eq!(refcount(&Value::Int(0)), 2147483647);
    assert_eq!(refcount(&Value::Int(-1)), 1);
    assert_eq!(refcount(&Value::Int(10_000)), 1);
}

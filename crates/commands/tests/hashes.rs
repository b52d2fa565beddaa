//! The first collection type, through the command layer: hashes, and the
//! WRONGTYPE path between strings and hashes in both directions.

mod support;

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

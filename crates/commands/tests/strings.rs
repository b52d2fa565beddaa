//! The string commands through the command layer, on one strategy (the
//! per-strategy suites live in `sharedkv-testsuite`; the differential test
//! compares every command with redis-server).

mod support;

use sharedkv_std_mutex::StdMutexDb;
use support::Session;

/// SET, GET, INCR and the integer form, and WRONGTYPE on a hash.
#[tokio::test]
async fn strings_round_trip() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["SET", "k", "10"]).await, "+OK\r\n");
    assert_eq!(s.call(&["GET", "k"]).await, "$2\r\n10\r\n");
    assert_eq!(s.call(&["INCR", "k"]).await, ":11\r\n");
    assert_eq!(s.call(&["GET", "k"]).await, "$2\r\n11\r\n");
    assert_eq!(s.call(&["GET", "nope"]).await, "$-1\r\n");
    assert_eq!(s.call(&["SETNX", "k", "x"]).await, ":0\r\n");
    assert_eq!(s.call(&["GETSET", "k", "abc"]).await, "$2\r\n11\r\n");
    assert_eq!(
        s.call(&["INCR", "k"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["GET"]).await,
        "-ERR wrong number of arguments for 'get' command\r\n"
    );
}

/// SELECT moves a connection to another database, where keys of database 0 are not seen.
#[tokio::test]
async fn select_isolates_databases() {
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["SET", "k", "0"]).await;
    assert_eq!(s.call(&["SELECT", "1"]).await, "+OK\r\n");
    assert_eq!(s.call(&["GET", "k"]).await, "$-1\r\n");
    assert_eq!(s.call(&["DBSIZE"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["SELECT", "16"]).await,
        "-ERR DB index is out of range\r\n"
    );
    assert_eq!(s.call(&["SELECT", "0"]).await, "+OK\r\n");
    assert_eq!(s.call(&["DBSIZE"]).await, ":1\r\n");
}

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

/// GETEX sets, removes and (with a past PXAT) deletes; a missing key answers nil before the expiry is checked.
#[tokio::test]
async fn getex_changes_the_ttl_after_checking_the_key() {
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["set", "k", "v"]).await;
    assert_eq!(s.call(&["getex", "k", "ex", "100"]).await, "$1\r\nv\r\n");
    assert_eq!(s.call(&["ttl", "k"]).await, ":100\r\n");
    assert_eq!(s.call(&["getex", "k", "persist"]).await, "$1\r\nv\r\n");
    assert_eq!(s.call(&["ttl", "k"]).await, ":-1\r\n");
    assert_eq!(s.call(&["getex", "k", "pxat", "1"]).await, "$1\r\nv\r\n");
    assert_eq!(s.call(&["exists", "k"]).await, ":0\r\n");
    assert_eq!(s.call(&["getex", "nokey", "ex", "abc"]).await, "$-1\r\n");
    s.call(&["hset", "h", "f", "v"]).await;
    assert_eq!(
        s.call(&["getex", "h", "ex", "abc"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    s.call(&["set", "k", "v"]).await;
    assert_eq!(
        s.call(&["getex", "k", "ex", "abc"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["getex", "k", "ex", "0"]).await,
        "-ERR invalid expire time in 'getex' command\r\n"
    );
    assert_eq!(
        s.call(&["getex", "k", "ex", "10", "px", "10"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["getex", "k", "keepttl"]).await,
        "-ERR syntax error\r\n"
    );
}

/// MSETNX writes every pair only if no key exists, and a repeated key takes its last value.
#[tokio::test]
async fn msetnx_writes_all_or_nothing() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["msetnx", "a", "1", "b", "2"]).await, ":1\r\n");
    assert_eq!(s.call(&["msetnx", "b", "3", "c", "4"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["mget", "a", "b", "c"]).await,
        "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n"
    );
    assert_eq!(s.call(&["msetnx", "c", "5", "c", "6"]).await, ":1\r\n");
    assert_eq!(s.call(&["get", "c"]).await, "$1\r\n6\r\n");
    assert_eq!(
        s.call(&["msetnx", "d", "1", "e"]).await,
        "-ERR wrong number of arguments for 'msetnx' command\r\n"
    );
}

/// APPEND creates and extends strings, integer-form ones included, and STRLEN counts their bytes.
#[tokio::test]
async fn append_and_strlen_work_on_both_string_forms() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["append", "k", "hello"]).await, ":5\r\n");
    assert_eq!(s.call(&["append", "k", " world"]).await, ":11\r\n");
    assert_eq!(s.call(&["get", "k"]).await, "$11\r\nhello world\r\n");
    assert_eq!(s.call(&["strlen", "k"]).await, ":11\r\n");
    s.call(&["set", "n", "12"]).await;
    assert_eq!(s.call(&["append", "n", "34"]).await, ":4\r\n");
    assert_eq!(s.call(&["incr", "n"]).await, ":1235\r\n");
    assert_eq!(s.call(&["strlen", "n"]).await, ":4\r\n");
    assert_eq!(s.call(&["strlen", "nokey"]).await, ":0\r\n");
    s.call(&["hset", "h", "f", "v"]).await;
    assert_eq!(
        s.call(&["append", "h", "x"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["strlen", "h"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
}

/// GETRANGE and SUBSTR clamp negative and out-of-range indexes as Redis does.
#[tokio::test]
async fn getrange_clamps_ranges_like_redis() {
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["set", "s", "This is a string"]).await;
    assert_eq!(s.call(&["getrange", "s", "0", "3"]).await, "$4\r\nThis\r\n");
    assert_eq!(
        s.call(&["getrange", "s", "-3", "-1"]).await,
        "$3\r\ning\r\n"
    );
    assert_eq!(
        s.call(&["getrange", "s", "10", "100"]).await,
        "$6\r\nstring\r\n"
    );
    assert_eq!(s.call(&["getrange", "s", "-1", "-5"]).await, "$0\r\n\r\n");
    assert_eq!(s.call(&["getrange", "s", "5", "2"]).await, "$0\r\n\r\n");
    assert_eq!(
        s.call(&["getrange", "s", "-100", "3"]).await,
        "$4\r\nThis\r\n"
    );
    assert_eq!(
        s.call(&["getrange", "nokey", "0", "-1"]).await,
        "$0\r\n\r\n"
    );
    assert_eq!(
        s.call(&["getrange", "s", "a", "1"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    s.call(&["set", "n", "-12345"]).await;
    assert_eq!(s.call(&["getrange", "n", "1", "2"]).await, "$2\r\n12\r\n");
    assert_eq!(s.call(&["substr", "s", "0", "3"]).await, "$4\r\nThis\r\n");
}

/// SETRANGE pads with zero bytes, writes nothing for an empty value, and refuses results over 512 MB without allocating.
#[tokio::test]
async fn setrange_pads_and_refuses_strings_over_512_mb() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["setrange", "k", "5", "hello"]).await, ":10\r\n");
    assert_eq!(s.call(&["strlen", "k"]).await, ":10\r\n");
    assert_eq!(s.call(&["setrange", "k", "0", "HE"]).await, ":10\r\n");
    assert_eq!(s.call(&["getrange", "k", "0", "1"]).await, "$2\r\nHE\r\n");
    assert_eq!(s.call(&["setrange", "nokey", "10", ""]).await, ":0\r\n");
    assert_eq!(s.call(&["exists", "nokey"]).await, ":0\r\n");
    assert_eq!(s.call(&["setrange", "k", "2", ""]).await, ":10\r\n");
    assert_eq!(
        s.call(&["setrange", "k", "-1", "x"]).await,
        "-ERR offset is out of range\r\n"
    );
    assert_eq!(
        s.call(&["setrange", "k", "536870911", "xx"]).await,
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"
    );
    assert_eq!(
        s.call(&["setrange", "nokey", "9223372036854775807", "x"])
            .await,
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"
    );
    assert_eq!(s.call(&["exists", "nokey"]).await, ":0\r\n");
    s.call(&["set", "n", "100"]).await;
    assert_eq!(s.call(&["setrange", "n", "1", "5"]).await, ":3\r\n");
    assert_eq!(s.call(&["incr", "n"]).await, ":151\r\n");
}

/// INCRBYFLOAT adds in x87 long double and prints Redis's digits, keeping the TTL.
#[tokio::test]
async fn incrbyfloat_computes_in_extended_precision() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["incrbyfloat", "f", "0.1"]).await, "$3\r\n0.1\r\n");
    assert_eq!(s.call(&["incrbyfloat", "f", "0.1"]).await, "$3\r\n0.2\r\n");
    assert_eq!(s.call(&["incrbyfloat", "f", "0.1"]).await, "$3\r\n0.3\r\n");
    s.call(&["set", "f", "10.5"]).await;
    assert_eq!(s.call(&["incrbyfloat", "f", "0.1"]).await, "$4\r\n10.6\r\n");
    assert_eq!(
        s.call(&["incrbyfloat", "f", "5.0e3"]).await,
        "$22\r\n5010.60000000000000009\r\n"
    );
    s.call(&["set", "g", "0"]).await;
    assert_eq!(
        s.call(&["incrbyfloat", "g", "5.0e3"]).await,
        "$4\r\n5000\r\n"
    );
    assert_eq!(s.call(&["incrbyfloat", "g", "-5000"]).await, "$1\r\n0\r\n");
    assert_eq!(
        s.call(&["incrbyfloat", "g", "1.5e-20"]).await,
        "$1\r\n0\r\n"
    );
    assert_eq!(
        s.call(&["incrbyfloat", "g", "0x1p-1"]).await,
        "$3\r\n0.5\r\n"
    );
    s.call(&["set", "g", "10"]).await;
    assert_eq!(s.call(&["incrbyfloat", "g", "2.5"]).await, "$4\r\n12.5\r\n");
    assert_eq!(
        s.call(&["incrbyfloat", "g", "abc"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["incrbyfloat", "g", " 1"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["incrbyfloat", "g", "1e5000"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["incrbyfloat", "g", "inf"]).await,
        "-ERR increment would produce NaN or Infinity\r\n"
    );
    s.call(&["set", "g", "abc"]).await;
    assert_eq!(
        s.call(&["incrbyfloat", "g", "1"]).await,
        "-ERR value is not a valid float\r\n"
    );
    s.call(&["set", "t", "1", "ex", "100"]).await;
    assert_eq!(s.call(&["incrbyfloat", "t", "1.5"]).await, "$3\r\n2.5\r\n");
    assert_eq!(s.call(&["ttl", "t"]).await, ":100\r\n");
}

/// LCS gives the subsequence, its length, or its ranges with Redis's IDX shape, and checks types before options.
#[tokio::test]
async fn lcs_answers_the_subsequence_its_length_or_ranges() {
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["set", "k1", "ohmytext"]).await;
    s.call(&["set", "k2", "mynewtext"]).await;
    assert_eq!(s.call(&["lcs", "k1", "k2"]).await, "$6\r\nmytext\r\n");
    assert_eq!(s.call(&["lcs", "k1", "k2", "len"]).await, ":6\r\n");
    assert_eq!(
        s.call(&["lcs", "k1", "k2", "idx"]).await,
        "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n"
    );
    assert_eq!(
        s.call(&["lcs", "k1", "k2", "idx", "minmatchlen", "4", "withmatchlen"])
            .await,
        "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n"
    );
    assert_eq!(
        s.call(&["lcs", "k1", "k2", "len", "idx"]).await,
        "-ERR If you want both the length and indexes, please just use IDX.\r\n"
    );
    assert_eq!(s.call(&["lcs", "k1", "nokey"]).await, "$0\r\n\r\n");
    assert_eq!(
        s.call(&["lcs", "k1", "k2", "foo"]).await,
        "-ERR syntax error\r\n"
    );
    s.call(&["hset", "h", "f", "v"]).await;
    assert_eq!(
        s.call(&["lcs", "k1", "h", "foo"]).await,
        "-ERR The specified keys must contain string values\r\n"
    );
}

/// SETBIT grows the string and answers the old bit; offsets past 2^32 bits are refused.
#[tokio::test]
async fn setbit_and_getbit_grow_and_check_offsets() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["setbit", "b", "7", "1"]).await, ":0\r\n");
    assert_eq!(s.call(&["setbit", "b", "7", "0"]).await, ":1\r\n");
    assert_eq!(s.call(&["setbit", "b", "100", "1"]).await, ":0\r\n");
    assert_eq!(s.call(&["strlen", "b"]).await, ":13\r\n");
    assert_eq!(s.call(&["getbit", "b", "100"]).await, ":1\r\n");
    assert_eq!(s.call(&["getbit", "b", "99"]).await, ":0\r\n");
    assert_eq!(s.call(&["getbit", "b", "100000"]).await, ":0\r\n");
    assert_eq!(s.call(&["getbit", "nokey", "0"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["setbit", "b", "4294967296", "1"]).await,
        "-ERR bit offset is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["getbit", "b", "-1"]).await,
        "-ERR bit offset is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["setbit", "b", "1", "2"]).await,
        "-ERR bit is not an integer or out of range\r\n"
    );
    s.call(&["set", "n", "5"]).await;
    assert_eq!(s.call(&["getbit", "n", "2"]).await, ":1\r\n");
    assert_eq!(s.call(&["getbit", "n", "5"]).await, ":1\r\n");
    assert_eq!(s.call(&["setbit", "n", "6", "1"]).await, ":0\r\n");
    assert_eq!(s.call(&["get", "n"]).await, "$1\r\n7\r\n");
}

/// BITCOUNT and BITPOS take byte and bit ranges, and (as 7.0 does) answer for a missing key before reading the range.
#[tokio::test]
async fn bitcount_and_bitpos_follow_redis_7_0() {
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["set", "mykey", "foobar"]).await;
    assert_eq!(s.call(&["bitcount", "mykey"]).await, ":26\r\n");
    assert_eq!(s.call(&["bitcount", "mykey", "1", "1"]).await, ":6\r\n");
    assert_eq!(s.call(&["bitcount", "mykey", "-2", "-1"]).await, ":7\r\n");
    assert_eq!(
        s.call(&["bitcount", "mykey", "5", "30", "bit"]).await,
        ":17\r\n"
    );
    assert_eq!(
        s.call(&["bitcount", "mykey", "-1", "-2", "foo"]).await,
        ":0\r\n"
    );
    assert_eq!(
        s.call(&["bitcount", "mykey", "1", "2", "foo"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["bitcount", "mykey", "1"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(s.call(&["bitcount", "nokey", "a", "b"]).await, ":0\r\n");
    s.call(&["setbit", "bp", "7", "0"]).await;
    s.call(&["setbit", "bp", "8", "1"]).await;
    s.call(&["setbit", "bp", "9", "1"]).await;
    assert_eq!(s.call(&["bitpos", "bp", "1"]).await, ":8\r\n");
    assert_eq!(s.call(&["bitpos", "bp", "0"]).await, ":0\r\n");
    assert_eq!(s.call(&["bitpos", "bp", "1", "1"]).await, ":8\r\n");
    assert_eq!(
        s.call(&["bitpos", "bp", "1", "9", "15", "bit"]).await,
        ":9\r\n"
    );
    assert_eq!(
        s.call(&["bitpos", "bp", "0", "8", "9", "bit"]).await,
        ":-1\r\n"
    );
    assert_eq!(s.call(&["bitpos", "bp", "1", "2"]).await, ":-1\r\n");
    assert_eq!(s.call(&["bitpos", "nokey", "0"]).await, ":0\r\n");
    assert_eq!(s.call(&["bitpos", "nokey", "1"]).await, ":-1\r\n");
    assert_eq!(
        s.call(&["bitpos", "bp", "2"]).await,
        "-ERR The bit argument must be 1 or 0.\r\n"
    );
}

/// BITOP pads sources with zeros, deletes the destination for an empty result, and refuses a non-string source.
#[tokio::test]
async fn bitop_combines_strings_and_deletes_an_empty_result() {
    let mut s = Session::new(StdMutexDb::new());
    s.call(&["set", "a", "abc"]).await;
    s.call(&["set", "b", "   "]).await;
    assert_eq!(s.call(&["bitop", "or", "d", "a", "b"]).await, ":3\r\n");
    assert_eq!(s.call(&["get", "d"]).await, "$3\r\nabc\r\n");
    assert_eq!(s.call(&["bitop", "and", "d", "a", "b"]).await, ":3\r\n");
    assert_eq!(s.call(&["get", "d"]).await, "$3\r\n   \r\n");
    assert_eq!(s.call(&["bitop", "xor", "d", "a", "a"]).await, ":3\r\n");
    assert_eq!(s.call(&["bitcount", "d"]).await, ":0\r\n");
    assert_eq!(s.call(&["bitop", "not", "d", "a"]).await, ":3\r\n");
    assert_eq!(s.call(&["bitcount", "d"]).await, ":14\r\n");
    assert_eq!(
        s.call(&["bitop", "not", "d"]).await,
        "-ERR wrong number of arguments for 'bitop' command\r\n"
    );
    assert_eq!(
        s.call(&["bitop", "nand", "d", "a"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(s.call(&["bitop", "and", "d", "nokey"]).await, ":0\r\n");
    assert_eq!(s.call(&["exists", "d"]).await, ":0\r\n");
    s.call(&["hset", "h", "f", "v"]).await;
    assert_eq!(
        s.call(&["bitop", "or", "d", "a", "h"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
}

/// BITFIELD reads and writes fields with WRAP, SAT and FAIL overflow, `#` offsets, and BITFIELD_RO refuses writes.
#[tokio::test]
async fn bitfield_wraps_saturates_or_fails() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&[
            "bitfield", "bf", "set", "u8", "0", "200", "get", "u8", "0", "get", "i8", "0"
        ])
        .await,
        "*3\r\n:0\r\n:200\r\n:-56\r\n"
    );
    assert_eq!(
        s.call(&["bitfield", "bf", "incrby", "u8", "0", "100"])
            .await,
        "*1\r\n:44\r\n"
    );
    assert_eq!(
        s.call(&[
            "bitfield", "bf", "overflow", "sat", "incrby", "u8", "0", "100", "overflow", "fail",
            "incrby", "u8", "0", "1"
        ])
        .await,
        "*2\r\n:144\r\n:145\r\n"
    );
    assert_eq!(
        s.call(&[
            "bitfield", "bf", "overflow", "wrap", "incrby", "i8", "8", "200"
        ])
        .await,
        "*1\r\n:-56\r\n"
    );
    assert_eq!(
        s.call(&["bitfield", "bf", "set", "u4", "#2", "15", "get", "u8", "#1"])
            .await,
        "*2\r\n:12\r\n:248\r\n"
    );
    assert_eq!(
        s.call(&["bitfield", "bf", "get", "u64", "0"]).await,
        "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"
    );
    assert_eq!(
        s.call(&["bitfield", "bf", "get", "u8", "4294967296"]).await,
        "-ERR bit offset is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["bitfield", "bf", "get", "i64", "#288230376151711745"])
            .await,
        "*1\r\n:0\r\n"
    );
    assert_eq!(
        s.call(&["bitfield", "bf", "overflow", "foo"]).await,
        "-ERR Invalid OVERFLOW type specified\r\n"
    );
    assert_eq!(
        s.call(&["bitfield", "bf", "get", "u8"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&[
            "bitfield", "nokey", "overflow", "fail", "set", "u8", "0", "300"
        ])
        .await,
        "*1\r\n$-1\r\n"
    );
    assert_eq!(s.call(&["exists", "nokey"]).await, ":1\r\n");
    assert_eq!(
        s.call(&["bitfield_ro", "bf", "get", "u8", "0", "get", "i4", "#1"])
            .await,
        "*2\r\n:145\r\n:1\r\n"
    );
    assert_eq!(
        s.call(&["bitfield_ro", "bf", "set", "u8", "0", "1"]).await,
        "-ERR BITFIELD_RO only supports the GET subcommand\r\n"
    );
    assert_eq!(
        s.call(&[
            "bitfield_ro",
            "bf",
            "get",
            "u8",
            "0",
            "set",
            "u8",
            "0",
            "abc"
        ])
        .await,
        "-ERR value is not an integer or out of range\r\n"
    );
}

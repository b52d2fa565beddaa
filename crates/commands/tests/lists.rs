//! The list family through the command layer, on one strategy. Every
//! reply in these tables was first taken from redis-server 7.0.15 with the
//! same requests, from an empty server.

mod support;

use sharedkv_std_mutex::StdMutexDb;
use support::Session;

type S = Session<StdMutexDb>;

/// Sends each request to a fresh store and compares its raw reply.
async fn check(steps: &[(&[&str], &str)]) {
    let mut s: S = Session::new(StdMutexDb::new());
    for (words, expected) in steps {
        assert_eq!(s.call(words).await, *expected, "{words:?}");
    }
}

/// LPUSH/RPUSH and their X forms count the list, LPOP/RPOP take from either end with or without a count (RESP2's `$-1`, `*-1` and `*0` exactly), and the last pop removes the key.
#[tokio::test]
async fn push_and_pop() {
    #[rustfmt::skip]
    check(&[
        (&["LPUSH", "l", "a", "b", "c"], ":3\r\n"),
        (&["RPUSH", "l", "d", "e"], ":5\r\n"),
        (&["LRANGE", "l", "0", "-1"], "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n"),
        (&["LLEN", "l"], ":5\r\n"),
        (&["LPUSHX", "l", "z"], ":6\r\n"),
        (&["RPUSHX", "l", "y", "x"], ":8\r\n"),
        (&["LPUSHX", "none", "a"], ":0\r\n"),
        (&["RPUSHX", "none", "a", "b"], ":0\r\n"),
        (&["EXISTS", "none"], ":0\r\n"),
        (&["LPOP", "l"], "$1\r\nz\r\n"),
        (&["RPOP", "l"], "$1\r\nx\r\n"),
        (&["LPOP", "l", "2"], "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"),
        (&["RPOP", "l", "2"], "*2\r\n$1\r\ny\r\n$1\r\ne\r\n"),
        (&["LPOP", "l", "0"], "*0\r\n"),
        (&["RPOP", "l", "0"], "*0\r\n"),
        (&["LRANGE", "l", "0", "-1"], "*2\r\n$1\r\na\r\n$1\r\nd\r\n"),
        (&["LPOP", "l", "100"], "*2\r\n$1\r\na\r\n$1\r\nd\r\n"),
        (&["EXISTS", "l"], ":0\r\n"),
        (&["TYPE", "l"], "+none\r\n"),
        (&["LPOP", "l"], "$-1\r\n"),
        (&["RPOP", "l"], "$-1\r\n"),
        (&["LPOP", "l", "1"], "*-1\r\n"),
        (&["RPOP", "l", "0"], "*-1\r\n"),
        (&["LPOP", "l", "9223372036854775807"], "*-1\r\n"),
        (&["LPOP", "l", "-1"], "-ERR value is out of range, must be positive\r\n"),
        (&["RPOP", "l", "abc"], "-ERR value is out of range, must be positive\r\n"),
        (&["LPOP", "l", ""], "-ERR value is out of range, must be positive\r\n"),
        (&["LPOP", "l", "1", "2"], "-ERR wrong number of arguments for 'lpop' command\r\n"),
        (&["RPOP", "l", "x", "y"], "-ERR wrong number of arguments for 'rpop' command\r\n"),
        (&["RPUSH", "n", "1", "2", "3"], ":3\r\n"),
        (&["RPOP", "n", "9223372036854775807"], "*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n"),
        (&["EXISTS", "n"], ":0\r\n"),
        (&["LPUSH", "l"], "-ERR wrong number of arguments for 'lpush' command\r\n"),
        (&["RPUSHX", "l"], "-ERR wrong number of arguments for 'rpushx' command\r\n"),
        (&["LPOP"], "-ERR wrong number of arguments for 'lpop' command\r\n"),
        (&["RPUSH", "e", ""], ":1\r\n"),
        (&["LRANGE", "e", "0", "-1"], "*1\r\n$0\r\n\r\n"),
        (&["LPOP", "e"], "$0\r\n\r\n"),
        (&["EXISTS", "e"], ":0\r\n"),
        (&["RPUSH", "t", "x"], ":1\r\n"),
        (&["TYPE", "t"], "+list\r\n"),
        (&["OBJECT", "ENCODING", "t"], "$9\r\nquicklist\r\n"),
        (&["LPUSH", "t", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n"], ":15\r\n"),
        (&["OBJECT", "ENCODING", "t"], "$9\r\nquicklist\r\n"),
    ])
    .await;
}

/// LRANGE and LINDEX read negative, huge and past-the-end indexes as Redis does, and answer an absent key as empty or nil.
#[tokio::test]
async fn ranges_and_indexes() {
    #[rustfmt::skip]
    check(&[
        (&["RPUSH", "l", "0", "1", "2", "3", "4"], ":5\r\n"),
        (&["LRANGE", "l", "0", "-1"], "*5\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["LRANGE", "l", "1", "3"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["LRANGE", "l", "-2", "-1"], "*2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["LRANGE", "l", "-100", "1"], "*2\r\n$1\r\n0\r\n$1\r\n1\r\n"),
        (&["LRANGE", "l", "3", "1"], "*0\r\n"),
        (&["LRANGE", "l", "5", "10"], "*0\r\n"),
        (&["LRANGE", "l", "4", "100"], "*1\r\n$1\r\n4\r\n"),
        (&["LRANGE", "l", "-9223372036854775808", "9223372036854775807"], "*5\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["LRANGE", "l", "9223372036854775807", "-9223372036854775808"], "*0\r\n"),
        (&["LRANGE", "l", "-1", "-2"], "*0\r\n"),
        (&["LRANGE", "l", "0", "0"], "*1\r\n$1\r\n0\r\n"),
        (&["LRANGE", "l", "a", "1"], "-ERR value is not an integer or out of range\r\n"),
        (&["LRANGE", "l", "0", "1.5"], "-ERR value is not an integer or out of range\r\n"),
        (&["LRANGE", "l", "01", "2"], "-ERR value is not an integer or out of range\r\n"),
        (&["LRANGE", "none", "0", "-1"], "*0\r\n"),
        (&["LRANGE", "none", "x", "-1"], "-ERR value is not an integer or out of range\r\n"),
        (&["LINDEX", "l", "0"], "$1\r\n0\r\n"),
        (&["LINDEX", "l", "4"], "$1\r\n4\r\n"),
        (&["LINDEX", "l", "5"], "$-1\r\n"),
        (&["LINDEX", "l", "-1"], "$1\r\n4\r\n"),
        (&["LINDEX", "l", "-5"], "$1\r\n0\r\n"),
        (&["LINDEX", "l", "-6"], "$-1\r\n"),
        (&["LINDEX", "l", "9223372036854775807"], "$-1\r\n"),
        (&["LINDEX", "l", "-9223372036854775808"], "$-1\r\n"),
        (&["LINDEX", "l", "x"], "-ERR value is not an integer or out of range\r\n"),
        (&["LINDEX", "none", "x"], "$-1\r\n"),
        (&["LINDEX", "none", "0"], "$-1\r\n"),
        (&["LLEN", "none"], ":0\r\n"),
        (&["LLEN", "l"], ":5\r\n"),
        (&["LRANGE", "l", "0"], "-ERR wrong number of arguments for 'lrange' command\r\n"),
        (&["LINDEX", "l"], "-ERR wrong number of arguments for 'lindex' command\r\n"),
    ])
    .await;
}

/// LSET, LINSERT, LREM and LTRIM change lists in place with Redis's errors and in Redis's order of checks, and an emptied list removes its key.
#[tokio::test]
async fn lset_linsert_lrem_ltrim() {
    #[rustfmt::skip]
    check(&[
        (&["LSET", "none", "0", "x"], "-ERR no such key\r\n"),
        (&["LSET", "none", "abc", "x"], "-ERR no such key\r\n"),
        (&["RPUSH", "l", "a", "b", "a", "c", "a"], ":5\r\n"),
        (&["LSET", "l", "0", "A"], "+OK\r\n"),
        (&["LSET", "l", "-1", "Z"], "+OK\r\n"),
        (&["LSET", "l", "5", "x"], "-ERR index out of range\r\n"),
        (&["LSET", "l", "-6", "x"], "-ERR index out of range\r\n"),
        (&["LSET", "l", "9223372036854775807", "x"], "-ERR index out of range\r\n"),
        (&["LSET", "l", "-9223372036854775808", "x"], "-ERR index out of range\r\n"),
        (&["LSET", "l", "x", "y"], "-ERR value is not an integer or out of range\r\n"),
        (&["LRANGE", "l", "0", "-1"], "*5\r\n$1\r\nA\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nZ\r\n"),
        (&["LINSERT", "l", "BEFORE", "a", "p"], ":6\r\n"),
        (&["LINSERT", "l", "after", "a", "q"], ":7\r\n"),
        (&["LINSERT", "l", "AFTER", "Z", "end"], ":8\r\n"),
        (&["LINSERT", "l", "before", "A", "start"], ":9\r\n"),
        (&["LINSERT", "l", "before", "nope", "x"], ":-1\r\n"),
        (&["LINSERT", "l", "middle", "a", "x"], "-ERR syntax error\r\n"),
        (&["LINSERT", "none", "before", "a", "x"], ":0\r\n"),
        (&["LINSERT", "none", "sideways", "a", "x"], "-ERR syntax error\r\n"),
        (&["EXISTS", "none"], ":0\r\n"),
        (&["LRANGE", "l", "0", "-1"], "*9\r\n$5\r\nstart\r\n$1\r\nA\r\n$1\r\nb\r\n$1\r\np\r\n$1\r\na\r\n$1\r\nq\r\n$1\r\nc\r\n$1\r\nZ\r\n$3\r\nend\r\n"),
        (&["RPUSH", "r", "x", "y", "x", "z", "x", "x"], ":6\r\n"),
        (&["LREM", "r", "1", "x"], ":1\r\n"),
        (&["LRANGE", "r", "0", "-1"], "*5\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\nz\r\n$1\r\nx\r\n$1\r\nx\r\n"),
        (&["LREM", "r", "-2", "x"], ":2\r\n"),
        (&["LRANGE", "r", "0", "-1"], "*3\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\nz\r\n"),
        (&["LREM", "r", "0", "nope"], ":0\r\n"),
        (&["LREM", "r", "0", "x"], ":1\r\n"),
        (&["LRANGE", "r", "0", "-1"], "*2\r\n$1\r\ny\r\n$1\r\nz\r\n"),
        (&["LREM", "r", "x", "y"], "-ERR value is not an integer or out of range\r\n"),
        (&["LREM", "none", "1", "x"], ":0\r\n"),
        (&["LREM", "none", "x", "x"], "-ERR value is not an integer or out of range\r\n"),
        (&["LREM", "r", "9223372036854775807", "y"], ":1\r\n"),
        (&["LREM", "r", "-9223372036854775808", "z"], ":1\r\n"),
        (&["EXISTS", "r"], ":0\r\n"),
        (&["RPUSH", "t", "0", "1", "2", "3", "4", "5"], ":6\r\n"),
        (&["LTRIM", "t", "1", "-2"], "+OK\r\n"),
        (&["LRANGE", "t", "0", "-1"], "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["LTRIM", "t", "-9223372036854775808", "9223372036854775807"], "+OK\r\n"),
        (&["LRANGE", "t", "0", "-1"], "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["LTRIM", "t", "1", "1"], "+OK\r\n"),
        (&["LRANGE", "t", "0", "-1"], "*1\r\n$1\r\n2\r\n"),
        (&["LTRIM", "t", "x", "1"], "-ERR value is not an integer or out of range\r\n"),
        (&["LTRIM", "t", "0", "y"], "-ERR value is not an integer or out of range\r\n"),
        (&["LTRIM", "none", "0", "1"], "+OK\r\n"),
        (&["LTRIM", "none", "x", "1"], "-ERR value is not an integer or out of range\r\n"),
        (&["EXISTS", "none"], ":0\r\n"),
        (&["LTRIM", "t", "1", "0"], "+OK\r\n"),
        (&["EXISTS", "t"], ":0\r\n"),
        (&["RPUSH", "t", "a", "b"], ":2\r\n"),
        (&["LTRIM", "t", "5", "10"], "+OK\r\n"),
        (&["EXISTS", "t"], ":0\r\n"),
        (&["RPUSH", "t", "a", "b"], ":2\r\n"),
        (&["LTRIM", "t", "0", "-3"], "+OK\r\n"),
        (&["EXISTS", "t"], ":0\r\n"),
    ])
    .await;
}

/// LPOS with RANK, COUNT and MAXLEN answers as redis-server 7.0 does, its errors and its RANK of i64::MIN included.
#[tokio::test]
async fn lpos() {
    #[rustfmt::skip]
    check(&[
        (&["RPUSH", "l", "a", "b", "c", "a", "b", "a", "1", "2"], ":8\r\n"),
        (&["LPOS", "l", "a"], ":0\r\n"),
        (&["LPOS", "l", "b"], ":1\r\n"),
        (&["LPOS", "l", "z"], "$-1\r\n"),
        (&["LPOS", "l", "a", "RANK", "2"], ":3\r\n"),
        (&["LPOS", "l", "a", "RANK", "-1"], ":5\r\n"),
        (&["LPOS", "l", "a", "RANK", "-3"], ":0\r\n"),
        (&["LPOS", "l", "a", "RANK", "4"], "$-1\r\n"),
        (&["LPOS", "l", "a", "COUNT", "0"], "*3\r\n:0\r\n:3\r\n:5\r\n"),
        (&["LPOS", "l", "a", "COUNT", "2"], "*2\r\n:0\r\n:3\r\n"),
        (&["LPOS", "l", "a", "COUNT", "2", "RANK", "-1"], "*2\r\n:5\r\n:3\r\n"),
        (&["LPOS", "l", "a", "RANK", "2", "COUNT", "0"], "*2\r\n:3\r\n:5\r\n"),
        (&["LPOS", "l", "a", "MAXLEN", "3", "COUNT", "0"], "*1\r\n:0\r\n"),
        (&["LPOS", "l", "a", "RANK", "-1", "MAXLEN", "2", "COUNT", "0"], "*0\r\n"),
        (&["LPOS", "l", "a", "MAXLEN", "1"], ":0\r\n"),
        (&["LPOS", "l", "b", "MAXLEN", "1"], "$-1\r\n"),
        (&["LPOS", "l", "z", "COUNT", "1"], "*0\r\n"),
        (&["LPOS", "l", "a", "rank", "1", "count", "1", "maxlen", "0"], "*1\r\n:0\r\n"),
        (&["LPOS", "l", "a", "RANK", "0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
        (&["LPOS", "l", "a", "RANK", "x"], "-ERR value is not an integer or out of range\r\n"),
        (&["LPOS", "l", "a", "RANK"], "-ERR syntax error\r\n"),
        (&["LPOS", "l", "a", "COUNT", "-1"], "-ERR COUNT can't be negative\r\n"),
        (&["LPOS", "l", "a", "COUNT", "x"], "-ERR COUNT can't be negative\r\n"),
        (&["LPOS", "l", "a", "MAXLEN", "-1"], "-ERR MAXLEN can't be negative\r\n"),
        (&["LPOS", "l", "a", "MAXLEN", "x"], "-ERR MAXLEN can't be negative\r\n"),
        (&["LPOS", "l", "a", "FOO", "1"], "-ERR syntax error\r\n"),
        (&["LPOS", "l", "a", "COUNT"], "-ERR syntax error\r\n"),
        (&["LPOS", "l", "a", "RANK", "-9223372036854775808"], ":5\r\n"),
        (&["LPOS", "l", "a", "RANK", "-9223372036854775808", "COUNT", "1"], "*3\r\n:5\r\n:3\r\n:0\r\n"),
        (&["LPOS", "l", "a", "RANK", "-9223372036854775807"], "$-1\r\n"),
        (&["LPOS", "l", "a", "RANK", "9223372036854775807", "COUNT", "0"], "*0\r\n"),
        (&["LPOS", "l", "a", "COUNT", "9223372036854775807"], "*3\r\n:0\r\n:3\r\n:5\r\n"),
        (&["LPOS", "l", "a", "RANK", "1", "RANK", "2"], ":3\r\n"),
        (&["LPOS", "none", "a"], "$-1\r\n"),
        (&["LPOS", "none", "a", "COUNT", "1"], "*0\r\n"),
        (&["LPOS", "none", "a", "RANK", "0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
        (&["LPOS", "l", "a", "RANK", "0", "COUNT", "-1"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
        (&["LPOS", "l", "a", "COUNT", "-1", "RANK", "0"], "-ERR COUNT can't be negative\r\n"),
    ])
    .await;
}

/// LMOVE and RPOPLPUSH move between lists, create the destination, remove an emptied source, and rotate a list onto itself (one element included).
#[tokio::test]
async fn lmove_and_rpoplpush() {
    #[rustfmt::skip]
    check(&[
        (&["RPUSH", "l", "a", "b", "c"], ":3\r\n"),
        (&["LMOVE", "l", "l", "LEFT", "RIGHT"], "$1\r\na\r\n"),
        (&["LRANGE", "l", "0", "-1"], "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"),
        (&["LMOVE", "l", "l", "right", "left"], "$1\r\na\r\n"),
        (&["LRANGE", "l", "0", "-1"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        (&["LMOVE", "l", "l", "left", "left"], "$1\r\na\r\n"),
        (&["LRANGE", "l", "0", "-1"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        (&["LMOVE", "l", "d", "RIGHT", "RIGHT"], "$1\r\nc\r\n"),
        (&["LMOVE", "l", "d", "LEFT", "LEFT"], "$1\r\na\r\n"),
        (&["LRANGE", "d", "0", "-1"], "*2\r\n$1\r\na\r\n$1\r\nc\r\n"),
        (&["LRANGE", "l", "0", "-1"], "*1\r\n$1\r\nb\r\n"),
        (&["RPOPLPUSH", "l", "d"], "$1\r\nb\r\n"),
        (&["EXISTS", "l"], ":0\r\n"),
        (&["LRANGE", "d", "0", "-1"], "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n"),
        (&["RPOPLPUSH", "d", "d"], "$1\r\nc\r\n"),
        (&["LRANGE", "d", "0", "-1"], "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
        (&["RPOPLPUSH", "none", "d"], "$-1\r\n"),
        (&["LMOVE", "none", "d", "LEFT", "RIGHT"], "$-1\r\n"),
        (&["EXISTS", "none"], ":0\r\n"),
        (&["LMOVE", "d", "d", "UP", "LEFT"], "-ERR syntax error\r\n"),
        (&["LMOVE", "d", "d", "LEFT", "DOWN"], "-ERR syntax error\r\n"),
        (&["LMOVE", "none", "d", "UP", "LEFT"], "-ERR syntax error\r\n"),
        (&["RPUSH", "one", "x"], ":1\r\n"),
        (&["LMOVE", "one", "one", "LEFT", "RIGHT"], "$1\r\nx\r\n"),
        (&["LRANGE", "one", "0", "-1"], "*1\r\n$1\r\nx\r\n"),
        (&["RPOPLPUSH", "one", "one"], "$1\r\nx\r\n"),
        (&["LRANGE", "one", "0", "-1"], "*1\r\n$1\r\nx\r\n"),
        (&["LMOVE", "d", "d", "LEFT"], "-ERR wrong number of arguments for 'lmove' command\r\n"),
        (&["RPOPLPUSH", "d"], "-ERR wrong number of arguments for 'rpoplpush' command\r\n"),
    ])
    .await;
}

/// LMPOP pops from the first non-empty list of its keys, with each of its errors in Redis's order.
#[tokio::test]
async fn lmpop() {
    #[rustfmt::skip]
    check(&[
        (&["RPUSH", "l", "a", "b", "c", "d"], ":4\r\n"),
        (&["RPUSH", "m", "1", "2"], ":2\r\n"),
        (&["LMPOP", "1", "l", "LEFT"], "*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n"),
        (&["LMPOP", "1", "l", "RIGHT", "COUNT", "2"], "*2\r\n$1\r\nl\r\n*2\r\n$1\r\nd\r\n$1\r\nc\r\n"),
        (&["LMPOP", "2", "none", "m", "left", "count", "5"], "*2\r\n$1\r\nm\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        (&["EXISTS", "m"], ":0\r\n"),
        (&["LMPOP", "2", "none", "m", "LEFT"], "*-1\r\n"),
        (&["LMPOP", "3", "none", "none2", "l", "RIGHT", "COUNT", "10"], "*2\r\n$1\r\nl\r\n*1\r\n$1\r\nb\r\n"),
        (&["EXISTS", "l"], ":0\r\n"),
        (&["LMPOP", "0", "l", "LEFT"], "-ERR numkeys should be greater than 0\r\n"),
        (&["LMPOP", "-1", "l", "LEFT"], "-ERR numkeys should be greater than 0\r\n"),
        (&["LMPOP", "x", "l", "LEFT"], "-ERR numkeys should be greater than 0\r\n"),
        (&["LMPOP", "2", "l", "LEFT"], "-ERR syntax error\r\n"),
        (&["LMPOP", "1", "l", "UP"], "-ERR syntax error\r\n"),
        (&["LMPOP", "1", "l", "LEFT", "COUNT", "0"], "-ERR count should be greater than 0\r\n"),
        (&["LMPOP", "1", "l", "LEFT", "COUNT", "-1"], "-ERR count should be greater than 0\r\n"),
        (&["LMPOP", "1", "l", "LEFT", "COUNT", "x"], "-ERR count should be greater than 0\r\n"),
        (&["LMPOP", "1", "l", "LEFT", "COUNT"], "-ERR syntax error\r\n"),
        (&["LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2"], "-ERR syntax error\r\n"),
        (&["LMPOP", "1", "l", "LEFT", "FOO"], "-ERR syntax error\r\n"),
        (&["LMPOP", "9223372036854775807", "l", "LEFT"], "-ERR syntax error\r\n"),
        (&["LMPOP", "2", "l", "l"], "-ERR syntax error\r\n"),
        (&["LMPOP", "1", "l"], "-ERR wrong number of arguments for 'lmpop' command\r\n"),
        (&["LMPOP", "1"], "-ERR wrong number of arguments for 'lmpop' command\r\n"),
        (&["LMPOP", "1", "none", "UP"], "-ERR syntax error\r\n"),
        (&["LMPOP", "1", "none", "LEFT", "COUNT", "0"], "-ERR count should be greater than 0\r\n"),
        (&["RPUSH", "l", "x"], ":1\r\n"),
        (&["LMPOP", "2", "l", "l", "LEFT", "COUNT", "9223372036854775807"], "*2\r\n$1\r\nl\r\n*1\r\n$1\r\nx\r\n"),
        (&["EXISTS", "l"], ":0\r\n"),
    ])
    .await;
}

/// List commands on a string and string or hash commands on a list answer WRONGTYPE and change nothing; LMOVE and LMPOP check types in Redis's order; a plain SET replaces a list.
#[tokio::test]
async fn wrong_type() {
    #[rustfmt::skip]
    check(&[
        (&["SET", "s", "v"], "+OK\r\n"),
        (&["RPUSH", "l", "a", "b"], ":2\r\n"),
        (&["LPUSH", "s", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["RPUSH", "s", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LPUSHX", "s", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["RPUSHX", "s", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LPOP", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["RPOP", "s", "2"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LPOP", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LLEN", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LRANGE", "s", "0", "-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LINDEX", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LINDEX", "s", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LSET", "s", "0", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LSET", "s", "x", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LINSERT", "s", "BEFORE", "a", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LINSERT", "s", "FOO", "a", "x"], "-ERR syntax error\r\n"),
        (&["LREM", "s", "0", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LTRIM", "s", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LPOS", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LPOS", "s", "a", "RANK", "0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
        (&["LMOVE", "s", "l", "LEFT", "LEFT"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LMOVE", "l", "s", "LEFT", "LEFT"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LMOVE", "s", "s", "LEFT", "LEFT"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["RPOPLPUSH", "s", "l"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["RPOPLPUSH", "l", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LMOVE", "none", "s", "LEFT", "LEFT"], "$-1\r\n"),
        (&["LMPOP", "2", "s", "l", "LEFT"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["LMPOP", "2", "l", "s", "LEFT"], "*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n"),
        (&["LMPOP", "2", "none", "s", "LEFT"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["GET", "s"], "$1\r\nv\r\n"),
        (&["LRANGE", "l", "0", "-1"], "*1\r\n$1\r\nb\r\n"),
        (&["GET", "l"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["INCR", "l"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["APPEND", "l", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["STRLEN", "l"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["HSET", "l", "f", "v"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["HGET", "l", "f"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["GETSET", "l", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["SET", "l", "x", "GET"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["MGET", "l", "s"], "*2\r\n$-1\r\n$1\r\nv\r\n"),
        (&["TYPE", "l"], "+list\r\n"),
        (&["OBJECT", "ENCODING", "l"], "$9\r\nquicklist\r\n"),
        (&["SET", "l", "plain"], "+OK\r\n"),
        (&["TYPE", "l"], "+string\r\n"),
        (&["GET", "l"], "$5\r\nplain\r\n"),
    ])
    .await;
}

/// Options are compared as Redis's strcasecmp compares C strings: whatever follows a NUL is ignored.
#[tokio::test]
async fn options_stop_at_a_nul() {
    #[rustfmt::skip]
    check(&[
        (&["RPUSH", "l", "a", "b", "a", "c"], ":4\r\n"),
        (&["LMOVE", "l", "d", "left\u{00}z", "RIGHT"], "$1\r\na\r\n"),
        (&["LINSERT", "l", "before\u{00}x", "a", "X"], ":4\r\n"),
        (&["LPOS", "l", "a", "rank\u{00}x", "2"], "$-1\r\n"),
        (&["LMPOP", "1", "l", "LEFT\u{00}x", "count\u{00}a", "2"], "*2\r\n$1\r\nl\r\n*2\r\n$1\r\nb\r\n$1\r\nX\r\n"),
        (&["LRANGE", "l", "0", "-1"], "*2\r\n$1\r\na\r\n$1\r\nc\r\n"),
        (&["LMOVE", "l", "d", "leftx", "RIGHT"], "-ERR syntax error\r\n"),
        (&["LPOS", "l", "a", "ranks", "1"], "-ERR syntax error\r\n"),
    ])
    .await;
}

/// Every change in place keeps a list's TTL (a rotation of a one-element list included), and a list made again after its last pop has none.
#[tokio::test(start_paused = true)]
async fn changes_keep_the_ttl() {
    #[rustfmt::skip]
    check(&[
        (&["RPUSH", "l", "a"], ":1\r\n"),
        (&["EXPIRE", "l", "100"], ":1\r\n"),
        (&["RPUSH", "l", "b"], ":2\r\n"),
        (&["LPUSHX", "l", "c"], ":3\r\n"),
        (&["TTL", "l"], ":100\r\n"),
        (&["LMOVE", "l", "l", "LEFT", "RIGHT"], "$1\r\nc\r\n"),
        (&["LSET", "l", "0", "x"], "+OK\r\n"),
        (&["LINSERT", "l", "BEFORE", "x", "y"], ":4\r\n"),
        (&["LREM", "l", "1", "y"], ":1\r\n"),
        (&["LTRIM", "l", "0", "1"], "+OK\r\n"),
        (&["LPOP", "l"], "$1\r\nx\r\n"),
        (&["TTL", "l"], ":100\r\n"),
        (&["RPUSH", "one", "x"], ":1\r\n"),
        (&["EXPIRE", "one", "100"], ":1\r\n"),
        (&["LMOVE", "one", "one", "LEFT", "RIGHT"], "$1\r\nx\r\n"),
        (&["RPOPLPUSH", "one", "one"], "$1\r\nx\r\n"),
        (&["TTL", "one"], ":100\r\n"),
        (&["RPUSH", "src", "s"], ":1\r\n"),
        (&["LMOVE", "src", "l", "LEFT", "RIGHT"], "$1\r\ns\r\n"),
        (&["TTL", "l"], ":100\r\n"),
        (&["EXISTS", "src"], ":0\r\n"),
        (&["LMPOP", "1", "l", "LEFT", "COUNT", "1"], "*2\r\n$1\r\nl\r\n*1\r\n$1\r\nb\r\n"),
        (&["TTL", "l"], ":100\r\n"),
        (&["LPOP", "l", "5"], "*1\r\n$1\r\ns\r\n"),
        (&["RPUSH", "l", "new"], ":1\r\n"),
        (&["TTL", "l"], ":-1\r\n"),
    ])
    .await;
}

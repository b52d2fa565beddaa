//! The sorted-set family through the command layer: every command's
//! replies and errors, WRONGTYPE both ways, emptied sorted sets removing
//! their key. The expected replies were recorded from redis-server 7.0.15,
//! byte for byte; ZRANDMEMBER's random answers are checked by what they
//! must be.

mod support;

use bytes::{Bytes, BytesMut};
use sharedkv_commands::{Ctx, DbIndex, Reply, find, run};
use sharedkv_std_mutex::StdMutexDb;
use support::Session;

/// The elements of a RESP2 array of bulk strings.
fn bulks(reply: &str) -> Vec<String> {
    let mut lines = reply.split("\r\n");
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with('*'), "not an array: {reply:?}");
    let mut out = Vec::new();
    while let Some(len) = lines.next() {
        if len.is_empty() {
            break;
        }
        assert!(len.starts_with('$'), "not a bulk: {len:?} in {reply:?}");
        out.push(lines.next().unwrap_or_default().to_owned());
    }
    out
}

/// ZRANDMEMBER draws members of the set: distinct for a positive count, with repeats for a negative one, pairs with their own scores.
#[tokio::test]
async fn zrandmember_draws_members_of_the_set() {
    let mut s = Session::new(StdMutexDb::new());
    let members: Vec<String> = (0..10).map(|i| format!("m{i}")).collect();
    for (i, m) in members.iter().enumerate() {
        s.call(&["ZADD", "z", &i.to_string(), m]).await;
    }
    for _ in 0..20 {
        let one = s.call(&["ZRANDMEMBER", "z"]).await;
        assert!(
            members
                .iter()
                .any(|m| one == format!("${}\r\n{m}\r\n", m.len())),
            "{one:?}"
        );
        let mut three = bulks(&s.call(&["ZRANDMEMBER", "z", "3"]).await);
        assert_eq!(three.len(), 3);
        assert!(three.iter().all(|m| members.contains(m)));
        three.sort();
        three.dedup();
        assert_eq!(three.len(), 3, "a positive count draws distinct members");
        let nine = bulks(&s.call(&["ZRANDMEMBER", "z", "9", "WITHSCORES"]).await);
        assert_eq!(nine.len(), 18);
        let drawn = bulks(&s.call(&["ZRANDMEMBER", "z", "-30", "WITHSCORES"]).await);
        assert_eq!(drawn.len(), 60);
        for pair in nine.chunks(2).chain(drawn.chunks(2)) {
            let i: usize = pair[1].parse().expect("an integral score");
            assert_eq!(pair[0], members[i], "a member with its own score");
        }
        let many = bulks(&s.call(&["ZRANDMEMBER", "z", "-2000"]).await);
        assert_eq!(many.len(), 2000, "past the picks a step makes itself");
        assert!(many.iter().all(|m| members.contains(m)));
    }
}

/// A negative count asks for any number of repeats: the reply stops at the output limit instead of growing without bound.
#[tokio::test]
async fn zrandmember_stops_at_the_output_limit() {
    let db = StdMutexDb::new();
    let mut s = Session::new(db.clone());
    s.call(&["ZADD", "z", "1", "a", "2", "b"]).await;
    let argv: Vec<Bytes> = ["ZRANDMEMBER", "z", "-4611686018427387903", "WITHSCORES"]
        .iter()
        .map(|w| Bytes::copy_from_slice(w.as_bytes()))
        .collect();
    let Some(Ok(id)) = find(&argv) else {
        panic!("ZRANDMEMBER is a command");
    };
    let mut out = BytesMut::new();
    let mut cx = Ctx {
        db: &db,
        selected: DbIndex::ZERO,
        reply: Reply::new(&mut out, 1 << 20),
        settings: sharedkv_commands::Settings::defaults(),
    };
    run(id, &mut cx, argv).await.expect("no error");
    assert!(cx.reply.was_cut_off());
    assert!(out.len() < 2 << 20, "{} bytes", out.len());
}

/// A sorted set past the small encoding's limits ranks, ranges and pops as a small one does.
#[tokio::test]
async fn large_sets_rank_range_and_pop() {
    let mut s = Session::new(StdMutexDb::new());
    for i in 0..1000 {
        s.call(&["ZADD", "z", &(i % 100).to_string(), &format!("m{i:04}")])
            .await;
    }
    assert_eq!(s.call(&["ZCARD", "z"]).await, ":1000\r\n");
    assert_eq!(
        s.call(&["OBJECT", "ENCODING", "z"]).await,
        "$8\r\nskiplist\r\n"
    );
    assert_eq!(s.call(&["ZRANK", "z", "m0001"]).await, ":10\r\n");
    assert_eq!(s.call(&["ZREVRANK", "z", "m0001"]).await, ":989\r\n");
    assert_eq!(s.call(&["ZCOUNT", "z", "(10", "20"]).await, ":100\r\n");
    assert_eq!(
        bulks(&s.call(&["ZRANGE", "z", "500", "502"]).await),
        ["m0050", "m0150", "m0250"]
    );
    assert_eq!(
        bulks(
            &s.call(&["ZRANGE", "z", "(98", "+inf", "BYSCORE", "LIMIT", "8", "3"])
                .await
        ),
        ["m0899", "m0999"]
    );
    assert_eq!(
        s.call(&["ZREMRANGEBYSCORE", "z", "-inf", "(50"]).await,
        ":500\r\n"
    );
    assert_eq!(
        bulks(&s.call(&["ZPOPMIN", "z", "2"]).await),
        ["m0050", "50", "m0150", "50"]
    );
    assert_eq!(
        s.call(&["ZREMRANGEBYRANK", "z", "0", "-1"]).await,
        ":498\r\n"
    );
    assert_eq!(s.call(&["EXISTS", "z"]).await, ":0\r\n");
}

/// ZADD adds and updates, counts what CH says, and refuses every option combination Redis refuses, in Redis's order of checks.
#[tokio::test]
async fn zadd_counts_added_and_changed_members() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["ZADD", "z", "1", "a", "2", "b"]).await, ":2\r\n");
    assert_eq!(s.call(&["ZADD", "z", "3", "a", "4", "c"]).await, ":1\r\n");
    assert_eq!(
        s.call(&["ZADD", "z", "CH", "3", "a", "5", "b", "9", "d"])
            .await,
        ":2\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "NX", "100", "a", "6", "e"]).await,
        ":1\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "XX", "100", "a", "7", "f"]).await,
        ":0\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "XX", "CH", "100", "a", "7", "f"])
            .await,
        ":0\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "GT", "CH", "1", "a", "200", "b"])
            .await,
        ":1\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "LT", "CH", "1", "a", "300", "b"])
            .await,
        ":1\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "XX", "GT", "CH", "0", "c", "50", "c"])
            .await,
        ":1\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]).await,
        "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\ne\r\n$1\r\n6\r\n$1\r\nd\r\n$1\r\n9\r\n$1\r\nc\r\n$2\r\n50\r\n$1\r\nb\r\n$3\r\n200\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "nx", "xx", "1", "a"]).await,
        "-ERR XX and NX options at the same time are not compatible\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "NX", "GT", "1", "a"]).await,
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "GT", "LT", "1", "a"]).await,
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "LT", "NX", "1", "a"]).await,
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "INCR", "1", "a", "2", "b"]).await,
        "-ERR INCR option supports a single increment-element pair\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "INCR", "NX", "XX", "1", "a", "2", "b"])
            .await,
        "-ERR XX and NX options at the same time are not compatible\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "1", "a", "2"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "NX", "XX"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "abc", "a"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "1", "a", "nan", "b"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "1e400", "a"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", " 1", "a"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "", ""]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "ch", "ch", "Ch", "8", "a"]).await,
        ":1\r\n"
    );
    assert_eq!(s.call(&["ZADD", "nokey", "XX", "1", "a"]).await, ":0\r\n");
    assert_eq!(s.call(&["EXISTS", "nokey"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["ZADD", "z", "1"]).await,
        "-ERR wrong number of arguments for 'zadd' command\r\n"
    );
}

/// ZADD INCR and ZINCRBY add to a score from 0, reply the new score or nil when a condition stops them, and refuse a NaN sum.
#[tokio::test]
async fn zadd_incr_and_zincrby() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["ZINCRBY", "z", "1.5", "a"]).await, "$3\r\n1.5\r\n");
    assert_eq!(
        s.call(&["ZINCRBY", "z", "-0.25", "a"]).await,
        "$4\r\n1.25\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "INCR", "10", "a"]).await,
        "$5\r\n11.25\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "INCR", "NX", "10", "a"]).await,
        "$-1\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "INCR", "XX", "10", "b"]).await,
        "$-1\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "INCR", "GT", "-1", "a"]).await,
        "$-1\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "INCR", "LT", "-1", "a"]).await,
        "$5\r\n10.25\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "INCR", "GT", "1", "new"]).await,
        "$1\r\n1\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "INCR", "inf", "a"]).await,
        "$3\r\ninf\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "INCR", "-inf", "a"]).await,
        "-ERR resulting score is not a number (NaN)\r\n"
    );
    assert_eq!(s.call(&["ZSCORE", "z", "a"]).await, "$3\r\ninf\r\n");
    assert_eq!(
        s.call(&["ZINCRBY", "z", "-inf", "a"]).await,
        "-ERR resulting score is not a number (NaN)\r\n"
    );
    assert_eq!(
        s.call(&["ZINCRBY", "z", "+inf", "a"]).await,
        "$3\r\ninf\r\n"
    );
    assert_eq!(s.call(&["ZINCRBY", "z", "1", "c"]).await, "$1\r\n1\r\n");
    assert_eq!(
        s.call(&["ZINCRBY", "z", "abc", "c"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZINCRBY", "z", "NX", "c"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZINCRBY", "z", "INCR", "c"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "nokey", "XX", "INCR", "1", "a"]).await,
        "$-1\r\n"
    );
    assert_eq!(s.call(&["EXISTS", "nokey"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["ZINCRBY", "z", "0.1", "d"]).await,
        "$19\r\n0.10000000000000001\r\n"
    );
    assert_eq!(
        s.call(&["ZINCRBY", "z", "0.2", "d"]).await,
        "$19\r\n0.30000000000000004\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "INCR", "-0", "e"]).await,
        "$2\r\n-0\r\n"
    );
    assert_eq!(s.call(&["ZSCORE", "z", "e"]).await, "$1\r\n0\r\n");
    assert_eq!(s.call(&["ZINCRBY", "z", "-0", "e"]).await, "$1\r\n0\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]).await,
        "*10\r\n$1\r\ne\r\n$1\r\n0\r\n$1\r\nd\r\n$19\r\n0.30000000000000004\r\n$1\r\nc\r\n$1\r\n1\r\n$3\r\nnew\r\n$1\r\n1\r\n$1\r\na\r\n$3\r\ninf\r\n"
    );
}

/// Scores parse as Redis's string2d (signs, exponents, hex, infinities; no spaces, no NaN, nothing out of range) and print as %.17g; -0 is stored as 0.
#[tokio::test]
async fn scores_read_and_print_like_redis() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["ZADD", "z", "1", "a"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "1.5", "b"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "0.1", "c"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "1e20", "d"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "1e-5", "e"]).await, ":1\r\n");
    assert_eq!(
        s.call(&["ZADD", "z", "3.0000000000000004", "f"]).await,
        ":1\r\n"
    );
    assert_eq!(s.call(&["ZADD", "z", "inf", "g"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "-inf", "h"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "-0", "i"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "+inf", "j"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "0x10", "k"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "1e-310", "l"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "-Infinity", "m"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", ".5", "n"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "5.", "o"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "1E3", "p"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "+1", "q"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "0x1p3", "r"]).await, ":1\r\n");
    assert_eq!(
        s.call(&["ZADD", "z", "123456789012345678", "s"]).await,
        ":1\r\n"
    );
    assert_eq!(s.call(&["ZADD", "z", "1e16", "t"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "1e17", "u"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "1e-4", "v"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "z", "-1e300", "w"]).await, ":1\r\n");
    assert_eq!(
        s.call(&["ZADD", "z", "1 ", "x"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "1e", "x"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "infin", "x"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "-nan", "x"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "1e-400", "x"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "z", "0x", "x"]).await,
        "-ERR value is not a valid float\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]).await,
        "*46\r\n$1\r\nh\r\n$4\r\n-inf\r\n$1\r\nm\r\n$4\r\n-inf\r\n$1\r\nw\r\n$24\r\n-1.0000000000000001e+300\r\n$1\r\ni\r\n$1\r\n0\r\n$1\r\nl\r\n$23\r\n9.9999999999999694e-311\r\n$1\r\ne\r\n$22\r\n1.0000000000000001e-05\r\n$1\r\nv\r\n$6\r\n0.0001\r\n$1\r\nc\r\n$19\r\n0.10000000000000001\r\n$1\r\nn\r\n$3\r\n0.5\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nq\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n1.5\r\n$1\r\nf\r\n$18\r\n3.0000000000000004\r\n$1\r\no\r\n$1\r\n5\r\n$1\r\nr\r\n$1\r\n8\r\n$1\r\nk\r\n$2\r\n16\r\n$1\r\np\r\n$4\r\n1000\r\n$1\r\nt\r\n$17\r\n10000000000000000\r\n$1\r\nu\r\n$5\r\n1e+17\r\n$1\r\ns\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nd\r\n$5\r\n1e+20\r\n$1\r\ng\r\n$3\r\ninf\r\n$1\r\nj\r\n$3\r\ninf\r\n"
    );
    assert_eq!(
        s.call(&["ZMSCORE", "z", "c", "e", "i", "nope", "l"]).await,
        "*5\r\n$19\r\n0.10000000000000001\r\n$22\r\n1.0000000000000001e-05\r\n$1\r\n0\r\n$-1\r\n$23\r\n9.9999999999999694e-311\r\n"
    );
}

/// ZCARD, ZSCORE, ZMSCORE, ZRANK and ZREVRANK on present, absent and missing members and keys.
#[tokio::test]
async fn lookups() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&["ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d"])
            .await,
        ":4\r\n"
    );
    assert_eq!(s.call(&["ZCARD", "z"]).await, ":4\r\n");
    assert_eq!(s.call(&["ZCARD", "nokey"]).await, ":0\r\n");
    assert_eq!(s.call(&["ZSCORE", "z", "b"]).await, "$1\r\n2\r\n");
    assert_eq!(s.call(&["ZSCORE", "z", "nope"]).await, "$-1\r\n");
    assert_eq!(s.call(&["ZSCORE", "nokey", "a"]).await, "$-1\r\n");
    assert_eq!(
        s.call(&["ZMSCORE", "z", "a", "nope", "d"]).await,
        "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n"
    );
    assert_eq!(
        s.call(&["ZMSCORE", "nokey", "a", "b"]).await,
        "*2\r\n$-1\r\n$-1\r\n"
    );
    assert_eq!(s.call(&["ZRANK", "z", "a"]).await, ":0\r\n");
    assert_eq!(s.call(&["ZRANK", "z", "c"]).await, ":2\r\n");
    assert_eq!(s.call(&["ZRANK", "z", "nope"]).await, "$-1\r\n");
    assert_eq!(s.call(&["ZRANK", "nokey", "a"]).await, "$-1\r\n");
    assert_eq!(s.call(&["ZREVRANK", "z", "a"]).await, ":3\r\n");
    assert_eq!(s.call(&["ZREVRANK", "z", "d"]).await, ":0\r\n");
    assert_eq!(s.call(&["ZREVRANK", "z", "nope"]).await, "$-1\r\n");
    assert_eq!(
        s.call(&["ZRANK", "z", "a", "WITHSCORE"]).await,
        "-ERR wrong number of arguments for 'zrank' command\r\n"
    );
    assert_eq!(
        s.call(&["ZMSCORE", "z"]).await,
        "-ERR wrong number of arguments for 'zmscore' command\r\n"
    );
}

/// ZRANGE by rank: negative ranks from the end, ranges cut to the set, i64 extremes, REV and WITHSCORES.
#[tokio::test]
async fn zrange_by_rank() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"])
            .await,
        ":4\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "-1"]).await,
        "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "1", "2", "WITHSCORES"]).await,
        "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "-2", "-1"]).await,
        "*2\r\n$1\r\nc\r\n$1\r\nd\r\n"
    );
    assert_eq!(s.call(&["ZRANGE", "z", "5", "1"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "z", "-100", "100"]).await,
        "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "-9223372036854775808"]).await,
        "*0\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "-9223372036854775808", "9223372036854775807"])
            .await,
        "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "1", "REV"]).await,
        "*2\r\n$1\r\nd\r\n$1\r\nc\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "-1", "rev", "withscores"])
            .await,
        "*8\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "1", "1", "REV", "WITHSCORES", "WITHSCORES"])
            .await,
        "*2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "1", "LIMIT", "0", "-1"]).await,
        "*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    );
    assert_eq!(s.call(&["ZRANGE", "z", "4", "10"]).await, "*0\r\n");
    assert_eq!(s.call(&["ZRANGE", "nokey", "0", "-1"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "z", "1.5", "2"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "a", "b"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANGE", "z", "0", "0"]).await,
        "*1\r\n$1\r\nd\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANGE", "z", "0", "-1", "WITHSCORES"]).await,
        "*8\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANGE", "z", "-1", "-1"]).await,
        "*1\r\n$1\r\na\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANGE", "z", "0", "1", "REV"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANGE", "z", "0", "1", "BYSCORE"]).await,
        "-ERR syntax error\r\n"
    );
}

/// Score ranges: inclusive and ( exclusive bounds, infinities, Redis's lax bound parser, REV with max first, and LIMIT's offset and count.
#[tokio::test]
async fn zrange_by_score() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"
        ])
        .await,
        ":5\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "2", "4", "BYSCORE"]).await,
        "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "(2", "(4", "BYSCORE", "WITHSCORES"])
            .await,
        "*2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"])
            .await,
        "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"])
            .await,
        "*0\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"])
            .await,
        "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "0"])
            .await,
        "*0\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "5", "1"])
            .await,
        "*0\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "4", "9"])
            .await,
        "*1\r\n$1\r\ne\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "4", "2", "BYSCORE", "REV"]).await,
        "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n"
    );
    assert_eq!(
        s.call(&[
            "ZRANGE",
            "z",
            "+inf",
            "-inf",
            "BYSCORE",
            "REV",
            "LIMIT",
            "1",
            "2",
            "WITHSCORES"
        ])
        .await,
        "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "2", "4", "BYSCORE", "REV"]).await,
        "*0\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "3", "3", "BYSCORE"]).await,
        "*1\r\n$1\r\nc\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "(3", "3", "BYSCORE"]).await,
        "*0\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "3", "(3", "BYSCORE"]).await,
        "*0\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "", "", " BYSCORE"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(s.call(&["ZRANGE", "z", "", "", "BYSCORE"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "z", " 1", "0x3", "BYSCORE"]).await,
        "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "1e400", "-1e400", "BYSCORE", "REV"])
            .await,
        "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "(", "+inf", "BYSCORE"]).await,
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "nan", "3", "BYSCORE"]).await,
        "-ERR min or max is not a float\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "(nan", "3", "BYSCORE"]).await,
        "-ERR min or max is not a float\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "1 ", "3", "BYSCORE"]).await,
        "-ERR min or max is not a float\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "abc", "3", "BYSCORE"]).await,
        "-ERR min or max is not a float\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "[1", "3", "BYSCORE"]).await,
        "-ERR min or max is not a float\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "nokey", "abc", "3", "BYSCORE"]).await,
        "-ERR min or max is not a float\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYSCORE", "z", "2", "4", "WITHSCORES"])
            .await,
        "*6\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "2", "2"])
            .await,
        "*2\r\n$1\r\nc\r\n$1\r\nd\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYSCORE", "z", "1", "3", "REV"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYSCORE", "z", "1", "3", "LIMIT", "1"])
            .await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANGEBYSCORE", "z", "4", "2"]).await,
        "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n"
    );
    assert_eq!(s.call(&["ZREVRANGEBYSCORE", "z", "2", "4"]).await, "*0\r\n");
    assert_eq!(
        s.call(&[
            "ZREVRANGEBYSCORE",
            "z",
            "+inf",
            "-inf",
            "WITHSCORES",
            "LIMIT",
            "1",
            "2"
        ])
        .await,
        "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYSCORE", "z", "1", "3", "BYLEX"]).await,
        "-ERR syntax error\r\n"
    );
}

/// Member ranges on equal scores: [ and ( bounds, - and +, REV with max first, LIMIT, and Redis's errors.
#[tokio::test]
async fn zrange_by_lex() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&[
            "ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"
        ])
        .await,
        ":5\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "[b", "(d", "BYLEX"]).await,
        "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "-", "+", "BYLEX", "LIMIT", "1", "2"])
            .await,
        "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "+", "-", "BYLEX", "REV"]).await,
        "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "(d", "[b", "BYLEX", "REV"]).await,
        "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "[", "+", "BYLEX"]).await,
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "(", "+", "BYLEX"]).await,
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"
    );
    assert_eq!(s.call(&["ZRANGE", "l", "-", "-", "BYLEX"]).await, "*0\r\n");
    assert_eq!(s.call(&["ZRANGE", "l", "+", "+", "BYLEX"]).await, "*0\r\n");
    assert_eq!(s.call(&["ZRANGE", "l", "+", "-", "BYLEX"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "l", "[c", "[c", "BYLEX"]).await,
        "*1\r\n$1\r\nc\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "(c", "[c", "BYLEX"]).await,
        "*0\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "[aa", "[cc", "BYLEX"]).await,
        "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "b", "d", "BYLEX"]).await,
        "-ERR min or max not valid string range item\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "", "+", "BYLEX"]).await,
        "-ERR min or max not valid string range item\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "+x", "+", "BYLEX"]).await,
        "-ERR min or max not valid string range item\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "-", "+", "BYLEX", "WITHSCORES"])
            .await,
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYLEX", "l", "-", "[c"]).await,
        "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYLEX", "l", "-", "+", "LIMIT", "3", "10"])
            .await,
        "*2\r\n$1\r\nd\r\n$1\r\ne\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANGEBYLEX", "l", "[c", "-"]).await,
        "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANGEBYLEX", "l", "+", "-", "LIMIT", "1", "2"])
            .await,
        "*2\r\n$1\r\nd\r\n$1\r\nc\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYLEX", "l", "-", "+", "WITHSCORES"]).await,
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYLEX", "nokey", "a", "b"]).await,
        "-ERR min or max not valid string range item\r\n"
    );
    assert_eq!(s.call(&["ZRANGEBYLEX", "nokey", "-", "+"]).await, "*0\r\n");
}

/// On members of different scores, member ranges answer as Redis's small encoding: scanned in score order.
#[tokio::test]
async fn zrange_by_lex_on_mixed_scores() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&[
            "ZADD", "m", "3", "a", "1", "b", "2", "c", "0", "d", "5", "e"
        ])
        .await,
        ":5\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYLEX", "m", "-", "+"]).await,
        "*5\r\n$1\r\nd\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\ne\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYLEX", "m", "[b", "[d"]).await,
        "*4\r\n$1\r\nd\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYLEX", "m", "[c", "+"]).await,
        "*5\r\n$1\r\nd\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\ne\r\n"
    );
    assert_eq!(s.call(&["ZREVRANGEBYLEX", "m", "[c", "-"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["ZREVRANGEBYLEX", "m", "+", "[c"]).await,
        "*1\r\n$1\r\ne\r\n"
    );
    assert_eq!(s.call(&["ZLEXCOUNT", "m", "[b", "[d"]).await, ":4\r\n");
    assert_eq!(
        s.call(&["ZRANGEBYLEX", "m", "-", "[c", "LIMIT", "1", "10"])
            .await,
        "*0\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYLEX", "m", "[a", "+", "LIMIT", "2", "10"])
            .await,
        "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\ne\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYLEX", "m", "(a", "+"]).await,
        "*5\r\n$1\r\nd\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\ne\r\n"
    );
    assert_eq!(s.call(&["ZREMRANGEBYLEX", "m", "[c", "+"]).await, ":5\r\n");
    assert_eq!(s.call(&["ZRANGE", "m", "0", "-1"]).await, "*0\r\n");
}

/// ZRANGE's option errors come in Redis's order: unknown words, LIMIT without BYSCORE or BYLEX, WITHSCORES with BYLEX, then the bounds.
#[tokio::test]
async fn zrange_option_errors() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["ZADD", "z", "1", "a"]).await, ":1\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"]).await,
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "1", "REV", "REV"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "[a", "[c", "BYLEX", "WITHSCORES"])
            .await,
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "1", "FOO"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "1", "LIMIT", "0"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "1", "LIMIT", "a", "1"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "1", "BYSCORE", "LIMIT", "0", "x"])
            .await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "nokey", "0", "abc"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "nokey", "0", "1", "FOO"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "1", "LIMIT", "0", "1", "FOO"])
            .await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&[
            "ZRANGE", "z", "x", "y", "BYLEX", "LIMIT", "0", "1", "BYSCORE"
        ])
        .await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0"]).await,
        "-ERR wrong number of arguments for 'zrange' command\r\n"
    );
}

/// ZRANGESTORE stores the range whatever the destination held, deletes it for an empty range, and takes no WITHSCORES.
#[tokio::test]
async fn zrangestore_replaces_or_deletes_the_destination() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"])
            .await,
        ":4\r\n"
    );
    assert_eq!(s.call(&["SET", "d", "x"]).await, "+OK\r\n");
    assert_eq!(s.call(&["ZRANGESTORE", "d", "z", "0", "1"]).await, ":2\r\n");
    assert_eq!(s.call(&["TYPE", "d"]).await, "+zset\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "d", "0", "-1", "WITHSCORES"]).await,
        "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"
    );
    assert_eq!(
        s.call(&[
            "ZRANGESTORE",
            "d",
            "z",
            "(1",
            "+inf",
            "BYSCORE",
            "LIMIT",
            "1",
            "1"
        ])
        .await,
        ":1\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "d", "0", "-1", "WITHSCORES"]).await,
        "*2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGESTORE", "d", "z", "+", "-", "BYLEX", "REV"])
            .await,
        ":4\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "d", "0", "-1"]).await,
        "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGESTORE", "d", "z", "0", "1", "REV"]).await,
        ":2\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "d", "0", "-1"]).await,
        "*2\r\n$1\r\nc\r\n$1\r\nd\r\n"
    );
    assert_eq!(s.call(&["ZRANGESTORE", "d", "z", "5", "6"]).await, ":0\r\n");
    assert_eq!(s.call(&["EXISTS", "d"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["ZRANGESTORE", "d", "z", "0", "-1"]).await,
        ":4\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGESTORE", "d", "nokey", "0", "1"]).await,
        ":0\r\n"
    );
    assert_eq!(s.call(&["EXISTS", "d"]).await, ":0\r\n");
    assert_eq!(s.call(&["SET", "s", "x"]).await, "+OK\r\n");
    assert_eq!(
        s.call(&["ZRANGESTORE", "d", "s", "0", "1"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGESTORE", "d", "z", "0", "-1", "WITHSCORES"])
            .await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(s.call(&["ZRANGESTORE", "z", "z", "1", "2"]).await, ":2\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]).await,
        "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
}

/// ZCOUNT and ZLEXCOUNT count ranges, and check their bounds before the key.
#[tokio::test]
async fn zcount_and_zlexcount() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"])
            .await,
        ":4\r\n"
    );
    assert_eq!(s.call(&["ZCOUNT", "z", "2", "3"]).await, ":2\r\n");
    assert_eq!(s.call(&["ZCOUNT", "z", "(2", "+inf"]).await, ":2\r\n");
    assert_eq!(s.call(&["ZCOUNT", "z", "-inf", "+inf"]).await, ":4\r\n");
    assert_eq!(s.call(&["ZCOUNT", "z", "5", "1"]).await, ":0\r\n");
    assert_eq!(s.call(&["ZCOUNT", "z", "", ""]).await, ":0\r\n");
    assert_eq!(
        s.call(&["ZCOUNT", "z", "abc", "1"]).await,
        "-ERR min or max is not a float\r\n"
    );
    assert_eq!(
        s.call(&["ZCOUNT", "nokey", "abc", "1"]).await,
        "-ERR min or max is not a float\r\n"
    );
    assert_eq!(s.call(&["ZCOUNT", "nokey", "0", "1"]).await, ":0\r\n");
    assert_eq!(s.call(&["ZCOUNT", "z", "1e400", "-1e400"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["ZADD", "l", "0", "a", "0", "b", "0", "c"]).await,
        ":3\r\n"
    );
    assert_eq!(s.call(&["ZLEXCOUNT", "l", "-", "+"]).await, ":3\r\n");
    assert_eq!(s.call(&["ZLEXCOUNT", "l", "[b", "+"]).await, ":2\r\n");
    assert_eq!(s.call(&["ZLEXCOUNT", "l", "(b", "+"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZLEXCOUNT", "l", "+", "-"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["ZLEXCOUNT", "l", "a", "+"]).await,
        "-ERR min or max not valid string range item\r\n"
    );
    assert_eq!(
        s.call(&["ZLEXCOUNT", "nokey", "a", "+"]).await,
        "-ERR min or max not valid string range item\r\n"
    );
    assert_eq!(s.call(&["ZLEXCOUNT", "nokey", "-", "+"]).await, ":0\r\n");
}

/// ZREM and ZREMRANGEBYRANK|SCORE|LEX remove what they name, count it, and an emptied sorted set removes its key.
#[tokio::test]
async fn removals_delete_emptied_keys() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"
        ])
        .await,
        ":6\r\n"
    );
    assert_eq!(s.call(&["ZREM", "z", "a", "nope", "a"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZREM", "nokey", "a"]).await, ":0\r\n");
    assert_eq!(s.call(&["ZREMRANGEBYRANK", "z", "0", "0"]).await, ":1\r\n");
    assert_eq!(
        s.call(&["ZREMRANGEBYRANK", "z", "-1", "-1"]).await,
        ":1\r\n"
    );
    assert_eq!(s.call(&["ZREMRANGEBYRANK", "z", "5", "1"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["ZREMRANGEBYRANK", "z", "a", "1"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZREMRANGEBYSCORE", "z", "(3", "4"]).await,
        ":1\r\n"
    );
    assert_eq!(
        s.call(&["ZREMRANGEBYSCORE", "z", "abc", "4"]).await,
        "-ERR min or max is not a float\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]).await,
        "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\ne\r\n$1\r\n5\r\n"
    );
    assert_eq!(
        s.call(&["ZREMRANGEBYSCORE", "z", "-inf", "+inf"]).await,
        ":2\r\n"
    );
    assert_eq!(s.call(&["EXISTS", "z"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d"])
            .await,
        ":4\r\n"
    );
    assert_eq!(s.call(&["ZREMRANGEBYLEX", "l", "[b", "(d"]).await, ":2\r\n");
    assert_eq!(
        s.call(&["ZREMRANGEBYLEX", "l", "b", "d"]).await,
        "-ERR min or max not valid string range item\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "l", "0", "-1"]).await,
        "*2\r\n$1\r\na\r\n$1\r\nd\r\n"
    );
    assert_eq!(s.call(&["ZREMRANGEBYLEX", "l", "-", "+"]).await, ":2\r\n");
    assert_eq!(s.call(&["EXISTS", "l"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["ZREMRANGEBYRANK", "nokey", "0", "-1"]).await,
        ":0\r\n"
    );
    assert_eq!(
        s.call(&["ZREMRANGEBYSCORE", "nokey", "0", "1"]).await,
        ":0\r\n"
    );
    assert_eq!(
        s.call(&["ZREMRANGEBYLEX", "nokey", "a", "b"]).await,
        "-ERR min or max not valid string range item\r\n"
    );
    assert_eq!(
        s.call(&["ZREMRANGEBYRANK", "nokey", "x", "1"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(s.call(&["ZADD", "z", "1", "a"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZREM", "z", "a"]).await, ":1\r\n");
    assert_eq!(s.call(&["EXISTS", "z"]).await, ":0\r\n");
    assert_eq!(s.call(&["ZADD", "z", "1", "a", "2", "b"]).await, ":2\r\n");
    assert_eq!(
        s.call(&[
            "ZREMRANGEBYRANK",
            "z",
            "-9223372036854775808",
            "9223372036854775807"
        ])
        .await,
        ":2\r\n"
    );
    assert_eq!(s.call(&["EXISTS", "z"]).await, ":0\r\n");
}

/// ZPOPMIN and ZPOPMAX pop from either end (a count pops up to it), ZMPOP from the first sorted set that exists, with Redis's errors.
#[tokio::test]
async fn pops() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"])
            .await,
        ":4\r\n"
    );
    assert_eq!(
        s.call(&["ZPOPMIN", "z"]).await,
        "*2\r\n$1\r\na\r\n$1\r\n1\r\n"
    );
    assert_eq!(
        s.call(&["ZPOPMAX", "z", "2"]).await,
        "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(s.call(&["ZPOPMIN", "z", "0"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["ZPOPMIN", "z", "-1"]).await,
        "-ERR value is out of range, must be positive\r\n"
    );
    assert_eq!(
        s.call(&["ZPOPMIN", "z", "abc"]).await,
        "-ERR value is out of range, must be positive\r\n"
    );
    assert_eq!(
        s.call(&["ZPOPMIN", "z", "1", "2"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(s.call(&["ZPOPMIN", "nokey"]).await, "*0\r\n");
    assert_eq!(s.call(&["ZPOPMIN", "nokey", "3"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["ZPOPMIN", "z", "10"]).await,
        "*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
    );
    assert_eq!(s.call(&["EXISTS", "z"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["ZADD", "z", "1", "a", "2", "b", "3", "c"]).await,
        ":3\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "1", "z", "MIN"]).await,
        "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "2", "nokey", "z", "max", "COUNT", "5"])
            .await,
        "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
    );
    assert_eq!(s.call(&["EXISTS", "z"]).await, ":0\r\n");
    assert_eq!(s.call(&["ZMPOP", "1", "z", "MIN"]).await, "*-1\r\n");
    assert_eq!(
        s.call(&["ZMPOP", "0", "z", "MIN"]).await,
        "-ERR numkeys should be greater than 0\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "abc", "z", "MIN"]).await,
        "-ERR numkeys should be greater than 0\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "-1", "z", "MIN"]).await,
        "-ERR numkeys should be greater than 0\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "1", "z", "FOO"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "3", "z", "MIN"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "1", "z", "MIN", "COUNT", "0"]).await,
        "-ERR count should be greater than 0\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "1", "z", "MIN", "COUNT", "abc"]).await,
        "-ERR count should be greater than 0\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"])
            .await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "1", "z", "MIN", "COUNT"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "1", "z", "MIN", "FOO", "1"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(s.call(&["SET", "s", "x"]).await, "+OK\r\n");
    assert_eq!(s.call(&["ZADD", "y", "7", "q"]).await, ":1\r\n");
    assert_eq!(
        s.call(&["ZMPOP", "2", "s", "y", "MIN"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "2", "y", "s", "MAX"]).await,
        "*2\r\n$1\r\ny\r\n*1\r\n*2\r\n$1\r\nq\r\n$1\r\n7\r\n"
    );
    assert_eq!(
        s.call(&["ZPOPMIN", "s", "0"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZPOPMAX", "s"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
}

/// ZRANDMEMBER with a count covering the set answers it all, highest score first; missing keys, a count of 0 and bad arguments answer as Redis.
#[tokio::test]
async fn zrandmember_where_redis_does_not_choose() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&["ZADD", "z", "3", "c", "1", "a", "2", "b", "0", "d"])
            .await,
        ":4\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "z", "10", "WITHSCORES"]).await,
        "*8\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nd\r\n$1\r\n0\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "z", "4"]).await,
        "*4\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "z", "9223372036854775807"]).await,
        "*4\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n"
    );
    assert_eq!(s.call(&["ZRANDMEMBER", "z", "0"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["ZRANDMEMBER", "z", "0", "WITHSCORES"]).await,
        "*0\r\n"
    );
    assert_eq!(s.call(&["ZRANDMEMBER", "nokey"]).await, "$-1\r\n");
    assert_eq!(s.call(&["ZRANDMEMBER", "nokey", "5"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["ZRANDMEMBER", "nokey", "-5", "WITHSCORES"]).await,
        "*0\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "z", "2", "WITHSCORE"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "z", "abc"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "z", "1.5"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "z", "-9223372036854775808"]).await,
        "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES"])
            .await,
        "-ERR value is out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "z", "-4611686018427387905", "WITHSCORES"])
            .await,
        "-ERR value is out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "z", "1", "2", "3"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "nokey", "abc"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "nokey", "1", "FOO"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(s.call(&["ZADD", "one", "5", "only"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZRANDMEMBER", "one"]).await, "$4\r\nonly\r\n");
    assert_eq!(
        s.call(&["ZRANDMEMBER", "one", "-3", "WITHSCORES"]).await,
        "*6\r\n$4\r\nonly\r\n$1\r\n5\r\n$4\r\nonly\r\n$1\r\n5\r\n$4\r\nonly\r\n$1\r\n5\r\n"
    );
}

/// ZUNION, ZINTER and ZDIFF with weights, aggregates and plain sets (scores of 1); NaN products and sums count as 0.
#[tokio::test]
async fn unions_intersections_differences() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"])
            .await,
        ":4\r\n"
    );
    assert_eq!(s.call(&["ZADD", "y", "10", "a", "20", "x"]).await, ":2\r\n");
    assert_eq!(s.call(&["SADD", "st", "a", "x", "q"]).await, ":3\r\n");
    assert_eq!(
        s.call(&["ZUNION", "2", "z", "y", "WITHSCORES"]).await,
        "*10\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\na\r\n$2\r\n11\r\n$1\r\nx\r\n$2\r\n20\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "2", "z", "st", "WITHSCORES"]).await,
        "*12\r\n$1\r\nq\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"
    );
    assert_eq!(
        s.call(&[
            "ZUNION",
            "2",
            "z",
            "y",
            "WEIGHTS",
            "2",
            "-1",
            "AGGREGATE",
            "MAX",
            "WITHSCORES"
        ])
        .await,
        "*10\r\n$1\r\nx\r\n$3\r\n-20\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n6\r\n$1\r\nd\r\n$1\r\n8\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "2", "z", "y", "AGGREGATE", "min", "withscores"])
            .await,
        "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nx\r\n$2\r\n20\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "2", "z", "y"]).await,
        "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nx\r\n"
    );
    assert_eq!(
        s.call(&["ZINTER", "2", "z", "y", "WITHSCORES"]).await,
        "*2\r\n$1\r\na\r\n$2\r\n11\r\n"
    );
    assert_eq!(
        s.call(&["ZINTER", "2", "z", "st", "WITHSCORES"]).await,
        "*2\r\n$1\r\na\r\n$1\r\n2\r\n"
    );
    assert_eq!(
        s.call(&["ZINTER", "2", "z", "z", "WEIGHTS", "1", "2", "WITHSCORES"])
            .await,
        "*8\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n6\r\n$1\r\nc\r\n$1\r\n9\r\n$1\r\nd\r\n$2\r\n12\r\n"
    );
    assert_eq!(
        s.call(&[
            "ZINTER",
            "3",
            "z",
            "y",
            "st",
            "AGGREGATE",
            "MAX",
            "WITHSCORES"
        ])
        .await,
        "*2\r\n$1\r\na\r\n$2\r\n10\r\n"
    );
    assert_eq!(
        s.call(&["ZDIFF", "2", "z", "y", "WITHSCORES"]).await,
        "*6\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"
    );
    assert_eq!(s.call(&["ZDIFF", "1", "nokey"]).await, "*0\r\n");
    assert_eq!(s.call(&["ZDIFF", "2", "z", "z"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["ZDIFF", "3", "z", "nokey", "st"]).await,
        "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "1", "z", "WEIGHTS", "inf", "WITHSCORES"])
            .await,
        "*8\r\n$1\r\na\r\n$3\r\ninf\r\n$1\r\nb\r\n$3\r\ninf\r\n$1\r\nc\r\n$3\r\ninf\r\n$1\r\nd\r\n$3\r\ninf\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "2", "z", "y", "WEIGHTS", "0", "inf", "WITHSCORES"])
            .await,
        "*10\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n0\r\n$1\r\nd\r\n$1\r\n0\r\n$1\r\na\r\n$3\r\ninf\r\n$1\r\nx\r\n$3\r\ninf\r\n"
    );
    assert_eq!(
        s.call(&["ZINTER", "2", "z", "y", "WEIGHTS", "inf", "0", "WITHSCORES"])
            .await,
        "*2\r\n$1\r\na\r\n$3\r\ninf\r\n"
    );
    assert_eq!(
        s.call(&[
            "ZINTER",
            "2",
            "z",
            "y",
            "WEIGHTS",
            "inf",
            "0",
            "AGGREGATE",
            "MIN",
            "WITHSCORES"
        ])
        .await,
        "*2\r\n$1\r\na\r\n$1\r\n0\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "1", "z", "WEIGHTS", "-0", "WITHSCORES"])
            .await,
        "*8\r\n$1\r\na\r\n$2\r\n-0\r\n$1\r\nb\r\n$2\r\n-0\r\n$1\r\nc\r\n$2\r\n-0\r\n$1\r\nd\r\n$2\r\n-0\r\n"
    );
    assert_eq!(s.call(&["ZADD", "p", "inf", "a"]).await, ":1\r\n");
    assert_eq!(s.call(&["ZADD", "n", "-inf", "a"]).await, ":1\r\n");
    assert_eq!(
        s.call(&["ZUNION", "2", "p", "n", "WITHSCORES"]).await,
        "*2\r\n$1\r\na\r\n$1\r\n0\r\n"
    );
    assert_eq!(
        s.call(&["ZINTER", "2", "p", "n", "WITHSCORES"]).await,
        "*2\r\n$1\r\na\r\n$1\r\n0\r\n"
    );
    assert_eq!(s.call(&["ZUNION", "2", "nokey", "nokey2"]).await, "*0\r\n");
    assert_eq!(s.call(&["ZINTER", "2", "z", "nokey"]).await, "*0\r\n");
}

/// The set operations check the key count, then the keys' types, then their options, as Redis does.
#[tokio::test]
async fn set_operation_errors() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["ZADD", "z", "1", "a"]).await, ":1\r\n");
    assert_eq!(s.call(&["SET", "s", "x"]).await, "+OK\r\n");
    assert_eq!(
        s.call(&["ZUNION", "0", "z"]).await,
        "-ERR at least 1 input key is needed for 'zunion' command\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "-1", "z"]).await,
        "-ERR at least 1 input key is needed for 'zunion' command\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "abc", "z"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "3", "z", "y"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "2", "z", "s", "WEIGHTS", "a", "b"])
            .await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "2", "z", "y", "WEIGHTS", "a", "b"])
            .await,
        "-ERR weight value is not a float\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "2", "z", "y", "WEIGHTS", "1"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "2", "z", "y", "WEIGHTS", "1", "2", "3"])
            .await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "2", "z", "y", "AGGREGATE", "foo"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "2", "z", "y", "AGGREGATE"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "1", "z", "WEIGHTS", "nan"]).await,
        "-ERR weight value is not a float\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "1", "z", "WEIGHTS", "1e400"]).await,
        "-ERR weight value is not a float\r\n"
    );
    assert_eq!(
        s.call(&["ZDIFF", "2", "z", "y", "WEIGHTS", "1", "1"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZDIFF", "2", "z", "y", "AGGREGATE", "SUM"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZINTERCARD", "0", "z"]).await,
        "-ERR at least 1 input key is needed for 'zintercard' command\r\n"
    );
    assert_eq!(
        s.call(&["ZINTERCARD", "2", "z", "y", "WITHSCORES"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZINTERCARD", "2", "z", "y", "LIMIT", "-1"]).await,
        "-ERR LIMIT can't be negative\r\n"
    );
    assert_eq!(
        s.call(&["ZINTERCARD", "2", "z", "y", "LIMIT", "abc"]).await,
        "-ERR LIMIT can't be negative\r\n"
    );
    assert_eq!(
        s.call(&["ZINTERCARD", "1", "s", "LIMIT", "abc"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZUNIONSTORE", "d", "0", "z"]).await,
        "-ERR at least 1 input key is needed for 'zunionstore' command\r\n"
    );
    assert_eq!(
        s.call(&["ZUNIONSTORE", "d", "1", "z", "WITHSCORES"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZINTERSTORE", "d", "2", "z", "s"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZDIFFSTORE", "d", "1", "z", "WEIGHTS", "1"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZUNIONSTORE", "d", "2", "z"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZINTER", "1", "s"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
}

/// The STORE forms replace any destination and delete it for an empty result; ZINTERCARD counts up to its limit.
#[tokio::test]
async fn stores_and_intercard() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"])
            .await,
        ":4\r\n"
    );
    assert_eq!(
        s.call(&["ZADD", "y", "10", "a", "20", "x", "30", "b"])
            .await,
        ":3\r\n"
    );
    assert_eq!(s.call(&["SET", "d", "x"]).await, "+OK\r\n");
    assert_eq!(s.call(&["ZUNIONSTORE", "d", "2", "z", "y"]).await, ":5\r\n");
    assert_eq!(s.call(&["TYPE", "d"]).await, "+zset\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "d", "0", "-1", "WITHSCORES"]).await,
        "*10\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\na\r\n$2\r\n11\r\n$1\r\nx\r\n$2\r\n20\r\n$1\r\nb\r\n$2\r\n32\r\n"
    );
    assert_eq!(
        s.call(&["ZINTERSTORE", "d", "2", "z", "y", "WEIGHTS", "1", "0.5"])
            .await,
        ":2\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "d", "0", "-1", "WITHSCORES"]).await,
        "*4\r\n$1\r\na\r\n$1\r\n6\r\n$1\r\nb\r\n$2\r\n17\r\n"
    );
    assert_eq!(s.call(&["ZDIFFSTORE", "d", "2", "z", "y"]).await, ":2\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "d", "0", "-1", "WITHSCORES"]).await,
        "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"
    );
    assert_eq!(
        s.call(&["ZINTERSTORE", "d", "2", "z", "nokey"]).await,
        ":0\r\n"
    );
    assert_eq!(s.call(&["EXISTS", "d"]).await, ":0\r\n");
    assert_eq!(
        s.call(&["ZUNIONSTORE", "dd", "1", "z", "WEIGHTS", "-0"])
            .await,
        ":4\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "dd", "0", "-1", "WITHSCORES"]).await,
        "*8\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n0\r\n$1\r\nd\r\n$1\r\n0\r\n"
    );
    assert_eq!(s.call(&["ZUNIONSTORE", "z", "2", "z", "y"]).await, ":5\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]).await,
        "*10\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\na\r\n$2\r\n11\r\n$1\r\nx\r\n$2\r\n20\r\n$1\r\nb\r\n$2\r\n32\r\n"
    );
    assert_eq!(s.call(&["ZINTERCARD", "2", "z", "y"]).await, ":3\r\n");
    assert_eq!(
        s.call(&["ZINTERCARD", "2", "z", "y", "LIMIT", "0"]).await,
        ":3\r\n"
    );
    assert_eq!(
        s.call(&["ZINTERCARD", "2", "z", "y", "LIMIT", "1"]).await,
        ":1\r\n"
    );
    assert_eq!(
        s.call(&["ZINTERCARD", "1", "z", "LIMIT", "100"]).await,
        ":5\r\n"
    );
    assert_eq!(s.call(&["ZINTERCARD", "2", "z", "nokey"]).await, ":0\r\n");
    assert_eq!(s.call(&["SADD", "st", "a", "b", "zz"]).await, ":3\r\n");
    assert_eq!(s.call(&["ZINTERCARD", "2", "z", "st"]).await, ":2\r\n");
    assert_eq!(s.call(&["ZDIFFSTORE", "e", "1", "st"]).await, ":3\r\n");
    assert_eq!(
        s.call(&["ZRANGE", "e", "0", "-1", "WITHSCORES"]).await,
        "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n1\r\n$2\r\nzz\r\n$1\r\n1\r\n"
    );
}

/// ZSCAN returns every member and score in one reply with cursor 0, filters by MATCH, and checks its cursor, then the type, then its options.
#[tokio::test]
async fn zscan_answers_everything_at_once() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(
        s.call(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "1.5", "ab"])
            .await,
        ":4\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "0"]).await,
        "*2\r\n$1\r\n0\r\n*8\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nab\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "0", "MATCH", "a*"]).await,
        "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nab\r\n$3\r\n1.5\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "5", "COUNT", "1"]).await,
        "*2\r\n$1\r\n0\r\n*8\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nab\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "0", "MATCH", "*", "COUNT", "100"])
            .await,
        "*2\r\n$1\r\n0\r\n*8\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nab\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "0", "COUNT", "0"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "0", "COUNT", "abc"]).await,
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "0", "NOVALUE"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "0", "TYPE", "zset"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "0", "MATCH"]).await,
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "abc"]).await,
        "-ERR invalid cursor\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "18446744073709551616"]).await,
        "-ERR invalid cursor\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "-1"]).await,
        "*2\r\n$1\r\n0\r\n*8\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nab\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "nokey", "0"]).await,
        "*2\r\n$1\r\n0\r\n*0\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "nokey", "0", "COUNT", "abc"]).await,
        "*2\r\n$1\r\n0\r\n*0\r\n"
    );
    assert_eq!(s.call(&["SET", "s", "x"]).await, "+OK\r\n");
    assert_eq!(
        s.call(&["ZSCAN", "s", "0"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "s", "abc"]).await,
        "-ERR invalid cursor\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "z", "0", "MATCH", "zz"]).await,
        "*2\r\n$1\r\n0\r\n*0\r\n"
    );
}

/// Sorted-set commands on a string answer WRONGTYPE and change nothing; string commands on a sorted set do too; SET replaces it.
#[tokio::test]
async fn wrong_type_both_ways() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["SET", "s", "1"]).await, "+OK\r\n");
    assert_eq!(s.call(&["ZADD", "z", "1", "a"]).await, ":1\r\n");
    assert_eq!(
        s.call(&["ZADD", "s", "1", "a"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZINCRBY", "s", "1", "a"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZSCORE", "s", "a"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZMSCORE", "s", "a"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZCARD", "s"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZRANK", "s", "a"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANK", "s", "a"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGE", "s", "0", "-1"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGESTORE", "d", "s", "0", "-1"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANGE", "s", "0", "-1"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYSCORE", "s", "0", "1"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANGEBYSCORE", "s", "1", "0"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZRANGEBYLEX", "s", "-", "+"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZREVRANGEBYLEX", "s", "+", "-"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZCOUNT", "s", "0", "1"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZLEXCOUNT", "s", "-", "+"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZREM", "s", "a"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZREMRANGEBYRANK", "s", "0", "1"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZREMRANGEBYSCORE", "s", "0", "1"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZREMRANGEBYLEX", "s", "-", "+"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZPOPMIN", "s"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZPOPMAX", "s", "1"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZMPOP", "1", "s", "MIN"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "s"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZRANDMEMBER", "s", "1"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZUNION", "1", "s"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZINTER", "1", "s"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZDIFF", "1", "s"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZINTERCARD", "1", "s"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZUNIONSTORE", "d", "1", "s"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["ZSCAN", "s", "0"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(s.call(&["EXISTS", "d"]).await, ":0\r\n");
    assert_eq!(s.call(&["GET", "s"]).await, "$1\r\n1\r\n");
    assert_eq!(
        s.call(&["GET", "z"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["INCR", "z"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["APPEND", "z", "x"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["HSET", "z", "f", "v"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["SADD", "z", "m"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(
        s.call(&["LPUSH", "z", "x"]).await,
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(s.call(&["ZCARD", "z"]).await, ":1\r\n");
    assert_eq!(s.call(&["TYPE", "z"]).await, "+zset\r\n");
    assert_eq!(s.call(&["SET", "z", "x"]).await, "+OK\r\n");
    assert_eq!(s.call(&["TYPE", "z"]).await, "+string\r\n");
}

/// TYPE says zset; OBJECT ENCODING says listpack up to 128 members of up to 64 bytes, else skiplist, as judged now.
#[tokio::test]
async fn type_and_encoding() {
    let mut s = Session::new(StdMutexDb::new());
    assert_eq!(s.call(&["ZADD", "z", "1", "a"]).await, ":1\r\n");
    assert_eq!(s.call(&["TYPE", "z"]).await, "+zset\r\n");
    assert_eq!(
        s.call(&["OBJECT", "ENCODING", "z"]).await,
        "$8\r\nlistpack\r\n"
    );
    assert_eq!(
        s.call(&[
            "ZADD",
            "big",
            "1",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        ])
        .await,
        ":1\r\n"
    );
    assert_eq!(
        s.call(&["OBJECT", "ENCODING", "big"]).await,
        "$8\r\nskiplist\r\n"
    );
    assert_eq!(
        s.call(&[
            "ZADD",
            "edge",
            "1",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        ])
        .await,
        ":1\r\n"
    );
    assert_eq!(
        s.call(&["OBJECT", "ENCODING", "edge"]).await,
        "$8\r\nlistpack\r\n"
    );
}

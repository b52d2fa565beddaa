//! Pub/sub end to end, with redis-server 7.0.15 as the oracle: patterns,
//! shard channels, `PUBSUB`, subscribe mode's rules, RESP2 and RESP3. Each
//! conversation runs against both servers and every frame each client
//! receives must be the same (see `support/oracle.rs`).

mod support;

#[path = "support/oracle.rs"]
mod oracle;

use oracle::{RedisServer, assert_same, transcript};
use sharedkv_db::Db;
use sharedkv_resp::Frame;
use support::start;

/// Runs `script` on redis-server and on sharedkv over `db` and compares.
async fn same_as_redis<D: Db>(db: D, what: &str, clients: usize, resp3: &[usize], script: &[&str]) {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let reference = transcript(redis.addr, clients, resp3, script).await;
    let server = start(db).await;
    let ours = transcript(server.addr, clients, resp3, script).await;
    assert_same(what, &reference, &ours);
    server.stop().await;
}

/// Patterns, channel and pattern subscriptions of one client counted and delivered twice, the subscribe-mode rules, and leaving everything.
const PATTERNS: &[&str] = &[
    "0 SUBSCRIBE news",
    "0 PSUBSCRIBE n* news* h?llo [ab]* \\*",
    "0 PSUBSCRIBE n*",
    "~1 PUBLISH news hi",
    "1 PUBLISH hello x",
    "1 PUBLISH hallo y",
    "1 PUBLISH a1 z",
    "1 PUBLISH * star",
    "1 PUBLISH nothing-here q",
    "1 PUBLISH other q",
    "0 PUNSUBSCRIBE n* nope",
    "1 PUBLISH news again",
    "0 GET k",
    "0 PUBSUB NUMPAT",
    "0 SET k v",
    "0 PING",
    "0 PING hello",
    "0 PUNSUBSCRIBE",
    "0 PUNSUBSCRIBE",
    "0 UNSUBSCRIBE",
    "0 UNSUBSCRIBE",
    "0 GET k",
    "1 PUBLISH news gone",
    "0 PUNSUBSCRIBE x",
    "0 UNSUBSCRIBE x y",
];

/// Several subscribers in every namespace, as `PUBSUB` reports them.
const QUERIES: &[&str] = &[
    "4 PUBSUB NUMPAT",
    "4 PUBSUB CHANNELS",
    "4 PUBSUB NUMSUB",
    "4 PUBSUB NUMSUB a",
    "~0 SUBSCRIBE a b c",
    "1 SUBSCRIBE a",
    "2 PSUBSCRIBE x* x* y",
    "3 PSUBSCRIBE x*",
    "3 SSUBSCRIBE s1 s2 a",
    "~4 PUBSUB CHANNELS",
    "~4 PUBSUB CHANNELS [ab]",
    "4 PUBSUB CHANNELS z*",
    "4 PUBSUB NUMSUB a b z a",
    "4 PUBSUB NUMPAT",
    "~4 PUBSUB SHARDCHANNELS",
    "~4 PUBSUB SHARDCHANNELS s*",
    "4 PUBSUB SHARDNUMSUB s1 a q",
    "4 PUBSUB SHARDNUMSUB",
    "4 PUBLISH a m",
    "4 SPUBLISH a sm",
    "4 SPUBLISH s2 sm2",
    "4 PUBLISH xyz pm",
    "4 PUBSUB CHANNELS a b",
    "4 PUBSUB SHARDCHANNELS a b",
    "4 PUBSUB NUMPAT x",
    "4 PUBSUB FOO",
    "4 PUBSUB",
    "2 RESET",
    "4 PUBSUB NUMPAT",
    "~0 UNSUBSCRIBE",
    "4 PUBSUB NUMSUB a b c",
];

/// Shard channels: their own namespace and count, subscribe mode while only they are held.
const SHARDS: &[&str] = &[
    "0 SSUBSCRIBE s",
    "0 GET k",
    "0 SUNSUBSCRIBE",
    "0 GET k",
    "0 SUBSCRIBE a",
    "0 SSUBSCRIBE a",
    "1 SPUBLISH a x",
    "1 PUBLISH a y",
    "1 SPUBLISH nobody x",
    "0 UNSUBSCRIBE a",
    "0 GET k",
    "0 SUNSUBSCRIBE a",
    "0 GET k",
    "0 SUNSUBSCRIBE",
    "0 SSUBSCRIBE a a b",
    "0 RESET",
    "1 SPUBLISH a gone",
];

/// RESP3: confirmations and messages are pushes, any command runs while subscribed, and a client's own publication reaches it before the reply.
const RESP3: &[&str] = &[
    "0 SUBSCRIBE ch",
    "0 PSUBSCRIBE c*",
    "0 SSUBSCRIBE ch",
    "0 SET k v",
    "0 GET k",
    "0 PUBLISH ch mine",
    "0 SPUBLISH ch smine",
    "1 PUBLISH ch theirs",
    "1 PUBLISH cx theirs",
    "0 PING",
    "0 PING word",
    "0 PUBSUB NUMSUB ch",
    "0 UNSUBSCRIBE",
    "0 PUNSUBSCRIBE",
    "0 SUNSUBSCRIBE",
    "0 UNSUBSCRIBE",
    "1 SUBSCRIBE ch",
    "0 PUBLISH ch to-resp2",
    "1 PUBLISH ch to-self",
];

async fn patterns<D: Db>(db: D) {
    same_as_redis(db, "patterns", 2, &[], PATTERNS).await;
}

async fn queries<D: Db>(db: D) {
    same_as_redis(db, "queries", 5, &[], QUERIES).await;
}

async fn shards<D: Db>(db: D) {
    same_as_redis(db, "shards", 2, &[], SHARDS).await;
}

async fn resp3<D: Db>(db: D) {
    same_as_redis(db, "resp3", 2, &[0], RESP3).await;
}

/// The same conversations with both clients on RESP3 (patterns, queries, shards).
async fn all_resp3<D: Db>(db: D) {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let server = start(db).await;
    for (what, clients, script) in [
        ("patterns", 2, PATTERNS),
        ("queries", 5, QUERIES),
        ("shards", 2, SHARDS),
    ] {
        let resp3: Vec<usize> = (0..clients).collect();
        let reference = transcript(redis.addr, clients, &resp3, script).await;
        let ours = transcript(server.addr, clients, &resp3, script).await;
        assert_same(&format!("{what} (RESP3)"), &reference, &ours);
    }
    server.stop().await;
}

/// The `sub`, `psub` and `ssub` fields and the `P` flag of a CLIENT LIST line.
fn subscription_fields(list: &Frame) -> Vec<String> {
    let text = match list {
        Frame::Bulk(text) | Frame::Verbatim { text, .. } => {
            String::from_utf8_lossy(text).into_owned()
        }
        other => panic!("CLIENT LIST answered {other:?}"),
    };
    text.lines()
        .flat_map(|line| {
            line.split(' ')
                .filter(|field| {
                    ["flags=", "sub=", "psub=", "ssub="]
                        .iter()
                        .any(|p| field.starts_with(p))
                })
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// CLIENT LIST counts channels, patterns and shard channels apart and flags a subscriber with P, as redis-server does.
async fn client_list_counts<D: Db>(db: D) {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let server = start(db).await;
    let mut seen = Vec::new();
    for addr in [redis.addr, server.addr] {
        let mut subscriber = support::RawClient::connect(addr).await;
        let mut other = support::RawClient::connect(addr).await;
        for words in [
            &["SUBSCRIBE", "a", "b"][..],
            &["PSUBSCRIBE", "p*"],
            &["SSUBSCRIBE", "s", "t", "u"],
        ] {
            subscriber.send_command(words).await;
            for _ in 1..words.len() {
                subscriber.read_frame().await;
            }
        }
        other
            .send_command(&["CLIENT", "LIST", "TYPE", "pubsub"])
            .await;
        let listed = subscription_fields(&other.read_frame().await);
        subscriber.send_command(&["UNSUBSCRIBE"]).await;
        for _ in 0..2 {
            subscriber.read_frame().await;
        }
        other
            .send_command(&["CLIENT", "LIST", "TYPE", "pubsub"])
            .await;
        let after = subscription_fields(&other.read_frame().await);
        other
            .send_command(&["CLIENT", "LIST", "TYPE", "normal"])
            .await;
        let normal = subscription_fields(&other.read_frame().await);
        seen.push((listed, after, normal));
    }
    assert_eq!(seen[0], seen[1], "redis-server, then sharedkv");
    server.stop().await;
}

/// A subscriber that stops reading never slows its publisher: every PUBLISH is answered at once, and the subscriber is dropped once its unsent messages pass the pubsub class's hard limit.
async fn slow_subscriber_is_dropped<D: Db>(db: D) {
    let server = start(db).await;
    let mut publisher = server.client().await;
    publisher
        .command(
            &[
                "CONFIG",
                "SET",
                "client-output-buffer-limit",
                "pubsub 4mb 0 0",
            ],
            b"+OK\r\n",
        )
        .await;
    let mut subscriber = server.client().await;
    subscriber
        .command(
            &["SUBSCRIBE", "news"],
            b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n",
        )
        .await;
    // The subscriber reads nothing from now on.
    let big = "x".repeat(1024 * 1024);
    let mut delivered = 0;
    for _ in 0..200 {
        publisher.send_command(&["PUBLISH", "news", &big]).await;
        match publisher.read_frame().await {
            Frame::Integer(1) => delivered += 1,
            Frame::Integer(0) => break,
            other => panic!("PUBLISH answered {other:?}"),
        }
    }
    assert!(delivered < 200, "the subscriber was never dropped");
    publisher
        .command(&["PUBSUB", "NUMSUB", "news"], b"*2\r\n$4\r\nnews\r\n:0\r\n")
        .await;
    drop(subscriber);
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] patterns,
                #[tokio::test] queries,
                #[tokio::test] shards,
                #[tokio::test] resp3,
                #[tokio::test] all_resp3,
                #[tokio::test] client_list_counts,
                #[tokio::test] slow_subscriber_is_dropped,
            }
        }
    };
}

// Pub/sub is held beside the store, the same for every strategy: two
// strategies of different kinds show that.
stamp!(std_mutex, sharedkv_testsuite::strategies::StdMutexDb::new());
stamp!(papaya, sharedkv_testsuite::strategies::PapayaDb::new());

//! Real client libraries against the server: the `redis` crate's async
//! multiplexed connection, and mini-redis's client. Stamped once per
//! strategy.

mod support;

use std::time::Duration;

use sharedkv_db::Db;
use support::start;

/// The `redis` crate's multiplexed connection handshakes (CLIENT SETINFO) and round-trips GET, SET, INCR, MGET, MSET, EXPIRE and TTL.
async fn redis_crate_round_trip<D: Db>(db: D) {
    let server = start(db).await;
    let client = redis::Client::open(format!("redis://{}/", server.addr)).expect("url");
    let mut con = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");

    let () = redis::cmd("SET")
        .arg("k")
        .arg("v")
        .query_async(&mut con)
        .await
        .expect("SET");
    let value: Option<String> = redis::cmd("GET")
        .arg("k")
        .query_async(&mut con)
        .await
        .expect("GET");
    assert_eq!(value.as_deref(), Some("v"));
    let missing: Option<String> = redis::cmd("GET")
        .arg("nope")
        .query_async(&mut con)
        .await
        .expect("GET");
    assert_eq!(missing, None);

    let n: i64 = redis::cmd("INCR")
        .arg("n")
        .query_async(&mut con)
        .await
        .expect("INCR");
    assert_eq!(n, 1);
    let n: i64 = redis::cmd("INCRBY")
        .arg("n")
        .arg(41)
        .query_async(&mut con)
        .await
        .expect("INCRBY");
    assert_eq!(n, 42);

    let () = redis::cmd("MSET")
        .arg(&[("a", "1"), ("b", "2")])
        .query_async(&mut con)
        .await
        .expect("MSET");
    let values: Vec<Option<String>> = redis::cmd("MGET")
        .arg(&["a", "x", "b"])
        .query_async(&mut con)
        .await
        .expect("MGET");
    assert_eq!(values, [Some("1".to_owned()), None, Some("2".to_owned())]);

    let set: bool = redis::cmd("EXPIRE")
        .arg("k")
        .arg(100)
        .query_async(&mut con)
        .await
        .expect("EXPIRE");
    assert!(set);
    let ttl: i64 = redis::cmd("TTL")
        .arg("k")
        .query_async(&mut con)
        .await
        .expect("TTL");
    assert_eq!(ttl, 100);

    let err = redis::cmd("INCR")
        .arg("k")
        .query_async::<i64>(&mut con)
        .await
        .expect_err("INCR of text");
    assert_eq!(
        err.detail(),
        Some("value is not an integer or out of range")
    );

    drop(con);
    server.stop().await;
}

/// mini-redis's client SETs, GETs (with nil for a missing key), PUBLISHes and SUBSCRIBEs.
async fn mini_redis_client<D: Db>(db: D) {
    let server = start(db).await;
    let mut client = mini_redis::client::connect(server.addr)
        .await
        .expect("connect");
    client.set("k", "v".into()).await.expect("SET");
    assert_eq!(
        client.get("k").await.expect("GET").as_deref(),
        Some(&b"v"[..])
    );
    assert_eq!(client.get("missing").await.expect("GET"), None);

    let listener = mini_redis::client::connect(server.addr)
        .await
        .expect("connect");
    let mut subscriber = listener
        .subscribe(vec!["news".into()])
        .await
        .expect("SUBSCRIBE");
    assert_eq!(
        client
            .publish("news", "hello".into())
            .await
            .expect("PUBLISH"),
        1
    );
    let message = tokio::time::timeout(support::WAIT, subscriber.next_message())
        .await
        .expect("message timed out")
        .expect("message")
        .expect("subscription ended");
    assert_eq!(message.channel, "news");
    assert_eq!(&message.content[..], b"hello");
    drop(subscriber);
    server.stop().await;
}

/// mini-redis's `set_expires` (which sends `PX` as a RESP integer inside the request, an argument form this server accepts) stores a key that expires.
async fn mini_redis_set_expires<D: Db>(db: D) {
    let server = start(db).await;
    let mut client = mini_redis::client::connect(server.addr)
        .await
        .expect("connect");
    client
        .set_expires("k", "v".into(), Duration::from_millis(300))
        .await
        .expect("SET with expiry");
    assert_eq!(
        client.get("k").await.expect("GET").as_deref(),
        Some(&b"v"[..])
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(client.get("k").await.expect("GET"), None);
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] redis_crate_round_trip,
                #[tokio::test] mini_redis_client,
                #[tokio::test] mini_redis_set_expires,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

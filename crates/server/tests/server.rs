//! The server around the commands: connection limits, authentication,
//! pub/sub, and graceful shutdown. Stamped once per strategy.

mod support;

use std::time::Duration;

use sharedkv_db::Db;
use sharedkv_server::Config;
use support::{bulk, start, start_with, with_password};

/// Connections beyond max_clients are told so and closed; the others keep working, and a freed slot is reused.
async fn max_clients_rejects_extra_connections<D: Db>(db: D) {
    let config = Config {
        max_clients: 2,
        ..Config::default()
    };
    let server = start_with(db, config).await;
    let mut first = server.client().await;
    first.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    let mut second = server.client().await;
    second.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    let mut third = server.client().await;
    third
        .expect(b"-ERR max number of clients reached\r\n")
        .await;
    third.expect_closed().await;
    first.send(b"INFO clients\r\n").await;
    let sharedkv_resp::Frame::Bulk(info) = first.read_frame().await else {
        panic!("INFO replies with a bulk string");
    };
    let info = String::from_utf8_lossy(&info);
    assert!(
        info.starts_with("# Clients\r\nconnected_clients:2\r\n"),
        "{info}"
    );
    assert!(info.contains("\r\nmaxclients:2\r\n"), "{info}");
    drop(second);
    // The slot frees once the server has seen the close: retry until then.
    let deadline = tokio::time::Instant::now() + support::WAIT;
    while !server
        .client()
        .await
        .try_roundtrip(b"PING\r\n", b"+PONG\r\n")
        .await
    {
        assert!(tokio::time::Instant::now() < deadline, "slot never freed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.stop().await;
}

/// With a password, commands wait for AUTH (NOAUTH), a wrong one is WRONGPASS, and the right one unlocks the connection.
async fn auth_gates_commands<D: Db>(db: D) {
    let server = start_with(db, with_password("sekret")).await;
    let mut c = server.client().await;
    c.roundtrip(b"GET k\r\n", b"-NOAUTH Authentication required.\r\n")
        .await;
    c.roundtrip(b"PING\r\n", b"-NOAUTH Authentication required.\r\n")
        .await;
    c.roundtrip(
        b"FOO\r\n",
        b"-ERR unknown command 'FOO', with args beginning with: \r\n",
    )
    .await;
    c.roundtrip(
        b"HELLO 2\r\n",
        b"-NOAUTH HELLO must be called with the client already authenticated, otherwise the \
          HELLO AUTH <user> <pass> option can be used to authenticate the client and select the \
          RESP protocol version at the same time\r\n",
    )
    .await;
    let wrongpass = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    c.roundtrip(b"AUTH wrong\r\n", wrongpass).await;
    c.roundtrip(b"AUTH nobody sekret\r\n", wrongpass).await;
    c.roundtrip(b"AUTH sekret\r\n", b"+OK\r\n").await;
    c.roundtrip(b"SET k v\r\n", b"+OK\r\n").await;
    c.roundtrip(b"RESET\r\n", b"+RESET\r\n").await;
    c.roundtrip(b"GET k\r\n", b"-NOAUTH Authentication required.\r\n")
        .await;
    c.roundtrip(b"AUTH default sekret\r\n", b"+OK\r\n").await;
    c.roundtrip(b"GET k\r\n", &bulk("v")).await;
    let mut d = server.client().await;
    d.send_command(&["HELLO", "2", "AUTH", "default", "sekret"])
        .await;
    assert!(matches!(
        d.read_frame().await,
        sharedkv_resp::Frame::Array(_)
    ));
    d.roundtrip(b"GET k\r\n", &bulk("v")).await;
    d.roundtrip(b"QUIT\r\n", b"+OK\r\n").await;
    d.expect_closed().await;
    server.stop().await;
}

/// Before AUTH the decoder enforces Redis's unauthenticated limits (10 arguments, 16 KiB bulks), in Redis's words; after, the normal ones.
async fn auth_limits_requests_until_authenticated<D: Db>(db: D) {
    let server = start_with(db, with_password("sekret")).await;
    let mut c = server.client().await;
    c.roundtrip(
        b"*11\r\n",
        b"-ERR Protocol error: unauthenticated multibulk length\r\n",
    )
    .await;
    c.expect_closed().await;
    let mut c = server.client().await;
    c.roundtrip(
        b"*2\r\n$4\r\nAUTH\r\n$16385\r\n",
        b"-ERR Protocol error: unauthenticated bulk length\r\n",
    )
    .await;
    c.expect_closed().await;
    // Not a number, or past what Redis would ever take: invalid, as Redis.
    let mut c = server.client().await;
    c.roundtrip(
        b"*2\r\n$4\r\nAUTH\r\n$-5\r\n",
        b"-ERR Protocol error: invalid bulk length\r\n",
    )
    .await;
    c.expect_closed().await;
    let mut c = server.client().await;
    c.roundtrip(
        b"*4294967296\r\n",
        b"-ERR Protocol error: invalid multibulk length\r\n",
    )
    .await;
    c.expect_closed().await;
    let mut c = server.client().await;
    c.roundtrip(b"AUTH sekret\r\n", b"+OK\r\n").await;
    let big = "x".repeat(20_000);
    let mut args = vec!["MSET"];
    for _ in 0..6 {
        args.extend(["k", big.as_str()]);
    }
    c.command(&args, b"+OK\r\n").await;
    server.stop().await;
}

/// Without a password, AUTH says so (Redis's text), and AUTH default <anything> succeeds.
async fn auth_without_password<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.roundtrip(
        b"AUTH x\r\n",
        b"-ERR AUTH <password> called without any password configured for the default user. \
          Are you sure your configuration is correct?\r\n",
    )
    .await;
    c.roundtrip(b"AUTH default x\r\n", b"+OK\r\n").await;
    c.roundtrip(
        b"AUTH someone x\r\n",
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    )
    .await;
    c.roundtrip(b"AUTH a b c\r\n", b"-ERR syntax error\r\n")
        .await;
    server.stop().await;
}

/// SUBSCRIBE confirms each channel, PUBLISH reaches every subscriber and counts them, UNSUBSCRIBE leaves.
async fn pubsub_delivers_messages<D: Db>(db: D) {
    let server = start(db).await;
    let mut sub = server.client().await;
    sub.roundtrip(
        b"SUBSCRIBE news sport news\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$5\r\nsport\r\n:2\r\n\
          *3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:2\r\n",
    )
    .await;
    let mut other = server.client().await;
    other
        .roundtrip(
            b"SUBSCRIBE news\r\n",
            b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n",
        )
        .await;
    let mut publisher = server.client().await;
    publisher
        .roundtrip(b"PUBLISH news hello\r\n", b":2\r\n")
        .await;
    publisher
        .roundtrip(b"PUBLISH nobody hello\r\n", b":0\r\n")
        .await;
    let message = b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n";
    sub.expect(message).await;
    other.expect(message).await;
    sub.roundtrip(
        b"UNSUBSCRIBE news\r\n",
        b"*3\r\n$11\r\nunsubscribe\r\n$4\r\nnews\r\n:1\r\n",
    )
    .await;
    publisher
        .roundtrip(b"PUBLISH news again\r\n", b":1\r\n")
        .await;
    publisher
        .roundtrip(b"PUBLISH sport goal\r\n", b":1\r\n")
        .await;
    other
        .expect(b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nagain\r\n")
        .await;
    sub.expect(b"*3\r\n$7\r\nmessage\r\n$5\r\nsport\r\n$4\r\ngoal\r\n")
        .await;
    sub.roundtrip(
        b"UNSUBSCRIBE\r\n",
        b"*3\r\n$11\r\nunsubscribe\r\n$5\r\nsport\r\n:0\r\n",
    )
    .await;
    sub.roundtrip(
        b"UNSUBSCRIBE\r\n",
        b"*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n",
    )
    .await;
    drop(other);
    server.stop().await;
}

/// In subscribe mode only (UN)SUBSCRIBE, PING, QUIT and RESET run; PING answers as a message; leaving restores all.
async fn subscribe_mode_restricts_commands<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.roundtrip(
        b"SUBSCRIBE ch\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
    )
    .await;
    c.roundtrip(
        b"GET k\r\n",
        b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET \
          are allowed in this context\r\n",
    )
    .await;
    c.roundtrip(
        b"CLIENT ID\r\n",
        b"-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / \
          RESET are allowed in this context\r\n",
    )
    .await;
    c.roundtrip(b"PING\r\n", b"*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        .await;
    c.roundtrip(b"PING hi\r\n", b"*2\r\n$4\r\npong\r\n$2\r\nhi\r\n")
        .await;
    c.roundtrip(
        b"GET\r\n",
        b"-ERR wrong number of arguments for 'get' command\r\n",
    )
    .await;
    c.roundtrip(b"RESET\r\n", b"+RESET\r\n").await;
    c.roundtrip(b"GET k\r\n", b"$-1\r\n").await;
    c.roundtrip(
        b"SUBSCRIBE ch\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
    )
    .await;
    c.roundtrip(b"QUIT\r\n", b"+OK\r\n").await;
    c.expect_closed().await;
    server.stop().await;
}

/// On shutdown a connection answers every request it had received, then closes, and run returns.
async fn graceful_shutdown_answers_inflight_pipeline<D: Db>(db: D) {
    const N: usize = 1_000;
    let server = start(db).await;
    let mut c = server.client().await;
    c.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    let mut idle = server.client().await;
    idle.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    c.send(&b"INCR n\r\n".repeat(N)).await;
    server.trigger_shutdown();
    let expected: Vec<u8> = (1..=N)
        .flat_map(|i| format!(":{i}\r\n").into_bytes())
        .collect();
    c.expect(&expected).await;
    c.expect_closed().await;
    idle.expect_closed().await;
    let addr = server.addr;
    server.stop().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still accepting after shutdown"
    );
}

/// A subscriber is closed by shutdown like any other connection.
async fn shutdown_closes_subscribers<D: Db>(db: D) {
    let server = start(db).await;
    let mut sub = server.client().await;
    sub.roundtrip(
        b"SUBSCRIBE ch\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
    )
    .await;
    server.stop().await;
    sub.expect_closed().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] max_clients_rejects_extra_connections,
                #[tokio::test] auth_gates_commands,
                #[tokio::test] auth_limits_requests_until_authenticated,
                #[tokio::test] auth_without_password,
                #[tokio::test] pubsub_delivers_messages,
                #[tokio::test] subscribe_mode_restricts_commands,
                #[tokio::test] graceful_shutdown_answers_inflight_pipeline,
                #[tokio::test] shutdown_closes_subscribers,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

//! Hostile and broken clients against the running server: Redis's own
//! protocol tests, protocol desync, clients that never read their replies,
//! and idle or trickling clients. Each checks the reply, that the connection
//! closes where Redis closes it, and that the server then still answers.
//! Stamped once per strategy, except the timeout tests, which only wait and
//! run once.
//!
//! Resident memory under the same attacks is measured in `memory.rs`.

mod support;

use std::time::Duration;

use sharedkv_db::Db;
use sharedkv_server::Config;
use sharedkv_testsuite::strategies::StdMutexDb;
use support::{RawClient, TestServer, WAIT, bulk, start, start_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

/// Sends `input` on a fresh connection, expects exactly `reply`, then the
/// close; then checks that a new connection is still served.
async fn expect_reply_and_close(server: &TestServer, input: &[u8], reply: &[u8]) {
    let mut c = server.client().await;
    c.roundtrip(input, reply).await;
    c.expect_closed().await;
    server
        .client()
        .await
        .roundtrip(b"PING\r\n", b"+PONG\r\n")
        .await;
}

/// Each input of Redis's tests/unit/protocol.tcl that protocol.rs does not already send byte for byte, with Redis's reply, its close (or not), and a PING after; plus u64::MAX lengths.
async fn redis_protocol_suite_inputs<D: Db>(db: D) {
    let server = start(db).await;
    // "Handle an empty query", "Negative multibulk length": skipped, the
    // connection stays open.
    let mut c = server.client().await;
    c.roundtrip(b"\r\n", b"").await;
    c.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    c.roundtrip(b"*-10\r\nPING\r\n", b"+PONG\r\n").await;
    // "Generic wrong number of args": an error, the connection stays open.
    c.command(
        &["PING", "x", "y", "z"],
        b"-ERR wrong number of arguments for 'ping' command\r\n",
    )
    .await;
    c.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    for (input, error) in [
        (
            &b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n"[..],
            "expected '$', got 'f'",
        ),
        (
            b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n",
            "invalid bulk length",
        ),
        (
            b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n",
            "invalid bulk length",
        ),
        (
            b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n",
            "invalid bulk length",
        ),
        (
            b"set \"\"\"test-key\"\"\" test-value\r\nping\r\n",
            "unbalanced quotes in request",
        ),
        // A length of u64::MAX, as a count and as a bulk length.
        (b"*18446744073709551615\r\n", "invalid multibulk length"),
        (
            b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$18446744073709551615\r\n",
            "invalid bulk length",
        ),
    ] {
        let reply = format!("-ERR Protocol error: {error}\r\n");
        expect_reply_and_close(&server, input, reply.as_bytes()).await;
    }
    server.stop().await;
}

/// Redis's "protocol desync" regression tests: `\x00`, `*\x00` or `$\x00`, then junk with no line end, is refused once 64 KiB are buffered (64 KiB + 1 bytes sent), not buffered forever.
async fn protocol_desync_is_cut_off_at_64_kib<D: Db>(db: D) {
    let server = start(db).await;
    for (seq, error) in [
        (&b"\x00"[..], "too big inline request"),
        (b"*\x00", "too big mbulk count string"),
        (b"$\x00", "too big inline request"),
    ] {
        // Redis's test writes the word "payload" over and over.
        let mut input = seq.to_vec();
        while input.len() <= 64 * 1024 {
            input.extend_from_slice(b"payload");
        }
        input.truncate(64 * 1024 + 1);
        let reply = format!("-ERR Protocol error: {error}\r\n");
        expect_reply_and_close(&server, &input, reply.as_bytes()).await;
    }
    server.stop().await;
}

/// A client that pipelines GETs of a 64 KiB value and never reads is disconnected once its unwritten replies pass the output buffer limit (1 MiB here), while other clients are served throughout.
async fn client_that_never_reads_is_disconnected<D: Db>(db: D) {
    let (server, mut other, value) =
        limited_server_with_value(db, 1024 * 1024, "big", 64 * 1024).await;

    let (_reader, mut writer) = server.client().await.into_split();
    // The kernel's buffers take some megabytes of replies first; the output
    // buffer limit then takes 1 MiB more. 2,000 GETs (128 MiB of replies)
    // are far more than that, and bound what a server without the limit
    // would buffer before this test fails.
    let gets = b"GET big\r\n".repeat(100);
    let mut sent = 0usize;
    let mut disconnected = false;
    for _ in 0..20 {
        if writer.write_all(&gets).await.is_err() {
            disconnected = true;
            break;
        }
        sent += gets.len();
    }
    // Writes fail once the server's close has come back.
    let deadline = Instant::now() + WAIT;
    while !disconnected {
        assert!(
            Instant::now() < deadline,
            "not disconnected after {sent} bytes of requests"
        );
        disconnected = writer.write_all(b"PING\r\n").await.is_err();
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(sent > 0);
    other.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    // Only `other` is left connected.
    let deadline = Instant::now() + WAIT;
    loop {
        other.send(b"INFO clients\r\n").await;
        let sharedkv_resp::Frame::Bulk(info) = other.read_frame().await else {
            panic!("INFO is a bulk");
        };
        if info.windows(20).any(|w| w == b"connected_clients:1\r") {
            break;
        }
        assert!(Instant::now() < deadline, "the client was never dropped");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    other.command(&["GET", "big"], &bulk(&value)).await;
    server.stop().await;
}

/// A client that reads slowly but reads everything gets every reply, however far its replies exceed the output buffer limit in total, when no single pipeline outruns it.
async fn slow_reader_under_the_limit_gets_everything<D: Db>(db: D) {
    let (server, mut c, value) = limited_server_with_value(db, 256 * 1024, "k", 16 * 1024).await;
    // 64 rounds of 8 GETs: 8 MiB of replies in all, 128 KiB at a time.
    let mut expected = Vec::new();
    for _ in 0..8 {
        expected.extend_from_slice(&bulk(&value));
    }
    for _ in 0..64 {
        c.send(&b"GET k\r\n".repeat(8)).await;
        tokio::time::sleep(Duration::from_millis(1)).await;
        c.expect(&expected).await;
    }
    server.stop().await;
}

/// An MGET that names one 64 KiB key 2,000 times asks for a 128 MiB reply:
/// the reply stops growing at the output buffer limit (1 MiB here) and the
/// client is disconnected without receiving any of it, while the server
/// serves others. A smaller MGET of the same key is answered whole.
async fn mget_reply_past_the_limit_disconnects<D: Db>(db: D) {
    let (server, mut other, value) =
        limited_server_with_value(db, 1024 * 1024, "big", 64 * 1024).await;
    let mut whole = b"*8\r\n".to_vec();
    for _ in 0..8 {
        whole.extend_from_slice(&bulk(&value));
    }
    let mget: Vec<&str> = std::iter::once("MGET").chain(["big"; 8]).collect();
    other.command(&mget, &whole).await;

    let mut c = server.client().await;
    let mut request = b"*2001\r\n$4\r\nMGET\r\n".to_vec();
    for _ in 0..2000 {
        request.extend_from_slice(b"$3\r\nbig\r\n");
    }
    c.send(&request).await;
    let (reader, _writer) = c.into_split();
    let got = read_until_closed(reader).await;
    assert_eq!(got, 0, "a cut-off reply must never be sent");
    other.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    server.stop().await;
}

/// A pipeline of ten GETs of 10 MB values and one MGET of all ten (a
/// 100 MB reply) arrives whole and in order: 200 MB of replies, far past
/// what the server holds unsent at a time, since no normal client has an
/// output limit by default and the large values are sent from the store.
async fn big_replies_arrive_whole<D: Db>(db: D) {
    const LEN: usize = 10_000_000;
    let server = start(db).await;
    let mut c = server.client().await;
    let values: Vec<Vec<u8>> = (0..10u8).map(|i| vec![b'a' + i; LEN]).collect();
    let mut pipeline = Vec::new();
    let mut mget = b"*11\r\n$4\r\nMGET\r\n".to_vec();
    let mut expected = Vec::with_capacity(2 * 10 * (LEN + 16) + 8);
    let mut mget_reply = b"*10\r\n".to_vec();
    for (i, value) in values.iter().enumerate() {
        let mut set = format!("*3\r\n$3\r\nSET\r\n$2\r\nk{i}\r\n${LEN}\r\n").into_bytes();
        set.extend_from_slice(value);
        set.extend_from_slice(b"\r\n");
        c.roundtrip(&set, b"+OK\r\n").await;
        pipeline.extend_from_slice(format!("GET k{i}\r\n").as_bytes());
        mget.extend_from_slice(format!("$2\r\nk{i}\r\n").as_bytes());
        let mut reply = format!("${LEN}\r\n").into_bytes();
        reply.extend_from_slice(value);
        reply.extend_from_slice(b"\r\n");
        expected.extend_from_slice(&reply);
        mget_reply.extend_from_slice(&reply);
    }
    pipeline.extend_from_slice(&mget);
    expected.extend_from_slice(&mget_reply);
    let (mut reader, mut writer) = c.into_split();
    writer.write_all(&pipeline).await.expect("write");
    let mut got = vec![0; expected.len()];
    tokio::time::timeout(WAIT * 4, reader.read_exact(&mut got))
        .await
        .expect("the replies did not all arrive")
        .expect("read");
    // Compared whole, not printed: 200 MB.
    assert!(got == expected, "the replies differ from the values stored");
    writer.write_all(b"PING\r\n").await.expect("write");
    let mut pong = [0; 7];
    reader.read_exact(&mut pong).await.expect("read");
    assert_eq!(&pong, b"+PONG\r\n");
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] redis_protocol_suite_inputs,
                #[tokio::test] protocol_desync_is_cut_off_at_64_kib,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                client_that_never_reads_is_disconnected,
                #[tokio::test] slow_reader_under_the_limit_gets_everything,
                #[tokio::test] mget_reply_past_the_limit_disconnects,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                big_replies_arrive_whole,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

/// Sends `bytes` one a second (the slow client of the issue), stopping early
/// if the server closes; returns how many it sent.
async fn trickle(c: &mut RawClient, bytes: &[u8]) -> usize {
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        if !c.try_send(&[*byte]).await {
            return i;
        }
    }
    bytes.len()
}

/// Without `timeout` (the default, as in Redis) a client sending one byte a second is served when its request is complete, and an idle client is never closed. Once, on std-mutex: it only waits.
#[tokio::test]
async fn no_timeout_by_default_serves_a_slow_client() {
    let server = start(StdMutexDb::new()).await;
    let mut idle = server.client().await;
    let mut slow = server.client().await;
    let started = Instant::now();
    assert_eq!(trickle(&mut slow, b"PING\r\n").await, 6);
    slow.expect(b"+PONG\r\n").await;
    assert!(started.elapsed() >= Duration::from_secs(5));
    idle.command(
        &["CONFIG", "GET", "timeout"],
        b"*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n",
    )
    .await;
    server.stop().await;
}

/// With `timeout` 2 s: an idle client and one sending a byte a second are closed after about 2 s, a client active more often and a subscriber are not. Once, on std-mutex: it only waits.
#[tokio::test]
async fn timeout_closes_idle_and_trickling_clients() {
    let config = Config {
        timeout: Some(Duration::from_secs(2)),
        ..Config::default()
    };
    let server = start_with(StdMutexDb::new(), config).await;
    let mut idle = server.client().await;
    let mut slow = server.client().await;
    let mut active = server.client().await;
    let mut subscriber = server.client().await;
    subscriber
        .roundtrip(
            b"SUBSCRIBE ch\r\n",
            b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
        )
        .await;
    let started = Instant::now();
    let (sent, (), ()) = tokio::join!(
        trickle(&mut slow, b"PING\r\n"),
        async {
            idle.expect_closed().await;
            let closed_after = started.elapsed();
            assert!(
                closed_after >= Duration::from_millis(1900)
                    && closed_after < Duration::from_secs(4),
                "idle client closed after {closed_after:?}"
            );
        },
        async {
            while started.elapsed() < Duration::from_secs(4) {
                active.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        },
    );
    assert!(sent < 6, "the slow client completed its request");
    slow.expect_closed().await;
    active
        .command(&["PUBLISH", "ch", "still here"], b":1\r\n")
        .await;
    subscriber
        .expect(b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$10\r\nstill here\r\n")
        .await;
    active
        .command(
            &["CONFIG", "GET", "timeout"],
            b"*2\r\n$7\r\ntimeout\r\n$1\r\n2\r\n",
        )
        .await;
    server.stop().await;
}

/// A connection that reads nothing at all is still closed by the timeout
/// even with replies pending (it takes no reply bytes). Once, on std-mutex.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_closes_a_client_that_stopped_reading() {
    let config = Config {
        timeout: Some(Duration::from_secs(1)),
        client_output_buffer_limit: 0,
        ..Config::default()
    };
    let server = start_with(StdMutexDb::new(), config).await;
    let mut c = server.client().await;
    let value = "v".repeat(1024 * 1024);
    c.command(&["SET", "big", &value], b"+OK\r\n").await;
    // 64 MiB of replies, far more than the kernel buffers take.
    c.send(&b"GET big\r\n".repeat(64)).await;
    let (reader, _writer) = c.into_split();
    tokio::time::sleep(Duration::from_secs(3)).await;
    // The connection is gone: reading drains what the kernel had buffered,
    // then ends (or is reset), well short of 64 MiB.
    let got = read_until_closed(reader).await;
    assert!(got < 64 * (1024 * 1024 + 16), "got {got} bytes");
    server.stop().await;
}

/// A server with an output buffer limit of `limit` bytes, a client, and the
/// value of `len` bytes that client stored under `key`.
async fn limited_server_with_value<D: Db>(
    db: D,
    limit: usize,
    key: &str,
    len: usize,
) -> (TestServer, RawClient, String) {
    let config = Config {
        client_output_buffer_limit: limit,
        ..Config::default()
    };
    let server = start_with(db, config).await;
    let mut client = server.client().await;
    let value = "v".repeat(len);
    client.command(&["SET", key, &value], b"+OK\r\n").await;
    (server, client, value)
}

/// Reads until the server closes the connection (or resets it); returns how
/// many bytes came first. Fails if it stays open for [`WAIT`].
async fn read_until_closed(mut reader: tokio::net::tcp::OwnedReadHalf) -> usize {
    let mut got = 0usize;
    let mut buf = vec![0; 1 << 20];
    loop {
        match tokio::time::timeout(WAIT, reader.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return got,
            Ok(Ok(n)) => got += n,
            Err(_) => panic!("still open after {got} bytes"),
        }
    }
}

/// A client subscribed to `news`, which will read nothing more.
async fn subscriber(server: &TestServer) -> RawClient {
    let mut c = server.client().await;
    c.command(
        &["SUBSCRIBE", "news"],
        b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n",
    )
    .await;
    c
}

/// Publishes `message` on `channel` and returns how many received it. The
/// reply must come within [`WAIT`], however the subscribers read: a
/// publisher is never made to wait for them.
async fn publish(c: &mut RawClient, channel: &str, message: &str) -> i64 {
    c.send_command(&["PUBLISH", channel, message]).await;
    match c.read_frame().await {
        sharedkv_resp::Frame::Integer(n) => n,
        other => panic!("PUBLISH answered {other:?}"),
    }
}

/// A subscriber that stops reading is dropped once its unsent messages
/// pass the pubsub class's hard limit (Redis's default, 32 MiB), while the
/// publisher is answered at once throughout; a reading subscriber of the
/// same channel keeps every message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriber_that_stops_reading_is_dropped_at_the_pubsub_limit() {
    let server = start(StdMutexDb::new()).await;
    let stalled = subscriber(&server).await;
    let mut publisher = server.client().await;
    let message = "m".repeat(1024 * 1024);
    let mut published = 0;
    // 32 MiB of messages, plus what the kernel's buffers take, plus
    // slack: a server without the limit would get here.
    while published < 200 {
        let receivers = publish(&mut publisher, "news", &message).await;
        published += 1;
        if receivers == 0 {
            break;
        }
        assert_eq!(receivers, 1);
    }
    assert!(
        (32..200).contains(&published),
        "dropped after {published} messages of 1 MiB"
    );
    let (reader, _writer) = stalled.into_split();
    let got = read_until_closed(reader).await;
    assert!(
        got < published * message.len(),
        "the dropped subscriber got {got} bytes"
    );
    server.stop().await;
}

/// The soft limit of the pubsub class: a subscriber above it for longer
/// than its seconds is dropped when the next message comes, as in Redis.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriber_over_the_soft_limit_too_long_is_dropped() {
    let server = start(StdMutexDb::new()).await;
    let mut publisher = server.client().await;
    publisher
        .command(
            &[
                "CONFIG",
                "SET",
                "client-output-buffer-limit",
                "pubsub 0 1mb 1",
            ],
            b"+OK\r\n",
        )
        .await;
    let _stalled = subscriber(&server).await;
    // Enough to fill the kernel's buffers and stay above 1 MiB unsent.
    let message = "m".repeat(1024 * 1024);
    for _ in 0..24 {
        assert_eq!(publish(&mut publisher, "news", &message).await, 1);
    }
    // Above the soft limit, but not yet for a second: still subscribed.
    assert_eq!(publish(&mut publisher, "news", "x").await, 1);
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    // The next message finds it above the limit for 2 seconds: dropped.
    publish(&mut publisher, "news", "x").await;
    let deadline = Instant::now() + WAIT;
    while publish(&mut publisher, "news", "x").await != 0 {
        assert!(Instant::now() < deadline, "never dropped");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.stop().await;
}

/// `CLIENT REPLY SKIP` and `OFF` drop a reply sent from the store (a value
/// of 16 KiB or more, spliced rather than copied) as they drop any other.
#[tokio::test]
async fn skipped_replies_of_large_values_are_dropped() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    let value = "v".repeat(64 * 1024);
    c.command(&["SET", "big", &value], b"+OK\r\n").await;
    c.send(b"CLIENT REPLY SKIP\r\nGET big\r\nCLIENT REPLY OFF\r\nMGET big big\r\nGET big\r\nCLIENT REPLY ON\r\nGET big\r\n")
        .await;
    let mut expected = b"+OK\r\n".to_vec();
    expected.extend_from_slice(&bulk(&value));
    c.expect(&expected).await;
    c.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    server.stop().await;
}

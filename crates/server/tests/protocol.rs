//! The wire protocol end to end: inline requests, pipelining, requests
//! split across reads, and every protocol error, which gets Redis's exact
//! reply and closes only the offending connection. Stamped once per
//! strategy.

mod support;

use sharedkv_db::Db;
use support::{RawClient, TestServer, bulk, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Inline requests split on spaces, honour both quote styles and escapes, and skip blank lines.
async fn inline_commands_with_quotes<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    c.roundtrip(b"\r\n  \r\nping\n", b"+PONG\r\n").await;
    c.roundtrip(
        b"SET \"a key\" 'it''s'\r\n",
        b"-ERR Protocol error: unbalanced quotes in request\r\n",
    )
    .await;
    c.expect_closed().await;
    let mut c = server.client().await;
    c.roundtrip(b"SET \"a key\" 'it\\'s'\r\n", b"+OK\r\n").await;
    c.roundtrip(b"GET \"a key\"\r\n", &bulk("it's")).await;
    c.roundtrip(b"ECHO \"\\x41\\tb\\n\"\r\n", b"$4\r\nA\tb\n\r\n")
        .await;
    c.roundtrip(b"  echo   spaced   \r\n", &bulk("spaced"))
        .await;
    server.stop().await;
}

/// 10,000 requests written at once get 10,000 replies, in order.
async fn pipeline_of_10000_in_order<D: Db>(db: D) {
    const N: usize = 10_000;
    let server = start(db).await;
    let (mut reader, mut writer) = server.client().await.into_split();
    let request = b"*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n".repeat(N);
    let write = tokio::spawn(async move {
        writer.write_all(&request).await.expect("write");
        writer
    });
    let expected: Vec<u8> = (1..=N)
        .flat_map(|i| format!(":{i}\r\n").into_bytes())
        .collect();
    let mut replies = vec![0; expected.len()];
    tokio::time::timeout(support::WAIT, reader.read_exact(&mut replies))
        .await
        .expect("replies timed out")
        .expect("read");
    assert!(replies == expected, "replies out of order or wrong");
    drop(write.await.expect("writer"));
    server.stop().await;
}

/// A request that arrives one byte at a time is answered once, when complete.
async fn requests_split_across_reads<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    for byte in b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n" {
        c.send(&[*byte]).await;
        tokio::task::yield_now().await;
    }
    c.expect(b"+OK\r\n").await;
    c.roundtrip(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", &bulk("hello"))
        .await;
    server.stop().await;
}

/// A 1 MiB value sent in many writes round-trips intact, and later commands still work.
async fn large_values_round_trip<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    let value: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    let mut request = format!("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n${}\r\n", value.len()).into_bytes();
    request.extend_from_slice(&value);
    request.extend_from_slice(b"\r\n");
    for chunk in request.chunks(100_000) {
        c.send(chunk).await;
    }
    c.expect(b"+OK\r\n").await;
    c.send(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n").await;
    let mut expected = format!("${}\r\n", value.len()).into_bytes();
    expected.extend_from_slice(&value);
    expected.extend_from_slice(b"\r\n");
    c.expect(&expected).await;
    c.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    server.stop().await;
}

/// Sends `input` after a PING, expects the PONG then `error`, then the close;
/// then checks that a new connection is served.
async fn assert_protocol_error(server: &TestServer, input: &[u8], error: &str) {
    let mut c = server.client().await;
    c.send(b"PING\r\n").await;
    c.send(input).await;
    c.expect(b"+PONG\r\n").await;
    c.expect(format!("-ERR Protocol error: {error}\r\n").as_bytes())
        .await;
    c.expect_closed().await;
    let mut fresh = server.client().await;
    fresh.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
}

/// Multibulk counts that are huge or not numbers are refused; negative ones are empty requests, as in Redis.
async fn invalid_multibulk_length<D: Db>(db: D) {
    let server = start(db).await;
    for input in [
        &b"*3000000000\r\n"[..],
        b"*2147483648\r\n",
        b"*abc\r\n",
        b"*1x\r\n",
        b"*\r\n",
    ] {
        assert_protocol_error(&server, input, "invalid multibulk length").await;
    }
    let mut c = server.client().await;
    c.roundtrip(b"*-5\r\n*0\r\nPING\r\n", b"+PONG\r\n").await;
    server.stop().await;
}

/// Bulk lengths that are negative, over 512 MiB, beyond 64 bits or not numbers are refused.
async fn invalid_bulk_length<D: Db>(db: D) {
    let server = start(db).await;
    for length in [
        "-1",
        "536870913",
        "18446744073709551615",
        "99999999999999999999",
        "abc",
        "",
    ] {
        let input = format!("*1\r\n${length}\r\n");
        assert_protocol_error(&server, input.as_bytes(), "invalid bulk length").await;
    }
    server.stop().await;
}

/// A multibulk element that is not a bulk string is refused, naming the byte found.
async fn expected_dollar<D: Db>(db: D) {
    let server = start(db).await;
    assert_protocol_error(&server, b"*1\r\nfoo\r\n", "expected '$', got 'f'").await;
    assert_protocol_error(
        &server,
        b"*2\r\n$3\r\nSET\r\n+5\r\n",
        "expected '$', got '+'",
    )
    .await;
    server.stop().await;
}

/// An inline request with an unterminated quote, or a quote run into a word, is refused.
async fn unbalanced_quotes<D: Db>(db: D) {
    let server = start(db).await;
    assert_protocol_error(&server, b"SET \"a b\r\n", "unbalanced quotes in request").await;
    assert_protocol_error(&server, b"SET \"a\"b c\r\n", "unbalanced quotes in request").await;
    server.stop().await;
}

/// 64 KiB of inline request without a newline is refused rather than buffered forever.
async fn too_big_inline_request<D: Db>(db: D) {
    let server = start(db).await;
    assert_protocol_error(&server, &vec![b'A'; 70_000], "too big inline request").await;
    server.stop().await;
}

/// A client that disconnects in the middle of a request leaves the server serving everyone else.
async fn client_disconnect_mid_frame<D: Db>(db: D) {
    let server = start(db).await;
    let mut other = server.client().await;
    other.roundtrip(b"SET k v\r\n", b"+OK\r\n").await;
    for partial in [
        &b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc"[..],
        b"*2\r\n$3\r\nGE",
        b"SET k",
    ] {
        let mut c = RawClient::connect(server.addr).await;
        c.send(partial).await;
        drop(c);
    }
    other.roundtrip(b"GET k\r\n", &bulk("v")).await;
    let mut fresh = server.client().await;
    fresh.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] inline_commands_with_quotes,
                #[tokio::test] pipeline_of_10000_in_order,
                #[tokio::test] requests_split_across_reads,
                #[tokio::test] large_values_round_trip,
                #[tokio::test] invalid_multibulk_length,
                #[tokio::test] invalid_bulk_length,
                #[tokio::test] expected_dollar,
                #[tokio::test] unbalanced_quotes,
                #[tokio::test] too_big_inline_request,
                #[tokio::test] client_disconnect_mid_frame,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

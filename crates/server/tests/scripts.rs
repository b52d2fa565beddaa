//! Scripts that misbehave, on every strategy: a script that asks for
//! unbounded memory or recursion gets an error, and the server serves on;
//! a script past `busy-reply-threshold` makes other clients' commands
//! answer `BUSY` (one that needs a lock the script holds too), `SCRIPT KILL`
//! stops it if it has not written and leaves nothing of it, and answers
//! `UNKILLABLE` if it has. The engine's own tests (`crates/scripting`)
//! check every conversion and error text against redis-server.

mod support;

use sharedkv_db::Db;
use sharedkv_resp::Frame;
use support::{RawClient, start};

/// One test at a time: each runs scripts that keep a core busy until
/// their limits stop them.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The frame of an error reply, or a failure naming what came instead.
async fn error_of(c: &mut RawClient) -> String {
    match c.read_frame().await {
        Frame::Error(e) => String::from_utf8_lossy(&e).into_owned(),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// A script that builds a huge string, grows a table without end or recurses without end gets an error reply, and the server serves on.
async fn hostile_scripts_get_errors<D: Db>(db: D) {
    let _serial = SERIAL.lock().await;
    let server = start(db).await;
    let mut c = server.client().await;
    for script in [
        "return string.rep('x', 1e10)",
        "local function f(n) return f(n + 1) + 1 end return f(1)",
        "local s = 'z' while true do s = s .. s end",
    ] {
        c.send_command(&["EVAL", script, "0"]).await;
        let error = error_of(&mut c).await;
        assert!(error.starts_with("ERR"), "{script}: {error}");
        c.command(&["PING"], b"+PONG\r\n").await;
    }
    c.command(&["EVAL", "return 1", "0"], b":1\r\n").await;
    server.stop().await;
}

/// A script that reads without end; it gives up after 30 s, so that a
/// test that fails ends.
const ENDLESS_READER: &str = "local t = tonumber(redis.call('TIME')[1]) local i = 0 \
    while true do i = i + 1 if i % 100000 == 0 then redis.call('GET', KEYS[1]) \
    if tonumber(redis.call('TIME')[1]) - t > 30 then return 'gave up' end end end";

/// A script that writes, then runs for about 1.5 s.
const SLOW_WRITER: &str = "redis.call('SET', KEYS[1], 'written') \
    local function ms() local t = redis.call('TIME') return t[1] * 1000 + t[2] / 1000 end \
    local t = ms() local i = 0 \
    while true do i = i + 1 if i % 100000 == 0 and ms() - t > 1500 then return 'done' end end";

/// Sends `PING` until it is answered `BUSY` (at most 10 s); `PONG` means
/// the script has not started or is not yet past the threshold. Then
/// `GET key`, which needs a lock the script holds, is answered `BUSY` too.
/// (A command sent in a script's first 5 ms that needs its lock waits for
/// its end instead: see `crates/server/src/scripting.rs`.)
async fn wait_for_busy(c: &mut RawClient, key: &str) {
    let start = std::time::Instant::now();
    loop {
        c.send_command(&["PING"]).await;
        match c.read_frame().await {
            Frame::Error(e) if e.starts_with(b"BUSY ") => break,
            Frame::Error(e) => panic!("PING: {}", String::from_utf8_lossy(&e)),
            _ => {}
        }
        assert!(start.elapsed().as_secs() < 10, "never answered BUSY");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    c.send_command(&["GET", key]).await;
    assert!(error_of(c).await.starts_with("BUSY "));
}

/// Sets a threshold of 100 ms, starts `script` over `key` on a client of
/// its own and returns that client and another that has seen `BUSY`.
async fn start_busy(
    server: &support::TestServer,
    admin: &mut RawClient,
    script: &str,
    key: &str,
) -> (RawClient, RawClient) {
    admin
        .command(
            &["CONFIG", "SET", "busy-reply-threshold", "100"],
            b"+OK\r\n",
        )
        .await;
    let mut runner = server.client().await;
    runner.send_command(&["EVAL", script, "1", key]).await;
    let mut other = server.client().await;
    wait_for_busy(&mut other, key).await;
    (runner, other)
}

/// A reading script past the threshold: others get BUSY (a command that needs the script's lock too), allow-busy commands run, SCRIPT KILL stops it with Redis's error and leaves the data as it was.
async fn script_kill_stops_a_busy_reader<D: Db>(db: D) {
    let _serial = SERIAL.lock().await;
    let server = start(db).await;
    let mut admin = server.client().await;
    admin.command(&["SET", "k", "before"], b"+OK\r\n").await;
    let (mut runner, mut other) = start_busy(&server, &mut admin, ENDLESS_READER, "k").await;
    // MULTI and DISCARD are allow-busy in Redis.
    other.command(&["MULTI"], b"+OK\r\n").await;
    other.command(&["DISCARD"], b"+OK\r\n").await;
    admin.command(&["SCRIPT", "KILL"], b"+OK\r\n").await;
    let killed = error_of(&mut runner).await;
    assert!(
        killed.starts_with("ERR Script killed by user with SCRIPT KILL..."),
        "{killed}"
    );
    other.command(&["GET", "k"], &support::bulk("before")).await;
    admin.send_command(&["SCRIPT", "KILL"]).await;
    assert!(error_of(&mut admin).await.starts_with("NOTBUSY "));
    runner.command(&["EVAL", "return 1", "0"], b":1\r\n").await;
    server.stop().await;
}

/// A script that has written cannot be killed: SCRIPT KILL answers UNKILLABLE, others get BUSY, and the script runs to its end with its write in place.
async fn a_busy_writer_is_unkillable<D: Db>(db: D) {
    let _serial = SERIAL.lock().await;
    let server = start(db).await;
    let mut admin = server.client().await;
    let (mut runner, mut other) = start_busy(&server, &mut admin, SLOW_WRITER, "w").await;
    admin.send_command(&["SCRIPT", "KILL"]).await;
    assert!(error_of(&mut admin).await.starts_with("UNKILLABLE "));
    match runner.read_frame().await {
        Frame::Bulk(b) => assert_eq!(&b[..], b"done"),
        other => panic!("expected the script's end, got {other:?}"),
    }
    other
        .command(&["GET", "w"], &support::bulk("written"))
        .await;
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                hostile_scripts_get_errors,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                script_kill_stops_a_busy_reader,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                a_busy_writer_is_unkillable,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

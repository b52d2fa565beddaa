//! The server commands an operator or a tool sends (`TIME`, `LASTSAVE`,
//! `ROLE`, `WAIT`, `LOLWUT`, `FUNCTION`, `SHUTDOWN`, `MONITOR`, `MEMORY`,
//! `DEBUG`, `COMMAND GETKEYS`, `RESET`) over a real server, with Redis
//! 7.0.15's replies and error texts, read off redis-server. Mostly on
//! std-mutex: these commands are the server's, not the strategy's.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sharedkv_resp::Frame;
use sharedkv_testsuite::strategies::StdMutexDb;
use support::{RawClient, bulk, start};
use tokio::net::TcpStream;

fn error(text: &str) -> Vec<u8> {
    format!("-{text}\r\n").into_bytes()
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The integer a bulk string holds.
fn bulk_int(frame: &Frame) -> i64 {
    match frame {
        Frame::Bulk(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not an integer: {b:?}")),
        other => panic!("not a bulk string: {other:?}"),
    }
}

/// Sends a command whose reply is a bulk (or verbatim) string and returns
/// its text.
async fn text(c: &mut RawClient, args: &[&str]) -> String {
    c.send_command(args).await;
    match c.read_frame().await {
        Frame::Bulk(b) => String::from_utf8(b.to_vec()).expect("utf-8"),
        Frame::Verbatim { text: b, .. } => String::from_utf8(b.to_vec()).expect("utf-8"),
        other => panic!("{args:?}: not a bulk string: {other:?}"),
    }
}

/// TIME is now, in seconds and microseconds; LASTSAVE is the start, and
/// not in the future.
#[tokio::test]
async fn time_and_lastsave() {
    let before = now_secs();
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.send_command(&["TIME"]).await;
    let Frame::Array(parts) = c.read_frame().await else {
        panic!("TIME is no array");
    };
    assert_eq!(parts.len(), 2);
    let (secs, micros) = (bulk_int(&parts[0]), bulk_int(&parts[1]));
    assert!((before..=now_secs()).contains(&secs), "{secs}");
    assert!((0..1_000_000).contains(&micros), "{micros}");
    c.send_command(&["LASTSAVE"]).await;
    let Frame::Integer(lastsave) = c.read_frame().await else {
        panic!("LASTSAVE is no integer");
    };
    assert!((before..=now_secs()).contains(&lastsave), "{lastsave}");
    c.command(
        &["TIME", "x"],
        &error("ERR wrong number of arguments for 'time' command"),
    )
    .await;
    server.stop().await;
}

/// ROLE says master with no replicas; WAIT answers 0 at once, with
/// Redis's argument errors.
#[tokio::test]
async fn role_and_wait() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.command(&["ROLE"], b"*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n")
        .await;
    c.command(&["WAIT", "0", "0"], b":0\r\n").await;
    c.command(&["WAIT", "1", "0"], b":0\r\n").await;
    c.command(
        &["WAIT", "a", "0"],
        &error("ERR value is not an integer or out of range"),
    )
    .await;
    c.command(
        &["WAIT", "a", "a"],
        &error("ERR value is not an integer or out of range"),
    )
    .await;
    c.command(
        &["WAIT", "0", "a"],
        &error("ERR timeout is not an integer or out of range"),
    )
    .await;
    c.command(&["WAIT", "0", "-1"], &error("ERR timeout is negative"))
        .await;
    c.command(
        &["WAIT", "0"],
        &error("ERR wrong number of arguments for 'wait' command"),
    )
    .await;
    server.stop().await;
}

/// LOLWUT's last line names the version, as Redis's does, and its
/// VERSION must be an integer; in RESP3 it is a verbatim string.
#[tokio::test]
async fn lolwut() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    for (args, caption) in [
        (&["LOLWUT"][..], "Redis ver. "),
        (
            &["LOLWUT", "VERSION", "5", "10"],
            "Georg Nees - schotter, plotter on paper, 1968. Redis ver. ",
        ),
        (
            &["lolwut", "version", "6"],
            "Original 8 bit image from Plaguemon by hikikomori. Redis ver. ",
        ),
        (&["LOLWUT", "foo"], "Redis ver. "),
    ] {
        let text = text(&mut c, args).await;
        assert!(text.ends_with('\n'), "{text:?}");
        let last = text
            .trim_end_matches('\n')
            .lines()
            .last()
            .unwrap_or_default();
        assert!(last.starts_with(caption), "{args:?}: {text:?}");
    }
    c.command(
        &["LOLWUT", "VERSION", "x"],
        &error("ERR value is not an integer or out of range"),
    )
    .await;
    c.command(
        &["LOLWUT", "VERSION", "5", "x"],
        &error("ERR value is not an integer or out of range"),
    )
    .await;
    c.command(&["HELLO", "3"], b"").await;
    let _ = c.read_frame().await;
    c.send_command(&["LOLWUT"]).await;
    assert!(matches!(c.read_frame().await, Frame::Verbatim { .. }));
    server.stop().await;
}

/// FUNCTION LIST and FLUSH answer as an empty library set, with Redis's
/// errors; what needs scripts says it is not supported.
#[tokio::test]
async fn functions() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.command(&["FUNCTION", "LIST"], b"*0\r\n").await;
    c.command(
        &["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "x*"],
        b"*0\r\n",
    )
    .await;
    c.command(
        &["FUNCTION", "LIST", "foo"],
        &error("ERR Unknown argument foo"),
    )
    .await;
    c.command(
        &["FUNCTION", "LIST", "withcode", "withcode"],
        &error("ERR Unknown argument withcode"),
    )
    .await;
    c.command(
        &["FUNCTION", "LIST", "LIBRARYNAME"],
        &error("ERR library name argument was not given"),
    )
    .await;
    c.command(&["FUNCTION", "FLUSH"], b"+OK\r\n").await;
    c.command(&["FUNCTION", "FLUSH", "async"], b"+OK\r\n").await;
    c.command(&["FUNCTION", "FLUSH", "SYNC"], b"+OK\r\n").await;
    c.command(
        &["FUNCTION", "FLUSH", "foo"],
        &error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"),
    )
    .await;
    c.command(
        &["FUNCTION", "flush", "a", "b"],
        &error(
            "ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP.",
        ),
    )
    .await;
    c.command(
        &["FUNCTION", "foo"],
        &error("ERR unknown subcommand 'foo'. Try FUNCTION HELP."),
    )
    .await;
    let unsupported =
        error("ERR functions (FUNCTION LOAD, FCALL) are not supported by this server");
    for args in [
        &["FUNCTION", "LOAD", "code"][..],
        &["FUNCTION", "DELETE", "lib"],
        &["FUNCTION", "DUMP"],
        &["FUNCTION", "RESTORE", "x"],
        &["FUNCTION", "STATS"],
        &["FUNCTION", "KILL"],
        &["FCALL", "f", "0"],
        &["FCALL_RO", "f", "1", "k"],
    ] {
        c.command(args, &unsupported).await;
    }
    c.send_command(&["FUNCTION", "HELP"]).await;
    let Frame::Array(lines) = c.read_frame().await else {
        panic!("FUNCTION HELP is no array");
    };
    assert!(lines.len() > 4);
    server.stop().await;
}

/// SHUTDOWN's argument checks: SAVE has nothing to save to, ABORT has no
/// shutdown to abort, bad words and combinations are syntax errors; and
/// none of them stops the server.
#[tokio::test]
async fn shutdown_arguments() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.command(
        &["SHUTDOWN", "ABORT"],
        &error("ERR No shutdown in progress."),
    )
    .await;
    for args in [
        &["SHUTDOWN", "foo"][..],
        &["SHUTDOWN", "NOSAVE", "SAVE"],
        &["SHUTDOWN", "ABORT", "NOW"],
        &["SHUTDOWN", "FORCE", "ABORT"],
    ] {
        c.command(args, &error("ERR syntax error")).await;
    }
    c.command(
        &["SHUTDOWN", "SAVE"],
        &error(
            "ERR SHUTDOWN SAVE is not supported: this server has no persistence (nothing to save)",
        ),
    )
    .await;
    c.command(&["PING"], b"+PONG\r\n").await;
    server.stop().await;
}

/// SHUTDOWN stops the server as SIGTERM does: the client that sent it
/// sees its replies so far then the close, another client's pipeline sent
/// before is answered whole, and the listener closes.
#[tokio::test]
async fn shutdown_stops_the_server() {
    for args in [&["SHUTDOWN"][..], &["shutdown", "nosave", "now", "force"]] {
        let server = start(StdMutexDb::new()).await;
        let mut other = server.client().await;
        other.command(&["SET", "k", "v"], b"+OK\r\n").await;
        // A pipeline the other client has sent, unread, when SHUTDOWN
        // comes: every reply is delivered before its connection closes.
        let pipeline: Vec<u8> = (0..100)
            .flat_map(|_| b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".iter().copied())
            .collect();
        other.send(&pipeline).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut c = server.client().await;
        c.send_command(&["PING"]).await;
        c.send_command(args).await;
        c.send_command(&["PING"]).await;
        c.expect(b"+PONG\r\n").await;
        c.expect_closed().await;
        other.expect(&bulk("v").repeat(100)).await;
        other.expect_closed().await;
        let addr = server.addr;
        server.stop().await;
        assert!(TcpStream::connect(addr).await.is_err(), "still listening");
    }
}

/// The arguments of a monitor line (its text, as a client shows it: no
/// `+`), checked to start with a time of six decimals, then the client's
/// database and loopback address.
fn monitor_args(line: &str, db: u32) -> String {
    let rest = line;
    let (time, rest) = rest.split_once(' ').unwrap_or_else(|| panic!("{line:?}"));
    let (secs, micros) = time.split_once('.').unwrap_or_else(|| panic!("{line:?}"));
    assert!((now_secs() - 60..=now_secs()).contains(&secs.parse().expect("secs")));
    assert_eq!(micros.len(), 6, "{line:?}");
    let prefix = format!("[{db} 127.0.0.1:");
    assert!(rest.starts_with(&prefix), "{line:?}");
    let (_, args) = rest.split_once("] ").unwrap_or_else(|| panic!("{line:?}"));
    args.to_owned()
}

/// The next monitor line a monitor client receives.
async fn monitor_line(m: &mut RawClient) -> String {
    match m.read_frame().await {
        Frame::Simple(line) => String::from_utf8(line.to_vec()).expect("utf-8"),
        other => panic!("not a monitor line: {other:?}"),
    }
}

/// A monitor sees every command other clients run from the moment its
/// MONITOR returns OK, as Redis formats it: escaped, in the database the
/// command left, AUTH and HELLO's password redacted; not commands refused
/// before they run, nor admin ones.
#[tokio::test]
async fn monitor_streams_commands() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.command(&["SET", "before", "x"], b"+OK\r\n").await;
    let mut m = server.client().await;
    m.command(&["MONITOR"], b"+OK\r\n").await;
    // CLIENT LIST shows it as Redis does (admin: not fed to the monitor).
    let listing = text(&mut c, &["CLIENT", "LIST"]).await;
    assert!(
        listing
            .lines()
            .any(|l| l.contains(" flags=O ") && l.contains(" cmd=monitor ")),
        "{listing}"
    );
    c.command(&["SET", "k", "a b\"\\\n\u{e9}"], b"+OK\r\n")
        .await;
    c.command(
        &["GET"],
        &error("ERR wrong number of arguments for 'get' command"),
    )
    .await;
    c.command(
        &["NOSUCH"],
        &error("ERR unknown command 'NOSUCH', with args beginning with: "),
    )
    .await;
    c.send_command(&["CONFIG", "GET", "maxclients"]).await;
    let _ = c.read_frame().await;
    c.send_command(&["AUTH", "secret"]).await;
    let _ = c.read_frame().await;
    c.send_command(&["HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n"])
        .await;
    let _ = c.read_frame().await;
    c.command(&["SELECT", "2"], b"+OK\r\n").await;
    c.command(&["INCR", "n"], b":1\r\n").await;
    let expected = [
        (0, r#""SET" "k" "a b\"\\\n\xc3\xa9""#),
        (0, r#""AUTH" "(redacted)""#),
        (
            0,
            r#""HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n""#,
        ),
        (2, r#""SELECT" "2""#),
        (2, r#""INCR" "n""#),
    ];
    for (db, args) in expected {
        assert_eq!(monitor_args(&monitor_line(&mut m).await, db), args);
    }
    // A second MONITOR is ignored, as in Redis; the monitor may still run
    // commands, and sees its own after its reply, as in Redis, which
    // feeds monitors once a command has run.
    m.send_command(&["MONITOR"]).await;
    m.send_command(&["PING"]).await;
    m.expect(b"+PONG\r\n").await;
    assert_eq!(monitor_args(&monitor_line(&mut m).await, 0), r#""PING""#);
    // Once the monitor has gone, commands run as before.
    drop(m);
    c.command(&["GET", "n"], &bulk("1")).await;
    c.command(&["GET", "n"], &bulk("1")).await;
    server.stop().await;
}

/// Sends a command whose reply is an integer and returns it.
async fn int(c: &mut RawClient, args: &[&str]) -> i64 {
    c.send_command(args).await;
    match c.read_frame().await {
        Frame::Integer(n) => n,
        other => panic!("{args:?}: not an integer: {other:?}"),
    }
}

/// MEMORY USAGE grows with what a key holds, for every type, counts at
/// least the bytes stored, and has Redis's errors; a missing key is nil.
async fn memory_usage_grows<D: sharedkv_db::Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["MEMORY", "USAGE", "nokey"], b"$-1\r\n").await;
    c.command(&["SET", "s", "v"], b"+OK\r\n").await;
    let small = int(&mut c, &["MEMORY", "USAGE", "s"]).await;
    let big_value = "x".repeat(10_000);
    c.command(&["SET", "s", &big_value], b"+OK\r\n").await;
    let big = int(&mut c, &["MEMORY", "USAGE", "s"]).await;
    assert!(small > 0 && big >= small + 9_999, "{small} {big}");
    for (add, key) in [
        (&["HSET", "h", "f{}", "value-value-value-{}"][..], "h"),
        (&["RPUSH", "l", "element-element-{}"], "l"),
        (&["SADD", "t", "member-member-{}"], "t"),
        (&["ZADD", "z", "{}", "member-member-{}"], "z"),
    ] {
        let mut sizes = Vec::new();
        for round in 0..3 {
            for i in 0..100 {
                let n = (round * 100 + i).to_string();
                let args: Vec<String> = add.iter().map(|a| a.replace("{}", &n)).collect();
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                c.send_command(&args).await;
                assert!(
                    matches!(c.read_frame().await, Frame::Integer(_)),
                    "{args:?}"
                );
            }
            sizes.push(int(&mut c, &["MEMORY", "USAGE", key, "SAMPLES", "0"]).await);
        }
        assert!(
            sizes[1] >= sizes[0] + 1500 && sizes[2] >= sizes[1] + 1500,
            "{key}: {sizes:?}"
        );
        let sampled = int(&mut c, &["memory", "usage", key, "samples", "3"]).await;
        assert!(sampled > sizes[0], "{key}: {sampled} {sizes:?}");
    }
    c.command(
        &["MEMORY", "USAGE", "s", "SAMPLES"],
        &error("ERR syntax error"),
    )
    .await;
    c.command(
        &["MEMORY", "USAGE", "s", "SAMPLES", "-1"],
        &error("ERR syntax error"),
    )
    .await;
    c.command(
        &["MEMORY", "USAGE", "s", "SAMPLES", "a"],
        &error("ERR value is not an integer or out of range"),
    )
    .await;
    c.command(&["MEMORY", "USAGE", "s", "FOO"], &error("ERR syntax error"))
        .await;
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] memory_usage_grows,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

/// MEMORY STATS has Redis's fields, a map in RESP3, with the true key
/// count; DOCTOR, MALLOC-STATS, PURGE and HELP answer.
#[tokio::test]
async fn memory_stats() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    for i in 0..10 {
        c.command(&["SET", &format!("k{i}"), "v"], b"+OK\r\n").await;
    }
    c.command(&["SELECT", "3"], b"+OK\r\n").await;
    c.command(&["SET", "x", "v"], b"+OK\r\n").await;
    c.command(&["HELLO", "3"], b"").await;
    let _ = c.read_frame().await;
    c.send_command(&["MEMORY", "STATS"]).await;
    let Frame::Map(pairs) = c.read_frame().await else {
        panic!("MEMORY STATS is no map in RESP3");
    };
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| *k == Frame::Bulk(name.to_owned().into()))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name}"))
    };
    assert_eq!(pairs.len(), 29, "Redis 7.0's 27 fields and two databases");
    assert_eq!(field("keys.count"), Frame::Integer(11));
    for name in [
        "peak.allocated",
        "total.allocated",
        "startup.allocated",
        "overhead.total",
        "dataset.bytes",
        "keys.bytes-per-key",
        "allocator.allocated",
    ] {
        assert!(matches!(field(name), Frame::Integer(n) if n >= 0), "{name}");
    }
    assert!(matches!(field("dataset.percentage"), Frame::Double(_)));
    assert!(matches!(field("db.0"), Frame::Map(m) if m.len() == 3));
    assert!(matches!(field("db.3"), Frame::Map(_)));
    c.send_command(&["MEMORY", "DOCTOR"]).await;
    assert!(matches!(c.read_frame().await, Frame::Verbatim { .. }));
    c.send_command(&["MEMORY", "MALLOC-STATS"]).await;
    assert!(matches!(c.read_frame().await, Frame::Verbatim { .. }));
    c.command(&["MEMORY", "PURGE"], b"+OK\r\n").await;
    c.send_command(&["MEMORY", "HELP"]).await;
    assert!(matches!(c.read_frame().await, Frame::Array(lines) if lines.len() > 4));
    c.command(
        &["MEMORY", "FOO"],
        &error("ERR unknown subcommand 'FOO'. Try MEMORY HELP."),
    )
    .await;
    server.stop().await;
}

/// DEBUG SLEEP sleeps this connection only: another client is answered
/// meanwhile. Its seconds are read as Redis's strtod reads them.
#[tokio::test]
async fn debug_sleep_blocks_only_its_client() {
    let server = start(StdMutexDb::new()).await;
    let mut sleeper = server.client().await;
    let mut other = server.client().await;
    let started = std::time::Instant::now();
    sleeper.send_command(&["DEBUG", "SLEEP", "0.5"]).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    other.command(&["PING"], b"+PONG\r\n").await;
    other.command(&["SET", "k", "v"], b"+OK\r\n").await;
    sleeper.expect(b"+OK\r\n").await;
    assert!(started.elapsed() >= Duration::from_millis(500));
    sleeper.command(&["DEBUG", "SLEEP", "a"], b"+OK\r\n").await;
    sleeper.command(&["DEBUG", "SLEEP", "-1"], b"+OK\r\n").await;
    sleeper.command(&["DEBUG", "SLEEP", "0"], b"+OK\r\n").await;
    server.stop().await;
}

/// DEBUG OBJECT gives Redis's line with our encoding names; DEBUG's
/// other answers and errors are Redis's, or say what is not supported.
#[tokio::test]
async fn debug_object_and_errors() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.command(&["SET", "n", "123"], b"+OK\r\n").await;
    c.command(&["SET", "s", "hello"], b"+OK\r\n").await;
    c.command(&["RPUSH", "l", "a", "b"], b":2\r\n").await;
    for (key, want) in [
        (
            "n",
            " refcount:2147483647 encoding:int serializedlength:2 lru:0 lru_seconds_idle:0",
        ),
        (
            "s",
            " refcount:1 encoding:embstr serializedlength:6 lru:0 lru_seconds_idle:0",
        ),
        (
            "l",
            " refcount:1 encoding:quicklist serializedlength:5 lru:0 lru_seconds_idle:0",
        ),
    ] {
        c.send_command(&["DEBUG", "OBJECT", key]).await;
        let Frame::Simple(line) = c.read_frame().await else {
            panic!("DEBUG OBJECT {key}: no status line");
        };
        let line = String::from_utf8(line.to_vec()).expect("utf-8");
        let rest = line
            .strip_prefix("Value at:0x")
            .unwrap_or_else(|| panic!("{line:?}"));
        let (address, rest) = rest.split_once(' ').unwrap_or_else(|| panic!("{line:?}"));
        assert!(u64::from_str_radix(address, 16).is_ok(), "{line:?}");
        assert_eq!(format!(" {rest}"), want);
    }
    c.command(&["DEBUG", "OBJECT", "nokey"], &error("ERR no such key"))
        .await;
    for sub in ["foo", "object", "sleep", "set-active-expire", "protocol"] {
        c.command(
            &["DEBUG", sub],
            &error(&format!(
                "ERR unknown subcommand or wrong number of arguments for '{sub}'. Try DEBUG HELP."
            )),
        )
        .await;
    }
    c.command(
        &["DEBUG", "reload"],
        &error("ERR DEBUG RELOAD is not supported by this server"),
    )
    .await;
    c.command(
        &["DEBUG", "JMAP"],
        &error("ERR DEBUG JMAP is not supported by this server"),
    )
    .await;
    c.command(
        &["DEBUG", "PROTOCOL", "foo"],
        &error("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false"),
    )
    .await;
    c.command(
        &["DEBUG"],
        &error("ERR wrong number of arguments for 'debug' command"),
    )
    .await;
    c.send_command(&["DEBUG", "HELP"]).await;
    assert!(matches!(c.read_frame().await, Frame::Array(lines) if lines.len() > 4));
    server.stop().await;
}

/// DEBUG PROTOCOL answers every type as Redis 7.0.15 does, in RESP2 and
/// RESP3 (the bytes read off redis-server), attributes and pushes too.
#[tokio::test]
async fn debug_protocol_every_type() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    let cases: &[(&str, &[u8], &[u8])] = &[
        ("string", b"$11\r\nHello World\r\n", b"$11\r\nHello World\r\n"),
        ("integer", b":12345\r\n", b":12345\r\n"),
        ("double", b"$5\r\n3.141\r\n", b",3.141\r\n"),
        (
            "bignum",
            b"$37\r\n1234567999999999999999999999999999999\r\n",
            b"(1234567999999999999999999999999999999\r\n",
        ),
        ("null", b"$-1\r\n", b"_\r\n"),
        ("array", b"*3\r\n:0\r\n:1\r\n:2\r\n", b"*3\r\n:0\r\n:1\r\n:2\r\n"),
        ("set", b"*3\r\n:0\r\n:1\r\n:2\r\n", b"~3\r\n:0\r\n:1\r\n:2\r\n"),
        (
            "map",
            b"*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
            b"%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n",
        ),
        (
            "attrib",
            b"$39\r\nSome real reply following the attribute\r\n",
            b"|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n",
        ),
        (
            "push",
            b"-ERR RESP2 is not supported by this command\r\n",
            b">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n",
        ),
        (
            "verbatim",
            b"$25\r\nThis is a verbatim\nstring\r\n",
            b"=29\r\ntxt:This is a verbatim\nstring\r\n",
        ),
        ("true", b":1\r\n", b"#t\r\n"),
        ("false", b":0\r\n", b"#f\r\n"),
    ];
    for (kind, resp2, _) in cases {
        c.command(&["DEBUG", "PROTOCOL", kind], resp2).await;
    }
    c.command(&["HELLO", "3"], b"").await;
    let _ = c.read_frame().await;
    for (kind, _, resp3) in cases {
        c.command(&["debug", "protocol", &kind.to_uppercase()], resp3)
            .await;
    }
    server.stop().await;
}

/// DEBUG SET-ACTIVE-EXPIRE 0 leaves an expired key in place (DBSIZE still
/// counts it, as Redis's does) until it is turned on again.
#[tokio::test]
async fn debug_set_active_expire() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.command(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"], b"+OK\r\n")
        .await;
    c.command(&["SET", "k", "v", "PX", "20"], b"+OK\r\n").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    c.command(&["DBSIZE"], b":1\r\n").await;
    // Expired all the same: not there for the commands that read it.
    c.command(&["MEMORY", "USAGE", "k"], b"$-1\r\n").await;
    c.command(&["DEBUG", "OBJECT", "k"], &error("ERR no such key"))
        .await;
    c.command(&["DEBUG", "SET-ACTIVE-EXPIRE", "1"], b"+OK\r\n")
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        c.send_command(&["DBSIZE"]).await;
        if c.read_frame().await == Frame::Integer(0) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never swept");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
}

/// RESET restores what a new connection has, as Redis 7.0 does: database
/// 0, no name, RESP2, replies on, no subscriptions, not authenticated
/// when a password is set, no longer a monitor; NO-EVICT stays, as in
/// Redis 7.0.15.
#[tokio::test]
async fn reset_restores_connection_state() {
    let server = support::start_with(StdMutexDb::new(), support::with_password("pw")).await;
    let mut c = server.client().await;
    c.command(&["AUTH", "pw"], b"+OK\r\n").await;
    c.command(&["SELECT", "2"], b"+OK\r\n").await;
    c.command(&["SET", "in2", "v"], b"+OK\r\n").await;
    c.command(&["CLIENT", "SETNAME", "named"], b"+OK\r\n").await;
    c.command(&["CLIENT", "NO-EVICT", "on"], b"+OK\r\n").await;
    c.command(&["MONITOR"], b"+OK\r\n").await;
    c.send_command(&["HELLO", "3"]).await;
    let _ = c.read_frame().await;
    let _ = c.read_frame().await; // The monitor's line for HELLO.
    c.command(
        &["SUBSCRIBE", "ch"],
        b">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
    )
    .await;
    let _ = c.read_frame().await; // The monitor's line for SUBSCRIBE.
    // Its own line is dropped: replies are off by then.
    c.command(&["CLIENT", "REPLY", "OFF"], b"").await;
    c.command(&["RESET"], b"+RESET\r\n").await;
    // Not authenticated again.
    c.command(&["GET", "in2"], &error("NOAUTH Authentication required."))
        .await;
    c.command(&["AUTH", "pw"], b"+OK\r\n").await;
    // Database 0, RESP2 (a null is $-1), no name, not a monitor (no line
    // for the commands above), replies on.
    c.command(&["GET", "in2"], b"$-1\r\n").await;
    c.command(&["CLIENT", "GETNAME"], b"$-1\r\n").await;
    // No subscriptions: PUBLISH reaches nobody, and commands run.
    let mut other = server.client().await;
    other.command(&["AUTH", "pw"], b"+OK\r\n").await;
    other.command(&["PUBLISH", "ch", "m"], b":0\r\n").await;
    let info = text(&mut c, &["CLIENT", "INFO"]).await;
    for field in [" db=0 ", " name= ", " resp=2 ", " sub=0 ", " flags=e "] {
        assert!(info.contains(field), "{field:?} not in {info:?}");
    }
    c.command(&["PING"], b"+PONG\r\n").await;
    server.stop().await;
}

/// A monitor that never reads is disconnected once 32 MiB of lines wait
/// for it, while the client whose commands it was shown goes on.
#[tokio::test]
async fn monitor_that_does_not_read_is_dropped() {
    let server = start(StdMutexDb::new()).await;
    let mut m = server.client().await;
    m.command(&["MONITOR"], b"+OK\r\n").await;
    let mut c = server.client().await;
    let value = "v".repeat(1024 * 1024);
    // 64 MiB of lines: twice the bound, more than socket buffers hold.
    for _ in 0..64 {
        c.command(&["SET", "k", &value], b"+OK\r\n").await;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let listing = text(&mut c, &["CLIENT", "LIST"]).await;
        if !listing.contains(" cmd=monitor ") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the monitor stayed: {listing}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    c.command(&["GET", "missing"], b"$-1\r\n").await;
    drop(m);
    server.stop().await;
}

/// COMMAND GETKEYS and GETKEYSANDFLAGS find keys by Redis's key specs
/// (ranges, steps, key counts, SORT's STORE), with Redis's flags and
/// errors (these replies read off redis-server 7.0.15).
#[tokio::test]
async fn command_getkeys() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    for (args, reply) in [
        (&["COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"][..], &b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"[..]),
        (&["COMMAND", "GETKEYS", "zunionstore", "d", "2", "x", "y", "WEIGHTS", "1", "2"], b"*3\r\n$1\r\nd\r\n$1\r\nx\r\n$1\r\ny\r\n"),
        (&["COMMAND", "GETKEYS", "sort", "s", "BY", "w_*", "STORE", "dst"], b"*2\r\n$1\r\ns\r\n$3\r\ndst\r\n"),
        (&["COMMAND", "GETKEYS", "OBJECT", "ENCODING", "k"], b"*1\r\n$1\r\nk\r\n"),
        (
            &["COMMAND", "GETKEYSANDFLAGS", "rename", "a", "b"],
            b"*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+update\r\n",
        ),
        (
            &["COMMAND", "GETKEYSANDFLAGS", "set", "k", "v", "GET"],
            b"*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n",
        ),
        (&["COMMAND", "GETKEYS", "fcall", "f", "0"], b"*0\r\n"),
    ] {
        c.command(args, reply).await;
    }
    for (args, text) in [
        (
            &["COMMAND", "GETKEYS", "nosuch", "a"][..],
            "ERR Invalid command specified",
        ),
        (
            &["COMMAND", "GETKEYS", "client", "nosuch"],
            "ERR Invalid command specified",
        ),
        (
            &["COMMAND", "GETKEYS", "ping", "x"],
            "ERR The command has no key arguments",
        ),
        (
            &["COMMAND", "GETKEYS", "get", "a", "b"],
            "ERR Invalid number of arguments specified for command",
        ),
        (
            &["COMMAND", "GETKEYS", "zunionstore", "d", "3", "a"],
            "ERR Invalid arguments specified for command",
        ),
        (
            &["COMMAND", "GETKEYS", "get"],
            "ERR wrong number of arguments for 'command|getkeys' command",
        ),
    ] {
        c.command(args, &error(text)).await;
    }
    server.stop().await;
}

//! `redis-cli` against sharedkv, for the server commands it drives:
//! `redis-cli monitor` (MONITOR's lines) and `redis-cli --memkeys`
//! (`MEMORY USAGE`). Each run's output must be well formed and true.
//!
//! Without `redis-cli` on `PATH` each test prints `SKIPPED` and passes,
//! except under `CI`, where it fails: CI installs it (`.ci/run`), as the
//! differential test does with redis-server.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sharedkv_resp::Frame;
use sharedkv_testsuite::strategies::StdMutexDb;
use support::{RawClient, WAIT, start};

/// `redis-cli` on `PATH`, or `None` after saying why the test is skipped
/// (and failing instead under `CI`).
fn redis_cli() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("redis-cli"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "redis-cli not found on PATH, and CI is set: CI installs it (.ci/run), \
             so this test must not pass without it"
        );
        eprintln!("SKIPPED: redis-cli not found on PATH (.ci/run installs it)");
    }
    found
}

/// A child process killed on drop.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until a client of the server is running `cmd` (per `CLIENT
/// LIST`), so that what the test sends next happens after it started.
async fn wait_for_cmd(c: &mut RawClient, cmd: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        c.send_command(&["CLIENT", "LIST"]).await;
        let listing = match c.read_frame().await {
            Frame::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
            other => panic!("CLIENT LIST: {other:?}"),
        };
        if listing.contains(&format!(" cmd={cmd} ")) {
            return;
        }
        assert!(Instant::now() < deadline, "no client ran {cmd}: {listing}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `redis-cli monitor` prints OK, then one line per command another
/// client runs, in Redis's format: time, database and address, the
/// arguments quoted and escaped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_cli_monitor() {
    let Some(cli) = redis_cli() else { return };
    let server = start(StdMutexDb::new()).await;
    let mut child = Killed(
        Command::new(cli)
            .args(["-p", &server.addr.port().to_string(), "monitor"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-cli"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut c = server.client().await;
    wait_for_cmd(&mut c, "monitor").await;
    c.command(&["SET", "greeting", "hi there\n"], b"+OK\r\n")
        .await;
    c.command(&["SELECT", "1"], b"+OK\r\n").await;
    c.command(&["DEL", "greeting"], b":0\r\n").await;
    let expected = [
        ("[0 ", r#""SET" "greeting" "hi there\n""#),
        ("[1 ", r#""SELECT" "1""#),
        ("[1 ", r#""DEL" "greeting""#),
    ];
    let next = || {
        lines
            .recv_timeout(WAIT)
            .expect("a line from redis-cli monitor")
    };
    assert_eq!(next(), "OK");
    for (db, args) in expected {
        let line = next();
        // The CLIENT LIST polls are admin commands: not shown.
        let (time, rest) = line.split_once(' ').expect("time first");
        let (secs, micros) = time.split_once('.').expect("secs.micros");
        assert!(secs.parse::<u64>().is_ok() && micros.len() == 6, "{line:?}");
        assert!(rest.starts_with(&format!("{db}127.0.0.1:")), "{line:?}");
        assert!(rest.ends_with(&format!("] {args}")), "{line:?}");
    }
    drop(child);
    server.stop().await;
}

/// Runs `redis-cli args` to its end (at most [`WAIT`] times three) on a
/// blocking thread, and returns its stdout; fails on a non-zero exit.
async fn run_cli(cli: PathBuf, args: Vec<String>) -> String {
    tokio::task::spawn_blocking(move || {
        let mut child = Killed(
            Command::new(cli)
                .args(&args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start redis-cli"),
        );
        let mut stdout = child.0.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });
        let deadline = Instant::now() + WAIT * 3;
        let status = loop {
            match child.0.try_wait().expect("wait") {
                Some(status) => break status,
                None if Instant::now() > deadline => panic!("redis-cli {args:?} did not finish"),
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        };
        let text = reader.join().unwrap_or_default();
        assert!(status.success(), "redis-cli {args:?}: {status}\n{text}");
        text
    })
    .await
    .expect("redis-cli thread")
}

/// `redis-cli --memkeys` names the biggest key of each type by MEMORY
/// USAGE, and counts every key: a big string, hash and list among small
/// strings are found as the biggest of their types.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_cli_memkeys() {
    let Some(cli) = redis_cli() else { return };
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    for i in 0..50 {
        c.command(&["SET", &format!("small:{i}"), "v"], b"+OK\r\n")
            .await;
    }
    c.command(&["SET", "big:string", &"x".repeat(5000)], b"+OK\r\n")
        .await;
    for i in 0..20 {
        let field = format!("f{i}");
        c.command(&["HSET", "big:hash", &field, &"y".repeat(100)], b":1\r\n")
            .await;
        c.send_command(&["RPUSH", "big:list", &"z".repeat(100)])
            .await;
        let _ = c.read_frame().await;
    }
    let out = run_cli(
        cli,
        vec![
            "-p".into(),
            server.addr.port().to_string(),
            "--memkeys".into(),
        ],
    )
    .await;
    for needle in [
        "Biggest string found '\"big:string\"' has ",
        "Biggest   list found '\"big:list\"' has ",
        "Biggest   hash found '\"big:hash\"' has ",
        "51 strings with ",
        "1 lists with ",
        "1 hashs with ",
    ] {
        assert!(out.contains(needle), "{needle:?} not in:\n{out}");
    }
    // The byte counts are MEMORY USAGE's: the big string at least its value.
    let line = out
        .lines()
        .find(|l| l.contains("Biggest string found"))
        .expect("the biggest string");
    let bytes: usize = line
        .split_whitespace()
        .rev()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line:?}"));
    assert!(bytes >= 5000, "{line}");
    server.stop().await;
}

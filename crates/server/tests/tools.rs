//! redis-cli's tools against a real server: `--stat`, `--scan`,
//! `--bigkeys`, `--latency`, `--latency-history`, and `INFO` read through
//! redis-cli, checking what they print against what the server holds. On
//! two strategies: the tools read the server's counters and the
//! strategy's keyspace both.
//!
//! Without redis-cli (or `stdbuf`, which `--stat` needs to print line by
//! line into a pipe) a test prints `SKIPPED` and passes, except under `CI`.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sharedkv_db::Db;
use sharedkv_resp::Frame;
use support::{TestServer, have_tool, start};

/// Runs `redis-cli -p <port> args...` to its end; its standard output.
async fn cli(server: &TestServer, args: &[&str]) -> String {
    let port = server.addr.port().to_string();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let out = Command::new("redis-cli")
            .args(["-p", &port])
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("run redis-cli");
        assert!(out.status.success(), "redis-cli {args:?}: {out:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    })
    .await
    .expect("redis-cli task")
}

/// Runs `redis-cli` with `args` for `wanted` lines of output or until
/// `limit`, then kills it: the lines. `prefix` goes before `redis-cli`
/// (`stdbuf -oL`, so that it writes each line as it prints it).
async fn cli_lines(
    server: &TestServer,
    prefix: &[&str],
    args: &[&str],
    wanted: usize,
    limit: Duration,
) -> Vec<String> {
    let port = server.addr.port().to_string();
    let mut words: Vec<String> = prefix.iter().map(|a| (*a).to_owned()).collect();
    words.extend(["redis-cli".to_owned(), "-p".to_owned(), port]);
    words.extend(args.iter().map(|a| (*a).to_owned()));
    tokio::task::spawn_blocking(move || {
        let (program, rest) = words.split_first().expect("a program");
        let mut child = Command::new(program)
            .args(rest)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run redis-cli");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + limit;
        let mut lines = Vec::new();
        while lines.len() < wanted {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => lines.push(line),
                Err(_) => break,
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        lines
    })
    .await
    .expect("redis-cli task")
}

/// Fills the server: `n` strings `key:<i>`, `other:<i>` too, and one of
/// each collection type with a known size.
async fn fill(server: &TestServer, n: usize) {
    let mut c = server.client().await;
    for prefix in ["key", "other"] {
        let mut mset = vec![String::from("MSET")];
        for i in 0..n {
            mset.push(format!("{prefix}:{i}"));
            mset.push(format!("{i}"));
        }
        let args: Vec<&str> = mset.iter().map(String::as_str).collect();
        c.command(&args, b"+OK\r\n").await;
    }
    c.command(&["SET", "biggest-string", &"x".repeat(500)], b"+OK\r\n")
        .await;
    c.command(&["RPUSH", "small-list", "a"], b":1\r\n").await;
    c.command(&["RPUSH", "big-list", "a", "b", "c", "d"], b":4\r\n")
        .await;
    c.command(
        &["HSET", "big-hash", "f1", "1", "f2", "2", "f3", "3"],
        b":3\r\n",
    )
    .await;
    c.command(&["SADD", "big-set", "a", "b"], b":2\r\n").await;
    c.command(
        &[
            "ZADD", "big-zset", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
        b":5\r\n",
    )
    .await;
}

/// A whole `SCAN 0 [MATCH pattern]` iteration, as redis-cli runs it: every
/// key it returns, in order, repeats included.
async fn scan_all(server: &TestServer, pattern: Option<&str>) -> Vec<String> {
    let mut c = server.client().await;
    let mut cursor = String::from("0");
    let mut keys = Vec::new();
    loop {
        let mut args = vec!["SCAN", cursor.as_str()];
        if let Some(p) = pattern {
            args.extend(["MATCH", p]);
        }
        c.send_command(&args).await;
        let Frame::Array(reply) = c.read_frame().await else {
            panic!("SCAN is an array")
        };
        let [Frame::Bulk(next), Frame::Array(batch)] = &reply[..] else {
            panic!("SCAN reply: {reply:?}")
        };
        for key in batch {
            let Frame::Bulk(key) = key else {
                panic!("{key:?}")
            };
            keys.push(String::from_utf8_lossy(key).into_owned());
        }
        cursor = String::from_utf8_lossy(next).into_owned();
        if cursor == "0" {
            return keys;
        }
    }
}

/// `--scan --pattern key:*` prints exactly what a whole SCAN iteration
/// returns (a key may come twice, as SCAN allows), which is every `key:`
/// key and nothing else; without a pattern, every key.
async fn scan_lists_every_key<D: Db>(db: D) {
    if !have_tool("redis-cli") {
        return;
    }
    let server = start(db).await;
    fill(&server, 2000).await;
    for pattern in [Some("key:*"), None] {
        let args: Vec<&str> = match pattern {
            Some(p) => vec!["--scan", "--pattern", p],
            None => vec!["--scan"],
        };
        let out = cli(&server, &args).await;
        let mut printed: Vec<&str> = out.lines().collect();
        let mut scanned = scan_all(&server, pattern).await;
        printed.sort_unstable();
        scanned.sort_unstable();
        assert!(
            printed == scanned,
            "{pattern:?}: {} printed, {} scanned",
            printed.len(),
            scanned.len()
        );
        printed.dedup();
        let expected = if pattern.is_some() {
            2000
        } else {
            2 * 2000 + 6
        };
        assert_eq!(printed.len(), expected, "{pattern:?}");
        if pattern.is_some() {
            assert!(printed.iter().all(|k| k.starts_with("key:")));
        }
    }
    server.stop().await;
}

/// `--bigkeys` names the biggest key of each type, with its size, and
/// counts the keys it sampled.
async fn bigkeys_names_the_biggest<D: Db>(db: D) {
    if !have_tool("redis-cli") {
        return;
    }
    let server = start(db).await;
    fill(&server, 100).await;
    let out = cli(&server, &["--bigkeys"]).await;
    // What a whole SCAN returns, repeats included, as redis-cli samples.
    let sampled = format!(
        "Sampled {} keys in the keyspace!",
        scan_all(&server, None).await.len()
    );
    for line in [
        sampled.as_str(),
        "Biggest string found '\"biggest-string\"' has 500 bytes",
        "Biggest   list found '\"big-list\"' has 4 items",
        "Biggest   hash found '\"big-hash\"' has 3 fields",
        "Biggest    set found '\"big-set\"' has 2 members",
        "Biggest   zset found '\"big-zset\"' has 5 members",
    ] {
        assert!(out.contains(line), "{line:?} not in:\n{out}");
    }
    server.stop().await;
}

/// `--stat` prints a line a second with the keys, memory, clients,
/// blocked clients, requests (total and since the last line) and
/// connections the server reports, true for it.
async fn stat_columns_are_true<D: Db>(db: D) {
    if !have_tool("redis-cli") || !have_tool("stdbuf") {
        return;
    }
    let server = start(db).await;
    fill(&server, 50).await;
    let lines = cli_lines(
        &server,
        &["stdbuf", "-oL"],
        &["--stat", "-i", "0.2"],
        6,
        Duration::from_secs(20),
    )
    .await;
    assert!(lines.len() >= 4, "{lines:?}");
    assert!(lines[0].starts_with("------- data ------"), "{lines:?}");
    assert!(
        lines[1].starts_with("keys       mem      clients blocked requests"),
        "{lines:?}"
    );
    let mut last_total = 0u64;
    for line in &lines[2..] {
        let columns: Vec<&str> = line.split_whitespace().collect();
        // keys, mem, clients, blocked, requests, (+delta), connections
        assert_eq!(columns.len(), 7, "{line:?}");
        assert_eq!(columns[0], "106", "keys in {line:?}");
        let mem = columns[1];
        let unit = mem.chars().last().unwrap_or(' ');
        assert!("BKMG".contains(unit), "mem in {line:?}");
        assert!(
            mem[..mem.len() - 1].parse::<f64>().is_ok_and(|m| m > 0.0),
            "mem in {line:?}"
        );
        // The fill's client has left; redis-cli's is the one.
        assert_eq!(columns[2], "1", "clients in {line:?}");
        assert_eq!(columns[3], "0", "blocked in {line:?}");
        let total: u64 = columns[4].parse().expect("requests");
        assert!(total > last_total, "requests grow: {lines:?}");
        last_total = total;
        assert!(
            columns[5].starts_with("(+") && columns[5].ends_with(')'),
            "{line:?}"
        );
        let connections: u64 = columns[6].parse().expect("connections");
        assert!(connections >= 2, "{line:?}");
    }
    server.stop().await;
}

/// `--latency`, writing to a pipe, samples for a second and prints one
/// line, `min max avg samples`; `--latency-history` prints such lines as
/// it goes.
async fn latency_modes_print_samples<D: Db>(db: D) {
    if !have_tool("redis-cli") {
        return;
    }
    let server = start(db).await;
    let check = |line: &str| {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f.len(), 4, "{line:?}");
        let min: u64 = f[0].parse().expect("min");
        let max: u64 = f[1].parse().expect("max");
        let avg: f64 = f[2].parse().expect("avg");
        let samples: u64 = f[3].parse().expect("samples");
        assert!(samples > 0, "{line:?}");
        #[allow(clippy::cast_precision_loss)]
        let (lo, hi) = (min as f64, max as f64);
        assert!(lo <= avg && avg <= hi, "{line:?}");
    };
    let out = cli(&server, &["--latency"]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    check(lines[0]);
    let history = cli_lines(
        &server,
        &[],
        &["--latency-history", "-i", "1"],
        2,
        Duration::from_secs(20),
    )
    .await;
    assert!(!history.is_empty(), "no --latency-history line");
    for line in &history {
        check(line);
    }
    server.stop().await;
}

/// `redis-cli info` prints the server's sections as it parsed them, and
/// the keyspace line is exact.
async fn info_through_redis_cli<D: Db>(db: D) {
    if !have_tool("redis-cli") {
        return;
    }
    let server = start(db).await;
    fill(&server, 10).await;
    let mut c = server.client().await;
    c.command(&["EXPIRE", "key:0", "100"], b":1\r\n").await;
    c.command(&["SELECT", "3"], b"+OK\r\n").await;
    c.command(&["SET", "k", "v"], b"+OK\r\n").await;
    let keyspace = cli(&server, &["info", "keyspace"]).await;
    assert_eq!(
        keyspace.replace('\r', ""),
        "# Keyspace\ndb0:keys=26,expires=1,avg_ttl=0\ndb3:keys=1,expires=0,avg_ttl=0\n"
    );
    let server_section = cli(&server, &["info", "server"]).await;
    assert!(
        server_section.contains("redis_version:7."),
        "{server_section}"
    );
    assert!(
        server_section.contains(&format!("tcp_port:{}", server.addr.port())),
        "{server_section}"
    );
    let stats = cli(&server, &["info", "stats"]).await;
    assert!(stats.contains("total_commands_processed:"), "{stats}");
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn scan() {
                scan_lists_every_key($new).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn bigkeys() {
                bigkeys_names_the_biggest($new).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn stat() {
                stat_columns_are_true($new).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn latency() {
                latency_modes_print_samples($new).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn info() {
                info_through_redis_cli($new).await;
            }
        }
    };
}

stamp!(std_mutex, sharedkv_testsuite::strategies::StdMutexDb::new());
stamp!(papaya, sharedkv_testsuite::strategies::PapayaDb::new());

//! The load generator against a minimal fake RESP server written here with
//! Tokio: exact request counts under pipelining, and runs that must fail
//! (wrong `GET` values, error replies, broken connections); the
//! `transfer-eval` workload's `SCRIPT LOAD` and `EVALSHA`s, which sharedkv
//! does not have yet.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use sharedkv_loadgen::{Config, ErrorKind, Hog, KeyDist, Limit, Workload, run};
use sharedkv_resp::{
    Limits, RequestDecoder, encode_array_len, encode_bulk, encode_error, encode_integer,
    encode_null, encode_simple,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Misbehaviours the fake server can be asked for.
#[derive(Debug, Clone, Copy, Default)]
struct Faults {
    /// Flip the last byte of every `GET` hit.
    corrupt_gets: bool,
    /// Answer the n-th request (counting from 1, all connections) with
    /// `-ERR injected`.
    error_on: Option<u64>,
    /// Close the connection instead of answering the n-th request.
    close_on: Option<u64>,
    /// Know no `SCRIPT` command, as a server without scripting.
    no_scripting: bool,
    /// Answer every `EVALSHA` with `NOSCRIPT`, as a server that lost its
    /// script cache (a `SCRIPT FLUSH`, a restart).
    forget_scripts: bool,
}

/// The SHA1 the fake's `SCRIPT LOAD` returns, whatever the script.
const SHA: &[u8] = b"0123456789abcdef0123456789abcdef01234567";

/// The integer value of `k` in `store`, 0 if missing.
fn int_of(store: &HashMap<Bytes, Bytes>, k: &Bytes) -> i64 {
    store
        .get(k)
        .map(|v| std::str::from_utf8(v).unwrap().parse().unwrap())
        .unwrap_or(0)
}

struct Fake {
    addr: SocketAddr,
    /// Requests received, all connections.
    requests: Arc<AtomicU64>,
    /// Requests received, by command name.
    by_command: Arc<Mutex<HashMap<String, u64>>>,
}

type Store = Arc<Mutex<HashMap<Bytes, Bytes>>>;

async fn fake(faults: Faults) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicU64::new(0));
    let by_command = Arc::new(Mutex::new(HashMap::new()));
    let store: Store = Arc::default();
    let (r, b) = (Arc::clone(&requests), Arc::clone(&by_command));
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (store, r, b) = (Arc::clone(&store), Arc::clone(&r), Arc::clone(&b));
            tokio::spawn(serve(socket, store, r, b, faults));
        }
    });
    Fake {
        addr,
        requests,
        by_command,
    }
}

async fn serve(
    mut socket: TcpStream,
    store: Store,
    requests: Arc<AtomicU64>,
    by_command: Arc<Mutex<HashMap<String, u64>>>,
    faults: Faults,
) {
    let mut decoder = RequestDecoder::new(Limits::default());
    let (mut rbuf, mut wbuf) = (BytesMut::new(), BytesMut::new());
    loop {
        match socket.read_buf(&mut rbuf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        while let Ok(Some(args)) = decoder.decode(&mut rbuf) {
            let n = requests.fetch_add(1, Ordering::SeqCst) + 1;
            let name = String::from_utf8_lossy(&args[0]).to_uppercase();
            *by_command.lock().unwrap().entry(name.clone()).or_default() += 1;
            if faults.close_on == Some(n) {
                return;
            }
            if faults.error_on == Some(n) {
                encode_error(&mut wbuf, b"ERR injected");
                continue;
            }
            let mut store = store.lock().unwrap();
            match (name.as_str(), &args[1..]) {
                ("SET", [k, v]) => {
                    store.insert(k.clone(), v.clone());
                    encode_simple(&mut wbuf, b"OK");
                }
                ("GET", [k]) => match store.get(k) {
                    Some(v) if faults.corrupt_gets => {
                        let mut v = v.to_vec();
                        if let Some(last) = v.last_mut() {
                            *last ^= 1;
                        }
                        encode_bulk(&mut wbuf, &v);
                    }
                    Some(v) => encode_bulk(&mut wbuf, v),
                    None => encode_null(&mut wbuf),
                },
                ("INCR", [k]) => {
                    let old: i64 = store
                        .get(k)
                        .map(|v| std::str::from_utf8(v).unwrap().parse().unwrap())
                        .unwrap_or(0);
                    store.insert(k.clone(), Bytes::from((old + 1).to_string()));
                    encode_integer(&mut wbuf, old + 1);
                }
                ("MSET", pairs) => {
                    for pair in pairs.chunks(2) {
                        store.insert(pair[0].clone(), pair[1].clone());
                    }
                    encode_simple(&mut wbuf, b"OK");
                }
                ("MGET", keys) => {
                    encode_array_len(&mut wbuf, keys.len());
                    for k in keys {
                        match store.get(k) {
                            Some(v) => encode_bulk(&mut wbuf, v),
                            None => encode_null(&mut wbuf),
                        }
                    }
                }
                ("SCRIPT", [sub, _script])
                    if !faults.no_scripting && sub.eq_ignore_ascii_case(b"LOAD") =>
                {
                    encode_bulk(&mut wbuf, SHA);
                }
                ("EVALSHA", _) if faults.forget_scripts => {
                    encode_error(&mut wbuf, b"NOSCRIPT No matching script. Please use EVAL.")
                }
                // The transfer script: DECRBY KEYS[1], INCRBY KEYS[2].
                ("EVALSHA", [sha, numkeys, from, to, amount])
                    if &sha[..] == SHA && &numkeys[..] == b"2" =>
                {
                    let amount: i64 = std::str::from_utf8(amount).unwrap().parse().unwrap();
                    let from_after = int_of(&store, from) - amount;
                    store.insert(from.clone(), Bytes::from(from_after.to_string()));
                    let to_after = int_of(&store, to) + amount;
                    store.insert(to.clone(), Bytes::from(to_after.to_string()));
                    encode_array_len(&mut wbuf, 2);
                    encode_integer(&mut wbuf, from_after);
                    encode_integer(&mut wbuf, to_after);
                }
                _ => encode_error(&mut wbuf, b"ERR unknown command"),
            }
        }
        if socket.write_all(&wbuf).await.is_err() {
            return;
        }
        wbuf.clear();
    }
}

fn config(addr: SocketAddr) -> Config {
    Config {
        addr: addr.to_string(),
        connections: 4,
        pipeline: 16,
        limit: Limit::Requests(1000),
        workload: Workload::MIXED,
        keys: 500,
        seed: 7,
        ..Config::default()
    }
}

fn loadgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sharedkv-loadgen"))
        .args(args)
        .output()
        .unwrap()
}

/// `--requests 1000 --pipeline 16` sends exactly 1000 requests, even split
/// unevenly over 3 connections, and times every one of them.
#[tokio::test]
async fn sends_exactly_the_requested_count() {
    let server = fake(Faults::default()).await;
    let config = Config {
        connections: 3,
        ..config(server.addr)
    };
    let report = run(&config).await.unwrap();
    assert_eq!(server.requests.load(Ordering::SeqCst), 1000);
    assert_eq!(report.counts.requests, 1000);
    assert_eq!(report.counts.gets + report.counts.sets, 1000);
    assert_eq!(report.latency.len(), 1000);
    assert!(report.is_ok(), "{:?}", report.problems);
    assert!(report.elapsed > Duration::ZERO);
}

/// After a prefill every key exists, every `GET` value verifies, and the
/// server saw the prefill plus exactly the measured requests.
#[tokio::test]
async fn prefilled_run_verifies_and_passes() {
    let server = fake(Faults::default()).await;
    let config = Config {
        prefill: true,
        workload: Workload::READ_HEAVY,
        dist: KeyDist::Zipf(0.99),
        value_size: 100,
        ..config(server.addr)
    };
    let report = run(&config).await.unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.counts.get_misses, 0);
    assert!(report.counts.gets > 900);
    assert_eq!(report.prefill.unwrap().keys, 500);
    assert_eq!(server.requests.load(Ordering::SeqCst), 500 + 1000);
}

/// The incr workload prefills its `ctr:` keys and passes.
#[tokio::test]
async fn incr_workload_passes() {
    let server = fake(Faults::default()).await;
    let config = Config {
        prefill: true,
        workload: Workload::INCR,
        ..config(server.addr)
    };
    let report = run(&config).await.unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.counts.incrs, 1000);
    assert_eq!(server.by_command.lock().unwrap()["INCR"], 1000);
}

/// A `GET` reply that differs from the value written makes the run fail.
#[tokio::test]
async fn wrong_get_value_fails() {
    let server = fake(Faults {
        corrupt_gets: true,
        ..Faults::default()
    })
    .await;
    let config = Config {
        prefill: true,
        ..config(server.addr)
    };
    let report = run(&config).await.unwrap();
    assert!(!report.is_ok());
    assert_eq!(report.problems.wrong_replies, report.counts.gets);
    let first = report.problems.first.unwrap();
    assert!(first.starts_with("GET key:000"), "{first}");
    assert!(first.contains("expected"), "{first}");
}

/// A single error reply makes the run fail, and is counted once.
#[tokio::test]
async fn error_reply_fails() {
    let server = fake(Faults {
        error_on: Some(500),
        ..Faults::default()
    })
    .await;
    let report = run(&config(server.addr)).await.unwrap();
    assert!(!report.is_ok());
    assert_eq!(report.problems.error_replies, 1);
    assert_eq!(report.problems.wrong_replies, 0);
    assert!(report.problems.first.unwrap().contains("ERR injected"));
}

/// A server that closes a connection mid-run stops the run with an error,
/// not a panic.
#[tokio::test]
async fn closed_connection_is_an_error() {
    let server = fake(Faults {
        close_on: Some(300),
        ..Faults::default()
    })
    .await;
    let err = run(&config(server.addr)).await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Closed | ErrorKind::Io(_)),
        "{err}"
    );
}

/// A refused connection is a clear error, not a panic.
#[tokio::test]
async fn refused_connection_is_an_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = run(&config(addr)).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connect(_)), "{err}");
    assert!(err.to_string().contains("is the server running"), "{err}");
}

/// The hog's `MSET`s and `MGET`s are counted apart from the workload and
/// kept out of its histogram; with a prefill its `MGET`s verify.
#[tokio::test]
async fn hog_is_counted_apart() {
    for hog in ["mset:200", "mget:200"] {
        let server = fake(Faults::default()).await;
        let config = Config {
            prefill: true,
            limit: Limit::Duration(Duration::from_millis(300)),
            pipeline: 1,
            hog: Some(hog.parse::<Hog>().unwrap()),
            ..config(server.addr)
        };
        let report = run(&config).await.unwrap();
        assert!(report.is_ok(), "{hog}: {:?}", report.problems);
        let hog_ops = report.hog.as_ref().unwrap().ops;
        assert!(hog_ops > 0, "{hog}");
        assert_eq!(report.latency.len(), report.counts.requests);
        let seen = server.by_command.lock().unwrap();
        let name = hog[..4].to_uppercase();
        assert!(seen[&name] >= hog_ops, "{hog}: {seen:?}");
    }
}

fn transfer_eval(addr: SocketAddr) -> Config {
    Config {
        workload: Workload::TRANSFER_EVAL,
        keys: 100,
        prefill: true,
        ..config(addr)
    }
}

/// `transfer-eval` loads its script once and then sends one `EVALSHA` of
/// its SHA1 per transfer, pipelined; the balances' sum holds at the end.
#[tokio::test]
async fn transfer_eval_sends_one_evalsha_per_transfer() {
    let server = fake(Faults::default()).await;
    let report = run(&transfer_eval(server.addr)).await.unwrap();
    assert!(report.is_ok(), "{}", report.problems);
    assert_eq!(report.counts.requests, 1000);
    assert_eq!(report.latency.len(), 1000);
    let seen = server.by_command.lock().unwrap().clone();
    assert_eq!(seen["SCRIPT"], 1, "{seen:?}");
    assert_eq!(seen["EVALSHA"], 1000, "{seen:?}");
    assert_eq!(seen["SET"], 100, "{seen:?}");
    // The balance check: one MGET of the 100 accounts.
    assert_eq!(seen["MGET"], 1, "{seen:?}");
    let balances = report.balances.unwrap();
    assert!(balances.holds(), "{balances:?}");
    assert_eq!(balances.sum, 100 * 1_000_000);
}

/// A `NOSCRIPT` reply is an error (the generator does not fall back to
/// `EVAL`): every transfer fails, the run too.
#[tokio::test]
async fn noscript_is_an_error() {
    let server = fake(Faults {
        forget_scripts: true,
        ..Faults::default()
    })
    .await;
    let report = run(&transfer_eval(server.addr)).await.unwrap();
    assert!(!report.is_ok());
    assert_eq!(report.problems.error_replies, 1000);
    let first = report.problems.first.unwrap();
    assert!(first.contains("error reply -NOSCRIPT"), "{first}");
    assert!(server.by_command.lock().unwrap().get("EVAL").is_none());
}

/// A server without scripting refuses the `SCRIPT LOAD`, which stops the
/// run before the clock starts, saying why.
#[tokio::test]
async fn refused_script_load_stops_the_run() {
    let server = fake(Faults {
        no_scripting: true,
        ..Faults::default()
    })
    .await;
    let err = run(&transfer_eval(server.addr)).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Refused(_)), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("SCRIPT LOAD") && message.contains("unknown command"),
        "{message}"
    );
    assert!(server.by_command.lock().unwrap().get("EVALSHA").is_none());
}

/// The binary refuses `transfer-watch` with `--pipeline 16` before it
/// connects anywhere, and says to use connections instead.
#[test]
fn binary_refuses_a_pipelined_watch() {
    let out = loadgen(&[
        "--addr",
        "127.0.0.1:1",
        "--workload",
        "transfer-watch",
        "--pipeline",
        "16",
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--pipeline must be 1 with transfer-watch"),
        "{stderr}"
    );
}

/// The binary exits non-zero with a message on an error reply, and zero
/// with a CSV header and row on a clean run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_exit_status() {
    let bad = fake(Faults {
        error_on: Some(10),
        ..Faults::default()
    })
    .await;
    let addr = bad.addr.to_string();
    let out = tokio::task::spawn_blocking(move || {
        loadgen(&[
            "--addr",
            &addr,
            "--requests",
            "100",
            "--connections",
            "2",
            "--quiet",
        ])
    })
    .await
    .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("FAILED") && stderr.contains("ERR injected"),
        "{stderr}"
    );

    let good = fake(Faults::default()).await;
    let addr = good.addr.to_string();
    let out = tokio::task::spawn_blocking(move || {
        loadgen(&[
            "--addr",
            &addr,
            "--requests",
            "1000",
            "--pipeline",
            "16",
            "--prefill",
            "--csv",
            "--workload",
            "mixed",
            "--seed",
            "1",
        ])
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with("addr,connections,pipeline"));
    assert_eq!(lines[0].split(',').count(), lines[1].split(',').count());
    assert_eq!(good.requests.load(Ordering::SeqCst), 100_000 + 1000);
}

/// The binary refuses a refused connection with a message and status 1, no
/// panic.
#[test]
fn binary_reports_refused_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    drop(listener);
    let out = loadgen(&["--addr", &addr, "--requests", "10", "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot connect"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

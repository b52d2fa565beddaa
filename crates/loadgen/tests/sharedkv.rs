//! The application workloads against a real sharedkv server in this
//! process, on `127.0.0.1:0`: every reply passes the checks, with and
//! without a prefill, and the server holds what the workload wrote; the
//! `MULTI`/`EXEC` and `WATCH` transfers keep the balances' sum.
//! Stamped for std-mutex and for papaya (whose updates retry on a copy).

use std::net::SocketAddr;

use sharedkv_db::Db;
use sharedkv_loadgen::{Config, INITIAL_BALANCE, KeyDist, Limit, Op, Report, Workload, run};
use sharedkv_resp::{Frame, Limits, decode_frame, encode_request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A server on its own task, stopped by dropping `stop`.
struct Server {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

async fn start<D: Db>(db: D) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(sharedkv_server::run(
        listener,
        db,
        sharedkv_server::Config::default(),
        async move {
            let _ = stopped.await;
        },
    ));
    Server { addr, stop, task }
}

impl Server {
    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap().unwrap();
    }
}

/// Sends one command and reads its reply.
async fn command(addr: SocketAddr, args: &[&str]) -> Frame {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut out = bytes::BytesMut::new();
    encode_request(&mut out, args);
    stream.write_all(&out).await.unwrap();
    let mut buf = bytes::BytesMut::new();
    loop {
        if let Some(frame) = decode_frame(&mut buf, &Limits::default()).unwrap() {
            return frame;
        }
        assert!(stream.read_buf(&mut buf).await.unwrap() > 0, "closed");
    }
}

async fn integer(addr: SocketAddr, args: &[&str]) -> i64 {
    match command(addr, args).await {
        Frame::Integer(n) => n,
        other => panic!("{args:?}: {other:?}"),
    }
}

fn config(addr: SocketAddr, workload: Workload, prefill: bool) -> Config {
    Config {
        addr: addr.to_string(),
        connections: 4,
        pipeline: 16,
        limit: Limit::Requests(4000),
        workload,
        keys: workload.default_keys().min(200),
        members: 30,
        dist: KeyDist::Zipf(0.99),
        prefill,
        seed: 11,
        ..Config::default()
    }
}

fn assert_clean(report: &Report, what: &str) {
    assert!(report.is_ok(), "{what}: {}", report.problems);
    assert_eq!(report.counts.requests, 4000, "{what}");
    assert_eq!(report.latency.len(), 4000, "{what}");
}

/// Each application workload runs clean against the server, first without
/// a prefill (then again, over what the first run left), then with one;
/// every operation of its mix was sent.
async fn every_workload_runs_clean<D: Db + Clone>(db: D) {
    for workload in Workload::APPS {
        let server = start(db.clone()).await;
        for prefill in [false, false, true] {
            let what = format!("{workload} prefill={prefill}");
            let report = run(&config(server.addr, workload, prefill)).await.unwrap();
            assert_clean(&report, &what);
            for &(op, _) in workload.mix() {
                assert!(report.counts.of(op) > 0, "{what}: no {op:?}");
            }
            assert_eq!(report.prefill.is_some(), prefill, "{what}");
        }
        server.stop().await;
    }
}

/// After a prefill the server holds every collection in full: each tag
/// set has every item, each board every player, each session both fields,
/// each queue at least what was pushed minus what was popped.
async fn prefill_fills_every_key<D: Db + Clone>(db: D) {
    let server = start(db).await;
    let addr = server.addr;
    for workload in Workload::APPS {
        let config = Config {
            limit: Limit::Requests(0),
            ..config(addr, workload, true)
        };
        let report = run(&config).await.unwrap();
        assert!(report.is_ok(), "{workload}: {}", report.problems);
        assert_eq!(report.prefill.unwrap().keys, config.keys, "{workload}");
    }
    let last = |n: u64| format!("{:06}", n - 1);
    let keys = |w: Workload| w.default_keys().min(200);
    assert_eq!(
        integer(
            addr,
            &["SCARD", &format!("tags:{}", last(keys(Workload::TAGS)))]
        )
        .await,
        30
    );
    assert_eq!(integer(addr, &["ZCARD", "board:000000"]).await, 30);
    assert_eq!(
        integer(
            addr,
            &[
                "HLEN",
                &format!("session:{}", last(keys(Workload::SESSION)))
            ]
        )
        .await,
        2
    );
    assert_eq!(integer(addr, &["LLEN", "queue:000015"]).await, 30);
    assert_eq!(
        integer(addr, &["SISMEMBER", "tags:000000", "item:000029"]).await,
        1
    );
    server.stop().await;
}

/// A leaderboard's ZINCRBYs all land: the scores on the boards add up to
/// the number of ZINCRBYs sent.
async fn leaderboard_scores_add_up<D: Db + Clone>(db: D) {
    let server = start(db).await;
    let config = config(server.addr, Workload::LEADERBOARD, true);
    let report = run(&config).await.unwrap();
    assert_clean(&report, "leaderboard");
    let mut total = 0.0;
    for board in 0..config.keys {
        let key = format!("board:{board:06}");
        let Frame::Array(items) =
            command(server.addr, &["ZRANGE", &key, "0", "-1", "WITHSCORES"]).await
        else {
            panic!("ZRANGE is an array");
        };
        for pair in items.chunks(2) {
            let Frame::Bulk(score) = &pair[1] else {
                panic!("a score is a bulk")
            };
            total += std::str::from_utf8(score).unwrap().parse::<f64>().unwrap();
        }
    }
    assert_eq!(total, report.counts.of(Op::Zincrby) as f64);
    server.stop().await;
}

/// A queue that is a string gets WRONGTYPE error replies, and a session
/// with a field the workload never wrote is a wrong HGETALL: both fail the
/// run, and say which key.
async fn tampered_keys_are_flagged<D: Db + Clone>(db: D) {
    let server = start(db).await;
    let addr = server.addr;
    command(addr, &["SET", "queue:000000", "not a list"]).await;
    let report = run(&Config {
        keys: 1,
        ..config(addr, Workload::QUEUE, false)
    })
    .await
    .unwrap();
    assert!(!report.is_ok());
    assert_eq!(report.problems.error_replies, 4000);
    let first = report.problems.first.clone().unwrap();
    assert!(
        first.contains("queue:000000: error reply -WRONGTYPE"),
        "{first}"
    );

    let prefill = Config {
        keys: 1,
        limit: Limit::Requests(0),
        ..config(addr, Workload::SESSION, true)
    };
    assert!(run(&prefill).await.unwrap().is_ok());
    // A third field, which the workload's HSETs never remove: every
    // HGETALL sees it.
    command(addr, &["HSET", "session:000000", "forged", "x"]).await;
    let report = run(&Config {
        keys: 1,
        assume_prefilled: true,
        ..config(addr, Workload::SESSION, false)
    })
    .await
    .unwrap();
    assert!(!report.is_ok());
    assert_eq!(report.problems.error_replies, 0);
    assert_eq!(report.problems.wrong_replies, report.counts.of(Op::Hgetall));
    let first = report.problems.first.clone().unwrap();
    assert!(first.starts_with("HGETALL session:000000"), "{first}");
    server.stop().await;
}

/// The sum of the balances of `account:000000` .. `account:<keys - 1>`,
/// read here rather than by the run's own check.
async fn balance_sum(addr: SocketAddr, keys: u64) -> i64 {
    let names: Vec<String> = (0..keys).map(|i| format!("account:{i:06}")).collect();
    let mut args = vec!["MGET"];
    args.extend(names.iter().map(String::as_str));
    let Frame::Array(items) = command(addr, &args).await else {
        panic!("MGET is an array");
    };
    items
        .iter()
        .map(|item| match item {
            Frame::Bulk(digits) => std::str::from_utf8(digits).unwrap().parse::<i64>().unwrap(),
            other => panic!("a balance: {other:?}"),
        })
        .sum()
}

/// `transfer` (pipelined `MULTI`/`EXEC`) and `transfer-watch` (one at a
/// time, 8 connections on 3 accounts, so that `EXEC`s abort) run clean
/// after a prefill: every transfer counted once, the watch's retries
/// counted, and the balances, checked by the run and read again here,
/// still sum to what the prefill wrote.
async fn transfers_keep_the_sum<D: Db + Clone>(db: D) {
    // One server for both: the map-based strategies keep the key hook of
    // the first server started on a `Db`, so a second one's WATCH would
    // never hear of a write.
    let server = start(db).await;
    for (workload, pipeline, connections, keys) in [
        (Workload::TRANSFER, 16, 4, 50),
        (Workload::TRANSFER_WATCH, 1, 8, 3),
    ] {
        let config = Config {
            pipeline,
            connections,
            keys,
            ..config(server.addr, workload, true)
        };
        let report = run(&config).await.unwrap();
        assert_clean(&report, &workload.to_string());
        assert_eq!(report.counts.of(workload.mix()[0].0), 4000);
        let balances = report.balances.unwrap();
        assert!(balances.holds(), "{workload}: {balances:?}");
        assert_eq!(balances.accounts, keys);
        let expected = INITIAL_BALANCE * keys as i64;
        assert_eq!(balance_sum(server.addr, keys).await, expected);
        if workload == Workload::TRANSFER_WATCH {
            assert!(report.counts.retries > 0, "no EXEC aborted");
            assert!(
                report.summary(&config).contains("retries"),
                "{}",
                report.summary(&config)
            );
        } else {
            assert_eq!(report.counts.retries, 0);
        }
        // Without a prefill nothing is checked at the end.
        let unchecked = run(&Config {
            prefill: false,
            ..config.clone()
        })
        .await
        .unwrap();
        assert!(unchecked.is_ok(), "{workload}: {}", unchecked.problems);
        assert_eq!(unchecked.balances, None);
    }
    server.stop().await;
}

/// An account changed behind the workload's back breaks the transfer
/// invariant, and the run's balance check says so.
async fn a_forged_balance_is_flagged<D: Db + Clone>(db: D) {
    let server = start(db).await;
    let addr = server.addr;
    let config = Config {
        keys: 10,
        limit: Limit::Requests(0),
        ..config(addr, Workload::TRANSFER, true)
    };
    assert!(run(&config).await.unwrap().is_ok());
    assert_eq!(
        integer(addr, &["INCRBY", "account:000004", "5"]).await,
        1_000_005
    );
    let report = run(&Config {
        prefill: false,
        assume_prefilled: true,
        limit: Limit::Requests(4000),
        ..config
    })
    .await
    .unwrap();
    assert!(!report.is_ok());
    assert_eq!(report.problems.wrong_replies, 1);
    assert_eq!(report.balances.unwrap().sum, 10_000_005);
    let first = report.problems.first.unwrap();
    assert!(first.contains("the sum of the 10 balances"), "{first}");
    server.stop().await;
}

macro_rules! stamp {
    ($($name:ident => $db:expr),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn every_workload_runs_clean() {
                super::every_workload_runs_clean($db).await;
            }

            #[tokio::test]
            async fn prefill_fills_every_key() {
                super::prefill_fills_every_key($db).await;
            }

            #[tokio::test]
            async fn tampered_keys_are_flagged() {
                super::tampered_keys_are_flagged($db).await;
            }

            #[tokio::test]
            async fn leaderboard_scores_add_up() {
                super::leaderboard_scores_add_up($db).await;
            }

            #[tokio::test]
            async fn transfers_keep_the_sum() {
                super::transfers_keep_the_sum($db).await;
            }

            #[tokio::test]
            async fn a_forged_balance_is_flagged() {
                super::a_forged_balance_is_flagged($db).await;
            }
        }
    )*};
}

stamp! {
    std_mutex => sharedkv_std_mutex::StdMutexDb::new(),
    papaya => sharedkv_papaya::PapayaDb::new(),
}

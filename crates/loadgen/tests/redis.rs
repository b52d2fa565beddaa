//! The transfer workloads against redis-server, the reference: `MULTI`/
//! `EXEC`, `EVALSHA` of the script loaded at start-up, and the `WATCH` loop
//! each run clean with Redis's own replies, and keep the balances' sum.
//! Skipped, and said so, where redis-server is not installed (CI installs
//! it, and there a missing one fails).

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sharedkv_loadgen::{Config, Limit, Workload, run};

/// A redis-server of its own on a free loopback port, killed when dropped.
struct RedisServer {
    child: Child,
    addr: SocketAddr,
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts one; `None` (after saying so) without redis-server on `PATH`.
async fn redis_server() -> Option<RedisServer> {
    let found = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| dir.join("redis-server").is_file())
    });
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "redis-server not found on PATH, and CI is set: CI installs it"
        );
        eprintln!("SKIPPED: redis-server not found on PATH");
        return None;
    }
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port");
    let child = Command::new("redis-server")
        .args(["--port", &addr.port().to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start redis-server");
    let server = RedisServer { child, addr };
    for _ in 0..250 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return Some(server);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("redis-server did not start on {addr}");
}

/// Each transfer workload, prefilled, runs 4,000 transfers against
/// redis-server with every reply as the generator expects, and the sum of
/// the balances holds; `transfer-watch`, 8 connections on 2 accounts,
/// retries.
#[tokio::test]
async fn transfers_run_clean_against_redis() {
    let Some(redis) = redis_server().await else {
        return;
    };
    for (workload, pipeline, keys) in [
        (Workload::TRANSFER, 16, 100),
        (Workload::TRANSFER_EVAL, 16, 100),
        (Workload::TRANSFER_WATCH, 1, 2),
    ] {
        let config = Config {
            addr: redis.addr.to_string(),
            connections: 8,
            pipeline,
            limit: Limit::Requests(4000),
            workload,
            keys,
            prefill: true,
            seed: 3,
            ..Config::default()
        };
        let report = run(&config).await.unwrap();
        assert!(report.is_ok(), "{workload}: {}", report.problems);
        assert_eq!(report.counts.requests, 4000, "{workload}");
        assert_eq!(report.latency.len(), 4000, "{workload}");
        let balances = report.balances.unwrap();
        assert!(balances.holds(), "{workload}: {balances:?}");
        assert_eq!(
            report.counts.retries > 0,
            workload == Workload::TRANSFER_WATCH,
            "{workload}: {} retries",
            report.counts.retries
        );
    }
}

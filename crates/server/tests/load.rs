//! Load: 5,000 clients connected at once, each doing SET, GET and INCR,
//! with no error and no lost reply, and `max_clients` enforced at the same
//! time. Stamped once per strategy.
//!
//! The server and all 5,000 clients live in this process, so each strategy
//! needs over 10,000 file descriptors: the test raises its open-file limit,
//! and the strategies take turns (two at once could pass the hard limit).

mod support;

use std::sync::Arc;

use sharedkv_db::Db;
use sharedkv_resp::Frame;
use sharedkv_server::Config;
use support::{RawClient, bulk, start_with};
use tokio::sync::{Barrier, Semaphore};
use tokio::task::JoinSet;

/// Clients held at once.
const CONNECTIONS: usize = 5_000;

/// Connections opened at once while building up to [`CONNECTIONS`]: fewer
/// than the listen backlog of the test's listener (128, Tokio's `bind`).
const CONNECT_BATCH: usize = 100;

/// One strategy at a time: each holds `2 * CONNECTIONS` descriptors.
static ONE_AT_A_TIME: Semaphore = Semaphore::const_new(1);

/// Raises this process's open-file limit to what `CONNECTIONS` needs, or
/// fails with the reason.
fn raise_open_file_limit() {
    let needed = 2 * CONNECTIONS as u64 + 1_024;
    let got = rlimit::increase_nofile_limit(needed).expect("raise the open-file limit");
    assert!(
        got >= needed,
        "the open-file hard limit is {got}, and {needed} are needed: raise it (ulimit -Hn)"
    );
}

/// `INFO clients`' `connected_clients`.
async fn connected_clients(probe: &mut RawClient) -> usize {
    probe.send(b"INFO clients\r\n").await;
    let Frame::Bulk(info) = probe.read_frame().await else {
        panic!("INFO is a bulk")
    };
    String::from_utf8_lossy(&info)
        .lines()
        .find_map(|l| l.strip_prefix("connected_clients:")?.parse().ok())
        .expect("connected_clients")
}

/// 5,000 clients connected at once each SET, GET and INCR with every reply right; the INCRs hand out exactly 1..=5,000; one client more is refused with Redis's message while the 5,000 keep being served.
async fn five_thousand_clients_at_once<D: Db>(db: D) {
    let _turn = ONE_AT_A_TIME.acquire().await.expect("semaphore");
    raise_open_file_limit();
    let config = Config {
        // The clients and the probe; one more is refused.
        max_clients: CONNECTIONS + 1,
        ..Config::default()
    };
    let server = start_with(db, config).await;
    let addr = server.addr;
    let mut probe = server.client().await;
    probe.roundtrip(b"PING\r\n", b"+PONG\r\n").await;

    let mut clients: Vec<RawClient> = Vec::with_capacity(CONNECTIONS);
    while clients.len() < CONNECTIONS {
        let batch = CONNECT_BATCH.min(CONNECTIONS - clients.len());
        let mut connecting = JoinSet::new();
        for _ in 0..batch {
            connecting.spawn(RawClient::connect(addr));
        }
        while let Some(client) = connecting.join_next().await {
            clients.push(client.expect("connect task"));
        }
        // A connect completes once the kernel has queued it; wait until the
        // server has accepted the batch, so the accept queue never
        // overflows (an overflowing queue can drop a handshake for good).
        let deadline = tokio::time::Instant::now() + support::WAIT;
        while connected_clients(&mut probe).await < clients.len() + 1 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the server accepted {} of {} connections",
                connected_clients(&mut probe).await - 1,
                clients.len()
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }
    let mut refused = server.client().await;
    refused
        .expect(b"-ERR max number of clients reached\r\n")
        .await;
    refused.expect_closed().await;

    let start = Arc::new(Barrier::new(CONNECTIONS));
    let mut running = JoinSet::new();
    for (i, mut c) in clients.into_iter().enumerate() {
        let start = Arc::clone(&start);
        running.spawn(async move {
            start.wait().await;
            let (key, value) = (format!("key:{i}"), format!("value:{i}"));
            c.command(&["SET", &key, &value], b"+OK\r\n").await;
            c.command(&["GET", &key], &bulk(&value)).await;
            c.send_command(&["INCR", "counter"]).await;
            let Frame::Integer(n) = c.read_frame().await else {
                panic!("INCR did not answer an integer")
            };
            (c, n)
        });
    }
    let mut counts = Vec::with_capacity(CONNECTIONS);
    let mut clients = Vec::with_capacity(CONNECTIONS);
    while let Some(done) = running.join_next().await {
        let (c, n) = done.expect("client task");
        counts.push(n);
        clients.push(c);
    }
    counts.sort_unstable();
    let expected: Vec<i64> = (1..=CONNECTIONS as i64).collect();
    assert!(counts == expected, "INCR replies lost or repeated");
    let total = CONNECTIONS.to_string();
    probe.command(&["GET", "counter"], &bulk(&total)).await;
    probe
        .command(&["DBSIZE"], format!(":{}\r\n", CONNECTIONS + 1).as_bytes())
        .await;
    // Still all connected, still served.
    assert_eq!(connected_clients(&mut probe).await, CONNECTIONS + 1);
    for c in clients.iter_mut().step_by(97) {
        c.roundtrip(b"PING\r\n", b"+PONG\r\n").await;
    }
    drop(clients);
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                five_thousand_clients_at_once,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

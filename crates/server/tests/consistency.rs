//! Nothing lost, nothing reordered, over the network: pipelined INCRs from
//! many clients end with exact counts, and histories of SET and GET recorded
//! by concurrent clients are linearizable per key (checked with
//! `sharedkv_testsuite::linearizability`). Stamped once per strategy.

mod support;

use sharedkv_db::Db;
use sharedkv_resp::Frame;
use sharedkv_testsuite::linearizability::{Action, Clock, Operation, check};
use support::{RawClient, bulk, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinSet;

/// Clients pipelining INCRs at once.
const INCR_CLIENTS: usize = 8;
/// INCRs each client sends in one write.
const INCRS_PER_CLIENT: usize = 2_000;
/// Counters the INCRs are spread over.
const COUNTERS: usize = 4;

/// 8 clients each pipeline 2,000 INCRs over 4 counters in one write: every reply arrives, each client sees each counter strictly increase, and every counter ends at exactly 8 × 2,000 / 4.
async fn pipelined_incrs_count_exactly<D: Db>(db: D) {
    let server = start(db).await;
    let mut clients = JoinSet::new();
    for _ in 0..INCR_CLIENTS {
        let (mut reader, mut writer) = server.client().await.into_split();
        clients.spawn(async move {
            let mut pipeline = Vec::new();
            for i in 0..INCRS_PER_CLIENT {
                pipeline.extend_from_slice(format!("INCR counter:{}\r\n", i % COUNTERS).as_bytes());
            }
            let write = tokio::spawn(async move {
                writer.write_all(&pipeline).await.expect("write");
                writer
            });
            let mut received = bytes::BytesMut::new();
            let mut last = [0i64; COUNTERS];
            let mut replies = 0;
            while replies < INCRS_PER_CLIENT {
                let frame = loop {
                    let limits = sharedkv_resp::Limits::default();
                    if let Some(frame) =
                        sharedkv_resp::decode_frame(&mut received, &limits).expect("valid reply")
                    {
                        break frame;
                    }
                    let n = tokio::time::timeout(support::WAIT, reader.read_buf(&mut received))
                        .await
                        .expect("replies timed out")
                        .expect("read");
                    assert_ne!(n, 0, "closed after {replies} replies");
                };
                let Frame::Integer(n) = frame else {
                    panic!("INCR answered {frame:?}")
                };
                let counter = replies % COUNTERS;
                assert!(
                    n > last[counter],
                    "counter:{counter} went from {} to {n}",
                    last[counter]
                );
                last[counter] = n;
                replies += 1;
            }
            drop(write.await.expect("writer"));
        });
    }
    while let Some(done) = clients.join_next().await {
        done.expect("client");
    }
    let mut c = server.client().await;
    let each = (INCR_CLIENTS * INCRS_PER_CLIENT / COUNTERS).to_string();
    for counter in 0..COUNTERS {
        c.command(&["GET", &format!("counter:{counter}")], &bulk(&each))
            .await;
    }
    server.stop().await;
}

/// Clients recording a history.
const HISTORY_CLIENTS: usize = 4;
/// Operations each records.
const OPS_PER_CLIENT: usize = 250;
/// Keys they share: few, so operations on one key overlap often.
const HISTORY_KEYS: usize = 3;

/// One client's recorded operations: a fixed pseudo-random mix of SET (of
/// a value unique to this client and step) and GET over the shared keys,
/// one at a time, each timestamped on `clock` before the request is sent
/// and after its reply is read.
async fn record(mut c: RawClient, client: usize, clock: Clock) -> Vec<Operation<usize, String>> {
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ (client as u64 + 1);
    let mut history = Vec::with_capacity(OPS_PER_CLIENT);
    for step in 0..OPS_PER_CLIENT {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let key = (seed % HISTORY_KEYS as u64) as usize;
        let name = format!("register:{key}");
        let write = (seed >> 32).is_multiple_of(2);
        let value = format!("{client}:{step}");
        let call = clock.now();
        let action = if write {
            c.send_command(&["SET", &name, &value]).await;
            assert_eq!(c.read_frame().await, Frame::Simple("OK".into()));
            Action::Write(value)
        } else {
            c.send_command(&["GET", &name]).await;
            match c.read_frame().await {
                Frame::Bulk(v) => Action::Read(Some(String::from_utf8_lossy(&v).into_owned())),
                Frame::Null => Action::Read(None),
                other => panic!("GET answered {other:?}"),
            }
        };
        history.push(Operation {
            key,
            action,
            call,
            reply: Some(clock.now()),
        });
    }
    history
}

/// 4 clients SET unique values and GET over 3 keys at once, 250 operations each; the recorded history is linearizable for every key.
async fn set_get_histories_are_linearizable<D: Db>(db: D) {
    let server = start(db).await;
    let clock = Clock::new();
    let mut clients = JoinSet::new();
    for client in 0..HISTORY_CLIENTS {
        clients.spawn(record(server.client().await, client, clock));
    }
    let mut history = Vec::new();
    while let Some(recorded) = clients.join_next().await {
        history.extend(recorded.expect("client"));
    }
    assert_eq!(history.len(), HISTORY_CLIENTS * OPS_PER_CLIENT);
    if let Err(violation) = check(&history) {
        panic!("{violation}: {history:#?}");
    }
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                pipelined_incrs_count_exactly,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                set_get_histories_are_linearizable,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

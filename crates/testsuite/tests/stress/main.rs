//! Stress: many tasks on a multi-threaded runtime hit the same keys, and
//! every answer is checked as it arrives.
//!
//! Shaped like papaya's `tests/stress.rs`: every task waits on one
//! [`Barrier`] so they start together, sizes are smaller in debug builds,
//! and the invariants are asserted inside the loops, not only at the end.
//! Each check is generic over [`Db`] and stamped per strategy by
//! [`for_each_strategy!`] at the bottom of this file. They spawn more tasks
//! than there are cores; in CI run them serially:
//! `cargo test -p sharedkv-testsuite --test stress -- --test-threads=1`.

use std::any::type_name;
use std::collections::HashSet;
use std::io::Write as _;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::task::Poll;
use std::time::Duration;

use sharedkv_testsuite::commands::strings::SetOptions;
use sharedkv_testsuite::db::{Bytes, Db, DbIndex};
use sharedkv_testsuite::for_each_strategy;
use sharedkv_testsuite::support::{Commands, b, numbered, nx};
use tokio::sync::Barrier;
use tokio::task::JoinHandle;

mod hashes;
mod lists;
mod sets;
mod zsets;

/// Multiplies the iteration counts of release builds.
const SCALE: usize = if cfg!(debug_assertions) { 1 } else { 10 };

/// Awaits every task and returns their results in order. The first panic is
/// re-raised as soon as it happens, whatever the order: a failed check must
/// not leave the test waiting on tasks that wait on a barrier or a flag.
async fn join_all<T>(mut tasks: Vec<JoinHandle<T>>) -> Vec<T> {
    let mut results: Vec<Option<T>> = tasks.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (task, result) in tasks.iter_mut().zip(&mut results) {
            if result.is_some() {
                continue;
            }
            match Pin::new(task).poll(cx) {
                Poll::Ready(Ok(value)) => *result = Some(value),
                Poll::Ready(Err(e)) => std::panic::resume_unwind(e.into_panic()),
                Poll::Pending => pending = true,
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    results.into_iter().flatten().collect()
}

/// How long a check may run before [`watchdog`] ends the run.
const LIMIT: Duration = Duration::from_secs(180);

/// Ends the whole test binary, naming the check, if the returned guard is
/// still alive after [`LIMIT`]. A check whose worker thread deadlocks can
/// neither fail nor finish (dropping the runtime waits for its workers), so
/// without this it would hang the run silently.
fn watchdog(check: &'static str, strategy: &'static str) -> mpsc::Sender<()> {
    let (guard, dropped) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(RecvTimeoutError::Timeout) = dropped.recv_timeout(LIMIT) {
            // Straight to the stream: libtest captures `eprintln!`, and the
            // capture dies with the process.
            let _ = writeln!(
                std::io::stderr(),
                "{check} on {strategy}: still running after {LIMIT:?}: deadlocked?"
            );
            std::process::exit(101);
        }
    });
    guard
}

/// Parses a value of the form `a:b:c` into three numbers.
fn parse3(value: &Bytes) -> [usize; 3] {
    let text = std::str::from_utf8(value).expect("a value no task wrote: not UTF-8");
    let mut parts = text.split(':').map(|p| p.parse::<usize>().ok());
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(Some(x)), Some(Some(y)), Some(Some(z)), None) => [x, y, z],
        _ => panic!("a value no task wrote: {text:?}"),
    }
}

/// 16 tasks × 5,000 INCRBY 1 over 4 hot keys add exactly 20,000 per key, and every task sees each key's count rise.
async fn concurrent_incr_by_loses_no_update<D: Db>(db: D) {
    const TASKS: usize = 16;
    const PER_TASK: usize = 5_000;
    const KEYS: usize = 4;
    let keys = Arc::new(numbered("hot", KEYS));
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks = (0..TASKS)
        .map(|t| {
            let (db, keys, barrier) = (db.clone(), keys.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut last = [0i64; KEYS];
                for i in 0..PER_TASK {
                    let k = (i + t) % KEYS;
                    let n = db.incr_by(keys[k].clone(), 1).await.expect("INCRBY failed");
                    assert!(n > last[k], "{:?} went from {} to {n}", keys[k], last[k]);
                    assert!(
                        n as usize <= TASKS * PER_TASK / KEYS,
                        "{:?} overshot: {n}",
                        keys[k]
                    );
                    last[k] = n;
                }
            })
        })
        .collect();
    join_all(tasks).await;
    let expected = b((TASKS * PER_TASK / KEYS).to_string());
    for value in db.mget(&keys).await {
        assert_eq!(value, Some(expected.clone()));
    }
}

/// MGET racing MSET of 8 keys sees one generation when ATOMIC_MULTI_KEY is claimed, and only values written for each key in per-writer order otherwise.
async fn concurrent_mset_and_mget_are_atomic_as_declared<D: Db>(db: D) {
    const KEYS: usize = 8;
    const WRITERS: usize = 2;
    const READERS: usize = 2;
    const ROUNDS: usize = 5_000 * SCALE;
    let keys = Arc::new(numbered("gen", KEYS));
    let generation = |writer: usize, round: usize| -> Vec<(Bytes, Bytes)> {
        (0..KEYS)
            .map(|i| (b(format!("gen{i}")), b(format!("{writer}:{round}:{i}"))))
            .collect()
    };
    // Writer `WRITERS` is the initial generation, so no key is ever missing.
    db.mset(generation(WRITERS, 0)).await;

    let barrier = Arc::new(Barrier::new(WRITERS + READERS));
    let writers_left = Arc::new(AtomicUsize::new(WRITERS));
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let (db, barrier, left) = (db.clone(), barrier.clone(), writers_left.clone());
        tasks.push(tokio::spawn(async move {
            // Built before the start, so the loop is nothing but MSETs.
            let rounds: Vec<_> = (1..=ROUNDS).map(|round| generation(w, round)).collect();
            barrier.wait().await;
            for pairs in rounds {
                db.mset(pairs).await;
            }
            left.fetch_sub(1, Ordering::Release);
            0
        }));
    }
    for _ in 0..READERS {
        let (db, keys, barrier, left) = (
            db.clone(),
            keys.clone(),
            barrier.clone(),
            writers_left.clone(),
        );
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            // last[key][writer]: the newest round this reader saw.
            let mut last = [[0usize; WRITERS + 1]; KEYS];
            let mut reads = 0usize;
            while left.load(Ordering::Acquire) > 0 {
                let values = db.mget(&keys).await;
                reads += 1;
                assert_eq!(values.len(), KEYS);
                let mut seen = Vec::with_capacity(KEYS);
                for (i, value) in values.iter().enumerate() {
                    let value = value.as_ref().expect("MGET lost a key nobody deletes");
                    let [w, round, key] = parse3(value);
                    assert_eq!(key, i, "gen{i} holds a value written for gen{key}");
                    assert!(w <= WRITERS && round <= ROUNDS, "never written: {value:?}");
                    assert!(
                        round >= last[i][w],
                        "gen{i} went back from writer {w}'s round {} to {round}",
                        last[i][w]
                    );
                    last[i][w] = round;
                    seen.push((w, round));
                }
                if D::ATOMIC_MULTI_KEY {
                    assert!(
                        seen.iter().all(|&g| g == seen[0]),
                        "torn MGET on a strategy that claims atomic multi-key commands: {seen:?}"
                    );
                }
                // Let writers onto this worker now and then: a ready future
                // never yields, and a reader spins until the writers finish.
                if reads.is_multiple_of(16) {
                    tokio::task::yield_now().await;
                }
            }
            reads
        }));
    }
    let reads: usize = join_all(tasks).await.into_iter().sum();
    assert!(reads > 0, "no MGET ran while the writers did");
}

/// EXISTS and MGET racing a writer that MSETs then DELs 8 keys see all or none of them when ATOMIC_MULTI_KEY is claimed; DEL always counts all 8.
async fn concurrent_del_and_exists_are_atomic_as_declared<D: Db>(db: D) {
    const KEYS: usize = 8;
    const READERS: usize = 3;
    const ROUNDS: usize = 3_000 * SCALE;
    let keys = Arc::new(numbered("del", KEYS));
    let barrier = Arc::new(Barrier::new(1 + READERS));
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, keys, barrier, done) = (db.clone(), keys.clone(), barrier.clone(), done.clone());
        tokio::spawn(async move {
            let rounds: Vec<Vec<_>> = (0..ROUNDS)
                .map(|round| {
                    keys.iter()
                        .map(|k| (k.clone(), b(round.to_string())))
                        .collect()
                })
                .collect();
            barrier.wait().await;
            for pairs in rounds {
                db.mset(pairs).await;
                // The only writer: every key it just wrote is there to delete.
                assert_eq!(
                    db.del(&keys).await,
                    KEYS,
                    "DEL lost count of keys just written"
                );
            }
            done.store(true, Ordering::Release);
        })
    };
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let (db, keys, barrier, done) =
                (db.clone(), keys.clone(), barrier.clone(), done.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut last = [0usize; KEYS];
                let mut reads = 0usize;
                while !done.load(Ordering::Acquire) {
                    reads += 1;
                    let n = db.exists(&keys).await;
                    assert!(n <= KEYS);
                    if D::ATOMIC_MULTI_KEY {
                        assert!(
                            n == 0 || n == KEYS,
                            "EXISTS saw {n} of {KEYS} keys written and deleted together"
                        );
                    }
                    let values = db.mget(&keys).await;
                    let mut rounds = Vec::with_capacity(KEYS);
                    for (i, value) in values.iter().enumerate() {
                        let Some(value) = value else { continue };
                        let round = std::str::from_utf8(value)
                            .ok()
                            .and_then(|text| text.parse::<usize>().ok())
                            .filter(|&round| round < ROUNDS)
                            .unwrap_or_else(|| panic!("a value no task wrote: {value:?}"));
                        assert!(
                            round >= last[i],
                            "del{i} went back from round {} to {round}",
                            last[i]
                        );
                        last[i] = round;
                        rounds.push(round);
                    }
                    if D::ATOMIC_MULTI_KEY {
                        let whole = rounds.is_empty()
                            || (rounds.len() == KEYS && rounds.iter().all(|&r| r == rounds[0]));
                        assert!(whole, "torn MGET across MSET and DEL: {values:?}");
                    }
                    if reads.is_multiple_of(16) {
                        tokio::task::yield_now().await;
                    }
                }
                reads
            })
        })
        .collect();
    join_all(vec![writer]).await;
    let results = join_all(readers).await;
    assert!(
        results.iter().sum::<usize>() > 0,
        "no reader ran while the writer did"
    );
    assert_eq!(db.len(DbIndex::ZERO).await, 0);
}

/// GETs racing SETs of unique values only return values written for that key, and per writer never an older one.
async fn concurrent_set_and_get_see_per_writer_order<D: Db>(db: D) {
    const KEYS: usize = 4;
    const WRITERS: usize = 3;
    const READERS: usize = 3;
    const ROUNDS: usize = 5_000 * SCALE;
    let keys = Arc::new(numbered("", KEYS));
    let barrier = Arc::new(Barrier::new(WRITERS + READERS));
    let done = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (db, keys, barrier) = (db.clone(), keys.clone(), barrier.clone());
        writers.push(tokio::spawn(async move {
            barrier.wait().await;
            for c in 0..ROUNDS {
                let k = c % KEYS;
                let value = b(format!("{k}:{w}:{c}"));
                db.set(keys[k].clone(), value, SetOptions::default()).await;
                if c.is_multiple_of(64) {
                    tokio::task::yield_now().await;
                }
            }
        }));
    }
    let mut readers = Vec::new();
    for r in 0..READERS {
        let (db, keys, barrier, done) = (db.clone(), keys.clone(), barrier.clone(), done.clone());
        readers.push(tokio::spawn(async move {
            barrier.wait().await;
            // last[key][writer]: the newest counter this reader saw; None before any.
            let mut last = [[None::<usize>; WRITERS]; KEYS];
            let mut hits = 0usize;
            let mut i = r;
            while !done.load(Ordering::Acquire) {
                let k = i % KEYS;
                i += 1;
                match db.get(&keys[k]).await {
                    None => assert!(
                        last[k].iter().all(Option::is_none),
                        "key {k} vanished after it was read; nobody deletes it"
                    ),
                    Some(value) => {
                        hits += 1;
                        let [key, w, c] = parse3(&value);
                        assert!(
                            key == k && w < WRITERS && c < ROUNDS && c % KEYS == k,
                            "key {k} holds a value never written to it: {value:?}"
                        );
                        if let Some(before) = last[k][w] {
                            assert!(
                                c >= before,
                                "key {k}: writer {w}'s {c} read after its {before}"
                            );
                        }
                        last[k][w] = Some(c);
                    }
                }
                tokio::task::yield_now().await;
            }
            hits
        }));
    }
    join_all(writers).await;
    done.store(true, Ordering::Release);
    let hits: usize = join_all(readers).await.into_iter().sum();
    assert!(hits > 0, "no GET saw a value");
    // After every writer finished, each key holds some writer's last value for it.
    for (k, key) in keys.iter().enumerate() {
        let [_, _, c] = parse3(&db.get(key).await.expect("written"));
        assert!(c + KEYS >= ROUNDS, "key {k} ends with stale counter {c}");
    }
}

/// 16 tasks racing SET NX GET on each of many fresh keys: exactly one writes, and every loser sees the winner's value.
async fn concurrent_set_nx_has_one_winner<D: Db>(db: D) {
    const TASKS: usize = 16;
    // Not scaled: each round costs a barrier's wake-ups, not code speed.
    const ROUNDS: usize = 10_000;
    let keys = Arc::new(numbered("nx", ROUNDS));
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks = (0..TASKS)
        .map(|t| {
            let (db, keys, barrier) = (db.clone(), keys.clone(), barrier.clone());
            tokio::spawn(async move {
                let opts = SetOptions { get: true, ..nx() };
                let mut answers = Vec::with_capacity(ROUNDS);
                for key in keys.iter() {
                    // Every round starts together: tasks on one worker run
                    // one after another, so without this most never race.
                    barrier.wait().await;
                    let out = db.set(key.clone(), b(t.to_string()), opts).await;
                    match &out.previous {
                        None => assert!(out.written, "{key:?}: NX refused yet saw no value"),
                        Some(_) => assert!(!out.written, "{key:?}: NX wrote over a value"),
                    }
                    answers.push(out.previous);
                }
                answers
            })
        })
        .collect();
    let answers = join_all(tasks).await;
    for (r, key) in keys.iter().enumerate() {
        let winner = db.get(key).await.expect("someone wrote it");
        let mut winners = 0;
        for per_task in &answers {
            match &per_task[r] {
                None => winners += 1,
                Some(seen) => assert_eq!(seen, &winner, "{key:?}: a loser saw another value"),
            }
        }
        assert_eq!(winners, 1, "{key:?}: {winners} tasks won SET NX");
    }
}

/// 16 tasks racing GETDEL on each of many keys: exactly one gets the value, and the store ends empty.
async fn concurrent_getdel_has_one_taker<D: Db>(db: D) {
    const TASKS: usize = 16;
    // Not scaled: each round costs a barrier's wake-ups, not code speed.
    const ROUNDS: usize = 10_000;
    let keys = Arc::new(numbered("gd", ROUNDS));
    db.mset(keys.iter().map(|k| (k.clone(), k.clone())).collect())
        .await;
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks = (0..TASKS)
        .map(|_| {
            let (db, keys, barrier) = (db.clone(), keys.clone(), barrier.clone());
            tokio::spawn(async move {
                let mut taken = Vec::with_capacity(ROUNDS);
                for key in keys.iter() {
                    barrier.wait().await;
                    let got = db.getdel(key).await;
                    if let Some(v) = &got {
                        assert_eq!(v, key, "GETDEL returned another key's value");
                    }
                    taken.push(got.is_some());
                }
                taken
            })
        })
        .collect();
    let taken = join_all(tasks).await;
    for (r, key) in keys.iter().enumerate() {
        let takers = taken.iter().filter(|per_task| per_task[r]).count();
        assert_eq!(takers, 1, "{key:?}: {takers} tasks took it");
    }
    assert_eq!(db.len(DbIndex::ZERO).await, 0);
}

/// Full SCAN iterations (COUNT 10 to 100) return every key that stays present, whatever other tasks insert, delete and rewrite meanwhile, only keys some task wrote, and end within O(N/COUNT) calls.
async fn scan_returns_every_key_that_stays<D: Db>(db: D) {
    const STAYING: usize = 500;
    const CHURNERS: usize = 3;
    /// How many keys each churner keeps alive: it deletes the key it wrote
    /// this many writes before.
    const WINDOW: usize = 200;
    const SCANNERS: usize = 2;
    const ITERATIONS: usize = 30 * SCALE;
    /// The most keys present at once (a churner may be one write ahead).
    const MOST: usize = STAYING + CHURNERS * (WINDOW + 1);
    // SCAN is synchronous in some strategies: a worker blocked in it can
    // deadlock against a task parked on that worker, which must fail loudly.
    let _running = watchdog("scan_returns_every_key_that_stays", type_name::<D>());
    let staying = Arc::new(numbered("stay", STAYING));
    db.mset(staying.iter().map(|k| (k.clone(), b("0"))).collect())
        .await;
    let barrier = Arc::new(Barrier::new(CHURNERS + SCANNERS));
    let scanners_left = Arc::new(AtomicUsize::new(SCANNERS));
    let mut churners = Vec::new();
    for t in 0..CHURNERS {
        let (db, staying, barrier, left) = (
            db.clone(),
            staying.clone(),
            barrier.clone(),
            scanners_left.clone(),
        );
        churners.push(tokio::spawn(async move {
            barrier.wait().await;
            let mut i = 0usize;
            while left.load(Ordering::Acquire) > 0 {
                db.set(b(format!("churn{t}:{i}")), b("v"), SetOptions::default())
                    .await;
                if let Some(old) = i.checked_sub(WINDOW) {
                    let gone = db.del(&[b(format!("churn{t}:{old}"))]).await;
                    assert_eq!(gone, 1, "churn{t}:{old} vanished before its DEL");
                }
                // Rewriting a staying key keeps it present.
                let k = (i * 7 + t) % STAYING;
                db.set(staying[k].clone(), b(i.to_string()), SetOptions::default())
                    .await;
                i += 1;
                if i.is_multiple_of(16) {
                    tokio::task::yield_now().await;
                }
            }
            i
        }));
    }
    let scanners: Vec<_> = (0..SCANNERS)
        .map(|s| {
            let (db, staying, barrier, left) = (
                db.clone(),
                staying.clone(),
                barrier.clone(),
                scanners_left.clone(),
            );
            tokio::spawn(async move {
                barrier.wait().await;
                for iteration in 0..ITERATIONS {
                    let count = 10 + (iteration * 37 + s * 53) % 91;
                    let (mut cursor, mut calls) = (0, 0usize);
                    let mut seen = HashSet::new();
                    loop {
                        let (next, keys) = db.scan(DbIndex::ZERO, cursor, count, |_, _| true).await;
                        calls += 1;
                        for key in keys {
                            assert!(
                                key.starts_with(b"stay") || key.starts_with(b"churn"),
                                "SCAN returned a key no task wrote: {key:?}"
                            );
                            seen.insert(key);
                        }
                        assert!(
                            calls <= 4 * MOST / count + 16,
                            "iteration {iteration}, COUNT {count}: still going after {calls} calls"
                        );
                        if next == 0 {
                            break;
                        }
                        cursor = next;
                        if calls.is_multiple_of(4) {
                            tokio::task::yield_now().await;
                        }
                    }
                    let missed: Vec<_> = staying.iter().filter(|k| !seen.contains(*k)).collect();
                    assert!(
                        missed.is_empty(),
                        "iteration {iteration}, COUNT {count}: missed {} staying keys, e.g. {:?}",
                        missed.len(),
                        missed[0]
                    );
                }
                left.fetch_sub(1, Ordering::Release);
            })
        })
        .collect();
    join_all(scanners).await;
    let writes: usize = join_all(churners).await.into_iter().sum();
    assert!(writes > 0, "no churner ran while the scanners did");
    assert_eq!(db.exists(&staying).await, STAYING);
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        /// The stress checks, run on this strategy.
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_incr_by_loses_no_update,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_mset_and_mget_are_atomic_as_declared,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_del_and_exists_are_atomic_as_declared,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_set_and_get_see_per_writer_order,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_set_nx_has_one_winner,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_getdel_has_one_taker,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                scan_returns_every_key_that_stays,
            }
        }
    };
}

for_each_strategy!(stamp);

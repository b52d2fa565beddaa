//! The hash family's stress checks, stamped per strategy as in `main.rs`:
//! `hashes::<strategy>::<check>`. Many tasks change one hash in place at
//! once: no update may be lost, whichever way the strategy shares it
//! (a lock, an entry guard, a copy stored by compare-and-swap, an actor).

use super::*;
use sharedkv_testsuite::commands::hashes;
use sharedkv_testsuite::commands::sort::{self, SortOptions, SortOutcome};
use sharedkv_testsuite::db::{Entry, List, Value};

const DB0: DbIndex = DbIndex::ZERO;

/// 8 tasks × 2,000 HINCRBY 1 over 4 fields of one hash add exactly 4,000 per field, and every task sees each field's count rise.
async fn concurrent_hincr_by_loses_no_update<D: Db>(db: D) {
    const TASKS: usize = 8;
    const PER_TASK: usize = 2_000 * SCALE;
    const FIELDS: usize = 4;
    let _running = watchdog("concurrent_hincr_by_loses_no_update", type_name::<D>());
    let key = b("counters");
    let fields = Arc::new(numbered("f", FIELDS));
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks = (0..TASKS)
        .map(|t| {
            let (db, fields, barrier, key) =
                (db.clone(), fields.clone(), barrier.clone(), key.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut last = [0i64; FIELDS];
                for i in 0..PER_TASK {
                    let f = (i + t) % FIELDS;
                    let n = hashes::hincr_by(&db, DB0, key.clone(), fields[f].clone(), 1)
                        .await
                        .expect("HINCRBY failed");
                    assert!(n > last[f], "{:?} went from {} to {n}", fields[f], last[f]);
                    assert!(
                        n as usize <= TASKS * PER_TASK / FIELDS,
                        "{:?} overshot: {n}",
                        fields[f]
                    );
                    last[f] = n;
                }
            })
        })
        .collect();
    join_all(tasks).await;
    let expected = b((TASKS * PER_TASK / FIELDS).to_string());
    let values = hashes::hmget(&db, DB0, &key, fields.to_vec())
        .await
        .expect("a hash");
    for value in values {
        assert_eq!(value, Some(expected.clone()));
    }
}

/// 4 tasks × 1,000 HINCRBYFLOAT 0.5 on one field, racing 4 tasks of HINCRBY on another field of the same hash: both totals are exact.
async fn concurrent_hincr_by_float_loses_no_update<D: Db>(db: D) {
    const TASKS: usize = 4;
    const PER_TASK: usize = 1_000 * SCALE;
    let _running = watchdog(
        "concurrent_hincr_by_float_loses_no_update",
        type_name::<D>(),
    );
    let key = b("mixed");
    let barrier = Arc::new(Barrier::new(2 * TASKS));
    let mut tasks = Vec::new();
    for t in 0..2 * TASKS {
        let (db, barrier, key) = (db.clone(), barrier.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            for _ in 0..PER_TASK {
                if t.is_multiple_of(2) {
                    hashes::hincr_by_float(&db, DB0, key.clone(), b("float"), b"0.5")
                        .await
                        .expect("HINCRBYFLOAT failed");
                } else {
                    hashes::hincr_by(&db, DB0, key.clone(), b("int"), 2)
                        .await
                        .expect("HINCRBY failed");
                }
            }
        }));
    }
    join_all(tasks).await;
    let values = hashes::hmget(&db, DB0, &key, vec![b("float"), b("int")])
        .await
        .expect("a hash");
    let halves = TASKS * PER_TASK;
    let expected_float = if halves.is_multiple_of(2) {
        (halves / 2).to_string()
    } else {
        format!("{}.5", halves / 2)
    };
    assert_eq!(values[0], Some(b(expected_float)));
    assert_eq!(values[1], Some(b((2 * TASKS * PER_TASK).to_string())));
}

/// 8 tasks HSET 500 distinct fields each into one hash, in pairs: every HSET adds exactly its new fields, HLEN only grows, and every field is there at the end.
async fn concurrent_hset_of_distinct_fields_keeps_them_all<D: Db>(db: D) {
    const TASKS: usize = 8;
    const PER_TASK: usize = 500 * SCALE;
    let _running = watchdog(
        "concurrent_hset_of_distinct_fields_keeps_them_all",
        type_name::<D>(),
    );
    let key = b("wide");
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks = (0..TASKS)
        .map(|t| {
            let (db, barrier, key) = (db.clone(), barrier.clone(), key.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut seen = 0;
                for i in (0..PER_TASK).step_by(2) {
                    let pairs = (i..i + 2)
                        .map(|j| (b(format!("t{t}:{j}")), b(format!("{t}:{j}"))))
                        .collect();
                    let added = hashes::hset(&db, DB0, key.clone(), pairs)
                        .await
                        .expect("HSET failed");
                    assert_eq!(added, 2, "task {t}'s fields are its own");
                    let len = db
                        .read(DB0, &key, |e| match e.map(|e| &e.value) {
                            Some(sharedkv_testsuite::db::Value::Hash(h)) => h.len(),
                            _ => 0,
                        })
                        .await;
                    assert!(len >= seen + 2, "HLEN went from {seen} to {len}");
                    seen = len;
                }
            })
        })
        .collect();
    join_all(tasks).await;
    let all = hashes::hgetall(&db, DB0, &key).await.expect("a hash");
    assert_eq!(all.len(), TASKS * PER_TASK);
    let all: HashSet<(Bytes, Bytes)> = all.into_iter().collect();
    for t in 0..TASKS {
        for j in 0..PER_TASK {
            let pair = (b(format!("t{t}:{j}")), b(format!("{t}:{j}")));
            assert!(all.contains(&pair), "{pair:?} was lost");
        }
    }
}

/// SORT BY w_* GET w_* (replied, and stored) racing MSETs that give every weight one new generation: with ATOMIC_MULTI_KEY every SORT sees one generation; without, each weight is one some MSET wrote.
async fn concurrent_sort_sees_one_generation_as_declared<D: Db>(db: D) {
    const ITEMS: usize = 32;
    const WRITERS: usize = 2;
    const READERS: usize = 2;
    const ROUNDS: usize = 300 * SCALE;
    let _running = watchdog(
        "concurrent_sort_sees_one_generation_as_declared",
        type_name::<D>(),
    );
    let list: List = (0..ITEMS).map(|i| b(i.to_string())).collect();
    db.update(DB0, &b("items"), move |slot| {
        slot.put(Entry::new(Value::List(Box::new(list.clone()))))
    })
    .await;
    let generation = |g: usize| -> Vec<(Bytes, Bytes)> {
        (0..ITEMS)
            .map(|i| (b(format!("w_{i}")), b(g.to_string())))
            .collect()
    };
    db.mset(generation(0)).await;
    let barrier = Arc::new(Barrier::new(WRITERS + READERS));
    let writers_left = Arc::new(AtomicUsize::new(WRITERS));
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let (db, barrier, left) = (db.clone(), barrier.clone(), writers_left.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            for r in 1..=ROUNDS {
                db.mset(generation(w * ROUNDS + r)).await;
                // The store's futures are ready at once: yield, so that a
                // task waiting in this worker's LIFO slot gets to run.
                tokio::task::yield_now().await;
            }
            left.fetch_sub(1, Ordering::Release);
        }));
    }
    for reader in 0..READERS {
        let (db, barrier, left) = (db.clone(), barrier.clone(), writers_left.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let dst = b(format!("sorted{reader}"));
            let mut sorts = 0;
            while left.load(Ordering::Acquire) > 0 || sorts == 0 {
                let mut options = SortOptions {
                    by: Some(b("w_*")),
                    get: vec![b("w_*")],
                    ..SortOptions::default()
                };
                if sorts % 2 == 1 {
                    options.store = Some(dst.clone());
                }
                let values: Vec<Bytes> = match sort::sort(&db, DB0, b("items"), options)
                    .await
                    .expect("SORT failed")
                {
                    SortOutcome::Reply(values) => values.into_iter().flatten().collect(),
                    SortOutcome::Stored(n) => {
                        assert_eq!(n, ITEMS);
                        db.read(DB0, &dst, |e| match e.map(|e| &e.value) {
                            Some(Value::List(list)) => list.iter().cloned().collect(),
                            _ => Vec::new(),
                        })
                        .await
                    }
                };
                assert_eq!(values.len(), ITEMS, "a weight went missing");
                let max = WRITERS * ROUNDS;
                for v in &values {
                    let g: usize = std::str::from_utf8(v)
                        .ok()
                        .and_then(|t| t.parse().ok())
                        .expect("a generation");
                    assert!(g <= max, "a weight no MSET wrote: {g}");
                }
                if D::ATOMIC_MULTI_KEY {
                    assert!(
                        values.iter().all(|v| *v == values[0]),
                        "SORT saw two generations: {values:?}"
                    );
                }
                sorts += 1;
                tokio::task::yield_now().await;
            }
        }));
    }
    join_all(tasks).await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        /// The hash stress checks, run on this strategy.
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_hincr_by_loses_no_update,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_hincr_by_float_loses_no_update,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_hset_of_distinct_fields_keeps_them_all,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_sort_sees_one_generation_as_declared,
            }
        }
    };
}

for_each_strategy!(stamp);

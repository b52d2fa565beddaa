//! The sets family's stress checks, stamped per strategy as in `main.rs`:
//! `sets::<strategy>::<check>`.

use super::*;
use sharedkv_testsuite::commands::sets;
use sharedkv_testsuite::db::{Entry, ReadKeys, Value};

const DB0: DbIndex = DbIndex::ZERO;

/// The size of the set in `entry`, 0 if absent (or, which never happens
/// here, of another type).
fn size(entry: Option<&Entry>) -> usize {
    match entry.map(|e| &e.value) {
        Some(Value::Set(set)) => set.len(),
        _ => 0,
    }
}

/// 8 tasks SADD the same 4,000 members in chunks, each in its own order: the "added" counts sum to exactly 4,000, and SCARD only grows.
async fn concurrent_sadd_counts_each_member_once<D: Db>(db: D) {
    const TASKS: usize = 8;
    const MEMBERS: usize = 4_000 * SCALE;
    const CHUNK: usize = 4;
    let key = b("s");
    let all = Arc::new(numbered("m", MEMBERS));
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks = (0..TASKS)
        .map(|t| {
            let (db, all, barrier, key) = (db.clone(), all.clone(), barrier.clone(), key.clone());
            tokio::spawn(async move {
                // Task t walks the members from its own offset, so tasks
                // overlap on every member at different times.
                let order: Vec<Bytes> = (0..MEMBERS)
                    .map(|i| all[(i + t * MEMBERS / TASKS) % MEMBERS].clone())
                    .collect();
                barrier.wait().await;
                let (mut added, mut last_card) = (0, 0);
                for (i, chunk) in order.chunks(CHUNK).enumerate() {
                    let n = sets::sadd(&db, DB0, key.clone(), chunk.to_vec())
                        .await
                        .expect("SADD failed");
                    assert!(n <= chunk.len(), "SADD of {} counted {n} new", chunk.len());
                    added += n;
                    if i.is_multiple_of(16) {
                        let card = sets::scard(&db, DB0, &key).await.expect("SCARD failed");
                        assert!(card >= last_card, "SCARD went from {last_card} to {card}");
                        assert!(card <= MEMBERS, "SCARD overshot: {card}");
                        last_card = card;
                    }
                }
                added
            })
        })
        .collect();
    let added: usize = join_all(tasks).await.into_iter().sum();
    assert_eq!(added, MEMBERS, "the tasks counted {added} new members");
    assert_eq!(sets::scard(&db, DB0, &key).await, Ok(MEMBERS));
}

/// 8 tasks SPOP (one at a time, or up to 4) from a set of 5,000 until it is empty: every member is popped exactly once, and the key goes with the last.
async fn concurrent_spop_pops_each_member_once<D: Db>(db: D) {
    const TASKS: usize = 8;
    const MEMBERS: usize = 5_000 * SCALE;
    let key = b("s");
    let all = numbered("m", MEMBERS);
    for chunk in all.chunks(1000) {
        sets::sadd(&db, DB0, key.clone(), chunk.to_vec())
            .await
            .unwrap();
    }
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks = (0..TASKS)
        .map(|t| {
            let (db, barrier, key) = (db.clone(), barrier.clone(), key.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut popped = Vec::new();
                for round in 0.. {
                    let count = (round + t) % 5;
                    let got = if count == 0 {
                        let one = sets::spop_one(&db, DB0, key.clone())
                            .await
                            .expect("SPOP failed");
                        one.into_iter().collect()
                    } else {
                        sets::spop(&db, DB0, key.clone(), count)
                            .await
                            .expect("SPOP failed")
                    };
                    if got.is_empty() {
                        break;
                    }
                    assert!(got.len() <= count.max(1), "SPOP {count} gave {}", got.len());
                    let distinct: HashSet<&Bytes> = got.iter().collect();
                    assert_eq!(distinct.len(), got.len(), "SPOP {count} repeated a member");
                    popped.extend(got);
                }
                popped
            })
        })
        .collect();
    let mut popped: Vec<Bytes> = join_all(tasks).await.into_iter().flatten().collect();
    assert_eq!(
        popped.len(),
        MEMBERS,
        "popped {} of {MEMBERS}",
        popped.len()
    );
    popped.sort();
    let mut expected = all;
    expected.sort();
    assert_eq!(popped, expected, "a member popped twice, or one never");
    assert_eq!(db.exists(&[key]).await, 0);
}

/// 4 tasks SMOVE 64 members back and forth between two sets while an observer reads both sizes in one multi-key read: the sum is always 64 where ATOMIC_MULTI_KEY is claimed, and at the end the sets split the 64 members between them.
async fn concurrent_smove_is_atomic_as_declared<D: Db>(db: D) {
    const MEMBERS: usize = 64;
    const MOVERS: usize = 4;
    const ROUNDS: usize = 3_000 * SCALE;
    // Every mover takes both keys' locks, in both directions: a strategy
    // that orders them wrongly deadlocks, which must fail loudly.
    let _running = watchdog("concurrent_smove_is_atomic_as_declared", type_name::<D>());
    let (a, b_key) = (b("a"), b("b"));
    let all = Arc::new(numbered("m", MEMBERS));
    sets::sadd(&db, DB0, a.clone(), all.to_vec()).await.unwrap();
    let barrier = Arc::new(Barrier::new(MOVERS + 1));
    let movers_left = Arc::new(AtomicUsize::new(MOVERS));
    let mut movers = Vec::new();
    for t in 0..MOVERS {
        let (db, all, barrier, left) = (
            db.clone(),
            all.clone(),
            barrier.clone(),
            movers_left.clone(),
        );
        let (a, b_key) = (a.clone(), b_key.clone());
        movers.push(tokio::spawn(async move {
            barrier.wait().await;
            let mut moved = 0usize;
            for round in 0..ROUNDS {
                let member = all[(round * 7 + t * 13) % MEMBERS].clone();
                // Try one way, then the other: the member is in one of them.
                let (from, to) = if round % 2 == 0 {
                    (&a, &b_key)
                } else {
                    (&b_key, &a)
                };
                let done = sets::smove(&db, DB0, from.clone(), to.clone(), member.clone())
                    .await
                    .expect("SMOVE failed");
                let done = done
                    || sets::smove(&db, DB0, to.clone(), from.clone(), member)
                        .await
                        .expect("SMOVE failed");
                moved += usize::from(done);
            }
            left.fetch_sub(1, Ordering::Release);
            moved
        }));
    }
    let observer = {
        let (db, barrier, left) = (db.clone(), barrier.clone(), movers_left.clone());
        let keys = [a.clone(), b_key.clone()];
        tokio::spawn(async move {
            barrier.wait().await;
            let mut reads = 0usize;
            while left.load(Ordering::Acquire) > 0 {
                let names = keys.clone();
                let [n_a, n_b] = db
                    .read_many(&keys, move |view: &mut dyn ReadKeys| {
                        names.map(|k| view.read(DB0, &k, size))
                    })
                    .await;
                reads += 1;
                assert!(n_a <= MEMBERS && n_b <= MEMBERS, "sizes {n_a} and {n_b}");
                if D::ATOMIC_MULTI_KEY {
                    assert_eq!(
                        n_a + n_b,
                        MEMBERS,
                        "one read of both sets saw {n_a} + {n_b} members mid-SMOVE"
                    );
                }
                if reads.is_multiple_of(16) {
                    tokio::task::yield_now().await;
                }
            }
            reads
        })
    };
    let moved: usize = join_all(movers).await.into_iter().sum();
    let reads = join_all(vec![observer]).await;
    assert!(moved > 0, "no SMOVE moved anything");
    assert!(reads.iter().sum::<usize>() > 0, "the observer never read");
    let in_a = sets::smembers(&db, DB0, &a).await.unwrap();
    let in_b = sets::smembers(&db, DB0, &b_key).await.unwrap();
    let (set_a, set_b): (HashSet<&Bytes>, HashSet<&Bytes>) =
        (in_a.iter().collect(), in_b.iter().collect());
    assert!(set_a.is_disjoint(&set_b), "a member is in both sets");
    let mut union: Vec<Bytes> = in_a.iter().chain(&in_b).cloned().collect();
    union.sort();
    let mut expected = all.to_vec();
    expected.sort();
    assert_eq!(union, expected, "the two sets lost or gained members");
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        /// The set stress checks, run on this strategy.
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_sadd_counts_each_member_once,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_spop_pops_each_member_once,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_smove_is_atomic_as_declared,
            }
        }
    };
}

for_each_strategy!(stamp);

//! The sorted-set family's stress checks, stamped per strategy as in
//! `main.rs`: `zsets::<strategy>::<check>`.

use super::*;
use sharedkv_testsuite::commands::zsets::{self, End, RangeBy, RangeQuery, ZAddOptions};

const DB0: DbIndex = DbIndex::ZERO;

/// 8 tasks ZINCRBY 4 members of one sorted set by 1 and by 0.5 (exact in binary), 2,000 times each: every task sees each member's score rise, the final scores are exactly the sums, and the order follows them.
async fn concurrent_zincrby_loses_no_increment<D: Db>(db: D) {
    const TASKS: usize = 8;
    const PER_TASK: usize = 2_000 * SCALE;
    const MEMBERS: usize = 4;
    let key = b("z");
    let members = Arc::new(numbered("m", MEMBERS));
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks = (0..TASKS)
        .map(|t| {
            let (db, key, members, barrier) =
                (db.clone(), key.clone(), members.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut last = [0.0f64; MEMBERS];
                for i in 0..PER_TASK {
                    let m = (i + t) % MEMBERS;
                    // Member m gains 1 + m/2 per call: 1, 1.5, 2, 2.5.
                    let by = 1.0 + m as f64 / 2.0;
                    let score = zsets::zincrby(&db, DB0, key.clone(), by, members[m].clone())
                        .await
                        .expect("ZINCRBY failed");
                    assert!(
                        score > last[m],
                        "{:?} went from {} to {score}",
                        members[m],
                        last[m]
                    );
                    last[m] = score;
                }
            })
        })
        .collect();
    join_all(tasks).await;
    let per_member = (TASKS * PER_TASK / MEMBERS) as f64;
    let expected: Vec<(Bytes, f64)> = members
        .iter()
        .enumerate()
        .map(|(m, member)| (member.clone(), per_member * (1.0 + m as f64 / 2.0)))
        .collect();
    let query = RangeQuery {
        by: RangeBy::Rank { start: 0, stop: -1 },
        rev: false,
        limit: None,
    };
    assert_eq!(zsets::zrange(&db, DB0, &key, query).await, Ok(expected));
}

/// 8 tasks ZPOPMIN (one, or up to 4) from a sorted set of 5,000 while it empties: every member comes off exactly once, each task sees its scores rise, and the key goes with the last member.
async fn concurrent_zpopmin_pops_each_member_once<D: Db>(db: D) {
    const TASKS: usize = 8;
    const MEMBERS: usize = 5_000 * SCALE;
    let key = b("z");
    let all = numbered("m", MEMBERS);
    for chunk in all.chunks(1000) {
        let pairs = chunk
            .iter()
            .map(|m| (f64::from(m.len() as u32), m.clone()))
            .collect();
        zsets::zadd(&db, DB0, key.clone(), ZAddOptions::default(), pairs)
            .await
            .unwrap();
    }
    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks = (0..TASKS)
        .map(|t| {
            let (db, barrier, key) = (db.clone(), barrier.clone(), key.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut popped: Vec<Bytes> = Vec::new();
                let mut last: Option<(f64, Bytes)> = None;
                for round in 0.. {
                    let count = 1 + (round + t) % 4;
                    let got = zsets::pop(&db, DB0, vec![key.clone()], End::Min, count)
                        .await
                        .expect("ZPOPMIN failed");
                    let Some(got) = got else {
                        break;
                    };
                    assert!(got.elements.len() <= count);
                    for (member, score) in got.elements {
                        let this = (score, member.clone());
                        if let Some(before) = &last {
                            assert!(before < &this, "popped {this:?} after {before:?}");
                        }
                        last = Some(this);
                        popped.push(member);
                    }
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

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        /// The sorted-set stress checks, run on this strategy.
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_zincrby_loses_no_increment,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_zpopmin_pops_each_member_once,
            }
        }
    };
}

for_each_strategy!(stamp);

//! The lists family's stress checks, stamped per strategy as in `main.rs`:
//! `lists::<strategy>::<check>`.

use super::*;
use sharedkv_testsuite::commands::lists::{self, End};
use sharedkv_testsuite::db::{ReadKeys, Value};

const DB0: DbIndex = DbIndex::ZERO;

/// The element `p<pusher>:<i>` and back.
fn element(pusher: usize, i: usize) -> Bytes {
    b(format!("p{pusher}:{i}"))
}

fn parse_element(element: &Bytes) -> (usize, usize) {
    let text = std::str::from_utf8(element).expect("an element no task pushed: not UTF-8");
    let parsed = text
        .strip_prefix('p')
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(p, i)| Some((p.parse().ok()?, i.parse().ok()?)));
    parsed.unwrap_or_else(|| panic!("an element no task pushed: {text:?}"))
}

/// 4 tasks LPUSH 2,000 distinct elements each (in ones and threes) while 4 others RPOP (one or a few at a time): every popper sees each pusher's elements in the order pushed, and popped ∪ remaining is exactly what was pushed, no duplicates, no losses.
async fn concurrent_push_and_pop_lose_nothing<D: Db>(db: D) {
    const PUSHERS: usize = 4;
    const POPPERS: usize = 4;
    const PER_PUSHER: usize = 2_000 * SCALE;
    let _running = watchdog("concurrent_push_and_pop_lose_nothing", type_name::<D>());
    let key = b("queue");
    let barrier = Arc::new(Barrier::new(PUSHERS + POPPERS));
    let pushers_left = Arc::new(AtomicUsize::new(PUSHERS));
    let mut pushers = Vec::new();
    for p in 0..PUSHERS {
        let (db, key, barrier, left) = (
            db.clone(),
            key.clone(),
            barrier.clone(),
            pushers_left.clone(),
        );
        pushers.push(tokio::spawn(async move {
            // Batches of one and of three, built before the start.
            let mut batches = Vec::new();
            let mut i = 0;
            while i < PER_PUSHER {
                let n = if batches.len() % 2 == 0 { 1 } else { 3 }.min(PER_PUSHER - i);
                batches.push((i..i + n).map(|i| element(p, i)).collect::<Vec<_>>());
                i += n;
            }
            barrier.wait().await;
            for batch in batches {
                let n = batch.len();
                let len = lists::push(&db, DB0, key.clone(), End::Left, batch)
                    .await
                    .expect("LPUSH onto a list");
                assert!(len >= n, "LPUSH of {n} answered a length of {len}");
            }
            left.fetch_sub(1, Ordering::Release);
        }));
    }
    let mut poppers = Vec::new();
    for q in 0..POPPERS {
        let (db, key, barrier, left) = (
            db.clone(),
            key.clone(),
            barrier.clone(),
            pushers_left.clone(),
        );
        poppers.push(tokio::spawn(async move {
            barrier.wait().await;
            let mut popped = Vec::new();
            // next[p]: the lowest index of pusher p this popper may see next.
            let mut next = [0usize; PUSHERS];
            let mut round = 0usize;
            loop {
                let finished = left.load(Ordering::Acquire) == 0;
                let count = 1 + (round + q) % 3;
                round += 1;
                let got = lists::pop(&db, DB0, key.clone(), End::Right, count)
                    .await
                    .expect("RPOP of a list");
                let Some(got) = got else {
                    if finished {
                        break;
                    }
                    tokio::task::yield_now().await;
                    continue;
                };
                assert!(
                    !got.is_empty() && got.len() <= count,
                    "RPOP {count} of a list answered {} elements",
                    got.len()
                );
                for e in got {
                    let (p, i) = parse_element(&e);
                    assert!(p < PUSHERS && i < PER_PUSHER, "never pushed: {e:?}");
                    assert!(
                        i >= next[p],
                        "popped {e:?} after p{p}:{}: out of FIFO order",
                        next[p] - 1
                    );
                    next[p] = i + 1;
                    popped.push(e);
                }
                if round.is_multiple_of(16) {
                    tokio::task::yield_now().await;
                }
            }
            popped
        }));
    }
    join_all(pushers).await;
    let mut seen: Vec<Bytes> = join_all(poppers).await.into_iter().flatten().collect();
    let remaining = lists::lrange(&db, DB0, &key, 0, -1)
        .await
        .expect("a list or nothing");
    seen.extend(remaining);
    let total = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(total, seen.len(), "an element came out twice");
    let mut pushed: Vec<Bytes> = (0..PUSHERS)
        .flat_map(|p| (0..PER_PUSHER).map(move |i| element(p, i)))
        .collect();
    pushed.sort();
    assert_eq!(seen.len(), pushed.len(), "elements were lost");
    assert_eq!(seen, pushed);
}

/// The length of the list in `entry`, 0 for none.
fn len_of(entry: Option<&sharedkv_testsuite::db::Entry>) -> usize {
    match entry.map(|e| &e.value) {
        Some(Value::List(list)) => list.len(),
        None => 0,
        Some(other) => panic!("a list key holds a {}", other.kind().name()),
    }
}

/// 4 tasks LMOVE 200 elements back and forth between two lists (a→b and b→a, every pair of ends) while 2 observers read both lengths in one multi-key read: the lengths add up to 200 at every observation where ATOMIC_MULTI_KEY is claimed, and at the end the two lists hold exactly the 200 elements.
async fn concurrent_lmove_keeps_every_element<D: Db>(db: D) {
    const ELEMENTS: usize = 200;
    const MOVERS: usize = 4;
    const OBSERVERS: usize = 2;
    const MOVES: usize = 2_000 * SCALE;
    let _running = watchdog("concurrent_lmove_keeps_every_element", type_name::<D>());
    let (a, b_key) = (b("a"), b("b"));
    let all: Vec<Bytes> = numbered("e", ELEMENTS);
    lists::push(&db, DB0, a.clone(), End::Right, all.clone())
        .await
        .expect("RPUSH");
    let barrier = Arc::new(Barrier::new(MOVERS + OBSERVERS));
    let movers_left = Arc::new(AtomicUsize::new(MOVERS));
    let mut movers = Vec::new();
    for m in 0..MOVERS {
        let (db, barrier, left) = (db.clone(), barrier.clone(), movers_left.clone());
        let (a, b_key) = (a.clone(), b_key.clone());
        movers.push(tokio::spawn(async move {
            // Half the movers go a→b, half b→a, each over all four pairs
            // of ends.
            let (src, dst) = if m % 2 == 0 { (a, b_key) } else { (b_key, a) };
            let ends = [End::Left, End::Right];
            barrier.wait().await;
            let mut moved = 0usize;
            for i in 0..MOVES {
                let (from, to) = (ends[i % 2], ends[(i / 2) % 2]);
                let got = lists::lmove(&db, DB0, src.clone(), dst.clone(), from, to)
                    .await
                    .expect("LMOVE between lists");
                if let Some(e) = got {
                    assert!(e.starts_with(b"e"), "never pushed: {e:?}");
                    moved += 1;
                }
                if i % 16 == 0 {
                    tokio::task::yield_now().await;
                }
            }
            left.fetch_sub(1, Ordering::Release);
            moved
        }));
    }
    let mut observers = Vec::new();
    for _ in 0..OBSERVERS {
        let (db, barrier, left) = (db.clone(), barrier.clone(), movers_left.clone());
        let keys = [a.clone(), b_key.clone()];
        observers.push(tokio::spawn(async move {
            barrier.wait().await;
            let mut reads = 0usize;
            while left.load(Ordering::Acquire) > 0 {
                let names = keys.clone();
                let (la, lb) = db
                    .read_many(&keys, move |view: &mut dyn ReadKeys| {
                        let la = view.read(DB0, &names[0], len_of);
                        let lb = view.read(DB0, &names[1], len_of);
                        (la, lb)
                    })
                    .await;
                reads += 1;
                assert!(
                    la + lb <= ELEMENTS,
                    "more elements than pushed: {la} + {lb}"
                );
                if D::ATOMIC_MULTI_KEY {
                    assert_eq!(
                        la + lb,
                        ELEMENTS,
                        "a multi-key read saw an LMOVE half done on a strategy that \
                         claims atomic multi-key commands"
                    );
                }
                if reads.is_multiple_of(16) {
                    tokio::task::yield_now().await;
                }
            }
            0
        }));
    }
    let moved: usize = join_all(movers).await.into_iter().sum();
    join_all(observers).await;
    assert!(moved > 0, "no LMOVE moved anything");
    let mut held = lists::lrange(&db, DB0, &a, 0, -1).await.expect("a list");
    held.extend(
        lists::lrange(&db, DB0, &b_key, 0, -1)
            .await
            .expect("a list"),
    );
    held.sort();
    let mut expected = all;
    expected.sort();
    assert_eq!(held, expected, "LMOVE lost or duplicated elements");
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        /// The list stress checks, run on this strategy.
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_push_and_pop_lose_nothing,
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                concurrent_lmove_keeps_every_element,
            }
        }
    };
}

for_each_strategy!(stamp);

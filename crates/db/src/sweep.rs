//! Active expiry: the background sweep every strategy runs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

/// How often the sweep runs: ten times a second, as Redis's default `hz`.
pub const SWEEP_INTERVAL: Duration = Duration::from_millis(100);

/// The most keys one sweep step removes while holding a lock.
pub const SWEEP_BUDGET: usize = 1024;

/// Whether active expiry runs: `DEBUG SET-ACTIVE-EXPIRE` turns it off and
/// on, for every store of the process at once (test suites use it to keep
/// expired keys in place until a command finds them). Read once per sweep
/// tick, by every strategy's sweep.
static ACTIVE_EXPIRE: AtomicBool = AtomicBool::new(true);

/// Turns the active expiry sweep of every store on or off.
pub fn set_active_expire(on: bool) {
    ACTIVE_EXPIRE.store(on, Ordering::Relaxed);
}

/// Whether the active expiry sweep runs (see [`set_active_expire`]).
pub fn active_expire() -> bool {
    ACTIVE_EXPIRE.load(Ordering::Relaxed)
}

/// Spawns the sweep task of a strategy whose state lives in `state`.
///
/// Every [`SWEEP_INTERVAL`] it upgrades a weak reference and runs `sweep` on
/// the state. The task holds no strong reference between passes, so it never
/// keeps a store alive: when the last handle drops, the upgrade fails and the
/// task ends.
///
/// On a multi-thread runtime each pass runs on a blocking thread of the
/// runtime, not on a worker: a pass that waits for a lock (a long script or
/// transaction holds the store) then never takes a worker from the clients
/// the server must keep answering.
///
/// Must be called from within a Tokio runtime.
pub fn spawn_sweeper<T, F, Fut>(state: &Arc<T>, mut sweep: F) -> JoinHandle<()>
where
    T: ?Sized + Send + Sync + 'static,
    F: FnMut(Arc<T>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let weak = Arc::downgrade(state);
    let handle = tokio::runtime::Handle::current();
    let off_workers = handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread;
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(SWEEP_INTERVAL);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(state) = weak.upgrade() else {
                break;
            };
            if !active_expire() {
                continue;
            }
            let pass = sweep(state);
            if off_workers {
                let handle = handle.clone();
                // A pass that panicked ends this sweeper, as it did on a worker.
                if tokio::task::spawn_blocking(move || handle.block_on(pass))
                    .await
                    .is_err()
                {
                    break;
                }
            } else {
                pass.await;
            }
        }
    })
}

/// One deadline hint: when, which of the strategy's maps (an index it
/// chooses), which key.
type Hint = (Instant, usize, Bytes);

/// Deadlines in order, for strategies whose map cannot keep an exact expiry
/// index of its own (dashmap, flurry, papaya, scc).
///
/// Writers push `(deadline, key)` whenever they store an entry with a
/// deadline. Entries may go stale (the key was rewritten, deleted or given
/// another TTL), so the sweep treats a popped key only as a hint and removes
/// it from the map only if it is still expired there.
///
/// **Cost:** one short `Mutex` section per write that sets a TTL; writes
/// without a TTL never touch it. Stale entries stay until their deadline.
#[derive(Debug, Default)]
pub struct ExpiryQueue {
    heap: Mutex<BinaryHeap<Reverse<Hint>>>,
}

impl ExpiryQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a key's new deadline, if it has one that differs from its old
    /// one. An unchanged deadline's hint is still queued (hints leave only
    /// when due, and the sweep then removes any entry still carrying that
    /// deadline), so an INCR of a key with a TTL pushes nothing.
    ///
    /// Call it once the new entry is visible to the sweep, or under the lock
    /// the sweep's removal takes: a sweep that popped the hint before could
    /// otherwise read the entry being replaced, find it live, and drop the
    /// only hint of an entry that is already due.
    pub fn track(&self, map: usize, key: &Bytes, old: Option<Instant>, new: Option<Instant>) {
        if let Some(at) = new
            && new != old
        {
            self.lock().push(Reverse((at, map, key.clone())));
        }
    }

    /// Pops up to `max` keys whose recorded deadline is at or before `now`,
    /// each with the map it was tracked for.
    pub fn pop_due(&self, now: Instant, max: usize) -> Vec<(usize, Bytes)> {
        let mut heap = self.lock();
        let mut due = Vec::new();
        while due.len() < max {
            match heap.peek() {
                Some(Reverse((at, _, _))) if *at <= now => {}
                _ => break,
            }
            if let Some(Reverse((_, map, key))) = heap.pop() {
                due.push((map, key));
            }
        }
        due
    }

    /// One active-expiry pass: pops due hints in batches of [`SWEEP_BUDGET`]
    /// and hands each key to `remove_if_expired`, which must re-check the
    /// entry (a hint may be stale) and remove it only if it is still expired
    /// at the given instant. Yields to the runtime between batches;
    /// `remove_if_expired` is synchronous, so no map guard can meet an await.
    pub async fn sweep(&self, mut remove_if_expired: impl FnMut(usize, &Bytes, Instant) + Send) {
        loop {
            let now = Instant::now();
            let due = self.pop_due(now, SWEEP_BUDGET);
            for (map, key) in &due {
                remove_if_expired(*map, key, now);
            }
            if due.len() < SWEEP_BUDGET {
                break;
            }
            tokio::task::yield_now().await;
        }
    }

    /// Forgets every deadline. Call it *before* clearing the map: a key
    /// written during the clear then keeps its hint.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Forgets the deadlines tracked for one map (`FLUSHDB`), under the same
    /// rule as [`clear`](ExpiryQueue::clear).
    pub fn clear_map(&self, map: usize) {
        self.lock().retain(|Reverse((_, m, _))| *m != map);
    }

    /// The number of recorded deadlines, stale ones included.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no deadline is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BinaryHeap<Reverse<Hint>>> {
        // Nothing can panic while the heap is held, and a heap of hints is
        // valid whatever a panicking thread left in it.
        self.heap.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

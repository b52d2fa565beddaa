//! An implementation of `sharedkv-db`'s [`Db`] trait over an
//! [`scc::HashMap`], driven through its **async** methods (`entry_async`,
//! `read_async`, `remove_if_async`, `clear_async`): one array of buckets,
//! each with its own read-write lock, and a task that waits for a bucket
//! suspends and yields its worker thread to the runtime instead of blocking
//! it.
//!
//! This is the one strategy that is both lock-based and async by nature:
//! std-mutex, sharded and dashmap block the thread on a busy lock, the
//! tokio-mutex strategy yields but has one lock for everything, and scc
//! yields on a lock per bucket. Whether yielding matters shows when
//! something holds a lock for long (the head-of-line benchmark): a blocked
//! thread stalls every task queued on it, a suspended task only itself.
//!
//! **When to pick it:** many cores, many keys, and a runtime whose worker
//! threads must stay free for other tasks (connections, timers) even when
//! some commands wait. scc's table is not sharded but one bucket array that
//! resizes incrementally without blocking, so contention is per bucket, not
//! per shard.
//!
//! **What it costs:**
//!
//! - Each command is a future that may suspend: the lock wait queue, the
//!   waker registration and the state machine cost more than a blocking
//!   lock's fast path when nothing waits.
//! - `DBSIZE` is a scan: scc's `len` reads every bucket's metadata (O(capacity)).
//! - Its guards (`Entry`, `OccupiedEntry`, `VacantEntry`) hold a bucket's
//!   write lock. scc's lock is async-aware, but a guard held across an
//!   unrelated `.await` would still keep every other task off that bucket
//!   for as long as the holder sleeps; here each guard is produced by an
//!   await and consumed by a synchronous function before the next one
//!   (clippy.toml lists the types for `await_holding_invalid_type`).
//! - scc cannot hold a [`Keyspace`](sharedkv_db::Keyspace), so expiry
//!   deadlines live beside the map in an [`ExpiryQueue`] (one short global
//!   mutex section per write that sets a TTL; that one never yields).
//!
//! # Consistency
//!
//! scc documents its map operations as linearizable: every single-key
//! command runs under the write lock of the key's bucket (reads under its
//! read lock), so single-key operations are linearizable and
//! read-modify-write commands (`INCR`, `SET NX|XX|GET`) are atomic.
//!
//! `MSET`, `MGET`, `DEL` and `EXISTS` over several keys are atomic **per key
//! only** ([`Db::ATOMIC_MULTI_KEY`] is `false`): scc locks one bucket at a
//! time and offers no way to hold several. A concurrent `MGET` can see half
//! of an `MSET`. `DBSIZE` and `FLUSHALL` visit the buckets one after
//! another, so neither is a snapshot.

use std::sync::Arc;

use scc::hash_map::Entry as Slot;
use sharedkv_db::transition::{self, Change};
use sharedkv_db::{
    BuildHasher, Bytes, Db, DbError, Entry, ExpireCondition, ExpiryQueue, Instant, SWEEP_BUDGET,
    SetOptions, SetOutcome, Ttl,
};

/// A handle to an scc keyspace. Clones share it.
#[derive(Clone, Debug)]
pub struct SccDb {
    inner: Arc<Inner>,
}

/// What the handles and the sweep task share.
#[derive(Debug)]
struct Inner {
    /// The keys. Hashed with [`BuildHasher`], as every strategy is, so the
    /// comparison measures sharing and not hashing.
    map: scc::HashMap<Bytes, Entry, BuildHasher>,
    /// Deadline hints for the active sweep. A write that sets a new deadline
    /// pushes its hint while it holds the key's bucket lock, before the
    /// entry is stored: a sweep that pops the hint at once then waits for
    /// that lock in `remove_if_async` and sees the entry. **Lock order:**
    /// bucket, then queue; the sweep pops hints before it takes any bucket
    /// lock, so the two are never taken the other way round.
    expiries: ExpiryQueue,
}

type Map = scc::HashMap<Bytes, Entry, BuildHasher>;

impl SccDb {
    /// An empty store, with its active-expiry sweep running.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        let inner = Arc::new(Inner {
            map: Map::with_hasher(BuildHasher::default()),
            expiries: ExpiryQueue::new(),
        });
        sharedkv_db::spawn_sweeper(&inner, |inner| async move { inner.sweep().await });
        Self { inner }
    }
}

impl Default for SccDb {
    fn default() -> Self {
        Self::new()
    }
}

impl Inner {
    /// Runs a [`transition`] on `key` atomically and applies the change it
    /// returns: the one place where the map is written.
    ///
    /// **Locking behaviour:** waits for the write lock of the key's bucket,
    /// suspending the task (not the thread) while another holds it; the
    /// lock is then held by the slot, which [`apply`] consumes without
    /// awaiting anything.
    async fn update<R>(
        &self,
        key: &Bytes,
        now: Instant,
        f: impl FnOnce(Option<&Entry>) -> (Change, R),
    ) -> R {
        let slot = self.map.entry_async(key.clone()).await;
        apply(slot, &self.expiries, now, f)
    }

    /// Answers from the live entry under `key`.
    ///
    /// **Locking behaviour:** waits (suspending) for the read lock of the
    /// key's bucket, held only while `f` runs on a present entry.
    async fn read<R>(&self, key: &Bytes, now: Instant, f: impl Fn(Option<&Entry>) -> R) -> R {
        let present = |_: &Bytes, entry: &Entry| f(transition::live(Some(entry), now));
        match self.map.read_async(key, present).await {
            Some(answer) => answer,
            None => f(None),
        }
    }

    /// One active-expiry pass: pops due hints in batches of
    /// [`SWEEP_BUDGET`] and removes each key that is still expired (a hint
    /// may be stale, hence the re-check under the bucket lock). It is
    /// [`ExpiryQueue::sweep`]'s loop, but awaiting scc's `remove_if_async`,
    /// which that loop's synchronous callback cannot do.
    async fn sweep(&self) {
        loop {
            let now = Instant::now();
            let due = self.expiries.pop_due(now, SWEEP_BUDGET);
            for key in &due {
                let expired = |entry: &mut Entry| !entry.is_live(now);
                self.map.remove_if_async(key, expired).await;
            }
            if due.len() < SWEEP_BUDGET {
                break;
            }
            tokio::task::yield_now().await;
        }
    }
}

/// Applies a transition to a locked slot. Synchronous on purpose: the slot
/// is a bucket lock, and no `.await` can be written while it is alive.
fn apply<R>(
    slot: Slot<'_, Bytes, Entry, BuildHasher>,
    expiries: &ExpiryQueue,
    now: Instant,
    f: impl FnOnce(Option<&Entry>) -> (Change, R),
) -> R {
    match slot {
        Slot::Occupied(mut slot) => {
            let (change, answer) = transition::on_slot(Some(slot.get()), now, f);
            expiries.track(slot.key(), slot.get().expires_at, change.deadline());
            match change {
                Change::Keep => {}
                Change::Put(entry) => drop(slot.insert(entry)),
                Change::Remove => drop(slot.remove()),
            }
            answer
        }
        Slot::Vacant(slot) => {
            let (change, answer) = transition::on_slot(None, now, f);
            expiries.track(slot.key(), None, change.deadline());
            // Keep and Remove of an absent key (a SET with a deadline
            // already past) both leave it absent.
            if let Change::Put(entry) = change {
                slot.insert_entry(entry);
            }
            answer
        }
    }
}

impl Db for SccDb {
    const ATOMIC_MULTI_KEY: bool = false;

    async fn get(&self, key: &Bytes) -> Option<Bytes> {
        let now = Instant::now();
        let value = |e: Option<&Entry>| e.map(|e| e.value.clone());
        self.inner.read(key, now, value).await
    }

    async fn set(&self, key: Bytes, value: Bytes, opts: SetOptions) -> SetOutcome {
        let now = Instant::now();
        let set = |cur: Option<&Entry>| transition::set(cur, value, &opts, now);
        self.inner.update(&key, now, set).await
    }

    async fn getdel(&self, key: &Bytes) -> Option<Bytes> {
        self.inner
            .update(key, Instant::now(), transition::getdel)
            .await
    }

    async fn del(&self, keys: &[Bytes]) -> usize {
        let now = Instant::now();
        let mut existed = 0;
        for key in keys {
            existed += usize::from(self.inner.update(key, now, transition::del).await);
        }
        existed
    }

    async fn exists(&self, keys: &[Bytes]) -> usize {
        let now = Instant::now();
        let mut found = 0;
        for key in keys {
            found += usize::from(self.inner.read(key, now, |e| e.is_some()).await);
        }
        found
    }

    async fn incr_by(&self, key: Bytes, delta: i64) -> Result<i64, DbError> {
        let incr = |cur: Option<&Entry>| transition::incr_by(cur, delta);
        self.inner.update(&key, Instant::now(), incr).await
    }

    async fn mget(&self, keys: &[Bytes]) -> Vec<Option<Bytes>> {
        let now = Instant::now();
        let mut values = Vec::with_capacity(keys.len());
        for key in keys {
            let value = |e: Option<&Entry>| e.map(|e| e.value.clone());
            values.push(self.inner.read(key, now, value).await);
        }
        values
    }

    async fn mset(&self, pairs: Vec<(Bytes, Bytes)>) {
        let (now, opts) = (Instant::now(), SetOptions::default());
        for (key, value) in pairs {
            let set = |cur: Option<&Entry>| transition::set(cur, value, &opts, now);
            self.inner.update(&key, now, set).await;
        }
    }

    async fn expire(&self, key: &Bytes, at: Instant, condition: ExpireCondition) -> bool {
        let now = Instant::now();
        let expire = |cur: Option<&Entry>| transition::expire(cur, at, condition, now);
        self.inner.update(key, now, expire).await
    }

    async fn ttl(&self, key: &Bytes) -> Ttl {
        let now = Instant::now();
        self.inner.read(key, now, |e| transition::ttl(e, now)).await
    }

    async fn persist(&self, key: &Bytes) -> bool {
        self.inner
            .update(key, Instant::now(), transition::persist)
            .await
    }

    /// **Locking behaviour:** none; a scan of every bucket's metadata,
    /// O(capacity), that never waits.
    async fn len(&self) -> usize {
        self.inner.map.len()
    }

    /// **Locking behaviour:** takes every bucket's write lock in turn,
    /// suspending while one is busy.
    async fn clear(&self) {
        // Hints first: a key written while the map is being cleared then
        // keeps the hint it pushed after this point. The other order could
        // drop the hint of a key that survives, and the sweep would never
        // reclaim it.
        self.inner.expiries.clear();
        self.inner.map.clear_async().await;
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    /// A task waiting for a bucket that another holds is suspended, not blocking: on a one-thread runtime, other tasks still run, and the write completes once the bucket is free.
    #[tokio::test]
    #[expect(
        clippy::await_holding_invalid_type,
        reason = "the test holds a bucket across an await on purpose"
    )]
    async fn waiting_for_a_bucket_yields_the_thread() {
        let db = SccDb::new();
        db.set(b("k"), b("old"), SetOptions::default()).await;
        let held = db.inner.map.entry_async(b("k")).await;
        let writer = tokio::spawn({
            let db = db.clone();
            async move { db.set(b("k"), b("new"), SetOptions::default()).await }
        });
        // The writer parks on the bucket; this thread is free to run this
        // task again. A blocking lock would never get here.
        tokio::task::yield_now().await;
        assert!(!writer.is_finished());
        drop(held);
        writer.await.unwrap();
        assert_eq!(db.get(&b("k")).await, Some(b("new")));
    }

    /// Deadline hints follow deadlines (the shared check), read from this map's queue.
    #[tokio::test(start_paused = true)]
    async fn hints_follow_deadlines() {
        sharedkv_testsuite::hints::hints_follow_deadlines(SccDb::new(), |db| {
            db.inner.expiries.len()
        })
        .await;
    }
}

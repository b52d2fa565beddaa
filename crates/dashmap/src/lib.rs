//! An implementation of `sharedkv-db`'s [`Db`] trait over a
//! [`dashmap::DashMap`]: a fixed array of `RwLock<HashMap>` shards behind one
//! map API, the key's hash picking the shard. The shard count is fixed at
//! construction: four times the available parallelism, rounded up to a power
//! of two.
//!
//! **When to pick it:** many cores, many keys, mostly single-key commands. Two
//! commands contend only when their keys share a shard, and reads of one
//! shard run in parallel under its read lock. It is the popular off-the-shelf
//! answer to "a `HashMap` shared between tasks".
//!
//! **What it costs:** dashmap cannot hold a [`Keyspace`](sharedkv_db::Keyspace),
//! so expiry deadlines live beside the map in an [`ExpiryQueue`] (one short
//! global mutex section per write that sets a TTL). Its guards (`Ref`,
//! `RefMut`, `Entry`) are *synchronous* shard locks: holding one across an
//! `.await` blocks every other task that touches the shard, on every worker
//! thread, and is the classic dashmap deadlock. Every map access here happens
//! in a synchronous function and the guard is gone before a future is
//! returned; clippy.toml lists the guard types so that
//! `await_holding_invalid_type` denies any regression. Multi-key commands are
//! per key only (see below).
//!
//! # Consistency
//!
//! Every single-key command runs under the write lock of the key's shard
//! (reads under its read lock), so single-key operations are linearizable and
//! read-modify-write commands (`INCR`, `SET NX|XX|GET`) are atomic.
//!
//! `MSET`, `MGET`, `DEL` and `EXISTS` over several keys are atomic **per key
//! only** ([`Db::ATOMIC_MULTI_KEY`] is `false`): dashmap locks one shard at a
//! time, and an atomic `MSET` would need the write locks of every touched
//! shard at once, which `DashMap`'s public API does not offer. A concurrent
//! `MGET` can see half of an `MSET`. `len` and `clear` visit the shards one
//! after another, so neither is a snapshot.

use std::future::{Future, ready};
use std::sync::Arc;

use dashmap::DashMap;
use dashmap::mapref::entry::Entry as Slot;
use sharedkv_db::transition::{self, Change};
use sharedkv_db::{
    BuildHasher, Bytes, Db, DbError, Entry, ExpireCondition, ExpiryQueue, Instant, SetOptions,
    SetOutcome, Ttl,
};

/// A handle to a `DashMap` keyspace. Clones share it.
#[derive(Clone, Debug)]
pub struct DashMapDb {
    inner: Arc<Inner>,
}

/// What the handles and the sweep task share.
#[derive(Debug)]
struct Inner {
    /// The keys. Hashed with [`BuildHasher`], as every strategy is, so the
    /// comparison measures sharing and not hashing.
    map: DashMap<Bytes, Entry, BuildHasher>,
    /// Deadline hints for the active sweep. A write that sets a new deadline
    /// pushes its hint while it holds the key's shard lock, before the entry
    /// is stored: a sweep that pops the hint at once then waits for that lock
    /// in `remove_if` and sees the entry. **Lock order:** shard, then queue;
    /// the sweep pops hints before it takes any shard lock, so the two are
    /// never taken the other way round.
    expiries: ExpiryQueue,
}

impl DashMapDb {
    /// An empty store, with its active-expiry sweep running.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        let inner = Arc::new(Inner {
            map: DashMap::with_hasher(BuildHasher::default()),
            expiries: ExpiryQueue::new(),
        });
        sharedkv_db::spawn_sweeper(&inner, |inner| async move { inner.sweep().await });
        Self { inner }
    }

    /// Runs a [`transition`] on `key` atomically and applies the change it
    /// returns: the one place where the map is written.
    ///
    /// **Locking behaviour:** holds the write lock of the key's shard from
    /// `entry` to the end of the `match` (the entry *is* the guard), even when
    /// the transition keeps the slot as it is. Blocks the thread while another
    /// thread holds that shard.
    fn update<R>(
        &self,
        key: &Bytes,
        now: Instant,
        f: impl FnOnce(Option<&Entry>) -> (Change, R),
    ) -> R {
        let Inner { map, expiries } = &*self.inner;
        match map.entry(key.clone()) {
            Slot::Occupied(mut slot) => {
                let (change, answer) = transition::on_slot(Some(slot.get()), now, f);
                expiries.track(key, slot.get().expires_at, change.deadline());
                match change {
                    Change::Keep => {}
                    Change::Put(entry) => {
                        slot.insert(entry);
                    }
                    Change::Remove => {
                        slot.remove();
                    }
                }
                answer
            }
            Slot::Vacant(slot) => {
                let (change, answer) = transition::on_slot(None, now, f);
                expiries.track(key, None, change.deadline());
                // Keep and Remove of an absent key (a SET with a deadline
                // already past) both leave it absent.
                if let Change::Put(entry) = change {
                    slot.insert(entry);
                }
                answer
            }
        }
    }

    /// Answers from the live entry under `key`.
    ///
    /// **Locking behaviour:** the `Ref` guard holds the shard's read lock; it
    /// is a temporary of this body, so the lock is released as soon as `f`
    /// has cloned what it needs.
    fn read<R>(&self, key: &Bytes, now: Instant, f: impl FnOnce(Option<&Entry>) -> R) -> R {
        f(transition::live(self.inner.map.get(key).as_deref(), now))
    }
}

impl Default for DashMapDb {
    fn default() -> Self {
        Self::new()
    }
}

impl Inner {
    /// One active-expiry pass over the due hints. A hint can be stale (the
    /// key was rewritten, persisted or given a later deadline), hence the
    /// re-check under the shard lock in `remove_if`.
    async fn sweep(&self) {
        self.expiries
            .sweep(|key, now| {
                self.map.remove_if(key, |_, entry| !entry.is_live(now));
            })
            .await;
    }
}

impl Db for DashMapDb {
    const ATOMIC_MULTI_KEY: bool = false;

    fn get(&self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send {
        ready(self.read(key, Instant::now(), |e| e.map(|e| e.value.clone())))
    }

    fn set(
        &self,
        key: Bytes,
        value: Bytes,
        opts: SetOptions,
    ) -> impl Future<Output = SetOutcome> + Send {
        let now = Instant::now();
        ready(self.update(&key, now, |cur| transition::set(cur, value, &opts, now)))
    }

    fn getdel(&self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send {
        ready(self.update(key, Instant::now(), transition::getdel))
    }

    fn del(&self, keys: &[Bytes]) -> impl Future<Output = usize> + Send {
        let now = Instant::now();
        ready(
            keys.iter()
                .filter(|k| self.update(k, now, transition::del))
                .count(),
        )
    }

    fn exists(&self, keys: &[Bytes]) -> impl Future<Output = usize> + Send {
        let now = Instant::now();
        ready(
            keys.iter()
                .filter(|k| self.read(k, now, |e| e.is_some()))
                .count(),
        )
    }

    fn incr_by(&self, key: Bytes, delta: i64) -> impl Future<Output = Result<i64, DbError>> + Send {
        ready(self.update(&key, Instant::now(), |cur| transition::incr_by(cur, delta)))
    }

    fn mget(&self, keys: &[Bytes]) -> impl Future<Output = Vec<Option<Bytes>>> + Send {
        let now = Instant::now();
        let get = |k| self.read(k, now, |e| e.map(|e| e.value.clone()));
        ready(keys.iter().map(get).collect())
    }

    fn mset(&self, pairs: Vec<(Bytes, Bytes)>) -> impl Future<Output = ()> + Send {
        let (now, opts) = (Instant::now(), SetOptions::default());
        for (key, value) in pairs {
            self.update(&key, now, |cur| transition::set(cur, value, &opts, now));
        }
        ready(())
    }

    fn expire(
        &self,
        key: &Bytes,
        at: Instant,
        condition: ExpireCondition,
    ) -> impl Future<Output = bool> + Send {
        let now = Instant::now();
        ready(self.update(key, now, |cur| transition::expire(cur, at, condition, now)))
    }

    fn ttl(&self, key: &Bytes) -> impl Future<Output = Ttl> + Send {
        let now = Instant::now();
        ready(self.read(key, now, |e| transition::ttl(e, now)))
    }

    fn persist(&self, key: &Bytes) -> impl Future<Output = bool> + Send {
        ready(self.update(key, Instant::now(), transition::persist))
    }

    /// **Locking behaviour:** takes every shard's read lock in turn.
    fn len(&self) -> impl Future<Output = usize> + Send {
        ready(self.inner.map.len())
    }

    /// **Locking behaviour:** takes every shard's write lock in turn.
    fn clear(&self) -> impl Future<Output = ()> + Send {
        // Hints first: a key written while the map is being cleared then
        // keeps the hint it pushed after this point. The other order could
        // drop the hint of a key that survives, and the sweep would never
        // reclaim it.
        self.inner.expiries.clear();
        self.inner.map.clear();
        ready(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deadline hints follow deadlines (the shared check), read from this map's queue.
    #[tokio::test(start_paused = true)]
    async fn hints_follow_deadlines() {
        sharedkv_testsuite::hints::hints_follow_deadlines(DashMapDb::new(), |db| {
            db.inner.expiries.len()
        })
        .await;
    }
}

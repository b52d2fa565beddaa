//! An implementation of `sharedkv-db`'s [`KeyMap`] trait for a
//! [`dashmap::DashMap`]: a fixed array of `RwLock<HashMap>` shards behind one
//! map API, the key's hash picking the shard. The shard count is fixed at
//! construction: four times the available parallelism, rounded up to a power
//! of two. [`DashMapDb`] is [`MapDb`] over it, sixteen maps for Redis's
//! sixteen databases.
//!
//! **When to pick it:** many cores, many keys, mostly single-key commands. Two
//! commands contend only when their keys share a shard, and reads of one
//! shard run in parallel under its read lock. It is the popular off-the-shelf
//! answer to "a `HashMap` shared between tasks".
//!
//! **What it costs:** a command's step runs under the write lock of its key's
//! shard, inside dashmap's entry guard, and changes the stored entry in place:
//! a write to a big collection costs what the change costs, nothing is copied.
//! But every other key of that shard waits meanwhile, so a slow step (a big
//! collection) stalls a whole shard's worth of keys, and a blocked thread
//! stalls every task queued on it. The guards (`Ref`, `RefMut`, `Entry`) are
//! *synchronous* shard locks: holding one across an `.await` blocks every
//! other task that touches the shard, on every worker thread, and is the
//! classic dashmap deadlock. Every map access here is a synchronous method,
//! and the guard is gone before it returns; clippy.toml lists the guard
//! types so that `await_holding_invalid_type` denies any regression. Expiry
//! deadlines live beside the maps, in [`MapDb`]'s queue.
//!
//! # Consistency
//!
//! Every single-key step runs under the write lock of the key's shard (reads
//! under its read lock), so single-key operations are linearizable and
//! read-modify-write commands (`INCR`, `SET NX|XX|GET`) are atomic.
//!
//! Multi-key commands (`MSET`, `MGET`, `SMOVE`, `RENAME`, ...) are atomic,
//! but not by dashmap: it locks one shard at a time, and its public API
//! offers no way to hold several. [`MapDb`]'s stripe locks do it (a
//! single-key command holds its key's stripe shared, a multi-key step its
//! keys' stripes exclusively), at two atomic operations per command. `len`
//! visits the shards one after another, so it is not a snapshot. [`MapDb`]'s docs say how databases, `SWAPDB` and `SCAN` behave.
//!
//! **Transactions and scripts** (`EXEC`, `EVAL`: [`Db::atomically`](sharedkv_db::Db::atomically)) hold
//! the stripes of every key they declare exclusively, as a multi-key
//! command does. A script may take an undeclared key's stripe if it is
//! free at that moment (it never waits for one while holding others); if
//! not, it is undone and run again holding every stripe, as a transaction
//! with a command that names no key does from the start (about a
//! millisecond to take them all).

use std::mem;
use std::ops::ControlFlow;

use dashmap::DashMap;
use dashmap::mapref::entry::Entry as Place;
use sharedkv_db::{
    BuildHasher, Bytes, Entry, Instant, KeyMap, MapDb, Outcome, Slot, Stepped, run_step,
};

/// A handle to sixteen `DashMap` databases. Clones share them.
pub type DashMapDb = MapDb<DashMapKeys>;

/// One database: a `DashMap`, hashed with [`BuildHasher`] as every strategy
/// is, so that the comparison measures sharing and not hashing.
#[derive(Debug)]
pub struct DashMapKeys(DashMap<Bytes, Entry, BuildHasher>);

impl KeyMap for DashMapKeys {
    fn new() -> Self {
        Self(DashMap::with_hasher(BuildHasher::default()))
    }

    /// The step changes the stored entry in place, through the entry guard;
    /// only an insert or a removal touches the map itself.
    ///
    /// **Locking behaviour:** holds the write lock of the key's shard from
    /// `entry` to the return (the entry *is* the guard), even when the step
    /// changes nothing. Blocks the thread while another thread holds that
    /// shard.
    fn update<R>(
        &self,
        key: &Bytes,
        now: Instant,
        step: impl FnMut(&mut Slot<'_>) -> R,
    ) -> Stepped<R> {
        match self.0.entry(key.clone()) {
            Place::Occupied(mut place) => {
                let mut done = run_step(Some(place.get_mut()), now, step);
                // Keep and Stored: the entry in the map is already right.
                if let Outcome::Remove = mem::replace(&mut done.outcome, Outcome::Keep) {
                    place.remove();
                }
                done
            }
            Place::Vacant(place) => {
                let mut done = run_step(None, now, step);
                if let Outcome::Insert(entry) = mem::replace(&mut done.outcome, Outcome::Keep) {
                    place.insert(entry);
                }
                done
            }
        }
    }

    /// **Locking behaviour:** the `Ref` guard holds the shard's read lock; it
    /// is a temporary of this body, released as soon as `f` returns.
    fn read<R>(&self, key: &[u8], f: impl FnOnce(Option<&Entry>) -> R) -> R {
        f(self.0.get(key).as_deref())
    }

    /// **Locking behaviour:** takes the shard's write lock; the check runs
    /// under it.
    fn remove_expired(&self, key: &Bytes, now: Instant) -> bool {
        self.0
            .remove_if(key, |_, entry| !entry.is_live(now))
            .is_some()
    }

    /// **Locking behaviour:** holds each shard's read lock while `f` visits
    /// its keys, so writers of that shard wait; `f` must not touch the map
    /// (a write from inside would deadlock).
    fn visit(&self, mut f: impl FnMut(&Bytes, &Entry) -> ControlFlow<()>) {
        for pair in self.0.iter() {
            if f(pair.key(), pair.value()).is_break() {
                break;
            }
        }
    }

    /// **Locking behaviour:** takes every shard's read lock in turn.
    fn len(&self) -> usize {
        self.0.len()
    }

    /// **Locking behaviour:** takes every shard's write lock in turn.
    fn clear(&self) {
        self.0.clear();
    }
}

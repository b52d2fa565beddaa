//! An implementation of `sharedkv-db`'s [`Db`](sharedkv_db::Db) trait with
//! the keyspace split into N independent shards, each a [`Keyspace`] behind
//! its own [`std::sync::Mutex`], and a hash of the key picking the shard: the
//! Tokio tutorial's "mutex sharding", and what dashmap does inside.
//!
//! **When to pick it:** when many cores fight over std-mutex's one lock and
//! most commands touch one key. Commands on different shards never wait for
//! each other, so with shards well above the core count, contention falls
//! roughly N-fold while each command stays a plain lock and map access.
//!
//! **What it costs:** a second hash per key, to find its shard. Commands on
//! every key (`DBSIZE`, `FLUSHALL`, the expiry sweep) take N locks in turn. A
//! multi-key command whose keys span shards allocates two small vectors and
//! holds every lock it needs for the whole command. Memory: one 128-byte
//! padded lock and one empty map per shard.
//!
//! # Consistency
//!
//! Single-key operations run under their shard's lock, so they are
//! linearizable. Multi-key commands (`MSET`, `MGET`, `DEL`, `EXISTS`) are
//! atomic: they lock every shard their keys live in before touching any key.
//! `DBSIZE` and `FLUSHALL` are not: they visit the shards one at a time, so
//! they see each shard at a different moment.

use std::future::{Future, ready};
use std::hash::BuildHasher;
use std::num::NonZero;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use foldhash::fast::FixedState;
use sharedkv_db::{Bytes, Keyspace, KeyspaceHost, Route};

/// Picks a key's shard. Why not the maps' own hasher: a shard's keys would
/// all share the low bits of their hash, which the map also uses to pick a
/// bucket, and collide there. A fixed seed makes placement reproducible from
/// run to run; a client that aims every key at one shard only makes this
/// strategy as slow as std-mutex (each map stays randomly seeded).
const SHARD_HASHER: FixedState = FixedState::with_seed(0x5348_4152_4445_4421);

/// The index of the shard that holds `key` among `shards` shards, which
/// must be a power of two. Public so that the other sharded strategy
/// (sharded-actor) places every key exactly where this one does.
pub fn shard_index(key: &[u8], shards: usize) -> usize {
    debug_assert!(shards.is_power_of_two(), "{shards} shards");
    // Truncating the hash is fine: only its low bits are kept.
    SHARD_HASHER.hash_one(key) as usize & (shards - 1)
}

/// `n` rounded up to the power of two [`shard_index`] requires, and at least
/// one. Panics if `n` exceeds the largest power of two a `usize` holds.
pub fn shard_count(n: usize) -> usize {
    n.max(1)
        .checked_next_power_of_two()
        .expect("shard count too large")
}

/// One shard. Why the alignment: the lock word is written on every command,
/// and two shards sharing a cache line would contend through it even when
/// their keys differ. 128 bytes, as crossbeam's `CachePadded`, because some
/// CPUs prefetch cache lines in pairs.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Shard(Mutex<Keyspace>);

/// A handle to a sharded keyspace. Clones share it.
#[derive(Clone, Debug)]
pub struct ShardedDb {
    /// The shards; their count is a power of two so that a mask, not a
    /// division, maps a hash to a shard.
    shards: Arc<[Shard]>,
}

impl ShardedDb {
    /// An empty store with `available_parallelism() * 4` shards rounded up to
    /// a power of two, with its active-expiry sweep running. Why four per
    /// core: with one per core, two busy cores share a shard often (the
    /// birthday problem); more shards make that rarer but cost memory and
    /// slow `DBSIZE`, `FLUSHALL` and the sweep, which lock every shard.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
        Self::with_shards(cores.saturating_mul(4))
    }

    /// An empty store with `n` shards rounded up to a power of two (and at
    /// least one), with its active-expiry sweep running.
    ///
    /// Must be called from within a Tokio runtime. Panics if `n` exceeds the
    /// largest power of two a `usize` holds.
    pub fn with_shards(n: usize) -> Self {
        let n = shard_count(n);
        let shards: Arc<[Shard]> = (0..n).map(|_| Shard::default()).collect();
        sharedkv_db::spawn_sweeper(&shards, |shards| async move {
            sharedkv_db::sweep_host(&ShardedDb { shards }).await;
        });
        Self { shards }
    }

    /// The number of shards: a power of two.
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// The index of the shard that holds `key`.
    fn index(&self, key: &[u8]) -> usize {
        shard_index(key, self.shards.len())
    }

    /// Takes shard `i`'s lock. **Locking behaviour:** blocks the calling
    /// thread while another command holds that shard; while holding a guard,
    /// only take locks of higher-numbered shards.
    fn lock(&self, i: usize) -> MutexGuard<'_, Keyspace> {
        // A panic inside a command cannot leave a shard half-updated (each
        // change is one map insert or remove), so a poisoned lock is still
        // safe to use. A panicking multi-key command may have applied part of
        // its keys, as it would have under one lock.
        self.shards[i]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for ShardedDb {
    fn default() -> Self {
        Self::new()
    }
}

/// The shards one multi-key command holds: `(index, guard)` pairs sorted by
/// index, so a key finds its guard by binary search.
struct Locked<'a> {
    db: &'a ShardedDb,
    guards: Vec<(usize, MutexGuard<'a, Keyspace>)>,
}

impl Route for Locked<'_> {
    fn keyspace_for(&mut self, key: &[u8]) -> &mut Keyspace {
        let i = self.db.index(key);
        let at = self
            .guards
            .binary_search_by_key(&i, |(index, _)| *index)
            .expect("with_keys locks the shard of every key it is given");
        &mut self.guards[at].1
    }
}

impl KeyspaceHost for ShardedDb {
    const ATOMIC_MULTI_KEY: bool = true;

    fn with_key<R: Send + 'static>(
        &self,
        key: &Bytes,
        f: impl FnOnce(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        // The guard is a temporary of this statement: it is dropped before
        // the (already finished) future is returned.
        ready(f(&mut self.lock(self.index(key))))
    }

    /// **Locking behaviour:** locks the shards of `keys` in ascending index
    /// order. Every path that holds more than one shard does so, hence no
    /// cycle of waiters and no deadlock.
    fn with_keys<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        // Fast path, the common case of one key: one shard, no allocation.
        let first = keys.first().map_or(0, |key| self.index(key));
        if keys.iter().all(|key| self.index(key) == first) {
            return ready(f(&mut *self.lock(first)));
        }
        let mut indices: Vec<usize> = keys.iter().map(|key| self.index(key)).collect();
        indices.sort_unstable();
        indices.dedup();
        let guards = indices.into_iter().map(|i| (i, self.lock(i))).collect();
        // Every guard drops with `Locked` at the end of this statement.
        ready(f(&mut Locked { db: self, guards }))
    }

    /// Not a snapshot: holds one shard at a time, so `len` and `clear` see
    /// each shard at a different moment.
    fn with_each<R: Send + 'static>(
        &self,
        mut f: impl FnMut(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = Vec<R>> + Send {
        ready(
            (0..self.shards.len())
                .map(|i| f(&mut self.lock(i)))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use sharedkv_db::Db;

    use super::*;

    /// A requested shard count is rounded up to a power of two, and never below one.
    #[tokio::test]
    async fn shard_count_is_a_power_of_two() {
        assert_eq!(ShardedDb::with_shards(3).shard_count(), 4);
        assert_eq!(ShardedDb::with_shards(16).shard_count(), 16);
        assert_eq!(ShardedDb::with_shards(0).shard_count(), 1);
        assert!(ShardedDb::new().shard_count().is_power_of_two());
    }

    /// 1000 keys land on every one of 16 shards, and one MSET/MGET/DEL across all of them works.
    #[tokio::test]
    async fn keys_spread_and_multi_key_spans_shards() {
        let db = ShardedDb::with_shards(16);
        let keys: Vec<Bytes> = (0..1000).map(|i| Bytes::from(format!("key:{i}"))).collect();
        let pairs = keys.iter().map(|k| (k.clone(), k.slice(4..))).collect();
        db.mset(pairs).await;
        let per_shard = db.with_each(|ks| ks.len()).await;
        assert_eq!(per_shard.iter().sum::<usize>(), 1000);
        assert!(
            per_shard.iter().all(|&n| n > 30),
            "uneven spread: {per_shard:?}"
        );
        let values = db.mget(&keys).await;
        assert!(
            values
                .iter()
                .zip(&keys)
                .all(|(v, k)| v.as_ref() == Some(&k.slice(4..)))
        );
        assert_eq!(db.del(&keys).await, 1000);
        assert_eq!(db.len().await, 0);
    }
}

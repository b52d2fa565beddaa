//! An implementation of `sharedkv-db`'s [`Db`](sharedkv_db::Db) trait with
//! the keys split into N independent shards, each its own [`Databases`]
//! behind its own [`std::sync::Mutex`], and a hash of the key picking the
//! shard (the same in every database): the Tokio tutorial's "mutex
//! sharding", and what dashmap does inside.
//!
//! **When to pick it:** when many cores fight over std-mutex's one lock and
//! most commands touch one key. Commands on different shards never wait for
//! each other, so with shards well above the core count, contention falls
//! roughly N-fold while each command stays a plain lock and map access.
//!
//! **What it costs:** a second hash per key, to find its shard. `SCAN`,
//! `DBSIZE` and the expiry sweep take N locks in turn; `FLUSHALL`, `FLUSHDB`
//! and `SWAPDB` take all N at once. A multi-key command whose keys span
//! shards allocates two small vectors and holds every lock it needs for the
//! whole command. Memory: one 128-byte padded lock and sixteen empty maps
//! per shard.
//!
//! # Consistency
//!
//! Single-key steps run under their shard's lock, so they are linearizable.
//! Multi-key steps (`update_many`, `read_many`: `MSET`, `MGET`, `RENAME`,
//! ...) are atomic ([`ATOMIC_MULTI_KEY`](sharedkv_db::Db::ATOMIC_MULTI_KEY)
//! is `true`): they lock every shard their keys live in before touching any
//! key. `SWAPDB`, `FLUSHDB` and `FLUSHALL` (`with_all`) lock every shard, so
//! they are atomic too. `SCAN`, `DBSIZE` and `RANDOMKEY` are not snapshots:
//! they visit the shards one at a time, so they see each shard at a
//! different moment.
//!
//! **Transactions and scripts** (`EXEC`, `EVAL`: [`Db::atomically`](sharedkv_db::Db::atomically)) lock
//! the shards of every key they declare, in index order, for their whole
//! run: two transactions on different shards run at once. A script that
//! touches a key it did not declare, on a shard it does not hold, is undone
//! (its entries were copied before each first write) and run again holding
//! every shard; a transaction with a command that names no key (`FLUSHDB`,
//! `SCAN`) holds every shard from the start.

use std::future::{Future, ready};
use std::hash::BuildHasher;
use std::num::NonZero;
use std::ops::DerefMut;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use foldhash::fast::FixedState;
use sharedkv_db::{Bytes, Databases, KeyspaceHost, Route, ShardSet};

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
struct Shard(Mutex<Databases>);

/// A handle to a sharded store. Clones share it.
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
    fn lock(&self, i: usize) -> MutexGuard<'_, Databases> {
        // A step that panics (a bug in a command, never a consequence of
        // input) can leave at most its own key changed part-way, and a
        // multi-key step part of its keys, as under one lock; the maps stay
        // sound, so a poisoned lock is still safe to use.
        self.shards[i]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the shards `indices` (ascending, no repeats) for one step.
    fn lock_all(&self, indices: impl Iterator<Item = usize>) -> Held<MutexGuard<'_, Databases>> {
        let guards = indices.map(|i| (i, self.lock(i))).collect();
        Held::new(self.shards.len(), guards)
    }
}

impl Default for ShardedDb {
    fn default() -> Self {
        Self::new()
    }
}

/// The shards one multi-key step holds: `(index, guard)` pairs sorted by
/// index, so a key finds its databases by binary search. The guard is
/// whatever gives the shard's databases: a lock guard here, a loan from an
/// actor in the sharded-actor strategy, which routes keys the same way.
pub struct Held<G> {
    /// The total number of shards, to route keys.
    shards: usize,
    held: Vec<(usize, G)>,
}

impl<G> Held<G> {
    /// The shards `held` (ascending, no repeats) out of `shards`.
    pub fn new(shards: usize, held: Vec<(usize, G)>) -> Self {
        Held { shards, held }
    }
}

impl<G: DerefMut<Target = Databases>> Route for Held<G> {
    fn databases_for(&mut self, key: &[u8]) -> &mut Databases {
        let i = shard_index(key, self.shards);
        let at = self
            .held
            .binary_search_by_key(&i, |(index, _)| *index)
            .expect("with_keys holds the shard of every key it is given");
        &mut self.held[at].1
    }

    fn each(&mut self, f: &mut dyn FnMut(&mut Databases)) {
        self.held.iter_mut().for_each(|(_, guard)| f(guard));
    }

    fn holds(&self, key: &[u8]) -> bool {
        let i = shard_index(key, self.shards);
        self.held
            .binary_search_by_key(&i, |(index, _)| *index)
            .is_ok()
    }

    fn shard(&mut self, index: usize) -> Option<&mut Databases> {
        let at = self.held.binary_search_by_key(&index, |(i, _)| *i).ok()?;
        Some(&mut self.held[at].1)
    }
}

// Every guard below is a temporary of its statement (or dies with `Held`
// at its end): it is dropped before the (already finished) future is
// returned.
impl KeyspaceHost for ShardedDb {
    const ATOMIC_MULTI_KEY: bool = true;

    fn shards(&self) -> usize {
        self.shards.len()
    }

    fn shard_of(&self, key: &[u8]) -> usize {
        self.index(key)
    }

    fn with_shard<R: Send + 'static>(
        &self,
        shard: usize,
        f: impl FnOnce(&mut Databases) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(f(&mut self.lock(shard)))
    }

    /// **Locking behaviour:** locks the shards of `keys` in ascending index
    /// order. Every path that holds more than one shard does so, hence no
    /// cycle of waiters and no deadlock.
    fn with_keys<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        match ShardSet::of(self, keys) {
            // The common case: one shard, no allocation.
            ShardSet::One(shard) => ready(f(&mut *self.lock(shard))),
            ShardSet::Many(indices) => ready(f(&mut self.lock_all(indices.into_iter()))),
        }
    }

    /// **Locking behaviour:** locks every shard, in ascending index order
    /// (as [`with_keys`](KeyspaceHost::with_keys)), and holds them all for
    /// the whole closure: every command waits meanwhile.
    fn with_all<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(f(&mut self.lock_all(0..self.shards.len())))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::TryLockError;
    use std::time::Duration;

    use sharedkv_db::{DbIndex, Entry, Store, Value};

    use super::*;

    /// How many keys each shard holds in database `db`.
    async fn per_shard(db: &ShardedDb, index: DbIndex) -> Vec<usize> {
        let mut counts = Vec::new();
        for shard in 0..db.shard_count() {
            counts.push(db.read_shard(shard, move |dbs| dbs.get(index).len()).await);
        }
        counts
    }

    /// A requested shard count is rounded up to a power of two, and never below one.
    #[tokio::test]
    async fn shard_count_is_a_power_of_two() {
        assert_eq!(ShardedDb::with_shards(3).shard_count(), 4);
        assert_eq!(ShardedDb::with_shards(16).shard_count(), 16);
        assert_eq!(ShardedDb::with_shards(0).shard_count(), 1);
        assert!(ShardedDb::new().shard_count().is_power_of_two());
    }

    /// 1000 keys land on every one of 16 shards, and one multi-key write, read and removal across all of them works.
    #[tokio::test]
    async fn keys_spread_and_multi_key_spans_shards() {
        let db = ShardedDb::with_shards(16);
        let keys: Vec<Bytes> = (0..1000).map(|i| Bytes::from(format!("key:{i}"))).collect();
        let named = keys.clone();
        db.update_many(&keys, move |ks| {
            for key in &named {
                let value = Value::Str(key.slice(4..));
                ks.update(DbIndex::ZERO, key, |slot| {
                    slot.put(Entry::new(value.clone()))
                });
            }
        })
        .await;
        let counts = per_shard(&db, DbIndex::ZERO).await;
        assert_eq!(counts.iter().sum::<usize>(), 1000);
        assert!(counts.iter().all(|&n| n > 30), "uneven spread: {counts:?}");
        let named = keys.clone();
        let all_there = db
            .read_many(&keys, move |ks| {
                named.iter().all(|key| {
                    ks.read(DbIndex::ZERO, key, |e| {
                        e.is_some_and(|e| e.value == Value::Str(key.slice(4..)))
                    })
                })
            })
            .await;
        assert!(all_there);
        let named = keys.clone();
        let removed = db
            .update_many(&keys, move |ks| {
                named
                    .iter()
                    .filter(|key| {
                        ks.update(DbIndex::ZERO, key, |slot| {
                            let existed = slot.exists();
                            slot.remove();
                            existed
                        })
                    })
                    .count()
            })
            .await;
        assert_eq!(removed, 1000);
        assert_eq!(db.len(DbIndex::ZERO).await, 0);
    }

    /// SWAPDB locks every shard in ascending order and holds them all until it is done; then every shard's databases are swapped.
    #[tokio::test]
    async fn with_all_locks_every_shard_in_ascending_order() {
        let db = ShardedDb::with_shards(8);
        let keys: Vec<Bytes> = (0..100).map(|i| Bytes::from(format!("k{i}"))).collect();
        for key in &keys {
            db.update(DbIndex::ZERO, key, |slot| {
                slot.put(Entry::new(Value::Int(1)))
            })
            .await;
        }
        let one = DbIndex::new(1).expect("database 1 exists");
        let held = db.lock(3);
        let swapper = std::thread::spawn({
            let db = db.clone();
            move || {
                let rt = tokio::runtime::Builder::new_current_thread().build();
                rt.expect("a runtime").block_on(db.swap(DbIndex::ZERO, one));
            }
        });
        // Wait until the swap holds shards 0 to 2 and waits for shard 3.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !matches!(db.shards[2].0.try_lock(), Err(TryLockError::WouldBlock)) {
            assert!(
                std::time::Instant::now() < deadline,
                "the swap never took shard 2"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        for i in 0..3 {
            assert!(db.shards[i].0.try_lock().is_err(), "shard {i} was let go");
        }
        for i in 4..8 {
            assert!(
                db.shards[i].0.try_lock().is_ok(),
                "shard {i} taken out of order"
            );
        }
        drop(held);
        swapper.join().expect("the swap panicked");
        assert_eq!(per_shard(&db, DbIndex::ZERO).await, vec![0; 8]);
        assert_eq!(per_shard(&db, one).await.iter().sum::<usize>(), 100);
    }
}

#[cfg(test)]
mod step_scope {
    use sharedkv_db::{Db, KeyspaceHost, Scope};

    use super::*;

    /// A transaction's step holds the shards of its keys and no other, whether they are one shard or several, and every key over the whole store.
    #[tokio::test]
    async fn a_step_holds_the_shards_of_its_keys() {
        let db = ShardedDb::with_shards(16);
        let names: Vec<Bytes> = (0..64).map(|i| Bytes::from(format!("k{i}"))).collect();
        for declared in [vec![], vec![names[0].clone()], names[..3].to_vec()] {
            let shards: Vec<usize> = declared.iter().map(|k| db.shard_of(k)).collect();
            let shards = if shards.is_empty() { vec![0] } else { shards };
            let (host, all) = (db.clone(), names.clone());
            let wrong = db
                .atomically(Scope::Keys(&declared), move |world| {
                    all.iter()
                        .filter(|k| world.holds(k) != shards.contains(&host.shard_of(k)))
                        .count()
                })
                .await;
            assert_eq!(wrong, 0, "declared {declared:?}");
        }
        let all = names.clone();
        let held = db
            .atomically(Scope::All, move |world| all.iter().all(|k| world.holds(k)))
            .await;
        assert!(held);
    }
}

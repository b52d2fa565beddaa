//! An implementation of `sharedkv-db`'s [`Db`](sharedkv_db::Db) trait with
//! the keys split into N shards, each its own [`Databases`] owned by its own
//! actor task ([`KeyspaceActor`], the actor strategy's machinery); a hash of
//! the key picks the shard (the sharded strategy's [`shard_index`], the same
//! in every database) and its actor runs the command.
//!
//! **When to pick it:** when you want the actor model (state owned by tasks,
//! no lock in any command path) but one actor's single core is the
//! bottleneck. N actors run on up to N worker threads at once, so throughput
//! on independent keys scales with the cores, as sharded's locks do.
//!
//! **What it costs:** every command is still a channel round trip (a boxed
//! job, a oneshot reply, two wake-ups), so one command costs what it costs in
//! the actor strategy, usually well above a lock's few hundred nanoseconds.
//! A multi-key command whose keys span shards is dearer still: it borrows
//! each shard's databases in turn (one more round trip per shard) and parks
//! those actors, for the whole command, while it runs on the caller's task.
//! `FLUSHALL`, `FLUSHDB` and `SWAPDB` borrow every shard so; `SCAN` and
//! `DBSIZE` visit the actors one after another. A hot key's actor is the
//! limit for that key, whatever N is.
//!
//! # Consistency
//!
//! Each actor runs one job at a time on the only copy of its shard, so
//! single-key steps are linearizable.
//!
//! Multi-key steps (`update_many`, `read_many`: `MSET`, `MGET`, `RENAME`,
//! ...) are **atomic across shards**
//! ([`Db::ATOMIC_MULTI_KEY`](sharedkv_db::Db::ATOMIC_MULTI_KEY) is `true`),
//! by a fixed-order two-phase step: first the step borrows the databases of
//! every shard its keys live in, in ascending shard order, each actor handing
//! them over and then parking ([`KeyspaceActor::lend`]); once it holds them
//! all, it runs on them as one step and hands them back. While a
//! command holds a shard, that shard's actor handles nothing else, so no
//! other command sees some of its keys written and others not. Because every
//! multi-shard command borrows in the same (ascending) order, no two can
//! wait for each other in a cycle, hence no deadlock; and because a borrowed
//! shard is returned when its [`Loan`] drops, a command cancelled (or
//! panicking) half-way loses nothing. A command whose keys all live on one
//! shard is simply one job for that actor. `SWAPDB`, `FLUSHDB` and
//! `FLUSHALL` (`with_all`) borrow every shard the same way, so they are
//! atomic too. `SCAN`, `DBSIZE` and `RANDOMKEY` are not snapshots: they see
//! each shard at a different moment.
//!
//! **Transactions and scripts** (`EXEC`, `EVAL`: [`Db::atomically`](sharedkv_db::Db::atomically)) on one
//! shard are one job of its actor; across shards they borrow the shards of
//! their declared keys in order, as `MSET` does. A script that touches a
//! key on a shard it did not borrow is undone and run again borrowing
//! every shard.

use std::future::Future;
use std::num::NonZero;
use std::sync::Arc;

use sharedkv_actor::{KeyspaceActor, Loan};
use sharedkv_db::{Bytes, Databases, KeyspaceHost, Route, ShardSet};
use sharedkv_sharded::{Held, shard_count, shard_index};

/// A handle to the shard actors. Clones share them.
#[derive(Clone, Debug)]
pub struct ShardedActorDb {
    /// One actor per shard; their count is a power of two, as
    /// [`shard_index`] requires. Why no sweep task: each actor sweeps its own
    /// shard between jobs. The actors stop when the last handle drops this
    /// `Arc`, and with it their queues' last senders.
    shards: Arc<[KeyspaceActor]>,
}

impl ShardedActorDb {
    /// An empty store with one actor per available core, rounded up to a
    /// power of two. Why not more, as sharded has: an actor is a serial
    /// executor that can keep one worker thread busy, so actors beyond the
    /// core count add no parallelism, only tasks and queues, and multi-key
    /// commands span more shards (one more borrow each).
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        Self::with_shards(std::thread::available_parallelism().map_or(1, NonZero::get))
    }

    /// An empty store with `n` shard actors, rounded up to a power of two
    /// (and at least one).
    ///
    /// Must be called from within a Tokio runtime. Panics if `n` exceeds the
    /// largest power of two a `usize` holds.
    pub fn with_shards(n: usize) -> Self {
        let shards = (0..shard_count(n))
            .map(|_| KeyspaceActor::spawn())
            .collect();
        Self { shards }
    }

    /// The number of shards (and actors): a power of two.
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// The index of the shard that holds `key`.
    fn index(&self, key: &[u8]) -> usize {
        shard_index(key, self.shards.len())
    }

    /// Phase one of a multi-shard step: borrows the shards `indices`
    /// (ascending, no repeats) one after another. A cancellation here drops
    /// the loans taken so far, which sends them home.
    async fn borrow(&self, indices: impl Iterator<Item = usize>) -> Held<Loan> {
        let mut loans = Vec::with_capacity(indices.size_hint().0);
        for i in indices {
            loans.push((i, self.shards[i].lend().await));
        }
        Held::new(self.shards.len(), loans)
    }
}

impl Default for ShardedActorDb {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyspaceHost for ShardedActorDb {
    const ATOMIC_MULTI_KEY: bool = true;

    fn shards(&self) -> usize {
        self.shards.len()
    }

    fn shard_of(&self, key: &[u8]) -> usize {
        self.index(key)
    }

    /// **Locking behaviour:** waits for actor `shard`, as
    /// [`with_key`](KeyspaceHost::with_key) does.
    fn with_shard<R: Send + 'static>(
        &self,
        shard: usize,
        f: impl FnOnce(&mut Databases) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.shards[shard].call(f)
    }

    /// **Locking behaviour:** keys on one shard are one job for its actor.
    /// Keys on several shards borrow those shards in ascending index order,
    /// parking each actor until the step is done (see the crate docs); `f`
    /// then runs on the caller's task.
    fn with_keys<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let shards = ShardSet::of(self, keys);
        async move {
            match shards {
                // The common case: one shard, one job, no loan.
                ShardSet::One(shard) => self.shards[shard].call(move |dbs| f(dbs)).await,
                // Phase two: the whole step at once, then every loan drops.
                ShardSet::Many(indices) => f(&mut self.borrow(indices.into_iter()).await),
            }
        }
    }

    /// **Locking behaviour:** borrows every shard, in ascending index order
    /// (as [`with_keys`](KeyspaceHost::with_keys)), parking every actor
    /// until `f` is done.
    async fn with_all<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> R {
        f(&mut self.borrow(0..self.shards.len()).await)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sharedkv_db::{DbIndex, Entry, Instant, Store, Value};

    use super::*;

    /// Runs one multi-key step that stores each key as its own value.
    async fn set_all(db: &ShardedActorDb, keys: &[Bytes]) {
        let named = keys.to_vec();
        db.update_many(keys, move |ks| {
            for key in &named {
                let value = Value::Str(key.clone());
                ks.update(DbIndex::ZERO, key, |slot| {
                    slot.put(Entry::new(value.clone()))
                });
            }
        })
        .await;
    }

    /// How many of `keys` exist in database 0, read as one step.
    async fn present(db: &ShardedActorDb, keys: &[Bytes]) -> usize {
        let named = keys.to_vec();
        db.read_many(keys, move |ks| {
            named
                .iter()
                .filter(|k| ks.read(DbIndex::ZERO, k, |e| e.is_some()))
                .count()
        })
        .await
    }

    /// How many keys each shard holds in database `index`.
    async fn per_shard(db: &ShardedActorDb, index: DbIndex) -> Vec<usize> {
        let mut counts = Vec::new();
        for shard in 0..db.shard_count() {
            counts.push(db.with_shard(shard, move |dbs| dbs.get(index).len()).await);
        }
        counts
    }

    /// A requested shard count is rounded up to a power of two, and never below one.
    #[tokio::test]
    async fn shard_count_is_a_power_of_two() {
        assert_eq!(ShardedActorDb::with_shards(3).shard_count(), 4);
        assert_eq!(ShardedActorDb::with_shards(0).shard_count(), 1);
        assert!(ShardedActorDb::new().shard_count().is_power_of_two());
    }

    /// Each key lives on the actor that sharded's `shard_index` names, and one multi-key write, read and removal over keys on all 8 actors works.
    #[tokio::test]
    async fn keys_live_where_shard_index_says() {
        let db = ShardedActorDb::with_shards(8);
        let keys: Vec<Bytes> = (0..500).map(|i| Bytes::from(format!("key:{i}"))).collect();
        set_all(&db, &keys).await;
        let mut expected = vec![0; 8];
        for key in &keys {
            expected[shard_index(key, 8)] += 1;
        }
        assert!(expected.iter().all(|&n| n > 0), "{expected:?}");
        assert_eq!(per_shard(&db, DbIndex::ZERO).await, expected);
        assert_eq!(present(&db, &keys).await, 500);
        // Multi-shard writes and removals are the conformance suite's, for
        // every strategy.
    }

    /// A multi-shard step cancelled while it waits for a borrowed shard loses no shard: every actor serves again.
    #[tokio::test]
    async fn a_cancelled_multi_shard_command_gives_every_shard_back() {
        let db = ShardedActorDb::with_shards(4);
        let keys: Vec<Bytes> = (0..64).map(|i| Bytes::from(format!("k{i}"))).collect();
        set_all(&db, &keys).await;
        // Hold the last shard, so the read below borrows the others and waits.
        let last = db.shards.len() - 1;
        let held = db.shards[last].lend().await;
        let gave_up = tokio::time::timeout(Duration::from_millis(20), present(&db, &keys)).await;
        assert!(gave_up.is_err(), "the read finished without the held shard");
        drop(held);
        assert_eq!(present(&db, &keys).await, 64, "a shard came back empty");
        assert_eq!(db.len(DbIndex::ZERO).await, 64);
    }

    /// SWAPDB waits for every shard, and then swaps the databases of all of them at once.
    #[tokio::test]
    async fn with_all_borrows_every_shard() {
        let db = ShardedActorDb::with_shards(4);
        let keys: Vec<Bytes> = (0..64).map(|i| Bytes::from(format!("k{i}"))).collect();
        set_all(&db, &keys).await;
        let one = DbIndex::new(1).expect("database 1 exists");
        let held = db.shards[2].lend().await;
        let swap = tokio::spawn({
            let db = db.clone();
            async move { db.swap(DbIndex::ZERO, one).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!swap.is_finished(), "the swap ran without shard 2");
        let after = tokio::time::timeout(Duration::from_secs(5), db.with_shard(3, |_| ()));
        assert!(after.await.is_ok(), "shard 3 borrowed out of order");
        drop(held);
        swap.await.expect("the swap panicked");
        assert_eq!(per_shard(&db, DbIndex::ZERO).await, vec![0; 4]);
        assert_eq!(present(&db, &keys).await, 0);
        assert_eq!(db.len(one).await, 64);
    }

    /// Each actor sweeps its own shard: expired keys nobody reads are reclaimed.
    #[tokio::test(start_paused = true)]
    async fn actors_sweep_their_shards() {
        let db = ShardedActorDb::with_shards(4);
        let deadline = Some(Instant::now() + Duration::from_secs(1));
        for i in 0..32 {
            db.update(DbIndex::ZERO, &Bytes::from(format!("k{i}")), move |slot| {
                slot.put(Entry {
                    value: Value::Int(1),
                    expires_at: deadline,
                })
            })
            .await;
        }
        assert_eq!(db.len(DbIndex::ZERO).await, 32);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(db.len(DbIndex::ZERO).await, 0);
    }
}

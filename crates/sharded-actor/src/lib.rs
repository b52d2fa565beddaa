//! An implementation of `sharedkv-db`'s [`Db`](sharedkv_db::Db) trait with
//! the keyspace split into N shards, each a [`Keyspace`] owned by its own
//! actor task ([`KeyspaceActor`], the actor strategy's machinery); a hash of
//! the key picks the shard (the sharded strategy's [`shard_index`]) and its
//! actor runs the command.
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
//! each shard's keyspace in turn (one more round trip per shard) and parks
//! those actors, for the whole command, while it runs on the caller's task.
//! `DBSIZE` and `FLUSHALL` visit the actors one after another. A hot key's
//! actor is the limit for that key, whatever N is.
//!
//! # Consistency
//!
//! Each actor runs one job at a time on the only copy of its shard, so
//! single-key operations are linearizable.
//!
//! `MSET`, `MGET`, `DEL` and `EXISTS` are **atomic across shards**
//! ([`Db::ATOMIC_MULTI_KEY`](sharedkv_db::Db::ATOMIC_MULTI_KEY) is `true`),
//! by a fixed-order two-phase step: first the command borrows the keyspace of
//! every shard its keys live in, in ascending shard order, each actor handing
//! its keyspace over and then parking ([`KeyspaceActor::lend`]); once it
//! holds them all, it runs on them as one step and hands them back. While a
//! command holds a shard, that shard's actor handles nothing else, so no
//! other command sees some of its keys written and others not. Because every
//! multi-shard command borrows in the same (ascending) order, no two can
//! wait for each other in a cycle, hence no deadlock; and because a borrowed
//! keyspace is returned when its [`Loan`] drops, a
//! command cancelled (or panicking) half-way loses nothing. A command whose
//! keys all live on one shard is simply one job for that actor. `DBSIZE`
//! and `FLUSHALL` are not snapshots: they see each shard at a different
//! moment.

use std::future::Future;
use std::num::NonZero;
use std::sync::Arc;

use sharedkv_actor::{KeyspaceActor, Loan};
use sharedkv_db::{Bytes, Keyspace, KeyspaceHost, Route};
use sharedkv_sharded::{shard_count, shard_index};

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
}

impl Default for ShardedActorDb {
    fn default() -> Self {
        Self::new()
    }
}

/// The shards one multi-key command has borrowed: `(index, loan)` pairs
/// sorted by index, so a key finds its keyspace by binary search. Dropping
/// it sends every keyspace home.
struct Borrowed {
    /// The total number of shards, to route keys.
    shards: usize,
    loans: Vec<(usize, Loan)>,
}

impl Route for Borrowed {
    fn keyspace_for(&mut self, key: &[u8]) -> &mut Keyspace {
        let i = shard_index(key, self.shards);
        let at = self
            .loans
            .binary_search_by_key(&i, |(index, _)| *index)
            .expect("with_keys borrows the shard of every key it is given");
        &mut self.loans[at].1
    }
}

impl KeyspaceHost for ShardedActorDb {
    const ATOMIC_MULTI_KEY: bool = true;

    /// **Locking behaviour:** waits for the key's actor (see
    /// [`KeyspaceActor::call`]), including while another command has
    /// borrowed its shard.
    fn with_key<R: Send + 'static>(
        &self,
        key: &Bytes,
        f: impl FnOnce(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.shards[self.index(key)].call(f)
    }

    /// **Locking behaviour:** keys on one shard are one job for its actor.
    /// Keys on several shards borrow those shards in ascending index order,
    /// parking each actor until the command is done (see the crate docs);
    /// `f` then runs on the caller's task.
    fn with_keys<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let first = keys.first().map_or(0, |key| self.index(key));
        let mut indices = Vec::new();
        if !keys.iter().all(|key| self.index(key) == first) {
            indices = keys.iter().map(|key| self.index(key)).collect();
            indices.sort_unstable();
            indices.dedup();
        }
        async move {
            // Fast path, the common case: one shard, one job, no loan.
            if indices.is_empty() {
                return self.shards[first].call(move |keyspace| f(keyspace)).await;
            }
            let mut loans = Vec::with_capacity(indices.len());
            for i in indices {
                // Phase one: borrow in ascending order. A cancellation here
                // drops the loans taken so far, which sends them home.
                loans.push((i, self.shards[i].lend().await));
            }
            // Phase two: the whole command at once, then every loan drops.
            let shards = self.shards.len();
            f(&mut Borrowed { shards, loans })
        }
    }

    /// Not a snapshot: one job per actor, one actor after another. `f`
    /// travels with each job and comes back with its answer.
    async fn with_each<R: Send + 'static>(
        &self,
        mut f: impl FnMut(&mut Keyspace) -> R + Send + 'static,
    ) -> Vec<R> {
        let mut answers = Vec::with_capacity(self.shards.len());
        for actor in self.shards.iter() {
            let (answer, back) = actor
                .call(move |keyspace| {
                    let answer = f(keyspace);
                    (answer, f)
                })
                .await;
            answers.push(answer);
            f = back;
        }
        answers
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sharedkv_db::{Db, Instant, SetExpiry, SetOptions};

    use super::*;

    /// A requested shard count is rounded up to a power of two, and never below one.
    #[tokio::test]
    async fn shard_count_is_a_power_of_two() {
        assert_eq!(ShardedActorDb::with_shards(3).shard_count(), 4);
        assert_eq!(ShardedActorDb::with_shards(0).shard_count(), 1);
        assert!(ShardedActorDb::new().shard_count().is_power_of_two());
    }

    /// Each key lives on the actor that sharded's `shard_index` names, and one MSET/EXISTS/DEL over keys on all 8 actors works.
    #[tokio::test]
    async fn keys_live_where_shard_index_says() {
        let db = ShardedActorDb::with_shards(8);
        let keys: Vec<Bytes> = (0..500).map(|i| Bytes::from(format!("key:{i}"))).collect();
        db.mset(keys.iter().map(|k| (k.clone(), k.clone())).collect())
            .await;
        let mut expected = vec![0; 8];
        for key in &keys {
            expected[shard_index(key, 8)] += 1;
        }
        assert!(expected.iter().all(|&n| n > 0), "{expected:?}");
        assert_eq!(db.with_each(|ks| ks.len()).await, expected);
        assert_eq!(db.exists(&keys).await, 500);
        assert_eq!(db.del(&keys).await, 500);
        assert_eq!(db.len().await, 0);
    }

    /// A multi-shard command cancelled while it waits for a borrowed shard loses no shard: every actor serves again.
    #[tokio::test]
    async fn a_cancelled_multi_shard_command_gives_every_shard_back() {
        let db = ShardedActorDb::with_shards(4);
        let keys: Vec<Bytes> = (0..64).map(|i| Bytes::from(format!("k{i}"))).collect();
        db.mset(keys.iter().map(|k| (k.clone(), k.clone())).collect())
            .await;
        // Hold the last shard, so the MGET below borrows the others and waits.
        let last = db.shards.len() - 1;
        let held = db.shards[last].lend().await;
        let gave_up = tokio::time::timeout(Duration::from_millis(20), db.mget(&keys)).await;
        assert!(gave_up.is_err(), "the MGET finished without the held shard");
        drop(held);
        assert_eq!(db.exists(&keys).await, 64, "a shard came back empty");
        assert_eq!(db.len().await, 64);
    }

    /// Each actor sweeps its own shard: expired keys nobody reads are reclaimed.
    #[tokio::test(start_paused = true)]
    async fn actors_sweep_their_shards() {
        let db = ShardedActorDb::with_shards(4);
        let opts = SetOptions {
            expiry: SetExpiry::At(Instant::now() + Duration::from_secs(1)),
            ..SetOptions::default()
        };
        for i in 0..32 {
            db.set(Bytes::from(format!("k{i}")), Bytes::from("v"), opts)
                .await;
        }
        assert_eq!(db.len().await, 32);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(db.len().await, 0);
    }
}

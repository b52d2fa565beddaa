//! An implementation of `sharedkv-db`'s [`KeyMap`] trait for an
//! [`scc::HashMap`], through its **synchronous** methods (`entry_sync`,
//! `read_sync`, `iter_sync`, ...): one array of buckets, each with its own
//! read-write lock, resized incrementally without blocking. [`SccDb`] is
//! [`MapDb`] over it, sixteen maps for Redis's sixteen databases.
//!
//! **When to pick it:** many cores, many keys, mostly single-key commands.
//! Contention is per bucket, not per shard, and growing the table never
//! stops the other commands.
//!
//! **Why not its async methods**, which suspend a task that waits for a
//! bucket instead of blocking its thread, and which this strategy used
//! before: the contract runs some steps synchronously (the keys of a
//! multi-key command, `SCAN`, `FLUSHDB`), and on Tokio a map waited on both
//! ways can deadlock. scc hands a released bucket lock to the next waiter;
//! when that waiter is a suspended task, waking it puts it in the LIFO slot
//! of the thread that released the lock, which no other worker may steal
//! from. If that thread then blocks in a synchronous wait for a bucket the
//! woken task holds, both wait forever. The stress suite's concurrent
//! `SCAN` check found it (two workers parked in `iter_sync`, the others
//! idle). One way of waiting for the whole map is what keeps it sound, and
//! the synchronous one is the one every step can use.
//!
//! **What it costs:**
//!
//! - A busy bucket blocks the waiting thread, as dashmap's shard locks do,
//!   so a slow step stalls the tasks queued on that thread.
//! - `DBSIZE` is a scan: scc's `len` reads every bucket's metadata
//!   (O(capacity)).
//! - A step runs under its bucket's write lock and changes the stored entry
//!   in place (nothing is copied), so a slow step keeps that bucket's keys
//!   waiting. The guards (`Entry`, `OccupiedEntry`, `VacantEntry`) hold that
//!   lock, and every one is consumed by the synchronous `apply` before any
//!   `.await` (clippy.toml lists the types for `await_holding_invalid_type`).
//! - Expiry deadlines live beside the maps, in [`MapDb`]'s queue (one short
//!   global mutex section per write that sets a TTL).
//!
//! # Consistency
//!
//! scc documents its map operations as linearizable: every single-key step
//! runs under the write lock of the key's bucket (reads under its read lock),
//! so single-key operations are linearizable and read-modify-write commands
//! (`INCR`, `SET NX|XX|GET`) are atomic.
//!
//! Multi-key commands (`MSET`, `MGET`, `SMOVE`, `RENAME`, ...) are atomic,
//! but not by scc: it locks one bucket at a time and offers no way to hold
//! several. [`MapDb`]'s stripe locks do it (a single-key command holds its
//! key's stripe shared, a multi-key step its keys' stripes exclusively), at
//! two atomic operations per command. `DBSIZE` visits the buckets one after
//! another, so it is not a snapshot.
//! [`MapDb`]'s docs say how databases, `SWAPDB` and `SCAN` behave.
//!
//! **Transactions and scripts** (`EXEC`, `EVAL`: [`Db::atomically`](sharedkv_db::Db::atomically)) hold
//! the stripes of every key they declare exclusively, as a multi-key
//! command does; undeclared keys as dashmap's docs say.

use std::mem;
use std::ops::ControlFlow;

use scc::hash_map::Entry as Place;
use sharedkv_db::{
    BuildHasher, Bytes, Entry, Instant, KeyMap, MapDb, Outcome, Slot, Stepped, run_step,
};

/// A handle to sixteen scc databases. Clones share them.
pub type SccDb = MapDb<SccKeys>;

/// One database: an `scc::HashMap`, hashed with [`BuildHasher`] as every
/// strategy is, so that the comparison measures sharing and not hashing.
#[derive(Debug)]
pub struct SccKeys(scc::HashMap<Bytes, Entry, BuildHasher>);

impl KeyMap for SccKeys {
    fn new() -> Self {
        Self(scc::HashMap::with_hasher(BuildHasher::default()))
    }

    /// **Locking behaviour:** blocks the thread for the write lock of the
    /// key's bucket, then holds it while the step runs.
    fn update<R>(
        &self,
        key: &Bytes,
        now: Instant,
        step: impl FnMut(&mut Slot<'_>) -> R,
    ) -> Stepped<R> {
        apply(self.0.entry_sync(key.clone()), now, step)
    }

    /// **Locking behaviour:** blocks the thread for the read lock of the
    /// key's bucket, held while `f` runs on a present entry.
    fn read<R>(&self, key: &[u8], f: impl FnOnce(Option<&Entry>) -> R) -> R {
        let mut f = Some(f);
        let found = self.0.read_sync(key, |_, e| f.take().map(|f| f(Some(e))));
        answer(found.flatten(), f)
    }

    /// **Locking behaviour:** blocks the thread for the bucket's write lock;
    /// the check runs under it.
    fn remove_expired(&self, key: &Bytes, now: Instant) -> bool {
        self.0
            .remove_if_sync(key, |entry| !entry.is_live(now))
            .is_some()
    }

    /// **Locking behaviour:** holds each bucket's read lock while `f` visits
    /// its keys (blocking the thread while one is busy); `f` must not touch
    /// the map.
    fn visit(&self, mut f: impl FnMut(&Bytes, &Entry) -> ControlFlow<()>) {
        self.0.iter_sync(|key, entry| f(key, entry).is_continue());
    }

    /// **Locking behaviour:** none; a scan of every bucket's metadata,
    /// O(capacity), that never waits.
    fn len(&self) -> usize {
        self.0.len()
    }

    /// **Locking behaviour:** takes every bucket's write lock in turn,
    /// blocking the thread while one is busy.
    fn clear(&self) {
        self.0.clear_sync();
    }
}

/// Runs a step on a locked place and applies its outcome. Synchronous on
/// purpose: the place is a bucket lock, and no `.await` can be written while
/// it is alive. The step changes an occupied entry in place.
fn apply<R>(
    place: Place<'_, Bytes, Entry, BuildHasher>,
    now: Instant,
    step: impl FnMut(&mut Slot<'_>) -> R,
) -> Stepped<R> {
    match place {
        Place::Occupied(mut place) => {
            let mut done = run_step(Some(place.get_mut()), now, step);
            // Keep and Stored: the entry in the map is already right.
            if let Outcome::Remove = mem::replace(&mut done.outcome, Outcome::Keep) {
                drop(place.remove());
            }
            done
        }
        Place::Vacant(place) => {
            let mut done = run_step(None, now, step);
            if let Outcome::Insert(entry) = mem::replace(&mut done.outcome, Outcome::Keep) {
                place.insert_entry(entry);
            }
            done
        }
    }
}

/// The answer of a read: scc calls its reader only on a present key, so `f`
/// waits in an `Option` and runs on `None` if the reader never took it.
fn answer<R>(found: Option<R>, f: Option<impl FnOnce(Option<&Entry>) -> R>) -> R {
    match (found, f) {
        (Some(answer), _) => answer,
        (None, Some(f)) => f(None),
        (None, None) => unreachable!("a reader that took `f` returned its answer"),
    }
}

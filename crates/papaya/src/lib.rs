//! An implementation of `sharedkv-db`'s [`KeyMap`] trait for a
//! [`papaya::HashMap`]: a lock-free hash table built for read-heavy loads,
//! whose memory is reclaimed by [`seize`]-based guards, like flurry's.
//! [`PapayaDb`] is [`MapDb`] over it, sixteen maps for Redis's sixteen
//! databases.
//!
//! [`seize`]: https://docs.rs/seize
//!
//! **When to pick it:** read-mostly workloads on many cores. Inside papaya a
//! `GET` takes no lock and writes no shared word, and a write is a
//! compare-and-swap of one slot: readers never wait for writers, and writers
//! wait for nobody. Around it, [`MapDb`] holds the key's stripe shared for
//! every command (one atomic write on a line shared with 1/65,536 of the
//! keys), the price of atomic multi-key commands.
//!
//! **What it costs:**
//!
//! - **Every write copies the entry.** A stored value may be read by any
//!   thread at any time without a lock, so it is never changed in place: a
//!   step runs on a clone of the stored entry, and the clone is swapped in
//!   by CAS as a fresh heap node while the old one is retired to the
//!   collector. For a string that is a small allocation and a reference
//!   count. For a collection (a hash, list, set or sorted set) it is a copy
//!   of the whole collection per write, however small the change: the cost
//!   the benchmarks measure against the in-place strategies. A step that
//!   ends up changing nothing pays the clone too, and writes nothing.
//! - Read-modify-write is optimistic: [`HashMap::compute`](papaya::HashMap::compute)
//!   runs the step on the entry it finds and commits only if that entry is
//!   still there, otherwise runs it again (on a fresh copy). A retry costs
//!   the time and the copy; under heavy contention on one key, writers retry
//!   rather than queue.
//! - Guards: every access runs under a pin ([`papaya::LocalGuard`]). A local
//!   guard is `!Send`, so it could not cross an `.await` in a spawned task
//!   anyway; it lives inside one synchronous method, and clippy.toml lists
//!   papaya's guard types for `await_holding_invalid_type` all the same (an
//!   owned guard is `Send`, and would hold back reclamation for as long as a
//!   task sleeps).
//! - Growing the table blocks writers: the write that finds the table full
//!   copies it to a bigger one, helped by the other writers, while reads go
//!   on ([`PapayaKeys`] says why not papaya's incremental resize).
//! - Expiry deadlines live beside the maps, in [`MapDb`]'s queue.
//!
//! # Consistency
//!
//! Single-key steps are linearizable. papaya's reads see the most recent
//! write of the key (its docs: a read establishes a happens-before
//! relationship with the write it sees), and every step that writes commits
//! by a CAS on the very entry it ran on, or, if it changes nothing, takes
//! effect at the instant it read that entry.
//!
//! Multi-key commands (`MSET`, `MGET`, `SMOVE`, `RENAME`, ...) are atomic,
//! but not by papaya: it has no way to lock several keys, or the table, at
//! once. [`MapDb`]'s stripe locks do it (a single-key command holds its
//! key's stripe shared, a multi-key step its keys' stripes exclusively), so
//! even a papaya read now writes a shared word: the price of Redis's
//! guarantee on a map built so that reads write nothing. `len` reads
//! papaya's counter, so it is not a snapshot. [`MapDb`]'s docs say how databases, `SWAPDB` and `SCAN` behave.
//!
//! **Transactions and scripts** (`EXEC`, `EVAL`: [`Db::atomically`](sharedkv_db::Db::atomically)) hold
//! the stripes of every key they declare exclusively, as a multi-key
//! command does; undeclared keys as dashmap's docs say. A big collection
//! changed inside one is copied per command, as outside.

use std::mem;
use std::ops::ControlFlow;

use papaya::{Compute, Operation};
use sharedkv_db::{
    BuildHasher, Bytes, Entry, Instant, KeyMap, MapDb, Outcome, Slot, Stepped, run_step,
};

/// A handle to sixteen papaya databases. Clones share them.
pub type PapayaDb = MapDb<PapayaKeys>;

/// One database: a papaya map, hashed with [`BuildHasher`] as every strategy
/// is, so that the comparison measures sharing and not hashing.
///
/// Why `ResizeMode::Blocking` and not papaya's default, incremental
/// resizing: in papaya 0.2.5, `compute` (our only write) never helps an
/// incremental copy along (`insert` and `remove` do), so with every write
/// going through `compute` a started copy never finishes. Tables then chain
/// up and every operation walks the chain: 3,000 rounds of MSET and DEL on
/// the same 8 keys took seconds, and reads slowed without bound. In blocking
/// mode the write that starts a resize finishes it.
#[derive(Debug)]
pub struct PapayaKeys(papaya::HashMap<Bytes, Entry, BuildHasher>);

impl KeyMap for PapayaKeys {
    fn new() -> Self {
        Self(
            papaya::HashMap::builder()
                .hasher(BuildHasher::default())
                .resize_mode(papaya::ResizeMode::Blocking)
                .build(),
        )
    }

    /// `compute` hands the closure the entry it found (or none), and commits
    /// the operation only if that slot is unchanged; otherwise it calls the
    /// closure again on what is there now. papaya may also reuse an operation
    /// it computed before for the same entry, instead of calling again. So
    /// the closure records the [`Stepped`] of its latest run on a present
    /// entry and on an absent one, and the kind of commit papaya reports
    /// picks the right one: an insert was computed on an absent key, an
    /// update or a removal on a present one. An abort carries its own.
    ///
    /// **Locking behaviour:** none; the pin is a local, `!Send` guard dropped
    /// on return, and a contended slot means a retry, never a wait (but see
    /// the resize in the crate docs).
    fn update<R>(
        &self,
        key: &Bytes,
        now: Instant,
        mut step: impl FnMut(&mut Slot<'_>) -> R,
    ) -> Stepped<R> {
        let map = self.0.pin();
        let (mut on_absent, mut on_present) = (None, None);
        let committed = map.compute(key.clone(), |found| {
            let Some((_, entry)) = found else {
                let mut done = run_step(None, now, &mut step);
                return match mem::replace(&mut done.outcome, Outcome::Keep) {
                    Outcome::Insert(entry) => {
                        on_absent = Some(done);
                        Operation::Insert(entry)
                    }
                    // Keep: nothing to write (papaya panics on removing
                    // an absent key, and run_step never asks it to).
                    _ => Operation::Abort(done),
                };
            };
            let mut copy = entry.clone();
            let mut done = run_step(Some(&mut copy), now, &mut step);
            match mem::replace(&mut done.outcome, Outcome::Keep) {
                Outcome::Stored => {
                    on_present = Some(done);
                    Operation::Insert(copy)
                }
                Outcome::Remove => {
                    on_present = Some(done);
                    Operation::Remove
                }
                Outcome::Insert(_) | Outcome::Keep => Operation::Abort(done),
            }
        });
        let done = match committed {
            Compute::Aborted(done) => return done,
            Compute::Inserted(..) => on_absent,
            Compute::Updated { .. } | Compute::Removed(..) => on_present,
        };
        done.expect("a committed operation was returned by a run that recorded its result")
    }

    /// A lock-free read, under a pin dropped on return.
    fn read<R>(&self, key: &[u8], f: impl FnOnce(Option<&Entry>) -> R) -> R {
        f(self.0.pin().get(key))
    }

    /// The hint may be stale (the key was rewritten, persisted or given a
    /// later deadline), so a lock-free read skips most of those, and the
    /// removal commits only on the expired entry it saw.
    fn remove_expired(&self, key: &Bytes, now: Instant) -> bool {
        let map = self.0.pin();
        map.get(key).is_some_and(|entry| !entry.is_live(now))
            && matches!(
                map.compute(key.clone(), |found| match found {
                    Some((_, entry)) if !entry.is_live(now) => Operation::Remove,
                    _ => Operation::Abort(()),
                }),
                papaya::Compute::Removed(..)
            )
    }

    /// Lock-free, under one pin for the whole visit: garbage retired
    /// meanwhile waits until it ends.
    fn visit(&self, mut f: impl FnMut(&Bytes, &Entry) -> ControlFlow<()>) {
        for (key, entry) in self.0.pin().iter() {
            if f(key, entry).is_break() {
                break;
            }
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    /// **Locking behaviour:** papaya's `clear` first waits for any resize in
    /// progress to finish (it blocks the thread), then removes entry by entry.
    fn clear(&self) {
        self.0.pin().clear();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sharedkv_db::{DbIndex, Store, Value};

    use super::*;

    /// The counter a step finds under its key: 0 where the key is absent.
    fn count(slot: &Slot<'_>) -> i64 {
        match slot.value() {
            Some(Value::Int(n)) => *n,
            _ => 0,
        }
    }

    /// INCR as a step, answering the count it found (these tests set no TTL).
    fn incr(slot: &mut Slot<'_>) -> i64 {
        let previous = count(slot);
        slot.put(Entry::new(Value::Int(previous + 1)));
        previous
    }

    /// GETDEL of a counter as a step: what it held, and the key is gone.
    fn take(slot: &mut Slot<'_>) -> i64 {
        let n = count(slot);
        slot.remove();
        n
    }

    /// SET NX GET of 1 as a step: whether it wrote, and what was there.
    fn set_nx_get(slot: &mut Slot<'_>) -> (bool, Option<Value>) {
        let previous = slot.value().cloned();
        if previous.is_none() {
            slot.put(Entry::new(Value::Int(1)));
        }
        (previous.is_none(), previous)
    }

    /// INCR, GETDEL and SET NX GET steps racing on one key from four worker threads (so `compute` retries on a slot that changed, vanished or appeared under it) lose no increment, and every answer belongs to the run that committed. Each life of the key, from its creation to the GETDEL that takes its value `k`, holds `k` writes whose answers say they moved it from 0, 1, ..., k-1: so what was taken is what was added, and the INCRs' previous values sum to k(k-1)/2 per life.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn compute_retries_keep_answers_and_counts() {
        const TASKS: usize = 6;
        const EACH: i64 = 3_000;
        /// What the tasks saw: writes that added 1, the INCRs' previous
        /// values, the values taken, and k(k-1)/2 for each value k taken.
        #[derive(Default)]
        struct Seen {
            added: i64,
            previous: i64,
            taken: i64,
            triangles: i64,
        }
        impl Seen {
            fn take(&mut self, k: i64) {
                self.taken += k;
                self.triangles += k * (k - 1) / 2;
            }
        }
        let db = PapayaDb::new();
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                let (db, key) = (db.clone(), Bytes::from_static(b"n"));
                tokio::spawn(async move {
                    let mut seen = Seen::default();
                    for _ in 0..EACH {
                        match t % 3 {
                            0 => {
                                seen.previous += db.update(DbIndex::ZERO, &key, incr).await;
                                seen.added += 1;
                            }
                            1 => seen.take(db.update(DbIndex::ZERO, &key, take).await),
                            _ => {
                                let (written, previous) =
                                    db.update(DbIndex::ZERO, &key, set_nx_get).await;
                                assert_eq!(written, previous.is_none(), "{previous:?}");
                                seen.added += i64::from(written);
                            }
                        }
                    }
                    seen
                })
            })
            .collect();
        let mut all = Seen::default();
        for task in tasks {
            let seen = task.await.unwrap();
            all.added += seen.added;
            all.previous += seen.previous;
            all.taken += seen.taken;
            all.triangles += seen.triangles;
        }
        let key = Bytes::from_static(b"n");
        all.take(db.update(DbIndex::ZERO, &key, take).await);
        assert_eq!(all.taken, all.added, "no write lost or doubled");
        assert_eq!(
            all.triangles, all.previous,
            "every INCR answered its own commit"
        );
    }

    /// Writing and deleting the same keys over and over (every write a `compute`) stays fast: resizes finish (see `PapayaKeys`).
    #[tokio::test]
    async fn churn_through_compute_does_not_slow_down() {
        const ROUNDS: usize = 10_000;
        let db = PapayaDb::new();
        let keys: Vec<Bytes> = (0..8).map(|i| Bytes::from(format!("churn{i}"))).collect();
        let start = std::time::Instant::now();
        for round in 0..ROUNDS {
            let n = i64::try_from(round).unwrap();
            for key in &keys {
                let put = move |slot: &mut Slot<'_>| slot.put(Entry::new(Value::Int(n)));
                db.update(DbIndex::ZERO, key, put).await;
            }
            for key in &keys {
                assert_eq!(db.update(DbIndex::ZERO, key, take).await, n);
            }
            // With incremental resizing this loop grows quadratically and
            // takes minutes; fixed, it takes well under a second.
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "round {round}: churn slowed down"
            );
        }
        assert_eq!(db.len(DbIndex::ZERO).await, 0);
    }
}

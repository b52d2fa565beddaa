//! An implementation of `sharedkv-db`'s [`KeyMap`] trait for a
//! [`flurry::HashMap`], Jon Gjengset's port of Java's `ConcurrentHashMap`:
//! reads are lock-free, a write locks only the one bin (hash bucket) it
//! changes, and memory is reclaimed by epochs ([`seize`]-based guards) rather
//! than reference counts or locks. [`FlurryDb`] is [`MapDb`] over it, sixteen
//! maps for Redis's sixteen databases.
//!
//! [`seize`]: https://docs.rs/seize
//!
//! **When to pick it:** read-heavy workloads on many cores. A `GET` takes no
//! lock of the map's, so readers never wait for writers or for each other
//! inside it, and writers contend only when their keys share a bin. (It does
//! hold its key's stripe in [`MapDb`] shared, as every command does, so that
//! multi-key commands stay atomic: one shared atomic write per command.)
//!
//! **What it costs:**
//!
//! - **Every write copies the entry.** A stored value may be read by any
//!   thread at any time without a lock, so it is never changed in place: a
//!   step runs on a clone of the stored entry, and the clone is swapped in
//!   as a fresh heap node while the old one is retired to the collector. For
//!   a string that is a small allocation and a reference count. For a
//!   collection (a hash, list, set or sorted set) it is a copy of the whole
//!   collection per write, however small the change: the cost the benchmarks
//!   measure against the in-place strategies. The clone is made before the
//!   step runs, so a step that ends up changing nothing (`SET NX` on a
//!   present key) pays it too, but writes nothing.
//! - No general atomic `compute`: flurry has `try_insert` for absent keys and
//!   `compute_if_present` for present ones, so a read-modify-write is a small
//!   optimistic loop over the two (see [`FlurryKeys::update`]).
//! - Guards: every access runs under a guard that pins an epoch. A guard is
//!   `!Send`, and garbage is not reclaimed while one is held, so guards live
//!   only inside one synchronous method, never across an `.await`
//!   (clippy.toml lists `flurry::Guard` for `await_holding_invalid_type`).
//! - Expiry deadlines live beside the maps, in [`MapDb`]'s queue.
//!
//! # Consistency
//!
//! Single-key steps are linearizable: a read sees the value pointer some
//! completed or overlapping write stored, and every step that writes commits
//! under the key's bin lock after running on the value it found there, or,
//! if it changes nothing, takes effect at the instant of its lock-free read.
//!
//! Multi-key commands (`MSET`, `MGET`, `SMOVE`, `RENAME`, ...) are atomic,
//! but not by flurry: it locks at most one bin at a time and offers no
//! multi-key operation. [`MapDb`]'s stripe locks do it (a single-key command
//! holds its key's stripe shared, a multi-key step its keys' stripes
//! exclusively), so even a flurry read now writes a shared word: the price
//! of Redis's guarantee on a map built for lock-free reads. `len` reads an
//! approximate counter, so it is not a snapshot. [`MapDb`]'s docs say how databases, `SWAPDB` and `SCAN` behave.
//!
//! **Transactions and scripts** (`EXEC`, `EVAL`: [`Db::atomically`](sharedkv_db::Db::atomically)) hold
//! the stripes of every key they declare exclusively, as a multi-key
//! command does; undeclared keys as dashmap's docs say. A big collection
//! changed inside one is copied per command, as outside.

use std::mem;
use std::ops::ControlFlow;

use sharedkv_db::{
    BuildHasher, Bytes, Entry, Instant, KeyMap, MapDb, Outcome, Slot, Stepped, run_step,
};

/// A handle to sixteen flurry databases. Clones share them.
pub type FlurryDb = MapDb<FlurryKeys>;

/// One database: a flurry map, hashed with [`BuildHasher`] as every strategy
/// is, so that the comparison measures sharing and not hashing.
#[derive(Debug)]
pub struct FlurryKeys(flurry::HashMap<Bytes, Entry, BuildHasher>);

impl KeyMap for FlurryKeys {
    fn new() -> Self {
        Self(flurry::HashMap::with_hasher(BuildHasher::default()))
    }

    /// flurry has no `compute` that covers both an absent and a present key,
    /// so this is an optimistic loop, all under one pin:
    ///
    /// 1. Read the current entry without a lock and run the step on a copy
    ///    of it. If it changes nothing, return: the step took effect at that
    ///    read.
    /// 2. If the key was absent, `try_insert` the new entry. If a racing
    ///    writer inserted first, start again.
    /// 3. If it was present, `compute_if_present` re-checks under the bin
    ///    lock. If the value there is still the very node read in step 1
    ///    (same address: no node the pin has seen can be freed, so no address
    ///    can be reused while it lives), the copy from step 1 is stored, or
    ///    the key removed; otherwise the step runs again, on a copy of the
    ///    value under the lock. If the key vanished meanwhile, start again.
    ///
    /// The step may therefore run more than once; the [`Stepped`] of the run
    /// that was applied is returned.
    ///
    /// **Locking behaviour:** only step 3 takes a lock, the key's bin lock,
    /// held while the step runs; it blocks the thread while another writer
    /// holds that bin.
    fn update<R>(
        &self,
        key: &Bytes,
        now: Instant,
        mut step: impl FnMut(&mut Slot<'_>) -> R,
    ) -> Stepped<R> {
        let map = self.0.pin();
        loop {
            let Some(seen) = map.get(key) else {
                let mut done = run_step(None, now, &mut step);
                let Outcome::Insert(entry) = mem::replace(&mut done.outcome, Outcome::Keep) else {
                    return done;
                };
                match map.try_insert(key.clone(), entry) {
                    Ok(_) => return done,
                    Err(_) => continue,
                }
            };
            let mut copy = seen.clone();
            let done = run_step(Some(&mut copy), now, &mut step);
            if let Outcome::Keep = done.outcome {
                return done;
            }
            let mut applied = None;
            map.compute_if_present(key, |_, current| {
                let (mut done, copy) = if std::ptr::eq(current, seen) {
                    (done, copy)
                } else {
                    let mut copy = current.clone();
                    (run_step(Some(&mut copy), now, &mut step), copy)
                };
                let stored = match mem::replace(&mut done.outcome, Outcome::Keep) {
                    Outcome::Remove => None,
                    // compute_if_present cannot leave a value alone: keeping
                    // it means storing the unchanged copy in a new node. Only
                    // a rerun on a write that raced in can bring us here with
                    // Keep.
                    Outcome::Keep | Outcome::Stored => Some(copy),
                    Outcome::Insert(entry) => Some(entry),
                };
                applied = Some(done);
                stored
            });
            // compute_if_present returns `None` both when it removed the key
            // and when the key was gone; only `applied` tells them apart.
            if let Some(done) = applied {
                return done;
            }
        }
    }

    /// A lock-free read, under a pin dropped on return.
    fn read<R>(&self, key: &[u8], f: impl FnOnce(Option<&Entry>) -> R) -> R {
        f(self.0.pin().get(key))
    }

    /// The hint may be stale (the key was rewritten, persisted or given a
    /// later deadline): a lock-free read skips most of those, and the removal
    /// re-checks under the bin lock.
    fn remove_expired(&self, key: &Bytes, now: Instant) -> bool {
        let map = self.0.pin();
        // Removed when the compute leaves no value behind.
        map.get(key).is_some_and(|e| !e.is_live(now))
            && map
                .compute_if_present(key, |_, e| e.is_live(now).then(|| e.clone()))
                .is_none()
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

    /// An atomic counter, exact only when no write is in flight.
    fn len(&self) -> usize {
        self.0.len()
    }

    /// **Locking behaviour:** takes every bin's lock in turn.
    fn clear(&self) {
        self.0.pin().clear();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;

    use sharedkv_db::{DbIndex, Store, Value};

    use super::*;

    const THREADS: usize = 8;

    /// Runs `body(i)` on `THREADS` OS threads released together by a barrier.
    fn race<T: Send>(body: impl Fn(usize) -> T + Sync) -> Vec<T> {
        let start = Barrier::new(THREADS);
        std::thread::scope(|s| {
            let threads: Vec<_> = (0..THREADS)
                .map(|i| {
                    let (start, body) = (&start, &body);
                    s.spawn(move || {
                        start.wait();
                        body(i)
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        })
    }

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    /// INCR as a step (these races set no TTL): an absent key counts as 0.
    fn incr(slot: &mut Slot<'_>) -> i64 {
        let n = match slot.value() {
            Some(Value::Int(n)) => n + 1,
            _ => 1,
        };
        slot.put(Entry::new(Value::Int(n)));
        n
    }

    /// GETDEL of a counter as a step: what it held, and the key is gone.
    fn take(slot: &mut Slot<'_>) -> i64 {
        let n = match slot.value() {
            Some(Value::Int(n)) => *n,
            _ => 0,
        };
        slot.remove();
        n
    }

    /// Of many threads racing a SET NX step on one absent key, exactly one
    /// writes (the losers' `try_insert` fails and their retry sees the key).
    #[tokio::test]
    async fn racing_set_nx_writes_once() {
        let db = FlurryDb::new();
        let handle = tokio::runtime::Handle::current();
        for round in 0..50 {
            let key = b(&format!("lock{round}"));
            let written = race(|i| {
                let set_nx = move |slot: &mut Slot<'_>| {
                    let absent = !slot.exists();
                    if absent {
                        slot.put(Entry::new(Value::Int(i as i64)));
                    }
                    absent
                };
                handle.block_on(db.update(DbIndex::ZERO, &key, set_nx))
            });
            assert_eq!(written.iter().filter(|&&w| w).count(), 1, "round {round}");
        }
    }

    /// INCRs racing GETDELs on one key (so keys vanish between the lock-free
    /// read and the compute, and reappear through `try_insert`) lose no
    /// increment: what was taken plus what is left is what was added.
    #[tokio::test]
    async fn incr_racing_getdel_is_conserved() {
        const EACH: i64 = 2_000;
        let (db, key) = (FlurryDb::new(), b("n"));
        let handle = tokio::runtime::Handle::current();
        let taken = race(|i| {
            let mut taken = 0;
            for _ in 0..EACH {
                if i % 2 == 0 {
                    handle.block_on(db.update(DbIndex::ZERO, &key, incr));
                } else {
                    taken += handle.block_on(db.update(DbIndex::ZERO, &key, take));
                }
            }
            taken
        });
        let left = db.update(DbIndex::ZERO, &key, take).await;
        assert_eq!(taken.iter().sum::<i64>() + left, THREADS as i64 / 2 * EACH);
    }
}

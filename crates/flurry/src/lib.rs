//! An implementation of `sharedkv-db`'s [`Db`] trait over a
//! [`flurry::HashMap`], Jon Gjengset's port of Java's `ConcurrentHashMap`:
//! reads are lock-free, a write locks only the one bin (hash bucket) it
//! changes, and memory is reclaimed by epochs ([`seize`]-based guards) rather
//! than reference counts or locks.
//!
//! [`seize`]: https://docs.rs/seize
//!
//! **When to pick it:** read-heavy workloads on many cores. A `GET` takes no
//! lock at all, so readers never wait for writers or for each other, and
//! writers contend only when their keys share a bin.
//!
//! **What it costs:**
//!
//! - An allocation per write: every stored value is a fresh heap node that is
//!   swapped in, and the old one is retired to the collector, which frees it
//!   once no guard can still see it. A command that changes nothing (`SET NX`
//!   on a present key, `DEL` of an absent one) is answered from a lock-free
//!   read and writes nothing.
//! - No general atomic `compute`: flurry has `try_insert` for absent keys and
//!   `compute_if_present` for present ones, so a read-modify-write is a small
//!   optimistic loop over the two (see `Pinned::update`).
//! - Guards: every access runs under a guard that pins an epoch. A guard is
//!   `!Send`, and garbage is not reclaimed while one is held, so guards live
//!   only inside the synchronous body of one command, never across an
//!   `.await` (clippy.toml lists `flurry::Guard` for
//!   `await_holding_invalid_type`).
//! - flurry cannot hold a [`Keyspace`](sharedkv_db::Keyspace), so expiry
//!   deadlines live beside the map in an [`ExpiryQueue`] (one short global
//!   mutex section per write that sets a TTL).
//!
//! # Consistency
//!
//! Single-key operations are linearizable: a read sees the value pointer some
//! completed or overlapping write stored, and every read-modify-write
//! (`INCR`, `SET NX|XX|GET`, `GETDEL`, ...) either commits under the key's bin
//! lock after computing from the value it found there, or, if it changes
//! nothing, takes effect at the instant of its lock-free read.
//!
//! `MSET`, `MGET`, `DEL` and `EXISTS` over several keys are atomic **per key
//! only** ([`Db::ATOMIC_MULTI_KEY`] is `false`): flurry locks at most one bin
//! at a time and offers no multi-key operation. A concurrent `MGET` can see
//! half of an `MSET`. `len` reads an approximate counter, and `clear` removes
//! bin by bin, so neither is a snapshot.

use std::future::{Future, ready};
use std::sync::Arc;

use flurry::HashMapRef;
use sharedkv_db::transition::{self, Change};
use sharedkv_db::{
    BuildHasher, Bytes, Db, DbError, Entry, ExpireCondition, ExpiryQueue, Instant, SetOptions,
    SetOutcome, Ttl,
};

/// A handle to a flurry keyspace. Clones share it.
#[derive(Clone, Debug)]
pub struct FlurryDb {
    inner: Arc<Inner>,
}

/// What the handles and the sweep task share.
#[derive(Debug)]
struct Inner {
    /// The keys. Hashed with [`BuildHasher`], as every strategy is, so the
    /// comparison measures sharing and not hashing.
    map: flurry::HashMap<Bytes, Entry, BuildHasher>,
    /// Deadline hints for the active sweep. A write pushes its hint only once
    /// its entry is visible in the map (see `Pinned::track`), so the sweep
    /// never pops a hint before the entry it refers to exists.
    expiries: ExpiryQueue,
}

/// The map pinned for the duration of one command.
///
/// It owns a flurry guard, which is `!Send` and holds back reclamation, so a
/// `Pinned` is made and dropped inside one synchronous function and never
/// reaches an `.await`. While it lives, no value node it has seen can be
/// freed, so no node's address can be reused either: [`Pinned::update`]
/// relies on that.
struct Pinned<'a> {
    map: HashMapRef<'a, Bytes, Entry, BuildHasher>,
    expiries: &'a ExpiryQueue,
}

impl FlurryDb {
    /// An empty store, with its active-expiry sweep running.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        let inner = Arc::new(Inner {
            map: flurry::HashMap::with_hasher(BuildHasher::default()),
            expiries: ExpiryQueue::new(),
        });
        sharedkv_db::spawn_sweeper(&inner, |inner| async move { inner.sweep().await });
        Self { inner }
    }

    /// Pins the map for one command.
    fn pin(&self) -> Pinned<'_> {
        self.inner.pin()
    }
}

impl Default for FlurryDb {
    fn default() -> Self {
        Self::new()
    }
}

impl Inner {
    fn pin(&self) -> Pinned<'_> {
        Pinned {
            map: self.map.pin(),
            expiries: &self.expiries,
        }
    }

    /// One active-expiry pass: removes due keys in batches of
    /// [`SWEEP_BUDGET`], yielding to the runtime between batches. The guard
    /// of each batch is dropped before the yield.
    async fn sweep(&self) {
        self.expiries
            .sweep(|key, now| self.pin().remove_if_expired(key, now))
            .await;
    }
}

impl Pinned<'_> {
    /// Runs a [`transition`] on `key` atomically and applies the change it
    /// returns: the one place where the map is written.
    ///
    /// flurry has no `compute` that covers both an absent and a present key,
    /// so this is an optimistic loop:
    ///
    /// 1. Read the current entry without a lock and run the transition on it.
    ///    If it changes nothing, answer: the command took effect at that read.
    /// 2. If the key was absent, `try_insert` the new entry. If a racing
    ///    writer inserted first, start again.
    /// 3. If it was present, `compute_if_present` re-checks under the bin
    ///    lock. If the value there is still the very node read in step 1
    ///    (same address: see [`Pinned`]), the change computed in step 1 is
    ///    applied; otherwise the transition runs again on the value under the
    ///    lock. If the key vanished meanwhile, start again.
    ///
    /// `f` may therefore run more than once; transitions are pure, so only the
    /// answer of the run that was applied is returned.
    ///
    /// **Locking behaviour:** only step 3 takes a lock, the key's bin lock,
    /// held while `f` runs; it blocks the thread while another writer holds
    /// that bin.
    fn update<R>(&self, key: &Bytes, now: Instant, f: impl Fn(Option<&Entry>) -> (Change, R)) -> R {
        loop {
            let seen = self.map.get(key);
            let (change, answer) = transition::on_slot(seen, now, &f);
            let Some(seen) = seen else {
                // Keep and Remove of an absent key (a SET with a deadline
                // already past) both leave it absent.
                let Change::Put(entry) = change else {
                    return answer;
                };
                match self.map.try_insert(key.clone(), entry) {
                    Ok(stored) => {
                        self.expiries.track(key, None, stored.expires_at);
                        return answer;
                    }
                    Err(_) => continue,
                }
            };
            if matches!(change, Change::Keep) {
                return answer;
            }
            let mut applied = None;
            let stored = self.map.compute_if_present(key, |_, current| {
                let (change, answer) = if std::ptr::eq(current, seen) {
                    (change, answer)
                } else {
                    transition::on_slot(Some(current), now, &f)
                };
                applied = Some((answer, current.expires_at));
                match change {
                    // compute_if_present cannot leave a value alone: keeping
                    // it means storing a copy in a new node. Only a write
                    // that raced in since step 1 can bring us here with Keep.
                    Change::Keep => Some(current.clone()),
                    Change::Put(entry) => Some(entry),
                    Change::Remove => None,
                }
            });
            // compute_if_present returns `None` both when it removed the key
            // and when the key was gone; only `applied` tells them apart.
            if let Some((answer, old_deadline)) = applied {
                // Tracked only now that the new entry is visible (see
                // `ExpiryQueue::track`).
                let new_deadline = stored.and_then(|e| e.expires_at);
                self.expiries.track(key, old_deadline, new_deadline);
                return answer;
            }
        }
    }

    /// The live entry under `key`: a lock-free read.
    fn read(&self, key: &Bytes, now: Instant) -> Option<&Entry> {
        transition::live(self.map.get(key), now)
    }

    /// Removes `key` if it is still expired at `now`. Its hint may be stale
    /// (the key was rewritten, persisted or given a later deadline): a
    /// lock-free read skips those, and the removal re-checks under the bin
    /// lock.
    fn remove_if_expired(&self, key: &Bytes, now: Instant) {
        if self.map.get(key).is_some_and(|e| !e.is_live(now)) {
            self.map
                .compute_if_present(key, |_, e| e.is_live(now).then(|| e.clone()));
        }
    }
}

impl Db for FlurryDb {
    const ATOMIC_MULTI_KEY: bool = false;

    fn get(&self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send {
        let (map, now) = (self.pin(), Instant::now());
        ready(map.read(key, now).map(|e| e.value.clone()))
    }

    fn set(
        &self,
        key: Bytes,
        value: Bytes,
        opts: SetOptions,
    ) -> impl Future<Output = SetOutcome> + Send {
        let (map, now) = (self.pin(), Instant::now());
        ready(map.update(&key, now, |cur| {
            transition::set(cur, value.clone(), &opts, now)
        }))
    }

    fn getdel(&self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send {
        let (map, now) = (self.pin(), Instant::now());
        ready(map.update(key, now, transition::getdel))
    }

    fn del(&self, keys: &[Bytes]) -> impl Future<Output = usize> + Send {
        let (map, now) = (self.pin(), Instant::now());
        ready(
            keys.iter()
                .filter(|k| map.update(k, now, transition::del))
                .count(),
        )
    }

    fn exists(&self, keys: &[Bytes]) -> impl Future<Output = usize> + Send {
        let (map, now) = (self.pin(), Instant::now());
        ready(keys.iter().filter(|k| map.read(k, now).is_some()).count())
    }

    fn incr_by(&self, key: Bytes, delta: i64) -> impl Future<Output = Result<i64, DbError>> + Send {
        let (map, now) = (self.pin(), Instant::now());
        ready(map.update(&key, now, |cur| transition::incr_by(cur, delta)))
    }

    fn mget(&self, keys: &[Bytes]) -> impl Future<Output = Vec<Option<Bytes>>> + Send {
        let (map, now) = (self.pin(), Instant::now());
        ready(
            keys.iter()
                .map(|k| map.read(k, now).map(|e| e.value.clone()))
                .collect(),
        )
    }

    fn mset(&self, pairs: Vec<(Bytes, Bytes)>) -> impl Future<Output = ()> + Send {
        let (map, now, opts) = (self.pin(), Instant::now(), SetOptions::default());
        for (key, value) in pairs {
            map.update(&key, now, |cur| {
                transition::set(cur, value.clone(), &opts, now)
            });
        }
        ready(())
    }

    fn expire(
        &self,
        key: &Bytes,
        at: Instant,
        condition: ExpireCondition,
    ) -> impl Future<Output = bool> + Send {
        let (map, now) = (self.pin(), Instant::now());
        ready(map.update(key, now, |cur| transition::expire(cur, at, condition, now)))
    }

    fn ttl(&self, key: &Bytes) -> impl Future<Output = Ttl> + Send {
        let (map, now) = (self.pin(), Instant::now());
        ready(transition::ttl(map.read(key, now), now))
    }

    fn persist(&self, key: &Bytes) -> impl Future<Output = bool> + Send {
        let (map, now) = (self.pin(), Instant::now());
        ready(map.update(key, now, transition::persist))
    }

    /// An atomic counter, exact only when no write is in flight.
    fn len(&self) -> impl Future<Output = usize> + Send {
        ready(self.inner.map.len())
    }

    /// **Locking behaviour:** takes every bin's lock in turn.
    fn clear(&self) -> impl Future<Output = ()> + Send {
        // Hints first: a key written while the map is being cleared then
        // keeps the hint it pushed after this point. The other order could
        // drop the hint of a key that survives, and the sweep would never
        // reclaim it.
        self.inner.expiries.clear();
        self.pin().map.clear();
        ready(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;

    use sharedkv_db::SetCondition;

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

    /// Of many threads racing SET NX on one absent key, exactly one writes
    /// (the losers' `try_insert` fails and their retry sees the key).
    #[tokio::test]
    async fn racing_set_nx_writes_once() {
        let db = FlurryDb::new();
        let nx = SetOptions {
            condition: SetCondition::IfAbsent,
            ..SetOptions::default()
        };
        let handle = tokio::runtime::Handle::current();
        for round in 0..50 {
            let key = b(&format!("lock{round}"));
            let written = race(|i| handle.block_on(db.set(key.clone(), b(&i.to_string()), nx)));
            assert_eq!(
                written.iter().filter(|o| o.written).count(),
                1,
                "round {round}"
            );
        }
    }

    /// INCRs racing GETDELs on one key (so keys vanish between the lock-free
    /// read and the compute, and reappear through `try_insert`) lose no
    /// increment: what was taken plus what is left is what was added.
    #[tokio::test]
    async fn incr_racing_getdel_is_conserved() {
        const EACH: i64 = 2_000;
        let db = FlurryDb::new();
        let key = b("n");
        let handle = tokio::runtime::Handle::current();
        let taken = race(|i| {
            let mut taken = 0;
            for _ in 0..EACH {
                if i % 2 == 0 {
                    handle.block_on(db.incr_by(key.clone(), 1)).unwrap();
                } else if let Some(v) = handle.block_on(db.getdel(&key)) {
                    taken += std::str::from_utf8(&v).unwrap().parse::<i64>().unwrap();
                }
            }
            taken
        });
        let left = db
            .get(&key)
            .await
            .map_or(0, |v| std::str::from_utf8(&v).unwrap().parse().unwrap());
        assert_eq!(taken.iter().sum::<i64>() + left, THREADS as i64 / 2 * EACH);
    }

    /// Deadline hints follow deadlines (the shared check), read from this map's queue.
    #[tokio::test(start_paused = true)]
    async fn hints_follow_deadlines() {
        sharedkv_testsuite::hints::hints_follow_deadlines(FlurryDb::new(), |db| {
            db.inner.expiries.len()
        })
        .await;
    }
}

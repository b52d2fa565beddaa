//! [`MapDb`]: the one adapter that turns a concurrent map crate (dashmap,
//! flurry, papaya, scc) into a [`Db`], and [`KeyMap`], the little each such
//! crate must say.

use std::collections::BinaryHeap;
use std::future::{Future, ready};
use std::hash::BuildHasher as _;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use bytes::Bytes;
use tokio::time::Instant;

use crate::{
    BuildHasher, DATABASES, Db, DbIndex, Entry, ExpiryQueue, KeyHook, Keys, ReadKeys, SWEEP_BUDGET,
    Scope, Slot, Stepped, Store, World, live,
};

/// One concurrent map of keys to entries, as a map crate offers it: what a
/// map strategy implements, and all it implements.
///
/// Every method is one call into the map crate. Expiry, databases, `SCAN`,
/// the sweep and multi-key commands are [`MapDb`]'s, written once for every
/// map.
///
/// The methods must not block on anything but the map's own short
/// internal locks.
pub trait KeyMap: Send + Sync + 'static {
    /// An empty map.
    fn new() -> Self;

    /// Runs `step` through [`run_step`](crate::run_step) on the entry stored
    /// under `key` (live or not) as one atomic step, applies its
    /// [`Outcome`](crate::Outcome), and returns the [`Stepped`] (whose
    /// outcome the map has consumed). A map that retries (a compare-and-swap
    /// that lost) may run `step` again on what it finds then; the result of
    /// the run that took effect is returned.
    fn update<R>(
        &self,
        key: &Bytes,
        now: Instant,
        step: impl FnMut(&mut Slot<'_>) -> R,
    ) -> Stepped<R>;

    /// Calls `f` with the entry stored under `key`, live or not.
    fn read<R>(&self, key: &[u8], f: impl FnOnce(Option<&Entry>) -> R) -> R;

    /// Removes `key` if its entry is expired at `now` (the sweep's hint may
    /// be stale: re-check under the map's lock or in its compute); returns
    /// whether it did.
    fn remove_expired(&self, key: &Bytes, now: Instant) -> bool;

    /// Visits the entries, each key present for the whole visit at least
    /// once (the weak consistency every one of these crates' iterators
    /// gives), until `f` breaks.
    fn visit(&self, f: impl FnMut(&Bytes, &Entry) -> ControlFlow<()>);

    /// The number of keys, expired ones not yet swept included.
    fn len(&self) -> usize;

    /// Whether the map holds no key.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every key.
    fn clear(&self);
}

/// A [`Db`] over sixteen [`KeyMap`]s, one per database.
///
/// What it adds to the maps:
///
/// - **Expiry:** the maps keep no deadline index, so deadlines are hints in
///   an [`ExpiryQueue`] beside them (one short global mutex section per
///   write that sets a TTL), swept every [`SWEEP_INTERVAL`](crate::SWEEP_INTERVAL).
/// - **Databases and `SWAPDB`:** a database number is an index into a table
///   of sixteen atomics that name the map holding it. A command reads its
///   entry with one `Acquire` load of a line nobody writes but `SWAPDB`, so
///   database 0 costs one load; `SWAPDB` exchanges two entries, holding
///   every stripe (below), so a command acts on the database before or
///   after it.
/// - **`SCAN`:** these crates offer no cursor that survives between calls,
///   so the cursor is a hash: a call returns the keys whose hash lies in the
///   next window above it. Every key that stays has one hash, so it falls in
///   exactly one window and is returned. Finding the window takes a pass
///   over the map; to keep a whole iteration O(N), a window holds at least
///   1/[`SCAN_PASSES`] of the keys, more than `COUNT` asks for on a big
///   database (`COUNT` is a hint in Redis too). `RANDOMKEY` also takes a
///   partial pass.
/// - **A `SCAN` call blocks its worker thread for one pass over the map**
///   (the crates' iterators are synchronous): tens of milliseconds at a
///   million keys, during which the other tasks queued on that thread wait.
///   The other threads go on serving, and each key's bucket or shard is
///   held only while the pass is on it.
/// - **Multi-key commands are isolated by stripe locks beside the map**
///   ([`Db::ATOMIC_MULTI_KEY`] is `true`). These crates lock one bucket or
///   shard at a time, or none, so nothing in them can hold two keys still
///   while a step changes both (`SMOVE`, `LMOVE`, `MSET`, `RENAME`, and
///   transactions later). [`STRIPES`] reader-writer locks, each for the keys
///   whose hash falls on it, do: a single-key command holds its key's
///   stripe *shared* for the one map call (commands on different keys, or on
///   the same key, still run together; the map orders those), and a
///   multi-key step holds the stripes of all its keys *exclusively*, taken
///   in stripe order so that two steps never wait on each other in a cycle.
///   `FLUSHDB`, `FLUSHALL` and `SWAPDB` take every stripe. This is
///   Garnet's two-phase locking over sorted keys, and the price of Redis's
///   guarantee on a map built not to lock: two atomic operations on a line
///   shared with 1/[`STRIPES`] of the keys per command, and a multi-key
///   step waits for the single-key commands in flight on its stripes. The
///   sweep removes a key under its stripe too, so that a key a step saw
///   live stays there until the step ends.
pub struct MapDb<M> {
    inner: Arc<Inner<M>>,
}

impl<M> Clone for MapDb<M> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<M> std::fmt::Debug for MapDb<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapDb").finish_non_exhaustive()
    }
}

/// The most passes over a map that one full `SCAN` iteration makes.
pub const SCAN_PASSES: usize = 64;

/// How many stripe locks isolate multi-key steps (see [`MapDb`]): enough
/// that a step over thousands of keys still leaves most stripes free (a
/// 10,000-key `MSET` holds about 14% of them), at 8 bytes each (512 KiB
/// per store). Eight share a cache line; two busy keys on one line contend
/// for it, as two keys in one of the map's own buckets do.
pub const STRIPES: usize = 1 << 16;

/// One stripe lock.
#[derive(Default)]
struct Stripe(RwLock<()>);

/// The stripe locks, and which stripe a key falls on.
struct Stripes {
    locks: Box<[Stripe]>,
}

impl Stripes {
    fn new() -> Self {
        Stripes {
            locks: (0..STRIPES).map(|_| Stripe::default()).collect(),
        }
    }

    /// The stripe of a key whose hash is `hash`.
    fn of(hash: u64) -> usize {
        // The top bits: the SCAN cursor orders keys by the whole hash, and
        // the map crates index by the low bits.
        usize::try_from(hash >> 48).unwrap_or(0) % STRIPES
    }

    /// Holds `key`'s stripe shared, for one single-key map call.
    fn shared(&self, hash: u64) -> RwLockReadGuard<'_, ()> {
        self.locks[Self::of(hash)]
            .0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Holds the stripes of `hashes` exclusively, taken in stripe order.
    fn exclusive(&self, hashes: impl Iterator<Item = u64>) -> Vec<RwLockWriteGuard<'_, ()>> {
        self.exclusive_at(&Self::indices(hashes))
    }

    /// The stripes of `hashes`, ascending, without repeats: the order they
    /// are taken in.
    fn indices(hashes: impl Iterator<Item = u64>) -> Vec<usize> {
        let mut stripes: Vec<usize> = hashes.map(Self::of).collect();
        stripes.sort_unstable();
        stripes.dedup();
        stripes
    }

    /// Holds `stripes` (ascending) exclusively, in that order.
    fn exclusive_at(&self, stripes: &[usize]) -> Vec<RwLockWriteGuard<'_, ()>> {
        stripes.iter().map(|&i| self.write(i)).collect()
    }

    /// Holds stripe `stripe` exclusively if nobody holds it now.
    fn try_write(&self, stripe: usize) -> Option<RwLockWriteGuard<'_, ()>> {
        match self.locks[stripe].0.try_write() {
            Ok(guard) => Some(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    /// Holds every stripe exclusively, in order.
    fn all(&self) -> Vec<RwLockWriteGuard<'_, ()>> {
        (0..STRIPES).map(|i| self.write(i)).collect()
    }

    fn write(&self, stripe: usize) -> RwLockWriteGuard<'_, ()> {
        self.locks[stripe]
            .0
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

struct Inner<M> {
    maps: [M; DATABASES],
    /// Which of `maps` holds each database.
    databases: [AtomicUsize; DATABASES],
    /// Isolate multi-key steps (see [`MapDb`]).
    stripes: Stripes,
    /// Deadline hints, each naming its map (not its database, which a
    /// `SWAPDB` could change).
    expiries: ExpiryQueue,
    /// For the `SCAN` cursor and the stripes: fixed for the life of the
    /// store.
    hasher: BuildHasher,
    /// Told of keys that expire or are created, once the server installs
    /// it.
    hook: OnceLock<Arc<KeyHook>>,
}

impl<M: KeyMap> MapDb<M> {
    /// Sixteen empty maps, with the active-expiry sweep running.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        let inner = Arc::new(Inner {
            maps: std::array::from_fn(|_| M::new()),
            databases: std::array::from_fn(AtomicUsize::new),
            stripes: Stripes::new(),
            expiries: ExpiryQueue::new(),
            hasher: BuildHasher::default(),
            hook: OnceLock::new(),
        });
        crate::spawn_sweeper(&inner, |inner| async move { inner.sweep().await });
        Self { inner }
    }

    /// The map behind database 0, for a strategy's own tests.
    pub fn first_map(&self) -> &M {
        &self.inner.maps[self.inner.physical(DbIndex::ZERO)]
    }

    /// How many deadline hints wait in the sweep's queue (stale ones
    /// included), for tests.
    pub fn pending_hints(&self) -> usize {
        self.inner.expiries.len()
    }
}

impl<M: KeyMap> Default for MapDb<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: KeyMap> Inner<M> {
    /// A read found its key (`hit`) or not: counted by the hook, if any.
    #[inline]
    fn count_lookup(&self, hit: bool) {
        if let Some(hook) = self.hook.get() {
            hook.on_lookup(hit);
        }
    }

    fn physical(&self, db: DbIndex) -> usize {
        self.databases[db.get()].load(Ordering::Acquire)
    }

    /// The database that map `physical` holds now.
    fn logical(&self, physical: usize) -> Option<DbIndex> {
        DbIndex::all().find(|db| self.physical(*db) == physical)
    }

    fn map(&self, db: DbIndex) -> (usize, &M) {
        let physical = self.physical(db);
        (physical, &self.maps[physical])
    }

    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    /// One active-expiry pass over the due hints, in batches of
    /// [`SWEEP_BUDGET`], yielding between batches.
    async fn sweep(&self) {
        loop {
            let now = Instant::now();
            let due = self.expiries.pop_due(now, SWEEP_BUDGET);
            for (map, key) in &due {
                let _stripe = self.stripes.shared(self.hash(key));
                if self.maps[*map].remove_expired(key, now)
                    && let Some(hook) = self.hook.get()
                    && let Some(db) = self.logical(*map)
                {
                    hook.on_expired(db, key);
                }
            }
            if due.len() < SWEEP_BUDGET {
                break;
            }
            tokio::task::yield_now().await;
        }
    }

    /// The cursor is the lowest hash the next window starts at (see the
    /// type's docs). One pass keeps, in a bounded max-heap, the `want` live
    /// keys with the smallest hashes at or above the cursor; they are this
    /// call's window, and the next call starts at the largest of them,
    /// inclusive: a key evicted from the heap on a tie with that hash comes
    /// back then (a key may be returned twice; Redis allows it). Only if
    /// more than `want` keys shared one 64-bit hash would the cursor step
    /// past it, which a seeded hash makes impossible in practice.
    fn scan(
        &self,
        db: DbIndex,
        cursor: u64,
        count: usize,
        filter: &mut dyn FnMut(&Bytes, &Entry) -> bool,
    ) -> (u64, Vec<Bytes>) {
        let (inner, now) = (self, Instant::now());
        let map = inner.map(db).1;
        let want = count.max(map.len() / SCAN_PASSES).max(1);
        // (hash, key, passes the filter), largest hash on top.
        let mut window: BinaryHeap<(u64, Bytes, bool)> = BinaryHeap::new();
        map.visit(|key, entry| {
            let h = inner.hasher.hash_one(key.as_ref() as &[u8]);
            if h < cursor || !entry.is_live(now) {
                return ControlFlow::Continue(());
            }
            let full = window.len() >= want;
            if !full || window.peek().is_some_and(|(max, _, _)| h < *max) {
                if full {
                    window.pop();
                }
                window.push((h, key.clone(), filter(key, entry)));
            }
            ControlFlow::Continue(())
        });
        let next = match window.peek() {
            // Fewer than asked for: nothing is left above the cursor.
            _ if window.len() < want => 0,
            Some((max, _, _)) if *max > cursor => *max,
            Some((max, _, _)) => max.checked_add(1).unwrap_or(0),
            None => 0,
        };
        let keys = window
            .into_iter()
            .filter(|(_, _, passes)| *passes)
            .map(|(_, key, _)| key)
            .collect();
        (next, keys)
    }

    /// A pass that stops at the first live key whose hash falls in a random
    /// window holding about eight keys: on average an eighth of the map.
    fn random_key(&self, db: DbIndex) -> Option<Bytes> {
        let (inner, now) = (self, Instant::now());
        let map = inner.map(db).1;
        let len = u64::try_from(map.len()).unwrap_or(u64::MAX).max(1);
        let start: u64 = rand::random();
        let width = (u64::MAX / len).saturating_mul(8);
        let (mut picked, mut fallback) = (None, None);
        map.visit(|key, entry| {
            if !entry.is_live(now) {
                return ControlFlow::Continue(());
            }
            if inner
                .hasher
                .hash_one(key.as_ref() as &[u8])
                .wrapping_sub(start)
                <= width
            {
                picked = Some(key.clone());
                return ControlFlow::Break(());
            }
            fallback.get_or_insert_with(|| key.clone());
            ControlFlow::Continue(())
        });
        picked.or(fallback)
    }

    /// A pass over the map: these maps keep no count of deadlines.
    fn volatile(&self, db: DbIndex) -> usize {
        let mut n = 0;
        self.map(db).1.visit(|_, entry| {
            n += usize::from(entry.expires_at.is_some());
            ControlFlow::Continue(())
        });
        n
    }

    /// Empties `db`, or every database; the caller holds every stripe.
    fn clear(&self, db: Option<DbIndex>) {
        let inner = self;
        let clear = |db| {
            let (physical, map) = inner.map(db);
            if let Some(hook) = inner.hook.get() {
                hook.watches
                    .flushed(db, &|key| map.read(key, |e| e.is_some()));
            }
            // Hints first: a key written while the map is being cleared
            // then keeps the hint it pushed after this point.
            inner.expiries.clear_map(physical);
            map.clear();
        };
        match db {
            Some(db) => clear(db),
            None => DbIndex::all().for_each(clear),
        }
    }

    /// Exchanges two databases; the caller holds every stripe.
    fn swap(&self, a: DbIndex, b: DbIndex) {
        let inner = self;
        if let Some(hook) = inner.hook.get() {
            let exists = |db, key: &[u8]| inner.map(db).1.read(key, |e| e.is_some());
            hook.watches.swapped(a, b, &exists);
            hook.on_swapped(a, b);
        }
        let (pa, pb) = (inner.physical(a), inner.physical(b));
        inner.databases[a.get()].store(pb, Ordering::Release);
        inner.databases[b.get()].store(pa, Ordering::Release);
    }

    fn update_sync<R>(
        &self,
        db: DbIndex,
        key: &Bytes,
        now: Instant,
        step: impl FnMut(&mut Slot<'_>) -> R,
    ) -> R {
        let (physical, map) = self.map(db);
        let done = map.update(key, now, step);
        self.expiries
            .track(physical, key, done.old_deadline, done.new_deadline);
        if let Some(hook) = self.hook.get() {
            if done.expired {
                hook.on_expired(db, key);
            }
            if done.created {
                hook.on_created(db, key);
            }
            if done.wrote {
                hook.on_written(db, key);
            }
        }
        done.answer
    }
}

/// The maps as the [`Keys`] of a multi-key step, whose stripes the step
/// holds exclusively: each call goes straight to the map.
struct MapKeys<'a, M> {
    inner: &'a Inner<M>,
    now: Instant,
    /// Whether reads count as lookups (`read_many`, not `update_many`'s
    /// reads, as Redis counts only its read lookups).
    lookups: bool,
}

impl<M: KeyMap> ReadKeys for MapKeys<'_, M> {
    fn read_dyn(&mut self, db: DbIndex, key: &[u8], f: &mut dyn FnMut(Option<&Entry>)) {
        let now = self.now;
        let (inner, lookups) = (self.inner, self.lookups);
        inner.map(db).1.read(key, |e| {
            let e = live(e, now);
            if lookups {
                inner.count_lookup(e.is_some());
            }
            f(e)
        });
    }

    fn now(&self) -> Instant {
        self.now
    }
}

impl<M: KeyMap> Keys for MapKeys<'_, M> {
    fn update_dyn(&mut self, db: DbIndex, key: &Bytes, step: &mut dyn FnMut(&mut Slot<'_>)) {
        self.inner.update_sync(db, key, self.now, step);
    }
}

/// The maps as the [`World`] of a transaction's step: [`MapKeys`] with the
/// stripes the step holds.
struct MapWorld<'a, M> {
    keys: MapKeys<'a, M>,
    /// The stripes held, ascending.
    held: Vec<usize>,
    /// Whether `held` is every stripe.
    whole: bool,
    /// The stripes' guards, released when the step ends.
    guards: Vec<RwLockWriteGuard<'a, ()>>,
}

impl<M: KeyMap> ReadKeys for MapWorld<'_, M> {
    fn read_dyn(&mut self, db: DbIndex, key: &[u8], f: &mut dyn FnMut(Option<&Entry>)) {
        self.keys.read_dyn(db, key, f);
    }

    fn now(&self) -> Instant {
        self.keys.now
    }
}

impl<M: KeyMap> Keys for MapWorld<'_, M> {
    fn update_dyn(&mut self, db: DbIndex, key: &Bytes, step: &mut dyn FnMut(&mut Slot<'_>)) {
        self.keys.update_dyn(db, key, step);
    }
}

impl<M: KeyMap> World for MapWorld<'_, M> {
    fn holds(&mut self, key: &[u8]) -> bool {
        self.whole
            || self
                .held
                .binary_search(&Stripes::of(self.keys.inner.hash(key)))
                .is_ok()
    }

    /// Takes the key's stripe if it is free now: a step that waited here,
    /// holding others out of order, could wait in a cycle.
    fn try_hold(&mut self, key: &Bytes) -> bool {
        let stripe = Stripes::of(self.keys.inner.hash(key));
        let Err(at) = self.held.binary_search(&stripe) else {
            return true;
        };
        match self.keys.inner.stripes.try_write(stripe) {
            Some(guard) => {
                self.held.insert(at, stripe);
                self.guards.push(guard);
                true
            }
            None => false,
        }
    }

    fn whole(&self) -> bool {
        self.whole
    }

    fn set_now(&mut self, now: Instant) {
        self.keys.now = now;
    }

    fn lookup_dyn(&mut self, db: DbIndex, key: &[u8], f: &mut dyn FnMut(Option<&Entry>)) {
        self.keys.lookups = true;
        self.keys.read_dyn(db, key, f);
        self.keys.lookups = false;
    }

    fn scan_dyn(
        &mut self,
        db: DbIndex,
        cursor: u64,
        count: usize,
        filter: &mut dyn FnMut(&Bytes, &Entry) -> bool,
    ) -> (u64, Vec<Bytes>) {
        self.keys.inner.scan(db, cursor, count, filter)
    }

    fn random_key_dyn(&mut self, db: DbIndex) -> Option<Bytes> {
        self.keys.inner.random_key(db)
    }

    fn len_dyn(&mut self, db: DbIndex) -> usize {
        self.keys.inner.map(db).1.len()
    }

    fn volatile_dyn(&mut self, db: DbIndex) -> usize {
        self.keys.inner.volatile(db)
    }

    fn clear_dyn(&mut self, db: Option<DbIndex>) {
        self.keys.inner.clear(db);
    }

    fn swap_dyn(&mut self, a: DbIndex, b: DbIndex) {
        self.keys.inner.swap(a, b);
    }
}

impl<M: KeyMap> Store for MapDb<M> {
    fn update<R: Send + 'static>(
        &self,
        db: DbIndex,
        key: &Bytes,
        step: impl FnMut(&mut Slot<'_>) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let inner = &*self.inner;
        let _stripe = inner.stripes.shared(inner.hash(key));
        ready(inner.update_sync(db, key, Instant::now(), step))
    }

    fn read<R: Send + 'static>(
        &self,
        db: DbIndex,
        key: &Bytes,
        f: impl FnOnce(Option<&Entry>) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let inner = &*self.inner;
        let _stripe = inner.stripes.shared(inner.hash(key));
        let now = Instant::now();
        ready(inner.map(db).1.read(key, move |e| {
            let e = live(e, now);
            inner.count_lookup(e.is_some());
            f(e)
        }))
    }

    fn update_many<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn Keys) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let inner = &*self.inner;
        let _stripes = inner.stripes.exclusive(keys.iter().map(|k| inner.hash(k)));
        let mut keys = MapKeys {
            inner,
            now: Instant::now(),
            lookups: false,
        };
        ready(f(&mut keys))
    }

    fn read_many<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn ReadKeys) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let inner = &*self.inner;
        let _stripes = inner.stripes.exclusive(keys.iter().map(|k| inner.hash(k)));
        let mut keys = MapKeys {
            inner,
            now: Instant::now(),
            lookups: true,
        };
        ready(f(&mut keys))
    }

    fn scan(
        &self,
        db: DbIndex,
        cursor: u64,
        count: usize,
        mut filter: impl FnMut(&Bytes, &Entry) -> bool + Send + 'static,
    ) -> impl Future<Output = (u64, Vec<Bytes>)> + Send {
        ready(self.inner.scan(db, cursor, count, &mut filter))
    }

    fn random_key(&self, db: DbIndex) -> impl Future<Output = Option<Bytes>> + Send {
        ready(self.inner.random_key(db))
    }

    fn len(&self, db: DbIndex) -> impl Future<Output = usize> + Send {
        ready(self.inner.map(db).1.len())
    }

    fn volatile(&self, db: DbIndex) -> impl Future<Output = usize> + Send {
        ready(self.inner.volatile(db))
    }

    fn clear(&self, db: Option<DbIndex>) -> impl Future<Output = ()> + Send {
        let _all = self.inner.stripes.all();
        self.inner.clear(db);
        ready(())
    }

    fn swap(&self, a: DbIndex, b: DbIndex) -> impl Future<Output = ()> + Send {
        // Every stripe: no step sees the two databases half swapped, and
        // two swaps cannot interleave.
        let _all = self.inner.stripes.all();
        self.inner.swap(a, b);
        ready(())
    }
}

impl<M: KeyMap> Db for MapDb<M> {
    const ATOMIC_MULTI_KEY: bool = true;

    /// **Locking behaviour:** holds the stripes of `scope`'s keys
    /// exclusively, taken in stripe order as [`update_many`](Store::update_many)
    /// takes them, or every stripe for the whole store (about a millisecond
    /// to take). A key the step did not declare is taken if its stripe is
    /// free at that moment, and never waited for.
    fn atomically<R: Send + 'static>(
        &self,
        scope: Scope<'_>,
        f: impl FnOnce(&mut dyn World) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let inner = &*self.inner;
        let (held, whole) = match scope {
            Scope::Keys(keys) => (Stripes::indices(keys.iter().map(|k| inner.hash(k))), false),
            Scope::All => ((0..STRIPES).collect(), true),
        };
        let guards = inner.stripes.exclusive_at(&held);
        let mut world = MapWorld {
            keys: MapKeys {
                inner,
                now: Instant::now(),
                lookups: false,
            },
            held,
            whole,
            guards,
        };
        ready(f(&mut world))
    }

    fn set_key_hook(&self, hook: Arc<KeyHook>) -> impl Future<Output = ()> + Send {
        // Only the first counts: a server installs one.
        let _ = self.inner.hook.set(hook);
        ready(())
    }
}

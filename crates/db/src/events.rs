//! [`KeyHook`]: what the store tells the server about keys that appear or
//! expire on their own account, whichever strategy holds them.
//!
//! Two things happen inside the store that no command asks for: a key
//! whose deadline has passed is removed (lazily, by the step that finds it,
//! or actively, by the sweep), and a key is created (by whatever step
//! inserts it). Redis publishes the keyspace events `expired` and `new` for
//! them and counts expired keys for `INFO`'s `expired_keys`. The code that
//! every strategy shares calls the hook at those two points:
//! [`Keyspace`](crate::Keyspace) (the std-mutex, tokio-mutex, rwlock,
//! sharded, actor and sharded-actor strategies) and [`MapDb`](crate::MapDb)
//! (dashmap, flurry, papaya, scc). A server installs one with
//! [`Db::set_key_hook`](crate::Db::set_key_hook).
//!
//! The hook runs inside the step, under whatever lock the strategy holds,
//! so its listener must only do short, non-blocking work.
//!
//! The hook also counts reads that found their key and reads that did not
//! (`INFO`'s `keyspace_hits` and `keyspace_misses`), and tells the keys
//! clients `WATCH` of every write (see [`Watches`]).
//!
//! **Cost:** for an expired key, one relaxed increment and the listener's
//! call; for a created key, one relaxed load, and the listener's call only
//! while `new` events are wanted; for a read, one relaxed increment on a
//! counter of the reading thread's own. A store without a hook pays one branch.
//! Evictions (`evicted`) never happen: this server has no `maxmemory`.
//!
//! And it tells the registry of blocked clients ([`KeyWaiters`]) of every
//! write while someone waits: one relaxed load per write otherwise.

use std::fmt::Debug;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{OnceLock, Weak};

use bytes::Bytes;

use crate::{DbIndex, Watches};

/// Who hears of keys that expire or appear.
pub trait KeyListener: Send + Sync + Debug + 'static {
    /// `key` of `db` was removed because its deadline passed.
    fn expired(&self, db: DbIndex, key: &Bytes);
    /// `key` of `db` was created; called only while
    /// [`KeyHook::report_new`] is on.
    fn created(&self, db: DbIndex, key: &Bytes);
}

/// Who hears of writes to keys that clients wait on (the server's
/// registry of blocked clients: `BLPOP` and the like).
///
/// Called from inside the writing step, under whatever the strategy holds,
/// only while [`KeyHook::waiting`] is above 0: the listener must only note
/// the key (a short lock of its own), never touch the store.
pub trait KeyWaiters: Send + Sync + Debug + 'static {
    /// `key` of `db` was stored, replaced or removed.
    fn written(&self, db: DbIndex, key: &Bytes);
    /// Databases `a` and `b` were exchanged (`SWAPDB`): every waited key
    /// of both may now hold something else.
    fn swapped(&self, a: DbIndex, b: DbIndex);
}

/// How many counter slots [`KeyHook`] keeps for lookups: threads beyond
/// this share slots (still correct, as the slots are atomic).
const LOOKUP_SLOTS: usize = 32;

/// One thread's lookup counts, alone on its cache lines so that counting a
/// read writes nothing another core reads or writes.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Lookups {
    hits: AtomicU64,
    misses: AtomicU64,
}

/// The slot of [`KeyHook::lookups`] this thread counts in.
fn lookup_slot() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    thread_local! {
        static SLOT: usize = NEXT.fetch_add(1, Ordering::Relaxed) % LOOKUP_SLOTS;
    }
    SLOT.with(|slot| *slot)
}

/// The expired-key counter, the lookup counters and the listener, shared by
/// every shard of a store.
#[derive(Debug)]
pub struct KeyHook {
    /// Keys removed by expiry since start or the last [`reset`]:
    /// `INFO`'s `expired_keys`.
    ///
    /// [`reset`]: KeyHook::reset
    expired: AtomicU64,
    /// Whether to tell the listener of created keys: off unless someone
    /// listens for `new` events, so an insert costs one load.
    report_new: AtomicBool,
    /// Reads that found their key or not (`INFO`'s `keyspace_hits` and
    /// `keyspace_misses`), counted per thread: see [`Lookups`].
    lookups: [Lookups; LOOKUP_SLOTS],
    listener: Box<dyn KeyListener>,
    /// The keys clients `WATCH`, told of every change (see [`Watches`]).
    pub watches: Watches,
    /// How many (client, key) pairs clients wait on: while 0, a write
    /// costs one relaxed load for them.
    waiting: AtomicUsize,
    /// The registry of blocked clients, told of writes while `waiting`.
    /// Weak: the registry holds the hook.
    waiters: OnceLock<Weak<dyn KeyWaiters>>,
}

impl KeyHook {
    /// A hook that tells `listener`.
    pub fn new(listener: impl KeyListener) -> Self {
        KeyHook {
            expired: AtomicU64::new(0),
            report_new: AtomicBool::new(false),
            lookups: Default::default(),
            listener: Box::new(listener),
            watches: Watches::default(),
            waiting: AtomicUsize::new(0),
            waiters: OnceLock::new(),
        }
    }

    /// Installs the registry of blocked clients, told from now on of every
    /// write while [`waiting`](KeyHook::waiting) is above 0. The first one
    /// installed stays.
    pub fn set_waiters(&self, waiters: Weak<dyn KeyWaiters>) {
        let _ = self.waiters.set(waiters);
    }

    /// How many (client, key) pairs are waited on.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// `n` more (client, key) pairs are waited on. The registry calls this
    /// inside the step that found the keys empty, under the strategy's
    /// hold of them: a write to them, which takes the same hold, then
    /// sees the count above 0 (no wake-up is lost).
    pub fn add_waiting(&self, n: usize) {
        self.waiting.fetch_add(n, Ordering::Relaxed);
    }

    /// `n` fewer pairs are waited on.
    pub fn remove_waiting(&self, n: usize) {
        self.waiting.fetch_sub(n, Ordering::Relaxed);
    }

    /// The registry, while someone waits.
    #[inline]
    fn waiters(&self) -> Option<std::sync::Arc<dyn KeyWaiters>> {
        if self.waiting.load(Ordering::Relaxed) == 0 {
            return None;
        }
        self.waiters.get()?.upgrade()
    }

    /// Databases `a` and `b` were exchanged: the blocked clients' registry
    /// is told.
    pub(crate) fn on_swapped(&self, a: DbIndex, b: DbIndex) {
        if let Some(waiters) = self.waiters() {
            waiters.swapped(a, b);
        }
    }

    /// How many keys expired since the start or the last
    /// [`reset`](KeyHook::reset).
    pub fn expired_keys(&self) -> u64 {
        self.expired.load(Ordering::Relaxed)
    }

    /// Reads of a key (`GET`, `MGET`, `HGET`, ... every `Db::read` and
    /// `read_many`, as Redis counts its `lookupKeyRead`s) that found it,
    /// and that did not.
    pub fn lookups(&self) -> (u64, u64) {
        self.lookups.iter().fold((0, 0), |(hits, misses), slot| {
            (
                hits + slot.hits.load(Ordering::Relaxed),
                misses + slot.misses.load(Ordering::Relaxed),
            )
        })
    }

    /// `CONFIG RESETSTAT`: the counters back to 0.
    pub fn reset(&self) {
        self.expired.store(0, Ordering::Relaxed);
        for slot in &self.lookups {
            slot.hits.store(0, Ordering::Relaxed);
            slot.misses.store(0, Ordering::Relaxed);
        }
    }

    /// A read looked `key` up and found it (`hit`) or not: one relaxed
    /// increment on this thread's own line.
    #[inline]
    pub(crate) fn on_lookup(&self, hit: bool) {
        let slot = &self.lookups[lookup_slot()];
        let counter = if hit { &slot.hits } else { &slot.misses };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether created keys are reported to the listener.
    pub fn report_new(&self, on: bool) {
        self.report_new.store(on, Ordering::Relaxed);
    }

    /// A key expired: counted, and told.
    pub(crate) fn on_expired(&self, db: DbIndex, key: &Bytes) {
        self.expired.fetch_add(1, Ordering::Relaxed);
        self.watches.expired(db, key);
        self.listener.expired(db, key);
    }

    /// A step stored, replaced or removed a key: its watchers are told.
    #[inline]
    pub(crate) fn on_written(&self, db: DbIndex, key: &Bytes) {
        self.watches.written(db, key);
        if let Some(waiters) = self.waiters() {
            waiters.written(db, key);
        }
    }

    /// A key was created: told if wanted.
    #[inline]
    pub(crate) fn on_created(&self, db: DbIndex, key: &Bytes) {
        if self.report_new.load(Ordering::Relaxed) {
            self.listener.created(db, key);
        }
    }
}

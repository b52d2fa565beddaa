//! The contract every sharedkv strategy implements: the [`Db`] trait.
//!
//! sharedkv is one Redis-compatible server whose shared state can be held in
//! many ways. Each way is a crate beside this one that implements [`Db`]; the
//! server picks one at start-up and is monomorphised for it. Commands are
//! written once, in `sharedkv-commands`, over the primitives of [`Db`]; this
//! crate holds what the strategies share:
//!
//! - [`Db`], a handful of atomic primitives, not one method per command.
//! - [`Entry`] and [`Value`], the typed values every strategy stores.
//! - [`Slot`] and [`run_step`]: one key as a command's step sees it, and how
//!   a host runs a step and learns what to store. Expiry is judged here, once.
//! - [`Keyspace`] and [`Databases`], plain single-threaded maps; strategies
//!   that can hold them (behind a lock, in a task) only decide *how they are
//!   shared*: see [`KeyspaceHost`].
//! - [`MapDb`] and [`KeyMap`], the one adapter for the concurrent map crates
//!   (dashmap, flurry, papaya, scc), which cannot hold a `Keyspace`.
//! - [`spawn_sweeper`] and [`ExpiryQueue`], the active-expiry machinery.
//!
//! # Why primitives
//!
//! Commands differ in what they do to a key; strategies differ only in how
//! they give a command exclusive, atomic access to the keys it names. So a
//! command is a *step*: a closure over a [`Slot`] that reads the key's live
//! entry and changes, replaces or removes it. The strategy runs the step
//! atomically however it can: under a lock, inside an entry guard, in a
//! compare-and-swap loop, in an actor's task. Adding a command touches no
//! strategy.
//!
//! - A step is `FnMut + Send + 'static`: an actor ships it to its task, and a
//!   map that retries (papaya's `compute`, flurry's compare-and-swap) may run
//!   it again on what it finds then. So a step is a function of its slot
//!   only: it captures its arguments by value and clones what it stores.
//! - Under a lock, in an entry guard or in an actor, the slot points into
//!   the map, and a step changes a collection in place. A lock-free map,
//!   whose readers may hold the stored value, lends the step a copy and
//!   stores it after: that is its cost, paid per write.
//!
//! # The contract
//!
//! Every implementation must guarantee:
//!
//! - **Single-key steps are linearizable and atomic.** A step sees the state
//!   every step before it left, and no other step on that key runs between
//!   its read and its write: N concurrent increments by 1 add exactly N.
//! - **Expired keys are never seen.** Expiry is lazy (every step and read
//!   judges the deadline) and active (a background sweep reclaims keys
//!   nobody touches). The clock is [`tokio::time::Instant`], so tests can
//!   pause and advance it.
//! - **Multi-key atomicity is declared, not assumed.** [`Db::ATOMIC_MULTI_KEY`]
//!   says whether [`Db::update_many`] and [`Db::read_many`] act as one step.
//!   The conformance suite checks every strategy that claims it.
//! - **`SCAN` misses nothing that stays.** A full iteration of
//!   [`Db::scan`] returns every key present from its start to its end at
//!   least once, and costs O(N) in all.
//! - **No guard crosses an `.await`.** Locks are taken in synchronous code;
//!   the workspace lints deny the regression.
//!
//! # What a strategy may keep
//!
//! A strategy may store the `key` it is handed by [`Db::update`] or a
//! multi-key step whenever the step writes (inserts, changes or replaces an
//! entry: papaya's `compute` stores the key it is handed on every write it
//! commits), and every `Bytes` the step puts in the entry. It keeps nothing
//! from reads, nor from a step that only removes or changes nothing. The caller therefore passes keys
//! and values that own their memory: the server's arguments are slices of a
//! connection's read buffer, and `sharedkv-commands` copies them (its
//! `stored` rule) before they reach a write.
//!
//! Methods return `impl Future + Send` instead of being `async fn`, so generic
//! callers (the server spawns one task per connection) know the futures are
//! `Send`. Synchronous strategies return ready futures; the lock is taken
//! inside a plain function and released before the future is even returned.

mod entry;
mod error;
mod events;
mod host;
mod keys;
mod keyspace;
mod lazyfree;
mod map;
mod slot;
mod step;
mod sweep;
mod watch;
mod zset;

use std::future::Future;

pub use bytes::Bytes;
pub use tokio::time::Instant;

pub use entry::{Entry, Hash, Kind, List, Set, SortedSet, Value, live, parse_i64};
pub use error::{DbError, ErrorKind};
pub use events::{KeyHook, KeyListener, KeyWaiters};
pub use host::{KeyspaceHost, ReadRoute, Route, ShardSet, spawn_host_sweeper, sweep_host};
pub use keys::{Keys, ReadKeys};
pub use keyspace::{Databases, Keyspace};
pub use lazyfree::{LAZYFREE_THRESHOLD, effort, reclaim, reclaim_later};
pub use map::{KeyMap, MapDb, SCAN_PASSES, STRIPES};
pub use slot::{Outcome, Slot, Stepped, run_step};
pub use step::{Scope, StepView, World};
pub use sweep::{
    ExpiryQueue, SWEEP_BUDGET, SWEEP_INTERVAL, active_expire, set_active_expire, spawn_sweeper,
};
pub use watch::{Watcher, Watches};

/// The hasher every strategy uses, so that the comparison measures sharing,
/// not hashing. foldhash is fast and seeded per process, which keeps
/// hash-flooding from a client impractical.
pub type BuildHasher = foldhash::fast::RandomState;

/// How many databases there are: Redis's default `databases 16`.
pub const DATABASES: usize = 16;

/// A database number, `0..DATABASES`: checked once, where it is parsed
/// (`SELECT`, `MOVE`, `SWAPDB`, `COPY ... DB`), so strategies index their
/// tables with it freely.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DbIndex(u8);

impl DbIndex {
    /// Database 0, where every connection starts.
    pub const ZERO: DbIndex = DbIndex(0);

    /// The database numbered `n`, if there is one.
    pub fn new(n: i64) -> Option<DbIndex> {
        u8::try_from(n)
            .ok()
            .filter(|&n| usize::from(n) < DATABASES)
            .map(DbIndex)
    }

    /// The number, as an index.
    pub fn get(self) -> usize {
        usize::from(self.0)
    }

    /// Every database, in order.
    pub fn all() -> impl Iterator<Item = DbIndex> {
        (0..DATABASES as u8).map(DbIndex)
    }
}

/// The primitives every command is written on: what a command may do to
/// the store.
///
/// Two kinds of type implement it: every strategy's handle (through
/// [`Db`], which adds what only a shared handle can do), and
/// [`StepView`], the store as a transaction or a script sees it from inside
/// one atomic step, where every primitive runs at once on the keys the step
/// holds. A command written over `Store` therefore runs unchanged on its
/// own and inside `EXEC` or `EVAL`.
///
/// Keys and values are [`Bytes`], so both are binary-safe. The futures are
/// `Send` so that a connection's task can hold them across its `.await`s.
pub trait Store {
    /// **One key, read-modify-write.** Runs `step` on the slot of `key` in
    /// `db` as one atomic step and returns its answer. The step may run more
    /// than once (see the crate docs); only the last run takes effect.
    fn update<R: Send + 'static>(
        &self,
        db: DbIndex,
        key: &Bytes,
        step: impl FnMut(&mut Slot<'_>) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send;

    /// **One key, read only.** Calls `f` with the live entry under `key` in
    /// `db`, under a shared lock or none where the strategy can.
    fn read<R: Send + 'static>(
        &self,
        db: DbIndex,
        key: &Bytes,
        f: impl FnOnce(Option<&Entry>) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send;

    /// **Several keys as one step** (`MSET`, `RENAME`, `MOVE`, ...): runs `f`
    /// with access to `keys`, in any database. `f` may touch only the keys
    /// it declares here. Atomic if [`ATOMIC_MULTI_KEY`](Db::ATOMIC_MULTI_KEY).
    fn update_many<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn Keys) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send;

    /// **Several keys read as one step** (`MGET`, `EXISTS`); as
    /// [`update_many`](Db::update_many), reading only.
    fn read_many<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn ReadKeys) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send;

    /// **A cursor over a database** (`SCAN`, `KEYS`): from `cursor` (0 to
    /// start), visits about `count` keys and returns the live ones that pass
    /// `filter`, with the cursor to continue from (0 when done). Redis's
    /// guarantee holds: a full iteration returns every key present from
    /// start to end at least once; a key may come twice. A `count` of
    /// `usize::MAX` visits everything in one call.
    fn scan(
        &self,
        db: DbIndex,
        cursor: u64,
        count: usize,
        filter: impl FnMut(&Bytes, &Entry) -> bool + Send + 'static,
    ) -> impl Future<Output = (u64, Vec<Bytes>)> + Send;

    /// A random live key of `db` (`RANDOMKEY`).
    fn random_key(&self, db: DbIndex) -> impl Future<Output = Option<Bytes>> + Send;

    /// The number of keys in `db`, including expired keys the sweep has not
    /// yet reclaimed, as Redis's `DBSIZE` does.
    fn len(&self, db: DbIndex) -> impl Future<Output = usize> + Send;

    /// How many keys of `db` have a deadline (`INFO keyspace`'s `expires`).
    fn volatile(&self, db: DbIndex) -> impl Future<Output = usize> + Send;

    /// Removes every key of `db`, or of every database (`FLUSHDB`,
    /// `FLUSHALL`).
    fn clear(&self, db: Option<DbIndex>) -> impl Future<Output = ()> + Send;

    /// Exchanges the contents of two databases (`SWAPDB`).
    fn swap(&self, a: DbIndex, b: DbIndex) -> impl Future<Output = ()> + Send;
}

/// A shared, typed key-value store with Redis's sixteen databases: one
/// strategy's handle, the [`Store`] primitives and what only a shared
/// handle can do (run a step over several keys or the whole store, install
/// the key hook).
///
/// `Clone` is a shallow handle clone (an `Arc` inside): every clone sees the
/// same data.
///
/// The trait is deliberately not object-safe: the server is generic over
/// `D: Db` and monomorphised per strategy, so no dynamic dispatch sits in the
/// measurements.
pub trait Db: Store + Clone + Send + Sync + 'static {
    /// Whether [`update_many`](Store::update_many),
    /// [`read_many`](Store::read_many) and [`atomically`](Db::atomically)
    /// run as one step: no concurrent operation observes some of their keys
    /// written and others not. When `false`, they are atomic per key only.
    const ATOMIC_MULTI_KEY: bool;

    /// **A transaction's or a script's step** (`EXEC`, `EVAL`): runs `f`
    /// with a [`World`] holding `scope` (the keys `f` declares, in every
    /// database, or the whole store) as one step, like
    /// [`update_many`](Store::update_many) with more to hold. `f` runs the
    /// commands itself, synchronously, on a [`StepView`] of the world.
    ///
    /// A world may hold more than asked (a strategy with one lock holds
    /// everything); [`World::holds`] says what it holds.
    fn atomically<R: Send + 'static>(
        &self,
        scope: Scope<'_>,
        f: impl FnOnce(&mut dyn World) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send;

    /// Installs `hook`, told from now on of every key that expires or is
    /// created, and of every write to a watched key (see [`KeyHook`]).
    /// Implemented once for every strategy, by the shared code. A store
    /// serves one server, which installs its hook once: the map strategies
    /// keep the first hook they are given (it is read on every write, so it
    /// is set once and never locked), the others the last.
    fn set_key_hook(&self, hook: std::sync::Arc<KeyHook>) -> impl Future<Output = ()> + Send;
}

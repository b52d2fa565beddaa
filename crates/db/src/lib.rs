//! The contract every sharedkv strategy implements: the [`Db`] trait.
//!
//! sharedkv is one Redis-compatible server whose shared state can be held in
//! many ways. Each way is a crate beside this one that implements [`Db`]; the
//! server picks one at start-up and is monomorphised for it. This crate holds
//! no strategy, only what they all share:
//!
//! - [`Db`], the async interface the server calls, one method per operation.
//! - [`Keyspace`], a plain single-threaded map that implements the semantics of
//!   every command, expiry included, as synchronous methods on `&mut self`.
//!   Strategies that can hold a `Keyspace` (behind a lock, in a task) only
//!   decide *how it is shared*; see [`KeyspaceHost`].
//! - [`transition`], the per-key state changes (SET with its options, INCR,
//!   EXPIRE, ...) as pure functions, so that strategies that cannot hold a
//!   `Keyspace` (dashmap, flurry) reuse the very same semantics through their
//!   own entry or compute APIs.
//! - [`spawn_sweeper`] and [`ExpiryQueue`], the active-expiry machinery.
//!
//! # The contract
//!
//! Every implementation must guarantee:
//!
//! - **Single-key operations are linearizable.** A `get` returns the value of
//!   the latest `set` that completed before it started, or of one that overlaps
//!   it. No reader ever sees a value that was never written.
//! - **Read-modify-write is atomic.** [`Db::incr_by`], and [`Db::set`] with
//!   [`SetCondition::IfAbsent`], [`SetCondition::IfPresent`] or
//!   [`SetOptions::get`], read and write one key as one step: N concurrent
//!   increments by 1 add exactly N.
//! - **Expired keys are never returned.** Expiry is lazy (every read checks the
//!   deadline) and active (a background sweep reclaims keys nobody reads). The
//!   clock is [`tokio::time::Instant`], so tests can pause and advance it.
//! - **Multi-key atomicity is declared, not assumed.** [`Db::ATOMIC_MULTI_KEY`]
//!   says whether `mget`, `mset`, `del` and `exists` over several keys act as
//!   one step. The conformance suite checks every strategy that claims it.
//!
//! Methods return `impl Future + Send` instead of being `async fn`, so generic
//! callers (the server spawns one task per connection) know the futures are
//! `Send`. Synchronous strategies return ready futures; the lock is taken
//! inside a plain function and released before the future is even returned.

mod entry;
mod error;
mod host;
mod keyspace;
mod options;
mod sweep;
pub mod transition;

use std::future::Future;

pub use bytes::Bytes;
pub use tokio::time::Instant;

pub use entry::{Entry, parse_i64};
pub use error::{DbError, ErrorKind};
pub use host::{KeyspaceHost, sweep_host};
pub use keyspace::{Keyspace, ReadRoute, Route};
pub use options::{ExpireCondition, SetCondition, SetExpiry, SetOptions, SetOutcome, Ttl};
pub use sweep::{ExpiryQueue, SWEEP_BUDGET, SWEEP_INTERVAL, spawn_sweeper};

/// The hasher every strategy uses, so that the comparison measures sharing,
/// not hashing. foldhash is fast and seeded per process, which keeps
/// hash-flooding from a client impractical.
pub type BuildHasher = foldhash::fast::RandomState;

/// A shared, string-valued key-value store: the operations behind Redis's
/// string commands.
///
/// `Clone` is a shallow handle clone (an `Arc` inside): every clone sees the
/// same data. Keys and values are [`Bytes`], so both are binary-safe.
///
/// The trait is deliberately not object-safe: the server is generic over
/// `D: Db` and monomorphised per strategy, so no dynamic dispatch sits in the
/// measurements.
// `len` mirrors `DBSIZE`; Redis has no emptiness command, so neither do we.
#[allow(clippy::len_without_is_empty)]
pub trait Db: Clone + Send + Sync + 'static {
    /// Whether `mget`, `mset`, `del` and `exists` over several keys are
    /// atomic: no concurrent operation observes some of the keys written and
    /// others not. When `false`, they are atomic per key only.
    const ATOMIC_MULTI_KEY: bool;

    /// The value of `key`, if it is present and not expired. (`GET`)
    fn get(&self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send;

    /// Writes `value` under `key` according to `opts`. (`SET`)
    fn set(
        &self,
        key: Bytes,
        value: Bytes,
        opts: SetOptions,
    ) -> impl Future<Output = SetOutcome> + Send;

    /// Removes `key` and returns the value it had. (`GETDEL`)
    fn getdel(&self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send;

    /// Removes the keys, returning how many existed. (`DEL`)
    fn del(&self, keys: &[Bytes]) -> impl Future<Output = usize> + Send;

    /// Counts the keys that exist; a key named twice counts twice. (`EXISTS`)
    fn exists(&self, keys: &[Bytes]) -> impl Future<Output = usize> + Send;

    /// Adds `delta` to the integer stored at `key` (absent counts as 0) and
    /// returns the new value. The key's TTL is kept. (`INCRBY`, `INCR`, ...)
    ///
    /// Fails with [`ErrorKind::NotAnInteger`] if the value is not a decimal
    /// `i64`, and with [`ErrorKind::Overflow`] if the sum does not fit.
    fn incr_by(&self, key: Bytes, delta: i64) -> impl Future<Output = Result<i64, DbError>> + Send;

    /// The values of `keys`, in order. (`MGET`)
    fn mget(&self, keys: &[Bytes]) -> impl Future<Output = Vec<Option<Bytes>>> + Send;

    /// Writes every pair, clearing their TTLs; a later pair for the same key
    /// wins. (`MSET`)
    fn mset(&self, pairs: Vec<(Bytes, Bytes)>) -> impl Future<Output = ()> + Send;

    /// Sets `key` to expire at `at` if `condition` allows it, given the
    /// key's current TTL; a deadline that has already passed deletes the
    /// key. Returns whether it did either: false when the key does not exist
    /// or `condition` says no. (`EXPIRE`, `PEXPIRE`, with `NX|XX|GT|LT`)
    fn expire(
        &self,
        key: &Bytes,
        at: Instant,
        condition: ExpireCondition,
    ) -> impl Future<Output = bool> + Send;

    /// The time `key` has left to live. (`TTL`, `PTTL`)
    fn ttl(&self, key: &Bytes) -> impl Future<Output = Ttl> + Send;

    /// Removes the TTL of `key`; returns whether it had one. (`PERSIST`)
    fn persist(&self, key: &Bytes) -> impl Future<Output = bool> + Send;

    /// The number of keys held, including expired keys the sweep has not yet
    /// reclaimed, as Redis's `DBSIZE` does.
    fn len(&self) -> impl Future<Output = usize> + Send;

    /// Removes every key. (`FLUSHDB`, `FLUSHALL`)
    fn clear(&self) -> impl Future<Output = ()> + Send;
}

//! An implementation of `sharedkv-db`'s [`Db`](sharedkv_db::Db) trait with
//! one [`std::sync::Mutex`] around the whole [`Databases`]: the first
//! strategy of the Tokio tutorial's "Shared state" chapter, and of
//! mini-redis.
//!
//! **When to pick it:** by default. Every command holds the lock for a few
//! hundred nanoseconds and never across an `.await`, so a blocking mutex is
//! cheaper than an async one, and at low contention nothing beats it.
//!
//! **What it costs:** every command on every core goes through one lock. As
//! cores and request rates grow the lock becomes the bottleneck, and a slow
//! command (a 10,000-key `MSET`, a `FLUSHALL` of a million keys) stalls every
//! other command *and* the worker threads they run on, since waiting for a
//! std mutex blocks the thread rather than yielding to the runtime.
//!
//! # Consistency
//!
//! Every primitive runs entirely under the one lock, so single-key steps are
//! linearizable, multi-key steps (`update_many`, `read_many`: `MSET`,
//! `MGET`, `RENAME`, ...) are atomic
//! ([`ATOMIC_MULTI_KEY`](sharedkv_db::Db::ATOMIC_MULTI_KEY) is `true`), and
//! so are `SWAPDB` and `FLUSHALL` (`with_all`, the same lock).
//!
//! **Transactions and scripts** (`EXEC`, `EVAL`: [`Db::atomically`](sharedkv_db::Db::atomically)) run
//! under the same lock, which already holds every key: isolation costs
//! nothing more here, and a transaction, like any command, keeps every
//! other client waiting while it runs.

use std::future::{Future, ready};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use sharedkv_db::{Databases, KeyspaceHost};

/// A handle to sixteen databases behind one `std::sync::Mutex`. Clones share
/// it.
#[derive(Clone, Debug)]
pub struct StdMutexDb {
    /// Why a std mutex and not `tokio::sync::Mutex`: the lock is taken only
    /// inside the synchronous closures of [`KeyspaceHost`], never across an
    /// `.await`, so it is never held while a task is suspended. A blocking
    /// lock held that briefly is cheaper than an async one.
    databases: Arc<Mutex<Databases>>,
}

impl StdMutexDb {
    /// An empty store, with its active-expiry sweep running.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        let databases = Arc::new(Mutex::new(Databases::new()));
        sharedkv_db::spawn_host_sweeper(&databases, |databases| StdMutexDb { databases });
        Self { databases }
    }

    /// Takes the lock. **Locking behaviour:** blocks the calling thread while
    /// another command holds it; never call it while holding the guard.
    fn lock(&self) -> MutexGuard<'_, Databases> {
        // A step that panics (a bug in a command, never a consequence of
        // input) can leave at most its own key changed part-way; the maps
        // stay sound, so a poisoned lock is still safe to use.
        self.databases
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for StdMutexDb {
    fn default() -> Self {
        Self::new()
    }
}

// Every guard below is a temporary of its statement: it is dropped before
// the (already finished) future is returned. One shard, so the default
// `with_all` (`with_keys` of no key) already holds everything.
impl KeyspaceHost for StdMutexDb {
    const ATOMIC_MULTI_KEY: bool = true;

    fn with_shard<R: Send + 'static>(
        &self,
        _shard: usize,
        f: impl FnOnce(&mut Databases) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(f(&mut self.lock()))
    }
}

//! An implementation of `sharedkv-db`'s [`Db`](sharedkv_db::Db) trait with
//! one [`std::sync::Mutex`] around the whole [`Keyspace`]: the first strategy
//! of the Tokio tutorial's "Shared state" chapter, and of mini-redis.
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
//! Every command runs entirely under the lock, so single-key operations are
//! linearizable and multi-key ones (`MSET`, `MGET`, `DEL`, `EXISTS`) are
//! atomic.

use std::future::{Future, ready};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use sharedkv_db::{Bytes, Keyspace, KeyspaceHost, Route};

/// A handle to a keyspace behind one `std::sync::Mutex`. Clones share it.
#[derive(Clone, Debug)]
pub struct StdMutexDb {
    /// Why a std mutex and not `tokio::sync::Mutex`: the lock is taken only
    /// inside the synchronous closures of [`KeyspaceHost`], never across an
    /// `.await`, so it is never held while a task is suspended. A blocking
    /// lock held that briefly is cheaper than an async one.
    keyspace: Arc<Mutex<Keyspace>>,
}

impl StdMutexDb {
    /// An empty store, with its active-expiry sweep running.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        let keyspace = Arc::new(Mutex::new(Keyspace::new()));
        sharedkv_db::spawn_sweeper(&keyspace, |keyspace| async move {
            sharedkv_db::sweep_host(&StdMutexDb { keyspace }).await;
        });
        Self { keyspace }
    }

    /// Takes the lock. **Locking behaviour:** blocks the calling thread while
    /// another command holds it; never call it while holding the guard.
    fn lock(&self) -> MutexGuard<'_, Keyspace> {
        // A panic inside a command cannot leave the keyspace half-updated
        // (each change is one map insert or remove), so a poisoned lock is
        // still safe to use.
        self.keyspace.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for StdMutexDb {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyspaceHost for StdMutexDb {
    const ATOMIC_MULTI_KEY: bool = true;

    fn with_key<R: Send + 'static>(
        &self,
        _key: &Bytes,
        f: impl FnOnce(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        // The guard is a temporary of this statement: it is dropped before
        // the (already finished) future is returned.
        ready(f(&mut self.lock()))
    }

    fn with_keys<R: Send + 'static>(
        &self,
        _keys: &[Bytes],
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(f(&mut *self.lock()))
    }

    fn with_each<R: Send + 'static>(
        &self,
        mut f: impl FnMut(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = Vec<R>> + Send {
        ready(vec![f(&mut self.lock())])
    }
}

//! An implementation of `sharedkv-db`'s [`Db`](sharedkv_db::Db) trait with
//! one [`tokio::sync::Mutex`] around the whole [`Databases`]: the async lock
//! that the Tokio tutorial's "Shared state" chapter tells you *not* to reach
//! for first, measured here to show why.
//!
//! **When to pick it:** when a critical section must hold the guard across
//! an `.await` (writing to a socket, calling another service while the state
//! stays locked). That never happens here: every command is a synchronous
//! closure on the databases, so this strategy gets nothing from the async
//! lock that std-mutex lacks. Pick std-mutex instead; this one is the
//! control.
//!
//! **What it costs:** more per lock than a std mutex. `tokio::sync::Mutex` is
//! itself built on Tokio's semaphore: even uncontended, a lock is a future to
//! poll that spends coop budget, and under contention waiters queue in FIFO
//! order and each hand-off wakes the next task through the scheduler. In
//! exchange, a task waiting for the lock yields its worker thread to the
//! runtime instead of blocking it, so a slow command (a 10,000-key `MSET`, a
//! `FLUSHALL`) stalls other commands but not the other tasks on that thread.
//! All commands still go through one lock: the bottleneck is std-mutex's.
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
//! nothing more here, and every other client waits for them, in the
//! lock's queue rather than on a thread.

use std::sync::Arc;

use sharedkv_db::{Databases, KeyspaceHost};
use tokio::sync::Mutex;

/// A handle to sixteen databases behind one `tokio::sync::Mutex`. Clones
/// share it.
#[derive(Clone, Debug)]
pub struct TokioMutexDb {
    /// Why a Tokio mutex: only to measure it against the std one. The guard is
    /// held for one synchronous closure and dropped before the next `.await`,
    /// so the one thing an async lock allows (suspending while holding it) is
    /// never used; only its waiting differs (it yields instead of blocking).
    /// No poisoning: a panicking command releases the lock on unwind.
    databases: Arc<Mutex<Databases>>,
}

impl TokioMutexDb {
    /// An empty store, with its active-expiry sweep running.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        let databases = Arc::new(Mutex::new(Databases::new()));
        sharedkv_db::spawn_host_sweeper(&databases, |databases| TokioMutexDb { databases });
        Self { databases }
    }
}

impl Default for TokioMutexDb {
    fn default() -> Self {
        Self::new()
    }
}

// **Locking behaviour:** each method's future waits (yielding to the runtime)
// while another command holds the lock; the guard is a temporary of the
// closure call, so it is released as soon as the closure returns. One shard,
// so the default `with_all` (`with_keys` of no key) already holds everything.
impl KeyspaceHost for TokioMutexDb {
    const ATOMIC_MULTI_KEY: bool = true;

    async fn with_shard<R: Send + 'static>(
        &self,
        _shard: usize,
        f: impl FnOnce(&mut Databases) -> R + Send + 'static,
    ) -> R {
        f(&mut *self.databases.lock().await)
    }
}

//! An implementation of `sharedkv-db`'s [`Db`](sharedkv_db::Db) trait with
//! one [`std::sync::RwLock`] around the whole [`Keyspace`]: std-mutex's
//! keyspace, but commands that only read (`GET`, `TTL`, `MGET`, `EXISTS`)
//! take the lock in shared mode and run side by side.
//!
//! **When to pick it:** read-mostly loads on several cores, where std-mutex's
//! one lock serialises readers that never needed to wait for each other. A
//! long read (a 10,000-key `MGET`) no longer stalls the other readers.
//!
//! **What it costs:** an `RwLock` is dearer than a `Mutex` to take, even
//! uncontended, and every read still writes the lock word, so the cache line
//! holding it bounces between the cores of concurrent readers: under many
//! short reads this strategy need not beat std-mutex. Writers remain fully
//! serialised, and a write waits for every reader in the lock to leave.
//!
//! **Writer starvation:** `std::sync::RwLock` does not promise any priority
//! policy; its docs say a waiting writer "might or might not" block new
//! readers. On Linux and the BSDs (std's futex-based lock, since Rust 1.62)
//! a waiting writer does block new readers, so writers do not starve, but
//! then a writer queued behind one long read holds up every read that
//! arrives after it. On a platform whose lock prefers readers, a steady
//! stream of overlapping `GET`s can keep a `SET` (and the expiry sweep)
//! waiting indefinitely. Measure before relying on either.
//!
//! **Expired keys under a read lock:** a read cannot remove anything, so a
//! read that finds an expired key reports it absent and leaves it where it
//! is; the next write of that key, or the active sweep, removes it (as the
//! lazy-expiry contract allows: an expired key is never *returned*).
//!
//! # Consistency
//!
//! Every command runs entirely under the lock, shared for reads, exclusive
//! for writes, so single-key operations are linearizable and multi-key ones
//! (`MSET`, `MGET`, `DEL`, `EXISTS`) are atomic: a read-locked `MGET` cannot
//! overlap a write-locked `MSET`.

use std::future::{Future, ready};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use sharedkv_db::{Bytes, Keyspace, KeyspaceHost, ReadRoute, Route};

/// A handle to a keyspace behind one `std::sync::RwLock`. Clones share it.
#[derive(Clone, Debug)]
pub struct RwLockDb {
    /// Why a std lock and not `tokio::sync::RwLock`: as in std-mutex, a guard
    /// lives only inside the synchronous closures of [`KeyspaceHost`] and is
    /// dropped before a future is returned, so it is never held while a task
    /// is suspended, and a blocking lock held that briefly is the cheaper one.
    keyspace: Arc<RwLock<Keyspace>>,
}

impl RwLockDb {
    /// An empty store, with its active-expiry sweep running.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        let keyspace = Arc::new(RwLock::new(Keyspace::new()));
        sharedkv_db::spawn_sweeper(&keyspace, |keyspace| async move {
            sharedkv_db::sweep_host(&RwLockDb { keyspace }).await;
        });
        Self { keyspace }
    }

    /// Takes the lock in shared mode. **Locking behaviour:** blocks the
    /// calling thread while a writer holds the lock (and, on Linux, while
    /// one waits for it); never call it while holding a guard of this lock,
    /// since a writer queued in between deadlocks the two.
    fn read(&self) -> RwLockReadGuard<'_, Keyspace> {
        // A panic inside a command cannot leave the keyspace half-updated
        // (each change is one map insert or remove), so a poisoned lock is
        // still safe to use.
        self.keyspace.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the lock exclusively. **Locking behaviour:** blocks the calling
    /// thread until every reader and writer in the lock has left; never call
    /// it while holding a guard of this lock.
    fn write(&self) -> RwLockWriteGuard<'_, Keyspace> {
        self.keyspace
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for RwLockDb {
    fn default() -> Self {
        Self::new()
    }
}

// Every guard below is a temporary of its statement: it is dropped before
// the (already finished) future is returned.
impl KeyspaceHost for RwLockDb {
    const ATOMIC_MULTI_KEY: bool = true;

    fn with_key<R: Send + 'static>(
        &self,
        _key: &Bytes,
        f: impl FnOnce(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(f(&mut self.write()))
    }

    fn with_keys<R: Send + 'static>(
        &self,
        _keys: &[Bytes],
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(f(&mut *self.write()))
    }

    fn with_each<R: Send + 'static>(
        &self,
        mut f: impl FnMut(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = Vec<R>> + Send {
        ready(vec![f(&mut self.write())])
    }

    /// `GET` and `TTL`: under the shared lock.
    fn read_key<R: Send + 'static>(
        &self,
        _key: &Bytes,
        f: impl FnOnce(&Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(f(&self.read()))
    }

    /// `MGET` and `EXISTS`: under the shared lock, so atomic all the same.
    fn read_keys<R: Send + 'static>(
        &self,
        _keys: &[Bytes],
        f: impl FnOnce(&mut dyn ReadRoute) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(f(&mut &*self.read()))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sharedkv_db::{Db, ExpireCondition, Instant, SetExpiry, SetOptions, Ttl};

    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    /// GET, TTL, MGET and EXISTS complete while another thread holds a read guard: they take the lock shared.
    #[test]
    fn reads_share_the_lock() {
        let rt = || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
        };
        let main = rt();
        let db = main.block_on(async { RwLockDb::new() });
        main.block_on(db.set(b("k"), b("v"), SetOptions::default()));
        let held = db.read();
        let (done, answers) = std::sync::mpsc::channel();
        let reader = db.clone();
        std::thread::spawn(move || {
            let answers = rt().block_on(async {
                (
                    reader.get(&b("k")).await,
                    reader.ttl(&b("k")).await,
                    reader.mget(&[b("k"), b("x")]).await,
                    reader.exists(&[b("k"), b("k")]).await,
                )
            });
            done.send(answers).unwrap();
        });
        let answers = answers
            .recv_timeout(Duration::from_secs(10))
            .expect("a read waited for the read guard held here");
        assert_eq!(
            answers,
            (Some(b("v")), Ttl::Persistent, vec![Some(b("v")), None], 2)
        );
        assert!(db.keyspace.try_write().is_err(), "the guard is still held");
        drop(held);
    }

    /// A read of an expired key reports it absent and leaves it; a write of the key or the sweep removes it.
    #[tokio::test(start_paused = true)]
    async fn reads_leave_expired_keys_to_writers_and_the_sweep() {
        let db = RwLockDb::new();
        let at = Instant::now() + Duration::from_secs(1);
        let ex = SetOptions {
            expiry: SetExpiry::At(at),
            ..SetOptions::default()
        };
        db.set(b("a"), b("v"), ex).await;
        db.set(b("b"), b("v"), ex).await;
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(db.get(&b("a")).await, None);
        assert_eq!(db.mget(&[b("a"), b("b")]).await, vec![None, None]);
        assert_eq!(db.len().await, 2, "reads remove nothing");
        assert!(
            !db.expire(
                &b("a"),
                at + Duration::from_secs(9),
                ExpireCondition::ALWAYS
            )
            .await
        );
        assert_eq!(db.len().await, 1, "a write of an expired key reclaims it");
        tokio::time::sleep(sharedkv_db::SWEEP_INTERVAL * 2).await;
        assert_eq!(db.len().await, 0, "the sweep reclaims the rest");
    }
}

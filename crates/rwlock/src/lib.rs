//! An implementation of `sharedkv-db`'s [`Db`](sharedkv_db::Db) trait with
//! one [`std::sync::RwLock`] around the whole [`Databases`]: std-mutex's
//! databases, but primitives that only read (`read`, `read_many`, `scan`,
//! `len`, `random_key`: `GET`, `TTL`, `MGET`, `EXISTS`, `SCAN`, `DBSIZE`)
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
//! Every primitive runs entirely under the one lock, shared for reads,
//! exclusive for writes, so single-key steps are linearizable and multi-key
//! steps (`update_many`, `read_many`: `MSET`, `MGET`, `RENAME`, ...) are
//! atomic ([`ATOMIC_MULTI_KEY`](sharedkv_db::Db::ATOMIC_MULTI_KEY) is
//! `true`): a read-locked `MGET` cannot overlap a write-locked `MSET`.
//! `SWAPDB` and `FLUSHALL` (`with_all`) take the lock exclusively.
//!
//! **Transactions and scripts** (`EXEC`, `EVAL`: [`Db::atomically`](sharedkv_db::Db::atomically)) take
//! the lock exclusively for their whole run, as a write does, even when
//! they only read: a step cannot know in advance that no command of it
//! writes.

use std::future::{Future, ready};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use sharedkv_db::{Bytes, Databases, KeyspaceHost, ReadRoute};

/// A handle to sixteen databases behind one `std::sync::RwLock`. Clones
/// share it.
#[derive(Clone, Debug)]
pub struct RwLockDb {
    /// Why a std lock and not `tokio::sync::RwLock`: as in std-mutex, a guard
    /// lives only inside the synchronous closures of [`KeyspaceHost`] and is
    /// dropped before a future is returned, so it is never held while a task
    /// is suspended, and a blocking lock held that briefly is the cheaper one.
    databases: Arc<RwLock<Databases>>,
}

impl RwLockDb {
    /// An empty store, with its active-expiry sweep running.
    ///
    /// Must be called from within a Tokio runtime.
    pub fn new() -> Self {
        let databases = Arc::new(RwLock::new(Databases::new()));
        sharedkv_db::spawn_host_sweeper(&databases, |databases| RwLockDb { databases });
        Self { databases }
    }

    /// Takes the lock in shared mode. **Locking behaviour:** blocks the
    /// calling thread while a writer holds the lock (and, on Linux, while
    /// one waits for it); never call it while holding a guard of this lock,
    /// since a writer queued in between deadlocks the two.
    fn shared(&self) -> RwLockReadGuard<'_, Databases> {
        // Poisoning is ignored, for std-mutex's reason.
        self.databases
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the lock exclusively. **Locking behaviour:** blocks the calling
    /// thread until every reader and writer in the lock has left; never call
    /// it while holding a guard of this lock.
    fn exclusive(&self) -> RwLockWriteGuard<'_, Databases> {
        self.databases
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
// the (already finished) future is returned. One shard, so the default
// `with_all` (`with_keys` of no key) already holds everything, exclusively.
impl KeyspaceHost for RwLockDb {
    const ATOMIC_MULTI_KEY: bool = true;

    fn with_shard<R: Send + 'static>(
        &self,
        _shard: usize,
        f: impl FnOnce(&mut Databases) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(f(&mut self.exclusive()))
    }

    /// `MGET` and `EXISTS`: under the shared lock, so atomic all the same.
    fn read_keys<R: Send + 'static>(
        &self,
        _keys: &[Bytes],
        f: impl FnOnce(&mut dyn ReadRoute) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(f(&mut &*self.shared()))
    }

    /// `SCAN`, `DBSIZE`, `RANDOMKEY` and `INFO keyspace`: under the shared
    /// lock. (The sweep writes, through `with_shard`.)
    fn read_shard<R: Send + 'static>(
        &self,
        _shard: usize,
        f: impl FnOnce(&Databases) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(f(&self.shared()))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sharedkv_db::{DbIndex, Entry, Instant, Store, Value};

    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    /// Stores `value` under `key` in database 0, with `deadline`.
    async fn set(db: &RwLockDb, key: &str, value: &str, deadline: Option<Instant>) {
        let value = b(value);
        db.update(DbIndex::ZERO, &b(key), move |slot| {
            slot.put(Entry {
                value: Value::Str(value.clone()),
                expires_at: deadline,
            })
        })
        .await;
    }

    /// The value under `key` in database 0, read through the shared lock.
    async fn get(db: &RwLockDb, key: &str) -> Option<Value> {
        db.read(DbIndex::ZERO, &b(key), |e| e.map(|e| e.value.clone()))
            .await
    }

    /// How many of `keys` exist in database 0, read as one step.
    async fn present(db: &RwLockDb, keys: Vec<Bytes>) -> usize {
        let named = keys.clone();
        db.read_many(&named, move |ks| {
            keys.iter()
                .filter(|k| ks.read(DbIndex::ZERO, k, |e| e.is_some()))
                .count()
        })
        .await
    }

    /// read, read_many, scan, len and random_key complete while another thread holds a read guard: they take the lock shared.
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
        main.block_on(set(&db, "k", "v", None));
        let held = db.shared();
        let (done, answers) = std::sync::mpsc::channel();
        let reader = db.clone();
        std::thread::spawn(move || {
            let answers = rt().block_on(async {
                (
                    get(&reader, "k").await,
                    present(&reader, vec![b("k"), b("x")]).await,
                    reader.scan(DbIndex::ZERO, 0, usize::MAX, |_, _| true).await,
                    reader.len(DbIndex::ZERO).await,
                    reader.random_key(DbIndex::ZERO).await,
                )
            });
            done.send(answers).unwrap();
        });
        let answers = answers
            .recv_timeout(Duration::from_secs(10))
            .expect("a read waited for the read guard held here");
        let v = Some(Value::Str(b("v")));
        assert_eq!(answers, (v, 1, (0, vec![b("k")]), 1, Some(b("k"))));
        assert!(db.databases.try_write().is_err(), "the guard is still held");
        drop(held);
    }

    /// A read of an expired key reports it absent and leaves it; a write of the key or the sweep removes it.
    #[tokio::test(start_paused = true)]
    async fn reads_leave_expired_keys_to_writers_and_the_sweep() {
        let db = RwLockDb::new();
        let at = Instant::now() + Duration::from_secs(1);
        set(&db, "a", "v", Some(at)).await;
        set(&db, "b", "v", Some(at)).await;
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(get(&db, "a").await, None);
        assert_eq!(present(&db, vec![b("a"), b("b")]).await, 0);
        assert_eq!(db.len(DbIndex::ZERO).await, 2, "reads remove nothing");
        let existed = db
            .update(DbIndex::ZERO, &b("a"), |slot| slot.exists())
            .await;
        assert!(!existed);
        assert_eq!(
            db.len(DbIndex::ZERO).await,
            1,
            "a write of an expired key reclaims it"
        );
        tokio::time::sleep(sharedkv_db::SWEEP_INTERVAL * 2).await;
        assert_eq!(
            db.len(DbIndex::ZERO).await,
            0,
            "the sweep reclaims the rest"
        );
    }
}

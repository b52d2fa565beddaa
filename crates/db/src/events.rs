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
//! **Cost:** for an expired key, one relaxed increment and the listener's
//! call; for a created key, one relaxed load, and the listener's call only
//! while `new` events are wanted. A store without a hook pays one branch.
//! Evictions (`evicted`) never happen: this server has no `maxmemory`.

use std::fmt::Debug;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bytes::Bytes;

use crate::DbIndex;

/// Who hears of keys that expire or appear.
pub trait KeyListener: Send + Sync + Debug + 'static {
    /// `key` of `db` was removed because its deadline passed.
    fn expired(&self, db: DbIndex, key: &Bytes);
    /// `key` of `db` was created; called only while
    /// [`KeyHook::report_new`] is on.
    fn created(&self, db: DbIndex, key: &Bytes);
}

/// The expired-key counter and the listener, shared by every shard of a
/// store.
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
    listener: Box<dyn KeyListener>,
}

impl KeyHook {
    /// A hook that tells `listener`.
    pub fn new(listener: impl KeyListener) -> Self {
        KeyHook {
            expired: AtomicU64::new(0),
            report_new: AtomicBool::new(false),
            listener: Box::new(listener),
        }
    }

    /// How many keys expired since the start or the last
    /// [`reset`](KeyHook::reset).
    pub fn expired_keys(&self) -> u64 {
        self.expired.load(Ordering::Relaxed)
    }

    /// `CONFIG RESETSTAT`: the counter back to 0.
    pub fn reset(&self) {
        self.expired.store(0, Ordering::Relaxed);
    }

    /// Whether created keys are reported to the listener.
    pub fn report_new(&self, on: bool) {
        self.report_new.store(on, Ordering::Relaxed);
    }

    /// A key expired: counted, and told.
    pub(crate) fn on_expired(&self, db: DbIndex, key: &Bytes) {
        self.expired.fetch_add(1, Ordering::Relaxed);
        self.listener.expired(db, key);
    }

    /// A key was created: told if wanted.
    #[inline]
    pub(crate) fn on_created(&self, db: DbIndex, key: &Bytes) {
        if self.report_new.load(Ordering::Relaxed) {
            self.listener.created(db, key);
        }
    }
}

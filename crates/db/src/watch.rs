//! [`Watches`]: the keys clients `WATCH`, told of every change to them
//! from inside the step that makes it.
//!
//! `WATCH k` then `EXEC` must fail if anyone changed `k` in between: the
//! optimistic lock of Redis's check-and-set. The check is only sound if
//! the change and its report are one step: a write that marked its
//! watchers after letting go of its lock could slip past an `EXEC` that
//! took the lock in that gap, and a `WATCH`, `GET`, `MULTI`, `SET`, `EXEC`
//! retry loop would lose an increment. So the store reports every write
//! from inside the step, under the strategy's lock, through the
//! [`KeyHook`](crate::KeyHook): the shared code that every strategy runs
//! each step through ([`Keyspace`](crate::Keyspace), [`MapDb`](crate::MapDb))
//! calls it. `EXEC` holds its watched keys in its own step and reads the
//! flag there.
//!
//! What counts as a change is what Redis's `signalModifiedKey` reports: a
//! step that stored, replaced or removed the key (a `DEL` of an absent key
//! is none), the key's expiry, and `FLUSHDB`, `FLUSHALL` and `SWAPDB` for
//! the watched keys that existed in the databases they emptied or swapped.
//! A key already expired when it was watched is not changed by its
//! removal, as in Redis 7.0.
//!
//! **Cost:** while no client watches anything, one relaxed load per write.
//! Otherwise a write takes one global mutex for a hash lookup: watching is
//! for a few keys of a few clients at a time, and this is its price.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;

use crate::DbIndex;

/// One client's watch: whether a key it watches has changed since.
#[derive(Debug, Default)]
pub struct Watcher {
    dirty: AtomicBool,
}

impl Watcher {
    /// A clean watcher.
    pub fn new() -> Arc<Watcher> {
        Arc::default()
    }

    /// Whether a watched key changed: `EXEC` must fail.
    pub fn is_dirty(&self) -> bool {
        self.dirty.load(Ordering::Acquire)
    }

    fn touch(&self) {
        self.dirty.store(true, Ordering::Release);
    }
}

/// One key's watch by one client.
#[derive(Debug)]
struct Watch {
    watcher: Arc<Watcher>,
    /// Whether the key was live when watched: its expiry then changes it.
    live: bool,
}

/// Every watched key, and its watchers.
#[derive(Debug, Default)]
pub struct Watches {
    /// How many (key, watcher) pairs there are: zero is the fast path.
    count: AtomicUsize,
    table: Mutex<HashMap<(DbIndex, Bytes), Vec<Watch>>>,
}

impl Watches {
    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<(DbIndex, Bytes), Vec<Watch>>> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether anyone watches anything: one relaxed load.
    #[inline]
    fn any(&self) -> bool {
        self.count.load(Ordering::Relaxed) != 0
    }

    /// `watcher` watches `key` of `db`, which is `live` (exists, unexpired)
    /// now. Watching a key twice is watching it once.
    pub fn watch(&self, watcher: &Arc<Watcher>, db: DbIndex, key: Bytes, live: bool) {
        let mut table = self.table();
        let watches = table.entry((db, key)).or_default();
        if watches.iter().any(|w| Arc::ptr_eq(&w.watcher, watcher)) {
            return;
        }
        watches.push(Watch {
            watcher: Arc::clone(watcher),
            live,
        });
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// `watcher` stops watching `keys` (`UNWATCH`, `EXEC`, `DISCARD`, a
    /// disconnection).
    pub fn unwatch<'k>(
        &self,
        watcher: &Arc<Watcher>,
        keys: impl IntoIterator<Item = (DbIndex, &'k Bytes)>,
    ) {
        let mut table = self.table();
        for (db, key) in keys {
            let slot = (db, key.clone());
            let Some(watches) = table.get_mut(&slot) else {
                continue;
            };
            let before = watches.len();
            watches.retain(|w| !Arc::ptr_eq(&w.watcher, watcher));
            self.count
                .fetch_sub(before - watches.len(), Ordering::Relaxed);
            if watches.is_empty() {
                table.remove(&slot);
            }
        }
    }

    /// A step stored, replaced or removed `key` of `db`.
    #[inline]
    pub(crate) fn written(&self, db: DbIndex, key: &Bytes) {
        if self.any() {
            self.touch(db, key, false);
        }
    }

    /// `key` of `db` expired and was removed.
    #[inline]
    pub(crate) fn expired(&self, db: DbIndex, key: &Bytes) {
        if self.any() {
            self.touch(db, key, true);
        }
    }

    #[cold]
    fn touch(&self, db: DbIndex, key: &Bytes, expiry: bool) {
        if let Some(watches) = self.table().get(&(db, key.clone())) {
            for w in watches.iter().filter(|w| w.live || !expiry) {
                w.watcher.touch();
            }
        }
    }

    /// `db` is about to be emptied (`FLUSHDB`, `FLUSHALL`): its watched
    /// keys for which `exists` is true change.
    pub(crate) fn flushed(&self, db: DbIndex, exists: &dyn Fn(&[u8]) -> bool) {
        if !self.any() {
            return;
        }
        for ((at, key), watches) in self.table().iter() {
            if *at == db && exists(key) {
                watches.iter().for_each(|w| w.watcher.touch());
            }
        }
    }

    /// Databases `a` and `b` are about to be swapped: a watched key of
    /// either changes if it exists in either (`exists(db, key)`).
    pub(crate) fn swapped(&self, a: DbIndex, b: DbIndex, exists: &dyn Fn(DbIndex, &[u8]) -> bool) {
        if !self.any() {
            return;
        }
        for ((at, key), watches) in self.table().iter() {
            if (*at == a || *at == b) && (exists(a, key) || exists(b, key)) {
                watches.iter().for_each(|w| w.watcher.touch());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &'static str) -> Bytes {
        Bytes::from_static(s.as_bytes())
    }

    /// A write touches every watcher of its key and no other; unwatching ends it; expiry touches only watchers that saw the key live.
    #[test]
    fn writes_touch_their_watchers() {
        let watches = Watches::default();
        let (a, b) = (Watcher::new(), Watcher::new());
        watches.watch(&a, DbIndex::ZERO, key("k"), true);
        watches.watch(&b, DbIndex::ZERO, key("other"), false);
        watches.written(DbIndex::ZERO, &key("k"));
        assert!(a.is_dirty() && !b.is_dirty());
        watches.expired(DbIndex::ZERO, &key("other"));
        assert!(!b.is_dirty(), "an expired key's removal is no change");
        watches.unwatch(&b, [(DbIndex::ZERO, &key("other"))]);
        watches.unwatch(&a, [(DbIndex::ZERO, &key("k"))]);
        assert_eq!(watches.count.load(Ordering::Relaxed), 0);
        assert!(watches.table().is_empty());
    }

    /// A flush touches the watched keys that existed in the emptied database only.
    #[test]
    fn flushes_touch_existing_keys() {
        let watches = Watches::default();
        let (a, b) = (Watcher::new(), Watcher::new());
        watches.watch(&a, DbIndex::ZERO, key("there"), true);
        watches.watch(&b, DbIndex::ZERO, key("absent"), false);
        watches.flushed(DbIndex::ZERO, &|k| k == b"there");
        assert!(a.is_dirty() && !b.is_dirty());
    }
}

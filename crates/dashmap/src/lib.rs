//! An implementation of `sharedkv-db`'s [`KeyMap`] trait for a
//! [`dashmap::DashMap`]: a fixed array of `RwLock<HashMap>` shards behind one
//! map API, the key's hash picking the shard. The shard count is fixed at
//! construction: four times the available parallelism, rounded up to a power
//! of two. [`DashMapDb`] is [`MapDb`] over it, sixteen maps for Redis's
//! sixteen databases.
//!
//! **When to pick it:** many cores, many keys, mostly single-key commands. Two
//! commands contend only when their keys share a shard, and reads of one
//! shard run in parallel under its read lock. It is the popular off-the-shelf
//! answer to "a `HashMap` shared between tasks".
//!
//! **What it costs:** a command's step runs under the write lock of its key's
//! shard, inside dashmap's entry guard, and changes the stored entry in place:
//! a write to a big collection costs what the change costs, nothing is copied.
//! But every other key of that shard waits meanwhile, so a slow step (a big
//! collection) stalls a whole shard's worth of keys, and a blocked thread
//! stalls every task queued on it. The guards (`Ref`, `RefMut`, `Entry`) are
//! *synchronous* shard locks: holding one across an `.await` blocks every
//! other task that touches the shard, on every worker thread, and is the
//! classic dashmap deadlock. Every map access here is a synchronous method,
//! and the guard is gone before it returns; clippy.toml lists the guard
//! types so that `await_holding_invalid_type` denies any regression. Expiry
//! deadlines live beside the maps, in [`MapDb`]'s queue.
//!
//! # Consistency
//!
//! Every single-key step runs under the write lock of the key's shard (reads
//! under its read lock), so single-key operations are linearizable and
//! read-modify-write commands (`INCR`, `SET NX|XX|GET`) are atomic.
//!
//! Multi-key commands (`MSET`, `MGET`, `DEL`, `RENAME`, ...) are atomic **per
//! key only** ([`Db::ATOMIC_MULTI_KEY`](sharedkv_db::Db::ATOMIC_MULTI_KEY) is
//! `false`): dashmap locks one shard at a time, and an atomic `MSET` would
//! need the write locks of every touched shard at once, which `DashMap`'s
//! public API does not offer. A concurrent `MGET` can see half of an `MSET`.
//! `len` and `clear` visit the shards one after another, so neither is a
//! snapshot. [`MapDb`]'s docs say how databases, `SWAPDB` and `SCAN` behave.

use std::mem;
use std::ops::ControlFlow;

use dashmap::DashMap;
use dashmap::mapref::entry::Entry as Place;
use sharedkv_db::{
    BuildHasher, Bytes, Entry, Instant, KeyMap, MapDb, Outcome, Slot, Stepped, run_step,
};

/// A handle to sixteen `DashMap` databases. Clones share them.
pub type DashMapDb = MapDb<DashMapKeys>;

/// One database: a `DashMap`, hashed with [`BuildHasher`] as every strategy
/// is, so that the comparison measures sharing and not hashing.
#[derive(Debug)]
pub struct DashMapKeys(DashMap<Bytes, Entry, BuildHasher>);

impl KeyMap for DashMapKeys {
    fn new() -> Self {
        Self(DashMap::with_hasher(BuildHasher::default()))
    }

    /// The step changes the stored entry in place, through the entry guard;
    /// only an insert or a removal touches the map itself.
    ///
    /// **Locking behaviour:** holds the write lock of the key's shard from
    /// `entry` to the return (the entry *is* the guard), even when the step
    /// changes nothing. Blocks the thread while another thread holds that
    /// shard.
    fn update<R>(
        &self,
        key: &Bytes,
        now: Instant,
        step: impl FnMut(&mut Slot<'_>) -> R,
    ) -> Stepped<R> {
        match self.0.entry(key.clone()) {
            Place::Occupied(mut place) => {
                let mut done = run_step(Some(place.get_mut()), now, step);
                // Keep and Stored: the entry in the map is already right.
                if let Outcome::Remove = mem::replace(&mut done.outcome, Outcome::Keep) {
                    place.remove();
                }
                done
            }
            Place::Vacant(place) => {
                let mut done = run_step(None, now, step);
                if let Outcome::Insert(entry) = mem::replace(&mut done.outcome, Outcome::Keep) {
                    place.insert(entry);
                }
                done
            }
        }
    }

    /// **Locking behaviour:** the `Ref` guard holds the shard's read lock; it
    /// is a temporary of this body, released as soon as `f` returns.
    fn read<R>(&self, key: &[u8], f: impl FnOnce(Option<&Entry>) -> R) -> R {
        f(self.0.get(key).as_deref())
    }

    /// **Locking behaviour:** takes the shard's write lock; the check runs
    /// under it.
    fn remove_expired(&self, key: &Bytes, now: Instant) {
        self.0.remove_if(key, |_, entry| !entry.is_live(now));
    }

    /// **Locking behaviour:** holds each shard's read lock while `f` visits
    /// its keys, so writers of that shard wait; `f` must not touch the map
    /// (a write from inside would deadlock).
    fn visit(&self, mut f: impl FnMut(&Bytes, &Entry) -> ControlFlow<()>) {
        for pair in self.0.iter() {
            if f(pair.key(), pair.value()).is_break() {
                break;
            }
        }
    }

    /// **Locking behaviour:** takes every shard's read lock in turn.
    fn len(&self) -> usize {
        self.0.len()
    }

    /// **Locking behaviour:** takes every shard's write lock in turn.
    fn clear(&self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sharedkv_db::{Db, DbIndex, SWEEP_INTERVAL, Value};

    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    /// INCR as a step: an absent key counts as 0, and the deadline stays.
    fn incr(slot: &mut Slot<'_>) -> i64 {
        let n = match slot.value() {
            Some(Value::Int(n)) => n + 1,
            _ => 1,
        };
        let expires_at = slot.entry().and_then(|e| e.expires_at);
        slot.put(Entry {
            value: Value::Int(n),
            expires_at,
        });
        n
    }

    /// A step that changes the value in place is stored, a removal removes, and an expired entry is absent to reads and steps.
    #[tokio::test(start_paused = true)]
    async fn steps_change_in_place_and_remove() {
        let db = DashMapDb::new();
        let key = b("k");
        assert_eq!(db.update(DbIndex::ZERO, &key, incr).await, 1);
        db.update(DbIndex::ZERO, &key, |slot| {
            if let Some(Value::Int(n)) = slot.value_mut() {
                *n *= 10;
            }
        })
        .await;
        let read = db.read(DbIndex::ZERO, &key, |e| e.map(|e| e.value.clone()));
        assert_eq!(read.await, Some(Value::Int(10)));
        let existed = db.update(DbIndex::ZERO, &key, |slot| {
            let existed = slot.exists();
            slot.remove();
            existed
        });
        assert!(existed.await);
        assert_eq!(db.len(DbIndex::ZERO).await, 0);

        let at = Instant::now() + Duration::from_secs(1);
        db.update(DbIndex::ZERO, &key, move |slot| {
            slot.put(Entry {
                value: Value::Int(1),
                expires_at: Some(at),
            });
        })
        .await;
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(!db.read(DbIndex::ZERO, &key, |e| e.is_some()).await);
        assert_eq!(
            db.update(DbIndex::ZERO, &key, incr).await,
            1,
            "expired: absent"
        );
    }

    /// Deadline hints follow deadlines: a write that keeps its deadline (INCR) pushes no new hint, the sweep reclaims expired keys nobody reads (TTL set by a put or changed in place), and a stale hint (the key was rewritten without a TTL) removes nothing.
    #[tokio::test(start_paused = true)]
    async fn hints_follow_deadlines() {
        let db = DashMapDb::new();
        let at = Instant::now() + Duration::from_secs(1);
        let put = |value: &'static str, expires_at| {
            move |slot: &mut Slot<'_>| {
                slot.put(Entry {
                    value: Value::string(Bytes::from_static(value.as_bytes())),
                    expires_at,
                });
            }
        };
        db.update(DbIndex::ZERO, &b("counter"), put("1", Some(at)))
            .await;
        db.update(DbIndex::ZERO, &b("expired"), put("v", None))
            .await;
        let expire = move |slot: &mut Slot<'_>| slot.entry_mut().map(|e| e.expires_at = Some(at));
        assert!(
            db.update(DbIndex::ZERO, &b("expired"), expire)
                .await
                .is_some()
        );
        db.update(DbIndex::ZERO, &b("kept"), put("v", Some(at)))
            .await;
        db.update(DbIndex::ZERO, &b("kept"), put("w", None)).await;
        for _ in 0..3 {
            db.update(DbIndex::ZERO, &b("counter"), incr).await;
        }
        assert_eq!(
            db.pending_hints(),
            3,
            "an unchanged deadline is not pushed again"
        );

        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(
            db.len(DbIndex::ZERO).await,
            3,
            "lazy expiry alone does not remove"
        );
        tokio::time::sleep(SWEEP_INTERVAL * 2).await;

        assert_eq!(db.len(DbIndex::ZERO).await, 1);
        assert_eq!(db.pending_hints(), 0, "every due hint was popped");
        let kept = db.read(DbIndex::ZERO, &b("kept"), |e| e.cloned()).await;
        assert_eq!(kept, Some(Entry::new(Value::Str(b("w")))));
    }
}

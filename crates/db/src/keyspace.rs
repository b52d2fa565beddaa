//! `Keyspace`: one plain map with every command's semantics.

use std::collections::{BTreeSet, HashMap};

use bytes::Bytes;
use tokio::time::Instant;

use crate::transition::{self, Change};
use crate::{BuildHasher, DbError, Entry, ExpireCondition, SetOptions, SetOutcome, Ttl};

/// A single-threaded keyspace: a `HashMap` of [`Entry`]s plus an index of
/// their deadlines.
///
/// It has no interior mutability and no locks. Strategies make it shared:
/// behind a `Mutex`, split into shards, owned by one task. Every method takes
/// `now` from the caller, so the same code serves real and paused time.
///
/// **Invariant:** `expiries` holds exactly one `(deadline, key)` pair for
/// every entry that has a deadline, and nothing else. That makes the active
/// sweep a walk from the front of a sorted set instead of a scan of the map.
#[derive(Debug, Default)]
pub struct Keyspace {
    map: HashMap<Bytes, Entry, BuildHasher>,
    expiries: BTreeSet<(Instant, Bytes)>,
}

impl Keyspace {
    /// An empty keyspace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs a [`transition`] on `key` and applies the change it returns,
    /// keeping the expiry index exact. This is the one place where the map
    /// is written.
    pub fn update<R>(
        &mut self,
        key: &Bytes,
        now: Instant,
        f: impl FnOnce(Option<&Entry>) -> (Change, R),
    ) -> R {
        let current = self.map.get(key.as_ref());
        let old_deadline = current.and_then(|e| e.expires_at);
        let (change, answer) = transition::on_slot(current, now, f);
        match change {
            Change::Keep => {}
            Change::Put(entry) => {
                if old_deadline != entry.expires_at {
                    self.unindex(old_deadline, key);
                    if let Some(at) = entry.expires_at {
                        self.expiries.insert((at, key.clone()));
                    }
                }
                self.map.insert(key.clone(), entry);
            }
            Change::Remove => {
                self.unindex(old_deadline, key);
                self.map.remove(key.as_ref());
            }
        }
        answer
    }

    fn unindex(&mut self, deadline: Option<Instant>, key: &Bytes) {
        if let Some(at) = deadline {
            self.expiries.remove(&(at, key.clone()));
        }
    }

    /// The live entry under `key`, without changing anything.
    pub fn read(&self, key: &[u8], now: Instant) -> Option<&Entry> {
        transition::live(self.map.get(key), now)
    }

    /// `GET`.
    pub fn get(&self, key: &[u8], now: Instant) -> Option<Bytes> {
        self.read(key, now).map(|e| e.value.clone())
    }

    /// `SET` with its options.
    pub fn set(
        &mut self,
        key: &Bytes,
        value: Bytes,
        opts: &SetOptions,
        now: Instant,
    ) -> SetOutcome {
        self.update(key, now, |cur| transition::set(cur, value, opts, now))
    }

    /// `GETDEL`.
    pub fn getdel(&mut self, key: &Bytes, now: Instant) -> Option<Bytes> {
        self.update(key, now, transition::getdel)
    }

    /// `INCRBY`.
    pub fn incr_by(&mut self, key: &Bytes, delta: i64, now: Instant) -> Result<i64, DbError> {
        self.update(key, now, |cur| transition::incr_by(cur, delta))
    }

    /// `EXPIRE` with an absolute deadline.
    pub fn expire(
        &mut self,
        key: &Bytes,
        at: Instant,
        condition: ExpireCondition,
        now: Instant,
    ) -> bool {
        self.update(key, now, |cur| transition::expire(cur, at, condition, now))
    }

    /// `PERSIST`.
    pub fn persist(&mut self, key: &Bytes, now: Instant) -> bool {
        self.update(key, now, transition::persist)
    }

    /// `TTL`.
    pub fn ttl(&self, key: &[u8], now: Instant) -> Ttl {
        transition::ttl(self.read(key, now), now)
    }

    /// Number of keys, counting expired ones not yet reclaimed (`DBSIZE`).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the keyspace holds no key at all.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.map.clear();
        self.expiries.clear();
    }

    /// Active expiry: removes up to `budget` keys whose deadline has passed,
    /// earliest first, and returns how many it removed. The budget bounds how
    /// long a caller holds its lock; call again while it returns `budget`.
    pub fn sweep_expired(&mut self, now: Instant, budget: usize) -> usize {
        let mut removed = 0;
        while removed < budget {
            match self.expiries.first() {
                Some((at, _)) if *at <= now => {}
                _ => break,
            }
            if let Some((_, key)) = self.expiries.pop_first() {
                self.map.remove(&key);
                removed += 1;
            }
        }
        removed
    }
}

/// Finds the keyspace that holds a key: the one multi-key commands go
/// through.
///
/// A strategy with one keyspace routes every key to it; the sharded strategy
/// routes each key to its shard among the shards it has locked. The provided
/// methods are the multi-key commands that write, written once for both; the
/// ones that only read are on [`ReadRoute`], which every `Route` also is.
pub trait Route {
    /// The keyspace that holds `key`.
    fn keyspace_for(&mut self, key: &[u8]) -> &mut Keyspace;

    /// `MSET`: every pair is a plain `SET`, so TTLs are cleared.
    fn mset(&mut self, pairs: Vec<(Bytes, Bytes)>, now: Instant) {
        let opts = SetOptions::default();
        for (key, value) in pairs {
            self.keyspace_for(&key).set(&key, value, &opts, now);
        }
    }

    /// `DEL`: how many of the keys existed.
    fn del(&mut self, keys: &[Bytes], now: Instant) -> usize {
        keys.iter()
            .filter(|key| self.keyspace_for(key).update(key, now, transition::del))
            .count()
    }
}

/// The read-only counterpart of [`Route`]: finds the keyspace that holds a
/// key for the multi-key commands that only read (`MGET`, `EXISTS`).
///
/// Why it exists: a host whose lock has a shared mode (the rwlock strategy)
/// can serve these under it, from a `&Keyspace`, which no [`Route`] can be
/// built from. Every `Route` is a `ReadRoute`, so hosts without a shared mode
/// need nothing more (see [`KeyspaceHost::read_keys`](crate::KeyspaceHost::read_keys)).
pub trait ReadRoute {
    /// The keyspace that holds `key`. `&mut self` only because a [`Route`]
    /// needs it to pick among the keyspaces it holds; nothing is written.
    fn keyspace_of(&mut self, key: &[u8]) -> &Keyspace;

    /// `MGET`.
    fn mget(&mut self, keys: &[Bytes], now: Instant) -> Vec<Option<Bytes>> {
        keys.iter()
            .map(|key| self.keyspace_of(key).get(key, now))
            .collect()
    }

    /// `EXISTS`: how many of the keys exist, a repeated key counting again.
    fn exists(&mut self, keys: &[Bytes], now: Instant) -> usize {
        keys.iter()
            .filter(|key| self.keyspace_of(key).read(key, now).is_some())
            .count()
    }
}

impl<T: Route + ?Sized> ReadRoute for T {
    fn keyspace_of(&mut self, key: &[u8]) -> &Keyspace {
        self.keyspace_for(key)
    }
}

/// One keyspace seen through a shared reference (a read guard) holds every
/// key.
impl ReadRoute for &Keyspace {
    fn keyspace_of(&mut self, _key: &[u8]) -> &Keyspace {
        self
    }
}

impl Route for Keyspace {
    fn keyspace_for(&mut self, _key: &[u8]) -> &mut Keyspace {
        self
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::{ErrorKind, SetCondition, SetExpiry};

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    fn ex(now: Instant, secs: u64) -> SetOptions {
        SetOptions {
            expiry: SetExpiry::At(now + Duration::from_secs(secs)),
            ..SetOptions::default()
        }
    }

    /// A value written with SET is read back by GET, and GETDEL removes it.
    #[test]
    fn set_get_getdel() {
        let now = Instant::now();
        let mut ks = Keyspace::new();
        let out = ks.set(&b("k"), b("v"), &SetOptions::default(), now);
        assert!(out.written);
        assert_eq!(ks.get(b"k", now), Some(b("v")));
        assert_eq!(ks.getdel(&b("k"), now), Some(b("v")));
        assert_eq!(ks.get(b"k", now), None);
        assert!(ks.is_empty());
    }

    /// NX writes only absent keys, XX only present ones, and GET returns the old value either way.
    #[test]
    fn set_conditions() {
        let now = Instant::now();
        let mut ks = Keyspace::new();
        let nx = SetOptions {
            condition: SetCondition::IfAbsent,
            get: true,
            ..SetOptions::default()
        };
        let xx = SetOptions {
            condition: SetCondition::IfPresent,
            ..SetOptions::default()
        };
        assert!(!ks.set(&b("k"), b("1"), &xx, now).written);
        assert_eq!(ks.get(b"k", now), None);
        let first = ks.set(&b("k"), b("1"), &nx, now);
        assert_eq!(
            first,
            SetOutcome {
                written: true,
                previous: None
            }
        );
        let second = ks.set(&b("k"), b("2"), &nx, now);
        assert_eq!(
            second,
            SetOutcome {
                written: false,
                previous: Some(b("1"))
            }
        );
        assert!(ks.set(&b("k"), b("3"), &xx, now).written);
        assert_eq!(ks.get(b"k", now), Some(b("3")));
    }

    /// An expired key is invisible to reads, writable by NX, and reclaimed by the sweep.
    #[test]
    fn expiry_is_lazy_and_swept() {
        let t0 = Instant::now();
        let mut ks = Keyspace::new();
        for i in 0..10 {
            ks.set(&b(&format!("k{i}")), b("v"), &ex(t0, 1), t0);
        }
        ks.set(&b("stay"), b("v"), &SetOptions::default(), t0);
        let later = t0 + Duration::from_secs(1);
        assert_eq!(ks.get(b"k0", later), None);
        assert_eq!(ks.ttl(b"k0", later), Ttl::Missing);
        assert_eq!(
            ks.len(),
            11,
            "lazy expiry hides keys but does not remove them"
        );
        assert_eq!(ks.sweep_expired(later, 4), 4);
        assert_eq!(ks.sweep_expired(later, 100), 6);
        assert_eq!(ks.len(), 1);
        assert!(ks.expiries.is_empty());
    }

    /// KEEPTTL keeps the deadline, a plain SET clears it, and PERSIST removes it.
    #[test]
    fn ttl_bookkeeping() {
        let now = Instant::now();
        let mut ks = Keyspace::new();
        ks.set(&b("k"), b("v"), &ex(now, 10), now);
        assert_eq!(ks.ttl(b"k", now), Ttl::Expires(Duration::from_secs(10)));
        let keep = SetOptions {
            expiry: SetExpiry::Keep,
            ..SetOptions::default()
        };
        ks.set(&b("k"), b("w"), &keep, now);
        assert_eq!(ks.ttl(b"k", now), Ttl::Expires(Duration::from_secs(10)));
        ks.set(&b("k"), b("x"), &SetOptions::default(), now);
        assert_eq!(ks.ttl(b"k", now), Ttl::Persistent);
        assert!(ks.expiries.is_empty(), "a cleared TTL leaves the index");
        assert!(ks.expire(
            &b("k"),
            now + Duration::from_secs(5),
            ExpireCondition::default(),
            now
        ));
        assert!(ks.persist(&b("k"), now));
        assert!(!ks.persist(&b("k"), now));
        assert!(ks.expiries.is_empty());
        assert!(
            ks.expire(&b("k"), now, ExpireCondition::default(), now),
            "a past deadline deletes"
        );
        assert_eq!(ks.get(b"k", now), None);
    }

    /// INCRBY counts from zero, keeps the TTL, and reports Redis's errors.
    #[test]
    fn incr_semantics() {
        let now = Instant::now();
        let mut ks = Keyspace::new();
        assert_eq!(ks.incr_by(&b("n"), 5, now), Ok(5));
        assert_eq!(ks.incr_by(&b("n"), -7, now), Ok(-2));
        assert_eq!(ks.get(b"n", now), Some(b("-2")));
        ks.expire(
            &b("n"),
            now + Duration::from_secs(3),
            ExpireCondition::default(),
            now,
        );
        assert_eq!(ks.incr_by(&b("n"), 1, now), Ok(-1));
        assert_eq!(ks.ttl(b"n", now), Ttl::Expires(Duration::from_secs(3)));
        ks.set(&b("s"), b("abc"), &SetOptions::default(), now);
        let err = ks.incr_by(&b("s"), 1, now).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotAnInteger);
        ks.set(
            &b("m"),
            b("9223372036854775807"),
            &SetOptions::default(),
            now,
        );
        let err = ks.incr_by(&b("m"), 1, now).unwrap_err();
        assert_eq!(err.to_string(), "ERR increment or decrement would overflow");
    }

    /// The multi-key commands route through `Route` (and `ReadRoute`, also from a shared reference) and count like Redis.
    #[test]
    fn multi_key_commands() {
        let now = Instant::now();
        let mut ks = Keyspace::new();
        ks.mset(
            vec![(b("a"), b("1")), (b("b"), b("2")), (b("a"), b("3"))],
            now,
        );
        assert_eq!(
            ks.mget(&[b("a"), b("b"), b("c")], now),
            vec![Some(b("3")), Some(b("2")), None]
        );
        assert_eq!(ks.exists(&[b("a"), b("a"), b("c")], now), 2);
        let mut shared = &ks;
        assert_eq!(shared.mget(&[b("b")], now), vec![Some(b("2"))]);
        assert_eq!(shared.exists(&[b("a"), b("c")], now), 1);
        assert_eq!(ks.del(&[b("a"), b("c"), b("a")], now), 1);
        assert_eq!(ks.len(), 1);
    }
}

//! [`Store`]: the three operations the workloads run, over a shared [`Db`]
//! or over one of the two unshared references.

use std::collections::HashMap;
use std::future::{Future, ready};

use sharedkv_db::{BuildHasher, Bytes, Db, Instant, Keyspace, SetOptions};

/// What a benchmark task calls. Every [`Db`] is a `Store` (a shared handle,
/// cloned per task); so are the two unshared references, [`Floor`] and
/// [`Unshared`], which one task owns.
pub trait Store: Send {
    /// `GET key`.
    fn get(&mut self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send;
    /// `SET key value`, no options.
    fn set(&mut self, key: Bytes, value: Bytes) -> impl Future<Output = ()> + Send;
    /// `INCR key`; the key holds an integer.
    fn incr(&mut self, key: Bytes) -> impl Future<Output = i64> + Send;
    /// `MSET`: how prefills are written, untimed.
    fn set_many(&mut self, pairs: Vec<(Bytes, Bytes)>) -> impl Future<Output = ()> + Send;
}

impl<D: Db> Store for D {
    #[inline]
    fn get(&mut self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send {
        Db::get(self, key)
    }

    #[inline]
    async fn set(&mut self, key: Bytes, value: Bytes) {
        Db::set(self, key, value, SetOptions::default()).await;
    }

    #[inline]
    async fn incr(&mut self, key: Bytes) -> i64 {
        self.incr_by(key, 1)
            .await
            .expect("counters hold integers far from overflow")
    }

    fn set_many(&mut self, pairs: Vec<(Bytes, Bytes)>) -> impl Future<Output = ()> + Send {
        self.mset(pairs)
    }
}

/// The floor: an unsynchronised `HashMap` with the same hasher, keys and
/// values as every strategy, and no command semantics (no expiry, no entry
/// type). Every strategy's cost over it is the price of sharing plus the
/// price of the command semantics; [`Unshared`] separates the two.
#[derive(Debug, Default)]
pub struct Floor {
    map: HashMap<Bytes, Bytes, BuildHasher>,
}

impl Floor {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Store for Floor {
    #[inline]
    fn get(&mut self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send {
        ready(self.map.get(key).cloned())
    }

    #[inline]
    fn set(&mut self, key: Bytes, value: Bytes) -> impl Future<Output = ()> + Send {
        self.map.insert(key, value);
        ready(())
    }

    #[inline]
    fn incr(&mut self, key: Bytes) -> impl Future<Output = i64> + Send {
        let old = self
            .map
            .get(&key)
            .map_or(Some(0), |v| sharedkv_db::parse_i64(v));
        let new = old.expect("counters hold integers") + 1;
        let text = Bytes::copy_from_slice(itoa::Buffer::new().format(new).as_bytes());
        self.map.insert(key, text);
        ready(new)
    }

    fn set_many(&mut self, pairs: Vec<(Bytes, Bytes)>) -> impl Future<Output = ()> + Send {
        self.map.extend(pairs);
        ready(())
    }
}

/// The second reference: sharedkv's own [`Keyspace`] (entries with
/// deadlines, an expiry index, a clock read per command) used directly, with
/// no lock. Floor → `Unshared` is what command semantics cost; `Unshared` →
/// a strategy is what sharing costs.
#[derive(Debug, Default)]
pub struct Unshared {
    keyspace: Keyspace,
}

impl Unshared {
    /// An empty keyspace.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Store for Unshared {
    #[inline]
    fn get(&mut self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send {
        ready(self.keyspace.get(key, Instant::now()))
    }

    #[inline]
    fn set(&mut self, key: Bytes, value: Bytes) -> impl Future<Output = ()> + Send {
        self.keyspace
            .set(&key, value, &SetOptions::default(), Instant::now());
        ready(())
    }

    #[inline]
    fn incr(&mut self, key: Bytes) -> impl Future<Output = i64> + Send {
        let n = self.keyspace.incr_by(&key, 1, Instant::now());
        ready(n.expect("counters hold integers far from overflow"))
    }

    fn set_many(&mut self, pairs: Vec<(Bytes, Bytes)>) -> impl Future<Output = ()> + Send {
        let (now, opts) = (Instant::now(), SetOptions::default());
        for (key, value) in pairs {
            self.keyspace.set(&key, value, &opts, now);
        }
        ready(())
    }
}

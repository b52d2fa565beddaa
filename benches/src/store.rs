//! [`Store`]: the three operations the workloads run, over a shared [`Db`]
//! or over one of the two unshared references.

use std::collections::HashMap;
use std::future::{Future, ready};

use sharedkv_commands::strings::{self, SetOptions, Text};
use sharedkv_db::{BuildHasher, Bytes, Db, DbIndex, Entry, Instant, Keyspace, Value, parse_i64};

/// What a benchmark task calls. Every [`Db`] is a `Store` (a shared handle,
/// cloned per task), through `sharedkv-commands`' typed functions on
/// database 0; so are the two unshared references, [`Floor`] and
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

/// The keys and values are passed as they are, without the command layer's
/// copy (`stored`): they are static, as they were when `Db` had a method
/// per command, so the numbers stay comparable.
impl<D: Db> Store for D {
    #[inline]
    async fn get(&mut self, key: &Bytes) -> Option<Bytes> {
        strings::get(self, DbIndex::ZERO, key)
            .await
            .expect("benchmark keys hold strings")
    }

    #[inline]
    async fn set(&mut self, key: Bytes, value: Bytes) {
        strings::set(self, DbIndex::ZERO, key, value, SetOptions::default())
            .await
            .expect("a plain SET cannot fail");
    }

    #[inline]
    async fn incr(&mut self, key: Bytes) -> i64 {
        strings::incr_by(self, DbIndex::ZERO, key, 1)
            .await
            .expect("counters hold integers far from overflow")
    }

    fn set_many(&mut self, pairs: Vec<(Bytes, Bytes)>) -> impl Future<Output = ()> + Send {
        strings::mset(self, DbIndex::ZERO, pairs)
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
        let old = self.map.get(&key).map_or(Some(0), |v| parse_i64(v));
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
/// no lock, running the steps the commands run (those of
/// `sharedkv-commands`' `strings.rs`, restated here for their default
/// options). Floor → `Unshared` is what command semantics cost; `Unshared`
/// → a strategy is what sharing costs.
#[derive(Debug, Default)]
pub struct Unshared {
    keyspace: Keyspace,
}

impl Unshared {
    /// An empty keyspace.
    pub fn new() -> Self {
        Self::default()
    }

    /// `SET key value`'s step with no option: a persistent string.
    fn put(&mut self, key: &Bytes, value: Bytes, now: Instant) {
        self.keyspace.update(key, now, |slot| {
            slot.put(Entry::new(Value::string(value)));
        });
    }
}

impl Store for Unshared {
    #[inline]
    fn get(&mut self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send {
        let entry = self.keyspace.read(key, Instant::now());
        let text = entry.map(|e| Text::of(&e.value).expect("benchmark keys hold strings"));
        ready(text.map(Text::into_bytes))
    }

    #[inline]
    fn set(&mut self, key: Bytes, value: Bytes) -> impl Future<Output = ()> + Send {
        self.put(&key, value, Instant::now());
        ready(())
    }

    /// `INCRBY key 1`'s step: an absent key counts as 0, and the value is
    /// changed in place.
    #[inline]
    fn incr(&mut self, key: Bytes) -> impl Future<Output = i64> + Send {
        let n = self.keyspace.update(&key, Instant::now(), |slot| {
            let old = match slot.value() {
                None => {
                    slot.put(Entry::new(Value::Int(1)));
                    return 1;
                }
                Some(Value::Int(n)) => *n,
                Some(Value::Str(text)) => parse_i64(text).expect("counters hold integers"),
                Some(_) => panic!("counters hold strings"),
            };
            let new = old.checked_add(1).expect("counters far from overflow");
            if let Some(value) = slot.value_mut() {
                *value = Value::Int(new);
            }
            new
        });
        ready(n)
    }

    fn set_many(&mut self, pairs: Vec<(Bytes, Bytes)>) -> impl Future<Output = ()> + Send {
        let now = Instant::now();
        for (key, value) in pairs {
            self.put(&key, value, now);
        }
        ready(())
    }
}

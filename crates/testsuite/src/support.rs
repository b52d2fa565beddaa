//! Small helpers shared by the checks, in the spirit of cargo's
//! `cargo-test-support`: building keys, values and `SET` options tersely,
//! and [`Commands`], the typed commands as methods on database 0.

use std::future::Future;

use sharedkv_commands::keyspace::{self, ExpireCondition, Ttl};
use sharedkv_commands::strings::{self, SetCondition, SetExpiry, SetOptions, SetOutcome};
use sharedkv_commands::{Db, DbIndex, Error};
use sharedkv_db::{Bytes, Instant};

/// Copies `text` into a fresh [`Bytes`].
pub fn b(text: impl AsRef<[u8]>) -> Bytes {
    Bytes::copy_from_slice(text.as_ref())
}

/// The keys `"{prefix}{i}"` for `i` in `0..n`.
pub fn numbered(prefix: &str, n: usize) -> Vec<Bytes> {
    (0..n).map(|i| b(format!("{prefix}{i}"))).collect()
}

/// The database numbered `n`, which must exist.
pub fn index(n: i64) -> DbIndex {
    DbIndex::new(n).unwrap_or_else(|| panic!("there is no database {n}"))
}

/// Every key a full `SCAN` iteration of database `index` returns, `count`
/// keys asked per call, sorted and without repeats (a key may come twice).
pub async fn scan_all<D: Db>(db: &D, index: DbIndex, count: usize) -> Vec<Bytes> {
    let (mut cursor, mut keys) = (0, Vec::new());
    loop {
        let (next, found) = db.scan(index, cursor, count, |_, _| true).await;
        keys.extend(found);
        if next == 0 {
            break;
        }
        cursor = next;
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The typed commands of `sharedkv-commands` as methods of every [`Db`],
/// each acting on database 0, so that a check reads `db.get(&key)`.
///
/// The checks store only strings, so the methods whose typed function can
/// answer `WRONGTYPE` (`get`, `set`, `getdel`) panic on it instead of
/// returning it; `incr_by` returns its [`Error`], which the checks compare.
/// Keys and values are stored as given, as the typed functions do: pass
/// fresh [`Bytes`] (the command layer's copy rule is checked on its own).
/// The names leave out those of [`Db`]'s own methods (`len`, `clear`, ...),
/// which the checks call with a [`DbIndex`].
pub trait Commands: Db {
    /// `GET key`.
    fn get(&self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send;

    /// `SET key value [options]`.
    fn set(
        &self,
        key: Bytes,
        value: Bytes,
        opts: SetOptions,
    ) -> impl Future<Output = SetOutcome> + Send;

    /// `GETDEL key`.
    fn getdel(&self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send;

    /// `MGET key ...`.
    fn mget(&self, keys: &[Bytes]) -> impl Future<Output = Vec<Option<Bytes>>> + Send;

    /// `MSET key value ...`.
    fn mset(&self, pairs: Vec<(Bytes, Bytes)>) -> impl Future<Output = ()> + Send;

    /// `INCRBY key delta`.
    fn incr_by(&self, key: Bytes, delta: i64) -> impl Future<Output = Result<i64, Error>> + Send;

    /// `DEL key ...`.
    fn del(&self, keys: &[Bytes]) -> impl Future<Output = usize> + Send;

    /// `EXISTS key ...`.
    fn exists(&self, keys: &[Bytes]) -> impl Future<Output = usize> + Send;

    /// `PEXPIREAT key at [condition]`, on the store's clock.
    fn expire(
        &self,
        key: &Bytes,
        at: Instant,
        condition: ExpireCondition,
    ) -> impl Future<Output = bool> + Send;

    /// `PTTL key`.
    fn ttl(&self, key: &Bytes) -> impl Future<Output = Ttl> + Send;

    /// `PERSIST key`.
    fn persist(&self, key: &Bytes) -> impl Future<Output = bool> + Send;
}

impl<D: Db> Commands for D {
    async fn get(&self, key: &Bytes) -> Option<Bytes> {
        strings::get(self, DbIndex::ZERO, key)
            .await
            .expect("GET of a string")
    }

    async fn set(&self, key: Bytes, value: Bytes, opts: SetOptions) -> SetOutcome {
        strings::set(self, DbIndex::ZERO, key, value, opts)
            .await
            .expect("SET over a string")
    }

    async fn getdel(&self, key: &Bytes) -> Option<Bytes> {
        strings::getdel(self, DbIndex::ZERO, key)
            .await
            .expect("GETDEL of a string")
    }

    async fn mget(&self, keys: &[Bytes]) -> Vec<Option<Bytes>> {
        strings::mget(self, DbIndex::ZERO, keys).await
    }

    async fn mset(&self, pairs: Vec<(Bytes, Bytes)>) {
        strings::mset(self, DbIndex::ZERO, pairs).await;
    }

    async fn incr_by(&self, key: Bytes, delta: i64) -> Result<i64, Error> {
        strings::incr_by(self, DbIndex::ZERO, key, delta).await
    }

    async fn del(&self, keys: &[Bytes]) -> usize {
        keyspace::del(self, DbIndex::ZERO, keys.to_vec()).await
    }

    async fn exists(&self, keys: &[Bytes]) -> usize {
        keyspace::exists(self, DbIndex::ZERO, keys.to_vec()).await
    }

    async fn expire(&self, key: &Bytes, at: Instant, condition: ExpireCondition) -> bool {
        keyspace::expire(self, DbIndex::ZERO, key.clone(), at, condition).await
    }

    async fn ttl(&self, key: &Bytes) -> Ttl {
        keyspace::ttl(self, DbIndex::ZERO, key).await
    }

    async fn persist(&self, key: &Bytes) -> bool {
        keyspace::persist(self, DbIndex::ZERO, key).await
    }
}

/// `SET ... NX`.
pub fn nx() -> SetOptions {
    SetOptions {
        condition: SetCondition::IfAbsent,
        ..SetOptions::default()
    }
}

/// `SET ... XX`.
pub fn xx() -> SetOptions {
    SetOptions {
        condition: SetCondition::IfPresent,
        ..SetOptions::default()
    }
}

/// `SET ... GET`.
pub fn get() -> SetOptions {
    SetOptions {
        get: true,
        ..SetOptions::default()
    }
}

/// `SET ... KEEPTTL`.
pub fn keep_ttl() -> SetOptions {
    SetOptions {
        expiry: SetExpiry::Keep,
        ..SetOptions::default()
    }
}

/// `SET ... PXAT at`.
pub fn expire_at(at: Instant) -> SetOptions {
    SetOptions {
        expiry: SetExpiry::At(at),
        ..SetOptions::default()
    }
}

//! `KeyspaceHost`: strategies that share [`Keyspace`]s implement only how
//! they reach one, and get [`Db`] from that.

use std::future::Future;

use bytes::Bytes;
use tokio::time::Instant;

use crate::{
    Db, DbError, ExpireCondition, Keyspace, ReadRoute, Route, SetOptions, SetOutcome, Ttl,
};

/// How a strategy gets exclusive access to the [`Keyspace`] that holds a key.
///
/// This is the whole difference between the std-mutex, tokio-mutex, sharded
/// and actor strategies: each says how to run a closure on a keyspace (take a
/// lock, pick a shard, send a message), and the blanket `impl Db` below turns
/// every command into such a closure. The closures are `Send + 'static` so
/// that an actor can ship them to its task; lock-based strategies just call
/// them.
///
/// Each closure runs as one step with respect to every other closure on the
/// same keyspace: that is what makes INCR and SET NX atomic.
///
/// The read-only variants ([`read_key`](KeyspaceHost::read_key),
/// [`read_keys`](KeyspaceHost::read_keys)) serve `GET`, `TTL`, `MGET` and
/// `EXISTS`. By default they are the exclusive ones; a host whose lock has a
/// shared mode (the rwlock strategy) overrides them to let readers run side
/// by side. A read sees an expired key as absent and leaves it in place: its
/// removal is left to the next write of that key and to the sweep.
pub trait KeyspaceHost: Clone + Send + Sync + 'static {
    /// See [`Db::ATOMIC_MULTI_KEY`]: whether [`KeyspaceHost::with_keys`]
    /// holds every keyspace it routes to for the whole closure.
    const ATOMIC_MULTI_KEY: bool;

    /// Runs `f` on the keyspace that holds `key`.
    fn with_key<R: Send + 'static>(
        &self,
        key: &Bytes,
        f: impl FnOnce(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send;

    /// Runs `f` with a [`Route`] to the keyspaces that hold `keys`.
    fn with_keys<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send;

    /// Runs `f` on every keyspace, one after another, and collects the
    /// answers. Not a snapshot across keyspaces.
    fn with_each<R: Send + 'static>(
        &self,
        f: impl FnMut(&mut Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = Vec<R>> + Send;

    /// Runs `f`, which only reads, on the keyspace that holds `key`. The
    /// default is [`with_key`](KeyspaceHost::with_key).
    fn read_key<R: Send + 'static>(
        &self,
        key: &Bytes,
        f: impl FnOnce(&Keyspace) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.with_key(key, move |keyspace| f(keyspace))
    }

    /// Runs `f`, which only reads, with a [`ReadRoute`] to the keyspaces
    /// that hold `keys`, as one step in the sense of
    /// [`ATOMIC_MULTI_KEY`](KeyspaceHost::ATOMIC_MULTI_KEY). The default is
    /// [`with_keys`](KeyspaceHost::with_keys).
    fn read_keys<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn ReadRoute) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.with_keys(keys, move |route| f(&mut ReadThrough(route)))
    }
}

/// A [`Route`] lent out as a [`ReadRoute`], for the default
/// [`KeyspaceHost::read_keys`]. (A `&mut dyn Route` cannot be turned into a
/// `&mut dyn ReadRoute` directly: that would be an unsized-to-unsized
/// coercion.)
struct ReadThrough<'a>(&'a mut dyn Route);

impl ReadRoute for ReadThrough<'_> {
    fn keyspace_of(&mut self, key: &[u8]) -> &Keyspace {
        self.0.keyspace_for(key)
    }
}

impl<H: KeyspaceHost> Db for H {
    const ATOMIC_MULTI_KEY: bool = H::ATOMIC_MULTI_KEY;

    fn get(&self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send {
        let k = key.clone();
        self.read_key(key, move |ks| ks.get(&k, Instant::now()))
    }

    async fn set(&self, key: Bytes, value: Bytes, opts: SetOptions) -> SetOutcome {
        let k = key.clone();
        self.with_key(&key, move |ks| ks.set(&k, value, &opts, Instant::now()))
            .await
    }

    fn getdel(&self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send {
        let k = key.clone();
        self.with_key(key, move |ks| ks.getdel(&k, Instant::now()))
    }

    fn del(&self, keys: &[Bytes]) -> impl Future<Output = usize> + Send {
        let ks_ = keys.to_vec();
        self.with_keys(keys, move |r| r.del(&ks_, Instant::now()))
    }

    fn exists(&self, keys: &[Bytes]) -> impl Future<Output = usize> + Send {
        let ks_ = keys.to_vec();
        self.read_keys(keys, move |r| r.exists(&ks_, Instant::now()))
    }

    async fn incr_by(&self, key: Bytes, delta: i64) -> Result<i64, DbError> {
        let k = key.clone();
        self.with_key(&key, move |ks| ks.incr_by(&k, delta, Instant::now()))
            .await
    }

    fn mget(&self, keys: &[Bytes]) -> impl Future<Output = Vec<Option<Bytes>>> + Send {
        let ks_ = keys.to_vec();
        self.read_keys(keys, move |r| r.mget(&ks_, Instant::now()))
    }

    async fn mset(&self, pairs: Vec<(Bytes, Bytes)>) {
        let keys: Vec<Bytes> = pairs.iter().map(|(k, _)| k.clone()).collect();
        self.with_keys(&keys, move |r| r.mset(pairs, Instant::now()))
            .await
    }

    fn expire(
        &self,
        key: &Bytes,
        at: Instant,
        condition: ExpireCondition,
    ) -> impl Future<Output = bool> + Send {
        let k = key.clone();
        self.with_key(key, move |ks| ks.expire(&k, at, condition, Instant::now()))
    }

    fn ttl(&self, key: &Bytes) -> impl Future<Output = Ttl> + Send {
        let k = key.clone();
        self.read_key(key, move |ks| ks.ttl(&k, Instant::now()))
    }

    fn persist(&self, key: &Bytes) -> impl Future<Output = bool> + Send {
        let k = key.clone();
        self.with_key(key, move |ks| ks.persist(&k, Instant::now()))
    }

    async fn len(&self) -> usize {
        self.with_each(|ks| ks.len()).await.into_iter().sum()
    }

    async fn clear(&self) {
        self.with_each(Keyspace::clear).await;
    }
}

/// One active-expiry pass over a host: sweeps every keyspace in bounded
/// steps, so no lock is held for more than [`SWEEP_BUDGET`](crate::SWEEP_BUDGET)
/// removals, and yields to the runtime between steps.
pub async fn sweep_host<H: KeyspaceHost>(host: &H) {
    loop {
        let now = Instant::now();
        let budget = crate::SWEEP_BUDGET;
        let removed = host
            .with_each(move |ks| ks.sweep_expired(now, budget))
            .await;
        if removed.iter().all(|&n| n < budget) {
            break;
        }
        tokio::task::yield_now().await;
    }
}

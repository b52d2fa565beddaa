//! `KeyspaceHost`: strategies that share [`Keyspace`]s implement only how
//! they reach one, and get [`Db`] from that.

use std::future::Future;

use bytes::Bytes;
use tokio::time::Instant;

use crate::{Db, DbError, Keyspace, Route, SetOptions, SetOutcome, Ttl};

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
}

impl<H: KeyspaceHost> Db for H {
    const ATOMIC_MULTI_KEY: bool = H::ATOMIC_MULTI_KEY;

    fn get(&self, key: &Bytes) -> impl Future<Output = Option<Bytes>> + Send {
        let k = key.clone();
        self.with_key(key, move |ks| ks.get(&k, Instant::now()))
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
        self.with_keys(keys, move |r| r.exists(&ks_, Instant::now()))
    }

    async fn incr_by(&self, key: Bytes, delta: i64) -> Result<i64, DbError> {
        let k = key.clone();
        self.with_key(&key, move |ks| ks.incr_by(&k, delta, Instant::now()))
            .await
    }

    fn mget(&self, keys: &[Bytes]) -> impl Future<Output = Vec<Option<Bytes>>> + Send {
        let ks_ = keys.to_vec();
        self.with_keys(keys, move |r| r.mget(&ks_, Instant::now()))
    }

    async fn mset(&self, pairs: Vec<(Bytes, Bytes)>) {
        let keys: Vec<Bytes> = pairs.iter().map(|(k, _)| k.clone()).collect();
        self.with_keys(&keys, move |r| r.mset(pairs, Instant::now()))
            .await
    }

    fn expire(&self, key: &Bytes, at: Instant) -> impl Future<Output = bool> + Send {
        let k = key.clone();
        self.with_key(key, move |ks| ks.expire(&k, at, Instant::now()))
    }

    fn ttl(&self, key: &Bytes) -> impl Future<Output = Ttl> + Send {
        let k = key.clone();
        self.with_key(key, move |ks| ks.ttl(&k, Instant::now()))
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

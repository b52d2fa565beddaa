//! `KeyspaceHost`: strategies that share [`Keyspace`](crate::Keyspace)s
//! implement only how they reach one, and get [`Db`] from that.

use std::future::Future;

use bytes::Bytes;
use tokio::time::Instant;

use crate::{
    Databases, Db, DbIndex, Entry, Keys, ReadKeys, SWEEP_BUDGET, Scope, Slot, Store, World,
};

/// How a strategy gets exclusive access to the [`Databases`] that hold a
/// key.
///
/// This is the whole difference between the std-mutex, tokio-mutex, rwlock,
/// sharded, actor and sharded-actor strategies: each says how to run a
/// closure on the databases of a key's shard (take a lock, pick a shard,
/// send a message), and the blanket `impl Db` below turns every primitive
/// into such a closure. The closures are `Send + 'static` so that an actor
/// can ship them to its task; lock-based strategies just call them.
///
/// A host has one shard or several: a key always lives in the shard its
/// bytes pick, in whichever database, so a command on one key, or on several
/// keys of one shard, takes one lock. Each closure runs as one step with
/// respect to every other closure on the same shard: that is what makes
/// INCR and SET NX atomic.
///
/// The read-only variants ([`read_key`](KeyspaceHost::read_key),
/// [`read_keys`](KeyspaceHost::read_keys), [`read_shard`](KeyspaceHost::read_shard)) default to the exclusive ones; a
/// host whose lock has a shared mode (the rwlock strategy) overrides them to
/// let readers run side by side.
pub trait KeyspaceHost: Clone + Send + Sync + 'static {
    /// See [`Db::ATOMIC_MULTI_KEY`]: whether [`with_keys`](Self::with_keys)
    /// and [`with_all`](Self::with_all) hold every shard they route to for
    /// the whole closure.
    const ATOMIC_MULTI_KEY: bool;

    /// Runs `f` on the databases of shard `shard` (below
    /// [`shards`](Self::shards)): the one method every host implements. A
    /// host with one shard (a lock, a task) needs no other; a sharded host
    /// also says how many shards it has, which one holds a key, and how it
    /// holds several at once.
    fn with_shard<R: Send + 'static>(
        &self,
        shard: usize,
        f: impl FnOnce(&mut Databases) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send;

    /// How many shards the host has.
    fn shards(&self) -> usize {
        1
    }

    /// The shard that holds `key`, in every database.
    fn shard_of(&self, _key: &[u8]) -> usize {
        0
    }

    /// Runs `f` on the databases of the shard that holds `key`.
    fn with_key<R: Send + 'static>(
        &self,
        key: &[u8],
        f: impl FnOnce(&mut Databases) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.with_shard(self.shard_of(key), f)
    }

    /// Runs `f` with a [`Route`] to the shards that hold `keys`. The
    /// default, the one shard as the route, is right for a host with one
    /// shard; a sharded host overrides it.
    fn with_keys<R: Send + 'static>(
        &self,
        _keys: &[Bytes],
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        debug_assert_eq!(self.shards(), 1, "a sharded host must override with_keys");
        self.with_shard(0, move |dbs| f(dbs))
    }

    /// Runs `f` with a [`Route`] that holds every shard (`SWAPDB`,
    /// `FLUSHALL`). The default, [`with_keys`](Self::with_keys) with no
    /// keys, is right for a host with one shard; a sharded host overrides
    /// it.
    fn with_all<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Route) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        debug_assert_eq!(self.shards(), 1, "a sharded host must override with_all");
        self.with_keys(&[], f)
    }

    /// Runs `f`, which only reads, on shard `shard`. A host whose lock has
    /// a shared mode overrides this and [`read_keys`](Self::read_keys).
    fn read_shard<R: Send + 'static>(
        &self,
        shard: usize,
        f: impl FnOnce(&Databases) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.with_shard(shard, move |dbs| f(dbs))
    }

    /// Runs `f`, which only reads, on the databases that hold `key`.
    fn read_key<R: Send + 'static>(
        &self,
        key: &[u8],
        f: impl FnOnce(&Databases) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.read_shard(self.shard_of(key), f)
    }

    /// Runs `f`, which only reads, with a [`ReadRoute`] to the shards that
    /// hold `keys`, as one step in the sense of
    /// [`ATOMIC_MULTI_KEY`](KeyspaceHost::ATOMIC_MULTI_KEY).
    fn read_keys<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn ReadRoute) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.with_keys(keys, move |route| f(&mut ReadThrough(route)))
    }
}

/// The shards a multi-key step needs, for a sharded host's
/// [`with_keys`](KeyspaceHost::with_keys).
#[derive(Debug, PartialEq, Eq)]
pub enum ShardSet {
    /// Every key is in this shard (or there is no key: shard 0).
    One(usize),
    /// Several shards, in ascending order without repeats: the order in
    /// which a host must take them, so that two multi-shard steps never
    /// wait for each other in a cycle.
    Many(Vec<usize>),
}

impl ShardSet {
    /// The shards of `keys` on `host`. One shard, the common case, costs no
    /// allocation.
    pub fn of(host: &impl KeyspaceHost, keys: &[Bytes]) -> ShardSet {
        let first = keys.first().map_or(0, |key| host.shard_of(key));
        if keys.iter().all(|key| host.shard_of(key) == first) {
            return ShardSet::One(first);
        }
        let mut shards: Vec<usize> = keys.iter().map(|key| host.shard_of(key)).collect();
        shards.sort_unstable();
        shards.dedup();
        ShardSet::Many(shards)
    }
}

/// Finds the databases that hold a key, among the shards a multi-key
/// closure holds.
pub trait Route {
    /// The databases of the shard that holds `key`. **Panics** if the
    /// closure did not declare a key of that shard: a bug in the command,
    /// never a consequence of input.
    fn databases_for(&mut self, key: &[u8]) -> &mut Databases;

    /// Runs `f` on every shard the route holds.
    fn each(&mut self, f: &mut dyn FnMut(&mut Databases));

    /// Whether the route holds the shard of `key`. One shard holds every
    /// key: the default.
    fn holds(&self, key: &[u8]) -> bool {
        let _ = key;
        true
    }

    /// The databases of shard `index`, if the route holds it. One shard is
    /// shard 0: the default.
    fn shard(&mut self, index: usize) -> Option<&mut Databases>;
}

/// The read-only counterpart of [`Route`], which a host with a shared lock
/// mode can build from shared references.
pub trait ReadRoute {
    /// The databases of the shard that holds `key` (see
    /// [`Route::databases_for`]).
    fn databases_of(&mut self, key: &[u8]) -> &Databases;
}

/// A [`Route`] lent out as a [`ReadRoute`].
struct ReadThrough<'a>(&'a mut dyn Route);

impl ReadRoute for ReadThrough<'_> {
    fn databases_of(&mut self, key: &[u8]) -> &Databases {
        self.0.databases_for(key)
    }
}

/// One shard's databases hold every key.
impl Route for Databases {
    fn databases_for(&mut self, _key: &[u8]) -> &mut Databases {
        self
    }

    fn each(&mut self, f: &mut dyn FnMut(&mut Databases)) {
        f(self)
    }

    fn shard(&mut self, index: usize) -> Option<&mut Databases> {
        (index == 0).then_some(self)
    }
}

/// One shard seen through a shared reference (a read guard).
impl ReadRoute for &Databases {
    fn databases_of(&mut self, _key: &[u8]) -> &Databases {
        self
    }
}

/// Which shard a key falls on.
type ShardOf<'a> = &'a dyn Fn(&[u8]) -> usize;

/// A [`Route`] as the [`Keys`] a multi-key step sees, and as the
/// [`World`] of a transaction's step.
struct RouteKeys<'a> {
    route: &'a mut dyn Route,
    now: Instant,
    /// How many shards the host has.
    shards: usize,
    /// Whether the route holds every shard.
    whole: bool,
    /// When the route is one shard of several: its number, and which shard
    /// a key falls on (one shard's databases cannot tell).
    only: Option<(usize, ShardOf<'a>)>,
}

impl<'a> RouteKeys<'a> {
    fn new(route: &'a mut dyn Route, shards: usize, whole: bool) -> Self {
        RouteKeys {
            route,
            now: Instant::now(),
            shards,
            whole: whole || shards == 1,
            only: None,
        }
    }
}

impl ReadKeys for RouteKeys<'_> {
    fn read_dyn(&mut self, db: DbIndex, key: &[u8], f: &mut dyn FnMut(Option<&Entry>)) {
        f(self.route.databases_for(key).get(db).read(key, self.now));
    }

    fn now(&self) -> Instant {
        self.now
    }
}

impl Keys for RouteKeys<'_> {
    fn update_dyn(&mut self, db: DbIndex, key: &Bytes, step: &mut dyn FnMut(&mut Slot<'_>)) {
        let now = self.now;
        self.route
            .databases_for(key)
            .get_mut(db)
            .update(key, now, step);
    }
}

impl World for RouteKeys<'_> {
    fn holds(&mut self, key: &[u8]) -> bool {
        match self.only {
            _ if self.whole => true,
            Some((shard, shard_of)) => shard_of(key) == shard,
            None => self.route.holds(key),
        }
    }

    fn whole(&self) -> bool {
        self.whole
    }

    fn set_now(&mut self, now: Instant) {
        self.now = now;
    }

    fn lookup_dyn(&mut self, db: DbIndex, key: &[u8], f: &mut dyn FnMut(Option<&Entry>)) {
        f(self.route.databases_for(key).get(db).lookup(key, self.now));
    }

    fn scan_dyn(
        &mut self,
        db: DbIndex,
        cursor: u64,
        count: usize,
        filter: &mut dyn FnMut(&Bytes, &Entry) -> bool,
    ) -> (u64, Vec<Bytes>) {
        let mut scan = ShardScan::new(self.shards, cursor, count);
        let mut keys = Vec::new();
        while let Some((shard, position, budget)) = scan.next() {
            let (next, visited) = match self.route.shard(shard) {
                Some(dbs) => scan_shard(dbs, db, position, budget, self.now, filter, &mut keys),
                None => (0, 0),
            };
            scan.advance(next, visited);
        }
        (scan.cursor(), keys)
    }

    fn random_key_dyn(&mut self, db: DbIndex) -> Option<Bytes> {
        let first = rand::random_range(0..self.shards);
        (0..self.shards).find_map(|i| {
            let dbs = self.route.shard((first + i) % self.shards)?;
            dbs.get(db).random_key(self.now)
        })
    }

    fn len_dyn(&mut self, db: DbIndex) -> usize {
        let mut total = 0;
        self.route.each(&mut |dbs| total += dbs.get(db).len());
        total
    }

    fn volatile_dyn(&mut self, db: DbIndex) -> usize {
        let mut total = 0;
        self.route.each(&mut |dbs| total += dbs.get(db).volatile());
        total
    }

    fn clear_dyn(&mut self, db: Option<DbIndex>) {
        self.route.each(&mut |dbs| dbs.clear(db));
    }

    fn swap_dyn(&mut self, a: DbIndex, b: DbIndex) {
        self.route.each(&mut |dbs| dbs.swap(a, b));
    }
}

/// A [`ReadRoute`] as the [`ReadKeys`] a read-only multi-key step sees.
struct ReadRouteKeys<'a> {
    route: &'a mut dyn ReadRoute,
    now: Instant,
}

impl ReadKeys for ReadRouteKeys<'_> {
    fn read_dyn(&mut self, db: DbIndex, key: &[u8], f: &mut dyn FnMut(Option<&Entry>)) {
        f(self.route.databases_of(key).get(db).lookup(key, self.now));
    }

    fn now(&self) -> Instant {
        self.now
    }
}

/// How many low bits of a `SCAN` cursor name the shard.
fn shard_bits(shards: usize) -> u32 {
    shards.next_power_of_two().trailing_zeros()
}

/// Where a `SCAN` over a host's shards stands: the cursor is a position
/// in one shard's keyspace (see [`Keyspace`](crate::Keyspace)) above the
/// shard's number, and the shards are visited in order.
struct ShardScan {
    shards: usize,
    bits: u32,
    shard: usize,
    position: usize,
    budget: usize,
}

impl ShardScan {
    fn new(shards: usize, cursor: u64, count: usize) -> Self {
        let bits = shard_bits(shards);
        ShardScan {
            shards,
            bits,
            shard: usize::try_from(cursor & ((1u64 << bits) - 1)).unwrap_or(usize::MAX),
            position: usize::try_from(cursor >> bits).unwrap_or(usize::MAX),
            budget: count.max(1),
        }
    }

    /// The shard to visit next, the position to start at and how many
    /// keys to visit there; `None` when the call is done.
    fn next(&self) -> Option<(usize, usize, usize)> {
        (self.shard < self.shards && self.budget > 0).then_some((
            self.shard,
            self.position,
            self.budget,
        ))
    }

    /// The visit stopped at `next` (0: the shard is done) after `visited`
    /// positions.
    fn advance(&mut self, next: usize, visited: usize) {
        self.budget = self.budget.saturating_sub(visited.max(1));
        self.position = next;
        if next == 0 {
            self.shard += 1;
        }
    }

    /// The cursor to continue from: 0 once every shard is done.
    fn cursor(&self) -> u64 {
        if self.shard >= self.shards {
            0
        } else {
            ((self.position as u64) << self.bits) | self.shard as u64
        }
    }
}

/// One shard's part of a `SCAN` call: from `position`, visits up to
/// `budget` keys of database `db`, appending those that pass `filter`.
/// Returns the position to continue from (0: done) and how many it visited.
fn scan_shard(
    dbs: &Databases,
    db: DbIndex,
    position: usize,
    budget: usize,
    now: Instant,
    filter: &mut dyn FnMut(&Bytes, &Entry) -> bool,
    keys: &mut Vec<Bytes>,
) -> (usize, usize) {
    let keyspace = dbs.get(db);
    let top = match position {
        0 => keyspace.len(),
        at => at.min(keyspace.len()),
    };
    let next = keyspace.scan(position, budget, now, filter, keys);
    (next, top - next)
}

impl<H: KeyspaceHost> Store for H {
    fn update<R: Send + 'static>(
        &self,
        db: DbIndex,
        key: &Bytes,
        step: impl FnMut(&mut Slot<'_>) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let k = key.clone();
        self.with_key(key, move |dbs| {
            dbs.get_mut(db).update(&k, Instant::now(), step)
        })
    }

    fn read<R: Send + 'static>(
        &self,
        db: DbIndex,
        key: &Bytes,
        f: impl FnOnce(Option<&Entry>) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let k = key.clone();
        self.read_key(key, move |dbs| f(dbs.get(db).lookup(&k, Instant::now())))
    }

    fn update_many<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn Keys) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let shards = self.shards();
        self.with_keys(keys, move |route| {
            f(&mut RouteKeys::new(route, shards, false))
        })
    }

    fn read_many<R: Send + 'static>(
        &self,
        keys: &[Bytes],
        f: impl FnOnce(&mut dyn ReadKeys) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        self.read_keys(keys, move |route| {
            f(&mut ReadRouteKeys {
                route,
                now: Instant::now(),
            })
        })
    }

    /// The cursor is [`ShardScan`]'s; each shard is visited under its own
    /// lock in turn.
    async fn scan(
        &self,
        db: DbIndex,
        cursor: u64,
        count: usize,
        filter: impl FnMut(&Bytes, &Entry) -> bool + Send + 'static,
    ) -> (u64, Vec<Bytes>) {
        let mut scan = ShardScan::new(self.shards(), cursor, count);
        let mut found = (Vec::new(), filter);
        while let Some((shard, position, budget)) = scan.next() {
            let (mut keys, mut filter) = found;
            let (next, visited, keys, filter) = self
                .read_shard(shard, move |dbs| {
                    let now = Instant::now();
                    let (next, visited) =
                        scan_shard(dbs, db, position, budget, now, &mut filter, &mut keys);
                    (next, visited, keys, filter)
                })
                .await;
            found = (keys, filter);
            scan.advance(next, visited);
        }
        (scan.cursor(), found.0)
    }

    async fn random_key(&self, db: DbIndex) -> Option<Bytes> {
        let shards = self.shards();
        let first = rand::random_range(0..shards);
        for i in 0..shards {
            let shard = (first + i) % shards;
            let key = self
                .read_shard(shard, move |dbs| dbs.get(db).random_key(Instant::now()))
                .await;
            if key.is_some() {
                return key;
            }
        }
        None
    }

    async fn len(&self, db: DbIndex) -> usize {
        let mut total = 0;
        for shard in 0..self.shards() {
            total += self.read_shard(shard, move |dbs| dbs.get(db).len()).await;
        }
        total
    }

    async fn volatile(&self, db: DbIndex) -> usize {
        let mut total = 0;
        for shard in 0..self.shards() {
            total += self
                .read_shard(shard, move |dbs| dbs.get(db).volatile())
                .await;
        }
        total
    }

    fn clear(&self, db: Option<DbIndex>) -> impl Future<Output = ()> + Send {
        self.with_all(move |route| route.each(&mut |dbs| dbs.clear(db)))
    }

    fn swap(&self, a: DbIndex, b: DbIndex) -> impl Future<Output = ()> + Send {
        self.with_all(move |route| route.each(&mut |dbs| dbs.swap(a, b)))
    }
}

impl<H: KeyspaceHost> Db for H {
    const ATOMIC_MULTI_KEY: bool = H::ATOMIC_MULTI_KEY;

    fn atomically<R: Send + 'static>(
        &self,
        scope: Scope<'_>,
        f: impl FnOnce(&mut dyn World) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        let shards = self.shards();
        async move {
            match scope {
                Scope::Keys(keys) => {
                    // Several shards come as a route that knows which it
                    // holds; one shard of several, as its bare databases.
                    let only = match ShardSet::of(self, keys) {
                        ShardSet::One(shard) if shards > 1 => Some((shard, self.clone())),
                        _ => None,
                    };
                    self.with_keys(keys, move |route| {
                        let mut world = RouteKeys::new(route, shards, false);
                        let shard_of = only
                            .as_ref()
                            .map(|(shard, host)| (*shard, move |key: &[u8]| host.shard_of(key)));
                        if let Some((shard, shard_of)) = &shard_of {
                            world.only = Some((*shard, shard_of));
                        }
                        f(&mut world)
                    })
                    .await
                }
                Scope::All => {
                    self.with_all(move |route| f(&mut RouteKeys::new(route, shards, true)))
                        .await
                }
            }
        }
    }

    fn set_key_hook(
        &self,
        hook: std::sync::Arc<crate::KeyHook>,
    ) -> impl Future<Output = ()> + Send {
        self.with_all(move |route| route.each(&mut |dbs| dbs.set_hook(&hook)))
    }
}

/// Starts the active-expiry sweep of a host whose shared state is `state`:
/// every [`SWEEP_INTERVAL`](crate::SWEEP_INTERVAL), `host` rebuilds a handle
/// from the state and [`sweep_host`] sweeps it. Holds only a weak reference
/// between passes (see [`spawn_sweeper`](crate::spawn_sweeper)).
///
/// Must be called from within a Tokio runtime.
pub fn spawn_host_sweeper<T, H>(state: &std::sync::Arc<T>, host: fn(std::sync::Arc<T>) -> H)
where
    T: Send + Sync + 'static,
    H: KeyspaceHost,
{
    crate::spawn_sweeper(
        state,
        move |state| async move { sweep_host(&host(state)).await },
    );
}

/// One active-expiry pass over a host: sweeps every shard in bounded steps,
/// so no lock is held for more than [`SWEEP_BUDGET`] removals, and yields to
/// the runtime between steps.
pub async fn sweep_host<H: KeyspaceHost>(host: &H) {
    for shard in 0..host.shards() {
        loop {
            let now = Instant::now();
            let removed = host
                .with_shard(shard, move |dbs| dbs.sweep_expired(now, SWEEP_BUDGET))
                .await;
            if removed < SWEEP_BUDGET {
                break;
            }
            tokio::task::yield_now().await;
        }
    }
}

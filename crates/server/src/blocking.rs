//! Clients that wait on shared state: `BLPOP`, `BRPOP`, `BLMOVE`,
//! `BRPOPLPUSH`, `BLMPOP`, `BZPOPMIN`, `BZPOPMAX`, `BZMPOP`, on every
//! strategy, with no lock held while anyone waits.
//!
//! ```text
//! BLPOP q 0 ─▶ Db::atomically(q): attempt ─ found ─▶ reply
//!                                  └ empty ─▶ park: q's queue += waiter  (same step)
//!              connection waits on its oneshot, its timeout, its socket
//! LPUSH q a ─▶ step on q ─ KeyHook::on_written(q) ─▶ Blocked: q is ready
//!              └ q waited on: the push runs as Db::atomically(q) and,
//!                before the step ends, serves q's waiters in order
//! ```
//!
//! **One registry, every strategy.** [`Blocked`] keeps, per `(db, key)`,
//! the clients waiting on it in the order they blocked. It is the same for
//! every strategy, because what decides correctness is not where waiters
//! are kept but which hold they are parked and served under, and every
//! strategy already has one: the step of [`Db::atomically`] over the keys.
//! A waiter is parked inside the step that found its keys empty, and a
//! write to a waited key is told to the registry from inside its own step
//! (`KeyHook::on_written`), so a push between the check and the parking
//! cannot happen: no wake-up is lost. The waiter then waits on a oneshot
//! with no guard held; the lints deny holding one across the `.await`.
//!
//! **Serving before anyone else sees the element.** A write command whose
//! keys clients wait on runs as a one-command step of `Db::atomically`
//! (as `EXEC` runs its commands) and serves the waiters of every key it
//! made ready before the step ends: the pusher pops for them under the
//! same hold, so no other client can take the element first, and one
//! `LPUSH` of three elements serves up to three waiters, the first to
//! block first. `EXEC` and scripts serve theirs at the end of their step,
//! so `MULTI; LPUSH q a; LPOP q; EXEC` serves nobody, as in Redis.
//!
//! **What the step cannot hold** is served right after it: a key made
//! ready by a write that raced with a waiter's parking, a `BLMOVE`
//! waiter's destination outside the step (the step stops at that waiter,
//! keeping the order), and a chain (`BLMOVE` onto a list another client
//! waits on) that leaves what the step holds. The connection that wrote
//! runs [`serve_pending`] after its command: one `Db::atomically` over the
//! ready keys and their waiters' destinations.
//!
//! **No element lost, none served twice.** A waiter is claimed (its
//! sender taken, every queue it is in cleared of it) before anything is
//! popped for it, inside the step; a waiter whose client has gone is
//! claimed and skipped, its element left for the next. A client that
//! times out, is unblocked or disconnects claims itself first; if a push
//! claimed it a moment before, it takes the reply that push sent.
//!
//! **What it costs each strategy** is its `atomically` (see each crate's
//! docs): the lock, or the shards or stripes of the keys, or a message to
//! the actor. While nobody waits, a write pays one relaxed load.

use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher as _;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::{Bytes, BytesMut};
use sharedkv_commands::blocking::Blocking;
use sharedkv_commands::{Ctx, Id, Reply};
use sharedkv_db::{BuildHasher, Db, DbIndex, KeyHook, KeyWaiters, Keys, Scope, StepView, World};
use tokio::sync::oneshot;

use crate::Shared;

/// How many buckets [`Blocked::waits_on`] counts waiters in.
const BUCKETS: usize = 1024;

/// One blocked client: its pop, its protocol, and where its reply goes.
#[derive(Debug)]
pub(crate) struct Waiter {
    /// The database it selected.
    db: DbIndex,
    blocking: Blocking,
    resp3: bool,
    /// Taken by whoever claims it: a push that serves it, or the client
    /// itself when it stops waiting.
    reply: Mutex<Option<oneshot::Sender<Bytes>>>,
}

impl Waiter {
    /// A waiter for `blocking`, and the receiver its reply comes on.
    pub(crate) fn new(
        db: DbIndex,
        blocking: Blocking,
        resp3: bool,
    ) -> (Arc<Waiter>, oneshot::Receiver<Bytes>) {
        let (tx, rx) = oneshot::channel();
        let waiter = Waiter {
            db,
            blocking,
            resp3,
            reply: Mutex::new(Some(tx)),
        };
        (Arc::new(waiter), rx)
    }

    /// The pop it waits to make.
    pub(crate) fn blocking(&self) -> &Blocking {
        &self.blocking
    }
}

/// The queues and the keys made ready, under one short lock.
#[derive(Debug, Default)]
struct Queues {
    /// The clients waiting on each key, first blocked first.
    by_key: HashMap<(DbIndex, Bytes), VecDeque<Arc<Waiter>>, BuildHasher>,
    /// Keys written while waited on, not yet served, in the order written.
    ready: Vec<(DbIndex, Bytes)>,
}

/// The registry of blocked clients (see the module docs).
#[derive(Debug)]
pub(crate) struct Blocked {
    hook: Arc<KeyHook>,
    queues: Mutex<Queues>,
    /// Whether `queues.ready` holds a key: read after every request.
    any_ready: std::sync::atomic::AtomicBool,
    /// Waiters per hash bucket of their keys: whether a write may serve
    /// someone, without the lock.
    buckets: Box<[AtomicU32]>,
    hasher: BuildHasher,
    /// Clients blocked now: `INFO`'s `blocked_clients`.
    clients: AtomicUsize,
    /// Those of them with a timeout: `clients_in_timeout_table`.
    timed: AtomicUsize,
}

impl Blocked {
    /// A registry installed in `hook`.
    pub(crate) fn new(hook: Arc<KeyHook>) -> Arc<Blocked> {
        let blocked = Arc::new(Blocked {
            hook: Arc::clone(&hook),
            queues: Mutex::default(),
            any_ready: Default::default(),
            buckets: (0..BUCKETS).map(|_| AtomicU32::new(0)).collect(),
            hasher: BuildHasher::default(),
            clients: AtomicUsize::new(0),
            timed: AtomicUsize::new(0),
        });
        let weak: std::sync::Weak<dyn KeyWaiters> = Arc::downgrade(&blocked) as _;
        hook.set_waiters(weak);
        blocked
    }

    fn queues(&self) -> std::sync::MutexGuard<'_, Queues> {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn bucket(&self, db: DbIndex, key: &[u8]) -> &AtomicU32 {
        let h = self.hasher.hash_one((db, key));
        &self.buckets[(h as usize) % BUCKETS]
    }

    /// Clients blocked now.
    pub(crate) fn clients(&self) -> usize {
        self.clients.load(Ordering::Relaxed)
    }

    /// Blocked clients with a timeout now.
    pub(crate) fn timed_clients(&self) -> usize {
        self.timed.load(Ordering::Relaxed)
    }

    /// A client starts (`on`) or stops waiting, with a timeout or not (for
    /// `INFO`).
    pub(crate) fn count_client(&self, on: bool, timed: bool) {
        let counters = [Some(&self.clients), timed.then_some(&self.timed)];
        for counter in counters.into_iter().flatten() {
            if on {
                counter.fetch_add(1, Ordering::Relaxed);
            } else {
                counter.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }

    /// Whether a key was made ready and not yet served.
    #[inline]
    pub(crate) fn has_ready(&self) -> bool {
        self.any_ready.load(Ordering::Relaxed)
    }

    /// Whether a client may wait on one of `keys` of `db`: a bucket count,
    /// so it may say yes for a key nobody waits on, never no for one
    /// somebody does (once its parking step has ended).
    pub(crate) fn waits_on(&self, db: DbIndex, keys: &[Bytes]) -> bool {
        self.hook.waiting() > 0
            && keys
                .iter()
                .any(|key| self.bucket(db, key).load(Ordering::Relaxed) > 0)
    }

    /// Parks `waiter` on each of its keys. Called inside the step that
    /// found them empty.
    fn park(&self, waiter: &Arc<Waiter>) {
        let mut queues = self.queues();
        let mut parked = 0;
        for key in &waiter.blocking.keys {
            let queue = queues.by_key.entry((waiter.db, key.clone())).or_default();
            // BLPOP k k 0 waits once on k.
            if queue.iter().any(|w| Arc::ptr_eq(w, waiter)) {
                continue;
            }
            queue.push_back(Arc::clone(waiter));
            self.bucket(waiter.db, key).fetch_add(1, Ordering::Relaxed);
            parked += 1;
        }
        self.hook.add_waiting(parked);
    }

    /// Claims `waiter`: takes its sender and removes it from every queue.
    /// `None` if someone claimed it already.
    pub(crate) fn claim(&self, waiter: &Arc<Waiter>) -> Option<oneshot::Sender<Bytes>> {
        let tx = waiter
            .reply
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()?;
        let mut queues = self.queues();
        let mut removed = 0;
        for key in &waiter.blocking.keys {
            let place = (waiter.db, key.clone());
            if let Some(queue) = queues.by_key.get_mut(&place) {
                let before = queue.len();
                queue.retain(|w| !Arc::ptr_eq(w, waiter));
                let gone = before - queue.len();
                if gone > 0 {
                    self.bucket(waiter.db, key).fetch_sub(1, Ordering::Relaxed);
                    removed += gone;
                }
                if queue.is_empty() {
                    queues.by_key.remove(&place);
                }
            }
        }
        self.hook.remove_waiting(removed);
        Some(tx)
    }

    /// The waiters of `key`, in order.
    fn waiters_of(&self, db: DbIndex, key: &Bytes) -> Vec<Arc<Waiter>> {
        self.queues()
            .by_key
            .get(&(db, key.clone()))
            .map(|q| q.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Marks `key` ready (written while waited on).
    fn mark_ready(
        queues: &mut Queues,
        any_ready: &std::sync::atomic::AtomicBool,
        place: (DbIndex, Bytes),
    ) {
        if !queues.ready.contains(&place) {
            queues.ready.push(place);
            any_ready.store(true, Ordering::Relaxed);
        }
    }

    /// Takes the ready keys `held` says the caller holds, leaving the
    /// others ready.
    fn take_ready(&self, mut held: impl FnMut(&[u8]) -> bool) -> Vec<(DbIndex, Bytes)> {
        let mut queues = self.queues();
        let mut taken = Vec::new();
        queues.ready.retain(|(db, key)| {
            if held(key) {
                taken.push((*db, key.clone()));
                false
            } else {
                true
            }
        });
        if queues.ready.is_empty() {
            self.any_ready.store(false, Ordering::Relaxed);
        }
        taken
    }

    /// The ready keys and the destinations of their waiters: the scope
    /// of a step that serves them.
    fn ready_scope(&self) -> Vec<Bytes> {
        let queues = self.queues();
        let mut keys: Vec<Bytes> = Vec::new();
        for place in &queues.ready {
            keys.push(place.1.clone());
            for waiter in queues.by_key.get(place).into_iter().flatten() {
                keys.extend(waiter.blocking.destination().cloned());
            }
        }
        keys
    }

    /// The keys of `keys` and the destinations of the clients waiting on
    /// them: what a write to `keys` must hold to serve them all.
    fn with_destinations(&self, db: DbIndex, keys: &[Bytes]) -> Vec<Bytes> {
        let queues = self.queues();
        let mut all = keys.to_vec();
        for key in keys {
            for waiter in queues.by_key.get(&(db, key.clone())).into_iter().flatten() {
                all.extend(waiter.blocking.destination().cloned());
            }
        }
        all
    }
}

impl KeyWaiters for Blocked {
    fn written(&self, db: DbIndex, key: &Bytes) {
        if self.bucket(db, key).load(Ordering::Relaxed) == 0 {
            return;
        }
        let mut queues = self.queues();
        let place = (db, key.clone());
        if queues.by_key.contains_key(&place) {
            Blocked::mark_ready(&mut queues, &self.any_ready, place);
        }
    }

    fn swapped(&self, a: DbIndex, b: DbIndex) {
        let mut queues = self.queues();
        let places: Vec<_> = queues
            .by_key
            .keys()
            .filter(|(db, _)| *db == a || *db == b)
            .cloned()
            .collect();
        for place in places {
            Blocked::mark_ready(&mut queues, &self.any_ready, place);
        }
    }
}

/// Runs `waiter`'s attempt and, if it found nothing, parks it, in one step
/// over its keys: the reply, or `None` once parked.
pub(crate) async fn attempt_or_park<D: Db>(
    shared: &Arc<Shared<D>>,
    waiter: &Arc<Waiter>,
    limit: usize,
) -> Option<BytesMut> {
    let keys = waiter.blocking.touched();
    let db = shared.db.clone();
    let (shared, waiter) = (Arc::clone(shared), Arc::clone(waiter));
    let scope = Scope::Keys(&keys);
    let step = move |world: &mut dyn World| {
        let view = StepView::new(world, false);
        let mut out = BytesMut::new();
        let mut cx = Ctx {
            db: &view,
            selected: waiter.db,
            reply: Reply::new(&mut out, limit).resp3(waiter.resp3),
            settings: &shared.live.settings,
        };
        let found = match view.run(waiter.blocking.attempt(&mut cx)) {
            Some(Ok(found)) => found,
            Some(Err(e)) => {
                cx.reply.error(&e);
                true
            }
            None => {
                cx.reply.error(&sharedkv_commands::Error::Fixed(
                    "ERR the command could not run inside a step",
                ));
                true
            }
        };
        if found {
            return Some(out);
        }
        shared.blocked.park(&waiter);
        None
    };
    db.atomically(scope, step).await
}

/// Runs the data command `id` (a write to a key clients wait on) as one
/// step over its keys and its waiters' destinations, serving them before
/// the step ends: its reply and the database selected after it.
pub(crate) async fn run_serving<D: Db>(
    shared: &Arc<Shared<D>>,
    id: Id,
    argv: Vec<Bytes>,
    selected: DbIndex,
    resp3: bool,
    limit: usize,
) -> (BytesMut, DbIndex) {
    let keys = crate::admin::keys_of(id.spec(), &argv)
        .map(|keys| shared.blocked.with_destinations(selected, &keys));
    let shared2 = Arc::clone(shared);
    let step = move |world: &mut dyn World| {
        let mut out = BytesMut::new();
        let selected = {
            let view = StepView::new(world, false);
            let mut cx = Ctx {
                db: &view,
                selected,
                reply: Reply::new(&mut out, limit).resp3(resp3),
                settings: &shared2.live.settings,
            };
            match view.run(sharedkv_commands::run(id, &mut cx, argv)) {
                Some(Ok(())) => {}
                Some(Err(e)) => cx.reply.error(&e),
                None => cx.reply.error(&sharedkv_commands::Error::Fixed(
                    "ERR the command could not run inside a step",
                )),
            }
            cx.selected
        };
        serve_held(&shared2, world);
        (out, selected)
    };
    match keys {
        Some(keys) => shared.db.atomically(Scope::Keys(&keys), step).await,
        None => shared.db.atomically(Scope::All, step).await,
    }
}

/// Serves, inside a step, the waiters of every ready key the step holds,
/// first blocked first; chains (`BLMOVE` onto a waited list) go on while
/// the step holds their keys.
pub(crate) fn serve_held<D: Db>(shared: &Shared<D>, world: &mut dyn World) {
    let blocked = &shared.blocked;
    while blocked.has_ready() {
        let ready = blocked.take_ready(|key| world.holds(key));
        if ready.is_empty() {
            return;
        }
        for (db, key) in ready {
            serve_key(shared, world, db, &key);
        }
    }
}

/// Serves the waiters of `key` while it holds something for them.
fn serve_key<D: Db>(shared: &Shared<D>, world: &mut dyn World, db: DbIndex, key: &Bytes) {
    let blocked = &shared.blocked;
    'again: loop {
        for waiter in blocked.waiters_of(db, key) {
            let keys: &mut dyn Keys = world;
            if !keys.read(db, key, |entry| waiter.blocking.ready(entry)) {
                // Another type, or empty: the next waiter may want it.
                continue;
            }
            if let Some(dst) = waiter.blocking.destination()
                && !world.holds(dst)
            {
                // Served after the step, over its destination too; nobody
                // behind it goes first.
                let mut queues = blocked.queues();
                Blocked::mark_ready(&mut queues, &blocked.any_ready, (db, key.clone()));
                return;
            }
            let Some(tx) = blocked.claim(&waiter) else {
                continue;
            };
            if tx.is_closed() {
                // Its client has gone: nothing is popped for it.
                continue;
            }
            let mut out = BytesMut::new();
            {
                let view = StepView::new(world, false);
                let mut cx = Ctx {
                    db: &view,
                    selected: waiter.db,
                    reply: Reply::new(&mut out, 0).resp3(waiter.resp3),
                    settings: &shared.live.settings,
                };
                match view.run(waiter.blocking.serve(&mut cx, key)) {
                    Some(Ok(true)) => {}
                    // Seen ready under the same hold: cannot happen; the
                    // client is answered as if its timeout had passed.
                    Some(Ok(false)) | None => waiter.blocking.timed_out(&mut cx.reply),
                    Some(Err(e)) => cx.reply.error(&e),
                }
            }
            // The client may have gone since: its element is the one thing
            // Redis also loses then (its reply was written to a closed
            // socket).
            let _ = tx.send(out.freeze());
            continue 'again;
        }
        return;
    }
}

/// Serves the ready keys no step has served (see the module docs), each
/// round one step over them and their waiters' destinations.
pub(crate) async fn serve_pending<D: Db>(shared: &Arc<Shared<D>>) {
    while shared.blocked.has_ready() {
        let keys = shared.blocked.ready_scope();
        if keys.is_empty() {
            // Taken by another connection's round in between.
            return;
        }
        let shared2 = Arc::clone(shared);
        shared
            .db
            .atomically(Scope::Keys(&keys), move |world| serve_held(&shared2, world))
            .await;
    }
}

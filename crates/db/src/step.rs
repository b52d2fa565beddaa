//! [`World`] and [`StepView`]: a transaction or a script as one atomic step.
//!
//! `EXEC` runs the commands it queued, and `EVAL` the commands its script
//! calls, with no command of another client between them. Each strategy
//! already knows how to hold several keys still for one step (its
//! [`update_many`](crate::Store::update_many)); [`Db::atomically`] holds a
//! [`Scope`] the same way (the keys the transaction declares, or the whole
//! store) and lends the step a [`World`]: every primitive, synchronous, on
//! what it holds.
//!
//! The commands themselves are written once, over [`Store`], with `.await`s.
//! [`StepView`] is a `Store` whose every method runs at once on the world,
//! so a command's future is ready the first time it is polled: the step
//! drives it with [`StepView::run`], and the command cannot tell it runs
//! inside `EXEC`.
//!
//! # What a step may touch
//!
//! A command inside the step may name a key the step did not declare: a
//! script may build key names (Redis allows it outside cluster mode), and
//! `SORT ... BY` reads keys it finds in its elements. The world says what
//! it [`holds`](World::holds) (a strategy with one lock holds everything)
//! and may take one more key without waiting ([`try_hold`](World::try_hold):
//! never waiting while holding is what keeps this deadlock-free). When
//! neither works, the view has **missed**: it runs the command on an empty
//! key, which the caller must throw away. The caller then undoes what the
//! step wrote ([`StepView::rollback`], from the entries it kept before each
//! first write) and runs it again over the whole store.
//!
//! [`Db::atomically`]: crate::Db::atomically
//! [`Store`]: crate::Store

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::future::{Future, ready};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use tokio::time::Instant;

use crate::{DbIndex, Entry, Keys, ReadKeys, Slot, Store, run_step};

/// What a step over several commands holds.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    /// These keys, in every database (a key's bytes pick its shard or
    /// stripe whatever the database, so `SELECT` inside a transaction and
    /// `MOVE` need nothing more).
    Keys(&'a [Bytes]),
    /// The whole store: every key of every database, and the commands on a
    /// whole database (`FLUSHDB`, `SCAN`, `DBSIZE`, `SWAPDB`).
    All,
}

/// The store as one atomic step holds it: the [`Keys`] it declared and,
/// when it holds the whole store, the operations on whole databases. Every
/// method runs at once.
pub trait World: Keys {
    /// Whether the step holds `key`, in every database.
    fn holds(&mut self, key: &[u8]) -> bool;

    /// Takes `key` too if that needs no waiting (a lock free right now);
    /// returns whether the step holds it now. A strategy that cannot take
    /// a key mid-step says `false`, the default.
    fn try_hold(&mut self, key: &Bytes) -> bool {
        let _ = key;
        false
    }

    /// Whether the step holds the whole store; the methods below may only
    /// be called then.
    fn whole(&self) -> bool;

    /// Sets the instant the next operations run at. A step over several
    /// commands reads the clock before each, as each would outside it: a
    /// command works out a deadline (`PEXPIRE k 0`) before it reaches the
    /// store, and the store must judge it at a later instant.
    fn set_now(&mut self, now: Instant);

    /// Calls `f` with the live entry under `key` in `db`, as a command that
    /// reads (counted as a hit or a miss, as [`Store::read`] counts).
    fn lookup_dyn(&mut self, db: DbIndex, key: &[u8], f: &mut dyn FnMut(Option<&Entry>)) {
        self.read_dyn(db, key, f);
    }

    /// [`Store::scan`] of a held store.
    fn scan_dyn(
        &mut self,
        db: DbIndex,
        cursor: u64,
        count: usize,
        filter: &mut dyn FnMut(&Bytes, &Entry) -> bool,
    ) -> (u64, Vec<Bytes>);

    /// [`Store::random_key`] of a held store.
    fn random_key_dyn(&mut self, db: DbIndex) -> Option<Bytes>;

    /// [`Store::len`] of a held store.
    fn len_dyn(&mut self, db: DbIndex) -> usize;

    /// [`Store::volatile`] of a held store.
    fn volatile_dyn(&mut self, db: DbIndex) -> usize;

    /// [`Store::clear`] of a held store.
    fn clear_dyn(&mut self, db: Option<DbIndex>);

    /// [`Store::swap`] of a held store.
    fn swap_dyn(&mut self, a: DbIndex, b: DbIndex);
}

/// The entries a step found before its first write to each key, newest
/// last, to put back if the step must start again.
#[derive(Debug, Default)]
struct Undo {
    seen: HashSet<(DbIndex, Bytes)>,
    log: Vec<(DbIndex, Bytes, Option<Entry>)>,
}

/// The store as a [`Store`], from inside one atomic step over a [`World`]:
/// what `EXEC` and `EVAL` run their commands on. Every method does its work
/// before it returns a ready future.
pub struct StepView<'w> {
    world: RefCell<&'w mut dyn World>,
    /// `Some` when the step may have to start again (see the module docs):
    /// each key's entry is kept before the step first writes it.
    undo: Option<RefCell<Undo>>,
    missed: Cell<bool>,
}

impl std::fmt::Debug for StepView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepView")
            .field("missed", &self.missed.get())
            .finish_non_exhaustive()
    }
}

impl<'w> StepView<'w> {
    /// A view of `world`. With `undoable`, the view keeps what it needs to
    /// [`rollback`](StepView::rollback): a copy of each key's entry before
    /// its first write. A step that declared every key it touches, or that
    /// holds the whole store, cannot miss and needs no copies.
    pub fn new(world: &'w mut dyn World, undoable: bool) -> Self {
        let undoable = undoable && !world.whole();
        StepView {
            world: RefCell::new(world),
            undo: undoable.then(RefCell::default),
            missed: Cell::new(false),
        }
    }

    /// Runs `command`, a future over this view, to its end. Every method of
    /// the view is ready at once, so a command that awaits nothing else is
    /// done at its first poll; one that is not is a bug, reported as
    /// `None`.
    pub fn run<F: Future>(&self, command: F) -> Option<F::Output> {
        let mut command = pin!(command);
        match command
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
        {
            Poll::Ready(answer) => Some(answer),
            Poll::Pending => None,
        }
    }

    /// Whether a command touched something the step does not hold: the
    /// step's answers are meaningless, and it must be undone and run again
    /// over the whole store.
    pub fn missed(&self) -> bool {
        self.missed.get()
    }

    /// Puts back every entry the step changed, newest first: the store is
    /// as it was when the step began. Only a view made `undoable` can; the
    /// others return `false` and change nothing.
    pub fn rollback(self) -> bool {
        let Some(undo) = self.undo else {
            return false;
        };
        let world = self.world.into_inner();
        for (db, key, prior) in undo.into_inner().log.into_iter().rev() {
            let mut prior = Some(prior);
            world.update_dyn(db, &key, &mut |slot| match prior.take().flatten() {
                Some(entry) => slot.put(entry),
                None => slot.remove(),
            });
        }
        true
    }

    /// The world behind a check on each key, for one call.
    fn with<R>(&self, lookups: bool, f: impl FnOnce(&mut Checked<'_>) -> R) -> R {
        let mut world = self.world.borrow_mut();
        world.set_now(Instant::now());
        let mut undo = self.undo.as_ref().map(RefCell::borrow_mut);
        let mut checked = Checked {
            world: &mut **world,
            undo: undo.as_deref_mut(),
            missed: &self.missed,
            lookups,
        };
        f(&mut checked)
    }

    /// Runs `f` on the world if it holds the whole store; else the view has
    /// missed, and `otherwise` is the answer.
    fn whole<R>(&self, otherwise: R, f: impl FnOnce(&mut dyn World) -> R) -> R {
        let mut world = self.world.borrow_mut();
        world.set_now(Instant::now());
        if world.whole() {
            f(&mut **world)
        } else {
            self.missed.set(true);
            otherwise
        }
    }
}

/// The world as the [`Keys`] a command sees inside the step: a key the
/// world does not hold (and cannot take) is shown absent, and the view has
/// missed.
struct Checked<'a> {
    world: &'a mut dyn World,
    undo: Option<&'a mut Undo>,
    missed: &'a Cell<bool>,
    /// Whether reads count as lookups (a command's reads, not a multi-key
    /// write's).
    lookups: bool,
}

impl Checked<'_> {
    fn held(&mut self, key: &[u8]) -> bool {
        if self.world.holds(key) || self.world.try_hold(&Bytes::copy_from_slice(key)) {
            return true;
        }
        self.missed.set(true);
        false
    }
}

impl ReadKeys for Checked<'_> {
    fn read_dyn(&mut self, db: DbIndex, key: &[u8], f: &mut dyn FnMut(Option<&Entry>)) {
        match (self.held(key), self.lookups) {
            (false, _) => f(None),
            (true, true) => self.world.lookup_dyn(db, key, f),
            (true, false) => self.world.read_dyn(db, key, f),
        }
    }

    fn now(&self) -> Instant {
        self.world.now()
    }
}

impl Keys for Checked<'_> {
    fn update_dyn(&mut self, db: DbIndex, key: &Bytes, step: &mut dyn FnMut(&mut Slot<'_>)) {
        if !self.held(key) {
            run_step(None, self.world.now(), step);
            return;
        }
        if let Some(undo) = self.undo.as_deref_mut()
            && undo.seen.insert((db, key.clone()))
        {
            let world: &mut dyn Keys = &mut *self.world;
            let prior = world.read(db, key, |entry| entry.cloned());
            undo.log.push((db, key.clone(), prior));
        }
        self.world.update_dyn(db, key, step);
    }
}

impl Store for StepView<'_> {
    fn update<R: Send + 'static>(
        &self,
        db: DbIndex,
        key: &Bytes,
        step: impl FnMut(&mut Slot<'_>) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(self.with(false, |keys| {
            let keys: &mut dyn Keys = keys;
            keys.update(db, key, step)
        }))
    }

    fn read<R: Send + 'static>(
        &self,
        db: DbIndex,
        key: &Bytes,
        f: impl FnOnce(Option<&Entry>) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(self.with(true, |keys| {
            let keys: &mut dyn ReadKeys = keys;
            keys.read(db, key, f)
        }))
    }

    fn update_many<R: Send + 'static>(
        &self,
        _keys: &[Bytes],
        f: impl FnOnce(&mut dyn Keys) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(self.with(false, |keys| f(keys)))
    }

    fn read_many<R: Send + 'static>(
        &self,
        _keys: &[Bytes],
        f: impl FnOnce(&mut dyn ReadKeys) -> R + Send + 'static,
    ) -> impl Future<Output = R> + Send {
        ready(self.with(true, |keys| f(keys)))
    }

    fn scan(
        &self,
        db: DbIndex,
        cursor: u64,
        count: usize,
        mut filter: impl FnMut(&Bytes, &Entry) -> bool + Send + 'static,
    ) -> impl Future<Output = (u64, Vec<Bytes>)> + Send {
        ready(self.whole((0, Vec::new()), |world| {
            world.scan_dyn(db, cursor, count, &mut filter)
        }))
    }

    fn random_key(&self, db: DbIndex) -> impl Future<Output = Option<Bytes>> + Send {
        ready(self.whole(None, |world| world.random_key_dyn(db)))
    }

    fn len(&self, db: DbIndex) -> impl Future<Output = usize> + Send {
        ready(self.whole(0, |world| world.len_dyn(db)))
    }

    fn volatile(&self, db: DbIndex) -> impl Future<Output = usize> + Send {
        ready(self.whole(0, |world| world.volatile_dyn(db)))
    }

    fn clear(&self, db: Option<DbIndex>) -> impl Future<Output = ()> + Send {
        self.whole((), |world| world.clear_dyn(db));
        ready(())
    }

    fn swap(&self, a: DbIndex, b: DbIndex) -> impl Future<Output = ()> + Send {
        self.whole((), |world| world.swap_dyn(a, b));
        ready(())
    }
}

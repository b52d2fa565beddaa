//! [`Keys`] and [`ReadKeys`]: what a multi-key step sees.

use bytes::Bytes;
use tokio::time::Instant;

use crate::{DbIndex, Entry, Slot};

/// The keys a multi-key step reads, as one step in the sense of
/// [`Db::ATOMIC_MULTI_KEY`](crate::Db::ATOMIC_MULTI_KEY).
///
/// A trait object, so that one step serves every strategy without a
/// generic per strategy; the cost is one dynamic call per key, paid only by
/// multi-key commands. Call the generic [`read`](ReadKeys::read) wrapper.
pub trait ReadKeys {
    /// Calls `f` with the live entry under `key` in `db`. A step may only
    /// name keys it declared when it was started (a strategy that locks by
    /// key holds only their locks).
    fn read_dyn(&mut self, db: DbIndex, key: &[u8], f: &mut dyn FnMut(Option<&Entry>));

    /// The instant the step runs at.
    fn now(&self) -> Instant;
}

/// The keys a multi-key step reads and writes (`MSET`, `RENAME`, `MOVE`).
pub trait Keys: ReadKeys {
    /// Runs `step` on `key` in `db`, as [`Db::update`](crate::Db::update)
    /// does for one key. Same rule: only keys the step declared.
    fn update_dyn(&mut self, db: DbIndex, key: &Bytes, step: &mut dyn FnMut(&mut Slot<'_>));
}

impl dyn ReadKeys + '_ {
    /// The answer of `f` on the live entry under `key` in `db`.
    pub fn read<R>(&mut self, db: DbIndex, key: &[u8], f: impl FnOnce(Option<&Entry>) -> R) -> R {
        read_through(self, db, key, f)
    }
}

impl dyn Keys + '_ {
    /// The answer of `f` on the live entry under `key` in `db`.
    pub fn read<R>(&mut self, db: DbIndex, key: &[u8], f: impl FnOnce(Option<&Entry>) -> R) -> R {
        read_through(self, db, key, f)
    }

    /// Runs `step` on `key` in `db` and returns its answer. A strategy may
    /// run a step more than once (see [`Db::update`](crate::Db::update)); the
    /// answer of the run that took effect is returned.
    pub fn update<R>(
        &mut self,
        db: DbIndex,
        key: &Bytes,
        mut step: impl FnMut(&mut Slot<'_>) -> R,
    ) -> R {
        let mut answer = None;
        self.update_dyn(db, key, &mut |slot| answer = Some(step(slot)));
        answer.expect("a strategy runs every step it is given at least once")
    }
}

fn read_through<R>(
    keys: &mut (impl ReadKeys + ?Sized),
    db: DbIndex,
    key: &[u8],
    f: impl FnOnce(Option<&Entry>) -> R,
) -> R {
    let mut f = Some(f);
    let mut answer = None;
    keys.read_dyn(db, key, &mut |entry| {
        if let Some(f) = f.take() {
            answer = Some(f(entry));
        }
    });
    answer.expect("a strategy calls every read it is given once")
}

//! [`Slot`]: one key's place in a map, as a command's step sees it, and
//! [`run_step`], which hosts use to run a step and learn what to store.

use tokio::time::Instant;

use crate::{Entry, Value};

/// One key as a command's step sees it: its live entry, or nothing.
///
/// A step reads the entry ([`entry`](Slot::entry)), changes it in place
/// ([`entry_mut`](Slot::entry_mut), [`value_mut`](Slot::value_mut)),
/// replaces it ([`put`](Slot::put)) or removes it ([`remove`](Slot::remove)).
/// An expired entry is shown as absent; whatever the step does, the host
/// reclaims it. Where the host can, the slot points into the map itself, so
/// changing a big collection in place costs what the change costs, not a
/// copy; a host that cannot change a stored value in place (a lock-free map
/// whose readers may hold it) lends the step a copy and stores it after.
#[derive(Debug)]
pub struct Slot<'a> {
    /// Where the stored entry lives, live or expired; `None` when the key is
    /// absent.
    place: Option<&'a mut Entry>,
    /// Whether `place` holds a live entry, one the step may see.
    live: bool,
    /// An entry put while `place` is `None`, for the host to insert.
    new: Option<Entry>,
    state: State,
    now: Instant,
}

/// What a step has done to its slot so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Unchanged,
    Changed,
    Removed,
}

/// What the host must do once a step has run: the outcome of [`run_step`].
#[derive(Debug)]
pub enum Outcome {
    /// Nothing: the key is as it was.
    Keep,
    /// The entry in the place the step was lent now holds the new state
    /// (changed in place or replaced); a host that lent a copy stores it.
    Stored,
    /// The key was absent: insert this entry.
    Insert(Entry),
    /// Remove the key (the step removed it, or it had expired).
    Remove,
}

/// The result of [`run_step`].
#[derive(Debug)]
pub struct Stepped<R> {
    /// The step's answer.
    pub answer: R,
    /// What the host must do to its map.
    pub outcome: Outcome,
    /// The deadline the stored entry had before (live or not), for hosts
    /// that index deadlines.
    pub old_deadline: Option<Instant>,
    /// The deadline the key has after the outcome is applied.
    pub new_deadline: Option<Instant>,
    /// Whether the stored entry had expired: the host reclaimed it (or the
    /// step replaced it), a lazy expiry.
    pub expired: bool,
    /// Whether the step created the key: inserted it where there was none,
    /// or stored a new entry over an expired one. Kept apart from
    /// `outcome`, which a map consumes.
    pub created: bool,
    /// Whether the step itself stored, replaced or removed the key (not
    /// only reclaimed an expired entry): a change its watchers hear of.
    pub wrote: bool,
}

/// Runs `step` on the entry stored in `place` (`None`: the key is absent)
/// at `now`, and says what the host must do. Every host runs every step
/// through this function, so expiry and the meaning of a step's calls are
/// the same in every strategy.
pub fn run_step<R>(
    place: Option<&mut Entry>,
    now: Instant,
    step: impl FnOnce(&mut Slot<'_>) -> R,
) -> Stepped<R> {
    let old_deadline = place.as_ref().and_then(|e| e.expires_at);
    let live = place.as_ref().is_some_and(|e| e.is_live(now));
    let existed = place.is_some();
    let mut slot = Slot {
        place,
        live,
        new: None,
        state: State::Unchanged,
        now,
    };
    let answer = step(&mut slot);
    // Removed, or expired and so removed below: the host drops an empty
    // shell, and a big value is freed off its lock (lazyfree.rs).
    let gone = slot.state == State::Removed || (slot.state == State::Unchanged && !slot.live);
    if let (true, Some(place)) = (gone, slot.place.as_deref_mut()) {
        crate::reclaim(std::mem::replace(&mut place.value, Value::Int(0)));
    }
    let (outcome, new_deadline) = match (slot.state, existed) {
        (State::Removed, true) => (Outcome::Remove, None),
        (State::Removed, false) => (Outcome::Keep, None),
        (State::Unchanged, true) if !slot.live => (Outcome::Remove, None),
        (State::Unchanged, _) => (Outcome::Keep, old_deadline),
        (State::Changed, true) => {
            let deadline = slot.place.as_ref().and_then(|e| e.expires_at);
            (Outcome::Stored, deadline)
        }
        (State::Changed, false) => match slot.new.take() {
            Some(entry) => {
                let deadline = entry.expires_at;
                (Outcome::Insert(entry), deadline)
            }
            None => (Outcome::Keep, None),
        },
    };
    let expired = existed && !live;
    let wrote = slot.state != State::Unchanged && !matches!(outcome, Outcome::Keep);
    let created = match outcome {
        Outcome::Insert(_) => true,
        Outcome::Stored => expired,
        Outcome::Keep | Outcome::Remove => false,
    };
    Stepped {
        answer,
        outcome,
        old_deadline,
        new_deadline,
        expired,
        created,
        wrote,
    }
}

impl Slot<'_> {
    /// The key's live entry, if it has one.
    pub fn entry(&self) -> Option<&Entry> {
        match self.state {
            State::Removed => None,
            _ if self.new.is_some() => self.new.as_ref(),
            _ if self.live => self.place.as_deref(),
            _ => None,
        }
    }

    /// The key's live value, if it has one.
    pub fn value(&self) -> Option<&Value> {
        self.entry().map(|e| &e.value)
    }

    /// Whether the key exists.
    pub fn exists(&self) -> bool {
        self.entry().is_some()
    }

    /// The live entry, to change in place. Counts as a change even if the
    /// caller only looks: call [`entry`](Slot::entry) to look.
    pub fn entry_mut(&mut self) -> Option<&mut Entry> {
        if self.state == State::Removed {
            return None;
        }
        if self.new.is_some() {
            self.state = State::Changed;
            return self.new.as_mut();
        }
        if !self.live {
            return None;
        }
        self.state = State::Changed;
        self.place.as_deref_mut()
    }

    /// The live value, to change in place (see [`entry_mut`](Slot::entry_mut)).
    pub fn value_mut(&mut self) -> Option<&mut Value> {
        self.entry_mut().map(|e| &mut e.value)
    }

    /// Stores `entry` under the key, replacing whatever was there.
    pub fn put(&mut self, entry: Entry) {
        self.state = State::Changed;
        match self.place.as_deref_mut() {
            Some(place) => {
                // The value replaced is freed off the host's lock if big.
                crate::reclaim(std::mem::replace(place, entry).value);
                self.live = true;
            }
            None => self.new = Some(entry),
        }
    }

    /// Removes the key.
    pub fn remove(&mut self) {
        self.state = State::Removed;
        self.new = None;
        self.live = false;
    }

    /// The instant the step runs at: expiry is judged against it.
    pub fn now(&self) -> Instant {
        self.now
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;

    use super::*;

    fn text(s: &'static str) -> Entry {
        Entry::new(Value::Str(Bytes::from_static(s.as_bytes())))
    }

    /// Each thing a step can do maps to the one outcome the host must apply, expiry included.
    #[test]
    fn outcomes() {
        let now = Instant::now();
        let absent = run_step(None, now, |s| s.exists());
        assert!(!absent.answer && matches!(absent.outcome, Outcome::Keep));

        let put = run_step(None, now, |s| s.put(text("v")));
        assert!(matches!(put.outcome, Outcome::Insert(ref e) if *e == text("v")));

        let mut stored = text("v");
        let read = run_step(Some(&mut stored), now, |s| s.value().cloned());
        assert_eq!(read.answer, Some(text("v").value));
        assert!(matches!(read.outcome, Outcome::Keep));

        let changed = run_step(Some(&mut stored), now, |s| {
            if let Some(Value::Str(v)) = s.value_mut() {
                *v = Bytes::from_static(b"w");
            }
        });
        assert!(matches!(changed.outcome, Outcome::Stored));
        assert_eq!(stored, text("w"), "changed in place");

        let removed = run_step(Some(&mut stored), now, |s| s.remove());
        assert!(matches!(removed.outcome, Outcome::Remove));
        let removed_absent = run_step(None, now, |s| s.remove());
        assert!(matches!(removed_absent.outcome, Outcome::Keep));
    }

    /// An expired entry is absent to the step and reclaimed unless the step stores a new one.
    #[test]
    fn expired_entries_are_absent_and_reclaimed() {
        let now = Instant::now();
        let mut expired = text("old");
        expired.expires_at = Some(now);
        let looked = run_step(Some(&mut expired), now, |s| s.exists());
        assert!(!looked.answer && matches!(looked.outcome, Outcome::Remove));
        assert_eq!(looked.old_deadline, Some(now));

        let later = now + Duration::from_secs(5);
        let written = run_step(Some(&mut expired), now, |s| {
            assert!(
                s.entry_mut().is_none(),
                "no in-place access to an expired entry"
            );
            let mut entry = text("new");
            entry.expires_at = Some(later);
            s.put(entry);
        });
        assert!(matches!(written.outcome, Outcome::Stored));
        assert_eq!(written.new_deadline, Some(later));
        assert_eq!(expired.value, text("new").value);
    }
}

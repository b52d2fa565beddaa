//! Per-key state changes as pure functions: the semantics of every command
//! that reads and writes one key.
//!
//! Each function looks at the key's current [`Entry`] (already filtered for
//! expiry, see [`on_slot`]) and returns the [`Change`] to make together with
//! the command's answer. Nothing here touches a map or takes a lock, so every
//! strategy can run them inside whatever makes one key's update atomic for it:
//! [`Keyspace`](crate::Keyspace) under a lock or in an actor, a dashmap entry,
//! a flurry compute closure.

use bytes::Bytes;
use tokio::time::Instant;

use crate::{
    DbError, Entry, ErrorKind, ExpireCondition, SetCondition, SetExpiry, SetOptions, SetOutcome,
    Ttl,
};

/// What to do with a key's slot after a command looked at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Leave the slot as it is.
    Keep,
    /// Store this entry, replacing any other.
    Put(Entry),
    /// Remove the key.
    Remove,
}

impl Change {
    /// The deadline this change stores, if it stores an entry that has one.
    pub fn deadline(&self) -> Option<Instant> {
        match self {
            Change::Put(entry) => entry.expires_at,
            Change::Keep | Change::Remove => None,
        }
    }
}

/// The entry as commands see it at `now`: an expired entry is absent.
pub fn live(current: Option<&Entry>, now: Instant) -> Option<&Entry> {
    current.filter(|e| e.is_live(now))
}

/// Runs a transition on a slot whose entry may have expired.
///
/// `f` sees only a live entry. If the stored entry has expired and `f` would
/// keep it, the change becomes [`Change::Remove`], so touching an expired key
/// also reclaims it.
pub fn on_slot<R>(
    current: Option<&Entry>,
    now: Instant,
    f: impl FnOnce(Option<&Entry>) -> (Change, R),
) -> (Change, R) {
    let expired = current.is_some_and(|e| !e.is_live(now));
    let (change, answer) = f(if expired { None } else { current });
    match change {
        Change::Keep if expired => (Change::Remove, answer),
        change => (change, answer),
    }
}

/// `SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT|KEEPTTL]`.
pub fn set(
    current: Option<&Entry>,
    value: Bytes,
    opts: &SetOptions,
    now: Instant,
) -> (Change, SetOutcome) {
    let previous = if opts.get {
        current.map(|e| e.value.clone())
    } else {
        None
    };
    let allowed = match opts.condition {
        SetCondition::Always => true,
        SetCondition::IfAbsent => current.is_none(),
        SetCondition::IfPresent => current.is_some(),
    };
    if !allowed {
        let outcome = SetOutcome {
            written: false,
            previous,
        };
        return (Change::Keep, outcome);
    }
    let expires_at = match opts.expiry {
        SetExpiry::Clear => None,
        SetExpiry::Keep => current.and_then(|e| e.expires_at),
        SetExpiry::At(at) => Some(at),
    };
    let outcome = SetOutcome {
        written: true,
        previous,
    };
    // A deadline already past writes a key that is gone at once (Redis does
    // the same for `SET ... PXAT <past>`).
    if expires_at.is_some_and(|at| at <= now) {
        return (Change::Remove, outcome);
    }
    (Change::Put(Entry { value, expires_at }), outcome)
}

/// `INCRBY key delta`: absent counts as 0, the TTL is kept.
pub fn incr_by(current: Option<&Entry>, delta: i64) -> (Change, Result<i64, DbError>) {
    let old = match current {
        None => 0,
        Some(e) => match crate::parse_i64(&e.value) {
            Some(n) => n,
            None => return (Change::Keep, Err(ErrorKind::NotAnInteger.into())),
        },
    };
    let Some(new) = old.checked_add(delta) else {
        return (Change::Keep, Err(ErrorKind::Overflow.into()));
    };
    let value = Bytes::copy_from_slice(itoa::Buffer::new().format(new).as_bytes());
    let expires_at = current.and_then(|e| e.expires_at);
    (Change::Put(Entry { value, expires_at }), Ok(new))
}

/// `GETDEL key`.
pub fn getdel(current: Option<&Entry>) -> (Change, Option<Bytes>) {
    match current {
        Some(e) => (Change::Remove, Some(e.value.clone())),
        None => (Change::Keep, None),
    }
}

/// `DEL key`: whether the key existed.
pub fn del(current: Option<&Entry>) -> (Change, bool) {
    match current {
        Some(_) => (Change::Remove, true),
        None => (Change::Keep, false),
    }
}

/// `EXPIRE`/`PEXPIRE`: whether the key existed and `condition` allowed the
/// new deadline. A deadline already past deletes the key, as in Redis, but
/// only once the condition allowed it.
pub fn expire(
    current: Option<&Entry>,
    at: Instant,
    condition: ExpireCondition,
    now: Instant,
) -> (Change, bool) {
    match current {
        Some(e) if !condition.allows(e.expires_at, at) => (Change::Keep, false),
        None => (Change::Keep, false),
        Some(_) if at <= now => (Change::Remove, true),
        Some(e) => {
            let entry = Entry {
                value: e.value.clone(),
                expires_at: Some(at),
            };
            (Change::Put(entry), true)
        }
    }
}

/// `PERSIST`: whether a TTL was removed.
pub fn persist(current: Option<&Entry>) -> (Change, bool) {
    match current {
        Some(e) if e.expires_at.is_some() => (Change::Put(Entry::new(e.value.clone())), true),
        _ => (Change::Keep, false),
    }
}

/// `TTL`/`PTTL` of a live entry.
pub fn ttl(current: Option<&Entry>, now: Instant) -> Ttl {
    match current {
        None => Ttl::Missing,
        Some(Entry {
            expires_at: None, ..
        }) => Ttl::Persistent,
        Some(Entry {
            expires_at: Some(at),
            ..
        }) => Ttl::Expires(at.saturating_duration_since(now)),
    }
}

//! The options of `SET` and the shapes of the answers the trait gives.

use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;

/// What `SET` requires of the key's current state before it writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SetCondition {
    /// Write unconditionally.
    #[default]
    Always,
    /// `NX`: write only if the key does not exist.
    IfAbsent,
    /// `XX`: write only if the key already exists.
    IfPresent,
}

/// What `SET` does with the key's time to live.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SetExpiry {
    /// No expiry option: the key becomes persistent, as in Redis.
    #[default]
    Clear,
    /// `KEEPTTL`: keep whatever TTL the key had.
    Keep,
    /// `EX`, `PX`, `EXAT`, `PXAT`: expire at this instant. The server turns
    /// relative and Unix-time options into an [`Instant`]; a deadline in the
    /// past writes a key that is already gone.
    At(Instant),
}

/// The options of one `SET`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetOptions {
    /// `NX` / `XX`.
    pub condition: SetCondition,
    /// `EX` / `PX` / `EXAT` / `PXAT` / `KEEPTTL`.
    pub expiry: SetExpiry,
    /// `GET`: also return the value the key had before.
    pub get: bool,
}

/// What `EXPIRE` requires of the key's current TTL before it sets a new
/// one: Redis 7's `NX`, `XX`, `GT` and `LT`, which may be combined as in
/// Redis (the server rejects `NX` with any other, and `GT` with `LT`). A key
/// without a TTL counts as one that never expires: `GT` never applies to it,
/// `LT` always does. The default applies always.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExpireCondition {
    /// `NX`: only if the key has no TTL.
    pub if_persistent: bool,
    /// `XX`: only if the key has a TTL.
    pub if_volatile: bool,
    /// `GT`: only if the new deadline is later than the current one.
    pub if_later: bool,
    /// `LT`: only if the new deadline is earlier than the current one.
    pub if_earlier: bool,
}

impl ExpireCondition {
    /// No option: set the deadline whatever the key's TTL is.
    pub const ALWAYS: Self = Self {
        if_persistent: false,
        if_volatile: false,
        if_later: false,
        if_earlier: false,
    };

    /// Whether a key whose deadline is `current` (`None`: no TTL) may be
    /// given the deadline `at`.
    pub fn allows(self, current: Option<Instant>, at: Instant) -> bool {
        match current {
            None => !self.if_volatile && !self.if_later,
            Some(current) => {
                !self.if_persistent
                    && (!self.if_later || at > current)
                    && (!self.if_earlier || at < current)
            }
        }
    }
}

/// What a `SET` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetOutcome {
    /// Whether the value was written (false when `NX`/`XX` said no).
    pub written: bool,
    /// The previous value; filled only when [`SetOptions::get`] was set.
    pub previous: Option<Bytes>,
}

/// How long a key has left, as `TTL` and `PTTL` report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ttl {
    /// The key does not exist (Redis replies -2).
    Missing,
    /// The key exists and has no TTL (Redis replies -1).
    Persistent,
    /// The key expires after this much more time.
    Expires(Duration),
}

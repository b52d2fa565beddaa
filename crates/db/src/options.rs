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

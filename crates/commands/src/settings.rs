//! [`Settings`]: the parameters that change what data commands answer,
//! settable at run time (the server's `CONFIG SET` writes them).
//!
//! Today these are Redis's collection encoding thresholds, which decide
//! what `OBJECT ENCODING` names a value and how the scans page a small
//! collection (sharedkv stores every collection one way; the thresholds only
//! say which encoding Redis would have chosen), and `notify-keyspace-events`
//! with the server's pub/sub, through which the commands publish keyspace
//! events (see [`crate::notify`]).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use crate::notify::Notify;

/// The settings every command reads, shared by all connections. Relaxed
/// atomics: each value stands alone, and a command that reads two of them
/// while a `CONFIG SET` runs may see one old and one new, which no reply
/// can tell from the set having happened between the reads.
#[derive(Debug)]
pub struct Settings {
    hash_max_listpack_entries: AtomicU64,
    hash_max_listpack_value: AtomicU64,
    set_max_intset_entries: AtomicU64,
    zset_max_listpack_entries: AtomicU64,
    zset_max_listpack_value: AtomicU64,
    /// `notify-keyspace-events` as [`crate::notify`]'s class bits: 0, the
    /// default, is off, and then a command's check is this one load.
    notify_flags: AtomicU32,
    /// Where keyspace events go, set once by the server; none in tests
    /// and benchmarks that build a `Ctx` without one.
    notifier: OnceLock<Arc<dyn Notify>>,
}

/// One reading of the encoding thresholds, taken before a step runs (a step
/// passed to the store is `'static` and may run more than once, so it gets
/// a copy, not the atomics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// `hash-max-listpack-entries`.
    pub hash_entries: u64,
    /// `hash-max-listpack-value`: the longest field or value, in bytes.
    pub hash_value: u64,
    /// `set-max-intset-entries`.
    pub set_intset_entries: u64,
    /// `zset-max-listpack-entries`.
    pub zset_entries: u64,
    /// `zset-max-listpack-value`: the longest member, in bytes.
    pub zset_value: u64,
}

impl Thresholds {
    /// Redis 7.0's defaults.
    pub const DEFAULT: Thresholds = Thresholds {
        hash_entries: 512,
        hash_value: 64,
        set_intset_entries: 512,
        zset_entries: 128,
        zset_value: 64,
    };
}

impl Default for Settings {
    /// Redis 7.0's defaults.
    fn default() -> Self {
        Settings::new()
    }
}

impl Settings {
    /// Redis 7.0's defaults.
    pub const fn new() -> Self {
        let d = Thresholds::DEFAULT;
        Settings {
            hash_max_listpack_entries: AtomicU64::new(d.hash_entries),
            hash_max_listpack_value: AtomicU64::new(d.hash_value),
            set_max_intset_entries: AtomicU64::new(d.set_intset_entries),
            zset_max_listpack_entries: AtomicU64::new(d.zset_entries),
            zset_max_listpack_value: AtomicU64::new(d.zset_value),
            notify_flags: AtomicU32::new(0),
            notifier: OnceLock::new(),
        }
    }

    /// One shared instance holding the defaults, never changed by anything
    /// in this workspace, for tests and benchmarks that build a [`Ctx`]
    /// without a server.
    ///
    /// [`Ctx`]: crate::Ctx
    pub fn defaults() -> &'static Settings {
        static DEFAULTS: Settings = Settings::new();
        &DEFAULTS
    }

    /// All the thresholds, read now.
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            hash_entries: self.hash_max_listpack_entries(),
            hash_value: self.hash_max_listpack_value(),
            set_intset_entries: self.set_max_intset_entries(),
            zset_entries: self.zset_max_listpack_entries(),
            zset_value: self.zset_max_listpack_value(),
        }
    }

    /// `hash-max-listpack-entries` (alias `hash-max-ziplist-entries`).
    pub fn hash_max_listpack_entries(&self) -> u64 {
        self.hash_max_listpack_entries.load(Ordering::Relaxed)
    }

    /// `hash-max-listpack-value` (alias `hash-max-ziplist-value`).
    pub fn hash_max_listpack_value(&self) -> u64 {
        self.hash_max_listpack_value.load(Ordering::Relaxed)
    }

    /// `set-max-intset-entries`.
    pub fn set_max_intset_entries(&self) -> u64 {
        self.set_max_intset_entries.load(Ordering::Relaxed)
    }

    /// `zset-max-listpack-entries` (alias `zset-max-ziplist-entries`).
    pub fn zset_max_listpack_entries(&self) -> u64 {
        self.zset_max_listpack_entries.load(Ordering::Relaxed)
    }

    /// `zset-max-listpack-value` (alias `zset-max-ziplist-value`).
    pub fn zset_max_listpack_value(&self) -> u64 {
        self.zset_max_listpack_value.load(Ordering::Relaxed)
    }

    /// `notify-keyspace-events`, as class bits.
    #[inline]
    pub fn notify_flags(&self) -> u32 {
        self.notify_flags.load(Ordering::Relaxed)
    }

    /// Sets `notify-keyspace-events` (see [`crate::notify::parse_flags`]).
    pub fn set_notify_flags(&self, flags: u32) {
        self.notify_flags.store(flags, Ordering::Relaxed);
    }

    /// Where keyspace events go, if the server installed it.
    pub fn notifier(&self) -> Option<&Arc<dyn Notify>> {
        self.notifier.get()
    }

    /// Installs where keyspace events go; only the first call counts.
    pub fn set_notifier(&self, notifier: Arc<dyn Notify>) {
        let _ = self.notifier.set(notifier);
    }

    /// Sets `hash-max-listpack-entries`.
    pub fn set_hash_max_listpack_entries(&self, n: u64) {
        self.hash_max_listpack_entries.store(n, Ordering::Relaxed);
    }

    /// Sets `hash-max-listpack-value`.
    pub fn set_hash_max_listpack_value(&self, n: u64) {
        self.hash_max_listpack_value.store(n, Ordering::Relaxed);
    }

    /// Sets `set-max-intset-entries`.
    pub fn set_set_max_intset_entries(&self, n: u64) {
        self.set_max_intset_entries.store(n, Ordering::Relaxed);
    }

    /// Sets `zset-max-listpack-entries`.
    pub fn set_zset_max_listpack_entries(&self, n: u64) {
        self.zset_max_listpack_entries.store(n, Ordering::Relaxed);
    }

    /// Sets `zset-max-listpack-value`.
    pub fn set_zset_max_listpack_value(&self, n: u64) {
        self.zset_max_listpack_value.store(n, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A set threshold is what the next reading sees; the others keep
    /// Redis's defaults.
    #[test]
    fn set_then_read() {
        let s = Settings::new();
        assert_eq!(s.thresholds(), Thresholds::DEFAULT);
        s.set_zset_max_listpack_value(3);
        s.set_hash_max_listpack_entries(0);
        let t = s.thresholds();
        assert_eq!((t.zset_value, t.hash_entries, t.hash_value), (3, 0, 64));
    }
}

//! Keyspace notifications: the events a write publishes, as Redis 7.0's
//! `notifyKeyspaceEvent` publishes them.
//!
//! A command that changed a key calls [`Ctx::notify`] after its step, with
//! the event's class and Redis's event name. When `notify-keyspace-events`
//! selects the class, two messages go out through the [`Notify`] the server
//! installed in [`Settings`]:
//!
//! ```text
//! __keyspace@<db>__:<key>    message: <event>     (flag K)
//! __keyevent@<db>__:<event>  message: <key>       (flag E)
//! ```
//!
//! **Cost when off** (the default): one relaxed atomic load per event a
//! command could emit, then a branch; nothing is formatted or allocated.
//!
//! The classes are Redis's letters: `g` generic, `$` strings, `l` lists,
//! `s` sets, `h` hashes, `z` sorted sets, `x` expired, `e` evicted, `t`
//! streams, `d` modules, `n` new keys, `m` key misses, `A` for `g$lshzxetd`.
//! This server has no streams or modules, so `t` and `d` select nothing;
//! it has no `maxmemory`, so no key is ever evicted and `e` selects
//! nothing either. `m` (key misses) is accepted and not emitted.
//!
//! [`Ctx::notify`]: crate::Ctx::notify

use std::fmt::Debug;
use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};
use sharedkv_db::DbIndex;

use crate::Settings;

/// `K`: publish to `__keyspace@<db>__:<key>`.
pub const KEYSPACE: u32 = 1 << 0;
/// `E`: publish to `__keyevent@<db>__:<event>`.
pub const KEYEVENT: u32 = 1 << 1;
/// `g`: commands on any type (`DEL`, `EXPIRE`, `RENAME`, ...).
pub const GENERIC: u32 = 1 << 2;
/// `$`: string commands.
pub const STRING: u32 = 1 << 3;
/// `l`: list commands.
pub const LIST: u32 = 1 << 4;
/// `s`: set commands.
pub const SET: u32 = 1 << 5;
/// `h`: hash commands.
pub const HASH: u32 = 1 << 6;
/// `z`: sorted set commands.
pub const ZSET: u32 = 1 << 7;
/// `x`: a key removed because its time to live ran out.
pub const EXPIRED: u32 = 1 << 8;
/// `e`: a key evicted for `maxmemory` (never, here).
pub const EVICTED: u32 = 1 << 9;
/// `t`: stream commands (none here).
pub const STREAM: u32 = 1 << 10;
/// `m`: a read of a missing key (not emitted).
pub const KEY_MISS: u32 = 1 << 11;
/// `d`: module events (none here).
pub const MODULE: u32 = 1 << 13;
/// `n`: a key created (not part of `A`).
pub const NEW: u32 = 1 << 14;
/// `A`: `g$lshzxetd`.
pub const ALL: u32 =
    GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

/// Where events go: the server's pub/sub, installed once with
/// [`Settings::set_notifier`].
pub trait Notify: Send + Sync + Debug {
    /// Publishes `message` to `channel`, as `PUBLISH` does. Both own their
    /// memory. Must not block on anything but short locks: it runs inside
    /// commands, and for expiry inside the store's own step.
    fn publish(&self, channel: Bytes, message: Bytes);
}

/// The flags of a `notify-keyspace-events` value, as Redis's
/// `keyspaceEventsStringToFlags` reads it; `None` for a letter it rejects.
pub fn parse_flags(text: &[u8]) -> Option<u32> {
    let mut flags = 0;
    for &c in text {
        flags |= match c {
            b'A' => ALL,
            b'g' => GENERIC,
            b'$' => STRING,
            b'l' => LIST,
            b's' => SET,
            b'h' => HASH,
            b'z' => ZSET,
            b'x' => EXPIRED,
            b'e' => EVICTED,
            b'K' => KEYSPACE,
            b'E' => KEYEVENT,
            b't' => STREAM,
            b'm' => KEY_MISS,
            b'd' => MODULE,
            b'n' => NEW,
            _ => return None,
        };
    }
    Some(flags)
}

/// Publishes the event `event` of class `class` on `key` in `db`, if
/// `settings` selects it. The check is inline; the publishing is not.
#[inline]
pub fn notify(settings: &Settings, class: u32, event: &str, key: &[u8], db: DbIndex) {
    let flags = settings.notify_flags();
    if flags & class != 0 {
        publish(settings, flags, event, key, db);
    }
}

/// Both messages of one event, as `notifyKeyspaceEvent` builds them.
#[cold]
#[inline(never)]
fn publish(settings: &Settings, flags: u32, event: &str, key: &[u8], db: DbIndex) {
    if let Some(notifier) = settings.notifier() {
        publish_to(&**notifier, flags, event, key, db);
    }
}

/// Events published from inside a step, which is `'static` and cannot
/// borrow the settings: for a multi-key write whose events Redis
/// interleaves with the `new` events the store publishes as it creates
/// each key (`MSET`). Taken before the step with
/// [`Ctx::publisher`](crate::Ctx::publisher), only while events are on; it
/// keeps the flags as they were then.
#[derive(Clone, Debug)]
pub struct Publisher {
    notifier: Arc<dyn Notify>,
    flags: u32,
    db: DbIndex,
}

impl Publisher {
    /// Publishes the event `event` of class `class` on `key`, if selected.
    pub fn notify(&self, class: u32, event: &str, key: &[u8]) {
        if self.flags & class != 0 {
            publish_to(&*self.notifier, self.flags, event, key, self.db);
        }
    }
}

fn publish_to(notifier: &dyn Notify, flags: u32, event: &str, key: &[u8], db: DbIndex) {
    let db = db.get().to_string();
    let channel = |kind: &str, name: &[u8]| {
        let mut channel = BytesMut::with_capacity(kind.len() + db.len() + 4 + name.len());
        channel.put_slice(kind.as_bytes());
        channel.put_slice(db.as_bytes());
        channel.put_slice(b"__:");
        channel.put_slice(name);
        channel.freeze()
    };
    if flags & KEYSPACE != 0 {
        notifier.publish(
            channel("__keyspace@", key),
            Bytes::copy_from_slice(event.as_bytes()),
        );
    }
    if flags & KEYEVENT != 0 {
        notifier.publish(
            channel("__keyevent@", event.as_bytes()),
            Bytes::copy_from_slice(key),
        );
    }
}

impl<D> crate::Ctx<'_, D> {
    /// Publishes the event `event` of class `class` on `key` in the
    /// connection's selected database, if the settings select it (see
    /// [`notify`]).
    #[inline]
    pub fn notify(&self, class: u32, event: &str, key: &[u8]) {
        notify(self.settings, class, event, key, self.selected);
    }

    /// Whether an event of `class` may be published now: one relaxed load.
    /// A command that would have to keep a copy of a key or collect what it
    /// changed only to publish it asks first.
    #[inline]
    pub fn notifies(&self, class: u32) -> bool {
        self.settings.notify_flags() & class != 0
    }

    /// A [`Publisher`] for the selected database, while events of `class`
    /// may be published.
    pub fn publisher(&self, class: u32) -> Option<Publisher> {
        let flags = self.settings.notify_flags();
        if flags & class == 0 {
            return None;
        }
        Some(Publisher {
            notifier: Arc::clone(self.settings.notifier()?),
            flags,
            db: self.selected,
        })
    }

    /// A copy of `key` (a reference count) to publish events on after the
    /// step, only while events of `class` may be published.
    #[inline]
    pub fn keep(&self, class: u32, key: &bytes::Bytes) -> Option<bytes::Bytes> {
        self.notifies(class).then(|| key.clone())
    }
}

impl<D: sharedkv_db::Store> crate::Ctx<'_, D> {
    /// After a step that took elements out of `key` (given only while
    /// events may be published: see [`keep`](crate::Ctx::keep)): `event`
    /// of `class`, then the generic `del` if the step left the key gone, as
    /// Redis publishes them when a collection's last element goes.
    ///
    /// Whether the key is gone is read after the step, so a write by
    /// another client in between can change which events go out; only
    /// while events are on.
    pub async fn notify_taken(&self, class: u32, event: &str, key: Option<bytes::Bytes>) {
        let Some(key) = key else {
            return;
        };
        self.notify(class, event, &key);
        let probe = key.clone();
        if self.db.read(self.selected, &probe, |e| e.is_none()).await {
            self.notify(GENERIC, "del", &key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Debug, Default)]
    struct Recorder(Mutex<Vec<(Bytes, Bytes)>>);

    impl Notify for Recorder {
        fn publish(&self, channel: Bytes, message: Bytes) {
            self.0.lock().unwrap().push((channel, message));
        }
    }

    /// Nothing goes out unless both a class and K or E are selected; then the channels are Redis's.
    #[test]
    fn events_follow_the_flags() {
        let settings = Settings::new();
        let recorder = Arc::new(Recorder::default());
        settings.set_notifier(recorder.clone());
        let db = DbIndex::new(3).unwrap();
        notify(&settings, GENERIC, "del", b"k", db);
        settings.set_notify_flags(parse_flags(b"KEA").unwrap());
        notify(&settings, GENERIC, "del", b"k", db);
        notify(&settings, NEW, "new", b"k", db);
        settings.set_notify_flags(parse_flags(b"g").unwrap());
        notify(&settings, GENERIC, "del", b"k", db);
        let got = recorder.0.lock().unwrap().clone();
        assert_eq!(
            got,
            [
                (Bytes::from("__keyspace@3__:k"), Bytes::from("del")),
                (Bytes::from("__keyevent@3__:del"), Bytes::from("k")),
            ]
        );
        assert_eq!(parse_flags(b"Ag$lshzxeKEtmdn").map(|f| f & NEW), Some(NEW));
        assert_eq!(parse_flags(b"Q"), None);
    }
}

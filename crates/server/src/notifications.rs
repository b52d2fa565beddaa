//! Keyspace notifications from the store itself: the `expired` and `new`
//! events, and the expired-key counter behind `INFO`'s `expired_keys`.
//!
//! The commands publish their own events (see `sharedkv_commands::notify`);
//! keys that expire or appear are seen only inside the store, which tells
//! the [`KeyHook`] every strategy shares (see `sharedkv_db::KeyHook`). This
//! is the hook's listener: it publishes through the same settings and
//! pub/sub as the commands do. The counter is
//! `Shared::key_hook.expired_keys()`.

use std::sync::Arc;

use bytes::Bytes;
use sharedkv_commands::Settings;
use sharedkv_commands::notify::{self, EXPIRED, KEYEVENT, KEYSPACE, NEW};
use sharedkv_db::{DbIndex, KeyHook, KeyListener};

/// Publishes the store's events as the commands' are published.
#[derive(Debug)]
struct Events {
    settings: Arc<Settings>,
}

impl KeyListener for Events {
    fn expired(&self, db: DbIndex, key: &Bytes) {
        notify::notify(&self.settings, EXPIRED, "expired", key, db);
    }

    fn created(&self, db: DbIndex, key: &Bytes) {
        notify::notify(&self.settings, NEW, "new", key, db);
    }
}

/// The hook a server installs in its store.
pub(crate) fn key_hook(settings: &Arc<Settings>) -> Arc<KeyHook> {
    let hook = KeyHook::new(Events {
        settings: Arc::clone(settings),
    });
    let hook = Arc::new(hook);
    follow_settings(&hook, settings);
    hook
}

/// Tells the hook whether `new` events are wanted now: call after the
/// flags change, so that an insert costs one load while they are not.
pub(crate) fn follow_settings(hook: &KeyHook, settings: &Settings) {
    let flags = settings.notify_flags();
    hook.report_new(flags & NEW != 0 && flags & (KEYSPACE | KEYEVENT) != 0);
}

//! Small helpers shared by the checks, in the spirit of cargo's
//! `cargo-test-support`: building keys, values and `SET` options tersely.

use sharedkv_db::{Bytes, Instant, SetCondition, SetExpiry, SetOptions};

/// Copies `text` into a fresh [`Bytes`].
pub fn b(text: impl AsRef<[u8]>) -> Bytes {
    Bytes::copy_from_slice(text.as_ref())
}

/// The keys `"{prefix}{i}"` for `i` in `0..n`.
pub fn numbered(prefix: &str, n: usize) -> Vec<Bytes> {
    (0..n).map(|i| b(format!("{prefix}{i}"))).collect()
}

/// `SET ... NX`.
pub fn nx() -> SetOptions {
    SetOptions {
        condition: SetCondition::IfAbsent,
        ..SetOptions::default()
    }
}

/// `SET ... XX`.
pub fn xx() -> SetOptions {
    SetOptions {
        condition: SetCondition::IfPresent,
        ..SetOptions::default()
    }
}

/// `SET ... GET`.
pub fn get() -> SetOptions {
    SetOptions {
        get: true,
        ..SetOptions::default()
    }
}

/// `SET ... KEEPTTL`.
pub fn keep_ttl() -> SetOptions {
    SetOptions {
        expiry: SetExpiry::Keep,
        ..SetOptions::default()
    }
}

/// `SET ... PXAT at`.
pub fn expire_at(at: Instant) -> SetOptions {
    SetOptions {
        expiry: SetExpiry::At(at),
        ..SetOptions::default()
    }
}

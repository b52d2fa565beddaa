//! Checks of [`MapDb`], the adapter behind the four map strategies (dashmap,
//! flurry, papaya, scc), that look past the [`Db`] trait: its deadline hints
//! and its steps on the [`Slot`] of a [`KeyMap`].
//!
//! Each check is an `async fn` generic over the [`KeyMap`], written once and
//! stamped into one module per map strategy at the bottom of this file, on
//! paused time. A map crate's own tests keep only what is particular to it
//! (flurry's races, papaya's compute retries and churn).

use sharedkv_db::Store;
use std::time::Duration;

use sharedkv_testsuite::db::{
    Bytes, DbIndex, Entry, Instant, KeyMap, MapDb, SWEEP_INTERVAL, Slot, Value,
};
use sharedkv_testsuite::support::b;

/// INCR as a step: an absent key counts as 0, and the deadline stays.
fn incr(slot: &mut Slot<'_>) -> i64 {
    let n = match slot.value() {
        Some(Value::Int(n)) => n + 1,
        _ => 1,
    };
    let expires_at = slot.entry().and_then(|e| e.expires_at);
    slot.put(Entry {
        value: Value::Int(n),
        expires_at,
    });
    n
}

/// GETDEL as a step: what the key held, and the key is gone.
fn take(slot: &mut Slot<'_>) -> Option<Value> {
    let value = slot.value().cloned();
    slot.remove();
    value
}

/// A step that changes the value through `value_mut` is stored (in place, or the copy flurry and papaya hand out), a multi-key step's sync methods agree with the async ones, a removal removes and returns what was there, and an expired entry is absent to reads and steps.
async fn steps_are_stored_and_remove<M: KeyMap>(db: MapDb<M>) {
    let key = b("k");
    assert_eq!(db.update(DbIndex::ZERO, &key, incr).await, 1);
    db.update(DbIndex::ZERO, &key, |slot| {
        if let Some(Value::Int(n)) = slot.value_mut() {
            *n *= 10;
        }
    })
    .await;
    let read = db.read(DbIndex::ZERO, &key, |e| e.map(|e| e.value.clone()));
    assert_eq!(read.await, Some(Value::Int(10)));
    let (keys, first) = ([key.clone(), b("absent")], key.clone());
    let both = db.update_many(&keys, move |keys| {
        let n = keys.update(DbIndex::ZERO, &first, incr);
        let absent = keys.read(DbIndex::ZERO, b"absent", |e| e.is_none());
        (n, absent)
    });
    assert_eq!(both.await, (11, true));
    assert_eq!(
        db.update(DbIndex::ZERO, &key, take).await,
        Some(Value::Int(11))
    );
    assert_eq!(db.len(DbIndex::ZERO).await, 0);
    assert_eq!(db.update(DbIndex::ZERO, &key, take).await, None, "removed");

    let at = Instant::now() + Duration::from_secs(1);
    db.update(DbIndex::ZERO, &key, move |slot| {
        slot.put(Entry {
            value: Value::Int(1),
            expires_at: Some(at),
        });
    })
    .await;
    tokio::time::advance(Duration::from_secs(1)).await;
    assert!(!db.read(DbIndex::ZERO, &key, |e| e.is_some()).await);
    assert_eq!(
        db.update(DbIndex::ZERO, &key, incr).await,
        1,
        "expired: absent"
    );
}

/// Deadline hints follow deadlines: a write that keeps its deadline (INCR) pushes no new hint, the sweep reclaims expired keys nobody reads (TTL set by a put or changed in place), and a stale hint (the key was rewritten without a TTL) removes nothing.
async fn hints_follow_deadlines<M: KeyMap>(db: MapDb<M>) {
    let at = Instant::now() + Duration::from_secs(1);
    let put = |value: &'static str, expires_at| {
        move |slot: &mut Slot<'_>| {
            slot.put(Entry {
                value: Value::string(Bytes::from_static(value.as_bytes())),
                expires_at,
            });
        }
    };
    db.update(DbIndex::ZERO, &b("counter"), put("1", Some(at)))
        .await;
    db.update(DbIndex::ZERO, &b("expired"), put("v", None))
        .await;
    let expire = move |slot: &mut Slot<'_>| slot.entry_mut().map(|e| e.expires_at = Some(at));
    assert!(
        db.update(DbIndex::ZERO, &b("expired"), expire)
            .await
            .is_some()
    );
    db.update(DbIndex::ZERO, &b("kept"), put("v", Some(at)))
        .await;
    db.update(DbIndex::ZERO, &b("kept"), put("w", None)).await;
    for _ in 0..3 {
        db.update(DbIndex::ZERO, &b("counter"), incr).await;
    }
    assert_eq!(
        db.pending_hints(),
        3,
        "an unchanged deadline is not pushed again"
    );

    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(
        db.len(DbIndex::ZERO).await,
        3,
        "lazy expiry alone does not remove"
    );
    tokio::time::sleep(SWEEP_INTERVAL * 2).await;

    assert_eq!(db.len(DbIndex::ZERO).await, 1);
    assert_eq!(db.pending_hints(), 0, "every due hint was popped");
    let kept = db.read(DbIndex::ZERO, &b("kept"), |e| e.cloned()).await;
    assert_eq!(kept, Some(Entry::new(Value::Str(b("w")))));
}

// ------------------------------------------------------------ the stamping

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        /// The map checks, run on this map strategy.
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(start_paused = true)] steps_are_stored_and_remove,
                #[tokio::test(start_paused = true)] hints_follow_deadlines,
            }
        }
    };
}

stamp!(dashmap, sharedkv_testsuite::strategies::DashMapDb::new());
stamp!(flurry, sharedkv_testsuite::strategies::FlurryDb::new());
stamp!(papaya, sharedkv_testsuite::strategies::PapayaDb::new());
stamp!(scc, sharedkv_testsuite::strategies::SccDb::new());

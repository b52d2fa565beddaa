//! One check for the strategies that keep expiry deadlines as hints in an
//! [`ExpiryQueue`](sharedkv_db::ExpiryQueue) beside their map (dashmap,
//! flurry, papaya, scc). The queue is private to each strategy, so each calls
//! this check from its own unit tests, with a closure that reads the queue's
//! length.

use std::time::Duration;

use sharedkv_db::{Db, ExpireCondition, Instant, SWEEP_INTERVAL, SetExpiry, SetOptions, Ttl};

use crate::support::b;

/// Hints follow deadlines: a write that keeps its deadline (INCR) pushes no
/// new hint, the sweep reclaims expired keys nobody reads (TTL from SET or
/// from EXPIRE), and a stale hint (the key was rewritten without a TTL)
/// removes nothing. Run it on paused time (`start_paused = true`).
pub async fn hints_follow_deadlines<D: Db>(db: D, hints: impl Fn(&D) -> usize) {
    let at = Instant::now() + Duration::from_secs(1);
    let ex = SetOptions {
        expiry: SetExpiry::At(at),
        ..SetOptions::default()
    };
    db.set(b("counter"), b("1"), ex).await;
    db.set(b("expired"), b("v"), SetOptions::default()).await;
    assert!(db.expire(&b("expired"), at, ExpireCondition::ALWAYS).await);
    db.set(b("kept"), b("v"), ex).await;
    db.set(b("kept"), b("w"), SetOptions::default()).await;
    for _ in 0..3 {
        db.incr_by(b("counter"), 1).await.expect("INCR");
    }
    assert_eq!(hints(&db), 3, "an unchanged deadline is not pushed again");

    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(db.len().await, 3, "lazy expiry alone does not remove");
    tokio::time::sleep(SWEEP_INTERVAL * 2).await;

    assert_eq!(db.len().await, 1);
    assert_eq!(hints(&db), 0, "every due hint was popped");
    assert_eq!(db.get(&b("kept")).await, Some(b("w")));
    assert_eq!(db.ttl(&b("kept")).await, Ttl::Persistent);
}

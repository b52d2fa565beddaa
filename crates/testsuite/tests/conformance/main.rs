//! Conformance: every strategy answers every command as Redis does.
//!
//! Each check is an `async fn` generic over [`Db`], written once and stamped
//! into one module per strategy by [`for_each_strategy!`] at the bottom of
//! this file. The expected answers follow Redis's documentation of SET, GET,
//! GETDEL, DEL, EXISTS, INCRBY, MGET, MSET, EXPIRE, TTL, PERSIST, DBSIZE,
//! FLUSHDB, FLUSHALL and SWAPDB, called through `sharedkv-commands`' typed
//! functions (on database 0 through [`Commands`], elsewhere directly); one
//! check drives the command layer itself, for the copy rule. Checks that
//! look at TTLs run on paused time, so durations are exact and deadlines are
//! crossed with `tokio::time::advance`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::BytesMut;
use sharedkv_testsuite::commands::keyspace::{self, ExpireCondition, Ttl};
use sharedkv_testsuite::commands::strings::{self, SetOptions, SetOutcome};
use sharedkv_testsuite::commands::{Ctx, Error, READ_CHUNK, Reply, find, run};
use sharedkv_testsuite::db::{Bytes, Db, DbIndex, Instant, SWEEP_INTERVAL};
use sharedkv_testsuite::for_each_strategy;
use sharedkv_testsuite::support::{
    Commands, b, expire_at, get, index, keep_ttl, numbered, nx, scan_all, xx,
};

mod hashes;
mod lists;
mod sets;
mod zsets;

const TEN_S: Duration = Duration::from_secs(10);
const MS: Duration = Duration::from_millis(1);

fn written() -> SetOutcome {
    SetOutcome {
        written: true,
        previous: None,
    }
}

fn refused() -> SetOutcome {
    SetOutcome {
        written: false,
        previous: None,
    }
}

async fn set<D: Db>(db: &D, key: &str, value: &str) {
    db.set(b(key), b(value), SetOptions::default()).await;
}

async fn value<D: Db>(db: &D, key: &str) -> Option<Bytes> {
    db.get(&b(key)).await
}

/// Writes `key` with a deadline `ttl` from now.
async fn set_with_ttl<D: Db>(db: &D, key: &str, v: &str, ttl: Duration) {
    let out = db.set(b(key), b(v), expire_at(Instant::now() + ttl)).await;
    assert!(out.written);
}

// ---------------------------------------------------------------- SET, GET

/// A plain SET writes absent and present keys alike and returns no previous value.
async fn set_plain_writes_and_overwrites<D: Db>(db: D) {
    assert_eq!(
        db.set(b("k"), b("1"), SetOptions::default()).await,
        written()
    );
    assert_eq!(value(&db, "k").await, Some(b("1")));
    assert_eq!(
        db.set(b("k"), b("2"), SetOptions::default()).await,
        written()
    );
    assert_eq!(value(&db, "k").await, Some(b("2")));
    assert_eq!(db.len(DbIndex::ZERO).await, 1);
}

/// GET of a key that was never written returns nil.
async fn get_missing_key_returns_none<D: Db>(db: D) {
    assert_eq!(value(&db, "nope").await, None);
    set(&db, "k", "v").await;
    assert_eq!(value(&db, "nope").await, None);
    assert_eq!(value(&db, "K").await, None, "keys are case-sensitive");
}

/// SET NX writes only a key that does not exist, and leaves an existing one untouched.
async fn set_nx_only_writes_absent_keys<D: Db>(db: D) {
    assert_eq!(db.set(b("k"), b("1"), nx()).await, written());
    assert_eq!(db.set(b("k"), b("2"), nx()).await, refused());
    assert_eq!(value(&db, "k").await, Some(b("1")));
}

/// SET XX writes only a key that exists, and creates nothing otherwise.
async fn set_xx_only_writes_present_keys<D: Db>(db: D) {
    assert_eq!(db.set(b("k"), b("1"), xx()).await, refused());
    assert_eq!(value(&db, "k").await, None);
    assert_eq!(db.len(DbIndex::ZERO).await, 0);
    set(&db, "k", "1").await;
    assert_eq!(db.set(b("k"), b("2"), xx()).await, written());
    assert_eq!(value(&db, "k").await, Some(b("2")));
}

/// SET GET writes and returns the old value, or nil when the key was absent.
async fn set_get_returns_the_previous_value<D: Db>(db: D) {
    let first = db.set(b("k"), b("1"), get()).await;
    assert_eq!(first, written());
    let second = db.set(b("k"), b("2"), get()).await;
    assert_eq!(second.previous, Some(b("1")));
    assert!(second.written);
    assert_eq!(value(&db, "k").await, Some(b("2")));
}

/// SET NX GET returns the existing value without writing, and nil when it writes.
async fn set_nx_get_returns_the_existing_value<D: Db>(db: D) {
    let opts = SetOptions { get: true, ..nx() };
    assert_eq!(db.set(b("k"), b("1"), opts).await, written());
    let out = db.set(b("k"), b("2"), opts).await;
    assert_eq!(
        out,
        SetOutcome {
            written: false,
            previous: Some(b("1")),
        }
    );
    assert_eq!(value(&db, "k").await, Some(b("1")));
}

/// SET XX GET returns nil without writing on an absent key, and the old value on a present one.
async fn set_xx_get_on_absent_and_present_keys<D: Db>(db: D) {
    let opts = SetOptions { get: true, ..xx() };
    assert_eq!(db.set(b("k"), b("1"), opts).await, refused());
    assert_eq!(value(&db, "k").await, None);
    set(&db, "k", "1").await;
    let out = db.set(b("k"), b("2"), opts).await;
    assert_eq!(
        out,
        SetOutcome {
            written: true,
            previous: Some(b("1")),
        }
    );
    assert_eq!(value(&db, "k").await, Some(b("2")));
}

/// A SET without an expiry option discards the key's TTL.
async fn set_without_expiry_clears_the_ttl<D: Db>(db: D) {
    set_with_ttl(&db, "k", "1", TEN_S).await;
    set(&db, "k", "2").await;
    assert_eq!(db.ttl(&b("k")).await, Ttl::Persistent);
}

/// SET with a deadline (EX/PX/EXAT/PXAT) gives the key exactly that TTL.
async fn set_with_deadline_sets_the_ttl<D: Db>(db: D) {
    set_with_ttl(&db, "k", "v", TEN_S).await;
    assert_eq!(db.ttl(&b("k")).await, Ttl::Expires(TEN_S));
    assert_eq!(value(&db, "k").await, Some(b("v")));
    // A new deadline replaces the old one.
    set_with_ttl(&db, "k", "w", 2 * TEN_S).await;
    assert_eq!(db.ttl(&b("k")).await, Ttl::Expires(2 * TEN_S));
}

/// SET KEEPTTL keeps the key's deadline, and writes a persistent key when there was none.
async fn set_keepttl_keeps_the_deadline<D: Db>(db: D) {
    set_with_ttl(&db, "k", "1", TEN_S).await;
    tokio::time::advance(Duration::from_secs(3)).await;
    assert!(db.set(b("k"), b("2"), keep_ttl()).await.written);
    assert_eq!(value(&db, "k").await, Some(b("2")));
    assert_eq!(db.ttl(&b("k")).await, Ttl::Expires(Duration::from_secs(7)));

    assert!(db.set(b("fresh"), b("1"), keep_ttl()).await.written);
    assert_eq!(db.ttl(&b("fresh")).await, Ttl::Persistent);
    set(&db, "p", "1").await;
    db.set(b("p"), b("2"), keep_ttl()).await;
    assert_eq!(db.ttl(&b("p")).await, Ttl::Persistent);
}

/// SET with a deadline already past replies OK (GET still returns the old value) and leaves no key.
async fn set_with_past_deadline_leaves_no_key<D: Db>(db: D) {
    let now = Instant::now();
    assert!(db.set(b("new"), b("v"), expire_at(now)).await.written);
    assert_eq!(value(&db, "new").await, None);
    assert_eq!(db.exists(&[b("new")]).await, 0);

    set(&db, "old", "1").await;
    let opts = SetOptions {
        get: true,
        ..expire_at(now - MS)
    };
    let out = db.set(b("old"), b("2"), opts).await;
    assert_eq!(
        out,
        SetOutcome {
            written: true,
            previous: Some(b("1")),
        }
    );
    assert_eq!(value(&db, "old").await, None);
    assert_eq!(db.ttl(&b("old")).await, Ttl::Missing);
    assert_eq!(
        db.len(DbIndex::ZERO).await,
        0,
        "the existing key is deleted, not hidden"
    );
}

// ------------------------------------------------------ GETDEL, DEL, EXISTS

/// GETDEL returns the value and deletes the key; on a missing key it returns nil.
async fn getdel_returns_and_removes<D: Db>(db: D) {
    assert_eq!(db.getdel(&b("k")).await, None);
    set(&db, "k", "v").await;
    set(&db, "other", "o").await;
    assert_eq!(db.getdel(&b("k")).await, Some(b("v")));
    assert_eq!(value(&db, "k").await, None);
    assert_eq!(db.getdel(&b("k")).await, None);
    assert_eq!(db.len(DbIndex::ZERO).await, 1);
    assert_eq!(value(&db, "other").await, Some(b("o")));
}

/// DEL counts only keys that existed: missing keys add nothing and a repeated key counts once.
async fn del_counts_keys_that_existed<D: Db>(db: D) {
    let keys = numbered("k", 10);
    for k in &keys {
        db.set(k.clone(), b("v"), SetOptions::default()).await;
    }
    let doomed = vec![
        keys[0].clone(),
        b("missing"),
        keys[3].clone(),
        keys[0].clone(),
        keys[9].clone(),
    ];
    assert_eq!(db.del(&doomed).await, 3);
    assert_eq!(db.len(DbIndex::ZERO).await, 7);
    assert_eq!(db.exists(&doomed).await, 0);
    assert_eq!(db.del(&doomed).await, 0);
    assert_eq!(db.del(&[b("missing")]).await, 0);
    assert_eq!(db.get(&keys[1]).await, Some(b("v")));
}

/// EXISTS counts every key that exists, a key named twice counting twice.
async fn exists_counts_duplicates<D: Db>(db: D) {
    set(&db, "a", "1").await;
    set(&db, "b", "2").await;
    assert_eq!(db.exists(&[b("a")]).await, 1);
    assert_eq!(db.exists(&[b("missing")]).await, 0);
    assert_eq!(
        db.exists(&[b("a"), b("a"), b("b"), b("missing"), b("a")])
            .await,
        4
    );
}

// ------------------------------------------------------------------- INCR

/// INCRBY on an absent key counts from 0 and creates a persistent key holding the decimal text.
async fn incr_by_on_absent_key_starts_from_zero<D: Db>(db: D) {
    assert_eq!(db.incr_by(b("n"), 1).await, Ok(1));
    assert_eq!(value(&db, "n").await, Some(b("1")));
    assert_eq!(db.ttl(&b("n")).await, Ttl::Persistent);
    assert_eq!(db.incr_by(b("m"), 41).await, Ok(41));
    assert_eq!(db.incr_by(b("m"), 1).await, Ok(42));
    assert_eq!(db.incr_by(b("z"), 0).await, Ok(0));
    assert_eq!(
        value(&db, "z").await,
        Some(b("0")),
        "INCRBY 0 still creates the key"
    );
}

/// INCRBY with a negative delta (DECRBY) crosses zero and stores "-N".
async fn incr_by_accepts_negative_deltas<D: Db>(db: D) {
    set(&db, "n", "5").await;
    assert_eq!(db.incr_by(b("n"), -7).await, Ok(-2));
    assert_eq!(value(&db, "n").await, Some(b("-2")));
    assert_eq!(db.incr_by(b("n"), -1).await, Ok(-3));
    assert_eq!(db.incr_by(b("n"), 3).await, Ok(0));
    assert_eq!(value(&db, "n").await, Some(b("0")));
}

/// INCRBY on a value that is not an integer fails with NotAnInteger and leaves it unchanged.
async fn incr_by_on_non_integer_fails_and_keeps_the_value<D: Db>(db: D) {
    for bad in ["abc", "", "12abc", "1e3", "0x10", "\u{0}1"] {
        set(&db, "k", bad).await;
        let err = db.incr_by(b("k"), 1).await.unwrap_err();
        assert_eq!(err, Error::NOT_AN_INTEGER, "{bad:?}");
        assert_eq!(err.text(), "ERR value is not an integer or out of range");
        assert_eq!(value(&db, "k").await, Some(b(bad)), "{bad:?} changed");
    }
}

/// INCRBY rejects the forms Redis's string2ll rejects: leading zeros, spaces, signs, decimals, "-0".
async fn incr_by_rejects_non_canonical_integers<D: Db>(db: D) {
    for bad in [
        "007",
        "01",
        " 1",
        "1 ",
        "1.0",
        "+1",
        "-0",
        "-",
        "9223372036854775808",
        "-9223372036854775809",
    ] {
        set(&db, "k", bad).await;
        let err = db.incr_by(b("k"), 1).await.unwrap_err();
        assert_eq!(err, Error::NOT_AN_INTEGER, "{bad:?}");
        assert_eq!(value(&db, "k").await, Some(b(bad)), "{bad:?} changed");
    }
}

/// INCRBY past either end of i64 fails with Overflow and leaves the value unchanged.
async fn incr_by_overflow_fails_and_keeps_the_value<D: Db>(db: D) {
    set(&db, "max", "9223372036854775807").await;
    let err = db.incr_by(b("max"), 1).await.unwrap_err();
    assert_eq!(err, Error::OVERFLOW);
    assert_eq!(err.text(), "ERR increment or decrement would overflow");
    assert_eq!(value(&db, "max").await, Some(b("9223372036854775807")));
    assert_eq!(db.incr_by(b("max"), 0).await, Ok(i64::MAX));

    set(&db, "min", "-9223372036854775808").await;
    let err = db.incr_by(b("min"), -1).await.unwrap_err();
    assert_eq!(err, Error::OVERFLOW);
    assert_eq!(value(&db, "min").await, Some(b("-9223372036854775808")));

    set(&db, "one", "1").await;
    let err = db.incr_by(b("one"), i64::MAX).await.unwrap_err();
    assert_eq!(err, Error::OVERFLOW);
    assert_eq!(value(&db, "one").await, Some(b("1")));
    assert_eq!(db.incr_by(b("one"), i64::MIN).await, Ok(i64::MIN + 1));
    assert_eq!(db.incr_by(b("fresh"), i64::MIN).await, Ok(i64::MIN));
    assert_eq!(value(&db, "fresh").await, Some(b("-9223372036854775808")));
}

/// INCRBY keeps the key's TTL.
async fn incr_by_keeps_the_ttl<D: Db>(db: D) {
    set_with_ttl(&db, "n", "10", TEN_S).await;
    assert_eq!(db.incr_by(b("n"), 5).await, Ok(15));
    assert_eq!(db.ttl(&b("n")).await, Ttl::Expires(TEN_S));
    tokio::time::advance(TEN_S).await;
    assert_eq!(
        value(&db, "n").await,
        None,
        "the kept deadline still applies"
    );
}

// -------------------------------------------------------------- MGET, MSET

/// MGET returns one answer per key in the order asked, nil for missing keys, repeats included.
async fn mget_keeps_order_and_reports_missing<D: Db>(db: D) {
    let keys = numbered("k", 8);
    for (i, k) in keys.iter().enumerate() {
        db.set(k.clone(), b(format!("v{i}")), SetOptions::default())
            .await;
    }
    let ask = vec![
        keys[7].clone(),
        b("missing"),
        keys[0].clone(),
        keys[3].clone(),
        keys[7].clone(),
    ];
    assert_eq!(
        db.mget(&ask).await,
        vec![
            Some(b("v7")),
            None,
            Some(b("v0")),
            Some(b("v3")),
            Some(b("v7"))
        ]
    );
    assert_eq!(db.mget(&[b("x"), b("y")]).await, vec![None, None]);
}

/// MSET writes every pair, over many keys.
async fn mset_writes_every_pair<D: Db>(db: D) {
    let keys = numbered("k", 32);
    let pairs = keys.iter().map(|k| (k.clone(), k.clone())).collect();
    db.mset(pairs).await;
    assert_eq!(db.len(DbIndex::ZERO).await, 32);
    let values = db.mget(&keys).await;
    for (k, v) in keys.iter().zip(values) {
        assert_eq!(v.as_ref(), Some(k));
    }
}

/// MSET with a key named twice stores the later pair's value.
async fn mset_later_pair_wins<D: Db>(db: D) {
    db.mset(vec![
        (b("a"), b("1")),
        (b("b"), b("2")),
        (b("a"), b("3")),
        (b("b"), b("4")),
        (b("a"), b("5")),
    ])
    .await;
    assert_eq!(
        db.mget(&[b("a"), b("b")]).await,
        vec![Some(b("5")), Some(b("4"))]
    );
    assert_eq!(db.len(DbIndex::ZERO).await, 2);
}

/// MSET discards the TTLs of the keys it overwrites.
async fn mset_clears_ttls<D: Db>(db: D) {
    set_with_ttl(&db, "a", "1", TEN_S).await;
    set_with_ttl(&db, "b", "1", TEN_S).await;
    db.mset(vec![(b("a"), b("2"))]).await;
    assert_eq!(db.ttl(&b("a")).await, Ttl::Persistent);
    assert_eq!(
        db.ttl(&b("b")).await,
        Ttl::Expires(TEN_S),
        "other keys keep theirs"
    );
    tokio::time::advance(TEN_S).await;
    assert_eq!(value(&db, "a").await, Some(b("2")));
}

// ------------------------------------------------- EXPIRE, TTL, PERSIST

/// TTL reports Missing (-2) for an absent key, Persistent (-1) without a TTL, and the time left otherwise.
async fn ttl_reports_missing_persistent_and_time_left<D: Db>(db: D) {
    assert_eq!(db.ttl(&b("k")).await, Ttl::Missing);
    set(&db, "k", "v").await;
    assert_eq!(db.ttl(&b("k")).await, Ttl::Persistent);
    assert!(
        db.expire(&b("k"), Instant::now() + TEN_S, ExpireCondition::ALWAYS)
            .await
    );
    assert_eq!(db.ttl(&b("k")).await, Ttl::Expires(TEN_S));
    tokio::time::advance(Duration::from_millis(2500)).await;
    assert_eq!(
        db.ttl(&b("k")).await,
        Ttl::Expires(Duration::from_millis(7500))
    );
}

/// EXPIRE on a missing key returns false and creates nothing.
async fn expire_on_missing_key_returns_false<D: Db>(db: D) {
    assert!(
        !db.expire(&b("k"), Instant::now() + TEN_S, ExpireCondition::ALWAYS)
            .await
    );
    assert_eq!(db.exists(&[b("k")]).await, 0);
    assert_eq!(db.ttl(&b("k")).await, Ttl::Missing);
    assert_eq!(db.len(DbIndex::ZERO).await, 0);
}

/// EXPIRE replaces an existing deadline, earlier or later.
async fn expire_replaces_the_deadline<D: Db>(db: D) {
    set_with_ttl(&db, "k", "v", TEN_S).await;
    assert!(
        db.expire(
            &b("k"),
            Instant::now() + Duration::from_secs(5),
            ExpireCondition::ALWAYS
        )
        .await
    );
    assert_eq!(db.ttl(&b("k")).await, Ttl::Expires(Duration::from_secs(5)));
    assert!(
        db.expire(&b("k"), Instant::now() + 3 * TEN_S, ExpireCondition::ALWAYS)
            .await
    );
    assert_eq!(db.ttl(&b("k")).await, Ttl::Expires(3 * TEN_S));
    assert_eq!(
        value(&db, "k").await,
        Some(b("v")),
        "EXPIRE keeps the value"
    );
}

/// EXPIRE with a deadline now or in the past deletes the key and returns true.
async fn expire_in_the_past_deletes_the_key<D: Db>(db: D) {
    set(&db, "now", "v").await;
    set_with_ttl(&db, "past", "v", TEN_S).await;
    set(&db, "stay", "v").await;
    let now = Instant::now();
    assert!(db.expire(&b("now"), now, ExpireCondition::ALWAYS).await);
    assert!(
        db.expire(&b("past"), now - TEN_S, ExpireCondition::ALWAYS)
            .await
    );
    assert_eq!(db.mget(&[b("now"), b("past")]).await, vec![None, None]);
    assert_eq!(
        db.len(DbIndex::ZERO).await,
        1,
        "the keys are deleted, not hidden"
    );
}

/// EXPIRE's NX, XX, GT and LT, alone and combined, as in Redis 7: a key
/// without a TTL counts as never expiring, a refused condition changes
/// nothing (not even with a past deadline), and a missing key is refused.
async fn expire_conditions_follow_redis<D: Db>(db: D) {
    let nx = ExpireCondition {
        if_persistent: true,
        ..ExpireCondition::ALWAYS
    };
    let xx = ExpireCondition {
        if_volatile: true,
        ..ExpireCondition::ALWAYS
    };
    let gt = ExpireCondition {
        if_later: true,
        ..ExpireCondition::ALWAYS
    };
    let lt = ExpireCondition {
        if_earlier: true,
        ..ExpireCondition::ALWAYS
    };
    let xx_lt = ExpireCondition {
        if_volatile: true,
        ..lt
    };
    let expire = |key: &'static str, at: Instant, condition| {
        let db = &db;
        async move { db.expire(&b(key), at, condition).await }
    };
    let now = Instant::now();
    set(&db, "p", "v").await;
    set_with_ttl(&db, "v", "v", TEN_S).await;

    assert!(!expire("missing", now + TEN_S, nx).await);
    assert!(!expire("v", now + TEN_S, nx).await, "NX: v has a TTL");
    assert!(!expire("p", now + TEN_S, xx).await, "XX: p has none");
    assert!(!expire("p", now + TEN_S, gt).await, "GT: no TTL is forever");
    assert!(
        !expire("p", now + TEN_S, xx_lt).await,
        "XX LT: p has no TTL"
    );
    assert_eq!(
        db.ttl(&b("p")).await,
        Ttl::Persistent,
        "refusals change nothing"
    );
    assert!(!expire("v", now + TEN_S, gt).await, "GT: not later");
    assert!(!expire("v", now + TEN_S, lt).await, "LT: not earlier");
    assert!(
        !expire("v", now - TEN_S, gt).await,
        "a refused past deadline"
    );
    assert_eq!(db.ttl(&b("v")).await, Ttl::Expires(TEN_S), "v is untouched");

    assert!(expire("v", now + 2 * TEN_S, gt).await);
    assert_eq!(db.ttl(&b("v")).await, Ttl::Expires(2 * TEN_S));
    assert!(expire("v", now + TEN_S, xx_lt).await);
    assert_eq!(db.ttl(&b("v")).await, Ttl::Expires(TEN_S));
    assert!(expire("v", now + 3 * TEN_S, xx).await);
    assert_eq!(db.ttl(&b("v")).await, Ttl::Expires(3 * TEN_S));
    assert!(
        expire("p", now + 5 * TEN_S, lt).await,
        "LT: anything beats forever"
    );
    assert_eq!(db.ttl(&b("p")).await, Ttl::Expires(5 * TEN_S));

    set(&db, "p", "v").await;
    assert!(expire("p", now + TEN_S, nx).await);
    assert_eq!(db.ttl(&b("p")).await, Ttl::Expires(TEN_S));
    assert!(
        expire("p", now - TEN_S, xx).await,
        "an allowed past deadline deletes"
    );
    assert_eq!(db.ttl(&b("p")).await, Ttl::Missing);
}

/// PERSIST removes a TTL and returns true only when there was one to remove.
async fn persist_removes_the_ttl<D: Db>(db: D) {
    assert!(!db.persist(&b("k")).await, "missing key");
    set(&db, "k", "v").await;
    assert!(!db.persist(&b("k")).await, "no TTL");
    db.expire(&b("k"), Instant::now() + TEN_S, ExpireCondition::ALWAYS)
        .await;
    assert!(db.persist(&b("k")).await);
    assert_eq!(db.ttl(&b("k")).await, Ttl::Persistent);
    assert!(!db.persist(&b("k")).await);
    tokio::time::advance(2 * TEN_S).await;
    assert_eq!(
        value(&db, "k").await,
        Some(b("v")),
        "the old deadline is gone"
    );
}

// ---------------------------------------------------------- DBSIZE, FLUSHDB

/// len counts keys as SET, SET NX, DEL and GETDEL add and remove them.
async fn len_counts_keys<D: Db>(db: D) {
    assert_eq!(db.len(DbIndex::ZERO).await, 0);
    for k in numbered("k", 100) {
        db.set(k, b("v"), SetOptions::default()).await;
    }
    assert_eq!(db.len(DbIndex::ZERO).await, 100);
    set(&db, "k0", "again").await;
    db.set(b("k1"), b("x"), nx()).await;
    assert_eq!(db.len(DbIndex::ZERO).await, 100, "overwrites add no key");
    db.del(&numbered("k", 10)).await;
    db.getdel(&b("k50")).await;
    assert_eq!(db.len(DbIndex::ZERO).await, 89);
}

/// clear empties the store, TTL keys included, and the store stays usable.
async fn clear_empties_the_store<D: Db>(db: D) {
    for k in numbered("k", 50) {
        db.set(k, b("v"), SetOptions::default()).await;
    }
    for k in numbered("t", 50) {
        db.set(k, b("v"), expire_at(Instant::now() + TEN_S)).await;
    }
    db.clear(None).await;
    assert_eq!(db.len(DbIndex::ZERO).await, 0);
    assert_eq!(value(&db, "k0").await, None);
    assert_eq!(db.ttl(&b("t0")).await, Ttl::Missing);
    db.clear(None).await;
    set(&db, "k0", "w").await;
    assert_eq!(value(&db, "k0").await, Some(b("w")));
    assert_eq!(db.len(DbIndex::ZERO).await, 1);
}

// -------------------------------------------------- databases, SWAPDB

/// Databases are isolated: a key written in database 1 is absent from database 0 and counted only in its own, and one name holds independent values, TTLs and deletions in each.
async fn databases_are_isolated<D: Db>(db: D) {
    let (zero, one, last) = (DbIndex::ZERO, index(1), index(15));
    strings::set(&db, one, b("k"), b("in one"), SetOptions::default())
        .await
        .unwrap();
    assert_eq!(value(&db, "k").await, None, "database 1's key seen in 0");
    assert_eq!(db.exists(&[b("k")]).await, 0);
    assert_eq!((db.len(zero).await, db.len(one).await), (0, 1));

    set(&db, "k", "in zero").await;
    strings::mset(&db, last, vec![(b("k"), b("in 15")), (b("m"), b("1"))]).await;
    assert_eq!(strings::get(&db, one, &b("k")).await, Ok(Some(b("in one"))));
    assert_eq!(value(&db, "k").await, Some(b("in zero")));
    assert_eq!(
        strings::mget(&db, last, &[b("k"), b("m")]).await,
        vec![Some(b("in 15")), Some(b("1"))]
    );
    assert_eq!(
        strings::incr_by(&db, one, b("m"), 5).await,
        Ok(5),
        "m is new in 1"
    );
    assert_eq!(strings::get(&db, last, &b("m")).await, Ok(Some(b("1"))));
    let lens = [zero, one, index(2), last].map(|i| db.len(i));
    let mut counted = Vec::new();
    for len in lens {
        counted.push(len.await);
    }
    assert_eq!(counted, [1, 2, 0, 2], "DBSIZE of databases 0, 1, 2 and 15");

    let at = Instant::now() + TEN_S;
    assert!(keyspace::expire(&db, last, b("k"), at, ExpireCondition::ALWAYS).await);
    assert_eq!(keyspace::ttl(&db, last, &b("k")).await, Ttl::Expires(TEN_S));
    assert_eq!(db.ttl(&b("k")).await, Ttl::Persistent);
    assert_eq!((db.volatile(zero).await, db.volatile(last).await), (0, 1));
    assert_eq!(keyspace::del(&db, one, vec![b("k"), b("m")]).await, 2);
    assert_eq!(db.len(one).await, 0);
    assert_eq!(
        value(&db, "k").await,
        Some(b("in zero")),
        "DEL in 1 reached 0"
    );
    assert_eq!(keyspace::exists(&db, last, vec![b("k"), b("m")]).await, 2);
    assert_eq!(scan_all(&db, one, 10).await, Vec::<Bytes>::new());
    assert_eq!(scan_all(&db, last, 10).await, vec![b("k"), b("m")]);
    assert_eq!(db.random_key(one).await, None);
    assert_eq!(db.random_key(zero).await, Some(b("k")));

    tokio::time::advance(TEN_S).await;
    assert_eq!(strings::get(&db, last, &b("k")).await, Ok(None));
    assert_eq!(
        value(&db, "k").await,
        Some(b("in zero")),
        "15's deadline reached 0"
    );
}

/// SWAPDB exchanges two databases whole (values, TTLs, counts, and the sweep's reach), later writes land in the new contents, swapping back restores them, and swapping a database with itself changes nothing.
async fn swap_exchanges_two_databases<D: Db>(db: D) {
    let (zero, three) = (DbIndex::ZERO, index(3));
    let deadline = Instant::now() + TEN_S;
    db.set(b("a"), b("1"), expire_at(deadline)).await;
    set(&db, "b", "2").await;
    strings::set(&db, three, b("c"), b("3"), SetOptions::default())
        .await
        .unwrap();

    db.swap(zero, three).await;
    assert_eq!((db.len(zero).await, db.len(three).await), (1, 2));
    assert_eq!(
        db.mget(&[b("a"), b("b"), b("c")]).await,
        vec![None, None, Some(b("3"))]
    );
    assert_eq!(
        strings::mget(&db, three, &[b("a"), b("b"), b("c")]).await,
        vec![Some(b("1")), Some(b("2")), None]
    );
    assert_eq!(
        keyspace::ttl(&db, three, &b("a")).await,
        Ttl::Expires(TEN_S)
    );
    assert_eq!((db.volatile(zero).await, db.volatile(three).await), (0, 1));
    assert_eq!(scan_all(&db, three, 10).await, vec![b("a"), b("b")]);

    set(&db, "d", "4").await;
    db.swap(three, zero).await;
    assert_eq!(scan_all(&db, zero, 10).await, vec![b("a"), b("b")]);
    assert_eq!(scan_all(&db, three, 10).await, vec![b("c"), b("d")]);
    db.swap(three, three).await;
    assert_eq!(scan_all(&db, three, 10).await, vec![b("c"), b("d")]);

    // The moved deadline still applies, and the active sweep reclaims the
    // key in its new database without anyone reading it.
    db.swap(zero, three).await;
    tokio::time::sleep_until(deadline + 3 * SWEEP_INTERVAL).await;
    assert_eq!(
        db.len(three).await,
        1,
        "the sweep missed a key moved by SWAPDB"
    );
    assert_eq!(strings::get(&db, three, &b("b")).await, Ok(Some(b("2"))));
    assert_eq!(db.len(zero).await, 2);
}

/// FLUSHDB (`clear(Some(db))`) empties one database, TTL keys and their sweep included, and leaves the others whole; FLUSHALL (`clear(None)`) empties all sixteen.
async fn clear_one_database_leaves_the_others<D: Db>(db: D) {
    let deadline = Instant::now() + TEN_S;
    for n in [0, 1, 2] {
        let pairs = numbered("k", 10).into_iter().map(|k| (k, b("v"))).collect();
        strings::mset(&db, index(n), pairs).await;
        let ttl = expire_at(deadline);
        for k in numbered("t", 5) {
            strings::set(&db, index(n), k, b("v"), ttl).await.unwrap();
        }
    }
    db.clear(Some(index(1))).await;
    assert_eq!(db.len(index(1)).await, 0);
    assert_eq!(db.volatile(index(1)).await, 0);
    assert_eq!(strings::get(&db, index(1), &b("k0")).await, Ok(None));
    for n in [0, 2] {
        assert_eq!(db.len(index(n)).await, 15, "FLUSHDB 1 emptied {n}");
        assert_eq!(
            strings::get(&db, index(n), &b("k0")).await,
            Ok(Some(b("v")))
        );
        assert_eq!(
            keyspace::ttl(&db, index(n), &b("t0")).await,
            Ttl::Expires(TEN_S)
        );
    }
    strings::set(&db, index(1), b("new"), b("w"), SetOptions::default())
        .await
        .unwrap();
    assert_eq!(db.len(index(1)).await, 1, "a flushed database stays usable");

    // The other databases' deadlines survive the flush.
    tokio::time::sleep_until(deadline + 3 * SWEEP_INTERVAL).await;
    assert_eq!((db.len(index(0)).await, db.len(index(2)).await), (10, 10));

    db.clear(None).await;
    for i in DbIndex::all() {
        assert_eq!(db.len(i).await, 0, "FLUSHALL left keys in {i:?}");
    }
}

// ------------------------------------------------------------ binary data

/// Keys and values are binary-safe: NUL bytes, 0xff and invalid UTF-8 round-trip and stay distinct.
async fn binary_keys_and_values_round_trip<D: Db>(db: D) {
    let keys = [
        &b"a"[..],
        b"a\0",
        b"\0a",
        b"\0",
        b"\xff\xfe",
        b"A",
        b"\xc3\x28",
    ];
    for (i, k) in keys.iter().enumerate() {
        let v = [0u8, 0xff, i as u8, b'\n', b'\r', 0];
        db.set(b(k), b(v), SetOptions::default()).await;
    }
    assert_eq!(
        db.len(DbIndex::ZERO).await,
        keys.len(),
        "keys compare by bytes"
    );
    for (i, k) in keys.iter().enumerate() {
        let v = [0u8, 0xff, i as u8, b'\n', b'\r', 0];
        assert_eq!(db.get(&b(k)).await, Some(b(v)));
    }
    assert_eq!(db.incr_by(b("\0n\0"), 2).await, Ok(2));
}

/// The empty key and the empty value are ordinary: stored, counted and returned.
async fn empty_key_and_empty_value_are_ordinary<D: Db>(db: D) {
    assert!(db.set(b(""), b("for the empty key"), nx()).await.written);
    assert!(db.set(b("empty"), b(""), nx()).await.written);
    assert_eq!(value(&db, "").await, Some(b("for the empty key")));
    assert_eq!(value(&db, "empty").await, Some(Bytes::new()));
    assert_eq!(db.exists(&[b(""), b("empty")]).await, 2);
    assert_eq!(db.len(DbIndex::ZERO).await, 2);
    assert_eq!(db.getdel(&b("")).await, Some(b("for the empty key")));
    assert_eq!(db.exists(&[b("")]).await, 0);
}

/// A 1 MiB value round-trips byte for byte.
async fn large_value_round_trips<D: Db>(db: D) {
    let big: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    db.set(b("big"), b(&big), SetOptions::default()).await;
    let back = value(&db, "big").await.expect("stored");
    assert_eq!(back.len(), 1 << 20);
    assert!(back == big, "the value came back changed");
    assert_eq!(db.mget(&[b("big")]).await[0].as_ref(), Some(&back));
}

// ------------------------------------------------------ the copy rule

/// A request's read buffer that reports when its memory is freed.
struct Tracked {
    bytes: Vec<u8>,
    freed: Arc<AtomicBool>,
}

impl AsRef<[u8]> for Tracked {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.freed.store(true, Ordering::Release);
    }
}

/// Every word of `requests` copied into one tracked buffer, as a
/// connection's read buffer holds the requests it decodes: the buffer, each
/// request's arguments as slices of it, and the flag its drop sets.
fn one_read_buffer(requests: &[(&[&str], &str)]) -> (Bytes, Vec<Vec<Bytes>>, Arc<AtomicBool>) {
    let mut text = Vec::new();
    let mut spans = Vec::new();
    for (words, _) in requests {
        let request: Vec<_> = words
            .iter()
            .map(|word| {
                let start = text.len();
                text.extend_from_slice(word.as_bytes());
                start..text.len()
            })
            .collect();
        spans.push(request);
    }
    let freed = Arc::new(AtomicBool::new(false));
    let buffer = Bytes::from_owner(Tracked {
        bytes: text,
        freed: freed.clone(),
    });
    let argvs = spans
        .into_iter()
        .map(|request| request.into_iter().map(|r| buffer.slice(r)).collect())
        .collect();
    (buffer, argvs, freed)
}

/// Runs each request through the command layer (`SELECT` carries over to
/// the next) and checks its reply against the expected RESP text.
async fn run_requests<D: Db>(db: &D, requests: &[(&[&str], &str)], argvs: Vec<Vec<Bytes>>) {
    let mut selected = DbIndex::ZERO;
    for ((words, expected), argv) in requests.iter().zip(argvs) {
        let id = find(&argv)
            .expect("a data command")
            .expect("a valid request");
        let mut out = BytesMut::new();
        let mut cx = Ctx {
            db,
            selected,
            reply: Reply::new(&mut out, 0),
            settings: sharedkv_commands::Settings::defaults(),
        };
        if let Err(e) = run(id, &mut cx, argv).await {
            cx.reply.error(&e);
        }
        selected = cx.selected;
        assert_eq!(String::from_utf8_lossy(&out), *expected, "{words:?}");
    }
}

/// Drops `buffer` and checks that it is freed: no stored byte points into
/// it. A strategy may drop a finished step a moment after it answered (an
/// actor's task), so it gets a few ticks.
async fn assert_freed(buffer: Bytes, freed: &AtomicBool, what: &str) {
    drop(buffer);
    for _ in 0..1000 {
        if freed.load(Ordering::Acquire) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert!(
        freed.load(Ordering::Acquire),
        "a stored {what} still points into the read buffer"
    );
}

/// Write commands run through the command layer, with every argument a slice of one read buffer, keep no byte of it: once the arguments and the buffer are dropped, the buffer is freed (the `stored` rule).
async fn write_commands_keep_no_byte_of_the_read_buffer<D: Db>(db: D) {
    let (v30, v80, v500) = ("a".repeat(30), "b".repeat(80), "c".repeat(500));
    #[rustfmt::skip]
    let requests: &[(&[&str], &str)] = &[
        (&["SET", "k1", "v1"], "+OK\r\n"),
        (&["SET", "k2", &v30, "EX", "100"], "+OK\r\n"),
        (&["SET", "k3", &v80, "NX"], "+OK\r\n"),
        (&["SET", "k3", "other", "XX", "GET"], &format!("$80\r\n{v80}\r\n")),
        (&["SET", "k3", &v500, "KEEPTTL"], "+OK\r\n"),
        (&["SET", "n0", "12345"], "+OK\r\n"),
        (&["SETNX", "k4", "v4"], ":1\r\n"),
        (&["SETEX", "k5", "100", "v5"], "+OK\r\n"),
        (&["PSETEX", "k6", "100000", &v30], "+OK\r\n"),
        (&["GETSET", "k1", "v1b"], "$2\r\nv1\r\n"),
        (&["MSET", "k7", "v7", &v80, &v500, "k9", "v9"], "+OK\r\n"),
        (&["INCR", "n1"], ":1\r\n"),
        (&["INCRBY", "n2", "41"], ":41\r\n"),
        (&["DECR", "n3"], ":-1\r\n"),
        (&["DECRBY", "n4", "5"], ":-5\r\n"),
        (&["EXPIRE", "k7", "100"], ":1\r\n"),
        (&["PEXPIRE", &v80, "100000"], ":1\r\n"),
        (&["EXPIRE", "k9", "100", "NX"], ":1\r\n"),
        (&["PERSIST", "k9"], ":1\r\n"),
        (&["DEL", "k7", "missing"], ":1\r\n"),
        (&["GETDEL", "k4"], "$2\r\nv4\r\n"),
        (&["SELECT", "1"], "+OK\r\n"),
        (&["SET", "k1", "in one", "PX", "100000"], "+OK\r\n"),
        (&["MSET", "m1", &v30, "m2", "b"], "+OK\r\n"),
        (&["INCR", "n1"], ":1\r\n"),
        (&["EXPIRE", "m1", "100"], ":1\r\n"),
        (&["SETEX", "m3", "100", &v80], "+OK\r\n"),
    ];
    let (buffer, argvs, freed) = one_read_buffer(requests);
    assert!(buffer.len() < READ_CHUNK, "all short enough to be copied");
    run_requests(&db, requests, argvs).await;
    let stored = db
        .mget(&[
            b("k1"),
            b("k2"),
            b("k3"),
            b("k5"),
            b("k6"),
            b(&v80),
            b("n0"),
        ])
        .await;
    let expected = ["v1b", &v30, &v500, "v5", &v30, &v500, "12345"];
    assert_eq!(stored, expected.map(|v| Some(b(v))));
    assert_eq!(db.len(DbIndex::ZERO).await, 12);
    assert_eq!(db.len(index(1)).await, 5);
    assert!(
        !freed.load(Ordering::Acquire),
        "the buffer is still held here"
    );

    assert_freed(buffer, &freed, "key or value").await;
    let again = db.mget(&[b("k1"), b(&v80)]).await;
    assert_eq!(again, [Some(b("v1b")), Some(b(&v500))]);
}

// ------------------------------------------------------------------ clones

/// Clones are handles to one store: a write through any clone, from any task, is seen by all.
async fn clones_share_state<D: Db>(db: D) {
    let other = db.clone();
    set(&other, "k", "from clone").await;
    assert_eq!(value(&db, "k").await, Some(b("from clone")));
    let spawned = db.clone();
    tokio::spawn(async move {
        spawned.incr_by(b("n"), 7).await.unwrap();
        spawned.del(&[b("k")]).await;
    })
    .await
    .unwrap();
    assert_eq!(value(&other, "n").await, Some(b("7")));
    assert_eq!(value(&db, "k").await, None);
    drop(other);
    assert_eq!(
        db.len(DbIndex::ZERO).await,
        1,
        "dropping a clone keeps the data"
    );
}

// ------------------------------------------------- expiry on paused time

/// GET sees a key until just before its deadline, and not at the deadline.
async fn get_sees_a_key_until_its_deadline<D: Db>(db: D) {
    set_with_ttl(&db, "k", "v", TEN_S).await;
    tokio::time::advance(TEN_S - MS).await;
    assert_eq!(value(&db, "k").await, Some(b("v")));
    tokio::time::advance(MS).await;
    assert_eq!(value(&db, "k").await, None);
}

/// EXISTS and MGET hide a key from its deadline on, and count it just before.
async fn exists_and_mget_hide_expired_keys<D: Db>(db: D) {
    set_with_ttl(&db, "t", "v", TEN_S).await;
    set(&db, "p", "w").await;
    let both = [b("t"), b("p")];
    tokio::time::advance(TEN_S - MS).await;
    assert_eq!(db.exists(&both).await, 2);
    assert_eq!(db.mget(&both).await, vec![Some(b("v")), Some(b("w"))]);
    tokio::time::advance(MS).await;
    assert_eq!(db.exists(&both).await, 1);
    assert_eq!(db.mget(&both).await, vec![None, Some(b("w"))]);
}

/// TTL counts down to the last millisecond and reports Missing at the deadline.
async fn ttl_counts_down_to_missing<D: Db>(db: D) {
    set_with_ttl(&db, "k", "v", TEN_S).await;
    tokio::time::advance(TEN_S - MS).await;
    assert_eq!(db.ttl(&b("k")).await, Ttl::Expires(MS));
    tokio::time::advance(MS).await;
    assert_eq!(db.ttl(&b("k")).await, Ttl::Missing);
}

/// INCRBY on an expired key starts again from 0, and the new key has no TTL.
async fn incr_by_on_expired_key_starts_from_zero<D: Db>(db: D) {
    set_with_ttl(&db, "n", "41", TEN_S).await;
    tokio::time::advance(TEN_S - MS).await;
    assert_eq!(db.incr_by(b("n"), 1).await, Ok(42));
    tokio::time::advance(MS).await;
    assert_eq!(db.incr_by(b("n"), 1).await, Ok(1));
    assert_eq!(db.ttl(&b("n")).await, Ttl::Persistent);
    tokio::time::advance(2 * TEN_S).await;
    assert_eq!(value(&db, "n").await, Some(b("1")));
}

/// SET NX succeeds on an expired key, and the new key does not inherit the old deadline.
async fn set_nx_succeeds_on_an_expired_key<D: Db>(db: D) {
    set_with_ttl(&db, "k", "old", TEN_S).await;
    tokio::time::advance(TEN_S - MS).await;
    assert!(!db.set(b("k"), b("new"), nx()).await.written);
    tokio::time::advance(MS).await;
    let opts = SetOptions { get: true, ..nx() };
    assert_eq!(db.set(b("k"), b("new"), opts).await, written());
    assert_eq!(value(&db, "k").await, Some(b("new")));
    assert_eq!(db.ttl(&b("k")).await, Ttl::Persistent);
}

/// SET XX fails on an expired key and does not bring it back.
async fn set_xx_fails_on_an_expired_key<D: Db>(db: D) {
    set_with_ttl(&db, "k", "old", TEN_S).await;
    tokio::time::advance(TEN_S - MS).await;
    assert!(db.set(b("k"), b("mid"), keep_ttl()).await.written);
    tokio::time::advance(MS).await;
    let opts = SetOptions { get: true, ..xx() };
    assert_eq!(db.set(b("k"), b("new"), opts).await, refused());
    assert_eq!(value(&db, "k").await, None);
    assert_eq!(db.exists(&[b("k")]).await, 0);
}

/// An expired key is missing to every command: GETDEL, DEL, EXPIRE, PERSIST, SET GET, SET KEEPTTL.
async fn expired_keys_are_missing_to_every_command<D: Db>(db: D) {
    for k in ["a", "b", "c", "d", "e", "f"] {
        set_with_ttl(&db, k, "old", TEN_S).await;
    }
    tokio::time::advance(TEN_S).await;
    assert_eq!(db.getdel(&b("a")).await, None);
    assert_eq!(db.del(&[b("b")]).await, 0);
    assert!(
        !db.expire(&b("c"), Instant::now() + TEN_S, ExpireCondition::ALWAYS)
            .await
    );
    assert_eq!(
        db.ttl(&b("c")).await,
        Ttl::Missing,
        "EXPIRE revived nothing"
    );
    assert!(!db.persist(&b("d")).await);
    assert_eq!(value(&db, "d").await, None, "PERSIST revived nothing");
    assert_eq!(db.set(b("e"), b("new"), get()).await, written());
    assert!(db.set(b("f"), b("new"), keep_ttl()).await.written);
    assert_eq!(
        db.ttl(&b("f")).await,
        Ttl::Persistent,
        "KEEPTTL kept an expired deadline"
    );
}

/// The active sweep reclaims 1,000 expired keys that are never read again, and nothing else.
async fn active_expiry_reclaims_unread_keys<D: Db>(db: D) {
    const EXPIRING: usize = 1_000;
    const PERSISTENT: usize = 10;
    let deadline = Instant::now() + TEN_S;
    for k in numbered("t", EXPIRING) {
        db.set(k, b("v"), expire_at(deadline)).await;
    }
    for k in numbered("p", PERSISTENT) {
        db.set(k, b("v"), SetOptions::default()).await;
    }
    tokio::time::sleep(TEN_S - SWEEP_INTERVAL).await;
    assert_eq!(
        db.len(DbIndex::ZERO).await,
        EXPIRING + PERSISTENT,
        "nothing is reclaimed early"
    );
    // Sleeping (not `advance`) lets the paused clock jump from one sweep
    // tick to the next, so the sweep task runs at each.
    tokio::time::sleep_until(deadline + 3 * SWEEP_INTERVAL).await;
    assert_eq!(
        db.len(DbIndex::ZERO).await,
        PERSISTENT,
        "the sweep left expired keys behind"
    );
    assert_eq!(db.exists(&numbered("p", PERSISTENT)).await, PERSISTENT);
}

/// Dropping every handle ends every task the store spawned (its sweep, an actor).
async fn dropping_every_handle_stops_background_tasks<D: Db>(db: D) {
    let metrics = tokio::runtime::Handle::current().metrics();
    let clone = db.clone();
    tokio::spawn(async move {
        for k in numbered("t", 100) {
            clone
                .set(k, b("v"), expire_at(Instant::now() + TEN_S))
                .await;
        }
    })
    .await
    .unwrap();
    tokio::time::sleep(3 * SWEEP_INTERVAL).await;
    assert!(
        metrics.num_alive_tasks() >= 1,
        "a live store runs its expiry sweep as a task"
    );
    drop(db);
    // Give the tasks a few sweep ticks to notice; paused time makes this instant.
    for _ in 0..10 {
        if metrics.num_alive_tasks() == 0 {
            break;
        }
        tokio::time::sleep(SWEEP_INTERVAL).await;
    }
    assert_eq!(
        metrics.num_alive_tasks(),
        0,
        "a task outlived the last handle: it keeps the store alive forever"
    );
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        /// The conformance checks, run on this strategy.
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] set_plain_writes_and_overwrites,
                #[tokio::test] get_missing_key_returns_none,
                #[tokio::test] set_nx_only_writes_absent_keys,
                #[tokio::test] set_xx_only_writes_present_keys,
                #[tokio::test] set_get_returns_the_previous_value,
                #[tokio::test] set_nx_get_returns_the_existing_value,
                #[tokio::test] set_xx_get_on_absent_and_present_keys,
                #[tokio::test(start_paused = true)] set_without_expiry_clears_the_ttl,
                #[tokio::test(start_paused = true)] set_with_deadline_sets_the_ttl,
                #[tokio::test(start_paused = true)] set_keepttl_keeps_the_deadline,
                #[tokio::test(start_paused = true)] set_with_past_deadline_leaves_no_key,
                #[tokio::test] getdel_returns_and_removes,
                #[tokio::test] del_counts_keys_that_existed,
                #[tokio::test] exists_counts_duplicates,
                #[tokio::test] incr_by_on_absent_key_starts_from_zero,
                #[tokio::test] incr_by_accepts_negative_deltas,
                #[tokio::test] incr_by_on_non_integer_fails_and_keeps_the_value,
                #[tokio::test] incr_by_rejects_non_canonical_integers,
                #[tokio::test] incr_by_overflow_fails_and_keeps_the_value,
                #[tokio::test(start_paused = true)] incr_by_keeps_the_ttl,
                #[tokio::test] mget_keeps_order_and_reports_missing,
                #[tokio::test] mset_writes_every_pair,
                #[tokio::test] mset_later_pair_wins,
                #[tokio::test(start_paused = true)] mset_clears_ttls,
                #[tokio::test(start_paused = true)] ttl_reports_missing_persistent_and_time_left,
                #[tokio::test(start_paused = true)] expire_on_missing_key_returns_false,
                #[tokio::test(start_paused = true)] expire_replaces_the_deadline,
                #[tokio::test(start_paused = true)] expire_in_the_past_deletes_the_key,
                #[tokio::test(start_paused = true)] expire_conditions_follow_redis,
                #[tokio::test(start_paused = true)] persist_removes_the_ttl,
                #[tokio::test] len_counts_keys,
                #[tokio::test(start_paused = true)] clear_empties_the_store,
                #[tokio::test(start_paused = true)] databases_are_isolated,
                #[tokio::test(start_paused = true)] swap_exchanges_two_databases,
                #[tokio::test(start_paused = true)] clear_one_database_leaves_the_others,
                #[tokio::test] binary_keys_and_values_round_trip,
                #[tokio::test] empty_key_and_empty_value_are_ordinary,
                #[tokio::test] large_value_round_trips,
                #[tokio::test] write_commands_keep_no_byte_of_the_read_buffer,
                #[tokio::test] clones_share_state,
                #[tokio::test(start_paused = true)] get_sees_a_key_until_its_deadline,
                #[tokio::test(start_paused = true)] exists_and_mget_hide_expired_keys,
                #[tokio::test(start_paused = true)] ttl_counts_down_to_missing,
                #[tokio::test(start_paused = true)] incr_by_on_expired_key_starts_from_zero,
                #[tokio::test(start_paused = true)] set_nx_succeeds_on_an_expired_key,
                #[tokio::test(start_paused = true)] set_xx_fails_on_an_expired_key,
                #[tokio::test(start_paused = true)] expired_keys_are_missing_to_every_command,
                #[tokio::test(start_paused = true)] active_expiry_reclaims_unread_keys,
                #[tokio::test(start_paused = true)] dropping_every_handle_stops_background_tasks,
            }
        }
    };
}

for_each_strategy!(stamp);

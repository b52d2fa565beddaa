//! The sets family's conformance checks, stamped per strategy as in `main.rs`:
//! `sets::<strategy>::<check>`. They call `sharedkv-commands`' typed set
//! functions on database 0, except the copy-rule check, which drives the
//! command layer itself.

use super::*;
use sharedkv_testsuite::commands::Thresholds;
use sharedkv_testsuite::commands::keyspace::ScanOptions;
use sharedkv_testsuite::commands::sets::{self, SetOp};

const DB0: DbIndex = DbIndex::ZERO;

fn list(words: &[&str]) -> Vec<Bytes> {
    words.iter().map(b).collect()
}

fn sorted(mut members: Vec<Bytes>) -> Vec<Bytes> {
    members.sort();
    members
}

async fn members<D: Db>(db: &D, key: &str) -> Vec<Bytes> {
    sorted(sets::smembers(db, DB0, &b(key)).await.expect("a set"))
}

/// SADD counts new members, SISMEMBER and SMISMEMBER see them, SREM counts the ones it removed, and the last SREM removes the key.
async fn sadd_srem_sismember_round_trip<D: Db>(db: D) {
    let k = b("s");
    assert_eq!(
        sets::sadd(&db, DB0, k.clone(), list(&["a", "b", "a"])).await,
        Ok(2)
    );
    assert_eq!(
        sets::sadd(&db, DB0, k.clone(), list(&["b", "c"])).await,
        Ok(1)
    );
    assert_eq!(sets::sadd(&db, DB0, k.clone(), list(&["c"])).await, Ok(0));
    assert_eq!(sets::scard(&db, DB0, &k).await, Ok(3));
    assert_eq!(sets::sismember(&db, DB0, &k, b("a")).await, Ok(true));
    assert_eq!(sets::sismember(&db, DB0, &k, b("z")).await, Ok(false));
    assert_eq!(
        sets::smismember(&db, DB0, &k, list(&["c", "z", "a"])).await,
        Ok(vec![true, false, true])
    );
    assert_eq!(members(&db, "s").await, list(&["a", "b", "c"]));
    assert_eq!(
        sets::srem(&db, DB0, k.clone(), list(&["a", "z"])).await,
        Ok(1)
    );
    assert_eq!(sets::sismember(&db, DB0, &k, b("a")).await, Ok(false));
    assert_eq!(sets::srem(&db, DB0, k.clone(), list(&["z"])).await, Ok(0));
    assert_eq!(
        sets::srem(&db, DB0, k.clone(), list(&["b", "c"])).await,
        Ok(2)
    );
    assert_eq!(
        db.exists(std::slice::from_ref(&k)).await,
        0,
        "the emptied set is gone"
    );
    assert_eq!(db.len(DB0).await, 0);
    assert_eq!(sets::scard(&db, DB0, &k).await, Ok(0));
    assert_eq!(sets::srem(&db, DB0, k.clone(), list(&["a"])).await, Ok(0));

    set(&db, "str", "v").await;
    assert_eq!(
        sets::sadd(&db, DB0, b("str"), list(&["a"])).await,
        Err(Error::WRONG_TYPE)
    );
    assert_eq!(value(&db, "str").await, Some(b("v")));
}

/// SMOVE moves a member once, creates the destination, removes an emptied source, and refuses a destination of another type without losing the member.
async fn smove_moves_one_member<D: Db>(db: D) {
    sets::sadd(&db, DB0, b("src"), list(&["a", "b"]))
        .await
        .unwrap();
    assert_eq!(
        sets::smove(&db, DB0, b("src"), b("dst"), b("a")).await,
        Ok(true)
    );
    assert_eq!(
        sets::smove(&db, DB0, b("src"), b("dst"), b("a")).await,
        Ok(false)
    );
    assert_eq!(members(&db, "src").await, list(&["b"]));
    assert_eq!(members(&db, "dst").await, list(&["a"]));
    assert_eq!(
        sets::smove(&db, DB0, b("src"), b("src"), b("b")).await,
        Ok(true)
    );
    assert_eq!(
        sets::smove(&db, DB0, b("nokey"), b("dst"), b("b")).await,
        Ok(false)
    );

    set(&db, "str", "v").await;
    assert_eq!(
        sets::smove(&db, DB0, b("src"), b("str"), b("b")).await,
        Err(Error::WRONG_TYPE)
    );
    assert_eq!(members(&db, "src").await, list(&["b"]), "nothing moved");
    assert_eq!(
        sets::smove(&db, DB0, b("nokey"), b("str"), b("b")).await,
        Ok(false)
    );

    assert_eq!(
        sets::smove(&db, DB0, b("src"), b("dst"), b("b")).await,
        Ok(true)
    );
    assert_eq!(
        db.exists(&[b("src")]).await,
        0,
        "the emptied source is gone"
    );
    assert_eq!(members(&db, "dst").await, list(&["a", "b"]));
}

/// SINTERSTORE, SUNIONSTORE and SDIFFSTORE write their result over any destination (TTL and type included), delete it on an empty result, and leave it alone on WRONGTYPE.
async fn store_forms_write_the_destination<D: Db>(db: D) {
    sets::sadd(&db, DB0, b("x"), list(&["a", "b", "c"]))
        .await
        .unwrap();
    sets::sadd(&db, DB0, b("y"), list(&["b", "c", "d"]))
        .await
        .unwrap();
    set_with_ttl(&db, "dst", "v", TEN_S).await;
    let store = |op, dst: &str, keys: &[&str]| sets::combine_into(&db, DB0, op, b(dst), list(keys));

    assert_eq!(store(SetOp::Inter, "dst", &["x", "y"]).await, Ok(2));
    assert_eq!(members(&db, "dst").await, list(&["b", "c"]));
    assert_eq!(db.ttl(&b("dst")).await, Ttl::Persistent);
    assert_eq!(
        store(SetOp::Union, "dst", &["x", "y", "nokey"]).await,
        Ok(4)
    );
    assert_eq!(members(&db, "dst").await, list(&["a", "b", "c", "d"]));
    assert_eq!(store(SetOp::Diff, "dst", &["x", "y"]).await, Ok(1));
    assert_eq!(members(&db, "dst").await, list(&["a"]));

    assert_eq!(store(SetOp::Inter, "dst", &["x", "nokey"]).await, Ok(0));
    assert_eq!(db.exists(&[b("dst")]).await, 0, "an empty result deletes");
    assert_eq!(store(SetOp::Diff, "dst", &["x", "x"]).await, Ok(0));
    assert_eq!(db.exists(&[b("dst")]).await, 0);

    set(&db, "str", "v").await;
    set(&db, "keep", "v").await;
    assert_eq!(
        store(SetOp::Union, "keep", &["x", "str"]).await,
        Err(Error::WRONG_TYPE)
    );
    assert_eq!(value(&db, "keep").await, Some(b("v")));
    assert_eq!(store(SetOp::Diff, "x", &["x", "y"]).await, Ok(1));
    assert_eq!(members(&db, "x").await, list(&["a"]));
    assert_eq!(
        sorted(
            sets::combine(&db, DB0, SetOp::Union, list(&["x", "y"]))
                .await
                .unwrap()
        ),
        list(&["a", "b", "c", "d"])
    );
    assert_eq!(
        sets::sintercard(&db, DB0, list(&["y", "y"]), 2).await,
        Ok(2)
    );
}

/// SPOP with a count removes exactly the distinct members it returns, and with a count covering the set removes all of them and the key.
async fn spop_count_removes_exactly_what_it_returns<D: Db>(db: D) {
    let all = numbered("m", 20);
    sets::sadd(&db, DB0, b("s"), all.clone()).await.unwrap();
    let mut popped = Vec::new();
    for count in [0, 1, 3, 5] {
        let got = sets::spop(&db, DB0, b("s"), count).await.unwrap();
        assert_eq!(got.len(), count);
        for member in &got {
            assert_eq!(
                sets::sismember(&db, DB0, &b("s"), member.clone()).await,
                Ok(false)
            );
        }
        popped.extend(got);
    }
    let left = members(&db, "s").await;
    assert_eq!(left.len(), 20 - 9);
    let one = sets::spop_one(&db, DB0, b("s"))
        .await
        .unwrap()
        .expect("a member");
    popped.push(one);
    let rest = sets::spop(&db, DB0, b("s"), 100).await.unwrap();
    assert_eq!(rest.len(), 10);
    popped.extend(rest);
    assert_eq!(
        sorted(popped),
        sorted(all),
        "each member popped exactly once"
    );
    assert_eq!(db.exists(&[b("s")]).await, 0);
    assert_eq!(sets::spop(&db, DB0, b("s"), 3).await, Ok(Vec::new()));
    assert_eq!(sets::spop_one(&db, DB0, b("s")).await, Ok(None));
}

/// A set keeps its TTL through SADD, SREM and SPOP, and is gone at the deadline.
async fn a_set_keeps_its_ttl_until_the_deadline<D: Db>(db: D) {
    sets::sadd(&db, DB0, b("s"), list(&["a", "b", "c"]))
        .await
        .unwrap();
    assert!(
        db.expire(&b("s"), Instant::now() + TEN_S, ExpireCondition::ALWAYS)
            .await
    );
    sets::sadd(&db, DB0, b("s"), list(&["d"])).await.unwrap();
    sets::srem(&db, DB0, b("s"), list(&["a"])).await.unwrap();
    sets::spop(&db, DB0, b("s"), 1).await.unwrap();
    assert_eq!(db.ttl(&b("s")).await, Ttl::Expires(TEN_S));
    tokio::time::advance(TEN_S - MS).await;
    assert_eq!(sets::scard(&db, DB0, &b("s")).await, Ok(2));
    tokio::time::advance(MS).await;
    assert_eq!(sets::scard(&db, DB0, &b("s")).await, Ok(0));
    assert_eq!(sets::sadd(&db, DB0, b("s"), list(&["z"])).await, Ok(1));
    assert_eq!(db.ttl(&b("s")).await, Ttl::Persistent, "a new set, no TTL");
}

/// The set write commands keep no byte of the request's read buffer: keys and members are copied before they are stored.
async fn set_writes_keep_no_byte_of_the_read_buffer<D: Db>(db: D) {
    #[rustfmt::skip]
    let requests: &[(&[&str], &str)] = &[
        (&["SADD", "s1", "a", "bb", "ccc"], ":3\r\n"),
        (&["SADD", "s2", "bb", "dddd"], ":2\r\n"),
        (&["SREM", "s1", "zzz"], ":0\r\n"),
        (&["SMOVE", "s1", "s3", "a"], ":1\r\n"),
        (&["SINTERSTORE", "s4", "s1", "s2"], ":1\r\n"),
        (&["SUNIONSTORE", "s5", "s1", "s2"], ":3\r\n"),
        (&["SDIFFSTORE", "s6", "s2", "s1"], ":1\r\n"),
        (&["SPOP", "s5", "0"], "*0\r\n"),
    ];
    let (buffer, argvs, freed) = one_read_buffer(requests);
    run_requests(&db, requests, argvs).await;
    assert_freed(buffer, &freed, "key or member").await;
    assert_eq!(members(&db, "s5").await, list(&["bb", "ccc", "dddd"]));
    assert_eq!(members(&db, "s3").await, list(&["a"]));
}

/// A paged SSCAN of a 2,000-member set (not an intset) returns every member once over several calls.
async fn sscan_pages_a_big_set<D: Db>(db: D) {
    let k = b("big");
    let all: Vec<Bytes> = (0..2000).map(|i| b(format!("m{i}"))).collect();
    assert_eq!(sets::sadd(&db, DB0, k.clone(), all.clone()).await, Ok(2000));
    let options = || ScanOptions {
        count: 97,
        ..ScanOptions::default()
    };
    let (mut cursor, mut seen, mut calls) = (0, Vec::new(), 0);
    loop {
        let (next, page) = sets::sscan(&db, DB0, &k, cursor, options(), Thresholds::DEFAULT)
            .await
            .expect("a set");
        assert!(page.len() <= 97, "{} members in one call", page.len());
        seen.extend(page);
        calls += 1;
        if next == 0 {
            break;
        }
        cursor = next;
    }
    assert_eq!(calls, 2000_usize.div_ceil(97));
    assert_eq!(sorted(seen), sorted(all));
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        /// The set checks, run on this strategy.
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] sadd_srem_sismember_round_trip,
                #[tokio::test] smove_moves_one_member,
                #[tokio::test(start_paused = true)] store_forms_write_the_destination,
                #[tokio::test] spop_count_removes_exactly_what_it_returns,
                #[tokio::test(start_paused = true)] a_set_keeps_its_ttl_until_the_deadline,
                #[tokio::test] set_writes_keep_no_byte_of_the_read_buffer,
                #[tokio::test] sscan_pages_a_big_set,
            }
        }
    };
}

for_each_strategy!(stamp);

//! The hash family's conformance checks, and `SORT ... STORE`'s, stamped
//! per strategy as in `main.rs`: `hashes::<strategy>::<check>`. They call
//! `sharedkv-commands`' typed hash and sort functions on database 0,
//! except the copy-rule check, which drives the command layer itself.

use super::*;
use sharedkv_testsuite::commands::keyspace::ScanOptions;
use sharedkv_testsuite::commands::sort::{self, SortOptions, SortOutcome};
use sharedkv_testsuite::commands::{Thresholds, hashes};
use sharedkv_testsuite::db::{Entry, List, Value};

const DB0: DbIndex = DbIndex::ZERO;

fn fields(words: &[&str]) -> Vec<Bytes> {
    words.iter().map(b).collect()
}

/// HINCRBY counts from 0 on an absent key or field, adds exactly across both ends of i64, and refuses a non-integer field and overflow without changing the field.
async fn hincr_by_counts_and_refuses<D: Db>(db: D) {
    let (k, n) = (b("h"), b("n"));
    assert_eq!(
        hashes::hincr_by(&db, DB0, k.clone(), n.clone(), 5).await,
        Ok(5)
    );
    assert_eq!(
        hashes::hincr_by(&db, DB0, k.clone(), n.clone(), -7).await,
        Ok(-2)
    );
    assert_eq!(
        hashes::hget(&db, DB0, &k, n.clone()).await,
        Ok(Some(b("-2")))
    );
    assert_eq!(
        hashes::hincr_by(&db, DB0, k.clone(), b("m"), 0).await,
        Ok(0)
    );
    assert_eq!(
        hashes::hget(&db, DB0, &k, b("m")).await,
        Ok(Some(b("0"))),
        "an increment by 0 still writes the field"
    );

    let max = i64::MAX;
    assert_eq!(
        hashes::hincr_by(&db, DB0, k.clone(), b("x"), max).await,
        Ok(max)
    );
    let overflow = hashes::hincr_by(&db, DB0, k.clone(), b("x"), 1).await;
    assert_eq!(overflow, Err(Error::OVERFLOW));
    assert_eq!(
        hashes::hincr_by(&db, DB0, k.clone(), b("x"), i64::MIN).await,
        Ok(-1)
    );
    assert_eq!(
        hashes::hincr_by(&db, DB0, k.clone(), b("y"), i64::MIN).await,
        Ok(i64::MIN)
    );
    assert_eq!(
        hashes::hincr_by(&db, DB0, k.clone(), b("y"), -1).await,
        Err(Error::OVERFLOW)
    );
    assert_eq!(
        hashes::hget(&db, DB0, &k, b("y")).await,
        Ok(Some(b("-9223372036854775808")))
    );

    for bad in ["abc", "", "1.5", "007", " 1", "-0", "9223372036854775808"] {
        hashes::hset(&db, DB0, k.clone(), vec![(b("bad"), b(bad))])
            .await
            .unwrap();
        let err = hashes::hincr_by(&db, DB0, k.clone(), b("bad"), 1)
            .await
            .unwrap_err();
        assert_eq!(err.text(), "ERR hash value is not an integer", "{bad:?}");
        assert_eq!(hashes::hget(&db, DB0, &k, b("bad")).await, Ok(Some(b(bad))));
    }
    set(&db, "str", "1").await;
    assert_eq!(
        hashes::hincr_by(&db, DB0, b("str"), n.clone(), 1).await,
        Err(Error::WRONG_TYPE)
    );
    assert_eq!(value(&db, "str").await, Some(b("1")));
}

/// HINCRBYFLOAT sums in long double and prints as Redis 7.0 does; an infinite increment, a field that is no float and an infinite sum are refused and change nothing, and no empty hash is left behind.
async fn hincr_by_float_sums_like_redis<D: Db>(db: D) {
    let k = b("h");
    let incr = |field: &'static str, by: &'static str| {
        let db = db.clone();
        let k = k.clone();
        async move { hashes::hincr_by_float(&db, DB0, k, b(field), by.as_bytes()).await }
    };
    assert_eq!(incr("f", "10.5").await, Ok(b("10.5")));
    assert_eq!(incr("f", "0.1").await, Ok(b("10.6")));
    assert_eq!(incr("f", "5.0e3").await, Ok(b("5010.60000000000000009")));
    assert_eq!(incr("g", "0x10").await, Ok(b("16")));
    assert_eq!(incr("g", "-16").await, Ok(b("0")));
    hashes::hset(
        &db,
        DB0,
        k.clone(),
        vec![(b("i"), b("9223372036854775807"))],
    )
    .await
    .unwrap();
    assert_eq!(incr("i", "1").await, Ok(b("9223372036854775808")));

    assert_eq!(incr("f", "abc").await, Err(Error::NOT_A_FLOAT));
    assert_eq!(incr("f", "nan").await, Err(Error::NOT_A_FLOAT));
    let inf = incr("f", "inf").await.unwrap_err();
    assert_eq!(inf.text(), "ERR value is NaN or Infinity");
    hashes::hset(
        &db,
        DB0,
        k.clone(),
        vec![(b("x"), b("x")), (b("inf"), b("inf"))],
    )
    .await
    .unwrap();
    let err = incr("x", "1").await.unwrap_err();
    assert_eq!(err.text(), "ERR hash value is not a float");
    let err = incr("inf", "1").await.unwrap_err();
    assert_eq!(err.text(), "ERR increment would produce NaN or Infinity");
    assert_eq!(incr("big", "1e4932").await.map(|t| t.len()), Ok(4933));
    let err = incr("big", "1e4932").await.unwrap_err();
    assert_eq!(err.text(), "ERR increment would produce NaN or Infinity");
    assert_eq!(
        hashes::hget(&db, DB0, &k, b("f")).await,
        Ok(Some(b("5010.60000000000000009")))
    );

    let err = hashes::hincr_by_float(&db, DB0, b("absent"), b("f"), b"inf")
        .await
        .unwrap_err();
    assert_eq!(err.text(), "ERR value is NaN or Infinity");
    assert_eq!(db.exists(&[b("absent")]).await, 0, "no empty hash is left");
}

/// HSETNX sets a field only if the hash lacks it, creating the hash if needed, and refuses another type.
async fn hsetnx_sets_only_absent_fields<D: Db>(db: D) {
    let k = b("h");
    assert_eq!(
        hashes::hsetnx(&db, DB0, k.clone(), b("f"), b("1")).await,
        Ok(true)
    );
    assert_eq!(
        hashes::hsetnx(&db, DB0, k.clone(), b("f"), b("2")).await,
        Ok(false)
    );
    assert_eq!(
        hashes::hsetnx(&db, DB0, k.clone(), b("g"), b("3")).await,
        Ok(true)
    );
    assert_eq!(hashes::hget(&db, DB0, &k, b("f")).await, Ok(Some(b("1"))));
    let mut all = hashes::hgetall(&db, DB0, &k).await.unwrap();
    all.sort();
    assert_eq!(all, vec![(b("f"), b("1")), (b("g"), b("3"))]);
    set(&db, "str", "v").await;
    assert_eq!(
        hashes::hsetnx(&db, DB0, b("str"), b("f"), b("1")).await,
        Err(Error::WRONG_TYPE)
    );
    assert_eq!(value(&db, "str").await, Some(b("v")));
}

/// HMGET answers one value per field in order, repeats included, nil for absent fields and for an absent hash, and WRONGTYPE for a string.
async fn hmget_answers_per_field<D: Db>(db: D) {
    let k = b("h");
    hashes::hset(
        &db,
        DB0,
        k.clone(),
        vec![(b("a"), b("1")), (b("b"), b("2"))],
    )
    .await
    .unwrap();
    assert_eq!(
        hashes::hmget(&db, DB0, &k, fields(&["b", "zz", "a", "b"])).await,
        Ok(vec![Some(b("2")), None, Some(b("1")), Some(b("2"))])
    );
    assert_eq!(
        hashes::hmget(&db, DB0, &b("absent"), fields(&["a", "b"])).await,
        Ok(vec![None, None])
    );
    set(&db, "str", "v").await;
    assert_eq!(
        hashes::hmget(&db, DB0, &b("str"), fields(&["a"])).await,
        Err(Error::WRONG_TYPE)
    );
}

/// HINCRBY, HINCRBYFLOAT and HSETNX change a hash in place and keep its TTL; at the deadline the hash is gone and a counter starts again from 0.
async fn hash_counters_keep_the_ttl<D: Db>(db: D) {
    let k = b("h");
    hashes::hset(&db, DB0, k.clone(), vec![(b("n"), b("1"))])
        .await
        .unwrap();
    assert!(
        db.expire(
            &k,
            Instant::now() + TEN_S,
            keyspace::ExpireCondition::ALWAYS
        )
        .await
    );
    assert_eq!(
        hashes::hincr_by(&db, DB0, k.clone(), b("n"), 1).await,
        Ok(2)
    );
    assert_eq!(
        hashes::hincr_by_float(&db, DB0, k.clone(), b("f"), b"1.5").await,
        Ok(b("1.5"))
    );
    assert_eq!(
        hashes::hsetnx(&db, DB0, k.clone(), b("g"), b("v")).await,
        Ok(true)
    );
    assert_eq!(db.ttl(&k).await, Ttl::Expires(TEN_S));
    tokio::time::advance(TEN_S).await;
    assert_eq!(hashes::hget(&db, DB0, &k, b("n")).await, Ok(None));
    assert_eq!(
        hashes::hincr_by(&db, DB0, k.clone(), b("n"), 1).await,
        Ok(1)
    );
    assert_eq!(db.ttl(&k).await, Ttl::Persistent, "a new hash, no TTL");
}

/// The hash write commands keep no byte of the request's read buffer: keys, fields and values are copied before they are stored.
async fn hash_writes_keep_no_byte_of_the_read_buffer<D: Db>(db: D) {
    let v80 = "v".repeat(80);
    #[rustfmt::skip]
    let requests: &[(&[&str], &str)] = &[
        (&["HSET", "h1", "a", "1", "bb", &v80], ":2\r\n"),
        (&["HSETNX", "h2", "f", "v"], ":1\r\n"),
        (&["HMSET", "h3", "x", "y"], "+OK\r\n"),
        (&["HINCRBY", "h4", "n", "41"], ":41\r\n"),
        (&["HINCRBYFLOAT", "h5", "f", "1.5"], "$3\r\n1.5\r\n"),
        (&["HDEL", "h1", "a", "zz"], ":1\r\n"),
        (&["HINCRBY", "h1", "c", "1"], ":1\r\n"),
        (&["SORT", "src", "BY", "h*->n", "GET", "#", "STORE", "sorted"], ":2\r\n"),
    ];
    put_list(&db, "src", &["4", "5"]).await;
    let (buffer, argvs, freed) = one_read_buffer(requests);
    run_requests(&db, requests, argvs).await;
    assert_freed(buffer, &freed, "key, field or value").await;
    let mut h1 = hashes::hgetall(&db, DB0, &b("h1")).await.unwrap();
    h1.sort();
    assert_eq!(h1, vec![(b("bb"), b(&v80)), (b("c"), b("1"))]);
    assert_eq!(stored_list(&db, "sorted").await, Some(fields(&["5", "4"])));
}

// ----------------------------------------------------------- SORT ... STORE

/// Puts a list under `key`, as the list commands would.
async fn put_list<D: Db>(db: &D, key: &str, items: &[&str]) {
    let list: List = items.iter().map(b).collect();
    db.update(DB0, &b(key), move |slot| {
        slot.put(Entry::new(Value::List(Box::new(list.clone()))))
    })
    .await;
}

/// The list stored under `key`, if it holds one.
async fn stored_list<D: Db>(db: &D, key: &str) -> Option<Vec<Bytes>> {
    db.read(DB0, &b(key), |e| match e.map(|e| &e.value) {
        Some(Value::List(list)) => Some(list.iter().cloned().collect()),
        _ => None,
    })
    .await
}

fn store(dst: &str) -> SortOptions {
    SortOptions {
        store: Some(b(dst)),
        ..SortOptions::default()
    }
}

/// SORT ... STORE writes the sorted elements (or their GETs) as a list, replacing a value of any type and its TTL, and deletes the destination when the result is empty.
async fn sort_store_writes_a_list<D: Db>(db: D) {
    put_list(&db, "l", &["3", "1", "2"]).await;
    db.mset(vec![
        (b("w_1"), b("30")),
        (b("w_2"), b("20")),
        (b("w_3"), b("10")),
    ])
    .await;
    hashes::hset(&db, DB0, b("dst"), vec![(b("f"), b("v"))])
        .await
        .unwrap();
    assert!(
        db.expire(
            &b("dst"),
            Instant::now() + TEN_S,
            keyspace::ExpireCondition::ALWAYS
        )
        .await
    );
    assert_eq!(
        sort::sort(&db, DB0, b("l"), store("dst")).await,
        Ok(SortOutcome::Stored(3))
    );
    assert_eq!(
        stored_list(&db, "dst").await,
        Some(fields(&["1", "2", "3"]))
    );
    assert_eq!(db.ttl(&b("dst")).await, Ttl::Persistent);

    let by_weight = SortOptions {
        by: Some(b("w_*")),
        get: vec![b("#"), b("w_*"), b("nothing_*")],
        ..store("dst")
    };
    assert_eq!(
        sort::sort(&db, DB0, b("l"), by_weight).await,
        Ok(SortOutcome::Stored(9))
    );
    assert_eq!(
        stored_list(&db, "dst").await,
        Some(fields(&["3", "10", "", "2", "20", "", "1", "30", ""]))
    );

    // Into itself.
    let desc = SortOptions {
        desc: true,
        ..store("l")
    };
    assert_eq!(
        sort::sort(&db, DB0, b("l"), desc).await,
        Ok(SortOutcome::Stored(3))
    );
    assert_eq!(stored_list(&db, "l").await, Some(fields(&["3", "2", "1"])));

    // An empty result deletes the destination.
    let none = SortOptions {
        limit: Some((5, 10)),
        ..store("dst")
    };
    assert_eq!(
        sort::sort(&db, DB0, b("l"), none).await,
        Ok(SortOutcome::Stored(0))
    );
    assert_eq!(db.exists(&[b("dst")]).await, 0);
    set(&db, "dst", "x").await;
    assert_eq!(
        sort::sort(&db, DB0, b("absent"), store("dst")).await,
        Ok(SortOutcome::Stored(0))
    );
    assert_eq!(db.exists(&[b("dst")]).await, 0);

    // The key to sort must be a list, a set or a sorted set; nothing is stored otherwise.
    set(&db, "str", "x").await;
    assert_eq!(
        sort::sort(&db, DB0, b("str"), store("dst")).await,
        Err(Error::WRONG_TYPE)
    );
    put_list(&db, "words", &["b", "a"]).await;
    assert_eq!(
        sort::sort(&db, DB0, b("words"), store("dst"))
            .await
            .unwrap_err()
            .text(),
        "ERR One or more scores can't be converted into double"
    );
    assert_eq!(db.exists(&[b("dst")]).await, 0);
}

/// SORT ... STORE over more pattern keys than one step may name reads them in batches and stores the same list.
async fn sort_store_in_batches<D: Db>(db: D) {
    let n = sort::ATOMIC_LOOKUPS + 5;
    let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    put_list(&db, "big", &refs).await;
    // Weights that reverse the order.
    let pairs = (0..n)
        .map(|i| (b(format!("w{i}")), b((n - i).to_string())))
        .collect();
    db.mset(pairs).await;
    let options = SortOptions {
        by: Some(b("w*")),
        get: vec![b("#"), b("w*")],
        limit: Some((0, 4)),
        ..store("dst")
    };
    assert_eq!(
        sort::sort(&db, DB0, b("big"), options).await,
        Ok(SortOutcome::Stored(8))
    );
    let expected: Vec<Bytes> = (1..=4)
        .flat_map(|k| [b((n - k).to_string()), b(k.to_string())])
        .collect();
    assert_eq!(stored_list(&db, "dst").await, Some(expected));
}

/// A paged HSCAN of a 2,000-field hash (past the listpack limits) returns every field once, with its value, over several calls.
async fn hscan_pages_a_big_hash<D: Db>(db: D) {
    let k = b("big");
    let pairs: Vec<(Bytes, Bytes)> = (0..2000)
        .map(|i| (b(format!("f{i}")), b(format!("v{i}"))))
        .collect();
    assert_eq!(
        hashes::hset(&db, DB0, k.clone(), pairs.clone()).await,
        Ok(2000)
    );
    let options = || ScanOptions {
        count: 97,
        ..ScanOptions::default()
    };
    let (mut cursor, mut seen, mut calls) = (0, Vec::new(), 0);
    loop {
        let (next, page) = hashes::hscan(&db, DB0, &k, cursor, options(), Thresholds::DEFAULT)
            .await
            .expect("a hash");
        assert!(page.len() <= 97, "{} pairs in one call", page.len());
        seen.extend(page);
        calls += 1;
        if next == 0 {
            break;
        }
        cursor = next;
    }
    assert_eq!(calls, 2000_usize.div_ceil(97));
    seen.sort();
    let mut expected = pairs;
    expected.sort();
    assert_eq!(seen, expected);
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        /// The hash checks, run on this strategy.
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] hincr_by_counts_and_refuses,
                #[tokio::test] hincr_by_float_sums_like_redis,
                #[tokio::test] hsetnx_sets_only_absent_fields,
                #[tokio::test] hmget_answers_per_field,
                #[tokio::test(start_paused = true)] hash_counters_keep_the_ttl,
                #[tokio::test] hash_writes_keep_no_byte_of_the_read_buffer,
                #[tokio::test(start_paused = true)] sort_store_writes_a_list,
                #[tokio::test] sort_store_in_batches,
                #[tokio::test] hscan_pages_a_big_hash,
            }
        }
    };
}

for_each_strategy!(stamp);

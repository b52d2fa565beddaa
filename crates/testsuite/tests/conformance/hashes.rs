//! The hash family's conformance checks, and `SORT ... STORE`'s, stamped
//! per strategy as in `main.rs`: `hashes::<strategy>::<check>`. They call
//! `sharedkv-commands`' typed hash and sort functions on database 0,
//! except the copy-rule check, which drives the command layer itself.

use super::*;
use sharedkv_testsuite::commands::hashes;

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
    ];
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
    for ((words, expected), spans) in requests.iter().zip(spans) {
        let argv: Vec<Bytes> = spans.into_iter().map(|r| buffer.slice(r)).collect();
        let id = find(&argv)
            .expect("a data command")
            .expect("a valid request");
        let mut out = BytesMut::new();
        let mut cx = Ctx {
            db: &db,
            selected: DB0,
            reply: Reply::new(&mut out, 0),
        };
        if let Err(e) = run(id, &mut cx, argv).await {
            cx.reply.error(&e);
        }
        assert_eq!(String::from_utf8_lossy(&out), *expected, "{words:?}");
    }
    drop(buffer);
    for _ in 0..1000 {
        if freed.load(Ordering::Acquire) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert!(
        freed.load(Ordering::Acquire),
        "a stored key, field or value still points into the read buffer"
    );
    let mut h1 = hashes::hgetall(&db, DB0, &b("h1")).await.unwrap();
    h1.sort();
    assert_eq!(h1, vec![(b("bb"), b(&v80)), (b("c"), b("1"))]);
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
            }
        }
    };
}

for_each_strategy!(stamp);

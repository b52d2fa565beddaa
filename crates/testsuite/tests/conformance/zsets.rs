//! The sorted-set family's conformance checks, stamped per strategy as in
//! `main.rs`: `zsets::<strategy>::<check>`. They call `sharedkv-commands`'
//! typed sorted-set functions on database 0, except the copy-rule check,
//! which drives the command layer itself.

use super::*;
use sharedkv_testsuite::commands::zsets::{
    self, Aggregate, Combine, End, Popped, RangeBy, RangeQuery, ScoreRange, SetOp, ZAddOptions,
};

const DB0: DbIndex = DbIndex::ZERO;

fn scored(pairs: &[(&str, f64)]) -> Vec<(Bytes, f64)> {
    pairs.iter().map(|&(m, s)| (b(m), s)).collect()
}

async fn add<D: Db>(db: &D, key: &str, pairs: &[(f64, &str)]) -> usize {
    let pairs = pairs.iter().map(|&(s, m)| (s, b(m))).collect();
    zsets::zadd(db, DB0, b(key), ZAddOptions::default(), pairs)
        .await
        .expect("a sorted set")
}

async fn all<D: Db>(db: &D, key: &str) -> Vec<(Bytes, f64)> {
    let query = RangeQuery {
        by: RangeBy::Rank { start: 0, stop: -1 },
        rev: false,
        limit: None,
    };
    zsets::zrange(db, DB0, &b(key), query)
        .await
        .expect("a sorted set")
}

/// ZADD adds members and updates scores, ZSCORE reads each back, and ZRANGE returns them ordered by score then member, by rank and by score, both ways.
async fn zadd_zscore_zrange_round_trip<D: Db>(db: D) {
    assert_eq!(
        add(&db, "z", &[(2.0, "b"), (1.0, "a"), (2.0, "aa")]).await,
        3
    );
    assert_eq!(
        add(&db, "z", &[(3.0, "c"), (0.5, "b")]).await,
        1,
        "b is updated"
    );
    assert_eq!(
        zsets::zscore(&db, DB0, &b("z"), b("b")).await,
        Ok(Some(0.5))
    );
    assert_eq!(zsets::zscore(&db, DB0, &b("z"), b("x")).await, Ok(None));
    assert_eq!(zsets::zcard(&db, DB0, &b("z")).await, Ok(4));
    assert_eq!(
        all(&db, "z").await,
        scored(&[("b", 0.5), ("a", 1.0), ("aa", 2.0), ("c", 3.0)])
    );
    let by_score = RangeQuery {
        by: RangeBy::Score(ScoreRange {
            min: 1.0,
            min_excluded: true,
            max: f64::INFINITY,
            max_excluded: false,
        }),
        rev: true,
        limit: Some((0, 1)),
    };
    assert_eq!(
        zsets::zrange(&db, DB0, &b("z"), by_score).await,
        Ok(scored(&[("c", 3.0)]))
    );
    assert_eq!(
        zsets::zrank(&db, DB0, &b("z"), b("aa"), false).await,
        Ok(Some(2))
    );
    assert_eq!(
        zsets::zrank(&db, DB0, &b("z"), b("aa"), true).await,
        Ok(Some(1))
    );
    let xx = ZAddOptions {
        condition: Some(zsets::Condition::Xx),
        ..ZAddOptions::default()
    };
    assert_eq!(
        zsets::zadd(&db, DB0, b("none"), xx, vec![(1.0, b("a"))]).await,
        Ok(0)
    );
    assert_eq!(db.exists(&[b("none")]).await, 0, "XX creates no key");
    set(&db, "s", "v").await;
    assert_eq!(
        zsets::zadd(
            &db,
            DB0,
            b("s"),
            ZAddOptions::default(),
            vec![(1.0, b("a"))]
        )
        .await,
        Err(Error::WRONG_TYPE)
    );
    assert_eq!(value(&db, "s").await, Some(b("v")));
}

/// ZINCRBY starts a member (and a key) from 0, adds exactly, and a NaN sum fails and changes nothing.
async fn zincrby_adds_to_scores<D: Db>(db: D) {
    let incr = |by: f64, member: &str| zsets::zincrby(&db, DB0, b("z"), by, b(member));
    assert_eq!(incr(1.5, "a").await, Ok(1.5));
    assert_eq!(incr(-0.25, "a").await, Ok(1.25));
    assert_eq!(incr(10.0, "b").await, Ok(10.0));
    assert_eq!(incr(f64::INFINITY, "a").await, Ok(f64::INFINITY));
    assert_eq!(
        incr(f64::NEG_INFINITY, "a").await,
        Err(Error::Fixed("ERR resulting score is not a number (NaN)"))
    );
    assert_eq!(
        zsets::zscore(&db, DB0, &b("z"), b("a")).await,
        Ok(Some(f64::INFINITY))
    );
    assert_eq!(
        all(&db, "z").await,
        scored(&[("b", 10.0), ("a", f64::INFINITY)])
    );
    let gt = ZAddOptions {
        comparison: Some(zsets::Comparison::Gt),
        ..ZAddOptions::default()
    };
    assert_eq!(
        zsets::zadd_incr(&db, DB0, b("z"), gt, -1.0, b("b")).await,
        Ok(None),
        "GT stops a decrement"
    );
    assert_eq!(
        zsets::zscore(&db, DB0, &b("z"), b("b")).await,
        Ok(Some(10.0))
    );
}

/// ZPOPMIN pops the lowest scores first, up to its count, ZMPOP pops from the first sorted set that exists, and an emptied sorted set removes its key.
async fn zpopmin_pops_lowest_first_and_removes_the_emptied_key<D: Db>(db: D) {
    add(&db, "z", &[(3.0, "c"), (1.0, "a"), (2.0, "b"), (1.0, "aa")]).await;
    let pop = |keys: &[&str], end, count| {
        let keys = keys.iter().map(b).collect();
        zsets::pop(&db, DB0, keys, end, count)
    };
    assert_eq!(
        pop(&["z"], End::Min, 2).await,
        Ok(Some(Popped {
            key: b("z"),
            elements: scored(&[("a", 1.0), ("aa", 1.0)])
        }))
    );
    assert_eq!(
        pop(&["z"], End::Max, 1)
            .await
            .map(|p| p.map(|p| p.elements)),
        Ok(Some(scored(&[("c", 3.0)])))
    );
    assert_eq!(
        pop(&["none", "z"], End::Min, 10).await,
        Ok(Some(Popped {
            key: b("z"),
            elements: scored(&[("b", 2.0)])
        }))
    );
    assert_eq!(
        db.exists(&[b("z")]).await,
        0,
        "the emptied sorted set is gone"
    );
    assert_eq!(pop(&["z"], End::Min, 1).await, Ok(None));
    assert_eq!(pop(&["z", "none"], End::Max, 1).await, Ok(None));
    set(&db, "s", "v").await;
    add(&db, "y", &[(1.0, "a")]).await;
    assert_eq!(pop(&["s", "y"], End::Min, 1).await, Err(Error::WRONG_TYPE));
    assert_eq!(zsets::zcard(&db, DB0, &b("y")).await, Ok(1));
}

/// ZUNIONSTORE sums (or takes the min or max of) weighted scores, counts plain sets as scores of 1, replaces a destination of any type, and deletes it for an empty union.
async fn zunionstore_combines_and_replaces_the_destination<D: Db>(db: D) {
    add(&db, "z", &[(1.0, "a"), (2.0, "b")]).await;
    add(&db, "y", &[(10.0, "a"), (20.0, "x")]).await;
    set(&db, "d", "v").await;
    let store = |keys: &[&str], how: Combine| {
        let keys = keys.iter().map(b).collect();
        zsets::combine_store(&db, DB0, b("d"), keys, how)
    };
    assert_eq!(store(&["z", "y"], Combine::new(SetOp::Union)).await, Ok(3));
    assert_eq!(
        all(&db, "d").await,
        scored(&[("b", 2.0), ("a", 11.0), ("x", 20.0)])
    );
    let weighted = Combine {
        op: SetOp::Union,
        weights: Some(vec![2.0, 0.5]),
        aggregate: Aggregate::Max,
    };
    assert_eq!(store(&["z", "y"], weighted).await, Ok(3));
    assert_eq!(
        all(&db, "d").await,
        scored(&[("b", 4.0), ("a", 5.0), ("x", 10.0)])
    );
    let mut out = BytesMut::new();
    let mut cx = Ctx {
        db: &db,
        selected: DB0,
        reply: Reply::new(&mut out, 0),
        settings: sharedkv_commands::Settings::defaults(),
    };
    let argv: Vec<Bytes> = ["SADD", "st", "a", "q"].iter().map(b).collect();
    if let Some(Ok(id)) = find(&argv) {
        run(id, &mut cx, argv).await.expect("SADD");
        assert_eq!(store(&["z", "st"], Combine::new(SetOp::Union)).await, Ok(3));
        assert_eq!(
            all(&db, "d").await,
            scored(&[("q", 1.0), ("a", 2.0), ("b", 2.0)])
        );
    }
    assert_eq!(
        store(&["none", "other"], Combine::new(SetOp::Union)).await,
        Ok(0)
    );
    assert_eq!(
        db.exists(&[b("d")]).await,
        0,
        "an empty union deletes the destination"
    );
    assert_eq!(
        store(&["z", "s"], Combine::new(SetOp::Union)).await,
        Ok(2),
        "an absent input is empty"
    );
    set(&db, "s", "v").await;
    assert_eq!(
        store(&["z", "s"], Combine::new(SetOp::Union)).await,
        Err(Error::WRONG_TYPE)
    );
    assert_eq!(
        all(&db, "d").await.len(),
        2,
        "a failed union keeps the destination"
    );
}

/// The sorted-set write commands keep no byte of the request's read buffer: keys and members are copied before they are stored.
async fn zset_writes_keep_no_byte_of_the_read_buffer<D: Db>(db: D) {
    #[rustfmt::skip]
    let requests: &[(&[&str], &str)] = &[
        (&["ZADD", "z1", "1", "a", "2", "bb", "3", "ccc", "4", "dddd"], ":4\r\n"),
        (&["ZINCRBY", "z1", "10", "eeeee"], "$2\r\n10\r\n"),
        (&["ZADD", "z1", "INCR", "1", "a"], "$1\r\n2\r\n"),
        (&["ZREM", "z1", "bb"], ":1\r\n"),
        (&["ZREMRANGEBYSCORE", "z1", "3", "3"], ":1\r\n"),
        (&["ZPOPMIN", "z1"], "*2\r\n$1\r\na\r\n$1\r\n2\r\n"),
        (&["ZRANGESTORE", "z2", "z1", "0", "0"], ":1\r\n"),
        (&["ZUNIONSTORE", "z3", "2", "z1", "z2", "WEIGHTS", "1", "2"], ":2\r\n"),
        (&["ZMPOP", "2", "none", "z3", "MAX"], "*2\r\n$2\r\nz3\r\n*1\r\n*2\r\n$4\r\ndddd\r\n$2\r\n12\r\n"),
        (&["ZRANGE", "z3", "0", "-1", "WITHSCORES"], "*2\r\n$5\r\neeeee\r\n$2\r\n10\r\n"),
    ];
    let (buffer, argvs, freed) = one_read_buffer(requests);
    run_requests(&db, requests, argvs).await;
    assert_freed(buffer, &freed, "key or member").await;
    assert_eq!(
        all(&db, "z1").await,
        scored(&[("dddd", 4.0), ("eeeee", 10.0)])
    );
    assert_eq!(all(&db, "z2").await, scored(&[("dddd", 4.0)]));
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        /// The sorted-set checks, run on this strategy.
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] zadd_zscore_zrange_round_trip,
                #[tokio::test] zincrby_adds_to_scores,
                #[tokio::test] zpopmin_pops_lowest_first_and_removes_the_emptied_key,
                #[tokio::test] zunionstore_combines_and_replaces_the_destination,
                #[tokio::test] zset_writes_keep_no_byte_of_the_read_buffer,
            }
        }
    };
}

for_each_strategy!(stamp);

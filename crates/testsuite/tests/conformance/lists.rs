//! The lists family's conformance checks, stamped per strategy as in
//! `main.rs`: `lists::<strategy>::<check>`. They call `sharedkv-commands`'
//! typed list functions on database 0, except the copy-rule check, which
//! drives the command layer itself.

use super::*;
use sharedkv_testsuite::commands::lists::{self, End};

const DB0: DbIndex = DbIndex::ZERO;

fn elements(words: &[&str]) -> Vec<Bytes> {
    words.iter().map(b).collect()
}

async fn range<D: Db>(db: &D, key: &str) -> Vec<Bytes> {
    lists::lrange(db, DB0, &b(key), 0, -1)
        .await
        .expect("a list")
}

/// Pushes at both ends come back in order from LRANGE, LLEN counts them, and pops with and without a count take them off each end in the order they come off.
async fn push_pop_range_round_trip<D: Db>(db: D) {
    let k = b("l");
    let push = |end, words: &[&str]| lists::push(&db, DB0, k.clone(), end, elements(words));
    assert_eq!(push(End::Right, &["c", "d"]).await, Ok(2));
    assert_eq!(push(End::Left, &["b", "a"]).await, Ok(4));
    assert_eq!(push(End::Right, &["e"]).await, Ok(5));
    assert_eq!(range(&db, "l").await, elements(&["a", "b", "c", "d", "e"]));
    assert_eq!(lists::llen(&db, DB0, &k).await, Ok(5));
    assert_eq!(
        lists::lrange(&db, DB0, &k, -2, 100).await,
        Ok(elements(&["d", "e"]))
    );
    assert_eq!(lists::lindex(&db, DB0, &k, -5).await, Ok(Some(b("a"))));
    assert_eq!(lists::lindex(&db, DB0, &k, 5).await, Ok(None));

    let pop = |end, count| lists::pop(&db, DB0, k.clone(), end, count);
    assert_eq!(pop(End::Left, 1).await, Ok(Some(elements(&["a"]))));
    assert_eq!(pop(End::Right, 2).await, Ok(Some(elements(&["e", "d"]))));
    assert_eq!(pop(End::Left, 0).await, Ok(Some(vec![])), "0 takes nothing");
    assert_eq!(range(&db, "l").await, elements(&["b", "c"]));
    assert_eq!(
        lists::push_existing(&db, DB0, b("none"), End::Left, elements(&["x"])).await,
        Ok(0)
    );
    assert_eq!(db.exists(&[b("none")]).await, 0, "PUSHX created nothing");
    assert_eq!(
        lists::push_existing(&db, DB0, k.clone(), End::Left, elements(&["a"])).await,
        Ok(3)
    );
    assert_eq!(range(&db, "l").await, elements(&["a", "b", "c"]));
}

/// LMOVE moves one element between two lists at each pair of ends, creates the destination, rotates a list onto itself, and refuses a key of another type at either end without losing the element.
async fn lmove_between_two_lists<D: Db>(db: D) {
    lists::push(&db, DB0, b("a"), End::Right, elements(&["1", "2", "3"]))
        .await
        .unwrap();
    let mv = |src: &str, dst: &str, from, to| lists::lmove(&db, DB0, b(src), b(dst), from, to);
    assert_eq!(mv("a", "b", End::Left, End::Right).await, Ok(Some(b("1"))));
    assert_eq!(mv("a", "b", End::Right, End::Left).await, Ok(Some(b("3"))));
    assert_eq!(mv("a", "b", End::Left, End::Left).await, Ok(Some(b("2"))));
    assert_eq!(range(&db, "b").await, elements(&["2", "3", "1"]));
    assert_eq!(db.exists(&[b("a")]).await, 0, "the emptied source is gone");
    assert_eq!(mv("a", "b", End::Left, End::Right).await, Ok(None));
    assert_eq!(db.exists(&[b("a")]).await, 0, "nothing moved, nothing made");

    assert_eq!(mv("b", "b", End::Left, End::Right).await, Ok(Some(b("2"))));
    assert_eq!(range(&db, "b").await, elements(&["3", "1", "2"]));
    assert_eq!(mv("b", "b", End::Right, End::Left).await, Ok(Some(b("2"))));
    assert_eq!(range(&db, "b").await, elements(&["2", "3", "1"]));

    set(&db, "s", "v").await;
    assert_eq!(
        mv("b", "s", End::Left, End::Left).await,
        Err(Error::WRONG_TYPE)
    );
    assert_eq!(
        mv("s", "b", End::Left, End::Left).await,
        Err(Error::WRONG_TYPE)
    );
    assert_eq!(
        range(&db, "b").await,
        elements(&["2", "3", "1"]),
        "nothing lost"
    );
    assert_eq!(value(&db, "s").await, Some(b("v")));
    assert_eq!(mv("none", "s", End::Left, End::Left).await, Ok(None));
}

/// Every way of taking the last elements of a list (LPOP, RPOP, LMPOP, LMOVE, LREM, LTRIM) removes its key, and pops from an absent list answer None.
async fn pops_from_an_emptied_list_remove_the_key<D: Db>(db: D) {
    let fill = |key: &str| lists::push(&db, DB0, b(key), End::Right, elements(&["x", "y"]));
    fill("l").await.unwrap();
    assert_eq!(
        lists::pop(&db, DB0, b("l"), End::Left, 1).await,
        Ok(Some(elements(&["x"])))
    );
    assert_eq!(
        lists::pop(&db, DB0, b("l"), End::Right, 1).await,
        Ok(Some(elements(&["y"])))
    );
    assert_eq!(db.exists(&[b("l")]).await, 0);
    assert_eq!(lists::pop(&db, DB0, b("l"), End::Left, 1).await, Ok(None));
    assert_eq!(lists::pop(&db, DB0, b("l"), End::Left, 0).await, Ok(None));
    assert_eq!(lists::llen(&db, DB0, &b("l")).await, Ok(0));

    fill("m").await.unwrap();
    let keys = vec![b("none"), b("m")];
    assert_eq!(
        lists::mpop(&db, DB0, keys.clone(), End::Right, 10).await,
        Ok(Some((b("m"), elements(&["y", "x"]))))
    );
    assert_eq!(lists::mpop(&db, DB0, keys, End::Left, 1).await, Ok(None));

    fill("src").await.unwrap();
    for _ in 0..2 {
        lists::lmove(&db, DB0, b("src"), b("dst"), End::Left, End::Left)
            .await
            .unwrap();
    }
    fill("r").await.unwrap();
    assert_eq!(lists::lrem(&db, DB0, b("r"), 0, b("x")).await, Ok(1));
    assert_eq!(lists::lrem(&db, DB0, b("r"), -1, b("y")).await, Ok(1));
    fill("t").await.unwrap();
    lists::ltrim(&db, DB0, b("t"), 2, -1).await.unwrap();

    for gone in ["m", "src", "r", "t"] {
        assert_eq!(db.exists(&[b(gone)]).await, 0, "{gone} is still there");
    }
    assert_eq!(db.len(DB0).await, 1, "only the destination is left");
    assert_eq!(range(&db, "dst").await, elements(&["y", "x"]));
}

/// A list under a TTL keeps it through pushes, in-place changes and a rotation, as in Redis; it is gone from its deadline on, and a push then makes a new list with no TTL.
async fn a_list_keeps_its_ttl_until_the_deadline<D: Db>(db: D) {
    let k = b("l");
    lists::push(&db, DB0, k.clone(), End::Right, elements(&["a"]))
        .await
        .unwrap();
    assert!(
        db.expire(&k, Instant::now() + TEN_S, ExpireCondition::ALWAYS)
            .await
    );
    assert_eq!(
        lists::push(&db, DB0, k.clone(), End::Left, elements(&["b"])).await,
        Ok(2)
    );
    lists::push_existing(&db, DB0, k.clone(), End::Right, elements(&["c"]))
        .await
        .unwrap();
    lists::lset(&db, DB0, k.clone(), 0, b("B")).await.unwrap();
    lists::lmove(&db, DB0, k.clone(), k.clone(), End::Left, End::Right)
        .await
        .unwrap();
    lists::lmove(&db, DB0, b("new"), k.clone(), End::Left, End::Right)
        .await
        .unwrap();
    assert_eq!(db.ttl(&k).await, Ttl::Expires(TEN_S));

    tokio::time::advance(TEN_S - MS).await;
    assert_eq!(range(&db, "l").await, elements(&["a", "c", "B"]));
    tokio::time::advance(MS).await;
    assert_eq!(range(&db, "l").await, Vec::<Bytes>::new());
    assert_eq!(lists::llen(&db, DB0, &k).await, Ok(0));
    assert_eq!(db.exists(std::slice::from_ref(&k)).await, 0);
    assert_eq!(
        lists::push_existing(&db, DB0, k.clone(), End::Left, elements(&["x"])).await,
        Ok(0),
        "PUSHX finds no list after the deadline"
    );
    assert_eq!(
        lists::push(&db, DB0, k.clone(), End::Left, elements(&["z"])).await,
        Ok(1)
    );
    assert_eq!(db.ttl(&k).await, Ttl::Persistent, "a new list, no TTL");
    assert_eq!(range(&db, "l").await, elements(&["z"]));
}

/// The list write commands keep no byte of the request's read buffer: keys and elements are copied before they are stored.
async fn list_writes_keep_no_byte_of_the_read_buffer<D: Db>(db: D) {
    #[rustfmt::skip]
    let requests: &[(&[&str], &str)] = &[
        (&["RPUSH", "l1", "a", "bb", "ccc", "eeeee"], ":4\r\n"),
        (&["LPUSH", "l1", "z"], ":5\r\n"),
        (&["RPUSHX", "l1", "dddd"], ":6\r\n"),
        (&["LPUSHX", "l1", "y"], ":7\r\n"),
        (&["LINSERT", "l1", "BEFORE", "bb", "ins"], ":8\r\n"),
        (&["LSET", "l1", "0", "set"], "+OK\r\n"),
        (&["LREM", "l1", "1", "ccc"], ":1\r\n"),
        (&["LTRIM", "l1", "0", "-2"], "+OK\r\n"),
        (&["LPOP", "l1"], "$3\r\nset\r\n"),
        (&["RPOP", "l1", "1"], "*1\r\n$5\r\neeeee\r\n"),
        (&["LMOVE", "l1", "l2", "LEFT", "RIGHT"], "$1\r\nz\r\n"),
        (&["RPOPLPUSH", "l1", "l3"], "$2\r\nbb\r\n"),
        (&["LMOVE", "l3", "l3", "LEFT", "RIGHT"], "$2\r\nbb\r\n"),
        (&["LMPOP", "2", "none", "l1", "LEFT"], "*2\r\n$2\r\nl1\r\n*1\r\n$1\r\na\r\n"),
        (&["LRANGE", "l1", "0", "-1"], "*1\r\n$3\r\nins\r\n"),
    ];
    let (buffer, argvs, freed) = one_read_buffer(requests);
    run_requests(&db, requests, argvs).await;
    assert_freed(buffer, &freed, "key or element").await;
    assert_eq!(range(&db, "l1").await, elements(&["ins"]));
    assert_eq!(range(&db, "l2").await, elements(&["z"]));
    assert_eq!(range(&db, "l3").await, elements(&["bb"]));
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        /// The list checks, run on this strategy.
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] push_pop_range_round_trip,
                #[tokio::test] lmove_between_two_lists,
                #[tokio::test] pops_from_an_emptied_list_remove_the_key,
                #[tokio::test(start_paused = true)] a_list_keeps_its_ttl_until_the_deadline,
                #[tokio::test] list_writes_keep_no_byte_of_the_read_buffer,
            }
        }
    };
}

for_each_strategy!(stamp);

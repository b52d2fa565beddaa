//! SORT and SORT_RO through the command layer, on lists, sets and sorted
//! sets, with every option; the expected replies are redis-server 7.0.15's.
//! The values are put in place directly, so these tests need no list, set
//! or sorted-set command.

mod support;

use bytes::Bytes;
use sharedkv_db::{Db, DbIndex, Entry, List, Set, SortedSet, Value};
use sharedkv_std_mutex::StdMutexDb;
use support::Session;

const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const NOT_A_DOUBLE: &str = "-ERR One or more scores can't be converted into double\r\n";

async fn put<D: Db>(s: &Session<D>, key: &str, value: Value) {
    let key = Bytes::copy_from_slice(key.as_bytes());
    s.db.update(DbIndex::ZERO, &key, move |slot| {
        slot.put(Entry::new(value.clone()))
    })
    .await;
}

fn list(items: &[&str]) -> Value {
    let list: List = items
        .iter()
        .map(|i| Bytes::copy_from_slice(i.as_bytes()))
        .collect();
    Value::List(Box::new(list))
}

fn set(items: &[&str]) -> Value {
    let set: Set = items
        .iter()
        .map(|i| Bytes::copy_from_slice(i.as_bytes()))
        .collect();
    Value::Set(Box::new(set))
}

fn zset(items: &[(f64, &str)]) -> Value {
    let mut zset = SortedSet::default();
    for (score, member) in items {
        zset.insert(Bytes::copy_from_slice(member.as_bytes()), *score);
    }
    Value::ZSet(Box::new(zset))
}

/// The list stored under `key`, as LRANGE 0 -1 would reply it.
async fn stored<D: Db>(s: &Session<D>, key: &str) -> String {
    let key = Bytes::copy_from_slice(key.as_bytes());
    let items: Option<Vec<Bytes>> =
        s.db.read(DbIndex::ZERO, &key, |e| match e.map(|e| &e.value) {
            Some(Value::List(list)) => Some(list.iter().cloned().collect()),
            _ => None,
        })
        .await;
    let items = items.expect("a list");
    let mut out = format!("*{}\r\n", items.len());
    for item in items {
        out.push_str(&format!("${}\r\n", item.len()));
        out.push_str(&String::from_utf8_lossy(&item));
        out.push_str("\r\n");
    }
    out
}

/// A RESP array of bulk strings, `None` as nil.
fn array(items: &[Option<&str>]) -> String {
    let mut out = format!("*{}\r\n", items.len());
    for item in items {
        match item {
            Some(s) => out.push_str(&format!("${}\r\n{s}\r\n", s.len())),
            None => out.push_str("$-1\r\n"),
        }
    }
    out
}

fn all(items: &[&str]) -> String {
    array(&items.iter().map(|s| Some(*s)).collect::<Vec<_>>())
}

/// The store of the examples: a list, a set, a sorted set, weights, objects and hashes.
async fn fixture() -> Session<StdMutexDb> {
    let mut s = Session::new(StdMutexDb::new());
    put(&s, "l", list(&["3", "1", "2"])).await;
    put(&s, "s", set(&["5", "3", "10", "1"])).await;
    put(
        &s,
        "z",
        zset(&[(1.0, "c"), (2.0, "b"), (3.0, "a"), (3.0, "aa")]),
    )
    .await;
    put(&s, "la", list(&["b", "a", "C", ""])).await;
    s.call(&[
        "MSET", "w_1", "30", "w_2", "20", "w_3", "10", "o_1", "one", "o_2", "two",
    ])
    .await;
    s.call(&["HSET", "h_1", "f", "x"]).await;
    s.call(&["HSET", "h_3", "f", "z"]).await;
    s.call(&["SET", "str", "x"]).await;
    s.call(&["HSET", "hash", "f", "v"]).await;
    s
}

/// Numeric sorts of a list, a set and a sorted set's members, ascending and descending, and ALPHA over strings.
#[tokio::test]
async fn sorts_each_type() {
    let mut s = fixture().await;
    assert_eq!(s.call(&["SORT", "l"]).await, all(&["1", "2", "3"]));
    assert_eq!(s.call(&["SORT", "l", "DESC"]).await, all(&["3", "2", "1"]));
    assert_eq!(
        s.call(&["SORT", "l", "asc", "desc", "ASC"]).await,
        all(&["1", "2", "3"])
    );
    assert_eq!(s.call(&["SORT", "s"]).await, all(&["1", "3", "5", "10"]));
    assert_eq!(
        s.call(&["SORT", "s", "DESC", "LIMIT", "1", "2"]).await,
        all(&["5", "3"])
    );
    assert_eq!(
        s.call(&["SORT", "s", "ALPHA"]).await,
        all(&["1", "10", "3", "5"])
    );
    assert_eq!(
        s.call(&["SORT", "z", "ALPHA"]).await,
        all(&["a", "aa", "b", "c"])
    );
    assert_eq!(s.call(&["SORT", "z"]).await, NOT_A_DOUBLE);
    assert_eq!(
        s.call(&["SORT", "la", "ALPHA"]).await,
        all(&["", "C", "a", "b"])
    );
    assert_eq!(
        s.call(&["SORT", "la", "alpha", "desc"]).await,
        all(&["b", "a", "C", ""])
    );
    assert_eq!(s.call(&["SORT", "la"]).await, NOT_A_DOUBLE);
    assert_eq!(s.call(&["SORT", "missing"]).await, "*0\r\n");
    assert_eq!(
        s.call(&["SORT_RO", "l", "DESC"]).await,
        all(&["3", "2", "1"])
    );
}

/// Numbers are read as strtod reads them, equal scores are ordered by the elements' bytes, and an out-of-range score is an error.
#[tokio::test]
async fn numbers_as_redis_reads_them() {
    let mut s = Session::new(StdMutexDb::new());
    put(
        &s,
        "n",
        list(&["0x10", " 1", "1.0", "1", "-inf", "", "1e3", "+2"]),
    )
    .await;
    assert_eq!(
        s.call(&["SORT", "n"]).await,
        all(&["-inf", "", " 1", "1", "1.0", "+2", "0x10", "1e3"])
    );
    for bad in ["1 ", "nan", "1e400", "1e-310", "abc", "0x"] {
        put(&s, "bad", list(&["1", bad])).await;
        assert_eq!(s.call(&["SORT", "bad"]).await, NOT_A_DOUBLE, "{bad:?}");
    }
    // ALPHA compares bytes: no number is parsed.
    assert_eq!(s.call(&["SORT", "bad", "ALPHA"]).await, all(&["0x", "1"]));
}

/// LIMIT cuts the window as Redis 7.0 clamps it; its errors come while the options are read, before the key's type.
#[tokio::test]
async fn limit_windows_and_errors() {
    let mut s = Session::new(StdMutexDb::new());
    put(&s, "l", list(&["3", "1", "2", "10", "-5"])).await;
    s.call(&["SET", "str", "x"]).await;
    for (limit, expected) in [
        (["1", "2"], &["1", "2"][..]),
        (["-5", "2"], &["-5", "1"]),
        (["1", "-1"], &["1", "2", "3", "10"]),
        (["2", "9223372036854775807"], &["2", "3", "10"]),
        (["-9223372036854775808", "2"], &["-5", "1"]),
        (["5", "1"], &[]),
        (["4", "-5"], &["10"]),
        (["0", "-9223372036854775808"], &["-5", "1", "2", "3", "10"]),
        (["9223372036854775807", "9223372036854775807"], &[]),
        (["0", "0"], &[]),
    ] {
        let reply = s.call(&["SORT", "l", "LIMIT", limit[0], limit[1]]).await;
        assert_eq!(reply, all(expected), "LIMIT {limit:?}");
    }
    let not_int = "-ERR value is not an integer or out of range\r\n";
    let syntax = "-ERR syntax error\r\n";
    for (request, expected) in [
        (&["SORT", "l", "LIMIT", "a", "1"][..], not_int),
        (&["SORT", "l", "LIMIT", "1", "9223372036854775808"], not_int),
        (&["SORT", "str", "LIMIT", "a", "1"], not_int),
        (&["SORT", "l", "LIMIT", "1"], syntax),
        (&["SORT", "l", "FOO"], syntax),
        (&["SORT", "str", "FOO"], syntax),
        (&["SORT", "l", "BY"], syntax),
        (&["SORT", "l", "GET"], syntax),
        (&["SORT", "l", "STORE"], syntax),
        (&["SORT_RO", "l", "STORE", "dst"], syntax),
        (&["SORT", "str"], WRONGTYPE),
        (&["SORT", "str", "BY", "nosort", "STORE", "dst"], WRONGTYPE),
    ] {
        assert_eq!(s.call(request).await, expected, "{request:?}");
    }
    let hash_wrongtype = s.call(&["HSET", "h", "f", "v"]).await;
    assert_eq!(hash_wrongtype, ":1\r\n");
    assert_eq!(s.call(&["SORT", "h"]).await, WRONGTYPE);
    assert_eq!(s.call(&["EXISTS", "dst"]).await, ":0\r\n");
}

/// BY sorts by the strings and hash fields a pattern names (absent ones as 0, or first with ALPHA), GET replaces each element by what its patterns name, and # is the element.
#[tokio::test]
async fn by_and_get_patterns() {
    let mut s = fixture().await;
    assert_eq!(
        s.call(&["SORT", "l", "BY", "w_*"]).await,
        all(&["3", "2", "1"])
    );
    assert_eq!(
        s.call(&["SORT", "l", "BY", "w_*", "DESC"]).await,
        all(&["1", "2", "3"])
    );
    assert_eq!(
        s.call(&["SORT", "l", "BY", "w_*", "GET", "o_*"]).await,
        array(&[None, Some("two"), Some("one")])
    );
    assert_eq!(
        s.call(&[
            "SORT", "l", "BY", "w_*", "GET", "#", "GET", "o_*", "GET", "h_*->f"
        ])
        .await,
        array(&[
            Some("3"),
            None,
            Some("z"),
            Some("2"),
            Some("two"),
            None,
            Some("1"),
            Some("one"),
            Some("x"),
        ])
    );
    assert_eq!(
        s.call(&["SORT", "l", "GET", "h_*->f"]).await,
        array(&[Some("x"), None, Some("z")])
    );
    // Absent by-keys: all 0, so the elements decide.
    assert_eq!(
        s.call(&["SORT", "l", "BY", "nokey_*"]).await,
        all(&["1", "2", "3"])
    );
    assert_eq!(
        s.call(&["SORT", "l", "BY", "w_*->"]).await,
        all(&["1", "2", "3"])
    );
    // ALPHA by hash fields: the absent one first.
    assert_eq!(
        s.call(&["SORT", "l", "BY", "h_*->f", "ALPHA"]).await,
        all(&["2", "1", "3"])
    );
    assert_eq!(s.call(&["SORT", "l", "BY", "h_*->f"]).await, NOT_A_DOUBLE);
    assert_eq!(
        s.call(&["SORT", "l", "BY", "o_*", "ALPHA"]).await,
        all(&["3", "1", "2"])
    );
    // ALPHA ties keep the list's order, DESC included.
    assert_eq!(
        s.call(&["SORT", "l", "BY", "nokey_*", "ALPHA", "DESC"])
            .await,
        all(&["3", "1", "2"])
    );
    // A pattern without `*` names nothing; a key of the wrong type is nil.
    assert_eq!(
        s.call(&["SORT", "l", "GET", "nostar", "GET", "#"]).await,
        array(&[None, Some("1"), None, Some("2"), None, Some("3")])
    );
    s.call(&["HSET", "k_2->", "", "y"]).await;
    s.call(&["SET", "k_3->", "kk"]).await;
    assert_eq!(
        s.call(&["SORT", "l", "GET", "k_*->"]).await,
        array(&[None, None, Some("kk")])
    );
    assert_eq!(
        s.call(&["SORT", "l", "GET", "hash"]).await,
        array(&[None, None, None])
    );
    assert_eq!(
        s.call(&["SORT", "l", "GET", "o_*", "GET", "o_*", "LIMIT", "0", "2"])
            .await,
        array(&[Some("one"), Some("one"), Some("two"), Some("two")])
    );
}

/// BY without `*` keeps a list's and a sorted set's order (DESC reverses it, LIMIT cuts it) and a set's; a later BY with `*` does not bring sorting back.
#[tokio::test]
async fn by_nosort_keeps_the_order() {
    let mut s = fixture().await;
    assert_eq!(
        s.call(&["SORT", "l", "BY", "nosort"]).await,
        all(&["3", "1", "2"])
    );
    assert_eq!(
        s.call(&["SORT", "l", "BY", "nosort", "DESC"]).await,
        all(&["2", "1", "3"])
    );
    assert_eq!(
        s.call(&["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "5"])
            .await,
        all(&["1", "3"])
    );
    assert_eq!(
        s.call(&["SORT", "l", "BY", "nosort", "LIMIT", "1", "1"])
            .await,
        all(&["1"])
    );
    assert_eq!(
        s.call(&["SORT", "l", "BY", "nosort", "BY", "w_*"]).await,
        all(&["3", "1", "2"])
    );
    assert_eq!(
        s.call(&["SORT", "l", "BY", "w_*", "BY", "nosort"]).await,
        all(&["3", "1", "2"])
    );
    assert_eq!(
        s.call(&["SORT", "z", "BY", "nosort"]).await,
        all(&["c", "b", "a", "aa"])
    );
    assert_eq!(
        s.call(&["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"])
            .await,
        all(&["a", "b"])
    );
    assert_eq!(
        s.call(&["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"])
            .await,
        all(&["b", "a"])
    );
    let set_order = s.call(&["SORT", "s", "BY", "nosort"]).await;
    assert!(set_order.starts_with("*4\r\n"), "{set_order:?}");
    assert_eq!(
        s.call(&["SORT", "l", "BY", "nosort", "GET", "#", "GET", "w_*"])
            .await,
        all(&["3", "10", "1", "30", "2", "20"])
    );
}

/// STORE writes a list (GET's nils as empty strings), replaces any type and any TTL, deletes the destination for an empty result, and sorts a set ALPHA when nothing else sorts it.
#[tokio::test]
async fn store_writes_a_list() {
    let mut s = fixture().await;
    assert_eq!(
        s.call(&["SORT", "l", "BY", "w_*", "STORE", "dst"]).await,
        ":3\r\n"
    );
    assert_eq!(stored(&s, "dst").await, all(&["3", "2", "1"]));
    assert_eq!(
        s.call(&["SORT", "l", "GET", "o_*", "STORE", "dst"]).await,
        ":3\r\n"
    );
    assert_eq!(stored(&s, "dst").await, all(&["one", "two", ""]));
    assert_eq!(
        s.call(&["SORT", "s", "BY", "nosort", "STORE", "dst"]).await,
        ":4\r\n"
    );
    assert_eq!(stored(&s, "dst").await, all(&["1", "10", "3", "5"]));
    s.call(&["SET", "dst", "x", "EX", "100"]).await;
    assert_eq!(s.call(&["SORT", "l", "STORE", "dst"]).await, ":3\r\n");
    assert_eq!(s.call(&["TYPE", "dst"]).await, "+list\r\n");
    assert_eq!(s.call(&["TTL", "dst"]).await, ":-1\r\n");
    assert_eq!(
        s.call(&["SORT", "l", "LIMIT", "0", "0", "STORE", "dst"])
            .await,
        ":0\r\n"
    );
    assert_eq!(s.call(&["EXISTS", "dst"]).await, ":0\r\n");
    s.call(&["SET", "dst", "x"]).await;
    assert_eq!(s.call(&["SORT", "missing", "STORE", "dst"]).await, ":0\r\n");
    assert_eq!(s.call(&["EXISTS", "dst"]).await, ":0\r\n");
    // Sorting a list into itself.
    assert_eq!(s.call(&["SORT", "l", "DESC", "STORE", "l"]).await, ":3\r\n");
    assert_eq!(stored(&s, "l").await, all(&["3", "2", "1"]));
    // GET counts: two per element.
    assert_eq!(
        s.call(&["SORT", "l", "GET", "#", "GET", "w_*", "STORE", "dst"])
            .await,
        ":6\r\n"
    );
    assert_eq!(
        stored(&s, "dst").await,
        all(&["1", "30", "2", "20", "3", "10"])
    );
    // With STORE, ALPHA compares whole bytes; without, up to a NUL.
    put(&s, "nul", list(&["a\0b", "a", "\0", ""])).await;
    assert_eq!(
        s.call(&["SORT", "nul", "ALPHA"]).await,
        all(&["\0", "", "a\0b", "a"])
    );
    assert_eq!(
        s.call(&["SORT", "nul", "ALPHA", "STORE", "dst"]).await,
        ":4\r\n"
    );
    assert_eq!(stored(&s, "dst").await, all(&["", "\0", "a", "a\0b"]));
}

/// Many GETs over a long list make a reply far larger than the request: it is cut off at the output limit.
#[tokio::test]
async fn a_huge_reply_is_cut_off() {
    use bytes::BytesMut;
    use sharedkv_commands::{Ctx, Reply, find, run};
    let s = Session::new(StdMutexDb::new());
    let items: Vec<String> = (0..10_000).map(|i| format!("{i:0>100}")).collect();
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    put(&s, "long", list(&refs)).await;
    let mut argv = vec![Bytes::from_static(b"SORT"), Bytes::from_static(b"long")];
    for _ in 0..1000 {
        argv.push(Bytes::from_static(b"GET"));
        argv.push(Bytes::from_static(b"#"));
    }
    let id = find(&argv).expect("a data command").expect("valid");
    let mut out = BytesMut::new();
    let mut cx = Ctx {
        db: &s.db,
        selected: DbIndex::ZERO,
        reply: Reply::new(&mut out, 1 << 20),
        settings: sharedkv_commands::Settings::defaults(),
    };
    run(id, &mut cx, argv).await.expect("no error");
    assert!(cx.reply.was_cut_off());
    assert!(out.len() < 2 << 20, "{} bytes", out.len());
}

/// Past the keys one step may name, SORT reads its pattern keys in batches, with the same answer.
#[tokio::test]
async fn many_pattern_keys_are_read_in_batches() {
    let mut s = Session::new(StdMutexDb::new());
    let n = sharedkv_commands::sort::ATOMIC_LOOKUPS + 10;
    let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    put(&s, "big", list(&refs)).await;
    // Weights that reverse the order, for every other element.
    let pairs: Vec<(Bytes, Bytes)> = (0..n)
        .step_by(2)
        .map(|i| {
            (
                Bytes::from(format!("w{i}")),
                Bytes::from((n - i).to_string()),
            )
        })
        .collect();
    sharedkv_commands::strings::mset(&s.db, DbIndex::ZERO, pairs).await;
    let reply = s
        .call(&["SORT", "big", "BY", "w*", "GET", "w*", "LIMIT", "0", "3"])
        .await;
    // The odd elements have no weight (0) and come first, by their value.
    assert_eq!(reply, array(&[None, None, None]));
    let reply = s
        .call(&[
            "SORT", "big", "BY", "w*", "DESC", "GET", "#", "GET", "w*", "LIMIT", "0", "2",
        ])
        .await;
    let first = n.to_string();
    let second = (n - 2).to_string();
    assert_eq!(
        reply,
        array(&[Some("0"), Some(&first), Some("2"), Some(&second)])
    );
}

/// SORT_RO sorts as SORT does, and SORT's typed form answers the same.
#[tokio::test]
async fn typed_sort_matches_the_command() {
    use sharedkv_commands::sort::{SortOptions, SortOutcome, sort};
    let s = fixture().await;
    let options = SortOptions {
        by: Some(Bytes::from_static(b"w_*")),
        get: vec![Bytes::from_static(b"#"), Bytes::from_static(b"o_*")],
        ..SortOptions::default()
    };
    let b = |t: &'static str| Some(Bytes::from_static(t.as_bytes()));
    assert_eq!(
        sort(&s.db, DbIndex::ZERO, Bytes::from_static(b"l"), options).await,
        Ok(SortOutcome::Reply(vec![
            b("3"),
            None,
            b("2"),
            b("two"),
            b("1"),
            b("one")
        ]))
    );
    let store = SortOptions {
        store: Some(Bytes::from_static(b"out")),
        desc: true,
        ..SortOptions::default()
    };
    assert_eq!(
        sort(&s.db, DbIndex::ZERO, Bytes::from_static(b"s"), store).await,
        Ok(SortOutcome::Stored(4))
    );
}

/// STORE refuses a list that its GETs would multiply past MAX_STORED, and writes nothing.
#[tokio::test]
async fn store_refuses_a_multiplied_list_too_long() {
    use sharedkv_commands::sort::MAX_STORED;
    let mut s = Session::new(StdMutexDb::new());
    let n = MAX_STORED / 1000 + 1;
    let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    put(&s, "l", list(&refs)).await;
    let mut argv = vec!["SORT", "l", "BY", "nosort"];
    for _ in 0..1000 {
        argv.extend(["GET", "#"]);
    }
    argv.extend(["STORE", "dst"]);
    assert_eq!(
        s.call(&argv).await,
        "-ERR the list SORT would store is too long\r\n"
    );
    assert_eq!(s.call(&["EXISTS", "dst"]).await, ":0\r\n");
    // Storing the elements themselves is never refused.
    assert_eq!(
        s.call(&["SORT", "l", "BY", "nosort", "STORE", "dst"]).await,
        format!(":{n}\r\n")
    );
}

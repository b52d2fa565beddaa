//! `INFO` (every section and field, against redis-server's own output),
//! the per-command statistics (`INFO commandstats`, `errorstats`), and
//! `SLOWLOG` and `LATENCY`, over a real server. Where a reply is
//! deterministic it is compared with redis-server's; without redis-server
//! those comparisons print `SKIPPED` (and fail under `CI`).

mod support;

use sharedkv_resp::Frame;
use sharedkv_testsuite::strategies::{ActorDb, PapayaDb, StdMutexDb};
use support::{RawClient, RedisServer, TestServer, start};

/// Sends a command whose reply is a bulk (or verbatim) string; its text.
async fn text(c: &mut RawClient, args: &[&str]) -> String {
    c.send_command(args).await;
    match c.read_frame().await {
        Frame::Bulk(b) => String::from_utf8(b.to_vec()).expect("utf-8"),
        Frame::Verbatim { text: b, .. } => String::from_utf8(b.to_vec()).expect("utf-8"),
        other => panic!("{args:?}: not a bulk string: {other:?}"),
    }
}

/// Sends a command and returns its whole reply frame.
async fn frame(c: &mut RawClient, args: &[&str]) -> Frame {
    c.send_command(args).await;
    c.read_frame().await
}

/// An `INFO` text as its sections, each with its `key:value` fields, in
/// order.
fn sections(info: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in info.split("\r\n") {
        if let Some(title) = line.strip_prefix("# ") {
            out.push((title.to_owned(), Vec::new()));
        } else if let Some((k, v)) = line.split_once(':') {
            let (_, fields) = out.last_mut().expect("a field before any section");
            fields.push((k.to_owned(), v.to_owned()));
        } else {
            assert!(line.is_empty(), "not a field: {line:?}");
        }
    }
    out
}

fn titles(info: &str) -> Vec<String> {
    sections(info).into_iter().map(|(t, _)| t).collect()
}

/// A field's type as a parser of `INFO` sees it.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Integer,
    Float,
    Text,
}

fn kind(value: &str) -> Kind {
    if value.parse::<i64>().is_ok() {
        Kind::Integer
    } else if value.contains('.') && value.parse::<f64>().is_ok() {
        Kind::Float
    } else {
        Kind::Text
    }
}

/// Sections whose fields depend on what ran (compared elsewhere).
const DYNAMIC: &[&str] = &["Commandstats", "Errorstats", "Latencystats", "Keyspace"];

/// `INFO everything` has redis-server 7.0.15's sections in its order (but
/// `Latencystats`, which is not kept), and in each section every field
/// redis-server prints, in its order, with the same type (integer, float,
/// text).
#[tokio::test]
async fn info_everything_has_every_field_of_redis() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let server = start(StdMutexDb::new()).await;
    let theirs = text(&mut redis.client().await, &["INFO", "everything"]).await;
    let ours = text(&mut server.client().await, &["INFO", "everything"]).await;
    let theirs = sections(&theirs);
    let ours = sections(&ours);
    let their_titles: Vec<&str> = theirs
        .iter()
        .map(|(t, _)| t.as_str())
        .filter(|t| *t != "Latencystats")
        .collect();
    let our_titles: Vec<&str> = ours.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(our_titles, their_titles);
    for (title, their_fields) in &theirs {
        if DYNAMIC.contains(&title.as_str()) {
            continue;
        }
        let (_, our_fields) = ours
            .iter()
            .find(|(t, _)| t == title)
            .unwrap_or_else(|| panic!("no section {title}"));
        let mut last = 0;
        for (key, value) in their_fields {
            let at = our_fields
                .iter()
                .position(|(k, _)| k == key)
                .unwrap_or_else(|| panic!("{title}: no field {key} (redis: {value:?})"));
            let ours = &our_fields[at].1;
            assert_eq!(
                kind(ours),
                kind(value),
                "{title}: {key} is {ours:?} here, {value:?} in redis"
            );
            assert!(at >= last, "{title}: {key} out of Redis's order");
            last = at;
        }
    }
    server.stop().await;
}

/// The sections `INFO` prints for each way of asking, as redis-server
/// prints them (but `Latencystats`): none, `default`, `all`,
/// `everything`, several names, names in any case, unknown names.
#[tokio::test]
async fn info_sections_as_redis_chooses_them() {
    let Some((_redis, server, mut r, mut c)) = beside_redis(StdMutexDb::new()).await else {
        return;
    };
    for args in [
        &["INFO"][..],
        &["INFO", "default"],
        &["INFO", "all"],
        &["INFO", "everything"],
        &["INFO", "server", "clients"],
        &["INFO", "Server"],
        &["INFO", "cpu", "foo"],
        &["INFO", "keyspace", "server"],
        &["INFO", "commandstats"],
        &["INFO", "modules"],
        &["INFO", "foo"],
    ] {
        let theirs: Vec<String> = titles(&text(&mut r, args).await)
            .into_iter()
            .filter(|t| t != "Latencystats")
            .collect();
        assert_eq!(titles(&text(&mut c, args).await), theirs, "{args:?}");
    }
    // Nothing at all for an unknown section, as Redis.
    assert_eq!(text(&mut c, &["INFO", "foo"]).await, "");
    server.stop().await;
}

/// `cmdstat_<name>` lines: the counters as numbers.
fn cmdstats(info: &str) -> Vec<(String, [u64; 3])> {
    sections(info)
        .into_iter()
        .flat_map(|(_, fields)| fields)
        .filter_map(|(k, v)| {
            let name = k.strip_prefix("cmdstat_")?.to_owned();
            let get = |field: &str| -> u64 {
                v.split(',')
                    .find_map(|kv| kv.strip_prefix(&format!("{field}=")))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("{field} in {v}"))
            };
            Some((
                name,
                [get("calls"), get("rejected_calls"), get("failed_calls")],
            ))
        })
        .collect()
}

/// The requests both servers get, one at a time, after `CONFIG RESETSTAT`.
const SEQUENCE: &[&[&str]] = &[
    &["SET", "a", "b"],
    &["GET"],
    &["GET", "a", "b"],
    &["GET", "a"],
    &["LPUSH", "a", "x"],
    &["INCR", "a"],
    &["NOSUCH", "x"],
    &["CLIENT", "NOSUCH"],
    &["CLIENT", "SETNAME"],
    &["CLIENT", "SETNAME", "a b"],
    &["SLOWLOG", "GET", "x"],
    &["SLOWLOG", "LEN"],
    &["LATENCY", "HISTORY"],
    &["AUTH", "x"],
    &["AUTH", "nobody", "x"],
    &["HSET", "h", "f", "v"],
    &["HGET", "h", "f"],
    &["CONFIG", "SET", "nosuch", "1"],
    &["ACL", "WHOAMI"],
];

/// redis-server and sharedkv over `db`, and a client of each; `None`
/// (skipped, or failed under `CI`) without redis-server.
async fn beside_redis<D: sharedkv_db::Db>(
    db: D,
) -> Option<(RedisServer, TestServer, RawClient, RawClient)> {
    let redis = RedisServer::start().await?;
    let server = start(db).await;
    let (r, c) = (redis.client().await, server.client().await);
    Some((redis, server, r, c))
}

/// redis-server and sharedkv over `db`, a client of each, after
/// `CONFIG RESETSTAT` and then `requests` on both; `None` (skipped) without
/// redis-server.
async fn both_after<D: sharedkv_db::Db>(
    db: D,
    requests: &[&[&str]],
) -> Option<(RedisServer, TestServer, RawClient, RawClient)> {
    let (redis, server, mut r, mut c) = beside_redis(db).await?;
    for client in [&mut r, &mut c] {
        let _ = frame(client, &["CONFIG", "RESETSTAT"]).await;
        for args in requests {
            let _ = frame(client, args).await;
        }
    }
    Some((redis, server, r, c))
}

/// After the same requests, `INFO commandstats` counts the same calls,
/// rejections and failures as redis-server for every command, and `INFO
/// errorstats` and `total_error_replies` are the same.
async fn commandstats_match_redis<D: sharedkv_db::Db>(db: D) {
    let Some((_redis, server, mut r, mut c)) = both_after(db, SEQUENCE).await else {
        return;
    };
    let mut theirs = cmdstats(&text(&mut r, &["INFO", "commandstats"]).await);
    let mut ours = cmdstats(&text(&mut c, &["INFO", "commandstats"]).await);
    theirs.sort();
    ours.sort();
    assert_eq!(ours, theirs);
    let errors = |info: String| -> Vec<String> {
        info.lines()
            .filter(|l| l.starts_with("errorstat_") || l.starts_with("total_error_replies"))
            .map(str::to_owned)
            .collect()
    };
    let theirs = errors(text(&mut r, &["INFO", "errorstats", "stats"]).await);
    let ours = errors(text(&mut c, &["INFO", "errorstats", "stats"]).await);
    assert_eq!(ours, theirs);
    assert!(
        ours.iter().any(|l| l.starts_with("errorstat_WRONGTYPE")),
        "{ours:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn commandstats_match_redis_std_mutex() {
    commandstats_match_redis(StdMutexDb::new()).await;
}

#[tokio::test]
async fn commandstats_match_redis_actor() {
    commandstats_match_redis(ActorDb::new()).await;
}

/// A pipeline's commands are counted once each, usec included, and
/// `CONFIG RESETSTAT` zeroes them; a RESP3 client's errors count too.
#[tokio::test]
async fn pipelined_commands_are_counted() {
    let server = start(PapayaDb::new()).await;
    let mut c = server.client().await;
    let mut pipeline = Vec::new();
    for i in 0..100 {
        pipeline.extend_from_slice(
            format!(
                "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${}\r\n{i}\r\n",
                i.to_string().len()
            )
            .as_bytes(),
        );
        pipeline.extend_from_slice(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    }
    c.send(&pipeline).await;
    for _ in 0..100 {
        assert_eq!(c.read_frame().await, Frame::Simple("OK".into()));
        let _ = c.read_frame().await;
    }
    let info = text(&mut c, &["INFO", "commandstats"]).await;
    let stats = cmdstats(&info);
    assert!(stats.contains(&("set".into(), [100, 0, 0])), "{info}");
    assert!(stats.contains(&("get".into(), [100, 0, 0])), "{info}");
    assert!(info.contains("usec_per_call="), "{info}");
    let _ = frame(&mut c, &["HELLO", "3"]).await;
    let _ = frame(&mut c, &["LPUSH", "k", "x"]).await;
    let info = text(&mut c, &["INFO", "errorstats", "stats"]).await;
    assert!(info.contains("errorstat_WRONGTYPE:count=1\r\n"), "{info}");
    assert!(info.contains("\r\ntotal_error_replies:1\r\n"), "{info}");
    let _ = frame(&mut c, &["CONFIG", "RESETSTAT"]).await;
    let info = text(&mut c, &["INFO", "commandstats", "errorstats"]).await;
    assert_eq!(
        cmdstats(&info)
            .into_iter()
            .map(|(n, _)| n)
            .collect::<Vec<_>>(),
        ["config|resetstat"],
        "{info}"
    );
    assert!(!info.contains("errorstat_"), "{info}");
    server.stop().await;
}

/// The stats section's traffic counters move: bytes in and out, reads and
/// writes, and the CPU section reads the process's times.
#[tokio::test]
async fn traffic_is_counted() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    let before = text(&mut c, &["INFO", "stats"]).await;
    c.command(&["SET", "k", "v"], b"+OK\r\n").await;
    let after = text(&mut c, &["INFO", "stats", "cpu"]).await;
    let field = |info: &str, key: &str| -> f64 {
        sections(info)
            .into_iter()
            .flat_map(|(_, f)| f)
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in {info}"))
    };
    // INFO stats (18 bytes) and SET k v (31 bytes) were read since.
    assert!(
        field(&after, "total_net_input_bytes") >= field(&before, "total_net_input_bytes") + 49.0
    );
    assert!(
        field(&after, "total_net_output_bytes") > field(&before, "total_net_output_bytes") + 5.0
    );
    assert!(
        field(&after, "total_reads_processed") >= field(&before, "total_reads_processed") + 2.0
    );
    // A batch's writes are counted with the next batch's commands.
    assert!(
        field(&after, "total_writes_processed") >= field(&before, "total_writes_processed") + 1.0
    );
    assert!(field(&after, "used_cpu_user") + field(&after, "used_cpu_sys") >= 0.0);
    server.stop().await;
}

/// An entry's fields: id, time, microseconds, arguments, address, name.
fn entry(frame: &Frame) -> (i64, Vec<String>, String, String) {
    let Frame::Array(fields) = frame else {
        panic!("not an entry: {frame:?}")
    };
    let [
        Frame::Integer(id),
        Frame::Integer(_),
        Frame::Integer(_),
        Frame::Array(args),
        Frame::Bulk(addr),
        Frame::Bulk(name),
    ] = &fields[..]
    else {
        panic!("not an entry: {frame:?}")
    };
    let args = args
        .iter()
        .map(|a| match a {
            Frame::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
            other => panic!("{other:?}"),
        })
        .collect();
    (
        *id,
        args,
        String::from_utf8_lossy(addr).into_owned(),
        String::from_utf8_lossy(name).into_owned(),
    )
}

async fn slowlog(c: &mut RawClient, count: &str) -> Vec<(i64, Vec<String>, String, String)> {
    match frame(c, &["SLOWLOG", "GET", count]).await {
        Frame::Array(entries) => entries.iter().map(entry).collect(),
        other => panic!("{other:?}"),
    }
}

/// With `slowlog-log-slower-than 0` every command is logged, newest first,
/// its arguments trimmed as Redis trims them (32 arguments, 128 bytes
/// each), with the client's address and name, and passwords redacted;
/// `slowlog-max-len` bounds the log; a negative threshold turns it off.
#[tokio::test]
async fn slowlog_logs_as_redis() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.command(
        &["CONFIG", "SET", "slowlog-log-slower-than", "0"],
        b"+OK\r\n",
    )
    .await;
    c.command(&["CLIENT", "SETNAME", "me"], b"+OK\r\n").await;
    c.command(&["SET", "k", "v"], b"+OK\r\n").await;
    let entries = slowlog(&mut c, "1").await;
    let (id, args, addr, name) = &entries[0];
    assert_eq!(args, &["SET", "k", "v"]);
    assert_eq!(name, "me");
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let long = "x".repeat(200);
    let mut rpush = vec!["RPUSH", "list"];
    let numbers: Vec<String> = (0..40).map(|i| i.to_string()).collect();
    rpush.extend(numbers.iter().map(String::as_str));
    c.send_command(&rpush).await;
    assert_eq!(c.read_frame().await, Frame::Integer(40));
    c.command(
        &["ECHO", &long],
        format!("${}\r\n{long}\r\n", long.len()).as_bytes(),
    )
    .await;
    c.send_command(&["AUTH", "default", "secret"]).await;
    let _ = c.read_frame().await;
    let entries = slowlog(&mut c, "-1").await;
    let newest: Vec<&Vec<String>> = entries.iter().take(4).map(|e| &e.1).collect();
    assert_eq!(newest[0], &["AUTH", "(redacted)", "(redacted)"]);
    assert_eq!(
        newest[1][1],
        format!("{}... (72 more bytes)", "x".repeat(128))
    );
    assert_eq!(newest[2].len(), 32);
    assert_eq!(newest[2][30], "28");
    assert_eq!(newest[2][31], "... (11 more arguments)");
    assert_eq!(newest[3][0], "SLOWLOG");
    // Ids go up by one, newest first.
    assert!(
        entries.windows(2).all(|w| w[0].0 == w[1].0 + 1),
        "{entries:?}"
    );
    assert!(entries.iter().any(|e| e.0 == *id));
    c.command(&["CONFIG", "SET", "slowlog-max-len", "3"], b"+OK\r\n")
        .await;
    for _ in 0..5 {
        c.command(&["PING"], b"+PONG\r\n").await;
    }
    c.command(&["SLOWLOG", "LEN"], b":3\r\n").await;
    c.command(
        &["CONFIG", "SET", "slowlog-log-slower-than", "-1"],
        b"+OK\r\n",
    )
    .await;
    c.command(&["SLOWLOG", "RESET"], b"+OK\r\n").await;
    c.command(&["PING"], b"+PONG\r\n").await;
    c.command(&["SLOWLOG", "LEN"], b":0\r\n").await;
    c.command(&["SLOWLOG", "GET"], b"*0\r\n").await;
    server.stop().await;
}

/// The replies of `SLOWLOG`, `LATENCY` and `ACL` that do not depend on
/// timing are redis-server's, byte for byte: errors, empty logs, the
/// default user.
#[tokio::test]
async fn admin_replies_match_redis() {
    let Some((_redis, server, mut r, mut c)) = beside_redis(StdMutexDb::new()).await else {
        return;
    };
    for args in [
        &["SLOWLOG", "RESET"][..],
        &["SLOWLOG", "LEN"],
        &["SLOWLOG", "GET"],
        &["SLOWLOG", "GET", "x"],
        &["SLOWLOG", "GET", "-2"],
        &["SLOWLOG", "GET", "1", "2"],
        &["SLOWLOG", "LEN", "1"],
        &["SLOWLOG", "NOSUCH"],
        &["SLOWLOG"],
        &["LATENCY", "LATEST"],
        &["LATENCY", "HISTORY", "command"],
        &["LATENCY", "HISTORY"],
        &["LATENCY", "RESET"],
        &["LATENCY", "RESET", "command", "x"],
        &["LATENCY", "GRAPH", "command"],
        &["LATENCY", "NOSUCH"],
        &["ACL", "WHOAMI"],
        &["ACL", "USERS"],
        &["ACL", "LIST"],
        &["ACL", "GETUSER", "default"],
        &["ACL", "GETUSER", "nobody"],
        &["ACL", "CAT", "nosuch"],
        &["ACL", "CAT", "a", "b"],
        &["ACL", "NOSUCH"],
        &["ACL"],
        &["AUTH", "default", "anything"],
        &["AUTH", "nobody", "x"],
        &["AUTH", "x"],
        &["HELLO", "2", "AUTH", "nobody", "x"],
    ] {
        let theirs = frame(&mut r, args).await;
        assert_eq!(frame(&mut c, args).await, theirs, "{args:?}");
    }
    server.stop().await;
}

/// With a password set, `ACL LIST` and `ACL GETUSER default` show its
/// SHA-256 as redis-server does.
#[tokio::test]
async fn acl_shows_the_password_hash_as_redis() {
    let Some((_redis, server, mut r, mut c)) = beside_redis(StdMutexDb::new()).await else {
        return;
    };
    for client in [&mut r, &mut c] {
        assert_eq!(
            frame(client, &["CONFIG", "SET", "requirepass", "pw"]).await,
            Frame::Simple("OK".into())
        );
    }
    for args in [&["ACL", "LIST"][..], &["ACL", "GETUSER", "default"]] {
        let theirs = frame(&mut r, args).await;
        assert_eq!(frame(&mut c, args).await, theirs, "{args:?}");
    }
    server.stop().await;
}

/// `ACL CAT` lists only categories some command of this server is in, and
/// `ACL CAT <category>` the commands whose spec names it.
#[tokio::test]
async fn acl_cat_is_truthful() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    let names = |f: Frame| -> Vec<String> {
        let Frame::Array(items) = f else {
            panic!("{f:?}")
        };
        items
            .into_iter()
            .map(|i| match i {
                Frame::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
                other => panic!("{other:?}"),
            })
            .collect()
    };
    let categories = names(frame(&mut c, &["ACL", "CAT"]).await);
    for category in [
        "keyspace",
        "read",
        "write",
        "string",
        "hash",
        "connection",
        "admin",
    ] {
        assert!(categories.iter().any(|c| c == category), "{categories:?}");
    }
    // No geo command exists; `scripting` does, for FUNCTION's
    // subcommands (which answer that there are no libraries).
    assert!(!categories.iter().any(|c| c == "geo"), "{categories:?}");
    for category in &categories {
        let commands = names(frame(&mut c, &["ACL", "CAT", category]).await);
        assert!(!commands.is_empty(), "{category}");
    }
    let string = names(frame(&mut c, &["ACL", "CAT", "STRING"]).await);
    assert!(string.iter().any(|c| c == "get") && string.iter().any(|c| c == "set"));
    assert!(!string.iter().any(|c| c == "hget"));
    let connection = names(frame(&mut c, &["ACL", "CAT", "connection"]).await);
    assert!(
        connection.iter().any(|c| c == "client|list"),
        "{connection:?}"
    );
    server.stop().await;
}

/// With `latency-monitor-threshold` set, a command at least that slow is
/// a sample of the `command` event (a `fast` one of `fast-command`), and
/// `LATENCY LATEST`, `HISTORY`, `GRAPH`, `DOCTOR` and `RESET` show and
/// forget it.
#[tokio::test]
async fn latency_monitor_samples_slow_commands() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.command(&["LATENCY", "LATEST"], b"*0\r\n").await;
    // KEYS over 200,000 keys takes well over a millisecond.
    for batch in 0..200 {
        let mut mset = vec![String::from("MSET")];
        for i in 0..1000 {
            mset.push(format!("key:{batch}:{i}"));
            mset.push(String::from("v"));
        }
        let args: Vec<&str> = mset.iter().map(String::as_str).collect();
        c.command(&args, b"+OK\r\n").await;
    }
    c.command(
        &["CONFIG", "SET", "latency-monitor-threshold", "1"],
        b"+OK\r\n",
    )
    .await;
    let Frame::Array(keys) = frame(&mut c, &["KEYS", "*"]).await else {
        panic!("KEYS is an array")
    };
    assert_eq!(keys.len(), 200_000);
    let Frame::Array(latest) = frame(&mut c, &["LATENCY", "LATEST"]).await else {
        panic!("LATEST is an array")
    };
    let names: Vec<Frame> = latest
        .iter()
        .filter_map(|e| match e {
            Frame::Array(fields) => fields.first().cloned(),
            _ => None,
        })
        .collect();
    assert!(names.contains(&Frame::Bulk("command".into())), "{latest:?}");
    let Frame::Array(history) = frame(&mut c, &["LATENCY", "HISTORY", "command"]).await else {
        panic!("HISTORY is an array")
    };
    assert!(!history.is_empty());
    assert!(
        text(&mut c, &["LATENCY", "GRAPH", "command"])
            .await
            .starts_with("command - high ")
    );
    assert!(
        text(&mut c, &["LATENCY", "DOCTOR"])
            .await
            .contains("command")
    );
    let Frame::Integer(reset) = frame(&mut c, &["LATENCY", "RESET"]).await else {
        panic!("RESET is an integer")
    };
    assert!(reset >= 1);
    c.command(&["LATENCY", "HISTORY", "command"], b"*0\r\n")
        .await;
    server.stop().await;
}

/// With a password: `AUTH default <pass>`, `AUTH <pass>`, wrong users and
/// passwords, `HELLO 3 AUTH default <pass>` and `ACL WHOAMI` before and
/// after, as redis-server answers them (HELLO's map compared by its
/// `proto` only: the server's version and client id differ).
#[tokio::test]
async fn auth_with_default_user_as_redis() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let server = support::start_with(StdMutexDb::new(), support::with_password("pw")).await;
    let mut setup = redis.client().await;
    assert_eq!(
        frame(&mut setup, &["CONFIG", "SET", "requirepass", "pw"]).await,
        Frame::Simple("OK".into())
    );
    let mut r = redis.client().await;
    let mut c = server.client().await;
    for args in [
        &["ACL", "WHOAMI"][..],
        &["AUTH", "default", "nope"],
        &["AUTH", "nobody", "pw"],
        &["AUTH", "nope"],
        &["HELLO", "3", "AUTH", "default", "nope"],
        &["HELLO", "3", "AUTH", "nobody", "pw"],
        &["HELLO", "3"],
        &["AUTH", "default", "pw"],
        &["ACL", "WHOAMI"],
        &["AUTH", "pw"],
    ] {
        let theirs = frame(&mut r, args).await;
        assert_eq!(frame(&mut c, args).await, theirs, "{args:?}");
    }
    let mut r = redis.client().await;
    let mut c = server.client().await;
    for client in [&mut r, &mut c] {
        let Frame::Map(pairs) = frame(client, &["HELLO", "3", "AUTH", "default", "pw"]).await
        else {
            panic!("HELLO 3 is a map")
        };
        assert!(pairs.contains(&(Frame::Bulk("proto".into()), Frame::Integer(3))));
        assert_eq!(
            frame(client, &["ACL", "WHOAMI"]).await,
            Frame::Bulk("default".into())
        );
    }
    server.stop().await;
}

/// `keyspace_hits` and `keyspace_misses` of `INFO stats`.
fn lookups(info: &str) -> (u64, u64) {
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {info}"))
    };
    (field("keyspace_hits"), field("keyspace_misses"))
}

/// Reads of common commands, hitting and missing: counted as redis-server
/// counts its read lookups.
const READS: &[&[&str]] = &[
    &["SET", "a", "1"],
    &["RPUSH", "l", "x", "y"],
    &["HSET", "h", "f", "v"],
    &["GET", "a"],
    &["GET", "nope"],
    &["MGET", "a", "nope", "a"],
    &["HGET", "h", "f"],
    &["HGET", "nope", "f"],
    &["LRANGE", "l", "0", "-1"],
    &["LRANGE", "nope", "0", "-1"],
    &["STRLEN", "a"],
];

async fn lookups_match_redis<D: sharedkv_db::Db>(db: D) {
    let Some((_redis, server, mut r, mut c)) = both_after(db, READS).await else {
        return;
    };
    let theirs = lookups(&text(&mut r, &["INFO", "stats"]).await);
    let ours = lookups(&text(&mut c, &["INFO", "stats"]).await);
    assert_eq!(ours, theirs, "(hits, misses)");
    assert!(ours.0 > 0 && ours.1 > 0, "{ours:?}");
    let _ = frame(&mut c, &["CONFIG", "RESETSTAT"]).await;
    assert_eq!(lookups(&text(&mut c, &["INFO", "stats"]).await), (0, 0));
    server.stop().await;
}

#[tokio::test]
async fn lookups_match_redis_std_mutex() {
    lookups_match_redis(StdMutexDb::new()).await;
}

#[tokio::test]
async fn lookups_match_redis_papaya() {
    lookups_match_redis(PapayaDb::new()).await;
}

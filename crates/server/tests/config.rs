//! `CONFIG GET`, `SET`, `RESETSTAT`, `REWRITE` and `HELP` over a real
//! server, with Redis 7.0.15's replies and error texts (read off
//! redis-server), and the parameters sharedkv honours taking effect at run
//! time. Once, on std-mutex: the parameters are the server's, not the
//! strategy's.

mod support;

use sharedkv_resp::Frame;
use sharedkv_server::Config;
use sharedkv_testsuite::strategies::StdMutexDb;
use support::{RawClient, bulk, start, start_with};

/// `CONFIG GET` as (name, value) pairs, in the order the server sent them.
async fn get(c: &mut RawClient, patterns: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["CONFIG", "GET"];
    args.extend_from_slice(patterns);
    c.send_command(&args).await;
    let Frame::Array(items) = c.read_frame().await else {
        panic!("CONFIG GET replies with an array in RESP2");
    };
    let text = |f: &Frame| match f {
        Frame::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("not a bulk string: {other:?}"),
    };
    items
        .chunks(2)
        .map(|pair| (text(&pair[0]), text(&pair[1])))
        .collect()
}

/// The value of one parameter.
async fn value(c: &mut RawClient, name: &str) -> String {
    let pairs = get(c, &[name]).await;
    assert_eq!(pairs.len(), 1, "{name}: {pairs:?}");
    pairs[0].1.clone()
}

fn error(text: &str) -> Vec<u8> {
    format!("-{text}\r\n").into_bytes()
}

fn failed(name: &str, why: &str) -> Vec<u8> {
    error(&format!(
        "ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"
    ))
}

/// GET takes several glob patterns, lists each parameter once however many match it, lists aliases as names of their own, and prints Redis 7.0.15's defaults; a RESP3 client gets a map.
#[tokio::test]
async fn get_patterns_and_defaults() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    let pairs = get(&mut c, &["maxclients", "MAXCLIENTS", "max*"]).await;
    let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names.iter().filter(|n| **n == "maxclients").count(),
        1,
        "{names:?}"
    );
    for name in ["maxmemory", "maxmemory-policy", "maxmemory-samples"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let mut hash = get(&mut c, &["hash-max-*"]).await;
    hash.sort();
    assert_eq!(
        hash,
        [
            ("hash-max-listpack-entries", "512"),
            ("hash-max-listpack-value", "64"),
            ("hash-max-ziplist-entries", "512"),
            ("hash-max-ziplist-value", "64"),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
    );
    for (name, expected) in [
        ("appendonly", "no"),
        ("appendfsync", "everysec"),
        ("save", ""),
        ("databases", "16"),
        ("maxmemory", "0"),
        ("maxmemory-policy", "noeviction"),
        ("proto-max-bulk-len", "536870912"),
        ("timeout", "0"),
        ("requirepass", ""),
        ("set-max-intset-entries", "512"),
        ("zset-max-listpack-entries", "128"),
        ("zset-max-ziplist-value", "64"),
        ("lua-time-limit", "5000"),
        ("busy-reply-threshold", "5000"),
        ("list-max-listpack-size", "-2"),
        ("notify-keyspace-events", ""),
        ("hz", "10"),
        ("loglevel", "notice"),
    ] {
        assert_eq!(value(&mut c, name).await, expected, "{name}");
    }
    assert_eq!(value(&mut c, "port").await, server.addr.port().to_string());
    assert!(get(&mut c, &["nosuch", "x*y"]).await.is_empty());
    let all = get(&mut c, &["*"]).await;
    assert!(all.len() > 60, "{}", all.len());

    c.send_command(&["HELLO", "3"]).await;
    let _ = c.read_frame().await;
    c.command(
        &["CONFIG", "GET", "timeout"],
        b"%1\r\n$7\r\ntimeout\r\n$1\r\n0\r\n",
    )
    .await;
    server.stop().await;
}

/// SET takes several parameters at once and GET prints them as Redis does (memory units in bytes, enums in lower case, yes/no in any case, hz clamped, event classes in Redis's order, buffer limit classes merged).
#[tokio::test]
async fn set_several_and_read_back() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.command(
        &[
            "CONFIG",
            "SET",
            "maxmemory",
            "1kb",
            "maxmemory-policy",
            "ALLKEYS-LRU",
            "activerehashing",
            "NO",
            "save",
            "3600 1 300 100",
            "hz",
            "1000",
            "notify-keyspace-events",
            "KEA",
            "client-output-buffer-limit",
            "pubsub 1mb 0 0",
        ],
        b"+OK\r\n",
    )
    .await;
    for (name, expected) in [
        ("maxmemory", "1024"),
        ("maxmemory-policy", "allkeys-lru"),
        ("activerehashing", "no"),
        ("save", "3600 1 300 100"),
        ("hz", "500"),
        ("notify-keyspace-events", "AKE"),
        (
            "client-output-buffer-limit",
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 0 0",
        ),
    ] {
        assert_eq!(value(&mut c, name).await, expected, "{name}");
    }
    c.command(&["CONFIG", "SET", "maxmemory", "1k"], b"+OK\r\n")
        .await;
    assert_eq!(value(&mut c, "maxmemory").await, "1000");
    // An alias sets the parameter it names; a name and its alias in one
    // call are no duplicate in Redis 7.0 (the last wins).
    c.command(
        &[
            "CONFIG",
            "SET",
            "hash-max-ziplist-entries",
            "100",
            "hash-max-listpack-entries",
            "5",
        ],
        b"+OK\r\n",
    )
    .await;
    assert_eq!(value(&mut c, "hash-max-ziplist-entries").await, "5");
    server.stop().await;
}

/// One bad value anywhere in a SET leaves every parameter as it was.
#[tokio::test]
async fn set_is_all_or_nothing() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.command(
        &[
            "CONFIG",
            "SET",
            "maxmemory",
            "5mb",
            "timeout",
            "30",
            "appendonly",
            "maybe",
        ],
        &failed("appendonly", "argument must be 'yes' or 'no'"),
    )
    .await;
    assert_eq!(value(&mut c, "maxmemory").await, "0");
    assert_eq!(value(&mut c, "timeout").await, "0");
    assert_eq!(value(&mut c, "appendonly").await, "no");
    server.stop().await;
}

/// Every error text of CONFIG, each as redis-server 7.0.15 writes it.
#[tokio::test]
async fn error_texts() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    let cases: &[(&[&str], Vec<u8>)] = &[
        (
            &["CONFIG", "SET", "foo", "bar"],
            error("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"),
        ),
        (
            // An unknown name found first wins over later problems...
            &["CONFIG", "SET", "maxclients", "abc", "foo", "bar"],
            error("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"),
        ),
        (
            // ...and an immutable one found first over a later unknown one.
            &["CONFIG", "SET", "databases", "3", "foo", "bar"],
            failed("databases", "can't set immutable config"),
        ),
        (
            &["CONFIG", "SET", "port", "1234"],
            failed("port", "can't set immutable config"),
        ),
        (
            &["CONFIG", "SET", "dir", "/tmp"],
            failed("dir", "can't set protected config"),
        ),
        (
            &["CONFIG", "SET", "maxclients", "100", "MAXCLIENTS", "200"],
            failed("MAXCLIENTS", "duplicate parameter"),
        ),
        (
            &["CONFIG", "SET", "maxclients", "1", "timeout"],
            error("ERR syntax error"),
        ),
        (
            &["CONFIG", "SET", "MAXCLIENTS", "abc"],
            failed("maxclients", "argument couldn't be parsed into an integer"),
        ),
        (
            &["CONFIG", "SET", "maxclients", "0"],
            failed(
                "maxclients",
                "argument must be between 1 and 4294967295 inclusive",
            ),
        ),
        (
            &["CONFIG", "SET", "maxclients", "05"],
            failed("maxclients", "argument couldn't be parsed into an integer"),
        ),
        (
            &["CONFIG", "SET", "timeout", "-1"],
            failed(
                "timeout",
                "argument must be between 0 and 2147483647 inclusive",
            ),
        ),
        (
            &[
                "CONFIG",
                "SET",
                "slowlog-log-slower-than",
                "-9223372036854775808",
            ],
            failed(
                "slowlog-log-slower-than",
                "argument must be between -1 and 9223372036854775807 inclusive",
            ),
        ),
        (
            &["CONFIG", "SET", "maxmemory", "1.5mb"],
            failed("maxmemory", "argument must be a memory value"),
        ),
        (
            &["CONFIG", "SET", "proto-max-bulk-len", "100"],
            failed(
                "proto-max-bulk-len",
                "argument must be between 1048576 and 9223372036854775807 inclusive",
            ),
        ),
        (
            &[
                "CONFIG",
                "SET",
                "hash-max-ziplist-value",
                "99999999999999999999",
            ],
            failed(
                "hash-max-ziplist-value",
                "argument must be between 0 and 9223372036854775807 inclusive",
            ),
        ),
        (
            &["CONFIG", "SET", "loglevel", "foo"],
            failed(
                "loglevel",
                "argument(s) must be one of the following: debug, verbose, notice, warning",
            ),
        ),
        (
            &["CONFIG", "SET", "save", "3600"],
            failed("save", "Invalid save parameters"),
        ),
        (
            &["CONFIG", "SET", "notify-keyspace-events", "xyz"],
            failed(
                "notify-keyspace-events",
                "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
            ),
        ),
        (
            &[
                "CONFIG",
                "SET",
                "client-output-buffer-limit",
                "normal 1mb 0",
            ],
            failed(
                "client-output-buffer-limit",
                "Wrong number of arguments in buffer limit configuration.",
            ),
        ),
        (
            &["CONFIG", "SET", "client-output-buffer-limit", "foo 1 0 0"],
            failed(
                "client-output-buffer-limit",
                "Invalid client class specified in buffer limit configuration.",
            ),
        ),
        (
            &[
                "CONFIG",
                "SET",
                "client-output-buffer-limit",
                "normal x 0 0",
            ],
            failed(
                "client-output-buffer-limit",
                "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
            ),
        ),
        (
            &["CONFIG", "REWRITE"],
            error("ERR The server is running without a config file"),
        ),
        (
            &["CONFIG", "SET", "foo"],
            error("ERR wrong number of arguments for 'config|set' command"),
        ),
        (
            &["CONFIG", "GET"],
            error("ERR wrong number of arguments for 'config|get' command"),
        ),
        (
            &["CONFIG", "RESETSTAT", "x"],
            error("ERR wrong number of arguments for 'config|resetstat' command"),
        ),
        (
            &["CONFIG", "REWRITE", "x"],
            error("ERR wrong number of arguments for 'config|rewrite' command"),
        ),
        (
            &["CONFIG", "HELP", "x"],
            error("ERR wrong number of arguments for 'config|help' command"),
        ),
        (
            &["CONFIG"],
            error("ERR wrong number of arguments for 'config' command"),
        ),
        (
            &["CONFIG", "foo"],
            error("ERR unknown subcommand 'foo'. Try CONFIG HELP."),
        ),
    ];
    for (args, expected) in cases {
        c.command(args, expected).await;
    }
    server.stop().await;
}

/// HELP lists GET, SET, RESETSTAT, REWRITE and HELP, as Redis's does.
#[tokio::test]
async fn help_lists_the_subcommands() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.send_command(&["CONFIG", "HELP"]).await;
    let Frame::Array(lines) = c.read_frame().await else {
        panic!("HELP replies with an array");
    };
    let heads: Vec<String> = lines
        .iter()
        .filter_map(|l| match l {
            Frame::Simple(s) if !s.starts_with(b" ") => {
                Some(String::from_utf8_lossy(s).split(' ').next()?.to_owned())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        heads,
        ["CONFIG", "GET", "SET", "RESETSTAT", "REWRITE", "HELP"]
    );
    server.stop().await;
}

/// The number after `name:` in an INFO reply.
async fn info_field(c: &mut RawClient, name: &str) -> u64 {
    c.send_command(&["INFO", "stats"]).await;
    let Frame::Bulk(text) = c.read_frame().await else {
        panic!("INFO replies with a bulk string in RESP2");
    };
    let text = String::from_utf8_lossy(&text).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

/// RESETSTAT zeroes INFO's counters (the RESETSTAT itself then counts, as in Redis), and client ids keep growing after it.
#[tokio::test]
async fn resetstat_zeroes_info_counters() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    for _ in 0..5 {
        c.command(&["PING"], b"+PONG\r\n").await;
    }
    let _other = server.client().await;
    assert!(info_field(&mut c, "total_commands_processed").await >= 5);
    assert!(info_field(&mut c, "total_connections_received").await >= 2);
    c.command(&["CONFIG", "RESETSTAT"], b"+OK\r\n").await;
    assert_eq!(info_field(&mut c, "total_connections_received").await, 0);
    // RESETSTAT and the INFO just before.
    assert_eq!(info_field(&mut c, "total_commands_processed").await, 2);
    let mut late = server.client().await;
    late.command(&["CLIENT", "ID"], b":3\r\n").await;
    assert_eq!(info_field(&mut c, "total_connections_received").await, 1);
    server.stop().await;
}

/// `CONFIG SET maxclients` limits the connections accepted after it; those already connected stay.
#[tokio::test]
async fn maxclients_takes_effect() {
    let server = start(StdMutexDb::new()).await;
    let mut admin = server.client().await;
    let mut second = server.client().await;
    second.command(&["PING"], b"+PONG\r\n").await;
    admin
        .command(&["CONFIG", "SET", "maxclients", "2"], b"+OK\r\n")
        .await;
    let mut third = server.client().await;
    third
        .expect(b"-ERR max number of clients reached\r\n")
        .await;
    third.expect_closed().await;
    second.command(&["PING"], b"+PONG\r\n").await;
    admin
        .command(&["CONFIG", "SET", "maxclients", "3"], b"+OK\r\n")
        .await;
    let mut fourth = server.client().await;
    fourth.command(&["PING"], b"+PONG\r\n").await;
    server.stop().await;
}

/// `CONFIG SET requirepass` makes new connections AUTH first (the one that set it stays authenticated, as in Redis); an empty one removes the password, even for a client connected while it was set.
#[tokio::test]
async fn requirepass_takes_effect() {
    let server = start(StdMutexDb::new()).await;
    let mut admin = server.client().await;
    admin
        .command(&["CONFIG", "SET", "requirepass", "s3cret"], b"+OK\r\n")
        .await;
    admin.command(&["PING"], b"+PONG\r\n").await;
    let mut newcomer = server.client().await;
    newcomer
        .command(&["GET", "k"], b"-NOAUTH Authentication required.\r\n")
        .await;
    newcomer
        .command(
            &["AUTH", "wrong"],
            b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
        )
        .await;
    newcomer.command(&["AUTH", "s3cret"], b"+OK\r\n").await;
    newcomer.command(&["GET", "k"], b"$-1\r\n").await;
    let mut waiting = server.client().await;
    waiting
        .command(&["PING"], b"-NOAUTH Authentication required.\r\n")
        .await;
    assert_eq!(value(&mut admin, "requirepass").await, "s3cret");
    admin
        .command(&["CONFIG", "SET", "requirepass", ""], b"+OK\r\n")
        .await;
    waiting.command(&["PING"], b"+PONG\r\n").await;
    let mut open = server.client().await;
    open.command(&["PING"], b"+PONG\r\n").await;
    server.stop().await;
}

/// `CONFIG SET timeout 1` closes a client idle since before it was set, the one that set it too once idle; `timeout 0` lets clients idle again. (No time is measured: the idle clients must be closed, within the suite's wait.)
#[tokio::test]
async fn timeout_closes_an_idle_client() {
    let server = start(StdMutexDb::new()).await;
    let mut idle = server.client().await;
    idle.command(&["PING"], b"+PONG\r\n").await;
    let mut admin = server.client().await;
    admin
        .command(&["CONFIG", "SET", "timeout", "1"], b"+OK\r\n")
        .await;
    idle.expect_closed().await;
    admin.expect_closed().await;
    let mut after = server.client().await;
    after
        .command(&["CONFIG", "SET", "timeout", "0"], b"+OK\r\n")
        .await;
    after.command(&["PING"], b"+PONG\r\n").await;
    server.stop().await;
}

/// `CONFIG SET proto-max-bulk-len` bounds the bulk strings a connected client may send next.
#[tokio::test]
async fn proto_max_bulk_len_takes_effect() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    let big = "x".repeat(2 * 1024 * 1024);
    c.command(&["SET", "k", &big], b"+OK\r\n").await;
    c.command(&["CONFIG", "SET", "proto-max-bulk-len", "1mb"], b"+OK\r\n")
        .await;
    c.send_command(&["SET", "k", &big]).await;
    c.expect(b"-ERR Protocol error: invalid bulk length\r\n")
        .await;
    server.stop().await;
}

/// `CONFIG SET client-output-buffer-limit` (normal class) disconnects a client whose unread replies exceed the new hard limit.
#[tokio::test]
async fn output_limit_takes_effect() {
    let config = Config {
        client_output_buffer_limit: 0,
        ..Config::default()
    };
    let server = start_with(StdMutexDb::new(), config).await;
    let mut c = server.client().await;
    let value = "v".repeat(64 * 1024);
    c.command(&["SET", "k", &value], b"+OK\r\n").await;
    c.command(
        &[
            "CONFIG",
            "SET",
            "client-output-buffer-limit",
            "normal 100kb 0 0",
        ],
        b"+OK\r\n",
    )
    .await;
    // One MGET whose reply is far over the limit: cut off, disconnected.
    let mut args = vec!["MGET"];
    args.extend(std::iter::repeat_n("k", 64));
    c.send_command(&args).await;
    let (mut reader, _writer) = c.into_split();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(
        support::WAIT,
        tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut rest),
    )
    .await;
    assert!(read.is_ok(), "the client was not disconnected");
    assert!(rest.len() < 64 * value.len(), "{} bytes came", rest.len());
    server.stop().await;
}

/// The thresholds set by CONFIG SET decide OBJECT ENCODING, through names and aliases alike.
#[tokio::test]
async fn thresholds_change_object_encoding() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.command(&["HSET", "h", "f1", "v", "f2", "v", "f3", "v"], b":3\r\n")
        .await;
    c.command(&["SADD", "s", "1", "2", "3"], b":3\r\n").await;
    c.command(&["ZADD", "z", "1", "a", "2", "bb", "3", "ccc"], b":3\r\n")
        .await;
    let encoding = async |c: &mut RawClient, key: &str, expected: &str| {
        c.command(&["OBJECT", "ENCODING", key], &bulk(expected))
            .await;
    };
    encoding(&mut c, "h", "listpack").await;
    encoding(&mut c, "s", "intset").await;
    encoding(&mut c, "z", "listpack").await;
    c.command(
        &[
            "CONFIG",
            "SET",
            "hash-max-ziplist-entries",
            "2",
            "set-max-intset-entries",
            "2",
            "zset-max-listpack-value",
            "2",
        ],
        b"+OK\r\n",
    )
    .await;
    encoding(&mut c, "h", "hashtable").await;
    encoding(&mut c, "s", "hashtable").await;
    encoding(&mut c, "z", "skiplist").await;
    c.command(
        &[
            "CONFIG",
            "SET",
            "hash-max-listpack-entries",
            "3",
            "hash-max-listpack-value",
            "0",
            "set-max-intset-entries",
            "3",
            "zset-max-ziplist-value",
            "3",
            "zset-max-listpack-entries",
            "3",
        ],
        b"+OK\r\n",
    )
    .await;
    encoding(&mut c, "h", "hashtable").await;
    encoding(&mut c, "s", "intset").await;
    encoding(&mut c, "z", "listpack").await;
    // The fields are 2 bytes long.
    c.command(
        &["CONFIG", "SET", "hash-max-listpack-value", "1"],
        b"+OK\r\n",
    )
    .await;
    encoding(&mut c, "h", "hashtable").await;
    c.command(
        &["CONFIG", "SET", "hash-max-listpack-value", "2"],
        b"+OK\r\n",
    )
    .await;
    encoding(&mut c, "h", "listpack").await;
    server.stop().await;
}

//! `CLIENT LIST`, `INFO`, `KILL`, `REPLY`, `PAUSE`, `UNPAUSE`, `UNBLOCK`,
//! `NO-EVICT`, `NO-TOUCH` and the tracking subcommands over a real server,
//! with Redis 7.0.15's replies and error texts (read off redis-server), and
//! the `INFO` fields tools read. Once, on std-mutex: the registry is the
//! server's, not the strategy's.

mod support;

use sharedkv_resp::Frame;
use sharedkv_server::Config;
use sharedkv_testsuite::strategies::StdMutexDb;
use support::{RawClient, start, start_with};

fn error(text: &str) -> Vec<u8> {
    format!("-{text}\r\n").into_bytes()
}

/// Sends a command whose reply is a bulk (or verbatim) string and returns
/// its text.
async fn text(c: &mut RawClient, args: &[&str]) -> String {
    c.send_command(args).await;
    match c.read_frame().await {
        Frame::Bulk(b) => String::from_utf8(b.to_vec()).expect("utf-8"),
        Frame::Verbatim { text: b, .. } => String::from_utf8(b.to_vec()).expect("utf-8"),
        other => panic!("{args:?}: not a bulk string: {other:?}"),
    }
}

/// `CLIENT LIST` (or `INFO`) lines as `key=value` pairs, in order.
fn parse(listing: &str) -> Vec<Vec<(String, String)>> {
    assert!(listing.is_empty() || listing.ends_with('\n'), "{listing:?}");
    listing
        .lines()
        .map(|line| {
            line.split(' ')
                .map(|pair| {
                    let (k, v) = pair.split_once('=').expect("key=value");
                    (k.to_owned(), v.to_owned())
                })
                .collect()
        })
        .collect()
}

fn field<'a>(client: &'a [(String, String)], key: &str) -> &'a str {
    client
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {key} in {client:?}"))
}

/// The line of the client with this id.
fn by_id(clients: &[Vec<(String, String)>], id: i64) -> &[(String, String)] {
    clients
        .iter()
        .find(|c| field(c, "id") == id.to_string())
        .unwrap_or_else(|| panic!("no client {id} in {clients:?}"))
}

async fn id(c: &mut RawClient) -> i64 {
    c.send_command(&["CLIENT", "ID"]).await;
    match c.read_frame().await {
        Frame::Integer(n) => n,
        other => panic!("CLIENT ID: {other:?}"),
    }
}

/// This connection's `addr`, from `CLIENT INFO`.
async fn addr(c: &mut RawClient) -> String {
    let info = parse(&text(c, &["CLIENT", "INFO"]).await);
    field(&info[0], "addr").to_owned()
}

/// Polls `CLIENT LIST` from `observer` until the client `id` shows `cmd`:
/// how a test knows a command has reached the server (it is recorded
/// before a pause holds it).
async fn wait_for_cmd(observer: &mut RawClient, id: i64, cmd: &str) {
    for _ in 0..1000 {
        let list = parse(&text(observer, &["CLIENT", "LIST", "ID", &id.to_string()]).await);
        if list.first().is_some_and(|c| field(c, "cmd") == cmd) {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("client {id} never ran {cmd}");
}

/// The fields Redis 7.0.15 prints, in its order, then 7.2's library info.
const FIELDS: &[&str] = &[
    "id",
    "addr",
    "laddr",
    "fd",
    "name",
    "age",
    "idle",
    "flags",
    "db",
    "sub",
    "psub",
    "ssub",
    "multi",
    "qbuf",
    "qbuf-free",
    "argv-mem",
    "multi-mem",
    "rbs",
    "rbp",
    "obl",
    "oll",
    "omem",
    "tot-mem",
    "events",
    "cmd",
    "user",
    "redir",
    "resp",
    "lib-name",
    "lib-ver",
];

/// CLIENT LIST shows every connected client, in Redis's fields and order,
/// with its name, database and last command; a closed client leaves it.
#[tokio::test]
async fn list_shows_every_client() {
    let server = start(StdMutexDb::new()).await;
    let mut a = server.client().await;
    let mut b = server.client().await;
    let mut c = server.client().await;
    let (a_id, b_id, c_id) = (id(&mut a).await, id(&mut b).await, id(&mut c).await);
    b.command(&["CLIENT", "SETNAME", "worker-b"], b"+OK\r\n")
        .await;
    b.command(&["SELECT", "2"], b"+OK\r\n").await;
    b.command(&["GET", "k"], b"$-1\r\n").await;
    c.command(&["SET", "k", "v"], b"+OK\r\n").await;

    let listing = text(&mut a, &["CLIENT", "LIST"]).await;
    let clients = parse(&listing);
    assert_eq!(clients.len(), 3, "{listing}");
    for client in &clients {
        let keys: Vec<&str> = client.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, FIELDS);
        assert_eq!(field(client, "laddr"), server.addr.to_string());
        assert_eq!(field(client, "user"), "default");
        assert_eq!(field(client, "multi"), "-1");
        assert_eq!(field(client, "flags"), "N");
        assert_eq!(field(client, "resp"), "2");
        assert!(field(client, "fd").parse::<i64>().is_ok());
    }
    let a_line = by_id(&clients, a_id);
    assert_eq!(field(a_line, "cmd"), "client|list");
    assert_eq!(field(a_line, "name"), "");
    assert_eq!(field(a_line, "idle"), "0");
    let b_line = by_id(&clients, b_id);
    assert_eq!(field(b_line, "name"), "worker-b");
    assert_eq!(field(b_line, "db"), "2");
    assert_eq!(field(b_line, "cmd"), "get");
    let c_line = by_id(&clients, c_id);
    assert_eq!(field(c_line, "db"), "0");
    assert_eq!(field(c_line, "cmd"), "set");
    // Ids ascending, as Redis lists them (in connection order).
    let ids: Vec<&str> = clients.iter().map(|c| field(c, "id")).collect();
    assert_eq!(ids, [a_id, b_id, c_id].map(|i| i.to_string()));

    drop(c);
    for _ in 0..1000 {
        if parse(&text(&mut a, &["CLIENT", "LIST"]).await).len() == 2 {
            break;
        }
        tokio::task::yield_now().await;
    }
    let clients = parse(&text(&mut a, &["CLIENT", "LIST"]).await);
    assert_eq!(clients.len(), 2);
    assert!(clients.iter().all(|cl| field(cl, "id") != c_id.to_string()));
    server.stop().await;
}

/// CLIENT LIST TYPE and ID filter; IDs come in the order given, repeats
/// included, unknown ones left out; bad options get Redis's errors.
#[tokio::test]
async fn list_filters_and_errors() {
    let server = start(StdMutexDb::new()).await;
    let mut a = server.client().await;
    let mut sub = server.client().await;
    let a_id = id(&mut a).await;
    let sub_id = id(&mut sub).await;
    sub.command(
        &["SUBSCRIBE", "ch"],
        b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
    )
    .await;

    let pubsub = parse(&text(&mut a, &["CLIENT", "LIST", "TYPE", "pubsub"]).await);
    assert_eq!(pubsub.len(), 1);
    assert_eq!(field(&pubsub[0], "id"), sub_id.to_string());
    assert_eq!(field(&pubsub[0], "flags"), "P");
    assert_eq!(field(&pubsub[0], "sub"), "1");
    assert_eq!(field(&pubsub[0], "cmd"), "subscribe");
    let normal = parse(&text(&mut a, &["CLIENT", "LIST", "TYPE", "NORMAL"]).await);
    assert_eq!(normal.len(), 1);
    assert_eq!(field(&normal[0], "id"), a_id.to_string());
    for kind in ["master", "replica", "slave"] {
        assert_eq!(text(&mut a, &["CLIENT", "LIST", "TYPE", kind]).await, "");
    }

    let (a_s, sub_s) = (a_id.to_string(), sub_id.to_string());
    let listed = parse(
        &text(
            &mut a,
            &["CLIENT", "LIST", "ID", &sub_s, "999", &a_s, &sub_s],
        )
        .await,
    );
    let ids: Vec<&str> = listed.iter().map(|c| field(c, "id")).collect();
    assert_eq!(ids, [sub_s.as_str(), &a_s, &sub_s]);
    assert_eq!(text(&mut a, &["CLIENT", "LIST", "ID", "0"]).await, "");
    assert_eq!(text(&mut a, &["CLIENT", "LIST", "ID", "-1"]).await, "");

    for (args, reply) in [
        (
            &["CLIENT", "LIST", "TYPE", "foo"][..],
            "ERR Unknown client type 'foo'",
        ),
        (&["CLIENT", "LIST", "TYPE"], "ERR syntax error"),
        (&["CLIENT", "LIST", "ID"], "ERR syntax error"),
        (&["CLIENT", "LIST", "foo"], "ERR syntax error"),
        (&["CLIENT", "LIST", "ID", "abc"], "ERR Invalid client ID"),
        (
            &["CLIENT", "LIST", "ID", "3", "type", "normal"],
            "ERR Invalid client ID",
        ),
        (
            &["CLIENT", "LIST", "TYPE", "normal", "ID", "3"],
            "ERR syntax error",
        ),
        (
            &["CLIENT", "INFO", "x"],
            "ERR wrong number of arguments for 'client|info' command",
        ),
    ] {
        a.command(args, &error(reply)).await;
    }
    server.stop().await;
}

/// CLIENT INFO is the caller's line; it follows HELLO 3 (a verbatim
/// string then), NO-EVICT, NO-TOUCH and SETINFO, and RESET clears the name
/// and database but not NO-EVICT, as in Redis 7.0.
#[tokio::test]
async fn client_info_follows_the_session() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    let me = id(&mut c).await;
    let info = parse(&text(&mut c, &["CLIENT", "INFO"]).await);
    assert_eq!(info.len(), 1);
    assert_eq!(field(&info[0], "id"), me.to_string());
    assert_eq!(field(&info[0], "cmd"), "client|info");
    assert_eq!(field(&info[0], "flags"), "N");

    c.command(&["CLIENT", "NO-EVICT", "on"], b"+OK\r\n").await;
    let info = parse(&text(&mut c, &["CLIENT", "INFO"]).await);
    assert_eq!(field(&info[0], "flags"), "e");
    c.command(&["CLIENT", "NO-TOUCH", "ON"], b"+OK\r\n").await;
    c.command(&["CLIENT", "SETINFO", "LIB-NAME", "redis-rs"], b"+OK\r\n")
        .await;
    c.command(&["CLIENT", "SETINFO", "lib-ver", "1.2.3"], b"+OK\r\n")
        .await;
    c.command(&["CLIENT", "SETNAME", "me"], b"+OK\r\n").await;
    c.command(&["SELECT", "5"], b"+OK\r\n").await;
    let info = parse(&text(&mut c, &["CLIENT", "INFO"]).await);
    assert_eq!(field(&info[0], "flags"), "eT");
    assert_eq!(field(&info[0], "lib-name"), "redis-rs");
    assert_eq!(field(&info[0], "lib-ver"), "1.2.3");
    assert_eq!(field(&info[0], "name"), "me");
    assert_eq!(field(&info[0], "db"), "5");

    c.command(&["CLIENT", "NO-TOUCH", "off"], b"+OK\r\n").await;
    c.command(&["RESET"], b"+RESET\r\n").await;
    let info = parse(&text(&mut c, &["CLIENT", "INFO"]).await);
    assert_eq!(field(&info[0], "flags"), "e");
    assert_eq!(field(&info[0], "name"), "");
    assert_eq!(field(&info[0], "db"), "0");

    c.send_command(&["HELLO", "3"]).await;
    let _ = c.read_frame().await;
    c.send_command(&["CLIENT", "INFO"]).await;
    let Frame::Verbatim { format, text: line } = c.read_frame().await else {
        panic!("CLIENT INFO is a verbatim string in RESP3");
    };
    assert_eq!(&format[..], b"txt");
    let info = parse(std::str::from_utf8(&line).expect("utf-8"));
    assert_eq!(field(&info[0], "resp"), "3");

    for (args, reply) in [
        (&["CLIENT", "NO-EVICT", "maybe"][..], "ERR syntax error"),
        (&["CLIENT", "NO-TOUCH", "maybe"], "ERR syntax error"),
        (
            &["CLIENT", "NO-EVICT"],
            "ERR wrong number of arguments for 'client|no-evict' command",
        ),
    ] {
        c.command(args, &error(reply)).await;
    }
    server.stop().await;
}

/// CLIENT KILL by ID, ADDR, LADDR, TYPE and USER answers the count and
/// closes the killed sockets; SKIPME spares the caller unless `no`, and a
/// client that kills itself gets its reply first; the old form answers +OK
/// or `No such client`.
#[tokio::test]
async fn kill_by_each_filter() {
    let server = start(StdMutexDb::new()).await;
    let mut killer = server.client().await;
    let mut by_id_victim = server.client().await;
    let mut by_addr = server.client().await;
    let mut old_form = server.client().await;
    let mut subscriber = server.client().await;
    let victim_id = id(&mut by_id_victim).await;
    let by_addr_addr = addr(&mut by_addr).await;
    let old_form_addr = addr(&mut old_form).await;
    subscriber
        .command(
            &["SUBSCRIBE", "ch"],
            b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
        )
        .await;

    killer
        .command(&["CLIENT", "KILL", "ID", &victim_id.to_string()], b":1\r\n")
        .await;
    by_id_victim.expect_closed().await;
    killer
        .command(&["CLIENT", "KILL", "ID", &victim_id.to_string()], b":0\r\n")
        .await;

    killer
        .command(
            &["CLIENT", "KILL", "ADDR", &by_addr_addr, "USER", "default"],
            b":1\r\n",
        )
        .await;
    by_addr.expect_closed().await;

    killer
        .command(&["CLIENT", "KILL", "TYPE", "pubsub"], b":1\r\n")
        .await;
    subscriber.expect_closed().await;

    killer
        .command(&["CLIENT", "KILL", &old_form_addr], b"+OK\r\n")
        .await;
    old_form.expect_closed().await;
    killer
        .command(
            &["CLIENT", "KILL", &old_form_addr],
            &error("ERR No such client"),
        )
        .await;
    killer
        .command(&["CLIENT", "KILL", "TYPE", "master"], b":0\r\n")
        .await;

    // LADDR matches every client of this listener: all but the caller.
    let mut x = server.client().await;
    let mut y = server.client().await;
    let _ = (id(&mut x).await, id(&mut y).await);
    killer
        .command(
            &["CLIENT", "KILL", "LADDR", &server.addr.to_string()],
            b":2\r\n",
        )
        .await;
    x.expect_closed().await;
    y.expect_closed().await;

    // SKIPME no: the caller too, after its reply; what it pipelined after
    // is not run.
    let mut z = server.client().await;
    let _ = id(&mut z).await;
    killer
        .send_command(&["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"])
        .await;
    killer.send_command(&["PING"]).await;
    killer.expect(b":2\r\n").await;
    killer.expect_closed().await;
    z.expect_closed().await;

    // The old form kills the caller too: +OK, then closed.
    let mut me = server.client().await;
    let my_addr = addr(&mut me).await;
    me.command(&["CLIENT", "KILL", &my_addr], b"+OK\r\n").await;
    me.expect_closed().await;
    server.stop().await;
}

/// CLIENT KILL's syntax errors, in Redis's order and text.
#[tokio::test]
async fn kill_errors() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    for (args, reply) in [
        (
            &["CLIENT", "KILL"][..],
            "ERR wrong number of arguments for 'client|kill' command",
        ),
        (&["CLIENT", "KILL", "addr"], "ERR No such client"),
        (&["CLIENT", "KILL", "1.2.3.4:5"], "ERR No such client"),
        (
            &["CLIENT", "KILL", "ID", "abc"],
            "ERR client-id should be greater than 0",
        ),
        (
            &["CLIENT", "KILL", "ID", "0"],
            "ERR client-id should be greater than 0",
        ),
        (
            &["CLIENT", "KILL", "ID", "-5"],
            "ERR client-id should be greater than 0",
        ),
        (
            &["CLIENT", "KILL", "ID", "abc", "foo"],
            "ERR client-id should be greater than 0",
        ),
        (
            &["CLIENT", "KILL", "TYPE", "foo"],
            "ERR Unknown client type 'foo'",
        ),
        (
            &["CLIENT", "KILL", "USER", "nobody"],
            "ERR No such user 'nobody'",
        ),
        (
            &["CLIENT", "KILL", "USER", "default", "SKIPME", "maybe"],
            "ERR syntax error",
        ),
        (&["CLIENT", "KILL", "foo", "bar"], "ERR syntax error"),
        (&["CLIENT", "KILL", "a", "b", "c"], "ERR syntax error"),
        (&["CLIENT", "KILL", "ID", "1", "2"], "ERR syntax error"),
        (&["CLIENT", "KILL", "MAXAGE", "10"], "ERR syntax error"),
    ] {
        c.command(args, &error(reply)).await;
    }
    c.command(&["CLIENT", "KILL", "ADDR", "1.2.3.4:5"], b":0\r\n")
        .await;
    c.command(&["CLIENT", "KILL", "SKIPME", "yes"], b":0\r\n")
        .await;
    c.command(&["CLIENT", "KILL", "LADDR", "x"], b":0\r\n")
        .await;
    c.command(&["PING"], b"+PONG\r\n").await;
    server.stop().await;
}

/// CLIENT REPLY OFF drops every reply until ON (which answers +OK); SKIP
/// drops its own and the next command's; SKIP while OFF changes nothing.
/// The same sequences as against redis-server.
#[tokio::test]
async fn reply_off_skip_on() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.send_command(&["CLIENT", "REPLY", "OFF"]).await;
    c.send_command(&["SET", "k", "v"]).await;
    c.send_command(&["NOSUCH"]).await;
    c.send_command(&["CLIENT", "REPLY", "SKIP"]).await;
    c.send_command(&["PING"]).await;
    c.send_command(&["CLIENT", "REPLY", "ON"]).await;
    c.send_command(&["GET", "k"]).await;
    c.expect(b"+OK\r\n$1\r\nv\r\n").await;

    c.send_command(&["CLIENT", "REPLY", "SKIP"]).await;
    c.send_command(&["PING", "a"]).await;
    c.send_command(&["PING", "b"]).await;
    c.send_command(&["CLIENT", "REPLY", "SKIP"]).await;
    c.send_command(&["CLIENT", "REPLY", "SKIP"]).await;
    c.send_command(&["PING", "c"]).await;
    c.send_command(&["PING", "d"]).await;
    c.expect(b"$1\r\nb\r\n$1\r\nd\r\n").await;

    for (args, reply) in [
        (&["CLIENT", "REPLY", "maybe"][..], "ERR syntax error"),
        (
            &["CLIENT", "REPLY"],
            "ERR wrong number of arguments for 'client|reply' command",
        ),
        (
            &["CLIENT", "REPLY", "on", "x"],
            "ERR wrong number of arguments for 'client|reply' command",
        ),
    ] {
        c.command(args, &error(reply)).await;
    }
    // RESET turns replies back on, its own included.
    c.send_command(&["CLIENT", "REPLY", "OFF"]).await;
    c.send_command(&["RESET"]).await;
    c.command(&["PING"], b"+RESET\r\n+PONG\r\n").await;
    server.stop().await;
}

/// CLIENT PAUSE WRITE holds a write (and PUBLISH) but lets reads and
/// errors through; UNPAUSE releases the held ones, in order. PAUSE ALL
/// holds reads too. Ordering, not durations, is asserted.
#[tokio::test]
async fn pause_write_then_all() {
    let server = start(StdMutexDb::new()).await;
    let mut admin = server.client().await;
    let mut writer = server.client().await;
    let mut reader = server.client().await;
    let writer_id = id(&mut writer).await;
    let _ = id(&mut reader).await;

    admin
        .command(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n")
        .await;
    writer.send_command(&["SET", "k", "v"]).await;
    wait_for_cmd(&mut admin, writer_id, "set").await;
    // The SET has reached the server and waits: a read goes through and
    // does not see it; an arity error is answered at once, as in Redis.
    reader.command(&["GET", "k"], b"$-1\r\n").await;
    reader
        .command(
            &["SET", "k"],
            &error("ERR wrong number of arguments for 'set' command"),
        )
        .await;
    reader.command(&["PING"], b"+PONG\r\n").await;
    admin.command(&["CLIENT", "UNPAUSE"], b"+OK\r\n").await;
    writer.expect(b"+OK\r\n").await;
    reader.command(&["GET", "k"], b"$1\r\nv\r\n").await;

    admin
        .command(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n")
        .await;
    writer.send_command(&["PUBLISH", "ch", "m"]).await;
    wait_for_cmd(&mut admin, writer_id, "publish").await;
    reader.command(&["EXISTS", "k"], b":1\r\n").await;
    admin.command(&["CLIENT", "UNPAUSE"], b"+OK\r\n").await;
    writer.expect(b":0\r\n").await;

    // ALL holds reads too, the pausing client's own included, until the
    // pause ends by itself (UNPAUSE would be held as well, as in Redis).
    // The pipelined SET after the GET shows the order is kept.
    admin
        .command(&["CLIENT", "PAUSE", "50", "ALL"], b"+OK\r\n")
        .await;
    reader.send_command(&["GET", "k"]).await;
    reader.send_command(&["SET", "k", "w"]).await;
    admin.command(&["PING"], b"+PONG\r\n").await;
    reader.expect(b"$1\r\nv\r\n+OK\r\n").await;
    reader.command(&["GET", "k"], b"$1\r\nw\r\n").await;
    server.stop().await;
}

/// CLIENT PAUSE's and UNBLOCK's errors, checked in Redis's order (the mode
/// before the timeout, the reason before the id); UNBLOCK answers 0, and
/// the tracking subcommands say they are not supported.
#[tokio::test]
async fn pause_unblock_tracking_errors() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    let tracking = "ERR client-side caching (CLIENT TRACKING) is not supported by this server";
    for (args, reply) in [
        (
            &["CLIENT", "PAUSE"][..],
            "ERR wrong number of arguments for 'client|pause' command",
        ),
        (
            &["CLIENT", "PAUSE", "abc"],
            "ERR timeout is not an integer or out of range",
        ),
        (
            &["CLIENT", "PAUSE", "9999999999999999999"],
            "ERR timeout is not an integer or out of range",
        ),
        (&["CLIENT", "PAUSE", "-1"], "ERR timeout is negative"),
        (
            &["CLIENT", "PAUSE", "10", "foo"],
            "ERR CLIENT PAUSE mode must be WRITE or ALL",
        ),
        (
            &["CLIENT", "PAUSE", "abc", "foo"],
            "ERR CLIENT PAUSE mode must be WRITE or ALL",
        ),
        (
            &["CLIENT", "PAUSE", "10", "write", "x"],
            "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.",
        ),
        (
            &["CLIENT", "UNPAUSE", "x"],
            "ERR wrong number of arguments for 'client|unpause' command",
        ),
        (
            &["CLIENT", "UNBLOCK"],
            "ERR wrong number of arguments for 'client|unblock' command",
        ),
        (
            &["CLIENT", "UNBLOCK", "abc"],
            "ERR value is not an integer or out of range",
        ),
        (
            &["CLIENT", "UNBLOCK", "3", "foo"],
            "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
        ),
        (
            &["CLIENT", "UNBLOCK", "abc", "foo"],
            "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
        ),
        (
            &["CLIENT", "unblock", "1", "2", "3"],
            "ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.",
        ),
        (
            &["CLIENT", "TRACKING"],
            "ERR wrong number of arguments for 'client|tracking' command",
        ),
        (
            &["CLIENT", "CACHING"],
            "ERR wrong number of arguments for 'client|caching' command",
        ),
        (
            &["CLIENT", "GETREDIR", "x"],
            "ERR wrong number of arguments for 'client|getredir' command",
        ),
        (&["CLIENT", "TRACKING", "on"], tracking),
        (&["CLIENT", "CACHING", "yes"], tracking),
        (&["CLIENT", "GETREDIR"], tracking),
        (&["CLIENT", "TRACKINGINFO"], tracking),
        (
            &["CLIENT", "nope"],
            "ERR unknown subcommand 'nope'. Try CLIENT HELP.",
        ),
    ] {
        c.command(args, &error(reply)).await;
    }
    c.command(&["CLIENT", "UNBLOCK", "3"], b":0\r\n").await;
    c.command(&["CLIENT", "UNBLOCK", "999", "timeout"], b":0\r\n")
        .await;
    c.command(&["CLIENT", "UNBLOCK", "1", "ERROR"], b":0\r\n")
        .await;
    c.command(&["CLIENT", "PAUSE", "0", "ALL"], b"+OK\r\n")
        .await;
    c.command(&["CLIENT", "UNPAUSE"], b"+OK\r\n").await;
    c.command(&["PING"], b"+PONG\r\n").await;
    server.stop().await;
}

/// CLIENT HELP lists Redis's subcommands.
#[tokio::test]
async fn help_lists_the_subcommands() {
    let server = start(StdMutexDb::new()).await;
    let mut c = server.client().await;
    c.send_command(&["CLIENT", "HELP"]).await;
    let Frame::Array(lines) = c.read_frame().await else {
        panic!("CLIENT HELP is an array");
    };
    let lines: Vec<String> = lines
        .iter()
        .map(|l| match l {
            Frame::Simple(s) => String::from_utf8_lossy(s).into_owned(),
            other => panic!("{other:?}"),
        })
        .collect();
    let first_words: Vec<&str> = lines
        .iter()
        .filter(|l| !l.starts_with(' '))
        .map(|l| l.split(' ').next().unwrap_or_default())
        .collect();
    for sub in [
        "CACHING",
        "GETREDIR",
        "GETNAME",
        "ID",
        "INFO",
        "KILL",
        "LIST",
        "UNPAUSE",
        "PAUSE",
        "REPLY",
        "SETNAME",
        "UNBLOCK",
        "TRACKING",
        "TRACKINGINFO",
        "NO-EVICT",
        "HELP",
    ] {
        assert!(first_words.contains(&sub), "{sub} missing from {lines:?}");
    }
    server.stop().await;
}

/// INFO reports Redis 7.0's client fields and the counters tools read:
/// blocked and tracking clients 0, commands processed, rejected
/// connections, and an ops rate.
#[tokio::test]
async fn info_fields_tools_read() {
    let server = start_with(
        StdMutexDb::new(),
        Config {
            max_clients: 1,
            ..Config::default()
        },
    )
    .await;
    let mut c = server.client().await;
    c.command(&["PING"], b"+PONG\r\n").await;
    let mut refused = server.client().await;
    refused
        .expect(b"-ERR max number of clients reached\r\n")
        .await;
    let info = text(&mut c, &["INFO"]).await;
    for line in [
        "# Clients\r\nconnected_clients:1\r\ncluster_connections:0\r\nmaxclients:1\r\n",
        "\r\nclient_recent_max_input_buffer:",
        "\r\nclient_recent_max_output_buffer:",
        "\r\nblocked_clients:0\r\ntracking_clients:0\r\nclients_in_timeout_table:0\r\n",
        "\r\ntotal_connections_received:2\r\n",
        "\r\ntotal_commands_processed:1\r\n",
        "\r\ninstantaneous_ops_per_sec:",
        "\r\nrejected_connections:1\r\n",
    ] {
        assert!(info.contains(line), "{line:?} missing from {info:?}");
    }
    c.command(&["CONFIG", "RESETSTAT"], b"+OK\r\n").await;
    let info = text(&mut c, &["INFO", "stats"]).await;
    assert!(info.contains("\r\nrejected_connections:0\r\n"), "{info}");
    server.stop().await;
}

/// A client waiting in a pause can still be killed: it is closed without
/// running the held command.
#[tokio::test]
async fn kill_a_paused_client() {
    let server = start(StdMutexDb::new()).await;
    let mut admin = server.client().await;
    let mut writer = server.client().await;
    let writer_id = id(&mut writer).await;
    admin
        .command(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n")
        .await;
    writer.send_command(&["SET", "k", "v"]).await;
    wait_for_cmd(&mut admin, writer_id, "set").await;
    admin
        .command(&["CLIENT", "KILL", "ID", &writer_id.to_string()], b":1\r\n")
        .await;
    writer.expect_closed().await;
    admin.command(&["CLIENT", "UNPAUSE"], b"+OK\r\n").await;
    admin.command(&["EXISTS", "k"], b":0\r\n").await;
    server.stop().await;
}

/// `CLIENT INFO` and `CLIENT LIST` have every field redis-server 7.0.15
/// prints, in its order, each with a value of the same type (integer or
/// text) as redis-server's for a client in the same state; then 7.2's
/// `lib-name` and `lib-ver`.
#[tokio::test]
async fn client_fields_match_redis() {
    let Some(redis) = support::RedisServer::start().await else {
        return;
    };
    let server = start(StdMutexDb::new()).await;
    let kind = |v: &str| v.parse::<i64>().is_ok();
    for args in [&["CLIENT", "INFO"][..], &["CLIENT", "LIST"]] {
        let mut theirs = redis.client().await;
        let mut ours = server.client().await;
        for c in [&mut theirs, &mut ours] {
            c.command(&["CLIENT", "SETNAME", "me"], b"+OK\r\n").await;
            c.command(&["SELECT", "1"], b"+OK\r\n").await;
        }
        let theirs = parse(&text(&mut theirs, args).await);
        let ours = parse(&text(&mut ours, args).await);
        let (theirs, ours) = (&theirs[0], &ours[0]);
        let their_keys: Vec<&str> = theirs.iter().map(|(k, _)| k.as_str()).collect();
        let our_keys: Vec<&str> = ours.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(&our_keys[..their_keys.len()], &their_keys[..], "{args:?}");
        assert_eq!(&our_keys[their_keys.len()..], ["lib-name", "lib-ver"]);
        for ((key, their_value), (_, our_value)) in theirs.iter().zip(ours.iter()) {
            assert_eq!(
                kind(our_value),
                kind(their_value),
                "{args:?} {key}: {our_value:?} here, {their_value:?} in redis"
            );
        }
        for key in ["name", "db", "flags", "user", "cmd", "multi", "resp", "sub"] {
            assert_eq!(field(ours, key), field(theirs, key), "{args:?} {key}");
        }
    }
    server.stop().await;
}

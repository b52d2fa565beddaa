//! RESP3 end to end: `HELLO 3` and its errors, every reply type a RESP3
//! connection gets, pub/sub as push frames with any command allowed while
//! subscribed, and the way back to RESP2 (`HELLO 2`, `RESET`). The expected
//! bytes are redis-server 7.0.15's answers to the same requests, but for
//! what sharedkv reports of itself (its `version`, client ids, its own
//! `COMMAND` table). Stamped once per strategy.

mod support;

use sharedkv_db::Db;
use sharedkv_resp::Frame;
use support::{RawClient, bulk, start, start_with, with_password};

/// The `HELLO` map, in RESP3 (`%7`) or as RESP2's flat array (`*14`).
fn hello_reply(resp3: bool, id: i64) -> Vec<u8> {
    let (head, proto) = if resp3 { ("%7", 3) } else { ("*14", 2) };
    format!(
        "{head}\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.0.0\r\n\
         $5\r\nproto\r\n:{proto}\r\n$2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n\
         $4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"
    )
    .into_bytes()
}

/// The client's id, from `CLIENT ID`.
async fn client_id(c: &mut RawClient) -> i64 {
    c.send_command(&["CLIENT", "ID"]).await;
    let Frame::Integer(id) = c.read_frame().await else {
        panic!("CLIENT ID is not an integer");
    };
    id
}

/// A subscription's confirmation as a RESP3 push.
fn push_of(kind: &str, channel: Option<&str>, count: usize) -> Vec<u8> {
    let channel = channel.map_or_else(|| b"_\r\n".to_vec(), bulk);
    [
        format!(">3\r\n${}\r\n{kind}\r\n", kind.len()).into_bytes(),
        channel,
        format!(":{count}\r\n").into_bytes(),
    ]
    .concat()
}

/// `HELLO 3` answers with a RESP3 map and switches the connection; `HELLO`
/// alone keeps the protocol; `HELLO 2` switches back.
async fn hello_3_switches_the_connection<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    let id = client_id(&mut c).await;
    c.command(&["HELLO", "3"], &hello_reply(true, id)).await;
    c.command(&["GET", "nokey"], b"_\r\n").await;
    c.command(&["hello"], &hello_reply(true, id)).await;
    c.command(&["HELLO", "2"], &hello_reply(false, id)).await;
    c.command(&["GET", "nokey"], b"$-1\r\n").await;
    c.command(&["HELLO", "3", "SETNAME", "app"], &hello_reply(true, id))
        .await;
    c.command(&["CLIENT", "GETNAME"], &bulk("app")).await;
    // Another connection is still on RESP2.
    let mut other = server.client().await;
    other.command(&["GET", "nokey"], b"$-1\r\n").await;
    server.stop().await;
}

/// HELLO's errors are Redis's, in Redis's order, and an error leaves the
/// protocol as it was.
async fn hello_errors_as_redis<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    for (args, error) in [
        (&["HELLO", "4"][..], "-NOPROTO unsupported protocol version"),
        (&["HELLO", "1"], "-NOPROTO unsupported protocol version"),
        (&["HELLO", "-1"], "-NOPROTO unsupported protocol version"),
        (
            &["HELLO", "x"],
            "-ERR Protocol version is not an integer or out of range",
        ),
        (
            &["HELLO", "03"],
            "-ERR Protocol version is not an integer or out of range",
        ),
        (
            &["HELLO", "3", "AUTH"],
            "-ERR Syntax error in HELLO option 'AUTH'",
        ),
        (
            &["HELLO", "3", "AUTH", "a"],
            "-ERR Syntax error in HELLO option 'AUTH'",
        ),
        (
            &["HELLO", "3", "SETNAME"],
            "-ERR Syntax error in HELLO option 'SETNAME'",
        ),
        (
            &["HELLO", "3", "FOO"],
            "-ERR Syntax error in HELLO option 'FOO'",
        ),
        (
            &["HELLO", "3", "SETNAME", "a b"],
            "-ERR Client names cannot contain spaces, newlines or special characters.",
        ),
        // The name is checked where it stands, before a later bad option...
        (
            &["HELLO", "3", "SETNAME", "a b", "FOO"],
            "-ERR Client names cannot contain spaces, newlines or special characters.",
        ),
        // ... and after an earlier one.
        (
            &["HELLO", "3", "FOO", "SETNAME", "a b"],
            "-ERR Syntax error in HELLO option 'FOO'",
        ),
        (
            &["HELLO", "3", "AUTH", "foo", "x"],
            "-WRONGPASS invalid username-password pair or user is disabled.",
        ),
        // AUTH acts before a later bad option is looked at.
        (
            &["HELLO", "3", "AUTH", "a", "b", "c"],
            "-WRONGPASS invalid username-password pair or user is disabled.",
        ),
        (
            &["HELLO", "3", "AUTH", "default", "x", "c"],
            "-ERR Syntax error in HELLO option 'c'",
        ),
    ] {
        c.command(args, format!("{error}\r\n").as_bytes()).await;
        c.command(&["GET", "nokey"], b"$-1\r\n").await;
    }
    // A SETNAME before a bad option takes effect, as in Redis.
    c.command(
        &["HELLO", "3", "SETNAME", "first", "FOO"],
        b"-ERR Syntax error in HELLO option 'FOO'\r\n",
    )
    .await;
    c.command(&["CLIENT", "GETNAME"], &bulk("first")).await;
    // Without a password the default user takes any.
    let id = client_id(&mut c).await;
    c.command(
        &["HELLO", "3", "AUTH", "default", "anything"],
        &hello_reply(true, id),
    )
    .await;
    server.stop().await;
}

/// With a password, `HELLO 3` needs authentication first or its `AUTH`;
/// an `AUTH` that succeeds holds even if a later option fails; `RESET`
/// forgets both the authentication and RESP3.
async fn hello_authenticates<D: Db>(db: D) {
    let server = start_with(db, with_password("sekret")).await;
    let noauth = b"-NOAUTH HELLO must be called with the client already authenticated, otherwise \
        the HELLO AUTH <user> <pass> option can be used to authenticate the client and select \
        the RESP protocol version at the same time\r\n";
    let mut c = server.client().await;
    c.command(&["HELLO", "3"], noauth).await;
    c.command(
        &["HELLO", "3", "AUTH", "default", "wrong"],
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    )
    .await;
    c.command(&["GET", "k"], b"-NOAUTH Authentication required.\r\n")
        .await;
    c.command(
        &["HELLO", "3", "AUTH", "default", "sekret", "FOO"],
        b"-ERR Syntax error in HELLO option 'FOO'\r\n",
    )
    .await;
    c.command(&["GET", "k"], b"$-1\r\n").await;
    let id = client_id(&mut c).await;
    c.command(
        &["HELLO", "3", "AUTH", "default", "sekret"],
        &hello_reply(true, id),
    )
    .await;
    c.command(&["GET", "k"], b"_\r\n").await;
    c.command(&["RESET"], b"+RESET\r\n").await;
    c.command(&["GET", "k"], b"-NOAUTH Authentication required.\r\n")
        .await;
    c.command(
        &["HELLO", "2", "AUTH", "default", "sekret"],
        &hello_reply(false, id),
    )
    .await;
    c.command(&["GET", "k"], b"$-1\r\n").await;
    server.stop().await;
}

/// A RESP3 connection gets RESP3's types where Redis 7.0 sends them: the
/// null, maps, sets, pairs, a verbatim `INFO`, and the server's own maps.
async fn replies_are_typed<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.send_command(&["HELLO", "3"]).await;
    assert!(matches!(c.read_frame().await, Frame::Map(_)));
    c.command(&["GET", "a"], b"_\r\n").await;
    c.command(&["LPOP", "nokey", "2"], b"_\r\n").await;
    c.command(&["SET", "a", "v"], b"+OK\r\n").await;
    c.command(&["MGET", "a", "nokey"], b"*2\r\n$1\r\nv\r\n_\r\n")
        .await;
    c.command(&["HSET", "h", "f", "v"], b":1\r\n").await;
    c.command(&["HGETALL", "h"], b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n")
        .await;
    c.command(&["HGETALL", "nokey"], b"%0\r\n").await;
    c.command(
        &["HRANDFIELD", "h", "1", "WITHVALUES"],
        b"*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
    )
    .await;
    c.command(&["SADD", "s", "m"], b":1\r\n").await;
    c.command(&["SMEMBERS", "s"], b"~1\r\n$1\r\nm\r\n").await;
    c.command(&["SINTER", "nokey"], b"~0\r\n").await;
    c.command(&["PING"], b"+PONG\r\n").await;
    c.command(&["ECHO", ""], b"$0\r\n\r\n").await;
    c.command(&["CLIENT", "GETNAME"], b"_\r\n").await;
    c.command(&["INFO", "nosuchsection"], b"=4\r\ntxt:\r\n")
        .await;
    c.send_command(&["INFO", "keyspace"]).await;
    let Frame::Verbatim { format, text } = c.read_frame().await else {
        panic!("INFO is not a verbatim string")
    };
    assert_eq!(&format, b"txt");
    assert_eq!(
        &text[..],
        b"# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n"
    );
    let port = server.addr.port().to_string();
    c.command(
        &["CONFIG", "GET", "port"],
        &[b"%1\r\n$4\r\nport\r\n".to_vec(), bulk(&port)].concat(),
    )
    .await;
    c.command(&["CONFIG", "GET", "nomatch"], b"%0\r\n").await;
    c.command(
        &["COMMAND", "DOCS", "ping"],
        b"%1\r\n$4\r\nping\r\n%5\r\n$7\r\nsummary\r\n$15\r\nPing the server\r\n\
          $5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n\
          $10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n\
          $4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n\
          $5\r\nflags\r\n~1\r\n+optional\r\n",
    )
    .await;
    c.command(&["COMMAND", "DOCS", "nosuch"], b"%0\r\n").await;
    // COMMAND INFO: flags and categories are sets, and so are the empty
    // tips, key specs and subcommands; an unknown name is the null.
    c.command(
        &["COMMAND", "INFO", "client|id", "nosuch"],
        b"*2\r\n*10\r\n$9\r\nclient|id\r\n:2\r\n~3\r\n+noscript\r\n+loading\r\n+stale\r\n\
          :0\r\n:0\r\n:0\r\n~2\r\n+@slow\r\n+@connection\r\n~0\r\n~0\r\n~0\r\n_\r\n",
    )
    .await;
    c.send_command(&["COMMAND", "INFO", "client"]).await;
    let Frame::Array(infos) = c.read_frame().await else {
        panic!("COMMAND INFO is not an array")
    };
    let [Frame::Array(client)] = &infos[..] else {
        panic!("one entry expected")
    };
    assert!(matches!(&client[9], Frame::Array(subs) if !subs.is_empty()));
    server.stop().await;
}

/// In RESP3, subscribe confirmations and messages are push frames, and the
/// subscribed client may run any command (Redis 7.0).
async fn pubsub_pushes<D: Db>(db: D) {
    let server = start(db).await;
    let mut sub = server.client().await;
    let mut publisher = server.client().await;
    sub.send_command(&["HELLO", "3"]).await;
    assert!(matches!(sub.read_frame().await, Frame::Map(_)));
    sub.command(&["UNSUBSCRIBE"], &push_of("unsubscribe", None, 0))
        .await;
    sub.command(
        &["SUBSCRIBE", "ch1", "ch2"],
        &[
            push_of("subscribe", Some("ch1"), 1),
            push_of("subscribe", Some("ch2"), 2),
        ]
        .concat(),
    )
    .await;
    publisher
        .command(&["PUBLISH", "ch1", "hello"], b":1\r\n")
        .await;
    sub.expect(b">3\r\n$7\r\nmessage\r\n$3\r\nch1\r\n$5\r\nhello\r\n")
        .await;
    sub.command(&["PING"], b"+PONG\r\n").await;
    sub.command(&["PING", "x"], &bulk("x")).await;
    sub.command(&["SET", "k", "v"], b"+OK\r\n").await;
    sub.command(&["GET", "k"], &bulk("v")).await;
    sub.command(&["GET", "nokey"], b"_\r\n").await;
    sub.command(&["SUBSCRIBE", "ch1"], &push_of("subscribe", Some("ch1"), 2))
        .await;
    sub.command(
        &["UNSUBSCRIBE", "ch1", "nosuch"],
        &[
            push_of("unsubscribe", Some("ch1"), 1),
            push_of("unsubscribe", Some("nosuch"), 1),
        ]
        .concat(),
    )
    .await;
    publisher
        .command(&["PUBLISH", "ch2", "m2"], b":1\r\n")
        .await;
    sub.expect(b">3\r\n$7\r\nmessage\r\n$3\r\nch2\r\n$2\r\nm2\r\n")
        .await;
    server.stop().await;
}

/// `HELLO 2` while subscribed brings back RESP2's subscribe mode: array
/// messages, PING's `pong` array, and only the pub/sub commands allowed.
async fn hello_2_while_subscribed<D: Db>(db: D) {
    let server = start(db).await;
    let mut sub = server.client().await;
    let mut publisher = server.client().await;
    let id = client_id(&mut sub).await;
    sub.command(&["HELLO", "3"], &hello_reply(true, id)).await;
    sub.command(&["SUBSCRIBE", "x"], &push_of("subscribe", Some("x"), 1))
        .await;
    sub.command(&["HELLO", "2"], &hello_reply(false, id)).await;
    sub.command(&["PING"], b"*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        .await;
    sub.command(
        &["GET", "k"],
        b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / \
          RESET are allowed in this context\r\n",
    )
    .await;
    sub.command(
        &["HELLO", "3"],
        b"-ERR Can't execute 'hello': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / \
          RESET are allowed in this context\r\n",
    )
    .await;
    publisher.command(&["PUBLISH", "x", "m"], b":1\r\n").await;
    sub.expect(b"*3\r\n$7\r\nmessage\r\n$1\r\nx\r\n$1\r\nm\r\n")
        .await;
    server.stop().await;
}

/// `RESET` leaves subscribe mode and RESP3 at once: the next replies are
/// RESP2, and no message arrives any more.
async fn reset_returns_to_resp2<D: Db>(db: D) {
    let server = start(db).await;
    let mut sub = server.client().await;
    let mut publisher = server.client().await;
    sub.send_command(&["HELLO", "3"]).await;
    assert!(matches!(sub.read_frame().await, Frame::Map(_)));
    sub.command(&["SUBSCRIBE", "x"], &push_of("subscribe", Some("x"), 1))
        .await;
    sub.command(&["RESET"], b"+RESET\r\n").await;
    publisher.command(&["PUBLISH", "x", "m"], b":0\r\n").await;
    sub.command(&["GET", "nokey"], b"$-1\r\n").await;
    sub.command(&["HGETALL", "nokey"], b"*0\r\n").await;
    // Back in RESP2, subscribing gives arrays again.
    sub.command(
        &["SUBSCRIBE", "x"],
        b"*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n",
    )
    .await;
    server.stop().await;
}

/// What redis-py 8 and node-redis 6 send on connect, pipelined: `HELLO 3`
/// then `CLIENT SETINFO`, answered in order and in RESP3.
async fn client_handshake_pipelined<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.send(
        b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n\
          *4\r\n$6\r\nCLIENT\r\n$7\r\nSETINFO\r\n$8\r\nLIB-NAME\r\n$8\r\nredis-py\r\n\
          *4\r\n$6\r\nCLIENT\r\n$7\r\nSETINFO\r\n$7\r\nLIB-VER\r\n$5\r\n8.0.0\r\n\
          *2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
    )
    .await;
    assert!(matches!(c.read_frame().await, Frame::Map(_)));
    c.expect(b"+OK\r\n+OK\r\n_\r\n").await;
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] hello_3_switches_the_connection,
                #[tokio::test] hello_errors_as_redis,
                #[tokio::test] hello_authenticates,
                #[tokio::test] replies_are_typed,
                #[tokio::test] pubsub_pushes,
                #[tokio::test] hello_2_while_subscribed,
                #[tokio::test] reset_returns_to_resp2,
                #[tokio::test] client_handshake_pipelined,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

//! Every command over a real socket, asserting on the raw RESP bytes of
//! Redis 7's replies, stamped once per strategy.

mod support;

use std::time::Duration;

use sharedkv_db::Db;
use support::{bulk, start};

/// PING, PING with a message and ECHO answer as Redis does; extra arguments are an arity error.
async fn ping_and_echo<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["PING"], b"+PONG\r\n").await;
    c.command(&["ping", "hi there"], b"$8\r\nhi there\r\n")
        .await;
    c.command(&["ECHO", ""], b"$0\r\n\r\n").await;
    c.command(
        &["PING", "a", "b"],
        b"-ERR wrong number of arguments for 'ping' command\r\n",
    )
    .await;
    c.command(
        &["ECHO"],
        b"-ERR wrong number of arguments for 'echo' command\r\n",
    )
    .await;
    server.stop().await;
}

/// SET then GET returns the value byte for byte, CR and LF included; a missing key is a null bulk.
async fn set_and_get<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["GET", "k"], b"$-1\r\n").await;
    c.command(&["SET", "k", "a\r\nb"], b"+OK\r\n").await;
    c.command(&["GET", "k"], b"$4\r\na\r\nb\r\n").await;
    c.command(&["set", "k", ""], b"+OK\r\n").await;
    c.command(&["get", "k"], b"$0\r\n\r\n").await;
    server.stop().await;
}

/// NX, XX and GET decide whether SET writes and what it answers.
async fn set_conditions_and_get<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["SET", "k", "1", "XX"], b"$-1\r\n").await;
    c.command(&["SET", "k", "1", "NX"], b"+OK\r\n").await;
    c.command(&["SET", "k", "2", "NX"], b"$-1\r\n").await;
    c.command(&["SET", "k", "3", "XX", "GET"], b"$1\r\n1\r\n")
        .await;
    c.command(&["SET", "k", "4", "NX", "GET"], b"$1\r\n3\r\n")
        .await;
    c.command(&["SET", "new", "5", "nx", "get"], b"$-1\r\n")
        .await;
    c.command(&["GET", "new"], b"$1\r\n5\r\n").await;
    c.command(&["GET", "k"], b"$1\r\n3\r\n").await;
    server.stop().await;
}

/// Conflicting or malformed SET options get Redis's syntax, integer and expire-time errors.
async fn set_option_errors<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    for bad in [
        &["SET", "k", "v", "NX", "XX"][..],
        &["SET", "k", "v", "EX", "10", "PX", "10"],
        &["SET", "k", "v", "EX", "10", "KEEPTTL"],
        &["SET", "k", "v", "KEEPTTL", "PXAT", "10"],
        &["SET", "k", "v", "EX"],
        &["SET", "k", "v", "BOGUS"],
    ] {
        c.command(bad, b"-ERR syntax error\r\n").await;
    }
    c.command(
        &["SET", "k", "v", "EX", "ten"],
        b"-ERR value is not an integer or out of range\r\n",
    )
    .await;
    for bad in ["0", "-5", "9223372036854775807"] {
        c.command(
            &["SET", "k", "v", "PX", bad],
            b"-ERR invalid expire time in 'set' command\r\n",
        )
        .await;
    }
    c.command(
        &["SET", "k", "v", "EX", "9223372036854776"],
        b"-ERR invalid expire time in 'set' command\r\n",
    )
    .await;
    c.command(
        &["SET", "k"],
        b"-ERR wrong number of arguments for 'set' command\r\n",
    )
    .await;
    c.command(&["DBSIZE"], b":0\r\n").await;
    server.stop().await;
}

/// EX, PX, EXAT, PXAT and KEEPTTL set the TTL that TTL and PTTL report; a past EXAT leaves no key.
async fn set_expiry_options<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["SET", "k", "v", "EX", "100"], b"+OK\r\n").await;
    c.command(&["TTL", "k"], b":100\r\n").await;
    c.command(&["SET", "k", "v", "KEEPTTL"], b"+OK\r\n").await;
    c.command(&["TTL", "k"], b":100\r\n").await;
    c.command(&["SET", "k", "v"], b"+OK\r\n").await;
    c.command(&["TTL", "k"], b":-1\r\n").await;
    c.command(&["SET", "k", "v", "PX", "100000"], b"+OK\r\n")
        .await;
    c.send_command(&["PTTL", "k"]).await;
    let support_frame = c.read_frame().await;
    let sharedkv_resp::Frame::Integer(ms) = support_frame else {
        panic!("{support_frame:?}")
    };
    assert!((99_000..=100_000).contains(&ms), "{ms}");
    c.command(&["SET", "past", "v", "EXAT", "1"], b"+OK\r\n")
        .await;
    c.command(&["GET", "past"], b"$-1\r\n").await;
    let in_an_hour = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
        + 3600;
    c.command(
        &["SET", "at", "v", "EXAT", &in_an_hour.to_string()],
        b"+OK\r\n",
    )
    .await;
    c.send_command(&["TTL", "at"]).await;
    let sharedkv_resp::Frame::Integer(secs) = c.read_frame().await else {
        panic!()
    };
    assert!((3598..=3600).contains(&secs), "{secs}");
    c.command(
        &["SET", "far", "v", "PXAT", "9223372036854775807"],
        b"+OK\r\n",
    )
    .await;
    c.command(&["EXISTS", "far"], b":1\r\n").await;
    server.stop().await;
}

/// Keys given a short TTL really disappear once it has passed.
async fn keys_expire_in_real_time<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["SET", "a", "v", "PX", "50"], b"+OK\r\n").await;
    c.command(&["SET", "b", "v"], b"+OK\r\n").await;
    c.command(&["PEXPIRE", "b", "50"], b":1\r\n").await;
    tokio::time::sleep(Duration::from_millis(120)).await;
    c.command(&["GET", "a"], b"$-1\r\n").await;
    c.command(&["EXISTS", "a", "b"], b":0\r\n").await;
    c.command(&["TTL", "b"], b":-2\r\n").await;
    server.stop().await;
}

/// GETDEL, DEL and EXISTS count and remove keys as Redis does, a repeated key counting twice.
async fn getdel_del_exists<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["MSET", "a", "1", "b", "2", "c", "3"], b"+OK\r\n")
        .await;
    c.command(&["EXISTS", "a", "a", "x"], b":2\r\n").await;
    c.command(&["GETDEL", "a"], b"$1\r\n1\r\n").await;
    c.command(&["GETDEL", "a"], b"$-1\r\n").await;
    c.command(&["DEL", "a", "b", "c", "b"], b":2\r\n").await;
    c.command(&["EXISTS", "b", "c"], b":0\r\n").await;
    c.command(
        &["DEL"],
        b"-ERR wrong number of arguments for 'del' command\r\n",
    )
    .await;
    server.stop().await;
}

/// INCR, DECR, INCRBY and DECRBY count from zero and report non-integers and overflow.
async fn incr_family<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["INCR", "n"], b":1\r\n").await;
    c.command(&["INCRBY", "n", "41"], b":42\r\n").await;
    c.command(&["DECR", "n"], b":41\r\n").await;
    c.command(&["DECRBY", "n", "-9"], b":50\r\n").await;
    c.command(&["GET", "n"], b"$2\r\n50\r\n").await;
    c.command(
        &["INCRBY", "n", "1.5"],
        b"-ERR value is not an integer or out of range\r\n",
    )
    .await;
    c.command(
        &["DECRBY", "n", "-9223372036854775808"],
        b"-ERR decrement would overflow\r\n",
    )
    .await;
    c.command(&["SET", "s", "abc"], b"+OK\r\n").await;
    c.command(
        &["INCR", "s"],
        b"-ERR value is not an integer or out of range\r\n",
    )
    .await;
    c.command(&["SET", "max", "9223372036854775807"], b"+OK\r\n")
        .await;
    c.command(
        &["INCR", "max"],
        b"-ERR increment or decrement would overflow\r\n",
    )
    .await;
    c.command(&["GET", "max"], b"$19\r\n9223372036854775807\r\n")
        .await;
    server.stop().await;
}

/// MSET writes every pair, MGET reads them in order with nulls for missing keys; odd MSET is an arity error.
async fn mget_mset<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["MSET", "a", "1", "b", "2", "a", "3"], b"+OK\r\n")
        .await;
    c.command(
        &["MGET", "a", "nope", "b"],
        b"*3\r\n$1\r\n3\r\n$-1\r\n$1\r\n2\r\n",
    )
    .await;
    c.command(
        &["MSET", "a", "1", "b"],
        b"-ERR wrong number of arguments for 'mset' command\r\n",
    )
    .await;
    c.command(
        &["MSET", "a"],
        b"-ERR wrong number of arguments for 'mset' command\r\n",
    )
    .await;
    c.command(
        &["MGET"],
        b"-ERR wrong number of arguments for 'mget' command\r\n",
    )
    .await;
    server.stop().await;
}

/// EXPIRE, PEXPIRE (with NX|XX|GT|LT), TTL, PTTL and PERSIST follow Redis, including deletion by a past TTL and overflow errors.
async fn expire_ttl_persist<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["TTL", "k"], b":-2\r\n").await;
    c.command(&["PTTL", "k"], b":-2\r\n").await;
    c.command(&["EXPIRE", "k", "10"], b":0\r\n").await;
    c.command(&["SET", "k", "v"], b"+OK\r\n").await;
    c.command(&["TTL", "k"], b":-1\r\n").await;
    c.command(&["PERSIST", "k"], b":0\r\n").await;
    c.command(&["EXPIRE", "k", "100"], b":1\r\n").await;
    c.command(&["TTL", "k"], b":100\r\n").await;
    c.command(&["PERSIST", "k"], b":1\r\n").await;
    c.command(&["TTL", "k"], b":-1\r\n").await;
    c.command(&["PEXPIRE", "k", "2600"], b":1\r\n").await;
    c.command(&["TTL", "k"], b":3\r\n").await;
    c.command(
        &["EXPIRE", "k", "x"],
        b"-ERR value is not an integer or out of range\r\n",
    )
    .await;
    c.command(
        &["EXPIRE", "k", "9223372036854775807"],
        b"-ERR invalid expire time in 'expire' command\r\n",
    )
    .await;
    c.command(
        &["PEXPIRE", "k", "9223372036854775807"],
        b"-ERR invalid expire time in 'pexpire' command\r\n",
    )
    .await;
    // Redis 7's conditions: k has 3 s left.
    c.command(&["EXPIRE", "k", "10", "NX"], b":0\r\n").await;
    c.command(&["EXPIRE", "k", "1", "gt"], b":0\r\n").await;
    c.command(&["EXPIRE", "k", "10", "XX", "GT"], b":1\r\n")
        .await;
    c.command(&["TTL", "k"], b":10\r\n").await;
    c.command(&["EXPIRE", "k", "-1", "GT"], b":0\r\n").await;
    c.command(&["EXISTS", "k"], b":1\r\n").await;
    c.command(
        &["EXPIRE", "k", "10", "NX", "XX"],
        b"-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
    )
    .await;
    c.command(
        &["EXPIRE", "k", "10", "GT", "LT"],
        b"-ERR GT and LT options at the same time are not compatible\r\n",
    )
    .await;
    c.command(
        &["EXPIRE", "k", "10", "SOON"],
        b"-ERR Unsupported option SOON\r\n",
    )
    .await;
    c.command(&["SET", "p", "v"], b"+OK\r\n").await;
    c.command(&["PEXPIRE", "p", "5000", "LT"], b":1\r\n").await;
    c.command(&["PEXPIRE", "p", "9000", "NX"], b":0\r\n").await;
    c.command(&["TTL", "p"], b":5\r\n").await;
    c.command(&["EXPIRE", "k", "-1"], b":1\r\n").await;
    c.command(&["EXISTS", "k"], b":0\r\n").await;
    server.stop().await;
}

/// DBSIZE counts keys; FLUSHDB and FLUSHALL (with ASYNC or SYNC) empty the store.
async fn dbsize_and_flush<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["MSET", "a", "1", "b", "2"], b"+OK\r\n").await;
    c.command(&["DBSIZE"], b":2\r\n").await;
    c.command(&["FLUSHDB"], b"+OK\r\n").await;
    c.command(&["DBSIZE"], b":0\r\n").await;
    c.command(&["SET", "a", "1"], b"+OK\r\n").await;
    c.command(&["FLUSHALL", "async"], b"+OK\r\n").await;
    c.command(&["FLUSHALL", "SYNC"], b"+OK\r\n").await;
    c.command(&["DBSIZE"], b":0\r\n").await;
    c.command(&["FLUSHALL", "LATER"], b"-ERR syntax error\r\n")
        .await;
    server.stop().await;
}

/// Unknown commands and wrong arities get Redis 7's exact text, and the connection stays open.
async fn unknown_command_and_arity_errors<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(
        &["FOO"],
        b"-ERR unknown command 'FOO', with args beginning with: \r\n",
    )
    .await;
    c.command(
        &["foo", "a", "b c"],
        b"-ERR unknown command 'foo', with args beginning with: 'a' 'b c' \r\n",
    )
    .await;
    c.command(
        &["GET"],
        b"-ERR wrong number of arguments for 'get' command\r\n",
    )
    .await;
    c.command(
        &["get", "a", "b"],
        b"-ERR wrong number of arguments for 'get' command\r\n",
    )
    .await;
    c.command(
        &["CLIENT"],
        b"-ERR wrong number of arguments for 'client' command\r\n",
    )
    .await;
    c.command(
        &["client", "nope"],
        b"-ERR unknown subcommand 'nope'. Try CLIENT HELP.\r\n",
    )
    .await;
    c.command(
        &["CONFIG", "GET"],
        b"-ERR wrong number of arguments for 'config|get' command\r\n",
    )
    .await;
    c.command(&["PING"], b"+PONG\r\n").await;
    server.stop().await;
}

/// SELECT accepts databases 0 to 15 with Redis 7's two errors, the choice holds for the connection only; CLIENT ID, SETNAME, GETNAME and SETINFO work as clients expect.
async fn select_and_client<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["SELECT", "0"], b"+OK\r\n").await;
    for out_of_range in ["16", "-1"] {
        c.command(
            &["SELECT", out_of_range],
            b"-ERR DB index is out of range\r\n",
        )
        .await;
    }
    for not_an_integer in ["x", "01", "1.5", "9999999999999999999"] {
        c.command(
            &["SELECT", not_an_integer],
            b"-ERR value is not an integer or out of range\r\n",
        )
        .await;
    }
    c.command(&["SELECT", "15"], b"+OK\r\n").await;
    c.command(&["SET", "k", "in 15"], b"+OK\r\n").await;
    c.command(&["DBSIZE"], b":1\r\n").await;
    let mut other = server.client().await;
    other.command(&["GET", "k"], b"$-1\r\n").await;
    other.command(&["DBSIZE"], b":0\r\n").await;
    other.command(&["SELECT", "15"], b"+OK\r\n").await;
    other.command(&["GET", "k"], &bulk("in 15")).await;
    c.command(&["SELECT", "0"], b"+OK\r\n").await;
    c.command(&["GET", "k"], b"$-1\r\n").await;
    c.command(&["CLIENT", "GETNAME"], b"$-1\r\n").await;
    c.command(&["CLIENT", "SETNAME", "worker-1"], b"+OK\r\n")
        .await;
    c.command(&["CLIENT", "GETNAME"], &bulk("worker-1")).await;
    c.command(
        &["CLIENT", "SETNAME", "a b"],
        b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
    )
    .await;
    c.command(&["CLIENT", "SETNAME", ""], b"+OK\r\n").await;
    c.command(&["CLIENT", "GETNAME"], b"$-1\r\n").await;
    c.command(&["CLIENT", "SETINFO", "LIB-NAME", "redis-rs"], b"+OK\r\n")
        .await;
    c.command(&["CLIENT", "SETINFO", "lib-ver", "1.0.0"], b"+OK\r\n")
        .await;
    c.command(
        &["CLIENT", "SETINFO", "color", "red"],
        b"-ERR Unrecognized option 'color'\r\n",
    )
    .await;
    c.send_command(&["CLIENT", "ID"]).await;
    assert!(matches!(c.read_frame().await, sharedkv_resp::Frame::Integer(id) if id > 0));
    server.stop().await;
}

/// HELLO and HELLO 2 answer with the server map as an array; HELLO 3 as a RESP3 map (more in `resp3.rs`).
async fn hello<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    for args in [
        &["HELLO"][..],
        &["HELLO", "2"],
        &["HELLO", "2", "SETNAME", "me"],
    ] {
        c.send_command(args).await;
        let sharedkv_resp::Frame::Array(map) = c.read_frame().await else {
            panic!("not an array")
        };
        assert_eq!(map.len(), 14);
        assert_eq!(map[3], sharedkv_resp::Frame::Bulk("7.0.0".into()));
        assert_eq!(map[5], sharedkv_resp::Frame::Integer(2));
    }
    c.command(&["CLIENT", "GETNAME"], &bulk("me")).await;
    c.send_command(&["HELLO", "3"]).await;
    let sharedkv_resp::Frame::Map(map) = c.read_frame().await else {
        panic!("not a map")
    };
    assert_eq!(map.len(), 7);
    assert_eq!(
        map[2],
        (
            sharedkv_resp::Frame::Bulk("proto".into()),
            sharedkv_resp::Frame::Integer(3)
        )
    );
    c.command(
        &["HELLO", "1"],
        b"-NOPROTO unsupported protocol version\r\n",
    )
    .await;
    c.command(
        &["HELLO", "two"],
        b"-ERR Protocol version is not an integer or out of range\r\n",
    )
    .await;
    c.command(
        &["HELLO", "2", "bogus"],
        b"-ERR Syntax error in HELLO option 'bogus'\r\n",
    )
    .await;
    server.stop().await;
}

/// INFO reports the Redis version, the backend, clients, counters and the keyspace.
async fn info_reports_backend_and_counts<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["SET", "k", "v"], b"+OK\r\n").await;
    c.send_command(&["INFO"]).await;
    let sharedkv_resp::Frame::Bulk(info) = c.read_frame().await else {
        panic!("not a bulk")
    };
    let info = String::from_utf8(info.to_vec()).expect("utf-8");
    for line in [
        "# Server\r\n",
        "redis_version:7.0.0\r\n",
        "sharedkv_backend:",
        "# Clients\r\nconnected_clients:1\r\n",
        "# Stats\r\n",
        "total_connections_received:1\r\n",
        "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n",
    ] {
        assert!(info.contains(line), "{line:?} missing from {info:?}");
    }
    c.command(
        &["INFO", "keyspace"],
        &bulk("# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n"),
    )
    .await;
    c.command(&["INFO", "nosuchsection"], b"$0\r\n\r\n").await;
    server.stop().await;
}

/// CONFIG GET answers the parameters redis-benchmark reads, by name or glob; unknown ones are left out; CONFIG SET of save is accepted.
async fn config_get<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(
        &["CONFIG", "GET", "save"],
        b"*2\r\n$4\r\nsave\r\n$0\r\n\r\n",
    )
    .await;
    // Answered as spelled, as Redis 7.0 answers a name without globs.
    c.command(
        &["CONFIG", "GET", "APPENDONLY"],
        b"*2\r\n$10\r\nAPPENDONLY\r\n$2\r\nno\r\n",
    )
    .await;
    c.command(
        &["CONFIG", "GET", "maxc*"],
        b"*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n",
    )
    .await;
    c.command(&["CONFIG", "GET", "nosuch"], b"*0\r\n").await;
    c.command(&["CONFIG", "SET", "save", ""], b"+OK\r\n").await;
    server.stop().await;
}

/// COMMAND, COMMAND COUNT, INFO, DOCS and LIST describe the commands from the table, as Redis 7 shapes them (the summaries in our words).
async fn command_introspection<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.send_command(&["COMMAND", "COUNT"]).await;
    let sharedkv_resp::Frame::Integer(count) = c.read_frame().await else {
        panic!()
    };
    c.send_command(&["COMMAND"]).await;
    let sharedkv_resp::Frame::Array(all) = c.read_frame().await else {
        panic!()
    };
    assert_eq!(all.len() as i64, count);
    c.command(
        &["COMMAND", "INFO", "get", "nosuch"],
        // Redis 7.0.15's bytes: GET's key spec, and nil for no command.
        b"*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n\
          *3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n\
          +RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n\
          $4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n\
          $5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n\
          $5\r\nlimit\r\n:0\r\n*0\r\n$-1\r\n",
    )
    .await;
    c.command(
        &["COMMAND", "DOCS", "get"],
        b"*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n$35\r\nReturns the string stored at a key.\r\n\
          $5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n\
          $9\r\narguments\r\n*1\r\n*4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n",
    )
    .await;
    c.send_command(&["COMMAND", "LIST"]).await;
    let sharedkv_resp::Frame::Array(names) = c.read_frame().await else {
        panic!()
    };
    assert!(names.contains(&sharedkv_resp::Frame::Bulk("client|setname".into())));
    c.send_command(&["COMMAND", "DOCS"]).await;
    let sharedkv_resp::Frame::Array(docs) = c.read_frame().await else {
        panic!()
    };
    assert_eq!(docs.len() as i64, 2 * count);
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test] ping_and_echo,
                #[tokio::test] set_and_get,
                #[tokio::test] set_conditions_and_get,
                #[tokio::test] set_option_errors,
                #[tokio::test] set_expiry_options,
                #[tokio::test] keys_expire_in_real_time,
                #[tokio::test] getdel_del_exists,
                #[tokio::test] incr_family,
                #[tokio::test] mget_mset,
                #[tokio::test] expire_ttl_persist,
                #[tokio::test] dbsize_and_flush,
                #[tokio::test] unknown_command_and_arity_errors,
                #[tokio::test] select_and_client,
                #[tokio::test] hello,
                #[tokio::test] info_reports_backend_and_counts,
                #[tokio::test] config_get,
                #[tokio::test] command_introspection,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

//! Transactions isolated on every strategy, over the network: money moved
//! between accounts inside `MULTI`/`EXEC`, or in scripts (declaring their
//! keys or not), never changes the total that any reader sees (in a
//! transaction of its own, in one `MGET`, in a script), `WATCH`
//! retry loops count exactly, and a refused transaction leaves nothing
//! behind. Stamped once per strategy.

mod support;

use rand::Rng;
use sharedkv_db::Db;
use sharedkv_resp::Frame;
use support::{RawClient, bulk, start};
use tokio::task::JoinSet;

/// Accounts, spread over every shard and stripe.
const ACCOUNTS: usize = 24;
/// Each account's balance at the start.
const OPENING: i64 = 1_000;
/// Clients moving money, and transfers each.
const MOVERS: usize = 4;
const TRANSFERS: usize = 250;
/// Clients reading every balance, and reads each.
const READERS: usize = 2;
const READS: usize = 150;

fn account(i: usize) -> String {
    format!("account:{{bank}}:{i}:{}", i * 7919)
}

/// Opens every account with its opening balance.
async fn open_accounts(c: &mut RawClient) {
    let mut open = vec!["MSET".to_string()];
    for i in 0..ACCOUNTS {
        open.push(account(i));
        open.push(OPENING.to_string());
    }
    let args: Vec<&str> = open.iter().map(String::as_str).collect();
    c.command(&args, b"+OK\r\n").await;
}

/// Sends `commands` between `MULTI` and `EXEC` in one write and returns
/// `EXEC`'s reply, after checking that each was queued.
async fn transaction(c: &mut RawClient, commands: &[Vec<String>]) -> Frame {
    let mut request = bytes::BytesMut::new();
    sharedkv_resp::encode_request(&mut request, &["MULTI"]);
    for command in commands {
        let args: Vec<&str> = command.iter().map(String::as_str).collect();
        sharedkv_resp::encode_request(&mut request, &args);
    }
    sharedkv_resp::encode_request(&mut request, &["EXEC"]);
    c.send(&request).await;
    assert_eq!(c.read_frame().await, Frame::Simple("OK".into()));
    for _ in commands {
        assert_eq!(c.read_frame().await, Frame::Simple("QUEUED".into()));
    }
    c.read_frame().await
}

fn words(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// The integers of a reply that is an array of bulk integers.
fn balances(frame: &Frame) -> Vec<i64> {
    let Frame::Array(items) = frame else {
        panic!("expected an array of balances, got {frame:?}")
    };
    items
        .iter()
        .map(|item| match item {
            Frame::Bulk(b) => std::str::from_utf8(b)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("not a balance: {item:?}")),
            Frame::Integer(n) => *n,
            other => panic!("not a balance: {other:?}"),
        })
        .collect()
}

/// 4 clients move random amounts between 24 accounts in MULTI/EXEC (DECRBY then INCRBY) while 2 read every balance, in a transaction of GETs and in one MGET: every read sums to the opening total, and so does the end.
async fn bank_transfers_keep_the_total<D: Db>(db: D) {
    let server = start(db).await;
    let total = OPENING * ACCOUNTS as i64;
    let mut c = server.client().await;
    open_accounts(&mut c).await;
    let mut clients = JoinSet::new();
    for _ in 0..MOVERS {
        let mut c = server.client().await;
        clients.spawn(async move {
            for _ in 0..TRANSFERS {
                let (from, to, amount) = {
                    let mut rng = rand::rng();
                    let from = rng.random_range(0..ACCOUNTS);
                    let to = (from + rng.random_range(1..ACCOUNTS)) % ACCOUNTS;
                    (from, to, rng.random_range(1..50).to_string())
                };
                let reply = transaction(
                    &mut c,
                    &[
                        words(&["DECRBY", &account(from), &amount]),
                        words(&["INCRBY", &account(to), &amount]),
                    ],
                )
                .await;
                assert!(
                    matches!(&reply, Frame::Array(r) if r.len() == 2),
                    "a transfer answered {reply:?}"
                );
            }
        });
    }
    for reader in 0..READERS {
        let mut c = server.client().await;
        clients.spawn(async move {
            let all: Vec<String> = (0..ACCOUNTS).map(account).collect();
            for read in 0..READS {
                let seen = if (read + reader) % 2 == 0 {
                    let gets: Vec<Vec<String>> = all.iter().map(|a| words(&["GET", a])).collect();
                    balances(&transaction(&mut c, &gets).await)
                } else {
                    let mut mget = vec!["MGET"];
                    mget.extend(all.iter().map(String::as_str));
                    c.send_command(&mget).await;
                    balances(&c.read_frame().await)
                };
                assert_eq!(
                    seen.iter().sum::<i64>(),
                    total,
                    "read {read} saw a transfer half done: {seen:?}"
                );
            }
        });
    }
    while let Some(done) = clients.join_next().await {
        done.expect("client");
    }
    let mut mget = vec!["MGET".to_string()];
    mget.extend((0..ACCOUNTS).map(account));
    let args: Vec<&str> = mget.iter().map(String::as_str).collect();
    c.send_command(&args).await;
    assert_eq!(balances(&c.read_frame().await).iter().sum::<i64>(), total);
    server.stop().await;
}

/// Moves `amount` from `KEYS[1]` to `KEYS[2]`.
const MOVE: &str = "redis.call('DECRBY', KEYS[1], ARGV[1]) \
                    return redis.call('INCRBY', KEYS[2], ARGV[1])";
/// The same, naming the accounts in `ARGV` only: keys the script does not
/// declare, which a strategy that cannot take them mid-step must undo and
/// run again over the whole store.
const MOVE_UNDECLARED: &str = "redis.call('DECRBY', ARGV[1], ARGV[3]) \
                               return redis.call('INCRBY', ARGV[2], ARGV[3])";
/// The sum of the balances whose names are in `ARGV` (undeclared).
const SUM: &str = "local total = 0 \
                   for _, name in ipairs(ARGV) do total = total + tonumber(redis.call('GET', name)) end \
                   return total";

/// 4 clients move money between 24 accounts in scripts, half declaring the accounts as KEYS and half naming them in ARGV only, while 2 sum every balance in a script: every sum is the opening total, and so is the end.
async fn bank_transfers_by_script<D: Db>(db: D) {
    let server = start(db).await;
    let total = OPENING * ACCOUNTS as i64;
    let mut c = server.client().await;
    open_accounts(&mut c).await;
    let mut clients = JoinSet::new();
    for mover in 0..MOVERS {
        let mut c = server.client().await;
        clients.spawn(async move {
            for _ in 0..TRANSFERS {
                let (from, to, amount) = {
                    let mut rng = rand::rng();
                    let from = rng.random_range(0..ACCOUNTS);
                    let to = (from + rng.random_range(1..ACCOUNTS)) % ACCOUNTS;
                    (
                        account(from),
                        account(to),
                        rng.random_range(1..50).to_string(),
                    )
                };
                if mover % 2 == 0 {
                    c.send_command(&["EVAL", MOVE, "2", &from, &to, &amount])
                        .await;
                } else {
                    c.send_command(&["EVAL", MOVE_UNDECLARED, "0", &from, &to, &amount])
                        .await;
                }
                let reply = c.read_frame().await;
                assert!(
                    matches!(reply, Frame::Integer(_)),
                    "a transfer answered {reply:?}"
                );
            }
        });
    }
    for _ in 0..READERS {
        let mut c = server.client().await;
        clients.spawn(async move {
            let all: Vec<String> = (0..ACCOUNTS).map(account).collect();
            let mut sum = vec!["EVAL", SUM, "0"];
            sum.extend(all.iter().map(String::as_str));
            for read in 0..READS {
                c.send_command(&sum).await;
                assert_eq!(
                    c.read_frame().await,
                    Frame::Integer(total),
                    "read {read} saw a transfer half done"
                );
            }
        });
    }
    while let Some(done) = clients.join_next().await {
        done.expect("client");
    }
    let mut sum = vec!["EVAL".to_string(), SUM.to_string(), "0".to_string()];
    sum.extend((0..ACCOUNTS).map(account));
    let args: Vec<&str> = sum.iter().map(String::as_str).collect();
    c.send_command(&args).await;
    assert_eq!(c.read_frame().await, Frame::Integer(total));
    server.stop().await;
}

/// Clients, and increments each, in the WATCH retry loops.
const WATCHERS: usize = 4;
const INCREMENTS: usize = 100;

/// 4 clients each add 1 to one counter 100 times with WATCH, GET, MULTI, SET, EXEC, retrying on a null EXEC: the counter ends at exactly 400, and some EXEC was refused on the way (the watch is real).
async fn watch_retry_loops_count_exactly<D: Db>(db: D) {
    let server = start(db).await;
    let mut clients = JoinSet::new();
    for _ in 0..WATCHERS {
        let mut c = server.client().await;
        clients.spawn(async move {
            let mut retries = 0usize;
            for _ in 0..INCREMENTS {
                loop {
                    c.command(&["WATCH", "counter"], b"+OK\r\n").await;
                    c.send_command(&["GET", "counter"]).await;
                    let now = match c.read_frame().await {
                        Frame::Bulk(b) => std::str::from_utf8(&b)
                            .ok()
                            .and_then(|s| s.parse::<i64>().ok())
                            .expect("a number"),
                        Frame::Nil | Frame::Null => 0,
                        other => panic!("GET answered {other:?}"),
                    };
                    let next = (now + 1).to_string();
                    // Let the others run between the read and the write.
                    tokio::task::yield_now().await;
                    match transaction(&mut c, &[words(&["SET", "counter", &next])]).await {
                        Frame::Array(replies) if replies.len() == 1 => break,
                        Frame::NullArray | Frame::Null => retries += 1,
                        other => panic!("EXEC answered {other:?}"),
                    }
                }
            }
            retries
        });
    }
    let mut retries = 0;
    while let Some(done) = clients.join_next().await {
        retries += done.expect("client");
    }
    let mut c = server.client().await;
    let expected = (WATCHERS * INCREMENTS).to_string();
    c.command(&["GET", "counter"], &bulk(&expected)).await;
    // With four clients on two threads, some read was overtaken; if none
    // ever was, the check above proved little (reported, not failed: the
    // schedule decides).
    if retries == 0 {
        eprintln!("no WATCH retry happened in this run");
    }
    server.stop().await;
}

/// A command refused while queueing makes EXEC answer EXECABORT and run nothing; an error while executing rolls nothing back; DISCARD drops the queue; a watched key written by anyone (this client too) makes EXEC answer null.
async fn refused_and_failed_transactions<D: Db>(db: D) {
    let server = start(db).await;
    let mut c = server.client().await;
    c.command(&["MULTI"], b"+OK\r\n").await;
    c.command(&["SET", "a", "1"], b"+QUEUED\r\n").await;
    c.command(
        &["NOSUCH"],
        b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n",
    )
    .await;
    c.command(&["SET", "b", "1"], b"+QUEUED\r\n").await;
    c.command(
        &["EXEC"],
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    )
    .await;
    c.command(&["EXISTS", "a", "b"], b":0\r\n").await;

    c.command(&["LPUSH", "list", "x"], b":1\r\n").await;
    let reply = transaction(
        &mut c,
        &[
            words(&["SET", "a", "1"]),
            words(&["INCR", "list"]),
            words(&["SET", "b", "2"]),
        ],
    )
    .await;
    assert_eq!(
        reply,
        Frame::Array(vec![
            Frame::Simple("OK".into()),
            Frame::Error(
                "WRONGTYPE Operation against a key holding the wrong kind of value".into()
            ),
            Frame::Simple("OK".into()),
        ])
    );
    c.command(&["MGET", "a", "b"], b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        .await;

    c.command(&["MULTI"], b"+OK\r\n").await;
    c.command(&["DEL", "a"], b"+QUEUED\r\n").await;
    c.command(&["DISCARD"], b"+OK\r\n").await;
    c.command(&["EXISTS", "a"], b":1\r\n").await;

    let mut other = server.client().await;
    c.command(&["WATCH", "a", "nothing"], b"+OK\r\n").await;
    other.command(&["SET", "a", "changed"], b"+OK\r\n").await;
    let reply = transaction(&mut c, &[words(&["SET", "b", "3"])]).await;
    assert!(matches!(reply, Frame::NullArray | Frame::Null), "{reply:?}");
    c.command(&["GET", "b"], &bulk("2")).await;

    c.command(&["WATCH", "a"], b"+OK\r\n").await;
    c.command(&["SET", "a", "mine"], b"+OK\r\n").await;
    let reply = transaction(&mut c, &[words(&["SET", "b", "4"])]).await;
    assert!(matches!(reply, Frame::NullArray | Frame::Null), "{reply:?}");

    // Keys that the commands do not name (SORT BY, FLUSHDB, DBSIZE) make
    // the step hold the whole store.
    c.command(&["RPUSH", "ids", "2", "1"], b":2\r\n").await;
    c.command(&["MSET", "w_1", "20", "w_2", "10"], b"+OK\r\n")
        .await;
    let reply = transaction(
        &mut c,
        &[
            words(&["SORT", "ids", "BY", "w_*"]),
            words(&["DBSIZE"]),
            words(&["FLUSHDB"]),
            words(&["DBSIZE"]),
        ],
    )
    .await;
    assert_eq!(
        reply,
        Frame::Array(vec![
            Frame::Array(vec![Frame::Bulk("2".into()), Frame::Bulk("1".into())]),
            Frame::Integer(6),
            Frame::Simple("OK".into()),
            Frame::Integer(0),
        ])
    );
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                bank_transfers_keep_the_total,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                watch_retry_loops_count_exactly,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                refused_and_failed_transactions,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                bank_transfers_by_script,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

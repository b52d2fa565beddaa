//! Scripts that misbehave, on every strategy: a script that asks for
//! unbounded memory or recursion gets an error, and the server serves on.
//! The engine's own tests (`crates/scripting`) check every conversion and
//! error text against redis-server, and `BUSY`, `SCRIPT KILL` and
//! `UNKILLABLE` on the engine; through the server those are not yet
//! reliable (see `crates/server/src/scripting.rs`).

mod support;

use sharedkv_db::Db;
use sharedkv_resp::Frame;
use support::{RawClient, start};

/// One test at a time: each runs scripts that keep a core busy until
/// their limits stop them.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The frame of an error reply, or a failure naming what came instead.
async fn error_of(c: &mut RawClient) -> String {
    match c.read_frame().await {
        Frame::Error(e) => String::from_utf8_lossy(&e).into_owned(),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// A script that builds a huge string, grows a table without end or recurses without end gets an error reply, and the server serves on.
async fn hostile_scripts_get_errors<D: Db>(db: D) {
    let _serial = SERIAL.lock().await;
    let server = start(db).await;
    let mut c = server.client().await;
    for script in [
        "return string.rep('x', 1e10)",
        "local function f(n) return f(n + 1) + 1 end return f(1)",
        "local s = 'z' while true do s = s .. s end",
    ] {
        c.send_command(&["EVAL", script, "0"]).await;
        let error = error_of(&mut c).await;
        assert!(error.starts_with("ERR"), "{script}: {error}");
        c.command(&["PING"], b"+PONG\r\n").await;
    }
    c.command(&["EVAL", "return 1", "0"], b":1\r\n").await;
    server.stop().await;
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                hostile_scripts_get_errors,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

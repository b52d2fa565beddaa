//! Real applications on real client libraries, on their default settings:
//! `clients/python/apps.py` (redis-py) and `clients/node/apps.js`
//! (node-redis, then ioredis) each run four small apps (a session store, a
//! reliable job queue, a tag index, a leaderboard) against a server started
//! here, once per strategy; `clients/python/server.py` and
//! `clients/node/server.js` run what every application needs of its server
//! (a named, authenticated connection, cache commands, a pipeline, pub/sub
//! with patterns, a 10 MB value, SCAN, a second database, INFO) against a
//! server with a password; `clients/python/transactions.py` and
//! `clients/node/transactions.js` run transactions, WATCH loops, locks and
//! scripts. Each asserts every reply, so a wrong reply,
//! a missing command or a protocol the server does not speak fails the test
//! with the script's own output.
//!
//! Without python's `redis` module, or without `clients/node/node_modules`,
//! the test prints `SKIPPED` and passes, except under `CI`, where it fails:
//! CI installs both (`.ci/run`), as the differential test does with
//! redis-server.
//!
//! ```text
//! python3 -m pip install -r clients/python/requirements.txt
//! npm ci --prefix clients/node
//! cargo test -p sharedkv-server --test apps
//! ```

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sharedkv_db::Db;
use support::{start, start_with, with_password};

/// How long one run of an apps script may take: the server is a debug
/// build, and tests run two at a time on two cores.
const APP_TIMEOUT: Duration = Duration::from_secs(120);

/// The workspace root: `clients/` is there.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A runner of apps that is missing from this machine, and how to get it.
struct Missing(String);

/// Whether `python3` with the `redis` module is here (checked once).
fn python_ready() -> &'static Result<(), Missing> {
    static READY: OnceLock<Result<(), Missing>> = OnceLock::new();
    READY.get_or_init(|| {
        let found = Command::new("python3")
            .args(["-c", "import redis"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match found {
            Ok(status) if status.success() => Ok(()),
            _ => Err(Missing(
                "python3 with the redis module not found (python3 -m pip install -r \
                 clients/python/requirements.txt; .ci/run does it)"
                    .to_owned(),
            )),
        }
    })
}

/// Whether `node` and `clients/node/node_modules` are here (checked once).
fn node_ready() -> &'static Result<(), Missing> {
    static READY: OnceLock<Result<(), Missing>> = OnceLock::new();
    READY.get_or_init(|| {
        let node = Command::new("node")
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !matches!(node, Ok(status) if status.success()) {
            return Err(Missing("node not found on PATH".to_owned()));
        }
        if !root().join("clients/node/node_modules").is_dir() {
            return Err(Missing(
                "clients/node/node_modules not found (npm ci --prefix clients/node; \
                 .ci/run does it)"
                    .to_owned(),
            ));
        }
        Ok(())
    })
}

/// False, after saying why the test is skipped, if `ready` is a
/// [`Missing`]; under `CI` that fails the test instead.
fn can_run(ready: &Result<(), Missing>) -> bool {
    let Err(Missing(why)) = ready else {
        return true;
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "{why}, and CI is set: CI installs it (.ci/run), so the apps test must not pass without it"
    );
    eprintln!("SKIPPED: {why}");
    false
}

/// The password of the servers `server.py` and `server.js` run against.
const PASSWORD: &str = "sharedkv-apps-secret";

/// Runs `program script --port port [--password password]` from the
/// workspace root, and fails the test with its output unless it exits 0
/// within [`APP_TIMEOUT`].
fn run_apps(program: &str, script: &str, port: u16, password: Option<&str>) {
    let what = format!("{program} {script} --port {port}");
    let mut child = Command::new(program)
        .arg(script)
        .args(["--port", &port.to_string()])
        .args(password.map(|p| ["--password", p]).into_iter().flatten())
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {what}: {e}"));
    // Read both pipes on their own threads so that neither fills up and
    // stalls the child while we wait for it.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));

    let deadline = Instant::now() + APP_TIMEOUT;
    let status = loop {
        match child.try_wait().expect("waiting for the apps") {
            Some(status) => break Some(status),
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let output = format!("--- stdout\n{stdout}--- stderr\n{stderr}---");
    match status {
        Some(status) if status.success() => eprintln!("{what}\n{output}"),
        Some(status) => panic!("{what} failed ({status})\n{output}"),
        None => panic!("{what} did not finish within {APP_TIMEOUT:?}\n{output}"),
    }
}

/// Starts a server over `db` (requiring `password`, if any), runs one
/// script against it on a blocking thread (the server keeps running on the
/// runtime's workers), and stops it.
async fn apps_against<D: Db>(
    db: D,
    program: &'static str,
    script: &'static str,
    password: Option<&'static str>,
) {
    let server = match password {
        Some(password) => start_with(db, with_password(password)).await,
        None => start(db).await,
    };
    let port = server.addr.port();
    let run = tokio::task::spawn_blocking(move || run_apps(program, script, port, password)).await;
    server.stop().await;
    if let Err(e) = run {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// redis-py's session store, job queue, tag index and leaderboard pass with every reply as they expect.
async fn python_apps<D: Db>(db: D) {
    if can_run(python_ready()) {
        apps_against(db, "python3", "clients/python/apps.py", None).await;
    }
}

/// node-redis's and then ioredis's session store, job queue, tag index and leaderboard pass with every reply as they expect.
async fn node_apps<D: Db>(db: D) {
    if can_run(node_ready()) {
        apps_against(db, "node", "clients/node/apps.js", None).await;
    }
}

/// redis-py's connection, cache, pipeline, pub/sub, 10 MB value, SCAN, SELECT 1 and INFO scenarios pass against a server with a password.
async fn python_server_scenarios<D: Db>(db: D) {
    if can_run(python_ready()) {
        apps_against(db, "python3", "clients/python/server.py", Some(PASSWORD)).await;
    }
}

/// node-redis's and then ioredis's same scenarios pass against a server with a password.
async fn node_server_scenarios<D: Db>(db: D) {
    if can_run(node_ready()) {
        apps_against(db, "node", "clients/node/server.js", Some(PASSWORD)).await;
    }
}

/// redis-py's `pipeline()` transaction, `transaction()` with WATCH from four threads, `Lock` and `register_script` pass.
async fn python_transactions<D: Db>(db: D) {
    if can_run(python_ready()) {
        apps_against(db, "python3", "clients/python/transactions.py", None).await;
    }
}

/// node-redis's and then ioredis's `multi().exec()`, a WATCH counter from four connections and scripts (ioredis's `defineCommand`) pass.
async fn node_transactions<D: Db>(db: D) {
    if can_run(node_ready()) {
        apps_against(db, "node", "clients/node/transactions.js", None).await;
    }
}

macro_rules! stamp {
    ($strategy:ident, $new:expr) => {
        mod $strategy {
            sharedkv_testsuite::stamp_checks! { $new =>
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)] python_apps,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)] node_apps,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)] python_server_scenarios,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)] node_server_scenarios,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)] python_transactions,
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)] node_transactions,
            }
        }
    };
}

sharedkv_testsuite::for_each_strategy!(stamp);

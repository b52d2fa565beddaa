//! Busy scripts and SCRIPT KILL, memory limits, deep recursion, and
//! scripts running on several threads at once. The kill texts were checked
//! against redis-server 7.0.15 (`CONFIG SET busy-reply-threshold 200`, then
//! `SCRIPT KILL` from another client); the out-of-memory text is this
//! engine's own, as Redis 7.0 has no Lua memory limit.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sharedkv_scripting::{CallContext, Engine, ErrorKind, Host, Limits, LogLevel, Script};
use support::{FakeHost, eval, eval_with};

fn quick_engine() -> Arc<Engine> {
    Arc::new(Engine::new(Limits {
        memory: 16 * 1024 * 1024,
        busy_threshold: Duration::from_millis(100),
    }))
}

/// Waits until the engine reports a busy script (at most 10 s).
fn wait_busy(e: &Engine) {
    let start = Instant::now();
    while !e.busy() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "never became busy"
        );
        thread::sleep(Duration::from_millis(10));
    }
}

fn run_in_thread(e: &Arc<Engine>, script: &'static str) -> thread::JoinHandle<String> {
    let e = e.clone();
    thread::spawn(move || eval(&e, script))
}

/// A looping script becomes busy past the threshold and SCRIPT KILL ends it with Redis's error.
#[test]
fn kill_a_busy_loop() {
    let e = quick_engine();
    assert_eq!(
        e.kill().map_err(|e| e.to_string()),
        Err("NOTBUSY No scripts in execution right now.".to_owned())
    );
    let running = run_in_thread(&e, "local i = 0 while true do i = i + 1 end");
    wait_busy(&e);
    assert!(e.kill().is_ok());
    let reply = running.join().unwrap_or_default();
    assert_eq!(
        reply,
        "-ERR Script killed by user with SCRIPT KILL... script: 3fcf51a9b854b8f66cb8685600b0d7df968f4398, on @user_script:1.\r\n"
    );
    assert!(!e.busy());
    assert_eq!(e.kill().err().map(|e| e.kind()), Some(ErrorKind::NotBusy));
    // The VM is reused and works.
    assert_eq!(eval(&e, "return 1"), ":1\r\n");
}

/// Neither pcall nor a coroutine can keep a killed script alive.
#[test]
fn kill_cannot_be_caught() {
    let e = quick_engine();
    for (script, sha) in [
        (
            "while true do pcall(function() while true do end end) end",
            "3d7b0cfd4124d0a72b8a39e531e7c806bc453d3e",
        ),
        (
            "local co = coroutine.wrap(function() while true do end end) co()",
            "27e265fe2c9efcb12a00a7c312452de0e08d5425",
        ),
        (
            "local t = {} local i = 0 while true do i = i + 1 t[(i % 1000) + 1] = pcall(error, 'x') end",
            "4c3bf9abe9da270822baac6316f0f2d906f911ad",
        ),
    ] {
        let running = run_in_thread(&e, script);
        wait_busy(&e);
        assert!(e.kill().is_ok());
        let reply = running.join().unwrap_or_default();
        assert_eq!(
            reply,
            format!(
                "-ERR Script killed by user with SCRIPT KILL... script: {sha}, on @user_script:1.\r\n"
            )
        );
    }
}

/// A host whose `GET stop` answers 1 once the test says so.
struct StopHost {
    inner: FakeHost,
    stop: Arc<AtomicBool>,
}

impl Host for StopHost {
    fn call(&mut self, argv: Vec<Bytes>, ctx: &CallContext<'_>) -> Vec<u8> {
        if argv.len() == 2 && &argv[1][..] == b"stop" {
            return if self.stop.load(Ordering::Relaxed) {
                b"$1\r\n1\r\n".to_vec()
            } else {
                b"$-1\r\n".to_vec()
            };
        }
        self.inner.call(argv, ctx)
    }

    fn log(&mut self, level: LogLevel, message: &[u8]) {
        self.inner.log(level, message);
    }
}

/// Runs `body` on a thread, on a [`StopHost`]; the flag that stops it and
/// the thread, whose result is the reply.
fn run_until_stopped(
    e: &Arc<Engine>,
    body: &'static [u8],
) -> (Arc<AtomicBool>, thread::JoinHandle<Vec<u8>>) {
    let stop = Arc::new(AtomicBool::new(false));
    let (e, flag) = (e.clone(), stop.clone());
    let running = thread::spawn(move || {
        let mut host = StopHost {
            inner: FakeHost::default(),
            stop: flag,
        };
        let body = Bytes::from_static(body);
        e.run(Script::Body(&body), vec![], vec![], false, false, &mut host)
    });
    (stop, running)
}

/// A busy script that has written cannot be killed (UNKILLABLE) and runs to its end.
#[test]
fn a_writer_is_unkillable() {
    let e = quick_engine();
    let (stop, running) = run_until_stopped(
        &e,
        b"redis.call('set','x','1') while redis.call('get','stop') ~= '1' do end return 'done'",
    );
    wait_busy(&e);
    let err = e.kill().err();
    assert_eq!(err.as_ref().map(|e| e.kind()), Some(ErrorKind::Unkillable));
    assert_eq!(
        err.map(|e| e.to_string()).unwrap_or_default(),
        "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
    );
    stop.store(true, Ordering::Relaxed);
    assert_eq!(running.join().unwrap_or_default(), b"$4\r\ndone\r\n");
}

/// A script below the threshold is not busy, and a zero threshold never is.
#[test]
fn busy_only_past_the_threshold() {
    let e = Arc::new(Engine::new(Limits {
        memory: 16 * 1024 * 1024,
        busy_threshold: Duration::from_secs(3600),
    }));
    let running = run_in_thread(&e, "local i = 0 while i < 3e6 do i = i + 1 end return i");
    thread::sleep(Duration::from_millis(20));
    assert!(!e.busy());
    assert_eq!(e.kill().err().map(|e| e.kind()), Some(ErrorKind::NotBusy));
    assert_eq!(running.join().unwrap_or_default(), ":3000000\r\n");
    e.set_busy_threshold(Duration::ZERO);
    assert!(!e.busy());
}

/// A run that lasts past LONG_RUN is counted as long and calls on_long_run then and every LEND_EVERY after; a short run never does.
#[test]
fn long_runs_call_on_long_run() {
    use std::sync::atomic::AtomicUsize;
    let e = Arc::new(Engine::new(Limits {
        memory: 16 * 1024 * 1024,
        busy_threshold: Duration::from_secs(3600),
    }));
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    e.on_long_run(move || {
        counted.fetch_add(1, Ordering::Relaxed);
    });
    assert_eq!(eval(&e, "return 1"), ":1\r\n");
    assert_eq!(calls.load(Ordering::Relaxed), 0);
    assert!(!e.long_running() && !e.running());
    let (stop, running) = run_until_stopped(
        &e,
        b"while redis.call('get','stop') ~= '1' do end return 'done'",
    );
    let start = Instant::now();
    while !e.running() {
        assert!(start.elapsed() < Duration::from_secs(10), "never ran");
        thread::sleep(Duration::from_millis(1));
    }
    while !e.long_running() {
        assert!(start.elapsed() < Duration::from_secs(10), "never long");
        thread::sleep(Duration::from_millis(1));
    }
    thread::sleep(sharedkv_scripting::LEND_EVERY * 3);
    stop.store(true, Ordering::Relaxed);
    assert_eq!(running.join().unwrap_or_default(), b"$4\r\ndone\r\n");
    assert!(!e.long_running());
    assert!(!e.running());
    let n = calls.load(Ordering::Relaxed);
    assert!((2..=10).contains(&n), "on_long_run called {n} times");
}

/// string.rep bombs, endless tables and doubling strings end with an error reply and the engine goes on.
#[test]
fn memory_limit() {
    let e = quick_engine();
    for script in [
        "return string.rep('x', 1e10)",
        "return #string.rep('abc', 1e8)",
        "local t = {} local i = 0 while true do i = i + 1 t[i] = i end",
        "local s = 'x' while true do s = s .. s end",
        "local t = {} while true do t[#t + 1] = string.rep('y', 1000) .. #t end",
    ] {
        let reply = eval(&e, script);
        assert!(
            reply.starts_with(
                "-ERR not enough memory: the script's Lua VM reached its limit of 16777216 bytes"
            ),
            "{script}: {reply}"
        );
        assert!(e.memory() < 16 * 1024 * 1024, "{}", e.memory());
        assert_eq!(eval(&e, "return 'alive'"), "$5\r\nalive\r\n");
    }
    // Caught by pcall, a failed allocation is an ordinary error.
    assert_eq!(
        eval(
            &e,
            "local ok, err = pcall(string.rep, 'x', 1e10) return err"
        ),
        "$17\r\nnot enough memory\r\n"
    );
    // An empty string repeated a billion times costs nothing.
    assert_eq!(eval(&e, "return #string.rep('', 1e9)"), ":0\r\n");
}

/// Deep Lua recursion and deep recursion through C both end with Lua's error, as in Redis.
#[test]
fn deep_recursion() {
    let e = quick_engine();
    // Checked against redis-server 7.0.15.
    assert_eq!(
        eval(&e, "local function f() return 1 + f() end return f()"),
        "-ERR user_script:1: stack overflow script: 2c347ae0c7feaa40c62d8208d59e954ee9ff79ff, on @user_script:1.\r\n"
    );
    assert_eq!(
        eval(
            &e,
            "local t = setmetatable({}, {__index = function(t,k) return t[k] end}) return t.x"
        ),
        "-ERR user_script:1: C stack overflow script: 4b3070710bac552f5dd71ce2fd0b6a237d16d57c, on @user_script:1.\r\n"
    );
    // On a thread with a small stack too: the engine does not recurse in Rust per Lua level.
    let e2 = e.clone();
    let small = thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            (
                eval(&e2, "local function f(n) return pcall(f, n) end return f(1)"),
                eval(&e2, "local t = {} t[1] = t return #cjson.encode({1})"),
                eval(&e2, "local t = {} local c = t for i = 1, 999 do c[1] = {} c = c[1] end return #cjson.encode(t)"),
            )
        })
        .map(|h| h.join());
    let Ok(Ok((a, b, c))) = small else {
        panic!("the small-stack thread failed");
    };
    assert_eq!(a, ":1\r\n");
    assert_eq!(b, ":3\r\n");
    assert_eq!(c, ":2000\r\n");
}

/// Several threads run scripts at once, each in a VM of its own, and share the cache.
#[test]
fn parallel_scripts() {
    let e = quick_engine();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let e = e.clone();
            thread::spawn(move || {
                let mut host = FakeHost::default();
                let mut last = String::new();
                for _ in 0..200 {
                    last = eval_with(
                        &e,
                        &mut host,
                        "local n = redis.call('incr', KEYS[1]) local s = 0 for i = 1, 1000 do s = s + i end return {n, s, ARGV[1]}",
                        &["counter"],
                        &[&t.to_string()],
                        false,
                    );
                }
                last
            })
        })
        .collect();
    for (t, h) in threads.into_iter().enumerate() {
        assert_eq!(
            h.join().unwrap_or_default(),
            format!("*3\r\n:200\r\n:500500\r\n$1\r\n{t}\r\n")
        );
    }
    assert_eq!(e.cached(), 1);
}

/// A host that panics on every command.
struct PanicHost;

impl Host for PanicHost {
    fn call(&mut self, _: Vec<Bytes>, _: &CallContext<'_>) -> Vec<u8> {
        panic!("host failure");
    }

    fn log(&mut self, _: LogLevel, _: &[u8]) {}
}

/// A host that panics ends its script, and the engine is left idle and usable.
#[test]
fn a_panicking_host_leaves_no_busy_run() {
    let e = Arc::new(Engine::new(Limits {
        memory: 16 * 1024 * 1024,
        busy_threshold: Duration::from_millis(1),
    }));
    let body = Bytes::from_static(b"return redis.call('ping')");
    let e2 = e.clone();
    let result = thread::spawn(move || {
        e2.run(
            Script::Body(&body),
            vec![],
            vec![],
            false,
            false,
            &mut PanicHost,
        )
    })
    .join();
    // mlua turns the panic into a Lua error, which ends the script with an
    // error reply; were it to unwind instead, the run must still end.
    if let Ok(reply) = result {
        assert_eq!(reply.first(), Some(&b'-'));
    }
    thread::sleep(Duration::from_millis(5));
    assert!(!e.busy());
    assert_eq!(eval(&e, "return 1"), ":1\r\n");
}

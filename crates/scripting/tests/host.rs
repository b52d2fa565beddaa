//! A script and its host: `KEYS` and `ARGV`, the commands it runs, the
//! protocol of their replies, read-only runs, logs, and the cache of
//! `EVALSHA`. Every expected reply was checked against redis-server 7.0.15
//! (its texts; the SHA-1s name the same scripts there).

mod support;

use bytes::Bytes;
use sharedkv_scripting::{ErrorKind, LogLevel, Script};
use support::{FakeHost, engine, eval_with, sha};

fn b(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

/// KEYS and ARGV hold the arguments, and commands run on the host in order.
#[test]
fn keys_args_and_commands() {
    let e = engine();
    let mut host = FakeHost::default();
    let reply = eval_with(
        &e,
        &mut host,
        "redis.call('set', KEYS[1], ARGV[1]) return {KEYS[1], ARGV[1], ARGV[2], redis.call('get', KEYS[1]), redis.call('incr', 'n')}",
        &["k"],
        &["v", "w"],
        false,
    );
    assert_eq!(
        reply,
        "*5\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\nw\r\n$1\r\nv\r\n:1\r\n"
    );
    assert_eq!(host.calls, 3);
}

/// redis.call raises a command's error with its code; redis.pcall returns it as a table.
#[test]
fn command_errors_keep_their_code() {
    let e = engine();
    let mut host = FakeHost::default();
    let reply = eval_with(
        &e,
        &mut host,
        "redis.call('hset', 'h', 'f', 'v') return redis.call('incr', 'h')",
        &[],
        &[],
        false,
    );
    assert_eq!(
        reply,
        "-WRONGTYPE Operation against a key holding the wrong kind of value script: 290fc17d55bf5ccbf7f0aa18f127d6455d4fdf2a, on @user_script:1.\r\n"
    );
    let reply = eval_with(
        &e,
        &mut host,
        "redis.call('hset', 'h', 'f', 'v') local r = redis.pcall('incr', 'h') return r.err",
        &[],
        &[],
        false,
    );
    assert_eq!(
        reply,
        "$65\r\nWRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    let reply = eval_with(
        &e,
        &mut host,
        "return redis.call('incr', 'k')",
        &[],
        &[],
        false,
    );
    assert_eq!(reply, ":1\r\n");
    host.data
        .insert(b"k".to_vec(), support::Val::Str(b"v".to_vec()));
    let reply = eval_with(
        &e,
        &mut host,
        "return redis.call('incr', 'k')",
        &[],
        &[],
        false,
    );
    assert_eq!(
        reply,
        "-ERR value is not an integer or out of range script: 6f2b230e8168d6623331d135dfd8a3a262da17ee, on @user_script:1.\r\n"
    );
}

/// After redis.setresp(3) the host answers in RESP3 and a map reaches the client as one.
#[test]
fn setresp_3_reaches_the_host() {
    let e = engine();
    let mut host = FakeHost::default();
    let script =
        "redis.call('hset', 'h', 'f', 'v') redis.setresp(3) return redis.call('hgetall', 'h')";
    assert_eq!(
        eval_with(&e, &mut host, script, &[], &[], true),
        "%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
    );
    assert_eq!(
        eval_with(&e, &mut host, script, &[], &[], false),
        "*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    );
}

/// EVAL_RO and a no-writes shebang make the host refuse writes; EVAL_RO refuses a writing shebang.
#[test]
fn read_only_runs() {
    let e = engine();
    let mut host = FakeHost::default();
    let body = b("return redis.call('incr', 'n')");
    let reply = e.run(Script::Body(&body), vec![], vec![], true, false, &mut host);
    assert_eq!(
        reply,
        b"-ERR Write commands are not allowed from read-only scripts. script: 13d59bf45c06b30ad517603a2a8c76adfac50db3, on @user_script:1.\r\n"
    );
    let body = b("#!lua flags=no-writes\nreturn redis.call('set','x','1')");
    let reply = e.run(Script::Body(&body), vec![], vec![], false, false, &mut host);
    assert_eq!(
        reply,
        b"-ERR Write commands are not allowed from read-only scripts. script: 6496c2741353a8e9e5fd8f1f4205c2149edef733, on @user_script:2.\r\n"
    );
    let body = b("#!lua\nreturn 1");
    let reply = e.run(Script::Body(&body), vec![], vec![], true, false, &mut host);
    assert_eq!(
        reply,
        b"-ERR Can not execute a script with write flag using *_ro command.\r\n"
    );
    assert!(host.data.is_empty());
}

/// redis.log hands the host its level and the arguments joined by spaces.
#[test]
fn log_reaches_the_host() {
    let e = engine();
    let mut host = FakeHost::default();
    let reply = eval_with(
        &e,
        &mut host,
        "redis.log(redis.LOG_WARNING, 'a', 1.5, {}, 'b') return 1",
        &[],
        &[],
        false,
    );
    assert_eq!(reply, ":1\r\n");
    assert_eq!(host.logs, vec![(LogLevel::Warning, b"a 1.5 b".to_vec())]);
}

/// SCRIPT LOAD, EXISTS, EVALSHA in either case, FLUSH and NOSCRIPT behave as Redis's.
#[test]
fn script_cache() {
    let e = engine();
    let mut host = FakeHost::default();
    let s = sha(&e, "return 'up'");
    assert_eq!(s, "58054efbc95eea2c48e459152c07e3b1d3d44f87");
    assert!(e.exists(s.as_bytes()));
    assert_eq!(e.cached(), 1);
    let upper = s.to_ascii_uppercase();
    let reply = e.run(
        Script::Sha(upper.as_bytes()),
        vec![],
        vec![],
        false,
        false,
        &mut host,
    );
    assert_eq!(reply, b"$2\r\nup\r\n");
    // EVAL caches its body too.
    let body = b("return 2");
    e.run(Script::Body(&body), vec![], vec![], false, false, &mut host);
    assert_eq!(e.cached(), 2);
    assert!(e.memory() > 0);
    e.flush();
    assert_eq!(e.cached(), 0);
    assert!(!e.exists(s.as_bytes()));
    let reply = e.run(
        Script::Sha(s.as_bytes()),
        vec![],
        vec![],
        false,
        false,
        &mut host,
    );
    assert_eq!(reply, b"-NOSCRIPT No matching script. Please use EVAL.\r\n");
    let reply = e.run(Script::Sha(b"abc"), vec![], vec![], false, false, &mut host);
    assert_eq!(reply, b"-NOSCRIPT No matching script. Please use EVAL.\r\n");
}

/// SCRIPT LOAD reports syntax and shebang errors as Redis words them.
#[test]
fn load_errors() {
    let e = engine();
    let err = e.load(b("return 1 +")).err();
    assert_eq!(err.as_ref().map(|e| e.kind()), Some(ErrorKind::Compile));
    assert_eq!(
        err.map(|e| e.to_string()).unwrap_or_default(),
        "ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'"
    );
    let err = e.load(b("#!lua flags=bogus\nreturn 1")).err();
    assert_eq!(err.as_ref().map(|e| e.kind()), Some(ErrorKind::Shebang));
    assert_eq!(
        err.map(|e| e.reply()).unwrap_or_default(),
        b"-ERR Unexpected flag in script shebang: bogus\r\n"
    );
    assert_eq!(e.cached(), 0);
    assert_eq!(e.flags(b"58054efbc95eea2c48e459152c07e3b1d3d44f87"), None);
}

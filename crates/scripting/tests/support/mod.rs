//! A small in-memory host for the tests: a handful of commands over a
//! `HashMap`, with hand-written RESP replies worded as redis-server 7.0.15
//! words them.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use bytes::Bytes;
use sharedkv_scripting::{CallContext, Engine, Host, Limits, LogLevel, Script};

/// A value of the fake keyspace.
#[derive(Clone, Debug)]
pub enum Val {
    Str(Vec<u8>),
    Hash(BTreeMap<Vec<u8>, Vec<u8>>),
}

/// The fake host.
#[derive(Default)]
pub struct FakeHost {
    pub data: HashMap<Vec<u8>, Val>,
    pub logs: Vec<(LogLevel, Vec<u8>)>,
    pub calls: usize,
}

fn bulk(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(format!("${}\r\n", b.len()).as_bytes());
    out.extend_from_slice(b);
    out.extend_from_slice(b"\r\n");
}

const WRONGTYPE: &[u8] = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

impl Host for FakeHost {
    fn call(&mut self, argv: Vec<Bytes>, ctx: &CallContext<'_>) -> Vec<u8> {
        self.calls += 1;
        let name = argv[0].to_ascii_lowercase();
        let arity: Option<(usize, bool, bool)> = match &name[..] {
            // (arity as Redis gives it: exact, or at least if the bool is set), writes
            b"ping" => Some((1, true, false)),
            b"get" => Some((2, false, false)),
            b"set" => Some((3, true, true)),
            b"incr" => Some((2, false, true)),
            b"del" => Some((2, true, true)),
            b"hset" => Some((4, true, true)),
            b"hgetall" => Some((2, false, false)),
            b"echo" => Some((2, false, false)),
            b"debug" => None,
            _ => return b"-ERR Unknown Redis command called from script\r\n".to_vec(),
        };
        let Some((arity, at_least, writes)) = arity else {
            return b"-ERR This Redis command is not allowed from script\r\n".to_vec();
        };
        if (at_least && argv.len() < arity) || (!at_least && argv.len() != arity) {
            return b"-ERR Wrong number of args calling Redis command from script\r\n".to_vec();
        }
        if writes {
            if ctx.read_only() {
                return b"-ERR Write commands are not allowed from read-only scripts.\r\n".to_vec();
            }
            if !ctx.note_write() {
                return b"-ERR killed\r\n".to_vec();
            }
        }
        if name == b"ping" && argv.len() > 2 {
            return b"-ERR wrong number of arguments for 'ping' command\r\n".to_vec();
        }
        let mut out = Vec::new();
        match &name[..] {
            b"ping" => out.extend_from_slice(b"+PONG\r\n"),
            b"echo" => bulk(&mut out, &argv[1]),
            b"get" => match self.data.get(&argv[1][..]) {
                None => out.extend_from_slice(if ctx.resp3() { b"_\r\n" } else { b"$-1\r\n" }),
                Some(Val::Str(s)) => bulk(&mut out, s),
                Some(Val::Hash(_)) => out.extend_from_slice(WRONGTYPE),
            },
            b"set" => {
                self.data
                    .insert(argv[1].to_vec(), Val::Str(argv[2].to_vec()));
                out.extend_from_slice(b"+OK\r\n");
            }
            b"incr" => {
                let current = match self.data.get(&argv[1][..]) {
                    None => Some(0),
                    Some(Val::Str(s)) => std::str::from_utf8(s)
                        .ok()
                        .and_then(|s| s.parse::<i64>().ok()),
                    Some(Val::Hash(_)) => return WRONGTYPE.to_vec(),
                };
                match current {
                    Some(n) => {
                        self.data
                            .insert(argv[1].to_vec(), Val::Str((n + 1).to_string().into_bytes()));
                        out.extend_from_slice(format!(":{}\r\n", n + 1).as_bytes());
                    }
                    None => {
                        out.extend_from_slice(b"-ERR value is not an integer or out of range\r\n")
                    }
                }
            }
            b"del" => {
                let n = argv[1..]
                    .iter()
                    .filter(|k| self.data.remove(&k[..]).is_some())
                    .count();
                out.extend_from_slice(format!(":{n}\r\n").as_bytes());
            }
            b"hset" => {
                let entry = self
                    .data
                    .entry(argv[1].to_vec())
                    .or_insert_with(|| Val::Hash(BTreeMap::new()));
                let Val::Hash(h) = entry else {
                    return WRONGTYPE.to_vec();
                };
                let mut added = 0;
                for pair in argv[2..].chunks(2) {
                    if pair.len() == 2 && h.insert(pair[0].to_vec(), pair[1].to_vec()).is_none() {
                        added += 1;
                    }
                }
                out.extend_from_slice(format!(":{added}\r\n").as_bytes());
            }
            b"hgetall" => match self.data.get(&argv[1][..]) {
                Some(Val::Str(_)) => out.extend_from_slice(WRONGTYPE),
                other => {
                    let empty = BTreeMap::new();
                    let h = match other {
                        Some(Val::Hash(h)) => h,
                        _ => &empty,
                    };
                    if ctx.resp3() {
                        out.extend_from_slice(format!("%{}\r\n", h.len()).as_bytes());
                    } else {
                        out.extend_from_slice(format!("*{}\r\n", h.len() * 2).as_bytes());
                    }
                    for (k, v) in h {
                        bulk(&mut out, k);
                        bulk(&mut out, v);
                    }
                }
            },
            _ => unreachable!(),
        }
        out
    }

    fn log(&mut self, level: LogLevel, message: &[u8]) {
        self.logs.push((level, message.to_vec()));
    }
}

/// An engine with the default limits.
pub fn engine() -> Arc<Engine> {
    Arc::new(Engine::new(Limits::default()))
}

/// `EVAL body 0` over a fresh host, RESP2 client, as text.
pub fn eval(engine: &Engine, body: &str) -> String {
    let mut host = FakeHost::default();
    eval_with(engine, &mut host, body, &[], &[], false)
}

/// `EVAL body 0` as a RESP3 client.
pub fn eval3(engine: &Engine, body: &str) -> String {
    let mut host = FakeHost::default();
    eval_with(engine, &mut host, body, &[], &[], true)
}

/// `EVAL body` with keys and args on a given host.
pub fn eval_with(
    engine: &Engine,
    host: &mut FakeHost,
    body: &str,
    keys: &[&str],
    args: &[&str],
    resp3: bool,
) -> String {
    let body = Bytes::copy_from_slice(body.as_bytes());
    let keys = keys
        .iter()
        .map(|k| Bytes::copy_from_slice(k.as_bytes()))
        .collect();
    let args = args
        .iter()
        .map(|k| Bytes::copy_from_slice(k.as_bytes()))
        .collect();
    let reply = engine.run(Script::Body(&body), keys, args, false, resp3, host);
    reply.iter().map(|&b| b as char).collect()
}

/// `EVAL body 0` on a fresh host: the raw reply.
pub fn run_bytes(engine: &Engine, body: &[u8], resp3: bool) -> Vec<u8> {
    let body = Bytes::copy_from_slice(body);
    let mut host = FakeHost::default();
    engine.run(
        Script::Body(&body),
        Vec::new(),
        Vec::new(),
        false,
        resp3,
        &mut host,
    )
}

/// The SHA-1 Redis names `body` by.
pub fn sha(engine: &Engine, body: &str) -> String {
    engine
        .load(Bytes::copy_from_slice(body.as_bytes()))
        .unwrap_or_default()
}

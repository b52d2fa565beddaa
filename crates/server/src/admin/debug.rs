//! `DEBUG`: the subcommands that clients' and tools' test suites use.
//!
//! - `SLEEP seconds`: this connection sleeps; the others go on (in Redis
//!   the whole server sleeps). A shutdown ends the sleep.
//! - `OBJECT key`: Redis's line, with OBJECT ENCODING's names.
//! - `SET-ACTIVE-EXPIRE 0|1`: turns the active expiry sweep off or on, for
//!   every store of the process (`sharedkv_db::set_active_expire`).
//! - `PROTOCOL type`: one reply of each RESP3 type, as Redis's test helper
//!   sends it, and what RESP2 makes of it.
//!
//! Redis's other subcommands (`RELOAD`, `JMAP`, `POPULATE`, ...) answer
//! that this server does not support them.

use std::time::Duration;

use bytes::{BufMut, Bytes};
use sharedkv_commands::{Error, is};
use sharedkv_db::{Db, Value};

use super::{Cx, catch_all};
use crate::error::CommandError;

/// A `DEBUG` subcommand, typed.
#[derive(Debug)]
pub(crate) enum DebugCommand {
    Sleep(Duration),
    Object(Bytes),
    SetActiveExpire(bool),
    /// The reply's bytes in RESP2 and in RESP3, or `None` in RESP2 where
    /// Redis answers an error.
    Protocol(&'static Protocol),
    Help,
}

/// One `DEBUG PROTOCOL` type: its name, and its reply in each protocol.
#[derive(Debug)]
pub(crate) struct Protocol {
    name: &'static str,
    resp2: &'static [u8],
    resp3: &'static [u8],
}

/// Redis 7.0.15's replies, byte for byte, read off redis-server.
static PROTOCOLS: &[Protocol] = &[
    Protocol {
        name: "string",
        resp2: b"$11\r\nHello World\r\n",
        resp3: b"$11\r\nHello World\r\n",
    },
    Protocol {
        name: "integer",
        resp2: b":12345\r\n",
        resp3: b":12345\r\n",
    },
    Protocol {
        name: "double",
        resp2: b"$5\r\n3.141\r\n",
        resp3: b",3.141\r\n",
    },
    Protocol {
        name: "bignum",
        resp2: b"$37\r\n1234567999999999999999999999999999999\r\n",
        resp3: b"(1234567999999999999999999999999999999\r\n",
    },
    Protocol {
        name: "null",
        resp2: b"$-1\r\n",
        resp3: b"_\r\n",
    },
    Protocol {
        name: "array",
        resp2: b"*3\r\n:0\r\n:1\r\n:2\r\n",
        resp3: b"*3\r\n:0\r\n:1\r\n:2\r\n",
    },
    Protocol {
        name: "set",
        resp2: b"*3\r\n:0\r\n:1\r\n:2\r\n",
        resp3: b"~3\r\n:0\r\n:1\r\n:2\r\n",
    },
    Protocol {
        name: "map",
        resp2: b"*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
        resp3: b"%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n",
    },
    Protocol {
        name: "attrib",
        resp2: b"$39\r\nSome real reply following the attribute\r\n",
        resp3: b"|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n\
                 $39\r\nSome real reply following the attribute\r\n",
    },
    Protocol {
        name: "push",
        resp2: b"-ERR RESP2 is not supported by this command\r\n",
        resp3: b">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n\
                 $40\r\nSome real reply following the push reply\r\n",
    },
    Protocol {
        name: "verbatim",
        resp2: b"$25\r\nThis is a verbatim\nstring\r\n",
        resp3: b"=29\r\ntxt:This is a verbatim\nstring\r\n",
    },
    Protocol {
        name: "true",
        resp2: b":1\r\n",
        resp3: b"#t\r\n",
    },
    Protocol {
        name: "false",
        resp2: b":0\r\n",
        resp3: b"#f\r\n",
    },
];

/// Redis 7.0's `DEBUG` subcommands that this server does not have.
const UNSUPPORTED: &[&str] = &[
    "aof-flush-sleep",
    "assert",
    "change-repl-id",
    "config-rewrite-force-all",
    "crash-and-recover",
    "digest",
    "digest-value",
    "error",
    "leak",
    "log",
    "htstats",
    "htstats-key",
    "loadaof",
    "replicate",
    "mallctl",
    "mallctl-str",
    "drop-cluster-packet-filter",
    "oom",
    "panic",
    "populate",
    "reload",
    "restart",
    "sdslen",
    "segfault",
    "quicklist-packed-threshold",
    "set-skip-checksum-validation",
    "stringmatch-test",
    "structsize",
    "listpack",
    "quicklist",
    "client-eviction",
    "pause-cron",
    "replybuffer",
    "clusterlink",
    "jmap",
];

pub(crate) fn parse(args: Vec<Bytes>) -> Result<DebugCommand, CommandError> {
    let sub = args.get(1).cloned().unwrap_or_default();
    Ok(match args.get(2..).unwrap_or_default() {
        [] if is(&sub, "HELP") => DebugCommand::Help,
        [seconds] if is(&sub, "SLEEP") => DebugCommand::Sleep(seconds_of(seconds)),
        [key] if is(&sub, "OBJECT") => DebugCommand::Object(key.clone()),
        [on] if is(&sub, "SET-ACTIVE-EXPIRE") => DebugCommand::SetActiveExpire(atoi(on) != 0),
        [kind] if is(&sub, "PROTOCOL") => DebugCommand::Protocol(
            PROTOCOLS
                .iter()
                .find(|p| is(kind, p.name))
                .ok_or(Error::Fixed(
                    "ERR Wrong protocol type name. Please use one of the following: \
                     string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
                ))?,
        ),
        _ if UNSUPPORTED.iter().any(|name| is(&sub, name)) => {
            return Err(Error::with_arg(
                "ERR DEBUG ",
                &sub.to_ascii_uppercase(),
                " is not supported by this server",
            )
            .into());
        }
        _ => return Err(catch_all(&sub, "DEBUG")),
    })
}

/// Seconds as C's `strtod` reads them, as Redis's `DEBUG SLEEP` does: a
/// word that is no number is 0; negative, NaN and infinite ones too (Redis
/// would sleep forever on `inf`: here it is 0, and huge ones a day).
fn seconds_of(word: &[u8]) -> Duration {
    // A number is short: the rest of a long word cannot change it, and
    // the search below is quadratic.
    let word = word.get(..64).unwrap_or(word);
    let text = std::str::from_utf8(word).unwrap_or("").trim_start();
    // The longest prefix that parses, as strtod stops at the first byte it
    // cannot use.
    let secs = (1..=text.len())
        .rev()
        .filter(|&end| text.is_char_boundary(end))
        .find_map(|end| text[..end].parse::<f64>().ok())
        .unwrap_or(0.0);
    if secs.is_finite() && secs > 0.0 {
        Duration::from_secs_f64(secs.min(86_400.0))
    } else {
        Duration::ZERO
    }
}

/// C's `atoi`: leading blanks, a sign, then digits, up to the first other
/// byte; saturating.
fn atoi(word: &[u8]) -> i64 {
    let text = std::str::from_utf8(word).unwrap_or("").trim_start();
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let mut n: i64 = 0;
    for d in digits.bytes().take_while(u8::is_ascii_digit) {
        n = n.saturating_mul(10).saturating_add(i64::from(d - b'0'));
    }
    if negative { -n } else { n }
}

pub(crate) async fn run<D: Db>(cx: &mut Cx<'_, D>, command: DebugCommand) {
    match command {
        DebugCommand::Sleep(duration) => {
            tokio::select! {
                () = tokio::time::sleep(duration) => {}
                () = cx.cancelled.cancelled() => {}
            }
            cx.reply().ok();
        }
        DebugCommand::Object(key) => {
            let limits = cx.shared.live.settings.thresholds();
            let line = cx
                .shared
                .db
                .read(cx.selected, &key, move |entry| {
                    entry.map(|e| object_line(&e.value, &limits, std::ptr::from_ref(e) as usize))
                })
                .await;
            match line {
                Some(line) => cx.reply().simple(line.as_bytes()),
                None => cx.reply().error(&Error::NO_SUCH_KEY),
            }
        }
        DebugCommand::SetActiveExpire(on) => {
            sharedkv_db::set_active_expire(on);
            cx.reply().ok();
        }
        DebugCommand::Protocol(protocol) => {
            let bytes = if cx.resp3 {
                protocol.resp3
            } else {
                protocol.resp2
            };
            cx.out.put_slice(bytes);
        }
        DebugCommand::Help => {
            let mut reply = cx.reply();
            reply.array(DEBUG_HELP.len());
            for line in DEBUG_HELP {
                reply.simple(line.as_bytes());
            }
        }
    }
}

/// `DEBUG OBJECT`'s line, Redis's fields: the entry's address, OBJECT
/// REFCOUNT's and OBJECT ENCODING's answers, the length Redis's RDB format
/// would give the value (without compression), and no LRU clock (sharedkv
/// keeps no access times: 0, as OBJECT IDLETIME says).
fn object_line(value: &Value, limits: &sharedkv_commands::Thresholds, at: usize) -> String {
    format!(
        "Value at:{at:#x} refcount:{} encoding:{} serializedlength:{} lru:0 lru_seconds_idle:0",
        sharedkv_commands::keyspace::refcount(value),
        sharedkv_commands::keyspace::encoding(value, limits),
        serialized_length(value),
    )
}

/// What Redis's RDB encoding of `value` would take, uncompressed: each
/// string with its length prefix (an integer in its short form), each
/// collection with its count, a sorted set's scores as 8-byte doubles.
fn serialized_length(value: &Value) -> usize {
    fn length_prefix(n: usize) -> usize {
        match n {
            0..64 => 1,
            64..16384 => 2,
            _ if u32::try_from(n).is_ok() => 5,
            _ => 9,
        }
    }
    fn string(len: usize) -> usize {
        length_prefix(len) + len
    }
    match value {
        Value::Int(n) => match n {
            -128..=127 => 2,
            -32768..=32767 => 3,
            -2_147_483_648..=2_147_483_647 => 5,
            _ => string(n.to_string().len()),
        },
        Value::Str(bytes) => string(bytes.len()),
        Value::Hash(hash) => {
            length_prefix(hash.len())
                + hash
                    .iter()
                    .map(|(f, v)| string(f.len()) + string(v.len()))
                    .sum::<usize>()
        }
        Value::List(list) => {
            length_prefix(list.len()) + list.iter().map(|e| string(e.len())).sum::<usize>()
        }
        Value::Set(set) => {
            length_prefix(set.len()) + set.iter().map(|m| string(m.len())).sum::<usize>()
        }
        Value::ZSet(zset) => {
            length_prefix(zset.len()) + zset.iter().map(|(m, _)| string(m.len()) + 8).sum::<usize>()
        }
    }
}

/// `DEBUG HELP`, in Redis's shape, in our words.
const DEBUG_HELP: &[&str] = &[
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "OBJECT <key>",
    "    Show low-level information about the key.",
    "PROTOCOL <type>",
    "    Reply with a test value of the given type: string, integer, double, bignum, null,",
    "    array, set, map, attrib, push, verbatim, true or false.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Turn the expiry of keys in the background off (0) or on (1).",
    "SLEEP <seconds>",
    "    Make this connection sleep for <seconds> (other clients are served meanwhile).",
    "HELP",
    "    Print this help.",
    "Redis's other DEBUG subcommands are not supported by this server.",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// DEBUG SLEEP reads its seconds as strtod does.
    #[test]
    fn sleep_seconds() {
        assert_eq!(seconds_of(b"0.5"), Duration::from_millis(500));
        assert_eq!(seconds_of(b"2"), Duration::from_secs(2));
        assert_eq!(seconds_of(b" 1.5xyz"), Duration::from_millis(1500));
        for zero in [&b"a"[..], b"", b"-1", b"nan", b"inf", b"\xff"] {
            assert_eq!(seconds_of(zero), Duration::ZERO);
        }
        assert_eq!(seconds_of(b"1e300"), Duration::from_secs(86_400));
    }

    /// SET-ACTIVE-EXPIRE's flag is C's atoi.
    #[test]
    fn atoi_like_c() {
        assert_eq!(atoi(b"1"), 1);
        assert_eq!(atoi(b" 2x"), 2);
        assert_eq!(atoi(b"a"), 0);
        assert_eq!(atoi(b"-3"), -3);
        assert_eq!(atoi(b"99999999999999999999999"), i64::MAX);
    }
}

//! `SLOWLOG`: the last commands that ran longer than
//! `slowlog-log-slower-than` microseconds (10,000 by default; negative
//! turns the log off, 0 logs every command), at most `slowlog-max-len` of
//! them (128), newest first, as Redis 7.0 keeps them.
//!
//! An entry is Redis's: a unique id, the Unix time, the microseconds the
//! command ran, its arguments (at most [`MAX_ARGS`], the last of them then
//! saying how many more there were; each at most [`MAX_ARG_BYTES`], then
//! saying how many more bytes), the client's address and its name.
//! Passwords given to `AUTH` and `HELLO ... AUTH` are logged as
//! `(redacted)`, as Redis logs them.
//!
//! # Which arguments are kept
//!
//! A command's arguments are moved into it and gone once it has run, and
//! copying every request's argument vector in case it turns out slow would
//! cost each request an allocation. So the connection keeps a copy only
//! where an entry is likely ([`Keep`]): while the threshold is under
//! [`KEEP_ALL_BELOW_US`] (a log of nearly everything, as tests and
//! diagnostics set it), every command's; otherwise only for commands that
//! are not documented O(1), which can be slow by their own work. An O(1)
//! command (`GET`, `SET`) slower than a threshold above that was slow by
//! waiting (for a lock, for the scheduler); its entry shows its name only
//! (`client list` for a subcommand).

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use sharedkv_commands::Reply;

/// Redis's `SLOWLOG_ENTRY_MAX_ARGC`.
pub(crate) const MAX_ARGS: usize = 32;
/// Redis's `SLOWLOG_ENTRY_MAX_STRING`.
pub(crate) const MAX_ARG_BYTES: usize = 128;
/// Below this threshold every command's arguments are kept (see the
/// module's docs).
pub(crate) const KEEP_ALL_BELOW_US: i64 = 1000;

/// Which commands' arguments a connection keeps before running them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keep {
    /// The slow log is off.
    None,
    /// Commands not documented O(1).
    NonConstant,
    All,
}

impl Keep {
    /// What to keep under the threshold `slower_than_us`.
    pub(crate) fn for_threshold(slower_than_us: i64) -> Keep {
        if slower_than_us < 0 {
            Keep::None
        } else if slower_than_us < KEEP_ALL_BELOW_US {
            Keep::All
        } else {
            Keep::NonConstant
        }
    }
}

/// One entry.
#[derive(Debug)]
struct Entry {
    id: u64,
    unix_secs: u64,
    micros: u64,
    args: Vec<Bytes>,
    addr: String,
    name: Bytes,
}

/// What a connection knows of a slow command when it logs it.
#[derive(Debug)]
pub(crate) struct Slow<'a> {
    /// The arguments, if the connection kept them.
    pub(crate) args: Option<Vec<Bytes>>,
    /// The command's full name (`client|list`), for an entry without them.
    pub(crate) name: &'a str,
    pub(crate) micros: u64,
    pub(crate) addr: String,
    pub(crate) client_name: Option<Bytes>,
}

/// The log, shared by every connection.
#[derive(Debug, Default)]
pub(crate) struct SlowLog {
    /// Newest first. Why a std `Mutex`: taken only to add an entry (a slow
    /// command, rare by definition) or to answer `SLOWLOG`, never across
    /// an `.await`.
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: VecDeque<Entry>,
    /// The next entry's id: not reset by `SLOWLOG RESET`, as in Redis.
    next_id: u64,
}

impl SlowLog {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds an entry for a command that ran longer than the threshold,
    /// keeping at most `max_len` entries: as in Redis, a lower
    /// `slowlog-max-len` drops the oldest entries at the next push.
    pub(crate) fn push(&self, slow: Slow<'_>, max_len: usize) {
        let args = match slow.args {
            Some(args) => trim(redact(args)),
            None => slow
                .name
                .split('|')
                .map(|w| Bytes::copy_from_slice(w.as_bytes()))
                .collect(),
        };
        let unix_secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut inner = self.lock();
        let id = inner.next_id;
        inner.next_id += 1;
        inner.entries.push_front(Entry {
            id,
            unix_secs,
            micros: slow.micros,
            args,
            addr: slow.addr,
            name: slow.client_name.unwrap_or_default(),
        });
        inner.entries.truncate(max_len);
    }

    /// `SLOWLOG LEN`.
    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// `SLOWLOG RESET`.
    pub(crate) fn reset(&self) {
        self.lock().entries.clear();
    }

    /// `SLOWLOG GET [count]`: the newest `count` entries (all of them for
    /// `None`).
    pub(crate) fn get(&self, count: Option<usize>, reply: &mut Reply<'_>) {
        let inner = self.lock();
        let n = count.map_or(inner.entries.len(), |c| c.min(inner.entries.len()));
        reply.array(n);
        for entry in inner.entries.iter().take(n) {
            reply.array(6);
            reply.int(i64::try_from(entry.id).unwrap_or(i64::MAX));
            reply.int(i64::try_from(entry.unix_secs).unwrap_or(i64::MAX));
            reply.int(i64::try_from(entry.micros).unwrap_or(i64::MAX));
            reply.array(entry.args.len());
            for arg in &entry.args {
                reply.bulk(arg);
            }
            reply.bulk(entry.addr.as_bytes());
            reply.bulk(&entry.name);
        }
    }
}

const REDACTED: &[u8] = b"(redacted)";

/// Hides the passwords of `AUTH` and of `HELLO`'s `AUTH` option, as Redis
/// does: `AUTH`'s every argument, `HELLO`'s two words after `AUTH`.
fn redact(mut args: Vec<Bytes>) -> Vec<Bytes> {
    let Some(name) = args.first() else {
        return args;
    };
    if name.eq_ignore_ascii_case(b"auth") {
        for arg in args.iter_mut().skip(1) {
            *arg = Bytes::from_static(REDACTED);
        }
    } else if name.eq_ignore_ascii_case(b"hello") {
        let mut i = 2;
        while i < args.len() {
            let is_auth = args.get(i).is_some_and(|w| w.eq_ignore_ascii_case(b"auth"));
            if is_auth {
                for arg in args.iter_mut().skip(i + 1).take(2) {
                    *arg = Bytes::from_static(REDACTED);
                }
                i += 3;
            } else {
                i += 1;
            }
        }
    }
    args
}

/// Trims an entry's arguments as Redis's `slowlogCreateEntry` does. The
/// kept arguments are copied: an entry outlives the request's buffer.
fn trim(args: Vec<Bytes>) -> Vec<Bytes> {
    let argc = args.len();
    let kept = argc.min(MAX_ARGS);
    let mut out = Vec::with_capacity(kept);
    for (j, arg) in args.into_iter().take(kept).enumerate() {
        if kept != argc && j == kept - 1 {
            let more = argc - kept + 1;
            out.push(Bytes::from(format!("... ({more} more arguments)")));
        } else if arg.len() > MAX_ARG_BYTES {
            let mut s = arg.get(..MAX_ARG_BYTES).unwrap_or_default().to_vec();
            s.extend_from_slice(
                format!("... ({} more bytes)", arg.len() - MAX_ARG_BYTES).as_bytes(),
            );
            out.push(Bytes::from(s));
        } else {
            out.push(Bytes::copy_from_slice(&arg));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize) -> Vec<Bytes> {
        (0..n).map(|i| Bytes::from(i.to_string())).collect()
    }

    /// More than 32 arguments: 31 kept, the 32nd says how many more.
    #[test]
    fn trims_arguments() {
        let out = trim(words(40));
        assert_eq!(out.len(), MAX_ARGS);
        assert_eq!(out.get(30).map(|b| &b[..]), Some(&b"30"[..]));
        assert_eq!(
            out.last().map(|b| &b[..]),
            Some(&b"... (9 more arguments)"[..])
        );
        assert_eq!(trim(words(32)).len(), 32);
        assert_eq!(trim(words(32)).last().map(|b| &b[..]), Some(&b"31"[..]));
        let long = trim(vec![Bytes::from(vec![b'x'; 200])]);
        let first = long.first().cloned().unwrap_or_default();
        assert!(first.starts_with(&[b'x'; 128]));
        assert_eq!(&first[128..], b"... (72 more bytes)");
    }

    /// Passwords never reach the log.
    #[test]
    fn redacts_passwords() {
        let b = |s: &str| Bytes::copy_from_slice(s.as_bytes());
        let out = redact(vec![b("AUTH"), b("user"), b("pass")]);
        assert_eq!(out, vec![b("AUTH"), b("(redacted)"), b("(redacted)")]);
        let out = redact(vec![
            b("hello"),
            b("3"),
            b("auth"),
            b("u"),
            b("p"),
            b("setname"),
            b("n"),
        ]);
        assert_eq!(
            out,
            vec![
                b("hello"),
                b("3"),
                b("auth"),
                b("(redacted)"),
                b("(redacted)"),
                b("setname"),
                b("n")
            ]
        );
    }

    /// Newest first, bounded, ids kept across a reset.
    #[test]
    fn keeps_the_newest() {
        let log = SlowLog::default();
        for i in 0..5u64 {
            log.push(
                Slow {
                    args: None,
                    name: "client|list",
                    micros: i,
                    addr: String::new(),
                    client_name: None,
                },
                3,
            );
        }
        assert_eq!(log.len(), 3);
        let inner = log.lock();
        let ids: Vec<u64> = inner.entries.iter().map(|e| e.id).collect();
        assert_eq!(ids, [4, 3, 2]);
        let args = inner
            .entries
            .front()
            .map(|e| e.args.clone())
            .unwrap_or_default();
        assert_eq!(args, vec![Bytes::from("client"), Bytes::from("list")]);
        drop(inner);
        log.reset();
        assert_eq!(log.len(), 0);
    }
}

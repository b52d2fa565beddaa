//! Judging replies: error replies, wrong types and wrong values.

use std::fmt::Write as _;

use sharedkv_resp::Frame;

use crate::workload::{Keyspace, Op};

/// Error replies and wrong replies, over the whole run (prefill, warmup and
/// the hog included). Either makes the run fail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    /// Replies of type error (`-ERR ...`).
    pub error_replies: u64,
    /// Replies of the wrong type, or a `GET` after `--prefill` whose value
    /// is not the one written (or is missing).
    pub wrong_replies: u64,
    /// The first problem seen, described.
    pub first: Option<String>,
}

impl Problems {
    /// Whether there were none.
    pub fn is_empty(&self) -> bool {
        self.error_replies == 0 && self.wrong_replies == 0
    }

    pub(crate) fn merge(&mut self, other: Problems) {
        self.error_replies += other.error_replies;
        self.wrong_replies += other.wrong_replies;
        if self.first.is_none() {
            self.first = other.first;
        }
    }

    fn error(&mut self, what: impl FnOnce() -> String, message: &[u8]) {
        self.error_replies += 1;
        if self.first.is_none() {
            self.first = Some(format!("{}: error reply -{}", what(), show(message)));
        }
    }

    fn wrong(&mut self, what: impl FnOnce() -> String, why: impl FnOnce() -> String) {
        self.wrong_replies += 1;
        if self.first.is_none() {
            self.first = Some(format!("{}: {}", what(), why()));
        }
    }
}

impl std::fmt::Display for Problems {
    /// `3 error replies, 0 wrong replies; first: ...`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} error replies, {} wrong replies; first: {}",
            self.error_replies,
            self.wrong_replies,
            self.first.as_deref().unwrap_or("?")
        )
    }
}

/// Checks replies against what the load generator wrote.
pub(crate) struct Checker {
    keyspace: Keyspace,
    /// Whether every key holds its deterministic value (after a prefill).
    verify: bool,
    scratch: Vec<u8>,
}

/// What a good reply said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reply {
    Fine,
    /// A `GET` of a missing key (allowed without a prefill).
    Miss,
    Bad,
}

impl Checker {
    pub(crate) fn new(keyspace: Keyspace, verify: bool) -> Checker {
        Checker {
            keyspace,
            verify,
            scratch: Vec::new(),
        }
    }

    /// Judges the reply to `op` on key index `key`.
    pub(crate) fn step(
        &mut self,
        op: Op,
        key: u64,
        frame: Frame,
        problems: &mut Problems,
    ) -> Reply {
        let keyspace = self.keyspace;
        let what = move || describe(&keyspace, op, key);
        match (op, frame) {
            (_, Frame::Error(message)) => {
                problems.error(what, &message);
                Reply::Bad
            }
            (Op::Set, Frame::Simple(s)) if s == "OK" => Reply::Fine,
            (Op::Get, Frame::Null) if !self.verify => Reply::Miss,
            (Op::Get, Frame::Null) => {
                problems.wrong(what, || "missing after the prefill".into());
                Reply::Bad
            }
            (Op::Get, Frame::Bulk(value)) => {
                if !self.verify || self.keyspace.value_matches(key, &value, &mut self.scratch) {
                    Reply::Fine
                } else {
                    let expected = self.keyspace.value(key);
                    problems.wrong(what, || {
                        format!("expected \"{}\", got \"{}\"", show(&expected), show(&value))
                    });
                    Reply::Bad
                }
            }
            // After a prefill to 0 every INCR returns at least 1.
            (Op::Incr, Frame::Integer(n)) if !self.verify || n >= 1 => Reply::Fine,
            (_, other) => {
                problems.wrong(what, || format!("unexpected reply {}", show_frame(&other)));
                Reply::Bad
            }
        }
    }

    /// Judges the reply to the prefill's `SET` of key index `key` in the
    /// namespace of `op`.
    pub(crate) fn prefill(&mut self, op: Op, key: u64, frame: Frame, problems: &mut Problems) {
        let keyspace = self.keyspace;
        let what = move || {
            format!(
                "prefill SET {}",
                String::from_utf8_lossy(&keyspace.key(op, key))
            )
        };
        match frame {
            Frame::Simple(s) if s == "OK" => {}
            Frame::Error(message) => problems.error(what, &message),
            other => problems.wrong(what, || format!("unexpected reply {}", show_frame(&other))),
        }
    }

    /// Judges the reply to an `MSET` (`+OK`) or an `MGET` of `keys`
    /// (one bulk per key, each the key's value after a prefill).
    pub(crate) fn multi(
        &mut self,
        mget: bool,
        keys: &[u64],
        frame: Frame,
        problems: &mut Problems,
    ) -> Reply {
        let what = || if mget { "MGET (hog)" } else { "MSET (hog)" }.to_string();
        match frame {
            Frame::Error(message) => {
                problems.error(what, &message);
                Reply::Bad
            }
            Frame::Simple(s) if !mget && s == "OK" => Reply::Fine,
            Frame::Array(items) if mget && items.len() == keys.len() => {
                for (&key, item) in keys.iter().zip(items) {
                    let fine = match &item {
                        Frame::Null => !self.verify,
                        Frame::Bulk(value) => {
                            !self.verify
                                || self.keyspace.value_matches(key, value, &mut self.scratch)
                        }
                        _ => false,
                    };
                    if !fine {
                        let name =
                            String::from_utf8_lossy(&self.keyspace.key(Op::Get, key)).into_owned();
                        problems.wrong(what, || {
                            format!("wrong element for {name}: {}", show_frame(&item))
                        });
                        return Reply::Bad;
                    }
                }
                Reply::Fine
            }
            other => {
                problems.wrong(what, || format!("unexpected reply {}", show_frame(&other)));
                Reply::Bad
            }
        }
    }
}

/// `GET key:000042`.
fn describe(keyspace: &Keyspace, op: Op, key: u64) -> String {
    format!(
        "{} {}",
        op.command(),
        String::from_utf8_lossy(&keyspace.key(op, key))
    )
}

/// At most 64 bytes of `bytes`, escaped.
fn show(bytes: &[u8]) -> String {
    let mut out = bytes[..bytes.len().min(64)].escape_ascii().to_string();
    if bytes.len() > 64 {
        let _ = write!(out, "... ({} bytes)", bytes.len());
    }
    out
}

fn show_frame(frame: &Frame) -> String {
    match frame {
        Frame::Simple(s) => format!("+{}", show(s)),
        Frame::Error(s) => format!("-{}", show(s)),
        Frame::Integer(n) => format!(":{n}"),
        Frame::Bulk(b) => format!("\"{}\"", show(b)),
        Frame::Null => "(nil)".into(),
        Frame::NullArray => "(nil array)".into(),
        Frame::Array(items) => format!("an array of {}", items.len()),
        // RESP3: the load generator speaks RESP2, so these mean a confused
        // server.
        other => format!("a RESP3 frame: {other:?}"),
    }
}

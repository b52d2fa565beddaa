//! Judging replies: error replies, wrong types and wrong values.

use std::fmt::Write as _;

use sharedkv_resp::Frame;

use crate::report::Balances;
use crate::workload::{Keyspace, Op, SESSION_FIELDS, Space, Step, TOP, TRANSFER_AMOUNT};

/// Error replies and wrong replies, over the whole run (prefill, warmup and
/// the hog included). Either makes the run fail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    /// Replies of type error (`-ERR ...`).
    pub error_replies: u64,
    /// Replies of the wrong type or out of their possible range (an
    /// `SISMEMBER` of 2, an odd-length `ZREVRANGE ... WITHSCORES`), or,
    /// after `--prefill`, a value that is not the one written (or is
    /// missing).
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
    /// Nothing there: a `GET`, `HGET` or `HGETALL` of a missing key
    /// (allowed without a prefill), an `RPOP` of an empty queue.
    Miss,
    Bad,
}

impl Reply {
    /// The verdict on a step of several replies, of which this is one and
    /// `so_far` the verdict on those before: bad if any was.
    pub(crate) fn and(self, so_far: Reply) -> Reply {
        if self == Reply::Bad || so_far == Reply::Bad {
            Reply::Bad
        } else {
            self
        }
    }
}

/// The requests of a `transfer` step, in the order its replies come.
const TRANSFER_PARTS: [&str; 4] = ["MULTI", "DECRBY", "INCRBY", "EXEC"];
/// The requests of a `transfer-watch` attempt's first round trip ...
const WATCH_READ_PARTS: [&str; 2] = ["WATCH", "MGET"];
/// ... and of its second.
const WATCH_WRITE_PARTS: [&str; 4] = ["MULTI", "SET", "SET", "EXEC"];

/// What the replies to a `transfer-watch` attempt's `MULTI`, `SET`, `SET`,
/// `EXEC` said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exec {
    /// A reply before the `EXEC`'s, as it should be.
    Queued,
    /// `EXEC` ran both `SET`s.
    Committed,
    /// `EXEC` was a null: another client wrote a watched account after the
    /// `WATCH`, so nothing ran; the attempt is retried.
    Aborted,
    /// Anything else (counted in the [`Problems`]).
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

    /// Judges the reply to `step`.
    ///
    /// What is known without a model of the server: a value is the one its
    /// key (or field) always gets, since every writer writes the same
    /// bytes (checked after a prefill, which makes it so for every key);
    /// counts and flags are in their possible range; after a prefill every
    /// session has both fields, every tag every item, every board every
    /// player, so `HSET` and `SADD` add nothing and `SISMEMBER` is 1. Scores
    /// only grow from 0 by 1, so `ZINCRBY` returns a whole number of at
    /// least 1, and a top ten is in descending order of whole scores.
    pub(crate) fn step(&mut self, step: Step, frame: Frame, problems: &mut Problems) -> Reply {
        let keyspace = self.keyspace;
        let Step { op, key, member } = step;
        let key = u64::from(key);
        let what = move || describe(&keyspace, step);
        let verify = self.verify;
        let fine = |ok: bool| if ok { Reply::Fine } else { Reply::Bad };
        let reply = match (op, &frame) {
            (_, Frame::Error(message)) => {
                problems.error(what, message);
                return Reply::Bad;
            }
            (Op::Set, Frame::Simple(s)) if s == "OK" => Reply::Fine,
            (Op::Get | Op::Hget, Frame::Null) if !verify => Reply::Miss,
            (Op::Get | Op::Hget, Frame::Null) => {
                problems.wrong(what, || "missing after the prefill".into());
                return Reply::Bad;
            }
            (Op::Get | Op::Rpop | Op::Hget, Frame::Bulk(value)) => {
                let index = if op == Op::Hget {
                    key + u64::from(member) * keyspace.keys()
                } else {
                    key
                };
                if !verify || keyspace.value_matches(index, value, &mut self.scratch) {
                    Reply::Fine
                } else {
                    let expected = keyspace.value(index);
                    problems.wrong(what, || {
                        format!("expected \"{}\", got \"{}\"", show(&expected), show(value))
                    });
                    return Reply::Bad;
                }
            }
            // After a prefill to 0 every INCR returns at least 1.
            (Op::Incr, Frame::Integer(n)) => fine(!verify || *n >= 1),
            (Op::Lpush, Frame::Integer(n)) => fine(*n >= 1),
            (Op::Rpop, Frame::Null) => Reply::Miss,
            // Both fields are always written together: both new, or none.
            (Op::Hset, Frame::Integer(n)) => fine(*n == 0 || (!verify && *n == 2)),
            (Op::Hgetall, Frame::Array(items)) if items.is_empty() && !verify => Reply::Miss,
            (Op::Hgetall, Frame::Array(items)) => fine(self.session(key, items)),
            (Op::Sadd, Frame::Integer(n)) => fine(*n == 0 || (!verify && *n == 1)),
            (Op::Sismember, Frame::Integer(n)) => fine(*n == 1 || (!verify && *n == 0)),
            (Op::Zincrby, Frame::Bulk(score)) => fine(whole_score(score).is_some_and(|s| s >= 1.0)),
            (Op::Zrevrange, Frame::Array(items)) => fine(self.top(items)),
            (Op::TransferEval, Frame::Array(items)) => {
                return pair(items, problems, what, |f| matches!(f, Frame::Integer(_)));
            }
            _ => Reply::Bad,
        };
        if reply == Reply::Bad {
            problems.wrong(what, || format!("unexpected reply {}", show_frame(&frame)));
        }
        reply
    }

    /// Judges reply `part` (0-based) of the [`Op::frames`] replies to
    /// `step` in a batch; the single-reply operations go to
    /// [`Checker::step`].
    pub(crate) fn part(
        &mut self,
        step: Step,
        part: usize,
        frame: Frame,
        problems: &mut Problems,
    ) -> Reply {
        match step.op {
            Op::Transfer => self.transfer(step, part, frame, problems),
            _ => self.step(step, frame, problems),
        }
    }

    /// Reply `part` of a `transfer` step: `+OK` to the `MULTI`, `+QUEUED`
    /// to the `DECRBY` and the `INCRBY`, and to the `EXEC` an array of their
    /// two integers. (What the integers are depends on every other client's
    /// transfers; the balances' sum is checked at the end of the run.)
    fn transfer(
        &mut self,
        step: Step,
        part: usize,
        frame: Frame,
        problems: &mut Problems,
    ) -> Reply {
        let keyspace = self.keyspace;
        let what = move || {
            format!(
                "{}: {}",
                describe(&keyspace, step),
                TRANSFER_PARTS[part.min(3)]
            )
        };
        let fine = match (part, &frame) {
            (_, Frame::Error(message)) => {
                problems.error(what, message);
                return Reply::Bad;
            }
            (0, Frame::Simple(s)) => s == "OK",
            (1 | 2, Frame::Simple(s)) => s == "QUEUED",
            (3, Frame::Array(items)) => {
                return pair(items, problems, what, |f| matches!(f, Frame::Integer(_)));
            }
            _ => false,
        };
        if fine {
            Reply::Fine
        } else {
            problems.wrong(what, || format!("unexpected reply {}", show_frame(&frame)));
            Reply::Bad
        }
    }

    /// Reply `part` of a `transfer-watch` attempt's reads: `+OK` to the
    /// `WATCH` (`Ok(None)`), then to the `MGET` the two balances
    /// (`Ok(Some([from, to]))`), integers; a missing account is 0 without a
    /// prefill, and wrong after one. `Err(())` for a bad reply.
    pub(crate) fn watched(
        &mut self,
        step: Step,
        part: usize,
        frame: Frame,
        problems: &mut Problems,
    ) -> Result<Option<[i64; 2]>, ()> {
        let keyspace = self.keyspace;
        let what = move || {
            format!(
                "{}: {}",
                describe(&keyspace, step),
                WATCH_READ_PARTS[part.min(1)]
            )
        };
        match (part, &frame) {
            (_, Frame::Error(message)) => {
                problems.error(what, message);
                return Err(());
            }
            (0, Frame::Simple(s)) if s == "OK" => return Ok(None),
            (1, Frame::Array(items)) if items.len() == 2 => {
                let verify = self.verify;
                let balance = |item: &Frame| match item {
                    Frame::Null if !verify => Some(0),
                    Frame::Bulk(digits) => balance_of(digits),
                    _ => None,
                };
                if let (Some(from), Some(to)) = (balance(&items[0]), balance(&items[1])) {
                    return Ok(Some([from, to]));
                }
                let shown = show_items(items);
                problems.wrong(what, || {
                    if verify && items.contains(&Frame::Null) {
                        format!("an account missing after the prefill: {shown}")
                    } else {
                        format!("balances that are not integers: {shown}")
                    }
                });
                return Err(());
            }
            _ => {}
        }
        problems.wrong(what, || format!("unexpected reply {}", show_frame(&frame)));
        Err(())
    }

    /// Reply `part` of a `transfer-watch` attempt's writes: `+OK` to the
    /// `MULTI`, `+QUEUED` to each `SET`, and to the `EXEC` an array of two
    /// `+OK`s (committed) or a null (aborted: retry).
    pub(crate) fn committed(
        &mut self,
        step: Step,
        part: usize,
        frame: Frame,
        problems: &mut Problems,
    ) -> Exec {
        let keyspace = self.keyspace;
        let what = move || {
            format!(
                "{}: {}",
                describe(&keyspace, step),
                WATCH_WRITE_PARTS[part.min(3)]
            )
        };
        let fine = match (part, &frame) {
            (_, Frame::Error(message)) => {
                problems.error(what, message);
                return Exec::Bad;
            }
            (0, Frame::Simple(s)) => s == "OK",
            (1 | 2, Frame::Simple(s)) => s == "QUEUED",
            (3, Frame::NullArray) => return Exec::Aborted,
            (3, Frame::Array(items)) => {
                let ok = |f: &Frame| matches!(f, Frame::Simple(s) if s == "OK");
                return match pair(items, problems, what, ok) {
                    Reply::Bad => Exec::Bad,
                    _ => Exec::Committed,
                };
            }
            _ => false,
        };
        if fine {
            Exec::Queued
        } else {
            problems.wrong(what, || format!("unexpected reply {}", show_frame(&frame)));
            Exec::Bad
        }
    }

    /// Judges the reply to `command`, which says `+OK` and nothing else
    /// (`UNWATCH`).
    pub(crate) fn ok(&mut self, command: &'static str, frame: Frame, problems: &mut Problems) {
        match frame {
            Frame::Simple(s) if s == "OK" => {}
            Frame::Error(message) => problems.error(|| command.to_owned(), &message),
            other => problems.wrong(
                || command.to_owned(),
                || format!("unexpected reply {}", show_frame(&other)),
            ),
        }
    }

    /// Judges the reply to the balance check's `MGET` of the `count`
    /// accounts from index `first` on, and returns the sum of its balances;
    /// a missing account, or one that is not an integer, is wrong (and adds
    /// nothing).
    pub(crate) fn balances(
        &mut self,
        first: u64,
        count: u64,
        frame: Frame,
        problems: &mut Problems,
    ) -> i128 {
        let what = || "the balance check's MGET".to_owned();
        let items = match frame {
            Frame::Array(items) if items.len() as u64 == count => items,
            Frame::Error(message) => {
                problems.error(what, &message);
                return 0;
            }
            other => {
                problems.wrong(what, || format!("unexpected reply {}", show_frame(&other)));
                return 0;
            }
        };
        let mut sum = 0;
        for (index, item) in (first..).zip(&items) {
            let balance = match item {
                Frame::Bulk(digits) => balance_of(digits),
                _ => None,
            };
            match balance {
                Some(balance) => sum += i128::from(balance),
                None => {
                    let name = self.keyspace.key(Op::Transfer, index);
                    problems.wrong(what, || {
                        format!(
                            "{} holds {}, not a balance",
                            String::from_utf8_lossy(&name),
                            show_frame(item)
                        )
                    });
                }
            }
        }
        sum
    }

    /// The transfer invariant: the balances sum to what the prefill wrote.
    pub(crate) fn balance_sum(&self, balances: &Balances, problems: &mut Problems) {
        if !balances.holds() {
            problems.wrong(
                || format!("the sum of the {} balances", balances.accounts),
                || {
                    format!(
                        "{}, not the {} the prefill wrote: transfers made or lost {}",
                        balances.sum,
                        balances.expected,
                        balances.sum - balances.expected
                    )
                },
            );
        }
    }

    /// Whether `items`, an `HGETALL` reply in RESP2's flat form, is the
    /// whole of `session:<key>`: each field once, each with its value
    /// (checked after a prefill), in any order.
    fn session(&mut self, key: u64, items: &[Frame]) -> bool {
        if items.len() != 2 * SESSION_FIELDS.len() {
            return false;
        }
        let mut seen = [false; SESSION_FIELDS.len()];
        for pair in items.chunks(2) {
            let [Frame::Bulk(field), Frame::Bulk(value)] = pair else {
                return false;
            };
            let Some(i) = SESSION_FIELDS.iter().position(|f| f == field) else {
                return false;
            };
            if std::mem::replace(&mut seen[i], true) {
                return false;
            }
            let index = key + i as u64 * self.keyspace.keys();
            if self.verify && !self.keyspace.value_matches(index, value, &mut self.scratch) {
                return false;
            }
        }
        true
    }

    /// Whether `items`, a `ZREVRANGE 0 9 WITHSCORES` reply in RESP2's flat
    /// form, can be a top ten: player-score pairs, at most ten, players of
    /// the board's range, whole scores of at least 0 in descending order;
    /// after a prefill, exactly `min(10, members)` of them.
    fn top(&self, items: &[Frame]) -> bool {
        if !items.len().is_multiple_of(2) || items.len() > 2 * TOP {
            return false;
        }
        let full = (TOP as u64).min(self.keyspace.members()) as usize;
        if self.verify && items.len() != 2 * full {
            return false;
        }
        let mut last = f64::INFINITY;
        for pair in items.chunks(2) {
            let [Frame::Bulk(player), Frame::Bulk(score)] = pair else {
                return false;
            };
            let in_range = player
                .strip_prefix(b"player:")
                .and_then(|digits| std::str::from_utf8(digits).ok()?.parse::<u64>().ok())
                .is_some_and(|j| j < self.keyspace.members());
            match whole_score(score) {
                Some(s) if in_range && s >= 0.0 && s <= last => last = s,
                _ => return false,
            }
        }
        true
    }

    /// Judges the reply to a prefill command on key index `key` of
    /// `space`: `+OK` for a `SET`, an integer for the collections' adds.
    pub(crate) fn prefill(
        &mut self,
        space: Space,
        key: u64,
        frame: Frame,
        problems: &mut Problems,
    ) {
        let keyspace = self.keyspace;
        let what = move || {
            let op = match space {
                Space::Key => Op::Set,
                Space::Ctr => Op::Incr,
                Space::Queue => Op::Lpush,
                Space::Session => Op::Hset,
                Space::Tags => Op::Sadd,
                Space::Board => Op::Zincrby,
                Space::Account => Op::Transfer,
            };
            format!(
                "prefill of {}",
                String::from_utf8_lossy(&keyspace.key(op, key))
            )
        };
        match (space, frame) {
            (Space::Key | Space::Ctr | Space::Account, Frame::Simple(s)) if s == "OK" => {}
            (Space::Queue | Space::Session | Space::Tags | Space::Board, Frame::Integer(n))
                if n >= 0 => {}
            (_, Frame::Error(message)) => problems.error(what, &message),
            (_, other) => {
                problems.wrong(what, || format!("unexpected reply {}", show_frame(&other)));
            }
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

/// Judges `items`, the array of a transaction's or a script's two results:
/// two of them, each as `want` says; an error among them (a command that
/// failed inside the `EXEC`) is an error reply.
fn pair(
    items: &[Frame],
    problems: &mut Problems,
    what: impl FnOnce() -> String,
    want: impl Fn(&Frame) -> bool,
) -> Reply {
    if let Some(Frame::Error(message)) = items.iter().find(|f| matches!(f, Frame::Error(_))) {
        problems.error(what, message);
        return Reply::Bad;
    }
    if items.len() == 2 && items.iter().all(want) {
        return Reply::Fine;
    }
    let shown = show_items(items);
    problems.wrong(what, || format!("unexpected reply {shown}"));
    Reply::Bad
}

/// A balance as `GET` or `MGET` returns it: a decimal integer.
pub(crate) fn balance_of(digits: &[u8]) -> Option<i64> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// `GET key:000042`, `SADD tags:000003 item:000017`, `MULTI/EXEC
/// account:000003 account:000007 7`.
fn describe(keyspace: &Keyspace, step: Step) -> String {
    let key = String::from_utf8_lossy(&keyspace.key(step.op, step.key.into())).into_owned();
    let member = u64::from(step.member);
    let arg = match step.op {
        Op::Sadd | Op::Sismember | Op::Zincrby => {
            String::from_utf8_lossy(&keyspace.member(step.op.space(), member)).into_owned()
        }
        Op::Transfer | Op::TransferEval | Op::TransferWatch => format!(
            "{} {TRANSFER_AMOUNT}",
            String::from_utf8_lossy(&keyspace.key(step.op, member))
        ),
        Op::Hget => SESSION_FIELDS
            .get(step.member as usize)
            .map_or_else(String::new, |f| String::from_utf8_lossy(f).into_owned()),
        _ => String::new(),
    };
    if arg.is_empty() {
        format!("{} {key}", step.op.command())
    } else {
        format!("{} {key} {arg}", step.op.command())
    }
}

/// A score that is a whole number: scores here start at 0 and grow by 1.
fn whole_score(bytes: &[u8]) -> Option<f64> {
    let score: f64 = std::str::from_utf8(bytes).ok()?.parse().ok()?;
    (score.is_finite() && score.fract() == 0.0).then_some(score)
}

/// At most 64 bytes of `bytes`, escaped.
fn show(bytes: &[u8]) -> String {
    let mut out = bytes[..bytes.len().min(64)].escape_ascii().to_string();
    if bytes.len() > 64 {
        let _ = write!(out, "... ({} bytes)", bytes.len());
    }
    out
}

/// An array's first few elements: `an array of 2 [:3, (nil)]`.
fn show_items(items: &[Frame]) -> String {
    let shown: Vec<String> = items.iter().take(4).map(show_frame).collect();
    let more = if items.len() > 4 { ", ..." } else { "" };
    format!("an array of {} [{}{more}]", items.len(), shown.join(", "))
}

pub(crate) fn show_frame(frame: &Frame) -> String {
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

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn bulk(bytes: &[u8]) -> Frame {
        Frame::Bulk(Bytes::copy_from_slice(bytes))
    }

    fn step(op: Op, key: u32, member: u32) -> Step {
        Step { op, key, member }
    }

    /// Judges `frame` as the reply to `step`, with or without a prefill,
    /// over 16 keys of 16-byte values and 20 members; returns the verdict
    /// and the problems found.
    fn judge(verify: bool, step: Step, frame: Frame) -> (Reply, Problems) {
        let space = Keyspace::new(16, 16).with_members(20);
        let mut problems = Problems::default();
        let reply = Checker::new(space, verify).step(step, frame, &mut problems);
        (reply, problems)
    }

    /// A flat array of player-score pairs.
    fn top(pairs: &[(u32, &str)]) -> Frame {
        let space = Keyspace::new(16, 16).with_members(20);
        Frame::Array(
            pairs
                .iter()
                .flat_map(|&(j, score)| {
                    [
                        bulk(&space.member(Space::Board, j.into())),
                        bulk(score.as_bytes()),
                    ]
                })
                .collect(),
        )
    }

    /// Replies that Redis gives to the application workloads pass; with a
    /// prefill, those that say nothing was there do not.
    #[test]
    fn right_replies_pass() {
        let space = Keyspace::new(16, 16).with_members(20);
        let user = space.value(3);
        let token = space.value(16 + 3);
        let session = Frame::Array(vec![
            bulk(b"token"),
            bulk(&token),
            bulk(b"user"),
            bulk(&user),
        ]);
        for (verify, step, frame, want) in [
            (true, step(Op::Lpush, 3, 0), Frame::Integer(1), Reply::Fine),
            (true, step(Op::Rpop, 3, 0), bulk(&user), Reply::Fine),
            (true, step(Op::Rpop, 3, 0), Frame::Null, Reply::Miss),
            (false, step(Op::Hset, 3, 0), Frame::Integer(2), Reply::Fine),
            (true, step(Op::Hset, 3, 0), Frame::Integer(0), Reply::Fine),
            (true, step(Op::Hget, 3, 1), bulk(&token), Reply::Fine),
            (false, step(Op::Hget, 3, 0), Frame::Null, Reply::Miss),
            (true, step(Op::Hgetall, 3, 0), session, Reply::Fine),
            (
                false,
                step(Op::Hgetall, 3, 0),
                Frame::Array(vec![]),
                Reply::Miss,
            ),
            (false, step(Op::Sadd, 3, 5), Frame::Integer(1), Reply::Fine),
            (
                false,
                step(Op::Sismember, 3, 5),
                Frame::Integer(0),
                Reply::Fine,
            ),
            (
                true,
                step(Op::Sismember, 3, 5),
                Frame::Integer(1),
                Reply::Fine,
            ),
            (true, step(Op::Zincrby, 3, 5), bulk(b"17"), Reply::Fine),
            (
                false,
                step(Op::Zrevrange, 3, 0),
                top(&[(4, "3"), (19, "3"), (0, "1")]),
                Reply::Fine,
            ),
            (
                false,
                step(Op::Zrevrange, 3, 0),
                Frame::Array(vec![]),
                Reply::Fine,
            ),
        ] {
            let (got, problems) = judge(verify, step, frame);
            assert_eq!(got, want, "{step:?}: {problems}");
            assert!(problems.is_empty(), "{step:?}: {problems}");
        }
        let full: Vec<(u32, &str)> = (0..10).map(|j| (j, "0")).collect();
        let (got, problems) = judge(true, step(Op::Zrevrange, 3, 0), top(&full));
        assert_eq!(got, Reply::Fine, "{problems}");
    }

    /// Each kind of wrong reply is flagged once, as wrong, and described
    /// with its command and key.
    #[test]
    fn wrong_replies_are_flagged() {
        let space = Keyspace::new(16, 16).with_members(20);
        let user = space.value(3);
        let other = space.value(4);
        for (verify, step, frame) in [
            (false, step(Op::Lpush, 3, 0), Frame::Integer(0)),
            (false, step(Op::Lpush, 3, 0), bulk(b"1")),
            (true, step(Op::Rpop, 3, 0), bulk(&other)),
            (false, step(Op::Rpop, 3, 0), Frame::Integer(1)),
            (false, step(Op::Hset, 3, 0), Frame::Integer(1)),
            (true, step(Op::Hset, 3, 0), Frame::Integer(2)),
            (true, step(Op::Hget, 3, 0), Frame::Null),
            (true, step(Op::Hget, 3, 1), bulk(&user)),
            (true, step(Op::Hgetall, 3, 0), Frame::Array(vec![])),
            (
                false,
                step(Op::Hgetall, 3, 0),
                Frame::Array(vec![bulk(b"user"), bulk(&user), bulk(b"user"), bulk(&user)]),
            ),
            (
                false,
                step(Op::Hgetall, 3, 0),
                Frame::Array(vec![bulk(b"user"), bulk(&user)]),
            ),
            (false, step(Op::Sadd, 3, 5), Frame::Integer(2)),
            (true, step(Op::Sadd, 3, 5), Frame::Integer(1)),
            (false, step(Op::Sismember, 3, 5), Frame::Integer(-1)),
            (true, step(Op::Sismember, 3, 5), Frame::Integer(0)),
            (false, step(Op::Sismember, 3, 5), Frame::Null),
            (false, step(Op::Zincrby, 3, 5), bulk(b"0")),
            (false, step(Op::Zincrby, 3, 5), bulk(b"1.5")),
            (false, step(Op::Zincrby, 3, 5), bulk(b"inf")),
            (false, step(Op::Zincrby, 3, 5), Frame::Integer(1)),
            (
                false,
                step(Op::Zrevrange, 3, 0),
                Frame::Array(vec![bulk(b"player:000001")]),
            ),
            (false, step(Op::Zrevrange, 3, 0), top(&[(1, "1"), (2, "2")])),
            (false, step(Op::Zrevrange, 3, 0), top(&[(20, "1")])),
            (false, step(Op::Zrevrange, 3, 0), top(&[(2, "-1")])),
            (false, step(Op::Zrevrange, 3, 0), top(&[(0, "1"); 11])),
            (true, step(Op::Zrevrange, 3, 0), top(&[(0, "1"); 9])),
        ] {
            let (got, problems) = judge(verify, step, frame.clone());
            assert_eq!(got, Reply::Bad, "{step:?} {frame:?} passed");
            assert_eq!(
                (problems.error_replies, problems.wrong_replies),
                (0, 1),
                "{step:?}"
            );
            let first = problems.first.unwrap();
            let key = String::from_utf8(space.key(step.op, 3)).unwrap();
            assert!(
                first.starts_with(&format!("{} {key}", step.op.command())),
                "{first}"
            );
        }
    }

    /// An error reply to any of the new commands counts as an error reply,
    /// with its text.
    #[test]
    fn error_replies_are_counted() {
        let frame = Frame::Error(Bytes::from_static(
            b"WRONGTYPE Operation against a key holding the wrong kind of value",
        ));
        let (got, problems) = judge(false, step(Op::Zincrby, 1, 2), frame);
        assert_eq!(got, Reply::Bad);
        assert_eq!((problems.error_replies, problems.wrong_replies), (1, 0));
        let first = problems.first.unwrap();
        assert!(
            first.starts_with("ZINCRBY board:000001 player:000002: error reply -WRONGTYPE"),
            "{first}"
        );
    }

    fn simple(text: &str) -> Frame {
        Frame::Simple(Bytes::copy_from_slice(text.as_bytes()))
    }

    fn error(text: &str) -> Frame {
        Frame::Error(Bytes::copy_from_slice(text.as_bytes()))
    }

    /// Judges the replies `parts` of one `transfer` step (account 3 pays
    /// account 5); returns the step's verdict and the problems.
    fn judge_transfer(parts: [Frame; 4]) -> (Reply, Problems) {
        let mut checker = Checker::new(Keyspace::new(16, 16), true);
        let mut problems = Problems::default();
        let mut verdict = Reply::Fine;
        for (part, frame) in parts.into_iter().enumerate() {
            verdict = checker
                .part(step(Op::Transfer, 3, 5), part, frame, &mut problems)
                .and(verdict);
        }
        (verdict, problems)
    }

    /// A `transfer`'s four replies as Redis gives them pass.
    #[test]
    fn transfer_replies_pass() {
        let exec = Frame::Array(vec![Frame::Integer(999_993), Frame::Integer(1_000_007)]);
        let (got, problems) =
            judge_transfer([simple("OK"), simple("QUEUED"), simple("QUEUED"), exec]);
        assert_eq!(got, Reply::Fine, "{problems}");
        assert!(problems.is_empty(), "{problems}");
    }

    /// A wrong reply to any of a `transfer`'s four requests makes the step
    /// bad, once, named by the transfer and the request; an error inside
    /// the `EXEC`'s array is an error reply.
    #[test]
    fn transfer_wrong_replies_are_flagged() {
        let ok = || simple("OK");
        let queued = || simple("QUEUED");
        let two = || Frame::Array(vec![Frame::Integer(1), Frame::Integer(2)]);
        for (parts, request) in [
            ([queued(), queued(), queued(), two()], "MULTI"),
            ([ok(), ok(), queued(), two()], "DECRBY"),
            ([ok(), queued(), Frame::Integer(1), two()], "INCRBY"),
            ([ok(), queued(), queued(), Frame::NullArray], "EXEC"),
            (
                [
                    ok(),
                    queued(),
                    queued(),
                    Frame::Array(vec![Frame::Integer(1)]),
                ],
                "EXEC",
            ),
            (
                [
                    ok(),
                    queued(),
                    queued(),
                    Frame::Array(vec![Frame::Integer(1), bulk(b"2")]),
                ],
                "EXEC",
            ),
        ] {
            let (got, problems) = judge_transfer(parts);
            assert_eq!(got, Reply::Bad, "{request}");
            assert_eq!((problems.error_replies, problems.wrong_replies), (0, 1));
            let first = problems.first.unwrap();
            assert!(
                first.starts_with(&format!(
                    "MULTI/EXEC account:000003 account:000005 7: {request}: "
                )),
                "{first}"
            );
        }
        let failed = Frame::Array(vec![
            error("ERR value is not an integer or out of range"),
            Frame::Integer(2),
        ]);
        let (got, problems) = judge_transfer([ok(), queued(), queued(), failed]);
        assert_eq!(got, Reply::Bad);
        assert_eq!((problems.error_replies, problems.wrong_replies), (1, 0));
        assert!(
            problems
                .first
                .unwrap()
                .contains("EXEC: error reply -ERR value")
        );
    }

    /// An `EVALSHA` transfer passes with the script's two integers; a
    /// `NOSCRIPT` is an error reply, anything else a wrong one.
    #[test]
    fn eval_replies() {
        let eval = step(Op::TransferEval, 3, 5);
        let two = Frame::Array(vec![Frame::Integer(-7), Frame::Integer(7)]);
        let (got, problems) = judge(true, eval, two);
        assert_eq!(got, Reply::Fine, "{problems}");
        let (got, problems) = judge(
            true,
            eval,
            error("NOSCRIPT No matching script. Please use EVAL."),
        );
        assert_eq!(got, Reply::Bad);
        assert_eq!((problems.error_replies, problems.wrong_replies), (1, 0));
        let first = problems.first.unwrap();
        assert!(
            first.starts_with("EVALSHA account:000003 account:000005 7: error reply -NOSCRIPT"),
            "{first}"
        );
        for wrong in [Frame::Integer(7), Frame::Array(vec![Frame::Integer(7)])] {
            let (got, problems) = judge(true, eval, wrong);
            assert_eq!(got, Reply::Bad);
            assert_eq!((problems.error_replies, problems.wrong_replies), (0, 1));
        }
    }

    /// A `transfer-watch` attempt's reads give the two balances (a missing
    /// account is 0 without a prefill, wrong after one); its `EXEC` commits
    /// with two `+OK`s, aborts with a null, and is wrong otherwise.
    #[test]
    fn watch_replies() {
        let watch = step(Op::TransferWatch, 3, 5);
        let space = Keyspace::new(16, 16);
        let mut problems = Problems::default();
        let mut fresh = Checker::new(space, false);
        assert_eq!(
            fresh.watched(watch, 0, simple("OK"), &mut problems),
            Ok(None)
        );
        let read = Frame::Array(vec![bulk(b"10"), Frame::Null]);
        assert_eq!(
            fresh.watched(watch, 1, read.clone(), &mut problems),
            Ok(Some([10, 0]))
        );
        assert!(problems.is_empty(), "{problems}");
        let mut prefilled = Checker::new(space, true);
        assert_eq!(prefilled.watched(watch, 1, read, &mut problems), Err(()));
        assert!(
            problems
                .first
                .take()
                .unwrap()
                .contains("missing after the prefill")
        );
        let not_numbers = Frame::Array(vec![bulk(b"10"), bulk(b"ten")]);
        assert_eq!(fresh.watched(watch, 1, not_numbers, &mut problems), Err(()));
        assert_eq!(problems.wrong_replies, 2);

        let mut problems = Problems::default();
        let mut commit = |part, frame| prefilled.committed(watch, part, frame, &mut problems);
        assert_eq!(commit(0, simple("OK")), Exec::Queued);
        assert_eq!(commit(1, simple("QUEUED")), Exec::Queued);
        assert_eq!(commit(2, simple("QUEUED")), Exec::Queued);
        let oks = Frame::Array(vec![simple("OK"), simple("OK")]);
        assert_eq!(commit(3, oks), Exec::Committed);
        assert_eq!(commit(3, Frame::NullArray), Exec::Aborted);
        assert!(problems.is_empty(), "{problems}");
        let mut commit = |part, frame| prefilled.committed(watch, part, frame, &mut problems);
        assert_eq!(commit(1, simple("OK")), Exec::Bad);
        assert_eq!(commit(3, Frame::Array(vec![simple("OK")])), Exec::Bad);
        assert_eq!(
            commit(3, error("EXECABORT Transaction discarded")),
            Exec::Bad
        );
        assert_eq!((problems.error_replies, problems.wrong_replies), (1, 2));
        assert!(
            problems
                .first
                .unwrap()
                .starts_with("WATCH/EXEC account:000003 account:000005 7: SET: "),
        );
    }

    /// The balance check sums an `MGET`'s balances and flags a missing
    /// account, a short reply and a sum that is not the prefill's.
    #[test]
    fn balance_check() {
        let mut checker = Checker::new(Keyspace::new(16, 16), true);
        let mut problems = Problems::default();
        let three = Frame::Array(vec![bulk(b"1000007"), bulk(b"999993"), bulk(b"-5")]);
        assert_eq!(checker.balances(0, 3, three, &mut problems), 1_999_995);
        assert!(problems.is_empty(), "{problems}");
        let missing = Frame::Array(vec![bulk(b"4"), Frame::Null]);
        assert_eq!(checker.balances(10, 2, missing, &mut problems), 4);
        let first = problems.first.take().unwrap();
        assert!(first.contains("account:000011 holds (nil)"), "{first}");
        let short = Frame::Array(vec![bulk(b"4")]);
        assert_eq!(checker.balances(0, 2, short, &mut problems), 0);
        assert_eq!(problems.wrong_replies, 2);

        let mut problems = Problems::default();
        let mut balances = Balances {
            accounts: 2,
            sum: 2_000_000,
            expected: 2_000_000,
        };
        checker.balance_sum(&balances, &mut problems);
        assert!(problems.is_empty());
        balances.sum += 7;
        checker.balance_sum(&balances, &mut problems);
        assert_eq!(problems.wrong_replies, 1);
        let first = problems.first.unwrap();
        assert!(first.contains("made or lost 7"), "{first}");
    }
}

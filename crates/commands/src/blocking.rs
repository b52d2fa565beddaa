//! The blocking pops: `BLPOP`, `BRPOP`, `BLMOVE`, `BRPOPLPUSH`, `BLMPOP`,
//! `BZPOPMIN`, `BZPOPMAX`, `BZMPOP`.
//!
//! A blocking pop is its non-blocking pop ([`lists::mpop`],
//! [`lists::lmove`], [`zsets::pop`]) plus a wait. This module holds what
//! the command is, apart from the wait: its parsing ([`Blocking::parse`],
//! timeout included, in Redis's order of checks), the attempt it makes
//! first ([`Blocking::attempt`]), what it does when a push serves it from
//! one key ([`Blocking::serve`]), whether a key's entry could serve it
//! ([`Blocking::ready`]), and its timeout reply ([`Blocking::timed_out`]).
//!
//! The wait is the server's: a connection parks the client until a push
//! serves it or its timeout passes (see `sharedkv-server`'s `blocking`).
//! Run as commands here (in `MULTI`, in a script, or by a caller with no
//! connection), they never wait: as in Redis, a blocking pop that finds
//! nothing answers as if its timeout had passed at once.
//!
//! ```text
//! BLPOP k1 k2 0 ─parse─▶ Blocking { op: List(Left), keys, timeout }
//!   attempt: first of k1, k2 holding a list ─▶ [key, element]
//!   nothing: the server parks it on k1 and k2 ─▶ a push to k2 runs serve(k2)
//! ```

use std::time::Duration;

use bytes::Bytes;
use sharedkv_db::{Entry, Store, Value};

use crate::strings::float::LongDouble;
use crate::{Args, Command, Ctx, Error, Id, Spec, arg, lists, notify, stored, token, zsets};

/// A timeout that is not a number (`getTimeoutFromObjectOrReply`).
const TIMEOUT_NOT_FLOAT: Error = Error::Fixed("ERR timeout is not a float or out of range");
/// A timeout below 0.
const TIMEOUT_NEGATIVE: Error = Error::Fixed("ERR timeout is negative");
/// A timeout past what a deadline in milliseconds since 1970 can hold.
const TIMEOUT_OUT_OF_RANGE: Error = Error::Fixed("ERR timeout is out of range");

/// What a blocking pop takes, once a key can give it.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// `BLPOP` and `BRPOP` (`count: None`: one element, answered as
    /// `[key, element]`), `BLMPOP` (`Some(count)`: up to `count`, answered
    /// as `[key, [elements]]`).
    List {
        /// The end popped from.
        end: lists::End,
        /// `BLMPOP`'s count.
        count: Option<usize>,
    },
    /// `BLMOVE` and `BRPOPLPUSH`: one element off `from` of the source,
    /// pushed at `to` of `dst`; answered as the element.
    Move {
        /// The destination list.
        dst: Bytes,
        /// The source's end.
        from: lists::End,
        /// The destination's end.
        to: lists::End,
    },
    /// `BZPOPMIN` and `BZPOPMAX` (`count: None`: answered as
    /// `[key, member, score]`), `BZMPOP` (`Some(count)`: as `ZMPOP`).
    ZSet {
        /// The lowest or highest scores.
        end: zsets::End,
        /// `BZMPOP`'s count.
        count: Option<usize>,
    },
}

/// One blocking pop, parsed: what it takes, from which keys, for how long.
#[derive(Clone, Debug, PartialEq)]
pub struct Blocking {
    /// What it takes.
    pub op: Op,
    /// The keys it waits on, in the order it tries them (copied out of the
    /// request: a pop that keeps a key stores it).
    pub keys: Vec<Bytes>,
    /// How long it waits: `None` for ever (a timeout of 0).
    pub timeout: Option<Duration>,
}

/// A timeout in seconds, as Redis 7.0 reads one: a `long double`, turned
/// into whole milliseconds rounding up (so `0.0001` waits 1 ms and
/// `-0.0001` rounds to 0, for ever), never below 0.
fn parse_timeout(word: &[u8]) -> Result<Option<Duration>, Error> {
    let secs = LongDouble::parse(word)
        .and_then(|v| String::from_utf8(v.to_text()).ok())
        .and_then(|text| text.parse::<f64>().ok())
        .ok_or(TIMEOUT_NOT_FLOAT)?;
    let ms = (secs * 1000.0).ceil();
    // Redis adds the timeout to the clock in milliseconds since 1970, and
    // refuses what would overflow that.
    let now = crate::unix_now_millis() as f64;
    if ms > i64::MAX as f64 || (ms > 0.0 && ms > i64::MAX as f64 - now) {
        return Err(TIMEOUT_OUT_OF_RANGE);
    }
    if ms < 0.0 {
        return Err(TIMEOUT_NEGATIVE);
    }
    // `ms` is a whole number in range: the cast is exact.
    Ok((ms > 0.0).then(|| Duration::from_millis(ms as u64)))
}

/// Whether `id` is a blocking pop: one comparison.
pub fn blocks(id: Id) -> bool {
    matches!(
        id,
        Id::BLPop
            | Id::BRPop
            | Id::BLMove
            | Id::BRPopLPush
            | Id::BLMPop
            | Id::BZPopMin
            | Id::BZPopMax
            | Id::BZMPop
    )
}

impl Blocking {
    /// Parses the request `argv` (name first) of `id`: `None` if `id` is
    /// no blocking pop, else the pop or the error Redis answers, checked in
    /// Redis's order (the timeout first, but after `BLMOVE`'s ends).
    pub fn parse(id: Id, argv: &[Bytes]) -> Option<Result<Blocking, Error>> {
        let words = argv.get(1..).unwrap_or_default();
        let last = || words.last().cloned().unwrap_or_default();
        let front = || {
            words[..words.len().saturating_sub(1)]
                .iter()
                .cloned()
                .map(stored)
                .collect()
        };
        Some(match id {
            Id::BLPop | Id::BRPop => parse_timeout(&last()).map(|timeout| Blocking {
                op: Op::List {
                    end: if id == Id::BLPop {
                        lists::End::Left
                    } else {
                        lists::End::Right
                    },
                    count: None,
                },
                keys: front(),
                timeout,
            }),
            Id::BZPopMin | Id::BZPopMax => parse_timeout(&last()).map(|timeout| Blocking {
                op: Op::ZSet {
                    end: if id == Id::BZPopMin {
                        zsets::End::Min
                    } else {
                        zsets::End::Max
                    },
                    count: None,
                },
                keys: front(),
                timeout,
            }),
            Id::BLMove | Id::BRPopLPush => parse_move(id, words),
            Id::BLMPop | Id::BZMPop => parse_mpop(id, words),
            _ => return None,
        })
    }

    /// The destination of a `BLMOVE` or `BRPOPLPUSH`.
    pub fn destination(&self) -> Option<&Bytes> {
        match &self.op {
            Op::Move { dst, .. } => Some(dst),
            _ => None,
        }
    }

    /// Every key the pop may write: the keys it waits on and its
    /// destination.
    pub fn touched(&self) -> Vec<Bytes> {
        let mut keys = self.keys.clone();
        keys.extend(self.destination().cloned());
        keys
    }

    /// Whether `entry` is one this pop can take from now: a list for the
    /// list pops, a sorted set for the others (never empty: no empty
    /// collection is stored). A key of another type keeps its waiters
    /// waiting, as in Redis.
    pub fn ready(&self, entry: Option<&Entry>) -> bool {
        match (&self.op, entry.map(|e| &e.value)) {
            (Op::List { .. } | Op::Move { .. }, Some(Value::List(list))) => !list.is_empty(),
            (Op::ZSet { .. }, Some(Value::ZSet(set))) => !set.is_empty(),
            _ => false,
        }
    }

    /// The attempt before waiting: pops from the first of the keys that
    /// holds something, writes the reply and publishes the events, and
    /// says whether it did. `WRONGTYPE` if a key before it holds another
    /// type. Nothing written when it found nothing.
    pub async fn attempt<D: Store>(&self, cx: &mut Ctx<'_, D>) -> Result<bool, Error> {
        self.pop(cx, self.keys.clone()).await
    }

    /// A push has made `key` (one of the keys) [`ready`](Blocking::ready):
    /// pops from it as the attempt would, writes the reply and publishes
    /// the events. Whoever calls it holds `key` (and the destination) in
    /// one step and has just seen it ready, so it pops; an `Err` is the
    /// destination's `WRONGTYPE`, for the waiter, with nothing moved.
    pub async fn serve<D: Store>(&self, cx: &mut Ctx<'_, D>, key: &Bytes) -> Result<bool, Error> {
        self.pop(cx, vec![key.clone()]).await
    }

    /// The reply when the timeout passes: the null array, or for `BLMOVE`
    /// and `BRPOPLPUSH` the null bulk string (one null in RESP3).
    pub fn timed_out(&self, reply: &mut crate::Reply<'_>) {
        match self.op {
            Op::Move { .. } => reply.null(),
            _ => reply.null_array(),
        }
    }

    async fn pop<D: Store>(&self, cx: &mut Ctx<'_, D>, keys: Vec<Bytes>) -> Result<bool, Error> {
        match &self.op {
            Op::List { end, count } => {
                let Some((key, popped)) =
                    lists::mpop(cx.db, cx.selected, keys, *end, count.unwrap_or(1)).await?
                else {
                    return Ok(false);
                };
                if cx.notifies(notify::LIST) {
                    cx.notify_taken(notify::LIST, end.pop_event(), Some(key.clone()))
                        .await;
                }
                cx.reply.array(2);
                cx.reply.bulk(&key);
                match count {
                    None => cx
                        .reply
                        .bulk(popped.first().map(|e| &e[..]).unwrap_or_default()),
                    Some(_) => lists::write_elements(&mut cx.reply, &popped),
                }
                Ok(true)
            }
            Op::Move { dst, from, to } => {
                let src = keys.into_iter().next().unwrap_or_default();
                let moved =
                    lists::lmove(cx.db, cx.selected, src.clone(), dst.clone(), *from, *to).await?;
                let Some(element) = moved else {
                    return Ok(false);
                };
                if cx.notifies(notify::LIST) {
                    // Redis's order: the push, then the pop.
                    cx.notify(notify::LIST, to.push_event(), dst);
                    cx.notify_taken(notify::LIST, from.pop_event(), Some(src))
                        .await;
                }
                cx.reply.bulk(&element);
                Ok(true)
            }
            Op::ZSet { end, count } => {
                let popped = zsets::pop(cx.db, cx.selected, keys, *end, count.unwrap_or(1)).await?;
                let Some(zsets::Popped { key, elements }) =
                    popped.filter(|p| !p.elements.is_empty())
                else {
                    return Ok(false);
                };
                let kept = cx.keep(notify::ZSET, &key);
                cx.notify_taken(notify::ZSET, end.event(), kept).await;
                cx.reply.array(2 + usize::from(count.is_none()));
                cx.reply.bulk(&key);
                if count.is_some() {
                    cx.reply.array(elements.len());
                }
                for (member, score) in &elements {
                    if count.is_some() {
                        cx.reply.array(2);
                    }
                    cx.reply.bulk(member);
                    cx.reply.double(*score);
                }
                Ok(true)
            }
        }
    }
}

/// `BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout` and
/// `BRPOPLPUSH source destination timeout`.
fn parse_move(id: Id, words: &[Bytes]) -> Result<Blocking, Error> {
    let word = |i: usize| words.get(i).cloned().unwrap_or_default();
    let (from, to, timeout) = if id == Id::BLMove {
        (
            lists::End::parse(&word(2))?,
            lists::End::parse(&word(3))?,
            word(4),
        )
    } else {
        (lists::End::Right, lists::End::Left, word(2))
    };
    Ok(Blocking {
        timeout: parse_timeout(&timeout)?,
        op: Op::Move {
            dst: stored(word(1)),
            from,
            to,
        },
        keys: vec![stored(word(0))],
    })
}

/// `BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]` and
/// `BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]`.
fn parse_mpop(id: Id, words: &[Bytes]) -> Result<Blocking, Error> {
    let timeout = parse_timeout(words.first().map(|w| &w[..]).unwrap_or_default())?;
    let rest = words.get(1..).unwrap_or_default().to_vec();
    if id == Id::BLMPop {
        let (keys, end, count) = lists::parse_mpop(rest)?;
        Ok(Blocking {
            op: Op::List {
                end,
                count: Some(count),
            },
            keys,
            timeout,
        })
    } else {
        let (keys, end, count) = zsets::parse_mpop(rest)?;
        Ok(Blocking {
            op: Op::ZSet {
                end,
                count: Some(count),
            },
            keys,
            timeout,
        })
    }
}

/// Runs a blocking pop as a command, without waiting: the attempt, or the
/// timeout's reply.
async fn run<D: Store>(id: Id, cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
    let mut argv = vec![Bytes::from_static(id.spec().name.as_bytes())];
    argv.extend(args.rest());
    let Some(blocking) = Blocking::parse(id, &argv) else {
        return Err(Error::SYNTAX);
    };
    let blocking = blocking?;
    if !blocking.attempt(cx).await? {
        blocking.timed_out(&mut cx.reply);
    }
    Ok(())
}

/// Declares one blocking pop as a command: its spec, and [`run`].
macro_rules! blocking_command {
    ($(#[$doc:meta])* $name:ident, $spec:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl Command for $name {
            const SPEC: Spec = $spec;

            async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
                run(Id::$name, cx, args).await
            }
        }
    };
}

blocking_command!(
    /// `BLPOP key [key ...] timeout`
    BLPop,
    Spec {
        name: "blpop",
        arity: -3,
        flags: &["write", "blocking"],
        keys: (1, -2, 1),
        acl: &["@write", "@list", "@slow", "@blocking"],
        summary: "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
        since: "2.0.0",
        group: "list",
        complexity: "O(N) where N is the number of provided keys.",
        args: &[arg!("key", Key, multiple: true), arg!("timeout", Double)],
        ..Spec::BASE
    }
);

blocking_command!(
    /// `BRPOP key [key ...] timeout`
    BRPop,
    Spec {
        name: "brpop",
        arity: -3,
        flags: &["write", "blocking"],
        keys: (1, -2, 1),
        acl: &["@write", "@list", "@slow", "@blocking"],
        summary: "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
        since: "2.0.0",
        group: "list",
        complexity: "O(N) where N is the number of provided keys.",
        args: &[arg!("key", Key, multiple: true), arg!("timeout", Double)],
        ..Spec::BASE
    }
);

blocking_command!(
    /// `BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout`
    BLMove,
    Spec {
        name: "blmove",
        arity: 6,
        flags: &["write", "denyoom", "blocking"],
        keys: (1, 2, 1),
        acl: &["@write", "@list", "@slow", "@blocking"],
        summary: "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.",
        since: "6.2.0",
        group: "list",
        complexity: "O(1)",
        args: &[
            arg!("source", Key),
            arg!("destination", Key),
            arg!("wherefrom", OneOf, args: &[token!("left", "LEFT"), token!("right", "RIGHT")]),
            arg!("whereto", OneOf, args: &[token!("left", "LEFT"), token!("right", "RIGHT")]),
            arg!("timeout", Double),
        ],
        ..Spec::BASE
    }
);

blocking_command!(
    /// `BRPOPLPUSH source destination timeout`
    BRPopLPush,
    Spec {
        name: "brpoplpush",
        arity: 4,
        flags: &["write", "denyoom", "blocking"],
        keys: (1, 2, 1),
        acl: &["@write", "@list", "@slow", "@blocking"],
        summary: "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.",
        since: "2.2.0",
        group: "list",
        complexity: "O(1)",
        args: &[
            arg!("source", Key),
            arg!("destination", Key),
            arg!("timeout", Double),
        ],
        ..Spec::BASE
    }
);

blocking_command!(
    /// `BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]`
    BLMPop,
    Spec {
        name: "blmpop",
        arity: -5,
        flags: &["write", "blocking", "movablekeys"],
        keys: (0, 0, 0),
        acl: &["@write", "@list", "@slow", "@blocking"],
        summary: "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
        since: "7.0.0",
        group: "list",
        complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
        args: &[
            arg!("timeout", Double),
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
            arg!("where", OneOf, args: &[token!("left", "LEFT"), token!("right", "RIGHT")]),
            arg!("count", Integer, token: Some("COUNT"), optional: true),
        ],
        ..Spec::BASE
    }
);

blocking_command!(
    /// `BZPOPMIN key [key ...] timeout`
    BZPopMin,
    Spec {
        name: "bzpopmin",
        arity: -3,
        flags: &["write", "fast", "blocking"],
        keys: (1, -2, 1),
        acl: &["@write", "@sortedset", "@fast", "@blocking"],
        summary: "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
        since: "5.0.0",
        group: "sorted-set",
        complexity: "O(log(N)) with N being the number of elements in the sorted set.",
        args: &[arg!("key", Key, multiple: true), arg!("timeout", Double)],
        ..Spec::BASE
    }
);

blocking_command!(
    /// `BZPOPMAX key [key ...] timeout`
    BZPopMax,
    Spec {
        name: "bzpopmax",
        arity: -3,
        flags: &["write", "fast", "blocking"],
        keys: (1, -2, 1),
        acl: &["@write", "@sortedset", "@fast", "@blocking"],
        summary: "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.",
        since: "5.0.0",
        group: "sorted-set",
        complexity: "O(log(N)) with N being the number of elements in the sorted set.",
        args: &[arg!("key", Key, multiple: true), arg!("timeout", Double)],
        ..Spec::BASE
    }
);

blocking_command!(
    /// `BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]`
    BZMPop,
    Spec {
        name: "bzmpop",
        arity: -5,
        flags: &["write", "blocking", "movablekeys"],
        keys: (0, 0, 0),
        acl: &["@write", "@sortedset", "@slow", "@blocking"],
        summary: "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
        since: "7.0.0",
        group: "sorted-set",
        complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
        args: &[
            arg!("timeout", Double),
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
            arg!("where", OneOf, args: &[token!("min", "MIN"), token!("max", "MAX")]),
            arg!("count", Integer, token: Some("COUNT"), optional: true),
        ],
        ..Spec::BASE
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Timeouts as Redis 7.0 reads them: seconds as decimals, rounded up to
    /// milliseconds, 0 for ever, negative or junk refused.
    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout(b"0"), Ok(None));
        assert_eq!(parse_timeout(b"1.5"), Ok(Some(Duration::from_millis(1500))));
        assert_eq!(parse_timeout(b"0.0001"), Ok(Some(Duration::from_millis(1))));
        assert_eq!(parse_timeout(b"-0.0001"), Ok(None));
        assert_eq!(parse_timeout(b"-1"), Err(TIMEOUT_NEGATIVE));
        assert_eq!(parse_timeout(b"abc"), Err(TIMEOUT_NOT_FLOAT));
        assert_eq!(parse_timeout(b" 1"), Err(TIMEOUT_NOT_FLOAT));
        assert_eq!(parse_timeout(b"1e300"), Err(TIMEOUT_OUT_OF_RANGE));
    }
}

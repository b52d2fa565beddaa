//! Ranges of a sorted set: by rank, by score, by member. `ZRANGE` (with
//! `BYSCORE`, `BYLEX`, `REV`, `LIMIT`, `WITHSCORES`), `ZRANGESTORE`, the
//! older forms (`ZREVRANGE`, `ZRANGEBYSCORE`, ...), `ZCOUNT`, `ZLEXCOUNT`
//! and `ZREMRANGEBYRANK|SCORE|LEX`.
//!
//! Every range is found as Redis finds it: the first element in range (the
//! last, in reverse), then `LIMIT`'s offset skipped without looking, then
//! elements taken while they are in range. Finding the first element is
//! one descent of the skiplist (O(log N)); taking M elements is O(M).
//!
//! A member range assumes what Redis documents: all members have the same
//! score, so members rise along the order. When they do not, Redis's answer
//! depends on its encoding (its skiplist's descent is then random), so
//! sharedkv answers as the small encoding (listpack) does: the first
//! element in range is found by a scan in score order. Each sorted set
//! knows in O(1) whether its members rise
//! ([`SortedSet::members_ascending`]), so only such sets pay for the scan.

use std::cmp::Ordering;

use bytes::Bytes;
use sharedkv_db::{DbIndex, Entry, Keys, SortedSet, Store, Value};

use super::score::parse_bound;
use super::{integer, is_word, reply_elements, zset_of};
use crate::{Args, Command, Ctx, Error, Spec, arg, notify, stored, token};

/// `ERR min or max is not a float`
const BAD_SCORE_RANGE: Error = Error::Fixed("ERR min or max is not a float");

/// `ERR min or max not valid string range item`
const BAD_LEX_RANGE: Error = Error::Fixed("ERR min or max not valid string range item");

// ---------------------------------------------------------- score ranges

/// A range of scores: `ZRANGEBYSCORE key 1 (5` is `min` 1 included, `max`
/// 5 excluded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreRange {
    /// The lowest score.
    pub min: f64,
    /// Whether `min` itself is out (`(1`).
    pub min_excluded: bool,
    /// The highest score.
    pub max: f64,
    /// Whether `max` itself is out.
    pub max_excluded: bool,
}

impl ScoreRange {
    /// Every score, `-inf` to `+inf`.
    pub const ALL: ScoreRange = ScoreRange {
        min: f64::NEG_INFINITY,
        min_excluded: false,
        max: f64::INFINITY,
        max_excluded: false,
    };

    /// The range `min` to `max` as `ZRANGEBYSCORE` reads them (Redis's
    /// `zslParseRange`: a `(` excludes a bound, then `strtod` must read the
    /// rest up to a NUL, not NaN); `ERR min or max is not a float`
    /// otherwise.
    pub fn parse(min: &[u8], max: &[u8]) -> Result<ScoreRange, Error> {
        let (min, min_excluded) = parse_bound(min).ok_or(BAD_SCORE_RANGE)?;
        let (max, max_excluded) = parse_bound(max).ok_or(BAD_SCORE_RANGE)?;
        Ok(ScoreRange {
            min,
            min_excluded,
            max,
            max_excluded,
        })
    }

    fn above_min(&self, score: f64) -> bool {
        if self.min_excluded {
            score > self.min
        } else {
            score >= self.min
        }
    }

    fn below_max(&self, score: f64) -> bool {
        if self.max_excluded {
            score < self.max
        } else {
            score <= self.max
        }
    }

    /// Whether no score can be in it (Redis's first test in `zslIsInRange`).
    fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.min_excluded || self.max_excluded))
    }

    /// Whether some of `set` may be in range: not empty, its highest score
    /// reaches `min` and its lowest `max`.
    fn meets(&self, set: &SortedSet) -> bool {
        match (set.first(), set.last()) {
            (Some((_, lowest)), Some((_, highest))) => {
                !self.is_empty() && self.above_min(highest) && self.below_max(lowest)
            }
            _ => false,
        }
    }

    /// The rank of the first element in range (`zslFirstInRange`).
    fn first_in(&self, set: &SortedSet) -> Option<usize> {
        if !self.meets(set) {
            return None;
        }
        let rank = set.partition_point(|_, s| !self.above_min(s));
        set.get(rank)
            .filter(|(_, s)| self.below_max(*s))
            .map(|_| rank)
    }

    /// The rank of the last element in range (`zslLastInRange`).
    fn last_in(&self, set: &SortedSet) -> Option<usize> {
        if !self.meets(set) {
            return None;
        }
        let rank = set
            .partition_point(|_, s| self.below_max(s))
            .checked_sub(1)?;
        set.get(rank)
            .filter(|(_, s)| self.above_min(*s))
            .map(|_| rank)
    }

    /// How many elements are in range: from the first, those up to `max`.
    fn count(&self, set: &SortedSet) -> (usize, usize) {
        match self.first_in(set) {
            Some(first) => {
                let end = set.partition_point(|_, s| self.below_max(s));
                (first, end.saturating_sub(first))
            }
            None => (0, 0),
        }
    }
}

// ------------------------------------------------------------ lex ranges

/// One end of a member range, as `ZRANGEBYLEX` writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexBound {
    /// `-`: below every member.
    Min,
    /// `+`: above every member.
    Max,
    /// `[member`: this member and beyond.
    Included(Bytes),
    /// `(member`: beyond this member.
    Excluded(Bytes),
}

impl LexBound {
    /// `-`, `+`, `[member` or `(member` (Redis's `zslParseLexRangeItem`:
    /// `+` and `-` stand alone, up to a NUL).
    fn parse(word: &Bytes) -> Option<LexBound> {
        let alone = word.get(1).is_none_or(|&b| b == 0);
        match word.first() {
            Some(b'+') if alone => Some(LexBound::Max),
            Some(b'-') if alone => Some(LexBound::Min),
            Some(b'(') => Some(LexBound::Excluded(word.slice(1..))),
            Some(b'[') => Some(LexBound::Included(word.slice(1..))),
            _ => None,
        }
    }

    /// Whether the bound itself is out: `(`, and `-` and `+`, which no
    /// member equals.
    fn excluded(&self) -> bool {
        !matches!(self, LexBound::Included(_))
    }

    /// How `member` compares with the bound.
    fn compare(&self, member: &[u8]) -> Ordering {
        match self {
            LexBound::Min => Ordering::Greater,
            LexBound::Max => Ordering::Less,
            LexBound::Included(b) | LexBound::Excluded(b) => member.cmp(b),
        }
    }

    /// The bound as a point on the line `-` < every member < `+`.
    fn point(&self) -> (u8, &[u8]) {
        match self {
            LexBound::Min => (0, b""),
            LexBound::Included(b) | LexBound::Excluded(b) => (1, b),
            LexBound::Max => (2, b""),
        }
    }
}

/// A range of members: `ZRANGEBYLEX key [a (c` is from `a` included to `c`
/// excluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexRange {
    /// The lowest end.
    pub min: LexBound,
    /// The highest end.
    pub max: LexBound,
}

impl LexRange {
    /// The range `min` to `max` as `ZRANGEBYLEX` reads them; `ERR min or
    /// max not valid string range item` otherwise.
    pub fn parse(min: &Bytes, max: &Bytes) -> Result<LexRange, Error> {
        Ok(LexRange {
            min: LexBound::parse(min).ok_or(BAD_LEX_RANGE)?,
            max: LexBound::parse(max).ok_or(BAD_LEX_RANGE)?,
        })
    }

    fn above_min(&self, member: &[u8]) -> bool {
        match self.min.compare(member) {
            Ordering::Greater => true,
            Ordering::Equal => !self.min.excluded(),
            Ordering::Less => false,
        }
    }

    fn below_max(&self, member: &[u8]) -> bool {
        match self.max.compare(member) {
            Ordering::Less => true,
            Ordering::Equal => !self.max.excluded(),
            Ordering::Greater => false,
        }
    }

    /// Whether no member can be in it (`zslIsInLexRange`'s first test).
    fn is_empty(&self) -> bool {
        match self.min.point().cmp(&self.max.point()) {
            Ordering::Greater => true,
            Ordering::Equal => self.min.excluded() || self.max.excluded(),
            Ordering::Less => false,
        }
    }

    /// Whether some of `set` may be in range: not empty, its last member
    /// reaches `min` and its first `max` (as Redis tests, in score order).
    fn meets(&self, set: &SortedSet) -> bool {
        match (set.first(), set.last()) {
            (Some((first, _)), Some((last, _))) => {
                !self.is_empty() && self.above_min(last) && self.below_max(first)
            }
            _ => false,
        }
    }

    /// The rank of the first element, in score order, whose member is past
    /// `min`, if that member is also up to `max` (`zzlFirstInLexRange`).
    fn first_in(&self, set: &SortedSet) -> Option<usize> {
        if !self.meets(set) {
            return None;
        }
        let rank = if set.members_ascending() {
            set.partition_point(|m, _| !self.above_min(m))
        } else {
            set.iter().position(|(m, _)| self.above_min(m))?
        };
        set.get(rank)
            .filter(|(m, _)| self.below_max(m))
            .map(|_| rank)
    }

    /// The rank of the last element whose member is up to `max`, if it is
    /// also past `min` (`zzlLastInLexRange`).
    fn last_in(&self, set: &SortedSet) -> Option<usize> {
        if !self.meets(set) {
            return None;
        }
        let rank = if set.members_ascending() {
            set.partition_point(|m, _| self.below_max(m))
                .checked_sub(1)?
        } else {
            let from_end = set.iter().rev().position(|(m, _)| self.below_max(m))?;
            set.len() - 1 - from_end
        };
        set.get(rank)
            .filter(|(m, _)| self.above_min(m))
            .map(|_| rank)
    }

    /// The first element in range and how many follow it while in range.
    fn count(&self, set: &SortedSet) -> (usize, usize) {
        let Some(first) = self.first_in(set) else {
            return (0, 0);
        };
        let n = if set.members_ascending() {
            set.partition_point(|m, _| self.below_max(m)) - first
        } else {
            set.range(first..)
                .take_while(|(m, _)| self.below_max(m))
                .count()
        };
        (first, n)
    }
}

// ------------------------------------------------------------- selection

/// What a range takes from a sorted set.
#[derive(Clone, Debug, PartialEq)]
pub enum RangeBy {
    /// By 0-based rank, `start` to `stop` both included, a negative rank
    /// counting from the end (`ZRANGE key 0 -1`).
    Rank {
        /// The first rank.
        start: i64,
        /// The last rank.
        stop: i64,
    },
    /// By score (`BYSCORE`).
    Score(ScoreRange),
    /// By member, among equal scores (`BYLEX`).
    Lex(LexRange),
}

/// A `ZRANGE` query.
#[derive(Clone, Debug, PartialEq)]
pub struct RangeQuery {
    /// Which elements.
    pub by: RangeBy,
    /// `REV`: from the highest score down (a rank then counts from the
    /// top).
    pub rev: bool,
    /// `LIMIT offset count`, for score and member ranges: skip `offset`
    /// elements in range, then take at most `count` (a negative count:
    /// all). A negative offset takes nothing, as in Redis.
    pub limit: Option<(i64, i64)>,
}

/// A rank range `start..=stop` (negative from the end) cut to a set of
/// `len` elements, as Redis cuts it; `None` when it is empty.
fn rank_range(start: i64, stop: i64, len: usize) -> Option<(usize, usize)> {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    let start = if start < 0 { len + start } else { start }.max(0);
    let stop = if stop < 0 { len + stop } else { stop };
    if start > stop || start >= len {
        return None;
    }
    let stop = stop.min(len - 1);
    Some((usize::try_from(start).ok()?, usize::try_from(stop).ok()?))
}

/// Calls `f` with each element `query` selects from `set`, in the order of
/// the reply.
fn select(set: &SortedSet, query: &RangeQuery, mut f: impl FnMut(&Bytes, f64)) {
    let (offset, count) = query.limit.unwrap_or((0, -1));
    let take = usize::try_from(count).unwrap_or(usize::MAX);
    // Redis skips a negative offset by running its loop to the end.
    let offset = usize::try_from(offset).ok();
    match &query.by {
        RangeBy::Rank { start, stop } => {
            let Some((start, stop)) = rank_range(*start, *stop, set.len()) else {
                return;
            };
            if query.rev {
                let top = set.len() - 1;
                set.range(top - stop..=top - start)
                    .rev()
                    .for_each(|(m, s)| f(m, s));
            } else {
                set.range(start..=stop).for_each(|(m, s)| f(m, s));
            }
        }
        RangeBy::Score(range) => {
            if query.rev {
                let start = offset.and_then(|o| range.last_in(set)?.checked_sub(o));
                let Some(start) = start else {
                    return;
                };
                set.range(..=start)
                    .rev()
                    .take_while(|(_, s)| range.above_min(*s))
                    .take(take)
                    .for_each(|(m, s)| f(m, s));
            } else {
                let Some(start) = offset.and_then(|o| Some(range.first_in(set)?.saturating_add(o)))
                else {
                    return;
                };
                set.range(start..)
                    .take_while(|(_, s)| range.below_max(*s))
                    .take(take)
                    .for_each(|(m, s)| f(m, s));
            }
        }
        RangeBy::Lex(range) => {
            if query.rev {
                let start = offset.and_then(|o| range.last_in(set)?.checked_sub(o));
                let Some(start) = start else {
                    return;
                };
                set.range(..=start)
                    .rev()
                    .take_while(|(m, _)| range.above_min(m))
                    .take(take)
                    .for_each(|(m, s)| f(m, s));
            } else {
                let Some(start) = offset.and_then(|o| Some(range.first_in(set)?.saturating_add(o)))
                else {
                    return;
                };
                set.range(start..)
                    .take_while(|(m, _)| range.below_max(m))
                    .take(take)
                    .for_each(|(m, s)| f(m, s));
            }
        }
    }
}

/// The elements `query` selects from the sorted set in `entry`, in order.
fn selected(entry: Option<&Entry>, query: &RangeQuery) -> Result<Vec<(Bytes, f64)>, Error> {
    let mut out = Vec::new();
    if let Some(set) = zset_of(entry)? {
        select(set, query, |m, s| out.push((m.clone(), s)));
    }
    Ok(out)
}

/// `ZRANGE`, typed: the elements `query` selects, in its order (an absent
/// key has none).
pub async fn zrange<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    query: RangeQuery,
) -> Result<Vec<(Bytes, f64)>, Error> {
    db.read(index, key, move |e| selected(e, &query)).await
}

/// `ZRANGESTORE`, typed: stores what `query` selects from `src` as the
/// sorted set `dst` (replacing whatever `dst` held; an empty selection
/// deletes it); how many elements. `dst` is stored as given (see
/// [`stored()`]).
pub async fn zrangestore<D: Store>(
    db: &D,
    index: DbIndex,
    dst: Bytes,
    src: Bytes,
    query: RangeQuery,
) -> Result<usize, Error> {
    let keys = [dst.clone(), src.clone()];
    db.update_many(&keys, move |view: &mut dyn Keys| {
        let mut set = SortedSet::new();
        view.read(index, &src, |e| {
            if let Some(from) = zset_of(e)? {
                select(from, &query, |m, s| {
                    set.insert(m.clone(), s);
                });
            }
            Ok::<_, Error>(())
        })?;
        let n = set.len();
        store(view, index, &dst, set);
        Ok(n)
    })
    .await
}

/// Writes `set` as `dst`'s value in a multi-key step, or deletes `dst` when
/// `set` is empty (what every `*STORE` command does with its result).
pub(super) fn store(view: &mut dyn Keys, index: DbIndex, dst: &Bytes, set: SortedSet) {
    view.update(index, dst, |slot| {
        if set.is_empty() {
            slot.remove();
        } else {
            slot.put(Entry::new(Value::ZSet(Box::new(set.clone()))));
        }
    });
}

/// How a range command reads its range, and what it may add to it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum By {
    /// `ZRANGE`, `ZRANGESTORE`: rank unless `BYSCORE` or `BYLEX` says.
    Auto,
    Rank,
    Score,
    Lex,
}

/// Parses a range command's words from its `min` on: `min max [options]`,
/// as Redis's `zrangeGenericCommand` does, in its order of checks. `rev`
/// is `None` where `REV` may be given; `store` takes no `WITHSCORES`.
fn parse_query(
    words: &[Bytes],
    mut by: By,
    mut rev: Option<bool>,
    store: bool,
) -> Result<(RangeQuery, bool), Error> {
    let (mut withscores, mut offset, mut count) = (false, 0, -1);
    let mut at = 2;
    while let Some(word) = words.get(at) {
        let left = words.len() - at - 1;
        if !store && is_word(word, "WITHSCORES") {
            withscores = true;
        } else if is_word(word, "LIMIT") && left >= 2 {
            offset = integer(&words[at + 1])?;
            count = integer(&words[at + 2])?;
            at += 2;
        } else if rev.is_none() && is_word(word, "REV") {
            rev = Some(true);
        } else if by == By::Auto && is_word(word, "BYLEX") {
            by = By::Lex;
        } else if by == By::Auto && is_word(word, "BYSCORE") {
            by = By::Score;
        } else {
            return Err(Error::SYNTAX);
        }
        at += 1;
    }
    let rev = rev.unwrap_or(false);
    if by == By::Auto {
        by = By::Rank;
    }
    if count != -1 && by == By::Rank {
        return Err(Error::Fixed(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && by == By::Lex {
        return Err(Error::Fixed(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    let (Some(first), Some(second)) = (words.first(), words.get(1)) else {
        return Err(Error::SYNTAX);
    };
    // In reverse, a score or member range names its maximum first.
    let (min, max) = if rev && by != By::Rank {
        (second, first)
    } else {
        (first, second)
    };
    let by = match by {
        By::Score => RangeBy::Score(ScoreRange::parse(min, max)?),
        By::Lex => RangeBy::Lex(LexRange::parse(min, max)?),
        _ => RangeBy::Rank {
            start: integer(min)?,
            stop: integer(max)?,
        },
    };
    let limit = (!matches!(by, RangeBy::Rank { .. })).then_some((offset, count));
    Ok((RangeQuery { by, rev, limit }, withscores))
}

/// Runs a range command that replies with the range.
async fn run_range<D: Store>(
    cx: &mut Ctx<'_, D>,
    mut args: Args,
    by: By,
    rev: Option<bool>,
) -> Result<(), Error> {
    let key = args.required()?;
    let words = args.rest();
    let (query, withscores) = parse_query(&words, by, rev, false)?;
    let elements = zrange(cx.db, cx.selected, &key, query).await?;
    reply_elements(&mut cx.reply, &elements, withscores);
    Ok(())
}

/// The `LIMIT offset count` argument of the range commands.
const LIMIT_ARG: crate::Arg = arg!("offset_count", Block, token: Some("LIMIT"), optional: true, args: &[
    arg!("offset", Integer),
    arg!("count", Integer),
]);

/// `ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]`
pub struct ZRange;

impl Command for ZRange {
    const SPEC: Spec = Spec {
        name: "zrange",
        arity: -4,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Returns members of a sorted set by rank, score or member range, in either order.",
        since: "1.2.0",
        group: "sorted-set",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
        args: &[
            arg!("key", Key),
            arg!("start", String),
            arg!("stop", String),
            arg!("sortby", OneOf, since: Some("6.2.0"), optional: true, args: &[
                token!("byscore", "BYSCORE"),
                token!("bylex", "BYLEX"),
            ]),
            token!("rev", "REV", since: Some("6.2.0"), optional: true),
            arg!("offset_count", Block, token: Some("LIMIT"), since: Some("6.2.0"), optional: true, args: &[
                arg!("offset", Integer),
                arg!("count", Integer),
            ]),
            token!("withscores", "WITHSCORES", optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_range(cx, args, By::Auto, None).await
    }
}

/// `ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]`
pub struct ZRangeStore;

impl Command for ZRangeStore {
    const SPEC: Spec = Spec {
        name: "zrangestore",
        arity: -5,
        flags: &["write", "denyoom"],
        keys: (1, 2, 1),
        acl: &["@write", "@sortedset", "@slow"],
        summary: "Stores a range of a sorted set, by rank, score or member, as another sorted set.",
        since: "6.2.0",
        group: "sorted-set",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
        args: &[
            arg!("dst", Key),
            arg!("src", Key),
            arg!("min", String),
            arg!("max", String),
            arg!("sortby", OneOf, optional: true, args: &[
                token!("byscore", "BYSCORE"),
                token!("bylex", "BYLEX"),
            ]),
            token!("rev", "REV", optional: true),
            LIMIT_ARG,
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (dst, src) = (args.required()?, args.required()?);
        let words = args.rest();
        let (query, _) = parse_query(&words, By::Auto, None, true)?;
        let existed = match cx.keep(notify::ZSET | notify::GENERIC, &dst) {
            Some(probe) => Some(cx.db.read(cx.selected, &probe, |e| e.is_some()).await),
            None => None,
        };
        let kept = existed.map(|_| dst.clone());
        let n = zrangestore(cx.db, cx.selected, stored(dst), src, query).await?;
        notify_store(cx, "zrangestore", kept, existed == Some(true), n);
        cx.reply.count(n);
        Ok(())
    }
}

/// `ZREVRANGE key start stop [WITHSCORES]`
pub struct ZRevRange;

impl Command for ZRevRange {
    const SPEC: Spec = Spec {
        name: "zrevrange",
        arity: -4,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Returns members of a sorted set by rank, counting from the highest score.",
        since: "1.2.0",
        group: "sorted-set",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
        args: &[
            arg!("key", Key),
            arg!("start", Integer),
            arg!("stop", Integer),
            token!("withscores", "WITHSCORES", optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_range(cx, args, By::Rank, Some(true)).await
    }
}

/// `ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]`
pub struct ZRangeByScore;

impl Command for ZRangeByScore {
    const SPEC: Spec = Spec {
        name: "zrangebyscore",
        arity: -4,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Returns members of a sorted set within a score range, lowest score first.",
        since: "1.0.5",
        group: "sorted-set",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        args: &[
            arg!("key", Key),
            arg!("min", Double),
            arg!("max", Double),
            token!("withscores", "WITHSCORES", since: Some("2.0.0"), optional: true),
            LIMIT_ARG,
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_range(cx, args, By::Score, Some(false)).await
    }
}

/// `ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]`
pub struct ZRevRangeByScore;

impl Command for ZRevRangeByScore {
    const SPEC: Spec = Spec {
        name: "zrevrangebyscore",
        arity: -4,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Returns members of a sorted set within a score range, highest score first.",
        since: "2.2.0",
        group: "sorted-set",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        args: &[
            arg!("key", Key),
            arg!("max", Double),
            arg!("min", Double),
            token!("withscores", "WITHSCORES", optional: true),
            LIMIT_ARG,
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_range(cx, args, By::Score, Some(true)).await
    }
}

/// `ZRANGEBYLEX key min max [LIMIT offset count]`
pub struct ZRangeByLex;

impl Command for ZRangeByLex {
    const SPEC: Spec = Spec {
        name: "zrangebylex",
        arity: -4,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Returns members of a sorted set within a member range, for members that share a score.",
        since: "2.8.9",
        group: "sorted-set",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        args: &[
            arg!("key", Key),
            arg!("min", String),
            arg!("max", String),
            LIMIT_ARG,
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_range(cx, args, By::Lex, Some(false)).await
    }
}

/// `ZREVRANGEBYLEX key max min [LIMIT offset count]`
pub struct ZRevRangeByLex;

impl Command for ZRevRangeByLex {
    const SPEC: Spec = Spec {
        name: "zrevrangebylex",
        arity: -4,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Returns members of a sorted set within a member range, highest first, for members that share a score.",
        since: "2.8.9",
        group: "sorted-set",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        args: &[
            arg!("key", Key),
            arg!("max", String),
            arg!("min", String),
            LIMIT_ARG,
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_range(cx, args, By::Lex, Some(true)).await
    }
}

// ------------------------------------------------------ counts, removals

/// `ZCOUNT`, typed: how many scores are in `range`.
pub async fn zcount<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    range: ScoreRange,
) -> Result<usize, Error> {
    db.read(index, key, move |e| {
        Ok(zset_of(e)?.map_or(0, |set| range.count(set).1))
    })
    .await
}

/// `ZLEXCOUNT`, typed: how many members are in `range`.
pub async fn zlexcount<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    range: LexRange,
) -> Result<usize, Error> {
    db.read(index, key, move |e| {
        Ok(zset_of(e)?.map_or(0, |set| range.count(set).1))
    })
    .await
}

/// `ZREMRANGEBYRANK`, `ZREMRANGEBYSCORE` and `ZREMRANGEBYLEX`, typed:
/// removes the elements in range; how many. An emptied sorted set removes
/// its key. `key` is stored as given (see [`stored()`]).
pub async fn zremrange<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    by: RangeBy,
) -> Result<usize, Error> {
    db.update(index, &key, move |slot| {
        let Some(set) = zset_of(slot.entry())? else {
            return Ok(0);
        };
        let (first, n) = match &by {
            RangeBy::Rank { start, stop } => match rank_range(*start, *stop, set.len()) {
                Some((start, stop)) => (start, stop - start + 1),
                None => (0, 0),
            },
            RangeBy::Score(range) => range.count(set),
            RangeBy::Lex(range) => range.count(set),
        };
        if n == 0 {
            return Ok(0);
        }
        let Some(Value::ZSet(set)) = slot.value_mut() else {
            return Ok(0);
        };
        let removed = set.remove_range(first..first + n);
        if set.is_empty() {
            slot.remove();
        }
        Ok(removed)
    })
    .await
}

/// `ZCOUNT key min max`
pub struct ZCount;

impl Command for ZCount {
    const SPEC: Spec = Spec {
        name: "zcount",
        arity: 4,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@fast"],
        summary: "Counts the members of a sorted set within a score range.",
        since: "2.0.0",
        group: "sorted-set",
        complexity: "O(log(N)) with N being the number of elements in the sorted set.",
        args: &[arg!("key", Key), arg!("min", Double), arg!("max", Double)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let (min, max) = (args.required()?, args.required()?);
        let range = ScoreRange::parse(&min, &max)?;
        let n = zcount(cx.db, cx.selected, &key, range).await?;
        cx.reply.count(n);
        Ok(())
    }
}

/// `ZLEXCOUNT key min max`
pub struct ZLexCount;

impl Command for ZLexCount {
    const SPEC: Spec = Spec {
        name: "zlexcount",
        arity: 4,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@fast"],
        summary: "Counts the members of a sorted set within a member range, for members that share a score.",
        since: "2.8.9",
        group: "sorted-set",
        complexity: "O(log(N)) with N being the number of elements in the sorted set.",
        args: &[arg!("key", Key), arg!("min", String), arg!("max", String)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let (min, max) = (args.required()?, args.required()?);
        let range = LexRange::parse(&min, &max)?;
        let n = zlexcount(cx.db, cx.selected, &key, range).await?;
        cx.reply.count(n);
        Ok(())
    }
}

/// Runs a `ZREMRANGEBY*` command once its range is parsed.
async fn run_remove<D: Store>(cx: &mut Ctx<'_, D>, key: Bytes, by: RangeBy) -> Result<(), Error> {
    // Copied: removing some elements is a write that keeps the key.
    let event = match by {
        RangeBy::Rank { .. } => "zremrangebyrank",
        RangeBy::Score(_) => "zremrangebyscore",
        RangeBy::Lex(_) => "zremrangebylex",
    };
    let kept = cx.keep(notify::ZSET, &key);
    let n = zremrange(cx.db, cx.selected, stored(key), by).await?;
    if n > 0 {
        cx.notify_taken(notify::ZSET, event, kept).await;
    }
    cx.reply.count(n);
    Ok(())
}

/// `ZREMRANGEBYRANK key start stop`
pub struct ZRemRangeByRank;

impl Command for ZRemRangeByRank {
    const SPEC: Spec = Spec {
        name: "zremrangebyrank",
        arity: 4,
        flags: &["write"],
        keys: (1, 1, 1),
        acl: &["@write", "@sortedset", "@slow"],
        summary: "Removes the members of a sorted set within a rank range.",
        since: "2.0.0",
        group: "sorted-set",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
        args: &[
            arg!("key", Key),
            arg!("start", Integer),
            arg!("stop", Integer),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let (start, stop) = (args.int()?, args.int()?);
        run_remove(cx, key, RangeBy::Rank { start, stop }).await
    }
}

/// `ZREMRANGEBYSCORE key min max`
pub struct ZRemRangeByScore;

impl Command for ZRemRangeByScore {
    const SPEC: Spec = Spec {
        name: "zremrangebyscore",
        arity: 4,
        flags: &["write"],
        keys: (1, 1, 1),
        acl: &["@write", "@sortedset", "@slow"],
        summary: "Removes the members of a sorted set within a score range.",
        since: "1.2.0",
        group: "sorted-set",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
        args: &[arg!("key", Key), arg!("min", Double), arg!("max", Double)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let (min, max) = (args.required()?, args.required()?);
        let range = ScoreRange::parse(&min, &max)?;
        run_remove(cx, key, RangeBy::Score(range)).await
    }
}

/// `ZREMRANGEBYLEX key min max`
pub struct ZRemRangeByLex;

impl Command for ZRemRangeByLex {
    const SPEC: Spec = Spec {
        name: "zremrangebylex",
        arity: 4,
        flags: &["write"],
        keys: (1, 1, 1),
        acl: &["@write", "@sortedset", "@slow"],
        summary: "Removes the members of a sorted set within a member range, for members that share a score.",
        since: "2.8.9",
        group: "sorted-set",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
        args: &[arg!("key", Key), arg!("min", String), arg!("max", String)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let (min, max) = (args.required()?, args.required()?);
        let range = LexRange::parse(&min, &max)?;
        run_remove(cx, key, RangeBy::Lex(range)).await
    }
}

/// The events of a command that stores a sorted set at `dst` (given only
/// while events may be published) and got `n` members: `event`, or `del`
/// if the result was empty and removed a key that `existed`.
pub(crate) fn notify_store<D>(
    cx: &Ctx<'_, D>,
    event: &str,
    dst: Option<Bytes>,
    existed: bool,
    n: usize,
) {
    match dst {
        Some(dst) if n > 0 => cx.notify(notify::ZSET, event, &dst),
        Some(dst) if existed => cx.notify(notify::GENERIC, "del", &dst),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, f64)]) -> SortedSet {
        pairs
            .iter()
            .map(|(m, s)| (Bytes::copy_from_slice(m.as_bytes()), *s))
            .collect()
    }

    fn members(set: &SortedSet, query: &RangeQuery) -> Vec<String> {
        let mut out = Vec::new();
        select(set, query, |m, _| {
            out.push(String::from_utf8_lossy(m).into_owned())
        });
        out
    }

    fn lex(min: &str, max: &str, rev: bool, limit: Option<(i64, i64)>) -> RangeQuery {
        let (min, max) = (Bytes::from(min.to_owned()), Bytes::from(max.to_owned()));
        RangeQuery {
            by: RangeBy::Lex(LexRange::parse(&min, &max).unwrap()),
            rev,
            limit,
        }
    }

    /// Rank ranges are cut as Redis cuts them, i64 extremes included.
    #[test]
    fn rank_ranges_cut_like_redis() {
        assert_eq!(rank_range(0, -1, 4), Some((0, 3)));
        assert_eq!(rank_range(-100, 100, 4), Some((0, 3)));
        assert_eq!(rank_range(5, 1, 4), None);
        assert_eq!(rank_range(0, i64::MIN, 4), None);
        assert_eq!(rank_range(i64::MIN, i64::MAX, 4), Some((0, 3)));
        assert_eq!(rank_range(4, 10, 4), None);
        assert_eq!(rank_range(0, 0, 0), None);
    }

    /// On members of mixed scores, member ranges answer as redis-server's small encoding did.
    #[test]
    fn mixed_scores_scan_like_listpack() {
        // ZADD m 3 a 1 b 2 c 0 d 5 e: in order d b c a e.
        let m = set(&[("a", 3.0), ("b", 1.0), ("c", 2.0), ("d", 0.0), ("e", 5.0)]);
        assert!(!m.members_ascending());
        assert_eq!(
            members(&m, &lex("-", "+", false, None)),
            ["d", "b", "c", "a", "e"]
        );
        assert_eq!(
            members(&m, &lex("[b", "[d", false, None)),
            ["d", "b", "c", "a"]
        );
        assert_eq!(
            members(&m, &lex("[c", "+", false, None)),
            ["d", "b", "c", "a", "e"]
        );
        assert!(members(&m, &lex("-", "[c", true, None)).is_empty());
        assert_eq!(members(&m, &lex("[c", "+", true, None)), ["e"]);
        assert!(members(&m, &lex("-", "[c", false, Some((1, 10)))).is_empty());
        assert_eq!(
            members(&m, &lex("[a", "+", false, Some((2, 10)))),
            ["c", "a", "e"]
        );
        let range = LexRange::parse(&Bytes::from("[b"), &Bytes::from("[d")).unwrap();
        assert_eq!(range.count(&m), (0, 4));
    }

    /// Lex bounds order as Redis's sdscmplex: `-` below everything, `+` above, both exclusive.
    #[test]
    fn lex_bounds() {
        let parse = |min: &str, max: &str| {
            LexRange::parse(&Bytes::from(min.to_owned()), &Bytes::from(max.to_owned()))
        };
        assert!(parse("-", "-").unwrap().is_empty());
        assert!(parse("+", "+").unwrap().is_empty());
        assert!(parse("+", "-").unwrap().is_empty());
        assert!(!parse("-", "+").unwrap().is_empty());
        assert!(!parse("[a", "[a").unwrap().is_empty());
        assert!(parse("(a", "[a").unwrap().is_empty());
        assert!(parse("[b", "[a").unwrap().is_empty());
        assert!(parse("[", "+").is_ok());
        for bad in ["", "a", "+x", "-x"] {
            assert_eq!(parse(bad, "+"), Err(BAD_LEX_RANGE), "{bad:?}");
        }
        assert!(parse("+\0x", "-").is_ok(), "a NUL ends the word, as in C");
    }
}

//! The sorted-set family: `ZADD`, `ZINCRBY`, `ZSCORE`, the range commands
//! (`ZRANGE` and its older forms, `ZCOUNT`, `ZREMRANGEBY*`), the pops
//! (`ZPOPMIN`, `ZMPOP`), `ZRANDMEMBER`, the set operations (`ZUNION`,
//! `ZINTER`, `ZDIFF` and their `STORE` forms, `ZINTERCARD`) and `ZSCAN`.
//! Redis keeps these in `t_zset.c`.
//!
//! A sorted set is [`Value::ZSet`] holding a [`SortedSet`]: ranks, score
//! ranges and member ranges in O(log N). A step changes it in place through
//! `slot.value_mut()` where the strategy lends the stored entry, and an
//! emptied sorted set removes its key, as in Redis.
//!
//! Where Redis's two encodings answer differently, sharedkv answers as the
//! small one (listpack) does, since that is what every set of up to 128
//! members gets: `-0` is stored as `0`, `ZSCAN` returns everything in one
//! call, `ZRANGEBYLEX` on members of different scores scans in score order
//! (see `range.rs`). Scores are read and written as Redis reads and writes
//! doubles (`score.rs`).
//!
//! The set operations and `ZMPOP` are one multi-key step
//! ([`Db::read_many`], [`Db::update_many`]): atomic where the strategy says
//! [`Db::ATOMIC_MULTI_KEY`]. A step may run more than once, so what a store
//! puts in its destination is cloned on each run.

mod pop;
mod range;
mod score;
mod setops;

use bytes::Bytes;
use rand::Rng;
use sharedkv_db::{DbIndex, Entry, Slot, SortedSet, Store, Value, parse_i64};
use sharedkv_resp::DoubleText;

use crate::keyspace::{parse_cursor, parse_scan_options};
use crate::{Args, Command, Ctx, Error, Spec, arg, c_str, glob, is, notify, stored, token};

pub(crate) use pop::parse_mpop;
pub use pop::{End, Popped, ZMPop, ZPopMax, ZPopMin, pop};
pub use range::{
    LexBound, LexRange, RangeBy, RangeQuery, ScoreRange, ZCount, ZLexCount, ZRange, ZRangeByLex,
    ZRangeByScore, ZRangeStore, ZRemRangeByLex, ZRemRangeByRank, ZRemRangeByScore, ZRevRange,
    ZRevRangeByLex, ZRevRangeByScore, zcount, zlexcount, zrange, zrangestore, zremrange,
};
pub use setops::{
    Aggregate, Combine, SetOp, ZDiff, ZDiffStore, ZInter, ZInterCard, ZInterStore, ZUnion,
    ZUnionStore, combine, combine_store, zintercard,
};

/// `ERR resulting score is not a number (NaN)`
const NAN_SCORE: Error = Error::Fixed("ERR resulting score is not a number (NaN)");

/// The sorted set stored in a slot: `None` if the key is absent,
/// `WRONGTYPE` if it holds another type.
fn zset_of(entry: Option<&Entry>) -> Result<Option<&SortedSet>, Error> {
    match entry.map(|e| &e.value) {
        None => Ok(None),
        Some(Value::ZSet(set)) => Ok(Some(set)),
        Some(_) => Err(Error::WRONG_TYPE),
    }
}

/// Whether `word` is `keyword` as C's `strcasecmp` sees it: up to its first
/// NUL, ignoring ASCII case. Redis compares options that way.
fn is_word(word: &[u8], keyword: &str) -> bool {
    is(c_str(word, usize::MAX), keyword)
}

/// An integer argument (`getLongFromObjectOrReply`).
fn integer(word: &[u8]) -> Result<i64, Error> {
    parse_i64(word).ok_or(Error::NOT_AN_INTEGER)
}

/// Writes `elements` as a range reply: members only, or with scores as
/// (member, score) pairs.
fn reply_elements(reply: &mut crate::Reply<'_>, elements: &[(Bytes, f64)], withscores: bool) {
    if withscores {
        reply.pairs(elements.len());
    } else {
        reply.array(elements.len());
    }
    for (member, score) in elements {
        if withscores {
            reply.pair();
        }
        reply.bulk(member);
        if withscores {
            reply.double(*score);
        }
    }
}

// ------------------------------------------------------------------ ZADD

/// `ZADD`'s `NX` or `XX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Condition {
    /// `NX`: only add new members, never update one.
    Nx,
    /// `XX`: only update members, never add one (nor create the key).
    Xx,
}

/// `ZADD`'s `GT` or `LT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// `GT`: update a member only to a greater score.
    Gt,
    /// `LT`: update a member only to a lesser score.
    Lt,
}

/// `ZADD`'s options but `INCR` (see [`zadd_incr`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZAddOptions {
    /// `NX` or `XX`.
    pub condition: Option<Condition>,
    /// `GT` or `LT` (which `NX` excludes).
    pub comparison: Option<Comparison>,
    /// `CH`: count the members whose score changed, not only those added.
    pub ch: bool,
}

/// What one `ZADD` step did.
#[derive(Clone, Copy, Debug, Default)]
struct Added {
    added: usize,
    updated: usize,
    /// The score of the last member processed (not stopped by a
    /// condition), for `INCR`.
    last: Option<f64>,
}

/// Adds or updates `pairs` (score, member) in the sorted set of `slot`, as
/// Redis's `zsetAdd` does each one; with `incr`, the score is added to the
/// member's current one.
fn add(
    slot: &mut Slot<'_>,
    options: ZAddOptions,
    incr: bool,
    pairs: &[(f64, Bytes)],
) -> Result<Added, Error> {
    let nx = options.condition == Some(Condition::Nx);
    let xx = options.condition == Some(Condition::Xx);
    let gt = options.comparison == Some(Comparison::Gt);
    let lt = options.comparison == Some(Comparison::Lt);
    let exists = zset_of(slot.entry())?.is_some();
    // The parser never makes a NaN; a typed caller gets Redis's answer to
    // one, before anything changes.
    if pairs.iter().any(|(score, _)| score.is_nan()) {
        return Err(NAN_SCORE);
    }
    if !exists {
        if xx {
            return Ok(Added::default());
        }
        slot.put(Entry::new(Value::ZSet(Box::default())));
    }
    let Some(Value::ZSet(set)) = slot.value_mut() else {
        return Err(Error::WRONG_TYPE);
    };
    let mut done = Added::default();
    for (score, member) in pairs {
        match set.score(member) {
            Some(current) => {
                if nx {
                    continue;
                }
                let new = if incr { score + current } else { *score };
                if new.is_nan() {
                    return Err(NAN_SCORE);
                }
                if (lt && new >= current) || (gt && new <= current) {
                    continue;
                }
                done.last = Some(new);
                if new != current {
                    set.insert(member.clone(), new);
                    done.updated += 1;
                }
            }
            None if !xx => {
                set.insert(member.clone(), *score);
                done.added += 1;
                done.last = Some(*score);
            }
            None => {}
        }
    }
    if set.is_empty() {
        // Only a new key given no pairs: no empty sorted set is kept.
        slot.remove();
    }
    Ok(done)
}

/// `ZADD` without `INCR`, typed: adds or updates `pairs` (score, member)
/// under `options`; how many members were added (with `CH`, added or
/// changed). `XX` on an absent key creates nothing. `key` and the members
/// are stored as given: pass them through [`stored()`] if they come from a
/// request.
pub async fn zadd<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    options: ZAddOptions,
    pairs: Vec<(f64, Bytes)>,
) -> Result<usize, Error> {
    let done = db
        .update(index, &key, move |slot| add(slot, options, false, &pairs))
        .await?;
    Ok(if options.ch {
        done.added + done.updated
    } else {
        done.added
    })
}

/// `ZADD ... INCR`, typed: adds `increment` to `member`'s score (from 0 if
/// it has none) under `options`; the new score, `None` if a condition
/// stopped it. A sum of the two infinities is `ERR resulting score is not
/// a number (NaN)` and changes nothing.
pub async fn zadd_incr<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    options: ZAddOptions,
    increment: f64,
    member: Bytes,
) -> Result<Option<f64>, Error> {
    let pairs = [(increment, member)];
    let done = db
        .update(index, &key, move |slot| add(slot, options, true, &pairs))
        .await?;
    Ok(done.last)
}

/// `ZINCRBY`, typed: `member`'s new score.
pub async fn zincrby<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    increment: f64,
    member: Bytes,
) -> Result<f64, Error> {
    let score = zadd_incr(db, index, key, ZAddOptions::default(), increment, member).await?;
    Ok(score.unwrap_or(increment))
}

/// A parsed `ZADD`.
struct ParsedZAdd {
    options: ZAddOptions,
    incr: bool,
    /// Score and member (copied, as the store keeps it).
    pairs: Vec<(f64, Bytes)>,
}

/// Parses `ZADD`'s words after the key (options, then score-member pairs),
/// in Redis's order of checks; `incr` is preset by `ZINCRBY`.
fn parse_zadd(words: &[Bytes], mut incr: bool) -> Result<ParsedZAdd, Error> {
    let mut options = ZAddOptions::default();
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    let mut at = 0;
    while let Some(word) = words.get(at) {
        match () {
            () if is_word(word, "NX") => nx = true,
            () if is_word(word, "XX") => xx = true,
            () if is_word(word, "CH") => options.ch = true,
            () if is_word(word, "INCR") => incr = true,
            () if is_word(word, "GT") => gt = true,
            () if is_word(word, "LT") => lt = true,
            () => break,
        }
        at += 1;
    }
    let rest = &words[at..];
    if rest.is_empty() || !rest.len().is_multiple_of(2) {
        return Err(Error::SYNTAX);
    }
    if nx && xx {
        return Err(Error::Fixed(
            "ERR XX and NX options at the same time are not compatible",
        ));
    }
    if (nx && (gt || lt)) || (gt && lt) {
        return Err(Error::Fixed(
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if incr && rest.len() > 2 {
        return Err(Error::Fixed(
            "ERR INCR option supports a single increment-element pair",
        ));
    }
    options.condition = if nx {
        Some(Condition::Nx)
    } else if xx {
        Some(Condition::Xx)
    } else {
        None
    };
    options.comparison = if gt {
        Some(Comparison::Gt)
    } else if lt {
        Some(Comparison::Lt)
    } else {
        None
    };
    let pairs = rest
        .chunks_exact(2)
        .map(|pair| {
            let score = score::parse_score(&pair[0]).ok_or(Error::NOT_A_FLOAT)?;
            Ok((score, stored(pair[1].clone())))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(ParsedZAdd {
        options,
        incr,
        pairs,
    })
}

/// Runs a parsed `ZADD` or `ZINCRBY` and writes its reply.
async fn run_zadd<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args, incr: bool) -> Result<(), Error> {
    let key = stored(args.required()?);
    let words = args.rest();
    let ParsedZAdd {
        options,
        incr,
        mut pairs,
    } = parse_zadd(&words, incr)?;
    if incr {
        let last = pairs.len().saturating_sub(1);
        pairs.drain(..last);
        if pairs.is_empty() {
            return Err(Error::SYNTAX);
        }
    }
    let kept = cx.keep(notify::ZSET, &key);
    // The step straight on the store: the events need what it added and
    // what it updated, which the reply alone does not tell.
    let done = cx
        .db
        .update(cx.selected, &key, move |slot| {
            add(slot, options, incr, &pairs)
        })
        .await?;
    if done.added + done.updated > 0
        && let Some(key) = kept
    {
        cx.notify(notify::ZSET, if incr { "zincr" } else { "zadd" }, &key);
    }
    if incr {
        match done.last {
            Some(score) => cx.reply.double(score),
            None => cx.reply.null(),
        }
    } else if options.ch {
        cx.reply.count(done.added + done.updated);
    } else {
        cx.reply.count(done.added);
    }
    Ok(())
}

/// `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]`
pub struct ZAdd;

impl Command for ZAdd {
    const SPEC: Spec = Spec {
        name: "zadd",
        arity: -4,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@sortedset", "@fast"],
        summary: "Adds members with scores to a sorted set, or updates their scores, creating the key if needed.",
        since: "1.2.0",
        group: "sorted-set",
        complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
        args: &[
            arg!("key", Key),
            arg!("condition", OneOf, since: Some("3.0.2"), optional: true, args: &[
                token!("nx", "NX"),
                token!("xx", "XX"),
            ]),
            arg!("comparison", OneOf, since: Some("6.2.0"), optional: true, args: &[
                token!("gt", "GT"),
                token!("lt", "LT"),
            ]),
            token!("change", "CH", since: Some("3.0.2"), optional: true),
            token!("increment", "INCR", since: Some("3.0.2"), optional: true),
            arg!("score_member", Block, multiple: true, args: &[
                arg!("score", Double),
                arg!("member", String),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_zadd(cx, args, false).await
    }
}

/// `ZINCRBY key increment member`
pub struct ZIncrBy;

impl Command for ZIncrBy {
    const SPEC: Spec = Spec {
        name: "zincrby",
        arity: 4,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@sortedset", "@fast"],
        summary: "Adds to a member's score in a sorted set, from 0 if it has none.",
        since: "1.2.0",
        group: "sorted-set",
        complexity: "O(log(N)) where N is the number of elements in the sorted set.",
        args: &[
            arg!("key", Key),
            arg!("increment", Integer),
            arg!("member", String),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_zadd(cx, args, true).await
    }
}

// --------------------------------------------------------- the lookups

/// `ZSCORE`, typed: `member`'s score.
pub async fn zscore<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    member: Bytes,
) -> Result<Option<f64>, Error> {
    db.read(index, key, move |e| {
        Ok(zset_of(e)?.and_then(|set| set.score(&member)))
    })
    .await
}

/// `ZMSCORE`, typed: each member's score, in order.
pub async fn zmscore<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    members: Vec<Bytes>,
) -> Result<Vec<Option<f64>>, Error> {
    db.read(index, key, move |e| {
        let set = zset_of(e)?;
        Ok(members
            .iter()
            .map(|m| set.and_then(|set| set.score(m)))
            .collect())
    })
    .await
}

/// `ZCARD`, typed: how many members.
pub async fn zcard<D: Store>(db: &D, index: DbIndex, key: &Bytes) -> Result<usize, Error> {
    db.read(index, key, |e| Ok(zset_of(e)?.map_or(0, SortedSet::len)))
        .await
}

/// `ZRANK` (`rev`: `ZREVRANK`), typed: `member`'s 0-based rank from the
/// lowest score (from the highest).
pub async fn zrank<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    member: Bytes,
    rev: bool,
) -> Result<Option<usize>, Error> {
    db.read(index, key, move |e| {
        Ok(zset_of(e)?.and_then(|set| {
            let rank = set.rank(&member)?;
            Some(if rev { set.len() - 1 - rank } else { rank })
        }))
    })
    .await
}

/// `ZSCORE key member`
pub struct ZScore;

impl Command for ZScore {
    const SPEC: Spec = Spec {
        name: "zscore",
        arity: 3,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@fast"],
        summary: "Returns the score of a member of a sorted set.",
        since: "1.2.0",
        group: "sorted-set",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("member", String)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, member) = (args.required()?, args.required()?);
        match zscore(cx.db, cx.selected, &key, member).await? {
            Some(score) => cx.reply.double(score),
            None => cx.reply.null(),
        }
        Ok(())
    }
}

/// `ZMSCORE key member [member ...]`
pub struct ZMScore;

impl Command for ZMScore {
    const SPEC: Spec = Spec {
        name: "zmscore",
        arity: -3,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@fast"],
        summary: "Returns the scores of several members of a sorted set.",
        since: "6.2.0",
        group: "sorted-set",
        complexity: "O(N) where N is the number of members being requested.",
        args: &[arg!("key", Key), arg!("member", String, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let scores = zmscore(cx.db, cx.selected, &key, args.rest()).await?;
        cx.reply.array(scores.len());
        for score in scores {
            match score {
                Some(score) => cx.reply.double(score),
                None => cx.reply.null(),
            }
        }
        Ok(())
    }
}

/// `ZCARD key`
pub struct ZCard;

impl Command for ZCard {
    const SPEC: Spec = Spec {
        name: "zcard",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@fast"],
        summary: "Returns the number of members of a sorted set.",
        since: "1.2.0",
        group: "sorted-set",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let n = zcard(cx.db, cx.selected, &key).await?;
        cx.reply.count(n);
        Ok(())
    }
}

/// Runs `ZRANK` or `ZREVRANK`.
async fn run_rank<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args, rev: bool) -> Result<(), Error> {
    let (key, member) = (args.required()?, args.required()?);
    match zrank(cx.db, cx.selected, &key, member, rev).await? {
        Some(rank) => cx.reply.count(rank),
        None => cx.reply.null(),
    }
    Ok(())
}

/// `ZRANK key member`
pub struct ZRank;

impl Command for ZRank {
    const SPEC: Spec = Spec {
        name: "zrank",
        arity: 3,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@fast"],
        summary: "Returns a member's position in a sorted set, counting from the lowest score.",
        since: "2.0.0",
        group: "sorted-set",
        complexity: "O(log(N))",
        args: &[arg!("key", Key), arg!("member", String)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_rank(cx, args, false).await
    }
}

/// `ZREVRANK key member`
pub struct ZRevRank;

impl Command for ZRevRank {
    const SPEC: Spec = Spec {
        name: "zrevrank",
        arity: 3,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@fast"],
        summary: "Returns a member's position in a sorted set, counting from the highest score.",
        since: "2.0.0",
        group: "sorted-set",
        complexity: "O(log(N))",
        args: &[arg!("key", Key), arg!("member", String)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_rank(cx, args, true).await
    }
}

// ------------------------------------------------------------------ ZREM

/// `ZREM`, typed: how many of `members` were removed. An emptied sorted
/// set removes its key. `key` is stored as given (see [`stored()`]).
pub async fn zrem<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    members: Vec<Bytes>,
) -> Result<usize, Error> {
    db.update(index, &key, move |slot| {
        let Some(set) = zset_of(slot.entry())? else {
            return Ok(0);
        };
        if !members.iter().any(|m| set.contains(m)) {
            return Ok(0);
        }
        let Some(Value::ZSet(set)) = slot.value_mut() else {
            return Ok(0);
        };
        let removed = members.iter().filter(|m| set.remove(m).is_some()).count();
        if set.is_empty() {
            slot.remove();
        }
        Ok(removed)
    })
    .await
}

/// `ZREM key member [member ...]`
pub struct ZRem;

impl Command for ZRem {
    const SPEC: Spec = Spec {
        name: "zrem",
        arity: -3,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@sortedset", "@fast"],
        summary: "Removes members from a sorted set.",
        since: "1.2.0",
        group: "sorted-set",
        complexity: "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
        args: &[arg!("key", Key), arg!("member", String, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        // Copied: removing some members is a write that keeps the key.
        let key = stored(args.required()?);
        let kept = cx.keep(notify::ZSET, &key);
        let n = zrem(cx.db, cx.selected, key, args.rest()).await?;
        if n > 0 {
            cx.notify_taken(notify::ZSET, "zrem", kept).await;
        }
        cx.reply.count(n);
        Ok(())
    }
}

// ----------------------------------------------------------- ZRANDMEMBER

/// How many picks a `ZRANDMEMBER` step makes itself; past that (a negative
/// count larger than the set), it hands the command a copy of the set and
/// the command picks as it writes, so that memory follows the set's size,
/// not the count's.
const PICKS_IN_STEP: usize = 1024;

/// What a `ZRANDMEMBER` step found.
enum Picked {
    /// These, in this order.
    These(Vec<(Bytes, f64)>),
    /// `count` picks with repetition from these.
    Repeat(Vec<(Bytes, f64)>, u64),
}

/// `ZRANDMEMBER`, typed, without a count: a random member.
pub async fn zrandmember<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
) -> Result<Option<Bytes>, Error> {
    db.read(index, key, |e| {
        Ok(zset_of(e)?.and_then(|set| {
            let rank = rand::rng().random_range(0..set.len().max(1));
            set.get(rank).map(|(m, _)| m.clone())
        }))
    })
    .await
}

/// The members a `ZRANDMEMBER` with `count` answers: for a positive count,
/// that many distinct members (all of them, highest score first, when the
/// count reaches the set's size, as Redis answers); for a negative one,
/// that many picks that may repeat.
fn pick(set: &SortedSet, count: i64) -> Picked {
    let len = set.len();
    let n = count.unsigned_abs();
    let owned = |(m, s): (&Bytes, f64)| (m.clone(), s);
    if count >= 0 {
        if n >= len as u64 {
            return Picked::These(set.iter().rev().map(owned).collect());
        }
        // n < len: a sample of distinct ranks.
        let ranks = rand::seq::index::sample(&mut rand::rng(), len, n as usize);
        return Picked::These(ranks.iter().filter_map(|r| set.get(r).map(owned)).collect());
    }
    if n <= PICKS_IN_STEP as u64 || n <= len as u64 {
        let mut rng = rand::rng();
        return Picked::These(
            (0..n)
                .filter_map(|_| set.get(rng.random_range(0..len)).map(owned))
                .collect(),
        );
    }
    Picked::Repeat(set.iter().map(owned).collect(), n)
}

/// `ZRANDMEMBER key [count [WITHSCORES]]`
pub struct ZRandMember;

impl Command for ZRandMember {
    const SPEC: Spec = Spec {
        name: "zrandmember",
        arity: -2,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Returns random members of a sorted set: distinct for a positive count, possibly repeated for a negative one.",
        since: "6.2.0",
        group: "sorted-set",
        complexity: "O(N) where N is the number of elements returned",
        args: &[
            arg!("key", Key),
            arg!("options", Block, optional: true, args: &[
                arg!("count", Integer),
                token!("withscores", "WITHSCORES", optional: true),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let Some(count) = args.next() else {
            let member = zrandmember(cx.db, cx.selected, &key).await?;
            cx.reply.bulk_or_null(member.as_deref());
            return Ok(());
        };
        let count = integer(&count)?;
        if count == i64::MIN {
            return Err(Error::Fixed(
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            ));
        }
        let withscores = match (args.next(), args.next()) {
            (None, _) => false,
            (Some(word), None) if is_word(&word, "WITHSCORES") => true,
            _ => return Err(Error::SYNTAX),
        };
        if withscores && !(i64::MIN / 2..=i64::MAX / 2).contains(&count) {
            return Err(Error::Fixed("ERR value is out of range"));
        }
        let picked = cx
            .db
            .read(cx.selected, &key, move |e| {
                Ok::<_, Error>(match zset_of(e)? {
                    Some(set) if count != 0 => pick(set, count),
                    _ => Picked::These(Vec::new()),
                })
            })
            .await?;
        match picked {
            Picked::These(elements) => reply_elements(&mut cx.reply, &elements, withscores),
            Picked::Repeat(elements, n) => {
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                if withscores {
                    cx.reply.pairs(n);
                } else {
                    cx.reply.array(n);
                }
                let mut rng = rand::rng();
                for _ in 0..n {
                    if cx.reply.over_limit() {
                        cx.reply.cut_off();
                        return Ok(());
                    }
                    let Some((member, score)) = elements.get(rng.random_range(0..elements.len()))
                    else {
                        break;
                    };
                    if withscores {
                        cx.reply.pair();
                    }
                    cx.reply.bulk(member);
                    if withscores {
                        cx.reply.double(*score);
                    }
                }
            }
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ ZSCAN

/// The members of the sorted set in `entry` that match the `MATCH` of
/// `options` (all without one), with their scores, in order; an absent key
/// has none whatever the options, and a bad option is reported only once a
/// sorted set is found, as Redis reports it.
fn scan_step(
    entry: Option<&Entry>,
    options: Result<Option<Bytes>, Error>,
) -> Result<Vec<(Bytes, f64)>, Error> {
    let Some(set) = zset_of(entry)? else {
        return Ok(Vec::new());
    };
    let pattern = options?.filter(|p| !glob::matches_everything(p));
    Ok(set
        .iter()
        .filter(|(m, _)| pattern.as_ref().is_none_or(|p| glob::matches(p, m)))
        .map(|(m, s)| (m.clone(), s))
        .collect())
}

/// `ZSCAN`, typed: every member matching `pattern` (all without one), with
/// its score, in order. sharedkv answers a whole sorted set in one call, as
/// Redis does for a small one, so the next cursor is always 0.
pub async fn zscan<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    pattern: Option<Bytes>,
) -> Result<Vec<(Bytes, f64)>, Error> {
    db.read(index, key, move |e| scan_step(e, Ok(pattern)))
        .await
}

/// `ZSCAN key cursor [MATCH pattern] [COUNT count]`
pub struct ZScan;

impl Command for ZScan {
    const SPEC: Spec = Spec {
        name: "zscan",
        arity: -3,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Iterates over the members and scores of a sorted set.",
        since: "2.8.0",
        group: "sorted-set",
        complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        args: &[
            arg!("key", Key),
            arg!("cursor", Integer),
            arg!("pattern", Pattern, token: Some("MATCH"), optional: true),
            arg!("count", Integer, token: Some("COUNT"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        parse_cursor(&args.required()?)?;
        let options = parse_scan_options(args, false).map(|o| o.pattern);
        let elements = cx
            .db
            .read(cx.selected, &key, move |e| scan_step(e, options))
            .await?;
        cx.reply.array(2);
        cx.reply.bulk(b"0");
        cx.reply.array(2 * elements.len());
        for (member, score) in &elements {
            cx.reply.bulk(member);
            cx.reply.bulk(DoubleText::new(*score).as_bytes());
        }
        Ok(())
    }
}

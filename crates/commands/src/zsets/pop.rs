//! Popping the lowest or highest scores: `ZPOPMIN`, `ZPOPMAX`, `ZMPOP`,
//! and [`pop`], the non-blocking attempt that the blocking forms
//! (`BZPOPMIN`, `BZPOPMAX`, `BZMPOP`) make before they wait.

use bytes::Bytes;
use sharedkv_db::{DbIndex, Keys, Slot, Store, Value};

use super::{integer, is_word, zset_of};
use crate::{Args, Command, Ctx, Error, Spec, arg, notify, stored, token};

/// Which end of a sorted set to pop from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The lowest scores (`ZPOPMIN`, `MIN`).
    Min,
    /// The highest scores (`ZPOPMAX`, `MAX`).
    Max,
}

impl End {
    /// The keyspace event of a pop at this end.
    pub(crate) fn event(self) -> &'static str {
        match self {
            End::Min => "zpopmin",
            End::Max => "zpopmax",
        }
    }
}

/// What [`pop`] took: from which key, and the elements, in the order they
/// were popped (lowest first for [`End::Min`], highest first for
/// [`End::Max`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Popped {
    /// The key popped from.
    pub key: Bytes,
    /// Members and scores.
    pub elements: Vec<(Bytes, f64)>,
}

/// One key's pop: `None` if the key is absent, else up to `count`
/// elements (none for a count of 0, which still checks the type).
fn pop_step(
    slot: &mut Slot<'_>,
    end: End,
    count: usize,
) -> Result<Option<Vec<(Bytes, f64)>>, Error> {
    if zset_of(slot.entry())?.is_none() {
        return Ok(None);
    }
    if count == 0 {
        return Ok(Some(Vec::new()));
    }
    let Some(Value::ZSet(set)) = slot.value_mut() else {
        return Ok(None);
    };
    let n = count.min(set.len());
    let mut popped = Vec::with_capacity(n);
    for _ in 0..n {
        let element = match end {
            End::Min => set.pop_first(),
            End::Max => set.pop_last(),
        };
        popped.extend(element);
    }
    if set.is_empty() {
        slot.remove();
    }
    Ok(Some(popped))
}

/// Pops up to `count` elements from `end` of the first of `keys` (in
/// `index`) that exists, as `ZPOPMIN`/`ZPOPMAX` (one key) and `ZMPOP` do:
/// `None` if none exists, `WRONGTYPE` if the first that exists is not a
/// sorted set. An emptied sorted set removes its key. Several keys are one
/// multi-key step. The keys are stored as given (see [`stored()`]).
///
/// This is the attempt `BZPOPMIN`, `BZPOPMAX` and `BZMPOP` make before they
/// block: `None` is when they wait.
pub async fn pop<D: Store>(
    db: &D,
    index: DbIndex,
    keys: Vec<Bytes>,
    end: End,
    count: usize,
) -> Result<Option<Popped>, Error> {
    if let [key] = keys.as_slice() {
        let key = key.clone();
        let popped = db
            .update(index, &key, move |slot| pop_step(slot, end, count))
            .await?;
        return Ok(popped.map(|elements| Popped { key, elements }));
    }
    let names = keys.clone();
    db.update_many(&names, move |view: &mut dyn Keys| {
        for key in &keys {
            if let Some(elements) = view.update(index, key, |slot| pop_step(slot, end, count))? {
                return Ok(Some(Popped {
                    key: key.clone(),
                    elements,
                }));
            }
        }
        Ok(None)
    })
    .await
}

/// Runs `ZPOPMIN` or `ZPOPMAX`.
async fn run_pop<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args, end: End) -> Result<(), Error> {
    // Copied: popping some elements is a write that keeps the key.
    let key = stored(args.required()?);
    if args.len() > 1 {
        return Err(Error::SYNTAX);
    }
    let count = match args.next() {
        Some(word) => Some(
            parse_i64_positive(&word)
                .ok_or(Error::Fixed("ERR value is out of range, must be positive"))?,
        ),
        None => None,
    };
    let kept = cx.keep(notify::ZSET, &key);
    let popped = pop(cx.db, cx.selected, vec![key], end, count.unwrap_or(1)).await?;
    let elements = popped.map(|p| p.elements).unwrap_or_default();
    if !elements.is_empty() {
        cx.notify_taken(notify::ZSET, end.event(), kept).await;
    }
    // With a count, RESP3 nests each pair; without one it never does.
    if count.is_some() {
        cx.reply.pairs(elements.len());
    } else {
        cx.reply.array(2 * elements.len());
    }
    for (member, score) in &elements {
        if count.is_some() {
            cx.reply.pair();
        }
        cx.reply.bulk(member);
        cx.reply.double(*score);
    }
    Ok(())
}

/// A count that must be 0 or more (`getPositiveLongFromObjectOrReply`).
fn parse_i64_positive(word: &[u8]) -> Option<usize> {
    usize::try_from(integer(word).ok()?).ok()
}

/// `ZPOPMIN key [count]`
pub struct ZPopMin;

impl Command for ZPopMin {
    const SPEC: Spec = Spec {
        name: "zpopmin",
        arity: -2,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@sortedset", "@fast"],
        summary: "Removes and returns the members with the lowest scores of a sorted set.",
        since: "5.0.0",
        group: "sorted-set",
        complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
        args: &[arg!("key", Key), arg!("count", Integer, optional: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_pop(cx, args, End::Min).await
    }
}

/// `ZPOPMAX key [count]`
pub struct ZPopMax;

impl Command for ZPopMax {
    const SPEC: Spec = Spec {
        name: "zpopmax",
        arity: -2,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@sortedset", "@fast"],
        summary: "Removes and returns the members with the highest scores of a sorted set.",
        since: "5.0.0",
        group: "sorted-set",
        complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
        args: &[arg!("key", Key), arg!("count", Integer, optional: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_pop(cx, args, End::Max).await
    }
}

/// A count of at least 1, or `error` (Redis's `getRangeLongFromObjectOrReply`
/// with a message: the same for a word that is no integer).
fn at_least_one(word: &[u8], error: &'static str) -> Result<usize, Error> {
    integer(word)
        .ok()
        .filter(|&n| n >= 1)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or(Error::Fixed(error))
}

/// The arguments of `ZMPOP` and `BZMPOP` after the timeout: `numkeys key
/// [key ...] MIN|MAX [COUNT count]`, checked in Redis's order; the keys
/// (copied), the end and the count.
pub(crate) fn parse_mpop(words: Vec<Bytes>) -> Result<(Vec<Bytes>, End, usize), Error> {
    let numkeys = at_least_one(
        words.first().ok_or(Error::SYNTAX)?,
        "ERR numkeys should be greater than 0",
    )?;
    if numkeys >= words.len() - 1 {
        return Err(Error::SYNTAX);
    }
    let (keys, rest) = words[1..].split_at(numkeys);
    let end = match rest.first() {
        Some(w) if is_word(w, "MIN") => End::Min,
        Some(w) if is_word(w, "MAX") => End::Max,
        _ => return Err(Error::SYNTAX),
    };
    let mut count = None;
    let mut options = rest[1..].iter();
    while let Some(word) = options.next() {
        match options.next() {
            Some(n) if count.is_none() && is_word(word, "COUNT") => {
                count = Some(at_least_one(n, "ERR count should be greater than 0")?);
            }
            _ => return Err(Error::SYNTAX),
        }
    }
    let keys = keys.iter().cloned().map(stored).collect();
    Ok((keys, end, count.unwrap_or(1)))
}

/// `ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]`
pub struct ZMPop;

impl Command for ZMPop {
    const SPEC: Spec = Spec {
        name: "zmpop",
        arity: -4,
        flags: &["write", "movablekeys"],
        keys: (0, 0, 0),
        acl: &["@write", "@sortedset", "@slow"],
        summary: "Removes and returns the lowest or highest scores of the first non-empty sorted set of several.",
        since: "7.0.0",
        group: "sorted-set",
        complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
        args: &[
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
            arg!("where", OneOf, args: &[
                token!("min", "MIN"),
                token!("max", "MAX"),
            ]),
            arg!("count", Integer, token: Some("COUNT"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        let (keys, end, count) = parse_mpop(args.rest())?;
        let popped = pop(cx.db, cx.selected, keys, end, count).await?;
        let Some(Popped { key, elements }) = popped else {
            cx.reply.null_array();
            return Ok(());
        };
        if !elements.is_empty() {
            let kept = cx.keep(notify::ZSET, &key);
            cx.notify_taken(notify::ZSET, end.event(), kept).await;
        }
        cx.reply.array(2);
        cx.reply.bulk(&key);
        cx.reply.array(elements.len());
        for (member, score) in &elements {
            cx.reply.array(2);
            cx.reply.bulk(member);
            cx.reply.double(*score);
        }
        Ok(())
    }
}

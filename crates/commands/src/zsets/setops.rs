//! Operations over several sorted sets: `ZUNION`, `ZINTER`, `ZDIFF`, their
//! `STORE` forms, and `ZINTERCARD`.
//!
//! Plain sets count as sorted sets whose scores are all 1, as Redis allows.
//! The inputs are read in one multi-key step ([`Db::read_many`], or
//! [`Db::update_many`] with the destination), and combined as Redis's
//! `zunionInterDiffGenericCommand` does, so that sums come out to the same
//! bits: inputs in order of size (the smallest first, ties in argument
//! order), each score times its weight, a NaN product (`inf * 0`) counting
//! as 0, and a NaN sum (`inf + -inf`) too.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;

use bytes::Bytes;
use sharedkv_db::{BuildHasher, DbIndex, Entry, Keys, ReadKeys, SortedSet, Store, Value};

use super::range::store;
use super::score::parse_score;
use super::{integer, is_word, reply_elements};
use crate::{Args, Command, Ctx, Error, Spec, arg, notify, stored, token};

/// Which operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    /// Members of any input (`ZUNION`).
    Union,
    /// Members of every input (`ZINTER`).
    Inter,
    /// Members of the first input and of no other, with their first scores
    /// (`ZDIFF`).
    Diff,
}

/// How the scores of a member found in several inputs combine
/// (`AGGREGATE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Aggregate {
    /// Their sum (the default).
    #[default]
    Sum,
    /// The lowest.
    Min,
    /// The highest.
    Max,
}

impl Aggregate {
    /// Folds `value` into `target`, as Redis's `zunionInterAggregate`.
    fn fold(self, target: &mut f64, value: f64) {
        match self {
            Aggregate::Sum => {
                *target += value;
                if target.is_nan() {
                    *target = 0.0;
                }
            }
            Aggregate::Min => {
                if value < *target {
                    *target = value;
                }
            }
            Aggregate::Max => {
                if value > *target {
                    *target = value;
                }
            }
        }
    }
}

/// A set operation with its options.
#[derive(Clone, Debug, PartialEq)]
pub struct Combine {
    /// Union, intersection or difference.
    pub op: SetOp,
    /// `WEIGHTS`: one per input key, each score multiplied by its input's
    /// weight (1 for every input when `None`). Not for a difference.
    pub weights: Option<Vec<f64>>,
    /// `AGGREGATE`. Not for a difference.
    pub aggregate: Aggregate,
}

impl Combine {
    /// `op` with no weights and `SUM`.
    pub fn new(op: SetOp) -> Combine {
        Combine {
            op,
            weights: None,
            aggregate: Aggregate::Sum,
        }
    }

    fn weight(&self, input: usize) -> f64 {
        self.weights
            .as_ref()
            .and_then(|w| w.get(input).copied())
            .unwrap_or(1.0)
    }
}

/// Calls `f` with each member and score of the input in `entry`: a sorted
/// set, or a set with scores of 1. The caller has checked the type.
fn each_member(entry: Option<&Entry>, mut f: impl FnMut(&Bytes, f64)) {
    match entry.map(|e| &e.value) {
        Some(Value::ZSet(set)) => set.iter().for_each(|(m, s)| f(m, s)),
        Some(Value::Set(set)) => set.iter().for_each(|m| f(m, 1.0)),
        _ => {}
    }
}

/// Whether the input in `entry` has `member`, and its score.
fn find(entry: Option<&Entry>, member: &[u8]) -> Option<f64> {
    match entry.map(|e| &e.value) {
        Some(Value::ZSet(set)) => set.score(member),
        Some(Value::Set(set)) => set.contains(member).then_some(1.0),
        _ => None,
    }
}

/// The size of each input, in order; `WRONGTYPE` if one is neither a
/// sorted set nor a set (checked before any option error, as Redis does).
fn sizes(view: &mut dyn ReadKeys, index: DbIndex, keys: &[Bytes]) -> Result<Vec<usize>, Error> {
    keys.iter()
        .map(|key| {
            view.read(index, key, |e| match e.map(|e| &e.value) {
                None => Ok(0),
                Some(Value::ZSet(set)) => Ok(set.len()),
                Some(Value::Set(set)) => Ok(set.len()),
                Some(_) => Err(Error::WRONG_TYPE),
            })
        })
        .collect()
}

/// The members of the intersection of `keys` that survive every input,
/// with their scores, unsorted; stops at `limit` members (0: none).
fn intersect(
    view: &mut dyn ReadKeys,
    index: DbIndex,
    keys: &[Bytes],
    sizes: &[usize],
    how: &Combine,
    limit: usize,
) -> Vec<(Bytes, f64)> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| sizes[i]);
    let Some((&smallest, others)) = order.split_first() else {
        return Vec::new();
    };
    if sizes[smallest] == 0 {
        return Vec::new();
    }
    let mut found = Vec::with_capacity(sizes[smallest]);
    let weight = how.weight(smallest);
    view.read(index, &keys[smallest], |e| {
        each_member(e, |m, s| {
            let score = weight * s;
            found.push((m.clone(), if score.is_nan() { 0.0 } else { score }));
        });
    });
    for &other in others {
        let weight = how.weight(other);
        view.read(index, &keys[other], |e| {
            found.retain_mut(|(m, score)| match find(e, m) {
                Some(s) => {
                    how.aggregate.fold(score, weight * s);
                    true
                }
                None => false,
            });
        });
        if found.is_empty() {
            break;
        }
    }
    if limit > 0 {
        found.truncate(limit);
    }
    found
}

/// The result of `how` over `keys`, unsorted.
fn compute(
    view: &mut dyn ReadKeys,
    index: DbIndex,
    keys: &[Bytes],
    sizes: &[usize],
    how: &Combine,
) -> Vec<(Bytes, f64)> {
    match how.op {
        SetOp::Inter => intersect(view, index, keys, sizes, how, 0),
        SetOp::Union => {
            let mut order: Vec<usize> = (0..keys.len()).collect();
            order.sort_by_key(|&i| sizes[i]);
            let largest = sizes.iter().copied().max().unwrap_or(0);
            let mut total: HashMap<Bytes, f64, BuildHasher> =
                HashMap::with_capacity_and_hasher(largest, BuildHasher::default());
            for i in order {
                let weight = how.weight(i);
                view.read(index, &keys[i], |e| {
                    each_member(e, |m, s| {
                        let score = weight * s;
                        let score = if score.is_nan() { 0.0 } else { score };
                        match total.entry(m.clone()) {
                            MapEntry::Vacant(slot) => {
                                slot.insert(score);
                            }
                            MapEntry::Occupied(mut slot) => {
                                how.aggregate.fold(slot.get_mut(), score)
                            }
                        }
                    });
                });
            }
            total.into_iter().collect()
        }
        SetOp::Diff => {
            let Some((first, rest)) = keys.split_first() else {
                return Vec::new();
            };
            if sizes[0] == 0 || rest.contains(first) {
                return Vec::new();
            }
            let mut left = Vec::with_capacity(sizes[0]);
            view.read(index, first, |e| {
                each_member(e, |m, s| left.push((m.clone(), s)));
            });
            for key in rest {
                view.read(index, key, |e| left.retain(|(m, _)| find(e, m).is_none()));
                if left.is_empty() {
                    break;
                }
            }
            left
        }
    }
}

/// Sorts a result as a sorted set orders it: by score (the two zeros
/// equal), then member.
fn sort(elements: &mut [(Bytes, f64)]) {
    elements.sort_by(|(ma, a), (mb, b)| {
        a.partial_cmp(b)
            .unwrap_or(Ordering::Equal)
            .then_with(|| ma.cmp(mb))
    });
}

/// `ZUNION`, `ZINTER` and `ZDIFF`, typed: the result over `keys`, sorted
/// as a sorted set. Absent keys are empty inputs; a key holding anything
/// but a sorted set or a set is `WRONGTYPE`.
pub async fn combine<D: Store>(
    db: &D,
    index: DbIndex,
    keys: Vec<Bytes>,
    how: Combine,
) -> Result<Vec<(Bytes, f64)>, Error> {
    run_combine(db, index, keys, Ok(how)).await
}

/// [`combine`] with the options' parse result, reported only once every
/// key has the right type.
async fn run_combine<D: Store>(
    db: &D,
    index: DbIndex,
    keys: Vec<Bytes>,
    how: Result<Combine, Error>,
) -> Result<Vec<(Bytes, f64)>, Error> {
    let names = keys.clone();
    db.read_many(&names, move |view: &mut dyn ReadKeys| {
        let sizes = sizes(view, index, &keys)?;
        let how = how?;
        let mut result = compute(view, index, &keys, &sizes, &how);
        sort(&mut result);
        Ok(result)
    })
    .await
}

/// `ZUNIONSTORE`, `ZINTERSTORE` and `ZDIFFSTORE`, typed: stores the result
/// over `keys` as the sorted set `dst` (replacing whatever it held; an empty
/// result deletes it); its size. `dst` is stored as given (see
/// [`stored()`]).
pub async fn combine_store<D: Store>(
    db: &D,
    index: DbIndex,
    dst: Bytes,
    keys: Vec<Bytes>,
    how: Combine,
) -> Result<usize, Error> {
    run_combine_store(db, index, dst, keys, Ok(how)).await
}

/// [`combine_store`] with the options' parse result (see [`run_combine`]).
async fn run_combine_store<D: Store>(
    db: &D,
    index: DbIndex,
    dst: Bytes,
    keys: Vec<Bytes>,
    how: Result<Combine, Error>,
) -> Result<usize, Error> {
    let mut names = vec![dst.clone()];
    names.extend(keys.iter().cloned());
    db.update_many(&names, move |view: &mut dyn Keys| {
        let sizes = sizes(view, index, &keys)?;
        let how = how?;
        let result: SortedSet = compute(view, index, &keys, &sizes, &how)
            .into_iter()
            .collect();
        let n = result.len();
        store(view, index, &dst, result);
        Ok(n)
    })
    .await
}

/// `ZINTERCARD`, typed: the size of the intersection of `keys`, counted up
/// to `limit` (0: no limit).
pub async fn zintercard<D: Store>(
    db: &D,
    index: DbIndex,
    keys: Vec<Bytes>,
    limit: usize,
) -> Result<usize, Error> {
    run_intercard(db, index, keys, Ok(limit)).await
}

/// [`zintercard`] with the option's parse result (see [`run_combine`]).
async fn run_intercard<D: Store>(
    db: &D,
    index: DbIndex,
    keys: Vec<Bytes>,
    limit: Result<usize, Error>,
) -> Result<usize, Error> {
    let names = keys.clone();
    db.read_many(&names, move |view: &mut dyn ReadKeys| {
        let sizes = sizes(view, index, &keys)?;
        let limit = limit?;
        let how = Combine::new(SetOp::Inter);
        Ok(intersect(view, index, &keys, &sizes, &how, limit).len())
    })
    .await
}

/// What a set-operation command parsed: its input keys, and its options
/// (or the error in them, which waits for the type checks).
struct Parsed {
    keys: Vec<Bytes>,
    how: Result<Combine, Error>,
    withscores: bool,
    limit: Result<usize, Error>,
}

/// The form of a set-operation command.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `ZUNION`, `ZINTER`, `ZDIFF`: may take `WITHSCORES`.
    Reply,
    /// The `STORE` forms.
    Store,
    /// `ZINTERCARD`: takes `LIMIT` only.
    Card,
}

/// Parses `numkeys key [key ...] [options]`, as Redis does: the key count
/// and its fit are checked at once, the options' errors only after the
/// keys' types.
fn parse(args: Args, op: SetOp, form: Form) -> Result<Parsed, Error> {
    let name = args.name();
    let words = args.rest();
    let Some((numkeys, rest)) = words.split_first() else {
        return Err(Error::WrongArity(name));
    };
    let numkeys = integer(numkeys)?;
    if numkeys < 1 {
        return Err(Error::render(&[
            b"ERR at least 1 input key is needed for '",
            name.as_bytes(),
            b"' command",
        ]));
    }
    let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
    if numkeys > rest.len() {
        return Err(Error::SYNTAX);
    }
    let (keys, options) = rest.split_at(numkeys);
    let mut withscores = false;
    let mut how = Combine::new(op);
    let mut limit = 0;
    let weighted = op != SetOp::Diff && form != Form::Card;
    let mut at = 0;
    let outcome = loop {
        let Some(word) = options.get(at) else {
            break Ok(());
        };
        let left = options.len() - at;
        if weighted && left > numkeys && is_word(word, "WEIGHTS") {
            let weights = options[at + 1..at + 1 + numkeys]
                .iter()
                .map(|w| parse_score(w).ok_or(Error::Fixed("ERR weight value is not a float")))
                .collect::<Result<Vec<f64>, Error>>();
            match weights {
                Ok(weights) => how.weights = Some(weights),
                Err(e) => break Err(e),
            }
            at += 1 + numkeys;
        } else if weighted && left >= 2 && is_word(word, "AGGREGATE") {
            let which = &options[at + 1];
            how.aggregate = if is_word(which, "SUM") {
                Aggregate::Sum
            } else if is_word(which, "MIN") {
                Aggregate::Min
            } else if is_word(which, "MAX") {
                Aggregate::Max
            } else {
                break Err(Error::SYNTAX);
            };
            at += 2;
        } else if form == Form::Reply && is_word(word, "WITHSCORES") {
            withscores = true;
            at += 1;
        } else if form == Form::Card && left >= 2 && is_word(word, "LIMIT") {
            match integer(&options[at + 1])
                .ok()
                .and_then(|n| usize::try_from(n).ok())
            {
                Some(n) => limit = n,
                None => break Err(Error::Fixed("ERR LIMIT can't be negative")),
            }
            at += 2;
        } else {
            break Err(Error::SYNTAX);
        }
    };
    Ok(Parsed {
        keys: keys.to_vec(),
        how: outcome.clone().map(|()| how),
        withscores,
        limit: outcome.map(|()| limit),
    })
}

/// Runs `ZUNION`, `ZINTER` or `ZDIFF`.
async fn run_reply<D: Store>(cx: &mut Ctx<'_, D>, args: Args, op: SetOp) -> Result<(), Error> {
    let parsed = parse(args, op, Form::Reply)?;
    let result = run_combine(cx.db, cx.selected, parsed.keys, parsed.how).await?;
    reply_elements(&mut cx.reply, &result, parsed.withscores);
    Ok(())
}

/// Runs `ZUNIONSTORE`, `ZINTERSTORE` or `ZDIFFSTORE`.
async fn run_store<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args, op: SetOp) -> Result<(), Error> {
    let dst = stored(args.required()?);
    let parsed = parse(args, op, Form::Store)?;
    let existed = match cx.keep(notify::ZSET | notify::GENERIC, &dst) {
        Some(probe) => Some(cx.db.read(cx.selected, &probe, |e| e.is_some()).await),
        None => None,
    };
    let kept = existed.map(|_| dst.clone());
    let n = run_combine_store(cx.db, cx.selected, dst, parsed.keys, parsed.how).await?;
    let event = match op {
        SetOp::Union => "zunionstore",
        SetOp::Inter => "zinterstore",
        SetOp::Diff => "zdiffstore",
    };
    super::range::notify_store(cx, event, kept, existed == Some(true), n);
    cx.reply.count(n);
    Ok(())
}

/// The `WEIGHTS` argument of unions and intersections.
const WEIGHT_ARG: crate::Arg =
    arg!("weight", Integer, token: Some("WEIGHTS"), optional: true, multiple: true);

/// The `AGGREGATE` argument of unions and intersections.
const AGGREGATE_ARG: crate::Arg = arg!("aggregate", OneOf, token: Some("AGGREGATE"), optional: true, args: &[
    token!("sum", "SUM"),
    token!("min", "MIN"),
    token!("max", "MAX"),
]);

/// `ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]`
pub struct ZUnion;

impl Command for ZUnion {
    const SPEC: Spec = Spec {
        name: "zunion",
        arity: -3,
        flags: &["readonly", "movablekeys"],
        keys: (0, 0, 0),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Returns the union of sorted sets (and sets), scores combined.",
        since: "6.2.0",
        group: "sorted-set",
        complexity: "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
        args: &[
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
            WEIGHT_ARG,
            AGGREGATE_ARG,
            token!("withscores", "WITHSCORES", optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_reply(cx, args, SetOp::Union).await
    }
}

/// `ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]`
pub struct ZUnionStore;

impl Command for ZUnionStore {
    const SPEC: Spec = Spec {
        name: "zunionstore",
        arity: -4,
        flags: &["write", "denyoom", "movablekeys"],
        keys: (1, 1, 1),
        acl: &["@write", "@sortedset", "@slow"],
        summary: "Stores the union of sorted sets (and sets), scores combined, as a sorted set.",
        since: "2.0.0",
        group: "sorted-set",
        complexity: "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
        args: &[
            arg!("destination", Key),
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
            WEIGHT_ARG,
            AGGREGATE_ARG,
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_store(cx, args, SetOp::Union).await
    }
}

/// `ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]`
pub struct ZInter;

impl Command for ZInter {
    const SPEC: Spec = Spec {
        name: "zinter",
        arity: -3,
        flags: &["readonly", "movablekeys"],
        keys: (0, 0, 0),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Returns the intersection of sorted sets (and sets), scores combined.",
        since: "6.2.0",
        group: "sorted-set",
        complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
        args: &[
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
            WEIGHT_ARG,
            AGGREGATE_ARG,
            token!("withscores", "WITHSCORES", optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_reply(cx, args, SetOp::Inter).await
    }
}

/// `ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]`
pub struct ZInterStore;

impl Command for ZInterStore {
    const SPEC: Spec = Spec {
        name: "zinterstore",
        arity: -4,
        flags: &["write", "denyoom", "movablekeys"],
        keys: (1, 1, 1),
        acl: &["@write", "@sortedset", "@slow"],
        summary: "Stores the intersection of sorted sets (and sets), scores combined, as a sorted set.",
        since: "2.0.0",
        group: "sorted-set",
        complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
        args: &[
            arg!("destination", Key),
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
            WEIGHT_ARG,
            AGGREGATE_ARG,
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_store(cx, args, SetOp::Inter).await
    }
}

/// `ZINTERCARD numkeys key [key ...] [LIMIT limit]`
pub struct ZInterCard;

impl Command for ZInterCard {
    const SPEC: Spec = Spec {
        name: "zintercard",
        arity: -3,
        flags: &["readonly", "movablekeys"],
        keys: (0, 0, 0),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Counts the members of the intersection of sorted sets (and sets), up to a limit.",
        since: "7.0.0",
        group: "sorted-set",
        complexity: "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
        args: &[
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
            arg!("limit", Integer, token: Some("LIMIT"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        let parsed = parse(args, SetOp::Inter, Form::Card)?;
        let n = run_intercard(cx.db, cx.selected, parsed.keys, parsed.limit).await?;
        cx.reply.count(n);
        Ok(())
    }
}

/// `ZDIFF numkeys key [key ...] [WITHSCORES]`
pub struct ZDiff;

impl Command for ZDiff {
    const SPEC: Spec = Spec {
        name: "zdiff",
        arity: -3,
        flags: &["readonly", "movablekeys"],
        keys: (0, 0, 0),
        acl: &["@read", "@sortedset", "@slow"],
        summary: "Returns the members of the first sorted set (or set) that no other has.",
        since: "6.2.0",
        group: "sorted-set",
        complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
        args: &[
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
            token!("withscores", "WITHSCORES", optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_reply(cx, args, SetOp::Diff).await
    }
}

/// `ZDIFFSTORE destination numkeys key [key ...]`
pub struct ZDiffStore;

impl Command for ZDiffStore {
    const SPEC: Spec = Spec {
        name: "zdiffstore",
        arity: -4,
        flags: &["write", "denyoom", "movablekeys"],
        keys: (1, 1, 1),
        acl: &["@write", "@sortedset", "@slow"],
        summary: "Stores the members of the first sorted set (or set) that no other has, as a sorted set.",
        since: "6.2.0",
        group: "sorted-set",
        complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
        args: &[
            arg!("destination", Key),
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_store(cx, args, SetOp::Diff).await
    }
}

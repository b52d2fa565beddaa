//! The set family: `SADD`, `SREM`, `SMEMBERS`, `SISMEMBER`, `SMISMEMBER`,
//! `SCARD`, `SPOP`, `SRANDMEMBER`, `SMOVE`, `SINTER`, `SINTERCARD`,
//! `SINTERSTORE`, `SUNION`, `SUNIONSTORE`, `SDIFF`, `SDIFFSTORE` and
//! `SSCAN`. Redis keeps these in `t_set.c`.
//!
//! A set is [`Value::Set`]; a step changes it in place through
//! `slot.value_mut()` where the strategy lends the stored entry (and only
//! when it will change: an `SADD` of members already there, or an `SREM` of
//! members that are not, leaves the entry untouched), and an emptied set
//! removes its key, as in Redis.
//!
//! Commands on several sets (`SMOVE`, `SINTER*`, `SUNION*`, `SDIFF*`) are
//! one [`Db::read_many`] or [`Db::update_many`] step over their keys:
//! atomic where the strategy says [`Db::ATOMIC_MULTI_KEY`], key by key
//! elsewhere. As in Redis, every source is type-checked before any is
//! combined, so one key of another type makes the whole command `WRONGTYPE`
//! and a `*STORE` then leaves its destination alone.
//!
//! `SPOP` and `SRANDMEMBER` choose with the `rand` crate's thread-local
//! generator, by position: the set behind a value ([`Set`]) reaches a
//! member by index in O(1), so each member chosen costs O(1), as in Redis.
//! `SSCAN` pages a big set by position too (see `scan_page` in `hashes.rs`).

use bytes::Bytes;
use rand::Rng;
use sharedkv_db::{DbIndex, Entry, Keys, ReadKeys, Set, Slot, Store, Value};

use crate::hashes::scan_page;
use crate::keyspace::{ScanOptions, encoding, parse_cursor, parse_scan_options};
use crate::{
    Args, Command, Ctx, Error, Reply, Spec, Thresholds, arg, c_str, glob, is, notify, stored,
};

/// `SPOP`'s count, negative or not an integer.
const NOT_POSITIVE: Error = Error::Fixed("ERR value is out of range, must be positive");

/// `SRANDMEMBER`'s count at `i64::MIN`, whose magnitude is no `i64`.
const COUNT_OUT_OF_RANGE: Error = Error::Fixed(
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
);

/// The set stored in a slot: `None` if the key is absent, `WRONGTYPE` if
/// it holds another type.
fn set_of(entry: Option<&Entry>) -> Result<Option<&Set>, Error> {
    match entry.map(|e| &e.value) {
        None => Ok(None),
        Some(Value::Set(set)) => Ok(Some(set)),
        Some(_) => Err(Error::WRONG_TYPE),
    }
}

/// Whether `word` is `keyword` as C's `strcasecmp` sees it: up to its first
/// NUL, ignoring ASCII case.
fn is_option(word: &[u8], keyword: &str) -> bool {
    is(c_str(word, usize::MAX), keyword)
}

/// The step of `SADD` (and of `SMOVE`'s destination): adds `members`,
/// creating the set if the key is absent; how many were new. Nothing is
/// changed when every member is there already.
fn insert_members(slot: &mut Slot<'_>, members: &[Bytes]) -> Result<usize, Error> {
    if let Some(set) = set_of(slot.entry())?
        && members.iter().all(|m| set.contains(m))
    {
        return Ok(0);
    }
    if !slot.exists() {
        slot.put(Entry::new(Value::Set(Box::default())));
    }
    let Some(Value::Set(set)) = slot.value_mut() else {
        return Err(Error::WRONG_TYPE);
    };
    Ok(members.iter().filter(|m| set.insert((*m).clone())).count())
}

/// The step of `SREM` (and of `SMOVE`'s source): removes `members`, and
/// the key with the last of them; how many were there. Nothing is changed
/// when none is.
fn remove_members(slot: &mut Slot<'_>, members: &[Bytes]) -> Result<usize, Error> {
    match set_of(slot.entry())? {
        Some(set) if members.iter().any(|m| set.contains(m)) => {}
        _ => return Ok(0),
    }
    let Some(Value::Set(set)) = slot.value_mut() else {
        return Ok(0);
    };
    let removed = members.iter().filter(|m| set.swap_remove(*m)).count();
    if set.is_empty() {
        slot.remove();
    }
    Ok(removed)
}

/// Every member of the set in `entry`, none if absent.
fn members_of(entry: Option<&Entry>) -> Result<Vec<Bytes>, Error> {
    Ok(set_of(entry)?.map_or_else(Vec::new, |s| s.iter().cloned().collect()))
}

/// Writes `members` as a set reply (an array in RESP2).
fn write_set(reply: &mut Reply<'_>, members: &[Bytes]) {
    reply.set(members.len());
    for member in members {
        reply.bulk(member);
    }
}

// ------------------------------------------------------------- SADD, SREM

/// `SADD`, typed: how many of `members` were new. `key` and `members` are
/// stored as given: pass them through [`stored()`] if they come from a
/// request.
pub async fn sadd<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    members: Vec<Bytes>,
) -> Result<usize, Error> {
    db.update(index, &key, move |slot| insert_members(slot, &members))
        .await
}

/// `SADD key member [member ...]`
pub struct SAdd;

impl Command for SAdd {
    const SPEC: Spec = Spec {
        name: "sadd",
        arity: -3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@set", "@fast"],
        summary: "Adds members to a set, creating it if needed.",
        since: "1.0.0",
        group: "set",
        complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        args: &[arg!("key", Key), arg!("member", String, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = stored(args.required()?);
        let members: Vec<Bytes> = args.map(stored).collect();
        if members.is_empty() {
            return Err(Error::WrongArity(Self::SPEC.name));
        }
        let kept = cx.keep(notify::SET, &key);
        let added = sadd(cx.db, cx.selected, key, members).await?;
        if added > 0
            && let Some(key) = kept
        {
            cx.notify(notify::SET, "sadd", &key);
        }
        cx.reply.count(added);
        Ok(())
    }
}

/// `SREM`, typed: how many of `members` were in the set. `key` is stored
/// as given (a write that keeps the key may keep it).
pub async fn srem<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    members: Vec<Bytes>,
) -> Result<usize, Error> {
    db.update(index, &key, move |slot| remove_members(slot, &members))
        .await
}

/// `SREM key member [member ...]`
pub struct SRem;

impl Command for SRem {
    const SPEC: Spec = Spec {
        name: "srem",
        arity: -3,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@set", "@fast"],
        summary: "Removes members from a set.",
        since: "1.0.0",
        group: "set",
        complexity: "O(N) where N is the number of members to be removed.",
        args: &[arg!("key", Key), arg!("member", String, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        // Copied: removing some members is a write that keeps the key.
        let key = stored(args.required()?);
        let kept = cx.keep(notify::SET, &key);
        let removed = srem(cx.db, cx.selected, key, args.rest()).await?;
        if removed > 0 {
            cx.notify_taken(notify::SET, "srem", kept).await;
        }
        cx.reply.count(removed);
        Ok(())
    }
}

// ------------------------------------------------------------------ reads

/// `SMEMBERS`, typed: every member, in the set's order (none if absent).
pub async fn smembers<D: Store>(db: &D, index: DbIndex, key: &Bytes) -> Result<Vec<Bytes>, Error> {
    db.read(index, key, members_of).await
}

/// `SMEMBERS key`
pub struct SMembers;

impl Command for SMembers {
    const SPEC: Spec = Spec {
        name: "smembers",
        arity: 2,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@set", "@slow"],
        summary: "Returns every member of a set.",
        since: "1.0.0",
        group: "set",
        complexity: "O(N) where N is the set cardinality.",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let members = smembers(cx.db, cx.selected, &key).await?;
        write_set(&mut cx.reply, &members);
        Ok(())
    }
}

/// `SISMEMBER`, typed.
pub async fn sismember<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    member: Bytes,
) -> Result<bool, Error> {
    db.read(index, key, move |e| {
        Ok(set_of(e)?.is_some_and(|s| s.contains(&member)))
    })
    .await
}

/// `SISMEMBER key member`
pub struct SIsMember;

impl Command for SIsMember {
    const SPEC: Spec = Spec {
        name: "sismember",
        arity: 3,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@set", "@fast"],
        summary: "Tells whether a value is a member of a set.",
        since: "1.0.0",
        group: "set",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("member", String)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, member) = (args.required()?, args.required()?);
        let found = sismember(cx.db, cx.selected, &key, member).await?;
        cx.reply.int(i64::from(found));
        Ok(())
    }
}

/// `SMISMEMBER`, typed: for each of `members`, in order, whether it is in
/// the set.
pub async fn smismember<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    members: Vec<Bytes>,
) -> Result<Vec<bool>, Error> {
    db.read(index, key, move |e| {
        let set = set_of(e)?;
        Ok(members
            .iter()
            .map(|m| set.is_some_and(|s| s.contains(m)))
            .collect())
    })
    .await
}

/// `SMISMEMBER key member [member ...]`
pub struct SMIsMember;

impl Command for SMIsMember {
    const SPEC: Spec = Spec {
        name: "smismember",
        arity: -3,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@set", "@fast"],
        summary: "Tells, for each of several values, whether it is a member of a set.",
        since: "6.2.0",
        group: "set",
        complexity: "O(N) where N is the number of elements being checked for membership",
        args: &[arg!("key", Key), arg!("member", String, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let found = smismember(cx.db, cx.selected, &key, args.rest()).await?;
        cx.reply.array(found.len());
        for found in found {
            cx.reply.int(i64::from(found));
        }
        Ok(())
    }
}

/// `SCARD`, typed: how many members (0 if absent).
pub async fn scard<D: Store>(db: &D, index: DbIndex, key: &Bytes) -> Result<usize, Error> {
    db.read(index, key, |e| Ok(set_of(e)?.map_or(0, |s| s.len())))
        .await
}

/// `SCARD key`
pub struct SCard;

impl Command for SCard {
    const SPEC: Spec = Spec {
        name: "scard",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@set", "@fast"],
        summary: "Returns the number of members of a set.",
        since: "1.0.0",
        group: "set",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let n = scard(cx.db, cx.selected, &key).await?;
        cx.reply.count(n);
        Ok(())
    }
}

// ----------------------------------------------------- SPOP, SRANDMEMBER

/// `amount` distinct members of `set`, chosen at random; `amount` is less
/// than the set's size (so the list is bounded by what is stored). The
/// positions are sampled in O(`amount`) expected (`rand`'s
/// `index::sample` picks Floyd's method, rejection or a partial shuffle by
/// how `amount` compares with the size), and each is reached in O(1).
fn pick_distinct(set: &Set, amount: usize) -> Vec<Bytes> {
    rand::seq::index::sample(&mut rand::rng(), set.len(), amount)
        .into_iter()
        .filter_map(|at| set.get_index(at).cloned())
        .collect()
}

/// A member of `set` chosen at random, if it has one: O(1).
fn pick_one(set: &Set) -> Option<Bytes> {
    match set.len() {
        0 => None,
        n => set.get_index(rand::rng().random_range(0..n)).cloned(),
    }
}

/// `SPOP key`, typed: removes a member chosen at random and returns it;
/// `None` if the key is absent. The last member takes the key with it.
/// `key` is stored as given (see [`stored()`]).
pub async fn spop_one<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
) -> Result<Option<Bytes>, Error> {
    db.update(index, &key, |slot| {
        let n = match set_of(slot.entry())? {
            Some(set) if !set.is_empty() => set.len(),
            _ => return Ok(None),
        };
        let at = rand::rng().random_range(0..n);
        let Some(Value::Set(set)) = slot.value_mut() else {
            return Ok(None);
        };
        let member = set.swap_remove_index(at);
        if set.is_empty() {
            slot.remove();
        }
        Ok(member)
    })
    .await
}

/// `SPOP key count`, typed: removes up to `count` distinct members chosen
/// at random and returns them; all of them, and the key, when `count`
/// covers the set. `key` is stored as given (see [`stored()`]).
pub async fn spop<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    count: usize,
) -> Result<Vec<Bytes>, Error> {
    db.update(index, &key, move |slot| {
        let Some(set) = set_of(slot.entry())? else {
            return Ok(Vec::new());
        };
        if count == 0 {
            return Ok(Vec::new());
        }
        if count >= set.len() {
            let all = set.iter().cloned().collect();
            slot.remove();
            return Ok(all);
        }
        // Each pop is a random position, removed by moving the last member
        // into it: O(1) a member, and distinct since a popped one is gone.
        let Some(Value::Set(set)) = slot.value_mut() else {
            return Ok(Vec::new());
        };
        let mut rng = rand::rng();
        let popped = (0..count)
            .filter_map(|_| {
                let at = rng.random_range(0..set.len());
                set.swap_remove_index(at)
            })
            .collect();
        Ok(popped)
    })
    .await
}

/// `SPOP key [count]`
pub struct SPop;

impl Command for SPop {
    const SPEC: Spec = Spec {
        name: "spop",
        arity: -2,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@set", "@fast"],
        summary: "Removes members chosen at random from a set and returns them.",
        since: "1.0.0",
        group: "set",
        complexity: "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
        args: &[
            arg!("key", Key),
            arg!("count", Integer, since: Some("3.2.0"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        // Copied: popping some members is a write that keeps the key.
        let key = stored(args.required()?);
        let kept = cx.keep(notify::SET, &key);
        let Some(count) = args.next() else {
            let member = spop_one(cx.db, cx.selected, key).await?;
            if member.is_some() {
                cx.notify_taken(notify::SET, "spop", kept).await;
            }
            cx.reply.bulk_or_null(member.as_deref());
            return Ok(());
        };
        if !args.is_empty() {
            return Err(Error::SYNTAX);
        }
        // Not an integer and negative are one error, as in Redis.
        let count = sharedkv_db::parse_i64(&count)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or(NOT_POSITIVE)?;
        let popped = spop(cx.db, cx.selected, key, count).await?;
        if !popped.is_empty() {
            cx.notify_taken(notify::SET, "spop", kept).await;
        }
        write_set(&mut cx.reply, &popped);
        Ok(())
    }
}

/// The members `SRANDMEMBER key count` answers with, drawn as they are
/// taken. A negative count may ask for far more members than the set holds
/// (up to `i64::MAX`), so those are not drawn at once: the draw holds at
/// most the set's members, and each [`next`](Iterator::next) picks one.
#[derive(Debug, Default)]
pub struct Draw {
    /// Members already chosen, answered first.
    chosen: std::vec::IntoIter<Bytes>,
    /// Every member of the set, to pick `left` more from, with repeats.
    pool: Vec<Bytes>,
    left: u64,
}

impl Draw {
    /// How many members are still to come.
    pub fn remaining(&self) -> u64 {
        (self.chosen.len() as u64).saturating_add(self.left)
    }
}

impl Iterator for Draw {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        if let Some(member) = self.chosen.next() {
            return Some(member);
        }
        if self.left == 0 || self.pool.is_empty() {
            return None;
        }
        self.left -= 1;
        let at = rand::rng().random_range(0..self.pool.len());
        self.pool.get(at).cloned()
    }
}

/// `SRANDMEMBER key`, typed: a member chosen at random, `None` if the key
/// is absent.
pub async fn srandmember_one<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
) -> Result<Option<Bytes>, Error> {
    db.read(index, key, |e| Ok(set_of(e)?.and_then(pick_one)))
        .await
}

/// `SRANDMEMBER key count`, typed: with `distinct`, `count` distinct
/// members (all of them when `count` covers the set); otherwise `count`
/// members that may repeat. Either way the answer comes as a [`Draw`],
/// whose memory is bounded by the set's size whatever `count` is.
pub async fn srandmember<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    count: u64,
    distinct: bool,
) -> Result<Draw, Error> {
    db.read(index, key, move |e| {
        let Some(set) = set_of(e)? else {
            return Ok(Draw::default());
        };
        let n = set.len();
        let wanted = usize::try_from(count).unwrap_or(usize::MAX);
        let chosen = if count == 0 {
            Vec::new()
        } else if distinct && wanted >= n {
            set.iter().cloned().collect()
        } else if distinct {
            pick_distinct(set, wanted)
        } else if wanted <= n {
            // Positions drawn with repeats, each member reached in O(1).
            let mut rng = rand::rng();
            (0..wanted)
                .filter_map(|_| set.get_index(rng.random_range(0..n)).cloned())
                .collect()
        } else {
            // More draws than members: the members are copied once (shared
            // handles, fewer than the reply's elements) and drawn from as
            // the reply is written.
            return Ok(Draw {
                chosen: Vec::new().into_iter(),
                pool: set.iter().cloned().collect(),
                left: count,
            });
        };
        Ok(Draw {
            chosen: chosen.into_iter(),
            ..Draw::default()
        })
    })
    .await
}

/// `SRANDMEMBER key [count]`
pub struct SRandMember;

impl Command for SRandMember {
    const SPEC: Spec = Spec {
        name: "srandmember",
        arity: -2,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@set", "@slow"],
        summary: "Returns members chosen at random from a set, distinct or with repeats.",
        since: "1.0.0",
        group: "set",
        complexity: "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
        args: &[
            arg!("key", Key),
            arg!("count", Integer, since: Some("2.6.0"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let Some(count) = args.next() else {
            let member = srandmember_one(cx.db, cx.selected, &key).await?;
            cx.reply.bulk_or_null(member.as_deref());
            return Ok(());
        };
        if !args.is_empty() {
            return Err(Error::SYNTAX);
        }
        let count = sharedkv_db::parse_i64(&count).ok_or(Error::NOT_AN_INTEGER)?;
        if count == i64::MIN {
            return Err(COUNT_OUT_OF_RANGE);
        }
        let draw = srandmember(cx.db, cx.selected, &key, count.unsigned_abs(), count >= 0).await?;
        cx.reply
            .array(usize::try_from(draw.remaining()).unwrap_or(usize::MAX));
        // A negative count repeats members: `SRANDMEMBER k -1000000000`
        // asks for a reply far larger than the request, so it stops at the
        // output limit.
        for member in draw {
            if cx.reply.over_limit() {
                cx.reply.cut_off();
                return Ok(());
            }
            cx.reply.bulk(&member);
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ SMOVE

/// `SMOVE`, typed: moves `member` from the set at `src` to the set at
/// `dst` (created if absent); whether it was in `src`. `WRONGTYPE` if
/// either key holds another type, unless `src` is absent (then `false`, as
/// in Redis). `src`, `dst` and `member` are stored as given (see
/// [`stored()`]).
pub async fn smove<D: Store>(
    db: &D,
    index: DbIndex,
    src: Bytes,
    dst: Bytes,
    member: Bytes,
) -> Result<bool, Error> {
    smove_publishing(db, index, src, dst, member, None).await
}

/// `SMOVE` as it runs: with `events`, the step itself publishes `srem` (and
/// the source's `del` if it emptied it), then `sadd` if the destination did
/// not hold the member, in Redis's order around the `new` the store
/// publishes for a destination it creates.
async fn smove_publishing<D: Store>(
    db: &D,
    index: DbIndex,
    src: Bytes,
    dst: Bytes,
    member: Bytes,
    events: Option<notify::Publisher>,
) -> Result<bool, Error> {
    let keys = [src.clone(), dst.clone()];
    db.update_many(&keys, move |view: &mut dyn Keys| {
        let member = std::slice::from_ref(&member);
        match view.read(index, &src, |e| e.map(|e| matches!(e.value, Value::Set(_)))) {
            None => return Ok(false),
            Some(false) => return Err(Error::WRONG_TYPE),
            Some(true) => {}
        }
        view.read(index, &dst, |e| set_of(e).map(drop))?;
        if src == dst {
            return view.read(index, &src, |e| {
                Ok(set_of(e)?.is_some_and(|s| member.iter().all(|m| s.contains(m))))
            });
        }
        if view.update(index, &src, |slot| remove_members(slot, member))? == 0 {
            return Ok(false);
        }
        if let Some(events) = &events {
            events.notify(notify::SET, "srem", &src);
            if view.read(index, &src, |e| e.is_none()) {
                events.notify(notify::GENERIC, "del", &src);
            }
        }
        match view.update(index, &dst, |slot| insert_members(slot, member)) {
            Ok(added) => {
                if added > 0
                    && let Some(events) = &events
                {
                    events.notify(notify::SET, "sadd", &dst);
                }
            }
            Err(e) => {
                // `dst` changed type since it was read (strategies without
                // atomic multi-key steps): give the member back.
                let _ = view.update(index, &src, |slot| insert_members(slot, member));
                return Err(e);
            }
        }
        Ok(true)
    })
    .await
}

/// `SMOVE source destination member`
pub struct SMove;

impl Command for SMove {
    const SPEC: Spec = Spec {
        name: "smove",
        arity: 4,
        flags: &["write", "fast"],
        keys: (1, 2, 1),
        acl: &["@write", "@set", "@fast"],
        summary: "Moves a member from one set to another.",
        since: "1.0.0",
        group: "set",
        complexity: "O(1)",
        args: &[
            arg!("source", Key),
            arg!("destination", Key),
            arg!("member", String),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let src = stored(args.required()?);
        let dst = stored(args.required()?);
        let member = stored(args.required()?);
        let events = cx.publisher(notify::SET | notify::GENERIC);
        let moved = smove_publishing(cx.db, cx.selected, src, dst, member, events).await?;
        cx.reply.int(i64::from(moved));
        Ok(())
    }
}

// ------------------------------------------------ SINTER, SUNION, SDIFF

/// How [`combine`] combines its sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    /// The members every set has (`SINTER`); an absent key is empty, so
    /// it empties the result.
    Inter,
    /// The members any set has (`SUNION`).
    Union,
    /// The members of the first set that no other has (`SDIFF`).
    Diff,
}

/// What [`combine_keys`] found: a list where the result is a part of one
/// set (no member twice), a set where it had to be deduplicated.
enum Combined {
    Listed(Vec<Bytes>),
    Set(Set),
}

impl Combined {
    fn len(&self) -> usize {
        match self {
            Combined::Listed(members) => members.len(),
            Combined::Set(set) => set.len(),
        }
    }

    fn into_vec(self) -> Vec<Bytes> {
        match self {
            Combined::Listed(members) => members,
            Combined::Set(set) => set.into_iter().collect(),
        }
    }

    fn into_set(self) -> Set {
        match self {
            Combined::Listed(members) => members.into_iter().collect(),
            Combined::Set(set) => set,
        }
    }
}

/// Combines the sets at `keys` in `index` inside one multi-key step.
/// Every key's type is checked first, as Redis does; an intersection then
/// starts from the smallest set and filters it through the others.
fn combine_keys(
    view: &mut dyn ReadKeys,
    index: DbIndex,
    op: SetOp,
    keys: &[Bytes],
) -> Result<Combined, Error> {
    let mut sizes = Vec::with_capacity(keys.len());
    for key in keys {
        sizes.push(view.read(index, key, |e| {
            Ok::<_, Error>(set_of(e)?.map_or(0, |s| s.len()))
        })?);
    }
    // A key that changed type since its size was read (strategies without
    // atomic multi-key steps) reads as empty from here on.
    let members = |e: Option<&Entry>| members_of(e).unwrap_or_default();
    match op {
        SetOp::Inter => {
            let smallest = sizes
                .iter()
                .zip(keys)
                .enumerate()
                .min_by_key(|(_, (n, _))| **n);
            let Some((smallest, (_, first))) = smallest else {
                return Ok(Combined::Listed(Vec::new()));
            };
            let mut found = view.read(index, first, members);
            for (i, key) in keys.iter().enumerate() {
                if found.is_empty() {
                    break;
                }
                if i == smallest {
                    continue;
                }
                view.read(index, key, |e| match set_of(e) {
                    Ok(Some(set)) => found.retain(|m| set.contains(m)),
                    _ => found.clear(),
                });
            }
            Ok(Combined::Listed(found))
        }
        SetOp::Union => {
            let mut all = Set::default();
            for key in keys {
                view.read(index, key, |e| {
                    if let Ok(Some(set)) = set_of(e) {
                        all.extend(set.iter().cloned());
                    }
                });
            }
            Ok(Combined::Set(all))
        }
        SetOp::Diff => {
            let Some((first, rest)) = keys.split_first() else {
                return Ok(Combined::Listed(Vec::new()));
            };
            let mut found = view.read(index, first, members);
            for key in rest {
                if found.is_empty() {
                    break;
                }
                view.read(index, key, |e| {
                    if let Ok(Some(set)) = set_of(e) {
                        found.retain(|m| !set.contains(m));
                    }
                });
            }
            Ok(Combined::Listed(found))
        }
    }
}

/// `SINTER`, `SUNION`, `SDIFF`, typed: the members of the sets at `keys`
/// combined by `op`, read in one multi-key step. An absent key is an
/// empty set; `WRONGTYPE` if any key holds another type.
pub async fn combine<D: Store>(
    db: &D,
    index: DbIndex,
    op: SetOp,
    keys: Vec<Bytes>,
) -> Result<Vec<Bytes>, Error> {
    let names = keys.clone();
    db.read_many(&names, move |view: &mut dyn ReadKeys| {
        Ok(combine_keys(view, index, op, &keys)?.into_vec())
    })
    .await
}

/// `SINTERSTORE`, `SUNIONSTORE`, `SDIFFSTORE`, typed: stores what
/// [`combine`] would answer as the set at `dst` (replacing whatever `dst`
/// held, TTL included; an empty result deletes `dst`) and returns its
/// size, all in one multi-key step. `WRONGTYPE` if a source holds another
/// type, and `dst` is left alone. `dst` is stored as given (see
/// [`stored()`]).
pub async fn combine_into<D: Store>(
    db: &D,
    index: DbIndex,
    op: SetOp,
    dst: Bytes,
    keys: Vec<Bytes>,
) -> Result<usize, Error> {
    let mut names = Vec::with_capacity(keys.len() + 1);
    names.push(dst.clone());
    names.extend(keys.iter().cloned());
    db.update_many(&names, move |view: &mut dyn Keys| {
        let found = combine_keys(view, index, op, &keys)?;
        let n = found.len();
        let set = found.into_set();
        view.update(index, &dst, |slot| {
            if set.is_empty() {
                slot.remove();
            } else {
                // Cloned: a strategy may run the step again.
                slot.put(Entry::new(Value::Set(Box::new(set.clone()))));
            }
        });
        Ok(n)
    })
    .await
}

/// The reply of `SINTER`, `SUNION` and `SDIFF`.
async fn run_combine<D: Store>(cx: &mut Ctx<'_, D>, args: Args, op: SetOp) -> Result<(), Error> {
    let members = combine(cx.db, cx.selected, op, args.rest()).await?;
    write_set(&mut cx.reply, &members);
    Ok(())
}

/// The reply of `SINTERSTORE`, `SUNIONSTORE` and `SDIFFSTORE`.
async fn run_combine_into<D: Store>(
    cx: &mut Ctx<'_, D>,
    mut args: Args,
    op: SetOp,
) -> Result<(), Error> {
    let dst = stored(args.required()?);
    // With events on: whether `dst` existed, for the `del` of an empty
    // result.
    let existed = match cx.keep(notify::SET | notify::GENERIC, &dst) {
        Some(probe) => Some(cx.db.read(cx.selected, &probe, |e| e.is_some()).await),
        None => None,
    };
    let n = combine_into(cx.db, cx.selected, op, dst.clone(), args.rest()).await?;
    let event = match op {
        SetOp::Inter => "sinterstore",
        SetOp::Union => "sunionstore",
        SetOp::Diff => "sdiffstore",
    };
    match existed {
        Some(_) if n > 0 => cx.notify(notify::SET, event, &dst),
        Some(true) => cx.notify(notify::GENERIC, "del", &dst),
        _ => {}
    }
    cx.reply.count(n);
    Ok(())
}

/// `SINTER key [key ...]`
pub struct SInter;

impl Command for SInter {
    const SPEC: Spec = Spec {
        name: "sinter",
        arity: -2,
        flags: &["readonly"],
        keys: (1, -1, 1),
        acl: &["@read", "@set", "@slow"],
        summary: "Returns the members that every one of several sets has.",
        since: "1.0.0",
        group: "set",
        complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        args: &[arg!("key", Key, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_combine(cx, args, SetOp::Inter).await
    }
}

/// `SINTERSTORE destination key [key ...]`
pub struct SInterStore;

impl Command for SInterStore {
    const SPEC: Spec = Spec {
        name: "sinterstore",
        arity: -3,
        flags: &["write", "denyoom"],
        keys: (1, -1, 1),
        acl: &["@write", "@set", "@slow"],
        summary: "Stores the members that every one of several sets has as a new set.",
        since: "1.0.0",
        group: "set",
        complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        args: &[arg!("destination", Key), arg!("key", Key, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_combine_into(cx, args, SetOp::Inter).await
    }
}

/// `SINTERCARD`, typed: the size of the intersection of the sets at
/// `keys`, counted up to `limit` (0: no limit).
pub async fn sintercard<D: Store>(
    db: &D,
    index: DbIndex,
    keys: Vec<Bytes>,
    limit: usize,
) -> Result<usize, Error> {
    let names = keys.clone();
    db.read_many(&names, move |view: &mut dyn ReadKeys| {
        let n = combine_keys(view, index, SetOp::Inter, &keys)?.len();
        Ok(if limit == 0 { n } else { n.min(limit) })
    })
    .await
}

/// `SINTERCARD numkeys key [key ...] [LIMIT limit]`
pub struct SInterCard;

impl Command for SInterCard {
    const SPEC: Spec = Spec {
        name: "sintercard",
        arity: -3,
        flags: &["readonly", "movablekeys"],
        keys: (0, 0, 0),
        acl: &["@read", "@set", "@slow"],
        summary: "Counts the members that every one of several sets has, optionally up to a limit.",
        since: "7.0.0",
        group: "set",
        complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        args: &[
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
            arg!("limit", Integer, token: Some("LIMIT"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        const NUMKEYS: Error = Error::Fixed("ERR numkeys should be greater than 0");
        const TOO_MANY: Error =
            Error::Fixed("ERR Number of keys can't be greater than number of args");
        const NEGATIVE_LIMIT: Error = Error::Fixed("ERR LIMIT can't be negative");
        let numkeys = sharedkv_db::parse_i64(&args.required()?)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n > 0)
            .ok_or(NUMKEYS)?;
        if numkeys > args.len() {
            return Err(TOO_MANY);
        }
        let keys: Vec<Bytes> = args.by_ref().take(numkeys).collect();
        let mut limit = 0;
        while let Some(word) = args.next() {
            match args.next() {
                Some(n) if is_option(&word, "LIMIT") => {
                    limit = sharedkv_db::parse_i64(&n)
                        .and_then(|n| usize::try_from(n).ok())
                        .ok_or(NEGATIVE_LIMIT)?;
                }
                _ => return Err(Error::SYNTAX),
            }
        }
        let n = sintercard(cx.db, cx.selected, keys, limit).await?;
        cx.reply.count(n);
        Ok(())
    }
}

/// `SUNION key [key ...]`
pub struct SUnion;

impl Command for SUnion {
    const SPEC: Spec = Spec {
        name: "sunion",
        arity: -2,
        flags: &["readonly"],
        keys: (1, -1, 1),
        acl: &["@read", "@set", "@slow"],
        summary: "Returns the members that any of several sets has.",
        since: "1.0.0",
        group: "set",
        complexity: "O(N) where N is the total number of elements in all given sets.",
        args: &[arg!("key", Key, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_combine(cx, args, SetOp::Union).await
    }
}

/// `SUNIONSTORE destination key [key ...]`
pub struct SUnionStore;

impl Command for SUnionStore {
    const SPEC: Spec = Spec {
        name: "sunionstore",
        arity: -3,
        flags: &["write", "denyoom"],
        keys: (1, -1, 1),
        acl: &["@write", "@set", "@slow"],
        summary: "Stores the members that any of several sets has as a new set.",
        since: "1.0.0",
        group: "set",
        complexity: "O(N) where N is the total number of elements in all given sets.",
        args: &[arg!("destination", Key), arg!("key", Key, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_combine_into(cx, args, SetOp::Union).await
    }
}

/// `SDIFF key [key ...]`
pub struct SDiff;

impl Command for SDiff {
    const SPEC: Spec = Spec {
        name: "sdiff",
        arity: -2,
        flags: &["readonly"],
        keys: (1, -1, 1),
        acl: &["@read", "@set", "@slow"],
        summary: "Returns the members of a set that none of the other sets has.",
        since: "1.0.0",
        group: "set",
        complexity: "O(N) where N is the total number of elements in all given sets.",
        args: &[arg!("key", Key, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_combine(cx, args, SetOp::Diff).await
    }
}

/// `SDIFFSTORE destination key [key ...]`
pub struct SDiffStore;

impl Command for SDiffStore {
    const SPEC: Spec = Spec {
        name: "sdiffstore",
        arity: -3,
        flags: &["write", "denyoom"],
        keys: (1, -1, 1),
        acl: &["@write", "@set", "@slow"],
        summary: "Stores the members of a set that none of the other sets has as a new set.",
        since: "1.0.0",
        group: "set",
        complexity: "O(N) where N is the total number of elements in all given sets.",
        args: &[arg!("destination", Key), arg!("key", Key, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_combine_into(cx, args, SetOp::Diff).await
    }
}

// ------------------------------------------------------------------ SSCAN

/// `SSCAN`, typed: from `cursor` (0 to start), the members of one call
/// that match `options.pattern`, and the cursor to continue from (0 when
/// the iteration is done). A small set comes whole; a big one a page of
/// `options.count` positions at a time (see [`SScan`]); small means an
/// intset under `limits`.
pub async fn sscan<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    cursor: u64,
    options: ScanOptions,
    limits: Thresholds,
) -> Result<(u64, Vec<Bytes>), Error> {
    db.read(index, key, move |e| {
        let small = e.is_some_and(|e| is_intset(e, &limits));
        Ok(set_of(e)?.map_or((0, Vec::new()), |set| scan_set(set, small, cursor, options)))
    })
    .await
}

/// Whether Redis would hold the set in `entry` as an intset under
/// `limits` (`OBJECT ENCODING`'s judgement, see [`encoding`]): then
/// `SSCAN` answers it whole, as Redis does.
fn is_intset(entry: &Entry, limits: &Thresholds) -> bool {
    encoding(&entry.value, limits) == "intset"
}

/// One call of `SSCAN` on `set`: the matching members of the page at
/// `cursor` (the whole set if it is `small`) and the next cursor. `MATCH`
/// filters after the page is picked, as in Redis, so a page may come back
/// empty with a non-zero cursor.
fn scan_set(set: &Set, small: bool, cursor: u64, options: ScanOptions) -> (u64, Vec<Bytes>) {
    let pattern = options.pattern.filter(|p| !glob::matches_everything(p));
    let (range, next) = if small {
        (0..set.len(), 0)
    } else {
        scan_page(set.len(), cursor, options.count)
    };
    let found = set
        .get_range(range)
        .into_iter()
        .flatten()
        .filter(|m| pattern.as_ref().is_none_or(|p| glob::matches(p, m)))
        .cloned()
        .collect();
    (next, found)
}

/// `SSCAN key cursor [MATCH pattern] [COUNT count]`
///
/// A set Redis keeps as an intset (all integers, by default at most 512
/// of them: `CONFIG SET set-max-intset-entries`) comes whole, with the
/// next cursor 0, whatever the cursor and `COUNT`, as in Redis. A bigger
/// one is paged, `COUNT` (default 10) positions a call, from the top of the
/// set down (see `scan_page` in `hashes.rs` for why that order keeps
/// Redis's guarantee). The cursor is validated as Redis does (`ERR invalid
/// cursor`); one past the set's end starts from its top. The checks come
/// in Redis's order: the cursor, then an absent key (an empty scan,
/// whatever the options), then the type, then the options.
pub struct SScan;

impl Command for SScan {
    const SPEC: Spec = Spec {
        name: "sscan",
        arity: -3,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@set", "@slow"],
        summary: "Walks the members of a set with a cursor.",
        since: "2.8.0",
        group: "set",
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
        let cursor = parse_cursor(&args.required()?)?;
        // Parsed now, judged only once the key is known to hold a set.
        let options = parse_scan_options(args, false);
        let limits = cx.settings.thresholds();
        let (next, found) = cx
            .db
            .read(cx.selected, &key, move |e| {
                let Some(set) = set_of(e)? else {
                    return Ok((0, Vec::new()));
                };
                let small = e.is_some_and(|e| is_intset(e, &limits));
                Ok::<_, Error>(scan_set(set, small, cursor, options?))
            })
            .await?;
        cx.reply.array(2);
        cx.reply.bulk(itoa::Buffer::new().format(next).as_bytes());
        cx.reply.array(found.len());
        for member in &found {
            cx.reply.bulk(member);
        }
        Ok(())
    }
}

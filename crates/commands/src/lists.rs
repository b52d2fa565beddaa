//! The list family: `LPUSH`, `RPUSH`, `LPUSHX`, `RPUSHX`, `LPOP`, `RPOP`,
//! `LLEN`, `LRANGE`, `LINDEX`, `LSET`, `LINSERT`, `LREM`, `LTRIM`, `LPOS`,
//! `LMOVE`, `RPOPLPUSH` and `LMPOP`, with Redis 7.0's replies and errors.
//! Redis keeps these in `t_list.c`.
//!
//! A list is [`Value::List`], a `VecDeque`: O(1) at both ends and by index,
//! O(N) for `LINSERT`, `LREM` and `LSET` in the middle, as in Redis. A step
//! changes it in place through `slot.value_mut()` where the strategy lends
//! the stored entry, and an emptied list removes its key, as in Redis.
//!
//! Two functions do all the growing and shrinking at the ends:
//! [`push_step`] adds every element any command adds (`LPUSH`, `RPUSH`,
//! their `X` forms, `LINSERT`, the destination of `LMOVE`), and
//! [`pop_step`] takes every element any command takes from an end (`LPOP`,
//! `RPOP`, `LMPOP`, the source of `LMOVE`). The blocking forms (`BLPOP`,
//! `BRPOP`, `BLMOVE`, `BRPOPLPUSH`, `BLMPOP`) are to be built on them: their
//! non-blocking attempt is [`mpop`] or [`lmove`], and [`push_step`] is
//! where a push will serve the clients waiting on its key.
//!
//! `LMOVE`, `RPOPLPUSH` and `LMPOP` are one [`Db::update_many`] step each
//! over the keys they name: atomic where the strategy says
//! [`Db::ATOMIC_MULTI_KEY`], key by key elsewhere. `LMOVE` of a key onto
//! itself (a rotation) is a single-key step, atomic everywhere.

use bytes::Bytes;
use sharedkv_db::{DbIndex, Entry, Keys, List, Slot, Store, Value, parse_i64};

use crate::strings::is_option;
use crate::{Args, Command, Ctx, Error, Reply, Spec, arg, notify, stored, token};

/// `ERR value is out of range, must be positive`: `LPOP`'s and `RPOP`'s
/// count, negative or not a number.
const COUNT_NOT_POSITIVE: Error = Error::Fixed("ERR value is out of range, must be positive");
/// `ERR index out of range` (`LSET`).
const INDEX_OUT_OF_RANGE: Error = Error::Fixed("ERR index out of range");
/// `LPOS ... RANK 0`.
const RANK_ZERO: Error = Error::Fixed(
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... \
     or use negative to start from the end of the list",
);
/// `LPOS ... COUNT`, negative or not a number.
const COUNT_NEGATIVE: Error = Error::Fixed("ERR COUNT can't be negative");
/// `LPOS ... MAXLEN`, negative or not a number.
const MAXLEN_NEGATIVE: Error = Error::Fixed("ERR MAXLEN can't be negative");
/// `LMPOP`'s numkeys, below 1 or not a number.
const NUMKEYS_NOT_POSITIVE: Error = Error::Fixed("ERR numkeys should be greater than 0");
/// `LMPOP ... COUNT`, below 1 or not a number.
const MPOP_COUNT_NOT_POSITIVE: Error = Error::Fixed("ERR count should be greater than 0");

/// An end of a list: `LEFT`, the head (index 0), or `RIGHT`, the tail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The head: `LPUSH` and `LPOP` work here.
    Left,
    /// The tail: `RPUSH` and `RPOP` work here.
    Right,
}

impl End {
    /// `LEFT` or `RIGHT`, read as Redis reads them (`strcasecmp`: any case,
    /// up to a NUL); `ERR syntax error` for anything else.
    pub fn parse(word: &[u8]) -> Result<End, Error> {
        if is_option(word, "LEFT") {
            Ok(End::Left)
        } else if is_option(word, "RIGHT") {
            Ok(End::Right)
        } else {
            Err(Error::SYNTAX)
        }
    }

    /// The keyspace event of a push at this end.
    pub(crate) fn push_event(self) -> &'static str {
        match self {
            End::Left => "lpush",
            End::Right => "rpush",
        }
    }

    /// The keyspace event of a pop at this end.
    pub(crate) fn pop_event(self) -> &'static str {
        match self {
            End::Left => "lpop",
            End::Right => "rpop",
        }
    }
}

/// The list stored in a slot: `None` if the key is absent, `WRONGTYPE` if
/// it holds another type.
fn list_of(entry: Option<&Entry>) -> Result<Option<&List>, Error> {
    match entry.map(|e| &e.value) {
        None => Ok(None),
        Some(Value::List(list)) => Ok(Some(list)),
        Some(_) => Err(Error::WRONG_TYPE),
    }
}

/// Where [`push_step`] puts its elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// At an end, one after the other: `LPUSH a b` leaves `b a ...`.
    End(End),
    /// Before the element at this index (the length: after the last), in
    /// order (`LINSERT`).
    At(usize),
}

/// **The one push of the family**: adds `elements` to the list in `slot`
/// at `place`, creating the list if `create` and the key is absent; the
/// list's new length, or `None` (nothing changed) if the key is absent and
/// not `create`. `WRONGTYPE`, changing nothing, on another type. A kept
/// list keeps its TTL.
///
/// Every element a list command adds comes through here (`LPUSH`, `RPUSH`,
/// `LPUSHX`, `RPUSHX`, `LINSERT`, the destination of `LMOVE` and
/// `RPOPLPUSH`), so this is where the blocking commands, when they come,
/// will learn that a key they wait on has elements: a push that leaves a
/// non-empty list is what serves the clients waiting on its key (Redis's
/// `signalKeyAsReady`). Nothing waits yet.
fn push_step(
    slot: &mut Slot<'_>,
    place: Place,
    elements: &[Bytes],
    create: bool,
) -> Result<Option<usize>, Error> {
    if list_of(slot.entry())?.is_none() {
        if !create {
            return Ok(None);
        }
        slot.put(Entry::new(Value::List(Box::default())));
    }
    let Some(Value::List(list)) = slot.value_mut() else {
        return Err(Error::WRONG_TYPE);
    };
    match place {
        Place::End(End::Left) => {
            for element in elements {
                list.push_front(element.clone());
            }
        }
        Place::End(End::Right) => list.extend(elements.iter().cloned()),
        Place::At(at) => {
            let at = at.min(list.len());
            for (i, element) in elements.iter().enumerate() {
                list.insert(at + i, element.clone());
            }
        }
    }
    let len = list.len();
    if len == 0 {
        // A push of nothing onto a new list (only a typed caller can ask
        // for one): no empty list is ever stored.
        slot.remove();
    }
    Ok(Some(len))
}

/// Takes up to `count` elements off `end` of `list`, in the order they
/// come off (`RPOP k 2` gives the last element first).
fn take(list: &mut List, end: End, count: usize) -> Vec<Bytes> {
    let n = count.min(list.len());
    match end {
        End::Left => list.drain(..n).collect(),
        End::Right => list.drain(list.len() - n..).rev().collect(),
    }
}

/// **The one pop of the family**: takes up to `count` elements off `end`
/// of the list in `slot`, in the order they come off, and removes the key
/// once the list is empty. `None` if the key is absent; `WRONGTYPE` on
/// another type. A `count` of 0 changes nothing and answers no elements.
fn pop_step(slot: &mut Slot<'_>, end: End, count: usize) -> Result<Option<Vec<Bytes>>, Error> {
    let Some(list) = list_of(slot.entry())? else {
        return Ok(None);
    };
    if count == 0 || list.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let Some(Value::List(list)) = slot.value_mut() else {
        return Ok(None);
    };
    let popped = take(list, end, count);
    if list.is_empty() {
        slot.remove();
    }
    Ok(Some(popped))
}

/// Writes `elements` as an array. A reply can be as large as the list, so
/// it stops at the output limit, as `MGET` does.
pub(crate) fn write_elements(reply: &mut Reply<'_>, elements: &[Bytes]) {
    reply.array(elements.len());
    for element in elements {
        if reply.over_limit() {
            reply.cut_off();
            return;
        }
        reply.bulk_shared(element);
    }
}

/// The inclusive range of positions `start..=stop` names in a list of
/// `len` elements, as Redis's `LRANGE` and `LTRIM` read it: a negative
/// index counts from the end, the range is clamped to the list, and `None`
/// means it is empty. No overflow at either end of `i64`.
fn span(len: usize, start: i64, stop: i64) -> Option<(usize, usize)> {
    let len = i64::try_from(len).ok()?;
    // `len + i` for a negative `i` cannot overflow: `len` is not negative.
    let from_end = |i: i64| if i < 0 { len + i } else { i };
    let start = from_end(start).max(0);
    let stop = from_end(stop);
    if start > stop || start >= len {
        return None;
    }
    let stop = stop.min(len - 1);
    Some((usize::try_from(start).ok()?, usize::try_from(stop).ok()?))
}

/// The position `index` names in a list of `len` elements (negative: from
/// the end), if there is one.
fn position(len: usize, index: i64) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let i = if index < 0 { len + index } else { index };
    if (0..len).contains(&i) {
        usize::try_from(i).ok()
    } else {
        None
    }
}

// ------------------------------------------------------------- pushes

/// `LPUSH`/`RPUSH` and their `X` forms, as commands.
async fn run_push<D: Store>(
    cx: &mut Ctx<'_, D>,
    mut args: Args,
    end: End,
    create: bool,
) -> Result<(), Error> {
    let key = stored(args.required()?);
    let elements: Vec<Bytes> = args.rest().into_iter().map(stored).collect();
    let kept = cx.keep(notify::LIST, &key);
    let len = db_push(cx.db, cx.selected, key, end, elements, create).await?;
    if len > 0
        && let Some(key) = kept
    {
        cx.notify(notify::LIST, end.push_event(), &key);
    }
    cx.reply.count(len);
    Ok(())
}

async fn db_push<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    end: End,
    elements: Vec<Bytes>,
    create: bool,
) -> Result<usize, Error> {
    db.update(index, &key, move |slot| {
        push_step(slot, Place::End(end), &elements, create).map(|len| len.unwrap_or(0))
    })
    .await
}

/// `LPUSH`/`RPUSH`, typed: pushes `elements` one by one at `end` of the
/// list at `key`, creating it; the list's new length. `key` and `elements`
/// are stored as given: pass them through [`stored`] if they come from a
/// request.
pub async fn push<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    end: End,
    elements: Vec<Bytes>,
) -> Result<usize, Error> {
    db_push(db, index, key, end, elements, true).await
}

/// `LPUSHX`/`RPUSHX`, typed: as [`push`], onto an existing list only; 0
/// (and nothing created) if there is none.
pub async fn push_existing<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    end: End,
    elements: Vec<Bytes>,
) -> Result<usize, Error> {
    db_push(db, index, key, end, elements, false).await
}

/// `LPUSH key element [element ...]`
pub struct LPush;

impl Command for LPush {
    const SPEC: Spec = Spec {
        name: "lpush",
        arity: -3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@list", "@fast"],
        summary: "Adds elements at the head of a list, creating it if needed.",
        since: "1.0.0",
        group: "list",
        complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        args: &[arg!("key", Key), arg!("element", String, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_push(cx, args, End::Left, true).await
    }
}

/// `RPUSH key element [element ...]`
pub struct RPush;

impl Command for RPush {
    const SPEC: Spec = Spec {
        name: "rpush",
        arity: -3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@list", "@fast"],
        summary: "Adds elements at the tail of a list, creating it if needed.",
        since: "1.0.0",
        group: "list",
        complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        args: &[arg!("key", Key), arg!("element", String, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_push(cx, args, End::Right, true).await
    }
}

/// `LPUSHX key element [element ...]`
pub struct LPushX;

impl Command for LPushX {
    const SPEC: Spec = Spec {
        name: "lpushx",
        arity: -3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@list", "@fast"],
        summary: "Adds elements at the head of a list, only if the list exists.",
        since: "2.2.0",
        group: "list",
        complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        args: &[arg!("key", Key), arg!("element", String, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_push(cx, args, End::Left, false).await
    }
}

/// `RPUSHX key element [element ...]`
pub struct RPushX;

impl Command for RPushX {
    const SPEC: Spec = Spec {
        name: "rpushx",
        arity: -3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@list", "@fast"],
        summary: "Adds elements at the tail of a list, only if the list exists.",
        since: "2.2.0",
        group: "list",
        complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        args: &[arg!("key", Key), arg!("element", String, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_push(cx, args, End::Right, false).await
    }
}

// --------------------------------------------------------------- pops

/// `LPOP`/`RPOP`, typed: takes up to `count` elements off `end` of the list
/// at `key`, in the order they come off, removing the key once the list is
/// empty. `None` if the key is absent; a `count` of 0 on a list answers no
/// elements and changes nothing. `key` is stored if some elements stay:
/// pass it through [`stored`] if it comes from a request.
pub async fn pop<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    end: End,
    count: usize,
) -> Result<Option<Vec<Bytes>>, Error> {
    db.update(index, &key, move |slot| pop_step(slot, end, count))
        .await
}

/// `LPOP`/`RPOP` as commands: without a count, one element or nil; with
/// one, an array, or the null array for an absent key.
async fn run_pop<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args, end: End) -> Result<(), Error> {
    // Copied: popping some elements is a write that keeps the key.
    let key = stored(args.required()?);
    // Redis checks the arity before it reads the count.
    if args.len() > 1 {
        return Err(args.arity());
    }
    let count = match args.next() {
        None => None,
        Some(word) => {
            let n = parse_i64(&word)
                .filter(|n| *n >= 0)
                .ok_or(COUNT_NOT_POSITIVE)?;
            Some(usize::try_from(n).unwrap_or(usize::MAX))
        }
    };
    let kept = cx.keep(notify::LIST, &key);
    let popped = pop(cx.db, cx.selected, key, end, count.unwrap_or(1)).await?;
    if popped.as_ref().is_some_and(|p| !p.is_empty()) {
        cx.notify_taken(notify::LIST, end.pop_event(), kept).await;
    }
    match (count, popped) {
        (None, popped) => {
            let first = popped.as_deref().and_then(<[Bytes]>::first);
            cx.reply.bulk_or_null(first.map(|e| &e[..]));
        }
        (Some(_), None) => cx.reply.null_array(),
        (Some(_), Some(popped)) => write_elements(&mut cx.reply, &popped),
    }
    Ok(())
}

/// `LPOP key [count]`
pub struct LPop;

impl Command for LPop {
    const SPEC: Spec = Spec {
        name: "lpop",
        arity: -2,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@list", "@fast"],
        summary: "Removes and returns elements from the head of a list.",
        since: "1.0.0",
        group: "list",
        complexity: "O(N) where N is the number of elements returned",
        args: &[
            arg!("key", Key),
            arg!("count", Integer, since: Some("6.2.0"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_pop(cx, args, End::Left).await
    }
}

/// `RPOP key [count]`
pub struct RPop;

impl Command for RPop {
    const SPEC: Spec = Spec {
        name: "rpop",
        arity: -2,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@list", "@fast"],
        summary: "Removes and returns elements from the tail of a list.",
        since: "1.0.0",
        group: "list",
        complexity: "O(N) where N is the number of elements returned",
        args: &[
            arg!("key", Key),
            arg!("count", Integer, since: Some("6.2.0"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_pop(cx, args, End::Right).await
    }
}

/// `LMPOP`, typed, and the non-blocking attempt of `BLPOP`, `BRPOP` and
/// `BLMPOP`: takes up to `count` elements off `end` of the first of `keys`
/// that holds a list, in the order they come off; that key and the
/// elements, or `None` if no key holds one. `WRONGTYPE` if a key before it
/// holds another type (the keys after it are not looked at). One
/// [`Db::update_many`] step over `keys`. The keys are stored as given (the
/// one popped from is kept if elements stay): pass them through
/// [`stored`] if they come from a request.
pub async fn mpop<D: Store>(
    db: &D,
    index: DbIndex,
    keys: Vec<Bytes>,
    end: End,
    count: usize,
) -> Result<Option<(Bytes, Vec<Bytes>)>, Error> {
    let count = count.max(1);
    let names = keys.clone();
    db.update_many(&names, move |view: &mut dyn Keys| {
        for key in &keys {
            // A key that is absent, or emptied by another client since
            // (where multi-key steps are not atomic), is passed over.
            if let Some(popped) = view.update(index, key, |slot| pop_step(slot, end, count))?
                && !popped.is_empty()
            {
                return Ok(Some((key.clone(), popped)));
            }
        }
        Ok(None)
    })
    .await
}

/// The arguments of `LMPOP` and `BLMPOP` after the timeout: `numkeys key
/// [key ...] LEFT|RIGHT [COUNT count]`, checked in Redis's order; the keys
/// (copied), the end and the count.
pub(crate) fn parse_mpop(words: Vec<Bytes>) -> Result<(Vec<Bytes>, End, usize), Error> {
    let numkeys = parse_i64(words.first().ok_or(Error::SYNTAX)?)
        .filter(|n| *n >= 1)
        .ok_or(NUMKEYS_NOT_POSITIVE)?;
    let mut rest = words.into_iter().skip(1);
    // Redis's order: numkeys, then whether `where` is there at all
    // (numkeys counting past the arguments is a syntax error), then
    // `where`, then the options.
    let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
    if numkeys >= rest.len() {
        return Err(Error::SYNTAX);
    }
    let keys: Vec<Bytes> = rest.by_ref().take(numkeys).map(stored).collect();
    let end = End::parse(&rest.next().ok_or(Error::SYNTAX)?)?;
    let mut count = None;
    while let Some(word) = rest.next() {
        if count.is_none() && is_option(&word, "COUNT") && rest.len() > 0 {
            let n = rest
                .next()
                .and_then(|w| parse_i64(&w))
                .filter(|n| *n >= 1)
                .ok_or(MPOP_COUNT_NOT_POSITIVE)?;
            count = Some(usize::try_from(n).unwrap_or(usize::MAX));
        } else {
            return Err(Error::SYNTAX);
        }
    }
    Ok((keys, end, count.unwrap_or(1)))
}

/// `LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]`
pub struct LMPop;

impl Command for LMPop {
    const SPEC: Spec = Spec {
        name: "lmpop",
        arity: -4,
        flags: &["write", "movablekeys"],
        keys: (0, 0, 0),
        acl: &["@write", "@list", "@slow"],
        summary: "Removes and returns elements from one end of the first non-empty list of several.",
        since: "7.0.0",
        group: "list",
        complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
        args: &[
            arg!("numkeys", Integer),
            arg!("key", Key, multiple: true),
            arg!("where", OneOf, args: &[
                token!("left", "LEFT"),
                token!("right", "RIGHT"),
            ]),
            arg!("count", Integer, token: Some("COUNT"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        let (keys, end, count) = parse_mpop(args.rest())?;
        match mpop(cx.db, cx.selected, keys, end, count).await? {
            None => cx.reply.null_array(),
            Some((key, popped)) => {
                if cx.notifies(notify::LIST) {
                    cx.notify_taken(notify::LIST, end.pop_event(), Some(key.clone()))
                        .await;
                }
                cx.reply.array(2);
                cx.reply.bulk(&key);
                write_elements(&mut cx.reply, &popped);
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- LMOVE

/// `LMOVE`, typed, and the non-blocking attempt of `BLMOVE` and
/// `BRPOPLPUSH`: takes one element off `from` of the list at `src` and
/// pushes it at `to` of the list at `dst` (created if absent); the element,
/// or `None` if `src` holds no list. `WRONGTYPE`, changing nothing, if
/// either key holds another type. With `src == dst` it rotates the list in
/// one single-key step; otherwise it is one [`Db::update_many`] step over
/// both. Both keys are stored as given: pass them through [`stored`] if
/// they come from a request.
pub async fn lmove<D: Store>(
    db: &D,
    index: DbIndex,
    src: Bytes,
    dst: Bytes,
    from: End,
    to: End,
) -> Result<Option<Bytes>, Error> {
    if src == dst {
        return db
            .update(index, &src, move |slot| rotate_step(slot, from, to))
            .await;
    }
    let keys = [src.clone(), dst.clone()];
    db.update_many(&keys, move |view: &mut dyn Keys| {
        // Redis's order: an absent source answers nil whatever the
        // destination holds; then the types of both.
        if !view.read(index, &src, |e| list_of(e).map(|l| l.is_some()))? {
            return Ok(None);
        }
        view.read(index, &dst, |e| list_of(e).map(drop))?;
        let popped = view.update(index, &src, |slot| pop_step(slot, from, 1))?;
        let Some(element) = popped.and_then(|mut p| p.pop()) else {
            // Emptied by another client since the read (strategies
            // without atomic multi-key steps).
            return Ok(None);
        };
        let one = std::slice::from_ref(&element);
        match view.update(index, &dst, |slot| {
            push_step(slot, Place::End(to), one, true)
        }) {
            Ok(_) => Ok(Some(element)),
            Err(e) => {
                // `dst` took another type since it was checked (strategies
                // without atomic multi-key steps): the element goes back
                // where it came from rather than being lost (into a new
                // list, with no TTL, if the pop emptied the source).
                let back = view.update(index, &src, |slot| {
                    push_step(slot, Place::End(from), one, true)
                });
                back.and(Err(e))
            }
        }
    })
    .await
}

/// `LMOVE` of a list onto itself: the element taken off `from` goes back
/// at `to` in the same step, and the list is never seen empty (a one-element
/// list keeps its key and TTL).
fn rotate_step(slot: &mut Slot<'_>, from: End, to: End) -> Result<Option<Bytes>, Error> {
    if list_of(slot.entry())?.is_none_or(|list| list.is_empty()) {
        return Ok(None);
    }
    let Some(Value::List(list)) = slot.value_mut() else {
        return Ok(None);
    };
    let Some(element) = take(list, from, 1).pop() else {
        return Ok(None);
    };
    push_step(slot, Place::End(to), std::slice::from_ref(&element), true)?;
    Ok(Some(element))
}

/// `LMOVE` and `RPOPLPUSH` as commands.
async fn run_lmove<D: Store>(
    cx: &mut Ctx<'_, D>,
    src: Bytes,
    dst: Bytes,
    from: End,
    to: End,
) -> Result<(), Error> {
    let kept = cx
        .notifies(notify::LIST)
        .then(|| (src.clone(), dst.clone()));
    let moved = lmove(cx.db, cx.selected, stored(src), stored(dst), from, to).await?;
    if moved.is_some()
        && let Some((src, dst)) = kept
    {
        // Redis's order: the push, then the pop (and the source's `del`).
        cx.notify(notify::LIST, to.push_event(), &dst);
        cx.notify_taken(notify::LIST, from.pop_event(), Some(src))
            .await;
    }
    cx.reply.bulk_or_null(moved.as_deref());
    Ok(())
}

/// `LMOVE source destination LEFT|RIGHT LEFT|RIGHT`
pub struct LMove;

impl Command for LMove {
    const SPEC: Spec = Spec {
        name: "lmove",
        arity: 5,
        flags: &["write", "denyoom"],
        keys: (1, 2, 1),
        acl: &["@write", "@list", "@slow"],
        summary: "Moves one element from an end of a list to an end of another (or the same) list.",
        since: "6.2.0",
        group: "list",
        complexity: "O(1)",
        args: &[
            arg!("source", Key),
            arg!("destination", Key),
            arg!("wherefrom", OneOf, args: &[
                token!("left", "LEFT"),
                token!("right", "RIGHT"),
            ]),
            arg!("whereto", OneOf, args: &[
                token!("left", "LEFT"),
                token!("right", "RIGHT"),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (src, dst) = (args.required()?, args.required()?);
        let from = End::parse(&args.required()?)?;
        let to = End::parse(&args.required()?)?;
        run_lmove(cx, src, dst, from, to).await
    }
}

/// `RPOPLPUSH source destination`
pub struct RPopLPush;

impl Command for RPopLPush {
    const SPEC: Spec = Spec {
        name: "rpoplpush",
        arity: 3,
        flags: &["write", "denyoom"],
        keys: (1, 2, 1),
        acl: &["@write", "@list", "@slow"],
        summary: "Moves the last element of a list to the head of another (LMOVE RIGHT LEFT's older name).",
        since: "1.2.0",
        group: "list",
        complexity: "O(1)",
        args: &[arg!("source", Key), arg!("destination", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (src, dst) = (args.required()?, args.required()?);
        run_lmove(cx, src, dst, End::Right, End::Left).await
    }
}

// ---------------------------------------------------------------- reads

/// `LLEN`, typed: the list's length, 0 if the key is absent.
pub async fn llen<D: Store>(db: &D, index: DbIndex, key: &Bytes) -> Result<usize, Error> {
    db.read(index, key, |e| Ok(list_of(e)?.map_or(0, List::len)))
        .await
}

/// `LLEN key`
pub struct LLen;

impl Command for LLen {
    const SPEC: Spec = Spec {
        name: "llen",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@list", "@fast"],
        summary: "Returns the number of elements in a list.",
        since: "1.0.0",
        group: "list",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let len = llen(cx.db, cx.selected, &key).await?;
        cx.reply.count(len);
        Ok(())
    }
}

/// `LRANGE`, typed: the elements from `start` to `stop` inclusive
/// (negative: from the end), clamped to the list; none if the key is
/// absent.
pub async fn lrange<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    start: i64,
    stop: i64,
) -> Result<Vec<Bytes>, Error> {
    db.read(index, key, move |e| {
        let Some(list) = list_of(e)? else {
            return Ok(Vec::new());
        };
        Ok(match span(list.len(), start, stop) {
            Some((start, stop)) => list.range(start..=stop).cloned().collect(),
            None => Vec::new(),
        })
    })
    .await
}

/// `LRANGE key start stop`
pub struct LRange;

impl Command for LRange {
    const SPEC: Spec = Spec {
        name: "lrange",
        arity: 4,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@list", "@slow"],
        summary: "Returns the elements of a list between two positions.",
        since: "1.0.0",
        group: "list",
        complexity: "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
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
        let elements = lrange(cx.db, cx.selected, &key, start, stop).await?;
        write_elements(&mut cx.reply, &elements);
        Ok(())
    }
}

/// `LINDEX`, typed: the element at `at` (negative: from the end),
/// `None` past either end or if the key is absent.
pub async fn lindex<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    at: i64,
) -> Result<Option<Bytes>, Error> {
    db.read(index, key, move |e| {
        Ok(list_of(e)?.and_then(|list| list.get(position(list.len(), at)?).cloned()))
    })
    .await
}

/// `LINDEX key index`
pub struct LIndex;

impl Command for LIndex {
    const SPEC: Spec = Spec {
        name: "lindex",
        arity: 3,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@list", "@slow"],
        summary: "Returns the element at a position of a list.",
        since: "1.0.0",
        group: "list",
        complexity: "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
        args: &[arg!("key", Key), arg!("index", Integer)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        // Redis looks the key up before it reads the index: an absent key
        // is nil and another type WRONGTYPE, whatever the index says.
        let at = parse_i64(&args.required()?);
        let element = cx
            .db
            .read(cx.selected, &key, move |e| {
                let Some(list) = list_of(e)? else {
                    return Ok(None);
                };
                let at = at.ok_or(Error::NOT_AN_INTEGER)?;
                Ok::<_, Error>(position(list.len(), at).and_then(|i| list.get(i).cloned()))
            })
            .await?;
        cx.reply.bulk_or_null(element.as_deref());
        Ok(())
    }
}

/// `LPOS`'s options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LposOptions {
    /// `RANK`: which match to start from, 1 the first; negative counts
    /// matches from the tail. Never 0.
    pub rank: i64,
    /// `COUNT`: how many matches to answer, 0 for all; `None` answers one
    /// position (or nil) instead of an array.
    pub count: Option<i64>,
    /// `MAXLEN`: how many elements to compare at most, 0 for all.
    pub maxlen: i64,
}

impl Default for LposOptions {
    fn default() -> Self {
        LposOptions {
            rank: 1,
            count: None,
            maxlen: 0,
        }
    }
}

/// The positions of the matches `LPOS` answers: at most one without
/// `COUNT`. Redis's loop, with its arithmetic: a `RANK` of `i64::MIN`
/// stays negative when negated (C's overflow wraps), so it counts from the
/// tail, takes the first match and ignores `COUNT`, as redis-server 7.0
/// does.
fn lpos_in(list: &List, element: &[u8], opts: LposOptions) -> Vec<i64> {
    let (mut rank, backward) = if opts.rank < 0 {
        (opts.rank.wrapping_neg(), true)
    } else {
        (opts.rank, false)
    };
    if rank == 0 {
        rank = 1;
    }
    let len = list.len();
    let limit = usize::try_from(opts.maxlen)
        .ok()
        .filter(|&n| n > 0)
        .unwrap_or(usize::MAX);
    let elements: Box<dyn Iterator<Item = &Bytes>> = if backward {
        Box::new(list.iter().rev())
    } else {
        Box::new(list.iter())
    };
    let mut found = Vec::new();
    let mut matches: i64 = 0;
    for (i, e) in elements.take(limit).enumerate() {
        if e != element {
            continue;
        }
        matches = matches.wrapping_add(1);
        if matches < rank {
            continue;
        }
        let at = if backward { len - i - 1 } else { i };
        found.push(i64::try_from(at).unwrap_or(i64::MAX));
        match opts.count {
            None => break,
            Some(count) if count != 0 && matches.wrapping_sub(rank).wrapping_add(1) >= count => {
                break;
            }
            Some(_) => {}
        }
    }
    found
}

/// `LPOS`, typed: the positions (from the head) of the matches of
/// `element` that `opts` asks for; none if the key is absent.
pub async fn lpos<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    element: Bytes,
    opts: LposOptions,
) -> Result<Vec<i64>, Error> {
    db.read(index, key, move |e| {
        Ok(list_of(e)?.map_or_else(Vec::new, |list| lpos_in(list, &element, opts)))
    })
    .await
}

/// `LPOS`'s options, in Redis's order of checks: each value as it comes,
/// a repeated option overriding the earlier one, an option without a
/// value a syntax error.
fn parse_lpos_options(mut args: Args) -> Result<LposOptions, Error> {
    let mut opts = LposOptions::default();
    while let Some(word) = args.next() {
        let has_value = !args.is_empty();
        if is_option(&word, "RANK") && has_value {
            let rank = args.int()?;
            if rank == 0 {
                return Err(RANK_ZERO);
            }
            opts.rank = rank;
        } else if is_option(&word, "COUNT") && has_value {
            let count = args.next().and_then(|w| parse_i64(&w));
            opts.count = Some(count.filter(|n| *n >= 0).ok_or(COUNT_NEGATIVE)?);
        } else if is_option(&word, "MAXLEN") && has_value {
            let maxlen = args.next().and_then(|w| parse_i64(&w));
            opts.maxlen = maxlen.filter(|n| *n >= 0).ok_or(MAXLEN_NEGATIVE)?;
        } else {
            return Err(Error::SYNTAX);
        }
    }
    Ok(opts)
}

/// `LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]`
pub struct LPos;

impl Command for LPos {
    const SPEC: Spec = Spec {
        name: "lpos",
        arity: -3,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@list", "@slow"],
        summary: "Returns the positions of the elements of a list equal to a given one.",
        since: "6.0.6",
        group: "list",
        complexity: "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
        args: &[
            arg!("key", Key),
            arg!("element", String),
            arg!("rank", Integer, token: Some("RANK"), optional: true),
            arg!("num-matches", Integer, token: Some("COUNT"), optional: true),
            arg!("len", Integer, token: Some("MAXLEN"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, element) = (args.required()?, args.required()?);
        let opts = parse_lpos_options(args)?;
        let found = lpos(cx.db, cx.selected, &key, element, opts).await?;
        if opts.count.is_some() {
            cx.reply.array(found.len());
            for at in found {
                cx.reply.int(at);
            }
        } else {
            match found.first() {
                Some(&at) => cx.reply.int(at),
                None => cx.reply.null(),
            }
        }
        Ok(())
    }
}

// ------------------------------------------------------ in-place writes

/// `LSET`, typed: replaces the element at `at` (negative: from the end).
/// `ERR no such key` if the key is absent, `ERR index out of range` past
/// either end. `key` and `element` are stored as given (see [`stored`]).
pub async fn lset<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    at: i64,
    element: Bytes,
) -> Result<(), Error> {
    db.update(index, &key, move |slot| lset_step(slot, Some(at), &element))
        .await
}

/// The step of `LSET`, in Redis's order: the key, its type, then the index
/// (`None`: it was not an integer).
fn lset_step(slot: &mut Slot<'_>, at: Option<i64>, element: &Bytes) -> Result<(), Error> {
    let list = list_of(slot.entry())?.ok_or(Error::NO_SUCH_KEY)?;
    let at = at.ok_or(Error::NOT_AN_INTEGER)?;
    let i = position(list.len(), at).ok_or(INDEX_OUT_OF_RANGE)?;
    if let Some(Value::List(list)) = slot.value_mut()
        && let Some(place) = list.get_mut(i)
    {
        *place = element.clone();
    }
    Ok(())
}

/// `LSET key index element`
pub struct LSet;

impl Command for LSet {
    const SPEC: Spec = Spec {
        name: "lset",
        arity: 4,
        flags: &["write", "denyoom"],
        keys: (1, 1, 1),
        acl: &["@write", "@list", "@slow"],
        summary: "Replaces the element at a position of a list.",
        since: "1.0.0",
        group: "list",
        complexity: "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
        args: &[
            arg!("key", Key),
            arg!("index", Integer),
            arg!("element", String),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = stored(args.required()?);
        let at = parse_i64(&args.required()?);
        let element = stored(args.required()?);
        let kept = cx.keep(notify::LIST, &key);
        cx.db
            .update(cx.selected, &key, move |slot| lset_step(slot, at, &element))
            .await?;
        if let Some(key) = kept {
            cx.notify(notify::LIST, "lset", &key);
        }
        cx.reply.ok();
        Ok(())
    }
}

/// `LINSERT`, typed: puts `element` before (or, with `after`, after) the
/// first element equal to `pivot`; the list's new length, -1 if no element
/// is `pivot`, 0 if the key is absent. `key` and `element` are stored as
/// given (see [`stored`]).
pub async fn linsert<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    after: bool,
    pivot: Bytes,
    element: Bytes,
) -> Result<i64, Error> {
    db.update(index, &key, move |slot| {
        let Some(list) = list_of(slot.entry())? else {
            return Ok(0);
        };
        let Some(at) = list.iter().position(|e| *e == pivot) else {
            return Ok(-1);
        };
        let at = if after { at + 1 } else { at };
        let len = push_step(slot, Place::At(at), std::slice::from_ref(&element), false)?;
        Ok(len.map_or(0, |n| i64::try_from(n).unwrap_or(i64::MAX)))
    })
    .await
}

/// `LINSERT key BEFORE|AFTER pivot element`
pub struct LInsert;

impl Command for LInsert {
    const SPEC: Spec = Spec {
        name: "linsert",
        arity: 5,
        flags: &["write", "denyoom"],
        keys: (1, 1, 1),
        acl: &["@write", "@list", "@slow"],
        summary: "Inserts an element before or after the first occurrence of another in a list.",
        since: "2.2.0",
        group: "list",
        complexity: "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
        args: &[
            arg!("key", Key),
            arg!("where", OneOf, args: &[
                token!("before", "BEFORE"),
                token!("after", "AFTER"),
            ]),
            arg!("pivot", String),
            arg!("element", String),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = stored(args.required()?);
        let word = args.required()?;
        let after = if is_option(&word, "AFTER") {
            true
        } else if is_option(&word, "BEFORE") {
            false
        } else {
            return Err(Error::SYNTAX);
        };
        let (pivot, element) = (args.required()?, stored(args.required()?));
        let kept = cx.keep(notify::LIST, &key);
        let len = linsert(cx.db, cx.selected, key, after, pivot, element).await?;
        if len > 0
            && let Some(key) = kept
        {
            cx.notify(notify::LIST, "linsert", &key);
        }
        cx.reply.int(len);
        Ok(())
    }
}

/// `LREM`, typed: removes the first `count` elements equal to `element`
/// from the head (negative: from the tail; 0: all of them); how many it
/// removed. An emptied list removes its key. `key` is stored if elements
/// stay (see [`stored`]).
pub async fn lrem<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    count: i64,
    element: Bytes,
) -> Result<usize, Error> {
    db.update(index, &key, move |slot| {
        let Some(list) = list_of(slot.entry())? else {
            return Ok(0);
        };
        let matches = list.iter().filter(|e| **e == element).count();
        if matches == 0 {
            return Ok(0);
        }
        let limit = match count {
            0 => matches,
            n => usize::try_from(n.unsigned_abs()).map_or(matches, |n| n.min(matches)),
        };
        // From the tail, the first `matches - limit` matches from the head
        // stay.
        let mut skip = if count < 0 { matches - limit } else { 0 };
        let mut removed = 0;
        let Some(Value::List(list)) = slot.value_mut() else {
            return Ok(0);
        };
        list.retain(|e| {
            if removed == limit || *e != element {
                return true;
            }
            if skip > 0 {
                skip -= 1;
                return true;
            }
            removed += 1;
            false
        });
        if list.is_empty() {
            slot.remove();
        }
        Ok(removed)
    })
    .await
}

/// `LREM key count element`
pub struct LRem;

impl Command for LRem {
    const SPEC: Spec = Spec {
        name: "lrem",
        arity: 4,
        flags: &["write"],
        keys: (1, 1, 1),
        acl: &["@write", "@list", "@slow"],
        summary: "Removes elements equal to a given one from a list.",
        since: "1.0.0",
        group: "list",
        complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
        args: &[
            arg!("key", Key),
            arg!("count", Integer),
            arg!("element", String),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        // Copied: removing some elements is a write that keeps the key.
        let key = stored(args.required()?);
        let count = args.int()?;
        let element = args.required()?;
        let kept = cx.keep(notify::LIST, &key);
        let removed = lrem(cx.db, cx.selected, key, count, element).await?;
        if removed > 0 {
            cx.notify_taken(notify::LIST, "lrem", kept).await;
        }
        cx.reply.count(removed);
        Ok(())
    }
}

/// `LTRIM`, typed: keeps only the elements from `start` to `stop`
/// inclusive (as [`lrange`] reads them); an empty range removes the key.
/// `key` is stored if elements stay (see [`stored`]).
pub async fn ltrim<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    start: i64,
    stop: i64,
) -> Result<(), Error> {
    db.update(index, &key, move |slot| {
        let Some(list) = list_of(slot.entry())? else {
            return Ok(());
        };
        let len = list.len();
        let Some((start, stop)) = span(len, start, stop) else {
            slot.remove();
            return Ok(());
        };
        if start == 0 && stop + 1 == len {
            return Ok(());
        }
        if let Some(Value::List(list)) = slot.value_mut() {
            list.truncate(stop + 1);
            list.drain(..start);
        }
        Ok(())
    })
    .await
}

/// `LTRIM key start stop`
pub struct LTrim;

impl Command for LTrim {
    const SPEC: Spec = Spec {
        name: "ltrim",
        arity: 4,
        flags: &["write"],
        keys: (1, 1, 1),
        acl: &["@write", "@list", "@slow"],
        summary: "Keeps only the elements of a list between two positions.",
        since: "1.0.0",
        group: "list",
        complexity: "O(N) where N is the number of elements to be removed by the operation.",
        args: &[
            arg!("key", Key),
            arg!("start", Integer),
            arg!("stop", Integer),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        // Copied: trimming some elements is a write that keeps the key.
        let key = stored(args.required()?);
        let (start, stop) = (args.int()?, args.int()?);
        // With events on: whether there was a list to trim.
        let existed = match cx.keep(notify::LIST, &key) {
            Some(probe) => cx.db.read(cx.selected, &probe, |e| e.is_some()).await,
            None => false,
        };
        let kept = existed.then(|| key.clone());
        ltrim(cx.db, cx.selected, key, start, stop).await?;
        cx.notify_taken(notify::LIST, "ltrim", kept).await;
        cx.reply.ok();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ranges read as Redis reads them, with no overflow at the ends of i64.
    #[test]
    fn spans_follow_redis() {
        assert_eq!(span(5, 0, -1), Some((0, 4)));
        assert_eq!(span(5, -2, -1), Some((3, 4)));
        assert_eq!(span(5, 3, 1), None);
        assert_eq!(span(5, 5, 10), None);
        assert_eq!(span(5, -100, 0), Some((0, 0)));
        assert_eq!(span(5, i64::MIN, i64::MAX), Some((0, 4)));
        assert_eq!(span(5, 1, i64::MIN), None);
        assert_eq!(span(0, 0, -1), None);
        assert_eq!(position(3, -1), Some(2));
        assert_eq!(position(3, -4), None);
        assert_eq!(position(3, i64::MIN), None);
        assert_eq!(position(3, i64::MAX), None);
    }

    /// LPOS's loop matches redis-server 7.0's answers, RANK i64::MIN included.
    #[test]
    fn lpos_matches_redis() {
        let list: List = ["a", "b", "c", "a", "b", "a", "1", "2"]
            .into_iter()
            .map(|s| Bytes::from_static(s.as_bytes()))
            .collect();
        let at = |rank, count, maxlen| {
            lpos_in(
                &list,
                b"a",
                LposOptions {
                    rank,
                    count,
                    maxlen,
                },
            )
        };
        assert_eq!(at(1, None, 0), [0]);
        assert_eq!(at(i64::MIN, None, 0), [5]);
        assert_eq!(at(-i64::MAX, None, 0), Vec::<i64>::new());
        assert_eq!(at(1, Some(0), 0), [0, 3, 5]);
        assert_eq!(at(-1, Some(2), 0), [5, 3]);
        assert_eq!(at(2, Some(0), 0), [3, 5]);
        assert_eq!(at(1, Some(0), 3), [0]);
        assert_eq!(at(-1, Some(0), 2), Vec::<i64>::new());
        assert_eq!(at(i64::MIN, Some(1), 0), [5, 3, 0]);
        assert_eq!(at(i64::MIN, Some(1), 3), [5]);
        assert_eq!(at(3, Some(1), 0), [5]);
        assert_eq!(at(-3, Some(5), 0), [0]);
    }
}

//! The hash family: `HSET`, `HSETNX`, `HMSET`, `HGET`, `HMGET`, `HDEL`,
//! `HLEN`, `HSTRLEN`, `HEXISTS`, `HKEYS`, `HVALS`, `HGETALL`, `HINCRBY`,
//! `HINCRBYFLOAT`, `HRANDFIELD` and `HSCAN`. Redis keeps these in
//! `t_hash.c`.
//!
//! A hash is [`Value::Hash`]; a step changes it in place through
//! `slot.value_mut()` where the strategy lends the stored entry, and an
//! emptied hash removes its key, as in Redis. A step that can fail decides
//! before it writes, so an error leaves no empty hash behind.
//!
//! The fields of a hash come back in the map's order (`HKEYS`, `HVALS`,
//! `HGETALL`, `HSCAN`, the whole hash from `HRANDFIELD`), where Redis's
//! small hashes (listpack) keep insertion order: the same fields, in
//! another order (insertion order until a field is deleted: [`Hash`]
//! fills the hole with its last field).
//!
//! The map reaches a field by position in O(1), so `HRANDFIELD` costs O(1)
//! a field picked, and `HSCAN` pages a big hash by position
//! (`scan_page`, shared with `SSCAN`).

use bytes::Bytes;
use rand::Rng;
use sharedkv_db::{DbIndex, Entry, Hash, Slot, Store, Value, parse_i64};

use crate::keyspace::{ScanOptions, encoding, parse_cursor, parse_scan_options};
use crate::strings::float::LongDouble;
use crate::strings::is_option;
use crate::{Args, Command, Ctx, Error, Spec, Thresholds, arg, glob, notify, stored, token};

/// `HINCRBY` on a field that holds no integer.
const NOT_AN_INTEGER_FIELD: Error = Error::Fixed("ERR hash value is not an integer");
/// `HINCRBYFLOAT` on a field that holds no float.
const NOT_A_FLOAT_FIELD: Error = Error::Fixed("ERR hash value is not a float");
/// `HINCRBYFLOAT` by an infinite increment.
const NAN_OR_INFINITY: Error = Error::Fixed("ERR value is NaN or Infinity");
/// `HINCRBYFLOAT` whose sum is not finite.
const WOULD_BE_INFINITE: Error = Error::Fixed("ERR increment would produce NaN or Infinity");

/// The hash stored in a slot: `None` if the key is absent, `WRONGTYPE` if
/// it holds another type.
fn hash_of(entry: Option<&Entry>) -> Result<Option<&Hash>, Error> {
    match entry.map(|e| &e.value) {
        None => Ok(None),
        Some(Value::Hash(hash)) => Ok(Some(hash)),
        Some(_) => Err(Error::WRONG_TYPE),
    }
}

/// The hash of a slot, to change in place; an absent key gets an empty
/// hash, so call this only once the step is sure to write. `WRONGTYPE`
/// (checked before anything is touched) if the key holds another type.
fn hash_mut<'s>(slot: &'s mut Slot<'_>) -> Result<&'s mut Hash, Error> {
    hash_of(slot.entry())?;
    if !slot.exists() {
        slot.put(Entry::new(Value::Hash(Box::default())));
    }
    match slot.value_mut() {
        Some(Value::Hash(hash)) => Ok(hash),
        _ => Err(Error::WRONG_TYPE),
    }
}

/// The field/value pairs of `HSET` and `HMSET`, copied for the store; the
/// arity error unless there is at least one whole pair.
fn field_value_pairs(args: Args) -> Result<Vec<(Bytes, Bytes)>, Error> {
    let arity = args.arity();
    let words = args.rest();
    if words.is_empty() || !words.len().is_multiple_of(2) {
        return Err(arity);
    }
    let mut words = words.into_iter();
    let mut pairs = Vec::with_capacity(words.len() / 2);
    while let (Some(field), Some(value)) = (words.next(), words.next()) {
        pairs.push((stored(field), stored(value)));
    }
    Ok(pairs)
}

// ------------------------------------------------------------ HSET, HMSET

/// `HSET key field value [field value ...]`
pub struct HSet;

impl Command for HSet {
    const SPEC: Spec = Spec {
        name: "hset",
        arity: -4,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@hash", "@fast"],
        summary: "Sets fields of a hash, creating it if needed.",
        since: "2.0.0",
        group: "hash",
        complexity: "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
        args: &[
            arg!("key", Key),
            arg!("field_value", Block, multiple: true, args: &[
                arg!("field", String),
                arg!("value", String),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let pairs = field_value_pairs(args)?;
        let kept = cx.keep(notify::HASH, &key);
        let added = hset(cx.db, cx.selected, stored(key), pairs).await?;
        if let Some(key) = kept {
            cx.notify(notify::HASH, "hset", &key);
        }
        cx.reply.count(added);
        Ok(())
    }
}

/// `HSET`, typed: how many fields were new. A field named twice takes the
/// later value. `key` and the pairs are stored as given: pass them through
/// [`stored`] if they come from a request.
pub async fn hset<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    pairs: Vec<(Bytes, Bytes)>,
) -> Result<usize, Error> {
    db.update(index, &key, move |slot: &mut Slot<'_>| {
        let hash = hash_mut(slot)?;
        let added = pairs
            .iter()
            .filter(|(field, value)| hash.insert(field.clone(), value.clone()).is_none())
            .count();
        Ok(added)
    })
    .await
}

/// `HMSET key field value [field value ...]`: `HSET` answering `+OK`
/// (deprecated in Redis since 4.0, still served).
pub struct HMSet;

impl Command for HMSet {
    const SPEC: Spec = Spec {
        name: "hmset",
        arity: -4,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@hash", "@fast"],
        summary: "Sets fields of a hash (HSET's older form, answering OK).",
        since: "2.0.0",
        group: "hash",
        complexity: "O(N) where N is the number of fields being set.",
        args: &[
            arg!("key", Key),
            arg!("field_value", Block, multiple: true, args: &[
                arg!("field", String),
                arg!("value", String),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let pairs = field_value_pairs(args)?;
        let kept = cx.keep(notify::HASH, &key);
        hset(cx.db, cx.selected, stored(key), pairs).await?;
        if let Some(key) = kept {
            cx.notify(notify::HASH, "hset", &key);
        }
        cx.reply.ok();
        Ok(())
    }
}

/// `HSETNX key field value`
pub struct HSetNx;

impl Command for HSetNx {
    const SPEC: Spec = Spec {
        name: "hsetnx",
        arity: 4,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@hash", "@fast"],
        summary: "Sets one field of a hash only if the field does not exist.",
        since: "2.0.0",
        group: "hash",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("field", String),
            arg!("value", String),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, field, value) = (args.required()?, args.required()?, args.required()?);
        let kept = cx.keep(notify::HASH, &key);
        let set = hsetnx(
            cx.db,
            cx.selected,
            stored(key),
            stored(field),
            stored(value),
        )
        .await?;
        if set && let Some(key) = kept {
            cx.notify(notify::HASH, "hset", &key);
        }
        cx.reply.int(i64::from(set));
        Ok(())
    }
}

/// `HSETNX`, typed: whether the field was set (it did not exist). Stored
/// as given, as [`hset`].
pub async fn hsetnx<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    field: Bytes,
    value: Bytes,
) -> Result<bool, Error> {
    db.update(index, &key, move |slot: &mut Slot<'_>| {
        if hash_of(slot.entry())?.is_some_and(|h| h.contains_key(&field)) {
            return Ok(false);
        }
        hash_mut(slot)?.insert(field.clone(), value.clone());
        Ok(true)
    })
    .await
}

// ------------------------------------------------------------ HGET, HMGET

/// `HGET key field`
pub struct HGet;

impl Command for HGet {
    const SPEC: Spec = Spec {
        name: "hget",
        arity: 3,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@hash", "@fast"],
        summary: "Returns the value of one field of a hash.",
        since: "2.0.0",
        group: "hash",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("field", String)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, field) = (args.required()?, args.required()?);
        let value = hget(cx.db, cx.selected, &key, field).await?;
        cx.reply.bulk_shared_or_null(value.as_ref());
        Ok(())
    }
}

/// `HGET`, typed: the value of `field`, `None` if the hash or the field is
/// absent.
pub async fn hget<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    field: Bytes,
) -> Result<Option<Bytes>, Error> {
    db.read(index, key, move |e| {
        Ok(hash_of(e)?.and_then(|h| h.get(&field).cloned()))
    })
    .await
}

/// `HMGET key field [field ...]`
pub struct HMGet;

impl Command for HMGet {
    const SPEC: Spec = Spec {
        name: "hmget",
        arity: -3,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@hash", "@fast"],
        summary: "Returns the values of several fields of a hash.",
        since: "2.0.0",
        group: "hash",
        complexity: "O(N) where N is the number of fields being requested.",
        args: &[arg!("key", Key), arg!("field", String, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let values = hmget(cx.db, cx.selected, &key, args.rest()).await?;
        cx.reply.array(values.len());
        // A field named 10,000 times copies its value 10,000 times into the
        // reply (the values themselves are shared handles): stop at the
        // output limit, as MGET does.
        for value in &values {
            if cx.reply.over_limit() {
                cx.reply.cut_off();
                return Ok(());
            }
            cx.reply.bulk_shared_or_null(value.as_ref());
        }
        Ok(())
    }
}

/// `HMGET`, typed: one answer per field, in order, `None` for a field (or
/// a hash) that is absent.
pub async fn hmget<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    fields: Vec<Bytes>,
) -> Result<Vec<Option<Bytes>>, Error> {
    db.read(index, key, move |e| {
        let hash = hash_of(e)?;
        Ok(fields
            .iter()
            .map(|f| hash.and_then(|h| h.get(f).cloned()))
            .collect())
    })
    .await
}

// ------------------------------------------------------------------ HDEL

/// `HDEL key field [field ...]`
pub struct HDel;

impl Command for HDel {
    const SPEC: Spec = Spec {
        name: "hdel",
        arity: -3,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@hash", "@fast"],
        summary: "Removes fields from a hash.",
        since: "2.0.0",
        group: "hash",
        complexity: "O(N) where N is the number of fields to be removed.",
        args: &[arg!("key", Key), arg!("field", String, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        // Copied: removing some fields is a write that keeps the key.
        let key = stored(args.required()?);
        let fields = args.rest();
        let (removed, emptied) = cx
            .db
            .update(cx.selected, &key, move |slot| {
                if hash_of(slot.entry())?.is_none() {
                    return Ok((0, false));
                }
                let Some(Value::Hash(hash)) = slot.value_mut() else {
                    return Ok((0, false));
                };
                let removed = fields
                    .iter()
                    .filter(|f| hash.swap_remove(*f).is_some())
                    .count();
                let emptied = hash.is_empty();
                if emptied {
                    slot.remove();
                }
                Ok::<_, Error>((removed, emptied))
            })
            .await?;
        if removed > 0 {
            cx.notify(notify::HASH, "hdel", &key);
            if emptied {
                cx.notify(notify::GENERIC, "del", &key);
            }
        }
        cx.reply.count(removed);
        Ok(())
    }
}

// --------------------------------------------------- HLEN, HSTRLEN, HEXISTS

/// `HLEN key`
pub struct HLen;

impl Command for HLen {
    const SPEC: Spec = Spec {
        name: "hlen",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@hash", "@fast"],
        summary: "Returns the number of fields in a hash.",
        since: "2.0.0",
        group: "hash",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let n = cx
            .db
            .read(cx.selected, &key, |e| {
                Ok::<_, Error>(hash_of(e)?.map_or(0, |h| h.len()))
            })
            .await?;
        cx.reply.count(n);
        Ok(())
    }
}

/// `HSTRLEN key field`
pub struct HStrLen;

impl Command for HStrLen {
    const SPEC: Spec = Spec {
        name: "hstrlen",
        arity: 3,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@hash", "@fast"],
        summary: "Returns the length in bytes of the value of one field of a hash.",
        since: "3.2.0",
        group: "hash",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("field", String)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, field) = (args.required()?, args.required()?);
        let len = cx
            .db
            .read(cx.selected, &key, move |e| {
                Ok::<_, Error>(
                    hash_of(e)?
                        .and_then(|h| h.get(&field))
                        .map_or(0, Bytes::len),
                )
            })
            .await?;
        cx.reply.count(len);
        Ok(())
    }
}

/// `HEXISTS key field`
pub struct HExists;

impl Command for HExists {
    const SPEC: Spec = Spec {
        name: "hexists",
        arity: 3,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@hash", "@fast"],
        summary: "Tells whether a hash has a field.",
        since: "2.0.0",
        group: "hash",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("field", String)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, field) = (args.required()?, args.required()?);
        let found = cx
            .db
            .read(cx.selected, &key, move |e| {
                Ok::<_, Error>(hash_of(e)?.is_some_and(|h| h.contains_key(&field)))
            })
            .await?;
        cx.reply.int(i64::from(found));
        Ok(())
    }
}

// ------------------------------------------------ HGETALL, HKEYS, HVALS

/// `HGETALL key`
pub struct HGetAll;

impl Command for HGetAll {
    const SPEC: Spec = Spec {
        name: "hgetall",
        arity: 2,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@hash", "@slow"],
        summary: "Returns every field and value of a hash.",
        since: "2.0.0",
        group: "hash",
        complexity: "O(N) where N is the size of the hash.",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let pairs = hgetall(cx.db, cx.selected, &key).await?;
        cx.reply.map(pairs.len());
        for (field, value) in &pairs {
            cx.reply.bulk(field);
            cx.reply.bulk_shared(value);
        }
        Ok(())
    }
}

/// `HGETALL`, typed: every field and its value, in the map's order; empty
/// for an absent key.
pub async fn hgetall<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
) -> Result<Vec<(Bytes, Bytes)>, Error> {
    db.read(index, key, |e| {
        Ok(hash_of(e)?.map_or_else(Vec::new, |h| {
            h.iter().map(|(f, v)| (f.clone(), v.clone())).collect()
        }))
    })
    .await
}

/// `HKEYS` and `HVALS`: the fields, or the values, as an array.
async fn hkeys_or_vals<D: Store>(
    cx: &mut Ctx<'_, D>,
    mut args: Args,
    keys: bool,
) -> Result<(), Error> {
    let key = args.required()?;
    let items = cx
        .db
        .read(cx.selected, &key, move |e| {
            Ok::<_, Error>(hash_of(e)?.map_or_else(Vec::new, |h| {
                h.iter()
                    .map(|(f, v)| if keys { f.clone() } else { v.clone() })
                    .collect()
            }))
        })
        .await?;
    cx.reply.array(items.len());
    for item in &items {
        cx.reply.bulk_shared(item);
    }
    Ok(())
}

/// `HKEYS key`
pub struct HKeys;

impl Command for HKeys {
    const SPEC: Spec = Spec {
        name: "hkeys",
        arity: 2,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@hash", "@slow"],
        summary: "Returns every field of a hash.",
        since: "2.0.0",
        group: "hash",
        complexity: "O(N) where N is the size of the hash.",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        hkeys_or_vals(cx, args, true).await
    }
}

/// `HVALS key`
pub struct HVals;

impl Command for HVals {
    const SPEC: Spec = Spec {
        name: "hvals",
        arity: 2,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@hash", "@slow"],
        summary: "Returns every value of a hash.",
        since: "2.0.0",
        group: "hash",
        complexity: "O(N) where N is the size of the hash.",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        hkeys_or_vals(cx, args, false).await
    }
}

// ------------------------------------------------ HINCRBY, HINCRBYFLOAT

/// `HINCRBY key field increment`
pub struct HIncrBy;

impl Command for HIncrBy {
    const SPEC: Spec = Spec {
        name: "hincrby",
        arity: 4,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@hash", "@fast"],
        summary: "Adds an integer to the number in one field of a hash.",
        since: "2.0.0",
        group: "hash",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("field", String),
            arg!("increment", Integer),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, field) = (args.required()?, args.required()?);
        // The increment is checked before the key, as Redis checks it.
        let delta = args.int()?;
        let kept = cx.keep(notify::HASH, &key);
        let n = hincr_by(cx.db, cx.selected, stored(key), stored(field), delta).await?;
        if let Some(key) = kept {
            cx.notify(notify::HASH, "hincrby", &key);
        }
        cx.reply.int(n);
        Ok(())
    }
}

/// `HINCRBY`, typed: adds `delta` to the integer in `field` (0 if absent)
/// and returns the sum. `ERR hash value is not an integer` if the field
/// holds anything but the canonical decimal form of an `i64`, and `ERR
/// increment or decrement would overflow` past either end; both leave the
/// hash as it was. Stored as given, as [`hset`].
pub async fn hincr_by<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    field: Bytes,
    delta: i64,
) -> Result<i64, Error> {
    db.update(index, &key, move |slot: &mut Slot<'_>| {
        let old = match hash_of(slot.entry())?.and_then(|h| h.get(&field)) {
            None => 0,
            Some(text) => parse_i64(text).ok_or(NOT_AN_INTEGER_FIELD)?,
        };
        let new = old.checked_add(delta).ok_or(Error::OVERFLOW)?;
        let text = Bytes::copy_from_slice(itoa::Buffer::new().format(new).as_bytes());
        hash_mut(slot)?.insert(field.clone(), text);
        Ok(new)
    })
    .await
}

/// `HINCRBYFLOAT key field increment`
pub struct HIncrByFloat;

impl Command for HIncrByFloat {
    const SPEC: Spec = Spec {
        name: "hincrbyfloat",
        arity: 4,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@hash", "@fast"],
        summary: "Adds a floating-point number to the number in one field of a hash.",
        since: "2.6.0",
        group: "hash",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("field", String),
            arg!("increment", Double),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, field, increment) = (args.required()?, args.required()?, args.required()?);
        let kept = cx.keep(notify::HASH, &key);
        let text =
            hincr_by_float(cx.db, cx.selected, stored(key), stored(field), &increment).await?;
        if let Some(key) = kept {
            cx.notify(notify::HASH, "hincrbyfloat", &key);
        }
        cx.reply.bulk(&text);
        Ok(())
    }
}

/// `HINCRBYFLOAT`, typed: adds the float `increment` (as text, as Redis
/// takes it) to the number in `field` (0 if absent), computing in x87
/// extended precision and formatting as redis-server on x86-64 does (the
/// arithmetic of `INCRBYFLOAT`); the new value's text.
///
/// The increment is judged before the key (`ERR value is not a valid
/// float`; `ERR value is NaN or Infinity` for an infinite one), then the
/// field (`ERR hash value is not a float`), then the sum (`ERR increment
/// would produce NaN or Infinity`). Stored as given, as [`hset`].
pub async fn hincr_by_float<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    field: Bytes,
    increment: &[u8],
) -> Result<Bytes, Error> {
    let increment = match LongDouble::parse(increment) {
        None => return Err(Error::NOT_A_FLOAT),
        Some(LongDouble::Infinite) => return Err(NAN_OR_INFINITY),
        Some(finite) => finite,
    };
    db.update(index, &key, move |slot: &mut Slot<'_>| {
        let current = match hash_of(slot.entry())?.and_then(|h| h.get(&field)) {
            None => LongDouble::ZERO,
            Some(text) => LongDouble::parse(text).ok_or(NOT_A_FLOAT_FIELD)?,
        };
        let sum = current.checked_add(increment).ok_or(WOULD_BE_INFINITE)?;
        let text = Bytes::from(sum.to_text());
        hash_mut(slot)?.insert(field.clone(), text.clone());
        Ok(text)
    })
    .await
}

// ------------------------------------------------------------ HRANDFIELD

/// `HRANDFIELD key [count [WITHVALUES]]`
///
/// Without a count, one random field (nil for an absent key). With a
/// count `n >= 0`, `min(n, size)` distinct fields: the whole hash when `n`
/// covers it (in the map's order), else a uniform sample. With `n < 0`,
/// `|n|` fields drawn independently, so repeats are likely. Such a reply
/// can be far larger than the request (`HRANDFIELD h -1000000000`): it is
/// written as it is drawn and cut off at the client's output limit, as
/// Redis closes a client past its limit.
pub struct HRandField;

impl Command for HRandField {
    const SPEC: Spec = Spec {
        name: "hrandfield",
        arity: -2,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@hash", "@slow"],
        summary: "Returns fields picked at random from a hash, with or without their values.",
        since: "6.2.0",
        group: "hash",
        complexity: "O(N) where N is the number of fields returned",
        args: &[
            arg!("key", Key),
            arg!("options", Block, optional: true, args: &[
                arg!("count", Integer),
                token!("withvalues", "WITHVALUES", optional: true),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let Some(count) = args.next() else {
            let field = cx
                .db
                .read(cx.selected, &key, |e| {
                    Ok::<_, Error>(hash_of(e)?.and_then(|h| {
                        let pick = rand::random_range(0..h.len().max(1));
                        h.get_index(pick).map(|(field, _)| field.clone())
                    }))
                })
                .await?;
            cx.reply.bulk_or_null(field.as_deref());
            return Ok(());
        };
        // Checked in Redis's order: the count, the words after it, the
        // count's range with values, then the key.
        let count = parse_i64(&count).ok_or(Error::NOT_AN_INTEGER)?;
        if count == i64::MIN {
            return Err(Error::Fixed(
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            ));
        }
        let with_values = match (args.next(), args.next()) {
            (None, _) => false,
            (Some(word), None) if is_option(&word, "WITHVALUES") => true,
            _ => return Err(Error::SYNTAX),
        };
        // Redis doubles the count of a reply with values.
        if with_values && count.unsigned_abs() > (i64::MAX / 2).unsigned_abs() {
            return Err(Error::Fixed("ERR value is out of range"));
        }
        let picked = pick_fields(cx.db, cx.selected, &key, count).await?;
        let reply = &mut cx.reply;
        let write_one = |reply: &mut crate::Reply<'_>, (field, value): &(Bytes, Bytes)| {
            if with_values {
                reply.pair();
            }
            reply.bulk(field);
            if with_values {
                reply.bulk(value);
            }
        };
        let (n, pairs, repeat) = match &picked {
            Picked::Chosen(pairs) => (pairs.len(), pairs, false),
            Picked::Repeated(pairs, _) if pairs.is_empty() => (0, pairs, false),
            Picked::Repeated(pairs, n) => (*n, pairs, true),
        };
        if with_values {
            reply.pairs(n);
        } else {
            reply.array(n);
        }
        if !repeat {
            for pair in pairs {
                write_one(reply, pair);
            }
            return Ok(());
        }
        for _ in 0..n {
            if reply.over_limit() {
                reply.cut_off();
                return Ok(());
            }
            if let Some(pair) = pairs.get(rand::random_range(0..pairs.len())) {
                write_one(reply, pair);
            }
        }
        Ok(())
    }
}

/// What `HRANDFIELD` with a count read from the hash.
enum Picked {
    /// The fields to reply, in this order (distinct for a count >= 0).
    Chosen(Vec<(Bytes, Bytes)>),
    /// Every field of the hash, to draw this many from, independently.
    Repeated(Vec<(Bytes, Bytes)>, usize),
}

/// The read of `HRANDFIELD` with a count. For a negative count the hash is
/// copied (shared handles) and the fields drawn as the reply is written:
/// the draws are as many as the client asked, which may be far more than
/// fit in memory.
async fn pick_fields<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    count: i64,
) -> Result<Picked, Error> {
    let wanted = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    db.read(index, key, move |e| {
        let Some(hash) = hash_of(e)? else {
            return Ok(Picked::Chosen(Vec::new()));
        };
        let n = hash.len();
        let pair = |at: usize| hash.get_index(at).map(|(f, v)| (f.clone(), v.clone()));
        let mut rng = rand::rng();
        Ok(if count < 0 && wanted <= n {
            // No more draws than fields: drawn here, O(1) each.
            Picked::Chosen(
                (0..wanted)
                    .filter_map(|_| pair(rng.random_range(0..n)))
                    .collect(),
            )
        } else if count < 0 {
            // More draws than fields: the fields are copied once (shared
            // handles, fewer than the reply's) and drawn from as the
            // reply is written.
            Picked::Repeated(
                hash.iter().map(|(f, v)| (f.clone(), v.clone())).collect(),
                wanted,
            )
        } else if wanted >= n {
            Picked::Chosen(hash.iter().map(|(f, v)| (f.clone(), v.clone())).collect())
        } else {
            // `wanted` is below the hash's size here: the sample is bounded
            // by what is stored, and O(`wanted`) expected (see `rand`'s
            // `index::sample`).
            Picked::Chosen(
                rand::seq::index::sample(&mut rng, n, wanted)
                    .into_iter()
                    .filter_map(pair)
                    .collect(),
            )
        })
    })
    .await
}

/// `HRANDFIELD key count [WITHVALUES]`, typed: fields and their values as
/// the command picks them (see [`HRandField`]). A negative count collects
/// all `|count|` draws: the caller bounds it.
pub async fn hrandfield<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    count: i64,
) -> Result<Vec<(Bytes, Bytes)>, Error> {
    Ok(match pick_fields(db, index, key, count).await? {
        Picked::Chosen(pairs) => pairs,
        Picked::Repeated(pairs, _) if pairs.is_empty() => pairs,
        Picked::Repeated(pairs, n) => (0..n)
            .filter_map(|_| pairs.get(rand::random_range(0..pairs.len())).cloned())
            .collect(),
    })
}

// ----------------------------------------------------------------- HSCAN

/// The positions one call of `HSCAN` or `SSCAN` returns from a collection
/// of `len` elements at `cursor`, and the cursor to answer (0 when the
/// iteration is done).
///
/// A collection ([`Hash`], [`Set`](sharedkv_db::Set)) is a vector of its
/// elements under a hash index, and the cursor is a position in that
/// vector. The scan goes from the top down: cursor `c` (non-zero) means
/// the positions `[0, c)` are still to be returned; a call returns
/// `[c - n, c)` (`n` the `COUNT`, `c` first clamped to `len`) and answers
/// `c - n`. Cursor 0 starts at `len`.
///
/// Why top down: Redis guarantees that a full iteration returns every
/// element present from its start to its end at least once, whatever is
/// added or removed between calls (elements may repeat). Removal here is
/// `swap_remove`: the element at position `i` goes and the last element
/// moves into `i`. The last element sits at the top, so if `i < c` it
/// comes from `[c, len)`, already returned, and may be returned again
/// (allowed); if `i >= c` nothing below `c` moves. An element not yet
/// returned never moves up, so it is still below the cursor when the scan
/// gets there, and a shrinking collection only pulls the top down to
/// `len` (the clamp). Inserts append at the top, where the scan has been
/// (or, after removals, below `c`, where it is going): they may be missed
/// or returned, as Redis allows. A bottom-up scan would lose exactly what
/// this keeps: the last element, not yet returned, moved into a hole the
/// cursor has passed.
///
/// Nothing else reorders a stored collection: an insert of an existing
/// element keeps its position, and nothing calls `shift_remove`, `sort`
/// or `swap_indices` on one. A cursor past the end clamps to it.
pub(crate) fn scan_page(len: usize, cursor: u64, count: usize) -> (std::ops::Range<usize>, u64) {
    let top = match usize::try_from(cursor) {
        Ok(0) | Err(_) => len,
        Ok(c) => c.min(len),
    };
    let bottom = top.saturating_sub(count.max(1));
    // `bottom` is below `len`, a `usize`: it fits a `u64` on every target.
    (bottom..top, u64::try_from(bottom).unwrap_or(0))
}

/// Whether Redis would hold the hash in `entry` as a listpack under
/// `limits` (`OBJECT ENCODING`'s judgement, see [`encoding`]): then
/// `HSCAN` answers it whole, as Redis does.
fn is_listpack(entry: &Entry, limits: &Thresholds) -> bool {
    encoding(&entry.value, limits) == "listpack"
}

/// `HSCAN key cursor [MATCH pattern] [COUNT count]`
///
/// A hash Redis keeps as a listpack (by default at most 512 fields, none
/// and no value over 64 bytes; `CONFIG SET hash-max-listpack-*` changes
/// both) comes whole, every matching field with its value, and
/// the next cursor 0, whatever the cursor and `COUNT`, as in Redis. A
/// bigger one is paged: `COUNT` (default 10) fields a call, from the top
/// of the map down, which keeps Redis's guarantee for a full iteration
/// (see `scan_page`). `MATCH` filters after the page is picked, as in
/// Redis, so a page may be empty with a cursor that is not 0.
///
/// As in Redis, the cursor is checked first (`ERR invalid cursor`), then
/// the key (an absent key is an empty, finished scan; its options are not
/// looked at), then the options; `TYPE` is not one of them.
pub struct HScan;

impl Command for HScan {
    const SPEC: Spec = Spec {
        name: "hscan",
        arity: -3,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@hash", "@slow"],
        summary: "Walks the fields and values of a hash with a cursor.",
        since: "2.8.0",
        group: "hash",
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
        // Parsed now, judged once the key is known to hold a hash.
        let options = parse_scan_options(args, false);
        let limits = cx.settings.thresholds();
        let (next, found) = cx
            .db
            .read(cx.selected, &key, move |e| {
                let Some(hash) = hash_of(e)? else {
                    return Ok((0, Vec::new()));
                };
                let small = e.is_some_and(|e| is_listpack(e, &limits));
                Ok::<_, Error>(scan_hash(hash, small, cursor, options?))
            })
            .await?;
        cx.reply.array(2);
        cx.reply.bulk(itoa::Buffer::new().format(next).as_bytes());
        cx.reply.array(2 * found.len());
        for (field, value) in &found {
            cx.reply.bulk(field);
            cx.reply.bulk(value);
        }
        Ok(())
    }
}

/// One call of `HSCAN` on `hash`: the pairs of the page at `cursor` (the
/// whole hash if it is `small`) whose field matches, and the next cursor.
fn scan_hash(
    hash: &Hash,
    small: bool,
    cursor: u64,
    options: ScanOptions,
) -> (u64, Vec<(Bytes, Bytes)>) {
    let pattern = options.pattern.filter(|p| !glob::matches_everything(p));
    let (range, next) = if small {
        (0..hash.len(), 0)
    } else {
        scan_page(hash.len(), cursor, options.count)
    };
    let found = hash
        .get_range(range)
        .into_iter()
        .flatten()
        .filter(|(field, _)| pattern.as_ref().is_none_or(|p| glob::matches(p, field)))
        .map(|(f, v)| (f.clone(), v.clone()))
        .collect();
    (next, found)
}

/// `HSCAN`, typed: from `cursor` (0 to start), the field/value pairs of one
/// call whose field matches `options.pattern`, and the cursor to continue
/// from (0 when done); a hash that is a listpack under `limits` comes
/// whole. See [`HScan`].
pub async fn hscan<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    cursor: u64,
    options: ScanOptions,
    limits: Thresholds,
) -> Result<(u64, Vec<(Bytes, Bytes)>), Error> {
    db.read(index, key, move |e| {
        let small = e.is_some_and(|e| is_listpack(e, &limits));
        Ok(hash_of(e)?.map_or((0, Vec::new()), |h| scan_hash(h, small, cursor, options)))
    })
    .await
}

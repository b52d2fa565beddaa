//! The hash family, so far the commands that make it a type: `HSET`,
//! `HGET`, `HDEL`, `HLEN`, `HGETALL`, `HEXISTS`. Redis keeps these in
//! `t_hash.c`.
//!
//! A hash is [`Value::Hash`]; a step changes it in place through
//! `slot.value_mut()` where the strategy lends the stored entry, and an
//! emptied hash removes its key, as in Redis.

use bytes::Bytes;
use sharedkv_db::{Db, DbIndex, Entry, Hash, Slot, Value};

use crate::{Args, Command, Ctx, Error, Spec, arg, stored};

/// The hash stored in a slot: `None` if the key is absent, `WRONGTYPE` if
/// it holds another type.
fn hash_of(entry: Option<&Entry>) -> Result<Option<&Hash>, Error> {
    match entry.map(|e| &e.value) {
        None => Ok(None),
        Some(Value::Hash(hash)) => Ok(Some(hash)),
        Some(_) => Err(Error::WRONG_TYPE),
    }
}

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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let arity = args.arity();
        let words = args.rest();
        if words.is_empty() || !words.len().is_multiple_of(2) {
            return Err(arity);
        }
        let pairs: Vec<(Bytes, Bytes)> = words
            .chunks_exact(2)
            .map(|pair| (stored(pair[0].clone()), stored(pair[1].clone())))
            .collect();
        let added = hset(cx.db, cx.selected, stored(key), pairs).await?;
        cx.reply.count(added);
        Ok(())
    }
}

/// `HSET`, typed: how many fields were new.
pub async fn hset<D: Db>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    pairs: Vec<(Bytes, Bytes)>,
) -> Result<usize, Error> {
    db.update(index, &key, move |slot: &mut Slot<'_>| {
        hash_of(slot.entry())?;
        if !slot.exists() {
            slot.put(Entry::new(Value::Hash(Box::default())));
        }
        let Some(Value::Hash(hash)) = slot.value_mut() else {
            return Err(Error::WRONG_TYPE);
        };
        let added = pairs
            .iter()
            .filter(|(field, value)| hash.insert(field.clone(), value.clone()).is_none())
            .count();
        Ok(added)
    })
    .await
}

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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, field) = (args.required()?, args.required()?);
        let value = cx
            .db
            .read(cx.selected, &key, move |e| {
                Ok::<_, Error>(hash_of(e)?.and_then(|h| h.get(&field).cloned()))
            })
            .await?;
        cx.reply.bulk_or_null(value.as_deref());
        Ok(())
    }
}

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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        // Copied: removing some fields is a write that keeps the key.
        let key = stored(args.required()?);
        let fields = args.rest();
        let removed = cx
            .db
            .update(cx.selected, &key, move |slot| {
                if hash_of(slot.entry())?.is_none() {
                    return Ok(0);
                }
                let Some(Value::Hash(hash)) = slot.value_mut() else {
                    return Ok(0);
                };
                let removed = fields.iter().filter(|f| hash.remove(*f).is_some()).count();
                if hash.is_empty() {
                    slot.remove();
                }
                Ok::<_, Error>(removed)
            })
            .await?;
        cx.reply.count(removed);
        Ok(())
    }
}

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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let pairs = cx
            .db
            .read(cx.selected, &key, |e| {
                Ok::<_, Error>(hash_of(e)?.map_or_else(Vec::new, |h| {
                    h.iter().map(|(f, v)| (f.clone(), v.clone())).collect()
                }))
            })
            .await?;
        cx.reply.map(pairs.len());
        for (field, value) in &pairs {
            cx.reply.bulk(field);
            cx.reply.bulk(value);
        }
        Ok(())
    }
}

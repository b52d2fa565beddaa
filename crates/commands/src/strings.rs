//! The string family: `GET`, `SET` and its variants, `MGET`/`MSET`, the
//! counters. Redis keeps these in `t_string.c`.
//!
//! A string is stored as [`Value::Str`], or as [`Value::Int`] when it reads
//! as a decimal `i64` (Redis's `int` encoding), so counters neither parse
//! nor allocate.

use bytes::Bytes;
use sharedkv_db::{Db, DbIndex, Entry, Instant, Keys, ReadKeys, Slot, Value, parse_i64};

use crate::{Args, Command, Ctx, Error, Spec, arg, is, stored, token};

/// A string value as read from the store: its bytes, or its integer form,
/// which the reply formats without allocating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    /// Stored as bytes.
    Bytes(Bytes),
    /// Stored in its integer form.
    Int(i64),
}

impl Text {
    /// The text of a string value; `WRONGTYPE` for another type.
    pub fn of(value: &Value) -> Result<Text, Error> {
        match value {
            Value::Str(bytes) => Ok(Text::Bytes(bytes.clone())),
            Value::Int(n) => Ok(Text::Int(*n)),
            _ => Err(Error::WRONG_TYPE),
        }
    }

    /// The bytes (an integer is formatted).
    pub fn into_bytes(self) -> Bytes {
        match self {
            Text::Bytes(bytes) => bytes,
            Text::Int(n) => Bytes::copy_from_slice(itoa::Buffer::new().format(n).as_bytes()),
        }
    }

    fn write(&self, reply: &mut crate::Reply<'_>) {
        match self {
            Text::Bytes(bytes) => reply.bulk(bytes),
            Text::Int(n) => reply.bulk_int(*n),
        }
    }
}

/// The text stored under a slot's key, if it holds a string.
fn text_of(entry: Option<&Entry>) -> Result<Option<Text>, Error> {
    entry.map(|e| Text::of(&e.value)).transpose()
}

fn write_text(reply: &mut crate::Reply<'_>, text: Option<&Text>) {
    match text {
        Some(text) => text.write(reply),
        None => reply.null(),
    }
}

// ------------------------------------------------------------------ GET

/// `GET key`
pub struct Get;

impl Command for Get {
    const SPEC: Spec = Spec {
        name: "get",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@string", "@fast"],
        summary: "Returns the string stored at a key.",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let text = cx.db.read(cx.selected, &key, text_of).await?;
        write_text(&mut cx.reply, text.as_ref());
        Ok(())
    }
}

/// `GET`, typed: the string at `key`, `None` if absent, `WRONGTYPE` if not a
/// string.
pub async fn get<D: Db>(db: &D, index: DbIndex, key: &Bytes) -> Result<Option<Bytes>, Error> {
    Ok(db.read(index, key, text_of).await?.map(Text::into_bytes))
}

// ------------------------------------------------------------------ SET

/// What `SET` requires of the key before it writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SetCondition {
    /// Write unconditionally.
    #[default]
    Always,
    /// `NX`: only if the key does not exist.
    IfAbsent,
    /// `XX`: only if the key exists.
    IfPresent,
}

/// What `SET` does with the key's time to live.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SetExpiry {
    /// No option: the key becomes persistent.
    #[default]
    Clear,
    /// `KEEPTTL`.
    Keep,
    /// `EX`, `PX`, `EXAT`, `PXAT`: expire at this instant; one already past
    /// writes a key that is gone at once.
    At(Instant),
}

/// The options of one `SET`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetOptions {
    /// `NX` / `XX`.
    pub condition: SetCondition,
    /// `EX` / `PX` / `EXAT` / `PXAT` / `KEEPTTL`.
    pub expiry: SetExpiry,
    /// `GET`: also return the value the key had.
    pub get: bool,
}

/// What a `SET` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetOutcome {
    /// Whether the value was written (`NX`/`XX` may say no).
    pub written: bool,
    /// The previous value; filled only with [`SetOptions::get`].
    pub previous: Option<Bytes>,
}

/// The step of `SET`: a pure function of the slot, so a map that retries
/// may run it again. `WRONGTYPE` only with `GET` on a non-string (a plain
/// `SET` replaces a value of any type, as in Redis).
fn set_step(slot: &mut Slot<'_>, value: &Bytes, opts: &SetOptions) -> Result<SetOutcome, Error> {
    let previous = match (opts.get, slot.value()) {
        (true, Some(v)) => Some(Text::of(v)?.into_bytes()),
        _ => None,
    };
    let allowed = match opts.condition {
        SetCondition::Always => true,
        SetCondition::IfAbsent => !slot.exists(),
        SetCondition::IfPresent => slot.exists(),
    };
    if !allowed {
        return Ok(SetOutcome {
            written: false,
            previous,
        });
    }
    let expires_at = match opts.expiry {
        SetExpiry::Clear => None,
        SetExpiry::Keep => slot.entry().and_then(|e| e.expires_at),
        SetExpiry::At(at) => Some(at),
    };
    if expires_at.is_some_and(|at| at <= slot.now()) {
        // A deadline already past: the key is written and gone at once, as
        // Redis does for `SET ... PXAT <past>`.
        slot.remove();
    } else {
        slot.put(Entry {
            value: Value::string(value.clone()),
            expires_at,
        });
    }
    Ok(SetOutcome {
        written: true,
        previous,
    })
}

/// `SET`, typed. `key` and `value` are stored as given: pass them through
/// [`stored`] if they come from a request.
pub async fn set<D: Db>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    value: Bytes,
    opts: SetOptions,
) -> Result<SetOutcome, Error> {
    db.update(index, &key, move |slot| set_step(slot, &value, &opts))
        .await
}

/// `SET key value [NX|XX] [GET] [EX s|PX ms|EXAT t|PXAT t|KEEPTTL]`
pub struct Set;

impl Command for Set {
    const SPEC: Spec = Spec {
        name: "set",
        arity: -3,
        flags: &["write", "denyoom"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@slow"],
        summary: "Stores a string at a key, with optional conditions and expiry.",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("value", String),
            arg!("condition", OneOf, since: Some("2.6.12"), optional: true, args: &[
                token!("nx", "NX"),
                token!("xx", "XX"),
            ]),
            token!("get", "GET", since: Some("6.2.0"), optional: true),
            arg!("expiration", OneOf, optional: true, args: &[
                arg!("seconds", Integer, token: Some("EX"), since: Some("2.6.12")),
                arg!("milliseconds", Integer, token: Some("PX"), since: Some("2.6.12")),
                arg!("unix-time-seconds", UnixTime, token: Some("EXAT"), since: Some("6.2.0")),
                arg!("unix-time-milliseconds", UnixTime, token: Some("PXAT"), since: Some("6.2.0")),
                token!("keepttl", "KEEPTTL", since: Some("6.0.0")),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, value) = (args.required()?, args.required()?);
        let opts = parse_set_options(args)?;
        let outcome = set(cx.db, cx.selected, stored(key), stored(value), opts).await?;
        if opts.get {
            cx.reply.bulk_or_null(outcome.previous.as_deref());
        } else if outcome.written {
            cx.reply.ok();
        } else {
            cx.reply.null();
        }
        Ok(())
    }
}

/// `SET`'s options, with Redis 7's rules: a repeated option is fine (the
/// last expiry wins), a conflicting one is a syntax error, and the syntax of
/// every option is checked before the expiry's value.
fn parse_set_options(mut args: Args) -> Result<SetOptions, Error> {
    let mut opts = SetOptions::default();
    // The expiry's kind and its unparsed value.
    let mut expiry: Option<(&'static str, Bytes)> = None;
    let mut keep_ttl = false;
    while let Some(word) = args.next() {
        let same_expiry = |kind: &str| expiry.as_ref().is_none_or(|(k, _)| *k == kind);
        if is(&word, "NX") && opts.condition != SetCondition::IfPresent {
            opts.condition = SetCondition::IfAbsent;
        } else if is(&word, "XX") && opts.condition != SetCondition::IfAbsent {
            opts.condition = SetCondition::IfPresent;
        } else if is(&word, "GET") {
            opts.get = true;
        } else if is(&word, "KEEPTTL") && expiry.is_none() {
            keep_ttl = true;
        } else if let Some(kind) = ["EX", "PX", "EXAT", "PXAT"]
            .into_iter()
            .find(|k| is(&word, k))
            && !keep_ttl
            && same_expiry(kind)
            && let Some(value) = args.next()
        {
            expiry = Some((kind, value));
        } else {
            return Err(Error::SYNTAX);
        }
    }
    opts.expiry = match expiry {
        None if keep_ttl => SetExpiry::Keep,
        None => SetExpiry::Clear,
        Some((kind, value)) => {
            let n = parse_i64(&value).ok_or(Error::NOT_AN_INTEGER)?;
            let unit = if kind == "EX" || kind == "EXAT" {
                1000
            } else {
                1
            };
            SetExpiry::At(expiry_deadline(n, unit, kind.ends_with("AT"), "set")?)
        }
    };
    Ok(opts)
}

/// The deadline of an expiry argument `n` in `unit` milliseconds, relative
/// or a Unix time, with Redis's checks: positive, and no overflow once
/// converted and added to the clock.
pub(crate) fn expiry_deadline(
    n: i64,
    unit: i64,
    absolute: bool,
    command: &'static str,
) -> Result<Instant, Error> {
    let invalid = || Error::invalid_expire_time(command);
    let millis = n
        .checked_mul(unit)
        .filter(|&ms| ms > 0)
        .ok_or_else(invalid)?;
    if absolute {
        crate::deadline_at_unix(millis).ok_or_else(invalid)
    } else {
        crate::unix_now_millis()
            .checked_add(millis)
            .ok_or_else(invalid)?;
        crate::deadline_in(millis).ok_or_else(invalid)
    }
}

/// `SETNX key value`: `SET key value NX`, answering 1 or 0.
pub struct SetNx;

impl Command for SetNx {
    const SPEC: Spec = Spec {
        name: "setnx",
        arity: 3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Stores a string at a key only if the key does not exist.",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("value", String)],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, value) = (args.required()?, args.required()?);
        let opts = SetOptions {
            condition: SetCondition::IfAbsent,
            ..SetOptions::default()
        };
        let outcome = set(cx.db, cx.selected, stored(key), stored(value), opts).await?;
        cx.reply.int(i64::from(outcome.written));
        Ok(())
    }
}

/// `SETEX` and `PSETEX`: `SET key value EX|PX n`, answering `+OK`.
async fn set_with_ttl<D: Db>(
    cx: &mut Ctx<'_, D>,
    mut args: Args,
    unit: i64,
    command: &'static str,
) -> Result<(), Error> {
    let key = args.required()?;
    let ttl = args.int()?;
    let value = args.required()?;
    let opts = SetOptions {
        expiry: SetExpiry::At(expiry_deadline(ttl, unit, false, command)?),
        ..SetOptions::default()
    };
    set(cx.db, cx.selected, stored(key), stored(value), opts).await?;
    cx.reply.ok();
    Ok(())
}

/// `SETEX key seconds value`
pub struct SetEx;

impl Command for SetEx {
    const SPEC: Spec = Spec {
        name: "setex",
        arity: 4,
        flags: &["write", "denyoom"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@slow"],
        summary: "Stores a string at a key with a time to live in seconds.",
        since: "2.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("seconds", Integer),
            arg!("value", String),
        ],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        set_with_ttl(cx, args, 1000, "setex").await
    }
}

/// `PSETEX key milliseconds value`
pub struct PSetEx;

impl Command for PSetEx {
    const SPEC: Spec = Spec {
        name: "psetex",
        arity: 4,
        flags: &["write", "denyoom"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@slow"],
        summary: "Stores a string at a key with a time to live in milliseconds.",
        since: "2.6.0",
        group: "string",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("milliseconds", Integer),
            arg!("value", String),
        ],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        set_with_ttl(cx, args, 1, "psetex").await
    }
}

/// `GETSET key value`: `SET key value GET`.
pub struct GetSet;

impl Command for GetSet {
    const SPEC: Spec = Spec {
        name: "getset",
        arity: 3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Stores a string at a key and returns the string it replaced.",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("value", String)],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, value) = (args.required()?, args.required()?);
        let opts = SetOptions {
            get: true,
            ..SetOptions::default()
        };
        let outcome = set(cx.db, cx.selected, stored(key), stored(value), opts).await?;
        cx.reply.bulk_or_null(outcome.previous.as_deref());
        Ok(())
    }
}

// --------------------------------------------------------------- GETDEL

/// `GETDEL key`
pub struct GetDel;

impl Command for GetDel {
    const SPEC: Spec = Spec {
        name: "getdel",
        arity: 2,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Returns the string stored at a key and deletes the key.",
        since: "6.2.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let text = getdel(cx.db, cx.selected, &key).await?;
        cx.reply.bulk_or_null(text.as_deref());
        Ok(())
    }
}

/// `GETDEL`, typed.
pub async fn getdel<D: Db>(db: &D, index: DbIndex, key: &Bytes) -> Result<Option<Bytes>, Error> {
    let text = db
        .update(index, key, |slot| {
            let text = text_of(slot.entry())?;
            if text.is_some() {
                slot.remove();
            }
            Ok::<_, Error>(text)
        })
        .await?;
    Ok(text.map(Text::into_bytes))
}

// ----------------------------------------------------------- MGET, MSET

/// `MGET key [key ...]`
pub struct MGet;

impl Command for MGet {
    const SPEC: Spec = Spec {
        name: "mget",
        arity: -2,
        flags: &["readonly", "fast"],
        keys: (1, -1, 1),
        acl: &["@read", "@string", "@fast"],
        summary: "Returns the strings stored at several keys.",
        since: "1.0.0",
        group: "string",
        complexity: "O(N) where N is the number of keys to retrieve.",
        args: &[arg!("key", Key, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        let values = mget_texts(cx.db, cx.selected, args.rest()).await;
        cx.reply.array(values.len());
        // The values are shared handles; encoding copies them. A key
        // repeated 10,000 times in one MGET would copy its value 10,000
        // times, so the reply stops growing at the output limit.
        for value in &values {
            if cx.reply.over_limit() {
                cx.reply.cut_off();
                return Ok(());
            }
            write_text(&mut cx.reply, value.as_ref());
        }
        Ok(())
    }
}

async fn mget_texts<D: Db>(db: &D, index: DbIndex, keys: Vec<Bytes>) -> Vec<Option<Text>> {
    let names = keys.clone();
    db.read_many(&names, move |view: &mut dyn ReadKeys| {
        keys.iter()
            // A key of another type reads as nil in MGET.
            .map(|key| view.read(index, key, |e| text_of(e).ok().flatten()))
            .collect()
    })
    .await
}

/// `MGET`, typed.
pub async fn mget<D: Db>(db: &D, index: DbIndex, keys: &[Bytes]) -> Vec<Option<Bytes>> {
    mget_texts(db, index, keys.to_vec())
        .await
        .into_iter()
        .map(|t| t.map(Text::into_bytes))
        .collect()
}

/// `MSET key value [key value ...]`
pub struct MSet;

impl Command for MSet {
    const SPEC: Spec = Spec {
        name: "mset",
        arity: -3,
        flags: &["write", "denyoom"],
        keys: (1, -1, 2),
        acl: &["@write", "@string", "@slow"],
        summary: "Stores strings at several keys.",
        since: "1.0.1",
        group: "string",
        complexity: "O(N) where N is the number of keys to set.",
        args: &[arg!("key_value", Block, multiple: true, args: &[
            arg!("key", Key),
            arg!("value", String),
        ])],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        let arity = args.arity();
        let words = args.rest();
        if !words.len().is_multiple_of(2) {
            return Err(arity);
        }
        let mut words = words.into_iter();
        let mut pairs = Vec::with_capacity(words.len() / 2);
        while let (Some(key), Some(value)) = (words.next(), words.next()) {
            pairs.push((stored(key), stored(value)));
        }
        mset(cx.db, cx.selected, pairs).await;
        cx.reply.ok();
        Ok(())
    }
}

/// `MSET`, typed: every pair a plain `SET` (TTLs cleared); a later pair for
/// the same key wins.
pub async fn mset<D: Db>(db: &D, index: DbIndex, pairs: Vec<(Bytes, Bytes)>) {
    let keys: Vec<Bytes> = pairs.iter().map(|(k, _)| k.clone()).collect();
    db.update_many(&keys, move |view: &mut dyn Keys| {
        for (key, value) in pairs {
            view.update(index, &key, |slot| {
                slot.put(Entry::new(Value::string(value.clone())))
            });
        }
    })
    .await;
}

// ------------------------------------------------------------- counters

/// The step of `INCRBY`: absent counts as 0, the TTL is kept, the value is
/// changed in place.
fn incr_step(slot: &mut Slot<'_>, delta: i64) -> Result<i64, Error> {
    let Some(value) = slot.value() else {
        slot.put(Entry::new(Value::Int(delta)));
        return Ok(delta);
    };
    let old = match value {
        Value::Int(n) => *n,
        Value::Str(text) => parse_i64(text).ok_or(Error::NOT_AN_INTEGER)?,
        _ => return Err(Error::WRONG_TYPE),
    };
    let new = old.checked_add(delta).ok_or(Error::OVERFLOW)?;
    if let Some(value) = slot.value_mut() {
        *value = Value::Int(new);
    }
    Ok(new)
}

/// `INCRBY`, typed.
pub async fn incr_by<D: Db>(db: &D, index: DbIndex, key: Bytes, delta: i64) -> Result<i64, Error> {
    db.update(index, &key, move |slot| incr_step(slot, delta))
        .await
}

async fn run_incr<D: Db>(cx: &mut Ctx<'_, D>, key: Bytes, delta: i64) -> Result<(), Error> {
    let n = incr_by(cx.db, cx.selected, stored(key), delta).await?;
    cx.reply.int(n);
    Ok(())
}

/// `INCR key`
pub struct Incr;

impl Command for Incr {
    const SPEC: Spec = Spec {
        name: "incr",
        arity: 2,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Adds one to the integer stored at a key.",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        run_incr(cx, key, 1).await
    }
}

/// `DECR key`
pub struct Decr;

impl Command for Decr {
    const SPEC: Spec = Spec {
        name: "decr",
        arity: 2,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Subtracts one from the integer stored at a key.",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        run_incr(cx, key, -1).await
    }
}

/// `INCRBY key increment`
pub struct IncrBy;

impl Command for IncrBy {
    const SPEC: Spec = Spec {
        name: "incrby",
        arity: 3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Adds an integer to the integer stored at a key.",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("increment", Integer)],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let delta = args.int()?;
        run_incr(cx, key, delta).await
    }
}

/// `DECRBY key decrement`
pub struct DecrBy;

impl Command for DecrBy {
    const SPEC: Spec = Spec {
        name: "decrby",
        arity: 3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Subtracts an integer from the integer stored at a key.",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("decrement", Integer)],
        ..Spec::BASE
    };

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let delta = args.int()?;
        let delta = delta
            .checked_neg()
            .ok_or(Error::Fixed("ERR decrement would overflow"))?;
        run_incr(cx, key, delta).await
    }
}

//! The string family: `GET`, `SET` and its variants, `GETEX`, `GETDEL`,
//! `MGET`/`MSET`/`MSETNX`, the counters (`INCRBYFLOAT` included),
//! `APPEND`, `STRLEN`, `GETRANGE`/`SUBSTR`, `SETRANGE` and `LCS`. Redis
//! keeps these in `t_string.c`; the bit commands are in [`crate::bits`].
//!
//! A string is stored as [`Value::Str`], or as [`Value::Int`] when it reads
//! as a decimal `i64` (Redis's `int` encoding), so counters neither parse
//! nor allocate. Commands that change a string's bytes take its buffer out
//! of the slot, change it and store it back, reusing the allocation when
//! no reader holds it.

use std::future::Future;

use bytes::Bytes;
use sharedkv_db::{DbIndex, Entry, Instant, Keys, ReadKeys, Slot, Store, Value, parse_i64};

use crate::{Args, Command, Ctx, Error, Spec, arg, is, notify, stored, token};

pub(crate) mod float;

use float::LongDouble;

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
            Text::Bytes(bytes) => reply.bulk_shared(bytes),
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

/// Whether the option `word` is `keyword`, compared as Redis compares its
/// options (`strcasecmp` on a C string): ignoring ASCII case and whatever
/// follows a NUL, so `EX\0junk` is `EX`.
pub(crate) fn is_option(word: &[u8], keyword: &str) -> bool {
    is(crate::c_str(word, word.len()), keyword)
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let text = cx.db.read(cx.selected, &key, text_of).await?;
        write_text(&mut cx.reply, text.as_ref());
        Ok(())
    }
}

/// `GET`, typed: the string at `key`, `None` if absent, `WRONGTYPE` if not a
/// string.
///
/// The read's own future, with the conversion inside its step: no async
/// layer of its own (each costs about 25 instructions a call).
pub fn get<'a, D: Store>(
    db: &'a D,
    index: DbIndex,
    key: &'a Bytes,
) -> impl Future<Output = Result<Option<Bytes>, Error>> + Send + 'a {
    db.read(
        index,
        key,
        |entry| Ok(text_of(entry)?.map(Text::into_bytes)),
    )
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
pub async fn set<D: Store>(
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, value) = (args.required()?, args.required()?);
        let opts = parse_set_options(args)?;
        let (key, value) = (stored(key), stored(value));
        // The step straight on the store, not through `set`: one async
        // layer less on the hottest write (see README, "Profile").
        let outcome = cx
            .db
            .update(cx.selected, &key, move |slot| set_step(slot, &value, &opts))
            .await?;
        if outcome.written {
            notify_set(cx, &key, opts.expiry);
        }
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, value) = (args.required()?, args.required()?);
        let opts = SetOptions {
            condition: SetCondition::IfAbsent,
            ..SetOptions::default()
        };
        let kept = cx.notifies(notify::STRING).then(|| key.clone());
        let outcome = set(cx.db, cx.selected, stored(key), stored(value), opts).await?;
        if outcome.written
            && let Some(key) = kept
        {
            notify_set(cx, &key, opts.expiry);
        }
        cx.reply.int(i64::from(outcome.written));
        Ok(())
    }
}

/// `SETEX` and `PSETEX`: `SET key value EX|PX n`, answering `+OK`.
async fn set_with_ttl<D: Store>(
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
    let kept = cx.notifies(notify::STRING).then(|| key.clone());
    set(cx.db, cx.selected, stored(key), stored(value), opts).await?;
    if let Some(key) = kept {
        notify_set(cx, &key, opts.expiry);
    }
    cx.reply.ok();
    Ok(())
}

/// The events of a `SET` that wrote: `set`, then `expire` if it gave a
/// time to live, as Redis's `setGenericCommand` publishes them.
fn notify_set<D>(cx: &Ctx<'_, D>, key: &[u8], expiry: SetExpiry) {
    cx.notify(notify::STRING, "set", key);
    if matches!(expiry, SetExpiry::At(_)) {
        cx.notify(notify::GENERIC, "expire", key);
    }
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, value) = (args.required()?, args.required()?);
        let opts = SetOptions {
            get: true,
            ..SetOptions::default()
        };
        let kept = cx.notifies(notify::STRING).then(|| key.clone());
        let outcome = set(cx.db, cx.selected, stored(key), stored(value), opts).await?;
        if let Some(key) = kept {
            cx.notify(notify::STRING, "set", &key);
        }
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let text = getdel(cx.db, cx.selected, &key).await?;
        if text.is_some() {
            cx.notify(notify::GENERIC, "del", &key);
        }
        cx.reply.bulk_or_null(text.as_deref());
        Ok(())
    }
}

/// `GETDEL`, typed.
pub async fn getdel<D: Store>(db: &D, index: DbIndex, key: &Bytes) -> Result<Option<Bytes>, Error> {
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
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

async fn mget_texts<D: Store>(db: &D, index: DbIndex, keys: Vec<Bytes>) -> Vec<Option<Text>> {
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
pub async fn mget<D: Store>(db: &D, index: DbIndex, keys: &[Bytes]) -> Vec<Option<Bytes>> {
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
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
        match cx.publisher(notify::STRING) {
            None => mset(cx.db, cx.selected, pairs).await,
            // Each key's `set` right after it is written, after the `new`
            // the store publishes for it, as Redis interleaves them.
            Some(events) => {
                let index = cx.selected;
                let keys: Vec<Bytes> = pairs.iter().map(|(k, _)| k.clone()).collect();
                cx.db
                    .update_many(&keys, move |view: &mut dyn Keys| {
                        for (key, value) in pairs {
                            view.update(index, &key, |slot| {
                                slot.put(Entry::new(Value::string(value.clone())))
                            });
                            events.notify(notify::STRING, "set", &key);
                        }
                    })
                    .await;
            }
        }
        cx.reply.ok();
        Ok(())
    }
}

/// `MSET`, typed: every pair a plain `SET` (TTLs cleared); a later pair for
/// the same key wins.
pub async fn mset<D: Store>(db: &D, index: DbIndex, pairs: Vec<(Bytes, Bytes)>) {
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
pub async fn incr_by<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    delta: i64,
) -> Result<i64, Error> {
    db.update(index, &key, move |slot| incr_step(slot, delta))
        .await
}

async fn run_incr<D: Store>(cx: &mut Ctx<'_, D>, key: Bytes, delta: i64) -> Result<(), Error> {
    let kept = cx.notifies(notify::STRING).then(|| key.clone());
    let n = incr_by(cx.db, cx.selected, stored(key), delta).await?;
    if let Some(key) = kept {
        cx.notify(notify::STRING, "incrby", &key);
    }
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
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

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let delta = args.int()?;
        let delta = delta
            .checked_neg()
            .ok_or(Error::Fixed("ERR decrement would overflow"))?;
        run_incr(cx, key, delta).await
    }
}

// ---------------------------------------------------------------- GETEX

/// What `GETEX` does to the key's time to live.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GetExExpiry {
    /// No option: the TTL is left as it is, as `GET` leaves it.
    #[default]
    Keep,
    /// `PERSIST`: the TTL is removed.
    Persist,
    /// `EX`, `PX`, `EXAT`, `PXAT`: the key expires at this instant; one
    /// already past deletes it.
    At(Instant),
}

/// The step of `GETEX`. The expiry's value is checked after the key, as
/// Redis checks it: a missing key answers nil and a key of another type
/// `WRONGTYPE` whatever the value.
fn getex_step(
    slot: &mut Slot<'_>,
    expiry: &Result<GetExExpiry, Error>,
) -> Result<Option<Text>, Error> {
    let Some(text) = text_of(slot.entry())? else {
        return Ok(None);
    };
    let now = slot.now();
    match expiry.clone()? {
        GetExExpiry::Keep => {}
        GetExExpiry::Persist => {
            if slot.entry().is_some_and(|e| e.expires_at.is_some())
                && let Some(entry) = slot.entry_mut()
            {
                entry.expires_at = None;
            }
        }
        GetExExpiry::At(at) if at <= now => slot.remove(),
        GetExExpiry::At(at) => {
            if let Some(entry) = slot.entry_mut() {
                entry.expires_at = Some(at);
            }
        }
    }
    Ok(Some(text))
}

/// `GETEX`, typed: the string at `key` (`None` if absent), its TTL changed
/// as `expiry` says. Pass `key` through [`stored`] with an expiry: a
/// strategy may keep it in its expiry index.
pub async fn getex<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    expiry: GetExExpiry,
) -> Result<Option<Bytes>, Error> {
    let expiry = Ok(expiry);
    let text = db
        .update(index, &key, move |slot| getex_step(slot, &expiry))
        .await?;
    Ok(text.map(Text::into_bytes))
}

/// `GETEX key [EX s|PX ms|EXAT t|PXAT t|PERSIST]`
pub struct GetEx;

impl Command for GetEx {
    const SPEC: Spec = Spec {
        name: "getex",
        arity: -2,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Returns the string stored at a key and changes or removes its expiry.",
        since: "6.2.0",
        group: "string",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("expiration", OneOf, optional: true, args: &[
                arg!("seconds", Integer, token: Some("EX")),
                arg!("milliseconds", Integer, token: Some("PX")),
                arg!("unix-time-seconds", UnixTime, token: Some("EXAT")),
                arg!("unix-time-milliseconds", UnixTime, token: Some("PXAT")),
                token!("persist", "PERSIST"),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        // Redis's rules for GET-type options: one kind of expiry, repeated
        // at will (the last one wins), or PERSIST; nothing else.
        let mut persist = false;
        let mut expiry: Option<(&'static str, Bytes)> = None;
        while let Some(word) = args.next() {
            if is_option(&word, "PERSIST") && expiry.is_none() {
                persist = true;
            } else if let Some(kind) = ["EX", "PX", "EXAT", "PXAT"]
                .into_iter()
                .find(|k| is_option(&word, k))
                && !persist
                && expiry.as_ref().is_none_or(|(k, _)| *k == kind)
                && let Some(value) = args.next()
            {
                expiry = Some((kind, value));
            } else {
                return Err(Error::SYNTAX);
            }
        }
        let expiry = match expiry {
            None if persist => Ok(GetExExpiry::Persist),
            None => Ok(GetExExpiry::Keep),
            Some((kind, value)) => parse_i64(&value)
                .ok_or(Error::NOT_AN_INTEGER)
                .and_then(|n| {
                    let unit = if kind.starts_with('E') { 1000 } else { 1 };
                    expiry_deadline(n, unit, kind.ends_with("AT"), "getex")
                })
                .map(GetExExpiry::At),
        };
        // With an expiry the key may be kept in an expiry index: copy it.
        let key = if matches!(expiry, Ok(GetExExpiry::At(_))) {
            stored(key)
        } else {
            key
        };
        let (event, class) = match expiry {
            Ok(GetExExpiry::Persist) => ("persist", notify::GENERIC),
            Ok(GetExExpiry::At(_)) => ("expire", notify::GENERIC),
            _ => ("", 0),
        };
        let notifying = class != 0 && cx.notifies(class);
        let had_ttl = if notifying {
            let key = key.clone();
            cx.db
                .read(cx.selected, &key, |e| e.map(|e| e.expires_at.is_some()))
                .await
        } else {
            None
        };
        let text = cx
            .db
            .update(cx.selected, &key, move |slot| getex_step(slot, &expiry))
            .await?;
        if notifying && text.is_some() {
            match event {
                "persist" if had_ttl == Some(true) => cx.notify(class, event, &key),
                "expire" => {
                    let gone = cx.db.read(cx.selected, &key, |e| e.is_none()).await;
                    cx.notify(class, if gone { "del" } else { event }, &key);
                }
                _ => {}
            }
        }
        write_text(&mut cx.reply, text.as_ref());
        Ok(())
    }
}

// --------------------------------------------------------------- MSETNX

/// `MSETNX key value [key value ...]`
pub struct MSetNx;

impl Command for MSetNx {
    const SPEC: Spec = Spec {
        name: "msetnx",
        arity: -3,
        flags: &["write", "denyoom"],
        keys: (1, -1, 2),
        acl: &["@write", "@string", "@slow"],
        summary: "Stores strings at several keys only if none of them exists.",
        since: "1.0.1",
        group: "string",
        complexity: "O(N) where N is the number of keys to set.",
        args: &[arg!("key_value", Block, multiple: true, args: &[
            arg!("key", Key),
            arg!("value", String),
        ])],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
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
        let written = match cx.publisher(notify::STRING) {
            None => msetnx(cx.db, cx.selected, pairs).await,
            // As MSET: each key's `set` right after it is written.
            Some(events) => {
                let index = cx.selected;
                let keys: Vec<Bytes> = pairs.iter().map(|(k, _)| k.clone()).collect();
                cx.db
                    .update_many(&keys, move |view: &mut dyn Keys| {
                        if pairs
                            .iter()
                            .any(|(key, _)| view.read(index, key, |e| e.is_some()))
                        {
                            return false;
                        }
                        for (key, value) in pairs {
                            view.update(index, &key, |slot| {
                                slot.put(Entry::new(Value::string(value.clone())))
                            });
                            events.notify(notify::STRING, "set", &key);
                        }
                        true
                    })
                    .await
            }
        };
        cx.reply.int(i64::from(written));
        Ok(())
    }
}

/// `MSETNX`, typed: writes every pair (TTLs cleared, a later pair for the
/// same key winning) if none of the keys exists, and nothing otherwise;
/// whether it wrote. All or none only where the strategy's multi-key
/// steps are atomic ([`Db::ATOMIC_MULTI_KEY`]).
pub async fn msetnx<D: Store>(db: &D, index: DbIndex, pairs: Vec<(Bytes, Bytes)>) -> bool {
    let keys: Vec<Bytes> = pairs.iter().map(|(k, _)| k.clone()).collect();
    db.update_many(&keys, move |view: &mut dyn Keys| {
        if pairs
            .iter()
            .any(|(key, _)| view.read(index, key, |e| e.is_some()))
        {
            return false;
        }
        for (key, value) in pairs {
            view.update(index, &key, |slot| {
                slot.put(Entry::new(Value::string(value.clone())))
            });
        }
        true
    })
    .await
}

// ------------------------------------------------------ APPEND, STRLEN

/// Redis's `proto-max-bulk-len`: the longest string a command may build.
pub(crate) const MAX_STRING: usize = 512 * 1024 * 1024;

/// `ERR string exceeds maximum allowed size (proto-max-bulk-len)`
pub(crate) const TOO_LONG: Error =
    Error::Fixed("ERR string exceeds maximum allowed size (proto-max-bulk-len)");

/// Calls `f` with the bytes of a string value (an integer is formatted on
/// the stack); `WRONGTYPE` for another type.
pub(crate) fn with_bytes<R>(value: &Value, f: impl FnOnce(&[u8]) -> R) -> Result<R, Error> {
    match value {
        Value::Str(bytes) => Ok(f(bytes)),
        Value::Int(n) => Ok(f(itoa::Buffer::new().format(*n).as_bytes())),
        _ => Err(Error::WRONG_TYPE),
    }
}

/// The string in `value` as a buffer to change, leaving a placeholder
/// behind: the caller stores the result back with [`Value::string`]. The
/// allocation of a `Str` that nobody else holds is reused, not copied.
/// `None`, with `value` untouched, for another type.
pub(crate) fn take_buffer(value: &mut Value) -> Option<Vec<u8>> {
    match std::mem::replace(value, Value::Int(0)) {
        Value::Str(bytes) => Some(Vec::from(bytes)),
        Value::Int(n) => Some(itoa::Buffer::new().format(n).as_bytes().to_vec()),
        other => {
            *value = other;
            None
        }
    }
}

/// The step of `APPEND`: an absent key is created, the TTL is kept.
fn append_step(slot: &mut Slot<'_>, tail: &Bytes) -> Result<usize, Error> {
    let Some(value) = slot.value() else {
        slot.put(Entry::new(Value::string(tail.clone())));
        return Ok(tail.len());
    };
    let total = with_bytes(value, |b| b.len())? + tail.len();
    if total > MAX_STRING {
        return Err(TOO_LONG);
    }
    if !tail.is_empty()
        && let Some(value) = slot.value_mut()
        && let Some(mut buffer) = take_buffer(value)
    {
        buffer.extend_from_slice(tail);
        *value = Value::string(Bytes::from(buffer));
    }
    Ok(total)
}

/// `APPEND`, typed: the length of the string after appending `tail`.
pub async fn append<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    tail: Bytes,
) -> Result<usize, Error> {
    db.update(index, &key, move |slot| append_step(slot, &tail))
        .await
}

/// `APPEND key value`
pub struct Append;

impl Command for Append {
    const SPEC: Spec = Spec {
        name: "append",
        arity: 3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Adds bytes to the end of the string stored at a key.",
        since: "2.0.0",
        group: "string",
        complexity: "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
        args: &[arg!("key", Key), arg!("value", String)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, tail) = (args.required()?, args.required()?);
        let kept = cx.notifies(notify::STRING).then(|| key.clone());
        let n = append(cx.db, cx.selected, stored(key), stored(tail)).await?;
        if let Some(key) = kept {
            cx.notify(notify::STRING, "append", &key);
        }
        cx.reply.count(n);
        Ok(())
    }
}

/// `STRLEN`, typed: the length of the string at `key`, 0 if absent.
pub async fn strlen<D: Store>(db: &D, index: DbIndex, key: &Bytes) -> Result<usize, Error> {
    db.read(index, key, |entry| match entry {
        None => Ok(0),
        Some(e) => with_bytes(&e.value, <[u8]>::len),
    })
    .await
}

/// `STRLEN key`
pub struct StrLen;

impl Command for StrLen {
    const SPEC: Spec = Spec {
        name: "strlen",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@read", "@string", "@fast"],
        summary: "Returns the length in bytes of the string stored at a key.",
        since: "2.2.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let n = strlen(cx.db, cx.selected, &key).await?;
        cx.reply.count(n);
        Ok(())
    }
}

// ------------------------------------------------- GETRANGE, SETRANGE

/// The bytes `start..=end` of a string of `len` bytes, with Redis's rules
/// for `GETRANGE` (and `BITCOUNT`): negative indexes count from the end,
/// out-of-range ones are clamped; `None` for an empty range.
pub(crate) fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    if start < 0 && end < 0 && start > end {
        return None;
    }
    let start = if start < 0 {
        start.saturating_add(len)
    } else {
        start
    }
    .max(0);
    let end = if end < 0 {
        end.saturating_add(len)
    } else {
        end
    }
    .max(0)
    .min(len - 1);
    if start > end || len == 0 {
        return None;
    }
    Some((usize::try_from(start).ok()?, usize::try_from(end).ok()?))
}

/// `GETRANGE`, typed: the bytes `start..=end` of the string at `key`
/// (negative indexes count from the end), empty if the key is absent.
pub async fn getrange<D: Store>(
    db: &D,
    index: DbIndex,
    key: &Bytes,
    start: i64,
    end: i64,
) -> Result<Bytes, Error> {
    let Some(text) = db.read(index, key, text_of).await? else {
        return Ok(Bytes::new());
    };
    let bytes = text.into_bytes();
    Ok(match clamp_range(start, end, bytes.len()) {
        Some((start, end)) => bytes.slice(start..=end),
        None => Bytes::new(),
    })
}

async fn run_getrange<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
    let key = args.required()?;
    let (start, end) = (args.int()?, args.int()?);
    let bytes = getrange(cx.db, cx.selected, &key, start, end).await?;
    cx.reply.bulk(&bytes);
    Ok(())
}

/// `GETRANGE key start end`
pub struct GetRange;

impl Command for GetRange {
    const SPEC: Spec = Spec {
        name: "getrange",
        arity: 4,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@string", "@slow"],
        summary: "Returns a range of bytes of the string stored at a key.",
        since: "2.4.0",
        group: "string",
        complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
        args: &[
            arg!("key", Key),
            arg!("start", Integer),
            arg!("end", Integer),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_getrange(cx, args).await
    }
}

/// `SUBSTR key start end`: the old name of `GETRANGE`.
pub struct Substr;

impl Command for Substr {
    const SPEC: Spec = Spec {
        name: "substr",
        arity: 4,
        flags: &["readonly"],
        keys: (1, 1, 1),
        acl: &["@read", "@string", "@slow"],
        summary: "Returns a range of bytes of the string stored at a key (GETRANGE's old name).",
        since: "1.0.0",
        group: "string",
        complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
        args: &[
            arg!("key", Key),
            arg!("start", Integer),
            arg!("end", Integer),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_getrange(cx, args).await
    }
}

/// The step of `SETRANGE`: writing nothing changes nothing (and creates
/// no key); otherwise the string is padded with zero bytes up to `offset`.
fn setrange_step(slot: &mut Slot<'_>, offset: usize, patch: &Bytes) -> Result<usize, Error> {
    let fits = || {
        offset
            .checked_add(patch.len())
            .filter(|&n| n <= MAX_STRING)
            .ok_or(TOO_LONG)
    };
    let Some(value) = slot.value() else {
        if patch.is_empty() {
            return Ok(0);
        }
        let total = fits()?;
        let mut buffer = vec![0; total];
        buffer[offset..].copy_from_slice(patch);
        slot.put(Entry::new(Value::string(Bytes::from(buffer))));
        return Ok(total);
    };
    let len = with_bytes(value, <[u8]>::len)?;
    if patch.is_empty() {
        return Ok(len);
    }
    let end = fits()?;
    let Some(value) = slot.value_mut() else {
        return Ok(len);
    };
    let Some(mut buffer) = take_buffer(value) else {
        return Err(Error::WRONG_TYPE);
    };
    if buffer.len() < end {
        buffer.resize(end, 0);
    }
    buffer[offset..end].copy_from_slice(patch);
    let total = buffer.len();
    *value = Value::string(Bytes::from(buffer));
    Ok(total)
}

/// `SETRANGE`, typed: overwrites the string at `key` from `offset` with
/// `patch`; the string's length after.
pub async fn setrange<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    offset: usize,
    patch: Bytes,
) -> Result<usize, Error> {
    db.update(index, &key, move |slot| setrange_step(slot, offset, &patch))
        .await
}

/// `SETRANGE key offset value`
pub struct SetRange;

impl Command for SetRange {
    const SPEC: Spec = Spec {
        name: "setrange",
        arity: 4,
        flags: &["write", "denyoom"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@slow"],
        summary: "Overwrites part of the string stored at a key, from an offset on.",
        since: "2.2.0",
        group: "string",
        complexity: "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
        args: &[
            arg!("key", Key),
            arg!("offset", Integer),
            arg!("value", String),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let offset = args.int()?;
        let patch = args.required()?;
        let offset =
            usize::try_from(offset).map_err(|_| Error::Fixed("ERR offset is out of range"))?;
        let kept = (!patch.is_empty() && cx.notifies(notify::STRING)).then(|| key.clone());
        let n = setrange(cx.db, cx.selected, stored(key), offset, stored(patch)).await?;
        if let Some(key) = kept {
            cx.notify(notify::STRING, "setrange", &key);
        }
        cx.reply.count(n);
        Ok(())
    }
}

// ---------------------------------------------------------- INCRBYFLOAT

/// The step of `INCRBYFLOAT`: the stored value is checked (type, then
/// float) before the increment, as Redis checks them; the TTL is kept.
fn incr_by_float_step(slot: &mut Slot<'_>, increment: Option<LongDouble>) -> Result<Bytes, Error> {
    let current = match slot.value() {
        None => LongDouble::ZERO,
        Some(Value::Int(n)) => LongDouble::from_i64(*n),
        Some(Value::Str(text)) => LongDouble::parse(text).ok_or(Error::NOT_A_FLOAT)?,
        Some(_) => return Err(Error::WRONG_TYPE),
    };
    let increment = increment.ok_or(Error::NOT_A_FLOAT)?;
    let sum = current
        .checked_add(increment)
        .ok_or(Error::Fixed("ERR increment would produce NaN or Infinity"))?;
    let text = Bytes::from(sum.to_text());
    match slot.value_mut() {
        Some(value) => *value = Value::string(text.clone()),
        None => slot.put(Entry::new(Value::string(text.clone()))),
    }
    Ok(text)
}

/// `INCRBYFLOAT`, typed: adds the float `increment` (as text, as Redis
/// takes it) to the number at `key`, computing in x87 extended precision as
/// redis-server on x86-64 does; the new value's text.
pub async fn incr_by_float<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    increment: &[u8],
) -> Result<Bytes, Error> {
    let increment = LongDouble::parse(increment);
    db.update(index, &key, move |slot| incr_by_float_step(slot, increment))
        .await
}

/// `INCRBYFLOAT key increment`
pub struct IncrByFloat;

impl Command for IncrByFloat {
    const SPEC: Spec = Spec {
        name: "incrbyfloat",
        arity: 3,
        flags: &["write", "denyoom", "fast"],
        keys: (1, 1, 1),
        acl: &["@write", "@string", "@fast"],
        summary: "Adds a floating-point number to the number stored at a key.",
        since: "2.6.0",
        group: "string",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("increment", Double)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (key, increment) = (args.required()?, args.required()?);
        let kept = cx.notifies(notify::STRING).then(|| key.clone());
        let text = incr_by_float(cx.db, cx.selected, stored(key), &increment).await?;
        if let Some(key) = kept {
            cx.notify(notify::STRING, "incrbyfloat", &key);
        }
        cx.reply.bulk(&text);
        Ok(())
    }
}

// ------------------------------------------------------------------ LCS

/// What `LCS` is asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LcsOptions {
    /// `LEN`: only the length.
    pub len: bool,
    /// `IDX`: the matching ranges and the length.
    pub idx: bool,
    /// `MINMATCHLEN`: the shortest range `IDX` reports.
    pub min_match_len: u64,
    /// `WITHMATCHLEN`: each range with its length.
    pub with_match_len: bool,
}

/// One range `IDX` reports: where it is in each string (inclusive) and
/// its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LcsMatch {
    /// `start..=end` in the first string.
    pub a: (u32, u32),
    /// `start..=end` in the second string.
    pub b: (u32, u32),
    /// The range's length.
    pub len: u32,
}

/// The answer of `LCS`: the common subsequence (unless only `LEN` was
/// asked), its length, and the ranges (with `IDX`), last first as Redis
/// lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LcsOutcome {
    /// The longest common subsequence.
    pub text: Vec<u8>,
    /// Its length.
    pub len: u32,
    /// The matching ranges, with `IDX`.
    pub matches: Vec<LcsMatch>,
}

/// The longest common subsequence of `a` and `b`, by Redis's dynamic
/// programming and its walk back through the table, so that ties resolve
/// to the same subsequence and ranges. The table takes 4 bytes per pair of
/// positions, refused past 512 MB as Redis refuses it.
pub fn lcs_of(a: &[u8], b: &[u8], opts: LcsOptions) -> Result<LcsOutcome, Error> {
    if a.len() >= u32::MAX as usize - 1 || b.len() >= u32::MAX as usize - 1 {
        return Err(Error::Fixed("ERR String too long for LCS"));
    }
    let width = b.len() + 1;
    let cells = (a.len() as u64 + 1) * (width as u64);
    if cells * 4 > MAX_STRING as u64 {
        return Err(Error::Fixed(
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ));
    }
    let cells = usize::try_from(cells).map_err(|_| Error::Fixed("ERR String too long for LCS"))?;
    let mut table: Vec<u32> = Vec::new();
    table.try_reserve_exact(cells).map_err(|_| {
        Error::Fixed("ERR Insufficient memory, failed allocating transient memory for LCS")
    })?;
    table.resize(cells, 0);
    for (i, &ca) in a.iter().enumerate() {
        for (j, &cb) in b.iter().enumerate() {
            let here = (i + 1) * width + j + 1;
            table[here] = if ca == cb {
                table[i * width + j] + 1
            } else {
                table[i * width + j + 1].max(table[here - 1])
            };
        }
    }
    let len = table[cells - 1];
    let mut out = LcsOutcome {
        len,
        ..LcsOutcome::default()
    };
    if opts.len && !opts.idx {
        return Ok(out);
    }
    // Walk back from the end, as Redis does: on a tie, step in `b`.
    let mut text = vec![0u8; len as usize];
    let mut left = len as usize;
    let (mut i, mut j) = (a.len(), b.len());
    // The range being extended backwards: (a_start, a_end, b_start, b_end).
    let mut range: Option<(usize, usize, usize, usize)> = None;
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            left -= 1;
            text[left] = a[i - 1];
            range = match range {
                None => Some((i - 1, i - 1, j - 1, j - 1)),
                Some((sa, ea, sb, eb)) if sa == i && sb == j => Some((sa - 1, ea, sb - 1, eb)),
                Some(r) => {
                    emit = true;
                    Some(r)
                }
            };
            if range.is_some_and(|(sa, _, sb, _)| sa == 0 || sb == 0) {
                emit = true;
            }
            i -= 1;
            j -= 1;
        } else {
            if table[(i - 1) * width + j] > table[i * width + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            emit = range.is_some();
        }
        if emit && let Some((sa, ea, sb, eb)) = range.take() {
            let match_len = (ea - sa + 1) as u64;
            if opts.min_match_len == 0 || match_len >= opts.min_match_len {
                out.matches.push(LcsMatch {
                    a: (sa as u32, ea as u32),
                    b: (sb as u32, eb as u32),
                    len: match_len as u32,
                });
            }
        }
    }
    out.text = text;
    Ok(out)
}

/// `LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]`
pub struct Lcs;

impl Command for Lcs {
    const SPEC: Spec = Spec {
        name: "lcs",
        arity: -3,
        flags: &["readonly"],
        keys: (1, 2, 1),
        acl: &["@read", "@string", "@slow"],
        summary: "Finds the longest common subsequence of the strings stored at two keys.",
        since: "7.0.0",
        group: "string",
        complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
        args: &[
            arg!("key1", Key),
            arg!("key2", Key),
            token!("len", "LEN", optional: true),
            token!("idx", "IDX", optional: true),
            arg!("len", Integer, token: Some("MINMATCHLEN"), optional: true),
            token!("withmatchlen", "WITHMATCHLEN", optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (k1, k2) = (args.required()?, args.required()?);
        let index = cx.selected;
        let keys = vec![k1.clone(), k2.clone()];
        // The values are shared handles: the table is built off the store.
        let texts = cx
            .db
            .read_many(&keys, move |view: &mut dyn ReadKeys| {
                [&k1, &k2].map(|key| view.read(index, key, |e| text_of(e).map_err(|_| ())))
            })
            .await;
        let [Ok(a), Ok(b)] = texts else {
            return Err(Error::Fixed(
                "ERR The specified keys must contain string values",
            ));
        };
        // Options are read after the keys, as Redis reads them.
        let mut opts = LcsOptions::default();
        while let Some(word) = args.next() {
            if is_option(&word, "IDX") {
                opts.idx = true;
            } else if is_option(&word, "LEN") {
                opts.len = true;
            } else if is_option(&word, "WITHMATCHLEN") {
                opts.with_match_len = true;
            } else if is_option(&word, "MINMATCHLEN") && !args.is_empty() {
                let n = args.int()?;
                opts.min_match_len = n.max(0).unsigned_abs();
            } else {
                return Err(Error::SYNTAX);
            }
        }
        if opts.len && opts.idx {
            return Err(Error::Fixed(
                "ERR If you want both the length and indexes, please just use IDX.",
            ));
        }
        let a = a.map(Text::into_bytes).unwrap_or_default();
        let b = b.map(Text::into_bytes).unwrap_or_default();
        let out = lcs_of(&a, &b, opts)?;
        let reply = &mut cx.reply;
        if opts.idx {
            reply.map(2);
            reply.bulk(b"matches");
            reply.array(out.matches.len());
            for m in &out.matches {
                reply.array(2 + usize::from(opts.with_match_len));
                for (start, end) in [m.a, m.b] {
                    reply.array(2);
                    reply.int(i64::from(start));
                    reply.int(i64::from(end));
                }
                if opts.with_match_len {
                    reply.int(i64::from(m.len));
                }
            }
            reply.bulk(b"len");
            reply.int(i64::from(out.len));
        } else if opts.len {
            reply.int(i64::from(out.len));
        } else {
            reply.bulk(&out.text);
        }
        Ok(())
    }
}

//! The keyspace family: commands on keys of any type (`DEL`, `KEYS`,
//! `SCAN`, `RENAME`, `COPY`, `MOVE`, `OBJECT`, ...), expiry, and the sixteen
//! databases. Redis keeps these in `db.c`, `expire.c` and `object.c`.
//!
//! Commands on two keys (`RENAME`, `COPY`, `MOVE`) are one
//! [`Db::update_many`] step over both: atomic where the strategy says
//! [`Db::ATOMIC_MULTI_KEY`], key by key elsewhere. A step may run more than
//! once, so the value a step stores in the destination is cloned on each
//! run: moving a string costs a reference count, moving a hash a copy.

use std::time::Duration;

use bytes::Bytes;
use sharedkv_db::{DbIndex, Entry, Instant, Keys, ReadKeys, Slot, Store, Value, parse_i64};

use crate::{
    Args, Command, Ctx, Error, Spec, Thresholds, arg, c_str, glob, is, notify, stored, token,
};

/// Whether `word` is `keyword` as C's `strcasecmp` sees it: up to its first
/// NUL, ignoring ASCII case. Redis compares options that way.
fn is_option(word: &[u8], keyword: &str) -> bool {
    is(c_str(word, usize::MAX), keyword)
}

/// `ERR source and destination objects are the same`
const SAME_OBJECT: Error = Error::Fixed("ERR source and destination objects are the same");

// ------------------------------------------------------------ DEL, EXISTS

/// `DEL`, typed: how many of `keys` existed (a key named twice counts once).
pub async fn del<D: Store>(db: &D, index: DbIndex, keys: Vec<Bytes>) -> usize {
    let remove = |slot: &mut Slot<'_>| {
        let existed = slot.exists();
        slot.remove();
        existed
    };
    if let [key] = keys.as_slice() {
        // One key needs no multi-key step.
        return usize::from(db.update(index, key, remove).await);
    }
    let names = keys.clone();
    db.update_many(&names, move |view: &mut dyn Keys| {
        keys.iter()
            .filter(|key| view.update(index, key, remove))
            .count()
    })
    .await
}

/// `DEL` and `UNLINK` as they run: with events on, the keys deleted are
/// collected, in order, for their `del` events.
async fn run_del<D: Store>(cx: &mut Ctx<'_, D>, keys: Vec<Bytes>) {
    if !cx.notifies(notify::GENERIC) {
        let n = del(cx.db, cx.selected, keys).await;
        cx.reply.count(n);
        return;
    }
    let index = cx.selected;
    let names = keys.clone();
    let deleted: Vec<Bytes> = cx
        .db
        .update_many(&names, move |view: &mut dyn Keys| {
            keys.into_iter()
                .filter(|key| {
                    view.update(index, key, |slot: &mut Slot<'_>| {
                        let existed = slot.exists();
                        slot.remove();
                        existed
                    })
                })
                .collect()
        })
        .await;
    for key in &deleted {
        cx.notify(notify::GENERIC, "del", key);
    }
    cx.reply.count(deleted.len());
}

/// `EXISTS`, typed: how many of `keys` exist, a key named twice counting
/// twice.
pub async fn exists<D: Store>(db: &D, index: DbIndex, keys: Vec<Bytes>) -> usize {
    let names = keys.clone();
    db.read_many(&names, move |view: &mut dyn ReadKeys| {
        keys.iter()
            .filter(|key| view.read(index, key, |e| e.is_some()))
            .count()
    })
    .await
}

/// `DEL key [key ...]`
pub struct Del;

impl Command for Del {
    const SPEC: Spec = Spec {
        name: "del",
        arity: -2,
        flags: &["write"],
        keys: (1, -1, 1),
        acl: &["@keyspace", "@write", "@slow"],
        summary: "Deletes keys.",
        since: "1.0.0",
        group: "generic",
        complexity: "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
        args: &[arg!("key", Key, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_del(cx, args.rest()).await;
        Ok(())
    }
}

/// `UNLINK key [key ...]`: `DEL`. (Freeing a large value off the command
/// path comes with the collection types.)
pub struct Unlink;

impl Command for Unlink {
    const SPEC: Spec = Spec {
        name: "unlink",
        arity: -2,
        flags: &["write", "fast"],
        keys: (1, -1, 1),
        acl: &["@keyspace", "@write", "@fast"],
        summary: "Deletes keys, reclaiming their memory off the command path.",
        since: "4.0.0",
        group: "generic",
        complexity: "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
        args: &[arg!("key", Key, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_del(cx, args.rest()).await;
        Ok(())
    }
}

/// `EXISTS key [key ...]`
pub struct Exists;

impl Command for Exists {
    const SPEC: Spec = Spec {
        name: "exists",
        arity: -2,
        flags: &["readonly", "fast"],
        keys: (1, -1, 1),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Counts how many of the given keys exist.",
        since: "1.0.0",
        group: "generic",
        complexity: "O(N) where N is the number of keys to check.",
        args: &[arg!("key", Key, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        let n = exists(cx.db, cx.selected, args.rest()).await;
        cx.reply.count(n);
        Ok(())
    }
}

/// `TOUCH key [key ...]`: `EXISTS`, since sharedkv keeps no access times
/// to update.
pub struct Touch;

impl Command for Touch {
    const SPEC: Spec = Spec {
        name: "touch",
        arity: -2,
        flags: &["readonly", "fast"],
        keys: (1, -1, 1),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Marks keys as used and counts how many of them exist.",
        since: "3.2.1",
        group: "generic",
        complexity: "O(N) where N is the number of keys that will be touched.",
        args: &[arg!("key", Key, multiple: true)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        let n = exists(cx.db, cx.selected, args.rest()).await;
        cx.reply.count(n);
        Ok(())
    }
}

/// `TYPE key`
pub struct Type;

impl Command for Type {
    const SPEC: Spec = Spec {
        name: "type",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Returns the type of the value stored at a key.",
        since: "1.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let kind = cx
            .db
            .read(cx.selected, &key, |e| e.map(|e| e.value.kind().name()))
            .await;
        cx.reply.simple(kind.unwrap_or("none").as_bytes());
        Ok(())
    }
}

// ---------------------------------------------------------------- OBJECT

/// How Redis 7.0 would encode `value`, as `OBJECT ENCODING` names it,
/// worked out from the value as it is now, under the encoding thresholds
/// `limits` (the `*-max-listpack-*` and `set-max-intset-entries` of
/// `CONFIG SET`; Redis's defaults unless changed).
/// That is Redis's answer for a value written whole (`SET`, `MSET`,
/// `HSET`). Redis also remembers how a value came to be, which sharedkv
/// does not: a string changed in place (`APPEND`, `SETRANGE`, `SETBIT`) is
/// `raw` there, and a hash that once outgrew the limits stays `hashtable`;
/// here they are named by what they hold (`int`, `embstr`, `listpack`).
pub fn encoding(value: &Value, limits: &Thresholds) -> &'static str {
    /// Redis's `OBJ_ENCODING_EMBSTR_SIZE_LIMIT`.
    const EMBSTR_MAX: usize = 44;
    // Lengths compared as u64, so a threshold past usize (it is set by
    // `CONFIG SET`, up to i64::MAX) never truncates.
    let at_most = |len: usize, limit: u64| u64::try_from(len).is_ok_and(|len| len <= limit);
    match value {
        Value::Int(_) => "int",
        Value::Str(bytes) if bytes.len() <= EMBSTR_MAX => "embstr",
        Value::Str(_) => "raw",
        Value::Hash(hash)
            if at_most(hash.len(), limits.hash_entries)
                && hash.iter().all(|(f, v)| {
                    at_most(f.len(), limits.hash_value) && at_most(v.len(), limits.hash_value)
                }) =>
        {
            "listpack"
        }
        Value::Hash(_) => "hashtable",
        // Redis 7.0 keeps every list in a quicklist, however short (a
        // list of one listpack node is still `quicklist`; listpack lists
        // came in 7.2), so the answer never depends on the content.
        Value::List(_) => "quicklist",
        // `intset` while every member reads as an integer (`string2ll`, as
        // `parse_i64`) and there are at most `set-max-intset-entries`
        // (512 by default) of them; Redis 7.0 has no listpack sets. Redis's choice is
        // sticky (a set that once held a non-integer stays `hashtable`
        // after `SREM`, as does what an `SPOP` leaves of one); here it is
        // judged from the members as they are now.
        Value::Set(set)
            if at_most(set.len(), limits.set_intset_entries)
                && set.iter().all(|m| parse_i64(m).is_some()) =>
        {
            "intset"
        }
        Value::Set(_) => "hashtable",
        // `listpack` while there are at most `zset-max-listpack-entries`
        // (128 by default) members of at most `zset-max-listpack-value` (64) bytes
        // each, else `skiplist`. Redis's choice is sticky (a sorted set
        // that once outgrew the limits stays `skiplist` after `ZREM`); here
        // it is judged from the members as they are now.
        Value::ZSet(zset)
            if at_most(zset.len(), limits.zset_entries)
                && zset
                    .iter()
                    .all(|(m, _)| at_most(m.len(), limits.zset_value)) =>
        {
            "listpack"
        }
        Value::ZSet(_) => "skiplist",
    }
}

/// `OBJECT REFCOUNT` of `value`: 1, except for the integers Redis shares
/// (0 to 9999, `OBJ_SHARED_INTEGERS`, when no maxmemory policy forbids
/// it), for which it answers `INT_MAX`. As with [`encoding`], a value
/// changed in place that reads as such an integer is shared here and not
/// in Redis.
pub fn refcount(value: &Value) -> i64 {
    match value {
        Value::Int(0..=9999) => i64::from(i32::MAX),
        _ => 1,
    }
}

/// `OBJECT <subcommand> ...`: only a container; [`find`](crate::find)
/// resolves the subcommand to its own command.
pub struct Object;

impl Command for Object {
    const SPEC: Spec = Spec {
        name: "object",
        arity: -2,
        flags: &[],
        keys: (0, 0, 0),
        acl: &["@slow"],
        summary: "Inspects how the value of a key is kept.",
        since: "2.2.3",
        group: "generic",
        complexity: "Depends on subcommand.",
        subcommands: &[
            ObjectEncoding::SPEC,
            ObjectFreq::SPEC,
            ObjectHelp::SPEC,
            ObjectIdleTime::SPEC,
            ObjectRefCount::SPEC,
        ],
        ..Spec::BASE
    };

    /// Reached only without a known subcommand.
    async fn run<D: Store>(_cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        Err(match args.next() {
            Some(word) => Error::unknown_subcommand("object", &word),
            None => args.arity(),
        })
    }
}

/// The `OBJECT` subcommands on a key: `f` of the key's value, or the null
/// reply when the key does not exist.
async fn object_of<D: Store, R: Send + 'static>(
    cx: &mut Ctx<'_, D>,
    mut args: Args,
    f: fn(&Value) -> R,
) -> Result<Option<R>, Error> {
    let key = args.required()?;
    let found = cx
        .db
        .read(cx.selected, &key, move |e| e.map(|e| f(&e.value)))
        .await;
    if found.is_none() {
        cx.reply.null();
    }
    Ok(found)
}

/// `OBJECT ENCODING key`
pub struct ObjectEncoding;

impl Command for ObjectEncoding {
    const SPEC: Spec = Spec {
        name: "object|encoding",
        arity: 3,
        flags: &["readonly"],
        keys: (2, 2, 1),
        acl: &["@keyspace", "@read", "@slow"],
        summary: "Names the internal representation Redis would use for a key's value.",
        since: "2.2.3",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        // Read before the step, which gets a copy: it is `'static`.
        let limits = cx.settings.thresholds();
        let key = args.required()?;
        let found = cx
            .db
            .read(cx.selected, &key, move |e| {
                e.map(|e| encoding(&e.value, &limits))
            })
            .await;
        cx.reply.bulk_or_null(found.map(str::as_bytes));
        Ok(())
    }
}

/// `OBJECT FREQ key`: there is no LFU policy, so Redis's error for a key
/// that exists.
pub struct ObjectFreq;

impl Command for ObjectFreq {
    const SPEC: Spec = Spec {
        name: "object|freq",
        arity: 3,
        flags: &["readonly"],
        keys: (2, 2, 1),
        acl: &["@keyspace", "@read", "@slow"],
        summary: "Returns a key's access-frequency counter, kept only under an LFU policy.",
        since: "4.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        match object_of(cx, args, |_| ()).await? {
            Some(()) => Err(Error::Fixed(
                "ERR An LFU maxmemory policy is not selected, access frequency not tracked. \
                 Please note that when switching between policies at runtime LRU and LFU data \
                 will take some time to adjust.",
            )),
            None => Ok(()),
        }
    }
}

/// `OBJECT IDLETIME key`: 0, since sharedkv keeps no access times.
pub struct ObjectIdleTime;

impl Command for ObjectIdleTime {
    const SPEC: Spec = Spec {
        name: "object|idletime",
        arity: 3,
        flags: &["readonly"],
        keys: (2, 2, 1),
        acl: &["@keyspace", "@read", "@slow"],
        summary: "Returns how many seconds ago a key was last used.",
        since: "2.2.3",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        if object_of(cx, args, |_| ()).await?.is_some() {
            cx.reply.int(0);
        }
        Ok(())
    }
}

/// `OBJECT REFCOUNT key`
pub struct ObjectRefCount;

impl Command for ObjectRefCount {
    const SPEC: Spec = Spec {
        name: "object|refcount",
        arity: 3,
        flags: &["readonly"],
        keys: (2, 2, 1),
        acl: &["@keyspace", "@read", "@slow"],
        summary: "Returns how many references Redis would hold to a key's value.",
        since: "2.2.3",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        if let Some(n) = object_of(cx, args, refcount).await? {
            cx.reply.int(n);
        }
        Ok(())
    }
}

/// `OBJECT HELP`: the subcommands, one line each with its description
/// indented below, as every Redis `HELP` is shaped.
pub struct ObjectHelp;

impl Command for ObjectHelp {
    const SPEC: Spec = Spec {
        name: "object|help",
        arity: 2,
        flags: &["loading", "stale"],
        keys: (0, 0, 0),
        acl: &["@keyspace", "@slow"],
        summary: "Lists the OBJECT subcommands.",
        since: "6.2.0",
        group: "generic",
        complexity: "O(1)",
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, _args: Args) -> Result<(), Error> {
        const LINES: &[&str] = &[
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ENCODING <key>",
            "    Name the internal representation that holds the value stored at",
            "    <key>, as Redis would choose it.",
            "FREQ <key>",
            "    Give the access frequency counter of <key>, which only an LFU",
            "    maxmemory policy keeps (a logarithmic scale).",
            "IDLETIME <key>",
            "    Give the seconds since <key> was last read or written; sharedkv does",
            "    not track this and answers 0.",
            "REFCOUNT <key>",
            "    Give how many references share the value stored at <key> (the small",
            "    integers 0 to 9999 are shared by every key that holds them).",
            "HELP",
            "    Show this list.",
        ];
        cx.reply.array(LINES.len());
        for line in LINES {
            cx.reply.simple(line.as_bytes());
        }
        Ok(())
    }
}

// ---------------------------------------------------- KEYS, SCAN, RANDOMKEY

/// `KEYS`, typed: every live key of `index` that matches the glob
/// `pattern` (`*`: every key), in the store's order.
pub async fn keys<D: Store>(db: &D, index: DbIndex, pattern: Bytes) -> Vec<Bytes> {
    let all = glob::matches_everything(&pattern);
    let (_, keys) = db
        .scan(index, 0, usize::MAX, move |key, _| {
            all || glob::matches(&pattern, key)
        })
        .await;
    keys
}

/// `KEYS pattern`
pub struct KeysCommand;

impl Command for KeysCommand {
    const SPEC: Spec = Spec {
        name: "keys",
        arity: 2,
        flags: &["readonly"],
        keys: (0, 0, 0),
        acl: &["@keyspace", "@read", "@slow", "@dangerous"],
        summary: "Lists every key that matches a glob pattern, in one reply.",
        since: "1.0.0",
        group: "generic",
        complexity: "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
        args: &[arg!("pattern", Pattern)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let pattern = args.required()?;
        let found = keys(cx.db, cx.selected, pattern).await;
        write_keys(&mut cx.reply, &found);
        Ok(())
    }
}

fn write_keys(reply: &mut crate::Reply<'_>, keys: &[Bytes]) {
    reply.array(keys.len());
    for key in keys {
        reply.bulk(key);
    }
}

/// The options of one `SCAN` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanOptions {
    /// `COUNT`: about how many keys to visit (a hint, as in Redis).
    pub count: usize,
    /// `MATCH`: only keys that match this glob pattern.
    pub pattern: Option<Bytes>,
    /// `TYPE`: only keys whose value has this type, as `TYPE` names it, in
    /// any case. A name that is no type matches nothing.
    pub kind: Option<Bytes>,
}

impl Default for ScanOptions {
    /// Redis's default: `COUNT 10`, no filter.
    fn default() -> Self {
        ScanOptions {
            count: 10,
            pattern: None,
            kind: None,
        }
    }
}

/// `SCAN`, typed: from `cursor` (0 to start), the keys of one call and the
/// cursor to continue from, 0 when the iteration is done. Cursors are the
/// store's (see [`Db::scan`]): any `u64` is accepted, and a full iteration
/// returns every key that stays present throughout at least once.
pub async fn scan<D: Store>(
    db: &D,
    index: DbIndex,
    cursor: u64,
    options: ScanOptions,
) -> (u64, Vec<Bytes>) {
    let ScanOptions {
        count,
        pattern,
        kind,
    } = options;
    let pattern = pattern.filter(|p| !glob::matches_everything(p));
    db.scan(index, cursor, count, move |key, entry| {
        pattern.as_ref().is_none_or(|p| glob::matches(p, key))
            && kind.as_ref().is_none_or(|k| {
                // Redis compares with `strcasecmp`: up to a NUL.
                c_str(k, usize::MAX).eq_ignore_ascii_case(entry.value.kind().name().as_bytes())
            })
    })
    .await
}

/// A `SCAN` cursor, read as Redis reads it with `strtoul`: decimal digits
/// after an optional sign, no leading space, nothing after (up to a NUL), no
/// overflow. A `-` wraps around as in C (`-1` is the largest cursor) and an
/// empty word is 0.
pub(crate) fn parse_cursor(word: &[u8]) -> Result<u64, Error> {
    const INVALID: Error = Error::Fixed("ERR invalid cursor");
    let word = c_str(word, usize::MAX);
    if word
        .first()
        .is_some_and(|&b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
    {
        return Err(INVALID);
    }
    let (negative, digits) = match word.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, word),
    };
    if digits.is_empty() {
        // `strtoul` converted nothing: only an empty word ends there.
        return if word.is_empty() { Ok(0) } else { Err(INVALID) };
    }
    let mut n: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(INVALID);
        }
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(d - b'0')))
            .ok_or(INVALID)?;
    }
    Ok(if negative { n.wrapping_neg() } else { n })
}

/// `SCAN`'s options, in Redis's order: each is checked as it comes, so the
/// first bad one decides the error. `TYPE` is taken only where `with_type`
/// (`SCAN`; `HSCAN`, `SSCAN` and `ZSCAN` take `MATCH` and `COUNT`).
pub(crate) fn parse_scan_options(mut args: Args, with_type: bool) -> Result<ScanOptions, Error> {
    let mut options = ScanOptions::default();
    let names: &[&str] = if with_type {
        &["COUNT", "MATCH", "TYPE"]
    } else {
        &["COUNT", "MATCH"]
    };
    while let Some(word) = args.next() {
        let option = names.iter().copied().find(|o| is_option(&word, o));
        let (Some(option), Some(value)) = (option, args.next()) else {
            return Err(Error::SYNTAX);
        };
        match option {
            "COUNT" => {
                let n = parse_i64(&value).ok_or(Error::NOT_AN_INTEGER)?;
                if n < 1 {
                    return Err(Error::SYNTAX);
                }
                options.count = usize::try_from(n).unwrap_or(usize::MAX);
            }
            "MATCH" => options.pattern = Some(value),
            _ => options.kind = Some(value),
        }
    }
    Ok(options)
}

/// `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]`
pub struct Scan;

impl Command for Scan {
    const SPEC: Spec = Spec {
        name: "scan",
        arity: -2,
        flags: &["readonly"],
        keys: (0, 0, 0),
        acl: &["@keyspace", "@read", "@slow"],
        summary: "Walks the keys of the database a few at a time with a cursor.",
        since: "2.8.0",
        group: "generic",
        complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
        args: &[
            arg!("cursor", Integer),
            arg!("pattern", Pattern, token: Some("MATCH"), optional: true),
            arg!("count", Integer, token: Some("COUNT"), optional: true),
            arg!("type", String, token: Some("TYPE"), since: Some("6.0.0"), optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let cursor = parse_cursor(&args.required()?)?;
        let options = parse_scan_options(args, true)?;
        let (next, found) = scan(cx.db, cx.selected, cursor, options).await;
        cx.reply.array(2);
        cx.reply.bulk(itoa::Buffer::new().format(next).as_bytes());
        write_keys(&mut cx.reply, &found);
        Ok(())
    }
}

/// `RANDOMKEY`
pub struct RandomKey;

impl Command for RandomKey {
    const SPEC: Spec = Spec {
        name: "randomkey",
        arity: 1,
        flags: &["readonly"],
        keys: (0, 0, 0),
        acl: &["@keyspace", "@read", "@slow"],
        summary: "Returns a key picked at random from the database.",
        since: "1.0.0",
        group: "generic",
        complexity: "O(1)",
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, _args: Args) -> Result<(), Error> {
        let key = cx.db.random_key(cx.selected).await;
        cx.reply.bulk_or_null(key.as_deref());
        Ok(())
    }
}

// ------------------------------------------------- RENAME, COPY, MOVE

/// The step that takes a key's entry out of its slot (value and deadline),
/// removing the key; `None` if it does not exist. The value is moved, not
/// cloned.
fn take(slot: &mut Slot<'_>) -> Option<Entry> {
    let entry = slot.entry_mut().map(|e| Entry {
        value: std::mem::replace(&mut e.value, Value::Int(0)),
        expires_at: e.expires_at,
    });
    if entry.is_some() {
        slot.remove();
    }
    entry
}

/// Stores `entry` under `key` in `index` unless `only_if_absent` and the
/// key exists; whether it did. Where multi-key steps are not atomic, a key
/// that appeared since it was checked is thus not overwritten.
fn put(
    view: &mut dyn Keys,
    index: DbIndex,
    key: &Bytes,
    entry: &Entry,
    only_if_absent: bool,
) -> bool {
    view.update(index, key, |slot| {
        if only_if_absent && slot.exists() {
            return false;
        }
        slot.put(entry.clone());
        true
    })
}

/// `RENAME`/`RENAMENX`, typed: moves `src`'s value and TTL to `dst` in
/// `index`, replacing what `dst` held (with `nx`, only if `dst` does not
/// exist). Whether it moved; `ERR no such key` if `src` does not exist. A
/// key renamed to itself is left alone (`Ok(false)`). `dst` is stored as
/// given: pass it through [`stored()`] if it comes from a request.
pub async fn rename<D: Store>(
    db: &D,
    index: DbIndex,
    src: Bytes,
    dst: Bytes,
    nx: bool,
) -> Result<bool, Error> {
    let keys = [src.clone(), dst.clone()];
    db.update_many(&keys, move |view: &mut dyn Keys| {
        if !view.read(index, &src, |e| e.is_some()) {
            return Err(Error::NO_SUCH_KEY);
        }
        if src == dst || (nx && view.read(index, &dst, |e| e.is_some())) {
            return Ok(false);
        }
        let entry = view.update(index, &src, take).ok_or(Error::NO_SUCH_KEY)?;
        if put(view, index, &dst, &entry, nx) {
            return Ok(true);
        }
        // RENAMENX lost a race to a new `dst` (strategies without atomic
        // multi-key steps): give `src` its entry back, under a key of its
        // own since the store keeps it.
        put(view, index, &stored(src.clone()), &entry, true);
        Ok(false)
    })
    .await
}

/// `RENAME key newkey`
pub struct Rename;

impl Command for Rename {
    const SPEC: Spec = Spec {
        name: "rename",
        arity: 3,
        flags: &["write"],
        keys: (1, 2, 1),
        acl: &["@keyspace", "@write", "@slow"],
        summary: "Gives a key a new name, keeping its value and TTL.",
        since: "1.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("newkey", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (src, dst) = (args.required()?, args.required()?);
        let kept = cx
            .notifies(notify::GENERIC)
            .then(|| (src.clone(), dst.clone()));
        let replaced = replaces(cx, cx.selected, &dst).await;
        if rename(cx.db, cx.selected, src, stored(dst), false).await?
            && let Some((src, dst)) = kept
        {
            if replaced {
                cx.notify(notify::NEW, "new", &dst);
            }
            notify_rename(cx, &src, &dst);
        }
        cx.reply.ok();
        Ok(())
    }
}

/// `RENAMENX key newkey`
pub struct RenameNx;

impl Command for RenameNx {
    const SPEC: Spec = Spec {
        name: "renamenx",
        arity: 3,
        flags: &["write", "fast"],
        keys: (1, 2, 1),
        acl: &["@keyspace", "@write", "@fast"],
        summary: "Gives a key a new name, only if no key has that name yet.",
        since: "1.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("newkey", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (src, dst) = (args.required()?, args.required()?);
        let kept = cx
            .notifies(notify::GENERIC)
            .then(|| (src.clone(), dst.clone()));
        let renamed = rename(cx.db, cx.selected, src, stored(dst), true).await?;
        if renamed && let Some((src, dst)) = kept {
            notify_rename(cx, &src, &dst);
        }
        cx.reply.int(i64::from(renamed));
        Ok(())
    }
}

/// Whether `key` of `db` exists, asked only while `new` events are on: a
/// key that a RENAME or COPY replaces is, for Redis, deleted and created
/// again, so it gets a `new` event that the store (which changes it in
/// place) does not send.
async fn replaces<D: Store>(cx: &Ctx<'_, D>, db: DbIndex, key: &Bytes) -> bool {
    if !cx.notifies(notify::NEW) {
        return false;
    }
    let probe = key.clone();
    cx.db.read(db, &probe, |e| e.is_some()).await
}

/// The events of a rename: `rename_from` on the old name, `rename_to` on
/// the new.
fn notify_rename<D>(cx: &Ctx<'_, D>, src: &[u8], dst: &[u8]) {
    cx.notify(notify::GENERIC, "rename_from", src);
    cx.notify(notify::GENERIC, "rename_to", dst);
}

/// `COPY`, typed: copies `src` of database `from` (value and TTL) to `dst`
/// of database `to`, unless `dst` exists and not `replace`. Whether it
/// copied. `dst` is stored as given (see [`stored()`]).
pub async fn copy<D: Store>(
    db: &D,
    from: DbIndex,
    src: Bytes,
    to: DbIndex,
    dst: Bytes,
    replace: bool,
) -> bool {
    let keys = [src.clone(), dst.clone()];
    db.update_many(&keys, move |view: &mut dyn Keys| {
        match view.read(from, &src, |e| e.cloned()) {
            Some(entry) => put(view, to, &dst, &entry, !replace),
            None => false,
        }
    })
    .await
}

/// `COPY source destination [DB destination-db] [REPLACE]`
pub struct Copy;

impl Command for Copy {
    const SPEC: Spec = Spec {
        name: "copy",
        arity: -3,
        flags: &["write", "denyoom"],
        keys: (1, 2, 1),
        acl: &["@keyspace", "@write", "@slow"],
        summary: "Copies a key's value and TTL to another key or database.",
        since: "6.2.0",
        group: "generic",
        complexity: "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
        args: &[
            arg!("source", Key),
            arg!("destination", Key),
            arg!("destination-db", Integer, token: Some("DB"), optional: true),
            token!("replace", "REPLACE", optional: true),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let (src, dst) = (args.required()?, args.required()?);
        let (mut to, mut replace) = (cx.selected, false);
        while let Some(word) = args.next() {
            if is_option(&word, "REPLACE") {
                replace = true;
            } else if is_option(&word, "DB")
                && let Some(n) = args.next()
            {
                to = db_index(&n)?;
            } else {
                return Err(Error::SYNTAX);
            }
        }
        if to == cx.selected && src == dst {
            return Err(SAME_OBJECT);
        }
        let kept = cx.notifies(notify::GENERIC).then(|| dst.clone());
        let replaced = replace && replaces(cx, to, &dst).await;
        let copied = copy(cx.db, cx.selected, src, to, stored(dst), replace).await;
        if copied && let Some(dst) = kept {
            if replaced {
                notify::notify(cx.settings, notify::NEW, "new", &dst, to);
            }
            notify::notify(cx.settings, notify::GENERIC, "copy_to", &dst, to);
        }
        cx.reply.int(i64::from(copied));
        Ok(())
    }
}

/// `MOVE`, typed: moves `key` (value and TTL) from database `from` to
/// database `to`, unless it does not exist or `to` already has it. Whether
/// it moved. `key` is stored as given (see [`stored()`]).
pub async fn move_key<D: Store>(db: &D, from: DbIndex, key: Bytes, to: DbIndex) -> bool {
    let keys = [key.clone()];
    db.update_many(&keys, move |view: &mut dyn Keys| {
        if !view.read(from, &key, |e| e.is_some()) || view.read(to, &key, |e| e.is_some()) {
            return false;
        }
        let Some(entry) = view.update(from, &key, take) else {
            return false;
        };
        if put(view, to, &key, &entry, true) {
            return true;
        }
        // Lost a race to a new key in `to`: put the entry back.
        put(view, from, &key, &entry, true);
        false
    })
    .await
}

/// `MOVE key db`
pub struct Move;

impl Command for Move {
    const SPEC: Spec = Spec {
        name: "move",
        arity: 3,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@write", "@fast"],
        summary: "Moves a key and its TTL to another database.",
        since: "1.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key), arg!("db", Integer)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let to = db_index(&args.required()?)?;
        if to == cx.selected {
            return Err(SAME_OBJECT);
        }
        let kept = cx.notifies(notify::GENERIC).then(|| key.clone());
        let moved = move_key(cx.db, cx.selected, stored(key), to).await;
        if moved && let Some(key) = kept {
            cx.notify(notify::GENERIC, "move_from", &key);
            notify::notify(cx.settings, notify::GENERIC, "move_to", &key, to);
        }
        cx.reply.int(i64::from(moved));
        Ok(())
    }
}

// ---------------------------------------------------------------- expiry

/// What `EXPIRE` requires of the key's current TTL: Redis 7's `NX`, `XX`,
/// `GT` and `LT`. A key without a TTL counts as one that never expires:
/// `GT` never applies to it, `LT` always does. Deadlines are compared to
/// the millisecond of the Unix clock, as Redis stores them: a second
/// `EXPIREAT key t GT` with the same `t` does nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExpireCondition {
    /// `NX`: only if the key has no TTL.
    pub if_persistent: bool,
    /// `XX`: only if the key has a TTL.
    pub if_volatile: bool,
    /// `GT`: only if the new deadline is later than the current one.
    pub if_later: bool,
    /// `LT`: only if the new deadline is earlier than the current one.
    pub if_earlier: bool,
}

impl ExpireCondition {
    /// No option: always.
    pub const ALWAYS: Self = Self {
        if_persistent: false,
        if_volatile: false,
        if_later: false,
        if_earlier: false,
    };

    /// Whether a key whose deadline is `current` may be given `at`.
    pub fn allows(self, current: Option<Instant>, at: Instant) -> bool {
        match current {
            None => !self.if_volatile && !self.if_later,
            Some(_) if self.if_persistent => false,
            Some(_) if !self.if_later && !self.if_earlier => true,
            Some(current) => {
                let (current, at) = (crate::unix_millis_at(current), crate::unix_millis_at(at));
                (!self.if_later || at > current) && (!self.if_earlier || at < current)
            }
        }
    }

    /// Parses the options after the amount, rejecting Redis's conflicts.
    /// Options are words up to a NUL, any case, as Redis's `strcasecmp`
    /// reads them.
    fn parse(args: Args) -> Result<Self, Error> {
        let mut c = ExpireCondition::ALWAYS;
        for option in args.rest() {
            if is_option(&option, "NX") {
                c.if_persistent = true;
            } else if is_option(&option, "XX") {
                c.if_volatile = true;
            } else if is_option(&option, "GT") {
                c.if_later = true;
            } else if is_option(&option, "LT") {
                c.if_earlier = true;
            } else {
                // `%s`: the whole word up to a NUL, not cut at 128 bytes.
                return Err(Error::render(&[
                    b"ERR Unsupported option ",
                    c_str(&option, usize::MAX),
                ]));
            }
        }
        if c.if_persistent && (c.if_volatile || c.if_later || c.if_earlier) {
            return Err(Error::Fixed(
                "ERR NX and XX, GT or LT options at the same time are not compatible",
            ));
        }
        if c.if_later && c.if_earlier {
            return Err(Error::Fixed(
                "ERR GT and LT options at the same time are not compatible",
            ));
        }
        Ok(c)
    }
}

/// `EXPIRE`, typed: gives `key` the deadline `at` if `condition` allows;
/// a deadline already past deletes the key. Whether it did either.
pub async fn expire<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    at: Instant,
    condition: ExpireCondition,
) -> bool {
    expire_event(db, index, key, at, condition).await.is_some()
}

/// `EXPIRE` as it runs: the event it publishes, `expire` (a deadline set)
/// or `del` (a deadline already past deleted the key), or `None` if it did
/// neither.
async fn expire_event<D: Store>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    at: Instant,
    condition: ExpireCondition,
) -> Option<&'static str> {
    db.update(index, &key, move |slot| {
        let now = slot.now();
        let entry = slot.entry_mut()?;
        if !condition.allows(entry.expires_at, at) {
            return None;
        }
        if at <= now {
            slot.remove();
            Some("del")
        } else {
            entry.expires_at = Some(at);
            Some("expire")
        }
    })
    .await
}

/// `EXPIRE`, `PEXPIRE` (relative: `absolute` false), `EXPIREAT` and
/// `PEXPIREAT`, amounts in `unit` milliseconds, as Redis's
/// `expireGenericCommand`: the options are checked before the amount; an
/// amount that is now or past deletes the key; a unit conversion (or, when
/// relative, a sum with the clock) that overflows is `invalid expire time`.
async fn run_expire<D: Store>(
    cx: &mut Ctx<'_, D>,
    mut args: Args,
    unit: i64,
    absolute: bool,
) -> Result<(), Error> {
    let name = args.name();
    let key = args.required()?;
    let amount = args.required()?;
    let condition = ExpireCondition::parse(args)?;
    let amount = parse_i64(&amount).ok_or(Error::NOT_AN_INTEGER)?;
    let invalid = || Error::invalid_expire_time(name);
    let millis = amount.checked_mul(unit).ok_or_else(invalid)?;
    let at = if absolute {
        crate::deadline_at_unix(millis)
    } else {
        crate::unix_now_millis()
            .checked_add(millis)
            .ok_or_else(invalid)?;
        crate::deadline_in(millis)
    };
    // Out of the clock's reach (Redis would take it): the same error.
    let at = at.ok_or_else(invalid)?;
    // The key is copied: a strategy may keep it in its expiry index.
    let kept = cx.notifies(notify::GENERIC).then(|| key.clone());
    let event = expire_event(cx.db, cx.selected, stored(key), at, condition).await;
    if let (Some(event), Some(key)) = (event, kept) {
        cx.notify(notify::GENERIC, event, &key);
    }
    cx.reply.int(i64::from(event.is_some()));
    Ok(())
}

/// `EXPIRE key seconds [NX|XX|GT|LT]`
pub struct Expire;

impl Command for Expire {
    const SPEC: Spec = Spec {
        name: "expire",
        arity: -3,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@write", "@fast"],
        summary: "Sets a key's time to live in seconds.",
        since: "1.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("seconds", Integer),
            arg!("condition", OneOf, since: Some("7.0.0"), optional: true, args: &[
                token!("nx", "NX"),
                token!("xx", "XX"),
                token!("gt", "GT"),
                token!("lt", "LT"),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_expire(cx, args, 1000, false).await
    }
}

/// `PEXPIRE key milliseconds [NX|XX|GT|LT]`
pub struct PExpire;

impl Command for PExpire {
    const SPEC: Spec = Spec {
        name: "pexpire",
        arity: -3,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@write", "@fast"],
        summary: "Sets a key's time to live in milliseconds.",
        since: "2.6.0",
        group: "generic",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("milliseconds", Integer),
            arg!("condition", OneOf, since: Some("7.0.0"), optional: true, args: &[
                token!("nx", "NX"),
                token!("xx", "XX"),
                token!("gt", "GT"),
                token!("lt", "LT"),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_expire(cx, args, 1, false).await
    }
}

/// `EXPIREAT key unix-time-seconds [NX|XX|GT|LT]`
pub struct ExpireAt;

impl Command for ExpireAt {
    const SPEC: Spec = Spec {
        name: "expireat",
        arity: -3,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@write", "@fast"],
        summary: "Makes a key expire at a Unix time given in seconds.",
        since: "1.2.0",
        group: "generic",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("unix-time-seconds", UnixTime),
            arg!("condition", OneOf, since: Some("7.0.0"), optional: true, args: &[
                token!("nx", "NX"),
                token!("xx", "XX"),
                token!("gt", "GT"),
                token!("lt", "LT"),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_expire(cx, args, 1000, true).await
    }
}

/// `PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT]`
pub struct PExpireAt;

impl Command for PExpireAt {
    const SPEC: Spec = Spec {
        name: "pexpireat",
        arity: -3,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@write", "@fast"],
        summary: "Makes a key expire at a Unix time given in milliseconds.",
        since: "2.6.0",
        group: "generic",
        complexity: "O(1)",
        args: &[
            arg!("key", Key),
            arg!("unix-time-milliseconds", UnixTime),
            arg!("condition", OneOf, since: Some("7.0.0"), optional: true, args: &[
                token!("nx", "NX"),
                token!("xx", "XX"),
                token!("gt", "GT"),
                token!("lt", "LT"),
            ]),
        ],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_expire(cx, args, 1, true).await
    }
}

/// When a key expires, as `EXPIRETIME` and `PEXPIRETIME` report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpireTime {
    /// The key does not exist (-2).
    Missing,
    /// The key has no TTL (-1).
    Persistent,
    /// The key expires at this Unix time, in milliseconds.
    At(i64),
}

/// `EXPIRETIME`/`PEXPIRETIME`, typed.
pub async fn expire_time<D: Store>(db: &D, index: DbIndex, key: &Bytes) -> ExpireTime {
    db.read(index, key, |e| match e {
        None => ExpireTime::Missing,
        Some(Entry {
            expires_at: None, ..
        }) => ExpireTime::Persistent,
        Some(Entry {
            expires_at: Some(at),
            ..
        }) => ExpireTime::At(crate::unix_millis_at(*at)),
    })
    .await
}

async fn run_expire_time<D: Store>(
    cx: &mut Ctx<'_, D>,
    mut args: Args,
    millis: bool,
) -> Result<(), Error> {
    let key = args.required()?;
    let reply = match expire_time(cx.db, cx.selected, &key).await {
        ExpireTime::Missing => -2,
        ExpireTime::Persistent => -1,
        ExpireTime::At(ms) if millis => ms.max(0),
        // Rounded to the nearest second, as Redis does.
        ExpireTime::At(ms) => ms.max(0).saturating_add(500) / 1000,
    };
    cx.reply.int(reply);
    Ok(())
}

/// `EXPIRETIME key`
pub struct ExpireTimeCommand;

impl Command for ExpireTimeCommand {
    const SPEC: Spec = Spec {
        name: "expiretime",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Returns the Unix time in seconds at which a key expires.",
        since: "7.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_expire_time(cx, args, false).await
    }
}

/// `PEXPIRETIME key`
pub struct PExpireTime;

impl Command for PExpireTime {
    const SPEC: Spec = Spec {
        name: "pexpiretime",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Returns the Unix time in milliseconds at which a key expires.",
        since: "7.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_expire_time(cx, args, true).await
    }
}

/// How long a key has left, as `TTL` and `PTTL` report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ttl {
    /// The key does not exist (-2).
    Missing,
    /// The key has no TTL (-1).
    Persistent,
    /// The key expires after this much more time.
    Expires(Duration),
}

/// `TTL`/`PTTL`, typed.
pub async fn ttl<D: Store>(db: &D, index: DbIndex, key: &Bytes) -> Ttl {
    db.read(index, key, |e| ttl_of(e, Instant::now())).await
}

fn ttl_of(entry: Option<&Entry>, now: Instant) -> Ttl {
    match entry {
        None => Ttl::Missing,
        Some(Entry {
            expires_at: None, ..
        }) => Ttl::Persistent,
        Some(Entry {
            expires_at: Some(at),
            ..
        }) => Ttl::Expires(at.saturating_duration_since(now)),
    }
}

async fn run_ttl<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args, millis: bool) -> Result<(), Error> {
    let key = args.required()?;
    let reply = match ttl(cx.db, cx.selected, &key).await {
        Ttl::Missing => -2,
        Ttl::Persistent => -1,
        Ttl::Expires(left) => {
            let ms = i64::try_from(left.as_millis()).unwrap_or(i64::MAX);
            // TTL rounds to the nearest second, as Redis does.
            if millis {
                ms
            } else {
                ms.saturating_add(500) / 1000
            }
        }
    };
    cx.reply.int(reply);
    Ok(())
}

/// `TTL key`
pub struct TtlCommand;

impl Command for TtlCommand {
    const SPEC: Spec = Spec {
        name: "ttl",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Returns a key's remaining time to live in seconds.",
        since: "1.0.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_ttl(cx, args, false).await
    }
}

/// `PTTL key`
pub struct PTtl;

impl Command for PTtl {
    const SPEC: Spec = Spec {
        name: "pttl",
        arity: 2,
        flags: &["readonly", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Returns a key's remaining time to live in milliseconds.",
        since: "2.6.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_ttl(cx, args, true).await
    }
}

/// `PERSIST`, typed: whether a TTL was removed.
pub async fn persist<D: Store>(db: &D, index: DbIndex, key: &Bytes) -> bool {
    db.update(index, key, |slot| {
        let has_ttl = slot.entry().is_some_and(|e| e.expires_at.is_some());
        if has_ttl && let Some(entry) = slot.entry_mut() {
            entry.expires_at = None;
        }
        has_ttl
    })
    .await
}

/// `PERSIST key`
pub struct Persist;

impl Command for Persist {
    const SPEC: Spec = Spec {
        name: "persist",
        arity: 2,
        flags: &["write", "fast"],
        keys: (1, 1, 1),
        acl: &["@keyspace", "@write", "@fast"],
        summary: "Removes a key's time to live.",
        since: "2.2.0",
        group: "generic",
        complexity: "O(1)",
        args: &[arg!("key", Key)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        // Copied: a strategy may keep the key of any write (papaya stores
        // the key it is handed whenever it commits one).
        let key = stored(args.required()?);
        let done = persist(cx.db, cx.selected, &key).await;
        if done {
            cx.notify(notify::GENERIC, "persist", &key);
        }
        cx.reply.int(i64::from(done));
        Ok(())
    }
}

// ------------------------------------------------------------- databases

/// `DBSIZE`
pub struct DbSize;

impl Command for DbSize {
    const SPEC: Spec = Spec {
        name: "dbsize",
        arity: 1,
        flags: &["readonly", "fast"],
        keys: (0, 0, 0),
        acl: &["@keyspace", "@read", "@fast"],
        summary: "Returns the number of keys in the selected database.",
        since: "1.0.0",
        group: "server",
        complexity: "O(1)",
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, _args: Args) -> Result<(), Error> {
        let n = cx.db.len(cx.selected).await;
        cx.reply.count(n);
        Ok(())
    }
}

/// `FLUSHDB`'s and `FLUSHALL`'s optional `ASYNC|SYNC`.
fn flush_mode(args: Args) -> Result<(), Error> {
    match args.rest().as_slice() {
        [] => Ok(()),
        [mode] if is(mode, "ASYNC") || is(mode, "SYNC") => Ok(()),
        _ => Err(Error::SYNTAX),
    }
}

/// `FLUSHDB [ASYNC|SYNC]`
pub struct FlushDb;

impl Command for FlushDb {
    const SPEC: Spec = Spec {
        name: "flushdb",
        arity: -1,
        flags: &["write"],
        keys: (0, 0, 0),
        acl: &["@keyspace", "@write", "@slow", "@dangerous"],
        summary: "Deletes every key of the selected database.",
        since: "1.0.0",
        group: "server",
        complexity: "O(N) where N is the number of keys in the selected database",
        args: &[arg!("async", OneOf, optional: true, args: &[
            token!("async", "ASYNC", since: Some("4.0.0")),
            token!("sync", "SYNC", since: Some("6.2.0")),
        ])],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        flush_mode(args)?;
        cx.db.clear(Some(cx.selected)).await;
        cx.reply.ok();
        Ok(())
    }
}

/// `FLUSHALL [ASYNC|SYNC]`
pub struct FlushAll;

impl Command for FlushAll {
    const SPEC: Spec = Spec {
        name: "flushall",
        arity: -1,
        flags: &["write"],
        keys: (0, 0, 0),
        acl: &["@keyspace", "@write", "@slow", "@dangerous"],
        summary: "Deletes every key of every database.",
        since: "1.0.0",
        group: "server",
        complexity: "O(N) where N is the total number of keys in all databases",
        args: &[arg!("async", OneOf, optional: true, args: &[
            token!("async", "ASYNC", since: Some("4.0.0")),
            token!("sync", "SYNC", since: Some("6.2.0")),
        ])],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        flush_mode(args)?;
        cx.db.clear(None).await;
        cx.reply.ok();
        Ok(())
    }
}

/// An argument Redis reads as a C `int` (`getIntFromObjectOrReply`): not
/// an integer, or outside `int`, are two different errors.
fn c_int(word: &[u8]) -> Result<i32, Error> {
    let n = parse_i64(word).ok_or(Error::NOT_AN_INTEGER)?;
    i32::try_from(n).map_err(|_| {
        Error::Fixed("ERR value is out of range, value must between -2147483648 and 2147483647")
    })
}

/// A database number argument, with Redis's three errors: not an
/// integer, not an `int`, not a database.
pub(crate) fn db_index(word: &[u8]) -> Result<DbIndex, Error> {
    DbIndex::new(i64::from(c_int(word)?)).ok_or(Error::DB_INDEX_OUT_OF_RANGE)
}

/// `SELECT index`
pub struct Select;

impl Command for Select {
    const SPEC: Spec = Spec {
        name: "select",
        arity: 2,
        flags: &["loading", "stale", "fast"],
        keys: (0, 0, 0),
        acl: &["@fast", "@connection"],
        summary: "Changes the connection's selected database.",
        since: "1.0.0",
        group: "connection",
        complexity: "O(1)",
        args: &[arg!("index", Integer)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        cx.selected = db_index(&args.required()?)?;
        cx.reply.ok();
        Ok(())
    }
}

/// `SWAPDB index1 index2`
pub struct SwapDb;

impl Command for SwapDb {
    const SPEC: Spec = Spec {
        name: "swapdb",
        arity: 3,
        flags: &["write", "fast"],
        keys: (0, 0, 0),
        acl: &["@keyspace", "@write", "@fast", "@dangerous"],
        summary: "Exchanges the contents of two databases.",
        since: "4.0.0",
        group: "server",
        complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.",
        args: &[arg!("index1", Integer), arg!("index2", Integer)],
        ..Spec::BASE
    };

    async fn run<D: Store>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        // Redis names the argument in the integer errors, then checks both
        // ranges together.
        let int = |word: Bytes, error: &'static str| {
            parse_i64(&word)
                .and_then(|n| i32::try_from(n).ok())
                .ok_or(Error::Fixed(error))
        };
        let a = int(args.required()?, "ERR invalid first DB index")?;
        let b = int(args.required()?, "ERR invalid second DB index")?;
        let (Some(a), Some(b)) = (DbIndex::new(i64::from(a)), DbIndex::new(i64::from(b))) else {
            return Err(Error::DB_INDEX_OUT_OF_RANGE);
        };
        if a != b {
            cx.db.swap(a, b).await;
        }
        cx.reply.ok();
        Ok(())
    }
}

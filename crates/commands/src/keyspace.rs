//! The keyspace family: commands on keys of any type, expiry, and the
//! sixteen databases. Redis keeps these in `db.c` and `expire.c`.

use std::time::Duration;

use bytes::Bytes;
use sharedkv_db::{Db, DbIndex, Entry, Instant, Keys, ReadKeys, Slot};

use crate::{Args, Command, Ctx, Error, Spec, arg, is, stored, token};

// ------------------------------------------------------------ DEL, EXISTS

/// `DEL`, typed: how many of `keys` existed (a key named twice counts once).
pub async fn del<D: Db>(db: &D, index: DbIndex, keys: Vec<Bytes>) -> usize {
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

/// `EXISTS`, typed: how many of `keys` exist, a key named twice counting
/// twice.
pub async fn exists<D: Db>(db: &D, index: DbIndex, keys: Vec<Bytes>) -> usize {
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        let n = del(cx.db, cx.selected, args.rest()).await;
        cx.reply.count(n);
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        let n = del(cx.db, cx.selected, args.rest()).await;
        cx.reply.count(n);
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let kind = cx
            .db
            .read(cx.selected, &key, |e| e.map(|e| e.value.kind().name()))
            .await;
        cx.reply.simple(kind.unwrap_or("none").as_bytes());
        Ok(())
    }
}

// ---------------------------------------------------------------- expiry

/// What `EXPIRE` requires of the key's current TTL: Redis 7's `NX`, `XX`,
/// `GT` and `LT`. A key without a TTL counts as one that never expires:
/// `GT` never applies to it, `LT` always does.
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
            Some(current) => {
                !self.if_persistent
                    && (!self.if_later || at > current)
                    && (!self.if_earlier || at < current)
            }
        }
    }

    /// Parses the options after the amount, rejecting Redis's conflicts.
    fn parse(args: Args) -> Result<Self, Error> {
        let mut c = ExpireCondition::ALWAYS;
        for option in args.rest() {
            if is(&option, "NX") {
                c.if_persistent = true;
            } else if is(&option, "XX") {
                c.if_volatile = true;
            } else if is(&option, "GT") {
                c.if_later = true;
            } else if is(&option, "LT") {
                c.if_earlier = true;
            } else {
                return Err(Error::with_arg("ERR Unsupported option ", &option, ""));
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
pub async fn expire<D: Db>(
    db: &D,
    index: DbIndex,
    key: Bytes,
    at: Instant,
    condition: ExpireCondition,
) -> bool {
    db.update(index, &key, move |slot| {
        let now = slot.now();
        let Some(entry) = slot.entry_mut() else {
            return false;
        };
        if !condition.allows(entry.expires_at, at) {
            return false;
        }
        if at <= now {
            slot.remove();
        } else {
            entry.expires_at = Some(at);
        }
        true
    })
    .await
}

/// `EXPIRE key seconds [NX|XX|GT|LT]` and `PEXPIRE key milliseconds [...]`.
/// Zero and negative amounts delete the key; a unit conversion or a sum
/// with the clock that overflows is `invalid expire time`.
async fn run_expire<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args, unit: i64) -> Result<(), Error> {
    let name = args.name();
    let key = args.required()?;
    let amount = args.int()?;
    let condition = ExpireCondition::parse(args)?;
    let invalid = || Error::invalid_expire_time(name);
    let millis = amount.checked_mul(unit).ok_or_else(invalid)?;
    crate::unix_now_millis()
        .checked_add(millis)
        .ok_or_else(invalid)?;
    let at = crate::deadline_in(millis).ok_or_else(invalid)?;
    // The key is copied: a strategy may keep it in its expiry index.
    let done = expire(cx.db, cx.selected, stored(key), at, condition).await;
    cx.reply.int(i64::from(done));
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_expire(cx, args, 1000).await
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_expire(cx, args, 1).await
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
pub async fn ttl<D: Db>(db: &D, index: DbIndex, key: &Bytes) -> Ttl {
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

async fn run_ttl<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args, millis: bool) -> Result<(), Error> {
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        run_ttl(cx, args, true).await
    }
}

/// `PERSIST`, typed: whether a TTL was removed.
pub async fn persist<D: Db>(db: &D, index: DbIndex, key: &Bytes) -> bool {
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        let key = args.required()?;
        let done = persist(cx.db, cx.selected, &key).await;
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, _args: Args) -> Result<(), Error> {
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, args: Args) -> Result<(), Error> {
        flush_mode(args)?;
        cx.db.clear(None).await;
        cx.reply.ok();
        Ok(())
    }
}

/// A database number argument, with Redis's two errors.
pub(crate) fn db_index(word: &[u8]) -> Result<DbIndex, Error> {
    let n = sharedkv_db::parse_i64(word).ok_or(Error::NOT_AN_INTEGER)?;
    DbIndex::new(n).ok_or(Error::DB_INDEX_OUT_OF_RANGE)
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

    async fn run<D: Db>(cx: &mut Ctx<'_, D>, mut args: Args) -> Result<(), Error> {
        cx.selected = db_index(&args.required()?)?;
        cx.reply.ok();
        Ok(())
    }
}

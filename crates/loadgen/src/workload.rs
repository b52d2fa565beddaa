//! The workload model, after bustle's: an operation mix that sums to 100,
//! and key names and values that are pure functions of a key index, so that
//! the whole operation sequence can be generated before timing starts and
//! every reply can be checked.
//!
//! Two kinds of mix share the model. The string mixes (`read-heavy`,
//! `mixed`, `get=A,set=B,incr=C`, ...) are what a cache does. The
//! application workloads stand for one use of one collection type each, with
//! a fixed mix: `queue` (lists as job queues), `session` (hashes as session
//! records), `tags` (sets as membership tests) and `leaderboard` (sorted
//! sets as score boards). Each has its own key namespace, so no operation
//! meets a key of another type.
//!
//! Three more are a bank, for what transactions cost: `account:<i>` keys
//! hold balances (1,000,000 each after a prefill), and every operation
//! moves [`TRANSFER_AMOUNT`] from one account to another, in one of the
//! three ways a client can make that atomic. `transfer` sends `MULTI`,
//! `DECRBY`, `INCRBY`, `EXEC` in one batch (four requests, one operation);
//! `transfer-eval` sends one `EVALSHA` of a script that does both (loaded
//! once with `SCRIPT LOAD` at start-up, as clients do); `transfer-watch` is
//! the optimistic version, `WATCH` and `MGET`, then `MULTI`, two `SET`s and
//! `EXEC`, retried from the `WATCH` when another client changed an account
//! in between. After a prefill the sum of the balances must be the same at
//! the end.

use std::fmt;
use std::str::FromStr;

use rand::Rng;

use crate::dist::Sampler;

/// One operation of the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `GET key:<i>`.
    Get,
    /// `SET key:<i> <value of i>`.
    Set,
    /// `INCR ctr:<i>`. Counters live in their own `ctr:` namespace, so that
    /// an `INCR` never meets a string value a `SET` wrote (which would be a
    /// `-ERR value is not an integer` reply).
    Incr,
    /// `LPUSH queue:<i> <value of i>`: a producer enqueues a job.
    Lpush,
    /// `RPOP queue:<i>`: a worker takes the oldest job, if any.
    Rpop,
    /// `HSET session:<i> user <value> token <value>`: a login writes its
    /// session's two fields.
    Hset,
    /// `HGET session:<i> <field>`: a request reads one field.
    Hget,
    /// `HGETALL session:<i>`: a request reads the whole session.
    Hgetall,
    /// `SADD tags:<i> item:<j>`: an item is tagged.
    Sadd,
    /// `SISMEMBER tags:<i> item:<j>`: is the item tagged?
    Sismember,
    /// `ZINCRBY board:<i> 1 player:<j>`: a player scores a point.
    Zincrby,
    /// `ZREVRANGE board:<i> 0 9 WITHSCORES`: the top ten.
    Zrevrange,
    /// `MULTI`, `DECRBY account:<i> 7`, `INCRBY account:<j> 7`, `EXEC`, in
    /// one batch: four requests and four replies, one operation.
    Transfer,
    /// `EVALSHA <sha> 2 account:<i> account:<j> 7` of [`TRANSFER_SCRIPT`].
    TransferEval,
    /// `WATCH account:<i> account:<j>` and `MGET` of both (one round
    /// trip), then `MULTI`, a `SET` of each new balance and `EXEC` (a
    /// second one); a null `EXEC` starts again from the `WATCH`.
    TransferWatch,
}

impl Op {
    /// Every operation, in the order of [`Op`]'s variants (`op as usize`
    /// is its index here).
    pub const ALL: [Op; 15] = [
        Op::Get,
        Op::Set,
        Op::Incr,
        Op::Lpush,
        Op::Rpop,
        Op::Hset,
        Op::Hget,
        Op::Hgetall,
        Op::Sadd,
        Op::Sismember,
        Op::Zincrby,
        Op::Zrevrange,
        Op::Transfer,
        Op::TransferEval,
        Op::TransferWatch,
    ];

    /// The command name as sent; for a transaction, its shape
    /// (`MULTI/EXEC`, `WATCH/EXEC`).
    pub fn command(self) -> &'static str {
        match self {
            Op::Get => "GET",
            Op::Set => "SET",
            Op::Incr => "INCR",
            Op::Lpush => "LPUSH",
            Op::Rpop => "RPOP",
            Op::Hset => "HSET",
            Op::Hget => "HGET",
            Op::Hgetall => "HGETALL",
            Op::Sadd => "SADD",
            Op::Sismember => "SISMEMBER",
            Op::Zincrby => "ZINCRBY",
            Op::Zrevrange => "ZREVRANGE",
            Op::Transfer => "MULTI/EXEC",
            Op::TransferEval => "EVALSHA",
            Op::TransferWatch => "WATCH/EXEC",
        }
    }

    /// The requests one step of it puts in a batch, and so the replies the
    /// batch reads for it: 4 for [`Op::Transfer`], 1 for the others.
    /// [`Op::TransferWatch`] is never batched (its `MULTI` needs the
    /// `MGET`'s reply): it sends 2, then 4, per attempt.
    pub fn frames(self) -> usize {
        match self {
            Op::Transfer => 4,
            _ => 1,
        }
    }

    /// The namespace of the keys it touches.
    pub fn space(self) -> Space {
        match self {
            Op::Get | Op::Set => Space::Key,
            Op::Incr => Space::Ctr,
            Op::Lpush | Op::Rpop => Space::Queue,
            Op::Hset | Op::Hget | Op::Hgetall => Space::Session,
            Op::Sadd | Op::Sismember => Space::Tags,
            Op::Zincrby | Op::Zrevrange => Space::Board,
            Op::Transfer | Op::TransferEval | Op::TransferWatch => Space::Account,
        }
    }
}

/// A key namespace: the keys one type of value lives under. Each is
/// written by its own operations only, so a key's type is always the one
/// its operations expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Space {
    /// `key:<i>`, strings of `GET` and `SET`.
    Key,
    /// `ctr:<i>`, the counters of `INCR`.
    Ctr,
    /// `queue:<i>`, lists.
    Queue,
    /// `session:<i>`, hashes of two fields.
    Session,
    /// `tags:<i>`, sets of `item:<j>`.
    Tags,
    /// `board:<i>`, sorted sets of `player:<j>`.
    Board,
    /// `account:<i>`, balances: integers as strings, [`INITIAL_BALANCE`]
    /// each after a prefill.
    Account,
}

impl Space {
    /// The key name's prefix.
    pub fn prefix(self) -> &'static [u8] {
        match self {
            Space::Key => b"key:",
            Space::Ctr => b"ctr:",
            Space::Queue => b"queue:",
            Space::Session => b"session:",
            Space::Tags => b"tags:",
            Space::Board => b"board:",
            Space::Account => b"account:",
        }
    }
}

/// The two fields of every session hash, in the order `HSET` writes them.
pub const SESSION_FIELDS: [&[u8]; 2] = [b"user", b"token"];

/// The members `ZREVRANGE` asks for: the top ten.
pub const TOP: usize = 10;

/// What a prefill sets every account to.
pub const INITIAL_BALANCE: i64 = 1_000_000;

/// What every transfer moves from one account to the other.
pub const TRANSFER_AMOUNT: i64 = 7;

/// The script of `transfer-eval`: the `DECRBY` of `KEYS[1]` and the
/// `INCRBY` of `KEYS[2]` by `ARGV[1]`, both results returned as an array
/// (Redis runs a script as one step: nothing runs between the two calls).
pub const TRANSFER_SCRIPT: &str = "local from = redis.call('DECRBY', KEYS[1], ARGV[1]) \
    local to = redis.call('INCRBY', KEYS[2], ARGV[1]) \
    return {from, to}";

/// An operation mix in percent, summing to 100, as bustle's `Mix` insists:
/// a `GET`/`SET`/`INCR` mix, or one of the application workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    /// The application workload's name; `None` for a string mix.
    app: Option<&'static str>,
    /// Operations and percentages; only the first `len` count.
    mix: [(Op, u8); 3],
    len: usize,
}

impl Workload {
    /// 95% `GET`, 5% `SET`.
    pub const READ_HEAVY: Workload = Workload::preset(95, 5, 0);
    /// 50% `GET`, 50% `SET`.
    pub const MIXED: Workload = Workload::preset(50, 50, 0);
    /// 10% `GET`, 90% `SET`.
    pub const WRITE_HEAVY: Workload = Workload::preset(10, 90, 0);
    /// `INCR` only.
    pub const INCR: Workload = Workload::preset(0, 0, 100);
    /// A job queue: 50% `LPUSH` onto one of a few lists, 50% `RPOP` from
    /// one.
    pub const QUEUE: Workload = Workload::app("queue", [(Op::Lpush, 50), (Op::Rpop, 50)]);
    /// A session store: 45% `HSET` of a session's two fields, 45% `HGET` of
    /// one, 10% `HGETALL`.
    pub const SESSION: Workload = Workload {
        app: Some("session"),
        mix: [(Op::Hset, 45), (Op::Hget, 45), (Op::Hgetall, 10)],
        len: 3,
    };
    /// Tags: 20% `SADD` of an item to a tag's set, 80% `SISMEMBER`.
    pub const TAGS: Workload = Workload::app("tags", [(Op::Sadd, 20), (Op::Sismember, 80)]);
    /// Leaderboards: 90% `ZINCRBY` of a player by 1 on one of a few boards,
    /// 10% `ZREVRANGE 0 9 WITHSCORES` (the top ten).
    pub const LEADERBOARD: Workload =
        Workload::app("leaderboard", [(Op::Zincrby, 90), (Op::Zrevrange, 10)]);

    /// A bank: every operation moves 7 between two accounts in one
    /// `MULTI`/`EXEC` batch.
    pub const TRANSFER: Workload = Workload::only("transfer", Op::Transfer);
    /// The same transfer as one `EVALSHA` of [`TRANSFER_SCRIPT`].
    pub const TRANSFER_EVAL: Workload = Workload::only("transfer-eval", Op::TransferEval);
    /// The same transfer, optimistic: `WATCH`, read, `MULTI`/`EXEC`, retried
    /// when a watched account changed. One transfer at a time per
    /// connection.
    pub const TRANSFER_WATCH: Workload = Workload::only("transfer-watch", Op::TransferWatch);

    /// The application workloads on collections, by name.
    pub const APPS: [Workload; 4] = [
        Workload::QUEUE,
        Workload::SESSION,
        Workload::TAGS,
        Workload::LEADERBOARD,
    ];

    /// The bank's workloads, by name: transfers between `account:<i>` keys.
    pub const BANK: [Workload; 3] = [
        Workload::TRANSFER,
        Workload::TRANSFER_EVAL,
        Workload::TRANSFER_WATCH,
    ];

    const fn preset(get: u8, set: u8, incr: u8) -> Workload {
        Workload {
            app: None,
            mix: [(Op::Get, get), (Op::Set, set), (Op::Incr, incr)],
            len: 3,
        }
    }

    const fn app(name: &'static str, mix: [(Op, u8); 2]) -> Workload {
        Workload {
            app: Some(name),
            mix: [mix[0], mix[1], (mix[1].0, 0)],
            len: 2,
        }
    }

    const fn only(name: &'static str, op: Op) -> Workload {
        Workload {
            app: Some(name),
            mix: [(op, 100), (op, 0), (op, 0)],
            len: 1,
        }
    }

    /// A string mix in percent; `None` unless the three sum to 100.
    pub fn new(get: u8, set: u8, incr: u8) -> Option<Workload> {
        (u16::from(get) + u16::from(set) + u16::from(incr) == 100)
            .then_some(Workload::preset(get, set, incr))
    }

    /// The operations and their percentages (a string mix lists `GET`,
    /// `SET` and `INCR`, zeros included).
    pub fn mix(&self) -> &[(Op, u8)] {
        &self.mix[..self.len]
    }

    /// The application workload's name (`queue`, ...); `None` for a string
    /// mix.
    pub fn app_name(&self) -> Option<&'static str> {
        self.app
    }

    /// Whether it is one of the bank's ([`Workload::BANK`]): its operations
    /// move money between accounts, whose sum a prefilled run checks at the
    /// end.
    pub fn is_bank(&self) -> bool {
        self.mix[0].0.space() == Space::Account
    }

    /// Percentage of `op`.
    pub fn pct(&self, op: Op) -> u8 {
        self.mix()
            .iter()
            .filter(|(o, _)| *o == op)
            .map(|(_, p)| *p)
            .sum()
    }

    /// Percentage of `GET`s.
    pub fn get_pct(&self) -> u8 {
        self.pct(Op::Get)
    }

    /// Percentage of `SET`s.
    pub fn set_pct(&self) -> u8 {
        self.pct(Op::Set)
    }

    /// Percentage of `INCR`s.
    pub fn incr_pct(&self) -> u8 {
        self.pct(Op::Incr)
    }

    /// The namespaces its operations touch, each once, in mix order; the
    /// prefill writes these.
    pub fn spaces(&self) -> Vec<Space> {
        let mut spaces = Vec::new();
        for &(op, pct) in self.mix() {
            if pct > 0 && !spaces.contains(&op.space()) {
                spaces.push(op.space());
            }
        }
        spaces
    }

    /// The number of keys when none is given: 16 queues, 1,000 tags, 8
    /// leaderboards (a few hot keys, as those applications have), 1,000
    /// accounts, 100,000 strings or sessions.
    pub fn default_keys(&self) -> u64 {
        match self.mix[0].0.space() {
            Space::Queue => 16,
            Space::Tags | Space::Account => 1_000,
            Space::Board => 8,
            Space::Key | Space::Ctr | Space::Session => 100_000,
        }
    }

    /// Draws one operation with the mix's probabilities.
    pub fn pick<R: Rng + ?Sized>(&self, rng: &mut R) -> Op {
        let roll = rng.random_range(0..100u8);
        let mut below = 0;
        for &(op, pct) in self.mix() {
            below += pct;
            if roll < below {
                return op;
            }
        }
        // Unreachable: the percentages sum to 100.
        self.mix[self.len - 1].0
    }
}

impl FromStr for Workload {
    type Err = String;

    /// `read-heavy`, `mixed`, `write-heavy`, `incr`, `queue`, `session`,
    /// `tags`, `leaderboard`, `transfer`, `transfer-eval`, `transfer-watch`,
    /// a bare `GET` percentage (`80`: 80% `GET`, 20% `SET`), or the general
    /// `get=A,set=B,incr=C` (omitted parts are 0; they must sum to 100).
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "read-heavy" => return Ok(Workload::READ_HEAVY),
            "mixed" => return Ok(Workload::MIXED),
            "write-heavy" => return Ok(Workload::WRITE_HEAVY),
            "incr" => return Ok(Workload::INCR),
            _ => {}
        }
        let named = Workload::APPS.iter().chain(&Workload::BANK);
        if let Some(app) = named.into_iter().find(|w| w.app == Some(text)) {
            return Ok(*app);
        }
        if let Ok(get) = text.parse::<u8>() {
            return if get <= 100 {
                Ok(Workload::preset(get, 100 - get, 0))
            } else {
                Err(format!("GET percentage {get} is over 100"))
            };
        }
        let (mut get, mut set, mut incr) = (0u8, 0u8, 0u8);
        for part in text.split(',') {
            let bad = || {
                format!(
                    "unknown workload {text:?} (read-heavy, mixed, write-heavy, incr, queue, \
                     session, tags, leaderboard, transfer, transfer-eval, transfer-watch, a GET \
                     percentage, or get=A,set=B,incr=C)"
                )
            };
            let (name, pct) = part.split_once('=').ok_or_else(bad)?;
            let pct: u8 = pct.parse().map_err(|_| bad())?;
            match name {
                "get" => get = pct,
                "set" => set = pct,
                "incr" => incr = pct,
                _ => return Err(bad()),
            }
        }
        Workload::new(get, set, incr).ok_or_else(|| format!("{text:?} does not sum to 100"))
    }
}

impl fmt::Display for Workload {
    /// The preset's name, or the bare `GET` percentage, or
    /// `get=A,set=B,incr=C`; [`FromStr`] reads each back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = self.app {
            return f.write_str(name);
        }
        match *self {
            Workload::READ_HEAVY => f.write_str("read-heavy"),
            Workload::MIXED => f.write_str("mixed"),
            Workload::WRITE_HEAVY => f.write_str("write-heavy"),
            Workload::INCR => f.write_str("incr"),
            _ => {
                let (get, set, incr) = (self.get_pct(), self.set_pct(), self.incr_pct());
                if incr == 0 {
                    write!(f, "{get}")
                } else {
                    write!(f, "get={get},set={set},incr={incr}")
                }
            }
        }
    }
}

/// One precomputed step of a connection's sequence: an operation, its key
/// index and, for the operations that name one, its member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The operation.
    pub op: Op,
    /// The key index, in `0..keys`.
    pub key: u32,
    /// `SADD`, `SISMEMBER` and `ZINCRBY`: the member index, in
    /// `0..members`; `HGET`: the field, an index into [`SESSION_FIELDS`];
    /// a transfer: the account it pays (`key` is the one it takes from),
    /// in `0..keys` and never `key`; 0 otherwise.
    pub member: u32,
}

/// Generates `len` steps, the way bustle generates its operations before
/// the clock starts: the connection then cycles through them, so the timed
/// loop draws no random numbers. Keys follow `sampler`; members are uniform
/// over `0..members`; a transfer's second account follows `sampler` too,
/// drawn again until it differs from the first (there must be two keys).
pub fn sequence<R: Rng + ?Sized>(
    workload: &Workload,
    sampler: &Sampler,
    members: u64,
    len: usize,
    rng: &mut R,
) -> Vec<Step> {
    let members = members.clamp(1, Keyspace::MAX_KEYS);
    (0..len)
        .map(|_| {
            let op = workload.pick(rng);
            let key = u32::try_from(sampler.sample(rng)).expect("keys are limited to u32::MAX");
            let member = match op {
                Op::Sadd | Op::Sismember | Op::Zincrby => {
                    u32::try_from(rng.random_range(0..members)).unwrap_or(u32::MAX)
                }
                Op::Hget => rng.random_range(0..SESSION_FIELDS.len() as u32),
                Op::Transfer | Op::TransferEval | Op::TransferWatch => {
                    other_account(sampler, key, rng)
                }
                _ => 0,
            };
            Step { op, key, member }
        })
        .collect()
}

/// An account of `sampler`'s other than `from`: drawn from `sampler` until
/// it differs (a few tries even when `from` is zipf's hottest), then, should
/// that keep failing, uniform over the others. `from` itself with one key.
fn other_account<R: Rng + ?Sized>(sampler: &Sampler, from: u32, rng: &mut R) -> u32 {
    let keys = sampler.keys().min(Keyspace::MAX_KEYS);
    if keys < 2 {
        return from;
    }
    for _ in 0..64 {
        let to = u32::try_from(sampler.sample(rng)).unwrap_or(u32::MAX);
        if to != from {
            return to;
        }
    }
    let step = rng.random_range(1..keys);
    u32::try_from((u64::from(from) + step) % keys).unwrap_or(u32::MAX)
}

/// Key names, member names and values, all deterministic functions of an
/// index.
///
/// Names are fixed-width (`key:000042`, `ctr:000042`, `item:000007`; at
/// least six digits, more when `keys` or `members` needs them). The value of
/// key `i` is always the same `value_size` bytes, whoever writes it
/// (prefill, a `SET`, the hog's `MSET`, an `LPUSH` onto `queue:<i>`, an
/// `HSET` of `session:<i>`'s `user` field), so after a prefill every reply
/// that returns a value can be compared with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyspace {
    keys: u64,
    width: usize,
    members: u64,
    member_width: usize,
    value_size: usize,
}

/// Digits of the largest index below `n`, and at least six.
fn width_for(n: u64) -> usize {
    n.saturating_sub(1)
        .checked_ilog10()
        .map_or(1, |d| d as usize + 1)
        .max(6)
}

/// Appends `index` to `out`, zero-padded to `width` digits.
fn push_padded(out: &mut Vec<u8>, index: u64, width: usize) {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(index);
    out.resize(out.len() + width.saturating_sub(digits.len()), b'0');
    out.extend_from_slice(digits.as_bytes());
}

impl Keyspace {
    /// The largest number of keys: indexes are stored as `u32`.
    pub const MAX_KEYS: u64 = u32::MAX as u64;

    /// Members per set or leaderboard (and jobs per queue at prefill)
    /// unless [`Keyspace::with_members`] says otherwise.
    pub const DEFAULT_MEMBERS: u64 = 1_000;

    /// `keys` keys (1 to [`Keyspace::MAX_KEYS`]) of `value_size`-byte values.
    pub fn new(keys: u64, value_size: usize) -> Keyspace {
        assert!((1..=Self::MAX_KEYS).contains(&keys), "keys out of range");
        Keyspace {
            keys,
            width: width_for(keys),
            members: Self::DEFAULT_MEMBERS,
            member_width: width_for(Self::DEFAULT_MEMBERS),
            value_size,
        }
    }

    /// The same with `members` members (1 to [`Keyspace::MAX_KEYS`]) per
    /// set or leaderboard.
    pub fn with_members(self, members: u64) -> Keyspace {
        assert!(
            (1..=Self::MAX_KEYS).contains(&members),
            "members out of range"
        );
        Keyspace {
            members,
            member_width: width_for(members),
            ..self
        }
    }

    /// The number of keys.
    pub fn keys(&self) -> u64 {
        self.keys
    }

    /// The number of members per set or leaderboard.
    pub fn members(&self) -> u64 {
        self.members
    }

    /// The size of every value, in bytes.
    pub fn value_size(&self) -> usize {
        self.value_size
    }

    /// Replaces `out` with the name `op` uses for key `index`: its
    /// [`Space`]'s prefix (`key:` for `GET` and `SET`, `ctr:` for `INCR`,
    /// ...) and the index.
    pub fn key_into(&self, op: Op, index: u64, out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(op.space().prefix());
        push_padded(out, index, self.width);
    }

    /// The name `op` uses for key `index`.
    pub fn key(&self, op: Op, index: u64) -> Vec<u8> {
        let mut out = Vec::new();
        self.key_into(op, index, &mut out);
        out
    }

    /// Replaces `out` with the name of member `index` in `space`:
    /// `item:<j>` in a tag's set, `player:<j>` on a leaderboard.
    pub fn member_into(&self, space: Space, index: u64, out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(match space {
            Space::Board => b"player:",
            _ => b"item:",
        });
        push_padded(out, index, self.member_width);
    }

    /// The name of member `index` in `space`.
    pub fn member(&self, space: Space, index: u64) -> Vec<u8> {
        let mut out = Vec::new();
        self.member_into(space, index, &mut out);
        out
    }

    /// Replaces `out` with the value of field `field` (an index into
    /// [`SESSION_FIELDS`]) of `session:<index>`: the value of key `index`
    /// for `user`, that of key `keys + index` for `token`, so that the two
    /// differ.
    pub fn field_value_into(&self, index: u64, field: u32, out: &mut Vec<u8>) {
        self.value_into(index + u64::from(field) * self.keys, out);
    }

    /// Replaces `out` with the value of key `index`: its decimal index, a
    /// colon, then pseudo-random `[0-9A-Za-z_-]` bytes seeded by the index,
    /// cut to `value_size`. Two keys' values differ even when short.
    pub fn value_into(&self, index: u64, out: &mut Vec<u8>) {
        const ALPHABET: &[u8; 64] =
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
        out.clear();
        out.extend_from_slice(itoa::Buffer::new().format(index).as_bytes());
        out.push(b':');
        let mut state = index ^ 0x5EED_CAFE_F00D_D00D;
        while out.len() < self.value_size {
            let word = splitmix64(&mut state);
            let need = (self.value_size - out.len()).min(8);
            out.extend(
                word.to_le_bytes()[..need]
                    .iter()
                    .map(|b| ALPHABET[usize::from(b & 63)]),
            );
        }
        out.truncate(self.value_size);
    }

    /// The value of key `index`.
    pub fn value(&self, index: u64) -> Vec<u8> {
        let mut out = Vec::new();
        self.value_into(index, &mut out);
        out
    }

    /// Whether `got` is the value of key `index`; `scratch` is reused to
    /// build the expected value.
    pub fn value_matches(&self, index: u64, got: &[u8], scratch: &mut Vec<u8>) -> bool {
        got.len() == self.value_size && {
            self.value_into(index, scratch);
            got == &scratch[..]
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood): a tiny, well-mixed 64-bit generator.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;
    use crate::KeyDist;

    /// Each named mix holds within ±2 points over a million draws.
    #[test]
    fn mix_percentages_hold() {
        for (name, get, set, incr) in [
            ("read-heavy", 95.0, 5.0, 0.0),
            ("mixed", 50.0, 50.0, 0.0),
            ("write-heavy", 10.0, 90.0, 0.0),
            ("incr", 0.0, 0.0, 100.0),
            ("70", 70.0, 30.0, 0.0),
            ("get=20,set=30,incr=50", 20.0, 30.0, 50.0),
        ] {
            let workload: Workload = name.parse().unwrap();
            assert_proportions(
                &workload,
                &[(Op::Get, get), (Op::Set, set), (Op::Incr, incr)],
            );
            assert_eq!(workload.to_string(), name, "display round-trips");
        }
    }

    /// Over a million draws, `workload` picks each of `want`'s operations
    /// within ±2 points of its percentage, and nothing else.
    fn assert_proportions(workload: &Workload, want: &[(Op, f64)]) {
        let mut rng = StdRng::seed_from_u64(42);
        let n = 1_000_000;
        let mut counts = [0u32; Op::ALL.len()];
        for _ in 0..n {
            counts[workload.pick(&mut rng) as usize] += 1;
        }
        for op in Op::ALL {
            let want = want.iter().find(|(o, _)| *o == op).map_or(0.0, |(_, p)| *p);
            let pct = f64::from(counts[op as usize]) * 100.0 / f64::from(n);
            assert!(
                (pct - want).abs() <= 2.0,
                "{workload} {op:?}: {pct}% against {want}%"
            );
        }
    }

    /// The application workloads parse by name, display back, draw their
    /// fixed mixes, and touch one namespace each.
    #[test]
    fn application_mixes_hold() {
        for (name, want, space, keys) in [
            (
                "queue",
                &[(Op::Lpush, 50.0), (Op::Rpop, 50.0)][..],
                Space::Queue,
                16,
            ),
            (
                "session",
                &[(Op::Hset, 45.0), (Op::Hget, 45.0), (Op::Hgetall, 10.0)],
                Space::Session,
                100_000,
            ),
            (
                "tags",
                &[(Op::Sadd, 20.0), (Op::Sismember, 80.0)],
                Space::Tags,
                1000,
            ),
            (
                "leaderboard",
                &[(Op::Zincrby, 90.0), (Op::Zrevrange, 10.0)],
                Space::Board,
                8,
            ),
        ] {
            let workload: Workload = name.parse().unwrap();
            assert_eq!(workload.to_string(), name);
            assert_eq!(workload.app_name(), Some(name));
            assert_eq!(workload.spaces(), [space]);
            assert_eq!(workload.default_keys(), keys);
            assert_eq!(workload.mix().len(), want.len());
            assert_eq!(workload.get_pct() + workload.set_pct(), 0);
            assert_proportions(&workload, want);
        }
        assert_eq!(Workload::MIXED.app_name(), None);
        assert_eq!(Workload::MIXED.spaces(), [Space::Key]);
        assert_eq!(
            Workload::new(20, 30, 50).unwrap().spaces(),
            [Space::Key, Space::Ctr]
        );
    }

    /// Bad workloads are rejected with a message.
    #[test]
    fn rejects_bad_workloads() {
        for bad in [
            "101",
            "read",
            "get=50",
            "get=50,set=60",
            "get=x",
            "del=100",
            "",
        ] {
            assert!(bad.parse::<Workload>().is_err(), "{bad:?} parsed");
        }
        assert_eq!("100".parse(), Ok(Workload::new(100, 0, 0).unwrap()));
    }

    /// Values are deterministic per key, sized exactly, distinct between
    /// keys, and verify only against their own key.
    #[test]
    fn values_are_deterministic_and_verifiable() {
        let space = Keyspace::new(100_000, 16);
        assert_eq!(space.value(42), space.value(42));
        assert_eq!(space.value(42).len(), 16);
        assert!(space.value(42).starts_with(b"42:"));
        let mut scratch = Vec::new();
        assert!(space.value_matches(42, &space.value(42), &mut scratch));
        assert!(!space.value_matches(43, &space.value(42), &mut scratch));
        assert!(!space.value_matches(42, &space.value(42)[..15], &mut scratch));
        let distinct: HashSet<Vec<u8>> = (0..10_000).map(|i| space.value(i)).collect();
        assert_eq!(distinct.len(), 10_000);
        // Tiny and large sizes.
        assert_eq!(Keyspace::new(10, 0).value(7), b"");
        assert_eq!(Keyspace::new(10, 2).value(7), b"7:");
        let big = Keyspace::new(10, 1000).value(7);
        assert_eq!(big.len(), 1000);
        assert!(big.iter().all(u8::is_ascii_graphic));
    }

    /// Key names are fixed-width, at least six digits, per namespace.
    #[test]
    fn key_names_are_fixed_width() {
        let space = Keyspace::new(100_000, 16);
        assert_eq!(space.key(Op::Get, 42), b"key:000042");
        assert_eq!(space.key(Op::Set, 99_999), b"key:099999");
        assert_eq!(space.key(Op::Incr, 0), b"ctr:000000");
        assert_eq!(Keyspace::new(1, 1).key(Op::Get, 0), b"key:000000");
        assert_eq!(
            Keyspace::new(10_000_001, 1).key(Op::Get, 5),
            b"key:00000005"
        );
    }

    /// A sequence is reproducible from its seed and stays in range.
    #[test]
    fn sequences_are_seeded() {
        let sampler = KeyDist::Zipf(0.99).sampler(1000);
        let make = |seed| {
            sequence(
                &Workload::MIXED,
                &sampler,
                1000,
                4096,
                &mut StdRng::seed_from_u64(seed),
            )
        };
        assert_eq!(make(1), make(1));
        assert_ne!(make(1), make(2));
        assert!(make(3).iter().all(|s| s.key < 1000 && s.member == 0));
    }

    /// An application workload's sequence is reproducible from its seed,
    /// its keys and members stay in range, and every member and field is
    /// drawn.
    #[test]
    fn application_sequences_are_seeded() {
        let sampler = KeyDist::Uniform.sampler(16);
        for workload in Workload::APPS {
            let make = |seed| {
                sequence(
                    &workload,
                    &sampler,
                    50,
                    20_000,
                    &mut StdRng::seed_from_u64(seed),
                )
            };
            let steps = make(9);
            assert_eq!(steps, make(9), "{workload}");
            assert_ne!(steps, make(10), "{workload}");
            assert!(steps.iter().all(|s| s.key < 16), "{workload}");
            let members: HashSet<u32> = steps
                .iter()
                .filter(|s| matches!(s.op, Op::Sadd | Op::Sismember | Op::Zincrby))
                .map(|s| s.member)
                .collect();
            let fields: HashSet<u32> = steps
                .iter()
                .filter(|s| s.op == Op::Hget)
                .map(|s| s.member)
                .collect();
            match workload.app_name() {
                Some("tags" | "leaderboard") => assert_eq!(members, (0..50).collect()),
                Some("session") => assert_eq!(fields, HashSet::from([0, 1])),
                _ => assert!(steps.iter().all(|s| s.member == 0), "{workload}"),
            }
        }
    }

    /// Member names are fixed-width per namespace; a session's two fields
    /// have distinct values, and `user`'s is the key's own.
    #[test]
    fn members_and_fields() {
        let space = Keyspace::new(16, 16).with_members(1000);
        assert_eq!(space.member(Space::Tags, 7), b"item:000007");
        assert_eq!(space.member(Space::Board, 999), b"player:000999");
        assert_eq!(space.key(Op::Lpush, 3), b"queue:000003");
        assert_eq!(space.key(Op::Hgetall, 3), b"session:000003");
        assert_eq!(space.key(Op::Sismember, 3), b"tags:000003");
        assert_eq!(space.key(Op::Zrevrange, 3), b"board:000003");
        let (mut user, mut token) = (Vec::new(), Vec::new());
        space.field_value_into(3, 0, &mut user);
        space.field_value_into(3, 1, &mut token);
        assert_eq!(user, space.value(3));
        assert_ne!(user, token);
        assert_eq!(token.len(), 16);
    }

    /// The bank's workloads parse by name, display back, are 100% their
    /// one operation over the `account:` namespace, 1,000 accounts by
    /// default.
    #[test]
    fn bank_workloads_parse() {
        for (name, op) in [
            ("transfer", Op::Transfer),
            ("transfer-eval", Op::TransferEval),
            ("transfer-watch", Op::TransferWatch),
        ] {
            let workload: Workload = name.parse().unwrap();
            assert_eq!(workload.to_string(), name);
            assert_eq!(workload.app_name(), Some(name));
            assert!(workload.is_bank());
            assert_eq!(workload.mix(), [(op, 100)]);
            assert_eq!(workload.spaces(), [Space::Account]);
            assert_eq!(workload.default_keys(), 1000);
            assert_proportions(&workload, &[(op, 100.0)]);
        }
        assert!(Workload::APPS.iter().all(|w| !w.is_bank()));
        assert!(!Workload::MIXED.is_bank());
    }

    /// A transfer's second account is another account than its first, in
    /// range, under either distribution (even with two accounts, or with
    /// zipf's hottest); both are drawn from the seed.
    #[test]
    fn transfers_pay_another_account() {
        // The accounts each case pays at least (zipf:3 has few that are
        // drawn at all).
        for (dist, keys, payees) in [
            (KeyDist::Uniform, 1000, 900),
            (KeyDist::Zipf(0.99), 1000, 100),
            (KeyDist::Zipf(3.0), 1000, 2),
            (KeyDist::Uniform, 2, 2),
        ] {
            let sampler = dist.sampler(keys);
            for workload in Workload::BANK {
                let make = |seed| {
                    sequence(
                        &workload,
                        &sampler,
                        1000,
                        10_000,
                        &mut StdRng::seed_from_u64(seed),
                    )
                };
                let steps = make(5);
                assert_eq!(steps, make(5));
                assert_ne!(steps, make(6));
                for s in &steps {
                    assert_ne!(s.key, s.member, "{workload} {dist}");
                    assert!(u64::from(s.key.max(s.member)) < keys, "{workload} {dist}");
                }
                let paid: HashSet<u32> = steps.iter().map(|s| s.member).collect();
                assert!(paid.len() >= payees, "{workload} {dist}: {}", paid.len());
            }
        }
    }

    /// Accounts are named like every other namespace, and a `transfer` is
    /// the only operation of more than one request per step.
    #[test]
    fn accounts_and_frames() {
        let space = Keyspace::new(1000, 16);
        assert_eq!(space.key(Op::Transfer, 42), b"account:000042");
        assert_eq!(space.key(Op::TransferWatch, 999), b"account:000999");
        for op in Op::ALL {
            let want = if op == Op::Transfer { 4 } else { 1 };
            assert_eq!(op.frames(), want, "{op:?}");
        }
    }
}

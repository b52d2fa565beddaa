//! The `collections/*` groups: list, hash, set and sorted-set commands on
//! one hot key, through the command layer, for every strategy.
//!
//! # What is measured
//!
//! Each request is a prebuilt argv (`Vec<Bytes>` of static slices, so a
//! clone copies words and touches no reference count) sent in process the
//! way a connection sends it: [`sharedkv_commands::find`], then
//! [`sharedkv_commands::run`] with a [`Ctx`] on database 0, the RESP reply
//! written into a buffer that is cleared after each request. That is what
//! the server pays per command minus the network: name lookup, argument
//! parsing, the copy rule ([`stored`](sharedkv_commands::stored)), the
//! step on the strategy and the reply. Every reply is checked for an error
//! (a benchmark that measured errors panics after its run).
//!
//! The **floor** is the same operations on unsynchronised std collections
//! owned by one task ([`Plain`]): a `VecDeque`, a `HashMap`, a `HashSet`,
//! and for the leaderboard a `BTreeSet<(score, member)>` beside a
//! `HashMap<member, score>`. It has **no command layer**: no parsing, no
//! reply, no copy of the arguments, no entry type or deadline. So floor →
//! std-mutex is the command layer plus an uncontended lock, not the price
//! of sharing alone. (The `uncontended` group's `keyspace` reference, a
//! lock-free `Keyspace`, has no counterpart here: the command layer runs
//! only over a [`Db`], and an unshared `Db` is not in the tree.)
//!
//! The groups, all on the multi-thread runtime with one worker per core,
//! every task spawned behind a start barrier and timed from the first
//! start to the last end, as in `contention` ([`crate::run::run_tasks`]),
//! yielding every [`YIELD_EVERY`] requests:
//!
//! - `collections/queue`: P producers `LPUSH` and P consumers `RPOP` one
//!   list, P = 1 and 4 (ids `…/2` and `…/8`: the task count). The list
//!   holds [`QUEUE_FILL`] elements at the start of every sample (rewritten,
//!   untimed, before each). When consumers outrun producers an `RPOP`
//!   finds the list empty and answers nil; the run prints how often.
//! - `collections/hash-1000`: `HSET`/`HGET` 50/50 on uniformly random
//!   fields of a 1,000-field hash; 1 and 8 tasks.
//! - `collections/leaderboard`: `ZINCRBY` of one of 1,000 members by 1–10
//!   (90%), `ZREVRANGE key 0 9 WITHSCORES` (10%); 1 and 8 tasks.
//! - `collections/set-membership`: `SADD` (10%) of a member already there
//!   (the set keeps its 10,000 members; the write path runs all the same)
//!   and `SISMEMBER` (90%) of one of 20,000 candidates (half are members);
//!   1 and 8 tasks.
//! - `collections/in-place/{list,hash}-<N>`, N = 10 and 100,000, one task:
//!   an `LPUSH`+`RPOP` pair on a list of N elements (one iteration, two
//!   requests), and an `HSET` of an existing field of an N-field hash (16
//!   fields in turn, [`IN_PLACE_FIELDS`], so that the hot fields stay in
//!   cache at both sizes). A strategy that changes a collection in place
//!   pays about the same at both sizes; one that copies the entry per write
//!   (flurry, papaya) pays O(N). The run ends by printing each strategy's
//!   N = 100,000 ÷ N = 10 time per request, from its own samples, and
//!   that ratio over the floor's (the list's floor walks its ring buffer
//!   through memory at 100,000, so even it slows down there).
//!
//! Throughput is `Throughput::Elements(requests per iteration)`: requests
//! (operations) per second. Benchmarks are named
//! `BenchmarkId::new(strategy, tasks)`, as `bench-summary` expects.
//!
//! A group whose commands are not all in `sharedkv-commands` (a scenario
//! added before its commands) runs its floor only and says which commands
//! it missed, rather than failing the whole run.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Throughput};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sharedkv_commands::{Ctx, Error, Reply, by_name, find, run};
use sharedkv_db::{BuildHasher, Bytes, Db, DbIndex};
use tokio::runtime::Runtime;
use tokio::sync::Barrier;

use crate::run::YIELD_EVERY;
use crate::settings::Regime;
use crate::workload::{KeySpace, SEED};

/// Requests in a generated stream (a task replays its stream from its own
/// offset and wraps around). Shorter than the `contention` streams: each
/// request here is a heap-allocated argv of three or four words, about
/// 180 bytes, so 2^16 of them are 12 MB.
pub const STREAM_LEN: usize = 1 << 16;

/// Elements the queue's list holds at the start of every sample.
pub const QUEUE_FILL: u32 = 1_000;

/// Fields of the `hash-1000` group's hash.
pub const HASH_FIELDS: u32 = 1_000;

/// Members of the leaderboard.
pub const LEADERBOARD_MEMBERS: u32 = 1_000;

/// Members of the `set-membership` group's set.
pub const SET_MEMBERS: u32 = 10_000;

/// The sizes of the `in-place` group's list and hash.
pub const IN_PLACE_SIZES: [u32; 2] = [10, 100_000];

/// How many fields the `in-place` hash's `HSET`s write, in turn. Few, so
/// that at both sizes they stay in cache: uniformly random fields of
/// 100,000 would measure cache misses as much as the write path (the floor
/// took 5.8× longer at 100,000 than at 10 that way).
pub const IN_PLACE_FIELDS: u32 = 16;

/// The sizes in test mode (CI runs every benchmark once): small, so that
/// filling a hundred stores stays quick.
pub const TEST_IN_PLACE_SIZES: [u32; 2] = [10, 1_000];

/// Elements per request when a collection is filled before timing.
pub const FILL_BATCH: usize = 1_000;

/// How many members `ZREVRANGE` returns (`0 9`).
pub const TOP: usize = 10;

/// Decimal words for `ZINCRBY`'s increment (1 to 10) and `ZADD`'s score.
const NUMBERS: [&[u8]; 11] = [
    b"0", b"1", b"2", b"3", b"4", b"5", b"6", b"7", b"8", b"9", b"10",
];

/// The reply to a request `find` does not know (a scenario's `needs`
/// should have caught it).
const NOT_A_DATA_COMMAND: Error = Error::Fixed("ERR not a data command");

/// One request of a stream, by what it does; the index fields pick a name
/// or value of [`KeySpace`] (fields and members are its keys, `key:0000042`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `LPUSH key value(i)`.
    LPush(u32),
    /// `RPOP key`.
    RPop,
    /// `HSET key field(f) value(v)`.
    HSet(u32, u32),
    /// `HGET key field(f)`.
    HGet(u32),
    /// `ZADD key score member(m)`: the leaderboard's fill.
    ZAdd(u32, u8),
    /// `ZINCRBY key by member(m)`, `by` in 1..=10.
    ZIncrBy(u32, u8),
    /// `ZREVRANGE key 0 9 WITHSCORES`.
    ZRevTop,
    /// `SADD key member(m)`.
    SAdd(u32),
    /// `SISMEMBER key member(m)`.
    SIsMember(u32),
}

/// A request: the words, name first.
pub type Argv = Vec<Bytes>;

impl Op {
    /// The command's name, as sent.
    fn name(self) -> &'static [u8] {
        match self {
            Op::LPush(_) => b"LPUSH",
            Op::RPop => b"RPOP",
            Op::HSet(..) => b"HSET",
            Op::HGet(_) => b"HGET",
            Op::ZAdd(..) => b"ZADD",
            Op::ZIncrBy(..) => b"ZINCRBY",
            Op::ZRevTop => b"ZREVRANGE",
            Op::SAdd(_) => b"SADD",
            Op::SIsMember(_) => b"SISMEMBER",
        }
    }

    /// The words after the key.
    fn args(self, ks: KeySpace) -> Vec<Bytes> {
        let number = |n: u8| Bytes::from_static(NUMBERS[usize::from(n).min(NUMBERS.len() - 1)]);
        match self {
            Op::LPush(v) => vec![ks.value(v as usize)],
            Op::RPop => vec![],
            Op::HSet(f, v) => vec![ks.key(f), ks.value(v as usize)],
            Op::HGet(f) | Op::SAdd(f) | Op::SIsMember(f) => vec![ks.key(f)],
            Op::ZAdd(m, score) => vec![number(score), ks.key(m)],
            Op::ZIncrBy(m, by) => vec![number(by), ks.key(m)],
            Op::ZRevTop => ["0", "9", "WITHSCORES"]
                .map(|w| Bytes::from_static(w.as_bytes()))
                .into(),
        }
    }

    /// The request on `key`.
    pub fn request(self, key: &Bytes, ks: KeySpace) -> Argv {
        let mut argv = vec![Bytes::from_static(self.name()), key.clone()];
        argv.extend(self.args(ks));
        argv
    }

    /// Variadic requests on `key` doing all of `ops`, [`FILL_BATCH`] at a
    /// time: `LPUSH key v1 v2 …`, `HSET key f1 v1 …`, `SADD`, `ZADD`. Each
    /// batch is named after its first op; fills use one kind of op.
    pub fn batched(ops: &[Op], key: &Bytes, ks: KeySpace) -> Vec<Argv> {
        ops.chunks(FILL_BATCH)
            .filter_map(|chunk| {
                let first = chunk.first()?;
                let mut argv = vec![Bytes::from_static(first.name()), key.clone()];
                argv.extend(chunk.iter().flat_map(|op| op.args(ks)));
                Some(argv)
            })
            .collect()
    }
}

/// A stream one task replays: the operations, and the same as requests.
#[derive(Clone, Debug)]
pub struct Lane {
    /// What the floor runs.
    pub ops: Arc<[Op]>,
    /// What the strategies run: `ops[i]` as a request on the scenario's key.
    pub requests: Arc<[Argv]>,
}

impl Lane {
    /// `ops` and their requests on `key`.
    pub fn new(ops: Vec<Op>, key: &Bytes) -> Self {
        let ks = KeySpace::get();
        let requests = ops.iter().map(|op| op.request(key, ks)).collect();
        Self {
            ops: ops.into(),
            requests,
        }
    }
}

/// How a scenario's tasks share out its lanes.
#[derive(Clone, Debug)]
pub enum Split {
    /// Every task replays the one lane, task `t` of `n` from `t * len / n`.
    Shared(Lane),
    /// The first half of the tasks replays the first lane, the second half
    /// the second (producers and consumers), offsets spread in each half.
    Halves(Lane, Lane),
}

/// One task's part: its lane and where it starts.
#[derive(Clone, Debug)]
pub struct Part {
    /// The lane.
    pub lane: Lane,
    /// Its first request.
    pub offset: usize,
}

impl Split {
    /// The parts of `tasks` tasks.
    pub fn parts(&self, tasks: usize) -> Vec<Part> {
        let spread = |lane: &Lane, n: usize| -> Vec<Part> {
            (0..n)
                .map(|t| Part {
                    lane: lane.clone(),
                    offset: t * (lane.ops.len() / n.max(1)),
                })
                .collect()
        };
        match self {
            Split::Shared(lane) => spread(lane, tasks),
            Split::Halves(first, second) => {
                let half = tasks / 2;
                let mut parts = spread(first, half);
                parts.extend(spread(second, tasks - half));
                parts
            }
        }
    }
}

/// One benchmark group's workload.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The criterion group, `collections/<name>`.
    pub group: String,
    /// The commands it sends, lower-case; a missing one skips the
    /// strategies (see [`Scenario::missing`]).
    pub needs: &'static [&'static str],
    /// The time budget.
    pub regime: Regime,
    /// The task counts benched per strategy.
    pub tasks: &'static [usize],
    /// The one key every request addresses.
    pub key: Bytes,
    /// What the collection holds before timing; written again (after the
    /// key is deleted) before every sample if `refill_each_sample`.
    pub fill: Vec<Op>,
    /// Whether the fill is rewritten before every sample (the queue, whose
    /// length drifts when producers and consumers run at different speeds).
    pub refill_each_sample: bool,
    /// Requests one task sends per criterion iteration.
    pub per_iter: u64,
    /// The strategies' tasks.
    pub split: Split,
    /// The floor's one task, `per_iter` ops per iteration.
    pub floor: Lane,
    /// What a nil reply means here, if it is worth counting.
    pub nil_means: Option<&'static str>,
}

impl Scenario {
    /// The commands of [`needs`](Scenario::needs) that `sharedkv-commands`
    /// does not have (yet).
    pub fn missing(&self) -> Vec<&'static str> {
        self.needs
            .iter()
            .copied()
            .filter(|name| by_name(name.as_bytes()).is_none())
            .collect()
    }

    /// The fill as variadic requests.
    fn fill_requests(&self) -> Vec<Argv> {
        Op::batched(&self.fill, &self.key, KeySpace::get())
    }
}

/// `count` ops drawn from `rng` by `draw`.
fn stream(count: usize, seed: u64, mut draw: impl FnMut(&mut StdRng) -> Op) -> Vec<Op> {
    let mut rng = StdRng::seed_from_u64(SEED ^ seed);
    (0..count).map(|_| draw(&mut rng)).collect()
}

/// `collections/queue`: producers `LPUSH`, consumers `RPOP`, one list.
pub fn queue() -> Scenario {
    let key = Bytes::from_static(b"queue");
    let pushes: Vec<Op> = (0..1024).map(Op::LPush).collect();
    let floor: Vec<Op> = pushes.iter().flat_map(|&op| [op, Op::RPop]).collect();
    Scenario {
        group: "collections/queue".into(),
        needs: &["lpush", "rpop", "del"],
        regime: Regime::Collections,
        tasks: &[2, 8],
        fill: (0..QUEUE_FILL).map(Op::LPush).collect(),
        refill_each_sample: true,
        per_iter: 1,
        split: Split::Halves(Lane::new(pushes, &key), Lane::new(vec![Op::RPop], &key)),
        floor: Lane::new(floor, &key),
        nil_means: Some("RPOP found the list empty"),
        key,
    }
}

/// `collections/hash-1000`: `HSET`/`HGET` 50/50 on random fields.
pub fn hash_1000() -> Scenario {
    let key = Bytes::from_static(b"hash");
    let mut pos = 0;
    let ops = stream(STREAM_LEN, 1, |rng| {
        pos += 1;
        let field = rng.random_range(0..HASH_FIELDS);
        if rng.random_bool(0.5) {
            Op::HSet(field, pos)
        } else {
            Op::HGet(field)
        }
    });
    let lane = Lane::new(ops, &key);
    Scenario {
        group: "collections/hash-1000".into(),
        needs: &["hset", "hget"],
        regime: Regime::Collections,
        tasks: &[1, 8],
        fill: (0..HASH_FIELDS).map(|f| Op::HSet(f, f)).collect(),
        refill_each_sample: false,
        per_iter: 1,
        split: Split::Shared(lane.clone()),
        floor: lane,
        nil_means: None,
        key,
    }
}

/// `collections/leaderboard`: `ZINCRBY` (90%) and the top ten (10%).
pub fn leaderboard() -> Scenario {
    let key = Bytes::from_static(b"leaderboard");
    let ops = stream(STREAM_LEN, 2, |rng| {
        if rng.random_range(0..100) < 90 {
            Op::ZIncrBy(
                rng.random_range(0..LEADERBOARD_MEMBERS),
                rng.random_range(1..=10),
            )
        } else {
            Op::ZRevTop
        }
    });
    let lane = Lane::new(ops, &key);
    Scenario {
        group: "collections/leaderboard".into(),
        needs: &["zadd", "zincrby", "zrevrange"],
        regime: Regime::Collections,
        tasks: &[1, 8],
        fill: (0..LEADERBOARD_MEMBERS).map(|m| Op::ZAdd(m, 0)).collect(),
        refill_each_sample: false,
        per_iter: 1,
        split: Split::Shared(lane.clone()),
        floor: lane,
        nil_means: None,
        key,
    }
}

/// `collections/set-membership`: `SADD` (10%) and `SISMEMBER` (90%).
pub fn set_membership() -> Scenario {
    let key = Bytes::from_static(b"set");
    let ops = stream(STREAM_LEN, 3, |rng| {
        if rng.random_range(0..100) < 10 {
            Op::SAdd(rng.random_range(0..SET_MEMBERS))
        } else {
            Op::SIsMember(rng.random_range(0..2 * SET_MEMBERS))
        }
    });
    let lane = Lane::new(ops, &key);
    Scenario {
        group: "collections/set-membership".into(),
        needs: &["sadd", "sismember"],
        regime: Regime::Collections,
        tasks: &[1, 8],
        fill: (0..SET_MEMBERS).map(Op::SAdd).collect(),
        refill_each_sample: false,
        per_iter: 1,
        split: Split::Shared(lane.clone()),
        floor: lane,
        nil_means: None,
        key,
    }
}

/// `collections/in-place/list-<n>`: an `LPUSH`+`RPOP` pair per iteration
/// on a list of `n` elements, one task.
pub fn in_place_list(n: u32) -> Scenario {
    let key = Bytes::from_static(b"list");
    let lane = Lane::new(vec![Op::LPush(0), Op::RPop], &key);
    Scenario {
        group: format!("collections/in-place/list-{n}"),
        needs: &["lpush", "rpop"],
        regime: Regime::CollectionsInPlace,
        tasks: &[1],
        fill: (0..n).map(Op::LPush).collect(),
        refill_each_sample: false,
        per_iter: 2,
        split: Split::Shared(lane.clone()),
        floor: lane,
        nil_means: Some("RPOP found the list empty"),
        key,
    }
}

/// `collections/in-place/hash-<n>`: an `HSET` of an existing field of an
/// `n`-field hash, one task, the fields taken in turn from
/// [`IN_PLACE_FIELDS`] spread evenly over the hash.
pub fn in_place_hash(n: u32) -> Scenario {
    let key = Bytes::from_static(b"hash");
    let hot = IN_PLACE_FIELDS.min(n);
    let ops = (0..1024u32)
        .map(|i| Op::HSet((i % hot) * (n / hot), i))
        .collect();
    let lane = Lane::new(ops, &key);
    Scenario {
        group: format!("collections/in-place/hash-{n}"),
        needs: &["hset"],
        regime: Regime::CollectionsInPlace,
        tasks: &[1],
        fill: (0..n).map(|f| Op::HSet(f, f)).collect(),
        refill_each_sample: false,
        per_iter: 1,
        split: Split::Shared(lane.clone()),
        floor: lane,
        nil_means: None,
        key,
    }
}

/// The `in-place` sizes for this run: small in test mode.
pub fn in_place_sizes() -> [u32; 2] {
    if crate::test_mode() {
        TEST_IN_PLACE_SIZES
    } else {
        IN_PLACE_SIZES
    }
}

/// What a task saw in its replies.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Requests sent.
    pub requests: u64,
    /// Nil replies (`$-1`, `*-1`).
    pub nils: u64,
    /// Error replies.
    pub errors: u64,
    /// The first error reply, as text.
    pub first_error: Option<String>,
}

impl Tally {
    /// Counts one reply.
    #[inline]
    fn note(&mut self, request: &Argv, reply: &[u8]) {
        self.requests += 1;
        match reply.first() {
            Some(b'-') => {
                self.errors += 1;
                if self.first_error.is_none() {
                    let words: Vec<_> =
                        request.iter().map(|w| String::from_utf8_lossy(w)).collect();
                    self.first_error = Some(format!(
                        "{} -> {}",
                        words.join(" "),
                        String::from_utf8_lossy(reply).trim_end()
                    ));
                }
            }
            Some(b'$' | b'*') if reply.get(1) == Some(&b'-') => self.nils += 1,
            _ => {}
        }
    }

    /// Adds `other`'s counts.
    fn add(&mut self, other: Tally) {
        self.requests += other.requests;
        self.nils += other.nils;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// Sends one request to `db` through the command layer, as a connection
/// does, and returns the RESP reply. Untimed uses (fills) only.
pub async fn call<D: Db>(db: &D, argv: Argv) -> Vec<u8> {
    // `BytesMut`, named by `Reply::new` (this crate does not depend on
    // `bytes` itself).
    let mut out = Default::default();
    dispatch(db, argv, Reply::new(&mut out, 0)).await;
    out.to_vec()
}

/// One request as a connection runs it: `find`, then `run` on database 0
/// with Redis's default settings, the answer or the error into `reply`.
async fn dispatch<D: Db>(db: &D, argv: Argv, mut reply: Reply<'_>) {
    match find(&argv) {
        Some(Ok(id)) => {
            let mut cx = Ctx {
                db,
                selected: DbIndex::ZERO,
                reply,
                settings: sharedkv_commands::Settings::defaults(),
            };
            if let Err(e) = run(id, &mut cx, argv).await {
                cx.reply.error(&e);
            }
        }
        Some(Err(e)) => reply.error(&e),
        None => reply.error(&NOT_A_DATA_COMMAND),
    }
}

/// One task's loop: `requests` requests of `part`'s lane from its offset
/// on, each through `find` and `run`, every reply checked and passed
/// through `black_box`, a yield every [`YIELD_EVERY`].
pub async fn drive<D: Db>(db: &D, part: &Part, requests: u64) -> Tally {
    let lane = &*part.lane.requests;
    let mut pos = part.offset % lane.len();
    let mut tally = Tally::default();
    let mut until_yield = YIELD_EVERY;
    // `BytesMut`, named by `Reply::new` below.
    let mut out = Default::default();
    for _ in 0..requests {
        let at = pos;
        pos = if at + 1 == lane.len() { 0 } else { at + 1 };
        // The clone moves into the command; the tally reads the lane's own
        // copy, only for the first error's text.
        dispatch(db, lane[at].clone(), Reply::new(&mut out, 0)).await;
        tally.note(&lane[at], &out);
        black_box(&out);
        out.clear();
        until_yield -= 1;
        if until_yield == 0 {
            until_yield = YIELD_EVERY;
            tokio::task::yield_now().await;
        }
    }
    tally
}

/// Spawns one task per part on `rt`, each sending `requests` requests
/// behind a start barrier, and returns the time from the first start to
/// the last end, and what the tasks saw. Spawning is not timed.
pub fn run_parts<D: Db>(rt: &Runtime, db: &D, parts: &[Part], requests: u64) -> (Duration, Tally) {
    rt.block_on(async {
        let barrier = Arc::new(Barrier::new(parts.len()));
        let handles: Vec<_> = parts
            .iter()
            .map(|part| {
                let (db, part, barrier) = (db.clone(), part.clone(), Arc::clone(&barrier));
                tokio::spawn(async move {
                    barrier.wait().await;
                    let start = Instant::now();
                    let tally = drive(&db, &part, requests).await;
                    (start, Instant::now(), tally)
                })
            })
            .collect();
        let mut span: Option<(Instant, Instant)> = None;
        let mut total = Tally::default();
        for handle in handles {
            let (start, end, tally) = handle.await.expect("a benchmark task panicked");
            span = Some(span.map_or((start, end), |(s, e)| (s.min(start), e.max(end))));
            total.add(tally);
        }
        let (start, end) = span.expect("at least one task");
        (end - start, total)
    })
}

/// Writes `scenario`'s fill into `db` (after deleting its key when
/// `fresh` is false), untimed. Panics on an error reply: the benchmark
/// would measure a broken command.
pub async fn fill<D: Db>(db: &D, scenario: &Scenario, fresh: bool) {
    let mut requests = scenario.fill_requests();
    if !fresh {
        requests.insert(0, vec![Bytes::from_static(b"DEL"), scenario.key.clone()]);
    }
    for argv in requests {
        let name = String::from_utf8_lossy(&argv[0]).into_owned();
        let reply = call(db, argv).await;
        assert!(
            reply.first() != Some(&b'-'),
            "{}: filling with {name} failed: {}",
            scenario.group,
            String::from_utf8_lossy(&reply).trim_end()
        );
    }
}

/// Per benchmark, the time per request of each measured sample: what the
/// `in-place` ratios are computed from.
#[derive(Debug, Default)]
pub struct Medians {
    /// (group, benchmark name) → median nanoseconds per request.
    pub nanos: BTreeMap<(String, String), f64>,
    /// Benchmark names in the order they first ran (the floor, then the
    /// strategies in `for_each_strategy!`'s order).
    pub names: Vec<String>,
}

impl Medians {
    /// Records one benchmark from its `(iters, elapsed)` calls. Criterion's
    /// warm-up calls come first with growing counts; the measured samples
    /// are the trailing calls with one count (flat sampling), so those
    /// are the ones kept.
    fn record(&mut self, group: &str, name: &str, calls: &[(u64, Duration)], per_iter: u64) {
        let Some(&(last, _)) = calls.last() else {
            return;
        };
        let mut per_request: Vec<f64> = calls
            .iter()
            .rev()
            .take_while(|(iters, _)| *iters == last)
            .map(|(iters, d)| d.as_nanos() as f64 / (iters * per_iter.max(1)) as f64)
            .collect();
        per_request.sort_by(f64::total_cmp);
        let n = per_request.len();
        let median = if n % 2 == 1 {
            per_request[n / 2]
        } else {
            (per_request[n / 2 - 1] + per_request[n / 2]) / 2.0
        };
        self.nanos
            .insert((group.to_owned(), name.to_owned()), median);
        if !self.names.iter().any(|n| n == name) {
            self.names.push(name.to_owned());
        }
    }

    /// The median time per request of `name` in `group`.
    pub fn get(&self, group: &str, name: &str) -> Option<f64> {
        self.nanos
            .get(&(group.to_owned(), name.to_owned()))
            .copied()
    }

    /// Prints, for the `in-place` groups, each benchmark's time per request
    /// at both sizes, the ratio of the larger to the smaller, and that
    /// ratio over the floor's (what the strategy adds to what the bigger
    /// collection costs anyway: caches).
    pub fn print_in_place(&self, sizes: [u32; 2]) {
        let [small, large] = sizes;
        for kind in ["list", "hash"] {
            let (g_small, g_large) = (
                format!("collections/in-place/{kind}-{small}"),
                format!("collections/in-place/{kind}-{large}"),
            );
            let ratio = |name: &str| Some(self.get(&g_large, name)? / self.get(&g_small, name)?);
            let floor = ratio("floor");
            println!(
                "\ncollections/in-place/{kind}: time per request at N = {small} and N = {large} \
                 (medians of this run's samples), N = {large} ÷ N = {small}, and that ÷ the floor's"
            );
            for name in &self.names {
                let (Some(a), Some(b), Some(r)) = (
                    self.get(&g_small, name),
                    self.get(&g_large, name),
                    ratio(name),
                ) else {
                    continue;
                };
                let vs_floor = floor.map_or("–".to_owned(), |f| format!("{:.2}x", r / f));
                println!(
                    "  {name:<16} {:>10}  {:>10}  {r:>9.2}x  {vs_floor:>9}",
                    human(a),
                    human(b),
                );
            }
        }
    }
}

/// Nanoseconds, human-readable.
fn human(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

/// Benchmarks one strategy at `tasks` tasks: a fresh store from `make`,
/// filled before the first sample (lazily, so a filtered-out benchmark
/// builds nothing). Prints how many replies were nil where the scenario
/// counts them, and panics if any was an error.
#[allow(clippy::too_many_arguments)]
pub fn bench_strategy<D: Db>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rt: &Runtime,
    scenario: &Scenario,
    tasks: usize,
    name: &str,
    make: impl Fn() -> D,
    medians: &mut Medians,
) {
    let parts = scenario.split.parts(tasks);
    let per_iter = scenario.per_iter;
    group.throughput(Throughput::Elements(per_iter * tasks as u64));
    let mut db: Option<D> = None;
    let mut calls: Vec<(u64, Duration)> = Vec::new();
    let mut tally = Tally::default();
    let mut longest: Option<usize> = None;
    group.bench_function(BenchmarkId::new(name, tasks), |b| {
        let db = db.get_or_insert_with(|| {
            rt.block_on(async {
                let db = make();
                fill(&db, scenario, true).await;
                db
            })
        });
        b.iter_custom(|iters| {
            if scenario.refill_each_sample && !calls.is_empty() {
                rt.block_on(fill(db, scenario, false));
            }
            let (elapsed, seen) = run_parts(rt, db, &parts, iters * per_iter);
            if scenario.refill_each_sample {
                let len = rt.block_on(call(
                    db,
                    vec![Bytes::from_static(b"LLEN"), scenario.key.clone()],
                ));
                let len = parse_int_reply(&len);
                longest = longest.max(len);
            }
            tally.add(seen);
            calls.push((iters, elapsed));
            elapsed
        });
    });
    let id = format!("{}/{name}/{tasks}", scenario.group);
    if tally.errors > 0 {
        panic!(
            "{id}: {} of {} replies were errors, first: {}",
            tally.errors,
            tally.requests,
            tally.first_error.unwrap_or_default()
        );
    }
    report(&id, scenario, &tally, longest);
    medians.record(&scenario.group, name, &calls, per_iter);
}

/// `:123\r\n` → 123.
fn parse_int_reply(reply: &[u8]) -> Option<usize> {
    let digits = reply.strip_prefix(b":")?.strip_suffix(b"\r\n")?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Prints what a benchmark's replies say about the run, where it matters.
fn report(id: &str, scenario: &Scenario, tally: &Tally, longest: Option<usize>) {
    let worth = scenario.refill_each_sample || tally.nils > 0;
    if let (Some(means), true) = (scenario.nil_means, worth && tally.requests > 0) {
        let mut line = format!(
            "{id}: {} of {} requests ({:.1}%): {means}",
            tally.nils,
            tally.requests,
            100.0 * tally.nils as f64 / tally.requests as f64
        );
        if let Some(len) = longest {
            line.push_str(&format!(
                "; longest list after a sample: {len} (each sample starts at {})",
                scenario.fill.len()
            ));
        }
        println!("{line}");
    }
}

/// Benchmarks the floor: [`Plain`], filled, moved into one task spawned on
/// `rt` for each sample and back, running `per_iter` ops of the floor's
/// lane per iteration (yielding every [`YIELD_EVERY`], as the strategies'
/// tasks do).
pub fn bench_floor(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rt: &Runtime,
    scenario: &Scenario,
    medians: &mut Medians,
) {
    let per_iter = scenario.per_iter;
    group.throughput(Throughput::Elements(per_iter));
    let mut plain: Option<Plain> = None;
    let mut calls: Vec<(u64, Duration)> = Vec::new();
    group.bench_function(BenchmarkId::new("floor", 1), |b| {
        if plain.is_none() {
            let mut fresh = Plain::new();
            fresh.fill(&scenario.fill);
            plain = Some(fresh);
        }
        b.iter_custom(|iters| {
            let mut owned = plain.take().expect("the floor is back after each sample");
            if scenario.refill_each_sample {
                owned = Plain::new();
                owned.fill(&scenario.fill);
            }
            let lane = scenario.floor.ops.clone();
            let (elapsed, back) = rt.block_on(async move {
                tokio::spawn(async move {
                    let start = Instant::now();
                    owned.drive(&lane, iters * per_iter).await;
                    (start.elapsed(), owned)
                })
                .await
                .expect("the floor's task panicked")
            });
            plain = Some(back);
            calls.push((iters, elapsed));
            elapsed
        });
    });
    medians.record(&scenario.group, "floor", &calls, per_iter);
}

/// A score the floor's leaderboard orders by: `f64::total_cmp`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Score(f64);

impl Eq for Score {}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The floor: one unsynchronised std collection per type, owned by one
/// task, with the same hasher, names and values as the strategies, and no
/// command layer (nothing parsed, no reply written, no argument copied).
#[derive(Debug, Default)]
pub struct Plain {
    ks: Option<KeySpace>,
    list: VecDeque<Bytes>,
    hash: HashMap<Bytes, Bytes, BuildHasher>,
    set: HashSet<Bytes, BuildHasher>,
    /// Member → score, and the order: a sorted set as the std collections
    /// make one.
    scores: HashMap<Bytes, f64, BuildHasher>,
    ranking: BTreeSet<(Score, Bytes)>,
}

impl Plain {
    /// Empty collections.
    pub fn new() -> Self {
        Self {
            ks: Some(KeySpace::get()),
            ..Self::default()
        }
    }

    /// Runs every op of `ops`, untimed.
    pub fn fill(&mut self, ops: &[Op]) {
        for &op in ops {
            self.apply(op);
        }
    }

    /// Runs `count` ops of `lane` from its start, wrapping, yielding every
    /// [`YIELD_EVERY`].
    pub async fn drive(&mut self, lane: &[Op], count: u64) {
        let mut pos = 0;
        let mut until_yield = YIELD_EVERY;
        for _ in 0..count {
            self.apply(lane[pos]);
            pos += 1;
            if pos == lane.len() {
                pos = 0;
            }
            until_yield -= 1;
            if until_yield == 0 {
                until_yield = YIELD_EVERY;
                tokio::task::yield_now().await;
            }
        }
    }

    /// One op, its result through `black_box`.
    #[inline]
    pub fn apply(&mut self, op: Op) {
        let ks = *self.ks.get_or_insert_with(KeySpace::get);
        match op {
            Op::LPush(v) => {
                self.list.push_front(ks.value(v as usize));
                black_box(self.list.len());
            }
            Op::RPop => {
                black_box(self.list.pop_back());
            }
            Op::HSet(f, v) => {
                black_box(self.hash.insert(ks.key(f), ks.value(v as usize)).is_none());
            }
            Op::HGet(f) => {
                black_box(self.hash.get(&ks.key(f)).cloned());
            }
            Op::ZAdd(m, score) => self.set_score(ks.key(m), f64::from(score)),
            Op::ZIncrBy(m, by) => {
                let member = ks.key(m);
                let new = self.scores.get(&member).copied().unwrap_or(0.0) + f64::from(by);
                self.set_score(member, new);
                black_box(new);
            }
            Op::ZRevTop => {
                let top: Vec<(Bytes, f64)> = self
                    .ranking
                    .iter()
                    .rev()
                    .take(TOP)
                    .map(|(score, member)| (member.clone(), score.0))
                    .collect();
                black_box(top);
            }
            Op::SAdd(m) => {
                black_box(self.set.insert(ks.key(m)));
            }
            Op::SIsMember(m) => {
                black_box(self.set.contains(&ks.key(m)));
            }
        }
    }

    /// Gives `member` the score `score`, moving it in the order.
    fn set_score(&mut self, member: Bytes, score: f64) {
        if let Some(old) = self.scores.insert(member.clone(), score) {
            self.ranking.remove(&(Score(old), member.clone()));
        }
        self.ranking.insert((Score(score), member));
    }
}

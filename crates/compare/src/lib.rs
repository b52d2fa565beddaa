//! The end-to-end comparison behind `scripts/compare`: what it measures and
//! the files it writes, shared by its three steps.
//!
//! 1. `compare-run` starts every server in turn (each strategy of
//!    `sharedkv-server`, a few runtime variants, and the baselines
//!    `redis-server` and mini-redis), runs the [`SCENARIOS`] against it, and
//!    appends one [`Row`] per server × scenario × round to `results.csv`,
//!    with the server's CPU time and RSS sampled from `/proc` around each
//!    scenario. It writes [`Meta`] (the machine, the settings) to
//!    `meta.json`. Rows already in `results.csv` are not run again, so a run
//!    that was cut off resumes where it stopped.
//! 2. `compare-summary` reads `results.csv` and writes `summary.md`: the
//!    median over rounds of every figure, as a ratio to redis-server's.
//! 3. `compare-charts` reads `results.csv` and draws SVG charts.
//!
//! As in conc-map-bench, plotting is a separate step that reads only the
//! CSV, so charts can be redrawn (or restyled) without running anything.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// What runs a scenario's load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// `redis-benchmark -t set,get`: the reference every Redis user knows.
    RedisBenchmark,
    /// One of redis-benchmark's collection tests (`-t lpush`, `-t spop`,
    /// ...), named by its `-t` name, alone in its own redis-benchmark run,
    /// on a key prepared for it (see `compare-run`).
    RedisBenchmarkTest(&'static str),
    /// `sharedkv-loadgen`, through its library.
    Loadgen,
    /// A pipelined fill of one collection type: keys of 1,000 elements each.
    Fill(Collection),
}

/// A collection type, as the memory scenarios fill it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// `RPUSH`.
    List,
    /// `HSET`, a field and a value per element.
    Hash,
    /// `SADD` of non-integer members (so that Redis keeps a hashtable, not
    /// an intset).
    Set,
    /// `ZADD`.
    ZSet,
}

impl Collection {
    /// Every type, in the order of the memory table.
    pub const ALL: [Collection; 4] = [
        Collection::List,
        Collection::Hash,
        Collection::Set,
        Collection::ZSet,
    ];

    /// `list`, `hash`, `set`, `zset`.
    pub fn name(self) -> &'static str {
        match self {
            Collection::List => "list",
            Collection::Hash => "hash",
            Collection::Set => "set",
            Collection::ZSet => "zset",
        }
    }

    /// The command that adds elements.
    pub fn add_command(self) -> &'static str {
        match self {
            Collection::List => "RPUSH",
            Collection::Hash => "HSET",
            Collection::Set => "SADD",
            Collection::ZSet => "ZADD",
        }
    }

    /// The command that counts elements.
    pub fn len_command(self) -> &'static str {
        match self {
            Collection::List => "LLEN",
            Collection::Hash => "HLEN",
            Collection::Set => "SCARD",
            Collection::ZSet => "ZCARD",
        }
    }
}

/// The figure a scenario is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Requests per second, and CPU per request.
    Throughput,
    /// The p99 latency of the measured requests.
    P99,
    /// The server's RSS once the scenario is done.
    Rss,
    /// The growth of the server's RSS over the scenario, per million
    /// elements written.
    RssGrowth,
}

/// Which runs a scenario is part of by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// Quick and full runs.
    Always,
    /// Full runs only.
    Full,
    /// Only runs whose `--scenarios` names it or its group (the collection
    /// tests at `-P 1`: some nine minutes more, for throughput that is the
    /// client's anyway).
    Named,
}

/// Scenario groups, which `--scenarios` also accepts.
pub mod group {
    /// The string scenarios: redis-benchmark SET/GET, loadgen, the
    /// head-of-line hogs and the 1M-key memory scenario.
    pub const CORE: &str = "core";
    /// redis-benchmark's collection tests at `-P 16`, and loadgen's
    /// application workloads: on collections (`lg-*-p16`), and its bank
    /// transfers (`lg-transfer-p16`, `lg-transfer-eval-p16`,
    /// `lg-transfer-watch`).
    pub const COLLECTIONS: &str = "collections";
    /// The same at `-P 1`.
    pub const COLLECTIONS_P1: &str = "collections-p1";
    /// RSS growth per million elements of each collection type.
    pub const MEMORY_TYPES: &str = "memory-types";
    /// GET latency beside the free of a big set.
    pub const FREE: &str = "free";
}

/// One scenario: a load run against a running server.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    /// Its name in `results.csv`.
    pub id: &'static str,
    /// A short title for tables and charts.
    pub title: &'static str,
    /// What it does, for `summary.md`.
    pub what: &'static str,
    /// What sends the load.
    pub tool: Tool,
    /// Client connections.
    pub connections: u32,
    /// Requests per batch.
    pub pipeline: u32,
    /// The figure it is read for.
    pub metric: Metric,
    /// It sends MSET or MGET (mini-redis has neither).
    pub multi_key: bool,
    /// One of [`group`]'s names.
    pub group: &'static str,
    /// Which runs it is part of when `--scenarios` does not name it.
    pub runs: Runs,
    /// It gets a fresh server of its own, so that the server's RSS holds
    /// only what the scenario wrote.
    pub fresh: bool,
}

/// A redis-benchmark collection test at `-c 50 -P <pipeline>`.
const fn rb_test(
    id: &'static str,
    test: &'static str,
    pipeline: u32,
    what: &'static str,
    runs: Runs,
) -> Scenario {
    Scenario {
        id,
        title: test,
        what,
        tool: Tool::RedisBenchmarkTest(test),
        connections: 50,
        pipeline,
        metric: Metric::Throughput,
        multi_key: false,
        group: if pipeline == 1 {
            group::COLLECTIONS_P1
        } else {
            group::COLLECTIONS
        },
        runs,
        fresh: false,
    }
}

/// A loadgen application workload (`queue`, `session`, `tags`,
/// `leaderboard`, `transfer`, `transfer-eval`) at `-c 50 -P 16`, in the
/// collections group.
const fn lg_app(id: &'static str, title: &'static str, what: &'static str, runs: Runs) -> Scenario {
    lg_app_at(id, title, what, 16, runs)
}

/// The same at `-P <pipeline>`.
const fn lg_app_at(
    id: &'static str,
    title: &'static str,
    what: &'static str,
    pipeline: u32,
    runs: Runs,
) -> Scenario {
    Scenario {
        id,
        title,
        what,
        tool: Tool::Loadgen,
        connections: 50,
        pipeline,
        metric: Metric::Throughput,
        multi_key: false,
        group: group::COLLECTIONS,
        runs,
        fresh: false,
    }
}

/// The memory scenario of one collection type.
const fn memory_of(
    id: &'static str,
    title: &'static str,
    what: &'static str,
    collection: Collection,
    runs: Runs,
) -> Scenario {
    Scenario {
        id,
        title,
        what,
        tool: Tool::Fill(collection),
        connections: 1,
        pipeline: 100,
        metric: Metric::RssGrowth,
        multi_key: false,
        group: group::MEMORY_TYPES,
        runs,
        fresh: true,
    }
}

/// Every scenario, in the order they run against one server.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        id: "rb-p1",
        title: "redis-benchmark P1",
        what: "`redis-benchmark -t set,get -r 100000 -c 50 -P 1`: one request per round trip; the client saturates a core first",
        tool: Tool::RedisBenchmark,
        connections: 50,
        pipeline: 1,
        metric: Metric::Throughput,
        multi_key: false,
        group: group::CORE,
        runs: Runs::Always,
        fresh: false,
    },
    Scenario {
        id: "rb-p16",
        title: "redis-benchmark P16",
        what: "the same with `-P 16`: batches of 16, so the server's own cost per request shows",
        tool: Tool::RedisBenchmark,
        connections: 50,
        pipeline: 16,
        metric: Metric::Throughput,
        multi_key: false,
        group: group::CORE,
        runs: Runs::Always,
        fresh: false,
    },
    Scenario {
        id: "mixed-zipf-p16",
        title: "loadgen mixed zipf P16",
        what: "loadgen `--workload mixed --dist zipf:0.99 --connections 50 --pipeline 16` over 100,000 prefilled keys: half SET, on a few hot keys",
        tool: Tool::Loadgen,
        connections: 50,
        pipeline: 16,
        metric: Metric::Throughput,
        multi_key: false,
        group: group::CORE,
        runs: Runs::Always,
        fresh: false,
    },
    Scenario {
        id: "hol-mset",
        title: "GET p99 beside MSET 10k",
        what: "50 connections GET (P1, uniform over 100,000 keys) while one more loops `MSET` of 10,000 keys: the GETs' p99",
        tool: Tool::Loadgen,
        connections: 50,
        pipeline: 1,
        metric: Metric::P99,
        multi_key: true,
        group: group::CORE,
        runs: Runs::Always,
        fresh: false,
    },
    Scenario {
        id: "hol-mget",
        title: "GET p99 beside MGET 10k",
        what: "the same while the extra connection loops `MGET` of 10,000 keys",
        tool: Tool::Loadgen,
        connections: 50,
        pipeline: 1,
        metric: Metric::P99,
        multi_key: true,
        group: group::CORE,
        runs: Runs::Always,
        fresh: false,
    },
    Scenario {
        id: "conns-1000",
        title: "loadgen 1000 connections P1",
        what: "loadgen read-heavy (95% GET) with 1,000 connections at pipeline 1",
        tool: Tool::Loadgen,
        connections: 1000,
        pipeline: 1,
        metric: Metric::Throughput,
        multi_key: false,
        group: group::CORE,
        runs: Runs::Always,
        fresh: false,
    },
    rb_test(
        "rb-p16-lpush",
        "lpush",
        16,
        "`redis-benchmark -t lpush -r 100000 -c 50 -P 16`: LPUSH of a 3-byte element, every request on the one list `mylist`",
        Runs::Always,
    ),
    rb_test(
        "rb-p16-rpush",
        "rpush",
        16,
        "the same with RPUSH",
        Runs::Full,
    ),
    rb_test(
        "rb-p16-lpop",
        "lpop",
        16,
        "`-t lpop`: LPOP from `mylist`, filled before with as many elements as there are requests, so that every pop finds one",
        Runs::Full,
    ),
    rb_test("rb-p16-rpop", "rpop", 16, "the same with RPOP", Runs::Full),
    rb_test(
        "rb-p16-sadd",
        "sadd",
        16,
        "`-t sadd`: SADD of `element:<random>` (100,000 possible members) to the one set `myset`",
        Runs::Full,
    ),
    rb_test(
        "rb-p16-hset",
        "hset",
        16,
        "`-t hset`: HSET of field `element:<random>` (100,000 possible) in the one hash `myhash`",
        Runs::Full,
    ),
    rb_test(
        "rb-p16-spop",
        "spop",
        16,
        "`-t spop`: SPOP from `myset`, filled before with as many distinct members as there are requests (at most 100,000, the `-r` range redis-benchmark's own SADD test draws from), so that every pop finds one",
        Runs::Full,
    ),
    rb_test(
        "rb-p16-zadd",
        "zadd",
        16,
        "`-t zadd`: ZADD of `element:<random>` with a random score to the one sorted set `myzset`",
        Runs::Full,
    ),
    rb_test(
        "rb-p16-zpopmin",
        "zpopmin",
        16,
        "`-t zpopmin`: ZPOPMIN from `myzset`, filled before as `spop`'s set",
        Runs::Full,
    ),
    rb_test(
        "rb-p16-lrange_100",
        "lrange_100",
        16,
        "redis-benchmark's `lrange_100` command, `LRANGE mylist 0 99`, on a list of 600 3-byte elements pushed before (given as a command line: `-t lrange_100` would first LPUSH as many elements as requests inside the measured run)",
        Runs::Always,
    ),
    rb_test(
        "rb-p16-lrange_600",
        "lrange_600",
        16,
        "the same with `LRANGE mylist 0 599`, redis-benchmark's `lrange_600`: the whole list",
        Runs::Full,
    ),
    lg_app(
        "lg-queue-p16",
        "loadgen queue",
        "loadgen `--workload queue --connections 50 --pipeline 16`: job queues, 50% LPUSH of a 16-byte job onto one of 16 lists, 50% RPOP from one (lists uniform), each list prefilled with 1,000 jobs",
        Runs::Always,
    ),
    lg_app(
        "lg-session-p16",
        "loadgen session",
        "loadgen `--workload session`: a session store over 100,000 prefilled hashes (zipf:0.99), 45% HSET of both fields (`user`, `token`, 16-byte values), 45% HGET of one, 10% HGETALL",
        Runs::Full,
    ),
    lg_app(
        "lg-tags-p16",
        "loadgen tags",
        "loadgen `--workload tags`: 1,000 sets of 1,000 prefilled items each (zipf:0.99 over the sets, items uniform), 20% SADD, 80% SISMEMBER",
        Runs::Full,
    ),
    lg_app(
        "lg-leaderboard-p16",
        "loadgen leaderboard",
        "loadgen `--workload leaderboard`: 8 boards of 1,000 prefilled players (boards and players uniform), 90% ZINCRBY by 1, 10% ZREVRANGE 0 9 WITHSCORES",
        Runs::Full,
    ),
    lg_app(
        "lg-transfer-p16",
        "loadgen transfer",
        "loadgen `--workload transfer --connections 50 --pipeline 16`: a bank of 1,000 accounts prefilled at 1,000,000 (both accounts of a transfer uniform, never the same), each operation `MULTI`, `DECRBY from 7`, `INCRBY to 7`, `EXEC` sent together (four requests, one transfer); the balances' sum is checked at the end",
        Runs::Always,
    ),
    lg_app(
        "lg-transfer-eval-p16",
        "loadgen transfer-eval",
        "the same transfers as one `EVALSHA` each of a script that does the `DECRBY` and the `INCRBY` (loaded once with `SCRIPT LOAD`)",
        Runs::Full,
    ),
    lg_app_at(
        "lg-transfer-watch",
        "loadgen transfer-watch",
        "the same transfers, optimistic, at pipeline 1 (each waits for its reads): `WATCH from to` and `MGET`, then `MULTI`, a `SET` of each new balance, `EXEC`, retried from the `WATCH` when another of the 50 connections changed an account in between (the retries are in the note)",
        1,
        Runs::Full,
    ),
    rb_test(
        "rb-p1-lpush",
        "lpush",
        1,
        "as `rb-p16-lpush`, at `-P 1`",
        Runs::Named,
    ),
    rb_test(
        "rb-p1-rpush",
        "rpush",
        1,
        "as `rb-p16-rpush`, at `-P 1`",
        Runs::Named,
    ),
    rb_test(
        "rb-p1-lpop",
        "lpop",
        1,
        "as `rb-p16-lpop`, at `-P 1`",
        Runs::Named,
    ),
    rb_test(
        "rb-p1-rpop",
        "rpop",
        1,
        "as `rb-p16-rpop`, at `-P 1`",
        Runs::Named,
    ),
    rb_test(
        "rb-p1-sadd",
        "sadd",
        1,
        "as `rb-p16-sadd`, at `-P 1`",
        Runs::Named,
    ),
    rb_test(
        "rb-p1-hset",
        "hset",
        1,
        "as `rb-p16-hset`, at `-P 1`",
        Runs::Named,
    ),
    rb_test(
        "rb-p1-spop",
        "spop",
        1,
        "as `rb-p16-spop`, at `-P 1`",
        Runs::Named,
    ),
    rb_test(
        "rb-p1-zadd",
        "zadd",
        1,
        "as `rb-p16-zadd`, at `-P 1`",
        Runs::Named,
    ),
    rb_test(
        "rb-p1-zpopmin",
        "zpopmin",
        1,
        "as `rb-p16-zpopmin`, at `-P 1`",
        Runs::Named,
    ),
    rb_test(
        "rb-p1-lrange_100",
        "lrange_100",
        1,
        "as `rb-p16-lrange_100`, at `-P 1`",
        Runs::Named,
    ),
    rb_test(
        "rb-p1-lrange_600",
        "lrange_600",
        1,
        "as `rb-p16-lrange_600`, at `-P 1`",
        Runs::Named,
    ),
    Scenario {
        id: "hol-del",
        title: "GET p99 beside DEL of a 1M-member set",
        what: "50 connections GET (P1, uniform over 100,000 keys) while one more builds a set of 1,000,000 members (`SADD` of 1,000 at a time) and `DEL`s it, over and over: the GETs' p99 (the DELs' latency is in the note). redis-server 7.0 frees a `DEL`eted value on its one thread (`lazyfree-lazy-user-del no` by default); sharedkv frees a value of more than 64 elements on a background thread",
        tool: Tool::Loadgen,
        connections: 50,
        pipeline: 1,
        metric: Metric::P99,
        multi_key: false,
        group: group::FREE,
        runs: Runs::Always,
        fresh: false,
    },
    Scenario {
        id: "memory-1m",
        title: "RSS after 1M keys",
        what: "a fresh server's RSS after a prefill of 1,000,000 keys with 16-byte values",
        tool: Tool::Loadgen,
        connections: 50,
        pipeline: 1000,
        metric: Metric::Rss,
        multi_key: false,
        group: group::CORE,
        runs: Runs::Always,
        fresh: true,
    },
    memory_of(
        "memory-list-1m",
        "list RSS per 1M elements",
        "a fresh server's RSS growth over a pipelined `RPUSH` of 1,000 keys × 1,000 elements of 13 bytes, per million elements",
        Collection::List,
        Runs::Full,
    ),
    memory_of(
        "memory-hash-1m",
        "hash RSS per 1M elements",
        "the same with `HSET` of 8-byte fields and 13-byte values (1,000 fields a key: Redis's hashtable, not a listpack)",
        Collection::Hash,
        Runs::Full,
    ),
    memory_of(
        "memory-set-1m",
        "set RSS per 1M elements",
        "the same with `SADD` of 13-byte members that are not integers (Redis's hashtable, not an intset)",
        Collection::Set,
        Runs::Always,
    ),
    memory_of(
        "memory-zset-1m",
        "zset RSS per 1M elements",
        "the same with `ZADD` of 13-byte members with integer scores (Redis's skiplist, not a listpack)",
        Collection::ZSet,
        Runs::Full,
    ),
];

/// The scenario named `id`.
pub fn scenario(id: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.id == id)
}

/// The scenarios that `names` (scenario ids or [`group`] names) pick, in
/// [`SCENARIOS`]' order; with no names, those a quick or a full run makes
/// by default (see [`Runs`]).
pub fn select(names: &[String], quick: bool) -> anyhow::Result<Vec<&'static Scenario>> {
    if names.is_empty() {
        return Ok(SCENARIOS
            .iter()
            .filter(|s| match s.runs {
                Runs::Always => true,
                Runs::Full => !quick,
                Runs::Named => false,
            })
            .collect());
    }
    for name in names {
        if !SCENARIOS.iter().any(|s| s.id == name || s.group == name) {
            let mut groups: Vec<&str> = SCENARIOS.iter().map(|s| s.group).collect();
            groups.dedup();
            anyhow::bail!(
                "no scenario or group {name:?} (groups: {}; scenarios: {})",
                groups.join(", "),
                SCENARIOS
                    .iter()
                    .map(|s| s.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    Ok(SCENARIOS
        .iter()
        .filter(|s| names.iter().any(|n| s.id == n || s.group == n))
        .collect())
}

/// The name of the redis-server baseline in `results.csv`.
pub const REDIS: &str = "redis";
/// The name of the mini-redis baseline in `results.csv`.
pub const MINI_REDIS: &str = "mini-redis";

/// A server to compare, as named in `results.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerSpec {
    /// `redis-server`.
    Redis,
    /// mini-redis 0.4, through `mini-redis-baseline`.
    MiniRedis,
    /// `sharedkv-server --backend BACKEND [--runtime RUNTIME]`.
    Sharedkv {
        /// The strategy.
        backend: String,
        /// The runtime flavour; `None` is the default (multi-thread).
        runtime: Option<String>,
    },
}

impl ServerSpec {
    /// Parses `redis`, `mini-redis`, `BACKEND` or `BACKEND@RUNTIME`.
    pub fn parse(name: &str) -> ServerSpec {
        match name {
            REDIS => ServerSpec::Redis,
            MINI_REDIS => ServerSpec::MiniRedis,
            _ => match name.split_once('@') {
                Some((backend, runtime)) => ServerSpec::Sharedkv {
                    backend: backend.to_owned(),
                    runtime: Some(runtime.to_owned()),
                },
                None => ServerSpec::Sharedkv {
                    backend: name.to_owned(),
                    runtime: None,
                },
            },
        }
    }

    /// The name used in `results.csv`.
    pub fn name(&self) -> String {
        match self {
            ServerSpec::Redis => REDIS.to_owned(),
            ServerSpec::MiniRedis => MINI_REDIS.to_owned(),
            ServerSpec::Sharedkv {
                backend,
                runtime: None,
            } => backend.clone(),
            ServerSpec::Sharedkv {
                backend,
                runtime: Some(runtime),
            } => format!("{backend}@{runtime}"),
        }
    }

    /// `baseline` or `strategy`.
    pub fn kind(&self) -> &'static str {
        match self {
            ServerSpec::Redis | ServerSpec::MiniRedis => "baseline",
            ServerSpec::Sharedkv { .. } => "strategy",
        }
    }

    /// Whether it implements MSET and MGET.
    pub fn has_multi_key(&self) -> bool {
        !matches!(self, ServerSpec::MiniRedis)
    }
}

/// How a row's scenario ended.
pub mod status {
    /// Measured; the figures are valid.
    pub const OK: &str = "ok";
    /// The load ran but got error replies or wrong values, or the tool
    /// failed; figures may be missing.
    pub const FAILED: &str = "failed";
    /// The load did not finish in time (a server that stops answering).
    pub const TIMEOUT: &str = "timeout";
    /// Not run: the server lacks a command the scenario needs.
    pub const UNSUPPORTED: &str = "unsupported";
    /// The server could not be started or died; run again on resume.
    pub const ERROR: &str = "error";
}

/// One line of `results.csv`: one server × scenario × round.
///
/// Figures are empty when the scenario did not produce them (a failed run,
/// or a figure that means nothing for that scenario, such as the CPU per
/// request of a head-of-line run, whose hog's work is not counted in its
/// requests).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Row {
    /// Unix time (s) at which the row was written.
    pub unix_time: u64,
    /// 1-based.
    pub round: u32,
    /// [`ServerSpec::name`].
    pub server: String,
    /// [`ServerSpec::kind`].
    pub kind: String,
    /// [`Scenario::id`].
    pub scenario: String,
    /// One of [`status`].
    pub status: String,
    /// Client connections.
    pub connections: u32,
    /// Requests per batch.
    pub pipeline: u32,
    /// Requests measured (and counted for CPU per request).
    pub requests: Option<u64>,
    /// Seconds the measured requests took.
    pub elapsed_s: Option<f64>,
    /// Measured requests per second.
    pub ops_per_sec: Option<f64>,
    /// Median latency, µs.
    pub p50_us: Option<f64>,
    /// 99th percentile latency, µs.
    pub p99_us: Option<f64>,
    /// The server's CPU time (user + system) during the scenario, s.
    pub cpu_s: Option<f64>,
    /// `cpu_s` over `requests`, µs.
    pub cpu_us_per_req: Option<f64>,
    /// The server's RSS before the scenario, KiB.
    pub rss_before_kb: Option<u64>,
    /// The server's RSS after the scenario, KiB.
    pub rss_after_kb: Option<u64>,
    /// Commands the head-of-line hog completed.
    pub hog_ops: Option<u64>,
    /// Error replies and wrong values.
    pub errors: Option<u64>,
    /// Why a figure is missing, or anything else worth knowing.
    pub note: String,
}

impl Row {
    /// The identity a resumed run checks: server, scenario, round.
    pub fn key(&self) -> (String, String, u32) {
        (self.server.clone(), self.scenario.clone(), self.round)
    }

    /// Whether a resumed run keeps this row instead of running it again.
    pub fn is_final(&self) -> bool {
        self.status != status::ERROR
    }

    /// The growth of the RSS over the scenario, MB (MiB) per million of its
    /// `requests` (the elements a memory-types scenario wrote).
    pub fn rss_growth_mb_per_million(&self) -> Option<f64> {
        let (before, after) = (self.rss_before_kb?, self.rss_after_kb?);
        let n = self.requests.filter(|&n| n > 0)?;
        Some(after.saturating_sub(before) as f64 / 1024.0 * 1e6 / n as f64)
    }
}

/// Every row of a `results.csv`; none if it does not exist.
pub fn read_rows(path: &Path) -> anyhow::Result<Vec<Row>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    reader
        .deserialize()
        .collect::<Result<Vec<Row>, _>>()
        .with_context(|| {
            format!(
                "{} is not a results.csv of this version (start a new --out directory)",
                path.display()
            )
        })
}

/// The rows that count: for each server × scenario × round, the last one
/// written (a resumed run appends a new row where an `error` row was).
pub fn latest_rows(rows: Vec<Row>) -> Vec<Row> {
    let mut latest = BTreeMap::new();
    for row in rows {
        latest.insert(row.key(), row);
    }
    latest.into_values().collect()
}

/// The machine and the settings of a run: `meta.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Meta {
    /// `quick` or `full`.
    pub mode: String,
    /// Rounds over all servers.
    pub rounds: u32,
    /// Servers in their order of round 1.
    pub servers: Vec<String>,
    /// Unix time the run (first) started.
    pub started_unix: u64,
    /// The same, as UTC `YYYY-MM-DD HH:MM`.
    pub started: String,
    /// `model name` from /proc/cpuinfo.
    pub cpu: String,
    /// Logical CPUs.
    pub cores: usize,
    /// Memory, GiB.
    pub memory_gib: f64,
    /// `uname -r`.
    pub kernel: String,
    /// The 1-minute load average when the run started.
    pub load_average: f64,
    /// `redis-server --version`, or why redis-server was skipped.
    pub redis_server: String,
    /// Whether redis-server ran.
    pub redis_ran: bool,
    /// `redis-benchmark --version`.
    pub redis_benchmark: String,
    /// The workspace's git commit, if known.
    pub commit: String,
    /// Seconds each loadgen scenario measures.
    pub loadgen_secs: f64,
    /// Seconds each redis-benchmark test aims at.
    pub redis_benchmark_secs: f64,
    /// Seconds each redis-benchmark collection test aims at (absent before
    /// they existed).
    #[serde(default)]
    pub redis_benchmark_test_secs: f64,
    /// Keys of the memory scenario.
    pub memory_keys: u64,
    /// Elements each memory-types scenario writes (absent before they
    /// existed).
    #[serde(default)]
    pub collection_elements: u64,
    /// Members of the set that `hol-del` builds and frees.
    #[serde(default)]
    pub hol_del_members: u64,
    /// Seconds `hol-del` measures.
    #[serde(default)]
    pub hol_del_secs: f64,
    /// The command that made it.
    pub command: String,
}

impl Meta {
    /// Reads `meta.json`.
    pub fn read(path: &Path) -> anyhow::Result<Meta> {
        let text =
            fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("cannot parse {}", path.display()))
    }

    /// Writes `meta.json`.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
    }
}

/// The median of `values` (the mean of the middle two for an even count);
/// `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        f64::midpoint(sorted[mid - 1], sorted[mid])
    })
}

/// The `ok` rows' values of one figure for a server and a scenario, one per
/// round.
pub fn values(
    rows: &[Row],
    server: &str,
    scenario: &str,
    figure: impl Fn(&Row) -> Option<f64>,
) -> Vec<f64> {
    rows.iter()
        .filter(|r| r.server == server && r.scenario == scenario && r.status == status::OK)
        .filter_map(figure)
        .collect()
}

/// The servers of `rows`: the baselines first, then the strategies in their
/// order of appearance.
pub fn servers(rows: &[Row], meta: Option<&Meta>) -> Vec<String> {
    let mut names: Vec<String> = meta.map(|m| m.servers.clone()).unwrap_or_default();
    for row in rows {
        if !names.contains(&row.server) {
            names.push(row.server.clone());
        }
    }
    names.retain(|n| rows.iter().any(|r| &r.server == n));
    names.sort_by_key(|n| match n.as_str() {
        REDIS => 0,
        MINI_REDIS => 1,
        _ => 2,
    });
    names
}

/// `1234567.0` as `1.23M`, `12345.0` as `12.3k`.
pub fn si(value: f64) -> String {
    let abs = value.abs();
    if abs >= 1e6 {
        format!("{:.2}M", value / 1e6)
    } else if abs >= 1e4 {
        format!("{:.0}k", value / 1e3)
    } else if abs >= 1e3 {
        format!("{:.1}k", value / 1e3)
    } else {
        format!("{value:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Odd and even counts, and no value at all.
    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    /// Server names round-trip through their specs.
    #[test]
    fn server_names() {
        for name in [
            "redis",
            "mini-redis",
            "std-mutex",
            "dashmap@thread-per-core",
        ] {
            assert_eq!(ServerSpec::parse(name).name(), name);
        }
        assert_eq!(ServerSpec::parse("redis").kind(), "baseline");
        assert!(!ServerSpec::parse("mini-redis").has_multi_key());
    }

    /// Ids and groups pick scenarios in their order; quick runs a subset
    /// that includes every string scenario; an unknown name is an error.
    #[test]
    fn selects_scenarios() {
        let ids = |names: &[&str], quick| -> Vec<&str> {
            let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
            select(&names, quick)
                .unwrap()
                .iter()
                .map(|s| s.id)
                .collect()
        };
        let full = ids(&[], false);
        assert!(!full.contains(&"rb-p1-lpush") && full.contains(&"rb-p16-zpopmin"));
        let quick = ids(&[], true);
        assert!(quick.len() < full.len());
        assert!(
            SCENARIOS
                .iter()
                .filter(|s| s.group == group::CORE)
                .all(|s| quick.contains(&s.id))
        );
        assert_eq!(
            ids(&["memory-1m", "rb-p16"], false),
            ["rb-p16", "memory-1m"]
        );
        assert_eq!(ids(&[group::COLLECTIONS], false).len(), 18);
        let lg = [
            "lg-queue-p16",
            "lg-session-p16",
            "lg-tags-p16",
            "lg-leaderboard-p16",
            "lg-transfer-p16",
            "lg-transfer-eval-p16",
            "lg-transfer-watch",
        ];
        for id in lg {
            let s = scenario(id).unwrap();
            assert_eq!(s.group, group::COLLECTIONS, "{id}");
            let pipeline = if id == "lg-transfer-watch" { 1 } else { 16 };
            assert_eq!((s.connections, s.pipeline), (50, pipeline), "{id}");
            assert_eq!(s.tool, Tool::Loadgen, "{id}");
            assert_eq!(s.metric, Metric::Throughput, "{id}");
            assert!(full.contains(&id), "{id}");
        }
        // Quick (CI) runs the queue and the MULTI/EXEC transfer, and all of
        // them when named.
        let quick_lg: Vec<&str> = quick.iter().copied().filter(|id| lg.contains(id)).collect();
        assert_eq!(quick_lg, ["lg-queue-p16", "lg-transfer-p16"]);
        assert_eq!(ids(&lg, true), lg);
        assert_eq!(ids(&[group::COLLECTIONS_P1], true).len(), 11);
        assert_eq!(ids(&[group::MEMORY_TYPES, "hol-del"], true).len(), 5);
        assert!(select(&["nope".to_owned()], false).is_err());
        let unique: std::collections::BTreeSet<&str> = SCENARIOS.iter().map(|s| s.id).collect();
        assert_eq!(unique.len(), SCENARIOS.len());
    }

    /// RSS growth per million elements, and none without a count.
    #[test]
    fn rss_growth() {
        let row = Row {
            requests: Some(100_000),
            rss_before_kb: Some(10 * 1024),
            rss_after_kb: Some(16 * 1024),
            ..Row::default()
        };
        assert_eq!(row.rss_growth_mb_per_million(), Some(60.0));
        let none = Row {
            requests: None,
            ..row
        };
        assert_eq!(none.rss_growth_mb_per_million(), None);
    }

    /// A row survives a write and a read, empty figures included.
    #[test]
    fn rows_round_trip() {
        let dir = std::env::temp_dir().join(format!("compare-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("results.csv");
        let row = Row {
            round: 2,
            server: "std-mutex".into(),
            scenario: "rb-p16".into(),
            status: status::OK.into(),
            ops_per_sec: Some(1.5e6),
            note: "a, \"quoted\" note".into(),
            ..Row::default()
        };
        let mut writer = csv::Writer::from_path(&path).unwrap();
        writer.serialize(&row).unwrap();
        writer
            .serialize(Row {
                status: status::ERROR.into(),
                ..row.clone()
            })
            .unwrap();
        writer.flush().unwrap();
        let rows = read_rows(&path).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].note, row.note);
        assert_eq!(rows[0].p99_us, None);
        let latest = latest_rows(rows);
        assert_eq!(latest.len(), 1);
        assert!(!latest[0].is_final());
        fs::remove_dir_all(&dir).unwrap();
    }
}

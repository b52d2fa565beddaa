//! The `head-of-line` group: eight tasks GET while one task runs a long
//! operation (the "hog"), and a bystander task that touches no store
//! measures how long the runtime leaves it unpolled.
//!
//! # What is measured
//!
//! The store holds [`HOL_KEYS`] (1M) keys, written once per strategy before
//! any timing. Each criterion sample spawns [`READERS`] reader tasks that GET
//! uniformly random keys of the 1M behind a start barrier, on a multi-thread
//! runtime with one worker per core; readers yield every [`HOL_YIELD_EVERY`]
//! GETs. The hog's variants:
//!
//! - `none`: no hog; the baseline.
//! - `mget`, `mset`: an `MGET` or `MSET` of [`HOG_BATCH`] (10,000) random
//!   keys, again and again.
//! - `len`: `DBSIZE`, again and again. (No strategy walks its keys to count
//!   them, so this is a short operation repeated, not a long one.)
//! - `clear`: `FLUSHALL` of the 1M keys, then a refill with `MSET`s of
//!   [`REFILL_BATCH`] (1,000) keys, yielding between them, then again. The
//!   clear is the long operation; each refill `MSET` is a tenth of the `mset`
//!   variant's, so the clear shows in the tail (p99.9, max) and the refill in
//!   the body. GETs that run before the refill reaches their key miss.
//!
//! The hog yields to the runtime after each operation. It and the bystander
//! are spawned once per benchmark and run through warm-up and every sample.
//!
//! Reported:
//!
//! - **GET throughput** (criterion): all readers' GETs over the time from
//!   the first reader leaving the barrier to the last one finishing. Each GET
//!   is timed (two clock reads), so this throughput is a little below the
//!   contention group's.
//! - **GET latency percentiles**: every GET of every sample (warm-up
//!   included), recorded inside the loop in an HDR histogram per reader and
//!   merged after each sample.
//! - **Bystander gap**: a task that only yields, again and again, and records
//!   the time between two of its polls while readers run. With every worker
//!   taking turns normally the gap is a few readers' slices (tens of µs); a
//!   long gap means every worker thread was blocked or busy in one operation.
//!   This tests the tutorial's claim that a blocking mutex stalls the worker
//!   thread, and every task on it, not only the task that waits.
//! - **Hog**: how long each hog operation took (median), and how many
//!   completed per second while readers ran.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use hdrhistogram::Histogram;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sharedkv_commands::strings;
use sharedkv_db::{Bytes, Db, DbIndex};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

use crate::run::{LatencyProbe, Plan, latency_histogram, nanos, run_tasks};
use crate::settings::{Regime, configure};
use crate::workload::{KeySpace, MAX_KEYS, SEED};

/// Keys in the store.
pub const HOL_KEYS: u32 = MAX_KEYS;

/// Keys in the store for this run: [`HOL_KEYS`], or a small store in
/// [`test_mode`](crate::test_mode), where each benchmark only runs once.
fn store_keys() -> u32 {
    if crate::test_mode() {
        crate::run::TEST_KEYS * 10
    } else {
        HOL_KEYS
    }
}

/// Reader tasks.
pub const READERS: usize = 8;

/// GETs a reader runs between two yields. Smaller than the contention
/// group's, so that readers take turns often and the bystander's gap
/// reflects stalls rather than long slices.
pub const HOL_YIELD_EVERY: u64 = 64;

/// Keys per hog `MGET` or `MSET`.
pub const HOG_BATCH: usize = 10_000;

/// Keys per `MSET` when the store is first filled, untimed.
pub const FILL_BATCH: usize = 10_000;

/// Keys per `MSET` when the `clear` hog refills the store.
pub const REFILL_BATCH: usize = 1_000;

/// The long operation of the hog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hog {
    /// No hog: the readers alone.
    None,
    /// `MGET` of [`HOG_BATCH`] keys, repeated.
    Mget,
    /// `MSET` of [`HOG_BATCH`] keys, repeated.
    Mset,
    /// `DBSIZE`, repeated.
    Len,
    /// `FLUSHALL` of the 1M keys, then a refill, repeated.
    Clear,
}

impl Hog {
    /// Every variant, in the order they run.
    pub const ALL: [Hog; 5] = [Hog::None, Hog::Mget, Hog::Mset, Hog::Len, Hog::Clear];

    /// The variant's name, the last part of its criterion group.
    pub fn name(self) -> &'static str {
        match self {
            Hog::None => "none",
            Hog::Mget => "mget",
            Hog::Mset => "mset",
            Hog::Len => "len",
            Hog::Clear => "clear",
        }
    }
}

/// Writes keys `0..n` with `MSET`s of `batch` keys, yielding between them.
pub async fn fill<D: Db>(db: &D, keys: KeySpace, n: u32, batch: usize) {
    let all: Vec<u32> = (0..n).collect();
    for chunk in all.chunks(batch) {
        let pairs = chunk
            .iter()
            .map(|&k| (keys.key(k), keys.value(k as usize)))
            .collect();
        strings::mset(db, DbIndex::ZERO, pairs).await;
        tokio::task::yield_now().await;
    }
}

/// Benchmarks one strategy under every [`Hog`], in groups
/// `head-of-line/<hog>`, as `BenchmarkId::new(name, READERS)`.
///
/// The 1M-key store is built by `make` (inside `rt`) and filled once, on the
/// first benchmark that is not filtered out, then shared by the variants.
/// Percentiles are printed and written under criterion's directory (not in
/// `--test` mode), for `bench-summary`.
pub fn bench_head_of_line<D: Db>(
    c: &mut Criterion,
    rt: &Runtime,
    plan: &Plan,
    name: &str,
    make: impl FnOnce() -> D,
) {
    let mut make = Some(make);
    let mut db: Option<D> = None;
    for hog in Hog::ALL {
        let mut group = c.benchmark_group(format!("head-of-line/{}", hog.name()));
        configure(&mut group, Regime::HeadOfLine);
        group.throughput(Throughput::Elements(READERS as u64));
        let mut stage: Option<Stage<D>> = None;
        group.bench_function(BenchmarkId::new(name, READERS), |b| {
            let db = db.get_or_insert_with(|| {
                let make = make.take().expect("built once");
                rt.block_on(async {
                    let db = make();
                    fill(&db, plan.keys, store_keys(), FILL_BATCH).await;
                    db
                })
            });
            let stage = stage.get_or_insert_with(|| Stage::start(rt, db.clone(), hog, plan.keys));
            b.iter_custom(|iters| stage.sample(rt, plan, iters));
        });
        group.finish();
        if let Some(stage) = stage {
            let report = stage.finish(rt, name);
            if !crate::test_mode() {
                println!("{}", report.line());
                if let Err(e) = report.write() {
                    eprintln!("head-of-line: could not write the latency report: {e}");
                }
            }
        }
    }
}

/// What the hog and the samples share: flags, and the hog's record.
#[derive(Debug)]
struct Shared {
    /// Set when the benchmark ends: the hog and the bystander return.
    stop: AtomicBool,
    /// Up while readers run.
    measuring: AtomicBool,
    /// Hog operations completed while `measuring`.
    hog_ops: AtomicU64,
    /// How long each hog operation took, in ns.
    hog_time: Mutex<Histogram<u64>>,
}

impl Shared {
    fn record_hog(&self, took: Duration) {
        if self.measuring.load(Relaxed) {
            self.hog_ops.fetch_add(1, Relaxed);
        }
        self.hog_time
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .saturating_record(nanos(took));
    }
}

/// One benchmark's hog and bystander, and what the samples recorded.
struct Stage<D> {
    db: D,
    hog: Hog,
    shared: Arc<Shared>,
    hog_task: Option<JoinHandle<()>>,
    bystander: JoinHandle<Histogram<u64>>,
    probes: Vec<LatencyProbe>,
    latency: Histogram<u64>,
    /// Total time with `measuring` up.
    window: Duration,
}

impl<D: Db> Stage<D> {
    /// Spawns the bystander and the hog (if any) on `rt`.
    fn start(rt: &Runtime, db: D, hog: Hog, keys: KeySpace) -> Self {
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            measuring: AtomicBool::new(false),
            hog_ops: AtomicU64::new(0),
            hog_time: Mutex::new(latency_histogram()),
        });
        let hog_task = (hog != Hog::None).then(|| {
            let mut rng = StdRng::seed_from_u64(SEED);
            let n = store_keys();
            let batches: Vec<Vec<u32>> = (0..16)
                .map(|_| (0..HOG_BATCH).map(|_| rng.random_range(0..n)).collect())
                .collect();
            rt.spawn(hog_loop(
                db.clone(),
                hog,
                keys,
                batches,
                Arc::clone(&shared),
            ))
        });
        let bystander = rt.spawn(bystander(Arc::clone(&shared)));
        Self {
            db,
            hog,
            shared,
            hog_task,
            bystander,
            probes: (0..READERS).map(|_| LatencyProbe::new()).collect(),
            latency: latency_histogram(),
            window: Duration::ZERO,
        }
    }

    /// One criterion sample: `iters` GETs per reader, timed by
    /// [`run_tasks`]; their latencies join the benchmark's histogram.
    fn sample(&mut self, rt: &Runtime, plan: &Plan, iters: u64) -> Duration {
        let workers = self
            .probes
            .drain(..)
            .map(|probe| (self.db.clone(), probe))
            .collect();
        self.shared.measuring.store(true, Relaxed);
        let on = Instant::now();
        let (elapsed, workers) = run_tasks(rt, workers, plan, iters);
        self.window += on.elapsed();
        self.shared.measuring.store(false, Relaxed);
        for (_, mut probe) in workers {
            self.latency
                .add(&probe.histogram)
                .expect("histograms share their bounds");
            probe.histogram.reset();
            self.probes.push(probe);
        }
        elapsed
    }

    /// Stops the hog and the bystander, and reports.
    fn finish(self, rt: &Runtime, strategy: &str) -> Report {
        self.shared.stop.store(true, Relaxed);
        let bystander = rt.block_on(async {
            if let Some(hog) = self.hog_task {
                hog.await.expect("the hog panicked");
            }
            self.bystander.await.expect("the bystander panicked")
        });
        let hog_time = self
            .shared
            .hog_time
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Report {
            hog: self.hog,
            strategy: strategy.to_owned(),
            get: Percentiles::of(&self.latency),
            bystander: Percentiles::of(&bystander),
            hog_time: Percentiles::of(&hog_time),
            hog_ops: self.shared.hog_ops.load(Relaxed),
            window: self.window,
        }
    }
}

/// The hog: repeats its operation until `stop`, yielding in between, and
/// records each one (for `clear`, the clear's time; the refill is not part
/// of it).
async fn hog_loop<D: Db>(
    db: D,
    hog: Hog,
    keys: KeySpace,
    batches: Vec<Vec<u32>>,
    shared: Arc<Shared>,
) {
    let mut round = 0usize;
    while !shared.stop.load(Relaxed) {
        let batch = &batches[round % batches.len()];
        round += 1;
        let took = match hog {
            Hog::None => return,
            Hog::Mget => {
                let ks: Vec<Bytes> = batch.iter().map(|&k| keys.key(k)).collect();
                let start = Instant::now();
                black_box(strings::mget(&db, DbIndex::ZERO, &ks).await);
                start.elapsed()
            }
            Hog::Mset => {
                let pairs = batch
                    .iter()
                    .map(|&k| (keys.key(k), keys.value(k as usize + round)))
                    .collect();
                let start = Instant::now();
                strings::mset(&db, DbIndex::ZERO, pairs).await;
                start.elapsed()
            }
            Hog::Len => {
                let start = Instant::now();
                black_box(db.len(DbIndex::ZERO).await);
                start.elapsed()
            }
            Hog::Clear => {
                let start = Instant::now();
                db.clear(None).await;
                let took = start.elapsed();
                fill(&db, keys, store_keys(), REFILL_BATCH).await;
                took
            }
        };
        shared.record_hog(took);
        tokio::task::yield_now().await;
    }
}

/// The bystander: while readers run, yields again and again and records the
/// time between two of its polls; otherwise idles in 1 ms sleeps. Returns
/// at `stop`.
async fn bystander(shared: Arc<Shared>) -> Histogram<u64> {
    let mut gaps = latency_histogram();
    let mut last: Option<Instant> = None;
    while !shared.stop.load(Relaxed) {
        if shared.measuring.load(Relaxed) {
            let now = Instant::now();
            if let Some(last) = last {
                gaps.saturating_record(nanos(now - last));
            }
            last = Some(now);
            tokio::task::yield_now().await;
        } else {
            last = None;
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    gaps
}

/// Percentiles of a nanosecond histogram.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Percentiles {
    /// Values recorded.
    pub count: u64,
    /// Median.
    pub p50: u64,
    /// 99th percentile.
    pub p99: u64,
    /// 99.9th percentile.
    pub p999: u64,
    /// Largest value.
    pub max: u64,
    /// Mean.
    pub mean: f64,
}

impl Percentiles {
    fn of(h: &Histogram<u64>) -> Self {
        Self {
            count: h.len(),
            p50: h.value_at_quantile(0.50),
            p99: h.value_at_quantile(0.99),
            p999: h.value_at_quantile(0.999),
            max: h.max(),
            mean: h.mean(),
        }
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "count": self.count,
            "p50": self.p50,
            "p99": self.p99,
            "p999": self.p999,
            "max": self.max,
            "mean": self.mean,
        })
    }
}

/// What one head-of-line benchmark measured beside criterion's throughput.
#[derive(Clone, Debug)]
struct Report {
    hog: Hog,
    strategy: String,
    get: Percentiles,
    bystander: Percentiles,
    hog_time: Percentiles,
    hog_ops: u64,
    window: Duration,
}

impl Report {
    fn hog_rate(&self) -> f64 {
        self.hog_ops as f64 / self.window.as_secs_f64().max(f64::MIN_POSITIVE)
    }

    /// One human-readable line.
    fn line(&self) -> String {
        format!(
            "head-of-line/{}/{}: GET p50 {} p99 {} p99.9 {} max {} ({} GETs); \
             bystander gap p99 {} max {}; hog op p50 {} max {} ({:.1}/s)",
            self.hog.name(),
            self.strategy,
            human(self.get.p50),
            human(self.get.p99),
            human(self.get.p999),
            human(self.get.max),
            self.get.count,
            human(self.bystander.p99),
            human(self.bystander.max),
            human(self.hog_time.p50),
            human(self.hog_time.max),
            self.hog_rate(),
        )
    }

    /// Writes the report as JSON to
    /// `<criterion dir>/sharedkv-latency/head-of-line/<hog>/<strategy>.json`.
    fn write(&self) -> std::io::Result<PathBuf> {
        let dir = crate::criterion_dir()
            .join("sharedkv-latency")
            .join("head-of-line")
            .join(self.hog.name());
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{}.json", self.strategy));
        let json = serde_json::json!({
            "group": format!("head-of-line/{}", self.hog.name()),
            "strategy": self.strategy,
            "tasks": READERS,
            "unit": "ns",
            "get_latency": self.get.json(),
            "bystander_gap": self.bystander.json(),
            "hog_op_time": self.hog_time.json(),
            "hog_ops": self.hog_ops,
            "hog_ops_per_sec": self.hog_rate(),
            "window_secs": self.window.as_secs_f64(),
        });
        let text = serde_json::to_string_pretty(&json).map_err(std::io::Error::other)?;
        std::fs::write(&path, text)?;
        Ok(path)
    }
}

/// `1234` → `1.2µs`.
pub fn human(ns: u64) -> String {
    let ns = ns as f64;
    if ns < 1e3 {
        format!("{ns:.0}ns")
    } else if ns < 1e6 {
        format!("{:.1}µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.1}ms", ns / 1e6)
    } else {
        format!("{:.2}s", ns / 1e9)
    }
}

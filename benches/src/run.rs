//! The runner: runtimes, the per-task operation loop, and the
//! spawn / barrier / `iter_custom` machinery shared by every group.

use std::hint::black_box;
use std::num::NonZero;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Throughput};
use hdrhistogram::Histogram;
use sharedkv_db::Db;
use tokio::runtime::Runtime;
use tokio::sync::Barrier;

use crate::store::Store;
use crate::workload::{KeySpace, Op, Workload};

/// The task counts of the `contention` group.
pub const TASKS: [usize; 4] = [1, 2, 8, 64];

/// How many operations a `contention` task runs before it yields to the
/// runtime, as a connection task does when it goes back to its socket.
/// Without it, a task whose operations are ready futures (every lock-based
/// strategy) would never give its worker back, and 64 tasks on 2 workers
/// would run two at a time to completion. Why so many: each yield of a lone
/// task wakes the idle worker to steal it, which costs microseconds; at 64
/// that overhead doubled the one-task time and its noise. The head-of-line
/// group, which needs fine turn-taking, uses
/// [`HOL_YIELD_EVERY`](crate::hol::HOL_YIELD_EVERY).
pub const YIELD_EVERY: u64 = 1024;

/// One worker per core: the runtime the server uses by default.
pub fn multi_thread_runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores())
        .enable_all()
        .build()
        .expect("building a Tokio runtime")
}

/// A single-threaded runtime: tasks interleave but never run in parallel.
pub fn current_thread_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a Tokio runtime")
}

/// The machine's core count, as the runtime and the strategies see it.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, NonZero::get)
}

/// A strategy's benchmark name: the `for_each_strategy!` identifier with
/// dashes (`std_mutex` → `std-mutex`), as the server's `--backend` spells it.
pub fn strategy_name(ident: &str) -> String {
    ident.replace('_', "-")
}

/// A workload made ready before timing: its operation stream and the keys.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The workload the stream was drawn from.
    pub workload: Workload,
    /// The operations, [`STREAM_LEN`](crate::workload::STREAM_LEN) long.
    pub ops: Arc<[Op]>,
    /// Where keys and values come from.
    pub keys: KeySpace,
    /// Operations between two yields to the runtime.
    pub yield_every: u64,
}

impl Plan {
    /// Generates `workload`'s stream (seeded) and the keyspace. In
    /// [`test_mode`](crate::test_mode) the workload has at most
    /// [`TEST_KEYS`] keys, so that each benchmark's prefill is quick.
    pub fn new(mut workload: Workload, yield_every: u64) -> Self {
        if crate::test_mode() {
            workload.keys = workload.keys.min(TEST_KEYS);
        }
        Self {
            workload,
            ops: workload.generate(),
            keys: KeySpace::get(),
            yield_every,
        }
    }

    /// Where task `t` of `tasks` starts in the stream.
    pub fn offset(&self, t: usize, tasks: usize) -> usize {
        t * (self.ops.len() / tasks.max(1))
    }
}

/// Writes the workload's prefill into `store`: keys `0..prefilled_keys()`
/// and, if the mix has INCRs, every counter set to `0`.
pub async fn prefill<S: Store>(store: &mut S, plan: &Plan) {
    let keys = plan.keys;
    let all: Vec<u32> = (0..plan.workload.prefilled_keys()).collect();
    for chunk in all.chunks(PREFILL_BATCH) {
        let pairs = chunk
            .iter()
            .map(|&i| (keys.key(i), keys.value(i as usize)))
            .collect();
        store.set_many(pairs).await;
    }
    if plan.workload.mix.incr > 0 {
        let counters = (0..crate::workload::COUNTERS).map(|c| (keys.counter(c), "0".into()));
        store.set_many(counters.collect()).await;
    }
}

/// The most keys a workload has in [`test_mode`](crate::test_mode).
pub const TEST_KEYS: u32 = 1_000;

/// Keys per `MSET` of a prefill.
const PREFILL_BATCH: usize = 10_000;

/// Observes each operation of a task; [`NoProbe`] compiles away.
pub trait Probe: Send + 'static {
    /// What `begin` hands to `end`.
    type Mark: Send;
    /// Called just before an operation.
    fn begin(&self) -> Self::Mark;
    /// Called just after it.
    fn end(&mut self, mark: Self::Mark);
}

/// Observes nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProbe;

impl Probe for NoProbe {
    type Mark = ();
    #[inline]
    fn begin(&self) {}
    #[inline]
    fn end(&mut self, (): ()) {}
}

/// Records each operation's latency, in nanoseconds, in an HDR histogram.
#[derive(Clone, Debug)]
pub struct LatencyProbe {
    /// The latencies recorded so far.
    pub histogram: Histogram<u64>,
}

impl LatencyProbe {
    /// An empty histogram from 1 ns to 100 s, three significant figures.
    pub fn new() -> Self {
        Self {
            histogram: latency_histogram(),
        }
    }
}

impl Default for LatencyProbe {
    fn default() -> Self {
        Self::new()
    }
}

/// An empty nanosecond histogram, 1 ns to 100 s, three significant figures;
/// longer values are clamped to the top.
pub fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 100_000_000_000, 3).expect("valid histogram bounds")
}

/// A duration in nanoseconds, saturating.
pub fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Probe for LatencyProbe {
    type Mark = Instant;
    #[inline]
    fn begin(&self) -> Instant {
        Instant::now()
    }
    #[inline]
    fn end(&mut self, start: Instant) {
        self.histogram.saturating_record(nanos(start.elapsed()));
    }
}

/// One task's loop: `iters` operations of `plan`'s stream from `offset` on,
/// every result through `black_box`, a yield every `plan.yield_every`.
pub async fn drive<S: Store, P: Probe>(
    store: &mut S,
    probe: &mut P,
    plan: &Plan,
    offset: usize,
    iters: u64,
) {
    let (ops, keys) = (&*plan.ops, plan.keys);
    let mask = ops.len() - 1;
    let mut until_yield = plan.yield_every;
    for pos in offset..offset + iters as usize {
        let mark = probe.begin();
        match ops[pos & mask] {
            Op::Get(k) => {
                black_box(store.get(&keys.key(k)).await);
            }
            Op::Set(k) => store.set(keys.key(k), keys.value(pos)).await,
            Op::Incr(c) => {
                black_box(store.incr(keys.counter(c)).await);
            }
        }
        probe.end(mark);
        until_yield -= 1;
        if until_yield == 0 {
            until_yield = plan.yield_every;
            tokio::task::yield_now().await;
        }
    }
}

/// Spawns one task per `(store, probe)` on `rt`, each running `iters`
/// operations from its own offset, and returns the time from the first task
/// leaving the start barrier to the last task finishing, and the workers.
///
/// Spawning happens before the barrier and is not timed; each task stamps
/// its own start and end, so neither `block_on`'s thread nor the join is in
/// the measurement.
pub fn run_tasks<S: Store + 'static, P: Probe>(
    rt: &Runtime,
    workers: Vec<(S, P)>,
    plan: &Plan,
    iters: u64,
) -> (Duration, Vec<(S, P)>) {
    let tasks = workers.len();
    rt.block_on(async {
        let barrier = Arc::new(Barrier::new(tasks));
        let handles: Vec<_> = workers
            .into_iter()
            .enumerate()
            .map(|(t, (mut store, mut probe))| {
                let (barrier, plan) = (Arc::clone(&barrier), plan.clone());
                let offset = plan.offset(t, tasks);
                tokio::spawn(async move {
                    barrier.wait().await;
                    let start = Instant::now();
                    drive(&mut store, &mut probe, &plan, offset, iters).await;
                    (start, Instant::now(), store, probe)
                })
            })
            .collect();
        let mut span: Option<(Instant, Instant)> = None;
        let mut workers = Vec::with_capacity(tasks);
        for handle in handles {
            let (start, end, store, probe) = handle.await.expect("a benchmark task panicked");
            span = Some(span.map_or((start, end), |(s, e)| (s.min(start), e.max(end))));
            workers.push((store, probe));
        }
        let (start, end) = span.expect("at least one task");
        (end - start, workers)
    })
}

/// Runs `iters` operations on `store` in one task, in `rt.block_on`, and
/// returns the time they took.
pub fn run_single<S: Store>(rt: &Runtime, store: &mut S, plan: &Plan, iters: u64) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        drive(store, &mut NoProbe, plan, 0, iters).await;
        start.elapsed()
    })
}

/// Benchmarks one strategy at every task count of [`TASKS`] on the
/// multi-thread runtime `rt`. Each task count gets a fresh, prefilled store
/// from `make`, built lazily so that a filtered-out benchmark costs nothing.
/// One iteration is one operation per task: `Throughput::Elements(tasks)`.
pub fn bench_shared<D: Db>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rt: &Runtime,
    plan: &Plan,
    name: &str,
    make: impl Fn() -> D,
) {
    for tasks in TASKS {
        group.throughput(Throughput::Elements(tasks as u64));
        let mut db: Option<D> = None;
        group.bench_function(BenchmarkId::new(name, tasks), |b| {
            let db = db.get_or_insert_with(|| {
                rt.block_on(async {
                    let mut db = make();
                    prefill(&mut db, plan).await;
                    db
                })
            });
            b.iter_custom(|iters| {
                let workers = (0..tasks).map(|_| (db.clone(), NoProbe)).collect();
                run_tasks(rt, workers, plan, iters).0
            });
        });
    }
}

/// Benchmarks an unshared store as one task spawned on the multi-thread
/// runtime `rt`, exactly as [`bench_shared`] runs one task: the contention
/// group's floor. The store moves into the task and back for each sample.
pub fn bench_owned_task<S: Store + 'static>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rt: &Runtime,
    plan: &Plan,
    name: &str,
    make: impl FnOnce() -> S,
) {
    group.throughput(Throughput::Elements(1));
    let mut make = Some(make);
    let mut store: Option<S> = None;
    group.bench_function(BenchmarkId::new(name, 1), |b| {
        if store.is_none() {
            let make = make.take().expect("built once");
            store = Some(rt.block_on(async {
                let mut store = make();
                prefill(&mut store, plan).await;
                store
            }));
        }
        b.iter_custom(|iters| {
            let owned = store.take().expect("the store is back after each sample");
            let (elapsed, mut workers) = run_tasks(rt, vec![(owned, NoProbe)], plan, iters);
            store = workers.pop().map(|(s, _)| s);
            elapsed
        });
    });
}

/// Benchmarks any store as one task driven directly by `block_on` on the
/// current-thread runtime `rt`: the `uncontended` group. `make` runs inside
/// the runtime, lazily.
pub fn bench_single<S: Store>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rt: &Runtime,
    plan: &Plan,
    name: &str,
    make: impl FnOnce() -> S,
) {
    group.throughput(Throughput::Elements(1));
    let mut make = Some(make);
    let mut store: Option<S> = None;
    group.bench_function(BenchmarkId::new(name, 1), |b| {
        if store.is_none() {
            let make = make.take().expect("built once");
            store = Some(rt.block_on(async {
                let mut store = make();
                prefill(&mut store, plan).await;
                store
            }));
        }
        let store = store.as_mut().expect("just built");
        b.iter_custom(|iters| run_single(rt, store, plan, iters));
    });
}

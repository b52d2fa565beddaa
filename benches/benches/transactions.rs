//! `transactions/*`: what isolating a transaction costs each strategy, in
//! process, through the path `EXEC` takes.
//!
//! - `transactions/transfer-<dist>`: one transfer between two of 1,000
//!   accounts (`uniform` or `zipf`, s = 0.99) as one step of the store:
//!   `Db::atomically` over the two keys, `DECRBY` and `INCRBY` run by the
//!   command layer on a `StepView`, exactly as `EXEC` runs them. Every
//!   strategy at 1, 2, 8 and 64 tasks, and the unsynchronised floor (a
//!   `HashMap` of integers, one task).
//! - `transactions/eval-<dist>`: the same transfer as `EVALSHA` runs it:
//!   a step over the two keys in which the Lua engine runs a cached script
//!   whose `redis.call('DECRBY', ...)` and `INCRBY` go to the command layer
//!   on the `StepView`, as the server's script host sends them.
//! - `transactions/watch-<dist>`: the same transfer as a `WATCH` retry
//!   loop: read both balances while registering the watch (one multi-key
//!   step), then a step that checks the watch and writes both, again from
//!   the top when another transfer got there first.
//! - `transactions/get-set`: 8 tasks alternating `GET` and `SET` on uniform
//!   keys, `alone` and `beside-transfers` (a ninth task runs transfers the
//!   whole time): what transactions cost the single-key path next to them.
//!
//! ```text
//! cargo bench -p sharedkv-benches --bench transactions
//! cargo bench -p sharedkv-benches --bench transactions -- 'transactions/transfer-zipf/'
//! ```

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use sharedkv_benches::run::{multi_thread_runtime, strategy_name};
use sharedkv_benches::settings::{Regime, configure};
use sharedkv_benches::workload::Zipf;
use sharedkv_commands::{Ctx, Reply, Settings, find, run};
use sharedkv_db::{
    Bytes, Db, DbIndex, Entry, KeyHook, KeyListener, Keys, Scope, StepView, Value, Watcher, World,
    parse_i64,
};
use sharedkv_scripting::{CallContext, Engine, Host, Limits, LogLevel, Script};
use tokio::runtime::Runtime;

/// Accounts, and what each holds at the start.
const ACCOUNTS: u32 = 1_000;
const OPENING: i64 = 1_000_000;
/// Task counts of the transfer groups.
const TASKS: [usize; 4] = [1, 2, 8, 64];
/// Tasks of the `get-set` group.
const GET_SET_TASKS: usize = 8;
/// A task yields to the runtime every this many operations (see
/// `sharedkv_benches::run::YIELD_EVERY`).
const YIELD_EVERY: u64 = 256;

fn account(i: u32) -> Bytes {
    Bytes::from(format!("account:{i:05}"))
}

/// How the two accounts of a transfer are drawn.
#[derive(Clone)]
enum Dist {
    Uniform,
    Zipf(Arc<Zipf>),
}

impl Dist {
    fn name(&self) -> &'static str {
        match self {
            Dist::Uniform => "uniform",
            Dist::Zipf(_) => "zipf",
        }
    }

    /// Two different accounts.
    fn pair(&self, rng: &mut SmallRng) -> (u32, u32) {
        let draw = |rng: &mut SmallRng| match self {
            Dist::Uniform => rng.random_range(0..ACCOUNTS),
            Dist::Zipf(z) => z.sample(rng),
        };
        let from = draw(rng);
        loop {
            let to = draw(rng);
            if to != from {
                return (from, to);
            }
        }
    }
}

/// Runs the data command `argv` on `store`, reply discarded but for
/// `black_box`; the store is a `StepView` inside a step, so the command is
/// ready at once.
fn command(view: &StepView<'_>, argv: Vec<Bytes>) {
    black_box(reply_of(view, argv));
}

/// Runs the data command `argv` on `view`; its reply.
fn reply_of(view: &StepView<'_>, argv: Vec<Bytes>) -> Vec<u8> {
    let mut out = Default::default();
    if let Some(Ok(id)) = find(&argv) {
        let mut cx = Ctx {
            db: view,
            selected: DbIndex::ZERO,
            reply: Reply::new(&mut out, 0),
            settings: Settings::defaults(),
        };
        let done = view.run(run(id, &mut cx, argv));
        black_box(done);
    }
    out.to_vec()
}

/// The transfer as a script: `EVALSHA sha 2 from to 7`.
const TRANSFER_SCRIPT: &str =
    "redis.call('DECRBY', KEYS[1], ARGV[1]) redis.call('INCRBY', KEYS[2], ARGV[1])";

/// What a script's `redis.call` reaches: the data commands on the step's
/// view, each noted as a write (as the server's host does for a write).
struct ViewHost<'a, 'v>(&'a StepView<'v>);

impl Host for ViewHost<'_, '_> {
    fn call(&mut self, argv: Vec<Bytes>, ctx: &CallContext<'_>) -> Vec<u8> {
        ctx.note_write();
        reply_of(self.0, argv)
    }

    fn log(&mut self, _: LogLevel, _: &[u8]) {}
}

/// One transfer as `EVALSHA` runs it.
async fn scripted_transfer<D: Db>(db: &D, scripts: &Arc<Scripts>, from: Bytes, to: Bytes) {
    let keys = vec![from, to];
    let scripts = Arc::clone(scripts);
    db.atomically(Scope::Keys(&keys.clone()), move |world: &mut dyn World| {
        let view = StepView::new(world, false);
        let reply = scripts.engine.run(
            Script::Sha(&scripts.sha),
            keys,
            vec![Bytes::from_static(b"7")],
            false,
            false,
            &mut ViewHost(&view),
        );
        black_box(reply);
    })
    .await;
}

/// The Lua engine and the SHA1 of the transfer script, loaded once.
struct Scripts {
    engine: Engine,
    sha: Bytes,
}

impl Scripts {
    fn new() -> Arc<Scripts> {
        let engine = Engine::new(Limits::default());
        let sha = engine
            .load(Bytes::from_static(TRANSFER_SCRIPT.as_bytes()))
            .expect("the transfer script compiles");
        Arc::new(Scripts {
            engine,
            sha: Bytes::from(sha),
        })
    }
}

/// How a transfer is sent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `MULTI`, `DECRBY`, `INCRBY`, `EXEC`.
    Exec,
    /// `EVALSHA` of [`TRANSFER_SCRIPT`].
    Eval,
    /// `WATCH`, `MGET`, then `MULTI`, two `SET`s, `EXEC`, retried.
    Watch,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Exec => "transfer",
            Kind::Eval => "eval",
            Kind::Watch => "watch",
        }
    }
}

fn words(parts: [&Bytes; 3]) -> Vec<Bytes> {
    parts.into_iter().cloned().collect()
}

/// One transfer as `EXEC` runs it.
async fn transfer<D: Db>(db: &D, from: Bytes, to: Bytes) {
    let keys = [from.clone(), to.clone()];
    db.atomically(Scope::Keys(&keys), move |world: &mut dyn World| {
        let view = StepView::new(world, false);
        let amount = Bytes::from_static(b"7");
        command(
            &view,
            words([&Bytes::from_static(b"DECRBY"), &from, &amount]),
        );
        command(&view, words([&Bytes::from_static(b"INCRBY"), &to, &amount]));
    })
    .await;
}

/// One transfer as a `WATCH` retry loop; returns the retries it took.
async fn watched_transfer<D: Db>(db: &D, hook: &Arc<KeyHook>, from: Bytes, to: Bytes) -> u64 {
    let keys = [from.clone(), to.clone()];
    let mut retries = 0;
    loop {
        let watcher = Watcher::new();
        let (h, w, k) = (Arc::clone(hook), Arc::clone(&watcher), keys.clone());
        let balances = db
            .update_many(&keys, move |ks: &mut dyn Keys| {
                k.iter()
                    .map(|key| {
                        h.watches.watch(&w, DbIndex::ZERO, key.clone(), true);
                        ks.read(DbIndex::ZERO, key, |e| match e.map(|e| &e.value) {
                            Some(Value::Int(n)) => *n,
                            Some(Value::Str(s)) => parse_i64(s).unwrap_or(0),
                            _ => 0,
                        })
                    })
                    .collect::<Vec<i64>>()
            })
            .await;
        let (f, t, w) = (from.clone(), to.clone(), Arc::clone(&watcher));
        let done = db
            .atomically(Scope::Keys(&keys), move |world: &mut dyn World| {
                if w.is_dirty() {
                    return false;
                }
                let view = StepView::new(world, false);
                let set = Bytes::from_static(b"SET");
                let (a, b) = (balances[0] - 7, balances[1] + 7);
                command(&view, words([&set, &f, &Bytes::from(a.to_string())]));
                command(&view, words([&set, &t, &Bytes::from(b.to_string())]));
                true
            })
            .await;
        hook.watches
            .unwatch(&watcher, keys.iter().map(|k| (DbIndex::ZERO, k)));
        if done {
            return retries;
        }
        retries += 1;
    }
}

/// Tells no one: the WATCH loop needs a hook, not a listener.
#[derive(Debug)]
struct Silent;

impl KeyListener for Silent {
    fn expired(&self, _: DbIndex, _: &Bytes) {}
    fn created(&self, _: DbIndex, _: &Bytes) {}
}

/// A store of `make` with every account opened, and its hook.
fn opened<D: Db>(rt: &Runtime, make: &impl Fn() -> D) -> (D, Arc<KeyHook>) {
    rt.block_on(async {
        let db = make();
        let hook = Arc::new(KeyHook::new(Silent));
        db.set_key_hook(Arc::clone(&hook)).await;
        for i in 0..ACCOUNTS {
            let mut cx_out = Default::default();
            let argv = vec![
                Bytes::from_static(b"SET"),
                account(i),
                Bytes::from(OPENING.to_string()),
            ];
            if let Some(Ok(id)) = find(&argv) {
                let mut cx = Ctx {
                    db: &db,
                    selected: DbIndex::ZERO,
                    reply: Reply::new(&mut cx_out, 0),
                    settings: Settings::defaults(),
                };
                let _ = run(id, &mut cx, argv).await;
            }
        }
        (db, hook)
    })
}

/// `tasks` tasks, each running `iters` transfers (plain or watched).
fn run_transfers<D: Db>(
    rt: &Runtime,
    db: &D,
    hook: &Arc<KeyHook>,
    dist: &Dist,
    tasks: usize,
    iters: u64,
    kind: Kind,
) -> Duration {
    let scripts = Scripts::new();
    rt.block_on(async {
        let start = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for t in 0..tasks {
            let (db, hook, dist) = (db.clone(), Arc::clone(hook), dist.clone());
            let scripts = Arc::clone(&scripts);
            set.spawn(async move {
                let mut rng = SmallRng::seed_from_u64(t as u64);
                for i in 0..iters {
                    let (from, to) = dist.pair(&mut rng);
                    let (from, to) = (account(from), account(to));
                    match kind {
                        Kind::Exec => transfer(&db, from, to).await,
                        Kind::Eval => scripted_transfer(&db, &scripts, from, to).await,
                        Kind::Watch => {
                            black_box(watched_transfer(&db, &hook, from, to).await);
                        }
                    }
                    if i % YIELD_EVERY == YIELD_EVERY - 1 {
                        tokio::task::yield_now().await;
                    }
                }
            });
        }
        while set.join_next().await.is_some() {}
        start.elapsed()
    })
}

fn bench_transfers<D: Db>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rt: &Runtime,
    name: &str,
    dist: &Dist,
    kind: Kind,
    make: impl Fn() -> D,
) {
    let mut store: Option<(D, Arc<KeyHook>)> = None;
    for tasks in TASKS {
        group.throughput(Throughput::Elements(tasks as u64));
        group.bench_function(BenchmarkId::new(name, tasks), |b| {
            let (db, hook) = store.get_or_insert_with(|| opened(rt, &make));
            b.iter_custom(|iters| run_transfers(rt, db, hook, dist, tasks, iters, kind));
        });
    }
}

/// The floor: a transfer on a `HashMap` of integers, one task.
fn bench_floor(group: &mut BenchmarkGroup<'_, WallTime>, dist: &Dist) {
    group.throughput(Throughput::Elements(1));
    let mut map: HashMap<Bytes, i64> = (0..ACCOUNTS).map(|i| (account(i), OPENING)).collect();
    let mut rng = SmallRng::seed_from_u64(0);
    group.bench_function(BenchmarkId::new("floor", 1), |b| {
        b.iter(|| {
            let (from, to) = dist.pair(&mut rng);
            if let Some(v) = map.get_mut(&account(from)) {
                *v -= 7;
            }
            if let Some(v) = map.get_mut(&account(to)) {
                *v += 7;
            }
        });
    });
    black_box(&map);
}

/// `GET_SET_TASKS` tasks alternating GET and SET, each `iters` times,
/// with a task running transfers beside them while `beside`.
fn run_get_set<D: Db>(rt: &Runtime, db: &D, iters: u64, beside: bool) -> Duration {
    rt.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        let background = beside.then(|| {
            let (db, stop) = (db.clone(), Arc::clone(&stop));
            tokio::spawn(async move {
                let mut rng = SmallRng::seed_from_u64(99);
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let (from, to) = Dist::Uniform.pair(&mut rng);
                    transfer(&db, account(from), account(to)).await;
                    n += 1;
                    if n.is_multiple_of(64) {
                        tokio::task::yield_now().await;
                    }
                }
            })
        });
        let start = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for t in 0..GET_SET_TASKS {
            let db = db.clone();
            set.spawn(async move {
                let mut rng = SmallRng::seed_from_u64(t as u64);
                let value = Bytes::from_static(b"1000000");
                for i in 0..iters {
                    let key = account(rng.random_range(0..ACCOUNTS));
                    if i % 2 == 0 {
                        black_box(db.read(DbIndex::ZERO, &key, |e| e.is_some()).await);
                    } else {
                        let v = value.clone();
                        db.update(DbIndex::ZERO, &key, move |slot| {
                            slot.put(Entry::new(Value::Str(v.clone())))
                        })
                        .await;
                    }
                    if i % YIELD_EVERY == YIELD_EVERY - 1 {
                        tokio::task::yield_now().await;
                    }
                }
            });
        }
        while set.join_next().await.is_some() {}
        let elapsed = start.elapsed();
        stop.store(true, Ordering::Relaxed);
        if let Some(task) = background {
            let _ = task.await;
        }
        elapsed
    })
}

fn transactions(c: &mut Criterion) {
    let rt = multi_thread_runtime();
    let zipf = Dist::Zipf(Arc::new(Zipf::new(
        ACCOUNTS,
        0.99,
        &mut SmallRng::seed_from_u64(7),
    )));
    for dist in [Dist::Uniform, zipf] {
        for kind in [Kind::Exec, Kind::Eval, Kind::Watch] {
            let mut group =
                c.benchmark_group(format!("transactions/{}-{}", kind.name(), dist.name()));
            configure(&mut group, Regime::Contention);
            bench_floor(&mut group, &dist);
            macro_rules! strategy {
                ($name:ident, $new:expr) => {
                    bench_transfers(
                        &mut group,
                        &rt,
                        &strategy_name(stringify!($name)),
                        &dist,
                        kind,
                        || $new,
                    )
                };
            }
            sharedkv_testsuite::for_each_strategy!(strategy);
            group.finish();
        }
    }
    let mut group = c.benchmark_group("transactions/get-set");
    configure(&mut group, Regime::Contention);
    group.throughput(Throughput::Elements(GET_SET_TASKS as u64));
    macro_rules! strategy {
        ($name:ident, $new:expr) => {{
            let name = strategy_name(stringify!($name));
            let mut store = None;
            for beside in [false, true] {
                let label = if beside { "beside-transfers" } else { "alone" };
                group.bench_function(BenchmarkId::new(&name, label), |b| {
                    let (db, _) = store.get_or_insert_with(|| opened(&rt, &|| $new));
                    b.iter_custom(|iters| run_get_set(&rt, db, iters, beside));
                });
            }
        }};
    }
    sharedkv_testsuite::for_each_strategy!(strategy);
    group.finish();
}

criterion_group!(benches, transactions);
criterion_main!(benches);

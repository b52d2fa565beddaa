//! `contention/<workload>`: every strategy × tasks {1, 2, 8, 64} on a
//! multi-thread runtime with one worker per core, for each workload of
//! `CONTENTION` (read-heavy, mixed, write-heavy, zipf, hot-incr), plus the
//! unsynchronised `HashMap` floor as `floor/1`.

use criterion::{Criterion, criterion_group, criterion_main};
use sharedkv_benches::run::{
    Plan, YIELD_EVERY, bench_owned_task, bench_shared, multi_thread_runtime, strategy_name,
};
use sharedkv_benches::settings::{Regime, configure};
use sharedkv_benches::store::Floor;
use sharedkv_benches::workload::CONTENTION;

fn contention(c: &mut Criterion) {
    let rt = multi_thread_runtime();
    for workload in CONTENTION {
        let plan = Plan::new(workload, YIELD_EVERY);
        let mut group = c.benchmark_group(format!("contention/{}", workload.name));
        configure(&mut group, Regime::Contention);
        bench_owned_task(&mut group, &rt, &plan, "floor", Floor::new);
        macro_rules! strategy {
            ($name:ident, $new:expr) => {
                bench_shared(
                    &mut group,
                    &rt,
                    &plan,
                    &strategy_name(stringify!($name)),
                    || $new,
                )
            };
        }
        sharedkv_testsuite::for_each_strategy!(strategy);
        group.finish();
    }
}

criterion_group!(benches, contention);
criterion_main!(benches);

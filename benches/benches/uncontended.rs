//! `uncontended/{get,set}`: one task on a current-thread runtime, so no
//! operation ever waits for another. The floor is an unsynchronised
//! `HashMap` with the same hasher, keys and values; `keyspace` is sharedkv's
//! `Keyspace` used directly, without a lock. Floor → keyspace is what the
//! command semantics cost, keyspace → a strategy is what sharing costs.

use criterion::{Criterion, criterion_group, criterion_main};
use sharedkv_benches::run::{Plan, bench_single, current_thread_runtime, strategy_name};
use sharedkv_benches::settings::{Regime, configure};
use sharedkv_benches::store::{Floor, Unshared};
use sharedkv_benches::workload::UNCONTENDED;

fn uncontended(c: &mut Criterion) {
    let rt = current_thread_runtime();
    for workload in UNCONTENDED {
        // One task has nobody to yield to.
        let plan = Plan::new(workload, u64::MAX);
        let mut group = c.benchmark_group(format!("uncontended/{}", workload.name));
        configure(&mut group, Regime::Uncontended);
        bench_single(&mut group, &rt, &plan, "floor", Floor::new);
        bench_single(&mut group, &rt, &plan, "keyspace", Unshared::new);
        macro_rules! strategy {
            ($name:ident, $new:expr) => {
                bench_single(
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

criterion_group!(benches, uncontended);
criterion_main!(benches);

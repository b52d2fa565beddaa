//! `collections/*`: list, hash, set and sorted-set commands on one hot key,
//! sent through the command layer in process, for every strategy and the
//! unsynchronised floor (std collections, no command layer). See
//! `sharedkv_benches::collections` for what each group runs.
//!
//! ```text
//! cargo bench -p sharedkv-benches --bench collections
//! cargo bench -p sharedkv-benches --bench collections -- 'collections/in-place/'
//! ```

use criterion::{Criterion, criterion_group, criterion_main};
use sharedkv_benches::collections::{
    Medians, Scenario, bench_floor, bench_strategy, hash_1000, in_place_hash, in_place_list,
    in_place_sizes, leaderboard, queue, set_membership,
};
use sharedkv_benches::run::{multi_thread_runtime, strategy_name};
use sharedkv_benches::settings::configure;
use tokio::runtime::Runtime;

/// One criterion group: the floor, then every strategy at each of the
/// scenario's task counts; the floor only if a command is missing.
fn group(c: &mut Criterion, rt: &Runtime, scenario: &Scenario, medians: &mut Medians) {
    let mut group = c.benchmark_group(&scenario.group);
    configure(&mut group, scenario.regime);
    bench_floor(&mut group, rt, scenario, medians);
    let missing = scenario.missing();
    if !missing.is_empty() {
        println!(
            "{}: SKIPPED for every strategy (floor only): sharedkv-commands has no {} yet",
            scenario.group,
            missing.join(", ").to_uppercase()
        );
        group.finish();
        return;
    }
    macro_rules! strategy {
        ($name:ident, $new:expr) => {
            for &tasks in scenario.tasks {
                bench_strategy(
                    &mut group,
                    rt,
                    scenario,
                    tasks,
                    &strategy_name(stringify!($name)),
                    || $new,
                    medians,
                );
            }
        };
    }
    sharedkv_testsuite::for_each_strategy!(strategy);
    group.finish();
}

fn collections(c: &mut Criterion) {
    let rt = multi_thread_runtime();
    let mut medians = Medians::default();
    for scenario in [queue(), hash_1000(), leaderboard(), set_membership()] {
        group(c, &rt, &scenario, &mut medians);
    }
    let sizes = in_place_sizes();
    for make in [in_place_list, in_place_hash] {
        for n in sizes {
            group(c, &rt, &make(n), &mut medians);
        }
    }
    if !sharedkv_benches::test_mode() {
        medians.print_in_place(sizes);
    }
}

criterion_group!(benches, collections);
criterion_main!(benches);

//! `head-of-line/<hog>`: eight tasks GET from a 1M-key store while one task
//! repeats a long operation (none, MGET or MSET of 10,000 keys, DBSIZE,
//! FLUSHALL and refill), on a multi-thread runtime with one worker per core.
//! Criterion measures the GETs' throughput; their latency percentiles and a
//! bystander task's lateness are printed and written under
//! `target/criterion/sharedkv-latency/`. See `sharedkv_benches::hol`.

use criterion::{Criterion, criterion_group, criterion_main};
use sharedkv_benches::hol::{HOL_YIELD_EVERY, bench_head_of_line};
use sharedkv_benches::run::{Plan, multi_thread_runtime, strategy_name};
use sharedkv_benches::workload::HEAD_OF_LINE_READERS;

fn head_of_line(c: &mut Criterion) {
    let rt = multi_thread_runtime();
    let plan = Plan::new(HEAD_OF_LINE_READERS, HOL_YIELD_EVERY);
    macro_rules! strategy {
        ($name:ident, $new:expr) => {
            bench_head_of_line(c, &rt, &plan, &strategy_name(stringify!($name)), || $new)
        };
    }
    sharedkv_testsuite::for_each_strategy!(strategy);
}

criterion_group!(benches, head_of_line);
criterion_main!(benches);

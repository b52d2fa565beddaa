//! `scan/<keys>/<strategy>`: one full `SCAN` iteration, `COUNT 1000`, over
//! a database of 250,000 and of 1,000,000 keys, for every strategy.
//!
//! Redis promises that a full iteration returns every key that stays, and it
//! costs O(N) in all. A cursor that had to walk from the start on every call
//! would cost O(N²/COUNT): the time per key would grow fourfold from the
//! smaller database to the larger. Throughput is in keys, so criterion's
//! keys per second should stay flat across the two sizes for every strategy.
//! The map strategies, which have no resumable cursor, pay a pass over the
//! map per call and return at least 1/64 of the keys per call (see
//! `sharedkv_db::MapDb`): their cost per key is higher, but flat too.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sharedkv_db::{Bytes, Db, DbIndex, Entry, Value};
use sharedkv_testsuite::for_each_strategy;

const SIZES: [usize; 2] = [250_000, 1_000_000];

/// The sizes in test mode (CI runs every benchmark once): small, so the
/// smoke run stays short.
const TEST_SIZES: [usize; 2] = [2_500, 10_000];
const COUNT: usize = 1000;

/// Writes `n` keys of 8-byte values into database 0.
async fn prefill<D: Db>(db: &D, n: usize) {
    for i in 0..n {
        let key = Bytes::from(format!("key:{i:08}"));
        db.update(DbIndex::ZERO, &key, |slot| {
            slot.put(Entry::new(Value::Str(Bytes::from_static(b"12345678"))));
        })
        .await;
    }
}

/// One full iteration; returns how many keys it saw.
async fn full_scan<D: Db>(db: &D) -> usize {
    let (mut cursor, mut seen) = (0, 0);
    loop {
        let (next, keys) = db.scan(DbIndex::ZERO, cursor, COUNT, |_, _| true).await;
        seen += keys.len();
        cursor = next;
        if cursor == 0 {
            return seen;
        }
    }
}

fn scan(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    let sizes = if sharedkv_benches::test_mode() {
        TEST_SIZES
    } else {
        SIZES
    };
    for n in sizes {
        let mut group = c.benchmark_group(format!("scan/{n}"));
        group.throughput(Throughput::Elements(n as u64));
        group.sample_size(10);
        group.sampling_mode(criterion::SamplingMode::Flat);
        group.measurement_time(Duration::from_secs(5));
        macro_rules! bench {
            ($name:ident, $new:expr) => {
                group.bench_function(BenchmarkId::from_parameter(stringify!($name)), |b| {
                    let db = runtime.block_on(async {
                        let db = $new;
                        prefill(&db, n).await;
                        db
                    });
                    b.iter_custom(|iters| {
                        let start = Instant::now();
                        for _ in 0..iters {
                            let seen = runtime.block_on(full_scan(&db));
                            assert!(seen >= n, "a full SCAN missed keys: {seen} of {n}");
                            black_box(seen);
                        }
                        start.elapsed()
                    });
                });
            };
        }
        for_each_strategy!(bench);
        group.finish();
    }
}

criterion_group!(benches, scan);
criterion_main!(benches);

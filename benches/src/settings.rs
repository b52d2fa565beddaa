//! Criterion settings per group: a quick default that keeps the whole matrix
//! under ten minutes on two cores, and a careful run behind
//! `SHAREDKV_BENCH_FULL=1`.
//!
//! The quick budget, per strategy: contention 20 benchmarks × ~1.1 s,
//! uncontended 2 × ~1.6 s, head-of-line 5 × ~1.9 s plus a 1M-key fill; about
//! 40 s per strategy: with ten strategies a full run took 395–416 s on a
//! 2-vCPU EPYC. The careful settings take about four times as long.
//!
//! The `collections` bench, its own budget: 4 groups × 21 benchmarks ×
//! ~0.8 s and 4 in-place groups × 11 × ~0.4 s (more where an operation
//! takes milliseconds), a few minutes in all.

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, SamplingMode};

/// The environment variable that selects the longer, careful settings.
pub const FULL_ENV: &str = "SHAREDKV_BENCH_FULL";

/// The three groups, which need different time budgets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regime {
    /// Many short benchmarks: 6 strategies × 4 task counts × 5 workloads.
    Contention,
    /// Few benchmarks whose ratios are the headline: given more time.
    Uncontended,
    /// Long samples, so that each one spans many of the hog's operations.
    HeadOfLine,
    /// The `collections/*` groups of many tasks (queue, hash-1000,
    /// leaderboard, set-membership): 4 groups × 21 benchmarks, ~1 s each.
    Collections,
    /// `collections/in-place/*`: 4 groups × 11 benchmarks, some of which
    /// (flurry, papaya at N = 100,000) take milliseconds per operation, so
    /// few iterations: with flat sampling a sample may be one iteration.
    CollectionsInPlace,
}

/// Whether `SHAREDKV_BENCH_FULL` asks for the careful settings.
pub fn full() -> bool {
    std::env::var(FULL_ENV).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Applies the regime's warm-up, measurement time and sample count.
///
/// Sampling is flat (every sample runs the same number of iterations), so
/// each sample of a multi-task benchmark is one long window, and the summary
/// reads the median of the per-sample times.
pub fn configure(group: &mut BenchmarkGroup<'_, WallTime>, regime: Regime) {
    let ms = Duration::from_millis;
    let (warm_up, measurement, samples) = match (regime, full()) {
        (Regime::Contention, false) => (ms(200), ms(800), 10),
        (Regime::Contention, true) => (ms(1_000), ms(4_000), 30),
        (Regime::Uncontended, false) => (ms(300), ms(1_200), 20),
        (Regime::Uncontended, true) => (ms(2_000), ms(8_000), 50),
        (Regime::HeadOfLine, false) => (ms(300), ms(1_500), 10),
        (Regime::HeadOfLine, true) => (ms(2_000), ms(8_000), 20),
        (Regime::Collections, false) => (ms(200), ms(600), 10),
        (Regime::Collections, true) => (ms(1_000), ms(4_000), 30),
        (Regime::CollectionsInPlace, false) => (ms(100), ms(300), 10),
        (Regime::CollectionsInPlace, true) => (ms(500), ms(2_000), 20),
    };
    group
        .warm_up_time(warm_up)
        .measurement_time(measurement)
        .sample_size(samples)
        .sampling_mode(SamplingMode::Flat);
}

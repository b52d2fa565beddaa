//! The shared harness of sharedkv's criterion benchmarks, generic over
//! [`Db`](sharedkv_db::Db) and written once: each bench file only picks a
//! runtime, a group and its workloads, and stamps the strategies with
//! [`sharedkv_testsuite::for_each_strategy!`], so a new strategy is benched
//! without editing this crate.
//!
//! ```text
//! cargo bench -p sharedkv-benches                     # everything, about 7 minutes on 2 cores
//! cargo test --workspace --bench '*'                  # every benchmark once (CI smoke)
//! cargo bench -p sharedkv-benches --bench contention -- 'contention/zipf/'
//! SHAREDKV_BENCH_FULL=1 cargo bench -p sharedkv-benches   # longer, careful settings
//! scripts/bench-summary                               # the markdown table from target/criterion
//! ```
//!
//! # The workload model
//!
//! After bustle's ([`workload`]): an operation mix that sums to 100 (checked
//! at compile time), a key distribution (uniform, or zipf with a seeded rank
//! permutation), a prefill written before timing, and a stream of 2^20
//! operations generated from a recorded seed ([`workload::SEED`]) before
//! anything is timed. Every strategy replays the same stream from the same
//! prefill. Keys and values are static `Bytes`, so cloning them is free and
//! the harness adds no shared refcount traffic.
//!
//! # The runner
//!
//! The runtime is built once per bench file, outside every timed closure.
//! Each criterion sample calls [`run::run_tasks`] from `iter_custom`: it
//! spawns the tasks (untimed), each waits at a start barrier, stamps its
//! start, runs its `iters` operations from its own offset in the stream
//! (yielding every [`run::YIELD_EVERY`], as a connection task does), and
//! stamps its end; the sample's time is last end minus first start. One
//! iteration is one operation per task, hence `Throughput::Elements(tasks)`.
//! Results go through `std::hint::black_box`. Stores are built and prefilled
//! lazily inside the benchmark closure, so a filtered-out benchmark builds
//! nothing.
//!
//! # Groups
//!
//! - `contention/<workload>`: every strategy × tasks {1, 2, 8, 64} on a
//!   multi-thread runtime with one worker per core, for the workloads of
//!   [`workload::CONTENTION`], plus the unsynchronised floor as one task.
//! - `uncontended/{get,set}`: one task on a current-thread runtime, for every
//!   strategy, the floor ([`store::Floor`], a bare `HashMap`) and the unshared
//!   [`Keyspace`](sharedkv_db::Keyspace) ([`store::Unshared`]).
//! - `head-of-line/<hog>`: see [`hol`].
//!
//! Benchmarks are named `BenchmarkId::new(strategy, tasks)`, so their ids
//! read `contention/zipf/dashmap/8`; `bench-summary` parses them from
//! criterion's `benchmark.json` files.

pub mod collections;
pub mod hol;
pub mod run;
pub mod settings;
pub mod store;
pub mod workload;

use std::path::PathBuf;

/// Whether criterion runs each benchmark once, as a smoke test: under
/// `cargo test --benches` (no `--bench` argument) or `cargo bench -- --test`.
/// Its numbers mean nothing then and are not written.
pub fn test_mode() -> bool {
    let bench = std::env::args().any(|a| a == "--bench");
    !bench || std::env::args().any(|a| a == "--test")
}

/// The directory criterion writes to, found as criterion finds it:
/// `$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`, else the target
/// directory this bench binary was built in (`<target>/<profile>/deps/`).
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("criterion")))
        .unwrap_or_else(|| PathBuf::from("target/criterion"))
}

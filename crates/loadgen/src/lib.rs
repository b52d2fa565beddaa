//! A RESP load generator for sharedkv (and any Redis-compatible server).
//!
//! The workload model follows jonhoo/bustle's: an operation [`Workload`]
//! mix that sums to 100, a prefill, every random choice made before the
//! clock starts (each connection cycles through a precomputed
//! [`sequence`] of [`Step`]s drawn from its own seeded RNG), and the seed
//! recorded in the output. Key names and values are pure functions of a key
//! index ([`Keyspace`]), so after `--prefill` every `GET` reply is checked
//! against the value that was written.
//!
//! Each connection is one task with its own socket (`TCP_NODELAY`). It
//! writes a batch of `pipeline` requests in one write, then reads exactly
//! that many replies, and records **every** request's latency (the arrival
//! of its reply minus the write of its batch) into its own HDR histogram;
//! the histograms are merged at the end and reported as percentiles.
//! redis-benchmark cannot do this when pipelining: its `readHandler` takes
//! the time once, at the first read event of a batch ("Calculate latency
//! only for the first read event"), and records that one number for every
//! request of the batch, so with `-P 16` the fifteen later replies are
//! timed as if they had arrived with the first. (conc-map-bench reports an
//! average per operation; an average hides the tail that a lock convoy
//! produces.)
//!
//! A run fails when any reply is an error or a wrong value
//! ([`Report::is_ok`]), and stops with an [`Error`] when a connection
//! breaks. [`Hog`] adds one connection that loops a huge `MSET` or `MGET`
//! while the others run the workload: the head-of-line scenario.
//!
//! ```no_run
//! use std::time::Duration;
//! use sharedkv_loadgen::{Config, KeyDist, Limit, Workload, run_blocking};
//!
//! let config = Config {
//!     addr: "127.0.0.1:6379".into(),
//!     workload: Workload::MIXED,
//!     dist: KeyDist::Zipf(0.99),
//!     pipeline: 16,
//!     limit: Limit::Duration(Duration::from_secs(5)),
//!     prefill: true,
//!     ..Config::default()
//! };
//! let report = run_blocking(&config)?;
//! println!("{}", report.summary(&config));
//! # Ok::<(), sharedkv_loadgen::Error>(())
//! ```

mod check;
mod client;
mod config;
mod dist;
mod duration;
mod error;
mod report;
mod run;
mod workload;

pub use check::Problems;
pub use config::{Config, Hog, HogKind, Limit, Progress};
pub use dist::{KeyDist, Sampler};
pub use duration::parse_duration;
pub use error::{Error, ErrorKind};
pub use report::{Counts, HogReport, PrefillReport, Report};
pub use run::{run, run_blocking};
pub use workload::{Keyspace, Op, Step, Workload, sequence};

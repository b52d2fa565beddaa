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
//! writes a batch of `pipeline` steps in one write, then reads exactly
//! their replies, and records **every** step's latency (the arrival of its
//! last reply minus the write of its batch) into its own HDR histogram;
//! the histograms are merged at the end and reported as percentiles. A
//! step is one request but for `transfer`, whose four ([`Op::frames`]) go
//! in the same batch and count as one operation.
//! redis-benchmark cannot do this when pipelining: its `readHandler` takes
//! the time once, at the first read event of a batch ("Calculate latency
//! only for the first read event"), and records that one number for every
//! request of the batch, so with `-P 16` the fifteen later replies are
//! timed as if they had arrived with the first. (conc-map-bench reports an
//! average per operation; an average hides the tail that a lock convoy
//! produces.)
//!
//! The workloads ([`Workload`]): string mixes (`read-heavy`, `mixed`,
//! `write-heavy`, `incr`, `get=A,set=B,incr=C`); applications on
//! collections (`queue`, `session`, `tags`, `leaderboard`); and a bank
//! whose every operation moves 7 between two `account:<i>` keys
//! atomically, three ways:
//!
//! - `transfer`: `MULTI`, `DECRBY`, `INCRBY`, `EXEC`, pipelined together;
//!   the replies must be `+OK`, `+QUEUED`, `+QUEUED` and two integers.
//! - `transfer-eval`: one `EVALSHA` of [`TRANSFER_SCRIPT`], which the run
//!   loads once with `SCRIPT LOAD` before the clock starts, as clients do
//!   (a `NOSCRIPT` reply is an error, not a cue to send the script).
//! - `transfer-watch`: `WATCH` both and `MGET` them, then `MULTI`, a `SET`
//!   of each new balance, `EXEC`; a null `EXEC` (another client changed an
//!   account) is retried from the `WATCH`, and the retries are reported
//!   ([`Counts::retries`]). It needs the reads' reply before it can write,
//!   so it runs one transfer at a time per connection: `pipeline` must be
//!   1.
//!
//! After a prefill (every account at 1,000,000) the run ends by reading
//! every balance and checking their sum ([`Report::balances`]): the
//! transfer invariant, end to end.
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
pub use report::{Balances, Counts, HogReport, PrefillReport, Report};
pub use run::{run, run_blocking};
pub use workload::{
    INITIAL_BALANCE, Keyspace, Op, Step, TRANSFER_AMOUNT, TRANSFER_SCRIPT, Workload, sequence,
};

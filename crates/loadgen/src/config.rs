//! What a run does: [`Config`] and the small types it is made of.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::dist::KeyDist;
use crate::error::Error;
use crate::workload::{Keyspace, Workload};

/// When the measured phase ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Keep sending for this long after the warmup.
    Duration(Duration),
    /// Send exactly this many requests after the warmup, split as evenly
    /// as possible between the connections (operations: a transfer counts
    /// one).
    Requests(u64),
}

/// What the head-of-line hog sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HogKind {
    /// `MSET key:0 v0 key:1 v1 ...`: one long write.
    Mset,
    /// `MGET key:0 key:1 ...`: one long read.
    Mget,
    /// Builds a set of `keys` members (`SADD` of 1,000 at a time), then
    /// `DEL`s it, over and over: what freeing one big value does to
    /// everyone else (a strategy that frees it under its lock stalls them
    /// for the whole free).
    Del,
}

/// One extra connection that sends a single huge multi-key command in a
/// loop for the whole run, to show what it does to everyone else's latency
/// (a strategy whose `MSET` holds one lock for all its keys stalls every
/// other command for that long). Its keys are indexes `0..keys` (wrapped
/// modulo the key count): the hottest keys under zipf. Its values are the
/// deterministic ones, so it never breaks `GET` verification. Its commands
/// are counted apart and kept out of the latency histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hog {
    /// `MSET` or `MGET`.
    pub kind: HogKind,
    /// Keys per command.
    pub keys: usize,
}

impl Hog {
    /// Keys per command when `--hog mset` gives no number.
    pub const DEFAULT_KEYS: usize = 10_000;
}

impl FromStr for Hog {
    type Err = String;

    /// `mset`, `mget` or `del`, optionally `:<n>` (n defaults to 10000).
    fn from_str(text: &str) -> Result<Self, String> {
        let (kind, keys) = text.split_once(':').unwrap_or((text, ""));
        let kind = match kind {
            "mset" => HogKind::Mset,
            "mget" => HogKind::Mget,
            "del" => HogKind::Del,
            _ => {
                return Err(format!(
                    "unknown hog {text:?} (mset:<n>, mget:<n> or del:<n>)"
                ));
            }
        };
        let keys = if keys.is_empty() {
            Hog::DEFAULT_KEYS
        } else {
            match keys.parse() {
                Ok(n) if n >= 1 => n,
                _ => return Err(format!("hog key count {keys:?} must be a positive integer")),
            }
        };
        Ok(Hog { kind, keys })
    }
}

impl fmt::Display for Hog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            HogKind::Mset => "mset",
            HogKind::Mget => "mget",
            HogKind::Del => "del",
        };
        write!(f, "{kind}:{}", self.keys)
    }
}

/// Progress lines on stderr, once a second, for runs longer than about two
/// seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// None.
    Off,
    /// One line per second (stderr is a file or a pipe).
    Lines,
    /// One line rewritten in place with `\r` (stderr is a terminal).
    Overwrite,
}

/// Everything a run needs. [`Config::default`] matches the command line's
/// defaults.
#[derive(Debug, Clone)]
pub struct Config {
    /// `host:port` of the server.
    pub addr: String,
    /// Client connections, each driven by its own task.
    pub connections: usize,
    /// Operations per batch: each connection writes this many at once and
    /// waits for all their replies before the next batch (a `transfer` is
    /// four requests; `transfer-watch` allows only 1).
    pub pipeline: usize,
    /// When the measured phase ends.
    pub limit: Limit,
    /// The operation mix.
    pub workload: Workload,
    /// Number of distinct keys (per namespace: `key:` and `ctr:`).
    pub keys: u64,
    /// How keys are picked.
    pub dist: KeyDist,
    /// Members per tag set or leaderboard (`tags`, `leaderboard`: drawn
    /// uniformly from `0..members`), and jobs per queue at prefill
    /// (`queue`).
    pub members: u64,
    /// Bytes per value.
    pub value_size: usize,
    /// Write every key once before measuring (so `GET`s hit; for the
    /// application workloads, see [`Workload`]), and then require every
    /// value read to be exactly the one written; for the transfer workloads,
    /// require the balances to sum at the end to what the prefill wrote.
    pub prefill: bool,
    /// The keys were prefilled before, by a run of the same workload, keys,
    /// members and value size: check every reply as after a prefill,
    /// without writing one (so that a caller can keep the prefill out of
    /// what it measures around [`run`](crate::run)).
    pub assume_prefilled: bool,
    /// Run the workload this long before measuring; nothing of it is
    /// recorded.
    pub warmup: Duration,
    /// Worker threads of the runtime [`run_blocking`](crate::run_blocking)
    /// builds (1: a current-thread runtime). The generator competes with the
    /// server for cores; on a small machine keep this low.
    pub threads: usize,
    /// Seeds every connection's operation sequence; recorded in the output.
    pub seed: u64,
    /// Steps precomputed per connection and then cycled.
    pub sequence_len: usize,
    /// The optional head-of-line hog connection.
    pub hog: Option<Hog>,
    /// Progress lines on stderr.
    pub progress: Progress,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:6379".into(),
            connections: 50,
            pipeline: 1,
            limit: Limit::Duration(Duration::from_secs(10)),
            workload: Workload::READ_HEAVY,
            keys: 100_000,
            dist: KeyDist::Uniform,
            members: Keyspace::DEFAULT_MEMBERS,
            value_size: 16,
            prefill: false,
            assume_prefilled: false,
            warmup: Duration::ZERO,
            threads: 1,
            seed: 0,
            sequence_len: 4096,
            hog: None,
            progress: Progress::Off,
        }
    }
}

impl Config {
    /// Checks that the numbers make sense together.
    pub fn validate(&self) -> Result<(), Error> {
        if self.connections == 0 {
            return Err(Error::config("--connections must be at least 1"));
        }
        if self.pipeline == 0 {
            return Err(Error::config("--pipeline must be at least 1"));
        }
        if self.workload == Workload::TRANSFER_WATCH && self.pipeline > 1 {
            return Err(Error::config(
                "--pipeline must be 1 with transfer-watch: each transfer's MULTI carries the \
                 balances its MGET read, so a connection runs one transfer at a time (use more \
                 --connections)",
            ));
        }
        if self.workload.is_bank() && self.keys < 2 {
            return Err(Error::config(
                "--keys must be at least 2 with the transfer workloads: a transfer needs two \
                 accounts",
            ));
        }
        if !(1..=Keyspace::MAX_KEYS).contains(&self.keys) {
            return Err(Error::config(format!(
                "--keys must be from 1 to {}",
                Keyspace::MAX_KEYS
            )));
        }
        if !(1..=Keyspace::MAX_KEYS).contains(&self.members) {
            return Err(Error::config(format!(
                "--members must be from 1 to {}",
                Keyspace::MAX_KEYS
            )));
        }
        if self.threads == 0 {
            return Err(Error::config("--threads must be at least 1"));
        }
        if self.sequence_len == 0 {
            return Err(Error::config("--sequence-len must be at least 1"));
        }
        if self.value_size > 512 * 1024 * 1024 {
            return Err(Error::config("--value-size is over Redis's 512 MiB limit"));
        }
        Ok(())
    }

    /// A fresh random seed, for when none is given.
    pub fn random_seed() -> u64 {
        rand::random()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `transfer-watch` refuses a pipeline over 1, and every transfer
    /// workload a single account, each with a message that says why.
    #[test]
    fn transfers_validate() {
        let watch = Config {
            workload: Workload::TRANSFER_WATCH,
            keys: 1000,
            ..Config::default()
        };
        assert!(watch.validate().is_ok());
        let piped = Config {
            pipeline: 16,
            ..watch.clone()
        };
        let message = piped.validate().unwrap_err().to_string();
        assert!(
            message.contains("--pipeline must be 1 with transfer-watch"),
            "{message}"
        );
        for workload in Workload::BANK {
            let alone = Config {
                workload,
                keys: 1,
                ..Config::default()
            };
            let message = alone.validate().unwrap_err().to_string();
            assert!(message.contains("two accounts"), "{workload}: {message}");
        }
        let transfer = Config {
            workload: Workload::TRANSFER,
            pipeline: 16,
            keys: 2,
            ..Config::default()
        };
        assert!(transfer.validate().is_ok());
    }
}

//! What a run measured, and the three ways of printing it: a human
//! summary, one JSON object, one CSV row under [`Report::CSV_HEADER`].

use std::fmt::Write as _;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde_json::json;

use crate::check::{Problems, Reply};
use crate::config::{Config, Hog, Limit};
use crate::workload::{Op, Workload};

/// Requests answered during the measured phase, by command.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// All measured requests: operations, so a transfer is one whatever it
    /// sends (`transfer-watch`: one that committed).
    pub requests: u64,
    /// `GET`s.
    pub gets: u64,
    /// `SET`s.
    pub sets: u64,
    /// `INCR`s.
    pub incrs: u64,
    /// `GET`s answered with a null (key missing); only possible without
    /// `--prefill`.
    pub get_misses: u64,
    /// Requests by operation, indexed by `op as usize` (see [`Op::ALL`]).
    pub by_op: [u64; Op::ALL.len()],
    /// Replies that found nothing, `GET` misses included: an `RPOP` of an
    /// empty queue, an `HGET` or `HGETALL` of a session not written yet.
    pub empty: u64,
    /// `transfer-watch`: attempts whose `EXEC` was a null (another client
    /// changed a watched account), each retried from its `WATCH`.
    pub retries: u64,
}

impl Counts {
    pub(crate) fn record(&mut self, op: Op, reply: Reply) {
        self.requests += 1;
        match op {
            Op::Get => self.gets += 1,
            Op::Set => self.sets += 1,
            Op::Incr => self.incrs += 1,
            _ => {}
        }
        self.by_op[op as usize] += 1;
        if reply == Reply::Miss {
            self.empty += 1;
            if op == Op::Get {
                self.get_misses += 1;
            }
        }
    }

    /// Requests of `op`.
    pub fn of(&self, op: Op) -> u64 {
        self.by_op[op as usize]
    }

    pub(crate) fn merge(&mut self, other: &Counts) {
        self.requests += other.requests;
        self.gets += other.gets;
        self.sets += other.sets;
        self.incrs += other.incrs;
        self.get_misses += other.get_misses;
        for (mine, theirs) in self.by_op.iter_mut().zip(other.by_op) {
            *mine += theirs;
        }
        self.empty += other.empty;
        self.retries += other.retries;
    }
}

/// The transfer invariant, checked at the end of a prefilled run of a
/// bank workload: every account read, and its balances summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balances {
    /// Accounts read.
    pub accounts: u64,
    /// The sum of their balances.
    pub sum: i128,
    /// What the prefill wrote: `accounts` × 1,000,000.
    pub expected: i128,
}

impl Balances {
    /// Whether no money was made or lost.
    pub fn holds(&self) -> bool {
        self.sum == self.expected
    }
}

/// What the prefill did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefillReport {
    /// Keys written (both namespaces counted).
    pub keys: u64,
    /// How long it took.
    pub elapsed: Duration,
}

/// What the hog did during the measured phase.
#[derive(Debug, Clone)]
pub struct HogReport {
    /// Its configuration.
    pub hog: Hog,
    /// Commands completed.
    pub ops: u64,
    /// Their latencies in microseconds (kept out of [`Report::latency`]).
    pub latency: Histogram<u64>,
}

/// The results of a run.
#[derive(Debug, Clone)]
pub struct Report {
    /// Measured requests by command.
    pub counts: Counts,
    /// The measured phase: from the end of the warmup to the last reply.
    pub elapsed: Duration,
    /// Every measured request's latency in microseconds: the arrival of its
    /// reply minus the instant its batch was written. Merged over all
    /// connections.
    pub latency: Histogram<u64>,
    /// Error replies and wrong values over the whole run.
    pub problems: Problems,
    /// The prefill, if one ran.
    pub prefill: Option<PrefillReport>,
    /// The hog, if one ran.
    pub hog: Option<HogReport>,
    /// The balance check of a prefilled bank workload; a sum that does not
    /// hold is also a wrong reply in [`Report::problems`].
    pub balances: Option<Balances>,
}

/// Percentile → `(column suffix, quantile)`.
const PERCENTILES: [(&str, f64); 4] =
    [("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("p999", 0.999)];

impl Report {
    /// The CSV header matching [`Report::csv_row`].
    pub const CSV_HEADER: &'static str = "addr,connections,pipeline,threads,workload,get_pct,\
        set_pct,incr_pct,keys,dist,value_size,prefill,warmup_s,duration_limit_s,request_limit,\
        seed,hog,requests,gets,sets,incrs,get_misses,elapsed_s,ops_per_sec,p50_us,p90_us,p99_us,\
        p999_us,max_us,mean_us,error_replies,wrong_replies,hog_ops,hog_p50_us,hog_max_us,ok,members,\
        empty_replies,by_command,retries,balance_sum";

    /// Measured requests per second.
    pub fn throughput(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.counts.requests as f64 / secs
        } else {
            0.0
        }
    }

    /// The latency at quantile `q` (0.99 for p99), in microseconds; 0 when
    /// nothing was measured.
    pub fn latency_us(&self, q: f64) -> u64 {
        if self.latency.is_empty() {
            0
        } else {
            self.latency.value_at_quantile(q)
        }
    }

    /// No error reply and no wrong value anywhere in the run.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// A few lines for people.
    pub fn summary(&self, config: &Config) -> String {
        let w = &config.workload;
        let mut out = String::new();
        let threads = if config.threads == 1 {
            "thread"
        } else {
            "threads"
        };
        let _ = writeln!(
            out,
            "target      {}, {} connections, pipeline {}, {} {threads}",
            config.addr, config.connections, config.pipeline, config.threads
        );
        let mix: Vec<String> = w
            .mix()
            .iter()
            .map(|(op, pct)| format!("{pct}% {}", op.command()))
            .collect();
        // Accounts hold balances: no members, no values of a set size.
        let what = if w.is_bank() {
            format!("{} accounts", config.keys)
        } else if w.app_name().is_some() {
            format!(
                "{} keys, {} members, {}-byte values",
                config.keys, config.members, config.value_size
            )
        } else {
            format!("{} keys, {}-byte values", config.keys, config.value_size)
        };
        let _ = writeln!(
            out,
            "workload    {w} ({}), {} over {what}, seed {}",
            mix.join(", "),
            config.dist,
            config.seed
        );
        if let Some(prefill) = &self.prefill {
            let _ = writeln!(
                out,
                "prefill     {} keys in {:.2} s",
                prefill.keys,
                prefill.elapsed.as_secs_f64()
            );
        }
        let c = &self.counts;
        let warmup = if config.warmup.is_zero() {
            String::new()
        } else {
            format!(", after {:.1} s of warmup", config.warmup.as_secs_f64())
        };
        if w.is_bank() {
            let _ = writeln!(
                out,
                "transfers   {} in {:.3} s (each one {}){warmup}",
                c.requests,
                self.elapsed.as_secs_f64(),
                match w.mix()[0].0 {
                    Op::Transfer => "MULTI, DECRBY, INCRBY, EXEC batch",
                    Op::TransferEval => "EVALSHA",
                    _ => "WATCH, MGET, then MULTI, SET, SET, EXEC",
                },
            );
            if *w == Workload::TRANSFER_WATCH {
                let per = if c.requests > 0 {
                    c.retries as f64 / c.requests as f64
                } else {
                    0.0
                };
                let _ = writeln!(
                    out,
                    "retries     {} ({per:.3} per transfer): EXECs that found a watched account changed",
                    c.retries
                );
            }
        } else if w.app_name().is_some() {
            let by: Vec<String> = w
                .mix()
                .iter()
                .map(|&(op, _)| format!("{} {}", op.command(), c.of(op)))
                .collect();
            let _ = writeln!(
                out,
                "requests    {} in {:.3} s ({}; empty replies {}){warmup}",
                c.requests,
                self.elapsed.as_secs_f64(),
                by.join(", "),
                c.empty,
            );
        } else {
            let _ = writeln!(
                out,
                "requests    {} in {:.3} s (GET {}, SET {}, INCR {}; GET misses {}){warmup}",
                c.requests,
                self.elapsed.as_secs_f64(),
                c.gets,
                c.sets,
                c.incrs,
                c.get_misses,
            );
        }
        let _ = writeln!(out, "throughput  {:.0} ops/s", self.throughput());
        let _ = write!(out, "latency µs  ");
        for (name, q) in PERCENTILES {
            let _ = write!(
                out,
                "{} {}  ",
                name.replace("p999", "p99.9"),
                self.latency_us(q)
            );
        }
        let _ = writeln!(
            out,
            "max {}  (mean {:.1})",
            self.latency.max(),
            self.latency.mean()
        );
        let p = &self.problems;
        let _ = writeln!(
            out,
            "errors      {} error replies, {} wrong replies",
            p.error_replies, p.wrong_replies
        );
        if let Some(b) = &self.balances {
            let _ = writeln!(
                out,
                "balances    {} accounts sum to {}{}",
                b.accounts,
                b.sum,
                if b.holds() {
                    ", as prefilled".to_owned()
                } else {
                    format!(", not the {} prefilled: WRONG", b.expected)
                }
            );
        }
        if let Some(first) = &p.first {
            let _ = writeln!(out, "first       {first}");
        }
        if let Some(hog) = &self.hog {
            let _ = writeln!(
                out,
                "hog         {}: {} commands ({:.1}/s), p50 {} µs, max {} µs",
                hog.hog,
                hog.ops,
                self.per_second(hog.ops),
                hog_quantile(hog, 0.5),
                hog.latency.max()
            );
        }
        out
    }

    /// One JSON object: every configuration field, the seed, and the
    /// results.
    pub fn json(&self, config: &Config) -> serde_json::Value {
        let mut value = json!({
            "addr": config.addr,
            "connections": config.connections,
            "pipeline": config.pipeline,
            "threads": config.threads,
            "workload": config.workload.to_string(),
            "get_pct": config.workload.get_pct(),
            "set_pct": config.workload.set_pct(),
            "incr_pct": config.workload.incr_pct(),
            "keys": config.keys,
            "dist": config.dist.to_string(),
            "members": config.members,
            "value_size": config.value_size,
            "prefill": config.prefill,
            "warmup_s": config.warmup.as_secs_f64(),
            "duration_limit_s": match config.limit {
                Limit::Duration(d) => Some(d.as_secs_f64()),
                Limit::Requests(_) => None,
            },
            "request_limit": match config.limit {
                Limit::Requests(n) => Some(n),
                Limit::Duration(_) => None,
            },
            "seed": config.seed,
            "sequence_len": config.sequence_len,
            "hog": config.hog.map(|h| h.to_string()),
            "requests": self.counts.requests,
            "gets": self.counts.gets,
            "sets": self.counts.sets,
            "incrs": self.counts.incrs,
            "get_misses": self.counts.get_misses,
            "empty_replies": self.counts.empty,
            "by_command": self.by_command_json(),
            "elapsed_s": self.elapsed.as_secs_f64(),
            "ops_per_sec": self.throughput(),
            "max_us": self.latency.max(),
            "mean_us": self.latency.mean(),
            "error_replies": self.problems.error_replies,
            "wrong_replies": self.problems.wrong_replies,
            "first_problem": self.problems.first,
            "prefill_s": self.prefill.map(|p| p.elapsed.as_secs_f64()),
            "hog_ops": self.hog.as_ref().map(|h| h.ops),
            "hog_ops_per_sec": self.hog.as_ref().map(|h| self.per_second(h.ops)),
            "hog_p50_us": self.hog.as_ref().map(|h| hog_quantile(h, 0.5)),
            "hog_max_us": self.hog.as_ref().map(|h| h.latency.max()),
            "ok": self.is_ok(),
        });
        // A second macro call: one object this large is past `json!`'s
        // recursion limit.
        value["retries"] = json!(self.counts.retries);
        value["balance_sum"] = json!(self.balances.and_then(|b| i64::try_from(b.sum).ok()));
        value["balance_expected"] =
            json!(self.balances.and_then(|b| i64::try_from(b.expected).ok()));
        for (name, q) in PERCENTILES {
            value[format!("{name}_us")] = json!(self.latency_us(q));
        }
        value
    }

    /// One CSV row matching [`Report::CSV_HEADER`] (no trailing newline).
    pub fn csv_row(&self, config: &Config) -> String {
        let (duration_limit, request_limit) = match config.limit {
            Limit::Duration(d) => (d.as_secs_f64().to_string(), String::new()),
            Limit::Requests(n) => (String::new(), n.to_string()),
        };
        let hog = &self.hog;
        let fields: Vec<String> = vec![
            config.addr.clone(),
            config.connections.to_string(),
            config.pipeline.to_string(),
            config.threads.to_string(),
            config.workload.to_string(),
            config.workload.get_pct().to_string(),
            config.workload.set_pct().to_string(),
            config.workload.incr_pct().to_string(),
            config.keys.to_string(),
            config.dist.to_string(),
            config.value_size.to_string(),
            config.prefill.to_string(),
            config.warmup.as_secs_f64().to_string(),
            duration_limit,
            request_limit,
            config.seed.to_string(),
            config.hog.map(|h| h.to_string()).unwrap_or_default(),
            self.counts.requests.to_string(),
            self.counts.gets.to_string(),
            self.counts.sets.to_string(),
            self.counts.incrs.to_string(),
            self.counts.get_misses.to_string(),
            format!("{:.6}", self.elapsed.as_secs_f64()),
            format!("{:.1}", self.throughput()),
            self.latency_us(0.50).to_string(),
            self.latency_us(0.90).to_string(),
            self.latency_us(0.99).to_string(),
            self.latency_us(0.999).to_string(),
            self.latency.max().to_string(),
            format!("{:.1}", self.latency.mean()),
            self.problems.error_replies.to_string(),
            self.problems.wrong_replies.to_string(),
            hog.as_ref().map(|h| h.ops.to_string()).unwrap_or_default(),
            hog.as_ref()
                .map(|h| hog_quantile(h, 0.5).to_string())
                .unwrap_or_default(),
            hog.as_ref()
                .map(|h| h.latency.max().to_string())
                .unwrap_or_default(),
            self.is_ok().to_string(),
            config.members.to_string(),
            self.counts.empty.to_string(),
            self.by_command(),
            self.counts.retries.to_string(),
            self.balances.map(|b| b.sum.to_string()).unwrap_or_default(),
        ];
        fields
            .iter()
            .map(|f| csv_field(f))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Requests by command, of the commands sent: `LPUSH=51;RPOP=49`.
    fn by_command(&self) -> String {
        Op::ALL
            .iter()
            .filter(|&&op| self.counts.of(op) > 0)
            .map(|&op| format!("{}={}", op.command(), self.counts.of(op)))
            .collect::<Vec<_>>()
            .join(";")
    }

    fn by_command_json(&self) -> serde_json::Value {
        Op::ALL
            .iter()
            .filter(|&&op| self.counts.of(op) > 0)
            .map(|&op| (op.command().to_owned(), json!(self.counts.of(op))))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }

    fn per_second(&self, n: u64) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 { n as f64 / secs } else { 0.0 }
    }
}

fn hog_quantile(hog: &HogReport, q: f64) -> u64 {
    if hog.latency.is_empty() {
        0
    } else {
        hog.latency.value_at_quantile(q)
    }
}

/// Quotes a field holding a comma, a quote or a newline (RFC 4180).
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workload;

    /// The CSV row has as many fields as the header, and a workload with
    /// commas is quoted.
    #[test]
    fn csv_row_matches_header() {
        let config = Config {
            workload: Workload::new(20, 30, 50).unwrap(),
            ..Config::default()
        };
        let mut latency = crate::run::new_histogram();
        latency.record(100).unwrap();
        let report = Report {
            counts: Counts::default(),
            elapsed: Duration::from_secs(1),
            latency,
            problems: Problems::default(),
            prefill: None,
            hog: None,
            balances: None,
        };
        let row = report.csv_row(&config);
        assert!(row.contains("\"get=20,set=30,incr=50\""));
        let unquoted = row.replace("\"get=20,set=30,incr=50\"", "w");
        assert_eq!(
            unquoted.split(',').count(),
            Report::CSV_HEADER.split(',').count()
        );
        assert_eq!(report.json(&config)["p99_us"], 100);
    }

    /// A `transfer-watch` report says how many retries there were, and a
    /// bank report what the balances summed to, in the summary, the JSON
    /// and the CSV.
    #[test]
    fn bank_reports_retries_and_balances() {
        let config = Config {
            workload: Workload::TRANSFER_WATCH,
            keys: 1000,
            ..Config::default()
        };
        let mut counts = Counts::default();
        for _ in 0..4 {
            counts.record(Op::TransferWatch, Reply::Fine);
        }
        counts.retries = 2;
        let balances = Balances {
            accounts: 1000,
            sum: 1_000_000_000,
            expected: 1_000_000_000,
        };
        let report = Report {
            counts,
            elapsed: Duration::from_secs(1),
            latency: crate::run::new_histogram(),
            problems: Problems::default(),
            prefill: None,
            hog: None,
            balances: Some(balances),
        };
        let summary = report.summary(&config);
        assert!(summary.contains("over 1000 accounts"), "{summary}");
        assert!(summary.contains("transfers   4 in"), "{summary}");
        assert!(
            summary.contains("retries     2 (0.500 per transfer)"),
            "{summary}"
        );
        assert!(
            summary.contains("balances    1000 accounts sum to 1000000000, as prefilled"),
            "{summary}"
        );
        let json = report.json(&config);
        assert_eq!(json["retries"], 2);
        assert_eq!(json["balance_sum"], 1_000_000_000);
        assert_eq!(json["by_command"]["WATCH/EXEC"], 4);
        let header: Vec<&str> = Report::CSV_HEADER.split(',').collect();
        let row = report.csv_row(&config);
        let row: Vec<&str> = row.split(',').collect();
        assert_eq!(header.len(), row.len());
        let field = |name| row[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(field("retries"), "2");
        assert_eq!(field("balance_sum"), "1000000000");
        assert_eq!(field("by_command"), "WATCH/EXEC=4");

        let wrong = Report {
            balances: Some(Balances {
                sum: 999_999_993,
                ..balances
            }),
            ..report
        };
        let summary = wrong.summary(&Config {
            workload: Workload::TRANSFER,
            ..config
        });
        assert!(!summary.contains("retries"), "{summary}");
        assert!(
            summary.contains("not the 1000000000 prefilled: WRONG"),
            "{summary}"
        );
    }
}

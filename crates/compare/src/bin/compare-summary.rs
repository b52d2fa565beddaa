//! `compare-summary DIR`: reads DIR/results.csv (and DIR/meta.json) and
//! writes DIR/summary.md: the median over rounds of every figure, each
//! with its ratio to redis-server's median in the same run.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use sharedkv_compare::{
    MINI_REDIS, Meta, REDIS, Row, SCENARIOS, latest_rows, median, read_rows, servers, si, status,
    values,
};

/// Writes DIR/summary.md from DIR/results.csv.
#[derive(Debug, Parser)]
#[command(name = "compare-summary")]
struct Args {
    /// The results directory.
    dir: PathBuf,

    /// Also print the summary on stdout.
    #[arg(long)]
    print: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rows = latest_rows(read_rows(&args.dir.join("results.csv"))?);
    anyhow::ensure!(!rows.is_empty(), "no rows in {}", args.dir.display());
    let meta = Meta::read(&args.dir.join("meta.json")).ok();
    let text = summary(&rows, meta.as_ref());
    let path = args.dir.join("summary.md");
    fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
    if args.print {
        print!("{text}");
    }
    eprintln!("compare: wrote {}", path.display());
    Ok(())
}

/// Which figure of a row a column shows.
#[derive(Clone, Copy)]
enum Figure {
    Ops,
    Cpu,
    P99,
    RssMb,
}

impl Figure {
    fn of(self, row: &Row) -> Option<f64> {
        match self {
            Figure::Ops => row.ops_per_sec,
            Figure::Cpu => row.cpu_us_per_req,
            Figure::P99 => row.p99_us,
            Figure::RssMb => row.rss_after_kb.map(|kb| kb as f64 / 1024.0),
        }
    }

    fn format(self, value: f64) -> String {
        match self {
            Figure::Ops => si(value),
            Figure::Cpu => format!("{value:.2}"),
            Figure::P99 => format!("{value:.0}"),
            Figure::RssMb => format!("{value:.0}"),
        }
    }
}

/// One column of a table: a scenario's figure, with or without its ratio
/// to redis-server.
struct Column {
    scenario: &'static str,
    figure: Figure,
    header: &'static str,
    ratio: bool,
}

const fn col(scenario: &'static str, figure: Figure, header: &'static str, ratio: bool) -> Column {
    Column {
        scenario,
        figure,
        header,
        ratio,
    }
}

const THROUGHPUT: &[Column] = &[
    col("rb-p1", Figure::Ops, "P1 ops/s", true),
    col("rb-p16", Figure::Ops, "P16 ops/s", true),
    col("rb-p1", Figure::Cpu, "CPU µs/req P1", true),
    col("rb-p16", Figure::Cpu, "CPU µs/req P16", true),
    col("mixed-zipf-p16", Figure::Ops, "mixed zipf P16 ops/s", true),
    col("mixed-zipf-p16", Figure::Cpu, "CPU µs/req", false),
    col("conns-1000", Figure::Ops, "1000 conns ops/s", true),
    col("conns-1000", Figure::Cpu, "CPU µs/req", false),
];

const LATENCY: &[Column] = &[
    col("rb-p1", Figure::P99, "P1 p99 µs", false),
    col(
        "mixed-zipf-p16",
        Figure::P99,
        "mixed zipf P16 p99 µs",
        false,
    ),
    col("conns-1000", Figure::P99, "1000 conns p99 µs", false),
    col("hol-mset", Figure::P99, "GET p99 beside MSET 10k µs", true),
    col("hol-mget", Figure::P99, "GET p99 beside MGET 10k µs", true),
    col("memory-1m", Figure::RssMb, "RSS after 1M keys MB", true),
];

fn median_of(rows: &[Row], server: &str, scenario: &str, figure: Figure) -> Option<f64> {
    median(&values(rows, server, scenario, |r| figure.of(r)))
}

/// A markdown table: one row per server, the columns' medians.
fn table(out: &mut String, rows: &[Row], names: &[String], columns: &[Column]) {
    let mut header = String::from("| server |");
    let mut rule = String::from("|---|");
    for c in columns {
        header += &format!(" {} |", c.header);
        rule += "---:|";
        if c.ratio {
            header += " ×redis |";
            rule += "---:|";
        }
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for name in names {
        let mut line = format!("| {} |", display_name(name));
        for c in columns {
            let value = median_of(rows, name, c.scenario, c.figure);
            line += &format!(" {} |", cell(rows, name, c.scenario, value, c.figure));
            if c.ratio {
                let redis = median_of(rows, REDIS, c.scenario, c.figure);
                line += &match (value, redis) {
                    (Some(v), Some(r)) if r > 0.0 => format!(" {:.2} |", v / r),
                    _ => " – |".to_owned(),
                };
            }
        }
        let _ = writeln!(out, "{line}");
    }
}

/// A value, or why there is none (`unsupported`, `timeout`, ...).
fn cell(rows: &[Row], server: &str, scenario: &str, value: Option<f64>, figure: Figure) -> String {
    if let Some(v) = value {
        return figure.format(v);
    }
    rows.iter()
        .find(|r| r.server == server && r.scenario == scenario && r.status != status::OK)
        .map_or_else(|| "–".to_owned(), |r| r.status.clone())
}

fn display_name(name: &str) -> String {
    match name {
        REDIS => "**redis-server**".to_owned(),
        MINI_REDIS => "mini-redis 0.4".to_owned(),
        _ => format!("`{name}`"),
    }
}

fn summary(rows: &[Row], meta: Option<&Meta>) -> String {
    let names = servers(rows, meta);
    let mut out = String::new();
    let _ = writeln!(out, "# sharedkv end to end\n");
    if let Some(m) = meta {
        let _ = writeln!(
            out,
            "{}, {} run: {} round(s), servers interleaved (all servers once per round, the order \
             rotated by one each round). Machine: {}, {} logical CPUs, {:.0} GiB, Linux {}; load \
             average {:.2} when the run started. Commit `{}`. redis-server: {}. {}.\n",
            m.started,
            m.mode,
            m.rounds,
            m.cpu,
            m.cores,
            m.memory_gib,
            m.kernel,
            m.load_average,
            if m.commit.is_empty() { "?" } else { &m.commit },
            m.redis_server,
            m.redis_benchmark,
        );
        let _ = writeln!(out, "Reproduce: `{}`\n", m.command);
    }
    let _ = writeln!(
        out,
        "Every figure is the median over rounds. ×redis is the ratio to redis-server's median \
         in the same run: above 1 is better for throughput, below 1 is better for CPU, latency \
         and memory. CPU µs/req is the server's user + system CPU time (`/proc/<pid>/stat`) \
         during the scenario over the requests it served.\n"
    );
    if !names.iter().any(|n| n == REDIS) {
        let _ = writeln!(
            out,
            "**redis-server was not installed: its baseline was skipped, and no ratio can be \
             given** (`apt-get install -y redis-server`).\n"
        );
    }
    best(&mut out, rows, &names);
    let _ = writeln!(out, "## Throughput and server CPU per request\n");
    table(&mut out, rows, &names, THROUGHPUT);
    let _ = writeln!(out, "\n## Latency and memory\n");
    table(&mut out, rows, &names, LATENCY);
    let _ = writeln!(out, "\n## Spread over rounds\n");
    spread(&mut out, rows, &names);
    let _ = writeln!(out, "\n## Scenarios\n");
    for s in SCENARIOS {
        let _ = writeln!(out, "- `{}`: {}.", s.id, s.what);
    }
    let _ = writeln!(
        out,
        "\nredis-benchmark's latencies under `-P 16` time each batch by its first reply; \
         loadgen's time every request."
    );
    not_measured(&mut out, rows);
    out
}

/// The headline: the strategy with the highest P16 throughput, against
/// redis-server.
fn best(out: &mut String, rows: &[Row], names: &[String]) {
    let ops = |name: &str| median_of(rows, name, "rb-p16", Figure::Ops);
    let Some((name, top)) = names
        .iter()
        .filter(|n| n.as_str() != REDIS && n.as_str() != MINI_REDIS)
        .filter_map(|n| Some((n, ops(n)?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
    else {
        return;
    };
    let _ = write!(
        out,
        "**Fastest strategy at `-c 50 -P 16`: `{name}`, {} ops/s",
        si(top)
    );
    if let Some(redis) = ops(REDIS) {
        let cpu = |server: &str, scenario: &str| median_of(rows, server, scenario, Figure::Cpu);
        let ratio = |scenario: &str| match (cpu(name, scenario), cpu(REDIS, scenario)) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
            _ => "–".to_owned(),
        };
        let _ = write!(
            out,
            " = {:.2}× redis-server's {}. Its CPU per request is {} redis-server's at P16 and {} \
             at P1.**",
            top / redis,
            si(redis),
            ratio("rb-p16"),
            ratio("rb-p1")
        );
    } else {
        let _ = write!(out, ".**");
    }
    let _ = writeln!(out, "\n");
}

/// Half the min–max range over rounds, as a percentage of the median, for
/// each scenario's main figure.
fn spread(out: &mut String, rows: &[Row], names: &[String]) {
    let figure = |id: &str| match sharedkv_compare::scenario(id).map(|s| s.metric) {
        Some(sharedkv_compare::Metric::P99) => Figure::P99,
        Some(sharedkv_compare::Metric::Rss) => Figure::RssMb,
        _ => Figure::Ops,
    };
    let _ = writeln!(
        out,
        "± half the range (max − min) over rounds, in % of the median, of each scenario's main \
         figure (ops/s, or p99, or RSS); a wide spread means a noisy machine.\n"
    );
    let mut header = String::from("| server | rounds |");
    let mut rule = String::from("|---|---:|");
    for s in SCENARIOS {
        header += &format!(" {} |", s.id);
        rule += "---:|";
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for name in names {
        let rounds = rows
            .iter()
            .filter(|r| &r.server == name)
            .map(|r| r.round)
            .max()
            .unwrap_or(0);
        let mut line = format!("| {} | {rounds} |", display_name(name));
        for s in SCENARIOS {
            let f = figure(s.id);
            let v = values(rows, name, s.id, |r| f.of(r));
            let (lo, hi) = v
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                });
            line += &match median(&v) {
                Some(m) if v.len() > 1 && m > 0.0 => {
                    format!(" ±{:.0}% |", (hi - lo) / 2.0 / m * 100.0)
                }
                Some(_) => " (1) |".to_owned(),
                None => " – |".to_owned(),
            };
        }
        let _ = writeln!(out, "{line}");
    }
}

/// Every row that is not `ok`, with its note.
fn not_measured(out: &mut String, rows: &[Row]) {
    let missing: Vec<&Row> = rows.iter().filter(|r| r.status != status::OK).collect();
    if missing.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## Not measured\n");
    let _ = writeln!(
        out,
        "| server | scenario | round | status | note |\n|---|---|---:|---|---|"
    );
    for r in missing {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            display_name(&r.server),
            r.scenario,
            r.round,
            r.status,
            r.note.replace('|', "\\|")
        );
    }
}

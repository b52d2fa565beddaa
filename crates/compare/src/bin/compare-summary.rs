//! `compare-summary DIR`: reads DIR/results.csv (and DIR/meta.json) and
//! writes DIR/summary.md: the median over rounds of every figure, each
//! with its ratio to redis-server's median in the same run.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use sharedkv_compare::{
    MINI_REDIS, Meta, Metric, REDIS, Row, SCENARIOS, Scenario, group, latest_rows, median,
    read_rows, servers, si, status, values,
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
    /// RSS growth, MB per million elements written.
    GrowthMb,
}

impl Figure {
    fn of(self, row: &Row) -> Option<f64> {
        match self {
            Figure::Ops => row.ops_per_sec,
            Figure::Cpu => row.cpu_us_per_req,
            Figure::P99 => row.p99_us,
            Figure::RssMb => row.rss_after_kb.map(|kb| kb as f64 / 1024.0),
            Figure::GrowthMb => row.rss_growth_mb_per_million(),
        }
    }

    fn format(self, value: f64) -> String {
        match self {
            Figure::Ops => si(value),
            Figure::Cpu => format!("{value:.2}"),
            Figure::P99 => format!("{value:.0}"),
            Figure::RssMb => format!("{value:.0}"),
            Figure::GrowthMb => format!("{value:.1}"),
        }
    }

    /// The main figure of a scenario read for `metric`.
    fn main(metric: Metric) -> Figure {
        match metric {
            Metric::Throughput => Figure::Ops,
            Metric::P99 => Figure::P99,
            Metric::Rss => Figure::RssMb,
            Metric::RssGrowth => Figure::GrowthMb,
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

/// Whether `rows` hold any row of `scenario`.
fn ran(rows: &[Row], scenario: &str) -> bool {
    rows.iter().any(|r| r.scenario == scenario)
}

/// A markdown table under `title`: one row per server, the medians of the
/// columns whose scenario ran (nothing at all if none did).
fn table(out: &mut String, title: &str, rows: &[Row], names: &[String], columns: &[Column]) {
    let columns: Vec<&Column> = columns.iter().filter(|c| ran(rows, c.scenario)).collect();
    if columns.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {title}\n");
    let mut header = String::from("| server |");
    let mut rule = String::from("|---|");
    for c in &columns {
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
        for c in &columns {
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
    let _ = writeln!(out);
}

/// A markdown table under `title` of one figure of several scenarios: one
/// row per server, one column per scenario that ran, headed by its title,
/// each cell the median and its ratio to redis-server's in brackets.
fn compact_table(
    out: &mut String,
    title: &str,
    intro: &str,
    rows: &[Row],
    names: &[String],
    scenarios: &[&Scenario],
    figure: Figure,
) {
    let scenarios: Vec<&&Scenario> = scenarios.iter().filter(|s| ran(rows, s.id)).collect();
    if scenarios.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {title}\n\n{intro}\n");
    let mut header = String::from("| server |");
    let mut rule = String::from("|---|");
    for s in &scenarios {
        header += &format!(" {} |", s.title);
        rule += "---:|";
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for name in names {
        let mut line = format!("| {} |", display_name(name));
        for s in &scenarios {
            let value = median_of(rows, name, s.id, figure);
            let redis = median_of(rows, REDIS, s.id, figure);
            line += &format!(" {}", cell(rows, name, s.id, value, figure));
            line += &match (value, redis) {
                (Some(v), Some(r)) if r > 0.0 && name != REDIS => format!(" ({}) |", ratio(v / r)),
                _ => " |".to_owned(),
            };
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out);
}

/// A ratio with two decimals, or three below 0.1 (a copy-on-write
/// strategy's collection writes run at a few thousandths of Redis's).
fn ratio(r: f64) -> String {
    if r < 0.1 {
        format!("{r:.3}")
    } else {
        format!("{r:.2}")
    }
}

/// The scenarios of one group.
fn of_group(name: &str) -> Vec<&'static Scenario> {
    SCENARIOS.iter().filter(|s| s.group == name).collect()
}

/// The collection tests at one pipeline depth: ops/s, then CPU per request.
fn collections(out: &mut String, rows: &[Row], names: &[String], name: &str, pipeline: &str) {
    let scenarios = of_group(name);
    compact_table(
        out,
        &format!("Collections: `-c 50 -P {pipeline}`, ops/s per test"),
        "Each redis-benchmark test alone in its own run, `-r 100000`, every request on one key \
         (`mylist`, `myset`, `myhash`, `myzset`); the `lg-*` tests are loadgen's application \
         workloads, over a few to 100,000 keys of each type, and its transfers between 1,000 \
         accounts, counted one per transfer whatever it sends (see Scenarios). In brackets, the \
         ratio to redis-server's (above 1 is faster).",
        rows,
        names,
        &scenarios,
        Figure::Ops,
    );
    compact_table(
        out,
        &format!("Collections at `-P {pipeline}`: server CPU µs per request"),
        "In brackets, the ratio to redis-server's (below 1 is cheaper).",
        rows,
        names,
        &scenarios,
        Figure::Cpu,
    );
}

/// `hol-del`: the GETs' p99 and throughput beside the big free, and the
/// hog's DELs (their latency is in the note).
fn big_free(out: &mut String, rows: &[Row], names: &[String]) {
    const ID: &str = "hol-del";
    if !ran(rows, ID) {
        return;
    }
    let _ = writeln!(
        out,
        "## Head of line under a big free\n\n50 connections GET (P1) while one more builds a set \
         (`SADD` of 1,000 members at a time) and `DEL`s it, over and over. A strategy that frees \
         the set under its lock stalls every GET for the whole free.\n"
    );
    let _ = writeln!(
        out,
        "| server | GET p99 µs | ×redis | GET ops/s | ×redis | DELs | the DELs (last round) |\n\
         |---|---:|---:|---:|---:|---:|---|"
    );
    for name in names {
        let p99 = median_of(rows, name, ID, Figure::P99);
        let ops = median_of(rows, name, ID, Figure::Ops);
        let ratio = |v: Option<f64>, figure| match (v, median_of(rows, REDIS, ID, figure)) {
            (Some(v), Some(r)) if r > 0.0 => format!("{:.2}", v / r),
            _ => "–".to_owned(),
        };
        let dels = median(&values(rows, name, ID, |r| r.hog_ops.map(|n| n as f64)));
        let note = rows
            .iter()
            .filter(|r| &r.server == name && r.scenario == ID)
            .max_by_key(|r| r.round)
            .map_or_else(String::new, |r| r.note.replace('|', "\\|"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {note} |",
            display_name(name),
            cell(rows, name, ID, p99, Figure::P99),
            ratio(p99, Figure::P99),
            cell(rows, name, ID, ops, Figure::Ops),
            ratio(ops, Figure::Ops),
            dels.map_or_else(|| "–".to_owned(), |d| format!("{d:.0}")),
        );
    }
    let _ = writeln!(out);
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
    table(
        &mut out,
        "Throughput and server CPU per request",
        rows,
        &names,
        THROUGHPUT,
    );
    table(&mut out, "Latency and memory", rows, &names, LATENCY);
    collections(&mut out, rows, &names, group::COLLECTIONS, "16");
    collections(&mut out, rows, &names, group::COLLECTIONS_P1, "1");
    compact_table(
        &mut out,
        "Memory per million elements, per type",
        &format!(
            "A fresh server's RSS growth over a pipelined fill of keys of 1,000 elements each{}, \
             in MB per million elements; in brackets, the ratio to redis-server's (below 1 is \
             smaller).",
            meta.filter(|m| m.collection_elements > 0)
                .map_or_else(String::new, |m| format!(
                    " ({} elements in all)",
                    si(m.collection_elements as f64)
                ))
        ),
        rows,
        &names,
        &of_group(group::MEMORY_TYPES),
        Figure::GrowthMb,
    );
    big_free(&mut out, rows, &names);
    let _ = writeln!(out, "## Spread over rounds\n");
    spread(&mut out, rows, &names);
    let _ = writeln!(out, "\n## Scenarios\n");
    for s in SCENARIOS.iter().filter(|s| ran(rows, s.id)) {
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
/// each scenario's main figure: a table per group of scenarios that ran.
fn spread(out: &mut String, rows: &[Row], names: &[String]) {
    let _ = writeln!(
        out,
        "± half the range (max − min) over rounds, in % of the median, of each scenario's main \
         figure (ops/s, or p99, or RSS, or RSS growth); a wide spread means a noisy machine.\n"
    );
    let mut groups: Vec<&str> = SCENARIOS.iter().map(|s| s.group).collect();
    groups.dedup();
    for g in groups {
        let scenarios: Vec<&Scenario> = of_group(g)
            .into_iter()
            .filter(|s| ran(rows, s.id))
            .collect();
        if !scenarios.is_empty() {
            spread_table(out, rows, names, &scenarios);
        }
    }
}

/// One table of [`spread`].
fn spread_table(out: &mut String, rows: &[Row], names: &[String], scenarios: &[&Scenario]) {
    let mut header = String::from("| server | rounds |");
    let mut rule = String::from("|---|---:|");
    for s in scenarios {
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
        for s in scenarios {
            let f = Figure::main(s.metric);
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
    let _ = writeln!(out);
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

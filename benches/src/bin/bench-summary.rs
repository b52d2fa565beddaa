//! `bench-summary`: turns criterion's output into the README's markdown
//! tables, with no hand editing.
//!
//! ```text
//! bench-summary [--out FILE] [--csv FILE] [RUN_DIR ...]
//! ```
//!
//! Each `RUN_DIR` is a criterion output directory (default: this
//! workspace's `target/criterion`, or `$CRITERION_HOME`). Give several,
//! copies of `target/criterion` from separate runs, and every number becomes
//! the median over the runs, quoted with the run-to-run spread.
//!
//! It reads, under each directory, every `new/benchmark.json` (the group,
//! strategy, task count and `Throughput::Elements`) and the `estimates.json`
//! beside it (the median time per iteration), and the head-of-line latency
//! reports under `sharedkv-latency/`. Throughput is elements per iteration
//! divided by the median time per iteration. Ratios are throughput ratios:
//! above 1 is faster than the reference.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// The reference strategy of every "÷ std-mutex" column.
const BASELINE: &str = "std-mutex";
/// The unsynchronised floor's benchmark name.
const FLOOR: &str = "floor";
/// The references, then every strategy in `for_each_strategy!`'s order;
/// anything else (an old run's strategy) follows alphabetically.
fn row_order() -> Vec<String> {
    let mut order = vec![FLOOR.to_owned(), "keyspace".to_owned()];
    macro_rules! push {
        // The constructor is not evaluated: only the name is used.
        ($name:ident, $new:expr) => {
            order.push(sharedkv_benches::run::strategy_name(stringify!($name)))
        };
    }
    sharedkv_testsuite::for_each_strategy!(push);
    order
}
const WORKLOAD_ORDER: [&str; 5] = ["read-heavy", "mixed", "write-heavy", "zipf", "hot-incr"];
const HOG_ORDER: [&str; 5] = ["none", "mget", "mset", "len", "clear"];
const COLLECTION_ORDER: [&str; 4] = ["queue", "hash-1000", "leaderboard", "set-membership"];
/// The prefix of the in-place groups, `collections/in-place/list-100000`.
const IN_PLACE: &str = "collections/in-place/";

/// (group, strategy, tasks), e.g. ("contention/zipf", "dashmap", 8).
type Key = (String, String, u64);

/// Every run's numbers for one benchmark.
#[derive(Debug, Default)]
struct Samples {
    /// Operations per second, one per run.
    ops: Vec<f64>,
    /// Head-of-line extras, one map per run: field → value.
    latency: Vec<BTreeMap<String, f64>>,
}

fn main() -> Result<()> {
    let mut out = None;
    let mut csv = None;
    let mut dirs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = Some(args.next().context("--out needs a file")?),
            "--csv" => csv = Some(args.next().context("--csv needs a file")?),
            "-h" | "--help" => {
                println!("usage: bench-summary [--out FILE] [--csv FILE] [CRITERION_DIR ...]");
                return Ok(());
            }
            _ if arg.starts_with('-') => bail!("unknown option {arg}"),
            _ => dirs.push(PathBuf::from(arg)),
        }
    }
    if dirs.is_empty() {
        dirs.push(default_dir());
    }

    let mut data: BTreeMap<Key, Samples> = BTreeMap::new();
    for dir in &dirs {
        let found = read_run(dir, &mut data)
            .with_context(|| format!("reading criterion results under {}", dir.display()))?;
        if found == 0 {
            bail!(
                "no criterion results under {} (run `cargo bench -p sharedkv-benches` first)",
                dir.display()
            );
        }
    }

    let markdown = render(&data, dirs.len());
    match out {
        Some(path) => {
            std::fs::write(&path, &markdown).with_context(|| format!("writing {path}"))?
        }
        None => print!("{markdown}"),
    }
    if let Some(path) = csv {
        std::fs::write(&path, render_csv(&data)).with_context(|| format!("writing {path}"))?;
    }
    Ok(())
}

/// `$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`, else this
/// workspace's `target/criterion`.
fn default_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

/// Adds one run's numbers to `data`; returns how many benchmarks it held.
fn read_run(dir: &Path, data: &mut BTreeMap<Key, Samples>) -> Result<usize> {
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    let mut found = 0;
    for file in &files {
        let is_new = file.parent().and_then(Path::file_name) == Some("new".as_ref());
        if is_new && file.file_name() == Some("benchmark.json".as_ref()) {
            let (key, ops) = read_benchmark(file)?;
            data.entry(key).or_default().ops.push(ops);
            found += 1;
        }
    }
    for file in &files {
        let in_latency = file
            .components()
            .any(|c| c.as_os_str() == "sharedkv-latency");
        if in_latency && file.extension() == Some("json".as_ref()) {
            let (key, fields) = read_latency(file)?;
            data.entry(key).or_default().latency.push(fields);
        }
    }
    Ok(found)
}

/// Every file under `dir`, recursively.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// One benchmark: its key and its throughput in operations per second.
fn read_benchmark(path: &Path) -> Result<(Key, f64)> {
    let bench = read_json(path)?;
    let estimates = read_json(&path.with_file_name("estimates.json"))?;
    let field = |name: &str| {
        bench[name]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("{}: no {name}", path.display()))
    };
    let group = field("group_id")?;
    let strategy = field("function_id")?;
    let tasks = field("value_str")?
        .parse()
        .with_context(|| format!("{}: value_str is not a task count", path.display()))?;
    let elements = bench["throughput"]["Elements"]
        .as_u64()
        .with_context(|| format!("{}: no Throughput::Elements", path.display()))?;
    let nanos = estimates["median"]["point_estimate"]
        .as_f64()
        .with_context(|| format!("{}: no median estimate", path.display()))?;
    Ok(((group, strategy, tasks), elements as f64 / nanos * 1e9))
}

/// One head-of-line latency report, flattened to `get_latency.p99` → value.
fn read_latency(path: &Path) -> Result<(Key, BTreeMap<String, f64>)> {
    let report = read_json(path)?;
    let text = |name: &str| {
        report[name]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("{}: no {name}", path.display()))
    };
    let tasks = report["tasks"]
        .as_u64()
        .with_context(|| format!("{}: no tasks", path.display()))?;
    let key = (text("group")?, text("strategy")?, tasks);
    let mut fields = BTreeMap::new();
    flatten("", &report, &mut fields);
    Ok((key, fields))
}

fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, f64>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let name = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&name, v, out);
            }
        }
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                out.insert(prefix.to_owned(), x);
            }
        }
        _ => {}
    }
}

/// The median of the runs and the spread, (max − min) / median.
#[derive(Clone, Copy, Debug)]
struct Stat {
    median: f64,
    spread: f64,
}

fn stat(values: &[f64]) -> Option<Stat> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    let spread = if median > 0.0 {
        (v[n - 1] - v[0]) / median
    } else {
        0.0
    };
    Some(Stat { median, spread })
}

/// The rendering context: all data, and how many runs it came from.
struct Summary<'a> {
    data: &'a BTreeMap<Key, Samples>,
    runs: usize,
}

impl Summary<'_> {
    fn ops(&self, group: &str, strategy: &str, tasks: u64) -> Option<Stat> {
        let samples = self
            .data
            .get(&(group.to_owned(), strategy.to_owned(), tasks))?;
        stat(&samples.ops)
    }

    fn latency(&self, group: &str, strategy: &str, tasks: u64, field: &str) -> Option<f64> {
        let samples = self
            .data
            .get(&(group.to_owned(), strategy.to_owned(), tasks))?;
        let values: Vec<f64> = samples
            .latency
            .iter()
            .filter_map(|f| f.get(field).copied())
            .collect();
        stat(&values).map(|s| s.median)
    }

    /// Groups that start with `prefix/`, ordered by `order` then by name.
    fn groups(&self, prefix: &str, order: &[&str]) -> Vec<String> {
        let names: BTreeSet<&str> = self
            .data
            .keys()
            .filter_map(|(g, _, _)| g.strip_prefix(prefix)?.strip_prefix('/'))
            .collect();
        sorted(names, order)
            .into_iter()
            .map(|n| format!("{prefix}/{n}"))
            .collect()
    }

    /// Strategies benched in `group`, in row order.
    fn rows(&self, group: &str) -> Vec<String> {
        let names: BTreeSet<&str> = self
            .data
            .keys()
            .filter(|(g, _, _)| g == group)
            .map(|(_, s, _)| s.as_str())
            .collect();
        sorted(names, &row_order())
    }

    fn tasks(&self, group: &str) -> Vec<u64> {
        let set: BTreeSet<u64> = self
            .data
            .keys()
            .filter(|(g, _, _)| g == group)
            .map(|(_, _, t)| *t)
            .collect();
        set.into_iter().collect()
    }

    /// `12.3` Mops/s, with `±4%` when there are several runs.
    fn mops(&self, s: Stat) -> String {
        let mut text = format!("{:.2}", s.median / 1e6);
        if self.runs > 1 {
            let _ = write!(text, " ±{:.0}%", s.spread * 100.0);
        }
        text
    }

    /// `a / b` as `1.23×`; `≈1.04×` when the two differ by less than their
    /// run-to-run spreads added (only known with several runs).
    fn ratio(&self, a: Stat, b: Stat) -> String {
        let r = a.median / b.median;
        if a.median == b.median && a.spread == b.spread {
            // A row against itself.
            return "1.00×".to_owned();
        }
        let noise = a.spread + b.spread;
        if self.runs > 1 && (r - 1.0).abs() <= noise {
            format!("≈{r:.2}×")
        } else {
            format!("{r:.2}×")
        }
    }
}

fn sorted<S: AsRef<str>>(names: BTreeSet<&str>, order: &[S]) -> Vec<String> {
    let listed = |n: &str| order.iter().any(|o| o.as_ref() == n);
    let mut out: Vec<String> = order
        .iter()
        .map(AsRef::as_ref)
        .filter(|n| names.contains(n))
        .map(str::to_owned)
        .collect();
    out.extend(names.iter().filter(|n| !listed(n)).map(|n| (*n).to_owned()));
    out
}

fn render(data: &BTreeMap<Key, Samples>, runs: usize) -> String {
    let s = Summary { data, runs };
    let mut md = String::new();
    let runs_note = if runs > 1 {
        format!(
            "Each number is the median over {runs} runs; `±` is the run-to-run spread \
             ((max − min) / median), and `≈` marks a ratio whose distance from 1 is within \
             the two numbers' spreads added: within noise."
        )
    } else {
        "From one run: no run-to-run spread is known.".to_owned()
    };
    let _ = writeln!(
        md,
        "Throughput in millions of operations per second (Mops/s), from criterion's median \
         time per iteration. Ratios are throughput ratios: above 1 is faster. {runs_note}\n"
    );
    render_uncontended(&s, &mut md);
    render_contention(&s, &mut md);
    render_head_of_line(&s, &mut md);
    render_collections(&s, &mut md);
    render_in_place(&s, &mut md);
    render_noise(&s, &mut md);
    md
}

fn render_uncontended(s: &Summary<'_>, md: &mut String) {
    let groups = s.groups("uncontended", &["get", "set"]);
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(md, "### Uncontended: one task, current-thread runtime\n");
    let mut header = "| store |".to_owned();
    let mut rule = "|---|".to_owned();
    for g in &groups {
        let op = g.rsplit('/').next().unwrap_or(g).to_uppercase();
        let _ = write!(
            header,
            " {op} Mops/s | {op} ns/op | {op} ÷ floor | {op} ÷ {BASELINE} |"
        );
        rule.push_str("---:|---:|---:|---:|");
    }
    let _ = writeln!(md, "{header}\n{rule}");
    let mut rows: Vec<String> = groups.iter().flat_map(|g| s.rows(g)).collect();
    rows = sorted(rows.iter().map(String::as_str).collect(), &row_order());
    for row in rows {
        let mut line = format!("| {} |", label(&row));
        for g in &groups {
            let cells = match s.ops(g, &row, 1) {
                None => " – | – | – | – |".to_owned(),
                Some(x) => {
                    let vs =
                        |base: &str| s.ops(g, base, 1).map_or("–".to_owned(), |b| s.ratio(x, b));
                    format!(
                        " {} | {:.0} | {} | {} |",
                        s.mops(x),
                        1e9 / x.median,
                        vs(FLOOR),
                        vs(BASELINE)
                    )
                }
            };
            line.push_str(&cells);
        }
        let _ = writeln!(md, "{line}");
    }
    let _ = writeln!(
        md,
        "\n`floor`: an unsynchronised `HashMap<Bytes, Bytes>` with the same hasher, keys and \
         values. `keyspace`: sharedkv's `Keyspace` (expiry-aware entries, a clock read per \
         command) with no lock. Floor → keyspace is the price of the command semantics; \
         keyspace → a strategy is the price of sharing.\n"
    );
}

fn render_contention(s: &Summary<'_>, md: &mut String) {
    let groups = s.groups("contention", &WORKLOAD_ORDER);
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "### Contention: tasks on a multi-thread runtime, one worker per core\n\n\
         Each cell: Mops/s (÷ {BASELINE} at the same task count, ÷ the floor's one task).\n"
    );
    render_task_groups(s, md, &groups);
}

/// The `collections/*` groups but `in-place`: one table per group, as the
/// contention tables.
fn render_collections(s: &Summary<'_>, md: &mut String) {
    let groups: Vec<String> = s
        .groups("collections", &COLLECTION_ORDER)
        .into_iter()
        .filter(|g| !g.starts_with(IN_PLACE))
        .collect();
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "### Collections: one hot key through the command layer, multi-thread runtime\n\n\
         Requests per second in millions. Each cell: Mops/s (÷ {BASELINE} at the same task \
         count, ÷ the floor's one task). The floor is the same operations on unsynchronised \
         std collections with no command layer.\n"
    );
    render_task_groups(s, md, &groups);
}

/// One table per group: a row per strategy, a column per task count.
fn render_task_groups(s: &Summary<'_>, md: &mut String, groups: &[String]) {
    for g in groups {
        let tasks = s.tasks(g);
        let floor = s.ops(g, FLOOR, 1);
        let _ = writeln!(md, "#### `{g}`\n");
        let mut header = "| strategy |".to_owned();
        let mut rule = "|---|".to_owned();
        for t in &tasks {
            let _ = write!(header, " {t} {} |", if *t == 1 { "task" } else { "tasks" });
            rule.push_str("---:|");
        }
        let _ = writeln!(md, "{header}\n{rule}");
        for row in s.rows(g) {
            let mut line = format!("| {} |", label(&row));
            for &t in &tasks {
                let cell = match s.ops(g, &row, t) {
                    None => "–".to_owned(),
                    Some(x) if row == FLOOR => s.mops(x),
                    Some(x) => {
                        let base = s
                            .ops(g, BASELINE, t)
                            .map_or("–".to_owned(), |b| s.ratio(x, b));
                        let fl = floor.map_or("–".to_owned(), |f| s.ratio(x, f));
                        format!("{} ({base}, {fl})", s.mops(x))
                    }
                };
                let _ = write!(line, " {cell} |");
            }
            let _ = writeln!(md, "{line}");
        }
        md.push('\n');
    }
}

/// `collections/in-place/{list,hash}-<N>`: time per request at the small
/// and the large N, and large ÷ small, computed per run and then taken as
/// the median (so the spread is the ratio's own).
fn render_in_place(s: &Summary<'_>, md: &mut String) {
    // kind → sizes seen, ascending.
    let mut kinds: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    for (g, _, _) in s.data.keys() {
        let Some(rest) = g.strip_prefix(IN_PLACE) else {
            continue;
        };
        if let Some((kind, n)) = rest.rsplit_once('-')
            && let Ok(n) = n.parse::<u64>()
        {
            kinds.entry(kind.to_owned()).or_default().insert(n);
        }
    }
    let mut pairs = Vec::new();
    for (kind, sizes) in &kinds {
        if let (Some(small), Some(large)) = (sizes.first(), sizes.last())
            && small != large
        {
            pairs.push((kind.clone(), *small, *large));
        }
    }
    if pairs.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "### Changing one big collection in place\n\n\
         One task. `list`: an `LPUSH` + `RPOP` pair on a list of N elements; `hash`: an \
         `HSET` of an existing field of an N-field hash. Time per request (median over runs, \
         `±` its spread), and N-large ÷ N-small computed per run (then its median and \
         spread): about 1 for a strategy that changes the collection in place, about \
         N-large ÷ N-small for one that copies it per write. `÷ floor` divides that by the \
         floor's own ratio (the floor's list walks its ring buffer through memory at the \
         large N, so it slows down too).\n"
    );
    let mut header = "| strategy |".to_owned();
    let mut rule = "|---|".to_owned();
    for (kind, small, large) in &pairs {
        let _ = write!(
            header,
            " {kind} N={small} | {kind} N={large} | {kind} ratio | {kind} ÷ floor |"
        );
        rule.push_str("---:|---:|---:|---:|");
    }
    let _ = writeln!(md, "{header}\n{rule}");
    let group = |kind: &str, n: u64| format!("{IN_PLACE}{kind}-{n}");
    let mut rows = BTreeSet::new();
    for (kind, small, large) in &pairs {
        for g in [group(kind, *small), group(kind, *large)] {
            rows.extend(s.rows(&g));
        }
    }
    let rows = sorted(rows.iter().map(String::as_str).collect(), &row_order());
    let ratio_of = |kind: &str, small: u64, large: u64, row: &str| -> Option<Stat> {
        let a = s.data.get(&(group(kind, small), row.to_owned(), 1))?;
        let b = s.data.get(&(group(kind, large), row.to_owned(), 1))?;
        // Time ratio large ÷ small = throughput small ÷ large, run by run.
        let per_run: Vec<f64> = a.ops.iter().zip(&b.ops).map(|(x, y)| x / y).collect();
        stat(&per_run)
    };
    for row in rows {
        let mut line = format!("| {} |", label(&row));
        for (kind, small, large) in &pairs {
            for n in [*small, *large] {
                let cell = s.ops(&group(kind, n), &row, 1).map_or("–".to_owned(), |x| {
                    let mut t = human(1e9 / x.median);
                    if s.runs > 1 {
                        let _ = write!(t, " ±{:.0}%", x.spread * 100.0);
                    }
                    t
                });
                let _ = write!(line, " {cell} |");
            }
            let r = ratio_of(kind, *small, *large, &row);
            let f = ratio_of(kind, *small, *large, FLOOR);
            let ratio = r.map_or("–".to_owned(), |r| {
                let mut t = format!("{:.2}×", r.median);
                if s.runs > 1 {
                    let _ = write!(t, " ±{:.0}%", r.spread * 100.0);
                }
                t
            });
            let vs_floor = match (r, f) {
                (Some(r), Some(f)) if row != FLOOR => format!("{:.2}×", r.median / f.median),
                _ => "–".to_owned(),
            };
            let _ = write!(line, " {ratio} | {vs_floor} |");
        }
        let _ = writeln!(md, "{line}");
    }
    md.push('\n');
}

fn render_head_of_line(s: &Summary<'_>, md: &mut String) {
    let groups = s.groups("head-of-line", &HOG_ORDER);
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "### Head-of-line: 8 tasks GET from 1M keys while one task repeats a long operation\n\n\
         GET latency: every GET, timed in the loop. Bystander gap: the longest time a task \
         that only yields went unpolled while the GETs ran (tens of µs is normal turn-taking; \
         more means every worker thread was blocked or busy in one operation). Hog op: the \
         median duration of the hog's operation (for `clear`, the clear alone, not the refill), \
         and how many completed per second while the GETs ran. Maxima come from single events: \
         read them as orders of magnitude.\n"
    );
    let _ = writeln!(
        md,
        "| hog | strategy | GET Mops/s | ÷ {BASELINE} | ÷ no hog | GET p50 | GET p99 | GET p99.9 | \
         GET max | bystander gap p99 | bystander gap max | hog op p50 | hog ops/s |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let none = "head-of-line/none";
    for g in &groups {
        let hog = g.rsplit('/').next().unwrap_or(g);
        for row in s.rows(g) {
            let Some(&t) = s.tasks(g).iter().max() else {
                continue;
            };
            let Some(x) = s.ops(g, &row, t) else { continue };
            let vs = |group: &str, strategy: &str| {
                s.ops(group, strategy, t)
                    .map_or("–".to_owned(), |b| s.ratio(x, b))
            };
            let ns = |field: &str| s.latency(g, &row, t, field).map_or("–".to_owned(), human);
            let (hog_op, hog_rate) = if hog == "none" {
                ("–".to_owned(), "–".to_owned())
            } else {
                let rate = s
                    .latency(g, &row, t, "hog_ops_per_sec")
                    .map_or("–".to_owned(), |r| format!("{r:.1}"));
                (ns("hog_op_time.p50"), rate)
            };
            let _ = writeln!(
                md,
                "| {hog} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {hog_op} | {hog_rate} |",
                label(&row),
                s.mops(x),
                vs(g, BASELINE),
                vs(none, &row),
                ns("get_latency.p50"),
                ns("get_latency.p99"),
                ns("get_latency.p999"),
                ns("get_latency.max"),
                ns("bystander_gap.p99"),
                ns("bystander_gap.max"),
            );
        }
    }
    md.push('\n');
}

fn render_noise(s: &Summary<'_>, md: &mut String) {
    if s.runs < 2 {
        return;
    }
    let mut spreads: Vec<f64> = s
        .data
        .values()
        .filter_map(|x| stat(&x.ops))
        .map(|x| x.spread)
        .collect();
    if spreads.is_empty() {
        return;
    }
    spreads.sort_by(f64::total_cmp);
    let at = |q: f64| spreads[((spreads.len() - 1) as f64 * q).round() as usize] * 100.0;
    let _ = writeln!(
        md,
        "Run-to-run spread of throughput over all {} benchmarks and {} runs: median {:.0}%, \
         90th percentile {:.0}%, max {:.0}%.\n",
        spreads.len(),
        s.runs,
        at(0.5),
        at(0.9),
        at(1.0)
    );
}

fn render_csv(data: &BTreeMap<Key, Samples>) -> String {
    let mut csv = "group,strategy,tasks,run,ops_per_sec\n".to_owned();
    for ((group, strategy, tasks), samples) in data {
        for (run, ops) in samples.ops.iter().enumerate() {
            let _ = writeln!(csv, "{group},{strategy},{tasks},{run},{ops:.0}");
        }
    }
    csv
}

/// Rows that are references, not strategies, are set in italics.
fn label(row: &str) -> String {
    match row {
        FLOOR | "keyspace" => format!("_{row}_"),
        _ => row.to_owned(),
    }
}

/// Nanoseconds, human-readable.
fn human(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.1} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.1} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

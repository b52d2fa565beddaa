//! `compare-run`: runs every server through every scenario and appends the
//! results to `results.csv` (see the crate docs). `scripts/compare` builds
//! the binaries and calls it.
//!
//! For each round, for each server (the order rotated by one each round, so
//! that no server always runs first or last, and slow drift of the machine
//! spreads over all of them): start it on a free loopback port, wait until
//! it answers, run the throughput and latency scenarios one after another,
//! sampling the server's CPU time (`/proc/<pid>/stat` utime + stime) and RSS
//! (`/proc/<pid>/status` VmRSS) before and after each; stop it by its PID
//! (SIGTERM, then SIGKILL after a grace period). Each memory scenario gets a
//! fresh server of its own, so that its RSS holds only its fill.
//!
//! A scenario that needs a command first tries it on a scratch key: a server
//! that answers "unknown command" (mini-redis for every collection, or
//! sharedkv before a command family has landed) gets an `unsupported` row,
//! which does not fail the run; any other failure of a strategy does.
//!
//! Every scenario has a time limit: a server that stops answering (mini-redis
//! past 250 connections) costs a few seconds and a `timeout` row, not the
//! run.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use clap::Parser;
use sharedkv_compare::{
    Collection, MINI_REDIS, Meta, REDIS, Row, Scenario, ServerSpec, Tool, read_rows, si, status,
};
use sharedkv_loadgen::{
    Config, ErrorKind, Hog, HogKind, KeyDist, Limit, Progress, Report, Workload,
};

/// Runs the end-to-end comparison and appends to OUT/results.csv.
#[derive(Debug, Parser)]
#[command(name = "compare-run")]
struct Args {
    /// The results directory; a run into a directory that already has a
    /// results.csv resumes it.
    #[arg(long)]
    out: PathBuf,

    /// About three minutes: one round, one second per scenario.
    #[arg(long)]
    quick: bool,

    /// Rounds over all servers (default: 3, or 1 with --quick).
    #[arg(long)]
    rounds: Option<u32>,

    /// Servers, comma-separated: redis, mini-redis, BACKEND or
    /// BACKEND@RUNTIME (default: the baselines, every backend, and a few
    /// runtime variants).
    #[arg(long, value_delimiter = ',')]
    servers: Vec<String>,

    /// Scenarios or groups of them (core, collections, collections-p1,
    /// memory-types, free), comma-separated (default: all, or with --quick
    /// a cheap subset).
    #[arg(long, value_delimiter = ',')]
    scenarios: Vec<String>,

    /// Where sharedkv-server and mini-redis-baseline are.
    #[arg(long, default_value = "target/release")]
    bin_dir: PathBuf,

    /// The command line to record in meta.json.
    #[arg(long, default_value = "scripts/compare")]
    command: String,
}

/// Runtime variants run beside every backend's default (multi-thread):
/// thread per core and current-thread for the simplest strategy, and thread
/// per core for the one whose map is built for many threads.
const VARIANTS: &[&str] = &[
    "std-mutex@current-thread",
    "std-mutex@thread-per-core",
    "dashmap@thread-per-core",
];

/// How long a server gets to print its address and answer PING.
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a server gets to exit after SIGTERM before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// Keys prefilled for the GET scenarios, as redis-benchmark's `-r 100000`.
const KEYS: u64 = 100_000;
/// Keys of the head-of-line hog's MSET or MGET.
const HOG_KEYS: usize = 10_000;

/// Durations and sizes of one mode.
#[derive(Debug, Clone, Copy)]
struct Settings {
    /// Seconds each loadgen scenario measures.
    loadgen_secs: f64,
    /// Seconds each redis-benchmark test (SET, then GET) should take; its
    /// request count is sized from a short probe run.
    rb_secs: f64,
    /// Seconds each redis-benchmark collection test should take (they are
    /// many: 11 a server and round).
    rb_test_secs: f64,
    /// Keys of the memory scenario.
    memory_keys: u64,
    /// Elements each memory-types scenario writes, in keys of
    /// [`ELEMENTS_PER_KEY`].
    collection_elements: u64,
    /// Members of the set that the `hol-del` hog builds and frees.
    hol_del_members: usize,
    /// Seconds `hol-del` measures: long enough for several DELs, each
    /// after a build of the whole set.
    hol_del_secs: f64,
}

impl Settings {
    const QUICK: Settings = Settings {
        loadgen_secs: 1.0,
        rb_secs: 0.6,
        rb_test_secs: 0.6,
        memory_keys: 1_000_000,
        collection_elements: 100_000,
        hol_del_members: 100_000,
        hol_del_secs: 1.0,
    };
    const FULL: Settings = Settings {
        loadgen_secs: 2.5,
        rb_secs: 1.5,
        rb_test_secs: 1.0,
        memory_keys: 1_000_000,
        collection_elements: 1_000_000,
        hol_del_members: 1_000_000,
        hol_del_secs: 5.0,
    };
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // 1000 client sockets here and as many in the server.
    if let Err(e) = rlimit::increase_nofile_limit(u64::MAX) {
        eprintln!("compare: cannot raise the open-files limit: {e}");
    }
    let settings = if args.quick {
        Settings::QUICK
    } else {
        Settings::FULL
    };
    let rounds = args.rounds.unwrap_or(if args.quick { 1 } else { 3 });
    fs::create_dir_all(args.out.join("logs"))
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let server_bin = args.bin_dir.join("sharedkv-server");
    let mini_redis_bin = args.bin_dir.join("mini-redis-baseline");
    for bin in [&server_bin, &mini_redis_bin] {
        if !bin.exists() {
            bail!(
                "{} not found: build it first (cargo build --release)",
                bin.display()
            );
        }
    }
    let redis_benchmark = version_of("redis-benchmark").context(
        "redis-benchmark not found: install redis-tools (apt-get install -y redis-tools)",
    )?;
    let redis_server = version_of("redis-server");
    if redis_server.is_none() {
        eprintln!(
            "compare: redis-server not found: SKIPPING the redis-server baseline \
             (apt-get install -y redis-server to include it)"
        );
    }

    let servers = pick_servers(&args, &server_bin, redis_server.is_some())?;
    let scenarios = sharedkv_compare::select(&args.scenarios, args.quick)?;

    let meta_path = args.out.join("meta.json");
    let mode = if args.quick { "quick" } else { "full" };
    let meta = if meta_path.exists() {
        let meta = Meta::read(&meta_path)?;
        if meta.mode != mode {
            bail!(
                "{} holds a {} run; this is a {mode} run: use another --out",
                args.out.display(),
                meta.mode
            );
        }
        meta
    } else {
        let meta = machine_meta(
            mode,
            rounds,
            &servers,
            settings,
            redis_server.as_deref(),
            &redis_benchmark,
            &args.command,
        );
        meta.write(&meta_path)?;
        meta
    };
    // A resumed run may add rounds or servers: record them.
    let meta = Meta {
        rounds: meta.rounds.max(rounds),
        servers: {
            let mut all = meta.servers.clone();
            all.extend(servers.iter().map(ServerSpec::name));
            let mut seen = BTreeSet::new();
            all.retain(|s| seen.insert(s.clone()));
            all
        },
        ..meta
    };
    meta.write(&meta_path)?;

    let csv_path = args.out.join("results.csv");
    let done: BTreeSet<(String, String, u32)> = read_rows(&csv_path)?
        .into_iter()
        .filter(Row::is_final)
        .map(|r| r.key())
        .collect();
    let mut results = Results::open(&csv_path)?;

    let total = servers.len() * scenarios.len() * rounds as usize;
    let mut todo = 0;
    for round in 1..=rounds {
        for server in &servers {
            let name = server.name();
            todo += scenarios
                .iter()
                .filter(|s| !done.contains(&(name.clone(), s.id.to_owned(), round)))
                .count();
        }
    }
    eprintln!(
        "compare: {} servers x {} scenarios x {rounds} rounds = {total} rows; {} already in {}, {todo} to run",
        servers.len(),
        scenarios.len(),
        total - todo,
        csv_path.display()
    );
    let began = Instant::now();
    let ctx = Ctx {
        out: args.out.clone(),
        server_bin,
        mini_redis_bin,
        settings,
        clk_tck: clk_tck(),
    };
    for round in 1..=rounds {
        let mut order = servers.clone();
        order.rotate_left((round as usize - 1) % servers.len().max(1));
        for server in &order {
            let pending: Vec<&Scenario> = scenarios
                .iter()
                .copied()
                .filter(|s| !done.contains(&(server.name(), s.id.to_owned(), round)))
                .collect();
            if pending.is_empty() {
                continue;
            }
            run_server(&ctx, server, round, rounds, &pending, &mut results)?;
        }
    }
    eprintln!(
        "compare: done in {:.0} s; results in {}",
        began.elapsed().as_secs_f64(),
        csv_path.display()
    );
    // The baselines' gaps are findings (mini-redis has no MSET and hangs
    // past 250 connections); a strategy's are failures, but for a command
    // that sharedkv does not have yet (`unsupported`), which is the same
    // for every strategy: said, not failed.
    let latest = sharedkv_compare::latest_rows(read_rows(&csv_path)?);
    let line = |r: &Row| {
        format!(
            "{} {} round {}: {} {}",
            r.server, r.scenario, r.round, r.status, r.note
        )
    };
    let unsupported: Vec<String> = latest
        .iter()
        .filter(|r| r.kind == "strategy" && r.status == status::UNSUPPORTED)
        .map(line)
        .collect();
    if !unsupported.is_empty() {
        eprintln!(
            "compare: {} strategy rows not run, a command missing:\n  {}",
            unsupported.len(),
            unsupported.join("\n  ")
        );
    }
    let failed: Vec<String> = latest
        .iter()
        .filter(|r| {
            r.kind == "strategy" && r.status != status::OK && r.status != status::UNSUPPORTED
        })
        .map(line)
        .collect();
    if !failed.is_empty() {
        bail!(
            "{} strategy rows did not pass:\n  {}",
            failed.len(),
            failed.join("\n  ")
        );
    }
    Ok(())
}

/// The servers to run, in round 1's order: the baselines, every backend
/// `sharedkv-server --list-backends` prints, then the runtime variants.
fn pick_servers(args: &Args, server_bin: &Path, redis: bool) -> anyhow::Result<Vec<ServerSpec>> {
    let names: Vec<String> = if args.servers.is_empty() {
        let listed = Command::new(server_bin)
            .arg("--list-backends")
            .output()
            .context("cannot run sharedkv-server --list-backends")?;
        let backends = String::from_utf8_lossy(&listed.stdout).into_owned();
        let mut names = vec![REDIS.to_owned(), MINI_REDIS.to_owned()];
        names.extend(backends.split_whitespace().map(str::to_owned));
        names.extend(VARIANTS.iter().map(|v| (*v).to_owned()));
        names
    } else {
        args.servers.clone()
    };
    Ok(names
        .iter()
        .map(|n| ServerSpec::parse(n))
        .filter(|s| redis || *s != ServerSpec::Redis)
        .collect())
}

/// What every scenario needs.
struct Ctx {
    out: PathBuf,
    server_bin: PathBuf,
    mini_redis_bin: PathBuf,
    settings: Settings,
    clk_tck: f64,
}

/// `results.csv`, opened for appending; each row is flushed as written, so
/// an interrupted run loses at most the scenario it was in.
struct Results {
    writer: csv::Writer<File>,
}

impl Results {
    fn open(path: &Path) -> anyhow::Result<Self> {
        let exists = path.exists() && fs::metadata(path)?.len() > 0;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let writer = csv::WriterBuilder::new()
            .has_headers(!exists)
            .from_writer(file);
        Ok(Results { writer })
    }

    fn append(&mut self, row: &Row) -> anyhow::Result<()> {
        self.writer.serialize(row)?;
        self.writer.flush()?;
        Ok(())
    }
}

/// Runs `scenarios` against `server` for one round.
fn run_server(
    ctx: &Ctx,
    server: &ServerSpec,
    round: u32,
    rounds: u32,
    scenarios: &[&Scenario],
    results: &mut Results,
) -> anyhow::Result<()> {
    let name = server.name();
    let mut running: Option<Running> = None;
    for scenario in scenarios {
        let label = format!("[round {round}/{rounds}] {name:<26} {:<15}", scenario.id);
        let mut row = Row {
            round,
            server: name.clone(),
            kind: server.kind().to_owned(),
            scenario: scenario.id.to_owned(),
            connections: scenario.connections,
            pipeline: scenario.pipeline,
            ..Row::default()
        };
        if scenario.multi_key && !server.has_multi_key() {
            row.status = status::UNSUPPORTED.to_owned();
            row.note = format!("{name} has no MSET/MGET");
            finish(results, row, &label)?;
            continue;
        }
        if scenario.fresh
            && let Some(old) = running.take()
        {
            old.stop();
        }
        if running.is_none() {
            match Running::start(ctx, server) {
                Ok(started) => running = Some(started),
                Err(e) => {
                    row.status = status::ERROR.to_owned();
                    row.note = format!("server did not start: {e:#}");
                    finish(results, row, &label)?;
                    continue;
                }
            }
        }
        let Some(srv) = running.as_mut() else {
            continue;
        };
        let began = Instant::now();
        let measured = match scenario.tool {
            Tool::RedisBenchmark => redis_benchmark(ctx, srv, scenario),
            Tool::RedisBenchmarkTest(test) => redis_benchmark_test(ctx, srv, scenario, test),
            Tool::Loadgen => loadgen_scenario(ctx, srv, scenario),
            Tool::Fill(collection) => memory_of(ctx, srv, collection),
        };
        match measured {
            Ok(m) => m.fill(&mut row, ctx.clk_tck),
            Err(e) => {
                row.status = if e.downcast_ref::<TimedOut>().is_some() {
                    status::TIMEOUT
                } else {
                    status::FAILED
                }
                .to_owned();
                row.note = format!("{e:#}");
            }
        }
        if let Some(exit) = srv.exited() {
            row.status = status::ERROR.to_owned();
            row.note = format!("server exited ({exit}) {}", row.note);
            running = None;
        }
        row.note = row.note.trim().to_owned();
        finish(
            results,
            row,
            &format!("{label} {:>5.1}s", began.elapsed().as_secs_f64()),
        )?;
    }
    if let Some(srv) = running {
        srv.stop();
    }
    Ok(())
}

/// Appends `row` and prints its progress line.
fn finish(results: &mut Results, mut row: Row, label: &str) -> anyhow::Result<()> {
    row.unix_time = unix_now();
    let mut line = format!("{label}  {:<11}", row.status);
    if let Some(ops) = row.ops_per_sec {
        line += &format!(" {:>7} ops/s", si(ops));
    }
    if let Some(p99) = row.p99_us {
        line += &format!("  p99 {p99:>7.0} µs");
    }
    if let Some(cpu) = row.cpu_us_per_req {
        line += &format!("  {cpu:>6.2} µs CPU/req");
    }
    if let Some(rss) = row.rss_after_kb
        && row.scenario == "memory-1m"
    {
        line += &format!("  RSS {:.0} MB", rss as f64 / 1024.0);
    }
    if let Some(growth) = row.rss_growth_mb_per_million()
        && sharedkv_compare::scenario(&row.scenario)
            .is_some_and(|s| s.metric == sharedkv_compare::Metric::RssGrowth)
    {
        line += &format!("  +{growth:.1} MB per 1M elements");
    }
    if !row.note.is_empty() {
        line += &format!("  ({})", row.note);
    }
    eprintln!("{line}");
    results.append(&row)
}

/// A server process started for the comparison.
struct Running {
    child: Child,
    addr: SocketAddr,
}

impl Running {
    /// Starts `server` on a free loopback port and waits until it answers
    /// PING (any reply: mini-redis answers it with an error).
    fn start(ctx: &Ctx, server: &ServerSpec) -> anyhow::Result<Running> {
        let log_path = ctx.out.join("logs").join(format!("{}.log", server.name()));
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .with_context(|| format!("cannot open {}", log_path.display()))?;
        let (mut command, port) = match server {
            ServerSpec::Redis => {
                // redis-server has no "pick a free port": find one.
                let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
                    .local_addr()?
                    .port();
                let mut command = Command::new("redis-server");
                command.args(["--port", &port.to_string()]).args([
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--protected-mode",
                    "no",
                    "--maxclients",
                    "10000",
                ]);
                (command, Some(port))
            }
            ServerSpec::MiniRedis => {
                let mut command = Command::new(&ctx.mini_redis_bin);
                command.args(["--port", "0"]);
                (command, None)
            }
            ServerSpec::Sharedkv { backend, runtime } => {
                let mut command = Command::new(&ctx.server_bin);
                command.args(["--backend", backend, "--port", "0"]);
                if let Some(runtime) = runtime {
                    command.args(["--runtime", runtime]);
                }
                command.env("RUST_LOG", "warn");
                (command, None)
            }
        };
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", server.name()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let addr = match port {
            Some(port) => {
                // Drain redis-server's stdout so that it never blocks on it.
                std::thread::spawn(move || std::io::copy(&mut { stdout }, &mut std::io::sink()));
                SocketAddr::from((Ipv4Addr::LOCALHOST, port))
            }
            None => match listening_address(stdout) {
                Ok(addr) => addr,
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(e);
                }
            },
        };
        let mut running = Running { child, addr };
        if let Err(e) = running.wait_ready() {
            let _ = running.child.kill();
            let _ = running.child.wait();
            return Err(e.context(format!("see {}", log_path.display())));
        }
        Ok(running)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Polls PING until a reply comes.
    fn wait_ready(&mut self) -> anyhow::Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(exit) = self.exited() {
                bail!("exited at start ({exit})");
            }
            if ping(self.addr).is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("no reply to PING on {} in {START_TIMEOUT:?}", self.addr);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `Some(status)` once the process has exited.
    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGTERM by PID, then SIGKILL if it has not exited after
    /// [`STOP_GRACE`].
    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline {
            if self.exited().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("compare: server {} ignored SIGTERM; killing it", self.pid());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// utime + stime, clock ticks, all threads.
    fn cpu_ticks(&self) -> anyhow::Result<u64> {
        let stat = fs::read_to_string(format!("/proc/{}/stat", self.pid()))?;
        // Fields after the command name (which may hold spaces) start at
        // field 3; utime and stime are fields 14 and 15.
        let rest = stat.rsplit_once(')').context("odd /proc stat")?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let field = |n: usize| -> anyhow::Result<u64> {
            Ok(fields.get(n - 3).context("short /proc stat")?.parse()?)
        };
        Ok(field(14)? + field(15)?)
    }

    /// VmRSS, KiB.
    fn rss_kb(&self) -> anyhow::Result<u64> {
        let text = fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        let line = text
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .context("no VmRSS")?;
        Ok(line
            .split_whitespace()
            .nth(1)
            .context("odd VmRSS")?
            .parse()?)
    }

    /// The CPU and RSS sample taken before and after a scenario.
    fn sample(&self) -> anyhow::Result<Sample> {
        Ok(Sample {
            ticks: self.cpu_ticks()?,
            rss_kb: self.rss_kb()?,
        })
    }
}

/// Reads the server's stdout until its `listening on ADDR` line.
fn listening_address(stdout: std::process::ChildStdout) -> anyhow::Result<SocketAddr> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if !sent && let Some(addr) = line.strip_prefix("listening on ") {
                let _ = tx.send(addr.trim().to_owned());
                sent = true;
            }
        }
    });
    let addr = rx
        .recv_timeout(START_TIMEOUT)
        .context("the server printed no \"listening on\" line")?;
    addr.parse()
        .with_context(|| format!("odd address {addr:?}"))
}

/// Sends PING and waits for a complete reply line.
fn ping(addr: SocketAddr) -> anyhow::Result<()> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200))?;
    stream.set_read_timeout(Some(Duration::from_millis(500)))?;
    stream.write_all(b"*1\r\n$4\r\nPING\r\n")?;
    let mut reply = Vec::new();
    let mut buf = [0u8; 256];
    while !reply.ends_with(b"\r\n") {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            bail!("closed");
        }
        reply.extend_from_slice(&buf[..n]);
    }
    Ok(())
}

/// CPU time and memory at one instant.
#[derive(Debug, Clone, Copy)]
struct Sample {
    ticks: u64,
    rss_kb: u64,
}

/// What a scenario measured.
#[derive(Debug, Default)]
struct Measured {
    status: &'static str,
    requests: Option<u64>,
    elapsed_s: Option<f64>,
    ops_per_sec: Option<f64>,
    p50_us: Option<f64>,
    p99_us: Option<f64>,
    /// CPU per request is meaningful (not for head-of-line runs).
    per_request_cpu: bool,
    before: Option<Sample>,
    after: Option<Sample>,
    hog_ops: Option<u64>,
    errors: Option<u64>,
    /// Replies that found nothing (an `RPOP` of an empty list); kept for
    /// the note, not in the CSV.
    empty: Option<u64>,
    /// `transfer-watch`'s aborted `EXEC`s, retried; kept for the note.
    retries: Option<u64>,
    note: String,
}

impl Measured {
    fn fill(self, row: &mut Row, clk_tck: f64) {
        row.status = self.status.to_owned();
        row.requests = self.requests;
        row.elapsed_s = self.elapsed_s;
        row.ops_per_sec = self.ops_per_sec;
        row.p50_us = self.p50_us;
        row.p99_us = self.p99_us;
        row.hog_ops = self.hog_ops;
        row.errors = self.errors;
        row.note = self.note;
        if let (Some(before), Some(after)) = (self.before, self.after) {
            let cpu_s = after.ticks.saturating_sub(before.ticks) as f64 / clk_tck;
            row.cpu_s = Some(cpu_s);
            if self.per_request_cpu
                && let Some(n) = self.requests.filter(|&n| n > 0)
            {
                row.cpu_us_per_req = Some(cpu_s * 1e6 / n as f64);
            }
            row.rss_before_kb = Some(before.rss_kb);
            row.rss_after_kb = Some(after.rss_kb);
        }
    }
}

/// One redis-benchmark test's line of `--csv` output.
#[derive(Debug)]
struct RbLine {
    test: String,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// `redis-benchmark -t set,get -r 100000 -c 50 -P <pipeline> --csv`, with
/// `-n` sized by a short GET probe so that each test takes about
/// `rb_secs` whatever the server's speed (mini-redis at P16 is 50 times
/// slower than redis-server). CPU is sampled around the SET and GET tests
/// only, and divided by their 2n requests.
fn redis_benchmark(ctx: &Ctx, srv: &Running, scenario: &Scenario) -> anyhow::Result<Measured> {
    const PROBE: u64 = 20_000;
    let probe = run_redis_benchmark(
        srv.addr,
        scenario,
        &["-t", "get"],
        PROBE,
        Duration::from_secs(60),
    )?;
    let rps = probe.first().map_or(0.0, |l| l.rps);
    if rps <= 0.0 {
        bail!("probe run gave no throughput");
    }
    let n = ((rps * ctx.settings.rb_secs) as u64).clamp(PROBE, 20_000_000) / 1000 * 1000;
    let limit = Duration::from_secs_f64(2.0 * n as f64 / rps * 4.0 + 30.0);
    let before = srv.sample()?;
    let lines = run_redis_benchmark(srv.addr, scenario, &["-t", "set,get"], n, limit)?;
    let after = srv.sample()?;
    let (set, get) = match (
        lines.iter().find(|l| l.test == "SET"),
        lines.iter().find(|l| l.test == "GET"),
    ) {
        (Some(set), Some(get)) => (set, get),
        _ => bail!("redis-benchmark printed no SET and GET lines"),
    };
    let elapsed = n as f64 / set.rps + n as f64 / get.rps;
    Ok(Measured {
        status: status::OK,
        requests: Some(2 * n),
        elapsed_s: Some(elapsed),
        ops_per_sec: Some(2.0 * n as f64 / elapsed),
        // The worse of the two tests. redis-benchmark times a pipelined
        // batch by its first reply.
        p50_us: Some(set.p50_ms.max(get.p50_ms) * 1000.0),
        p99_us: Some(set.p99_ms.max(get.p99_ms) * 1000.0),
        per_request_cpu: true,
        before: Some(before),
        after: Some(after),
        note: format!(
            "n={n}; SET {} GET {} ops/s",
            si(set.rps).trim(),
            si(get.rps).trim()
        ),
        ..Measured::default()
    })
}

/// A tool that did not finish within its time limit: a `timeout` row.
#[derive(Debug)]
struct TimedOut(&'static str, Duration);

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} did not finish in {:.0} s",
            self.0,
            self.1.as_secs_f64()
        )
    }
}

impl std::error::Error for TimedOut {}

/// Runs redis-benchmark with the scenario's connections and pipeline,
/// `-r 100000 -n <n>`, and `what` last (`-t TESTS`, or a command line),
/// and parses its `--csv` output with a CSV reader.
fn run_redis_benchmark(
    addr: SocketAddr,
    scenario: &Scenario,
    what: &[&str],
    n: u64,
    limit: Duration,
) -> anyhow::Result<Vec<RbLine>> {
    let mut child = Command::new("redis-benchmark")
        .args(["-h", &addr.ip().to_string(), "-p", &addr.port().to_string()])
        .args(["-r", "100000", "--csv"])
        .args(["-c", &scenario.connections.to_string()])
        .args(["-P", &scenario.pipeline.to_string()])
        .args(["-n", &n.to_string()])
        .args(what)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot run redis-benchmark")?;
    let mut stdout = child.stdout.take().context("no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + limit;
    let exit = loop {
        if let Some(exit) = child.try_wait()? {
            break exit;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(TimedOut("redis-benchmark", limit).into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = reader.join().unwrap_or_default();
    if !exit.success() {
        bail!("redis-benchmark failed ({exit})");
    }
    parse_redis_benchmark_csv(&text)
}

/// redis-benchmark 7's `--csv` output: a header line
/// `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",...`
/// and one line per test. Anything else it prints (warnings) is dropped
/// before the CSV reader sees the text.
fn parse_redis_benchmark_csv(text: &str) -> anyhow::Result<Vec<RbLine>> {
    let csv_text: String = text
        .lines()
        .filter(|l| l.starts_with('"'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("redis-benchmark --csv has no {name} column"))
    };
    let (test, rps, p50, p99) = (
        column("test")?,
        column("rps")?,
        column("p50_latency_ms")?,
        column("p99_latency_ms")?,
    );
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record?;
        let number = |i: usize| -> anyhow::Result<f64> {
            let field = record.get(i).context("short redis-benchmark line")?;
            field
                .parse()
                .with_context(|| format!("odd number {field:?} from redis-benchmark"))
        };
        lines.push(RbLine {
            test: record.get(test).unwrap_or_default().to_owned(),
            rps: number(rps)?,
            p50_ms: number(p50)?,
            p99_ms: number(p99)?,
        });
    }
    Ok(lines)
}

/// The scratch key on which a scenario first tries the commands it needs.
const PROBE_KEY: &str = "compare:probe";
/// Elements per key in the memory-types fills (more than Redis's
/// listpack limits of 128, so that Redis uses its big encodings).
const ELEMENTS_PER_KEY: u64 = 1000;
/// Elements per command of a fill.
const FILL_CHUNK: u64 = 100;
/// Commands per pipelined batch of a fill.
const FILL_BATCH: usize = 64;
/// redis-benchmark's `-r`: its random members are `element:<0..100000>`.
const RB_RANGE: u64 = 100_000;

/// How a redis-benchmark collection test runs: what redis-benchmark
/// sends, the key it works on, what that key holds before, and what it must
/// hold after (the check that the server did the work: redis-benchmark
/// counts error replies as replies).
#[derive(Debug, Clone, Copy)]
struct RbPlan {
    /// After the common options: `-t NAME`, or a command line.
    what: &'static [&'static str],
    /// The test's line in redis-benchmark's `--csv` output.
    line: &'static str,
    /// The one key every request of the test names.
    key: &'static str,
    /// The type of `key`.
    collection: Collection,
    /// The command the test sends, to try on [`PROBE_KEY`] (after one
    /// element is added there, so that a pop finds it).
    command: &'static [&'static str],
    /// What `key` holds when the run starts.
    before: Before,
    /// What its length must be after the run of `n` requests.
    after: After,
}

/// What a test's key holds before the run (it is deleted first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Before {
    /// Nothing.
    Empty,
    /// As many elements as requests (at most `cap`), so that every pop
    /// finds one.
    Requests { cap: u64 },
    /// This many elements.
    Exactly(u64),
}

/// The length a test's key must have after `n` requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    /// At least `n` (a push per request; redis-benchmark rounds `n` up to
    /// whole pipelines).
    AtLeastRequests,
    /// From 1 to redis-benchmark's 100,000 random members.
    SomeRandom,
    /// Empty: every element popped.
    Empty,
    /// Unchanged.
    Exactly(u64),
}

/// The plan of redis-benchmark's `-t` test `test`.
fn rb_plan(test: &str) -> Option<RbPlan> {
    use Collection::{Hash, List, Set, ZSet};
    let plan = |what, line, key, collection, command, before, after| RbPlan {
        what,
        line,
        key,
        collection,
        command,
        before,
        after,
    };
    let all = Before::Requests { cap: u64::MAX };
    // A set's or sorted set's pop test gets at most the 100,000 members
    // that redis-benchmark's own SADD or ZADD test can make.
    let range = Before::Requests { cap: RB_RANGE };
    const LIST_OF_600: u64 = 600;
    Some(match test {
        "lpush" => plan(
            &["-t", "lpush"],
            "LPUSH",
            "mylist",
            List,
            &["LPUSH", "xxx"],
            Before::Empty,
            After::AtLeastRequests,
        ),
        "rpush" => plan(
            &["-t", "rpush"],
            "RPUSH",
            "mylist",
            List,
            &["RPUSH", "xxx"],
            Before::Empty,
            After::AtLeastRequests,
        ),
        "lpop" => plan(
            &["-t", "lpop"],
            "LPOP",
            "mylist",
            List,
            &["LPOP"],
            all,
            After::Empty,
        ),
        "rpop" => plan(
            &["-t", "rpop"],
            "RPOP",
            "mylist",
            List,
            &["RPOP"],
            all,
            After::Empty,
        ),
        "sadd" => plan(
            &["-t", "sadd"],
            "SADD",
            "myset",
            Set,
            &["SADD", "element:1"],
            Before::Empty,
            After::SomeRandom,
        ),
        "hset" => plan(
            &["-t", "hset"],
            "HSET",
            "myhash",
            Hash,
            &["HSET", "element:1", "xxx"],
            Before::Empty,
            After::SomeRandom,
        ),
        "spop" => plan(
            &["-t", "spop"],
            "SPOP",
            "myset",
            Set,
            &["SPOP"],
            range,
            After::Empty,
        ),
        "zadd" => plan(
            &["-t", "zadd"],
            "ZADD",
            "myzset",
            ZSet,
            &["ZADD", "1", "element:1"],
            Before::Empty,
            After::SomeRandom,
        ),
        "zpopmin" => plan(
            &["-t", "zpopmin"],
            "ZPOPMIN",
            "myzset",
            ZSet,
            &["ZPOPMIN"],
            range,
            After::Empty,
        ),
        "lrange_100" => plan(
            &["LRANGE", "mylist", "0", "99"],
            "LRANGE mylist 0 99",
            "mylist",
            List,
            &["LRANGE", "0", "99"],
            Before::Exactly(LIST_OF_600),
            After::Exactly(LIST_OF_600),
        ),
        "lrange_600" => plan(
            &["LRANGE", "mylist", "0", "599"],
            "LRANGE mylist 0 599",
            "mylist",
            List,
            &["LRANGE", "0", "599"],
            Before::Exactly(LIST_OF_600),
            After::Exactly(LIST_OF_600),
        ),
        _ => return None,
    })
}

impl RbPlan {
    /// The elements `key` gets before a run of `n` requests.
    fn fill_for(&self, n: u64) -> u64 {
        match self.before {
            Before::Empty => 0,
            Before::Requests { cap } => n.min(cap),
            Before::Exactly(k) => k,
        }
    }

    /// Requests of a run: pops stop at what the key can hold.
    fn requests(&self, n: u64) -> u64 {
        match self.before {
            Before::Requests { cap } => n.min(cap),
            _ => n,
        }
    }

    /// Deletes `key` and fills it for a run of `n` requests: 3-byte
    /// elements `xxx` in a list (as redis-benchmark's LPUSH pushes), members
    /// `element:<i>` in a set or sorted set (as its SADD and ZADD add).
    fn prepare(&self, conn: &mut Resp, n: u64) -> anyhow::Result<()> {
        conn.expect_ok(&[vec!["DEL".into(), self.key.into()]])?;
        let count = self.fill_for(n);
        let member = |i: u64| match self.collection {
            Collection::List => b"xxx".to_vec(),
            _ => format!("element:{i:012}").into_bytes(),
        };
        fill(
            conn,
            self.collection,
            self.key.as_bytes(),
            0..count,
            &member,
        )
    }

    /// `Err(why)` if the key's length after `n` requests is not what the
    /// test leaves.
    fn check(&self, conn: &mut Resp, n: u64) -> anyhow::Result<Result<(), String>> {
        let len = conn.integer(&[self.collection.len_command(), self.key])?;
        let fine = match self.after {
            After::AtLeastRequests => len >= n as i64,
            After::SomeRandom => (1..=RB_RANGE as i64).contains(&len),
            After::Empty => len == 0,
            After::Exactly(k) => len == k as i64,
        };
        Ok(if fine {
            Ok(())
        } else {
            Err(format!(
                "after {n} requests, {} {} is {len} ({:?} expected): error replies?",
                self.collection.len_command(),
                self.key,
                self.after
            ))
        })
    }
}

/// One of redis-benchmark's collection tests, alone: the server is first
/// asked the test's command on a scratch key (a server without it gets an
/// `unsupported` row); then a short probe run, on the key prepared for it,
/// sizes `-n` so that the test takes about `rb_test_secs`; then the key is
/// prepared again for the measured run, with the CPU sampled around it
/// only, and checked after it.
fn redis_benchmark_test(
    ctx: &Ctx,
    srv: &Running,
    scenario: &Scenario,
    test: &str,
) -> anyhow::Result<Measured> {
    const PROBE: u64 = 5_000;
    let plan = rb_plan(test).with_context(|| format!("no plan for redis-benchmark test {test}"))?;
    let mut probe_command = vec![plan.command[0], PROBE_KEY];
    probe_command.extend(&plan.command[1..]);
    let mut add = vec![plan.collection.add_command(), PROBE_KEY];
    add.extend(match plan.collection {
        Collection::List => &["x"][..],
        Collection::Set => &["m"],
        Collection::Hash => &["f", "v"],
        Collection::ZSet => &["1", "m"],
    });
    let len = [plan.collection.len_command(), PROBE_KEY];
    if let Some(missing) = lacks(srv, &[&add, &probe_command, &len])? {
        return Ok(missing);
    }
    let mut conn = Resp::connect(srv.addr)?;

    let probe_n = plan.requests(PROBE);
    plan.prepare(&mut conn, probe_n)?;
    let probe = run_redis_benchmark(
        srv.addr,
        scenario,
        plan.what,
        probe_n,
        Duration::from_secs(120),
    )?;
    let rps = probe
        .iter()
        .find(|l| l.test == plan.line)
        .map_or(0.0, |l| l.rps);
    if rps <= 0.0 {
        bail!("probe run gave no {} line", plan.line);
    }
    // Whole pipelines on every connection, so that redis-benchmark sends
    // exactly n.
    let unit = u64::from(scenario.connections * scenario.pipeline).max(1);
    let n = plan.requests(((rps * ctx.settings.rb_test_secs) as u64).clamp(PROBE, 20_000_000))
        / unit
        * unit;
    plan.prepare(&mut conn, n)?;
    let limit = Duration::from_secs_f64(n as f64 / rps * 8.0 + 30.0);
    let before = srv.sample()?;
    let lines = run_redis_benchmark(srv.addr, scenario, plan.what, n, limit)?;
    let after = srv.sample()?;
    let line = lines
        .iter()
        .find(|l| l.test == plan.line)
        .with_context(|| format!("redis-benchmark printed no {} line", plan.line))?;
    let checked = plan.check(&mut conn, n)?;
    conn.expect_ok(&[vec!["DEL".into(), plan.key.into()]])?;
    let mut note = format!("n={n}");
    if plan.fill_for(n) > 0 {
        note += &format!(", {} held {} before", plan.key, plan.fill_for(n));
    }
    let status = match checked {
        Ok(()) => status::OK,
        Err(why) => {
            note = format!("{why}; {note}");
            status::FAILED
        }
    };
    Ok(Measured {
        status,
        requests: Some(n),
        elapsed_s: Some(n as f64 / line.rps),
        ops_per_sec: Some(line.rps),
        p50_us: Some(line.p50_ms * 1000.0),
        p99_us: Some(line.p99_ms * 1000.0),
        per_request_cpu: true,
        before: Some(before),
        after: Some(after),
        note,
        ..Measured::default()
    })
}

/// Sends `commands` (on [`PROBE_KEY`]) and deletes the key: `Some` row of
/// `unsupported` if the server answers one of them with "unknown command",
/// `failed` with another error; `None` if it has them all.
fn lacks(srv: &Running, commands: &[&[&str]]) -> anyhow::Result<Option<Measured>> {
    let mut conn = Resp::connect(srv.addr)?;
    let mut batch: Vec<Vec<Vec<u8>>> = commands
        .iter()
        .map(|c| c.iter().map(|a| a.as_bytes().to_vec()).collect())
        .collect();
    batch.push(vec![b"DEL".to_vec(), PROBE_KEY.as_bytes().to_vec()]);
    let replies = conn.pipeline(&batch)?;
    let mut unknown = Vec::new();
    let mut first_unknown = None;
    for (command, reply) in commands.iter().zip(&replies) {
        let name = command.first().copied().unwrap_or_default();
        match reply {
            Reply::Error(e) if e.to_ascii_lowercase().contains("unknown command") => {
                if !unknown.contains(&name) {
                    unknown.push(name);
                }
                first_unknown.get_or_insert_with(|| e.clone());
            }
            // A pop after an unknown add finds nothing to pop: that says
            // nothing of the pop.
            Reply::Error(e) if unknown.is_empty() => {
                return Ok(Some(Measured {
                    status: status::FAILED,
                    note: format!("{name} on a scratch key: {e}"),
                    ..Measured::default()
                }));
            }
            _ => {}
        }
    }
    Ok(first_unknown.map(|e| Measured {
        status: status::UNSUPPORTED,
        note: format!("no {} ({e})", unknown.join(", ")),
        ..Measured::default()
    }))
}

/// Adds the elements `range` of `member(i)` to `key` of type `collection`,
/// [`FILL_CHUNK`] per command, [`FILL_BATCH`] commands per round trip; a
/// hash gets the value `v<i>` under each field, a sorted set the score `i`.
fn fill(
    conn: &mut Resp,
    collection: Collection,
    key: &[u8],
    range: std::ops::Range<u64>,
    member: &dyn Fn(u64) -> Vec<u8>,
) -> anyhow::Result<()> {
    let mut batch = Vec::with_capacity(FILL_BATCH);
    let mut first = range.start;
    while first < range.end {
        let last = (first + FILL_CHUNK).min(range.end);
        let mut command = vec![collection.add_command().as_bytes().to_vec(), key.to_vec()];
        for i in first..last {
            match collection {
                Collection::List | Collection::Set => command.push(member(i)),
                Collection::Hash => {
                    command.push(member(i));
                    command.push(format!("v:{i:011}").into_bytes());
                }
                Collection::ZSet => {
                    command.push(i.to_string().into_bytes());
                    command.push(member(i));
                }
            }
        }
        batch.push(command);
        first = last;
        if batch.len() == FILL_BATCH || first >= range.end {
            conn.expect_ok(&batch)?;
            batch.clear();
        }
    }
    Ok(())
}

/// A memory-types scenario, on a fresh server: its RSS before and after a
/// pipelined fill of `collection_elements` elements of one type, in keys
/// of [`ELEMENTS_PER_KEY`] (`list:0000`, ...): 13-byte elements and
/// members (`e:0000:000123`), 8-byte hash fields (`f:000123`) under 13-byte
/// values, integer scores.
fn memory_of(ctx: &Ctx, srv: &Running, collection: Collection) -> anyhow::Result<Measured> {
    let mut add = vec![collection.add_command(), PROBE_KEY];
    add.extend(match collection {
        Collection::List => &["x"][..],
        Collection::Set => &["m"],
        Collection::Hash => &["f", "v"],
        Collection::ZSet => &["1", "m"],
    });
    if let Some(missing) = lacks(srv, &[&add])? {
        return Ok(missing);
    }
    let elements = ctx.settings.collection_elements;
    let keys = elements.div_ceil(ELEMENTS_PER_KEY);
    let mut conn = Resp::connect(srv.addr)?;
    let before = srv.sample()?;
    let began = Instant::now();
    for k in 0..keys {
        let key = format!("{}:{k:04}", collection.name());
        let count = ELEMENTS_PER_KEY.min(elements - k * ELEMENTS_PER_KEY);
        let member = |j: u64| match collection {
            Collection::Hash => format!("f:{j:06}").into_bytes(),
            _ => format!("e:{:04}:{j:06}", k % 10_000).into_bytes(),
        };
        fill(&mut conn, collection, key.as_bytes(), 0..count, &member)?;
    }
    let elapsed = began.elapsed().as_secs_f64();
    let after = srv.sample()?;
    let held = conn.integer(&[
        collection.len_command(),
        &format!("{}:0000", collection.name()),
    ])?;
    let expected = ELEMENTS_PER_KEY.min(elements) as i64;
    let (status, mut note) = if held == expected {
        (status::OK, String::new())
    } else {
        (
            status::FAILED,
            format!(
                "{} of the first key is {held}, not {expected}; ",
                collection.len_command()
            ),
        )
    };
    note += &format!("{keys} keys × {ELEMENTS_PER_KEY} elements");
    Ok(Measured {
        status,
        requests: Some(elements),
        elapsed_s: Some(elapsed),
        ops_per_sec: (elapsed > 0.0).then(|| elements as f64 / elapsed),
        per_request_cpu: true,
        before: Some(before),
        after: Some(after),
        note,
        ..Measured::default()
    })
}

/// A blocking RESP connection for a scenario's setup and checks (fills,
/// deletes, lengths), apart from the tool that sends the measured load.
struct Resp {
    stream: TcpStream,
    buf: Vec<u8>,
}

/// A RESP2 reply, as much of it as the setup reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reply {
    Simple(String),
    Error(String),
    Integer(i64),
    /// A bulk string (`None`: the null bulk string).
    Bulk(Option<Vec<u8>>),
    /// An array (`None`: the null array).
    Array(Option<Vec<Reply>>),
}

impl Resp {
    /// How long a reply may take: a fill's batch, or a DEL of a big value.
    const TIMEOUT: Duration = Duration::from_secs(60);

    fn connect(addr: SocketAddr) -> anyhow::Result<Resp> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
            .with_context(|| format!("cannot connect to {addr}"))?;
        stream.set_read_timeout(Some(Self::TIMEOUT))?;
        stream.set_write_timeout(Some(Self::TIMEOUT))?;
        stream.set_nodelay(true)?;
        Ok(Resp {
            stream,
            buf: Vec::new(),
        })
    }

    /// Writes every command at once, then reads one reply for each.
    fn pipeline(&mut self, commands: &[Vec<Vec<u8>>]) -> anyhow::Result<Vec<Reply>> {
        let mut out = Vec::new();
        for args in commands {
            out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
            for arg in args {
                out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
                out.extend_from_slice(arg);
                out.extend_from_slice(b"\r\n");
            }
        }
        self.stream.write_all(&out)?;
        let mut replies = Vec::with_capacity(commands.len());
        while replies.len() < commands.len() {
            match parse_reply(&self.buf)? {
                Some((reply, used)) => {
                    self.buf.drain(..used);
                    replies.push(reply);
                }
                None => {
                    let mut chunk = [0u8; 64 * 1024];
                    let n = self
                        .stream
                        .read(&mut chunk)
                        .context("no reply from the server")?;
                    if n == 0 {
                        bail!("the server closed the connection");
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
            }
        }
        Ok(replies)
    }

    /// [`Resp::pipeline`], failing on an error reply.
    fn expect_ok(&mut self, commands: &[Vec<Vec<u8>>]) -> anyhow::Result<()> {
        for (command, reply) in commands.iter().zip(self.pipeline(commands)?) {
            if let Reply::Error(e) = reply {
                let name = command
                    .first()
                    .map(|n| String::from_utf8_lossy(n).into_owned());
                bail!("{} answered {e}", name.unwrap_or_default());
            }
        }
        Ok(())
    }

    /// One command whose reply must be an integer.
    fn integer(&mut self, args: &[&str]) -> anyhow::Result<i64> {
        let command = vec![args.iter().map(|a| a.as_bytes().to_vec()).collect()];
        match self.pipeline(&command)?.pop() {
            Some(Reply::Integer(n)) => Ok(n),
            other => bail!("{} answered {other:?}", args.join(" ")),
        }
    }
}

/// The first whole reply in `buf` and the bytes it takes; `None` if `buf`
/// does not hold one yet.
fn parse_reply(buf: &[u8]) -> anyhow::Result<Option<(Reply, usize)>> {
    let Some(end) = buf.windows(2).position(|w| w == b"\r\n") else {
        return Ok(None);
    };
    let (&kind, line) = buf[..end].split_first().context("an empty reply line")?;
    let text = || String::from_utf8_lossy(line).into_owned();
    let number = || -> anyhow::Result<i64> {
        text()
            .parse()
            .with_context(|| format!("odd length or integer {:?}", text()))
    };
    let next = end + 2;
    Ok(match kind {
        b'+' => Some((Reply::Simple(text()), next)),
        b'-' => Some((Reply::Error(text()), next)),
        b':' => Some((Reply::Integer(number()?), next)),
        b'$' => match usize::try_from(number()?) {
            Err(_) => Some((Reply::Bulk(None), next)),
            Ok(len) => buf
                .get(next..next + len)
                .filter(|_| buf.len() >= next + len + 2)
                .map(|data| (Reply::Bulk(Some(data.to_vec())), next + len + 2)),
        },
        b'*' => match usize::try_from(number()?) {
            Err(_) => Some((Reply::Array(None), next)),
            Ok(len) => {
                let mut items = Vec::new();
                let mut at = next;
                for _ in 0..len {
                    let Some((item, used)) = parse_reply(&buf[at..])? else {
                        return Ok(None);
                    };
                    items.push(item);
                    at += used;
                }
                Some((Reply::Array(Some(items)), at))
            }
        },
        other => bail!("odd reply type byte {other:#04x}"),
    })
}

/// A loadgen configuration against `srv` with the comparison's defaults.
fn loadgen_config(srv: &Running, connections: u32, pipeline: u32) -> Config {
    Config {
        addr: srv.addr.to_string(),
        connections: connections as usize,
        pipeline: pipeline as usize,
        keys: KEYS,
        value_size: 16,
        threads: 1,
        seed: 42,
        progress: Progress::Off,
        ..Config::default()
    }
}

/// Writes every key once (no clock, no CPU sample): the prefill that the
/// GET scenarios' keys need, run apart from the measured run so that the
/// CPU samples hold only measured requests.
fn prefill(srv: &Running, keys: u64, workload: Workload) -> anyhow::Result<Report> {
    let config = Config {
        keys,
        workload,
        prefill: true,
        limit: Limit::Requests(0),
        ..loadgen_config(srv, 50, 1)
    };
    let limit = Duration::from_secs(30 + keys / 10_000);
    match run_loadgen(&config, limit)? {
        Some(report) if report.is_ok() => Ok(report),
        Some(report) => bail!("prefill failed: {}", report.problems),
        None => bail!("prefill did not finish in {} s", limit.as_secs()),
    }
}

/// The loadgen scenarios.
fn loadgen_scenario(ctx: &Ctx, srv: &Running, scenario: &Scenario) -> anyhow::Result<Measured> {
    let secs = ctx.settings.loadgen_secs;
    let base = Config {
        limit: Limit::Duration(Duration::from_secs_f64(secs)),
        ..loadgen_config(srv, scenario.connections, scenario.pipeline)
    };
    let get_only = Workload::new(100, 0, 0).context("workload")?;
    let (config, per_request_cpu) = match scenario.id {
        "mixed-zipf-p16" => (
            Config {
                workload: Workload::MIXED,
                dist: KeyDist::Zipf(0.99),
                ..base
            },
            true,
        ),
        "conns-1000" => (
            Config {
                workload: Workload::READ_HEAVY,
                ..base
            },
            true,
        ),
        "hol-mset" | "hol-mget" => (
            Config {
                workload: get_only,
                hog: Some(Hog {
                    kind: if scenario.id == "hol-mset" {
                        HogKind::Mset
                    } else {
                        HogKind::Mget
                    },
                    keys: HOG_KEYS,
                }),
                ..base
            },
            false,
        ),
        "hol-del" => {
            if let Some(missing) = lacks(srv, &[&["SADD", PROBE_KEY, "m"]])? {
                return Ok(missing);
            }
            (
                Config {
                    workload: get_only,
                    limit: Limit::Duration(Duration::from_secs_f64(ctx.settings.hol_del_secs)),
                    hog: Some(Hog {
                        kind: HogKind::Del,
                        keys: ctx.settings.hol_del_members,
                    }),
                    ..base
                },
                false,
            )
        }
        "lg-queue-p16"
        | "lg-session-p16"
        | "lg-tags-p16"
        | "lg-leaderboard-p16"
        | "lg-transfer-p16"
        | "lg-transfer-eval-p16"
        | "lg-transfer-watch" => {
            return app_scenario(ctx, srv, scenario, base);
        }
        "memory-1m" => return memory(ctx, srv),
        other => bail!("no loadgen scenario {other:?}"),
    };
    prefill(srv, KEYS, get_only)?;
    measure_loadgen(srv, &config, secs, per_request_cpu)
}

/// An application workload of loadgen (`lg-*`): tried first on a scratch
/// key (mini-redis has no collections and no transactions, sharedkv no
/// scripts yet), prefilled apart from the measured run, which then checks
/// every reply as after a prefill (and, for the transfers, the balances'
/// sum at its end).
fn app_scenario(
    ctx: &Ctx,
    srv: &Running,
    scenario: &Scenario,
    base: Config,
) -> anyhow::Result<Measured> {
    let (workload, dist, probe): (Workload, KeyDist, &[&[&str]]) = match scenario.id {
        "lg-queue-p16" => (
            Workload::QUEUE,
            KeyDist::Uniform,
            &[&["LPUSH", PROBE_KEY, "j"]],
        ),
        "lg-session-p16" => (
            Workload::SESSION,
            KeyDist::Zipf(0.99),
            &[&["HSET", PROBE_KEY, "f", "v"]],
        ),
        "lg-tags-p16" => (
            Workload::TAGS,
            KeyDist::Zipf(0.99),
            &[&["SADD", PROBE_KEY, "m"]],
        ),
        "lg-leaderboard-p16" => (
            Workload::LEADERBOARD,
            KeyDist::Uniform,
            &[&["ZINCRBY", PROBE_KEY, "1", "m"]],
        ),
        "lg-transfer-p16" => (
            Workload::TRANSFER,
            KeyDist::Uniform,
            &[&["MULTI"], &["DECRBY", PROBE_KEY, "7"], &["EXEC"]],
        ),
        "lg-transfer-eval-p16" => (
            Workload::TRANSFER_EVAL,
            KeyDist::Uniform,
            // A short script, so that an "unknown command" note does not
            // quote the transfer's.
            &[&["SCRIPT", "LOAD", "return 1"], &["EVAL", "return 1", "0"]],
        ),
        "lg-transfer-watch" => (
            Workload::TRANSFER_WATCH,
            KeyDist::Uniform,
            &[
                &["WATCH", PROBE_KEY],
                &["MULTI"],
                &["SET", PROBE_KEY, "7"],
                &["EXEC"],
            ],
        ),
        other => bail!("no loadgen application scenario {other:?}"),
    };
    if let Some(missing) = lacks(srv, probe)? {
        return Ok(missing);
    }
    let keys = workload.default_keys();
    prefill(srv, keys, workload)?;
    let config = Config {
        workload,
        dist,
        keys,
        assume_prefilled: true,
        ..base
    };
    let mut measured = measure_loadgen(srv, &config, ctx.settings.loadgen_secs, true)?;
    if workload == Workload::QUEUE
        && let Some(empty) = measured.empty
    {
        measured.note = format!("{empty} RPOPs found an empty list {}", measured.note);
    }
    if workload == Workload::TRANSFER_WATCH
        && let (Some(retries), Some(transfers)) = (measured.retries, measured.requests)
    {
        measured.note = format!(
            "{retries} retries ({:.3} per transfer) {}",
            retries as f64 / transfers.max(1) as f64,
            measured.note
        );
    }
    Ok(measured)
}

/// Samples the server around one loadgen run of `config` and reads its
/// report; `secs` is the measured time the run's time limit allows for.
fn measure_loadgen(
    srv: &Running,
    config: &Config,
    secs: f64,
    per_request_cpu: bool,
) -> anyhow::Result<Measured> {
    let secs = match config.limit {
        Limit::Duration(d) => d.as_secs_f64(),
        Limit::Requests(_) => secs,
    };
    // The DEL hog ends its build of the set before it looks at the clock:
    // 20 s for it, which a strategy that copies the set on every SADD
    // (1,000 of them for 1M members) does not make.
    let limit = Duration::from_secs_f64(secs + if config.hog.is_some() { 20.0 } else { 10.0 });
    let before = srv.sample()?;
    let report = run_loadgen(config, limit)?;
    let after = srv.sample()?;
    let Some(report) = report else {
        return Ok(Measured {
            status: status::TIMEOUT,
            before: Some(before),
            after: Some(after),
            note: format!(
                "no end in {:.0} s (or connections never accepted)",
                limit.as_secs_f64()
            ),
            ..Measured::default()
        });
    };
    let errors = report.problems.error_replies + report.problems.wrong_replies;
    let mut note = if report.is_ok() {
        String::new()
    } else {
        report.problems.to_string()
    };
    if let Some(hog) = report.hog.as_ref().filter(|h| h.hog.kind == HogKind::Del) {
        // A few DELs in a run of 100,000 GETs stall too few of them to show
        // in the p99: the tail above it says what a stall costs.
        note = format!(
            "{}; GET p99.9 {:.2} ms, max {:.2} ms {note}",
            del_note(hog),
            report.latency_us(0.999) as f64 / 1000.0,
            report.latency.max() as f64 / 1000.0
        );
    }
    Ok(Measured {
        status: if report.is_ok() {
            status::OK
        } else {
            status::FAILED
        },
        requests: Some(report.counts.requests),
        elapsed_s: Some(report.elapsed.as_secs_f64()),
        ops_per_sec: Some(report.throughput()),
        p50_us: Some(report.latency_us(0.5) as f64),
        p99_us: Some(report.latency_us(0.99) as f64),
        per_request_cpu,
        before: Some(before),
        after: Some(after),
        hog_ops: report.hog.as_ref().map(|h| h.ops),
        errors: Some(errors),
        empty: Some(report.counts.empty),
        retries: Some(report.counts.retries),
        note,
    })
}

/// The `hol-del` hog's DELs: how many, and how long they took.
fn del_note(hog: &sharedkv_loadgen::HogReport) -> String {
    if hog.ops == 0 {
        return format!(
            "no DEL of the {}-member set in the measured time: the GETs ran beside its build only",
            hog.hog.keys
        );
    }
    let ms = |us: u64| us as f64 / 1000.0;
    format!(
        "{} DEL{} of a {}-member set: p50 {:.2} ms, max {:.2} ms",
        hog.ops,
        if hog.ops == 1 { "" } else { "s" },
        hog.hog.keys,
        ms(hog.latency.value_at_quantile(0.5)),
        ms(hog.latency.max())
    )
}

/// The memory scenario, on a fresh server: RSS after writing
/// `memory_keys` keys with 16-byte values.
fn memory(ctx: &Ctx, srv: &Running) -> anyhow::Result<Measured> {
    let keys = ctx.settings.memory_keys;
    let before = srv.sample()?;
    let report = prefill(srv, keys, Workload::new(100, 0, 0).context("workload")?)?;
    let after = srv.sample()?;
    let elapsed = report.prefill.map_or(0.0, |p| p.elapsed.as_secs_f64());
    Ok(Measured {
        status: status::OK,
        requests: Some(keys),
        elapsed_s: Some(elapsed),
        ops_per_sec: (elapsed > 0.0).then(|| keys as f64 / elapsed),
        per_request_cpu: true,
        before: Some(before),
        after: Some(after),
        note: format!("{keys} keys"),
        ..Measured::default()
    })
}

/// Runs loadgen on a runtime of its own; `Ok(None)` if it did not finish
/// within `limit` (its connections are then dropped).
fn run_loadgen(config: &Config, limit: Duration) -> anyhow::Result<Option<Report>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let finished = runtime
        .block_on(async { tokio::time::timeout(limit, sharedkv_loadgen::run(config)).await });
    match finished {
        Ok(Ok(report)) => Ok(Some(report)),
        // A server that never accepts (mini-redis past 250 connections)
        // makes loadgen's own connect time out: that is a timeout too.
        Ok(Err(e)) if matches!(e.kind(), ErrorKind::Connect(io) if io.kind() == std::io::ErrorKind::TimedOut) => {
            Ok(None)
        }
        Ok(Err(e)) => Err(anyhow::anyhow!("loadgen: {e}")),
        Err(_) => Ok(None),
    }
}

/// `program --version`'s first line, or `None` if it cannot run.
fn version_of(program: &str) -> Option<String> {
    let output = Command::new(program).arg("--version").output().ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned()
    })
}

/// Clock ticks per second (`getconf CLK_TCK`), 100 if unknown.
fn clk_tck() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The machine as the run found it, and the settings.
fn machine_meta(
    mode: &str,
    rounds: u32,
    servers: &[ServerSpec],
    settings: Settings,
    redis_server: Option<&str>,
    redis_benchmark: &str,
    command: &str,
) -> Meta {
    let read = |path: &str| fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or_else(|| "unknown CPU".to_owned(), |(_, v)| v.trim().to_owned());
    let memory_gib = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let started_unix = unix_now();
    Meta {
        mode: mode.to_owned(),
        rounds,
        servers: servers.iter().map(ServerSpec::name).collect(),
        started_unix,
        started: utc(started_unix),
        cpu,
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        memory_gib,
        kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
        load_average: read("/proc/loadavg")
            .split_whitespace()
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0),
        redis_ran: redis_server.is_some(),
        redis_server: redis_server.map_or_else(
            || "not installed: skipped (apt-get install -y redis-server)".to_owned(),
            str::to_owned,
        ),
        redis_benchmark: redis_benchmark.to_owned(),
        commit,
        loadgen_secs: settings.loadgen_secs,
        redis_benchmark_secs: settings.rb_secs,
        redis_benchmark_test_secs: settings.rb_test_secs,
        memory_keys: settings.memory_keys,
        collection_elements: settings.collection_elements,
        hol_del_members: settings.hol_del_members as u64,
        hol_del_secs: settings.hol_del_secs,
        command: command.to_owned(),
    }
}

/// Unix time as UTC `YYYY-MM-DD HH:MM` (civil-from-days, Howard Hinnant's
/// algorithm), to avoid a date crate for one line.
fn utc(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// redis-benchmark's CSV, with a warning line before it.
    #[test]
    fn parses_redis_benchmark_csv() {
        let text = "WARNING: Could not fetch server CONFIG\n\
            \"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\",\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n\
            \"SET\",\"423728.84\",\"1.704\",\"0.016\",\"0.959\",\"3.647\",\"13.759\",\"243.839\"\n\
            \"GET\",\"386100.41\",\"1.894\",\"0.024\",\"1.055\",\"6.799\",\"14.663\",\"79.295\"\n";
        let lines = parse_redis_benchmark_csv(text).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].test, "GET");
        assert!((lines[0].rps - 423_728.84).abs() < 1e-6);
        assert!((lines[1].p99_ms - 14.663).abs() < 1e-9);
    }

    /// Whole replies of every kind the setup reads, and none from a part.
    #[test]
    fn parses_replies() {
        let text = b"+OK\r\n-ERR unknown command 'zadd'\r\n:42\r\n$3\r\nxxx\r\n$-1\r\n*2\r\n$1\r\na\r\n:1\r\n*-1\r\n";
        let mut at = 0;
        let mut replies = Vec::new();
        while let Some((reply, used)) = parse_reply(&text[at..]).unwrap() {
            replies.push(reply);
            at += used;
        }
        assert_eq!(at, text.len());
        assert_eq!(
            replies,
            [
                Reply::Simple("OK".into()),
                Reply::Error("ERR unknown command 'zadd'".into()),
                Reply::Integer(42),
                Reply::Bulk(Some(b"xxx".to_vec())),
                Reply::Bulk(None),
                Reply::Array(Some(vec![
                    Reply::Bulk(Some(b"a".to_vec())),
                    Reply::Integer(1)
                ])),
                Reply::Array(None),
            ]
        );
        for cut in [1, 5, 8, 12, 14] {
            assert_eq!(
                parse_reply(&b"*2\r\n$1\r\na\r\n:1\r\n"[..cut]).unwrap(),
                None
            );
        }
        assert!(parse_reply(b"?\r\n").is_err());
    }

    /// Every redis-benchmark test scenario has a plan, and a pop test's
    /// key holds one element per request, up to its cap.
    #[test]
    fn every_test_has_a_plan() {
        for s in sharedkv_compare::SCENARIOS {
            if let Tool::RedisBenchmarkTest(test) = s.tool {
                let plan = rb_plan(test).unwrap_or_else(|| panic!("no plan for {test}"));
                assert!(!plan.command.is_empty());
            }
        }
        let spop = rb_plan("spop").unwrap();
        assert_eq!(spop.fill_for(20_000), 20_000);
        assert_eq!(spop.requests(1_000_000), RB_RANGE);
        assert_eq!(rb_plan("lrange_600").unwrap().fill_for(1), 600);
        assert_eq!(rb_plan("lpush").unwrap().fill_for(1_000), 0);
    }

    /// Known dates.
    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13 UTC");
    }
}

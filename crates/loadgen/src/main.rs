//! `sharedkv-loadgen`: the command line over the `sharedkv_loadgen` library.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sharedkv_loadgen::{
    Config, Hog, KeyDist, Limit, Progress, Report, Workload, parse_duration, run_blocking,
};

/// RESP load generator: many connections, pipelined batches, a GET/SET/INCR
/// mix, an application workload on lists, hashes, sets or sorted sets, or
/// bank transfers in a transaction, over uniform or zipf keys, and
/// per-request latency percentiles.
///
/// Every request's latency is measured (its reply's arrival minus the write
/// of its batch), pipelined or not; redis-benchmark with -P times only the
/// first reply of each batch and records that time for all of them. A
/// transfer's latency is its last reply's (the EXEC's, or for
/// transfer-watch the one that committed, retries included). Any
/// error reply, any reply of the wrong type or out of its possible range,
/// and with --prefill any value read that is not exactly the one written,
/// makes the exit status 1.
#[derive(Debug, Parser)]
#[command(name = "sharedkv-loadgen", version)]
struct Args {
    /// Server address, host:port.
    #[arg(long, default_value = "127.0.0.1:6379")]
    addr: String,

    /// Client connections, each one task with its own socket.
    #[arg(long, default_value_t = 50)]
    connections: usize,

    /// Requests per batch: each connection writes this many in one write and
    /// waits for all their replies before the next batch. A transfer counts
    /// as one (its four requests go together); transfer-watch needs 1, since
    /// each transfer waits for its reads before it writes.
    #[arg(long, default_value_t = 1)]
    pipeline: usize,

    /// How long to measure (after --warmup): 500ms, 10s, 2m. The default
    /// is 10s unless --requests is given.
    #[arg(long, value_parser = parse_duration, conflicts_with = "requests")]
    duration: Option<Duration>,

    /// Send exactly this many requests in total (after --warmup), split
    /// evenly between the connections, instead of running for --duration (a
    /// transfer counts as one).
    #[arg(long)]
    requests: Option<u64>,

    /// Operation mix: read-heavy (95% GET, 5% SET), mixed (50/50),
    /// write-heavy (10/90), incr (INCR only, on ctr:* keys), a bare number
    /// (that GET percentage, the rest SET), or get=A,set=B,incr=C. Or an
    /// application workload: queue (50% LPUSH onto one of the queue:* lists,
    /// 50% RPOP), session (45% HSET of a session:* hash's two fields, 45%
    /// HGET of one, 10% HGETALL), tags (20% SADD of an item to a tags:* set,
    /// 80% SISMEMBER) or leaderboard (90% ZINCRBY of a player by 1 on a
    /// board:* sorted set, 10% ZREVRANGE 0 9 WITHSCORES). Or a bank, each
    /// operation a transfer of 7 between two account:* keys: transfer (MULTI,
    /// DECRBY, INCRBY, EXEC in one batch), transfer-eval (one EVALSHA of a
    /// script that does both, loaded once with SCRIPT LOAD at start-up) or
    /// transfer-watch (WATCH and MGET, then MULTI, two SETs and EXEC, retried
    /// from the WATCH when EXEC finds an account changed; retries are
    /// reported).
    #[arg(long, default_value = "read-heavy")]
    workload: Workload,

    /// Number of distinct keys, named key:000000, key:000001, ... (default
    /// 100000; with queue 16 lists, with tags 1000 sets, with leaderboard 8
    /// boards, with the transfers 1000 accounts).
    #[arg(long)]
    keys: Option<u64>,

    /// Members per tags set or leaderboard (item:*, player:*, drawn
    /// uniformly), and jobs per list that --prefill pushes with queue.
    #[arg(long, default_value_t = 1000)]
    members: u64,

    /// Key distribution: uniform, or zipf:<s> (e.g. zipf:0.99; key:000000 is
    /// the hottest).
    #[arg(long, default_value = "uniform")]
    dist: KeyDist,

    /// Bytes per value. Each key's value is a fixed function of the key.
    #[arg(long, default_value_t = 16)]
    value_size: usize,

    /// Write every key once before measuring, pipelined, so that GETs hit;
    /// every GET reply must then equal the value written. With queue, push
    /// --members jobs onto every list; with session, write both fields of
    /// every session (every HSET must then add nothing, every HGET and
    /// HGETALL find the values written); with tags, add every item to every
    /// set (SADD then adds nothing, SISMEMBER is always 1); with
    /// leaderboard, add every player to every board at score 0 (every top
    /// ten is then full); with the transfers, set every account to 1000000,
    /// and at the end read them all (MGET) and require their sum to be
    /// unchanged.
    #[arg(long)]
    prefill: bool,

    /// Run the workload this long before measuring; nothing of it is
    /// recorded (e.g. 1s).
    #[arg(long, value_parser = parse_duration, default_value = "0s")]
    warmup: Duration,

    /// Worker threads of the load generator's own Tokio runtime (1: a
    /// current-thread runtime). The generator competes with the server for
    /// cores: on a small machine, more threads here can mean fewer for the
    /// server, and a lower measured throughput.
    #[arg(long, default_value_t = 1)]
    threads: usize,

    /// Seed of the operation sequences (random if omitted; always printed).
    #[arg(long)]
    seed: Option<u64>,

    /// Operations precomputed per connection and then cycled.
    #[arg(long, default_value_t = 4096)]
    sequence_len: usize,

    /// Head-of-line hog: one extra connection that loops `MSET` or `MGET`
    /// of n keys (key:0 .. key:n-1, default 10000) during the whole run:
    /// mset:<n> or mget:<n>; or del:<n>, which builds a set of n members
    /// (SADD, 1,000 at a time) and DELs it, over and over. Its commands are
    /// counted apart and kept out of the latency histogram.
    #[arg(long)]
    hog: Option<Hog>,

    /// Print one JSON object on stdout instead of the summary.
    #[arg(long, conflicts_with = "csv")]
    json: bool,

    /// Print a CSV header and one row on stdout instead of the summary.
    #[arg(long)]
    csv: bool,

    /// No progress lines or notes on stderr.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let stderr_tty = std::io::stderr().is_terminal();
    let config = Config {
        addr: args.addr,
        connections: args.connections,
        pipeline: args.pipeline,
        limit: match (args.requests, args.duration) {
            (Some(n), _) => Limit::Requests(n),
            (None, Some(d)) => Limit::Duration(d),
            (None, None) => Limit::Duration(Duration::from_secs(10)),
        },
        workload: args.workload,
        keys: args.keys.unwrap_or_else(|| args.workload.default_keys()),
        members: args.members,
        dist: args.dist,
        value_size: args.value_size,
        prefill: args.prefill,
        assume_prefilled: false,
        warmup: args.warmup,
        threads: args.threads,
        seed: args.seed.unwrap_or_else(Config::random_seed),
        sequence_len: args.sequence_len,
        hog: args.hog,
        progress: match (args.quiet, stderr_tty) {
            (true, _) => Progress::Off,
            (false, true) => Progress::Overwrite,
            (false, false) => Progress::Lines,
        },
    };

    let report = match run_blocking(&config) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("sharedkv-loadgen: error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        println!("{}", report.json(&config));
    } else if args.csv {
        println!("{}", Report::CSV_HEADER);
        println!("{}", report.csv_row(&config));
    } else {
        print!("{}", report.summary(&config));
    }
    if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        eprintln!("sharedkv-loadgen: FAILED: {}", report.problems);
        ExitCode::FAILURE
    }
}

//! `sharedkv-server`: parses the command line, builds the Tokio runtime
//! (or runtimes), picks the strategy, and hands everything to
//! [`sharedkv_server::Server`].
//!
//! # Thread per core
//!
//! `--runtime thread-per-core` runs one current-thread runtime per core (or
//! per `--workers`), each on its own thread with its own listener. The
//! listeners are bound to the same address with `SO_REUSEPORT`, so the
//! kernel spreads incoming connections over them, and a connection is then
//! served start to end by the runtime that accepted it: no work stealing, no
//! cross-thread wakeups for its I/O. All of them share one `Db`.
//!
//! The runtime on the main thread is runtime 0. The `Db` is created there,
//! because its constructor spawns the expiry sweep (and, for the actor
//! strategies, the actors) on the runtime it runs in, and those tasks run
//! only while that runtime is driven. So runtime 0 keeps being driven until
//! every other runtime has finished draining its connections: after its own
//! listener is done, it waits for the other threads from a blocking task
//! instead of returning. (With an actor strategy, every command of every
//! runtime is then executed on runtime 0's thread: thread per core buys it
//! nothing.) Threads are not pinned to cores; the scheduler places them.

use std::io::IsTerminal as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{CommandFactory as _, Parser, ValueEnum};
use sharedkv_actor::ActorDb;
use sharedkv_dashmap::DashMapDb;
use sharedkv_db::Db;
use sharedkv_flurry::FlurryDb;
use sharedkv_papaya::PapayaDb;
use sharedkv_rwlock::RwLockDb;
use sharedkv_scc::SccDb;
use sharedkv_server::{Config, Server};
use sharedkv_sharded::ShardedDb;
use sharedkv_sharded_actor::ShardedActorDb;
use sharedkv_std_mutex::StdMutexDb;
use sharedkv_tokio_mutex::TokioMutexDb;
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::TcpListener;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio_util::sync::CancellationToken;

/// jemalloc, Redis's allocator, rather than glibc's malloc or mimalloc,
/// because it gives memory back. A key-value server frees in bulk (DEL of a
/// big collection, FLUSHALL, expiry), and what it frees must return to the
/// kernel, not stay in the process's heaps.
///
/// Measured with `scripts/memory-allocators` (release build, medians of 3
/// runs, 2-vCPU KVM guest): a fresh server is 8-9 MB; after
/// `redis-benchmark -t set -r 1000000 -n 2000000 -d 16 -P 32 -c 50` (about
/// 865,000 keys) and a FLUSHALL, 12 s later, std-mutex is at 105 MB with
/// glibc (its heaps keep the holes; dashmap, papaya, scc and flurry keep
/// 179-336 MB), 200 MB with mimalloc, and 12 MB with this
/// configuration, 1.35x a fresh server (Redis: 1.46x). Loaded, jemalloc
/// is also the smallest on every strategy but flurry (155-260 MB); the
/// README's "The allocator" has the whole table. jemalloc's defaults alone were
/// not enough: without a background thread nothing is purged while the
/// server idles (65 MB), and with one but the default 10 s decay, 30 MB at
/// 12 s. So the feature turns the background thread on and
/// `.cargo/config.toml` compiles in `dirty_decay_ms:1000,muzzy_decay_ms:0`:
/// freed pages go back about a second later, in `MADV_DONTNEED` (lazily
/// freed `MADV_FREE` pages would still count in RSS). What a strategy's own
/// table keeps after FLUSHALL (dashmap's and scc's bucket arrays, about
/// 100 MB here) no allocator can return.
///
/// Feature `jemalloc`, on by default; `--features mimalloc` picks mimalloc
/// (about 7% less CPU per request than glibc's at `-P 16`, measured with
/// `redis-benchmark -t set,get -c 50 -P 16`; beside jemalloc, not
/// measured), `--no-default-features` the system allocator. Only this binary: the library and its tests keep the
/// system allocator.
#[cfg(all(feature = "jemalloc", not(feature = "mimalloc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// mimalloc, when asked for with `--features mimalloc`: see above.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A Redis-compatible key-value server whose shared state is held by one
/// of several strategies, for comparing them.
///
/// Speaks RESP2 on TCP, and RESP3 to a client that asks with `HELLO 3`:
/// redis-cli, redis-benchmark and Redis client libraries work with it. Stops gracefully on SIGINT, SIGTERM or a client's SHUTDOWN: it stops
/// accepting, answers the requests it has already received, and exits 0.
#[derive(Debug, Parser)]
#[command(version, max_term_width = 100)]
struct Args {
    /// How connections share the keyspace. The default is std-mutex.
    #[arg(long, value_enum, default_value_t = Backend::StdMutex)]
    backend: Backend,

    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,

    /// Port to listen on; 0 picks a free one. The bound address is printed
    /// on stdout as "listening on ADDRESS".
    #[arg(long, default_value_t = 6379)]
    port: u16,

    /// Number of shards (rounded up to a power of two). Only for --backend
    /// sharded (default: four per core) and sharded-actor (default: one per
    /// core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    shards: Option<u32>,

    /// The Tokio runtime's flavour.
    #[arg(long, value_enum, default_value_t = RuntimeKind::MultiThread)]
    runtime: RuntimeKind,

    /// Worker threads of the multi-thread runtime, or runtimes of
    /// thread-per-core; the default is one per core.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    workers: Option<u16>,

    /// Clients served at once; more are told "max number of clients
    /// reached" and closed.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    max_clients: u32,

    /// Require clients to AUTH with this password first.
    #[arg(long, value_name = "PASSWORD")]
    requirepass: Option<String>,

    /// Close a client idle for this many seconds (no complete request, no
    /// reply taken); 0, the default as in Redis, never does.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    timeout: u32,

    /// Disconnect a normal client whose unread replies exceed this many
    /// bytes (the hard limit of Redis's client-output-buffer-limit, normal
    /// class; units as in redis.conf: 64mb, 512kb, 1gb). 0, the default as
    /// in Redis, means none: a client that stops reading is not dropped, the
    /// server stops reading its requests until it catches up. Subscribers
    /// keep Redis's pubsub limits (32mb, or 8mb for 60 s); CONFIG SET
    /// client-output-buffer-limit changes every class at run time.
    #[arg(long, value_name = "BYTES", default_value = "0", value_parser = parse_memory)]
    client_output_buffer_limit: usize,

    /// Print the name of every backend, one per line, and exit.
    #[arg(long)]
    list_backends: bool,
}

/// The strategies. Each runs the same server, monomorphised for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Backend {
    /// One std Mutex around the whole keyspace: cheapest per command; every core queues on one lock.
    StdMutex,
    /// One tokio Mutex: waiters yield instead of blocking, but every lock costs more (the control).
    TokioMutex,
    /// One std RwLock: reads run side by side; dearer to take, and writers are still serialised.
    Rwlock,
    /// N std Mutex shards picked by key hash: contention falls N-fold; DBSIZE/FLUSHALL visit every shard.
    Sharded,
    /// dashmap's RwLock shards: parallel reads, sharded writes.
    Dashmap,
    /// flurry, a port of Java's ConcurrentHashMap: no map lock on reads; every write copies its entry.
    Flurry,
    /// papaya's lock-free table: no map lock on reads; every write copies its entry; blocking resize.
    Papaya,
    /// scc's bucket locks: contention per bucket, resizing never stops the others.
    Scc,
    /// One task owns the keyspace, commands arrive by channel: no locks; runs at one core's speed.
    Actor,
    /// N actor tasks, one per shard: the actor model on N cores; still a channel round trip per command.
    ShardedActor,
}

impl Backend {
    /// The name used on the command line and in `INFO`.
    fn name(self) -> String {
        value_name(self)
    }
}

/// A `ValueEnum` variant's name as typed on the command line.
fn value_name(value: impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum RuntimeKind {
    /// Tokio's work-stealing runtime, one worker per core (or --workers).
    MultiThread,
    /// Everything on the main thread: no cross-core contention at all.
    CurrentThread,
    /// One current-thread runtime per core (or --workers), each accepting
    /// on its own SO_REUSEPORT listener; all share one keyspace.
    ThreadPerCore,
}

/// The listen backlog, as `tokio::net::TcpListener::bind` sets it.
const BACKLOG: i32 = 1024;

fn main() -> ExitCode {
    let args = Args::parse();
    if args.list_backends {
        for backend in Backend::value_variants() {
            println!("{}", backend.name());
        }
        return ExitCode::SUCCESS;
    }
    check_combinations(&args);
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match serve_until_signal(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sharedkv-server: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Rejects flags that do not apply to the rest of the command line, with
/// clap's usage error (exit code 2).
fn check_combinations(args: &Args) {
    let mut cmd = Args::command();
    if args.shards.is_some() && !matches!(args.backend, Backend::Sharded | Backend::ShardedActor) {
        let msg = format!(
            "--shards applies only to --backend sharded and sharded-actor, not {}",
            args.backend.name()
        );
        cmd.error(clap::error::ErrorKind::ArgumentConflict, msg)
            .exit();
    }
    if args.workers.is_some() && args.runtime == RuntimeKind::CurrentThread {
        let msg = "--workers applies only to --runtime multi-thread and thread-per-core";
        cmd.error(clap::error::ErrorKind::ArgumentConflict, msg)
            .exit();
    }
}

/// Builds the runtime, binds, and serves until SIGINT or SIGTERM.
fn serve_until_signal(args: &Args) -> anyhow::Result<()> {
    let mut builder = match args.runtime {
        RuntimeKind::MultiThread => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            if let Some(workers) = args.workers {
                builder.worker_threads(usize::from(workers));
            }
            builder
        }
        RuntimeKind::CurrentThread | RuntimeKind::ThreadPerCore => {
            tokio::runtime::Builder::new_current_thread()
        }
    };
    let runtimes = match args.runtime {
        RuntimeKind::ThreadPerCore => args.workers.map_or_else(
            || std::thread::available_parallelism().map_or(1, usize::from),
            usize::from,
        ),
        RuntimeKind::MultiThread | RuntimeKind::CurrentThread => 1,
    };
    let runtime = builder
        .enable_all()
        .build()
        .context("cannot build the Tokio runtime")?;
    runtime.block_on(async {
        // Handlers go in before the port opens, so that a signal sent as
        // soon as the address is printed already shuts down gracefully.
        let interrupt = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
        let terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
        let address = SocketAddr::new(args.bind, args.port);
        let listeners = Listeners::bind(address, runtimes)?;
        let local = listeners.address;
        let workers = match args.runtime {
            RuntimeKind::ThreadPerCore => runtimes,
            _ => tokio::runtime::Handle::current().metrics().num_workers(),
        };
        tracing::info!(
            address = %local,
            backend = args.backend.name(),
            runtime = value_name(args.runtime),
            workers,
            "listening"
        );
        println!("listening on {local}");
        let config = Config {
            backend: args.backend.name(),
            max_clients: usize::try_from(args.max_clients).unwrap_or(usize::MAX),
            requirepass: args.requirepass.clone(),
            client_output_buffer_limit: args.client_output_buffer_limit,
            timeout: (args.timeout > 0).then(|| Duration::from_secs(u64::from(args.timeout))),
            allocator: String::from(if cfg!(feature = "mimalloc") {
                "mimalloc"
            } else {
                "libc"
            }),
            ..Config::default()
        };
        let shutdown = until_signal(interrupt, terminate);
        // The one place that names every strategy: each arm is the whole
        // server, monomorphised for that `Db`.
        match args.backend {
            Backend::StdMutex => serve(listeners, StdMutexDb::new(), config, shutdown).await,
            Backend::TokioMutex => serve(listeners, TokioMutexDb::new(), config, shutdown).await,
            Backend::Rwlock => serve(listeners, RwLockDb::new(), config, shutdown).await,
            Backend::Sharded => {
                let db = args
                    .shards
                    .map_or_else(ShardedDb::new, |n| ShardedDb::with_shards(n as usize));
                tracing::info!(shards = db.shard_count(), "keyspace sharded");
                serve(listeners, db, config, shutdown).await
            }
            Backend::Dashmap => serve(listeners, DashMapDb::new(), config, shutdown).await,
            Backend::Flurry => serve(listeners, FlurryDb::new(), config, shutdown).await,
            Backend::Papaya => serve(listeners, PapayaDb::new(), config, shutdown).await,
            Backend::Scc => serve(listeners, SccDb::new(), config, shutdown).await,
            Backend::Actor => serve(listeners, ActorDb::new(), config, shutdown).await,
            Backend::ShardedActor => {
                let db = args.shards.map_or_else(ShardedActorDb::new, |n| {
                    ShardedActorDb::with_shards(n as usize)
                });
                tracing::info!(shards = db.shard_count(), "one actor per shard");
                serve(listeners, db, config, shutdown).await
            }
        }
    })
}

/// The sockets the server accepts on: one, or one per runtime.
struct Listeners {
    /// Served on the calling runtime (runtime 0).
    first: TcpListener,
    /// One per further runtime of thread-per-core, each bound to the same
    /// address with `SO_REUSEPORT`; turned into Tokio listeners on their
    /// own runtimes.
    others: Vec<std::net::TcpListener>,
    /// The bound address (with the port picked when 0 was asked).
    address: SocketAddr,
}

impl Listeners {
    /// Binds `count` listeners to `address`: a plain one when `count` is
    /// 1, otherwise `SO_REUSEPORT` ones. The first picks the port when it
    /// is 0, and the others bind to the port it got.
    ///
    /// Must be called from within a Tokio runtime (the first listener is
    /// registered with it).
    fn bind(address: SocketAddr, count: usize) -> anyhow::Result<Self> {
        let first = listen(address, count > 1)?;
        let address = first
            .local_addr()
            .context("cannot read the bound address")?;
        let others = (1..count)
            .map(|_| listen(address, true))
            .collect::<anyhow::Result<_>>()?;
        let first =
            TcpListener::from_std(first).with_context(|| format!("cannot listen on {address}"))?;
        Ok(Listeners {
            first,
            others,
            address,
        })
    }
}

/// A non-blocking listening socket on `address`, with `SO_REUSEADDR` as
/// Tokio sets it, and `SO_REUSEPORT` when several are to share it.
fn listen(address: SocketAddr, reuse_port: bool) -> anyhow::Result<std::net::TcpListener> {
    let bind = || -> std::io::Result<std::net::TcpListener> {
        let socket = Socket::new(
            Domain::for_address(address),
            Type::STREAM,
            Some(Protocol::TCP),
        )?;
        socket.set_reuse_address(true)?;
        if reuse_port {
            socket.set_reuse_port(true)?;
        }
        socket.set_nonblocking(true)?;
        socket.bind(&address.into())?;
        socket.listen(BACKLOG)?;
        Ok(socket.into())
    };
    bind().with_context(|| format!("cannot listen on {address}"))
}

/// The whole server for one strategy: monomorphised once per `Db`.
///
/// `db` was created on the calling runtime (runtime 0); see the module
/// docs for why that runtime must outlive the others.
async fn serve<D: Db>(
    listeners: Listeners,
    db: D,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let server = Server::new(db, config, listeners.address.port());
    // Cancelled on the signal (or when a runtime fails to start): every
    // runtime's accept loop then stops and drains.
    let stop = CancellationToken::new();
    let mut threads = Vec::with_capacity(listeners.others.len());
    for (i, listener) in listeners.others.into_iter().enumerate() {
        let (server, stop) = (server.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name(format!("sharedkv-rt-{}", i + 1))
            .spawn(move || serve_on_own_runtime(&server, listener, &stop))
            .context("cannot start a runtime thread")?;
        threads.push(thread);
    }
    let signal_or_stop = async {
        tokio::select! {
            () = shutdown => {}
            () = stop.cancelled() => {}
        }
        stop.cancel();
    };
    server.serve(listeners.first, signal_or_stop).await;
    // Keep this runtime driven (the Db's tasks live on it) until the other
    // runtimes have drained: wait for their threads from a blocking task.
    let results = tokio::task::spawn_blocking(move || {
        threads
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a runtime thread panicked")))
            })
            .collect::<Vec<_>>()
    })
    .await
    .context("cannot wait for the runtime threads")?;
    results.into_iter().collect()
}

/// One further runtime of thread-per-core: a current-thread runtime on this
/// thread, serving `listener` until `stop` is cancelled. If the runtime
/// cannot start, cancels `stop` so that the whole server shuts down.
fn serve_on_own_runtime(
    server: &Server<impl Db>,
    listener: std::net::TcpListener,
    stop: &CancellationToken,
) -> anyhow::Result<()> {
    let served = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot build a Tokio runtime")
        .and_then(|runtime| {
            runtime.block_on(async {
                let listener =
                    TcpListener::from_std(listener).context("cannot register the listener")?;
                server.serve(listener, stop.cancelled()).await;
                Ok(())
            })
        });
    if let Err(e) = &served {
        tracing::error!(error = %format!("{e:#}"), "a runtime failed; shutting down");
        stop.cancel();
    }
    served
}

/// Parses a size as redis.conf writes one: a number of bytes, optionally
/// followed by `k`, `m` or `g` (powers of 1000) or `kb`, `mb` or `gb`
/// (powers of 1024), in any case.
fn parse_memory(text: &str) -> Result<usize, String> {
    let lower = text.to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit: usize = match &lower[digits.len()..] {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1 << 10,
        "m" => 1000 * 1000,
        "mb" => 1 << 20,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1 << 30,
        other => return Err(format!("unknown unit {other:?}: use k, kb, m, mb, g or gb")),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(|| format!("{text:?} is not a size in bytes"))
}

/// Completes on the first SIGINT or SIGTERM.
async fn until_signal(mut interrupt: Signal, mut terminate: Signal) {
    tokio::select! {
        _ = interrupt.recv() => tracing::info!("SIGINT received"),
        _ = terminate.recv() => tracing::info!("SIGTERM received"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sizes parse as redis.conf's do; junk and overflow are refused.
    #[test]
    fn parse_memory_units() {
        assert_eq!(parse_memory("0"), Ok(0));
        assert_eq!(parse_memory("1234"), Ok(1234));
        assert_eq!(parse_memory("64mb"), Ok(64 << 20));
        assert_eq!(parse_memory("64MB"), Ok(64 << 20));
        assert_eq!(parse_memory("2k"), Ok(2000));
        assert_eq!(parse_memory("1gb"), Ok(1 << 30));
        for bad in ["", "mb", "-1", "1tb", "1.5mb", "99999999999999999999gb"] {
            assert!(parse_memory(bad).is_err(), "{bad}");
        }
    }
}

//! `sharedkv-server`: parses the command line, builds the Tokio runtime,
//! picks the strategy, and hands everything to [`sharedkv_server::run`].

use std::io::IsTerminal as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{CommandFactory as _, Parser, ValueEnum};
use sharedkv_actor::ActorDb;
use sharedkv_dashmap::DashMapDb;
use sharedkv_db::Db;
use sharedkv_flurry::FlurryDb;
use sharedkv_papaya::PapayaDb;
use sharedkv_rwlock::RwLockDb;
use sharedkv_scc::SccDb;
use sharedkv_server::Config;
use sharedkv_sharded::ShardedDb;
use sharedkv_sharded_actor::ShardedActorDb;
use sharedkv_std_mutex::StdMutexDb;
use sharedkv_tokio_mutex::TokioMutexDb;
use tokio::net::TcpListener;
use tokio::signal::unix::{Signal, SignalKind, signal};

/// A Redis-compatible key-value server whose shared state is held by one
/// of several strategies, for comparing them.
///
/// Speaks RESP2 on TCP: redis-cli, redis-benchmark and Redis client
/// libraries work with it. Stops gracefully on SIGINT or SIGTERM: it stops
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

    /// Worker threads of the multi-thread runtime; the default is one per
    /// core.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    workers: Option<u16>,

    /// Clients served at once; more are told "max number of clients
    /// reached" and closed.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    max_clients: u32,

    /// Require clients to AUTH with this password first.
    #[arg(long, value_name = "PASSWORD")]
    requirepass: Option<String>,

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
    /// dashmap's RwLock shards: parallel reads, sharded writes; MSET/MGET are atomic per key only.
    Dashmap,
    /// flurry, a port of Java's ConcurrentHashMap: lock-free reads; an allocation per write.
    Flurry,
    /// papaya's lock-free table: reads write no shared word, incremental resize; an allocation per write.
    Papaya,
    /// scc's bucket locks through async methods: a task waiting for a bucket yields its thread.
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
}

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
        let msg = "--workers applies only to --runtime multi-thread";
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
        RuntimeKind::CurrentThread => tokio::runtime::Builder::new_current_thread(),
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
        let listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address}"))?;
        let local = listener
            .local_addr()
            .context("cannot read the bound address")?;
        let workers = tokio::runtime::Handle::current().metrics().num_workers();
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
            ..Config::default()
        };
        let shutdown = until_signal(interrupt, terminate);
        // The one place that names every strategy: each arm is the whole
        // server, monomorphised for that `Db`.
        match args.backend {
            Backend::StdMutex => serve(listener, StdMutexDb::new(), config, shutdown).await,
            Backend::TokioMutex => serve(listener, TokioMutexDb::new(), config, shutdown).await,
            Backend::Rwlock => serve(listener, RwLockDb::new(), config, shutdown).await,
            Backend::Sharded => {
                let db = args
                    .shards
                    .map_or_else(ShardedDb::new, |n| ShardedDb::with_shards(n as usize));
                tracing::info!(shards = db.shard_count(), "keyspace sharded");
                serve(listener, db, config, shutdown).await
            }
            Backend::Dashmap => serve(listener, DashMapDb::new(), config, shutdown).await,
            Backend::Flurry => serve(listener, FlurryDb::new(), config, shutdown).await,
            Backend::Papaya => serve(listener, PapayaDb::new(), config, shutdown).await,
            Backend::Scc => serve(listener, SccDb::new(), config, shutdown).await,
            Backend::Actor => serve(listener, ActorDb::new(), config, shutdown).await,
            Backend::ShardedActor => {
                let db = args.shards.map_or_else(ShardedActorDb::new, |n| {
                    ShardedActorDb::with_shards(n as usize)
                });
                tracing::info!(shards = db.shard_count(), "one actor per shard");
                serve(listener, db, config, shutdown).await
            }
        }
    })
}

/// The whole server for one strategy: monomorphised once per `Db`.
async fn serve<D: Db>(
    listener: TcpListener,
    db: D,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    sharedkv_server::run(listener, db, config, shutdown)
        .await
        .context("server failed")
}

/// Completes on the first SIGINT or SIGTERM.
async fn until_signal(mut interrupt: Signal, mut terminate: Signal) {
    tokio::select! {
        _ = interrupt.recv() => tracing::info!("SIGINT received"),
        _ = terminate.recv() => tracing::info!("SIGTERM received"),
    }
}

//! The sharedkv server: a Redis-compatible front end over any
//! [`Db`] strategy.
//!
//! [`run`] accepts connections on a listener and serves each one on its own
//! Tokio task, until a shutdown future completes. [`Server`] is the same
//! split in two, so that one server's state can be served on several
//! listeners, one per runtime (the binary's `--runtime thread-per-core`). It is generic over the
//! strategy, so each strategy gets its own monomorphised server and no
//! dynamic dispatch sits between a request and the store.
//!
//! # Data flow
//!
//! ```text
//! TcpListener ─accept─▶ Connection task (one per client, at most max_clients)
//!
//! socket ─read─▶ BytesMut ─RequestDecoder─▶ Vec<Bytes> ─table::resolve─┬─ data command: sharedkv_commands::run::<D>
//!                                                                      │     on the Db, in the session's database
//!                                                                      └─ server command ─Command::parse─┬─ Server(..) ─execute─▶ pub/sub, counters
//!                                                                                                        └─ Session(..) ─session─▶ this connection
//!        replies encoded into one output BytesMut ─▶ one write per batch
//! ```
//!
//! - `connection`: the per-connection I/O loop: reads, batches, writes,
//!   output and idle limits, shutdown.
//! - `session`: the connection's own state (id, authentication, name,
//!   selected database, subscriptions, protocol) and the commands on it.
//!   Every reply, the server's own and the data commands', is written
//!   through a `sharedkv_commands::Reply` made for the session's protocol:
//!   RESP2, or RESP3 after `HELLO 3`.
//! - `table`: the server's own commands' specs; resolves a request's name,
//!   looking at `sharedkv_commands` first.
//! - `command`: the server's own commands, typed.
//! - `error`: their error replies, in Redis's exact text.
//! - `execute`: the server commands on shared state (pub/sub, counters).
//! - `introspect`: `INFO`, `CONFIG GET`, `COMMAND`, `HELLO`.
//! - `pubsub`: channels, patterns and shard channels, shared by every
//!   connection whatever the strategy; one mailbox per connection.
//! - `notifications`: the keyspace events the store itself sees (`expired`,
//!   `new`) and the expired-key counter.
//! - `clients`: the client registry (one record per connection, for
//!   `CLIENT LIST`, `KILL`, `PAUSE`) and the ops-per-second sampler.
//! - `admin`: what operators and tools send: `TIME`, `SHUTDOWN`,
//!   `MONITOR`, `MEMORY`, `DEBUG`, `COMMAND GETKEYS`, `FUNCTION`, ...
//!
//! Every data command (strings, keys, hashes, ...) and the copy rule for
//! stored bytes live in `sharedkv-commands`; this crate knows no strategy.
//!
//! Shutdown follows tokio's graceful-shutdown guide: a
//! [`CancellationToken`] tells connections to finish, a [`TaskTracker`]
//! waits for them.

mod admin;
mod blocking;
mod clients;
mod command;
mod config_params;
mod connection;
mod error;
mod execute;
mod info;
mod introspect;
mod latency;
mod notifications;
mod observe;
mod observe_specs;
mod pubsub;
mod scripting;
mod session;
mod slowlog;
mod stats;
mod table;
mod transaction;

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use sharedkv_db::Db;
pub use sharedkv_resp::Limits;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clients::{OpsRate, Registry};
use crate::config_params::{ClientSlot, Live};
use crate::connection::Connection;
use crate::pubsub::PubSub;

/// The server's settings at start-up (the binary's flags). They seed the
/// live configuration, which `CONFIG SET` changes at run time:
/// `max_clients`, `requirepass`, the bulk length of `limits`,
/// `client_output_buffer_limit` and `timeout` are all settable there.
#[derive(Clone, Debug)]
pub struct Config {
    /// The strategy's name, reported by `INFO` as `sharedkv_backend`.
    pub backend: String,
    /// Connections served at once; one more is told
    /// `-ERR max number of clients reached` and closed.
    pub max_clients: usize,
    /// When set, clients must `AUTH` with it before any other command.
    pub requirepass: Option<String>,
    /// The decoder's limits once a client is authenticated. Before, it is
    /// held to [`Limits::UNAUTHENTICATED`].
    pub limits: Limits,
    /// Most bytes of replies a normal client may leave unwritten before it
    /// is disconnected: the hard limit of Redis's `client-output-buffer-limit`
    /// for the normal class. **0, the default as in Redis, means none**: a
    /// client that does not read is not dropped, the server stops reading
    /// its requests instead (see `connection`), so it costs a bounded amount
    /// of memory anyway. Subscribers have the pubsub class's limits, Redis's
    /// `32mb 8mb 60` unless `CONFIG SET` changes them.
    pub client_output_buffer_limit: usize,
    /// Close a client that has sent no complete request and taken no reply
    /// bytes for this long (Redis's `timeout`). `None`, the default, as in
    /// Redis, never closes one. Subscribers are never timed out. Unlike
    /// Redis, bytes of a request still incomplete do not count as activity,
    /// so a client trickling a request in too slowly is closed too.
    pub timeout: Option<Duration>,
    /// The allocator the binary runs on, reported by `INFO` as
    /// `mem_allocator` (Redis prints `jemalloc-5.3.0` or `libc`).
    pub allocator: String,
}

impl Config {
    /// The default [`Config::client_output_buffer_limit`]: none, as in
    /// Redis.
    pub const DEFAULT_CLIENT_OUTPUT_BUFFER_LIMIT: usize = 0;
}

impl Default for Config {
    /// Redis's defaults: 10,000 clients, no password, Redis's limits, no
    /// idle timeout, no output buffer limit for normal clients.
    fn default() -> Self {
        Config {
            backend: String::from("unknown"),
            max_clients: 10_000,
            requirepass: None,
            limits: Limits::default(),
            client_output_buffer_limit: Config::DEFAULT_CLIENT_OUTPUT_BUFFER_LIMIT,
            timeout: None,
            allocator: String::from("libc"),
        }
    }
}

/// What every connection shares.
pub(crate) struct Shared<D> {
    pub(crate) db: D,
    pub(crate) pubsub: PubSub,
    /// Told by the store of keys that expire or are created: the `expired`
    /// and `new` events, and `INFO`'s `expired_keys`
    /// (`key_hook.expired_keys()`).
    pub(crate) key_hook: Arc<sharedkv_db::KeyHook>,
    /// The clients blocked in `BLPOP` and the like (see `blocking`).
    pub(crate) blocked: Arc<blocking::Blocked>,
    /// The start-up configuration. What `CONFIG SET` can change is read
    /// from `live` instead.
    pub(crate) config: Config,
    /// The configuration as it is now: `CONFIG GET` and `CONFIG SET`, and
    /// the values connections read (`maxclients`, `timeout`, ...).
    pub(crate) live: Live,
    /// Clients connected now. Each connection holds a [`ClientSlot`] on it
    /// until its task ends.
    pub(crate) clients: Arc<AtomicUsize>,
    /// One record per connection, for `CLIENT LIST`, `KILL` and `PAUSE`.
    pub(crate) registry: Arc<Registry>,
    pub(crate) stats: Stats,
    /// `INFO`'s `instantaneous_ops_per_sec`, sampled by a task of each
    /// `serve`.
    pub(crate) ops: OpsRate,
    /// The listening port, for `INFO` and `CONFIG GET port`.
    pub(crate) port: u16,
    /// For `INFO`'s uptime.
    pub(crate) started: std::time::Instant,
    /// `SHUTDOWN`'s token, the monitors, `LASTSAVE`: see [`admin::State`].
    pub(crate) admin: admin::State,
    /// `SLOWLOG`'s entries.
    pub(crate) slowlog: slowlog::SlowLog,
    /// `LATENCY`'s events.
    pub(crate) latency: latency::Latency,
    /// Times each command for `INFO commandstats`, `SLOWLOG` and
    /// `LATENCY` (see `stats`). Calibrated once per process; each
    /// connection keeps a copy.
    pub(crate) timer: stats::Timer,
    /// `INFO`'s run id, replication id and figures taken at start.
    pub(crate) identity: info::Identity,
    /// The Lua engine: its script cache, its VMs, the scripts running now
    /// (see `scripting`).
    pub(crate) scripts: Arc<sharedkv_scripting::Engine>,
}

impl<D> Shared<D> {
    pub(crate) fn connected_clients(&self) -> usize {
        self.clients.load(Ordering::Relaxed)
    }
}

/// The counters `INFO` reports, and the client ids. Relaxed atomics: they
/// order nothing.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    /// The last client id given: not a statistic, so `CONFIG RESETSTAT`
    /// leaves it, and ids stay unique for the server's lifetime.
    pub(crate) last_client_id: AtomicU64,
    /// Connections accepted, rejected ones included.
    pub(crate) connections: AtomicU64,
    /// Commands run, added by each connection once per batch. Unknown
    /// commands, wrong arities and commands refused before `AUTH` or in
    /// subscribe mode do not count, as in Redis.
    pub(crate) commands: AtomicU64,
    /// Connections refused at `maxclients`.
    pub(crate) rejected: AtomicU64,
    /// `INFO commandstats` and `errorstats`, added by each connection once
    /// per batch.
    pub(crate) per_command: stats::CommandStats,
    /// Bytes read from and written to clients, added once per batch.
    pub(crate) net_input: AtomicU64,
    pub(crate) net_output: AtomicU64,
    /// Reads from and writes to client sockets, added once per batch.
    pub(crate) reads: AtomicU64,
    pub(crate) writes: AtomicU64,
}

impl Stats {
    /// `CONFIG RESETSTAT`: every counter back to 0.
    pub(crate) fn reset(&self) {
        self.connections.store(0, Ordering::Relaxed);
        self.commands.store(0, Ordering::Relaxed);
        self.rejected.store(0, Ordering::Relaxed);
        self.per_command.reset();
        self.net_input.store(0, Ordering::Relaxed);
        self.net_output.store(0, Ordering::Relaxed);
        self.reads.store(0, Ordering::Relaxed);
        self.writes.store(0, Ordering::Relaxed);
    }
}

/// The reply to a connection beyond `maxclients`.
const MAX_CLIENTS_REPLY: &[u8] = b"-ERR max number of clients reached\r\n";

/// How long a rejected connection gets to take its error reply.
const REJECT_TIMEOUT: Duration = Duration::from_secs(1);

/// After an accept error that is not one client's fault (out of file
/// descriptors, say), wait this long before accepting again rather than
/// spinning on the same error.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `db` on `listener` until `shutdown` completes, or a client sends
/// `SHUTDOWN`.
///
/// Then it stops accepting (the listener is closed), lets every connection
/// answer the requests it has already received, and returns once all
/// connection tasks have ended.
///
/// Must be called from within a Tokio runtime. Accept errors are logged and
/// retried, not returned: an error is returned only if the listener's
/// address cannot be read at start.
pub async fn run<D: Db>(
    listener: TcpListener,
    db: D,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let port = listener.local_addr()?.port();
    Server::new(db, config, port)
        .serve(listener, shutdown)
        .await;
    Ok(())
}

/// One server's shared state (the `Db`, pub/sub, the client limit, the
/// counters), to be served on one listener or on several at once.
///
/// [`run`] is `Server::new` then one [`Server::serve`]. The thread-per-core
/// runtime of `sharedkv-server` instead calls `serve` once per thread, each
/// on its own current-thread runtime with its own `SO_REUSEPORT` listener:
/// every connection stays on the runtime that accepted it, and all of them
/// share this one state. Clones share it too.
///
/// Everything here works from any runtime: the `Db`, pub/sub's broadcast
/// channels and the client counter are runtime-agnostic. Only the
/// tasks a `Db` spawns when it is created (its expiry sweep, an actor
/// strategy's actors) are tied to the runtime that created it, which must
/// therefore keep running until every `serve` has returned.
pub struct Server<D> {
    shared: Arc<Shared<D>>,
}

impl<D> Clone for Server<D> {
    fn clone(&self) -> Self {
        Server {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<D: Db> Server<D> {
    /// The state of a server for `db`; `port` is what `INFO` and
    /// `CONFIG GET port` report.
    pub fn new(db: D, config: Config, port: u16) -> Self {
        let live = Live::new(&config);
        let key_hook = notifications::key_hook(&live.settings);
        let shared = Arc::new(Shared {
            db,
            pubsub: PubSub::default(),
            blocked: blocking::Blocked::new(Arc::clone(&key_hook)),
            key_hook,
            live,
            clients: Arc::new(AtomicUsize::new(0)),
            registry: Arc::default(),
            ops: OpsRate::default(),
            config,
            stats: Stats::default(),
            port,
            started: std::time::Instant::now(),
            admin: admin::State::default(),
            slowlog: slowlog::SlowLog::default(),
            latency: latency::Latency::default(),
            timer: stats::Timer::default(),
            identity: info::Identity::default(),
            scripts: scripting::engine(),
        });
        // Keyspace events go out through pub/sub.
        let notifier = Arc::new(shared.pubsub.clone());
        shared.live.settings.set_notifier(notifier);
        Server { shared }
    }

    /// Accepts on `listener` until `shutdown` completes (or a client sends
    /// `SHUTDOWN`, which stops every `serve` of this server), serving each
    /// connection on a task of the current runtime; then closes the
    /// listener, lets the connections it accepted answer what they have
    /// received, and returns once they have all ended. Connections accepted
    /// by other `serve` calls are theirs to wait for.
    ///
    /// Must be called from within a Tokio runtime.
    pub async fn serve(&self, listener: TcpListener, shutdown: impl Future<Output = ()>) {
        // Every call installs the same hook; the store keeps one.
        self.shared
            .db
            .set_key_hook(Arc::clone(&self.shared.key_hook))
            .await;
        let token = CancellationToken::new();
        let tracker = TaskTracker::new();
        tracker.spawn(sample_ops(Arc::clone(&self.shared), token.clone()));
        tokio::select! {
            () = accept_loop(&listener, &self.shared, &token, &tracker) => {}
            () = shutdown => tracing::info!("shutting down"),
            () = self.shared.admin.shutdown.cancelled() => tracing::info!("shutting down on SHUTDOWN"),
        }
        drop(listener);
        token.cancel();
        tracker.close();
        tracker.wait().await;
        tracing::info!("all connections closed");
    }
}

/// Accepts connections forever, one task each.
async fn accept_loop<D: Db>(
    listener: &TcpListener,
    shared: &Arc<Shared<D>>,
    token: &CancellationToken,
    tracker: &TaskTracker,
) {
    loop {
        let (socket, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                if !is_connection_error(&e) {
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
                continue;
            }
        };
        shared.stats.connections.fetch_add(1, Ordering::Relaxed);
        let id = shared.stats.last_client_id.fetch_add(1, Ordering::Relaxed) + 1;
        let Some(permit) = ClientSlot::acquire(&shared.clients, shared.live.max_clients()) else {
            tracing::debug!(%peer, "rejected: max number of clients reached");
            shared.stats.rejected.fetch_add(1, Ordering::Relaxed);
            tracker.spawn(reject(socket));
            continue;
        };
        if let Err(e) = socket.set_nodelay(true) {
            tracing::debug!(%peer, error = %e, "could not set TCP_NODELAY");
        }
        let laddr = socket.local_addr().unwrap_or(peer);
        let connection_token = token.child_token();
        let registered =
            shared
                .registry
                .register(id, peer, laddr, raw_fd(&socket), connection_token.clone());
        let connection = Connection::new(socket, Arc::clone(shared), registered, connection_token);
        tracker.spawn(async move {
            if let Err(e) = connection.run().await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
}

/// The socket's file descriptor, for `CLIENT LIST`'s `fd`; -1 where
/// sockets have none.
fn raw_fd(socket: &TcpStream) -> i64 {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        i64::from(socket.as_raw_fd())
    }
    #[cfg(not(unix))]
    {
        let _ = socket;
        -1
    }
}

/// Samples the command counter every [`OpsRate::PERIOD`] for `INFO`'s
/// `instantaneous_ops_per_sec`, until `token` is cancelled.
async fn sample_ops<D>(shared: Arc<Shared<D>>, token: CancellationToken) {
    let mut ticks = tokio::time::interval(OpsRate::PERIOD);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            () = token.cancelled() => return,
            _ = ticks.tick() => {
                let stats = &shared.stats;
                shared.ops.sample(stats.commands.load(Ordering::Relaxed));
                let identity = &shared.identity;
                identity.input_rate.sample(stats.net_input.load(Ordering::Relaxed));
                identity.output_rate.sample(stats.net_output.load(Ordering::Relaxed));
            }
        }
    }
}

/// Tells a client over the limit why it is being closed, as Redis does.
async fn reject(mut socket: TcpStream) {
    let _ = tokio::time::timeout(REJECT_TIMEOUT, socket.write_all(MAX_CLIENTS_REPLY)).await;
}

/// Errors that concern one connection being accepted, not the listener.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}

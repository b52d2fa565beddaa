//! The sharedkv server: a Redis-compatible front end over any
//! [`Db`] strategy.
//!
//! [`run`] accepts connections on a listener and serves each one on its own
//! Tokio task, until a shutdown future completes. It is generic over the
//! strategy, so each strategy gets its own monomorphised server and no
//! dynamic dispatch sits between a request and the store.
//!
//! # Data flow
//!
//! ```text
//! TcpListener ─accept─▶ Connection task (one per client, at most max_clients)
//!
//! socket ─read─▶ BytesMut ─RequestDecoder─▶ Vec<Bytes> ─table::resolve─▶ CommandSpec
//!        ─Command::parse─▶ Command ─┬─ Server(..)  ─execute::<D>─▶ Db, pub/sub, counters
//!                                   └─ Session(..) ─────────────▶ this connection's state
//!        replies encoded into one output BytesMut ─▶ one write per batch
//! ```
//!
//! - `table`: every command's name, arity, flags and docs, which also
//!   answer `COMMAND`.
//! - `command`: typed commands and Redis's error replies.
//! - `execute`: the commands on shared state, generic over the strategy.
//! - `connection`: the per-connection loop, authentication, subscribe mode.
//! - `pubsub`: channels, shared by every connection whatever the strategy.
//!
//! Shutdown follows tokio's graceful-shutdown guide: a
//! [`CancellationToken`] tells connections to finish, a [`TaskTracker`]
//! waits for them.

mod command;
mod connection;
mod execute;
mod introspect;
mod pubsub;
mod table;

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sharedkv_db::Db;
pub use sharedkv_resp::Limits;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::connection::Connection;
use crate::pubsub::PubSub;

/// The server's settings.
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
}

impl Default for Config {
    /// Redis's defaults: 10,000 clients, no password, Redis's limits.
    fn default() -> Self {
        Config {
            backend: String::from("unknown"),
            max_clients: 10_000,
            requirepass: None,
            limits: Limits::default(),
        }
    }
}

/// What every connection shares.
pub(crate) struct Shared<D> {
    pub(crate) db: D,
    pub(crate) pubsub: PubSub,
    pub(crate) config: Config,
    /// One permit per connected client. A connection holds its permit until
    /// its task ends, so the permits left tell how many are connected.
    pub(crate) clients: Arc<Semaphore>,
    pub(crate) stats: Stats,
    /// The listening port, for `INFO` and `CONFIG GET port`.
    pub(crate) port: u16,
    /// For `INFO`'s uptime.
    pub(crate) started: std::time::Instant,
}

impl<D> Shared<D> {
    pub(crate) fn connected_clients(&self) -> usize {
        self.config
            .max_clients
            .saturating_sub(self.clients.available_permits())
    }
}

/// The counters `INFO` reports. Relaxed atomics: they order nothing.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    /// Connections accepted, rejected ones included; also the source of
    /// client ids.
    pub(crate) connections: AtomicU64,
    /// Commands run, added by each connection once per batch. Unknown
    /// commands, wrong arities and commands refused before `AUTH` or in
    /// subscribe mode do not count, as in Redis.
    pub(crate) commands: AtomicU64,
}

/// The reply to a connection beyond [`Config::max_clients`].
const MAX_CLIENTS_REPLY: &[u8] = b"-ERR max number of clients reached\r\n";

/// How long a rejected connection gets to take its error reply.
const REJECT_TIMEOUT: Duration = Duration::from_secs(1);

/// After an accept error that is not one client's fault (out of file
/// descriptors, say), wait this long before accepting again rather than
/// spinning on the same error.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `db` on `listener` until `shutdown` completes.
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
    let shared = Arc::new(Shared {
        db,
        pubsub: PubSub::default(),
        clients: Arc::new(Semaphore::new(
            config.max_clients.min(Semaphore::MAX_PERMITS),
        )),
        config,
        stats: Stats::default(),
        port,
        started: std::time::Instant::now(),
    });
    let token = CancellationToken::new();
    let tracker = TaskTracker::new();
    tokio::select! {
        () = accept_loop(&listener, &shared, &token, &tracker) => {}
        () = shutdown => tracing::info!("shutting down"),
    }
    drop(listener);
    token.cancel();
    tracker.close();
    tracker.wait().await;
    tracing::info!("all connections closed");
    Ok(())
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
        let id = shared.stats.connections.fetch_add(1, Ordering::Relaxed) + 1;
        let Ok(permit) = Arc::clone(&shared.clients).try_acquire_owned() else {
            tracing::debug!(%peer, "rejected: max number of clients reached");
            tracker.spawn(reject(socket));
            continue;
        };
        if let Err(e) = socket.set_nodelay(true) {
            tracing::debug!(%peer, error = %e, "could not set TCP_NODELAY");
        }
        let connection = Connection::new(socket, Arc::clone(shared), id, token.child_token());
        tracker.spawn(async move {
            if let Err(e) = connection.run().await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(permit);
        });
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

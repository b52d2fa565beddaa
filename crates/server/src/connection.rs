//! One client connection: read, answer every complete request, write all
//! the replies at once, repeat.
//!
//! ```text
//! socket ─read─▶ input ─decode─▶ request ─resolve/parse─▶ Command ─execute─▶ output
//!    ▲                                                                          │
//!    └──────────── one write once `input` holds no complete request ◀───────────┘
//! ```
//!
//! Pipelining falls out of this loop: every request already buffered is
//! answered before the one write, so 10,000 requests sent in one write get
//! their 10,000 replies in order, in a handful of writes.

use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use sharedkv_db::Db;
use sharedkv_resp::{
    Limits, RequestDecoder, encode_array_len, encode_bulk, encode_error, encode_integer,
    encode_null, encode_simple,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

use crate::Shared;
use crate::command::{Command, CommandError, SessionCommand, is_printable_word};
use crate::execute::execute;
use crate::introspect;
use crate::pubsub::Subscriptions;
use crate::table;

/// How much free space the input buffer has before each read. Requests
/// larger than this make it grow by what actually arrives, never by a
/// length a client declared.
pub(crate) const READ_CHUNK: usize = 16 * 1024;

/// Replies are written before the batch ends once they reach this size, so
/// a pipeline of large replies cannot buffer without bound.
const OUTPUT_FLUSH: usize = 64 * 1024;

/// An empty buffer whose capacity grew past this (one huge request or
/// reply) is dropped, so the connection does not keep that memory.
const MAX_IDLE_BUFFER: usize = 256 * 1024;

/// During shutdown: the most reads spent draining what the client had
/// already sent, so a client that never stops writing cannot hold the
/// server open.
const SHUTDOWN_DRAIN_READS: usize = 64;

/// During shutdown: how long a write may wait for a client that does not
/// read its replies.
const SHUTDOWN_WRITE_GRACE: Duration = Duration::from_secs(5);

/// Whether the connection goes on after a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    /// Close once the replies so far are written (`QUIT`, a protocol
    /// error).
    Close,
}

/// The state of one client connection.
pub(crate) struct Connection<D> {
    socket: TcpStream,
    shared: Arc<Shared<D>>,
    /// Bytes read and not yet decoded: at most one incomplete request
    /// between batches. Decoded arguments are slices of it.
    input: BytesMut,
    /// Replies not yet written, encoded in request order.
    output: BytesMut,
    decoder: RequestDecoder,
    /// `CLIENT ID`: unique for the server's lifetime.
    id: u64,
    /// False until `AUTH` succeeds when a password is configured. While
    /// false, the decoder enforces [`Limits::UNAUTHENTICATED`].
    authenticated: bool,
    /// `CLIENT SETNAME`.
    name: Option<Bytes>,
    subscriptions: Subscriptions,
    /// Requests run since the server's counter was last updated: it is
    /// updated once per batch, not once per request, to keep the shared
    /// atomic off the hot path.
    executed: u64,
    /// Cancelled when the server shuts down. A child token of the server's,
    /// so that waiting on it touches nothing other connections share.
    shutdown: CancellationToken,
}

impl<D: Db> Connection<D> {
    pub(crate) fn new(
        socket: TcpStream,
        shared: Arc<Shared<D>>,
        id: u64,
        shutdown: CancellationToken,
    ) -> Self {
        let authenticated = shared.config.requirepass.is_none();
        let subscriptions = Subscriptions::new(shared.pubsub.clone());
        let mut connection = Connection {
            socket,
            input: BytesMut::new(),
            output: BytesMut::new(),
            decoder: RequestDecoder::new(Limits::UNAUTHENTICATED),
            id,
            authenticated,
            name: None,
            subscriptions,
            executed: 0,
            shutdown,
            shared,
        };
        connection.set_authenticated(authenticated);
        connection
    }

    /// Serves the client until it leaves, sends `QUIT`, breaks the protocol,
    /// or the server shuts down.
    pub(crate) async fn run(mut self) -> io::Result<()> {
        let token = self.shutdown.clone();
        let mut shutdown = pin!(token.cancelled());
        loop {
            let flow = self.answer_buffered().await?;
            self.flush().await?;
            if flow == Flow::Close {
                return Ok(());
            }
            self.input.reserve(READ_CHUNK);
            tokio::select! {
                biased;
                () = &mut shutdown => return self.drain_and_close().await,
                read = self.socket.read_buf(&mut self.input) => {
                    // Zero: the client closed, perhaps mid-request; nothing
                    // is left to answer.
                    if read? == 0 {
                        return Ok(());
                    }
                }
                (channel, message) = self.subscriptions.next_message(),
                    if self.subscriptions.is_active() =>
                {
                    encode_array_len(&mut self.output, 3);
                    encode_bulk(&mut self.output, b"message");
                    encode_bulk(&mut self.output, &channel);
                    encode_bulk(&mut self.output, &message);
                }
            }
        }
    }

    /// Decodes and answers every complete request in the input buffer.
    async fn answer_buffered(&mut self) -> io::Result<Flow> {
        loop {
            match self.decoder.decode(&mut self.input) {
                Ok(Some(args)) => {
                    if self.handle(args).await == Flow::Close {
                        return Ok(Flow::Close);
                    }
                    if self.output.len() >= OUTPUT_FLUSH {
                        self.flush().await?;
                    }
                }
                Ok(None) => {
                    if self.input.is_empty() && self.input.capacity() > MAX_IDLE_BUFFER {
                        self.input = BytesMut::new();
                    }
                    return Ok(Flow::Continue);
                }
                Err(e) => {
                    // The stream can no longer be framed: reply after the
                    // replies of the requests before it, then close.
                    tracing::debug!(error = %e, "closing on a protocol error");
                    encode_error(&mut self.output, format!("ERR {e}").as_bytes());
                    return Ok(Flow::Close);
                }
            }
        }
    }

    /// Answers one request, in Redis's order of checks: the name and arity,
    /// authentication, subscribe mode, then the command's own syntax.
    async fn handle(&mut self, args: Vec<Bytes>) -> Flow {
        let spec = match table::resolve(&args) {
            Ok(spec) => spec,
            Err(e) => return self.reject(e),
        };
        if !self.authenticated && !spec.has_flag("no_auth") {
            return self.reject(CommandError::NoAuth);
        }
        if self.subscriptions.is_active() && !spec.id.allowed_while_subscribed() {
            return self.reject(CommandError::NotAllowedWhileSubscribed(spec.name));
        }
        self.executed += 1;
        match Command::parse(spec, args) {
            Err(e) => self.reject(e),
            Ok(Command::Server(command)) => {
                execute(&self.shared, command, &mut self.output).await;
                Flow::Continue
            }
            Ok(Command::Session(command)) => match self.session(command) {
                Ok(flow) => flow,
                Err(e) => self.reject(e),
            },
        }
    }

    fn reject(&mut self, error: CommandError) -> Flow {
        error.encode(&mut self.output);
        Flow::Continue
    }

    /// Runs a command on the connection's own state.
    fn session(&mut self, command: SessionCommand) -> Result<Flow, CommandError> {
        let out = &mut self.output;
        match command {
            SessionCommand::Ping(message) if self.subscriptions.is_active() => {
                // In subscribe mode a RESP2 PING answers in the shape of a
                // message, so clients can tell it from published ones.
                encode_array_len(out, 2);
                encode_bulk(out, b"pong");
                encode_bulk(out, message.as_deref().unwrap_or_default());
            }
            SessionCommand::Ping(Some(message)) => encode_bulk(out, &message),
            SessionCommand::Ping(None) => encode_simple(out, b"PONG"),
            SessionCommand::Quit => {
                encode_simple(out, b"OK");
                return Ok(Flow::Close);
            }
            SessionCommand::ClientId => {
                encode_integer(out, i64::try_from(self.id).unwrap_or(i64::MAX));
            }
            SessionCommand::ClientGetName => introspect::client_name(out, self.name.as_ref()),
            SessionCommand::ClientSetInfo => encode_simple(out, b"OK"),
            SessionCommand::ClientSetName(name) => {
                self.set_name(name)?;
                encode_simple(&mut self.output, b"OK");
            }
            SessionCommand::Reset => {
                self.subscriptions.clear();
                self.name = None;
                self.set_authenticated(self.shared.config.requirepass.is_none());
                encode_simple(&mut self.output, b"RESET");
            }
            SessionCommand::Auth { username, password } => {
                self.check_password(username.as_deref(), &password)?;
                self.set_authenticated(true);
                encode_simple(&mut self.output, b"OK");
            }
            SessionCommand::Hello { auth, setname } => {
                if let Some((username, password)) = auth {
                    self.check_password(Some(&username), &password)?;
                    self.set_authenticated(true);
                }
                if !self.authenticated {
                    return Err(CommandError::HelloNoAuth);
                }
                if let Some(name) = setname {
                    self.set_name(name)?;
                }
                introspect::hello(&mut self.output, self.id);
            }
            SessionCommand::Subscribe(channels) => {
                for channel in channels {
                    let count = self.subscriptions.subscribe(&channel);
                    encode_subscription(&mut self.output, b"subscribe", Some(&channel), count);
                }
            }
            SessionCommand::Unsubscribe(mut channels) => {
                if channels.is_empty() {
                    channels = self.subscriptions.channels();
                }
                if channels.is_empty() {
                    encode_subscription(&mut self.output, b"unsubscribe", None, 0);
                }
                for channel in channels {
                    let count = self.subscriptions.unsubscribe(&channel);
                    encode_subscription(&mut self.output, b"unsubscribe", Some(&channel), count);
                }
            }
        }
        Ok(Flow::Continue)
    }

    /// Checks `AUTH [username] password` against the configuration. Without
    /// a password the `default` user accepts any (Redis's `nopass`).
    fn check_password(&self, username: Option<&[u8]>, password: &[u8]) -> Result<(), CommandError> {
        let is_default = username.is_none_or(|u| u == b"default");
        match (&self.shared.config.requirepass, username) {
            (None, None) => Err(CommandError::AuthNotConfigured),
            (None, Some(_)) if is_default => Ok(()),
            (Some(secret), _) if is_default && constant_time_eq(password, secret.as_bytes()) => {
                Ok(())
            }
            _ => Err(CommandError::WrongPass),
        }
    }

    /// Sets the authentication state and the decoder limits that go with it.
    fn set_authenticated(&mut self, authenticated: bool) {
        self.authenticated = authenticated;
        let limits = if authenticated {
            self.shared.config.limits
        } else {
            Limits::UNAUTHENTICATED
        };
        self.decoder.set_limits(limits);
    }

    /// `CLIENT SETNAME`: printable ASCII without spaces; empty clears it.
    fn set_name(&mut self, name: Bytes) -> Result<(), CommandError> {
        if !is_printable_word(&name) {
            return Err(CommandError::InvalidClientName);
        }
        // Copied: the name lives as long as the connection.
        self.name = (!name.is_empty()).then(|| Bytes::copy_from_slice(&name));
        Ok(())
    }

    /// Writes every pending reply. Once the server is shutting down, a
    /// client that does not read gets [`SHUTDOWN_WRITE_GRACE`], then is
    /// dropped, so it cannot keep the server from exiting.
    async fn flush(&mut self) -> io::Result<()> {
        if self.executed > 0 {
            self.shared
                .stats
                .commands
                .fetch_add(self.executed, Ordering::Relaxed);
            self.executed = 0;
        }
        if self.output.is_empty() {
            return Ok(());
        }
        let token = &self.shutdown;
        let grace_over = async {
            token.cancelled().await;
            tokio::time::sleep(SHUTDOWN_WRITE_GRACE).await;
        };
        tokio::select! {
            biased;
            written = self.socket.write_all(&self.output) => written?,
            () = grace_over => {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "client stopped reading during shutdown"));
            }
        }
        self.output.clear();
        if self.output.capacity() > MAX_IDLE_BUFFER {
            self.output = BytesMut::new();
        }
        Ok(())
    }

    /// Shutdown: answers every complete request the client had sent by now,
    /// then closes.
    async fn drain_and_close(&mut self) -> io::Result<()> {
        // Data that arrived just before shutdown may not be marked readable
        // yet. `yield_now` reschedules this task after the runtime has
        // polled the I/O driver, so `try_read_buf` below sees it.
        tokio::task::yield_now().await;
        for _ in 0..SHUTDOWN_DRAIN_READS {
            self.input.reserve(READ_CHUNK);
            match self.socket.try_read_buf(&mut self.input) {
                Ok(0) => break,
                Ok(_) => {
                    if self.answer_buffered().await? == Flow::Close {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(e),
            }
        }
        self.flush().await
    }
}

/// `*3`, the kind, the channel (or a null), the subscription count.
fn encode_subscription(out: &mut BytesMut, kind: &[u8], channel: Option<&[u8]>, count: usize) {
    encode_array_len(out, 3);
    encode_bulk(out, kind);
    match channel {
        Some(channel) => encode_bulk(out, channel),
        None => encode_null(out),
    }
    encode_integer(out, i64::try_from(count).unwrap_or(i64::MAX));
}

/// Compares a password attempt with the secret in time that depends only
/// on the attempt's length, not on where the first difference is.
fn constant_time_eq(attempt: &[u8], secret: &[u8]) -> bool {
    let mut difference = u8::from(attempt.len() != secret.len());
    for (i, &byte) in attempt.iter().enumerate() {
        difference |= byte ^ secret.get(i).copied().unwrap_or(!byte);
    }
    difference == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal only when both length and content match.
    #[test]
    fn constant_time_eq_compares_fully() {
        assert!(constant_time_eq(b"sekret", b"sekret"));
        assert!(!constant_time_eq(b"sekreT", b"sekret"));
        assert!(!constant_time_eq(b"sekret!", b"sekret"));
        assert!(!constant_time_eq(b"sek", b"sekret"));
        assert!(!constant_time_eq(b"", b"sekret"));
        assert!(constant_time_eq(b"", b""));
    }
}

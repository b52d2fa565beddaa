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
//!
//! # Bounds on what one client costs
//!
//! - **Output: backpressure, not disconnection.** Writes never block the
//!   loop: what the socket does not take now stays in `output` and is
//!   written when the socket is writable. Once more than [`BACKPRESSURE`]
//!   bytes of replies wait, the connection stops answering and reading
//!   requests until the socket has taken them below it: the client's own
//!   sends then stall in TCP's flow control. So a client that pipelines and
//!   never reads costs about [`BACKPRESSURE`] plus one reply, and a client
//!   that reads gets every reply, however large, as from Redis (which puts
//!   no limit on normal clients).
//! - **Large values are not copied.** A stored value of
//!   [`SPLICE_MIN`](sharedkv_commands::SPLICE_MIN) bytes or more is written
//!   from the store's own bytes with a vectored write (see
//!   [`Splices`]), so one 100 MB `GET` costs the 100 MB stored, not 200.
//! - **Limits, as Redis's `client-output-buffer-limit`.** A subscriber
//!   cannot be paused (its messages come from publishers, who must never
//!   wait for it), so the pubsub class's limits apply: past the hard limit
//!   (32 MiB by default), or above the soft one (8 MiB) for longer than its
//!   seconds (60), it is disconnected, its replies discarded. The normal
//!   class has no limit unless one is set ([`Config::client_output_buffer_limit`]
//!   or `CONFIG SET`), and then the same rules. Limits are checked after each
//!   reply and each pub/sub message, as Redis checks them when a reply is
//!   added. A command that repeats values in its reply (`MGET` of one
//!   key named 10,000 times) stops building it once past the hard limit, or
//!   past [`MAX_COPIED_OUTPUT`](sharedkv_commands::MAX_COPIED_OUTPUT) copied
//!   bytes with no limit set, and the client is disconnected at once.
//! - **Input.** The decoder holds at most one incomplete request and never
//!   allocates from a declared length; a line without its end is cut off at
//!   64 KiB (see `sharedkv_resp::Limits`).
//! - **Time.** With a `timeout` (seeded from [`Config::timeout`], settable
//!   by `CONFIG SET`), a client idle that long is closed, as Redis's
//!   `timeout` does (subscribers excepted).
//!
//! The settable parameters are read from `Shared::live` as they are now:
//! the output limit before each request, the timeout each time the loop
//! waits (a `CONFIG SET` wakes every waiting connection), the bulk length
//! limit once per batch.
//!
//! [`Config::client_output_buffer_limit`]: crate::Config::client_output_buffer_limit
//! [`Config::timeout`]: crate::Config::timeout

use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use sharedkv_commands::{Ctx, Mark, READ_CHUNK, Reply, Spec, Splices};
use sharedkv_db::Db;
use sharedkv_resp::{Limits, RequestDecoder, encode_error};
use tokio::io::Interest;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::Shared;
use crate::clients::{Registered, command_code};
use crate::command::{
    ClientCommand, Command, ReplyMode, ScriptCommand, SessionCommand, TransactionCommand,
};
use crate::error::CommandError;
use crate::execute::execute;
use crate::session::{Done, Session};
use crate::slowlog::{Keep, Slow};
use crate::stats::{self, Outcome, Tally};
use crate::table::{self, CommandId, Resolved};
use crate::transaction;

/// Replies are written (as far as the socket takes them now) before the
/// batch ends once they reach this size, so a pipeline of large replies
/// starts leaving before the whole batch is answered.
const OUTPUT_FLUSH: usize = 64 * 1024;

/// Unsent replies past which the connection answers and reads no more
/// requests until the socket has taken them below it: what one client that
/// never reads can make the server hold, beyond one reply.
pub(crate) const BACKPRESSURE: usize = 1024 * 1024;

/// The most buffer pieces and spliced values one vectored write sends.
const MAX_IO_SLICES: usize = 64;

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
    /// Stopped answering at [`BACKPRESSURE`], with requests perhaps still
    /// buffered: answer them once the socket has taken the replies below
    /// it, before waiting for more input.
    Held,
    /// Close once the replies so far are written (`QUIT`, a protocol
    /// error).
    Close,
    /// Close now and discard the unwritten replies: the client went over
    /// the output buffer limit.
    Disconnect,
}

/// The state of one client connection.
pub(crate) struct Connection<D> {
    /// Keeps this connection's record in the client registry until the
    /// connection is dropped; the session holds the record itself. First,
    /// so that it is dropped first: a client that sees its socket close
    /// is no longer listed.
    _registered: Registered,
    socket: TcpStream,
    shared: Arc<Shared<D>>,
    /// Bytes read and not yet decoded: at most one incomplete request
    /// between batches. Decoded arguments are slices of it.
    input: BytesMut,
    /// Replies not yet written, encoded in request order, but for the large
    /// stored values in `splices`, which go out between its bytes.
    output: BytesMut,
    splices: Splices,
    /// Since when the unsent replies have been above the class's soft
    /// limit, if they are.
    over_soft_since: Option<Instant>,
    decoder: RequestDecoder,
    /// Who the client is and what it chose: id, authentication, name,
    /// database, subscriptions. While it is not authenticated, the decoder
    /// enforces [`Limits::UNAUTHENTICATED`].
    session: Session,
    /// Requests run since the server's counter was last updated: it is
    /// updated once per batch, not once per request, to keep the shared
    /// atomic off the hot path.
    executed: u64,
    /// Cancelled when the server shuts down. A child token of the server's,
    /// so that waiting on it touches nothing other connections share.
    shutdown: CancellationToken,
    /// When the client last did something: sent a complete request, or took
    /// some reply bytes. Kept up to date once per batch whether or not a
    /// timeout is set, since `CONFIG SET timeout` may set one at any time.
    last_active: Instant,
    /// Wakes the loop when a `CONFIG SET` succeeds, so that a timeout set
    /// while the client waits applies to it.
    config_changed: watch::Receiver<u64>,
    /// The `Live::generation` the decoder's limits were last set for.
    seen_generation: u64,
    /// After `MONITOR`: the lines of every command run, to write.
    monitor: Option<crate::admin::monitor::Receiver>,
    /// Per-command counts since the last batch (see `stats`), and what the
    /// request now running adds to them: its command (`stats::NONE` if
    /// unknown), whether it was refused before running, its word count.
    tally: Tally,
    command: stats::Index,
    rejected: bool,
    /// The server's timer, copied: reading it touches nothing shared.
    timer: stats::Timer,
    /// When the request now running started, in the timer's ticks: the end
    /// of the one before it in the batch, or the batch's start, so that
    /// each request reads the clock once.
    clock: u64,
    /// A request at least this slow (in the timer's ticks) goes to
    /// `SLOWLOG` or `LATENCY`: the lower of their thresholds, `u64::MAX`
    /// with both off. Set with the decoder's limits.
    slow_ticks: u64,
    /// Whose arguments are kept for `SLOWLOG`, by command (see
    /// `slowlog::Keep`), and those of the request now running if kept.
    keep: &'static [bool],
    kept: Option<Vec<Bytes>>,
    /// Bytes read and written since the last batch, for `INFO`.
    net_in: u64,
    net_out: u64,
    reads: u64,
    writes: u64,
}

impl<D: Db> Connection<D> {
    pub(crate) fn new(
        socket: TcpStream,
        shared: Arc<Shared<D>>,
        registered: Registered,
        shutdown: CancellationToken,
    ) -> Self {
        let session = Session::new(Arc::clone(&registered.client), &shared);
        let config_changed = shared.live.subscribe();
        let seen_generation = shared.live.generation();
        let mut connection = Connection {
            _registered: registered,
            socket,
            input: BytesMut::new(),
            output: BytesMut::new(),
            splices: Splices::default(),
            over_soft_since: None,
            decoder: RequestDecoder::new(Limits::UNAUTHENTICATED),
            session,
            executed: 0,
            shutdown,
            last_active: Instant::now(),
            config_changed,
            seen_generation,
            tally: Tally::default(),
            command: stats::NONE,
            rejected: false,
            timer: shared.timer.clone(),
            clock: 0,
            slow_ticks: u64::MAX,
            keep: stats::keep_table(Keep::None),
            kept: None,
            net_in: 0,
            net_out: 0,
            reads: 0,
            writes: 0,
            shared,
            monitor: None,
        };
        connection.apply_limits();
        connection
    }

    /// Serves the client until it leaves, sends `QUIT`, breaks the protocol,
    /// goes over the output buffer limit, stays idle past the timeout, or the
    /// server shuts down.
    pub(crate) async fn run(mut self) -> io::Result<()> {
        let token = self.shutdown.clone();
        let mut shutdown = pin!(token.cancelled());
        loop {
            let generation = self.shared.live.generation();
            if generation != self.seen_generation {
                self.seen_generation = generation;
                self.apply_limits();
            }
            let held = match self.answer_buffered().await? {
                Flow::Continue => false,
                Flow::Held => true,
                Flow::Close => return self.flush().await,
                Flow::Disconnect => return Ok(()),
            };
            self.count_commands();
            self.write_now()?;
            if held && !self.backpressured() {
                continue;
            }
            if self.input.is_empty() && self.input.capacity() > MAX_IDLE_BUFFER {
                self.input = BytesMut::new();
            }
            self.input.reserve(READ_CHUNK);
            // Once per batch, for CLIENT LIST: two relaxed stores.
            self.session.me.set_buffers(
                (self.input.len(), self.input.capacity()),
                (self.output.len(), self.output.capacity()),
            );
            let pending = self.pending() > 0;
            let reading = !self.backpressured();
            let idle_deadline = self.idle_deadline();
            tokio::select! {
                biased;
                // The token is the server's shutdown and CLIENT KILL both:
                // a killed client is dropped at once, its replies unwritten,
                // as Redis frees it.
                () = &mut shutdown => {
                    if self.session.me.is_killed() {
                        return Ok(());
                    }
                    return self.drain_and_close().await;
                }
                // Written at the top of the loop.
                ready = self.socket.writable(), if pending => ready?,
                ready = self.socket.readable(), if reading => {
                    ready?;
                    match self.read_available() {
                        // The client closed, perhaps mid-request, or only its
                        // sending half: what it sent is answered, so write
                        // the replies still pending, then close.
                        Ok(0) => return self.flush().await,
                        Ok(n) => {
                            self.net_in += n as u64;
                            self.reads += 1;
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                        Err(e) => return Err(e),
                    }
                }
                // Every message already queued goes at once, those that
                // came before an unsubscribe too.
                message = self.session.subscriptions.next_message(),
                    if self.session.subscriptions.is_listening() =>
                {
                    let Some(mut message) = message else {
                        tracing::warn!(id = self.session.id, "closing a subscriber that fell too far behind");
                        return Ok(());
                    };
                    loop {
                        // A push in RESP3, an array in RESP2; dropped under
                        // CLIENT REPLY OFF, as Redis 7.0 drops it.
                        if self.session.reply_mode != ReplyMode::Off {
                            message.encode(&mut self.session.reply(&mut self.output));
                        }
                        if self.over_output_limit() {
                            return Ok(());
                        }
                        match self.session.subscriptions.try_message() {
                            Some(next) => message = next,
                            None => break,
                        }
                    }
                }
                // Lines are taken only while the output is small: the rest
                // wait, counted, in the channel (see `admin::monitor`).
                line = next_line(&mut self.monitor),
                    if self.monitor.is_some() && self.pending() < OUTPUT_FLUSH =>
                {
                    // None: dropped for not reading its lines.
                    let Some(line) = line else { return Ok(()) };
                    // Dropped under CLIENT REPLY OFF, as Redis drops it.
                    if self.session.reply_mode != ReplyMode::Off {
                        self.output.extend_from_slice(&line);
                    }
                }
                () = sleep_until(idle_deadline), if idle_deadline.is_some() => {
                    tracing::debug!(id = self.session.id, "closing an idle client");
                    return Ok(());
                }
                // Around the loop again, to read the new configuration.
                Ok(()) = self.config_changed.changed() => {}
            }
        }
    }

    /// Decodes and answers every complete request in the input buffer, or
    /// as many as fit below [`BACKPRESSURE`].
    async fn answer_buffered(&mut self) -> io::Result<Flow> {
        let mut active = false;
        if self.backpressured() {
            return Ok(Flow::Held);
        }
        loop {
            match self.decoder.decode(&mut self.input) {
                Ok(Some(args)) => {
                    // Killed by another client's CLIENT KILL: stop after the
                    // command that was running.
                    if self.session.me.is_killed() {
                        return Ok(Flow::Disconnect);
                    }
                    // Once per batch: the clock is read off the hot path.
                    if !active {
                        active = true;
                        self.clock = self.timer.now();
                        self.last_active = Instant::now();
                        let secs = self.shared.registry.secs(self.last_active);
                        self.session.me.set_active(secs);
                    }
                    // CLIENT PAUSE: one relaxed load while no pause is on.
                    if self.shared.registry.pause.is_on() {
                        if let Some(wait) = self.paused(&args)? {
                            wait.await;
                        }
                        self.clock = self.timer.now();
                        if self.session.me.is_killed() {
                            return Ok(Flow::Disconnect);
                        }
                    }
                    // A subscriber gets what was published before its
                    // request, and a RESP3 one what its own command
                    // published (PUBLISH, a keyspace event), before the reply,
                    // as in Redis. Three length checks for anyone else.
                    let subscribed = self.session.subscriptions.is_active();
                    if subscribed {
                        self.deliver_before(self.output.len());
                    }
                    let mark = self.splices.mark(&self.output);
                    let before = self.output.len();
                    // MONITOR: one relaxed load while no monitor is on.
                    let monitored = self.shared.admin.monitors.any().then(|| copy_args(&args));
                    // Timed for `INFO commandstats`, `SLOWLOG`, `LATENCY`:
                    // one read of the TSC (see `stats`), since the request
                    // starts where the one before it ended (its decoding
                    // counts with it).
                    let flow = self.handle(args).await;
                    // Keys made ready that no step served (see `blocking`):
                    // one relaxed load otherwise.
                    if self.shared.blocked.has_ready() {
                        crate::blocking::serve_pending(&self.shared).await;
                    }
                    let end = self.timer.now();
                    let ticks = end.saturating_sub(self.clock);
                    self.clock = end;
                    // Before any message goes in front of the reply: it
                    // reads the reply's first byte.
                    self.account(before, ticks);
                    if let Some(args) = monitored {
                        self.feed_monitors(&args);
                    }
                    if subscribed && self.session.resp3 {
                        self.deliver_before(before);
                    }
                    if self.session.reply_mode != ReplyMode::On {
                        self.drop_reply(mark);
                    }
                    match flow {
                        Flow::Continue => {}
                        flow => return Ok(flow),
                    }
                    if self.over_output_limit() {
                        return Ok(Flow::Disconnect);
                    }
                    if self.pending() >= OUTPUT_FLUSH {
                        self.write_now()?;
                        // The write is no request's time.
                        self.clock = self.timer.now();
                        if self.backpressured() {
                            return Ok(Flow::Held);
                        }
                    }
                }
                Ok(None) => return Ok(Flow::Continue),
                Err(e) => {
                    // The stream can no longer be framed: reply after the
                    // replies of the requests before it, then close.
                    tracing::debug!(error = %e, "closing on a protocol error");
                    let mark = self.output.len();
                    encode_error(&mut self.output, format!("ERR {e}").as_bytes());
                    self.tally
                        .error(self.output.get(mark..).unwrap_or_default());
                    return Ok(Flow::Close);
                }
            }
        }
    }

    /// Moves the messages already in the mailbox into the output before the
    /// reply that starts at `mark`.
    #[cold]
    #[inline(never)]
    fn deliver_before(&mut self, mark: usize) {
        let Some(first) = self.session.subscriptions.try_message() else {
            return;
        };
        let reply = self.output.split_off(mark);
        let mut message = Some(first);
        while let Some(m) = message {
            if self.session.reply_mode != ReplyMode::Off {
                m.encode(&mut self.session.reply(&mut self.output));
            }
            message = self.session.subscriptions.try_message();
        }
        // The reply's spliced values move along with its bytes.
        self.splices.shift(mark, self.output.len() - mark);
        self.output.unsplit(reply);
    }

    /// `CLIENT REPLY OFF` or `SKIP`: drops the reply of the command that
    /// has just run, which starts at `mark` in the output, and moves
    /// `SKIP` along (see [`ReplyMode`]).
    fn drop_reply(&mut self, mark: Mark) {
        self.splices.truncate(&mut self.output, mark);
        self.session.reply_mode = match self.session.reply_mode {
            ReplyMode::SkipNext => ReplyMode::Skip,
            ReplyMode::Skip => ReplyMode::On,
            mode => mode,
        };
    }

    /// Reads what the socket holds into `input` without waiting.
    ///
    /// A read that leaves spare room in `input` emptied the socket's receive
    /// buffer, so the socket's readiness is cleared then and there, as
    /// Tokio's own `poll_read` does. Without this, the next `readable()`
    /// would return at once and the read after it would fail with
    /// `EAGAIN`: one wasted system call per batch.
    fn read_available(&mut self) -> io::Result<usize> {
        let spare = self.input.capacity() - self.input.len();
        let mut read = 0;
        let result = self.socket.try_io(Interest::READABLE, || {
            read = self.socket.try_read_buf(&mut self.input)?;
            if read > 0 && read < spare {
                // Tells `try_io` to clear the readiness; `read` still
                // reports what arrived.
                Err(io::ErrorKind::WouldBlock.into())
            } else {
                Ok(read)
            }
        });
        match result {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && read > 0 => Ok(read),
            result => result,
        }
    }

    /// Unsent bytes of replies, spliced values included.
    fn pending(&self) -> usize {
        self.output.len() + self.splices.bytes()
    }

    /// Whether the connection waits for the socket to take replies before
    /// it answers more requests.
    fn backpressured(&self) -> bool {
        self.pending() > BACKPRESSURE
    }

    /// Whether the unwritten replies are past the class's hard limit, or
    /// have been above its soft limit for longer than its seconds, as
    /// Redis's `checkClientOutputBufferLimits`; logs the disconnection that
    /// follows, as Redis does.
    fn over_output_limit(&mut self) -> bool {
        let limits = self
            .shared
            .live
            .output_limits(self.session.subscriptions.is_active());
        let (hard, soft) = (limits.hard(), limits.soft());
        // A normal client, by default: no limit.
        if hard == 0 && soft == 0 {
            self.over_soft_since = None;
            return false;
        }
        self.check_output_limit(hard, soft)
    }

    /// [`over_output_limit`](Self::over_output_limit) with a limit set.
    #[inline(never)]
    fn check_output_limit(&mut self, hard: usize, soft: usize) -> bool {
        let pending = self.pending();
        let mut over = hard != 0 && pending > hard;
        if soft != 0 && pending > soft {
            let now = Instant::now();
            let since = *self.over_soft_since.get_or_insert(now);
            let seconds = self
                .shared
                .live
                .output_limits(self.session.subscriptions.is_active())
                .seconds();
            over |= now.duration_since(since) > Duration::from_secs(seconds);
        } else {
            self.over_soft_since = None;
        }
        if over {
            tracing::warn!(
                id = self.session.id,
                pending,
                hard,
                soft,
                "closing a client for overcoming of output buffer limits"
            );
        }
        over
    }

    /// When the connection times out if nothing happens first: `None`
    /// without a timeout, and for subscribers, which Redis never times out.
    fn idle_deadline(&self) -> Option<Instant> {
        let timeout = self.shared.live.timeout()?;
        if self.session.subscriptions.is_active() {
            return None;
        }
        self.last_active.checked_add(timeout)
    }

    /// Answers one request, in Redis's order of checks: the name and arity,
    /// authentication, subscribe mode (for RESP2 only: a RESP3 client may
    /// run anything while subscribed, as in Redis 7.0), then the command's
    /// own syntax.
    async fn handle(&mut self, args: Vec<Bytes>) -> Flow {
        let resolved = match table::resolve(&args) {
            Ok(resolved) => resolved,
            Err(e) => {
                // Known by its arity error's name: refused, as Redis counts
                // it; an unknown name or subcommand counts as no command.
                self.command = stats::NONE;
                if let CommandError::WrongArity(name) = e {
                    self.refused(stats::index_of_name(name));
                }
                let exec = args
                    .first()
                    .is_some_and(|n| n.eq_ignore_ascii_case(b"exec"));
                return self.refuse(e, exec);
            }
        };
        let index = stats::index(resolved);
        self.command = index;
        // SLOWLOG: the arguments of a command that may be slow (see
        // `slowlog`).
        if self.keep.get(index as usize) == Some(&true) {
            self.kept = Some(args.clone());
        }
        let spec = resolved.spec();
        // One relaxed store, for CLIENT LIST's `cmd`.
        self.session.me.set_command(command_code(resolved));
        if !self.session.authenticated && !spec.has_flag("no_auth") {
            // As Redis's `authRequired`: the password is looked at as it is
            // now, so a client connected while one was set runs commands
            // once `CONFIG SET requirepass ""` has removed it.
            if self.shared.live.requirepass().is_some() {
                self.rejected = true;
                return self.refuse(CommandError::NoAuth, spec.name == "exec");
            }
            self.session.authenticated = true;
            self.apply_limits();
        }
        let allowed = matches!(resolved, Resolved::Server(id, _) if id.allowed_while_subscribed());
        if self.session.subscriptions.is_active() && !self.session.resp3 && !allowed {
            self.rejected = true;
            return self.refuse(
                CommandError::NotAllowedWhileSubscribed(spec.name),
                spec.name == "exec",
            );
        }
        // A script that runs long: as in Redis, which serves nobody while a
        // script runs, the command waits for it to end, or is answered
        // `BUSY` once it passes busy-reply-threshold. One relaxed load
        // otherwise.
        if self.shared.scripts.long_running()
            && !spec.has_flag("allow_busy")
            && crate::scripting::wait_out_long_scripts(&self.shared.scripts).await
        {
            self.rejected = true;
            return self.refuse(
                CommandError::Data(sharedkv_commands::Error::Fixed(
                    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
                )),
                spec.name == "exec",
            );
        }
        // In MULTI, everything but these is queued, as in Redis.
        if self.session.multi.is_some()
            && !matches!(
                resolved,
                Resolved::Server(
                    CommandId::Multi
                        | CommandId::Exec
                        | CommandId::Discard
                        | CommandId::Watch
                        | CommandId::Quit
                        | CommandId::Reset,
                    _
                )
            )
        {
            return self.queue(spec, &args);
        }
        self.executed += 1;
        let id = match resolved {
            Resolved::Data(id) => {
                if sharedkv_commands::blocking::blocks(id) {
                    return self.block(id, args).await;
                }
                // A write to a key clients wait on serves them in its own
                // step (see `blocking`): one relaxed load otherwise.
                if self.shared.key_hook.waiting() > 0 && spec.has_flag("write") {
                    let serves = match crate::admin::keys_of(spec, &args) {
                        Some(keys) => self.shared.blocked.waits_on(self.session.selected, &keys),
                        None => true,
                    };
                    if serves {
                        return self.serving(id, args).await;
                    }
                }
                // Written here rather than in a helper: one async layer less
                // on every data command (see README, "Profile").
                let limit = self.output_limit();
                let mut cx = Ctx {
                    db: &self.shared.db,
                    selected: self.session.selected,
                    reply: Reply::new(&mut self.output, limit)
                        .resp3(self.session.resp3)
                        .splicing(&mut self.splices),
                    settings: &self.shared.live.settings,
                };
                // While a script runs, off the worker (see `scripting`): one
                // relaxed load otherwise, and the command's future built in
                // place (a local would be one more copy of it).
                let done = if self.shared.scripts.running() {
                    Box::pin(crate::scripting::off_worker(
                        true,
                        sharedkv_commands::run(id, &mut cx, args),
                    ))
                    .await
                } else {
                    sharedkv_commands::run(id, &mut cx, args).await
                };
                if let Err(e) = done {
                    cx.reply.error(&e);
                }
                let cut_off = cx.reply.was_cut_off();
                if cx.selected != self.session.selected {
                    self.session.me.set_db(cx.selected.get());
                }
                self.session.selected = cx.selected;
                if cut_off {
                    // Logged as the limit's other disconnections are.
                    self.over_output_limit();
                    return Flow::Disconnect;
                }
                return Flow::Continue;
            }
            Resolved::Server(id, spec) => match Command::parse(id, spec, args) {
                Ok(command) => command,
                Err(e) => return self.reject(e),
            },
        };
        match id {
            Command::Transaction(command) => self.transaction(command).await,
            command => self.dispatch(command).await,
        }
    }

    /// A write to keys clients wait on: run as one step that serves them
    /// (see `blocking::run_serving`).
    #[cold]
    async fn serving(&mut self, id: sharedkv_commands::Id, args: Vec<Bytes>) -> Flow {
        let limit = self.output_limit();
        let (selected, resp3) = (self.session.selected, self.session.resp3);
        let (out, now_selected) =
            crate::blocking::run_serving(&self.shared, id, args, selected, resp3, limit).await;
        self.output.extend_from_slice(&out);
        if now_selected != self.session.selected {
            self.session.me.set_db(now_selected.get());
        }
        self.session.selected = now_selected;
        if limit > 0 && out.len() > limit {
            self.over_output_limit();
            return Flow::Disconnect;
        }
        Flow::Continue
    }

    /// A blocking pop (`BLPOP` and the like): its attempt and, if it found
    /// nothing, the wait, until a push serves it, its timeout passes, the
    /// client is unblocked, killed or gone, or the server shuts down. The
    /// requests the client pipelines behind it are read, and wait.
    #[cold]
    async fn block(&mut self, id: sharedkv_commands::Id, args: Vec<Bytes>) -> Flow {
        use crate::clients::{BLOCK_UNBLOCK_ERROR, BLOCK_UNBLOCK_TIMEOUT};
        let blocking = match sharedkv_commands::blocking::Blocking::parse(id, &args) {
            Some(Ok(blocking)) => blocking,
            Some(Err(e)) => {
                self.session.reply(&mut self.output).error(&e);
                return Flow::Continue;
            }
            None => return Flow::Continue,
        };
        let timeout = blocking.timeout;
        let (waiter, mut rx) =
            crate::blocking::Waiter::new(self.session.selected, blocking, self.session.resp3);
        let limit = self.output_limit();
        let me = Arc::clone(&self.session.me);
        // Enabled before the client shows as blocked: an UNBLOCK that sees
        // it blocked wakes this.
        let mut unblocked = pin!(me.unblocked());
        unblocked.as_mut().enable();
        me.set_blocked(true);
        let blocked = Arc::clone(&self.shared.blocked);
        blocked.count_client(true, timeout.is_some());
        let found = crate::blocking::attempt_or_park(&self.shared, &waiter, limit).await;
        if let Some(out) = found {
            me.set_blocked(false);
            blocked.count_client(false, timeout.is_some());
            self.output.extend_from_slice(&out);
            return Flow::Continue;
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        let token = self.shutdown.clone();
        enum End {
            Served(Result<Bytes, tokio::sync::oneshot::error::RecvError>),
            TimedOut,
            Unblocked,
            Gone,
        }
        let end = loop {
            tokio::select! {
                biased;
                () = token.cancelled() => break End::Gone,
                reply = &mut rx => break End::Served(reply),
                () = &mut unblocked => break End::Unblocked,
                () = sleep_until(deadline), if deadline.is_some() => break End::TimedOut,
                ready = self.socket.readable() => {
                    if ready.is_err() {
                        break End::Gone;
                    }
                    self.input.reserve(READ_CHUNK);
                    match self.read_available() {
                        Ok(0) => break End::Gone,
                        Ok(n) => {
                            self.net_in += n as u64;
                            self.reads += 1;
                            // What it pipelines waits, up to Redis's query
                            // buffer limit.
                            if self.input.len() > transaction::MAX_QUEUED_BYTES {
                                break End::Gone;
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                        Err(_) => break End::Gone,
                    }
                }
            }
        };
        let how = me.set_blocked(false);
        blocked.count_client(false, timeout.is_some());
        // Unless a push claimed it a moment ago (then its reply is on the
        // way, and taken), the client claims itself.
        let gone = matches!(end, End::Gone);
        let reply = match end {
            End::Served(reply) => reply.ok(),
            _ => {
                drop(blocked.claim(&waiter));
                rx.await.ok()
            }
        };
        if gone {
            return Flow::Disconnect;
        }
        match reply {
            Some(reply) => self.output.extend_from_slice(&reply),
            None if how == BLOCK_UNBLOCK_ERROR => {
                self.session
                    .reply(&mut self.output)
                    .error(&sharedkv_commands::Error::Fixed(
                        "UNBLOCKED client unblocked via CLIENT UNBLOCK",
                    ))
            }
            None => {
                let _ = BLOCK_UNBLOCK_TIMEOUT;
                waiter
                    .blocking()
                    .timed_out(&mut self.session.reply(&mut self.output));
            }
        }
        Flow::Continue
    }

    /// `EVAL` and the like, and `SCRIPT`.
    async fn script(&mut self, command: ScriptCommand) -> Flow {
        let scripts = &self.shared.scripts;
        let mut reply = self.session.reply(&mut self.output);
        match command {
            ScriptCommand::Eval(eval, args) => {
                let (selected, resp3) = (self.session.selected, self.session.resp3);
                let answer =
                    crate::scripting::eval(&self.shared, eval, args, selected, resp3).await;
                self.output.extend_from_slice(&answer);
            }
            ScriptCommand::Load(body) => match scripts.load(Bytes::copy_from_slice(&body)) {
                Ok(sha) => reply.bulk(sha.as_bytes()),
                Err(e) => self.output.extend_from_slice(&e.reply()),
            },
            ScriptCommand::Exists(shas) => {
                reply.array(shas.len());
                for sha in shas {
                    reply.int(i64::from(scripts.exists(&sha)));
                }
            }
            ScriptCommand::Flush => {
                scripts.flush();
                reply.ok();
            }
            ScriptCommand::Kill => match scripts.kill() {
                Ok(()) => reply.ok(),
                Err(e) => self.output.extend_from_slice(&e.reply()),
            },
        }
        Flow::Continue
    }

    /// Runs a server command (not a transaction's).
    async fn dispatch(&mut self, command: Command) -> Flow {
        match command {
            Command::Server(command) => {
                let mut reply = self.session.reply(&mut self.output);
                execute(&self.shared, command, &mut reply).await;
                Flow::Continue
            }
            Command::Session(command) => match self.session(command) {
                Ok(flow) => flow,
                Err(e) => self.reject(e),
            },
            Command::Client(command) => self.client(command),
            Command::Admin(command) => self.admin(command).await,
            Command::Script(command) => self.script(command).await,
            // Only UNWATCH is queued (MULTI, EXEC, DISCARD and WATCH run at
            // once), and EXEC has unwatched already.
            Command::Transaction(_) => {
                self.session.watching = None;
                self.session.reply(&mut self.output).ok();
                Flow::Continue
            }
        }
    }

    /// Queues a request of a client in `MULTI`, or refuses it as Redis
    /// does; `+QUEUED`.
    fn queue(&mut self, spec: &Spec, args: &[Bytes]) -> Flow {
        if spec.has_flag("no_multi") {
            self.rejected = true;
            return self.refuse(
                CommandError::Data(sharedkv_commands::Error::Fixed(
                    "ERR Command not allowed inside a transaction",
                )),
                false,
            );
        }
        let Some(multi) = self.session.multi.as_mut() else {
            return Flow::Continue;
        };
        multi.bytes = multi
            .bytes
            .saturating_add(args.iter().map(Bytes::len).sum::<usize>());
        if multi.bytes > transaction::MAX_QUEUED_BYTES {
            tracing::warn!(
                client = self.session.id,
                "closing a client whose transaction queued more than 1 GiB"
            );
            return Flow::Disconnect;
        }
        // Copied: the queue may outlive this read buffer by a long time.
        multi
            .queued
            .push(args.iter().map(|a| Bytes::copy_from_slice(a)).collect());
        self.session.reply(&mut self.output).simple(b"QUEUED");
        Flow::Continue
    }

    /// `MULTI`, `EXEC`, `DISCARD`, `WATCH`, `UNWATCH`, with Redis's errors.
    async fn transaction(&mut self, command: TransactionCommand) -> Flow {
        use TransactionCommand as T;
        let fixed = |text| CommandError::Data(sharedkv_commands::Error::Fixed(text));
        match command {
            T::Multi if self.session.multi.is_some() => {
                return self.reject(fixed("ERR MULTI calls can not be nested"));
            }
            T::Multi => self.session.multi = Some(transaction::Multi::default()),
            T::Discard => {
                if self.session.multi.take().is_none() {
                    return self.reject(fixed("ERR DISCARD without MULTI"));
                }
                self.session.watching = None;
            }
            T::Watch(_) if self.session.multi.is_some() => {
                return self.reject(fixed("ERR WATCH inside MULTI is not allowed"));
            }
            T::Watch(keys) => {
                let hook = &self.shared.key_hook;
                let watching = self
                    .session
                    .watching
                    .get_or_insert_with(|| transaction::Watching::new(Arc::clone(hook)));
                watching
                    .watch(&self.shared.db, self.session.selected, keys)
                    .await;
            }
            T::Unwatch => self.session.watching = None,
            T::Exec => return self.exec().await,
        }
        self.session.reply(&mut self.output).ok();
        Flow::Continue
    }

    /// `EXEC`: the queued requests as one step (see `transaction`), their
    /// replies in one array.
    async fn exec(&mut self) -> Flow {
        let Some(multi) = self.session.multi.take() else {
            return self.reject(CommandError::Data(sharedkv_commands::Error::Fixed(
                "ERR EXEC without MULTI",
            )));
        };
        let watching = self.session.watching.take();
        if multi.aborted {
            return self.reject(CommandError::Data(sharedkv_commands::Error::Fixed(
                "EXECABORT Transaction discarded because of previous errors.",
            )));
        }
        let count = multi.queued.len();
        let limit = self.output_limit();
        let (selected, resp3) = (self.session.selected, self.session.resp3);
        let executed =
            transaction::exec(&self.shared, multi, watching, selected, resp3, limit).await;
        let (pieces, selected, cut_off) = match executed {
            transaction::Executed::Dirty => {
                self.session.reply(&mut self.output).null_array();
                return Flow::Continue;
            }
            transaction::Executed::Ran {
                pieces,
                selected,
                cut_off,
            } => (pieces, selected, cut_off),
        };
        if selected != self.session.selected {
            self.session.me.set_db(selected.get());
        }
        self.session.selected = selected;
        self.session.reply(&mut self.output).array(count);
        let mut flow = Flow::Continue;
        for piece in pieces {
            match piece {
                transaction::Piece::Reply(reply) => self.output.extend_from_slice(&reply),
                transaction::Piece::Run(args) => {
                    let command = match table::resolve(&args) {
                        Ok(Resolved::Server(id, spec)) => Command::parse(id, spec, args),
                        Ok(Resolved::Data(_)) => continue,
                        Err(e) => Err(e),
                    };
                    let next = match command {
                        Ok(command) => self.dispatch(command).await,
                        Err(e) => self.reject(e),
                    };
                    if flow == Flow::Continue {
                        flow = next;
                    }
                }
            }
        }
        if cut_off {
            self.over_output_limit();
            return Flow::Disconnect;
        }
        flow
    }

    /// Runs a command of `admin`: `SHUTDOWN` closes the connection,
    /// `MONITOR` makes it a monitor.
    #[inline(never)]
    async fn admin(&mut self, command: crate::admin::AdminCommand) -> Flow {
        let mut cx = crate::admin::Cx {
            shared: &self.shared,
            selected: self.session.selected,
            resp3: self.session.resp3,
            monitoring: self.monitor.is_some(),
            cancelled: &self.shutdown,
            me: &self.session.me,
            out: &mut self.output,
        };
        match crate::admin::run(&mut cx, command).await {
            crate::admin::Next::Continue => Flow::Continue,
            crate::admin::Next::Close => Flow::Close,
            crate::admin::Next::Monitor(receiver) => {
                self.monitor = Some(receiver);
                Flow::Continue
            }
        }
    }

    /// Sends the command `args` that has just run to the monitors, unless
    /// Redis would not show it: one refused before it ran (unknown, wrong
    /// arity, before `AUTH`, in subscribe mode), or an admin command.
    #[cold]
    #[inline(never)]
    fn feed_monitors(&self, args: &[Bytes]) {
        let Ok(resolved) = table::resolve(args) else {
            return;
        };
        let spec = resolved.spec();
        let allowed = matches!(resolved, Resolved::Server(id, _) if id.allowed_while_subscribed());
        if spec.has_flag("admin")
            || spec.has_flag("skip_monitor")
            || (!self.session.authenticated && !spec.has_flag("no_auth"))
            || (self.session.subscriptions.is_active() && !self.session.resp3 && !allowed)
        {
            return;
        }
        let redacted = crate::admin::monitor::redacted(spec.name, args);
        self.shared.admin.monitors.feed(
            self.session.selected.get(),
            self.session.me.addr(),
            args,
            redacted,
        );
    }

    /// While a pause is on: the wait for the pause to let the request
    /// `args` run, or `None` if it need not wait. As Redis checks it: after
    /// the name, arity, authentication and subscribe-mode checks (a request
    /// they refuse is answered at once), before the command's own syntax.
    /// The replies so far are written first. Out of line and boxed, so
    /// that the rare pause adds no code, no timer and no await point to
    /// the path of every command (`handle`).
    #[cold]
    #[inline(never)]
    fn paused(
        &mut self,
        args: &[Bytes],
    ) -> io::Result<Option<Pin<Box<dyn Future<Output = ()> + Send + '_>>>> {
        let Ok(resolved) = table::resolve(args) else {
            return Ok(None);
        };
        let spec = resolved.spec();
        let refused_before_auth = !self.session.authenticated
            && !spec.has_flag("no_auth")
            && self.shared.live.requirepass().is_some();
        let allowed = matches!(resolved, Resolved::Server(id, _) if id.allowed_while_subscribed());
        let refused_while_subscribed =
            self.session.subscriptions.is_active() && !self.session.resp3 && !allowed;
        if refused_before_auth || refused_while_subscribed {
            return Ok(None);
        }
        // Shown by CLIENT LIST while it waits.
        self.session.me.set_command(command_code(resolved));
        self.write_now()?;
        Ok(Some(Box::pin(
            self.shared.registry.pause.wait(spec, &self.shutdown),
        )))
    }

    /// Runs a `CLIENT` subcommand on the registry. A client that kills
    /// itself gets its reply, then is closed, as in Redis.
    #[inline(never)]
    fn client(&mut self, command: ClientCommand) -> Flow {
        let registry = &self.shared.registry;
        let me = &self.session.me;
        let mut reply = Reply::new(&mut self.output, 0).resp3(self.session.resp3);
        match command {
            ClientCommand::List(kind) => reply.verbatim(registry.list(kind).as_bytes()),
            ClientCommand::ListIds(ids) => reply.verbatim(registry.list_ids(&ids).as_bytes()),
            ClientCommand::Info => reply.verbatim(registry.info(me).as_bytes()),
            ClientCommand::Kill(filter) => reply.count(registry.kill(me, &filter)),
            ClientCommand::KillAddr(addr) => {
                if registry.kill_addr(&addr) {
                    reply.ok();
                } else {
                    reply.error(&sharedkv_commands::Error::Fixed("ERR No such client"));
                }
            }
            ClientCommand::NoEvict(on) => {
                me.set_no_evict(on);
                reply.ok();
            }
            ClientCommand::NoTouch(on) => {
                me.set_no_touch(on);
                reply.ok();
            }
            ClientCommand::Pause(timeout, mode) => {
                registry.pause.pause(mode, timeout);
                reply.ok();
            }
            ClientCommand::Unpause => {
                registry.pause.unpause();
                reply.ok();
            }
            ClientCommand::Unblock { id, error } => reply.count(registry.unblock(id, error)),
        }
        if me.is_killed() {
            Flow::Close
        } else {
            Flow::Continue
        }
    }

    /// The output buffer hard limit for this client now: the pubsub class's
    /// while it is subscribed, else the normal class's; 0 is none.
    fn output_limit(&self) -> usize {
        self.shared
            .live
            .output_limits(self.session.subscriptions.is_active())
            .hard()
    }

    /// Counts the request that has just been answered, whose reply starts
    /// at `mark` in the output and which took `nanos`: in the tally, and,
    /// if it was that slow, in `SLOWLOG` and `LATENCY`. A few adds and
    /// compares; the rest is out of line.
    ///
    /// Every request that is refused, or names no command, is answered
    /// with an error, so the one byte that tells an error reply sends all
    /// of those out of line too.
    #[inline]
    fn account(&mut self, mark: usize, ticks: u64) {
        if stats::is_error_start(self.output.get(mark)) {
            self.account_error(mark, ticks);
        } else {
            self.tally.ran(self.command, ticks);
            if ticks >= self.slow_ticks {
                self.slow(self.command, ticks);
            }
        }
        if self.kept.is_some() {
            self.kept = None;
        }
    }

    /// [`Connection::account`] for a request answered with an error: its
    /// first word in `errorstats`; a failure, a rejection or no command.
    #[cold]
    #[inline(never)]
    fn account_error(&mut self, mark: usize, ticks: u64) {
        self.tally
            .error(self.output.get(mark..).unwrap_or_default());
        let index = self.command;
        if index != stats::NONE {
            if self.rejected {
                self.tally.record(index, 0, Outcome::Rejected);
            } else {
                self.tally.record(index, ticks, Outcome::Failed);
                if ticks >= self.slow_ticks {
                    self.slow(index, ticks);
                }
            }
        }
        self.rejected = false;
    }

    /// A request of the command at `index` refused before it could run.
    fn refused(&mut self, index: stats::Index) {
        self.command = index;
        self.rejected = true;
    }

    /// A command at least as slow as one of the thresholds: an entry in
    /// `SLOWLOG`, a sample in `LATENCY`, as each threshold says.
    #[cold]
    #[inline(never)]
    fn slow(&mut self, index: stats::Index, ticks: u64) {
        let Some(spec) = stats::spec_of(index) else {
            return;
        };
        let nanos = self.timer.nanos(ticks);
        let live = &self.shared.live;
        let micros = nanos / 1000;
        let slower_than = live.slowlog_slower_than();
        if slower_than >= 0
            && micros >= slower_than.unsigned_abs()
            && !spec.has_flag("skip_slowlog")
        {
            let slow = Slow {
                args: self.kept.take(),
                name: spec.name,
                micros,
                addr: self.session.me.addr().to_string(),
                client_name: self.session.name.clone(),
            };
            self.shared.slowlog.push(slow, live.slowlog_max_len());
        }
        let threshold = live.latency_threshold_ms();
        let ms = nanos / 1_000_000;
        if threshold > 0 && ms >= threshold {
            let event = if stats::is_fast(index) {
                "fast-command"
            } else {
                "command"
            };
            self.shared.latency.add(event, ms);
        }
    }

    fn reject(&mut self, error: CommandError) -> Flow {
        error.encode(&mut self.output);
        Flow::Continue
    }

    /// A request refused before it could run (unknown, wrong arity, not
    /// authenticated, not allowed): as [`reject`](Self::reject), and a
    /// transaction being queued is aborted, as Redis's `rejectCommand`
    /// flags it.
    ///
    /// A refused `EXEC` (`exec`) ends the transaction, and its error says
    /// so, as Redis's `execCommandAbort` words it.
    fn refuse(&mut self, error: CommandError, exec: bool) -> Flow {
        if !exec {
            if let Some(multi) = self.session.multi.as_mut() {
                multi.aborted = true;
            }
            return self.reject(error);
        }
        self.session.multi = None;
        self.session.watching = None;
        let mut text = BytesMut::new();
        error.encode(&mut text);
        let text = text.strip_prefix(b"-").unwrap_or(&text);
        let text = text.strip_prefix(b"ERR ").unwrap_or(text);
        let text = text.strip_suffix(b"\r\n").unwrap_or(text);
        let mut message = b"EXECABORT Transaction discarded because of: ".to_vec();
        message.extend_from_slice(text);
        sharedkv_resp::encode_error(&mut self.output, &message);
        Flow::Continue
    }

    /// Runs a session command and keeps the decoder's limits in step with
    /// the authentication it may have changed.
    fn session(&mut self, command: SessionCommand) -> Result<Flow, CommandError> {
        // RESET ends MONITOR too, as in Redis.
        if matches!(command, SessionCommand::Reset) {
            self.monitor = None;
        }
        let was_authenticated = self.session.authenticated;
        let result = self
            .session
            .run(command, &self.shared.live, &mut self.output);
        if self.session.authenticated != was_authenticated {
            self.apply_limits();
        }
        match result? {
            Done::Continue => Ok(Flow::Continue),
            Done::Close => Ok(Flow::Close),
        }
    }

    /// The decoder's limits for the session's authentication state.
    fn apply_limits(&mut self) {
        let limits = if self.session.authenticated {
            Limits {
                max_bulk_len: self.shared.live.proto_max_bulk_len(),
                ..self.shared.config.limits
            }
        } else {
            Limits::UNAUTHENTICATED
        };
        self.decoder.set_limits(limits);
        self.apply_thresholds();
    }

    /// `slow_nanos` and `keep`, from the thresholds as they are now.
    fn apply_thresholds(&mut self) {
        let live = &self.shared.live;
        let slower_than = live.slowlog_slower_than();
        let slowlog = u64::try_from(slower_than).map_or(u64::MAX, |us| us.saturating_mul(1000));
        let latency = match live.latency_threshold_ms() {
            0 => u64::MAX,
            ms => ms.saturating_mul(1_000_000),
        };
        self.slow_ticks = match slowlog.min(latency) {
            u64::MAX => u64::MAX,
            nanos => self.timer.ticks(nanos),
        };
        self.keep = stats::keep_table(Keep::for_threshold(slower_than));
    }

    /// Adds the requests run since the last call to the server's counter:
    /// once per batch, not once per request.
    fn count_commands(&mut self) {
        let stats = &self.shared.stats;
        if self.executed > 0 {
            stats.commands.fetch_add(self.executed, Ordering::Relaxed);
            self.executed = 0;
        }
        self.tally.flush(&stats.per_command, &self.timer);
        if self.net_in > 0 {
            stats.net_input.fetch_add(self.net_in, Ordering::Relaxed);
            self.net_in = 0;
        }
        if self.net_out > 0 {
            stats.net_output.fetch_add(self.net_out, Ordering::Relaxed);
            self.net_out = 0;
        }
        if self.reads > 0 {
            stats.reads.fetch_add(self.reads, Ordering::Relaxed);
            self.reads = 0;
        }
        if self.writes > 0 {
            stats.writes.fetch_add(self.writes, Ordering::Relaxed);
            self.writes = 0;
        }
    }

    /// Writes as much of the pending replies as the socket takes now,
    /// without waiting; the rest waits for the socket to be writable.
    fn write_now(&mut self) -> io::Result<()> {
        // Taken before writing: `advance` moves the buffer's start, so its
        // `capacity` shrinks as it is written.
        let span = self.output.capacity();
        let mut written = false;
        let result = loop {
            let attempt = if self.splices.is_empty() {
                if self.output.is_empty() {
                    break Ok(());
                }
                self.socket.try_write(&self.output)
            } else {
                self.write_spliced()
            };
            match attempt {
                Ok(0) => break Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.splices.advance(&mut self.output, n);
                    self.net_out += n as u64;
                    self.writes += 1;
                    written = true;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        // Once per call: the clock is read off the hot path.
        if written {
            self.last_active = Instant::now();
        }
        result?;
        if self.output.is_empty() && span > MAX_IDLE_BUFFER {
            self.output = BytesMut::new();
        }
        Ok(())
    }

    /// One vectored write of the buffer and the spliced values in order.
    #[inline(never)]
    fn write_spliced(&self) -> io::Result<usize> {
        let mut slices = [io::IoSlice::new(&[]); MAX_IO_SLICES];
        let n = self.splices.io_slices(&self.output, &mut slices);
        self.socket.try_write_vectored(&slices[..n])
    }

    /// Writes every pending reply, waiting as long as it takes, before the
    /// connection closes. Once the server is shutting down, a client that
    /// does not read gets [`SHUTDOWN_WRITE_GRACE`], then is dropped, so it
    /// cannot keep the server from exiting; with a timeout configured, a
    /// client that takes nothing for that long is dropped too.
    async fn flush(&mut self) -> io::Result<()> {
        self.count_commands();
        if self.pending() == 0 {
            return Ok(());
        }
        let token = self.shutdown.clone();
        let grace_over = async move {
            token.cancelled().await;
            tokio::time::sleep(SHUTDOWN_WRITE_GRACE).await;
        };
        let timeout = self.shared.live.timeout();
        let mut stalled = pin!(tokio::time::sleep(timeout.unwrap_or(Duration::MAX)));
        let mut grace_over = pin!(grace_over);
        while self.pending() > 0 {
            tokio::select! {
                biased;
                ready = self.socket.writable() => {
                    ready?;
                    let before = self.pending();
                    self.write_now()?;
                    if let Some(timeout) = timeout
                        && self.pending() < before
                    {
                        stalled.as_mut().reset(Instant::now() + timeout);
                    }
                }
                () = &mut grace_over => {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "client stopped reading during shutdown"));
                }
                () = &mut stalled, if timeout.is_some() => {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "client stopped reading"));
                }
            }
        }
        // What the writes above counted, for INFO.
        self.count_commands();
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
                Ok(n) => {
                    self.net_in += n as u64;
                    self.reads += 1;
                    loop {
                        match self.answer_buffered().await? {
                            Flow::Continue => break,
                            // Written out (within the grace) before answering
                            // the rest.
                            Flow::Held => self.flush().await?,
                            Flow::Close => return self.flush().await,
                            Flow::Disconnect => return Ok(()),
                        }
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(e),
            }
        }
        self.flush().await
    }
}

/// A copy of a request's arguments (reference counts, not bytes), for the
/// monitors: out of line, off the path of every command.
#[cold]
#[inline(never)]
fn copy_args(args: &[Bytes]) -> Vec<Bytes> {
    args.to_vec()
}

/// The next line of a monitor, or never for a connection that is none.
async fn next_line(monitor: &mut Option<crate::admin::monitor::Receiver>) -> Option<Bytes> {
    match monitor {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

/// Sleeps until `deadline`, or forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

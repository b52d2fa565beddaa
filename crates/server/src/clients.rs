//! The client registry: one [`Client`] record per connection, shared by
//! every connection through `Shared`, so that any of them can list
//! (`CLIENT LIST`, `CLIENT INFO`), kill (`CLIENT KILL`) or pause
//! (`CLIENT PAUSE`) the others.
//!
//! # What the hot path pays
//!
//! A record is written by its own connection only, with relaxed atomic
//! stores: the last command once per command, the buffers and the time of
//! the last activity once per batch, the rest (name, database,
//! subscriptions, protocol) only when a command changes it. Reading a
//! connection's fields needs no lock: `CLIENT LIST` takes the registry's
//! lock only to copy the list of records, and formats each record after.
//! Per command, a connection also reads two flags: whether it was killed
//! (its own record) and whether a pause is on ([`Pause::is_on`]), both
//! relaxed loads of lines that are written only by `CLIENT KILL` and
//! `CLIENT PAUSE`.
//!
//! Values are what this server has, in Redis's field names; where the
//! server has no such thing the field is Redis's value for "none" (`multi`,
//! `redir`), see [`Client::describe`].

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use sharedkv_commands::Spec;
use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Every connected client, by id.
///
/// **Locking behaviour:** one `std::sync::Mutex` over the map, taken when a
/// connection starts or ends and by `CLIENT LIST`/`KILL` to copy the
/// records out; never held across an `.await`, and never by a request's
/// hot path.
#[derive(Debug)]
pub(crate) struct Registry {
    clients: Mutex<HashMap<u64, Arc<Client>>>,
    /// `CLIENT PAUSE`.
    pub(crate) pause: Pause,
    /// The origin of the records' clocks (`idle`).
    epoch: Instant,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            clients: Mutex::default(),
            pause: Pause::default(),
            epoch: Instant::now(),
        }
    }
}

/// The client types of `CLIENT LIST TYPE` and `CLIENT KILL TYPE`. This
/// server has no replication, so no client is a master or a replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientType {
    Normal,
    Master,
    Replica,
    PubSub,
}

impl ClientType {
    /// Redis's `getClientTypeByName`: `slave` is `replica`'s old name.
    pub(crate) fn parse(word: &[u8]) -> Option<ClientType> {
        let is = |w: &str| word.eq_ignore_ascii_case(w.as_bytes());
        if is("normal") {
            Some(ClientType::Normal)
        } else if is("master") {
            Some(ClientType::Master)
        } else if is("replica") || is("slave") {
            Some(ClientType::Replica)
        } else if is("pubsub") {
            Some(ClientType::PubSub)
        } else {
            None
        }
    }
}

/// The filters of `CLIENT KILL`'s new form; all given must match.
#[derive(Debug, Default)]
pub(crate) struct KillFilter {
    pub(crate) id: Option<u64>,
    pub(crate) addr: Option<Bytes>,
    pub(crate) laddr: Option<Bytes>,
    pub(crate) kind: Option<ClientType>,
    /// `SKIPME no` clears it: the default is to spare the caller.
    pub(crate) skip_me: bool,
}

/// One connection as the others see it.
#[derive(Debug)]
pub(crate) struct Client {
    pub(crate) id: u64,
    addr: SocketAddr,
    laddr: SocketAddr,
    /// The socket's descriptor, -1 where there is none to show.
    fd: i64,
    created: Instant,
    /// The connection's own token, a child of the server's shutdown token:
    /// `CLIENT KILL` cancels it, after setting `killed`.
    token: CancellationToken,
    /// Set by `CLIENT KILL`: the connection stops after the command it is
    /// running and drops its unwritten replies. Checked once per command.
    killed: AtomicBool,
    /// Seconds from the registry's epoch to the last batch the client
    /// sent: `idle`. Stored once per batch.
    active_secs: AtomicU64,
    /// The last command: see [`command_code`]. Stored once per command.
    cmd: AtomicUsize,
    /// The input buffer: bytes held (high half) and capacity (low half),
    /// each saturated at `u32::MAX`. Stored once per batch.
    input: AtomicU64,
    /// The output buffer the same way: replies not yet written, and
    /// capacity.
    output: AtomicU64,
    /// `SELECT`, stored when it changes.
    db: AtomicU8,
    /// Channels subscribed to, stored when it changes.
    subs: AtomicU32,
    /// Patterns subscribed to, the same way.
    psubs: AtomicU32,
    /// Shard channels subscribed to, the same way.
    ssubs: AtomicU32,
    /// `FLAG_*` bits, stored when they change.
    flags: AtomicU8,
    /// `CLIENT SETNAME` and `CLIENT SETINFO`: rare writes, read only by the
    /// listing.
    names: Mutex<Names>,
    /// Whether the client waits in a blocking pop (`BLOCK_*`), and how
    /// `CLIENT UNBLOCK` asked it to stop: `b` in `flags`.
    blocked: AtomicU8,
    /// Wakes a blocked client for `CLIENT UNBLOCK`.
    unblock: tokio::sync::Notify,
}

/// Not blocked.
pub(crate) const BLOCK_NONE: u8 = 0;
/// Waiting in a blocking pop.
pub(crate) const BLOCK_WAITING: u8 = 1;
/// Asked by `CLIENT UNBLOCK ... TIMEOUT` to stop as if timed out.
pub(crate) const BLOCK_UNBLOCK_TIMEOUT: u8 = 2;
/// Asked by `CLIENT UNBLOCK ... ERROR` to stop with an error.
pub(crate) const BLOCK_UNBLOCK_ERROR: u8 = 3;

/// `CLIENT NO-EVICT on`.
const FLAG_NO_EVICT: u8 = 1;
/// `CLIENT NO-TOUCH on`.
const FLAG_NO_TOUCH: u8 = 2;
/// The client speaks RESP3.
const FLAG_RESP3: u8 = 4;
/// The client is a monitor (`MONITOR`).
const FLAG_MONITOR: u8 = 8;

#[derive(Debug, Default)]
struct Names {
    name: Option<Bytes>,
    lib_name: Option<Bytes>,
    lib_ver: Option<Bytes>,
}

/// Packs a buffer's length and capacity into one word.
fn pack(len: usize, capacity: usize) -> u64 {
    let clamp = |n: usize| u64::from(u32::try_from(n).unwrap_or(u32::MAX));
    (clamp(len) << 32) | clamp(capacity)
}

fn unpack(word: u64) -> (u64, u64) {
    (word >> 32, word & u64::from(u32::MAX))
}

/// How a command is remembered in [`Client::cmd`]: a data command as its
/// `Id`'s index, shifted and tagged with a set low bit; a server command
/// as the address of its entry in the server's static table, which is
/// aligned and so even. 0 is "none yet". Storing an address is one word
/// and needs no lookup on the hot path; it is only ever compared with the
/// table's own addresses, never dereferenced.
pub(crate) fn command_code(resolved: crate::table::Resolved) -> usize {
    match resolved {
        crate::table::Resolved::Data(id) => ((id as usize) << 1) | 1,
        crate::table::Resolved::Server(_, spec) => std::ptr::from_ref::<Spec>(spec) as usize,
    }
}

/// The full name of the command remembered as `code`.
fn command_name(code: usize) -> &'static str {
    if code == 0 {
        return "NULL";
    }
    if code & 1 == 1 {
        return sharedkv_commands::Id::ALL
            .get(code >> 1)
            .map_or("NULL", |id| id.spec().name);
    }
    crate::table::server_specs()
        .find(|spec| std::ptr::from_ref::<Spec>(spec) as usize == code)
        .map_or("NULL", |spec| spec.name)
}

impl Registry {
    /// Records a new connection; the returned [`Registered`] removes it
    /// when dropped.
    pub(crate) fn register(
        self: &Arc<Self>,
        id: u64,
        addr: SocketAddr,
        laddr: SocketAddr,
        fd: i64,
        token: CancellationToken,
    ) -> Registered {
        let now = Instant::now();
        let client = Arc::new(Client {
            id,
            addr,
            laddr,
            fd,
            created: now,
            token,
            killed: AtomicBool::new(false),
            active_secs: AtomicU64::new(self.secs(now)),
            cmd: AtomicUsize::new(0),
            input: AtomicU64::new(0),
            output: AtomicU64::new(0),
            db: AtomicU8::new(0),
            subs: AtomicU32::new(0),
            psubs: AtomicU32::new(0),
            ssubs: AtomicU32::new(0),
            flags: AtomicU8::new(0),
            names: Mutex::default(),
            blocked: AtomicU8::new(BLOCK_NONE),
            unblock: tokio::sync::Notify::new(),
        });
        lock(&self.clients).insert(id, Arc::clone(&client));
        Registered {
            registry: Arc::clone(self),
            client,
        }
    }

    /// Whole seconds from the epoch to `at`: `idle`'s unit, and no
    /// division to compute.
    #[inline]
    pub(crate) fn secs(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.epoch).as_secs()
    }

    /// Every client, by id.
    fn snapshot(&self) -> Vec<Arc<Client>> {
        let mut all: Vec<Arc<Client>> = lock(&self.clients).values().cloned().collect();
        all.sort_unstable_by_key(|c| c.id);
        all
    }

    /// `CLIENT LIST [TYPE type]`: one line per client, ending in `\n`.
    pub(crate) fn list(&self, kind: Option<ClientType>) -> String {
        let now = Instant::now();
        let mut text = String::new();
        for client in self.snapshot() {
            if kind.is_none_or(|k| client.kind() == k) {
                client.describe(self, now, &mut text);
                text.push('\n');
            }
        }
        text
    }

    /// `CLIENT LIST ID id ...`: the clients of those ids that exist, in the
    /// order given, repeats included, as Redis does.
    pub(crate) fn list_ids(&self, ids: &[i64]) -> String {
        let now = Instant::now();
        let clients: Vec<Arc<Client>> = {
            let map = lock(&self.clients);
            ids.iter()
                .filter_map(|id| u64::try_from(*id).ok().and_then(|id| map.get(&id).cloned()))
                .collect()
        };
        let mut text = String::new();
        for client in clients {
            client.describe(self, now, &mut text);
            text.push('\n');
        }
        text
    }

    /// `CLIENT INFO`: the caller's line.
    pub(crate) fn info(&self, me: &Client) -> String {
        let mut text = String::new();
        me.describe(self, Instant::now(), &mut text);
        text.push('\n');
        text
    }

    /// `CLIENT KILL`'s new form: kills every client that `filter` matches;
    /// returns how many.
    pub(crate) fn kill(&self, me: &Client, filter: &KillFilter) -> usize {
        let mut killed = 0;
        for client in self.snapshot() {
            let matches = filter.id.is_none_or(|id| id == client.id)
                && filter
                    .addr
                    .as_ref()
                    .is_none_or(|a| a[..] == *client.addr.to_string().as_bytes())
                && filter
                    .laddr
                    .as_ref()
                    .is_none_or(|a| a[..] == *client.laddr.to_string().as_bytes())
                && filter.kind.is_none_or(|k| client.kind() == k)
                && !(filter.skip_me && client.id == me.id)
                // Already killed and closing: not counted twice.
                && !client.is_killed();
            if matches {
                client.kill();
                killed += 1;
            }
        }
        killed
    }

    /// `CLIENT KILL addr`, the old form: the caller too if it matches.
    pub(crate) fn kill_addr(&self, addr: &[u8]) -> bool {
        let found = self
            .snapshot()
            .into_iter()
            .find(|c| c.addr.to_string().as_bytes() == addr);
        found.inspect(|c| c.kill()).is_some()
    }

    /// `CLIENT UNBLOCK id [TIMEOUT|ERROR]`: wakes the client `id` if it
    /// waits in a blocking pop, to answer as if its timeout had passed (or
    /// with an `UNBLOCKED` error if `error`); how many it woke, 0 or 1.
    pub(crate) fn unblock(&self, id: i64, error: bool) -> usize {
        let Ok(id) = u64::try_from(id) else {
            return 0;
        };
        let Some(client) = lock(&self.clients).get(&id).cloned() else {
            return 0;
        };
        let how = if error {
            BLOCK_UNBLOCK_ERROR
        } else {
            BLOCK_UNBLOCK_TIMEOUT
        };
        let woken = client
            .blocked
            .compare_exchange(BLOCK_WAITING, how, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if woken {
            client.unblock.notify_waiters();
        }
        usize::from(woken)
    }

    /// `INFO`'s `client_recent_max_input_buffer` and
    /// `client_recent_max_output_buffer`: the largest input buffer
    /// (capacity) and the most unwritten replies among the clients now.
    /// Redis keeps the peaks of the last few seconds; this is the present.
    pub(crate) fn max_buffers(&self) -> (u64, u64) {
        self.snapshot().iter().fold((0, 0), |(i, o), c| {
            let (_, input_capacity) = unpack(c.input.load(Ordering::Relaxed));
            let (pending, _) = unpack(c.output.load(Ordering::Relaxed));
            (i.max(input_capacity), o.max(pending))
        })
    }
}

impl Registry {
    /// `INFO`'s `mem_clients_normal`: the capacity of every client's input
    /// and output buffers, as each stored it at its last batch.
    pub(crate) fn total_buffers(&self) -> u64 {
        self.snapshot().iter().fold(0, |sum, c| {
            let (_, input_capacity) = unpack(c.input.load(Ordering::Relaxed));
            let (_, output_capacity) = unpack(c.output.load(Ordering::Relaxed));
            sum + input_capacity + output_capacity
        })
    }
}

/// Keeps a connection's record in the registry; removes it when dropped,
/// so a connection task that ends in any way (panic included) leaves no
/// record behind.
#[derive(Debug)]
pub(crate) struct Registered {
    registry: Arc<Registry>,
    pub(crate) client: Arc<Client>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        lock(&self.registry.clients).remove(&self.client.id);
    }
}

impl Client {
    /// The client's address, as `CLIENT LIST`'s `addr` shows it.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Whether `CLIENT KILL` picked this client. One relaxed load.
    #[inline]
    /// A future that completes on `CLIENT UNBLOCK` once the client is
    /// [`set_blocked`](Client::set_blocked): made (and enabled by its first
    /// poll, or `enable`) before, so no wake-up is missed.
    pub(crate) fn unblocked(&self) -> tokio::sync::futures::Notified<'_> {
        self.unblock.notified()
    }

    /// The client starts waiting (`true`), or stops: then how `CLIENT
    /// UNBLOCK` asked it to stop, if it did (`BLOCK_UNBLOCK_*`).
    pub(crate) fn set_blocked(&self, on: bool) -> u8 {
        if on {
            self.blocked.store(BLOCK_WAITING, Ordering::Release);
            BLOCK_WAITING
        } else {
            self.blocked.swap(BLOCK_NONE, Ordering::AcqRel)
        }
    }

    pub(crate) fn is_killed(&self) -> bool {
        self.killed.load(Ordering::Relaxed)
    }

    /// Marks the client killed and wakes its connection (`CLIENT KILL`, a
    /// monitor that does not read its lines).
    pub(crate) fn kill(&self) {
        self.killed.store(true, Ordering::Relaxed);
        self.token.cancel();
    }

    /// The command about to run. One relaxed store.
    #[inline]
    pub(crate) fn set_command(&self, code: usize) {
        self.cmd.store(code, Ordering::Relaxed);
    }

    /// Once per batch: when it began (seconds from the registry's epoch).
    #[inline]
    pub(crate) fn set_active(&self, secs: u64) {
        self.active_secs.store(secs, Ordering::Relaxed);
    }

    /// Once per batch, after it: the input buffer (unparsed bytes,
    /// capacity) and the output buffer (unwritten bytes, capacity).
    #[inline]
    pub(crate) fn set_buffers(&self, input: (usize, usize), output: (usize, usize)) {
        self.input.store(pack(input.0, input.1), Ordering::Relaxed);
        self.output
            .store(pack(output.0, output.1), Ordering::Relaxed);
    }

    pub(crate) fn set_db(&self, db: usize) {
        self.db
            .store(u8::try_from(db).unwrap_or(u8::MAX), Ordering::Relaxed);
    }

    /// `sub`, `psub` and `ssub`: channels, patterns, shard channels.
    pub(crate) fn set_subscriptions(&self, sub: usize, psub: usize, ssub: usize) {
        for (field, count) in [(&self.subs, sub), (&self.psubs, psub), (&self.ssubs, ssub)] {
            field.store(u32::try_from(count).unwrap_or(u32::MAX), Ordering::Relaxed);
        }
    }

    /// Whether the client is subscribed to anything: Redis's `P` flag.
    fn is_subscriber(&self) -> bool {
        [&self.subs, &self.psubs, &self.ssubs]
            .iter()
            .any(|field| field.load(Ordering::Relaxed) > 0)
    }

    fn set_flag(&self, flag: u8, on: bool) {
        if on {
            self.flags.fetch_or(flag, Ordering::Relaxed);
        } else {
            self.flags.fetch_and(!flag, Ordering::Relaxed);
        }
    }

    pub(crate) fn set_no_evict(&self, on: bool) {
        self.set_flag(FLAG_NO_EVICT, on);
    }

    pub(crate) fn set_no_touch(&self, on: bool) {
        self.set_flag(FLAG_NO_TOUCH, on);
    }

    pub(crate) fn set_resp3(&self, on: bool) {
        self.set_flag(FLAG_RESP3, on);
    }

    /// `MONITOR`, and `RESET` after it: shown as `O` in `flags`.
    pub(crate) fn set_monitor(&self, on: bool) {
        self.set_flag(FLAG_MONITOR, on);
    }

    pub(crate) fn set_name(&self, name: Option<Bytes>) {
        lock(&self.names).name = name;
    }

    /// `CLIENT SETINFO LIB-NAME|LIB-VER value`; an empty value clears it.
    pub(crate) fn set_lib(&self, lib_name: bool, value: Option<Bytes>) {
        let mut names = lock(&self.names);
        if lib_name {
            names.lib_name = value;
        } else {
            names.lib_ver = value;
        }
    }

    /// What `RESET` clears here: name, database, subscriptions, protocol,
    /// monitor.
    /// `NO-EVICT`, `NO-TOUCH` and the library name and version stay, as in
    /// Redis 7.0.
    pub(crate) fn reset(&self) {
        self.set_name(None);
        self.set_resp3(false);
        self.set_db(0);
        self.set_subscriptions(0, 0, 0);
        self.set_monitor(false);
    }

    fn kind(&self) -> ClientType {
        if self.is_subscriber() {
            ClientType::PubSub
        } else {
            ClientType::Normal
        }
    }

    /// The client's `CLIENT LIST` line (without its `\n`), Redis 7.0.15's
    /// fields in its order, then 7.2's `lib-name` and `lib-ver` (this server
    /// has 7.2's `CLIENT SETINFO`). Where this server differs:
    ///
    /// - `qbuf` is the bytes read and not yet parsed, `qbuf-free` the rest
    ///   of the input buffer's capacity; `rbs` and `rbp` are that capacity
    ///   (there is no separate peak). `argv-mem` is 0: a request's
    ///   arguments are slices of the input buffer, counted in `qbuf` until
    ///   parsed.
    /// - Replies wait in one buffer, not a fixed one and a list: `obl` and
    ///   `omem` are both the bytes not yet written, `oll` is 0.
    /// - `tot-mem` is both buffers' capacity and the record.
    /// - The buffers and `idle` are as of the client's last batch; for the
    ///   caller, as of the batch before this one.
    /// - `multi` is -1 (no `MULTI` yet), `redir` -1 (no tracking), `user`
    ///   `default`.
    fn describe(&self, registry: &Registry, now: Instant, out: &mut String) {
        let names = {
            let names = lock(&self.names);
            let text = |b: &Option<Bytes>| {
                String::from_utf8_lossy(b.as_deref().unwrap_or_default()).into_owned()
            };
            (
                text(&names.name),
                text(&names.lib_name),
                text(&names.lib_ver),
            )
        };
        let flags = self.flags.load(Ordering::Relaxed);
        let subs = self.subs.load(Ordering::Relaxed);
        let psubs = self.psubs.load(Ordering::Relaxed);
        let ssubs = self.ssubs.load(Ordering::Relaxed);
        let mut flag_text = String::new();
        if flags & FLAG_MONITOR != 0 {
            flag_text.push('O');
        }
        if self.is_subscriber() {
            flag_text.push('P');
        }
        if self.blocked.load(Ordering::Relaxed) != BLOCK_NONE {
            flag_text.push('b');
        }
        if flags & FLAG_NO_EVICT != 0 {
            flag_text.push('e');
        }
        if flags & FLAG_NO_TOUCH != 0 {
            flag_text.push('T');
        }
        if flag_text.is_empty() {
            flag_text.push('N');
        }
        let (qbuf, rbs) = unpack(self.input.load(Ordering::Relaxed));
        let (pending, output_capacity) = unpack(self.output.load(Ordering::Relaxed));
        let record = u64::try_from(std::mem::size_of::<Client>()).unwrap_or(0);
        let age = now.saturating_duration_since(self.created).as_secs();
        let idle = registry
            .secs(now)
            .saturating_sub(self.active_secs.load(Ordering::Relaxed));
        let events = if pending > 0 { "rw" } else { "r" };
        let resp = if flags & FLAG_RESP3 != 0 { 3 } else { 2 };
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "id={id} addr={addr} laddr={laddr} fd={fd} name={name} age={age} idle={idle} \
             flags={flag_text} db={db} sub={subs} psub={psubs} ssub={ssubs} multi=-1 qbuf={qbuf} \
             qbuf-free={free} argv-mem=0 multi-mem=0 rbs={rbs} rbp={rbs} obl={pending} oll=0 \
             omem={pending} tot-mem={tot} events={events} cmd={cmd} user=default redir=-1 \
             resp={resp} lib-name={lib_name} lib-ver={lib_ver}",
            id = self.id,
            addr = self.addr,
            laddr = self.laddr,
            fd = self.fd,
            name = names.0,
            db = self.db.load(Ordering::Relaxed),
            free = rbs.saturating_sub(qbuf),
            tot = rbs.saturating_add(output_capacity).saturating_add(record),
            cmd = command_name(self.cmd.load(Ordering::Relaxed)),
            lib_name = names.1,
            lib_ver = names.2,
        );
    }
}

/// `CLIENT PAUSE`'s two modes, the stronger last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PauseMode {
    /// Only commands that write (flag `write`) or may be propagated
    /// (`PUBLISH`, `PFCOUNT`, as Redis's `may-replicate`) wait.
    Write,
    /// Every command waits.
    All,
}

/// The server-wide pause.
///
/// **Locking behaviour:** `on` is the only thing a request reads while no
/// pause is on; the mutex is taken only while one is, never across an
/// `.await`. Waiting connections sleep on a timer and a [`Notify`]: no
/// thread is blocked.
#[derive(Debug, Default)]
pub(crate) struct Pause {
    /// Set while a pause may be on: the fast check.
    on: AtomicBool,
    /// The mode and when it ends.
    state: Mutex<Option<(PauseMode, Instant)>>,
    /// Wakes the waiters at `CLIENT UNPAUSE`.
    unpaused: Notify,
}

impl Pause {
    /// Whether a pause may be on. One relaxed load.
    #[inline]
    pub(crate) fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    /// `CLIENT PAUSE`: as Redis, a pause while one is on keeps the later
    /// end and the stronger mode.
    pub(crate) fn pause(&self, mode: PauseMode, timeout: Duration) {
        let now = Instant::now();
        // About 30 years: "forever" for any timeout too large for the clock.
        let end = now
            .checked_add(timeout)
            .unwrap_or_else(|| now + Duration::from_secs(1 << 30));
        let mut state = lock(&self.state);
        *state = Some(match *state {
            Some((old_mode, old_end)) if old_end > now => (old_mode.max(mode), old_end.max(end)),
            _ => (mode, end),
        });
        self.on.store(true, Ordering::Relaxed);
    }

    /// `CLIENT UNPAUSE`.
    pub(crate) fn unpause(&self) {
        *lock(&self.state) = None;
        self.on.store(false, Ordering::Relaxed);
        self.unpaused.notify_waiters();
    }

    /// Waits while a pause holds the command `spec`, or until `token` is
    /// cancelled (shutdown, or `CLIENT KILL`).
    ///
    /// Here is where blocking commands of a later issue will also wait:
    /// `CLIENT UNBLOCK` would wake them through a `Notify` in the record,
    /// as `unpaused` wakes these.
    pub(crate) async fn wait(&self, spec: &Spec, token: &CancellationToken) {
        loop {
            let mut unpaused = pin!(self.unpaused.notified());
            unpaused.as_mut().enable();
            let end = {
                let mut state = lock(&self.state);
                match *state {
                    None => return,
                    Some((_, end)) if end <= Instant::now() => {
                        *state = None;
                        self.on.store(false, Ordering::Relaxed);
                        return;
                    }
                    Some((PauseMode::Write, _)) if !is_write(spec) => return,
                    Some((_, end)) => end,
                }
            };
            tokio::select! {
                () = unpaused => {}
                () = tokio::time::sleep_until(end) => {}
                () = token.cancelled() => return,
            }
        }
    }
}

/// Whether `CLIENT PAUSE WRITE` holds the command: Redis's `write` and
/// `may-replicate` flags (the latter is not in the table's flags, as Redis's
/// `COMMAND INFO` does not show it either).
fn is_write(spec: &Spec) -> bool {
    spec.has_flag("write") || matches!(spec.name, "publish" | "pfcount")
}

/// Locks a mutex, through a poisoning: every value behind these stays
/// consistent at each statement.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `INFO`'s `instantaneous_ops_per_sec`, as Redis computes it: the
/// commands counted in each of the last 16 samples, taken every 100 ms,
/// averaged into a rate per second.
#[derive(Debug, Default)]
pub(crate) struct OpsRate {
    samples: Mutex<Samples>,
}

#[derive(Debug, Default)]
struct Samples {
    /// Commands per second seen at each of the last 16 samples.
    rates: [u64; OpsRate::SAMPLES],
    next: usize,
    /// The counter and time at the last sample.
    last: Option<(Instant, u64)>,
}

impl OpsRate {
    const SAMPLES: usize = 16;
    /// How often [`OpsRate::run`] samples.
    pub(crate) const PERIOD: Duration = Duration::from_millis(100);

    /// Records the counter's value now. Samples closer together than half a
    /// period are ignored, so several samplers (one per `serve`) do not
    /// skew the rate.
    pub(crate) fn sample(&self, commands: u64) {
        let now = Instant::now();
        let mut samples = lock(&self.samples);
        if let Some((at, count)) = samples.last {
            let elapsed = now.saturating_duration_since(at);
            if elapsed < Self::PERIOD / 2 {
                return;
            }
            let delta = u128::from(commands.saturating_sub(count));
            let rate = delta * 1_000_000 / elapsed.as_micros().max(1);
            let next = samples.next;
            if let Some(slot) = samples.rates.get_mut(next) {
                *slot = u64::try_from(rate).unwrap_or(u64::MAX);
            }
            samples.next = (next + 1) % Self::SAMPLES;
        }
        samples.last = Some((now, commands));
    }

    /// The average of the samples: commands per second.
    pub(crate) fn get(&self) -> u64 {
        let samples = lock(&self.samples);
        samples.rates.iter().sum::<u64>() / Self::SAMPLES as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Buffer sizes pack into one word and back, saturating.
    #[test]
    fn pack_roundtrip() {
        assert_eq!(unpack(pack(3, 16384)), (3, 16384));
        assert_eq!(unpack(pack(usize::MAX, 0)), (u64::from(u32::MAX), 0));
    }

    /// Command codes name the command they were made from.
    #[test]
    fn command_codes() {
        let args: Vec<Bytes> = ["client", "list"].iter().map(|w| Bytes::from(*w)).collect();
        let resolved = crate::table::resolve(&args).expect("client list");
        assert_eq!(command_name(command_code(resolved)), "client|list");
        let args: Vec<Bytes> = ["GET", "k"].iter().map(|w| Bytes::from(*w)).collect();
        let resolved = crate::table::resolve(&args).expect("get");
        assert_eq!(command_name(command_code(resolved)), "get");
        assert_eq!(command_name(0), "NULL");
    }

    /// The rate is commands per second averaged over the last 16 samples;
    /// samples too close together are ignored; a counter reset is no
    /// negative rate.
    #[tokio::test(start_paused = true)]
    async fn ops_rate_averages_samples() {
        let rate = OpsRate::default();
        rate.sample(0);
        for i in 1..=16u64 {
            tokio::time::advance(OpsRate::PERIOD).await;
            rate.sample(i * 1000);
        }
        assert_eq!(rate.get(), 10_000);
        tokio::time::advance(Duration::from_millis(10)).await;
        rate.sample(1_000_000);
        assert_eq!(rate.get(), 10_000);
        tokio::time::advance(OpsRate::PERIOD).await;
        rate.sample(0);
        assert_eq!(rate.get(), 10_000 * 15 / 16);
    }

    /// A later pause keeps the later end and the stronger mode; UNPAUSE
    /// ends it.
    #[tokio::test(start_paused = true)]
    async fn pause_merges_and_unpauses() {
        let pause = Pause::default();
        pause.pause(PauseMode::Write, Duration::from_secs(10));
        pause.pause(PauseMode::All, Duration::from_secs(1));
        assert_eq!(
            lock(&pause.state).map(|(mode, _)| mode),
            Some(PauseMode::All)
        );
        let token = CancellationToken::new();
        let started = Instant::now();
        let spec = sharedkv_commands::Id::ALL
            .iter()
            .map(|id| id.spec())
            .find(|s| s.name == "get")
            .expect("get");
        pause.wait(spec, &token).await;
        assert!(started.elapsed() >= Duration::from_secs(10));
        assert!(!pause.is_on());
    }
}

//! The [`Engine`]: the script cache, the pool of VMs, and the state of
//! every run for `SCRIPT KILL` and busy checks.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::error::{Error, ErrorKind};
use crate::flags::{ScriptFlags, parse_shebang};
use crate::host::Host;
use crate::rand::Rand48;
use crate::vm::{Compiled, RunCtx, Vm};

/// A script's SHA-1 as 40 lower-case hex digits.
pub(crate) type Sha = [u8; 40];

/// The SHA-1 of `body` in lower-case hex, as Redis names scripts.
pub(crate) fn sha1hex(body: &[u8]) -> Sha {
    let digest = sha1_smol::Sha1::from(body).digest().bytes();
    let mut out = [0u8; 40];
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in digest.iter().enumerate() {
        out[2 * i] = HEX[(b >> 4) as usize];
        out[2 * i + 1] = HEX[(b & 0xf) as usize];
    }
    out
}

/// Limits every VM of an [`Engine`] runs under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes one VM may allocate (scripts, their data, compiled
    /// functions). A script that needs more gets an error reply and its VM
    /// is thrown away. 64 MiB by default. Redis 7.0 has no such limit.
    pub memory: usize,
    /// Redis's `busy-reply-threshold` (`lua-time-limit`): a script running
    /// longer makes [`Engine::busy`] true and can be stopped by
    /// [`Engine::kill`]. Zero: never busy. 5 s by default; changed later by
    /// [`Engine::set_busy_threshold`].
    pub busy_threshold: Duration,
}

impl Default for Limits {
    /// 64 MiB per VM, 5 s.
    fn default() -> Self {
        Limits {
            memory: 64 * 1024 * 1024,
            busy_threshold: Duration::from_secs(5),
        }
    }
}

/// Which script [`Engine::run`] runs.
#[derive(Clone, Copy, Debug)]
pub enum Script<'a> {
    /// `EVAL`: the body. It is cached under its SHA-1, as Redis does.
    Body(&'a Bytes),
    /// `EVALSHA`: the SHA-1 of a cached script, in either case.
    Sha(&'a [u8]),
}

/// A cached script.
struct Cached {
    body: Bytes,
    flags: ScriptFlags,
    /// Where the Lua source starts: after the shebang line, at its newline.
    source_at: usize,
}

/// How many idle VMs the pool keeps. More run at once when more scripts
/// do; those beyond this many are dropped when they finish.
const MAX_IDLE_VMS: usize = 16;

/// Redis 7.0's Lua scripting, shared by every connection.
///
/// `Send + Sync`: share it behind an `Arc`. Every method takes `&self`;
/// scripts may run on several threads at once, each in a VM of its own
/// from the pool.
///
/// **Locking behaviour:** the cache is behind an `RwLock` taken for a
/// lookup or an insert, the pool behind a `Mutex` taken to take or give
/// back a VM, and the list of run states behind a `Mutex` taken when a VM
/// is made or dropped and by [`busy`](Engine::busy) and
/// [`kill`](Engine::kill). No lock is held while a script runs or while
/// the host runs a command, so a host may call `busy` or `kill` itself.
pub struct Engine {
    scripts: RwLock<HashMap<Sha, Arc<Cached>>>,
    /// Bumped by `flush`: a VM whose functions are older drops them.
    generation: AtomicU64,
    pool: Mutex<Vec<Vm>>,
    /// The run state of every VM alive, idle or not.
    runs: Mutex<Vec<Arc<RunState>>>,
    /// Redis's one `math.random` generator, shared by every VM.
    rng: Arc<Mutex<Rand48>>,
    memory_limit: usize,
    /// The time every run is measured against, shared with each VM's hook.
    clock: Arc<Clock>,
    /// What the VMs alive hold, as each last reported it.
    memory: AtomicUsize,
}

/// A run becomes *long* after this long (or after the busy threshold, if
/// that is shorter): from then on [`Engine::long_running`] is true and
/// the hook calls the host's [`Engine::on_long_run`].
pub const LONG_RUN: Duration = Duration::from_millis(5);

/// How often a long run calls [`Engine::on_long_run`] again.
pub const LEND_EVERY: Duration = Duration::from_millis(50);

/// The engine's clock: when runs started is measured against `epoch`; the
/// hook of every VM checks it every few thousand instructions.
pub(crate) struct Clock {
    epoch: Instant,
    busy_threshold_ns: AtomicU64,
    /// How many runs there are now, and how many of them are long: one
    /// relaxed load each for a host to check before every command.
    running: Count,
    long_runs: Count,
    on_long_run: OnceLock<Box<dyn Fn() + Send + Sync>>,
}

impl Clock {
    fn now_ns(&self) -> u64 {
        duration_ns(self.epoch.elapsed())
    }

    fn long_run_ns(&self) -> u64 {
        let long = duration_ns(LONG_RUN);
        match self.busy_threshold_ns.load(Ordering::Relaxed) {
            0 => long,
            threshold => long.min(threshold),
        }
    }

    /// Called by a VM's hook: counts `run` as long once it is, and calls
    /// the host's `on_long_run` then and every [`LEND_EVERY`] after.
    pub(crate) fn tick(&self, run: &RunState) {
        let now = self.now_ns();
        if now.saturating_sub(run.started.load(Ordering::Acquire)) < self.long_run_ns() {
            return;
        }
        let next = run.next_lend.load(Ordering::Relaxed);
        if next == 0 {
            self.long_runs.0.fetch_add(1, Ordering::Relaxed);
        } else if now < next {
            return;
        }
        run.next_lend
            .store(now + duration_ns(LEND_EVERY), Ordering::Relaxed);
        if let Some(f) = self.on_long_run.get() {
            f();
        }
    }

    /// Starts `run`, counted as running.
    fn start(&self, run: &RunState) {
        self.running.0.fetch_add(1, Ordering::Relaxed);
        run.start(self.now_ns());
    }

    /// Ends `run`: no longer counted as running, nor as long if it was.
    fn finish(&self, run: &RunState) {
        if run.next_lend.swap(0, Ordering::Relaxed) != 0 {
            self.long_runs.0.fetch_sub(1, Ordering::Relaxed);
        }
        run.finish();
        self.running.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A counter on a cache line of its own: read by every command, written
/// only when a script starts or ends.
#[derive(Default)]
#[repr(align(128))]
struct Count(AtomicUsize);

impl Engine {
    /// An engine with an empty cache and no VM yet.
    pub fn new(limits: Limits) -> Engine {
        Engine {
            scripts: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            pool: Mutex::new(Vec::new()),
            runs: Mutex::new(Vec::new()),
            rng: Arc::new(Mutex::new(Rand48::redis_initial())),
            memory_limit: limits.memory,
            clock: Arc::new(Clock {
                epoch: Instant::now(),
                busy_threshold_ns: AtomicU64::new(duration_ns(limits.busy_threshold)),
                running: Count::default(),
                long_runs: Count::default(),
                on_long_run: OnceLock::new(),
            }),
            memory: AtomicUsize::new(0),
        }
    }

    /// Sets what a long run calls (once, on the thread running it) when it
    /// becomes long and every [`LEND_EVERY`] after: a server on a thread
    /// pool lends the thread there, so that the tasks queued on it are
    /// served while the script runs. Only the first call sets it.
    pub fn on_long_run(&self, f: impl Fn() + Send + Sync + 'static) {
        let _ = self.clock.on_long_run.set(Box::new(f));
    }

    /// Whether any run is long now (see [`LONG_RUN`]): one relaxed load, for
    /// a server to check before each command.
    #[inline]
    pub fn long_running(&self) -> bool {
        self.clock.long_runs.0.load(Ordering::Relaxed) != 0
    }

    /// Whether any script runs now: one relaxed load, for a server to
    /// check before each command.
    #[inline]
    pub fn running(&self) -> bool {
        self.clock.running.0.load(Ordering::Relaxed) != 0
    }

    /// Changes the busy threshold (`CONFIG SET busy-reply-threshold`). It
    /// applies to the scripts running too.
    pub fn set_busy_threshold(&self, threshold: Duration) {
        self.clock
            .busy_threshold_ns
            .store(duration_ns(threshold), Ordering::Relaxed);
    }

    /// `SCRIPT LOAD`: compiles `body`, caches it and returns its SHA-1 in
    /// lower-case hex. A body already cached is not compiled again.
    ///
    /// Errors: the shebang's ([`parse_shebang`]), and `ERR Error compiling
    /// script (new function): user_script:1: ...` for a syntax error.
    pub fn load(&self, body: Bytes) -> Result<String, Error> {
        let sha = sha1hex(&body);
        self.load_sha(sha, body)?;
        Ok(String::from_utf8_lossy(&sha).into_owned())
    }

    /// Compiles and caches `body` as `sha` if it is not cached.
    fn load_sha(&self, sha: Sha, body: Bytes) -> Result<Arc<Cached>, Error> {
        if let Some(cached) = self.cached_script(&sha) {
            return Ok(cached);
        }
        let (flags, source_at) = parse_shebang(&body)?;
        let mut vm = self.take_vm()?;
        let compiled = vm.compile(sha, &body[source_at..]);
        self.give_back(vm);
        if let Compiled::Error(message) = compiled {
            let mut text = b"ERR Error compiling script (new function): ".to_vec();
            text.extend(
                message
                    .iter()
                    .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
            );
            return Err(Error::new(ErrorKind::Compile, text));
        }
        let cached = Arc::new(Cached {
            body,
            flags,
            source_at,
        });
        if let Ok(mut scripts) = self.scripts.write() {
            scripts.entry(sha).or_insert_with(|| cached.clone());
        }
        Ok(cached)
    }

    fn cached_script(&self, sha: &Sha) -> Option<Arc<Cached>> {
        self.scripts.read().ok()?.get(sha).cloned()
    }

    /// `SCRIPT EXISTS`: whether a script with this SHA-1 (40 hex digits in
    /// lower case, as Redis compares them) is cached.
    pub fn exists(&self, sha: &[u8]) -> bool {
        let Ok(sha) = <Sha>::try_from(sha) else {
            return false;
        };
        self.cached_script(&sha).is_some()
    }

    /// The shebang flags of a cached script, or `None` if it is not cached.
    /// `sha` may be in either case.
    pub fn flags(&self, sha: &[u8]) -> Option<ScriptFlags> {
        let sha = lower_sha(sha)?;
        self.cached_script(&sha).map(|c| c.flags)
    }

    /// `SCRIPT FLUSH` (either mode): empties the cache. Each VM drops its
    /// compiled functions before its next run; scripts running now finish.
    pub fn flush(&self) {
        if let Ok(mut scripts) = self.scripts.write() {
            scripts.clear();
        }
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut pool) = self.pool.lock() {
            let generation = self.generation.load(Ordering::Acquire);
            for vm in pool.iter_mut() {
                vm.sync_generation(generation);
            }
        }
    }

    /// `SCRIPT KILL`: stops every script that has run past the busy
    /// threshold and has not written. The killed scripts end with `ERR
    /// Script killed by user with SCRIPT KILL...` at their next check
    /// (within 10,000 Lua instructions, or when their current command
    /// returns).
    ///
    /// Errors: `NOTBUSY No scripts in execution right now.` when no script
    /// is past the threshold; `UNKILLABLE Sorry the script already executed
    /// write commands against the dataset. ...` when one past it has
    /// written (the others past it are killed all the same).
    pub fn kill(&self) -> Result<(), Error> {
        let mut busy = false;
        let mut unkillable = false;
        for run in self.busy_runs() {
            busy = true;
            let (word, state) = run.load();
            match state {
                State::Running => {
                    let killed = run.swap_state(word, State::Killed);
                    if !killed && run.load().1 == State::Written {
                        unkillable = true;
                    }
                }
                State::Written => unkillable = true,
                State::Killed | State::Idle => {}
            }
        }
        if !busy {
            return Err(Error::new(
                ErrorKind::NotBusy,
                "NOTBUSY No scripts in execution right now.",
            ));
        }
        if unkillable {
            return Err(Error::new(
                ErrorKind::Unkillable,
                "UNKILLABLE Sorry the script already executed write commands against the dataset. \
                 You can either wait the script termination or kill the server in a hard way using \
                 the SHUTDOWN NOSAVE command.",
            ));
        }
        Ok(())
    }

    /// Whether a script has run longer than the busy threshold. The server
    /// then answers other clients `BUSY`, as Redis does.
    pub fn busy(&self) -> bool {
        !self.busy_runs().is_empty()
    }

    fn busy_runs(&self) -> Vec<Arc<RunState>> {
        let threshold = self.clock.busy_threshold_ns.load(Ordering::Relaxed);
        if threshold == 0 {
            return Vec::new();
        }
        let now = self.clock.now_ns();
        let Ok(runs) = self.runs.lock() else {
            return Vec::new();
        };
        runs.iter()
            .filter(|r| {
                r.load().1 != State::Idle
                    && now.saturating_sub(r.started.load(Ordering::Acquire)) > threshold
            })
            .cloned()
            .collect()
    }

    /// Bytes the VMs hold (`used_memory_lua`), as each reported it after
    /// its last run.
    pub fn memory(&self) -> usize {
        self.memory.load(Ordering::Relaxed)
    }

    /// How many scripts are cached (`number_of_cached_scripts`).
    pub fn cached(&self) -> usize {
        self.scripts.read().map_or(0, |s| s.len())
    }

    /// `EVAL`, `EVALSHA`, `EVAL_RO`, `EVALSHA_RO`: runs a script and
    /// returns the complete reply for the client, RESP3 if `resp3` (the
    /// client's protocol), errors included.
    ///
    /// `read_only` is true for the `_RO` commands; a script whose shebang
    /// declares `no-writes` runs read-only by `EVAL` too. The host runs the
    /// script's commands on this thread; this call returns when the script
    /// ends. A host that panics ends the script with an error reply (mlua
    /// turns the panic into a Lua error); were a panic to unwind through
    /// here, the run's state is ended and its VM thrown away all the same.
    pub fn run(
        &self,
        script: Script<'_>,
        keys: Vec<Bytes>,
        args: Vec<Bytes>,
        read_only: bool,
        resp3: bool,
        host: &mut dyn Host,
    ) -> Vec<u8> {
        let (sha, cached) = match script {
            Script::Body(body) => {
                let sha = sha1hex(body);
                match self.load_sha(sha, body.clone()) {
                    Ok(cached) => (sha, cached),
                    Err(e) => return e.reply(),
                }
            }
            Script::Sha(given) => {
                let Some(sha) = lower_sha(given) else {
                    return Error::no_script().reply();
                };
                match self.cached_script(&sha) {
                    Some(cached) => (sha, cached),
                    None => return Error::no_script().reply(),
                }
            }
        };
        if read_only && cached.flags.has_shebang() && !cached.flags.no_writes() {
            return Error::new(
                ErrorKind::WriteFlagReadOnly,
                "ERR Can not execute a script with write flag using *_ro command.",
            )
            .reply();
        }
        let mut vm = match self.take_vm() {
            Ok(vm) => vm,
            Err(e) => return e.reply(),
        };
        if !vm.has_function(&sha)
            && let Compiled::Error(message) = vm.compile(sha, &cached.body[cached.source_at..])
        {
            self.give_back(vm);
            let mut out = b"-ERR Error compiling script (new function): ".to_vec();
            crate::convert::push_line(&mut out, &message);
            return out;
        }
        let ctx = RefCell::new(RunCtx {
            host,
            read_only: read_only || cached.flags.no_writes(),
            flags: cached.flags,
        });
        self.clock.start(&vm.state);
        let mut lease = Lease {
            engine: self,
            vm: Some(vm),
        };
        let reply = match lease.vm.as_mut() {
            Some(vm) => vm.run(&sha, keys, args, &ctx, resp3),
            None => Vec::new(),
        };
        if let Some(vm) = lease.vm.take() {
            self.clock.finish(&vm.state);
            self.give_back(vm);
        }
        reply
    }

    /// A VM from the pool, or a new one, with functions of the current
    /// cache generation.
    fn take_vm(&self) -> Result<Vm, Error> {
        let generation = self.generation.load(Ordering::Acquire);
        let pooled = self.pool.lock().ok().and_then(|mut p| p.pop());
        let mut vm = match pooled {
            Some(vm) => vm,
            None => {
                let state = Arc::new(RunState::default());
                let vm = Vm::new(
                    self.memory_limit,
                    self.rng.clone(),
                    state.clone(),
                    self.clock.clone(),
                )
                .map_err(|e| {
                    Error::new(
                        ErrorKind::Compile,
                        format!("ERR could not create a Lua VM: {e}").replace(['\r', '\n'], " "),
                    )
                })?;
                if let Ok(mut runs) = self.runs.lock() {
                    runs.push(state);
                }
                vm
            }
        };
        vm.sync_generation(generation);
        Ok(vm)
    }

    /// Reports the VM's memory and puts it back in the pool, or drops it if
    /// it is poisoned or the pool is full.
    fn give_back(&self, mut vm: Vm) {
        let used = if vm.poisoned { 0 } else { vm.used_memory() };
        self.report_memory(&mut vm, used);
        if !vm.poisoned
            && let Ok(mut pool) = self.pool.lock()
            && pool.len() < MAX_IDLE_VMS
        {
            pool.push(vm);
            return;
        }
        self.report_memory(&mut vm, 0);
        if let Ok(mut runs) = self.runs.lock() {
            runs.retain(|r| !Arc::ptr_eq(r, &vm.state));
        }
    }

    fn report_memory(&self, vm: &mut Vm, used: usize) {
        if used >= vm.reported_memory {
            self.memory
                .fetch_add(used - vm.reported_memory, Ordering::Relaxed);
        } else {
            self.memory
                .fetch_sub(vm.reported_memory - used, Ordering::Relaxed);
        }
        vm.reported_memory = used;
    }
}

/// A VM out of the pool for one run. If the run unwinds (a host that
/// panics), dropping the lease ends the run's state and throws the VM
/// away, so that no dead run stays "busy".
struct Lease<'e> {
    engine: &'e Engine,
    vm: Option<Vm>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(mut vm) = self.vm.take() {
            self.engine.clock.finish(&vm.state);
            vm.poisoned = true;
            self.engine.give_back(vm);
        }
    }
}

fn duration_ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// A SHA-1 given by a client, in lower case, if it has 40 bytes. Like
/// Redis, only `A`-`Z` are lowered.
fn lower_sha(given: &[u8]) -> Option<Sha> {
    let mut sha: Sha = given.try_into().ok()?;
    sha.make_ascii_lowercase();
    Some(sha)
}

/// Where a VM's run is. Packed with a run number in one atomic word, so
/// that a kill aimed at one run can never land on the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum State {
    Idle = 0,
    Running = 1,
    Written = 2,
    Killed = 3,
}

/// The state of a VM's current run, shared by the VM (its hook and
/// `redis.call`), the host (through [`CallContext`](crate::CallContext))
/// and the engine (`busy`, `kill`).
#[derive(Debug, Default)]
pub(crate) struct RunState {
    /// `run number << 2 | State`.
    pub(crate) word: AtomicU64,
    /// When the current run started, in nanoseconds since the engine's
    /// epoch. Written before `word` says `Running`.
    pub(crate) started: AtomicU64,
    /// When a long run next calls `on_long_run`; 0 while it is not long.
    next_lend: AtomicU64,
    /// The script's `redis.setresp`: 1 for RESP3.
    resp3: AtomicU64,
    /// Set by the error handler when the script ran out of memory: the VM
    /// is then not reused.
    out_of_memory: AtomicU64,
}

impl RunState {
    pub(crate) fn load(&self) -> (u64, State) {
        let word = self.word.load(Ordering::Acquire);
        let state = match word & 3 {
            1 => State::Running,
            2 => State::Written,
            3 => State::Killed,
            _ => State::Idle,
        };
        (word, state)
    }

    /// Moves from the state read in `word` to `to`, if nothing changed
    /// since.
    pub(crate) fn swap_state(&self, word: u64, to: State) -> bool {
        self.word
            .compare_exchange(
                word,
                (word & !3) | to as u64,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
    }

    fn start(&self, now_ns: u64) {
        self.started.store(now_ns, Ordering::Release);
        let run = (self.word.load(Ordering::Acquire) >> 2).wrapping_add(1);
        self.word
            .store((run << 2) | State::Running as u64, Ordering::Release);
    }

    fn finish(&self) {
        let word = self.word.load(Ordering::Acquire);
        self.word.store(word & !3, Ordering::Release);
    }

    /// Whether `SCRIPT KILL` stopped the current run.
    pub(crate) fn killed(&self) -> bool {
        self.load().1 == State::Killed
    }

    pub(crate) fn resp3(&self) -> bool {
        self.resp3.load(Ordering::Relaxed) == 1
    }

    pub(crate) fn set_out_of_memory(&self) {
        self.out_of_memory.store(1, Ordering::Relaxed);
    }

    pub(crate) fn take_out_of_memory(&self) -> bool {
        self.out_of_memory.swap(0, Ordering::Relaxed) == 1
    }

    pub(crate) fn set_resp3(&self, on: bool) {
        self.resp3.store(u64::from(on), Ordering::Relaxed);
    }
}

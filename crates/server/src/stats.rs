//! Per-command statistics: `INFO commandstats`, `INFO errorstats` and
//! `total_error_replies`, as Redis 7.0 counts them.
//!
//! For every command Redis keeps four counters: `calls` (it ran),
//! `usec` (the time it ran for), `rejected_calls` (refused before running:
//! wrong arity, `NOAUTH`, a RESP2 subscriber running a command it may
//! not), `failed_calls` (it ran and answered an error). Every error reply,
//! rejected or failed or for an unknown command, also counts once under its
//! first word (`ERR`, `WRONGTYPE`, ...) in `errorstats`, and in
//! `total_error_replies`.
//!
//! # What it costs each request
//!
//! ```text
//! connection ──▶ Tally (plain integers, one slot per command seen this batch)
//!                  └── once per batch ──▶ CommandStats (relaxed atomics, shared)
//! ```
//!
//! - One read of the clock per command, from [`quanta::Clock::raw`]: the
//!   CPU's time-stamp counter where it is invariant (one `rdtsc`), the OS's
//!   monotonic clock elsewhere. A command runs from where the one before it
//!   in the batch ended (so its decoding counts with it); the clock is read
//!   afresh at a batch's start, after a `CLIENT PAUSE` wait and after a
//!   write. Ticks are added up raw and scaled to nanoseconds once per batch.
//! - A few plain adds into the connection's [`Tally`]; the slot is nearly
//!   always the last one used (a pipeline repeats its command).
//! - One byte compared: whether the reply starts with `-` (or RESP3's `!`).
//!   Only an error reply takes the out-of-line path that finds its first
//!   word.
//!
//! The shared atomics are touched once per batch and per command seen in
//! it, as the connection's `executed` counter already was.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};

use sharedkv_commands::Spec;

use crate::table::{self, Resolved};

/// A command's place in the statistics: data commands first (by their
/// `Id`), then the server's own table, subcommands included. [`NONE`] for
/// a request whose command is unknown.
pub(crate) type Index = u32;

/// No command: an unknown name or subcommand, which Redis counts only in
/// `errorstats`.
pub(crate) const NONE: Index = Index::MAX;

/// What the statistics know of one command, computed once.
struct Meta {
    spec: &'static Spec,
    /// Redis's `fast` flag: the `latency` monitor files a slow fast command
    /// under `fast-command`, any other under `command`.
    fast: bool,
    /// Documented as O(1): such a command is slow only by waiting (for a
    /// lock, for the scheduler), not by its own work. See
    /// `slowlog::Keep`.
    constant: bool,
    /// Redis's `write` flag, for `rdb_changes_since_last_save`.
    write: bool,
}

/// Every command, by [`Index`], and the server's specs by address.
struct Table {
    commands: Vec<Meta>,
    /// Whose arguments a connection keeps for each `slowlog::Keep`, by
    /// index: none, those not documented O(1), all (see [`keep_table`]).
    keep_none: Vec<bool>,
    keep_non_constant: Vec<bool>,
    keep_all: Vec<bool>,
    /// `(address of the spec, index)`, sorted by address: a server command
    /// is resolved to its `&'static Spec`, whose address finds its index in
    /// a few comparisons.
    by_address: Vec<(usize, Index)>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let data = sharedkv_commands::Id::ALL.iter().map(|id| id.spec());
    let commands: Vec<Meta> = data
        .chain(table::server_specs())
        .map(|spec| Meta {
            spec,
            fast: spec.has_flag("fast"),
            constant: spec.complexity.starts_with("O(1)"),
            write: spec.has_flag("write"),
        })
        .collect();
    let data_len = sharedkv_commands::Id::ALL.len();
    let mut by_address: Vec<(usize, Index)> = table::server_specs()
        .enumerate()
        .map(|(i, spec)| (address(spec), to_index(data_len + i)))
        .collect();
    by_address.sort_unstable();
    let keep_non_constant = commands.iter().map(|m| !m.constant).collect();
    Table {
        keep_none: vec![false; commands.len()],
        keep_all: vec![true; commands.len()],
        keep_non_constant,
        commands,
        by_address,
    }
});

fn address(spec: &'static Spec) -> usize {
    std::ptr::from_ref::<Spec>(spec) as usize
}

fn to_index(i: usize) -> Index {
    Index::try_from(i).unwrap_or(NONE)
}

/// The statistics index of a resolved command.
#[inline]
pub(crate) fn index(resolved: Resolved) -> Index {
    match resolved {
        // `Id`'s variants are declared in the order of `Id::ALL`.
        Resolved::Data(id) => id as Index,
        Resolved::Server(_, spec) => server_index(spec),
    }
}

fn server_index(spec: &'static Spec) -> Index {
    let by_address = &TABLE.by_address;
    by_address
        .binary_search_by_key(&address(spec), |&(a, _)| a)
        .ok()
        .and_then(|at| by_address.get(at))
        .map_or(NONE, |&(_, i)| i)
}

/// The index of the command whose full name is `name` (`get`,
/// `client|list`), for a request refused by its arity, which names it.
pub(crate) fn index_of_name(name: &str) -> Index {
    TABLE
        .commands
        .iter()
        .position(|m| m.spec.name == name)
        .map_or(NONE, to_index)
}

/// The spec of the command at `index`.
pub(crate) fn spec_of(index: Index) -> Option<&'static Spec> {
    meta(index).map(|m| m.spec)
}

fn meta(index: Index) -> Option<&'static Meta> {
    TABLE.commands.get(usize::try_from(index).ok()?)
}

/// Whether the command at `index` has Redis's `fast` flag.
pub(crate) fn is_fast(index: Index) -> bool {
    meta(index).is_some_and(|m| m.fast)
}

/// Whether a connection keeps the arguments of each command, by index,
/// under `keep`: the connection holds the slice, so that asking costs a
/// bounds check and a load, whatever `keep` is.
pub(crate) fn keep_table(keep: crate::slowlog::Keep) -> &'static [bool] {
    use crate::slowlog::Keep;
    match keep {
        Keep::None => &TABLE.keep_none,
        Keep::NonConstant => &TABLE.keep_non_constant,
        Keep::All => &TABLE.keep_all,
    }
}

/// The clock commands are timed with: [`quanta::Clock`]'s raw ticks (the
/// TSC where it is invariant), converted to and from nanoseconds only off
/// the hot path: tallies add raw ticks, thresholds are compared in ticks.
#[derive(Clone, Debug)]
pub(crate) struct Timer {
    clock: quanta::Clock,
    /// Nanoseconds in 2^32 ticks, for the conversion of a threshold.
    nanos_per_2_32: u64,
}

impl Default for Timer {
    fn default() -> Self {
        let clock = quanta::Clock::new();
        let nanos_per_2_32 = clock.delta_as_nanos(0, 1 << 32).max(1);
        Timer {
            clock,
            nanos_per_2_32,
        }
    }
}

impl Timer {
    /// The clock now, in ticks.
    #[inline]
    pub(crate) fn now(&self) -> u64 {
        self.clock.raw()
    }

    /// `ticks` in nanoseconds.
    pub(crate) fn nanos(&self, ticks: u64) -> u64 {
        self.clock.delta_as_nanos(0, ticks)
    }

    /// `nanos` in ticks (rounded up, saturating).
    pub(crate) fn ticks(&self, nanos: u64) -> u64 {
        let ticks = (u128::from(nanos) << 32).div_ceil(u128::from(self.nanos_per_2_32));
        u64::try_from(ticks).unwrap_or(u64::MAX)
    }
}

/// How a request ended, for its command's counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Ran,
    /// Ran and answered an error.
    Failed,
    /// Refused before running: not counted as a call, and not timed.
    Rejected,
}

/// One command's counters, shared.
#[derive(Debug, Default)]
struct Counters {
    calls: AtomicU64,
    nanos: AtomicU64,
    rejected: AtomicU64,
    failed: AtomicU64,
}

/// Redis's `ERRORSTATS_LIMIT`: past this many kinds of error, Redis stops
/// keeping `errorstats` (it would otherwise grow with every new first word
/// a script or a module invents), and so does this.
const ERRORSTATS_LIMIT: usize = 128;

/// The per-command and per-error counters every connection adds to.
#[derive(Debug)]
pub(crate) struct CommandStats {
    counters: Box<[Counters]>,
    /// Error replies by their first word, in the order first seen. Why a
    /// std `Mutex`: taken once per batch that answered an error, never
    /// across an `.await`.
    errors: Mutex<Vec<(Box<[u8]>, u64)>>,
    /// Cleared once `errors` passed [`ERRORSTATS_LIMIT`], as Redis does.
    errors_enabled: AtomicBool,
    /// `total_error_replies`.
    total_errors: AtomicU64,
}

impl Default for CommandStats {
    fn default() -> Self {
        CommandStats {
            counters: TABLE.commands.iter().map(|_| Counters::default()).collect(),
            errors: Mutex::default(),
            errors_enabled: AtomicBool::new(true),
            total_errors: AtomicU64::new(0),
        }
    }
}

impl CommandStats {
    fn errors(&self) -> MutexGuard<'_, Vec<(Box<[u8]>, u64)>> {
        self.errors.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `CONFIG RESETSTAT`.
    pub(crate) fn reset(&self) {
        for c in &self.counters {
            c.calls.store(0, Ordering::Relaxed);
            c.nanos.store(0, Ordering::Relaxed);
            c.rejected.store(0, Ordering::Relaxed);
            c.failed.store(0, Ordering::Relaxed);
        }
        self.errors().clear();
        self.errors_enabled.store(true, Ordering::Relaxed);
        self.total_errors.store(0, Ordering::Relaxed);
    }

    /// `total_error_replies`.
    pub(crate) fn total_errors(&self) -> u64 {
        self.total_errors.load(Ordering::Relaxed)
    }

    /// Calls of commands flagged `write` that did not fail: what `INFO`
    /// reports as `rdb_changes_since_last_save` (nothing is ever saved).
    pub(crate) fn write_calls(&self) -> u64 {
        TABLE
            .commands
            .iter()
            .zip(self.counters.iter())
            .filter(|(meta, _)| meta.write)
            .map(|(_, c)| {
                c.calls
                    .load(Ordering::Relaxed)
                    .saturating_sub(c.failed.load(Ordering::Relaxed))
            })
            .sum()
    }

    /// The `# Commandstats` lines (without the title): every command with
    /// a call, a rejection or a failure, in the table's order.
    pub(crate) fn commandstats(&self, out: &mut String) {
        use std::fmt::Write as _;
        for (meta, c) in TABLE.commands.iter().zip(self.counters.iter()) {
            let calls = c.calls.load(Ordering::Relaxed);
            let rejected = c.rejected.load(Ordering::Relaxed);
            let failed = c.failed.load(Ordering::Relaxed);
            if calls == 0 && rejected == 0 && failed == 0 {
                continue;
            }
            let usec = c.nanos.load(Ordering::Relaxed) / 1000;
            #[allow(clippy::cast_precision_loss)]
            let per_call = if calls == 0 {
                0.0
            } else {
                usec as f64 / calls as f64
            };
            let _ = write!(
                out,
                "cmdstat_{}:calls={calls},usec={usec},usec_per_call={per_call:.2},\
                 rejected_calls={rejected},failed_calls={failed}\r\n",
                meta.spec.name
            );
        }
    }

    /// The `# Errorstats` lines (without the title).
    pub(crate) fn errorstats(&self, out: &mut String) {
        // Sorted by name, as Redis's radix tree lists them.
        let mut errors = self.errors().clone();
        errors.sort_unstable();
        for (word, count) in &errors {
            out.push_str("errorstat_");
            out.push_str(&String::from_utf8_lossy(word));
            out.push_str(":count=");
            out.push_str(&count.to_string());
            out.push_str("\r\n");
        }
    }
}

/// One command's counts in a connection's [`Tally`].
#[derive(Debug, Clone, Copy)]
struct Slot {
    index: Index,
    calls: u32,
    rejected: u32,
    failed: u32,
    ticks: u64,
}

/// Most slots a tally keeps between batches; a batch of many different
/// commands grows it, and the flush shrinks it back.
const KEPT_SLOTS: usize = 16;

/// A connection's counts since its last flush: plain integers, added to
/// [`CommandStats`] once per batch.
#[derive(Debug)]
pub(crate) struct Tally {
    /// The command counted last: a pipeline nearly always repeats it, so
    /// [`Tally::ran`] finds it here with one comparison.
    current: Slot,
    /// The other commands of the batch.
    slots: Vec<Slot>,
    /// Error replies by first word.
    errors: Vec<(Box<[u8]>, u64)>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            current: Slot::empty(NONE),
            slots: Vec::new(),
            errors: Vec::new(),
        }
    }
}

impl Slot {
    fn empty(index: Index) -> Slot {
        Slot {
            index,
            calls: 0,
            rejected: 0,
            failed: 0,
            ticks: 0,
        }
    }

    fn is_empty(&self) -> bool {
        self.calls == 0 && self.rejected == 0 && self.failed == 0
    }

    /// Adds the slot's counts to its command's shared counters.
    fn add_to(&self, shared: &CommandStats, timer: &Timer) {
        let Some(c) = usize::try_from(self.index)
            .ok()
            .and_then(|i| shared.counters.get(i))
        else {
            return;
        };
        if self.calls > 0 {
            c.calls.fetch_add(u64::from(self.calls), Ordering::Relaxed);
            c.nanos
                .fetch_add(timer.nanos(self.ticks), Ordering::Relaxed);
        }
        if self.rejected > 0 || self.failed > 0 {
            c.rejected
                .fetch_add(u64::from(self.rejected), Ordering::Relaxed);
            c.failed
                .fetch_add(u64::from(self.failed), Ordering::Relaxed);
        }
    }
}

impl Tally {
    /// Counts a request of the command at `index` that ran and did not
    /// answer an error, in `ticks`: the hot path, one comparison and two
    /// adds when the command is the last one counted.
    #[inline]
    pub(crate) fn ran(&mut self, index: Index, ticks: u64) {
        if self.current.index == index {
            self.current.calls += 1;
            self.current.ticks += ticks;
        } else {
            self.record(index, ticks, Outcome::Ran);
        }
    }

    /// Counts one request of the command at `index` (not [`NONE`]), which
    /// took `ticks` of the clock.
    #[inline(never)]
    pub(crate) fn record(&mut self, index: Index, ticks: u64, outcome: Outcome) {
        let slot = self.slot(index);
        match outcome {
            Outcome::Ran => {
                slot.calls += 1;
                slot.ticks += ticks;
            }
            Outcome::Failed => {
                slot.calls += 1;
                slot.failed += 1;
                slot.ticks += ticks;
            }
            Outcome::Rejected => slot.rejected += 1,
        }
    }

    /// The slot of `index`, made the current one so that the next request
    /// of the same command finds it first.
    fn slot(&mut self, index: Index) -> &mut Slot {
        if self.current.index != index {
            let found = match self.slots.iter().position(|s| s.index == index) {
                Some(at) => self.slots.swap_remove(at),
                None => Slot::empty(index),
            };
            let previous = std::mem::replace(&mut self.current, found);
            if !previous.is_empty() {
                self.slots.push(previous);
            }
        }
        &mut self.current
    }

    /// Counts an error reply whose encoded form starts `reply` (at least
    /// its first line). Out of line: error replies are the rare case.
    #[cold]
    #[inline(never)]
    pub(crate) fn error(&mut self, reply: &[u8]) {
        let word = error_word(reply);
        match self.errors.iter_mut().find(|(w, _)| &w[..] == word) {
            Some((_, count)) => *count += 1,
            None => self.errors.push((word.into(), 1)),
        }
    }

    /// Adds everything counted since the last flush to `shared`, scaling
    /// ticks to nanoseconds with `clock`.
    #[inline]
    pub(crate) fn flush(&mut self, shared: &CommandStats, timer: &Timer) {
        if !self.current.is_empty() || !self.slots.is_empty() || !self.errors.is_empty() {
            self.flush_slots(shared, timer);
        }
    }

    fn flush_slots(&mut self, shared: &CommandStats, timer: &Timer) {
        let index = self.current.index;
        let current = std::mem::replace(&mut self.current, Slot::empty(index));
        current.add_to(shared, timer);
        if !self.slots.is_empty() {
            for slot in self.slots.drain(..) {
                slot.add_to(shared, timer);
            }
            if self.slots.capacity() > KEPT_SLOTS {
                self.slots.shrink_to(KEPT_SLOTS);
            }
        }
        if !self.errors.is_empty() {
            self.flush_errors(shared);
        }
    }

    #[cold]
    #[inline(never)]
    fn flush_errors(&mut self, shared: &CommandStats) {
        let total: u64 = self.errors.iter().map(|(_, n)| n).sum();
        shared.total_errors.fetch_add(total, Ordering::Relaxed);
        if !shared.errors_enabled.load(Ordering::Relaxed) {
            self.errors.clear();
            return;
        }
        let mut errors = shared.errors();
        for (word, count) in self.errors.drain(..) {
            if let Some((_, n)) = errors.iter_mut().find(|(w, _)| *w == word) {
                *n += count;
                continue;
            }
            match errors.len() {
                len if len < ERRORSTATS_LIMIT => errors.push((word, count)),
                _ => {
                    // As Redis: too many kinds; errorstats is dropped and
                    // stays off until `CONFIG RESETSTAT`.
                    tracing::warn!(
                        "errorstats stopped: more than {ERRORSTATS_LIMIT} kinds of error"
                    );
                    errors.clear();
                    shared.errors_enabled.store(false, Ordering::Relaxed);
                    break;
                }
            }
        }
        self.errors.clear();
        self.errors.shrink_to(KEPT_SLOTS);
    }
}

/// Whether a reply whose first byte is `first` is an error: a simple
/// error (`-`), or RESP3's blob error (`!`).
#[inline]
pub(crate) fn is_error_start(first: Option<&u8>) -> bool {
    matches!(first, Some(b'-' | b'!'))
}

/// The first word of an encoded error reply, as Redis's `afterErrorReply`
/// takes it: up to the first space within the first 32 bytes of the text;
/// `ERR` without one.
fn error_word(reply: &[u8]) -> &[u8] {
    let text = match reply.first() {
        // `!<len>\r\n<text>\r\n`.
        Some(b'!') => reply
            .iter()
            .position(|&b| b == b'\n')
            .and_then(|nl| reply.get(nl + 1..))
            .unwrap_or_default(),
        _ => reply.get(1..).unwrap_or_default(),
    };
    let head = text.get(..text.len().min(31)).unwrap_or_default();
    match head.iter().position(|&b| b == b' ' || b == b'\r') {
        Some(end) if end > 0 && head.get(end) == Some(&b' ') => head.get(..end).unwrap_or(b"ERR"),
        _ => b"ERR",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first word of an error, as Redis takes it; `ERR` when there is
    /// no space early enough.
    #[test]
    fn error_words() {
        assert_eq!(error_word(b"-ERR syntax error\r\n"), b"ERR");
        assert_eq!(error_word(b"-WRONGTYPE Operation\r\n"), b"WRONGTYPE");
        assert_eq!(error_word(b"!14\r\nNOAUTH needed.\r\n"), b"NOAUTH");
        assert_eq!(error_word(b"-NOSPACE\r\n"), b"ERR");
        assert_eq!(error_word(&[b'-'; 80]), b"ERR");
        assert_eq!(error_word(b"-"), b"ERR");
    }

    /// Every data and server command has an index, and the index finds
    /// the command again.
    #[test]
    fn indices_round_trip() {
        for &id in sharedkv_commands::Id::ALL {
            let i = index(Resolved::Data(id));
            assert_eq!(spec_of(i).map(|s| s.name), Some(id.spec().name));
            assert_eq!(index_of_name(id.spec().name), i);
        }
        for spec in table::server_specs() {
            let i = server_index(spec);
            assert_ne!(i, NONE, "{}", spec.name);
            assert_eq!(spec_of(i).map(|s| s.name), Some(spec.name));
        }
        assert_eq!(index_of_name("no-such"), NONE);
    }

    /// A tally adds up per command and outcome, and its flush moves the
    /// counts to the shared counters.
    #[test]
    fn tally_flushes() {
        let shared = CommandStats::default();
        let timer = Timer::default();
        assert!(timer.ticks(timer.nanos(1_000_000)).abs_diff(1_000_000) < 1000);
        let mut tally = Tally::default();
        let get = index_of_name("get");
        let set = index_of_name("set");
        tally.ran(get, 0);
        tally.record(set, 0, Outcome::Failed);
        tally.record(get, 0, Outcome::Rejected);
        tally.ran(get, 0);
        tally.ran(set, 0);
        tally.error(b"-WRONGTYPE x\r\n");
        tally.error(b"-ERR x\r\n");
        tally.error(b"-WRONGTYPE y\r\n");
        tally.flush(&shared, &timer);
        let mut text = String::new();
        shared.commandstats(&mut text);
        assert!(
            text.contains(
                "cmdstat_get:calls=2,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "cmdstat_set:calls=2,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=1\r\n"
            ),
            "{text}"
        );
        let mut errors = String::new();
        shared.errorstats(&mut errors);
        assert_eq!(
            errors,
            "errorstat_ERR:count=1\r\nerrorstat_WRONGTYPE:count=2\r\n"
        );
        assert_eq!(shared.total_errors(), 3);
        shared.reset();
        let mut text = String::new();
        shared.commandstats(&mut text);
        shared.errorstats(&mut text);
        assert_eq!(text, "");
    }
}

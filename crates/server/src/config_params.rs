//! The parameters of `CONFIG GET` and `CONFIG SET`, as Redis 7.0.15 names,
//! parses and prints them, and the live values connections read.
//!
//! [`PARAMS`] is the table: one entry per parameter with its aliases, its
//! kind (which decides how a value is parsed and printed), its default as
//! Redis 7.0.15 prints it, whether it can be set, and what setting it changes
//! here ([`Effect`]). A parameter with [`Effect::None`] is accepted without
//! effect: validated by its kind, stored, and printed back, because test
//! suites and tools set them (`save`, `appendonly`, ...).
//!
//! [`Live`] holds every parameter's printed value, and, for those honoured,
//! the value in the form connections read on their hot path (atomics, and
//! the password behind a lock never held across an `.await`).

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use bytes::Bytes;
use sharedkv_commands::{Error, Settings, c_str};
use sharedkv_db::parse_i64;
use tokio::sync::watch;

use crate::Config;

/// How a parameter's value is parsed and printed.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// `yes` or `no`, in any case.
    Bool,
    /// A decimal integer as Redis's `string2ll` reads it (no sign but `-`,
    /// no leading zeros, no spaces), within the bounds.
    Int { min: i64, max: i64 },
    /// Bytes, with an optional unit as Redis's `memtoull` reads it (`k`,
    /// `kb`, `m`, `mb`, `g`, `gb`, `b`, any case), within the bounds;
    /// printed in bytes.
    Memory { min: u64, max: u64 },
    /// One of the words, in any case; printed as listed.
    Enum(&'static [&'static str]),
    /// Any bytes.
    Str,
    /// `save`: pairs of seconds (at least 1) and changes (at least 0).
    Save,
    /// `client-output-buffer-limit`: `<class> <hard> <soft> <seconds>` groups.
    OutputLimit,
    /// `notify-keyspace-events`: letters of `Ag$lshzxeKEtmdn`.
    Events,
}

/// Whether `CONFIG SET` may change a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    Mutable,
    /// Set at start-up only (`databases`, `daemonize`).
    Immutable,
    /// Settable in Redis only with `enable-protected-configs`, which is off
    /// by default and immutable (`dir`, `dbfilename`).
    Protected,
}

/// What setting a parameter changes in sharedkv.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Accepted without effect.
    None,
    MaxClients,
    Timeout,
    RequirePass,
    /// The hard limits of the normal and pub/sub classes.
    OutputLimit,
    ProtoMaxBulkLen,
    HashEntries,
    HashValue,
    SetIntsetEntries,
    ZsetEntries,
    ZsetValue,
    /// `hz`: stored clamped to 1..=500, as Redis does; no other effect.
    Hz,
    /// `port`: printed as the port actually listened on.
    Port,
    /// `notify-keyspace-events`: the classes of keyspace events published.
    NotifyEvents,
    /// `slowlog-log-slower-than`, in microseconds; negative: off.
    SlowlogSlowerThan,
    SlowlogMaxLen,
    /// `latency-monitor-threshold`, in milliseconds; 0: off.
    LatencyThreshold,
    /// `busy-reply-threshold` (`lua-time-limit`), in milliseconds: how long
    /// a script runs before others are answered `BUSY`.
    BusyThreshold,
}

/// One parameter.
#[derive(Debug)]
pub(crate) struct Param {
    pub(crate) name: &'static str,
    /// Other names for it, listed by `CONFIG GET *` as parameters of their
    /// own, as Redis 7.0 lists them.
    pub(crate) aliases: &'static [&'static str],
    pub(crate) kind: Kind,
    /// As Redis 7.0.15 prints it.
    pub(crate) default: &'static str,
    pub(crate) access: Access,
    pub(crate) effect: Effect,
}

const INT_MAX: i64 = i32::MAX as i64;
const LLONG_MAX: i64 = i64::MAX;
const LONG_MAX_U: u64 = i64::MAX as u64;

const fn param(
    name: &'static str,
    aliases: &'static [&'static str],
    kind: Kind,
    default: &'static str,
) -> Param {
    Param {
        name,
        aliases,
        kind,
        default,
        access: Access::Mutable,
        effect: Effect::None,
    }
}

const fn honoured(
    name: &'static str,
    aliases: &'static [&'static str],
    kind: Kind,
    default: &'static str,
    effect: Effect,
) -> Param {
    Param {
        effect,
        ..param(name, aliases, kind, default)
    }
}

const fn fixed(name: &'static str, kind: Kind, default: &'static str, access: Access) -> Param {
    Param {
        access,
        ..param(name, &[], kind, default)
    }
}

const fn int(min: i64, max: i64) -> Kind {
    Kind::Int { min, max }
}

const fn memory(min: u64, max: u64) -> Kind {
    Kind::Memory { min, max }
}

/// The parameters, honoured ones first, then those accepted without
/// effect: the Redis 7.0 parameters a client, a benchmark or a test suite
/// plausibly sets. Bounds, words and defaults are read off redis-server
/// 7.0.15.
pub(crate) static PARAMS: &[Param] = &[
    honoured(
        "maxclients",
        &[],
        int(1, 4_294_967_295),
        "10000",
        Effect::MaxClients,
    ),
    honoured("timeout", &[], int(0, INT_MAX), "0", Effect::Timeout),
    honoured("requirepass", &[], Kind::Str, "", Effect::RequirePass),
    honoured(
        "client-output-buffer-limit",
        &[],
        Kind::OutputLimit,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
        Effect::OutputLimit,
    ),
    honoured(
        "proto-max-bulk-len",
        &[],
        memory(1024 * 1024, LONG_MAX_U),
        "536870912",
        Effect::ProtoMaxBulkLen,
    ),
    honoured(
        "hash-max-listpack-entries",
        &["hash-max-ziplist-entries"],
        int(0, LLONG_MAX),
        "512",
        Effect::HashEntries,
    ),
    honoured(
        "hash-max-listpack-value",
        &["hash-max-ziplist-value"],
        memory(0, LONG_MAX_U),
        "64",
        Effect::HashValue,
    ),
    honoured(
        "set-max-intset-entries",
        &[],
        int(0, LLONG_MAX),
        "512",
        Effect::SetIntsetEntries,
    ),
    honoured(
        "zset-max-listpack-entries",
        &["zset-max-ziplist-entries"],
        int(0, LLONG_MAX),
        "128",
        Effect::ZsetEntries,
    ),
    honoured(
        "zset-max-listpack-value",
        &["zset-max-ziplist-value"],
        memory(0, LONG_MAX_U),
        "64",
        Effect::ZsetValue,
    ),
    Param {
        access: Access::Immutable,
        ..honoured("port", &[], int(0, 65535), "6379", Effect::Port)
    },
    fixed("databases", int(1, INT_MAX), "16", Access::Immutable),
    fixed("daemonize", Kind::Bool, "no", Access::Immutable),
    fixed("io-threads", int(1, 128), "1", Access::Immutable),
    fixed("tcp-backlog", int(0, INT_MAX), "511", Access::Immutable),
    fixed(
        "appendfilename",
        Kind::Str,
        "appendonly.aof",
        Access::Immutable,
    ),
    fixed(
        "appenddirname",
        Kind::Str,
        "appendonlydir",
        Access::Immutable,
    ),
    fixed("dir", Kind::Str, "", Access::Protected),
    fixed("dbfilename", Kind::Str, "dump.rdb", Access::Protected),
    param("save", &[], Kind::Save, "3600 1 300 100 60 10000"),
    param("appendonly", &[], Kind::Bool, "no"),
    param(
        "appendfsync",
        &[],
        Kind::Enum(&["everysec", "always", "no"]),
        "everysec",
    ),
    param("no-appendfsync-on-rewrite", &[], Kind::Bool, "no"),
    param("auto-aof-rewrite-percentage", &[], int(0, INT_MAX), "100"),
    param(
        "auto-aof-rewrite-min-size",
        &[],
        memory(0, LONG_MAX_U),
        "67108864",
    ),
    param("aof-use-rdb-preamble", &[], Kind::Bool, "yes"),
    param("stop-writes-on-bgsave-error", &[], Kind::Bool, "yes"),
    param("rdbcompression", &[], Kind::Bool, "yes"),
    param("maxmemory", &[], memory(0, u64::MAX), "0"),
    param(
        "maxmemory-policy",
        &[],
        Kind::Enum(&[
            "volatile-lru",
            "volatile-lfu",
            "volatile-random",
            "volatile-ttl",
            "allkeys-lru",
            "allkeys-lfu",
            "allkeys-random",
            "noeviction",
        ]),
        "noeviction",
    ),
    param("maxmemory-samples", &[], int(1, INT_MAX), "5"),
    param("maxmemory-eviction-tenacity", &[], int(0, 100), "10"),
    param(
        "list-max-listpack-size",
        &["list-max-ziplist-size"],
        int(i32::MIN as i64, INT_MAX),
        "-2",
    ),
    param("list-compress-depth", &[], int(0, INT_MAX), "0"),
    param("stream-node-max-bytes", &[], memory(0, LONG_MAX_U), "4096"),
    param("stream-node-max-entries", &[], int(0, LLONG_MAX), "100"),
    param("hll-sparse-max-bytes", &[], memory(0, LONG_MAX_U), "3000"),
    param("activerehashing", &[], Kind::Bool, "yes"),
    param("activedefrag", &[], Kind::Bool, "no"),
    param("active-expire-effort", &[], int(1, 10), "1"),
    param("lazyfree-lazy-eviction", &[], Kind::Bool, "no"),
    param("lazyfree-lazy-expire", &[], Kind::Bool, "no"),
    param("lazyfree-lazy-server-del", &[], Kind::Bool, "no"),
    param("lazyfree-lazy-user-del", &[], Kind::Bool, "no"),
    param("lazyfree-lazy-user-flush", &[], Kind::Bool, "no"),
    param("latency-tracking", &[], Kind::Bool, "yes"),
    honoured(
        "latency-monitor-threshold",
        &[],
        int(0, LLONG_MAX),
        "0",
        Effect::LatencyThreshold,
    ),
    honoured(
        "busy-reply-threshold",
        &["lua-time-limit"],
        int(0, LLONG_MAX),
        "5000",
        Effect::BusyThreshold,
    ),
    honoured(
        "notify-keyspace-events",
        &[],
        Kind::Events,
        "",
        Effect::NotifyEvents,
    ),
    honoured(
        "slowlog-log-slower-than",
        &[],
        int(-1, LLONG_MAX),
        "10000",
        Effect::SlowlogSlowerThan,
    ),
    honoured(
        "slowlog-max-len",
        &[],
        int(0, LLONG_MAX),
        "128",
        Effect::SlowlogMaxLen,
    ),
    param("acllog-max-len", &[], int(0, LLONG_MAX), "128"),
    honoured("hz", &[], int(0, INT_MAX), "10", Effect::Hz),
    param("dynamic-hz", &[], Kind::Bool, "yes"),
    param(
        "loglevel",
        &[],
        Kind::Enum(&["debug", "verbose", "notice", "warning"]),
        "notice",
    ),
    param("bind", &[], Kind::Str, "* -::*"),
    param("protected-mode", &[], Kind::Bool, "yes"),
    param("tcp-keepalive", &[], int(0, INT_MAX), "300"),
    param(
        "client-query-buffer-limit",
        &[],
        memory(1024 * 1024, LONG_MAX_U),
        "1073741824",
    ),
    param("tracking-table-max-keys", &[], int(0, LLONG_MAX), "1000000"),
    param("lfu-log-factor", &[], int(0, INT_MAX), "10"),
    param("lfu-decay-time", &[], int(0, INT_MAX), "1"),
    param("replica-read-only", &["slave-read-only"], Kind::Bool, "yes"),
    param("repl-backlog-size", &[], memory(1, LONG_MAX_U), "1048576"),
    param("shutdown-timeout", &[], int(0, INT_MAX), "10"),
];

/// Finds a parameter by any of its names, ignoring case, as Redis's config
/// dictionary does: the parameter's index and the name as the table spells
/// it (an alias when `name` is one).
pub(crate) fn lookup(name: &[u8]) -> Option<(usize, &'static str)> {
    PARAMS.iter().enumerate().find_map(|(i, p)| {
        std::iter::once(p.name)
            .chain(p.aliases.iter().copied())
            .find(|n| n.as_bytes().eq_ignore_ascii_case(name))
            .map(|n| (i, n))
    })
}

/// Every name `CONFIG GET` can list, aliases as names of their own, with
/// the parameter each belongs to.
pub(crate) fn names() -> impl Iterator<Item = (usize, &'static str)> {
    PARAMS.iter().enumerate().flat_map(|(i, p)| {
        std::iter::once(p.name)
            .chain(p.aliases.iter().copied())
            .map(move |n| (i, n))
    })
}

/// `value` parsed for `param` and printed as `CONFIG GET` will print it;
/// or the reason Redis gives for refusing it (the part after `- `).
pub(crate) fn parse(param: &Param, value: &[u8]) -> Result<String, String> {
    let printed = match param.kind {
        Kind::Bool => {
            if value.eq_ignore_ascii_case(b"yes") {
                "yes".to_owned()
            } else if value.eq_ignore_ascii_case(b"no") {
                "no".to_owned()
            } else {
                return Err("argument must be 'yes' or 'no'".to_owned());
            }
        }
        Kind::Int { min, max } => {
            let n = parse_i64(value)
                .ok_or_else(|| "argument couldn't be parsed into an integer".to_owned())?;
            if n < min || n > max {
                return Err(format!(
                    "argument must be between {min} and {max} inclusive"
                ));
            }
            let n = if param.effect == Effect::Hz {
                n.clamp(1, 500)
            } else {
                n
            };
            n.to_string()
        }
        Kind::Memory { min, max } => {
            let n =
                parse_memory(value).ok_or_else(|| "argument must be a memory value".to_owned())?;
            if n < min || n > max {
                return Err(format!(
                    "argument must be between {min} and {max} inclusive"
                ));
            }
            n.to_string()
        }
        Kind::Enum(words) => match words
            .iter()
            .find(|w| w.as_bytes().eq_ignore_ascii_case(value))
        {
            Some(word) => (*word).to_owned(),
            None => {
                return Err(format!(
                    "argument(s) must be one of the following: {}",
                    words.join(", ")
                ));
            }
        },
        Kind::Str => String::from_utf8_lossy(value).into_owned(),
        Kind::Save => parse_save(value).ok_or_else(|| "Invalid save parameters".to_owned())?,
        Kind::OutputLimit => format_output_limits(&parse_output_limits(value, None)?),
        Kind::Events => parse_events(value)
            .ok_or_else(|| "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".to_owned())?,
    };
    Ok(printed)
}

/// Redis's `memtoull`: digits, then an optional unit (`b`, `k` = 1000,
/// `kb` = 1024, `m`, `mb`, `g`, `gb`, any case). As there, no digits reads
/// as 0, digits past `u64::MAX` saturate and the multiplication wraps.
fn parse_memory(text: &[u8]) -> Option<u64> {
    let digits = text.iter().take_while(|c| c.is_ascii_digit()).count();
    let (number, unit) = text.split_at(digits);
    let unit = unit.to_ascii_lowercase();
    let multiplier: u64 = match unit.as_slice() {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    // Redis copies the digits into a 128-byte buffer first.
    if number.len() >= 128 {
        return None;
    }
    let value = number.iter().fold(0u64, |n, &d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    Some(value.wrapping_mul(multiplier))
}

/// `save "<seconds> <changes> ..."`: the pairs as Redis prints them back,
/// or `None` for an odd count, a bad integer, seconds under 1 or changes
/// under 0.
fn parse_save(text: &[u8]) -> Option<String> {
    let words: Vec<&[u8]> = text
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() % 2 == 1 {
        return None;
    }
    let mut printed = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        let n = parse_i64(word)?;
        if (i % 2 == 0 && n < 1) || n < 0 {
            return None;
        }
        printed.push(n.to_string());
    }
    Some(printed.join(" "))
}

/// One class of `client-output-buffer-limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OutputLimit {
    pub(crate) hard: u64,
    pub(crate) soft: u64,
    pub(crate) seconds: i64,
}

/// Redis's default for the pubsub class: dropped past 32 MiB unsent, or
/// past 8 MiB for more than 60 seconds.
pub(crate) const DEFAULT_PUBSUB_LIMIT: OutputLimit = OutputLimit {
    hard: 33_554_432,
    soft: 8_388_608,
    seconds: 60,
};

/// One class's limits as connections read them: atomics, since every
/// request reads the hard one. 0 is no limit.
#[derive(Debug)]
pub(crate) struct ClassLimits {
    hard: AtomicUsize,
    soft: AtomicUsize,
    seconds: AtomicU64,
}

impl ClassLimits {
    fn new(limit: OutputLimit) -> Self {
        let limits = ClassLimits {
            hard: AtomicUsize::new(0),
            soft: AtomicUsize::new(0),
            seconds: AtomicU64::new(0),
        };
        limits.set(limit);
        limits
    }

    fn set(&self, limit: OutputLimit) {
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        self.hard.store(size(limit.hard), Ordering::Relaxed);
        self.soft.store(size(limit.soft), Ordering::Relaxed);
        self.seconds
            .store(u64::try_from(limit.seconds).unwrap_or(0), Ordering::Relaxed);
    }

    /// Unsent bytes past which the client is dropped at once.
    pub(crate) fn hard(&self) -> usize {
        self.hard.load(Ordering::Relaxed)
    }

    /// Unsent bytes the client may stay above for [`seconds`](Self::seconds)
    /// at most.
    pub(crate) fn soft(&self) -> usize {
        self.soft.load(Ordering::Relaxed)
    }

    pub(crate) fn seconds(&self) -> u64 {
        self.seconds.load(Ordering::Relaxed)
    }
}

/// The classes in the order Redis prints them.
const CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

/// `client-output-buffer-limit`: each `<class> <hard> <soft> <seconds>`
/// group replaces that class's limits in `current` (Redis's defaults when
/// `None`); the classes are `normal`, `slave` or `replica`, `pubsub`.
pub(crate) fn parse_output_limits(
    text: &[u8],
    current: Option<[OutputLimit; 3]>,
) -> Result<[OutputLimit; 3], String> {
    let mut limits = current.unwrap_or([
        OutputLimit {
            hard: 0,
            soft: 0,
            seconds: 0,
        },
        OutputLimit {
            hard: 268_435_456,
            soft: 67_108_864,
            seconds: 60,
        },
        DEFAULT_PUBSUB_LIMIT,
    ]);
    let words: Vec<&[u8]> = text
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    if !words.len().is_multiple_of(4) {
        return Err("Wrong number of arguments in buffer limit configuration.".to_owned());
    }
    for group in words.chunks_exact(4) {
        let [class, hard, soft, seconds] = group else {
            continue;
        };
        let class = if class.eq_ignore_ascii_case(b"replica") {
            "slave"
        } else {
            CLASSES
                .iter()
                .find(|c| c.as_bytes().eq_ignore_ascii_case(class))
                .ok_or_else(|| {
                    "Invalid client class specified in buffer limit configuration.".to_owned()
                })?
        };
        let bad = || "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        let hard = parse_memory(hard).ok_or_else(bad)?;
        let soft = parse_memory(soft).ok_or_else(bad)?;
        let seconds = parse_i64(seconds).filter(|&s| s >= 0).ok_or_else(bad)?;
        if let Some(i) = CLASSES.iter().position(|c| *c == class) {
            limits[i] = OutputLimit {
                hard,
                soft,
                seconds,
            };
        }
    }
    Ok(limits)
}

fn format_output_limits(limits: &[OutputLimit; 3]) -> String {
    CLASSES
        .iter()
        .zip(limits)
        .map(|(class, l)| format!("{class} {} {} {}", l.hard, l.soft, l.seconds))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `notify-keyspace-events`, printed as Redis's
/// `keyspaceEventsFlagsToString` prints it: `A` for every class `A`
/// stands for, then `K`, `E`, `m`.
fn parse_events(text: &[u8]) -> Option<String> {
    /// The class letters `A` stands for, in Redis's print order.
    const ALL: &[u8] = b"g$lshzxetd";
    let mut seen: Vec<u8> = Vec::new();
    for &c in text {
        match c {
            b'A' => seen.extend_from_slice(ALL),
            c if b"g$lshzxeKEtmdn".contains(&c) => seen.push(c),
            _ => return None,
        }
    }
    let mut out = String::new();
    if ALL.iter().all(|c| seen.contains(c)) {
        out.push('A');
    } else {
        out.extend(
            b"g$lshzxetdn"
                .iter()
                .filter(|c| seen.contains(c))
                .map(|&c| char::from(c)),
        );
    }
    out.extend(
        b"KEm"
            .iter()
            .filter(|c| seen.contains(c))
            .map(|&c| char::from(c)),
    );
    Some(out)
}

/// The server's configuration as it is now: what `CONFIG GET` prints and
/// what connections read. Seeded from the start-up [`Config`]; changed by
/// `CONFIG SET`.
///
/// **Locking behaviour:** `values` and `requirepass` are `std` locks, held
/// only to copy a value in or out, never across an `.await`.
#[derive(Debug)]
pub(crate) struct Live {
    /// Every parameter's printed value, by index in [`PARAMS`].
    values: RwLock<Vec<String>>,
    max_clients: AtomicUsize,
    /// Milliseconds (the start-up [`Config::timeout`] may be below a
    /// second; `CONFIG SET` sets whole seconds). 0: no timeout.
    timeout_ms: AtomicU64,
    /// `None`, or an empty password, is no password.
    requirepass: RwLock<Option<Bytes>>,
    /// `client-output-buffer-limit`'s normal and pubsub classes (no
    /// client is a replica); see [`ClassLimits`].
    output_limit_normal: ClassLimits,
    output_limit_pubsub: ClassLimits,
    proto_max_bulk_len: AtomicUsize,
    /// Counts the `CONFIG SET`s that changed something connections cache
    /// (the decoder's limits), so each notices once per batch.
    generation: AtomicU64,
    /// Wakes idle connections after a `CONFIG SET`, so a timeout set now
    /// applies to a client already waiting.
    changed: watch::Sender<u64>,
    /// The encoding thresholds, which the data commands read through
    /// `Ctx::settings`.
    pub(crate) settings: Arc<Settings>,
    /// `slowlog-log-slower-than` (µs), `slowlog-max-len` and
    /// `latency-monitor-threshold` (ms): read by each connection once per
    /// `CONFIG SET` (see `generation`), and by a slow command.
    slowlog_slower_than: AtomicI64,
    slowlog_max_len: AtomicUsize,
    latency_threshold_ms: AtomicU64,
    /// `busy-reply-threshold` (ms), which `CONFIG SET` hands on to the
    /// script engine.
    busy_threshold_ms: AtomicU64,
}

impl Live {
    /// The values of a server started with `config`.
    pub(crate) fn new(config: &Config) -> Self {
        let live = Live {
            values: RwLock::new(PARAMS.iter().map(|p| p.default.to_owned()).collect()),
            max_clients: AtomicUsize::new(config.max_clients),
            timeout_ms: AtomicU64::new(
                config
                    .timeout
                    .map_or(0, |t| u64::try_from(t.as_millis()).unwrap_or(u64::MAX)),
            ),
            requirepass: RwLock::new(
                config
                    .requirepass
                    .as_ref()
                    .map(|p| Bytes::copy_from_slice(p.as_bytes())),
            ),
            output_limit_normal: ClassLimits::new(OutputLimit {
                hard: config.client_output_buffer_limit as u64,
                soft: 0,
                seconds: 0,
            }),
            output_limit_pubsub: ClassLimits::new(DEFAULT_PUBSUB_LIMIT),
            proto_max_bulk_len: AtomicUsize::new(config.limits.max_bulk_len),
            generation: AtomicU64::new(0),
            changed: watch::Sender::new(0),
            settings: Arc::new(Settings::new()),
            slowlog_slower_than: AtomicI64::new(10_000),
            slowlog_max_len: AtomicUsize::new(128),
            latency_threshold_ms: AtomicU64::new(0),
            busy_threshold_ms: AtomicU64::new(5_000),
        };
        let limit = config.client_output_buffer_limit;
        let dir = std::env::current_dir()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        let seeded = [
            ("maxclients", config.max_clients.to_string()),
            (
                "timeout",
                config.timeout.map_or(0, |t| t.as_secs()).to_string(),
            ),
            (
                "requirepass",
                config.requirepass.clone().unwrap_or_default(),
            ),
            (
                "client-output-buffer-limit",
                format!(
                    "normal {limit} 0 0 slave 268435456 67108864 60 pubsub {} {} {}",
                    DEFAULT_PUBSUB_LIMIT.hard,
                    DEFAULT_PUBSUB_LIMIT.soft,
                    DEFAULT_PUBSUB_LIMIT.seconds
                ),
            ),
            ("proto-max-bulk-len", config.limits.max_bulk_len.to_string()),
            ("databases", sharedkv_db::DATABASES.to_string()),
            ("dir", dir),
            // sharedkv persists nothing: Redis's value for `--save ''`.
            ("save", String::new()),
        ];
        if let Ok(mut values) = live.values.write() {
            for (name, value) in seeded {
                if let Some((i, _)) = lookup(name.as_bytes())
                    && let Some(slot) = values.get_mut(i)
                {
                    *slot = value;
                }
            }
        }
        live
    }

    /// Connections served at once.
    pub(crate) fn max_clients(&self) -> usize {
        self.max_clients.load(Ordering::Relaxed)
    }

    /// The idle timeout, if any.
    pub(crate) fn timeout(&self) -> Option<std::time::Duration> {
        match self.timeout_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some(std::time::Duration::from_millis(ms)),
        }
    }

    /// The password clients must `AUTH` with, if any.
    pub(crate) fn requirepass(&self) -> Option<Bytes> {
        self.requirepass
            .read()
            .ok()
            .and_then(|p| p.clone())
            .filter(|p| !p.is_empty())
    }

    /// The output buffer limits for a client, by whether it is subscribed
    /// (pubsub class) or not (normal class).
    pub(crate) fn output_limits(&self, subscriber: bool) -> &ClassLimits {
        if subscriber {
            &self.output_limit_pubsub
        } else {
            &self.output_limit_normal
        }
    }

    /// `proto-max-bulk-len`.
    pub(crate) fn proto_max_bulk_len(&self) -> usize {
        self.proto_max_bulk_len.load(Ordering::Relaxed)
    }

    /// `slowlog-log-slower-than`, in microseconds: negative is off.
    pub(crate) fn slowlog_slower_than(&self) -> i64 {
        self.slowlog_slower_than.load(Ordering::Relaxed)
    }

    /// `slowlog-max-len`.
    pub(crate) fn slowlog_max_len(&self) -> usize {
        self.slowlog_max_len.load(Ordering::Relaxed)
    }

    /// `latency-monitor-threshold`, in milliseconds: 0 is off.
    pub(crate) fn latency_threshold_ms(&self) -> u64 {
        self.latency_threshold_ms.load(Ordering::Relaxed)
    }

    /// `busy-reply-threshold`, in milliseconds.
    pub(crate) fn busy_threshold_ms(&self) -> u64 {
        self.busy_threshold_ms.load(Ordering::Relaxed)
    }

    /// Changes each time a `CONFIG SET` succeeds.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    /// A receiver that wakes when a `CONFIG SET` succeeds.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// The printed value of parameter `i`.
    pub(crate) fn value(&self, i: usize) -> String {
        self.values
            .read()
            .ok()
            .and_then(|v| v.get(i).cloned())
            .unwrap_or_default()
    }

    /// `CONFIG SET`'s words (`name value ...`, an even number of them): all
    /// set, or, at the first problem, none and Redis's error.
    pub(crate) fn set(&self, words: &[Bytes]) -> Result<(), Error> {
        // First pass, as Redis's: names, then access, then duplicates; the
        // first problem found stops the checks (an unknown name found first
        // wins over every later problem).
        let mut chosen: Vec<(usize, &'static str, &Bytes)> = Vec::new();
        for pair in words.chunks_exact(2) {
            let [name, value] = pair else { continue };
            let Some((i, spelled)) = lookup(name) else {
                return Err(Error::render(&[
                    b"ERR Unknown option or number of arguments for CONFIG SET - '",
                    c_str(name, usize::MAX),
                    b"'",
                ]));
            };
            let failed = |why: &str| {
                Error::render(&[
                    b"ERR CONFIG SET failed (possibly related to argument '",
                    c_str(name, usize::MAX),
                    b"') - ",
                    why.as_bytes(),
                ])
            };
            match PARAMS.get(i).map(|p| p.access) {
                Some(Access::Immutable) => return Err(failed("can't set immutable config")),
                Some(Access::Protected) => return Err(failed("can't set protected config")),
                _ => {}
            }
            // Aliases are entries of their own in Redis 7.0's dictionary, so
            // a name and its alias in one call are no duplicate.
            if chosen.iter().any(|&(j, s, _)| j == i && s == spelled) {
                return Err(failed("duplicate parameter"));
            }
            chosen.push((i, spelled, value));
        }
        // Second pass: every value parsed before any is applied.
        let mut parsed: Vec<(usize, String, Bytes)> = Vec::with_capacity(chosen.len());
        for (i, spelled, value) in chosen {
            let Some(param) = PARAMS.get(i) else { continue };
            let printed = if param.kind_is_output_limit() {
                let current = parse_output_limits(self.value(i).as_bytes(), None).ok();
                parse_output_limits(value, current).map(|l| format_output_limits(&l))
            } else {
                parse(param, value)
            };
            match printed {
                Ok(printed) => parsed.push((i, printed, value.clone())),
                Err(why) => {
                    return Err(Error::render(&[
                        b"ERR CONFIG SET failed (possibly related to argument '",
                        spelled.as_bytes(),
                        b"') - ",
                        why.as_bytes(),
                    ]));
                }
            }
        }
        self.apply(parsed);
        Ok(())
    }

    /// Stores the values and applies what they change, under the write
    /// lock so that two `CONFIG SET`s do not interleave.
    fn apply(&self, parsed: Vec<(usize, String, Bytes)>) {
        let Ok(mut values) = self.values.write() else {
            return;
        };
        for (i, printed, raw) in parsed {
            if let Some(param) = PARAMS.get(i) {
                self.take_effect(param.effect, &printed, raw);
            }
            if let Some(slot) = values.get_mut(i) {
                *slot = printed;
            }
        }
        drop(values);
        self.generation.fetch_add(1, Ordering::Relaxed);
        self.changed.send_modify(|g| *g = g.wrapping_add(1));
    }

    /// Makes a value that [`parse`] printed take effect (`raw`: as the
    /// client sent it, for the password, which need not be UTF-8).
    fn take_effect(&self, effect: Effect, printed: &str, raw: Bytes) {
        let number = || printed.parse::<u64>().unwrap_or_default();
        let size = || usize::try_from(number()).unwrap_or(usize::MAX);
        let settings = &self.settings;
        match effect {
            Effect::None | Effect::Hz | Effect::Port => {}
            Effect::MaxClients => self.max_clients.store(size(), Ordering::Relaxed),
            Effect::Timeout => self
                .timeout_ms
                .store(number().saturating_mul(1000), Ordering::Relaxed),
            Effect::RequirePass => {
                if let Ok(mut password) = self.requirepass.write() {
                    // Copied: it outlives the request's buffer.
                    *password = Some(Bytes::copy_from_slice(&raw));
                }
            }
            Effect::OutputLimit => {
                if let Ok([normal, _, pubsub]) = parse_output_limits(printed.as_bytes(), None) {
                    self.output_limit_normal.set(normal);
                    self.output_limit_pubsub.set(pubsub);
                }
            }
            Effect::ProtoMaxBulkLen => self.proto_max_bulk_len.store(size(), Ordering::Relaxed),
            Effect::HashEntries => settings.set_hash_max_listpack_entries(number()),
            Effect::HashValue => settings.set_hash_max_listpack_value(number()),
            Effect::SetIntsetEntries => settings.set_set_max_intset_entries(number()),
            Effect::ZsetEntries => settings.set_zset_max_listpack_entries(number()),
            Effect::ZsetValue => settings.set_zset_max_listpack_value(number()),
            // From the value as sent: Redis prints `KEAn` as `AKE` but
            // keeps `n`.
            Effect::NotifyEvents => {
                settings.set_notify_flags(sharedkv_commands::notify::parse_flags(&raw).unwrap_or(0))
            }
            Effect::SlowlogSlowerThan => self
                .slowlog_slower_than
                .store(printed.parse().unwrap_or(10_000), Ordering::Relaxed),
            Effect::SlowlogMaxLen => self.slowlog_max_len.store(size(), Ordering::Relaxed),
            Effect::LatencyThreshold => {
                self.latency_threshold_ms.store(number(), Ordering::Relaxed)
            }
            Effect::BusyThreshold => self.busy_threshold_ms.store(number(), Ordering::Relaxed),
        }
    }
}

impl Param {
    fn kind_is_output_limit(&self) -> bool {
        matches!(self.kind, Kind::OutputLimit)
    }
}

/// `CONFIG REWRITE`'s error: sharedkv is never started from a
/// configuration file.
pub(crate) const NO_CONFIG_FILE: Error =
    Error::Fixed("ERR The server is running without a config file");

/// A client slot under `maxclients`: held for a connection's life.
#[derive(Debug)]
pub(crate) struct ClientSlot(Arc<AtomicUsize>);

impl ClientSlot {
    /// One more connected client, unless `max` are connected already.
    pub(crate) fn acquire(connected: &Arc<AtomicUsize>, max: usize) -> Option<ClientSlot> {
        connected
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| ClientSlot(Arc::clone(connected)))
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Units as `memtoull` reads them: `k` is 1000, `kb` 1024, any case;
    /// no digits is 0; a sign, a space or a fraction is no memory value.
    #[test]
    fn memory_values() {
        assert_eq!(parse_memory(b"1k"), Some(1000));
        assert_eq!(parse_memory(b"1KB"), Some(1024));
        assert_eq!(parse_memory(b"2gb"), Some(2 << 30));
        assert_eq!(parse_memory(b"7b"), Some(7));
        assert_eq!(parse_memory(b""), Some(0));
        assert_eq!(parse_memory(b"kb"), Some(0));
        assert_eq!(parse_memory(b"99999999999999999999"), Some(u64::MAX));
        assert_eq!(
            parse_memory(b"20000000000gb"),
            Some(3_028_092_406_290_448_384)
        );
        for bad in [&b"-1"[..], b" 1", b"1.5mb", b"1xb", b"0x10"] {
            assert_eq!(parse_memory(bad), None);
        }
    }

    /// `notify-keyspace-events` prints as Redis does: `KEA` is `AKE`.
    #[test]
    fn events_print_as_redis() {
        assert_eq!(parse_events(b"KEA").as_deref(), Some("AKE"));
        assert_eq!(parse_events(b"Ex$").as_deref(), Some("$xE"));
        assert_eq!(parse_events(b"").as_deref(), Some(""));
        assert_eq!(parse_events(b"xyz"), None);
    }

    /// Every name, alias or not, is found once, in any case.
    #[test]
    fn names_are_unique() {
        let all: Vec<&str> = names().map(|(_, n)| n).collect();
        for name in &all {
            assert_eq!(all.iter().filter(|n| *n == name).count(), 1, "{name}");
            assert_eq!(
                lookup(name.to_ascii_uppercase().as_bytes()).map(|(_, n)| n),
                Some(*name)
            );
        }
        // Every default parses to itself (the printed form is canonical).
        for p in PARAMS {
            if p.access == Access::Mutable {
                assert_eq!(parse(p, p.default.as_bytes()).as_deref(), Ok(p.default));
            }
        }
    }
}

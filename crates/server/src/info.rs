//! `INFO [section ...]`: Redis 7.0.15's sections, in its order, each with
//! the fields redis-server 7.0.15 prints, in its order, so that tools that
//! parse them (`redis-cli --stat`, client libraries' ready checks,
//! dashboards) find every field they look for.
//!
//! A field is either measured here or true by construction: there is no
//! persistence, no replica, no fork, no Lua, no module, no eviction, so
//! their counters are 0 and their statuses `ok`. What is measured:
//!
//! - **server**: the OS (from `/proc/sys/kernel`), a `run_id` random per
//!   server, the clock, the executable.
//! - **memory**: there is no allocator count, so `used_memory` is the
//!   process's resident set (an upper bound), `used_memory_peak` its peak
//!   (`VmHWM`), `used_memory_startup` the resident set when the server
//!   was made, and the allocator's figures are the resident set too (so
//!   every fragmentation ratio is 1.00 by definition).
//! - **stats**: connections, commands, network bytes and reads (counted
//!   per batch by each connection), error replies, pub/sub channels.
//! - **cpu**: `/proc/self/stat`, in clock ticks of 1/100 s.
//! - **commandstats**, **errorstats**: `stats`.
//!
//! `keyspace_hits` and `keyspace_misses` count every read of a key
//! (`Db::read`, `read_many`), as Redis counts its read lookups. `latencystats` (per-command
//! percentiles) is not kept, so the section is not printed.

use std::fmt::{Display, Write as _};
use std::sync::atomic::Ordering;

use bytes::Bytes;
use sharedkv_commands::Reply;
use sharedkv_db::{Db, DbIndex};

use crate::Shared;
use crate::clients::OpsRate;
use crate::config_params;
use crate::introspect::{REDIS_VERSION, proc_bytes, resident_set_bytes};

/// What identifies one server and what it measured when it was made.
#[derive(Debug)]
pub(crate) struct Identity {
    /// 40 hex digits, random per server, as Redis's `run_id`.
    pub(crate) run_id: String,
    /// The replication id Redis makes at start: random too.
    pub(crate) replid: String,
    /// Unix time at start: `rdb_last_save_time` (nothing was ever saved).
    pub(crate) started_unix: u64,
    /// The resident set when the server was made: `used_memory_startup`.
    pub(crate) startup_rss: u64,
    /// Bytes read and written per second, sampled with the command rate.
    pub(crate) input_rate: OpsRate,
    pub(crate) output_rate: OpsRate,
}

impl Default for Identity {
    fn default() -> Self {
        Identity {
            run_id: random_hex(40),
            replid: random_hex(40),
            started_unix: unix_micros() / 1_000_000,
            startup_rss: resident_set_bytes().unwrap_or(0),
            input_rate: OpsRate::default(),
            output_rate: OpsRate::default(),
        }
    }
}

/// `n` hex digits from the standard library's randomly keyed hasher: unique
/// per server, not a secret.
fn random_hex(n: usize) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::with_capacity(n + 16);
    let mut i = 0u64;
    while out.len() < n {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(i);
        hasher.write_u64(unix_micros());
        let _ = write!(out, "{:016x}", hasher.finish());
        i += 1;
    }
    out.truncate(n);
    out
}

fn unix_micros() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// The sections, in Redis's order, and whether `INFO` without arguments
/// (`default`) and `INFO all` print them. `everything` prints all.
const SECTIONS: &[(&str, bool, bool)] = &[
    ("server", true, true),
    ("clients", true, true),
    ("memory", true, true),
    ("persistence", true, true),
    ("stats", true, true),
    ("replication", true, true),
    ("cpu", true, true),
    ("modules", true, true),
    ("commandstats", false, true),
    ("errorstats", true, true),
    ("cluster", true, true),
    ("keyspace", true, true),
];

/// `INFO [section ...]`: the sections asked for, in Redis's order, each at
/// most once; a verbatim string in RESP3. Unknown names print nothing.
pub(crate) async fn info<D: Db>(shared: &Shared<D>, words: &[Bytes], reply: &mut Reply<'_>) {
    let is = |w: &Bytes, name: &str| w.eq_ignore_ascii_case(name.as_bytes());
    let everything = words.iter().any(|w| is(w, "everything"));
    let all = words.iter().any(|w| is(w, "all"));
    let default = words.is_empty() || words.iter().any(|w| is(w, "default"));
    let mut parts: Vec<String> = Vec::new();
    for &(name, in_default, in_all) in SECTIONS {
        let wanted = everything
            || (all && in_all)
            || (default && in_default)
            || words.iter().any(|w| is(w, name));
        if wanted {
            parts.push(section(shared, name).await);
        }
    }
    reply.verbatim(parts.join("\r\n").as_bytes());
}

/// One section, titled.
async fn section<D: Db>(shared: &Shared<D>, name: &str) -> String {
    let mut s = Section(String::new());
    match name {
        "server" => server(shared, &mut s),
        "clients" => clients(shared, &mut s),
        "memory" => memory(shared, &mut s),
        "persistence" => persistence(shared, &mut s),
        "stats" => stats(shared, &mut s),
        "replication" => replication(shared, &mut s),
        "cpu" => cpu(&mut s),
        "modules" => s.title("Modules"),
        "commandstats" => {
            s.title("Commandstats");
            shared.stats.per_command.commandstats(&mut s.0);
        }
        "errorstats" => {
            s.title("Errorstats");
            shared.stats.per_command.errorstats(&mut s.0);
        }
        "cluster" => {
            s.title("Cluster");
            s.line("cluster_enabled", 0);
        }
        _ => keyspace(shared, &mut s).await,
    }
    s.0
}

/// A section being written.
struct Section(String);

impl Section {
    fn title(&mut self, title: &str) {
        let _ = write!(self.0, "# {title}\r\n");
    }

    fn line(&mut self, key: &str, value: impl Display) {
        let _ = write!(self.0, "{key}:{value}\r\n");
    }

    /// A figure in bytes, then the same `_human`, as Redis prints both.
    fn bytes(&mut self, key: &str, n: u64) {
        self.line(key, n);
        self.line(&format!("{key}_human"), human(n));
    }
}

/// Redis's `bytesToHuman`: `B`, then `K`, `M`, `G`, ... with two decimals.
fn human(n: u64) -> String {
    const UNITS: &[&str] = &["K", "M", "G", "T", "P"];
    if n < 1024 {
        return format!("{n}B");
    }
    #[allow(clippy::cast_precision_loss)]
    let mut value = n as f64 / 1024.0;
    for unit in UNITS {
        if value < 1024.0 {
            return format!("{value:.2}{unit}");
        }
        value /= 1024.0;
    }
    format!("{:.2}E", value)
}

/// Parameter `name`'s value as `CONFIG GET` prints it.
fn param<D>(shared: &Shared<D>, name: &str) -> String {
    config_params::lookup(name.as_bytes()).map_or_else(String::new, |(i, _)| shared.live.value(i))
}

fn server<D>(shared: &Shared<D>, s: &mut Section) {
    s.title("Server");
    s.line("redis_version", REDIS_VERSION);
    s.line("redis_git_sha1", "00000000");
    s.line("redis_git_dirty", 0);
    s.line("redis_build_id", build_id());
    s.line("redis_mode", "standalone");
    s.line("os", os());
    s.line("arch_bits", usize::BITS);
    s.line(
        "monotonic_clock",
        "quanta (TSC where invariant, else clock_gettime)",
    );
    s.line("multiplexing_api", multiplexing_api());
    s.line("atomicvar_api", "rust-std");
    // Redis prints this when it was not built with GCC.
    s.line("gcc_version", "0.0.0");
    s.line("process_id", std::process::id());
    s.line("process_supervised", "no");
    s.line("run_id", &shared.identity.run_id);
    s.line("tcp_port", shared.port);
    s.line("server_time_usec", unix_micros());
    let uptime = shared.started.elapsed().as_secs();
    s.line("uptime_in_seconds", uptime);
    s.line("uptime_in_days", uptime / 86_400);
    let hz = param(shared, "hz");
    s.line("hz", &hz);
    s.line("configured_hz", &hz);
    // Redis's LRU clock: Unix seconds in 24 bits.
    s.line("lru_clock", (unix_micros() / 1_000_000) & ((1 << 24) - 1));
    let executable = std::env::current_exe()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    s.line("executable", executable);
    s.line("config_file", "");
    s.line("io_threads_active", 0);
    s.line("sharedkv_version", env!("CARGO_PKG_VERSION"));
    s.line("sharedkv_backend", &shared.config.backend);
}

/// A build id as Redis prints one (hex): the FNV-1a hash of this
/// version's name.
fn build_id() -> String {
    let hash = concat!("sharedkv-", env!("CARGO_PKG_VERSION"))
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{:015x}", hash >> 4)
}

/// `Linux 6.1.0 x86_64`, as Redis prints `uname`: from `/proc` where there
/// is one, else the target's names.
fn os() -> String {
    let read = |path: &str| {
        std::fs::read_to_string(path)
            .ok()
            .map(|s| s.trim().to_owned())
    };
    let name = read("/proc/sys/kernel/ostype").unwrap_or_else(|| {
        let os = std::env::consts::OS;
        let mut name = os.to_owned();
        if let Some(first) = name.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        name
    });
    let release = read("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{name} {release} {}", std::env::consts::ARCH)
}

fn multiplexing_api() -> &'static str {
    if cfg!(any(target_os = "linux", target_os = "android")) {
        "epoll"
    } else if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    )) {
        "kqueue"
    } else {
        "iocp"
    }
}

fn clients<D>(shared: &Shared<D>, s: &mut Section) {
    s.title("Clients");
    // Nothing is tracked yet, so that count is 0 and true; the buffer
    // peaks are the largest buffers now (Redis keeps
    // the last few seconds' peak).
    let (max_input, max_output) = shared.registry.max_buffers();
    s.line("connected_clients", shared.connected_clients());
    s.line("cluster_connections", 0);
    s.line("maxclients", shared.live.max_clients());
    s.line("client_recent_max_input_buffer", max_input);
    s.line("client_recent_max_output_buffer", max_output);
    s.line("blocked_clients", shared.blocked.clients());
    s.line("tracking_clients", 0);
    s.line("clients_in_timeout_table", shared.blocked.timed_clients());
}

/// `/proc/meminfo`'s `MemTotal`, in bytes.
fn total_system_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| proc_bytes(&m, "MemTotal:"))
        .unwrap_or(0)
}

/// A percentage as Redis prints it: `98.87%`.
fn percent(part: u64, whole: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let p = if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    };
    format!("{p:.2}%")
}

fn memory<D>(shared: &Shared<D>, s: &mut Section) {
    s.title("Memory");
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rss = proc_bytes(&status, "VmRSS:").unwrap_or(0);
    let peak = proc_bytes(&status, "VmHWM:").unwrap_or(rss).max(rss);
    let startup = shared.identity.startup_rss.min(rss);
    let clients = shared.registry.total_buffers();
    let overhead = startup.saturating_add(clients).min(rss);
    let dataset = rss - overhead;
    s.bytes("used_memory", rss);
    s.bytes("used_memory_rss", rss);
    s.bytes("used_memory_peak", peak);
    s.line("used_memory_peak_perc", percent(rss, peak));
    s.line("used_memory_overhead", overhead);
    s.line("used_memory_startup", startup);
    s.line("used_memory_dataset", dataset);
    s.line(
        "used_memory_dataset_perc",
        percent(dataset, rss.saturating_sub(startup)),
    );
    s.line("allocator_allocated", rss);
    s.line("allocator_active", rss);
    s.line("allocator_resident", rss);
    s.bytes("total_system_memory", total_system_memory());
    // The Lua VMs' memory, the script cache; no functions.
    let lua = shared.scripts.memory() as u64;
    s.line("used_memory_lua", lua);
    s.line("used_memory_vm_eval", lua);
    s.line("used_memory_lua_human", human(lua));
    s.line("used_memory_scripts_eval", 0);
    s.line("number_of_cached_scripts", shared.scripts.cached());
    s.line("number_of_functions", 0);
    s.line("number_of_libraries", 0);
    s.line("used_memory_vm_functions", 0);
    s.bytes("used_memory_vm_total", lua);
    s.line("used_memory_functions", 0);
    s.bytes("used_memory_scripts", 0);
    let maxmemory = param(shared, "maxmemory").parse::<u64>().unwrap_or(0);
    s.bytes("maxmemory", maxmemory);
    s.line("maxmemory_policy", param(shared, "maxmemory-policy"));
    // The allocator's figures are the resident set: every ratio is 1.
    for (ratio, bytes) in [
        ("allocator_frag_ratio", "allocator_frag_bytes"),
        ("allocator_rss_ratio", "allocator_rss_bytes"),
        ("rss_overhead_ratio", "rss_overhead_bytes"),
        ("mem_fragmentation_ratio", "mem_fragmentation_bytes"),
    ] {
        s.line(ratio, "1.00");
        s.line(bytes, 0);
    }
    s.line("mem_not_counted_for_evict", 0);
    s.line("mem_replication_backlog", 0);
    s.line("mem_total_replication_buffers", 0);
    s.line("mem_clients_slaves", 0);
    s.line("mem_clients_normal", clients);
    s.line("mem_cluster_links", 0);
    s.line("mem_aof_buffer", 0);
    s.line("mem_allocator", &shared.config.allocator);
    s.line("active_defrag_running", 0);
    s.line("lazyfree_pending_objects", 0);
    s.line("lazyfreed_objects", 0);
}

fn persistence<D>(shared: &Shared<D>, s: &mut Section) {
    s.title("Persistence");
    for key in [
        "loading",
        "async_loading",
        "current_cow_peak",
        "current_cow_size",
        "current_cow_size_age",
    ] {
        s.line(key, 0);
    }
    s.line("current_fork_perc", "0.00");
    s.line("current_save_keys_processed", 0);
    s.line("current_save_keys_total", 0);
    // Nothing is ever saved: every write since the start is unsaved.
    s.line(
        "rdb_changes_since_last_save",
        shared.stats.per_command.write_calls(),
    );
    s.line("rdb_bgsave_in_progress", 0);
    s.line("rdb_last_save_time", shared.identity.started_unix);
    s.line("rdb_last_bgsave_status", "ok");
    s.line("rdb_last_bgsave_time_sec", -1);
    s.line("rdb_current_bgsave_time_sec", -1);
    for key in [
        "rdb_saves",
        "rdb_last_cow_size",
        "rdb_last_load_keys_expired",
        "rdb_last_load_keys_loaded",
        "aof_enabled",
        "aof_rewrite_in_progress",
        "aof_rewrite_scheduled",
    ] {
        s.line(key, 0);
    }
    s.line("aof_last_rewrite_time_sec", -1);
    s.line("aof_current_rewrite_time_sec", -1);
    s.line("aof_last_bgrewrite_status", "ok");
    s.line("aof_rewrites", 0);
    s.line("aof_rewrites_consecutive_failures", 0);
    s.line("aof_last_write_status", "ok");
    s.line("aof_last_cow_size", 0);
    s.line("module_fork_in_progress", 0);
    s.line("module_fork_last_cow_size", 0);
}

/// Bytes per second as Redis's kilobytes per second: `1.23`.
fn kbps(bytes_per_sec: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let k = bytes_per_sec as f64 / 1024.0;
    format!("{k:.2}")
}

fn stats<D>(shared: &Shared<D>, s: &mut Section) {
    s.title("Stats");
    let stats = &shared.stats;
    let load = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
    s.line("total_connections_received", load(&stats.connections));
    s.line("total_commands_processed", load(&stats.commands));
    s.line("instantaneous_ops_per_sec", shared.ops.get());
    s.line("total_net_input_bytes", load(&stats.net_input));
    s.line("total_net_output_bytes", load(&stats.net_output));
    s.line("total_net_repl_input_bytes", 0);
    s.line("total_net_repl_output_bytes", 0);
    s.line(
        "instantaneous_input_kbps",
        kbps(shared.identity.input_rate.get()),
    );
    s.line(
        "instantaneous_output_kbps",
        kbps(shared.identity.output_rate.get()),
    );
    s.line("instantaneous_input_repl_kbps", "0.00");
    s.line("instantaneous_output_repl_kbps", "0.00");
    s.line("rejected_connections", load(&stats.rejected));
    s.line("sync_full", 0);
    s.line("sync_partial_ok", 0);
    s.line("sync_partial_err", 0);
    s.line("expired_keys", shared.key_hook.expired_keys());
    s.line("expired_stale_perc", "0.00");
    s.line("expired_time_cap_reached_count", 0);
    s.line("expire_cycle_cpu_milliseconds", 0);
    // Nothing is evicted: there is no eviction.
    s.line("evicted_keys", 0);
    s.line("evicted_clients", 0);
    s.line("total_eviction_exceeded_time", 0);
    s.line("current_eviction_exceeded_time", 0);
    let (hits, misses) = shared.key_hook.lookups();
    s.line("keyspace_hits", hits);
    s.line("keyspace_misses", misses);
    s.line("pubsub_channels", shared.pubsub.channel_count());
    s.line("pubsub_patterns", shared.pubsub.pattern_count());
    s.line("pubsubshard_channels", shared.pubsub.shard_channel_count());
    for key in [
        "latest_fork_usec",
        "total_forks",
        "migrate_cached_sockets",
        "slave_expires_tracked_keys",
        "active_defrag_hits",
        "active_defrag_misses",
        "active_defrag_key_hits",
        "active_defrag_key_misses",
        "total_active_defrag_time",
        "current_active_defrag_time",
        "tracking_total_keys",
        "tracking_total_items",
        "tracking_total_prefixes",
        "unexpected_error_replies",
    ] {
        s.line(key, 0);
    }
    s.line("total_error_replies", stats.per_command.total_errors());
    s.line("dump_payload_sanitizations", 0);
    s.line("total_reads_processed", load(&stats.reads));
    s.line("total_writes_processed", load(&stats.writes));
    s.line("io_threaded_reads_processed", 0);
    s.line("io_threaded_writes_processed", 0);
    s.line("reply_buffer_shrinks", 0);
    s.line("reply_buffer_expands", 0);
}

fn replication<D>(shared: &Shared<D>, s: &mut Section) {
    s.title("Replication");
    s.line("role", "master");
    s.line("connected_slaves", 0);
    s.line("master_failover_state", "no-failover");
    s.line("master_replid", &shared.identity.replid);
    s.line("master_replid2", "0".repeat(40));
    s.line("master_repl_offset", 0);
    s.line("second_repl_offset", -1);
    s.line("repl_backlog_active", 0);
    s.line("repl_backlog_size", param(shared, "repl-backlog-size"));
    s.line("repl_backlog_first_byte_offset", 0);
    s.line("repl_backlog_histlen", 0);
}

/// User and system CPU seconds of a `/proc/<pid>/stat` text (fields 14
/// and 15, then 16 and 17 for the children), read after the command name,
/// which may hold spaces and parentheses. Linux's clock tick is 1/100 s.
fn cpu_times(stat: &str) -> Option<[f64; 4]> {
    const TICKS_PER_SEC: f64 = 100.0;
    let after_name = stat.get(stat.rfind(')')? + 1..)?;
    // Fields from the third (the state) on: utime is the 14th.
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let tick = |i: usize| -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        fields
            .get(i)?
            .parse::<u64>()
            .ok()
            .map(|t| t as f64 / TICKS_PER_SEC)
    };
    Some([tick(11)?, tick(12)?, tick(13)?, tick(14)?])
}

fn cpu(s: &mut Section) {
    s.title("CPU");
    let read = |path: &str| {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|t| cpu_times(&t))
            .unwrap_or_default()
    };
    let [user, sys, user_children, sys_children] = read("/proc/self/stat");
    let main = read(&format!("/proc/self/task/{}/stat", std::process::id()));
    s.line("used_cpu_sys", format!("{sys:.6}"));
    s.line("used_cpu_user", format!("{user:.6}"));
    s.line("used_cpu_sys_children", format!("{sys_children:.6}"));
    s.line("used_cpu_user_children", format!("{user_children:.6}"));
    s.line("used_cpu_sys_main_thread", format!("{:.6}", main[1]));
    s.line("used_cpu_user_main_thread", format!("{:.6}", main[0]));
}

async fn keyspace<D: Db>(shared: &Shared<D>, s: &mut Section) {
    s.title("Keyspace");
    for db in DbIndex::all() {
        let keys = shared.db.len(db).await;
        if keys > 0 {
            // `avg_ttl` is not tracked: 0, a value Redis also reports.
            let expires = shared.db.volatile(db).await;
            s.line(
                &format!("db{}", db.get()),
                format_args!("keys={keys},expires={expires},avg_ttl=0"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As Redis's `bytesToHuman`.
    #[test]
    fn human_sizes() {
        assert_eq!(human(0), "0B");
        assert_eq!(human(1023), "1023B");
        assert_eq!(human(1024), "1.00K");
        assert_eq!(human(1_642_888), "1.57M");
        assert_eq!(human(25_276_502_016), "23.54G");
    }

    /// The CPU times are read after the command name, whatever it holds.
    #[test]
    fn cpu_times_parse() {
        let stat = "42 (a) b (c)) S 1 42 42 0 -1 4194560 100 0 0 0 250 31 7 2 20 0 1 0";
        assert_eq!(cpu_times(stat), Some([2.5, 0.31, 0.07, 0.02]));
        assert_eq!(cpu_times("garbage"), None);
        assert!(
            cpu_times(&std::fs::read_to_string("/proc/self/stat").unwrap_or_default()).is_some()
                || !cfg!(target_os = "linux")
        );
    }

    /// Run ids are 40 hex digits and differ between servers.
    #[test]
    fn run_ids() {
        let a = random_hex(40);
        let b = random_hex(40);
        assert_eq!(a.len(), 40);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert!(build_id().bytes().any(|c| c.is_ascii_alphabetic()));
    }
}

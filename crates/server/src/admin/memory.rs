//! `MEMORY`: what the server spends on one key (`USAGE`, estimated by
//! `sharedkv_commands::usage`), and on everything (`STATS`, `DOCTOR`).
//!
//! There is no allocator to ask here (the library uses the system's, the
//! binary mimalloc, neither counted), so the process's figures are the
//! kernel's: `VmRSS` as what is allocated, `VmHWM` as its peak, and the
//! resident set when the server started as what start-up cost. Redis's
//! fields that have no counterpart (replication backlog, AOF buffer, Lua
//! caches) are 0, as in a Redis without them.

use bytes::Bytes;
use sharedkv_commands::{Error, is};
use sharedkv_db::{Db, DbIndex, parse_i64};

use super::{AdminId, Cx};
use crate::error::CommandError;
use crate::introspect::{peak_resident_bytes, resident_set_bytes};

/// A `MEMORY` subcommand, typed.
#[derive(Debug)]
pub(crate) enum MemoryCommand {
    /// `USAGE key [SAMPLES n]`: `samples` is `usize::MAX` for all.
    Usage {
        key: Bytes,
        samples: usize,
    },
    Stats,
    Doctor,
    MallocStats,
    Purge,
    Help,
}

/// Redis's default `SAMPLES`.
const DEFAULT_SAMPLES: usize = 5;

pub(crate) fn parse(id: AdminId, args: Vec<Bytes>) -> Result<MemoryCommand, CommandError> {
    Ok(match id {
        AdminId::MemoryUsage => {
            let mut words = args.into_iter().skip(2);
            let key = words.next().unwrap_or_default();
            let mut samples = DEFAULT_SAMPLES;
            while let Some(word) = words.next() {
                // As Redis: SAMPLES without its count is a syntax error, a
                // count that is no integer is Redis's integer error, and a
                // negative one a syntax error; 0 means all.
                let count = match words.next() {
                    Some(count) if is(&word, "SAMPLES") => count,
                    _ => return Err(Error::SYNTAX.into()),
                };
                let n = parse_i64(&count).ok_or(Error::NOT_AN_INTEGER)?;
                samples = match usize::try_from(n) {
                    Ok(0) => usize::MAX,
                    Ok(n) => n,
                    Err(_) => return Err(Error::SYNTAX.into()),
                };
            }
            MemoryCommand::Usage { key, samples }
        }
        AdminId::MemoryStats => MemoryCommand::Stats,
        AdminId::MemoryDoctor => MemoryCommand::Doctor,
        AdminId::MemoryMallocStats => MemoryCommand::MallocStats,
        AdminId::MemoryPurge => MemoryCommand::Purge,
        _ => MemoryCommand::Help,
    })
}

pub(crate) async fn run<D: Db>(cx: &mut Cx<'_, D>, command: MemoryCommand) {
    match command {
        MemoryCommand::Usage { key, samples } => {
            let owned = key.clone();
            let usage = cx
                .shared
                .db
                .read(cx.selected, &key, move |entry| {
                    entry.map(|e| sharedkv_commands::usage::key_usage(&owned, e, samples))
                })
                .await;
            match usage {
                Some(bytes) => cx.reply().count(bytes),
                None => cx.reply().null(),
            }
        }
        MemoryCommand::Stats => stats(cx).await,
        MemoryCommand::Doctor => {
            let keys = keys_count(cx.shared).await;
            let text = doctor(keys, resident_set_bytes());
            cx.reply().verbatim(text.as_bytes());
        }
        MemoryCommand::MallocStats => cx
            .reply()
            .verbatim(b"Stats not supported for the current allocator"),
        // Nothing to hand back: the allocators return freed memory as they
        // see fit.
        MemoryCommand::Purge => cx.reply().ok(),
        MemoryCommand::Help => {
            let mut reply = cx.reply();
            reply.array(MEMORY_HELP.len());
            for line in MEMORY_HELP {
                reply.simple(line.as_bytes());
            }
        }
    }
}

/// Keys in every database.
async fn keys_count<D: Db>(shared: &crate::Shared<D>) -> usize {
    let mut keys = 0;
    for db in DbIndex::all() {
        keys += shared.db.len(db).await;
    }
    keys
}

/// `MEMORY STATS`: Redis 7.0's fields in its order, a map in RESP3.
async fn stats<D: Db>(cx: &mut Cx<'_, D>) {
    let total = resident_set_bytes().unwrap_or(0);
    let peak = peak_resident_bytes().unwrap_or(total).max(total);
    let startup = cx.shared.admin.startup_rss.min(total);
    // Each database's main table: one slot per key, the slot as
    // `key_usage` counts it; the expires are kept in the entries.
    let slot = sharedkv_commands::usage::key_usage(
        b"",
        &sharedkv_db::Entry::new(sharedkv_db::Value::Int(0)),
        1,
    );
    let mut dbs = Vec::new();
    let mut keys = 0;
    for db in DbIndex::all() {
        let n = cx.shared.db.len(db).await;
        if n > 0 {
            dbs.push((db.get(), n * slot));
            keys += n;
        }
    }
    let overhead = startup + dbs.iter().map(|(_, bytes)| bytes).sum::<usize>() as u64;
    let dataset = total.saturating_sub(overhead);
    let net = total.saturating_sub(startup);
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let mut reply = cx.reply();
    reply.map(27 + dbs.len());
    for (name, value) in [
        ("peak.allocated", peak),
        ("total.allocated", total),
        ("startup.allocated", startup),
        ("replication.backlog", 0),
        ("clients.slaves", 0),
        ("clients.normal", 0),
        ("cluster.links", 0),
        ("aof.buffer", 0),
        ("lua.caches", 0),
        ("functions.caches", 0),
    ] {
        reply.bulk(name.as_bytes());
        reply.int(i64::try_from(value).unwrap_or(i64::MAX));
    }
    for (db, bytes) in dbs {
        reply.bulk(format!("db.{db}").as_bytes());
        reply.map(3);
        for (name, value) in [
            ("overhead.hashtable.main", bytes),
            ("overhead.hashtable.expires", 0),
            ("overhead.hashtable.slot-to-keys", 0),
        ] {
            reply.bulk(name.as_bytes());
            reply.count(value);
        }
    }
    for (name, value) in [
        ("overhead.total", overhead),
        ("keys.count", keys as u64),
        (
            "keys.bytes-per-key",
            if keys == 0 { 0 } else { net / keys as u64 },
        ),
        ("dataset.bytes", dataset),
    ] {
        reply.bulk(name.as_bytes());
        reply.int(i64::try_from(value).unwrap_or(i64::MAX));
    }
    for (name, value) in [
        ("dataset.percentage", ratio(dataset, net) * 100.0),
        ("peak.percentage", ratio(total, peak) * 100.0),
    ] {
        reply.bulk(name.as_bytes());
        reply.double(value);
    }
    // No allocator figures of their own: the resident set stands for
    // allocated, active and resident alike, so every ratio is 1.
    for (name, bytes) in [
        ("allocator.allocated", total),
        ("allocator.active", total),
        ("allocator.resident", total),
    ] {
        reply.bulk(name.as_bytes());
        reply.int(i64::try_from(bytes).unwrap_or(i64::MAX));
    }
    for name in ["allocator-fragmentation", "allocator-rss", "rss-overhead"] {
        reply.bulk(format!("{name}.ratio").as_bytes());
        reply.double(1.0);
        reply.bulk(format!("{name}.bytes").as_bytes());
        reply.int(0);
    }
    reply.bulk(b"fragmentation");
    reply.double(1.0);
    reply.bulk(b"fragmentation.bytes");
    reply.int(0);
}

/// `MEMORY DOCTOR`'s report: Redis's words for an instance too small to
/// judge, else that nothing is wrong that this server can see (it has no
/// allocator figures to find fragmentation in).
fn doctor(keys: usize, rss: Option<u64>) -> String {
    /// Redis's threshold: below 5 MB of data there is nothing to judge.
    const LITTLE: u64 = 5 * 1024 * 1024;
    if keys == 0 || rss.is_none_or(|rss| rss < LITTLE) {
        return String::from(
            "Hi Sam, this instance is empty or is using very little memory, my issues detector \
             can't be used in these conditions. Please, leave for your mission on Earth and fill \
             it with some data. The new Sam and I will be back to our programming as soon as I \
             finished rebooting.\n",
        );
    }
    String::from(
        "Hi Sam, I can't find any memory issue in your instance. I can only account for what \
         occurs on this base.\n",
    )
}

/// `MEMORY HELP`, in Redis's shape, in our words.
const MEMORY_HELP: &[&str] = &[
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Report memory problems, if any are visible.",
    "MALLOC-STATS",
    "    The allocator's own statistics (not available from this server's allocator).",
    "PURGE",
    "    Ask the allocator to give memory back (always OK).",
    "STATS",
    "    Memory figures of the process, the databases and the data set.",
    "USAGE <key> [SAMPLES <count>]",
    "    Estimate the bytes the key and its value take, sampling <count> elements",
    "    of a collection (default 5; 0 means all of them).",
    "HELP",
    "    Print this help.",
];

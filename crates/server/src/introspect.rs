//! Replies that describe the server rather than the data: `CONFIG` (its
//! parameters are `config_params`'), `HELLO`, and the `COMMAND` family
//! (`INFO` is `info`'s). None is on the hot path, so these build their
//! text plainly.

use bytes::Bytes;
use sharedkv_commands::{Reply, Spec, encode_docs};
use sharedkv_db::Db;

use crate::Shared;
use crate::config_params::{self, Effect};
use crate::table;

/// The Redis version the server reports, so that clients enable the
/// features of the Redis 7 protocol they check for.
pub(crate) const REDIS_VERSION: &str = "7.0.0";

/// The process's resident set size in bytes: `VmRSS` in `/proc/self/status`.
/// `None` where that file is missing (not Linux) or unreadable.
pub(crate) fn resident_set_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    proc_bytes(&status, "VmRSS:")
}

/// The process's peak resident set: `VmHWM` in `/proc/self/status`.
pub(crate) fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    proc_bytes(&status, "VmHWM:")
}

/// The `<key>   1234 kB` line of a `/proc` text (`/proc/self/status`,
/// `/proc/meminfo`), in bytes.
pub(crate) fn proc_bytes(text: &str, key: &str) -> Option<u64> {
    let kib = text
        .lines()
        .find_map(|l| l.strip_prefix(key))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse::<u64>()
        .ok()?;
    kib.checked_mul(1024)
}

/// `CONFIG GET pattern [pattern ...]`: every parameter whose name (or
/// alias, listed as a name of its own, as Redis 7.0 does) matches one of
/// the glob patterns, each at most once, as a map of names to values.
pub(crate) fn config_get<D: Db>(shared: &Shared<D>, patterns: &[Bytes], reply: &mut Reply<'_>) {
    // As Redis 7.0: a name without glob characters is looked up and
    // answered as the client spelled it; a pattern answers every name and
    // alias it matches. Each name once, compared ignoring case.
    let mut matching: Vec<(usize, &[u8])> = Vec::new();
    for pattern in patterns {
        if pattern.iter().any(|c| matches!(c, b'*' | b'?' | b'[')) {
            for (i, name) in config_params::names() {
                if glob_match(pattern, name.as_bytes()) {
                    add_once(&mut matching, i, name.as_bytes());
                }
            }
        } else if let Some((i, _)) =
            config_params::names().find(|(_, name)| name.as_bytes().eq_ignore_ascii_case(pattern))
        {
            add_once(&mut matching, i, pattern);
        }
    }
    reply.map(matching.len());
    for (i, name) in matching {
        let value = match config_params::PARAMS.get(i).map(|p| p.effect) {
            // The port actually listened on, not a stored value.
            Some(Effect::Port) => shared.port.to_string(),
            _ => shared.live.value(i),
        };
        reply.bulk(name);
        reply.bulk(value.as_bytes());
    }
}

/// Adds `name` unless a spelling of it is there already.
fn add_once<'a>(matching: &mut Vec<(usize, &'a [u8])>, i: usize, name: &'a [u8]) {
    if !matching.iter().any(|(_, n)| n.eq_ignore_ascii_case(name)) {
        matching.push((i, name));
    }
}

/// `CONFIG SET parameter value [parameter value ...]`: all of them, or none
/// and Redis's error for the first problem.
pub(crate) fn config_set<D: Db>(shared: &Shared<D>, words: &[Bytes], reply: &mut Reply<'_>) {
    match shared.live.set(words) {
        Ok(()) => reply.ok(),
        Err(e) => reply.error(&e),
    }
}

/// `CONFIG RESETSTAT`: zeroes what `INFO`'s stats section counts.
pub(crate) fn config_resetstat<D: Db>(shared: &Shared<D>, reply: &mut Reply<'_>) {
    shared.stats.reset();
    reply.ok();
}

/// Redis's glob match, case-insensitive, for `*` and `?`. Iterative, with
/// one backtrack point, so a pattern of many stars costs O(pattern × name)
/// rather than exponential time.
fn glob_match(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    // Where to resume after the last `*`: the pattern just past it, and the
    // name position that star has swallowed up to.
    let mut backtrack: Option<(usize, usize)> = None;
    while let Some(&c) = name.get(n) {
        match pattern.get(p) {
            Some(b'*') => {
                backtrack = Some((p + 1, n));
                p += 1;
            }
            Some(&want) if want == b'?' || want.eq_ignore_ascii_case(&c) => {
                p += 1;
                n += 1;
            }
            _ => match backtrack {
                Some((after_star, swallowed)) => {
                    backtrack = Some((after_star, swallowed + 1));
                    p = after_star;
                    n = swallowed + 1;
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|tail| tail.iter().all(|&c| c == b'*'))
}

/// The `HELLO` reply, in the protocol the connection has just chosen.
pub(crate) fn hello(reply: &mut Reply<'_>, client_id: u64) {
    reply.map(7);
    for (key, value) in [("server", "redis"), ("version", REDIS_VERSION)] {
        reply.bulk(key.as_bytes());
        reply.bulk(value.as_bytes());
    }
    reply.bulk(b"proto");
    reply.int(if reply.is_resp3() { 3 } else { 2 });
    reply.bulk(b"id");
    reply.int(i64::try_from(client_id).unwrap_or(i64::MAX));
    for (key, value) in [("mode", "standalone"), ("role", "master")] {
        reply.bulk(key.as_bytes());
        reply.bulk(value.as_bytes());
    }
    reply.bulk(b"modules");
    reply.array(0);
}

/// A command's `COMMAND INFO` entry, with Redis 7.0's tips and key specs.
fn encode_info(reply: &mut Reply<'_>, spec: &Spec) {
    sharedkv_commands::encode_info_with(reply, spec, crate::admin::encode_tips_and_key_specs);
}

/// `COMMAND` and `COMMAND INFO` without names: every command.
pub(crate) fn command_all(reply: &mut Reply<'_>) {
    let specs = table::commands();
    reply.array(specs.len());
    for spec in specs {
        encode_info(reply, spec);
    }
}

/// `COMMAND COUNT`: top-level commands, as Redis counts them.
pub(crate) fn command_count(reply: &mut Reply<'_>) {
    reply.count(table::commands().len());
}

/// `COMMAND LIST`: every name, subcommands included (`client|id`).
pub(crate) fn command_list(reply: &mut Reply<'_>) {
    let names: Vec<&str> = table::commands()
        .into_iter()
        .flat_map(|spec| std::iter::once(spec).chain(spec.subcommands))
        .map(|spec| spec.name)
        .collect();
    reply.array(names.len());
    for name in names {
        reply.bulk(name.as_bytes());
    }
}

/// `COMMAND LIST FILTERBY kind value`: the names, subcommands included,
/// of the module `value` (there are no modules: none), of the ACL category
/// `value` (a name without its `@`, as Redis takes it), or matching the
/// glob-style pattern `value`, ignoring case.
pub(crate) fn command_list_by(kind: &[u8], value: &[u8], reply: &mut Reply<'_>) {
    let pattern = value.to_ascii_lowercase();
    let names: Vec<&str> = table::commands()
        .into_iter()
        .flat_map(|spec| std::iter::once(spec).chain(spec.subcommands))
        .filter(|spec| {
            if kind.eq_ignore_ascii_case(b"ACLCAT") {
                spec.acl.iter().any(|cat| {
                    cat.strip_prefix('@')
                        .is_some_and(|c| c.as_bytes().eq_ignore_ascii_case(value))
                })
            } else if kind.eq_ignore_ascii_case(b"PATTERN") {
                sharedkv_commands::glob_match(&pattern, spec.name.as_bytes())
            } else {
                false
            }
        })
        .map(|spec| spec.name)
        .collect();
    reply.array(names.len());
    for name in names {
        reply.bulk(name.as_bytes());
    }
}

/// `COMMAND INFO name ...`: one entry per name, a null for unknown ones
/// (as Redis replies).
pub(crate) fn command_info(names: &[Bytes], reply: &mut Reply<'_>) {
    reply.array(names.len());
    for name in names {
        match table::find_full_name(name) {
            Some(spec) => encode_info(reply, spec),
            None => reply.null(),
        }
    }
}

/// `COMMAND DOCS [name ...]`: a map from name to docs; unknown names are
/// left out, no names means every command.
pub(crate) fn command_docs(names: &[Bytes], reply: &mut Reply<'_>) {
    let specs: Vec<&Spec> = if names.is_empty() {
        table::commands()
    } else {
        names
            .iter()
            .filter_map(|n| table::find_full_name(n))
            .collect()
    };
    reply.map(specs.len());
    for spec in specs {
        reply.bulk(spec.name.as_bytes());
        encode_docs(reply, spec);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// VmRSS is read in kB and reported in bytes; a missing line is `None`.
    #[test]
    fn vm_rss_parses() {
        let status = "Name:\tx\nVmHWM:\t  900 kB\nVmRSS:\t  812 kB\nThreads:\t3\n";
        assert_eq!(proc_bytes(status, "VmRSS:"), Some(812 * 1024));
        assert_eq!(proc_bytes("Name:\tx\n", "VmRSS:"), None);
        assert!(resident_set_bytes().is_none_or(|rss| rss > 0));
    }

    /// `*` and `?` match as in Redis, ignoring case.
    #[test]
    fn glob() {
        assert!(glob_match(b"*", b"save"));
        assert!(glob_match(b"SAVE", b"save"));
        assert!(glob_match(b"max*", b"maxclients"));
        assert!(glob_match(b"s?ve", b"save"));
        assert!(!glob_match(b"s?ve", b"sve"));
        assert!(!glob_match(b"appendonly", b"save"));
        assert!(glob_match(b"*a*e", b"save"));
        assert!(!glob_match(
            &[b'*'; 10_000]
                .iter()
                .chain(b"x")
                .copied()
                .collect::<Vec<_>>(),
            b"proto-max-bulk-len"
        ));
    }
}

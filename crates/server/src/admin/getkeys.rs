//! `COMMAND GETKEYS` and `GETKEYSANDFLAGS`: which arguments of a command
//! are keys, and what it does to them, found as Redis 7.0 finds them.
//!
//! The key specs of [`KEY_SPECS`] come first. Where Redis's specs cannot
//! say (a spec of unknown place, as `SORT`'s `STORE`; flags that depend on
//! the arguments, as `SET ... GET` and `BITFIELD`), the command's own rule
//! answers instead, as Redis falls back on its `getkeys_proc`.

use bytes::Bytes;
use sharedkv_commands::{Error, Reply, Spec, is};
use sharedkv_db::parse_i64;

use super::key_specs::{Begin, Find, KEY_SPECS, KeySpec, TIPS};
use crate::table;

/// The key specs of the command named `name` (a full name: `get`,
/// `object|encoding`), or none.
pub(crate) fn key_specs_of(name: &str) -> &'static [KeySpec] {
    KEY_SPECS
        .binary_search_by(|(n, _)| n.cmp(&name))
        .map_or(&[], |i| KEY_SPECS.get(i).map_or(&[], |(_, specs)| *specs))
}

/// The tips of the command named `name`, or none.
fn tips_of(name: &str) -> &'static [&'static str] {
    TIPS.binary_search_by(|(n, _)| n.cmp(&name))
        .map_or(&[], |i| TIPS.get(i).map_or(&[], |(_, tips)| *tips))
}

/// Writes a command's tips and key specs, the seventh and eighth elements
/// of its `COMMAND INFO` entry, as Redis 7.0 writes them: a set of tips,
/// and a set of maps (notes, flags, begin_search, find_keys), sets and
/// maps in RESP3.
pub(crate) fn encode_tips_and_key_specs(reply: &mut Reply<'_>, spec: &Spec) {
    let tips = tips_of(spec.name);
    reply.set(tips.len());
    for tip in tips {
        reply.bulk(tip.as_bytes());
    }
    let specs = key_specs_of(spec.name);
    reply.set(specs.len());
    for key_spec in specs {
        reply.map(3 + usize::from(key_spec.notes.is_some()));
        if let Some(notes) = key_spec.notes {
            reply.bulk(b"notes");
            reply.bulk(notes.as_bytes());
        }
        reply.bulk(b"flags");
        reply.set(key_spec.flags.len());
        for flag in key_spec.flags {
            reply.simple(flag.as_bytes());
        }
        reply.bulk(b"begin_search");
        reply.map(2);
        reply.bulk(b"type");
        match key_spec.begin {
            Begin::Index(index) => {
                reply.bulk(b"index");
                reply.bulk(b"spec");
                reply.map(1);
                reply.bulk(b"index");
                reply.int(i64::from(index));
            }
            Begin::Keyword(keyword, from) => {
                reply.bulk(b"keyword");
                reply.bulk(b"spec");
                reply.map(2);
                reply.bulk(b"keyword");
                reply.bulk(keyword.as_bytes());
                reply.bulk(b"startfrom");
                reply.int(i64::from(from));
            }
            Begin::Unknown => {
                reply.bulk(b"unknown");
                reply.bulk(b"spec");
                reply.map(0);
            }
        }
        reply.bulk(b"find_keys");
        reply.map(2);
        reply.bulk(b"type");
        match key_spec.find {
            Find::Range {
                lastkey,
                step,
                limit,
            } => {
                reply.bulk(b"range");
                reply.bulk(b"spec");
                reply.map(3);
                for (name, n) in [("lastkey", lastkey), ("keystep", step), ("limit", limit)] {
                    reply.bulk(name.as_bytes());
                    reply.int(i64::from(n));
                }
            }
            Find::Keynum { index, first, step } => {
                reply.bulk(b"keynum");
                reply.bulk(b"spec");
                reply.map(3);
                for (name, n) in [("keynumidx", index), ("firstkey", first), ("keystep", step)] {
                    reply.bulk(name.as_bytes());
                    reply.int(i64::from(n));
                }
            }
            Find::Unknown => {
                reply.bulk(b"unknown");
                reply.bulk(b"spec");
                reply.map(0);
            }
        }
    }
}

/// One key found: its index in the command's arguments, and its flags.
type Found = (usize, &'static [&'static str]);

/// Writes the reply to `COMMAND GETKEYS` (`with_flags` false) or
/// `GETKEYSANDFLAGS` for the command `argv` (name first), with Redis's
/// errors, in its order: unknown command, one without keys, wrong arity,
/// arguments where the keys cannot be found.
pub(crate) fn run(reply: &mut Reply<'_>, argv: &[Bytes], with_flags: bool) {
    let Some(spec) = lookup(argv) else {
        return reply.error(&Error::Fixed("ERR Invalid command specified"));
    };
    let specs = key_specs_of(spec.name);
    // Specs of what is no key (a shard channel) do not count.
    if specs.iter().all(|s| s.flags.contains(&"not_key")) {
        return reply.error(&Error::Fixed("ERR The command has no key arguments"));
    }
    if !spec.accepts(argv.len()) {
        return reply.error(&Error::Fixed(
            "ERR Invalid number of arguments specified for command",
        ));
    }
    let keys = match by_own_rule(spec.name, argv).or_else(|| by_specs(specs, argv)) {
        Some(keys) if !keys.is_empty() => keys,
        _ if spec.has_flag("no_mandatory_keys") => Vec::new(),
        _ => {
            return reply.error(&Error::Fixed("ERR Invalid arguments specified for command"));
        }
    };
    reply.array(keys.len());
    for (index, flags) in keys {
        let key = argv.get(index).map_or(&b""[..], |k| k);
        if with_flags {
            reply.array(2);
            reply.bulk(key);
            reply.set(flags.len());
            for flag in flags {
                reply.simple(flag.as_bytes());
            }
        } else {
            reply.bulk(key);
        }
    }
}

/// The keys the request `argv` (name first) of the command `spec` names,
/// for the scope of a transaction's step: `None` when its arguments do not
/// name every key it touches (`FLUSHDB`, `SCAN`, `DBSIZE`, `SORT ... BY`),
/// so that the step must hold the whole store. `SELECT` touches none.
pub(crate) fn keys_of(spec: &Spec, argv: &[Bytes]) -> Option<Vec<Bytes>> {
    if spec.name == "select" {
        return Some(Vec::new());
    }
    let reads_others = matches!(spec.name, "sort" | "sort_ro")
        && argv.iter().skip(2).any(|w| is(w, "BY") || is(w, "GET"));
    let specs = key_specs_of(spec.name);
    if reads_others || specs.is_empty() {
        return None;
    }
    let found = by_own_rule(spec.name, argv).or_else(|| by_specs(specs, argv))?;
    Some(
        found
            .into_iter()
            .filter_map(|(i, _)| argv.get(i).cloned())
            .collect(),
    )
}

/// The command `argv` names, as Redis's `lookupCommand` finds it: the name,
/// then the subcommand of a container (an unknown one is no command).
fn lookup(argv: &[Bytes]) -> Option<&'static Spec> {
    let name = argv.first()?;
    if name.contains(&b'|') {
        return None;
    }
    let top = table::find_full_name(name)?;
    match (top.subcommands, argv.get(1)) {
        ([], _) | (_, None) => Some(top),
        (subs, Some(word)) => subs
            .iter()
            .find(|sub| sub.word().as_bytes().eq_ignore_ascii_case(word)),
    }
}

/// The keys by the key specs, as Redis's `getKeysUsingKeySpecs`: `None`
/// when a spec cannot be followed (a key count that is not one, a key
/// past the end); a spec of unknown place is skipped.
fn by_specs(specs: &'static [KeySpec], argv: &[Bytes]) -> Option<Vec<Found>> {
    let argc = i64::try_from(argv.len()).ok()?;
    let mut keys = Vec::new();
    for spec in specs {
        if spec.flags.contains(&"not_key") {
            continue;
        }
        let first = match spec.begin {
            Begin::Index(i) => i64::from(i),
            Begin::Keyword(keyword, from) => {
                let found = if from > 0 {
                    (i64::from(from)..argc).find(|&i| keyword_at(argv, i, keyword))
                } else {
                    (1..argc + i64::from(from) + 1)
                        .rev()
                        .find(|&i| keyword_at(argv, i, keyword))
                };
                match found {
                    Some(i) => i + 1,
                    // No keyword: this spec has no keys here.
                    None => continue,
                }
            }
            // Redis skips it: a command whose keys it hides has its own rule.
            Begin::Unknown => continue,
        };
        let (first, last, step) = match spec.find {
            Find::Range {
                lastkey,
                step,
                limit,
            } => {
                let last = if lastkey >= 0 {
                    first + i64::from(lastkey)
                } else if limit == 0 {
                    argc + i64::from(lastkey)
                } else {
                    first + ((argc - first) / i64::from(limit) + i64::from(lastkey))
                };
                (first, last, i64::from(step))
            }
            Find::Keynum {
                index,
                first: from,
                step,
            } => {
                let at = usize::try_from(first + i64::from(index)).ok()?;
                let count = parse_i64(argv.get(at)?).filter(|&n| n >= 0)?;
                let first = first + i64::from(from);
                (first, first.checked_add(count)? - 1, i64::from(step))
            }
            Find::Unknown => return None,
        };
        if last >= argc || last < first || first >= argc || step < 1 {
            return None;
        }
        let mut i = first;
        while i <= last {
            keys.push((usize::try_from(i).ok()?, spec.flags));
            i += step;
        }
    }
    Some(keys)
}

fn keyword_at(argv: &[Bytes], i: i64, keyword: &str) -> bool {
    usize::try_from(i)
        .ok()
        .and_then(|i| argv.get(i))
        .is_some_and(|word| is(word, keyword))
}

/// Where Redis's key specs do not decide, the command's own rule (Redis's
/// `getkeys_proc`): `SORT`'s `STORE`, and the flags of `SET` and
/// `BITFIELD`, which depend on their options.
fn by_own_rule(name: &str, argv: &[Bytes]) -> Option<Vec<Found>> {
    match name {
        // The key, then the last STORE's destination; LIMIT's two
        // arguments and BY's and GET's one are skipped, STORE's is not
        // (as in Redis: `STORE STORE k` stores to `k`).
        "sort" => {
            let mut keys = vec![(1, &["RO", "access"][..])];
            let mut store = None;
            let mut i = 2;
            while i < argv.len() {
                let word = argv.get(i).map_or(&b""[..], |w| w);
                if is(word, "LIMIT") {
                    i += 2;
                } else if is(word, "GET") || is(word, "BY") {
                    i += 1;
                } else if is(word, "STORE") && i + 1 < argv.len() {
                    store = Some(i + 1);
                }
                i += 1;
            }
            keys.extend(store.map(|at| (at, &["OW", "update"][..])));
            Some(keys)
        }
        // With GET it reads the old value; without, it overwrites.
        "set" => {
            let get = argv.iter().skip(3).any(|w| w.eq_ignore_ascii_case(b"GET"));
            let flags: &'static [&'static str] = if get {
                &["RW", "access", "update"]
            } else {
                &["OW", "update"]
            };
            Some(vec![(1, flags)])
        }
        // Read-only while every operation is a GET (or OVERFLOW) with its
        // arguments; anything else may write.
        "bitfield" => {
            let mut readonly = true;
            let mut i = 2;
            while let Some(word) = argv.get(i) {
                let rest = argv.len() - i - 1;
                if is(word, "GET") && rest >= 2 {
                    i += 3;
                } else if is(word, "OVERFLOW") && rest >= 1 {
                    i += 2;
                } else {
                    readonly = false;
                    break;
                }
            }
            let flags: &'static [&'static str] = if readonly {
                &["RO", "access"]
            } else {
                &["RW", "access", "update"]
            };
            Some(vec![(1, flags)])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table is sorted, so that it can be searched.
    #[test]
    fn key_specs_are_sorted() {
        assert!(KEY_SPECS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(TIPS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(tips_of("time"), ["nondeterministic_output"]);
        assert!(!key_specs_of("get").is_empty());
        assert!(key_specs_of("ping").is_empty());
    }
}

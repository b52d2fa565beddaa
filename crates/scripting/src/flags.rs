//! The shebang line of Redis 7.0 scripts: `#!lua flags=no-writes,allow-oom`.

use crate::error::{Error, ErrorKind};

/// The flags a script declares on its `#!lua` line, and whether it has
/// one.
///
/// A script without a shebang runs in Redis's compatibility mode (it may
/// write, and the server treats it as `EVAL` always did); one with a
/// shebang and without `no-writes` is a writing script, which `EVAL_RO`
/// refuses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScriptFlags {
    bits: u8,
}

impl ScriptFlags {
    /// The script has a `#!lua` line (even one without flags).
    pub const SHEBANG: ScriptFlags = ScriptFlags { bits: 1 };
    /// `no-writes`: the script runs read-only.
    pub const NO_WRITES: ScriptFlags = ScriptFlags { bits: 1 << 1 };
    /// `allow-oom`: the server runs it even over `maxmemory`.
    pub const ALLOW_OOM: ScriptFlags = ScriptFlags { bits: 1 << 2 };
    /// `allow-stale`: a stale replica runs it.
    pub const ALLOW_STALE: ScriptFlags = ScriptFlags { bits: 1 << 3 };
    /// `no-cluster`: refused in cluster mode.
    pub const NO_CLUSTER: ScriptFlags = ScriptFlags { bits: 1 << 4 };
    /// `allow-cross-slot-keys`.
    pub const ALLOW_CROSS_SLOT_KEYS: ScriptFlags = ScriptFlags { bits: 1 << 5 };

    /// The names Redis 7.0 accepts after `flags=`.
    const NAMES: [(&'static [u8], ScriptFlags); 5] = [
        (b"no-writes", ScriptFlags::NO_WRITES),
        (b"allow-oom", ScriptFlags::ALLOW_OOM),
        (b"allow-stale", ScriptFlags::ALLOW_STALE),
        (b"no-cluster", ScriptFlags::NO_CLUSTER),
        (b"allow-cross-slot-keys", ScriptFlags::ALLOW_CROSS_SLOT_KEYS),
    ];

    /// Whether every flag of `other` is set.
    pub const fn contains(self, other: ScriptFlags) -> bool {
        self.bits & other.bits == other.bits
    }

    /// Whether the script has a shebang line.
    pub const fn has_shebang(self) -> bool {
        self.contains(ScriptFlags::SHEBANG)
    }

    /// Whether a script with these flags runs read-only: it declares
    /// `no-writes`.
    pub const fn no_writes(self) -> bool {
        self.contains(ScriptFlags::NO_WRITES)
    }

    const fn with(self, other: ScriptFlags) -> ScriptFlags {
        ScriptFlags {
            bits: self.bits | other.bits,
        }
    }
}

/// Reads a script's shebang as Redis 7.0 does: its flags, and where the Lua
/// source starts (at the newline that ends the shebang, so that line
/// numbers do not change; 0 without a shebang).
///
/// The errors are Redis's: `ERR Invalid script shebang` (no newline after
/// it), `ERR Unexpected engine in script shebang: #!x`, `ERR Unknown lua
/// shebang option: x` and `ERR Unexpected flag in script shebang: x`.
pub fn parse_shebang(body: &[u8]) -> Result<(ScriptFlags, usize), Error> {
    if !body.starts_with(b"#!") {
        return Ok((ScriptFlags::default(), 0));
    }
    let Some(end) = body.iter().position(|&b| b == b'\n') else {
        return Err(Error::new(ErrorKind::Shebang, "ERR Invalid script shebang"));
    };
    let mut parts = body[..end]
        .split(|b| b.is_ascii_whitespace())
        .filter(|p| !p.is_empty());
    let engine = parts.next().unwrap_or_default();
    if engine != b"#!lua" {
        let mut text = b"ERR Unexpected engine in script shebang: ".to_vec();
        text.extend_from_slice(engine);
        return Err(Error::new(ErrorKind::Shebang, text));
    }
    let mut flags = ScriptFlags::SHEBANG;
    for part in parts {
        let Some(list) = part.strip_prefix(b"flags=") else {
            let mut text = b"ERR Unknown lua shebang option: ".to_vec();
            text.extend_from_slice(part);
            return Err(Error::new(ErrorKind::Shebang, text));
        };
        if list.is_empty() {
            continue;
        }
        for name in list.split(|&b| b == b',') {
            match ScriptFlags::NAMES.iter().find(|(n, _)| *n == name) {
                Some((_, flag)) => flags = flags.with(*flag),
                None => {
                    let mut text = b"ERR Unexpected flag in script shebang: ".to_vec();
                    text.extend_from_slice(name);
                    return Err(Error::new(ErrorKind::Shebang, text));
                }
            }
        }
    }
    Ok((flags, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: &str) -> String {
        match parse_shebang(body.as_bytes()) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    /// Flags and their errors read as in redis-server 7.0.15.
    #[test]
    fn shebang_like_redis() {
        // Every text below was checked against redis-server 7.0.15.
        assert_eq!(
            parse_shebang(b"return 1").ok(),
            Some((ScriptFlags::default(), 0))
        );
        let (flags, at) =
            parse_shebang(b"#!lua flags=no-writes,allow-oom\nreturn 1").unwrap_or_default();
        assert!(flags.no_writes() && flags.contains(ScriptFlags::ALLOW_OOM) && flags.has_shebang());
        assert_eq!(at, 31);
        let (flags, _) = parse_shebang(b"#!lua  flags=\nreturn 1").unwrap_or_default();
        assert_eq!(flags, ScriptFlags::SHEBANG);
        assert_eq!(
            err("#!lua flags=bogus\nreturn 1"),
            "ERR Unexpected flag in script shebang: bogus"
        );
        assert_eq!(
            err("#!lua flags=no-writes,bogus\nreturn 1"),
            "ERR Unexpected flag in script shebang: bogus"
        );
        assert_eq!(
            err("#!lua foo=bar\nreturn 1"),
            "ERR Unknown lua shebang option: foo=bar"
        );
        assert_eq!(
            err("#!luax\nreturn 1"),
            "ERR Unexpected engine in script shebang: #!luax"
        );
        assert_eq!(
            err("#! lua\nreturn 1"),
            "ERR Unexpected engine in script shebang: #!"
        );
        assert_eq!(err("#!lua"), "ERR Invalid script shebang");
    }
}

//! What is stored under one key, and the integer parsing Redis uses.

use bytes::Bytes;
use tokio::time::Instant;

/// A value with its optional deadline: what every strategy stores per key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The value.
    pub value: Bytes,
    /// When the key stops existing; `None` for a persistent key.
    pub expires_at: Option<Instant>,
}

impl Entry {
    /// A persistent entry.
    pub fn new(value: Bytes) -> Self {
        Self {
            value,
            expires_at: None,
        }
    }

    /// Whether the entry still exists at `now`. A deadline equal to `now` has
    /// passed, as in Redis.
    pub fn is_live(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}

/// Parses a decimal `i64` exactly as Redis's `string2ll` does: an optional
/// `-`, then digits with no leading zero, no `+`, no spaces, no overflow.
///
/// ```
/// use sharedkv_db::parse_i64;
/// assert_eq!(parse_i64(b"-42"), Some(-42));
/// assert_eq!(parse_i64(b"9223372036854775808"), None);
/// assert_eq!(parse_i64(b"007"), None);
/// assert_eq!(parse_i64(b" 1"), None);
/// ```
pub fn parse_i64(text: &[u8]) -> Option<i64> {
    if text == b"0" {
        return Some(0);
    }
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    // Redis rejects leading zeros ("01", "-0"), which also keeps every
    // integer's text form unique.
    if digits.is_empty() || digits.len() > 19 || digits[0] == b'0' {
        return None;
    }
    let mut magnitude: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        magnitude = magnitude
            .checked_mul(10)?
            .checked_add(u64::from(d - b'0'))?;
    }
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts exactly the forms Redis accepts, up to both ends of the range.
    #[test]
    fn parses_like_redis() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"12"), Some(12));
        assert_eq!(parse_i64(b"-12"), Some(-12));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b"01",
            b"-0",
            b"1 ",
            b"1.5",
            b"abc",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"99999999999999999999999",
        ] {
            assert_eq!(parse_i64(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}

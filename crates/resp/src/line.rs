//! Line framing and integer parsing shared by both decoders.

/// Where the line that starts at `buf[start]` ends.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line {
    /// No CR yet, or a CR that is the last buffered byte: wait for more.
    /// The first `searched` bytes from `start` hold no CR, so the next search
    /// may skip them.
    Incomplete { searched: usize },
    /// More than `max` bytes are buffered from `start` and none is a CR.
    TooLong,
    /// The first CR is at `cr`, and `buf[cr + 1]` exists; `crlf` says
    /// whether that byte is LF. The line's terminator ends at `cr + 2`.
    Found { cr: usize, crlf: bool },
}

/// Finds the first CR of the line starting at `buf[start]` (its type byte),
/// skipping the first `searched` bytes, which an earlier call found free of
/// CR.
pub(crate) fn find_line(buf: &[u8], start: usize, max: usize, searched: usize) -> Line {
    let rest = &buf[start..];
    match find_within(rest, b'\r', max, searched) {
        Search::Found(i) => match rest.get(i + 1) {
            Some(&next) => Line::Found {
                cr: start + i,
                crlf: next == b'\n',
            },
            None => Line::Incomplete { searched: i },
        },
        Search::Missing { searched } => Line::Incomplete { searched },
        Search::TooLong => Line::TooLong,
    }
}

/// Result of [`find_within`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Search {
    /// The needle is at this index.
    Found(usize),
    /// Not among the `searched` bytes buffered so far; at most `max` are.
    Missing { searched: usize },
    /// Not among the first `max + 1` bytes.
    TooLong,
}

/// Looks for `needle` among the first `max + 1` bytes of `buf`, skipping the
/// first `searched`.
///
/// Redis fails a line once more than `max` bytes are buffered without its
/// terminator. Looking only at the first `max + 1` bytes gives the same
/// answer however the bytes were split across reads, and bounds the scan;
/// `searched` lets a caller that keeps state scan a slowly arriving line
/// once rather than once per read.
pub(crate) fn find_within(buf: &[u8], needle: u8, max: usize, searched: usize) -> Search {
    let window = &buf[..buf.len().min(max.saturating_add(1))];
    // `searched` can exceed the window only if the limits shrank meanwhile.
    let unsearched = window.get(searched..).unwrap_or_default();
    match unsearched.iter().position(|&b| b == needle) {
        Some(i) => Search::Found(searched + i),
        None if buf.len() > max => Search::TooLong,
        None => Search::Missing {
            searched: window.len(),
        },
    }
}

/// Parses a decimal `i64` exactly as Redis's `string2ll` does: an optional
/// `-`, then `0` alone or digits not starting with `0`; no `+`, no spaces, no
/// leading zeros, no `-0`, and overflow is a failure, never a wrap.
pub(crate) fn parse_int(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    match digits {
        [b'0'] if !negative => return Some(0),
        [b'1'..=b'9', ..] => {}
        _ => return None,
    }
    // Accumulate negatively so that i64::MIN, whose magnitude does not fit in
    // a positive i64, parses too.
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
    }
    if negative { Some(n) } else { n.checked_neg() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers Redis's string2ll accepts parse to the same value.
    #[test]
    fn parse_int_accepts_what_string2ll_accepts() {
        assert_eq!(parse_int(b"0"), Some(0));
        assert_eq!(parse_int(b"7"), Some(7));
        assert_eq!(parse_int(b"-1"), Some(-1));
        assert_eq!(parse_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int(b"-9223372036854775808"), Some(i64::MIN));
    }

    /// Everything string2ll rejects is rejected, overflow included.
    #[test]
    fn parse_int_rejects_what_string2ll_rejects() {
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b" 1",
            b"1 ",
            b"01",
            b"-0",
            b"00",
            b"1a",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"18446744073709551615",
            b"99999999999999999999999",
        ] {
            assert_eq!(parse_int(bad), None, "{:?}", bad.escape_ascii().to_string());
        }
    }

    /// The line limit holds however the bytes arrive: a CR at index `max` is
    /// found, no CR among the first `max + 1` bytes is too long.
    #[test]
    fn find_line_limit_is_exact() {
        let mut at_limit = vec![b'x'; 4];
        at_limit.extend_from_slice(b"\r\n");
        assert_eq!(
            find_line(&at_limit, 0, 4, 0),
            Line::Found { cr: 4, crlf: true }
        );
        assert_eq!(
            find_line(&at_limit[..5], 0, 4, 0),
            Line::Incomplete { searched: 4 }
        );
        assert_eq!(
            find_line(b"xxxx", 0, 4, 0),
            Line::Incomplete { searched: 4 }
        );
        assert_eq!(find_line(b"xxxxx\r\n", 0, 4, 0), Line::TooLong);
        assert_eq!(
            find_line(b"ab\rX", 0, 4, 0),
            Line::Found { cr: 2, crlf: false }
        );
    }

    /// Resuming a search after `searched` bytes finds the same line end.
    #[test]
    fn find_line_resumes() {
        let Line::Incomplete { searched } = find_line(b"$12", 0, 64, 0) else {
            panic!("expected incomplete");
        };
        assert_eq!(searched, 3);
        assert_eq!(
            find_line(b"$123\r\n", 0, 64, searched),
            Line::Found { cr: 4, crlf: true }
        );
        assert_eq!(
            find_line(b"+ok\r\n", 0, 64, 0),
            find_line(b"+ok\r\n", 0, 64, 2)
        );
    }
}

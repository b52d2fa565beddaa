//! Inline requests: a line of space-separated words, as typed into telnet.
//!
//! The splitting rules are those of Redis's `sdssplitargs`. One difference:
//! Redis works on C strings, so a NUL byte ends its parse (and its search for
//! the newline); here NUL is an ordinary byte.

use bytes::Bytes;

use crate::ProtocolError;

/// Splits one inline request line (without its `\n` or trailing `\r`) into
/// arguments, as `sdssplitargs` does:
///
/// - whitespace separates arguments (an unquoted word ends only at space,
///   tab, CR or LF, as in Redis);
/// - `"..."` understands `\n \r \t \b \a \xHH`, and `\c` gives `c`;
/// - `'...'` understands only `\'`;
/// - a closing quote must be followed by whitespace or the end of the line,
///   and an unterminated quote is an error: both give
///   [`ProtocolError::UnbalancedQuotes`].
///
/// Arguments are copies: escapes mean they are not slices of the line.
pub(crate) fn split_args(line: &[u8]) -> Result<Vec<Bytes>, ProtocolError> {
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while line.get(i).is_some_and(|&b| is_space(b)) {
            i += 1;
        }
        if i == line.len() {
            return Ok(args);
        }
        let (arg, next) = word(line, i)?;
        args.push(Bytes::from(arg));
        i = next;
    }
}

/// Where a word is while being read.
#[derive(Clone, Copy)]
enum Quote {
    None,
    Double,
    Single,
}

/// Reads the word starting at `line[i]`; returns it and the index to resume
/// from.
fn word(line: &[u8], mut i: usize) -> Result<(Vec<u8>, usize), ProtocolError> {
    let mut out = Vec::new();
    let mut quote = Quote::None;
    loop {
        let Some(&c) = line.get(i) else {
            return match quote {
                Quote::None => Ok((out, i)),
                Quote::Double | Quote::Single => Err(ProtocolError::UnbalancedQuotes),
            };
        };
        let next = line.get(i + 1).copied();
        match quote {
            Quote::None => match c {
                b' ' | b'\t' | b'\r' | b'\n' => return Ok((out, i + 1)),
                b'"' => quote = Quote::Double,
                b'\'' => quote = Quote::Single,
                _ => out.push(c),
            },
            Quote::Double => match (c, next) {
                (b'\\', Some(b'x')) => {
                    match (hex(line.get(i + 2)), hex(line.get(i + 3))) {
                        (Some(hi), Some(lo)) => {
                            out.push((hi << 4) | lo);
                            i += 3;
                        }
                        // Not `\xHH`: `\x` is just `x`, as for any `\c`.
                        _ => {
                            out.push(b'x');
                            i += 1;
                        }
                    }
                }
                (b'\\', Some(e)) => {
                    out.push(match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                    i += 1;
                }
                (b'"', after) => return close_quote(out, i, after),
                _ => out.push(c),
            },
            Quote::Single => match (c, next) {
                (b'\\', Some(b'\'')) => {
                    out.push(b'\'');
                    i += 1;
                }
                (b'\'', after) => return close_quote(out, i, after),
                _ => out.push(c),
            },
        }
        i += 1;
    }
}

/// A closing quote at `line[i]` must be followed by whitespace or nothing.
fn close_quote(
    out: Vec<u8>,
    i: usize,
    after: Option<u8>,
) -> Result<(Vec<u8>, usize), ProtocolError> {
    match after {
        Some(b) if !is_space(b) => Err(ProtocolError::UnbalancedQuotes),
        _ => Ok((out, i + 1)),
    }
}

/// C's `isspace` in the C locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn hex(b: Option<&u8>) -> Option<u8> {
    char::from(*b?).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &[u8]) -> Result<Vec<Vec<u8>>, ProtocolError> {
        split_args(line).map(|args| args.iter().map(|a| a.to_vec()).collect())
    }

    fn ok(words: &[&[u8]]) -> Result<Vec<Vec<u8>>, ProtocolError> {
        Ok(words.iter().map(|w| w.to_vec()).collect())
    }

    /// Runs of spaces and tabs separate words; leading/trailing ones vanish.
    #[test]
    fn whitespace_separates_words() {
        assert_eq!(split(b"  SET\tk   v  "), ok(&[b"SET", b"k", b"v"]));
        assert_eq!(split(b" \t "), ok(&[]));
        assert_eq!(split(b""), ok(&[]));
    }

    /// Vertical tab and form feed are skipped between words but, as in
    /// Redis, do not end an unquoted word.
    #[test]
    fn vertical_tab_only_separates_between_words() {
        assert_eq!(split(b"\x0ba\x0bb c"), ok(&[b"a\x0bb", b"c"]));
    }

    /// Double quotes keep spaces and understand C escapes and `\xHH`.
    #[test]
    fn double_quote_escapes() {
        assert_eq!(
            split(br#"SET "a b" "\n\r\t\b\a\\\"\x41\xfF\q""#),
            ok(&[b"SET", b"a b", b"\n\r\t\x08\x07\\\"A\xffq"])
        );
    }

    /// `\x` without two hex digits is a plain `x`.
    #[test]
    fn incomplete_hex_escape_is_literal_x() {
        assert_eq!(split(br#""\xg1" "\x4""#), ok(&[b"xg1", b"x4"]));
    }

    /// Single quotes understand only `\'`; other backslashes stay.
    #[test]
    fn single_quote_escapes() {
        assert_eq!(split(br"'it\'s \n' x"), ok(&[b"it's \\n", b"x"]));
    }

    /// A quote may start mid-word and joins with what came before it.
    #[test]
    fn quote_inside_word_joins() {
        assert_eq!(split(br#"ab"c d""#), ok(&[b"abc d"]));
        assert_eq!(split(br#""""#), ok(&[b""]));
    }

    /// Unterminated quotes and closing quotes followed by a non-space byte
    /// are unbalanced.
    #[test]
    fn unbalanced_quotes() {
        for bad in [
            &br#""abc"#[..],
            br"'abc",
            br#""abc"x"#,
            br"'abc'x",
            br#""abc\"#,
            br#"""x"#,
        ] {
            assert_eq!(split(bad), Err(ProtocolError::UnbalancedQuotes), "{bad:?}");
        }
    }

    /// A closing quote followed by any whitespace, or the end, is fine.
    #[test]
    fn closing_quote_followed_by_space_or_end() {
        assert_eq!(split(b"\"a\"\x0cb 'c'"), ok(&[b"a", b"b", b"c"]));
    }

    /// NUL is an ordinary byte here, not a string end.
    #[test]
    fn nul_is_ordinary() {
        assert_eq!(split(b"a\0b \"\0\""), ok(&[b"a\0b", b"\0"]));
    }
}

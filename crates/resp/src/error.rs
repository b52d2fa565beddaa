//! The error that ends a connection.

use std::fmt;

/// A protocol violation. The stream can no longer be framed, so the
/// connection must be closed (a server first replies `-ERR <Display>`).
///
/// `Display` gives Redis's exact text without the `ERR ` prefix, e.g.
/// `Protocol error: invalid bulk length`. Like Redis's
/// `addReplyErrorFormat`, it turns CR and LF into spaces, so the text is
/// always safe to send as one error line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolError {
    /// A `*N` count that is not a number or exceeds `max_multibulk_len`
    /// (this includes more than 10 arguments under
    /// [`Limits::UNAUTHENTICATED`](crate::Limits::UNAUTHENTICATED)).
    InvalidMultibulkLength,
    /// A `$N` length that is not a number, is negative (in a request),
    /// exceeds `max_bulk_len`, or whose payload is not followed by CRLF.
    InvalidBulkLength,
    /// Before authentication ([`Limits::UNAUTHENTICATED`](crate::Limits::UNAUTHENTICATED)),
    /// a `*N` count over 10, as Redis words it.
    UnauthenticatedMultibulkLength,
    /// Before authentication, a `$N` length over 16 KiB (but within
    /// Redis's default `proto-max-bulk-len`), as Redis words it.
    UnauthenticatedBulkLength,
    /// A multibulk element whose header does not start with `$`.
    ExpectedDollar(u8),
    /// An inline request with an unterminated quote, or a closing quote not
    /// followed by a space or the end of the line.
    UnbalancedQuotes,
    /// More than `max_inline_len` bytes of an inline request without `\n`.
    TooBigInlineRequest,
    /// More than `max_inline_len` bytes of a `*N` line without `\r`.
    TooBigMbulkCountString,
    /// More than `max_inline_len` bytes of a `$N` line without `\r`.
    TooBigBulkCountString,
    /// Reply decoding: a frame starting with a byte that is no RESP2 or
    /// RESP3 type (`+ - : $ *`, `_ # , ( ! = % ~ > |`).
    InvalidFrameType(u8),
    /// Reply decoding: a `:` line that is not a 64-bit integer.
    InvalidInteger,
    /// Reply decoding: more than `max_inline_len` bytes of a `+`, `-` or `:`
    /// line without `\r`.
    TooBigReplyLine,
    /// Reply decoding: a `+` or `-` line with a CR not followed by LF.
    ExpectedCrlf,
    /// Reply decoding: aggregates nested deeper than
    /// [`MAX_REPLY_DEPTH`](crate::MAX_REPLY_DEPTH).
    NestingTooDeep,
    /// Reply decoding: a `_` line with something after the `_`.
    InvalidNull,
    /// Reply decoding: a `#` line other than `#t` and `#f`.
    InvalidBoolean,
    /// Reply decoding: a `,` line that is not a floating-point number.
    InvalidDouble,
    /// Reply decoding: a `(` line that is not an optional `-` and digits.
    InvalidBigNumber,
    /// Reply decoding: a `=` string too short for its format, or whose
    /// format is not followed by `:`.
    InvalidVerbatim,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Protocol error: ")?;
        match self {
            Self::InvalidMultibulkLength => f.write_str("invalid multibulk length"),
            Self::InvalidBulkLength => f.write_str("invalid bulk length"),
            Self::UnauthenticatedMultibulkLength => f.write_str("unauthenticated multibulk length"),
            Self::UnauthenticatedBulkLength => f.write_str("unauthenticated bulk length"),
            Self::ExpectedDollar(b) => write!(f, "expected '$', got '{}'", wire_char(*b)),
            Self::UnbalancedQuotes => f.write_str("unbalanced quotes in request"),
            Self::TooBigInlineRequest => f.write_str("too big inline request"),
            Self::TooBigMbulkCountString => f.write_str("too big mbulk count string"),
            Self::TooBigBulkCountString => f.write_str("too big bulk count string"),
            Self::InvalidFrameType(b) => write!(f, "got '{}' as reply type byte", b.escape_ascii()),
            Self::InvalidInteger => f.write_str("invalid integer"),
            Self::TooBigReplyLine => f.write_str("too big reply line"),
            Self::ExpectedCrlf => f.write_str("expected CRLF at end of line"),
            Self::NestingTooDeep => f.write_str("reply nested too deep"),
            Self::InvalidNull => f.write_str("invalid null"),
            Self::InvalidBoolean => f.write_str("invalid boolean"),
            Self::InvalidDouble => f.write_str("invalid double"),
            Self::InvalidBigNumber => f.write_str("invalid big number"),
            Self::InvalidVerbatim => f.write_str("invalid verbatim string"),
        }
    }
}

impl std::error::Error for ProtocolError {}

/// The byte as Redis's `%c` prints it, with CR and LF mapped to a space as
/// `addReplyErrorFormat` does. A byte of 0x80 or above becomes the Unicode
/// character of the same number (Redis would send the raw byte).
fn wire_char(b: u8) -> char {
    match b {
        b'\r' | b'\n' => ' ',
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An unexpected CR or LF never breaks the error line it is sent in.
    #[test]
    fn expected_dollar_maps_newlines_to_spaces() {
        assert_eq!(
            ProtocolError::ExpectedDollar(b'\r').to_string(),
            "Protocol error: expected '$', got ' '"
        );
        assert_eq!(
            ProtocolError::ExpectedDollar(b'\n').to_string(),
            "Protocol error: expected '$', got ' '"
        );
    }

    /// Reply-side errors name the offending byte in escaped form.
    #[test]
    fn invalid_frame_type_escapes_the_byte() {
        assert_eq!(
            ProtocolError::InvalidFrameType(0).to_string(),
            "Protocol error: got '\\x00' as reply type byte"
        );
        assert_eq!(
            ProtocolError::InvalidFrameType(b'x').to_string(),
            "Protocol error: got 'x' as reply type byte"
        );
    }
}

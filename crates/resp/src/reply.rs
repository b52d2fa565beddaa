//! The client-side reply decoder.
//!
//! Stateless: it looks at the buffer from the start on every call and takes
//! nothing until a whole frame is there. That is simple for a client reading
//! small replies; a reply of N elements arriving in K reads costs O(N * K).
//!
//! It works in two passes. [`frame_end`] validates a complete frame and
//! finds its length without allocating anything; only then is that prefix
//! split off and frozen, and [`build`] makes the `Frame` tree out of zero-copy
//! slices of it. So an incomplete frame costs no allocation, and every `Vec`
//! is sized by elements that are actually present, never by a declared count.

use bytes::{Bytes, BytesMut};

use crate::line::{Line, find_line, parse_int};
use crate::{Frame, Limits, ProtocolError};

/// Deepest nesting of arrays [`decode_frame`] accepts. Real replies nest a
/// few levels at most; the cap keeps the recursive decoder (and the
/// recursive drop of a `Frame`) off the end of the stack when a peer sends
/// `*1\r\n*1\r\n...`.
pub const MAX_REPLY_DEPTH: usize = 64;

/// Decodes one reply frame from the front of `buf`.
///
/// `Ok(Some(frame))` consumes exactly that frame's bytes; `Ok(None)` means
/// the frame is not complete yet and consumes nothing. Bulk strings and
/// simple strings in the result are slices of `buf`'s allocation. Arrays may
/// nest up to [`MAX_REPLY_DEPTH`] levels. `limits` bounds bulk lengths, array
/// counts and the length of every line; unlike requests, `$-1` and `*-1`
/// are valid (null) here, other negative lengths are not.
pub fn decode_frame(buf: &mut BytesMut, limits: &Limits) -> Result<Option<Frame>, ProtocolError> {
    let Some(len) = frame_end(buf, 0, limits, 0)? else {
        return Ok(None);
    };
    let frame = buf.split_to(len).freeze();
    Ok(Some(build(&frame, 0, limits).0))
}

/// The first line of a frame, parsed.
enum Head {
    /// `+`: the text ends at this index (its CR).
    Simple(usize),
    /// `-`: the text ends at this index (its CR).
    Error(usize),
    Integer(i64),
    /// `$len`: the payload follows the line.
    Bulk(usize),
    Null,
    NullArray,
    /// `*n`: `n` frames follow the line.
    Array(usize),
}

/// Reads the head line of the frame at `buf[pos]`. Returns it and the index
/// just past its CRLF, or `None` if the line is not all buffered.
fn head(buf: &[u8], pos: usize, limits: &Limits) -> Result<Option<(Head, usize)>, ProtocolError> {
    let Some(&ty) = buf.get(pos) else {
        return Ok(None);
    };
    // Reject a bad type byte at once rather than after a line of junk.
    let too_big = match ty {
        b'+' | b'-' | b':' => ProtocolError::TooBigReplyLine,
        b'$' => ProtocolError::TooBigBulkCountString,
        b'*' => ProtocolError::TooBigMbulkCountString,
        other => return Err(ProtocolError::InvalidFrameType(other)),
    };
    let (cr, crlf) = match find_line(buf, pos, limits.max_inline_len, 0) {
        Line::Incomplete { .. } => return Ok(None),
        Line::TooLong => return Err(too_big),
        Line::Found { cr, crlf } => (cr, crlf),
    };
    // A number followed by a lone CR is as malformed as any other junk.
    let number = || parse_int(&buf[pos + 1..cr]).filter(|_| crlf);
    let head = match ty {
        b'+' | b'-' if !crlf => return Err(ProtocolError::ExpectedCrlf),
        b'+' => Head::Simple(cr),
        b'-' => Head::Error(cr),
        b':' => Head::Integer(number().ok_or(ProtocolError::InvalidInteger)?),
        b'$' => match number() {
            Some(-1) => Head::Null,
            n => Head::Bulk(
                n.and_then(|n| usize::try_from(n).ok())
                    .filter(|&n| n <= limits.max_bulk_len)
                    .ok_or(ProtocolError::InvalidBulkLength)?,
            ),
        },
        _ => match number() {
            Some(-1) => Head::NullArray,
            n => Head::Array(
                n.and_then(|n| usize::try_from(n).ok())
                    .filter(|&n| n <= limits.max_multibulk_len)
                    .ok_or(ProtocolError::InvalidMultibulkLength)?,
            ),
        },
    };
    Ok(Some((head, cr + 2)))
}

/// Validates the frame at `buf[pos]`, nested `depth` arrays deep, and returns
/// the index just past it, or `None` if it is not all buffered. Allocates
/// nothing.
fn frame_end(
    buf: &[u8],
    pos: usize,
    limits: &Limits,
    depth: usize,
) -> Result<Option<usize>, ProtocolError> {
    let Some((head, next)) = head(buf, pos, limits)? else {
        return Ok(None);
    };
    match head {
        Head::Bulk(len) => {
            let end = next.saturating_add(len).saturating_add(2);
            if buf.len() < end {
                return Ok(None);
            }
            if buf[end - 2..end] != *b"\r\n" {
                return Err(ProtocolError::InvalidBulkLength);
            }
            Ok(Some(end))
        }
        Head::Array(count) => {
            if depth >= MAX_REPLY_DEPTH {
                return Err(ProtocolError::NestingTooDeep);
            }
            // Each element takes at least 3 bytes, so this loop ends with the
            // buffer, however large the declared count.
            let mut pos = next;
            for _ in 0..count {
                match frame_end(buf, pos, limits, depth + 1)? {
                    Some(end) => pos = end,
                    None => return Ok(None),
                }
            }
            Ok(Some(pos))
        }
        Head::Simple(_) | Head::Error(_) | Head::Integer(_) | Head::Null | Head::NullArray => {
            Ok(Some(next))
        }
    }
}

/// Builds the frame at `src[pos]`, which [`frame_end`] has accepted with the
/// same `limits`, and returns it with the index just past it.
fn build(src: &Bytes, pos: usize, limits: &Limits) -> (Frame, usize) {
    let (head, next) = head(src, pos, limits)
        .ok()
        .flatten()
        .expect("frame_end accepted this frame");
    match head {
        Head::Simple(end) => (Frame::Simple(src.slice(pos + 1..end)), next),
        Head::Error(end) => (Frame::Error(src.slice(pos + 1..end)), next),
        Head::Integer(n) => (Frame::Integer(n), next),
        Head::Bulk(len) => (Frame::Bulk(src.slice(next..next + len)), next + len + 2),
        Head::Null => (Frame::Null, next),
        Head::NullArray => (Frame::NullArray, next),
        Head::Array(count) => {
            // `frame_end` walked all `count` elements, so they are really
            // here: this capacity is bounded by the bytes received.
            let mut items = Vec::with_capacity(count);
            let mut pos = next;
            for _ in 0..count {
                let (item, end) = build(src, pos, limits);
                items.push(item);
                pos = end;
            }
            (Frame::Array(items), pos)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(input: &[u8]) -> Result<Option<Frame>, ProtocolError> {
        decode_frame(&mut BytesMut::from(input), &Limits::default())
    }

    fn bulk(s: &str) -> Frame {
        Frame::Bulk(Bytes::copy_from_slice(s.as_bytes()))
    }

    /// Every RESP2 type decodes to its `Frame`.
    #[test]
    fn decodes_each_type() {
        assert_eq!(decode(b"+OK\r\n"), Ok(Some(Frame::Simple("OK".into()))));
        assert_eq!(
            decode(b"-ERR no\r\n"),
            Ok(Some(Frame::Error("ERR no".into())))
        );
        assert_eq!(decode(b":-42\r\n"), Ok(Some(Frame::Integer(-42))));
        assert_eq!(decode(b"$3\r\na\rb\r\n"), Ok(Some(bulk("a\rb"))));
        assert_eq!(decode(b"$0\r\n\r\n"), Ok(Some(bulk(""))));
        assert_eq!(decode(b"$-1\r\n"), Ok(Some(Frame::Null)));
        assert_eq!(decode(b"*-1\r\n"), Ok(Some(Frame::NullArray)));
        assert_eq!(decode(b"*0\r\n"), Ok(Some(Frame::Array(vec![]))));
    }

    /// Nested arrays decode into nested frames.
    #[test]
    fn decodes_nested_arrays() {
        let input = b"*3\r\n:1\r\n*2\r\n$1\r\na\r\n$-1\r\n+x\r\n";
        let expected = Frame::Array(vec![
            Frame::Integer(1),
            Frame::Array(vec![bulk("a"), Frame::Null]),
            Frame::Simple("x".into()),
        ]);
        assert_eq!(decode(input), Ok(Some(expected)));
    }

    /// Every proper prefix of a frame yields `None` and consumes nothing;
    /// the whole frame consumes exactly itself and leaves the next one.
    #[test]
    fn incomplete_frames_consume_nothing() {
        let input = b"*2\r\n$5\r\nhello\r\n*1\r\n:7\r\n+next\r\n";
        let frame_len = input.len() - 7;
        for cut in 0..frame_len {
            let mut buf = BytesMut::from(&input[..cut]);
            assert_eq!(
                decode_frame(&mut buf, &Limits::default()),
                Ok(None),
                "cut {cut}"
            );
            assert_eq!(buf.len(), cut);
        }
        let mut buf = BytesMut::from(&input[..]);
        assert!(
            decode_frame(&mut buf, &Limits::default())
                .unwrap()
                .is_some()
        );
        assert_eq!(&buf[..], b"+next\r\n");
    }

    /// Bulk strings in a decoded reply are slices of the read buffer.
    #[test]
    fn reply_bulks_are_zero_copy() {
        let mut buf = BytesMut::from(&b"*1\r\n$5\r\nhello\r\n"[..]);
        let start = buf.as_ptr() as usize;
        let Some(Frame::Array(items)) = decode_frame(&mut buf, &Limits::default()).unwrap() else {
            panic!("expected an array");
        };
        let Frame::Bulk(b) = &items[0] else {
            panic!("expected a bulk")
        };
        assert_eq!(b.as_ptr() as usize, start + 8);
    }

    /// Malformed replies give the matching errors.
    #[test]
    fn reply_errors() {
        assert_eq!(decode(b"?\r\n"), Err(ProtocolError::InvalidFrameType(b'?')));
        assert_eq!(decode(b":1.5\r\n"), Err(ProtocolError::InvalidInteger));
        assert_eq!(
            decode(b":99999999999999999999\r\n"),
            Err(ProtocolError::InvalidInteger)
        );
        assert_eq!(decode(b"$-2\r\n"), Err(ProtocolError::InvalidBulkLength));
        assert_eq!(
            decode(b"$18446744073709551615\r\n"),
            Err(ProtocolError::InvalidBulkLength)
        );
        assert_eq!(
            decode(b"$1\r\nab\r\n"),
            Err(ProtocolError::InvalidBulkLength)
        );
        assert_eq!(
            decode(b"*-2\r\n"),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(decode(b"+O\rK\r\n"), Err(ProtocolError::ExpectedCrlf));
        assert_eq!(
            decode(b"*1\r\n!"),
            Err(ProtocolError::InvalidFrameType(b'!'))
        );
        assert_eq!(
            ProtocolError::InvalidInteger.to_string(),
            "Protocol error: invalid integer"
        );
    }

    /// Lines longer than `max_inline_len` without a CR are rejected.
    #[test]
    fn reply_lines_are_bounded() {
        let limits = Limits {
            max_inline_len: 8,
            ..Limits::default()
        };
        let mut buf = BytesMut::from(&b"+123456789"[..]);
        assert_eq!(
            decode_frame(&mut buf, &limits),
            Err(ProtocolError::TooBigReplyLine)
        );
        let mut buf = BytesMut::from(&b"$123456789"[..]);
        assert_eq!(
            decode_frame(&mut buf, &limits),
            Err(ProtocolError::TooBigBulkCountString)
        );
        let mut buf = BytesMut::from(&b"+1234567\r\n"[..]);
        assert!(decode_frame(&mut buf, &limits).unwrap().is_some());
    }

    /// Limits on bulk length and array count apply to replies too.
    #[test]
    fn reply_limits_apply() {
        let un = Limits::UNAUTHENTICATED;
        let mut buf = BytesMut::from(&b"*11\r\n"[..]);
        assert_eq!(
            decode_frame(&mut buf, &un),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        let mut buf = BytesMut::from(&b"$16385\r\n"[..]);
        assert_eq!(
            decode_frame(&mut buf, &un),
            Err(ProtocolError::InvalidBulkLength)
        );
    }

    /// Arrays nest up to `MAX_REPLY_DEPTH` levels and no further.
    #[test]
    fn nesting_is_bounded() {
        let nested = |levels: usize| {
            let mut input = b"*1\r\n".repeat(levels - 1);
            input.extend_from_slice(b"*0\r\n");
            input
        };
        assert!(decode(&nested(MAX_REPLY_DEPTH)).unwrap().is_some());
        assert_eq!(
            decode(&nested(MAX_REPLY_DEPTH + 1)),
            Err(ProtocolError::NestingTooDeep)
        );
        assert_eq!(
            decode(&b"*1\r\n".repeat(100_000)),
            Err(ProtocolError::NestingTooDeep)
        );
    }

    /// A huge declared count with few elements buffered just waits.
    #[test]
    fn huge_declared_count_waits() {
        assert_eq!(decode(b"*2147483647\r\n:1\r\n:2\r\n"), Ok(None));
    }
}

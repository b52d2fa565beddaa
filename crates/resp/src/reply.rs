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

/// Deepest nesting of aggregates (arrays, maps, sets, pushes, attributes)
/// [`decode_frame`] accepts. Real replies nest a few levels at most; the cap
/// keeps the recursive decoder (and the recursive drop of a `Frame`) off the
/// end of the stack when a peer sends `*1\r\n*1\r\n...`.
pub const MAX_REPLY_DEPTH: usize = 64;

/// Decodes one reply frame from the front of `buf`.
///
/// `Ok(Some(frame))` consumes exactly that frame's bytes; `Ok(None)` means
/// the frame is not complete yet and consumes nothing. Strings in the
/// result are slices of `buf`'s allocation. Aggregates may nest up to
/// [`MAX_REPLY_DEPTH`] levels. `limits` bounds string lengths, element (and
/// pair) counts and the length of every line; unlike requests, `$-1` and
/// `*-1` are valid (null) here, other negative lengths are not.
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
    /// `_`.
    Nil,
    /// `#t` or `#f`.
    Boolean(bool),
    /// `,`: the text ends at this index (its CR).
    Double(usize),
    /// `(`: the digits end at this index (its CR).
    BigNumber(usize),
    /// `!len`: the payload follows the line.
    BlobError(usize),
    /// `=len`: the payload (format, `:`, text) follows the line.
    Verbatim(usize),
    /// `%n`: `n` pairs of frames follow the line.
    Map(usize),
    /// `~n`: `n` frames follow the line.
    Set(usize),
    /// `>n`: `n` frames follow the line.
    Push(usize),
    /// `|n`: `n` pairs of frames follow the line, then the frame they
    /// describe.
    Attribute(usize),
}

impl Head {
    /// For an aggregate: how many frames follow its line.
    fn elements(&self) -> Option<usize> {
        match *self {
            Head::Array(n) | Head::Set(n) | Head::Push(n) => Some(n),
            Head::Map(n) => Some(n.saturating_mul(2)),
            Head::Attribute(n) => Some(n.saturating_mul(2).saturating_add(1)),
            _ => None,
        }
    }

    /// For a string with a length: the payload's length.
    fn payload(&self) -> Option<usize> {
        match *self {
            Head::Bulk(len) | Head::BlobError(len) | Head::Verbatim(len) => Some(len),
            _ => None,
        }
    }
}

/// Reads the head line of the frame at `buf[pos]`. Returns it and the index
/// just past its CRLF, or `None` if the line is not all buffered.
fn head(buf: &[u8], pos: usize, limits: &Limits) -> Result<Option<(Head, usize)>, ProtocolError> {
    let Some(&ty) = buf.get(pos) else {
        return Ok(None);
    };
    // Reject a bad type byte at once rather than after a line of junk.
    let too_big = match ty {
        b'+' | b'-' | b':' | b'_' | b'#' | b',' | b'(' => ProtocolError::TooBigReplyLine,
        b'$' | b'!' | b'=' => ProtocolError::TooBigBulkCountString,
        b'*' | b'%' | b'~' | b'>' | b'|' => ProtocolError::TooBigMbulkCountString,
        other => return Err(ProtocolError::InvalidFrameType(other)),
    };
    let (cr, crlf) = match find_line(buf, pos, limits.max_inline_len, 0) {
        Line::Incomplete { .. } => return Ok(None),
        Line::TooLong => return Err(too_big),
        Line::Found { cr, crlf } => (cr, crlf),
    };
    let text = &buf[pos + 1..cr];
    // A number followed by a lone CR is as malformed as any other junk.
    let number = || parse_int(text).filter(|_| crlf);
    let length = |error: ProtocolError| {
        number()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n <= limits.max_bulk_len)
            .ok_or(error)
    };
    let count = || {
        number()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n <= limits.max_multibulk_len)
            .ok_or(ProtocolError::InvalidMultibulkLength)
    };
    let head = match ty {
        b'+' | b'-' | b'_' | b'#' | b',' | b'(' if !crlf => {
            return Err(ProtocolError::ExpectedCrlf);
        }
        b'+' => Head::Simple(cr),
        b'-' => Head::Error(cr),
        b':' => Head::Integer(number().ok_or(ProtocolError::InvalidInteger)?),
        b'_' if text.is_empty() => Head::Nil,
        b'_' => return Err(ProtocolError::InvalidNull),
        b'#' => match text {
            b"t" => Head::Boolean(true),
            b"f" => Head::Boolean(false),
            _ => return Err(ProtocolError::InvalidBoolean),
        },
        b',' if is_double(text) => Head::Double(cr),
        b',' => return Err(ProtocolError::InvalidDouble),
        b'(' if is_big_number(text) => Head::BigNumber(cr),
        b'(' => return Err(ProtocolError::InvalidBigNumber),
        b'$' => match number() {
            Some(-1) => Head::Null,
            _ => Head::Bulk(length(ProtocolError::InvalidBulkLength)?),
        },
        b'!' => Head::BlobError(length(ProtocolError::InvalidBulkLength)?),
        b'=' => Head::Verbatim(length(ProtocolError::InvalidVerbatim)?),
        b'*' => match number() {
            Some(-1) => Head::NullArray,
            _ => Head::Array(count()?),
        },
        b'%' => Head::Map(count()?),
        b'~' => Head::Set(count()?),
        b'>' => Head::Push(count()?),
        _ => Head::Attribute(count()?),
    };
    Ok(Some((head, cr + 2)))
}

/// Whether `text` reads as a double: `inf`, `-inf`, `nan`, or a decimal
/// number with an optional exponent, as RESP3 writes them.
fn is_double(text: &[u8]) -> bool {
    std::str::from_utf8(text).is_ok_and(|t| t.parse::<f64>().is_ok())
}

/// Whether `text` is an optional `-` then one or more digits.
fn is_big_number(text: &[u8]) -> bool {
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

/// Validates the frame at `buf[pos]`, nested `depth` aggregates deep, and
/// returns the index just past it, or `None` if it is not all buffered.
/// Allocates nothing.
fn frame_end(
    buf: &[u8],
    pos: usize,
    limits: &Limits,
    depth: usize,
) -> Result<Option<usize>, ProtocolError> {
    let Some((head, next)) = head(buf, pos, limits)? else {
        return Ok(None);
    };
    if let Some(len) = head.payload() {
        let end = next.saturating_add(len).saturating_add(2);
        if buf.len() < end {
            return Ok(None);
        }
        if buf[end - 2..end] != *b"\r\n" {
            return Err(ProtocolError::InvalidBulkLength);
        }
        if matches!(head, Head::Verbatim(_)) && (len < 4 || buf[next + 3] != b':') {
            return Err(ProtocolError::InvalidVerbatim);
        }
        return Ok(Some(end));
    }
    let Some(count) = head.elements() else {
        return Ok(Some(next));
    };
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

/// Builds the frame at `src[pos]`, which [`frame_end`] has accepted with the
/// same `limits`, and returns it with the index just past it.
fn build(src: &Bytes, pos: usize, limits: &Limits) -> (Frame, usize) {
    let (head, next) = head(src, pos, limits)
        .ok()
        .flatten()
        .expect("frame_end accepted this frame");
    // `frame_end` walked every element, so they are really here: the
    // capacities below are bounded by the bytes received.
    let items = |count: usize| {
        let mut items = Vec::with_capacity(count);
        let mut at = next;
        for _ in 0..count {
            let (item, end) = build(src, at, limits);
            items.push(item);
            at = end;
        }
        (items, at)
    };
    let pairs = |count: usize| {
        let mut pairs = Vec::with_capacity(count);
        let mut at = next;
        for _ in 0..count {
            let (key, end) = build(src, at, limits);
            let (value, end) = build(src, end, limits);
            pairs.push((key, value));
            at = end;
        }
        (pairs, at)
    };
    match head {
        Head::Simple(end) => (Frame::Simple(src.slice(pos + 1..end)), next),
        Head::Error(end) => (Frame::Error(src.slice(pos + 1..end)), next),
        Head::Integer(n) => (Frame::Integer(n), next),
        Head::Bulk(len) => (Frame::Bulk(src.slice(next..next + len)), next + len + 2),
        Head::Null => (Frame::Null, next),
        Head::NullArray => (Frame::NullArray, next),
        Head::Array(count) => {
            let (items, end) = items(count);
            (Frame::Array(items), end)
        }
        Head::Nil => (Frame::Nil, next),
        Head::Boolean(b) => (Frame::Boolean(b), next),
        Head::Double(end) => (Frame::Double(src.slice(pos + 1..end)), next),
        Head::BigNumber(end) => (Frame::BigNumber(src.slice(pos + 1..end)), next),
        Head::BlobError(len) => (
            Frame::BlobError(src.slice(next..next + len)),
            next + len + 2,
        ),
        Head::Verbatim(len) => {
            let mut format = [0; 3];
            format.copy_from_slice(&src[next..next + 3]);
            let text = src.slice(next + 4..next + len);
            (Frame::Verbatim { format, text }, next + len + 2)
        }
        Head::Map(count) => {
            let (pairs, end) = pairs(count);
            (Frame::Map(pairs), end)
        }
        Head::Set(count) => {
            let (items, end) = items(count);
            (Frame::Set(items), end)
        }
        Head::Push(count) => {
            let (items, end) = items(count);
            (Frame::Push(items), end)
        }
        Head::Attribute(count) => {
            let (attributes, end) = pairs(count);
            let (value, end) = build(src, end, limits);
            let value = Box::new(value);
            (Frame::Attribute { attributes, value }, end)
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

    /// Every RESP3 type decodes to its `Frame`, strings zero-copy.
    #[test]
    fn decodes_each_resp3_type() {
        assert_eq!(decode(b"_\r\n"), Ok(Some(Frame::Nil)));
        assert_eq!(decode(b"#t\r\n"), Ok(Some(Frame::Boolean(true))));
        assert_eq!(decode(b"#f\r\n"), Ok(Some(Frame::Boolean(false))));
        for text in [
            "1.5",
            "-0.25",
            "10",
            "1e+300",
            "1.0000000000000001e-05",
            "inf",
            "-inf",
            "nan",
        ] {
            let input = format!(",{text}\r\n");
            assert_eq!(
                decode(input.as_bytes()),
                Ok(Some(Frame::Double(Bytes::copy_from_slice(text.as_bytes())))),
                "{text}"
            );
        }
        assert_eq!(
            decode(b"(3492890328409238509324850943850943825024385\r\n"),
            Ok(Some(Frame::BigNumber(
                "3492890328409238509324850943850943825024385".into()
            )))
        );
        assert_eq!(decode(b"(-1\r\n"), Ok(Some(Frame::BigNumber("-1".into()))));
        assert_eq!(
            decode(b"!21\r\nSYNTAX invalid syntax\r\n"),
            Ok(Some(Frame::BlobError("SYNTAX invalid syntax".into())))
        );
        assert_eq!(
            decode(b"=15\r\ntxt:Some string\r\n"),
            Ok(Some(Frame::Verbatim {
                format: *b"txt",
                text: "Some string".into()
            }))
        );
        assert_eq!(
            decode(b"=4\r\ntxt:\r\n"),
            Ok(Some(Frame::Verbatim {
                format: *b"txt",
                text: Bytes::new()
            }))
        );
        assert_eq!(
            decode(b"%2\r\n+first\r\n:1\r\n+second\r\n_\r\n"),
            Ok(Some(Frame::Map(vec![
                (Frame::Simple("first".into()), Frame::Integer(1)),
                (Frame::Simple("second".into()), Frame::Nil),
            ])))
        );
        assert_eq!(
            decode(b"~2\r\n$1\r\na\r\n#f\r\n"),
            Ok(Some(Frame::Set(vec![bulk("a"), Frame::Boolean(false)])))
        );
        assert_eq!(
            decode(b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"),
            Ok(Some(Frame::Push(vec![
                bulk("message"),
                bulk("ch"),
                bulk("hi")
            ])))
        );
        assert_eq!(decode(b"%0\r\n"), Ok(Some(Frame::Map(vec![]))));
    }

    /// An attribute comes with the frame after it, and counts as one
    /// element with it in an array.
    #[test]
    fn attributes_describe_the_next_frame() {
        let input =
            b"*2\r\n|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n:2039123\r\n:9\r\n";
        let expected = Frame::Array(vec![
            Frame::Attribute {
                attributes: vec![(
                    Frame::Simple("key-popularity".into()),
                    Frame::Map(vec![(bulk("a"), Frame::Double("0.1923".into()))]),
                )],
                value: Box::new(Frame::Integer(2_039_123)),
            },
            Frame::Integer(9),
        ]);
        assert_eq!(decode(input), Ok(Some(expected)));
        // Without the frame it describes, an attribute is incomplete.
        assert_eq!(decode(b"|1\r\n+a\r\n:1\r\n"), Ok(None));
    }

    /// Every RESP3 frame, encoded, decodes to itself; every proper prefix
    /// of it waits.
    #[test]
    fn resp3_frames_round_trip_and_wait() {
        let frame = Frame::Map(vec![
            (
                bulk("k"),
                Frame::Set(vec![Frame::Double("inf".into()), Frame::Nil]),
            ),
            (
                Frame::BigNumber("-9".into()),
                Frame::Push(vec![
                    Frame::BlobError("E\r\n".into()),
                    Frame::Verbatim {
                        format: *b"mkd",
                        text: "x".into(),
                    },
                    Frame::Boolean(true),
                ]),
            ),
        ]);
        let mut wire = BytesMut::new();
        crate::encode(&frame, &mut wire);
        for cut in 0..wire.len() {
            assert_eq!(decode(&wire[..cut]), Ok(None), "cut {cut}");
        }
        assert_eq!(decode(&wire), Ok(Some(frame)));
    }

    /// Malformed RESP3 frames give the matching errors.
    #[test]
    fn resp3_errors() {
        assert_eq!(decode(b"_x\r\n"), Err(ProtocolError::InvalidNull));
        assert_eq!(decode(b"_\rx"), Err(ProtocolError::ExpectedCrlf));
        assert_eq!(decode(b"#x\r\n"), Err(ProtocolError::InvalidBoolean));
        assert_eq!(decode(b"#tt\r\n"), Err(ProtocolError::InvalidBoolean));
        assert_eq!(decode(b",\r\n"), Err(ProtocolError::InvalidDouble));
        assert_eq!(decode(b",1.5x\r\n"), Err(ProtocolError::InvalidDouble));
        assert_eq!(decode(b"(\r\n"), Err(ProtocolError::InvalidBigNumber));
        assert_eq!(decode(b"(1.5\r\n"), Err(ProtocolError::InvalidBigNumber));
        assert_eq!(decode(b"(-\r\n"), Err(ProtocolError::InvalidBigNumber));
        assert_eq!(decode(b"!-1\r\n"), Err(ProtocolError::InvalidBulkLength));
        assert_eq!(
            decode(b"=3\r\ntxt\r\n"),
            Err(ProtocolError::InvalidVerbatim)
        );
        assert_eq!(
            decode(b"=4\r\ntxt;\r\n"),
            Err(ProtocolError::InvalidVerbatim)
        );
        assert_eq!(
            decode(b"%-1\r\n"),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(
            decode(b"~x\r\n"),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(
            decode(b">1\r\n?"),
            Err(ProtocolError::InvalidFrameType(b'?'))
        );
        // Streamed strings and aggregates are not RESP3 that Redis sends.
        assert_eq!(decode(b"$?\r\n"), Err(ProtocolError::InvalidBulkLength));
        assert_eq!(
            decode(b"*?\r\n"),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(
            ProtocolError::InvalidDouble.to_string(),
            "Protocol error: invalid double"
        );
    }

    /// The limits bound RESP3's strings and aggregates as they do RESP2's:
    /// a map's limit counts its pairs.
    #[test]
    fn resp3_limits_apply() {
        let un = Limits::UNAUTHENTICATED;
        for input in [&b"%11\r\n"[..], b"~11\r\n", b">11\r\n", b"|11\r\n"] {
            let mut buf = BytesMut::from(input);
            assert_eq!(
                decode_frame(&mut buf, &un),
                Err(ProtocolError::InvalidMultibulkLength)
            );
        }
        let mut buf = BytesMut::from(&b"%10\r\n"[..]);
        assert_eq!(decode_frame(&mut buf, &un), Ok(None));
        let mut buf = BytesMut::from(&b"!16385\r\n"[..]);
        assert_eq!(
            decode_frame(&mut buf, &un),
            Err(ProtocolError::InvalidBulkLength)
        );
        let mut buf = BytesMut::from(&b"=16385\r\n"[..]);
        assert_eq!(
            decode_frame(&mut buf, &un),
            Err(ProtocolError::InvalidVerbatim)
        );
        assert_eq!(decode(b"%2147483647\r\n:1\r\n"), Ok(None));
    }

    /// Maps, sets, pushes and attributes count towards the nesting limit.
    #[test]
    fn resp3_nesting_is_bounded() {
        for open in [
            &b"%1\r\n:1\r\n"[..],
            b"~1\r\n",
            b">1\r\n",
            b"|1\r\n:1\r\n:1\r\n",
        ] {
            assert_eq!(
                decode(&open.repeat(MAX_REPLY_DEPTH + 1)),
                Err(ProtocolError::NestingTooDeep)
            );
        }
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
            decode(b"*1\r\n&"),
            Err(ProtocolError::InvalidFrameType(b'&'))
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

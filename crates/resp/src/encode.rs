//! The encoder: a whole [`Frame`], or one reply piece at a time for a
//! server that writes replies without building frames.

use std::fmt::{self, Write as _};

use bytes::{BufMut, BytesMut};

use crate::Frame;

/// Appends `frame` to `dst`.
///
/// `Simple` and `Error` text (and `Double` and `BigNumber` text) has any CR
/// or LF replaced by a space (see [`encode_simple`]), so those variants
/// round-trip only when free of them. Every other frame the decoder returns
/// re-encodes to the bytes it was decoded from.
pub fn encode(frame: &Frame, dst: &mut BytesMut) {
    match frame {
        Frame::Simple(s) => encode_simple(dst, s),
        Frame::Error(msg) => encode_error(dst, msg),
        Frame::Integer(n) => encode_integer(dst, *n),
        Frame::Bulk(b) => encode_bulk(dst, b),
        Frame::Null => encode_null(dst),
        Frame::NullArray => encode_null_array(dst),
        Frame::Array(items) => {
            encode_array_len(dst, items.len());
            items.iter().for_each(|item| encode(item, dst));
        }
        Frame::Nil => encode_nil(dst),
        Frame::Boolean(b) => encode_boolean(dst, *b),
        Frame::Double(text) => line(dst, b',', text),
        Frame::BigNumber(digits) => encode_big_number(dst, digits),
        Frame::BlobError(msg) => encode_blob_error(dst, msg),
        Frame::Verbatim { format, text } => encode_verbatim(dst, format, text),
        Frame::Map(pairs) => {
            encode_map_len(dst, pairs.len());
            encode_pairs(dst, pairs);
        }
        Frame::Set(items) => {
            encode_set_len(dst, items.len());
            items.iter().for_each(|item| encode(item, dst));
        }
        Frame::Push(items) => {
            encode_push_len(dst, items.len());
            items.iter().for_each(|item| encode(item, dst));
        }
        Frame::Attribute { attributes, value } => {
            encode_attribute_len(dst, attributes.len());
            encode_pairs(dst, attributes);
            encode(value, dst);
        }
    }
}

fn encode_pairs(dst: &mut BytesMut, pairs: &[(Frame, Frame)]) {
    for (key, value) in pairs {
        encode(key, dst);
        encode(value, dst);
    }
}

/// Appends `+s\r\n`. A CR or LF in `s` becomes a space, as Redis does for
/// error text, so a reply can never break the framing of the stream.
pub fn encode_simple(dst: &mut BytesMut, s: &[u8]) {
    line(dst, b'+', s);
}

/// Appends `-msg\r\n`. The caller includes the code itself (`ERR ...`,
/// `WRONGTYPE ...`). A CR or LF in `msg` becomes a space.
pub fn encode_error(dst: &mut BytesMut, msg: &[u8]) {
    line(dst, b'-', msg);
}

/// Appends `:n\r\n`.
pub fn encode_integer(dst: &mut BytesMut, n: i64) {
    header(dst, b':', itoa::Buffer::new().format(n));
}

/// Appends `$len\r\n`, `b`, `\r\n`.
pub fn encode_bulk(dst: &mut BytesMut, b: &[u8]) {
    let mut len = itoa::Buffer::new();
    let len = len.format(b.len());
    // Real lengths, not declared ones: reserving them is safe.
    dst.reserve(1 + len.len() + 2 + b.len() + 2);
    header(dst, b'$', len);
    dst.put_slice(b);
    dst.put_slice(b"\r\n");
}

/// Appends `$<len>\r\n`, the header of a bulk string whose `len` bytes
/// and closing `\r\n` the caller sends itself (a value written from where
/// it is stored rather than copied).
pub fn encode_bulk_header(dst: &mut BytesMut, len: usize) {
    header(dst, b'$', itoa::Buffer::new().format(len));
}

/// Appends `$-1\r\n`, the null bulk string.
pub fn encode_null(dst: &mut BytesMut) {
    dst.put_slice(b"$-1\r\n");
}

/// Appends `*-1\r\n`, RESP2's null array.
pub fn encode_null_array(dst: &mut BytesMut) {
    dst.put_slice(b"*-1\r\n");
}

/// Appends `*n\r\n`; the caller then encodes the `n` elements.
pub fn encode_array_len(dst: &mut BytesMut, n: usize) {
    header(dst, b'*', itoa::Buffer::new().format(n));
}

/// Appends `_\r\n`, RESP3's null.
pub fn encode_nil(dst: &mut BytesMut) {
    dst.put_slice(b"_\r\n");
}

/// Appends `#t\r\n` or `#f\r\n`.
pub fn encode_boolean(dst: &mut BytesMut, b: bool) {
    dst.put_slice(if b { b"#t\r\n" } else { b"#f\r\n" });
}

/// Appends `,text\r\n`, `text` being Redis's form of `d` (see
/// [`DoubleText`]).
pub fn encode_double(dst: &mut BytesMut, d: f64) {
    line(dst, b',', DoubleText::new(d).as_bytes());
}

/// Appends `(digits\r\n`. A CR or LF in `digits` becomes a space.
pub fn encode_big_number(dst: &mut BytesMut, digits: &[u8]) {
    line(dst, b'(', digits);
}

/// Appends `!len\r\n`, `msg`, `\r\n`: an error whose text may hold any
/// byte.
pub fn encode_blob_error(dst: &mut BytesMut, msg: &[u8]) {
    blob(dst, b'!', &[msg]);
}

/// Appends `=len\r\n`, `format`, `:`, `text`, `\r\n`.
pub fn encode_verbatim(dst: &mut BytesMut, format: &[u8; 3], text: &[u8]) {
    blob(dst, b'=', &[format, b":", text]);
}

/// Appends `%n\r\n`; the caller then encodes `n` keys, each followed by its
/// value.
pub fn encode_map_len(dst: &mut BytesMut, n: usize) {
    header(dst, b'%', itoa::Buffer::new().format(n));
}

/// Appends `~n\r\n`; the caller then encodes the `n` elements.
pub fn encode_set_len(dst: &mut BytesMut, n: usize) {
    header(dst, b'~', itoa::Buffer::new().format(n));
}

/// Appends `>n\r\n`; the caller then encodes the `n` elements, the push's
/// kind (`message`, `subscribe`, ...) first.
pub fn encode_push_len(dst: &mut BytesMut, n: usize) {
    header(dst, b'>', itoa::Buffer::new().format(n));
}

/// Appends `|n\r\n`; the caller then encodes `n` key-value pairs and the
/// frame they describe.
pub fn encode_attribute_len(dst: &mut BytesMut, n: usize) {
    header(dst, b'|', itoa::Buffer::new().format(n));
}

/// A double as Redis 7.0 writes it, in a reply of either protocol: C's
/// `%.17g` (17 significant digits, trailing zeros dropped, an exponent
/// from `e-05` or `e+17` on), and `inf`, `-inf`, `nan`. So `0.1` is
/// `0.10000000000000001` and `1e300` is `1.0000000000000001e+300`, as in
/// Redis 7.0 (7.2 writes the shortest form instead).
///
/// Held in a small buffer: formatting allocates nothing.
#[derive(Clone, Copy)]
pub struct DoubleText {
    /// Long enough for `-1.2345678901234567e-308` (24 bytes).
    buf: [u8; 32],
    len: usize,
}

impl DoubleText {
    /// Formats `d`.
    pub fn new(d: f64) -> Self {
        let mut text = DoubleText {
            buf: [0; 32],
            len: 0,
        };
        if d.is_nan() {
            text.push(b"nan");
        } else if d.is_infinite() {
            text.push(if d > 0.0 { &b"inf"[..] } else { b"-inf" });
        } else {
            text.push_g17(d);
        }
        text
    }

    /// The text.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    fn push(&mut self, bytes: &[u8]) {
        // The buffer fits the longest `%.17g` form; nothing longer is pushed.
        if let Some(to) = self.buf.get_mut(self.len..self.len + bytes.len()) {
            to.copy_from_slice(bytes);
            self.len += bytes.len();
        }
    }

    /// `%.17g` of a finite `d`: Rust's `{:.16e}` gives the same 17 correctly
    /// rounded digits, which are then laid out as C's `%g` lays them out.
    fn push_g17(&mut self, d: f64) {
        let mut sci = Scientific::default();
        // Writing to a fixed buffer that fits it cannot fail.
        let _ = write!(sci, "{d:.16e}");
        let sci = sci.as_bytes();
        let (mantissa, exponent) = match sci.iter().position(|&b| b == b'e') {
            Some(e) => (&sci[..e], &sci[e + 1..]),
            None => (sci, &b"0"[..]),
        };
        let exp: i32 = std::str::from_utf8(exponent)
            .ok()
            .and_then(|e| e.parse().ok())
            .unwrap_or(0);
        let (negative, mantissa) = match mantissa.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, mantissa),
        };
        // The 17 digits, without the point.
        let mut digits = [b'0'; 17];
        for (to, &from) in digits
            .iter_mut()
            .zip(mantissa.iter().filter(|b| b.is_ascii_digit()))
        {
            *to = from;
        }
        if negative {
            self.push(b"-");
        }
        if (-4..17).contains(&exp) {
            // Fixed notation with 17 significant digits.
            let point = usize::try_from(exp + 1).unwrap_or(0);
            if exp >= 0 {
                self.push(&digits[..point]);
                self.push_fraction(&digits[point..]);
            } else {
                // -4 <= exp <= -1: `0.`, up to three zeros, then the
                // digits, whose first is not 0 (d is not 0 here).
                let zeros = usize::try_from(-exp - 1).unwrap_or(0);
                self.push(b"0.");
                self.push(&b"000"[..zeros.min(3)]);
                let kept = digits.iter().rposition(|&b| b != b'0').map_or(0, |i| i + 1);
                self.push(&digits[..kept]);
            }
        } else {
            self.push(&digits[..1]);
            self.push_fraction(&digits[1..]);
            self.push(if exp < 0 { b"e-" } else { b"e+" });
            let magnitude = exp.unsigned_abs();
            if magnitude < 10 {
                self.push(b"0");
            }
            self.push(itoa::Buffer::new().format(magnitude).as_bytes());
        }
    }

    /// `.` and `fraction` without its trailing zeros; nothing if that
    /// leaves no digit.
    fn push_fraction(&mut self, fraction: &[u8]) {
        let kept = fraction
            .iter()
            .rposition(|&b| b != b'0')
            .map_or(0, |i| i + 1);
        if kept > 0 {
            self.push(b".");
            self.push(&fraction[..kept]);
        }
    }
}

impl fmt::Debug for DoubleText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.as_bytes()))
    }
}

/// The buffer `{:.16e}` is written to.
#[derive(Default)]
struct Scientific {
    buf: [u8; 32],
    len: usize,
}

impl Scientific {
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl fmt::Write for Scientific {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let to = self
            .buf
            .get_mut(self.len..self.len + s.len())
            .ok_or(fmt::Error)?;
        to.copy_from_slice(s.as_bytes());
        self.len += s.len();
        Ok(())
    }
}

/// Appends a request as clients send it: an array of bulk strings.
pub fn encode_request<A: AsRef<[u8]>>(dst: &mut BytesMut, args: &[A]) {
    encode_array_len(dst, args.len());
    for arg in args {
        encode_bulk(dst, arg.as_ref());
    }
}

/// Appends `ty`, the total length of `parts`, CRLF, the parts, CRLF.
fn blob(dst: &mut BytesMut, ty: u8, parts: &[&[u8]]) {
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let mut len = itoa::Buffer::new();
    let len = len.format(total);
    // Real lengths, not declared ones: reserving them is safe.
    dst.reserve(1 + len.len() + 2 + total + 2);
    header(dst, ty, len);
    parts.iter().for_each(|part| dst.put_slice(part));
    dst.put_slice(b"\r\n");
}

/// Appends `ty`, `text` with CR and LF made spaces, and CRLF.
fn line(dst: &mut BytesMut, ty: u8, text: &[u8]) {
    dst.reserve(1 + text.len() + 2);
    dst.put_u8(ty);
    if text.iter().any(|&b| b == b'\r' || b == b'\n') {
        dst.extend(
            text.iter()
                .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
        );
    } else {
        dst.put_slice(text);
    }
    dst.put_slice(b"\r\n");
}

fn header(dst: &mut BytesMut, ty: u8, n: &str) {
    dst.reserve(1 + n.len() + 2);
    dst.put_u8(ty);
    dst.put_slice(n.as_bytes());
    dst.put_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn encoded(frame: Frame) -> BytesMut {
        let mut dst = BytesMut::new();
        encode(&frame, &mut dst);
        dst
    }

    /// Each frame type encodes to its exact RESP2 bytes.
    #[test]
    fn encodes_each_type() {
        assert_eq!(encoded(Frame::Simple("OK".into())), &b"+OK\r\n"[..]);
        assert_eq!(encoded(Frame::Error("ERR x".into())), &b"-ERR x\r\n"[..]);
        assert_eq!(
            encoded(Frame::Integer(i64::MIN)),
            &b":-9223372036854775808\r\n"[..]
        );
        assert_eq!(
            encoded(Frame::Bulk(Bytes::from_static(b"a\r\nb"))),
            &b"$4\r\na\r\nb\r\n"[..]
        );
        assert_eq!(encoded(Frame::Bulk(Bytes::new())), &b"$0\r\n\r\n"[..]);
        assert_eq!(encoded(Frame::Null), &b"$-1\r\n"[..]);
        assert_eq!(encoded(Frame::NullArray), &b"*-1\r\n"[..]);
        assert_eq!(
            encoded(Frame::Array(vec![Frame::Integer(1), Frame::Array(vec![])])),
            &b"*2\r\n:1\r\n*0\r\n"[..]
        );
    }

    /// The fast paths append the same bytes `encode` does.
    #[test]
    fn fast_paths_match_encode() {
        let mut dst = BytesMut::new();
        encode_simple(&mut dst, b"PONG");
        encode_error(&mut dst, b"ERR bad");
        encode_integer(&mut dst, 7);
        encode_bulk(&mut dst, b"v");
        encode_null(&mut dst);
        encode_array_len(&mut dst, 3);
        assert_eq!(
            dst,
            &b"+PONG\r\n-ERR bad\r\n:7\r\n$1\r\nv\r\n$-1\r\n*3\r\n"[..]
        );
    }

    /// CR and LF in simple and error text become spaces.
    #[test]
    fn line_text_cannot_break_framing() {
        let mut dst = BytesMut::new();
        encode_error(&mut dst, b"ERR unknown command 'a\r\nb'");
        encode_simple(&mut dst, b"x\ny");
        assert_eq!(dst, &b"-ERR unknown command 'a  b'\r\n+x y\r\n"[..]);
    }

    /// Each RESP3 frame type encodes to its exact bytes.
    #[test]
    fn encodes_each_resp3_type() {
        assert_eq!(encoded(Frame::Nil), &b"_\r\n"[..]);
        assert_eq!(encoded(Frame::Boolean(true)), &b"#t\r\n"[..]);
        assert_eq!(encoded(Frame::Boolean(false)), &b"#f\r\n"[..]);
        assert_eq!(encoded(Frame::Double("-1.5".into())), &b",-1.5\r\n"[..]);
        assert_eq!(
            encoded(Frame::BigNumber("-123456789012345678901234567890".into())),
            &b"(-123456789012345678901234567890\r\n"[..]
        );
        assert_eq!(
            encoded(Frame::BlobError("SYNTAX a\r\nb".into())),
            &b"!11\r\nSYNTAX a\r\nb\r\n"[..]
        );
        assert_eq!(
            encoded(Frame::Verbatim {
                format: *b"txt",
                text: "Some string".into()
            }),
            &b"=15\r\ntxt:Some string\r\n"[..]
        );
        assert_eq!(
            encoded(Frame::Map(vec![(
                Frame::Bulk("k".into()),
                Frame::Set(vec![Frame::Integer(1)])
            )])),
            &b"%1\r\n$1\r\nk\r\n~1\r\n:1\r\n"[..]
        );
        assert_eq!(
            encoded(Frame::Push(vec![Frame::Bulk("message".into())])),
            &b">1\r\n$7\r\nmessage\r\n"[..]
        );
        assert_eq!(
            encoded(Frame::Attribute {
                attributes: vec![(Frame::Simple("ttl".into()), Frame::Integer(3))],
                value: Box::new(Frame::Integer(7)),
            }),
            &b"|1\r\n+ttl\r\n:3\r\n:7\r\n"[..]
        );
    }

    /// The RESP3 fast paths append what `encode` does for the same frames.
    #[test]
    fn resp3_fast_paths_match_encode() {
        let mut dst = BytesMut::new();
        encode_nil(&mut dst);
        encode_boolean(&mut dst, true);
        encode_double(&mut dst, 0.5);
        encode_big_number(&mut dst, b"12");
        encode_blob_error(&mut dst, b"ERR x");
        encode_verbatim(&mut dst, b"mkd", b"# t");
        encode_map_len(&mut dst, 2);
        encode_set_len(&mut dst, 3);
        encode_push_len(&mut dst, 4);
        encode_attribute_len(&mut dst, 5);
        encode_null_array(&mut dst);
        assert_eq!(
            dst,
            &b"_\r\n#t\r\n,0.5\r\n(12\r\n!5\r\nERR x\r\n=7\r\nmkd:# t\r\n%2\r\n~3\r\n>4\r\n|5\r\n*-1\r\n"[..]
        );
    }

    /// Doubles are written as C's `%.17g` writes them, which is what Redis
    /// 7.0.15 sends (these are its replies to `ZSCORE`), and as `inf`,
    /// `-inf`, `nan`.
    #[test]
    fn doubles_as_redis_7_0_writes_them() {
        for (d, text) in [
            (0.1, "0.10000000000000001"),
            (1e300, "1.0000000000000001e+300"),
            (123_456_789_012_345_678.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1.0000000000000001e-05"),
            (-0.00001, "-1.0000000000000001e-05"),
            (0.0, "0"),
            (-0.0, "-0"),
            (1.5, "1.5"),
            (-2.5, "-2.5"),
            (3.0, "3"),
            (100.0, "100"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (12345.678, "12345.678"),
            (1.0 / 3.0, "0.33333333333333331"),
            (0.1 + 0.2, "0.30000000000000004"),
            (5e-324, "4.9406564584124654e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (-f64::MAX, "-1.7976931348623157e+308"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ] {
            assert_eq!(DoubleText::new(d).as_bytes(), text.as_bytes(), "{d:e}");
        }
    }

    /// A request is an array of bulk strings.
    #[test]
    fn encodes_request() {
        let mut dst = BytesMut::new();
        encode_request(&mut dst, &["SET", "k", ""]);
        assert_eq!(dst, &b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"[..]);
        let mut dst = BytesMut::new();
        encode_request::<&[u8]>(&mut dst, &[]);
        assert_eq!(dst, &b"*0\r\n"[..]);
    }
}

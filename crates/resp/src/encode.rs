//! The encoder: a whole [`Frame`], or one reply piece at a time for a
//! server that writes replies without building frames.

use bytes::{BufMut, BytesMut};

use crate::Frame;

/// Appends `frame` to `dst`.
///
/// `Simple` and `Error` text has any CR or LF replaced by a space (see
/// [`encode_simple`]), so those two variants round-trip only when free of
/// them.
pub fn encode(frame: &Frame, dst: &mut BytesMut) {
    match frame {
        Frame::Simple(s) => encode_simple(dst, s),
        Frame::Error(msg) => encode_error(dst, msg),
        Frame::Integer(n) => encode_integer(dst, *n),
        Frame::Bulk(b) => encode_bulk(dst, b),
        Frame::Null => encode_null(dst),
        Frame::NullArray => dst.put_slice(b"*-1\r\n"),
        Frame::Array(items) => {
            encode_array_len(dst, items.len());
            for item in items {
                encode(item, dst);
            }
        }
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

/// Appends `$-1\r\n`, the null bulk string.
pub fn encode_null(dst: &mut BytesMut) {
    dst.put_slice(b"$-1\r\n");
}

/// Appends `*n\r\n`; the caller then encodes the `n` elements.
pub fn encode_array_len(dst: &mut BytesMut, n: usize) {
    header(dst, b'*', itoa::Buffer::new().format(n));
}

/// Appends a request as clients send it: an array of bulk strings.
pub fn encode_request<A: AsRef<[u8]>>(dst: &mut BytesMut, args: &[A]) {
    encode_array_len(dst, args.len());
    for arg in args {
        encode_bulk(dst, arg.as_ref());
    }
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

//! The RESP2 and RESP3 value type.

use bytes::Bytes;

/// One RESP2 or RESP3 value.
///
/// The first seven variants are RESP2's (a RESP3 connection uses them too);
/// the rest are RESP3's, which a server sends only to a client that chose
/// protocol 3 with `HELLO 3`.
///
/// Decoded frames hold `Bytes` slices of the buffer they were read from, so
/// decoding copies no payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// `+text\r\n`. The text cannot contain CR or LF.
    Simple(Bytes),
    /// `-text\r\n`. By convention the text starts with an error code such as
    /// `ERR` or `WRONGTYPE`.
    Error(Bytes),
    /// `:n\r\n`.
    Integer(i64),
    /// `$len\r\n` followed by `len` arbitrary bytes and `\r\n`.
    Bulk(Bytes),
    /// `$-1\r\n`: RESP2's null bulk string, e.g. `GET` of a missing key.
    Null,
    /// `*-1\r\n`: RESP2's null array.
    NullArray,
    /// `*n\r\n` followed by `n` frames.
    Array(Vec<Frame>),
    /// `_\r\n`: RESP3's one null, where RESP2 has [`Frame::Null`] and
    /// [`Frame::NullArray`].
    Nil,
    /// `#t\r\n` or `#f\r\n`.
    Boolean(bool),
    /// `,text\r\n`: a floating-point number, kept as the text that was sent
    /// (`1.5`, `1.0000000000000001e+300`, `inf`, `-inf`, `nan`), so that it
    /// compares and re-encodes byte for byte. The decoder checks that it
    /// reads as an `f64`.
    Double(Bytes),
    /// `(digits\r\n`: an integer of any size, an optional `-` then digits.
    BigNumber(Bytes),
    /// `!len\r\n` followed by `len` bytes and `\r\n`: an error whose text
    /// may hold any byte.
    BlobError(Bytes),
    /// `=len\r\nfmt:text\r\n`: a string meant to be shown as it is, with
    /// its three-byte format (`txt` for `INFO`, `mkd` for markdown).
    Verbatim {
        /// `txt` or `mkd`.
        format: [u8; 3],
        /// What follows the `:`.
        text: Bytes,
    },
    /// `%n\r\n` followed by `n` keys, each followed by its value.
    Map(Vec<(Frame, Frame)>),
    /// `~n\r\n` followed by `n` frames, in no particular order.
    Set(Vec<Frame>),
    /// `>n\r\n` followed by `n` frames: data the server sends without a
    /// request, such as a pub/sub message, its kind first.
    Push(Vec<Frame>),
    /// `|n\r\n` followed by `n` key-value pairs, then the value they
    /// describe: an attribute is not a reply of its own but comes with the
    /// frame after it, and an array counts the two as one element.
    Attribute {
        /// The pairs of the `|` map.
        attributes: Vec<(Frame, Frame)>,
        /// The frame they describe.
        value: Box<Frame>,
    },
}

//! The RESP2 value type.

use bytes::Bytes;

/// One RESP2 value.
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
    /// `$-1\r\n`: the null bulk string, e.g. `GET` of a missing key.
    Null,
    /// `*-1\r\n`: the null array.
    NullArray,
    /// `*n\r\n` followed by `n` frames.
    Array(Vec<Frame>),
}

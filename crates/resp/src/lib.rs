//! RESP2, the Redis serialization protocol, for sharedkv. No I/O, no Tokio.
//!
//! - [`Frame`]: the RESP2 values (simple string, error, integer, bulk
//!   string, null, null array, array).
//! - [`RequestDecoder`]: the server's incremental decoder. It reads
//!   multibulk requests (`*N` then `$len` bulks) and inline requests (a line
//!   of words) exactly as Redis's `networking.c` does, keeps its progress
//!   between calls, and hands out bulk arguments as zero-copy [`Bytes`]
//!   slices of the read buffer.
//! - [`decode_frame`]: the client's decoder for replies (tests, the load
//!   generator): stateless, zero-copy, nested arrays.
//! - [`encode`] and the per-reply fast paths ([`encode_bulk`],
//!   [`encode_integer`], ...), and [`encode_request`] for clients.
//! - [`Limits`]: Redis's size limits, including the tighter ones it applies
//!   before `AUTH`.
//! - [`ProtocolError`]: the error that ends a connection, whose `Display` is
//!   Redis's own text.
//!
//! The decoders never allocate from a length a peer only declared: a
//! `*2147483647` or `$536870912` header is checked against [`Limits`], and
//! then the decoder waits for the bytes to arrive. Buffers grow by what is
//! received, never by what is announced.
//!
//! [`Bytes`]: bytes::Bytes

mod decode;
mod encode;
mod error;
mod frame;
mod inline;
mod limits;
mod line;
mod reply;

pub use decode::RequestDecoder;
pub use encode::{
    encode, encode_array_len, encode_bulk, encode_error, encode_integer, encode_null,
    encode_request, encode_simple,
};
pub use error::ProtocolError;
pub use frame::Frame;
pub use limits::Limits;
pub use reply::{MAX_REPLY_DEPTH, decode_frame};

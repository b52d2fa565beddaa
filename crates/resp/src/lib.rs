//! RESP2 and RESP3, the Redis serialization protocols, for sharedkv. No
//! I/O, no Tokio.
//!
//! - [`Frame`]: the RESP2 values (simple string, error, integer, bulk
//!   string, null, null array, array) and RESP3's (null, boolean, double,
//!   big number, blob error, verbatim string, map, set, push, attribute).
//! - [`RequestDecoder`]: the server's incremental decoder. It reads
//!   multibulk requests (`*N` then `$len` bulks) and inline requests (a line
//!   of words) exactly as Redis's `networking.c` does, keeps its progress
//!   between calls, and hands out bulk arguments as zero-copy [`Bytes`]
//!   slices of the read buffer. Requests are the same in both protocols.
//! - [`decode_frame`]: the client's decoder for replies (tests, the load
//!   generator): stateless, zero-copy, nested aggregates, either protocol.
//! - [`encode`] and the per-reply fast paths ([`encode_bulk`],
//!   [`encode_integer`], [`encode_map_len`], ...), and [`encode_request`]
//!   for clients. Which protocol a reply is written in is the caller's
//!   choice: `sharedkv-commands`' `Reply` makes it per connection.
//! - [`DoubleText`]: a double as Redis 7.0 writes it (`%.17g`).
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
    DoubleText, encode, encode_array_len, encode_attribute_len, encode_big_number,
    encode_blob_error, encode_boolean, encode_bulk, encode_bulk_header, encode_double,
    encode_error, encode_integer, encode_map_len, encode_nil, encode_null, encode_null_array,
    encode_push_len, encode_request, encode_set_len, encode_simple, encode_verbatim,
};
pub use error::ProtocolError;
pub use frame::Frame;
pub use limits::Limits;
pub use reply::{MAX_REPLY_DEPTH, decode_frame};

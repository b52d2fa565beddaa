//! What the decoder's integration tests (`proptest.rs`, `fuzz_corpus.rs`)
//! share: small limits, and a driver that feeds a stream in chunks.

use bytes::{Bytes, BytesMut};
use sharedkv_resp::{Limits, ProtocolError, RequestDecoder};

/// Small limits, so that random input reaches the limit checks too. The
/// fuzz targets use the same.
pub const SMALL: Limits = Limits {
    max_bulk_len: 64,
    max_inline_len: 32,
    max_multibulk_len: 8,
};

/// Everything `RequestDecoder` yields for `input` split into `chunks`
/// (lengths, cycled; `[usize::MAX]` feeds it whole, `[1]` a byte at a
/// time), up to and including the first error.
pub fn requests_chunked(
    limits: Limits,
    input: &[u8],
    chunks: &[usize],
) -> (Vec<Vec<Bytes>>, Option<ProtocolError>) {
    let mut dec = RequestDecoder::new(limits);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut rest = input;
    let mut sizes = chunks.iter().cycle();
    while !rest.is_empty() {
        let n = sizes.next().copied().unwrap_or(1).clamp(1, rest.len());
        buf.extend_from_slice(&rest[..n]);
        rest = &rest[n..];
        loop {
            match dec.decode(&mut buf) {
                Ok(Some(args)) => out.push(args),
                Ok(None) => break,
                Err(e) => return (out, Some(e)),
            }
        }
    }
    (out, None)
}

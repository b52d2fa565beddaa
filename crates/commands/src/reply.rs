//! [`Reply`]: where a command writes its answer, typed, in the protocol the
//! connection speaks.

use bytes::BytesMut;
use sharedkv_resp::{encode_array_len, encode_bulk, encode_integer, encode_null, encode_simple};

use crate::Error;

/// A connection's output buffer seen by a command: it says *what* it answers
/// (an array, a map, a null, a double), and the writer chooses the bytes for
/// the connection's protocol. Replies go straight into the buffer: no tree
/// of reply values is built.
///
/// The writer also carries the output limit: a command that can copy one
/// stored value many times into one reply (`MGET` of a key named 10,000
/// times) checks [`over_limit`](Reply::over_limit) as it goes and stops with
/// [`cut_off`](Reply::cut_off).
#[derive(Debug)]
pub struct Reply<'a> {
    out: &'a mut BytesMut,
    limit: usize,
    cut: bool,
}

impl<'a> Reply<'a> {
    /// A writer appending to `out`; `limit` bytes of unsent output (0: none)
    /// is where [`over_limit`](Reply::over_limit) turns true.
    pub fn new(out: &'a mut BytesMut, limit: usize) -> Self {
        Reply {
            out,
            limit,
            cut: false,
        }
    }

    /// `+OK`
    pub fn ok(&mut self) {
        encode_simple(self.out, b"OK");
    }

    /// A status reply: `+<text>`.
    pub fn simple(&mut self, text: &[u8]) {
        encode_simple(self.out, text);
    }

    /// An integer reply.
    pub fn int(&mut self, n: i64) {
        encode_integer(self.out, n);
    }

    /// An integer reply from a count.
    pub fn count(&mut self, n: usize) {
        encode_integer(self.out, i64::try_from(n).unwrap_or(i64::MAX));
    }

    /// A bulk string.
    pub fn bulk(&mut self, bytes: &[u8]) {
        encode_bulk(self.out, bytes);
    }

    /// A bulk string holding the decimal form of `n`.
    pub fn bulk_int(&mut self, n: i64) {
        encode_bulk(self.out, itoa::Buffer::new().format(n).as_bytes());
    }

    /// A bulk string, or the null bulk string for `None`.
    pub fn bulk_or_null(&mut self, bytes: Option<&[u8]>) {
        match bytes {
            Some(bytes) => self.bulk(bytes),
            None => self.null(),
        }
    }

    /// The null reply (`$-1` in RESP2).
    pub fn null(&mut self) {
        encode_null(self.out);
    }

    /// The null array (`*-1` in RESP2), where Redis 2 sends that one.
    pub fn null_array(&mut self) {
        self.out.extend_from_slice(b"*-1\r\n");
    }

    /// The header of an array of `n` elements.
    pub fn array(&mut self, n: usize) {
        encode_array_len(self.out, n);
    }

    /// The header of a map of `n` pairs (in RESP2, an array of `2n`).
    pub fn map(&mut self, n: usize) {
        encode_array_len(self.out, 2 * n);
    }

    /// The header of a set of `n` elements (in RESP2, an array).
    pub fn set(&mut self, n: usize) {
        encode_array_len(self.out, n);
    }

    /// The header of an array of `n` pairs (`HRANDFIELD ... WITHVALUES`):
    /// in RESP3, `n` arrays of two, each opened by [`pair`](Reply::pair);
    /// in RESP2, one flat array of `2n`.
    pub fn pairs(&mut self, n: usize) {
        encode_array_len(self.out, n.saturating_mul(2));
    }

    /// Opens one pair of a [`pairs`](Reply::pairs) array: nothing in RESP2.
    pub fn pair(&mut self) {}

    /// An error reply.
    pub fn error(&mut self, error: &Error) {
        error.encode(self.out);
    }

    /// Whether the output buffer is past the limit.
    pub fn over_limit(&self) -> bool {
        self.limit != 0 && self.out.len() > self.limit
    }

    /// Stops here: the reply is incomplete and must never be sent; the
    /// server drops the client, as Redis drops one over its hard limit.
    pub fn cut_off(&mut self) {
        self.cut = true;
    }

    /// Whether [`cut_off`](Reply::cut_off) was called.
    pub fn was_cut_off(&self) -> bool {
        self.cut
    }
}

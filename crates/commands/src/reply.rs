//! [`Reply`]: where a command writes its answer, typed, in the protocol the
//! connection speaks.

use bytes::{Bytes, BytesMut};
use sharedkv_resp::{
    DoubleText, encode_array_len, encode_boolean, encode_bulk, encode_bulk_header, encode_double,
    encode_integer, encode_map_len, encode_nil, encode_null, encode_null_array, encode_push_len,
    encode_set_len, encode_simple, encode_verbatim,
};

use crate::Error;
use crate::splices::{SPLICE_MIN, Splices};

/// The most bytes an output buffer may hold copied, whatever the client's
/// limit (none, by default, for a normal client, as in Redis): past it, a
/// command that repeats values in its reply (`MGET` of one key named a
/// million times, `SRANDMEMBER key -1000000000`) stops and the client is
/// dropped, so no request of a few bytes can make the server allocate
/// without bound. Large values do not count here: they are spliced, not
/// copied (see [`Splices`]). 512 MiB, the default `proto-max-bulk-len`.
pub const MAX_COPIED_OUTPUT: usize = 512 * 1024 * 1024;

/// A connection's output buffer seen by a command: it says *what* it answers
/// (an array, a map, a null, a double), and the writer chooses the bytes for
/// the connection's protocol, RESP2 or RESP3 (after `HELLO 3`). Replies go
/// straight into the buffer: no tree of reply values is built.
///
/// The writer also carries the output limit: a command that can copy one
/// stored value many times into one reply (`MGET` of a key named 10,000
/// times) checks [`over_limit`](Reply::over_limit) as it goes and stops with
/// [`cut_off`](Reply::cut_off).
///
/// Given the connection's [`Splices`], [`bulk_shared`](Reply::bulk_shared)
/// sends a large stored value from the store's own bytes.
#[derive(Debug)]
pub struct Reply<'a> {
    out: &'a mut BytesMut,
    splices: Option<&'a mut Splices>,
    limit: usize,
    cut: bool,
    /// Whether the connection speaks RESP3. Set once, by whoever makes the
    /// writer; a command never looks at it to pick a reply's type, only
    /// the methods below do.
    resp3: bool,
}

impl<'a> Reply<'a> {
    /// A writer appending RESP2 to `out`; `limit` bytes of unsent output (0:
    /// none) is where [`over_limit`](Reply::over_limit) turns true.
    pub fn new(out: &'a mut BytesMut, limit: usize) -> Self {
        Reply {
            out,
            splices: None,
            limit,
            cut: false,
            resp3: false,
        }
    }

    /// The same writer, speaking RESP3 if `resp3`.
    #[must_use]
    pub fn resp3(mut self, resp3: bool) -> Self {
        self.resp3 = resp3;
        self
    }

    /// The same writer, splicing large values into `splices` rather than
    /// copying them.
    #[must_use]
    pub fn splicing(mut self, splices: &'a mut Splices) -> Self {
        self.splices = Some(splices);
        self
    }

    /// Whether replies are written in RESP3.
    pub fn is_resp3(&self) -> bool {
        self.resp3
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

    /// A bulk string of stored bytes: as [`bulk`](Reply::bulk), but a value
    /// of [`SPLICE_MIN`] bytes or more is sent from `bytes` itself, without
    /// a copy, when the writer has [`Splices`].
    #[inline]
    pub fn bulk_shared(&mut self, bytes: &Bytes) {
        if bytes.len() < SPLICE_MIN {
            return self.bulk(bytes);
        }
        self.splice(bytes);
    }

    /// [`bulk_shared`](Reply::bulk_shared) of a large value: out of line,
    /// so the common small value costs one comparison.
    #[inline(never)]
    fn splice(&mut self, bytes: &Bytes) {
        match &mut self.splices {
            Some(splices) => {
                encode_bulk_header(self.out, bytes.len());
                splices.push(self.out, bytes.clone());
                self.out.extend_from_slice(b"\r\n");
            }
            None => self.bulk(bytes),
        }
    }

    /// [`bulk_shared`](Reply::bulk_shared), or the null bulk string for
    /// `None`.
    pub fn bulk_shared_or_null(&mut self, bytes: Option<&Bytes>) {
        match bytes {
            Some(bytes) => self.bulk_shared(bytes),
            None => self.null(),
        }
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

    /// The null reply: `$-1` in RESP2, `_` in RESP3.
    pub fn null(&mut self) {
        if self.resp3 {
            encode_nil(self.out);
        } else {
            encode_null(self.out);
        }
    }

    /// The null array, where Redis 2 sends that one: `*-1` in RESP2, `_`
    /// (the one null) in RESP3.
    pub fn null_array(&mut self) {
        if self.resp3 {
            encode_nil(self.out);
        } else {
            encode_null_array(self.out);
        }
    }

    /// The header of an array of `n` elements.
    pub fn array(&mut self, n: usize) {
        encode_array_len(self.out, n);
    }

    /// The header of a map of `n` pairs: `%n` in RESP3, an array of `2n` in
    /// RESP2. The caller then writes each key, then its value.
    pub fn map(&mut self, n: usize) {
        if self.resp3 {
            encode_map_len(self.out, n);
        } else {
            encode_array_len(self.out, n.saturating_mul(2));
        }
    }

    /// The header of a set of `n` elements: `~n` in RESP3, an array in
    /// RESP2.
    pub fn set(&mut self, n: usize) {
        if self.resp3 {
            encode_set_len(self.out, n);
        } else {
            encode_array_len(self.out, n);
        }
    }

    /// The header of a push of `n` elements, its kind first (a pub/sub
    /// `message`): `>n` in RESP3, an array in RESP2.
    pub fn push(&mut self, n: usize) {
        if self.resp3 {
            encode_push_len(self.out, n);
        } else {
            encode_array_len(self.out, n);
        }
    }

    /// The header of an array of `n` pairs (`HRANDFIELD ... WITHVALUES`):
    /// in RESP3, `n` arrays of two, each opened by [`pair`](Reply::pair);
    /// in RESP2, one flat array of `2n`.
    pub fn pairs(&mut self, n: usize) {
        if self.resp3 {
            encode_array_len(self.out, n);
        } else {
            encode_array_len(self.out, n.saturating_mul(2));
        }
    }

    /// Opens one pair of a [`pairs`](Reply::pairs) array: `*2` in RESP3,
    /// nothing in RESP2.
    pub fn pair(&mut self) {
        if self.resp3 {
            encode_array_len(self.out, 2);
        }
    }

    /// A double, as Redis 7.0 writes one (`%.17g`, `inf`, `-inf`; see
    /// [`DoubleText`]): `,` in RESP3, a bulk string in RESP2.
    pub fn double(&mut self, d: f64) {
        if self.resp3 {
            encode_double(self.out, d);
        } else {
            encode_bulk(self.out, DoubleText::new(d).as_bytes());
        }
    }

    /// A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2.
    pub fn boolean(&mut self, b: bool) {
        if self.resp3 {
            encode_boolean(self.out, b);
        } else {
            encode_integer(self.out, i64::from(b));
        }
    }

    /// Text meant to be shown as it is (`INFO`): in RESP3 a verbatim string
    /// of format `txt`, in RESP2 a bulk string.
    pub fn verbatim(&mut self, text: &[u8]) {
        if self.resp3 {
            encode_verbatim(self.out, b"txt", text);
        } else {
            encode_bulk(self.out, text);
        }
    }

    /// An error reply.
    pub fn error(&mut self, error: &Error) {
        error.encode(self.out);
    }

    /// Whether the output is past the client's limit (spliced values
    /// included), or its buffer past [`MAX_COPIED_OUTPUT`].
    pub fn over_limit(&self) -> bool {
        let spliced = self.splices.as_ref().map_or(0, |s| s.bytes());
        (self.limit != 0 && self.out.len() + spliced > self.limit)
            || self.out.len() > MAX_COPIED_OUTPUT
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What `write` puts in the buffer in each protocol: (RESP2, RESP3).
    fn both(write: impl Fn(&mut Reply<'_>)) -> (String, String) {
        let bytes = |resp3| {
            let mut out = BytesMut::new();
            write(&mut Reply::new(&mut out, 0).resp3(resp3));
            String::from_utf8_lossy(&out).into_owned()
        };
        (bytes(false), bytes(true))
    }

    fn same(s: &str) -> (String, String) {
        (s.to_owned(), s.to_owned())
    }

    /// Each typed reply is written as Redis 7.0 writes it to a RESP2 and to
    /// a RESP3 client.
    #[test]
    fn each_reply_in_each_protocol() {
        type Write = fn(&mut Reply<'_>);
        let cases: [(Write, (&str, &str)); 13] = [
            (|r| r.null(), ("$-1\r\n", "_\r\n")),
            (|r| r.null_array(), ("*-1\r\n", "_\r\n")),
            (|r| r.map(2), ("*4\r\n", "%2\r\n")),
            (|r| r.set(3), ("*3\r\n", "~3\r\n")),
            (|r| r.push(3), ("*3\r\n", ">3\r\n")),
            (|r| r.pairs(2), ("*4\r\n", "*2\r\n")),
            (|r| r.pair(), ("", "*2\r\n")),
            (
                |r| r.double(0.1),
                ("$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"),
            ),
            (
                |r| r.double(f64::NEG_INFINITY),
                ("$4\r\n-inf\r\n", ",-inf\r\n"),
            ),
            (|r| r.double(3.0), ("$1\r\n3\r\n", ",3\r\n")),
            (|r| r.boolean(true), (":1\r\n", "#t\r\n")),
            (|r| r.boolean(false), (":0\r\n", "#f\r\n")),
            (
                |r| r.verbatim(b"# Server\r\n"),
                ("$10\r\n# Server\r\n\r\n", "=14\r\ntxt:# Server\r\n\r\n"),
            ),
        ];
        for (write, (resp2, resp3)) in cases {
            assert_eq!(both(write), (resp2.to_owned(), resp3.to_owned()));
        }
    }

    /// The RESP2 types are the same bytes in both protocols.
    #[test]
    fn resp2_types_are_shared() {
        assert_eq!(both(|r| r.ok()), same("+OK\r\n"));
        assert_eq!(both(|r| r.int(-7)), same(":-7\r\n"));
        assert_eq!(both(|r| r.count(7)), same(":7\r\n"));
        assert_eq!(both(|r| r.bulk(b"v")), same("$1\r\nv\r\n"));
        assert_eq!(both(|r| r.bulk_int(12)), same("$2\r\n12\r\n"));
        assert_eq!(both(|r| r.array(0)), same("*0\r\n"));
        assert_eq!(
            both(|r| r.error(&Error::WRONG_TYPE)).0,
            both(|r| r.error(&Error::WRONG_TYPE)).1
        );
        assert_eq!(
            both(|r| r.bulk_or_null(None)),
            ("$-1\r\n".to_owned(), "_\r\n".to_owned())
        );
    }

    /// `new` speaks RESP2 until told otherwise, and says which it speaks.
    #[test]
    fn protocol_is_the_callers_choice() {
        let mut out = BytesMut::new();
        assert!(!Reply::new(&mut out, 0).is_resp3());
        assert!(Reply::new(&mut out, 0).resp3(true).is_resp3());
        assert!(!Reply::new(&mut out, 0).resp3(true).resp3(false).is_resp3());
    }
}

//! The server-side request decoder: multibulk and inline requests, as
//! Redis's `processMultibulkBuffer` and `processInlineBuffer` read them.

use std::mem;

use bytes::{Buf, Bytes, BytesMut};

use crate::inline::split_args;
use crate::line::{Line, Search, find_line, find_within, parse_int};
use crate::{Limits, ProtocolError};

/// Most argument slots reserved up front for one request, whatever count it
/// declares. Redis uses the same cap (`argv_len = min(multibulklen, 1024)`).
const ARGS_CAPACITY_CAP: usize = 1024;

/// Fewest bytes one multibulk argument takes on the wire (`:0\r\n`). The
/// slots reserved up front are also capped by the buffered bytes over this,
/// so a 7-byte `*1024\r\n` reserves nothing: every allocation stays
/// proportional to what was received, not to what was declared.
const MIN_ARG_WIRE_LEN: usize = 4;

/// Incremental request decoder for one connection.
///
/// Feed it the connection's read buffer after every read. It consumes what it
/// has understood from the front of the buffer and remembers its progress, so
/// a large multibulk request arriving in many reads is parsed once, not again
/// from the start after every read (Redis keeps `multibulklen` and `bulklen`
/// in its client struct for the same reason).
///
/// A request starting with `*` is multibulk (`*N\r\n` then `N` times
/// `$len\r\n<len bytes>\r\n`); anything else is an inline request: one
/// line of words, split as Redis's `sdssplitargs` does (whitespace separates,
/// `"..."` and `'...'` quote, `"\x41"` escapes).
///
/// Where this differs from Redis, on purpose:
/// - A line ending must be CRLF: a header line whose CR is followed by
///   anything but LF, and a bulk payload not followed by CRLF, are rejected
///   ([`ProtocolError::InvalidMultibulkLength`] or
///   [`ProtocolError::InvalidBulkLength`]). Redis skips those two bytes
///   unchecked, which after a wrong length would run the payload's bytes as
///   the next command.
/// - NUL bytes are ordinary bytes. Redis's C-string search stops at them, so
///   it would wait for more input where this decoder answers.
///
/// Line limits are applied so that the result never depends on how the
/// bytes were split across reads.
#[derive(Debug, Default)]
pub struct RequestDecoder {
    /// Checked against every header; the server swaps them after `AUTH`.
    limits: Limits,
    /// Bulk strings the multibulk request in progress still expects; 0
    /// between requests (Redis's `multibulklen`).
    remaining: usize,
    /// Declared length of the bulk whose `$len` header is consumed but whose
    /// payload and CRLF are not all buffered yet (Redis's `bulklen`). With it
    /// set, the buffer starts at that payload.
    bulk_len: Option<usize>,
    /// Bytes at the front of the buffer already searched, in vain, for the
    /// end of the line (header or inline request) being read. A line that
    /// trickles in a byte at a time is then scanned once, not once per read:
    /// up to 64 KiB per read otherwise.
    searched: usize,
    /// Arguments of the request in progress: frozen slices of the caller's
    /// buffer. Its initial capacity is capped by `ARGS_CAPACITY_CAP` and by
    /// the arguments the buffer could already hold, because the count is only
    /// declared: `*2147483647\r\n` must not reserve 64 GiB, nor `*1024\r\n`
    /// 32 KiB.
    args: Vec<Bytes>,
}

impl RequestDecoder {
    /// A decoder enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        RequestDecoder {
            limits,
            ..RequestDecoder::default()
        }
    }

    /// Replaces the limits, e.g. with [`Limits::default`] once a client
    /// authenticated under [`Limits::UNAUTHENTICATED`]. Headers already
    /// consumed keep the limits they were checked against.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Decodes the next request from the front of `buf`.
    ///
    /// - `Ok(Some(args))`: one complete request, its bytes consumed from
    ///   `buf`. Multibulk arguments are zero-copy: `split_to` + `freeze` of
    ///   `buf`, so they share (and keep alive) its allocation. Inline
    ///   arguments are copies.
    /// - `Ok(None)`: no complete request yet. Everything consumed so far is
    ///   remembered; call again with the same buffer once more bytes are
    ///   appended to it.
    /// - `Err(_)`: a protocol error. Reply with it and close the connection;
    ///   how much of `buf` was consumed is unspecified. The decoder is reset.
    ///
    /// Empty requests (`*0\r\n`, `*-1\r\n`, a blank inline line) are
    /// consumed and skipped, as Redis does, never returned.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        let result = self.decode_inner(buf);
        if let Err(error) = result {
            let error = if self.unauthenticated() {
                self.unauthenticated_error(error, buf)
            } else {
                error
            };
            *self = RequestDecoder::new(self.limits);
            return Err(error);
        }
        result
    }

    /// While a bulk payload is awaited: how many bytes, counted from the start
    /// of the buffer `decode` will see next, that payload and its CRLF span.
    /// The caller subtracts what it already holds to know what is missing.
    ///
    /// The length is only declared by the client: cap any reservation based
    /// on it by your own read size.
    pub fn pending_bulk(&self) -> Option<usize> {
        self.bulk_len.map(|len| len.saturating_add(2))
    }

    fn decode_inner(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        while self.remaining == 0 {
            let Some(&first) = buf.first() else {
                return Ok(None);
            };
            if first == b'*' {
                match self.multibulk_count(buf)? {
                    None => return Ok(None),
                    Some(0) => {} // empty request: skipped
                    Some(count) => {
                        self.remaining = count;
                        let present = buf.len() / MIN_ARG_WIRE_LEN;
                        self.args = Vec::with_capacity(count.min(ARGS_CAPACITY_CAP).min(present));
                    }
                }
            } else {
                match self.inline(buf)? {
                    None => return Ok(None),
                    Some(args) if args.is_empty() => {} // blank line: skipped
                    Some(args) => return Ok(Some(args)),
                }
            }
        }
        while self.remaining > 0 {
            let len = match self.bulk_len {
                Some(len) => len,
                None => match self.bulk_header(buf)? {
                    Some(Argument::Bulk(len)) => *self.bulk_len.insert(len),
                    Some(Argument::Integer(arg)) => {
                        self.args.push(arg);
                        self.remaining -= 1;
                        continue;
                    }
                    None => return Ok(None),
                },
            };
            if buf.len() < len.saturating_add(2) {
                return Ok(None);
            }
            if buf[len..len + 2] != *b"\r\n" {
                return Err(ProtocolError::InvalidBulkLength);
            }
            self.args.push(buf.split_to(len).freeze());
            buf.advance(2);
            self.bulk_len = None;
            self.remaining -= 1;
        }
        Ok(Some(mem::take(&mut self.args)))
    }

    /// Finds the CR ending the header line at the front of `buf`:
    /// `Some((cr, crlf))` once it and the byte after it are buffered.
    fn header_line(
        &mut self,
        buf: &[u8],
        too_big: ProtocolError,
    ) -> Result<Option<(usize, bool)>, ProtocolError> {
        match find_line(buf, 0, self.limits.max_inline_len, self.searched) {
            Line::Incomplete { searched } => {
                self.searched = searched;
                Ok(None)
            }
            Line::TooLong => Err(too_big),
            Line::Found { cr, crlf } => {
                self.searched = 0;
                Ok(Some((cr, crlf)))
            }
        }
    }

    /// Reads the `*N` line at the front of `buf`: `Some(N)`, or `Some(0)` for
    /// an empty request (N <= 0), once the whole line is buffered.
    fn multibulk_count(&mut self, buf: &mut BytesMut) -> Result<Option<usize>, ProtocolError> {
        let Some((cr, crlf)) = self.header_line(buf, ProtocolError::TooBigMbulkCountString)? else {
            return Ok(None);
        };
        let n = parse_int(&buf[1..cr])
            .filter(|_| crlf)
            .ok_or(ProtocolError::InvalidMultibulkLength)?;
        let count = if n <= 0 {
            0
        } else {
            usize::try_from(n)
                .ok()
                .filter(|&n| n <= self.limits.max_multibulk_len)
                .ok_or(ProtocolError::InvalidMultibulkLength)?
        };
        buf.advance(cr + 2);
        Ok(Some(count))
    }

    /// Reads a `$len` line at the front of `buf`, once it is all buffered.
    ///
    /// **Deviation from Redis:** an argument may also be a RESP integer
    /// (`:42\r\n`), taken as its decimal text. mini-redis's client sends the
    /// `PX` of `SET ... PX ms` that way; Redis answers `expected '$', got ':'`.
    fn bulk_header(&mut self, buf: &mut BytesMut) -> Result<Option<Argument>, ProtocolError> {
        // Redis looks for the line end before it looks at the `$`.
        let Some((cr, crlf)) = self.header_line(buf, ProtocolError::TooBigBulkCountString)? else {
            return Ok(None);
        };
        if buf[0] == b':' {
            parse_int(&buf[1..cr])
                .filter(|_| crlf)
                .ok_or(ProtocolError::InvalidBulkLength)?;
            let arg = buf.split_to(cr).freeze().slice(1..);
            buf.advance(2);
            return Ok(Some(Argument::Integer(arg)));
        }
        if buf[0] != b'$' {
            return Err(ProtocolError::ExpectedDollar(buf[0]));
        }
        let len = parse_int(&buf[1..cr])
            .filter(|_| crlf)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n <= self.limits.max_bulk_len)
            .ok_or(ProtocolError::InvalidBulkLength)?;
        buf.advance(cr + 2);
        Ok(Some(Argument::Bulk(len)))
    }

    /// Whether the limits are [`Limits::UNAUTHENTICATED`]: the server
    /// sets them until the client authenticates.
    fn unauthenticated(&self) -> bool {
        self.limits == Limits::UNAUTHENTICATED
    }

    /// Redis's words for a length refused before authentication. The
    /// header checks answer `invalid ... length` for every refusal, on
    /// the path of every argument; on that error, which leaves the refused
    /// header at the front of `buf`, this looks at it again: a count within
    /// `INT_MAX`, or a length within Redis's default `proto-max-bulk-len`,
    /// was refused by the unauthenticated limits (10 arguments, 16 KiB).
    #[cold]
    #[inline(never)]
    fn unauthenticated_error(&self, error: ProtocolError, buf: &[u8]) -> ProtocolError {
        let header = |kind: u8| -> Option<i64> {
            let rest = buf.strip_prefix(&[kind])?;
            let cr = rest.iter().position(|&b| b == b'\r')?;
            if rest.get(cr + 1) != Some(&b'\n') {
                return None;
            }
            parse_int(rest.get(..cr)?)
        };
        match error {
            ProtocolError::InvalidMultibulkLength
                if header(b'*').is_some_and(|n| n > 0 && n <= i64::from(i32::MAX)) =>
            {
                ProtocolError::UnauthenticatedMultibulkLength
            }
            ProtocolError::InvalidBulkLength
                if header(b'$').is_some_and(|n| {
                    usize::try_from(n).is_ok_and(|n| n <= Limits::default().max_bulk_len)
                }) =>
            {
                ProtocolError::UnauthenticatedBulkLength
            }
            error => error,
        }
    }

    /// Reads an inline request (a line ending in `\n`, optionally `\r\n`).
    fn inline(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        let newline = match find_within(buf, b'\n', self.limits.max_inline_len, self.searched) {
            Search::Found(newline) => newline,
            Search::Missing { searched } => {
                self.searched = searched;
                return Ok(None);
            }
            Search::TooLong => return Err(ProtocolError::TooBigInlineRequest),
        };
        self.searched = 0;
        let line = &buf[..newline];
        let args = split_args(line.strip_suffix(b"\r").unwrap_or(line))?;
        buf.advance(newline + 1);
        Ok(Some(args))
    }
}

/// What the header of one multibulk argument announced.
enum Argument {
    /// `$len`: a bulk string of `len` bytes follows.
    Bulk(usize),
    /// `:n`: the whole argument, `n`'s decimal text.
    Integer(Bytes),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode_request;

    /// Feeds `input` `chunk` bytes at a time, collecting requests up to the
    /// first error. (The integration tests' `requests_chunked` does the same
    /// with any chunking; unit tests cannot reach it.)
    fn decode_chunked(
        limits: Limits,
        input: &[u8],
        chunk: usize,
    ) -> (Vec<Vec<Bytes>>, Option<ProtocolError>) {
        let mut dec = RequestDecoder::new(limits);
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for piece in input.chunks(chunk) {
            buf.extend_from_slice(piece);
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

    /// Decodes every request in `input` (all at once), up to the first error.
    fn decode_all(limits: Limits, input: &[u8]) -> (Vec<Vec<Bytes>>, Option<ProtocolError>) {
        decode_chunked(limits, input, input.len().max(1))
    }

    /// Feeds `input` one byte at a time, collecting requests up to the first
    /// error.
    fn decode_bytewise(limits: Limits, input: &[u8]) -> (Vec<Vec<Bytes>>, Option<ProtocolError>) {
        decode_chunked(limits, input, 1)
    }

    fn args(words: &[&str]) -> Vec<Bytes> {
        words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect()
    }

    /// The error `input` produces, checked to be the same fed byte by byte.
    fn error_of(limits: Limits, input: &[u8]) -> ProtocolError {
        let whole = decode_all(limits, input).1.expect("input should fail");
        assert_eq!(decode_bytewise(limits, input).1.as_ref(), Some(&whole));
        whole
    }

    fn error_text(input: &[u8]) -> String {
        error_of(Limits::default(), input).to_string()
    }

    /// An integer argument (as mini-redis's client sends `PX`) decodes to its text, even split byte by byte.
    #[test]
    fn integer_argument_is_accepted() {
        let input = b"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\npx\r\n:1500\r\n";
        let expected = vec![args(&["SET", "k", "v", "px", "1500"])];
        assert_eq!(
            decode_all(Limits::default(), input),
            (expected.clone(), None)
        );
        assert_eq!(decode_bytewise(Limits::default(), input), (expected, None));
        assert_eq!(
            error_text(b"*1\r\n:12x\r\n"),
            "Protocol error: invalid bulk length"
        );
    }

    /// A plain multibulk request decodes into its arguments.
    #[test]
    fn multibulk_request() {
        let (reqs, err) = decode_all(
            Limits::default(),
            b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n",
        );
        assert_eq!(err, None);
        assert_eq!(reqs, vec![args(&["SET", "k", ""])]);
    }

    /// A bulk may contain CR, LF and NUL: only its declared length counts.
    #[test]
    fn bulk_payload_is_binary() {
        let (reqs, _) = decode_all(Limits::default(), b"*1\r\n$5\r\na\r\n\0b\r\n");
        assert_eq!(reqs, vec![vec![Bytes::from_static(b"a\r\n\0b")]]);
    }

    /// Several requests in one buffer come out one per call, in order, and
    /// inline and multibulk requests can be mixed.
    #[test]
    fn pipelined_requests_in_order() {
        let mut buf = BytesMut::new();
        encode_request(&mut buf, &["SET", "a", "1"]);
        buf.extend_from_slice(b"PING\r\n");
        encode_request(&mut buf, &["GET", "a"]);
        let (reqs, err) = decode_all(Limits::default(), &buf);
        assert_eq!(err, None);
        assert_eq!(
            reqs,
            vec![
                args(&["SET", "a", "1"]),
                args(&["PING"]),
                args(&["GET", "a"])
            ]
        );
    }

    /// Byte-by-byte input gives the same requests as the whole buffer at once.
    #[test]
    fn bytewise_equals_all_at_once() {
        let input =
            b"*2\r\n$4\r\nECHO\r\n$12\r\nhello\r\nworld\r\nSET \"a b\" 'c'\r\n*0\r\n\r\nx\n";
        let whole = decode_all(Limits::default(), input);
        assert_eq!(whole.1, None);
        assert_eq!(whole.0.len(), 3);
        assert_eq!(decode_bytewise(Limits::default(), input), whole);
    }

    /// Bulk arguments are slices of the caller's buffer, not copies.
    #[test]
    fn multibulk_args_are_zero_copy() {
        let mut buf = BytesMut::with_capacity(64);
        buf.extend_from_slice(b"*2\r\n$3\r\nGET\r\n$5\r\nhello\r\n");
        let region = buf.as_ptr() as usize..buf.as_ptr() as usize + buf.capacity();
        let req = RequestDecoder::default().decode(&mut buf).unwrap().unwrap();
        for arg in &req {
            let start = arg.as_ptr() as usize;
            assert!(region.contains(&start) && start + arg.len() <= region.end);
        }
        assert_eq!(req[1].as_ptr() as usize, region.start + 17);
    }

    /// `*0`, `*-1`, other negative counts and blank lines are skipped.
    #[test]
    fn empty_requests_are_skipped() {
        let mut dec = RequestDecoder::default();
        let mut buf =
            BytesMut::from(&b"*0\r\n*-1\r\n*-5\r\n\r\n\n  \t \r\n*1\r\n$4\r\nPING\r\n"[..]);
        assert_eq!(dec.decode(&mut buf), Ok(Some(args(&["PING"]))));
        assert!(buf.is_empty());
        let mut only_empty = BytesMut::from(&b"*0\r\n\r\n"[..]);
        assert_eq!(dec.decode(&mut only_empty), Ok(None));
        assert!(only_empty.is_empty());
    }

    /// Inline requests are split by `sdssplitargs` rules; `\n` alone ends a
    /// line too.
    #[test]
    fn inline_requests() {
        let (reqs, err) = decode_all(Limits::default(), b"SET k \"a\\x41\\n\"\nGET   k\r\n");
        assert_eq!(err, None);
        assert_eq!(reqs, vec![args(&["SET", "k", "aA\n"]), args(&["GET", "k"])]);
    }

    /// Unbalanced quotes in an inline request are a protocol error.
    #[test]
    fn unbalanced_quotes_error() {
        assert_eq!(
            error_text(b"SET \"k v\r\n"),
            "Protocol error: unbalanced quotes in request"
        );
    }

    /// A count that is not a string2ll number is an invalid multibulk length.
    #[test]
    fn invalid_multibulk_length_error() {
        for bad in [
            &b"*x\r\n"[..],
            b"*+1\r\n",
            b"* 1\r\n",
            b"*01\r\n",
            b"*-0\r\n",
            b"*\r\n",
            b"*1\rX",
        ] {
            assert_eq!(
                error_of(Limits::default(), bad),
                ProtocolError::InvalidMultibulkLength
            );
        }
        assert_eq!(
            error_text(b"*x\r\n"),
            "Protocol error: invalid multibulk length"
        );
    }

    /// Counts past the limit or past i64 are invalid, never an overflow.
    #[test]
    fn huge_multibulk_counts_are_invalid() {
        for bad in [
            &b"*2147483648\r\n"[..],
            b"*18446744073709551615\r\n",
            b"*99999999999999999999999\r\n",
        ] {
            assert_eq!(
                error_of(Limits::default(), bad),
                ProtocolError::InvalidMultibulkLength
            );
        }
    }

    /// A declared count reserves no slot the buffered bytes could not fill,
    /// and never more than `ARGS_CAPACITY_CAP`.
    #[test]
    fn declared_count_does_not_allocate() {
        let mut dec = RequestDecoder::default();
        let mut buf = BytesMut::from(&b"*2147483647\r\n"[..]);
        assert_eq!(dec.decode(&mut buf), Ok(None));
        assert_eq!(dec.remaining, 2_147_483_647);
        assert_eq!(dec.args.capacity(), 0);

        let mut dec = RequestDecoder::default();
        let mut buf = BytesMut::from(&b"*1024\r\n"[..]);
        buf.extend_from_slice(&b":1\r\n".repeat(3000));
        assert_eq!(dec.decode(&mut buf).unwrap().unwrap().len(), 1024);

        let mut dec = RequestDecoder::default();
        let mut buf = BytesMut::from(&b"*5000\r\n"[..]);
        buf.extend_from_slice(&b":1\r\n".repeat(3000));
        assert_eq!(dec.decode(&mut buf), Ok(None));
        assert!(dec.args.capacity() <= 2 * 3000);
    }

    /// A declared bulk length does not grow the buffer; the decoder waits.
    #[test]
    fn declared_bulk_len_does_not_allocate() {
        let mut dec = RequestDecoder::default();
        let mut buf = BytesMut::with_capacity(64);
        buf.extend_from_slice(b"*1\r\n$536870912\r\nab");
        assert_eq!(dec.decode(&mut buf), Ok(None));
        assert_eq!(buf.capacity(), 64 - 16);
        assert_eq!(dec.pending_bulk(), Some(536_870_914));
    }

    /// A bulk length that is not a number, negative, too big or overflowing
    /// is an invalid bulk length.
    #[test]
    fn invalid_bulk_length_error() {
        for bad in [
            &b"*1\r\n$x\r\n"[..],
            b"*1\r\n$-1\r\n",
            b"*1\r\n$+1\r\n",
            b"*1\r\n$\r\n",
            b"*1\r\n$536870913\r\n",
            b"*1\r\n$18446744073709551615\r\n",
            b"*1\r\n$99999999999999999999999\r\n",
            b"*1\r\n$1\rX",
        ] {
            assert_eq!(
                error_of(Limits::default(), bad),
                ProtocolError::InvalidBulkLength
            );
        }
        assert_eq!(
            error_text(b"*1\r\n$x\r\n"),
            "Protocol error: invalid bulk length"
        );
    }

    /// A payload not followed by CRLF is rejected (Redis would skip the two
    /// bytes unchecked; see the type docs).
    #[test]
    fn payload_without_crlf_is_invalid_bulk_length() {
        assert_eq!(
            error_of(Limits::default(), b"*1\r\n$3\r\nabcd\r\n"),
            ProtocolError::InvalidBulkLength
        );
    }

    /// A bulk header must start with `$`; the error names the byte.
    #[test]
    fn expected_dollar_error() {
        assert_eq!(
            error_text(b"*1\r\n+3\r\n"),
            "Protocol error: expected '$', got '+'"
        );
        assert_eq!(
            error_of(Limits::default(), b"*2\r\n$1\r\na\r\nfoo\r\n"),
            ProtocolError::ExpectedDollar(b'f')
        );
    }

    /// Like Redis, the `$` is only checked once the header line is complete.
    #[test]
    fn expected_dollar_waits_for_the_line() {
        let mut dec = RequestDecoder::default();
        let mut buf = BytesMut::from(&b"*1\r\nfoo"[..]);
        assert_eq!(dec.decode(&mut buf), Ok(None));
    }

    /// An inline request longer than 64 KiB without `\n` fails once 64 KiB
    /// plus one byte are buffered, not before: NUL and junk cannot make the
    /// server buffer forever.
    #[test]
    fn too_big_inline_request_error() {
        let mut junk = vec![b'\0'];
        junk.resize(64 * 1024, b'x');
        let mut dec = RequestDecoder::default();
        let mut buf = BytesMut::from(&junk[..]);
        assert_eq!(dec.decode(&mut buf), Ok(None));
        buf.extend_from_slice(b"x");
        let err = dec.decode(&mut buf).unwrap_err();
        assert_eq!(err.to_string(), "Protocol error: too big inline request");
    }

    /// An inline line whose `\n` is at offset 64 KiB is still accepted.
    #[test]
    fn inline_request_at_the_limit_is_accepted() {
        let mut line = vec![b'a'; 64 * 1024];
        line.push(b'\n');
        let (reqs, err) = decode_all(Limits::default(), &line);
        assert_eq!((reqs.len(), err), (1, None));
    }

    /// A `*` line with no CR in 64 KiB is a too big mbulk count string.
    #[test]
    fn too_big_mbulk_count_string_error() {
        let mut input = b"*".to_vec();
        input.resize(64 * 1024 + 1, b'1');
        assert_eq!(
            error_of(Limits::default(), &input).to_string(),
            "Protocol error: too big mbulk count string"
        );
    }

    /// A `$` line with no CR in 64 KiB is a too big bulk count string.
    #[test]
    fn too_big_bulk_count_string_error() {
        let mut input = b"*1\r\n$".to_vec();
        input.resize(4 + 64 * 1024 + 1, b'1');
        assert_eq!(
            error_of(Limits::default(), &input).to_string(),
            "Protocol error: too big bulk count string"
        );
    }

    /// Before AUTH, 11 arguments or a 16385-byte bulk are rejected; 10
    /// arguments of 16384 bytes are fine.
    #[test]
    fn unauthenticated_limits() {
        let un = Limits::UNAUTHENTICATED;
        let big = "v".repeat(16 * 1024);
        let mut ok = BytesMut::new();
        encode_request(&mut ok, &[big.as_str(); 10]);
        assert_eq!(decode_all(un, &ok).0.len(), 1);

        let mut eleven = BytesMut::new();
        encode_request(&mut eleven, &["x"; 11]);
        assert_eq!(
            error_of(un, &eleven),
            ProtocolError::UnauthenticatedMultibulkLength
        );

        let mut huge = BytesMut::new();
        encode_request(&mut huge, &[big.clone() + "v"]);
        assert_eq!(
            error_of(un, &huge),
            ProtocolError::UnauthenticatedBulkLength
        );
        // Past what Redis would take at all: invalid, as Redis says.
        assert_eq!(
            error_of(un, b"*1\r\n$600000000\r\n"),
            ProtocolError::InvalidBulkLength
        );
        assert_eq!(
            error_of(un, b"*2147483648\r\n"),
            ProtocolError::InvalidMultibulkLength
        );
        // Authenticated, the same requests are within the limits.
        assert_eq!(decode_all(Limits::default(), &eleven).0.len(), 1);
    }

    /// `set_limits` lifts the unauthenticated limits for later requests.
    #[test]
    fn set_limits_switches_after_auth() {
        let mut dec = RequestDecoder::new(Limits::UNAUTHENTICATED);
        let mut buf = BytesMut::new();
        encode_request(&mut buf, &["AUTH", "pw"]);
        encode_request(&mut buf, &["x"; 11]);
        assert_eq!(dec.decode(&mut buf), Ok(Some(args(&["AUTH", "pw"]))));
        dec.set_limits(Limits::default());
        assert_eq!(dec.decode(&mut buf).unwrap().unwrap().len(), 11);
    }

    /// A bulk arriving in pieces is not re-parsed: `pending_bulk` reports
    /// its span and the header is already consumed.
    #[test]
    fn partial_bulk_keeps_progress() {
        let mut dec = RequestDecoder::default();
        let mut buf = BytesMut::from(&b"*2\r\n$1\r\na\r\n$10\r\n01234"[..]);
        assert_eq!(dec.pending_bulk(), None);
        assert_eq!(dec.decode(&mut buf), Ok(None));
        assert_eq!(&buf[..], b"01234");
        assert_eq!(dec.pending_bulk(), Some(12));
        buf.extend_from_slice(b"56789\r");
        assert_eq!(dec.decode(&mut buf), Ok(None));
        buf.extend_from_slice(b"\n");
        assert_eq!(dec.decode(&mut buf), Ok(Some(args(&["a", "0123456789"]))));
        assert_eq!(dec.pending_bulk(), None);
        assert!(buf.is_empty());
    }

    /// After an error the decoder starts afresh on a new buffer.
    #[test]
    fn decoder_resets_after_error() {
        let mut dec = RequestDecoder::default();
        let mut bad = BytesMut::from(&b"*2\r\n$1\r\na\r\n$x\r\n"[..]);
        assert!(dec.decode(&mut bad).is_err());
        let mut good = BytesMut::from(&b"*1\r\n$4\r\nPING\r\n"[..]);
        assert_eq!(dec.decode(&mut good), Ok(Some(args(&["PING"]))));
    }
}

//! Property tests: the decoders never panic on any input, the result never
//! depends on how the input was split across reads, and encoding then
//! decoding gives back what was encoded.

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;
use sharedkv_resp::{
    Frame, Limits, ProtocolError, RequestDecoder, decode_frame, encode, encode_request,
};

/// Small limits so that random input reaches the limit checks too.
const SMALL: Limits = Limits {
    max_bulk_len: 64,
    max_inline_len: 32,
    max_multibulk_len: 8,
};

/// Bytes that are mostly protocol tokens, so random input gets past the
/// first header far more often than uniform bytes would.
fn protocolish() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"*".to_vec()),
        Just(b"$".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"-".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"'".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"+".to_vec()),
        Just(b":".to_vec()),
        (0u32..40).prop_map(|n| n.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 1..4),
    ];
    prop::collection::vec(token, 0..40).prop_map(|tokens| tokens.concat())
}

/// Valid encodings with a few bytes overwritten, to reach the checks deep
/// inside a request or frame (bulk headers, payload trailers, nesting).
fn mutated(valid: impl Strategy<Value = Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        Just(b'*'),
        Just(b'$'),
        Just(b'\r'),
        Just(b'\n'),
        Just(b'-'),
        Just(b'0'),
        Just(b'9'),
        any::<u8>()
    ];
    (
        valid,
        prop::collection::vec((any::<prop::sample::Index>(), byte), 0..3),
    )
        .prop_map(|(mut bytes, edits)| {
            if !bytes.is_empty() {
                for (at, b) in edits {
                    let i = at.index(bytes.len());
                    bytes[i] = b;
                }
            }
            bytes
        })
}

/// Raw bytes, protocol-shaped bytes, or damaged valid requests and replies.
fn input() -> impl Strategy<Value = Vec<u8>> {
    let requests = prop::collection::vec(request(), 1..4).prop_map(|reqs| {
        let mut wire = BytesMut::new();
        for r in &reqs {
            encode_request(&mut wire, r);
        }
        wire.to_vec()
    });
    let replies = frame().prop_map(|f| {
        let mut wire = BytesMut::new();
        encode(&f, &mut wire);
        wire.to_vec()
    });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        protocolish(),
        mutated(requests),
        mutated(replies),
    ]
}

/// Everything `RequestDecoder` yields for `input` split into `chunks`
/// (lengths, cycled), up to and including the first error.
fn requests_chunked(
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
        let n = (*sizes.next().unwrap()).clamp(1, rest.len());
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

/// Everything `decode_frame` yields for `input`, up to the first error.
fn frames(limits: &Limits, input: &[u8]) -> (Vec<Frame>, Option<ProtocolError>) {
    let mut buf = BytesMut::from(input);
    let mut out = Vec::new();
    loop {
        match decode_frame(&mut buf, limits) {
            Ok(Some(f)) => out.push(f),
            Ok(None) => return (out, None),
            Err(e) => return (out, Some(e)),
        }
    }
}

/// Line text that survives encoding: no CR or LF.
fn line_text() -> impl Strategy<Value = Bytes> {
    prop::collection::vec(
        any::<u8>().prop_filter("no CR/LF", |b| *b != b'\r' && *b != b'\n'),
        0..20,
    )
    .prop_map(Bytes::from)
}

/// Arbitrary frames, at most 4 levels deep and 6 elements wide.
fn frame() -> impl Strategy<Value = Frame> {
    let leaf = prop_oneof![
        line_text().prop_map(Frame::Simple),
        line_text().prop_map(Frame::Error),
        any::<i64>().prop_map(Frame::Integer),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(|b| Frame::Bulk(b.into())),
        Just(Frame::Null),
        Just(Frame::NullArray),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop::collection::vec(inner, 0..6).prop_map(Frame::Array)
    })
}

/// Argument vectors of arbitrary binary strings.
fn request() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..50), 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any bytes, fed whole or in any chunk sizes, never panic the request
    /// decoder, and give the same requests and error however they are split.
    #[test]
    fn request_decoder_total_and_split_independent(
        input in input(),
        chunks in prop::collection::vec(1usize..16, 1..8),
        small in any::<bool>(),
    ) {
        let limits = if small { SMALL } else { Limits::default() };
        let whole = requests_chunked(limits, &input, &[usize::MAX]);
        prop_assert_eq!(&requests_chunked(limits, &input, &chunks), &whole);
        prop_assert_eq!(&requests_chunked(limits, &input, &[1]), &whole);
    }

    /// Any bytes never panic the reply decoder, and a frame it returns is
    /// followed by a consistent remainder (Ok(None) consumed nothing).
    #[test]
    fn reply_decoder_total(input in input(), small in any::<bool>()) {
        let limits = if small { SMALL } else { Limits::default() };
        let mut buf = BytesMut::from(&input[..]);
        loop {
            let before = buf.len();
            match decode_frame(&mut buf, &limits) {
                Ok(Some(_)) => prop_assert!(buf.len() < before),
                Ok(None) => { prop_assert_eq!(buf.len(), before); break }
                Err(_) => break,
            }
        }
    }

    /// Encoding frames and decoding them gives them back, and each proper
    /// prefix of the encoding decodes to nothing yet.
    #[test]
    fn frames_round_trip(frames_in in prop::collection::vec(frame(), 1..4)) {
        let mut wire = BytesMut::new();
        for f in &frames_in {
            encode(f, &mut wire);
        }
        prop_assert_eq!(frames(&Limits::default(), &wire), (frames_in.clone(), None));
        let mut first = BytesMut::new();
        encode(&frames_in[0], &mut first);
        for cut in 0..first.len() {
            prop_assert_eq!(frames(&Limits::default(), &first[..cut]), (vec![], None));
        }
    }

    /// Requests encoded by `encode_request` come back from `RequestDecoder`
    /// unchanged, pipelined and fed in random chunk sizes.
    #[test]
    fn requests_round_trip(
        reqs in prop::collection::vec(request(), 1..5),
        chunks in prop::collection::vec(1usize..64, 1..8),
    ) {
        let mut wire = BytesMut::new();
        for r in &reqs {
            encode_request(&mut wire, r);
        }
        let expected: Vec<Vec<Bytes>> = reqs
            .iter()
            .map(|r| r.iter().map(|a| Bytes::copy_from_slice(a)).collect())
            .collect();
        prop_assert_eq!(requests_chunked(Limits::default(), &wire, &chunks), (expected.clone(), None));
        prop_assert_eq!(requests_chunked(Limits::default(), &wire, &[usize::MAX]), (expected, None));
    }
}

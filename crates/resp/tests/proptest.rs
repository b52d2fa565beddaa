//! Property tests: the decoders never panic on any input, the result never
//! depends on how the input was split across reads, encoding then decoding
//! gives back what was encoded, and the memory a decoder holds is bounded by
//! the bytes it received, never by a length a peer declared.
//!
//! The last is measured with `allocation-counter`, a counting
//! `#[global_allocator]` that keeps its counts per thread (so parallel tests
//! do not disturb each other) and that we can use without writing the
//! `unsafe impl GlobalAlloc` that `unsafe_code = "forbid"` rules out.

mod common;

use bytes::{Bytes, BytesMut};
use common::{SMALL, requests_chunked};
use proptest::prelude::*;
use sharedkv_resp::{
    DoubleText, Frame, Limits, ProtocolError, RequestDecoder, decode_frame, encode, encode_request,
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
        // RESP3's type bytes, and what follows two of them.
        prop::sample::select(&b"_#,(!=%~>|"[..]).prop_map(|b| vec![b]),
        Just(b"t".to_vec()),
        Just(b"inf".to_vec()),
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
        Just(b'%'),
        Just(b'~'),
        Just(b'_'),
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

/// Any bytes, up to 40 of them.
fn blob() -> impl Strategy<Value = Bytes> {
    prop::collection::vec(any::<u8>(), 0..40).prop_map(Bytes::from)
}

/// Arbitrary RESP2 and RESP3 frames, at most 4 levels deep and 6 elements
/// wide. Doubles are written as the server writes them.
fn frame() -> impl Strategy<Value = Frame> {
    let leaf = prop_oneof![
        line_text().prop_map(Frame::Simple),
        line_text().prop_map(Frame::Error),
        any::<i64>().prop_map(Frame::Integer),
        blob().prop_map(Frame::Bulk),
        Just(Frame::Null),
        Just(Frame::NullArray),
        Just(Frame::Nil),
        any::<bool>().prop_map(Frame::Boolean),
        any::<f64>()
            .prop_map(|d| { Frame::Double(Bytes::copy_from_slice(DoubleText::new(d).as_bytes())) }),
        (any::<bool>(), prop::collection::vec(b'0'..=b'9', 1..60)).prop_map(|(minus, digits)| {
            let sign: &[u8] = if minus { b"-" } else { b"" };
            Frame::BigNumber([sign, &digits].concat().into())
        }),
        blob().prop_map(Frame::BlobError),
        (prop::sample::select(vec![*b"txt", *b"mkd"]), blob())
            .prop_map(|(format, text)| Frame::Verbatim { format, text }),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        let pairs = prop::collection::vec((inner.clone(), inner.clone()), 0..4);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Frame::Array),
            pairs.clone().prop_map(Frame::Map),
            prop::collection::vec(inner.clone(), 0..6).prop_map(Frame::Set),
            prop::collection::vec(inner.clone(), 0..6).prop_map(Frame::Push),
            (pairs, inner).prop_map(|(attributes, value)| Frame::Attribute {
                attributes,
                value: Box::new(value),
            }),
        ]
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

/// Most bytes a decoder may hold at its peak per byte received. The
/// costliest input is an inline request of one-letter words (`a a a ...`):
/// per 2 bytes on the wire, a 32-byte `Bytes` in a `Vec` that grows by
/// doubling (up to 64 bytes, and old and new arrays both live while it
/// grows) plus the word's own small allocation; then the read buffer itself,
/// grown by doubling too. Measured: 53 bytes per byte received.
const HELD_PER_BYTE: usize = 64;

/// Bytes a decoder may hold whatever it received: the fixed cost of a
/// buffer and a first argument vector. Far below what any declared length
/// (`$536870912`, `*1024`) would have reserved.
const HELD_FIXED: usize = 512;

/// The bound both decoders' peak holdings must stay under.
fn held_bound(received: usize) -> u64 {
    (HELD_PER_BYTE * received + HELD_FIXED) as u64
}

/// The peak bytes allocated while `RequestDecoder` reads `input` in
/// `chunks`, each request dropped as soon as it is decoded (as the server
/// does once it has answered it).
fn request_decoder_peak(limits: Limits, input: &[u8], chunks: &[usize]) -> u64 {
    allocation_counter::measure(|| {
        let mut dec = RequestDecoder::new(limits);
        let mut buf = BytesMut::new();
        let mut rest = input;
        let mut sizes = chunks.iter().cycle();
        'feed: while !rest.is_empty() {
            let n = sizes.next().copied().unwrap_or(1).clamp(1, rest.len());
            buf.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            loop {
                match dec.decode(&mut buf) {
                    Ok(Some(args)) => drop(args),
                    Ok(None) => break,
                    Err(_) => break 'feed,
                }
            }
        }
    })
    .bytes_max
}

/// The peak bytes allocated while `decode_frame` reads every frame of
/// `input`, each dropped at once.
fn reply_decoder_peak(limits: &Limits, input: &[u8]) -> u64 {
    allocation_counter::measure(|| {
        let mut buf = BytesMut::from(input);
        while let Ok(Some(frame)) = decode_frame(&mut buf, limits) {
            drop(frame);
        }
    })
    .bytes_max
}

/// Headers declaring the largest counts and lengths the limits allow, with
/// few or none of the promised bytes behind them.
fn declared_but_not_sent() -> impl Strategy<Value = Vec<u8>> {
    let count = prop_oneof![Just(2_147_483_647usize), Just(1024), 1usize..100_000];
    let len = prop_oneof![Just(536_870_912usize), Just(16_384), 1usize..1_000_000];
    (
        count,
        len,
        prop::collection::vec(any::<u8>(), 0..40),
        any::<bool>(),
    )
        .prop_map(|(count, len, tail, reply)| {
            let mut wire = Vec::new();
            if reply {
                // Replies: nested aggregates of both protocols, each
                // announcing much.
                wire.extend_from_slice(
                    format!(
                        "*{count}\r\n%{count}\r\n~{count}\r\n|{count}\r\n>{count}\r\n${len}\r\n"
                    )
                    .as_bytes(),
                );
            } else {
                wire.extend_from_slice(format!("*{count}\r\n$3\r\nSET\r\n${len}\r\n").as_bytes());
            }
            wire.extend_from_slice(&tail);
            wire
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Fed random, protocol-shaped or damaged input in random chunks, the
    /// request decoder never holds more than `HELD_PER_BYTE` bytes per byte
    /// received (plus `HELD_FIXED`), whatever counts and lengths it declares.
    #[test]
    fn request_decoder_holds_only_what_it_received(
        input in prop_oneof![input(), declared_but_not_sent()],
        chunks in prop::collection::vec(1usize..64, 1..8),
        small in any::<bool>(),
    ) {
        let limits = if small { SMALL } else { Limits::default() };
        let peak = request_decoder_peak(limits, &input, &chunks);
        prop_assert!(
            peak <= held_bound(input.len()),
            "held {} bytes at peak for {} received", peak, input.len()
        );
    }

    /// The reply decoder never holds more than the same bound: it sizes
    /// arrays only by elements it has seen.
    #[test]
    fn reply_decoder_holds_only_what_it_received(
        input in prop_oneof![input(), declared_but_not_sent()],
        small in any::<bool>(),
    ) {
        let limits = if small { SMALL } else { Limits::default() };
        let peak = reply_decoder_peak(&limits, &input);
        prop_assert!(
            peak <= held_bound(input.len()),
            "held {} bytes at peak for {} received", peak, input.len()
        );
    }
}

/// The measurement itself works: reserving from a declared length would be
/// caught (a decoder that trusted `$536870912` would hold 512 MiB).
#[test]
fn allocation_counter_sees_a_declared_reservation() {
    let peak = allocation_counter::measure(|| {
        let buf = BytesMut::with_capacity(536_870_912 / 1024);
        drop(buf);
    })
    .bytes_max;
    assert!(peak > held_bound(b"*1\r\n$536870912\r\n".len()));
}

/// Requests with every argument as small as the wire allows stay within the
/// bound: the worst case `HELD_PER_BYTE` is sized for.
#[test]
fn tiny_arguments_stay_within_the_bound() {
    let mut inline = b"x".to_vec();
    inline.extend_from_slice(&b" a".repeat(20_000));
    inline.push(b'\n');
    let mut multibulk = b"*20000\r\n".to_vec();
    multibulk.extend_from_slice(&b":0\r\n".repeat(20_000));
    for input in [inline, multibulk] {
        for chunks in [&[usize::MAX][..], &[1], &[7, 100, 4096]] {
            let peak = request_decoder_peak(Limits::default(), &input, chunks);
            assert!(
                peak <= held_bound(input.len()),
                "{peak} for {}",
                input.len()
            );
        }
    }
}

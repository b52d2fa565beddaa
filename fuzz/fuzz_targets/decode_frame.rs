//! Fuzzes `decode_frame`, the client's reply decoder.
//!
//! Byte 0 picks the limits, the rest is the stream. Checked: no panic; a frame
//! consumes bytes, `Ok(None)` consumes none; a decoded frame re-encodes to
//! bytes that decode to the same frame; and decoding a prefix of the stream
//! never yields a frame the whole stream does not.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use sharedkv_resp::{Frame, Limits, decode_frame, encode};

const TINY: Limits = Limits {
    max_bulk_len: 64,
    max_inline_len: 32,
    max_multibulk_len: 8,
};

fn frames(limits: &Limits, input: &[u8]) -> Vec<Frame> {
    let mut buf = BytesMut::from(input);
    let mut out = Vec::new();
    loop {
        let before = buf.len();
        match decode_frame(&mut buf, limits) {
            Ok(Some(frame)) => {
                assert!(buf.len() < before, "a frame consumes bytes");
                out.push(frame);
            }
            Ok(None) => {
                assert_eq!(buf.len(), before, "Ok(None) consumes nothing");
                return out;
            }
            Err(_) => return out,
        }
    }
}

/// Whether `encode` writes `frame` unchanged: simple and error text may hold
/// an LF (the line ends at CR), which `encode` turns into a space.
fn encodes_exactly(frame: &Frame) -> bool {
    match frame {
        Frame::Simple(s) | Frame::Error(s) => !s.contains(&b'\n'),
        Frame::Array(items) | Frame::Set(items) | Frame::Push(items) => {
            items.iter().all(encodes_exactly)
        }
        Frame::Map(pairs) => pairs
            .iter()
            .all(|(k, v)| encodes_exactly(k) && encodes_exactly(v)),
        Frame::Attribute { attributes, value } => {
            encodes_exactly(value)
                && attributes
                    .iter()
                    .all(|(k, v)| encodes_exactly(k) && encodes_exactly(v))
        }
        _ => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, stream)) = data.split_first() else {
        return;
    };
    let limits = match mode % 3 {
        0 => Limits::default(),
        1 => Limits::UNAUTHENTICATED,
        _ => TINY,
    };
    let decoded = frames(&limits, stream);
    for frame in decoded.iter().filter(|f| encodes_exactly(f)) {
        let mut wire = BytesMut::new();
        encode(frame, &mut wire);
        let again = decode_frame(&mut wire, &limits).expect("re-encoded frame decodes");
        assert_eq!(again.as_ref(), Some(frame));
        assert!(wire.is_empty());
    }
    let half = &stream[..stream.len() / 2];
    let prefix = frames(&limits, half);
    assert!(prefix.len() <= decoded.len());
    assert_eq!(&decoded[..prefix.len()], &prefix[..]);
});

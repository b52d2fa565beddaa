//! Replays the cargo-fuzz corpora (`fuzz/corpus/<target>`) on stable, with
//! the fuzz targets' checks, so every input the fuzzer found interesting is a
//! regression test in CI. An input that once crashed goes in the corpus too.

use std::fs;
use std::path::PathBuf;

mod common;

use bytes::BytesMut;
use common::{SMALL, requests_chunked};
use sharedkv_resp::{Frame, Limits, decode_frame, encode};

/// The limits the fuzz targets pick from with their first byte.
fn limits(mode: u8) -> Limits {
    match mode % 3 {
        0 => Limits::default(),
        1 => Limits::UNAUTHENTICATED,
        _ => SMALL,
    }
}

/// Every file of `fuzz/corpus/<target>`.
fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../fuzz/corpus/{target}"));
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("corpus entry").path();
            let data = fs::read(&path).expect("corpus file");
            (path, data)
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "empty corpus {}", dir.display());
    inputs
}

/// The `decode_request` target's checks over its corpus: the same result
/// whole, in the input's own chunking, and a byte at a time.
#[test]
fn decode_request_corpus() {
    for (path, data) in corpus("decode_request") {
        let Some((&mode, rest)) = data.split_first() else {
            continue;
        };
        let (sizes, stream) = rest.split_at(rest.len().min(4));
        let chunks: Vec<usize> = sizes.iter().map(|&s| usize::from(s % 32) + 1).collect();
        let whole = requests_chunked(limits(mode), stream, &[usize::MAX]);
        assert_eq!(
            requests_chunked(limits(mode), stream, &chunks),
            whole,
            "{}",
            path.display()
        );
        assert_eq!(
            requests_chunked(limits(mode), stream, &[1]),
            whole,
            "{}",
            path.display()
        );
    }
}

/// Whether `encode` writes `frame` unchanged (it turns an LF in simple or
/// error text into a space).
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

/// The `decode_frame` target's checks over its corpus: decoded frames
/// re-encode to themselves.
#[test]
fn decode_frame_corpus() {
    for (path, data) in corpus("decode_frame") {
        let Some((&mode, stream)) = data.split_first() else {
            continue;
        };
        let limits = limits(mode);
        let mut buf = BytesMut::from(stream);
        while let Ok(Some(frame)) = decode_frame(&mut buf, &limits) {
            if !encodes_exactly(&frame) {
                continue;
            }
            let mut wire = BytesMut::new();
            encode(&frame, &mut wire);
            let again = decode_frame(&mut wire, &limits);
            assert_eq!(again, Ok(Some(frame)), "{}", path.display());
        }
    }
}

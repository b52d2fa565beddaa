//! Fuzzes `RequestDecoder`, the server's request decoder.
//!
//! Input layout: byte 0 picks the limits (Redis's defaults, the
//! unauthenticated ones, or tiny ones that random input can reach), bytes 1..5
//! are the sizes of the chunks the rest is fed in (cycled), and the rest is the
//! stream. Checked: no panic; the requests and the error are the same whether
//! the stream arrives whole, in those chunks, or a byte at a time; every
//! request respects the limits; and the read buffer never grows past what was
//! fed in (the decoder allocates nothing from a declared length).
#![no_main]

use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use sharedkv_resp::{Limits, ProtocolError, RequestDecoder};

const TINY: Limits = Limits {
    max_bulk_len: 64,
    max_inline_len: 32,
    max_multibulk_len: 8,
};

type Outcome = (Vec<Vec<Bytes>>, Option<ProtocolError>);

fn run(limits: Limits, stream: &[u8], chunks: &[usize]) -> Outcome {
    let mut dec = RequestDecoder::new(limits);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut rest = stream;
    let mut fed = 0;
    let mut sizes = chunks.iter().cycle();
    while !rest.is_empty() {
        let n = sizes.next().copied().unwrap_or(1).clamp(1, rest.len());
        buf.extend_from_slice(&rest[..n]);
        rest = &rest[n..];
        fed += n;
        loop {
            match dec.decode(&mut buf) {
                Ok(Some(args)) => {
                    assert!(!args.is_empty(), "empty requests are skipped");
                    assert!(args.len() <= limits.max_multibulk_len.max(fed));
                    // Inline words are bounded by the line limit, bulks by
                    // the bulk limit.
                    let longest = limits.max_bulk_len.max(limits.max_inline_len);
                    assert!(args.iter().all(|a| a.len() <= longest));
                    assert!(
                        args.capacity() <= 2 * fed + 16,
                        "args capacity from a declared count"
                    );
                    out.push(args);
                }
                Ok(None) => break,
                Err(e) => return (out, Some(e)),
            }
        }
        // `BytesMut::extend_from_slice` grows by what arrives; the decoder
        // must not have reserved anything on top.
        assert!(buf.len() <= fed);
    }
    (out, None)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let limits = match mode % 3 {
        0 => Limits::default(),
        1 => Limits::UNAUTHENTICATED,
        _ => TINY,
    };
    let (sizes, stream) = rest.split_at(rest.len().min(4));
    let chunks: Vec<usize> = sizes.iter().map(|&s| usize::from(s % 32) + 1).collect();
    let whole = run(limits, stream, &[usize::MAX]);
    assert_eq!(run(limits, stream, &chunks), whole);
    assert_eq!(run(limits, stream, &[1]), whole);
});

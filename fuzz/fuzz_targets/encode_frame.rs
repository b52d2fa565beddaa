//! Fuzzes the encoder against the decoder, RESP3 included.
//!
//! The input is a recipe for a frame tree of every RESP2 and RESP3 type
//! (see `Recipe`), so every input is a valid frame: this reaches the
//! encoder's and decoder's handling of maps, sets, pushes, attributes,
//! doubles and verbatim strings, nested, far more often than damaged bytes
//! do. Checked: the encoding decodes to the same frame and consumes exactly
//! its bytes; re-encoding the decoded frame gives the same bytes; a proper
//! prefix of the encoding decodes to nothing yet and consumes nothing.
#![no_main]

use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use sharedkv_resp::{DoubleText, Frame, Limits, decode_frame, encode};

/// Deepest tree a recipe builds: within the decoder's `MAX_REPLY_DEPTH`.
const DEPTH: usize = 8;

/// Reads the fuzzer's bytes as choices; past the end, every choice is 0.
struct Recipe<'a> {
    bytes: &'a [u8],
}

impl Recipe<'_> {
    fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((&b, rest)) => {
                self.bytes = rest;
                b
            }
            None => 0,
        }
    }

    /// Up to `max` bytes, the count chosen by the next byte.
    fn blob(&mut self, max: usize) -> Bytes {
        let len = usize::from(self.byte()) % (max + 1);
        let len = len.min(self.bytes.len());
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Bytes::copy_from_slice(taken)
    }

    /// Line text: a blob with CR and LF made other bytes.
    fn line(&mut self) -> Bytes {
        let text: Vec<u8> = self
            .blob(24)
            .iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b'x' } else { b })
            .collect();
        text.into()
    }

    fn frame(&mut self, depth: usize) -> Frame {
        let kinds = if depth >= DEPTH { 13 } else { 18 };
        match self.byte() % kinds {
            0 => Frame::Simple(self.line()),
            1 => Frame::Error(self.line()),
            2 => {
                let bytes: [u8; 8] = std::array::from_fn(|_| self.byte());
                Frame::Integer(i64::from_le_bytes(bytes))
            }
            3 => Frame::Bulk(self.blob(64)),
            4 => Frame::Null,
            5 => Frame::NullArray,
            6 => Frame::Nil,
            7 => Frame::Boolean(self.byte() % 2 == 1),
            8 => {
                let bytes: [u8; 8] = std::array::from_fn(|_| self.byte());
                let text = DoubleText::new(f64::from_le_bytes(bytes));
                Frame::Double(Bytes::copy_from_slice(text.as_bytes()))
            }
            9 => {
                let minus = self.byte() % 2 == 1;
                let mut digits: Vec<u8> = self.blob(48).iter().map(|b| b'0' + b % 10).collect();
                if digits.is_empty() {
                    digits.push(b'0');
                }
                if minus {
                    digits.insert(0, b'-');
                }
                Frame::BigNumber(digits.into())
            }
            10 => Frame::BlobError(self.blob(64)),
            11 | 12 => {
                let format = [self.byte(), self.byte(), self.byte()];
                Frame::Verbatim {
                    format,
                    text: self.blob(64),
                }
            }
            13 => Frame::Array(self.items(depth)),
            14 => Frame::Map(self.pairs(depth)),
            15 => Frame::Set(self.items(depth)),
            16 => Frame::Push(self.items(depth)),
            _ => Frame::Attribute {
                attributes: self.pairs(depth),
                value: Box::new(self.frame(depth + 1)),
            },
        }
    }

    fn items(&mut self, depth: usize) -> Vec<Frame> {
        let n = self.byte() % 6;
        (0..n).map(|_| self.frame(depth + 1)).collect()
    }

    fn pairs(&mut self, depth: usize) -> Vec<(Frame, Frame)> {
        let n = self.byte() % 4;
        (0..n)
            .map(|_| (self.frame(depth + 1), self.frame(depth + 1)))
            .collect()
    }
}

fuzz_target!(|data: &[u8]| {
    let frame = Recipe { bytes: data }.frame(0);
    let limits = Limits::default();
    let mut wire = BytesMut::new();
    encode(&frame, &mut wire);
    let encoded = wire.clone();
    for cut in [0, encoded.len() / 2, encoded.len() - 1] {
        let mut prefix = BytesMut::from(&encoded[..cut]);
        assert_eq!(decode_frame(&mut prefix, &limits), Ok(None), "cut {cut}");
        assert_eq!(prefix.len(), cut, "Ok(None) consumes nothing");
    }
    wire.extend_from_slice(b"+next\r\n");
    let decoded = decode_frame(&mut wire, &limits).expect("an encoded frame decodes");
    assert_eq!(decoded.as_ref(), Some(&frame));
    assert_eq!(&wire[..], b"+next\r\n", "the frame consumes exactly its bytes");
    let mut again = BytesMut::new();
    encode(&frame, &mut again);
    assert_eq!(again, encoded);
});

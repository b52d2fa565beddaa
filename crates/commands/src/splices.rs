//! [`Splices`]: large stored values sent from the store's own bytes, never
//! copied into the output buffer.
//!
//! A reply is encoded into the connection's output buffer. A 100 MB value
//! copied there would cost 100 MB more while it waits to be written, so a
//! value of [`SPLICE_MIN`] bytes or more is not copied: its `Bytes` handle
//! (a reference count) is queued here instead, with the place in the
//! buffer where it belongs, and the connection writes the buffer and the
//! values in order with one vectored write (`writev`).
//!
//! ```text
//! output buffer:  *2\r\n$104857600\r\n│\r\n$3\r\nabc\r\n
//!                                     ▲
//! splices:        (offset 18, the stored 100 MB value)
//! ```
//!
//! Offsets count from the first byte ever put into the buffer, so writing
//! (which moves the buffer's start) leaves them as they are.

use std::collections::VecDeque;
use std::io::IoSlice;

use bytes::{Buf, Bytes, BytesMut};

/// Values this long or longer are spliced rather than copied. Below it,
/// a copy costs less than the bookkeeping and the extra `iovec`.
pub const SPLICE_MIN: usize = 16 * 1024;

/// The values spliced into one connection's output buffer, in order.
#[derive(Debug, Default)]
pub struct Splices {
    /// Each value, and the position in the buffer's byte stream it goes
    /// before (see the module docs).
    queue: VecDeque<(u64, Bytes)>,
    /// The sum of the queued values' lengths.
    bytes: usize,
    /// Bytes of the buffer already written: a position in the stream is
    /// `written + offset into the buffer`.
    written: u64,
}

/// Where the output stood before a reply: [`Splices::truncate`] goes back
/// to it.
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    buffer: usize,
    spliced: usize,
    bytes: usize,
}

impl Splices {
    /// Bytes queued here, not counting the buffer's own.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether no value is queued.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Queues `value` to be sent after what `buffer` holds now.
    pub(crate) fn push(&mut self, buffer: &BytesMut, value: Bytes) {
        self.bytes += value.len();
        self.queue
            .push_back((self.written + buffer.len() as u64, value));
    }

    /// Where the output stands now.
    pub fn mark(&self, buffer: &BytesMut) -> Mark {
        Mark {
            buffer: buffer.len(),
            spliced: self.queue.len(),
            bytes: self.bytes,
        }
    }

    /// Drops every reply written since `mark` (`CLIENT REPLY OFF`). Nothing
    /// may have been written to the socket in between.
    pub fn truncate(&mut self, buffer: &mut BytesMut, mark: Mark) {
        buffer.truncate(mark.buffer);
        self.queue.truncate(mark.spliced);
        self.bytes = mark.bytes;
    }

    /// Moves the values that go at or after `at` in the buffer `delta`
    /// bytes later: `delta` bytes were inserted there.
    pub fn shift(&mut self, at: usize, delta: usize) {
        let from = self.written + at as u64;
        for (position, _) in self.queue.iter_mut().rev() {
            if *position < from {
                break;
            }
            *position += delta as u64;
        }
    }

    /// Fills `slices` with the output in order, the buffer's bytes between
    /// the values; returns how many it filled. With more values than
    /// slices, the rest waits for the next write.
    pub fn io_slices<'a>(&'a self, buffer: &'a BytesMut, slices: &mut [IoSlice<'a>]) -> usize {
        let mut filled = 0;
        let mut from = 0;
        for (at, value) in &self.queue {
            // Room for the buffer's bytes before the value, and the value.
            if filled + 2 > slices.len() {
                return filled;
            }
            let to = self.offset(*at);
            if to > from {
                slices[filled] = IoSlice::new(&buffer[from..to]);
                filled += 1;
            }
            slices[filled] = IoSlice::new(value);
            filled += 1;
            from = to;
        }
        if from < buffer.len() && filled < slices.len() {
            slices[filled] = IoSlice::new(&buffer[from..]);
            filled += 1;
        }
        filled
    }

    /// Consumes the first `n` bytes of the output, as a write that took
    /// them.
    pub fn advance(&mut self, buffer: &mut BytesMut, mut n: usize) {
        while n > 0 {
            let Some((at, value)) = self.queue.front_mut() else {
                buffer.advance(n);
                self.written += n as u64;
                return;
            };
            let before = usize::try_from(*at - self.written).unwrap_or(usize::MAX);
            if before > 0 {
                let k = before.min(n);
                buffer.advance(k);
                self.written += k as u64;
                n -= k;
                continue;
            }
            let k = value.len().min(n);
            value.advance(k);
            self.bytes -= k;
            n -= k;
            if value.is_empty() {
                self.queue.pop_front();
            }
        }
    }

    /// Where in the buffer the value at stream position `at` goes.
    fn offset(&self, at: u64) -> usize {
        usize::try_from(at - self.written).unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes the output through `io_slices` and `advance` in pieces of
    /// `step` bytes, as short writes would; returns what was sent.
    fn drain(splices: &mut Splices, buffer: &mut BytesMut, step: usize, room: usize) -> Vec<u8> {
        let mut sent = Vec::new();
        while !buffer.is_empty() || !splices.is_empty() {
            let mut slices = vec![IoSlice::new(&[]); room];
            let n = splices.io_slices(buffer, &mut slices);
            let mut took = 0;
            for slice in &slices[..n] {
                let k = slice.len().min(step - took);
                sent.extend_from_slice(&slice[..k]);
                took += k;
                if took == step {
                    break;
                }
            }
            splices.advance(buffer, took);
        }
        sent
    }

    #[test]
    fn values_go_out_in_place_whatever_the_write_sizes() {
        for step in [1, 3, 7, 64, 10_000] {
            for room in [2, 3, 4, 64] {
                let mut buffer = BytesMut::new();
                let mut splices = Splices::default();
                buffer.extend_from_slice(b"<a>");
                splices.push(&buffer, Bytes::from_static(b"VALUE-ONE"));
                buffer.extend_from_slice(b"<b>");
                splices.push(&buffer, Bytes::from_static(b"TWO"));
                splices.push(&buffer, Bytes::from_static(b"THREE"));
                buffer.extend_from_slice(b"<c>");
                let sent = drain(&mut splices, &mut buffer, step, room);
                assert_eq!(
                    sent, b"<a>VALUE-ONE<b>TWOTHREE<c>",
                    "step {step}, room {room}"
                );
                assert_eq!(splices.bytes(), 0);
                // Positions keep counting after the buffer was written.
                buffer.extend_from_slice(b"x");
                splices.push(&buffer, Bytes::from_static(b"Y"));
                buffer.extend_from_slice(b"z");
                assert_eq!(drain(&mut splices, &mut buffer, step, room), b"xYz");
            }
        }
    }

    #[test]
    fn bytes_inserted_before_a_value_move_it() {
        let mut buffer = BytesMut::new();
        let mut splices = Splices::default();
        buffer.extend_from_slice(b"<a>");
        splices.push(&buffer, Bytes::from_static(b"A"));
        buffer.extend_from_slice(b"<b>");
        splices.push(&buffer, Bytes::from_static(b"B"));
        buffer.extend_from_slice(b"<c>");
        let tail = buffer.split_off(4);
        buffer.extend_from_slice(b"NEW");
        splices.shift(4, 3);
        buffer.unsplit(tail);
        assert_eq!(drain(&mut splices, &mut buffer, 2, 8), b"<a>A<NEWb>B<c>");
    }

    #[test]
    fn truncate_drops_what_came_after_the_mark() {
        let mut buffer = BytesMut::new();
        let mut splices = Splices::default();
        buffer.extend_from_slice(b"kept");
        splices.push(&buffer, Bytes::from_static(b"KEPT"));
        let mark = splices.mark(&buffer);
        buffer.extend_from_slice(b"dropped");
        splices.push(&buffer, Bytes::from_static(b"DROPPED"));
        splices.truncate(&mut buffer, mark);
        assert_eq!(splices.bytes(), 4);
        assert_eq!(drain(&mut splices, &mut buffer, 5, 8), b"keptKEPT");
    }
}

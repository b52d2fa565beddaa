//! The copy rule: which bytes of a request a strategy may keep.
//!
//! The contract (`sharedkv_db`, "What a strategy may keep") says a strategy
//! stores the keys and values it is handed for a write. The decoder's
//! arguments are slices of the connection's read buffer, so every key or
//! value a write command hands to the store goes through [`stored`] first.

use bytes::Bytes;

/// How much free space a connection's input buffer has before each read.
/// Requests larger than this make it grow by what actually arrives. It is
/// here because [`stored`] keeps arguments of this size as slices.
pub const READ_CHUNK: usize = 16 * 1024;

/// A key or value as it is handed to the store.
///
/// The decoder's arguments are zero-copy slices of the connection's read
/// buffer, and a `Bytes` keeps its whole allocation alive: a 10-byte value
/// kept as such a slice would pin a 16 KiB buffer for as long as the key
/// lives, and make the connection allocate a new buffer for its next read.
/// So short arguments are copied into an allocation of their own.
///
/// Up to [`INLINE_MAX`] bytes, that allocation also holds the reference
/// count ([`Inline`]): one allocation, and every clone is one atomic
/// increment. A `Bytes::copy_from_slice` would allocate a second time on its
/// first clone (a `Vec`-backed `Bytes` moves its count to a new shared
/// header then), and every stored key is cloned (the store keeps one copy,
/// the command another), as is every value a GET returns. Measured with
/// callgrind under `redis-benchmark -t set,get -P 16`: one malloc and one
/// free fewer per SET, and per first GET of a value.
///
/// Arguments of at least [`READ_CHUNK`] bytes are kept as they are: such a
/// bulk made the read buffer grow around it, so it fills most of that
/// buffer, and copying it would cost more than the little it pins.
pub fn stored(arg: Bytes) -> Bytes {
    match arg.len() {
        0..=23 => Inline::<23>::bytes(&arg),
        24..=39 => Inline::<39>::bytes(&arg),
        40..=INLINE_MAX => Inline::<INLINE_MAX>::bytes(&arg),
        n if n < READ_CHUNK => Bytes::copy_from_slice(&arg),
        _ => arg,
    }
}

/// The longest argument [`stored`] keeps in an [`Inline`].
const INLINE_MAX: usize = 103;

/// Up to `N` bytes stored in place, as the owner of a `Bytes`
/// ([`Bytes::from_owner`] puts it in one allocation after the reference
/// count and a drop function, 16 bytes). The sizes used, 23, 39 and 103,
/// make that allocation 40, 56 and 120 bytes: glibc's 48-, 64- and 128-byte
/// chunks, with no byte wasted to rounding.
struct Inline<const N: usize> {
    len: u8,
    data: [u8; N],
}

impl<const N: usize> Inline<N> {
    /// A `Bytes` holding a copy of `src`, which is at most `N` (< 256) bytes.
    fn bytes(src: &[u8]) -> Bytes {
        let mut inline = Inline {
            len: 0,
            data: [0; N],
        };
        inline.data[..src.len()].copy_from_slice(src);
        inline.len = u8::try_from(src.len()).unwrap_or(u8::MAX);
        Bytes::from_owner(inline)
    }
}

impl<const N: usize> AsRef<[u8]> for Inline<N> {
    fn as_ref(&self) -> &[u8] {
        &self.data[..usize::from(self.len)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Short arguments are copied out of the read buffer, long ones are kept as slices.
    #[test]
    fn stored_copies_only_short_arguments() {
        let buffer = Bytes::from(vec![7u8; 2 * READ_CHUNK]);
        let short = buffer.slice(0..10);
        assert_ne!(stored(short.clone()).as_ptr(), short.as_ptr());
        let long = buffer.slice(0..READ_CHUNK);
        assert_eq!(stored(long.clone()).as_ptr(), long.as_ptr());
    }

    /// Every length round-trips, across the inline sizes and past them.
    #[test]
    fn stored_keeps_every_length() {
        let source: Vec<u8> = (0..=255u8).cycle().take(600).collect();
        let buffer = Bytes::from(source);
        for len in (0..=130).chain([255, 256, 599]) {
            let arg = buffer.slice(1..1 + len);
            let kept = stored(arg.clone());
            assert_eq!(kept, arg, "length {len}");
            assert_eq!(kept.clone(), arg, "clone of length {len}");
            assert_eq!(kept.slice(len / 2..), arg.slice(len / 2..));
        }
    }
}

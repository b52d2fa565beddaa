//! What the server spends on one key, for `MEMORY USAGE`: an estimate of
//! the bytes of its slot in the keyspace, its key, its entry and its
//! value's heap, by type, from the sizes of the types that hold them.
//!
//! Redis samples the elements of a collection (5 by default, all with
//! `SAMPLES 0`) and scales their average size up to the whole; so does
//! this, for the elements' own bytes. The tables that hold them (vector
//! capacity, hash slots) are counted exactly from their capacities.
//! Allocator rounding and the per-allocation headers are not counted.

use std::mem::size_of;

use bytes::Bytes;
use sharedkv_db::{Entry, Value};

/// The bytes a hash table spends per slot beyond the slot itself: one
/// control byte, and a load factor of 7/8 (hashbrown's), as a multiplier
/// of 8/7 applied to the slot.
fn hashed(slot: usize) -> usize {
    (slot + 1) * 8 / 7
}

/// The estimate of what the key `key` holding `entry` costs, sampling at
/// most `samples` elements of a collection (`usize::MAX`: all of them).
pub fn key_usage(key: &[u8], entry: &Entry, samples: usize) -> usize {
    // The keyspace's slot: the stored key handle and the entry, in a
    // hashed map; then the key's own bytes.
    let slot = hashed(size_of::<Bytes>() + size_of::<Entry>());
    slot + key.len() + value_usage(&entry.value, samples)
}

/// The heap a value holds.
fn value_usage(value: &Value, samples: usize) -> usize {
    match value {
        Value::Str(bytes) => bytes.len(),
        Value::Int(_) => 0,
        Value::Hash(hash) => {
            // IndexMap: a vector of (hash, field, value), and an index
            // table of positions.
            let table =
                hash.capacity() * (size_of::<(u64, Bytes, Bytes)>() + hashed(size_of::<usize>()));
            size_of::<sharedkv_db::Hash>()
                + table
                + sampled(
                    hash.iter().map(|(f, v)| f.len() + v.len()),
                    hash.len(),
                    samples,
                )
        }
        Value::List(list) => {
            size_of::<sharedkv_db::List>()
                + list.capacity() * size_of::<Bytes>()
                + sampled(list.iter().map(Bytes::len), list.len(), samples)
        }
        Value::Set(set) => {
            let table = set.capacity() * (size_of::<(u64, Bytes)>() + hashed(size_of::<usize>()));
            size_of::<sharedkv_db::Set>()
                + table
                + sampled(set.iter().map(Bytes::len), set.len(), samples)
        }
        Value::ZSet(zset) => {
            size_of::<sharedkv_db::SortedSet>()
                + zset.table_bytes()
                + sampled(zset.iter().map(|(m, _)| m.len()), zset.len(), samples)
        }
    }
}

/// The elements' bytes: the first `samples` of `sizes` summed, scaled up
/// to all `len` elements.
fn sampled(sizes: impl Iterator<Item = usize>, len: usize, samples: usize) -> usize {
    let (mut seen, mut bytes) = (0usize, 0usize);
    for size in sizes.take(samples) {
        seen += 1;
        bytes = bytes.saturating_add(size);
    }
    if seen == 0 {
        return 0;
    }
    // Widened, so that a large collection cannot overflow the product.
    let scaled = u128::from(bytes as u64) * (len as u128) / (seen as u128);
    usize::try_from(scaled).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(value: Value) -> usize {
        key_usage(b"key", &Entry::new(value), usize::MAX)
    }

    /// Every type's estimate grows with what it holds, by at least the
    /// bytes added.
    #[test]
    fn grows_with_content() {
        let small = usage(Value::Str(Bytes::from(vec![b'x'; 10])));
        let big = usage(Value::Str(Bytes::from(vec![b'x'; 10_000])));
        assert!(big >= small + 9_990, "{small} {big}");
        assert!(usage(Value::Int(1)) < big);

        let hash = |n: usize| {
            let mut h = sharedkv_db::Hash::default();
            for i in 0..n {
                h.insert(
                    Bytes::from(format!("field:{i}")),
                    Bytes::from(vec![b'v'; 100]),
                );
            }
            usage(Value::Hash(Box::new(h)))
        };
        assert!(hash(100) >= hash(1) + 99 * 100);

        let list = |n: usize| {
            usage(Value::List(Box::new(
                (0..n).map(|_| Bytes::from(vec![b'e'; 50])).collect(),
            )))
        };
        assert!(list(100) >= list(1) + 99 * 50);

        let set = |n: usize| {
            usage(Value::Set(Box::new(
                (0..n)
                    .map(|i| Bytes::from(format!("member:{i:040}")))
                    .collect(),
            )))
        };
        assert!(set(100) >= set(1) + 99 * 47);

        let zset = |n: usize| {
            let mut z = sharedkv_db::SortedSet::new();
            for i in 0..n {
                z.insert(Bytes::from(format!("member:{i:040}")), i as f64);
            }
            usage(Value::ZSet(Box::new(z)))
        };
        assert!(zset(100) >= zset(1) + 99 * 47);
    }

    /// Sampling scales the sampled elements' average up to all of them.
    #[test]
    fn sampling_scales() {
        assert_eq!(sampled([10, 20].into_iter(), 10, 2), 150);
        assert_eq!(sampled([10, 20, 30].into_iter(), 3, usize::MAX), 60);
        assert_eq!(sampled(std::iter::empty(), 0, 5), 0);
    }
}

//! The workload model, after bustle's: an operation mix that sums to 100, a
//! key distribution, a prefill, and an operation stream generated from a
//! recorded seed before anything is timed.

use std::sync::{Arc, OnceLock};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sharedkv_db::Bytes;

/// The seed every operation stream and key permutation is drawn from, so
/// that every strategy (and every run) sees the same sequence.
pub const SEED: u64 = 0x5348_4152_4544_4b56;

/// Length of a generated operation stream, a power of two. Task `t` of `n`
/// starts at `t * STREAM_LEN / n` and wraps around, so tasks replay distinct
/// windows of one stream.
pub const STREAM_LEN: usize = 1 << 20;

/// The most keys any workload addresses (head-of-line's map).
pub const MAX_KEYS: u32 = 1_000_000;

/// How many counters INCR operations spread over: hot keys on purpose.
pub const COUNTERS: u32 = 8;

/// Bytes in a key: `key:` and seven digits (`ctr:` for counters).
pub const KEY_LEN: usize = 11;

/// Bytes in a value.
pub const VALUE_LEN: usize = 16;

/// Distinct values SETs cycle through.
const VALUES: usize = 1024;

/// How often, in percent, each operation is drawn. Build it with
/// [`Mix::new`], which checks that the parts sum to 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mix {
    /// Percentage of GETs.
    pub get: u8,
    /// Percentage of SETs (overwrites: every key SET is one a GET may read).
    pub set: u8,
    /// Percentage of INCRs, which go to the [`COUNTERS`] counters.
    pub incr: u8,
}

impl Mix {
    /// A mix of `get`% GET, `set`% SET and `incr`% INCR.
    ///
    /// Panics (at compile time, in a `const`) unless they sum to 100.
    pub const fn new(get: u8, set: u8, incr: u8) -> Self {
        assert!(
            get as u16 + set as u16 + incr as u16 == 100,
            "an operation mix must sum to 100"
        );
        Self { get, set, incr }
    }
}

/// How GET and SET keys are drawn from the keyspace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KeyDist {
    /// Every key equally likely.
    Uniform,
    /// Key of rank `k` drawn with probability proportional to `1 / k^s`; the
    /// ranks are assigned to keys by a seeded permutation.
    Zipf {
        /// The exponent `s`; 0.99 is YCSB's default.
        exponent: f64,
    },
}

/// One benchmark scenario: what the tasks do, over which keys.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Workload {
    /// The scenario's name, the last part of its criterion group.
    pub name: &'static str,
    /// The operation mix.
    pub mix: Mix,
    /// How GET and SET keys are drawn.
    pub dist: KeyDist,
    /// How many distinct keys GETs and SETs address.
    pub keys: u32,
    /// The fraction of those keys written before timing (1.0: every GET
    /// hits). Counters are always prefilled with `0` when the mix has INCRs.
    pub prefill: f64,
}

/// The `contention` group's scenarios.
pub const CONTENTION: [Workload; 5] = [
    Workload::uniform("read-heavy", Mix::new(95, 5, 0), 100_000),
    Workload::uniform("mixed", Mix::new(50, 50, 0), 100_000),
    Workload::uniform("write-heavy", Mix::new(10, 90, 0), 100_000),
    Workload {
        name: "zipf",
        mix: Mix::new(90, 10, 0),
        dist: KeyDist::Zipf { exponent: 0.99 },
        keys: 100_000,
        prefill: 1.0,
    },
    Workload::uniform("hot-incr", Mix::new(0, 0, 100), 100_000),
];

/// The `uncontended` group's scenarios.
pub const UNCONTENDED: [Workload; 2] = [
    Workload::uniform("get", Mix::new(100, 0, 0), 100_000),
    Workload::uniform("set", Mix::new(0, 100, 0), 100_000),
];

/// The `head-of-line` group's readers: GETs over the whole 1M-key map.
pub const HEAD_OF_LINE_READERS: Workload = Workload::uniform("get", Mix::new(100, 0, 0), MAX_KEYS);

impl Workload {
    /// A fully prefilled workload with uniform keys.
    pub const fn uniform(name: &'static str, mix: Mix, keys: u32) -> Self {
        Self {
            name,
            mix,
            dist: KeyDist::Uniform,
            keys,
            prefill: 1.0,
        }
    }

    /// How many keys (`0..n`) the prefill writes.
    pub fn prefilled_keys(&self) -> u32 {
        // Truncation is intended: a fraction of a key is no key.
        (f64::from(self.keys) * self.prefill.clamp(0.0, 1.0)) as u32
    }

    /// The operation stream, [`STREAM_LEN`] long, drawn from [`SEED`].
    pub fn generate(&self) -> Arc<[Op]> {
        assert!(
            self.keys > 0 && self.keys <= MAX_KEYS,
            "key count out of range"
        );
        let mut rng = StdRng::seed_from_u64(SEED ^ u64::from(self.keys));
        let zipf = match self.dist {
            KeyDist::Uniform => None,
            KeyDist::Zipf { exponent } => Some(Zipf::new(self.keys, exponent, &mut rng)),
        };
        let key = |rng: &mut StdRng| match &zipf {
            None => rng.random_range(0..self.keys),
            Some(z) => z.sample(rng),
        };
        (0..STREAM_LEN)
            .map(|_| {
                let roll = rng.random_range(0..100u8);
                if roll < self.mix.get {
                    Op::Get(key(&mut rng))
                } else if roll < self.mix.get + self.mix.set {
                    Op::Set(key(&mut rng))
                } else {
                    Op::Incr(rng.random_range(0..COUNTERS))
                }
            })
            .collect()
    }
}

/// One operation of a stream: the command and its key's index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `GET key`.
    Get(u32),
    /// `SET key value`.
    Set(u32),
    /// `INCR counter`.
    Incr(u32),
}

/// A seeded Zipf sampler over `0..n`: the exact cumulative distribution,
/// searched by bisection (built once, before timing), and a permutation that
/// scatters ranks over the keys.
#[derive(Clone, Debug)]
pub struct Zipf {
    cdf: Vec<f64>,
    rank_to_key: Vec<u32>,
}

impl Zipf {
    /// A sampler of `0..n` with exponent `s`; the rank permutation is drawn
    /// from `rng`.
    pub fn new(n: u32, s: f64, rng: &mut impl Rng) -> Self {
        let mut total = 0.0;
        let mut cdf: Vec<f64> = (1..=n)
            .map(|k| {
                total += f64::from(k).powf(-s);
                total
            })
            .collect();
        cdf.iter_mut().for_each(|c| *c /= total);
        let mut rank_to_key: Vec<u32> = (0..n).collect();
        rank_to_key.shuffle(rng);
        Self { cdf, rank_to_key }
    }

    /// One key, drawn from `rng`.
    pub fn sample(&self, rng: &mut impl Rng) -> u32 {
        let u: f64 = rng.random();
        let rank = self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1);
        self.rank_to_key[rank]
    }

    /// The probability of the `rank`-th most likely key (0-based).
    pub fn probability(&self, rank: usize) -> f64 {
        self.cdf[rank] - rank.checked_sub(1).map_or(0.0, |r| self.cdf[r])
    }
}

/// Keys, counters and values: `Bytes::from_static` slices of one buffer
/// leaked once per process.
///
/// Why static: cloning a static `Bytes` copies four words and touches no
/// reference count, so a hot key's clone does not bounce a refcount cache
/// line between cores. What is measured is the map and its sharing, not the
/// allocator or refcount traffic. (The server copies each key and value into
/// its own allocation; that cost is the same for every strategy and belongs
/// to the end-to-end measurements.)
#[derive(Clone, Copy, Debug)]
pub struct KeySpace {
    buf: &'static [u8],
}

impl KeySpace {
    /// The process-wide keyspace, built on first use.
    pub fn get() -> Self {
        static BUF: OnceLock<&'static [u8]> = OnceLock::new();
        let buf = BUF.get_or_init(|| {
            let keys = MAX_KEYS as usize + COUNTERS as usize;
            let mut buf = Vec::with_capacity(keys * KEY_LEN + VALUES * VALUE_LEN);
            for i in 0..MAX_KEYS {
                push_padded(&mut buf, b"key:", u64::from(i), KEY_LEN);
            }
            for i in 0..COUNTERS {
                push_padded(&mut buf, b"ctr:", u64::from(i), KEY_LEN);
            }
            for i in 0..VALUES {
                push_padded(&mut buf, b"value:", i as u64, VALUE_LEN);
            }
            Box::leak(buf.into_boxed_slice())
        });
        Self { buf }
    }

    /// Key `i` (`key:0000042`), `i < MAX_KEYS`.
    #[inline]
    pub fn key(self, i: u32) -> Bytes {
        let at = i as usize * KEY_LEN;
        Bytes::from_static(&self.buf[at..at + KEY_LEN])
    }

    /// Counter `i` (`ctr:0000003`), `i < COUNTERS`.
    #[inline]
    pub fn counter(self, i: u32) -> Bytes {
        self.key(MAX_KEYS + i)
    }

    /// One of the values SETs write, picked by `n` (any number).
    #[inline]
    pub fn value(self, n: usize) -> Bytes {
        let at = (MAX_KEYS + COUNTERS) as usize * KEY_LEN + (n % VALUES) * VALUE_LEN;
        Bytes::from_static(&self.buf[at..at + VALUE_LEN])
    }
}

/// Appends `prefix` and `n` zero-padded to `len` bytes in all.
fn push_padded(buf: &mut Vec<u8>, prefix: &[u8], n: u64, len: usize) {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n).as_bytes();
    buf.extend_from_slice(prefix);
    buf.resize(buf.len() + len - prefix.len() - digits.len(), b'0');
    buf.extend_from_slice(digits);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys, counters and values have their fixed lengths and distinct names.
    #[test]
    fn keyspace_layout() {
        let ks = KeySpace::get();
        assert_eq!(&ks.key(42)[..], b"key:0000042");
        assert_eq!(&ks.key(MAX_KEYS - 1)[..], b"key:0999999");
        assert_eq!(&ks.counter(3)[..], b"ctr:0000003");
        assert_eq!(&ks.value(7)[..], b"value:0000000007");
        assert_eq!(ks.value(7), ks.value(7 + VALUES));
    }

    /// The same workload always generates the same stream, and its mix is respected.
    #[test]
    fn streams_are_seeded_and_follow_the_mix() {
        let wl = CONTENTION[0];
        let (a, b) = (wl.generate(), wl.generate());
        assert_eq!(a, b);
        let gets = a.iter().filter(|op| matches!(op, Op::Get(_))).count();
        let share = gets as f64 / a.len() as f64;
        assert!((share - 0.95).abs() < 0.01, "{share}");
        assert!(a.iter().all(|op| match op {
            Op::Get(k) | Op::Set(k) => *k < wl.keys,
            Op::Incr(c) => *c < COUNTERS,
        }));
    }

    /// zipf(0.99) over 100k keys: the hottest key gets about 8% of draws.
    #[test]
    fn zipf_has_hot_keys() {
        let mut rng = StdRng::seed_from_u64(1);
        let z = Zipf::new(100_000, 0.99, &mut rng);
        let p0 = z.probability(0);
        assert!((0.07..0.09).contains(&p0), "{p0}");
        let hot = z.rank_to_key[0];
        let draws = 100_000;
        let hits = (0..draws).filter(|_| z.sample(&mut rng) == hot).count();
        let share = hits as f64 / f64::from(draws);
        assert!((share - p0).abs() < 0.01, "{share} vs {p0}");
    }
}

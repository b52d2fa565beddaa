//! The workload model, after bustle's: an operation mix that sums to 100,
//! and key names and values that are pure functions of a key index, so that
//! the whole operation sequence can be generated before timing starts and
//! every `GET` reply can be checked.

use std::fmt;
use std::str::FromStr;

use rand::Rng;

use crate::dist::Sampler;

/// One operation of the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `GET key:<i>`.
    Get,
    /// `SET key:<i> <value of i>`.
    Set,
    /// `INCR ctr:<i>`. Counters live in their own `ctr:` namespace, so that
    /// an `INCR` never meets a string value a `SET` wrote (which would be a
    /// `-ERR value is not an integer` reply).
    Incr,
}

impl Op {
    /// The command name as sent.
    pub fn command(self) -> &'static str {
        match self {
            Op::Get => "GET",
            Op::Set => "SET",
            Op::Incr => "INCR",
        }
    }
}

/// An operation mix in percent: `get + set + incr == 100`, as bustle's `Mix`
/// insists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    get: u8,
    set: u8,
    incr: u8,
}

impl Workload {
    /// 95% `GET`, 5% `SET`.
    pub const READ_HEAVY: Workload = Workload::preset(95, 5, 0);
    /// 50% `GET`, 50% `SET`.
    pub const MIXED: Workload = Workload::preset(50, 50, 0);
    /// 10% `GET`, 90% `SET`.
    pub const WRITE_HEAVY: Workload = Workload::preset(10, 90, 0);
    /// `INCR` only.
    pub const INCR: Workload = Workload::preset(0, 0, 100);

    const fn preset(get: u8, set: u8, incr: u8) -> Workload {
        Workload { get, set, incr }
    }

    /// A mix in percent; `None` unless the three sum to 100.
    pub fn new(get: u8, set: u8, incr: u8) -> Option<Workload> {
        (u16::from(get) + u16::from(set) + u16::from(incr) == 100).then_some(Workload {
            get,
            set,
            incr,
        })
    }

    /// Percentage of `GET`s.
    pub fn get_pct(&self) -> u8 {
        self.get
    }

    /// Percentage of `SET`s.
    pub fn set_pct(&self) -> u8 {
        self.set
    }

    /// Percentage of `INCR`s.
    pub fn incr_pct(&self) -> u8 {
        self.incr
    }

    /// Draws one operation with the mix's probabilities.
    pub fn pick<R: Rng + ?Sized>(&self, rng: &mut R) -> Op {
        let roll = rng.random_range(0..100u8);
        if roll < self.get {
            Op::Get
        } else if roll < self.get + self.set {
            Op::Set
        } else {
            Op::Incr
        }
    }
}

impl FromStr for Workload {
    type Err = String;

    /// `read-heavy`, `mixed`, `write-heavy`, `incr`, a bare `GET`
    /// percentage (`80`: 80% `GET`, 20% `SET`), or the general
    /// `get=A,set=B,incr=C` (omitted parts are 0; they must sum to 100).
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "read-heavy" => return Ok(Workload::READ_HEAVY),
            "mixed" => return Ok(Workload::MIXED),
            "write-heavy" => return Ok(Workload::WRITE_HEAVY),
            "incr" => return Ok(Workload::INCR),
            _ => {}
        }
        if let Ok(get) = text.parse::<u8>() {
            return if get <= 100 {
                Ok(Workload::preset(get, 100 - get, 0))
            } else {
                Err(format!("GET percentage {get} is over 100"))
            };
        }
        let (mut get, mut set, mut incr) = (0u8, 0u8, 0u8);
        for part in text.split(',') {
            let bad = || {
                format!(
                    "unknown workload {text:?} (read-heavy, mixed, write-heavy, incr, a GET \
                     percentage, or get=A,set=B,incr=C)"
                )
            };
            let (name, pct) = part.split_once('=').ok_or_else(bad)?;
            let pct: u8 = pct.parse().map_err(|_| bad())?;
            match name {
                "get" => get = pct,
                "set" => set = pct,
                "incr" => incr = pct,
                _ => return Err(bad()),
            }
        }
        Workload::new(get, set, incr).ok_or_else(|| format!("{text:?} does not sum to 100"))
    }
}

impl fmt::Display for Workload {
    /// The preset's name, or the bare `GET` percentage, or
    /// `get=A,set=B,incr=C`; [`FromStr`] reads each back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Workload::READ_HEAVY => f.write_str("read-heavy"),
            Workload::MIXED => f.write_str("mixed"),
            Workload::WRITE_HEAVY => f.write_str("write-heavy"),
            Workload::INCR => f.write_str("incr"),
            Workload { get, incr: 0, .. } => write!(f, "{get}"),
            Workload { get, set, incr } => write!(f, "get={get},set={set},incr={incr}"),
        }
    }
}

/// One precomputed step of a connection's sequence: an operation and its key
/// index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The operation.
    pub op: Op,
    /// The key index, in `0..keys`.
    pub key: u32,
}

/// Generates `len` steps, the way bustle generates its operations before
/// the clock starts: the connection then cycles through them, so the timed
/// loop draws no random numbers.
pub fn sequence<R: Rng + ?Sized>(
    workload: &Workload,
    sampler: &Sampler,
    len: usize,
    rng: &mut R,
) -> Vec<Step> {
    (0..len)
        .map(|_| {
            let op = workload.pick(rng);
            let key = u32::try_from(sampler.sample(rng)).expect("keys are limited to u32::MAX");
            Step { op, key }
        })
        .collect()
}

/// Key names and values, both deterministic functions of a key index.
///
/// Names are fixed-width (`key:000042`, `ctr:000042`; at least six digits,
/// more when `keys` needs them). The value of key `i` is always the same
/// `value_size` bytes, whoever writes it (prefill, a `SET`, the hog's
/// `MSET`), so after a prefill every `GET` reply can be compared with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyspace {
    keys: u64,
    width: usize,
    value_size: usize,
}

impl Keyspace {
    /// The largest number of keys: indexes are stored as `u32`.
    pub const MAX_KEYS: u64 = u32::MAX as u64;

    /// `keys` keys (1 to [`Keyspace::MAX_KEYS`]) of `value_size`-byte values.
    pub fn new(keys: u64, value_size: usize) -> Keyspace {
        assert!((1..=Self::MAX_KEYS).contains(&keys), "keys out of range");
        let width = (keys - 1)
            .checked_ilog10()
            .map_or(1, |d| d as usize + 1)
            .max(6);
        Keyspace {
            keys,
            width,
            value_size,
        }
    }

    /// The number of keys.
    pub fn keys(&self) -> u64 {
        self.keys
    }

    /// The size of every value, in bytes.
    pub fn value_size(&self) -> usize {
        self.value_size
    }

    /// Replaces `out` with the name `op` uses for key `index`: `key:<i>` for
    /// `GET` and `SET`, `ctr:<i>` for `INCR`.
    pub fn key_into(&self, op: Op, index: u64, out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(match op {
            Op::Get | Op::Set => b"key:",
            Op::Incr => b"ctr:",
        });
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(index);
        out.resize(out.len() + self.width.saturating_sub(digits.len()), b'0');
        out.extend_from_slice(digits.as_bytes());
    }

    /// The name `op` uses for key `index`.
    pub fn key(&self, op: Op, index: u64) -> Vec<u8> {
        let mut out = Vec::new();
        self.key_into(op, index, &mut out);
        out
    }

    /// Replaces `out` with the value of key `index`: its decimal index, a
    /// colon, then pseudo-random `[0-9A-Za-z_-]` bytes seeded by the index,
    /// cut to `value_size`. Two keys' values differ even when short.
    pub fn value_into(&self, index: u64, out: &mut Vec<u8>) {
        const ALPHABET: &[u8; 64] =
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
        out.clear();
        out.extend_from_slice(itoa::Buffer::new().format(index).as_bytes());
        out.push(b':');
        let mut state = index ^ 0x5EED_CAFE_F00D_D00D;
        while out.len() < self.value_size {
            let word = splitmix64(&mut state);
            let need = (self.value_size - out.len()).min(8);
            out.extend(
                word.to_le_bytes()[..need]
                    .iter()
                    .map(|b| ALPHABET[usize::from(b & 63)]),
            );
        }
        out.truncate(self.value_size);
    }

    /// The value of key `index`.
    pub fn value(&self, index: u64) -> Vec<u8> {
        let mut out = Vec::new();
        self.value_into(index, &mut out);
        out
    }

    /// Whether `got` is the value of key `index`; `scratch` is reused to
    /// build the expected value.
    pub fn value_matches(&self, index: u64, got: &[u8], scratch: &mut Vec<u8>) -> bool {
        got.len() == self.value_size && {
            self.value_into(index, scratch);
            got == &scratch[..]
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood): a tiny, well-mixed 64-bit generator.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;
    use crate::KeyDist;

    /// Each named mix holds within ±2 points over a million draws.
    #[test]
    fn mix_percentages_hold() {
        let mut rng = StdRng::seed_from_u64(42);
        for (name, get, set, incr) in [
            ("read-heavy", 95.0, 5.0, 0.0),
            ("mixed", 50.0, 50.0, 0.0),
            ("write-heavy", 10.0, 90.0, 0.0),
            ("incr", 0.0, 0.0, 100.0),
            ("70", 70.0, 30.0, 0.0),
            ("get=20,set=30,incr=50", 20.0, 30.0, 50.0),
        ] {
            let workload: Workload = name.parse().unwrap();
            let n = 1_000_000;
            let mut counts = [0u32; 3];
            for _ in 0..n {
                counts[workload.pick(&mut rng) as usize] += 1;
            }
            for (count, want) in counts.iter().zip([get, set, incr]) {
                let pct = f64::from(*count) * 100.0 / f64::from(n);
                assert!((pct - want).abs() <= 2.0, "{name}: {pct}% against {want}%");
            }
            assert_eq!(workload.to_string(), name, "display round-trips");
        }
    }

    /// Bad workloads are rejected with a message.
    #[test]
    fn rejects_bad_workloads() {
        for bad in [
            "101",
            "read",
            "get=50",
            "get=50,set=60",
            "get=x",
            "del=100",
            "",
        ] {
            assert!(bad.parse::<Workload>().is_err(), "{bad:?} parsed");
        }
        assert_eq!("100".parse(), Ok(Workload::new(100, 0, 0).unwrap()));
    }

    /// Values are deterministic per key, sized exactly, distinct between
    /// keys, and verify only against their own key.
    #[test]
    fn values_are_deterministic_and_verifiable() {
        let space = Keyspace::new(100_000, 16);
        assert_eq!(space.value(42), space.value(42));
        assert_eq!(space.value(42).len(), 16);
        assert!(space.value(42).starts_with(b"42:"));
        let mut scratch = Vec::new();
        assert!(space.value_matches(42, &space.value(42), &mut scratch));
        assert!(!space.value_matches(43, &space.value(42), &mut scratch));
        assert!(!space.value_matches(42, &space.value(42)[..15], &mut scratch));
        let distinct: HashSet<Vec<u8>> = (0..10_000).map(|i| space.value(i)).collect();
        assert_eq!(distinct.len(), 10_000);
        // Tiny and large sizes.
        assert_eq!(Keyspace::new(10, 0).value(7), b"");
        assert_eq!(Keyspace::new(10, 2).value(7), b"7:");
        let big = Keyspace::new(10, 1000).value(7);
        assert_eq!(big.len(), 1000);
        assert!(big.iter().all(u8::is_ascii_graphic));
    }

    /// Key names are fixed-width, at least six digits, per namespace.
    #[test]
    fn key_names_are_fixed_width() {
        let space = Keyspace::new(100_000, 16);
        assert_eq!(space.key(Op::Get, 42), b"key:000042");
        assert_eq!(space.key(Op::Set, 99_999), b"key:099999");
        assert_eq!(space.key(Op::Incr, 0), b"ctr:000000");
        assert_eq!(Keyspace::new(1, 1).key(Op::Get, 0), b"key:000000");
        assert_eq!(
            Keyspace::new(10_000_001, 1).key(Op::Get, 5),
            b"key:00000005"
        );
    }

    /// A sequence is reproducible from its seed and stays in range.
    #[test]
    fn sequences_are_seeded() {
        let sampler = KeyDist::Zipf(0.99).sampler(1000);
        let make = |seed| {
            sequence(
                &Workload::MIXED,
                &sampler,
                4096,
                &mut StdRng::seed_from_u64(seed),
            )
        };
        assert_eq!(make(1), make(1));
        assert_ne!(make(1), make(2));
        assert!(make(3).iter().all(|s| s.key < 1000));
    }
}

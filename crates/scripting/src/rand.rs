//! Redis's `math.random`: the 48-bit linear congruential generator of its
//! `rand.c` (`redisLrand48`, the same sequence as POSIX `lrand48`), seeded
//! with 0 before every script so that a script's random numbers are the
//! same on every run and every machine.

/// The generator's state: 48 bits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rand48 {
    x: u64,
}

const A: u64 = 0x5_DEEC_E66D;
const C: u64 = 0xB;
const MASK: u64 = (1 << 48) - 1;
/// `REDIS_LRAND48_MAX`.
const LRAND48_MAX: i64 = i32::MAX as i64;

impl Rand48 {
    /// The state after `redisSrand48(seed)`.
    pub(crate) fn new(seed: i32) -> Rand48 {
        let seed = seed as u32 as u64;
        Rand48 {
            x: 0x330E | ((seed & 0xFFFF) << 16) | (((seed >> 16) & 0xFFFF) << 32),
        }
    }

    /// The state Redis starts with (`rand.c`'s `X0`, `X1`, `X2`), before
    /// any `math.randomseed`.
    pub(crate) fn redis_initial() -> Rand48 {
        Rand48 {
            x: 0x1234_ABCD_330E,
        }
    }

    /// `redisSrand48(seed)`.
    pub(crate) fn seed(&mut self, seed: i32) {
        *self = Rand48::new(seed);
    }

    /// `redisLrand48()`: the next 31-bit value.
    pub(crate) fn next(&mut self) -> i64 {
        self.x = (A.wrapping_mul(self.x).wrapping_add(C)) & MASK;
        (self.x >> 17) as i64
    }

    /// What `math.random()` draws before scaling: a number in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() % LRAND48_MAX) as f64 / LRAND48_MAX as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first draws from the initial state and after seed 7 are those redis-server 7.0.15 gave.
    #[test]
    fn sequence_matches_redis() {
        // Checked against a fresh redis-server 7.0.15: two
        // `tostring(math.random())` give 0.39646477363839 and
        // 0.84048536971234; `math.random(100)` three times gives 40, 85, 36;
        // `math.randomseed(7)` then random(100), random(1,10), random(5)
        // gives 27, 7, 2.
        let mut r = Rand48::redis_initial();
        assert_eq!(format!("{:.14}", r.unit()), "0.39646477363839");
        assert_eq!(format!("{:.14}", r.unit()), "0.84048536971234");
        let mut r = Rand48::redis_initial();
        let draws: Vec<f64> = (0..3).map(|_| (r.unit() * 100.0).floor() + 1.0).collect();
        assert_eq!(draws, [40.0, 85.0, 36.0]);
        let mut r = Rand48::new(7);
        assert_eq!((r.unit() * 100.0).floor() + 1.0, 27.0);
        assert_eq!((r.unit() * 10.0).floor() + 1.0, 7.0);
        assert_eq!((r.unit() * 5.0).floor() + 1.0, 2.0);
    }
}

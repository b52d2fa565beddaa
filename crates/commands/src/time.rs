//! Deadlines: relative and Unix times turned into the store's clock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sharedkv_db::Instant;

/// Milliseconds since the Unix epoch by the wall clock (0 before it).
pub fn unix_now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The instant `millis` from now on the store's clock. Zero or negative is
/// now, which has already passed for the store (a deadline equal to the
/// present is expired). `None` if the clock cannot represent the instant.
pub fn deadline_in(millis: i64) -> Option<Instant> {
    let now = Instant::now();
    match u64::try_from(millis) {
        Ok(ms) => now.checked_add(Duration::from_millis(ms)),
        Err(_) => Some(now),
    }
}

/// The instant at which the wall clock will read `unix_millis`, on the
/// store's monotonic clock. A Unix time in the past maps to now (expired),
/// without underflow however far back it is. `None` if the clock cannot
/// represent the instant.
///
/// Computed to the nanosecond, so that [`unix_millis_at`] gives back
/// exactly `unix_millis` (`EXPIREAT` then `PEXPIRETIME`, as Redis, which
/// stores the Unix time itself).
pub fn deadline_at_unix(unix_millis: i64) -> Option<Instant> {
    let clocks = Clocks::now();
    let ahead = i128::from(unix_millis) * NANOS_PER_MILLI - clocks.unix_nanos;
    if ahead <= 0 {
        return Some(clocks.now);
    }
    let secs = u64::try_from(ahead / NANOS_PER_SEC).ok()?;
    let nanos = u32::try_from(ahead % NANOS_PER_SEC).ok()?;
    clocks.now.checked_add(Duration::new(secs, nanos))
}

/// The Unix time in milliseconds at which the store's clock reaches `at`,
/// rounded to the nearest millisecond: a deadline that
/// [`deadline_at_unix`] made gives back its Unix time exactly, even though
/// the two clocks are read at slightly different moments.
pub fn unix_millis_at(at: Instant) -> i64 {
    let clocks = Clocks::now();
    let offset = if at >= clocks.now {
        nanos_i128(at.duration_since(clocks.now))
    } else {
        -nanos_i128(clocks.now.duration_since(at))
    };
    let nanos = clocks.unix_nanos + offset;
    let millis = (nanos + NANOS_PER_MILLI / 2).div_euclid(NANOS_PER_MILLI);
    i64::try_from(millis).unwrap_or(if millis < 0 { i64::MIN } else { i64::MAX })
}

const NANOS_PER_MILLI: i128 = 1_000_000;
const NANOS_PER_SEC: i128 = 1_000_000_000;

fn nanos_i128(d: Duration) -> i128 {
    i128::try_from(d.as_nanos()).unwrap_or(i128::MAX)
}

/// The wall clock and the store's clock read together, to translate one
/// into the other.
///
/// A thread can be descheduled between two clock reads, which would skew
/// the pair by however long it waited (milliseconds, on a busy machine). So
/// the wall clock is read between two reads of the store's clock and paired
/// with their midpoint, and a pair whose reads lie more than
/// [`Clocks::TIGHT`] apart is read again, keeping the tightest of a few.
#[derive(Clone, Copy, Debug)]
struct Clocks {
    /// Nanoseconds since the Unix epoch (negative before it).
    unix_nanos: i128,
    /// The store's clock at the same moment.
    now: Instant,
}

impl Clocks {
    /// How far apart the reads of a pair may be to be used at once.
    const TIGHT: Duration = Duration::from_micros(20);
    /// How many pairs are read at most.
    const TRIES: usize = 8;

    fn now() -> Clocks {
        let mut best: Option<(Duration, Clocks)> = None;
        for _ in 0..Self::TRIES {
            let before = Instant::now();
            let unix_nanos = match SystemTime::now().duration_since(UNIX_EPOCH) {
                Ok(since) => nanos_i128(since),
                Err(before) => -nanos_i128(before.duration()),
            };
            let after = Instant::now();
            let window = after.saturating_duration_since(before);
            let clocks = Clocks {
                unix_nanos,
                now: before + window / 2,
            };
            if window <= Self::TIGHT {
                return clocks;
            }
            if best.is_none_or(|(tightest, _)| window < tightest) {
                best = Some((window, clocks));
            }
        }
        best.map_or_else(
            || Clocks {
                unix_nanos: i128::from(unix_now_millis()) * NANOS_PER_MILLI,
                now: Instant::now(),
            },
            |(_, clocks)| clocks,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative deadlines never panic: past ones are now, huge ones are far off or refused.
    #[test]
    fn deadlines_at_the_extremes() {
        let before = Instant::now();
        assert!(deadline_in(i64::MIN).is_some_and(|at| at >= before));
        assert!(deadline_in(0).is_some_and(|at| at >= before));
        assert!(deadline_at_unix(1).is_some_and(|at| at <= Instant::now()));
        assert!(deadline_at_unix(i64::MAX).is_none_or(|at| at > before));
        assert!(deadline_at_unix(i64::MIN).is_some_and(|at| at <= Instant::now()));
    }

    /// A Unix time turned into a deadline and back is the same millisecond,
    /// far off and near, as Redis's `PEXPIRETIME` gives back `PEXPIREAT`'s.
    #[test]
    fn unix_times_round_trip() {
        let now = unix_now_millis();
        for when in [
            now + 1,
            now + 999,
            now + 86_400_000,
            4_000_000_000_001,
            i64::MAX / 2,
            i64::MAX,
        ] {
            for _ in 0..1000 {
                let at = deadline_at_unix(when).expect("representable");
                assert_eq!(unix_millis_at(at), when);
            }
        }
        let soon = unix_millis_at(deadline_in(5_000).expect("representable"));
        assert!((soon - unix_now_millis() - 5_000).abs() <= 5);
    }
}

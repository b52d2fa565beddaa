//! Deadlines: relative and Unix times turned into the store's clock.

use std::sync::{LazyLock, Mutex, PoisonError};
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
/// Computed to the nanosecond in one frame (see `Clocks`), so that
/// [`unix_millis_at`] gives back exactly `unix_millis`, as Redis's
/// `PEXPIRETIME` gives back what `PEXPIREAT` stored.
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
/// rounded to the nearest millisecond.
pub fn unix_millis_at(at: Instant) -> i64 {
    let clocks = Clocks::now();
    let nanos = clocks.unix_nanos + signed_nanos(at.into_std(), clocks.now.into_std());
    let millis = (nanos + NANOS_PER_MILLI / 2).div_euclid(NANOS_PER_MILLI);
    i64::try_from(millis).unwrap_or(if millis < 0 { i64::MIN } else { i64::MAX })
}

const NANOS_PER_MILLI: i128 = 1_000_000;
const NANOS_PER_SEC: i128 = 1_000_000_000;

/// `a - b` in nanoseconds.
fn signed_nanos(a: std::time::Instant, b: std::time::Instant) -> i128 {
    let nanos = |d: Duration| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX);
    if a >= b {
        nanos(a.duration_since(b))
    } else {
        -nanos(b.duration_since(a))
    }
}

/// Nanoseconds since the Unix epoch by the wall clock (negative before it).
fn wall_nanos() -> i128 {
    let nanos = |d: Duration| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX);
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => nanos(since),
        Err(before) => -nanos(before.duration()),
    }
}

/// One moment on both clocks: the Unix time and the store's clock, to
/// translate one into the other.
///
/// Reading the two clocks at each translation would put the gap between
/// the reads into every result, and that gap is not always small: a thread
/// descheduled between them waits a scheduler tick (4 ms was measured on a
/// busy machine). So the pairing is done once per process ([`ANCHOR`], the
/// median of a few samples) and every translation is arithmetic from it: a
/// Unix time turned into a deadline and back is exact. The wall clock is
/// still read each time, to notice a step (a correction of more than
/// [`Anchor::STEP`]), after which the pairing is done again.
///
/// When the store's clock does not follow the system's (tokio's paused test
/// clock), the store's present is paired with the wall clock's present
/// instead, so that Unix times count from the store's now, as relative
/// times do.
#[derive(Clone, Copy, Debug)]
struct Clocks {
    /// Nanoseconds since the Unix epoch (negative before it).
    unix_nanos: i128,
    /// The store's clock at the same moment.
    now: Instant,
}

impl Clocks {
    fn now() -> Clocks {
        // The store's clock follows the system's unless tokio's test clock
        // is paused: then its present lies outside a window of two reads
        // of the system's clock around it, however long that window is.
        let before = std::time::Instant::now();
        let now = Instant::now();
        let after = std::time::Instant::now();
        let wall = wall_nanos();
        if !(before..=after).contains(&now.into_std()) {
            return Clocks {
                unix_nanos: wall,
                now,
            };
        }
        let mut anchor = ANCHOR.lock().unwrap_or_else(PoisonError::into_inner);
        let mut unix_nanos = anchor.unix_nanos_at(now.into_std());
        if (wall - unix_nanos).abs() > Anchor::STEP {
            *anchor = Anchor::sample();
            unix_nanos = anchor.unix_nanos_at(now.into_std());
        }
        Clocks { unix_nanos, now }
    }
}

/// The pairing of the wall clock with the system's monotonic clock that
/// [`Clocks`] translates with.
static ANCHOR: LazyLock<Mutex<Anchor>> = LazyLock::new(|| Mutex::new(Anchor::sample()));

/// One moment on the wall clock and on the system's monotonic clock.
#[derive(Clone, Copy, Debug)]
struct Anchor {
    unix_nanos: i128,
    at: std::time::Instant,
}

impl Anchor {
    /// A disagreement with the wall clock larger than this is a step of the
    /// wall clock (NTP slews both clocks alike; only a step parts them).
    const STEP: i128 = 250 * NANOS_PER_MILLI;
    /// How many samples the pairing takes the median of, and how far apart.
    const SAMPLES: usize = 5;
    const SPACING: Duration = Duration::from_micros(100);

    /// The Unix time at `at`, in nanoseconds.
    fn unix_nanos_at(self, at: std::time::Instant) -> i128 {
        self.unix_nanos + signed_nanos(at, self.at)
    }

    /// Pairs the clocks: each sample reads the wall clock between two reads
    /// of the monotonic one and takes their midpoint; samples lie
    /// [`SPACING`](Self::SPACING) apart, so that one odd reading is outvoted.
    fn sample() -> Anchor {
        let first = std::time::Instant::now();
        let mut samples: Vec<Anchor> = (0..Self::SAMPLES)
            .map(|i| {
                let due = first + Self::SPACING * u32::try_from(i).unwrap_or(0);
                while std::time::Instant::now() < due {
                    std::hint::spin_loop();
                }
                let before = std::time::Instant::now();
                let unix_nanos = wall_nanos();
                let after = std::time::Instant::now();
                Anchor {
                    unix_nanos,
                    at: before + after.saturating_duration_since(before) / 2,
                }
            })
            .collect();
        // Compare the samples by what each says the Unix time was at `first`.
        samples.sort_by_key(|s| s.unix_nanos - signed_nanos(s.at, first));
        samples[Self::SAMPLES / 2]
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
        for _ in 0..1000 {
            let now = unix_now_millis();
            for when in [
                now + 10_000,
                now + 86_400_000,
                4_000_000_000_001,
                i64::MAX / 2,
                i64::MAX,
            ] {
                let at = deadline_at_unix(when).expect("representable");
                assert_eq!(unix_millis_at(at), when);
            }
        }
        let soon = unix_millis_at(deadline_in(5_000).expect("representable"));
        assert!((soon - unix_now_millis() - 5_000).abs() <= 5);
        let past = unix_millis_at(deadline_at_unix(1).expect("now"));
        assert!((past - unix_now_millis()).abs() <= 5, "a past time is now");
    }

    /// Under tokio's paused clock, Unix times count from the store's present,
    /// as relative times do, however far the clock was advanced.
    #[tokio::test(start_paused = true)]
    async fn unix_times_follow_a_paused_clock() {
        tokio::time::advance(Duration::from_secs(3600)).await;
        let at = deadline_at_unix(unix_now_millis() + 5_000).expect("representable");
        let ahead = at.saturating_duration_since(Instant::now());
        assert!(ahead <= Duration::from_secs(5) && ahead > Duration::from_millis(4_900));
        let unix = unix_millis_at(Instant::now() + Duration::from_secs(5));
        assert!((unix - unix_now_millis() - 5_000).abs() <= 100);
    }
}

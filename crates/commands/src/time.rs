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
/// without underflow however far back it is.
pub fn deadline_at_unix(unix_millis: i64) -> Option<Instant> {
    deadline_in(unix_millis.saturating_sub(unix_now_millis()))
}

/// The Unix time in milliseconds at which the store's clock reaches `at`.
pub fn unix_millis_at(at: Instant) -> i64 {
    let now = Instant::now();
    let now_unix = unix_now_millis();
    if at >= now {
        let ahead = i64::try_from(at.duration_since(now).as_millis()).unwrap_or(i64::MAX);
        now_unix.saturating_add(ahead)
    } else {
        let behind = i64::try_from(now.duration_since(at).as_millis()).unwrap_or(i64::MAX);
        now_unix.saturating_sub(behind)
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
    }
}

//! `500ms`, `10s`, `2m`: the durations the command line accepts.

use std::time::Duration;

/// Parses a duration written as a number and a unit: `ms`, `s`, `m` or `h`
/// (`250ms`, `10s`, `1.5s`, `2m`, `1h`). A bare number means seconds.
/// Negative, non-finite and absurdly large values are rejected.
///
/// ```
/// # use std::time::Duration;
/// use sharedkv_loadgen::parse_duration;
/// assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
/// assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit_secs = match unit.trim() {
        "ms" => 0.001,
        "" | "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?} (use ms, s, m or h, e.g. 500ms, 10s, 2m)"
            ));
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (e.g. 500ms, 10s, 2m)"))?;
    Duration::try_from_secs_f64(value * unit_secs)
        .ok()
        .filter(|d| *d <= Duration::from_secs(365 * 24 * 3600))
        .ok_or_else(|| format!("{text:?} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every unit parses, fractions included, and a bare number is seconds.
    #[test]
    fn parses_units() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
    }

    /// Junk, unknown units and negative numbers are errors, not panics.
    #[test]
    fn rejects_junk() {
        for bad in ["", "s", "10x", "-1s", "1..2s", "ten", "1e400s", "99999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} parsed");
        }
    }
}

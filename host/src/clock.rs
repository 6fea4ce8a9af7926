//! Wall-clock time as azlin stores it: milliseconds since the Unix epoch
//! (cache entries' expiry, performance counters, `host-info.now-ms`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch; 0 for a clock set before it.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64
}

/// The longest time azlin waits for or keeps anything: longer settings
/// mean "never" in practice, and adding them to an instant cannot overflow.
pub const LONGEST: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// `value` seconds from a setting or policy: zero for a negative number or
/// NaN, at most [`LONGEST`] (std's conversion panics on huge values).
pub fn seconds(value: f64) -> Duration {
    match Duration::try_from_secs_f64(value) {
        Ok(duration) => duration.min(LONGEST),
        Err(_) if value > 0.0 => LONGEST,
        Err(_) => Duration::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_never_panic_and_stay_within_bounds() {
        assert_eq!(seconds(1.5), Duration::from_millis(1500));
        assert_eq!(seconds(1e300), LONGEST);
        assert_eq!(seconds(f64::INFINITY), LONGEST);
        assert_eq!(seconds(-3.0), Duration::ZERO);
        assert_eq!(seconds(f64::NAN), Duration::ZERO);
    }
}

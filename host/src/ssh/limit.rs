//! How long opening one connection may take: the configured
//! `connect_timeout`, or less once the pool has seen how fast hosts answer.

use std::fmt;
use std::time::Duration;

/// Handshakes seen before the pool adapts: fewer could be one lucky host.
const MIN_SAMPLES: usize = 3;

/// How many times the fleet's handshake time a host may take. Hosts of one
/// fleet answer within a few times of each other (one busy, one just
/// booted, one behind a slower link); ten times leaves room for them all
/// and still gives up on a silent host long before `connect_timeout`.
const MULTIPLE: u32 = 10;

/// The least the pool waits, however fast the others were. A handshake is
/// about five round trips (TCP, banners, key exchange, service request,
/// login), so a VM in another region, 300 ms away, needs ~1.5 s even when
/// every host seen so far answered in 20 ms.
const FLOOR: Duration = Duration::from_secs(2);

/// How long opening a connection may take, and what that figure rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectLimit {
    /// The limit itself.
    pub after: Duration,
    /// The configured `connect_timeout`: the most the limit can be.
    pub configured: Duration,
    /// The handshake time the limit was adapted to (the 90th percentile of
    /// those seen), or `None` before there were enough to go by.
    pub observed: Option<Duration>,
}

impl ConnectLimit {
    /// The configured limit, used until enough handshakes were seen.
    pub fn configured(configured: Duration) -> Self {
        ConnectLimit {
            after: configured,
            configured,
            observed: None,
        }
    }

    /// The limit for a fleet whose handshakes took `samples`: ten times
    /// their 90th percentile, at least [`FLOOR`], at most `configured`.
    pub(crate) fn adapted(samples: &[Duration], configured: Duration) -> Self {
        if samples.len() < MIN_SAMPLES {
            return ConnectLimit::configured(configured);
        }
        let observed = percentile_90(samples);
        ConnectLimit {
            after: (observed * MULTIPLE).max(FLOOR).min(configured),
            configured,
            observed: Some(observed),
        }
    }

    /// Whether the limit is below the configured one.
    pub fn is_adapted(&self) -> bool {
        self.after < self.configured
    }
}

/// Reads as `1.5 s (10× the 150 ms the other hosts took, …)`, or as
/// `10 s (connect_timeout)` when not adapted.
impl fmt::Display for ConnectLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.observed {
            Some(observed) if self.is_adapted() => write!(
                f,
                "{} ({MULTIPLE}× the {} the other hosts took, at least {}; connect_timeout = {} is the most)",
                short(self.after),
                short(observed),
                short(FLOOR),
                short(self.configured)
            ),
            _ => write!(f, "{} (connect_timeout)", short(self.after)),
        }
    }
}

/// The nearest-rank 90th percentile: a few slow hosts raise it, while with
/// under ten samples it is the slowest of them.
fn percentile_90(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let rank = (sorted.len() * 9).div_ceil(10).max(1);
    sorted[rank - 1]
}

/// `150 ms` below a second, else seconds to a tenth: `1.5 s`, `60 s`.
pub(crate) fn short(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        return format!("{} ms", duration.as_millis());
    }
    let tenths = (duration.as_millis() + 50) / 100;
    match tenths % 10 {
        0 => format!("{} s", tenths / 10),
        tenth => format!("{}.{tenth} s", tenths / 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIGURED: Duration = Duration::from_secs(60);

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().copied().map(Duration::from_millis).collect()
    }

    #[test]
    fn too_few_handshakes_leave_the_configured_limit() {
        for samples in [ms(&[]), ms(&[150, 150])] {
            let limit = ConnectLimit::adapted(&samples, CONFIGURED);
            assert_eq!(limit, ConnectLimit::configured(CONFIGURED));
            assert!(!limit.is_adapted());
        }
    }

    #[test]
    fn enough_handshakes_give_ten_times_their_90th_percentile() {
        let limit = ConnectLimit::adapted(&ms(&[150, 120, 300]), CONFIGURED);
        assert_eq!(limit.observed, Some(Duration::from_millis(300)));
        assert_eq!(limit.after, Duration::from_secs(3));

        // Among twenty, the two slowest are past the 90th percentile.
        let mut twenty = vec![200; 18];
        twenty.extend([5_000, 9_000]);
        let limit = ConnectLimit::adapted(&ms(&twenty), CONFIGURED);
        assert_eq!(limit.observed, Some(Duration::from_millis(200)));
        assert!(limit.is_adapted());
    }

    #[test]
    fn the_adapted_limit_stays_between_the_floor_and_connect_timeout() {
        let fast = ConnectLimit::adapted(&ms(&[20, 30, 40]), CONFIGURED);
        assert_eq!(fast.after, FLOOR);
        let slow = ConnectLimit::adapted(&ms(&[8_000, 9_000, 9_000]), CONFIGURED);
        assert_eq!(slow.after, CONFIGURED);
        assert!(!slow.is_adapted());
        let tight = Duration::from_secs(1);
        assert_eq!(
            ConnectLimit::adapted(&ms(&[20, 30, 40]), tight).after,
            tight
        );
    }

    #[test]
    fn the_limit_says_what_it_was_adapted_to() {
        let adapted = ConnectLimit::adapted(&ms(&[150, 150, 250]), CONFIGURED);
        assert_eq!(
            adapted.to_string(),
            "2.5 s (10× the 250 ms the other hosts took, at least 2 s; connect_timeout = 60 s is the most)"
        );
        assert_eq!(
            ConnectLimit::configured(Duration::from_secs(10)).to_string(),
            "10 s (connect_timeout)"
        );
    }
}

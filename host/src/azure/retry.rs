//! When to try an ARM request again: on 408, 429 and 5xx, after the server's
//! `Retry-After` or an exponential backoff with jitter, within a total bound.

use rand::Rng;
use std::time::Duration;

/// Retry settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Delay before the first retry; doubles each time.
    pub base_delay: Duration,
    /// Longest single delay.
    pub max_delay: Duration,
    /// Total time after which no further attempt starts.
    pub total: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            total: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Whether an answer with `status` is worth retrying.
    pub fn retryable(status: u16) -> bool {
        status == 408 || status == 429 || (500..=599).contains(&status)
    }

    /// The pause before attempt `attempt + 1` (attempt counts from 1): the
    /// server's `retry_after` if given, else exponential with full jitter.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let exponential = self
            .base_delay
            .saturating_mul(1 << attempt.saturating_sub(1).min(16));
        let ceiling = exponential.min(self.max_delay);
        let jittered = rand::rng().random_range(ceiling / 2..=ceiling);
        jittered.max(Duration::from_millis(1))
    }
}

/// Reads a `Retry-After` header value in seconds.
pub fn retry_after(value: Option<&str>) -> Option<Duration> {
    value?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_timeouts_and_server_errors_are_retried() {
        for status in [408, 429, 500, 503] {
            assert!(RetryPolicy::retryable(status), "{status}");
        }
        for status in [400, 401, 403, 404, 409] {
            assert!(!RetryPolicy::retryable(status), "{status}");
        }
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(600))),
            policy.max_delay
        );
    }

    #[test]
    fn backoff_grows_and_stays_within_its_ceiling() {
        let policy = RetryPolicy::default();
        for attempt in 1..10 {
            let ceiling = policy
                .base_delay
                .saturating_mul(1 << (attempt - 1))
                .min(policy.max_delay);
            let delay = policy.delay(attempt, None);
            assert!(
                delay <= ceiling && delay >= ceiling / 2,
                "attempt {attempt}: {delay:?}"
            );
        }
    }
}

//! Latencies in fixed logarithmic buckets: bounded space whatever the count,
//! quantiles within one bucket's width (10 %).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Each bucket is this much wider than the one below it.
const GROWTH: f64 = 1.1;
/// Buckets above the last are counted in it: 1.1^220 µs is about 22 minutes.
const LAST: u16 = 220;

/// Counts of latencies per bucket; bucket `i` holds durations up to
/// `GROWTH^i` microseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    buckets: BTreeMap<u16, u64>,
}

impl Histogram {
    /// Counts one duration.
    pub fn record(&mut self, elapsed: Duration) {
        *self.buckets.entry(bucket(elapsed)).or_default() += 1;
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &Histogram) {
        for (bucket, count) in &other.buckets {
            *self.buckets.entry(*bucket).or_default() += count;
        }
    }

    /// The duration below which a fraction `q` of the counts lie (the upper
    /// edge of the bucket that holds it); `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<Duration> {
        let total: u64 = self.buckets.values().sum();
        if total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (bucket, count) in &self.buckets {
            seen += count;
            if seen >= rank {
                return Some(upper_edge(*bucket));
            }
        }
        self.buckets.keys().last().map(|bucket| upper_edge(*bucket))
    }
}

fn bucket(elapsed: Duration) -> u16 {
    let micros = elapsed.as_secs_f64() * 1e6;
    if micros <= 1.0 {
        return 0;
    }
    (micros.ln() / GROWTH.ln()).ceil().min(f64::from(LAST)) as u16
}

fn upper_edge(bucket: u16) -> Duration {
    Duration::from_secs_f64(GROWTH.powi(i32::from(bucket)) / 1e6)
}

#[cfg(test)]
mod tests {
    use super::Histogram;
    use std::time::Duration;

    #[test]
    fn quantiles_fall_within_a_bucket_of_the_truth() {
        let mut histogram = Histogram::default();
        for millis in 1..=100 {
            histogram.record(Duration::from_millis(millis));
        }
        let p50 = histogram.quantile(0.5).expect("counts").as_secs_f64() * 1e3;
        let p95 = histogram.quantile(0.95).expect("counts").as_secs_f64() * 1e3;
        assert!((50.0..=55.0).contains(&p50), "p50 {p50}");
        assert!((95.0..=104.5).contains(&p95), "p95 {p95}");
        assert_eq!(Histogram::default().quantile(0.5), None);
    }

    #[test]
    fn merging_adds_counts() {
        let (mut a, mut b) = (Histogram::default(), Histogram::default());
        a.record(Duration::from_millis(1));
        b.record(Duration::from_secs(1));
        a.merge(&b);
        assert!(a.quantile(1.0).expect("counts") >= Duration::from_secs(1));
        assert!(a.quantile(0.5).expect("counts") < Duration::from_millis(2));
    }
}

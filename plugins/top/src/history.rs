//! What `top` remembers between snapshots: each host's last CPU counters
//! (CPU % is the busy share since then) and its recent CPU % for a sparkline.

use crate::sample::{CpuTicks, Sample};
use std::collections::{HashMap, VecDeque};

/// CPU % values kept per host for the sparkline.
const KEPT: usize = 30;
/// Sparkline levels, lowest first.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Per-host memory of earlier snapshots, by host label.
#[derive(Debug, Default)]
pub struct History {
    hosts: HashMap<String, Host>,
}

#[derive(Debug, Default)]
struct Host {
    ticks: Option<CpuTicks>,
    percents: VecDeque<f64>,
}

impl History {
    /// Whether `label` has CPU counters from an earlier snapshot.
    pub fn knows(&self, label: &str) -> bool {
        self.hosts
            .get(label)
            .is_some_and(|host| host.ticks.is_some())
    }

    /// Records `sample` for `label`; returns its CPU %, measured since the
    /// host's previous reading (or the one the same command took first).
    pub fn record(&mut self, label: &str, sample: &Sample) -> Option<f64> {
        let host = self.hosts.entry(label.to_string()).or_default();
        let earlier = sample.cpu_before.or(host.ticks);
        host.ticks = Some(sample.cpu);
        let percent = sample.cpu.percent_since(earlier?)?;
        if host.percents.len() == KEPT {
            host.percents.pop_front();
        }
        host.percents.push_back(percent);
        Some(percent)
    }

    /// Forgets `label`'s counters (it did not answer), keeping its sparkline.
    pub fn lost(&mut self, label: &str) {
        if let Some(host) = self.hosts.get_mut(label) {
            host.ticks = None;
        }
    }

    /// `label`'s recent CPU % as a sparkline, oldest first.
    pub fn sparkline(&self, label: &str) -> String {
        let Some(host) = self.hosts.get(label) else {
            return String::new();
        };
        host.percents
            .iter()
            .map(|percent| {
                let level = (percent.clamp(0.0, 100.0) / 100.0 * 7.0).round() as usize;
                BARS[level]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(busy: u64, total: u64) -> Sample {
        Sample {
            load: [0.0; 3],
            tasks: None,
            cpu: CpuTicks { busy, total },
            cpu_before: None,
            mem_total_kib: 1,
            mem_available_kib: 1,
            cores: None,
            top_process: None,
        }
    }

    #[test]
    fn cpu_percent_is_measured_from_the_previous_snapshot() {
        let mut history = History::default();
        assert_eq!(history.record("a", &sample(10, 100)), None);
        assert!(history.knows("a"));
        assert_eq!(history.record("a", &sample(60, 200)), Some(50.0));
        assert_eq!(history.record("a", &sample(60, 300)), Some(0.0));
        assert_eq!(history.sparkline("a"), "▅▁");
    }

    #[test]
    fn a_host_that_did_not_answer_starts_its_counters_afresh() {
        let mut history = History::default();
        history.record("a", &sample(10, 100));
        history.lost("a");
        assert!(!history.knows("a"));
        assert_eq!(history.record("a", &sample(90, 200)), None);
    }
}

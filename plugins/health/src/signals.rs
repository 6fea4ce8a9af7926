//! One VM's golden signals from one shell command that only reads /proc,
//! df and systemd (tagged lines, so a login banner cannot confuse it), and
//! the verdict drawn from them.

use azlin_sdk::saturation::{self, Saturation};

/// Load and cores; with [`saturation::COMMAND`] after it and failed units
/// ([`FAILED_UNITS`]) last, the whole command ([`command`]).
const LOAD: &str = "echo L $(cat /proc/loadavg); echo N $(getconf _NPROCESSORS_ONLN 2>/dev/null)";

/// systemd units in the failed state (none without systemd).
const FAILED_UNITS: &str =
    "echo F $(systemctl --failed --no-legend --plain 2>/dev/null | wc -l); true";

/// The one command run on each VM: load, cores, CPU, memory, root disk,
/// failed units.
pub fn command() -> String {
    [LOAD, saturation::COMMAND, FAILED_UNITS].join("; ")
}

/// What one VM reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signals {
    /// 1-minute load average.
    pub load: Option<f64>,
    /// Online CPUs as the VM sees them.
    pub cpus: Option<u32>,
    /// CPU (over the command's 0.2 s), memory and root-disk use.
    pub saturation: Saturation,
    /// systemd units in the failed state (0 without systemd).
    pub failed_units: Option<u32>,
}

/// How a VM is doing, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Unreachable,
    Critical,
    Warning,
    Ok,
}

impl Verdict {
    /// The word shown in the Status column.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Unreachable => "unreachable",
            Verdict::Critical => "critical",
            Verdict::Warning => "warning",
            Verdict::Ok => "ok",
        }
    }
}

/// Saturation (CPU, memory, disk) from this share on is a warning…
const WARN_PERCENT: f64 = 80.0;
/// …and from this one critical.
const CRITICAL_PERCENT: f64 = 95.0;

impl Signals {
    /// Load per CPU: 1 means every CPU had a runnable task on average.
    pub fn load_per_cpu(&self, fallback_cpus: Option<u32>) -> Option<f64> {
        let cpus = self.cpus.or(fallback_cpus).filter(|&n| n > 0)?;
        Some(self.load? / f64::from(cpus))
    }

    /// Critical past 95 % saturation or twice as many runnable tasks as
    /// CPUs; a warning past 80 %, one task per CPU, or a failed unit.
    pub fn verdict(&self, fallback_cpus: Option<u32>) -> Verdict {
        let Saturation {
            cpu_percent,
            mem_percent,
            disk_percent,
        } = self.saturation;
        let saturation = [cpu_percent, mem_percent, disk_percent]
            .into_iter()
            .flatten()
            .fold(0.0_f64, f64::max);
        let load = self.load_per_cpu(fallback_cpus).unwrap_or(0.0);
        if saturation >= CRITICAL_PERCENT || load >= 2.0 {
            Verdict::Critical
        } else if saturation >= WARN_PERCENT || load >= 1.0 || self.failed_units.unwrap_or(0) > 0 {
            Verdict::Warning
        } else {
            Verdict::Ok
        }
    }
}

/// Parses [`command`]'s output; lines it does not know are ignored.
pub fn parse(output: &str) -> Signals {
    let mut signals = Signals {
        saturation: saturation::parse(output),
        ..Signals::default()
    };
    for line in output.lines() {
        let Some((tag, rest)) = line.split_once(' ') else {
            continue;
        };
        let first = rest.split_whitespace().next();
        match tag {
            "L" => signals.load = first.and_then(|n| n.parse().ok()),
            "N" => signals.cpus = first.and_then(|n| n.parse().ok()),
            "F" => signals.failed_units = first.and_then(|n| n.parse().ok()),
            _ => {}
        }
    }
    signals
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEALTHY: &str = "L 0.50 0.40 0.30 1/100 42\nN 2\nS0 cpu 100 0 100 800 0 0 0 0\n\
         S1 cpu 110 0 110 980 0 0 0 0\nMemTotal: 1000 kB\nMemAvailable: 600 kB\n\
         D /dev/root 100 38 62 38% /\nF 0\n";

    #[test]
    fn the_signals_are_read_from_tagged_lines() {
        let signals = parse(HEALTHY);
        assert_eq!(signals.load, Some(0.5));
        assert_eq!(signals.cpus, Some(2));
        assert_eq!(signals.saturation.cpu_percent, Some(10.0));
        assert_eq!(signals.saturation.mem_percent, Some(40.0));
        assert_eq!(signals.saturation.disk_percent, Some(38.0));
        assert_eq!(signals.failed_units, Some(0));
        assert_eq!(signals.load_per_cpu(None), Some(0.25));
        assert_eq!(signals.verdict(None), Verdict::Ok);
    }

    #[test]
    fn saturation_load_and_failed_units_raise_the_verdict() {
        let base = parse(HEALTHY);
        let full_disk = Signals {
            saturation: Saturation {
                disk_percent: Some(97.0),
                ..base.saturation
            },
            ..base.clone()
        };
        assert_eq!(full_disk.verdict(None), Verdict::Critical);
        let busy = Signals {
            load: Some(2.5),
            ..base.clone()
        };
        assert_eq!(busy.verdict(None), Verdict::Warning);
        let failed = Signals {
            failed_units: Some(1),
            ..base
        };
        assert_eq!(failed.verdict(None), Verdict::Warning);
    }
}

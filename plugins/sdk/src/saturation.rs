//! How full a Linux VM is: CPU busy over 0.2 s, memory and root disk in use,
//! read by one shell snippet that prints tagged lines (`S0`, `S1`,
//! `MemTotal:`, `MemAvailable:`, `D`), so a login banner cannot confuse the
//! parse. Plugins add the snippet to their own remote command.

/// The snippet: CPU counters 0.2 s apart (CPU % now, not since boot), memory,
/// and the root file system's use.
pub const COMMAND: &str = "echo S0 $(head -n1 /proc/stat); sleep 0.2; echo S1 $(head -n1 /proc/stat); \
     grep -E '^(MemTotal|MemAvailable):' /proc/meminfo; echo D $(df -P / | tail -n1)";

/// What [`COMMAND`] reported, each in percent; `None` where its line was
/// missing or malformed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Saturation {
    pub cpu_percent: Option<f64>,
    pub mem_percent: Option<f64>,
    /// Use of the root file system, as `df` reports it.
    pub disk_percent: Option<f64>,
}

/// Reads [`COMMAND`]'s lines out of `output`; other lines are ignored.
pub fn parse(output: &str) -> Saturation {
    let (mut before, mut after) = (None, None);
    let (mut total, mut available) = (None, None);
    let mut disk_percent = None;
    for line in output.lines() {
        let Some((tag, rest)) = line.split_once(' ') else {
            continue;
        };
        match tag {
            "S0" => before = ticks(rest),
            "S1" => after = ticks(rest),
            "MemTotal:" => total = kib(rest),
            "MemAvailable:" => available = kib(rest),
            "D" => disk_percent = capacity(rest),
            _ => {}
        }
    }
    Saturation {
        cpu_percent: busy_percent(before, after),
        mem_percent: used_percent(total, available),
        disk_percent,
    }
}

/// Busy and total ticks of a `/proc/stat` `cpu` line (idle and iowait are
/// not busy; guest time is inside user).
fn ticks(line: &str) -> Option<(u64, u64)> {
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    if fields.len() < 4 {
        return None;
    }
    // user nice system idle iowait irq softirq steal
    let total: u64 = fields.iter().take(8).sum();
    let idle = fields[3] + fields.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

fn busy_percent(before: Option<(u64, u64)>, after: Option<(u64, u64)>) -> Option<f64> {
    let ((busy0, total0), (busy1, total1)) = before.zip(after)?;
    (total1 > total0).then(|| busy1.saturating_sub(busy0) as f64 * 100.0 / (total1 - total0) as f64)
}

fn used_percent(total: Option<u64>, available: Option<u64>) -> Option<f64> {
    let (total, available) = total.zip(available)?;
    (total > 0).then(|| total.saturating_sub(available) as f64 * 100.0 / total as f64)
}

fn kib(rest: &str) -> Option<u64> {
    rest.split_whitespace().next()?.parse().ok()
}

/// The `Capacity` field (`37%`) of a `df -P` line.
fn capacity(line: &str) -> Option<f64> {
    line.split_whitespace()
        .find_map(|field| field.strip_suffix('%'))
        .and_then(|number| number.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_memory_and_disk_are_read_from_tagged_lines_in_any_order() {
        let output = "Welcome!\nD /dev/root 30308240 11264424 19027432 38% /\n\
             S0 cpu 100 0 100 800 0 0 0 0 0 0\nMemTotal:       1000 kB\n\
             MemAvailable:    250 kB\nS1 cpu 150 0 150 900 0 0 0 0 0 0\n";
        let read = parse(output);
        assert_eq!(read.cpu_percent, Some(50.0));
        assert_eq!(read.mem_percent, Some(75.0));
        assert_eq!(read.disk_percent, Some(38.0));
    }

    #[test]
    fn missing_or_malformed_lines_give_none_not_a_guess() {
        assert_eq!(
            parse("S0 cpu 1 2 3 4\nMemTotal: 0 kB\nD no-percent\n"),
            Saturation::default()
        );
        let stalled = parse("S0 cpu 1 0 1 8\nS1 cpu 1 0 1 8\n");
        assert_eq!(stalled.cpu_percent, None, "no ticks passed");
        assert_eq!(parse("S0 cpu x y\nS1 cpu 1 0 1 8\n").cpu_percent, None);
    }
}

//! What `list` reads on each running VM for its optional columns: one shell
//! command per VM (tmux sessions, and with `--with-health` / `--show-procs`
//! readings of /proc and df), each line tagged so the parser need not trust
//! line order or what a login shell prints first.

/// Which readings the probe takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wanted {
    pub tmux: bool,
    pub health: bool,
    pub procs: bool,
}

impl Wanted {
    /// Whether anything needs a command on the VMs at all.
    pub fn any(self) -> bool {
        self.tmux || self.health || self.procs
    }
}

/// tmux sessions, one `T name` line each; no tmux server (or no tmux) prints
/// nothing. The tmux client is started only where a server's socket exists
/// (`tmux-<uid>/default` under `$TMUX_TMPDIR`, else `/tmp`, where tmux puts
/// it): on a VM with no sessions the probe starts no process of its own.
const TMUX: &str = "for s in \"${TMUX_TMPDIR:-/tmp}\"/tmux-*/default; do \
     test -S \"$s\" && { tmux list-sessions -F 'T #{session_name}'; break; }; done 2>/dev/null";

/// CPU counters 0.2 s apart (CPU % now, not since boot), memory, the root
/// file system's use, and whether the Azure VM agent (waagent) runs (the
/// brackets keep the pattern from matching this very command line).
const HEALTH: &str = "echo S0 $(head -n1 /proc/stat); sleep 0.2; echo S1 $(head -n1 /proc/stat); \
     grep -E '^(MemTotal|MemAvailable):' /proc/meminfo; echo D $(df -P / | tail -n1); \
     if pgrep -f '[w]aagent|[W]ALinuxAgent' >/dev/null 2>&1; then echo A running; else echo A stopped; fi";

/// Processes running now.
const PROCS: &str = "echo P $(ps -e --no-headers | wc -l)";

/// The command for `wanted`; it always exits 0 so a missing tmux is no failure.
pub fn command(wanted: Wanted) -> String {
    let mut parts = Vec::new();
    if wanted.tmux {
        parts.push(TMUX);
    }
    if wanted.health {
        parts.push(HEALTH);
    }
    if wanted.procs {
        parts.push(PROCS);
    }
    parts.push("true");
    parts.join("; ")
}

/// What one VM reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    pub tmux: Vec<String>,
    /// Busy share of the CPU over the probe's 0.2 s, in percent.
    pub cpu_percent: Option<f64>,
    pub mem_percent: Option<f64>,
    /// Use of the root file system, in percent, as `df` reports it.
    pub disk_percent: Option<f64>,
    /// Whether waagent runs.
    pub agent: Option<bool>,
    pub procs: Option<i64>,
}

/// Parses the probe's output; lines it does not know are ignored.
pub fn parse(output: &str) -> Reading {
    let mut reading = Reading::default();
    let (mut before, mut after) = (None, None);
    let (mut mem_total, mut mem_available) = (None, None);
    for line in output.lines() {
        let Some((tag, rest)) = line.split_once(' ') else {
            continue;
        };
        match tag {
            "T" => reading.tmux.push(rest.to_string()),
            "S0" => before = ticks(rest),
            "S1" => after = ticks(rest),
            "MemTotal:" => mem_total = kib(rest),
            "MemAvailable:" => mem_available = kib(rest),
            "D" => reading.disk_percent = disk_percent(rest),
            "A" => reading.agent = Some(rest.trim() == "running"),
            "P" => reading.procs = rest.trim().parse().ok(),
            _ => {}
        }
    }
    reading.cpu_percent = match (before, after) {
        (Some((busy0, total0)), Some((busy1, total1))) if total1 > total0 => {
            Some(busy1.saturating_sub(busy0) as f64 * 100.0 / (total1 - total0) as f64)
        }
        _ => None,
    };
    reading.mem_percent = match (mem_total, mem_available) {
        (Some(total), Some(available)) if total > 0 => {
            Some(total.saturating_sub(available) as f64 * 100.0 / total as f64)
        }
        _ => None,
    };
    reading
}

/// Busy and total ticks of a `/proc/stat` `cpu` line (idle and iowait are not busy).
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
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    let total: u64 = fields.iter().take(8).sum();
    let idle = fields[3] + fields.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

fn kib(rest: &str) -> Option<u64> {
    rest.split_whitespace().next()?.parse().ok()
}

/// The `Capacity` field (`37%`) of a `df -P` line.
fn disk_percent(line: &str) -> Option<f64> {
    line.split_whitespace()
        .find_map(|field| field.strip_suffix('%'))
        .and_then(|number| number.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_reads_only_what_is_wanted() {
        let tmux = command(Wanted {
            tmux: true,
            ..Wanted::default()
        });
        assert!(tmux.contains("tmux list-sessions"), "{tmux}");
        assert!(!tmux.contains("/proc"), "{tmux}");
        assert!(tmux.ends_with("; true"), "{tmux}");
        let all = command(Wanted {
            tmux: true,
            health: true,
            procs: true,
        });
        assert!(all.contains("df -P /") && all.contains("ps -e"), "{all}");
    }

    #[test]
    fn a_reading_is_parsed_from_tagged_lines_in_any_order() {
        let output = "Welcome!\nT main\nT work 2\nS0 cpu 100 0 100 800 0 0 0 0 0 0\n\
             MemTotal:       1000 kB\nMemAvailable:    250 kB\nS1 cpu 150 0 150 900 0 0 0 0 0 0\n\
             D /dev/root 30308240 11264424 19027432 38% /\nA stopped\nP 123\n";
        let reading = parse(output);
        assert_eq!(reading.tmux, ["main", "work 2"]);
        assert_eq!(reading.cpu_percent, Some(50.0));
        assert_eq!(reading.mem_percent, Some(75.0));
        assert_eq!(reading.disk_percent, Some(38.0));
        assert_eq!(reading.agent, Some(false));
        assert_eq!(reading.procs, Some(123));
    }

    #[test]
    fn no_tmux_server_means_no_sessions_and_no_readings() {
        assert_eq!(parse(""), Reading::default());
    }
}

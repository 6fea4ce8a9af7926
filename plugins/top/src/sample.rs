//! One reading of a VM's CPU, memory and load, from one shell command that
//! only reads `/proc` (so it costs the VM almost nothing).

/// Reads load, CPU counters, memory, core count and the busiest process.
/// Each line starts with a tag so the parser need not trust line order.
const READ: &str = "echo L $(cat /proc/loadavg); echo S $(head -n1 /proc/stat); \
     grep -E '^(MemTotal|MemAvailable):' /proc/meminfo; echo N $(grep -c '^cpu[0-9]' /proc/stat); \
     echo P $(ps -eo pcpu=,comm= --sort=-pcpu 2>/dev/null | head -n1)";

/// The command for a host: with no earlier reading, it reads the CPU
/// counters twice half a second apart so the first CPU % is current.
pub fn command(first: bool) -> String {
    if first {
        format!("echo S0 $(head -n1 /proc/stat); sleep 0.5; {READ}")
    } else {
        READ.to_string()
    }
}

/// Cumulative CPU time counters (`/proc/stat`'s first line), in ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTicks {
    pub busy: u64,
    pub total: u64,
}

impl CpuTicks {
    /// Busy share of the time between `earlier` and `self`, in percent.
    pub fn percent_since(self, earlier: CpuTicks) -> Option<f64> {
        let total = self.total.checked_sub(earlier.total)?;
        let busy = self.busy.checked_sub(earlier.busy)?;
        (total > 0).then(|| busy as f64 * 100.0 / total as f64)
    }
}

/// What one host reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub load: [f64; 3],
    /// Runnable and total tasks, from `/proc/loadavg`.
    pub tasks: Option<(u32, u32)>,
    pub cpu: CpuTicks,
    /// An earlier reading taken by the same command, if it took one.
    pub cpu_before: Option<CpuTicks>,
    pub mem_total_kib: u64,
    pub mem_available_kib: u64,
    pub cores: Option<u32>,
    /// CPU % and name of the busiest process.
    pub top_process: Option<(f64, String)>,
}

impl Sample {
    /// Memory in use, in percent of the total.
    pub fn mem_percent(&self) -> Option<f64> {
        (self.mem_total_kib > 0).then(|| {
            let used = self.mem_total_kib.saturating_sub(self.mem_available_kib);
            used as f64 * 100.0 / self.mem_total_kib as f64
        })
    }
}

/// Parses the command's output; `None` names what was missing.
pub fn parse(text: &str) -> Result<Sample, String> {
    let mut load = None;
    let mut tasks = None;
    let mut cpu = None;
    let mut cpu_before = None;
    let (mut mem_total, mut mem_available) = (None, None);
    let mut cores = None;
    let mut top_process = None;
    for line in text.lines() {
        let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
        match tag {
            "L" => (load, tasks) = parse_loadavg(rest),
            "S" => cpu = parse_ticks(rest),
            "S0" => cpu_before = parse_ticks(rest),
            "MemTotal:" => mem_total = parse_kib(rest),
            "MemAvailable:" => mem_available = parse_kib(rest),
            "N" => cores = rest.trim().parse().ok().filter(|&n: &u32| n > 0),
            "P" => top_process = parse_process(rest),
            _ => {}
        }
    }
    Ok(Sample {
        load: load.ok_or("no load average in /proc/loadavg")?,
        tasks,
        cpu: cpu.ok_or("no CPU counters in /proc/stat")?,
        cpu_before,
        mem_total_kib: mem_total.ok_or("no MemTotal in /proc/meminfo")?,
        mem_available_kib: mem_available.ok_or("no MemAvailable in /proc/meminfo")?,
        cores,
        top_process,
    })
}

/// `0.52 0.58 0.59 2/123 4567` → loads and runnable/total tasks.
fn parse_loadavg(rest: &str) -> (Option<[f64; 3]>, Option<(u32, u32)>) {
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let number = |i: usize| fields.get(i).and_then(|field| field.parse::<f64>().ok());
    let load = match (number(0), number(1), number(2)) {
        (Some(one), Some(five), Some(fifteen)) => Some([one, five, fifteen]),
        _ => None,
    };
    let tasks = fields.get(3).and_then(|field| {
        let (running, total) = field.split_once('/')?;
        Some((running.parse().ok()?, total.parse().ok()?))
    });
    (load, tasks)
}

/// `cpu user nice system idle iowait irq softirq steal …`: idle time is
/// idle + iowait; guest time is already inside user and nice.
fn parse_ticks(rest: &str) -> Option<CpuTicks> {
    let mut fields = rest.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    let ticks: Vec<u64> = fields
        .take(8)
        .map(|field| field.parse().ok())
        .collect::<Option<_>>()?;
    if ticks.len() < 4 {
        return None;
    }
    let total: u64 = ticks.iter().sum();
    let idle = ticks[3] + ticks.get(4).copied().unwrap_or(0);
    Some(CpuTicks {
        busy: total - idle,
        total,
    })
}

/// `16384256 kB` → KiB.
fn parse_kib(rest: &str) -> Option<u64> {
    rest.split_whitespace().next()?.parse().ok()
}

/// `12.5 postgres` → CPU % and process name.
fn parse_process(rest: &str) -> Option<(f64, String)> {
    let (percent, name) = rest.trim().split_once(' ')?;
    Some((percent.parse().ok()?, name.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "S0 cpu 100 0 100 800 0 0 0 0 0 0\n\
        L 0.52 0.58 0.59 2/123 4567\n\
        S cpu 150 0 150 900 0 0 0 0 0 0\n\
        MemTotal:       16384000 kB\n\
        MemAvailable:    4096000 kB\n\
        N 4\n\
        P 12.5 postgres\n";

    #[test]
    fn parses_every_line_of_a_reading() {
        let sample = parse(OUTPUT).unwrap();
        assert_eq!(sample.load, [0.52, 0.58, 0.59]);
        assert_eq!(sample.tasks, Some((2, 123)));
        assert_eq!(sample.cores, Some(4));
        assert_eq!(sample.top_process, Some((12.5, "postgres".into())));
        assert_eq!(sample.mem_percent(), Some(75.0));
        let before = sample.cpu_before.unwrap();
        assert_eq!(sample.cpu.percent_since(before), Some(50.0));
    }

    #[test]
    fn a_reading_without_memory_names_what_is_missing() {
        let error = parse("L 0 0 0 1/1 1\nS cpu 1 1 1 1\n").unwrap_err();
        assert!(error.contains("MemTotal"), "{error}");
    }

    #[test]
    fn counters_that_went_backwards_give_no_percentage() {
        let later = CpuTicks { busy: 5, total: 10 };
        let earlier = CpuTicks { busy: 6, total: 20 };
        assert_eq!(later.percent_since(earlier), None);
    }
}

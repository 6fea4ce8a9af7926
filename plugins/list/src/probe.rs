//! What `list` reads on each running VM for its optional columns: one shell
//! command per VM (tmux sessions, and with `--with-health` / `--show-procs`
//! readings of /proc and df), each line tagged so the parser need not trust
//! line order or what a login shell prints first.

use azlin_sdk::saturation::{self, Saturation};

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

/// Whether the Azure VM agent (waagent) runs (the brackets keep the pattern
/// from matching this very command line).
const AGENT: &str = "if pgrep -f '[w]aagent|[W]ALinuxAgent' >/dev/null 2>&1; \
     then echo A running; else echo A stopped; fi";

/// Processes running now.
const PROCS: &str = "echo P $(ps -e --no-headers | wc -l)";

/// The command for `wanted`; it always exits 0 so a missing tmux is no failure.
pub fn command(wanted: Wanted) -> String {
    let mut parts = Vec::new();
    if wanted.tmux {
        parts.push(TMUX);
    }
    if wanted.health {
        parts.extend([saturation::COMMAND, AGENT]);
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
    /// CPU (over the probe's 0.2 s), memory and root-disk use.
    pub saturation: Saturation,
    /// Whether waagent runs.
    pub agent: Option<bool>,
    pub procs: Option<i64>,
}

/// Parses the probe's output; lines it does not know are ignored.
pub fn parse(output: &str) -> Reading {
    let mut reading = Reading {
        saturation: saturation::parse(output),
        ..Reading::default()
    };
    for line in output.lines() {
        let Some((tag, rest)) = line.split_once(' ') else {
            continue;
        };
        match tag {
            "T" => reading.tmux.push(rest.to_string()),
            "A" => reading.agent = Some(rest.trim() == "running"),
            "P" => reading.procs = rest.trim().parse().ok(),
            _ => {}
        }
    }
    reading
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
        assert_eq!(reading.saturation.cpu_percent, Some(50.0));
        assert_eq!(reading.saturation.mem_percent, Some(75.0));
        assert_eq!(reading.saturation.disk_percent, Some(38.0));
        assert_eq!(reading.agent, Some(false));
        assert_eq!(reading.procs, Some(123));
    }

    #[test]
    fn no_tmux_server_means_no_sessions_and_no_readings() {
        assert_eq!(parse(""), Reading::default());
    }
}

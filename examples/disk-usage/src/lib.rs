//! `azlin disk-usage`: how full one filesystem is on every running VM, from
//! one `df` per VM over azlin's pooled SSH connections.

use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;
use azlin_sdk::remote::{self as fleet, ExecOutput};

struct DiskUsage;

impl Command for DiskUsage {
    fn describe() -> Info {
        let info = Info::new(
            "disk-usage",
            env!("CARGO_PKG_VERSION"),
            "Show how full a filesystem is on each running VM",
        )
        .option(Opt::value("mount", "PATH", "the filesystem to measure").default("/"));
        fleet::host_options().into_iter().fold(info, Info::option)
    }

    fn run(args: Args) -> Result<(), Failure> {
        let mount = args.value("mount").unwrap_or("/");
        if !mount.starts_with('/') || mount.contains('\'') {
            return Err(
                Failure::usage(format!("--mount {mount}: give an absolute path"))
                    .hint("for example --mount /var"),
            );
        }
        let hosts = fleet::hosts(&args)?;
        let command = format!("df -P -k '{mount}'");
        let mut rows = Vec::new();
        for result in fleet::fan_out(&hosts, &command, &fleet::timeout(None), None) {
            let (label, outcome) = result?;
            match outcome.and_then(|output| usage(&command, output)) {
                Ok(usage) => rows.push((label, usage)),
                Err(failure) => output::warn(&format!("{label}: {failure}")),
            }
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let mut table = Table::begin(
            "disks",
            vec![
                column("vm", "VM"),
                column("mount", "Mounted on"),
                number_column("size_mib", "Size MiB"),
                number_column("used_mib", "Used MiB"),
                number_column("used_percent", "Use%"),
            ],
        )?;
        for (label, usage) in &rows {
            table.row(vec![
                label.as_str().into(),
                usage.mount.as_str().into(),
                (usage.size_kib / 1024).into(),
                (usage.used_kib / 1024).into(),
                usage.percent().into(),
            ])?;
        }
        if rows.len() < hosts.len() {
            return Err(Failure::new(format!(
                "{} of {} hosts did not answer",
                hosts.len() - rows.len(),
                hosts.len()
            )));
        }
        Ok(())
    }
}

/// One filesystem's size and use, in KiB.
struct Usage {
    mount: String,
    size_kib: i64,
    used_kib: i64,
}

impl Usage {
    fn percent(&self) -> f64 {
        match self.size_kib {
            0 => 0.0,
            size => (self.used_kib as f64 * 1000.0 / size as f64).round() / 10.0,
        }
    }
}

/// Reads `df -P -k`'s second line: `fs 1024-blocks used available capacity mount`.
fn usage(command: &str, output: ExecOutput) -> Result<Usage, Failure> {
    let output = fleet::succeeded(command, output)?;
    let text = fleet::text(&output.stdout);
    let fields: Vec<&str> = text
        .lines()
        .nth(1)
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    match fields.as_slice() {
        [_, size, used, _, _, mount @ ..] if !mount.is_empty() => Ok(Usage {
            mount: mount.join(" "),
            size_kib: size.parse().map_err(|_| unreadable(&text))?,
            used_kib: used.parse().map_err(|_| unreadable(&text))?,
        }),
        _ => Err(unreadable(&text)),
    }
}

fn unreadable(text: &str) -> Failure {
    Failure::new(format!("df printed something unexpected: {}", text.trim()))
}

azlin_sdk::export_command!(DiskUsage);

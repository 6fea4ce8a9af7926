//! `azlin w`: who is logged in on each running VM, and what they are doing,
//! from one pooled SSH exec of `w` per VM, all VMs at once.

use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;
use azlin_sdk::remote::{self as fleet, ExecOutput};

struct W;

impl Command for W {
    fn describe() -> Info {
        let info = Info::new(
            "w",
            env!("CARGO_PKG_VERSION"),
            "Show who is logged in on each running VM",
        )
        .description(
            "Runs `w` on every running VM of the resource group (--rg, else the default), or on \
             one VM (--vm) or address (--ip), in parallel over pooled SSH connections.",
        );
        fleet::host_options().into_iter().fold(info, Info::option)
    }

    fn run(args: Args) -> Result<(), Failure> {
        let hosts = fleet::hosts(&args)?;
        let mut answers = Vec::new();
        let mut failed = 0;
        for result in fleet::fan_out(&hosts, "w", &fleet::timeout(None), None) {
            let (label, outcome) = result?;
            match outcome.and_then(succeeded) {
                Ok(report) => answers.push((label, report)),
                Err(failure) => {
                    failed += 1;
                    output::warn(&format!("{label}: {failure}"));
                }
            }
        }
        answers.sort_by(|a, b| a.0.cmp(&b.0));
        let mut summary = Table::begin(
            "hosts",
            vec![
                column("vm", "VM"),
                column("up", "Up"),
                number_column("users", "Users"),
                column("load", "Load"),
            ],
        )?;
        for (label, report) in &answers {
            summary.row(vec![
                label.as_str().into(),
                report.up.clone().into(),
                report.users.map(i64::from).into(),
                report.load.clone().into(),
            ])?;
        }
        let mut sessions = Table::begin(
            "sessions",
            vec![
                column("vm", "VM"),
                column("user", "User"),
                column("tty", "TTY"),
                column("from", "From"),
                column("login", "Login@"),
                column("idle", "Idle"),
                column("what", "What"),
            ],
        )?;
        for (label, report) in &answers {
            for session in &report.sessions {
                let mut cells: Vec<Value> = vec![label.as_str().into()];
                cells.extend(session.iter().map(|field| Value::from(field.as_str())));
                sessions.row(cells)?;
            }
        }
        output::text(&format!(
            "{} of {} hosts answered",
            answers.len(),
            hosts.len()
        ));
        if failed > 0 {
            return Err(Failure::new(format!("{failed} hosts failed")).exit_code(1));
        }
        Ok(())
    }
}

/// What `w` printed on one host.
struct Report {
    up: Option<String>,
    users: Option<u32>,
    load: Option<String>,
    /// User, TTY, From, Login@, Idle, What.
    sessions: Vec<[String; 6]>,
}

fn succeeded(output: ExecOutput) -> Result<Report, Failure> {
    let output = fleet::succeeded("w", output)?;
    Ok(parse(&fleet::text(&output.stdout)))
}

/// Reads `w`'s header line (` 12:00:01 up 3 days,  2:01,  2 users,  load
/// average: 0.00, 0.01, 0.05`) and its session rows.
fn parse(text: &str) -> Report {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let (before_load, load) = header
        .split_once("load average:")
        .map_or((header, None), |(before, load)| {
            (before, Some(load.trim().to_string()))
        });
    let mut parts: Vec<&str> = before_load.split(',').map(str::trim).collect();
    parts.retain(|part| !part.is_empty());
    let users = parts
        .iter()
        .position(|part| part.ends_with("user") || part.ends_with("users"));
    let up = parts
        .first()
        .and_then(|first| first.split_once(" up "))
        .map(|(_, up)| {
            let mut up = up.trim().to_string();
            for part in &parts[1..users.unwrap_or(parts.len())] {
                up.push_str(", ");
                up.push_str(part);
            }
            up
        });
    let users = users.and_then(|index| parts[index].split_whitespace().next()?.parse().ok());
    let sessions = lines
        .skip_while(|line| !line.starts_with("USER"))
        .skip(1)
        .filter_map(session)
        .collect();
    Report {
        up,
        users,
        load,
        sessions,
    }
}

/// One row: USER TTY FROM LOGIN@ IDLE JCPU PCPU WHAT (JCPU and PCPU dropped).
fn session(line: &str) -> Option<[String; 6]> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() < 8 {
        return None;
    }
    Some([
        fields[0].into(),
        fields[1].into(),
        fields[2].into(),
        fields[3].into(),
        fields[4].into(),
        fields[7..].join(" "),
    ])
}

azlin_sdk::export_command!(W);

//! `azlin ps`: the processes of each running VM, from one pooled SSH exec of
//! `ps` per VM, all VMs at once; `--grouped` gives one table per VM.

use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;
use azlin_sdk::remote::{self as fleet, ExecOutput};

/// Fields `ps` prints, in the order the parser reads them; `args` last
/// because it may hold spaces.
const PS: &str = "ps -eo user=,pid=,pcpu=,pmem=,etime=,args= --sort=-pcpu";

struct Ps;

impl Command for Ps {
    fn describe() -> Info {
        let info = Info::new(
            "ps",
            env!("CARGO_PKG_VERSION"),
            "Show the processes of each running VM",
        )
        .description(
            "Runs `ps` on every running VM of the resource group (--rg, else the default), or on \
             one VM (--vm) or address (--ip), in parallel over pooled SSH connections.",
        )
        .option(Opt::flag(
            "grouped",
            "one table per VM instead of one for all",
        ));
        fleet::host_options().into_iter().fold(info, Info::option)
    }

    fn run(args: Args) -> Result<(), Failure> {
        let hosts = fleet::hosts(&args)?;
        let mut answers = Vec::new();
        let mut failed = 0;
        for result in fleet::fan_out(&hosts, PS, &fleet::timeout(None), None) {
            let (label, outcome) = result?;
            match outcome.and_then(processes) {
                Ok(processes) => answers.push((label, processes)),
                Err(failure) => {
                    failed += 1;
                    output::warn(&format!("{label}: {failure}"));
                }
            }
        }
        answers.sort_by(|a, b| a.0.cmp(&b.0));
        if args.flag("grouped") {
            for (label, processes) in &answers {
                Table::begin(&format!("processes-{label}"), columns(false))?.rows(
                    processes
                        .iter()
                        .map(|process| process.cells(None))
                        .collect(),
                )?;
            }
        } else {
            Table::begin("processes", columns(true))?.rows(
                answers
                    .iter()
                    .flat_map(|(label, processes)| {
                        processes.iter().map(|process| process.cells(Some(label)))
                    })
                    .collect(),
            )?;
        }
        output::text(&format!(
            "{} processes on {} of {} hosts",
            answers
                .iter()
                .map(|(_, processes)| processes.len())
                .sum::<usize>(),
            answers.len(),
            hosts.len()
        ));
        if failed > 0 {
            return Err(Failure::new(format!("{failed} hosts failed")).exit_code(1));
        }
        Ok(())
    }
}

fn columns(with_vm: bool) -> Vec<Column> {
    let mut columns = Vec::new();
    if with_vm {
        columns.push(column("vm", "VM"));
    }
    columns.extend([
        column("user", "User"),
        number_column("pid", "PID"),
        number_column("cpu_percent", "CPU%"),
        number_column("mem_percent", "Mem%"),
        column("elapsed", "Elapsed"),
        column("command", "Command"),
    ]);
    columns
}

/// One line of `ps`.
struct Process {
    user: String,
    pid: i64,
    cpu: f64,
    mem: f64,
    elapsed: String,
    command: String,
}

impl Process {
    fn parse(line: &str) -> Option<Self> {
        let mut fields = line.split_whitespace();
        let user = fields.next()?.to_string();
        let pid = fields.next()?.parse().ok()?;
        let cpu = fields.next()?.parse().ok()?;
        let mem = fields.next()?.parse().ok()?;
        let elapsed = fields.next()?.to_string();
        let command = fields.collect::<Vec<_>>().join(" ");
        Some(Process {
            user,
            pid,
            cpu,
            mem,
            elapsed,
            command,
        })
    }

    fn cells(&self, vm: Option<&str>) -> Vec<Value> {
        let mut cells: Vec<Value> = vm.map(Value::from).into_iter().collect();
        cells.extend([
            self.user.as_str().into(),
            self.pid.into(),
            self.cpu.into(),
            self.mem.into(),
            self.elapsed.as_str().into(),
            self.command.as_str().into(),
        ]);
        cells
    }
}

fn processes(output: ExecOutput) -> Result<Vec<Process>, Failure> {
    let output = fleet::succeeded("ps", output)?;
    Ok(fleet::text(&output.stdout)
        .lines()
        .filter_map(Process::parse)
        .collect())
}

azlin_sdk::export_command!(Ps);

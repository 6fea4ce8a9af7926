//! Test fixture: a command with plain metadata whose output is hostile. It
//! writes terminal escape sequences (window title, alternate screen,
//! clipboard), a one-byte CSI, a bidi override and a spreadsheet formula
//! through the sink `--via` names, for the host to neutralise. Its options
//! are named like the host's own arguments (`verbose`, `output`), and
//! `--via wide` writes a cell wider than std's formatter can pad.

use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;

/// Sets the window title, switches to the alternate screen, writes the
/// clipboard (OSC 52), clears the screen with a C1 CSI and reverses the
/// text after it.
const PAYLOAD: &str =
    "T\x1b]0;owned\x07 A\x1b[?1049h C\x1b]52;c;ZWNobyBvd25lZA==\x07 S\u{9b}2J B\u{202e}gnp.exe";
/// Runs a program when a spreadsheet opens the CSV.
const FORMULA: &str = "=cmd|' /C calc'!A0";

struct Garbler;

impl Command for Garbler {
    fn describe() -> Info {
        Info::new("garble", "0.1.0", "Fixture: writes escape sequences")
            .option(
                Opt::value("via", "SINK", "where the escape sequences go")
                    .choices(&[
                        "table", "record", "text", "warn", "progress", "confirm", "choose", "fail",
                        "panic", "log", "wide", "clash",
                    ])
                    .required(),
            )
            .option(Opt::value("verbose", "LEVEL", "an id the host uses too").long("loud"))
            .option(Opt::flag("output", "another id the host uses").long("raw-output"))
    }

    fn run(args: Args) -> Result<(), Failure> {
        match args.value("via").unwrap_or_default() {
            "table" => {
                let mut table = Table::begin(
                    "garbage",
                    vec![
                        column("text", &format!("Title {PAYLOAD}")),
                        column("formula", "Formula"),
                        number_column("number", "Number"),
                        column(&format!("key {PAYLOAD}"), "Key"),
                    ],
                )?;
                table.row(vec![
                    PAYLOAD.into(),
                    FORMULA.into(),
                    (-5i64).into(),
                    "plain".into(),
                ])?;
            }
            "record" => output::record(
                "garbage",
                vec![
                    (format!("field {PAYLOAD}"), PAYLOAD.into()),
                    ("formula".into(), FORMULA.into()),
                    ("number".into(), (-5i64).into()),
                ],
            )?,
            "text" => output::text(PAYLOAD),
            "warn" => output::warn(PAYLOAD),
            "progress" => {
                output::progress(PAYLOAD, 1, Some(2));
                output::text("progressed");
            }
            "confirm" => {
                let yes = output::confirm(PAYLOAD, PAYLOAD)?;
                output::text(&format!("confirmed: {yes}"));
            }
            "choose" => {
                let unasked = Failure::usage(PAYLOAD).hint(PAYLOAD);
                let picked = output::choose(PAYLOAD, &[PAYLOAD.to_string()], unasked)?;
                output::text(&format!("picked: {picked:?}"));
            }
            "wide" => {
                let mut table =
                    Table::begin("wide", vec![column("vm", "VM"), column("output", "Output")])?;
                table.row(vec!["vm-1".into(), "x".repeat(70_000).into()])?;
            }
            "clash" => output::text(&format!(
                "verbose={} output={}",
                args.value("verbose").unwrap_or("none"),
                args.flag("output")
            )),
            "fail" => return Err(Failure::new(PAYLOAD).hint(PAYLOAD).exit_code(3)),
            "panic" => panic!("{PAYLOAD}"),
            "log" => {
                println!("{PAYLOAD}");
                eprintln!("{PAYLOAD}");
                return Err(Failure::new("logged"));
            }
            other => return Err(Failure::usage(format!("no sink {other}"))),
        }
        Ok(())
    }
}

azlin_sdk::export_command!(Garbler);

//! Test fixture: a command that floods its output, through the output
//! interface (`--frames`: one snapshot per line) or, with `--stdout`,
//! through WASI stdout.

use azlin_sdk::prelude::*;

struct Flood;

impl Command for Flood {
    fn describe() -> Info {
        Info::new("flood", "0.1.0", "Fixture: writes output without end")
            .option(Opt::flag(
                "stdout",
                "flood WASI stdout instead of the output interface",
            ))
            .option(Opt::flag("frames", "end a snapshot after every line"))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let line = "flood ".repeat(100);
        if args.flag("stdout") {
            loop {
                println!("{line}");
            }
        }
        loop {
            output::text(&line);
            if args.flag("frames") {
                output::end_frame();
            }
        }
    }
}

azlin_sdk::export_command!(Flood);

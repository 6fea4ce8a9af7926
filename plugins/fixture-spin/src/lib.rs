//! Test fixture: a command that never returns, busy in its own code, or
//! (`--sleep SECONDS`) idle, waiting on the clock.

use azlin_sdk::prelude::*;

struct Spin;

impl Command for Spin {
    fn describe() -> Info {
        Info::new("spin", "0.1.0", "Fixture: loops forever").option(Opt::value(
            "sleep",
            "SECONDS",
            "sleep this long instead of spinning, then print 'woke'",
        ))
    }

    fn run(args: Args) -> Result<(), Failure> {
        if let Some(seconds) = args.parse::<u64>("sleep")? {
            std::thread::sleep(std::time::Duration::from_secs(seconds));
            output::text("woke");
            return Ok(());
        }
        let mut counter = 0u64;
        loop {
            counter = std::hint::black_box(counter.wrapping_add(1));
        }
    }
}

azlin_sdk::export_command!(Spin);

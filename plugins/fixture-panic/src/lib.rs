//! Test fixture: a command that panics.

use azlin_sdk::prelude::*;

struct Panic;

impl Command for Panic {
    fn describe() -> Info {
        Info::new("panic", "0.1.0", "Fixture: panics")
    }

    fn run(_args: Args) -> Result<(), Failure> {
        output::text("about to panic");
        panic!("the fixture gave up on purpose");
    }
}

azlin_sdk::export_command!(Panic);

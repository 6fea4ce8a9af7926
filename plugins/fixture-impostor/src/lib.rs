//! Test fixture: a plugin that calls itself `kill`, the alias of the
//! built-in `delete`, hoping to run in its place.

use azlin_sdk::prelude::*;

struct Impostor;

impl Command for Impostor {
    fn describe() -> Info {
        Info::new("kill", "0.1.0", "Fixture: impostor of a built-in")
    }

    fn run(_args: Args) -> Result<(), Failure> {
        output::text("the impostor ran");
        Ok(())
    }
}

azlin_sdk::export_command!(Impostor);

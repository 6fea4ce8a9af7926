//! Test fixture: a command whose metadata would forge `azlin plugin
//! install`'s question: its version erases the line and writes a made-up
//! capability list, its summary sets the window title and reverses text.

use azlin_sdk::prelude::*;

struct Forged;

impl Command for Forged {
    fn describe() -> Info {
        Info::new(
            "forged",
            "1.0.0\x1b[2K\rneeds: cache",
            "Fixture\x1b]0;owned\x07: forged \u{202e}metadata",
        )
    }

    fn run(_args: Args) -> Result<(), Failure> {
        output::text("the forged plugin ran");
        Ok(())
    }
}

azlin_sdk::export_command!(Forged);

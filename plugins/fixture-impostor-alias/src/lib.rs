//! Test fixture: a plugin with a name of its own that takes the built-in
//! alias `kill` and the reserved `snapshot` as aliases.

use azlin_sdk::prelude::*;

struct ImpostorAlias;

impl Command for ImpostorAlias {
    fn describe() -> Info {
        Info::new("impostor", "0.1.0", "Fixture: takes built-in aliases")
            .alias("kill")
            .alias("snapshot")
    }

    fn run(_args: Args) -> Result<(), Failure> {
        output::text("the impostor ran");
        Ok(())
    }
}

azlin_sdk::export_command!(ImpostorAlias);

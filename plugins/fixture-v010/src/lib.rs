//! Test fixture: a plugin built against the frozen azlin:host@0.1.0
//! contract in `wit/`, with raw bindings, to prove newer hosts still run it.

wit_bindgen::generate!({ path: "wit", world: "azlin:host/command" });

use azlin::host::host_info;
use azlin::host::output;

struct V010;

impl Guest for V010 {
    fn describe() -> CommandInfo {
        CommandInfo {
            name: "v010".into(),
            version: "0.1.0".into(),
            summary: "Fixture: built against azlin:host@0.1.0".into(),
            description: String::new(),
            aliases: Vec::new(),
            options: Vec::new(),
            positionals: Vec::new(),
            subcommands: Vec::new(),
        }
    }

    fn run(_args: ParsedArgs) -> Result<(), Failure> {
        output::text(&format!(
            "built against 0.1.0, running on azlin {}",
            host_info::host_version()
        ));
        Ok(())
    }
}

export!(V010);

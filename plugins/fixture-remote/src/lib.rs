//! Test fixture: a command that imports `azlin:host/remote` (capability
//! ssh-exec), to test refusing a capability the host does not provide.

use azlin_sdk::bindings::azlin::host::remote::{self, ExecOptions, Target};
use azlin_sdk::prelude::*;

struct Remote;

impl Command for Remote {
    fn describe() -> Info {
        Info::new(
            "remote",
            "0.1.0",
            "Fixture: runs `true` over azlin:host/remote",
        )
    }

    fn run(_args: Args) -> Result<(), Failure> {
        let options = ExecOptions {
            timeout_ms: None,
            user: None,
            stdin: None,
        };
        let done = remote::exec(&Target::Address("127.0.0.1".into()), "true", &options)?;
        output::text(&format!("exit {:?}", done.exit_code));
        Ok(())
    }
}

azlin_sdk::export_command!(Remote);

//! Test fixture: a command that imports `azlin:host/cache` (capability
//! cache), to test refusing a capability the host does not provide.

use azlin_sdk::bindings::azlin::host::cache;
use azlin_sdk::prelude::*;

struct Cache;

impl Command for Cache {
    fn describe() -> Info {
        Info::new("cache-user", "0.1.0", "Fixture: reads azlin:host/cache")
    }

    fn run(_args: Args) -> Result<(), Failure> {
        let found = cache::get("key")?;
        output::text(&format!("cached: {}", found.is_some()));
        Ok(())
    }
}

azlin_sdk::export_command!(Cache);

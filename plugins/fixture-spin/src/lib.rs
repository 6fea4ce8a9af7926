//! Test fixture: a command that never returns.

use azlin_sdk::prelude::*;

struct Spin;

impl Command for Spin {
    fn describe() -> Info {
        Info::new("spin", "0.1.0", "Fixture: loops forever")
    }

    fn run(_args: Args) -> Result<(), Failure> {
        let mut counter = 0u64;
        loop {
            counter = std::hint::black_box(counter.wrapping_add(1));
        }
    }
}

azlin_sdk::export_command!(Spin);

//! Test fixture: a command that allocates memory without end.

use azlin_sdk::prelude::*;

struct Hog;

impl Command for Hog {
    fn describe() -> Info {
        Info::new("hog", "0.1.0", "Fixture: allocates without end")
    }

    fn run(_args: Args) -> Result<(), Failure> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(std::hint::black_box(vec![0xA5; 1 << 20]));
        }
    }
}

azlin_sdk::export_command!(Hog);

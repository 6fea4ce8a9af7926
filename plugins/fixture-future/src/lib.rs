//! Test fixture: a plugin built against an azlin:host version no host serves
//! yet (0.3.0), to test that it is refused with the versions there are.

wit_bindgen::generate!({
    inline: "
        package azlin:host@0.3.0;
        interface vms { count: func() -> u32; }
        world command { import vms; export run: func() -> u32; }
    ",
    world: "command",
});

struct Future;

impl Guest for Future {
    fn run() -> u32 {
        azlin::host::vms::count()
    }
}

export!(Future);

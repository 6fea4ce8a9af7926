//! The one `bindgen!` site: Rust types and traits for azlin's WIT world.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "azlin:host/command",
    imports: { default: async | trappable },
    exports: { default: async },
    additional_derives: [serde::Serialize, serde::Deserialize],
    with: { "azlin:host/remote.batch": super::host::remote::Batch },
});

pub use self::azlin::host::{
    cache, host_info, output, remote, settings, terminal, transfer, types, vm_control, vms,
};

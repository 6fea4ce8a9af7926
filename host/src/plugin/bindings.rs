//! The one `bindgen!` site: Rust types and traits for azlin's WIT world, and
//! for the frozen 0.1 line served beside it.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "azlin:host/command",
    imports: { default: async | trappable },
    exports: { default: async },
    additional_derives: [serde::Serialize, serde::Deserialize],
    with: { "azlin:host/remote.batch": super::interfaces::remote::Batch },
    trappable_error_type: { "azlin:host/types.error" => super::interfaces::HostError },
});

pub use self::azlin::host::{
    cache, host_info, output, remote, settings, terminal, transfer, types, vm_control, vms,
};

/// `azlin:host@0.1.1` (`wit/v0.1`), which plugins built before 0.2.0 import.
/// Its shared types and the `batch` resource are the current ones; the
/// traits are implemented by handing each call to the current interface.
pub mod v0_1 {
    wasmtime::component::bindgen!({
        path: "../wit/v0.1",
        world: "azlin:host/command",
        imports: { default: async | trappable },
        with: {
            "azlin:host/types": crate::plugin::bindings::types,
            "azlin:host/remote.batch": crate::plugin::interfaces::remote::Batch,
        },
        trappable_error_type: { "azlin:host/types.error" => crate::plugin::interfaces::HostError },
    });

    pub use self::azlin::host::{cache, host_info, output, remote, vm_control, vms};
}

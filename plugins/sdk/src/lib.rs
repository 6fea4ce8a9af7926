//! The azlin plugin SDK: implement [`Command`] for a type and call
//! [`export_command!`]; the SDK turns that into an azlin component.
//!
//! ```ignore
//! use azlin_sdk::prelude::*;
//!
//! struct Hello;
//!
//! impl Command for Hello {
//!     fn describe() -> Info {
//!         Info::new("hello", env!("CARGO_PKG_VERSION"), "Greets someone")
//!             .option(Opt::value("name", "NAME", "who to greet").default("world"))
//!     }
//!
//!     fn run(args: Args) -> Result<(), Failure> {
//!         let name = args.value("name").unwrap_or("world");
//!         output::text(&format!("hello, {name}"));
//!         Ok(())
//!     }
//! }
//!
//! azlin_sdk::export_command!(Hello);
//! ```

mod args;
pub mod cache;
mod failure;
pub mod host;
mod info;
pub mod nearest;
pub mod output;
pub mod remote;
pub mod saturation;
pub mod settings;
pub mod shell;
pub mod terminal;
pub mod transfer;
pub mod vms;

/// Raw bindings generated from azlin's WIT; plugin code should not need them.
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "azlin:host/command",
        pub_export_macro: true,
        export_macro_name: "__export_command_world",
        default_bindings_module: "azlin_sdk::bindings",
        generate_all,
    });
}

pub use args::Args;
pub use bindings::azlin::host::types::{Error as HostError, PowerState, Vm, VmRef};
pub use failure::Failure;
pub use info::{Info, Opt, Positional, Sub};

/// Everything a plugin usually needs.
pub mod prelude {
    pub use crate::output::{self, Align, Column, Value};
    pub use crate::{
        Args, Command, Failure, Info, Opt, Positional, Sub, cache, host, remote, settings,
        terminal, vms,
    };
}

/// An azlin command. Both functions are called on a fresh instance.
pub trait Command {
    /// Name, version, help and accepted arguments. Must not have side effects.
    fn describe() -> Info;

    /// Runs the command with arguments already parsed and validated by the host.
    fn run(args: Args) -> Result<(), Failure>;
}

/// Exports a [`Command`] implementation as the plugin's entry points.
#[macro_export]
macro_rules! export_command {
    ($command:ty) => {
        const _: () = {
            struct __AzlinExport;

            impl $crate::bindings::Guest for __AzlinExport {
                fn describe() -> $crate::bindings::azlin::host::types::CommandInfo {
                    <$command as $crate::Command>::describe().into_wit()
                }

                fn run(
                    args: $crate::bindings::azlin::host::types::ParsedArgs,
                ) -> ::core::result::Result<(), $crate::bindings::azlin::host::types::Failure>
                {
                    <$command as $crate::Command>::run($crate::Args::from_wit(args))
                        .map_err($crate::Failure::into_wit)
                }
            }

    $crate::bindings::__export_command_world!(__AzlinExport with_types_in $crate::bindings);
        };
    };
}

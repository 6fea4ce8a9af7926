//! Why a plugin could not be found, loaded or prepared.

use super::Capability;
use std::path::PathBuf;

/// Errors of loading a plugin, before it runs.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    #[error("cannot read plugin file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot list the plugin directory {path}: {source}")]
    ListDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("plugin {origin} is not a WebAssembly component: {why}")]
    NotAComponent { origin: String, why: String },
    #[error(
        "plugin {origin} is a precompiled wasmtime artifact, not a component\nhint: install the .wasm component it was made from; azlin precompiles plugins itself"
    )]
    PrecompiledArtifact { origin: String },
    #[error("plugin {origin} could not be compiled: {why}")]
    Compile { origin: String, why: String },
    #[error(
        "plugin {origin} imports {interface}, which azlin does not provide\nhint: plugins may import only azlin:host interfaces and WASI"
    )]
    UnknownImport { origin: String, interface: String },
    #[error(
        "plugin {origin} imports {import}, a version of azlin's contract this azlin does not serve (it serves {served})\nhint: rebuild the plugin against this azlin's wit/ (or its azlin-sdk), or use the azlin it was built for"
    )]
    UnservedVersion {
        origin: String,
        import: String,
        served: String,
    },
    #[error(
        "plugin {origin} needs capability {capability} ({interface}), which this azlin build does not provide yet"
    )]
    CapabilityUnavailable {
        origin: String,
        capability: Capability,
        interface: &'static str,
    },
    #[error(
        "built-in plugin '{name}' needs capabilities {found}, but this azlin build allows it {allowed}\nhint: a built-in's capabilities change only with a reviewed edit of host/src/plugin/builtin.rs; reinstall azlin if you did not build it yourself"
    )]
    BuiltinCapabilities {
        name: String,
        found: String,
        allowed: String,
    },
    #[error(
        "plugin {origin} is not an azlin command: {why}\nhint: build it with the azlin-sdk crate (see docs/plugins.md)"
    )]
    NotACommand { origin: String, why: String },
    #[error(
        "plugin file {file} describes itself as '{described}'\nhint: rename the file to {described}.wasm"
    )]
    NameMismatch { file: PathBuf, described: String },
    #[error("plugin {origin} failed while describing itself: {why}")]
    Describe { origin: String, why: String },
}

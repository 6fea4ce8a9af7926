//! Capabilities: what a plugin may reach beyond output and host facts,
//! derived from the WIT interfaces its component imports.

use super::{PluginError, contract};
use serde::{Deserialize, Serialize};
use std::fmt;
use wasmtime::Engine;
use wasmtime::component::Component;

/// A grantable capability; each maps to one azlin WIT interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Capability {
    AzureRead,
    AzureWrite,
    SshExec,
    Cache,
    /// The user's session names and contexts (`azlin:host/settings`).
    Settings,
    /// The user's terminal joined to a VM (`azlin:host/terminal`).
    Terminal,
    /// Files copied between the user's machine and VMs (`azlin:host/transfer`).
    FileTransfer,
}

impl Capability {
    /// Every capability, in display order.
    pub const ALL: [Capability; 7] = [
        Capability::AzureRead,
        Capability::AzureWrite,
        Capability::SshExec,
        Capability::Cache,
        Capability::Settings,
        Capability::Terminal,
        Capability::FileTransfer,
    ];

    /// The name used in listings and policy, e.g. `azure-read`.
    pub fn name(self) -> &'static str {
        match self {
            Capability::AzureRead => "azure-read",
            Capability::AzureWrite => "azure-write",
            Capability::SshExec => "ssh-exec",
            Capability::Cache => "cache",
            Capability::Settings => "settings",
            Capability::Terminal => "terminal",
            Capability::FileTransfer => "file-transfer",
        }
    }

    /// The capability named `name` in policies and on the command line.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|capability| capability.name() == name)
    }

    /// Whether the capability reaches Azure (and so the API cache).
    pub fn is_azure(&self) -> bool {
        matches!(self, Capability::AzureRead | Capability::AzureWrite)
    }

    /// Whether the capability reads or writes the API cache: Azure's, and
    /// `cache`, whose entries live there too.
    pub fn uses_api_cache(&self) -> bool {
        self.is_azure() || *self == Capability::Cache
    }

    /// Whether the capability connects to VMs over SSH (and so needs the pool).
    pub fn uses_ssh(&self) -> bool {
        matches!(
            self,
            Capability::SshExec | Capability::Terminal | Capability::FileTransfer
        )
    }

    /// The WIT interface (without version) that needs this capability.
    pub fn interface(self) -> &'static str {
        match self {
            Capability::AzureRead => "azlin:host/vms",
            Capability::AzureWrite => "azlin:host/vm-control",
            Capability::SshExec => "azlin:host/remote",
            Capability::Cache => "azlin:host/cache",
            Capability::Settings => "azlin:host/settings",
            Capability::Terminal => "azlin:host/terminal",
            Capability::FileTransfer => "azlin:host/transfer",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Interfaces every plugin gets: output, host facts, shared types.
const ALWAYS: [&str; 3] = [
    "azlin:host/types",
    "azlin:host/output",
    "azlin:host/host-info",
];

/// The names of the component's imports, as its `.wasm` declares them.
pub fn imports(engine: &Engine, component: &Component) -> Vec<String> {
    component
        .component_type()
        .imports(engine)
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Capabilities the imports named `imports` require, sorted. Fails on an
/// import that is neither an azlin interface nor WASI.
pub fn required(imports: &[String], origin: &str) -> Result<Vec<Capability>, PluginError> {
    let mut needed = Vec::new();
    for name in imports {
        let name = name.as_str();
        let interface = name.split('@').next().unwrap_or(name);
        if interface.starts_with("wasi:") {
            continue;
        }
        if contract::knows(interface) && !contract::serves(name) {
            return Err(PluginError::UnservedVersion {
                origin: origin.into(),
                import: name.into(),
                served: contract::served(),
            });
        }
        if ALWAYS.contains(&interface) {
            continue;
        }
        let capability = Capability::ALL
            .into_iter()
            .find(|capability| capability.interface() == interface)
            .ok_or_else(|| PluginError::UnknownImport {
                origin: origin.into(),
                interface: name.into(),
            })?;
        needed.push(capability);
    }
    needed.sort();
    needed.dedup();
    Ok(needed)
}

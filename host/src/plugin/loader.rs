//! Turns a catalog entry into a plugin ready to run: compiled (or mapped from
//! the precompiled cache), its imports checked, its description known.

use super::bindings::CommandPre;
use super::bindings::types::CommandInfo;
use super::capabilities::{self, Capability};
use super::catalog::{Bytes, Entry, Origin};
use super::instance;
use super::limits::Limits;
use super::precompiled::Precompiled;
use super::state::{HostState, RunContext};
use super::{PluginError, builtin, description, reserved, spec};
use std::sync::Arc;
use wasmtime::Engine;
use wasmtime::component::Linker;

/// Capabilities this build of the host implements.
pub const PROVIDED: &[Capability] = &[
    Capability::AzureRead,
    Capability::AzureWrite,
    Capability::SshExec,
    Capability::Cache,
    Capability::Settings,
    Capability::Terminal,
    Capability::FileTransfer,
];

/// A plugin ready to run.
pub struct Loaded {
    pub name: String,
    pub origin: Origin,
    pub sha256: String,
    pub info: CommandInfo,
    pub capabilities: Vec<Capability>,
    pub(crate) pre: CommandPre<HostState>,
}

impl Loaded {
    /// Checks the plugin describes itself with the name it was found under.
    pub fn check_name(&self, entry: &Entry) -> Result<(), PluginError> {
        if self.info.name == entry.name {
            return Ok(());
        }
        let file = match &entry.origin {
            Origin::File(path) => path.clone(),
            Origin::Builtin => entry.name.clone().into(),
        };
        Err(PluginError::NameMismatch {
            file,
            described: self.info.name.clone(),
        })
    }
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("name", &self.name)
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// Loads plugins for one engine.
pub struct Loader {
    pub(crate) engine: Engine,
    linker: Linker<HostState>,
    pub(crate) precompiled: Precompiled,
    limits: Limits,
}

impl Loader {
    /// A loader compiling with `engine` and caching under `precompiled`.
    pub fn new(
        engine: Engine,
        linker: Linker<HostState>,
        precompiled: Precompiled,
        limits: Limits,
    ) -> Self {
        Self {
            engine,
            linker,
            precompiled,
            limits,
        }
    }

    /// Loads `entry`: bytes, component, imports, exports, description.
    pub async fn load(&self, entry: &Entry, bytes: Bytes) -> Result<Loaded, PluginError> {
        let origin = entry.label();
        let shipped = match entry.origin {
            Origin::Builtin => builtin::precompiled(&self.engine, &entry.name, &bytes.sha256),
            Origin::File(_) => None,
        };
        let compiled = match shipped {
            Some(compiled) => compiled,
            None => self.precompiled.load(&self.engine, &bytes, &origin)?,
        };
        let component = compiled.component;
        let capabilities = capabilities::required(&compiled.imports, &origin)?;
        if entry.origin == Origin::Builtin {
            builtin::check(&entry.name, &capabilities)?;
        }
        if let Some(&capability) = capabilities
            .iter()
            .find(|needed| !PROVIDED.contains(needed))
        {
            return Err(PluginError::CapabilityUnavailable {
                origin,
                capability,
                interface: capability.interface(),
            });
        }
        let not_a_command = |error: wasmtime::Error| PluginError::NotACommand {
            origin: origin.clone(),
            why: error.root_cause().to_string(),
        };
        let instance_pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(not_a_command)?;
        let pre = CommandPre::new(instance_pre).map_err(not_a_command)?;
        let info = self.info(&pre, &bytes.sha256, entry).await?;
        spec::check(&info).map_err(|why| PluginError::NotACommand {
            origin: origin.clone(),
            why,
        })?;
        if entry.origin != Origin::Builtin {
            reserved::check(&info.name, &info.aliases).map_err(|why| PluginError::NotACommand {
                origin: origin.clone(),
                why,
            })?;
        }
        Ok(Loaded {
            name: entry.name.clone(),
            origin: entry.origin.clone(),
            sha256: bytes.sha256,
            info,
            capabilities,
            pre,
        })
    }

    /// The plugin's description: from the cache beside its artifact, else by
    /// calling `describe` once and caching the answer.
    async fn info(
        &self,
        pre: &CommandPre<HostState>,
        sha256: &str,
        entry: &Entry,
    ) -> Result<CommandInfo, PluginError> {
        let (cache_dir, key) = (self.precompiled.cache_dir(), self.precompiled.host_key());
        if let Some(info) = key.and_then(|key| description::read(cache_dir, key, sha256)) {
            return Ok(info);
        }
        let origin = entry.label();
        let context = Arc::new(RunContext::describing(&entry.name));
        let ended = instance::describe(pre, &self.limits, context).await;
        let info = ended.result.map_err(|stop| PluginError::Describe {
            origin: origin.clone(),
            why: stop.to_string(),
        })?;
        if let Some(key) = key
            && let Err(error) = description::write(cache_dir, key, sha256, &info)
        {
            tracing::debug!("cannot cache the description of {origin}: {error}");
        }
        Ok(info)
    }
}

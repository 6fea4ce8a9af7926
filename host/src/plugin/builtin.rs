//! Plugins compiled into the azlin binary by `host/build.rs`, so users never
//! copy files to get the built-in commands, and the capabilities each one is
//! allowed, fixed in this build.

use super::Capability::{self, AzureRead, AzureWrite, FileTransfer, Settings, SshExec, Terminal};
use super::precompiled::Compiled;
use super::{PluginError, capabilities};
use wasmtime::Engine;
use wasmtime::component::Component;

/// A built-in plugin component.
#[derive(Debug)]
pub struct Builtin {
    /// The command name.
    pub name: &'static str,
    /// Hex sha256 of `bytes`, computed at build time.
    pub sha256: &'static str,
    /// The component.
    pub bytes: &'static [u8],
    /// Its native code, compiled by `host/build.rs` for this build's engine.
    pub artifact: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/builtin_plugins.rs"));

/// What each built-in's imports may require, sorted. A built-in whose
/// component needs anything else, or less, is refused: changing what a
/// built-in reaches takes a reviewed edit here, not just a rebuilt plugin.
const CAPABILITIES: &[(&str, &[Capability])] = &[
    ("batch", &[AzureRead, AzureWrite, SshExec, FileTransfer]),
    ("connect", &[AzureRead, AzureWrite, Terminal]),
    ("context", &[Settings]),
    ("cp", &[AzureRead, FileTransfer]),
    ("delete", &[AzureRead, AzureWrite]),
    ("doctor", &[]),
    ("health", &[AzureRead, SshExec]),
    ("list", &[AzureRead, SshExec]),
    ("new", &[AzureRead, AzureWrite, Settings]),
    ("ps", &[AzureRead, SshExec]),
    ("session", &[AzureRead, Settings]),
    ("show", &[AzureRead]),
    ("start", &[AzureRead, AzureWrite]),
    ("status", &[AzureRead]),
    ("stop", &[AzureRead, AzureWrite]),
    ("tag", &[AzureRead, AzureWrite]),
    ("top", &[AzureRead, SshExec]),
    ("w", &[AzureRead, SshExec]),
];

/// The built-in `name` with digest `sha256`, from the native code it was
/// built with; `None` if there is none or this engine cannot load it (the
/// caller compiles the bytes instead).
pub fn precompiled(engine: &Engine, name: &str, sha256: &str) -> Option<Compiled> {
    let builtin = BUILTINS
        .iter()
        .find(|builtin| builtin.name == name && builtin.sha256 == sha256)?;
    // SAFETY: the artifact ships inside this binary, written by its build
    // script with this wasmtime from `bytes`: it is as trusted as the
    // binary. wasmtime refuses one made for another engine configuration.
    let loaded = unsafe { Component::deserialize(engine, builtin.artifact) };
    match loaded {
        Ok(component) => Some(Compiled {
            imports: capabilities::imports(engine, &component),
            component,
        }),
        Err(error) => {
            tracing::debug!("the built-in '{name}' is compiled again: {error}");
            None
        }
    }
}

/// The capabilities this build allows the built-in `name`, if it is one.
pub fn capabilities(name: &str) -> Option<&'static [Capability]> {
    CAPABILITIES
        .iter()
        .find(|(builtin, _)| *builtin == name)
        .map(|(_, capabilities)| *capabilities)
}

/// Refuses the built-in `name` if its imports need other capabilities than
/// this build allows it.
pub fn check(name: &str, found: &[Capability]) -> Result<(), PluginError> {
    let allowed = capabilities(name).unwrap_or_default();
    if found == allowed {
        return Ok(());
    }
    let list = |capabilities: &[Capability]| match capabilities {
        [] => "none".to_string(),
        _ => capabilities
            .iter()
            .map(|capability| capability.name())
            .collect::<Vec<_>>()
            .join(", "),
    };
    Err(PluginError::BuiltinCapabilities {
        name: name.into(),
        found: list(found),
        allowed: list(allowed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_has_its_capabilities_fixed_and_no_other_name_does() {
        for builtin in BUILTINS {
            assert!(
                capabilities(builtin.name).is_some(),
                "built-in '{}' has no row in CAPABILITIES",
                builtin.name
            );
        }
        for (name, capabilities) in CAPABILITIES {
            assert!(
                BUILTINS.iter().any(|builtin| builtin.name == *name),
                "CAPABILITIES names '{name}', which is not built in"
            );
            assert!(
                capabilities.is_sorted(),
                "the capabilities of '{name}' are not sorted"
            );
        }
    }

    #[test]
    fn each_builtin_needs_exactly_its_fixed_capabilities_and_loads_from_its_artifact() {
        let engine = super::super::engine().expect("an engine");
        for builtin in BUILTINS {
            let component = wasmtime::component::Component::new(&engine, builtin.bytes)
                .expect("a built-in compiles");
            let imports = super::super::capabilities::imports(&engine, &component);
            let needed = super::super::capabilities::required(&imports, builtin.name)
                .expect("a built-in's imports are served");
            assert!(check(builtin.name, &needed).is_ok(), "{}", builtin.name);
            // The native code shipped with it loads, with the same imports.
            let shipped = precompiled(&engine, builtin.name, builtin.sha256)
                .unwrap_or_else(|| panic!("'{}' loads precompiled", builtin.name));
            assert_eq!(shipped.imports, imports, "{}", builtin.name);
        }
        let other = "0".repeat(64);
        assert!(
            precompiled(&engine, "list", &other).is_none(),
            "other bytes"
        );
    }

    #[test]
    fn a_builtin_needing_more_or_less_than_fixed_is_refused() {
        assert!(check("doctor", &[]).is_ok());
        let more = check("doctor", &[Capability::SshExec]).expect_err("more than fixed");
        assert!(
            more.to_string().contains("needs capabilities ssh-exec"),
            "{more}"
        );
        assert!(more.to_string().contains("allows it none"), "{more}");
        let less = check("list", &[AzureRead]).expect_err("less than fixed");
        assert!(
            less.to_string().contains("allows it azure-read, ssh-exec"),
            "{less}"
        );
    }
}

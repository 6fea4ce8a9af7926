//! Why a plugin is refused, and why the files that decide it are unusable.

use super::file::{At, Level};
use crate::plugin::{Capability, PluginError};
use std::path::PathBuf;

/// Errors of vetting: unreadable policy or lock files, and refusals.
#[derive(Debug, thiserror::Error)]
pub enum VettingError {
    #[error("cannot read the plugin policy {path}: {source}")]
    PolicyRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the plugin policy {path} is not valid: {message}\nhint: no plugin runs until it is fixed; see docs/plugins.md for its keys"
    )]
    PolicyInvalid { path: PathBuf, message: String },
    #[error("cannot read the plugin lock file {path}: {source}")]
    LockRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the plugin lock file {path} is not valid: {message}\nhint: fix it, or move it aside and install your plugins again"
    )]
    LockInvalid { path: PathBuf, message: String },
    #[error("cannot write the plugin lock file {path}: {source}")]
    LockWrite {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "plugin '{name}' ({path}) is not installed: azlin runs only plugins whose bytes you approved\nhint: review it with `azlin plugin inspect {path}`, then `azlin plugin install {path}`"
    )]
    NotInstalled { name: String, path: PathBuf },
    #[error(
        "plugin '{name}' changed since it was approved: its sha256 is {now}, {pinned} was approved\nhint: if you trust the new bytes, review them (`azlin plugin inspect {name}`) and approve them with `azlin plugin install {path}`"
    )]
    Changed {
        name: String,
        path: PathBuf,
        pinned: String,
        now: String,
    },
    #[error("plugin '{name}' is disabled\nhint: azlin plugin enable {name}")]
    Disabled { name: String },
    #[error(
        "plugin '{name}' is not signed by a trusted publisher ({why}), and require_signature is set at {at}\nhint: {}",
        fix_at(
            at,
            "install it with its publisher's signature beside it (<file>.minisig), from a publisher listed under [[publisher]]"
        )
    )]
    Unsigned { name: String, why: String, at: At },
    #[error(
        "plugin '{name}' has a signature that does not verify: {why}\nhint: get the plugin and its .minisig again from the publisher; do not run these bytes"
    )]
    BadSignature { name: String, why: String },
    #[error(
        "plugin '{name}' is not allowed: third_party = \"deny\" at {at}, and no [[plugin]] rule there pins its sha256 or publisher\nhint: {}", fix_at(at, &format!("add a rule such as\n  [[plugin]]\n  name = \"{name}\"\n  sha256 = \"{sha256}\"\n  grants = [...]"))
    )]
    NotAllowed {
        name: String,
        sha256: String,
        at: At,
    },
    #[error(
        "plugin '{name}' needs capability {capability} ({interface}), which {who} does not grant\nhint: {fix}"
    )]
    NotGranted {
        name: String,
        capability: Capability,
        interface: &'static str,
        who: String,
        fix: String,
    },
    #[error(
        "{path} describes itself as '{name}', a built-in command; a plugin cannot replace a built-in\nhint: ask its author to rename the command"
    )]
    ReplacesBuiltin { name: String, path: PathBuf },
    #[error(
        "'{name}' is a built-in command: it is always installed and trusted\nhint: an ops team restricts built-ins with a [[plugin]] rule naming it in the system policy"
    )]
    Builtin { name: String },
    #[error(
        "no installed plugin '{name}'{}\nhint: `azlin plugin list` shows the plugins, `azlin plugin install FILE` adds one",
        nearest.as_ref().map(|nearest| format!("; did you mean '{nearest}'?")).unwrap_or_default()
    )]
    NoApproval {
        name: String,
        nearest: Option<String>,
    },
    #[error("cannot write {path}: {source}")]
    PluginWrite {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot remove {path}: {source}")]
    PluginRemove {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the signature {path}: {source}")]
    SignatureRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Plugin(#[from] PluginError),
}

impl VettingError {
    /// Whether the command line named something wrongly (exit 2), rather
    /// than the plugin or the files refusing (exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            VettingError::Builtin { .. } | VettingError::NoApproval { .. }
        )
    }
}

/// The fix for a refusal decided at `at`: the user's own file, or the ops team's.
pub fn fix_at(at: &At, fix: &str) -> String {
    match at.level {
        Level::User => format!("{fix} (in {})", at.path.display()),
        Level::System => format!(
            "the system policy {} is set by your administrators and overrides yours; ask them to {fix}",
            at.path.display()
        ),
    }
}

//! Policy, the ops teams' product: which plugins may run and with what. A third-party plugin runs
//! only if the user approved its exact bytes (`plugins.lock`), its signature
//! checks out where one is required, the policies admit it, and every
//! capability its imports need is granted; built-ins are trusted by the
//! digest compiled in with them, within what the policies allow.

mod approvals;
mod assess;
mod error;
mod file;
mod grant;
mod inspection;
mod lock;
mod signature;

pub use approvals::{Candidate, Installed, installed_entry};
pub use assess::{Kind, Policies, Subject, admit, capability, ceilings, grant, verdict};
pub use error::VettingError;
pub use file::{At, Ceilings, Level, Policy, Publisher, Rule, SYSTEM_POLICY, ThirdParty};
pub use grant::{Ceiling, Grant};
pub use inspection::{CapabilityVerdict, Inspection, Reviewed};
pub use lock::{Lock, Pinned};
pub use signature::{Signed, check as check_signature, path_for as signature_path};

use crate::config::Paths;
use crate::plugin::{Bytes, Entry, Origin};
use std::path::{Path, PathBuf};

/// The files vetting reads for one user.
#[derive(Debug, Clone)]
pub struct Vetting {
    pub lock: PathBuf,
    pub user_policy: PathBuf,
    pub system_policy: PathBuf,
}

impl Vetting {
    /// The lock file and user policy in the user's config directory, and
    /// the system policy.
    pub fn new(paths: &Paths) -> Self {
        Self {
            lock: Lock::path(&paths.config_dir),
            user_policy: paths.config_dir.join("policy.toml"),
            system_policy: system_policy(),
        }
    }

    /// The policies in force now.
    pub fn policies(&self) -> Result<Policies, VettingError> {
        Policies::load(&self.system_policy, &self.user_policy)
    }

    /// The user's approvals now.
    pub fn lock(&self) -> Result<Lock, VettingError> {
        Lock::load(&self.lock)
    }

    /// Checks that `entry`'s bytes may run at all, before they are compiled.
    pub fn admit(&self, entry: &Entry, bytes: &Bytes) -> Result<Admitted, VettingError> {
        let policies = self.policies()?;
        let (path, pinned, signed) = match &entry.origin {
            Origin::Builtin => (None, None, Signed::Unsigned),
            Origin::File(path) => {
                let pinned = self.lock()?.plugins.remove(&entry.name);
                let signed = signature::check(
                    &bytes.bytes,
                    &signature::path_for(path),
                    &policies.publishers(),
                );
                (Some(path.clone()), pinned, signed)
            }
        };
        let admitted = Admitted {
            name: entry.name.clone(),
            sha256: bytes.sha256.clone(),
            path,
            pinned,
            signed,
            policies,
        };
        admit(&admitted.subject(), &admitted.policies)?;
        Ok(admitted)
    }
}

/// The system policy: `/etc/azlin/policy.toml`, or where that file does not
/// exist, `$AZLIN_SYSTEM_POLICY` (for tests and machines without root), so a
/// user can never point azlin away from a policy their administrators set.
pub fn system_policy() -> PathBuf {
    let fixed = Path::new(SYSTEM_POLICY);
    match std::env::var_os("AZLIN_SYSTEM_POLICY") {
        Some(path) if !path.is_empty() && !fixed.exists() => PathBuf::from(path),
        _ => fixed.into(),
    }
}

/// A plugin whose bytes passed vetting, to be granted capabilities once its
/// imports are known.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub name: String,
    pub sha256: String,
    /// The file, for an installed plugin.
    pub path: Option<PathBuf>,
    pub pinned: Option<Pinned>,
    pub signed: Signed,
    pub policies: Policies,
}

impl Admitted {
    /// The plugin as the decision sees it.
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            name: &self.name,
            sha256: &self.sha256,
            signed: &self.signed,
            kind: match &self.path {
                None => Kind::Builtin,
                Some(path) => Kind::Installed {
                    path,
                    pinned: self.pinned.as_ref(),
                },
            },
        }
    }

    /// Grants what `required` needs, or refuses naming the line that would.
    pub fn grant(&self, required: &[crate::plugin::Capability]) -> Result<Grant, VettingError> {
        grant(&self.subject(), required, &self.policies)
    }
}

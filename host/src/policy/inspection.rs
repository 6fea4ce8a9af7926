//! What `azlin plugin inspect` and `verify` show of a plugin, decided here:
//! its signature, the approval of its installed file, the verdict, each
//! capability with the line that grants or refuses it, and the ceilings
//! policies set on its limits.

use super::approvals::installed_entry;
use super::{
    Grant, Kind, Pinned, Signed, Subject, Vetting, VettingError, capability, ceilings,
    check_signature, signature_path, verdict,
};
use crate::plugin::{Bytes, Capability, Catalog, Entry, Origin};

/// A plugin's bytes as reviewed: what it says it is and what its imports need.
#[derive(Debug, Clone, Copy)]
pub struct Reviewed<'a> {
    pub entry: &'a Entry,
    pub name: &'a str,
    pub version: &'a str,
    pub bytes: &'a Bytes,
    pub needs: &'a [Capability],
}

/// The judgement on one plugin.
#[derive(Debug)]
pub struct Inspection {
    pub signed: Signed,
    /// The user's approval, when `entry` is the installed file.
    pub approval: Option<Pinned>,
    pub verdict: Result<Grant, VettingError>,
    pub capabilities: Vec<CapabilityVerdict>,
    /// The ceilings policies set on its limits and scope.
    pub ceilings: Grant,
}

/// One capability: whether the plugin imports it and, if so, whether it is
/// granted (the line that grants it) or refused (the refusal).
#[derive(Debug)]
pub struct CapabilityVerdict {
    pub capability: Capability,
    pub granted: Option<Result<String, VettingError>>,
}

impl Vetting {
    /// Judges `plugin`; a file that is not the installed one is judged as
    /// if installed with every capability it needs granted.
    pub fn inspect(&self, catalog: &Catalog, plugin: Reviewed) -> Result<Inspection, VettingError> {
        let policies = self.policies()?;
        let signed = match &plugin.entry.origin {
            Origin::Builtin => Signed::Unsigned,
            Origin::File(path) => check_signature(
                &plugin.bytes.bytes,
                &signature_path(path),
                &policies.publishers(),
            ),
        };
        // The approval counts only for the installed file, not a copy elsewhere.
        let approval = self
            .lock()?
            .plugins
            .remove(plugin.name)
            .filter(|_| installed_entry(catalog, plugin.name).origin == plugin.entry.origin);
        let judged = approval.clone().unwrap_or_else(|| Pinned {
            version: plugin.version.into(),
            sha256: plugin.bytes.sha256.clone(),
            needs: Vec::new(),
            grants: plugin.needs.iter().map(|c| c.name().to_string()).collect(),
            publisher: signed.publisher().map(String::from),
            enabled: true,
        });
        let subject = Subject {
            name: plugin.name,
            sha256: &plugin.bytes.sha256,
            signed: &signed,
            kind: match &plugin.entry.origin {
                Origin::Builtin => Kind::Builtin,
                Origin::File(path) => Kind::Installed {
                    path,
                    pinned: Some(&judged),
                },
            },
        };
        let capabilities = Capability::ALL
            .into_iter()
            .map(|wanted| CapabilityVerdict {
                capability: wanted,
                granted: plugin
                    .needs
                    .contains(&wanted)
                    .then(|| capability(&subject, wanted, &policies)),
            })
            .collect();
        Ok(Inspection {
            verdict: verdict(&subject, plugin.needs, &policies),
            ceilings: ceilings(&subject, &policies),
            capabilities,
            approval,
            signed,
        })
    }

    /// The signature on the installed file `entry` with `bytes`.
    pub fn signature_on(&self, entry: &Entry, bytes: &Bytes) -> Result<Signed, VettingError> {
        let Origin::File(path) = &entry.origin else {
            return Ok(Signed::Unsigned);
        };
        let policies = self.policies()?;
        Ok(check_signature(
            &bytes.bytes,
            &signature_path(path),
            &policies.publishers(),
        ))
    }
}

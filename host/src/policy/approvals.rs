//! The user's approvals, as `azlin plugin install|enable|disable|grant|revoke|remove`
//! change them: every check and every write to `plugins.lock` and the plugin
//! directory is here, so the CLI only parses the command line and shows the result.

use super::{Grant, Kind, Lock, Pinned, Signed, Subject, Vetting, VettingError, verdict};
use crate::plugin::{Bytes, Capability, Catalog, Entry, Origin};
use std::path::{Path, PathBuf};

/// A plugin reviewed for installing: its bytes, what it says it is, and
/// what its imports need.
#[derive(Debug)]
pub struct Candidate<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub bytes: &'a Bytes,
    pub needs: &'a [Capability],
    /// The file it comes from, and its signature (found there or given).
    pub source: &'a Path,
    pub signature: &'a Path,
}

/// What installing did: where the plugin now lives, whose signature it
/// carries, and whether the policies let it run.
#[derive(Debug)]
pub struct Installed {
    pub path: PathBuf,
    pub signed: Signed,
    pub verdict: Result<Grant, VettingError>,
}

impl Vetting {
    /// Checks `candidate` before the user is asked anything: it may not
    /// replace a built-in, and a signature beside it must verify. Whose
    /// signature it carries.
    pub fn review(&self, catalog: &Catalog, candidate: &Candidate) -> Result<Signed, VettingError> {
        if catalog.is_builtin(candidate.name) {
            return Err(VettingError::ReplacesBuiltin {
                name: candidate.name.into(),
                path: candidate.source.into(),
            });
        }
        let policies = self.policies()?;
        let publishers = policies.publishers();
        let signed =
            super::check_signature(&candidate.bytes.bytes, candidate.signature, &publishers);
        match signed {
            Signed::Invalid(why) => Err(VettingError::BadSignature {
                name: candidate.name.into(),
                why,
            }),
            signed => Ok(signed),
        }
    }

    /// Installs `candidate`, [reviewed](Vetting::review) as `signed`, into
    /// `catalog`'s plugin directory with `grants`: copies its bytes and
    /// signature, pins its digest, and judges it. A plugin the policies
    /// refuse is installed all the same, with the refusal.
    pub fn install(
        &self,
        catalog: &Catalog,
        candidate: &Candidate,
        signed: Signed,
        grants: &[Capability],
    ) -> Result<Installed, VettingError> {
        let path = catalog
            .plugin_dir()
            .join(format!("{}.wasm", candidate.name));
        copy_plugin(candidate.source, &path, &candidate.bytes.bytes)?;
        copy_signature(candidate.signature, &super::signature_path(&path))?;
        let pinned = Pinned {
            version: candidate.version.into(),
            sha256: candidate.bytes.sha256.clone(),
            needs: names(candidate.needs),
            grants: names(grants),
            publisher: signed.publisher().map(String::from),
            enabled: true,
        };
        let lock = Lock::change(&self.lock, |lock| {
            lock.plugins.insert(candidate.name.into(), pinned);
        })?;
        let subject = Subject {
            name: candidate.name,
            sha256: &candidate.bytes.sha256,
            signed: &signed,
            kind: Kind::Installed {
                path: &path,
                pinned: lock.plugins.get(candidate.name),
            },
        };
        let verdict = verdict(&subject, candidate.needs, &self.policies()?);
        Ok(Installed {
            path,
            signed,
            verdict,
        })
    }

    /// The approval of the installed plugin `name`; for a built-in or a name
    /// nobody installed, an error saying so (with the nearest installed name).
    pub fn approval(&self, catalog: &Catalog, name: &str) -> Result<Pinned, VettingError> {
        let lock = self.lock()?;
        if let Some(pinned) = lock.plugins.get(name) {
            return Ok(pinned.clone());
        }
        if catalog.is_builtin(name) {
            return Err(VettingError::Builtin { name: name.into() });
        }
        let installed = lock.plugins.keys().map(String::as_str);
        Err(VettingError::NoApproval {
            name: name.into(),
            nearest: crate::nearest::nearest(name, installed).map(String::from),
        })
    }

    /// Lets `name` run again, if its file still has the approved bytes.
    pub fn enable(&self, catalog: &Catalog, name: &str) -> Result<(), VettingError> {
        let pinned = self.approval(catalog, name)?;
        let entry = installed_entry(catalog, name);
        let now = entry.read()?.sha256;
        if !now.eq_ignore_ascii_case(&pinned.sha256) {
            return Err(VettingError::Changed {
                name: name.into(),
                path: installed_path(catalog, name),
                pinned: pinned.sha256,
                now,
            });
        }
        self.save(
            name,
            Pinned {
                enabled: true,
                ..pinned
            },
        )
    }

    /// Keeps `name` installed but stops it from running.
    pub fn disable(&self, catalog: &Catalog, name: &str) -> Result<(), VettingError> {
        let pinned = self.approval(catalog, name)?;
        self.save(
            name,
            Pinned {
                enabled: false,
                ..pinned
            },
        )
    }

    /// Grants (`add`) or revokes `changed` for `name`; the grants it holds now.
    pub fn change_grants(
        &self,
        catalog: &Catalog,
        name: &str,
        changed: &[Capability],
        add: bool,
    ) -> Result<Vec<String>, VettingError> {
        let mut pinned = self.approval(catalog, name)?;
        for capability in changed {
            let capability = capability.name().to_string();
            pinned.grants.retain(|granted| granted != &capability);
            if add {
                pinned.grants.push(capability);
            }
        }
        pinned.grants.sort();
        let now = pinned.grants.clone();
        self.save(name, pinned)?;
        Ok(now)
    }

    /// Removes `name`'s file, its signature and its approval.
    pub fn remove(&self, catalog: &Catalog, name: &str) -> Result<(), VettingError> {
        self.approval(catalog, name)?;
        let path = installed_path(catalog, name);
        for file in [super::signature_path(&path), path.clone()] {
            match std::fs::remove_file(&file) {
                Err(source) if source.kind() != std::io::ErrorKind::NotFound => {
                    return Err(VettingError::PluginRemove { path: file, source });
                }
                _ => {}
            }
        }
        Lock::change(&self.lock, |lock| {
            lock.plugins.remove(name);
        })?;
        Ok(())
    }

    fn save(&self, name: &str, pinned: Pinned) -> Result<(), VettingError> {
        Lock::change(&self.lock, |lock| {
            lock.plugins.insert(name.into(), pinned);
        })?;
        Ok(())
    }
}

/// The user's plugin file for command `name`, as a catalog entry.
pub fn installed_entry(catalog: &Catalog, name: &str) -> Entry {
    Entry {
        name: name.into(),
        origin: Origin::File(installed_path(catalog, name)),
        shadowed: false,
    }
}

fn installed_path(catalog: &Catalog, name: &str) -> PathBuf {
    catalog.plugin_dir().join(format!("{name}.wasm"))
}

fn names(capabilities: &[Capability]) -> Vec<String> {
    capabilities
        .iter()
        .map(|capability| capability.name().to_string())
        .collect()
}

/// Copies the approved bytes into the plugin directory (atomically, so a
/// plugin running now never sees half a file).
fn copy_plugin(source: &Path, target: &Path, bytes: &[u8]) -> Result<(), VettingError> {
    if same_file(source, target) {
        return Ok(());
    }
    crate::atomic_file::write(target, bytes).map_err(|source| VettingError::PluginWrite {
        path: target.into(),
        source,
    })
}

/// Puts the signature beside the installed plugin, or removes a stale one.
fn copy_signature(source: &Path, target: &Path) -> Result<(), VettingError> {
    if same_file(source, target) {
        return Ok(());
    }
    let written = match std::fs::read(source) {
        Ok(bytes) => crate::atomic_file::write(target, &bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            match std::fs::remove_file(target) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
                _ => Ok(()),
            }
        }
        Err(error) => {
            return Err(VettingError::SignatureRead {
                path: source.into(),
                source: error,
            });
        }
    };
    written.map_err(|source| VettingError::PluginWrite {
        path: target.into(),
        source,
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

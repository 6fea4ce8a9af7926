//! `azlin plugin enable|disable|grant|revoke|remove`: changes to what the
//! user approved, written to `plugins.lock`.

use super::{Usage, approval, capabilities, installed_entry};
use crate::cli::settings::Settings;
use crate::plugin::{Catalog, Origin};
use crate::policy::{Lock, Pinned, Vetting, VettingError, signature_path};
use crate::runtime::Event;

/// The user's vetting files and catalog.
fn files(settings: &Settings) -> (Vetting, Catalog) {
    (
        Vetting::new(&settings.paths),
        Catalog::new(&settings.paths.plugin_dir),
    )
}

/// `enable NAME`: refused if the file changed since it was approved.
pub fn enable(name: &str, settings: &Settings) -> anyhow::Result<Vec<Event>> {
    let (vetting, catalog) = files(settings);
    let pinned = approval(&vetting, &catalog, name)?;
    let entry = installed_entry(&catalog, name);
    let bytes = entry.read()?;
    if !bytes.sha256.eq_ignore_ascii_case(&pinned.sha256) {
        let Origin::File(path) = entry.origin else {
            unreachable!("an installed entry is a file")
        };
        return Err(VettingError::Changed {
            name: name.into(),
            path,
            pinned: pinned.sha256,
            now: bytes.sha256,
        }
        .into());
    }
    save(
        &vetting,
        name,
        Pinned {
            enabled: true,
            ..pinned
        },
    )?;
    Ok(vec![Event::Text(format!("enabled '{name}'"))])
}

/// `disable NAME`.
pub fn disable(name: &str, settings: &Settings) -> anyhow::Result<Vec<Event>> {
    let (vetting, catalog) = files(settings);
    let pinned = approval(&vetting, &catalog, name)?;
    save(
        &vetting,
        name,
        Pinned {
            enabled: false,
            ..pinned
        },
    )?;
    Ok(vec![Event::Text(format!(
        "disabled '{name}': it stays installed, and `azlin plugin enable {name}` lets it run again"
    ))])
}

/// `grant NAME CAP…`.
pub fn grant(name: &str, names: &[String], settings: &Settings) -> anyhow::Result<Vec<Event>> {
    change_grants(name, names, settings, true)
}

/// `revoke NAME CAP…`.
pub fn revoke(name: &str, names: &[String], settings: &Settings) -> anyhow::Result<Vec<Event>> {
    change_grants(name, names, settings, false)
}

fn change_grants(
    name: &str,
    names: &[String],
    settings: &Settings,
    add: bool,
) -> anyhow::Result<Vec<Event>> {
    let changed = capabilities(names).map_err(Usage)?;
    let (vetting, catalog) = files(settings);
    let mut pinned = approval(&vetting, &catalog, name)?;
    for capability in changed {
        let capability = capability.name().to_string();
        pinned.grants.retain(|granted| granted != &capability);
        if add {
            pinned.grants.push(capability);
        }
    }
    pinned.grants.sort();
    let now = match pinned.grants.is_empty() {
        true => "nothing".to_string(),
        false => pinned.grants.join(", "),
    };
    save(&vetting, name, pinned)?;
    Ok(vec![Event::Text(format!("'{name}' is granted: {now}"))])
}

/// `remove NAME`: the file, its signature and its approval.
pub fn remove(name: &str, settings: &Settings) -> anyhow::Result<Vec<Event>> {
    let (vetting, catalog) = files(settings);
    approval(&vetting, &catalog, name)?;
    let Origin::File(path) = installed_entry(&catalog, name).origin else {
        unreachable!("an installed entry is a file")
    };
    for file in [signature_path(&path), path.clone()] {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => anyhow::bail!("cannot remove {}: {error}", file.display()),
        }
    }
    Lock::change(&vetting.lock, |lock| {
        lock.plugins.remove(name);
    })?;
    Ok(vec![Event::Text(format!("removed '{name}'"))])
}

fn save(vetting: &Vetting, name: &str, pinned: Pinned) -> anyhow::Result<()> {
    Lock::change(&vetting.lock, |lock| {
        lock.plugins.insert(name.into(), pinned);
    })?;
    Ok(())
}

//! `azlin plugin enable|disable|grant|revoke|remove`: changes to what the
//! user approved, made by the policy module and told here.

use super::{Usage, capabilities};
use crate::cli::settings::Settings;
use crate::plugin::Catalog;
use crate::policy::Vetting;
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
    vetting.enable(&catalog, name)?;
    Ok(vec![Event::Text(format!("enabled '{name}'"))])
}

/// `disable NAME`.
pub fn disable(name: &str, settings: &Settings) -> anyhow::Result<Vec<Event>> {
    let (vetting, catalog) = files(settings);
    vetting.disable(&catalog, name)?;
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
    let now = vetting.change_grants(&catalog, name, &changed, add)?;
    let now = match now.is_empty() {
        true => "nothing".to_string(),
        false => now.join(", "),
    };
    Ok(vec![Event::Text(format!("'{name}' is granted: {now}"))])
}

/// `remove NAME`: the file, its signature and its approval.
pub fn remove(name: &str, settings: &Settings) -> anyhow::Result<Vec<Event>> {
    let (vetting, catalog) = files(settings);
    vetting.remove(&catalog, name)?;
    Ok(vec![Event::Text(format!("removed '{name}'"))])
}

//! `azlin plugin verify [NAME]`: every installed plugin's bytes and
//! signature checked against what was approved, and the policies' verdict.

use super::{Shown, signature_text};
use crate::cli::settings::Settings;
use crate::plugin::Origin;
use crate::policy::installed_entry;
use crate::runtime::{Align, Column, Event, Runtime, Value};

/// Lists each installed plugin with `ok`, `disabled`, or what is wrong;
/// exits 1 if any plugin's bytes, signature or grants fail.
pub async fn run(name: Option<&str>, settings: &Settings) -> anyhow::Result<Shown> {
    let runtime = Runtime::new(&settings.paths)?;
    let (vetting, catalog) = (runtime.vetting(), runtime.catalog());
    let lock = vetting.lock()?;
    if let Some(name) = name {
        vetting.approval(catalog, name)?;
    }
    let mut events = vec![Event::Table {
        name: "plugins".into(),
        columns: vec![
            Column::new("name", "Name", Align::Left),
            Column::new("sha256", "Approved SHA-256", Align::Left),
            Column::new("signature", "Signature", Align::Left),
            Column::new("status", "Status", Align::Left),
        ],
    }];
    let mut failed = false;
    for (installed, pinned) in &lock.plugins {
        if name.is_some_and(|name| name != installed) {
            continue;
        }
        let entry = installed_entry(catalog, installed);
        let Origin::File(path) = &entry.origin else {
            unreachable!("an installed entry is a file")
        };
        let signature = match entry.read() {
            Ok(bytes) => Value::Text(signature_text(&vetting.signature_on(&entry, &bytes)?)),
            Err(_) => Value::Empty,
        };
        let status = if !path.is_file() {
            failed = true;
            format!(
                "missing: {} (install it again, or `azlin plugin remove {installed}`)",
                path.display()
            )
        } else if !pinned.enabled {
            "disabled".to_string()
        } else {
            match runtime.admit(&entry).await {
                Ok(_) => "ok".to_string(),
                Err(error) => {
                    failed = true;
                    error
                        .to_string()
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_string()
                }
            }
        };
        events.push(Event::Row(vec![
            Value::Text(installed.clone()),
            Value::Text(pinned.sha256.clone()),
            signature,
            Value::Text(status),
        ]));
    }
    if name.is_none() {
        for entry in catalog.entries()? {
            if let Origin::File(path) = &entry.origin
                && !entry.shadowed
                && !lock.plugins.contains_key(&entry.name)
            {
                events.push(Event::Warning(format!(
                    "{} is not installed, so it does not run (`azlin plugin install {}` approves it)",
                    path.display(),
                    path.display()
                )));
            }
        }
    }
    Ok(Shown {
        events,
        code: u8::from(failed),
    })
}

//! `azlin plugin list`: every plugin with its version, digest, the
//! capabilities its imports require, and whether vetting lets it run.

use crate::cli::settings::Settings;
use crate::cli::show_run;
use crate::plugin::{Entry, Loaded};
use crate::runtime::{Align, Column, Event, Runtime, Value};

/// Lists the plugins; one that is refused or fails to load is listed with the reason.
pub async fn run(settings: &Settings) -> anyhow::Result<u8> {
    let runtime = Runtime::new(&settings.paths)?;
    let mut events = vec![Event::Table {
        name: "plugins".into(),
        columns: vec![
            Column::new("name", "Name", Align::Left),
            Column::new("version", "Version", Align::Left),
            Column::new("source", "Source", Align::Left),
            Column::new("capabilities", "Capabilities", Align::Left),
            Column::new("sha256", "SHA-256", Align::Left),
            Column::new("status", "Status", Align::Left),
        ],
    }];
    for entry in runtime.catalog().entries()? {
        let row = if entry.shadowed {
            unloaded_row(&entry, "shadowed by the built-in of the same name".into())
        } else {
            match runtime.load_entry(&entry).await {
                Ok(loaded) => loaded_row(&loaded),
                Err(error) => unloaded_row(&entry, error.to_string()),
            }
        };
        events.push(Event::Row(row));
    }
    show_run::events(events, settings).await
}

fn loaded_row(loaded: &Loaded) -> Vec<Value> {
    vec![
        Value::Text(loaded.name.clone()),
        Value::Text(loaded.info.version.clone()),
        Value::Text(loaded.origin.to_string()),
        Value::Texts(
            loaded
                .capabilities
                .iter()
                .map(ToString::to_string)
                .collect(),
        ),
        Value::Text(loaded.sha256.clone()),
        Value::Text("ok".into()),
    ]
}

/// A plugin that is not run: its digest if readable, and why (first line).
fn unloaded_row(entry: &Entry, why: String) -> Vec<Value> {
    let sha256 = entry
        .read()
        .map_or(Value::Empty, |bytes| Value::Text(bytes.sha256));
    let status = why.lines().next().unwrap_or_default().to_string();
    vec![
        Value::Text(entry.name.clone()),
        Value::Empty,
        Value::Text(entry.origin.to_string()),
        Value::Empty,
        sha256,
        Value::Text(status),
    ]
}

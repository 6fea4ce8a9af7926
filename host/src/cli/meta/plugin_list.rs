//! `azlin plugin list`: every plugin with its version, digest and the
//! capabilities its imports require.

use crate::cli::settings::Settings;
use crate::cli::{catalog_view, present};
use crate::runtime::{Align, Column, Event, Runtime, Value};

/// Lists the plugins; one that fails to load is listed with the reason.
pub async fn run(settings: &Settings) -> anyhow::Result<u8> {
    let runtime = Runtime::new(&settings.paths)?;
    let mut events = vec![Event::Table {
        name: "plugins".into(),
        columns: vec![
            column("name", "Name"),
            column("version", "Version"),
            column("source", "Source"),
            column("capabilities", "Capabilities"),
            column("sha256", "SHA-256"),
            column("status", "Status"),
        ],
    }];
    for entry in runtime.catalog().entries()? {
        if entry.shadowed {
            let sha256 = entry
                .read()
                .map(|bytes| Value::Text(bytes.sha256))
                .unwrap_or(Value::Empty);
            events.push(Event::Row(vec![
                Value::Text(entry.name.clone()),
                Value::Empty,
                Value::Text(entry.origin.to_string()),
                Value::Empty,
                sha256,
                Value::Text("shadowed by the built-in of the same name".into()),
            ]));
            continue;
        }
        events.push(Event::Row(match runtime.load_entry(&entry).await {
            Ok(loaded) => vec![
                Value::Text(loaded.name.clone()),
                Value::Text(loaded.info.version.clone()),
                Value::Text(loaded.origin.to_string()),
                Value::Texts(
                    loaded
                        .capabilities
                        .iter()
                        .map(|capability| capability.to_string())
                        .collect(),
                ),
                Value::Text(loaded.sha256.clone()),
                Value::Text("ok".into()),
            ],
            Err(error) => vec![
                Value::Text(entry.name.clone()),
                Value::Empty,
                Value::Text(entry.origin.to_string()),
                Value::Empty,
                entry
                    .read()
                    .map(|bytes| Value::Text(bytes.sha256))
                    .unwrap_or(Value::Empty),
                Value::Text(
                    error
                        .to_string()
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                ),
            ],
        }));
    }
    let _ = catalog_view::plugins;
    present::events(events, settings).await
}

fn column(key: &str, title: &str) -> Column {
    Column {
        key: key.into(),
        title: title.into(),
        align: Align::Left,
    }
}

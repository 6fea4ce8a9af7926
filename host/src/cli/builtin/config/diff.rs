//! `azlin config diff [FILE] [--all]`: the settings config.toml sets that
//! differ from the defaults (or from another config file).

use crate::cli::settings::Settings;
use crate::cli::show_run;
use crate::config::{Config, display_value, known_keys};
use crate::runtime::{Align, Column, Event, Format, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Shows one row per setting that differs (every known one with `all`).
pub async fn run(
    file: Option<&Path>,
    all: bool,
    format: Option<&str>,
    settings: &Settings,
) -> anyhow::Result<u8> {
    let current = flatten(&settings.config);
    let (baseline, against) = match file {
        Some(file) => (flatten(&Config::load(file)?), file.display().to_string()),
        None => {
            let home = dirs::home_dir().unwrap_or_default();
            let defaults = known_keys::defaults(&home).into_iter().collect();
            (defaults, "default".to_string())
        }
    };
    let mut keys: Vec<&String> = current.keys().chain(baseline.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut events = vec![Event::Table {
        name: "settings".into(),
        columns: vec![
            Column::new("key", "Key", Align::Left),
            Column::new("value", "Value", Align::Left),
            Column::new("baseline", &title(&against), Align::Left),
        ],
    }];
    let mut differing = 0;
    for key in keys {
        let (value, base) = (current.get(key), baseline.get(key));
        let differs = value.is_some() && value != base;
        differing += usize::from(differs);
        if differs || all {
            let cell =
                |text: Option<&String>| text.map_or(Value::Empty, |t| Value::Text(t.clone()));
            events.push(Event::Row(vec![
                Value::Text(key.clone()),
                cell(value),
                cell(base),
            ]));
        }
    }
    if differing == 0 && !all {
        events.push(Event::Text(format!(
            "{} sets nothing that differs from the {against} values",
            settings.config.path().display()
        )));
    }
    let mut settings = settings.clone();
    if format == Some("json") {
        settings.format = Format::Json;
    }
    show_run::events(events, &settings).await
}

fn title(against: &str) -> String {
    match against {
        "default" => "Default".into(),
        file => format!("In {file}"),
    }
}

/// Every scalar setting of `config` by dotted key (a section's keys one level deep).
fn flatten(config: &Config) -> BTreeMap<String, String> {
    let mut flat = BTreeMap::new();
    for (key, value) in config.table() {
        match value {
            toml::Value::Table(section) => {
                for (inner, value) in section {
                    flat.insert(format!("{key}.{inner}"), display_value(value));
                }
            }
            value => {
                flat.insert(key.clone(), display_value(value));
            }
        }
    }
    flat
}

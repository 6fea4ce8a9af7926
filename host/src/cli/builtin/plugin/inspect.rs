//! `azlin plugin inspect NAME|FILE`: what a plugin would be given and why —
//! its digest and signature, each capability with the line that grants or
//! refuses it, and its limits with where each comes from.

use super::{Usage, signature_text};
use crate::cli::settings::Settings;
use crate::config::Config;
use crate::plugin::{Entry, Loaded, Origin};
use crate::policy::{At, CapabilityVerdict, Grant, Inspection, Reviewed, installed_entry};
use crate::runtime::{Align, Column, Event, Runtime, Value};
use std::path::PathBuf;

/// Describes the plugin `target` names: a built-in, an installed plugin, or
/// a file (judged as if installed with `--yes`).
pub async fn run(target: &str, settings: &Settings) -> anyhow::Result<Vec<Event>> {
    let runtime = Runtime::new(&settings.paths)?;
    let entry = resolve(&runtime, target)?;
    let bytes = entry.read()?;
    let loaded = runtime.review(&entry, bytes.clone()).await?;
    let inspection = runtime.vetting().inspect(
        runtime.catalog(),
        Reviewed {
            entry: &entry,
            name: &loaded.info.name,
            version: &loaded.info.version,
            bytes: &bytes,
            needs: &loaded.capabilities,
        },
    )?;
    let mut events = vec![summary(&entry, &loaded, &inspection)];
    events.extend(capabilities(&inspection.capabilities));
    events.extend(limits(&inspection.ceilings, settings));
    Ok(events)
}

/// The entry `target` names: a path to a file, else a command name.
fn resolve(runtime: &Runtime, target: &str) -> anyhow::Result<Entry> {
    let catalog = runtime.catalog();
    if target.contains('/') || target.ends_with(".wasm") {
        let path = PathBuf::from(target);
        if !path.is_file() {
            return Err(Usage(format!("no plugin file {target}")).into());
        }
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        return Ok(Entry {
            name,
            origin: Origin::File(path),
            shadowed: false,
        });
    }
    if let Some(entry) = catalog.find(target) {
        return Ok(entry);
    }
    if runtime.vetting().lock()?.plugins.contains_key(target) {
        return Ok(installed_entry(catalog, target));
    }
    Err(Usage(format!(
        "no plugin '{target}'\nhint: name a built-in or installed plugin (`azlin plugin list`), or a .wasm file"
    ))
    .into())
}

fn summary(entry: &Entry, loaded: &Loaded, inspection: &Inspection) -> Event {
    let text = |value: &str| Value::Text(value.into());
    let (approved, enabled) = match (&entry.origin, &inspection.approval) {
        (Origin::Builtin, _) => (
            text("built in (trusted by the digest compiled into azlin)"),
            Value::Boolean(true),
        ),
        (Origin::File(_), Some(pinned)) => (text(&pinned.sha256), Value::Boolean(pinned.enabled)),
        (Origin::File(_), None) => (
            text("not installed (judged as if installed with --yes)"),
            Value::Empty,
        ),
    };
    let signature = match &entry.origin {
        Origin::Builtin => Value::Empty,
        Origin::File(_) => Value::Text(signature_text(&inspection.signed)),
    };
    let (verdict, fix) = match &inspection.verdict {
        Ok(_) => (text("runs"), Value::Empty),
        Err(refusal) => {
            let message = refusal.to_string();
            let (first, hint) = message.split_once("\nhint: ").unwrap_or((&message, ""));
            (
                Value::Text(format!("refused: {first}")),
                if hint.is_empty() {
                    Value::Empty
                } else {
                    text(hint)
                },
            )
        }
    };
    Event::Record {
        name: "plugin".into(),
        fields: vec![
            ("name".into(), Value::Text(loaded.info.name.clone())),
            ("version".into(), Value::Text(loaded.info.version.clone())),
            ("source".into(), Value::Text(entry.origin.to_string())),
            ("sha256".into(), Value::Text(loaded.sha256.clone())),
            ("approved".into(), approved),
            ("enabled".into(), enabled),
            ("signature".into(), signature),
            ("verdict".into(), verdict),
            ("fix".into(), fix),
        ],
    }
}

/// Every capability: whether the plugin imports it, and whether (and why) it
/// is granted.
fn capabilities(verdicts: &[CapabilityVerdict]) -> Vec<Event> {
    let mut events = vec![Event::Table {
        name: "capabilities".into(),
        columns: vec![
            Column::new("capability", "Capability", Align::Left),
            Column::new("interface", "Interface", Align::Left),
            Column::new("imported", "Imported", Align::Left),
            Column::new("granted", "Granted", Align::Left),
            Column::new("why", "Why", Align::Left),
        ],
    }];
    for CapabilityVerdict {
        capability,
        granted,
    } in verdicts
    {
        let imported = granted.is_some();
        let (granted, why) = match granted {
            None => (Value::Empty, "not imported".to_string()),
            Some(Ok(why)) => (Value::Boolean(true), why.clone()),
            Some(Err(refusal)) => {
                let message = refusal.to_string();
                let hint = message
                    .split_once("\nhint: ")
                    .map_or(message.as_str(), |(_, hint)| hint);
                (Value::Boolean(false), hint.to_string())
            }
        };
        events.push(Event::Row(vec![
            Value::Text(capability.name().into()),
            Value::Text(capability.interface().into()),
            Value::Boolean(imported),
            granted,
            Value::Text(why),
        ]));
    }
    events
}

/// The limits a run would get, and where each comes from.
fn limits(grant: &Grant, settings: &Settings) -> Vec<Event> {
    let configured = settings.limits;
    let capped = grant.cap(configured);
    let source = |ceiling: Option<&At>, lowered: bool, key: &str| match ceiling {
        Some(at) if lowered => at.to_string(),
        _ => config_source(&settings.config, key),
    };
    let mut rows = vec![
        (
            "memory",
            format!("{} MiB", capped.memory_bytes >> 20),
            source(
                grant.memory_bytes.as_ref().map(|ceiling| &ceiling.at),
                capped.memory_bytes < configured.memory_bytes,
                "memory_mib",
            ),
        ),
        (
            "cpu time",
            format!("{:.1} s", capped.cpu_time.as_secs_f64()),
            source(
                grant.cpu_time.as_ref().map(|ceiling| &ceiling.at),
                capped.cpu_time < configured.cpu_time,
                "cpu_seconds",
            ),
        ),
        (
            "wall time",
            format!("{:.0} s", capped.wall_time.as_secs_f64()),
            source(
                grant.wall_time.as_ref().map(|ceiling| &ceiling.at),
                capped.wall_time < configured.wall_time,
                "wall_seconds",
            ),
        ),
        (
            "output",
            format!("{} MiB", capped.output_bytes >> 20),
            source(
                grant.output_bytes.as_ref().map(|ceiling| &ceiling.at),
                capped.output_bytes < configured.output_bytes,
                "output_mib",
            ),
        ),
    ];
    let unlimited = || ("any".to_string(), "no policy limits it".to_string());
    let (hosts, hosts_at) = grant
        .scope
        .max_hosts
        .as_ref()
        .map_or_else(unlimited, |max| (max.value.to_string(), max.at.to_string()));
    rows.push(("hosts per fan-out", hosts, hosts_at));
    let (groups, groups_at) = grant
        .scope
        .resource_groups
        .as_ref()
        .map_or_else(unlimited, |groups| {
            (groups.value.join(", "), groups.at.to_string())
        });
    rows.push(("resource groups", groups, groups_at));
    let mut events = vec![Event::Table {
        name: "limits".into(),
        columns: vec![
            Column::new("limit", "Limit", Align::Left),
            Column::new("value", "Value", Align::Right),
            Column::new("source", "Set by", Align::Left),
        ],
    }];
    events.extend(rows.into_iter().map(|(limit, value, source)| {
        Event::Row(vec![
            Value::Text(limit.into()),
            Value::Text(value),
            Value::Text(source),
        ])
    }));
    events
}

/// Where a `[plugin_limits]` value comes from when no policy lowers it.
fn config_source(config: &Config, key: &str) -> String {
    let set = config
        .table()
        .get("plugin_limits")
        .and_then(|section| section.get(key))
        .is_some();
    match set {
        true => format!("{} [plugin_limits] {key}", config.path().display()),
        false => "default".into(),
    }
}

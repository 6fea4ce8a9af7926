//! `azlin config`: show, read and change settings in config.toml, keeping
//! the user's comments and any keys azlin does not know.

mod diff;
mod init;

use crate::cli::args::ConfigCommand;
use crate::cli::settings::Settings;
use crate::cli::show_run;
use crate::config::{self, display_value, known_keys};
use crate::runtime::{Event, Value};

/// Runs `azlin config [COMMAND]`.
pub async fn run(command: Option<ConfigCommand>, settings: &Settings) -> anyhow::Result<u8> {
    let path = settings.paths.config_file.clone();
    match command.unwrap_or(ConfigCommand::Show) {
        ConfigCommand::Show => show(settings).await,
        ConfigCommand::Path => {
            println!("{}", path.display());
            Ok(0)
        }
        ConfigCommand::Get { key } => match settings.config.get(&key) {
            Some(value) => {
                println!("{}", display_value(value));
                Ok(0)
            }
            None => {
                eprintln!("error: '{key}' is not set in {}", path.display());
                Ok(1)
            }
        },
        ConfigCommand::Set { key, value, force } => {
            if !force && !known_keys::is_known(&key) {
                return unknown_key(&key, settings);
            }
            config::edit(&path, &key, Some(&value))?;
            eprintln!("set {key} in {}", path.display());
            Ok(0)
        }
        ConfigCommand::Diff { file, all, format } => {
            diff::run(file.as_deref(), all, format.as_deref(), settings).await
        }
        ConfigCommand::Init {
            resource_group,
            region,
            vm_size,
            force,
        } => init::run(resource_group.as_deref(), &region, &vm_size, force, &path),
        ConfigCommand::Unset { key } => {
            if config::edit(&path, &key, None)? {
                eprintln!("removed {key} from {}", path.display());
                Ok(0)
            } else {
                eprintln!("error: '{key}' is not set in {}", path.display());
                Ok(1)
            }
        }
    }
}

/// Refuses a key azlin does not read (exit 2), naming the nearest one.
fn unknown_key(key: &str, settings: &Settings) -> anyhow::Result<u8> {
    let known: Vec<String> = known_keys::all().collect();
    // A key named by its last word (`resource_group`) means the one ending so.
    let ending = known
        .iter()
        .find(|known| known.ends_with(&format!("_{key}")) || known.ends_with(&format!(".{key}")));
    let nearest = ending
        .map(String::as_str)
        .or_else(|| crate::nearest::nearest(key, known.iter().map(String::as_str)));
    let mut message = format!("'{key}' is not a setting azlin reads");
    if let Some(nearest) = nearest {
        message.push_str(&format!("; did you mean '{nearest}'?"));
    }
    message.push_str(
        "\nhint: `azlin config diff --all` lists the settings; pass --force to write it anyway",
    );
    crate::render::error(
        &mut std::io::stderr(),
        &message,
        settings.style.color_stderr,
    )?;
    Ok(2)
}

async fn show(settings: &Settings) -> anyhow::Result<u8> {
    let fields: Vec<(String, Value)> = settings
        .config
        .table()
        .iter()
        .map(|(key, value)| (key.clone(), Value::Text(display_value(value))))
        .collect();
    let mut events = Vec::new();
    if fields.is_empty() {
        events.push(Event::Text(format!(
            "no settings in {}",
            settings.paths.config_file.display()
        )));
    } else {
        events.push(Event::Record {
            name: "config".into(),
            fields,
        });
    }
    show_run::events(events, settings).await
}

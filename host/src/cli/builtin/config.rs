//! `azlin config`: show, read and change settings in config.toml, keeping
//! the user's comments and any keys azlin does not know.

use crate::cli::args::ConfigCommand;
use crate::cli::settings::Settings;
use crate::cli::show_run;
use crate::config::{self, display_value};
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
        ConfigCommand::Set { key, value } => {
            config::edit(&path, &key, Some(&value))?;
            eprintln!("set {key} in {}", path.display());
            Ok(0)
        }
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

//! `azlin plugin …`: list, install and approve, enable and disable, grant
//! and revoke, remove, verify and inspect command plugins.

mod approval;
mod inspect;
mod install;
mod list;
mod verify;

use crate::cli::args::PluginCommand;
use crate::cli::settings::Settings;
use crate::cli::show_run;
use crate::plugin::Capability;
use crate::policy::{Signed, VettingError};
use crate::render;
use crate::runtime::Event;

/// Exit code for a command line that cannot be understood.
const EXIT_USAGE: u8 = 2;

/// A command line that names something wrongly (exit 2); the text says what.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Usage(String);

/// What a subcommand shows, and its exit code.
#[derive(Debug)]
struct Shown {
    events: Vec<Event>,
    code: u8,
}

impl From<Vec<Event>> for Shown {
    fn from(events: Vec<Event>) -> Self {
        Self { events, code: 0 }
    }
}

/// Runs `azlin plugin COMMAND`.
pub async fn run(command: PluginCommand, settings: &Settings) -> anyhow::Result<u8> {
    let shown = match command {
        PluginCommand::List => return list::run(settings).await,
        PluginCommand::Verify { name } => verify::run(name.as_deref(), settings).await,
        PluginCommand::Install {
            file,
            grant,
            yes,
            signature,
        } => {
            let request = install::Request {
                file,
                grant,
                yes,
                signature,
            };
            install::run(request, settings).await.map(Shown::from)
        }
        PluginCommand::Inspect { plugin } => inspect::run(&plugin, settings).await.map(Shown::from),
        PluginCommand::Enable { name } => approval::enable(&name, settings).map(Shown::from),
        PluginCommand::Disable { name } => approval::disable(&name, settings).map(Shown::from),
        PluginCommand::Grant { name, capabilities } => {
            approval::grant(&name, &capabilities, settings).map(Shown::from)
        }
        PluginCommand::Revoke { name, capabilities } => {
            approval::revoke(&name, &capabilities, settings).map(Shown::from)
        }
        PluginCommand::Remove { name } => approval::remove(&name, settings).map(Shown::from),
    };
    match shown {
        Ok(shown) => {
            let code = show_run::events(shown.events, settings).await?;
            Ok(code.max(shown.code))
        }
        Err(error) => match usage(error) {
            Ok(message) => {
                render::error(
                    &mut std::io::stderr(),
                    &message,
                    settings.style.color_stderr,
                )?;
                Ok(EXIT_USAGE)
            }
            Err(error) => Err(error),
        },
    }
}

/// The message of an error that names something wrongly on the command
/// line (exit 2), or the error itself.
fn usage(error: anyhow::Error) -> Result<String, anyhow::Error> {
    let error = match error.downcast::<Usage>() {
        Ok(Usage(message)) => return Ok(message),
        Err(error) => error,
    };
    match error.downcast::<VettingError>() {
        Ok(refusal) if refusal.is_usage() => Ok(refusal.to_string()),
        Ok(refusal) => Err(refusal.into()),
        Err(error) => Err(error),
    }
}

/// A signature as `inspect` and `verify` show it.
fn signature_text(signed: &Signed) -> String {
    match signed {
        Signed::Unsigned => "none".into(),
        Signed::By(publisher) => format!("verified: {publisher}"),
        Signed::Untrusted(why) => format!("not verified: {why}"),
        Signed::Invalid(why) => format!("INVALID: {why}"),
    }
}

/// Capabilities named on the command line, or the message for an unknown one.
fn capabilities(names: &[String]) -> Result<Vec<Capability>, String> {
    let mut found = Vec::new();
    for name in names
        .iter()
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
    {
        let capability = Capability::from_name(name).ok_or_else(|| {
            format!(
                "unknown capability '{name}'\nhint: capabilities are {}",
                Capability::ALL.map(Capability::name).join(", ")
            )
        })?;
        if !found.contains(&capability) {
            found.push(capability);
        }
    }
    found.sort();
    Ok(found)
}

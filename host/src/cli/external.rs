//! Every command that is not a meta-command: found in the plugin catalog,
//! its arguments parsed against its own description, then run and shown.

use super::args::GlobalArgs;
use super::settings::Settings;
use super::{catalog_view, plugin_args, show_run};
use crate::agent;
use crate::config::{Paths, Scope};
use crate::plugin::{Catalog, description};
use crate::render;
use crate::runtime::{LoadError, RunRequest, Runtime};
use clap::FromArgMatches;
use std::ffi::OsString;

/// Exit code for a command line that cannot be understood.
const EXIT_USAGE: u8 = 2;

/// Runs the plugin named by `args[0]` with the rest of `args`.
pub async fn run(args: Vec<OsString>, global: &GlobalArgs) -> anyhow::Result<u8> {
    let args: Vec<String> = args
        .into_iter()
        .map(|arg| {
            arg.into_string()
                .map_err(|arg| anyhow::anyhow!("argument {arg:?} is not valid UTF-8"))
        })
        .collect::<anyhow::Result<_>>()?;
    let name = args[0].clone();
    let paths = Paths::resolve(global.config.clone())?;
    if name == "help" {
        let runtime = Runtime::new(&paths)?;
        return help(&runtime, args.get(1)).await;
    }
    // A description cached for these bytes is enough to parse the command
    // line for the agent: no engine is started and no plugin loaded.
    let catalog = Catalog::new(&paths.plugin_dir);
    // Otherwise the plugin is admitted here, and a run in this process
    // takes that admission rather than vetting the plugin again.
    let (runtime, admitted, info) = match description::cached(&catalog, &paths, &name) {
        Some(info) => (None, None, info),
        None => {
            let runtime = Runtime::new(&paths)?;
            let (loaded, admitted) = match runtime.admit_named(&name).await {
                Ok(admitted) => (admitted.0.clone(), Some(admitted)),
                Err(LoadError::NotFound(_)) => {
                    match catalog_view::by_alias(&runtime, &name).await {
                        Some(loaded) => (loaded, None),
                        None => return Ok(unknown_command(&runtime, &name).await),
                    }
                }
                Err(error) => return Err(error.into()),
            };
            (Some(runtime), admitted, loaded.info.clone())
        }
    };
    let matches = match plugin_args::command(&info, &name).try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(error) => {
            error.print()?;
            return Ok(error.exit_code().clamp(0, 255) as u8);
        }
    };
    let global = global.merged(GlobalArgs::from_arg_matches(&matches)?);
    let settings = Settings::resolve_at(&global, paths.clone())?;
    let request = RunRequest {
        command: info.name.clone(),
        arguments: plugin_args::arguments(&info, &matches, &args),
        invocation: settings.invocation(&name),
        config: settings.config.clone(),
        paths: settings.paths.clone(),
        scope: Scope::for_run(&settings.paths, &settings.config),
        limits: settings.limits,
    };
    if settings.agent.enabled {
        match agent::run(request.clone(), settings.agent.idle_timeout).await {
            Ok(handle) => return show_run::run(handle, &settings).await,
            Err(error) => {
                let message = format!("{error}; running the command in this process");
                render::warn(
                    &mut std::io::stderr(),
                    &message,
                    settings.style.color_stderr,
                )?;
            }
        }
    }
    let runtime = match runtime {
        Some(runtime) => runtime,
        None => Runtime::new(&paths)?,
    };
    show_run::run(runtime.run_admitted(request, admitted), &settings).await
}

/// `azlin help [COMMAND]`: the root help with every plugin, or a command's help.
async fn help(runtime: &Runtime, command: Option<&String>) -> anyhow::Result<u8> {
    let Some(command) = command else {
        catalog_view::root_command(runtime, false)
            .await
            .print_long_help()?;
        return Ok(0);
    };
    let loaded = match runtime.load(command).await {
        Ok(loaded) => loaded,
        Err(LoadError::NotFound(_)) => match catalog_view::by_alias(runtime, command).await {
            Some(loaded) => loaded,
            None => return Ok(unknown_command(runtime, command).await),
        },
        Err(error) => return Err(error.into()),
    };
    plugin_args::command(&loaded.info, command).print_long_help()?;
    Ok(0)
}

/// Says the command is unknown, suggesting the nearest name.
async fn unknown_command(runtime: &Runtime, name: &str) -> u8 {
    let names = catalog_view::command_names(runtime).await;
    let mut message = format!("error: unknown command '{name}'\n");
    if let Some(nearest) = crate::nearest::nearest(name, names.iter().map(String::as_str)) {
        message.push_str(&format!("\n  tip: a similar command exists: '{nearest}'\n"));
    }
    message.push_str(
        "\nrun 'azlin --help' to see every command, 'azlin plugin list' to see the plugins",
    );
    eprintln!("{message}");
    EXIT_USAGE
}

//! The command line: parse, dispatch to a meta-command or a plugin, render,
//! and turn the result into an exit code.

mod args;
mod builtin;
mod catalog_view;
mod external;
mod logging;
mod plugin_args;
mod settings;
mod show_run;

pub use args::{Cli, GlobalArgs};

use args::BuiltinCommand;
use clap::Parser;
use clap::error::ErrorKind;
use settings::Settings;
use std::process::ExitCode;

/// Runs azlin with the process's arguments.
pub fn main() -> ExitCode {
    let raw: Vec<_> = std::env::args_os().collect();
    logging::init(logging::verbosity_in(&raw));
    // The agent serves many clients at once; a command needs one thread.
    let mut builder = if builtin::agent::is_serve(&raw) {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(dispatch(raw));
    runtime.shutdown_background();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) if show_run::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => ExitCode::from(show_run::failure(&error, crate::render::Style::plain())),
    }
}

async fn dispatch(raw: Vec<std::ffi::OsString>) -> anyhow::Result<u8> {
    let cli = match Cli::try_parse_from(&raw) {
        Ok(cli) => cli,
        Err(error) => return clap_error(error, &raw).await,
    };
    match cli.command {
        Some(BuiltinCommand::External(args)) => external::run(args, &cli.global).await,
        Some(BuiltinCommand::Plugin(command)) => {
            builtin::plugin::run(command, &Settings::resolve(&cli.global)?).await
        }
        Some(BuiltinCommand::Cache(command)) => {
            builtin::cache::run(command, &Settings::resolve(&cli.global)?).await
        }
        Some(BuiltinCommand::Agent(command)) => builtin::agent::run(command, &cli.global).await,
        Some(BuiltinCommand::Perf(command)) => {
            builtin::perf::run(command, &Settings::resolve(&cli.global)?).await
        }
        Some(BuiltinCommand::Config { command }) => {
            builtin::config::run(command, &Settings::resolve(&cli.global)?).await
        }
        Some(BuiltinCommand::Completions { shell, install }) => {
            builtin::completions::run(shell, install, &Settings::resolve(&cli.global)?).await
        }
        Some(BuiltinCommand::Man { dir }) => {
            builtin::man::run(dir, &Settings::resolve(&cli.global)?).await
        }
        None => root_help(&cli.global).await,
    }
}

/// Prints clap's error or help. The root help lists the plugins too.
async fn clap_error(error: clap::Error, raw: &[std::ffi::OsString]) -> anyhow::Result<u8> {
    let wants_root_help = matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) && raw
        .iter()
        .skip(1)
        .all(|arg| arg.to_str().is_some_and(|arg| arg.starts_with('-')));
    if wants_root_help {
        return root_help(&GlobalArgs::default()).await;
    }
    error.print()?;
    Ok(error.exit_code().clamp(0, 255) as u8)
}

async fn root_help(global: &GlobalArgs) -> anyhow::Result<u8> {
    let paths = crate::config::Paths::resolve(global.config.clone())?;
    let runtime = crate::runtime::Runtime::new(&paths)?;
    catalog_view::root_command(&runtime, false)
        .await
        .print_help()?;
    Ok(0)
}

//! `azlin completions <shell>`: a completion script that knows every plugin
//! command and its flags.

use crate::cli::catalog_view;
use crate::cli::settings::Settings;
use crate::runtime::Runtime;

/// Prints the completion script for `shell` on stdout.
pub async fn run(shell: clap_complete::Shell, settings: &Settings) -> anyhow::Result<u8> {
    let runtime = Runtime::new(&settings.paths)?;
    let mut command = catalog_view::root_command(&runtime, true).await;
    clap_complete::generate(shell, &mut command, "azlin", &mut std::io::stdout());
    Ok(0)
}

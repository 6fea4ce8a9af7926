//! `azlin completions <shell> [--install]`: a completion script that knows
//! every plugin command and its flags, printed or installed where the shell
//! looks for it.

use crate::cli::catalog_view;
use crate::cli::settings::Settings;
use crate::runtime::Runtime;
use clap_complete::Shell;
use std::path::PathBuf;

/// Prints the completion script for `shell` on stdout, or with `install`
/// writes it where the shell loads completions from.
pub async fn run(shell: Shell, install: bool, settings: &Settings) -> anyhow::Result<u8> {
    let runtime = Runtime::new(&settings.paths)?;
    let mut command = catalog_view::root_command(&runtime, true).await;
    if !install {
        clap_complete::generate(shell, &mut command, "azlin", &mut std::io::stdout());
        return Ok(0);
    }
    let Some((path, then)) = install_path(shell) else {
        eprintln!(
            "error: azlin cannot install completions for {shell}\nhint: `azlin completions {shell} > FILE` prints them; load FILE from your shell's profile"
        );
        return Ok(2);
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "azlin", &mut script);
    crate::atomic_file::write(&path, &script)
        .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", path.display()))?;
    eprintln!("installed {shell} completions in {}{then}", path.display());
    Ok(0)
}

/// Where `shell` finds completions without further setup (bash-completion's
/// and fish's own directories), or what to add (zsh's fpath).
fn install_path(shell: Shell) -> Option<(PathBuf, &'static str)> {
    let home = dirs::home_dir()?;
    match shell {
        Shell::Bash => {
            let data = std::env::var_os("XDG_DATA_HOME")
                .filter(|dir| !dir.is_empty())
                .map_or_else(|| home.join(".local/share"), PathBuf::from);
            Some((
                data.join("bash-completion/completions/azlin"),
                "; new shells load them",
            ))
        }
        Shell::Zsh => Some((
            home.join(".zfunc/_azlin"),
            "\nadd to ~/.zshrc: fpath=(~/.zfunc $fpath); autoload -Uz compinit; compinit",
        )),
        Shell::Fish => Some((
            home.join(".config/fish/completions/azlin.fish"),
            "; new shells load them",
        )),
        _ => None,
    }
}

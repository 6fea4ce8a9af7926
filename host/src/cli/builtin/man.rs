//! `azlin man [--dir DIR]`: the manual page, with every plugin command, from
//! the same command tree as `--help` and the completions (clap_mangen).

use crate::cli::catalog_view;
use crate::cli::settings::Settings;
use crate::runtime::Runtime;
use anyhow::Context;
use std::path::PathBuf;

/// Prints azlin.1, or writes it and a page per command into `dir`.
pub async fn run(dir: Option<PathBuf>, settings: &Settings) -> anyhow::Result<u8> {
    let runtime = Runtime::new(&settings.paths)?;
    let command = catalog_view::root_command(&runtime, true).await;
    match dir {
        None => clap_mangen::Man::new(command).render(&mut std::io::stdout())?,
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot make the directory {}", dir.display()))?;
            clap_mangen::generate_to(command, &dir)
                .with_context(|| format!("cannot write manual pages into {}", dir.display()))?;
        }
    }
    Ok(0)
}

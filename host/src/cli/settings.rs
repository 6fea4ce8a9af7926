//! Settings resolved from the command line, the environment and config.toml.

use super::args::GlobalArgs;
use crate::config::AgentSettings;
use crate::config::{AuthProfile, Config, Paths};
use crate::plugin::Limits;
use crate::render::Style;
use crate::runtime::{Format, Invocation};
use std::io::IsTerminal;
use std::sync::Arc;

/// Everything a command needs to know about how it was invoked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub format: Format,
    pub style: Style,
    pub verbosity: u8,
    pub paths: Paths,
    pub config: Arc<Config>,
    pub limits: Limits,
    /// `[agent]`, turned off by `--no-agent` or `AZLIN_NO_AGENT`.
    pub agent: AgentSettings,
}

impl Settings {
    /// Resolves `global`, reading the config file it names (or the default one).
    pub fn resolve(global: &GlobalArgs) -> anyhow::Result<Self> {
        Self::resolve_at(global, Paths::resolve(global.config.clone())?)
    }

    /// Resolves `global` for a user at `paths` already resolved, with the
    /// config file `global` names, if it names one.
    pub fn resolve_at(global: &GlobalArgs, mut paths: Paths) -> anyhow::Result<Self> {
        if let Some(file) = &global.config {
            paths.config_file = file.clone();
        }
        let mut config = Config::load(&paths.config_file)?;
        if let Some(name) = &global.auth_profile {
            config = config.with_profile(AuthProfile::load(&paths.config_dir, name)?);
        }
        let limits = config.limits()?;
        let mut agent = config.agent()?;
        let no_agent_env =
            std::env::var_os("AZLIN_NO_AGENT").is_some_and(|value| !value.is_empty());
        agent.enabled &= !(global.no_agent || no_agent_env);
        Ok(Self {
            format: global.output.unwrap_or(Format::Table),
            style: terminal_style(),
            verbosity: global.verbose,
            paths,
            config: Arc::new(config),
            limits,
            agent,
        })
    }

    /// The invocation facts a plugin may read.
    pub fn invocation(&self, command: &str) -> Invocation {
        Invocation {
            command: command.into(),
            format: self.format,
            interactive: self.style.terminal,
            can_ask: self.style.ask,
            width: self.style.width,
            verbosity: self.verbosity,
            cwd: std::env::current_dir().ok(),
        }
    }
}

/// Whether `NO_COLOR` asks for no colour anywhere.
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

/// Whether stderr gets colour: a terminal, and `NO_COLOR` unset (log lines
/// follow the same rule as warnings and errors).
pub fn stderr_colored() -> bool {
    std::io::stderr().is_terminal() && !no_color()
}

/// Colour only on a terminal and never with `NO_COLOR`; progress only on an
/// interactive stderr.
fn terminal_style() -> Style {
    let no_color = no_color();
    let stdout = std::io::stdout().is_terminal();
    let stderr = std::io::stderr().is_terminal();
    let stdin = std::io::stdin().is_terminal();
    let width = stdout
        .then(|| terminal_size::terminal_size().map(|(width, _)| width.0))
        .flatten();
    Style {
        color: stdout && !no_color,
        color_stderr: stderr && !no_color,
        progress: stderr,
        terminal: stdout,
        ask: stdin && stderr,
        width,
    }
}

//! Arguments of a run, as the host parsed them against the command's [`crate::Info`].

use crate::bindings::azlin::host::types::ParsedArgs;
use crate::failure::Failure;
use std::str::FromStr;

/// Parsed arguments: look options and positionals up by their `name`.
#[derive(Debug, Clone, Default)]
pub struct Args {
    subcommand: Option<String>,
    values: Vec<(String, Vec<String>)>,
}

impl Args {
    /// Wraps the host's parsed arguments.
    #[doc(hidden)]
    pub fn from_wit(parsed: ParsedArgs) -> Self {
        let values = parsed
            .args
            .into_iter()
            .map(|arg| (arg.name, arg.values))
            .collect();
        Self {
            subcommand: parsed.subcommand,
            values,
        }
    }

    /// The subcommand chosen, for commands that declare subcommands.
    pub fn subcommand(&self) -> Option<&str> {
        self.subcommand.as_deref()
    }

    /// Whether a switch (or any option) named `name` is present.
    pub fn flag(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// The value of option or positional `name` (its first, if repeated).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.find(name)
            .and_then(|values| values.first())
            .map(String::as_str)
    }

    /// Every value of a repeated option or a multi-value positional.
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.find(name)
            .map(|values| values.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The words typed after `--`, as typed, if the user typed `--`: they
    /// also fill the positionals, and this tells which came after it.
    pub fn separated(&self) -> Option<Vec<&str>> {
        self.find("--").map(|_| self.values("--"))
    }

    /// The value of `name` parsed as `T`, with a usage failure naming the
    /// option if it does not parse.
    pub fn parse<T: FromStr>(&self, name: &str) -> Result<Option<T>, Failure> {
        self.value(name)
            .map(|raw| {
                raw.parse()
                    .map_err(|_| Failure::usage(format!("invalid value '{raw}' for '{name}'")))
            })
            .transpose()
    }

    fn find(&self, name: &str) -> Option<&Vec<String>> {
        self.values
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, values)| values)
    }
}

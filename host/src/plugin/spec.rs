//! Checks a plugin's description before the CLI builds a parser from it, so a
//! careless or hostile plugin gets a message instead of crashing the host.

use super::bindings::types::{CommandInfo, OptionSpec, PositionalSpec};
use std::collections::HashSet;

/// Long flags the host keeps for itself on every command.
pub const RESERVED_LONG: &[&str] = &[
    "output",
    "verbose",
    "config",
    "auth-profile",
    "no-agent",
    "help",
    "version",
];
/// Short flags the host keeps for itself on every command.
pub const RESERVED_SHORT: &[char] = &['o', 'v', 'h', 'V'];

/// Why a description cannot be used, if it cannot.
pub fn check(info: &CommandInfo) -> Result<(), String> {
    check_name("command name", &info.name)?;
    for alias in &info.aliases {
        check_name("command alias", alias)?;
    }
    check_arguments(&info.options, &info.positionals)?;
    let mut subcommands = HashSet::new();
    for sub in &info.subcommands {
        check_name("subcommand", &sub.name)?;
        for name in std::iter::once(&sub.name).chain(&sub.aliases) {
            if !subcommands.insert(name.as_str()) {
                return Err(format!("subcommand name '{name}' is used twice"));
            }
        }
        check_arguments(&sub.options, &sub.positionals)
            .map_err(|why| format!("subcommand '{}': {why}", sub.name))?;
    }
    Ok(())
}

fn check_name(what: &str, name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{what} '{name}' must be lowercase letters, digits and '-'"
        ))
    }
}

fn check_arguments(options: &[OptionSpec], positionals: &[PositionalSpec]) -> Result<(), String> {
    let mut ids = HashSet::new();
    let mut longs: HashSet<&str> = RESERVED_LONG.iter().copied().collect();
    let mut shorts: HashSet<char> = RESERVED_SHORT.iter().copied().collect();
    for option in options {
        check_name("option name", &option.name.replace('_', "-"))?;
        if !ids.insert(option.name.as_str()) {
            return Err(format!("option '{}' is declared twice", option.name));
        }
        for long in std::iter::once(&option.long).chain(&option.aliases) {
            check_name("long flag", long)?;
            if !longs.insert(long.as_str()) {
                return Err(format!(
                    "flag --{long} is taken (by the host or another option)"
                ));
            }
        }
        if let Some(short) = option.short
            && (!short.is_ascii_alphanumeric() || !shorts.insert(short))
        {
            return Err(format!("short flag -{short} is invalid or taken"));
        }
        if let Some(default) = &option.default_value
            && !option.choices.is_empty()
            && !option.choices.contains(default)
        {
            return Err(format!(
                "option '{}' defaults to '{default}', which is not one of its choices",
                option.name
            ));
        }
    }
    for (index, positional) in positionals.iter().enumerate() {
        check_name("positional name", &positional.name.replace('_', "-"))?;
        if !ids.insert(positional.name.as_str()) {
            return Err(format!("argument '{}' is declared twice", positional.name));
        }
        if positional.multiple && index + 1 != positionals.len() {
            return Err(format!(
                "only the last positional may take many values, not '{}'",
                positional.name
            ));
        }
    }
    Ok(())
}

//! A plugin's description turned into a clap parser, so every command, a
//! third party's too, gets the same help, validation and error messages.

use super::args::GlobalArgs;
use crate::plugin::{CommandInfo, OptionSpec, PositionalSpec};
use crate::render::neutral;
use crate::runtime::Arguments;
use clap::builder::{PossibleValuesParser, Resettable};
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Args, Command};

/// The clap command for a plugin, with the global options added; its usage
/// line names it as the user typed it (`kill`, an alias of `delete`). Its
/// text passed `spec::check`, and is neutralised again here all the same.
pub fn command(info: &CommandInfo, typed: &str) -> Command {
    let mut command = Command::new(typed.to_string())
        .bin_name(format!("azlin {typed}"))
        .version(info.version.clone())
        .about(neutral::line(&info.summary).into_owned())
        .visible_aliases(info.aliases.clone())
        .disable_help_subcommand(true);
    command = with_arguments(command, &info.options, &info.positionals);
    for sub in &info.subcommands {
        let subcommand = Command::new(sub.name.clone())
            .about(neutral::line(&sub.summary).into_owned())
            .visible_aliases(sub.aliases.clone());
        command = command.subcommand(with_arguments(subcommand, &sub.options, &sub.positionals));
    }
    if !info.subcommands.is_empty() {
        command = command.subcommand_required(true);
    }
    let command =
        GlobalArgs::augment_args(command).about(neutral::line(&info.summary).into_owned());
    if info.description.is_empty() {
        command.long_about(Resettable::Reset)
    } else {
        command.long_about(neutral::lines(&info.description).into_owned())
    }
}

/// The name under which a plugin gets the words typed after `--`, as typed,
/// when the user typed one: so a plugin can tell `connect -- uptime` (no VM)
/// from `connect uptime`, which clap's positionals alone cannot.
pub const SEPARATED: &str = "--";

/// The arguments a plugin receives, read from clap's matches of `typed`
/// (the command line from the command's name on).
pub fn arguments(info: &CommandInfo, matches: &ArgMatches, typed: &[String]) -> Arguments {
    let mut arguments = matched(info, matches);
    if let Some(at) = typed.iter().position(|word| word == SEPARATED) {
        let after = typed[at + 1..].to_vec();
        arguments.values.push((SEPARATED.into(), after));
    }
    arguments
}

fn matched(info: &CommandInfo, matches: &ArgMatches) -> Arguments {
    match matches.subcommand() {
        Some((name, sub_matches)) => {
            let sub = info
                .subcommands
                .iter()
                .find(|sub| sub.name == name)
                .expect("clap matched a declared subcommand");
            Arguments {
                subcommand: Some(name.into()),
                values: values(&sub.options, &sub.positionals, sub_matches),
                typed: typed(&sub.options, &sub.positionals, sub_matches),
            }
        }
        None => Arguments {
            subcommand: None,
            values: values(&info.options, &info.positionals, matches),
            typed: typed(&info.options, &info.positionals, matches),
        },
    }
}

/// The values the user typed for `options` and `positionals`, leaving out
/// the defaults the plugin's description supplied.
fn typed(
    options: &[OptionSpec],
    positionals: &[PositionalSpec],
    matches: &ArgMatches,
) -> Vec<String> {
    let names = options
        .iter()
        .filter(|option| option.value_name.is_some())
        .map(|option| &option.name)
        .chain(positionals.iter().map(|positional| &positional.name));
    names
        .filter(|name| matches.value_source(&id(name)) == Some(ValueSource::CommandLine))
        .filter_map(|name| matches.get_many::<String>(&id(name)))
        .flatten()
        .cloned()
        .collect()
}

/// The clap id of a plugin's argument `name`: in a namespace of its own, so
/// no plugin name can clash with the host's global arguments (`verbose`,
/// `output`, …), which clap would take for a second definition and panic.
fn id(name: &str) -> String {
    format!("plugin:{name}")
}

fn with_arguments(
    mut command: Command,
    options: &[OptionSpec],
    positionals: &[PositionalSpec],
) -> Command {
    for option in options {
        command = command.arg(option_arg(option));
    }
    for positional in positionals {
        command = command.arg(positional_arg(positional));
    }
    command
}

fn option_arg(option: &OptionSpec) -> Arg {
    let mut arg = Arg::new(id(&option.name))
        .long(option.long.clone())
        .help(neutral::line(&option.help).into_owned())
        .visible_aliases(option.aliases.clone());
    if let Some(short) = option.short {
        arg = arg.short(short);
    }
    let Some(value_name) = &option.value_name else {
        return arg.action(ArgAction::SetTrue);
    };
    arg = arg
        .value_name(value_name.clone())
        .action(if option.multiple {
            ArgAction::Append
        } else {
            ArgAction::Set
        })
        .required(option.required);
    if let Some(default) = &option.default_value {
        arg = arg.default_value(default.clone());
    }
    if !option.choices.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(option.choices.clone()));
    }
    if bare_means_true(option) {
        arg = arg.num_args(0..=1).default_missing_value("true");
    }
    arg
}

/// A true/false option that defaults to true may be given bare, as clap's
/// `num_args(0..=1)` booleans of existing azlin are (`--show-tmux` alone is
/// `--show-tmux true`).
fn bare_means_true(option: &OptionSpec) -> bool {
    let mut choices: Vec<&str> = option.choices.iter().map(String::as_str).collect();
    choices.sort_unstable();
    choices == ["false", "true"] && option.default_value.as_deref() == Some("true")
}

fn positional_arg(positional: &PositionalSpec) -> Arg {
    let arg = Arg::new(id(&positional.name))
        .help(neutral::line(&positional.help).into_owned())
        .value_name(positional.value_name.clone())
        .required(positional.required);
    // No trailing_var_arg: options after the values (`-o json`) stay
    // options; values that look like options go after `--`.
    if positional.multiple {
        arg.num_args(1..).action(ArgAction::Append)
    } else {
        arg
    }
}

fn values(
    options: &[OptionSpec],
    positionals: &[PositionalSpec],
    matches: &ArgMatches,
) -> Vec<(String, Vec<String>)> {
    let mut values = Vec::new();
    for option in options {
        if option.value_name.is_none() {
            if matches.get_flag(&id(&option.name)) {
                values.push((option.name.clone(), Vec::new()));
            }
        } else if let Some(given) = matches.get_many::<String>(&id(&option.name)) {
            values.push((option.name.clone(), given.cloned().collect()));
        }
    }
    for positional in positionals {
        if let Some(given) = matches.get_many::<String>(&id(&positional.name)) {
            values.push((positional.name.clone(), given.cloned().collect()));
        }
    }
    values
}

#[cfg(test)]
mod odd_input;

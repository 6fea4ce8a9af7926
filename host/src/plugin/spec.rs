//! Checks a plugin's description before the CLI builds a parser from it, so a
//! careless or hostile plugin gets a message instead of crashing the host,
//! and its text (shown in `--help`, `plugin list` and the install question)
//! is plain: a semantic version, names of letters, digits and `-`, and text
//! of bounded length without control or bidi characters.

use super::bindings::types::{CommandInfo, OptionSpec, PositionalSpec};
use crate::exchange::neutral;
use std::collections::HashSet;

/// The longest one-line summary, in characters.
pub const MAX_SUMMARY: usize = 200;
/// The longest description, in bytes (8 KiB).
pub const MAX_DESCRIPTION: usize = 8 << 10;
/// The longest help of an option or positional, in characters.
pub const MAX_HELP: usize = 500;
/// The longest version, value name, default value or choice, in characters.
pub const MAX_WORD: usize = 64;

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
    check_version(&info.version)?;
    for alias in &info.aliases {
        check_name("command alias", alias)?;
    }
    check_text("summary", &info.summary, MAX_SUMMARY, false)?;
    if info.description.len() > MAX_DESCRIPTION {
        return Err(format!(
            "description is {} bytes, more than {MAX_DESCRIPTION}: shorten it",
            info.description.len()
        ));
    }
    check_text("description", &info.description, usize::MAX, true)?;
    check_arguments(&info.options, &info.positionals)?;
    let mut subcommands = HashSet::new();
    for sub in &info.subcommands {
        check_name("subcommand", &sub.name)?;
        for alias in &sub.aliases {
            check_name("subcommand alias", alias)?;
        }
        check_text(
            &format!("subcommand '{}' summary", sub.name),
            &sub.summary,
            MAX_SUMMARY,
            false,
        )?;
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
            "{what} '{}' must be lowercase letters, digits and '-'",
            neutral::line(name)
        ))
    }
}

fn check_version(version: &str) -> Result<(), String> {
    let valid = version.chars().count() <= MAX_WORD && semver::Version::parse(version).is_ok();
    if valid {
        Ok(())
    } else {
        Err(format!(
            "version '{}' is not a semantic version: give it as MAJOR.MINOR.PATCH, like 1.2.0",
            neutral::line(version)
        ))
    }
}

/// Text shown to the user: at most `max` characters, and no control or
/// bidi characters but newlines where `multi_line`.
fn check_text(what: &str, text: &str, max: usize, multi_line: bool) -> Result<(), String> {
    let length = text.chars().count();
    if length > max {
        return Err(format!(
            "{what} is {length} characters, more than {max}: shorten it"
        ));
    }
    match neutral::first_unsafe(text, multi_line) {
        Some(c) => Err(format!(
            "{what} contains the control or bidi character {}: write it as plain text",
            neutral::line(&c.to_string())
        )),
        None => Ok(()),
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
            return Err(format!(
                "short flag -{} is invalid or taken",
                neutral::line(&short.to_string())
            ));
        }
        let what = |field: &str| format!("option '{}' {field}", option.name);
        check_text(&what("help"), &option.help, MAX_HELP, false)?;
        if let Some(value_name) = &option.value_name {
            check_text(&what("value name"), value_name, MAX_WORD, false)?;
        }
        if let Some(default) = &option.default_value {
            check_text(&what("default value"), default, MAX_WORD, false)?;
        }
        for choice in &option.choices {
            check_text(&what("choice"), choice, MAX_WORD, false)?;
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
        let what = |field: &str| format!("positional '{}' {field}", positional.name);
        check_text(&what("help"), &positional.help, MAX_HELP, false)?;
        check_text(&what("value name"), &positional.value_name, MAX_WORD, false)?;
        if positional.required && index > 0 && !positionals[index - 1].required {
            return Err(format!(
                "required positional '{}' follows an optional one: put required positionals first",
                positional.name
            ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::bindings::types::SubcommandSpec;

    fn info() -> CommandInfo {
        CommandInfo {
            name: "garble".into(),
            version: "1.2.3-beta.1+build.5".into(),
            summary: "Garbles things".into(),
            description: "Garbles things.\n\nEvery one of them.".into(),
            aliases: vec!["g".into()],
            options: vec![OptionSpec {
                name: "via".into(),
                long: "via".into(),
                short: None,
                aliases: Vec::new(),
                help: "where the garbage goes".into(),
                value_name: Some("SINK".into()),
                default_value: Some("text".into()),
                choices: vec!["text".into(), "table".into()],
                multiple: false,
                required: false,
            }],
            positionals: vec![PositionalSpec {
                name: "vm".into(),
                help: "the VM".into(),
                value_name: "VM".into(),
                required: false,
                multiple: false,
            }],
            subcommands: vec![SubcommandSpec {
                name: "run".into(),
                summary: "Runs it".into(),
                aliases: vec!["r".into()],
                options: Vec::new(),
                positionals: Vec::new(),
            }],
        }
    }

    /// `check`'s message for `info()` changed by `change`.
    fn refusal(change: impl FnOnce(&mut CommandInfo)) -> String {
        let mut info = info();
        change(&mut info);
        check(&info).expect_err("refused")
    }

    #[test]
    fn a_plain_description_passes() {
        assert_eq!(check(&info()), Ok(()));
    }

    #[test]
    fn a_version_must_be_semantic() {
        for version in ["1", "1.0", "v1.0.0", "", "1.0.0\x1b[2K\rneeds: cache"] {
            let why = refusal(|info| info.version = version.into());
            assert!(why.starts_with("version '"), "{why}");
            assert!(why.contains("MAJOR.MINOR.PATCH"), "{why}");
            assert!(!why.chars().any(neutral::is_unsafe), "{why:?}");
        }
    }

    #[test]
    fn shown_text_must_be_free_of_controls_and_bidi_characters() {
        type Set = fn(&mut CommandInfo, String);
        let cases: [(&str, Set); 9] = [
            ("summary", |info, text| info.summary = text),
            ("description", |info, text| info.description = text),
            ("option 'via' help", |info, text| {
                info.options[0].help = text
            }),
            ("option 'via' value name", |info, text| {
                info.options[0].value_name = Some(text)
            }),
            ("option 'via' default value", |info, text| {
                info.options[0].default_value = Some(text.clone());
                info.options[0].choices.push(text);
            }),
            ("option 'via' choice", |info, text| {
                info.options[0].choices.push(text)
            }),
            ("positional 'vm' help", |info, text| {
                info.positionals[0].help = text
            }),
            ("positional 'vm' value name", |info, text| {
                info.positionals[0].value_name = text
            }),
            ("subcommand 'run' summary", |info, text| {
                info.subcommands[0].summary = text
            }),
        ];
        for (field, set) in cases {
            for bad in ["a\x1b]0;owned\x07", "csi\u{9b}2J", "rlo\u{202e}", "tab\tx"] {
                let why = refusal(|info| set(info, bad.into()));
                assert!(why.starts_with(field), "{field}: {why}");
                assert!(why.ends_with("write it as plain text"), "{why}");
                assert!(!why.chars().any(neutral::is_unsafe), "{why:?}");
            }
        }
        assert!(refusal(|info| info.summary = "one\ntwo".into()).starts_with("summary"));
    }

    #[test]
    fn shown_text_has_bounded_length() {
        let why = refusal(|info| info.summary = "s".repeat(MAX_SUMMARY + 1));
        assert_eq!(why, "summary is 201 characters, more than 200: shorten it");
        let why = refusal(|info| info.description = "d".repeat(MAX_DESCRIPTION + 1));
        assert!(why.starts_with("description is 8193 bytes"), "{why}");
        let why = refusal(|info| info.options[0].help = "h".repeat(MAX_HELP + 1));
        assert!(why.starts_with("option 'via' help is 501"), "{why}");
        let mut info = info();
        info.summary = "é".repeat(MAX_SUMMARY);
        info.description = "d".repeat(MAX_DESCRIPTION);
        assert_eq!(check(&info), Ok(()), "the bounds themselves are allowed");
    }

    #[test]
    fn subcommand_aliases_are_names() {
        let why = refusal(|info| info.subcommands[0].aliases.push("R\x1b[2J".into()));
        assert_eq!(
            why,
            "subcommand alias 'R\\x1b[2J' must be lowercase letters, digits and '-'"
        );
    }
}

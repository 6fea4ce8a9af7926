//! Generated plugin descriptions and command lines, fed to the argument
//! builder: a description `spec::check` accepts must build a parser, and no
//! command line may panic it. Names are drawn mostly from the host's own
//! argument ids and flags, the clashes that used to panic clap.

use super::{arguments, command};
use crate::plugin::{CommandInfo, OptionSpec, PositionalSpec, SubcommandSpec};
use proptest::collection::vec;
use proptest::prelude::*;

/// Names a plugin might pick, the host's own ids and flags first.
const NAMES: &[&str] = &[
    "verbose",
    "output",
    "config",
    "no_agent",
    "no-agent",
    "auth_profile",
    "auth-profile",
    "help",
    "version",
    "vm",
    "name",
    "resource-group",
    "x",
];

/// Long flags a plugin might declare (the host's own are refused by
/// `spec::check`, so few are drawn here).
const LONGS: &[&str] = &["loud", "out", "vm", "name", "resource-group", "x", "help"];

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(NAMES).prop_map(str::to_string)
}

fn long() -> impl Strategy<Value = String> {
    prop::sample::select(LONGS).prop_map(str::to_string)
}

/// `items` without those whose `keys` repeat an earlier one's.
fn distinct<T>(items: Vec<T>, keys: impl Fn(&T) -> Vec<String>) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::new();
    for item in items {
        let keys = keys(&item);
        if keys.iter().all(|key| !seen.contains(key)) {
            seen.extend(keys);
            kept.push(item);
        }
    }
    kept
}

/// Options with distinct names and flags, so most descriptions pass.
fn options() -> impl Strategy<Value = Vec<OptionSpec>> {
    vec(option(), 0..4).prop_map(|options| {
        distinct(options, |option| {
            let mut keys = vec![format!("id {}", option.name), format!("--{}", option.long)];
            keys.extend(option.aliases.iter().map(|alias| format!("--{alias}")));
            keys.extend(option.short.map(|short| format!("-{short}")));
            keys
        })
    })
}

fn positionals() -> impl Strategy<Value = Vec<PositionalSpec>> {
    vec(positional(), 0..3).prop_map(|positionals| {
        // Required ones first and only the last taking many, as `spec::check` asks.
        let mut positionals = distinct(positionals, |positional| vec![positional.name.clone()]);
        positionals.sort_by_key(|positional| !positional.required);
        let last = positionals.len().saturating_sub(1);
        for (index, positional) in positionals.iter_mut().enumerate() {
            positional.multiple &= index == last;
        }
        positionals
    })
}

fn option() -> impl Strategy<Value = OptionSpec> {
    (
        name(),
        long(),
        prop::option::of(prop::sample::select(vec!['o', 'v', 'g', 'n', '-'])),
        vec(long(), 0..2),
        prop::option::of(Just("VALUE".to_string())),
        prop::option::of(prop::sample::select(vec!["a", "b", ""]).prop_map(str::to_string)),
        vec(
            prop::sample::select(vec!["a", "b"]).prop_map(str::to_string),
            0..3,
        ),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                name,
                long,
                short,
                aliases,
                value_name,
                default_value,
                choices,
                multiple,
                required,
            )| {
                // Defaults outside the choices are refused by `spec::check`.
                let default_value =
                    default_value.filter(|default| choices.is_empty() || choices.contains(default));
                OptionSpec {
                    name,
                    long,
                    short,
                    aliases,
                    help: "help".into(),
                    value_name,
                    default_value,
                    choices,
                    multiple,
                    required,
                }
            },
        )
}

fn positional() -> impl Strategy<Value = PositionalSpec> {
    (name(), any::<bool>(), any::<bool>()).prop_map(|(name, required, multiple)| PositionalSpec {
        name,
        help: "help".into(),
        value_name: "VALUE".into(),
        required,
        multiple,
    })
}

fn subcommand() -> impl Strategy<Value = SubcommandSpec> {
    (name(), options(), positionals()).prop_map(|(name, options, positionals)| SubcommandSpec {
        name,
        summary: "summary".into(),
        aliases: Vec::new(),
        options,
        positionals,
    })
}

fn info() -> impl Strategy<Value = CommandInfo> {
    (
        options(),
        positionals(),
        vec(subcommand(), 0..2).prop_map(|subs| distinct(subs, |sub| vec![sub.name.clone()])),
    )
        .prop_map(|(options, positionals, subcommands)| CommandInfo {
            name: "odd".into(),
            version: "1.0.0".into(),
            summary: "odd".into(),
            description: String::new(),
            aliases: Vec::new(),
            options,
            positionals,
            subcommands,
        })
}

/// Words a user might type: flags of every kind, values, `--`.
fn words() -> impl Strategy<Value = Vec<String>> {
    let word = prop::sample::select(vec![
        "--verbose",
        "-v",
        "-vv",
        "--output",
        "json",
        "-o",
        "--config",
        "--no-agent",
        "--help",
        "--vm",
        "--name",
        "-n",
        "-g",
        "--x",
        "a",
        "b",
        "--",
        "-",
        "--=",
        "",
    ]);
    vec(word.prop_map(str::to_string), 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_description_or_command_line_panics_the_parser(info in info(), words in words()) {
        prop_assume!(crate::plugin::spec::check(&info).is_ok());
        let typed: Vec<String> = std::iter::once("odd".to_string()).chain(words).collect();
        if let Ok(matches) = command(&info, "odd").try_get_matches_from(&typed) {
            let given = arguments(&info, &matches, &typed[1..]);
            for (name, _) in &given.values {
                prop_assert!(
                    name == super::SEPARATED
                        || info.options.iter().any(|option| &option.name == name)
                        || info.positionals.iter().any(|positional| &positional.name == name)
                        || info.subcommands.iter().any(|sub| {
                            sub.options.iter().any(|option| &option.name == name)
                                || sub.positionals.iter().any(|positional| &positional.name == name)
                        }),
                    "{name} was not declared"
                );
            }
        }
    }
}

#[test]
fn an_option_named_like_a_host_argument_keeps_its_own_value() {
    let info = CommandInfo {
        name: "odd".into(),
        version: "1.0.0".into(),
        summary: "odd".into(),
        description: String::new(),
        aliases: Vec::new(),
        options: vec![OptionSpec {
            name: "verbose".into(),
            long: "loud".into(),
            short: None,
            aliases: Vec::new(),
            help: "help".into(),
            value_name: Some("LEVEL".into()),
            default_value: None,
            choices: Vec::new(),
            multiple: false,
            required: false,
        }],
        positionals: vec![PositionalSpec {
            name: "output".into(),
            help: "help".into(),
            value_name: "FILE".into(),
            required: false,
            multiple: false,
        }],
        subcommands: Vec::new(),
    };
    let typed: Vec<String> = ["odd", "--loud", "3", "-v", "out.txt", "-o", "json"]
        .map(String::from)
        .to_vec();
    let matches = command(&info, "odd")
        .try_get_matches_from(&typed)
        .expect("parses");
    let given = arguments(&info, &matches, &typed[1..]);
    assert_eq!(
        given.values,
        vec![
            ("verbose".to_string(), vec!["3".to_string()]),
            ("output".to_string(), vec!["out.txt".to_string()]),
        ]
    );
}

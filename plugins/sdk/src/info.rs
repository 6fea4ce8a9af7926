//! Builders for what a command says about itself: name, help, arguments.

use crate::bindings::azlin::host::types::{
    CommandInfo, OptionSpec, PositionalSpec, SubcommandSpec,
};

/// A command's description; see [`crate::Command::describe`].
#[derive(Debug, Clone)]
pub struct Info {
    inner: CommandInfo,
}

impl Info {
    /// A command named `name` (what users type), its version and one line of help.
    pub fn new(name: &str, version: &str, summary: &str) -> Self {
        Self {
            inner: CommandInfo {
                name: name.into(),
                version: version.into(),
                summary: summary.into(),
                description: String::new(),
                aliases: Vec::new(),
                options: Vec::new(),
                positionals: Vec::new(),
                subcommands: Vec::new(),
            },
        }
    }

    /// Longer help shown by `azlin <name> --help`.
    pub fn description(mut self, text: &str) -> Self {
        self.inner.description = text.into();
        self
    }

    /// Another name users may type for this command.
    pub fn alias(mut self, alias: &str) -> Self {
        self.inner.aliases.push(alias.into());
        self
    }

    /// Adds an option.
    pub fn option(mut self, option: Opt) -> Self {
        self.inner.options.push(option.0);
        self
    }

    /// Adds a positional argument (in order).
    pub fn positional(mut self, positional: Positional) -> Self {
        self.inner.positionals.push(positional.0);
        self
    }

    /// Adds a subcommand.
    pub fn subcommand(mut self, sub: Sub) -> Self {
        self.inner.subcommands.push(sub.0);
        self
    }

    /// Converts into the WIT record.
    #[doc(hidden)]
    pub fn into_wit(self) -> CommandInfo {
        self.inner
    }
}

/// An option: a switch (`--all`) or one taking a value (`--rg NAME`).
#[derive(Debug, Clone)]
pub struct Opt(OptionSpec);

impl Opt {
    /// A switch: present or absent. Its long flag is `name`.
    pub fn flag(name: &str, help: &str) -> Self {
        Self(OptionSpec {
            name: name.into(),
            long: name.into(),
            short: None,
            aliases: Vec::new(),
            help: help.into(),
            value_name: None,
            default_value: None,
            choices: Vec::new(),
            multiple: false,
            required: false,
        })
    }

    /// An option taking a value shown as `value_name` in help.
    pub fn value(name: &str, value_name: &str, help: &str) -> Self {
        let mut option = Self::flag(name, help);
        option.0.value_name = Some(value_name.into());
        option
    }

    /// Sets the long flag when it differs from `name`.
    pub fn long(mut self, long: &str) -> Self {
        self.0.long = long.into();
        self
    }

    /// Adds a short flag, e.g. `'g'` for `-g`.
    pub fn short(mut self, short: char) -> Self {
        self.0.short = Some(short);
        self
    }

    /// Adds another long name, e.g. `rg` for `--resource-group`.
    pub fn alias(mut self, alias: &str) -> Self {
        self.0.aliases.push(alias.into());
        self
    }

    /// The value used when the option is absent.
    pub fn default(mut self, value: &str) -> Self {
        self.0.default_value = Some(value.into());
        self
    }

    /// Restricts the values accepted.
    pub fn choices(mut self, choices: &[&str]) -> Self {
        self.0.choices = choices.iter().map(|choice| (*choice).into()).collect();
        self
    }

    /// Allows the option more than once.
    pub fn multiple(mut self) -> Self {
        self.0.multiple = true;
        self
    }

    /// Makes the option mandatory.
    pub fn required(mut self) -> Self {
        self.0.required = true;
        self
    }
}

/// A positional argument.
#[derive(Debug, Clone)]
pub struct Positional(PositionalSpec);

impl Positional {
    /// An optional positional named `name`, shown as `value_name`.
    pub fn new(name: &str, value_name: &str, help: &str) -> Self {
        Self(PositionalSpec {
            name: name.into(),
            help: help.into(),
            value_name: value_name.into(),
            required: false,
            multiple: false,
        })
    }

    /// Makes it mandatory.
    pub fn required(mut self) -> Self {
        self.0.required = true;
        self
    }

    /// Takes every remaining argument (last positional only).
    pub fn multiple(mut self) -> Self {
        self.0.multiple = true;
        self
    }
}

/// A subcommand, e.g. `batch command`.
#[derive(Debug, Clone)]
pub struct Sub(SubcommandSpec);

impl Sub {
    /// A subcommand named `name` with one line of help.
    pub fn new(name: &str, summary: &str) -> Self {
        Self(SubcommandSpec {
            name: name.into(),
            summary: summary.into(),
            aliases: Vec::new(),
            options: Vec::new(),
            positionals: Vec::new(),
        })
    }

    /// Another name for it.
    pub fn alias(mut self, alias: &str) -> Self {
        self.0.aliases.push(alias.into());
        self
    }

    /// Adds an option.
    pub fn option(mut self, option: Opt) -> Self {
        self.0.options.push(option.0);
        self
    }

    /// Adds a positional argument.
    pub fn positional(mut self, positional: Positional) -> Self {
        self.0.positionals.push(positional.0);
        self
    }
}

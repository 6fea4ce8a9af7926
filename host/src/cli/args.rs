//! The command line as clap parses it, before anything is resolved.

use crate::runtime::Format;
use clap::{ArgAction, Args, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;

/// Manage fleets of Azure Linux VMs.
#[derive(Debug, Parser)]
#[command(
    name = "azlin",
    version,
    about = "Manage fleets of Azure Linux VMs",
    long_about = "Manage fleets of Azure Linux VMs. Every command but the built-in meta-commands \
                  is a sandboxed WebAssembly plugin; `azlin plugin list` shows them.",
    allow_external_subcommands = true,
    disable_help_subcommand = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<BuiltinCommand>,
}

/// Options every command accepts, before or after its name.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// More detail on stderr (-v info, -vv debug)
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Output format [default: table]
    #[arg(short, long, value_enum, global = true, value_name = "FORMAT")]
    pub output: Option<Format>,
    /// Config file [default: ~/.azlin/config.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Run in this process, not through the background agent
    #[arg(long, global = true)]
    pub no_agent: bool,
    /// Run under auth profile NAME (~/.azlin/profiles/NAME.json): its subscription and tenant
    #[arg(long, global = true, value_name = "NAME")]
    pub auth_profile: Option<String>,
}

impl GlobalArgs {
    /// These options, overridden by those given after the command name.
    pub fn merged(&self, later: GlobalArgs) -> GlobalArgs {
        GlobalArgs {
            verbose: self.verbose.max(later.verbose),
            output: later.output.or(self.output),
            config: later.config.or_else(|| self.config.clone()),
            no_agent: self.no_agent || later.no_agent,
            auth_profile: later.auth_profile.or_else(|| self.auth_profile.clone()),
        }
    }
}

/// Commands built into the host; everything else is a plugin.
#[derive(Debug, Subcommand)]
pub enum BuiltinCommand {
    /// Inspect the installed command plugins
    #[command(subcommand)]
    Plugin(PluginCommand),
    /// Show or change settings in config.toml
    Config {
        #[command(subcommand)]
        command: Option<ConfigCommand>,
    },
    /// Show hit/miss counts of the API cache, or clear it
    #[command(subcommand)]
    Cache(CacheCommand),
    /// The background agent that keeps connections and the cache warm
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Counts and latencies of commands, ARM requests and SSH, cache hit and SSH reuse ratios
    #[command(subcommand)]
    Perf(PerfCommand),
    /// Print a shell completion script
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
        /// Write the script where the shell loads completions from (bash, zsh, fish)
        #[arg(long)]
        install: bool,
    },
    /// Print the manual page (roff), or write one per command into a directory
    Man {
        /// Write azlin.1 and azlin-COMMAND.1 here instead of printing azlin.1
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
    #[command(external_subcommand)]
    External(Vec<OsString>),
}

/// `azlin agent …`
#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Whether an agent runs, and what it holds
    Status,
    /// Stop the agent (the next command starts a new one)
    Stop,
    /// Run the agent in this process (what azlin starts in the background)
    #[command(hide = true)]
    Serve {
        /// Exit after this many seconds without a client
        #[arg(long, default_value_t = 600.0)]
        idle_timeout: f64,
    },
}

/// `azlin plugin …`
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// List plugins with version, sha256, the capabilities they need, and whether they may run
    List,
    /// Approve a plugin file: pin its sha256, grant its capabilities, copy it into the plugin directory
    Install {
        /// The plugin component (.wasm); a minisign signature beside it (FILE.minisig) is checked too
        file: PathBuf,
        /// Grant only these capabilities (azure-read, azure-write, ssh-exec, cache, settings)
        #[arg(long, value_delimiter = ',', value_name = "CAP")]
        grant: Vec<String>,
        /// Grant every capability the plugin's imports need without asking
        #[arg(short, long)]
        yes: bool,
        /// The publisher's signature, when it is not FILE.minisig
        #[arg(long, value_name = "FILE")]
        signature: Option<PathBuf>,
    },
    /// Let an installed plugin run again
    Enable { name: String },
    /// Keep an installed plugin, but refuse to run it
    Disable { name: String },
    /// Grant an installed plugin more capabilities
    Grant {
        name: String,
        #[arg(required = true, value_delimiter = ',', value_name = "CAP")]
        capabilities: Vec<String>,
    },
    /// Take capabilities back from an installed plugin
    Revoke {
        name: String,
        #[arg(required = true, value_delimiter = ',', value_name = "CAP")]
        capabilities: Vec<String>,
    },
    /// Uninstall a plugin: its file, signature and approval
    Remove { name: String },
    /// Check every installed plugin's bytes and signature against what was approved
    Verify {
        /// Only this plugin
        name: Option<String>,
    },
    /// What a plugin (installed name or .wasm file) would be given, and why
    Inspect {
        /// An installed plugin's name, a built-in's, or a path to a .wasm file
        plugin: String,
    },
}

/// `azlin perf …`
#[derive(Debug, Subcommand)]
pub enum PerfCommand {
    /// Per operation: count, errors, p50/p95/max latency; cache hit ratio; SSH connection reuse ratio
    Report {
        /// Forget every measurement after showing them
        #[arg(long)]
        reset: bool,
    },
}

/// `azlin cache …`
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Per operation: hits, misses, hit ratio, entries, bytes
    Stats,
    /// Remove every cached answer and reset the counts
    Clear,
}

/// `azlin config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show every setting (the default)
    Show,
    /// Print one setting, e.g. default_resource_group
    Get { key: String },
    /// Set a setting, keeping the file's comments and layout; a key azlin
    /// does not read is refused unless --force
    Set {
        key: String,
        value: String,
        /// Write the key even though azlin does not read it
        #[arg(long)]
        force: bool,
    },
    /// Remove a setting
    Unset { key: String },
    /// Print the config file's path
    Path,
    /// Show the settings that differ from the defaults (or from FILE)
    Diff {
        /// Another config file to compare with, instead of the defaults
        file: Option<std::path::PathBuf>,
        /// Show every known setting, not only those that differ
        #[arg(long)]
        all: bool,
        /// Existing azlin's spelling of -o: table or json
        #[arg(long, value_parser = ["table", "json"])]
        format: Option<String>,
    },
    /// Write a first config.toml with the defaults a command falls back on
    /// (existing azlin asks for them one by one; here they are flags)
    Init {
        /// The default resource group
        #[arg(long, alias = "rg")]
        resource_group: Option<String>,
        /// The default region
        #[arg(long, default_value = "westus2")]
        region: String,
        /// The default VM size
        #[arg(long, default_value = "Standard_E16as_v5")]
        vm_size: String,
        /// Replace an existing config.toml
        #[arg(long)]
        force: bool,
    },
}

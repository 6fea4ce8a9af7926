//! Errors of the configuration layer.

use std::path::PathBuf;

/// Why the configuration could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "config file {path} is not valid TOML: {message}\nfix the file, or move it aside to start from defaults"
    )]
    Parse { path: PathBuf, message: String },
    #[error("setting '{key}' in {path} should be {expected}")]
    Type {
        path: PathBuf,
        key: String,
        expected: &'static str,
    },
    #[error("cannot write config file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("'{key}' is not a valid setting name: {why}")]
    Key { key: String, why: &'static str },
    #[error(
        "the active context '{name}' (named in {marker}) has no file {path}\nhint: create the file, or name an existing context in {marker}"
    )]
    MissingContext {
        name: String,
        path: PathBuf,
        marker: PathBuf,
    },
    #[error("no home directory found: set AZLIN_CONFIG_DIR, or pass --config PATH")]
    NoHome,
    #[error("cannot find the home directory, where the SSH key and known_hosts live (set HOME)")]
    NoHomeForSsh,
    #[error(
        "there is no template '{name}' ({path})\nhint: a template is a TOML file there with vm_size and region"
    )]
    NoTemplate { name: String, path: PathBuf },
    #[error("'{name}' is not a valid {what} name: {why}")]
    Name {
        what: &'static str,
        name: String,
        why: &'static str,
    },
    #[error(
        "session name '{name}' is already VM '{vm}''s\nhint: clear it first: azlin session {vm} --clear"
    )]
    SessionTaken { name: String, vm: String },
    #[error(
        "there is no context '{name}' ({path}){}\nhint: azlin context list shows the contexts",
        nearest_names(nearest)
    )]
    NoContext {
        name: String,
        path: PathBuf,
        nearest: Vec<String>,
    },
    #[error(
        "context '{name}' exists already ({path})\nhint: pick another name, or azlin context delete {name} first"
    )]
    ContextExists { name: String, path: PathBuf },
    #[error(
        "'{name}' is the active context\nhint: azlin context use OTHER first, or pass --force to delete it and leave no context active"
    )]
    ActiveContext { name: String },
    #[error(
        "there is no auth profile '{name}' ({path}){}\nhint: profiles are the JSON files in that folder (subscription_id, tenant_id), as existing azlin's auth setup writes them",
        nearest_names(nearest)
    )]
    NoProfile {
        name: String,
        path: PathBuf,
        nearest: Vec<String>,
    },
    #[error(
        "auth profile {path} is not valid JSON: {message}\nfix the file: it holds subscription_id and tenant_id"
    )]
    ProfileParse { path: PathBuf, message: String },
    #[error(
        "auth profile '{name}' ({path}) records no subscription_id, so it cannot say which subscription to run against\nhint: add \"subscription_id\": \"<GUID>\" to the file"
    )]
    ProfileWithoutSubscription { name: String, path: PathBuf },
    #[error("{what} '{value}' is not a GUID (like 00000000-0000-0000-0000-000000000000)")]
    NotGuid { what: &'static str, value: String },
}

/// `; did you mean 'a' or 'b'?` for the names nearest a mistyped one.
fn nearest_names(nearest: &[String]) -> String {
    match nearest {
        [] => String::new(),
        [one] => format!("; did you mean '{one}'?"),
        [rest @ .., last] => format!(
            "; did you mean {} or '{last}'?",
            rest.iter()
                .map(|name| format!("'{name}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

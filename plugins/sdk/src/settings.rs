//! The user's session names and contexts (capability `settings`): the host
//! reads and rewrites the files, the plugin names what to change.

use crate::bindings::azlin::host::settings as wit;
use crate::failure::Failure;

pub use crate::bindings::azlin::host::settings::{Context, Migration, VmTemplate};

/// The session name of VM `vm`, read fresh from `config.toml`.
pub fn session_name(vm: &str) -> Result<Option<String>, Failure> {
    Ok(wit::session_name(vm)?)
}

/// Every (VM name, session name) pair.
pub fn session_names() -> Result<Vec<(String, String)>, Failure> {
    Ok(wit::session_names()?)
}

/// Sets (or with `None` clears) VM `vm`'s session name; whether it changed.
pub fn set_session_name(vm: &str, name: Option<&str>) -> Result<bool, Failure> {
    Ok(wit::set_session_name(vm, name)?)
}

/// Every context, sorted by name.
pub fn contexts() -> Result<Vec<Context>, Failure> {
    Ok(wit::list_contexts()?)
}

/// The active context, if any.
pub fn current_context() -> Result<Option<Context>, Failure> {
    Ok(wit::current_context()?)
}

/// Makes context `name` active. A missing context is a usage failure.
pub fn use_context(name: &str) -> Result<Context, Failure> {
    wit::use_context(name).map_err(own_message)
}

/// Writes a new context (not made active).
pub fn create_context(context: &Context) -> Result<Context, Failure> {
    wit::create_context(context).map_err(own_message)
}

/// Deletes context `name`; the active one only with `force`.
pub fn delete_context(name: &str, force: bool) -> Result<(), Failure> {
    wit::delete_context(name, force).map_err(own_message)
}

/// Renames context `old` to `new`.
pub fn rename_context(old: &str, new: &str) -> Result<Context, Failure> {
    wit::rename_context(old, new).map_err(own_message)
}

/// Moves the contexts older versions kept in config.toml into `contexts/`
/// (`force`: over files of the same name); each found, with what became of it.
pub fn migrate_contexts(force: bool) -> Result<Vec<(String, Migration)>, Failure> {
    Ok(wit::migrate_contexts(force)?)
}

/// VM template `name` (`~/.azlin/templates/<name>.toml`): its size and region.
pub fn template(name: &str) -> Result<VmTemplate, Failure> {
    wit::template(name).map_err(own_message)
}

/// A context or template the user named that does not exist: its own message (exit 1).
fn own_message(error: crate::HostError) -> Failure {
    match error {
        crate::HostError::NotFound(why) => Failure::new(why),
        other => other.into(),
    }
}

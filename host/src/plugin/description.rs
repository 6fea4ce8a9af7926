//! Plugin descriptions cached by the digest of the plugin's bytes, apart
//! from any engine's artifacts, so a client can parse a command line for
//! the agent without starting an engine or loading a component.

use super::bindings::types::CommandInfo;
use super::catalog::{Catalog, Origin, builtin};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Where the description of the plugin with digest `sha256` is kept.
pub fn path(cache_dir: &Path, sha256: &str) -> PathBuf {
    cache_dir
        .join("descriptions")
        .join(format!("{sha256}.json"))
}

/// The cached description of the plugin at `path`, if it parses.
pub fn read(path: &Path) -> Option<CommandInfo> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// The description of command `name` (its own name, not an alias) if one
/// was cached for the bytes the catalog finds under that name now. Whether
/// the plugin may run is not decided here: the run checks that.
pub fn cached(catalog: &Catalog, cache_dir: &Path, name: &str) -> Option<CommandInfo> {
    let entry = catalog.find(name)?;
    let sha256 = match &entry.origin {
        Origin::Builtin => builtin(name)?.sha256.to_string(),
        Origin::File(file) => hex::encode(Sha256::digest(std::fs::read(file).ok()?)),
    };
    read(&path(cache_dir, &sha256)).filter(|info| info.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::bindings::types::CommandInfo;

    fn info(name: &str) -> CommandInfo {
        CommandInfo {
            name: name.into(),
            version: "1".into(),
            summary: String::new(),
            description: String::new(),
            aliases: Vec::new(),
            options: Vec::new(),
            positionals: Vec::new(),
            subcommands: Vec::new(),
        }
    }

    #[test]
    fn a_description_counts_only_for_the_bytes_and_name_it_was_made_for() {
        let cache = tempfile::tempdir().expect("a temp dir");
        let catalog = Catalog::new(cache.path().join("no-plugins"));
        assert!(
            cached(&catalog, cache.path(), "list").is_none(),
            "nothing cached yet"
        );
        let file = path(
            cache.path(),
            builtin("list").expect("list is built in").sha256,
        );
        std::fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&file, serde_json::to_vec(&info("status")).expect("JSON")).expect("write");
        assert!(
            cached(&catalog, cache.path(), "list").is_none(),
            "another command's"
        );
        std::fs::write(&file, serde_json::to_vec(&info("list")).expect("JSON")).expect("write");
        assert_eq!(
            cached(&catalog, cache.path(), "list").map(|i| i.name),
            Some("list".into())
        );
        std::fs::write(&file, b"{not json").expect("write");
        assert!(
            cached(&catalog, cache.path(), "list").is_none(),
            "unreadable is a miss"
        );
    }
}

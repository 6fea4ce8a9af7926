//! Plugin descriptions cached by the digest of the plugin's bytes, apart
//! from any engine's artifacts, so a client can parse a command line for
//! the agent without starting an engine or loading a component. Each is
//! sealed under the host key, so only one this azlin wrote for those bytes
//! is believed.

use super::bindings::types::CommandInfo;
use super::catalog::{Catalog, Origin, builtin};
use super::host_key::HostKey;
use super::{seal, spec};
use crate::config::Paths;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Where the description of the plugin with digest `sha256` is kept.
pub fn path(cache_dir: &Path, sha256: &str) -> PathBuf {
    cache_dir
        .join("descriptions")
        .join(format!("{sha256}.json"))
}

fn purpose(sha256: &str) -> String {
    format!("azlin description v1 component={sha256}")
}

/// The cached description of the plugin with digest `sha256`, if this azlin
/// sealed it with `key` for that digest (checked before it is parsed).
pub fn read(cache_dir: &Path, key: &HostKey, sha256: &str) -> Option<CommandInfo> {
    let sealed = std::fs::read(path(cache_dir, sha256)).ok()?;
    serde_json::from_slice(seal::open(key, &purpose(sha256), &sealed)?).ok()
}

/// Caches `info` as the description of the plugin with digest `sha256`.
pub fn write(
    cache_dir: &Path,
    key: &HostKey,
    sha256: &str,
    info: &CommandInfo,
) -> std::io::Result<()> {
    let json = serde_json::to_vec(info).map_err(std::io::Error::other)?;
    let sealed = seal::seal(key, &purpose(sha256), &json);
    crate::atomic_file::write(&path(cache_dir, sha256), &sealed)
}

/// The description of command `name` (its own name, not an alias) if one
/// was cached for the bytes the catalog finds under that name now and it
/// passes [`spec::check`] (its text is shown in `--help`). Whether the
/// plugin may run is not decided here: the run checks that.
pub fn cached(catalog: &Catalog, paths: &Paths, name: &str) -> Option<CommandInfo> {
    let key = HostKey::read(&paths.config_dir)?;
    let entry = catalog.find(name)?;
    let sha256 = match &entry.origin {
        Origin::Builtin => builtin(name)?.sha256.to_string(),
        Origin::File(file) => hex::encode(Sha256::digest(std::fs::read(file).ok()?)),
    };
    read(&paths.cache_dir, &key, &sha256)
        .filter(|info| info.name == name && spec::check(info).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::bindings::types::CommandInfo;

    fn info(name: &str) -> CommandInfo {
        CommandInfo {
            name: name.into(),
            version: "1.0.0".into(),
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
        let dir = tempfile::tempdir().expect("a temp dir");
        let paths = Paths::under(dir.path());
        let catalog = Catalog::new(&paths.plugin_dir);
        let list = builtin("list").expect("list is built in").sha256;
        assert!(cached(&catalog, &paths, "list").is_none(), "no key yet");
        let key = HostKey::load_or_create(&paths.config_dir).expect("a key");
        assert!(
            cached(&catalog, &paths, "list").is_none(),
            "nothing cached yet"
        );
        write(&paths.cache_dir, &key, list, &info("status")).expect("write");
        assert!(
            cached(&catalog, &paths, "list").is_none(),
            "another command's"
        );
        write(&paths.cache_dir, &key, list, &info("list")).expect("write");
        assert_eq!(
            cached(&catalog, &paths, "list").map(|i| i.name),
            Some("list".into())
        );
        let mut forged = info("list");
        forged.version = "1.0.0\x1b[2K\rneeds: cache".into();
        write(&paths.cache_dir, &key, list, &forged).expect("write");
        assert!(
            cached(&catalog, &paths, "list").is_none(),
            "a description the loader refuses is a miss"
        );
        let file = path(&paths.cache_dir, list);
        std::fs::write(&file, b"{not json").expect("write");
        assert!(
            cached(&catalog, &paths, "list").is_none(),
            "unreadable is a miss"
        );
    }

    #[test]
    fn a_description_azlin_did_not_seal_for_those_bytes_is_a_miss() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let paths = Paths::under(dir.path());
        let catalog = Catalog::new(&paths.plugin_dir);
        let key = HostKey::load_or_create(&paths.config_dir).expect("a key");
        let (list, status) = (
            builtin("list").expect("built in").sha256,
            builtin("status").expect("built in").sha256,
        );
        let file = path(&paths.cache_dir, list);
        std::fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&file, serde_json::to_vec(&info("list")).expect("JSON")).expect("write");
        assert!(cached(&catalog, &paths, "list").is_none(), "unsealed");
        write(&paths.cache_dir, &key, status, &info("list")).expect("write");
        std::fs::rename(path(&paths.cache_dir, status), &file).expect("move");
        assert!(
            cached(&catalog, &paths, "list").is_none(),
            "sealed for other bytes"
        );
        let other = tempfile::tempdir().expect("a temp dir");
        let other_key = HostKey::load_or_create(other.path()).expect("a key");
        write(&paths.cache_dir, &other_key, list, &info("list")).expect("write");
        assert!(
            cached(&catalog, &paths, "list").is_none(),
            "sealed by another azlin"
        );
        write(&paths.cache_dir, &key, list, &info("list")).expect("write");
        assert!(
            cached(&catalog, &paths, "list").is_some(),
            "sealed by this azlin"
        );
    }
}

//! Changing contexts the way existing azlin keeps them: list, load, create,
//! delete, rename and switch `~/.azlin/contexts/<name>.toml` and
//! `~/.azlin/active-context`, each write atomic, each name checked so it can
//! only ever name a file inside `contexts/`.

use super::file::{document, read_optional};
use super::{ConfigError, Context};
use std::path::{Path, PathBuf};

/// The longest context name accepted.
const LONGEST: usize = 64;

/// What a new context holds; `None` fields are left out of its file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewContext {
    pub name: String,
    pub subscription_id: String,
    pub tenant_id: Option<String>,
    pub resource_group: Option<String>,
    pub region: Option<String>,
    pub key_vault_name: Option<String>,
}

impl Context {
    /// Every context under `config_dir`, sorted by name; a file that does
    /// not parse is an error naming it.
    pub fn list(config_dir: &Path) -> Result<Vec<(String, Context)>, ConfigError> {
        let dir = config_dir.join("contexts");
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(ConfigError::Read { path: dir, source }),
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let stem = name.strip_suffix(".toml")?;
                check_name(stem).is_ok().then(|| stem.to_string())
            })
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|name| {
                let context = Self::load(config_dir, &name)?;
                Ok::<_, ConfigError>((name, context))
            })
            .collect()
    }

    /// Context `name`; a missing one is an error listing the nearest names.
    pub fn load(config_dir: &Path, name: &str) -> Result<Context, ConfigError> {
        check_name(name)?;
        let path = Self::path(config_dir, name);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::NoContext {
                    name: name.into(),
                    nearest: nearest(name, &names_in(config_dir)),
                    path,
                });
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        toml::from_str(&text).map_err(|error| ConfigError::Parse {
            path,
            message: error.to_string(),
        })
    }

    /// The name `active-context` holds, if any (its file may be missing).
    pub fn active_name(config_dir: &Path) -> Result<Option<String>, ConfigError> {
        let marker = marker(config_dir);
        let name = read_optional(&marker)?.trim().to_string();
        Ok((!name.is_empty()).then_some(name))
    }

    /// Makes context `name` the active one, after checking its file parses.
    pub fn switch(config_dir: &Path, name: &str) -> Result<Context, ConfigError> {
        let context = Self::load(config_dir, name)?;
        write(&marker(config_dir), format!("{name}\n").as_bytes())?;
        Ok(context)
    }

    /// Writes a new context file; an existing one is never overwritten.
    pub fn create(config_dir: &Path, new: &NewContext) -> Result<Context, ConfigError> {
        let text = file_of(new)?;
        write_new(
            &Self::path(config_dir, &new.name),
            &new.name,
            text.as_bytes(),
        )?;
        Self::load(config_dir, &new.name)
    }

    /// Writes context `new` over a file of the same name, if there is one.
    pub fn replace(config_dir: &Path, new: &NewContext) -> Result<Context, ConfigError> {
        let text = file_of(new)?;
        write(&Self::path(config_dir, &new.name), text.as_bytes())?;
        Self::load(config_dir, &new.name)
    }

    /// Deletes context `name`; the active one only with `force`, which
    /// also empties `active-context`.
    pub fn delete(config_dir: &Path, name: &str, force: bool) -> Result<(), ConfigError> {
        Self::exists(config_dir, name)?;
        let active = Self::active_name(config_dir)?.as_deref() == Some(name);
        if active && !force {
            return Err(ConfigError::ActiveContext { name: name.into() });
        }
        let path = Self::path(config_dir, name);
        std::fs::remove_file(&path).map_err(|source| ConfigError::Write { path, source })?;
        if active {
            let marker = marker(config_dir);
            std::fs::remove_file(&marker).map_err(|source| ConfigError::Write {
                path: marker,
                source,
            })?;
        }
        Ok(())
    }

    /// Renames context `old` to `new`: a new file (its `name` key changed,
    /// the rest as written), the old one removed, `active-context` moved.
    pub fn rename(config_dir: &Path, old: &str, new: &str) -> Result<Context, ConfigError> {
        check_name(new)?;
        Self::exists(config_dir, old)?;
        let from = Self::path(config_dir, old);
        let mut document = document(&from)?;
        document["name"] = toml_edit::value(new);
        write_new(
            &Self::path(config_dir, new),
            new,
            document.to_string().as_bytes(),
        )?;
        std::fs::remove_file(&from).map_err(|source| ConfigError::Write { path: from, source })?;
        if Self::active_name(config_dir)?.as_deref() == Some(old) {
            write(&marker(config_dir), format!("{new}\n").as_bytes())?;
        }
        Self::load(config_dir, new)
    }

    /// Fails unless context `name`'s file exists (it need not parse).
    fn exists(config_dir: &Path, name: &str) -> Result<(), ConfigError> {
        check_name(name)?;
        let path = Self::path(config_dir, name);
        if path.is_file() {
            return Ok(());
        }
        Err(ConfigError::NoContext {
            name: name.into(),
            nearest: nearest(name, &names_in(config_dir)),
            path,
        })
    }
}

/// The file of context `new`, its name and ids checked; `None` fields left out.
fn file_of(new: &NewContext) -> Result<String, ConfigError> {
    check_name(&new.name)?;
    check_guid("subscription id", &new.subscription_id)?;
    if let Some(tenant) = &new.tenant_id {
        check_guid("tenant id", tenant)?;
    }
    let mut document = toml_edit::DocumentMut::new();
    let fields = [
        ("name", Some(&new.name)),
        ("subscription_id", Some(&new.subscription_id)),
        ("tenant_id", new.tenant_id.as_ref()),
        ("resource_group", new.resource_group.as_ref()),
        ("region", new.region.as_ref()),
        ("key_vault_name", new.key_vault_name.as_ref()),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            document.insert(key, toml_edit::value(value.as_str()));
        }
    }
    Ok(document.to_string())
}

/// A context name that can only be a file name inside `contexts/`.
pub(super) fn check_name(name: &str) -> Result<(), ConfigError> {
    check_file_name("context", name)
}

/// Checks `name` can name a file of its own in a settings folder (a context,
/// an auth profile): it cannot leave the folder or hide.
pub(super) fn check_file_name(what: &'static str, name: &str) -> Result<(), ConfigError> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name.chars().count() > LONGEST {
        Some("it is longer than 64 characters")
    } else if name.starts_with('.') {
        Some("it starts with '.'")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        Some("use letters, digits, '-', '_' and '.' (no path separators or spaces)")
    } else {
        None
    };
    match why {
        Some(why) => Err(ConfigError::Name {
            what,
            name: name.into(),
            why,
        }),
        None => Ok(()),
    }
}

/// Checks an Azure id is a GUID: 8-4-4-4-12 hex digits.
fn check_guid(what: &'static str, value: &str) -> Result<(), ConfigError> {
    let groups: Vec<&str> = value.split('-').collect();
    let shaped = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()));
    if shaped {
        Ok(())
    } else {
        Err(ConfigError::NotGuid {
            what,
            value: value.into(),
        })
    }
}

/// `~/.azlin/active-context`.
fn marker(config_dir: &Path) -> PathBuf {
    config_dir.join("active-context")
}

/// The names of the context files under `config_dir`.
fn names_in(config_dir: &Path) -> Vec<String> {
    stems_in(&config_dir.join("contexts"), ".toml")
}

/// The names of the files in `dir` ending in `suffix`, without it.
pub(super) fn stems_in(dir: &Path, suffix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| {
                    let name = entry.file_name().into_string().ok()?;
                    name.strip_suffix(suffix).map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Up to three of `names` most like `typed`, the closest first.
pub(super) fn nearest(typed: &str, names: &[String]) -> Vec<String> {
    let mut scored: Vec<(f64, &String)> = names
        .iter()
        .map(|name| (strsim::jaro_winkler(typed, name), name))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .take(3)
        .map(|(_, name)| name.clone())
        .collect()
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ConfigError> {
    crate::atomic_file::write(path, bytes).map_err(|source| ConfigError::Write {
        path: path.into(),
        source,
    })
}

/// Writes `path` atomically, failing if it exists (even if it appeared
/// while this ran).
fn write_new(path: &Path, name: &str, bytes: &[u8]) -> Result<(), ConfigError> {
    let exists = || ConfigError::ContextExists {
        name: name.into(),
        path: path.into(),
    };
    if path.exists() {
        return Err(exists());
    }
    let io = |source| ConfigError::Write {
        path: path.into(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut file, bytes).map_err(io)?;
    match file.persist_noclobber(path) {
        Ok(_) => Ok(()),
        Err(error) if error.error.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
        Err(error) => Err(io(error.error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "00000000-0000-0000-0000-0000000000b2";

    fn new(name: &str) -> NewContext {
        NewContext {
            name: name.into(),
            subscription_id: SUB.into(),
            ..NewContext::default()
        }
    }

    #[test]
    fn create_rename_use_and_delete_keep_active_context_in_step() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        Context::create(root, &new("a")).expect("create a");
        Context::create(root, &new("b")).expect("create b");
        assert!(matches!(
            Context::create(root, &new("a")),
            Err(ConfigError::ContextExists { .. })
        ));
        Context::switch(root, "a").expect("use a");
        let renamed = Context::rename(root, "a", "alpha").expect("rename");
        assert_eq!(renamed.name.as_deref(), Some("alpha"));
        assert_eq!(
            Context::active_name(root).expect("marker").as_deref(),
            Some("alpha")
        );
        assert!(matches!(
            Context::delete(root, "alpha", false),
            Err(ConfigError::ActiveContext { .. })
        ));
        Context::delete(root, "b", false).expect("delete b");
        let names: Vec<String> = Context::list(root)
            .expect("list")
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, ["alpha"]);
    }

    #[test]
    fn names_that_leave_the_directory_are_refused() {
        for name in ["../x", "a/b", ".hidden", "", "a b"] {
            assert!(
                matches!(check_name(name), Err(ConfigError::Name { .. })),
                "{name}"
            );
        }
        check_name("prod-eu.2").expect("an ordinary name");
    }

    #[test]
    fn a_missing_context_suggests_the_nearest() {
        let dir = tempfile::tempdir().expect("temp dir");
        Context::create(dir.path(), &new("production")).expect("create");
        match Context::switch(dir.path(), "producton") {
            Err(ConfigError::NoContext { nearest, .. }) => assert_eq!(nearest, ["production"]),
            other => panic!("{other:?}"),
        }
    }
}

//! `session_names` in `config.toml` (VM name → session name), read fresh
//! from the file and rewritten in place: the user's comments, layout and
//! every other key, known or not, stay as they were.

use super::file::rewrite;
use super::{Config, ConfigError};
use std::path::Path;

/// The table existing azlin keeps session names in.
const TABLE: &str = "session_names";
/// The longest session name accepted (tmux takes longer, people type these).
const LONGEST: usize = 64;

/// Every (VM name, session name) pair of the file at `path`, in file order.
pub fn session_names(path: &Path) -> Result<Vec<(String, String)>, ConfigError> {
    let config = Config::load(path)?;
    let Some(value) = config.table().get(TABLE) else {
        return Ok(Vec::new());
    };
    let table = value
        .as_table()
        .ok_or_else(|| config.type_error(TABLE, "a table"))?;
    Ok(table
        .iter()
        .filter_map(|(vm, name)| Some((vm.clone(), name.as_str()?.to_string())))
        .collect())
}

/// Sets (or with `None` clears) VM `vm`'s session name in the file at
/// `path`; returns whether the file changed.
pub fn set_session_name(path: &Path, vm: &str, name: Option<&str>) -> Result<bool, ConfigError> {
    if let Some(name) = name {
        check_name(name)?;
        let taken = session_names(path)?
            .into_iter()
            .find(|(other, session)| session == name && other != vm);
        if let Some((other, _)) = taken {
            return Err(ConfigError::SessionTaken {
                name: name.into(),
                vm: other,
            });
        }
    }
    let not_a_table = || ConfigError::Type {
        path: path.into(),
        key: TABLE.into(),
        expected: "a table",
    };
    rewrite(path, |document| {
        Ok(match name {
            Some(name) => {
                let table = document
                    .entry(TABLE)
                    .or_insert_with(toml_edit::table)
                    .as_table_like_mut()
                    .ok_or_else(not_a_table)?;
                let unchanged = table
                    .get(vm)
                    .and_then(|item| item.as_str())
                    .is_some_and(|current| current == name);
                if !unchanged {
                    table.insert(vm, toml_edit::value(name));
                }
                !unchanged
            }
            None => match document.get_mut(TABLE) {
                None => false,
                Some(item) => item
                    .as_table_like_mut()
                    .ok_or_else(not_a_table)?
                    .remove(vm)
                    .is_some(),
            },
        })
    })
}

/// A session name people can type and tmux takes as it is.
fn check_name(name: &str) -> Result<(), ConfigError> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name.chars().count() > LONGEST {
        Some("it is longer than 64 characters")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Some("use letters, digits, '-' and '_'")
    } else {
        None
    };
    match why {
        Some(why) => Err(ConfigError::Name {
            what: "session",
            name: name.into(),
            why,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_keeps_comments_unknown_keys_and_inline_tables() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "# mine\nfuture = 1 # kept\nsession_names = { old-vm = \"old\" }\n",
        )
        .expect("write");
        assert!(set_session_name(&path, "vm-1", Some("box")).expect("set"));
        assert!(!set_session_name(&path, "vm-1", Some("box")).expect("same again"));
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("# mine\nfuture = 1 # kept\n"), "{text}");
        assert_eq!(
            session_names(&path).expect("names"),
            [
                ("old-vm".to_string(), "old".to_string()),
                ("vm-1".to_string(), "box".to_string())
            ]
        );
        assert!(set_session_name(&path, "old-vm", None).expect("clear"));
        assert!(!set_session_name(&path, "nobody", None).expect("clear nothing"));
    }

    #[test]
    fn a_name_another_vm_has_or_with_spaces_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        set_session_name(&path, "vm-1", Some("box")).expect("set");
        assert!(matches!(
            set_session_name(&path, "vm-2", Some("box")),
            Err(ConfigError::SessionTaken { .. })
        ));
        assert!(matches!(
            set_session_name(&path, "vm-2", Some("my box")),
            Err(ConfigError::Name { .. })
        ));
    }
}

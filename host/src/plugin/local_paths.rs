//! The local files one plugin run may touch: only the paths the user typed on
//! the command line for that run (its pre-opens, as WASI pre-opens
//! directories), and never azlin's own state or the SSH key, even when typed.

use crate::config::expand_home;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// A local path a run may not touch, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    pub path: PathBuf,
    pub why: &'static str,
}

/// The local paths granted to one run.
#[derive(Debug, Clone, Default)]
pub struct LocalPaths {
    /// Values the user typed on the command line (not defaults).
    typed: Vec<String>,
    /// Where azlin was started: relative paths are from here.
    cwd: Option<PathBuf>,
    protected: Vec<Protected>,
    /// `protected` with links resolved, worked out on the first check: most
    /// runs never name a local file, so they pay nothing for it.
    resolved: OnceLock<Vec<Protected>>,
}

impl LocalPaths {
    /// Grants the paths among `typed`, resolved from `cwd`, except `protected`.
    pub fn new(typed: Vec<String>, cwd: Option<PathBuf>, protected: Vec<Protected>) -> Self {
        Self {
            typed,
            cwd,
            protected,
            resolved: OnceLock::new(),
        }
    }

    /// The file the user meant by `typed`, if they typed it for this run and
    /// it is not azlin's own; else why not, for an `access-denied`.
    pub fn resolve(&self, typed: &str) -> Result<PathBuf, String> {
        let path = self.typed(typed)?;
        self.check(&path, typed)?;
        Ok(path)
    }

    /// The file the user meant by `typed`, if they typed it for this run,
    /// for the host's own use (a key to log in with): azlin's own files
    /// allowed, since their bytes never reach the plugin.
    pub fn typed(&self, typed: &str) -> Result<PathBuf, String> {
        if !self.typed.iter().any(|given| given == typed) {
            return Err(format!(
                "local path '{typed}' was not typed on the command line: a plugin may name only the local paths the user gives it for this run"
            ));
        }
        Ok(self.user_path(typed))
    }

    /// Whether the host may read `path`, which it chose itself (not the
    /// plugin): refused only inside azlin's own state or the SSH key.
    pub fn host_chosen(&self, path: &Path) -> Result<(), String> {
        self.check(path, &path.display().to_string())
    }

    /// `name` inside `dir` (a directory `resolve` granted): one plain file
    /// name, not a path, and not azlin's own.
    pub fn child(&self, dir: &Path, name: &str) -> Result<PathBuf, String> {
        let plain = matches!(
            Path::new(name).components().collect::<Vec<_>>().as_slice(),
            [Component::Normal(_)]
        );
        if !plain || name.contains('/') {
            return Err(format!(
                "'{name}' is not a plain file name: a copy into {} may create only a file directly inside it",
                dir.display()
            ));
        }
        let path = dir.join(name);
        self.check(&path, &path.display().to_string())?;
        Ok(path)
    }

    /// Refuses `path` (shown as `shown`) if it is, or is inside, a protected path.
    fn check(&self, path: &Path, shown: &str) -> Result<(), String> {
        let real = real(path);
        let protected = self.resolved.get_or_init(|| {
            self.protected
                .iter()
                .map(|entry| Protected {
                    path: self::real(&entry.path),
                    why: entry.why,
                })
                .collect()
        });
        match protected.iter().find(|entry| real.starts_with(&entry.path)) {
            Some(entry) => Err(format!(
                "local path '{shown}' is {} ({}): no plugin may read or write it",
                entry.why,
                entry.path.display()
            )),
            None => Ok(()),
        }
    }

    /// A path as the user meant it: `~/` is their home, `~` too, and a
    /// relative path is from the directory azlin was started in.
    fn user_path(&self, typed: &str) -> PathBuf {
        let cwd = self.cwd.clone().unwrap_or_else(|| ".".into());
        match dirs::home_dir() {
            Some(home) if typed == "~" => home,
            Some(home) => cwd.join(expand_home(typed, &home)),
            None => cwd.join(typed),
        }
    }
}

/// `path` with every symbolic link and `..` resolved, part by part, as far
/// as it exists, so neither a link nor `..` can hide where it points.
fn real(path: &Path) -> PathBuf {
    let mut real = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    for part in path.components() {
        match part {
            Component::ParentDir => {
                real.pop();
            }
            Component::CurDir => {}
            other => {
                real.push(other);
                if let Ok(found) = real.canonicalize() {
                    real = found;
                }
            }
        }
    }
    real
}

#[cfg(test)]
mod tests {
    use super::*;

    fn granted(dir: &Path, typed: &[&str]) -> LocalPaths {
        LocalPaths::new(
            typed.iter().map(|s| s.to_string()).collect(),
            Some(dir.to_path_buf()),
            vec![Protected {
                path: dir.join("state"),
                why: "azlin's own state",
            }],
        )
    }

    #[test]
    fn only_typed_paths_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let local = granted(dir.path(), &["notes.txt"]);
        assert_eq!(
            local.resolve("notes.txt").unwrap(),
            dir.path().join("notes.txt")
        );
        for untyped in ["other.txt", "/etc/passwd", "~/.bashrc", "../notes.txt", ""] {
            let denied = local.resolve(untyped).unwrap_err();
            assert!(denied.contains("was not typed"), "{untyped}: {denied}");
        }
    }

    #[test]
    fn protected_paths_are_refused_even_when_typed_or_reached_through_links() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("state")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("state"), dir.path().join("link")).unwrap();
        let local = granted(
            dir.path(),
            &["state/key", "link/key", "x/../state/new", "state"],
        );
        for typed in ["state/key", "link/key", "x/../state/new", "state"] {
            let denied = local.resolve(typed).unwrap_err();
            assert!(denied.contains("azlin's own state"), "{typed}: {denied}");
        }
    }

    #[test]
    fn a_child_is_one_plain_name_outside_protected_paths() {
        let dir = tempfile::tempdir().unwrap();
        let local = granted(dir.path(), &["."]);
        let into = local.resolve(".").unwrap();
        assert_eq!(local.child(&into, "a.txt").unwrap(), into.join("a.txt"));
        for name in ["..", ".", "", "a/b", "/etc/passwd"] {
            assert!(local.child(&into, name).is_err(), "{name}");
        }
        assert!(
            local
                .child(&into, "state")
                .unwrap_err()
                .contains("own state")
        );
    }
}

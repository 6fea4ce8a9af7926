//! Where plugins are found: the built-ins compiled into azlin, then
//! `<name>.wasm` files in the user's plugin directory.

use super::PluginError;
use super::builtin::{BUILTINS, Builtin};
use super::reserved;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// Where a plugin comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into azlin.
    Builtin,
    /// A file in the plugin directory.
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builtin => f.write_str("built-in"),
            Origin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A plugin the catalog knows of, not yet loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The command name (a built-in's name, or the file's stem).
    pub name: String,
    pub origin: Origin,
    /// A user file with the same name as a built-in, which wins.
    pub shadowed: bool,
}

/// A plugin's bytes and their sha256.
#[derive(Debug, Clone)]
pub struct Bytes {
    pub bytes: Cow<'static, [u8]>,
    pub sha256: String,
}

impl Entry {
    /// Describes the plugin for messages: `'name' (origin)`.
    pub fn label(&self) -> String {
        format!("'{}' ({})", self.name, self.origin)
    }

    /// Reads the plugin's bytes and digest.
    pub fn read(&self) -> Result<Bytes, PluginError> {
        match &self.origin {
            Origin::Builtin => {
                let builtin = builtin(&self.name).expect("a built-in entry names a built-in");
                Ok(Bytes {
                    bytes: Cow::Borrowed(builtin.bytes),
                    sha256: builtin.sha256.into(),
                })
            }
            Origin::File(path) => {
                let bytes = std::fs::read(path).map_err(|source| PluginError::Read {
                    path: path.clone(),
                    source,
                })?;
                let sha256 = hex::encode(Sha256::digest(&bytes));
                Ok(Bytes {
                    bytes: Cow::Owned(bytes),
                    sha256,
                })
            }
        }
    }
}

pub(crate) fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|builtin| builtin.name == name)
}

/// The plugins available to this user.
#[derive(Debug, Clone)]
pub struct Catalog {
    plugin_dir: PathBuf,
}

impl Catalog {
    /// A catalog of the built-ins and the `.wasm` files in `plugin_dir`.
    pub fn new(plugin_dir: impl Into<PathBuf>) -> Self {
        Self {
            plugin_dir: plugin_dir.into(),
        }
    }

    /// The user's plugin directory.
    pub fn plugin_dir(&self) -> &Path {
        &self.plugin_dir
    }

    /// Whether `name` is a built-in command.
    pub fn is_builtin(&self, name: &str) -> bool {
        builtin(name).is_some()
    }

    /// The plugin for command `name`: a built-in if there is one, else the user's file.
    pub fn find(&self, name: &str) -> Option<Entry> {
        if builtin(name).is_some() {
            return Some(Entry {
                name: name.into(),
                origin: Origin::Builtin,
                shadowed: false,
            });
        }
        if reserved::is_reserved(name) {
            return None;
        }
        let path = self.plugin_dir.join(format!("{name}.wasm"));
        path.is_file().then(|| Entry {
            name: name.into(),
            origin: Origin::File(path),
            shadowed: false,
        })
    }

    /// Every plugin, built-ins first, then user files by name. A missing plugin
    /// directory is an empty one.
    pub fn entries(&self) -> Result<Vec<Entry>, PluginError> {
        let mut entries: Vec<Entry> = BUILTINS
            .iter()
            .map(|builtin| Entry {
                name: builtin.name.into(),
                origin: Origin::Builtin,
                shadowed: false,
            })
            .collect();
        let mut files = self.user_files()?;
        files.sort();
        for path in files {
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let shadowed = builtin(&name).is_some() || reserved::is_reserved(&name);
            entries.push(Entry {
                name,
                origin: Origin::File(path),
                shadowed,
            });
        }
        Ok(entries)
    }

    fn user_files(&self) -> Result<Vec<PathBuf>, PluginError> {
        let listing = match std::fs::read_dir(&self.plugin_dir) {
            Ok(listing) => listing,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(PluginError::ListDir {
                    path: self.plugin_dir.clone(),
                    source,
                });
            }
        };
        Ok(listing
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "wasm") && path.is_file())
            .collect())
    }
}

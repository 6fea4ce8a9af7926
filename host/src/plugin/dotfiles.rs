//! What `batch sync` pushes, chosen by the host, never by a plugin: the
//! dotfiles existing azlin syncs from the user's home, and the plain files
//! of `~/.azlin/home` (the user's own content, the one part of azlin's
//! directory a push may read). A file whose real path leads into azlin's
//! state or the SSH key (a link, say) is left out, with the reason.

use super::local_paths::LocalPaths;
use std::path::{Path, PathBuf};

/// The dotfiles existing azlin's `sync` pushes, from the home directory.
pub const DOTFILES: [&str; 5] = [".bashrc", ".profile", ".vimrc", ".tmux.conf", ".gitconfig"];

/// A file to push, or why one found is not pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Push(PathBuf),
    Skipped { path: PathBuf, why: String },
}

/// The files to push for a user whose home is `home` and whose azlin
/// directory is `config_dir`.
pub fn sources(home: &Path, config_dir: &Path, local: &LocalPaths) -> Vec<Source> {
    let mut found = Vec::new();
    for name in DOTFILES {
        let path = home.join(name);
        if path.is_file() {
            found.push(match local.host_chosen(&path) {
                Ok(()) => Source::Push(path),
                Err(why) => Source::Skipped { path, why },
            });
        }
    }
    let own = config_dir.join("home");
    let Ok(entries) = std::fs::read_dir(&own) else {
        return found;
    };
    let own_real = own.canonicalize().unwrap_or_else(|_| own.clone());
    let mut names: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    names.sort();
    for path in names {
        let real = path.canonicalize().unwrap_or_else(|_| path.clone());
        if !real.is_file() {
            continue;
        }
        found.push(if real.starts_with(&own_real) {
            Source::Push(path)
        } else {
            Source::Skipped {
                why: format!("it leads out of {} (to {})", own.display(), real.display()),
                path,
            }
        });
    }
    found
}

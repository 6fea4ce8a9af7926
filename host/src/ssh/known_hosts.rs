//! Host keys checked against a known_hosts file: a known key passes, an
//! unknown one is recorded (trust on first use), a changed one is refused.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use russh::keys::{self, PublicKey, known_hosts};

use super::{Destination, SshError};

/// One known_hosts file, shared by every connection of a pool.
#[derive(Debug)]
pub(crate) struct KnownHosts {
    path: PathBuf,
    /// Serialises check-then-append, so two new hosts never interleave lines.
    file: Mutex<()>,
}

impl KnownHosts {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self {
            path,
            file: Mutex::new(()),
        }
    }

    /// Accepts `key` for `dest` if recorded, records it if the host is new,
    /// and refuses it if the file holds another key of the same type.
    pub(crate) fn verify(&self, dest: &Destination, key: &PublicKey) -> Result<(), SshError> {
        let _file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match known_hosts::check_known_hosts_path(&dest.host, dest.port, key, &self.path) {
            Ok(true) => Ok(()),
            Ok(false) => {
                self.learn(dest, key)
                    .map_err(|error| self.unusable(dest, error))?;
                tracing::warn!(
                    "recorded the host key of {dest} in {} (trust on first use)",
                    self.path.display()
                );
                Ok(())
            }
            Err(keys::Error::KeyChanged { line }) => Err(SshError::HostKeyChanged {
                dest: dest.clone(),
                path: self.path.clone(),
                line: physical_line(&self.path, line),
            }),
            Err(error) => Err(self.unusable(dest, error)),
        }
    }

    /// Appends `host key` (`[host]:port key` off port 22) in one write.
    /// Not russh's `learn_known_hosts_path`: it starts a new file with an
    /// empty line, which shifts every line number a fix would quote.
    fn learn(&self, dest: &Destination, key: &PublicKey) -> std::io::Result<()> {
        let unterminated = match fs::read(&self.path) {
            Ok(text) => text.last().is_some_and(|last| *last != b'\n'),
            Err(error) if error.kind() == ErrorKind::NotFound => false,
            Err(error) => return Err(error),
        };
        let host = if dest.port == 22 {
            dest.host.clone()
        } else {
            format!("[{}]:{}", dest.host, dest.port)
        };
        let key = key.to_openssh().map_err(std::io::Error::other)?;
        let line = format!("{}{host} {key}\n", if unterminated { "\n" } else { "" });
        if let Some(parent) = self.path.parent() {
            fs::create_dir_all(parent)?;
        }
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?
            .write_all(line.as_bytes())
    }

    fn unusable(&self, dest: &Destination, why: impl ToString) -> SshError {
        SshError::KnownHosts {
            dest: dest.clone(),
            path: self.path.clone(),
            why: why.to_string(),
        }
    }
}

/// russh numbers known_hosts lines without counting `#` comments; this turns
/// its number back into the file's own line number, the one an editor shows.
fn physical_line(path: &Path, counted: usize) -> usize {
    let Ok(text) = std::fs::read_to_string(path) else {
        return counted;
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#'))
        .nth(counted.saturating_sub(1))
        .map_or(counted, |(index, _)| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_count_comment_lines_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("known_hosts");
        std::fs::write(&path, "# one\na k\n# three\nb k\n").unwrap();
        assert_eq!(physical_line(&path, 1), 2);
        assert_eq!(physical_line(&path, 2), 4);
    }
}

//! The few process chores the fleet needs: keys from `ssh-keygen`, the
//! current user, and the processes below an sshd (read from `/proc`).

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::SshdError;

/// A type of key `ssh-keygen` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// `ssh-ed25519`: what the fleet uses unless told otherwise.
    Ed25519,
    /// `ecdsa-sha2-nistp256`.
    Ecdsa,
    /// `ssh-rsa`, 3072 bits.
    Rsa,
}

impl KeyType {
    fn name(self) -> &'static str {
        match self {
            KeyType::Ed25519 => "ed25519",
            KeyType::Ecdsa => "ecdsa",
            KeyType::Rsa => "rsa",
        }
    }
}

/// Writes a new passphrase-less ed25519 key pair: `path` and `path.pub`.
pub(crate) fn keygen(path: &Path) -> Result<(), SshdError> {
    keygen_of(KeyType::Ed25519, path)
}

/// Writes a new passphrase-less key pair of type `kind`: `path` and `path.pub`.
pub(crate) fn keygen_of(kind: KeyType, path: &Path) -> Result<(), SshdError> {
    let failed = |detail: String| SshdError::Keygen {
        path: path.to_path_buf(),
        detail,
    };
    let output = Command::new("ssh-keygen")
        .args(["-q", "-t", kind.name(), "-N", "", "-C", "azlin-sim", "-f"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| failed(error.to_string()))?;
    if !output.status.success() {
        return Err(failed(format!(
            "{}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(())
}

/// Whether this process runs as root (the owner of `/proc/self`).
pub(crate) fn is_root() -> bool {
    fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

/// The login name of whoever runs this process (`id -un`).
pub(crate) fn user() -> Result<String, SshdError> {
    let output = Command::new("id")
        .arg("-un")
        .output()
        .map_err(SshdError::io("run `id -un`"))?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Every process below `pid`: sshd's per-connection children and what they run.
pub(crate) fn descendants(pid: u32) -> Vec<u32> {
    let parents = parent_table();
    let mut found = vec![pid];
    let mut next = 0;
    while next < found.len() {
        let parent = found[next];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        next += 1;
    }
    found.remove(0);
    found
}

/// Sends SIGKILL to `pids` (those already gone are ignored).
pub(crate) fn kill(pids: &[u32]) {
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("kill")
        .arg("-KILL")
        .args(pids.iter().map(u32::to_string))
        .stderr(Stdio::null())
        .status();
}

/// Ends the tmux server whose sockets live under `tmux_tmpdir`, if one was
/// ever started there (tmux makes `tmux-<uid>` for its sockets).
pub(crate) fn end_tmux(tmux_tmpdir: &Path) {
    let started = fs::read_dir(tmux_tmpdir).is_ok_and(|mut entries| {
        entries.any(|entry| {
            entry.is_ok_and(|entry| entry.file_name().to_string_lossy().starts_with("tmux-"))
        })
    });
    if started {
        let _ = Command::new("tmux")
            .arg("kill-server")
            .env("TMUX_TMPDIR", tmux_tmpdir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// (pid, parent pid) of every process.
fn parent_table() -> Vec<(u32, u32)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pid = entry.ok()?.file_name().to_str()?.parse::<u32>().ok()?;
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // Fields after the parenthesised command name: state, ppid, …
            let (_, rest) = stat.rsplit_once(')')?;
            let parent = rest.split_whitespace().nth(1)?.parse::<u32>().ok()?;
            Some((pid, parent))
        })
        .collect()
}

//! Where a user's agent lives: a directory only the user can enter, and in
//! it the socket, lock and log of the agent for one environment.

use super::AgentError;
use sha2::{Digest, Sha256};
use std::fs::DirBuilder;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Environment variables that change what a command sees (Azure identity
/// and endpoints, azlin's directories and home). Clients whose values
/// differ get agents of their own, since an agent keeps the environment it
/// started with. `PATH` is not one of them: only the `az` it finds (for the
/// Azure CLI credential) shapes an answer, so that stands in for it.
const PREFIXES: [&str; 5] = ["AZURE_", "AZLIN_", "IDENTITY_", "MSI_", "IMDS_"];
const NAMES: [&str; 3] = ["HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"];
/// azlin variables that do not change what a command sees.
const IGNORED: [&str; 2] = ["AZLIN_LOG", "AZLIN_NO_AGENT"];

/// The files of one agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentFiles {
    pub dir: PathBuf,
    pub socket: PathBuf,
    /// Held by the running agent: one agent per socket.
    pub lock: PathBuf,
    /// Held by a client while it starts the agent, so racing clients start one.
    pub spawn_lock: PathBuf,
    pub log: PathBuf,
}

impl AgentFiles {
    /// The agent for this process's user and environment; the directory is
    /// made (mode 700) if missing and refused if anyone else could enter it.
    pub fn current() -> Result<AgentFiles, AgentError> {
        let uid = current_uid();
        let dir = crate::config::agent_dir();
        prepare(&dir, uid)?;
        let az = ("az".to_string(), az_on_path(std::env::var_os("PATH")));
        let vars = std::env::vars().chain(std::iter::once(az));
        Ok(AgentFiles::in_dir(dir, &fingerprint(vars)))
    }

    fn in_dir(dir: PathBuf, fingerprint: &str) -> AgentFiles {
        let file = |suffix: &str| dir.join(format!("agent-{fingerprint}.{suffix}"));
        AgentFiles {
            socket: file("sock"),
            lock: file("lock"),
            spawn_lock: file("spawn"),
            log: file("log"),
            dir,
        }
    }
}

/// Opens (making it if needed) one of the agent's lock files, whose lock
/// is what counts, not its contents.
pub fn lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

/// The user this process runs as.
pub fn current_uid() -> u32 {
    std::fs::metadata("/proc/self").map_or(u32::MAX, |meta| meta.uid())
}

/// Makes `dir` (700) or checks it is the user's and closed to others.
fn prepare(dir: &Path, uid: u32) -> Result<(), AgentError> {
    let io = |source| AgentError::Dir {
        dir: dir.into(),
        source,
    };
    match DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => return Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(io(error)),
    }
    let meta = std::fs::symlink_metadata(dir).map_err(io)?;
    let unsafe_dir = |why: String| AgentError::UnsafeDir {
        dir: dir.into(),
        why,
    };
    if !meta.is_dir() {
        return Err(unsafe_dir("it is not a directory".into()));
    }
    if meta.uid() != uid {
        return Err(unsafe_dir(format!(
            "it belongs to uid {}, not {uid}",
            meta.uid()
        )));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(unsafe_dir(format!("its mode is {mode:o}")));
    }
    Ok(())
}

/// Where `az` is on `path` (empty if nowhere): all of `PATH` that matters.
fn az_on_path(path: Option<std::ffi::OsString>) -> String {
    path.iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("az"))
        .find(|az| az.is_file())
        .map(|az| az.display().to_string())
        .unwrap_or_default()
}

/// A short digest of the variables that shape a command, sorted by name
/// (`az`, the Azure CLI found on `PATH`, included).
fn fingerprint(vars: impl Iterator<Item = (String, String)>) -> String {
    let mut shaping: Vec<(String, String)> = vars
        .filter(|(name, _)| {
            (name == "az"
                || NAMES.contains(&name.as_str())
                || PREFIXES.iter().any(|p| name.starts_with(p)))
                && !IGNORED.contains(&name.as_str())
        })
        .collect();
    shaping.sort();
    let mut digest = Sha256::new();
    for (name, value) in &shaping {
        digest.update(name.as_bytes());
        digest.update(b"=");
        digest.update(value.as_bytes());
        digest.update(b"\0");
    }
    hex::encode(&digest.finalize()[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn only_variables_that_shape_a_command_choose_the_agent() {
        let base = fingerprint(vars(&[("HOME", "/h"), ("AZURE_TENANT_ID", "t")]));
        let noise = fingerprint(vars(&[
            ("AZURE_TENANT_ID", "t"),
            ("HOME", "/h"),
            ("TERM", "xterm"),
            ("AZLIN_LOG", "debug"),
        ]));
        let other = fingerprint(vars(&[("HOME", "/h"), ("AZURE_TENANT_ID", "u")]));
        assert_eq!(base, noise);
        assert_ne!(base, other);
        let path = fingerprint(vars(&[
            ("HOME", "/h"),
            ("AZURE_TENANT_ID", "t"),
            ("PATH", "/venv/bin:/usr/bin"),
        ]));
        assert_eq!(base, path, "another PATH is the same agent");
        let az = fingerprint(vars(&[
            ("HOME", "/h"),
            ("AZURE_TENANT_ID", "t"),
            ("az", "/a/az"),
        ]));
        assert_ne!(base, az, "another az is another identity");
    }

    #[test]
    fn the_az_found_on_path_is_the_first() {
        let root = tempfile::tempdir().expect("temp dir");
        let (a, b) = (root.path().join("a"), root.path().join("b"));
        std::fs::create_dir_all(&a).expect("a");
        std::fs::create_dir_all(&b).expect("b");
        std::fs::write(b.join("az"), "").expect("az");
        let path = std::env::join_paths([&a, &b]).expect("PATH");
        assert_eq!(az_on_path(Some(path)), b.join("az").display().to_string());
        assert_eq!(az_on_path(Some(a.into_os_string())), "");
        assert_eq!(az_on_path(None), "");
    }

    #[test]
    fn a_directory_open_to_others_is_refused() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("azlin");
        prepare(&dir, current_uid()).expect("made");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let error = prepare(&dir, current_uid())
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains("mode is 755") && error.contains("chmod 700"),
            "{error}"
        );
    }
}

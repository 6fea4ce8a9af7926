//! Writing a file so that a crash never leaves half of it: every file azlin
//! keeps (config, contexts, the lock, perf history, artifacts) goes through here.

use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same directory,
/// renamed into place, creating the directory if needed.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

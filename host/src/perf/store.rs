//! The counters on disk: `perf.json` in azlin's cache directory, merged
//! under a file lock so the agent and in-process runs can all add to it.

use super::tally::Tally;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Why the counters could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum PerfError {
    #[error("cannot use the performance counters at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The counters of one user.
#[derive(Debug, Clone)]
pub struct Store {
    path: PathBuf,
}

impl Store {
    /// The counters kept in `cache_dir`.
    pub fn new(cache_dir: &Path) -> Self {
        Self {
            path: cache_dir.join("perf.json"),
        }
    }

    /// Where they are kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds `tally` to what is stored.
    pub fn add(&self, tally: &Tally) -> Result<(), PerfError> {
        let _lock = self.lock()?;
        let mut stored = self.read_unlocked();
        stored.merge(tally);
        let json = serde_json::to_vec(&stored).expect("a tally serialises");
        crate::atomic_file::write(&self.path, &json).map_err(|source| self.error(source))
    }

    /// What is stored; unreadable counters are none (they are only statistics).
    pub fn read(&self) -> Result<Tally, PerfError> {
        let _lock = self.lock()?;
        Ok(self.read_unlocked())
    }

    /// Forgets every measurement.
    pub fn reset(&self) -> Result<(), PerfError> {
        let _lock = self.lock()?;
        match std::fs::remove_file(&self.path) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(self.error(error)),
            _ => Ok(()),
        }
    }

    fn read_unlocked(&self) -> Tally {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// An exclusive lock on `perf.lock`, released when dropped.
    fn lock(&self) -> Result<File, PerfError> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| self.error(source))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.path.with_extension("lock"))
            .map_err(|source| self.error(source))?;
        file.lock().map_err(|source| self.error(source))?;
        Ok(file)
    }

    fn error(&self, source: std::io::Error) -> PerfError {
        PerfError::Io {
            path: self.path.clone(),
            source,
        }
    }
}

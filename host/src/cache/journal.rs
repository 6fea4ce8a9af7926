//! Invalidations from processes that could not open the cache because
//! another azlin holds it (a second agent, `--no-agent` beside an agent):
//! appended as lines to a file beside the cache, and applied by the holder
//! before it answers from the cache, so a change made by any azlin process
//! is seen by the next command of every other.

use super::{Cache, CacheError, Operation, Pattern};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The invalidations file of the cache in `dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    /// The journal of the cache kept in directory `dir`.
    pub fn beside(dir: &Path) -> Self {
        let mut name = dir.file_name().unwrap_or_default().to_os_string();
        name.push(".invalidations");
        Self {
            path: dir.with_file_name(name),
        }
    }

    /// Appends `pattern` for the holder to apply (one short line, written in
    /// one append, so concurrent writers do not interleave).
    pub fn record(&self, pattern: &Pattern) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(&(pattern.operation.name(), &pattern.params))
            .map_err(std::io::Error::other)?;
        line.push(b'\n');
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?
            .write_all(&line)
    }

    /// The patterns recorded from byte `offset` on, and where they end.
    fn read_from(&self, offset: u64) -> std::io::Result<(Vec<Pattern>, u64)> {
        let mut file = match std::fs::File::open(&self.path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Vec::new(), 0));
            }
            Err(error) => return Err(error),
        };
        file.seek(SeekFrom::Start(offset))?;
        let mut text = String::new();
        file.read_to_string(&mut text)?;
        // A line still being written is read next time.
        let complete = text.rfind('\n').map_or(0, |end| end + 1);
        let patterns = text[..complete].lines().filter_map(parse).collect();
        Ok((patterns, offset + complete as u64))
    }

    /// Bytes recorded so far.
    fn len(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |meta| meta.len())
    }
}

/// One recorded line; an unreadable one is skipped.
fn parse(line: &str) -> Option<Pattern> {
    let (operation, params): (String, Vec<(String, String)>) = serde_json::from_str(line).ok()?;
    Some(Pattern {
        operation: Operation::from_name(&operation)?,
        params,
    })
}

impl Cache {
    /// Applies what other processes recorded in the journal since last time.
    /// A stat when nothing is new.
    pub(super) fn catch_up(&self) {
        let Some(journal) = &self.journal else {
            return;
        };
        let mut applied = self.journal_read.lock().unwrap_or_else(|e| e.into_inner());
        if journal.len() <= *applied {
            return;
        }
        if let Err(error) = self.apply_from(journal, &mut applied) {
            tracing::warn!("cannot apply changes other azlin processes recorded: {error}");
        }
    }

    /// On opening: applies everything recorded while nobody held the cache,
    /// then starts the journal afresh.
    pub(super) fn catch_up_on_open(&self) {
        let Some(journal) = &self.journal else {
            return;
        };
        let mut applied = self.journal_read.lock().unwrap_or_else(|e| e.into_inner());
        let emptied =
            self.apply_from(journal, &mut applied)
                .and_then(
                    |()| match std::fs::OpenOptions::new().write(true).open(&journal.path) {
                        Ok(file) => file.set_len(0).map_err(CacheError::Journal),
                        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
                        Err(error) => Err(CacheError::Journal(error)),
                    },
                );
        *applied = 0;
        if let Err(error) = emptied {
            tracing::warn!("cannot apply changes other azlin processes recorded: {error}");
        }
    }

    fn apply_from(&self, journal: &Journal, applied: &mut u64) -> Result<(), CacheError> {
        let (patterns, end) = journal.read_from(*applied).map_err(CacheError::Journal)?;
        for pattern in &patterns {
            self.invalidate(pattern)?;
        }
        *applied = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{Bounds, Key, Ttls};
    use std::time::Duration;

    #[test]
    fn a_holder_applies_what_another_process_recorded() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("api");
        let cache =
            Cache::open(&dir, Ttls::default(), Bounds::default(), Duration::ZERO).expect("open");
        let key = Key::new(Operation::PowerState, &[("subscription", "s")]);
        cache.put(&key, &1u32).expect("put");
        assert_eq!(cache.get::<u32>(&key), Some(1));
        let journal = Journal::beside(&dir);
        assert_eq!(journal.path, root.path().join("api.invalidations"));
        journal
            .record(&Pattern::new(
                Operation::PowerState,
                &[("subscription", "s")],
            ))
            .expect("record");
        assert_eq!(
            cache.get::<u32>(&key),
            None,
            "dropped by the recorded change"
        );
        cache.put(&key, &2u32).expect("put again");
        assert_eq!(cache.get::<u32>(&key), Some(2), "applied once, not again");
    }
}

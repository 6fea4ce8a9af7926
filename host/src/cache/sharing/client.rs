//! A run's side: the process holding the cache, reached over its socket;
//! every call is answered there, on the holder's open cache.

use super::super::{CacheError, Key, Pattern, Ttls};
use super::wire::{self, Answer, Call};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// How long a call waits for the holder: far past a sled operation.
const PATIENCE: Duration = Duration::from_secs(5);

/// The process holding a cache, for this run.
#[derive(Debug)]
pub struct Holder {
    stream: Mutex<Option<UnixStream>>,
    /// Time-to-live of each operation, from this run's configuration.
    pub ttls: Ttls,
}

impl Holder {
    /// The holder of the cache in `dir`, if a process of this build serves
    /// it to this user; `None` (the run opens the cache itself) otherwise.
    pub fn reach(dir: &Path, ttls: Ttls) -> Option<Self> {
        let socket = wire::socket_beside(dir);
        let meta = std::fs::symlink_metadata(&socket).ok()?;
        if !meta.file_type().is_socket() || meta.uid() != wire::own_uid() {
            return None;
        }
        let mut stream = UnixStream::connect(&socket).ok()?;
        stream.set_read_timeout(Some(PATIENCE)).ok()?;
        stream.set_write_timeout(Some(PATIENCE)).ok()?;
        if wire::peer_uid(&stream).ok()? != wire::own_uid() {
            return None;
        }
        if let Err(error) = wire::greet(&mut stream) {
            tracing::debug!("the cache's holder is not ours to use: {error}");
            return None;
        }
        tracing::debug!("using the cache through its holder at {}", socket.display());
        Some(Self {
            stream: Mutex::new(Some(stream)),
            ttls,
        })
    }

    /// The holder's answer to `call`; once it has failed to answer, the
    /// connection is dropped and every later call fails at once.
    fn call(&self, call: &Call) -> Result<Answer, CacheError> {
        let mut stream = self.stream.lock().unwrap_or_else(|e| e.into_inner());
        let connection = stream.as_mut().ok_or(CacheError::HolderLost)?;
        let answered = wire::send(connection, call).and_then(|()| wire::receive(connection));
        match answered {
            Ok(Some(answer)) => Ok(answer),
            Ok(None) | Err(_) => {
                *stream = None;
                Err(CacheError::HolderLost)
            }
        }
    }

    /// The encoded value under `key`, if fresh and written by `writer`.
    pub fn get(&self, key: &Key, writer: &str) -> Option<Vec<u8>> {
        let call = Call::Get {
            key: key.clone(),
            writer: writer.into(),
        };
        match self.call(&call) {
            Ok(Answer::Value(value)) => value,
            _ => None,
        }
    }

    /// Stores an encoded value under `key` for `ttl`, within `quota` bytes
    /// of its scope when one is given.
    pub fn put(
        &self,
        key: &Key,
        writer: &str,
        value: Vec<u8>,
        ttl: Duration,
        quota: Option<u64>,
    ) -> Result<(), CacheError> {
        let (key, writer) = (key.clone(), writer.to_string());
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
        let call = match quota {
            Some(quota) => Call::PutWithin {
                key,
                writer,
                value,
                ttl_ms,
                quota,
            },
            None => Call::Put {
                key,
                writer,
                value,
                ttl_ms,
            },
        };
        self.call(&call).and_then(stored)
    }

    /// Removes the entries `pattern` matches; how many.
    pub fn invalidate(&self, pattern: &Pattern) -> Result<usize, CacheError> {
        let call = Call::Invalidate {
            pattern: pattern.clone(),
        };
        self.call(&call).and_then(removed)
    }

    /// Removes the entries of `scope` whose names start with `prefix`.
    pub fn invalidate_prefix(&self, scope: &Key, prefix: &str) -> Result<usize, CacheError> {
        let call = Call::InvalidatePrefix {
            scope: scope.clone(),
            prefix: prefix.into(),
        };
        self.call(&call).and_then(removed)
    }
}

fn stored(answer: Answer) -> Result<(), CacheError> {
    match answer {
        Answer::Stored => Ok(()),
        other => Err(failure(other)),
    }
}

fn removed(answer: Answer) -> Result<usize, CacheError> {
    match answer {
        Answer::Removed(count) => Ok(usize::try_from(count).unwrap_or(usize::MAX)),
        other => Err(failure(other)),
    }
}

/// The error an answer other than the one expected stands for.
fn failure(answer: Answer) -> CacheError {
    match answer {
        Answer::OverQuota {
            needed,
            used,
            quota,
        } => CacheError::OverQuota {
            needed,
            used,
            quota,
        },
        Answer::Failed(why) => CacheError::Holder(why),
        other => CacheError::Holder(format!("an answer out of place: {other:?}")),
    }
}

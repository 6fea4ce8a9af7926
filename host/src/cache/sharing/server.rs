//! The holder's side: a thread accepting this user's processes of the same
//! build on the socket beside the cache, and a thread per connection
//! answering its calls on the open cache.

use super::super::Cache;
use super::wire::{self, Answer, Call};
use crate::clock;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// A cache served at its socket until this is dropped. The threads hold
/// the cache weakly, so it is still flushed and closed when its owner lets go.
#[derive(Debug)]
pub struct Server {
    socket: PathBuf,
    inode: u64,
}

impl Server {
    /// Serves `cache`, kept in directory `dir`, to this user's other processes.
    pub fn start(dir: &Path, cache: &Arc<Cache>) -> io::Result<Self> {
        let socket = wire::socket_beside(dir);
        // Whoever bound it before held the cache, which is now ours: theirs is stale.
        match std::fs::remove_file(&socket) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
            _ => {}
        }
        let listener = UnixListener::bind(&socket)?;
        std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600))?;
        let inode = std::fs::symlink_metadata(&socket)?.ino();
        let cache = Arc::downgrade(cache);
        std::thread::Builder::new()
            .name("azlin-cache-serve".into())
            .spawn(move || accept(&listener, &cache))?;
        Ok(Self { socket, inode })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let ours =
            std::fs::symlink_metadata(&self.socket).is_ok_and(|meta| meta.ino() == self.inode);
        if ours {
            let _ = std::fs::remove_file(&self.socket);
        }
    }
}

/// Accepts connections while the cache is open.
fn accept(listener: &UnixListener, cache: &Weak<Cache>) {
    for stream in listener.incoming() {
        if cache.strong_count() == 0 {
            return;
        }
        let Ok(stream) = stream else { continue };
        let cache = cache.clone();
        let spawned = std::thread::Builder::new()
            .name("azlin-cache-client".into())
            .spawn(move || converse(stream, &cache));
        if let Err(error) = spawned {
            tracing::debug!("cannot serve a cache client: {error}");
        }
    }
}

/// Answers one process's calls until it goes away (or is not this user's,
/// or another build).
fn converse(mut stream: UnixStream, cache: &Weak<Cache>) {
    match wire::peer_uid(&stream) {
        Ok(uid) if uid == wire::own_uid() => {}
        Ok(uid) => return tracing::warn!("refused a cache client of uid {uid}"),
        Err(error) => return tracing::debug!("cannot tell a cache client's uid: {error}"),
    }
    if let Err(error) = wire::greet(&mut stream) {
        return tracing::debug!("a cache client left at the greeting: {error}");
    }
    while let Ok(Some(call)) = wire::receive::<Call>(&mut stream) {
        let Some(cache) = cache.upgrade() else { return };
        let answer = answer(&cache, call);
        drop(cache);
        if wire::send(&mut stream, &answer).is_err() {
            return;
        }
    }
}

/// What `call` does to `cache`.
fn answer(cache: &Cache, call: Call) -> Answer {
    let done = match call {
        Call::Get { key, writer } => return Answer::Value(cache.get_encoded(&key, &writer)),
        Call::Put {
            key,
            writer,
            value,
            ttl_ms,
        } => cache
            .put_encoded(&key, &writer, &value, millis(ttl_ms))
            .map(|()| Answer::Stored),
        Call::PutWithin {
            key,
            writer,
            value,
            ttl_ms,
            quota,
        } => cache
            .put_within_encoded(&key, &writer, &value, millis(ttl_ms), quota)
            .map(|()| Answer::Stored),
        Call::Invalidate { pattern } => cache
            .invalidate(&pattern)
            .map(|removed| Answer::Removed(removed as u64)),
        Call::InvalidatePrefix { scope, prefix } => cache
            .invalidate_prefix(&scope, &prefix)
            .map(|removed| Answer::Removed(removed as u64)),
    };
    done.unwrap_or_else(|error| match error {
        super::super::CacheError::OverQuota {
            needed,
            used,
            quota,
        } => Answer::OverQuota {
            needed,
            used,
            quota,
        },
        error => Answer::Failed(error.to_string()),
    })
}

/// A time-to-live sent in milliseconds, within azlin's longest.
fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms).min(clock::LONGEST)
}

//! What a run and the cache's holder say: each side first sends its build
//! identity (both must be the same build), then the run sends calls and the
//! holder answers each, as length-prefixed postcard frames.

use super::super::{Key, Pattern};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The largest frame: a large VM list's entry, with room to spare.
const MOST: usize = 64 << 20;

/// One cache operation, values already encoded by their `writer`.
#[derive(Debug, Serialize, Deserialize)]
pub enum Call {
    Get {
        key: Key,
        writer: String,
    },
    Put {
        key: Key,
        writer: String,
        value: Vec<u8>,
        ttl_ms: u64,
    },
    PutWithin {
        key: Key,
        writer: String,
        value: Vec<u8>,
        ttl_ms: u64,
        quota: u64,
    },
    Invalidate {
        pattern: Pattern,
    },
    InvalidatePrefix {
        scope: Key,
        prefix: String,
    },
}

/// The holder's answer to a [`Call`].
#[derive(Debug, Serialize, Deserialize)]
pub enum Answer {
    Value(Option<Vec<u8>>),
    Stored,
    Removed(u64),
    OverQuota { needed: u64, used: u64, quota: u64 },
    Failed(String),
}

/// The socket of the cache kept in directory `dir`: `<dir>.sock` beside it.
pub fn socket_beside(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(".sock");
    dir.with_file_name(name)
}

/// Writes one message and flushes it.
pub fn send<T: Serialize>(out: &mut impl Write, message: &T) -> io::Result<()> {
    let bytes = postcard::to_stdvec(message).map_err(io::Error::other)?;
    let length = u32::try_from(bytes.len()).map_err(io::Error::other)?;
    let mut frame = Vec::with_capacity(bytes.len() + 4);
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(&bytes);
    out.write_all(&frame)?;
    out.flush()
}

/// Reads one message; `None` when the other side closed between messages.
pub fn receive<T: DeserializeOwned>(input: &mut impl Read) -> io::Result<Option<T>> {
    let mut length = [0u8; 4];
    match input.read_exact(&mut length) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let length = u32::from_be_bytes(length) as usize;
    if length > MOST {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a message of {length} bytes is over the {MOST}-byte limit"),
        ));
    }
    let mut bytes = vec![0u8; length];
    input.read_exact(&mut bytes)?;
    postcard::from_bytes(&bytes)
        .map(Some)
        .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
}

/// Sends this build's identity and checks the other side's is the same.
pub fn greet(stream: &mut (impl Read + Write)) -> io::Result<()> {
    let ours = crate::build::identity();
    send(stream, &ours)?;
    match receive::<String>(stream)? {
        Some(theirs) if theirs == ours => Ok(()),
        Some(theirs) => Err(io::Error::other(format!("another build ({theirs})"))),
        None => Err(io::ErrorKind::UnexpectedEof.into()),
    }
}

/// The user id of the process at the other end of `stream`.
pub fn peer_uid(stream: &impl std::os::fd::AsFd) -> io::Result<u32> {
    let credentials = rustix::net::sockopt::socket_peercred(stream)?;
    Ok(credentials.uid.as_raw())
}

/// This process's user id.
pub fn own_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

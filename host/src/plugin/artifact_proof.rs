//! The proof beside each precompiled artifact (`<sha256>.cwasm.mac`) that
//! this azlin wrote it from a plugin's approved bytes: a record sealed under
//! the host key naming the component's digest, the engine, the artifact's own
//! digest, the identity of the file it was written to, and the component's
//! imports. Checking it costs an `fstat` of the open artifact, not a hash.

use super::host_key::HostKey;
use super::seal;
use serde::{Deserialize, Serialize};
use std::fs::{File, Metadata};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Where a file stands on disk: replacing it changes the device or inode,
/// rewriting it changes the ctime (which no user can set back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIdentity {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl FileIdentity {
    /// The identity of the file `meta` describes.
    pub fn of(meta: &Metadata) -> Self {
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        }
    }
}

/// What azlin vouches for about one artifact.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// Hex sha256 of the component the artifact was compiled from.
    pub component: String,
    /// The engine compatibility key of the cache directory.
    pub engine: String,
    /// Hex sha256 of the artifact's bytes.
    pub artifact: String,
    /// The artifact file as azlin left it.
    pub file: FileIdentity,
    /// The component's imports, as its `.wasm` declared them.
    pub imports: Vec<String>,
}

/// Why an artifact may not be run.
#[derive(Debug, thiserror::Error)]
pub enum Unproven {
    #[error("there is no artifact")]
    Absent,
    #[error("azlin has no proof it wrote this file")]
    Missing,
    #[error("its proof was not written by this azlin for this plugin")]
    Forged,
    #[error("the file was replaced or changed after azlin wrote it")]
    Changed,
    #[error("{0}")]
    Unreadable(std::io::Error),
    #[error("{0}")]
    Unusable(String),
}

/// The proof file of the artifact at `artifact`.
pub fn path(artifact: &Path) -> PathBuf {
    let mut name = artifact.as_os_str().to_owned();
    name.push(".mac");
    PathBuf::from(name)
}

fn purpose(engine: &str, component: &str) -> String {
    format!("azlin precompiled artifact v1 engine={engine} component={component}")
}

/// Writes the sealed `record` for the artifact at `artifact`.
pub fn write(key: &HostKey, artifact: &Path, record: &Record) -> std::io::Result<()> {
    let payload = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    let sealed = seal::seal(key, &purpose(&record.engine, &record.component), &payload);
    crate::atomic_file::write(&path(artifact), &sealed)
}

/// The record for the artifact at `artifact`, if azlin sealed one for
/// `component` under `engine`. The seal is checked before the record is parsed.
pub fn read(
    key: &HostKey,
    artifact: &Path,
    engine: &str,
    component: &str,
) -> Result<Record, Unproven> {
    let sealed = match std::fs::read(path(artifact)) {
        Ok(sealed) => sealed,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(match artifact.symlink_metadata() {
                Ok(_) => Unproven::Missing,
                Err(_) => Unproven::Absent,
            });
        }
        Err(error) => return Err(Unproven::Unreadable(error)),
    };
    let payload = seal::open(key, &purpose(engine, component), &sealed).ok_or(Unproven::Forged)?;
    let record: Record = serde_json::from_slice(payload).map_err(|_| Unproven::Forged)?;
    if record.engine != engine || record.component != component {
        return Err(Unproven::Forged);
    }
    Ok(record)
}

/// Opens the artifact without following a link or waiting on a FIFO, and
/// returns it with its metadata if it is a regular file.
pub fn open(artifact: &Path) -> Result<(File, Metadata), Unproven> {
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(artifact)
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => Unproven::Absent,
            _ if artifact.is_symlink() => Unproven::Changed,
            _ => Unproven::Unreadable(error),
        })?;
    let meta = file.metadata().map_err(Unproven::Unreadable)?;
    if !meta.is_file() {
        return Err(Unproven::Changed);
    }
    Ok((file, meta))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(file: FileIdentity) -> Record {
        Record {
            component: "aa".into(),
            engine: "e1".into(),
            artifact: "bb".into(),
            file,
            imports: vec!["azlin:host/vms@0.2.0".into()],
        }
    }

    #[test]
    fn a_proof_holds_only_for_its_engine_component_and_key() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let key = HostKey::load_or_create(&dir.path().join("config")).expect("a key");
        let artifact = dir.path().join("aa.cwasm");
        assert!(matches!(
            read(&key, &artifact, "e1", "aa"),
            Err(Unproven::Absent)
        ));
        std::fs::write(&artifact, b"native code").expect("write");
        assert!(matches!(
            read(&key, &artifact, "e1", "aa"),
            Err(Unproven::Missing)
        ));
        let (_, meta) = open(&artifact).expect("a regular file");
        write(&key, &artifact, &record(FileIdentity::of(&meta))).expect("write the proof");
        let read_back = read(&key, &artifact, "e1", "aa").expect("the proof holds");
        assert_eq!(read_back.file, FileIdentity::of(&meta));
        assert_eq!(read_back.imports, ["azlin:host/vms@0.2.0"]);
        assert!(matches!(
            read(&key, &artifact, "e2", "aa"),
            Err(Unproven::Forged)
        ));
        assert!(matches!(
            read(&key, &artifact, "e1", "cc"),
            Err(Unproven::Forged)
        ));
        let other = HostKey::load_or_create(&dir.path().join("other")).expect("a key");
        assert!(matches!(
            read(&other, &artifact, "e1", "aa"),
            Err(Unproven::Forged)
        ));
    }

    #[test]
    fn rewriting_or_replacing_the_artifact_changes_its_identity() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let artifact = dir.path().join("aa.cwasm");
        std::fs::write(&artifact, b"genuine").expect("write");
        let (_, first) = open(&artifact).expect("open");
        let planted = dir.path().join("planted");
        std::fs::write(&planted, b"planted").expect("write");
        std::fs::rename(&planted, &artifact).expect("replace");
        let (_, replaced) = open(&artifact).expect("open");
        assert_ne!(FileIdentity::of(&first), FileIdentity::of(&replaced));
        std::fs::write(&artifact, b"rewritten").expect("rewrite in place");
        let (_, rewritten) = open(&artifact).expect("open");
        assert_ne!(FileIdentity::of(&replaced), FileIdentity::of(&rewritten));
    }

    #[test]
    fn a_link_or_a_fifo_in_the_artifact_place_is_not_opened() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let genuine = dir.path().join("genuine");
        std::fs::write(&genuine, b"genuine").expect("write");
        let link = dir.path().join("link.cwasm");
        std::os::unix::fs::symlink(&genuine, &link).expect("symlink");
        assert!(matches!(open(&link), Err(Unproven::Changed)));
        let fifo = dir.path().join("fifo.cwasm");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::RUSR).expect("mkfifo");
        assert!(matches!(open(&fifo), Err(Unproven::Changed)));
    }
}

//! Compile each plugin once: native code is cached on disk, keyed by the
//! engine's compatibility hash and the component's sha256, so later runs only
//! map it in. An artifact is run only with a proof sealed under the host key
//! that this azlin wrote that very file from these bytes (`artifact_proof`);
//! any other is compiled again, never run.

use super::artifact_proof::{self, FileIdentity, Record, Unproven};
use super::catalog::Bytes;
use super::host_key::HostKey;
use super::{PluginError, capabilities};
use crate::config::Paths;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use wasmtime::Engine;
use wasmtime::component::Component;

/// WebAssembly's magic bytes, and the layer/version words of a component and a core module.
const MAGIC: &[u8; 4] = b"\0asm";
const COMPONENT_VERSION: [u8; 4] = [0x0d, 0x00, 0x01, 0x00];
const MODULE_VERSION: [u8; 4] = [0x01, 0x00, 0x00, 0x00];

/// A component ready to link, and the imports its `.wasm` declares.
pub struct Compiled {
    pub component: Component,
    /// Recorded when the approved bytes were compiled, never read from an
    /// artifact without its proof.
    pub imports: Vec<String>,
}

/// The on-disk cache of precompiled plugins, with counters for tests and `-v`.
#[derive(Debug)]
pub struct Precompiled {
    cache_dir: PathBuf,
    config_dir: PathBuf,
    engine_key: String,
    dir: PathBuf,
    /// Read (or made) on first use; `None` if it cannot be, and then
    /// nothing is cached.
    key: OnceLock<Option<HostKey>>,
    compiled: AtomicU64,
    hits: AtomicU64,
}

impl Precompiled {
    /// A cache under `<cache_dir>/precompiled/<engine key>`, sealed with the
    /// host key in `paths.config_dir`.
    pub fn new(engine: &Engine, paths: &Paths) -> Self {
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        let engine_key = format!("{:016x}", hasher.finish());
        Self {
            cache_dir: paths.cache_dir.clone(),
            config_dir: paths.config_dir.clone(),
            dir: paths.cache_dir.join("precompiled").join(&engine_key),
            engine_key,
            key: OnceLock::new(),
            compiled: AtomicU64::new(0),
            hits: AtomicU64::new(0),
        }
    }

    /// How many components this cache compiled, and how many it loaded precompiled.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.compiled.load(Ordering::Relaxed),
            self.hits.load(Ordering::Relaxed),
        )
    }

    /// The cache directory the artifacts' directory is in.
    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }

    /// The directory holding this engine's artifacts.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of the artifact for the component with digest `sha256`.
    pub fn artifact(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.cwasm"))
    }

    /// The key cached files are sealed with, if it can be read or made.
    pub fn host_key(&self) -> Option<&HostKey> {
        self.key
            .get_or_init(|| match HostKey::load_or_create(&self.config_dir) {
                Ok(key) => Some(key),
                Err(error) => {
                    tracing::warn!("{error}");
                    None
                }
            })
            .as_ref()
    }

    /// The component, from its precompiled artifact if azlin can prove it
    /// wrote that artifact from these bytes, else compiled now and stored
    /// for next time.
    pub fn load(
        &self,
        engine: &Engine,
        plugin: &Bytes,
        origin: &str,
    ) -> Result<Compiled, PluginError> {
        let Some(key) = self.host_key() else {
            return self.compile(engine, plugin, origin, None);
        };
        let path = self.artifact(&plugin.sha256);
        let started = Instant::now();
        match self.proven(engine, key, plugin, &path) {
            Ok(compiled) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(
                    "precompiled hit for plugin {origin} in {:?}",
                    started.elapsed()
                );
                return Ok(compiled);
            }
            Err(Unproven::Absent) => {}
            Err(why) => tracing::warn!(
                "precompiled artifact {} is unusable ({why}); compiling plugin {origin} again",
                path.display()
            ),
        }
        self.compile(engine, plugin, origin, Some(key))
    }

    /// The artifact at `path` if its proof holds. The proof is checked
    /// against the open file, and the component mapped from that same file.
    fn proven(
        &self,
        engine: &Engine,
        key: &HostKey,
        plugin: &Bytes,
        path: &Path,
    ) -> Result<Compiled, Unproven> {
        let record = artifact_proof::read(key, path, &self.engine_key, &plugin.sha256)?;
        let (mut file, meta) = artifact_proof::open(path)?;
        let unusable = |error: wasmtime::Error| Unproven::Unusable(error.root_cause().to_string());
        let component = if FileIdentity::of(&meta) == record.file {
            map_open_file(engine, file).map_err(unusable)?
        } else {
            // Another file (a copy, or a racing azlin's identical compile):
            // its bytes must be the ones proved, and only those are used.
            let mut bytes = Vec::with_capacity(meta.len() as usize);
            file.read_to_end(&mut bytes).map_err(Unproven::Unreadable)?;
            if hex::encode(Sha256::digest(&bytes)) != record.artifact {
                return Err(Unproven::Changed);
            }
            // SAFETY: these bytes hash to the artifact the host key's proof
            // says this azlin compiled, for this engine, from these plugin bytes.
            let component = unsafe { Component::deserialize(engine, &bytes) }.map_err(unusable)?;
            if let Ok(after) = file.metadata()
                && FileIdentity::of(&after) == FileIdentity::of(&meta)
            {
                let record = Record {
                    file: FileIdentity::of(&meta),
                    ..record.clone()
                };
                if let Err(error) = artifact_proof::write(key, path, &record) {
                    tracing::debug!("cannot record the proof of {}: {error}", path.display());
                }
            }
            component
        };
        Ok(Compiled {
            component,
            imports: record.imports,
        })
    }

    fn compile(
        &self,
        engine: &Engine,
        plugin: &Bytes,
        origin: &str,
        key: Option<&HostKey>,
    ) -> Result<Compiled, PluginError> {
        check_component_bytes(&plugin.bytes, origin)?;
        let started = Instant::now();
        let compile_error = |error: wasmtime::Error| PluginError::Compile {
            origin: origin.into(),
            why: error.root_cause().to_string(),
        };
        let artifact = engine
            .precompile_component(&plugin.bytes)
            .map_err(compile_error)?;
        self.compiled.fetch_add(1, Ordering::Relaxed);
        tracing::debug!("compiled plugin {origin} in {:?}", started.elapsed());
        // SAFETY: `artifact` was produced just now by this engine.
        let component =
            unsafe { Component::deserialize(engine, &artifact) }.map_err(compile_error)?;
        let imports = capabilities::imports(engine, &component);
        if let Some(key) = key
            && let Err(error) = self.store(key, &plugin.sha256, &artifact, &imports)
        {
            tracing::warn!(
                "cannot cache the compiled plugin in {}: {error}",
                self.dir.display()
            );
        }
        Ok(Compiled { component, imports })
    }

    /// Writes the artifact, then its proof for the file as it now stands,
    /// read back to be sure it holds what was compiled.
    fn store(
        &self,
        key: &HostKey,
        sha256: &str,
        artifact: &[u8],
        imports: &[String],
    ) -> std::io::Result<()> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        let path = self.artifact(sha256);
        crate::atomic_file::write(&path, artifact)?;
        let (mut file, meta) = artifact_proof::open(&path).map_err(std::io::Error::other)?;
        let mut written = Vec::with_capacity(artifact.len());
        file.read_to_end(&mut written)?;
        let identity = FileIdentity::of(&meta);
        if written != artifact || FileIdentity::of(&file.metadata()?) != identity {
            return Err(std::io::Error::other(format!(
                "{} changed while azlin wrote it",
                path.display()
            )));
        }
        let record = Record {
            component: sha256.into(),
            engine: self.engine_key.clone(),
            artifact: hex::encode(Sha256::digest(artifact)),
            file: identity,
            imports: imports.to_vec(),
        };
        artifact_proof::write(key, &path, &record)
    }
}

/// The component in the open artifact `file`, mapped from that same file
/// (through `/proc/self/fd`, else read from it), so nothing put in its place
/// after the proof was checked is loaded.
fn map_open_file(engine: &Engine, mut file: File) -> wasmtime::Result<Component> {
    use std::os::fd::AsRawFd;
    let same_file = format!("/proc/self/fd/{}", file.as_raw_fd());
    // SAFETY: `same_file` is the artifact azlin opened and whose identity
    // matches the proof sealed under the host key when this azlin wrote it,
    // for this engine, from these plugin bytes.
    if let Ok(component) = unsafe { Component::deserialize_file(engine, &same_file) } {
        return Ok(component);
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    // SAFETY: as above; these are the open artifact's bytes.
    unsafe { Component::deserialize(engine, &bytes) }
}

/// Rejects bytes that are not a component, saying what they are instead.
fn check_component_bytes(bytes: &[u8], origin: &str) -> Result<(), PluginError> {
    let not_a_component = |why: &str| PluginError::NotAComponent {
        origin: origin.into(),
        why: why.into(),
    };
    if Engine::detect_precompiled(bytes).is_some() {
        return Err(PluginError::PrecompiledArtifact {
            origin: origin.into(),
        });
    }
    if bytes.len() < 8 || &bytes[..4] != MAGIC {
        return Err(not_a_component(
            "it does not start with the WebAssembly magic bytes",
        ));
    }
    match bytes[4..8].try_into() {
        Ok(COMPONENT_VERSION) => Ok(()),
        Ok(MODULE_VERSION) => Err(not_a_component(
            "it is a core WebAssembly module; build it for wasm32-wasip2 with azlin-sdk",
        )),
        _ => Err(not_a_component("it has an unknown WebAssembly version")),
    }
}

//! Compile each plugin once: native code is cached on disk, keyed by the
//! engine's compatibility hash and the component's sha256, so later runs only
//! map it in.

use super::PluginError;
use super::catalog::Bytes;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use wasmtime::Engine;
use wasmtime::component::Component;

/// WebAssembly's magic bytes, and the layer/version words of a component and a core module.
const MAGIC: &[u8; 4] = b"\0asm";
const COMPONENT_VERSION: [u8; 4] = [0x0d, 0x00, 0x01, 0x00];
const MODULE_VERSION: [u8; 4] = [0x01, 0x00, 0x00, 0x00];

/// The on-disk cache of precompiled plugins, with counters for tests and `-v`.
#[derive(Debug)]
pub struct Precompiled {
    cache_dir: PathBuf,
    dir: PathBuf,
    compiled: AtomicU64,
    hits: AtomicU64,
}

impl Precompiled {
    /// A cache under `cache_dir/precompiled/<engine key>`.
    pub fn new(engine: &Engine, cache_dir: &Path) -> Self {
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        let key = format!("{:016x}", hasher.finish());
        Self {
            cache_dir: cache_dir.to_path_buf(),
            dir: cache_dir.join("precompiled").join(key),
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

    /// The component, from its precompiled artifact if there is a usable one,
    /// else compiled now and stored for next time.
    pub fn load(
        &self,
        engine: &Engine,
        plugin: &Bytes,
        origin: &str,
    ) -> Result<Component, PluginError> {
        let path = self.artifact(&plugin.sha256);
        if path.is_file() {
            let started = Instant::now();
            // SAFETY: the artifact was written by `compile` below into azlin's own
            // cache directory (mode 0700), named by the digest of its source, and
            // wasmtime checks it was made by a compatible engine before using it.
            match unsafe { Component::deserialize_file(engine, &path) } {
                Ok(component) => {
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(
                        "precompiled hit for plugin {origin} in {:?}",
                        started.elapsed()
                    );
                    return Ok(component);
                }
                Err(error) => tracing::warn!(
                    "precompiled artifact {} is unusable ({}); compiling plugin {origin} again",
                    path.display(),
                    error.root_cause()
                ),
            }
        }
        self.compile(engine, plugin, origin, &path)
    }

    fn compile(
        &self,
        engine: &Engine,
        plugin: &Bytes,
        origin: &str,
        path: &Path,
    ) -> Result<Component, PluginError> {
        check_component_bytes(&plugin.bytes, origin)?;
        let started = Instant::now();
        let artifact = engine
            .precompile_component(&plugin.bytes)
            .map_err(|error| PluginError::Compile {
                origin: origin.into(),
                why: error.root_cause().to_string(),
            })?;
        self.compiled.fetch_add(1, Ordering::Relaxed);
        tracing::debug!("compiled plugin {origin} in {:?}", started.elapsed());
        if let Err(error) = self.store(path, &artifact) {
            tracing::warn!(
                "cannot cache the compiled plugin in {}: {error}",
                self.dir.display()
            );
        }
        // SAFETY: `artifact` was produced just now by this engine.
        unsafe { Component::deserialize(engine, &artifact) }.map_err(|error| PluginError::Compile {
            origin: origin.into(),
            why: error.root_cause().to_string(),
        })
    }

    fn store(&self, path: &Path, artifact: &[u8]) -> std::io::Result<()> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        crate::config::write_atomically(path, artifact)
    }
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

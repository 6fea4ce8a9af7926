//! Plugins compiled into the azlin binary by `host/build.rs`, so users never
//! copy files to get the built-in commands.

/// A built-in plugin component.
#[derive(Debug)]
pub struct Builtin {
    /// The command name.
    pub name: &'static str,
    /// Hex sha256 of `bytes`, computed at build time.
    pub sha256: &'static str,
    /// The component.
    pub bytes: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/builtin_plugins.rs"));

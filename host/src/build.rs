//! Which azlin build a process is: processes only talk to one of the very
//! same build (a client to its agent, a run to the cache's holder), so an
//! upgrade or rebuild never runs old code or misreads a message.

use std::os::unix::fs::MetadataExt;

/// This binary's version, path, size and modification time.
pub fn identity() -> String {
    let version = env!("CARGO_PKG_VERSION");
    let Ok(exe) = std::env::current_exe() else {
        return version.to_string();
    };
    match exe.metadata() {
        Ok(meta) => format!(
            "{version} {} {} {}.{}",
            exe.display(),
            meta.size(),
            meta.mtime(),
            meta.mtime_nsec()
        ),
        Err(_) => format!("{version} {}", exe.display()),
    }
}

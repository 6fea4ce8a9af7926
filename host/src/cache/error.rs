//! Errors of the cache layer. Reads never fail (a bad entry is a miss);
//! opening and writing can.

use std::path::PathBuf;

/// Why the cache could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("the cache at {path} is held by another azlin process")]
    Locked { path: PathBuf },
    #[error("cannot open the cache at {path}: {source}")]
    Open { path: PathBuf, source: sled::Error },
    #[error("cache storage failed: {0}")]
    Storage(#[from] sled::Error),
    #[error("cannot encode a cache entry's header: {0}")]
    Header(#[from] serde_json::Error),
    #[error("cannot encode a cache entry: {0}")]
    Encode(#[from] postcard::Error),
    #[error("cannot read the changes other azlin processes recorded: {0}")]
    Journal(std::io::Error),
    #[error("the entry takes {needed} bytes, but {used} of its scope's {quota} bytes are in use")]
    OverQuota { needed: u64, used: u64, quota: u64 },
    #[error("the azlin process holding the cache refused the change: {0}")]
    Holder(String),
    #[error("the azlin process holding the cache stopped answering")]
    HolderLost,
}

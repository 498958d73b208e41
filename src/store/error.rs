//! The store's error type. Variants that callers branch on (not found,
//! conflict, missing content) are sentinels; the rest carry the path.

use std::io;
use std::path::PathBuf;

use super::digest::{Digest, InvalidDigest};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("no such image: {0}")]
    ImageNotFound(String),
    #[error(
        "image id prefix {0:?} is ambiguous: it matches more than one image; give more characters"
    )]
    AmbiguousImage(String),
    #[error("{0}")]
    Conflict(String),
    /// docker's wording, which scripts match on.
    #[error("No such container: {0}")]
    ContainerNotFound(String),
    #[error(
        "multiple IDs found with provided prefix: {0}; give more characters of the id, or the name"
    )]
    AmbiguousContainer(String),
    /// docker's wording for a taken container name.
    #[error("Conflict. The container name \"/{name}\" is already in use by container \"{id}\". You have to remove (or rename) that container to be able to reuse that name.")]
    NameInUse { name: String, id: String },
    #[error("get {0}: no such volume")]
    VolumeNotFound(String),
    /// docker's wording; `containers` are full container ids.
    #[error("remove {name}: volume is in use - [{}]", containers.join(" "))]
    VolumeInUse {
        name: String,
        containers: Vec<String>,
    },
    #[error("digest mismatch for {what}: expected {expected}, got {actual}; the data is corrupt or was changed in transit, and nothing was stored")]
    DigestMismatch {
        what: String,
        expected: Digest,
        actual: Digest,
    },
    #[error(
        "size mismatch for {what}: expected {expected} bytes, got {actual}; nothing was stored"
    )]
    SizeMismatch {
        what: String,
        expected: u64,
        actual: u64,
    },
    /// Content a commit needs vanished (another process removed it meanwhile).
    #[error(
        "{0} is no longer in the store (removed by another berth process); run the command again"
    )]
    ContentMissing(String),
    #[error("corrupt store record {}: {detail}; run `berth system check --repair`", path.display())]
    CorruptRecord { path: PathBuf, detail: String },
    #[error("layer {layer}: {source}")]
    Extract {
        layer: String,
        #[source]
        source: super::extract::ExtractError,
    },
    #[error(transparent)]
    InvalidDigest(#[from] InvalidDigest),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Attaches the operation and path to an `io::Error`.
pub(crate) trait IoContext<T> {
    fn ctx(self, op: &'static str, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn ctx(self, op: &'static str, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| StoreError::Io {
            op,
            path: path.into(),
            source,
        })
    }
}

impl StoreError {
    /// True when the underlying cause is a full disk or quota, so the CLI can say so.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, StoreError::Io { source, .. }
            if source.raw_os_error() == Some(libc::ENOSPC) || source.raw_os_error() == Some(libc::EDQUOT))
    }
}

//! Contexts sent as a tar stream, and the private temporary directories
//! they (and ADD's archives) are unpacked into.
//!
//! Unpacking uses the store's layer extractor, which already refuses
//! members that climb out (`../`), that would be written through a
//! symlink, or hard links that point outside.

use std::fs;
use std::io::Read;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use crate::store::compression::decompressing_reader;
use crate::store::extract::{extract_layer, ExtractOptions};

use super::ContextError;

/// A directory under the system temp dir (mode 0700), removed on drop.
#[derive(Debug)]
pub(super) struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new() -> Result<TempDir, ContextError> {
        let base = std::env::temp_dir();
        // A few tries: a name collision is possible only in theory.
        let mut last = None;
        for _ in 0..8 {
            let path = base.join(format!("berth-context-{:016x}", rand::random::<u64>()));
            match fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(e) => last = Some((path, e)),
            }
        }
        let (path, e) = last.unwrap_or_else(|| {
            (
                base.clone(),
                std::io::Error::other("no temporary directory name was free"),
            )
        });
        Err(ContextError::io("create the temporary directory", &path)(e))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover temp dir is harmless and cleaned by the
        // system's tmp policy.
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Unpacks a (possibly gzip- or zstd-compressed) tar stream into `dest`.
pub(super) fn unpack(reader: impl Read + Send + 'static, dest: &Path) -> Result<(), ContextError> {
    let plain = decompressing_reader(reader).map_err(ContextError::io(
        "read the context from",
        Path::new("stdin"),
    ))?;
    extract_layer(plain, dest, &ExtractOptions::default())
        .map(|_| ())
        .map_err(ContextError::BadContextTar)
}

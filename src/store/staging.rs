//! Staging: where a pull, load or import downloads blobs and extracts layers
//! before anything is visible. Each staging directory is held by an
//! exclusive lock on `staging/<id>.lock` for the life of its owner; a
//! directory whose lock can be taken belongs to a dead process and is removed
//! by the next writer. Nothing here takes a store lock: this is the long work.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::digest::{Digest, Hasher, HashingReader};
use super::error::{IoContext, Result, StoreError};
use super::extract::{self, ExtractOptions};
use super::lock::try_exclusive;

pub struct Staging {
    dir: PathBuf,
    lock_path: PathBuf,
    _lock: File,
    rootless: bool,
    /// Expansion limit of every layer extracted here.
    layer_limit: u64,
    extracted: Mutex<HashMap<Digest, u64>>,
}

/// A layer extracted into staging.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractedLayer {
    pub diff_id: Digest,
    pub size: u64,
}

impl Staging {
    pub(super) fn create(staging_root: &Path, rootless: bool, layer_limit: u64) -> Result<Staging> {
        // A concurrent `sweep_dead` may open our fresh lock file before we
        // lock it and remove it as dead; `try_exclusive` then reports it as
        // held and we start over under a new id.
        let mut taken = None;
        for _ in 0..8 {
            let id = hex::encode(rand::random::<[u8; 12]>());
            let lock_path = staging_root.join(format!("{id}.lock"));
            if let Some(lock) = try_exclusive(&lock_path).ctx("lock", &lock_path)? {
                taken = Some((id, lock_path, lock));
                break;
            }
        }
        let (id, lock_path, lock) = taken.ok_or_else(|| {
            StoreError::Invalid(format!(
                "could not take a staging lock under {}; check that it is writable",
                staging_root.display()
            ))
        })?;
        let dir = staging_root.join(&id);
        fs::create_dir_all(dir.join("blobs")).ctx("create", &dir)?;
        fs::create_dir_all(dir.join("layers")).ctx("create", &dir)?;
        Ok(Staging {
            dir,
            lock_path,
            _lock: lock,
            rootless,
            layer_limit,
            extracted: Mutex::new(HashMap::new()),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(super) fn blob_path(&self, d: &Digest) -> PathBuf {
        self.dir.join("blobs").join(d.hex())
    }

    pub(super) fn layer_path(&self, diff_id: &Digest) -> PathBuf {
        self.dir.join("layers").join(diff_id.hex())
    }

    pub(super) fn extracted_size(&self, diff_id: &Digest) -> Option<u64> {
        self.extracted
            .lock()
            .ok()
            .and_then(|m| m.get(diff_id).copied())
    }

    /// A writer for a blob whose digest is known in advance; `finish` verifies it.
    pub fn blob_writer(&self, expected: &Digest, expected_size: Option<u64>) -> Result<BlobWriter> {
        let path = self.blob_path(expected);
        let tmp = path.with_extension(format!("part-{}", hex::encode(rand::random::<[u8; 4]>())));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&tmp)
            .ctx("create", &tmp)?;
        Ok(BlobWriter {
            file: Some(io::BufWriter::with_capacity(256 * 1024, file)),
            tmp,
            path,
            hasher: Hasher::new(),
            expected: expected.clone(),
            expected_size,
        })
    }

    /// Stores a small blob held in memory (manifests, configs).
    pub fn put_blob(&self, expected: Option<&Digest>, data: &[u8]) -> Result<Digest> {
        let actual = Digest::of_bytes(data);
        if let Some(exp) = expected {
            if exp != &actual {
                return Err(StoreError::DigestMismatch {
                    what: "blob".into(),
                    expected: exp.clone(),
                    actual,
                });
            }
        }
        let mut w = self.blob_writer(&actual, Some(data.len() as u64))?;
        w.write_all(data).ctx("write", &w.tmp)?;
        w.finish()?;
        Ok(actual)
    }

    /// Extracts an uncompressed layer tar, computing its diff id while
    /// reading; with `expected` a mismatch is an error and nothing is kept.
    pub fn extract_layer<R: Read>(
        &self,
        tar: R,
        expected: Option<&Digest>,
        max_bytes: Option<u64>,
    ) -> Result<ExtractedLayer> {
        let work = self
            .dir
            .join("layers")
            .join(format!("tmp-{}", hex::encode(rand::random::<[u8; 6]>())));
        let diff = work.join("diff");
        fs::create_dir_all(&diff).ctx("create", &diff)?;
        let label = expected.map_or_else(|| "in the input".to_string(), |d| d.short().to_string());
        let result = (|| {
            let mut reader = HashingReader::new(tar);
            let opts = ExtractOptions {
                rootless: self.rootless,
                max_total_bytes: Some(
                    max_bytes.map_or(self.layer_limit, |m| m.min(self.layer_limit)),
                ),
            };
            extract::extract_layer(&mut reader, &diff, &opts).map_err(|source| {
                StoreError::Extract {
                    layer: label.clone(),
                    source,
                }
            })?;
            let (diff_id, size) = reader.finish().ctx("read layer", &diff)?;
            if let Some(exp) = expected {
                if exp != &diff_id {
                    return Err(StoreError::DigestMismatch {
                        what: format!("layer {}", exp.short()),
                        expected: exp.clone(),
                        actual: diff_id,
                    });
                }
            }
            let dest = self.layer_path(&diff_id);
            if dest.exists() {
                // The same layer twice in one image: keep the first copy.
                remove_tree(&work);
            } else {
                fs::rename(&work, &dest).ctx("rename", &dest)?;
            }
            if let Ok(mut m) = self.extracted.lock() {
                m.insert(diff_id.clone(), size);
            }
            Ok(ExtractedLayer { diff_id, size })
        })();
        if result.is_err() {
            remove_tree(&work);
        }
        result
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Whatever was not committed is discarded with the staging area.
        remove_tree(&self.dir);
        let _ = fs::remove_file(&self.lock_path);
    }
}

pub struct BlobWriter {
    file: Option<io::BufWriter<File>>,
    tmp: PathBuf,
    path: PathBuf,
    hasher: Hasher,
    expected: Digest,
    expected_size: Option<u64>,
}

impl BlobWriter {
    /// Verifies digest and size, fsyncs, and moves the blob into staging.
    pub fn finish(mut self) -> Result<u64> {
        let file = self.file.take();
        let result = (|| {
            let file =
                file.ok_or_else(|| StoreError::Invalid("blob writer already finished".into()))?;
            let file = file
                .into_inner()
                .map_err(|e| e.into_error())
                .ctx("write", &self.tmp)?;
            let len = self.hasher.len();
            let actual = std::mem::take(&mut self.hasher).finish();
            if actual != self.expected {
                return Err(StoreError::DigestMismatch {
                    what: format!("blob {}", self.expected.short()),
                    expected: self.expected.clone(),
                    actual,
                });
            }
            if let Some(size) = self.expected_size {
                if size != len {
                    return Err(StoreError::SizeMismatch {
                        what: format!("blob {}", self.expected.short()),
                        expected: size,
                        actual: len,
                    });
                }
            }
            file.sync_all().ctx("fsync", &self.tmp)?;
            fs::rename(&self.tmp, &self.path).ctx("rename", &self.path)?;
            Ok(len)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        result
    }

    pub fn expected(&self) -> &Digest {
        &self.expected
    }
}

impl Write for BlobWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(limit) = self.expected_size {
            if self.hasher.len() + buf.len() as u64 > limit {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "blob {} is larger than its declared {limit} bytes",
                        self.expected
                    ),
                ));
            }
        }
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| io::Error::other("blob writer finished"))?;
        let n = file.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for BlobWriter {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Removes a directory tree, making read-only directories writable first
/// (layers may contain them, and even root needs no help there, but a
/// rootless user does).
pub(crate) fn remove_tree(path: &Path) {
    if fs::remove_dir_all(path).is_ok() || !path.exists() {
        return;
    }
    let _ = make_writable(path);
    let _ = fs::remove_dir_all(path);
}

fn make_writable(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::symlink_metadata(path)?;
    if meta.is_dir() {
        let mut perm = meta.permissions();
        perm.set_mode(perm.mode() | 0o700);
        fs::set_permissions(path, perm)?;
        for entry in fs::read_dir(path)? {
            make_writable(&entry?.path())?;
        }
    }
    Ok(())
}

/// Removes staging directories whose owners have died. Called by writers.
pub(super) fn sweep_dead(staging_root: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = fs::read_dir(staging_root) else {
        return removed;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "lock") {
            if let Ok(Some(_held)) = try_exclusive(&path) {
                let dir = path.with_extension("");
                remove_tree(&dir);
                let _ = fs::remove_file(&path);
                removed.push(dir);
            }
        } else if path.is_dir() && !path.with_extension("lock").exists() {
            // A directory without its lock file: its owner died between
            // creating the lock and the directory, or after removing the lock.
            remove_tree(&path);
            removed.push(path);
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Creators racing sweepers must never lose a live staging directory
    /// (the stress suite once saw a pull's blobs swept away mid-download).
    #[test]
    fn sweeping_never_removes_a_live_staging_area() {
        let root = tempfile::tempdir().expect("tempdir");
        let staging_root = root.path().to_path_buf();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sweepers: Vec<_> = (0..2)
            .map(|_| {
                let (root, stop) = (staging_root.clone(), stop.clone());
                std::thread::spawn(move || {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        sweep_dead(&root);
                    }
                })
            })
            .collect();
        let creators: Vec<_> = (0..4)
            .map(|_| {
                let root = staging_root.clone();
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        let staging = Staging::create(&root, false, 1 << 20).expect("create");
                        let blob = staging.dir().join("blobs").join("b");
                        fs::write(&blob, b"x").expect("write into a live staging area");
                        assert!(blob.is_file(), "a live staging area was swept");
                    }
                })
            })
            .collect();
        for c in creators {
            c.join().expect("creator");
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for s in sweepers {
            s.join().expect("sweeper");
        }
    }
}

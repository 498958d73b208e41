//! The image and layer records and their JSON files. Each file is owned by
//! one store (images.json by the image store, layers.json by the layer
//! store), read under its shared lock and replaced atomically under its
//! exclusive lock.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use super::atomic::write_atomic;
use super::digest::Digest;
use super::error::{IoContext, Result, StoreError};
use super::lock::{Held, WriteGuard};

/// One stored image. Its id is the digest of its config blob, as docker's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageRecord {
    pub id: Digest,
    /// Fully qualified tagged names, e.g. `docker.io/library/busybox:latest`.
    #[serde(default)]
    pub names: Vec<String>,
    /// `name@sha256:…` for every repository the manifest is known under.
    #[serde(default)]
    pub repo_digests: Vec<String>,
    /// The single-platform image manifest, kept as a blob so push and save
    /// reproduce exactly what was pulled.
    pub manifest: Digest,
    pub manifest_media_type: String,
    /// Bottom layer first.
    pub layers: Vec<ImageLayer>,
    /// Sum of the uncompressed layer sizes, as docker's SIZE column.
    pub size: u64,
    pub created: Option<DateTime<Utc>>,
    /// When this image entered the store.
    pub added: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageLayer {
    pub diff_id: Digest,
    /// The (usually compressed) blob the layer came from.
    pub blob: Digest,
    pub media_type: String,
    pub blob_size: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerRecord {
    pub diff_id: Digest,
    /// Size of the uncompressed layer tar.
    pub size: u64,
    pub created: DateTime<Utc>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ImagesFile {
    #[serde(default)]
    pub images: Vec<ImageRecord>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct LayersFile {
    #[serde(default)]
    pub layers: Vec<LayerRecord>,
}

impl LayersFile {
    pub fn get(&self, diff_id: &Digest) -> Option<&LayerRecord> {
        self.layers.iter().find(|l| &l.diff_id == diff_id)
    }
}

/// Reads a record file; a missing file is an empty store.
pub fn load<T: DeserializeOwned + Default>(path: &Path, _held: &impl Held) -> Result<T> {
    match fs::read(path) {
        Ok(bytes) if bytes.is_empty() => Ok(T::default()),
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| StoreError::CorruptRecord {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(e).ctx("read", path),
    }
}

pub fn save<T: Serialize>(path: &Path, value: &T, _held: &WriteGuard) -> Result<()> {
    let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Invalid(e.to_string()))?;
    write_atomic(path, &bytes).ctx("write", path)
}

/// `save` without fsync (see `atomic::write_atomic_unsynced`).
pub fn save_unsynced<T: Serialize>(path: &Path, value: &T, _held: &WriteGuard) -> Result<()> {
    let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Invalid(e.to_string()))?;
    super::atomic::write_atomic_unsynced(path, &bytes).ctx("write", path)
}

impl ImagesFile {
    /// Gives `name` to `id` alone: docker moves a tag, it never shares it.
    pub fn assign_name(&mut self, id: &Digest, name: &str) {
        for img in &mut self.images {
            if &img.id != id {
                img.names.retain(|n| n != name);
            }
        }
        if let Some(img) = self.images.iter_mut().find(|i| &i.id == id) {
            if !img.names.iter().any(|n| n == name) {
                img.names.push(name.to_string());
            }
        }
    }

    pub fn position(&self, id: &Digest) -> Option<usize> {
        self.images.iter().position(|i| &i.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(n: u8, names: &[&str]) -> ImageRecord {
        ImageRecord {
            id: Digest::of_bytes(&[n]),
            names: names.iter().map(|s| s.to_string()).collect(),
            repo_digests: vec![],
            manifest: Digest::of_bytes(&[n, n]),
            manifest_media_type: String::new(),
            layers: vec![],
            size: 0,
            created: None,
            added: Utc::now(),
        }
    }

    #[test]
    fn assigning_a_name_moves_it() {
        let mut f = ImagesFile {
            images: vec![image(1, &["a:latest"]), image(2, &[])],
        };
        let second = f.images[1].id.clone();
        f.assign_name(&second, "a:latest");
        assert!(f.images[0].names.is_empty());
        assert_eq!(f.images[1].names, vec!["a:latest".to_string()]);
        f.assign_name(&second, "a:latest");
        assert_eq!(f.images[1].names.len(), 1);
    }
}

//! The on-disk store: content-addressed blobs, extracted layers, image
//! records, and the locks that let many `berth` processes share them.
//!
//! Layout under the root:
//! - `blobs/sha256/<hex>`: manifests, configs and layer blobs, verified on write.
//! - `layers/<diff-id hex>/diff`: one extracted layer; `layers/layers.json` its records.
//! - `images/images.json`: image records.
//! - `staging/<id>/`: work in progress of one process (see `staging`).
//! - `containers/containers.json`: the container index; `containers/<id>/` each
//!   container's files (see `containers`).
//! - `volumes/volumes.json`: volume records; `volumes/<name>/_data` their data.
//!
//! Lock order: containers → images → layers, and containers → volumes (see `lock`). Every image
//! writer takes images then layers, so a commit and a removal never
//! interleave; long work happens in staging before either is taken.

pub mod archive;
pub mod atomic;
pub mod check;
pub mod compression;
pub mod containers;
pub mod diff;
pub mod digest;
pub mod error;
pub mod extract;
mod gc;
pub mod images;
pub mod import;
pub mod lock;
pub mod names;
pub mod records;
pub mod staging;
pub mod tar_guard;
pub mod volumes;

use std::fs::{self, File};
use std::path::{Path, PathBuf};

pub use digest::Digest;
pub use error::{Result, StoreError};
pub use records::{ImageLayer, ImageRecord, LayerRecord};
pub use staging::{BlobWriter, ExtractedLayer, Staging};

use error::IoContext;
use lock::StoreLock;

/// Where the store lives; resolved once from flags, config and environment.
#[derive(Debug, Clone, Default)]
pub struct StorePaths {
    pub root: PathBuf,
    pub runroot: PathBuf,
    pub rootless: bool,
    /// Most bytes one layer may expand to (`[storage] max_layer_size`,
    /// `BERTH_MAX_LAYER_SIZE`); `None` is [`DEFAULT_MAX_LAYER_BYTES`].
    pub max_layer_bytes: Option<u64>,
}

/// The default expansion limit of one layer: far above any real image
/// layer, and a stop for decompression bombs before they fill the disk.
pub const DEFAULT_MAX_LAYER_BYTES: u64 = 64 << 30;

#[derive(Debug)]
pub struct Store {
    paths: StorePaths,
    containers_lock: StoreLock,
    volumes_lock: StoreLock,
    images_lock: StoreLock,
    layers_lock: StoreLock,
}

impl Store {
    /// Opens (creating on first use) the store at `paths.root`.
    pub fn open(paths: &StorePaths) -> Result<Store> {
        let root = &paths.root;
        for sub in [
            "blobs/sha256",
            "layers",
            "images",
            "staging",
            "containers",
            "volumes",
        ] {
            let dir = root.join(sub);
            fs::create_dir_all(&dir).ctx("create", &dir)?;
        }
        fs::create_dir_all(&paths.runroot).ctx("create", &paths.runroot)?;
        Ok(Store {
            containers_lock: StoreLock::new(root.join("containers/containers.lock"), "containers"),
            volumes_lock: StoreLock::new(root.join("volumes/volumes.lock"), "volumes"),
            images_lock: StoreLock::new(root.join("images/images.lock"), "images"),
            layers_lock: StoreLock::new(root.join("layers/layers.lock"), "layers"),
            paths: paths.clone(),
        })
    }

    pub fn paths(&self) -> &StorePaths {
        &self.paths
    }

    pub fn root(&self) -> &Path {
        &self.paths.root
    }

    pub fn blob_path(&self, d: &Digest) -> PathBuf {
        self.paths.root.join("blobs/sha256").join(d.hex())
    }

    /// The directory overlayfs uses as this layer's lowerdir.
    pub fn layer_diff_path(&self, diff_id: &Digest) -> PathBuf {
        self.layer_dir(diff_id).join("diff")
    }

    fn layer_dir(&self, diff_id: &Digest) -> PathBuf {
        self.paths.root.join("layers").join(diff_id.hex())
    }

    fn images_file(&self) -> PathBuf {
        self.paths.root.join("images/images.json")
    }

    fn layers_file(&self) -> PathBuf {
        self.paths.root.join("layers/layers.json")
    }

    fn staging_root(&self) -> PathBuf {
        self.paths.root.join("staging")
    }

    /// A hint for skipping downloads; the commit checks again under the lock.
    pub fn has_blob(&self, d: &Digest) -> bool {
        self.blob_path(d).is_file()
    }

    /// A hint for skipping downloads; the commit checks again under the lock.
    pub fn has_layer(&self, diff_id: &Digest) -> bool {
        self.layer_diff_path(diff_id).is_dir()
    }

    pub fn open_blob(&self, d: &Digest) -> Result<File> {
        let p = self.blob_path(d);
        File::open(&p).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => StoreError::ContentMissing(format!("blob {d}")),
            _ => StoreError::Io {
                op: "open",
                path: p,
                source: e,
            },
        })
    }

    /// Reads a blob and checks its digest (blobs read whole are small: manifests and configs).
    pub fn read_blob(&self, d: &Digest) -> Result<Vec<u8>> {
        let p = self.blob_path(d);
        let data = fs::read(&p).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => StoreError::ContentMissing(format!("blob {d}")),
            _ => StoreError::Io {
                op: "read",
                path: p.clone(),
                source: e,
            },
        })?;
        let actual = Digest::of_bytes(&data);
        if &actual != d {
            return Err(StoreError::DigestMismatch {
                what: format!("stored blob {}", p.display()),
                expected: d.clone(),
                actual,
            });
        }
        Ok(data)
    }

    /// Starts a staging area for downloads and extraction.
    pub fn begin_staging(&self) -> Result<Staging> {
        let limit = self
            .paths
            .max_layer_bytes
            .unwrap_or(DEFAULT_MAX_LAYER_BYTES);
        Staging::create(&self.staging_root(), self.paths.rootless, limit)
    }
}

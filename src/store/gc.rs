//! Garbage collection of content no image references, and recovery of what
//! an image writer killed midway left unreferenced.
//!
//! Image writers (commit, rmi, prune) make content unreferenced for a moment:
//! a commit moves blobs and layers in before it records the image, a removal
//! drops the record before it deletes the content. Before such a window they
//! create `images/gc-pending` (durably) and remove it when done, so a writer
//! killed inside the window leaves the mark, and the next image writer or
//! `system check` collects the leftovers. Unreferenced content without the
//! mark is a fault `system check` reports.

use std::collections::HashSet;
use std::fs;

use super::digest::Digest;
use super::error::{IoContext, Result};
use super::lock::WriteGuard;
use super::records::{self, ImagesFile, LayersFile};
use super::staging::{remove_tree, sweep_dead};
use super::Store;

impl Store {
    fn gc_pending_path(&self) -> std::path::PathBuf {
        self.root().join("images/gc-pending")
    }

    /// Marks that content may become unreferenced. Synced: a power cut must
    /// not keep the renames that follow and lose the mark.
    pub(super) fn mark_gc_pending(&self) -> Result<()> {
        let path = self.gc_pending_path();
        let file = fs::File::create(&path).ctx("create", &path)?;
        file.sync_all().ctx("fsync", &path)?;
        let dir = self.root().join("images");
        super::atomic::sync_dir(&dir).ctx("fsync", &dir)
    }

    pub(super) fn clear_gc_pending(&self) {
        let _ = fs::remove_file(self.gc_pending_path());
    }

    /// With the images write lock held (`images` is its current record) and
    /// the layers write lock: if a writer was killed inside its window,
    /// collects what it left. Returns how many items were removed, or None
    /// when there was no mark.
    pub(super) fn recover_interrupted(
        &self,
        images: &ImagesFile,
        layers_guard: &WriteGuard,
    ) -> Result<Option<usize>> {
        if !self.gc_pending_path().exists() {
            return Ok(None);
        }
        let trash = self.new_trash()?;
        let removed = self.collect_unreferenced(images, layers_guard, &trash);
        remove_tree(&trash);
        self.clear_gc_pending();
        Ok(Some(removed?))
    }

    /// Removes layers and blobs no image references. Runs under the images
    /// write lock (which every image writer holds), takes the layers lock,
    /// and only renames under it; the slow deletion happens afterwards.
    pub(super) fn collect_garbage(&self, images: &ImagesFile, _held: &WriteGuard) -> Result<()> {
        let trash = self.new_trash()?;
        let layers_guard = self
            .layers_lock
            .write()
            .ctx("lock", self.layers_lock.path())?;
        let collected = self.collect_unreferenced(images, &layers_guard, &trash);
        drop(layers_guard);
        remove_tree(&trash);
        collected?;
        self.clear_gc_pending();
        sweep_dead(&self.staging_root());
        Ok(())
    }

    fn new_trash(&self) -> Result<std::path::PathBuf> {
        let trash = self
            .staging_root()
            .join(format!("trash-{}", hex::encode(rand::random::<[u8; 6]>())));
        fs::create_dir_all(&trash).ctx("create", &trash)?;
        Ok(trash)
    }

    /// The collection itself, under both write locks: unused layers are
    /// renamed into `trash`, unused blobs deleted. Returns how many layers
    /// and blobs it removed.
    fn collect_unreferenced(
        &self,
        images: &ImagesFile,
        layers_guard: &WriteGuard,
        trash: &std::path::Path,
    ) -> Result<usize> {
        let mut used_layers = HashSet::new();
        let mut used_blobs = HashSet::new();
        for img in &images.images {
            used_blobs.insert(img.id.hex().to_string());
            used_blobs.insert(img.manifest.hex().to_string());
            for l in &img.layers {
                used_layers.insert(l.diff_id.hex().to_string());
                used_blobs.insert(l.blob.hex().to_string());
            }
        }
        let mut removed = 0;

        let mut layers: LayersFile = records::load(&self.layers_file(), layers_guard)?;
        let before = layers.layers.len();
        layers
            .layers
            .retain(|l| used_layers.contains(l.diff_id.hex()));
        if layers.layers.len() != before {
            records::save(&self.layers_file(), &layers, layers_guard)?;
        }
        // Every layer directory no image uses, recorded or not (a commit
        // killed after its rename and before saving layers.json leaves one
        // without a record). Only commit creates them, under this lock.
        let layer_root = self.root().join("layers");
        if let Ok(entries) = fs::read_dir(&layer_root) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if Digest::from_hex(&name).is_err() || used_layers.contains(&name) {
                    continue;
                }
                if fs::rename(e.path(), trash.join(&name)).is_ok() {
                    removed += 1;
                }
            }
        }
        let blob_dir = self.root().join("blobs/sha256");
        if let Ok(entries) = fs::read_dir(&blob_dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if Digest::from_hex(&name).is_ok()
                    && !used_blobs.contains(&name)
                    && fs::remove_file(e.path()).is_ok()
                {
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }
}

//! `berth system check`: verifies the store and repairs what is safe to
//! repair (leftovers of dead processes, unreferenced content, records whose
//! content is gone). Containers and volumes are checked by their own
//! modules (`containers::check`, `volumes`).

use std::collections::HashSet;
use std::fs;
use std::io;

use serde::Serialize;

use super::digest::{Digest, HashingReader};
use super::error::{IoContext, Result};
use super::records::{self, ImagesFile, LayersFile};
use super::staging::{remove_tree, sweep_dead};
use super::Store;

#[derive(Debug, Default, Serialize)]
pub struct CheckReport {
    /// Problems found; with `repair`, what could not be repaired.
    pub problems: Vec<String>,
    /// What was repaired (or, without `repair`, would be).
    pub repaired: Vec<String>,
    /// Leftovers of dead processes that were removed; not inconsistencies.
    pub cleaned: Vec<String>,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.repaired.is_empty()
    }

    /// Removes the temp file of an atomic record write that a killed writer
    /// never renamed into place. The caller holds the lock every writer of
    /// that directory takes, so no write is in flight; like dead staging,
    /// this is a trace of a crash, not an inconsistency.
    pub(in crate::store) fn clean_temp_file(&mut self, path: &std::path::Path) {
        match fs::remove_file(path) {
            Ok(()) => self
                .cleaned
                .push(format!("removed leftover temp file {}", path.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => self.problems.push(format!(
                "leftover temp file {} could not be removed: {e}",
                path.display()
            )),
        }
    }
}

impl Store {
    /// Checks every record against the content on disk. `verify_content`
    /// re-hashes every blob (slow on a large store).
    pub fn check(&self, repair: bool, verify_content: bool) -> Result<CheckReport> {
        let mut report = CheckReport::default();
        // Lock order: containers, then volumes (released), then images, layers.
        let containers_guard = self.lock_containers_for_check()?;
        self.check_containers(repair, &mut report, &containers_guard)?;
        self.check_volumes(repair, &mut report)?;
        let images_guard = self
            .images_lock
            .write()
            .ctx("lock", self.images_lock.path())?;
        let layers_guard = self
            .layers_lock
            .write()
            .ctx("lock", self.layers_lock.path())?;
        let mut images: ImagesFile = records::load(&self.images_file(), &images_guard)?;
        // An image writer killed while content was unreferenced left its
        // mark: collecting that content is the recovery, not a repair.
        if let Some(n) = self.recover_interrupted(&images, &layers_guard)? {
            report.cleaned.push(format!(
                "collected {n} layer(s) and blob(s) left unreferenced by an interrupted image commit or removal"
            ));
        }
        let mut layers: LayersFile = records::load(&self.layers_file(), &layers_guard)?;

        // Staging left by processes that died mid-work (Ctrl-C, kill -9) is
        // invisible to every reader and safe to delete at any time, so it is
        // cleaned up here whether or not repair was asked for.
        for dir in sweep_dead(&self.staging_root()) {
            report.cleaned.push(format!(
                "removed leftover staging directory {}",
                dir.display()
            ));
        }

        // Layers: records without content are dropped; content without a record is removed.
        let mut missing_layers = HashSet::new();
        layers.layers.retain(|l| {
            let ok = self.layer_diff_path(&l.diff_id).is_dir();
            if !ok {
                missing_layers.insert(l.diff_id.clone());
                let msg = format!(
                    "layer {} is recorded but its directory is missing",
                    l.diff_id
                );
                if repair {
                    report.repaired.push(format!("dropped record: {msg}"));
                } else {
                    report.problems.push(msg);
                }
            }
            ok
        });
        let recorded: HashSet<String> = layers
            .layers
            .iter()
            .map(|l| l.diff_id.hex().to_string())
            .collect();
        if let Ok(entries) = fs::read_dir(self.root().join("layers")) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !e.path().is_dir() || recorded.contains(&name) {
                    continue;
                }
                let msg = format!("layer directory {} has no record", e.path().display());
                if repair {
                    remove_tree(&e.path());
                    report.repaired.push(format!("removed {msg}"));
                } else {
                    report.problems.push(msg);
                }
            }
        }

        // Images: every layer and blob they name must be present and intact.
        let mut bad_blobs = HashSet::new();
        let mut blob_ok = |d: &Digest| -> bool {
            if bad_blobs.contains(d) {
                return false;
            }
            let ok = match fs::File::open(self.blob_path(d)) {
                Ok(f) if verify_content => {
                    let r = HashingReader::new(io::BufReader::new(f));
                    matches!(r.finish(), Ok((actual, _)) if &actual == d)
                }
                Ok(_) => true,
                Err(_) => false,
            };
            if !ok {
                bad_blobs.insert(d.clone());
            }
            ok
        };
        let mut broken = Vec::new();
        for img in &images.images {
            let mut faults = Vec::new();
            for d in [&img.id, &img.manifest] {
                if !blob_ok(d) {
                    faults.push(format!("blob {d} missing or corrupt"));
                }
            }
            for l in &img.layers {
                if layers.get(&l.diff_id).is_none() || missing_layers.contains(&l.diff_id) {
                    faults.push(format!("layer {} missing", l.diff_id));
                }
                if !blob_ok(&l.blob) {
                    faults.push(format!("blob {} missing or corrupt", l.blob));
                }
            }
            if !faults.is_empty() {
                broken.push((img.id.clone(), faults));
            }
        }
        for (id, faults) in &broken {
            let msg = format!("image {}: {}", id.short(), faults.join("; "));
            if repair {
                report
                    .repaired
                    .push(format!("removed incomplete image ({msg}); pull it again"));
            } else {
                report.problems.push(msg);
            }
        }
        if repair {
            let broken_ids: HashSet<&Digest> = broken.iter().map(|(id, _)| id).collect();
            images.images.retain(|i| !broken_ids.contains(&i.id));
            records::save(&self.layers_file(), &layers, &layers_guard)?;
            records::save(&self.images_file(), &images, &images_guard)?;
            for d in &bad_blobs {
                let _ = fs::remove_file(self.blob_path(d));
            }
        }

        // Blobs nothing references, and temp files of dead writers.
        let mut used = HashSet::new();
        for img in &images.images {
            used.insert(img.id.hex().to_string());
            used.insert(img.manifest.hex().to_string());
            used.extend(img.layers.iter().map(|l| l.blob.hex().to_string()));
        }
        let used_layers: HashSet<&Digest> = images
            .images
            .iter()
            .flat_map(|i| i.layers.iter().map(|l| &l.diff_id))
            .collect();
        let (kept, unused): (Vec<_>, Vec<_>) = layers
            .layers
            .clone()
            .into_iter()
            .partition(|l| used_layers.contains(&l.diff_id));
        for l in &unused {
            let msg = format!("layer {} is used by no image", l.diff_id);
            if repair {
                remove_tree(&self.layer_dir(&l.diff_id));
                report.repaired.push(format!("removed {msg}"));
            } else {
                report.problems.push(msg);
            }
        }
        if repair && !unused.is_empty() {
            layers.layers = kept;
            records::save(&self.layers_file(), &layers, &layers_guard)?;
        }
        let blob_dir = self.root().join("blobs/sha256");
        if let Ok(entries) = fs::read_dir(&blob_dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if used.contains(&name) {
                    continue;
                }
                let msg = format!("unreferenced blob {name}");
                if repair {
                    let _ = fs::remove_file(e.path());
                    report.repaired.push(format!("removed {msg}"));
                } else {
                    report.problems.push(msg);
                }
            }
        }
        // Temp files of atomic record writes interrupted by a crash.
        for dir in ["images", "layers"] {
            let Ok(entries) = fs::read_dir(self.root().join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !(name.starts_with('.') && name.contains(".tmp-")) {
                    continue;
                }
                report.clean_temp_file(&e.path());
            }
        }
        drop(layers_guard);
        drop(images_guard);
        drop(containers_guard);
        Ok(report)
    }
}

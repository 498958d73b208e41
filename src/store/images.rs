//! Image operations on the store: list, look up, commit a staged image, tag,
//! remove, prune, and the garbage collection of content no image uses.

use std::collections::HashSet;
use std::fs;

use chrono::{DateTime, Utc};

use super::digest::Digest;
use super::error::{IoContext, Result, StoreError};
use super::records::{self, ImageLayer, ImageRecord, ImagesFile, LayerRecord, LayersFile};
use super::staging::{remove_tree, sweep_dead, Staging};
use super::Store;
use crate::events::Event;

/// What `commit_image` records for a staged (or already stored) image.
#[derive(Debug, Clone)]
pub struct NewImage {
    pub config: Digest,
    pub manifest: Digest,
    pub manifest_media_type: String,
    pub layers: Vec<ImageLayer>,
    /// Fully qualified names to give the image (moved from any other image).
    pub names: Vec<String>,
    pub repo_digests: Vec<String>,
    pub created: Option<DateTime<Utc>>,
}

/// One line of `rmi` output, as docker prints them.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoveAction {
    Untagged(String),
    Deleted(Digest),
}

/// docker's `untag` and `delete` events for what `rmi` or `prune` did.
/// Both name the image by id, as docker's do. Without `known`, an image's
/// untags are named by the `Deleted` that follows them.
fn record_removals(root: &std::path::Path, actions: &[RemoveAction], known: Option<&Digest>) {
    let mut pending = 0;
    for action in actions {
        match (action, known) {
            (RemoveAction::Untagged(_), Some(id)) => {
                let id = id.to_string();
                crate::events::record(root, Event::image("untag", &id, &id));
            }
            (RemoveAction::Untagged(_), None) => pending += 1,
            (RemoveAction::Deleted(id), _) => {
                let id = id.to_string();
                for _ in 0..std::mem::take(&mut pending) {
                    crate::events::record(root, Event::image("untag", &id, &id));
                }
                crate::events::record(root, Event::image("delete", &id, &id));
            }
        }
    }
}

/// How the user named an image: the raw text and, if it parsed as a
/// reference, its fully qualified form.
#[derive(Debug, Clone)]
pub struct ImageQuery<'a> {
    pub raw: &'a str,
    pub name: Option<&'a str>,
}

impl<'a> ImageQuery<'a> {
    pub fn new(raw: &'a str, name: Option<&'a str>) -> Self {
        ImageQuery { raw, name }
    }
}

/// Answers whether a container uses an image (the container store owns
/// that knowledge; the image store only asks).
pub trait ImageUsers {
    /// The id of a container using `image`, if any.
    fn container_using(&self, image: &Digest) -> Option<String>;
}

/// No containers: for tools and tests that have none.
pub struct NoContainers;

impl ImageUsers for NoContainers {
    fn container_using(&self, _image: &Digest) -> Option<String> {
        None
    }
}

/// Finds the index of the image `q` names: full id, then name, then id prefix (docker's order).
pub fn resolve(images: &ImagesFile, q: &ImageQuery) -> Result<usize> {
    let raw = q.raw.strip_prefix("sha256:").unwrap_or(q.raw);
    if let Ok(d) = Digest::from_hex(raw) {
        if let Some(i) = images.position(&d) {
            return Ok(i);
        }
    }
    if let Some(name) = q.name {
        let by_name = |i: &ImageRecord| {
            i.names.iter().any(|n| n == name) || i.repo_digests.iter().any(|n| n == name)
        };
        if let Some(i) = images.images.iter().position(by_name) {
            return Ok(i);
        }
    }
    let is_hex = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hex && !q.raw.contains(':') || q.raw.starts_with("sha256:") {
        let lower = raw.to_ascii_lowercase();
        let mut hits = images
            .images
            .iter()
            .enumerate()
            .filter(|(_, i)| i.id.hex().starts_with(&lower));
        if let Some((first, _)) = hits.next() {
            if hits.next().is_some() {
                return Err(StoreError::AmbiguousImage(q.raw.to_string()));
            }
            return Ok(first);
        }
    }
    Err(StoreError::ImageNotFound(q.raw.to_string()))
}

impl Store {
    pub fn list_images(&self) -> Result<Vec<ImageRecord>> {
        let guard = self
            .images_lock
            .read()
            .ctx("lock", self.images_lock.path())?;
        let file: ImagesFile = records::load(&self.images_file(), &guard)?;
        Ok(file.images)
    }

    pub fn find_image(&self, q: &ImageQuery) -> Result<ImageRecord> {
        let guard = self
            .images_lock
            .read()
            .ctx("lock", self.images_lock.path())?;
        let file: ImagesFile = records::load(&self.images_file(), &guard)?;
        let i = resolve(&file, q)?;
        Ok(file.images[i].clone())
    }

    pub fn list_layers(&self) -> Result<Vec<LayerRecord>> {
        let guard = self
            .layers_lock
            .read()
            .ctx("lock", self.layers_lock.path())?;
        let file: LayersFile = records::load(&self.layers_file(), &guard)?;
        Ok(file.layers)
    }

    /// Makes a staged image visible: moves its new blobs and layers into the
    /// store and records it, all under the images and layers locks. Content
    /// the staging skipped because the store had it must still be there;
    /// if another process removed it meanwhile, this fails with
    /// `ContentMissing` and the caller stages it again.
    pub fn commit_image(&self, staging: Staging, new: NewImage) -> Result<ImageRecord> {
        // Flush extracted files before they become reachable (power-cut safety).
        sync_filesystem(staging.dir());
        let images_guard = self
            .images_lock
            .write()
            .ctx("lock", self.images_lock.path())?;
        let layers_guard = self
            .layers_lock
            .write()
            .ctx("lock", self.layers_lock.path())?;
        let mut images: ImagesFile = records::load(&self.images_file(), &images_guard)?;
        self.recover_interrupted(&images, &layers_guard)?;
        let mut layers: LayersFile = records::load(&self.layers_file(), &layers_guard)?;

        // An image with this config is already here: it keeps its own
        // manifest and layer blobs, so only those may be moved in (a
        // re-encoded copy of the same image would otherwise leave blobs
        // nothing references).
        let existing = images
            .position(&new.config)
            .map(|i| images.images[i].clone());
        let (manifest, image_layers) = match &existing {
            Some(r) => (&r.manifest, &r.layers),
            None => (&new.manifest, &new.layers),
        };
        let mut blobs: Vec<&Digest> = vec![&new.config, manifest];
        blobs.extend(image_layers.iter().map(|l| &l.blob));
        // Content moved in below is unreferenced until images.json is saved:
        // killed in between, the mark has the next writer collect it.
        let mut marked = false;
        for blob in blobs {
            let dest = self.blob_path(blob);
            if dest.is_file() {
                continue;
            }
            let staged = staging.blob_path(blob);
            if !staged.is_file() {
                return Err(StoreError::ContentMissing(format!("blob {blob}")));
            }
            if !marked {
                self.mark_gc_pending()?;
                marked = true;
            }
            fs::rename(&staged, &dest).ctx("rename", &dest)?;
        }
        let mut layers_changed = false;
        for layer in &new.layers {
            let have_record = layers.get(&layer.diff_id).is_some();
            if have_record && self.has_layer(&layer.diff_id) {
                continue;
            }
            let staged = staging.layer_path(&layer.diff_id);
            let size = staging.extracted_size(&layer.diff_id);
            let (true, Some(size)) = (staged.is_dir(), size) else {
                return Err(StoreError::ContentMissing(format!(
                    "layer {}",
                    layer.diff_id
                )));
            };
            if !marked {
                self.mark_gc_pending()?;
                marked = true;
            }
            let dest = self.layer_dir(&layer.diff_id);
            if dest.exists() {
                // A record-less leftover (crash after rename): replace it.
                remove_tree(&dest);
            }
            fs::rename(&staged, &dest).ctx("rename", &dest)?;
            layers.layers.retain(|l| l.diff_id != layer.diff_id);
            layers.layers.push(LayerRecord {
                diff_id: layer.diff_id.clone(),
                size,
                created: Utc::now(),
            });
            layers_changed = true;
        }
        super::atomic::sync_dir(&self.root().join("blobs/sha256")).ctx("fsync", self.root())?;
        if layers_changed {
            records::save(&self.layers_file(), &layers, &layers_guard)?;
        }

        let size = new
            .layers
            .iter()
            .filter_map(|l| layers.get(&l.diff_id).map(|r| r.size))
            .sum();
        let idx = match images.position(&new.config) {
            Some(i) => i,
            None => {
                images.images.push(ImageRecord {
                    id: new.config.clone(),
                    names: vec![],
                    repo_digests: vec![],
                    manifest: new.manifest.clone(),
                    manifest_media_type: new.manifest_media_type.clone(),
                    layers: new.layers.clone(),
                    size,
                    created: new.created,
                    added: Utc::now(),
                });
                images.images.len() - 1
            }
        };
        {
            let img = &mut images.images[idx];
            for d in &new.repo_digests {
                if !img.repo_digests.contains(d) {
                    img.repo_digests.push(d.clone());
                }
            }
        }
        for name in &new.names {
            images.assign_name(&new.config, name);
        }
        records::save(&self.images_file(), &images, &images_guard)?;
        if marked {
            self.clear_gc_pending();
        }
        let record = images.images[idx].clone();
        drop(layers_guard);
        drop(images_guard);
        drop(staging);
        sweep_dead(&self.staging_root());
        Ok(record)
    }

    /// Gives `name` (fully qualified) to the image `q` names.
    pub fn tag_image(&self, q: &ImageQuery, name: &str) -> Result<ImageRecord> {
        let guard = self
            .images_lock
            .write()
            .ctx("lock", self.images_lock.path())?;
        let mut images: ImagesFile = records::load(&self.images_file(), &guard)?;
        let i = resolve(&images, q)?;
        let id = images.images[i].id.clone();
        images.assign_name(&id, name);
        records::save(&self.images_file(), &images, &guard)?;
        let tag = Event::image("tag", &id.to_string(), &crate::events::familiar(name));
        crate::events::record(self.root(), tag);
        Ok(images.images[i].clone())
    }

    /// Removes a name or an image as `docker rmi` does: a name that is not
    /// the image's last is only untagged; otherwise the image is deleted,
    /// unless a container uses it (then only with `force`, and the image
    /// stays, dangling, as docker leaves it).
    pub fn remove_image(
        &self,
        q: &ImageQuery,
        force: bool,
        users: &dyn ImageUsers,
    ) -> Result<Vec<RemoveAction>> {
        let images_guard = self
            .images_lock
            .write()
            .ctx("lock", self.images_lock.path())?;
        let mut images: ImagesFile = records::load(&self.images_file(), &images_guard)?;
        let i = resolve(&images, q)?;
        let img = images.images[i].clone();
        let by_name = q.name.filter(|n| img.names.iter().any(|x| x == *n));
        let mut actions = Vec::new();

        if let Some(name) = by_name {
            if img.names.len() > 1 {
                images.images[i].names.retain(|n| n != name);
                records::save(&self.images_file(), &images, &images_guard)?;
                let actions = vec![RemoveAction::Untagged(name.to_string())];
                record_removals(self.root(), &actions, Some(&img.id));
                return Ok(actions);
            }
        } else if !force && distinct_repos(&img.names) > 1 {
            return Err(StoreError::Conflict(format!(
                "conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                img.id.short()
            )));
        }
        if let Some(ctr) = users.container_using(&img.id) {
            if !force {
                let what = match by_name {
                    Some(n) => format!("remove repository reference \"{n}\""),
                    None => format!("delete {}", img.id.short()),
                };
                return Err(StoreError::Conflict(format!(
                    "conflict: unable to {what} (must force) - container {} is using its referenced image {}; remove the container first (berth rm {})",
                    short_id(&ctr),
                    img.id.short(),
                    short_id(&ctr)
                )));
            }
            // Forced while in use: untag only; the container keeps its image.
            let names = std::mem::take(&mut images.images[i].names);
            actions.extend(names.into_iter().map(RemoveAction::Untagged));
            records::save(&self.images_file(), &images, &images_guard)?;
            record_removals(self.root(), &actions, Some(&img.id));
            return Ok(actions);
        }
        actions.extend(img.names.iter().cloned().map(RemoveAction::Untagged));
        actions.extend(img.repo_digests.iter().cloned().map(RemoveAction::Untagged));
        actions.push(RemoveAction::Deleted(img.id.clone()));
        images.images.remove(i);
        // Killed between this save and the collection, the image's content
        // would stay unreferenced; the mark tells the next writer to collect it.
        self.mark_gc_pending()?;
        records::save(&self.images_file(), &images, &images_guard)?;
        record_removals(self.root(), &actions, Some(&img.id));
        self.collect_garbage(&images, &images_guard)?;
        Ok(actions)
    }

    /// Deletes dangling images (with `all`, every image no container uses).
    pub fn prune_images(&self, all: bool, users: &dyn ImageUsers) -> Result<Vec<RemoveAction>> {
        let images_guard = self
            .images_lock
            .write()
            .ctx("lock", self.images_lock.path())?;
        let mut images: ImagesFile = records::load(&self.images_file(), &images_guard)?;
        let mut actions = Vec::new();
        images.images.retain(|img| {
            let candidate = all || img.names.is_empty();
            if !candidate || users.container_using(&img.id).is_some() {
                return true;
            }
            actions.extend(img.names.iter().cloned().map(RemoveAction::Untagged));
            actions.extend(img.repo_digests.iter().cloned().map(RemoveAction::Untagged));
            actions.push(RemoveAction::Deleted(img.id.clone()));
            false
        });
        if !actions.is_empty() {
            self.mark_gc_pending()?;
            records::save(&self.images_file(), &images, &images_guard)?;
            record_removals(self.root(), &actions, None);
        }
        self.collect_garbage(&images, &images_guard)?;
        Ok(actions)
    }
}

fn distinct_repos(names: &[String]) -> usize {
    let repos: HashSet<&str> = names
        .iter()
        .map(|n| match n.rfind(':') {
            Some(i) if !n[i..].contains('/') => &n[..i],
            _ => n.as_str(),
        })
        .collect();
    repos.len()
}

fn short_id(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn sync_filesystem(path: &std::path::Path) {
    if let Ok(f) = fs::File::open(path) {
        // syncfs flushes the whole filesystem once, far cheaper than an
        // fsync per extracted file.
        let _ = nix::unistd::syncfs(&f);
    }
}

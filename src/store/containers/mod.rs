//! The container store: one small index entry per container in
//! `containers/containers.json` (what `ps` reads, so it never holds the OCI
//! spec), and per container a directory `containers/<id>/` with
//! `config.json` (the full record, written once at create), the overlay
//! `upper/` and `work/`, and the files the runtime writes there (`hosts`,
//! `hostname`, `resolv.conf`, `ctr.log`, `exit-code`).
//!
//! Creation is two-phase: the directory and `config.json` are written
//! outside the lock, then the index entry is added under the exclusive lock
//! (the commit point). While it works, the creator holds an exclusive flock
//! on `<id>/creating.lock`; a directory with no index entry whose lock can be
//! taken is a crash leftover that `system check` removes.
//!
//! Lock order: containers → images (the image must still exist at commit)
//! and containers → volumes (so must the volumes it mounts).

mod check;
mod liveness;
pub mod mounts;
mod users;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::atomic::write_atomic_unsynced;
use super::digest::Digest;
use super::error::{IoContext, Result, StoreError};
use super::lock::{try_exclusive, WriteGuard};
use super::records::{self, ImagesFile};
use super::staging::remove_tree;
use super::Store;
use crate::events::Event;

pub use liveness::{process_is, process_start_time};
use mounts::mount_under;
pub use users::ContainerUsers;

/// docker's container states, serialized as docker's strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerStatus {
    Created,
    Running,
    Paused,
    Restarting,
    Exited,
    Dead,
    Removing,
}

impl ContainerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerStatus::Created => "created",
            ContainerStatus::Running => "running",
            ContainerStatus::Paused => "paused",
            ContainerStatus::Restarting => "restarting",
            ContainerStatus::Exited => "exited",
            ContainerStatus::Dead => "dead",
            ContainerStatus::Removing => "removing",
        }
    }

    /// Running, paused or restarting: a supervising process should exist.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            ContainerStatus::Running | ContainerStatus::Paused | ContainerStatus::Restarting
        )
    }
}

impl std::fmt::Display for ContainerStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What `inspect`'s `State` shows and `ps` derives its STATUS from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContainerState {
    pub status: ContainerStatus,
    /// The container's init process, as seen from the host.
    #[serde(default)]
    pub pid: i32,
    /// The process supervising the container: the foreground `berth` or the
    /// detached monitor. Its death while the container is active makes the
    /// entry stale (see `is_stale`).
    #[serde(default)]
    pub monitor_pid: i32,
    /// `/proc/<monitor_pid>/stat` starttime (clock ticks since boot), so a
    /// reused pid is not mistaken for the monitor. 0 when unknown.
    #[serde(default)]
    pub monitor_start: u64,
    #[serde(default)]
    pub exit_code: i32,
    #[serde(default)]
    pub oom_killed: bool,
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub restart_count: u32,
    /// docker's `State.Health` object, owned by the health checker.
    #[serde(default)]
    pub health: Option<serde_json::Value>,
    #[serde(default)]
    pub paused: bool,
}

impl ContainerState {
    pub fn created() -> ContainerState {
        ContainerState {
            status: ContainerStatus::Created,
            pid: 0,
            monitor_pid: 0,
            monitor_start: 0,
            exit_code: 0,
            oom_killed: false,
            error: String::new(),
            started_at: None,
            finished_at: None,
            restart_count: 0,
            health: None,
            paused: false,
        }
    }
}

/// One line of the index: everything `ps` shows, nothing more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContainerEntry {
    /// 64 lowercase hex characters.
    pub id: String,
    /// Without docker's leading slash.
    pub name: String,
    /// None for `--rootfs` containers.
    #[serde(default)]
    pub image_id: Option<Digest>,
    /// The image as the user typed it (docker's `ps` IMAGE column).
    #[serde(default)]
    pub image_name: String,
    /// docker's `ps` COMMAND (see `ps_command`).
    #[serde(default)]
    pub command: String,
    pub created: DateTime<Utc>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Display strings (`0.0.0.0:8080->80/tcp`), filled when published.
    #[serde(default)]
    pub ports: Vec<String>,
    /// docker's `ps` NETWORKS: the networks joined (or the network mode).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<String>,
    /// Names of the volumes the container mounts; `volume rm` refuses these.
    #[serde(default)]
    pub mounts: Vec<String>,
    /// `--rootfs DIR`: the directory used as the root filesystem.
    #[serde(default)]
    pub rootfs: Option<PathBuf>,
    pub state: ContainerState,
}

/// What `create_container` needs from `create`/`run`.
#[derive(Debug, Clone)]
pub struct NewContainer {
    /// Given by `--name` (a leading `/` is accepted); generated when None.
    pub name: Option<String>,
    pub image_id: Option<Digest>,
    pub image_name: String,
    pub command: String,
    pub labels: BTreeMap<String, String>,
    pub mounts: Vec<String>,
    pub rootfs: Option<PathBuf>,
    /// `ps` PORTS and NETWORKS display strings.
    pub ports: Vec<String>,
    pub networks: Vec<String>,
    /// The OCI runtime spec that `start` replays.
    pub spec: serde_json::Value,
    /// The CLI's own record of the options (opaque to the store).
    pub config: serde_json::Value,
}

/// A container id and directory being created (see `Store::reserve_container`).
pub struct ContainerReservation {
    pub id: String,
    pub dir: PathBuf,
    creating: Option<fs::File>,
}

impl Drop for ContainerReservation {
    fn drop(&mut self) {
        if self.creating.is_some() {
            remove_tree(&self.dir);
        }
    }
}

/// `containers/<id>/config.json`: written once, at create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContainerFile {
    pub spec: serde_json::Value,
    pub config: serde_json::Value,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ContainersFile {
    #[serde(default)]
    containers: Vec<ContainerEntry>,
}

/// Name of the flock file a creator holds inside the directory until commit.
const CREATING_LOCK: &str = "creating.lock";
/// docker tries a few generated names before falling back to the short id.
const NAME_RETRIES: u32 = 6;

/// docker's `ps` COMMAND text: the arguments joined by spaces, those with a
/// space in them single-quoted (`sh -c 'echo hi'`).
pub fn ps_command(argv: &[String]) -> String {
    let quoted: Vec<String> = argv
        .iter()
        .map(|a| {
            if a.contains(' ') {
                format!("'{a}'")
            } else {
                a.clone()
            }
        })
        .collect();
    quoted.join(" ")
}

/// docker's rule for container (and volume) names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
pub(crate) fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_alphanumeric()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

fn check_name(name: &str) -> Result<&str> {
    let bare = name.strip_prefix('/').unwrap_or(name);
    if valid_name(bare) {
        Ok(bare)
    } else {
        Err(StoreError::Invalid(format!(
            "Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
        )))
    }
}

/// Finds the entry `q` names: full id, then exact name, then unique id prefix (docker's order).
fn resolve(entries: &[ContainerEntry], q: &str) -> Result<usize> {
    if q.is_empty() {
        return Err(StoreError::ContainerNotFound(q.to_string()));
    }
    if let Some(i) = entries.iter().position(|e| e.id == q) {
        return Ok(i);
    }
    let name = q.strip_prefix('/').unwrap_or(q);
    if let Some(i) = entries.iter().position(|e| e.name == name) {
        return Ok(i);
    }
    let mut hits = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.id.starts_with(q));
    match (hits.next(), hits.next()) {
        (Some((i, _)), None) => Ok(i),
        (Some(_), Some(_)) => Err(StoreError::AmbiguousContainer(q.to_string())),
        _ => Err(StoreError::ContainerNotFound(q.to_string())),
    }
}

fn name_owner<'a>(entries: &'a [ContainerEntry], name: &str) -> Option<&'a ContainerEntry> {
    entries.iter().find(|e| e.name == name)
}

impl Store {
    fn containers_root(&self) -> PathBuf {
        self.root().join("containers")
    }

    fn containers_file(&self) -> PathBuf {
        self.containers_root().join("containers.json")
    }

    /// `containers/<id>/`: where the runtime keeps the container's files.
    pub fn container_dir(&self, id: &str) -> PathBuf {
        self.containers_root().join(id)
    }

    /// Reserves a fresh id and its directory (held by a creating lock) so
    /// the runtime can write the container's files before the record exists.
    /// Dropping the reservation without `create_container_in` removes it.
    pub fn reserve_container(&self) -> Result<ContainerReservation> {
        let (id, dir, creating) = self.make_container_dir()?;
        Ok(ContainerReservation {
            id,
            dir,
            creating: Some(creating),
        })
    }

    /// Creates a container: its directory first, then its index entry.
    pub fn create_container(&self, new: NewContainer) -> Result<ContainerEntry> {
        let reservation = self.reserve_container()?;
        self.create_container_in(reservation, new)
    }

    /// Completes a reservation: writes config.json and commits the index entry.
    pub fn create_container_in(
        &self,
        mut reservation: ContainerReservation,
        new: NewContainer,
    ) -> Result<ContainerEntry> {
        let name = new.name.as_deref().map(check_name).transpose()?;
        let id = reservation.id.clone();
        let dir = reservation.dir.clone();
        let result = (|| {
            for sub in ["upper", "work"] {
                let p = dir.join(sub);
                if !p.is_dir() {
                    fs::create_dir(&p).ctx("create", &p)?;
                }
            }
            let file = ContainerFile {
                spec: new.spec.clone(),
                config: new.config.clone(),
            };
            let bytes =
                serde_json::to_vec(&file).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let path = dir.join("config.json");
            // Unsynced like the index (see `records::save_unsynced`).
            write_atomic_unsynced(&path, &bytes).ctx("write", &path)?;
            self.commit_container(&id, name, &new)
        })();
        match result {
            Ok(entry) => {
                // Committed: the index now vouches for the directory.
                let _ = fs::remove_file(dir.join(CREATING_LOCK));
                reservation.creating = None;
                crate::events::record(self.root(), Event::container("create", &entry));
                Ok(entry)
            }
            Err(e) => Err(e),
        }
    }

    /// Makes `containers/<id>/` for a fresh random id and takes its creating lock.
    fn make_container_dir(&self) -> Result<(String, PathBuf, fs::File)> {
        for _ in 0..8 {
            let id = hex::encode(rand::random::<[u8; 32]>());
            let dir = self.container_dir(&id);
            match fs::create_dir(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e).ctx("create", &dir),
            }
            let lock_path = dir.join(CREATING_LOCK);
            match try_exclusive(&lock_path) {
                Ok(Some(f)) => return Ok((id, dir, f)),
                // `system check` took it between our mkdir and our lock: it is
                // removing the directory as an orphan; start over.
                Ok(None) => continue,
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(e).ctx("lock", &lock_path),
            }
        }
        Err(StoreError::Invalid(format!(
            "could not make a new container directory under {}; check that it is writable",
            self.containers_root().display()
        )))
    }

    fn commit_container(
        &self,
        id: &str,
        name: Option<&str>,
        new: &NewContainer,
    ) -> Result<ContainerEntry> {
        let guard = self.lock_containers_write()?;
        let mut file: ContainersFile = records::load(&self.containers_file(), &guard)?;
        if !self.container_dir(id).join("config.json").is_file() {
            return Err(StoreError::ContentMissing(format!(
                "the new container directory {}",
                self.container_dir(id).display()
            )));
        }
        let name = match name {
            Some(n) => {
                if let Some(owner) = name_owner(&file.containers, n) {
                    return Err(StoreError::NameInUse {
                        name: n.to_string(),
                        id: owner.id.clone(),
                    });
                }
                n.to_string()
            }
            None => generate_name(&file.containers, id),
        };
        if let Some(image) = &new.image_id {
            self.require_image(image, &new.image_name)?;
        }
        if !new.mounts.is_empty() {
            self.require_volumes(&new.mounts)?;
        }
        let entry = ContainerEntry {
            id: id.to_string(),
            name,
            image_id: new.image_id.clone(),
            image_name: new.image_name.clone(),
            command: new.command.clone(),
            created: Utc::now(),
            labels: new.labels.clone(),
            ports: new.ports.clone(),
            networks: new.networks.clone(),
            mounts: new.mounts.clone(),
            rootfs: new.rootfs.clone(),
            state: ContainerState::created(),
        };
        file.containers.push(entry.clone());
        self.save_containers(&file, &guard)?;
        Ok(entry)
    }

    /// Called with the containers lock held (containers → images).
    fn require_image(&self, image: &Digest, typed: &str) -> Result<()> {
        let guard = self
            .images_lock
            .read()
            .ctx("lock", self.images_lock.path())?;
        let images: ImagesFile = records::load(&self.images_file(), &guard)?;
        if images.position(image).is_none() {
            let what = if typed.is_empty() {
                image.to_string()
            } else {
                typed.to_string()
            };
            return Err(StoreError::ImageNotFound(what));
        }
        Ok(())
    }

    fn lock_containers_write(&self) -> Result<WriteGuard> {
        self.containers_lock
            .write()
            .ctx("lock", self.containers_lock.path())
    }

    fn load_containers_shared(&self) -> Result<ContainersFile> {
        let guard = self
            .containers_lock
            .read()
            .ctx("lock", self.containers_lock.path())?;
        records::load(&self.containers_file(), &guard)
    }

    fn save_containers(&self, file: &ContainersFile, guard: &WriteGuard) -> Result<()> {
        // Container state changes at every start and exit; an fsync each time
        // would cost more than the start itself. Renames keep it atomic.
        records::save_unsynced(&self.containers_file(), file, guard)
    }

    /// Every container, in creation order, as stored (see `reconcile_stale`).
    pub fn list_containers(&self) -> Result<Vec<ContainerEntry>> {
        Ok(self.load_containers_shared()?.containers)
    }

    /// The container a full id, a name (with or without `/`) or a unique id prefix names.
    pub fn find_container(&self, name_or_id: &str) -> Result<ContainerEntry> {
        let file = self.load_containers_shared()?;
        let i = resolve(&file.containers, name_or_id)?;
        Ok(file.containers[i].clone())
    }

    /// The spec and CLI config written at create.
    pub fn container_file(&self, id: &str) -> Result<ContainerFile> {
        let path = self.container_dir(id).join("config.json");
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(StoreError::ContainerNotFound(id.to_string()))
            }
            Err(e) => return Err(e).ctx("read", &path),
        };
        serde_json::from_slice(&bytes).map_err(|e| StoreError::CorruptRecord {
            path,
            detail: e.to_string(),
        })
    }

    /// Rewrites `config.json` (spec and config) under the containers write
    /// lock, atomically, for `update`: two updates never lose each other's
    /// change, and a reader sees the old file or the new one, never half.
    /// An error from `f` leaves the file untouched.
    pub fn update_container_file(
        &self,
        name_or_id: &str,
        f: impl FnOnce(&mut ContainerFile) -> Result<()>,
    ) -> Result<ContainerFile> {
        let guard = self.lock_containers_write()?;
        let file: ContainersFile = records::load(&self.containers_file(), &guard)?;
        let i = resolve(&file.containers, name_or_id)?;
        let id = file.containers[i].id.clone();
        let mut record = self.container_file(&id)?;
        f(&mut record)?;
        let bytes = serde_json::to_vec(&record).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let path = self.container_dir(&id).join("config.json");
        write_atomic_unsynced(&path, &bytes).ctx("write", &path)?;
        drop(guard);
        Ok(record)
    }

    /// Changes an entry under the exclusive lock and saves the index
    /// atomically. `f` may change anything but the id and the name (use
    /// `rename_container`); an error from `f` leaves the index untouched.
    pub fn update_container(
        &self,
        name_or_id: &str,
        f: impl FnOnce(&mut ContainerEntry) -> Result<()>,
    ) -> Result<ContainerEntry> {
        let guard = self.lock_containers_write()?;
        let mut file: ContainersFile = records::load(&self.containers_file(), &guard)?;
        let i = resolve(&file.containers, name_or_id)?;
        let entry = &mut file.containers[i];
        let (id, name) = (entry.id.clone(), entry.name.clone());
        f(entry)?;
        if entry.id != id || entry.name != name {
            return Err(StoreError::Invalid(format!(
                "update of container {id} tried to change its id or name; use rename_container"
            )));
        }
        let updated = entry.clone();
        self.save_containers(&file, &guard)?;
        Ok(updated)
    }

    /// `docker rename`: the new name must be valid, free, and different.
    pub fn rename_container(&self, name_or_id: &str, new_name: &str) -> Result<()> {
        let new_name = check_name(new_name)?;
        let guard = self.lock_containers_write()?;
        let mut file: ContainersFile = records::load(&self.containers_file(), &guard)?;
        let i = resolve(&file.containers, name_or_id)?;
        if file.containers[i].name == new_name {
            return Err(StoreError::Invalid(
                "Renaming a container with the same name as its current name".to_string(),
            ));
        }
        if let Some(owner) = name_owner(&file.containers, new_name) {
            return Err(StoreError::NameInUse {
                name: new_name.to_string(),
                id: owner.id.clone(),
            });
        }
        let old_name = std::mem::replace(&mut file.containers[i].name, new_name.to_string());
        self.save_containers(&file, &guard)?;
        let renamed = Event::container("rename", &file.containers[i]).attr("oldName", old_name);
        crate::events::record(self.root(), renamed);
        Ok(())
    }

    /// Removes the index entry (under the lock), then the directory (after
    /// it, via the staging trash). Refuses only while something is still
    /// mounted inside the directory (deleting would reach into the mount);
    /// whether a running container may go is the caller's decision.
    pub fn remove_container(&self, name_or_id: &str) -> Result<()> {
        let guard = self.lock_containers_write()?;
        let mut file: ContainersFile = records::load(&self.containers_file(), &guard)?;
        let i = resolve(&file.containers, name_or_id)?;
        let id = file.containers[i].id.clone();
        let dir = self.container_dir(&id);
        if let Some(mount) = mount_under(&dir) {
            return Err(StoreError::Conflict(format!(
                "container {id} still has a filesystem mounted at {}; stop the container (or unmount it) first",
                mount.display()
            )));
        }
        let removed = file.containers.remove(i);
        self.save_containers(&file, &guard)?;
        drop(guard);
        crate::events::record(self.root(), Event::container("destroy", &removed));
        self.discard_dir(&dir);
        Ok(())
    }

    /// Moves a directory out of sight into the staging trash, then deletes
    /// it; a crash midway leaves trash that the next staging sweep removes.
    pub(in crate::store) fn discard_dir(&self, dir: &Path) {
        let trash = self
            .staging_root()
            .join(format!("trash-{}", hex::encode(rand::random::<[u8; 6]>())));
        if fs::rename(dir, &trash).is_ok() {
            remove_tree(&trash);
        } else {
            remove_tree(dir);
        }
    }

    /// Overlay lowerdirs for the container, top layer first. A `--rootfs`
    /// container has its directory as the only entry (the runtime decides
    /// whether to overlay it); a container with neither has none.
    pub fn rootfs_layers(&self, entry: &ContainerEntry) -> Result<Vec<PathBuf>> {
        if let Some(dir) = &entry.rootfs {
            return Ok(vec![dir.clone()]);
        }
        let Some(image) = &entry.image_id else {
            return Ok(Vec::new());
        };
        let guard = self
            .images_lock
            .read()
            .ctx("lock", self.images_lock.path())?;
        let images: ImagesFile = records::load(&self.images_file(), &guard)?;
        let i = images
            .position(image)
            .ok_or_else(|| StoreError::ImageNotFound(image.to_string()))?;
        Ok(images.images[i]
            .layers
            .iter()
            .rev()
            .map(|l| self.layer_diff_path(&l.diff_id))
            .collect())
    }
}

/// A free generated name; after a few collisions, the short id, as docker.
fn generate_name(entries: &[ContainerEntry], id: &str) -> String {
    for retry in 0..NAME_RETRIES {
        let name = super::names::random_name(retry);
        if name_owner(entries, &name).is_none() {
            return name;
        }
    }
    id[..12].to_string()
}

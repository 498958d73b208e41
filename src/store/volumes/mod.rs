//! Local volumes: records in `volumes/volumes.json` (under
//! `volumes/volumes.lock`), data in `volumes/<name>/_data`.
//!
//! Lock order: containers → volumes. Removal and prune hold the containers
//! shared lock while they change volumes, so a container cannot start
//! mounting a volume that is being removed (`create_container` checks its
//! volumes under the containers write lock).

mod copy;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::check::CheckReport;
use super::containers::valid_name;
use super::error::{IoContext, Result, StoreError};
use super::lock::WriteGuard;
use super::records;
use super::staging::remove_tree;
use super::Store;
use crate::events::Event;

/// The label docker (≥ 23) puts on anonymous volumes; `volume prune` without
/// `--all` removes only volumes carrying it.
pub const ANONYMOUS_LABEL: &str = "com.docker.volume.anonymous";

/// One volume, in the fields `docker volume inspect` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolumeRecord {
    pub name: String,
    /// Always `local`.
    pub driver: String,
    /// `volumes/<name>/_data`; recomputed from the store root when read.
    pub mountpoint: PathBuf,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// `--opt` values, kept for `inspect` (the local driver's `type`/`device`/`o`).
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// Always `local`.
    pub scope: String,
    /// Created for a container's `-v /path` without a name.
    #[serde(default)]
    pub anonymous: bool,
}

/// A volume `prune_volumes` removed and the bytes it freed.
#[derive(Debug, Clone, PartialEq)]
pub struct PrunedVolume {
    pub name: String,
    pub size: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct VolumesFile {
    #[serde(default)]
    volumes: Vec<VolumeRecord>,
}

impl VolumesFile {
    fn position(&self, name: &str) -> Option<usize> {
        self.volumes.iter().position(|v| v.name == name)
    }
}

/// The index's own files live beside the volume directories.
const RESERVED: &[&str] = &["volumes.json", "volumes.lock"];

fn check_volume_name(name: &str) -> Result<()> {
    if valid_name(name) && !RESERVED.contains(&name) {
        return Ok(());
    }
    Err(StoreError::Invalid(format!(
        "create {name}: \"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"
    )))
}

impl Store {
    fn volumes_root(&self) -> PathBuf {
        self.root().join("volumes")
    }

    fn volumes_file(&self) -> PathBuf {
        self.volumes_root().join("volumes.json")
    }

    fn volume_dir(&self, name: &str) -> PathBuf {
        self.volumes_root().join(name)
    }

    fn volume_data(&self, name: &str) -> PathBuf {
        self.volume_dir(name).join("_data")
    }

    fn lock_volumes_write(&self) -> Result<WriteGuard> {
        self.volumes_lock
            .write()
            .ctx("lock", self.volumes_lock.path())
    }

    fn load_volumes_shared(&self) -> Result<VolumesFile> {
        let guard = self
            .volumes_lock
            .read()
            .ctx("lock", self.volumes_lock.path())?;
        records::load(&self.volumes_file(), &guard)
    }

    fn with_mountpoint(&self, mut v: VolumeRecord) -> VolumeRecord {
        v.mountpoint = self.volume_data(&v.name);
        v
    }

    /// `docker volume create`: idempotent, as docker's: an existing name is
    /// returned as it is (`false`: not created now). Without a name, one of
    /// 64 hex characters is generated.
    pub fn create_volume(
        &self,
        name: Option<&str>,
        labels: BTreeMap<String, String>,
        options: BTreeMap<String, String>,
    ) -> Result<(VolumeRecord, bool)> {
        self.create_volume_as(name, labels, options, false)
    }

    /// An anonymous volume for a container's `-v /path`: generated name and
    /// docker's anonymous label, so `volume prune` collects it.
    pub fn create_anonymous_volume(
        &self,
        mut labels: BTreeMap<String, String>,
        options: BTreeMap<String, String>,
    ) -> Result<VolumeRecord> {
        labels.insert(ANONYMOUS_LABEL.to_string(), String::new());
        Ok(self.create_volume_as(None, labels, options, true)?.0)
    }

    fn create_volume_as(
        &self,
        name: Option<&str>,
        labels: BTreeMap<String, String>,
        options: BTreeMap<String, String>,
        anonymous: bool,
    ) -> Result<(VolumeRecord, bool)> {
        if let Some(n) = name {
            check_volume_name(n)?;
        }
        let guard = self.lock_volumes_write()?;
        let mut file: VolumesFile = records::load(&self.volumes_file(), &guard)?;
        let name = match name {
            Some(n) => {
                if let Some(i) = file.position(n) {
                    return Ok((self.with_mountpoint(file.volumes[i].clone()), false));
                }
                n.to_string()
            }
            None => loop {
                let n = hex::encode(rand::random::<[u8; 32]>());
                if file.position(&n).is_none() {
                    break n;
                }
            },
        };
        let dir = self.volume_dir(&name);
        let data = self.volume_data(&name);
        // A directory without a record (crash before the save) is reused.
        fs::create_dir_all(&data).ctx("create", &data)?;
        // Others may not list the volume directory, but may enter `_data`
        // (a container's non-root user reads its volume), as docker sets them.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o701)).ctx("chmod", &dir)?;
        let rec = VolumeRecord {
            name,
            driver: "local".to_string(),
            mountpoint: data,
            created_at: Utc::now(),
            labels,
            options,
            scope: "local".to_string(),
            anonymous,
        };
        file.volumes.push(rec.clone());
        records::save(&self.volumes_file(), &file, &guard)?;
        crate::events::record(self.root(), Event::volume("create", &rec.name));
        Ok((rec, true))
    }

    /// Every volume, in creation order.
    pub fn list_volumes(&self) -> Result<Vec<VolumeRecord>> {
        let file = self.load_volumes_shared()?;
        Ok(file
            .volumes
            .into_iter()
            .map(|v| self.with_mountpoint(v))
            .collect())
    }

    pub fn find_volume(&self, name: &str) -> Result<VolumeRecord> {
        let file = self.load_volumes_shared()?;
        let i = file
            .position(name)
            .ok_or_else(|| StoreError::VolumeNotFound(name.to_string()))?;
        Ok(self.with_mountpoint(file.volumes[i].clone()))
    }

    /// `docker volume rm`: refuses a volume any container (running or not)
    /// mounts, even with `force`, as docker does; `force` only makes a
    /// missing volume no error. Returns whether a volume was removed.
    pub fn remove_volume(&self, name: &str, force: bool) -> Result<bool> {
        let (containers_guard, users) = self.volume_users()?;
        let guard = self.lock_volumes_write()?;
        let mut file: VolumesFile = records::load(&self.volumes_file(), &guard)?;
        let Some(i) = file.position(name) else {
            return if force {
                Ok(false)
            } else {
                Err(StoreError::VolumeNotFound(name.to_string()))
            };
        };
        if let Some(ids) = users.get(name) {
            return Err(StoreError::VolumeInUse {
                name: name.to_string(),
                containers: ids.clone(),
            });
        }
        file.volumes.remove(i);
        records::save(&self.volumes_file(), &file, &guard)?;
        crate::events::record(self.root(), Event::volume("destroy", name));
        let trash = self.move_to_trash(&self.volume_dir(name));
        drop(guard);
        drop(containers_guard);
        if let Some(t) = trash {
            remove_tree(&t);
        }
        Ok(true)
    }

    /// `docker volume prune`: removes unused anonymous volumes, or with
    /// `all` every unused volume (docker ≥ 23).
    pub fn prune_volumes(&self, all: bool) -> Result<Vec<PrunedVolume>> {
        let (containers_guard, users) = self.volume_users()?;
        let guard = self.lock_volumes_write()?;
        let mut file: VolumesFile = records::load(&self.volumes_file(), &guard)?;
        let mut doomed = Vec::new();
        file.volumes.retain(|v| {
            let keep = users.contains_key(&v.name) || !(all || v.anonymous);
            if !keep {
                doomed.push(v.name.clone());
            }
            keep
        });
        if doomed.is_empty() {
            return Ok(Vec::new());
        }
        records::save(&self.volumes_file(), &file, &guard)?;
        let trashed: Vec<(String, Option<PathBuf>)> = doomed
            .into_iter()
            .map(|n| {
                crate::events::record(self.root(), Event::volume("destroy", &n));
                let t = self.move_to_trash(&self.volume_dir(&n));
                (n, t)
            })
            .collect();
        drop(guard);
        drop(containers_guard);
        // Measured and deleted after the locks: both can take long.
        Ok(trashed
            .into_iter()
            .map(|(name, trash)| {
                let size = trash
                    .as_deref()
                    .map(|t| tree_size(&t.join("_data")))
                    .unwrap_or(0);
                if let Some(t) = trash {
                    remove_tree(&t);
                }
                PrunedVolume { name, size }
            })
            .collect())
    }

    /// Renames into the staging trash (fast, under the lock) for deletion
    /// after it. If it cannot be moved, it is deleted now, still under the
    /// lock, so a volume created next under the same name is never hit.
    fn move_to_trash(&self, dir: &Path) -> Option<PathBuf> {
        if !dir.exists() {
            return None;
        }
        let trash = self
            .staging_root()
            .join(format!("trash-{}", hex::encode(rand::random::<[u8; 6]>())));
        if fs::rename(dir, &trash).is_ok() {
            Some(trash)
        } else {
            remove_tree(dir);
            None
        }
    }

    /// Bytes the volume's files take (`system df`): regular file and
    /// symlink sizes, each hard-linked file counted once.
    pub fn volume_usage_bytes(&self, name: &str) -> Result<u64> {
        self.find_volume(name)?;
        Ok(tree_size(&self.volume_data(name)))
    }

    /// Called with the containers lock held (containers → volumes): every
    /// volume a new container mounts must still exist at its commit.
    pub(in crate::store) fn require_volumes(&self, names: &[String]) -> Result<()> {
        let file = self.load_volumes_shared()?;
        match names.iter().find(|n| file.position(n).is_none()) {
            Some(missing) => Err(StoreError::VolumeNotFound(missing.clone())),
            None => Ok(()),
        }
    }

    /// docker's copy-up: when a volume is first mounted over a directory of
    /// the image, the volume takes that directory's content, ownership and
    /// mode. Copies `source` into the volume only if the volume is empty;
    /// returns whether it did. The copy is built beside `_data` and renamed
    /// over it, so a crash never leaves a half-filled volume. Symlinks are
    /// kept, hard links become copies, extended attributes are not copied.
    pub fn populate_from_image(&self, name: &str, source: &Path) -> Result<bool> {
        self.find_volume(name)?;
        let dir = self.volume_dir(name);
        let data = self.volume_data(name);
        let lock_path = dir.join("copy.lock");
        // Serializes copy-ups of one volume; waits are short and rare.
        let lock = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .ctx("open", &lock_path)?;
        lock.lock().ctx("lock", &lock_path)?;
        // Holding the lock, any earlier copy dir is a dead process's leftover.
        if let Ok(entries) = fs::read_dir(&dir) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(".copy-") {
                    remove_tree(&e.path());
                }
            }
        }
        let empty = fs::read_dir(&data).ctx("read", &data)?.next().is_none();
        if !empty {
            return Ok(false);
        }
        let tmp = dir.join(format!(".copy-{}", hex::encode(rand::random::<[u8; 6]>())));
        if let Err(e) = copy::copy_tree(source, &tmp, self.paths.rootless) {
            remove_tree(&tmp);
            return Err(e).ctx("copy into volume from", source);
        }
        match fs::rename(&tmp, &data) {
            Ok(()) => Ok(true),
            // Filled meanwhile (ENOTEMPTY/EEXIST) or mounted (EBUSY): not ours to fill.
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::ENOTEMPTY) | Some(libc::EEXIST) | Some(libc::EBUSY)
                ) =>
            {
                remove_tree(&tmp);
                Ok(false)
            }
            Err(e) => {
                remove_tree(&tmp);
                Err(e).ctx("rename", &data)
            }
        }
    }

    /// The volume part of `system check`: temp files are removed with
    /// `repair`; a directory without a record is reported but kept (it is
    /// user data); a record without its directory is dropped with `repair`.
    pub(in crate::store) fn check_volumes(
        &self,
        repair: bool,
        report: &mut CheckReport,
    ) -> Result<()> {
        let guard = self.lock_volumes_write()?;
        let mut file: VolumesFile = records::load(&self.volumes_file(), &guard)?;
        let root = self.volumes_root();
        let known: HashSet<String> = file.volumes.iter().map(|v| v.name.clone()).collect();
        for e in fs::read_dir(&root).ctx("read", &root)?.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            if name.starts_with('.') && name.contains(".tmp-") {
                report.clean_temp_file(&path);
            } else if path.is_dir() && !known.contains(&name) {
                report.problems.push(format!(
                    "volume directory {} has no record; its data was kept: move it away or remove it by hand",
                    path.display()
                ));
            }
        }
        let before = file.volumes.len();
        file.volumes.retain(|v| {
            let ok = self.volume_data(&v.name).is_dir();
            if !ok {
                let msg = format!("volume {} is recorded but its directory is missing", v.name);
                if repair {
                    report.repaired.push(format!("dropped record: {msg}"));
                } else {
                    report.problems.push(msg);
                }
            }
            ok || !repair
        });
        if file.volumes.len() != before {
            records::save(&self.volumes_file(), &file, &guard)?;
        }
        Ok(())
    }
}

/// Sum of the sizes of everything but directories under `root`, counting
/// each inode once; unreadable parts count as nothing.
fn tree_size(root: &Path) -> u64 {
    let mut seen = HashSet::new();
    let mut total = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(meta) = fs::symlink_metadata(e.path()) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(e.path());
            } else if meta.nlink() <= 1 || seen.insert((meta.dev(), meta.ino())) {
                total += meta.len();
            }
        }
    }
    total
}

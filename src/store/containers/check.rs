//! The container part of `berth system check`: directories without an
//! index entry (a create or remove that crashed midway) are removed; entries
//! without a directory are reported (and dropped with `repair`).

use std::collections::HashSet;
use std::fs;
use std::io::ErrorKind;

use super::mounts::mount_under;
use super::{ContainersFile, CREATING_LOCK};
use crate::store::check::CheckReport;
use crate::store::error::{IoContext, Result};
use crate::store::lock::{try_exclusive, WriteGuard};
use crate::store::records;
use crate::store::staging::remove_tree;
use crate::store::Store;

impl Store {
    /// Takes the containers write lock; the caller takes any images lock after it.
    pub(in crate::store) fn lock_containers_for_check(&self) -> Result<WriteGuard> {
        self.lock_containers_write()
    }

    pub(in crate::store) fn check_containers(
        &self,
        repair: bool,
        report: &mut CheckReport,
        guard: &WriteGuard,
    ) -> Result<()> {
        let mut file: ContainersFile = records::load(&self.containers_file(), guard)?;
        let root = self.containers_root();
        let known: HashSet<String> = file.containers.iter().map(|e| e.id.clone()).collect();
        let entries = fs::read_dir(&root).ctx("read", &root)?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            if name.starts_with('.') && name.contains(".tmp-") {
                // Writers hold the lock we hold, so no write is in flight.
                report.clean_temp_file(&path);
                continue;
            }
            if !path.is_dir() || known.contains(&name) {
                continue;
            }
            // Held by a creator that has not committed yet: not an orphan.
            let _creating = match try_exclusive(&path.join(CREATING_LOCK)) {
                Ok(Some(lock)) => lock,
                Ok(None) => continue,
                Err(err) if err.kind() == ErrorKind::NotFound => continue,
                Err(err) => return Err(err).ctx("lock", path.join(CREATING_LOCK)),
            };
            if let Some(mount) = mount_under(&path) {
                report.problems.push(format!(
                    "container directory {} has no index entry but {} is still mounted; unmount it and run the check again",
                    path.display(),
                    mount.display()
                ));
                continue;
            }
            remove_tree(&path);
            report.cleaned.push(format!(
                "removed container directory {} left by an interrupted create or rm",
                path.display()
            ));
        }

        let before = file.containers.len();
        file.containers.retain(|c| {
            let ok = self.container_dir(&c.id).join("config.json").is_file();
            if !ok {
                let msg = format!(
                    "container {} ({}) is recorded but its directory or config.json is missing",
                    &c.id[..c.id.len().min(12)],
                    c.name
                );
                if repair {
                    report.repaired.push(format!("dropped record: {msg}"));
                } else {
                    report.problems.push(msg);
                }
            }
            ok || !repair
        });
        if file.containers.len() != before {
            self.save_containers(&file, guard)?;
        }
        Ok(())
    }
}

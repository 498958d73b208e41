//! Store locks: one `flock(2)` lock file per store, shared to read and
//! exclusive to write. Guards are types, so a function that mutates a store
//! takes a `&WriteGuard` and cannot be called without the lock held.
//!
//! Lock order (always taken in this order, released in reverse):
//! containers → images → layers; containers → volumes; containers →
//! networks (`net::store`: the networks lock may be taken while the
//! containers lock is held, never the other way round). Blob and staging
//! directories need no lock of their own: blobs are content-addressed and
//! only the image writer (which holds the images lock) deletes them.
//! The event log's own flock (`crate::events::log`) comes after all of
//! these: it may be taken under any of them, and nothing is taken under it.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How long a waiter stays quiet before saying who it waits for.
const QUIET_WAIT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone)]
pub struct StoreLock {
    path: PathBuf,
    name: &'static str,
}

/// Proof that the store's lock is held shared (readers) or exclusive (writers).
pub trait Held {}

#[derive(Debug)]
pub struct ReadGuard {
    _file: File,
}

#[derive(Debug)]
pub struct WriteGuard {
    _file: File,
}

impl Held for ReadGuard {}
impl Held for WriteGuard {}

impl StoreLock {
    pub fn new(path: PathBuf, name: &'static str) -> StoreLock {
        StoreLock { path, name }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn open(&self) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.path)
    }

    pub fn read(&self) -> io::Result<ReadGuard> {
        let file = self.open()?;
        self.acquire(&file, false)?;
        Ok(ReadGuard { _file: file })
    }

    pub fn write(&self) -> io::Result<WriteGuard> {
        let file = self.open()?;
        self.acquire(&file, true)?;
        Ok(WriteGuard { _file: file })
    }

    fn acquire(&self, file: &File, exclusive: bool) -> io::Result<()> {
        let first = if exclusive {
            file.try_lock()
        } else {
            file.try_lock_shared()
        };
        match first {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
            Err(std::fs::TryLockError::WouldBlock) => {}
        }
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let name = self.name;
        let path = self.path.clone();
        let announcer = std::thread::spawn(move || {
            if done_rx.recv_timeout(QUIET_WAIT) == Err(mpsc::RecvTimeoutError::Timeout) {
                let holder = holder_pid(&path)
                    .map(|pid| format!("process {pid}"))
                    .unwrap_or_else(|| "another berth process".to_string());
                eprintln!(
                    "Waiting for the {name} lock ({}), held by {holder}; it is released when that command ends",
                    path.display()
                );
            }
        });
        let result = if exclusive {
            file.lock()
        } else {
            file.lock_shared()
        };
        let _ = done_tx.send(());
        let _ = announcer.join();
        result
    }
}

/// Who holds the lock, from /proc/locks (so holders need not write their
/// pid anywhere, which would cost a metadata write per lock).
fn holder_pid(path: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    let want_ino = meta.ino();
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    for line in locks.lines() {
        // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 6 || f[1] != "FLOCK" {
            continue;
        }
        let ino = f[5].rsplit(':').next().and_then(|i| i.parse::<u64>().ok());
        if ino == Some(want_ino) {
            return f[4].parse().ok();
        }
    }
    None
}

/// Tries to take an exclusive lock without waiting: `Ok(None)` when another
/// process holds it, or when the file was unlinked before we got it. Used to
/// tell a live staging directory from a dead one.
pub fn try_exclusive(path: &Path) -> io::Result<Option<File>> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    // Whoever removes a dead lock file does so while holding it, so a lock
    // taken on a file that is no longer at `path` guards nothing: between our
    // open and our lock a sweeper locked, removed and released it. Treat that
    // as "held" so creators pick a new name and sweepers move on.
    if names_same_file(&file, path)? {
        Ok(Some(file))
    } else {
        Ok(None)
    }
}

fn names_same_file(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let held = file.metadata()?;
    match std::fs::symlink_metadata(path) {
        Ok(now) => Ok(now.dev() == held.dev() && now.ino() == held.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_readers_coexist_and_writer_excludes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lock = StoreLock::new(dir.path().join("images.lock"), "images");
        let r1 = lock.read().expect("read");
        let r2 = lock.read().expect("read");
        assert!(try_exclusive(lock.path()).expect("try").is_none());
        drop((r1, r2));
        let w = lock.write().expect("write");
        assert!(try_exclusive(lock.path()).expect("try").is_none());
        assert_eq!(holder_pid(lock.path()), Some(std::process::id()));
        drop(w);
        assert!(try_exclusive(lock.path()).expect("try").is_some());
    }

    #[test]
    fn a_lock_on_a_file_unlinked_under_us_is_not_taken() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.lock");
        let early = std::fs::File::create(&path).expect("create");
        // A sweeper removed the file and a new one took its name.
        std::fs::remove_file(&path).expect("unlink");
        assert!(!names_same_file(&early, &path).expect("stat"));
        std::fs::File::create(&path).expect("recreate");
        assert!(!names_same_file(&early, &path).expect("stat"));
        let held = try_exclusive(&path).expect("try").expect("free");
        assert!(names_same_file(&held, &path).expect("stat"));
    }
}

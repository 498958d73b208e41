//! A container's files from the host: `cp` in and out, `export`, `diff`,
//! `commit`.
//!
//! A running container is reached through `/proc/<pid>/root` (so `cp` sees
//! its volumes and tmpfs mounts, as docker's does); a stopped one through
//! its layers (`store::diff::RootfsDirs`): reads see the merged layers,
//! writes go to the upper directory, with the directories on the way
//! copied up as overlayfs would. Every path inside the container is
//! resolved inside its root (see `resolve`), never on the host.

pub mod commit;
pub mod copy;
mod resolve;

#[cfg(test)]
mod tests;

use std::ffi::OsString;
use std::io;
use std::os::fd::{AsFd, OwnedFd};

use nix::errno::Errno;
use nix::fcntl::{open, openat, OFlag};
use nix::sys::stat::{fchmod, futimens, mkdirat, Mode};
use nix::sys::time::TimeSpec;
use nix::unistd::{fchown, Gid, Uid};

pub use commit::{changes, commit, export, CommitOptions};
pub use copy::{copy_in, copy_in_tar, copy_out, copy_out_tar, CopyOptions};

use crate::store::containers::{ContainerEntry, ContainerStatus};
use crate::store::diff::view::DIR_FLAGS;
use crate::store::diff::{Dir, RootfsDirs, Whiteouts};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Runtime(#[from] Box<super::RuntimeError>),
    /// docker's wording, so scripts that match it keep working.
    #[error("Could not find the file {0} in the container")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
}

impl FsError {
    pub(crate) fn io(what: impl Into<String>, source: io::Error) -> FsError {
        FsError::Io {
            what: what.into(),
            source,
        }
    }
}

pub type Result<T, E = FsError> = std::result::Result<T, E>;

/// Where a container's root filesystem is reachable right now.
pub(crate) enum ContainerFs {
    /// Running: its root as its processes see it.
    Live(Dir),
    /// Stopped: the merged layers, and the directories behind them.
    Layers(Dir, RootfsDirs),
}

impl ContainerFs {
    pub fn open(store: &Store, entry: &ContainerEntry) -> Result<ContainerFs> {
        if is_live(entry) {
            let path = format!("/proc/{}/root", entry.state.pid);
            // Following the /proc magic link is the point: it is the
            // container's root; nothing below it is followed.
            let flags = DIR_FLAGS.difference(OFlag::O_NOFOLLOW);
            match open(path.as_str(), flags, Mode::empty()) {
                Ok(fd) => {
                    let dir =
                        Dir::new(vec![fd], Whiteouts::Plain).map_err(|e| FsError::io(&path, e))?;
                    return Ok(ContainerFs::Live(dir));
                }
                // It exited meanwhile: its layers are still there.
                Err(Errno::ENOENT | Errno::ESRCH) => {}
                Err(e) => return Err(FsError::io(path, e.into())),
            }
        }
        let dirs = store.container_rootfs_dirs(entry)?;
        Ok(ContainerFs::Layers(dirs.merged()?, dirs))
    }

    pub fn root(&self) -> &Dir {
        match self {
            ContainerFs::Live(d) | ContainerFs::Layers(d, _) => d,
        }
    }

    /// A writable descriptor of the directory at `path` (components from
    /// the root, each a directory of the view). For a stopped container
    /// this is the upper directory's copy, made as overlayfs copies up:
    /// missing directories are created with the owner, mode and mtime of
    /// the directory they shadow.
    pub fn writable_dir(&self, path: &[OsString]) -> Result<OwnedFd> {
        let shown = || {
            let parts: Vec<String> = path.iter().map(|p| p.to_string_lossy().into()).collect();
            format!("/{}", parts.join("/"))
        };
        match self {
            ContainerFs::Live(root) => {
                let mut cur = reopen(root.top().as_fd()).map_err(|e| FsError::io(shown(), e))?;
                for name in path {
                    cur = openat(&cur, name.as_os_str(), DIR_FLAGS, Mode::empty())
                        .map_err(|e| FsError::io(shown(), e.into()))?;
                }
                Ok(cur)
            }
            ContainerFs::Layers(merged, dirs) => {
                let upper = crate::store::diff::open_root(&dirs.upper)?;
                let mut cur = upper;
                let mut view = merged.clone();
                for name in path {
                    let below = match view.lookup(name).map_err(|e| FsError::io(shown(), e))? {
                        Some(crate::store::diff::Entry {
                            kind: crate::store::diff::Kind::Dir(d),
                            ..
                        }) => d,
                        _ => return Err(FsError::NotFound(shown())),
                    };
                    cur = copy_up_dir(&cur, name, &below).map_err(|e| FsError::io(shown(), e))?;
                    view = below;
                }
                Ok(cur)
            }
        }
    }
}

/// Running (or paused) with a live process: reachable through /proc.
fn is_live(entry: &ContainerEntry) -> bool {
    matches!(
        entry.state.status,
        ContainerStatus::Running | ContainerStatus::Paused | ContainerStatus::Restarting
    ) && entry.state.pid > 0
        && !entry.state.is_stale()
}

fn reopen(fd: std::os::fd::BorrowedFd<'_>) -> io::Result<OwnedFd> {
    Ok(openat(fd, ".", DIR_FLAGS, Mode::empty())?)
}

/// Opens `name` in the upper directory `parent`, creating it as a copy of
/// the merged directory `like` when the upper layer does not have it yet.
fn copy_up_dir(parent: &OwnedFd, name: &OsString, like: &Dir) -> io::Result<OwnedFd> {
    match openat(parent, name.as_os_str(), DIR_FLAGS, Mode::empty()) {
        Ok(fd) => return Ok(fd),
        Err(Errno::ENOENT) => {}
        Err(e) => return Err(e.into()),
    }
    let st = like.stat()?;
    match mkdirat(parent, name.as_os_str(), Mode::from_bits_truncate(0o700)) {
        Ok(()) | Err(Errno::EEXIST) => {}
        Err(e) => return Err(e.into()),
    }
    let fd = openat(parent, name.as_os_str(), DIR_FLAGS, Mode::empty())?;
    // A rootless store cannot give away ownership; the rest still applies.
    let _ = fchown(
        &fd,
        Some(Uid::from_raw(st.st_uid)),
        Some(Gid::from_raw(st.st_gid)),
    );
    fchmod(&fd, Mode::from_bits_truncate(st.st_mode & 0o7777))?;
    let mtime = TimeSpec::new(st.st_mtime, st.st_mtime_nsec);
    let atime = TimeSpec::new(st.st_atime, st.st_atime_nsec);
    futimens(&fd, &atime, &mtime)?;
    Ok(fd)
}

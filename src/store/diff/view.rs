//! A read-only view of a directory tree stacked from overlay layers, walked
//! only through directory descriptors: every name is opened with
//! `O_NOFOLLOW` relative to its parent's descriptor, so a symlink in a tree
//! the container controls is never followed on the host, even if the
//! container swaps a directory for a symlink while we walk.
//!
//! One view serves three readings of the same trees:
//! - `Plain`: one tree as it is (a host directory, a running container's root);
//! - `Hide`: upper over lower layers as overlayfs merges them (whiteouts and
//!   opaque directories hide what is below) — `export`, `cp` from a stopped container;
//! - `Emit`: one upper directory read as a layer diff, its whiteouts and
//!   opaque markers reported rather than applied — `commit`, `diff`.

use std::collections::BTreeMap;
use std::ffi::{CString, OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::sync::Arc;

use nix::errno::Errno;
use nix::fcntl::{openat, AtFlags, OFlag};
use nix::sys::stat::{fstat, fstatat, FileStat, Mode, SFlag};

/// How whiteouts and opaque directories are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whiteouts {
    Plain,
    Hide,
    Emit,
}

pub(crate) const DIR_FLAGS: OFlag = OFlag::O_RDONLY
    .union(OFlag::O_DIRECTORY)
    .union(OFlag::O_NOFOLLOW)
    .union(OFlag::O_CLOEXEC);

/// A directory of the view: the same path in each layer that contributes
/// to it, top first (one layer except in `Hide` mode).
#[derive(Debug, Clone)]
pub struct Dir {
    layers: Vec<Arc<OwnedFd>>,
    /// In `Emit` mode: the top layer marks it opaque. (In `Hide` mode an
    /// opaque directory has already cut the lower layers off.)
    pub opaque: bool,
    mode: Whiteouts,
}

/// One name in a directory of the view.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: OsString,
    /// The directory (in the layer that provides the entry) holding it.
    pub parent: Arc<OwnedFd>,
    pub stat: FileStat,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Dir(Dir),
    /// Only in `Emit` mode: the name is deleted from the layers below.
    Whiteout,
    Other,
}

impl Dir {
    /// A view of `roots`, top first. `Plain` and `Emit` read only the first.
    pub fn new(roots: Vec<OwnedFd>, mode: Whiteouts) -> io::Result<Dir> {
        let mut layers: Vec<Arc<OwnedFd>> = Vec::new();
        let mut opaque = false;
        for fd in roots {
            if mode != Whiteouts::Plain && is_opaque(fd.as_fd()) {
                opaque = true;
            }
            layers.push(Arc::new(fd));
            if mode != Whiteouts::Hide || opaque {
                break;
            }
        }
        if layers.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "a filesystem view needs at least one directory",
            ));
        }
        Ok(Dir {
            layers,
            opaque: opaque && mode == Whiteouts::Emit,
            mode,
        })
    }

    /// The directory in the topmost layer that has it.
    pub fn top(&self) -> &Arc<OwnedFd> {
        &self.layers[0]
    }

    pub fn stat(&self) -> io::Result<FileStat> {
        Ok(fstat(self.layers[0].as_fd())?)
    }

    /// The directory's entries, sorted by name (so archives are reproducible).
    pub fn entries(&self) -> io::Result<Vec<Entry>> {
        let mut seen: BTreeMap<OsString, Option<Entry>> = BTreeMap::new();
        for i in 0..self.layers.len() {
            for name in read_names(self.layers[i].as_fd())? {
                if seen.contains_key(&name) {
                    continue;
                }
                let found = self.entry_in(i, &name)?;
                match found {
                    Found::Missing => {}
                    Found::Hidden => {
                        seen.insert(name, None);
                    }
                    Found::Entry(e) => {
                        seen.insert(name, Some(*e));
                    }
                }
            }
        }
        Ok(seen.into_values().flatten().collect())
    }

    /// The entry `name`, if the view has it (a whited-out name is `None`
    /// in `Hide` mode and a `Whiteout` entry in `Emit` mode).
    pub fn lookup(&self, name: &OsStr) -> io::Result<Option<Entry>> {
        for i in 0..self.layers.len() {
            match self.entry_in(i, name)? {
                Found::Missing => continue,
                Found::Hidden => return Ok(None),
                Found::Entry(e) => return Ok(Some(*e)),
            }
        }
        Ok(None)
    }

    fn entry_in(&self, i: usize, name: &OsStr) -> io::Result<Found> {
        let layer = &self.layers[i];
        let Some(stat) = lstat_at(layer.as_fd(), name)? else {
            return Ok(Found::Missing);
        };
        if self.mode != Whiteouts::Plain && is_whiteout(layer.as_fd(), name, &stat) {
            return Ok(match self.mode {
                Whiteouts::Emit => Found::Entry(Box::new(Entry {
                    name: name.to_owned(),
                    parent: Arc::clone(layer),
                    stat,
                    kind: Kind::Whiteout,
                })),
                _ => Found::Hidden,
            });
        }
        let kind = if file_kind(&stat) == SFlag::S_IFDIR {
            match self.child_dir(i, name)? {
                Some(d) => Kind::Dir(d),
                // Replaced by something else since the stat: gone for us.
                None => return Ok(Found::Missing),
            }
        } else {
            Kind::Other
        };
        Ok(Found::Entry(Box::new(Entry {
            name: name.to_owned(),
            parent: Arc::clone(layer),
            stat,
            kind,
        })))
    }

    /// The child directory `name`, found as a directory in layer `i`, with
    /// the lower layers that merge into it.
    fn child_dir(&self, i: usize, name: &OsStr) -> io::Result<Option<Dir>> {
        let Some(fd) = open_dir_at(self.layers[i].as_fd(), name)? else {
            return Ok(None);
        };
        let opaque = self.mode != Whiteouts::Plain && is_opaque(fd.as_fd());
        let mut layers = vec![Arc::new(fd)];
        if self.mode == Whiteouts::Hide && !opaque {
            for lower in &self.layers[i + 1..] {
                let Some(st) = lstat_at(lower.as_fd(), name)? else {
                    continue;
                };
                if file_kind(&st) != SFlag::S_IFDIR {
                    // A whiteout or a non-directory ends the merge.
                    break;
                }
                let Some(fd) = open_dir_at(lower.as_fd(), name)? else {
                    break;
                };
                let stop = is_opaque(fd.as_fd());
                layers.push(Arc::new(fd));
                if stop {
                    break;
                }
            }
        }
        Ok(Some(Dir {
            layers,
            opaque: opaque && self.mode == Whiteouts::Emit,
            mode: self.mode,
        }))
    }
}

enum Found {
    Missing,
    Hidden,
    Entry(Box<Entry>),
}

pub(crate) fn file_kind(st: &FileStat) -> SFlag {
    SFlag::from_bits_truncate(st.st_mode & SFlag::S_IFMT.bits())
}

/// `lstat` of `name` in `dir`; `None` when it does not exist.
pub(crate) fn lstat_at(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<Option<FileStat>> {
    match fstatat(dir, name, AtFlags::AT_SYMLINK_NOFOLLOW) {
        Ok(st) => Ok(Some(st)),
        Err(Errno::ENOENT) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Opens the directory `name` in `dir` without following a symlink;
/// `None` when it is missing or no longer a directory.
pub(crate) fn open_dir_at(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<Option<OwnedFd>> {
    match openat(dir, name, DIR_FLAGS, Mode::empty()) {
        Ok(fd) => Ok(Some(fd)),
        Err(Errno::ENOENT | Errno::ENOTDIR | Errno::ELOOP) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The names in a directory (without `.` and `..`), unsorted.
pub(crate) fn read_names(dir: BorrowedFd<'_>) -> io::Result<Vec<OsString>> {
    let mut handle = nix::dir::Dir::openat(dir, ".", DIR_FLAGS, Mode::empty())?;
    let mut names = Vec::new();
    for entry in handle.iter() {
        let entry = entry?;
        let bytes = entry.file_name().to_bytes();
        if bytes != b"." && bytes != b".." {
            names.push(OsStr::from_bytes(bytes).to_owned());
        }
    }
    Ok(names)
}

/// An overlay whiteout: the 0:0 character device, or (the form our
/// extractor falls back to on old kernels) an empty file marked with the
/// `overlay.whiteout` attribute.
pub(crate) fn is_whiteout(dir: BorrowedFd<'_>, name: &OsStr, st: &FileStat) -> bool {
    match file_kind(st) {
        SFlag::S_IFCHR => st.st_rdev == 0,
        SFlag::S_IFREG if st.st_size == 0 => ["trusted.overlay.whiteout", "user.overlay.whiteout"]
            .iter()
            .any(|k| get_xattr_at(dir, name, k.as_bytes()).is_some()),
        _ => false,
    }
}

/// Overlay marks an opaque directory with `overlay.opaque=y` (`trusted.`
/// as root, `user.` under `userxattr`).
pub(crate) fn is_opaque(dir: BorrowedFd<'_>) -> bool {
    ["trusted.overlay.opaque", "user.overlay.opaque"]
        .iter()
        .any(|k| get_xattr_fd(dir, k.as_bytes()).is_some_and(|v| v == b"y"))
}

fn get_xattr_fd(fd: BorrowedFd<'_>, key: &[u8]) -> Option<Vec<u8>> {
    let key = CString::new(key).ok()?;
    let mut buf = vec![0u8; 256];
    // SAFETY: key is NUL-terminated and buf is writable for its length.
    let n = unsafe {
        libc::fgetxattr(
            fd.as_raw_fd(),
            key.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    usize::try_from(n).ok().map(|n| {
        buf.truncate(n);
        buf
    })
}

/// `/proc/self/fd/<dir>/<name>`: the entry inside the directory we hold,
/// with no path walk that a symlink could redirect (the `l*xattr` calls do
/// not follow the final component).
fn proc_path(dir: BorrowedFd<'_>, name: &OsStr) -> Option<CString> {
    let mut path = format!("/proc/self/fd/{}/", dir.as_raw_fd()).into_bytes();
    path.extend_from_slice(name.as_bytes());
    CString::new(path).ok()
}

pub(crate) fn get_xattr_at(dir: BorrowedFd<'_>, name: &OsStr, key: &[u8]) -> Option<Vec<u8>> {
    let path = proc_path(dir, name)?;
    let key = CString::new(key).ok()?;
    let mut size = 256usize;
    for _ in 0..4 {
        let mut buf = vec![0u8; size];
        // SAFETY: both strings are NUL-terminated; buf is writable for its length.
        let n = unsafe {
            libc::lgetxattr(
                path.as_ptr(),
                key.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        match usize::try_from(n) {
            Ok(n) => {
                buf.truncate(n);
                return Some(buf);
            }
            Err(_) if Errno::last() == Errno::ERANGE => size *= 16,
            Err(_) => return None,
        }
    }
    None
}

/// The extended attribute names of `name` in `dir` (empty when the
/// filesystem has none or refuses to say).
pub(crate) fn list_xattrs_at(dir: BorrowedFd<'_>, name: &OsStr) -> Vec<Vec<u8>> {
    let Some(path) = proc_path(dir, name) else {
        return Vec::new();
    };
    let mut size = 1024usize;
    for _ in 0..4 {
        let mut buf = vec![0u8; size];
        // SAFETY: path is NUL-terminated; buf is writable for its length.
        let n = unsafe { libc::llistxattr(path.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
        match usize::try_from(n) {
            Ok(n) => {
                buf.truncate(n);
                return buf
                    .split(|b| *b == 0)
                    .filter(|k| !k.is_empty())
                    .map(<[u8]>::to_vec)
                    .collect();
            }
            Err(_) if Errno::last() == Errno::ERANGE => size *= 16,
            Err(_) => return Vec::new(),
        }
    }
    Vec::new()
}

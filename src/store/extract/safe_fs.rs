//! Symlink-proof file operations inside a layer root.
//!
//! Every path is resolved from the root's descriptor one component at a time
//! with `O_NOFOLLOW`, so no symlink already in the layer (absolute, `..`, or
//! plain) is ever followed while extracting: an entry can only be created in
//! a real directory below the root. The final component is always handled by
//! the `*at` calls with "no follow" semantics.

use std::ffi::{CString, OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use nix::dir::{Dir, Type};
use nix::errno::Errno;
use nix::fcntl::{openat, openat2, AtFlags, OFlag, OpenHow, ResolveFlag};
use nix::sys::stat::{fchmod, fstatat, mkdirat, FileStat, Mode, SFlag};
use nix::unistd::{unlinkat, UnlinkatFlags};

/// Linux's PATH_MAX: docker's full-path syscalls fail beyond it, and the cap
/// also bounds how deep the recursive removal below can go.
pub(super) const MAX_PATH_LEN: usize = 4096;

const DIR_FLAGS: OFlag = OFlag::O_RDONLY
    .union(OFlag::O_DIRECTORY)
    .union(OFlag::O_NOFOLLOW)
    .union(OFlag::O_CLOEXEC);

/// Why a path inside the layer could not be resolved; each carries the
/// offending prefix of the path.
#[derive(Debug)]
pub(super) enum Resolve {
    Symlink(String),
    NotDir(String),
    Missing(String),
    Io(String, io::Error),
}

/// Lexically normalises a tar member name the way docker's `filepath.Clean`
/// does: leading `/` and `.` components vanish (absolute names are relative
/// to the layer root) and `..` removes the previous component. `None` when a
/// `..` would climb above the root.
pub(super) fn normalise(raw: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out: Vec<&[u8]> = Vec::new();
    for comp in raw.split(|b| *b == b'/') {
        match comp {
            b"" | b"." => {}
            b".." => {
                out.pop()?;
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// A readable rendering of path components for error messages.
pub(super) fn show(comps: &[&[u8]]) -> String {
    String::from_utf8_lossy(&comps.join(&b'/')).into_owned()
}

pub(super) fn os(name: &[u8]) -> &OsStr {
    OsStr::from_bytes(name)
}

/// Opens the directory `comps` below `root` without following any symlink.
/// With `create`, missing components are made (mode 0755, like docker's
/// implicit parents).
pub(super) fn open_dir(
    root: BorrowedFd<'_>,
    comps: &[&[u8]],
    create: bool,
) -> Result<OwnedFd, Resolve> {
    let here = |e: Errno| Resolve::Io(".".to_owned(), e.into());
    if comps.is_empty() {
        return openat(root, ".", DIR_FLAGS, Mode::empty()).map_err(here);
    }
    // One openat2 call resolves the whole path when nothing is missing; any
    // failure falls back to the walk, which is authoritative and says which
    // component was wrong.
    let how = OpenHow::new().flags(DIR_FLAGS).resolve(
        ResolveFlag::RESOLVE_BENEATH
            | ResolveFlag::RESOLVE_NO_SYMLINKS
            | ResolveFlag::RESOLVE_NO_MAGICLINKS
            | ResolveFlag::RESOLVE_NO_XDEV,
    );
    if let Ok(fd) = openat2(root, os(&comps.join(&b'/')), how) {
        return Ok(fd);
    }
    let mut cur = openat(root, ".", DIR_FLAGS, Mode::empty()).map_err(here)?;
    for (i, comp) in comps.iter().enumerate() {
        let prefix = || show(&comps[..=i]);
        let name = os(comp);
        cur = match openat(&cur, name, DIR_FLAGS, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::ENOENT) if create => {
                match mkdirat(&cur, name, Mode::from_bits_truncate(0o755)) {
                    Ok(()) | Err(Errno::EEXIST) => {}
                    Err(e) => return Err(Resolve::Io(prefix(), e.into())),
                }
                let fd = openat(&cur, name, DIR_FLAGS, Mode::empty())
                    .map_err(|e| classify(cur.as_fd(), name, e, prefix()))?;
                // mkdirat honoured the umask; implicit parents are 0755.
                fchmod(&fd, Mode::from_bits_truncate(0o755))
                    .map_err(|e| Resolve::Io(prefix(), e.into()))?;
                fd
            }
            Err(e) => return Err(classify(cur.as_fd(), name, e, prefix())),
        };
    }
    Ok(cur)
}

fn classify(dir: BorrowedFd<'_>, name: &OsStr, err: Errno, prefix: String) -> Resolve {
    match err {
        Errno::ENOENT => Resolve::Missing(prefix),
        Errno::ELOOP | Errno::ENOTDIR => match lstat(dir, name) {
            Ok(Some(st)) if kind(&st) == SFlag::S_IFLNK => Resolve::Symlink(prefix),
            _ => Resolve::NotDir(prefix),
        },
        e => Resolve::Io(prefix, e.into()),
    }
}

/// `lstat` of `name` in `dir`; `None` when it does not exist.
pub(super) fn lstat(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<Option<FileStat>> {
    match fstatat(dir, name, AtFlags::AT_SYMLINK_NOFOLLOW) {
        Ok(st) => Ok(Some(st)),
        Err(Errno::ENOENT) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub(super) fn kind(st: &FileStat) -> SFlag {
    SFlag::from_bits_truncate(st.st_mode & SFlag::S_IFMT.bits())
}

/// Makes room for a new entry called `name`: removes whatever is there,
/// except a directory when `keep_dir` (a directory entry merges into an
/// existing directory, as in docker). Returns whether a directory was kept.
pub(super) fn clear(dir: BorrowedFd<'_>, name: &OsStr, keep_dir: bool) -> io::Result<bool> {
    let Some(st) = lstat(dir, name)? else {
        return Ok(false);
    };
    if kind(&st) == SFlag::S_IFDIR {
        if keep_dir {
            return Ok(true);
        }
        remove_tree(dir, name)?;
    } else {
        unlinkat(dir, name, UnlinkatFlags::NoRemoveDir)?;
    }
    Ok(false)
}

/// Removes the directory `name` and everything below it, never leaving the
/// tree through a symlink (symlinks are unlinked, not followed).
fn remove_tree(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<()> {
    let fd = openat(dir, name, DIR_FLAGS, Mode::empty())?;
    let mut handle = Dir::from_fd(fd)?;
    // Names are collected first: unlinking while readdir is under way may
    // make it skip entries.
    let mut children: Vec<(OsString, Option<Type>)> = Vec::new();
    for entry in handle.iter() {
        let entry = entry?;
        let bytes = entry.file_name().to_bytes();
        if bytes != b"." && bytes != b".." {
            children.push((OsString::from_vec(bytes.to_vec()), entry.file_type()));
        }
    }
    let fd = handle.as_fd();
    for (child, typ) in children {
        let is_dir = match typ {
            Some(t) => t == Type::Directory,
            None => lstat(fd, &child)?.is_some_and(|st| kind(&st) == SFlag::S_IFDIR),
        };
        if is_dir {
            remove_tree(fd, &child)?;
        } else {
            unlinkat(fd, child.as_os_str(), UnlinkatFlags::NoRemoveDir)?;
        }
    }
    unlinkat(dir, name, UnlinkatFlags::RemoveDir)?;
    Ok(())
}

/// `fsetxattr` on an open file or directory.
pub(super) fn set_xattr_fd(fd: BorrowedFd<'_>, key: &[u8], value: &[u8]) -> io::Result<()> {
    let key = CString::new(key).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: key is NUL-terminated; value points at value.len() readable bytes.
    let rc = unsafe {
        libc::fsetxattr(
            fd.as_raw_fd(),
            key.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `lsetxattr` on `name` inside `dir`, for entries that cannot be opened
/// (symlinks, device nodes). The directory is reached through its
/// /proc/self/fd link, which names the very directory we hold, and the
/// final component is not followed.
pub(super) fn set_xattr_at(
    dir: BorrowedFd<'_>,
    name: &OsStr,
    key: &[u8],
    value: &[u8],
) -> io::Result<()> {
    let mut path = format!("/proc/self/fd/{}/", dir.as_raw_fd()).into_bytes();
    path.extend_from_slice(name.as_bytes());
    let invalid = |_| io::Error::from(io::ErrorKind::InvalidInput);
    let path = CString::new(path).map_err(invalid)?;
    let key = CString::new(key).map_err(invalid)?;
    // SAFETY: both strings are NUL-terminated; value is a valid slice.
    let rc = unsafe {
        libc::lsetxattr(
            path.as_ptr(),
            key.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

//! `cp`: files between a container and the host (or a tar stream), with
//! docker's rules for where they land:
//! - a destination that is a directory receives the source under its own
//!   name, or only its contents when the source ends in `/.`;
//! - a destination file is overwritten by a file, and cannot take a directory;
//! - a missing destination is created (its parent must exist; a trailing
//!   `/` says it had to be a directory, so then it is an error);
//! - ownership: into a container, entries belong to root unless `-a`
//!   keeps the source's; out of one, to the caller unless `-a` keeps them.
//!
//! Everything moves as a tar, as docker's `cp` does: the source side is
//! written by `store::diff::TarWriter` (which never follows links), the
//! destination side extracted by `store::extract` (which never writes
//! through one), both joined by an in-process pipe.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::resolve::{resolve, Resolved};
use super::{ContainerFs, FsError, Result};
use crate::store::containers::ContainerEntry;
use crate::store::diff::view::DIR_FLAGS;
use crate::store::diff::{Dir, Entry, Kind, TarOptions, TarWriter, Whiteouts};
use crate::store::extract::{extract_layer, ExtractOptions};
use crate::store::import::tree;
use crate::store::Store;

/// docker's `cp` flags.
#[derive(Debug, Clone, Copy, Default)]
pub struct CopyOptions {
    /// `-a`: keep the source's uid/gid.
    pub archive: bool,
    /// `-L`: follow a symlink named as the source.
    pub follow_link: bool,
}

/// A path as the user wrote it, with docker's trailing markers.
struct PathSpec<'a> {
    path: &'a [u8],
    /// Ends in `/.`: the directory's contents, not the directory.
    contents_only: bool,
    /// Ends in `/`: it must be a directory.
    dir_only: bool,
}

fn spec(p: &str) -> PathSpec<'_> {
    let b = p.as_bytes();
    PathSpec {
        path: b,
        contents_only: b == b"." || b.ends_with(b"/."),
        dir_only: b.ends_with(b"/"),
    }
}

/// The last real component of a path (`None` for `/`, `.`, `..`).
fn base_name(p: &[u8]) -> Option<&[u8]> {
    p.split(|b| *b == b'/')
        .rev()
        .find(|c| !c.is_empty() && *c != b".")
        .filter(|c| *c != b"..")
}

/// Writes `CONTAINER:src` as a tar stream (docker's `cp CONTAINER:SRC -`):
/// ownership as stored, the source under its own name.
pub fn copy_out_tar(
    store: &Store,
    entry: &ContainerEntry,
    src: &str,
    opts: CopyOptions,
    out: impl Write,
) -> Result<()> {
    let cfs = ContainerFs::open(store, entry)?;
    let s = spec(src);
    let source = container_source(&cfs, &s, opts)?;
    let top = if s.contents_only {
        None
    } else {
        base_name(s.path).map(<[u8]>::to_vec)
    };
    let mut tar = TarWriter::new(out, TarOptions::default());
    write_source(&mut tar, &source, top.as_deref())
        .and_then(|()| tar.finish().map(drop))
        .map_err(|e| FsError::io(format!("archive {src}"), e))
}

/// Copies `CONTAINER:src` to the host path `dest`.
pub fn copy_out(
    store: &Store,
    entry: &ContainerEntry,
    src: &str,
    dest: &Path,
    opts: CopyOptions,
) -> Result<u64> {
    let cfs = ContainerFs::open(store, entry)?;
    let s = spec(src);
    let source = container_source(&cfs, &s, opts)?;
    let src_is_dir = matches!(source.kind, Kind::Dir(_));
    let src_name = base_name(s.path)
        .map(<[u8]>::to_vec)
        .unwrap_or_else(|| source.name.as_bytes().to_vec());
    let dest_text = dest.as_os_str().as_bytes();
    let (into, top) = match std::fs::metadata(dest) {
        Ok(m) if m.is_dir() => {
            let whole = s.contents_only || base_name(s.path).is_none();
            (
                dest.to_path_buf(),
                (!(whole && src_is_dir)).then_some(src_name),
            )
        }
        Ok(_) if src_is_dir => {
            return Err(FsError::Invalid(format!(
                "cannot copy a directory to the file {}; name a directory or a new path",
                dest.display()
            )))
        }
        Ok(_) => (host_parent(dest), base_name(dest_text).map(<[u8]>::to_vec)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if dest_text.ends_with(b"/") {
                return Err(FsError::Invalid(format!(
                    "destination directory {} does not exist; create it first",
                    dest.display()
                )));
            }
            let parent = host_parent(dest);
            if !parent.is_dir() {
                return Err(FsError::Invalid(format!(
                    "no such directory {}: the destination's parent must exist",
                    parent.display()
                )));
            }
            (parent, base_name(dest_text).map(<[u8]>::to_vec))
        }
        Err(e) => return Err(FsError::io(format!("stat {}", dest.display()), e)),
    };
    if let Some(t) = &top {
        let existing = std::fs::symlink_metadata(into.join(OsStr::from_bytes(t)));
        check_overwrite(
            existing.ok().map(|m| m.is_dir()),
            src_is_dir,
            &into.join(OsStr::from_bytes(t)).display().to_string(),
        )?;
    }
    let owner = (!opts.archive).then(|| {
        (
            nix::unistd::geteuid().as_raw(),
            nix::unistd::getegid().as_raw(),
        )
    });
    let dir = open_host_dir(&into)?;
    pump(store, &dir, &into.display().to_string(), move |out| {
        let mut tar = TarWriter::new(out, TarOptions { owner });
        write_source(&mut tar, &source, top.as_deref())?;
        tar.finish().map(drop)
    })
}

/// Extracts a tar stream into the container directory `dest` (docker's
/// `cp - CONTAINER:DEST`), ownership as the archive says.
pub fn copy_in_tar(
    store: &Store,
    entry: &ContainerEntry,
    tar: impl Read,
    dest: &str,
) -> Result<u64> {
    let cfs = ContainerFs::open(store, entry)?;
    let r = resolve(cfs.root(), dest.as_bytes(), true)?;
    if r.name.is_some() && r.entry.is_none() {
        return Err(FsError::NotFound(dest.to_string()));
    }
    if !r.is_dir() {
        return Err(FsError::Invalid(format!(
            "extraction point {dest} is not a directory; a tar stream can only be copied into a directory"
        )));
    }
    let fd = cfs.writable_dir(&r.full_path())?;
    extract_into(store, &fd, dest, tar)
}

/// Copies the host path `src` to `CONTAINER:dest`.
pub fn copy_in(
    store: &Store,
    entry: &ContainerEntry,
    src: &Path,
    dest: &str,
    opts: CopyOptions,
) -> Result<u64> {
    let s_text = src.as_os_str().as_bytes();
    let contents_only = s_text == b"." || s_text.ends_with(b"/.");
    let source = host_source(src, opts.follow_link)?;
    let src_is_dir = matches!(source.kind, Kind::Dir(_));
    if s_text.ends_with(b"/") && !src_is_dir {
        return Err(FsError::Invalid(format!(
            "{}: not a directory",
            src.display()
        )));
    }
    let cfs = ContainerFs::open(store, entry)?;
    let d = spec(dest);
    let r = resolve(cfs.root(), d.path, true)?;
    let (into, top, existing): (Vec<OsString>, Option<Vec<u8>>, Option<bool>) = if r.is_dir() {
        let top = (!(contents_only && src_is_dir)).then(|| source.name.as_bytes().to_vec());
        let existing = match (&top, r.as_dir()) {
            (Some(t), Some(dir)) => dir
                .lookup(OsStr::from_bytes(t))
                .map_err(|e| FsError::io(dest.to_string(), e))?
                .map(|e| matches!(e.kind, Kind::Dir(_))),
            _ => None,
        };
        (r.full_path(), top, existing)
    } else if let Some(e) = &r.entry {
        if src_is_dir {
            return Err(FsError::Invalid(format!(
                "cannot copy a directory to the file {dest} in the container; name a directory or a new path"
            )));
        }
        let top = r.name.as_ref().map(|n| n.as_bytes().to_vec());
        (
            r.parent_path.clone(),
            top,
            Some(matches!(e.kind, Kind::Dir(_))),
        )
    } else {
        if d.dir_only {
            return Err(FsError::Invalid(format!(
                "destination directory {dest} does not exist in the container; create it first"
            )));
        }
        let top = r.name.as_ref().map(|n| n.as_bytes().to_vec());
        (r.parent_path.clone(), top, None)
    };
    check_overwrite(existing, src_is_dir, dest)?;
    let fd = cfs.writable_dir(&into)?;
    let owner = (!opts.archive).then_some((0, 0));
    pump(store, &fd, dest, move |out| {
        let mut tar = TarWriter::new(out, TarOptions { owner });
        write_source(&mut tar, &source, top.as_deref())?;
        tar.finish().map(drop)
    })
}

/// docker refuses to replace a directory by a non-directory and back.
fn check_overwrite(existing_is_dir: Option<bool>, src_is_dir: bool, what: &str) -> Result<()> {
    match existing_is_dir {
        Some(true) if !src_is_dir => Err(FsError::Invalid(format!(
            "cannot overwrite directory {what} with non-directory"
        ))),
        Some(false) if src_is_dir => Err(FsError::Invalid(format!(
            "cannot overwrite non-directory {what} with directory"
        ))),
        _ => Ok(()),
    }
}

/// The entry a container source path names, checked against its markers.
fn container_source(cfs: &ContainerFs, s: &PathSpec<'_>, opts: CopyOptions) -> Result<Entry> {
    let shown = String::from_utf8_lossy(s.path).into_owned();
    let follow = opts.follow_link || s.dir_only || s.contents_only;
    let r = resolve(cfs.root(), s.path, follow)?;
    let entry = resolved_entry(&r).ok_or_else(|| FsError::NotFound(shown.clone()))?;
    if (s.dir_only || s.contents_only) && !matches!(entry.kind, Kind::Dir(_)) {
        return Err(FsError::Invalid(format!("{shown}: not a directory")));
    }
    Ok(entry)
}

/// What a resolved path names; the root is named `.` in its own directory.
fn resolved_entry(r: &Resolved) -> Option<Entry> {
    match &r.name {
        Some(_) => r.entry.clone(),
        None => Some(Entry {
            name: OsString::from("."),
            parent: Arc::clone(r.parent.top()),
            stat: r.parent.stat().ok()?,
            kind: Kind::Dir(r.parent.clone()),
        }),
    }
}

/// The host source as a view entry (its last symlink followed with `-L`).
fn host_source(src: &Path, follow: bool) -> Result<Entry> {
    let missing = |e: io::Error| FsError::io(format!("lstat {}", src.display()), e);
    let named = base_name(src.as_os_str().as_bytes()).is_some();
    let path: PathBuf = if follow || !named {
        std::fs::canonicalize(src).map_err(missing)?
    } else {
        src.to_path_buf()
    };
    let name = path
        .file_name()
        .map(OsStr::to_os_string)
        .unwrap_or_else(|| OsString::from("."));
    let parent = if name == "." {
        path.clone()
    } else {
        host_parent(&path)
    };
    let dir = Dir::new(vec![open_host_dir(&parent)?], Whiteouts::Plain)
        .map_err(|e| FsError::io(parent.display().to_string(), e))?;
    if name == "." {
        return resolved_entry(&Resolved {
            parent: dir,
            parent_path: Vec::new(),
            name: None,
            entry: None,
        })
        .ok_or_else(|| FsError::NotFound(src.display().to_string()));
    }
    dir.lookup(&name)
        .map_err(missing)?
        .ok_or_else(|| missing(io::Error::from(io::ErrorKind::NotFound)))
}

fn host_parent(p: &Path) -> PathBuf {
    match p.parent() {
        Some(par) if !par.as_os_str().is_empty() => par.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn open_host_dir(p: &Path) -> Result<OwnedFd> {
    let flags = DIR_FLAGS.difference(nix::fcntl::OFlag::O_NOFOLLOW);
    nix::fcntl::open(p, flags, nix::sys::stat::Mode::empty())
        .map_err(|e| FsError::io(format!("open {}", p.display()), e.into()))
}

/// Writes `source` under `top` (or only its contents at the archive root).
fn write_source<W: Write>(
    tar: &mut TarWriter<W>,
    source: &Entry,
    top: Option<&[u8]>,
) -> io::Result<()> {
    match (top, &source.kind) {
        (None, Kind::Dir(d)) => tar.contents(b"", d),
        (None, _) => tar.entry(source.name.as_bytes(), source),
        (Some(t), kind) => {
            tar.entry(t, source)?;
            if let Kind::Dir(d) = kind {
                tar.contents(t, d)?;
            }
            Ok(())
        }
    }
}

/// Runs `produce` on a thread writing a tar into a pipe while the pipe is
/// extracted into `dir`; returns the size of the tar (what docker reports).
fn pump<F>(store: &Store, dir: &OwnedFd, what: &str, produce: F) -> Result<u64>
where
    F: FnOnce(tree::PipeWriter) -> io::Result<()> + Send + 'static,
{
    let (reader, writer) = tree::pipe();
    let producer = std::thread::spawn(move || produce(writer));
    let extracted = extract_into(store, dir, what, reader);
    let produced = producer
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the archive writer panicked")));
    match (extracted, produced) {
        (Ok(n), Ok(())) => Ok(n),
        (Err(e), Ok(())) => Err(e),
        (Err(e), Err(p)) if p.kind() == io::ErrorKind::BrokenPipe => Err(e),
        (_, Err(p)) => Err(FsError::io(format!("read the source for {what}"), p)),
    }
}

/// Extracts a tar into the directory we hold, through its /proc/self/fd
/// link (the extractor takes a path; this one names exactly our directory).
/// Returns the bytes of tar read.
fn extract_into(store: &Store, dir: &OwnedFd, what: &str, tar: impl Read) -> Result<u64> {
    let path = PathBuf::from(format!("/proc/self/fd/{}", dir.as_raw_fd()));
    let opts = ExtractOptions {
        rootless: store.paths().rootless,
        max_total_bytes: None,
    };
    let mut counted = Counted { inner: tar, n: 0 };
    extract_layer(&mut counted, &path, &opts)
        .map_err(|e| FsError::Invalid(format!("copying into {what}: {e}")))?;
    Ok(counted.n)
}

struct Counted<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
pub(super) mod tests_support {
    pub fn base(p: &str) -> Option<&[u8]> {
        super::base_name(p.as_bytes())
    }

    pub fn markers(p: &str) -> (bool, bool) {
        let s = super::spec(p);
        (s.contents_only, s.dir_only)
    }
}

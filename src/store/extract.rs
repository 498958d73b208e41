//! Extraction of an image layer (an uncompressed tar stream) into a layer
//! directory that overlayfs can use as a lower layer.
//!
//! The archive comes from strangers, so the rules are stricter than the `tar`
//! crate's own `unpack` (we use the crate only to parse):
//! - Member names are normalised like docker's `pkg/archive`: absolute names
//!   become relative to the layer root; a `..` that climbs out is an error.
//! - Nothing is ever written through a symlink: parents are walked with
//!   `O_NOFOLLOW` (see `safe_fs`), so a member under a symlink that an
//!   earlier member created is refused. Symlinks themselves are created as
//!   they are, whatever they point at: they are resolved inside the
//!   container's root later, never on the host here.
//! - Hard links must name a non-directory extracted earlier in this layer,
//!   reached without crossing a symlink.
//! - Whiteouts are converted to overlayfs form; aufs metadata is dropped.
//! - Later members replace earlier ones at the same path, except that a
//!   directory merges into an existing directory (as in docker).
//! - Directory modes and times are applied last, because creating entries
//!   changes a directory's mtime (and a read-only mode would stop rootless
//!   extraction into it).

mod meta;
mod safe_fs;
#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::rc::Rc;

use nix::errno::Errno;
use nix::fcntl::{open, openat, AtFlags, OFlag};
use nix::sys::stat::{
    fchmod, fchmodat, futimens, makedev, mknodat, mkdirat, utimensat, FchmodatFlags, Mode, SFlag,
    UtimensatFlags,
};
use nix::sys::time::TimeSpec;
use nix::unistd::{fchown, fchownat, linkat, symlinkat, Gid, Uid};
use tar::EntryType;

use meta::Meta;
use safe_fs::{kind, lstat, normalise, os, show, Resolve};

/// How to extract.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Extracting for a rootless store: device nodes are skipped (counted in
    /// [`ExtractStats::skipped_devices`]), ownership that cannot be mapped
    /// stays the caller's, and overlay xattrs use the `user.` namespace that
    /// overlayfs reads with `userxattr`. Without root (euid 0), ownership
    /// always stays the caller's.
    pub rootless: bool,
    /// Upper bound on the uncompressed tar stream (headers, contents and
    /// padding); passing it is an error. Guards against decompression bombs.
    pub max_total_bytes: Option<u64>,
}

/// What an extraction did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtractStats {
    /// Tar members read (including whiteouts and skipped ones).
    pub entries: u64,
    /// Bytes of regular-file content written.
    pub bytes: u64,
    /// Device nodes not created because they cannot be made rootless.
    pub skipped_devices: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("cannot open the layer directory {path}: {source}")]
    OpenDest { path: String, source: io::Error },
    #[error("the layer archive is truncated or corrupt ({source}); pull the image again")]
    Corrupt { source: io::Error },
    #[error("the layer archive ends inside member {entry:?}; pull the image again")]
    Truncated { entry: String },
    #[error(
        "the layer expands past the {limit}-byte limit; refusing it as a possible \
         decompression bomb"
    )]
    TooLarge { limit: u64 },
    #[error("layer member {entry:?} {problem}; the image is malformed or malicious, refusing it")]
    Unsafe { entry: String, problem: String },
    #[error("layer member {entry:?} has type {kind:?}, which berth cannot extract")]
    Unsupported { entry: String, kind: String },
    #[error("could not {op} layer member {entry:?}: {source}")]
    Fs {
        entry: String,
        op: &'static str,
        source: io::Error,
    },
}

/// Extracts the tar stream into `dest`, an existing empty directory that the
/// caller renames into place on `Ok` and discards on `Err`.
pub fn extract_layer<R: Read>(
    tar_stream: R,
    dest: &Path,
    opts: &ExtractOptions,
) -> Result<ExtractStats, ExtractError> {
    let root = open(dest, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
        .map_err(|e| ExtractError::OpenDest {
            path: dest.display().to_string(),
            source: e.into(),
        })?;
    let seen = Rc::new(Cell::new(0));
    let reader = Limited {
        inner: tar_stream,
        seen: Rc::clone(&seen),
        limit: opts.max_total_bytes,
    };
    let is_root = nix::unistd::geteuid().is_root();
    let mut ex = Extractor {
        root,
        chown: is_root,
        rootless: opts.rootless,
        privileged: is_root && !opts.rootless,
        stats: ExtractStats::default(),
        dirs: Vec::new(),
        buf: vec![0; 128 * 1024],
    };
    let too_large = |e: ExtractError| match opts.max_total_bytes {
        Some(limit) if seen.get() > limit => ExtractError::TooLarge { limit },
        _ => e,
    };
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|source| too_large(ExtractError::Corrupt { source }))?;
    for entry in entries {
        let mut entry = entry.map_err(|source| too_large(ExtractError::Corrupt { source }))?;
        ex.stats.entries += 1;
        ex.member(&mut entry).map_err(too_large)?;
    }
    // Read to the end so that a compressed stream's trailer (and checksum)
    // is checked and whoever hashes the stream sees all of it.
    io::copy(&mut archive.into_inner(), &mut io::sink())
        .map_err(|source| too_large(ExtractError::Corrupt { source }))?;
    ex.finish_dirs()?;
    Ok(ex.stats)
}

/// Counts the bytes read and fails once they pass the limit.
struct Limited<R> {
    inner: R,
    seen: Rc<Cell<u64>>,
    limit: Option<u64>,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let seen = self.seen.get().saturating_add(n as u64);
        self.seen.set(seen);
        match self.limit {
            Some(limit) if seen > limit => Err(io::Error::other("layer size limit exceeded")),
            _ => Ok(n),
        }
    }
}

/// A directory whose mode and times are applied after all members.
struct PendingDir {
    path: Vec<Vec<u8>>,
    mode: u32,
    mtime: TimeSpec,
}

struct Extractor {
    root: OwnedFd,
    chown: bool,
    rootless: bool,
    privileged: bool,
    stats: ExtractStats,
    dirs: Vec<PendingDir>,
    buf: Vec<u8>,
}

const WHITEOUT: &[u8] = b".wh.";
const AUFS_META: &[u8] = b".wh..wh.";
const OPAQUE: &[u8] = b".wh..wh..opq";

impl Extractor {
    fn member<R: Read>(&mut self, entry: &mut tar::Entry<'_, R>) -> Result<(), ExtractError> {
        let raw = entry.path_bytes().into_owned();
        let name = String::from_utf8_lossy(&raw).into_owned();
        let unsafe_member = |problem: &str| ExtractError::Unsafe {
            entry: name.clone(),
            problem: problem.to_owned(),
        };
        let mut typ = entry.header().entry_type();
        if typ.is_pax_global_extensions() {
            return Ok(());
        }
        // Old tars mark directories only by a trailing slash.
        if typ == EntryType::Regular && raw.ends_with(b"/") {
            typ = EntryType::Directory;
        }
        let comps = normalise(&raw).ok_or_else(|| unsafe_member("climbs out of the layer root"))?;
        if comps.iter().map(|c| c.len() + 1).sum::<usize>() > safe_fs::MAX_PATH_LEN {
            return Err(unsafe_member("has a path longer than 4096 bytes"));
        }
        // The root itself: docker leaves the layer root's metadata alone.
        let Some((&base, parents)) = comps.split_last() else {
            return Ok(());
        };
        // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs, ...) has no meaning
        // on overlayfs; hard links into .wh..wh.plnk are not supported.
        if parents.iter().any(|c| c.starts_with(AUFS_META)) {
            return Ok(());
        }
        let meta = meta::read(entry, &name)?;
        if base == OPAQUE {
            return self.opaque(parents, &name);
        }
        if base.starts_with(AUFS_META) {
            return Ok(());
        }
        if let Some(hidden) = base.strip_prefix(WHITEOUT) {
            if matches!(hidden, b"" | b"." | b"..") {
                return Err(unsafe_member("is a whiteout without a name"));
            }
            return self.whiteout(parents, hidden, &meta, &name);
        }

        let dir = self.parent(parents, &name)?;
        let dir = dir.as_fd();
        let base = os(base);
        let fs = |op: &'static str| {
            let entry = name.clone();
            move |source: io::Error| ExtractError::Fs { entry, op, source }
        };
        match typ {
            EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => {
                safe_fs::clear(dir, base, false).map_err(fs("replace"))?;
                let flags = OFlag::O_WRONLY
                    | OFlag::O_CREAT
                    | OFlag::O_EXCL
                    | OFlag::O_NOFOLLOW
                    | OFlag::O_CLOEXEC;
                let fd = openat(dir, base, flags, Mode::from_bits_truncate(0o600))
                    .map_err(|e| fs("create")(e.into()))?;
                let mut file = File::from(fd);
                self.copy(entry, &mut file, &name)?;
                self.own_fd(file.as_fd(), &meta).map_err(fs("chown"))?;
                // After chown, which clears setuid/setgid.
                fchmod(&file, mode(meta.mode)).map_err(|e| fs("chmod")(e.into()))?;
                self.xattrs(file.as_fd(), None, &meta, &name)?;
                futimens(&file, &meta.mtime, &meta.mtime)
                    .map_err(|e| fs("set times of")(e.into()))?;
            }
            EntryType::Directory => {
                if !safe_fs::clear(dir, base, true).map_err(fs("replace"))? {
                    mkdirat(dir, base, Mode::from_bits_truncate(0o700))
                        .map_err(|e| fs("create")(e.into()))?;
                }
                let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW;
                let fd = openat(dir, base, flags | OFlag::O_CLOEXEC, Mode::empty())
                    .map_err(|e| fs("open")(e.into()))?;
                self.own_fd(fd.as_fd(), &meta).map_err(fs("chown"))?;
                self.xattrs(fd.as_fd(), None, &meta, &name)?;
                self.dirs.push(PendingDir {
                    path: comps.iter().map(|c| c.to_vec()).collect(),
                    mode: meta.mode,
                    mtime: meta.mtime,
                });
            }
            EntryType::Symlink => {
                let target = entry
                    .link_name_bytes()
                    .ok_or_else(|| unsafe_member("is a symlink without a target"))?
                    .into_owned();
                safe_fs::clear(dir, base, false).map_err(fs("replace"))?;
                symlinkat(os(&target), dir, base).map_err(|e| fs("create")(e.into()))?;
                self.own_at(dir, base, &meta).map_err(fs("chown"))?;
                self.xattrs(dir, Some(base), &meta, &name)?;
                utimensat(dir, base, &meta.mtime, &meta.mtime, UtimensatFlags::NoFollowSymlink)
                    .map_err(|e| fs("set times of")(e.into()))?;
            }
            EntryType::Link => {
                let target = entry
                    .link_name_bytes()
                    .ok_or_else(|| unsafe_member("is a hard link without a target"))?
                    .into_owned();
                self.hardlink(dir, base, &comps, &target, &name)?;
            }
            EntryType::Char | EntryType::Block | EntryType::Fifo => {
                let (sflag, dev) = match typ {
                    EntryType::Fifo => (SFlag::S_IFIFO, 0),
                    _ if !self.privileged => {
                        // Device nodes cannot be made without real root;
                        // docker skips them in a user namespace too.
                        self.stats.skipped_devices += 1;
                        return Ok(());
                    }
                    t => {
                        let num = |v: io::Result<Option<u32>>| {
                            v.map(|n| u64::from(n.unwrap_or(0)))
                                .map_err(|source| ExtractError::Corrupt { source })
                        };
                        let major = num(entry.header().device_major())?;
                        let minor = num(entry.header().device_minor())?;
                        let sflag = if t == EntryType::Char {
                            SFlag::S_IFCHR
                        } else {
                            SFlag::S_IFBLK
                        };
                        (sflag, makedev(major, minor))
                    }
                };
                safe_fs::clear(dir, base, false).map_err(fs("replace"))?;
                match mknodat(dir, base, sflag, Mode::from_bits_truncate(0o600), dev) {
                    Ok(()) => {}
                    // A fifo may still be refused inside a user namespace.
                    Err(Errno::EPERM) if !self.privileged => {
                        self.stats.skipped_devices += 1;
                        return Ok(());
                    }
                    Err(e) => return Err(fs("create")(e.into())),
                }
                self.own_at(dir, base, &meta).map_err(fs("chown"))?;
                fchmodat(dir, base, mode(meta.mode), FchmodatFlags::NoFollowSymlink)
                    .map_err(|e| fs("chmod")(e.into()))?;
                self.xattrs(dir, Some(base), &meta, &name)?;
                utimensat(dir, base, &meta.mtime, &meta.mtime, UtimensatFlags::NoFollowSymlink)
                    .map_err(|e| fs("set times of")(e.into()))?;
            }
            other => {
                return Err(ExtractError::Unsupported {
                    entry: name,
                    kind: format!("{other:?}"),
                })
            }
        }
        Ok(())
    }

    fn parent(&self, parents: &[&[u8]], name: &str) -> Result<OwnedFd, ExtractError> {
        safe_fs::open_dir(self.root.as_fd(), parents, true).map_err(|r| resolve_error(r, name))
    }

    /// Copies the member's content, checking it is all there: the tar crate
    /// reports a stream that ends inside a member as a short read.
    fn copy<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        file: &mut File,
        name: &str,
    ) -> Result<(), ExtractError> {
        let expected = entry.size();
        let mut written = 0u64;
        loop {
            let n = match entry.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(source) => return Err(ExtractError::Corrupt { source }),
            };
            file.write_all(&self.buf[..n]).map_err(|source| ExtractError::Fs {
                entry: name.to_owned(),
                op: "write",
                source,
            })?;
            written += n as u64;
        }
        if written != expected {
            return Err(ExtractError::Truncated {
                entry: name.to_owned(),
            });
        }
        self.stats.bytes += written;
        Ok(())
    }

    fn hardlink(
        &self,
        dir: BorrowedFd<'_>,
        base: &OsStr,
        comps: &[&[u8]],
        target: &[u8],
        name: &str,
    ) -> Result<(), ExtractError> {
        let refuse = |why: String| ExtractError::Unsafe {
            entry: name.to_owned(),
            problem: format!(
                "is a hard link to {:?}, which {why}",
                String::from_utf8_lossy(target)
            ),
        };
        let tcomps = normalise(target).ok_or_else(|| refuse("is outside the layer root".into()))?;
        let Some((&tbase, tparents)) = tcomps.split_last() else {
            return Err(refuse("is the layer root".into()));
        };
        if tcomps == comps {
            // A link to itself: the file is already there.
            return Ok(());
        }
        let tdir = safe_fs::open_dir(self.root.as_fd(), tparents, false).map_err(|r| match r {
            Resolve::Symlink(p) => refuse(format!("goes through the symlink {p:?}")),
            Resolve::NotDir(p) => refuse(format!("goes through the non-directory {p:?}")),
            Resolve::Missing(_) => refuse("does not exist earlier in this layer".into()),
            Resolve::Io(p, e) => refuse(format!("cannot be resolved at {p:?} ({e})")),
        })?;
        let fs = |op: &'static str| {
            let entry = name.to_owned();
            move |source: io::Error| ExtractError::Fs { entry, op, source }
        };
        match lstat(tdir.as_fd(), os(tbase)).map_err(fs("look up the target of"))? {
            None => return Err(refuse("does not exist earlier in this layer".into())),
            Some(st) if kind(&st) == SFlag::S_IFDIR => {
                return Err(refuse("is a directory".into()))
            }
            Some(_) => {}
        }
        safe_fs::clear(dir, base, false).map_err(fs("replace"))?;
        // No AT_SYMLINK_FOLLOW: a link to a symlink links the symlink itself.
        linkat(tdir.as_fd(), os(tbase), dir, base, AtFlags::empty())
            .map_err(|e| fs("create")(e.into()))
    }

    /// `.wh.<name>`: hide `<name>` of the layers below.
    fn whiteout(
        &self,
        parents: &[&[u8]],
        hidden: &[u8],
        meta: &Meta,
        name: &str,
    ) -> Result<(), ExtractError> {
        let fs = |op: &'static str| {
            let entry = name.to_owned();
            move |source: io::Error| ExtractError::Fs { entry, op, source }
        };
        let dir = self.parent(parents, name)?;
        let hidden = os(hidden);
        safe_fs::clear(dir.as_fd(), hidden, false).map_err(fs("replace"))?;
        // Since Linux 5.8 anyone may create the 0:0 character device that
        // overlayfs reads as a whiteout.
        match mknodat(&dir, hidden, SFlag::S_IFCHR, Mode::empty(), 0) {
            Ok(()) => self.own_at(dir.as_fd(), hidden, meta).map_err(fs("chown")),
            Err(Errno::EPERM) => {
                // Older kernels without that: overlayfs (6.8+) also accepts,
                // in lower layers, an empty file carrying overlay.whiteout
                // inside a directory carrying overlay.whiteouts.
                let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW;
                let fd = openat(&dir, hidden, flags | OFlag::O_CLOEXEC, Mode::empty())
                    .map_err(|e| fs("create the whiteout for")(e.into()))?;
                let key = |k: &str| format!("{}overlay.{k}", self.overlay_prefix()).into_bytes();
                safe_fs::set_xattr_fd(fd.as_fd(), &key("whiteout"), b"")
                    .map_err(fs("mark as whiteout"))?;
                safe_fs::set_xattr_fd(dir.as_fd(), &key("whiteouts"), b"")
                    .map_err(fs("mark the parent of"))
            }
            Err(e) => Err(fs("create the whiteout for")(e.into())),
        }
    }

    /// `.wh..wh..opq`: the directory hides everything of the layers below.
    fn opaque(&self, dir: &[&[u8]], name: &str) -> Result<(), ExtractError> {
        let fd = self.parent(dir, name)?;
        let key = format!("{}overlay.opaque", self.overlay_prefix());
        safe_fs::set_xattr_fd(fd.as_fd(), key.as_bytes(), b"y").map_err(|source| {
            ExtractError::Fs {
                entry: name.to_owned(),
                op: "mark the directory opaque for",
                source,
            }
        })
    }

    fn overlay_prefix(&self) -> &'static str {
        // trusted.* needs CAP_SYS_ADMIN in the initial namespace; rootless
        // overlayfs (mounted with userxattr) reads user.overlay.* instead.
        if self.privileged {
            "trusted."
        } else {
            "user."
        }
    }

    fn own_fd(&self, fd: BorrowedFd<'_>, meta: &Meta) -> io::Result<()> {
        if !self.chown {
            return Ok(());
        }
        let ids = (Some(Uid::from_raw(meta.uid)), Some(Gid::from_raw(meta.gid)));
        self.tolerate_unmapped(fchown(fd, ids.0, ids.1))
    }

    fn own_at(&self, dir: BorrowedFd<'_>, name: &OsStr, meta: &Meta) -> io::Result<()> {
        if !self.chown {
            return Ok(());
        }
        let ids = (Some(Uid::from_raw(meta.uid)), Some(Gid::from_raw(meta.gid)));
        self.tolerate_unmapped(fchownat(dir, name, ids.0, ids.1, AtFlags::AT_SYMLINK_NOFOLLOW))
    }

    /// In a rootless user namespace, ids outside the mapping cannot be
    /// given (EINVAL); the file then keeps the caller's ownership.
    fn tolerate_unmapped(&self, res: nix::Result<()>) -> io::Result<()> {
        match res {
            Err(Errno::EINVAL | Errno::EPERM) if self.rootless => Ok(()),
            other => other.map_err(io::Error::from),
        }
    }

    /// Applies PAX xattrs. `security.capability` and `user.*` must stick
    /// (file capabilities and user data matter to the image) unless the
    /// filesystem cannot hold them; the rest is best effort, as in docker.
    /// Overlay's own attributes are never taken from an archive: they would
    /// let a layer forge whiteouts, opaque dirs or redirects.
    fn xattrs(
        &self,
        fd: BorrowedFd<'_>,
        at: Option<&OsStr>,
        meta: &Meta,
        name: &str,
    ) -> Result<(), ExtractError> {
        for (key, value) in &meta.xattrs {
            if key.starts_with(b"trusted.overlay.") || key.starts_with(b"user.overlay.") {
                continue;
            }
            let res = match at {
                None => safe_fs::set_xattr_fd(fd, key, value),
                Some(base) => safe_fs::set_xattr_at(fd, base, key, value),
            };
            let Err(err) = res else { continue };
            let required = key == b"security.capability" || key.starts_with(b"user.");
            let tolerable = err.raw_os_error() == Some(libc::EOPNOTSUPP)
                || (err.raw_os_error() == Some(libc::EPERM) && !self.privileged);
            if required && !tolerable && at.is_none() {
                return Err(ExtractError::Fs {
                    entry: name.to_owned(),
                    op: "set extended attributes on",
                    source: err,
                });
            }
        }
        Ok(())
    }

    /// Applies directory modes and mtimes, the last definition of a path
    /// winning. A directory that a later member replaced is left alone.
    fn finish_dirs(&mut self) -> Result<(), ExtractError> {
        let mut done: HashSet<&[Vec<u8>]> = HashSet::new();
        for pending in self.dirs.iter().rev() {
            if !done.insert(&pending.path) {
                continue;
            }
            let comps: Vec<&[u8]> = pending.path.iter().map(|c| c.as_slice()).collect();
            let Ok(fd) = safe_fs::open_dir(self.root.as_fd(), &comps, false) else {
                continue;
            };
            let fs = |op: &'static str| {
                let comps = &comps;
                move |e: Errno| ExtractError::Fs {
                    entry: show(comps),
                    op,
                    source: e.into(),
                }
            };
            fchmod(&fd, mode(pending.mode)).map_err(fs("chmod"))?;
            futimens(&fd, &pending.mtime, &pending.mtime).map_err(fs("set times of"))?;
        }
        Ok(())
    }
}

fn mode(bits: u32) -> Mode {
    Mode::from_bits_truncate(bits & 0o7777)
}

fn resolve_error(r: Resolve, name: &str) -> ExtractError {
    let problem = match r {
        Resolve::Symlink(p) => format!("would be written through the symlink {p:?}"),
        Resolve::NotDir(p) => format!("needs {p:?} to be a directory, but it is not"),
        Resolve::Missing(p) => format!("has a parent {p:?} that vanished"),
        Resolve::Io(p, source) => {
            return ExtractError::Fs {
                entry: name.to_owned(),
                op: "resolve the parent directory of",
                source: io::Error::new(source.kind(), format!("at {p:?}: {source}")),
            }
        }
    };
    ExtractError::Unsafe {
        entry: name.to_owned(),
        problem,
    }
}

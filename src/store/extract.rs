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

mod attrs;
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
    fchmod, fchmodat, futimens, makedev, mkdirat, mknodat, utimensat, FchmodatFlags, Mode, SFlag,
    UtimensatFlags,
};
use nix::sys::time::TimeSpec;
use nix::unistd::{linkat, symlinkat};
use tar::EntryType;

use super::tar_guard;
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
         decompression bomb (raise [storage] max_layer_size or BERTH_MAX_LAYER_SIZE for \
         larger layers)"
    )]
    TooLarge { limit: u64 },
    #[error(
        "a member of the layer has tar headers larger than {limit} bytes; refusing it as \
         malformed or malicious"
    )]
    HeaderTooLarge { limit: u64 },
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
    let root = open(
        dest,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
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
    let corrupt = |source: io::Error| {
        if tar_guard::is_header_too_large(&source) {
            ExtractError::HeaderTooLarge {
                limit: tar_guard::MAX_HEADER_BYTES,
            }
        } else {
            too_large(ExtractError::Corrupt { source })
        }
    };
    let (reader, header_budget) = tar_guard::guard(reader);
    let mut archive = tar::Archive::new(reader);
    let mut entries = archive.entries().map_err(corrupt)?;
    while let Some(entry) = header_budget.next(&mut entries) {
        let mut entry = entry.map_err(corrupt)?;
        ex.stats.entries += 1;
        ex.member(&mut entry).map_err(too_large)?;
        tar_guard::drain(&mut entry).map_err(corrupt)?;
    }
    // Read to the end so that a compressed stream's trailer (and checksum)
    // is checked and whoever hashes the stream sees all of it.
    io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(corrupt)?;
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
        let name = name.as_str();
        let mut typ = entry.header().entry_type();
        if typ.is_pax_global_extensions() {
            return Ok(());
        }
        // Old tars mark directories only by a trailing slash.
        if typ == EntryType::Regular && raw.ends_with(b"/") {
            typ = EntryType::Directory;
        }
        let comps =
            normalise(&raw).ok_or_else(|| unsafe_member(name, "climbs out of the layer root"))?;
        if comps.iter().map(|c| c.len() + 1).sum::<usize>() > safe_fs::MAX_PATH_LEN {
            return Err(unsafe_member(name, "has a path longer than 4096 bytes"));
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
        let meta = meta::read(entry, name)?;
        if base == OPAQUE {
            return self.opaque(parents, name);
        }
        if base.starts_with(AUFS_META) {
            return Ok(());
        }
        if let Some(hidden) = base.strip_prefix(WHITEOUT) {
            if matches!(hidden, b"" | b"." | b"..") {
                return Err(unsafe_member(name, "is a whiteout without a name"));
            }
            return self.whiteout(parents, hidden, &meta, name);
        }

        let dir = self.parent(parents, name)?;
        let at = At {
            dir: dir.as_fd(),
            base: os(base),
            name,
        };
        let link_name = |what: &str| {
            entry
                .link_name_bytes()
                .map(|l| l.into_owned())
                .ok_or_else(|| unsafe_member(name, &format!("is a {what} without a target")))
        };
        match typ {
            EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => {
                self.regular(&at, entry, &meta)
            }
            EntryType::Directory => self.directory(&at, &comps, &meta),
            EntryType::Symlink => {
                let target = link_name("symlink")?;
                self.symlink(&at, &target, &meta)
            }
            EntryType::Link => {
                let target = link_name("hard link")?;
                self.hardlink(&at, &comps, &target)
            }
            EntryType::Char | EntryType::Block | EntryType::Fifo => {
                self.special(&at, typ, entry.header(), &meta)
            }
            other => Err(ExtractError::Unsupported {
                entry: name.to_owned(),
                kind: format!("{other:?}"),
            }),
        }
    }

    fn regular<R: Read>(
        &mut self,
        at: &At<'_>,
        entry: &mut tar::Entry<'_, R>,
        meta: &Meta,
    ) -> Result<(), ExtractError> {
        safe_fs::clear(at.dir, at.base, false).map_err(at.fs("replace"))?;
        let flags =
            OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let fd = openat(at.dir, at.base, flags, Mode::from_bits_truncate(0o600))
            .map_err(at.fs("create"))?;
        let mut file = File::from(fd);
        self.copy(entry, &mut file, at.name)?;
        self.own_fd(file.as_fd(), meta).map_err(at.fs("chown"))?;
        // After chown, which clears setuid/setgid.
        fchmod(&file, mode(meta.mode)).map_err(at.fs("chmod"))?;
        // After the write and chown, which both drop security.capability.
        self.xattrs(file.as_fd(), None, meta, at.name)?;
        futimens(&file, &meta.mtime, &meta.mtime).map_err(at.fs("set times of"))
    }

    fn directory(&mut self, at: &At<'_>, comps: &[&[u8]], meta: &Meta) -> Result<(), ExtractError> {
        if !safe_fs::clear(at.dir, at.base, true).map_err(at.fs("replace"))? {
            mkdirat(at.dir, at.base, Mode::from_bits_truncate(0o700)).map_err(at.fs("create"))?;
        }
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let fd = openat(at.dir, at.base, flags, Mode::empty()).map_err(at.fs("open"))?;
        self.own_fd(fd.as_fd(), meta).map_err(at.fs("chown"))?;
        self.xattrs(fd.as_fd(), None, meta, at.name)?;
        self.dirs.push(PendingDir {
            path: comps.iter().map(|c| c.to_vec()).collect(),
            mode: meta.mode,
            mtime: meta.mtime,
        });
        Ok(())
    }

    fn symlink(&self, at: &At<'_>, target: &[u8], meta: &Meta) -> Result<(), ExtractError> {
        safe_fs::clear(at.dir, at.base, false).map_err(at.fs("replace"))?;
        symlinkat(os(target), at.dir, at.base).map_err(at.fs("create"))?;
        self.own_at(at.dir, at.base, meta).map_err(at.fs("chown"))?;
        self.xattrs(at.dir, Some(at.base), meta, at.name)?;
        utimensat(
            at.dir,
            at.base,
            &meta.mtime,
            &meta.mtime,
            UtimensatFlags::NoFollowSymlink,
        )
        .map_err(at.fs("set times of"))
    }

    /// Character and block devices, and fifos.
    fn special(
        &mut self,
        at: &At<'_>,
        typ: EntryType,
        header: &tar::Header,
        meta: &Meta,
    ) -> Result<(), ExtractError> {
        let (sflag, dev) = match typ {
            EntryType::Fifo => (SFlag::S_IFIFO, 0),
            _ if !self.privileged => {
                // Device nodes cannot be made without real root; docker
                // skips them in a user namespace too.
                self.stats.skipped_devices += 1;
                return Ok(());
            }
            t => {
                let num = |v: io::Result<Option<u32>>| {
                    v.map(|n| u64::from(n.unwrap_or(0)))
                        .map_err(|source| ExtractError::Corrupt { source })
                };
                let sflag = if t == EntryType::Char {
                    SFlag::S_IFCHR
                } else {
                    SFlag::S_IFBLK
                };
                let dev = makedev(num(header.device_major())?, num(header.device_minor())?);
                (sflag, dev)
            }
        };
        safe_fs::clear(at.dir, at.base, false).map_err(at.fs("replace"))?;
        match mknodat(at.dir, at.base, sflag, Mode::from_bits_truncate(0o600), dev) {
            Ok(()) => {}
            // A fifo may still be refused inside a user namespace.
            Err(Errno::EPERM) if !self.privileged => {
                self.stats.skipped_devices += 1;
                return Ok(());
            }
            Err(e) => return Err(at.fs("create")(e)),
        }
        self.own_at(at.dir, at.base, meta).map_err(at.fs("chown"))?;
        fchmodat(
            at.dir,
            at.base,
            mode(meta.mode),
            FchmodatFlags::NoFollowSymlink,
        )
        .map_err(at.fs("chmod"))?;
        self.xattrs(at.dir, Some(at.base), meta, at.name)?;
        utimensat(
            at.dir,
            at.base,
            &meta.mtime,
            &meta.mtime,
            UtimensatFlags::NoFollowSymlink,
        )
        .map_err(at.fs("set times of"))
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
            file.write_all(&self.buf[..n])
                .map_err(fs_err(name, "write"))?;
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

    fn hardlink(&self, at: &At<'_>, comps: &[&[u8]], target: &[u8]) -> Result<(), ExtractError> {
        let refuse = |why: &str| {
            let target = String::from_utf8_lossy(target);
            unsafe_member(
                at.name,
                &format!("is a hard link to {target:?}, which {why}"),
            )
        };
        let tcomps = normalise(target).ok_or_else(|| refuse("is outside the layer root"))?;
        let Some((&tbase, tparents)) = tcomps.split_last() else {
            return Err(refuse("is the layer root"));
        };
        if tcomps == comps {
            // A link to itself: the file is already there.
            return Ok(());
        }
        let missing = "does not exist earlier in this layer";
        let tdir = safe_fs::open_dir(self.root.as_fd(), tparents, false).map_err(|r| match r {
            Resolve::Symlink(p) => refuse(&format!("goes through the symlink {p:?}")),
            Resolve::NotDir(p) => refuse(&format!("goes through the non-directory {p:?}")),
            Resolve::Missing(_) => refuse(missing),
            Resolve::Io(p, e) => refuse(&format!("cannot be resolved at {p:?} ({e})")),
        })?;
        match lstat(tdir.as_fd(), os(tbase)).map_err(at.fs("look up the target of"))? {
            None => return Err(refuse(missing)),
            Some(st) if kind(&st) == SFlag::S_IFDIR => return Err(refuse("is a directory")),
            Some(_) => {}
        }
        safe_fs::clear(at.dir, at.base, false).map_err(at.fs("replace"))?;
        // No AT_SYMLINK_FOLLOW: a link to a symlink links the symlink itself.
        linkat(tdir.as_fd(), os(tbase), at.dir, at.base, AtFlags::empty()).map_err(at.fs("create"))
    }

    /// Applies directory modes and mtimes, the last definition of a path
    /// winning, deepest first so that a parent's mode (which may forbid
    /// writing, or searching when rootless) comes after its children's. A
    /// directory that a later member replaced is left alone.
    fn finish_dirs(&mut self) -> Result<(), ExtractError> {
        let mut seen: HashSet<&[Vec<u8>]> = HashSet::new();
        let mut last: Vec<&PendingDir> = (self.dirs.iter().rev())
            .filter(|d| seen.insert(&d.path))
            .collect();
        last.sort_by_key(|d| std::cmp::Reverse(d.path.len()));
        for pending in last {
            let comps: Vec<&[u8]> = pending.path.iter().map(|c| c.as_slice()).collect();
            let Ok(fd) = safe_fs::open_dir(self.root.as_fd(), &comps, false) else {
                continue;
            };
            let name = show(&comps);
            fchmod(&fd, mode(pending.mode)).map_err(fs_err(&name, "chmod"))?;
            futimens(&fd, &pending.mtime, &pending.mtime).map_err(fs_err(&name, "set times of"))?;
        }
        Ok(())
    }
}

/// Where a member goes: `base` inside the open directory `dir`.
struct At<'a> {
    dir: BorrowedFd<'a>,
    base: &'a OsStr,
    /// The member's name as written in the archive, for messages.
    name: &'a str,
}

impl<'a> At<'a> {
    fn fs<E: Into<io::Error>>(&self, op: &'static str) -> impl FnOnce(E) -> ExtractError + 'a {
        fs_err(self.name, op)
    }
}

fn fs_err<'a, E: Into<io::Error>>(
    entry: &'a str,
    op: &'static str,
) -> impl FnOnce(E) -> ExtractError + 'a {
    move |e| ExtractError::Fs {
        entry: entry.to_owned(),
        op,
        source: e.into(),
    }
}

fn unsafe_member(entry: &str, problem: &str) -> ExtractError {
    ExtractError::Unsafe {
        entry: entry.to_owned(),
        problem: problem.to_owned(),
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

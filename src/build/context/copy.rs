//! COPY: writing resolved sources into a mounted container root.
//!
//! docker's rules: the destination is a directory when it ends in `/` (or
//! `.`), when there are several sources, when a source is a directory, or
//! when it already is one in the container; then files keep their names in
//! it and a directory source's contents go into it. Otherwise a single file
//! is written under the destination's name. Missing directories on the way
//! are created (0755, owned as `--chown` says). Every path is resolved in
//! the container's root as a chroot would, so a symlink in the image never
//! sends a write outside it.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::{self, File, FileTimes, Permissions};
use std::io;
use std::os::unix::fs::{
    lchown, DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt,
};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nix::sys::stat::{mknod, Mode, SFlag};
use nix::sys::time::TimeVal;

use super::pattern::go_clean;
use super::resolve::{walk, Entry, ResolvedSource};
use super::{scoped, BuildContext, ContextError, Ignore};

/// How COPY/ADD write what they bring in.
#[derive(Debug, Clone, Default)]
pub struct CopyOptions {
    /// `--chown`, as numbers (the caller resolves names in the image).
    pub chown: Option<(u32, u32)>,
    /// `--chmod`, octal bits for every copied file and directory.
    pub chmod: Option<u32>,
    /// The stage's WORKDIR, which a relative destination is relative to.
    pub workdir: String,
}

/// Copies resolved sources to `dest` in the container root `rootfs`.
pub fn copy_into(
    rootfs: &Path,
    sources: &[ResolvedSource],
    dest: &str,
    opts: &CopyOptions,
    ctx: &BuildContext,
) -> Result<(), ContextError> {
    let target = Target::new(dest, opts, sources.len() > 1);
    let mut w = Writer::new(rootfs, opts);
    for src in sources {
        w.copy_source(src, &target, ctx.ignore())?;
    }
    w.finish()
}

/// A destination as written, placed in the container.
pub(super) struct Target {
    /// Absolute, cleaned, in the container.
    pub path: PathBuf,
    /// Written as a directory (`/` or `.` at the end), or several sources.
    pub dir: bool,
}

impl Target {
    pub fn new(dest: &str, opts: &CopyOptions, many: bool) -> Target {
        let dir_syntax = dest.ends_with('/')
            || matches!(dest, "." | "..")
            || dest.ends_with("/.")
            || dest.ends_with("/..");
        let joined = if dest.starts_with('/') {
            dest.to_owned()
        } else {
            format!("/{}/{dest}", opts.workdir)
        };
        Target {
            path: PathBuf::from(go_clean(&joined)),
            dir: dir_syntax || many,
        }
    }
}

/// Copies entries, remembering directory metadata to apply last (adding
/// entries changes a directory's mtime).
pub(super) struct Writer<'a> {
    rootfs: &'a Path,
    opts: &'a CopyOptions,
    pending: Vec<(PathBuf, u32, SystemTime, SystemTime)>,
    is_root: bool,
}

impl<'a> Writer<'a> {
    pub fn new(rootfs: &'a Path, opts: &'a CopyOptions) -> Writer<'a> {
        Writer {
            rootfs,
            opts,
            pending: Vec::new(),
            is_root: nix::unistd::geteuid().is_root(),
        }
    }

    pub fn copy_source(
        &mut self,
        src: &ResolvedSource,
        target: &Target,
        ignore: &Ignore,
    ) -> Result<(), ContextError> {
        let entries = walk(src, Some(ignore))?;
        let Some((top, below)) = entries.split_first() else {
            return Ok(());
        };
        let existing = scoped::resolve(self.rootfs, &target.path, true)?;
        if src.is_dir || target.dir || existing.is_dir() {
            let (dir, created) = self.ensure_dir(&target.path)?;
            if src.is_dir {
                if created {
                    self.own_and_mode(&dir, src, top)?;
                }
                return self.copy_below(src, &dir, below);
            }
            return self.place_nondir(src, &dir, &src.name, top);
        }
        let parent = target.path.parent().unwrap_or(Path::new("/"));
        let name = target.path.file_name().unwrap_or(OsStr::new(""));
        let (dir, _) = self.ensure_dir(parent)?;
        self.place_nondir(src, &dir, name, top)
    }

    /// Applies the directories' modes and times, deepest first.
    pub fn finish(self) -> Result<(), ContextError> {
        for (path, mode, atime, mtime) in self.pending.into_iter().rev() {
            fs::set_permissions(&path, Permissions::from_mode(mode))
                .map_err(ContextError::io("set the mode of", &path))?;
            let f = File::open(&path).map_err(ContextError::io("open", &path))?;
            f.set_times(FileTimes::new().set_accessed(atime).set_modified(mtime))
                .map_err(ContextError::io("set the times of", &path))?;
        }
        Ok(())
    }

    /// The directory at container path `path`, created (with parents) if
    /// missing; whether its last component was created.
    pub fn ensure_dir(&mut self, path: &Path) -> Result<(PathBuf, bool), ContextError> {
        let s = scoped::resolve(self.rootfs, path, true)?;
        let shown = || path.display().to_string();
        if let Some(m) = &s.meta {
            if !m.is_dir() {
                return Err(ContextError::NotADirectory {
                    path: shown(),
                    what: format!("/{}", s.rel().display()),
                });
            }
        }
        let mut host = s.host(self.rootfs);
        for comp in &s.missing {
            host.push(comp);
            fs::DirBuilder::new()
                .mode(0o755)
                .create(&host)
                .map_err(ContextError::io("create", &host))?;
            if let Some((uid, gid)) = self.opts.chown {
                self.chown(&host, uid, gid)?;
            }
        }
        Ok((host, !s.missing.is_empty()))
    }

    /// A directory source's contents into the directory `dir`.
    fn copy_below(
        &mut self,
        src: &ResolvedSource,
        dir: &Path,
        entries: &[Entry],
    ) -> Result<(), ContextError> {
        let mut dirs: HashMap<&Path, PathBuf> = HashMap::new();
        for e in entries {
            let parent_rel = e.rel.parent().unwrap_or(Path::new(""));
            let parent = match dirs.get(parent_rel) {
                Some(p) => p.clone(),
                None => dir.to_path_buf(),
            };
            let name = e.rel.file_name().unwrap_or(OsStr::new(""));
            if e.meta.is_dir() {
                let host = self.place_dir(src, &parent, name, e)?;
                dirs.insert(&e.rel, host);
            } else {
                self.place_nondir(src, &parent, name, e)?;
            }
        }
        Ok(())
    }

    fn place_dir(
        &mut self,
        src: &ResolvedSource,
        parent: &Path,
        name: &OsStr,
        e: &Entry,
    ) -> Result<PathBuf, ContextError> {
        let host = parent.join(name);
        match fs::symlink_metadata(&host) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() => {
                // An image's symlink to a directory: merge into where it
                // leads, inside the root.
                let inside = host.strip_prefix(self.rootfs).unwrap_or(&host);
                let s = scoped::resolve(self.rootfs, &Path::new("/").join(inside), true)?;
                if !s.is_dir() {
                    return Err(ContextError::NotADirectory {
                        path: format!("/{}", inside.display()),
                        what: format!("/{}", s.rel().display()),
                    });
                }
                return Ok(s.host(self.rootfs));
            }
            Ok(_) => {
                fs::remove_file(&host).map_err(ContextError::io("replace", &host))?;
                self.mkdir(&host)?;
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => self.mkdir(&host)?,
            Err(err) => return Err(ContextError::io("look up", &host)(err)),
        }
        self.own_and_mode(&host, src, e)?;
        Ok(host)
    }

    fn mkdir(&self, host: &Path) -> Result<(), ContextError> {
        fs::DirBuilder::new()
            .mode(0o700)
            .create(host)
            .map_err(ContextError::io("create", host))
    }

    /// Owner now, mode and times at the end.
    fn own_and_mode(
        &mut self,
        host: &Path,
        src: &ResolvedSource,
        e: &Entry,
    ) -> Result<(), ContextError> {
        let (uid, gid) = self.owner(src, e);
        self.chown(host, uid, gid)?;
        let mode = self.opts.chmod.unwrap_or(e.meta.mode() & 0o7777);
        self.pending
            .push((host.to_path_buf(), mode, atime(&e.meta), mtime(&e.meta)));
        Ok(())
    }

    /// A file, symlink or special file at `parent/name`, replacing what is
    /// there unless that is a directory.
    pub fn place_nondir(
        &mut self,
        src: &ResolvedSource,
        parent: &Path,
        name: &OsStr,
        e: &Entry,
    ) -> Result<(), ContextError> {
        let host = parent.join(name);
        match fs::symlink_metadata(&host) {
            Ok(m) if m.is_dir() => {
                return Err(ContextError::OverwriteDir {
                    source_path: src.rel.join(&e.rel).display().to_string(),
                    dest: host
                        .strip_prefix(self.rootfs)
                        .map(|p| format!("/{}", p.display()))
                        .unwrap_or_else(|_| host.display().to_string()),
                })
            }
            Ok(_) => fs::remove_file(&host).map_err(ContextError::io("replace", &host))?,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(ContextError::io("look up", &host)(err)),
        }
        let (uid, gid) = self.owner(src, e);
        let ft = e.meta.file_type();
        let mode = self.opts.chmod.unwrap_or(e.meta.mode() & 0o7777);
        if ft.is_symlink() {
            let target =
                fs::read_link(&e.host).map_err(ContextError::io("read the link", &e.host))?;
            std::os::unix::fs::symlink(&target, &host)
                .map_err(ContextError::io("create", &host))?;
            self.chown(&host, uid, gid)?;
            let (a, m) = (timeval(atime(&e.meta)), timeval(mtime(&e.meta)));
            return nix::sys::stat::lutimes(&host, &a, &m)
                .map_err(|err| ContextError::io("set the times of", &host)(err.into()));
        }
        if ft.is_file() {
            let mut from = File::open(&e.host).map_err(ContextError::io("read", &e.host))?;
            let mut to = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&host)
                .map_err(ContextError::io("create", &host))?;
            io::copy(&mut from, &mut to).map_err(ContextError::io("write", &host))?;
            drop(from);
            self.chown(&host, uid, gid)?;
            // After chown, which clears setuid/setgid.
            to.set_permissions(Permissions::from_mode(mode))
                .map_err(ContextError::io("set the mode of", &host))?;
            return to
                .set_times(
                    FileTimes::new()
                        .set_accessed(atime(&e.meta))
                        .set_modified(mtime(&e.meta)),
                )
                .map_err(ContextError::io("set the times of", &host));
        }
        let kind = if ft.is_fifo() {
            SFlag::S_IFIFO
        } else if ft.is_char_device() {
            SFlag::S_IFCHR
        } else if ft.is_block_device() {
            SFlag::S_IFBLK
        } else {
            // Sockets belong to a running process; docker skips them too.
            return Ok(());
        };
        mknod(&host, kind, Mode::from_bits_truncate(0o600), e.meta.rdev())
            .map_err(|err| ContextError::io("create", &host)(err.into()))?;
        self.chown(&host, uid, gid)?;
        fs::set_permissions(&host, Permissions::from_mode(mode))
            .map_err(ContextError::io("set the mode of", &host))
    }

    fn owner(&self, src: &ResolvedSource, e: &Entry) -> (u32, u32) {
        match (self.opts.chown, src.from_context) {
            (Some(ids), _) => ids,
            (None, true) => (0, 0),
            (None, false) => (e.meta.uid(), e.meta.gid()),
        }
    }

    fn chown(&self, host: &Path, uid: u32, gid: u32) -> Result<(), ContextError> {
        match lchown(host, Some(uid), Some(gid)) {
            Ok(()) => Ok(()),
            // Without root (and outside a user namespace that maps these
            // ids) files stay the builder's own, as with rootless layers.
            Err(e) if !self.is_root && e.raw_os_error() == Some(libc::EPERM) => Ok(()),
            Err(e) => Err(ContextError::io("change the owner of", host)(e)),
        }
    }
}

fn mtime(m: &fs::Metadata) -> SystemTime {
    stamp(m.mtime(), m.mtime_nsec())
}

fn atime(m: &fs::Metadata) -> SystemTime {
    stamp(m.atime(), m.atime_nsec())
}

fn stamp(secs: i64, nsecs: i64) -> SystemTime {
    let nanos = Duration::from_nanos(nsecs.clamp(0, 999_999_999) as u64);
    if secs >= 0 {
        UNIX_EPOCH + Duration::from_secs(secs as u64) + nanos
    } else {
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs()) + nanos
    }
}

fn timeval(t: SystemTime) -> TimeVal {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => TimeVal::new(d.as_secs() as i64, d.subsec_micros() as i64),
        Err(_) => TimeVal::new(0, 0),
    }
}

//! Overlay markers (whiteouts, opaque directories), ownership and extended
//! attributes of extracted members.

use std::ffi::OsStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};

use nix::errno::Errno;
use nix::fcntl::{openat, AtFlags, OFlag};
use nix::sys::stat::{mknodat, Mode, SFlag};
use nix::unistd::{fchown, fchownat, Gid, Uid};

use super::meta::Meta;
use super::safe_fs::{self, os};
use super::{fs_err, ExtractError, Extractor};

impl Extractor {
    /// `.wh.<name>`: hide `<name>` of the layers below.
    pub(super) fn whiteout(
        &self,
        parents: &[&[u8]],
        hidden: &[u8],
        meta: &Meta,
        name: &str,
    ) -> Result<(), ExtractError> {
        let dir = self.parent(parents, name)?;
        let hidden = os(hidden);
        safe_fs::clear(dir.as_fd(), hidden, false).map_err(fs_err(name, "replace"))?;
        // Since Linux 5.8 anyone may create the 0:0 character device that
        // overlayfs reads as a whiteout.
        match mknodat(&dir, hidden, SFlag::S_IFCHR, Mode::empty(), 0) {
            Ok(()) => self
                .own_at(dir.as_fd(), hidden, meta)
                .map_err(fs_err(name, "chown")),
            Err(Errno::EPERM) => {
                // Without that (older kernels), overlayfs 6.8+ also takes, in
                // a lower layer, an empty file carrying overlay.whiteout in a
                // directory carrying overlay.whiteouts.
                let flags = OFlag::O_WRONLY
                    | OFlag::O_CREAT
                    | OFlag::O_EXCL
                    | OFlag::O_NOFOLLOW
                    | OFlag::O_CLOEXEC;
                let fd = openat(&dir, hidden, flags, Mode::empty())
                    .map_err(fs_err(name, "create the whiteout for"))?;
                let key = |k: &str| format!("{}overlay.{k}", self.overlay_prefix()).into_bytes();
                safe_fs::set_xattr_fd(fd.as_fd(), &key("whiteout"), b"")
                    .map_err(fs_err(name, "mark as whiteout"))?;
                safe_fs::set_xattr_fd(dir.as_fd(), &key("whiteouts"), b"")
                    .map_err(fs_err(name, "mark the parent of"))
            }
            Err(e) => Err(fs_err(name, "create the whiteout for")(e)),
        }
    }

    /// `.wh..wh..opq`: the directory hides everything of the layers below.
    pub(super) fn opaque(&self, dir: &[&[u8]], name: &str) -> Result<(), ExtractError> {
        let fd = self.parent(dir, name)?;
        let key = format!("{}overlay.opaque", self.overlay_prefix());
        safe_fs::set_xattr_fd(fd.as_fd(), key.as_bytes(), b"y")
            .map_err(fs_err(name, "mark the directory opaque for"))
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

    pub(super) fn own_fd(&self, fd: BorrowedFd<'_>, meta: &Meta) -> io::Result<()> {
        if !self.chown {
            return Ok(());
        }
        let (uid, gid) = (Uid::from_raw(meta.uid), Gid::from_raw(meta.gid));
        self.tolerate_unmapped(fchown(fd, Some(uid), Some(gid)))
    }

    pub(super) fn own_at(&self, dir: BorrowedFd<'_>, name: &OsStr, meta: &Meta) -> io::Result<()> {
        if !self.chown {
            return Ok(());
        }
        let (uid, gid) = (Uid::from_raw(meta.uid), Gid::from_raw(meta.gid));
        let nofollow = AtFlags::AT_SYMLINK_NOFOLLOW;
        self.tolerate_unmapped(fchownat(dir, name, Some(uid), Some(gid), nofollow))
    }

    /// In a rootless user namespace, ids outside the mapping cannot be
    /// given (EINVAL); the file then keeps the caller's ownership.
    fn tolerate_unmapped(&self, res: nix::Result<()>) -> io::Result<()> {
        match res {
            Err(Errno::EINVAL | Errno::EPERM) if self.rootless => Ok(()),
            other => other.map_err(io::Error::from),
        }
    }

    /// Applies PAX xattrs to the open `fd`, or with `at` to that name inside
    /// the directory `fd` (symlinks and device nodes, which are not opened).
    /// On opened files `security.capability` and `user.*` must stick (file
    /// capabilities matter to the image) unless the filesystem or our
    /// privileges cannot hold them; the rest is best effort, as in docker.
    /// Overlay's own attributes are never taken from an archive: they would
    /// let a layer forge whiteouts, opaque directories or redirects.
    pub(super) fn xattrs(
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
                return Err(fs_err(name, "set extended attributes on")(err));
            }
        }
        Ok(())
    }
}

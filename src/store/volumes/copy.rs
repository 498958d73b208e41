//! Copying an image directory into a new volume (docker's copy-up):
//! contents, modes (setuid included), owners, times, symlinks, fifos and
//! device nodes. Hard links become separate copies; sockets are skipped
//! (they mean nothing without their listener); xattrs are not copied.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use nix::sys::stat::{lutimes, mknod, Mode, SFlag};
use nix::sys::time::TimeVal;

/// Copies `src` (a directory; followed if a symlink) to `dst`, which must not exist.
pub(super) fn copy_tree(src: &Path, dst: &Path, rootless: bool) -> io::Result<()> {
    let meta = fs::metadata(src)?;
    if !meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a directory", src.display()),
        ));
    }
    copy_dir(src, dst, &meta, rootless)
}

fn copy_dir(src: &Path, dst: &Path, meta: &fs::Metadata, rootless: bool) -> io::Result<()> {
    fs::create_dir(dst)?;
    // Writable by us while filling; the real mode is set after the children.
    fs::set_permissions(dst, fs::Permissions::from_mode(0o700))?;
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let from = entry.path();
        let to = dst.join(entry.file_name());
        let m = fs::symlink_metadata(&from)?;
        let ft = m.file_type();
        if ft.is_dir() {
            copy_dir(&from, &to, &m, rootless)?;
        } else if ft.is_file() {
            copy_file(&from, &to, &m, rootless)?;
        } else if ft.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&from)?, &to)?;
            finish(&to, &m, rootless, false)?;
        } else if ft.is_fifo() || ft.is_char_device() || ft.is_block_device() {
            let kind = if ft.is_fifo() {
                SFlag::S_IFIFO
            } else if ft.is_char_device() {
                SFlag::S_IFCHR
            } else {
                SFlag::S_IFBLK
            };
            mknod(&to, kind, Mode::from_bits_truncate(0o600), m.rdev())?;
            finish(&to, &m, rootless, true)?;
        }
    }
    finish(dst, meta, rootless, true)
}

fn copy_file(from: &Path, to: &Path, m: &fs::Metadata, rootless: bool) -> io::Result<()> {
    let mut src = File::open(from)?;
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)?;
    io::copy(&mut src, &mut out)?;
    drop(out);
    finish(to, m, rootless, true)
}

/// Owner, then mode (chown clears setuid bits), then times, of `path` as `m`'s.
fn finish(path: &Path, m: &fs::Metadata, rootless: bool, chmod: bool) -> io::Result<()> {
    if let Err(e) = std::os::unix::fs::lchown(path, Some(m.uid()), Some(m.gid())) {
        // A rootless user outside its user namespace cannot give files away;
        // the copy is still useful with the user's own ownership.
        if !(rootless && e.raw_os_error() == Some(libc::EPERM)) {
            return Err(e);
        }
    }
    if chmod {
        fs::set_permissions(path, fs::Permissions::from_mode(m.mode() & 0o7777))?;
    }
    let atime = TimeVal::new(m.atime(), m.atime_nsec() / 1000);
    let mtime = TimeVal::new(m.mtime(), m.mtime_nsec() / 1000);
    lutimes(path, &atime, &mtime).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn copies_modes_owners_times_links_and_fifos() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("src");
        fs::create_dir_all(src.join("sub")).expect("mkdir");
        fs::write(src.join("sub/file"), b"hello").expect("write");
        std::os::unix::fs::chown(src.join("sub/file"), Some(1234), Some(5678)).expect("chown");
        fs::set_permissions(src.join("sub/file"), fs::Permissions::from_mode(0o4750))
            .expect("chmod");
        fs::hard_link(src.join("sub/file"), src.join("hard")).expect("link");
        symlink("sub/file", src.join("link")).expect("symlink");
        nix::unistd::mkfifo(&src.join("fifo"), Mode::from_bits_truncate(0o640)).expect("fifo");
        fs::set_permissions(&src, fs::Permissions::from_mode(0o1777)).expect("chmod");
        let old = TimeVal::new(1_000_000, 0);
        lutimes(&src.join("sub/file"), &old, &old).expect("utimes");

        let dst = dir.path().join("dst");
        copy_tree(&src, &dst, false).expect("copy");

        let f = fs::symlink_metadata(dst.join("sub/file")).expect("file");
        assert_eq!(fs::read(dst.join("sub/file")).expect("read"), b"hello");
        assert_eq!(f.mode() & 0o7777, 0o4750);
        assert_eq!((f.uid(), f.gid()), (1234, 5678));
        assert_eq!(f.mtime(), 1_000_000);
        let h = fs::symlink_metadata(dst.join("hard")).expect("hard");
        assert_ne!(h.ino(), f.ino(), "hard links become copies");
        assert_eq!(
            fs::read_link(dst.join("link")).expect("readlink"),
            Path::new("sub/file")
        );
        let fifo = fs::symlink_metadata(dst.join("fifo")).expect("fifo");
        assert!(fifo.file_type().is_fifo());
        assert_eq!(fifo.mode() & 0o777, 0o640);
        let root = fs::metadata(&dst).expect("root");
        assert_eq!(root.mode() & 0o7777, 0o1777);
    }

    #[test]
    fn refuses_a_file_as_source() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("f");
        fs::write(&f, b"x").expect("write");
        assert!(copy_tree(&f, &dir.path().join("d"), false).is_err());
    }
}

use std::ffi::OsString;
use std::fs;
use std::os::fd::AsFd;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::Path;

use super::resolve::resolve;
use super::*;
use crate::store::diff::view::{file_kind, read_names};
use crate::store::diff::{open_root, Kind};

fn plain(root: &Path) -> Dir {
    Dir::new(vec![open_root(root).unwrap()], Whiteouts::Plain).unwrap()
}

/// A "container root" with symlinks that point out of it, and a host
/// directory with the same names that must never be reached.
fn rigged() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("root");
    let host = t.path().join("host");
    fs::create_dir_all(root.join("etc")).unwrap();
    fs::write(root.join("etc/passwd"), "container").unwrap();
    fs::create_dir_all(root.join("tmp")).unwrap();
    fs::create_dir_all(&host).unwrap();
    fs::write(host.join("passwd"), "HOST").unwrap();
    // Absolute, to a host path; and relative, climbing above the root.
    symlink(&host, root.join("tmp/abs")).unwrap();
    symlink("../../../../../../host", root.join("tmp/rel")).unwrap();
    symlink("/etc", root.join("tmp/etc")).unwrap();
    (t, root, host)
}

fn read_entry(e: &crate::store::diff::Entry) -> Vec<u8> {
    use std::io::Read;
    let fd = nix::fcntl::openat(
        e.parent.as_fd(),
        e.name.as_os_str(),
        nix::fcntl::OFlag::O_RDONLY | nix::fcntl::OFlag::O_NOFOLLOW,
        nix::sys::stat::Mode::empty(),
    )
    .unwrap();
    let mut out = Vec::new();
    fs::File::from(fd).read_to_end(&mut out).unwrap();
    out
}

#[test]
fn symlinks_resolve_inside_the_container_root() {
    let (_t, root, host) = rigged();
    let view = plain(&root);
    // /tmp/etc -> /etc is the container's /etc.
    let r = resolve(&view, b"/tmp/etc/passwd", false).unwrap();
    assert_eq!(read_entry(r.entry.as_ref().unwrap()), b"container");
    // An absolute link to a host directory lands inside the root, where
    // no such directory exists.
    let host_name = host.to_str().unwrap().to_string();
    assert!(resolve(&view, b"/tmp/abs/passwd", false).is_err());
    assert!(resolve(&view, format!("{host_name}/passwd").as_bytes(), false).is_err());
    // `..` stops at the root: ../../host is /host, which does not exist.
    assert!(resolve(&view, b"/tmp/rel/passwd", false).is_err());
    let r = resolve(&view, b"/../../../etc/passwd", false).unwrap();
    assert_eq!(read_entry(r.entry.as_ref().unwrap()), b"container");
}

#[test]
fn the_final_symlink_is_followed_only_when_asked() {
    let (_t, root, _host) = rigged();
    let view = plain(&root);
    let r = resolve(&view, b"/tmp/etc", false).unwrap();
    let e = r.entry.unwrap();
    assert_eq!(file_kind(&e.stat), nix::sys::stat::SFlag::S_IFLNK);
    let r = resolve(&view, b"/tmp/etc", true).unwrap();
    assert!(matches!(r.entry.unwrap().kind, Kind::Dir(_)));
    assert_eq!(r.parent_path, Vec::<OsString>::new());
    assert_eq!(r.name, Some(OsString::from("etc")));
    // A missing last component is free; a missing directory on the way is an error.
    let r = resolve(&view, b"/etc/newfile", false).unwrap();
    assert!(r.entry.is_none());
    assert!(matches!(
        resolve(&view, b"/nope/x", false),
        Err(FsError::NotFound(_))
    ));
}

#[test]
fn symlink_loops_are_an_error_not_a_hang() {
    let t = tempfile::tempdir().unwrap();
    symlink("b", t.path().join("a")).unwrap();
    symlink("a", t.path().join("b")).unwrap();
    let view = plain(t.path());
    assert!(matches!(
        resolve(&view, b"/a/x", false),
        Err(FsError::Invalid(_))
    ));
}

#[test]
fn writing_into_a_stopped_container_copies_directories_up() {
    let t = tempfile::tempdir().unwrap();
    let lower = t.path().join("lower");
    let upper = t.path().join("upper");
    fs::create_dir_all(lower.join("srv/data")).unwrap();
    fs::set_permissions(lower.join("srv"), fs::Permissions::from_mode(0o750)).unwrap();
    fs::create_dir_all(&upper).unwrap();
    let dirs = RootfsDirs {
        upper: upper.clone(),
        lowers: vec![lower.clone()],
        is_rootfs_dir: false,
    };
    let cfs = ContainerFs::Layers(dirs.merged().unwrap(), dirs);
    let path = [OsString::from("srv"), OsString::from("data")];
    let fd = cfs.writable_dir(&path).unwrap();
    assert!(read_names(fd.as_fd()).unwrap().is_empty());
    let meta = fs::metadata(upper.join("srv")).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o750, "copied-up dir keeps the mode");
    let lower_meta = fs::metadata(lower.join("srv")).unwrap();
    assert_eq!(meta.uid(), lower_meta.uid());
    assert!(upper.join("srv/data").is_dir());
    // A directory the merged view lacks is not invented.
    assert!(cfs.writable_dir(&[OsString::from("nope")]).is_err());
}

#[test]
fn docker_path_markers_are_read_from_the_text() {
    assert_eq!(copy::tests_support::base("/a/b/"), Some(&b"b"[..]));
    assert_eq!(copy::tests_support::base("/a/b/."), Some(&b"b"[..]));
    assert_eq!(copy::tests_support::base("/"), None);
    assert_eq!(copy::tests_support::markers("/a/."), (true, false));
    assert_eq!(copy::tests_support::markers("/a/"), (false, true));
    assert_eq!(copy::tests_support::markers("/a"), (false, false));
}

use std::collections::BTreeMap;
use std::ffi::CString;
use std::fs;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;

use nix::sys::stat::{mknod, Mode, SFlag};

use super::*;

fn whiteout(path: &Path) {
    mknod(path, SFlag::S_IFCHR, Mode::empty(), 0).unwrap();
}

fn set_xattr(path: &Path, key: &str, value: &[u8]) {
    let p = CString::new(path.as_os_str().as_bytes()).unwrap();
    let k = CString::new(key).unwrap();
    // SAFETY: NUL-terminated strings and a valid slice.
    let rc = unsafe {
        libc::lsetxattr(
            p.as_ptr(),
            k.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    assert_eq!(rc, 0, "setxattr {key} on {}", path.display());
}

/// Member name → (type, body or link target, PAX xattrs).
type Members = BTreeMap<String, (char, Vec<u8>, Vec<(String, Vec<u8>)>)>;

fn members(tar: &[u8]) -> Members {
    let mut out = BTreeMap::new();
    let mut a = tar::Archive::new(tar);
    for e in a.entries().unwrap() {
        let mut e = e.unwrap();
        let name = String::from_utf8(e.path_bytes().into_owned()).unwrap();
        let t = match e.header().entry_type() {
            tar::EntryType::Directory => 'd',
            tar::EntryType::Symlink => 'l',
            tar::EntryType::Link => 'h',
            tar::EntryType::Char => 'c',
            tar::EntryType::Fifo => 'p',
            _ => 'f',
        };
        let mut xattrs = Vec::new();
        if let Some(pax) = e.pax_extensions().unwrap() {
            for x in pax {
                let x = x.unwrap();
                if let Some(k) = x.key().unwrap().strip_prefix("SCHILY.xattr.") {
                    xattrs.push((k.to_string(), x.value_bytes().to_vec()));
                }
            }
        }
        let body = match t {
            'l' | 'h' => e.link_name_bytes().unwrap().into_owned(),
            _ => {
                let mut b = Vec::new();
                e.read_to_end(&mut b).unwrap();
                b
            }
        };
        out.insert(name, (t, body, xattrs));
    }
    out
}

/// A lower layer with /bin/ls, /bin/sh, /etc/conf, /data/old; an upper
/// that deletes /bin/ls, adds /new and /etc/new, replaces /data (opaque).
fn fixture() -> (tempfile::TempDir, RootfsDirs) {
    let t = tempfile::tempdir().unwrap();
    let lower = t.path().join("lower");
    let upper = t.path().join("upper");
    for d in ["bin", "etc", "data"] {
        fs::create_dir_all(lower.join(d)).unwrap();
    }
    fs::write(lower.join("bin/ls"), "ls").unwrap();
    fs::write(lower.join("bin/sh"), "sh").unwrap();
    fs::write(lower.join("etc/conf"), "conf").unwrap();
    fs::write(lower.join("data/old"), "old").unwrap();
    for d in ["bin", "etc", "data"] {
        fs::create_dir_all(upper.join(d)).unwrap();
    }
    whiteout(&upper.join("bin/ls"));
    fs::write(upper.join("new"), "new").unwrap();
    fs::write(upper.join("etc/new"), "n").unwrap();
    set_xattr(&upper.join("etc/new"), "user.note", b"hello");
    fs::hard_link(upper.join("etc/new"), upper.join("etc/new2")).unwrap();
    symlink("/etc/conf", upper.join("etc/link")).unwrap();
    set_xattr(&upper.join("data"), "user.overlay.opaque", b"y");
    fs::write(upper.join("data/fresh"), "fresh").unwrap();
    // Directory metadata different from the lower one: reported.
    fs::set_permissions(upper.join("etc"), fs::Permissions::from_mode(0o700)).unwrap();
    let dirs = RootfsDirs {
        upper,
        lowers: vec![lower],
        is_rootfs_dir: false,
    };
    (t, dirs)
}

#[test]
fn diff_reports_adds_changes_and_deletes_in_path_order() {
    let (_t, dirs) = fixture();
    let lines: Vec<String> = dirs
        .changes()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            "C /bin",
            "D /bin/ls",
            "C /data",
            "A /data/fresh",
            "C /etc",
            "A /etc/link",
            "A /etc/new",
            "A /etc/new2",
            "A /new",
        ]
    );
}

#[test]
fn layer_tar_converts_whiteouts_opaque_dirs_links_and_xattrs() {
    let (_t, dirs) = fixture();
    let mut out = Vec::new();
    write_layer(&dirs.upper, &mut out).unwrap();
    let m = members(&out);
    assert_eq!(m["bin/.wh.ls"].0, 'f');
    assert!(!m.contains_key("bin/ls"));
    assert_eq!(m["data/.wh..wh..opq"].0, 'f');
    assert_eq!(m["data/fresh"].1, b"fresh");
    assert_eq!(m["etc/new"].0, 'f');
    assert_eq!(
        m["etc/new"].2,
        [("user.note".to_string(), b"hello".to_vec())]
    );
    assert_eq!(m["etc/new2"], ('h', b"etc/new".to_vec(), vec![]));
    assert_eq!(m["etc/link"].0, 'l');
    assert_eq!(m["etc/link"].1, b"/etc/conf");
    // Overlay's own attributes never leak into a layer.
    assert!(m["data"].2.is_empty());
    let names: Vec<&String> = m.keys().collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    // Same tree, same bytes: commits are reproducible.
    let mut again = Vec::new();
    write_layer(&dirs.upper, &mut again).unwrap();
    assert_eq!(out, again);
}

#[test]
fn export_merges_layers_and_applies_whiteouts() {
    let (_t, dirs) = fixture();
    let mut out = Vec::new();
    dirs.export(&mut out).unwrap();
    let m = members(&out);
    assert!(m.contains_key("bin/sh"));
    assert!(!m.contains_key("bin/ls"), "whited out");
    assert!(!m.keys().any(|k| k.contains(".wh.")));
    assert!(!m.contains_key("data/old"), "hidden by the opaque dir");
    assert_eq!(m["data/fresh"].1, b"fresh");
    assert_eq!(m["etc/conf"].1, b"conf");
    assert_eq!(m["new"].1, b"new");
}

#[test]
fn walks_never_follow_symlinks_out_of_the_tree() {
    let t = tempfile::tempdir().unwrap();
    let outside = t.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("secret"), "s").unwrap();
    let upper = t.path().join("upper");
    fs::create_dir(&upper).unwrap();
    symlink(&outside, upper.join("escape")).unwrap();
    symlink("../outside", upper.join("rel")).unwrap();
    let mut out = Vec::new();
    write_layer(&upper, &mut out).unwrap();
    let m = members(&out);
    assert_eq!(m.keys().collect::<Vec<_>>(), ["escape", "rel"]);
    assert!(m.values().all(|v| v.0 == 'l'));
}

#[test]
fn whiteout_files_with_the_overlay_attribute_count_as_whiteouts() {
    let t = tempfile::tempdir().unwrap();
    let (lower, upper) = (t.path().join("l"), t.path().join("u"));
    fs::create_dir_all(&lower).unwrap();
    fs::create_dir_all(&upper).unwrap();
    fs::write(lower.join("gone"), "x").unwrap();
    fs::write(upper.join("gone"), "").unwrap();
    set_xattr(&upper.join("gone"), "user.overlay.whiteout", b"");
    let dirs = RootfsDirs {
        upper,
        lowers: vec![lower],
        is_rootfs_dir: false,
    };
    let lines: Vec<String> = dirs
        .changes()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(lines, ["D /gone"]);
    let mut out = Vec::new();
    dirs.export(&mut out).unwrap();
    assert!(members(&out).is_empty());
}

//! Extraction tests: archives are built in memory, often by hand, because
//! the `tar` builder refuses the hostile names we need to test.

use std::ffi::CString;
use std::fs;
use std::io::{Cursor, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;

use tar::{Builder, EntryType, Header};

use super::*;
use crate::store::compression::{decompressing_reader, gzip_writer};

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// Appends a member with raw (unvalidated) name and link name bytes.
fn raw(
    b: &mut Builder<Vec<u8>>,
    name: &str,
    typ: EntryType,
    link: &str,
    data: &[u8],
    tweak: impl FnOnce(&mut Header),
) {
    let mut h = Header::new_gnu();
    let gnu = h.as_gnu_mut().unwrap();
    gnu.name[..name.len()].copy_from_slice(name.as_bytes());
    gnu.linkname[..link.len()].copy_from_slice(link.as_bytes());
    h.set_entry_type(typ);
    h.set_size(data.len() as u64);
    h.set_mode(if typ == EntryType::Directory {
        0o755
    } else {
        0o644
    });
    h.set_mtime(1_600_000_000);
    tweak(&mut h);
    h.set_cksum();
    b.append(&h, data).unwrap();
}

fn file(b: &mut Builder<Vec<u8>>, name: &str, data: &[u8]) {
    raw(b, name, EntryType::Regular, "", data, |_| {});
}
fn dir(b: &mut Builder<Vec<u8>>, name: &str) {
    raw(b, name, EntryType::Directory, "", b"", |_| {});
}
fn symlink(b: &mut Builder<Vec<u8>>, name: &str, target: &str) {
    raw(b, name, EntryType::Symlink, target, b"", |_| {});
}
fn hardlink(b: &mut Builder<Vec<u8>>, name: &str, target: &str) {
    raw(b, name, EntryType::Link, target, b"", |_| {});
}

fn archive(build: impl FnOnce(&mut Builder<Vec<u8>>)) -> Vec<u8> {
    let mut b = Builder::new(Vec::new());
    build(&mut b);
    b.into_inner().unwrap()
}

/// A temp dir holding an empty `layer` directory to extract into, so that
/// escapes land in the temp dir where the test can see them.
struct Sandbox {
    tmp: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("layer")).unwrap();
        Sandbox { tmp }
    }
    fn layer(&self) -> std::path::PathBuf {
        self.tmp.path().join("layer")
    }
    fn extract(&self, tar: Vec<u8>) -> Result<ExtractStats, ExtractError> {
        self.extract_with(tar, &ExtractOptions::default())
    }
    fn extract_with(&self, tar: Vec<u8>, o: &ExtractOptions) -> Result<ExtractStats, ExtractError> {
        extract_layer(Cursor::new(tar), &self.layer(), o)
    }
    /// Everything in the temp dir outside the layer.
    fn outside(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "layer")
            .collect();
        names.sort();
        names
    }
}

fn xattr(path: &Path, key: &str) -> Option<Vec<u8>> {
    let p = CString::new(path.as_os_str().as_bytes()).unwrap();
    let k = CString::new(key).unwrap();
    let mut buf = [0u8; 256];
    // SAFETY: valid C strings and a buffer of the stated length.
    let n = unsafe { libc::lgetxattr(p.as_ptr(), k.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    (n >= 0).then(|| buf[..n as usize].to_vec())
}

fn assert_unsafe(res: Result<ExtractStats, ExtractError>, entry: &str, words: &str) {
    match res {
        Err(ExtractError::Unsafe { entry: e, problem }) => {
            assert_eq!(e, entry);
            assert!(
                problem.contains(words),
                "{problem:?} should mention {words:?}"
            );
        }
        other => panic!("expected an unsafe-member error for {entry}, got {other:?}"),
    }
}

#[test]
fn extracts_files_dirs_symlinks_and_hardlinks() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        dir(b, "etc/");
        file(b, "etc/hosts", b"127.0.0.1 localhost\n");
        symlink(b, "etc/link", "hosts");
        symlink(b, "etc/abs", "/usr/share/zoneinfo/UTC");
        hardlink(b, "etc/hard", "etc/hosts");
        file(b, "./usr/bin/tool", b"#!/bin/sh\n");
    });
    let stats = sb.extract(tar).unwrap();
    assert_eq!(stats.entries, 6);
    assert_eq!(stats.bytes, 20 + 10);
    let l = sb.layer();
    assert_eq!(
        fs::read(l.join("etc/hosts")).unwrap(),
        b"127.0.0.1 localhost\n"
    );
    assert_eq!(
        fs::read_link(l.join("etc/link")).unwrap(),
        Path::new("hosts")
    );
    assert_eq!(
        fs::read_link(l.join("etc/abs")).unwrap(),
        Path::new("/usr/share/zoneinfo/UTC")
    );
    let a = fs::metadata(l.join("etc/hosts")).unwrap();
    let h = fs::metadata(l.join("etc/hard")).unwrap();
    assert_eq!((a.ino(), a.nlink()), (h.ino(), 2));
    // The implicit parent `usr/bin` was created 0755.
    assert_eq!(
        fs::metadata(l.join("usr/bin")).unwrap().mode() & 0o7777,
        0o755
    );
    assert_eq!(
        fs::metadata(l.join("usr/bin/tool")).unwrap().mode() & 0o7777,
        0o644
    );
}

#[test]
fn dotdot_escaping_the_root_is_rejected() {
    let sb = Sandbox::new();
    let res = sb.extract(archive(|b| file(b, "../../etc/x", b"pwned")));
    assert_unsafe(res, "../../etc/x", "climbs out");
    let res = sb.extract(archive(|b| file(b, "a/../../x", b"pwned")));
    assert_unsafe(res, "a/../../x", "climbs out");
    assert!(sb.outside().is_empty());
}

#[test]
fn dotdot_inside_the_root_is_cleaned_like_docker() {
    let sb = Sandbox::new();
    sb.extract(archive(|b| file(b, "a/b/../c", b"ok"))).unwrap();
    assert_eq!(fs::read(sb.layer().join("a/c")).unwrap(), b"ok");
}

#[test]
fn absolute_names_are_relative_to_the_layer() {
    let sb = Sandbox::new();
    sb.extract(archive(|b| file(b, "/etc/abs", b"inside")))
        .unwrap();
    assert_eq!(fs::read(sb.layer().join("etc/abs")).unwrap(), b"inside");
}

#[test]
fn writing_through_an_absolute_symlink_fails_and_writes_nothing_outside() {
    let sb = Sandbox::new();
    // `a -> /`, then a member that would land in this test's temp dir if
    // the symlink were followed.
    let outside = sb.tmp.path().join("escaped");
    let through = format!("a{}", outside.display());
    let tar = archive(|b| {
        symlink(b, "a", "/");
        file(b, &through, b"pwned");
    });
    assert_unsafe(sb.extract(tar), &through, "symlink \"a\"");
    assert!(!outside.exists());
    assert!(sb.outside().is_empty());
}

#[test]
fn writing_through_a_dotdot_symlink_fails() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        symlink(b, "dir", "../..");
        file(b, "dir/x", b"pwned");
    });
    assert_unsafe(sb.extract(tar), "dir/x", "through the symlink");
    assert!(sb.outside().is_empty());
    // The symlink itself is harmless and was created as written.
    assert_eq!(
        fs::read_link(sb.layer().join("dir")).unwrap(),
        Path::new("../..")
    );
}

#[test]
fn a_directory_replacing_a_symlink_is_written_into_safely() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        symlink(b, "d", "..");
        dir(b, "d/");
        file(b, "d/x", b"in");
    });
    sb.extract(tar).unwrap();
    assert!(fs::symlink_metadata(sb.layer().join("d")).unwrap().is_dir());
    assert_eq!(fs::read(sb.layer().join("d/x")).unwrap(), b"in");
    assert!(sb.outside().is_empty());
}

#[test]
fn hardlink_outside_the_root_is_rejected() {
    let sb = Sandbox::new();
    let res = sb.extract(archive(|b| hardlink(b, "passwd", "../../etc/passwd")));
    assert_unsafe(res, "passwd", "outside the layer root");
    assert!(!sb.layer().join("passwd").exists());
}

#[test]
fn hardlink_through_a_symlink_is_rejected() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        symlink(b, "s", "/etc");
        hardlink(b, "passwd", "s/passwd");
    });
    assert_unsafe(sb.extract(tar), "passwd", "goes through the symlink \"s\"");
    assert!(fs::symlink_metadata(sb.layer().join("passwd")).is_err());
}

#[test]
fn hardlink_to_a_missing_or_directory_target_is_rejected() {
    let sb = Sandbox::new();
    let res = sb.extract(archive(|b| hardlink(b, "h", "nothing/here")));
    assert_unsafe(res, "h", "does not exist");
    let sb = Sandbox::new();
    let res = sb.extract(archive(|b| {
        dir(b, "d/");
        hardlink(b, "h", "d");
    }));
    assert_unsafe(res, "h", "is a directory");
}

#[test]
fn hardlink_to_a_symlink_links_the_symlink_itself() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        symlink(b, "s", "/etc/passwd");
        hardlink(b, "h", "s");
    });
    sb.extract(tar).unwrap();
    assert_eq!(
        fs::read_link(sb.layer().join("h")).unwrap(),
        Path::new("/etc/passwd")
    );
}

#[test]
fn whiteouts_become_overlay_whiteouts() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        dir(b, "dir/");
        file(b, "dir/.wh.gone", b"");
        dir(b, "op/");
        file(b, "op/.wh..wh..opq", b"");
        file(b, "op/kept", b"k");
    });
    sb.extract(tar).unwrap();
    let l = sb.layer();
    let gone = fs::symlink_metadata(l.join("dir/gone")).unwrap();
    assert!(gone.file_type().is_char_device());
    assert_eq!(gone.rdev(), 0);
    assert!(fs::symlink_metadata(l.join("dir/.wh.gone")).is_err());
    assert!(fs::symlink_metadata(l.join("op/.wh..wh..opq")).is_err());
    assert_eq!(fs::read(l.join("op/kept")).unwrap(), b"k");
    if is_root() {
        assert_eq!(
            xattr(&l.join("op"), "trusted.overlay.opaque").as_deref(),
            Some(&b"y"[..])
        );
    } else {
        assert_eq!(
            xattr(&l.join("op"), "user.overlay.opaque").as_deref(),
            Some(&b"y"[..])
        );
    }
}

#[test]
fn rootless_opaque_dirs_use_user_xattrs() {
    let sb = Sandbox::new();
    let opts = ExtractOptions {
        rootless: true,
        ..Default::default()
    };
    let tar = archive(|b| file(b, "op/.wh..wh..opq", b""));
    sb.extract_with(tar, &opts).unwrap();
    let op = sb.layer().join("op");
    assert_eq!(
        xattr(&op, "user.overlay.opaque").as_deref(),
        Some(&b"y"[..])
    );
    assert_eq!(xattr(&op, "trusted.overlay.opaque"), None);
}

#[test]
fn aufs_metadata_is_not_extracted() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        dir(b, ".wh..wh.plnk/");
        file(b, ".wh..wh.plnk/1234.5678", b"x");
        file(b, ".wh..wh.aufs", b"");
    });
    let stats = sb.extract(tar).unwrap();
    assert_eq!(stats.entries, 3);
    assert_eq!(fs::read_dir(sb.layer()).unwrap().count(), 0);
}

#[test]
fn directory_metadata_is_applied_after_its_contents() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        raw(b, "d/", EntryType::Directory, "", b"", |h| {
            h.set_mtime(1_000_000);
            h.set_mode(0o555);
        });
        file(b, "d/f", b"written into a read-only dir");
    });
    sb.extract(tar).unwrap();
    let d = fs::metadata(sb.layer().join("d")).unwrap();
    assert_eq!(d.mtime(), 1_000_000);
    assert_eq!(d.mode() & 0o7777, 0o555);
    assert_eq!(
        fs::metadata(sb.layer().join("d/f")).unwrap().mtime(),
        1_600_000_000
    );
}

#[test]
fn a_repeated_directory_keeps_its_contents() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        dir(b, "d/");
        file(b, "d/f", b"x");
        raw(b, "d/", EntryType::Directory, "", b"", |h| {
            h.set_mode(0o700)
        });
    });
    sb.extract(tar).unwrap();
    assert!(sb.layer().join("d/f").exists());
    let mode = fs::metadata(sb.layer().join("d"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o700);
}

#[test]
fn later_members_replace_earlier_ones() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        file(b, "x", b"file");
        dir(b, "x/");
        dir(b, "y/");
        file(b, "y/z", b"z");
        file(b, "y", b"now a file");
        file(b, "w", b"old");
        file(b, "w", b"new");
    });
    sb.extract(tar).unwrap();
    let l = sb.layer();
    assert!(fs::metadata(l.join("x")).unwrap().is_dir());
    assert_eq!(fs::read(l.join("y")).unwrap(), b"now a file");
    assert_eq!(fs::read(l.join("w")).unwrap(), b"new");
}

#[test]
fn setuid_bit_and_ownership_are_kept() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        raw(b, "bin/su", EntryType::Regular, "", b"elf", |h| {
            h.set_mode(0o4755);
            h.set_uid(1000);
            h.set_gid(1001);
        });
    });
    sb.extract(tar).unwrap();
    let m = fs::metadata(sb.layer().join("bin/su")).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o4755);
    if is_root() {
        assert_eq!((m.uid(), m.gid()), (1000, 1001));
    }
}

#[test]
fn pax_xattrs_and_long_names_are_applied_but_overlay_xattrs_are_not() {
    let sb = Sandbox::new();
    let long = format!("{}/file", "long-directory-name".repeat(8));
    let tar = archive(|b| {
        b.append_pax_extensions([
            ("SCHILY.xattr.user.note", &b"hello"[..]),
            ("SCHILY.xattr.trusted.overlay.opaque", &b"y"[..]),
        ])
        .unwrap();
        dir(b, "tagged/");
        let mut h = Header::new_gnu();
        h.set_size(4);
        h.set_mode(0o644);
        b.append_data(&mut h, &long, &b"long"[..]).unwrap();
    });
    sb.extract(tar).unwrap();
    let tagged = sb.layer().join("tagged");
    assert_eq!(xattr(&tagged, "user.note").as_deref(), Some(&b"hello"[..]));
    assert_eq!(xattr(&tagged, "trusted.overlay.opaque"), None);
    assert_eq!(fs::read(sb.layer().join(&long)).unwrap(), b"long");
}

#[test]
fn devices_are_skipped_rootless_and_created_as_root() {
    let tar = || {
        archive(|b| {
            raw(b, "dev/null", EntryType::Char, "", b"", |h| {
                h.set_device_major(1).unwrap();
                h.set_device_minor(3).unwrap();
                h.set_mode(0o666);
            });
            raw(b, "run/fifo", EntryType::Fifo, "", b"", |_| {});
        })
    };
    let sb = Sandbox::new();
    let opts = ExtractOptions {
        rootless: true,
        ..Default::default()
    };
    let stats = sb.extract_with(tar(), &opts).unwrap();
    assert_eq!(stats.skipped_devices, 1);
    assert!(fs::symlink_metadata(sb.layer().join("dev/null")).is_err());
    assert!(fs::symlink_metadata(sb.layer().join("run/fifo"))
        .unwrap()
        .file_type()
        .is_fifo());

    if is_root() {
        let sb = Sandbox::new();
        let stats = sb.extract(tar()).unwrap();
        assert_eq!(stats.skipped_devices, 0);
        let m = fs::symlink_metadata(sb.layer().join("dev/null")).unwrap();
        assert!(m.file_type().is_char_device());
        assert_eq!(m.rdev(), nix::sys::stat::makedev(1, 3));
        assert_eq!(m.mode() & 0o7777, 0o666);
    }
}

fn sample_layer() -> Vec<u8> {
    archive(|b| {
        dir(b, "data/");
        file(b, "data/blob", &b"layer content ".repeat(4096));
    })
}

fn check_sample(sb: &Sandbox) {
    let got = fs::read(sb.layer().join("data/blob")).unwrap();
    assert_eq!(got, b"layer content ".repeat(4096));
}

#[test]
fn gzip_and_zstd_layers_extract_through_the_sniffing_reader() {
    let mut gz = gzip_writer(Vec::new());
    gz.write_all(&sample_layer()).unwrap();
    let gz = gz.finish().unwrap();
    let zst = zstd::encode_all(&sample_layer()[..], 3).unwrap();
    for blob in [gz, zst, sample_layer()] {
        let sb = Sandbox::new();
        let reader = decompressing_reader(Cursor::new(blob)).unwrap();
        extract_layer(reader, &sb.layer(), &ExtractOptions::default()).unwrap();
        check_sample(&sb);
    }
}

#[test]
fn a_truncated_gzip_layer_is_an_error() {
    let mut gz = gzip_writer(Vec::new());
    gz.write_all(&sample_layer()).unwrap();
    let gz = gz.finish().unwrap();
    // Cut only the trailer: every tar member decodes, the checksum is lost.
    for cut in [gz.len() - 4, gz.len() / 2] {
        let sb = Sandbox::new();
        let reader = decompressing_reader(Cursor::new(gz[..cut].to_vec())).unwrap();
        let res = extract_layer(reader, &sb.layer(), &ExtractOptions::default());
        assert!(
            matches!(
                res,
                Err(ExtractError::Corrupt { .. } | ExtractError::Truncated { .. })
            ),
            "cut at {cut}: {res:?}"
        );
    }
}

#[test]
fn a_tar_ending_inside_a_file_is_an_error() {
    let tar = sample_layer();
    let sb = Sandbox::new();
    let res = sb.extract(tar[..2048].to_vec());
    assert!(matches!(res, Err(ExtractError::Truncated { ref entry }) if entry == "data/blob"));
}

#[test]
fn a_decompression_bomb_stops_at_the_limit() {
    let bomb = archive(|b| file(b, "zeros", &vec![0u8; 8 << 20]));
    let mut gz = gzip_writer(Vec::new());
    gz.write_all(&bomb).unwrap();
    let gz = gz.finish().unwrap();
    assert!(gz.len() < 100 << 10, "the bomb should compress well");
    let sb = Sandbox::new();
    let opts = ExtractOptions {
        max_total_bytes: Some(1 << 20),
        ..Default::default()
    };
    let reader = decompressing_reader(Cursor::new(gz)).unwrap();
    let res = extract_layer(reader, &sb.layer(), &opts);
    assert!(
        matches!(res, Err(ExtractError::TooLarge { limit }) if limit == 1 << 20),
        "{res:?}"
    );
}

#[test]
fn a_whiteout_without_a_name_is_rejected() {
    let sb = Sandbox::new();
    assert_unsafe(
        sb.extract(archive(|b| file(b, "d/.wh.", b""))),
        "d/.wh.",
        "whiteout",
    );
}

#[test]
fn a_parent_listed_after_its_child_still_gets_both_modes() {
    let sb = Sandbox::new();
    let tar = archive(|b| {
        raw(b, "a/b/", EntryType::Directory, "", b"", |h| {
            h.set_mode(0o750)
        });
        raw(b, "a/", EntryType::Directory, "", b"", |h| {
            h.set_mode(0o500);
            h.set_mtime(2_000_000);
        });
    });
    sb.extract(tar).unwrap();
    let a = fs::metadata(sb.layer().join("a")).unwrap();
    assert_eq!((a.mode() & 0o7777, a.mtime()), (0o500, 2_000_000));
    let b = fs::metadata(sb.layer().join("a/b")).unwrap();
    assert_eq!(b.mode() & 0o7777, 0o750);
}

#[test]
fn a_corrupt_header_is_an_error() {
    let mut tar = sample_layer();
    tar[10] ^= 0xff; // inside the first member's name: the checksum no longer matches
    let sb = Sandbox::new();
    assert!(matches!(sb.extract(tar), Err(ExtractError::Corrupt { .. })));
}

#[test]
fn a_missing_destination_is_named_in_the_error() {
    let sb = Sandbox::new();
    let missing = sb.tmp.path().join("nope");
    let res = extract_layer(
        Cursor::new(sample_layer()),
        &missing,
        &ExtractOptions::default(),
    );
    assert!(matches!(res, Err(ExtractError::OpenDest { ref path, .. }) if path.ends_with("nope")));
}

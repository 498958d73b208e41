//! COPY into a container root: destination rules, ownership, modes,
//! symlinks in the image, ignored files.

use std::fs;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::Path;

use super::tests_resolve::{sample, write};
use super::*;

fn opts() -> CopyOptions {
    CopyOptions {
        workdir: "/".to_owned(),
        ..CopyOptions::default()
    }
}

fn copy(
    ctx: &BuildContext,
    rootfs: &Path,
    srcs: &[&str],
    dest: &str,
    o: &CopyOptions,
) -> Result<(), ContextError> {
    let srcs: Vec<String> = srcs.iter().map(|s| s.to_string()).collect();
    let resolved = ctx.resolve(&srcs)?;
    copy_into(rootfs, &resolved, dest, o, ctx)
}

fn mode(p: &Path) -> u32 {
    fs::symlink_metadata(p).unwrap().mode() & 0o7777
}

#[test]
fn a_single_file_to_a_new_name() {
    let (_d, ctx) = sample();
    let root = tempfile::tempdir().unwrap();
    copy(&ctx, root.path(), &["a.txt"], "/etc/app.conf", &opts()).unwrap();
    assert_eq!(
        fs::read_to_string(root.path().join("etc/app.conf")).unwrap(),
        "a"
    );
    assert!(root.path().join("etc").is_dir(), "parents are created");
}

#[test]
fn a_trailing_slash_or_many_sources_make_a_directory() {
    let (_d, ctx) = sample();
    let root = tempfile::tempdir().unwrap();
    copy(&ctx, root.path(), &["a.txt"], "/one/", &opts()).unwrap();
    assert_eq!(
        fs::read_to_string(root.path().join("one/a.txt")).unwrap(),
        "a"
    );
    copy(&ctx, root.path(), &["*.txt"], "/many", &opts()).unwrap();
    assert!(root.path().join("many/a.txt").is_file() && root.path().join("many/b.txt").is_file());
    // An existing directory receives the file under its own name.
    fs::create_dir(root.path().join("existing")).unwrap();
    copy(&ctx, root.path(), &["c.md"], "/existing", &opts()).unwrap();
    assert!(root.path().join("existing/c.md").is_file());
}

#[test]
fn a_directory_source_copies_its_contents_and_skips_ignored_files() {
    let (_d, ctx) = sample();
    let root = tempfile::tempdir().unwrap();
    copy(&ctx, root.path(), &["src"], "/app", &opts()).unwrap();
    assert!(root.path().join("app/main.rs").is_file());
    assert!(root.path().join("app/lib/util.rs").is_file());
    assert!(!root.path().join("app/src").exists());
    copy(&ctx, root.path(), &["."], "/all/", &opts()).unwrap();
    let all = root.path().join("all");
    assert!(all.join("docs/keep.md").is_file());
    assert!(!all.join("docs/drop.md").exists());
    assert!(!all.join("node_modules").exists());
    assert!(!all.join("debug.log").exists());
}

#[test]
fn a_relative_destination_is_relative_to_workdir() {
    let (_d, ctx) = sample();
    let root = tempfile::tempdir().unwrap();
    let o = CopyOptions {
        workdir: "/srv/app".to_owned(),
        ..CopyOptions::default()
    };
    copy(&ctx, root.path(), &["a.txt"], ".", &o).unwrap();
    copy(&ctx, root.path(), &["b.txt"], "sub/b2.txt", &o).unwrap();
    assert!(root.path().join("srv/app/a.txt").is_file());
    assert!(root.path().join("srv/app/sub/b2.txt").is_file());
}

#[test]
fn context_files_land_as_root_unless_chown_says_otherwise() {
    let (d, ctx) = sample();
    std::os::unix::fs::chown(d.path().join("a.txt"), Some(1234), Some(1234)).ok();
    let root = tempfile::tempdir().unwrap();
    copy(&ctx, root.path(), &["a.txt"], "/plain/", &opts()).unwrap();
    let m = fs::metadata(root.path().join("plain/a.txt")).unwrap();
    if nix::unistd::geteuid().is_root() {
        assert_eq!((m.uid(), m.gid()), (0, 0));
    }
    fs::create_dir(root.path().join("pre")).unwrap();
    let o = CopyOptions {
        chown: Some((1000, 2000)),
        chmod: Some(0o640),
        workdir: "/".to_owned(),
    };
    copy(&ctx, root.path(), &["src"], "/pre/new/deeper/", &o).unwrap();
    if nix::unistd::geteuid().is_root() {
        let owner = |p: &str| {
            let m = fs::symlink_metadata(root.path().join(p)).unwrap();
            (m.uid(), m.gid())
        };
        assert_eq!(owner("pre/new/deeper/main.rs"), (1000, 2000));
        assert_eq!(owner("pre/new/deeper/lib"), (1000, 2000));
        assert_eq!(
            owner("pre/new"),
            (1000, 2000),
            "created dest directories too"
        );
        assert_eq!(
            owner("pre"),
            (0, 0),
            "an existing directory keeps its owner"
        );
    }
    assert_eq!(mode(&root.path().join("pre/new/deeper/main.rs")), 0o640);
    assert_eq!(mode(&root.path().join("pre/new/deeper/lib")), 0o640);
    assert_eq!(mode(&root.path().join("pre/new")), 0o755);
}

#[test]
fn modes_and_mtimes_are_kept_without_chmod() {
    let (d, ctx) = sample();
    fs::set_permissions(d.path().join("a.txt"), fs::Permissions::from_mode(0o751)).unwrap();
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_500_000_000);
    fs::File::options()
        .write(true)
        .open(d.path().join("a.txt"))
        .unwrap()
        .set_modified(when)
        .unwrap();
    let root = tempfile::tempdir().unwrap();
    copy(&ctx, root.path(), &["a.txt"], "/x", &opts()).unwrap();
    let m = fs::metadata(root.path().join("x")).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o751);
    assert_eq!(m.mtime(), 1_500_000_000);
}

#[test]
fn symlinks_below_a_source_are_copied_as_symlinks() {
    let (d, ctx) = sample();
    symlink("main.rs", d.path().join("src/alias.rs")).unwrap();
    symlink("/etc/shadow", d.path().join("src/abs")).unwrap();
    let root = tempfile::tempdir().unwrap();
    copy(&ctx, root.path(), &["src"], "/app/", &opts()).unwrap();
    assert_eq!(
        fs::read_link(root.path().join("app/alias.rs")).unwrap(),
        Path::new("main.rs")
    );
    assert_eq!(
        fs::read_link(root.path().join("app/abs")).unwrap(),
        Path::new("/etc/shadow")
    );
}

#[test]
fn a_symlink_in_the_destination_path_stays_inside_the_root() {
    let (_d, ctx) = sample();
    let outside = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    // An image whose /app is an absolute symlink to a host-looking path,
    // and whose /up climbs with `..`.
    symlink(outside.path(), root.path().join("app")).unwrap();
    symlink("../../../..", root.path().join("up")).unwrap();
    copy(&ctx, root.path(), &["a.txt"], "/app/", &opts()).unwrap();
    copy(&ctx, root.path(), &["b.txt"], "/up/tmp/", &opts()).unwrap();
    assert_eq!(
        fs::read_dir(outside.path()).unwrap().count(),
        0,
        "nothing written outside"
    );
    let inside = root
        .path()
        .join(outside.path().strip_prefix("/").unwrap())
        .join("a.txt");
    assert!(inside.is_file(), "the link was resolved inside the root");
    assert!(root.path().join("tmp/b.txt").is_file());
}

#[test]
fn merging_into_an_image_directory_behind_a_symlink() {
    let (d, ctx) = sample();
    write(d.path(), "tree/bin/tool", "t");
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("usr/bin")).unwrap();
    symlink("usr/bin", root.path().join("bin")).unwrap();
    copy(&ctx, root.path(), &["tree"], "/", &opts()).unwrap();
    assert!(root.path().join("usr/bin/tool").is_file());
    assert!(fs::symlink_metadata(root.path().join("bin"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_file_cannot_replace_a_directory_nor_go_under_a_file() {
    let (_d, ctx) = sample();
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("etc/conf/a.txt")).unwrap();
    let err = copy(&ctx, root.path(), &["a.txt"], "/etc/conf/", &opts()).unwrap_err();
    assert!(matches!(err, ContextError::OverwriteDir { .. }), "{err}");
    fs::write(root.path().join("file"), "f").unwrap();
    let err = copy(&ctx, root.path(), &["a.txt"], "/file/x", &opts()).unwrap_err();
    assert!(matches!(err, ContextError::NotADirectory { .. }), "{err}");
}

#[test]
fn an_existing_file_is_replaced() {
    let (_d, ctx) = sample();
    let root = tempfile::tempdir().unwrap();
    fs::write(root.path().join("target"), "old contents").unwrap();
    copy(&ctx, root.path(), &["a.txt"], "/target", &opts()).unwrap();
    assert_eq!(fs::read_to_string(root.path().join("target")).unwrap(), "a");
}

#[test]
fn copy_from_another_root_keeps_ownership() {
    if !nix::unistd::geteuid().is_root() {
        return;
    }
    let (_d, ctx) = sample();
    let stage = tempfile::tempdir().unwrap();
    write(stage.path(), "out/bin", "binary");
    std::os::unix::fs::chown(stage.path().join("out/bin"), Some(42), Some(43)).unwrap();
    let srcs = resolve_in_rootfs(stage.path(), &["/out/bin".to_owned()]).unwrap();
    let root = tempfile::tempdir().unwrap();
    copy_into(root.path(), &srcs, "/usr/local/bin/", &opts(), &ctx).unwrap();
    let m = fs::metadata(root.path().join("usr/local/bin/bin")).unwrap();
    assert_eq!((m.uid(), m.gid()), (42, 43));
}

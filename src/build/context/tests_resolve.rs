//! Contexts, source resolution and hashing, on temporary directories.

use std::fs;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::*;

pub(super) fn write(root: &Path, rel: &str, content: &str) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(p, content).unwrap();
}

/// A context with a little of everything.
pub(super) fn sample() -> (tempfile::TempDir, BuildContext) {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "Dockerfile", "FROM scratch\n");
    write(r, "a.txt", "a");
    write(r, "b.txt", "b");
    write(r, "c.md", "c");
    write(r, "src/main.rs", "fn main() {}");
    write(r, "src/lib/util.rs", "// util");
    write(r, "node_modules/x/index.js", "x");
    write(r, "docs/keep.md", "keep");
    write(r, "docs/drop.md", "drop");
    write(
        r,
        ".dockerignore",
        "node_modules\ndocs\n!docs/keep.md\n*.log\n",
    );
    write(r, "debug.log", "log");
    let ctx = BuildContext::from_dir(r, None).unwrap();
    (dir, ctx)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn rels(r: &[ResolvedSource]) -> Vec<String> {
    r.iter().map(|s| s.rel.display().to_string()).collect()
}

#[test]
fn globs_match_one_component_sorted() {
    let (_d, ctx) = sample();
    let r = ctx.resolve(&strings(&["*.txt"])).unwrap();
    assert_eq!(rels(&r), ["a.txt", "b.txt"]);
    let r = ctx.resolve(&strings(&["[ab].txt", "?.md"])).unwrap();
    assert_eq!(rels(&r), ["a.txt", "b.txt", "c.md"]);
    let r = ctx.resolve(&strings(&["src/*/*.rs"])).unwrap();
    assert_eq!(rels(&r), ["src/lib/util.rs"]);
    // `**` is two stars in COPY: it does not cross directories.
    let r = ctx.resolve(&strings(&["**.rs"]));
    assert!(matches!(r, Err(ContextError::NotFound { .. })));
}

#[test]
fn a_source_matching_nothing_is_not_found_with_docker_wording() {
    let (_d, ctx) = sample();
    let err = ctx.resolve(&strings(&["nope"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed to compute cache key: \"/nope\": not found"
    );
    assert!(ctx.resolve(&strings(&["*.zip"])).is_err());
}

#[test]
fn sources_may_not_leave_the_context() {
    let (_d, ctx) = sample();
    let err = ctx.resolve(&strings(&["../x"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "forbidden path outside the build context: ../x"
    );
    assert!(ctx.resolve(&strings(&["src/../../etc/passwd"])).is_err());
    // Cleaning first: this one stays inside.
    let r = ctx
        .resolve(&strings(&["src/../a.txt", "/b.txt", "./c.md"]))
        .unwrap();
    assert_eq!(rels(&r), ["a.txt", "b.txt", "c.md"]);
}

#[test]
fn a_directory_source_is_a_directory_and_dot_is_the_root() {
    let (d, ctx) = sample();
    let r = ctx.resolve(&strings(&["src", "."])).unwrap();
    assert!(r[0].is_dir && r[1].is_dir);
    assert_eq!(r[0].path, fs::canonicalize(d.path()).unwrap().join("src"));
    assert_eq!(r[1].rel, PathBuf::new());
}

#[test]
fn ignored_files_are_invisible() {
    let (_d, ctx) = sample();
    assert!(ctx.resolve(&strings(&["node_modules"])).is_err());
    assert!(ctx.resolve(&strings(&["debug.log"])).is_err());
    assert!(ctx.resolve(&strings(&["docs/drop.md"])).is_err());
    assert!(ctx.resolve(&strings(&["docs/keep.md"])).is_ok());
    // The directory holds an exception, so it resolves, with only that.
    let r = ctx.resolve(&strings(&["docs"])).unwrap();
    let entries = resolve::walk(&r[0], Some(ctx.ignore())).unwrap();
    let names: Vec<_> = entries
        .iter()
        .map(|e| e.rel.display().to_string())
        .collect();
    assert_eq!(names, ["", "keep.md"]);
    let r = ctx.resolve(&strings(&["*"])).unwrap();
    assert!(!rels(&r)
        .iter()
        .any(|n| n == "node_modules" || n == "debug.log"));
}

#[test]
fn walking_the_root_skips_ignored_trees() {
    let (_d, ctx) = sample();
    let r = ctx.resolve(&strings(&["."])).unwrap();
    let entries = resolve::walk(&r[0], Some(ctx.ignore())).unwrap();
    let names: Vec<_> = entries
        .iter()
        .map(|e| e.rel.display().to_string())
        .collect();
    assert!(names.contains(&"src/lib/util.rs".to_owned()));
    assert!(names.contains(&"docs/keep.md".to_owned()));
    assert!(!names
        .iter()
        .any(|n| n.starts_with("node_modules") || n == "docs/drop.md"));
}

#[test]
fn the_dockerfile_is_readable_even_when_ignored() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM busybox\n");
    write(dir.path(), ".dockerignore", "Dockerfile\n.dockerignore\n");
    let ctx = BuildContext::from_dir(dir.path(), None).unwrap();
    assert_eq!(ctx.dockerfile(None).unwrap(), "FROM busybox\n");
    assert!(ctx.resolve(&strings(&["Dockerfile"])).is_err());
}

#[test]
fn dockerfile_lookup_and_fallbacks() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = BuildContext::from_dir(dir.path(), None).unwrap();
    let err = ctx.dockerfile(None).unwrap_err();
    assert!(err.to_string().contains("-f"), "{err}");
    write(dir.path(), "dockerfile", "FROM lower\n");
    assert_eq!(ctx.dockerfile(None).unwrap(), "FROM lower\n");
    write(dir.path(), "build/app.Dockerfile", "FROM app\n");
    let name = Path::new("build/app.Dockerfile");
    assert_eq!(ctx.dockerfile(Some(name)).unwrap(), "FROM app\n");
    let abs = dir.path().join("build/app.Dockerfile");
    assert_eq!(ctx.dockerfile(Some(&abs)).unwrap(), "FROM app\n");
    assert!(ctx.dockerfile(Some(Path::new("missing"))).is_err());
}

#[test]
fn a_dockerfile_specific_ignore_file_wins() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", "a");
    write(dir.path(), "b.txt", "b");
    write(dir.path(), ".dockerignore", "a.txt\n");
    write(dir.path(), "app.Dockerfile.dockerignore", "b.txt\n");
    let df = Path::new("app.Dockerfile");
    let ctx = BuildContext::from_dir(dir.path(), Some(df)).unwrap();
    assert!(ctx.resolve(&strings(&["a.txt"])).is_ok());
    assert!(ctx.resolve(&strings(&["b.txt"])).is_err());
    let ctx = BuildContext::from_dir(dir.path(), Some(Path::new("Dockerfile"))).unwrap();
    assert!(ctx.resolve(&strings(&["a.txt"])).is_err());
}

#[test]
fn a_missing_context_directory_is_reported() {
    let err = BuildContext::from_dir(Path::new("/no/such/dir"), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unable to prepare context: path \"/no/such/dir\" not found"
    );
}

#[test]
fn symlinks_a_source_names_are_followed_inside_the_context() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "real/file.txt", "x");
    symlink("real", r.join("rel-link")).unwrap();
    symlink("/real/file.txt", r.join("abs-link")).unwrap();
    symlink("../../../../etc/passwd", r.join("escape")).unwrap();
    let ctx = BuildContext::from_dir(r, None).unwrap();
    let s = ctx.resolve(&strings(&["rel-link", "abs-link"])).unwrap();
    assert!(s[0].is_dir);
    assert_eq!(s[0].rel, PathBuf::from("real"));
    // An absolute target is relative to the context root.
    assert_eq!(s[1].rel, PathBuf::from("real/file.txt"));
    assert_eq!(s[1].name, "abs-link");
    // Climbing stops at the context root: /etc/passwd inside it is missing.
    assert!(matches!(
        ctx.resolve(&strings(&["escape"])),
        Err(ContextError::NotFound { .. })
    ));
}

#[test]
fn sources_in_another_root_allow_absolute_paths() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "usr/bin/tool", "#!/bin/sh\n");
    write(r, "out/a.bin", "1");
    write(r, "out/b.bin", "2");
    write(r, ".dockerignore", "out\n");
    let s = resolve_in_rootfs(r, &strings(&["/usr/bin/tool", "/out/*.bin", "../../out"])).unwrap();
    assert_eq!(rels(&s), ["usr/bin/tool", "out/a.bin", "out/b.bin", "out"]);
    assert!(s.iter().all(|x| !x.from_context));
}

#[test]
fn hashes_ignore_times_but_see_every_byte() {
    let (d, ctx) = sample();
    let srcs = ctx.resolve(&strings(&["."])).unwrap();
    let first = ctx.hash_sources(&srcs).unwrap();
    assert!(first.starts_with("sha256:") && first.len() == 71);
    let f = fs::File::options()
        .write(true)
        .open(d.path().join("a.txt"))
        .unwrap();
    f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000))
        .unwrap();
    assert_eq!(
        ctx.hash_sources(&srcs).unwrap(),
        first,
        "mtime must not matter"
    );
    // Ignored files do not count either.
    write(d.path(), "node_modules/x/index.js", "changed");
    assert_eq!(ctx.hash_sources(&srcs).unwrap(), first);
    write(d.path(), "src/lib/util.rs", "// utiL");
    let changed = ctx.hash_sources(&srcs).unwrap();
    assert_ne!(changed, first);
    write(d.path(), "src/lib/util.rs", "// util");
    assert_eq!(ctx.hash_sources(&srcs).unwrap(), first);
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(d.path().join("a.txt"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_ne!(ctx.hash_sources(&srcs).unwrap(), first, "mode bits count");
}

#[test]
fn hashes_see_renames_and_symlink_targets() {
    let (d, ctx) = sample();
    let srcs = ctx.resolve(&strings(&["src"])).unwrap();
    let first = ctx.hash_sources(&srcs).unwrap();
    fs::rename(d.path().join("src/main.rs"), d.path().join("src/main2.rs")).unwrap();
    let renamed = ctx.hash_sources(&srcs).unwrap();
    assert_ne!(renamed, first);
    symlink("main2.rs", d.path().join("src/link")).unwrap();
    let linked = ctx.hash_sources(&srcs).unwrap();
    fs::remove_file(d.path().join("src/link")).unwrap();
    symlink("lib", d.path().join("src/link")).unwrap();
    assert_ne!(ctx.hash_sources(&srcs).unwrap(), linked);
}

fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        // Written raw so that hostile names are kept as they are.
        let raw = &mut h.as_old_mut().name;
        raw[..name.len()].copy_from_slice(name.as_bytes());
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    b.into_inner().unwrap()
}

#[test]
fn tar_contexts_plain_and_gzip() {
    let tar = tar_of(&[
        ("Dockerfile", b"FROM scratch\n"),
        ("app/x.txt", b"x"),
        (".dockerignore", b"*.md\n"),
        ("r.md", b"r"),
    ]);
    let ctx = BuildContext::from_tar(std::io::Cursor::new(tar.clone())).unwrap();
    assert_eq!(ctx.dockerfile(None).unwrap(), "FROM scratch\n");
    assert_eq!(
        fs::read_to_string(ctx.root().join("app/x.txt")).unwrap(),
        "x"
    );
    assert!(
        ctx.resolve(&strings(&["r.md"])).is_err(),
        ".dockerignore applies"
    );
    let root = ctx.root().to_path_buf();
    drop(ctx);
    assert!(
        !root.exists(),
        "the unpacked context goes with the BuildContext"
    );

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    let ctx = BuildContext::from_tar(std::io::Cursor::new(gz.finish().unwrap())).unwrap();
    assert!(ctx.resolve(&strings(&["app/x.txt"])).is_ok());
}

#[test]
fn a_tar_context_that_climbs_out_is_refused() {
    let tar = tar_of(&[("ok.txt", b"ok"), ("../escaped.txt", b"evil")]);
    let err = BuildContext::from_tar(std::io::Cursor::new(tar)).unwrap_err();
    assert!(matches!(err, ContextError::BadContextTar(_)), "{err}");
    assert!(err.to_string().contains("../escaped.txt"), "{err}");
}

#[test]
fn an_empty_context_has_nothing() {
    let ctx = BuildContext::empty().unwrap();
    assert!(ctx.root().is_dir());
    assert!(ctx.resolve(&strings(&["anything"])).is_err());
    assert_eq!(ctx.resolve(&strings(&["."])).unwrap().len(), 1);
}

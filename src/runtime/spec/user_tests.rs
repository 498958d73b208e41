use super::*;

const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\n\
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n\
tester:x:1000:1000:Tester:/home/tester:/bin/sh\n";
const GROUP: &str =
    "root:x:0:\nwheel:x:10:tester,other\nusers:x:100:\naudio:x:29:tester\ntester:x:1000:\n";

fn rootfs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    std::fs::write(dir.path().join("etc/passwd"), PASSWD).unwrap();
    std::fs::write(dir.path().join("etc/group"), GROUP).unwrap();
    dir
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn default_user_is_root_with_its_home() {
    let r = rootfs();
    let u = resolve_user(r.path(), "", &[]).unwrap();
    assert_eq!((u.uid, u.gid, u.home.as_str()), (0, 0, "/root"));
    assert_eq!(u.additional_gids, vec![0]);
}

#[test]
fn name_gets_primary_gid_and_member_groups() {
    let r = rootfs();
    let u = resolve_user(r.path(), "tester", &[]).unwrap();
    assert_eq!(
        (u.uid, u.gid, u.home.as_str()),
        (1000, 1000, "/home/tester")
    );
    assert_eq!(u.additional_gids, vec![1000, 10, 29]);
}

#[test]
fn explicit_group_drops_member_groups() {
    let r = rootfs();
    let u = resolve_user(r.path(), "tester:wheel", &[]).unwrap();
    assert_eq!((u.uid, u.gid), (1000, 10));
    assert_eq!(u.additional_gids, vec![10]);
    let u = resolve_user(r.path(), "tester:4242", &[]).unwrap();
    assert_eq!(u.gid, 4242);
}

#[test]
fn numeric_ids_pass_through() {
    let r = rootfs();
    let u = resolve_user(r.path(), "1000", &[]).unwrap();
    assert_eq!(
        (u.uid, u.gid, u.home.as_str()),
        (1000, 1000, "/home/tester")
    );
    let u = resolve_user(r.path(), "4321:4321", &[]).unwrap();
    assert_eq!((u.uid, u.gid, u.home.as_str()), (4321, 4321, "/"));
    assert_eq!(u.additional_gids, vec![4321]);
}

#[test]
fn group_add_by_name_and_number() {
    let r = rootfs();
    let u = resolve_user(r.path(), "daemon", &s(&["users", "555", "wheel"])).unwrap();
    assert_eq!(u.additional_gids, vec![1, 100, 555, 10]);
    let e = resolve_user(r.path(), "daemon", &s(&["nosuchgroup"])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unable to find group nosuchgroup: no matching entries in group file"
    );
}

#[test]
fn unknown_names_error_like_docker() {
    let r = rootfs();
    let e = resolve_user(r.path(), "nobody", &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unable to find user nobody: no matching entries in passwd file"
    );
    assert!(matches!(e, SpecError::UnknownUser(_)));
    let e = resolve_user(r.path(), "tester:nogroup", &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unable to find group nogroup: no matching entries in group file"
    );
    let e = resolve_user(r.path(), "-5", &[]).unwrap_err();
    assert_eq!(e.to_string(), "uids and gids must be in range 0-2147483647");
}

#[test]
fn missing_passwd_allows_only_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let u = resolve_user(dir.path(), "123:456", &[]).unwrap();
    assert_eq!((u.uid, u.gid), (123, 456));
    assert!(matches!(
        resolve_user(dir.path(), "tester", &[]),
        Err(SpecError::UnknownUser(_))
    ));
}

/// A hostile image links /etc/passwd to a host file; we must read the
/// rootfs's own view (here: nothing), never the host's.
#[test]
fn symlinked_passwd_never_escapes_the_rootfs() {
    let outside = tempfile::tempdir().unwrap();
    let host_passwd = outside.path().join("passwd");
    std::fs::write(&host_passwd, "evil:x:4444:4444::/evil:/bin/sh\n").unwrap();

    let r = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(r.path().join("etc")).unwrap();
    std::os::unix::fs::symlink(&host_passwd, r.path().join("etc/passwd")).unwrap();
    let e = resolve_user(r.path(), "evil", &[]).unwrap_err();
    assert!(matches!(e, SpecError::UnknownUser(_)), "{e}");

    // A relative escape with `..` is clamped at the rootfs too.
    std::fs::remove_file(r.path().join("etc/passwd")).unwrap();
    let depth = r.path().components().count();
    let rel = format!(
        "{}{}",
        "../".repeat(depth + 2),
        host_passwd.display().to_string().trim_start_matches('/')
    );
    std::os::unix::fs::symlink(&rel, r.path().join("etc/passwd")).unwrap();
    assert!(matches!(
        resolve_user(r.path(), "evil", &[]),
        Err(SpecError::UnknownUser(_))
    ));
}

/// Symlinks that stay inside the rootfs resolve against it (absolute
/// targets restart at the rootfs), both with openat2 and by hand.
#[test]
fn symlinks_inside_the_rootfs_resolve_in_root() {
    let r = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(r.path().join("etc")).unwrap();
    std::fs::create_dir_all(r.path().join("real")).unwrap();
    std::fs::write(r.path().join("real/passwd"), PASSWD).unwrap();
    std::os::unix::fs::symlink("/real/passwd", r.path().join("etc/passwd")).unwrap();
    let u = resolve_user(r.path(), "tester", &[]).unwrap();
    assert_eq!(u.uid, 1000);

    let root =
        nix::fcntl::open(r.path(), OFlag::O_PATH | OFlag::O_DIRECTORY, Mode::empty()).unwrap();
    let fd = open_in_root_manually(&root, "etc/passwd", OFlag::O_RDONLY).unwrap();
    let text = read_regular(fd).unwrap().unwrap();
    assert!(text.contains("tester"));
}

#[test]
fn manual_walk_clamps_escapes() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "host").unwrap();
    let r = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(r.path().join("etc")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret"), r.path().join("etc/passwd")).unwrap();
    let root =
        nix::fcntl::open(r.path(), OFlag::O_PATH | OFlag::O_DIRECTORY, Mode::empty()).unwrap();
    assert_eq!(
        open_in_root_manually(&root, "etc/passwd", OFlag::O_RDONLY).err(),
        Some(Errno::ENOENT)
    );
    assert_eq!(
        open_in_root_manually(&root, "../../../../etc", OFlag::O_RDONLY)
            .map(|_| ())
            .err(),
        None
    );
}

#[test]
fn fifo_as_passwd_is_not_read() {
    let r = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(r.path().join("etc")).unwrap();
    nix::unistd::mkfifo(
        &r.path().join("etc/passwd"),
        Mode::from_bits_truncate(0o644),
    )
    .unwrap();
    let u = resolve_user(r.path(), "7", &[]).unwrap();
    assert_eq!(u.uid, 7);
}

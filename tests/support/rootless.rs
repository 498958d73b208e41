//! Unprivileged users for the rootless tests: made once per machine with
//! `useradd` (Debian's gives each a /etc/subuid and /etc/subgid range), and
//! stores that live in the user's home so that only that user can use them.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// A local account the rootless tests run berth as.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
}

/// `berthtest` with subordinate id ranges; `berthtest2` is a second, so
/// tests can check that two users do not see each other's containers.
pub fn user(name: &str) -> TestUser {
    ensure(name, true)
}

/// A user with no /etc/subuid range (`useradd -K SUB_UID_COUNT=0`).
pub fn user_without_ranges(name: &str) -> TestUser {
    ensure(name, false)
}

fn ensure(name: &str, ranges: bool) -> TestUser {
    static LOCK: OnceLock<Mutex<()>> = OnceLock::new();
    let _guard = LOCK
        .get_or_init(|| Mutex::new(()))
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if lookup(name).is_none() {
        let mut c = Command::new("useradd");
        c.args(["-m", "-s", "/bin/sh"]);
        if !ranges {
            c.args(["-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0"]);
        }
        let out = c
            .arg(name)
            .output()
            .unwrap_or_else(|e| panic!("run useradd (the rootless tests run as root): {e}"));
        assert!(
            out.status.success(),
            "useradd {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let user = lookup(name).unwrap_or_else(|| panic!("user {name} missing after useradd"));
    if ranges && !has_range("/etc/subuid", name) {
        let start = next_free_start();
        let range = format!("{start}-{}", start + 65535);
        let out = Command::new("usermod")
            .args(["--add-subuids", &range, "--add-subgids", &range, name])
            .output()
            .unwrap_or_else(|e| panic!("run usermod: {e}"));
        assert!(out.status.success(), "usermod {name}: {out:?}");
    }
    open_tun_device();
    user
}

fn lookup(name: &str) -> Option<TestUser> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() >= 7 && f[0] == name).then(|| TestUser {
            name: name.to_string(),
            uid: f[2].parse().unwrap_or(u32::MAX),
            gid: f[3].parse().unwrap_or(u32::MAX),
            home: PathBuf::from(f[5]),
        })
    })
}

fn has_range(file: &str, name: &str) -> bool {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .any(|l| l.split(':').next() == Some(name))
}

/// Past every range already handed out, so ranges never overlap.
fn next_free_start() -> u64 {
    let text = std::fs::read_to_string("/etc/subuid").unwrap_or_default();
    let end = text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            Some(f.get(1)?.parse::<u64>().ok()? + f.get(2)?.parse::<u64>().ok()?)
        })
        .max()
        .unwrap_or(100_000);
    end.max(100_000)
}

/// The first subordinate uid of `name` (where an image's uid 1 lands).
pub fn first_subuid(name: &str) -> u32 {
    std::fs::read_to_string("/etc/subuid")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.first() == Some(&name)).then(|| f.get(1)?.parse().ok())?
        })
        .unwrap_or_else(|| panic!("{name} has no /etc/subuid range"))
}

/// Rootless networking (pasta, slirp4netns) opens /dev/net/tun as the
/// user. Debian's udev rules make it 0666; some VM images ship it 0600,
/// which only root can use. Same fix as scripts/test.sh.
fn open_tun_device() {
    let path = "/dev/net/tun";
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o006 != 0o006 {
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666));
        }
    }
}

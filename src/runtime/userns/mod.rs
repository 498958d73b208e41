//! Rootless berth: every command an ordinary user runs works inside one user
//! namespace (inside uid 0 is the user, 1.. are the /etc/subuid ranges) and
//! one mount namespace, both held open by a tiny "pause" process so that all
//! of the user's berth processes share them, as podman does. Inside, berth
//! is root: layers extract with their real ownership (mapped into the
//! ranges), overlay mounts natively with `userxattr`, and containers are
//! cloned from there, so `exec`, `cp` and `rm` see the same mounts as `run`.
//!
//! berth joins in-process with setns(2) right after parsing its arguments,
//! while it is still single-threaded (the kernel requires that for user
//! namespaces); there is no re-exec. The monitor and other helpers berth
//! spawns inherit the namespaces and [`ROOTLESS_UID_ENV`].

mod pause;
pub mod subid;

use std::io;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::sched::CloneFlags;

/// Set by berth once it is inside its user namespace: the user's id on the
/// host. Children (the monitor, `berth unshare` shells) inherit it.
pub const ROOTLESS_UID_ENV: &str = "_BERTH_ROOTLESS_UID";

#[derive(Debug, thiserror::Error)]
pub enum UsernsError {
    #[error(
        "no subordinate {kind}s for user {user} in {file}: rootless berth maps them into its \
         user namespace; as root, run `usermod --add-subuids 100000-165535 --add-subgids \
         100000-165535 {user}`"
    )]
    NoRange {
        kind: &'static str,
        user: String,
        file: &'static str,
    },
    #[error(
        "{tool} is not installed; rootless berth needs it to map /etc/subuid ranges: install \
         Debian's `uidmap` package"
    )]
    MissingTool { tool: &'static str },
    #[error(
        "{tool} {pid} failed: {detail}; check the ranges for {user} in /etc/subuid and /etc/subgid"
    )]
    MapFailed {
        tool: &'static str,
        pid: i32,
        user: String,
        detail: String,
    },
    #[error(
        "cannot create a user namespace: {0}; unprivileged user namespaces must be enabled \
         (sysctl user.max_user_namespaces > 0, kernel.unprivileged_userns_clone=1)"
    )]
    Unshare(Errno),
    #[error(
        "{}: berth's rootless runtime directory must be a directory only you can use; remove \
         it or set XDG_RUNTIME_DIR",
        .0.display()
    )]
    UnsafeDir(PathBuf),
    #[error("join berth's user namespace (pause process {pid}): {errno}")]
    Join { pid: i32, errno: Errno },
    #[error("{what}: {source}")]
    Io { what: String, source: io::Error },
}

impl UsernsError {
    fn io(what: impl Into<String>, source: io::Error) -> Self {
        UsernsError::Io {
            what: what.into(),
            source,
        }
    }
}

/// Whether this process runs rootless: as an ordinary user, or as the user's
/// root inside berth's user namespace.
pub fn is_rootless() -> bool {
    !nix::unistd::geteuid().is_root() || (marked() && in_child_userns())
}

/// The invoking user's id on the host (what `id -u` said before berth
/// entered its namespace).
pub fn host_uid() -> u32 {
    std::env::var(ROOTLESS_UID_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| nix::unistd::getuid().as_raw())
}

/// Set once this process has joined the namespaces itself.
static JOINED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Rootless, and started inside berth's namespaces (from `berth unshare`
/// or as one of berth's own children) rather than joining them itself.
pub fn invoked_inside() -> bool {
    is_rootless() && !JOINED.load(std::sync::atomic::Ordering::Relaxed)
}

fn marked() -> bool {
    std::env::var_os(ROOTLESS_UID_ENV).is_some()
}

/// Whether the process is in a user namespace other than the host's.
pub fn in_child_userns() -> bool {
    static CACHE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CACHE.get_or_init(|| match std::fs::read_to_string("/proc/self/uid_map") {
        Ok(map) => !is_identity_map(&map),
        Err(_) => false,
    })
}

fn is_identity_map(map: &str) -> bool {
    let lines: Vec<Vec<&str>> = map
        .lines()
        .map(|l| l.split_whitespace().collect())
        .filter(|f: &Vec<&str>| !f.is_empty())
        .collect();
    lines.len() == 1 && lines[0] == ["0", "0", "4294967295"]
}

/// Puts the calling process into the user's berth namespaces, creating them
/// (and the pause process that holds them) on first use. A no-op as root,
/// and for processes berth already started inside. Must be called while the
/// process has a single thread.
pub fn enter() -> Result<(), UsernsError> {
    if nix::unistd::geteuid().is_root() {
        return Ok(());
    }
    let uid = nix::unistd::getuid().as_raw();
    let dir = private_runtime_dir(uid)?;
    let pid = match pause::find(&dir) {
        Some(pid) => pid,
        None => pause::find_or_create(&dir, uid)?,
    };
    join(pid)?;
    JOINED.store(true, std::sync::atomic::Ordering::Relaxed);
    // SAFETY (of set_var): berth is still single-threaded here.
    std::env::set_var(ROOTLESS_UID_ENV, uid.to_string());
    Ok(())
}

/// Joins the user, then the mount namespace of `pid`. Joining a mount
/// namespace moves the cwd to its root, so the cwd is restored by path
/// (the same tree: the namespace is a slave copy of the host's).
fn join(pid: i32) -> Result<(), UsernsError> {
    let open = |name: &str| {
        std::fs::File::open(format!("/proc/{pid}/ns/{name}"))
            .map_err(|e| UsernsError::io(format!("open /proc/{pid}/ns/{name}"), e))
    };
    let user = open("user")?;
    let mnt = open("mnt")?;
    let cwd = std::env::current_dir().ok();
    let cwd_fd = std::fs::File::open(".").ok();
    for (fd, flag) in [
        (user.as_fd(), CloneFlags::CLONE_NEWUSER),
        (mnt.as_fd(), CloneFlags::CLONE_NEWNS),
    ] {
        nix::sched::setns(fd, flag).map_err(|errno| UsernsError::Join { pid, errno })?;
    }
    let restored = cwd
        .as_deref()
        .is_some_and(|p| std::env::set_current_dir(p).is_ok());
    if !restored {
        if let Some(fd) = &cwd_fd {
            let _ = nix::unistd::fchdir(fd);
        }
    }
    Ok(())
}

/// The directory for the pause process's files (and the default rootless
/// runroot): `$XDG_RUNTIME_DIR/berth`, else `/tmp/berth-run-UID`. It must
/// be a directory the user owns that nobody else can write, or another
/// local user could hand berth a pause process of their own.
pub fn private_runtime_dir(uid: u32) -> Result<PathBuf, UsernsError> {
    let dir = default_runtime_dir(uid);
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    if let Some(parent) = dir.parent() {
        if !parent.exists() {
            std::fs::create_dir_all(parent)
                .map_err(|e| UsernsError::io(format!("create {}", parent.display()), e))?;
        }
    }
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(UsernsError::io(format!("create {}", dir.display()), e)),
    }
    let meta = std::fs::symlink_metadata(&dir)
        .map_err(|e| UsernsError::io(format!("inspect {}", dir.display()), e))?;
    if !meta.is_dir() || meta.uid() != uid || meta.mode() & 0o022 != 0 {
        return Err(UsernsError::UnsafeDir(dir));
    }
    Ok(dir)
}

/// Where [`private_runtime_dir`] lives, without creating it.
pub fn default_runtime_dir(uid: u32) -> PathBuf {
    match std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty()) {
        Some(d) if Path::new(&d).is_dir() => PathBuf::from(d).join("berth"),
        _ => std::env::temp_dir().join(format!("berth-run-{uid}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_map_is_the_identity() {
        assert!(is_identity_map("         0          0 4294967295\n"));
        assert!(!is_identity_map("0 1000 1\n1 100000 65536\n"));
        assert!(!is_identity_map("0 0 65536\n"));
        assert!(!is_identity_map(""));
    }
}

//! Attaching to a container that a monitor parents: `run -it`, `attach`,
//! `start -a -i`.
//!
//! A foreground container dies with its `berth` (PDEATHSIG), so detaching
//! needs a parent that stays: the monitor. It serves a unix socket at
//! `<runroot>/containers/<id>/attach.sock` (mode 0600); clients speak the
//! typed [`Frame`] protocol over it.
//!
//! ```text
//! berth attach (client)                    berth container-monitor (server)
//!   raw terminal; stdin ─ detach scan ─▶ Data ──▶ pty master / stdin pipe
//!   SIGWINCH ─────────────────────────▶ Resize ─▶ TIOCSWINSZ on the master
//!   stdout ◀──────────────── Data/Stderr ◀─ container output (also → log)
//!   exit with the code ◀──────────────── Exit ◀─ after the exit is recorded
//! ```
//!
//! - `proto`: the frames and their encoding;
//! - `keys`: `--detach-keys` parsing and the keystroke scanner;
//! - `server`: the monitor's side, polled inside its relay loop;
//! - `client`: the attaching terminal's side.

pub mod client;
pub mod keys;
pub mod proto;
pub mod server;

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

pub use client::{attach, ClientOptions, Outcome};
pub use keys::{DetachKeys, DetachScanner, DEFAULT_DETACH_KEYS};
pub use proto::{Frame, FrameReader};
pub use server::{AttachServer, Request};

use crate::store::StorePaths;

/// Why attaching failed.
#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error("invalid detach keys: unknown key {0:?}; use comma-separated single characters or ctrl-<letter|@|[|\\|]|^|_>, e.g. ctrl-p,ctrl-q")]
    DetachKeys(String),
    #[error("attach protocol error: {0}")]
    Protocol(String),
    /// No monitor serves the container: it runs in the foreground of
    /// another berth, or it has stopped.
    #[error("cannot attach to container {id}: no attach socket at {}; only containers started detached (run -d, run -it, start) can be attached", path.display())]
    NoSocket { id: String, path: PathBuf },
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl AttachError {
    pub fn io(what: impl Into<String>, source: std::io::Error) -> AttachError {
        AttachError::Io {
            what: what.into(),
            source,
        }
    }
}

/// Where the monitor of container `id` listens.
pub fn socket_path(paths: &StorePaths, id: &str) -> PathBuf {
    paths
        .runroot
        .join("containers")
        .join(id)
        .join("attach.sock")
}

/// sun_path holds 108 bytes including the NUL.
const SUN_PATH_MAX: usize = 107;

/// A path to `path` short enough for a socket address. Deep runroots (test
/// temp dirs plus a 64-hex id) overflow sun_path; then the address goes
/// through an `O_PATH` fd of the directory, as conmon does. The returned
/// fd must stay open while the address is used.
pub(crate) fn short_socket_path(path: &Path) -> std::io::Result<(PathBuf, Option<OwnedFd>)> {
    if path.as_os_str().len() <= SUN_PATH_MAX {
        return Ok((path.to_path_buf(), None));
    }
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok((path.to_path_buf(), None));
    };
    let fd = nix::fcntl::open(
        dir,
        nix::fcntl::OFlag::O_PATH | nix::fcntl::OFlag::O_CLOEXEC | nix::fcntl::OFlag::O_DIRECTORY,
        nix::sys::stat::Mode::empty(),
    )
    .map_err(std::io::Error::from)?;
    let short = PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd())).join(name);
    Ok((short, Some(fd)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_lives_under_the_runroot_per_container() {
        let paths = StorePaths {
            root: "/var/lib/berth".into(),
            runroot: "/run/berth".into(),
            rootless: false,
            max_layer_bytes: None,
        };
        assert_eq!(
            socket_path(&paths, "abc"),
            PathBuf::from("/run/berth/containers/abc/attach.sock")
        );
    }

    #[test]
    fn long_socket_paths_go_through_the_directory_fd() {
        let dir = tempfile::tempdir().expect("temp dir");
        let deep = dir.path().join("x".repeat(120));
        std::fs::create_dir_all(&deep).expect("create deep dir");
        let (short, fd) = short_socket_path(&deep.join("attach.sock")).expect("short path");
        assert!(fd.is_some());
        assert!(short.as_os_str().len() <= SUN_PATH_MAX);
        let listener = std::os::unix::net::UnixListener::bind(&short).expect("bind via fd");
        assert!(deep.join("attach.sock").exists());
        drop(listener);

        let (same, none) = short_socket_path(Path::new("/run/a.sock")).expect("short path");
        assert_eq!(same, PathBuf::from("/run/a.sock"));
        assert!(none.is_none());
    }
}

//! The one error type of the cgroups module.

use std::io;
use std::path::PathBuf;

/// What can go wrong while placing a container in cgroups.
#[derive(Debug, thiserror::Error)]
pub enum CgroupError {
    /// Neither a cgroup v1 controller hierarchy nor a cgroup2 filesystem is mounted.
    #[error(
        "no cgroup filesystem is mounted (looked in /proc/self/mountinfo); \
         mount cgroup2 at /sys/fs/cgroup, or run without resource limits"
    )]
    NotMounted,

    /// Reading or writing a cgroup file failed for a reason other than permissions.
    #[error("{op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// The caller may not write the cgroup tree (rootless, or a read-only cgroupfs).
    #[error(
        "no permission to {op} {}: run as root, or (rootless) under a systemd user \
         session with a delegated cgroup v2 subtree",
        path.display()
    )]
    PermissionDenied { op: &'static str, path: PathBuf },

    /// A limit was asked for whose controller this host does not offer.
    #[error("{flag} needs the {controller} cgroup controller, which is not available")]
    ControllerMissing {
        flag: &'static str,
        controller: &'static str,
    },

    /// cgroup v1 without swap accounting cannot limit memory+swap.
    #[error(
        "{flag} needs swap accounting (memory.memsw.* files), which this kernel does not \
         have; boot with swapaccount=1, or leave out {flag}"
    )]
    SwapAccountingMissing { flag: &'static str },

    /// A combination of limits docker itself rejects.
    #[error("invalid {flag}: {reason}")]
    InvalidResources { flag: &'static str, reason: String },

    /// A container id or parent name that cannot be a cgroup directory name.
    #[error("invalid cgroup name {0:?}: use a non-empty name without '/', '.', '..' or NUL")]
    InvalidName(String),

    /// `--cgroup-parent` that is empty or climbs out with `..`.
    #[error(
        "invalid --cgroup-parent {0:?}: use a path of plain names below the cgroup root, \
         such as /mygroup or mygroup/sub, without '.' or '..'"
    )]
    InvalidParent(String),

    /// `--cgroups` with a value podman does not know.
    #[error("invalid --cgroups {0:?}: use enabled, disabled, no-conmon or split")]
    InvalidMode(String),

    /// The container was started with `--cgroups=disabled`.
    #[error(
        "container {0} runs without a cgroup of its own (--cgroups=disabled), so it cannot be \
         paused and has no resource statistics or limits; recreate it without --cgroups=disabled"
    )]
    Disabled(String),

    /// A kernel file held something this module cannot read.
    #[error("cannot parse {}: unexpected content {content:?}", path.display())]
    Parse { path: PathBuf, content: String },

    /// The freezer did not report FROZEN in time (a task stuck in an uninterruptible sleep).
    #[error(
        "the processes in {} did not freeze within {seconds}s; they were thawed again, \
         try pausing once more",
        path.display()
    )]
    FreezeTimeout { path: PathBuf, seconds: u64 },

    /// `pause`/`unpause` on a host without a freezer.
    #[error("pausing needs the freezer cgroup controller, which is not available")]
    NoFreezer,

    /// rmdir kept failing with EBUSY: processes are still inside.
    #[error(
        "cgroup {} still has processes after being killed; find them with \
         `cat {}/cgroup.procs` and retry",
        path.display(),
        path.display()
    )]
    Busy { path: PathBuf },
}

impl CgroupError {
    /// Wrap an I/O error from `op` on `path`, telling permission problems apart.
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        let path = path.into();
        match source.raw_os_error() {
            Some(libc::EACCES) | Some(libc::EPERM) | Some(libc::EROFS) => {
                CgroupError::PermissionDenied { op, path }
            }
            _ => CgroupError::Io { op, path, source },
        }
    }
}

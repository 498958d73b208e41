//! The in-process launcher: creates a container's process from an OCI
//! runtime spec with one clone(2) of the calling process, which stays its
//! parent. No runc, no conmon, no helper binaries (except newuidmap and
//! newgidmap for rootless id maps), no threads before the clone.
//!
//! ```text
//! parent (berth)                          child (clone with the spec's namespaces)
//!   socketpair, stdio pipes
//!   clone ─────────────────────────────▶  PDEATHSIG, write "0" to cgroup.procs
//!   [userns: write uid/gid maps, Go] ──▶  [wait for Go], setns joins, unshare cgroupns
//!                                         stdio; / rslave; rootfs (overlay|bind);
//!                                         spec mounts in order; /dev nodes+links;
//!                                         hostname; resolve user; pivot_root;
//!                                         setsid [+pty: master ──▶ parent];
//!                                         masked/readonly paths, ro root; sysctls;
//!                                         rlimits, nnp, bounding, user, cwd, caps,
//!                                         seccomp; fds; execve (or --init fork)
//!   read channel until EOF  ◀──────────  CLOEXEC channel closes on exec,
//!   return Launched                       or a typed failure arrives
//! ```
//!
//! Every world-changing call of the child goes through [`Syscall`], so the
//! mount plan is unit-tested with [`RecordingSyscall`].
//!
//! **The caller must be single-threaded** when it calls [`launch`] or
//! [`exec_in`] (no tokio runtime alive): a clone of a multi-threaded
//! process may inherit locks held by threads that do not exist in the
//! child. Both functions check `/proc/self/stat` and return
//! [`LaunchError::NotSingleThreaded`] otherwise.
//!
//! Limits: on cgroup v1 hosts a `cgroup` mount in the spec is skipped (the
//! container sees no /sys/fs/cgroup); time namespaces are refused.

mod caps;
mod child;
mod devices;
mod exec;
mod init;
mod parent;
mod rootfs;
mod sync;
mod syscall;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_root;

use std::os::fd::{OwnedFd, RawFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::unistd::Pid;
use oci_spec::runtime::Spec;

pub use caps::{cap_number, CapMasks};
pub use parent::{exec_in, launch};
pub use rootfs::{parse_options, MountOptions};
pub use syscall::{LinuxSyscall, RecordingSyscall, SysResult, Syscall};

/// Resolves the container's user inside the mounted rootfs (before
/// pivot_root): returns uid, gid and supplementary gids. Runs in the child;
/// may allocate (the child is a single-threaded fork).
pub type ResolveUser<'a> = dyn Fn(&Path) -> Result<(u32, u32, Vec<u32>), String> + Sync + 'a;

/// Installs the seccomp filter in the child; returns 0 or an errno.
/// Called as runc does: last before exec when no_new_privs is set, else
/// before the capabilities are dropped.
pub type SeccompInstaller<'a> = dyn Fn() -> i32 + Sync + 'a;

/// Runs in the parent once the child exists (its namespaces are there),
/// while the child sets up, before the command execs: wires the network
/// into the child's netns. An error kills the child and fails the launch.
pub type BeforeExec<'a> = dyn Fn(Pid) -> Result<(), String> + 'a;

/// Where the container's root filesystem comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootfsSource {
    /// Overlayfs mounted INSIDE the container's mount namespace: never
    /// visible on the host, gone when the container dies, nothing to clean
    /// after SIGKILL. The child chdirs to `layers_root` and passes the
    /// lowerdirs relative to it, so long layer lists fit in one page.
    Overlay {
        layers_root: PathBuf,
        /// Relative to `layers_root`, top layer first.
        lower: Vec<PathBuf>,
        upper: PathBuf,
        work: PathBuf,
        /// An existing empty directory (e.g. in the container's dir).
        mountpoint: PathBuf,
    },
    /// `--rootfs DIR`: a plain directory, bind-mounted onto itself.
    Dir(PathBuf),
}

/// The container's stdin, stdout and stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stdio {
    /// berth's own fds 0, 1, 2 (systemd passthrough).
    Inherit,
    /// Pipes; the parent gets stdin's write end (if requested, else the
    /// container reads /dev/null) and stdout's and stderr's read ends.
    Pipes { stdin: bool },
    /// A new pty from the container's devpts: the slave is the controlling
    /// terminal and 0, 1, 2 (and /dev/console); the parent gets the master.
    Pty,
    /// /dev/null for all three.
    Null,
}

/// Everything [`launch`] needs.
pub struct LaunchRequest<'a> {
    pub spec: &'a Spec,
    pub rootfs: RootfsSource,
    pub stdio: Stdio,
    /// Pre-opened `cgroup.procs` files; the child writes itself into each
    /// before anything else, so the container starts inside its cgroups.
    pub cgroup_procs: Vec<OwnedFd>,
    /// See [`SeccompInstaller`]. `None` runs without a filter.
    pub seccomp_install: Option<&'a SeccompInstaller<'a>>,
    /// fds that become 3, 4, ... in the container, in order (LISTEN_FDS).
    pub preserve_fds: Vec<RawFd>,
    /// PR_SET_PDEATHSIG SIGKILL: a killed berth never leaves an orphan.
    pub die_with_parent: bool,
    /// docker `--init`: pid 1 is a tiny init forked from us (see `init`).
    pub init: bool,
    /// See [`ResolveUser`].
    pub resolve_user: &'a ResolveUser<'a>,
    /// See [`BeforeExec`].
    pub before_exec: Option<&'a BeforeExec<'a>>,
}

/// A started container process.
#[derive(Debug)]
pub struct Launched {
    /// Host pid of the container's pid 1 (or of the exec'd process).
    pub pid: Pid,
    pub stdin: Option<OwnedFd>,
    pub stdout: Option<OwnedFd>,
    pub stderr: Option<OwnedFd>,
    pub pty_master: Option<OwnedFd>,
}

/// Why a container process could not be started.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The command does not exist (`berth run` exits 127).
    #[error("{0}")]
    CommandNotFound(String),
    /// The command exists but cannot be run: permission denied, exec
    /// format error, a directory (exits 126).
    #[error("{0}")]
    CannotInvoke(String),
    /// Setting up the container failed: what failed and the errno (125).
    #[error("{0}")]
    Setup(String),
    /// The calling process has more than one thread.
    #[error("cannot start a container from a process with {0} threads; the launcher must be called before any thread or async runtime is started")]
    NotSingleThreaded(usize),
    /// A call in the parent failed.
    #[error("{what}: {}", lower(.errno.desc()))]
    Os { what: String, errno: Errno },
}

impl LaunchError {
    /// docker's exit code for `run`: 127 not found, 126 cannot invoke,
    /// 125 anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            LaunchError::CommandNotFound(_) => 127,
            LaunchError::CannotInvoke(_) => 126,
            _ => 125,
        }
    }
}

/// "No such file or directory" → "no such file or directory", as Go
/// prints errnos.
fn lower(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_lowercase().chain(c).collect())
}

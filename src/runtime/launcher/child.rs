//! The container child: everything between clone(2) and execve(2), in
//! runc's order. Runs in a forked copy of a single-threaded process, so it
//! may allocate; it never returns, it execs or reports and exits.

use std::convert::Infallible;
use std::os::fd::{AsFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::sched::CloneFlags;
use oci_spec::runtime::{PosixRlimitType, Process, Spec};

use super::caps::{self, CapMasks};
use super::exec;
use super::rootfs::{self, MountEnv};
use super::sync::{self, ChildError, ChildMsg, Stage};
use super::syscall::Syscall;
use super::{ResolveUser, RootfsSource, SeccompInstaller};

/// What the child needs, prepared by the parent before clone.
pub(super) struct ChildPlan<'a> {
    /// The full spec for a new container; `None` for `exec_in`.
    pub spec: Option<&'a Spec>,
    pub process: &'a Process,
    pub rootfs: Option<&'a RootfsSource>,
    pub env: MountEnv,
    /// fds to dup onto 0, 1, 2 (`None`: keep what is there).
    pub stdio: [Option<RawFd>; 3],
    pub pty: bool,
    /// The child's end of the channel (close-on-exec).
    pub chan: RawFd,
    pub cgroup_procs: &'a [OwnedFd],
    pub preserve_fds: &'a [RawFd],
    pub die_with_parent: bool,
    pub init: bool,
    pub resolve_user: Option<&'a ResolveUser<'a>>,
    pub seccomp_install: Option<&'a SeccompInstaller<'a>>,
    /// Wait for the parent to write the id maps (new user namespace).
    pub wait_for_go: bool,
    /// The parent moves us into the cgroups (in parallel with our set-up).
    pub cgroup_by_parent: bool,
    /// The parent has work to finish (cgroups, the network) while we set
    /// up, and says Go once done; we wait for that just before exec.
    pub go_before_exec: bool,
    pub setgroups_allowed: bool,
    /// Namespaces to join, user first and mount last.
    pub joins: &'a [(OwnedFd, CloneFlags)],
    pub unshare_cgroup: bool,
}

/// The exit status a failed child uses; the parent maps the message too.
pub(super) fn exit_code(e: &ChildError) -> i32 {
    match (e.stage, e.errno) {
        (Stage::Exec, Errno::ENOENT | Errno::ENOTDIR) => 127,
        (Stage::Exec, _) => 126,
        _ => 125,
    }
}

/// Entry point after clone: set up, exec, or report the failure and exit.
pub(super) fn main(sys: &dyn Syscall, plan: &ChildPlan<'_>) -> ! {
    let e = match run(sys, plan) {
        Ok(never) => match never {},
        Err(e) => e,
    };
    let _ = sync::send_child(plan.chan, &ChildMsg::Failed(e.clone()), None);
    // SAFETY: _exit skips atexit handlers and stdio flushing that belong to
    // the parent's copy of this process.
    unsafe { libc::_exit(exit_code(&e)) }
}

fn os(stage: Stage, what: impl Into<String>) -> impl FnOnce(Errno) -> ChildError {
    let what = what.into();
    move |e| ChildError::new(stage, e, what)
}

fn run(sys: &dyn Syscall, p: &ChildPlan<'_>) -> Result<Infallible, ChildError> {
    // The supervisor blocks the signals it relays (for its signalfd); the
    // container must start with none blocked, as from a fresh exec.
    // SAFETY: sigemptyset/sigprocmask on a local set; async-signal-safe.
    unsafe {
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
    }
    if p.die_with_parent {
        // SAFETY: integer-only prctl.
        let r = unsafe {
            libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            )
        };
        Errno::result(r).map_err(os(Stage::Namespaces, "set the parent-death signal"))?;
    }
    // Join the cgroup first so every later allocation is charged to it,
    // and before unsharing the cgroup namespace so its root is the
    // container's cgroup. "0" means the writing process.
    for fd in p.cgroup_procs.iter().filter(|_| !p.cgroup_by_parent) {
        sys.write_fd(fd.as_fd(), b"0")
            .map_err(os(Stage::Cgroup, "join the container's cgroup"))?;
    }
    if p.wait_for_go {
        sync::recv_parent(p.chan)
            .map_err(os(Stage::Namespaces, "wait for the parent to map ids"))?;
    }
    for (fd, kind) in p.joins {
        sys.setns(fd.as_fd(), *kind)
            .map_err(os(Stage::Namespaces, format!("join namespace {kind:?}")))?;
    }
    if p.unshare_cgroup {
        sys.unshare(CloneFlags::CLONE_NEWCGROUP)
            .map_err(os(Stage::Namespaces, "unshare the cgroup namespace"))?;
    }
    setup_stdio(&p.stdio).map_err(os(Stage::Stdio, "set up stdin/stdout/stderr"))?;

    let (uid, gid, groups) = match (p.spec, p.rootfs) {
        (Some(spec), Some(source)) => {
            if has_new_network_namespace(spec) {
                loopback_up().map_err(os(Stage::Namespaces, "bring up the loopback interface"))?;
            }
            let root = rootfs::prepare(sys, spec, source, p.env)?;
            set_names(sys, spec)?;
            let user = resolve(p, &root)?;
            // runc's rule: a missing working directory is created (0755,
            // root's), inside the rootfs.
            let cwd = p.process.cwd();
            if cwd.is_absolute() && cwd != Path::new("/") {
                sys.ensure_path_in_root(&root, cwd, false).map_err(os(
                    Stage::Rootfs,
                    format!("create the working directory {}", cwd.display()),
                ))?;
            }
            rootfs::pivot(sys, &root)?;
            new_session(sys, p, true, spec.process().as_ref())?;
            // runc's order: sysctls while /proc/sys is still writable, then
            // the masked and read-only paths seal it.
            sysctls(sys, spec)?;
            rootfs::finish(sys, spec)?;
            user
        }
        _ => {
            new_session(sys, p, false, Some(p.process))?;
            let u = p.process.user();
            (
                u.uid(),
                u.gid(),
                u.additional_gids().clone().unwrap_or_default(),
            )
        }
    };
    finalize(sys, p, uid, gid, &groups)
}

fn resolve(p: &ChildPlan<'_>, root: &Path) -> Result<(u32, u32, Vec<u32>), ChildError> {
    match p.resolve_user {
        Some(f) => f(root).map_err(|m| ChildError::new(Stage::User, Errno::UnknownErrno, m)),
        None => {
            let u = p.process.user();
            Ok((
                u.uid(),
                u.gid(),
                u.additional_gids().clone().unwrap_or_default(),
            ))
        }
    }
}

fn set_names(sys: &dyn Syscall, spec: &Spec) -> Result<(), ChildError> {
    if let Some(h) = spec.hostname().as_deref().filter(|h| !h.is_empty()) {
        sys.sethostname(h)
            .map_err(os(Stage::Hostname, format!("set hostname {h:?}")))?;
    }
    if let Some(d) = spec.domainname().as_deref().filter(|d| !d.is_empty()) {
        sys.setdomainname(d)
            .map_err(os(Stage::Hostname, format!("set domainname {d:?}")))?;
    }
    Ok(())
}

fn sysctls(sys: &dyn Syscall, spec: &Spec) -> Result<(), ChildError> {
    let Some(map) = spec.linux().as_ref().and_then(|l| l.sysctl().as_ref()) else {
        return Ok(());
    };
    for (k, v) in map {
        let path = PathBuf::from("/proc/sys").join(k.replace('.', "/"));
        sys.write_file(&path, v.as_bytes())
            .map_err(os(Stage::Sysctl, format!("set sysctl {k}={v}")))?;
    }
    Ok(())
}

/// dup2 that also clears close-on-exec when source and target coincide.
fn dup_to(src: RawFd, target: RawFd) -> Result<(), Errno> {
    if src == target {
        // SAFETY: fcntl on an fd we were handed.
        Errno::result(unsafe { libc::fcntl(src, libc::F_SETFD, 0) }).map(drop)
    } else {
        // SAFETY: dup2 on valid fds.
        Errno::result(unsafe { libc::dup2(src, target) }).map(drop)
    }
}

fn setup_stdio(fds: &[Option<RawFd>; 3]) -> Result<(), Errno> {
    for (target, src) in fds.iter().enumerate() {
        if let Some(src) = src {
            dup_to(*src, target as RawFd)?;
        }
    }
    Ok(())
}

/// setsid, and with a pty: a new pty from the container's devpts whose
/// master goes to the parent and whose slave becomes the controlling
/// terminal, 0, 1, 2 (and /dev/console for a new container).
fn has_new_network_namespace(spec: &Spec) -> bool {
    spec.linux()
        .as_ref()
        .and_then(|l| l.namespaces().as_ref())
        .is_some_and(|nss| {
            nss.iter().any(|n| {
                n.typ() == oci_spec::runtime::LinuxNamespaceType::Network && n.path().is_none()
            })
        })
}

/// A new network namespace starts with `lo` down; docker brings it up so
/// 127.0.0.1 works even with `--network none`.
fn loopback_up() -> Result<(), Errno> {
    // SAFETY: a plain datagram socket and SIOC[GS]IFFLAGS ioctls on a
    // zeroed ifreq naming "lo"; every pointer is to a local.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(Errno::last());
        }
        let mut req: libc::ifreq = std::mem::zeroed();
        for (i, b) in b"lo".iter().enumerate() {
            req.ifr_name[i] = *b as libc::c_char;
        }
        let mut r = libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut req);
        if r == 0 {
            req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            r = libc::ioctl(fd, libc::SIOCSIFFLAGS, &req);
        }
        let err = Errno::last();
        libc::close(fd);
        if r != 0 {
            return Err(err);
        }
    }
    Ok(())
}

fn new_session(
    sys: &dyn Syscall,
    p: &ChildPlan<'_>,
    console: bool,
    process: Option<&Process>,
) -> Result<(), ChildError> {
    // SAFETY: setsid has no arguments; EPERM (already a leader) is fine.
    unsafe { libc::setsid() };
    if !p.pty {
        return Ok(());
    }
    let e = |what: &str| os(Stage::Console, what.to_string());
    let master = nix::fcntl::open(
        "/dev/ptmx",
        nix::fcntl::OFlag::O_RDWR | nix::fcntl::OFlag::O_NOCTTY | nix::fcntl::OFlag::O_CLOEXEC,
        nix::sys::stat::Mode::empty(),
    )
    .map_err(e("open /dev/ptmx in the container"))?;
    let m = sync::raw(&master);
    let unlock: libc::c_int = 0;
    // SAFETY: ioctls on the pty master with correctly typed arguments.
    Errno::result(unsafe { libc::ioctl(m, libc::TIOCSPTLCK, &unlock) })
        .map_err(e("unlock the pty"))?;
    // TIOCGPTPEER opens the slave without a path lookup, so it is always
    // the peer of this master (no race on /dev/pts/N).
    let flags = libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC;
    let slave = Errno::result(unsafe { libc::ioctl(m, libc::TIOCGPTPEER, flags) })
        .map_err(e("open the pty slave"))?;
    if let Some(size) = process.and_then(|pr| pr.console_size()) {
        let ws = libc::winsize {
            ws_row: size.height() as u16,
            ws_col: size.width() as u16,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: ws is a valid winsize.
        Errno::result(unsafe { libc::ioctl(slave, libc::TIOCSWINSZ, &ws) })
            .map_err(e("set the console size"))?;
    }
    if console {
        let mut n: libc::c_uint = 0;
        // SAFETY: n is a valid out-parameter.
        Errno::result(unsafe { libc::ioctl(m, libc::TIOCGPTN, &mut n) })
            .map_err(e("get the pty number"))?;
        let target = sys
            .ensure_path_in_root(Path::new("/"), Path::new("/dev/console"), true)
            .map_err(e("create /dev/console"))?;
        let src = PathBuf::from(format!("/dev/pts/{n}"));
        sys.mount(
            Some(&src),
            &target,
            None,
            nix::mount::MsFlags::MS_BIND,
            None,
        )
        .map_err(e("bind the pty on /dev/console"))?;
    }
    sync::send_child(p.chan, &ChildMsg::PtyMaster, Some(m)).map_err(e("send the pty master"))?;
    drop(master);
    // SAFETY: ioctl/dup2/close on the slave fd we own.
    Errno::result(unsafe { libc::ioctl(slave, libc::TIOCSCTTY, 0) })
        .map_err(e("make the pty the controlling terminal"))?;
    for t in 0..3 {
        dup_to(slave, t).map_err(e("dup the pty onto stdio"))?;
    }
    if slave > 2 {
        unsafe { libc::close(slave) };
    }
    Ok(())
}

fn rlimit_resource(t: PosixRlimitType) -> Option<u32> {
    use PosixRlimitType::*;
    Some(match t {
        RlimitCpu => libc::RLIMIT_CPU,
        RlimitFsize => libc::RLIMIT_FSIZE,
        RlimitData => libc::RLIMIT_DATA,
        RlimitStack => libc::RLIMIT_STACK,
        RlimitCore => libc::RLIMIT_CORE,
        RlimitRss => libc::RLIMIT_RSS,
        RlimitNproc => libc::RLIMIT_NPROC,
        RlimitNofile => libc::RLIMIT_NOFILE,
        RlimitMemlock => libc::RLIMIT_MEMLOCK,
        RlimitAs => libc::RLIMIT_AS,
        RlimitLocks => libc::RLIMIT_LOCKS,
        RlimitSigpending => libc::RLIMIT_SIGPENDING,
        RlimitMsgqueue => libc::RLIMIT_MSGQUEUE,
        RlimitNice => libc::RLIMIT_NICE,
        RlimitRtprio => libc::RLIMIT_RTPRIO,
        RlimitRttime => libc::RLIMIT_RTTIME,
    })
}

fn seccomp(install: Option<&SeccompInstaller<'_>>) -> Result<(), ChildError> {
    match install.map(|f| f()) {
        None | Some(0) => Ok(()),
        Some(errno) => Err(ChildError::new(
            Stage::Seccomp,
            Errno::from_raw(errno),
            "install the seccomp filter",
        )),
    }
}

/// Process-level setup in runc's order, then exec: rlimits, no_new_privs,
/// (seccomp early when no_new_privs is off: it then needs CAP_SYS_ADMIN),
/// bounding set, user switch, umask, cwd, capability sets, seccomp last,
/// fds, exec.
pub(super) fn finalize(
    sys: &dyn Syscall,
    p: &ChildPlan<'_>,
    uid: u32,
    gid: u32,
    groups: &[u32],
) -> Result<Infallible, ChildError> {
    let pr = p.process;
    for r in pr.rlimits().iter().flatten() {
        if let Some(res) = rlimit_resource(r.typ()) {
            sys.setrlimit(res, r.soft(), r.hard())
                .map_err(os(Stage::Rlimits, format!("set {:?}", r.typ())))?;
        }
    }
    if let Some(adj) = pr.oom_score_adj() {
        sys.write_file(
            Path::new("/proc/self/oom_score_adj"),
            adj.to_string().as_bytes(),
        )
        .map_err(os(Stage::Rlimits, "set oom_score_adj"))?;
    }
    let masks = CapMasks::from_spec(pr.capabilities().as_ref());
    let nnp = pr.no_new_privileges().unwrap_or(false);
    if nnp {
        sys.set_no_new_privs()
            .map_err(os(Stage::Caps, "set no_new_privs"))?;
    } else {
        seccomp(p.seccomp_install)?;
    }
    caps::drop_bounding(sys, masks.bounding).map_err(os(Stage::Caps, "drop the bounding set"))?;
    caps::switch_user(sys, uid, gid, groups, p.setgroups_allowed)
        .map_err(os(Stage::User, format!("switch to uid {uid} gid {gid}")))?;
    let mask = pr.user().umask().unwrap_or(0o022);
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(mask));
    let cwd = pr.cwd();
    if !cwd.as_os_str().is_empty() {
        sys.chdir(cwd).map_err(os(
            Stage::Cwd,
            format!(
                "chdir to cwd ({:?}) set in config.json failed",
                cwd.display().to_string()
            ),
        ))?;
    }
    caps::apply_sets(sys, &masks).map_err(os(Stage::Caps, "set capabilities"))?;
    if nnp {
        seccomp(p.seccomp_install)?;
    }
    let mut cmd = exec::Command::from_process(pr)?;
    if !p.preserve_fds.is_empty() {
        cmd.own_listen_pid();
    }
    if p.go_before_exec {
        // Nothing of the container's own runs before it is in its cgroups
        // and its network is wired.
        sync::recv_parent(p.chan).map_err(os(Stage::Cgroup, "wait for the parent's set-up"))?;
    }
    let chan = move_fds(p.chan, p.preserve_fds).map_err(os(Stage::Fds, "arrange preserved fds"))?;
    if p.init {
        super::init::run(chan, &cmd)
    } else {
        Err(cmd.exec())
    }
}

/// Moves `preserve` to 3, 4, ... and marks every other fd above them
/// close-on-exec (so the channel still works until exec). Returns where
/// the channel fd ended up.
fn move_fds(chan: RawFd, preserve: &[RawFd]) -> Result<RawFd, Errno> {
    let floor = 3 + preserve.len() as RawFd;
    let above = |fd: RawFd| -> Result<RawFd, Errno> {
        // SAFETY: F_DUPFD_CLOEXEC on an fd we were handed.
        Errno::result(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, floor) })
    };
    let chan = if chan < floor { above(chan)? } else { chan };
    let moved: Vec<RawFd> = preserve
        .iter()
        .map(|fd| above(*fd))
        .collect::<Result<_, _>>()?;
    for (i, fd) in moved.iter().enumerate() {
        dup_to(*fd, 3 + i as RawFd)?;
    }
    // SAFETY: close_range with the CLOEXEC flag only marks fds.
    let r = unsafe {
        libc::syscall(
            libc::SYS_close_range,
            floor as u32,
            u32::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        )
    };
    Errno::result(r)?;
    Ok(chan)
}

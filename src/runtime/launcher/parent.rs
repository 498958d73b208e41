//! The parent's side: namespaces and stdio prepared before clone, the
//! clone itself, id maps, and waiting for the command's exec.

use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sched::CloneFlags;
use nix::sys::stat::Mode;
use nix::unistd::Pid;
use oci_spec::runtime::{LinuxIdMapping, LinuxNamespaceType, Process, Spec};

use super::child::{self, ChildPlan};
use super::rootfs::MountEnv;
use super::sync::{self, ChildError, ChildMsg, ParentMsg, Stage};
use super::syscall::Syscall;
use super::BeforeExec;
use super::{lower, LaunchError, LaunchRequest, Launched, SeccompInstaller, Stdio};

fn os(what: impl Into<String>) -> impl FnOnce(Errno) -> LaunchError {
    let what = what.into();
    move |errno| LaunchError::Os { what, errno }
}

/// Fails unless this process has exactly one thread.
fn ensure_single_threaded() -> Result<(), LaunchError> {
    let stat = std::fs::read_to_string("/proc/self/stat")
        .map_err(|e| LaunchError::Setup(format!("read /proc/self/stat: {e}")))?;
    // Fields after the parenthesised command name start at field 3.
    let threads = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(17))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    if threads == 1 {
        Ok(())
    } else {
        Err(LaunchError::NotSingleThreaded(threads))
    }
}

fn open_ro(path: &str) -> Result<OwnedFd, LaunchError> {
    nix::fcntl::open(path, OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty())
        .map_err(os(format!("open {path}")))
}

/// The stdio fds: the child's (to dup onto 0,1,2) and the parent's ends.
#[derive(Default)]
struct StdioFds {
    child: [Option<OwnedFd>; 3],
    stdin: Option<OwnedFd>,
    stdout: Option<OwnedFd>,
    stderr: Option<OwnedFd>,
}

fn stdio_fds(stdio: Stdio) -> Result<StdioFds, LaunchError> {
    let pipe = || nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(os("create a stdio pipe"));
    let mut s = StdioFds::default();
    match stdio {
        Stdio::Inherit | Stdio::Pty => {}
        Stdio::Pipes { stdin } => {
            if stdin {
                let (r, w) = pipe()?;
                s.child[0] = Some(r);
                s.stdin = Some(w);
            } else {
                s.child[0] = Some(open_ro("/dev/null")?);
            }
            let (r, w) = pipe()?;
            s.child[1] = Some(w);
            s.stdout = Some(r);
            let (r, w) = pipe()?;
            s.child[2] = Some(w);
            s.stderr = Some(r);
        }
        Stdio::Null => {
            let null =
                nix::fcntl::open("/dev/null", OFlag::O_RDWR | OFlag::O_CLOEXEC, Mode::empty())
                    .map_err(os("open /dev/null"))?;
            s.child = [
                Some(
                    null.try_clone()
                        .map_err(|e| LaunchError::Setup(format!("dup /dev/null: {e}")))?,
                ),
                None,
                None,
            ];
            s.child[1] = Some(
                null.try_clone()
                    .map_err(|e| LaunchError::Setup(format!("dup /dev/null: {e}")))?,
            );
            s.child[2] = Some(null);
        }
    }
    Ok(s)
}

/// clone(2) without a new stack: the child continues here on a
/// copy-on-write copy of our stack, like fork, but in new namespaces.
fn clone_process(flags: CloneFlags) -> Result<Option<Pid>, Errno> {
    let f = flags.bits() as libc::c_ulong | libc::SIGCHLD as libc::c_ulong;
    // SAFETY: fork-like clone (no stack, no tid pointers) of a
    // single-threaded process.
    let r = unsafe { libc::syscall(libc::SYS_clone, f, 0usize, 0usize, 0usize, 0usize) };
    match Errno::result(r)? {
        0 => Ok(None),
        pid => Ok(Some(Pid::from_raw(pid as i32))),
    }
}

fn ns_flag(t: LinuxNamespaceType) -> CloneFlags {
    CloneFlags::from_bits_truncate(t as libc::c_int)
}

/// The order namespaces are joined in: user first (it grants the rights
/// for the rest), mount last (it changes what paths mean).
const JOIN_ORDER: [LinuxNamespaceType; 6] = [
    LinuxNamespaceType::User,
    LinuxNamespaceType::Cgroup,
    LinuxNamespaceType::Ipc,
    LinuxNamespaceType::Uts,
    LinuxNamespaceType::Network,
    LinuxNamespaceType::Mount,
];

/// What the parent does for the child after the clone: write its id maps,
/// then run the caller's hook (the network) before letting it exec.
struct ParentSteps<'a> {
    id_maps: Option<(&'a [LinuxIdMapping], &'a [LinuxIdMapping])>,
    before_exec: Option<&'a BeforeExec<'a>>,
}

/// Clones, runs the child, and waits for the command's exec. `pid_join`
/// is a pid namespace the child must be born in (setns on ourselves
/// around the clone, then back).
fn spawn(
    sys: &dyn Syscall,
    plan: &mut ChildPlan<'_>,
    flags: CloneFlags,
    pid_join: Option<OwnedFd>,
    (chan_parent, chan_child): (OwnedFd, OwnedFd),
    parent_steps: ParentSteps<'_>,
    cmd: &str,
) -> Result<(Pid, Option<OwnedFd>), LaunchError> {
    let ParentSteps {
        id_maps,
        before_exec,
    } = parent_steps;
    let restore = match &pid_join {
        Some(fd) => {
            let own = open_ro("/proc/self/ns/pid")?;
            sys.setns(fd.as_fd(), CloneFlags::CLONE_NEWPID)
                .map_err(os("join the target's pid namespace"))?;
            Some(own)
        }
        None => None,
    };
    plan.chan = chan_child.as_raw_fd();
    let cloned = clone_process(flags);
    if let Some(own) = restore {
        // Back to our own pid namespace for later forks (always allowed).
        let _ = sys.setns(own.as_fd(), CloneFlags::CLONE_NEWPID);
    }
    let pid = match cloned {
        Ok(Some(pid)) => pid,
        Ok(None) => child::main(sys, plan),
        Err(e) => return Err(os(format!("clone the container process with {flags:?}"))(e)),
    };
    drop(chan_child);
    let reap = |e: LaunchError| {
        let _ = nix::sys::wait::waitpid(pid, None);
        e
    };
    if let Some((uids, gids)) = id_maps {
        write_id_maps(pid, uids, gids).map_err(|e| {
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            reap(e)
        })?;
        sync::send_parent(&chan_parent, ParentMsg::Go)
            .map_err(|e| reap(os("release the child")(e)))?;
    }
    // The cgroup moves (each cgroup v1 move waits out an RCU grace period)
    // run on a short-lived thread while this one runs the hook (the
    // network), so the two costs overlap. The hook stays on this thread:
    // helpers it starts may tie their life to it (PDEATHSIG follows the
    // creating thread). The thread is joined before we go on, so the
    // caller is single-threaded again for its next launch.
    let (cgroup_error, hook_result) = std::thread::scope(|scope| {
        let procs = plan.cgroup_procs;
        let mover = plan.cgroup_by_parent.then(|| {
            scope.spawn(move || {
                let text = pid.as_raw().to_string();
                for fd in procs {
                    match nix::unistd::write(fd.as_fd(), text.as_bytes()) {
                        Ok(n) if n == text.len() => {}
                        Ok(_) => return Some(Errno::EIO),
                        Err(e) => return Some(e),
                    }
                }
                None
            })
        });
        let hook_result = before_exec.map_or(Ok(()), |hook| hook(pid));
        let cgroup_error = match mover.map(|t| t.join()) {
            None => None,
            Some(Ok(e)) => e,
            Some(Err(_)) => Some(Errno::EIO),
        };
        (cgroup_error, hook_result)
    });
    if cgroup_error.is_some() {
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
    } else {
        if let Err(msg) = hook_result {
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            // A child that failed on its own (and so took its netns
            // with it) explains the hook's failure: report the cause.
            return match sync::recv_child(chan_parent.as_raw_fd()) {
                Ok(Some((ChildMsg::Failed(ce), _))) => Err(reap(from_child(ce, cmd))),
                _ => Err(reap(LaunchError::Setup(msg))),
            };
        }
        if plan.go_before_exec {
            // A child that already failed has closed its end: its report follows.
            let _ = sync::send_parent(&chan_parent, ParentMsg::Go);
        }
    }
    if let Some(e) = cgroup_error {
        // Prefer the child's own report if it failed first (its pid was gone).
        return match sync::recv_child(chan_parent.as_raw_fd()) {
            Ok(Some((ChildMsg::Failed(ce), _))) => Err(reap(from_child(ce, cmd))),
            _ => Err(reap(os("place the container in its cgroups")(e))),
        };
    }
    let mut pty = None;
    loop {
        match sync::recv_child(chan_parent.as_raw_fd()) {
            Ok(None) => return Ok((pid, pty)),
            Ok(Some((ChildMsg::PtyMaster, fd))) => pty = fd,
            Ok(Some((ChildMsg::Failed(e), _))) => return Err(reap(from_child(e, cmd))),
            Err(e) => return Err(reap(os("read from the container process")(e))),
        }
    }
}

/// Maps a child's failure to docker's wording and exit class.
fn from_child(e: ChildError, cmd: &str) -> LaunchError {
    let desc = lower(e.errno.desc());
    match (e.stage, e.errno) {
        (Stage::Exec, Errno::ENOENT | Errno::ENOTDIR) if !cmd.contains('/') => {
            LaunchError::CommandNotFound(format!(
                "exec: \"{cmd}\": executable file not found in $PATH"
            ))
        }
        (Stage::Exec, Errno::ENOENT | Errno::ENOTDIR) => {
            LaunchError::CommandNotFound(format!("exec: \"{cmd}\": stat {cmd}: {desc}"))
        }
        (Stage::Exec, Errno::EINVAL) => LaunchError::Setup(e.what),
        (Stage::Exec, _) => LaunchError::CannotInvoke(format!("exec: \"{cmd}\": {desc}")),
        (_, Errno::UnknownErrno) => LaunchError::Setup(e.what),
        _ => LaunchError::Setup(format!("{}: {desc}", e.what)),
    }
}

fn map_text(maps: &[LinuxIdMapping]) -> String {
    maps.iter()
        .map(|m| format!("{} {} {}\n", m.container_id(), m.host_id(), m.size()))
        .collect()
}

/// Writes the child's uid/gid maps: directly as root or for a single
/// mapping of our own ids (then setgroups must be denied first), else via
/// the setuid newuidmap/newgidmap helpers (/etc/subuid ranges).
fn write_id_maps(
    pid: Pid,
    uids: &[LinuxIdMapping],
    gids: &[LinuxIdMapping],
) -> Result<(), LaunchError> {
    let write = |file: &str, data: &str| {
        let path = format!("/proc/{pid}/{file}");
        std::fs::write(&path, data).map_err(|e| LaunchError::Setup(format!("write {path}: {e}")))
    };
    let euid = nix::unistd::geteuid().as_raw();
    let egid = nix::unistd::getegid().as_raw();
    let own =
        |m: &[LinuxIdMapping], id: u32| m.len() == 1 && m[0].host_id() == id && m[0].size() == 1;
    if euid == 0 {
        write("uid_map", &map_text(uids))?;
        return write("gid_map", &map_text(gids));
    }
    if own(uids, euid) && own(gids, egid) {
        write("uid_map", &map_text(uids))?;
        write("setgroups", "deny")?;
        return write("gid_map", &map_text(gids));
    }
    for (tool, maps) in [("newuidmap", uids), ("newgidmap", gids)] {
        let mut c = std::process::Command::new(tool);
        c.arg(pid.to_string());
        for m in maps {
            c.args([
                m.container_id().to_string(),
                m.host_id().to_string(),
                m.size().to_string(),
            ]);
        }
        let st = c.status().map_err(|e| {
            LaunchError::Setup(format!("run {tool} (install the uidmap package): {e}"))
        })?;
        if !st.success() {
            return Err(LaunchError::Setup(format!(
                "{tool} {pid} failed ({st}); check /etc/subuid and /etc/subgid"
            )));
        }
    }
    Ok(())
}

fn cgroup2_host() -> bool {
    nix::sys::statfs::statfs("/sys/fs/cgroup")
        .is_ok_and(|s| s.filesystem_type() == nix::sys::statfs::CGROUP2_SUPER_MAGIC)
}

/// Creates and starts a new container: returns once its command has
/// exec'd (or fails with what went wrong). See the module docs for the
/// order of operations and the single-thread requirement.
pub fn launch(sys: &dyn Syscall, req: &LaunchRequest<'_>) -> Result<Launched, LaunchError> {
    ensure_single_threaded()?;
    let spec: &Spec = req.spec;
    let process = spec
        .process()
        .as_ref()
        .ok_or_else(|| LaunchError::Setup("the spec has no process".into()))?;
    let cmd = process
        .args()
        .as_ref()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or_default();
    let linux = spec.linux().as_ref();
    let mut flags = CloneFlags::empty();
    let mut joins = Vec::new();
    let mut pid_join = None;
    let mut unshare_cgroup = false;
    let namespaces = linux.and_then(|l| l.namespaces().as_ref());
    for t in JOIN_ORDER
        .iter()
        .chain([LinuxNamespaceType::Pid, LinuxNamespaceType::Time].iter())
    {
        let Some(ns) = namespaces.into_iter().flatten().find(|n| n.typ() == *t) else {
            continue;
        };
        match (ns.path(), t) {
            (_, LinuxNamespaceType::Time) => {
                return Err(LaunchError::Setup(
                    "time namespaces are not supported by berth's launcher".into(),
                ))
            }
            (Some(p), LinuxNamespaceType::Pid) => {
                pid_join = Some(open_ro(&p.display().to_string())?)
            }
            (Some(p), _) => joins.push((open_ro(&p.display().to_string())?, ns_flag(*t))),
            (None, LinuxNamespaceType::Cgroup) => unshare_cgroup = true,
            (None, _) => flags |= ns_flag(*t),
        }
    }
    let new_user = flags.contains(CloneFlags::CLONE_NEWUSER);
    let id_maps = new_user.then(|| {
        let l = linux.map(|l| {
            (
                l.uid_mappings().as_deref().unwrap_or(&[]),
                l.gid_mappings().as_deref().unwrap_or(&[]),
            )
        });
        l.unwrap_or((&[], &[]))
    });
    let setgroups_allowed = !(new_user
        && nix::unistd::geteuid().as_raw() != 0
        && id_maps.is_some_and(|(u, _)| u.len() == 1 && u[0].size() == 1));
    let fds = stdio_fds(req.stdio)?;
    let (chan_parent, chan_child) = sync::channel().map_err(os("create the launch channel"))?;
    let raw = |o: &Option<OwnedFd>| o.as_ref().map(|f| f.as_raw_fd());
    // Moving a task between cgroup v1 hierarchies waits out an RCU grace
    // period (~10 ms): the parent pays it while the child mounts its
    // rootfs. Not with a cgroup namespace, whose root must be the
    // container's cgroup at unshare time, nor with id maps to hand over.
    let cgroup_by_parent = !unshare_cgroup && !new_user && !req.cgroup_procs.is_empty();
    let mut plan = ChildPlan {
        spec: Some(spec),
        process,
        rootfs: Some(&req.rootfs),
        env: MountEnv {
            // Rootless berth clones from inside its own user namespace:
            // the same limits apply as to a new one (no mknod, userxattr).
            in_userns: new_user || crate::runtime::userns::in_child_userns(),
            cgroup2: cgroup2_host(),
        },
        stdio: [raw(&fds.child[0]), raw(&fds.child[1]), raw(&fds.child[2])],
        pty: req.stdio == Stdio::Pty,
        chan: -1,
        cgroup_procs: &req.cgroup_procs,
        preserve_fds: &req.preserve_fds,
        die_with_parent: req.die_with_parent,
        init: req.init,
        resolve_user: Some(req.resolve_user),
        seccomp_install: req.seccomp_install,
        wait_for_go: new_user,
        cgroup_by_parent,
        go_before_exec: cgroup_by_parent || req.before_exec.is_some(),
        setgroups_allowed,
        joins: &joins,
        unshare_cgroup,
    };
    let (pid, pty_master) = spawn(
        sys,
        &mut plan,
        flags,
        pid_join,
        (chan_parent, chan_child),
        ParentSteps {
            id_maps,
            before_exec: req.before_exec,
        },
        &cmd,
    )?;
    Ok(Launched {
        pid,
        stdin: fds.stdin,
        stdout: fds.stdout,
        stderr: fds.stderr,
        pty_master,
    })
}

fn same_ns(a: &OwnedFd, b: &Path) -> bool {
    match (nix::sys::stat::fstat(a.as_fd()), nix::sys::stat::stat(b)) {
        (Ok(x), Ok(y)) => x.st_ino == y.st_ino && x.st_dev == y.st_dev,
        _ => false,
    }
}

/// `berth exec`: starts `process` inside the running container whose pid
/// 1 is `target` (host pid): joins its namespaces (user first, mount
/// last, pid by being cloned into it) and its cgroups, then sets user,
/// capabilities, no_new_privs and seccomp per `process`, chdirs and execs.
pub fn exec_in(
    sys: &dyn Syscall,
    target: Pid,
    process: &Process,
    stdio: Stdio,
    cgroup_procs: Vec<OwnedFd>,
    seccomp_install: Option<&SeccompInstaller<'_>>,
) -> Result<Launched, LaunchError> {
    ensure_single_threaded()?;
    let cmd = process
        .args()
        .as_ref()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or_default();
    let mut joins = Vec::new();
    let mut in_userns = false;
    for t in JOIN_ORDER {
        let name = match t {
            LinuxNamespaceType::Mount => "mnt".to_string(),
            LinuxNamespaceType::Network => "net".to_string(),
            other => other.to_string(),
        };
        let path = format!("/proc/{target}/ns/{name}");
        let fd = open_ro(&path)?;
        // Joining our own user namespace is EINVAL, and joining any
        // namespace we are already in is wasted work.
        if !same_ns(&fd, Path::new(&format!("/proc/self/ns/{name}"))) {
            in_userns |= t == LinuxNamespaceType::User;
            joins.push((fd, ns_flag(t)));
        }
    }
    let pid_fd = open_ro(&format!("/proc/{target}/ns/pid"))?;
    let pid_join = (!same_ns(&pid_fd, Path::new("/proc/self/ns/pid"))).then_some(pid_fd);
    let fds = stdio_fds(stdio)?;
    let (chan_parent, chan_child) = sync::channel().map_err(os("create the exec channel"))?;
    let raw = |o: &Option<OwnedFd>| o.as_ref().map(|f| f.as_raw_fd());
    let no_fds: [RawFd; 0] = [];
    let mut plan = ChildPlan {
        spec: None,
        process,
        rootfs: None,
        env: MountEnv {
            in_userns,
            cgroup2: false,
        },
        stdio: [raw(&fds.child[0]), raw(&fds.child[1]), raw(&fds.child[2])],
        pty: stdio == Stdio::Pty,
        chan: -1,
        cgroup_procs: &cgroup_procs,
        preserve_fds: &no_fds,
        die_with_parent: false,
        init: false,
        resolve_user: None,
        seccomp_install,
        wait_for_go: false,
        cgroup_by_parent: false,
        go_before_exec: false,
        // A rootless container's namespace denies setgroups; with a full
        // subuid mapping it is allowed. Try only when not in a userns.
        setgroups_allowed: !in_userns,
        joins: &joins,
        unshare_cgroup: false,
    };
    let (pid, pty_master) = spawn(
        sys,
        &mut plan,
        CloneFlags::empty(),
        pid_join,
        (chan_parent, chan_child),
        ParentSteps {
            id_maps: None,
            before_exec: None,
        },
        &cmd,
    )?;
    Ok(Launched {
        pid,
        stdin: fds.stdin,
        stdout: fds.stdout,
        stderr: fds.stderr,
        pty_master,
    })
}

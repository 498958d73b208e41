//! Process plumbing for the rootless network helpers: spawning one with
//! exactly the fds it needs, waiting for its readiness signal, the warden
//! that ties its life to the container's, and stopping processes by pid
//! without ever signalling a reused pid.
//!
//! The code that runs between fork and exec (the `pre_exec` hook and the
//! warden) calls only async-signal-safe functions, so it is sound even when
//! the caller is multi-threaded (the test harness is).

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::FileExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Instant;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::memfd::{memfd_create, MFdFlags};

/// `close_range(2)` flag: mark the range close-on-exec instead of closing.
const CLOSE_RANGE_CLOEXEC: libc::c_uint = 1 << 2;

/// Opens a pidfd: a handle on one process that a reused pid cannot redirect.
pub(super) fn pidfd_open(pid: i32) -> io::Result<OwnedFd> {
    // SAFETY: a plain syscall with integer arguments.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel returned a new fd that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// SIGKILL through a pidfd. Async-signal-safe (used by the warden).
fn pidfd_kill(pidfd: RawFd) -> libc::c_long {
    // SAFETY: a plain syscall; a null siginfo is allowed.
    unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd,
            libc::SIGKILL,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        )
    }
}

/// True once the process behind `pidfd` has exited (a pidfd polls readable
/// from the moment its process becomes a zombie).
pub(super) fn has_exited(pidfd: &OwnedFd) -> bool {
    let mut fds = [PollFd::new(
        std::os::fd::AsFd::as_fd(pidfd),
        PollFlags::POLLIN,
    )];
    matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0)
}

/// The fields of `/proc/PID/stat` that identify a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ProcStat {
    pub state: char,
    pub ppid: i32,
    /// Clock ticks after boot (field 22): with the pid, a unique identity.
    pub start_time: u64,
}

/// Parses `/proc/PID/stat`. The command name (field 2) may hold spaces and
/// parentheses, so the fixed fields are counted from the last `)`.
pub(super) fn parse_stat(text: &str) -> Option<ProcStat> {
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // fields[0] is field 3 (state), so field N is fields[N - 3].
    Some(ProcStat {
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        start_time: fields.get(19)?.parse().ok()?,
    })
}

pub(super) fn read_stat(pid: i32) -> Option<ProcStat> {
    parse_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// Kills the process `pid` only if it is still the one that started at
/// `start_time`, and reaps it when it is our child. Quiet: a process that is
/// already gone is the goal, not an error.
pub(super) fn stop_process(pid: i32, start_time: u64) {
    if pid <= 0 {
        return;
    }
    // The pidfd pins the process; checking the start time after opening it
    // proves it is the one we started, and signalling through it cannot
    // reach a process that reused the pid in between.
    let Ok(pidfd) = pidfd_open(pid) else { return };
    let Some(stat) = read_stat(pid) else { return };
    if stat.start_time != start_time {
        return;
    }
    pidfd_kill(pidfd.as_raw_fd());
    if stat.ppid == std::process::id() as i32 {
        // SIGKILL cannot be caught: this wait is short. ECHILD (someone
        // else's waitpid(-1) reaped it first) is fine.
        let _ = nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(pid), None);
    }
}

/// A helper process we spawned. Until [`HelperChild::disarm`] it is killed
/// and reaped on drop, so no error path of `start` leaves one behind.
pub(super) struct HelperChild {
    child: Option<Child>,
    /// The helper's stdout and stderr: a memfd, so it can never block on a
    /// full pipe nor die of SIGPIPE once we stop reading.
    log: File,
}

impl HelperChild {
    /// Spawns `program` with `inherit` (fds we opened close-on-exec) as the
    /// only fds besides 0, 1, 2, in a session of its own (a terminal's
    /// Ctrl-C for berth's process group must not kill the network), with
    /// PDEATHSIG SIGKILL (if the caller dies, so does its container: see the
    /// launcher's `die_with_parent`).
    pub(super) fn spawn(program: &Path, args: &[String], inherit: &[RawFd]) -> io::Result<Self> {
        let log = File::from(memfd_create(c"berth-net-helper", MFdFlags::MFD_CLOEXEC)?);
        let parent = std::process::id() as libc::pid_t;
        let keep: Vec<RawFd> = inherit.to_vec();
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log.try_clone()?));
        // SAFETY: the hook runs between fork and exec and only makes
        // async-signal-safe calls on memory allocated before the fork.
        unsafe {
            cmd.pre_exec(move || {
                // fds berth did not open itself (LISTEN_FDS from systemd) are
                // inheritable: keep them out of the helper. Old kernels lack
                // the flag; then only our close-on-exec fds are protected.
                libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, CLOSE_RANGE_CLOEXEC);
                for &fd in &keep {
                    if libc::fcntl(fd, libc::F_SETFD, 0) < 0 {
                        return Err(io::Error::last_os_error());
                    }
                }
                if libc::setsid() < 0 {
                    return Err(io::Error::last_os_error());
                }
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) < 0 {
                    return Err(io::Error::last_os_error());
                }
                // The parent died before PDEATHSIG was armed.
                if libc::getppid() != parent {
                    return Err(io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        Ok(HelperChild {
            child: Some(child),
            log,
        })
    }

    pub(super) fn pid(&self) -> i32 {
        self.child.as_ref().map_or(0, |c| c.id() as i32)
    }

    pub(super) fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    /// What the helper printed, trimmed to the lines that explain a failure.
    pub(super) fn log_excerpt(&self) -> String {
        let mut buf = vec![0u8; 16 * 1024];
        let n = self.log.read_at(&mut buf, 0).unwrap_or(0);
        log_excerpt(&String::from_utf8_lossy(&buf[..n]))
    }

    /// Hands the running helper over to the caller (and its warden):
    /// returns its pid and no longer kills it on drop.
    pub(super) fn disarm(mut self) -> i32 {
        let pid = self.pid();
        // Dropping a `Child` neither kills nor reaps it: `stop` reaps by pid.
        self.child = None;
        pid
    }
}

impl Drop for HelperChild {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The last lines of a helper's output that say something: pasta, started
/// without a syslog socket, interleaves "Failed to send N bytes to syslog".
pub(super) fn log_excerpt(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !is_syslog_noise(l))
        .collect();
    let tail = &lines[lines.len().saturating_sub(8)..];
    if tail.is_empty() {
        "no output".to_string()
    } else {
        tail.join("; ")
    }
}

fn is_syslog_noise(line: &str) -> bool {
    line.starts_with("Failed to send") && line.ends_with("to syslog")
}

/// Why no readiness signal arrived.
#[derive(Debug)]
pub(super) enum NotReady {
    /// Every write end closed: the helper exited (or closed it) first.
    Closed,
    TimedOut,
    Io(io::Error),
}

/// Reads `pipe` until `done` accepts what arrived, the pipe reaches EOF, or
/// `deadline` passes.
pub(super) fn wait_ready(
    pipe: &OwnedFd,
    deadline: Instant,
    done: impl Fn(&[u8]) -> bool,
) -> Result<Vec<u8>, NotReady> {
    let mut got = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(NotReady::TimedOut);
        }
        let ms = u16::try_from(left.as_millis()).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(
            std::os::fd::AsFd::as_fd(pipe),
            PollFlags::POLLIN,
        )];
        match poll(&mut fds, PollTimeout::from(ms)) {
            Ok(0) => continue,
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(NotReady::Io(e.into())),
        }
        let mut buf = [0u8; 64];
        match nix::unistd::read(pipe, &mut buf) {
            Ok(0) => return Err(NotReady::Closed),
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                if done(&got) {
                    return Ok(got);
                }
            }
            Err(nix::errno::Errno::EINTR | nix::errno::Errno::EAGAIN) => {}
            Err(e) => return Err(NotReady::Io(e.into())),
        }
    }
}

/// Forks the warden: a tiny copy of the caller that outlives nothing it
/// guards. It waits on two pidfds; when the container exits it SIGKILLs the
/// helper, when the helper exits it has nothing left to do; either way it
/// exits, closing `hold` (slirp4netns' `--exit-fd` pipe), so slirp4netns
/// also quits by itself. It is not tied to the caller: if berth is killed,
/// the warden still ends the helper when the container ends.
///
/// Returns the warden's pid.
pub(super) fn spawn_warden(
    container: &OwnedFd,
    helper: &OwnedFd,
    hold: Option<&OwnedFd>,
) -> io::Result<i32> {
    let devnull = File::options().read(true).write(true).open("/dev/null")?;
    let (cfd, hfd) = (container.as_raw_fd(), helper.as_raw_fd());
    let mut keep = vec![cfd, hfd];
    keep.extend(hold.map(|h| h.as_raw_fd()));
    keep.sort_unstable();
    let null = devnull.as_raw_fd();
    // SAFETY: the child runs only async-signal-safe code on data prepared
    // above and never returns (it ends in _exit).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        // SAFETY: async-signal-safe libc calls only; see above.
        unsafe { warden_main(cfd, hfd, null, &keep) }
    }
    Ok(pid)
}

/// The warden's whole life. Never returns.
///
/// # Safety
/// Must run in a freshly forked child; makes only async-signal-safe calls.
unsafe fn warden_main(container: RawFd, helper: RawFd, devnull: RawFd, keep: &[RawFd]) -> ! {
    // Its own session: terminal signals for berth's group (Ctrl-C is
    // forwarded to the container, not meant for us) do not reach it.
    libc::setsid();
    for sig in [
        libc::SIGINT,
        libc::SIGQUIT,
        libc::SIGHUP,
        libc::SIGTERM,
        libc::SIGPIPE,
        libc::SIGTSTP,
        libc::SIGTTIN,
        libc::SIGTTOU,
        libc::SIGUSR1,
        libc::SIGUSR2,
    ] {
        libc::signal(sig, libc::SIG_IGN);
    }
    // Holding berth's stdio would keep a CI runner's pipes open, and holding
    // any other fd (a store lock's flock) would keep the lock taken.
    for fd in 0..3 {
        libc::dup2(devnull, fd);
    }
    let mut from: libc::c_uint = 3;
    for &fd in keep {
        if fd as libc::c_uint > from {
            close_range(from, fd as libc::c_uint - 1);
        }
        from = fd as libc::c_uint + 1;
    }
    close_range(from, libc::c_uint::MAX);

    let mut fds = [
        libc::pollfd {
            fd: container,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: helper,
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    loop {
        let n = libc::poll(fds.as_mut_ptr(), 2, -1);
        if n < 0 && *libc::__errno_location() == libc::EINTR {
            continue;
        }
        // A failed poll would leave the helper unguarded: end it now.
        if n < 0 || fds[0].revents != 0 {
            pidfd_kill(helper);
            libc::_exit(0);
        }
        if fds[1].revents != 0 {
            libc::_exit(0);
        }
    }
}

/// close_range(2), falling back to close(2) on kernels before 5.9.
/// Async-signal-safe.
unsafe fn close_range(first: libc::c_uint, last: libc::c_uint) {
    if libc::syscall(libc::SYS_close_range, first, last, 0) == 0 {
        return;
    }
    let end = last.min(65535);
    let mut fd = first;
    while fd <= end {
        libc::close(fd as RawFd);
        fd += 1;
    }
}

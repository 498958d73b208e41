//! The pause process: a sleeping process whose only job is to keep the
//! user's berth namespaces alive between commands. Its pid and start time
//! are in `pause.pid`; `pause.lock` serialises creating it.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;
use std::process::Command;

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use nix::sched::CloneFlags;
use nix::sys::wait::waitpid;
use nix::unistd::{fork, ForkResult, Pid};

use super::subid::{self, SubidRange};
use super::UsernsError;

const PID_FILE: &str = "pause.pid";
const LOCK_FILE: &str = "pause.lock";

/// The live pause process recorded in `dir`, if any. The start time guards
/// against a recycled pid; a zombie has no namespaces left to join.
pub(super) fn find(dir: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(dir.join(PID_FILE)).ok()?;
    let mut fields = text.split_whitespace();
    let pid: i32 = fields.next()?.parse().ok()?;
    let start: u64 = fields.next()?.parse().ok()?;
    let (state, started) = proc_state(pid)?;
    (pid > 1 && started == start && !matches!(state, 'Z' | 'X' | 'x')).then_some(pid)
}

/// The state letter and start time (fields 3 and 22) of `/proc/PID/stat`.
fn proc_state(pid: i32) -> Option<(char, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name is parenthesised and may hold anything: split after it.
    let mut rest = stat.rsplit_once(')')?.1.split_whitespace();
    let state = rest.next()?.chars().next()?;
    let start = rest.nth(18)?.parse().ok()?;
    Some((state, start))
}

fn start_time(pid: i32) -> Option<u64> {
    proc_state(pid).map(|(_, start)| start)
}

/// Under the lock: the pause process another berth made meanwhile, or a new one.
pub(super) fn find_or_create(dir: &Path, uid: u32) -> Result<i32, UsernsError> {
    let lock_path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| UsernsError::io(format!("open {}", lock_path.display()), e))?;
    let _lock = Flock::lock(file, FlockArg::LockExclusive)
        .map_err(|(_, e)| UsernsError::io(format!("lock {}", lock_path.display()), e.into()))?;
    if let Some(pid) = find(dir) {
        return Ok(pid);
    }
    let maps = IdMaps::for_user(uid)?;
    let pid = spawn(&maps)?;
    let start = start_time(pid).unwrap_or(0);
    let tmp = dir.join(format!("{PID_FILE}.tmp"));
    std::fs::write(&tmp, format!("{pid} {start}\n"))
        .and_then(|()| std::fs::rename(&tmp, dir.join(PID_FILE)))
        .map_err(|e| UsernsError::io(format!("write {}", dir.join(PID_FILE).display()), e))?;
    Ok(pid)
}

/// The newuidmap/newgidmap arguments for the user.
struct IdMaps {
    user: String,
    uid_args: Vec<String>,
    gid_args: Vec<String>,
}

impl IdMaps {
    fn for_user(uid: u32) -> Result<IdMaps, UsernsError> {
        let gid = nix::unistd::getgid().as_raw();
        let name = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
            .ok()
            .flatten()
            .map(|u| u.name);
        let user = name.clone().unwrap_or_else(|| uid.to_string());
        let read = |file: &'static str, kind: &'static str| -> Result<Vec<SubidRange>, _> {
            let ranges = subid::read_ranges(Path::new(file), name.as_deref(), uid)
                .map_err(|e| UsernsError::io(format!("read {file}"), e))?;
            if ranges.is_empty() {
                return Err(UsernsError::NoRange {
                    kind,
                    user: user.clone(),
                    file,
                });
            }
            Ok(ranges)
        };
        let uids = read("/etc/subuid", "uid")?;
        let gids = read("/etc/subgid", "gid")?;
        Ok(IdMaps {
            uid_args: subid::map_args(uid, &uids),
            gid_args: subid::map_args(gid, &gids),
            user,
        })
    }
}

/// Starts the pause process in new user and mount namespaces and maps its
/// ids. It is double-forked so that it is nobody's child but init's, and
/// it lets go of every fd berth had (a test's stdout pipe, lock files).
fn spawn(maps: &IdMaps) -> Result<i32, UsernsError> {
    let pipe = || {
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
            .map_err(|e| UsernsError::io("create a pipe", e.into()))
    };
    let (to_parent_r, to_parent_w) = pipe()?;
    let (to_child_r, to_child_w) = pipe()?;
    // SAFETY: berth is single-threaded here (see `enter`), so the child may
    // run ordinary code.
    let middle = match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            drop(to_parent_r);
            drop(to_child_w);
            // SAFETY: as above.
            match unsafe { fork() } {
                Ok(ForkResult::Child) => pause_main(to_parent_w, to_child_r),
                _ => unsafe { libc::_exit(0) },
            }
        }
        Ok(ForkResult::Parent { child }) => child,
        Err(e) => return Err(UsernsError::io("fork the pause process", e.into())),
    };
    drop(to_parent_w);
    drop(to_child_r);
    let _ = waitpid(middle, None);
    let mut from_child = std::fs::File::from(to_parent_r);
    let mut to_child = std::fs::File::from(to_child_w);
    let mut hello = [0u8; 9];
    from_child
        .read_exact(&mut hello)
        .map_err(|e| UsernsError::io("start the pause process", e))?;
    let pid = i32::from_le_bytes([hello[1], hello[2], hello[3], hello[4]]);
    if hello[0] != 1 {
        let errno = i32::from_le_bytes([hello[5], hello[6], hello[7], hello[8]]);
        return Err(UsernsError::Unshare(Errno::from_raw(errno)));
    }
    let kill = || {
        let _ = nix::sys::signal::kill(Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL);
    };
    for (tool, args) in [("newuidmap", &maps.uid_args), ("newgidmap", &maps.gid_args)] {
        if let Err(e) = run_map_tool(tool, pid, args, &maps.user) {
            kill();
            return Err(e);
        }
    }
    let mut ack = [0u8; 1];
    let done = to_child
        .write_all(&[1])
        .and_then(|()| from_child.read_exact(&mut ack));
    if done.is_err() || ack[0] != 1 {
        kill();
        return Err(UsernsError::io(
            "set up the pause process's mount namespace",
            std::io::Error::other("it exited during set-up"),
        ));
    }
    Ok(pid)
}

fn run_map_tool(
    tool: &'static str,
    pid: i32,
    args: &[String],
    user: &str,
) -> Result<(), UsernsError> {
    let out = Command::new(tool)
        .arg(pid.to_string())
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => UsernsError::MissingTool { tool },
            _ => UsernsError::io(format!("run {tool}"), e),
        })?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    Err(UsernsError::MapFailed {
        tool,
        pid,
        user: user.to_string(),
        detail: match stderr.trim() {
            "" => out.status.to_string(),
            s => s.to_string(),
        },
    })
}

/// The pause process itself: unshare, report, wait for the id maps, make
/// the mount tree a slave of the host's (host mounts keep appearing, ours
/// never leak out), detach from everything and sleep forever.
fn pause_main(to_parent: OwnedFd, from_parent: OwnedFd) -> ! {
    let mut out = std::fs::File::from(to_parent);
    let mut input = std::fs::File::from(from_parent);
    let pid = std::process::id() as i32;
    let mut hello = [0u8; 9];
    hello[1..5].copy_from_slice(&pid.to_le_bytes());
    match nix::sched::unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS) {
        Ok(()) => hello[0] = 1,
        Err(e) => hello[5..9].copy_from_slice(&(e as i32).to_le_bytes()),
    }
    if out.write_all(&hello).is_err() || hello[0] != 1 {
        exit(1);
    }
    let mut go = [0u8; 1];
    if input.read_exact(&mut go).is_err() || go[0] != 1 {
        exit(1);
    }
    let slave = nix::mount::mount(
        None::<&str>,
        "/",
        None::<&str>,
        nix::mount::MsFlags::MS_REC | nix::mount::MsFlags::MS_SLAVE,
        None::<&str>,
    );
    if slave.is_err() {
        exit(1);
    }
    let _ = nix::unistd::setsid();
    let _ = std::env::set_current_dir("/");
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        for fd in 0..3 {
            // SAFETY: dup2 onto the standard fds, which this process owns.
            unsafe { libc::dup2(null.as_raw_fd(), fd) };
        }
    }
    if out.write_all(&[1]).is_err() {
        exit(1);
    }
    // SAFETY: closes fds this process owns; nothing uses them after this.
    unsafe {
        libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32);
        libc::prctl(libc::PR_SET_NAME, c"berth-pause".as_ptr());
    }
    loop {
        // SAFETY: pause(2) has no preconditions.
        unsafe { libc::pause() };
    }
}

fn exit(code: i32) -> ! {
    // SAFETY: _exit skips the parent's atexit handlers and buffers, which
    // this forked copy must not run.
    unsafe { libc::_exit(code) }
}

//! Tests on this machine's real cgroups. They need root and the memory and
//! pids controllers, and skip with a note otherwise. Each uses its own id
//! under the `berth-test` parent and a guard that kills and removes the
//! cgroup even when an assertion fails.
//!
//! Children are made with fork(2) inside a multi-threaded test binary, so
//! between fork and _exit they only make async-signal-safe calls: no
//! allocation, no locks (memory comes from mmap).

use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};

use super::*;

const MIB: usize = 1024 * 1024;
const PARENT: &str = "berth-test";

fn real_layout() -> Option<CgroupLayout> {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("note: skipping real cgroup test: needs root");
        return None;
    }
    match detect() {
        Ok(l) if l.has_controller("memory") && l.has_controller("pids") => Some(l),
        Ok(_) => {
            eprintln!("note: skipping real cgroup test: memory or pids controller not available");
            None
        }
        Err(e) => {
            eprintln!("note: skipping real cgroup test: {e}");
            None
        }
    }
}

fn unique_id(name: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn parent() -> CgroupParent {
    CgroupParent::Root(PARENT.to_string())
}

/// Kills and removes the cgroup on every exit path, then the test parent
/// if no other test still uses it.
struct Guard(Cgroup);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill_all(Signal::SIGKILL);
        let _ = self.0.destroy();
        for dir in self.0.dirs() {
            if let Some(p) = dir.parent() {
                let _ = std::fs::remove_dir(p);
            }
        }
    }
}

/// Fork a child that joins the cgroup through pre-opened fds and runs `body`
/// (which must only make async-signal-safe calls), exiting with its result.
fn spawn_in(cg: &Cgroup, body: fn() -> i32) -> Pid {
    let fds = cg.open_procs_fds().unwrap();
    // SAFETY: the child only calls async-signal-safe functions before _exit.
    match unsafe { fork() }.unwrap() {
        ForkResult::Child => {
            let code = if join_self(&fds).is_ok() { body() } else { 100 };
            // SAFETY: _exit is async-signal-safe and skips the parent's atexit/destructors.
            unsafe { libc::_exit(code) }
        }
        ForkResult::Parent { child } => child,
    }
}

/// Map and touch `bytes` of anonymous memory; true on success.
fn touch_memory(bytes: usize) -> bool {
    // SAFETY: a fresh private anonymous mapping, written only within its length.
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if p == libc::MAP_FAILED {
            return false;
        }
        for off in (0..bytes).step_by(4096) {
            std::ptr::write_volatile((p as *mut u8).add(off), 1);
        }
    }
    true
}

fn wait_until(mut ok: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if ok() {
            return true;
        }
        thread::sleep(Duration::from_millis(5));
    }
    false
}

fn proc_state(pid: Pid) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The state follows the parenthesised command name, which may hold spaces.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next())
        .unwrap_or('?')
}

fn limits(layout: &CgroupLayout) -> Resources {
    let mem = 32 * MIB as i64;
    Resources {
        memory_limit: Some(mem),
        // No swap, or 64 MiB could fit in memory+swap instead of being OOM killed.
        memory_swap: layout.swap_limit_supported().then_some(mem),
        pids_limit: Some(20),
        ..Resources::default()
    }
}

#[test]
fn real_forks_beyond_the_pids_limit_fail_with_eagain() {
    let Some(layout) = real_layout() else { return };
    let cg =
        Guard(Cgroup::create(&layout, &parent(), &unique_id("pids"), &limits(&layout)).unwrap());
    // Exit code: how many forks succeeded before EAGAIN (200: never refused).
    let child = spawn_in(&cg.0, || {
        let mut kids = [0 as libc::pid_t; 64];
        let mut n = 0;
        let mut code = 200;
        while n < kids.len() {
            // SAFETY: the grandchild only calls pause and _exit.
            let r = unsafe { libc::fork() };
            if r == 0 {
                unsafe {
                    libc::pause();
                    libc::_exit(0)
                }
            }
            if r < 0 {
                if nix::errno::Errno::last() == nix::errno::Errno::EAGAIN {
                    code = n as i32;
                }
                break;
            }
            kids[n] = r;
            n += 1;
        }
        for &kid in &kids[..n] {
            // SAFETY: plain syscalls on our own children.
            unsafe {
                libc::kill(kid, libc::SIGKILL);
                libc::waitpid(kid, std::ptr::null_mut(), 0);
            }
        }
        code
    });
    // 20 tasks: the child itself and 19 grandchildren.
    assert_eq!(waitpid(child, None).unwrap(), WaitStatus::Exited(child, 19));
    assert!(!cg.0.oom_killed());
}

#[test]
fn real_touching_more_than_the_memory_limit_is_oom_killed() {
    let Some(layout) = real_layout() else { return };
    let cg =
        Guard(Cgroup::create(&layout, &parent(), &unique_id("oom"), &limits(&layout)).unwrap());
    assert!(!cg.0.oom_killed());
    let child = spawn_in(&cg.0, || if touch_memory(64 * MIB) { 0 } else { 101 });
    assert_eq!(
        waitpid(child, None).unwrap(),
        WaitStatus::Signaled(child, Signal::SIGKILL, false)
    );
    assert!(cg.0.oom_killed());
    let stats = cg.0.stats().unwrap();
    assert_eq!(stats.memory_limit, Some(32 * MIB as u64));
    assert_eq!(stats.pids_limit, Some(20));
}

#[test]
fn real_freeze_thaw_stats_and_kill_all() {
    let Some(layout) = real_layout() else { return };
    let cg =
        Guard(Cgroup::create(&layout, &parent(), &unique_id("freeze"), &limits(&layout)).unwrap());
    let child = spawn_in(&cg.0, || {
        if !touch_memory(MIB) {
            return 101;
        }
        loop {
            // SAFETY: pause is async-signal-safe.
            unsafe { libc::pause() };
        }
    });
    assert!(
        wait_until(|| cg.0.pids().unwrap() == [child.as_raw()]),
        "{:?}",
        cg.0.pids()
    );
    assert!(wait_until(|| proc_state(child) == 'S'));
    let stats = cg.0.stats().unwrap();
    assert!(stats.cpu_usage_ns > 0, "{stats:?}");
    assert!(stats.memory_usage > 0, "{stats:?}");
    assert_eq!(stats.pids_current, 1, "{stats:?}");

    cg.0.freeze().unwrap();
    assert!(cg.0.is_frozen());
    // The v1 freezer parks tasks uninterruptibly; the v2 freezer traps them
    // in a signal-delivery-like sleep that /proc shows as 'S'.
    if layout.version() == CgroupVersion::V1 {
        assert!(
            wait_until(|| proc_state(child) == 'D'),
            "state {}",
            proc_state(child)
        );
    }
    cg.0.thaw().unwrap();
    assert!(!cg.0.is_frozen());
    assert!(
        wait_until(|| proc_state(child) == 'S'),
        "state {}",
        proc_state(child)
    );

    // SIGTERM takes the freeze, signal, thaw path; the default action kills.
    cg.0.kill_all(Signal::SIGTERM).unwrap();
    assert_eq!(
        waitpid(child, None).unwrap(),
        WaitStatus::Signaled(child, Signal::SIGTERM, false)
    );
    assert!(!cg.0.is_frozen());
    assert!(wait_until(|| cg.0.pids().unwrap().is_empty()));
    cg.0.destroy().unwrap();
    for d in cg.0.dirs() {
        assert!(!d.exists(), "{} left behind", d.display());
    }
}

#[test]
fn real_sigkill_reaches_a_paused_container_and_destroy_removes_everything() {
    let Some(layout) = real_layout() else { return };
    let id = unique_id("kill");
    let cg = Guard(Cgroup::create(&layout, &parent(), &id, &Resources::default()).unwrap());
    assert_eq!(
        Cgroup::open(&layout, &parent(), &id).unwrap().as_ref(),
        Some(&cg.0)
    );
    let child = spawn_in(&cg.0, || loop {
        // SAFETY: pause is async-signal-safe.
        unsafe { libc::pause() };
    });
    assert!(wait_until(|| cg.0.pids().unwrap().len() == 1));
    cg.0.freeze().unwrap();
    cg.0.kill_all(Signal::SIGKILL).unwrap();
    assert_eq!(
        waitpid(child, None).unwrap(),
        WaitStatus::Signaled(child, Signal::SIGKILL, false)
    );
    cg.0.thaw().unwrap();
    cg.0.destroy().unwrap();
    for d in cg.0.dirs() {
        assert!(!d.exists(), "{} left behind", d.display());
    }
    assert_eq!(Cgroup::open(&layout, &parent(), &id).unwrap(), None);
}

#[test]
fn real_create_is_a_handful_of_syscalls() {
    let Some(layout) = real_layout() else { return };
    // Warm the parent once, as the first container after boot does.
    let warm = Guard(
        Cgroup::create(
            &layout,
            &parent(),
            &unique_id("warm"),
            &Resources::default(),
        )
        .unwrap(),
    );
    let start = Instant::now();
    let cg =
        Guard(Cgroup::create(&layout, &parent(), &unique_id("fast"), &limits(&layout)).unwrap());
    let took = start.elapsed();
    eprintln!("cgroup create with limits took {took:?}");
    assert!(took < Duration::from_millis(50), "create took {took:?}");
    drop((cg, warm));
}

//! Signals and waiting from outside the supervisor: `stop`, `kill`, `wait`.
//! Only the supervisor (foreground berth or the monitor) can reap the
//! container; everyone else watches its pid through a pidfd and then reads
//! the exit the supervisor recorded.

use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill as send, Signal};
use nix::unistd::Pid;

use super::error::{Result, RuntimeError};
use super::monitor::STOPPED_MARK;
use crate::events::{self, Event};
use crate::store::containers::{ContainerEntry, ContainerStatus};
use crate::store::{Store, StoreError};

fn is_live(entry: &ContainerEntry) -> bool {
    matches!(
        entry.state.status,
        ContainerStatus::Running | ContainerStatus::Paused | ContainerStatus::Restarting
    ) && entry.state.pid > 0
}

fn pidfd(pid: i32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new fd or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return None;
    }
    // SAFETY: the kernel just gave us this fd; nobody else owns it.
    Some(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// Waits up to `limit` for `pid` to exit; true if it did.
fn wait_pid_gone(pid: i32, limit: Duration) -> bool {
    let Some(fd) = pidfd(pid) else {
        return true;
    };
    let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
    let ms = PollTimeout::try_from(limit).unwrap_or(PollTimeout::MAX);
    matches!(poll(&mut fds, ms), Ok(n) if n > 0)
}

/// How long a live supervisor may take to record an exit it has reaped.
/// Recording takes the containers lock, which many busy `berth` processes
/// can keep it from for seconds; a fixed short wait made `stop` return
/// before the container read as stopped.
const RECORD_LIMIT: Duration = Duration::from_secs(120);

/// Waits for the supervisor to record the exit (it does so right after
/// reaping), for as long as the supervisor lives.
fn wait_recorded(store: &Store, id: &str) -> Result<ContainerEntry> {
    let deadline = Instant::now() + RECORD_LIMIT;
    let mut pause = Duration::from_millis(2);
    loop {
        let e = store.find_container(id)?;
        if !is_live(&e) || e.state.status == ContainerStatus::Restarting {
            return Ok(e);
        }
        if e.state.is_stale() {
            store.reconcile_stale()?;
            return Ok(store.find_container(id)?);
        }
        if Instant::now() >= deadline {
            return Err(RuntimeError::Setup(format!(
                "container {id} exited but its supervisor (pid {}) has not recorded it in {} s",
                e.state.monitor_pid,
                RECORD_LIMIT.as_secs()
            )));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

fn mark_user_stop(store: &Store, id: &str) {
    let _ = std::fs::write(store.container_dir(id).join(STOPPED_MARK), b"");
}

/// `berth kill`: sends `sig` to the container's init.
pub fn kill(store: &Store, entry: &ContainerEntry, sig: Signal) -> Result<()> {
    if !is_live(entry) || entry.state.is_stale() {
        return Err(RuntimeError::Invalid(format!(
            "cannot kill container: {}: container {} is not running",
            entry.name, entry.id
        )));
    }
    if matches!(sig, Signal::SIGKILL | Signal::SIGTERM | Signal::SIGINT) {
        mark_user_stop(store, &entry.id);
    }
    match send(Pid::from_raw(entry.state.pid), sig) {
        Ok(()) => {}
        // It exited after we read its state; its supervisor has not recorded
        // that yet.
        Err(nix::errno::Errno::ESRCH) => return Err(RuntimeError::NotRunning(entry.id.clone())),
        Err(e) => {
            return Err(RuntimeError::Setup(format!(
                "signal container {}: {e}",
                entry.id
            )))
        }
    }
    record_kill(store, entry, sig);
    Ok(())
}

/// docker's `kill` event, with the signal's number.
fn record_kill(store: &Store, entry: &ContainerEntry, sig: Signal) {
    let event = Event::container("kill", entry).attr("signal", (sig as i32).to_string());
    events::record(store.root(), event);
}

/// `berth stop`: the stop signal, then SIGKILL after `timeout` seconds.
pub fn stop(
    store: &Store,
    entry: &ContainerEntry,
    timeout: Option<i64>,
    signal: Option<Signal>,
) -> Result<()> {
    if !is_live(entry) || entry.state.is_stale() {
        return Ok(());
    }
    let config = super::engine::load_config(store, &entry.id)?;
    let sig = signal
        .or_else(|| Signal::try_from(config.stop_signal).ok())
        .unwrap_or(Signal::SIGTERM);
    let secs = timeout.or(config.stop_timeout).unwrap_or(10);
    mark_user_stop(store, &entry.id);
    let pid = entry.state.pid;
    if entry.state.paused {
        // A frozen process cannot act on a signal; thaw it first.
        let _ = super::engine::thaw(store, entry);
    }
    if send(Pid::from_raw(pid), sig).is_ok() {
        record_kill(store, entry, sig);
    }
    let gone = secs >= 0 && wait_pid_gone(pid, Duration::from_secs(secs as u64));
    if !gone {
        if send(Pid::from_raw(pid), Signal::SIGKILL).is_ok() {
            record_kill(store, entry, Signal::SIGKILL);
        }
        if !wait_pid_gone(pid, Duration::from_secs(10)) {
            return Err(RuntimeError::Setup(format!(
                "container {} (pid {pid}) did not exit 10 s after SIGKILL",
                entry.id
            )));
        }
    }
    match wait_recorded(store, &entry.id) {
        // An --rm container's supervisor removed it as it exited: stopped.
        Ok(_) | Err(RuntimeError::Store(StoreError::ContainerNotFound(_))) => {}
        Err(e) => return Err(e),
    }
    events::record(store.root(), Event::container("stop", entry));
    Ok(())
}

/// `berth wait`: blocks until the container stops and returns its exit code.
pub fn wait(store: &Store, id: &str) -> Result<i32> {
    loop {
        let e = store.find_container(id)?;
        if e.state.is_stale() {
            store.reconcile_stale()?;
            continue;
        }
        match e.state.status {
            ContainerStatus::Running | ContainerStatus::Paused if e.state.pid > 0 => {
                wait_pid_gone(e.state.pid, Duration::from_secs(3600));
                let rec = wait_recorded(store, id)?;
                if rec.state.status != ContainerStatus::Restarting {
                    return Ok(rec.state.exit_code);
                }
            }
            ContainerStatus::Restarting => std::thread::sleep(Duration::from_millis(50)),
            _ => return Ok(e.state.exit_code),
        }
    }
}

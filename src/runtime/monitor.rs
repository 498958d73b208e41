//! The detached supervisor: `berth run -d` re-executes itself as
//! `berth container-monitor <id>` (setsid, child subreaper), which launches
//! the container, writes its log, records its exit, runs health checks and
//! applies the restart policy. It holds no store lock and no async runtime
//! while it waits; it exits when the container is done for good. It also
//! serves the container's attach socket (see `attach`), so `run -it` can
//! detach and `attach` can come back.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio as ProcStdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::json;

use super::attach::{self, AttachServer};
use super::config::{ContainerConfig, HealthConfig, LogDriver};
use super::engine::{self, mark_exited, mark_failed, mark_running};
use super::error::{Result, RuntimeError};
use super::launcher::Stdio;
use super::logs::LogWriter;
use super::relay::{block_signals, Relay};
use super::sdnotify;
use crate::store::containers::ContainerStatus;
use crate::store::{Store, StorePaths};

/// File whose presence tells the monitor that `stop`/`kill` came from the
/// user, so the restart policy must not bring the container back.
pub const STOPPED_MARK: &str = "stopped-by-user";

/// How long a monitor holding output waits, after the container exited,
/// for the client it holds it for (`run -it` connects within milliseconds).
const FIRST_CLIENT_WAIT: Duration = Duration::from_secs(10);

/// How the monitor runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct MonitorOptions {
    /// Keep the container's output (and its exit code) for the first
    /// attach client: `run -it` and `start -ai` attach right after start
    /// and must not miss the first prompt or a quick exit.
    pub hold_output: bool,
}

/// Starts the monitor for a created container and returns once the
/// container runs (or with the launch error and its exit code).
pub fn start_detached(paths: &StorePaths, id: &str) -> Result<()> {
    start_detached_with(paths, id, MonitorOptions::default())
}

/// As [`start_detached`], with options.
pub fn start_detached_with(paths: &StorePaths, id: &str, opts: MonitorOptions) -> Result<()> {
    let (ready_r, ready_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
        .map_err(|e| RuntimeError::io("create pipe", e.into()))?;
    let exe = std::env::current_exe().map_err(|e| RuntimeError::io("find the berth binary", e))?;
    let ready_fd = ready_w.as_raw_fd();
    let mut cmd = Command::new(exe);
    cmd.arg("--root")
        .arg(&paths.root)
        .arg("--runroot")
        .arg(&paths.runroot)
        .arg("container-monitor")
        .arg(id)
        .arg("--ready-fd")
        .arg(ready_fd.to_string())
        .stdin(ProcStdio::null())
        .stdout(ProcStdio::null())
        .stderr(ProcStdio::null());
    if opts.hold_output {
        cmd.arg("--hold-output");
    }
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::setsid();
            // Keep the readiness pipe across exec.
            let flags = libc::fcntl(ready_fd, libc::F_GETFD);
            libc::fcntl(ready_fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC);
            Ok(())
        });
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| RuntimeError::io("start the container monitor", e))?;
    drop(ready_w);
    let mut msg = String::new();
    let mut reader = std::fs::File::from(ready_r);
    let _ = reader.read_to_string(&mut msg);
    // The monitor lives on detached; reap nothing, but do not leave a zombie
    // if it already exited with an error.
    if msg.trim() == "ok" {
        std::mem::forget(child);
        return Ok(());
    }
    let _ = child.wait();
    let msg = msg.trim();
    let (code, text) = match msg.split_once(' ') {
        Some((c, t)) => (c.parse::<u8>().unwrap_or(125), t.to_string()),
        None if msg.is_empty() => (
            125,
            "the container monitor exited before the container started".to_string(),
        ),
        None => (125, msg.to_string()),
    };
    Err(match code {
        127 => RuntimeError::CommandNotFound(text),
        126 => RuntimeError::CannotInvoke(text),
        _ => RuntimeError::Setup(text),
    })
}

/// The monitor process's main; returns the process exit code.
pub fn monitor_main(store: &Store, id: &str, ready_fd: Option<i32>, opts: MonitorOptions) -> i32 {
    // SAFETY: the fd was passed to us by our parent for exactly this use.
    let mut ready = ready_fd.map(|fd| std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) }));
    let _ = nix::sys::prctl::set_child_subreaper(true);
    let mask = match block_signals() {
        Ok(m) => m,
        Err(e) => {
            report(&mut ready, 125, &format!("block signals: {e}"));
            return 125;
        }
    };
    let dir = store.container_dir(id);
    let _ = std::fs::remove_file(dir.join(STOPPED_MARK));
    // Bound before the launch, so a client may connect as soon as we report
    // ready. Without it the container still runs, just not attachable —
    // unless the caller is about to attach.
    let mut server =
        match AttachServer::bind(&attach::socket_path(store.paths(), id), opts.hold_output) {
            Ok(s) => Some(s),
            Err(e) if opts.hold_output => {
                report(&mut ready, 125, &e.to_string());
                return 125;
            }
            Err(_) => None,
        };
    let mut delay = Duration::from_millis(100);
    let mut announced = false;
    loop {
        let entry = match store.find_container(id) {
            Ok(e) => e,
            Err(e) => {
                report(&mut ready, 125, &e.to_string());
                return 125;
            }
        };
        let config = match engine::load_config(store, id) {
            Ok(c) => c,
            Err(e) => {
                report(&mut ready, 125, &e.to_string());
                return 125;
            }
        };
        // With -i the monitor holds the stdin pipe open for attach clients,
        // as docker keeps a detached container's stdin open.
        let stdio = if config.tty {
            Stdio::Pty
        } else {
            Stdio::Pipes {
                stdin: config.interactive,
            }
        };
        let started = match engine::launch_monitored(store, &entry, stdio, Vec::new()) {
            Ok(s) => s,
            Err(e) => {
                mark_failed(store, id, &e);
                report(&mut ready, e.run_exit_code(), &e.to_string());
                return i32::from(e.run_exit_code());
            }
        };
        let pid = started.launched.pid;
        if let Err(e) = mark_running(store, id, pid.as_raw(), std::process::id() as i32) {
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            report(&mut ready, 125, &e.to_string());
            return 125;
        }
        if !announced {
            announced = true;
            // Once, at the first start, and before `run -d` learns the
            // container runs: systemd reads this before it sees the
            // short-lived `run -d` exit, and the monitor (which lives as
            // long as the container) becomes the unit's MAINPID.
            let _ = sdnotify::announce(config.sdnotify, std::process::id());
        }
        report(&mut ready, 0, "ok");
        shed_startup_memory();
        let log = open_log(&dir, &config, &entry);
        let mut health = config
            .health
            .clone()
            .filter(HealthConfig::enabled)
            .map(HealthState::new);
        // Without health checks the first tick only trims memory once the
        // monitor has settled into waiting, and then stops.
        let tick = Some(
            health
                .as_ref()
                .map(|h| h.config.interval().min(Duration::from_secs(1)))
                .unwrap_or(Duration::from_secs(2)),
        );
        let mut settled = false;
        let launched = started.launched;
        let relay = Relay {
            child: pid,
            stdout: launched.stdout,
            stderr: launched.stderr,
            pty: launched.pty_master,
            stdin_pipe: launched.stdin,
            input: None,
            to_terminal: false,
            log,
            forward_signals: true,
            tick_every: tick,
        };
        let began = Instant::now();
        let exit = relay.run_serving(&mask, server.as_mut(), || {
            if !settled {
                // Start-up's code pages came back while the loop got going;
                // let them go again now that it is idle.
                shed_startup_memory();
                settled = true;
            }
            match health.as_mut() {
                Some(h) => {
                    h.maybe_check(store, id, pid.as_raw(), began);
                    true
                }
                None => false,
            }
        });
        let exit = match exit {
            Ok(e) => e,
            Err(_) => super::relay::Exit {
                code: 255,
                signal: None,
            },
        };
        let finish = |server: &mut Option<AttachServer>| {
            if let Some(s) = server.as_mut() {
                s.finish(exit.code, FIRST_CLIENT_WAIT);
            }
        };
        let entry = match mark_exited(store, id, exit, &started.cgroup, started.network.as_ref()) {
            Ok(e) => e,
            Err(_) => {
                finish(&mut server);
                return 0;
            }
        };
        let stopped = dir.join(STOPPED_MARK).exists();
        // `berth update --restart` may have changed the policy while it ran.
        let config = engine::load_config(store, id).unwrap_or(config);
        if config
            .restart
            .should_restart(exit.code, entry.state.restart_count, stopped)
        {
            let _ = store.update_container(id, |e| {
                e.state.status = ContainerStatus::Restarting;
                e.state.restart_count += 1;
                Ok(())
            });
            // docker's attach ends when the container stops, restart or not.
            finish(&mut server);
            // docker's back-off: doubling from 100 ms, reset after 10 s of running.
            if began.elapsed() > Duration::from_secs(10) {
                delay = Duration::from_millis(100);
            }
            std::thread::sleep(delay);
            delay = (delay * 2).min(Duration::from_secs(60));
            if dir.join(STOPPED_MARK).exists() {
                let _ = store.update_container(id, |e| {
                    e.state.status = ContainerStatus::Exited;
                    Ok(())
                });
                break;
            }
            continue;
        }
        if config.auto_remove {
            let _ = engine::remove(store, &entry, true);
        }
        // Last: `run -it --rm` returns only when the container is gone.
        finish(&mut server);
        break;
    }
    0
}

fn report(ready: &mut Option<std::fs::File>, code: u8, msg: &str) {
    if let Some(mut f) = ready.take() {
        let line = if code == 0 {
            "ok\n".to_string()
        } else {
            format!("{code} {msg}\n")
        };
        let _ = f.write_all(line.as_bytes());
    }
}

fn open_log(
    dir: &Path,
    config: &ContainerConfig,
    entry: &crate::store::containers::ContainerEntry,
) -> Option<LogWriter> {
    let cfg = config.log.clone()?;
    if matches!(cfg.driver, LogDriver::None | LogDriver::Passthrough) {
        return None;
    }
    let path = cfg
        .options
        .get("path")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("ctr.log"));
    LogWriter::open_for(&path, &cfg, entry).ok().flatten()
}

/// docker's health state machine: starting → healthy/unhealthy.
struct HealthState {
    config: HealthConfig,
    last: Option<Instant>,
    streak: u32,
    log: Vec<serde_json::Value>,
    status: &'static str,
}

impl HealthState {
    fn new(config: HealthConfig) -> HealthState {
        HealthState {
            config,
            last: None,
            streak: 0,
            log: Vec::new(),
            status: "starting",
        }
    }

    fn maybe_check(&mut self, store: &Store, id: &str, pid: i32, began: Instant) {
        if self
            .last
            .is_some_and(|t| t.elapsed() < self.config.interval())
        {
            return;
        }
        if self.last.is_none()
            && began.elapsed() < self.config.interval().min(Duration::from_secs(1))
        {
            return;
        }
        self.last = Some(Instant::now());
        let start = Utc::now();
        let (code, output) =
            super::exec::run_check(store, id, pid, &self.config.test, self.config.timeout());
        let end = Utc::now();
        let in_start_period = began.elapsed() < self.config.start_period();
        if code == 0 {
            self.streak = 0;
            self.status = "healthy";
        } else if !in_start_period {
            self.streak += 1;
            if self.streak >= self.config.retries() {
                self.status = "unhealthy";
            }
        }
        self.log.push(json!({
            "Start": start.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
            "End": end.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
            "ExitCode": code,
            "Output": output,
        }));
        // docker keeps the last five results.
        let excess = self.log.len().saturating_sub(5);
        self.log.drain(..excess);
        let health = json!({
            "Status": self.status,
            "FailingStreak": self.streak,
            "Log": self.log,
        });
        let _ = store.update_container(id, |e| {
            e.state.health = Some(health);
            Ok(())
        });
    }
}

/// The monitor lives as long as its container, so after start-up it gives
/// back what start-up touched: free heap goes back to the kernel, and the
/// file-backed pages it mapped (CLI parsing, serde, the launcher) leave its
/// resident set; pages the relay loop needs fault back in from the page cache.
fn shed_startup_memory() {
    let Ok(smaps) = std::fs::read_to_string("/proc/self/smaps") else {
        trim_heap();
        return;
    };
    let mut current: Option<(usize, usize, bool)> = None;
    let mut private_copies = 0u64;
    let flush = |m: Option<(usize, usize, bool)>, private_copies: u64| {
        let Some((start, end, clean_candidate)) = m else {
            return;
        };
        // MADV_RANDOM turns off fault-around, so what the relay loop touches
        // later comes back one page at a time instead of 64 KiB at a time.
        // SAFETY: advisory calls on our own mapping. DONTNEED is applied only
        // to file-backed, read-only mappings holding no private (anonymous)
        // copy: their pages are the file's and fault back in unchanged.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_RANDOM);
            if clean_candidate && private_copies == 0 {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
            }
        }
    };
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if let Some((a, b)) = first.split_once('-') {
            if let (Ok(start), Ok(end)) =
                (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16))
            {
                flush(current.take(), private_copies);
                private_copies = 0;
                let mut f = line.split_whitespace();
                let perms = f.nth(1).unwrap_or("");
                let path = line.split_whitespace().nth(5).unwrap_or("");
                let file_backed = path.starts_with('/');
                current = file_backed.then_some((start, end, !perms.contains('w')));
                continue;
            }
        }
        // Anonymous pages in a file mapping are private copies (relocated
        // data): those must never be dropped. Page-cache dirtiness (a binary
        // just written by the linker) does not matter.
        if let Some(v) = line.strip_prefix("Anonymous:") {
            private_copies += v
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .unwrap_or(1);
        }
    }
    flush(current.take(), private_copies);
    // Trimmed last, so the smaps buffer (100+ KiB) goes back as well.
    drop(smaps);
    trim_heap();
}

fn trim_heap() {
    // SAFETY: malloc_trim only returns unused heap to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

//! Foreground `run` and `start -a`: berth itself is the container's parent
//! for its whole life, so whatever supervises berth (a shell, CI, systemd)
//! supervises the container: exit code, signals and stdio pass through.

use std::os::fd::AsFd;

use super::config::LogDriver;
use super::engine::{self, mark_exited, mark_failed, mark_running};
use super::error::{Result, RuntimeError};
use super::launcher::Stdio;
use super::logs::LogWriter;
use super::relay::{block_signals, Exit, Relay, StopOnTerm};
use super::sdnotify;
use crate::store::containers::ContainerEntry;
use crate::store::Store;

pub struct AttachOptions {
    pub interactive: bool,
    pub sig_proxy: bool,
    /// systemd socket activation: fds handed to the container as 3…, with
    /// `LISTEN_FDS`/`LISTEN_PID` (and `LISTEN_FDNAMES` when systemd named
    /// them) in its environment; see `handoff::take_listen_fds`.
    pub preserve_fds: Vec<i32>,
}

/// Starts `entry` attached to this process and returns its exit code
/// (128+N when killed by signal N).
pub fn run_attached(store: &Store, entry: &ContainerEntry, opts: &AttachOptions) -> Result<i32> {
    let config = engine::load_config(store, &entry.id)?;
    let mask = block_signals().map_err(|e| RuntimeError::io("block signals", e))?;
    let passthrough = config
        .log
        .as_ref()
        .is_some_and(|l| l.driver == LogDriver::Passthrough);
    let stdio = if passthrough {
        Stdio::Inherit
    } else if config.tty {
        Stdio::Pty
    } else {
        Stdio::Pipes {
            stdin: opts.interactive,
        }
    };
    let started = match engine::launch_container(store, entry, stdio, opts.preserve_fds.clone()) {
        Ok(s) => s,
        Err(e) => {
            mark_failed(store, &entry.id, &e);
            if config.auto_remove {
                let _ = engine::remove(store, entry, true);
            }
            return Err(e);
        }
    };
    let pid = started.launched.pid;
    // The container has its own copies now. Holding ours would keep an
    // accepted connection (Accept=yes) open after the container closes it,
    // as systemd itself closes its copy once the service runs.
    for fd in &opts.preserve_fds {
        // SAFETY: these fds were handed to this process for the container
        // alone (see `handoff::take_listen_fds`); nothing else uses them.
        unsafe { libc::close(*fd) };
    }
    if let Err(e) = mark_running(store, &entry.id, pid.as_raw(), std::process::id() as i32) {
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
        let _ = nix::sys::wait::waitpid(pid, None);
        let _ = started.cgroup.destroy();
        return Err(e);
    }
    // berth is the service's supervisor and stays so until the container
    // exits: it is systemd's MAINPID.
    if let Err(e) = sdnotify::announce(config.sdnotify, std::process::id()) {
        eprintln!("berth: warning: cannot notify systemd (NOTIFY_SOCKET): {e}");
    }
    let log = match &config.log {
        Some(cfg) if !passthrough => {
            let path = cfg
                .options
                .get("path")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| store.container_dir(&entry.id).join("ctr.log"));
            LogWriter::open_for(&path, cfg, entry).ok().flatten()
        }
        _ => None,
    };
    let stdin = std::io::stdin();
    let _raw = if config.tty && opts.interactive {
        super::tty::RawMode::enter(stdin.as_fd())
    } else {
        None
    };
    let launched = started.launched;
    let relay = Relay {
        child: pid,
        stdout: launched.stdout,
        stderr: launched.stderr,
        pty: launched.pty_master,
        stdin_pipe: launched.stdin,
        input: if opts.interactive {
            Some(stdin.as_fd())
        } else {
            None
        },
        to_terminal: true,
        log,
        forward_signals: opts.sig_proxy,
        tick_every: None,
    };
    // Being told to end stops the container as `berth stop` would, even
    // with --sig-proxy=false. docker's client would just leave and let the
    // daemon keep the container; berth IS the supervisor (the container
    // dies with it), so leaving would mean a SIGKILL with no grace.
    let stop = StopOnTerm::new(config.stop_signal, config.stop_timeout);
    let exit = relay.run_with_stop(&mask, stop, || false).unwrap_or(Exit {
        code: 255,
        signal: None,
    });
    drop(_raw);
    let entry = mark_exited(
        store,
        &entry.id,
        exit,
        &started.cgroup,
        started.network.as_ref(),
    )?;
    if config.auto_remove {
        engine::remove(store, &entry, true)?;
    }
    Ok(exit.code)
}

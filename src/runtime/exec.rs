//! `berth exec` and health checks: a new process inside a running
//! container's namespaces and cgroup, with the container's security
//! settings; `--privileged` adds every capability but keeps the container's
//! seccomp filter, as docker does.

use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

use super::error::{Result, RuntimeError};
use super::launcher::{self, LinuxSyscall, Stdio};
use super::relay::{block_signals, Exit, Relay};
use super::{seccomp, spec};
use crate::events::{self, Event};
use crate::store::containers::{ContainerEntry, ContainerStatus};
use crate::store::Store;

pub struct ExecOptions {
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub user: Option<String>,
    pub workdir: Option<String>,
    pub tty: bool,
    pub interactive: bool,
    pub privileged: bool,
    pub detach: bool,
}

struct Prepared {
    process: oci_spec::runtime::Process,
    program: Option<seccomp::BpfProgram>,
    procs: Vec<OwnedFd>,
}

fn prepare(store: &Store, entry: &ContainerEntry, opts: &ExecOptions) -> Result<Prepared> {
    if entry.state.status != ContainerStatus::Running || entry.state.pid <= 0 {
        return Err(RuntimeError::NotRunning(entry.id.clone()));
    }
    if entry.state.paused {
        return Err(RuntimeError::Invalid(format!(
            "container {} is paused, unpause the container before exec",
            entry.id
        )));
    }
    let file = store.container_file(&entry.id)?;
    let oci: oci_spec::runtime::Spec = serde_json::from_value(file.spec)
        .map_err(|e| RuntimeError::Invalid(format!("corrupt spec: {e}")))?;
    let config = super::engine::load_config(store, &entry.id)?;
    let mut process = oci
        .process()
        .clone()
        .ok_or_else(|| RuntimeError::Invalid("container spec has no process".into()))?;
    let mut env = process.env().clone().unwrap_or_default();
    for e in &opts.env {
        let key = e.split('=').next().unwrap_or(e);
        env.retain(|x| x.split('=').next() != Some(key));
        env.push(e.clone());
    }
    process.set_env(Some(env));
    process.set_args(Some(opts.args.clone()));
    process.set_terminal(Some(opts.tty));
    if let Some(w) = &opts.workdir {
        process.set_cwd(PathBuf::from(w));
    }
    let root = PathBuf::from(format!("/proc/{}/root", entry.state.pid));
    let user = opts.user.clone().unwrap_or(config.user.clone());
    let resolved = spec::resolve_user(&root, &user, &config.group_add)
        .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
    let mut u = process.user().clone();
    u.set_uid(resolved.uid);
    u.set_gid(resolved.gid);
    u.set_additional_gids(Some(resolved.additional_gids));
    process.set_user(u);
    if opts.privileged {
        process.set_capabilities(Some(spec::privileged_capabilities()));
    }
    // Even `--privileged` keeps the container's filter: runc applies it to
    // every process it execs, so docker's privileged exec gains capabilities
    // but no syscalls (moby#21984, moby#37723).
    let program = match oci.linux().as_ref().and_then(|l| l.seccomp().as_ref()) {
        Some(p) => {
            Some(seccomp::compile(p).map_err(|e| RuntimeError::Setup(format!("seccomp: {e}")))?)
        }
        None => None,
    };
    let procs = match super::container_cgroup::find(store, &entry.id) {
        Ok(Some(cg)) => cg
            .open_procs_fds()
            .map_err(|e| RuntimeError::Setup(e.to_string()))?,
        _ => Vec::new(),
    };
    Ok(Prepared {
        process,
        program,
        procs,
    })
}

fn spawn(pid: i32, p: Prepared, stdio: Stdio) -> Result<launcher::Launched> {
    let install = p.program.as_ref().map(|prog| {
        move || match seccomp::install(prog) {
            Ok(()) => 0,
            Err(e) => e.errno(),
        }
    });
    launcher::exec_in(
        &LinuxSyscall,
        Pid::from_raw(pid),
        &p.process,
        stdio,
        p.procs,
        install.as_ref().map(|f| f as &launcher::SeccompInstaller),
    )
    .map_err(|e| match e.exit_code() {
        127 => RuntimeError::CommandNotFound(e.to_string()),
        126 => RuntimeError::CannotInvoke(e.to_string()),
        _ => RuntimeError::Setup(e.to_string()),
    })
}

/// Runs `exec` in the foreground and returns the process's exit code.
pub fn exec(store: &Store, entry: &ContainerEntry, opts: &ExecOptions) -> Result<i32> {
    let prepared = prepare(store, entry, opts)?;
    let exec_id = hex::encode(rand::random::<[u8; 32]>());
    let exec_event = |action: String| Event::container(&action, entry).attr("execID", &exec_id);
    let command = opts.args.join(" ");
    events::record(store.root(), exec_event(format!("exec_create: {command}")));
    if opts.detach {
        let launched = spawn(entry.state.pid, prepared, Stdio::Null)?;
        events::record(store.root(), exec_event(format!("exec_start: {command}")));
        // Detached: nobody waits; the container's init reaps it once we exit.
        drop(launched);
        return Ok(0);
    }
    let mask = block_signals().map_err(|e| RuntimeError::io("block signals", e))?;
    let stdio = if opts.tty {
        Stdio::Pty
    } else {
        Stdio::Pipes {
            stdin: opts.interactive,
        }
    };
    let launched = spawn(entry.state.pid, prepared, stdio)?;
    events::record(store.root(), exec_event(format!("exec_start: {command}")));
    let stdin = std::io::stdin();
    let _raw = if opts.tty {
        super::tty::RawMode::enter(stdin.as_fd())
    } else {
        None
    };
    let relay = Relay {
        child: launched.pid,
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
        log: None,
        forward_signals: true,
        tick_every: None,
    };
    let exit = relay
        .run(&mask, || false)
        .map_err(|e| RuntimeError::io("relay exec output", e))?;
    let died = exec_event("exec_die".to_string()).attr("exitCode", exit.code.to_string());
    events::record(store.root(), died);
    Ok(exit.code)
}

/// One health check: the command's exit code and (up to 4 KiB of) output.
pub fn run_check(
    store: &Store,
    id: &str,
    pid: i32,
    test: &[String],
    timeout: Duration,
) -> (i32, String) {
    let args = match test.first().map(String::as_str) {
        Some("CMD") => test[1..].to_vec(),
        Some("CMD-SHELL") => vec!["/bin/sh".into(), "-c".into(), test[1..].join(" ")],
        _ => return (1, "unsupported health check".into()),
    };
    let entry = match store.find_container(id) {
        Ok(e) => e,
        Err(e) => return (1, e.to_string()),
    };
    let opts = ExecOptions {
        args,
        env: vec![],
        user: None,
        workdir: None,
        tty: false,
        interactive: false,
        privileged: false,
        detach: false,
    };
    let _ = pid;
    let prepared = match prepare(store, &entry, &opts) {
        Ok(p) => p,
        Err(e) => return (1, e.to_string()),
    };
    let launched = match spawn(entry.state.pid, prepared, Stdio::Pipes { stdin: false }) {
        Ok(l) => l,
        Err(e) => return (1, e.to_string()),
    };
    let deadline = Instant::now() + timeout;
    let mut output = Vec::new();
    if let Some(out) = launched.stdout {
        let mut f = std::fs::File::from(out);
        let _ = (&mut f).take(4096).read_to_end(&mut output);
    }
    loop {
        match waitpid(launched.pid, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => {
                if Instant::now() >= deadline {
                    let _ = kill(launched.pid, Signal::SIGKILL);
                    let _ = waitpid(launched.pid, None);
                    return (
                        -1,
                        format!("Health check exceeded timeout ({}s)", timeout.as_secs()),
                    );
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(ws) => {
                let code = Exit::from_status(ws).map(|e| e.code).unwrap_or(1);
                return (code, String::from_utf8_lossy(&output).into_owned());
            }
            Err(_) => return (1, String::from_utf8_lossy(&output).into_owned()),
        }
    }
}

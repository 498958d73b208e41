//! start, stop, restart, kill, rm, wait, exec, top, rename, pause,
//! unpause, stats, prune. Commands that take several containers act on
//! each, print each name as docker does, and exit 1 if any failed.

use std::process::ExitCode;

use nix::sys::signal::Signal;
use serde_json::json;

use super::args::*;
use crate::cli::error::{render, CliError, CliResult};
use crate::cli::output::human_size;
use crate::cli::render as out;
use crate::runtime::exec::ExecOptions;
use crate::runtime::foreground::{self, AttachOptions};
use crate::runtime::{control, engine, exec as rexec, monitor, spec, RuntimeError};
use crate::settings::Settings;
use crate::store::containers::{ContainerEntry, ContainerStatus};
use crate::store::{Store, StoreError};

pub(super) fn open(settings: &Settings) -> CliResult<Store> {
    let store = Store::open(&settings.store)?;
    // A container whose supervisor died (kill -9) shows as exited, and
    // its network leases, veths and port rules go.
    if !store.reconcile_stale()?.is_empty() {
        let _ = crate::net::attach::sweep(store.root());
    }
    Ok(store)
}

pub(super) fn find(store: &Store, name: &str) -> CliResult<ContainerEntry> {
    store.find_container(name).map_err(|e| match e {
        StoreError::ContainerNotFound(_) => CliError::msg(format!("No such container: {name}")),
        other => other.into(),
    })
}

/// Runs `f` for each named container: prints what `f` returns, reports
/// failures on stderr, exits 1 if any failed (docker's behaviour).
pub(super) fn for_each(
    settings: &Settings,
    names: &[String],
    mut f: impl FnMut(&Store, &ContainerEntry, &str) -> Result<Option<String>, CliError>,
) -> CliResult {
    let store = open(settings)?;
    let mut failed = false;
    for name in names {
        let result = find(&store, name).and_then(|e| f(&store, &e, name));
        match result {
            Ok(Some(line)) => println!("{line}"),
            Ok(None) => {}
            Err(e) => {
                eprintln!("Error: {}", render(&e.error));
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn rt(e: RuntimeError) -> CliError {
    CliError::from(e)
}

pub(crate) fn parse_signal(s: &str) -> CliResult<Signal> {
    spec::parse_signal(s)
        .ok()
        .and_then(|n| Signal::try_from(n).ok())
        .ok_or_else(|| CliError::msg(format!("invalid signal: {s}")))
}

fn is_running(e: &ContainerEntry) -> bool {
    matches!(
        e.state.status,
        ContainerStatus::Running | ContainerStatus::Paused | ContainerStatus::Restarting
    )
}

pub fn start(settings: &Settings, args: &StartArgs) -> CliResult {
    // First, before anything can spawn a helper that would inherit them.
    let listen = crate::runtime::handoff::take_listen_fds();
    if args.all || !args.filters.is_empty() {
        return super::start_all::start_all(settings, args);
    }
    if args.attach || args.interactive {
        if args.containers.len() > 1 {
            return Err(CliError::msg(
                "you cannot start and attach multiple containers at once",
            ));
        }
        let store = open(settings)?;
        let entry = find(&store, &args.containers[0])?;
        if is_running(&entry) {
            // docker attaches to a container that is already running.
            return super::attach::attach(
                settings,
                &AttachArgs {
                    detach_keys: args.detach_keys.clone(),
                    no_stdin: !args.interactive,
                    sig_proxy: true,
                    container: entry.id.clone(),
                },
            );
        }
        if args.interactive && engine::load_config(&store, &entry.id).map_err(rt)?.tty {
            let keys = super::attach::detach_keys(args.detach_keys.as_deref(), 1)?;
            return super::attach::start_and_attach(settings, &store, &entry, keys, 1, false);
        }
        let opts = AttachOptions {
            interactive: args.interactive,
            sig_proxy: true,
            preserve_fds: listen.map(|l| l.fds()).unwrap_or_default(),
        };
        let code = foreground::run_attached(&store, &entry, &opts).map_err(|e| CliError {
            code: 1,
            error: e.into(),
        })?;
        return Ok(ExitCode::from(code.clamp(0, 255) as u8));
    }
    for_each(settings, &args.containers, |_, e, name| {
        if !is_running(e) {
            monitor::start_detached(&settings.store, &e.id).map_err(rt)?;
        }
        Ok(Some(name.to_string()))
    })
}

pub fn stop(settings: &Settings, args: &StopArgs) -> CliResult {
    let sig = match &args.signal {
        Some(s) => Some(parse_signal(s)?),
        None => None,
    };
    let names = targets(&args.containers, &args.cidfiles, args.ignore)?;
    let names = present(settings, names, args.ignore)?;
    for_each(settings, &names, |store, e, name| {
        control::stop(store, e, args.timeout, sig).map_err(rt)?;
        Ok(Some(name.to_string()))
    })
}

pub fn restart(settings: &Settings, args: &StopArgs) -> CliResult {
    let sig = match &args.signal {
        Some(s) => Some(parse_signal(s)?),
        None => None,
    };
    let names = targets(&args.containers, &args.cidfiles, args.ignore)?;
    let names = present(settings, names, args.ignore)?;
    for_each(settings, &names, |store, e, name| {
        control::stop(store, e, args.timeout, sig).map_err(rt)?;
        let fresh = store.find_container(&e.id)?;
        if !is_running(&fresh) {
            monitor::start_detached(&settings.store, &e.id).map_err(rt)?;
        }
        let restarted = crate::events::Event::container("restart", &fresh);
        crate::events::record(store.root(), restarted);
        Ok(Some(name.to_string()))
    })
}

pub fn kill(settings: &Settings, args: &KillArgs) -> CliResult {
    let sig = parse_signal(&args.signal)?;
    for_each(settings, &args.containers, |store, e, name| {
        match control::kill(store, e, sig) {
            Ok(()) => {}
            Err(RuntimeError::NotRunning(id)) => {
                return Err(CliError::msg(format!(
                    "cannot kill container: {name}: container {id} is not running"
                )))
            }
            Err(other) => return Err(rt(other)),
        }
        Ok(Some(name.to_string()))
    })
}

pub fn rm(settings: &Settings, args: &RmArgs) -> CliResult {
    let names = targets(&args.containers, &args.cidfiles, args.ignore)?;
    let names = present(settings, names, args.ignore)?;
    let code = for_each(settings, &names, |store, e, name| {
        if is_running(e) && !args.force {
            return Err(CliError::msg(format!(
                "cannot remove container \"{}\": container is running: stop the container before removing or force remove",
                e.name
            )));
        }
        remove_container(store, e, args.volumes, args.time, args.force)?;
        Ok(Some(name.to_string()))
    })?;
    // podman's `rm --cidfile` removes the file with the container, so a
    // unit's next `run --cidfile` finds the path free.
    if code == ExitCode::SUCCESS {
        for f in &args.cidfiles {
            match std::fs::remove_file(f) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(CliError::msg(format!(
                        "removing cidfile {}: {e}",
                        f.display()
                    )))
                }
            }
        }
    }
    Ok(code)
}

/// Removes a container whatever its state (`rm -f`, `run --replace`): a
/// running one is stopped first, with `timeout` seconds' grace when given,
/// else killed.
pub(super) fn remove_container(
    store: &Store,
    e: &ContainerEntry,
    volumes: bool,
    timeout: Option<i64>,
    force: bool,
) -> CliResult<()> {
    if is_running(e) {
        match timeout {
            Some(t) => control::stop(store, e, Some(t), None).map_err(rt)?,
            None => match control::kill(store, e, Signal::SIGKILL) {
                // Exited on its own meanwhile: wait for the record, then remove.
                Ok(()) | Err(RuntimeError::NotRunning(_)) => {}
                Err(other) => return Err(rt(other)),
            },
        }
        match control::wait(store, &e.id) {
            Ok(_) => {}
            // An --rm container's supervisor removed it on exit: done.
            Err(RuntimeError::Store(StoreError::ContainerNotFound(_))) => return Ok(()),
            Err(other) => return Err(rt(other)),
        }
    }
    let fresh = match store.find_container(&e.id) {
        Ok(f) => f,
        Err(StoreError::ContainerNotFound(_)) => return Ok(()),
        Err(other) => return Err(other.into()),
    };
    if force {
        // `container mount` left it mounted: -f means unmount, then remove.
        crate::runtime::hostmount::unmount_container(store, &fresh).map_err(rt)?;
    }
    match engine::remove(store, &fresh, volumes) {
        // Removed meanwhile by its own --rm supervisor: what was asked is done.
        Ok(()) | Err(RuntimeError::Store(StoreError::ContainerNotFound(_))) => Ok(()),
        Err(other) => Err(rt(other)),
    }
}

/// The containers named on the command line and in `--cidfile` files
/// (podman's). With `ignore`, a cidfile that is gone names nothing.
pub(super) fn targets(
    names: &[String],
    cidfiles: &[std::path::PathBuf],
    ignore: bool,
) -> CliResult<Vec<String>> {
    let mut out = names.to_vec();
    for f in cidfiles {
        match std::fs::read_to_string(f) {
            Ok(id) if !id.trim().is_empty() => out.push(id.trim().to_string()),
            Ok(_) if ignore => {}
            Err(e) if ignore && e.kind() == std::io::ErrorKind::NotFound => {}
            Ok(_) => {
                return Err(CliError::msg(format!(
                    "cidfile {} is empty; it names no container",
                    f.display()
                )))
            }
            Err(e) => {
                return Err(CliError::msg(format!(
                    "reading cidfile {}: {e}",
                    f.display()
                )))
            }
        }
    }
    Ok(out)
}

/// With `--ignore` (podman's), names of containers that do not exist are
/// dropped instead of failing the command.
pub(super) fn present(
    settings: &Settings,
    names: Vec<String>,
    ignore: bool,
) -> CliResult<Vec<String>> {
    if !ignore {
        return Ok(names);
    }
    let store = open(settings)?;
    let mut out = Vec::new();
    for n in names {
        match store.find_container(&n) {
            Ok(_) => out.push(n),
            Err(StoreError::ContainerNotFound(_)) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(out)
}

pub fn wait(settings: &Settings, args: &WaitArgs) -> CliResult {
    for_each(settings, &args.containers, |store, e, _| {
        let code = control::wait(store, &e.id).map_err(rt)?;
        Ok(Some(code.to_string()))
    })
}

pub fn exec(settings: &Settings, args: &ExecArgs) -> CliResult {
    let store = open(settings)?;
    let (name, cmd) = args
        .container_and_command
        .split_first()
        .ok_or_else(|| CliError::msg("exec requires a container and a command"))?;
    let entry = find(&store, name)?;
    let mut env = args.env.clone();
    for f in &args.env_files {
        env.extend(spec::parse_env_file(f).map_err(|e| CliError::msg(e.to_string()))?);
    }
    let opts = ExecOptions {
        args: cmd.to_vec(),
        env,
        user: args.user.clone(),
        workdir: args.workdir.clone(),
        tty: args.tty,
        interactive: args.interactive,
        privileged: args.privileged,
        detach: args.detach,
    };
    match rexec::exec(&store, &entry, &opts) {
        Ok(code) => Ok(ExitCode::from(code.clamp(0, 255) as u8)),
        Err(e @ RuntimeError::NotRunning(_)) => Err(CliError::msg(format!(
            "container {} is not running: {}",
            name, e
        ))),
        Err(e) => Err(CliError {
            code: e.run_exit_code(),
            error: e.into(),
        }),
    }
}

pub fn rename(settings: &Settings, args: &RenameArgs) -> CliResult {
    let store = open(settings)?;
    let entry = find(&store, &args.container)?;
    store.rename_container(&entry.id, &args.new_name)?;
    Ok(ExitCode::SUCCESS)
}

pub fn pause(settings: &Settings, args: &ContainersArgs) -> CliResult {
    for_each(settings, &args.containers, |store, e, name| {
        engine::pause(store, e).map_err(rt)?;
        Ok(Some(name.to_string()))
    })
}

pub fn unpause(settings: &Settings, args: &ContainersArgs) -> CliResult {
    for_each(settings, &args.containers, |store, e, name| {
        engine::thaw(store, e).map_err(rt)?;
        Ok(Some(name.to_string()))
    })
}

/// `top`: docker runs `ps -ef` on the host and keeps the container's pids.
pub fn top(settings: &Settings, args: &TopArgs) -> CliResult {
    let store = open(settings)?;
    let entry = find(&store, &args.container)?;
    let pids = engine::pids(&store, &entry).map_err(rt)?;
    let mut rows = Vec::new();
    for pid in pids {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |k: &str| {
            stat.lines()
                .find_map(|l| {
                    l.strip_prefix(k)
                        .map(|v| v.split_whitespace().next().unwrap_or("").to_string())
                })
                .unwrap_or_default()
        };
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline"))
            .map(|b| {
                b.split(|c| *c == 0)
                    .filter(|s| !s.is_empty())
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        rows.push(json!({
            "UID": field("Uid:"),
            "PID": pid.to_string(),
            "PPID": field("PPid:"),
            "CMD": cmdline,
        }));
    }
    out::print_list(
        None,
        "table {{.UID}}\t{{.PID}}\t{{.PPID}}\t{{.CMD}}",
        &rows,
        &[
            ("UID", "UID"),
            ("PID", "PID"),
            ("PPID", "PPID"),
            ("CMD", "CMD"),
        ],
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn stats(settings: &Settings, args: &StatsArgs) -> CliResult {
    let store = open(settings)?;
    let entries: Vec<ContainerEntry> = if args.containers.is_empty() {
        store
            .list_containers()?
            .into_iter()
            .filter(|e| args.all || is_running(e))
            .collect()
    } else {
        args.containers
            .iter()
            .map(|n| find(&store, n))
            .collect::<CliResult<Vec<_>>>()?
    };
    // A named container without a cgroup would only ever show zeros.
    if let Some(e) = entries.iter().find(|e| engine::cgroup_disabled(&store, e)) {
        return Err(CliError::msg(
            crate::runtime::cgroups::CgroupError::Disabled(e.id.clone()).to_string(),
        ));
    }
    let template = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.BlockIO}}\t{{.PIDs}}";
    let headers = [
        ("ID", "CONTAINER ID"),
        ("Name", "NAME"),
        ("CPUPerc", "CPU %"),
        ("MemUsage", "MEM USAGE / LIMIT"),
        ("MemPerc", "MEM %"),
        ("BlockIO", "BLOCK I/O"),
        ("PIDs", "PIDS"),
    ];
    let sample = |entries: &[ContainerEntry]| -> Vec<(String, crate::runtime::cgroups::Stats)> {
        entries
            .iter()
            .filter_map(|e| engine::stats(&store, e).ok().map(|s| (e.id.clone(), s)))
            .collect()
    };
    loop {
        let first = sample(&entries);
        std::thread::sleep(std::time::Duration::from_millis(500));
        let second = sample(&entries);
        let mut rows = Vec::new();
        for e in &entries {
            let a = first.iter().find(|(id, _)| id == &e.id).map(|(_, s)| s);
            let b = second.iter().find(|(id, _)| id == &e.id).map(|(_, s)| s);
            let (cpu, mem, limit, pids, rd, wr) = match (a, b) {
                (Some(a), Some(b)) => {
                    let delta = b.cpu_usage_ns.saturating_sub(a.cpu_usage_ns) as f64;
                    (
                        delta / 5e8 * 100.0,
                        b.memory_usage,
                        b.memory_limit.unwrap_or(0),
                        b.pids_current,
                        b.blkio_read_bytes,
                        b.blkio_write_bytes,
                    )
                }
                _ => (0.0, 0, 0, 0, 0, 0),
            };
            let limit = if limit == 0 || limit > (1u64 << 60) {
                host_memory()
            } else {
                limit
            };
            rows.push(json!({
                "ID": if args.no_trunc { e.id.clone() } else { e.id[..12].to_string() },
                "Name": e.name,
                "CPUPerc": format!("{cpu:.2}%"),
                "MemUsage": format!("{} / {}", human_bin(mem), human_bin(limit)),
                "MemPerc": format!("{:.2}%", if limit > 0 { mem as f64 * 100.0 / limit as f64 } else { 0.0 }),
                "BlockIO": format!("{} / {}", human_size(rd), human_size(wr)),
                "PIDs": pids.to_string(),
            }));
        }
        if !args.no_stream {
            print!("\x1b[2J\x1b[H");
        }
        out::print_list(args.format.as_deref(), template, &rows, &headers)?;
        if args.no_stream {
            return Ok(ExitCode::SUCCESS);
        }
    }
}

fn host_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| {
                    v.split_whitespace()
                        .next()
                        .and_then(|n| n.parse::<u64>().ok())
                })
        })
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

/// docker's `units.BytesSize`: binary units ("1.5MiB").
fn human_bin(n: u64) -> String {
    const U: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i < U.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let s: String = if s.len() > 5 {
        format!("{v:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        s.to_string()
    };
    format!("{s}{}", U[i])
}

pub fn prune(settings: &Settings, args: &ContainerPruneArgs) -> CliResult {
    let _ = &args.filters;
    if !args.force
        && !crate::cli::output::confirm(
            "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ",
        )?
    {
        return Ok(ExitCode::SUCCESS);
    }
    let store = open(settings)?;
    let mut removed = Vec::new();
    for e in store.list_containers()? {
        if !is_running(&e) {
            engine::remove(&store, &e, false).map_err(rt)?;
            removed.push(e.id);
        }
    }
    if !removed.is_empty() {
        println!("Deleted Containers:");
        for id in &removed {
            println!("{id}");
        }
        println!();
    }
    println!("Total reclaimed space: 0B");
    Ok(ExitCode::SUCCESS)
}

//! `attach`, and the attaching half of `run -it` and `start -a -i`: the
//! container runs under its monitor (so the user can detach and come
//! back); this process only relays a terminal to the monitor's socket.

use std::process::ExitCode;

use super::args::AttachArgs;
use super::lifecycle::{find, open};
use crate::cli::error::{CliError, CliResult};
use crate::runtime::attach::{self, AttachError, ClientOptions, DetachKeys, Outcome};
use crate::runtime::monitor::{self, MonitorOptions};
use crate::runtime::{control, engine, RuntimeError};
use crate::settings::Settings;
use crate::store::containers::{ContainerEntry, ContainerStatus};
use crate::store::Store;

/// Parses `--detach-keys`; failures exit with `code` (125 for `run`).
pub(super) fn detach_keys(spec: Option<&str>, code: u8) -> CliResult<DetachKeys> {
    match spec {
        None => Ok(DetachKeys::default()),
        Some(s) => DetachKeys::parse(s).map_err(|e| CliError {
            error: e.into(),
            code,
        }),
    }
}

pub fn attach(settings: &Settings, args: &AttachArgs) -> CliResult {
    let keys = detach_keys(args.detach_keys.as_deref(), 1)?;
    let store = open(settings)?;
    let entry = find(&store, &args.container)?;
    let refuse = |what: &str, fix: &str| {
        Err(CliError::msg(format!(
            "You cannot attach to a {what} container, {fix}"
        )))
    };
    match entry.state.status {
        ContainerStatus::Running if !entry.state.is_stale() => {}
        ContainerStatus::Paused => return refuse("paused", "unpause it first"),
        ContainerStatus::Restarting => return refuse("restarting", "wait until it is running"),
        _ => return refuse("stopped", "start it first"),
    }
    let config = engine::load_config(&store, &entry.id)?;
    let opts = ClientOptions {
        stdin: config.interactive && !args.no_stdin,
        tty: config.tty,
        detach_keys: keys,
        sig_proxy: args.sig_proxy,
    };
    relay(&store, &entry.id, &opts, 1)
}

/// `run -it` and `start -a -i` with a tty: start `entry` under a monitor
/// that holds its first output for us, then attach. Failures exit with
/// `code` (125 for `run`); `remove_on_failure` is `run --rm`.
pub(super) fn start_and_attach(
    settings: &Settings,
    store: &Store,
    entry: &ContainerEntry,
    keys: DetachKeys,
    code: u8,
    remove_on_failure: bool,
) -> CliResult {
    let config = engine::load_config(store, &entry.id).map_err(|e| CliError {
        code,
        error: e.into(),
    })?;
    let started = monitor::start_detached_with(
        &settings.store,
        &entry.id,
        MonitorOptions { hold_output: true },
    );
    if let Err(e) = started {
        if remove_on_failure {
            let _ = engine::remove(store, entry, true);
        }
        return Err(CliError {
            // 126/127 for a command that cannot run, as the foreground path.
            code: if code == 125 { e.run_exit_code() } else { code },
            error: e.into(),
        });
    }
    let opts = ClientOptions {
        stdin: config.interactive,
        tty: config.tty,
        detach_keys: keys,
        sig_proxy: true,
    };
    relay(store, &entry.id, &opts, code)
}

fn relay(store: &Store, id: &str, opts: &ClientOptions, code: u8) -> CliResult {
    let fail = |e: AttachError| CliError {
        code,
        error: e.into(),
    };
    let socket = attach::socket_path(store.paths(), id);
    let status = match attach::attach(&socket, id, opts).map_err(fail)? {
        Outcome::Exited(status) => status,
        Outcome::Detached => {
            // docker's words; the terminal is already restored.
            eprintln!("read escape sequence");
            return Ok(ExitCode::SUCCESS);
        }
        // The monitor died without a word: the store knows what happened.
        Outcome::Lost => control::wait(store, id).map_err(|e: RuntimeError| CliError {
            code,
            error: e.into(),
        })?,
    };
    Ok(ExitCode::from(status.clamp(0, 255) as u8))
}

//! `berth generate systemd`: a service unit for an existing container, in
//! the shape of `podman generate systemd`. Without `--new` the unit starts
//! and stops the existing container; with `--new` it recreates the
//! container from its recorded create command each time it starts, so the
//! unit alone (and the image) is enough to run the service.
//!
//! Both kinds are `Type=notify`: `berth start` and `berth run -d` hand the
//! container to the detached monitor, which sends MAINPID (itself) and
//! READY=1 once the container runs (`--sdnotify=conmon`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::cmdline::{remove_flags, split_run_args};
use super::error::GenerateError;
use super::escape::{escape_arg, escape_args};
use crate::cli::error::{CliError, CliResult};
use crate::runtime::config::RestartPolicy;
use crate::runtime::engine;
use crate::settings::Settings;
use crate::store::{Store, StoreError};

/// systemd's `Restart=` values.
const RESTART_POLICIES: &[&str] = &[
    "no",
    "on-success",
    "on-failure",
    "on-abnormal",
    "on-watchdog",
    "on-abort",
    "always",
];

/// Added to the stop timeout for `TimeoutStopSec=`: time for the stop and
/// removal commands themselves (podman's margin).
const STOP_MARGIN_SECS: u64 = 60;

/// docker's default stop timeout.
const DEFAULT_STOP_TIMEOUT: u64 = 10;

/// Flags of `run` the `--new` unit sets itself, or that systemd replaces.
const REPLACED_LONG: &[&str] = &[
    "detach", "rm", "name", "replace", "cidfile", "sdnotify", "cgroups", "restart",
];
const REPLACED_SHORT: &[char] = &['d'];

#[derive(Debug, Args)]
pub struct SystemdArgs {
    /// Create a new container when the service starts, instead of starting an existing one
    #[arg(long)]
    pub new: bool,
    /// Use the container's name instead of its ID in the unit
    #[arg(short = 'n', long)]
    pub name: bool,
    /// Write container-NAME.service into the current directory instead of printing it
    #[arg(short = 'f', long)]
    pub files: bool,
    /// systemd restart policy (default on-failure, or the container's own policy)
    #[arg(long = "restart-policy", value_name = "POLICY")]
    pub restart_policy: Option<String>,
    /// Seconds to wait for the container to stop before killing it
    #[arg(short = 't', long = "stop-timeout", alias = "time", value_name = "N")]
    pub stop_timeout: Option<u64>,
    /// Seconds systemd waits for the service to start
    #[arg(long = "start-timeout", value_name = "N")]
    pub start_timeout: Option<u64>,
    /// Seconds systemd waits before restarting the service
    #[arg(long = "restart-sec", value_name = "N")]
    pub restart_sec: Option<u64>,
    /// Prefix of the unit name
    #[arg(
        long = "container-prefix",
        default_value = "container",
        value_name = "P"
    )]
    pub container_prefix: String,
    /// Separator between the prefix and the name
    #[arg(long, default_value = "-", value_name = "S")]
    pub separator: String,
    /// Leave out the comment header
    #[arg(long = "no-header")]
    pub no_header: bool,
    /// Extra environment for the service (KEY=VALUE)
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Add Wants= dependencies on these units
    #[arg(long, value_name = "UNIT")]
    pub wants: Vec<String>,
    /// Add After= ordering on these units
    #[arg(long, value_name = "UNIT")]
    pub after: Vec<String>,
    /// Add Requires= dependencies on these units
    #[arg(long, value_name = "UNIT")]
    pub requires: Vec<String>,
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

/// Everything the unit text is made from: plain data, rendered by [`render`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerUnit {
    /// Without `.service`.
    pub service_name: String,
    /// The berth binary and the store flags it needs (empty for the default store).
    pub berth: Vec<String>,
    /// The container's name (`--name`) or ID.
    pub name_or_id: String,
    pub restart: String,
    pub start_limit_burst: Option<u32>,
    pub restart_sec: Option<u64>,
    pub start_timeout: Option<u64>,
    pub stop_timeout: u64,
    pub requires_mounts: Vec<PathBuf>,
    pub env: Vec<String>,
    pub wants: Vec<String>,
    pub after: Vec<String>,
    pub requires: Vec<String>,
    pub header: bool,
    /// `--new`: the container's name and the `run` arguments that recreate
    /// it (options, then image and command).
    pub recreate: Option<Recreate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recreate {
    pub name: String,
    /// `--sdnotify` mode: the container's own `container`, else `conmon`.
    pub sdnotify: String,
    pub args: Vec<String>,
}

/// The cidfile `--new` units keep in the runtime dir (`%t`), per unit (`%n`).
const CIDFILE: &str = "%t/%n.ctr-id";

/// The unit text.
pub fn render(u: &ContainerUnit) -> String {
    let mut out = String::new();
    let service = format!("{}.service", u.service_name);
    if u.header {
        out.push_str(&format!(
            "# {service}\n# autogenerated by berth {}\n\n",
            env!("CARGO_PKG_VERSION")
        ));
    }
    out.push_str("[Unit]\n");
    out.push_str(&format!("Description=berth {service}\n"));
    out.push_str("Documentation=man:berth-generate-systemd(1)\n");
    out.push_str("Wants=network-online.target\nAfter=network-online.target\n");
    let mounts: Vec<String> = u
        .requires_mounts
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    out.push_str(&format!("RequiresMountsFor={}\n", escape_args(&mounts)));
    if !(u.wants.is_empty() && u.after.is_empty() && u.requires.is_empty()) {
        out.push_str("\n# User-defined dependencies\n");
        for (key, list) in [
            ("Wants", &u.wants),
            ("After", &u.after),
            ("Requires", &u.requires),
        ] {
            if !list.is_empty() {
                out.push_str(&format!("{key}={}\n", list.join(" ")));
            }
        }
    }
    out.push_str("\n[Service]\nEnvironment=BERTH_SYSTEMD_UNIT=%n\n");
    for e in &u.env {
        out.push_str(&format!("Environment={}\n", escape_arg(e)));
    }
    out.push_str(&format!("Restart={}\n", u.restart));
    if let Some(s) = u.restart_sec {
        out.push_str(&format!("RestartSec={s}\n"));
    }
    if let Some(b) = u.start_limit_burst {
        out.push_str(&format!("StartLimitBurst={b}\n"));
    }
    if let Some(t) = u.start_timeout {
        out.push_str(&format!("TimeoutStartSec={t}\n"));
    }
    out.push_str(&format!(
        "TimeoutStopSec={}\n",
        u.stop_timeout + STOP_MARGIN_SECS
    ));
    let berth = escape_args(&u.berth);
    let t = u.stop_timeout;
    match &u.recreate {
        None => {
            let ctr = escape_arg(&u.name_or_id);
            out.push_str(&format!("ExecStart={berth} start {ctr}\n"));
            out.push_str(&format!("ExecStop={berth} stop -t {t} {ctr}\n"));
            out.push_str(&format!("ExecStopPost={berth} stop -t {t} {ctr}\n"));
        }
        Some(r) => {
            out.push_str(&format!(
                "ExecStart={berth} run --cidfile={CIDFILE} --cgroups=no-conmon --rm --sdnotify={} -d --replace --name {} {}\n",
                r.sdnotify,
                escape_arg(&r.name),
                escape_args(&r.args)
            ));
            out.push_str(&format!(
                "ExecStop={berth} stop --ignore -t {t} --cidfile={CIDFILE}\n"
            ));
            out.push_str(&format!(
                "ExecStopPost={berth} rm -f --ignore -t {t} --cidfile={CIDFILE}\n"
            ));
        }
    }
    out.push_str("Type=notify\nNotifyAccess=all\n\n[Install]\nWantedBy=default.target\n");
    out
}

/// systemd's `Restart=` (and `StartLimitBurst=`) for a container's policy:
/// podman's mapping, `on-failure` when the container has none.
pub fn systemd_restart(policy: &RestartPolicy) -> (String, Option<u32>) {
    match policy {
        RestartPolicy::No => ("on-failure".into(), None),
        RestartPolicy::Always | RestartPolicy::UnlessStopped => ("always".into(), None),
        RestartPolicy::OnFailure { max_retries } => (
            "on-failure".into(),
            (*max_retries > 0).then_some(*max_retries),
        ),
    }
}

/// The `run` arguments that recreate a container, from its recorded
/// create command (`run …` or `create …`, maybe after `container`).
pub fn recreate_args(id: &str, command: &[String]) -> Result<Recreate, GenerateError> {
    let start = command
        .iter()
        .position(|w| w == "run" || w == "create")
        .ok_or_else(|| GenerateError::BadCreateCommand {
            container: id.to_string(),
            command: command.to_vec(),
        })?;
    let (options, positionals) = split_run_args(&command[start + 1..]);
    if positionals.is_empty() {
        return Err(GenerateError::BadCreateCommand {
            container: id.to_string(),
            command: command.to_vec(),
        });
    }
    let sdnotify = sdnotify_mode(&options).unwrap_or_else(|| "conmon".into());
    // The unit's own berth carries the store flags; stray global flags in
    // the recorded options would repeat or contradict them.
    let mut drop_long: Vec<&str> = REPLACED_LONG.to_vec();
    drop_long.extend(["root", "runroot", "config", "berth-config"]);
    let mut args = remove_flags(&options, &drop_long, REPLACED_SHORT);
    args.extend(positionals);
    Ok(Recreate {
        name: String::new(),
        sdnotify,
        args,
    })
}

/// `--sdnotify=container` is kept (the container itself signals); every
/// other mode becomes `conmon`, since a `Type=notify` unit needs a READY.
fn sdnotify_mode(options: &[String]) -> Option<String> {
    let mut mode = None;
    let mut words = options.iter();
    while let Some(w) = words.next() {
        if let Some(v) = w.strip_prefix("--sdnotify=") {
            mode = Some(v.to_string());
        } else if w == "--sdnotify" {
            mode = words.next().cloned();
        }
    }
    mode.filter(|m| m == "container")
}

/// The berth binary (absolute) and the store flags a unit's commands need.
pub fn berth_command(settings: &Settings) -> Vec<String> {
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "/usr/local/bin/berth".into());
    let mut cmd = vec![exe];
    let default = crate::settings::default_store().ok();
    let same_root = default
        .as_ref()
        .is_some_and(|d| d.root == settings.store.root);
    let same_runroot = default
        .as_ref()
        .is_some_and(|d| d.runroot == settings.store.runroot);
    if !(same_root && same_runroot) {
        cmd.extend([
            "--root".to_string(),
            settings.store.root.display().to_string(),
            "--runroot".to_string(),
            settings.store.runroot.display().to_string(),
        ]);
    }
    cmd
}

fn plan(settings: &Settings, store: &Store, args: &SystemdArgs) -> Result<ContainerUnit, CliError> {
    let entry = match store.find_container(&args.container) {
        Ok(e) => e,
        Err(StoreError::ContainerNotFound(_)) => {
            return Err(GenerateError::NoSuchContainer(args.container.clone()).into())
        }
        Err(other) => return Err(other.into()),
    };
    let config = engine::load_config(store, &entry.id)?;
    let (mut restart, mut burst) = systemd_restart(&config.restart);
    if let Some(p) = &args.restart_policy {
        if !RESTART_POLICIES.contains(&p.as_str()) {
            return Err(GenerateError::RestartPolicy(p.clone()).into());
        }
        restart = p.clone();
        burst = None;
    }
    if !args.new && config.restart != RestartPolicy::No {
        eprintln!(
            "WARN: container {} has its own restart policy, which can fight systemd's on shutdown; consider recreating it without --restart and using --new",
            entry.name
        );
    }
    let stop_timeout = args.stop_timeout.unwrap_or_else(|| {
        config
            .stop_timeout
            .and_then(|t| u64::try_from(t).ok())
            .unwrap_or(DEFAULT_STOP_TIMEOUT)
    });
    let name_or_id = if args.name {
        entry.name.clone()
    } else {
        entry.id.clone()
    };
    let recreate = if args.new {
        let command: Vec<String> = config.docker_config["CreateCommand"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if command.is_empty() {
            return Err(GenerateError::NoCreateCommand(entry.name.clone()).into());
        }
        let mut r = recreate_args(&entry.name, &command)?;
        r.name = entry.name.clone();
        Some(r)
    } else {
        None
    };
    Ok(ContainerUnit {
        service_name: format!("{}{}{}", args.container_prefix, args.separator, name_or_id),
        berth: berth_command(settings),
        name_or_id,
        restart,
        start_limit_burst: burst,
        restart_sec: args.restart_sec,
        start_timeout: args.start_timeout,
        stop_timeout,
        requires_mounts: vec![settings.store.root.clone(), settings.store.runroot.clone()],
        env: args.env.clone(),
        wants: args.wants.clone(),
        after: args.after.clone(),
        requires: args.requires.clone(),
        header: !args.no_header,
        recreate,
    })
}

pub fn systemd(settings: &Settings, args: &SystemdArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let unit = plan(settings, &store, args)?;
    let text = render(&unit);
    if !args.files {
        print!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let cwd = std::env::current_dir().map_err(|e| GenerateError::io("read", ".", e))?;
    let path = cwd.join(format!("{}.service", unit.service_name));
    std::fs::write(&path, text).map_err(|e| GenerateError::io("write", &path, e))?;
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    fn unit() -> ContainerUnit {
        ContainerUnit {
            service_name: "container-web".into(),
            berth: vec!["/usr/bin/berth".into()],
            name_or_id: "web".into(),
            restart: "on-failure".into(),
            start_limit_burst: None,
            restart_sec: None,
            start_timeout: None,
            stop_timeout: 10,
            requires_mounts: vec!["/var/lib/berth".into(), "/run/berth".into()],
            env: Vec::new(),
            wants: Vec::new(),
            after: Vec::new(),
            requires: Vec::new(),
            header: true,
            recreate: None,
        }
    }

    #[test]
    fn an_existing_container_is_started_and_stopped() {
        let text = render(&unit());
        assert!(text.starts_with("# container-web.service\n# autogenerated by berth "));
        for line in [
            "Description=berth container-web.service",
            "RequiresMountsFor=/var/lib/berth /run/berth",
            "Environment=BERTH_SYSTEMD_UNIT=%n",
            "Restart=on-failure",
            "TimeoutStopSec=70",
            "ExecStart=/usr/bin/berth start web",
            "ExecStop=/usr/bin/berth stop -t 10 web",
            "ExecStopPost=/usr/bin/berth stop -t 10 web",
            "Type=notify",
            "NotifyAccess=all",
            "WantedBy=default.target",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing in\n{text}"
            );
        }
    }

    #[test]
    fn new_units_replay_the_run_arguments_escaped() {
        let mut r = recreate_args(
            "web",
            &words("run -d --name web --restart always -e A=1 -p 8080:80 busybox echo 100% $HOME"),
        )
        .expect("valid");
        r.name = "web".into();
        assert_eq!(r.sdnotify, "conmon");
        let u = ContainerUnit {
            recreate: Some(r),
            ..unit()
        };
        let text = render(&u);
        assert!(text.lines().any(|l| l
            == "ExecStart=/usr/bin/berth run --cidfile=%t/%n.ctr-id --cgroups=no-conmon --rm --sdnotify=conmon -d --replace --name web -e A=1 -p 8080:80 busybox echo 100%% $$HOME"), "{text}");
        assert!(
            text.contains("ExecStop=/usr/bin/berth stop --ignore -t 10 --cidfile=%t/%n.ctr-id\n")
        );
        assert!(text
            .contains("ExecStopPost=/usr/bin/berth rm -f --ignore -t 10 --cidfile=%t/%n.ctr-id\n"));
    }

    #[test]
    fn recreate_keeps_sdnotify_container_and_rejects_odd_commands() {
        let r = recreate_args("c", &words("container create --sdnotify=container busybox"))
            .expect("valid");
        assert_eq!(r.sdnotify, "container");
        assert_eq!(r.args, words("busybox"));
        assert!(recreate_args("c", &words("start c")).is_err());
        assert!(recreate_args("c", &words("run -d")).is_err());
    }

    #[test]
    fn restart_policies_map_to_systemd() {
        assert_eq!(
            systemd_restart(&RestartPolicy::No),
            ("on-failure".into(), None)
        );
        assert_eq!(
            systemd_restart(&RestartPolicy::UnlessStopped),
            ("always".into(), None)
        );
        assert_eq!(
            systemd_restart(&RestartPolicy::OnFailure { max_retries: 5 }),
            ("on-failure".into(), Some(5))
        );
    }
}

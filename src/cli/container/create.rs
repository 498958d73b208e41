//! `run` and `create`: flags → `RunOptions` → a recorded container, then
//! (for `run`) a foreground or detached start.

use std::collections::BTreeMap;
use std::process::ExitCode;

use super::args::{CreateArgs, CreateFlags, RunArgs};
use crate::cli::error::{CliError, CliResult};
use crate::cli::image::{find_image, parse_ref, runtime};
use crate::cli::progress::TerminalProgress;
use crate::registry::client::RegistryOptions;
use crate::registry::platform::Platform;
use crate::runtime::cgroups::CgroupsMode;
use crate::runtime::config::{parse_duration, HealthConfig, LogConfig, RestartPolicy};
use crate::runtime::container_cgroup::CgroupOptions;
use crate::runtime::engine::{self, CreateRequest};
use crate::runtime::foreground::{self, AttachOptions};
use crate::runtime::handoff;
use crate::runtime::ports;
use crate::runtime::sdnotify::SdNotifyMode;
use crate::runtime::spec::{NetworkMode, RunOptions};
use crate::runtime::{monitor, RuntimeError};
use crate::settings::Settings;
use crate::store::containers::ContainerEntry;
use crate::store::{ImageRecord, Store, StoreError};

/// `run`/`create` fail with 125 (berth's own failure), 126 or 127.
fn run_error(e: impl Into<anyhow::Error>) -> CliError {
    CliError {
        error: e.into(),
        code: 125,
    }
}

fn runtime_error(e: RuntimeError) -> CliError {
    CliError {
        code: e.run_exit_code(),
        error: e.into(),
    }
}

fn parse_labels(flags: &CreateFlags) -> CliResult<BTreeMap<String, String>> {
    let mut labels = BTreeMap::new();
    let mut lines: Vec<String> = Vec::new();
    for f in &flags.label_files {
        let text = std::fs::read_to_string(f)
            .map_err(|e| run_error(anyhow::anyhow!("open {}: {e}", f.display())))?;
        lines.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    lines.extend(flags.labels.iter().cloned());
    for l in lines {
        match l.split_once('=') {
            Some((k, v)) => labels.insert(k.to_string(), v.to_string()),
            None => labels.insert(l.clone(), String::new()),
        };
    }
    Ok(labels)
}

/// `--network` values → the namespace choice and the networks to join.
/// `none`, `host`, `container:` and user-mode networking stand alone;
/// bridge networks may be repeated. Without `--network`, the configured
/// default (berth.toml `[network] default`, `BERTH_NETWORK`) applies, else
/// root gets the default bridge and rootless users user-mode networking.
fn network_mode(
    values: &[String],
    default: Option<&str>,
    rootless: bool,
) -> CliResult<(NetworkMode, Vec<String>)> {
    if let (None, Some(d)) = (values.first(), default) {
        return network_mode(&[d.to_string()], None, rootless);
    }
    let alone = |v: &str| {
        matches!(v, "none" | "host" | "slirp4netns" | "pasta")
            || v.starts_with("container:")
            || v.starts_with("slirp4netns:")
            || v.starts_with("pasta:")
    };
    if values.len() > 1 {
        if let Some(v) = values.iter().find(|v| alone(v)) {
            return Err(run_error(anyhow::anyhow!(
                "conflicting options: cannot attach to other networks when using --network {v}"
            )));
        }
    }
    let Some(first) = values.first() else {
        let default = if rootless { "slirp4netns" } else { "bridge" };
        return Ok((NetworkMode::Bridge, vec![default.to_string()]));
    };
    Ok(match first.as_str() {
        "none" => (NetworkMode::None, Vec::new()),
        "host" => (NetworkMode::Host, Vec::new()),
        "" => {
            return Err(run_error(anyhow::anyhow!(
                "invalid network name: an empty string"
            )))
        }
        other => match other.strip_prefix("container:") {
            Some(c) => (NetworkMode::Container(c.to_string()), Vec::new()),
            None => {
                let names = values
                    .iter()
                    .map(|v| {
                        if v == "default" {
                            "bridge".to_string()
                        } else {
                            v.clone()
                        }
                    })
                    .collect();
                (NetworkMode::Bridge, names)
            }
        },
    })
}

fn health_config(flags: &CreateFlags) -> CliResult<Option<HealthConfig>> {
    let Some(cmd) = &flags.health_cmd else {
        return Ok(None);
    };
    let nanos = |v: &Option<String>, what: &str| -> CliResult<i64> {
        match v {
            Some(s) => parse_duration(s)
                .map(|d| d.as_nanos() as i64)
                .map_err(|e| run_error(anyhow::anyhow!("--{what}: {e}"))),
            None => Ok(0),
        }
    };
    Ok(Some(HealthConfig {
        test: vec!["CMD-SHELL".into(), cmd.clone()],
        interval: nanos(&flags.health_interval, "health-interval")?,
        timeout: nanos(&flags.health_timeout, "health-timeout")?,
        start_period: nanos(&flags.health_start_period, "health-start-period")?,
        retries: flags.health_retries.unwrap_or(0),
    }))
}

/// The configured default ulimits (docker's `--default-ulimit`) the
/// container does not set itself, then its own `--ulimit`s.
fn ulimits(own: &[String], defaults: &[String]) -> Vec<String> {
    let name = |u: &String| u.split_once('=').map(|(n, _)| n.to_string());
    let set: std::collections::HashSet<String> = own.iter().filter_map(name).collect();
    defaults
        .iter()
        .filter(|d| name(d).is_some_and(|n| !set.contains(&n)))
        .chain(own)
        .cloned()
        .collect()
}

pub(super) fn run_options(
    flags: &CreateFlags,
    cmd: &[String],
    settings: &Settings,
) -> CliResult<RunOptions> {
    let (network, networks) = network_mode(
        &flags.network,
        settings.default_network.as_deref(),
        settings.store.rootless,
    )?;
    Ok(RunOptions {
        cmd: cmd.to_vec(),
        entrypoint: flags.entrypoint.clone(),
        env: flags.env.clone(),
        env_files: flags.env_files.clone(),
        env_host: flags.env_host,
        workdir: flags.workdir.clone(),
        user: flags.user.clone(),
        group_add: flags.group_add.clone(),
        hostname: flags.hostname.clone(),
        domainname: flags.domainname.clone(),
        tty: flags.tty,
        interactive: flags.interactive,
        volumes: flags.volumes.clone(),
        mounts: flags.mounts.clone(),
        tmpfs: flags.tmpfs.clone(),
        read_only: flags.read_only,
        cap_add: flags.cap_add.clone(),
        cap_drop: flags.cap_drop.clone(),
        privileged: flags.privileged,
        security_opts: flags.security_opts.clone(),
        memory: flags.memory.clone(),
        memory_swap: flags.memory_swap.clone(),
        memory_reservation: flags.memory_reservation.clone(),
        cpus: flags.cpus.clone(),
        cpu_shares: flags.cpu_shares,
        cpuset_cpus: flags.cpuset_cpus.clone(),
        pids_limit: flags.pids_limit,
        ulimits: ulimits(&flags.ulimits, &settings.default_ulimits),
        devices: flags.devices.clone(),
        shm_size: flags.shm_size.clone(),
        sysctls: flags.sysctls.clone(),
        stop_signal: flags.stop_signal.clone(),
        init: flags.init,
        network,
        networks,
        network_aliases: flags.network_aliases.clone(),
        ip: flags
            .ip
            .as_deref()
            .map(|s| {
                s.parse()
                    .map_err(|_| run_error(anyhow::anyhow!("invalid IPv4 address: {s}")))
            })
            .transpose()?,
        ipc: flags.ipc.clone(),
        pid: flags.pid.clone(),
        uts: flags.uts.clone(),
        annotations: flags
            .annotations
            .iter()
            .map(|a| match a.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (a.clone(), String::new()),
            })
            .collect(),
        add_hosts: flags.add_hosts.clone(),
        dns: flags.dns.clone(),
        dns_search: flags.dns_search.clone(),
        dns_options: flags.dns_options.clone(),
        sdnotify: SdNotifyMode::parse(flags.sdnotify.as_deref()).map_err(run_error)?,
    })
}

/// Finds the image, pulling it as `--pull` says (docker prints the pull on stderr).
fn resolve_image(
    settings: &Settings,
    store: &Store,
    flags: &CreateFlags,
    name: &str,
) -> CliResult<ImageRecord> {
    let local = match flags.pull.as_str() {
        "always" => None,
        "missing" | "never" => match find_image(store, name) {
            Ok(img) => Some(img),
            Err(_) if flags.pull == "never" => {
                return Err(run_error(anyhow::anyhow!(
                    "No such image: {name}; it is not in the local store and --pull=never forbids pulling it"
                )))
            }
            Err(_) => None,
        },
        other => {
            return Err(run_error(anyhow::anyhow!(
                "invalid pull option: '{other}': must be one of \"always\", \"missing\" or \"never\""
            )))
        }
    };
    if let Some(img) = local {
        return Ok(img);
    }
    let reference = parse_ref(name).map_err(|e| CliError { code: 125, ..e })?;
    if flags.pull != "always" {
        eprintln!("Unable to find image '{}' locally", reference.familiar());
    }
    let opts = RegistryOptions {
        platform: match &flags.platform {
            Some(p) => Some(Platform::parse(p).map_err(run_error)?),
            None => None,
        },
        ..settings.registry_options()
    };
    let progress = TerminalProgress::to_stderr(flags.quiet);
    let rt = runtime().map_err(|e| CliError { code: 125, ..e })?;
    let report = rt
        .block_on(crate::registry::pull::pull(
            store, &reference, &opts, &progress,
        ))
        .map_err(run_error)?;
    drop(rt);
    progress.finish();
    Ok(report.image)
}

/// Flags berth parses (docker has them) but cannot honour yet: a clear
/// error beats silently running a container that differs from the request.
fn refuse_unsupported(flags: &CreateFlags) -> CliResult<()> {
    let unsupported = |flag: &str, hint: &str| {
        Err(run_error(anyhow::anyhow!(
            "{flag} is not supported by this berth yet{hint}"
        )))
    };
    if flags.cpu_period.is_some() || flags.cpu_quota.is_some() {
        return unsupported("--cpu-period/--cpu-quota", "; use --cpus");
    }
    match flags.cgroupns.as_deref() {
        None | Some("") => {}
        Some(_) => {
            return unsupported(
                "--cgroupns",
                "; the default (host on cgroup v1, private on v2) applies",
            )
        }
    }
    match flags.userns.as_deref() {
        None | Some("") | Some("host") => {}
        Some(_) => return unsupported("--userns", "; only --userns=host"),
    }
    Ok(())
}

/// Creates the container record for `run`/`create`.
fn create_entry(
    settings: &Settings,
    flags: &CreateFlags,
    image_and_cmd: &[String],
) -> CliResult<(Store, ContainerEntry)> {
    refuse_unsupported(flags)?;
    let store = Store::open(&settings.store).map_err(run_error)?;
    let (image_name, cmd) = image_and_cmd
        .split_first()
        .ok_or_else(|| run_error(anyhow::anyhow!("\"run\" requires at least 1 argument")))?;
    let (image, rootfs_dir) = if flags.rootfs {
        let dir = std::path::absolute(image_name).map_err(run_error)?;
        if !dir.is_dir() {
            return Err(run_error(anyhow::anyhow!(
                "--rootfs {}: not a directory",
                dir.display()
            )));
        }
        (None, Some(dir))
    } else {
        (
            Some(resolve_image(settings, &store, flags, image_name)?),
            None,
        )
    };
    let restart =
        RestartPolicy::parse(&flags.restart).map_err(|e| run_error(anyhow::anyhow!(e)))?;
    if flags.rm && restart != RestartPolicy::No {
        return Err(run_error(anyhow::anyhow!(
            "conflicting options: cannot specify both --restart and --rm"
        )));
    }
    let log = LogConfig::parse(flags.log_driver.as_deref(), &flags.log_opts)
        .map_err(|e| run_error(anyhow::anyhow!(e)))?;
    let cgroups = CgroupOptions {
        mode: CgroupsMode::parse(flags.cgroups.as_deref().unwrap_or_default())
            .map_err(run_error)?,
        parent: flags.cgroup_parent.clone().filter(|p| !p.is_empty()),
    };
    let req = CreateRequest {
        run: run_options(flags, cmd, settings)?,
        image,
        image_name: image_name.clone(),
        rootfs_dir,
        name: flags.name.clone(),
        labels: parse_labels(flags)?,
        restart,
        log,
        health: health_config(flags)?,
        no_healthcheck: flags.no_healthcheck,
        stop_timeout: flags.stop_timeout,
        auto_remove: flags.rm,
        publish: flags
            .publish
            .iter()
            .map(|p| ports::parse_publish(p))
            .collect::<Result<_, _>>()
            .map_err(run_error)?,
        publish_all: flags.publish_all,
        expose: flags
            .expose
            .iter()
            .map(|p| ports::parse_expose(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(run_error)?
            .concat(),
        cgroups,
        create_command: crate::cli::generate::create_command(),
    };
    if flags.replace {
        replace_existing(&store, flags.name.as_deref())?;
    }
    let entry = engine::create(&store, req).map_err(|e| match e {
        RuntimeError::Store(StoreError::ImageNotFound(_)) => {
            run_error(anyhow::anyhow!("No such image: {image_name}"))
        }
        other => runtime_error(other),
    })?;
    if let Some(path) = &flags.cidfile {
        if path.exists() {
            let _ = engine::remove(&store, &entry, true);
            return Err(run_error(anyhow::anyhow!(
                "container ID file found, make sure the other container isn't running or delete {}",
                path.display()
            )));
        }
        if let Err(e) = std::fs::write(path, &entry.id) {
            let _ = engine::remove(&store, &entry, true);
            return Err(run_error(anyhow::anyhow!(
                "write cidfile {}: {e}",
                path.display()
            )));
        }
    }
    Ok((store, entry))
}

/// podman's `--replace`: a container already holding the name is removed
/// (stopped or killed first), so a service's `run` never fails on the
/// leftover of a crash.
fn replace_existing(store: &Store, name: Option<&str>) -> CliResult<()> {
    let name = name.ok_or_else(|| {
        run_error(anyhow::anyhow!(
            "--replace needs --name: only a named container can be replaced"
        ))
    })?;
    let name = name.trim_start_matches('/');
    let existing = store
        .list_containers()
        .map_err(run_error)?
        .into_iter()
        .find(|e| e.name == name);
    if let Some(e) = existing {
        super::lifecycle::remove_container(store, &e, false, None, true)
            .map_err(|e| CliError { code: 125, ..e })?;
    }
    Ok(())
}

pub fn create(settings: &Settings, args: &CreateArgs) -> CliResult {
    let (_, entry) = create_entry(settings, &args.create, &args.image_and_command)?;
    println!("{}", entry.id);
    Ok(ExitCode::SUCCESS)
}

pub fn run(settings: &Settings, args: &RunArgs) -> CliResult {
    // First, before anything can spawn a helper that would inherit them.
    let listen = handoff::take_listen_fds();
    let keys = super::attach::detach_keys(args.detach_keys.as_deref(), 125)?;
    let (store, entry) = create_entry(settings, &args.create, &args.image_and_command)?;
    // An interactive terminal runs under a monitor, so Ctrl-P Ctrl-Q can
    // leave it running; everything else keeps berth as the direct parent.
    if args.create.tty && args.create.interactive && !args.detach {
        return super::attach::start_and_attach(
            settings,
            &store,
            &entry,
            keys,
            125,
            args.create.rm,
        );
    }
    if args.detach {
        if let Err(e) = monitor::start_detached(&settings.store, &entry.id) {
            if args.create.rm {
                let _ = engine::remove(&store, &entry, true);
            }
            return Err(runtime_error(e));
        }
        println!("{}", entry.id);
        return Ok(ExitCode::SUCCESS);
    }
    let opts = AttachOptions {
        interactive: args.create.interactive,
        sig_proxy: args.sig_proxy,
        // Only a foreground run hands them on: `run -d` returns at once
        // and docker has no such thing for detached containers.
        preserve_fds: listen.map(|l| l.fds()).unwrap_or_default(),
    };
    let code = foreground::run_attached(&store, &entry, &opts).map_err(runtime_error)?;
    Ok(ExitCode::from(code.clamp(0, 255) as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_containers_own_ulimit_replaces_the_default_of_its_type() {
        let defaults = strings(&["nofile=1024:2048", "nproc=100"]);
        assert_eq!(
            ulimits(&strings(&["nofile=10:20"]), &defaults),
            strings(&["nproc=100", "nofile=10:20"])
        );
        assert_eq!(ulimits(&[], &defaults), defaults);
    }

    #[test]
    fn the_configured_default_network_is_used_only_without_network() {
        let (mode, nets) = network_mode(&[], Some("none"), false).expect("default");
        assert_eq!((mode, nets), (NetworkMode::None, Vec::new()));
        let (mode, nets) = network_mode(&strings(&["host"]), Some("none"), false).expect("flag");
        assert_eq!((mode, nets), (NetworkMode::Host, Vec::new()));
        let (_, nets) = network_mode(&[], Some("mynet"), true).expect("named");
        assert_eq!(nets, strings(&["mynet"]));
        let (_, nets) = network_mode(&[], None, true).expect("builtin");
        assert_eq!(nets, strings(&["slirp4netns"]));
    }
}

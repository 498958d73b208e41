//! Container flows over the store: create (plan the spec and record it),
//! start (cgroup, seccomp, launch), and the bookkeeping around exit.
//! Foreground supervision lives in `relay`, detached in `monitor`.

use std::collections::BTreeMap;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use chrono::Utc;
use serde_json::json;

use super::cgroups::{self, Cgroup, Resources};
use super::config::{ContainerConfig, HealthConfig, LogConfig, RestartPolicy};
use super::container_cgroup::{self, CgroupOptions, Supervisor};
use super::error::{Result, RuntimeError};
use super::etc_files::write_etc_files;
use super::inspect_json::{docker_config_json, host_config_json};
use super::launcher::{self, LaunchRequest, Launched, LinuxSyscall, RootfsSource, Stdio};
use super::networking;
use super::ports::{self, ContainerPort, PortMapping};
use super::relay::Exit;
use super::seccomp;
use super::spec::{self, ImageConfig, RunOptions, SpecContext};
use crate::events::{self, Event};
use crate::store::containers::{ContainerEntry, ContainerStatus, NewContainer};
use crate::store::{ImageRecord, Store};

/// What `create` needs beyond the spec options.
pub struct CreateRequest {
    pub run: RunOptions,
    pub image: Option<ImageRecord>,
    /// The image as the user named it (shown by `ps`).
    pub image_name: String,
    /// `--rootfs DIR` instead of an image.
    pub rootfs_dir: Option<PathBuf>,
    pub name: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub restart: RestartPolicy,
    pub log: LogConfig,
    pub health: Option<HealthConfig>,
    pub no_healthcheck: bool,
    pub stop_timeout: Option<i64>,
    pub auto_remove: bool,
    /// `-p` values, parsed (see `ports::parse_publish`).
    pub publish: Vec<ports::PublishSpec>,
    /// `-P`: publish every exposed port on a free host port.
    pub publish_all: bool,
    /// `--expose` ports.
    pub expose: Vec<ports::ContainerPort>,
    /// `--cgroups`, `--cgroup-parent`.
    pub cgroups: CgroupOptions,
    /// podman's `Config.CreateCommand`: the `run`/`create` command line,
    /// replayed by `generate systemd --new`; empty when not from the CLI.
    pub create_command: Vec<String>,
}

fn image_config_json(store: &Store, image: &ImageRecord) -> Result<serde_json::Value> {
    let raw = store.read_blob(&image.id)?;
    serde_json::from_slice(&raw).map_err(|e| {
        RuntimeError::Invalid(format!(
            "image {} has a corrupt config: {e}",
            image.id.short()
        ))
    })
}

/// Plans and records a container; nothing runs yet.
pub fn create(store: &Store, req: CreateRequest) -> Result<ContainerEntry> {
    let cfg_json = match &req.image {
        Some(img) => image_config_json(store, img)?,
        None => json!({}),
    };
    let image_cfg = ImageConfig::from_config_json(&cfg_json["config"]);
    if req.log.driver == super::config::LogDriver::Journald {
        super::journal::check_available().map_err(|e| RuntimeError::Invalid(e.to_string()))?;
    }
    // The reservation removes the directory again unless the record commits.
    let reservation = store.reserve_container()?;
    let id = reservation.id.clone();
    let dir = reservation.dir.clone();
    let cleanup_dir = |e: RuntimeError| e;
    let hostname = req
        .run
        .hostname
        .clone()
        .unwrap_or_else(|| id[..12].to_string());
    let network = networking::resolve(store, &req.run).map_err(cleanup_dir)?;
    let host_gateway = networking::host_gateway(store, &network);
    write_etc_files(&dir, &hostname, &req.run, host_gateway).map_err(cleanup_dir)?;
    // berth's launcher is the init (no host binary to bind-mount): the spec
    // builder must not add docker-init.
    let mut run_opts = req.run.clone();
    run_opts.init = false;

    let mut created_volumes = Vec::new();
    let mut anonymous = Vec::new();
    let mut resolve_volume = |name: &str| -> std::result::Result<PathBuf, spec::SpecError> {
        let vol = if name.is_empty() {
            let v = store
                .create_anonymous_volume(BTreeMap::new(), BTreeMap::new())
                .map_err(|e| spec::SpecError::Volume {
                    name: name.to_string(),
                    message: e.to_string(),
                })?;
            anonymous.push(v.name.clone());
            v
        } else {
            store
                .create_volume(Some(name), BTreeMap::new(), BTreeMap::new())
                .map_err(|e| spec::SpecError::Volume {
                    name: name.to_string(),
                    message: e.to_string(),
                })?
                .0
        };
        created_volumes.push(vol.name.clone());
        Ok(vol.mountpoint.clone())
    };
    let mut ctx = SpecContext {
        container_id: &id,
        rootless: store.paths().rootless,
        caller_hard_limits: &spec::host_hard_limit,
        hosts_file: Some(dir.join("hosts")),
        resolv_conf: Some(dir.join("resolv.conf")),
        hostname_file: Some(dir.join("hostname")),
        seccomp: None,
        resolve_volume: &mut resolve_volume,
        cgroups_path: None,
    };
    let built = spec::build_spec(&run_opts, &image_cfg, &mut ctx)
        .map_err(|e| cleanup_dir(RuntimeError::Invalid(e.to_string())))?;
    if let Some(img) = &req.image {
        copy_up_volumes(store, img, &built.volume_copies);
    }
    let mut oci = built.spec;
    choose_seccomp(&req.run, &mut oci).map_err(cleanup_dir)?;
    if let Err(e) = container_cgroup::check_create(&req.cgroups, &spec_resources(&oci)) {
        // Anonymous volumes were made for this container only.
        for v in &anonymous {
            let _ = store.remove_volume(v, true);
        }
        return Err(e);
    }

    let health = if req.no_healthcheck {
        None
    } else {
        req.health.clone().or_else(|| image_health(&cfg_json))
    };
    let args = built.process_args.clone();
    let (exposed, published) = plan_ports(store, &req, &cfg_json).map_err(cleanup_dir)?;
    let mut docker_config = docker_config_json(&req, &image_cfg, &cfg_json, &hostname, &args, &oci);
    docker_config["ExposedPorts"] = exposed_json(&exposed);
    let mut host_config = host_config_json(&req);
    host_config["NetworkMode"] = json!(network.mode);
    host_config["PortBindings"] = ports::port_bindings_json(&published);
    host_config["PublishAllPorts"] = json!(req.publish_all);
    host_config["CgroupParent"] = json!(req.cgroups.parent.clone().unwrap_or_default());
    let ps_ports = ports::display(&published, &exposed);
    let ps_networks: Vec<String> = if network.networks.is_empty() {
        vec![network.mode.clone()]
    } else {
        network.networks.iter().map(|n| n.name.clone()).collect()
    };
    let config = ContainerConfig {
        docker_config,
        host_config,
        mounts: serde_json::to_value(&built.mounts_for_inspect).unwrap_or(json!([])),
        path: args.first().cloned().unwrap_or_default(),
        args: args.iter().skip(1).cloned().collect(),
        tty: req.run.tty,
        interactive: req.run.interactive,
        stop_signal: built.stop_signal,
        stop_timeout: req.stop_timeout,
        restart: req.restart.clone(),
        log: Some(req.log.clone()),
        health,
        auto_remove: req.auto_remove,
        user: built.user_unresolved.clone(),
        group_add: req.run.group_add.clone(),
        anonymous_volumes: anonymous.clone(),
        init: req.run.init,
        sdnotify: req.run.sdnotify,
        hostname,
        ports: published,
        network,
        cgroups: req.cgroups.mode,
        cgroup_parent: req.cgroups.parent.clone(),
    };
    let new = NewContainer {
        name: req.name.clone(),
        image_id: req.image.as_ref().map(|i| i.id.clone()),
        image_name: req.image_name.clone(),
        command: crate::store::containers::ps_command(&args),
        labels: req.labels.clone(),
        mounts: created_volumes.clone(),
        rootfs: req.rootfs_dir.clone(),
        ports: ps_ports,
        networks: ps_networks,
        spec: serde_json::to_value(&oci).map_err(|e| RuntimeError::Invalid(e.to_string()))?,
        config: serde_json::to_value(&config).map_err(|e| RuntimeError::Invalid(e.to_string()))?,
    };
    let created = store.create_container_in(reservation, new);
    match created {
        Ok(entry) => Ok(entry),
        Err(e) => {
            for v in &anonymous {
                let _ = store.remove_volume(v, true);
            }
            Err(e.into())
        }
    }
}

/// Every exposed port (image, `--expose`, published) and the published
/// mappings, with free host ports chosen where the user left them open.
fn plan_ports(
    store: &Store,
    req: &CreateRequest,
    cfg_json: &serde_json::Value,
) -> Result<(Vec<ContainerPort>, Vec<PortMapping>)> {
    let mut exposed = ports::exposed_from_json(&cfg_json["config"]["ExposedPorts"]);
    exposed.extend(req.expose.iter().copied());
    if req.publish.is_empty() && !req.publish_all {
        exposed.sort();
        exposed.dedup();
        return Ok((exposed, Vec::new()));
    }
    // Ports other containers recorded: docker would refuse them at start.
    let taken = store
        .list_containers()?
        .iter()
        .flat_map(|e| e.ports.iter().flat_map(|p| ports::host_ports_of(p)))
        .collect::<Vec<_>>();
    let mut picker = ports::PortPicker::new(taken);
    let published = ports::plan(&req.publish, req.publish_all, &exposed, &mut |p, r| {
        picker.pick(p, r)
    })
    .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
    exposed.extend(published.iter().map(PortMapping::container));
    exposed.sort();
    exposed.dedup();
    Ok((exposed, published))
}

/// docker's `Config.ExposedPorts`: `{"80/tcp": {}}`, null when none.
fn exposed_json(exposed: &[ContainerPort]) -> serde_json::Value {
    if exposed.is_empty() {
        return serde_json::Value::Null;
    }
    let map: serde_json::Map<String, serde_json::Value> =
        exposed.iter().map(|c| (c.to_string(), json!({}))).collect();
    serde_json::Value::Object(map)
}

/// docker's copy-up: a new, empty named volume mounted over a directory of
/// the image starts with the image's files there. The topmost layer that
/// has the directory provides them (a lower layer's files hidden by a
/// whiteout are not resurrected: the search stops at a whiteout).
fn copy_up_volumes(store: &Store, image: &ImageRecord, copies: &[spec::VolumeCopy]) {
    for c in copies {
        let rel = c.destination.trim_start_matches('/');
        for layer in image.layers.iter().rev() {
            let candidate = store.layer_diff_path(&layer.diff_id).join(rel);
            match std::fs::symlink_metadata(&candidate) {
                Ok(m) if m.is_dir() => {
                    // Copies only into an empty volume, so a reused volume keeps its data.
                    let _ = store.populate_from_image(&c.name, &candidate);
                    break;
                }
                Ok(_) => break,
                Err(_) => continue,
            }
        }
    }
}

/// `CAP_SYS_CHROOT` for `Capability::SysChroot`: the OCI spelling, which
/// the seccomp profiles' capability conditions use. (Debug formatting gives
/// `SysChroot`, which would make every multi-word condition fail.)
fn cap_name(cap: &oci_spec::runtime::Capability) -> String {
    match serde_json::to_value(cap) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{cap:?}"),
    }
}

fn choose_seccomp(run: &RunOptions, oci: &mut oci_spec::runtime::Spec) -> Result<()> {
    let mut requested: Option<&str> = None;
    for opt in &run.security_opts {
        if let Some(v) = opt
            .strip_prefix("seccomp=")
            .or_else(|| opt.strip_prefix("seccomp:"))
        {
            requested = Some(v);
        }
    }
    let caps: Vec<String> = oci
        .process()
        .as_ref()
        .and_then(|p| p.capabilities().as_ref())
        .and_then(|c| c.bounding().as_ref())
        .map(|b| b.iter().map(cap_name).collect())
        .unwrap_or_default();
    let profile = match requested {
        Some("unconfined") => None,
        Some(path) => {
            let data = std::fs::read(path).map_err(|e| {
                RuntimeError::Invalid(format!("opening seccomp profile ({path}) failed: {e}"))
            })?;
            Some(
                seccomp::from_docker_json(&data, &caps)
                    .map_err(|e| RuntimeError::Invalid(format!("seccomp profile {path}: {e}")))?,
            )
        }
        None if run.privileged => None,
        None => Some(seccomp::docker_default(&caps)),
    };
    if let Some(p) = &profile {
        // Fail at create, not at start, when a profile cannot be compiled.
        seccomp::compile(p).map_err(|e| RuntimeError::Invalid(format!("seccomp profile: {e}")))?;
    }
    if let Some(linux) = oci.linux_mut() {
        linux.set_seccomp(profile);
    }
    Ok(())
}

fn image_health(cfg: &serde_json::Value) -> Option<HealthConfig> {
    let h = &cfg["config"]["Healthcheck"];
    if h.is_null() {
        return None;
    }
    serde_json::from_value(h.clone()).ok()
}

/// The pieces a started container leaves to its supervisor.
pub struct Started {
    pub launched: Launched,
    pub cgroup: Cgroup,
    /// Released by [`mark_exited`].
    pub network: Option<networking::Attached>,
}

/// The limits a spec asks for.
fn spec_resources(oci: &oci_spec::runtime::Spec) -> Resources {
    oci.linux()
        .as_ref()
        .and_then(|l| l.resources().as_ref())
        .map(Resources::from_oci)
        .unwrap_or_default()
}

/// Launches a created (or exited) container that this process supervises
/// in the foreground (`run`, `start -a`). `stdio` decides who sees its output.
pub fn launch_container(
    store: &Store,
    entry: &ContainerEntry,
    stdio: Stdio,
    preserve_fds: Vec<i32>,
) -> Result<Started> {
    launch(store, entry, stdio, preserve_fds, Supervisor::Foreground)
}

/// As [`launch_container`], for the detached monitor.
pub fn launch_monitored(
    store: &Store,
    entry: &ContainerEntry,
    stdio: Stdio,
    preserve_fds: Vec<i32>,
) -> Result<Started> {
    launch(store, entry, stdio, preserve_fds, Supervisor::Monitor)
}

fn launch(
    store: &Store,
    entry: &ContainerEntry,
    stdio: Stdio,
    preserve_fds: Vec<i32>,
    supervisor: Supervisor,
) -> Result<Started> {
    let file = store.container_file(&entry.id)?;
    let mut oci: oci_spec::runtime::Spec = serde_json::from_value(file.spec).map_err(|e| {
        RuntimeError::Invalid(format!("container {} has a corrupt spec: {e}", entry.id))
    })?;
    join_container_namespaces(store, &mut oci)?;
    let config: ContainerConfig = serde_json::from_value(file.config).map_err(|e| {
        RuntimeError::Invalid(format!("container {} has a corrupt config: {e}", entry.id))
    })?;
    super::handoff::prepare_spec(
        &mut oci,
        config.sdnotify,
        &preserve_fds,
        std::env::var_os(super::sdnotify::NOTIFY_SOCKET).as_deref(),
    )
    .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
    let dir = store.container_dir(&entry.id);
    let mounted = super::hostmount::container_mountpoint(store, &entry.id);
    let rootfs = match &entry.rootfs {
        Some(d) => RootfsSource::Dir(d.clone()),
        // `container mount` has the overlay on the host: run on that mount,
        // never a second overlay over the same upper dir.
        None if super::hostmount::is_mountpoint(&mounted) => RootfsSource::Dir(mounted),
        None => {
            let layers_root = store.root().join("layers");
            let lower = store
                .rootfs_layers(entry)?
                .into_iter()
                .map(|p| {
                    p.strip_prefix(&layers_root)
                        .map(Path::to_path_buf)
                        .unwrap_or(p)
                })
                .collect();
            let mountpoint = dir.join("merged");
            for d in ["upper", "work", "merged"] {
                std::fs::create_dir_all(dir.join(d)).map_err(|e| {
                    RuntimeError::io(format!("create {}", dir.join(d).display()), e)
                })?;
            }
            RootfsSource::Overlay {
                layers_root,
                lower,
                upper: dir.join("upper"),
                work: dir.join("work"),
                mountpoint,
            }
        }
    };
    let cgroup = container_cgroup::create_for_start(
        store,
        &entry.id,
        &config,
        &spec_resources(&oci),
        supervisor,
    )?;
    let plan = match networking::prepare(store, &entry.id, &entry.name, &config) {
        Ok(p) => p,
        Err(e) => {
            let _ = cgroup.destroy();
            return Err(e);
        }
    };
    let user_net = std::sync::Mutex::new(None);
    let wire = |pid: nix::unistd::Pid| plan.wire(pid.as_raw(), &user_net);
    let result = (|| {
        let device_rules = oci
            .linux()
            .as_ref()
            .and_then(|l| l.resources().as_ref())
            .and_then(|r| r.devices().clone())
            .unwrap_or_default();
        cgroup
            .apply_device_rules(&device_rules)
            .map_err(|e| RuntimeError::Setup(format!("device cgroup: {e}")))?;
        let procs: Vec<OwnedFd> = cgroup
            .open_procs_fds()
            .map_err(|e| RuntimeError::Setup(e.to_string()))?;
        let program = match oci.linux().as_ref().and_then(|l| l.seccomp().as_ref()) {
            Some(profile) => Some(
                seccomp::compile(profile)
                    .map_err(|e| RuntimeError::Setup(format!("seccomp: {e}")))?,
            ),
            None => None,
        };
        let install = program.as_ref().map(|p| {
            move || match seccomp::install(p) {
                Ok(()) => 0,
                Err(e) => e.errno(),
            }
        });
        let user = config.user.clone();
        let groups = config.group_add.clone();
        let resolve = move |root: &Path| {
            spec::resolve_user(root, &user, &groups)
                .map(|u| (u.uid, u.gid, u.additional_gids))
                .map_err(|e| e.to_string())
        };
        let req = LaunchRequest {
            spec: &oci,
            rootfs,
            stdio,
            cgroup_procs: procs,
            seccomp_install: install.as_ref().map(|f| f as &launcher::SeccompInstaller),
            preserve_fds,
            die_with_parent: true,
            init: config.init,
            resolve_user: &resolve,
            before_exec: match plan {
                networking::Plan::None => None,
                _ => Some(&wire as &launcher::BeforeExec),
            },
        };
        launcher::launch(&LinuxSyscall, &req).map_err(|e| match e.exit_code() {
            127 => RuntimeError::CommandNotFound(e.to_string()),
            126 => RuntimeError::CannotInvoke(e.to_string()),
            _ => RuntimeError::Setup(e.to_string()),
        })
    })();
    let user_net = user_net.into_inner().unwrap_or_else(|p| p.into_inner());
    match result {
        Ok(launched) => Ok(Started {
            launched,
            cgroup,
            network: plan.into_attached(user_net),
        }),
        Err(e) => {
            let _ = cgroup.destroy();
            if let Some(networking::Attached::UserMode(n)) = &user_net {
                n.stop();
            }
            plan.abandon(store.root(), &entry.id);
            Err(e)
        }
    }
}

/// `--network/--ipc/--pid container:NAME` are recorded by name; at each
/// start they become that container's current namespaces, which it must
/// be running to have (docker's rule and wording).
fn join_container_namespaces(store: &Store, oci: &mut oci_spec::runtime::Spec) -> Result<()> {
    use oci_spec::runtime::LinuxNamespaceType as T;
    let Some(linux) = oci.linux_mut() else {
        return Ok(());
    };
    let Some(namespaces) = linux.namespaces_mut() else {
        return Ok(());
    };
    for ns in namespaces.iter_mut() {
        let Some(name) = ns
            .path()
            .as_ref()
            .and_then(|p| p.to_str())
            .and_then(|p| p.strip_prefix("container:"))
            .map(str::to_string)
        else {
            continue;
        };
        let (what, file) = match ns.typ() {
            T::Network => ("network", "net"),
            T::Ipc => ("ipc", "ipc"),
            T::Pid => ("pid", "pid"),
            T::Uts => ("uts", "uts"),
            other => {
                return Err(RuntimeError::Invalid(format!(
                    "cannot join the {other:?} namespace of container {name}"
                )))
            }
        };
        let target = store.find_container(&name).map_err(|_| {
            RuntimeError::Invalid(format!(
                "joining {what} namespace of container {name}: no such container"
            ))
        })?;
        if target.state.status != ContainerStatus::Running || target.state.pid <= 0 {
            return Err(RuntimeError::Invalid(format!(
                "cannot join {what} namespace of a non running container: {name}"
            )));
        }
        ns.set_path(Some(PathBuf::from(format!(
            "/proc/{}/ns/{file}",
            target.state.pid
        ))));
    }
    Ok(())
}

/// Records that the container runs under supervisor `monitor_pid`.
pub fn mark_running(store: &Store, id: &str, pid: i32, monitor_pid: i32) -> Result<ContainerEntry> {
    let monitor_start = crate::store::containers::process_start_time(monitor_pid).unwrap_or(0);
    Ok(store.update_container(id, |e| {
        e.state.status = ContainerStatus::Running;
        e.state.pid = pid;
        e.state.monitor_pid = monitor_pid;
        e.state.monitor_start = monitor_start;
        e.state.started_at = Some(Utc::now());
        e.state.finished_at = None;
        e.state.exit_code = 0;
        e.state.oom_killed = false;
        e.state.error.clear();
        e.state.paused = false;
        // Logged under the containers lock, so it precedes any event
        // written by someone who saw the container running.
        events::record(store.root(), Event::container("start", e));
        Ok(())
    })?)
}

/// Records an exit, and removes the cgroup and the network.
pub fn mark_exited(
    store: &Store,
    id: &str,
    exit: Exit,
    cgroup: &Cgroup,
    network: Option<&networking::Attached>,
) -> Result<ContainerEntry> {
    let oom = cgroup.oom_killed();
    let _ = cgroup.destroy();
    networking::release(store, id, network);
    let _ = std::fs::write(
        store.container_dir(id).join("exit-code"),
        exit.code.to_string(),
    );
    Ok(store.update_container(id, |e| {
        e.state.status = ContainerStatus::Exited;
        e.state.pid = 0;
        e.state.exit_code = exit.code;
        e.state.oom_killed = oom;
        e.state.finished_at = Some(Utc::now());
        // Before the exit is visible: `stop` logs its own event after it.
        events::record(store.root(), Event::die(e));
        Ok(())
    })?)
}

/// Records a start failure on the container, as docker's State.Error.
pub fn mark_failed(store: &Store, id: &str, err: &RuntimeError) {
    let code = i32::from(err.run_exit_code());
    let msg = err.to_string();
    let _ = store.update_container(id, |e| {
        e.state.status = if e.state.started_at.is_some() {
            ContainerStatus::Exited
        } else {
            ContainerStatus::Created
        };
        e.state.exit_code = code;
        e.state.error = msg;
        e.state.pid = 0;
        Ok(())
    });
}

pub fn load_config(store: &Store, id: &str) -> Result<ContainerConfig> {
    let file = store.container_file(id)?;
    serde_json::from_value(file.config)
        .map_err(|e| RuntimeError::Invalid(format!("container {id} has a corrupt config: {e}")))
}

/// Removes a container record, its files and (with `volumes`) its anonymous volumes.
pub fn remove(store: &Store, entry: &ContainerEntry, volumes: bool) -> Result<()> {
    let config = load_config(store, &entry.id).ok();
    if let Ok(Some(cg)) = container_cgroup::find(store, &entry.id) {
        let _ = cg.destroy();
    }
    // Leases a crashed supervisor left (idempotent when there are none).
    if config
        .as_ref()
        .is_some_and(|c| !c.network.networks.is_empty())
    {
        networking::release(store, &entry.id, None);
    }
    store.remove_container(&entry.id)?;
    if volumes {
        if let Some(c) = config {
            for v in c.anonymous_volumes {
                let _ = store.remove_volume(&v, false);
            }
        }
    }
    Ok(())
}

fn require_running(entry: &ContainerEntry) -> Result<()> {
    let active = matches!(
        entry.state.status,
        ContainerStatus::Running | ContainerStatus::Paused
    );
    if active && entry.state.pid > 0 && !entry.state.is_stale() {
        return Ok(());
    }
    Err(RuntimeError::Invalid(format!(
        "container {} is not running",
        entry.id
    )))
}

/// `berth pause`: freezes every process of the container.
pub fn pause(store: &Store, entry: &ContainerEntry) -> Result<()> {
    require_running(entry)?;
    if entry.state.paused {
        return Err(RuntimeError::Invalid(format!(
            "container {} is already paused",
            entry.id
        )));
    }
    container_cgroup::require(store, &entry.id)?
        .freeze()
        .map_err(|e| RuntimeError::Setup(e.to_string()))?;
    store.update_container(&entry.id, |e| {
        e.state.paused = true;
        e.state.status = ContainerStatus::Paused;
        Ok(())
    })?;
    events::record(store.root(), Event::container("pause", entry));
    Ok(())
}

/// `berth unpause`.
pub fn thaw(store: &Store, entry: &ContainerEntry) -> Result<()> {
    require_running(entry)?;
    if !entry.state.paused {
        return Err(RuntimeError::Invalid(format!(
            "container {} is not paused",
            entry.id
        )));
    }
    container_cgroup::require(store, &entry.id)?
        .thaw()
        .map_err(|e| RuntimeError::Setup(e.to_string()))?;
    store.update_container(&entry.id, |e| {
        e.state.paused = false;
        e.state.status = ContainerStatus::Running;
        Ok(())
    })?;
    events::record(store.root(), Event::container("unpause", entry));
    Ok(())
}

/// Whether the container was started with `--cgroups=disabled`.
pub fn cgroup_disabled(store: &Store, entry: &ContainerEntry) -> bool {
    container_cgroup::is_disabled(store, &entry.id)
}

/// Resource usage for `stats`.
pub fn stats(store: &Store, entry: &ContainerEntry) -> Result<cgroups::Stats> {
    require_running(entry)?;
    container_cgroup::require(store, &entry.id)?
        .stats()
        .map_err(|e| RuntimeError::Setup(e.to_string()))
}

/// Processes of the container, for `top`.
pub fn pids(store: &Store, entry: &ContainerEntry) -> Result<Vec<i32>> {
    require_running(entry)?;
    container_cgroup::require(store, &entry.id)?
        .pids()
        .map_err(|e| RuntimeError::Setup(e.to_string()))
}

#[cfg(test)]
mod cap_name_tests {
    use oci_spec::runtime::Capability;

    #[test]
    fn capabilities_are_named_as_the_seccomp_profiles_name_them() {
        assert_eq!(super::cap_name(&Capability::SysChroot), "CAP_SYS_CHROOT");
        assert_eq!(super::cap_name(&Capability::SysAdmin), "CAP_SYS_ADMIN");
        assert_eq!(super::cap_name(&Capability::Kill), "CAP_KILL");
    }
}

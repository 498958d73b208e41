//! The plan step of `run`/`create`: `run` flags ([`RunOptions`]) plus the
//! image's config ([`ImageConfig`]) become the OCI runtime spec docker/moby
//! would generate (moby `oci/defaults.go`, `daemon/oci_linux.go`), with
//! runc's implicit parts made explicit since berth has no runc.
//!
//! [`build_spec`] is a pure function of its inputs apart from three things
//! it does the way docker does: it stats `--device` paths and `--mount`
//! bind sources, creates missing `-v` bind-source directories, and reads a
//! few host facts ([`HostFacts::detect`]). [`resolve_user`] runs later, in
//! the launcher, once the rootfs is mounted.
//!
//! Contract with the launcher:
//! - `spec.root.path` is `"rootfs"`; the launcher points it at the mounted rootfs.
//! - `process.user` is 0:0; call [`resolve_user`] with
//!   [`BuiltSpec::user_unresolved`] and the spec's `--group-add` list, then set
//!   HOME from [`ResolvedUser::home`] if the env has none (as runc does).
//! - A namespace whose path is `container:<id>` joins another container's
//!   namespace: rewrite it with [`resolve_joined_namespaces`] at start time.
//! - Under `ctx.rootless` no user namespace is requested: berth itself runs
//!   in the user's namespace (`runtime::userns`) and the container shares
//!   it, as podman's containers share its rootless namespace by default.
//! - `linux.resources.devices` already holds runc's default allow list.

mod build;
mod caps;
mod devices;
mod error;
mod host;
mod image;
mod layout;
mod mounts;
mod parse;
mod process;
mod resources;
mod user;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_mounts;

use std::path::{Path, PathBuf};

use nix::sys::resource::Resource;
use oci_spec::runtime::{LinuxNamespaceType, LinuxSeccomp, Spec};
use serde::{Deserialize, Serialize};

pub use build::build_spec_with;
pub use caps::{capability_names, DEFAULT_CAPS};
pub use devices::{parse_device, resolve_device, DeviceMapping};
pub use error::SpecError;
pub use host::{host_hard_limit, HostFacts};
pub use image::{Healthcheck, ImageConfig};
pub use mounts::{
    merge_tmpfs_options, parse_mount, parse_tmpfs, parse_volume, MountKind, MountSpec,
};
pub use parse::{
    check_cpuset, parse_cpus, parse_env_file, parse_memory_bytes, parse_signal, parse_sysctl,
    parse_ulimit, Ulimit,
};
pub use user::{resolve_user, ResolvedUser};

/// The network a container joins; for the spec only its namespace matters
/// (user-defined networks are `Bridge` here).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum NetworkMode {
    /// A private network namespace with only loopback.
    None,
    /// The host's network namespace.
    Host,
    /// A private network namespace that `net` wires up (the default).
    #[default]
    Bridge,
    /// Another container's network namespace (its id).
    Container(String),
}

/// Everything `run`/`create` flags say, as plain data (the CLI fills it from clap).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// The command after the image name; empty = not given.
    pub cmd: Vec<String>,
    /// `--entrypoint`; `Some("")` clears the image's entrypoint.
    pub entrypoint: Option<String>,
    /// `-e K=V`, or `-e K` to take K from the caller's environment (unset there = unset in the container).
    pub env: Vec<String>,
    pub env_files: Vec<PathBuf>,
    /// `--env-host`: start from the caller's whole environment (podman).
    pub env_host: bool,
    pub workdir: Option<String>,
    pub user: Option<String>,
    pub group_add: Vec<String>,
    pub hostname: Option<String>,
    pub domainname: Option<String>,
    pub tty: bool,
    pub interactive: bool,
    /// `-v`
    pub volumes: Vec<String>,
    /// `--mount`
    pub mounts: Vec<String>,
    pub tmpfs: Vec<String>,
    pub read_only: bool,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub privileged: bool,
    /// `seccomp=…`, `no-new-privileges[=bool]`, `systempaths=unconfined`,
    /// `writable-cgroups=bool`; `label=…` and `apparmor=…` are accepted and have no effect.
    pub security_opts: Vec<String>,
    pub memory: Option<String>,
    pub memory_swap: Option<String>,
    pub memory_reservation: Option<String>,
    pub cpus: Option<String>,
    pub cpu_shares: Option<u64>,
    pub cpuset_cpus: Option<String>,
    pub pids_limit: Option<i64>,
    pub ulimits: Vec<String>,
    pub devices: Vec<String>,
    pub shm_size: Option<String>,
    pub sysctls: Vec<String>,
    pub stop_signal: Option<String>,
    pub init: bool,
    pub network: NetworkMode,
    /// `--network` values naming bridge networks (`bridge`, a user network)
    /// or user-mode networking (`slirp4netns`, `pasta`), in order; empty
    /// with `NetworkMode::Bridge` means the default network.
    pub networks: Vec<String>,
    /// `--network-alias`: more names peers on user networks resolve.
    pub network_aliases: Vec<String>,
    /// `--ip`: the address on the first network.
    pub ip: Option<std::net::Ipv4Addr>,
    /// `--ipc`: "", private, shareable (treated as private), host, none, container:<id>.
    pub ipc: Option<String>,
    /// `--pid`: "", host, container:<id>.
    pub pid: Option<String>,
    /// `--uts`: "", host.
    pub uts: Option<String>,
    pub annotations: Vec<(String, String)>,
    /// `--add-host`, `--dns*`: written into the container's /etc files by
    /// the caller; the spec only bind-mounts those files.
    pub add_hosts: Vec<String>,
    pub dns: Vec<String>,
    pub dns_search: Vec<String>,
    pub dns_options: Vec<String>,
    /// `--sdnotify` (not part of the spec: applied at each start). The
    /// default, `ignore`, suits containers berth makes for itself.
    pub sdnotify: crate::runtime::sdnotify::SdNotifyMode,
}

/// What the caller knows and provides.
pub struct SpecContext<'a> {
    pub container_id: &'a str,
    pub rootless: bool,
    /// The caller's hard rlimit per resource (`None` = unlimited). `--ulimit`
    /// values above it are clamped down to it (soft and hard), because an
    /// unprivileged launcher could not raise them and would fail at start.
    /// Pass `&host_hard_limit`.
    pub caller_hard_limits: &'a dyn Fn(Resource) -> Option<u64>,
    /// Bind-mounted at /etc/hosts, /etc/resolv.conf, /etc/hostname (as docker does).
    pub hosts_file: Option<PathBuf>,
    pub resolv_conf: Option<PathBuf>,
    pub hostname_file: Option<PathBuf>,
    /// The seccomp profile the caller chose; placed unless privileged or `seccomp=unconfined`.
    pub seccomp: Option<LinuxSeccomp>,
    /// Returns the host directory of a named volume ("" = a new anonymous
    /// one), creating it. For an anonymous volume return its `…/<name>/_data`
    /// path: the volume's name is read from the parent directory.
    pub resolve_volume: &'a mut dyn FnMut(&str) -> Result<PathBuf, SpecError>,
    pub cgroups_path: Option<String>,
}

/// docker's `Mounts[]` entry in `inspect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectMount {
    #[serde(rename = "Type")]
    pub typ: String,
    #[serde(rename = "Name", default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(rename = "Source")]
    pub source: String,
    #[serde(rename = "Destination")]
    pub destination: String,
    #[serde(rename = "Driver", default, skip_serializing_if = "String::is_empty")]
    pub driver: String,
    #[serde(rename = "Mode")]
    pub mode: String,
    #[serde(rename = "RW")]
    pub rw: bool,
    #[serde(rename = "Propagation")]
    pub propagation: String,
}

/// A volume the caller should fill with the image's files at `destination`
/// if the volume is new and empty (docker's copy-up; skipped for `nocopy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeCopy {
    pub name: String,
    pub destination: String,
}

/// The plan's result.
#[derive(Debug, Clone)]
pub struct BuiltSpec {
    pub spec: Spec,
    /// Entrypoint + cmd as docker reports them (`Path` + `Args`); the spec's
    /// `process.args` also has the init in front under `--init`.
    pub process_args: Vec<String>,
    pub stop_signal: i32,
    /// Named volumes the container uses.
    pub named_volumes: Vec<String>,
    /// Anonymous volumes created for it (`rm -v` removes these).
    pub anonymous_volumes: Vec<String>,
    pub volume_copies: Vec<VolumeCopy>,
    pub mounts_for_inspect: Vec<InspectMount>,
    /// `-u` or the image's USER: "", "1000", "tester:wheel".
    pub user_unresolved: String,
}

/// Plans the container's OCI spec from flags and image config, reading the
/// host facts it needs from this machine.
pub fn build_spec(
    opts: &RunOptions,
    image: &ImageConfig,
    ctx: &mut SpecContext,
) -> Result<BuiltSpec, SpecError> {
    let host = HostFacts::detect(opts.privileged);
    build_spec_with(opts, image, ctx, &host)
}

/// The namespaces of `spec` that join another container (`container:<id>`).
pub fn joined_namespaces(spec: &Spec) -> Vec<(LinuxNamespaceType, String)> {
    let Some(nss) = spec.linux().as_ref().and_then(|l| l.namespaces().clone()) else {
        return Vec::new();
    };
    nss.iter()
        .filter_map(|ns| {
            let p = ns.path().as_ref()?.to_str()?;
            let id = p.strip_prefix("container:")?;
            Some((ns.typ(), id.to_string()))
        })
        .collect()
}

/// Rewrites each `container:<id>` namespace path to `/proc/<pid>/ns/<type>`
/// using `pid_of(id)` (the other container must be running).
pub fn resolve_joined_namespaces(
    spec: &mut Spec,
    pid_of: &dyn Fn(&str) -> Result<i32, SpecError>,
) -> Result<(), SpecError> {
    let Some(nss) = spec
        .linux_mut()
        .as_mut()
        .and_then(|l| l.namespaces_mut().as_mut())
    else {
        return Ok(());
    };
    for ns in nss.iter_mut() {
        let Some(id) = ns
            .path()
            .as_ref()
            .and_then(|p| p.to_str())
            .and_then(|p| p.strip_prefix("container:"))
        else {
            continue;
        };
        let pid = pid_of(id)?;
        let kind = match ns.typ() {
            LinuxNamespaceType::Network => "net",
            LinuxNamespaceType::Mount => "mnt",
            LinuxNamespaceType::Ipc => "ipc",
            LinuxNamespaceType::Pid => "pid",
            LinuxNamespaceType::Uts => "uts",
            LinuxNamespaceType::User => "user",
            LinuxNamespaceType::Cgroup => "cgroup",
            LinuxNamespaceType::Time => "time",
        };
        ns.set_path(Some(
            Path::new("/proc")
                .join(pid.to_string())
                .join("ns")
                .join(kind),
        ));
    }
    Ok(())
}

/// Every capability the kernel knows, in all sets but inheritable/ambient
/// (`exec --privileged`, as docker gives it).
pub fn privileged_capabilities() -> oci_spec::runtime::LinuxCapabilities {
    let host = HostFacts::detect(true);
    let names = caps::capability_names(&[], &[], true, host.cap_last_cap, host.held_caps)
        .unwrap_or_default();
    let set = caps::to_capabilities(&names).unwrap_or_default();
    let mut c = oci_spec::runtime::LinuxCapabilities::default();
    c.set_bounding(Some(set.clone()));
    c.set_effective(Some(set.clone()));
    c.set_permitted(Some(set));
    c.set_inheritable(None);
    c.set_ambient(None);
    c
}

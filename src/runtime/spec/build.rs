//! `build_spec_with`: assembling the spec from flags, image config, caller
//! context and host facts, following moby's `createSpec` option by option.

use std::collections::HashMap;
use std::path::PathBuf;

use oci_spec::runtime::{
    LinuxBuilder, LinuxCapabilitiesBuilder, LinuxNamespace, LinuxNamespaceBuilder,
    LinuxNamespaceType, LinuxPidsBuilder, LinuxResourcesBuilder, ProcessBuilder, RootBuilder,
    SpecBuilder, UserBuilder,
};

use super::caps::{capability_names, to_capabilities};
use super::devices::{
    allow_all, allow_rule, default_rules, parse_device, resolve_device, runtime_rules,
};
use super::error::{Result, SpecError};
use super::layout::{plan_mounts, LayoutFlags};
use super::parse::{parse_memory_bytes, parse_signal};
use super::process::{environment, parse_security, process_args, rlimits};
use super::resources::{cpu, memory, sysctls};
use super::{BuiltSpec, HostFacts, ImageConfig, NetworkMode, RunOptions, SpecContext};

const DEFAULT_SHM: i64 = 64 << 20;
const INIT_PATH: &str = "/sbin/docker-init";

const MASKED_PATHS: &[&str] = &[
    "/proc/acpi",
    "/proc/asound",
    "/proc/interrupts",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/sys/devices/virtual/powercap",
    "/sys/firmware",
];
const READONLY_PATHS: &[&str] = &[
    "/proc/bus",
    "/proc/fs",
    "/proc/irq",
    "/proc/sys",
    "/proc/sysrq-trigger",
];

fn namespace(typ: LinuxNamespaceType, join: Option<&str>) -> Result<LinuxNamespace> {
    let mut b = LinuxNamespaceBuilder::default().typ(typ);
    if let Some(id) = join {
        b = b.path(PathBuf::from(format!("container:{id}")));
    }
    Ok(b.build()?)
}

/// "container:<id>" → Some(id); validates the mode against `allowed`.
fn ns_mode<'m>(mode: &'m str, what: &str, allowed: &[&str]) -> Result<Option<&'m str>> {
    if let Some(id) = mode.strip_prefix("container:") {
        if !id.is_empty() {
            return Ok(Some(id));
        }
    } else if allowed.contains(&mode) {
        return Ok(None);
    }
    Err(SpecError::invalid(format!("invalid {what} mode: {mode}")))
}

pub fn build_spec_with(
    opts: &RunOptions,
    image: &ImageConfig,
    ctx: &mut SpecContext,
    host: &HostFacts,
) -> Result<BuiltSpec> {
    let sec = parse_security(&opts.security_opts)?;
    let args = process_args(opts, image)?;

    let ipc = opts.ipc.as_deref().unwrap_or("");
    let ipc_join = ns_mode(ipc, "IPC", &["", "private", "shareable", "host", "none"])?;
    let pid = opts.pid.as_deref().unwrap_or("");
    let pid_join = ns_mode(pid, "PID", &["", "host"])?;
    let uts = opts.uts.as_deref().unwrap_or("");
    if !["", "host"].contains(&uts) {
        return Err(SpecError::invalid(format!("invalid UTS mode: {uts}")));
    }
    if matches!(opts.network, NetworkMode::Container(_))
        && opts.hostname.as_deref().is_some_and(|h| !h.is_empty())
    {
        return Err(SpecError::invalid(
            "conflicting options: hostname and the network mode",
        ));
    }
    let (net_host, pid_host, ipc_host, uts_host) = (
        opts.network == NetworkMode::Host,
        pid == "host",
        ipc == "host",
        uts == "host",
    );
    let pid_private = !pid_host && pid_join.is_none();

    let hostname = match (&opts.hostname, net_host) {
        (Some(h), _) if !h.is_empty() => h.clone(),
        (_, true) => host.hostname.clone(),
        _ => ctx.container_id.chars().take(12).collect(),
    };
    let env = environment(opts, image, &hostname, host)?;
    let cwd = opts
        .workdir
        .clone()
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| image.working_dir.clone());
    let cwd = if cwd.is_empty() { "/".to_string() } else { cwd };
    if !cwd.starts_with('/') {
        return Err(SpecError::invalid(format!(
            "the working directory '{cwd}' is invalid, it needs to be an absolute path"
        )));
    }
    let stop_raw = opts
        .stop_signal
        .clone()
        .or_else(|| image.stop_signal.clone())
        .unwrap_or_else(|| "SIGTERM".into());
    let stop_signal = parse_signal(&stop_raw)?;

    let cap_names = capability_names(
        &opts.cap_add,
        &opts.cap_drop,
        opts.privileged,
        host.cap_last_cap,
        host.held_caps,
    )?;
    let caps = to_capabilities(&cap_names)?;
    let capabilities = LinuxCapabilitiesBuilder::default()
        .bounding(caps.clone())
        .effective(caps.clone())
        .permitted(caps)
        .inheritable(oci_spec::runtime::Capabilities::new())
        .ambient(oci_spec::runtime::Capabilities::new())
        .build()?;

    let mut init = None;
    let mut spec_args = args.clone();
    if opts.init && pid_private {
        init = Some(host.init_binary.clone().ok_or(SpecError::NoInitBinary)?);
        spec_args = [INIT_PATH.to_string(), "--".to_string()]
            .into_iter()
            .chain(args.iter().cloned())
            .collect();
    }
    let process = ProcessBuilder::default()
        .terminal(opts.tty)
        .user(UserBuilder::default().uid(0u32).gid(0u32).build()?)
        .args(spec_args)
        .env(env)
        .cwd(PathBuf::from(&cwd))
        .capabilities(capabilities)
        .rlimits(rlimits(opts, ctx)?)
        .no_new_privileges(sec.no_new_privileges)
        .build()?;

    // Namespaces in moby's order.
    let mut namespaces = vec![namespace(LinuxNamespaceType::Mount, None)?];
    match &opts.network {
        NetworkMode::Host => {}
        NetworkMode::Container(id) => {
            namespaces.push(namespace(LinuxNamespaceType::Network, Some(id))?)
        }
        NetworkMode::None | NetworkMode::Bridge => {
            namespaces.push(namespace(LinuxNamespaceType::Network, None)?)
        }
    }
    if !uts_host {
        namespaces.push(namespace(LinuxNamespaceType::Uts, None)?);
    }
    if !pid_host {
        namespaces.push(namespace(LinuxNamespaceType::Pid, pid_join)?);
    }
    if !ipc_host {
        namespaces.push(namespace(LinuxNamespaceType::Ipc, ipc_join)?);
    }
    if host.cgroup_v2 {
        namespaces.push(namespace(LinuxNamespaceType::Cgroup, None)?);
    }

    let shm_size = match &opts.shm_size {
        Some(s) => parse_memory_bytes(s)?,
        None => 0,
    };
    if shm_size < 0 {
        return Err(SpecError::invalid("SHM size can not be less than 0"));
    }
    let flags = LayoutFlags {
        shm_size: if shm_size == 0 { DEFAULT_SHM } else { shm_size },
        ipc_host,
        ipc_none: ipc == "none",
        pid_host,
        net_host,
        rootless: ctx.rootless,
        privileged: opts.privileged,
        writable_cgroups: sec.writable_cgroups.unwrap_or(opts.privileged),
        init,
    };
    let plan = plan_mounts(opts, image, ctx, &flags)?;
    let mounts = plan
        .mounts
        .iter()
        .map(|m| m.to_oci())
        .collect::<Result<Vec<_>>>()?;

    // Devices: what to create, and the cgroup allow list.
    let mut devices = Vec::new();
    let mut rules = if opts.privileged {
        allow_all()?
    } else {
        default_rules()?
    };
    if opts.privileged {
        devices.extend(host.devices.iter().cloned());
    }
    for d in &opts.devices {
        let m = parse_device(d)?;
        if opts.privileged && m.path_on_host == m.path_in_container {
            continue;
        }
        for dev in resolve_device(&m)? {
            if !opts.privileged {
                rules.push(allow_rule(&dev, &m.permissions)?);
            }
            devices.push(dev);
        }
    }
    if !opts.privileged {
        rules.extend(runtime_rules()?);
    }

    let mut resources = LinuxResourcesBuilder::default().devices(rules);
    if let Some(memory) = memory(opts)? {
        resources = resources.memory(memory);
    }
    if let Some(cpu) = cpu(opts, host)? {
        resources = resources.cpu(cpu);
    }
    if let Some(p) = opts.pids_limit {
        resources = resources.pids(
            LinuxPidsBuilder::default()
                .limit(if p <= 0 { -1 } else { p })
                .build()?,
        );
    }

    let sysctl = sysctls(opts, host, ctx.rootless, net_host, ipc_host)?;
    let (masked, readonly): (Option<Vec<String>>, Option<Vec<String>>) = if opts.privileged {
        (None, None)
    } else if sec.systempaths_unconfined {
        (Some(Vec::new()), Some(Vec::new()))
    } else {
        let mut masked: Vec<String> = MASKED_PATHS.iter().map(|s| s.to_string()).collect();
        masked.extend(host.thermal_throttle_paths.iter().cloned());
        let ro = READONLY_PATHS
            .iter()
            .map(|s| s.to_string())
            .filter(|p| !(ctx.rootless && pid_host && p.starts_with("/proc/")));
        (Some(masked), Some(ro.collect()))
    };

    let mut linux = LinuxBuilder::default()
        .namespaces(namespaces)
        .resources(resources.build()?)
        .devices(devices)
        .sysctl(sysctl);
    if let Some(p) = &plan.rootfs_propagation {
        linux = linux.rootfs_propagation(p.clone());
    }
    if let Some(c) = &ctx.cgroups_path {
        linux = linux.cgroups_path(PathBuf::from(c));
    }
    if !opts.privileged && !sec.seccomp_unconfined {
        if let Some(s) = &ctx.seccomp {
            linux = linux.seccomp(s.clone());
        }
    }
    let mut linux = linux.build()?;
    // Set after building: the builder's defaults are not docker's lists.
    linux.set_masked_paths(masked);
    linux.set_readonly_paths(readonly);

    let mut annotations: HashMap<String, String> = opts.annotations.iter().cloned().collect();
    annotations.insert("org.opencontainers.image.stopSignal".into(), stop_raw);

    let mut spec = SpecBuilder::default()
        .version(oci_spec::runtime::VERSION.to_string())
        .root(
            RootBuilder::default()
                .path(PathBuf::from("rootfs"))
                .readonly(opts.read_only)
                .build()?,
        )
        .process(process)
        .mounts(mounts)
        .annotations(annotations)
        .linux(linux)
        .build()?;
    spec.set_hostname(if uts_host { None } else { Some(hostname) });
    spec.set_domainname(
        opts.domainname
            .clone()
            .filter(|d| !d.is_empty() && !uts_host),
    );

    Ok(BuiltSpec {
        spec,
        process_args: args,
        stop_signal,
        named_volumes: plan.named,
        anonymous_volumes: plan.anonymous,
        volume_copies: plan.copies,
        mounts_for_inspect: plan.inspect,
        user_unresolved: opts.user.clone().unwrap_or_else(|| image.user.clone()),
    })
}

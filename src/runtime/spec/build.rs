//! `build_spec_with`: assembling the spec from flags, image config, caller
//! context and host facts, following moby's `createSpec` option by option.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use oci_spec::runtime::{
    LinuxBuilder, LinuxCapabilitiesBuilder, LinuxCpuBuilder, LinuxMemoryBuilder, LinuxNamespace,
    LinuxNamespaceBuilder, LinuxNamespaceType, LinuxPidsBuilder, LinuxResourcesBuilder,
    PosixRlimit, PosixRlimitBuilder, ProcessBuilder, RootBuilder, SpecBuilder, UserBuilder,
};

use super::caps::{capability_names, to_capabilities};
use super::devices::{allow_all, allow_rule, default_rules, parse_device, resolve_device, runtime_rules};
use super::error::{Result, SpecError};
use super::layout::{plan_mounts, LayoutFlags};
use super::parse::{check_cpuset, parse_cpus, parse_memory_bytes, parse_signal, parse_sysctl, parse_ulimit, Ulimit};
use super::{BuiltSpec, HostFacts, ImageConfig, NetworkMode, RunOptions, SpecContext};

const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const DEFAULT_SHM: i64 = 64 << 20;
const MIN_MEMORY: i64 = 6 << 20;
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
const READONLY_PATHS: &[&str] = &["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

/// The `--security-opt` values, interpreted.
#[derive(Debug, Default)]
struct Security {
    no_new_privileges: bool,
    seccomp_unconfined: bool,
    systempaths_unconfined: bool,
    writable_cgroups: Option<bool>,
}

fn parse_bool_opt(v: &str, opt: &str) -> Result<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(SpecError::invalid(format!("invalid --security-opt 2: {opt:?}"))),
    }
}

fn parse_security(opts: &[String]) -> Result<Security> {
    let mut s = Security::default();
    for opt in opts {
        if opt == "no-new-privileges" {
            s.no_new_privileges = true;
            continue;
        }
        if opt == "systempaths=unconfined" {
            s.systempaths_unconfined = true;
            continue;
        }
        let (k, v) = opt
            .split_once('=')
            .or_else(|| opt.split_once(':'))
            .filter(|(_, v)| !v.is_empty())
            .ok_or_else(|| SpecError::invalid(format!("invalid --security-opt: {opt:?}")))?;
        match k {
            // SELinux and AppArmor are not berth's business; accepted for compatibility.
            "label" | "apparmor" => {}
            "seccomp" => s.seccomp_unconfined = v == "unconfined",
            "no-new-privileges" => s.no_new_privileges = parse_bool_opt(v, opt)?,
            "writable-cgroups" => s.writable_cgroups = Some(parse_bool_opt(v, opt)?),
            _ => return Err(SpecError::invalid(format!("invalid --security-opt 2: {opt:?}"))),
        }
    }
    Ok(s)
}

/// Entrypoint + cmd after docker's merge: `--entrypoint` discards the
/// image's Cmd unless a command is given; `--entrypoint ""` clears it.
pub(super) fn process_args(opts: &RunOptions, image: &ImageConfig) -> Result<Vec<String>> {
    let user_ep: Option<Vec<String>> = opts.entrypoint.as_ref().map(|e| vec![e.clone()]);
    let mut cmd = opts.cmd.clone();
    let mut ep = user_ep.clone();
    if user_ep.as_ref().is_none_or(|e| e.is_empty()) {
        if cmd.is_empty() {
            cmd = image.cmd.clone().unwrap_or_default();
        }
        if user_ep.is_none() {
            ep = image.entrypoint.clone();
        }
    }
    let mut ep = ep.unwrap_or_default();
    if ep.len() == 1 && ep[0].is_empty() {
        ep.clear();
    }
    if ep.is_empty() && cmd.is_empty() {
        return Err(SpecError::NoCommand);
    }
    ep.extend(cmd);
    Ok(ep)
}

fn env_key(e: &str) -> &str {
    e.split_once('=').map_or(e, |(k, _)| k)
}

/// The container's environment: docker's PATH/HOSTNAME/TERM defaults,
/// replaced or extended by the user's variables (`--env-host` < `--env-file`
/// < `-e`) merged over the image's; a bare `-e K` unset on the host unsets
/// K. Duplicates keep the last value, as runc does before exec.
pub(super) fn environment(opts: &RunOptions, image: &ImageConfig, hostname: &str, host: &HostFacts) -> Result<Vec<String>> {
    let mut user: Vec<String> = Vec::new();
    if opts.env_host {
        user.extend(host.env.iter().map(|(k, v)| format!("{k}={v}")));
    }
    for file in &opts.env_files {
        let bytes = std::fs::read(file).map_err(|source| SpecError::Io { what: "reading env file", path: file.clone(), source })?;
        let lines = super::parse::parse_env_lines(&bytes, &|k| host.lookup_env(k))
            .map_err(|e| SpecError::invalid(format!("invalid env file ({}): {e}", file.display())))?;
        user.extend(lines);
    }
    for e in &opts.env {
        let key = env_key(e);
        if key.is_empty() {
            return Err(SpecError::invalid(format!("invalid environment variable: {e}")));
        }
        match (e.contains('='), host.lookup_env(key)) {
            (true, _) => user.push(e.clone()),
            (false, Some(v)) => user.push(format!("{key}={v}")),
            (false, None) => user.push(e.clone()),
        }
    }
    let user_keys: Vec<&str> = user.iter().map(|e| env_key(e)).collect();
    let mut merged = user.clone();
    merged.extend(image.env.iter().filter(|e| !user_keys.contains(&env_key(e))).cloned());

    let mut env = vec![format!("PATH={DEFAULT_PATH}"), format!("HOSTNAME={hostname}")];
    if opts.tty {
        env.push("TERM=xterm".to_string());
    }
    let defaults: HashMap<String, usize> = env.iter().enumerate().map(|(i, e)| (env_key(e).to_string(), i)).collect();
    for value in merged {
        match (value.contains('='), defaults.get(env_key(&value))) {
            (false, Some(&i)) => env[i].clear(),
            (false, None) => {}
            (true, Some(&i)) => env[i] = value,
            (true, None) => env.push(value),
        }
    }
    env.retain(|e| !e.is_empty());
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<String> = env.into_iter().rev().filter(|e| seen.insert(env_key(e).to_string())).collect();
    out.reverse();
    Ok(out)
}

/// `--ulimit`s (later flags for the same name win), sorted by name, each
/// clamped to the caller's hard limit.
fn rlimits(opts: &RunOptions, ctx: &SpecContext) -> Result<Vec<PosixRlimit>> {
    let mut by_name: BTreeMap<String, Ulimit> = BTreeMap::new();
    for u in &opts.ulimits {
        let u = parse_ulimit(u)?;
        by_name.insert(u.name.clone(), u);
    }
    let mut out = Vec::new();
    for u in by_name.values() {
        let Some((resource, typ)) = u.resource() else { continue };
        let as_u64 = |v: i64| if v < 0 { u64::MAX } else { v as u64 };
        let (mut soft, mut hard) = (as_u64(u.soft), as_u64(u.hard));
        if let Some(limit) = (ctx.caller_hard_limits)(resource) {
            soft = soft.min(limit);
            hard = hard.min(limit);
        }
        out.push(PosixRlimitBuilder::default().typ(typ).soft(soft).hard(hard).build()?);
    }
    Ok(out)
}

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

pub fn build_spec_with(opts: &RunOptions, image: &ImageConfig, ctx: &mut SpecContext, host: &HostFacts) -> Result<BuiltSpec> {
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
    let (net_host, pid_host, ipc_host, uts_host) = (opts.network == NetworkMode::Host, pid == "host", ipc == "host", uts == "host");
    let pid_private = !pid_host && pid_join.is_none();

    let hostname = match (&opts.hostname, net_host) {
        (Some(h), _) if !h.is_empty() => h.clone(),
        (_, true) => host.hostname.clone(),
        _ => ctx.container_id.chars().take(12).collect(),
    };
    let env = environment(opts, image, &hostname, host)?;
    let cwd = opts.workdir.clone().filter(|w| !w.is_empty()).unwrap_or_else(|| image.working_dir.clone());
    let cwd = if cwd.is_empty() { "/".to_string() } else { cwd };
    if !cwd.starts_with('/') {
        return Err(SpecError::invalid(format!("the working directory '{cwd}' is invalid, it needs to be an absolute path")));
    }
    let stop_raw = opts.stop_signal.clone().or_else(|| image.stop_signal.clone()).unwrap_or_else(|| "SIGTERM".into());
    let stop_signal = parse_signal(&stop_raw)?;

    let cap_names = capability_names(&opts.cap_add, &opts.cap_drop, opts.privileged, host.cap_last_cap)?;
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
        spec_args = [INIT_PATH.to_string(), "--".to_string()].into_iter().chain(args.iter().cloned()).collect();
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
        NetworkMode::Container(id) => namespaces.push(namespace(LinuxNamespaceType::Network, Some(id))?),
        NetworkMode::None | NetworkMode::Bridge => namespaces.push(namespace(LinuxNamespaceType::Network, None)?),
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
    if ctx.rootless {
        namespaces.push(namespace(LinuxNamespaceType::User, None)?);
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
    let mounts = plan.mounts.iter().map(|m| m.to_oci()).collect::<Result<Vec<_>>>()?;

    // Devices: what to create, and the cgroup allow list.
    let mut devices = Vec::new();
    let mut rules = if opts.privileged { allow_all()? } else { default_rules()? };
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
        resources = resources.pids(LinuxPidsBuilder::default().limit(if p <= 0 { -1 } else { p }).build()?);
    }

    let sysctl = sysctls(opts, host, ctx.rootless, net_host, ipc_host)?;
    let (masked, readonly): (Option<Vec<String>>, Option<Vec<String>>) = if opts.privileged {
        (None, None)
    } else if sec.systempaths_unconfined {
        (Some(Vec::new()), Some(Vec::new()))
    } else {
        let mut masked: Vec<String> = MASKED_PATHS.iter().map(|s| s.to_string()).collect();
        masked.extend(host.thermal_throttle_paths.iter().cloned());
        let ro = READONLY_PATHS.iter().map(|s| s.to_string()).filter(|p| !(ctx.rootless && pid_host && p.starts_with("/proc/")));
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
        .root(RootBuilder::default().path(PathBuf::from("rootfs")).readonly(opts.read_only).build()?)
        .process(process)
        .mounts(mounts)
        .annotations(annotations)
        .linux(linux)
        .build()?;
    spec.set_hostname(if uts_host { None } else { Some(hostname) });
    spec.set_domainname(opts.domainname.clone().filter(|d| !d.is_empty() && !uts_host));

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

/// Memory limits with moby's defaults (swap = 2×memory) and checks.
fn memory(opts: &RunOptions) -> Result<Option<oci_spec::runtime::LinuxMemory>> {
    let parse = |v: &Option<String>| v.as_deref().map(parse_memory_bytes).transpose().map(|v| v.unwrap_or(0));
    let limit = parse(&opts.memory)?;
    let reservation = parse(&opts.memory_reservation)?;
    let mut swap = match opts.memory_swap.as_deref() {
        Some("-1") => -1,
        Some(s) => parse_memory_bytes(s)?,
        None => 0,
    };
    if limit > 0 && swap == 0 {
        swap = limit * 2;
    }
    if limit != 0 && limit < MIN_MEMORY {
        return Err(SpecError::invalid("Minimum memory limit allowed is 6MB"));
    }
    if limit > 0 && swap > 0 && swap < limit {
        return Err(SpecError::invalid("Minimum memoryswap limit should be larger than memory limit, see usage"));
    }
    if limit == 0 && swap > 0 {
        return Err(SpecError::invalid("You should always set the Memory limit when using Memoryswap limit, see usage"));
    }
    if reservation > 0 && reservation < MIN_MEMORY {
        return Err(SpecError::invalid("Minimum memory reservation allowed is 6MB"));
    }
    if limit > 0 && reservation > 0 && limit < reservation {
        return Err(SpecError::invalid("Minimum memory limit can not be less than memory reservation limit, see usage"));
    }
    if limit <= 0 && reservation <= 0 && swap <= 0 {
        return Ok(None);
    }
    let mut b = LinuxMemoryBuilder::default();
    if limit > 0 {
        b = b.limit(limit);
    }
    if reservation > 0 {
        b = b.reservation(reservation);
    }
    if swap > 0 {
        b = b.swap(swap);
    }
    Ok(Some(b.build()?))
}

/// CPU shares, `--cpus` as a CFS quota over a 100ms period, and the cpuset.
fn cpu(opts: &RunOptions, host: &HostFacts) -> Result<Option<oci_spec::runtime::LinuxCpu>> {
    let nano = opts.cpus.as_deref().map(parse_cpus).transpose()?.unwrap_or(0);
    if nano != 0 && (nano < 0 || nano > host.cpus as i64 * 1_000_000_000) {
        let n = host.cpus;
        return Err(SpecError::invalid(format!("range of CPUs is from 0.01 to {n}.00, as there are only {n} CPUs available")));
    }
    let mut b = LinuxCpuBuilder::default();
    let mut any = false;
    if let Some(shares) = opts.cpu_shares.filter(|s| *s != 0) {
        b = b.shares(shares);
        any = true;
    }
    if let Some(set) = opts.cpuset_cpus.as_deref().filter(|s| !s.is_empty()) {
        check_cpuset(set, host.cpus)?;
        b = b.cpus(set.to_string());
        any = true;
    }
    if nano > 0 {
        const PERIOD: u64 = 100_000;
        b = b.period(PERIOD).quota(nano * PERIOD as i64 / 1_000_000_000);
        any = true;
    }
    Ok(if any { Some(b.build()?) } else { None })
}

/// docker's default network sysctls for a private network namespace, then the user's.
fn sysctls(opts: &RunOptions, host: &HostFacts, rootless: bool, net_host: bool, ipc_host: bool) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    let private_net = !matches!(opts.network, NetworkMode::Host | NetworkMode::Container(_));
    if private_net {
        if !rootless && host.has_ping_group_range {
            out.insert("net.ipv4.ping_group_range".to_string(), "0 2147483647".to_string());
        }
        if host.has_unprivileged_port_start {
            out.insert("net.ipv4.ip_unprivileged_port_start".to_string(), "0".to_string());
        }
    }
    for s in &opts.sysctls {
        let (k, v) = parse_sysctl(s)?;
        if net_host && k.starts_with("net.") {
            return Err(SpecError::invalid(format!("sysctl {k:?} not allowed in host network namespace")));
        }
        if ipc_host && !k.starts_with("net.") {
            return Err(SpecError::invalid(format!("sysctl {k:?} is not allowed in the hosts ipc namespace")));
        }
        out.insert(k, v);
    }
    Ok(out)
}

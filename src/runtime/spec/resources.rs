//! `linux.resources` and sysctls: memory, CPU and their moby checks.

use std::collections::HashMap;

use oci_spec::runtime::{LinuxCpu, LinuxCpuBuilder, LinuxMemory, LinuxMemoryBuilder};

use super::error::{Result, SpecError};
use super::parse::{check_cpuset, parse_cpus, parse_memory_bytes, parse_sysctl};
use super::{HostFacts, NetworkMode, RunOptions};

const MIN_MEMORY: i64 = 6 << 20;

/// Memory limits with moby's defaults (swap = 2×memory) and checks.
pub(super) fn memory(opts: &RunOptions) -> Result<Option<LinuxMemory>> {
    let parse = |v: &Option<String>| {
        v.as_deref()
            .map(parse_memory_bytes)
            .transpose()
            .map(|v| v.unwrap_or(0))
    };
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
        return Err(SpecError::invalid(
            "Minimum memoryswap limit should be larger than memory limit, see usage",
        ));
    }
    if limit == 0 && swap > 0 {
        return Err(SpecError::invalid(
            "You should always set the Memory limit when using Memoryswap limit, see usage",
        ));
    }
    if reservation > 0 && reservation < MIN_MEMORY {
        return Err(SpecError::invalid(
            "Minimum memory reservation allowed is 6MB",
        ));
    }
    if limit > 0 && reservation > 0 && limit < reservation {
        return Err(SpecError::invalid(
            "Minimum memory limit can not be less than memory reservation limit, see usage",
        ));
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
pub(super) fn cpu(opts: &RunOptions, host: &HostFacts) -> Result<Option<LinuxCpu>> {
    let nano = opts
        .cpus
        .as_deref()
        .map(parse_cpus)
        .transpose()?
        .unwrap_or(0);
    if nano != 0 && (nano < 0 || nano > host.cpus as i64 * 1_000_000_000) {
        let n = host.cpus;
        return Err(SpecError::invalid(format!(
            "range of CPUs is from 0.01 to {n}.00, as there are only {n} CPUs available"
        )));
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
pub(super) fn sysctls(
    opts: &RunOptions,
    host: &HostFacts,
    rootless: bool,
    net_host: bool,
    ipc_host: bool,
) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    let private_net = !matches!(opts.network, NetworkMode::Host | NetworkMode::Container(_));
    if private_net {
        if !rootless && host.has_ping_group_range {
            out.insert(
                "net.ipv4.ping_group_range".to_string(),
                "0 2147483647".to_string(),
            );
        }
        if host.has_unprivileged_port_start {
            out.insert(
                "net.ipv4.ip_unprivileged_port_start".to_string(),
                "0".to_string(),
            );
        }
    }
    for s in &opts.sysctls {
        let (k, v) = parse_sysctl(s)?;
        if net_host && k.starts_with("net.") {
            return Err(SpecError::invalid(format!(
                "sysctl {k:?} not allowed in host network namespace"
            )));
        }
        if ipc_host && !k.starts_with("net.") {
            return Err(SpecError::invalid(format!(
                "sysctl {k:?} is not allowed in the hosts ipc namespace"
            )));
        }
        out.insert(k, v);
    }
    Ok(out)
}

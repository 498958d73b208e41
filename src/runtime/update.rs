//! `berth update`: new resource limits and restart policy for a container.
//! A running container's cgroup changes at once; the record (the spec's
//! `linux.resources`, `HostConfig`, the restart policy) changes too, so the
//! next start keeps the limits and the monitor's next restart decision
//! sees the new policy.

use serde_json::{json, Value};

use super::cgroups::Resources;
use super::config::{ContainerConfig, RestartPolicy};
use super::error::{Result, RuntimeError};
use crate::store::containers::{ContainerEntry, ContainerStatus};
use crate::store::{Store, StoreError};

/// What `update` changes; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateRequest {
    /// Bytes; -1 unlimited.
    pub memory: Option<i64>,
    /// Memory plus swap, bytes; -1 unlimited swap.
    pub memory_swap: Option<i64>,
    pub memory_reservation: Option<i64>,
    /// `--cpus` in billionths of a CPU.
    pub nano_cpus: Option<i64>,
    pub cpu_shares: Option<u64>,
    pub cpu_period: Option<u64>,
    pub cpu_quota: Option<i64>,
    pub cpuset_cpus: Option<String>,
    pub pids_limit: Option<i64>,
    pub restart: Option<RestartPolicy>,
}

const CFS_PERIOD: u64 = 100_000;

impl UpdateRequest {
    pub fn is_empty(&self) -> bool {
        *self == UpdateRequest::default()
    }

    /// The cgroup writes, with `--cpus` as a quota over docker's 100 ms period.
    pub fn resources(&self) -> Resources {
        let (quota, period) = match self.nano_cpus {
            Some(n) if n > 0 => (
                Some(n * CFS_PERIOD as i64 / 1_000_000_000),
                Some(CFS_PERIOD),
            ),
            Some(_) => (Some(-1), None),
            None => (self.cpu_quota, self.cpu_period),
        };
        Resources {
            memory_limit: self.memory,
            memory_swap: self.memory_swap,
            memory_reservation: self.memory_reservation,
            cpu_shares: self.cpu_shares,
            cpu_quota: quota,
            cpu_period: period,
            cpuset_cpus: self.cpuset_cpus.clone(),
            pids_limit: self.pids_limit,
        }
    }
}

/// docker's checks that need the container's current settings.
fn check(req: &UpdateRequest, config: &ContainerConfig, spec: &Value) -> Result<()> {
    let invalid = |m: &str| Err(RuntimeError::Invalid(m.to_string()));
    if req.nano_cpus.is_some() && (req.cpu_period.is_some() || req.cpu_quota.is_some()) {
        return invalid(
            "Conflicting options: --cpus cannot be set together with --cpu-period or --cpu-quota",
        );
    }
    if req
        .restart
        .as_ref()
        .is_some_and(|r| *r != RestartPolicy::No)
        && config.auto_remove
    {
        return invalid(
            "Restart policy cannot be updated because AutoRemove is enabled for the container",
        );
    }
    let current_swap = spec["linux"]["resources"]["memory"]["swap"]
        .as_i64()
        .unwrap_or(0);
    if let Some(m) = req.memory.filter(|&m| m > 0) {
        if req.memory_swap.is_none() && current_swap > 0 && m > current_swap {
            return invalid("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
        }
    }
    Ok(())
}

/// Writes `v` at `obj[key]`, making `obj` an object first.
fn put(obj: &mut Value, key: &str, v: Value) {
    if !obj.is_object() {
        *obj = json!({});
    }
    if let Some(m) = obj.as_object_mut() {
        m.insert(key.to_string(), v);
    }
}

/// The new `linux.resources` of the stored OCI spec (0 means unchanged,
/// as in docker's API; -1 and "unlimited" drop the limit).
fn apply_to_spec(spec: &mut Value, res: &Resources) {
    let resources = &mut spec["linux"]["resources"];
    let mut set_i = |section: &str, key: &str, v: Option<i64>| match v {
        Some(0) | None => {}
        Some(n) if n < 0 => {
            if let Some(m) = resources[section].as_object_mut() {
                m.remove(key);
            }
        }
        Some(n) => put(&mut resources[section], key, json!(n)),
    };
    set_i("memory", "limit", res.memory_limit);
    set_i("memory", "swap", res.memory_swap);
    set_i("memory", "reservation", res.memory_reservation);
    set_i("cpu", "quota", res.cpu_quota);
    set_i("cpu", "shares", res.cpu_shares.map(|s| s as i64));
    set_i("cpu", "period", res.cpu_period.map(|p| p as i64));
    if let Some(c) = res.cpuset_cpus.as_deref().filter(|c| !c.is_empty()) {
        put(&mut resources["cpu"], "cpus", json!(c));
    }
    if let Some(p) = res.pids_limit {
        put(
            &mut resources["pids"],
            "limit",
            json!(if p <= 0 { -1 } else { p }),
        );
    }
}

/// The new docker `HostConfig` fields.
fn apply_to_host_config(hc: &mut Value, req: &UpdateRequest) {
    let mut set = |key: &str, v: Option<Value>| {
        if let Some(v) = v {
            put(hc, key, v);
        }
    };
    set("Memory", req.memory.map(|v| json!(v)));
    set("MemorySwap", req.memory_swap.map(|v| json!(v)));
    set(
        "MemoryReservation",
        req.memory_reservation.map(|v| json!(v)),
    );
    set("NanoCpus", req.nano_cpus.map(|v| json!(v)));
    set("CpuShares", req.cpu_shares.map(|v| json!(v)));
    set("CpuPeriod", req.cpu_period.map(|v| json!(v)));
    set("CpuQuota", req.cpu_quota.map(|v| json!(v)));
    set("CpusetCpus", req.cpuset_cpus.clone().map(|v| json!(v)));
    set("PidsLimit", req.pids_limit.map(|v| json!(v)));
    set(
        "RestartPolicy",
        req.restart
            .as_ref()
            .map(|r| serde_json::to_value(r).unwrap_or(Value::Null)),
    );
}

fn running(entry: &ContainerEntry) -> bool {
    matches!(
        entry.state.status,
        ContainerStatus::Running | ContainerStatus::Paused | ContainerStatus::Restarting
    ) && !entry.state.is_stale()
}

/// Applies `req` to the container: its live cgroup first (a limit the
/// kernel refuses changes nothing), then its record.
pub fn update(store: &Store, entry: &ContainerEntry, req: &UpdateRequest) -> Result<()> {
    let file = store.container_file(&entry.id)?;
    let config: ContainerConfig = serde_json::from_value(file.config.clone()).map_err(|e| {
        RuntimeError::Invalid(format!("container {} has a corrupt config: {e}", entry.id))
    })?;
    check(req, &config, &file.spec)?;
    let res = req.resources();
    if !res.is_empty() && running(entry) {
        // A container without a cgroup (--cgroups=disabled) has nothing to update.
        let cg = super::container_cgroup::require(store, &entry.id);
        if let Err(e @ RuntimeError::Invalid(_)) = cg {
            return Err(e);
        }
        if let Ok(cg) = cg {
            cg.update(&res)
                .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
        }
    }
    store.update_container_file(&entry.id, |f| {
        let mut config: ContainerConfig = serde_json::from_value(f.config.clone())
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        apply_to_spec(&mut f.spec, &res);
        apply_to_host_config(&mut config.host_config, req);
        if let Some(r) = &req.restart {
            config.restart = r.clone();
        }
        f.config = serde_json::to_value(&config).map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpus_become_a_quota_over_100ms() {
        let r = UpdateRequest {
            nano_cpus: Some(1_500_000_000),
            ..Default::default()
        }
        .resources();
        assert_eq!(r.cpu_quota, Some(150_000));
        assert_eq!(r.cpu_period, Some(100_000));
    }

    #[test]
    fn the_spec_keeps_new_limits_and_drops_unlimited_ones() {
        let mut spec = json!({"linux": {"resources": {"memory": {"limit": 1, "swap": 2}}}});
        let res = UpdateRequest {
            memory: Some(64 << 20),
            memory_swap: Some(-1),
            pids_limit: Some(0),
            cpuset_cpus: Some("0".into()),
            ..Default::default()
        }
        .resources();
        apply_to_spec(&mut spec, &res);
        assert_eq!(
            spec["linux"]["resources"],
            json!({"memory": {"limit": 64 << 20}, "pids": {"limit": -1}, "cpu": {"cpus": "0"}})
        );
    }

    #[test]
    fn dockers_conflicts_are_refused() {
        let config = ContainerConfig {
            auto_remove: true,
            ..Default::default()
        };
        let spec =
            json!({"linux": {"resources": {"memory": {"limit": 10 << 20, "swap": 20 << 20}}}});
        let restart = UpdateRequest {
            restart: Some(RestartPolicy::Always),
            ..Default::default()
        };
        assert!(check(&restart, &config, &spec).is_err());
        let mem = UpdateRequest {
            memory: Some(30 << 20),
            ..Default::default()
        };
        assert!(check(&mem, &ContainerConfig::default(), &spec).is_err());
        let both = UpdateRequest {
            memory: Some(30 << 20),
            memory_swap: Some(60 << 20),
            ..Default::default()
        };
        assert!(check(&both, &ContainerConfig::default(), &spec).is_ok());
        let cpus = UpdateRequest {
            nano_cpus: Some(1),
            cpu_quota: Some(1000),
            ..Default::default()
        };
        assert!(check(&cpus, &ContainerConfig::default(), &spec).is_err());
    }

    #[test]
    fn host_config_records_the_new_values() {
        let mut hc = json!({"Memory": 0, "Privileged": false});
        apply_to_host_config(
            &mut hc,
            &UpdateRequest {
                memory: Some(64 << 20),
                restart: Some(RestartPolicy::OnFailure { max_retries: 2 }),
                ..Default::default()
            },
        );
        assert_eq!(hc["Memory"], json!(64 << 20));
        assert_eq!(
            hc["RestartPolicy"],
            json!({"Name": "on-failure", "MaximumRetryCount": 2})
        );
        assert_eq!(hc["Privileged"], json!(false));
    }
}

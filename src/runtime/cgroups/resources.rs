//! Resource limits with docker's semantics, and the plan of control-file
//! writes that applies them on cgroup v1 or v2 (pure functions, unit-tested).

use super::error::CgroupError;

/// Container resource limits, as `docker run`/`docker update` take them.
/// `None` (and, as in docker's API, `Some(0)`) leaves a limit unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    /// `--memory`, bytes; -1 unlimited.
    pub memory_limit: Option<i64>,
    /// `--memory-swap`: memory *plus* swap, bytes; -1 unlimited swap. The
    /// caller applies docker's default (twice `--memory`) when the host can
    /// enforce it ([`super::CgroupLayout::swap_limit_supported`]).
    pub memory_swap: Option<i64>,
    /// `--memory-reservation` (soft limit), bytes.
    pub memory_reservation: Option<i64>,
    /// `--cpu-shares` (relative weight, 1024 = default).
    pub cpu_shares: Option<u64>,
    /// `--cpu-quota` µs per period (`--cpus` sets quota and period); -1 unlimited.
    pub cpu_quota: Option<i64>,
    /// `--cpu-period` µs.
    pub cpu_period: Option<u64>,
    /// `--cpuset-cpus`, e.g. `0-2,4`.
    pub cpuset_cpus: Option<String>,
    /// `--pids-limit`; 0 or -1 unlimited.
    pub pids_limit: Option<i64>,
}

impl Resources {
    /// The limits an OCI runtime spec carries (the spec builder wrote docker's
    /// values there, with OCI's memory.swap being memory+swap as in docker).
    pub fn from_oci(r: &oci_spec::runtime::LinuxResources) -> Resources {
        let mem = r.memory().as_ref();
        let cpu = r.cpu().as_ref();
        Resources {
            memory_limit: mem.and_then(|m| m.limit()),
            memory_swap: mem.and_then(|m| m.swap()),
            memory_reservation: mem.and_then(|m| m.reservation()),
            cpu_shares: cpu.and_then(|c| c.shares()),
            cpu_quota: cpu.and_then(|c| c.quota()),
            cpu_period: cpu.and_then(|c| c.period()),
            cpuset_cpus: cpu.and_then(|c| c.cpus().clone()),
            pids_limit: r.pids().as_ref().map(|p| p.limit()),
        }
    }

    /// True when nothing is to be limited.
    pub fn is_empty(&self) -> bool {
        set(self.memory_limit).is_none()
            && set(self.memory_swap).is_none()
            && set(self.memory_reservation).is_none()
            && set_u(self.cpu_shares).is_none()
            && set(self.cpu_quota).is_none()
            && set_u(self.cpu_period).is_none()
            && self.cpuset_cpus.as_deref().is_none_or(str::is_empty)
            && self.pids_limit.is_none()
    }
}

/// One control-file write the plan asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Write {
    /// The controller whose hierarchy (v1) or enablement (v2) it needs.
    pub controller: &'static str,
    pub file: &'static str,
    pub value: String,
    /// The docker flag to name when it cannot be applied.
    pub flag: &'static str,
    /// The kernel checks some pairs against each other (memory ≤ memsw; the
    /// CFS bandwidth of quota/period): when this write fails with EINVAL,
    /// apply the next write first and retry, as runc does.
    pub swap_with_next_on_einval: bool,
}

impl Write {
    fn new(
        controller: &'static str,
        file: &'static str,
        value: String,
        flag: &'static str,
    ) -> Self {
        Write {
            controller,
            file,
            value,
            flag,
            swap_with_next_on_einval: false,
        }
    }
}

/// Reads the cgroup's current value of a control file (for `update`, which
/// may change one of a pair the kernel checks together).
pub(crate) type ReadCurrent<'a> = &'a dyn Fn(&'static str) -> Option<String>;

const MIN_MEMORY: i64 = 6 * 1024 * 1024;

fn set(v: Option<i64>) -> Option<i64> {
    v.filter(|&n| n != 0)
}

fn set_u(v: Option<u64>) -> Option<u64> {
    v.filter(|&n| n != 0)
}

fn invalid(flag: &'static str, reason: impl Into<String>) -> CgroupError {
    CgroupError::InvalidResources {
        flag,
        reason: reason.into(),
    }
}

/// The checks docker makes before it touches a cgroup. `memory` is the limit
/// in effect after the change (the new one, or the current one on update).
fn validate(res: &Resources, memory: Option<i64>) -> Result<(), CgroupError> {
    if let Some(m) = set(res.memory_limit) {
        if m != -1 && m < MIN_MEMORY {
            return Err(invalid("--memory", "the minimum memory limit is 6MB"));
        }
    }
    let limited_memory = memory.filter(|&m| m > 0);
    if let Some(s) = set(res.memory_swap).filter(|&s| s != -1) {
        match limited_memory {
            None => {
                return Err(invalid(
                    "--memory-swap",
                    "a memory+swap limit needs a memory limit too; set --memory",
                ))
            }
            Some(m) if s < m => {
                return Err(invalid(
                    "--memory-swap",
                    "the memory+swap limit must be at least the memory limit (--memory)",
                ))
            }
            Some(_) => {}
        }
    }
    if let (Some(r), Some(m)) = (set(res.memory_reservation), limited_memory) {
        if r > m {
            return Err(invalid(
                "--memory-reservation",
                "the reservation must not be larger than the memory limit (--memory)",
            ));
        }
    }
    if let Some(q) = set(res.cpu_quota) {
        if q != -1 && q < 1000 {
            return Err(invalid(
                "--cpu-quota",
                "the CPU quota cannot be less than 1ms (1000)",
            ));
        }
    }
    if let Some(p) = set_u(res.cpu_period) {
        if !(1000..=1_000_000).contains(&p) {
            return Err(invalid(
                "--cpu-period",
                "the CPU period must be between 1ms (1000) and 1s (1000000)",
            ));
        }
    }
    Ok(())
}

fn memory_in_effect(res: &Resources, current: ReadCurrent<'_>, file: &'static str) -> Option<i64> {
    set(res.memory_limit).or_else(|| {
        current(file)
            .and_then(|s| s.parse::<i64>().ok())
            // v1 reports "unlimited" as a huge page-aligned number.
            .filter(|&m| m > 0 && m < i64::MAX / 2)
    })
}

/// The writes for cgroup v1, in the order they must happen.
pub(crate) fn plan_v1(
    res: &Resources,
    current: ReadCurrent<'_>,
) -> Result<Vec<Write>, CgroupError> {
    let memory = memory_in_effect(res, current, "memory.limit_in_bytes");
    validate(res, memory)?;
    let mut w = Vec::new();
    if let Some(m) = set(res.memory_limit) {
        let mut limit = Write::new("memory", "memory.limit_in_bytes", m.to_string(), "--memory");
        limit.swap_with_next_on_einval = set(res.memory_swap).is_some();
        w.push(limit);
    }
    if let Some(s) = set(res.memory_swap) {
        w.push(Write::new(
            "memory",
            "memory.memsw.limit_in_bytes",
            s.to_string(),
            "--memory-swap",
        ));
    }
    if let Some(r) = set(res.memory_reservation) {
        w.push(Write::new(
            "memory",
            "memory.soft_limit_in_bytes",
            r.to_string(),
            "--memory-reservation",
        ));
    }
    if let Some(s) = set_u(res.cpu_shares) {
        // The kernel's bounds for cpu.shares; docker passes values through.
        let s = s.clamp(2, 262_144);
        w.push(Write::new(
            "cpu",
            "cpu.shares",
            s.to_string(),
            "--cpu-shares",
        ));
    }
    if let Some(p) = set_u(res.cpu_period) {
        let mut period = Write::new("cpu", "cpu.cfs_period_us", p.to_string(), "--cpu-period");
        period.swap_with_next_on_einval = set(res.cpu_quota).is_some();
        w.push(period);
    }
    if let Some(q) = set(res.cpu_quota) {
        let q = if q < 0 { -1 } else { q };
        w.push(Write::new(
            "cpu",
            "cpu.cfs_quota_us",
            q.to_string(),
            "--cpus/--cpu-quota",
        ));
    }
    if let Some(c) = res.cpuset_cpus.as_deref().filter(|c| !c.is_empty()) {
        w.push(Write::new(
            "cpuset",
            "cpuset.cpus",
            c.to_string(),
            "--cpuset-cpus",
        ));
    }
    if let Some(p) = res.pids_limit {
        w.push(Write::new(
            "pids",
            "pids.max",
            pids_value(p),
            "--pids-limit",
        ));
    }
    Ok(w)
}

/// The writes for cgroup v2, in the order they must happen.
pub(crate) fn plan_v2(
    res: &Resources,
    current: ReadCurrent<'_>,
) -> Result<Vec<Write>, CgroupError> {
    let memory = memory_in_effect(res, current, "memory.max");
    validate(res, memory)?;
    let mut w = Vec::new();
    if let Some(m) = set(res.memory_limit) {
        w.push(Write::new("memory", "memory.max", max_or(m), "--memory"));
    }
    if let Some(s) = set(res.memory_swap) {
        // v2 limits swap alone: memory.swap.max = (memory+swap) - memory.
        let value = match (s, memory) {
            (-1, _) => "max".to_string(),
            (s, Some(m)) => (s - m).to_string(),
            // validate() has rejected a swap limit without a memory limit.
            (_, None) => "max".to_string(),
        };
        w.push(Write::new(
            "memory",
            "memory.swap.max",
            value,
            "--memory-swap",
        ));
    }
    if let Some(r) = set(res.memory_reservation) {
        w.push(Write::new(
            "memory",
            "memory.low",
            max_or(r),
            "--memory-reservation",
        ));
    }
    if let Some(s) = set_u(res.cpu_shares) {
        w.push(Write::new(
            "cpu",
            "cpu.weight",
            shares_to_weight(s).to_string(),
            "--cpu-shares",
        ));
    }
    let quota = set(res.cpu_quota);
    let period = set_u(res.cpu_period);
    if quota.is_some() || period.is_some() {
        // cpu.max is "QUOTA PERIOD" in one file; a period-only update keeps the quota.
        let quota = match quota {
            Some(q) if q > 0 => q.to_string(),
            Some(_) => "max".to_string(),
            None => current("cpu.max")
                .and_then(|s| s.split_whitespace().next().map(str::to_string))
                .unwrap_or_else(|| "max".to_string()),
        };
        let value = match period {
            Some(p) => format!("{quota} {p}"),
            None => quota,
        };
        let flag = if set(res.cpu_quota).is_some() {
            "--cpus/--cpu-quota"
        } else {
            "--cpu-period"
        };
        w.push(Write::new("cpu", "cpu.max", value, flag));
    }
    if let Some(c) = res.cpuset_cpus.as_deref().filter(|c| !c.is_empty()) {
        w.push(Write::new(
            "cpuset",
            "cpuset.cpus",
            c.to_string(),
            "--cpuset-cpus",
        ));
    }
    if let Some(p) = res.pids_limit {
        w.push(Write::new(
            "pids",
            "pids.max",
            pids_value(p),
            "--pids-limit",
        ));
    }
    Ok(w)
}

/// runc's and crun's mapping of v1 cpu.shares [2, 262144] onto v2 cpu.weight
/// [1, 10000]; 1024 shares (docker's default) become weight 39, and the
/// relative order of containers is kept.
pub fn shares_to_weight(shares: u64) -> u64 {
    let shares = shares.clamp(2, 262_144);
    1 + ((shares - 2) * 9999) / 262_142
}

fn pids_value(p: i64) -> String {
    if p > 0 {
        p.to_string()
    } else {
        "max".to_string()
    }
}

fn max_or(v: i64) -> String {
    if v < 0 {
        "max".to_string()
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: i64 = 1024 * 1024;

    fn none(_: &'static str) -> Option<String> {
        None
    }

    fn files(w: &[Write]) -> Vec<(&str, &str)> {
        w.iter().map(|w| (w.file, w.value.as_str())).collect()
    }

    fn docker_run() -> Resources {
        Resources {
            memory_limit: Some(32 * MIB),
            memory_swap: Some(64 * MIB),
            memory_reservation: Some(16 * MIB),
            cpu_shares: Some(512),
            cpu_quota: Some(150_000),
            cpu_period: Some(100_000),
            cpuset_cpus: Some("0-1".into()),
            pids_limit: Some(20),
        }
    }

    #[test]
    fn v1_writes_legacy_files_with_memsw_as_total() {
        let w = plan_v1(&docker_run(), &none).unwrap();
        assert_eq!(
            files(&w),
            [
                ("memory.limit_in_bytes", "33554432"),
                ("memory.memsw.limit_in_bytes", "67108864"),
                ("memory.soft_limit_in_bytes", "16777216"),
                ("cpu.shares", "512"),
                ("cpu.cfs_period_us", "100000"),
                ("cpu.cfs_quota_us", "150000"),
                ("cpuset.cpus", "0-1"),
                ("pids.max", "20"),
            ]
        );
        assert!(
            w[0].swap_with_next_on_einval,
            "memory/memsw must be reorderable"
        );
        assert!(
            w[4].swap_with_next_on_einval,
            "period/quota must be reorderable"
        );
    }

    #[test]
    fn v2_writes_unified_files_with_swap_alone() {
        let w = plan_v2(&docker_run(), &none).unwrap();
        assert_eq!(
            files(&w),
            [
                ("memory.max", "33554432"),
                ("memory.swap.max", "33554432"),
                ("memory.low", "16777216"),
                ("cpu.weight", "20"),
                ("cpu.max", "150000 100000"),
                ("cpuset.cpus", "0-1"),
                ("pids.max", "20"),
            ]
        );
    }

    #[test]
    fn unlimited_values() {
        let res = Resources {
            memory_limit: Some(-1),
            memory_swap: Some(-1),
            cpu_quota: Some(-1),
            pids_limit: Some(-1),
            ..Resources::default()
        };
        let v1 = plan_v1(&res, &none).unwrap();
        assert_eq!(
            files(&v1),
            [
                ("memory.limit_in_bytes", "-1"),
                ("memory.memsw.limit_in_bytes", "-1"),
                ("cpu.cfs_quota_us", "-1"),
                ("pids.max", "max"),
            ]
        );
        let v2 = plan_v2(&res, &none).unwrap();
        assert_eq!(
            files(&v2),
            [
                ("memory.max", "max"),
                ("memory.swap.max", "max"),
                ("cpu.max", "max"),
                ("pids.max", "max")
            ]
        );
        let zero_pids = Resources {
            pids_limit: Some(0),
            ..Resources::default()
        };
        assert_eq!(
            files(&plan_v2(&zero_pids, &none).unwrap()),
            [("pids.max", "max")]
        );
    }

    #[test]
    fn shares_to_weight_uses_the_runc_formula() {
        assert_eq!(shares_to_weight(2), 1);
        assert_eq!(shares_to_weight(1024), 39);
        assert_eq!(shares_to_weight(262_144), 10_000);
        assert_eq!(shares_to_weight(1), 1, "below the v1 minimum clamps");
        assert_eq!(shares_to_weight(1_000_000), 10_000);
    }

    #[test]
    fn zero_means_unchanged_and_an_empty_plan() {
        let res = Resources {
            memory_limit: Some(0),
            cpu_shares: Some(0),
            cpuset_cpus: Some(String::new()),
            ..Resources::default()
        };
        assert!(res.is_empty());
        assert!(plan_v1(&res, &none).unwrap().is_empty());
        assert!(plan_v2(&res, &none).unwrap().is_empty());
    }

    #[test]
    fn docker_rejections() {
        let err = |r: Resources| plan_v2(&r, &none).unwrap_err().to_string();
        let swap_only = Resources {
            memory_swap: Some(64 * MIB),
            ..Resources::default()
        };
        assert!(err(swap_only).contains("--memory-swap"));
        let swap_small = Resources {
            memory_limit: Some(64 * MIB),
            memory_swap: Some(32 * MIB),
            ..Resources::default()
        };
        assert!(err(swap_small).contains("at least the memory limit"));
        assert!(err(Resources {
            memory_limit: Some(MIB),
            ..Resources::default()
        })
        .contains("6MB"));
        assert!(err(Resources {
            cpu_quota: Some(10),
            ..Resources::default()
        })
        .contains("1ms"));
        assert!(err(Resources {
            cpu_period: Some(5_000_000),
            ..Resources::default()
        })
        .contains("--cpu-period"));
        let reservation = Resources {
            memory_limit: Some(32 * MIB),
            memory_reservation: Some(64 * MIB),
            ..Resources::default()
        };
        assert!(err(reservation).contains("--memory-reservation"));
    }

    #[test]
    fn update_uses_the_current_memory_and_quota() {
        let current = |file: &'static str| match file {
            "memory.max" => Some("33554432".to_string()),
            "cpu.max" => Some("50000 100000".to_string()),
            _ => None,
        };
        let res = Resources {
            memory_swap: Some(48 * MIB),
            cpu_period: Some(200_000),
            ..Resources::default()
        };
        let w = plan_v2(&res, &current).unwrap();
        assert_eq!(
            files(&w),
            [("memory.swap.max", "16777216"), ("cpu.max", "50000 200000")]
        );
        // v1: "unlimited" reads back as a huge number and does not count as a limit.
        let v1_current = |_: &'static str| Some("9223372036854771712".to_string());
        let swap_only = Resources {
            memory_swap: Some(48 * MIB),
            ..Resources::default()
        };
        assert!(plan_v1(&swap_only, &v1_current).is_err());
    }

    #[test]
    fn from_oci_reads_memory_cpu_and_pids() {
        use oci_spec::runtime::{
            LinuxCpuBuilder, LinuxMemoryBuilder, LinuxPidsBuilder, LinuxResourcesBuilder,
        };
        let r = LinuxResourcesBuilder::default()
            .memory(
                LinuxMemoryBuilder::default()
                    .limit(32 * MIB)
                    .swap(64 * MIB)
                    .build()
                    .unwrap(),
            )
            .cpu(
                LinuxCpuBuilder::default()
                    .shares(512u64)
                    .quota(50_000i64)
                    .period(100_000u64)
                    .cpus("1")
                    .build()
                    .unwrap(),
            )
            .pids(LinuxPidsBuilder::default().limit(20i64).build().unwrap())
            .build()
            .unwrap();
        let res = Resources::from_oci(&r);
        assert_eq!(res.memory_limit, Some(32 * MIB));
        assert_eq!(res.memory_swap, Some(64 * MIB));
        assert_eq!(res.memory_reservation, None);
        assert_eq!(res.cpu_shares, Some(512));
        assert_eq!(
            (res.cpu_quota, res.cpu_period),
            (Some(50_000), Some(100_000))
        );
        assert_eq!(res.cpuset_cpus.as_deref(), Some("1"));
        assert_eq!(res.pids_limit, Some(20));
    }
}

//! The few facts about the host that docker's spec depends on, gathered in
//! one place so the planner itself stays a pure function of its inputs
//! (tests build a [`HostFacts`] by hand).

use std::path::{Path, PathBuf};

use nix::sys::resource::{getrlimit, Resource, RLIM_INFINITY};
use oci_spec::runtime::LinuxDevice;

/// What [`super::build_spec`] needs to know about the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFacts {
    /// /proc/sys/kernel/cap_last_cap: the highest capability number the kernel knows.
    pub cap_last_cap: u32,
    /// The caller's own bounding set: `--privileged` and `ALL` cannot grant more.
    pub held_caps: u64,
    /// /sys/fs/cgroup is cgroup2 (then the container gets a private cgroup namespace).
    pub cgroup_v2: bool,
    /// CPUs available, for docker's `--cpus`/`--cpuset-cpus` range checks.
    pub cpus: usize,
    /// The host's hostname (what `--network host` containers get).
    pub hostname: String,
    /// `net.ipv4.ping_group_range` exists (docker sets it in private netns).
    pub has_ping_group_range: bool,
    /// `net.ipv4.ip_unprivileged_port_start` exists (docker sets it to 0).
    pub has_unprivileged_port_start: bool,
    /// Per-CPU thermal_throttle dirs docker masks (GHSA-6fw5-f8r9-fgfm).
    pub thermal_throttle_paths: Vec<String>,
    /// A static init for `--init` (docker-init/tini-static/catatonit).
    pub init_binary: Option<PathBuf>,
    /// The caller's environment, for `-e K`, `--env-file` lone keys and `--env-host`.
    pub env: Vec<(String, String)>,
    /// The host's /dev nodes; only gathered for `--privileged`.
    pub devices: Vec<LinuxDevice>,
}

const INIT_CANDIDATES: &[&str] = &[
    "/usr/libexec/docker/docker-init",
    "/usr/bin/docker-init",
    "/usr/local/bin/docker-init",
    "/usr/bin/tini-static",
    "/usr/libexec/podman/catatonit",
    "/usr/bin/catatonit",
];

impl HostFacts {
    /// Reads the facts from this machine; /dev is walked only when `privileged`.
    pub fn detect(privileged: bool) -> HostFacts {
        let read = |p: &str| std::fs::read_to_string(p).ok();
        let cap_last_cap = read("/proc/sys/kernel/cap_last_cap")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(40);
        let held_caps = super::caps::caller_bounding_set();
        let cgroup_v2 = nix::sys::statfs::statfs("/sys/fs/cgroup")
            .is_ok_and(|s| s.filesystem_type() == nix::sys::statfs::CGROUP2_SUPER_MAGIC);
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let hostname = nix::unistd::gethostname()
            .ok()
            .and_then(|h| h.into_string().ok())
            .unwrap_or_default();
        let exists = |p: &str| Path::new(p).exists();
        let thermal_throttle_paths = read("/sys/devices/system/cpu/possible")
            .map(|s| cpu_list(s.trim()))
            .unwrap_or_default()
            .into_iter()
            .map(|n| format!("/sys/devices/system/cpu/cpu{n}/thermal_throttle"))
            .filter(|p| exists(p))
            .collect();
        HostFacts {
            cap_last_cap,
            held_caps,
            cgroup_v2,
            cpus,
            hostname,
            has_ping_group_range: exists("/proc/sys/net/ipv4/ping_group_range"),
            has_unprivileged_port_start: exists("/proc/sys/net/ipv4/ip_unprivileged_port_start"),
            thermal_throttle_paths,
            init_binary: INIT_CANDIDATES
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_file()),
            env: std::env::vars().collect(),
            devices: if privileged {
                super::devices::host_devices()
            } else {
                Vec::new()
            },
        }
    }

    pub(crate) fn lookup_env(&self, key: &str) -> Option<String> {
        self.env
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
}

/// "0-3,6" → [0, 1, 2, 3, 6]; malformed parts are skipped.
fn cpu_list(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                if let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) {
                    out.extend(a..=b.min(a.saturating_add(4096)));
                }
            }
            None => out.extend(part.parse::<u32>().ok()),
        }
    }
    out
}

/// The calling process's hard limit for `resource` (`None` = unlimited);
/// pass `&host_hard_limit` as [`super::SpecContext::caller_hard_limits`].
pub fn host_hard_limit(resource: Resource) -> Option<u64> {
    match getrlimit(resource) {
        Ok((_, hard)) if hard != RLIM_INFINITY => Some(hard),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists() {
        assert_eq!(cpu_list("0-3,6"), vec![0, 1, 2, 3, 6]);
        assert_eq!(cpu_list("0"), vec![0]);
        assert!(cpu_list("").is_empty());
    }

    #[test]
    fn detect_reads_this_machine() {
        let h = HostFacts::detect(false);
        assert!(h.cap_last_cap >= 36);
        assert!(h.cpus >= 1);
        assert!(h.devices.is_empty());
        // The nofile hard limit is finite on every machine we run on.
        assert!(host_hard_limit(Resource::RLIMIT_NOFILE).is_some());
    }
}

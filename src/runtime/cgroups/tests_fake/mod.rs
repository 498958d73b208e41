//! Unit tests against a fake cgroup root: a temp dir laid out like a v1
//! hybrid host or a v2 host, with the control files the kernel would create
//! already present, checking exactly what is written where.

use std::fs;
use std::path::Path;

use tempfile::TempDir;

use super::*;

mod v1;
mod v2;

pub(super) const MIB: i64 = 1024 * 1024;

const HYBRID_MOUNTINFO: &str = "\
32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
";
const HYBRID_CGROUP: &str = "9:name=systemd:/\n8:pids:/\n4:memory:/sess\n0::/\n";

const V1_FILES: &[(&str, &[&str])] = &[
    (
        "cpu",
        &["cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us"],
    ),
    ("cpuacct", &["cpuacct.usage"]),
    ("cpuset", &["cpuset.cpus", "cpuset.mems"]),
    (
        "memory",
        &[
            "memory.limit_in_bytes",
            "memory.memsw.limit_in_bytes",
            "memory.soft_limit_in_bytes",
            "memory.usage_in_bytes",
            "memory.stat",
            "memory.oom_control",
            "memory.failcnt",
        ],
    ),
    ("devices", &[]),
    ("freezer", &["freezer.state"]),
    ("blkio", &["blkio.throttle.io_service_bytes"]),
    ("pids", &["pids.max", "pids.current"]),
    ("systemd", &[]),
    (
        "unified",
        &[
            "cgroup.controllers",
            "cgroup.subtree_control",
            "cgroup.freeze",
        ],
    ),
];

const V2_LEAF_FILES: &[&str] = &[
    "cgroup.procs",
    "cgroup.controllers",
    "cgroup.subtree_control",
    "cgroup.freeze",
    "cgroup.events",
    "cgroup.kill",
    "memory.max",
    "memory.swap.max",
    "memory.low",
    "memory.current",
    "memory.stat",
    "memory.events",
    "cpu.weight",
    "cpu.max",
    "cpu.stat",
    "cpuset.cpus",
    "pids.max",
    "pids.current",
    "io.stat",
];

pub(super) fn touch(dir: &Path, files: &[&str]) {
    fs::create_dir_all(dir).unwrap();
    for f in files {
        fs::write(dir.join(f), "").unwrap();
    }
}

pub(super) fn read(p: impl AsRef<Path>) -> String {
    fs::read_to_string(p).unwrap()
}

/// A hybrid v1 root where the hierarchies, `berth`, `berth/<id>`, and for
/// `CgroupParent::Current` `<id>` and `sess/<id>` (the caller's memory cgroup) exist.
pub(super) fn fake_hybrid(id: &str, omit: &[&str]) -> (TempDir, CgroupLayout) {
    let tmp = TempDir::new().unwrap();
    for (hier, files) in V1_FILES {
        let mut files: Vec<&str> = files
            .iter()
            .copied()
            .filter(|f| !omit.contains(f))
            .collect();
        files.push("cgroup.procs");
        for sub in [
            "",
            id,
            "berth",
            &format!("berth/{id}"),
            "sess",
            &format!("sess/{id}"),
        ] {
            touch(&tmp.path().join(hier).join(sub), &files);
        }
    }
    fs::write(tmp.path().join("cpuset/cpuset.cpus"), "0-3").unwrap();
    fs::write(tmp.path().join("cpuset/cpuset.mems"), "0").unwrap();
    fs::write(tmp.path().join("cpuset/berth/cpuset.cpus"), "0-3").unwrap();
    fs::write(tmp.path().join("cpuset/berth/cpuset.mems"), "0").unwrap();
    let layout = CgroupLayout::parse(HYBRID_MOUNTINFO, HYBRID_CGROUP)
        .unwrap()
        .with_root(tmp.path());
    (tmp, layout)
}

/// A v2 root offering `controllers`, the caller in system.slice/ci.service.
pub(super) fn fake_v2(id: &str, controllers: &str) -> (TempDir, CgroupLayout) {
    let tmp = TempDir::new().unwrap();
    let unit = "system.slice/ci.service";
    for dir in ["", "berth", "system.slice", unit] {
        let d = tmp.path().join(dir);
        touch(&d, &["cgroup.procs", "cgroup.subtree_control"]);
        fs::write(d.join("cgroup.controllers"), controllers).unwrap();
    }
    for leaf in [format!("berth/{id}"), format!("{unit}/{id}")] {
        touch(&tmp.path().join(leaf), V2_LEAF_FILES);
    }
    touch(
        &tmp.path().join(unit).join(SUPERVISOR_LEAF),
        &["cgroup.procs"],
    );
    let mountinfo = "25 20 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n";
    let layout = CgroupLayout::parse(mountinfo, &format!("0::/{unit}\n"))
        .unwrap()
        .with_root(tmp.path());
    (tmp, layout)
}

pub(super) fn all_limits() -> Resources {
    Resources {
        memory_limit: Some(32 * MIB),
        memory_swap: Some(64 * MIB),
        memory_reservation: Some(16 * MIB),
        cpu_shares: Some(512),
        cpu_quota: Some(50_000),
        cpu_period: Some(100_000),
        cpuset_cpus: Some("1".into()),
        pids_limit: Some(20),
    }
}

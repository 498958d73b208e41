//! Unit tests against a fake cgroup root: a temp dir laid out like a v1
//! hybrid host or a v2 host, with the control files the kernel would create
//! already present, checking exactly what is written where.

use std::fs;
use std::path::Path;

use nix::sys::signal::Signal;
use tempfile::TempDir;

use super::*;

const MIB: i64 = 1024 * 1024;

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

fn touch(dir: &Path, files: &[&str]) {
    fs::create_dir_all(dir).unwrap();
    for f in files {
        fs::write(dir.join(f), "").unwrap();
    }
}

fn read(p: impl AsRef<Path>) -> String {
    fs::read_to_string(p).unwrap()
}

/// A hybrid v1 root where the hierarchies, `berth`, `berth/<id>`, and for
/// `CgroupParent::Current` `<id>` and `sess/<id>` (the caller's memory cgroup) exist.
fn fake_hybrid(id: &str, omit: &[&str]) -> (TempDir, CgroupLayout) {
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
fn fake_v2(id: &str, controllers: &str) -> (TempDir, CgroupLayout) {
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

fn all_limits() -> Resources {
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

#[test]
fn v1_create_writes_legacy_files_in_each_hierarchy() {
    let (tmp, layout) = fake_hybrid("c1", &[]);
    let cg = Cgroup::create(&layout, &CgroupParent::default(), "c1", &all_limits()).unwrap();
    let r = tmp.path();
    assert_eq!(
        read(r.join("memory/berth/c1/memory.limit_in_bytes")),
        "33554432"
    );
    assert_eq!(
        read(r.join("memory/berth/c1/memory.memsw.limit_in_bytes")),
        "67108864"
    );
    assert_eq!(
        read(r.join("memory/berth/c1/memory.soft_limit_in_bytes")),
        "16777216"
    );
    assert_eq!(read(r.join("cpu/berth/c1/cpu.shares")), "512");
    assert_eq!(read(r.join("cpu/berth/c1/cpu.cfs_quota_us")), "50000");
    assert_eq!(read(r.join("cpu/berth/c1/cpu.cfs_period_us")), "100000");
    assert_eq!(read(r.join("pids/berth/c1/pids.max")), "20");
    // cpuset: mems copied from the parent before the requested cpus are set.
    assert_eq!(read(r.join("cpuset/berth/c1/cpuset.mems")), "0");
    assert_eq!(read(r.join("cpuset/berth/c1/cpuset.cpus")), "1");
    // Nothing written where a v2 host would look.
    assert_eq!(read(r.join("unified/berth/c1/cgroup.subtree_control")), "");
    let procs = cg.procs_files();
    assert_eq!(
        procs.len(),
        10,
        "9 v1 hierarchies and the hybrid cgroup2 mount: {procs:?}"
    );
    assert!(procs.contains(&r.join("systemd/berth/c1/cgroup.procs")));
    assert!(procs.contains(&r.join("unified/berth/c1/cgroup.procs")));
}

#[test]
fn v1_new_cpuset_gets_the_parents_cpus_and_mems() {
    let (tmp, layout) = fake_hybrid("c2", &[]);
    Cgroup::create(
        &layout,
        &CgroupParent::default(),
        "c2",
        &Resources::default(),
    )
    .unwrap();
    assert_eq!(read(tmp.path().join("cpuset/berth/c2/cpuset.cpus")), "0-3");
    assert_eq!(read(tmp.path().join("cpuset/berth/c2/cpuset.mems")), "0");
    assert_eq!(
        read(tmp.path().join("memory/berth/c2/memory.limit_in_bytes")),
        ""
    );
}

#[test]
fn v1_current_parent_nests_below_the_callers_cgroup_per_hierarchy() {
    let (tmp, layout) = fake_hybrid("c3", &[]);
    let res = Resources {
        memory_limit: Some(32 * MIB),
        ..Resources::default()
    };
    let cg = Cgroup::create(&layout, &CgroupParent::Current, "c3", &res).unwrap();
    assert_eq!(
        read(tmp.path().join("memory/sess/c3/memory.limit_in_bytes")),
        "33554432"
    );
    assert!(cg.dirs().contains(&tmp.path().join("pids/c3")));
}

#[test]
fn v1_missing_hierarchy_names_the_flag_and_creates_nothing() {
    let tmp = TempDir::new().unwrap();
    let mountinfo: String = HYBRID_MOUNTINFO
        .lines()
        .filter(|l| !l.contains("pids"))
        .map(|l| format!("{l}\n"))
        .collect();
    let layout = CgroupLayout::parse(&mountinfo, HYBRID_CGROUP)
        .unwrap()
        .with_root(tmp.path());
    let res = Resources {
        pids_limit: Some(20),
        ..Resources::default()
    };
    let err = Cgroup::create(&layout, &CgroupParent::default(), "c4", &res).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--pids-limit needs the pids cgroup controller, which is not available"
    );
    assert!(!tmp.path().join("memory").exists());
}

#[test]
fn v1_without_swap_accounting_fails_and_cleans_up() {
    let (tmp, layout) = fake_hybrid("c5", &["memory.memsw.limit_in_bytes"]);
    let res = Resources {
        memory_limit: Some(32 * MIB),
        memory_swap: Some(64 * MIB),
        ..Resources::default()
    };
    let err = Cgroup::create(&layout, &CgroupParent::default(), "c5", &res).unwrap_err();
    assert!(
        matches!(
            err,
            CgroupError::SwapAccountingMissing {
                flag: "--memory-swap"
            }
        ),
        "{err}"
    );
    assert!(!layout.swap_limit_supported());
    assert!(
        !tmp.path().join("memory/berth/c5").exists(),
        "a failed create removes its cgroup"
    );
    assert!(
        tmp.path().join("memory/berth").exists(),
        "the shared parent stays"
    );
}

#[test]
fn v1_stats_freeze_oom_and_join() {
    let (tmp, layout) = fake_hybrid("c6", &[]);
    let cg = Cgroup::create(
        &layout,
        &CgroupParent::default(),
        "c6",
        &Resources::default(),
    )
    .unwrap();
    let r = tmp.path();
    fs::write(r.join("cpuacct/berth/c6/cpuacct.usage"), "123456789\n").unwrap();
    fs::write(r.join("memory/berth/c6/memory.usage_in_bytes"), "10000\n").unwrap();
    fs::write(
        r.join("memory/berth/c6/memory.stat"),
        "cache 9\ninactive_file 1\ntotal_inactive_file 4000\n",
    )
    .unwrap();
    fs::write(
        r.join("memory/berth/c6/memory.limit_in_bytes"),
        "9223372036854771712\n",
    )
    .unwrap();
    fs::write(r.join("pids/berth/c6/pids.current"), "3\n").unwrap();
    fs::write(r.join("pids/berth/c6/pids.max"), "max\n").unwrap();
    fs::write(
        r.join("blkio/berth/c6/blkio.throttle.io_service_bytes"),
        "8:0 Read 10\n8:0 Write 20\nTotal 30\n",
    )
    .unwrap();
    let s = cg.stats().unwrap();
    assert_eq!(
        s,
        Stats {
            cpu_usage_ns: 123_456_789,
            memory_usage: 6000,
            memory_limit: None,
            pids_current: 3,
            pids_limit: None,
            blkio_read_bytes: 10,
            blkio_write_bytes: 20,
        }
    );

    cg.freeze().unwrap();
    assert_eq!(read(r.join("freezer/berth/c6/freezer.state")), "FROZEN");
    assert!(cg.is_frozen());
    cg.thaw().unwrap();
    assert_eq!(read(r.join("freezer/berth/c6/freezer.state")), "THAWED");
    assert!(!cg.is_frozen());

    fs::write(
        r.join("memory/berth/c6/memory.oom_control"),
        "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
    )
    .unwrap();
    fs::write(r.join("memory/berth/c6/memory.failcnt"), "5\n").unwrap();
    assert!(!cg.oom_killed(), "the oom_kill counter wins over failcnt");
    fs::write(
        r.join("memory/berth/c6/memory.oom_control"),
        "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n",
    )
    .unwrap();
    assert!(cg.oom_killed());
    fs::write(
        r.join("memory/berth/c6/memory.oom_control"),
        "oom_kill_disable 0\nunder_oom 0\n",
    )
    .unwrap();
    assert!(cg.oom_killed(), "old kernels: failcnt > 0");

    let fds = cg.open_procs_fds().unwrap();
    join_self(&fds).unwrap();
    for p in cg.procs_files() {
        assert_eq!(read(&p), "0", "{}", p.display());
    }
    cg.add_pid(4242).unwrap();
    assert_eq!(read(r.join("freezer/berth/c6/cgroup.procs")), "4242");
}

#[test]
fn v1_update_changes_only_what_is_given() {
    let (tmp, layout) = fake_hybrid("c7", &[]);
    let cg = Cgroup::create(&layout, &CgroupParent::default(), "c7", &all_limits()).unwrap();
    cg.update(&Resources {
        pids_limit: Some(-1),
        cpu_quota: Some(-1),
        ..Resources::default()
    })
    .unwrap();
    let r = tmp.path();
    assert_eq!(read(r.join("pids/berth/c7/pids.max")), "max");
    assert_eq!(read(r.join("cpu/berth/c7/cpu.cfs_quota_us")), "-1");
    assert_eq!(read(r.join("cpu/berth/c7/cpu.cfs_period_us")), "100000");
    assert_eq!(
        read(r.join("memory/berth/c7/memory.limit_in_bytes")),
        "33554432"
    );
    // Raising swap alone is checked against the memory limit already set.
    cg.update(&Resources {
        memory_swap: Some(128 * MIB),
        ..Resources::default()
    })
    .unwrap();
    assert_eq!(
        read(r.join("memory/berth/c7/memory.memsw.limit_in_bytes")),
        "134217728"
    );
    let err = cg.update(&Resources {
        memory_swap: Some(16 * MIB),
        ..Resources::default()
    });
    assert!(err.is_err(), "swap below the current memory limit");
}

#[test]
fn open_finds_existing_cgroups_and_destroy_is_idempotent() {
    let (tmp, layout) = fake_hybrid("c8", &[]);
    assert_eq!(
        Cgroup::open(&layout, &CgroupParent::default(), "nope").unwrap(),
        None
    );
    let cg = Cgroup::create(
        &layout,
        &CgroupParent::default(),
        "c8",
        &Resources::default(),
    )
    .unwrap();
    let opened = Cgroup::open(&layout, &CgroupParent::default(), "c8")
        .unwrap()
        .unwrap();
    assert_eq!(opened, cg);
    cg.destroy().unwrap();
    cg.destroy().unwrap();
    for d in cg.dirs() {
        assert!(!d.exists(), "{} left behind", d.display());
    }
    assert!(tmp.path().join("cpu/berth").exists());
    assert_eq!(
        Cgroup::open(&layout, &CgroupParent::default(), "c8").unwrap(),
        None
    );
}

#[test]
fn names_that_are_not_one_path_component_are_rejected() {
    let (_tmp, layout) = fake_hybrid("x", &[]);
    for id in ["", ".", "..", "a/b", "../../etc"] {
        let err = Cgroup::create(&layout, &CgroupParent::default(), id, &Resources::default());
        assert!(matches!(err, Err(CgroupError::InvalidName(_))), "{id:?}");
    }
    let bad_parent = CgroupParent::Root("../escape".into());
    assert!(matches!(
        Cgroup::create(&layout, &bad_parent, "x", &Resources::default()),
        Err(CgroupError::InvalidName(_))
    ));
}

#[test]
fn v2_create_enables_controllers_down_the_tree_and_writes_unified_files() {
    let (tmp, layout) = fake_v2("d1", "cpuset cpu io memory pids hugetlb");
    let cg = Cgroup::create(&layout, &CgroupParent::default(), "d1", &all_limits()).unwrap();
    let r = tmp.path();
    assert_eq!(
        read(r.join("cgroup.subtree_control")),
        "+cpuset +cpu +io +memory +pids"
    );
    assert_eq!(
        read(r.join("berth/cgroup.subtree_control")),
        "+cpuset +cpu +io +memory +pids"
    );
    let leaf = r.join("berth/d1");
    assert_eq!(read(leaf.join("memory.max")), "33554432");
    assert_eq!(
        read(leaf.join("memory.swap.max")),
        "33554432",
        "swap alone: 64m total - 32m"
    );
    assert_eq!(read(leaf.join("memory.low")), "16777216");
    assert_eq!(read(leaf.join("cpu.weight")), "20");
    assert_eq!(read(leaf.join("cpu.max")), "50000 100000");
    assert_eq!(read(leaf.join("cpuset.cpus")), "1");
    assert_eq!(read(leaf.join("pids.max")), "20");
    assert_eq!(cg.procs_files(), vec![leaf.join("cgroup.procs")]);
    assert_eq!(
        read(r.join("system.slice/cgroup.subtree_control")),
        "",
        "other subtrees untouched"
    );
}

#[test]
fn v2_missing_controller_names_the_flag_and_removes_the_cgroup() {
    let (tmp, layout) = fake_v2("d2", "cpu memory");
    let res = Resources {
        pids_limit: Some(20),
        ..Resources::default()
    };
    let err = Cgroup::create(&layout, &CgroupParent::default(), "d2", &res).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--pids-limit needs the pids cgroup controller, which is not available"
    );
    assert!(!tmp.path().join("berth/d2").exists());
    // Without that limit the same host is fine.
    Cgroup::create(
        &layout,
        &CgroupParent::default(),
        "d2b",
        &Resources::default(),
    )
    .unwrap();
    assert!(tmp.path().join("berth/d2b").is_dir());
}

#[test]
fn v2_current_moves_the_callers_processes_into_a_leaf_first() {
    let (tmp, layout) = fake_v2("d3", "cpu memory pids");
    let unit = tmp.path().join("system.slice/ci.service");
    fs::write(unit.join("cgroup.procs"), "123\n456\n").unwrap();
    let res = Resources {
        memory_limit: Some(32 * MIB),
        ..Resources::default()
    };
    let cg = Cgroup::create(&layout, &CgroupParent::Current, "d3", &res).unwrap();
    // The fake keeps only the last write; the kernel would list both.
    assert_eq!(read(unit.join(SUPERVISOR_LEAF).join("cgroup.procs")), "456");
    assert_eq!(
        read(unit.join("cgroup.subtree_control")),
        "+cpu +memory +pids"
    );
    assert_eq!(read(unit.join("d3/memory.max")), "33554432");
    assert_eq!(
        read(tmp.path().join("cgroup.subtree_control")),
        "",
        "ancestors untouched"
    );
    assert_eq!(
        read(tmp.path().join("system.slice/cgroup.subtree_control")),
        ""
    );
    assert_eq!(cg.dirs(), vec![unit.join("d3")]);
}

#[test]
fn v2_stats_freeze_oom_kill_and_update() {
    let (tmp, layout) = fake_v2("d4", "cpuset cpu memory pids io");
    let cg = Cgroup::create(&layout, &CgroupParent::default(), "d4", &all_limits()).unwrap();
    let leaf = tmp.path().join("berth/d4");
    fs::write(leaf.join("cpu.stat"), "usage_usec 1500\nuser_usec 1000\n").unwrap();
    fs::write(leaf.join("memory.current"), "8192\n").unwrap();
    fs::write(leaf.join("memory.stat"), "anon 4096\ninactive_file 1024\n").unwrap();
    fs::write(leaf.join("memory.max"), "33554432\n").unwrap();
    fs::write(leaf.join("pids.current"), "2\n").unwrap();
    fs::write(
        leaf.join("io.stat"),
        "8:0 rbytes=1 wbytes=2 rios=1 wios=1\n",
    )
    .unwrap();
    let s = cg.stats().unwrap();
    assert_eq!(s.cpu_usage_ns, 1_500_000);
    assert_eq!(s.memory_usage, 7168);
    assert_eq!(s.memory_limit, Some(33_554_432));
    assert_eq!((s.pids_current, s.pids_limit), (2, Some(20)));
    assert_eq!((s.blkio_read_bytes, s.blkio_write_bytes), (1, 2));

    fs::write(leaf.join("cgroup.events"), "populated 1\nfrozen 1\n").unwrap();
    cg.freeze().unwrap();
    assert_eq!(read(leaf.join("cgroup.freeze")), "1");
    assert!(cg.is_frozen());
    cg.thaw().unwrap();
    assert_eq!(read(leaf.join("cgroup.freeze")), "0");

    fs::write(
        leaf.join("memory.events"),
        "low 0\nhigh 0\nmax 9\noom 1\noom_kill 0\n",
    )
    .unwrap();
    assert!(!cg.oom_killed());
    fs::write(
        leaf.join("memory.events"),
        "low 0\nhigh 0\nmax 9\noom 1\noom_kill 2\n",
    )
    .unwrap();
    assert!(cg.oom_killed());

    cg.kill_all(Signal::SIGKILL).unwrap();
    assert_eq!(
        read(leaf.join("cgroup.kill")),
        "1",
        "SIGKILL goes through cgroup.kill"
    );

    cg.update(&Resources {
        cpu_period: Some(200_000),
        ..Resources::default()
    })
    .unwrap();
    assert_eq!(
        read(leaf.join("cpu.max")),
        "50000 200000",
        "the quota is kept"
    );
}

#[test]
fn v2_namespace_root_with_processes_moves_them_before_enabling() {
    // berth in a container with a private cgroup namespace: the mount root
    // is an ordinary cgroup (it has cgroup.events) holding berth itself.
    let (tmp, layout) = fake_v2("d5", "cpu memory pids");
    let r = tmp.path();
    fs::write(r.join("cgroup.events"), "populated 1\nfrozen 0\n").unwrap();
    fs::write(r.join("cgroup.procs"), "1\n").unwrap();
    touch(&r.join(SUPERVISOR_LEAF), &["cgroup.procs"]);
    Cgroup::create(
        &layout,
        &CgroupParent::default(),
        "d5",
        &Resources::default(),
    )
    .unwrap();
    assert_eq!(read(r.join(SUPERVISOR_LEAF).join("cgroup.procs")), "1");
    assert_eq!(read(r.join("cgroup.subtree_control")), "+cpu +memory +pids");
}

#[test]
fn v1_cpuset_fills_an_empty_shared_parent_too() {
    // Another berth made `berth` but has not filled it yet.
    let (tmp, layout) = fake_hybrid("c9", &[]);
    fs::write(tmp.path().join("cpuset/berth/cpuset.cpus"), "").unwrap();
    Cgroup::create(
        &layout,
        &CgroupParent::default(),
        "c9",
        &Resources::default(),
    )
    .unwrap();
    assert_eq!(read(tmp.path().join("cpuset/berth/cpuset.cpus")), "0-3");
    assert_eq!(read(tmp.path().join("cpuset/berth/c9/cpuset.cpus")), "0-3");
}

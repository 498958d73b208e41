//! Fake-root tests of cgroup v1 (hybrid) behaviour.

use std::fs;

use super::*;

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

#[test]
fn stats_of_a_removed_cgroup_is_an_error() {
    let (_tmp, layout) = fake_hybrid("c10", &[]);
    let cg = Cgroup::create(
        &layout,
        &CgroupParent::default(),
        "c10",
        &Resources::default(),
    )
    .unwrap();
    cg.destroy().unwrap();
    assert!(cg.stats().is_err());
}

//! Fake-root tests of cgroup v2 behaviour.

use std::fs;

use nix::sys::signal::Signal;

use super::*;

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

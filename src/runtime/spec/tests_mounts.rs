//! `build_spec` rlimit, mount, namespace, device and rootless rules pinned to docker's.

use std::path::{Path, PathBuf};

use oci_spec::runtime::{Capability, LinuxNamespaceType, PosixRlimitType, Spec};

use super::tests::*;
use super::*;

#[test]
fn user_mounts_sorted_with_etc_files_and_inspect_shape() {
    let dir = tempfile::tempdir().unwrap();
    let host_dir = dir.path().join("made-by-v");
    let o = RunOptions {
        volumes: vec![
            format!("{}:/data/sub:ro", host_dir.display()),
            "named:/data".into(),
            "/anon".into(),
        ],
        tmpfs: vec!["/run:size=1m".into()],
        read_only: true,
        ..opts()
    };
    let img = ImageConfig {
        volumes: vec!["/data".into(), "/img-vol".into()],
        ..image()
    };
    let b = build_in(&o, &img, &host(), Path::new("/vols")).unwrap();
    assert!(host_dir.is_dir(), "-v creates a missing host directory");
    let dests = mount_dests(&b.spec);
    assert_eq!(
        dests[7..],
        [
            "/data",
            "/anon",
            "/img-vol",
            "/run",
            "/data/sub",
            "/etc/resolv.conf",
            "/etc/hostname",
            "/etc/hosts"
        ]
    );
    assert_eq!(opts_of(&b.spec, "/data/sub"), ["rbind", "ro", "rprivate"]);
    assert_eq!(opts_of(&b.spec, "/data"), ["rbind"]);
    assert_eq!(
        mount(&b.spec, "/data").source().as_deref(),
        Some(Path::new("/vols/named/_data"))
    );
    assert_eq!(
        opts_of(&b.spec, "/run"),
        ["noexec", "nosuid", "nodev", "rprivate", "size=1m"]
    );
    assert_eq!(opts_of(&b.spec, "/etc/hosts"), ["rbind", "ro", "rprivate"]);
    assert_eq!(b.spec.root().as_ref().unwrap().readonly(), Some(true));
    assert!(!opts_of(&b.spec, "/dev/shm").contains(&"ro".to_string()));
    assert_eq!(b.named_volumes, ["named"]);
    assert_eq!(b.anonymous_volumes, ["anon1", "anon2"]);
    let anon = b
        .mounts_for_inspect
        .iter()
        .find(|m| m.destination == "/anon")
        .unwrap();
    assert_eq!(
        (
            anon.typ.as_str(),
            anon.name.as_str(),
            anon.driver.as_str(),
            anon.mode.as_str(),
            anon.rw
        ),
        ("volume", "anon1", "local", "z", true)
    );
    let img_vol = b
        .mounts_for_inspect
        .iter()
        .find(|m| m.destination == "/img-vol")
        .unwrap();
    assert_eq!(img_vol.mode, "");
    let bind = b
        .mounts_for_inspect
        .iter()
        .find(|m| m.destination == "/data/sub")
        .unwrap();
    assert_eq!(
        (
            bind.typ.as_str(),
            bind.mode.as_str(),
            bind.rw,
            bind.propagation.as_str()
        ),
        ("bind", "ro", false, "rprivate")
    );
    let json = serde_json::to_value(bind).unwrap();
    assert_eq!(json["RW"], false);
    assert!(json.get("Name").is_none());
    assert_eq!(b.volume_copies.len(), 3);
}

#[test]
fn user_mount_replaces_default_and_etc_files() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = dir.path().join("myhosts");
    std::fs::write(&hosts, "").unwrap();
    let o = RunOptions {
        mounts: vec![
            format!("type=bind,src={},dst=/etc/hosts", hosts.display()),
            "type=tmpfs,dst=/dev/shm".into(),
        ],
        shm_size: Some("1g".into()),
        ..opts()
    };
    let b = build(&o);
    let d = mount_dests(&b.spec);
    assert_eq!(d.iter().filter(|x| *x == "/etc/hosts").count(), 1);
    assert_eq!(
        mount(&b.spec, "/etc/hosts").source().as_deref(),
        Some(hosts.as_path())
    );
    assert_eq!(mount(&b.spec, "/dev/shm").typ().as_deref(), Some("tmpfs"));
    assert!(!opts_of(&b.spec, "/dev/shm").contains(&"mode=1777".to_string()));
    let e = build_err(&RunOptions {
        volumes: vec!["/a:/x".into(), "b1:/x".into()],
        ..opts()
    });
    assert_eq!(e, "Duplicate mount point: /x");
}

#[test]
fn namespaces_follow_the_modes() {
    let b = build(&RunOptions {
        network: NetworkMode::Host,
        pid: Some("host".into()),
        ipc: Some("host".into()),
        uts: Some("host".into()),
        ..opts()
    });
    assert_eq!(ns_types(&b.spec), [LinuxNamespaceType::Mount]);
    assert!(b.spec.hostname().is_none());
    assert_eq!(
        mount(&b.spec, "/dev/shm").source().as_deref(),
        Some(Path::new("/dev/shm"))
    );
    assert!(b
        .spec
        .linux()
        .as_ref()
        .unwrap()
        .sysctl()
        .as_ref()
        .unwrap()
        .is_empty());

    let mut b = build(&RunOptions {
        network: NetworkMode::Container("abc".into()),
        ipc: Some("none".into()),
        ..opts()
    });
    assert_eq!(
        joined_namespaces(&b.spec),
        [(LinuxNamespaceType::Network, "abc".to_string())]
    );
    assert!(!mount_dests(&b.spec).contains(&"/dev/shm".to_string()));
    resolve_joined_namespaces(&mut b.spec, &|id| {
        if id == "abc" {
            Ok(42)
        } else {
            Err(SpecError::invalid("no"))
        }
    })
    .unwrap();
    let nss = b
        .spec
        .linux()
        .as_ref()
        .unwrap()
        .namespaces()
        .clone()
        .unwrap();
    let net = nss
        .iter()
        .find(|n| n.typ() == LinuxNamespaceType::Network)
        .unwrap();
    assert_eq!(net.path().as_deref(), Some(Path::new("/proc/42/ns/net")));

    assert_eq!(
        build_err(&RunOptions {
            network: NetworkMode::Container("abc".into()),
            hostname: Some("x".into()),
            ..opts()
        }),
        "conflicting options: hostname and the network mode"
    );

    let mut h = host();
    h.cgroup_v2 = true;
    let b = build_in(&opts(), &image(), &h, Path::new("/v")).unwrap();
    assert!(ns_types(&b.spec).contains(&LinuxNamespaceType::Cgroup));
    assert_eq!(
        build_err(&RunOptions {
            ipc: Some("weird".into()),
            ..opts()
        }),
        "invalid IPC mode: weird"
    );
    assert_eq!(
        build_err(&RunOptions {
            pid: Some("container:".into()),
            ..opts()
        }),
        "invalid PID mode: container:"
    );
    assert_eq!(
        build_err(&RunOptions {
            network: NetworkMode::Host,
            sysctls: vec!["net.ipv4.ip_forward=1".into()],
            ..opts()
        }),
        "sysctl \"net.ipv4.ip_forward\" not allowed in host network namespace"
    );
}

#[test]
fn devices_and_sysctls() {
    let b = build(&RunOptions {
        devices: vec!["/dev/null:/dev/fake:rw".into()],
        sysctls: vec!["net.core.somaxconn=1024".into()],
        ..opts()
    });
    let linux = b.spec.linux().as_ref().unwrap();
    let devs = linux.devices().clone().unwrap();
    assert_eq!(devs.len(), 1);
    assert_eq!(devs[0].path(), Path::new("/dev/fake"));
    let r = rules(&b.spec);
    let pos = r.iter().position(|x| x == "+c 1:3 rw").unwrap();
    assert!(pos > r.iter().position(|x| x == "-c 10:229 rwm").unwrap());
    assert_eq!(
        linux
            .sysctl()
            .as_ref()
            .unwrap()
            .get("net.core.somaxconn")
            .map(String::as_str),
        Some("1024")
    );
    assert!(build_err(&RunOptions {
        devices: vec!["/nonexistent/dev".into()],
        ..opts()
    })
    .starts_with("error gathering device information"));
}

#[test]
fn cap_flags_reach_the_spec() {
    let b = build(&RunOptions {
        cap_add: vec!["SYS_ADMIN".into()],
        cap_drop: vec!["ALL".into()],
        ..opts()
    });
    assert_eq!(
        caps(&b)
            .bounding()
            .as_ref()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        [&Capability::SysAdmin]
    );
    assert_eq!(
        build_err(&RunOptions {
            cap_add: vec!["NOPE".into()],
            ..opts()
        }),
        "unknown capability: \"CAP_NOPE\""
    );
}

#[test]
fn rootless_shares_berths_user_namespace_and_binds_host_proc() {
    let mut resolve = |_: &str| -> Result<PathBuf, SpecError> { Ok(PathBuf::from("/x")) };
    let mut ctx = SpecContext {
        container_id: "abc",
        rootless: true,
        caller_hard_limits: &|_| None,
        hosts_file: None,
        resolv_conf: None,
        hostname_file: None,
        seccomp: None,
        resolve_volume: &mut resolve,
        cgroups_path: None,
    };
    let b = build_spec_with(
        &RunOptions {
            pid: Some("host".into()),
            ..opts()
        },
        &image(),
        &mut ctx,
        &host(),
    )
    .unwrap();
    assert!(!ns_types(&b.spec).contains(&LinuxNamespaceType::User));
    assert_eq!(mount(&b.spec, "/proc").typ().as_deref(), Some("bind"));
    let linux = b.spec.linux().as_ref().unwrap();
    assert!(linux.uid_mappings().is_none());
    assert!(linux.readonly_paths().as_ref().unwrap().is_empty());
    assert!(!linux
        .sysctl()
        .as_ref()
        .unwrap()
        .contains_key("net.ipv4.ping_group_range"));
}

#[test]
fn spec_round_trips_through_json() {
    let b = build(&RunOptions {
        memory: Some("64m".into()),
        ..opts()
    });
    let text = serde_json::to_string(&b.spec).unwrap();
    let back: Spec = serde_json::from_str(&text).unwrap();
    assert_eq!(back, b.spec);
}

#[test]
fn ulimits_are_clamped_to_the_callers_hard_limit() {
    let b = build(&RunOptions {
        ulimits: vec![
            "nofile=1024:65536".into(),
            "nproc=50".into(),
            "core=-1".into(),
            "nofile=100000".into(),
        ],
        ..opts()
    });
    let rl = b
        .spec
        .process()
        .as_ref()
        .unwrap()
        .rlimits()
        .clone()
        .unwrap();
    let get = |t| {
        rl.iter()
            .find(|r| r.typ() == t)
            .map(|r| (r.soft(), r.hard()))
            .unwrap()
    };
    // The later nofile wins, then both limits are clamped to 20000.
    assert_eq!(get(PosixRlimitType::RlimitNofile), (20000, 20000));
    assert_eq!(get(PosixRlimitType::RlimitNproc), (50, 50));
    assert_eq!(get(PosixRlimitType::RlimitCore), (u64::MAX, u64::MAX));
    assert_eq!(rl.len(), 3);
    let b = build(&RunOptions {
        ulimits: vec!["nofile=1024:4096".into()],
        ..opts()
    });
    let rl = b
        .spec
        .process()
        .as_ref()
        .unwrap()
        .rlimits()
        .clone()
        .unwrap();
    assert_eq!((rl[0].soft(), rl[0].hard()), (1024, 4096));
}

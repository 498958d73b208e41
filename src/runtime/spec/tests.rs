//! `build_spec` pinned to docker's behaviour, with fixed host facts.

use std::path::{Path, PathBuf};

use nix::sys::resource::Resource;
use oci_spec::runtime::{Capability, LinuxNamespaceType, Spec};

use super::*;

pub(super) fn host() -> HostFacts {
    HostFacts {
        cap_last_cap: 40,
        held_caps: u64::MAX,
        cgroup_v2: false,
        cpus: 2,
        hostname: "hosty".into(),
        has_ping_group_range: true,
        has_unprivileged_port_start: true,
        thermal_throttle_paths: Vec::new(),
        init_binary: Some(PathBuf::from("/usr/bin/tini-static")),
        env: vec![
            ("HOSTVAR".into(), "h".into()),
            ("SHARED".into(), "host".into()),
        ],
        devices: Vec::new(),
    }
}

pub(super) fn image() -> ImageConfig {
    ImageConfig {
        env: vec![
            "PATH=/image/bin".into(),
            "IMG=1".into(),
            "SHARED=image".into(),
        ],
        cmd: Some(vec!["sh".into()]),
        entrypoint: None,
        working_dir: "/app".into(),
        ..Default::default()
    }
}

pub(super) fn nofile_hard(r: Resource) -> Option<u64> {
    (r == Resource::RLIMIT_NOFILE).then_some(20000)
}

/// Builds with a volume resolver that maps names under `vols`.
pub(super) fn build_in(
    opts: &RunOptions,
    img: &ImageConfig,
    h: &HostFacts,
    vols: &Path,
) -> Result<BuiltSpec, SpecError> {
    let vols = vols.to_path_buf();
    let mut counter = 0;
    let mut resolve = move |name: &str| -> Result<PathBuf, SpecError> {
        let name = if name.is_empty() {
            counter += 1;
            format!("anon{counter}")
        } else {
            name.to_string()
        };
        Ok(vols.join(name).join("_data"))
    };
    let mut ctx = SpecContext {
        container_id: "0123456789abcdef0123",
        rootless: false,
        caller_hard_limits: &nofile_hard,
        hosts_file: Some("/run/c/hosts".into()),
        resolv_conf: Some("/run/c/resolv.conf".into()),
        hostname_file: Some("/run/c/hostname".into()),
        seccomp: Some(
            oci_spec::runtime::LinuxSeccompBuilder::default()
                .build()
                .unwrap(),
        ),
        resolve_volume: &mut resolve,
        cgroups_path: Some("/berth/0123".into()),
    };
    build_spec_with(opts, img, &mut ctx, h)
}

pub(super) fn build(opts: &RunOptions) -> BuiltSpec {
    build_in(opts, &image(), &host(), Path::new("/vols")).unwrap()
}

pub(super) fn build_err(opts: &RunOptions) -> String {
    build_in(opts, &image(), &host(), Path::new("/vols"))
        .unwrap_err()
        .to_string()
}

pub(super) fn opts() -> RunOptions {
    RunOptions::default()
}

pub(super) fn args(b: &BuiltSpec) -> Vec<String> {
    b.spec.process().as_ref().unwrap().args().clone().unwrap()
}

pub(super) fn env(b: &BuiltSpec) -> Vec<String> {
    b.spec.process().as_ref().unwrap().env().clone().unwrap()
}

pub(super) fn mount_dests(s: &Spec) -> Vec<String> {
    s.mounts()
        .as_ref()
        .unwrap()
        .iter()
        .map(|m| m.destination().display().to_string())
        .collect()
}

pub(super) fn mount<'a>(s: &'a Spec, dest: &str) -> &'a oci_spec::runtime::Mount {
    s.mounts()
        .as_ref()
        .unwrap()
        .iter()
        .find(|m| m.destination() == Path::new(dest))
        .unwrap()
}

pub(super) fn opts_of(s: &Spec, dest: &str) -> Vec<String> {
    mount(s, dest).options().clone().unwrap_or_default()
}

pub(super) fn ns_types(s: &Spec) -> Vec<LinuxNamespaceType> {
    s.linux()
        .as_ref()
        .unwrap()
        .namespaces()
        .as_ref()
        .unwrap()
        .iter()
        .map(|n| n.typ())
        .collect()
}

pub(super) fn rules(s: &Spec) -> Vec<String> {
    let r = s.linux().as_ref().unwrap().resources().as_ref().unwrap();
    r.devices()
        .as_ref()
        .unwrap()
        .iter()
        .map(|d| format!("{}{}", if d.allow() { "+" } else { "-" }, d))
        .collect()
}

pub(super) fn caps(b: &BuiltSpec) -> oci_spec::runtime::LinuxCapabilities {
    b.spec
        .process()
        .as_ref()
        .unwrap()
        .capabilities()
        .clone()
        .unwrap()
}

#[test]
fn default_spec_matches_docker() {
    let b = build(&opts());
    assert_eq!(args(&b), ["sh"]);
    assert_eq!(b.stop_signal, 15);
    let p = b.spec.process().as_ref().unwrap();
    assert_eq!(p.cwd(), Path::new("/app"));
    assert_eq!(p.terminal(), Some(false));
    assert_eq!(p.no_new_privileges(), Some(false));
    assert_eq!((p.user().uid(), p.user().gid()), (0, 0));
    assert_eq!(b.spec.hostname().as_deref(), Some("0123456789ab"));
    let c = caps(&b);
    assert_eq!(c.bounding().as_ref().unwrap().len(), 14);
    assert_eq!(c.bounding(), c.effective());
    assert_eq!(c.bounding(), c.permitted());
    assert!(c.inheritable().as_ref().unwrap().is_empty());
    assert!(c.ambient().as_ref().unwrap().is_empty());
    assert!(c
        .bounding()
        .as_ref()
        .unwrap()
        .contains(&Capability::NetBindService));

    assert_eq!(
        mount_dests(&b.spec),
        [
            "/proc",
            "/dev",
            "/dev/pts",
            "/sys",
            "/sys/fs/cgroup",
            "/dev/mqueue",
            "/dev/shm",
            "/etc/resolv.conf",
            "/etc/hostname",
            "/etc/hosts"
        ]
    );
    assert_eq!(
        opts_of(&b.spec, "/dev/shm"),
        ["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"]
    );
    assert_eq!(
        opts_of(&b.spec, "/dev/pts"),
        [
            "nosuid",
            "noexec",
            "newinstance",
            "ptmxmode=0666",
            "mode=0620",
            "gid=5"
        ]
    );
    assert_eq!(opts_of(&b.spec, "/etc/hosts"), ["rbind", "rprivate"]);
    assert!(opts_of(&b.spec, "/sys").contains(&"ro".to_string()));

    let linux = b.spec.linux().as_ref().unwrap();
    assert_eq!(
        ns_types(&b.spec),
        [
            LinuxNamespaceType::Mount,
            LinuxNamespaceType::Network,
            LinuxNamespaceType::Uts,
            LinuxNamespaceType::Pid,
            LinuxNamespaceType::Ipc
        ]
    );
    let masked = linux.masked_paths().clone().unwrap();
    assert!(
        masked.contains(&"/proc/kcore".to_string())
            && masked.contains(&"/sys/firmware".to_string())
    );
    assert!(masked.contains(&"/proc/interrupts".to_string()));
    assert_eq!(masked.len(), 12);
    assert_eq!(
        linux.readonly_paths().clone().unwrap(),
        [
            "/proc/bus",
            "/proc/fs",
            "/proc/irq",
            "/proc/sys",
            "/proc/sysrq-trigger"
        ]
    );
    assert!(linux.seccomp().is_some());
    assert_eq!(
        linux.cgroups_path().as_deref(),
        Some(Path::new("/berth/0123"))
    );
    let sysctl = linux.sysctl().clone().unwrap();
    assert_eq!(
        sysctl
            .get("net.ipv4.ip_unprivileged_port_start")
            .map(String::as_str),
        Some("0")
    );
    assert_eq!(
        sysctl.get("net.ipv4.ping_group_range").map(String::as_str),
        Some("0 2147483647")
    );
    let r = rules(&b.spec);
    assert_eq!(r[0], "-a *:* rwm");
    assert!(r.contains(&"+c 136:* rwm".to_string()) && r.contains(&"+c *:* m".to_string()));
    assert_eq!(b.spec.root().as_ref().unwrap().readonly(), Some(false));
    assert_eq!(b.user_unresolved, "");
    assert!(b
        .spec
        .process()
        .as_ref()
        .unwrap()
        .rlimits()
        .as_ref()
        .unwrap()
        .is_empty());
}

#[test]
fn entrypoint_and_cmd_override_rules() {
    let mut img = image();
    img.entrypoint = Some(vec!["/entry".into(), "-x".into()]);
    let run = |o: &RunOptions| build_in(o, &img, &host(), Path::new("/v")).map(|b| b.process_args);
    assert_eq!(run(&opts()).unwrap(), ["/entry", "-x", "sh"]);
    assert_eq!(
        run(&RunOptions {
            cmd: vec!["ls".into()],
            ..opts()
        })
        .unwrap(),
        ["/entry", "-x", "ls"]
    );
    // --entrypoint drops the image's Cmd ...
    assert_eq!(
        run(&RunOptions {
            entrypoint: Some("/bin/echo".into()),
            ..opts()
        })
        .unwrap(),
        ["/bin/echo"]
    );
    // ... unless a command is given.
    assert_eq!(
        run(&RunOptions {
            entrypoint: Some("/bin/echo".into()),
            cmd: vec!["hi".into()],
            ..opts()
        })
        .unwrap(),
        ["/bin/echo", "hi"]
    );
    // --entrypoint "" clears both entrypoint and the image's Cmd.
    assert_eq!(
        run(&RunOptions {
            entrypoint: Some(String::new()),
            cmd: vec!["id".into()],
            ..opts()
        })
        .unwrap(),
        ["id"]
    );
    let e = build_in(
        &RunOptions {
            entrypoint: Some(String::new()),
            ..opts()
        },
        &img,
        &host(),
        Path::new("/v"),
    )
    .unwrap_err();
    assert!(matches!(e, SpecError::NoCommand));
    let bare = ImageConfig::default();
    assert!(matches!(
        build_in(&opts(), &bare, &host(), Path::new("/v")),
        Err(SpecError::NoCommand)
    ));
}

#[test]
fn init_wraps_the_command() {
    let b = build(&RunOptions {
        init: true,
        ..opts()
    });
    assert_eq!(args(&b), ["/sbin/docker-init", "--", "sh"]);
    assert_eq!(b.process_args, ["sh"]);
    assert_eq!(
        mount(&b.spec, "/sbin/docker-init").source().as_deref(),
        Some(Path::new("/usr/bin/tini-static"))
    );
    let mut h = host();
    h.init_binary = None;
    let e = build_in(
        &RunOptions {
            init: true,
            ..opts()
        },
        &image(),
        &h,
        Path::new("/v"),
    )
    .unwrap_err();
    assert!(matches!(e, SpecError::NoInitBinary));
}

#[test]
fn env_precedence_as_docker() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("env");
    std::fs::write(&file, "FROMFILE=1\nOVER=file\nHOSTVAR\n").unwrap();
    let o = RunOptions {
        env: vec![
            "OVER=flag".into(),
            "HOSTVAR".into(),
            "IMG".into(),
            "NEW=2".into(),
        ],
        env_files: vec![file],
        tty: true,
        ..opts()
    };
    let e = env(&build(&o));
    // Image PATH replaces the default in place; HOSTNAME and TERM follow.
    assert_eq!(
        e[..3],
        ["PATH=/image/bin", "HOSTNAME=0123456789ab", "TERM=xterm"]
    );
    assert!(e.contains(&"FROMFILE=1".to_string()));
    assert!(e.contains(&"OVER=flag".to_string()) && !e.contains(&"OVER=file".to_string()));
    assert!(e.contains(&"HOSTVAR=h".to_string()));
    assert!(e.contains(&"NEW=2".to_string()) && e.contains(&"SHARED=image".to_string()));
    // `-e IMG` with IMG unset on the host unsets the image's IMG.
    assert!(!e.iter().any(|v| v.starts_with("IMG")));
    let keys: Vec<&str> = e.iter().map(|v| v.split('=').next().unwrap()).collect();
    let mut dedup = keys.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(keys.len(), dedup.len(), "no duplicate keys: {e:?}");

    let e = env(&build(&RunOptions {
        env_host: true,
        ..opts()
    }));
    assert!(e.contains(&"SHARED=host".to_string()));
    let no_path = ImageConfig {
        env: vec![],
        ..image()
    };
    let e = env(&build_in(&opts(), &no_path, &host(), Path::new("/v")).unwrap());
    assert_eq!(
        e[0],
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    );
    assert!(build_err(&RunOptions {
        env: vec!["=x".into()],
        ..opts()
    })
    .contains("invalid environment variable: =x"));
}

#[test]
fn workdir_user_hostname_and_stop_signal() {
    let b = build(&RunOptions {
        workdir: Some("/w".into()),
        user: Some("tester:wheel".into()),
        hostname: Some("box".into()),
        stop_signal: Some("SIGQUIT".into()),
        ..opts()
    });
    assert_eq!(b.spec.process().as_ref().unwrap().cwd(), Path::new("/w"));
    assert_eq!(b.user_unresolved, "tester:wheel");
    assert_eq!(b.spec.hostname().as_deref(), Some("box"));
    assert!(env(&b).contains(&"HOSTNAME=box".to_string()));
    assert_eq!(b.stop_signal, 3);
    assert_eq!(
        b.spec
            .annotations()
            .as_ref()
            .unwrap()
            .get("org.opencontainers.image.stopSignal")
            .map(String::as_str),
        Some("SIGQUIT")
    );
    assert!(build_err(&RunOptions {
        workdir: Some("rel".into()),
        ..opts()
    })
    .contains("needs to be an absolute path"));
    let net_host = build(&RunOptions {
        network: NetworkMode::Host,
        ..opts()
    });
    assert_eq!(net_host.spec.hostname().as_deref(), Some("hosty"));
}

#[test]
fn privileged_opens_everything() {
    let b = build(&RunOptions {
        privileged: true,
        ..opts()
    });
    assert_eq!(caps(&b).bounding().as_ref().unwrap().len(), 41);
    let linux = b.spec.linux().as_ref().unwrap();
    assert!(linux.masked_paths().is_none() && linux.readonly_paths().is_none());
    assert!(linux.seccomp().is_none());
    assert!(!opts_of(&b.spec, "/sys").contains(&"ro".to_string()));
    assert!(!opts_of(&b.spec, "/sys/fs/cgroup").contains(&"ro".to_string()));
    assert_eq!(rules(&b.spec), ["+a *:* rwm"]);
}

#[test]
fn security_opts() {
    let b = build(&RunOptions {
        security_opts: vec![
            "no-new-privileges".into(),
            "seccomp=unconfined".into(),
            "label=disable".into(),
            "apparmor=unconfined".into(),
        ],
        ..opts()
    });
    assert_eq!(
        b.spec.process().as_ref().unwrap().no_new_privileges(),
        Some(true)
    );
    assert!(b.spec.linux().as_ref().unwrap().seccomp().is_none());
    let b = build(&RunOptions {
        security_opts: vec![
            "no-new-privileges=false".into(),
            "systempaths=unconfined".into(),
        ],
        ..opts()
    });
    assert_eq!(
        b.spec.process().as_ref().unwrap().no_new_privileges(),
        Some(false)
    );
    assert_eq!(
        b.spec.linux().as_ref().unwrap().masked_paths().as_deref(),
        Some(&[][..])
    );
    assert_eq!(
        build_err(&RunOptions {
            security_opts: vec!["bogus".into()],
            ..opts()
        }),
        "invalid --security-opt: \"bogus\""
    );
    assert_eq!(
        build_err(&RunOptions {
            security_opts: vec!["foo=bar".into()],
            ..opts()
        }),
        "invalid --security-opt 2: \"foo=bar\""
    );
}

#[test]
fn memory_and_cpus_translate_like_moby() {
    let b = build(&RunOptions {
        memory: Some("32m".into()),
        memory_reservation: Some("16m".into()),
        cpus: Some("1.5".into()),
        cpu_shares: Some(512),
        cpuset_cpus: Some("0-1".into()),
        pids_limit: Some(100),
        ..opts()
    });
    let r = b
        .spec
        .linux()
        .as_ref()
        .unwrap()
        .resources()
        .as_ref()
        .unwrap();
    let m = r.memory().unwrap();
    assert_eq!(
        (m.limit(), m.swap(), m.reservation()),
        (Some(32 << 20), Some(64 << 20), Some(16 << 20))
    );
    let c = r.cpu().as_ref().unwrap();
    assert_eq!(
        (c.quota(), c.period(), c.shares()),
        (Some(150_000), Some(100_000), Some(512))
    );
    assert_eq!(c.cpus().as_deref(), Some("0-1"));
    assert_eq!(r.pids().unwrap().limit(), 100);

    let b = build(&RunOptions {
        memory: Some("32m".into()),
        memory_swap: Some("-1".into()),
        pids_limit: Some(0),
        ..opts()
    });
    let r = b
        .spec
        .linux()
        .as_ref()
        .unwrap()
        .resources()
        .as_ref()
        .unwrap();
    assert_eq!(r.memory().unwrap().swap(), None);
    assert_eq!(r.pids().unwrap().limit(), -1);

    assert_eq!(
        build_err(&RunOptions {
            memory: Some("1m".into()),
            ..opts()
        }),
        "Minimum memory limit allowed is 6MB"
    );
    assert_eq!(
        build_err(&RunOptions {
            memory: Some("64m".into()),
            memory_swap: Some("32m".into()),
            ..opts()
        }),
        "Minimum memoryswap limit should be larger than memory limit, see usage"
    );
    assert_eq!(
        build_err(&RunOptions {
            memory_swap: Some("64m".into()),
            ..opts()
        }),
        "You should always set the Memory limit when using Memoryswap limit, see usage"
    );
    assert_eq!(
        build_err(&RunOptions {
            memory: Some("16m".into()),
            memory_reservation: Some("32m".into()),
            ..opts()
        }),
        "Minimum memory limit can not be less than memory reservation limit, see usage"
    );
    assert_eq!(
        build_err(&RunOptions {
            cpus: Some("3".into()),
            ..opts()
        }),
        "range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available"
    );
}

//! Tests of docker-format profiles and of docker's default profile as data.

use oci_spec::runtime::{Arch, LinuxSeccompAction, LinuxSeccompOperator};

use super::docker::{expand, parse_profile, Host, KernelVersion};
use super::*;

fn host(arch: &'static str, seccomp_arch: Arch, kernel: (u64, u64)) -> Host {
    Host {
        arch,
        seccomp_arch: Some(seccomp_arch),
        kernel: Some(KernelVersion {
            kernel: kernel.0,
            major: kernel.1,
        }),
    }
}

fn amd64() -> Host {
    host("amd64", Arch::ScmpArchX86_64, (6, 1))
}

fn caps(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| c.to_string()).collect()
}

/// Every syscall name the expanded profile mentions, with its action.
fn names(seccomp: &LinuxSeccomp) -> Vec<(String, LinuxSeccompAction)> {
    seccomp
        .syscalls()
        .iter()
        .flatten()
        .flat_map(|s| s.names().iter().map(move |n| (n.clone(), s.action())))
        .collect()
}

const SMALL: &str = r#"{
    "defaultAction": "SCMP_ACT_ERRNO",
    "defaultErrnoRet": 1,
    "archMap": [
        {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
        {"architecture": "SCMP_ARCH_RISCV64", "subArchitectures": null}
    ],
    "syscalls": [
        {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
        {"name": "getpid", "action": "SCMP_ACT_LOG", "comment": "old spelling"},
        {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
         "args": [{"index": 1, "value": 9, "op": "SCMP_CMP_EQ"}]},
        {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
         "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
        {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
        {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
        {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
        {"names": ["old_thing"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "5.0"}}
    ]
}"#;

#[test]
fn docker_json_expands_for_caps_arch_and_kernel() {
    let profile = parse_profile(SMALL.as_bytes()).expect("parses");
    let seccomp = expand(&profile, &caps(&["CAP_CHOWN"]), &amd64());
    assert_eq!(seccomp.default_action(), LinuxSeccompAction::ScmpActErrno);
    assert_eq!(seccomp.default_errno_ret(), Some(1));
    assert_eq!(
        seccomp.architectures().as_deref(),
        Some(&[Arch::ScmpArchX86_64, Arch::ScmpArchX86, Arch::ScmpArchX32][..])
    );
    let got: Vec<String> = names(&seccomp).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        got,
        [
            "read",
            "write",
            "getpid",
            "kill",
            "clone",
            "arch_prctl",
            "ptrace"
        ]
    );

    let kill = &seccomp.syscalls().as_ref().expect("syscalls")[2];
    assert_eq!(kill.errno_ret(), Some(13));
    let args = kill.args().as_ref().expect("args");
    assert_eq!((args[0].index(), args[0].value()), (1, 9));
    assert_eq!(args[0].op(), LinuxSeccompOperator::ScmpCmpEq);

    let admin = expand(
        &profile,
        &caps(&["CAP_SYS_ADMIN"]),
        &host("arm64", Arch::ScmpArchAarch64, (4, 4)),
    );
    let got: Vec<String> = names(&admin).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        got,
        ["read", "write", "getpid", "kill", "mount", "old_thing"]
    );
    assert_eq!(admin.architectures(), &None, "no archMap entry for arm64");
}

#[test]
fn docker_json_round_trips_through_the_oci_form_and_compiles() {
    let seccomp = from_docker_json(SMALL.as_bytes(), &caps(&["CAP_SYS_ADMIN"])).expect("parses");
    let json = serde_json::to_string(&seccomp).expect("serializes");
    let back: LinuxSeccomp = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, seccomp);
    assert!(json.contains("\"SCMP_ACT_LOG\""), "{json}");
    if cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
        let prog = compile(&back).expect("compiles");
        assert!(!prog.is_empty());
    }
}

#[test]
fn malformed_profiles_are_refused_with_a_clear_error() {
    let err = from_docker_json(b"{\"defaultAction\": ", &[]).unwrap_err();
    assert!(matches!(err, SeccompError::Json(_)));
    assert!(err.to_string().contains("not valid JSON"), "{err}");

    let err = from_docker_json(br#"{"defaultAction": "SCMP_ACT_NOPE"}"#, &[]).unwrap_err();
    assert!(err.to_string().contains("SCMP_ACT_NOPE"), "{err}");

    let err = from_docker_json(br#"{"syscalls": []}"#, &[]).unwrap_err();
    assert!(err.to_string().contains("no defaultAction"), "{err}");

    let both = br#"{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
        "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}"#;
    let err = from_docker_json(both, &[]).unwrap_err();
    assert!(err.to_string().contains("archMap"), "{err}");

    let name_and_names = br#"{"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"name": "read", "names": ["write"], "action": "SCMP_ACT_ERRNO"}]}"#;
    let err = from_docker_json(name_and_names, &[]).unwrap_err();
    assert!(err.to_string().contains("'name' and 'names'"), "{err}");

    let bad_kernel = br#"{"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "includes": {"minKernel": "4"}}]}"#;
    let err = from_docker_json(bad_kernel, &[]).unwrap_err();
    assert!(err.to_string().contains("minKernel"), "{err}");

    let bad_op = br#"{"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "op": "LIKE"}]}]}"#;
    assert!(matches!(
        from_docker_json(bad_op, &[]),
        Err(SeccompError::Json(_))
    ));
}

#[test]
fn kernel_releases_parse_like_docker() {
    let v = |k, m| {
        Some(KernelVersion {
            kernel: k,
            major: m,
        })
    };
    assert_eq!(KernelVersion::from_release("6.18.44-fc-v782"), v(6, 18));
    assert_eq!(KernelVersion::from_release("3.12-1-amd64"), v(3, 12));
    assert_eq!(KernelVersion::from_release("5.4rc5"), v(5, 4));
    assert_eq!(KernelVersion::from_release("weird"), None);
}

#[test]
fn docker_default_gates_privileged_syscalls_on_capabilities() {
    let plain = names(&docker_default(&caps(&["CAP_CHOWN", "CAP_KILL"])));
    let has = |list: &[(String, LinuxSeccompAction)], name: &str, action| {
        list.iter().any(|(n, a)| n == name && *a == action)
    };
    let allow = LinuxSeccompAction::ScmpActAllow;
    for privileged in [
        "mount",
        "unshare",
        "setns",
        "reboot",
        "chroot",
        "bpf",
        "init_module",
        "acct",
        "kcmp",
        "iopl",
        "settimeofday",
        "vhangup",
        "mbind",
        "syslog",
        "perf_event_open",
        "open_by_handle_at",
    ] {
        assert!(
            !has(&plain, privileged, allow),
            "{privileged} allowed without its capability"
        );
    }
    assert!(has(&plain, "clone3", LinuxSeccompAction::ScmpActErrno));
    assert!(has(&plain, "read", allow) && has(&plain, "personality", allow));

    let cases = [
        ("CAP_SYS_ADMIN", "mount"),
        ("CAP_SYS_ADMIN", "clone3"),
        ("CAP_SYS_BOOT", "reboot"),
        ("CAP_SYS_CHROOT", "chroot"),
        ("CAP_SYS_MODULE", "finit_module"),
        ("CAP_SYS_PACCT", "acct"),
        ("CAP_SYS_PTRACE", "kcmp"),
        ("CAP_SYS_RAWIO", "ioperm"),
        ("CAP_SYS_TIME", "clock_settime"),
        ("CAP_SYS_TTY_CONFIG", "vhangup"),
        ("CAP_SYS_NICE", "set_mempolicy"),
        ("CAP_SYSLOG", "syslog"),
        ("CAP_BPF", "bpf"),
        ("CAP_PERFMON", "perf_event_open"),
        ("CAP_DAC_READ_SEARCH", "open_by_handle_at"),
    ];
    for (cap, syscall) in cases {
        let with = names(&docker_default(&caps(&[cap])));
        assert!(has(&with, syscall, allow), "{cap} should allow {syscall}");
    }
    let admin = names(&docker_default(&caps(&["CAP_SYS_ADMIN"])));
    assert!(!has(&admin, "clone3", LinuxSeccompAction::ScmpActErrno));

    let seccomp = docker_default(&[]);
    assert_eq!(seccomp.default_action(), LinuxSeccompAction::ScmpActErrno);
    assert_eq!(seccomp.default_errno_ret(), Some(1));
    if cfg!(target_arch = "x86_64") {
        assert_eq!(
            seccomp.architectures().as_deref(),
            Some(&[Arch::ScmpArchX86_64, Arch::ScmpArchX86, Arch::ScmpArchX32][..])
        );
        assert!(has(&plain, "arch_prctl", allow) && has(&plain, "modify_ldt", allow));
        assert!(!has(&plain, "s390_runtime_instr", allow));
    }
}

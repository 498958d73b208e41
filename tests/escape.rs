//! Container escape attempts: from inside a default container, a small
//! static C program (tests/escape/probe.c, built here with the host's cc)
//! tries mount, unshare, setns into the host, ptrace and kill of a host
//! pid, module loading, keyctl, writes to /proc/sys, /proc/sysrq-trigger and
//! /sys, reads of kernel memory and logs, mknod of host devices,
//! open_by_handle_at, setting the clock, swapoff, raw sockets onto the
//! host's interfaces and a chroot breakout. Every one must be refused, with
//! the errno docker's confinement gives. `--privileged` must open exactly
//! what docker's does: every capability of the bounding set, no seccomp,
//! writable /sys and /proc/sys, no masked paths, the host's devices. The
//! privileged checks only read and make mounts inside the container: never
//! a clock, swap or reboot call, which would reach the host.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use support::{with_busybox, TestBerth};

/// The probe, compiled once per test binary.
fn probe() -> &'static Path {
    static PROBE: OnceLock<PathBuf> = OnceLock::new();
    PROBE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("berth-escape-probe-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
        let out = dir.join("probe");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/escape/probe.c");
        let cc = Command::new("cc")
            .args(["-static", "-O1", "-o"])
            .arg(&out)
            .arg(&src)
            .output()
            .unwrap_or_else(|e| panic!("run cc to build the escape probe (install gcc): {e}"));
        assert!(
            cc.status.success(),
            "cc {}: {}",
            src.display(),
            String::from_utf8_lossy(&cc.stderr)
        );
        out
    })
}

/// A host interface name the container must not see.
fn host_interface() -> String {
    std::fs::read_dir("/sys/class/net")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n != "lo")
        .unwrap_or_else(|| "lo".into())
}

/// Runs the probe in a container with `extra` run flags and returns each
/// attempt's outcome: "OPEN" or "blocked ERRNO".
fn attempts(b: &TestBerth, img: &str, extra: &[&str]) -> Vec<(String, String)> {
    let marker = b.scratch("host-only").join("marker");
    std::fs::write(&marker, "host\n").unwrap_or_else(|e| panic!("write marker: {e}"));
    let mount = format!("{}:/probe:ro", probe().display());
    let pid = std::process::id().to_string();
    let marker_arg = marker.display().to_string();
    let iface = host_interface();
    let mut args = vec!["run", "--rm", "-v", &mount];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[img, "/probe", &pid, &marker_arg, &iface]);
    let out = b.cmd(&args);
    out.success();
    out.stdout
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once(' ')?;
            Some((name.to_string(), rest.to_string()))
        })
        .collect()
}

#[test]
fn a_default_container_cannot_escape() {
    let (b, img) = with_busybox();
    let got = attempts(&b, &img, &[]);
    // Each attempt and the errno(s) docker's default confinement gives.
    let expected: &[(&str, &[&str])] = &[
        ("mount_tmpfs", &["EPERM"]),
        ("mount_bind", &["EPERM"]),
        ("remount_root_rw", &["EPERM"]),
        ("unshare_user", &["EPERM"]),
        ("unshare_mount", &["EPERM"]),
        ("setns_host_net", &["EPERM"]),
        // Host pids do not exist in the container's pid namespace.
        ("ptrace_host_pid", &["ESRCH"]),
        ("kill_host_pid", &["ESRCH"]),
        ("init_module", &["EPERM"]),
        ("finit_module", &["EPERM"]),
        ("delete_module", &["EPERM"]),
        ("keyctl", &["EPERM"]),
        ("add_key", &["EPERM"]),
        ("proc_sys_write", &["EROFS"]),
        ("proc_sys_vm_write", &["EROFS"]),
        // Read-only, or absent when the kernel has no magic SysRq.
        ("sysrq_trigger", &["EROFS", "ENOENT"]),
        ("sys_write", &["EROFS", "ENOENT"]),
        ("sys_uevent_helper", &["EROFS", "ENOENT"]),
        // Masked (an empty file) or absent on this kernel.
        ("kcore_read", &["ENODATA", "ENOENT"]),
        ("kmsg_read", &["ENOENT", "EPERM"]),
        ("keys_read", &["ENODATA", "ENOENT"]),
        ("timer_list_read", &["ENODATA", "ENOENT"]),
        ("syslog", &["EPERM"]),
        // The device cgroup refuses the node or its opening.
        ("mknod_block_open", &["EPERM", "ENOENT"]),
        ("mknod_mem_open", &["EPERM", "ENOENT"]),
        ("open_by_handle_at", &["EPERM"]),
        ("clock_settime", &["EPERM"]),
        ("swapoff", &["EPERM"]),
        // Raw sockets work (docker keeps CAP_NET_RAW) but only on the
        // container's own interfaces.
        ("raw_socket_host_if", &["ENODEV"]),
        // chroot works (CAP_SYS_CHROOT), climbing out of it stays inside.
        ("chroot_breakout", &["ENOENT"]),
        ("host_marker_visible", &["ENOENT"]),
    ];
    for (name, errnos) in expected {
        let outcome = got
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, o)| o.as_str())
            .unwrap_or_else(|| panic!("the probe did not report {name}: {got:?}"));
        let ok = errnos.iter().any(|e| outcome == format!("blocked {e}"));
        assert!(ok, "{name}: {outcome}, expected one of {errnos:?}");
    }
    assert_eq!(got.len(), expected.len(), "unchecked attempts: {got:?}");

    let status = b
        .cmd(&["run", "--rm", &img, "cat", "/proc/self/status"])
        .success()
        .stdout
        .clone();
    let field = |k: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(k).map(|v| v.trim().to_string()))
            .unwrap_or_default()
    };
    // docker's default capability set and its seccomp filter.
    assert_eq!(field("CapEff:"), "00000000a80425fb");
    assert_eq!(field("CapBnd:"), "00000000a80425fb");
    assert_eq!(field("Seccomp:"), "2");
    let ps = b
        .cmd(&[
            "run",
            "--rm",
            &img,
            "sh",
            "-c",
            "ls /proc | grep -c '^[0-9]'",
        ])
        .success()
        .stdout_trim()
        .parse::<u32>()
        .unwrap_or(99);
    assert!(ps <= 3, "the container sees {ps} processes: host pids leak");
}

fn host_cap_bounding_set() -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("CapBnd:").map(|v| v.trim().to_string()))
        .unwrap_or_default()
}

#[test]
fn privileged_opens_what_dockers_privileged_opens() {
    let (b, img) = with_busybox();
    let script = "grep -E '^(CapEff|Seccomp):' /proc/self/status; \
                  grep -E ' /(sys|proc/sys|proc/kcore|proc/keys|sys/firmware) ' /proc/self/mountinfo | \
                  awk '{print \"mount\", $5, $6}'; \
                  mkdir -p /m && mount -t tmpfs x /m && echo mount-ok; \
                  echo devices $(ls /dev | wc -l)";
    let out = b
        .cmd(&["run", "--rm", "--privileged", &img, "sh", "-c", script])
        .success()
        .stdout
        .clone();
    let lines: Vec<&str> = out.lines().collect();
    let has = |l: &str| lines.iter().any(|x| x.trim() == l);
    assert!(
        has(&format!("CapEff:\t{}", host_cap_bounding_set())) || {
            let want = host_cap_bounding_set();
            lines
                .iter()
                .any(|x| x.starts_with("CapEff:") && x.ends_with(&want))
        },
        "privileged capabilities are the host's bounding set: {out}"
    );
    assert!(has("Seccomp:\t0"), "no seccomp when privileged: {out}");
    assert!(has("mount-ok"), "mount works when privileged: {out}");
    // /sys is writable, /proc/sys is not remounted read-only, nothing is masked.
    for l in lines.iter().filter(|l| l.starts_with("mount ")) {
        assert!(
            !l.split_whitespace().nth(2).unwrap_or("").starts_with("ro"),
            "privileged mount is read-only: {l}"
        );
        assert!(
            !l.contains("/proc/kcore") && !l.contains("/proc/keys") && !l.contains("firmware"),
            "privileged container has a masked path: {l}"
        );
    }
    assert!(
        lines.iter().any(|l| l.starts_with("mount /sys ")),
        "no /sys mount: {out}"
    );
    // The host's devices, not the dozen of a default container.
    let host_devices = std::fs::read_dir("/dev").map(|d| d.count()).unwrap_or(0);
    let devices = lines
        .iter()
        .find_map(|l| l.strip_prefix("devices "))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(0);
    assert!(
        devices > 20 && devices + 10 >= host_devices / 2,
        "privileged /dev has {devices} entries, the host {host_devices}"
    );

    // Without --privileged, the same script is refused the mount and sees
    // the masks.
    let plain = b
        .cmd(&["run", "--rm", &img, "sh", "-c", script])
        .success()
        .stdout
        .clone();
    assert!(!plain.contains("mount-ok"), "{plain}");
    assert!(plain.contains("Seccomp:\t2"), "{plain}");
    assert!(
        plain.lines().any(|l| l.starts_with("mount /proc/sys ro")),
        "/proc/sys is read-only by default: {plain}"
    );
}

#[test]
fn added_capabilities_unlock_their_syscalls_as_in_docker() {
    let (b, img) = with_busybox();
    // The seccomp profile follows the capability set: chroot is allowed
    // with the default CAP_SYS_CHROOT and refused without it; mount needs
    // CAP_SYS_ADMIN.
    let chroot =
        "mkdir -p /j/bin && cp /bin/busybox /j/bin/ && chroot /j /bin/busybox echo chrooted";
    b.cmd(&["run", "--rm", &img, "sh", "-c", chroot])
        .success()
        .stdout_is("chrooted\n");
    b.cmd(&[
        "run",
        "--rm",
        "--cap-drop",
        "SYS_CHROOT",
        &img,
        "sh",
        "-c",
        chroot,
    ])
    .failure();
    let mount = "mkdir -p /m && mount -t tmpfs x /m && echo mounted";
    b.cmd(&["run", "--rm", &img, "sh", "-c", mount]).failure();
    b.cmd(&[
        "run",
        "--rm",
        "--cap-add",
        "SYS_ADMIN",
        &img,
        "sh",
        "-c",
        mount,
    ])
    .success()
    .stdout_is("mounted\n");
}

#[test]
fn privileged_exec_gains_capabilities_but_keeps_the_seccomp_filter() {
    let (b, img) = with_busybox();
    b.cmd(&["run", "-d", "--name", "confined", &img, "sleep", "60"])
        .success();
    // docker's exec --privileged adds every capability, but runc applies the
    // container's seccomp filter to every process it execs (moby#21984), so
    // the syscalls the default profile keeps from the container stay closed.
    let caps = b.cmd(&[
        "exec",
        "--privileged",
        "confined",
        "sh",
        "-c",
        "grep CapEff /proc/self/status",
    ]);
    caps.success();
    assert_eq!(
        caps.stdout.split_whitespace().nth(1),
        Some(host_cap_bounding_set().as_str()),
        "exec --privileged has the host's whole bounding set"
    );
    let mount = b.cmd(&[
        "exec",
        "--privileged",
        "confined",
        "sh",
        "-c",
        "mkdir -p /m && mount -t tmpfs x /m",
    ]);
    mount.failure();
    b.cmd(&["exec", "confined", "sh", "-c", "mountpoint -q /m"])
        .failure();
    b.cmd(&["rm", "-f", "confined"]).success();
}

#[test]
fn workdir_cannot_reach_a_leaked_host_descriptor() {
    let (b, img) = with_busybox();
    // runc's "leaky vessels" (CVE-2024-21626): a working directory in
    // /proc/self/fd resolving to a descriptor of the host left open.
    for fd in 3..=9 {
        let cwd = format!("/proc/self/fd/{fd}");
        let out = b.cmd(&["run", "--rm", "-w", &cwd, &img, "ls", "-a", ".."]);
        assert!(!out.status.success(), "run -w {cwd} must fail: {out:?}");
    }
    // Nor does the container's process inherit any beyond stdio (3 is the
    // directory ls itself is reading).
    b.cmd(&["run", "--rm", &img, "ls", "/proc/self/fd"])
        .success()
        .stdout_is("0\n1\n2\n3\n");
    b.cmd(&["run", "-d", "--name", "leaky", &img, "sleep", "60"])
        .success();
    for fd in 3..=9 {
        let cwd = format!("/proc/self/fd/{fd}");
        let out = b.cmd(&["exec", "-w", &cwd, "leaky", "ls", "-a", ".."]);
        assert!(!out.status.success(), "exec -w {cwd} must fail: {out:?}");
    }
    b.cmd(&["exec", "leaky", "ls", "/proc/self/fd"])
        .success()
        .stdout_is("0\n1\n2\n3\n");
    b.cmd(&["rm", "-f", "leaky"]).success();
}

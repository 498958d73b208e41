//! Unit tests of the plan with the recording seam (no root needed).

use std::path::{Path, PathBuf};

use oci_spec::runtime::Spec;
use serde_json::json;

use super::caps::CapMasks;
use super::rootfs::{self, MountEnv};
use super::syscall::RecordingSyscall;
use super::{parse_options, RootfsSource};

/// Docker's 14 default capabilities, by name.
pub(super) const DOCKER_CAPS: [&str; 14] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
];

/// A spec shaped like the one docker generates for `docker run`, with
/// `extra_mounts` appended after the defaults.
pub(super) fn docker_spec(args: &[&str], extra_mounts: serde_json::Value) -> Spec {
    let mut mounts = json!([
        {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["ro", "nosuid", "noexec", "nodev"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"]}
    ]);
    if let (Some(m), Some(extra)) = (mounts.as_array_mut(), extra_mounts.as_array()) {
        m.extend(extra.iter().cloned());
    }
    let caps = json!(DOCKER_CAPS);
    let v = json!({
        "ociVersion": "1.0.2",
        "process": {
            "user": {"uid": 0, "gid": 0},
            "args": args,
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=berthtest"],
            "cwd": "/",
            "capabilities": {"bounding": caps, "effective": caps, "permitted": caps},
            "noNewPrivileges": false
        },
        "root": {"path": "rootfs", "readonly": false},
        "hostname": "berthtest",
        "mounts": mounts,
        "linux": {
            "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
            "maskedPaths": ["/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys",
                "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
        }
    });
    match serde_json::from_value(v) {
        Ok(s) => s,
        Err(e) => panic!("test spec does not parse: {e}"),
    }
}

#[test]
fn options_split_into_flags_propagation_and_data() {
    let o: Vec<String> = ["rbind", "ro", "rprivate", "nosuid", "mode=755", "size=1k"]
        .map(String::from)
        .into();
    let p = parse_options(&o);
    use nix::mount::MsFlags as F;
    assert_eq!(
        p.flags,
        F::MS_BIND | F::MS_REC | F::MS_RDONLY | F::MS_NOSUID
    );
    assert_eq!(p.propagation, vec![F::MS_PRIVATE | F::MS_REC]);
    assert_eq!(p.data, "mode=755,size=1k");
    assert!(p.bind);
    let rw = parse_options(&["ro".to_string(), "rw".to_string()]);
    assert!(rw.flags.is_empty(), "a later rw clears an earlier ro");
}

#[test]
fn docker_default_spec_mounts_in_order() {
    let vol = json!([{"destination": "/data", "type": "bind", "source": "/host/vol", "options": ["rbind", "ro", "rprivate"]}]);
    let spec = docker_spec(&["true"], vol);
    let sys = RecordingSyscall::with_paths(vec![PathBuf::from("/host/vol")], vec![]);
    let root = rootfs::prepare(
        &sys,
        &spec,
        &RootfsSource::Dir("/r".into()),
        MountEnv::default(),
    )
    .unwrap();
    assert_eq!(root, Path::new("/r"));
    let calls = sys.calls();
    let mounts: Vec<&str> = calls
        .iter()
        .map(String::as_str)
        .filter(|c| c.starts_with("mount"))
        .collect();
    assert_eq!(
        mounts,
        [
            "mount - / - REC|SLAVE -",
            "mount /r /r - BIND|REC -",
            "mount proc /r/proc proc NOSUID|NODEV|NOEXEC -",
            "mount tmpfs /r/dev tmpfs NOSUID|STRICTATIME mode=755,size=65536k",
            "mount devpts /r/dev/pts devpts NOSUID|NOEXEC newinstance,ptmxmode=0666,mode=0620,gid=5",
            "mount sysfs /r/sys sysfs RDONLY|NOSUID|NODEV|NOEXEC -",
            // cgroup v1 host (MountEnv::default): the cgroup mount is skipped.
            "mount mqueue /r/dev/mqueue mqueue NOSUID|NODEV|NOEXEC -",
            "mount shm /r/dev/shm tmpfs NOSUID|NODEV|NOEXEC mode=1777,size=67108864",
            "mount /host/vol /r/data - BIND|REC -",
            "mount - /r/data - RDONLY|REMOUNT|BIND|REC -",
            "mount - /r/data - REC|PRIVATE -",
        ]
    );
    // Then the default devices and the /dev symlinks.
    let rest: Vec<&str> = calls
        .iter()
        .map(String::as_str)
        .filter(|c| !c.starts_with("mount"))
        .collect();
    assert_eq!(
        rest,
        [
            "mknod /r/dev/null c 1:3 666",
            "mknod /r/dev/zero c 1:5 666",
            "mknod /r/dev/full c 1:7 666",
            "mknod /r/dev/random c 1:8 666",
            "mknod /r/dev/urandom c 1:9 666",
            "mknod /r/dev/tty c 5:0 666",
            "symlink /r/dev/fd -> /proc/self/fd",
            "symlink /r/dev/stdin -> /proc/self/fd/0",
            "symlink /r/dev/stdout -> /proc/self/fd/1",
            "symlink /r/dev/stderr -> /proc/self/fd/2",
            "symlink /r/dev/core -> /proc/kcore",
            "symlink /r/dev/ptmx -> pts/ptmx",
        ]
    );
}

#[test]
fn cgroup2_host_mounts_cgroup2() {
    let spec = docker_spec(&["true"], json!([]));
    let sys = RecordingSyscall::new();
    let env = MountEnv {
        cgroup2: true,
        ..Default::default()
    };
    rootfs::prepare(&sys, &spec, &RootfsSource::Dir("/r".into()), env).unwrap();
    assert!(sys.calls().contains(
        &"mount cgroup2 /r/sys/fs/cgroup cgroup2 RDONLY|NOSUID|NODEV|NOEXEC -".to_string()
    ));
}

#[test]
fn overlay_rootfs_is_mounted_with_relative_lowerdirs_from_layers_root() {
    let spec = docker_spec(&["true"], json!([]));
    let sys = RecordingSyscall::new();
    let src = RootfsSource::Overlay {
        layers_root: "/store/layers".into(),
        lower: vec!["top/diff".into(), "base/diff".into()],
        upper: "/store/c/upper".into(),
        work: "/store/c/work".into(),
        mountpoint: "/store/c/merged".into(),
    };
    let env = MountEnv {
        in_userns: true,
        ..Default::default()
    };
    let root = rootfs::prepare(&sys, &spec, &src, env).unwrap();
    assert_eq!(root, Path::new("/store/c/merged"));
    let calls = sys.calls();
    assert_eq!(calls[1], "chdir /store/layers");
    assert_eq!(
        calls[2],
        "mount overlay /store/c/merged overlay 0 lowerdir=top/diff:base/diff,upperdir=/store/c/upper,workdir=/store/c/work,userxattr"
    );
    // In a user namespace device nodes are bind mounts of the host's.
    assert!(calls.contains(&"mount /dev/null /store/c/merged/dev/null - BIND -".to_string()));
    assert!(!calls.iter().any(|c| c.starts_with("mknod")));
}

#[test]
fn overlay_options_over_a_page_are_refused() {
    let spec = docker_spec(&["true"], json!([]));
    let sys = RecordingSyscall::new();
    let src = RootfsSource::Overlay {
        layers_root: "/l".into(),
        lower: (0..200)
            .map(|i| PathBuf::from(format!("{i:064}")))
            .collect(),
        upper: "/u".into(),
        work: "/w".into(),
        mountpoint: "/m".into(),
    };
    let e = rootfs::prepare(&sys, &spec, &src, MountEnv::default()).unwrap_err();
    assert_eq!(e.errno, nix::errno::Errno::E2BIG);
    assert!(e.what.contains("over one page"), "{}", e.what);
}

#[test]
fn pivot_uses_the_dot_dot_trick_and_detaches_the_old_root() {
    let sys = RecordingSyscall::new();
    rootfs::pivot(&sys, Path::new("/r")).unwrap();
    assert_eq!(
        sys.calls(),
        [
            "chdir /r",
            "pivot_root . .",
            "mount - . - REC|SLAVE -",
            "umount2 . MNT_DETACH",
            "chdir /"
        ]
    );
}

#[test]
fn masked_files_get_dev_null_dirs_get_ro_tmpfs_and_missing_are_skipped() {
    let spec = docker_spec(&["true"], json!([]));
    let sys = RecordingSyscall::with_paths(
        [
            "/proc/acpi",
            "/proc/scsi",
            "/sys/firmware",
            "/proc/bus",
            "/proc/fs",
            "/proc/irq",
            "/proc/sys",
        ]
        .map(PathBuf::from)
        .into(),
        [
            "/proc/asound",
            "/proc/timer_stats",
            "/sys/devices/virtual/powercap",
        ]
        .map(PathBuf::from)
        .into(),
    );
    rootfs::finish(&sys, &spec).unwrap();
    assert_eq!(
        sys.calls(),
        [
            "mount tmpfs /proc/acpi tmpfs RDONLY -",
            "mount /dev/null /proc/interrupts - BIND -",
            "mount /dev/null /proc/kcore - BIND -",
            "mount /dev/null /proc/keys - BIND -",
            "mount /dev/null /proc/latency_stats - BIND -",
            "mount /dev/null /proc/timer_list - BIND -",
            "mount /dev/null /proc/sched_debug - BIND -",
            "mount tmpfs /proc/scsi tmpfs RDONLY -",
            "mount tmpfs /sys/firmware tmpfs RDONLY -",
            "mount /proc/bus /proc/bus - BIND|REC -",
            "mount - /proc/bus - RDONLY|REMOUNT|BIND|REC -",
            "mount /proc/fs /proc/fs - BIND|REC -",
            "mount - /proc/fs - RDONLY|REMOUNT|BIND|REC -",
            "mount /proc/irq /proc/irq - BIND|REC -",
            "mount - /proc/irq - RDONLY|REMOUNT|BIND|REC -",
            "mount /proc/sys /proc/sys - BIND|REC -",
            "mount - /proc/sys - RDONLY|REMOUNT|BIND|REC -",
            "mount /proc/sysrq-trigger /proc/sysrq-trigger - BIND|REC -",
            "mount - /proc/sysrq-trigger - RDONLY|REMOUNT|BIND|REC -",
        ]
    );
}

#[test]
fn readonly_root_is_remounted_last() {
    let mut spec = docker_spec(&["true"], json!([]));
    if let Some(r) = spec.root_mut() {
        r.set_readonly(Some(true));
    }
    let sys = RecordingSyscall::new();
    rootfs::finish(&sys, &spec).unwrap();
    assert_eq!(
        sys.calls().last().map(String::as_str),
        Some("mount - / - RDONLY|REMOUNT|BIND|REC -")
    );
}

#[test]
fn docker_caps_give_dockers_masks() {
    let spec = docker_spec(&["true"], json!([]));
    let m = CapMasks::from_spec(
        spec.process()
            .as_ref()
            .and_then(|p| p.capabilities().as_ref()),
    );
    assert_eq!(m.effective, 0xa80425fb);
    assert_eq!(m.bounding, 0xa80425fb);
    assert_eq!(m.ambient, 0);
}

//! docker's default seccomp profile, as data: the syscall lists, argument
//! rules and conditions of moby's `profiles/seccomp/default.json`, which a
//! container gets unless `--security-opt seccomp=` says otherwise.

use oci_spec::runtime::{Arch, LinuxSeccomp, LinuxSeccompAction, LinuxSeccompOperator};

use super::docker::{expand, Filter, Host, KernelVersion, Profile, Rule};
use super::SeccompError;

/// docker's default profile for a container whose bounding capability set is
/// `caps` (names like `"CAP_CHOWN"`; the `CAP_` prefix and case are optional).
///
/// As in docker, rules conditioned on a capability (`CAP_SYS_ADMIN` for
/// `mount`, `unshare`, `setns`, namespace flags of `clone` …, `CAP_SYS_PTRACE`,
/// `CAP_SYS_BOOT`, `CAP_SYS_MODULE`, `CAP_SYS_RAWIO`, `CAP_SYS_TIME`,
/// `CAP_SYS_NICE`, `CAP_SYS_PACCT`, `CAP_SYS_TTY_CONFIG`, `CAP_SYSLOG`,
/// `CAP_SYS_CHROOT`, `CAP_DAC_READ_SEARCH`, `CAP_BPF`, `CAP_PERFMON`) are
/// included only when the capability is present, and rules conditioned on
/// the host architecture or kernel only on a matching host. Everything not
/// allowed fails with EPERM (`defaultErrnoRet: 1`); `clone3` fails with
/// ENOSYS without `CAP_SYS_ADMIN` so that libc falls back to `clone`.
pub fn docker_default(caps: &[String]) -> LinuxSeccomp {
    match default_profile() {
        Ok(profile) => expand(&profile, caps, &Host::current()),
        // Unreachable (building the static rules cannot fail), but if it
        // did, fail closed: everything EPERM, so the container cannot start.
        Err(_) => {
            let mut deny_all = LinuxSeccomp::default();
            deny_all
                .set_default_action(LinuxSeccompAction::ScmpActErrno)
                .set_default_errno_ret(Some(libc::EPERM as u32));
            deny_all
        }
    }
}

/// The profile before its conditions are applied.
pub(super) fn default_profile() -> Result<Profile, SeccompError> {
    Ok(Profile {
        default_action: LinuxSeccompAction::ScmpActErrno,
        default_errno_ret: Some(libc::EPERM as u32),
        architectures: Vec::new(),
        arch_map: ARCH_MAP
            .iter()
            .map(|(arch, subs)| (*arch, subs.to_vec()))
            .collect(),
        flags: Vec::new(),
        listener_path: None,
        listener_metadata: None,
        rules: RULES
            .iter()
            .map(|rule| rule.to_rule())
            .collect::<Result<_, _>>()?,
    })
}

const ARCH_MAP: &[(Arch, &[Arch])] = &[
    (
        Arch::ScmpArchX86_64,
        &[Arch::ScmpArchX86, Arch::ScmpArchX32],
    ),
    (Arch::ScmpArchAarch64, &[Arch::ScmpArchArm]),
    (
        Arch::ScmpArchMips64,
        &[Arch::ScmpArchMips, Arch::ScmpArchMips64n32],
    ),
    (
        Arch::ScmpArchMips64n32,
        &[Arch::ScmpArchMips, Arch::ScmpArchMips64],
    ),
    (
        Arch::ScmpArchMipsel64,
        &[Arch::ScmpArchMipsel, Arch::ScmpArchMipsel64n32],
    ),
    (
        Arch::ScmpArchMipsel64n32,
        &[Arch::ScmpArchMipsel, Arch::ScmpArchMipsel64],
    ),
    (Arch::ScmpArchS390x, &[Arch::ScmpArchS390]),
    (Arch::ScmpArchRiscv64, &[]),
    (Arch::ScmpArchLoongarch64, &[]),
];

/// Flags whose presence in `clone`'s flags needs CAP_SYS_ADMIN: CLONE_NEWNS,
/// CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET and
/// CLONE_NEWCGROUP (0x7E020000).
const CLONE_NAMESPACE_FLAGS: u64 = 2_114_060_288;

use LinuxSeccompOperator::ScmpCmpMaskedEq as MASKED_EQ;
use LinuxSeccompOperator::{ScmpCmpEq as EQ, ScmpCmpGt as GT, ScmpCmpLt as LT};

#[rustfmt::skip]
const RULES: &[StaticRule] = &[
    allow(&[
        "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget",
        "capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64",
        "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
        "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
        "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
        "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat",
        "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
        "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat",
        "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr",
        "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
        "ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait", "futex_waitv",
        "futex_wake", "futimesat", "getcpu", "getcwd", "getdents", "getdents64", "getegid",
        "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32",
        "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
        "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit",
        "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area",
        "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "getxattrat", "inotify_add_watch",
        "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy",
        "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set",
        "io_setup", "io_submit", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
        "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat", "listen",
        "listmount", "listxattr", "listxattrat", "llistxattr", "_llseek", "lremovexattr", "lseek",
        "lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack", "membarrier", "memfd_create",
        "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2",
        "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
        "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
        "mq_unlink", "mremap", "mseal", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock",
        "munlockall", "munmap", "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open",
        "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc",
        "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv",
        "preadv2", "prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64",
        "pwritev", "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "recv",
        "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr",
        "removexattrat", "rename", "renameat", "renameat2", "restart_syscall", "riscv_hwprobe",
        "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
        "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
        "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr", "sched_getparam",
        "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
        "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr",
        "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget",
        "semop", "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg",
        "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32",
        "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
        "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
        "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
        "setuid32", "setxattr", "setxattrat", "shmat", "shmctl", "shmdt", "shmget", "shutdown",
        "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair",
        "splice", "stat", "stat64", "statfs", "statfs64", "statmount", "statx", "symlink", "symlinkat",
        "sync", "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create",
        "timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
        "timer_settime64", "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
        "timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask",
        "uname", "unlink", "unlinkat", "uretprobe", "utime", "utimensat", "utimensat_time64", "utimes",
        "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev",
    ]),
    allow(&["process_vm_readv", "process_vm_writev", "ptrace"]).min_kernel(4, 8),
    // Every address family but AF_ALG (38) and AF_VSOCK (40).
    allow(&["socket"]).args(&[(0, 38, LT)]),
    allow(&["socket"]).args(&[(0, 39, EQ)]),
    allow(&["socket"]).args(&[(0, 40, GT)]),
    // PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and the query 0xffffffff.
    allow(&["personality"]).args(&[(0, 0, EQ)]),
    allow(&["personality"]).args(&[(0, 8, EQ)]),
    allow(&["personality"]).args(&[(0, 131_072, EQ)]),
    allow(&["personality"]).args(&[(0, 131_080, EQ)]),
    allow(&["personality"]).args(&[(0, 4_294_967_295, EQ)]),
    allow(&["sync_file_range2", "swapcontext"]).arches(&["ppc64le"]),
    allow(&[
        "arm_fadvise64_64",
        "arm_sync_file_range",
        "sync_file_range2",
        "breakpoint",
        "cacheflush",
        "set_tls",
    ])
    .arches(&["arm", "arm64"]),
    allow(&["arch_prctl"]).arches(&["amd64", "x32"]),
    allow(&["modify_ldt"]).arches(&["amd64", "x32", "x86"]),
    allow(&[
        "s390_pci_mmio_read",
        "s390_pci_mmio_write",
        "s390_runtime_instr",
    ])
    .arches(&["s390", "s390x"]),
    allow(&["riscv_flush_icache"]).arches(&["riscv64"]),
    allow(&["open_by_handle_at"]).caps(&["CAP_DAC_READ_SEARCH"]),
    allow(&[
        "bpf",
        "clone",
        "clone3",
        "fanotify_init",
        "fsconfig",
        "fsmount",
        "fsopen",
        "fspick",
        "lookup_dcookie",
        "lsm_get_self_attr",
        "lsm_list_modules",
        "lsm_set_self_attr",
        "mount",
        "mount_setattr",
        "move_mount",
        "open_tree",
        "perf_event_open",
        "quotactl",
        "quotactl_fd",
        "setdomainname",
        "sethostname",
        "setns",
        "syslog",
        "umount",
        "umount2",
        "unshare",
    ])
    .caps(&["CAP_SYS_ADMIN"]),
    allow(&["clone"])
        .args(&[(0, CLONE_NAMESPACE_FLAGS, MASKED_EQ)])
        .unless_caps(&["CAP_SYS_ADMIN"])
        .unless_arches(&["s390", "s390x"]),
    // s390 passes clone's flags as the second argument.
    allow(&["clone"])
        .args(&[(1, CLONE_NAMESPACE_FLAGS, MASKED_EQ)])
        .arches(&["s390", "s390x"])
        .unless_caps(&["CAP_SYS_ADMIN"]),
    StaticRule::errno(&["clone3"], libc::ENOSYS as u32).unless_caps(&["CAP_SYS_ADMIN"]),
    allow(&["reboot"]).caps(&["CAP_SYS_BOOT"]),
    allow(&["chroot"]).caps(&["CAP_SYS_CHROOT"]),
    allow(&["delete_module", "init_module", "finit_module"]).caps(&["CAP_SYS_MODULE"]),
    allow(&["acct"]).caps(&["CAP_SYS_PACCT"]),
    allow(&[
        "kcmp",
        "pidfd_getfd",
        "process_madvise",
        "process_vm_readv",
        "process_vm_writev",
        "ptrace",
    ])
    .caps(&["CAP_SYS_PTRACE"]),
    allow(&["iopl", "ioperm"]).caps(&["CAP_SYS_RAWIO"]),
    allow(&["settimeofday", "stime", "clock_settime", "clock_settime64"]).caps(&["CAP_SYS_TIME"]),
    allow(&["vhangup"]).caps(&["CAP_SYS_TTY_CONFIG"]),
    allow(&[
        "get_mempolicy",
        "mbind",
        "set_mempolicy",
        "set_mempolicy_home_node",
    ])
    .caps(&["CAP_SYS_NICE"]),
    allow(&["syslog"]).caps(&["CAP_SYSLOG"]),
    allow(&["bpf"]).caps(&["CAP_BPF"]),
    allow(&["perf_event_open"]).caps(&["CAP_PERFMON"]),
];

/// One rule of the default profile; `args` are (index, value, op), valueTwo 0.
#[derive(Clone, Copy)]
struct StaticRule {
    names: &'static [&'static str],
    action: LinuxSeccompAction,
    errno_ret: Option<u32>,
    args: &'static [(usize, u64, LinuxSeccompOperator)],
    caps: &'static [&'static str],
    arches: &'static [&'static str],
    min_kernel: Option<(u64, u64)>,
    unless_caps: &'static [&'static str],
    unless_arches: &'static [&'static str],
}

const fn allow(names: &'static [&'static str]) -> StaticRule {
    StaticRule {
        names,
        action: LinuxSeccompAction::ScmpActAllow,
        errno_ret: None,
        args: &[],
        caps: &[],
        arches: &[],
        min_kernel: None,
        unless_caps: &[],
        unless_arches: &[],
    }
}

impl StaticRule {
    const fn errno(names: &'static [&'static str], errno: u32) -> StaticRule {
        StaticRule {
            action: LinuxSeccompAction::ScmpActErrno,
            errno_ret: Some(errno),
            ..allow(names)
        }
    }

    const fn args(self, args: &'static [(usize, u64, LinuxSeccompOperator)]) -> StaticRule {
        StaticRule { args, ..self }
    }

    const fn caps(self, caps: &'static [&'static str]) -> StaticRule {
        StaticRule { caps, ..self }
    }

    const fn arches(self, arches: &'static [&'static str]) -> StaticRule {
        StaticRule { arches, ..self }
    }

    const fn min_kernel(self, kernel: u64, major: u64) -> StaticRule {
        StaticRule {
            min_kernel: Some((kernel, major)),
            ..self
        }
    }

    const fn unless_caps(self, unless_caps: &'static [&'static str]) -> StaticRule {
        StaticRule {
            unless_caps,
            ..self
        }
    }

    const fn unless_arches(self, unless_arches: &'static [&'static str]) -> StaticRule {
        StaticRule {
            unless_arches,
            ..self
        }
    }

    fn to_rule(self) -> Result<Rule, SeccompError> {
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        Ok(Rule {
            names: strings(self.names),
            action: self.action,
            errno_ret: self.errno_ret,
            args: self
                .args
                .iter()
                .map(|&(index, value, op)| super::docker::arg(index, value, None, op))
                .collect::<Result<_, _>>()?,
            includes: Filter {
                caps: strings(self.caps),
                arches: strings(self.arches),
                min_kernel: self
                    .min_kernel
                    .map(|(kernel, major)| KernelVersion { kernel, major }),
            },
            excludes: Filter {
                caps: strings(self.unless_caps),
                arches: strings(self.unless_arches),
                min_kernel: None,
            },
        })
    }
}

//! Tests that run compiled filters through a small classic-BPF interpreter.

use oci_spec::runtime::{
    Arch, LinuxSeccomp, LinuxSeccompAction, LinuxSeccompArg, LinuxSeccompOperator, LinuxSyscall,
};

use super::arch::{AUDIT_ARCH_AARCH64, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT};
use super::asm::{ALU_AND_K, JMP_JA, JMP_JEQ_K, JMP_JGE_K, JMP_JGT_K, LD_W_ABS, RET_K};

use super::*;

const ALLOW: u32 = libc::SECCOMP_RET_ALLOW;
const EPERM: u32 = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;
const ENOSYS: u32 = libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32;
const KILL: u32 = libc::SECCOMP_RET_KILL_PROCESS;

/// Runs `prog` on one `seccomp_data` the way the kernel does (native-endian
/// 32-bit loads) and returns the action.
fn run(prog: &BpfProgram, arch: u32, nr: u32, args: [u64; 6]) -> u32 {
    let mut data = [0u8; 64];
    data[0..4].copy_from_slice(&nr.to_ne_bytes());
    data[4..8].copy_from_slice(&arch.to_ne_bytes());
    for (i, value) in args.iter().enumerate() {
        data[16 + 8 * i..24 + 8 * i].copy_from_slice(&value.to_ne_bytes());
    }
    let insns = prog.instructions();
    let (mut pc, mut a) = (0usize, 0u32);
    loop {
        let insn = insns[pc];
        let k = insn.k;
        let branch = |taken: bool| usize::from(if taken { insn.jt } else { insn.jf });
        pc += 1;
        match insn.code {
            LD_W_ABS => {
                let at = k as usize;
                assert!(
                    at.is_multiple_of(4) && at + 4 <= data.len(),
                    "bad load offset {at}"
                );
                a = u32::from_ne_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
            }
            ALU_AND_K => a &= k,
            JMP_JA => pc += k as usize,
            JMP_JEQ_K => pc += branch(a == k),
            JMP_JGT_K => pc += branch(a > k),
            JMP_JGE_K => pc += branch(a >= k),
            RET_K => return k,
            other => panic!("unexpected BPF opcode {other:#x}"),
        }
        assert!(pc < insns.len(), "program fell off its end");
    }
}

fn x86_64(prog: &BpfProgram, nr: u32, arg0: u64) -> u32 {
    run(prog, AUDIT_ARCH_X86_64, nr, [arg0, 0, 0, 0, 0, 0])
}

fn cmp(index: usize, value: u64, two: Option<u64>, op: LinuxSeccompOperator) -> LinuxSeccompArg {
    super::docker::arg(index, value, two, op).expect("argument rule builds")
}

fn caps(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| c.to_string()).collect()
}

fn default_prog(list: &[&str]) -> BpfProgram {
    compile(&docker_default(&caps(list))).expect("docker's default profile compiles")
}

fn syscall(names: &[&str], action: LinuxSeccompAction, args: Vec<LinuxSeccompArg>) -> LinuxSyscall {
    let mut call = LinuxSyscall::default();
    call.set_names(names.iter().map(|n| n.to_string()).collect())
        .set_action(action)
        .set_args((!args.is_empty()).then_some(args));
    call
}

fn profile(default: LinuxSeccompAction, arches: &[Arch], calls: Vec<LinuxSyscall>) -> LinuxSeccomp {
    let mut seccomp = LinuxSeccomp::default();
    seccomp
        .set_default_action(default)
        .set_architectures(Some(arches.to_vec()))
        .set_syscalls(Some(calls));
    seccomp
}

const X86_ALL: &[Arch] = &[Arch::ScmpArchX86_64, Arch::ScmpArchX86, Arch::ScmpArchX32];
const GETPID_64: u32 = 39;
const GETPID_32: u32 = 20;

#[test]
fn syscall_tables_have_the_kernels_numbers() {
    use super::arch::Abi;
    assert_eq!(Abi::X86_64.nr("getpid"), Some(39));
    assert_eq!(Abi::X86_64.nr("mseal"), Some(462));
    assert_eq!(Abi::X86.nr("getpid"), Some(20));
    assert_eq!(Abi::X86.nr("socketcall"), Some(102));
    assert_eq!(Abi::X86_64.nr("socketcall"), None);
    assert_eq!(Abi::X32.nr("getpid"), Some(X32_SYSCALL_BIT | 39));
    assert_eq!(Abi::X32.nr("rt_sigaction"), Some(X32_SYSCALL_BIT | 512));
    assert_eq!(Abi::Aarch64.nr("getpid"), Some(172));
    assert_eq!(Abi::Aarch64.nr("mount"), Some(40));
}

#[test]
fn default_profile_compiles_well_under_the_kernel_limit() {
    let none = default_prog(&[]);
    let admin = default_prog(&["CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_TIME"]);
    eprintln!(
        "docker default profile: {} instructions without caps, {} with CAP_SYS_ADMIN",
        none.len(),
        admin.len()
    );
    assert!(none.len() < 1024, "{} instructions", none.len());
    assert!(admin.len() < 1024, "{} instructions", admin.len());
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::*;

    #[test]
    fn ordinary_syscalls_are_allowed() {
        let prog = default_prog(&[]);
        for nr in [0, 1, 3, GETPID_64, 59, 231, 262, 435 - 1, 462] {
            assert_eq!(x86_64(&prog, nr, 0), ALLOW, "x86_64 syscall {nr}");
        }
    }

    #[test]
    fn mount_needs_cap_sys_admin() {
        let mount = 165;
        assert_eq!(x86_64(&default_prog(&[]), mount, 0), EPERM);
        assert_eq!(x86_64(&default_prog(&["CAP_SYS_ADMIN"]), mount, 0), ALLOW);
        assert_eq!(x86_64(&default_prog(&["sys_admin"]), mount, 0), ALLOW);
    }

    #[test]
    fn clone_refuses_namespace_flags_without_cap_sys_admin() {
        let (clone, newuser, newns) = (56, 0x1000_0000u64, 0x0002_0000u64);
        let plain = 0x003d_0f00 | u64::from(libc::SIGCHLD as u32); // glibc's pthread flags
        let prog = default_prog(&[]);
        assert_eq!(x86_64(&prog, clone, plain), ALLOW);
        assert_eq!(x86_64(&prog, clone, plain | newuser), EPERM);
        assert_eq!(x86_64(&prog, clone, newns), EPERM);
        // Bits outside the mask, high half included, do not matter.
        assert_eq!(x86_64(&prog, clone, 0xffff_ffff_0000_0011), ALLOW);
        let admin = default_prog(&["CAP_SYS_ADMIN"]);
        assert_eq!(x86_64(&admin, clone, plain | newuser), ALLOW);
    }

    #[test]
    fn clone3_gets_enosys_so_libc_falls_back() {
        assert_eq!(x86_64(&default_prog(&[]), 435, 0), ENOSYS);
        assert_eq!(x86_64(&default_prog(&["CAP_SYS_ADMIN"]), 435, 0), ALLOW);
    }

    #[test]
    fn personality_allows_only_dockers_values() {
        let (prog, personality) = (default_prog(&[]), 135);
        for ok in [0, 8, 0x20000, 0x20008, 0xffff_ffff] {
            assert_eq!(
                x86_64(&prog, personality, ok),
                ALLOW,
                "personality({ok:#x})"
            );
        }
        for bad in [0x12345, 1, 0x1_0000_0000, 0xffff_ffff_ffff_ffff] {
            assert_eq!(
                x86_64(&prog, personality, bad),
                EPERM,
                "personality({bad:#x})"
            );
        }
    }

    #[test]
    fn socket_refuses_af_alg_and_af_vsock() {
        let (prog, socket) = (default_prog(&[]), 41);
        for family in [1, 2, 10, 16, 37, 39, 41, 45] {
            assert_eq!(x86_64(&prog, socket, family), ALLOW, "family {family}");
        }
        assert_eq!(x86_64(&prog, socket, 38), EPERM);
        assert_eq!(x86_64(&prog, socket, 40), EPERM);
    }

    #[test]
    fn i386_syscalls_are_filtered_by_their_own_numbers() {
        let prog = default_prog(&[]);
        let i386 = |nr, arg0| run(&prog, AUDIT_ARCH_I386, nr, [arg0, 0, 0, 0, 0, 0]);
        assert_eq!(i386(GETPID_32, 0), ALLOW);
        assert_eq!(i386(102, 0), ALLOW, "socketcall");
        assert_eq!(i386(21, 0), EPERM, "mount");
        assert_eq!(i386(136, 0x12345), EPERM, "personality");
        assert_eq!(i386(136, 8), ALLOW, "personality(PER_LINUX32)");
        // The high half of a 32-bit ABI's argument is not trusted: only the low half counts.
        assert_eq!(i386(136, 0xdead_beef_0000_0000), ALLOW);
        // i386 number 39 is mkdir, x86_64's 165 is nothing much on i386 (getresuid16).
        assert_eq!(i386(39, 0), ALLOW);
    }

    #[test]
    fn x32_syscalls_are_filtered_by_x32_numbers() {
        let prog = default_prog(&[]);
        assert_eq!(x86_64(&prog, X32_SYSCALL_BIT | GETPID_64, 0), ALLOW);
        assert_eq!(
            x86_64(&prog, X32_SYSCALL_BIT | 512, 0),
            ALLOW,
            "x32 rt_sigaction"
        );
        assert_eq!(x86_64(&prog, X32_SYSCALL_BIT | 165, 0), EPERM, "x32 mount");
        assert_eq!(x86_64(&prog, X32_SYSCALL_BIT | 56, 0x1000_0000), EPERM);
    }

    #[test]
    fn unknown_architectures_are_killed() {
        let prog = default_prog(&["CAP_SYS_ADMIN"]);
        assert_eq!(run(&prog, AUDIT_ARCH_AARCH64, 172, [0; 6]), KILL);
        assert_eq!(run(&prog, 0x1234_5678, 0, [0; 6]), KILL);
    }

    #[test]
    fn unlisted_sub_architectures_are_killed_even_when_the_default_allows() {
        let deny_mount = syscall(&["mount"], LinuxSeccompAction::ScmpActErrno, vec![]);
        let only_64 = profile(
            LinuxSeccompAction::ScmpActAllow,
            &[Arch::ScmpArchX86_64],
            vec![deny_mount],
        );
        let prog = compile(&only_64).expect("compiles");
        assert_eq!(x86_64(&prog, 165, 0), EPERM);
        assert_eq!(x86_64(&prog, GETPID_64, 0), ALLOW);
        assert_eq!(x86_64(&prog, X32_SYSCALL_BIT | 165, 0), KILL);
        assert_eq!(run(&prog, AUDIT_ARCH_I386, 21, [0; 6]), KILL);
    }

    #[test]
    fn syscalls_newer_than_the_profile_get_enosys_and_unlisted_ones_eperm() {
        let prog = default_prog(&[]);
        assert_eq!(x86_64(&prog, 246, 0), EPERM, "kexec_load");
        assert_eq!(x86_64(&prog, 600, 0), ENOSYS);
        assert_eq!(run(&prog, AUDIT_ARCH_I386, 600, [0; 6]), ENOSYS);
    }

    /// Every operator against values whose halves differ in every way,
    /// checked against plain 64-bit arithmetic (and 32-bit for i386).
    #[test]
    fn argument_comparisons_use_both_halves() {
        use LinuxSeccompOperator::*;
        let interesting = [
            0u64,
            5,
            6,
            0xffff_ffff,
            0x1_0000_0000,
            0x1_0000_0004,
            0x1_0000_0005,
            0x1_0000_0006,
            0x2_0000_0000,
            0xffff_ffff_0000_0005,
            u64::MAX,
        ];
        let ops = [
            ScmpCmpEq,
            ScmpCmpNe,
            ScmpCmpLt,
            ScmpCmpLe,
            ScmpCmpGt,
            ScmpCmpGe,
            ScmpCmpMaskedEq,
        ];
        let holds = |op, arg: u64, value: u64, two: u64| match op {
            ScmpCmpEq => arg == value,
            ScmpCmpNe => arg != value,
            ScmpCmpLt => arg < value,
            ScmpCmpLe => arg <= value,
            ScmpCmpGt => arg > value,
            ScmpCmpGe => arg >= value,
            ScmpCmpMaskedEq => arg & value == two,
        };
        for op in ops {
            for &value in &interesting {
                let two = value & 0xffff_0000_ffff_0004;
                let rule = syscall(
                    &["getpid"],
                    LinuxSeccompAction::ScmpActAllow,
                    vec![cmp(2, value, Some(two), op)],
                );
                let prog = compile(&profile(
                    LinuxSeccompAction::ScmpActErrno,
                    X86_ALL,
                    vec![rule],
                ))
                .expect("compiles");
                for &a in &interesting {
                    let args = [0, 0, a, 0, 0, 0];
                    let want = if holds(op, a, value, two) {
                        ALLOW
                    } else {
                        EPERM
                    };
                    let got = run(&prog, AUDIT_ARCH_X86_64, GETPID_64, args);
                    assert_eq!(got, want, "x86_64: {a:#x} {op:?} {value:#x} (two {two:#x})");
                    let narrow = u64::from(a as u32);
                    let want = if holds(op, narrow, value, two) {
                        ALLOW
                    } else {
                        EPERM
                    };
                    let got = run(&prog, AUDIT_ARCH_I386, GETPID_32, args);
                    assert_eq!(got, want, "i386: {a:#x} {op:?} {value:#x} (two {two:#x})");
                }
            }
        }
    }

    #[test]
    fn tests_of_one_argument_are_alternatives_and_of_different_arguments_all_must_hold() {
        use LinuxSeccompOperator::ScmpCmpEq;
        let allow = LinuxSeccompAction::ScmpActAllow;
        let either = syscall(
            &["getpid"],
            allow,
            vec![cmp(0, 1, None, ScmpCmpEq), cmp(0, 2, None, ScmpCmpEq)],
        );
        let both = syscall(
            &["getppid"],
            allow,
            vec![cmp(0, 1, None, ScmpCmpEq), cmp(1, 2, None, ScmpCmpEq)],
        );
        let prog = compile(&profile(
            LinuxSeccompAction::ScmpActErrno,
            X86_ALL,
            vec![either, both],
        ))
        .expect("compiles");
        let getppid = 110;
        assert_eq!(x86_64(&prog, GETPID_64, 1), ALLOW);
        assert_eq!(x86_64(&prog, GETPID_64, 2), ALLOW);
        assert_eq!(x86_64(&prog, GETPID_64, 3), EPERM);
        assert_eq!(
            run(&prog, AUDIT_ARCH_X86_64, getppid, [1, 2, 0, 0, 0, 0]),
            ALLOW
        );
        assert_eq!(
            run(&prog, AUDIT_ARCH_X86_64, getppid, [1, 3, 0, 0, 0, 0]),
            EPERM
        );
        assert_eq!(
            run(&prog, AUDIT_ARCH_X86_64, getppid, [0, 2, 0, 0, 0, 0]),
            EPERM
        );
    }

    #[test]
    fn long_argument_blocks_are_reached_through_far_jumps() {
        let rules: Vec<LinuxSyscall> = (0..400u64)
            .map(|v| {
                let op = LinuxSeccompOperator::ScmpCmpEq;
                syscall(
                    &["getpid"],
                    LinuxSeccompAction::ScmpActAllow,
                    vec![cmp(0, v * 3, None, op)],
                )
            })
            .chain(std::iter::once(syscall(
                &["read"],
                LinuxSeccompAction::ScmpActAllow,
                vec![],
            )))
            .collect();
        let native = &[Arch::ScmpArchX86_64];
        let prog =
            compile(&profile(LinuxSeccompAction::ScmpActErrno, native, rules)).expect("compiles");
        assert!(prog.len() > 1200, "{} instructions", prog.len());
        assert_eq!(x86_64(&prog, GETPID_64, 0), ALLOW);
        assert_eq!(x86_64(&prog, GETPID_64, 399 * 3), ALLOW);
        assert_eq!(x86_64(&prog, GETPID_64, 399 * 3 + 1), EPERM);
        assert_eq!(x86_64(&prog, 0, 0), ALLOW, "read");
    }

    /// Denying every other syscall makes hundreds of ranges, so the search
    /// trees and the arch dispatch need conditional jumps longer than 255.
    #[test]
    fn big_search_trees_stay_correct() {
        use super::super::tables;
        let every_other = |table: &[(&'static str, u32)]| -> Vec<(&'static str, u32)> {
            let mut by_nr = table.to_vec();
            by_nr.sort_by_key(|(_, nr)| *nr);
            by_nr.into_iter().step_by(2).collect()
        };
        let denied: Vec<&str> = every_other(tables::X86_64)
            .into_iter()
            .chain(every_other(tables::X86))
            .chain(every_other(tables::X32))
            .map(|(name, _)| name)
            .collect();
        let rule = syscall(&denied, LinuxSeccompAction::ScmpActErrno, vec![]);
        let prog = compile(&profile(
            LinuxSeccompAction::ScmpActAllow,
            X86_ALL,
            vec![rule],
        ))
        .expect("compiles");
        let far = prog
            .instructions()
            .iter()
            .filter(|i| i.code == JMP_JA)
            .count();
        assert!(
            far > 0 && prog.len() > 600,
            "{} instructions, {far} ja",
            prog.len()
        );
        for (arch, table) in [
            (AUDIT_ARCH_X86_64, tables::X86_64),
            (AUDIT_ARCH_I386, tables::X86),
            (AUDIT_ARCH_X86_64, tables::X32),
        ] {
            for (name, nr) in table {
                let want = if denied.contains(name) { EPERM } else { ALLOW };
                assert_eq!(
                    run(&prog, arch, *nr, [0; 6]),
                    want,
                    "{name} ({nr:#x}) on {arch:#x}"
                );
            }
        }
    }

    #[test]
    fn programs_over_the_kernel_limit_are_refused() {
        let rules: Vec<LinuxSyscall> = (0..1500u64)
            .map(|v| {
                let op = LinuxSeccompOperator::ScmpCmpEq;
                syscall(
                    &["getpid"],
                    LinuxSeccompAction::ScmpActAllow,
                    vec![cmp(0, v, None, op)],
                )
            })
            .collect();
        let err = compile(&profile(LinuxSeccompAction::ScmpActErrno, X86_ALL, rules)).unwrap_err();
        assert!(matches!(err, SeccompError::TooLarge { .. }), "{err}");
    }
}

#[test]
fn unknown_names_are_skipped_only_for_allow_rules() {
    let errno = LinuxSeccompAction::ScmpActErrno;
    let allow = LinuxSeccompAction::ScmpActAllow;
    let arches = &[Arch::ScmpArchNative];
    let skipped = profile(
        errno,
        arches,
        vec![syscall(&["no_such_call", "getpid"], allow, vec![])],
    );
    assert!(compile(&skipped).is_ok());
    let same_as_default = profile(
        errno,
        arches,
        vec![syscall(&["no_such_call"], errno, vec![])],
    );
    assert!(compile(&same_as_default).is_ok());
    let refused = profile(
        allow,
        arches,
        vec![syscall(&["no_such_call"], errno, vec![])],
    );
    let err = compile(&refused).unwrap_err();
    assert!(matches!(&err, SeccompError::UnknownSyscall { name, .. } if name == "no_such_call"));
    assert!(err.to_string().contains("no_such_call"), "{err}");
}

#[test]
fn what_cannot_be_expressed_is_an_error() {
    let errno = LinuxSeccompAction::ScmpActErrno;
    let allow = LinuxSeccompAction::ScmpActAllow;
    let arches = &[Arch::ScmpArchNative];
    let notify = profile(
        errno,
        arches,
        vec![syscall(
            &["getpid"],
            LinuxSeccompAction::ScmpActNotify,
            vec![],
        )],
    );
    assert!(matches!(
        compile(&notify),
        Err(SeccompError::UnsupportedAction { .. })
    ));

    let bad_index = vec![cmp(6, 0, None, LinuxSeccompOperator::ScmpCmpEq)];
    let index = profile(errno, arches, vec![syscall(&["getpid"], allow, bad_index)]);
    assert!(matches!(
        compile(&index),
        Err(SeccompError::ArgIndex { index: 6, .. })
    ));

    let conflict = profile(
        errno,
        arches,
        vec![
            syscall(&["getpid"], allow, vec![]),
            syscall(&["getpid"], LinuxSeccompAction::ScmpActKillProcess, vec![]),
        ],
    );
    assert!(matches!(
        compile(&conflict),
        Err(SeccompError::ConflictingRules { .. })
    ));

    let mut big_errno = profile(errno, arches, vec![]);
    big_errno.set_default_errno_ret(Some(70_000));
    assert!(matches!(
        compile(&big_errno),
        Err(SeccompError::ErrnoRange { .. })
    ));
}

#[test]
fn conditional_jumps_beyond_255_go_through_ja() {
    use super::asm::Asm;
    // jeq with both targets 300 instructions away, and a short one behind them.
    let mut asm = Asm::default();
    let (yes, no, near) = (asm.label(), asm.label(), asm.label());
    asm.load(0);
    asm.jump(JMP_JEQ_K, 7, near, no);
    asm.bind(near);
    asm.jump(JMP_JGT_K, 7, no, yes);
    for _ in 0..300 {
        asm.ret(KILL);
    }
    asm.bind(yes);
    asm.ret(ALLOW);
    asm.bind(no);
    asm.ret(EPERM);
    let prog = BpfProgram {
        insns: asm.assemble().expect("assembles"),
        flags: 0,
    };
    assert_eq!(
        prog.instructions()
            .iter()
            .filter(|i| i.code == JMP_JA)
            .count(),
        3
    );
    assert_eq!(run(&prog, 0, 7, [0; 6]), ALLOW);
    assert_eq!(run(&prog, 0, 8, [0; 6]), EPERM);
    assert_eq!(run(&prog, 0, 6, [0; 6]), EPERM);
}

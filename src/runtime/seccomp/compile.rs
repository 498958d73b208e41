//! Compiles an OCI seccomp config into a classic BPF program.
//!
//! Layout: load `arch`, one `jeq` per audit arch, else the bad-arch action.
//! Under each audit arch, `nr` goes through a balanced binary search over
//! ranges of syscall numbers that share an outcome: a `ret`, or a jump to the
//! block that tests that syscall's argument rules.
//!
//! Semantics follow runc on libseccomp, so profiles behave as under docker:
//! - a syscall's argument rules are tried in profile order, then its rule
//!   without arguments, then the default action;
//! - a rule whose arguments test one index more than once becomes one rule
//!   per comparison (OR), otherwise its comparisons must all hold (AND);
//! - with an ERRNO default, syscalls numbered above every syscall the profile
//!   names get ENOSYS, so programs newer than the profile fall back to older
//!   syscalls (runc's "enosys stub");
//! - a name no table on this host knows is skipped when its rule allows (or
//!   does what the default does anyway), and is an error otherwise.

use std::collections::BTreeMap;

use oci_spec::runtime::{
    LinuxSeccomp, LinuxSeccompAction, LinuxSeccompFilterFlag, LinuxSeccompOperator, LinuxSyscall,
};

use super::arch::Abi;
use super::asm::{Asm, Label, ALU_AND_K, JMP_JEQ_K, JMP_JGE_K, JMP_JGT_K};
use super::{BpfProgram, SeccompError};

const NR_OFFSET: u32 = 0;
const ARCH_OFFSET: u32 = 4;
const ARGS_OFFSET: u32 = 16;

/// What a process of an ABI the profile does not list gets: libseccomp kills
/// there too; the whole process, so no half-dead multithreaded program lingers.
const BAD_ARCH_RET: u32 = libc::SECCOMP_RET_KILL_PROCESS;

/// Compiles an OCI seccomp config to a BPF program for this host.
///
/// The native ABI is always filtered; the profile's `architectures` add the
/// host's other ABIs (on x86_64: `SCMP_ARCH_X86` and `SCMP_ARCH_X32`), and
/// every other ABI is killed. Listed architectures that cannot occur on this
/// host need no rules and are ignored. Unknown syscall names are skipped only
/// when their rule allows (`SCMP_ACT_ALLOW`, `SCMP_ACT_LOG`) or matches the
/// default action; anything else that cannot be expressed (`SCMP_ACT_NOTIFY`,
/// argument index above 5, conflicting actions, more than 4096 instructions)
/// is an error, so a container never starts with less filtering than asked.
pub fn compile(profile: &LinuxSeccomp) -> Result<BpfProgram, SeccompError> {
    let native = Abi::native().ok_or(SeccompError::UnsupportedHost {
        arch: std::env::consts::ARCH,
    })?;
    let mut abis = vec![native];
    for arch in profile.architectures().iter().flatten() {
        if let Some(abi) = Abi::for_host(*arch) {
            if !abis.contains(&abi) {
                abis.push(abi);
            }
        }
    }

    let default_ret = action_ret(
        profile.default_action(),
        profile.default_errno_ret(),
        "the default action",
    )?;
    let flags = filter_flags(profile)?;

    let mut rules: BTreeMap<Abi, BTreeMap<u32, SyscallRules>> = BTreeMap::new();
    for syscall in profile.syscalls().iter().flatten() {
        add_syscall(syscall, &abis, default_ret, &mut rules)?;
    }

    let enosys_above_max = profile.default_action() == LinuxSeccompAction::ScmpActErrno;
    let insns = codegen(&abis, &rules, default_ret, enosys_above_max)?;
    if insns.len() > libc::BPF_MAXINSNS as usize {
        return Err(SeccompError::TooLarge { count: insns.len() });
    }
    Ok(BpfProgram { insns, flags })
}

/// One argument comparison, as libseccomp's `scmp_arg_cmp`.
#[derive(Clone, Copy, Debug)]
struct Cond {
    index: u32,
    op: LinuxSeccompOperator,
    value: u64,
    value_two: u64,
}

#[derive(Debug)]
struct CondRule {
    conds: Vec<Cond>,
    ret: u32,
}

/// Everything the profile says about one syscall number of one ABI.
#[derive(Debug, Default)]
struct SyscallRules {
    conditional: Vec<CondRule>,
    unconditional: Option<(u32, LinuxSeccompAction)>,
}

fn add_syscall(
    syscall: &LinuxSyscall,
    abis: &[Abi],
    default_ret: u32,
    rules: &mut BTreeMap<Abi, BTreeMap<u32, SyscallRules>>,
) -> Result<(), SeccompError> {
    let action = syscall.action();
    let what = format!("syscall {:?}", syscall.names().join(","));
    let ret = action_ret(action, syscall.errno_ret(), &what)?;
    let alternatives = alternatives(syscall)?;
    let allows = matches!(
        action,
        LinuxSeccompAction::ScmpActAllow | LinuxSeccompAction::ScmpActLog
    );
    let host_abis = abis.first().map_or(&[][..], |native| native.companions());

    for name in syscall.names() {
        if !host_abis.iter().any(|abi| abi.nr(name).is_some()) {
            if allows || ret == default_ret {
                continue;
            }
            return Err(SeccompError::UnknownSyscall {
                name: name.clone(),
                action: action.to_string(),
            });
        }
        for abi in abis {
            let Some(nr) = abi.nr(name) else { continue };
            let entry = rules.entry(*abi).or_default().entry(nr).or_default();
            if alternatives.is_empty() {
                match entry.unconditional {
                    None => entry.unconditional = Some((ret, action)),
                    Some((existing, _)) if existing == ret => {}
                    Some((_, first)) => {
                        return Err(SeccompError::ConflictingRules {
                            name: name.clone(),
                            first: first.to_string(),
                            second: action.to_string(),
                        })
                    }
                }
            }
            for conds in &alternatives {
                entry.conditional.push(CondRule {
                    conds: conds.clone(),
                    ret,
                });
            }
        }
    }
    Ok(())
}

/// The rule's argument tests as alternatives (OR of ANDs), runc's way.
fn alternatives(syscall: &LinuxSyscall) -> Result<Vec<Vec<Cond>>, SeccompError> {
    let mut conds = Vec::new();
    let mut seen = [0u8; 6];
    for arg in syscall.args().iter().flatten() {
        let index = arg.index();
        let slot = seen.get_mut(index).ok_or_else(|| SeccompError::ArgIndex {
            name: syscall.names().join(","),
            index,
        })?;
        *slot += 1;
        conds.push(Cond {
            index: index as u32,
            op: arg.op(),
            value: arg.value(),
            value_two: arg.value_two().unwrap_or(0),
        });
    }
    Ok(if conds.is_empty() {
        Vec::new()
    } else if seen.iter().any(|&count| count > 1) {
        // libseccomp refuses two tests of one argument in one rule; runc adds
        // each test as a rule of its own, which makes them alternatives.
        conds.into_iter().map(|cond| vec![cond]).collect()
    } else {
        vec![conds]
    })
}

fn action_ret(
    action: LinuxSeccompAction,
    errno_ret: Option<u32>,
    what: &str,
) -> Result<u32, SeccompError> {
    let data = || -> Result<u32, SeccompError> {
        let value = errno_ret.unwrap_or(libc::EPERM as u32);
        if value > libc::SECCOMP_RET_DATA {
            return Err(SeccompError::ErrnoRange {
                what: what.to_string(),
                value,
            });
        }
        Ok(value)
    };
    Ok(match action {
        LinuxSeccompAction::ScmpActAllow => libc::SECCOMP_RET_ALLOW,
        LinuxSeccompAction::ScmpActLog => libc::SECCOMP_RET_LOG,
        LinuxSeccompAction::ScmpActKill | LinuxSeccompAction::ScmpActKillThread => {
            libc::SECCOMP_RET_KILL_THREAD
        }
        LinuxSeccompAction::ScmpActKillProcess => libc::SECCOMP_RET_KILL_PROCESS,
        LinuxSeccompAction::ScmpActTrap => libc::SECCOMP_RET_TRAP,
        LinuxSeccompAction::ScmpActErrno => libc::SECCOMP_RET_ERRNO | data()?,
        LinuxSeccompAction::ScmpActTrace => libc::SECCOMP_RET_TRACE | data()?,
        LinuxSeccompAction::ScmpActNotify => {
            return Err(SeccompError::UnsupportedAction {
                action: action.to_string(),
            })
        }
    })
}

fn filter_flags(profile: &LinuxSeccomp) -> Result<libc::c_ulong, SeccompError> {
    let mut bits = 0;
    for flag in profile.flags().iter().flatten() {
        bits |= match flag {
            LinuxSeccompFilterFlag::SeccompFilterFlagTsync => libc::SECCOMP_FILTER_FLAG_TSYNC,
            LinuxSeccompFilterFlag::SeccompFilterFlagLog => libc::SECCOMP_FILTER_FLAG_LOG,
            LinuxSeccompFilterFlag::SeccompFilterFlagSpecAllow => {
                libc::SECCOMP_FILTER_FLAG_SPEC_ALLOW
            }
            // Only meaningful with SCMP_ACT_NOTIFY, which berth does not support.
            LinuxSeccompFilterFlag::SeccompFilterFlagWaitKillableRecv => {
                return Err(SeccompError::UnsupportedFlag {
                    flag: flag.to_string(),
                })
            }
        };
    }
    Ok(bits)
}

/// Where a range of syscall numbers goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Ret(u32),
    Block(usize),
}

struct Block<'a> {
    label: Label,
    abi: Abi,
    rules: &'a [CondRule],
    fallback: u32,
}

fn codegen(
    abis: &[Abi],
    rules: &BTreeMap<Abi, BTreeMap<u32, SyscallRules>>,
    default_ret: u32,
    enosys_above_max: bool,
) -> Result<Vec<libc::sock_filter>, SeccompError> {
    let mut asm = Asm::default();
    let mut audit_arches: Vec<u32> = Vec::new();
    for abi in abis {
        if !audit_arches.contains(&abi.audit_arch()) {
            audit_arches.push(abi.audit_arch());
        }
    }

    asm.load(ARCH_OFFSET);
    let entries: Vec<Label> = audit_arches.iter().map(|_| asm.label()).collect();
    for (audit_arch, entry) in audit_arches.iter().zip(&entries) {
        let next = asm.label();
        asm.jump(JMP_JEQ_K, *audit_arch, *entry, next);
        asm.bind(next);
    }
    asm.ret(BAD_ARCH_RET);

    let empty = BTreeMap::new();
    let mut blocks = Vec::new();
    for (audit_arch, entry) in audit_arches.iter().zip(&entries) {
        let mut members: Vec<Abi> = abis
            .iter()
            .copied()
            .filter(|abi| abi.audit_arch() == *audit_arch)
            .collect();
        members.sort_by_key(|abi| abi.nr_range().0);

        let mut ranges = Ranges::default();
        let mut cursor: u64 = 0;
        for abi in members {
            let (lo, hi) = abi.nr_range();
            if u64::from(lo) > cursor {
                ranges.push(cursor as u32, Outcome::Ret(BAD_ARCH_RET));
            }
            let syscalls = rules.get(&abi).unwrap_or(&empty);
            let enosys_from = syscalls
                .keys()
                .next_back()
                .filter(|_| enosys_above_max)
                .map(|max| u64::from(*max) + 1);
            let gap = |start: u64| match enosys_from {
                Some(from) if start >= from => {
                    Outcome::Ret(libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32)
                }
                _ => Outcome::Ret(default_ret),
            };
            cursor = u64::from(lo);
            for (nr, syscall) in syscalls.range(lo..=hi) {
                if u64::from(*nr) > cursor {
                    ranges.push(cursor as u32, gap(cursor));
                }
                let fallback = syscall.unconditional.map_or(default_ret, |(ret, _)| ret);
                let outcome = if syscall.conditional.is_empty() {
                    Outcome::Ret(fallback)
                } else {
                    blocks.push(Block {
                        label: asm.label(),
                        abi,
                        rules: &syscall.conditional,
                        fallback,
                    });
                    Outcome::Block(blocks.len() - 1)
                };
                ranges.push(*nr, outcome);
                cursor = u64::from(*nr) + 1;
            }
            if cursor <= u64::from(hi) {
                ranges.push(cursor as u32, gap(cursor));
            }
            cursor = u64::from(hi) + 1;
        }
        if cursor <= u64::from(u32::MAX) {
            ranges.push(cursor as u32, Outcome::Ret(BAD_ARCH_RET));
        }

        asm.bind(*entry);
        asm.load(NR_OFFSET);
        let labels: Vec<Label> = blocks.iter().map(|b| b.label).collect();
        search(&mut asm, &ranges.0, &labels);
    }

    for block in &blocks {
        asm.bind(block.label);
        for rule in block.rules {
            let next_rule = asm.label();
            for cond in &rule.conds {
                let pass = asm.label();
                compare(&mut asm, block.abi, cond, pass, next_rule);
                asm.bind(pass);
            }
            asm.ret(rule.ret);
            asm.bind(next_rule);
        }
        asm.ret(block.fallback);
    }
    asm.assemble()
}

/// Start of each range and its outcome; a range runs to the next one's start.
#[derive(Default)]
struct Ranges(Vec<(u32, Outcome)>);

impl Ranges {
    fn push(&mut self, start: u32, outcome: Outcome) {
        if let Some((_, last)) = self.0.last() {
            if *last == outcome && matches!(outcome, Outcome::Ret(_)) {
                return;
            }
        }
        self.0.push((start, outcome));
    }
}

/// Binary search over `ranges` with `nr` in the accumulator.
fn search(asm: &mut Asm, ranges: &[(u32, Outcome)], blocks: &[Label]) {
    match ranges {
        [] => {}
        [(_, Outcome::Ret(ret))] => asm.ret(*ret),
        [(_, Outcome::Block(block))] => {
            if let Some(label) = blocks.get(*block) {
                asm.ja(*label);
            }
        }
        _ => {
            let mid = ranges.len() / 2;
            let (low, high) = (asm.label(), asm.label());
            asm.jump(JMP_JGE_K, ranges[mid].0, high, low);
            asm.bind(low);
            search(asm, &ranges[..mid], blocks);
            asm.bind(high);
            search(asm, &ranges[mid..], blocks);
        }
    }
}

/// Offsets of the low and high 32-bit halves of argument `index`.
fn arg_offsets(index: u32) -> (u32, u32) {
    let base = ARGS_OFFSET + 8 * index;
    if cfg!(target_endian = "little") {
        (base, base + 4)
    } else {
        (base + 4, base)
    }
}

/// Emits a 64-bit comparison of one argument: jumps to `pass` when it holds
/// and to `fail` otherwise. The high halves decide unless they are equal;
/// then the low halves do.
fn compare(asm: &mut Asm, abi: Abi, cond: &Cond, pass: Label, fail: Label) {
    let (lo_offset, hi_offset) = arg_offsets(cond.index);
    let low_half = asm.label();
    let hi_is_zero = abi.has_32bit_args();

    if cond.op == LinuxSeccompOperator::ScmpCmpMaskedEq {
        // (arg & value) == value_two, half by half.
        let (mask_lo, mask_hi) = split(cond.value);
        let (want_lo, want_hi) = split(cond.value_two);
        if hi_is_zero || mask_hi == 0 {
            if want_hi != 0 {
                asm.ja(fail);
                return;
            }
        } else {
            asm.load(hi_offset);
            asm.stmt(ALU_AND_K, mask_hi);
            asm.jump(JMP_JEQ_K, want_hi, low_half, fail);
        }
        asm.bind(low_half);
        asm.load(lo_offset);
        if mask_lo != u32::MAX {
            asm.stmt(ALU_AND_K, mask_lo);
        }
        asm.jump(JMP_JEQ_K, want_lo, pass, fail);
        return;
    }

    let (value_lo, value_hi) = split(cond.value);
    // Where to go when the argument's high half is above / below value_hi,
    // and the low-half test (jump code, then targets when it is true / false).
    let (hi_above, hi_below, lo_code, lo_true, lo_false) = match cond.op {
        LinuxSeccompOperator::ScmpCmpEq => (fail, fail, JMP_JEQ_K, pass, fail),
        LinuxSeccompOperator::ScmpCmpNe => (pass, pass, JMP_JEQ_K, fail, pass),
        LinuxSeccompOperator::ScmpCmpGt => (pass, fail, JMP_JGT_K, pass, fail),
        LinuxSeccompOperator::ScmpCmpGe => (pass, fail, JMP_JGE_K, pass, fail),
        LinuxSeccompOperator::ScmpCmpLt => (fail, pass, JMP_JGE_K, fail, pass),
        LinuxSeccompOperator::ScmpCmpLe => (fail, pass, JMP_JGT_K, fail, pass),
        LinuxSeccompOperator::ScmpCmpMaskedEq => (fail, fail, JMP_JEQ_K, pass, fail),
    };
    if hi_is_zero {
        if value_hi != 0 {
            asm.ja(hi_below);
            return;
        }
    } else {
        asm.load(hi_offset);
        if value_hi == 0 || hi_above == hi_below {
            // With value_hi == 0 the high half cannot be below it.
            asm.jump(JMP_JEQ_K, value_hi, low_half, hi_above);
        } else {
            let equal = asm.label();
            asm.jump(JMP_JGT_K, value_hi, hi_above, equal);
            asm.bind(equal);
            asm.jump(JMP_JEQ_K, value_hi, low_half, hi_below);
        }
    }
    asm.bind(low_half);
    asm.load(lo_offset);
    asm.jump(lo_code, value_lo, lo_true, lo_false);
}

fn split(value: u64) -> (u32, u32) {
    (value as u32, (value >> 32) as u32)
}

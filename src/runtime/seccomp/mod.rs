//! Seccomp for containers, in pure Rust: docker's default profile, docker-format
//! JSON profiles, a compiler from the OCI form to classic BPF, and the install
//! step the launcher runs in the container's init.
//!
//! The flow, and who runs what:
//!
//! 1. In the parent (allocation allowed): [`docker_default`] or
//!    [`from_docker_json`] gives the OCI [`LinuxSeccomp`] that is saved in the
//!    container's spec, already filtered for the container's bounding
//!    capabilities, the host architecture and the host kernel, as docker does.
//! 2. Still in the parent: [`compile`] turns that into a [`BpfProgram`]. Every
//!    problem surfaces here, before any clone, so a profile that cannot be
//!    applied fails the start instead of running the container unconfined.
//! 3. In the child, between clone and exec: `prctl(PR_SET_NO_NEW_PRIVS)`, then
//!    [`install`], which neither allocates nor takes locks.
//!
//! The program checks `seccomp_data.arch` first. On an x86_64 host the
//! filter covers the three ABIs the kernel can run: x86_64, i386 (its own
//! syscall numbers, `AUDIT_ARCH_I386`) and x32 (`AUDIT_ARCH_X86_64` with
//! `__X32_SYSCALL_BIT` set in `nr`), each by its own numbers, as libseccomp
//! does for docker's `archMap`. An ABI the profile does not list is killed.
//! Within an ABI a binary search over syscall-number ranges picks the action
//! in about ten comparisons; argument rules compare both 32-bit halves of the
//! 64-bit arguments.

mod arch;
mod asm;
mod compile;
mod default;
mod docker;
mod install;
#[rustfmt::skip]
mod tables;

#[cfg(test)]
mod docker_tests;
#[cfg(test)]
mod tests;

pub use compile::compile;
pub use default::docker_default;
pub use docker::from_docker_json;
pub use install::install;
pub use oci_spec::runtime::LinuxSeccomp;

use nix::errno::Errno;

/// A compiled seccomp filter, ready for [`install`]: classic BPF
/// instructions plus the `SECCOMP_FILTER_FLAG_*` bits from the profile.
#[derive(Clone)]
pub struct BpfProgram {
    insns: Vec<libc::sock_filter>,
    flags: libc::c_ulong,
}

impl BpfProgram {
    /// The instructions, as the kernel will run them.
    pub fn instructions(&self) -> &[libc::sock_filter] {
        &self.insns
    }

    /// Number of instructions (the kernel accepts at most 4096).
    pub fn len(&self) -> usize {
        self.insns.len()
    }

    /// Whether the program has no instructions (never true for [`compile`]'s output).
    pub fn is_empty(&self) -> bool {
        self.insns.is_empty()
    }

    /// `SECCOMP_FILTER_FLAG_*` bits passed to `seccomp(2)` on install.
    pub fn flags(&self) -> libc::c_ulong {
        self.flags
    }
}

impl std::fmt::Debug for BpfProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BpfProgram")
            .field("instructions", &self.insns.len())
            .field("flags", &self.flags)
            .finish()
    }
}

/// Everything that can go wrong building or installing a seccomp filter.
#[derive(Debug, thiserror::Error)]
pub enum SeccompError {
    #[error(
        "the seccomp profile is not valid JSON: {0}; fix the file given to --security-opt seccomp="
    )]
    Json(#[source] serde_json::Error),

    #[error("the seccomp profile is invalid: {0}")]
    InvalidProfile(String),

    #[error("seccomp action {action} is not supported by berth; use SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL(_PROCESS/_THREAD), SCMP_ACT_TRAP, SCMP_ACT_TRACE or SCMP_ACT_LOG")]
    UnsupportedAction { action: String },

    #[error(
        "seccomp filter flag {flag} is not supported by berth; remove it from the profile's flags"
    )]
    UnsupportedFlag { flag: String },

    #[error("the seccomp profile applies {action} to syscall {name:?}, which this host's syscall tables do not know; remove the name from the profile")]
    UnknownSyscall { name: String, action: String },

    #[error("the seccomp rule for {name:?} tests argument {index}, but syscalls have only arguments 0 to 5")]
    ArgIndex { name: String, index: usize },

    #[error("the seccomp profile gives syscall {name:?} two different unconditional actions ({first} and {second}); keep one rule for it")]
    ConflictingRules {
        name: String,
        first: String,
        second: String,
    },

    #[error("seccomp errno value {value} for {what} is out of range (at most 65535)")]
    ErrnoRange { what: String, value: u32 },

    #[error("the compiled seccomp filter has {count} instructions, more than the kernel's limit of 4096; shorten the profile")]
    TooLarge { count: usize },

    #[error("berth has no seccomp support for the {arch} architecture; run with --security-opt seccomp=unconfined to start without a filter")]
    UnsupportedHost { arch: &'static str },

    #[error("internal error while compiling the seccomp filter: {0}; please report it")]
    Internal(&'static str),

    #[error("installing the seccomp filter failed: {errno}{}", install_hint(*.errno))]
    Install { errno: Errno },
}

impl SeccompError {
    /// The errno a child reports when installing the filter failed.
    pub fn errno(&self) -> i32 {
        match self {
            SeccompError::Install { errno } => *errno as i32,
            _ => libc::EINVAL,
        }
    }
}

fn install_hint(errno: Errno) -> &'static str {
    match errno {
        Errno::EACCES => " (set no_new_privs first, or hold CAP_SYS_ADMIN)",
        Errno::EINVAL => " (the kernel rejected the program or a filter flag; it may be too old for this profile)",
        _ => "",
    }
}

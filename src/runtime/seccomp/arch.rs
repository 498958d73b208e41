//! The syscall ABIs berth can filter, their audit-arch values and number tables,
//! and what the host is called in docker's and libseccomp's vocabularies.

use oci_spec::runtime::Arch;

use super::tables;

/// `AUDIT_ARCH_X86_64` (EM_X86_64 | 64-bit | little-endian).
pub(super) const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;
/// `AUDIT_ARCH_I386` (EM_386 | little-endian).
pub(super) const AUDIT_ARCH_I386: u32 = 0x4000_0003;
/// `AUDIT_ARCH_AARCH64` (EM_AARCH64 | 64-bit | little-endian).
pub(super) const AUDIT_ARCH_AARCH64: u32 = 0xC000_00B7;
/// x32 syscalls arrive as `AUDIT_ARCH_X86_64` with this bit set in `nr`.
pub(super) const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// One syscall ABI: an audit arch plus, for x86_64 and x32 which share one,
/// the half of the `nr` space it owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Abi {
    X86_64,
    X86,
    X32,
    Aarch64,
}

impl Abi {
    /// The ABI the kernel reports for berth's own processes, if berth can filter it.
    pub(super) fn native() -> Option<Abi> {
        if cfg!(target_arch = "x86_64") {
            Some(Abi::X86_64)
        } else if cfg!(target_arch = "aarch64") {
            Some(Abi::Aarch64)
        } else {
            None
        }
    }

    /// The ABI for a profile's architecture, if a process on this host can
    /// use it and berth has its table. Architectures that can never occur on
    /// this host need no rules: the arch check sends them to the bad-arch
    /// action, as it would with rules.
    pub(super) fn for_host(arch: Arch) -> Option<Abi> {
        let native = Abi::native()?;
        let abi = match arch {
            Arch::ScmpArchNative => return Some(native),
            Arch::ScmpArchX86_64 => Abi::X86_64,
            Arch::ScmpArchX86 => Abi::X86,
            Arch::ScmpArchX32 => Abi::X32,
            Arch::ScmpArchAarch64 => Abi::Aarch64,
            _ => return None,
        };
        native.companions().contains(&abi).then_some(abi)
    }

    /// The ABIs a process may call on a host whose native ABI is `self`.
    /// aarch64's 32-bit ARM compat ABI is absent: berth has no ARM table, so
    /// ARM processes always meet the bad-arch action (stricter, never looser).
    pub(super) fn companions(self) -> &'static [Abi] {
        match self {
            Abi::X86_64 | Abi::X86 | Abi::X32 => &[Abi::X86_64, Abi::X86, Abi::X32],
            Abi::Aarch64 => &[Abi::Aarch64],
        }
    }

    pub(super) fn audit_arch(self) -> u32 {
        match self {
            Abi::X86_64 | Abi::X32 => AUDIT_ARCH_X86_64,
            Abi::X86 => AUDIT_ARCH_I386,
            Abi::Aarch64 => AUDIT_ARCH_AARCH64,
        }
    }

    /// The slice of `seccomp_data.nr` values this ABI owns under its audit arch.
    pub(super) fn nr_range(self) -> (u32, u32) {
        match self {
            Abi::X86_64 => (0, X32_SYSCALL_BIT - 1),
            Abi::X32 => (X32_SYSCALL_BIT, u32::MAX),
            Abi::X86 | Abi::Aarch64 => (0, u32::MAX),
        }
    }

    /// Whether syscall arguments are 32-bit on this ABI. The kernel widens
    /// them to 64 bits in `seccomp_data`; the filter treats the high half as
    /// zero instead of trusting it, which is what libseccomp does too.
    pub(super) fn has_32bit_args(self) -> bool {
        matches!(self, Abi::X86)
    }

    fn table(self) -> &'static [(&'static str, u32)] {
        match self {
            Abi::X86_64 => tables::X86_64,
            Abi::X86 => tables::X86,
            Abi::X32 => tables::X32,
            Abi::Aarch64 => tables::AARCH64,
        }
    }

    /// The syscall number of `name` on this ABI (x32 numbers include the x32 bit).
    pub(super) fn nr(self, name: &str) -> Option<u32> {
        let table = self.table();
        table
            .binary_search_by(|(n, _)| (*n).cmp(name))
            .ok()
            .map(|i| table[i].1)
    }
}

/// The host architecture as docker names it in a profile's `includes.arches`
/// and `excludes.arches` (Go's GOARCH mapped through libseccomp's names).
pub(super) fn docker_host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "x86",
        "aarch64" => "arm64",
        "arm" => "arm",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "powerpc64" => "ppc64",
        "mips64" if cfg!(target_endian = "little") => "mipsel64",
        other => other,
    }
}

/// The host architecture as a libseccomp arch, to pick its `archMap` entry.
pub(super) fn seccomp_host_arch() -> Option<Arch> {
    Some(match std::env::consts::ARCH {
        "x86_64" => Arch::ScmpArchX86_64,
        "x86" => Arch::ScmpArchX86,
        "aarch64" => Arch::ScmpArchAarch64,
        "arm" => Arch::ScmpArchArm,
        "powerpc64" if cfg!(target_endian = "little") => Arch::ScmpArchPpc64le,
        "powerpc64" => Arch::ScmpArchPpc64,
        "s390x" => Arch::ScmpArchS390x,
        "riscv64" => Arch::ScmpArchRiscv64,
        "loongarch64" => Arch::ScmpArchLoongarch64,
        "mips64" if cfg!(target_endian = "little") => Arch::ScmpArchMipsel64,
        "mips64" => Arch::ScmpArchMips64,
        _ => return None,
    })
}

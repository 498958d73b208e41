//! Capabilities and the user switch, written on raw prctl/capset (no `caps`
//! crate: a handful of syscalls is all the child needs).

use nix::errno::Errno;
use oci_spec::runtime::{Capabilities, Capability, LinuxCapabilities};

use super::syscall::{SysResult, Syscall};

/// `_LINUX_CAPABILITY_VERSION_3`: two 32-bit words per set.
const CAP_VERSION_3: u32 = 0x2008_0522;

/// The kernel's number for a capability (linux/capability.h).
pub fn cap_number(cap: Capability) -> u32 {
    use Capability::*;
    match cap {
        Chown => 0,
        DacOverride => 1,
        DacReadSearch => 2,
        Fowner => 3,
        Fsetid => 4,
        Kill => 5,
        Setgid => 6,
        Setuid => 7,
        Setpcap => 8,
        LinuxImmutable => 9,
        NetBindService => 10,
        NetBroadcast => 11,
        NetAdmin => 12,
        NetRaw => 13,
        IpcLock => 14,
        IpcOwner => 15,
        SysModule => 16,
        SysRawio => 17,
        SysChroot => 18,
        SysPtrace => 19,
        SysPacct => 20,
        SysAdmin => 21,
        SysBoot => 22,
        SysNice => 23,
        SysResource => 24,
        SysTime => 25,
        SysTtyConfig => 26,
        Mknod => 27,
        Lease => 28,
        AuditWrite => 29,
        AuditControl => 30,
        Setfcap => 31,
        MacOverride => 32,
        MacAdmin => 33,
        Syslog => 34,
        WakeAlarm => 35,
        BlockSuspend => 36,
        AuditRead => 37,
        Perfmon => 38,
        Bpf => 39,
        CheckpointRestore => 40,
    }
}

/// The bit mask of a capability set; an absent set is empty.
pub fn mask(set: Option<&Capabilities>) -> u64 {
    set.map_or(0, |s| s.iter().fold(0, |m, c| m | (1u64 << cap_number(*c))))
}

/// The five sets of a process spec as masks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CapMasks {
    pub bounding: u64,
    pub effective: u64,
    pub permitted: u64,
    pub inheritable: u64,
    pub ambient: u64,
}

impl CapMasks {
    /// Masks for a spec's capabilities; no capabilities at all means none.
    pub fn from_spec(caps: Option<&LinuxCapabilities>) -> Self {
        caps.map_or_else(Self::default, |c| Self {
            bounding: mask(c.bounding().as_ref()),
            effective: mask(c.effective().as_ref()),
            permitted: mask(c.permitted().as_ref()),
            inheritable: mask(c.inheritable().as_ref()),
            ambient: mask(c.ambient().as_ref()),
        })
    }
}

/// capset(2) on the calling thread.
pub(super) fn capset_raw(effective: u64, permitted: u64, inheritable: u64) -> SysResult<()> {
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    let mut hdr = Header {
        version: CAP_VERSION_3,
        pid: 0,
    };
    let word = |m: u64, i: u32| (m >> (32 * i)) as u32;
    let data = [0, 1].map(|i| Data {
        effective: word(effective, i),
        permitted: word(permitted, i),
        inheritable: word(inheritable, i),
    });
    // SAFETY: header and a two-element data array as capset(2) v3 requires.
    Errno::result(unsafe { libc::syscall(libc::SYS_capset, &mut hdr, data.as_ptr()) }).map(drop)
}

/// Drops from the bounding set every capability not in `keep`. Stops at
/// the first capability the kernel does not know (EINVAL), so the loop
/// needs no /proc read for cap_last_cap.
pub fn drop_bounding(sys: &dyn Syscall, keep: u64) -> SysResult<()> {
    for cap in 0..64u32 {
        if keep & (1 << cap) != 0 {
            continue;
        }
        match sys.capbset_drop(cap) {
            Ok(()) => {}
            Err(Errno::EINVAL) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Switches to `uid`/`gid`/`groups` keeping the permitted capabilities
/// (PR_SET_KEEPCAPS), as runc does before it applies the spec's sets.
pub fn switch_user(
    sys: &dyn Syscall,
    uid: u32,
    gid: u32,
    groups: &[u32],
    setgroups_allowed: bool,
) -> SysResult<()> {
    sys.set_keepcaps(true)?;
    if setgroups_allowed {
        sys.setgroups(groups)?;
    }
    sys.setresgid(gid)?;
    sys.setresuid(uid)?;
    sys.set_keepcaps(false)
}

/// Sets effective/permitted/inheritable, then raises the ambient set.
pub fn apply_sets(sys: &dyn Syscall, m: &CapMasks) -> SysResult<()> {
    sys.capset(m.effective, m.permitted, m.inheritable)?;
    for cap in 0..64u32 {
        if m.ambient & (1 << cap) != 0 {
            sys.ambient_raise(cap)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::launcher::syscall::RecordingSyscall;
    use std::str::FromStr;

    /// Docker's 14 default capabilities.
    fn docker_default_caps() -> Capabilities {
        [
            "CHOWN",
            "DAC_OVERRIDE",
            "FSETID",
            "FOWNER",
            "MKNOD",
            "NET_RAW",
            "SETGID",
            "SETUID",
            "SETFCAP",
            "SETPCAP",
            "NET_BIND_SERVICE",
            "SYS_CHROOT",
            "KILL",
            "AUDIT_WRITE",
        ]
        .iter()
        .filter_map(|n| Capability::from_str(n).ok())
        .collect()
    }

    #[test]
    fn docker_default_set_has_dockers_mask() {
        let caps = docker_default_caps();
        assert_eq!(caps.len(), 14);
        assert_eq!(mask(Some(&caps)), 0xa80425fb);
    }

    #[test]
    fn bounding_drops_everything_else_until_the_kernel_says_einval() {
        let sys = RecordingSyscall::new();
        drop_bounding(&sys, 0xa80425fb).unwrap();
        let drops: Vec<u32> = sys
            .calls()
            .iter()
            .filter_map(|l| l.strip_prefix("capbset_drop ")?.parse().ok())
            .collect();
        // The fake never fails, so every unkept number up to 63 is dropped.
        assert_eq!(drops.len(), 64 - 14);
        assert!(!drops.contains(&0) && drops.contains(&21));
    }

    #[test]
    fn user_switch_keeps_caps_across_setresuid() {
        let sys = RecordingSyscall::new();
        switch_user(&sys, 1000, 100, &[100, 27], true).unwrap();
        assert_eq!(
            sys.calls(),
            [
                "keepcaps true",
                "setgroups [100, 27]",
                "setresgid 100",
                "setresuid 1000",
                "keepcaps false"
            ]
        );
    }
}

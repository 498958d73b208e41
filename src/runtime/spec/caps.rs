//! Capabilities as moby computes them (`oci/caps`): docker's 14 defaults,
//! `--cap-add`/`--cap-drop` (with `ALL`), and every capability the kernel
//! knows for `--privileged`.

use oci_spec::runtime::{Capabilities, Capability};

use super::error::{Result, SpecError};

/// Every capability name, indexed by its number (linux/capability.h).
const ALL_CAPS: &[&str] = &[
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// docker's default set (moby `caps.DefaultCapabilities`), in its order.
pub const DEFAULT_CAPS: &[&str] = &[
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

/// The names of the capabilities this kernel supports (0..=cap_last_cap).
fn kernel_caps(cap_last_cap: u32) -> &'static [&'static str] {
    let n = (cap_last_cap as usize + 1).min(ALL_CAPS.len());
    &ALL_CAPS[..n]
}

/// The caller's bounding set from /proc/self/status (all bits if unreadable).
pub fn caller_bounding_set() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("CapBnd:"))
                .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        })
        .unwrap_or(u64::MAX)
}

/// Upper-cases, adds `CAP_`, and checks each name against what the kernel
/// supports, with moby's two error texts.
fn normalize(names: &[String], cap_last_cap: u32) -> Result<Vec<String>> {
    let supported = kernel_caps(cap_last_cap);
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let upper = name.to_ascii_uppercase();
        if upper == "ALL" {
            out.push(upper);
            continue;
        }
        let full = if upper.starts_with("CAP_") {
            upper
        } else {
            format!("CAP_{upper}")
        };
        if !ALL_CAPS.contains(&full.as_str()) {
            return Err(SpecError::invalid(format!("unknown capability: {full:?}")));
        }
        if !supported.contains(&full.as_str()) {
            return Err(SpecError::invalid(format!(
                "capability not supported by your kernel or not available in the current environment: {full:?}"
            )));
        }
        out.push(full);
    }
    Ok(out)
}

/// The effective capability names for a container (moby `TweakCapabilities`).
/// A cap both added and already default appears once.
pub fn capability_names(
    adds: &[String],
    drops: &[String],
    privileged: bool,
    cap_last_cap: u32,
    held: u64,
) -> Result<Vec<String>> {
    // "All" means all the kernel knows that the caller itself holds: a
    // launcher cannot grant what it lacks (capset fails), e.g. inside a
    // sandbox without CAP_SYS_RESOURCE. podman narrows it the same way.
    let all = move || {
        kernel_caps(cap_last_cap)
            .iter()
            .enumerate()
            .filter(move |(i, _)| held & (1u64 << i) != 0)
            .map(|(_, s)| s.to_string())
    };
    if privileged {
        return Ok(all().collect());
    }
    if adds.is_empty() && drops.is_empty() {
        return Ok(DEFAULT_CAPS.iter().map(|s| s.to_string()).collect());
    }
    let drop = normalize(drops, cap_last_cap)?;
    let add = normalize(adds, cap_last_cap)?;
    let mut caps: Vec<String> = if add.iter().any(|c| c == "ALL") {
        all().filter(|c| !drop.contains(c)).collect()
    } else if drop.iter().any(|c| c == "ALL") {
        add
    } else {
        DEFAULT_CAPS
            .iter()
            .map(|s| s.to_string())
            .filter(|c| !drop.contains(c))
            .chain(add)
            .collect()
    };
    let mut seen = std::collections::HashSet::new();
    caps.retain(|c| seen.insert(c.clone()));
    Ok(caps)
}

/// Converts names (already validated) to oci-spec's set.
pub fn to_capabilities(names: &[String]) -> Result<Capabilities> {
    names
        .iter()
        .map(|n| {
            serde_json::from_value::<Capability>(serde_json::Value::String(n.clone()))
                .map_err(|_| SpecError::invalid(format!("unknown capability: {n:?}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn defaults_are_dockers_fourteen() {
        let caps = capability_names(&[], &[], false, 40, u64::MAX).unwrap();
        assert_eq!(caps, s(DEFAULT_CAPS));
        assert_eq!(caps.len(), 14);
        assert!(!caps.contains(&"CAP_SYS_ADMIN".to_string()));
        assert_eq!(to_capabilities(&caps).unwrap().len(), 14);
    }

    #[test]
    fn add_and_drop_accept_any_case_and_prefix() {
        let caps = capability_names(
            &s(&["sys_admin", "CAP_NET_ADMIN"]),
            &s(&["net_raw", "Cap_Kill"]),
            false,
            40,
            u64::MAX,
        )
        .unwrap();
        assert!(caps.contains(&"CAP_SYS_ADMIN".to_string()));
        assert!(caps.contains(&"CAP_NET_ADMIN".to_string()));
        assert!(!caps.contains(&"CAP_NET_RAW".to_string()));
        assert!(!caps.contains(&"CAP_KILL".to_string()));
        assert_eq!(caps.len(), 14);
    }

    #[test]
    fn adding_a_default_does_not_duplicate() {
        let caps = capability_names(&s(&["chown"]), &[], false, 40, u64::MAX).unwrap();
        assert_eq!(caps.len(), 14);
    }

    #[test]
    fn cap_add_all_and_cap_drop_all() {
        let caps = capability_names(&s(&["ALL"]), &s(&["MKNOD"]), false, 40, u64::MAX).unwrap();
        assert_eq!(caps.len(), 40);
        assert!(!caps.contains(&"CAP_MKNOD".to_string()));
        let caps = capability_names(&s(&["chown"]), &s(&["all"]), false, 40, u64::MAX).unwrap();
        assert_eq!(caps, s(&["CAP_CHOWN"]));
        let caps = capability_names(&[], &s(&["ALL"]), false, 40, u64::MAX).unwrap();
        assert!(caps.is_empty());
    }

    #[test]
    fn privileged_gets_every_kernel_cap() {
        assert_eq!(
            capability_names(&[], &[], true, 40, u64::MAX)
                .unwrap()
                .len(),
            41
        );
        let older = capability_names(&[], &[], true, 37, u64::MAX).unwrap();
        assert_eq!(older.len(), 38);
        assert_eq!(older.last().map(String::as_str), Some("CAP_AUDIT_READ"));
        assert_eq!(
            to_capabilities(&capability_names(&[], &[], true, 40, u64::MAX).unwrap())
                .unwrap()
                .len(),
            41
        );
    }

    #[test]
    fn unknown_and_unsupported_names_error() {
        let e = capability_names(&s(&["FOO"]), &[], false, 40, u64::MAX).unwrap_err();
        assert_eq!(e.to_string(), "unknown capability: \"CAP_FOO\"");
        let e = capability_names(&s(&["BPF"]), &[], false, 37, u64::MAX).unwrap_err();
        assert_eq!(
            e.to_string(),
            "capability not supported by your kernel or not available in the current environment: \"CAP_BPF\""
        );
    }

    #[test]
    fn privileged_never_grants_a_cap_the_caller_lacks() {
        // A sandbox without CAP_SYS_RESOURCE (bit 24), as some CI machines are.
        let held = !(1u64 << 24);
        let caps = capability_names(&[], &[], true, 40, held).unwrap();
        assert_eq!(caps.len(), 40);
        assert!(!caps.iter().any(|c| c == "CAP_SYS_RESOURCE"));
        let all = capability_names(&s(&["ALL"]), &[], false, 40, held).unwrap();
        assert!(!all.iter().any(|c| c == "CAP_SYS_RESOURCE"));
    }
}

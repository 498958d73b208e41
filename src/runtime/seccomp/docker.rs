//! docker-format seccomp profiles (`--security-opt seccomp=FILE`): parsing,
//! and the expansion docker does before handing the OCI form to the runtime:
//! `archMap` picks the host's architectures, and `includes` / `excludes`
//! keep or drop each rule by the container's capabilities, the host
//! architecture and the host kernel version.

use std::path::PathBuf;

use oci_spec::runtime::{
    Arch, LinuxSeccomp, LinuxSeccompAction, LinuxSeccompArg, LinuxSeccompArgBuilder,
    LinuxSeccompFilterFlag, LinuxSeccompOperator, LinuxSyscall,
};
use serde::Deserialize;

use super::arch::{docker_host_arch, seccomp_host_arch};
use super::SeccompError;

/// Parses a docker-format JSON seccomp profile and expands it for a container
/// whose bounding capability set is `caps`, on this host.
///
/// Accepts what docker accepts: `defaultAction`, `defaultErrnoRet`,
/// `architectures` or `archMap`, `flags`, `listenerPath`,
/// `listenerMetadata`, and `syscalls[]` with `names` (or the old `name`),
/// `action`, `errnoRet`, `args[{index, value, valueTwo, op}]`, `comment`,
/// and `includes` / `excludes` of `{caps, arches, minKernel}`. Unlike
/// docker, a profile without `defaultAction` is an error rather than a
/// silent "no seccomp": unconfined must be asked for by name.
pub fn from_docker_json(json: &[u8], caps: &[String]) -> Result<LinuxSeccomp, SeccompError> {
    Ok(expand(&parse_profile(json)?, caps, &Host::current()))
}

/// A docker profile, validated but not yet expanded.
#[derive(Clone, Debug)]
pub(super) struct Profile {
    pub(super) default_action: LinuxSeccompAction,
    pub(super) default_errno_ret: Option<u32>,
    pub(super) architectures: Vec<Arch>,
    pub(super) arch_map: Vec<(Arch, Vec<Arch>)>,
    pub(super) flags: Vec<LinuxSeccompFilterFlag>,
    pub(super) listener_path: Option<PathBuf>,
    pub(super) listener_metadata: Option<String>,
    pub(super) rules: Vec<Rule>,
}

#[derive(Clone, Debug)]
pub(super) struct Rule {
    pub(super) names: Vec<String>,
    pub(super) action: LinuxSeccompAction,
    pub(super) errno_ret: Option<u32>,
    pub(super) args: Vec<LinuxSeccompArg>,
    pub(super) includes: Filter,
    pub(super) excludes: Filter,
}

/// A rule's condition: every non-empty part must match for `includes`, any
/// one for `excludes`.
#[derive(Clone, Debug, Default)]
pub(super) struct Filter {
    pub(super) caps: Vec<String>,
    pub(super) arches: Vec<String>,
    pub(super) min_kernel: Option<KernelVersion>,
}

/// `<kernel>.<major>`, as docker compares them (minor and suffix ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct KernelVersion {
    pub(super) kernel: u64,
    pub(super) major: u64,
}

impl KernelVersion {
    /// Parses a profile's `minKernel` ("4.8"), strictly as docker does.
    fn parse_min(text: &str) -> Result<KernelVersion, SeccompError> {
        let invalid = || {
            SeccompError::InvalidProfile(format!(
                "minKernel {text:?} is not a version like \"4.8\" (<kernel>.<major>)"
            ))
        };
        let (kernel, major) = text.split_once('.').ok_or_else(invalid)?;
        let kernel: u8 = kernel.parse().map_err(|_| invalid())?;
        let major: u8 = major.parse().map_err(|_| invalid())?;
        if kernel == 0 && major == 0 {
            return Err(invalid());
        }
        Ok(KernelVersion {
            kernel: kernel.into(),
            major: major.into(),
        })
    }

    /// The version of a `uname -r` release such as "6.18.44-fc-v782".
    pub(super) fn from_release(release: &str) -> Option<KernelVersion> {
        let mut parts = release.split('.');
        let leading = |part: &str| -> Option<u64> {
            let end = part
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(part.len());
            part[..end].parse().ok()
        };
        let kernel = leading(parts.next()?)?;
        let major = leading(parts.next()?)?;
        Some(KernelVersion { kernel, major })
    }
}

/// What a profile's conditions are evaluated against.
#[derive(Clone, Debug)]
pub(super) struct Host {
    /// docker's name for the host architecture ("amd64", "arm64", …).
    pub(super) arch: &'static str,
    /// The `archMap` entry to use.
    pub(super) seccomp_arch: Option<Arch>,
    /// `None` if uname's release is unreadable: then no `minKernel` holds.
    pub(super) kernel: Option<KernelVersion>,
}

impl Host {
    pub(super) fn current() -> Host {
        let release = nix::sys::utsname::uname()
            .ok()
            .and_then(|uts| uts.release().to_str().map(KernelVersion::from_release))
            .flatten();
        Host {
            arch: docker_host_arch(),
            seccomp_arch: seccomp_host_arch(),
            kernel: release,
        }
    }
}

/// Applies `archMap` and each rule's conditions, giving the OCI form.
pub(super) fn expand(profile: &Profile, caps: &[String], host: &Host) -> LinuxSeccomp {
    let mut architectures = profile.architectures.clone();
    if let Some(native) = host.seccomp_arch {
        if let Some((arch, subs)) = profile.arch_map.iter().find(|(arch, _)| *arch == native) {
            architectures.push(*arch);
            architectures.extend(subs);
        }
    }
    let caps: Vec<String> = caps.iter().map(|cap| normalize_cap(cap)).collect();
    let syscalls: Vec<LinuxSyscall> = profile
        .rules
        .iter()
        .filter(|rule| applies(rule, &caps, host))
        .map(|rule| {
            let mut syscall = LinuxSyscall::default();
            syscall
                .set_names(rule.names.clone())
                .set_action(rule.action)
                .set_errno_ret(rule.errno_ret)
                .set_args((!rule.args.is_empty()).then(|| rule.args.clone()));
            syscall
        })
        .collect();

    let mut seccomp = LinuxSeccomp::default();
    seccomp
        .set_default_action(profile.default_action)
        .set_default_errno_ret(profile.default_errno_ret)
        .set_architectures((!architectures.is_empty()).then_some(architectures))
        .set_flags((!profile.flags.is_empty()).then(|| profile.flags.clone()))
        .set_listener_path(profile.listener_path.clone())
        .set_listener_metadata(profile.listener_metadata.clone())
        .set_syscalls((!syscalls.is_empty()).then_some(syscalls));
    seccomp
}

fn applies(rule: &Rule, caps: &[String], host: &Host) -> bool {
    let has_cap = |cap: &String| caps.contains(&normalize_cap(cap));
    let kernel_at_least = |min: KernelVersion| host.kernel.is_some_and(|k| k >= min);

    let ex = &rule.excludes;
    if ex.arches.iter().any(|a| a == host.arch)
        || ex.caps.iter().any(has_cap)
        || ex.min_kernel.is_some_and(kernel_at_least)
    {
        return false;
    }
    let inc = &rule.includes;
    (inc.arches.is_empty() || inc.arches.iter().any(|a| a == host.arch))
        && inc.caps.iter().all(has_cap)
        && inc.min_kernel.is_none_or(kernel_at_least)
}

/// "sys_admin" and "CAP_SYS_ADMIN" name the same capability.
fn normalize_cap(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    if upper.starts_with("CAP_") {
        upper
    } else {
        format!("CAP_{upper}")
    }
}

pub(super) fn arg(
    index: usize,
    value: u64,
    value_two: Option<u64>,
    op: LinuxSeccompOperator,
) -> Result<LinuxSeccompArg, SeccompError> {
    let mut builder = LinuxSeccompArgBuilder::default()
        .index(index)
        .value(value)
        .op(op);
    if let Some(two) = value_two {
        builder = builder.value_two(two);
    }
    builder
        .build()
        .map_err(|_| SeccompError::Internal("building a seccomp argument rule"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonProfile {
    default_action: Option<String>,
    default_errno_ret: Option<u32>,
    architectures: Option<Vec<Arch>>,
    arch_map: Option<Vec<JsonArch>>,
    flags: Option<Vec<LinuxSeccompFilterFlag>>,
    listener_path: Option<PathBuf>,
    listener_metadata: Option<String>,
    syscalls: Option<Vec<JsonSyscall>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonArch {
    architecture: Arch,
    sub_architectures: Option<Vec<Arch>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonSyscall {
    name: Option<String>,
    names: Option<Vec<String>>,
    action: LinuxSeccompAction,
    errno_ret: Option<u32>,
    args: Option<Vec<JsonArg>>,
    includes: Option<JsonFilter>,
    excludes: Option<JsonFilter>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonArg {
    index: usize,
    #[serde(default)]
    value: u64,
    value_two: Option<u64>,
    op: LinuxSeccompOperator,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonFilter {
    caps: Option<Vec<String>>,
    arches: Option<Vec<String>>,
    min_kernel: Option<String>,
}

impl JsonFilter {
    fn into_filter(self) -> Result<Filter, SeccompError> {
        Ok(Filter {
            caps: self.caps.unwrap_or_default(),
            arches: self.arches.unwrap_or_default(),
            min_kernel: match self.min_kernel.as_deref() {
                None | Some("") => None,
                Some(text) => Some(KernelVersion::parse_min(text)?),
            },
        })
    }
}

/// Parses and validates a docker-format profile without expanding it.
pub(super) fn parse_profile(json: &[u8]) -> Result<Profile, SeccompError> {
    let raw: JsonProfile = serde_json::from_slice(json).map_err(SeccompError::Json)?;
    let default_action = match raw.default_action.as_deref() {
        None | Some("") => {
            return Err(SeccompError::InvalidProfile(
                "it has no defaultAction; set one (docker's default profile uses \
                 SCMP_ACT_ERRNO), or pass --security-opt seccomp=unconfined to run without a filter"
                    .to_string(),
            ))
        }
        Some(text) => serde_json::from_value::<LinuxSeccompAction>(text.into()).map_err(|_| {
            SeccompError::InvalidProfile(format!(
                "defaultAction {text:?} is not a seccomp action such as SCMP_ACT_ERRNO"
            ))
        })?,
    };
    let architectures = raw.architectures.unwrap_or_default();
    let arch_map: Vec<(Arch, Vec<Arch>)> = raw
        .arch_map
        .unwrap_or_default()
        .into_iter()
        .map(|entry| {
            (
                entry.architecture,
                entry.sub_architectures.unwrap_or_default(),
            )
        })
        .collect();
    if !architectures.is_empty() && !arch_map.is_empty() {
        return Err(SeccompError::InvalidProfile(
            "it has both 'architectures' and 'archMap'; keep one of them".to_string(),
        ));
    }

    let mut rules = Vec::new();
    for (position, call) in raw.syscalls.unwrap_or_default().into_iter().enumerate() {
        let names = match (call.name, call.names) {
            (Some(name), None) => vec![name],
            (Some(name), Some(names)) if names.is_empty() => vec![name],
            (Some(_), Some(_)) => {
                return Err(SeccompError::InvalidProfile(format!(
                    "syscalls[{position}] has both 'name' and 'names'; keep 'names'"
                )))
            }
            (None, names) => names.unwrap_or_default(),
        };
        let args = call
            .args
            .unwrap_or_default()
            .into_iter()
            .map(|a| arg(a.index, a.value, a.value_two, a.op))
            .collect::<Result<_, _>>()?;
        rules.push(Rule {
            names,
            action: call.action,
            errno_ret: call.errno_ret,
            args,
            includes: call
                .includes
                .map(JsonFilter::into_filter)
                .transpose()?
                .unwrap_or_default(),
            excludes: call
                .excludes
                .map(JsonFilter::into_filter)
                .transpose()?
                .unwrap_or_default(),
        });
    }

    Ok(Profile {
        default_action,
        default_errno_ret: raw.default_errno_ret,
        architectures,
        arch_map,
        flags: raw.flags.unwrap_or_default(),
        listener_path: raw.listener_path,
        listener_metadata: raw.listener_metadata,
        rules,
    })
}

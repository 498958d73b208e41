//! Where a container's cgroup goes, decided as plain data before anything is
//! created, and the record of where it went, so that later commands (`stop`,
//! `stats`, `pause`, `exec`, `rm`) run from another cgroup still find it.
//!
//! The rules (see [`decide`]):
//! - `--cgroups=disabled` (podman): no cgroup; the container stays in the
//!   cgroup of the berth process that started it.
//! - `--cgroup-parent PATH` (docker, cgroupfs driver): `PATH/<id>` from the
//!   root of every hierarchy, whether PATH has a leading '/' or not.
//! - A foreground `run`/`start -a` inside a systemd service: below the
//!   service's own cgroup as `berth-<id12>`, so the container is part of the
//!   unit (accounting, `systemctl stop` kills it, limits of the unit apply).
//! - Otherwise `berth/<id>` from the root, as docker and podman do.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::CgroupError;
use super::layout::{CgroupLayout, CgroupVersion};
use super::{Cgroup, CgroupParent};

/// podman's `--cgroups` modes. berth has no conmon, so `no-conmon` and
/// `split` (which place conmon apart from the container) mean the same as
/// `enabled`: the container gets its own cgroup and berth stays where it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CgroupsMode {
    #[default]
    #[serde(rename = "enabled")]
    Enabled,
    #[serde(rename = "disabled")]
    Disabled,
    #[serde(rename = "no-conmon")]
    NoConmon,
    #[serde(rename = "split")]
    Split,
}

impl CgroupsMode {
    /// The flag's value, as podman spells it.
    pub fn parse(s: &str) -> Result<CgroupsMode, CgroupError> {
        match s {
            "" | "enabled" => Ok(CgroupsMode::Enabled),
            "disabled" => Ok(CgroupsMode::Disabled),
            "no-conmon" => Ok(CgroupsMode::NoConmon),
            "split" => Ok(CgroupsMode::Split),
            other => Err(CgroupError::InvalidMode(other.to_string())),
        }
    }
}

/// What the caller knows about the container and itself.
#[derive(Debug, Clone, Copy)]
pub struct PlacementRequest<'a> {
    pub mode: CgroupsMode,
    /// `--cgroup-parent`, already validated by [`validate_parent`].
    pub cgroup_parent: Option<&'a str>,
    /// berth itself supervises the container (foreground `run`, `start -a`).
    pub foreground: bool,
    /// `INVOCATION_ID` is set: systemd started this process as a unit.
    pub invocation_id: bool,
    /// The full 64-hex container id.
    pub id: &'a str,
}

/// Where the container's cgroup goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// `--cgroups=disabled`: none at all.
    None,
    /// The directory `name` below `parent` in every hierarchy.
    Under { parent: CgroupParent, name: String },
}

/// The default parent below each hierarchy's root.
pub const DEFAULT_PARENT: &str = "berth";

/// Decide the placement; pure apart from reading nothing (the layout holds
/// the caller's cgroups).
pub fn decide(layout: &CgroupLayout, req: &PlacementRequest<'_>) -> Placement {
    if req.mode == CgroupsMode::Disabled {
        return Placement::None;
    }
    if let Some(p) = req.cgroup_parent {
        return Placement::Under {
            parent: CgroupParent::Root(p.to_string()),
            name: req.id.to_string(),
        };
    }
    if req.foreground && in_systemd_service(layout, req.invocation_id) {
        let short = req.id.get(..12).unwrap_or(req.id);
        return Placement::Under {
            parent: CgroupParent::Current,
            name: format!("berth-{short}"),
        };
    }
    Placement::Under {
        parent: CgroupParent::Root(DEFAULT_PARENT.to_string()),
        name: req.id.to_string(),
    }
}

/// The caller's unit cgroup: its place in the `name=systemd` v1 hierarchy,
/// or in the unified one; `None` when it sits at a root.
pub(crate) fn unit_cgroup(layout: &CgroupLayout) -> Option<&Path> {
    layout
        .v1
        .iter()
        .find(|h| h.controllers.iter().any(|c| c == "name=systemd"))
        .map(|h| h.current.as_path())
        .or(layout.unified.as_ref().map(|u| u.current.as_path()))
        .filter(|p| !p.as_os_str().is_empty())
}

/// Whether the caller runs as a systemd service: its cgroup is a `.service`
/// or a `.scope` other than a login session's (`session-3.scope`, where a
/// user typed the command), or systemd told it so with `INVOCATION_ID`.
/// A caller at the root of the hierarchy has nothing to nest below.
pub fn in_systemd_service(layout: &CgroupLayout, invocation_id: bool) -> bool {
    let Some(unit) = unit_cgroup(layout) else {
        return false;
    };
    if invocation_id {
        return true;
    }
    let last = unit
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    last.ends_with(".service") || (last.ends_with(".scope") && !last.starts_with("session-"))
}

/// docker's `--cgroup-parent` check, done at create: a non-empty path of
/// plain names (a leading '/' is allowed and ignored; `..` and `.` are not).
pub fn validate_parent(path: &str) -> Result<(), CgroupError> {
    // By segment: Path::components would quietly drop a "." in the middle.
    let mut segments = path.split('/').filter(|s| !s.is_empty()).peekable();
    let empty = segments.peek().is_none();
    let plain = segments.all(|s| s != "." && s != "..");
    if empty || !plain || path.contains('\0') {
        return Err(CgroupError::InvalidParent(path.to_string()));
    }
    Ok(())
}

/// Where a started container's cgroup is, saved with the container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CgroupRecord {
    /// `--cgroups=disabled`: the container has no cgroup of its own.
    #[serde(default)]
    pub disabled: bool,
    /// v1 hierarchies: their controllers and the container's directory.
    #[serde(default)]
    pub v1: Vec<(Vec<String>, PathBuf)>,
    /// The cgroup2 directory (v2, or a hybrid host's tracking cgroup).
    #[serde(default)]
    pub unified: Option<PathBuf>,
}

impl CgroupRecord {
    /// Every directory lies inside a cgroup mount of `layout` and holds no
    /// `..`: a record is trusted only as far as the hierarchies go, since
    /// `rm` deletes what it names.
    pub(crate) fn is_plausible(&self, layout: &CgroupLayout) -> bool {
        let mounts: Vec<&Path> = layout
            .v1
            .iter()
            .map(|h| h.mount.as_path())
            .chain(layout.unified.as_ref().map(|u| u.mount.as_path()))
            .collect();
        let inside = |d: &Path| {
            d.components().all(|c| !matches!(c, Component::ParentDir))
                && mounts.iter().any(|m| d.starts_with(m) && d != *m)
        };
        let v1_ok = layout.version == CgroupVersion::V1 || self.v1.is_empty();
        v1_ok
            && self.v1.iter().all(|(_, d)| inside(d))
            && self.unified.as_deref().is_none_or(inside)
    }
}

impl Cgroup {
    /// What to save so another process finds this cgroup again.
    pub fn record(&self) -> CgroupRecord {
        CgroupRecord {
            disabled: self.is_none(),
            v1: self.v1.clone(),
            unified: self.unified.clone(),
        }
    }

    /// The cgroup a record names, keeping only directories that still
    /// exist; `None` when none does (the container was stopped or never
    /// had one). A record naming paths outside `layout`'s hierarchies is
    /// refused, since `destroy` removes what it names.
    pub fn from_record(
        layout: &CgroupLayout,
        rec: &CgroupRecord,
    ) -> Result<Option<Cgroup>, CgroupError> {
        if !rec.is_plausible(layout) {
            let first = rec.v1.first().map(|(_, d)| d.clone());
            let path = first.or(rec.unified.clone()).unwrap_or_default();
            return Err(CgroupError::InvalidName(path.display().to_string()));
        }
        let cg = Cgroup {
            version: layout.version,
            v1: rec.v1.iter().filter(|(_, d)| d.is_dir()).cloned().collect(),
            unified: rec.unified.clone().filter(|d| d.is_dir()),
        };
        Ok((!cg.is_none()).then_some(cg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(systemd: &str, memory: &str) -> CgroupLayout {
        let mi = "\
35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
";
        let cg = format!("9:name=systemd:{systemd}\n4:memory:{memory}\n0::{systemd}\n");
        CgroupLayout::parse(mi, &cg).unwrap()
    }

    const ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn req(foreground: bool, invocation_id: bool) -> PlacementRequest<'static> {
        PlacementRequest {
            mode: CgroupsMode::Enabled,
            cgroup_parent: None,
            foreground,
            invocation_id,
            id: ID,
        }
    }

    fn current(name: &str) -> Placement {
        Placement::Under {
            parent: CgroupParent::Current,
            name: name.to_string(),
        }
    }

    fn default() -> Placement {
        Placement::Under {
            parent: CgroupParent::Root("berth".into()),
            name: ID.into(),
        }
    }

    #[test]
    fn foreground_run_in_a_service_nests_below_the_unit() {
        let l = layout("/system.slice/web.service", "/");
        assert_eq!(decide(&l, &req(true, false)), current("berth-0123456789ab"));
        // Detached containers outlive the unit's berth: the default place.
        assert_eq!(decide(&l, &req(false, false)), default());
        let scope = layout("/system.slice/run-r1.scope", "/");
        assert_eq!(
            decide(&scope, &req(true, false)),
            current("berth-0123456789ab")
        );
    }

    #[test]
    fn a_login_session_or_a_slice_is_not_a_service_unless_systemd_says_so() {
        let session = layout("/user.slice/user-1000.slice/session-3.scope", "/");
        assert_eq!(decide(&session, &req(true, false)), default());
        let slice = layout("/user.slice", "/");
        assert_eq!(decide(&slice, &req(true, false)), default());
        assert_eq!(
            decide(&slice, &req(true, true)),
            current("berth-0123456789ab")
        );
        // INVOCATION_ID at the root of the hierarchy: nothing to nest below.
        let root = layout("/", "/");
        assert_eq!(decide(&root, &req(true, true)), default());
    }

    #[test]
    fn cgroup_parent_and_disabled_win_over_the_service_rule() {
        let l = layout("/system.slice/web.service", "/");
        let mut r = req(true, true);
        r.cgroup_parent = Some("/custom/parent");
        assert_eq!(
            decide(&l, &r),
            Placement::Under {
                parent: CgroupParent::Root("/custom/parent".into()),
                name: ID.into()
            }
        );
        r.mode = CgroupsMode::Disabled;
        assert_eq!(decide(&l, &r), Placement::None);
        for mode in [CgroupsMode::NoConmon, CgroupsMode::Split] {
            let r = PlacementRequest {
                mode,
                ..req(true, false)
            };
            assert_eq!(decide(&l, &r), current("berth-0123456789ab"));
        }
    }

    #[test]
    fn modes_parse_as_podman_spells_them() {
        assert_eq!(CgroupsMode::parse("enabled").unwrap(), CgroupsMode::Enabled);
        assert_eq!(
            CgroupsMode::parse("no-conmon").unwrap(),
            CgroupsMode::NoConmon
        );
        assert_eq!(CgroupsMode::parse("split").unwrap(), CgroupsMode::Split);
        assert_eq!(
            CgroupsMode::parse("disabled").unwrap(),
            CgroupsMode::Disabled
        );
        assert!(CgroupsMode::parse("off").is_err());
        let json = serde_json::to_string(&CgroupsMode::NoConmon).unwrap();
        assert_eq!(json, "\"no-conmon\"");
    }

    #[test]
    fn cgroup_parent_rejects_dot_dot_and_empty() {
        assert!(validate_parent("/berth-test").is_ok());
        assert!(validate_parent("a/b.slice").is_ok());
        assert!(validate_parent("/a/../b").is_err());
        assert!(validate_parent("..").is_err());
        assert!(validate_parent("a/./b").is_err());
        assert!(validate_parent("/").is_err());
        assert!(validate_parent("").is_err());
    }

    #[test]
    fn records_outside_the_hierarchies_are_not_trusted() {
        let l = layout("/", "/");
        let good = CgroupRecord {
            disabled: false,
            v1: vec![(
                vec!["memory".into()],
                PathBuf::from("/sys/fs/cgroup/memory/berth/x"),
            )],
            unified: Some(PathBuf::from("/sys/fs/cgroup/unified/berth/x")),
        };
        assert!(good.is_plausible(&l));
        let mut bad = good.clone();
        bad.v1[0].1 = PathBuf::from("/home/user");
        assert!(!bad.is_plausible(&l));
        let mut bad = good.clone();
        bad.unified = Some(PathBuf::from("/sys/fs/cgroup/unified/../../../etc"));
        assert!(!bad.is_plausible(&l));
        let mut bad = good;
        bad.unified = Some(PathBuf::from("/sys/fs/cgroup/unified"));
        assert!(!bad.is_plausible(&l), "the hierarchy root itself");
    }
}

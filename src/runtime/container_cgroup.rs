//! A container's cgroup across commands: checked at create, placed and
//! created at each start (rules in [`cgroups::decide`]), saved as
//! `containers/<id>/cgroup.json`, and found again by `stats`, `pause`,
//! `top`, `exec`, `update` and `rm`, which run in other cgroups than the
//! berth that started the container and so cannot recompute the place.

use std::path::PathBuf;

use super::cgroups::{
    self, Cgroup, CgroupError, CgroupLayout, CgroupParent, CgroupRecord, CgroupsMode, Placement,
    PlacementRequest, Resources,
};
use super::config::ContainerConfig;
use super::error::{Result, RuntimeError};
use crate::store::Store;

/// The record's file in the container's directory.
const RECORD_FILE: &str = "cgroup.json";

/// `--cgroups` and `--cgroup-parent` as given to `run`/`create`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CgroupOptions {
    pub mode: CgroupsMode,
    pub parent: Option<String>,
}

/// Who supervises the container while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supervisor {
    /// This berth process (`run` without `-d`, `start -a`, build steps).
    Foreground,
    /// The detached `container-monitor`.
    Monitor,
}

/// The create-time checks: a valid parent, and no limits or parent with
/// `--cgroups=disabled` (podman refuses these too: nothing could apply them).
pub(crate) fn check_create(opts: &CgroupOptions, resources: &Resources) -> Result<()> {
    if let Some(p) = &opts.parent {
        cgroups::validate_parent(p).map_err(|e| RuntimeError::Invalid(e.to_string()))?;
    }
    if opts.mode != CgroupsMode::Disabled {
        return Ok(());
    }
    if opts.parent.is_some() {
        return Err(RuntimeError::Invalid(
            "--cgroup-parent cannot be used with --cgroups=disabled: a disabled container has \
             no cgroup to place; leave one of them out"
                .into(),
        ));
    }
    if !resources.is_empty() {
        return Err(RuntimeError::Invalid(
            "resource limits (--memory, --cpus, --cpu-shares, --cpuset-cpus, --pids-limit, …) \
             need a cgroup, and --cgroups=disabled creates none; remove the limits or \
             --cgroups=disabled"
                .into(),
        ));
    }
    Ok(())
}

fn invocation_id() -> bool {
    std::env::var_os("INVOCATION_ID").is_some_and(|v| !v.is_empty())
}

/// Create the container's cgroup for a start, with its limits, and save
/// where it went. Nesting below a systemd unit that berth may not write
/// (a unit without `Delegate=yes` run by an ordinary user) falls back to the
/// default place with a warning, rather than failing the unit.
pub(crate) fn create_for_start(
    store: &Store,
    id: &str,
    config: &ContainerConfig,
    resources: &Resources,
    supervisor: Supervisor,
) -> Result<Cgroup> {
    let layout = cgroups::detect().map_err(|e| RuntimeError::Setup(format!("cgroups: {e}")))?;
    let req = PlacementRequest {
        mode: config.cgroups,
        cgroup_parent: config.cgroup_parent.as_deref(),
        foreground: supervisor == Supervisor::Foreground,
        invocation_id: invocation_id(),
        id,
    };
    let rootless = store.paths().rootless && config.cgroups != CgroupsMode::Disabled;
    let cgroup = if rootless && !cgroups::rootless_can_create(&layout) {
        if !resources.is_empty() {
            eprintln!(
                "Warning: resource limits are ignored: rootless containers need cgroup v2 with a \
                 delegated subtree (a systemd user session); this host's cgroups are not \
                 writable by you"
            );
        }
        Cgroup::none(layout.version())
    } else if rootless && config.cgroup_parent.is_none() {
        // Delegated v2: the only subtree the user may write is its own.
        Cgroup::create(&layout, &CgroupParent::Current, id, resources)
            .map_err(|e| RuntimeError::Setup(e.to_string()))?
    } else {
        placed(&layout, &req, id, resources)?
    };
    if let Err(e) = save_record(store, id, &cgroup.record()) {
        let _ = cgroup.destroy();
        return Err(e);
    }
    Ok(cgroup)
}

/// Where [`cgroups::decide`] puts it, falling back from an unwritable unit.
fn placed(
    layout: &CgroupLayout,
    req: &PlacementRequest<'_>,
    id: &str,
    resources: &Resources,
) -> Result<Cgroup> {
    Ok(match cgroups::decide(layout, req) {
        Placement::None => Cgroup::none(layout.version()),
        Placement::Under { parent, name } => {
            match Cgroup::create(layout, &parent, &name, resources) {
                Ok(cg) => cg,
                Err(e @ CgroupError::PermissionDenied { .. })
                    if parent == CgroupParent::Current =>
                {
                    eprintln!(
                        "Warning: cannot create the container's cgroup below this systemd \
                         unit's cgroup ({e}); using the default /{} instead (set Delegate=yes \
                         on the unit to keep the container inside it)",
                        cgroups::DEFAULT_PARENT
                    );
                    let parent = CgroupParent::Root(cgroups::DEFAULT_PARENT.into());
                    Cgroup::create(layout, &parent, id, resources)
                        .map_err(|e| RuntimeError::Setup(e.to_string()))?
                }
                Err(e) => return Err(RuntimeError::Setup(e.to_string())),
            }
        }
    })
}

fn record_path(store: &Store, id: &str) -> PathBuf {
    store.container_dir(id).join(RECORD_FILE)
}

/// Written whole to a temp file and renamed, so a reader never sees half.
fn save_record(store: &Store, id: &str, rec: &CgroupRecord) -> Result<()> {
    let path = record_path(store, id);
    let tmp = path.with_extension("json.tmp");
    let data = serde_json::to_vec(rec).map_err(|e| RuntimeError::Invalid(e.to_string()))?;
    std::fs::write(&tmp, data)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| RuntimeError::io(format!("write {}", path.display()), e))
}

fn load_record(store: &Store, id: &str) -> Result<Option<CgroupRecord>> {
    let path = record_path(store, id);
    match std::fs::read(&path) {
        Ok(data) => serde_json::from_slice(&data).map(Some).map_err(|e| {
            RuntimeError::Invalid(format!(
                "{} is corrupt ({e}); stop the container's processes and remove the file",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(RuntimeError::io(format!("read {}", path.display()), e)),
    }
}

/// What the record (or, for containers started before records existed,
/// the default place) says about the container's cgroup.
enum Found {
    Disabled,
    Cgroup(Option<Cgroup>),
}

fn lookup(store: &Store, id: &str, layout: &CgroupLayout) -> Result<Found> {
    let setup = |e: CgroupError| RuntimeError::Setup(e.to_string());
    match load_record(store, id)? {
        Some(rec) if rec.disabled => Ok(Found::Disabled),
        Some(rec) => Ok(Found::Cgroup(
            Cgroup::from_record(layout, &rec).map_err(setup)?,
        )),
        None => {
            let parent = CgroupParent::Root(cgroups::DEFAULT_PARENT.into());
            Ok(Found::Cgroup(
                Cgroup::open(layout, &parent, id).map_err(setup)?,
            ))
        }
    }
}

/// The container's cgroup if it has one now (for `rm`, `exec`, `update`).
pub fn find(store: &Store, id: &str) -> Result<Option<Cgroup>> {
    let layout = cgroups::detect().map_err(|e| RuntimeError::Setup(format!("cgroups: {e}")))?;
    match lookup(store, id, &layout)? {
        Found::Disabled => Ok(None),
        Found::Cgroup(cg) => Ok(cg),
    }
}

/// Whether the container was configured with `--cgroups=disabled`.
pub fn is_disabled(store: &Store, id: &str) -> bool {
    store
        .container_file(id)
        .ok()
        .and_then(|f| serde_json::from_value::<ContainerConfig>(f.config).ok())
        .is_some_and(|c| c.cgroups == CgroupsMode::Disabled)
}

/// The running container's cgroup, or why there is none (for `stats`,
/// `pause`, `top`, `update` with limits).
pub fn require(store: &Store, id: &str) -> Result<Cgroup> {
    let layout = cgroups::detect().map_err(|e| RuntimeError::Setup(format!("cgroups: {e}")))?;
    match lookup(store, id, &layout)? {
        Found::Disabled => Err(RuntimeError::Invalid(
            CgroupError::Disabled(id.to_string()).to_string(),
        )),
        Found::Cgroup(Some(cg)) => Ok(cg),
        Found::Cgroup(None) => Err(RuntimeError::NotRunning(id.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Resources {
        Resources {
            memory_limit: Some(10 << 20),
            ..Resources::default()
        }
    }

    #[test]
    fn disabled_refuses_limits_and_a_parent() {
        let disabled = CgroupOptions {
            mode: CgroupsMode::Disabled,
            parent: None,
        };
        assert!(check_create(&disabled, &Resources::default()).is_ok());
        let e = check_create(&disabled, &limits()).unwrap_err().to_string();
        assert!(e.contains("--cgroups=disabled"), "{e}");
        let with_parent = CgroupOptions {
            parent: Some("/x".into()),
            ..disabled
        };
        assert!(check_create(&with_parent, &Resources::default()).is_err());
    }

    #[test]
    fn enabled_checks_only_the_parent() {
        let ok = CgroupOptions {
            mode: CgroupsMode::Split,
            parent: Some("/berth-test/x".into()),
        };
        assert!(check_create(&ok, &limits()).is_ok());
        let bad = CgroupOptions {
            mode: CgroupsMode::Enabled,
            parent: Some("/a/../../b".into()),
        };
        let e = check_create(&bad, &limits()).unwrap_err().to_string();
        assert!(e.contains("--cgroup-parent"), "{e}");
    }
}

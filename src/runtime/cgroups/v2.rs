//! cgroup v2 specifics: enabling controllers down the tree, and the
//! no-internal-processes rule when nesting below the caller's own cgroup.

use std::path::{Path, PathBuf};

use super::error::CgroupError;
use super::fsio;

/// Controllers enabled for containers when available, limits or not, so
/// that `stats` has memory, pids and io counters for every container.
const WANTED: &[&str] = &["cpu", "cpuset", "io", "memory", "pids"];

/// Where the caller's own processes go when berth nests containers below the
/// caller's cgroup (see [`super::CgroupParent::Current`]).
pub const SUPERVISOR_LEAF: &str = "berth-supervisor";

/// Make `mount/parent` exist with the wanted controllers enabled for its
/// children, then create `mount/parent/id`. Returns the new cgroup's path.
///
/// `caller_cgroup` is set when `parent` is the caller's own (non-root)
/// cgroup: only that cgroup is touched (its ancestors belong to whoever
/// delegated it), and when it holds processes they are moved into the
/// `berth-supervisor` leaf first, because v2 refuses to enable controllers
/// for the children of a cgroup that has processes of its own.
pub(crate) fn create(
    mount: &Path,
    parent: &Path,
    id: &str,
    required: &[(&'static str, &'static str)],
    caller_cgroup: bool,
) -> Result<PathBuf, CgroupError> {
    let parent_dir = mount.join(parent);
    let enabled = if caller_cgroup {
        let missing = to_enable(&parent_dir)?;
        if !missing.is_empty() {
            evacuate(&parent_dir)?;
        }
        enable(&parent_dir, &missing)?
    } else {
        // Walk from the root down, enabling at each level what the next needs.
        let mut dir = mount.to_path_buf();
        let missing = to_enable(&dir)?;
        // The true root has no cgroup.events and is exempt from the
        // no-internal-processes rule; a mount whose root is an ordinary
        // cgroup (berth inside a container with a private cgroup namespace)
        // is not, so its processes move to a leaf as for `Current`.
        if !missing.is_empty() && dir.join("cgroup.events").exists() {
            evacuate(&dir)?;
        }
        let mut enabled = enable(&dir, &missing)?;
        for comp in parent.components() {
            dir.push(comp);
            fsio::mkdir(&dir)?;
            enabled = enable(&dir, &to_enable(&dir)?)?;
        }
        enabled
    };
    for (controller, flag) in required {
        if !enabled.iter().any(|c| c == controller) {
            return Err(CgroupError::ControllerMissing { flag, controller });
        }
    }
    let dir = parent_dir.join(id);
    fsio::mkdir(&dir)?;
    Ok(dir)
}

/// Wanted controllers `dir` offers but has not yet enabled for its children.
fn to_enable(dir: &Path) -> Result<Vec<String>, CgroupError> {
    let available = fsio::read(dir, "cgroup.controllers")?;
    let enabled = fsio::read(dir, "cgroup.subtree_control")?;
    Ok(available
        .split_whitespace()
        .filter(|c| WANTED.contains(c))
        .filter(|c| !enabled.split_whitespace().any(|e| e == *c))
        .map(str::to_string)
        .collect())
}

/// Enable `controllers` in `dir/cgroup.subtree_control`; returns what is
/// enabled afterwards. One write when it works; if the kernel refuses the
/// batch (cpu is refused while a realtime task lives below), one at a time,
/// so the others still apply and only a limit that needs the refused one fails.
fn enable(dir: &Path, controllers: &[String]) -> Result<Vec<String>, CgroupError> {
    if !controllers.is_empty() {
        let all: Vec<String> = controllers.iter().map(|c| format!("+{c}")).collect();
        if let Err(e) = fsio::write(dir, "cgroup.subtree_control", &all.join(" ")) {
            if matches!(e, CgroupError::PermissionDenied { .. }) {
                return Err(e);
            }
            for one in &all {
                let _ = fsio::write(dir, "cgroup.subtree_control", one);
            }
        }
    }
    Ok(fsio::read(dir, "cgroup.subtree_control")?
        .split_whitespace()
        .map(|c| c.trim_start_matches('+').to_string())
        .collect())
}

/// Move every process of `dir` into its supervisor leaf.
fn evacuate(dir: &Path) -> Result<(), CgroupError> {
    let mut pids = Vec::new();
    let procs = fsio::read(dir, "cgroup.procs")?;
    for line in procs.lines().filter(|l| !l.trim().is_empty()) {
        pids.push(line.trim().to_string());
    }
    if pids.is_empty() {
        return Ok(());
    }
    let leaf = dir.join(SUPERVISOR_LEAF);
    fsio::mkdir(&leaf)?;
    for pid in pids {
        match fsio::write(&leaf, "cgroup.procs", &pid) {
            Ok(()) => {}
            // The process exited meanwhile.
            Err(CgroupError::Io { source, .. }) if source.raw_os_error() == Some(libc::ESRCH) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Write 1 to cgroup.freeze and wait for cgroup.events to say `frozen 1`.
pub(crate) fn set_frozen(dir: &Path, frozen: bool) -> Result<(), CgroupError> {
    fsio::write(dir, "cgroup.freeze", if frozen { "1" } else { "0" })?;
    if !frozen {
        return Ok(());
    }
    let ok = super::poll_until(|| Ok(is_frozen(dir)))?;
    if !ok {
        let _ = fsio::write(dir, "cgroup.freeze", "0");
        return Err(CgroupError::FreezeTimeout {
            path: dir.to_path_buf(),
            seconds: super::FREEZE_TIMEOUT.as_secs(),
        });
    }
    Ok(())
}

pub(crate) fn is_frozen(dir: &Path) -> bool {
    fsio::read_opt(dir, "cgroup.events")
        .ok()
        .flatten()
        .and_then(|t| super::stats::keyed(&t, "frozen"))
        == Some(1)
}

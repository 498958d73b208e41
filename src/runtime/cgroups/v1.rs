//! cgroup v1 specifics: cpuset initialisation and the freezer state machine.

use std::path::Path;

use super::error::CgroupError;
use super::fsio;

/// A new v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems, and
/// the kernel refuses tasks (ENOSPC) until both are set: copy them down from
/// the nearest ancestor that has them. Walking up (rather than trusting that
/// whoever made `berth` filled it) covers another berth racing us to create
/// the shared parent, and a stale half-made cgroup. Usually this reads the
/// leaf and its parent and writes the leaf.
pub(crate) fn init_cpuset(mount: &Path, leaf: &Path) -> Result<(), CgroupError> {
    for file in ["cpuset.cpus", "cpuset.mems"] {
        let mut empty = Vec::new();
        let mut dir = leaf;
        let value = loop {
            let v = fsio::read(dir, file)?;
            if !v.is_empty() || dir == mount {
                break v;
            }
            empty.push(dir);
            match dir.parent() {
                Some(p) => dir = p,
                None => break v,
            }
        };
        for dir in empty.iter().rev() {
            fsio::write(dir, file, &value)?;
        }
    }
    Ok(())
}

/// Write FROZEN (or THAWED) to freezer.state; for FROZEN wait until the
/// kernel reports it, rewriting FROZEN while it says FREEZING (a task that
/// forked meanwhile can leave the cgroup stuck in FREEZING, as runc found).
pub(crate) fn set_frozen(dir: &Path, frozen: bool) -> Result<(), CgroupError> {
    if !frozen {
        return fsio::write(dir, "freezer.state", "THAWED");
    }
    let ok = super::poll_until(|| {
        fsio::write(dir, "freezer.state", "FROZEN")?;
        Ok(fsio::read(dir, "freezer.state")? == "FROZEN")
    })?;
    if !ok {
        let _ = fsio::write(dir, "freezer.state", "THAWED");
        return Err(CgroupError::FreezeTimeout {
            path: dir.to_path_buf(),
            seconds: super::FREEZE_TIMEOUT.as_secs(),
        });
    }
    Ok(())
}

pub(crate) fn is_frozen(dir: &Path) -> bool {
    fsio::read_opt(dir, "freezer.state")
        .ok()
        .flatten()
        .as_deref()
        == Some("FROZEN")
}

/// Whether the memory cgroup's OOM killer has killed a task.
///
/// Kernels since 4.13 count kills in memory.oom_control (`oom_kill N`). Older
/// ones have no counter; there the best signal is memory.failcnt > 0 (the
/// limit was hit), which over-reports for workloads that hit the limit and
/// were saved by reclaim — docker on those kernels listened for OOM events
/// instead, which needs a process watching from the start.
pub(crate) fn oom_killed(memory_dir: &Path) -> bool {
    let control = fsio::read_opt(memory_dir, "memory.oom_control")
        .ok()
        .flatten();
    match control
        .as_deref()
        .and_then(|t| super::stats::keyed(t, "oom_kill"))
    {
        Some(n) => n > 0,
        None => fsio::read_u64(memory_dir, "memory.failcnt")
            .ok()
            .flatten()
            .is_some_and(|n| n > 0),
    }
}

//! Container cgroups on v1 (including "hybrid" hosts) and v2: create a
//! container's cgroup with its limits, move processes in, update, read
//! stats, freeze for `pause`, kill everything inside, remove.
//!
//! # Why plain file writes, not cgroups-rs or libcgroups
//!
//! Creating a container's cgroup must cost a handful of syscalls on the
//! `berth run` path: here it is one mkdir per hierarchy, one write per limit,
//! and for cpuset two small copies (measured: about 0.5 ms on this v1 host).
//! cgroups-rs 0.5 (read at kata-containers/cgroups-rs `src/fs/hierarchies.rs`)
//! creates the cgroup in every mounted v1 subsystem, net_cls, perf_event,
//! hugetlb, rdma and misc included; parses only `cgroup` mounts, so a hybrid
//! host's cgroup2 tracking mount is invisible to it; hard-codes
//! `/sys/fs/cgroup` for v2 (no fake root for tests); and unwraps on odd
//! layouts. youki's libcgroups adds a systemd/D-Bus manager we do not use yet.
//! The kernel interface we need is a few dozen files, so it is written here
//! directly and unit-tested against a fake root ([`CgroupLayout::with_root`]).
//!
//! # Where containers go
//!
//! [`CgroupParent::Root`]`("berth")` (the default, like docker and podman with
//! the cgroupfs driver) puts container `<id>` at `berth/<id>` from the root of
//! every hierarchy: `/sys/fs/cgroup/<controller>/berth/<id>` on v1,
//! `/sys/fs/cgroup/berth/<id>` on v2. On v2 the controllers containers need
//! are enabled in `cgroup.subtree_control` of the root and of `berth`.
//!
//! [`CgroupParent::Current`] nests the container below the caller's own cgroup
//! (a systemd unit running `berth run` in the foreground): `<caller's
//! cgroup>/berth-<id12>` in every hierarchy ([`placement`] decides which
//! parent and name apply, and records where the cgroup went). On v2 a cgroup with processes cannot enable controllers for its
//! children, so when the caller's cgroup lacks them, berth moves every process
//! of that cgroup into the leaf `<caller's cgroup>/berth-supervisor` and then
//! enables the controllers (the rule systemd documents for delegated units:
//! the payload lives in leaves). The caller's ancestors are never touched.
//!
//! On a hybrid host the container also gets a cgroup in the controller-less
//! cgroup2 mount (as runc does), so systemd and `cgroup.kill` see it.
//!
//! Joining: [`Cgroup::open_procs_fds`] pre-opens every `cgroup.procs`; the
//! launcher's child calls [`join_self`], which writes "0" (the kernel's name
//! for "the writer") to each, so nothing is formatted or allocated after fork.

mod error;
mod fsio;
mod layout;
mod placement;
mod resources;
mod stats;
mod v1;
mod v2;

#[cfg(test)]
mod tests_fake;
#[cfg(test)]
mod tests_real;

use std::fs::OpenOptions;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Component, Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

pub use error::CgroupError;
pub use layout::{detect, CgroupLayout, CgroupVersion, DEFAULT_ROOT};
pub use placement::{
    decide, in_systemd_service, validate_parent, CgroupRecord, CgroupsMode, Placement,
    PlacementRequest, DEFAULT_PARENT,
};
pub use resources::{shares_to_weight, Resources};
pub use stats::Stats;
pub use v2::SUPERVISOR_LEAF;

use resources::Write;

/// How long `freeze` waits for the kernel to report the cgroup frozen.
pub(crate) const FREEZE_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether a rootless berth can make container cgroups: only on cgroup v2,
/// in a subtree delegated to the user (its own cgroup is writable, as under
/// a systemd user session). Never on v1, whose hierarchies root owns.
pub fn rootless_can_create(layout: &CgroupLayout) -> bool {
    match (&layout.version, &layout.unified) {
        (CgroupVersion::V2, Some(u)) => {
            nix::unistd::access(&u.mount.join(&u.current), nix::unistd::AccessFlags::W_OK).is_ok()
        }
        _ => false,
    }
}

/// Where container cgroups are created (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CgroupParent {
    /// A path from the root of each hierarchy, e.g. `berth` or `--cgroup-parent`.
    Root(String),
    /// Below the calling process's own cgroup.
    Current,
}

impl Default for CgroupParent {
    fn default() -> Self {
        CgroupParent::Root("berth".to_string())
    }
}

impl CgroupParent {
    /// The parent directory, relative to a hierarchy's mount, given the
    /// caller's cgroup in that hierarchy.
    fn below(&self, current: &Path) -> Result<PathBuf, CgroupError> {
        match self {
            CgroupParent::Current => Ok(current.to_path_buf()),
            CgroupParent::Root(name) => {
                let p = Path::new(name.trim_start_matches('/'));
                let ok = p.components().next().is_some()
                    && p.components().all(|c| matches!(c, Component::Normal(_)));
                if ok && !name.contains('\0') {
                    Ok(p.to_path_buf())
                } else {
                    Err(CgroupError::InvalidName(name.clone()))
                }
            }
        }
    }
}

fn check_id(id: &str) -> Result<(), CgroupError> {
    let ok = !id.is_empty() && id != "." && id != ".." && id.len() <= 255;
    if ok && !id.contains('/') && !id.contains('\0') {
        Ok(())
    } else {
        Err(CgroupError::InvalidName(id.to_string()))
    }
}

/// One container's cgroup, in every hierarchy it was placed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cgroup {
    version: CgroupVersion,
    /// v1: each joined hierarchy's controllers and the container's directory.
    v1: Vec<(Vec<String>, PathBuf)>,
    /// v2: the container's cgroup; hybrid v1: its process-tracking cgroup.
    unified: Option<PathBuf>,
}

/// Where a v1 hierarchy's cgroup for the container goes.
struct V1Place {
    controllers: Vec<String>,
    mount: PathBuf,
    rel: PathBuf,
}

/// Where the cgroup2 cgroup goes: below `mount/parent`; `nested` when
/// `parent` is the caller's own non-root cgroup.
struct UnifiedPlace {
    mount: PathBuf,
    parent: PathBuf,
    nested: bool,
}

/// The container's directory in each hierarchy, without touching the disk.
fn places(
    layout: &CgroupLayout,
    parent: &CgroupParent,
    id: &str,
) -> Result<(Vec<V1Place>, Option<UnifiedPlace>), CgroupError> {
    check_id(id)?;
    let mut v1 = Vec::new();
    for h in layout.v1.iter().filter(|h| h.is_used()) {
        v1.push(V1Place {
            controllers: h.controllers.clone(),
            mount: h.mount.clone(),
            rel: parent.below(&h.current)?.join(id),
        });
    }
    let unified = match &layout.unified {
        Some(u) => Some(UnifiedPlace {
            mount: u.mount.clone(),
            parent: parent.below(&u.current)?,
            nested: *parent == CgroupParent::Current && !u.current.as_os_str().is_empty(),
        }),
        None => None,
    };
    Ok((v1, unified))
}

impl Cgroup {
    /// Create the container's cgroup in every hierarchy and apply `res`.
    /// A limit whose controller is missing is an error naming the flag. On
    /// any error, whatever was created is removed again.
    pub fn create(
        layout: &CgroupLayout,
        parent: &CgroupParent,
        id: &str,
        res: &Resources,
    ) -> Result<Cgroup, CgroupError> {
        let (v1_places, unified) = places(layout, parent, id)?;
        let none = |_: &'static str| None;
        let writes = match layout.version {
            CgroupVersion::V1 => resources::plan_v1(res, &none)?,
            CgroupVersion::V2 => resources::plan_v2(res, &none)?,
        };
        let mut cg = Cgroup {
            version: layout.version,
            v1: Vec::new(),
            unified: None,
        };
        let result = (|| {
            match layout.version {
                CgroupVersion::V1 => {
                    // Fail before creating anything when a hierarchy is missing.
                    for w in &writes {
                        if layout.v1_hierarchy(w.controller).is_none() {
                            return Err(missing(w));
                        }
                    }
                    for p in v1_places {
                        fsio::mkdir_all(&p.mount, &p.rel)?;
                        let dir = p.mount.join(&p.rel);
                        let is_cpuset = p.controllers.iter().any(|c| c == "cpuset");
                        cg.v1.push((p.controllers, dir.clone()));
                        if is_cpuset {
                            v1::init_cpuset(&p.mount, &dir)?;
                        }
                    }
                    if let Some(u) = unified {
                        let rel = u.parent.join(id);
                        fsio::mkdir_all(&u.mount, &rel)?;
                        cg.unified = Some(u.mount.join(rel));
                    }
                }
                CgroupVersion::V2 => {
                    let u = unified.ok_or(CgroupError::NotMounted)?;
                    let required: Vec<_> = writes.iter().map(|w| (w.controller, w.flag)).collect();
                    cg.unified = Some(u.mount.join(&u.parent).join(id));
                    v2::create(&u.mount, &u.parent, id, &required, u.nested)?;
                }
            }
            cg.apply(&writes)
        })();
        match result {
            Ok(()) => Ok(cg),
            Err(e) => {
                let _ = cg.destroy();
                Err(e)
            }
        }
    }

    /// The container's existing cgroup, or `None` when it has none.
    pub fn open(
        layout: &CgroupLayout,
        parent: &CgroupParent,
        id: &str,
    ) -> Result<Option<Cgroup>, CgroupError> {
        let (v1_places, unified) = places(layout, parent, id)?;
        let cg = Cgroup {
            version: layout.version,
            v1: v1_places
                .into_iter()
                .map(|p| (p.controllers, p.mount.join(p.rel)))
                .filter(|(_, dir)| dir.is_dir())
                .collect(),
            unified: unified
                .map(|u| u.mount.join(u.parent).join(id))
                .filter(|dir| dir.is_dir()),
        };
        Ok((!cg.v1.is_empty() || cg.unified.is_some()).then_some(cg))
    }

    /// No cgroup at all (`--cgroups=disabled`): the container stays in its
    /// supervisor's cgroup; joining, limits and destroy do nothing.
    pub fn none(version: CgroupVersion) -> Cgroup {
        Cgroup {
            version,
            v1: Vec::new(),
            unified: None,
        }
    }

    /// Whether this is [`Cgroup::none`].
    pub fn is_none(&self) -> bool {
        self.v1.is_empty() && self.unified.is_none()
    }

    pub fn version(&self) -> CgroupVersion {
        self.version
    }

    /// Every directory of this cgroup (one per hierarchy).
    pub fn dirs(&self) -> Vec<PathBuf> {
        self.v1
            .iter()
            .map(|(_, d)| d.clone())
            .chain(self.unified.clone())
            .collect()
    }

    /// The `cgroup.procs` files a process must be written to, one per hierarchy.
    pub fn procs_files(&self) -> Vec<PathBuf> {
        self.dirs()
            .into_iter()
            .map(|d| d.join("cgroup.procs"))
            .collect()
    }

    /// Open every `cgroup.procs` for writing (close-on-exec), before forking,
    /// so the child can join with [`join_self`] without allocating.
    pub fn open_procs_fds(&self) -> Result<Vec<OwnedFd>, CgroupError> {
        self.procs_files()
            .into_iter()
            .map(|p| {
                OpenOptions::new()
                    .write(true)
                    .open(&p)
                    .map(OwnedFd::from)
                    .map_err(|e| CgroupError::io("open", p, e))
            })
            .collect()
    }

    /// Move process `pid` (all its threads) into this cgroup.
    pub fn add_pid(&self, pid: i32) -> Result<(), CgroupError> {
        let pid = pid.to_string();
        for p in self.procs_files() {
            fsio::write_path(&p, &pid)?;
        }
        Ok(())
    }

    /// Change limits of a running container (`berth update`).
    pub fn update(&self, res: &Resources) -> Result<(), CgroupError> {
        let current = |file: &'static str| {
            let controller = file.split('.').next().unwrap_or(file);
            self.control_dir(controller)
                .and_then(|d| fsio::read_opt(d, file).ok().flatten())
        };
        let writes = match self.version {
            CgroupVersion::V1 => resources::plan_v1(res, &current)?,
            CgroupVersion::V2 => resources::plan_v2(res, &current)?,
        };
        self.apply(&writes)
    }

    /// The spec's device rules (`linux.resources.devices`), in order, on the
    /// v1 devices controller: docker's deny-all first, then the allowed
    /// nodes, so a container cannot mknod its way to the host's disks.
    /// cgroup v2 filters devices with eBPF, which berth does not load yet:
    /// there the rules are left to the user namespace and capabilities.
    pub fn apply_device_rules(
        &self,
        rules: &[oci_spec::runtime::LinuxDeviceCgroup],
    ) -> Result<(), CgroupError> {
        let Some(dir) = self
            .v1_dir("devices")
            .filter(|_| self.version == CgroupVersion::V1)
        else {
            return Ok(());
        };
        // Each write to devices.allow/deny is one rule; keep both files open
        // rather than opening one per rule.
        let open = |name: &str| {
            std::fs::OpenOptions::new()
                .write(true)
                .open(dir.join(name))
                .map_err(|e| CgroupError::io("open", dir.join(name), e))
        };
        let mut allow = open("devices.allow")?;
        let mut deny = open("devices.deny")?;
        for r in rules {
            let (file, name) = if r.allow() {
                (&mut allow, "devices.allow")
            } else {
                (&mut deny, "devices.deny")
            };
            std::io::Write::write_all(file, device_rule_line(r).as_bytes())
                .map_err(|e| CgroupError::io("write", dir.join(name), e))?;
        }
        Ok(())
    }

    /// Current usage counters. Fails when the cgroup is gone (the
    /// container was removed); counters of absent controllers read as 0.
    pub fn stats(&self) -> Result<Stats, CgroupError> {
        if let Some(dir) = self.dirs().into_iter().find(|d| !d.is_dir()) {
            let gone = std::io::Error::from(std::io::ErrorKind::NotFound);
            return Err(CgroupError::io("read", dir, gone));
        }
        match self.version {
            CgroupVersion::V1 => stats::v1(
                self.v1_dir("cpuacct"),
                self.v1_dir("memory"),
                self.v1_dir("pids"),
                self.v1_dir("blkio"),
            ),
            CgroupVersion::V2 => match &self.unified {
                Some(d) => stats::v2(d),
                None => Ok(Stats::default()),
            },
        }
    }

    /// Stop every process (`berth pause`); returns once the kernel reports
    /// the cgroup frozen.
    pub fn freeze(&self) -> Result<(), CgroupError> {
        self.set_frozen(true)
    }

    /// Resume after [`Cgroup::freeze`] (`berth unpause`).
    pub fn thaw(&self) -> Result<(), CgroupError> {
        self.set_frozen(false)
    }

    pub fn is_frozen(&self) -> bool {
        match (self.version, self.v1_dir("freezer"), &self.unified) {
            (CgroupVersion::V1, Some(d), _) => v1::is_frozen(d),
            (_, _, Some(u)) => v2::is_frozen(u),
            _ => false,
        }
    }

    fn set_frozen(&self, frozen: bool) -> Result<(), CgroupError> {
        match (self.version, self.v1_dir("freezer"), &self.unified) {
            (CgroupVersion::V1, Some(d), _) => v1::set_frozen(d, frozen),
            // A hybrid host without a v1 freezer: the cgroup2 freezer works
            // on the tracking hierarchy too.
            (_, _, Some(u)) if u.join("cgroup.freeze").exists() => v2::set_frozen(u, frozen),
            _ => Err(CgroupError::NoFreezer),
        }
    }

    /// Whether the kernel's OOM killer killed a process in this cgroup
    /// (docker's `State.OOMKilled`). v2: `oom_kill` in memory.events; v1: see
    /// [`v1::oom_killed`] for the counter and the fallback on old kernels.
    pub fn oom_killed(&self) -> bool {
        match self.version {
            CgroupVersion::V1 => self.v1_dir("memory").is_some_and(v1::oom_killed),
            CgroupVersion::V2 => self.unified.as_ref().is_some_and(|d| {
                fsio::read_opt(d, "memory.events")
                    .ok()
                    .flatten()
                    .and_then(|t| stats::keyed(&t, "oom_kill"))
                    .is_some_and(|n| n > 0)
            }),
        }
    }

    /// Every process in the cgroup and any sub-cgroups the container made.
    pub fn pids(&self) -> Result<Vec<i32>, CgroupError> {
        let dir = ["freezer", "pids", "memory"]
            .iter()
            .find_map(|c| self.v1_dir(c))
            .or(self.unified.as_deref())
            .or(self.v1.first().map(|(_, d)| d.as_path()));
        let mut pids = Vec::new();
        if let Some(dir) = dir {
            fsio::procs_recursive(dir, &mut pids)?;
        }
        pids.sort_unstable();
        pids.dedup();
        Ok(pids)
    }

    /// Send `sig` to every process. SIGKILL uses `cgroup.kill` where the
    /// kernel has it (5.14+, v2 or a hybrid host's tracking cgroup). Otherwise
    /// the cgroup is frozen while the signals go out, so nothing forks past the
    /// list (runc does the same); a paused container stays paused, except that
    /// SIGKILL thaws it so the processes can die.
    pub fn kill_all(&self, sig: Signal) -> Result<(), CgroupError> {
        if sig == Signal::SIGKILL {
            if let Some(u) = self
                .unified
                .as_ref()
                .filter(|u| u.join("cgroup.kill").exists())
            {
                fsio::write(u, "cgroup.kill", "1")?;
                // A v1-frozen task holds the signal until thawed.
                if self.is_frozen() {
                    self.thaw()?;
                }
                return Ok(());
            }
        }
        let was_frozen = self.is_frozen();
        // Best effort: without a freezer, or if it times out, signal anyway.
        let froze = !was_frozen && self.freeze().is_ok();
        let result = self.pids().map(|pids| {
            for pid in pids {
                // ESRCH: it exited meanwhile.
                let _ = kill(Pid::from_raw(pid), sig);
            }
        });
        if froze || (was_frozen && sig == Signal::SIGKILL) {
            self.thaw()?;
        }
        result
    }

    /// Remove the cgroup from every hierarchy. Idempotent; retries briefly
    /// while the kernel finishes with killed processes. The shared parent
    /// (`berth`) is left in place for other containers.
    pub fn destroy(&self) -> Result<(), CgroupError> {
        let mut first_err = None;
        for dir in self.dirs() {
            if let Err(e) = fsio::remove_tree(&dir) {
                first_err.get_or_insert(e);
            }
        }
        first_err.map_or(Ok(()), Err)
    }

    fn v1_dir(&self, controller: &str) -> Option<&Path> {
        self.v1
            .iter()
            .find(|(c, _)| c.iter().any(|c| c == controller))
            .map(|(_, d)| d.as_path())
    }

    /// The directory holding `controller`'s files.
    fn control_dir(&self, controller: &str) -> Option<&Path> {
        match self.version {
            CgroupVersion::V1 => self.v1_dir(controller),
            CgroupVersion::V2 => self.unified.as_deref(),
        }
    }

    /// Apply planned writes in order; a pair the kernel checks together is
    /// swapped when the first write fails with EINVAL.
    fn apply(&self, writes: &[Write]) -> Result<(), CgroupError> {
        let write = |w: &Write| -> Result<(), CgroupError> {
            let dir = self.control_dir(w.controller).ok_or_else(|| missing(w))?;
            fsio::write(dir, w.file, &w.value).map_err(|e| explain(e, w))
        };
        let mut i = 0;
        while i < writes.len() {
            let w = &writes[i];
            match write(w) {
                Ok(()) => i += 1,
                Err(CgroupError::Io { source, .. })
                    if source.raw_os_error() == Some(libc::EINVAL)
                        && w.swap_with_next_on_einval
                        && i + 1 < writes.len() =>
                {
                    write(&writes[i + 1])?;
                    write(w)?;
                    i += 2;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// One v1 `devices.allow`/`devices.deny` line: `c 1:3 rwm`, `a *:* rwm`.
fn device_rule_line(r: &oci_spec::runtime::LinuxDeviceCgroup) -> String {
    use oci_spec::runtime::LinuxDeviceType;
    let typ = match r.typ() {
        Some(LinuxDeviceType::C) | Some(LinuxDeviceType::U) => "c",
        Some(LinuxDeviceType::B) => "b",
        Some(LinuxDeviceType::P) => "p",
        Some(LinuxDeviceType::A) | None => "a",
    };
    let num = |n: Option<i64>| {
        n.filter(|n| *n >= 0)
            .map_or("*".to_string(), |n| n.to_string())
    };
    let access = r
        .access()
        .clone()
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "rwm".into());
    if typ == "a" {
        return format!("a *:* {access}");
    }
    format!("{typ} {}:{} {access}", num(r.major()), num(r.minor()))
}

fn missing(w: &Write) -> CgroupError {
    CgroupError::ControllerMissing {
        flag: w.flag,
        controller: w.controller,
    }
}

/// A control file that does not exist means its controller (or swap
/// accounting) is not there: say which flag cannot be honoured.
fn explain(e: CgroupError, w: &Write) -> CgroupError {
    match &e {
        CgroupError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            if w.file.contains("swap") || w.file.contains("memsw") {
                CgroupError::SwapAccountingMissing { flag: w.flag }
            } else {
                missing(w)
            }
        }
        _ => e,
    }
}

/// Join every cgroup whose `cgroup.procs` is open in `fds` by writing "0",
/// which the kernel reads as "the writing process". Safe to call between
/// fork and exec: no allocation, no locks. Call it before unsharing the
/// cgroup namespace, so that the namespace's root is the container's cgroup.
pub fn join_self(fds: &[OwnedFd]) -> nix::Result<()> {
    for fd in fds {
        nix::unistd::write(fd.as_fd(), b"0")?;
    }
    Ok(())
}

/// Poll `check` with a growing pause until it is true or FREEZE_TIMEOUT passes.
pub(crate) fn poll_until(
    mut check: impl FnMut() -> Result<bool, CgroupError>,
) -> Result<bool, CgroupError> {
    let deadline = Instant::now() + FREEZE_TIMEOUT;
    let mut pause = Duration::from_micros(100);
    loop {
        if check()? {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

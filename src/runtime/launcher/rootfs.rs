//! The container's filesystem: rootfs mount, the spec's mounts in order,
//! pivot_root, masked and read-only paths (runc's rootfs_linux.go order).

use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::mount::{MntFlags, MsFlags};
use oci_spec::runtime::{Mount, Spec};

use super::devices;
use super::sync::{ChildError, Stage};
use super::syscall::Syscall;
use super::RootfsSource;

/// Facts about the host the mount plan depends on, decided by the parent.
#[derive(Debug, Clone, Copy, Default)]
pub struct MountEnv {
    /// The child is in a new user namespace (devices are bind-mounted,
    /// overlay needs `userxattr`).
    pub in_userns: bool,
    /// The host runs the unified cgroup v2 hierarchy. On v1 a `cgroup`
    /// mount is skipped (documented limitation).
    pub cgroup2: bool,
}

/// fstab-style mount options split into what mount(2) wants.
#[derive(Debug, PartialEq, Eq)]
pub struct MountOptions {
    pub flags: MsFlags,
    pub propagation: Vec<MsFlags>,
    /// Filesystem-specific options, comma-joined (`mode=755,size=65536k`).
    pub data: String,
    pub bind: bool,
}

/// Parses a spec mount's options as runc does.
pub fn parse_options(opts: &[String]) -> MountOptions {
    let mut out = MountOptions {
        flags: MsFlags::empty(),
        propagation: Vec::new(),
        data: String::new(),
        bind: false,
    };
    for o in opts {
        let (set, clear) = match o.as_str() {
            "ro" => (MsFlags::MS_RDONLY, MsFlags::empty()),
            "rw" => (MsFlags::empty(), MsFlags::MS_RDONLY),
            "nosuid" => (MsFlags::MS_NOSUID, MsFlags::empty()),
            "suid" => (MsFlags::empty(), MsFlags::MS_NOSUID),
            "nodev" => (MsFlags::MS_NODEV, MsFlags::empty()),
            "dev" => (MsFlags::empty(), MsFlags::MS_NODEV),
            "noexec" => (MsFlags::MS_NOEXEC, MsFlags::empty()),
            "exec" => (MsFlags::empty(), MsFlags::MS_NOEXEC),
            "sync" => (MsFlags::MS_SYNCHRONOUS, MsFlags::empty()),
            "async" => (MsFlags::empty(), MsFlags::MS_SYNCHRONOUS),
            "dirsync" => (MsFlags::MS_DIRSYNC, MsFlags::empty()),
            "mand" => (MsFlags::MS_MANDLOCK, MsFlags::empty()),
            "nomand" => (MsFlags::empty(), MsFlags::MS_MANDLOCK),
            "noatime" => (MsFlags::MS_NOATIME, MsFlags::empty()),
            "atime" => (MsFlags::empty(), MsFlags::MS_NOATIME),
            "nodiratime" => (MsFlags::MS_NODIRATIME, MsFlags::empty()),
            "diratime" => (MsFlags::empty(), MsFlags::MS_NODIRATIME),
            "relatime" => (MsFlags::MS_RELATIME, MsFlags::empty()),
            "norelatime" => (MsFlags::empty(), MsFlags::MS_RELATIME),
            "strictatime" => (MsFlags::MS_STRICTATIME, MsFlags::empty()),
            "nostrictatime" => (MsFlags::empty(), MsFlags::MS_STRICTATIME),
            "bind" => {
                out.bind = true;
                (MsFlags::MS_BIND, MsFlags::empty())
            }
            "rbind" => {
                out.bind = true;
                (MsFlags::MS_BIND | MsFlags::MS_REC, MsFlags::empty())
            }
            _ => {
                if let Some(p) = propagation_flags(o) {
                    out.propagation.push(p);
                } else if !o.is_empty() {
                    if !out.data.is_empty() {
                        out.data.push(',');
                    }
                    out.data.push_str(o);
                }
                continue;
            }
        };
        out.flags = (out.flags | set) & !clear;
    }
    out
}

fn propagation_flags(o: &str) -> Option<MsFlags> {
    Some(match o {
        "private" => MsFlags::MS_PRIVATE,
        "rprivate" => MsFlags::MS_PRIVATE | MsFlags::MS_REC,
        "shared" => MsFlags::MS_SHARED,
        "rshared" => MsFlags::MS_SHARED | MsFlags::MS_REC,
        "slave" => MsFlags::MS_SLAVE,
        "rslave" => MsFlags::MS_SLAVE | MsFlags::MS_REC,
        "unbindable" => MsFlags::MS_UNBINDABLE,
        "runbindable" => MsFlags::MS_UNBINDABLE | MsFlags::MS_REC,
        _ => return None,
    })
}

fn err(stage: Stage, what: String) -> impl FnOnce(Errno) -> ChildError {
    move |e| ChildError::new(stage, e, what)
}

/// Mount flags a bind remount must keep: in a user namespace the kernel
/// refuses to clear locked flags, and elsewhere dropping them would quietly
/// relax (say) /proc's nosuid on a read-only bind of /proc/sys.
const KEEP_ON_REMOUNT: MsFlags = MsFlags::MS_NOSUID
    .union(MsFlags::MS_NODEV)
    .union(MsFlags::MS_NOEXEC)
    .union(MsFlags::MS_NOATIME)
    .union(MsFlags::MS_NODIRATIME)
    .union(MsFlags::MS_RELATIME);

/// Everything before pivot_root: propagation of `/`, the rootfs, the
/// spec's mounts in order, and /dev. Returns the rootfs path to pivot into.
pub fn prepare(
    sys: &dyn Syscall,
    spec: &Spec,
    source: &RootfsSource,
    env: MountEnv,
) -> Result<PathBuf, ChildError> {
    let linux = spec.linux().as_ref();
    let prop = linux
        .and_then(|l| l.rootfs_propagation().as_deref())
        .and_then(propagation_flags)
        // Shared propagation would leak our mounts to the host; start as
        // slave like runc and let the spec's own mounts opt in.
        .filter(|f| !f.contains(MsFlags::MS_SHARED))
        .unwrap_or(MsFlags::MS_SLAVE | MsFlags::MS_REC);
    sys.mount(None, Path::new("/"), None, prop, None)
        .map_err(err(Stage::Rootfs, "make / a slave mount".into()))?;

    let root = match source {
        RootfsSource::Overlay {
            layers_root,
            lower,
            upper,
            work,
            mountpoint,
        } => {
            // Relative lowerdirs keep the options under one page even for
            // images with many layers (containers/storage does the same).
            sys.chdir(layers_root).map_err(err(
                Stage::Rootfs,
                format!("chdir to {}", layers_root.display()),
            ))?;
            let data = overlay_data(lower, upper, work, env.in_userns)?;
            sys.mount(
                Some(Path::new("overlay")),
                mountpoint,
                Some("overlay"),
                MsFlags::empty(),
                Some(&data),
            )
            .map_err(err(
                Stage::Rootfs,
                format!("mount overlay on {}", mountpoint.display()),
            ))?;
            mountpoint.clone()
        }
        RootfsSource::Dir(dir) => {
            // pivot_root needs the new root to be a mount point.
            sys.mount(
                Some(dir),
                dir,
                None,
                MsFlags::MS_BIND | MsFlags::MS_REC,
                None,
            )
            .map_err(err(
                Stage::Rootfs,
                format!("bind mount rootfs {}", dir.display()),
            ))?;
            dir.clone()
        }
    };

    for m in spec.mounts().iter().flatten() {
        mount_one(sys, &root, m, env)?;
    }
    let dev_mount = spec
        .mounts()
        .iter()
        .flatten()
        .find(|m| m.destination() == Path::new("/dev"));
    // A bind of the host's /dev brings its own nodes; only a fresh tmpfs
    // needs them created (runc skips the same way).
    if dev_mount.is_some_and(|m| !parse_options(m.options().as_deref().unwrap_or(&[])).bind) {
        let has_devpts = spec.mounts().iter().flatten().any(|m| {
            m.destination() == Path::new("/dev/pts") && m.typ().as_deref() == Some("devpts")
        });
        devices::populate(sys, &root, spec, env.in_userns, has_devpts)?;
    }
    Ok(root)
}

fn overlay_data(
    lower: &[PathBuf],
    upper: &Path,
    work: &Path,
    userns: bool,
) -> Result<String, ChildError> {
    let lowers: Vec<String> = lower.iter().map(|p| p.display().to_string()).collect();
    let mut data = format!(
        "lowerdir={},upperdir={},workdir={}",
        lowers.join(":"),
        upper.display(),
        work.display()
    );
    if userns {
        data.push_str(",userxattr");
    }
    // mount(2) copies at most one page of options.
    if data.len() >= 4096 {
        return Err(ChildError::new(
            Stage::Rootfs,
            Errno::E2BIG,
            format!(
                "overlay options are {} bytes, over one page; use shorter layer links",
                data.len()
            ),
        ));
    }
    Ok(data)
}

fn mount_one(sys: &dyn Syscall, root: &Path, m: &Mount, env: MountEnv) -> Result<(), ChildError> {
    let dest = m.destination();
    let typ = m.typ().as_deref().unwrap_or("");
    let opts = parse_options(m.options().as_deref().unwrap_or(&[]));
    let what = |verb: &str| format!("{verb} {typ} on {}", dest.display());
    if typ == "cgroup" || typ == "cgroup2" {
        if !env.cgroup2 {
            // cgroup v1 in the container needs a tmpfs of per-hierarchy
            // binds; not done yet, so the container sees no /sys/fs/cgroup.
            return Ok(());
        }
        let target = sys
            .ensure_path_in_root(root, dest, false)
            .map_err(err(Stage::Mounts, what("create mountpoint for")))?;
        return sys
            .mount(
                Some(Path::new("cgroup2")),
                &target,
                Some("cgroup2"),
                opts.flags,
                None,
            )
            .map_err(err(Stage::Mounts, what("mount")));
    }
    let target = if typ == "bind" || opts.bind {
        let src = m.source().as_deref().ok_or_else(|| {
            ChildError::new(
                Stage::Mounts,
                Errno::EINVAL,
                format!("bind mount on {} has no source", dest.display()),
            )
        })?;
        let dir = sys.is_dir(src).map_err(err(
            Stage::Mounts,
            format!("bind mount source {}", src.display()),
        ))?;
        let target = sys
            .ensure_path_in_root(root, dest, !dir)
            .map_err(err(Stage::Mounts, what("create mountpoint for")))?;
        let rec = opts.flags & MsFlags::MS_REC;
        sys.mount(Some(src), &target, None, MsFlags::MS_BIND | rec, None)
            .map_err(err(
                Stage::Mounts,
                format!("bind mount {} on {}", src.display(), dest.display()),
            ))?;
        // A bind ignores every flag but MS_REC: ro/nosuid/... need a remount.
        let extra = opts.flags - (MsFlags::MS_BIND | MsFlags::MS_REC);
        if !extra.is_empty() {
            let keep = sys
                .mount_flags(&target)
                .map_err(err(Stage::Mounts, format!("statfs {}", dest.display())))?
                & KEEP_ON_REMOUNT;
            sys.mount(
                None,
                &target,
                None,
                MsFlags::MS_BIND | MsFlags::MS_REMOUNT | extra | keep | rec,
                None,
            )
            .map_err(err(
                Stage::Mounts,
                format!("remount {} with its options", dest.display()),
            ))?;
        }
        target
    } else {
        let target = sys
            .ensure_path_in_root(root, dest, false)
            .map_err(err(Stage::Mounts, what("create mountpoint for")))?;
        let src = m.source().clone().unwrap_or_else(|| PathBuf::from(typ));
        let data = (!opts.data.is_empty()).then_some(opts.data.as_str());
        sys.mount(Some(&src), &target, Some(typ), opts.flags, data)
            .map_err(err(Stage::Mounts, what("mount")))?;
        target
    };
    for p in opts.propagation {
        sys.mount(None, &target, None, p, None).map_err(err(
            Stage::Mounts,
            format!("set propagation of {}", dest.display()),
        ))?;
    }
    Ok(())
}

/// pivot_root into `root` with the pivot_root(".", ".") trick: the old
/// root ends up stacked on the new one and is lazily detached, so no
/// put_old directory is needed inside the image.
pub fn pivot(sys: &dyn Syscall, root: &Path) -> Result<(), ChildError> {
    let dot = Path::new(".");
    sys.chdir(root)
        .map_err(err(Stage::Pivot, format!("chdir to {}", root.display())))?;
    sys.pivot_root(dot, dot).map_err(err(
        Stage::Pivot,
        format!("pivot_root to {}", root.display()),
    ))?;
    // Make sure the unmount of the old root cannot propagate to the host.
    sys.mount(None, dot, None, MsFlags::MS_SLAVE | MsFlags::MS_REC, None)
        .map_err(err(Stage::Pivot, "make the old root a slave".into()))?;
    sys.umount2(dot, MntFlags::MNT_DETACH)
        .map_err(err(Stage::Pivot, "detach the old root".into()))?;
    sys.chdir(Path::new("/"))
        .map_err(err(Stage::Pivot, "chdir to /".into()))
}

/// After pivot_root: masked paths, read-only paths, read-only rootfs.
pub fn finish(sys: &dyn Syscall, spec: &Spec) -> Result<(), ChildError> {
    let linux = spec.linux().as_ref();
    for p in linux
        .and_then(|l| l.masked_paths().as_ref())
        .into_iter()
        .flatten()
    {
        let path = Path::new(p);
        let dir = match sys.is_dir(path) {
            Ok(d) => d,
            Err(Errno::ENOENT) => continue,
            Err(e) => {
                return Err(ChildError::new(
                    Stage::Paths,
                    e,
                    format!("stat masked path {p}"),
                ))
            }
        };
        let r = if dir {
            sys.mount(
                Some(Path::new("tmpfs")),
                path,
                Some("tmpfs"),
                MsFlags::MS_RDONLY,
                None,
            )
        } else {
            sys.mount(
                Some(Path::new("/dev/null")),
                path,
                None,
                MsFlags::MS_BIND,
                None,
            )
        };
        r.map_err(err(Stage::Paths, format!("mask {p}")))?;
    }
    for p in linux
        .and_then(|l| l.readonly_paths().as_ref())
        .into_iter()
        .flatten()
    {
        let path = Path::new(p);
        match sys.is_dir(path) {
            Ok(_) => {}
            Err(Errno::ENOENT) => continue,
            Err(e) => {
                return Err(ChildError::new(
                    Stage::Paths,
                    e,
                    format!("stat read-only path {p}"),
                ))
            }
        }
        let rec = MsFlags::MS_BIND | MsFlags::MS_REC;
        sys.mount(Some(path), path, None, rec, None)
            .map_err(err(Stage::Paths, format!("bind {p}")))?;
        remount_ro(sys, path).map_err(err(Stage::Paths, format!("make {p} read-only")))?;
    }
    if spec
        .root()
        .as_ref()
        .and_then(|r| r.readonly())
        .unwrap_or(false)
    {
        remount_ro(sys, Path::new("/"))
            .map_err(err(Stage::Paths, "make the rootfs read-only".into()))?;
    }
    Ok(())
}

fn remount_ro(sys: &dyn Syscall, path: &Path) -> Result<(), Errno> {
    let keep = sys.mount_flags(path)? & KEEP_ON_REMOUNT;
    let flags =
        MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY | MsFlags::MS_REC | keep;
    sys.mount(None, path, None, flags, None)
}

//! /dev inside a fresh tmpfs: device nodes and the standard symlinks.

use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::mount::MsFlags;
use nix::sys::stat::{Mode, SFlag};
use oci_spec::runtime::{LinuxDeviceType, Spec};

use super::sync::{ChildError, Stage};
use super::syscall::Syscall;

/// A device node to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceNode {
    pub path: PathBuf,
    pub kind: SFlag,
    pub major: u64,
    pub minor: u64,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

/// The nodes every container gets even when the spec lists none (runc's
/// `AllowedDevices`): null, zero, full, random, urandom, tty.
fn default_nodes() -> Vec<DeviceNode> {
    [
        ("null", 1, 3),
        ("zero", 1, 5),
        ("full", 1, 7),
        ("random", 1, 8),
        ("urandom", 1, 9),
        ("tty", 5, 0),
    ]
    .into_iter()
    .map(|(n, major, minor)| DeviceNode {
        path: PathBuf::from("/dev").join(n),
        kind: SFlag::S_IFCHR,
        major,
        minor,
        mode: 0o666,
        uid: 0,
        gid: 0,
    })
    .collect()
}

/// The defaults plus the spec's devices (the spec wins on the same path).
pub fn nodes_for(spec: &Spec) -> Vec<DeviceNode> {
    let mut nodes = default_nodes();
    for d in spec
        .linux()
        .as_ref()
        .and_then(|l| l.devices().as_ref())
        .into_iter()
        .flatten()
    {
        let kind = match d.typ() {
            LinuxDeviceType::B => SFlag::S_IFBLK,
            LinuxDeviceType::P => SFlag::S_IFIFO,
            _ => SFlag::S_IFCHR,
        };
        let node = DeviceNode {
            path: d.path().clone(),
            kind,
            major: d.major().max(0) as u64,
            minor: d.minor().max(0) as u64,
            mode: d.file_mode().unwrap_or(0o666) & 0o7777,
            uid: d.uid().unwrap_or(0),
            gid: d.gid().unwrap_or(0),
        };
        nodes.retain(|n| n.path != node.path);
        nodes.push(node);
    }
    nodes
}

/// Creates the device nodes and symlinks in `root`'s /dev. In a user
/// namespace mknod is not allowed, so the host's node is bind-mounted.
pub fn populate(
    sys: &dyn Syscall,
    root: &Path,
    spec: &Spec,
    in_userns: bool,
    has_devpts: bool,
) -> Result<(), ChildError> {
    // The spec's modes are exact: no umask in between (runc does the same).
    let old = nix::sys::stat::umask(Mode::empty());
    let r = create_nodes(sys, root, spec, in_userns);
    nix::sys::stat::umask(old);
    r?;
    let mut links = vec![
        ("/proc/self/fd", "fd"),
        ("/proc/self/fd/0", "stdin"),
        ("/proc/self/fd/1", "stdout"),
        ("/proc/self/fd/2", "stderr"),
        ("/proc/kcore", "core"),
    ];
    if has_devpts {
        links.push(("pts/ptmx", "ptmx"));
    }
    let dev = sys
        .ensure_path_in_root(root, Path::new("/dev"), false)
        .map_err(|e| ChildError::new(Stage::Devices, e, "open /dev"))?;
    for (target, name) in links {
        match sys.symlink(Path::new(target), &dev.join(name)) {
            Ok(()) | Err(Errno::EEXIST) => {}
            Err(e) => {
                return Err(ChildError::new(
                    Stage::Devices,
                    e,
                    format!("symlink /dev/{name}"),
                ))
            }
        }
    }
    Ok(())
}

fn create_nodes(
    sys: &dyn Syscall,
    root: &Path,
    spec: &Spec,
    in_userns: bool,
) -> Result<(), ChildError> {
    for n in nodes_for(spec) {
        let what = |v: &str| format!("{v} {}", n.path.display());
        if in_userns {
            let target = sys
                .ensure_path_in_root(root, &n.path, true)
                .map_err(|e| ChildError::new(Stage::Devices, e, what("create")))?;
            sys.mount(Some(&n.path), &target, None, MsFlags::MS_BIND, None)
                .map_err(|e| ChildError::new(Stage::Devices, e, what("bind mount the host's")))?;
            continue;
        }
        let (parent, name) = match (n.path.parent(), n.path.file_name()) {
            (Some(p), Some(f)) => (p, f),
            _ => {
                return Err(ChildError::new(
                    Stage::Devices,
                    Errno::EINVAL,
                    what("bad device path"),
                ))
            }
        };
        let dir = sys
            .ensure_path_in_root(root, parent, false)
            .map_err(|e| ChildError::new(Stage::Devices, e, what("create the directory of")))?;
        let target = dir.join(name);
        let dev = nix::sys::stat::makedev(n.major, n.minor);
        match sys.mknod(&target, n.kind, n.mode, dev) {
            Ok(()) => {}
            Err(Errno::EEXIST) => continue,
            Err(e) => return Err(ChildError::new(Stage::Devices, e, what("mknod"))),
        }
        if n.uid != 0 || n.gid != 0 {
            sys.lchown(&target, n.uid, n.gid)
                .map_err(|e| ChildError::new(Stage::Devices, e, what("chown")))?;
        }
    }
    Ok(())
}

//! Mounting a container's or an image's filesystem on the host, for tools
//! that want to read it (podman's `container mount` / `image mount`):
//!
//! - a container's overlay goes to `containers/<id>/merged`, the path its
//!   own launches use; a container started while mounted runs on that very
//!   mount (see `engine::launch_container`), so no two overlays ever share
//!   one upper directory;
//! - an image's layers go read-only to `<runroot>/image-mounts/<id>`
//!   (mounts are run state: they do not survive a reboot).
//!
//! The kernel's mount table is the only record: "mounted" means the path is
//! a mount point in `/proc/self/mountinfo`.

use crate::store::containers::mounts::unescape_mountinfo;
use std::path::{Path, PathBuf};

use nix::mount::{mount, umount2, MntFlags, MsFlags};

use super::error::{Result, RuntimeError};
use crate::store::containers::{ContainerEntry, ContainerStatus};
use crate::store::{ImageRecord, Store};

/// Where `container mount` mounts a container.
pub fn container_mountpoint(store: &Store, id: &str) -> PathBuf {
    store.container_dir(id).join("merged")
}

/// Where `image mount` mounts an image.
pub fn image_mountpoint(store: &Store, image: &ImageRecord) -> PathBuf {
    store
        .paths()
        .runroot
        .join("image-mounts")
        .join(image.id.hex())
}

/// True when `path` is a mount point in this mount namespace.
pub fn is_mountpoint(path: &Path) -> bool {
    let Ok(path) = std::fs::canonicalize(path) else {
        return false;
    };
    let Ok(info) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return false;
    };
    info.lines()
        .filter_map(|l| l.split(' ').nth(4))
        .any(|p| Path::new(&unescape_mountinfo(p)) == path)
}

/// The CLI's `container mount`/`image mount` as a rootless user: the mount
/// is made in berth's mount namespace, which only processes inside it see,
/// so (as podman) they are refused unless run from `berth unshare`. Builds
/// and other internal users mount freely: they run inside.
pub fn check_visible_mount(store: &Store, what: &str) -> Result<()> {
    if store.paths().rootless && !crate::runtime::userns::invoked_inside() {
        return Err(RuntimeError::Invalid(format!(
            "{what}: a rootless mount exists only inside berth's user namespace; run it under `berth unshare`"
        )));
    }
    Ok(())
}

/// `berth container mount`: mounts the container's root filesystem on the
/// host and returns the path. Mounting a mounted container returns the same path.
pub fn mount_container(store: &Store, entry: &ContainerEntry) -> Result<PathBuf> {
    if let Some(dir) = &entry.rootfs {
        // `--rootfs` containers already are a host directory.
        return Ok(dir.clone());
    }
    let target = container_mountpoint(store, &entry.id);
    if is_mountpoint(&target) {
        return Ok(target);
    }
    if matches!(
        entry.state.status,
        ContainerStatus::Running | ContainerStatus::Paused | ContainerStatus::Restarting
    ) && !entry.state.is_stale()
    {
        // Its overlay lives in the container's own mount namespace; a
        // second overlay over the same upper dir is undefined behaviour.
        return Err(RuntimeError::Invalid(format!(
            "container {} is running: its root filesystem is visible at /proc/{}/root; stop it to mount it",
            entry.name, entry.state.pid
        )));
    }
    let dir = store.container_dir(&entry.id);
    for d in ["upper", "work", "merged"] {
        std::fs::create_dir_all(dir.join(d))
            .map_err(|e| RuntimeError::io(format!("create {}", dir.join(d).display()), e))?;
    }
    let lower = store.rootfs_layers(entry)?;
    let layers_root = store.root().join("layers");
    mount_overlay(
        &layers_root,
        &lower,
        Some((&dir.join("upper"), &dir.join("work"))),
        &target,
    )?;
    Ok(target)
}

/// `berth container unmount`: a container that is not mounted is left as it is.
pub fn unmount_container(store: &Store, entry: &ContainerEntry) -> Result<()> {
    if entry.rootfs.is_some() {
        return Ok(());
    }
    unmount(&container_mountpoint(store, &entry.id))
}

/// `berth image mount`: the image's layers, read-only.
pub fn mount_image(store: &Store, image: &ImageRecord) -> Result<PathBuf> {
    let target = image_mountpoint(store, image);
    if is_mountpoint(&target) {
        return Ok(target);
    }
    std::fs::create_dir_all(&target)
        .map_err(|e| RuntimeError::io(format!("create {}", target.display()), e))?;
    let lower: Vec<PathBuf> = image
        .layers
        .iter()
        .rev()
        .map(|l| store.layer_diff_path(&l.diff_id))
        .collect();
    let result = match lower.as_slice() {
        [] => Err(RuntimeError::Invalid(format!(
            "image {} has no layers to mount",
            image.id.short()
        ))),
        // overlay wants two lowers without an upper: bind the only layer.
        [only] => bind_readonly(only, &target),
        _ => mount_overlay(&store.root().join("layers"), &lower, None, &target),
    };
    if result.is_err() {
        let _ = std::fs::remove_dir(&target);
    }
    result.map(|()| target)
}

/// `berth image unmount`.
pub fn unmount_image(store: &Store, image: &ImageRecord) -> Result<()> {
    let target = image_mountpoint(store, image);
    unmount(&target)?;
    let _ = std::fs::remove_dir(&target);
    Ok(())
}

/// True when `image mount` has the image mounted (so `image rm` must not
/// delete its layers).
pub fn image_is_mounted(store: &Store, image: &ImageRecord) -> bool {
    is_mountpoint(&image_mountpoint(store, image))
}

fn unmount(target: &Path) -> Result<()> {
    if !is_mountpoint(target) {
        return Ok(());
    }
    umount2(target, MntFlags::empty()).map_err(|e| {
        RuntimeError::io(
            format!(
                "unmount {} (is a process still using it? check with fuser -m)",
                target.display()
            ),
            e.into(),
        )
    })
}

fn bind_readonly(source: &Path, target: &Path) -> Result<()> {
    let what = || format!("bind mount {} on {}", source.display(), target.display());
    mount(
        Some(source),
        target,
        None::<&str>,
        MsFlags::MS_BIND,
        None::<&str>,
    )
    .map_err(|e| RuntimeError::io(what(), e.into()))?;
    // A bind ignores MS_RDONLY until it is remounted.
    let flags = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY;
    if let Err(e) = mount(None::<&str>, target, None::<&str>, flags, None::<&str>) {
        let _ = umount2(target, MntFlags::MNT_DETACH);
        return Err(RuntimeError::io(what(), e.into()));
    }
    Ok(())
}

/// The overlay options for `lower` (top first), relative to `layers_root`
/// when that keeps them under mount(2)'s one-page limit.
fn overlay_options(
    layers_root: &Path,
    lower: &[PathBuf],
    upper: Option<(&Path, &Path)>,
) -> (String, bool) {
    let upper_opts = upper
        .map(|(u, w)| format!(",upperdir={},workdir={}", u.display(), w.display()))
        .unwrap_or_default();
    let absolute: Vec<String> = lower.iter().map(|p| p.display().to_string()).collect();
    let data = format!("lowerdir={}{upper_opts}", absolute.join(":"));
    if data.len() < 4096 {
        return (data, false);
    }
    let relative: Vec<String> = lower
        .iter()
        .map(|p| {
            p.strip_prefix(layers_root)
                .unwrap_or(p)
                .display()
                .to_string()
        })
        .collect();
    (format!("lowerdir={}{upper_opts}", relative.join(":")), true)
}

fn mount_overlay(
    layers_root: &Path,
    lower: &[PathBuf],
    upper: Option<(&Path, &Path)>,
    target: &Path,
) -> Result<()> {
    let (data, relative) = overlay_options(layers_root, lower, upper);
    if data.len() >= 4096 {
        return Err(RuntimeError::Setup(format!(
            "overlay options for {} are {} bytes, over one page; the image has too many layers to mount",
            target.display(),
            data.len()
        )));
    }
    let flags = if upper.is_none() {
        MsFlags::MS_RDONLY
    } else {
        MsFlags::empty()
    };
    // Relative lowerdirs resolve against the cwd: the CLI is single-threaded here.
    let cwd = if relative {
        let old = std::env::current_dir().ok();
        std::env::set_current_dir(layers_root)
            .map_err(|e| RuntimeError::io(format!("chdir to {}", layers_root.display()), e))?;
        old
    } else {
        None
    };
    let result = mount(
        Some("overlay"),
        target,
        Some("overlay"),
        flags,
        Some(data.as_str()),
    );
    if let Some(old) = cwd {
        let _ = std::env::set_current_dir(old);
    }
    result.map_err(|e| RuntimeError::io(format!("mount overlay on {}", target.display()), e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_options_go_relative_only_when_too_long() {
        let root = Path::new("/var/lib/berth/layers");
        let short = vec![root.join("a/diff"), root.join("b/diff")];
        let (data, rel) = overlay_options(root, &short, None);
        assert_eq!(
            data,
            "lowerdir=/var/lib/berth/layers/a/diff:/var/lib/berth/layers/b/diff"
        );
        assert!(!rel);
        let long: Vec<PathBuf> = (0..80)
            .map(|i| root.join(format!("{i:064}/diff")))
            .collect();
        let (data, rel) = overlay_options(root, &long, Some((Path::new("/u"), Path::new("/w"))));
        assert!(rel);
        assert!(data.starts_with(&format!("lowerdir={:064}/diff:", 0)));
        assert!(data.ends_with(",upperdir=/u,workdir=/w"));
    }

    #[test]
    fn mountinfo_paths_unescape() {
        assert_eq!(unescape_mountinfo("/a\\040b"), "/a b");
        assert!(is_mountpoint(Path::new("/")));
        assert!(!is_mountpoint(Path::new("/no/such/dir")));
    }
}

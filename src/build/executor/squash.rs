//! `--squash`: the layers a build added become one, on top of the target
//! stage's base image. The built image's tree is synced onto a container
//! of the base image (copying what differs, deleting what is gone), and
//! the container's upper dir is committed as that one layer.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use nix::sys::stat::{utimensat, UtimensatFlags};
use nix::sys::time::TimeSpec;

use super::{BuildError, Result};
use crate::runtime::engine;
use crate::runtime::hostmount;
use crate::store::diff::{self, CommitRequest};
use crate::store::{ImageRecord, Store};

fn io(what: &str, p: &Path, e: std::io::Error) -> BuildError {
    BuildError::Invalid(format!("squash: {what} {}: {e}", p.display()))
}

/// Same type, mode, owner, size and mtime: left as it is.
fn same(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.file_type() == b.file_type()
        && a.mode() == b.mode()
        && a.uid() == b.uid()
        && a.gid() == b.gid()
        && a.size() == b.size()
        && a.mtime() == b.mtime()
        && a.mtime_nsec() == b.mtime_nsec()
}

fn set_meta(dst: &Path, m: &std::fs::Metadata) -> Result<()> {
    std::os::unix::fs::lchown(dst, Some(m.uid()), Some(m.gid()))
        .map_err(|e| io("chown", dst, e))?;
    if !m.file_type().is_symlink() {
        std::fs::set_permissions(dst, std::fs::Permissions::from_mode(m.mode() & 0o7777))
            .map_err(|e| io("chmod", dst, e))?;
    }
    let t = TimeSpec::new(m.mtime(), m.mtime_nsec());
    utimensat(
        nix::fcntl::AT_FDCWD,
        dst,
        &t,
        &t,
        UtimensatFlags::NoFollowSymlink,
    )
    .map_err(|e| io("set times of", dst, e.into()))
}

/// Makes `dst` look like `src`, recursively.
fn sync(src: &Path, dst: &Path) -> Result<()> {
    let entries = std::fs::read_dir(src).map_err(|e| io("read", src, e))?;
    let mut names = std::collections::HashSet::new();
    for e in entries {
        let e = e.map_err(|e| io("read", src, e))?;
        let name = e.file_name();
        names.insert(name.clone());
        let (s, d) = (src.join(&name), dst.join(&name));
        let sm = std::fs::symlink_metadata(&s).map_err(|e| io("stat", &s, e))?;
        let dm = std::fs::symlink_metadata(&d).ok();
        if sm.is_dir() {
            match &dm {
                Some(m) if m.is_dir() => {}
                Some(_) => {
                    std::fs::remove_file(&d).map_err(|e| io("remove", &d, e))?;
                    std::fs::create_dir(&d).map_err(|e| io("create", &d, e))?;
                }
                None => std::fs::create_dir(&d).map_err(|e| io("create", &d, e))?,
            }
            sync(&s, &d)?;
            if dm.as_ref().is_none_or(|m| !same(m, &sm)) {
                set_meta(&d, &sm)?;
            }
            continue;
        }
        if dm.as_ref().is_some_and(|m| same(m, &sm)) {
            continue;
        }
        match &dm {
            Some(m) if m.is_dir() => {
                std::fs::remove_dir_all(&d).map_err(|e| io("remove", &d, e))?
            }
            Some(_) => std::fs::remove_file(&d).map_err(|e| io("remove", &d, e))?,
            None => {}
        }
        let ft = sm.file_type();
        if ft.is_symlink() {
            let target = std::fs::read_link(&s).map_err(|e| io("read link", &s, e))?;
            std::os::unix::fs::symlink(&target, &d).map_err(|e| io("link", &d, e))?;
        } else if ft.is_file() {
            std::fs::copy(&s, &d).map_err(|e| io("copy", &d, e))?;
        } else {
            use std::os::unix::fs::FileTypeExt;
            let kind = if ft.is_char_device() {
                nix::sys::stat::SFlag::S_IFCHR
            } else if ft.is_block_device() {
                nix::sys::stat::SFlag::S_IFBLK
            } else if ft.is_fifo() {
                nix::sys::stat::SFlag::S_IFIFO
            } else {
                continue;
            };
            nix::sys::stat::mknod(
                &d,
                kind,
                nix::sys::stat::Mode::from_bits_truncate(sm.mode() & 0o7777),
                sm.rdev(),
            )
            .map_err(|e| io("create", &d, e.into()))?;
        }
        set_meta(&d, &sm)?;
    }
    // What the base has and the build removed.
    for e in std::fs::read_dir(dst)
        .map_err(|e| io("read", dst, e))?
        .flatten()
    {
        if !names.contains(&e.file_name()) {
            let p = e.path();
            let r = if e.file_type().is_ok_and(|t| t.is_dir()) {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            r.map_err(|err| io("remove", &p, err))?;
        }
    }
    Ok(())
}

/// `image` with every layer above `base`'s squashed into one.
pub(super) fn squash(
    store: &Store,
    base: Option<&ImageRecord>,
    image: &ImageRecord,
    make_container: &dyn Fn(&ImageRecord) -> Result<crate::store::containers::ContainerEntry>,
) -> Result<ImageRecord> {
    let base_layers = base.map_or(0, |b| b.layers.len());
    if image.layers.len() <= base_layers + 1 {
        return Ok(image.clone());
    }
    let config = super::image_config(store, image)?;
    let built =
        hostmount::mount_image(store, image).map_err(|e| BuildError::Invalid(e.to_string()))?;
    let result = (|| match base {
        Some(b) => {
            let entry = make_container(b)?;
            let r = hostmount::mount_container(store, &entry)
                .map_err(|e| BuildError::Invalid(e.to_string()))
                .and_then(|merged| {
                    let synced = sync(&built, &merged);
                    let _ = hostmount::unmount_container(store, &entry);
                    synced
                })
                .and_then(|()| {
                    commit(
                        store,
                        base,
                        &store.container_dir(&entry.id).join("upper"),
                        config.clone(),
                    )
                });
            if let Ok(fresh) = store.find_container(&entry.id) {
                let _ = engine::remove(store, &fresh, true);
            }
            r
        }
        None => {
            let tmp = store
                .root()
                .join("build")
                .join(format!("squash-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&tmp);
            std::fs::create_dir_all(&tmp).map_err(|e| io("create", &tmp, e))?;
            let r = sync(&built, &tmp).and_then(|()| commit(store, None, &tmp, config.clone()));
            let _ = std::fs::remove_dir_all(&tmp);
            r
        }
    })();
    let _ = hostmount::unmount_image(store, image);
    result
}

fn commit(
    store: &Store,
    base: Option<&ImageRecord>,
    upper: &Path,
    config: serde_json::Map<String, serde_json::Value>,
) -> Result<ImageRecord> {
    Ok(diff::commit(
        store,
        &CommitRequest {
            upper: Some(upper.to_path_buf()),
            history_before: Vec::new(),
            base: base.cloned(),
            config,
            author: None,
            comment: Some("squashed build layers".into()),
            created_by: "berth build --squash".into(),
            name: None,
        },
    )?)
}

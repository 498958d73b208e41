//! A container's filesystem seen from the host, without mounting anything:
//! its overlay upper directory over its image's layers. From these `diff`
//! lists changes, `commit` makes a layer, `export` merges the layers into
//! one tar, and `cp` reads and writes a stopped container.
//!
//! Everything under these directories is the container's to shape, so it
//! is only ever walked through directory descriptors with `O_NOFOLLOW` (see
//! `view`): a symlink planted in the container never leads to the host.

pub mod changes;
pub mod commit;
pub mod layer_tar;
pub mod view;

#[cfg(test)]
mod tests;

use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use nix::sys::stat::Mode;

pub use changes::{ChangeKind, PathChange};
pub use commit::{commit, write_layer, CommitRequest};
pub use layer_tar::{TarOptions, TarWriter};
pub use view::{Dir, Entry, Kind, Whiteouts};

use super::containers::ContainerEntry;
use super::error::{IoContext, Result};
use super::Store;

/// The directories of a container's root filesystem.
#[derive(Debug, Clone)]
pub struct RootfsDirs {
    /// Where writes go: the overlay upper directory, or a `--rootfs` directory itself.
    pub upper: PathBuf,
    /// The image layers below, top first (none for `--rootfs`).
    pub lowers: Vec<PathBuf>,
    /// The container runs from a `--rootfs` directory, not an image.
    pub is_rootfs_dir: bool,
}

impl RootfsDirs {
    /// The merged view, as overlayfs would show it.
    pub fn merged(&self) -> Result<Dir> {
        let mut fds = vec![open_root(&self.upper)?];
        for l in &self.lowers {
            fds.push(open_root(l)?);
        }
        Dir::new(fds, Whiteouts::Hide).ctx("open", &self.upper)
    }

    /// docker's `diff` of the upper directory over the layers.
    pub fn changes(&self) -> Result<Vec<PathChange>> {
        let lowers = self
            .lowers
            .iter()
            .map(|l| open_root(l))
            .collect::<Result<Vec<_>>>()?;
        changes::changes(open_root(&self.upper)?, lowers).ctx("compare", &self.upper)
    }

    /// The merged filesystem as one tar (docker's `export`).
    pub fn export(&self, out: impl Write) -> Result<()> {
        let merged = self.merged()?;
        let mut tar = TarWriter::new(out, TarOptions::default());
        let res: io::Result<()> = (|| {
            tar.contents(b"", &merged)?;
            tar.finish().map(drop)
        })();
        res.ctx("archive", &self.upper)
    }
}

impl Store {
    /// Where the container's root filesystem lives on the host. A running
    /// container's writes land in `upper` as they happen (overlayfs writes
    /// straight through), so this view is current even while it runs.
    pub fn container_rootfs_dirs(&self, entry: &ContainerEntry) -> Result<RootfsDirs> {
        if let Some(dir) = &entry.rootfs {
            return Ok(RootfsDirs {
                upper: dir.clone(),
                lowers: Vec::new(),
                is_rootfs_dir: true,
            });
        }
        Ok(RootfsDirs {
            upper: self.container_dir(&entry.id).join("upper"),
            lowers: self.rootfs_layers(entry)?,
            is_rootfs_dir: false,
        })
    }
}

/// Opens a directory the store owns (the path itself is ours; what is
/// inside it is walked without following links).
pub(crate) fn open_root(path: &Path) -> Result<OwnedFd> {
    let flags = view::DIR_FLAGS.difference(nix::fcntl::OFlag::O_NOFOLLOW);
    nix::fcntl::open(path, flags, Mode::empty())
        .map_err(io::Error::from)
        .ctx("open", path)
}

//! `commit`, `export` and `diff` of a container.
//!
//! All three read the container's upper directory and image layers from
//! the host (`store::diff::RootfsDirs`), which is what docker does too:
//! `export` is the image plus the container's changes, without the
//! volumes and the /proc, /sys and /dev mounts that a running container's
//! root also shows.

use std::io::Write;

use serde_json::{Map, Value};

use super::{FsError, Result};
use crate::events::{self, Event};
use crate::runtime::engine;
use crate::store::containers::{ContainerEntry, ContainerStatus};
use crate::store::diff::{self, CommitRequest, PathChange, RootfsDirs};
use crate::store::images::ImageQuery;
use crate::store::import::ImportChanges;
use crate::store::{ImageRecord, Store};

/// docker's `commit` flags.
#[derive(Debug, Clone, Default)]
pub struct CommitOptions {
    pub author: Option<String>,
    pub message: Option<String>,
    /// `--change` Dockerfile instructions, applied in order.
    pub changes: Vec<String>,
    /// Freeze a running container while its layer is read (docker's default).
    pub pause: bool,
    /// Fully qualified name for the new image.
    pub name: Option<String>,
}

/// The container `Config` keys an image keeps (docker's commit merge).
const KEPT: &[&str] = &[
    "User",
    "ExposedPorts",
    "Env",
    "Cmd",
    "Healthcheck",
    "Volumes",
    "WorkingDir",
    "Entrypoint",
    "OnBuild",
    "Labels",
    "StopSignal",
];

/// Makes a new image of the container's image plus its changes.
pub fn commit(store: &Store, entry: &ContainerEntry, opts: &CommitOptions) -> Result<ImageRecord> {
    let dirs = layer_dirs(store, entry, "commit")?;
    let changes = ImportChanges::parse(&opts.changes)?;
    let base = match &entry.image_id {
        Some(id) => Some(store.find_image(&ImageQuery::new(id.hex(), None))?),
        None => None,
    };
    let container = engine::load_config(store, &entry.id).map_err(Box::new)?;
    let mut config = match &base {
        Some(img) => base_config(store, img)?,
        None => Map::new(),
    };
    for key in KEPT {
        if let Some(v) = container.docker_config.get(*key) {
            // A null the image does not have is not worth recording.
            if !v.is_null() || config.contains_key(*key) {
                config.insert((*key).to_string(), v.clone());
            }
        }
    }
    changes.apply_to(&mut config);
    let mut argv = vec![container.path.clone()];
    argv.extend(container.args.iter().cloned());
    let req = CommitRequest {
        upper: Some(dirs.upper),
        history_before: Vec::new(),
        base,
        config,
        author: opts.author.clone(),
        comment: opts.message.clone(),
        created_by: argv.join(" ").trim().to_string(),
        name: opts.name.clone(),
    };

    let image = commit_paused(store, entry, opts, &req)?;
    let familiar = opts
        .name
        .as_deref()
        .map(events::familiar)
        .unwrap_or_default();
    let event = Event::container("commit", entry)
        .attr("comment", opts.message.clone().unwrap_or_default())
        .attr("imageID", image.id.to_string())
        .attr("imageRef", familiar.clone());
    events::record(store.root(), event);
    if !familiar.is_empty() {
        let id = image.id.to_string();
        events::record(store.root(), Event::image("tag", &id, &familiar));
    }
    Ok(image)
}

/// Commits `req`, the container paused meanwhile when asked and running.
fn commit_paused(
    store: &Store,
    entry: &ContainerEntry,
    opts: &CommitOptions,
    req: &CommitRequest,
) -> Result<ImageRecord> {
    let running = matches!(entry.state.status, ContainerStatus::Running) && !entry.state.paused;
    if !(opts.pause && running) {
        return Ok(diff::commit(store, req)?);
    }
    engine::pause(store, entry).map_err(Box::new)?;
    let result = diff::commit(store, req);
    // Thawed whatever the commit did: a commit must never leave it frozen.
    let thawed = store
        .find_container(&entry.id)
        .map_err(FsError::from)
        .and_then(|e| engine::thaw(store, &e).map_err(|e| FsError::from(Box::new(e))));
    let image = result?;
    thawed?;
    Ok(image)
}

/// The container's filesystem as one tar (docker's `export`).
pub fn export(store: &Store, entry: &ContainerEntry, out: impl Write) -> Result<()> {
    let dirs = store.container_rootfs_dirs(entry)?;
    dirs.export(out)?;
    events::record(store.root(), Event::container("export", entry));
    Ok(())
}

/// docker's `diff`: the container's changes over its image.
pub fn changes(store: &Store, entry: &ContainerEntry) -> Result<Vec<PathChange>> {
    Ok(layer_dirs(store, entry, "diff")?.changes()?)
}

fn layer_dirs(store: &Store, entry: &ContainerEntry, what: &str) -> Result<RootfsDirs> {
    let dirs = store.container_rootfs_dirs(entry)?;
    if dirs.is_rootfs_dir {
        return Err(FsError::Invalid(format!(
            "cannot {what} container {}: it runs from a --rootfs directory, not image layers; use berth export (and berth import) instead",
            entry.name
        )));
    }
    Ok(dirs)
}

fn base_config(store: &Store, img: &ImageRecord) -> Result<Map<String, Value>> {
    let raw = store.read_blob(&img.id)?;
    let v: Value = serde_json::from_slice(&raw).map_err(|e| {
        FsError::Invalid(format!(
            "image {} has a corrupt config ({e}); pull it again",
            img.id.short()
        ))
    })?;
    Ok(v.get("config")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default())
}

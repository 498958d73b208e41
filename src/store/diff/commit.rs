//! `commit`: a container's upper directory becomes a new layer on top of
//! its image. The layer tar is written once, from the upper directory, and
//! read once: extracted into staging (the layer store gets it like any
//! pulled layer) and gzipped into the blob at the same time.

use std::io;
use std::path::{Path, PathBuf};

use chrono::Utc;
use serde_json::{json, Map, Value};

use super::layer_tar::{TarOptions, TarWriter};
use super::view::{Dir, Whiteouts, DIR_FLAGS};
use crate::store::archive::{
    Descriptor, Manifest, MT_DOCKER_LAYER_GZIP, MT_OCI_CONFIG, MT_OCI_LAYER_GZIP, MT_OCI_MANIFEST,
};
use crate::store::error::{Result, StoreError};
use crate::store::images::NewImage;
use crate::store::import::{encode, go_rfc3339_nano, host_variant, stage_layer, tree};
use crate::store::records::{ImageLayer, ImageRecord};
use crate::store::Store;

/// What a commit records besides the layer.
#[derive(Debug, Clone)]
pub struct CommitRequest {
    /// The container's overlay upper directory; None commits the config
    /// alone (a build step that changes no file: an `empty_layer` step).
    pub upper: Option<PathBuf>,
    /// History steps recorded before this one (a build's metadata-only
    /// instructions since the last layer).
    pub history_before: Vec<Value>,
    /// The container's image (None: the new image has only the new layer).
    pub base: Option<ImageRecord>,
    /// The new image's `config` object (docker's capitalised keys).
    pub config: Map<String, Value>,
    pub author: Option<String>,
    /// The history comment (docker's `--message`).
    pub comment: Option<String>,
    /// The history `created_by` (the container's command).
    pub created_by: String,
    /// Fully qualified name to give the image.
    pub name: Option<String>,
}

/// Writes the upper directory as a layer tar into `out`, whiteouts and
/// opaque directories in registry form.
pub fn write_layer(upper: &Path, out: impl io::Write) -> io::Result<()> {
    let fd = nix::fcntl::open(upper, DIR_FLAGS, nix::sys::stat::Mode::empty())?;
    let dir = Dir::new(vec![fd], Whiteouts::Emit)?;
    let mut tar = TarWriter::new(out, TarOptions::default());
    tar.contents(b"", &dir)?;
    tar.finish().map(drop)
}

/// Stages the new layer, config and manifest and commits the image.
pub fn commit(store: &Store, req: &CommitRequest) -> Result<ImageRecord> {
    let mut config = match &req.base {
        Some(img) => {
            let raw = store.read_blob(&img.id)?;
            serde_json::from_slice::<Value>(&raw).map_err(|e| {
                StoreError::Invalid(format!(
                    "image {} has a corrupt config ({e}); pull or rebuild it",
                    img.id.short()
                ))
            })?
        }
        None => json!({}),
    };
    let staging = store.begin_staging()?;
    let layer = match &req.upper {
        Some(upper) => Some(stage_upper(&staging, upper)?),
        None => None,
    };
    let now = Utc::now();
    let created = go_rfc3339_nano(now);
    let obj = config
        .as_object_mut()
        .ok_or_else(|| StoreError::Invalid("the base image config is not a JSON object".into()))?;
    obj.entry("architecture")
        .or_insert_with(|| json!(crate::store::archive::host_arch()));
    obj.entry("os").or_insert_with(|| json!("linux"));
    if let Some(v) = host_variant() {
        obj.entry("variant").or_insert_with(|| json!(v));
    }
    obj.insert("created".into(), json!(created));
    match &req.author {
        Some(a) => obj.insert("author".into(), json!(a)),
        None => obj.remove("author"),
    };
    obj.insert("config".into(), Value::Object(req.config.clone()));
    for h in &req.history_before {
        push_array(obj, "history", h.clone());
    }
    let mut step = json!({ "created": created, "created_by": req.created_by });
    if layer.is_none() {
        step["empty_layer"] = json!(true);
    }
    if let Some(a) = &req.author {
        step["author"] = json!(a);
    }
    if let Some(c) = req.comment.as_deref().filter(|c| !c.is_empty()) {
        step["comment"] = json!(c);
    }
    push_array(obj, "history", step);
    let rootfs = obj
        .entry("rootfs")
        .or_insert_with(|| json!({ "type": "layers", "diff_ids": [] }));
    if let Some(r) = rootfs.as_object_mut() {
        r.insert("type".into(), json!("layers"));
        match &layer {
            Some(l) => push_array(r, "diff_ids", json!(&l.diff_id)),
            None => {
                r.entry("diff_ids").or_insert_with(|| json!([]));
            }
        }
    }
    let config_bytes = encode(&config)?;
    let config_digest = staging.put_blob(None, &config_bytes)?;

    let mut layers: Vec<ImageLayer> = req
        .base
        .as_ref()
        .map(|b| b.layers.clone())
        .unwrap_or_default();
    layers.extend(layer);
    let desc = |media_type: &str, digest, size| Descriptor {
        media_type: media_type.to_string(),
        digest,
        size,
        annotations: Default::default(),
        platform: None,
    };
    let manifest = Manifest {
        schema_version: 2,
        media_type: Some(MT_OCI_MANIFEST.to_string()),
        config: desc(
            MT_OCI_CONFIG,
            config_digest.clone(),
            config_bytes.len() as u64,
        ),
        layers: layers
            .iter()
            .map(|l| desc(oci_layer_type(&l.media_type), l.blob.clone(), l.blob_size))
            .collect(),
    };
    let manifest_digest = staging.put_blob(None, &encode(&manifest)?)?;
    let new = NewImage {
        config: config_digest,
        manifest: manifest_digest,
        manifest_media_type: MT_OCI_MANIFEST.to_string(),
        layers,
        names: req.name.iter().cloned().collect(),
        repo_digests: vec![],
        created: Some(now),
    };
    store.commit_image(staging, new)
}

/// The upper directory as a staged layer. A producer thread writes the
/// tar while this one stages it.
fn stage_upper(staging: &crate::store::staging::Staging, upper: &Path) -> Result<ImageLayer> {
    let (reader, writer) = tree::pipe();
    let dir = upper.to_path_buf();
    let producer = std::thread::spawn(move || write_layer(&dir, writer));
    let staged = stage_layer(staging, reader);
    // A producer that failed ends the stream early, which can look like a
    // complete (shorter) tar: its error must win over a staged "success".
    let produced = producer
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the layer writer panicked")));
    match (staged, produced) {
        (Ok(layer), Ok(())) => Ok(layer),
        (Err(e), Ok(())) => Err(e),
        (Err(e), Err(p)) if p.kind() == io::ErrorKind::BrokenPipe => Err(e),
        (_, Err(p)) => Err(StoreError::Io {
            op: "archive",
            path: upper.to_path_buf(),
            source: p,
        }),
    }
}

/// An OCI manifest names docker's gzip layers by the OCI type (same bytes).
fn oci_layer_type(media_type: &str) -> &str {
    if media_type == MT_DOCKER_LAYER_GZIP {
        MT_OCI_LAYER_GZIP
    } else {
        media_type
    }
}

fn push_array(obj: &mut Map<String, Value>, key: &str, v: Value) {
    match obj.get_mut(key) {
        Some(Value::Array(a)) => a.push(v),
        _ => {
            obj.insert(key.into(), Value::Array(vec![v]));
        }
    }
}

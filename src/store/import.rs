//! `import`: a filesystem tarball (or a directory) becomes a one-layer
//! image, as `docker import` makes it.
//!
//! The tar is read once: every byte goes both to the extractor (which
//! computes the diff id) and through gzip into the layer blob (whose digest
//! is computed while writing), so nothing is read twice or held in memory.

mod changes;
pub(crate) mod tree;

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;

pub use changes::{parse_change, Change, Healthcheck, ImportChanges};

use super::archive::{Descriptor, Manifest, MT_OCI_CONFIG, MT_OCI_LAYER_GZIP, MT_OCI_MANIFEST};
use super::compression::{decompressing_reader, gzip_writer};
use super::digest::HashingWriter;
use super::error::{IoContext, Result, StoreError};
use super::images::NewImage;
use super::records::{ImageLayer, ImageRecord};
use super::staging::Staging;
use super::Store;

/// Imports a tar stream (plain, gzip or zstd) as a new image named `name`
/// (fully qualified, or none for an untagged image). `message` becomes the
/// history comment (docker's `--message`; default `Imported from -`).
pub fn import(
    store: &Store,
    source: impl Read + Send + 'static,
    changes: &ImportChanges,
    name: Option<String>,
    message: Option<String>,
) -> Result<ImageRecord> {
    let tar = decompressing_reader(source).ctx("decompress", "the import input")?;
    let message = message.unwrap_or_else(|| "Imported from -".to_string());
    let (staging, new) = stage(store, tar, changes, name, &message)?;
    store.commit_image(staging, new)
}

/// Imports the directory `dir` as the image's only layer, keeping modes,
/// ownership, symlinks, hard links and device nodes.
pub fn import_dir(
    store: &Store,
    dir: &Path,
    changes: &ImportChanges,
    name: Option<String>,
    message: Option<String>,
) -> Result<ImageRecord> {
    if !dir.is_dir() {
        return Err(StoreError::Invalid(format!(
            "cannot import {}: it is not a directory",
            dir.display()
        )));
    }
    let message = message.unwrap_or_else(|| format!("Imported from {}", dir.display()));
    let (reader, writer) = tree::pipe();
    let root = dir.to_path_buf();
    let producer = std::thread::spawn(move || tree::write_tree(&root, writer));
    let staged = stage(store, reader, changes, name, &message);
    // A producer that failed ends the stream early, which can look like a
    // complete (shorter) tar: its error must win over a staged "success".
    let produced = producer
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the directory reader panicked")));
    match (staged, produced) {
        (Ok((staging, new)), Ok(())) => store.commit_image(staging, new),
        (Err(e), Ok(())) => Err(e),
        (Err(e), Err(p)) if p.kind() == io::ErrorKind::BrokenPipe => Err(e),
        (_, Err(p)) => Err(StoreError::Io {
            op: "archive",
            path: dir.to_path_buf(),
            source: p,
        }),
    }
}

/// Extracts the layer, writes its gzip blob, config and manifest into staging.
fn stage(
    store: &Store,
    tar: impl Read,
    changes: &ImportChanges,
    name: Option<String>,
    message: &str,
) -> Result<(Staging, NewImage)> {
    let staging = store.begin_staging()?;
    let layer = stage_layer(&staging, tar)?;

    let now = Utc::now();
    let created = go_rfc3339_nano(now);
    let mut config = json!({
        "architecture": super::archive::host_arch(),
        "os": "linux",
        "created": created,
        "config": changes.to_config(),
        "rootfs": { "type": "layers", "diff_ids": [&layer.diff_id] },
        "history": [{ "created": created, "created_by": "", "comment": message }],
    });
    if let (Some(v), Some(o)) = (host_variant(), config.as_object_mut()) {
        o.insert("variant".into(), json!(v));
    }
    let config_bytes = encode(&config)?;
    let config_digest = staging.put_blob(None, &config_bytes)?;

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
        layers: vec![desc(MT_OCI_LAYER_GZIP, layer.blob.clone(), layer.blob_size)],
    };
    let manifest_digest = staging.put_blob(None, &encode(&manifest)?)?;
    let new = NewImage {
        config: config_digest,
        manifest: manifest_digest,
        manifest_media_type: MT_OCI_MANIFEST.to_string(),
        layers: vec![layer],
        names: name.into_iter().collect(),
        repo_digests: vec![],
        created: Some(now),
    };
    Ok((staging, new))
}

/// Reads an uncompressed layer tar once: extracts it into `staging` (which
/// computes the diff id) and gzips it into a staged blob on the way.
pub(crate) fn stage_layer(staging: &Staging, tar: impl Read) -> Result<ImageLayer> {
    let gz_path = staging.dir().join(format!(
        "layer-{}.tar.gz",
        hex::encode(rand::random::<[u8; 6]>())
    ));
    let file = File::create(&gz_path).ctx("create", &gz_path)?;
    let mut gz = gzip_writer(HashingWriter::new(BufWriter::with_capacity(
        256 * 1024,
        file,
    )));
    let layer = staging.extract_layer(
        Tee {
            inner: tar,
            copy: &mut gz,
        },
        None,
        None,
    )?;
    let (buf, blob, blob_size) = gz.finish().ctx("write", &gz_path)?.finish();
    let file = buf
        .into_inner()
        .map_err(|e| e.into_error())
        .ctx("write", &gz_path)?;
    file.sync_all().ctx("fsync", &gz_path)?;
    let blob_path = staging.blob_path(&blob);
    fs::rename(&gz_path, &blob_path).ctx("rename", &blob_path)?;
    Ok(ImageLayer {
        diff_id: layer.diff_id,
        blob,
        media_type: MT_OCI_LAYER_GZIP.to_string(),
        blob_size,
    })
}

pub(crate) fn encode<T: serde::Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| StoreError::Invalid(format!("encoding image metadata: {e}")))
}

/// Go's `time.RFC3339Nano` (what docker writes): nanoseconds without
/// trailing zeros, `Z` for UTC.
pub(crate) fn go_rfc3339_nano(t: DateTime<Utc>) -> String {
    let s = t.to_rfc3339_opts(SecondsFormat::Nanos, true);
    match s.split_once('.') {
        Some((secs, frac)) => {
            let digits = frac.trim_end_matches('Z').trim_end_matches('0');
            if digits.is_empty() {
                format!("{secs}Z")
            } else {
                format!("{secs}.{digits}Z")
            }
        }
        None => s,
    }
}

/// The CPU variant containerd records for this host (`v8` on arm64).
pub(crate) fn host_variant() -> Option<&'static str> {
    (std::env::consts::ARCH == "aarch64").then_some("v8")
}

/// A reader that copies everything read through it into a writer.
struct Tee<'a, R, W> {
    inner: R,
    copy: &'a mut W,
}

impl<R: Read, W: Write> Read for Tee<'_, R, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests;

//! `save`: streams stored images as a docker-archive or OCI archive.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;

use super::{
    familiar_name, familiar_repo_tag, ArchiveFormat, Descriptor, DockerManifestItem, Index,
    Platform, ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, MT_OCI_INDEX,
};
use crate::store::digest::{Digest, HashingReader};
use crate::store::error::{IoContext, Result, StoreError};
use crate::store::records::ImageRecord;
use crate::store::Store;

const OCI_LAYOUT: &[u8] = br#"{"imageLayoutVersion": "1.0.0"}"#;

/// Writes `images` as one archive to `out`. Each image is saved with the
/// names given beside it (fully qualified; digest-pinned names are left
/// out, as docker does). Takes no store lock: the records were read by the
/// caller and the blobs they reference are immutable; a blob removed
/// meanwhile fails the save with `ContentMissing`.
pub fn save(
    store: &Store,
    images: &[(ImageRecord, Vec<String>)],
    format: ArchiveFormat,
    out: impl Write,
) -> Result<()> {
    // The same image named twice (`save busybox busybox:latest`) is one entry.
    let mut merged: Vec<(ImageRecord, Vec<String>)> = Vec::new();
    for (rec, names) in images {
        match merged.iter_mut().find(|(r, _)| r.id == rec.id) {
            Some((_, known)) => {
                for n in names {
                    if !known.contains(n) {
                        known.push(n.clone());
                    }
                }
            }
            None => merged.push((rec.clone(), names.clone())),
        }
    }
    let plan = plan(store, &merged, format)?;
    let mut tar = tar::Builder::new(BufWriter::with_capacity(1 << 20, out));
    let write_err = |e: io::Error| StoreError::Io {
        op: "write",
        path: PathBuf::from("the archive output"),
        source: e,
    };
    for (name, data) in &plan.small_files {
        append(&mut tar, name, data.len() as u64, &data[..]).map_err(write_err)?;
    }
    for dir in ["blobs/", "blobs/sha256/"] {
        let mut h = header(tar::EntryType::Directory, 0o755, 0);
        tar.append_data(&mut h, dir, io::empty())
            .map_err(write_err)?;
    }
    for blob in &plan.blobs {
        let name = format!("blobs/sha256/{}", blob.digest.hex());
        match &blob.data {
            Some(data) => {
                append(&mut tar, &name, data.len() as u64, &data[..]).map_err(write_err)?
            }
            None => copy_blob(store, &mut tar, &name, &blob.digest)?,
        }
    }
    let mut w = tar.into_inner().map_err(write_err)?;
    w.flush().map_err(write_err)
}

/// Everything decided before the first byte is written, so a missing blob
/// fails the save before it produces half an archive.
struct SavePlan {
    small_files: Vec<(String, Vec<u8>)>,
    blobs: Vec<PlannedBlob>,
}

struct PlannedBlob {
    digest: Digest,
    /// Configs and manifests are read (and verified) up front; layers stream.
    data: Option<Vec<u8>>,
}

fn plan(
    store: &Store,
    images: &[(ImageRecord, Vec<String>)],
    format: ArchiveFormat,
) -> Result<SavePlan> {
    let mut blobs = Vec::new();
    let mut seen = HashSet::new();
    let mut index = Vec::new();
    let mut docker_items = Vec::new();
    let mut repositories: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (rec, names) in images {
        let manifest = store.read_blob(&rec.manifest)?;
        let config = store.read_blob(&rec.id)?;
        for layer in &rec.layers {
            // Fail now, not halfway through the stream.
            let p = store.blob_path(&layer.blob);
            if let Err(e) = fs::metadata(&p) {
                return Err(match e.kind() {
                    io::ErrorKind::NotFound => {
                        StoreError::ContentMissing(format!("layer blob {}", layer.blob))
                    }
                    _ => StoreError::Io {
                        op: "stat",
                        path: p,
                        source: e,
                    },
                });
            }
        }
        let platform = platform_of(&config);
        let tagged: Vec<(&String, (String, String))> = names
            .iter()
            .filter_map(|n| familiar_repo_tag(n).map(|rt| (n, rt)))
            .collect();
        let descriptor = |annotations| Descriptor {
            media_type: rec.manifest_media_type.clone(),
            digest: rec.manifest.clone(),
            size: manifest.len() as u64,
            annotations,
            platform: platform.clone(),
        };
        if tagged.is_empty() {
            // docker lists untagged images only in manifest.json; an OCI
            // reader would miss them, so they get a descriptor without names.
            index.push(descriptor(BTreeMap::new()));
        }
        for (full, (repo, tag)) in &tagged {
            let mut ann = BTreeMap::new();
            ann.insert(ANNOTATION_IMAGE_NAME.to_string(), full.to_string());
            ann.insert(ANNOTATION_REF_NAME.to_string(), tag.clone());
            index.push(descriptor(ann));
            if let Some(top) = rec.layers.last() {
                repositories
                    .entry(repo.clone())
                    .or_default()
                    .insert(tag.clone(), top.blob.hex().to_string());
            }
        }
        let blob_path = |d: &Digest| format!("blobs/sha256/{}", d.hex());
        docker_items.push(DockerManifestItem {
            config: blob_path(&rec.id),
            repo_tags: (!tagged.is_empty())
                .then(|| tagged.iter().map(|(full, _)| familiar_name(full)).collect()),
            layers: rec.layers.iter().map(|l| blob_path(&l.blob)).collect(),
        });
        for (digest, data) in [(&rec.id, Some(config)), (&rec.manifest, Some(manifest))] {
            if seen.insert(digest.clone()) {
                blobs.push(PlannedBlob {
                    digest: digest.clone(),
                    data,
                });
            }
        }
        for layer in &rec.layers {
            if seen.insert(layer.blob.clone()) {
                blobs.push(PlannedBlob {
                    digest: layer.blob.clone(),
                    data: None,
                });
            }
        }
    }

    let index = Index {
        schema_version: 2,
        media_type: Some(MT_OCI_INDEX.to_string()),
        manifests: index,
    };
    let mut small_files = vec![
        ("oci-layout".to_string(), OCI_LAYOUT.to_vec()),
        ("index.json".to_string(), to_json(&index)?),
    ];
    if format == ArchiveFormat::DockerArchive {
        small_files.push(("manifest.json".to_string(), to_json(&docker_items)?));
        if !repositories.is_empty() {
            small_files.push(("repositories".to_string(), to_json(&repositories)?));
        }
    }
    Ok(SavePlan { small_files, blobs })
}

/// Encodes a metadata document as docker's json.Encoder does (with a final newline).
fn to_json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec(v)
        .map_err(|e| StoreError::Invalid(format!("encoding archive metadata: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

/// The platform docker records on index descriptors, from the config.
fn platform_of(config: &[u8]) -> Option<Platform> {
    let v: serde_json::Value = serde_json::from_slice(config).ok()?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Some(Platform {
        architecture: s("architecture")?,
        os: s("os")?,
        variant: s("variant").filter(|x| !x.is_empty()),
    })
}

fn header(kind: tar::EntryType, mode: u32, size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_size(size);
    // docker writes its metadata with the epoch as mtime: archives of the
    // same images are byte-identical.
    h.set_mtime(0);
    h.set_uid(0);
    h.set_gid(0);
    h
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    name: &str,
    size: u64,
    data: impl Read,
) -> io::Result<()> {
    let mut h = header(tar::EntryType::Regular, 0o644, size);
    tar.append_data(&mut h, name, data)
}

/// Streams one layer blob into the archive, checking its digest on the way
/// (a corrupt store must not produce an archive that fails only on load).
fn copy_blob<W: Write>(
    store: &Store,
    tar: &mut tar::Builder<W>,
    name: &str,
    d: &Digest,
) -> Result<()> {
    let path = store.blob_path(d);
    let file = store.open_blob(d)?;
    let size = file.metadata().ctx("stat", &path)?.len();
    let mut reader = HashingReader::new(file.take(size));
    append(tar, name, size, &mut reader).map_err(|e| StoreError::Io {
        op: "write",
        path: PathBuf::from("the archive output"),
        source: e,
    })?;
    let (actual, len) = reader.finish().ctx("read", &path)?;
    if len != size {
        return Err(StoreError::SizeMismatch {
            what: format!("stored blob {}", path.display()),
            expected: size,
            actual: len,
        });
    }
    if &actual != d {
        return Err(StoreError::DigestMismatch {
            what: format!(
                "stored blob {} (run `berth system check --repair`)",
                path.display()
            ),
            expected: d.clone(),
            actual,
        });
    }
    Ok(())
}

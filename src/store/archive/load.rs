//! `load`: docker-archive (legacy and docker 25's combined layout) and OCI
//! archives into the store.
//!
//! Three phases: spool every entry into staging (verifying what is named by
//! digest), plan each image from its metadata, then stage and extract every
//! image before committing any, so a bad layer anywhere loads nothing.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::Read;

use chrono::{DateTime, Utc};

use super::host_arch;
use super::spool::{Spool, SpooledFile};
use super::{
    familiar_name, full_name, ConfigSummary, Descriptor, DockerManifestItem, Index, LoadedImage,
    Manifest, ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, MT_DOCKER_CONFIG, MT_DOCKER_LAYER,
    MT_DOCKER_LAYER_GZIP, MT_DOCKER_LIST, MT_DOCKER_MANIFEST, MT_OCI_INDEX, MT_OCI_LAYER_ZSTD,
    MT_OCI_MANIFEST,
};
use crate::store::compression::decompressing_reader;
use crate::store::digest::Digest;
use crate::store::error::{IoContext, Result, StoreError};
use crate::store::images::NewImage;
use crate::store::records::ImageLayer;
use crate::store::staging::Staging;
use crate::store::Store;

/// Nested indexes deeper than this are refused (a loop or a hostile archive).
const MAX_INDEX_DEPTH: usize = 4;

/// Loads every image of a docker or OCI archive read from `input`.
/// `progress` receives docker's lines (`Loaded image: busybox:latest`,
/// `Loaded image ID: sha256:…`) as each image is committed.
pub fn load(
    store: &Store,
    input: impl Read,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<LoadedImage>> {
    let spool = Spool::read(store, input)?;
    let plans = if spool.contains("manifest.json") {
        docker_plans(&spool)?
    } else if spool.contains("index.json") {
        oci_plans(&spool)?
    } else {
        return Err(StoreError::Invalid(
            "the input is not an image archive: it has neither manifest.json (docker) nor index.json (OCI)".into(),
        ));
    };
    if plans.is_empty() {
        return Err(StoreError::Invalid("the archive holds no images".into()));
    }

    let mut extracted = HashSet::new();
    let mut staged = Vec::with_capacity(plans.len());
    for plan in &plans {
        staged.push(stage(store, plan, &mut extracted, true)?);
    }
    let mut loaded = Vec::with_capacity(plans.len());
    for (plan, staging) in plans.iter().zip(staged) {
        let record = match store.commit_image(staging, plan.new_image()) {
            // A layer the store had was removed meanwhile: stage it ourselves.
            Err(StoreError::ContentMissing(_)) => {
                let staging = stage(store, plan, &mut HashSet::new(), false)?;
                store.commit_image(staging, plan.new_image())?
            }
            other => other?,
        };
        if plan.names.is_empty() {
            progress(&format!("Loaded image ID: {}", record.id));
        }
        for name in &plan.names {
            progress(&format!("Loaded image: {}", familiar_name(name)));
        }
        loaded.push(LoadedImage {
            id: record.id,
            names: plan.names.clone(),
        });
    }
    Ok(loaded)
}

/// One image to load, decided from the archive's metadata alone.
struct ImagePlan {
    config: Digest,
    config_bytes: Vec<u8>,
    manifest: Digest,
    manifest_bytes: Vec<u8>,
    manifest_media_type: String,
    layers: Vec<PlannedLayer>,
    names: Vec<String>,
    created: Option<DateTime<Utc>>,
}

#[derive(Clone)]
struct PlannedLayer {
    record: ImageLayer,
    source: SpooledFile,
}

impl ImagePlan {
    fn new_image(&self) -> NewImage {
        NewImage {
            config: self.config.clone(),
            manifest: self.manifest.clone(),
            manifest_media_type: self.manifest_media_type.clone(),
            layers: self.layers.iter().map(|l| l.record.clone()).collect(),
            names: self.names.clone(),
            repo_digests: vec![],
            created: self.created,
        }
    }
}

/// Puts one image's blobs and layers into a fresh staging area. Layers the
/// store has, or an earlier image of this archive extracted, are skipped
/// when `skip_present` (images are committed in order, so they are there).
fn stage(
    store: &Store,
    plan: &ImagePlan,
    extracted: &mut HashSet<Digest>,
    skip_present: bool,
) -> Result<Staging> {
    let staging = store.begin_staging()?;
    staging.put_blob(Some(&plan.config), &plan.config_bytes)?;
    staging.put_blob(Some(&plan.manifest), &plan.manifest_bytes)?;
    for layer in &plan.layers {
        let dest = staging.blob_path(&layer.record.blob);
        if !dest.exists() {
            // Both live under the store's staging directory: a hard link
            // costs nothing; copy only if the filesystem refuses.
            if fs::hard_link(&layer.source.path, &dest).is_err() {
                fs::copy(&layer.source.path, &dest).ctx("copy", &dest)?;
            }
        }
        let diff_id = &layer.record.diff_id;
        if skip_present && (extracted.contains(diff_id) || store.has_layer(diff_id)) {
            continue;
        }
        let file = File::open(&layer.source.path).ctx("open", &layer.source.path)?;
        let reader = decompressing_reader(file).ctx("decompress", &layer.source.path)?;
        staging.extract_layer(reader, Some(diff_id), None)?;
        extracted.insert(diff_id.clone());
    }
    Ok(staging)
}

/// Plans from docker's `manifest.json` (both legacy and combined archives).
fn docker_plans(spool: &Spool) -> Result<Vec<ImagePlan>> {
    let file = spool.get("manifest.json", "the archive")?;
    let items: Vec<DockerManifestItem> =
        parse_json(&spool.read_small(file, "manifest.json")?, "manifest.json")?;
    // Combined archives also carry OCI manifests; reuse one when it
    // describes exactly these blobs, so the manifest digest survives a round trip.
    // docker 25.0's own OCI manifests can be unusable (they listed only
    // foreign layers), so an OCI side that does not plan is ignored here:
    // manifest.json alone describes the image.
    let oci = if spool.contains("index.json") {
        oci_plans(spool).unwrap_or_default()
    } else {
        vec![]
    };
    let mut plans: Vec<ImagePlan> = Vec::new();
    for item in items {
        let what = format!("manifest.json entry {:?}", item.config);
        let config_file = spool.get(&item.config, &what)?;
        let config_bytes = spool.read_small(config_file, &what)?;
        let config = Digest::of_bytes(&config_bytes);
        let summary: ConfigSummary =
            parse_json(&config_bytes, &format!("image config {}", item.config))?;
        let diff_ids = &summary.rootfs.diff_ids;
        if diff_ids.len() != item.layers.len() {
            return Err(StoreError::Invalid(format!(
                "{what}: lists {} layers but its config has {} diff ids; the archive is corrupt",
                item.layers.len(),
                diff_ids.len()
            )));
        }
        let mut layers = Vec::with_capacity(diff_ids.len());
        for (path, diff_id) in item.layers.iter().zip(diff_ids) {
            let source = spool.get(path, &what)?.clone();
            let media_type = match sniff(&source)? {
                Compression::None => MT_DOCKER_LAYER,
                Compression::Gzip => MT_DOCKER_LAYER_GZIP,
                Compression::Zstd => MT_OCI_LAYER_ZSTD,
            };
            layers.push(PlannedLayer {
                record: ImageLayer {
                    diff_id: diff_id.clone(),
                    blob: source.digest.clone(),
                    media_type: media_type.to_string(),
                    blob_size: source.size,
                },
                source,
            });
        }
        let mut names = Vec::new();
        for tag in item.repo_tags.iter().flatten() {
            push_unique(&mut names, full_name(tag)?);
        }
        let matching = oci.iter().find(|p| {
            p.config == config
                && p.layers.len() == layers.len()
                && p.layers
                    .iter()
                    .zip(&layers)
                    .all(|(a, b)| a.record.blob == b.record.blob)
        });
        let plan = match matching {
            Some(p) => ImagePlan {
                config_bytes,
                manifest: p.manifest.clone(),
                manifest_bytes: p.manifest_bytes.clone(),
                manifest_media_type: p.manifest_media_type.clone(),
                layers: p.layers.clone(),
                names,
                created: parse_created(&summary),
                config,
            },
            None => {
                let manifest_bytes = docker_manifest(&config, config_bytes.len() as u64, &layers)?;
                ImagePlan {
                    manifest: Digest::of_bytes(&manifest_bytes),
                    manifest_bytes,
                    manifest_media_type: MT_DOCKER_MANIFEST.to_string(),
                    config_bytes,
                    layers,
                    names,
                    created: parse_created(&summary),
                    config,
                }
            }
        };
        merge(&mut plans, plan);
    }
    Ok(plans)
}

/// Builds the docker v2 schema2 manifest a legacy archive lacks.
fn docker_manifest(config: &Digest, config_size: u64, layers: &[PlannedLayer]) -> Result<Vec<u8>> {
    let desc = |media_type: &str, digest: &Digest, size| Descriptor {
        media_type: media_type.to_string(),
        digest: digest.clone(),
        size,
        annotations: Default::default(),
        platform: None,
    };
    let manifest = Manifest {
        schema_version: 2,
        media_type: Some(MT_DOCKER_MANIFEST.to_string()),
        config: desc(MT_DOCKER_CONFIG, config, config_size),
        layers: layers
            .iter()
            .map(|l| desc(&l.record.media_type, &l.record.blob, l.record.blob_size))
            .collect(),
    };
    serde_json::to_vec(&manifest)
        .map_err(|e| StoreError::Invalid(format!("encoding a manifest: {e}")))
}

/// Plans from an OCI layout's `index.json`.
fn oci_plans(spool: &Spool) -> Result<Vec<ImagePlan>> {
    let file = spool.get("index.json", "the archive")?;
    let index: Index = parse_json(&spool.read_small(file, "index.json")?, "index.json")?;
    let mut plans = Vec::new();
    for desc in &index.manifests {
        let names = names_from_annotations(desc)?;
        for (manifest_desc, bytes) in resolve_manifests(spool, desc, 0)? {
            let mut plan = oci_plan(spool, &manifest_desc, bytes)?;
            plan.names = names.clone();
            merge(&mut plans, plan);
        }
    }
    Ok(plans)
}

/// docker 25 and containerd name images in `io.containerd.image.name`;
/// podman puts the full name in `org.opencontainers.image.ref.name`, where
/// docker puts only the tag (which alone names nothing).
fn names_from_annotations(desc: &Descriptor) -> Result<Vec<String>> {
    if let Some(n) = desc.annotations.get(ANNOTATION_IMAGE_NAME) {
        return Ok(vec![full_name(n)?]);
    }
    match desc.annotations.get(ANNOTATION_REF_NAME) {
        Some(n) if n.contains(['/', ':']) => Ok(vec![full_name(n)?]),
        _ => Ok(vec![]),
    }
}

/// The image manifests a descriptor leads to: itself, or for an index the
/// entries for this host's platform (all entries when none says a platform).
fn resolve_manifests(
    spool: &Spool,
    desc: &Descriptor,
    depth: usize,
) -> Result<Vec<(Descriptor, Vec<u8>)>> {
    let what = format!("index entry {}", desc.digest);
    let bytes = read_blob(spool, desc, &what)?;
    let media_type = if desc.media_type.is_empty() {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| {
                v.get("mediaType")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_default()
    } else {
        desc.media_type.clone()
    };
    if media_type != MT_OCI_INDEX && media_type != MT_DOCKER_LIST {
        return Ok(vec![(desc.clone(), bytes)]);
    }
    if depth >= MAX_INDEX_DEPTH {
        return Err(StoreError::Invalid(format!(
            "{what}: indexes nested too deep"
        )));
    }
    let index: Index = parse_json(&bytes, &what)?;
    let arch = host_arch();
    let is_host = |d: &&Descriptor| {
        d.platform
            .as_ref()
            .is_some_and(|p| p.os == "linux" && p.architecture == arch)
    };
    // Attestations and the like are listed with platform unknown/unknown.
    let is_image = |d: &&Descriptor| d.platform.as_ref().is_none_or(|p| p.os != "unknown");
    let chosen: Vec<&Descriptor> = if let Some(d) = index.manifests.iter().find(is_host) {
        vec![d]
    } else if index.manifests.iter().all(|d| d.platform.is_none()) {
        index.manifests.iter().collect()
    } else {
        // docker loads a foreign image as it is when it is the only one.
        let images: Vec<&Descriptor> = index.manifests.iter().filter(is_image).collect();
        if images.len() == 1 {
            images
        } else {
            vec![]
        }
    };
    if chosen.is_empty() {
        return Err(StoreError::Invalid(format!(
            "{what}: the archive has no image for linux/{arch}"
        )));
    }
    let mut out = Vec::new();
    for d in chosen {
        out.extend(resolve_manifests(spool, d, depth + 1)?);
    }
    Ok(out)
}

fn oci_plan(spool: &Spool, desc: &Descriptor, manifest_bytes: Vec<u8>) -> Result<ImagePlan> {
    let what = format!("manifest {}", desc.digest);
    let manifest: Manifest = parse_json(&manifest_bytes, &what)?;
    let config_bytes = read_blob(spool, &manifest.config, &what)?;
    let summary: ConfigSummary = parse_json(
        &config_bytes,
        &format!("image config {}", manifest.config.digest),
    )?;
    let diff_ids = &summary.rootfs.diff_ids;
    if diff_ids.len() != manifest.layers.len() {
        return Err(StoreError::Invalid(format!(
            "{what}: lists {} layers but its config has {} diff ids; the archive is corrupt",
            manifest.layers.len(),
            diff_ids.len()
        )));
    }
    let mut layers = Vec::with_capacity(diff_ids.len());
    for (l, diff_id) in manifest.layers.iter().zip(diff_ids) {
        let source = sized_blob(spool, l, &what)?.clone();
        layers.push(PlannedLayer {
            record: ImageLayer {
                diff_id: diff_id.clone(),
                blob: l.digest.clone(),
                media_type: l.media_type.clone(),
                blob_size: l.size,
            },
            source,
        });
    }
    let manifest_media_type = match (&manifest.media_type, desc.media_type.is_empty()) {
        (Some(m), _) => m.clone(),
        (None, false) => desc.media_type.clone(),
        (None, true) => MT_OCI_MANIFEST.to_string(),
    };
    Ok(ImagePlan {
        config: manifest.config.digest.clone(),
        config_bytes,
        manifest: desc.digest.clone(),
        manifest_bytes,
        manifest_media_type,
        layers,
        names: vec![],
        created: parse_created(&summary),
    })
}

/// A blob the descriptor names, checked against the descriptor's size
/// (its digest was checked while spooling).
fn sized_blob<'a>(spool: &'a Spool, desc: &Descriptor, what: &str) -> Result<&'a SpooledFile> {
    let file = spool.blob(&desc.digest, what)?;
    if file.size != desc.size {
        return Err(StoreError::SizeMismatch {
            what: format!("blob {} referenced by {what}", desc.digest),
            expected: desc.size,
            actual: file.size,
        });
    }
    Ok(file)
}

fn read_blob(spool: &Spool, desc: &Descriptor, what: &str) -> Result<Vec<u8>> {
    let file = sized_blob(spool, desc, what)?;
    spool.read_small(file, &format!("blob {} referenced by {what}", desc.digest))
}

/// Adds a plan, or only its names when the archive lists the image twice.
fn merge(plans: &mut Vec<ImagePlan>, plan: ImagePlan) {
    match plans.iter_mut().find(|p| p.config == plan.config) {
        Some(existing) => {
            for n in plan.names {
                push_unique(&mut existing.names, n);
            }
        }
        None => plans.push(plan),
    }
}

fn push_unique(names: &mut Vec<String>, name: String) {
    if !names.contains(&name) {
        names.push(name);
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| StoreError::Invalid(format!("{what} in the archive is not valid: {e}")))
}

fn parse_created(summary: &ConfigSummary) -> Option<DateTime<Utc>> {
    let s = summary.created.as_deref()?;
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

enum Compression {
    None,
    Gzip,
    Zstd,
}

/// What a layer blob is compressed with, from its magic number.
fn sniff(file: &SpooledFile) -> Result<Compression> {
    let mut magic = Vec::with_capacity(4);
    File::open(&file.path)
        .and_then(|f| f.take(4).read_to_end(&mut magic))
        .ctx("read", &file.path)?;
    Ok(if magic.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    })
}

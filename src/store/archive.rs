//! `save` and `load`: images to and from the tar archives `docker save`
//! writes and `docker load` / `podman load` read.
//!
//! `save` writes docker 25's combined layout: an OCI image layout
//! (`oci-layout`, `index.json`, `blobs/sha256/*`) plus `manifest.json` and
//! `repositories` pointing into the same blobs, so one file loads both as a
//! docker-archive and as an OCI archive. Layer blobs are written as stored
//! (usually gzip); docker, podman and berth all decompress on load.
//!
//! `load` reads both docker-archive forms (legacy `<id>/layer.tar` and the
//! combined one) and OCI archives, from a non-seekable stream: the entries
//! are spooled into staging first, because tar entries come in any order.

mod load;
mod save;
mod spool;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::digest::Digest;
use super::error::{Result, StoreError};

pub use load::load;
pub use save::save;

/// Which archive `save` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    /// docker 25's combined layout: loadable by `docker load` (any version
    /// since 1.10), `podman load`, and as an OCI layout.
    DockerArchive,
    /// The OCI image layout alone (podman's `--format oci-archive`).
    OciArchive,
}

/// One image `load` committed.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedImage {
    pub id: Digest,
    /// Fully qualified names, e.g. `docker.io/library/busybox:latest`.
    pub names: Vec<String>,
}

pub(crate) const MT_OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub(crate) const MT_OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub(crate) const MT_OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub(crate) const MT_OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub(crate) const MT_OCI_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";
pub(crate) const MT_DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub(crate) const MT_DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub(crate) const MT_DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
pub(crate) const MT_DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar";
pub(crate) const MT_DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/// Annotation containerd (and docker 25+) use for the full image name.
pub(crate) const ANNOTATION_IMAGE_NAME: &str = "io.containerd.image.name";
/// OCI's annotation; docker writes the tag alone, podman the full name.
pub(crate) const ANNOTATION_REF_NAME: &str = "org.opencontainers.image.ref.name";

/// An OCI / docker schema2 content descriptor, fields in the order docker writes them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Descriptor {
    #[serde(rename = "mediaType", default)]
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Platform {
    pub architecture: String,
    pub os: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

/// An image manifest (OCI v1 or docker schema2: same shape).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Manifest {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    #[serde(rename = "mediaType", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
}

/// An OCI image index (also docker's manifest list).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Index {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    #[serde(rename = "mediaType", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    pub manifests: Vec<Descriptor>,
}

/// One entry of docker's `manifest.json` (keys capitalised, as docker's).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DockerManifestItem {
    #[serde(rename = "Config")]
    pub config: String,
    #[serde(rename = "RepoTags", default)]
    pub repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers")]
    pub layers: Vec<String>,
}

/// The parts of an image config `load` needs.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ConfigSummary {
    pub rootfs: RootFs,
    #[serde(default)]
    pub created: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct RootFs {
    #[serde(default)]
    pub diff_ids: Vec<Digest>,
}

/// Normalises a name found in an archive (RepoTags, annotations) to its
/// fully qualified form, with docker's rules.
pub(crate) fn full_name(s: &str) -> Result<String> {
    crate::registry::reference::ImageRef::parse(s)
        .map(|r| r.to_string())
        .map_err(|e| StoreError::Invalid(format!("invalid image name {s:?} in archive: {e}")))
}

/// Splits a fully qualified tagged name into docker's familiar repository
/// and its tag (`docker.io/library/busybox:latest` → `busybox`, `latest`);
/// `None` for names pinned by digest, which docker leaves out of archives.
pub(crate) fn familiar_repo_tag(full: &str) -> Option<(String, String)> {
    if full.contains('@') {
        return None;
    }
    let i = full.rfind(':').filter(|&i| !full[i..].contains('/'))?;
    let (repo, tag) = (&full[..i], &full[i + 1..]);
    let repo = match repo.strip_prefix("docker.io/") {
        Some(r) => r
            .strip_prefix("library/")
            .filter(|r| !r.contains('/'))
            .unwrap_or(r),
        None => repo,
    };
    Some((repo.to_string(), tag.to_string()))
}

/// The familiar `repo:tag` form docker prints and writes in `RepoTags`.
pub(crate) fn familiar_name(full: &str) -> String {
    match familiar_repo_tag(full) {
        Some((repo, tag)) => format!("{repo}:{tag}"),
        None => full.to_string(),
    }
}

/// The host's architecture in Go's (and the OCI spec's) spelling.
pub(crate) fn host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "loongarch64" => "loong64",
        "mips64" if cfg!(target_endian = "little") => "mips64le",
        other => other,
    }
}

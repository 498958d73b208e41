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

/// The fully qualified form of an image name, following docker's rules
/// (distribution/reference `ParseNormalizedNamed`): the first component is
/// a registry host when it contains `.` or `:` or is `localhost`; otherwise
/// the registry is `docker.io`, and a single-component name gets `library/`;
/// a name without tag or digest gets `:latest`.
// The registry module's `ImageRef` is the full parser; this covers what
// archives contain (RepoTags and annotations) until callers switch to it.
pub(crate) fn full_name(s: &str) -> Result<String> {
    let bad =
        |why: &str| StoreError::Invalid(format!("invalid image name {s:?} in archive: {why}"));
    let (rest, digest) = match s.split_once('@') {
        Some((n, d)) => {
            Digest::parse(d).map_err(|_| bad("the digest is not sha256:<64 hex>"))?;
            (n, Some(d))
        }
        None => (s, None),
    };
    let (name, tag) = match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if let Some(t) = tag {
        let ok = !t.is_empty()
            && t.len() <= 128
            && !t.starts_with(['.', '-'])
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !ok {
            return Err(bad(
                "the tag may hold only letters, digits, '_', '.' and '-'",
            ));
        }
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    let first = parts[0];
    let has_host = parts.len() > 1 && (first.contains(['.', ':']) || first == "localhost");
    let host = if has_host {
        parts.remove(0);
        if first == "index.docker.io" {
            "docker.io"
        } else {
            first
        }
    } else {
        "docker.io"
    };
    if host == "docker.io" && parts.len() == 1 {
        parts.insert(0, "library");
    }
    for p in &parts {
        let ok = !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
            && !p.starts_with(['.', '_', '-'])
            && !p.ends_with(['.', '_', '-']);
        if !ok {
            return Err(bad(
                "repository names are lowercase letters, digits and separators",
            ));
        }
    }
    let mut out = format!("{host}/{}", parts.join("/"));
    match (tag, digest) {
        (Some(t), _) => {
            out.push(':');
            out.push_str(t);
        }
        (None, None) => out.push_str(":latest"),
        (None, Some(_)) => {}
    }
    if let Some(d) = digest {
        out.push('@');
        out.push_str(d);
    }
    Ok(out)
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

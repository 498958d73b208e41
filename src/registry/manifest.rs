//! Image manifests and indexes as registries serve them: the media types
//! berth accepts, a parser that tells a single-platform manifest from a
//! list, and the few config fields a pull needs. Our own small serde types
//! keep unknown media types and platforms (`unknown/unknown` attestations)
//! readable instead of failing on them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";
const DOCKER_SCHEMA1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";

/// The `Accept` list of a manifest request, most preferred first.
pub const ACCEPTED: &[&str] = &[
    OCI_INDEX,
    DOCKER_MANIFEST_LIST,
    OCI_MANIFEST,
    DOCKER_MANIFEST,
];

/// Manifests and configs are small; anything larger is not one.
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
pub const MAX_CONFIG_BYTES: u64 = 32 * 1024 * 1024;

/// A content descriptor (OCI image-spec `descriptor.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    #[serde(default)]
    pub media_type: String,
    pub digest: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<PlatformSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// The platform of an index entry, as written in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformSpec {
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(
        default,
        rename = "os.version",
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    pub config: Descriptor,
    #[serde(default)]
    pub layers: Vec<Descriptor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageIndex {
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    pub manifests: Vec<Descriptor>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Manifest {
    Image(Box<ImageManifest>),
    Index(ImageIndex),
}

/// Why a manifest cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ManifestError {
    #[error(
        "the image uses the deprecated Docker image manifest v2 schema 1, which berth does not \
         support; ask its publisher to push it again with a current docker or podman"
    )]
    Schema1,
    #[error("the manifest has media type {0:?}, which is not a container image")]
    Unsupported(String),
    #[error("the manifest is not valid JSON of an image manifest or index: {0}")]
    Malformed(String),
}

/// What a manifest's JSON says it is, before parsing it fully.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    #[serde(default)]
    schema_version: Option<u32>,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    manifests: Option<serde_json::Value>,
    #[serde(default)]
    config: Option<serde_json::Value>,
}

/// Parses a manifest body and returns it with its media type. The body is
/// trusted over a missing `mediaType` (OCI makes the field optional), and a
/// missing type is inferred from `manifests` versus `config`.
pub fn parse(body: &[u8]) -> Result<(Manifest, String), ManifestError> {
    let probe: Probe =
        serde_json::from_slice(body).map_err(|e| ManifestError::Malformed(e.to_string()))?;
    if probe.schema_version == Some(1) {
        return Err(ManifestError::Schema1);
    }
    let media_type = match probe.media_type.as_deref() {
        Some(DOCKER_SCHEMA1 | DOCKER_SCHEMA1_SIGNED) => return Err(ManifestError::Schema1),
        Some(t) => t.to_string(),
        None if probe.manifests.is_some() => OCI_INDEX.to_string(),
        None if probe.config.is_some() => OCI_MANIFEST.to_string(),
        None => {
            return Err(ManifestError::Malformed(
                "it has neither \"manifests\" nor \"config\"".into(),
            ))
        }
    };
    let malformed = |e: serde_json::Error| ManifestError::Malformed(e.to_string());
    match media_type.as_str() {
        OCI_INDEX | DOCKER_MANIFEST_LIST => {
            let index: ImageIndex = serde_json::from_slice(body).map_err(malformed)?;
            Ok((Manifest::Index(index), media_type))
        }
        OCI_MANIFEST | DOCKER_MANIFEST => {
            let m: ImageManifest = serde_json::from_slice(body).map_err(malformed)?;
            Ok((Manifest::Image(Box::new(m)), media_type))
        }
        _ => Err(ManifestError::Unsupported(media_type)),
    }
}

/// The parts of an image config a pull needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigSummary {
    pub diff_ids: Vec<String>,
    pub created: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Deserialize)]
struct ConfigProbe {
    #[serde(default)]
    created: Option<String>,
    rootfs: RootFs,
}

#[derive(Deserialize)]
struct RootFs {
    #[serde(default)]
    diff_ids: Vec<String>,
}

pub fn parse_config(body: &[u8]) -> Result<ConfigSummary, ManifestError> {
    let c: ConfigProbe = serde_json::from_slice(body)
        .map_err(|e| ManifestError::Malformed(format!("image config: {e}")))?;
    // A bad timestamp only loses the CREATED column; it is no reason to fail a pull.
    let created = c
        .created
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&chrono::Utc));
    Ok(ConfigSummary {
        diff_ids: c.rootfs.diff_ids,
        created,
    })
}

/// Layer media types berth can unpack: tar, optionally gzip or zstd
/// (compression is sniffed from the bytes, so only encryption is refused).
pub fn is_unpackable_layer(media_type: &str) -> bool {
    !media_type.contains("+encrypted")
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn manifest_json(media_type: Option<&str>) -> String {
        let mt = media_type
            .map(|t| format!("\"mediaType\":\"{t}\","))
            .unwrap_or_default();
        format!(
            r#"{{"schemaVersion":2,{mt}"config":{{"mediaType":"x","digest":"{D}","size":2}},
            "layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{D}","size":3}}]}}"#
        )
    }

    #[test]
    fn classifies_docker_and_oci_manifests() {
        for t in [DOCKER_MANIFEST, OCI_MANIFEST] {
            let (m, mt) = parse(manifest_json(Some(t)).as_bytes()).expect("valid manifest");
            assert_eq!(mt, t);
            let Manifest::Image(m) = m else {
                panic!("{t} parsed as an index")
            };
            assert_eq!(m.layers.len(), 1);
            assert_eq!(m.layers[0].size, 3);
        }
    }

    #[test]
    fn oci_manifest_without_media_type_is_inferred() {
        let (m, mt) = parse(manifest_json(None).as_bytes()).expect("valid manifest");
        assert_eq!(mt, OCI_MANIFEST);
        assert!(matches!(m, Manifest::Image(_)));
        let (m, mt) = parse(br#"{"schemaVersion":2,"manifests":[]}"#).expect("valid index");
        assert_eq!(mt, OCI_INDEX);
        assert!(matches!(m, Manifest::Index(_)));
    }

    #[test]
    fn classifies_lists_and_indexes() {
        for t in [DOCKER_MANIFEST_LIST, OCI_INDEX] {
            let body = format!(
                r#"{{"schemaVersion":2,"mediaType":"{t}","manifests":[{{"mediaType":"{OCI_MANIFEST}",
                "digest":"{D}","size":9,"platform":{{"architecture":"arm","os":"linux","variant":"v7"}}}}]}}"#
            );
            let (m, mt) = parse(body.as_bytes()).expect("valid index");
            assert_eq!(mt, t);
            let Manifest::Index(i) = m else {
                panic!("{t} parsed as a manifest")
            };
            let p = i.manifests[0].platform.as_ref().expect("platform kept");
            assert_eq!(p.variant.as_deref(), Some("v7"));
        }
    }

    #[test]
    fn rejects_schema1_and_foreign_types() {
        let s1 = br#"{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]}"#;
        assert_eq!(parse(s1), Err(ManifestError::Schema1));
        let signed = format!(r#"{{"mediaType":"{DOCKER_SCHEMA1_SIGNED}","config":{{}}}}"#);
        assert_eq!(parse(signed.as_bytes()), Err(ManifestError::Schema1));
        let helm =
            br#"{"schemaVersion":2,"mediaType":"application/vnd.cncf.helm.chart","config":{}}"#;
        assert!(matches!(parse(helm), Err(ManifestError::Unsupported(_))));
        assert!(matches!(parse(b"<html>"), Err(ManifestError::Malformed(_))));
        assert!(matches!(parse(b"{}"), Err(ManifestError::Malformed(_))));
    }

    #[test]
    fn reads_diff_ids_and_created_from_config() {
        let c = format!(
            r#"{{"created":"2024-01-02T03:04:05.5Z","architecture":"amd64","rootfs":{{"type":"layers","diff_ids":["{D}"]}}}}"#
        );
        let s = parse_config(c.as_bytes()).expect("valid config");
        assert_eq!(s.diff_ids, vec![D.to_string()]);
        assert_eq!(
            s.created.map(|t| t.to_rfc3339()),
            Some("2024-01-02T03:04:05.500+00:00".to_string())
        );
        let no_date = br#"{"created":"yesterday","rootfs":{"diff_ids":[]}}"#;
        assert_eq!(parse_config(no_date).map(|s| s.created), Ok(None));
        assert!(parse_config(br#"{"architecture":"amd64"}"#).is_err());
    }
}

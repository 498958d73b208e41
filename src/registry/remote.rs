//! Reading an image from a registry without pulling it: the manifest (or
//! manifest list) as served, the platform's manifest and its config. Used
//! by `berth manifest inspect`, `berth image inspect --remote`, and by pull
//! to resolve what to download.

use oci_client::RegistryOperation;

use super::client::{parse_digest, RegistryOptions, Result, Session};
use super::error::RegistryError;
use super::manifest::{self, ImageIndex, ImageManifest, Manifest};
use super::mirror::mirrored;
use super::platform::{self, Platform};
use super::reference::ImageRef;
use crate::store::Digest;

/// What a registry holds under a reference.
#[derive(Debug, Clone)]
pub struct RemoteImage {
    pub reference: ImageRef,
    /// The manifest or manifest list exactly as served (`manifest inspect` prints it).
    pub manifest_raw: Vec<u8>,
    pub media_type: String,
    pub digest: Digest,
    /// Set when the reference names a manifest list / OCI index.
    pub index: Option<ImageIndex>,
    /// The single-platform image: the reference itself, or the list entry
    /// for the requested platform (`None` when the list has no such entry).
    pub image: Option<PlatformImage>,
    /// The image config of `image`.
    pub config: Option<serde_json::Value>,
}

/// One platform's manifest.
#[derive(Debug, Clone)]
pub struct PlatformImage {
    pub raw: Vec<u8>,
    pub digest: Digest,
    pub media_type: String,
    pub manifest: ImageManifest,
}

/// The top-level manifest of a reference, parsed.
pub(crate) struct Top {
    pub raw: Vec<u8>,
    pub digest: Digest,
    pub media_type: String,
    pub manifest: Manifest,
}

pub(crate) async fn fetch_top(session: &Session, reference: &ImageRef) -> Result<Top> {
    let (raw, digest) = session.fetch_manifest(reference, None).await?;
    let (manifest, media_type) =
        manifest::parse(&raw).map_err(|source| RegistryError::BadManifest {
            reference: reference.familiar(),
            source,
        })?;
    Ok(Top {
        raw,
        digest,
        media_type,
        manifest,
    })
}

/// The single-platform manifest of `top`, choosing from a list by `want`.
pub(crate) async fn select_image(
    session: &Session,
    reference: &ImageRef,
    top: &Top,
    want: &Platform,
) -> Result<PlatformImage> {
    let index = match &top.manifest {
        Manifest::Image(m) => {
            return Ok(PlatformImage {
                raw: top.raw.clone(),
                digest: top.digest.clone(),
                media_type: top.media_type.clone(),
                manifest: (**m).clone(),
            })
        }
        Manifest::Index(index) => index,
    };
    let Some(entry) = platform::select(index, want) else {
        let available = platform::available(index);
        return Err(RegistryError::NoMatchingPlatform {
            reference: reference.familiar(),
            wanted: want.to_string(),
            available: if available.is_empty() {
                "no platforms".into()
            } else {
                available.join(", ")
            },
        });
    };
    parse_digest(&entry.digest)?;
    let (raw, digest) = session
        .fetch_manifest(reference, Some(&entry.digest))
        .await?;
    let bad = |source| RegistryError::BadManifest {
        reference: format!("{}@{}", reference.name(), entry.digest),
        source,
    };
    match manifest::parse(&raw).map_err(bad)? {
        (Manifest::Image(m), media_type) => Ok(PlatformImage {
            raw,
            digest,
            media_type,
            manifest: *m,
        }),
        (Manifest::Index(_), media_type) => Err(bad(manifest::ManifestError::Unsupported(
            format!("{media_type} nested in a manifest list"),
        ))),
    }
}

/// Reads `reference` from its registry (its mirrors first, as pull does):
/// the manifest or list as served and, for the platform in `opts` (the
/// host's by default), the image's manifest and config. Nothing is stored.
pub async fn inspect_remote(reference: &ImageRef, opts: &RegistryOptions) -> Result<RemoteImage> {
    for source in mirrored(reference, &opts.mirrors) {
        if let Ok(image) = inspect_at(&source, reference, opts).await {
            return Ok(image);
        }
    }
    inspect_at(reference, reference, opts).await
}

async fn inspect_at(
    source: &ImageRef,
    reference: &ImageRef,
    opts: &RegistryOptions,
) -> Result<RemoteImage> {
    let session = Session::connect(source, opts, RegistryOperation::Pull).await?;
    let top = fetch_top(&session, source).await?;
    let image = match select_image(&session, source, &top, &opts.platform()).await {
        Ok(image) => Some(image),
        // A list without the platform can still be shown.
        Err(RegistryError::NoMatchingPlatform { .. }) => None,
        Err(e) => return Err(e),
    };
    let config = match &image {
        Some(img) => {
            let raw = session
                .fetch_small_blob(source, &img.manifest.config, manifest::MAX_CONFIG_BYTES)
                .await?;
            let value = serde_json::from_slice(&raw).map_err(|e| RegistryError::BadManifest {
                reference: reference.familiar(),
                source: manifest::ManifestError::Malformed(format!("image config: {e}")),
            })?;
            Some(value)
        }
        None => None,
    };
    let index = match top.manifest {
        Manifest::Index(i) => Some(i),
        Manifest::Image(_) => None,
    };
    Ok(RemoteImage {
        reference: reference.clone(),
        manifest_raw: top.raw,
        media_type: top.media_type,
        digest: top.digest,
        index,
        image,
        config,
    })
}

//! `berth push`: upload the blobs the registry lacks, then the manifest
//! bytes exactly as stored (so the pushed digest is the pulled one). A blob
//! the registry has is skipped; one it has in another repository of the
//! same registry is mounted, and when the mount is refused (token scopes
//! often forbid it) it is uploaded. Uploads stream from the store's file.

use std::collections::HashSet;

use bytes::{Bytes, BytesMut};
use futures_util::{stream, Stream, StreamExt, TryStreamExt};
use oci_client::errors::OciDistributionError;
use oci_client::{Reference, RegistryOperation};
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;

use super::client::{oci_reference, parse_digest, RegistryOptions, Result, Session};
use super::error::{Doing, RegistryError};
use super::manifest::{self, Descriptor, Manifest};
use super::reference::ImageRef;
use crate::events::Event;
use crate::store::images::NewImage;
use crate::store::{Digest, ImageRecord, Store, StoreError};

/// Blobs uploaded at once (docker's default is 5).
const PARALLEL_UPLOADS: usize = 3;
/// Bytes read from the blob file per chunk of the upload body.
const UPLOAD_CHUNK: usize = 1 << 20;

/// What a push reports while it runs; layers only, as docker shows them.
pub trait PushProgress: Send + Sync {
    fn layer_started(&self, digest: &Digest, size: u64);
    fn layer_bytes(&self, digest: &Digest, n: u64);
    fn layer_done(&self, digest: &Digest, outcome: &BlobOutcome);
    /// A line to show as is (`The push refers to repository [...]`).
    fn message(&self, line: &str);
}

/// Progress that shows nothing.
pub struct NoPushProgress;

impl PushProgress for NoPushProgress {
    fn layer_started(&self, _: &Digest, _: u64) {}
    fn layer_bytes(&self, _: &Digest, _: u64) {}
    fn layer_done(&self, _: &Digest, _: &BlobOutcome) {}
    fn message(&self, _: &str) {}
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobOutcome {
    Pushed,
    AlreadyExists,
    /// Mounted from this repository of the same registry.
    Mounted {
        from: String,
    },
}

impl BlobOutcome {
    /// Docker's status text for the layer line.
    pub fn status(&self) -> String {
        match self {
            BlobOutcome::Pushed => "Pushed".into(),
            BlobOutcome::AlreadyExists => "Layer already exists".into(),
            BlobOutcome::Mounted { from } => format!("Mounted from {from}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PushReport {
    pub target: ImageRef,
    pub digest: Digest,
    /// Size of the manifest in bytes, as docker prints it.
    pub size: u64,
}

impl PushReport {
    /// `latest: digest: sha256:… size: 527`, docker's last line of a push.
    pub fn summary_line(&self) -> String {
        let tag = self.target.tag().unwrap_or("latest");
        format!("{tag}: digest: {} size: {}", self.digest, self.size)
    }
}

/// Pushes the stored `image` to `target`, then records `target@digest`
/// among the image's repo digests, as docker does.
pub async fn push(
    store: &Store,
    image: &ImageRecord,
    target: &ImageRef,
    opts: &RegistryOptions,
    progress: &dyn PushProgress,
) -> Result<PushReport> {
    let raw = store.read_blob(&image.manifest)?;
    let (parsed, parsed_type) =
        manifest::parse(&raw).map_err(|source| RegistryError::BadManifest {
            reference: image.id.to_string(),
            source,
        })?;
    let Manifest::Image(m) = parsed else {
        return Err(RegistryError::Invalid(format!(
            "the stored manifest of image {} is a manifest list; berth pushes single-platform images",
            image.id.short()
        )));
    };
    progress.message(&format!(
        "The push refers to repository [{}]",
        target.name()
    ));
    let session = Session::connect(target, opts, RegistryOperation::Push).await?;
    let target_ref = oci_reference(target);
    let sources = mount_sources(image, target);

    let mut seen = HashSet::new();
    let layers: Vec<&Descriptor> = m.layers.iter().filter(|d| seen.insert(&d.digest)).collect();
    for d in &layers {
        progress.layer_started(&parse_digest(&d.digest)?, d.size);
    }
    let uploads = layers.iter().map(|d| (*d, true));
    let config = std::iter::once((&m.config, false));
    let (session_ref, target_oci, sources_ref) = (&session, &target_ref, &sources);
    stream::iter(uploads.chain(config))
        .map(|(d, shown)| async move {
            let digest = parse_digest(&d.digest)?;
            let outcome = push_blob(
                store,
                session_ref,
                target_oci,
                &digest,
                d.size,
                sources_ref,
                shown,
                progress,
            )
            .await?;
            if shown {
                progress.layer_done(&digest, &outcome);
            }
            Ok::<(), RegistryError>(())
        })
        .buffer_unordered(PARALLEL_UPLOADS)
        .try_collect::<Vec<()>>()
        .await?;

    let media_type = if image.manifest_media_type.is_empty() {
        parsed_type
    } else {
        image.manifest_media_type.clone()
    };
    let content_type = media_type.parse().map_err(|_| {
        RegistryError::Invalid(format!(
            "stored manifest media type {media_type:?} is not a valid header"
        ))
    })?;
    let doing = Doing::Push;
    session
        .client
        .push_manifest_raw(&target_ref, raw.clone(), content_type)
        .await
        .map_err(session.fail(doing))?;
    let digest = Digest::of_bytes(&raw);
    record_repo_digest(store, image, format!("{}@{}", target.name(), digest)).await?;
    let pushed = Event::image("push", &target.familiar(), &target.familiar_name());
    crate::events::record(store.root(), pushed);
    Ok(PushReport {
        target: target.clone(),
        digest,
        size: raw.len() as u64,
    })
}

/// Repositories of the target's registry the image was pulled from or
/// pushed to, whose blobs the registry may mount.
fn mount_sources(image: &ImageRecord, target: &ImageRef) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for rd in &image.repo_digests {
        let Ok(r) = ImageRef::parse(rd) else { continue };
        let repo = r.repository().to_string();
        if r.registry() == target.registry()
            && r.repository() != target.repository()
            && !out.contains(&repo)
        {
            out.push(repo);
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
async fn push_blob(
    store: &Store,
    session: &Session,
    target: &Reference,
    digest: &Digest,
    size: u64,
    sources: &[String],
    shown: bool,
    progress: &dyn PushProgress,
) -> Result<BlobOutcome> {
    let doing = Doing::Push;
    let exists = session
        .client
        .blob_exists(target, digest.as_str())
        .await
        .map_err(session.fail(doing.clone()))?;
    if exists {
        return Ok(BlobOutcome::AlreadyExists);
    }
    for from in sources {
        let source =
            Reference::with_tag(target.registry().to_string(), from.clone(), "latest".into());
        // A refused mount is normal (no pull scope on the source); upload instead.
        if session
            .client
            .mount_blob(target, &source, digest.as_str())
            .await
            .is_ok()
        {
            return Ok(BlobOutcome::Mounted { from: from.clone() });
        }
    }
    let path = store.blob_path(digest);
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => StoreError::ContentMissing(format!("blob {digest}")),
            _ => StoreError::Io {
                op: "open",
                path: path.clone(),
                source: e,
            },
        })?;
    let len = file
        .metadata()
        .await
        .map_err(|e| StoreError::Io {
            op: "stat",
            path: path.clone(),
            source: e,
        })?
        .len();
    if len != size {
        return Err(RegistryError::Store(StoreError::SizeMismatch {
            what: format!("stored blob {digest}"),
            expected: size,
            actual: len,
        }));
    }
    let (counter, mut counts) = mpsc::unbounded_channel();
    let upload = session.client.push_blob_stream(
        target,
        file_chunks(file, counter),
        digest.as_str(),
        Some(size),
    );
    tokio::pin!(upload);
    let result = loop {
        tokio::select! {
            r = &mut upload => break r,
            Some(n) = counts.recv() => if shown { progress.layer_bytes(digest, n) },
        }
    };
    while let Ok(n) = counts.try_recv() {
        if shown {
            progress.layer_bytes(digest, n);
        }
    }
    result.map_err(session.fail(doing))?;
    Ok(BlobOutcome::Pushed)
}

/// The file as a stream of chunks for a request body, counting bytes sent.
fn file_chunks(
    file: tokio::fs::File,
    counter: mpsc::UnboundedSender<u64>,
) -> impl Stream<Item = Result<Bytes, OciDistributionError>> + Send + 'static {
    stream::try_unfold((file, counter), |(mut file, counter)| async move {
        let mut buf = BytesMut::with_capacity(UPLOAD_CHUNK);
        while buf.len() < UPLOAD_CHUNK {
            if file.read_buf(&mut buf).await? == 0 {
                break;
            }
        }
        if buf.is_empty() {
            return Ok(None);
        }
        // The receiver is gone only once the push is over.
        let _ = counter.send(buf.len() as u64);
        Ok(Some((buf.freeze(), (file, counter))))
    })
}

/// Adds `repo_digest` to the image, as docker lists a pushed name under
/// RepoDigests. An image removed meanwhile is not an error: the push happened.
async fn record_repo_digest(store: &Store, image: &ImageRecord, repo_digest: String) -> Result<()> {
    if image.repo_digests.contains(&repo_digest) {
        return Ok(());
    }
    let paths = store.paths().clone();
    let new = NewImage {
        config: image.id.clone(),
        manifest: image.manifest.clone(),
        manifest_media_type: image.manifest_media_type.clone(),
        layers: image.layers.clone(),
        names: Vec::new(),
        repo_digests: vec![repo_digest],
        created: image.created,
    };
    let committed = tokio::task::spawn_blocking(move || {
        let store = Store::open(&paths)?;
        let staging = store.begin_staging()?;
        store.commit_image(staging, new)
    })
    .await
    .map_err(|e| {
        RegistryError::Invalid(format!("internal error: recording the push failed: {e}"))
    })?;
    match committed {
        Ok(_) | Err(StoreError::ContentMissing(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(repo_digests: &[&str]) -> ImageRecord {
        ImageRecord {
            id: Digest::of_bytes(b"c"),
            names: vec![],
            repo_digests: repo_digests.iter().map(|s| s.to_string()).collect(),
            manifest: Digest::of_bytes(b"m"),
            manifest_media_type: String::new(),
            layers: vec![],
            size: 0,
            created: None,
            added: chrono::Utc::now(),
        }
    }

    #[test]
    fn mounts_only_from_other_repositories_of_the_same_registry() {
        let d = Digest::of_bytes(b"m");
        let img = record(&[
            &format!("127.0.0.1:5000/base@{d}"),
            &format!("127.0.0.1:5000/app@{d}"),
            &format!("docker.io/library/busybox@{d}"),
            &format!("127.0.0.1:5000/base@{d}"),
            "not a reference",
        ]);
        let target = ImageRef::parse("127.0.0.1:5000/app:v2").expect("parses");
        assert_eq!(mount_sources(&img, &target), vec!["base".to_string()]);
    }

    #[test]
    fn docker_style_lines() {
        let report = PushReport {
            target: ImageRef::parse("127.0.0.1:5000/app:v2").expect("parses"),
            digest: Digest::of_bytes(b"m"),
            size: 527,
        };
        assert_eq!(
            report.summary_line(),
            format!("v2: digest: {} size: 527", Digest::of_bytes(b"m"))
        );
        assert_eq!(
            BlobOutcome::Mounted {
                from: "base".into()
            }
            .status(),
            "Mounted from base"
        );
        assert_eq!(BlobOutcome::AlreadyExists.status(), "Layer already exists");
    }

    #[tokio::test]
    async fn file_chunks_streams_the_whole_file_in_bounded_chunks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("blob");
        let data: Vec<u8> = (0..(UPLOAD_CHUNK * 2 + 100))
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&path, &data).expect("write test blob");
        let file = tokio::fs::File::open(&path).await.expect("open test blob");
        let (tx, mut rx) = mpsc::unbounded_channel();
        let chunks: Vec<Bytes> = file_chunks(file, tx)
            .try_collect()
            .await
            .expect("reads the file");
        assert_eq!(chunks.len(), 3);
        assert!(chunks.iter().all(|c| c.len() <= UPLOAD_CHUNK));
        assert_eq!(chunks.concat(), data);
        let mut counted = 0;
        while let Ok(n) = rx.try_recv() {
            counted += n;
        }
        assert_eq!(counted, data.len() as u64);
    }
}

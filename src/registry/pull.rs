//! `berth pull`: resolve the manifest (choosing a platform from a list),
//! then download the missing layers in parallel. Each download is written
//! to a staging blob and, at the same time, decompressed and extracted by a
//! blocking task, so a layer is unpacked as it arrives. The blob digest is
//! checked by the blob writer, the uncompressed content by its diff id.
//! Nothing is visible until the store commits the staging area; an error or
//! Ctrl-C drops it, and with it everything downloaded.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read, Write};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{stream, StreamExt, TryStreamExt};
use oci_client::client::LayerDescriptor;
use oci_client::{Reference, RegistryOperation};
use tokio::sync::mpsc;

use super::client::{oci_reference, parse_digest, RegistryOptions, Result, Session};
use super::error::{from_oci, Doing, RegistryError};
use super::manifest::{self, Descriptor};
use super::mirror::mirrored;
use super::reference::ImageRef;
use super::remote::{fetch_top, select_image};
use crate::events::Event;
use crate::store::compression;
use crate::store::images::{ImageQuery, NewImage};
use crate::store::{Digest, ImageLayer, ImageRecord, Staging, Store, StoreError};

/// Layers downloaded at once (docker's default is 3, containerd's 3–5).
const PARALLEL_DOWNLOADS: usize = 4;
/// Chunks in flight between the download and each blocking consumer.
const CHANNEL_DEPTH: usize = 16;
/// A layer expanding past this is refused as a decompression bomb; real
/// layers of hundreds of gigabytes do not exist.
const MAX_LAYER_BYTES: u64 = 128 << 30;

/// What a pull reports while it runs. The CLI draws bars on a terminal,
/// prints docker's plain lines otherwise (`abcdef123456: Pull complete`),
/// or nothing with `--quiet`. Digests are the layer blobs' (docker's ids).
pub trait PullProgress: Send + Sync {
    /// Called for every layer to fetch, in manifest order, before any download starts.
    fn layer_started(&self, digest: &Digest, size: u64);
    fn layer_bytes(&self, digest: &Digest, n: u64);
    /// `already_exists`: the store had it and nothing was fetched ("Already exists").
    fn layer_done(&self, digest: &Digest, already_exists: bool);
    /// A line to show as is (`latest: Pulling from library/busybox`).
    fn message(&self, line: &str);
}

/// Progress that shows nothing.
pub struct NoProgress;

impl PullProgress for NoProgress {
    fn layer_started(&self, _: &Digest, _: u64) {}
    fn layer_bytes(&self, _: &Digest, _: u64) {}
    fn layer_done(&self, _: &Digest, _: bool) {}
    fn message(&self, _: &str) {}
}

#[derive(Debug, Clone)]
pub struct PullReport {
    pub reference: ImageRef,
    pub image_id: Digest,
    /// What docker prints after `Digest:`: the manifest list's digest for a
    /// multi-platform image, else the manifest's. Recorded as the repo digest.
    pub digest: Digest,
    /// The single-platform manifest that was stored.
    pub platform_manifest: Digest,
    /// The reference already named this very image.
    pub up_to_date: bool,
    pub image: ImageRecord,
}

impl PullReport {
    /// `Status: Downloaded newer image for busybox:latest` or `Status: Image is up to date for …`.
    pub fn status_line(&self) -> String {
        let what = if self.up_to_date {
            "Image is up to date for"
        } else {
            "Downloaded newer image for"
        };
        format!("Status: {what} {}", self.reference.familiar())
    }
}

/// Pulls `reference` into `store` and gives it the reference's name. The
/// registry's mirrors (`opts.mirrors`) are tried first, in order; any
/// failure there but a store error falls back to the next, then to the
/// registry itself, as docker's `registry-mirrors`.
pub async fn pull(
    store: &Store,
    reference: &ImageRef,
    opts: &RegistryOptions,
    progress: &dyn PullProgress,
) -> Result<PullReport> {
    for source in mirrored(reference, &opts.mirrors) {
        match pull_from(store, &source, reference, opts, progress).await {
            Ok(report) => return Ok(report),
            Err(e @ RegistryError::Store(_)) => return Err(e),
            Err(_) => continue,
        }
    }
    pull_from(store, reference, reference, opts, progress).await
}

/// Pulls `reference` as served at `source` (itself, or a mirror's copy).
async fn pull_from(
    store: &Store,
    source: &ImageRef,
    reference: &ImageRef,
    opts: &RegistryOptions,
    progress: &dyn PullProgress,
) -> Result<PullReport> {
    let session = Session::connect(source, opts, RegistryOperation::Pull).await?;
    let from = Source { source, reference };
    let report = match pull_once(store, &session, from, opts, progress).await {
        // Another berth removed content this pull counted on; fetch it again.
        Err(RegistryError::Store(StoreError::ContentMissing(_))) => {
            pull_once(store, &session, from, opts, progress).await
        }
        other => other,
    }?;
    let pulled = Event::image("pull", &reference.familiar(), &reference.familiar_name());
    crate::events::record(store.root(), pulled);
    Ok(report)
}

/// Where content comes from (`source`) and the name it is stored under.
#[derive(Clone, Copy)]
struct Source<'a> {
    source: &'a ImageRef,
    reference: &'a ImageRef,
}

/// How to get one layer into the store.
struct Job {
    blob: Digest,
    size: u64,
    urls: Option<Vec<String>>,
    /// Extract as this diff id, or only fetch the blob (the layer is already unpacked).
    extract_as: Option<Digest>,
    /// The blob is in the store already: extract it from there.
    local: bool,
}

async fn pull_once(
    store: &Store,
    session: &Session,
    from: Source<'_>,
    opts: &RegistryOptions,
    progress: &dyn PullProgress,
) -> Result<PullReport> {
    let Source { source, reference } = from;
    let top = fetch_top(session, source).await?;
    // Announced once the manifest resolves, so a missing image prints only its error, as docker.
    let tag_or_digest = reference.digest().or(reference.tag()).unwrap_or("latest");
    progress.message(&format!(
        "{tag_or_digest}: Pulling from {}",
        reference.repository()
    ));
    let image = select_image(session, source, &top, &opts.platform()).await?;
    let config_desc = &image.manifest.config;
    let config_digest = parse_digest(&config_desc.digest)?;
    let config_raw = match store.read_blob(&config_digest) {
        Ok(raw) => raw,
        Err(_) => {
            session
                .fetch_small_blob(source, config_desc, manifest::MAX_CONFIG_BYTES)
                .await?
        }
    };
    let bad = |source| RegistryError::BadManifest {
        reference: reference.familiar(),
        source,
    };
    if config_raw.len() as u64 != config_desc.size {
        // Stored earlier under the same digest, but this manifest lies about it.
        return Err(bad(manifest::ManifestError::Malformed(format!(
            "its config {} is {} bytes, not the {} the manifest says",
            config_desc.digest,
            config_raw.len(),
            config_desc.size
        ))));
    }
    let config = manifest::parse_config(&config_raw).map_err(bad)?;
    let layers = image_layers(&image.manifest.layers, &config.diff_ids).map_err(bad)?;

    let stored: HashSet<Digest> = store
        .list_layers()?
        .into_iter()
        .map(|l| l.diff_id)
        .collect();
    let jobs = plan(store, &layers, &image.manifest.layers, &stored);
    let planned: HashSet<&Digest> = jobs.iter().map(|j| &j.blob).collect();
    for layer in &layers {
        if !planned.contains(&layer.blob) {
            progress.layer_done(&layer.blob, true);
        }
    }
    for job in &jobs {
        progress.layer_started(&job.blob, job.size);
    }

    let staging = Arc::new(store.begin_staging()?);
    let oci_ref = oci_reference(source);
    stream::iter(jobs.iter())
        .map(|job| run_job(store, session, &oci_ref, job, &staging, progress))
        .buffer_unordered(PARALLEL_DOWNLOADS)
        .try_collect::<Vec<()>>()
        .await?;
    staging.put_blob(Some(&image.digest), &image.raw)?;
    staging.put_blob(Some(&config_digest), &config_raw)?;
    let staging = Arc::try_unwrap(staging).map_err(|_| {
        RegistryError::Invalid("internal error: a layer task still holds the staging area".into())
    })?;

    let lookup = match reference.digest() {
        Some(d) => format!("{}@{}", reference.name(), d),
        None => reference.to_string(),
    };
    let previous = store
        .find_image(&ImageQuery::new(&lookup, Some(&lookup)))
        .ok()
        .map(|img| img.id);
    let names = match (reference.tag(), reference.digest()) {
        (Some(_), None) => vec![reference.to_string()],
        _ => Vec::new(),
    };
    let new = NewImage {
        config: config_digest.clone(),
        manifest: image.digest.clone(),
        manifest_media_type: image.media_type.clone(),
        layers,
        names,
        repo_digests: vec![format!("{}@{}", reference.name(), top.digest)],
        created: config.created,
    };
    let paths = store.paths().clone();
    let record =
        tokio::task::spawn_blocking(move || Store::open(&paths)?.commit_image(staging, new))
            .await
            .map_err(|e| {
                RegistryError::Invalid(format!("internal error: image commit task failed: {e}"))
            })??;
    Ok(PullReport {
        reference: reference.clone(),
        up_to_date: previous.as_ref() == Some(&record.id),
        image_id: record.id.clone(),
        digest: top.digest,
        platform_manifest: image.digest,
        image: record,
    })
}

/// Pairs each layer blob with its diff id (config `rootfs.diff_ids`, by position).
fn image_layers(
    descs: &[Descriptor],
    diff_ids: &[String],
) -> Result<Vec<ImageLayer>, manifest::ManifestError> {
    if descs.len() != diff_ids.len() {
        return Err(manifest::ManifestError::Malformed(format!(
            "the manifest lists {} layers but the config {} diff ids",
            descs.len(),
            diff_ids.len()
        )));
    }
    let malformed =
        |s: &str| manifest::ManifestError::Malformed(format!("{s:?} is not a sha256 digest"));
    descs
        .iter()
        .zip(diff_ids)
        .map(|(d, id)| {
            if !manifest::is_unpackable_layer(&d.media_type) {
                return Err(manifest::ManifestError::Unsupported(d.media_type.clone()));
            }
            Ok(ImageLayer {
                diff_id: Digest::parse(id).map_err(|_| malformed(id))?,
                blob: Digest::parse(&d.digest).map_err(|_| malformed(&d.digest))?,
                media_type: d.media_type.clone(),
                blob_size: d.size,
            })
        })
        .collect()
}

/// Decides per distinct blob what to fetch or extract; layers the store
/// has whole get no job. Each diff id is extracted once.
fn plan(
    store: &Store,
    layers: &[ImageLayer],
    descs: &[Descriptor],
    stored_layers: &HashSet<Digest>,
) -> Vec<Job> {
    let mut jobs = Vec::new();
    let mut seen_blobs = HashSet::new();
    let mut extracting: HashSet<&Digest> = HashSet::new();
    let urls: HashMap<&str, &Option<Vec<String>>> =
        descs.iter().map(|d| (d.digest.as_str(), &d.urls)).collect();
    for layer in layers {
        if !seen_blobs.insert(&layer.blob) {
            continue;
        }
        let have_layer = stored_layers.contains(&layer.diff_id) && store.has_layer(&layer.diff_id);
        let have_blob = store.has_blob(&layer.blob);
        let extract = !have_layer && extracting.insert(&layer.diff_id);
        if have_blob && !extract {
            continue;
        }
        jobs.push(Job {
            blob: layer.blob.clone(),
            size: layer.blob_size,
            urls: urls.get(layer.blob.as_str()).and_then(|u| (*u).clone()),
            extract_as: extract.then(|| layer.diff_id.clone()),
            local: have_blob,
        });
    }
    jobs
}

async fn run_job(
    store: &Store,
    session: &Session,
    oci_ref: &Reference,
    job: &Job,
    staging: &Arc<Staging>,
    progress: &dyn PullProgress,
) -> Result<()> {
    if job.local {
        if let Some(diff_id) = job.extract_as.clone() {
            let path = store.blob_path(&job.blob);
            let staging = staging.clone();
            let blob = job.blob.clone();
            tokio::task::spawn_blocking(move || {
                let file = File::open(&path).map_err(|e| match e.kind() {
                    io::ErrorKind::NotFound => StoreError::ContentMissing(format!("blob {blob}")),
                    _ => StoreError::Io {
                        op: "open",
                        path: path.clone(),
                        source: e,
                    },
                })?;
                extract(&staging, file, &diff_id, &blob)
            })
            .await
            .map_err(join_error)??;
        }
    } else {
        download(session, oci_ref, job, staging, progress).await?;
    }
    progress.layer_done(&job.blob, false);
    Ok(())
}

fn join_error(e: tokio::task::JoinError) -> RegistryError {
    RegistryError::Invalid(format!("internal error: a layer task failed: {e}"))
}

/// A piece of a download handed to a blocking consumer; `End` tells a
/// complete transfer from one that broke off (the sender dropped).
enum Chunk {
    Data(Bytes),
    End,
}

async fn download(
    session: &Session,
    oci_ref: &Reference,
    job: &Job,
    staging: &Arc<Staging>,
    progress: &dyn PullProgress,
) -> Result<()> {
    let doing = Doing::Blob {
        digest: job.blob.to_string(),
    };
    let layer = LayerDescriptor {
        digest: job.blob.as_str(),
        urls: &job.urls,
    };
    let mut body = session
        .client
        .pull_blob_stream(oci_ref, &layer)
        .await
        .map_err(session.fail(doing.clone()))?;

    let (write_tx, write_rx) = mpsc::channel(CHANNEL_DEPTH);
    let writer = {
        let (staging, blob, size) = (staging.clone(), job.blob.clone(), job.size);
        let registry = session.registry().to_string();
        tokio::task::spawn_blocking(move || write_blob(&staging, &registry, &blob, size, write_rx))
    };
    let (mut extract_tx, extractor) = match &job.extract_as {
        Some(diff_id) => {
            let (tx, rx) = mpsc::channel(CHANNEL_DEPTH);
            let (staging, diff_id, blob) = (staging.clone(), diff_id.clone(), job.blob.clone());
            let handle = tokio::task::spawn_blocking(move || {
                extract(&staging, ChannelReader::new(rx), &diff_id, &blob)
            });
            (Some(tx), Some(handle))
        }
        None => (None, None),
    };

    let mut failure = None;
    while let Some(item) = body.next().await {
        let data = match item {
            Ok(data) => data,
            Err(e) => {
                failure = Some(from_oci(e.into(), session.registry(), &doing));
                break;
            }
        };
        progress.layer_bytes(&job.blob, data.len() as u64);
        let extractor_gone = match &extract_tx {
            Some(tx) => tx.send(Chunk::Data(data.clone())).await.is_err(),
            None => false,
        };
        if extractor_gone {
            // It failed; its error is collected below. The blob still completes.
            extract_tx = None;
        }
        if write_tx.send(Chunk::Data(data)).await.is_err() {
            break;
        }
    }
    if failure.is_none() {
        let _ = write_tx.send(Chunk::End).await;
        if let Some(tx) = &extract_tx {
            let _ = tx.send(Chunk::End).await;
        }
    }
    drop(write_tx);
    drop(extract_tx);
    let written = writer.await.map_err(join_error)?;
    let extracted = match extractor {
        Some(handle) => handle.await.map_err(join_error)?,
        None => Ok(()),
    };
    if let Some(e) = failure {
        return Err(e);
    }
    // A bad blob explains a failed extraction, so its error comes first.
    written?;
    extracted
}

/// Writes the chunks to a staging blob; only a complete transfer is kept.
fn write_blob(
    staging: &Staging,
    registry: &str,
    blob: &Digest,
    size: u64,
    mut rx: mpsc::Receiver<Chunk>,
) -> Result<()> {
    let mut w = staging.blob_writer(blob, Some(size))?;
    loop {
        match rx.blocking_recv() {
            Some(Chunk::Data(data)) => w.write_all(&data).map_err(|e| match e.kind() {
                // The blob writer refuses bytes past the declared size.
                io::ErrorKind::InvalidData => RegistryError::Corrupt {
                    registry: registry.to_string(),
                    what: format!("blob {blob}"),
                    detail: e.to_string(),
                },
                _ => RegistryError::Store(StoreError::Io {
                    op: "write",
                    path: staging.dir().to_path_buf(),
                    source: e,
                }),
            })?,
            Some(Chunk::End) => {
                w.finish()?;
                return Ok(());
            }
            // The download failed; dropping the writer removes the partial file.
            None => return Ok(()),
        }
    }
}

/// Decompresses and extracts a layer blob into staging, checking its diff id.
fn extract<R: Read + Send + 'static>(
    staging: &Staging,
    blob_reader: R,
    diff_id: &Digest,
    blob: &Digest,
) -> Result<()> {
    // Reading the first bytes fails only if the download or the file does.
    let tar = compression::decompressing_reader(blob_reader)
        .map_err(|e| RegistryError::Invalid(format!("cannot read layer {}: {e}", blob.short())))?;
    staging.extract_layer(tar, Some(diff_id), Some(MAX_LAYER_BYTES))?;
    Ok(())
}

/// The blocking side of a download, read as a byte stream.
struct ChannelReader {
    rx: mpsc::Receiver<Chunk>,
    current: Bytes,
    ended: bool,
}

impl ChannelReader {
    fn new(rx: mpsc::Receiver<Chunk>) -> ChannelReader {
        ChannelReader {
            rx,
            current: Bytes::new(),
            ended: false,
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            if self.ended {
                return Ok(0);
            }
            match self.rx.blocking_recv() {
                Some(Chunk::Data(data)) => self.current = data,
                Some(Chunk::End) => self.ended = true,
                None => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the download stopped before the layer was complete",
                    ))
                }
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc(n: u8, media_type: &str) -> Descriptor {
        Descriptor {
            media_type: media_type.into(),
            digest: Digest::of_bytes(&[n]).to_string(),
            size: u64::from(n) * 10,
            urls: None,
            platform: None,
            annotations: None,
        }
    }

    #[test]
    fn layers_pair_with_diff_ids_by_position() {
        let descs = [
            desc(1, "application/vnd.oci.image.layer.v1.tar+gzip"),
            desc(2, ""),
        ];
        let ids = [
            Digest::of_bytes(b"a").to_string(),
            Digest::of_bytes(b"b").to_string(),
        ];
        let layers = image_layers(&descs, &ids).expect("layers pair up");
        assert_eq!(layers[1].diff_id, Digest::of_bytes(b"b"));
        assert_eq!(layers[1].blob, Digest::of_bytes(&[2]));
        assert_eq!(layers[0].blob_size, 10);
        assert!(image_layers(&descs, &ids[..1]).is_err());
        let enc = [desc(
            1,
            "application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
        )];
        assert!(image_layers(&enc, &ids[..1]).is_err());
        assert!(image_layers(&descs[..1], &["sha512:ab".to_string()]).is_err());
    }

    #[test]
    fn channel_reader_tells_end_from_a_broken_download() {
        let (tx, rx) = mpsc::channel(4);
        tx.try_send(Chunk::Data(Bytes::from_static(b"hello ")))
            .expect("room in channel");
        tx.try_send(Chunk::Data(Bytes::from_static(b"world")))
            .expect("room in channel");
        tx.try_send(Chunk::End).expect("room in channel");
        let mut out = String::new();
        ChannelReader::new(rx)
            .read_to_string(&mut out)
            .expect("complete stream reads");
        assert_eq!(out, "hello world");

        let (tx, rx) = mpsc::channel(4);
        tx.try_send(Chunk::Data(Bytes::from_static(b"partial")))
            .expect("room in channel");
        drop(tx);
        let mut out = Vec::new();
        let err = ChannelReader::new(rx).read_to_end(&mut out);
        assert_eq!(err.map_err(|e| e.kind()), Err(io::ErrorKind::UnexpectedEof));
    }

    #[test]
    fn status_line_names_the_familiar_reference() {
        let reference = ImageRef::parse("busybox").expect("parses");
        let report = PullReport {
            reference,
            image_id: Digest::of_bytes(b"c"),
            digest: Digest::of_bytes(b"m"),
            platform_manifest: Digest::of_bytes(b"m"),
            up_to_date: false,
            image: ImageRecord {
                id: Digest::of_bytes(b"c"),
                names: vec![],
                repo_digests: vec![],
                manifest: Digest::of_bytes(b"m"),
                manifest_media_type: String::new(),
                layers: vec![],
                size: 0,
                created: None,
                added: chrono::Utc::now(),
            },
        };
        assert_eq!(
            report.status_line(),
            "Status: Downloaded newer image for busybox:latest"
        );
        let same = PullReport {
            up_to_date: true,
            ..report
        };
        assert_eq!(
            same.status_line(),
            "Status: Image is up to date for busybox:latest"
        );
    }
}

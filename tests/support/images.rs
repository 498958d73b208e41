//! Test images, built in memory and pushed straight to a [`Registry`] over
//! the distribution API (monolithic blob uploads, then the manifest), so
//! tests never depend on berth to make the images they pull.
//!
//! ```ignore
//! let reg = support::registry();
//! let img = support::images::push_busybox(reg, &support::unique_repo("bb"), "latest");
//! b.cmd(&["pull", &img.reference]).success();
//! ```

use std::sync::Arc;

use serde_json::{json, Value};

use super::layers::{busybox_layer, sha256, LayerBlob};
use super::registry::Registry;

pub use super::layers::{Compression, LayerBuilder};

/// Fixed creation time, so configs (and digests) are reproducible.
pub const CREATED: &str = "2023-11-14T22:13:20Z";
pub const PATH_ENV: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";

/// Which manifest dialect to push.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManifestKind {
    /// OCI image manifest / OCI index.
    Oci,
    /// Docker image manifest v2 schema 2 / manifest list.
    Docker,
}

impl ManifestKind {
    pub fn manifest_type(self) -> &'static str {
        match self {
            ManifestKind::Oci => OCI_MANIFEST,
            ManifestKind::Docker => DOCKER_MANIFEST,
        }
    }

    pub fn index_type(self) -> &'static str {
        match self {
            ManifestKind::Oci => OCI_INDEX,
            ManifestKind::Docker => DOCKER_LIST,
        }
    }

    fn config_type(self) -> &'static str {
        match self {
            ManifestKind::Oci => OCI_CONFIG,
            ManifestKind::Docker => DOCKER_CONFIG,
        }
    }

    fn layer_type(self, c: Compression) -> &'static str {
        match (self, c) {
            (ManifestKind::Oci, Compression::None) => "application/vnd.oci.image.layer.v1.tar",
            (ManifestKind::Oci, Compression::Gzip) => "application/vnd.oci.image.layer.v1.tar+gzip",
            (ManifestKind::Oci, Compression::Zstd) => "application/vnd.oci.image.layer.v1.tar+zstd",
            (ManifestKind::Docker, Compression::None) => {
                "application/vnd.docker.image.rootfs.diff.tar"
            }
            (ManifestKind::Docker, Compression::Gzip) => {
                "application/vnd.docker.image.rootfs.diff.tar.gzip"
            }
            (ManifestKind::Docker, Compression::Zstd) => {
                panic!("docker schema 2 has no zstd layer type; use ManifestKind::Oci")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Platform {
    /// `"linux/arm/v7"` → os, architecture, variant.
    pub fn parse(s: &str) -> Platform {
        let mut parts = s.split('/');
        let os = parts.next().unwrap_or("linux").to_string();
        let architecture = parts
            .next()
            .unwrap_or_else(|| panic!("platform {s:?} lacks an architecture"))
            .to_string();
        Platform {
            os,
            architecture,
            variant: parts.next().map(String::from),
        }
    }

    fn json(&self) -> Value {
        let mut p = json!({ "architecture": self.architecture, "os": self.os });
        if let Some(v) = &self.variant {
            p["variant"] = json!(v);
        }
        p
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        match &self.variant {
            Some(v) => write!(f, "/{v}"),
            None => Ok(()),
        }
    }
}

/// An image to build: layers, config and manifest dialect.
#[derive(Clone, Debug)]
pub struct ImageBuilder {
    layers: Vec<(Arc<LayerBlob>, String)>,
    config: Value,
    platform: Platform,
    kind: ManifestKind,
}

impl ImageBuilder {
    /// No layers, `PATH` set, no command.
    pub fn empty() -> Self {
        ImageBuilder {
            layers: Vec::new(),
            config: json!({ "Env": [PATH_ENV] }),
            platform: Platform::parse("linux/amd64"),
            kind: ManifestKind::Oci,
        }
    }

    /// The busybox rootfs (gzip) with `Cmd ["sh"]`.
    pub fn busybox() -> Self {
        Self::busybox_with(Compression::Gzip)
    }

    pub fn busybox_with(compression: Compression) -> Self {
        let mut b = Self::empty();
        b.layers.push((
            busybox_layer(compression),
            "ADD busybox-static rootfs /".into(),
        ));
        b.cmd(&["sh"])
    }

    /// Adds a gzip layer on top.
    pub fn layer(self, layer: &LayerBuilder, created_by: &str) -> Self {
        self.layer_with(layer, Compression::Gzip, created_by)
    }

    pub fn layer_with(
        mut self,
        layer: &LayerBuilder,
        compression: Compression,
        created_by: &str,
    ) -> Self {
        self.layers.push((
            Arc::new(LayerBlob::new(&layer.tar(), compression)),
            created_by.into(),
        ));
        self
    }

    /// Adds a layer from raw tar bytes, which may be malformed or hostile on purpose.
    pub fn raw_layer(mut self, tar: &[u8], compression: Compression, created_by: &str) -> Self {
        self.layers.push((
            Arc::new(LayerBlob::new(tar, compression)),
            created_by.into(),
        ));
        self
    }

    pub fn kind(mut self, kind: ManifestKind) -> Self {
        self.kind = kind;
        self
    }

    pub fn platform(mut self, platform: &str) -> Self {
        self.platform = Platform::parse(platform);
        self
    }

    /// Sets one key of the config's `config` object (`"User"`,
    /// `"WorkingDir"`, `"ExposedPorts"`, `"Healthcheck"`...).
    pub fn set(mut self, key: &str, value: Value) -> Self {
        self.config[key] = value;
        self
    }

    pub fn cmd(self, cmd: &[&str]) -> Self {
        self.set("Cmd", json!(cmd))
    }

    pub fn entrypoint(self, entrypoint: &[&str]) -> Self {
        self.set("Entrypoint", json!(entrypoint))
    }

    /// Appends `KEY=VALUE` to `Env`.
    pub fn env(mut self, entry: &str) -> Self {
        match self.config["Env"].as_array_mut() {
            Some(env) => env.push(json!(entry)),
            None => self.config["Env"] = json!([entry]),
        }
        self
    }

    pub fn label(mut self, key: &str, value: &str) -> Self {
        if !self.config["Labels"].is_object() {
            self.config["Labels"] = json!({});
        }
        self.config["Labels"][key] = json!(value);
        self
    }

    /// Every blob and the manifest, in memory.
    pub fn build(&self) -> BuiltImage {
        let kind = self.kind;
        let mut config = json!({
            "created": CREATED,
            "architecture": self.platform.architecture,
            "os": self.platform.os,
            "config": self.config,
            "rootfs": {
                "type": "layers",
                "diff_ids": self.layers.iter().map(|(l, _)| l.diff_id.clone()).collect::<Vec<_>>(),
            },
            "history": self.layers.iter().map(|(_, by)| json!({ "created": CREATED, "created_by": by })).collect::<Vec<_>>(),
        });
        if let Some(v) = &self.platform.variant {
            config["variant"] = json!(v);
        }
        let config = to_bytes(&config);
        let config_digest = sha256(&config);
        let manifest = to_bytes(&json!({
            "schemaVersion": 2,
            "mediaType": kind.manifest_type(),
            "config": { "mediaType": kind.config_type(), "digest": config_digest, "size": config.len() },
            "layers": self.layers.iter().map(|(l, _)| json!({
                "mediaType": kind.layer_type(l.compression),
                "digest": l.digest,
                "size": l.bytes.len(),
            })).collect::<Vec<_>>(),
        }));
        BuiltImage {
            manifest_digest: sha256(&manifest),
            manifest,
            manifest_media_type: kind.manifest_type(),
            config_digest,
            config,
            layers: self.layers.iter().map(|(l, _)| l.clone()).collect(),
            platform: self.platform.clone(),
        }
    }

    /// Builds and pushes as `repo:tag`.
    pub fn push(&self, reg: &Registry, repo: &str, tag: &str) -> PushedImage {
        let built = self.build();
        push_built(reg, repo, &built, tag);
        built.pushed(reg, repo, tag)
    }
}

fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_else(|e| panic!("cannot serialise test JSON: {e}"))
}

#[derive(Clone, Debug)]
pub struct BuiltImage {
    pub manifest: Vec<u8>,
    pub manifest_digest: String,
    pub manifest_media_type: &'static str,
    pub config: Vec<u8>,
    pub config_digest: String,
    pub layers: Vec<Arc<LayerBlob>>,
    pub platform: Platform,
}

impl BuiltImage {
    fn pushed(&self, reg: &Registry, repo: &str, tag: &str) -> PushedImage {
        PushedImage {
            repo: repo.to_string(),
            tag: tag.to_string(),
            reference: reg.image(repo, tag),
            manifest_digest: self.manifest_digest.clone(),
            manifest_media_type: self.manifest_media_type,
            config_digest: self.config_digest.clone(),
            layer_digests: self.layers.iter().map(|l| l.digest.clone()).collect(),
            diff_ids: self.layers.iter().map(|l| l.diff_id.clone()).collect(),
            platform: self.platform.clone(),
        }
    }
}

/// What landed in the registry, for tests to assert against.
#[derive(Clone, Debug)]
pub struct PushedImage {
    pub repo: String,
    pub tag: String,
    /// `127.0.0.1:PORT/REPO:TAG`, ready for `berth pull`.
    pub reference: String,
    pub manifest_digest: String,
    pub manifest_media_type: &'static str,
    /// The image id berth should report (`sha256:...`).
    pub config_digest: String,
    /// Compressed blob digests, as in the manifest.
    pub layer_digests: Vec<String>,
    /// Uncompressed digests, as in `rootfs.diff_ids`.
    pub diff_ids: Vec<String>,
    pub platform: Platform,
}

impl PushedImage {
    /// `127.0.0.1:PORT/REPO@sha256:...`.
    pub fn by_digest(&self) -> String {
        let host = self.reference.split('/').next().unwrap_or_default();
        format!("{host}/{}@{}", self.repo, self.manifest_digest)
    }

    /// The 64-hex image id.
    pub fn id(&self) -> &str {
        self.config_digest.trim_start_matches("sha256:")
    }
}

/// A pushed manifest list / OCI index and its per-platform images.
#[derive(Clone, Debug)]
pub struct PushedIndex {
    pub repo: String,
    pub tag: String,
    pub reference: String,
    pub index_digest: String,
    pub media_type: &'static str,
    pub manifests: Vec<PushedImage>,
}

impl PushedIndex {
    /// The image for `"linux/arm64"` etc.
    pub fn platform(&self, platform: &str) -> &PushedImage {
        let want = Platform::parse(platform);
        self.manifests
            .iter()
            .find(|m| m.platform == want)
            .unwrap_or_else(|| panic!("the index has no {platform} image"))
    }
}

/// Uploads every blob the registry lacks, then the manifest under `tag`
/// (a tag or a `sha256:` digest).
pub fn push_built(reg: &Registry, repo: &str, image: &BuiltImage, tag: &str) {
    push_blob(reg, repo, &image.config_digest, &image.config);
    for l in &image.layers {
        push_blob(reg, repo, &l.digest, &l.bytes);
    }
    push_manifest(
        reg,
        repo,
        tag,
        image.manifest_media_type,
        &image.manifest,
        &image.manifest_digest,
    );
}

/// Monolithic upload: `POST .../blobs/uploads/`, then `PUT <Location>&digest=`.
pub fn push_blob(reg: &Registry, repo: &str, digest: &str, bytes: &[u8]) {
    if reg
        .request("HEAD", &format!("/v2/{repo}/blobs/{digest}"), &[], None)
        .status
        == 200
    {
        return;
    }
    let started = reg.request(
        "POST",
        &format!("/v2/{repo}/blobs/uploads/"),
        &[],
        Some(&[]),
    );
    started.expect_status(202, &format!("starting the upload of {digest} to {repo}"));
    let location = started
        .header("Location")
        .unwrap_or_else(|| panic!("the registry's upload answer for {repo} has no Location"))
        .to_string();
    let sep = if location.contains('?') { '&' } else { '?' };
    let done = reg.request(
        "PUT",
        &format!("{location}{sep}digest={digest}"),
        &[("Content-Type", "application/octet-stream")],
        Some(bytes),
    );
    done.expect_status(201, &format!("uploading {digest} to {repo}"));
}

pub fn push_manifest(
    reg: &Registry,
    repo: &str,
    reference: &str,
    media_type: &str,
    body: &[u8],
    digest: &str,
) {
    let resp = reg.request(
        "PUT",
        &format!("/v2/{repo}/manifests/{reference}"),
        &[("Content-Type", media_type)],
        Some(body),
    );
    resp.expect_status(201, &format!("pushing the manifest {repo}:{reference}"));
    if let Some(got) = resp.header("Docker-Content-Digest") {
        assert_eq!(
            got, digest,
            "the registry stored {repo}:{reference} under another digest"
        );
    }
}

/// Single-layer busybox (gzip, OCI manifest), `Cmd ["sh"]`.
pub fn push_busybox(reg: &Registry, repo: &str, tag: &str) -> PushedImage {
    ImageBuilder::busybox().push(reg, repo, tag)
}

/// Single-layer busybox with the chosen manifest dialect.
pub fn push_busybox_kind(reg: &Registry, repo: &str, tag: &str, kind: ManifestKind) -> PushedImage {
    ImageBuilder::busybox().kind(kind).push(reg, repo, tag)
}

/// Busybox as a zstd layer (OCI `tar+zstd`).
pub fn push_zstd(reg: &Registry, repo: &str, tag: &str) -> PushedImage {
    ImageBuilder::busybox_with(Compression::Zstd).push(reg, repo, tag)
}

/// The three-layer image. Layer 2 adds `/data/hello.txt` ("hello\n"),
/// `/data/hard` (a hard link to it), `/data/soft` → `hello.txt`,
/// `/data/gone.txt` and `/data/dir/old.txt`. Layer 3 whites out
/// `/data/gone.txt`, makes `/data/dir` opaque and adds `/data/dir/new.txt`
/// ("new\n"). The merged result: hello.txt, hard, soft, dir/new.txt.
pub fn multilayer() -> ImageBuilder {
    let add = LayerBuilder::new()
        .dir("data", 0o755)
        .file("data/hello.txt", "hello\n", 0o644)
        .hardlink("data/hard", "data/hello.txt")
        .symlink("data/soft", "hello.txt")
        .file("data/gone.txt", "to be deleted\n", 0o644)
        .dir("data/dir", 0o755)
        .file("data/dir/old.txt", "old\n", 0o644);
    let change = LayerBuilder::new()
        .dir("data", 0o755)
        .whiteout("data/gone.txt")
        .dir("data/dir", 0o755)
        .opaque("data/dir")
        .file("data/dir/new.txt", "new\n", 0o644);
    ImageBuilder::busybox()
        .layer(&add, "ADD files, a hard link and a symlink")
        .layer(&change, "RUN rm /data/gone.txt && replace /data/dir")
}

pub fn push_multilayer(reg: &Registry, repo: &str, tag: &str) -> PushedImage {
    multilayer().push(reg, repo, tag)
}

/// The platforms of [`push_index`]; every image also carries
/// `/etc/platform` naming its platform, so a test can `cat` which one it got
/// (all run the host's amd64 busybox).
pub const INDEX_PLATFORMS: &[&str] = &["linux/amd64", "linux/arm64", "linux/arm/v7"];

/// A manifest list (Docker) or index (OCI) of [`INDEX_PLATFORMS`]; the
/// platform images are pushed by digest first, as registries require.
pub fn push_index(reg: &Registry, repo: &str, tag: &str, kind: ManifestKind) -> PushedIndex {
    let mut built = Vec::new();
    for p in INDEX_PLATFORMS {
        let marker =
            LayerBuilder::new()
                .dir("etc", 0o755)
                .file("etc/platform", format!("{p}\n"), 0o644);
        let image = ImageBuilder::busybox()
            .kind(kind)
            .platform(p)
            .layer(&marker, "ADD platform marker")
            .build();
        push_built(reg, repo, &image, &image.manifest_digest);
        built.push(image);
    }
    let index = to_bytes(&json!({
        "schemaVersion": 2,
        "mediaType": kind.index_type(),
        "manifests": built.iter().map(|i| json!({
            "mediaType": i.manifest_media_type,
            "digest": i.manifest_digest,
            "size": i.manifest.len(),
            "platform": i.platform.json(),
        })).collect::<Vec<_>>(),
    }));
    let index_digest = sha256(&index);
    push_manifest(reg, repo, tag, kind.index_type(), &index, &index_digest);
    PushedIndex {
        repo: repo.to_string(),
        tag: tag.to_string(),
        reference: reg.image(repo, tag),
        index_digest,
        media_type: kind.index_type(),
        manifests: built.iter().map(|i| i.pushed(reg, repo, tag)).collect(),
    }
}

/// An image whose top layer the registry serves with the right size but
/// the wrong bytes: a client must detect the digest mismatch.
#[derive(Clone, Debug)]
pub struct CorruptImage {
    pub image: PushedImage,
    /// Digest of the layer whose stored bytes no longer match it.
    pub corrupt_layer: String,
}

/// Pushes busybox plus a layer unique to this call (so no other image
/// shares the blob), then flips bytes in that blob's file in the registry's
/// filesystem storage (distribution's `blobs/sha256/<2>/<hex>/data`).
pub fn push_corrupt(reg: &Registry, repo: &str, tag: &str) -> CorruptImage {
    let unique = format!("{repo}:{tag}:{}\n", std::process::id());
    let layer =
        LayerBuilder::new()
            .dir("etc", 0o755)
            .file("etc/corrupt-marker", unique.repeat(64), 0o644);
    let image = ImageBuilder::busybox()
        .layer(&layer, "ADD marker")
        .push(reg, repo, tag);
    let digest = image.layer_digests.last().cloned().unwrap_or_default();
    let hex = digest.trim_start_matches("sha256:");
    let data = reg
        .storage_dir()
        .join("docker/registry/v2/blobs/sha256")
        .join(&hex[..2])
        .join(hex)
        .join("data");
    let mut bytes = std::fs::read(&data)
        .unwrap_or_else(|e| panic!("cannot read the stored blob {}: {e}", data.display()));
    let (middle, len) = (bytes.len() / 2, bytes.len());
    for b in &mut bytes[middle..(middle + 16).min(len)] {
        *b ^= 0xff;
    }
    std::fs::write(&data, &bytes)
        .unwrap_or_else(|e| panic!("cannot corrupt {}: {e}", data.display()));
    CorruptImage {
        image,
        corrupt_layer: digest,
    }
}

//! End-to-end pull/push against a real registry (Debian's `docker-registry`).
//! Ignored by default; run with a registry listening on loopback:
//! `BERTH_TEST_REGISTRY=127.0.0.1:5000 cargo test --lib registry::e2e -- --ignored`.

use std::io::Write;
use std::sync::Mutex;

use oci_client::client::{ClientConfig, ClientProtocol};

use super::client::RegistryOptions;
use super::platform::Platform;
use super::pull::{pull, NoProgress, PullProgress};
use super::push::{push, BlobOutcome, NoPushProgress, PushProgress};
use super::reference::ImageRef;
use super::remote::inspect_remote;
use crate::store::images::NewImage;
use crate::store::{Digest, ImageLayer, ImageRecord, Store, StorePaths};

struct Layer {
    gz: Vec<u8>,
    diff_id: Digest,
}

fn layer(files: &[(&str, Vec<u8>)]) -> Layer {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, &data[..])
            .expect("tar in memory");
    }
    let tar = b.into_inner().expect("tar in memory");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).expect("gzip in memory");
    Layer {
        gz: gz.finish().expect("gzip in memory"),
        diff_id: Digest::of_bytes(&tar),
    }
}

fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn open_store(dir: &std::path::Path) -> Store {
    Store::open(&StorePaths {
        root: dir.join("root"),
        runroot: dir.join("run"),
        rootless: !nix::unistd::geteuid().is_root(),
        max_layer_bytes: None,
    })
    .expect("store opens")
}

/// Builds an image in `store` as `load` would, returning its record and manifest bytes.
fn seed(store: &Store, arch: &str, layers: &[Layer], name: &str) -> (ImageRecord, Vec<u8>) {
    let diff_ids: Vec<String> = layers.iter().map(|l| l.diff_id.to_string()).collect();
    let config = serde_json::json!({
        "architecture": arch, "os": "linux", "created": "2024-05-06T07:08:09Z",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    })
    .to_string()
    .into_bytes();
    let descs: Vec<serde_json::Value> = layers
        .iter()
        .map(|l| {
            serde_json::json!({
                "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "digest": Digest::of_bytes(&l.gz).to_string(), "size": l.gz.len(),
            })
        })
        .collect();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": super::manifest::DOCKER_MANIFEST,
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "digest": Digest::of_bytes(&config).to_string(), "size": config.len()},
        "layers": descs,
    })
    .to_string()
    .into_bytes();
    let staging = store.begin_staging().expect("staging");
    let mut image_layers = Vec::new();
    for l in layers {
        let blob = staging.put_blob(None, &l.gz).expect("layer blob");
        let tar = flate2::read::GzDecoder::new(&l.gz[..]);
        staging
            .extract_layer(tar, Some(&l.diff_id), None)
            .expect("layer extracts");
        image_layers.push(ImageLayer {
            diff_id: l.diff_id.clone(),
            blob,
            media_type: "application/vnd.docker.image.rootfs.diff.tar.gzip".into(),
            blob_size: l.gz.len() as u64,
        });
    }
    let config_digest = staging.put_blob(None, &config).expect("config");
    let manifest_digest = staging.put_blob(None, &manifest).expect("manifest");
    let record = store
        .commit_image(
            staging,
            NewImage {
                config: config_digest,
                manifest: manifest_digest,
                manifest_media_type: super::manifest::DOCKER_MANIFEST.into(),
                layers: image_layers,
                names: vec![name.to_string()],
                repo_digests: vec![],
                created: None,
            },
        )
        .expect("commit");
    (record, manifest)
}

#[derive(Default)]
struct Recorder {
    pull_events: Mutex<Vec<String>>,
}

impl PullProgress for Recorder {
    fn layer_started(&self, d: &Digest, size: u64) {
        self.log(format!("{}: Pulling fs layer ({size})", d.short()));
    }
    fn layer_bytes(&self, _: &Digest, _: u64) {}
    fn layer_done(&self, d: &Digest, already: bool) {
        let what = if already {
            "Already exists"
        } else {
            "Pull complete"
        };
        self.log(format!("{}: {what}", d.short()));
    }
    fn message(&self, line: &str) {
        self.log(line.to_string());
    }
}

impl PushProgress for Recorder {
    fn layer_started(&self, d: &Digest, _: u64) {
        self.log(format!("{}: Preparing", d.short()));
    }
    fn layer_bytes(&self, _: &Digest, _: u64) {}
    fn layer_done(&self, d: &Digest, outcome: &BlobOutcome) {
        self.log(format!("{}: {}", d.short(), outcome.status()));
    }
    fn message(&self, line: &str) {
        self.log(line.to_string());
    }
}

impl Recorder {
    fn log(&self, line: String) {
        eprintln!("  | {line}");
        if let Ok(mut v) = self.pull_events.lock() {
            v.push(line);
        }
    }
    fn take(&self) -> Vec<String> {
        self.pull_events
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    }
}

fn r(s: &str) -> ImageRef {
    ImageRef::parse(s).expect("test reference parses")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a registry: set BERTH_TEST_REGISTRY=127.0.0.1:<port>"]
async fn pull_and_push_round_trip() {
    let Ok(reg) = std::env::var("BERTH_TEST_REGISTRY") else {
        panic!("set BERTH_TEST_REGISTRY")
    };
    let run = hex::encode(rand::random::<[u8; 3]>());
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = RegistryOptions::default();
    let rec = Recorder::default();

    // Seed and push an image with three layers, one of them 12 MiB.
    let src = open_store(&dir.path().join("a"));
    let layers = vec![
        layer(&[("hello.txt", b"hello from berth\n".to_vec())]),
        layer(&[("big.bin", noise(12 << 20, 7))]),
        layer(&[("etc/os-release", b"ID=berth\n".to_vec())]),
    ];
    let base = format!("{reg}/e2e-{run}/base:v1");
    let (record, manifest) = seed(&src, "amd64", &layers, &r(&base).to_string());
    let report = push(&src, &record, &r(&base), &opts, &rec)
        .await
        .expect("push works");
    eprintln!("{}", report.summary_line());
    assert_eq!(report.digest, Digest::of_bytes(&manifest));
    assert!(rec.take().iter().filter(|l| l.ends_with("Pushed")).count() == 3);
    let again = push(&src, &record, &r(&base), &opts, &rec)
        .await
        .expect("re-push");
    assert_eq!(again.digest, report.digest);
    assert!(
        rec.take()
            .iter()
            .filter(|l| l.ends_with("Layer already exists"))
            .count()
            == 3
    );

    // Pull into an empty store: every layer downloaded and extracted.
    let dst = open_store(&dir.path().join("b"));
    let pulled = pull(&dst, &r(&base), &opts, &rec)
        .await
        .expect("pull works");
    eprintln!("Digest: {}\n{}", pulled.digest, pulled.status_line());
    assert_eq!(pulled.image_id, record.id);
    assert_eq!(pulled.digest, report.digest);
    assert!(!pulled.up_to_date);
    assert_eq!(
        rec.take()
            .iter()
            .filter(|l| l.ends_with("Pull complete"))
            .count(),
        3
    );
    let hello = std::fs::read(dst.layer_diff_path(&layers[0].diff_id).join("hello.txt"))
        .expect("layer extracted");
    assert_eq!(hello, b"hello from berth\n");
    let big = std::fs::read(dst.layer_diff_path(&layers[1].diff_id).join("big.bin"))
        .expect("big layer extracted");
    assert_eq!(big, noise(12 << 20, 7));
    for l in &layers {
        assert!(
            dst.has_blob(&Digest::of_bytes(&l.gz)),
            "blob kept for push/save"
        );
    }
    assert_eq!(pulled.image.names, vec![r(&base).to_string()]);
    assert_eq!(
        pulled.image.repo_digests,
        vec![format!("{}@{}", r(&base).name(), report.digest)]
    );

    // A pull cut off midway (Ctrl-C drops the future) leaves nothing behind.
    let cut = open_store(&dir.path().join("cut"));
    let cut_off = tokio::time::timeout(
        std::time::Duration::from_millis(40),
        pull(&cut, &r(&base), &opts, &NoProgress),
    )
    .await;
    assert!(
        cut_off.is_err(),
        "the pull finished before it could be cut off"
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("cut/root/staging"))
        .expect("staging dir")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(cut.list_images().expect("list").is_empty());
    assert!(cut.list_layers().expect("list").is_empty());

    // Pulling again fetches nothing.
    let same = pull(&dst, &r(&base), &opts, &rec).await.expect("re-pull");
    assert!(same.up_to_date, "{}", same.status_line());
    assert!(rec.take().iter().all(|l| !l.contains("Pulling fs layer")));

    // By digest: no tag given, recorded as a repo digest.
    let by_digest = format!("{}@{}", r(&base).name(), report.digest);
    let d = pull(&dst, &r(&by_digest), &opts, &NoProgress)
        .await
        .expect("pull by digest");
    assert_eq!(d.image_id, record.id);

    // Push the pulled image to another repository: layers are mounted.
    let other = format!("{reg}/e2e-{run}/other:v1");
    push(&dst, &same.image, &r(&other), &opts, &rec)
        .await
        .expect("push with mount");
    let lines = rec.take();
    assert_eq!(
        lines.iter().filter(|l| l.contains("Mounted from")).count(),
        3,
        "{lines:?}"
    );

    // A manifest list with amd64, arm64/v8 and an attestation.
    let arm_layers = vec![layer(&[("arch", b"arm64\n".to_vec())])];
    let arm_name = format!("{reg}/e2e-{run}/multi:arm64");
    let (arm_record, arm_manifest) = seed(&src, "arm64", &arm_layers, &r(&arm_name).to_string());
    push(&src, &arm_record, &r(&arm_name), &opts, &NoPushProgress)
        .await
        .expect("push arm");
    let amd_name = format!("{reg}/e2e-{run}/multi:amd64");
    push(&src, &record, &r(&amd_name), &opts, &NoPushProgress)
        .await
        .expect("push amd");
    let entry = |m: &[u8], arch: &str, variant: Option<&str>| {
        let mut p = serde_json::json!({"architecture": arch, "os": "linux"});
        if let Some(v) = variant {
            p["variant"] = v.into();
        }
        serde_json::json!({"mediaType": super::manifest::DOCKER_MANIFEST,
            "digest": Digest::of_bytes(m).to_string(), "size": m.len(), "platform": p})
    };
    let mut attestation = entry(&manifest, "unknown", None);
    attestation["platform"]["os"] = "unknown".into();
    let index = serde_json::json!({
        "schemaVersion": 2, "mediaType": super::manifest::DOCKER_MANIFEST_LIST,
        "manifests": [attestation, entry(&arm_manifest, "arm64", Some("v8")), entry(&manifest, "amd64", None)],
    })
    .to_string()
    .into_bytes();
    let multi = format!("{reg}/e2e-{run}/multi:latest");
    let client = oci_client::Client::new(ClientConfig {
        protocol: ClientProtocol::Http,
        ..ClientConfig::default()
    });
    client
        .push_manifest_raw(
            &super::client::oci_reference(&r(&multi)),
            index.clone(),
            super::manifest::DOCKER_MANIFEST_LIST
                .parse()
                .expect("header"),
        )
        .await
        .expect("index pushed");

    let fresh = open_store(&dir.path().join("c"));
    let host = pull(&fresh, &r(&multi), &opts, &rec)
        .await
        .expect("pull list");
    assert_eq!(host.digest, Digest::of_bytes(&index));
    if Platform::host().architecture == "amd64" {
        assert_eq!(host.image_id, record.id);
    }
    let arm_opts = RegistryOptions {
        platform: Some(Platform::parse("linux/arm64").expect("platform")),
        ..RegistryOptions::default()
    };
    let arm = pull(&fresh, &r(&multi), &arm_opts, &rec)
        .await
        .expect("pull arm64");
    assert_eq!(arm.image_id, arm_record.id);
    assert_eq!(arm.platform_manifest, Digest::of_bytes(&arm_manifest));
    let s390 = RegistryOptions {
        platform: Some(Platform::parse("linux/s390x").expect("platform")),
        ..RegistryOptions::default()
    };
    let e = pull(&fresh, &r(&multi), &s390, &rec)
        .await
        .expect_err("no s390x");
    eprintln!("Error: {e}");

    let remote = inspect_remote(&r(&multi), &arm_opts)
        .await
        .expect("inspect");
    assert_eq!(remote.manifest_raw, index);
    assert_eq!(remote.index.map(|i| i.manifests.len()), Some(3));
    assert_eq!(
        remote
            .config
            .and_then(|c| c["architecture"].as_str().map(str::to_string)),
        Some("arm64".into())
    );

    // Errors read like docker's.
    let e = pull(
        &fresh,
        &r(&format!("{reg}/e2e-{run}/base:nope")),
        &opts,
        &rec,
    )
    .await
    .expect_err("missing tag");
    eprintln!("Error: {e}");
    assert!(e.is_not_found());
    let e = pull(&fresh, &r(&format!("{reg}/e2e-{run}/nothing")), &opts, &rec)
        .await
        .expect_err("missing repository");
    eprintln!("Error: {e}");
    assert!(e.is_not_found());
    let e = pull(&fresh, &r("127.0.0.1:1/x"), &opts, &rec)
        .await
        .expect_err("nothing listens on port 1");
    eprintln!("Error: {e}");
    assert!(e.to_string().contains("connection refused"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an htpasswd registry: BERTH_TEST_AUTH_REGISTRY=127.0.0.1:<port>, user alice, password secret"]
async fn login_and_authenticated_push_pull() {
    let Ok(reg) = std::env::var("BERTH_TEST_AUTH_REGISTRY") else {
        panic!("set BERTH_TEST_AUTH_REGISTRY")
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = RegistryOptions::default();
    super::client::check_login(&reg, "alice", "secret", &opts)
        .await
        .expect("right password accepted");
    let e = super::client::check_login(&reg, "alice", "wrong", &opts)
        .await
        .expect_err("wrong password refused");
    eprintln!("Error: {e}");
    assert!(matches!(
        e,
        super::error::RegistryError::LoginRejected { .. }
    ));

    let config_dir = dir.path().join("docker");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    std::env::remove_var("REGISTRY_AUTH_FILE");
    std::env::set_var("DOCKER_CONFIG", &config_dir);
    let store = open_store(&dir.path().join("s"));
    let name = format!("{reg}/private/app:v1");
    let (record, _) = seed(&store, "amd64", &[layer(&[("a", b"a".to_vec())])], &name);
    let e = push(&store, &record, &r(&name), &opts, &NoPushProgress)
        .await
        .expect_err("anonymous push refused");
    eprintln!("Error: {e}");
    assert!(e.is_unauthorized());

    let auth = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "alice:secret");
    let config = serde_json::json!({"auths": {reg.clone(): {"auth": auth}}});
    std::fs::write(config_dir.join("config.json"), config.to_string()).expect("config written");
    push(&store, &record, &r(&name), &opts, &NoPushProgress)
        .await
        .expect("authenticated push");
    let other = open_store(&dir.path().join("t"));
    let pulled = pull(&other, &r(&name), &opts, &NoProgress)
        .await
        .expect("authenticated pull");
    assert_eq!(pulled.image_id, record.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a plain-HTTP registry on a non-loopback address: BERTH_TEST_LAN_REGISTRY=<ip>:<port>"]
async fn insecure_registries_fall_back_to_http() {
    let Ok(reg) = std::env::var("BERTH_TEST_LAN_REGISTRY") else {
        panic!("set BERTH_TEST_LAN_REGISTRY")
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_store(&dir.path().join("s"));
    let name = format!("{reg}/lan/app:v1");
    let (record, _) = seed(&store, "amd64", &[layer(&[("a", b"lan".to_vec())])], &name);
    let e = push(
        &store,
        &record,
        &r(&name),
        &RegistryOptions::default(),
        &NoPushProgress,
    )
    .await
    .expect_err("HTTPS to a plain-HTTP registry fails");
    eprintln!("Error: {e}");
    assert!(
        matches!(e, super::error::RegistryError::Tls { .. }),
        "{e:?}"
    );
    let listed = RegistryOptions {
        insecure_registries: vec![reg.clone()],
        ..RegistryOptions::default()
    };
    push(&store, &record, &r(&name), &listed, &NoPushProgress)
        .await
        .expect("listed insecure registry falls back to HTTP");
    let no_verify = RegistryOptions {
        tls_verify: false,
        ..RegistryOptions::default()
    };
    let other = open_store(&dir.path().join("t"));
    let pulled = pull(&other, &r(&name), &no_verify, &NoProgress)
        .await
        .expect("--tls-verify=false falls back to HTTP");
    assert_eq!(pulled.image_id, record.id);
}

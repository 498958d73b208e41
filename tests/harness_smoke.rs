//! Proves the test harness itself: the registries answer, pushed images
//! read back with the digests the harness reports, auth is enforced, and
//! the berth binary runs in an isolated store.

mod support;

use std::io::Read;

use support::images::{self, ManifestKind, OCI_MANIFEST};
use support::{layers, registry, unique_repo};

#[test]
fn registry_answers_the_v2_ping() {
    let reg = registry();
    let resp = reg.get("/v2/");
    resp.expect_status(200, "GET /v2/");
    assert_eq!(
        resp.header("Docker-Distribution-API-Version"),
        Some("registry/2.0")
    );
    assert!(reg.addr().starts_with("127.0.0.1:"), "{}", reg.addr());
}

#[test]
fn registry_is_shared_by_the_whole_test_binary() {
    assert_eq!(registry().pid(), registry().pid());
}

#[test]
fn pushed_busybox_reads_back_with_its_digests() {
    let reg = registry();
    let repo = unique_repo("busybox");
    let img = images::push_busybox(reg, &repo, "latest");

    let manifest = reg.manifest(&repo, "latest");
    manifest.expect_status(200, "GET the pushed manifest");
    assert_eq!(
        manifest.header("Docker-Content-Digest"),
        Some(img.manifest_digest.as_str())
    );
    assert_eq!(manifest.header("Content-Type"), Some(OCI_MANIFEST));
    assert_eq!(layers::sha256(&manifest.body), img.manifest_digest);
    let m = manifest.json();
    assert_eq!(m["config"]["digest"], img.config_digest.as_str());
    assert_eq!(m["layers"].as_array().map(Vec::len), Some(1));

    let config = reg.blob(&repo, &img.config_digest);
    config.expect_status(200, "GET the config blob");
    let c = config.json();
    assert_eq!(c["architecture"], "amd64");
    assert_eq!(c["os"], "linux");
    assert_eq!(c["config"]["Cmd"], serde_json::json!(["sh"]));
    assert_eq!(c["rootfs"]["diff_ids"], serde_json::json!(img.diff_ids));

    assert_eq!(reg.tags(&repo), vec!["latest".to_string()]);
    assert_eq!(img.reference, format!("{}/{repo}:latest", reg.addr()));
}

/// The layer really is a usable root: gzip over a tar whose digest is the
/// diff_id, with busybox, its applet links, the users and /tmp's mode.
#[test]
fn busybox_layer_holds_a_minimal_root() {
    let reg = registry();
    let repo = unique_repo("rootfs");
    let img = images::push_busybox(reg, &repo, "v1");
    let blob = reg.blob(&repo, &img.layer_digests[0]);
    blob.expect_status(200, "GET the layer");
    assert_eq!(layers::sha256(&blob.body), img.layer_digests[0]);

    let mut tar = Vec::new();
    flate2::read::GzDecoder::new(blob.body.as_slice())
        .read_to_end(&mut tar)
        .expect("the layer is gzip");
    assert_eq!(layers::sha256(&tar), img.diff_ids[0]);

    let mut archive = tar::Archive::new(tar.as_slice());
    let mut seen = std::collections::HashMap::new();
    let mut passwd = String::new();
    for entry in archive.entries().expect("the layer is a tar") {
        let mut entry = entry.expect("a readable tar entry");
        let path = entry
            .path()
            .expect("a path")
            .to_string_lossy()
            .trim_end_matches('/')
            .to_string();
        let link = entry
            .link_name()
            .ok()
            .flatten()
            .map(|l| l.to_string_lossy().into_owned());
        let mode = entry.header().mode().unwrap_or(0);
        if path == "etc/passwd" {
            entry.read_to_string(&mut passwd).expect("passwd is text");
        }
        seen.insert(path, (link, mode));
    }
    assert_eq!(seen["bin/sh"].0.as_deref(), Some("busybox"));
    assert_eq!(seen["bin/busybox"].1, 0o755);
    assert_eq!(seen["tmp"].1, 0o1777);
    for applet in ["echo", "ls", "cat", "true", "false", "sleep"] {
        assert!(
            seen.contains_key(&format!("bin/{applet}")),
            "bin/{applet} missing"
        );
    }
    if let Some((Some(target), _)) = seen.get("usr/bin/wget") {
        assert_eq!(target, "../../bin/busybox");
    }
    assert!(passwd.contains("tester:x:1000:1000:"), "{passwd}");
}

#[test]
fn docker_schema2_manifests_are_served_as_docker() {
    let reg = registry();
    let repo = unique_repo("docker");
    let img = images::push_busybox_kind(reg, &repo, "latest", ManifestKind::Docker);
    let manifest = reg.manifest(&repo, "latest");
    manifest.expect_status(200, "GET the docker manifest");
    assert_eq!(
        manifest.header("Content-Type"),
        Some(images::DOCKER_MANIFEST)
    );
    assert_eq!(
        manifest.header("Docker-Content-Digest"),
        Some(img.manifest_digest.as_str())
    );
}

#[test]
fn multilayer_image_has_three_layers_with_whiteouts() {
    let reg = registry();
    let repo = unique_repo("multi");
    let img = images::push_multilayer(reg, &repo, "latest");
    assert_eq!(img.layer_digests.len(), 3);
    assert_eq!(img.diff_ids.len(), 3);

    let top = reg.blob(&repo, &img.layer_digests[2]);
    top.expect_status(200, "GET the top layer");
    let tar = flate2::read::GzDecoder::new(top.body.as_slice());
    let names: Vec<String> = tar::Archive::new(tar)
        .entries()
        .expect("a tar")
        .map(|e| {
            e.expect("an entry")
                .path()
                .expect("a path")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        names.contains(&"data/.wh.gone.txt".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"data/dir/.wh..wh..opq".to_string()),
        "{names:?}"
    );
}

#[test]
fn zstd_layer_is_pushed_with_the_zstd_media_type() {
    let reg = registry();
    let repo = unique_repo("zstd");
    let img = images::push_zstd(reg, &repo, "latest");
    let m = reg.manifest(&repo, "latest").json();
    assert_eq!(
        m["layers"][0]["mediaType"],
        "application/vnd.oci.image.layer.v1.tar+zstd"
    );
    let blob = reg.blob(&repo, &img.layer_digests[0]);
    let tar = zstd::decode_all(blob.body.as_slice()).expect("the layer is zstd");
    assert_eq!(layers::sha256(&tar), img.diff_ids[0]);
}

#[test]
fn index_lists_three_platforms_that_each_resolve() {
    let reg = registry();
    for kind in [ManifestKind::Oci, ManifestKind::Docker] {
        let repo = unique_repo("multiarch");
        let index = images::push_index(reg, &repo, "latest", kind);
        let resp = reg.manifest(&repo, "latest");
        resp.expect_status(200, "GET the index");
        assert_eq!(
            resp.header("Docker-Content-Digest"),
            Some(index.index_digest.as_str())
        );
        assert_eq!(resp.header("Content-Type"), Some(kind.index_type()));
        let platforms: Vec<String> = resp.json()["manifests"]
            .as_array()
            .expect("a manifests array")
            .iter()
            .map(|m| {
                let p = &m["platform"];
                let mut s = format!(
                    "{}/{}",
                    p["os"].as_str().unwrap_or(""),
                    p["architecture"].as_str().unwrap_or("")
                );
                if let Some(v) = p["variant"].as_str() {
                    s = format!("{s}/{v}");
                }
                s
            })
            .collect();
        assert_eq!(platforms, images::INDEX_PLATFORMS);

        let arm = index.platform("linux/arm/v7");
        let child = reg.manifest(&repo, &arm.manifest_digest);
        child.expect_status(200, "GET the arm/v7 manifest by digest");
        let config = reg.blob(&repo, &arm.config_digest).json();
        assert_eq!(config["architecture"], "arm");
        assert_eq!(config["variant"], "v7");
    }
}

#[test]
fn corrupt_image_serves_bytes_that_do_not_match_the_digest() {
    let reg = registry();
    let repo = unique_repo("corrupt");
    let bad = images::push_corrupt(reg, &repo, "latest");
    let blob = reg.blob(&repo, &bad.corrupt_layer);
    blob.expect_status(200, "GET the corrupted layer");
    assert_ne!(layers::sha256(&blob.body), bad.corrupt_layer);
    // The shared busybox layer is untouched.
    let base = reg.blob(&repo, &bad.image.layer_digests[0]);
    assert_eq!(layers::sha256(&base.body), bad.image.layer_digests[0]);
}

#[test]
fn auth_registry_refuses_anonymous_and_accepts_testuser() {
    let reg = support::auth_registry();
    assert_ne!(reg.addr(), registry().addr());
    let anon = reg.get_anonymous("/v2/");
    assert_eq!(anon.status, 401, "{}", anon.text());
    assert!(anon
        .header("WWW-Authenticate")
        .is_some_and(|h| h.starts_with("Basic")));

    let bad = support::http::request(
        "GET",
        &reg.url("/v2/"),
        &[(
            "Authorization",
            &support::http::basic_auth("testuser", "wrong"),
        )],
        None,
    );
    assert_eq!(bad.status, 401);

    reg.get("/v2/").expect_status(200, "GET /v2/ as testuser");
    let repo = unique_repo("private");
    let img = images::push_busybox(reg, &repo, "latest");
    assert_eq!(
        reg.manifest(&repo, "latest")
            .header("Docker-Content-Digest"),
        Some(img.manifest_digest.as_str())
    );
}

#[test]
fn berth_binary_runs_with_an_isolated_store() {
    let b = support::berth();
    b.cmd(&["--help"]).success();
    assert!(b.root().is_dir() && b.runroot().is_dir());
    assert_ne!(b.root(), support::berth().root());
}

#[test]
fn mountinfo_octal_escapes_are_decoded() {
    assert_eq!(
        support::berth::unescape_mountinfo(r"/tmp/a\040b\134c"),
        r"/tmp/a b\c"
    );
    assert_eq!(
        support::berth::unescape_mountinfo(r"/plain\09"),
        r"/plain\09"
    );
}

/// A test that dies with a mount in its store must not leak it.
#[test]
fn dropping_the_store_detaches_mounts_inside_it() {
    if !support::install::is_root() {
        eprintln!("skipped: mounting needs root");
        return;
    }
    let b = support::berth();
    let target = b.root().join("overlay/merged dir");
    std::fs::create_dir_all(&target).expect("create the mount point");
    let status = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "tmpfs"])
        .arg(&target)
        .status()
        .expect("run mount");
    assert!(status.success(), "mount -t tmpfs failed");
    assert_eq!(support::berth::mounts_under(b.root()), vec![target.clone()]);
    let root = b.root().to_path_buf();
    drop(b);
    assert!(support::berth::mounts_under(&root).is_empty());
    assert!(!root.exists(), "{} was not removed", root.display());
}

use std::fs;
use std::io::Read;

use serde_json::Value;

use super::*;
use crate::store::import::{import, ImportChanges};
use crate::store::{Store, StorePaths};

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&StorePaths {
        root: dir.path().join("root"),
        runroot: dir.path().join("run"),
        rootless: false,
        max_layer_bytes: None,
    })
    .expect("open store");
    (dir, store)
}

fn layer_tar(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name, *data).expect("append");
    }
    b.into_inner().expect("finish tar")
}

/// An archive built entry by entry; names are written raw, so hostile
/// names (`../x`) that tar::Builder refuses can be made too.
fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_old();
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        b.append(&h, *data).expect("append");
    }
    b.into_inner().expect("finish tar")
}

fn entries_of(archive: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut ar = tar::Archive::new(archive);
    for e in ar.entries().expect("entries") {
        let mut e = e.expect("entry");
        let name = e.path().expect("path").to_string_lossy().into_owned();
        let mut data = Vec::new();
        e.read_to_end(&mut data).expect("read entry");
        out.insert(name, data);
    }
    out
}

fn imported(store: &Store, name: &str) -> crate::store::ImageRecord {
    let tar = layer_tar(&[("etc/hostname", b"berth\n"), ("bin/hello", b"#!/bin/sh\n")]);
    import(
        store,
        std::io::Cursor::new(tar),
        &ImportChanges::default(),
        Some(name.to_string()),
        None,
    )
    .expect("import")
}

fn load_all(store: &Store, data: &[u8]) -> (Result<Vec<LoadedImage>>, Vec<String>) {
    let mut lines = Vec::new();
    let r = load(store, data, &mut |l: &str| lines.push(l.to_string()));
    (r, lines)
}

fn staging_is_empty(store: &Store) -> bool {
    fs::read_dir(store.root().join("staging"))
        .expect("read staging")
        .next()
        .is_none()
}

#[test]
fn docker_archive_round_trips_with_id_names_and_manifest() {
    let (_a, src) = temp_store();
    let rec = imported(&src, "docker.io/library/busybox:latest");
    let names = vec!["docker.io/library/busybox:latest".to_string()];
    let mut out = Vec::new();
    save(
        &src,
        &[(rec.clone(), names)],
        ArchiveFormat::DockerArchive,
        &mut out,
    )
    .expect("save");

    let files = entries_of(&out);
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).expect("manifest.json");
    assert_eq!(manifest[0]["RepoTags"][0], "busybox:latest");
    assert_eq!(
        manifest[0]["Config"],
        format!("blobs/sha256/{}", rec.id.hex())
    );
    assert_eq!(
        manifest[0]["Layers"][0],
        format!("blobs/sha256/{}", rec.layers[0].blob.hex())
    );
    let index: Value = serde_json::from_slice(&files["index.json"]).expect("index.json");
    let ann = &index["manifests"][0]["annotations"];
    assert_eq!(
        ann[ANNOTATION_IMAGE_NAME],
        "docker.io/library/busybox:latest"
    );
    assert_eq!(ann[ANNOTATION_REF_NAME], "latest");
    assert_eq!(index["manifests"][0]["digest"], rec.manifest.as_str());
    let repos: Value = serde_json::from_slice(&files["repositories"]).expect("repositories");
    assert_eq!(repos["busybox"]["latest"], rec.layers[0].blob.hex());
    assert!(files.contains_key("oci-layout"));
    // Layer blobs are written as stored (gzip), byte for byte.
    let stored = fs::read(src.blob_path(&rec.layers[0].blob)).expect("stored blob");
    assert_eq!(
        files[&format!("blobs/sha256/{}", rec.layers[0].blob.hex())],
        stored
    );

    let (_b, dst) = temp_store();
    let (loaded, lines) = load_all(&dst, &out);
    let loaded = loaded.expect("load");
    assert_eq!(
        loaded,
        vec![LoadedImage {
            id: rec.id.clone(),
            names: rec.names.clone()
        }]
    );
    assert_eq!(lines, vec!["Loaded image: busybox:latest".to_string()]);
    let images = dst.list_images().expect("list");
    assert_eq!(images.len(), 1);
    // The archive's OCI manifest describes the same blobs, so it is kept.
    assert_eq!(images[0].manifest, rec.manifest);
    assert_eq!(images[0].layers, rec.layers);
    let hostname = dst
        .layer_diff_path(&rec.layers[0].diff_id)
        .join("etc/hostname");
    assert_eq!(fs::read(hostname).expect("extracted file"), b"berth\n");
    assert!(staging_is_empty(&dst));

    // Loading it again changes nothing and extracts nothing new.
    let (again, _) = load_all(&dst, &out);
    assert_eq!(again.expect("load again")[0].id, rec.id);
    assert_eq!(dst.list_images().expect("list").len(), 1);
    assert_eq!(dst.list_layers().expect("layers").len(), 1);
    assert!(staging_is_empty(&dst));
}

#[test]
fn oci_archive_round_trips_without_manifest_json() {
    let (_a, src) = temp_store();
    let rec = imported(&src, "quay.io/acme/tool:1.0");
    let names = vec!["quay.io/acme/tool:1.0".to_string()];
    let mut out = Vec::new();
    save(
        &src,
        &[(rec.clone(), names)],
        ArchiveFormat::OciArchive,
        &mut out,
    )
    .expect("save");
    let files = entries_of(&out);
    assert!(!files.contains_key("manifest.json"));
    assert!(!files.contains_key("repositories"));

    let (_b, dst) = temp_store();
    let (loaded, lines) = load_all(&dst, &out);
    let loaded = loaded.expect("load");
    assert_eq!(loaded[0].id, rec.id);
    assert_eq!(loaded[0].names, vec!["quay.io/acme/tool:1.0".to_string()]);
    assert_eq!(
        lines,
        vec!["Loaded image: quay.io/acme/tool:1.0".to_string()]
    );
    assert_eq!(dst.list_images().expect("list")[0].manifest, rec.manifest);
}

#[test]
fn a_multi_platform_oci_index_loads_the_host_image() {
    let (_a, src) = temp_store();
    let rec = imported(&src, "docker.io/library/multi:1");
    let mut out = Vec::new();
    save(
        &src,
        &[(rec.clone(), vec![])],
        ArchiveFormat::OciArchive,
        &mut out,
    )
    .expect("save");
    let files = entries_of(&out);
    let manifest_size = files[&format!("blobs/sha256/{}", rec.manifest.hex())].len();
    // Another platform's manifest, listed but absent, as in a partial pull.
    let other = Digest::of_bytes(b"riscv manifest");
    let nested = format!(
        r#"{{"schemaVersion":2,"mediaType":"{MT_OCI_INDEX}","manifests":[{{"mediaType":"{MT_OCI_MANIFEST}","digest":"{other}","size":10,"platform":{{"architecture":"riscv64","os":"linux"}}}},{{"mediaType":"{MT_OCI_MANIFEST}","digest":"{}","size":{manifest_size},"platform":{{"architecture":"{}","os":"linux"}}}}]}}"#,
        rec.manifest,
        host_arch()
    );
    let nested_digest = Digest::of_bytes(nested.as_bytes());
    // podman writes the full name in ref.name.
    let index = format!(
        r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"{MT_OCI_INDEX}","digest":"{nested_digest}","size":{},"annotations":{{"{ANNOTATION_REF_NAME}":"docker.io/library/multi:2"}}}}]}}"#,
        nested.len()
    );
    let mut entries: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .filter(|(n, _)| n.len() > "blobs/sha256/".len() && n.starts_with("blobs/sha256/"))
        .collect();
    entries.push((
        format!("blobs/sha256/{}", nested_digest.hex()),
        nested.into_bytes(),
    ));
    entries.push(("index.json".into(), index.into_bytes()));
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (n.as_str(), &d[..])).collect();

    let (_b, dst) = temp_store();
    let (loaded, _) = load_all(&dst, &archive(&refs));
    assert_eq!(
        loaded.expect("load"),
        vec![LoadedImage {
            id: rec.id,
            names: vec!["docker.io/library/multi:2".into()]
        }]
    );
}

#[test]
fn untagged_images_load_by_id() {
    let (_a, src) = temp_store();
    let rec = imported(&src, "docker.io/library/x:1");
    let mut out = Vec::new();
    save(
        &src,
        &[(rec.clone(), vec![])],
        ArchiveFormat::DockerArchive,
        &mut out,
    )
    .expect("save");
    let (_b, dst) = temp_store();
    let (loaded, lines) = load_all(&dst, &out);
    assert_eq!(loaded.expect("load")[0].names, Vec::<String>::new());
    assert_eq!(lines, vec![format!("Loaded image ID: {}", rec.id)]);
}

#[test]
fn save_fails_before_writing_when_a_layer_blob_is_gone() {
    let (_a, src) = temp_store();
    let rec = imported(&src, "docker.io/library/x:1");
    fs::remove_file(src.blob_path(&rec.layers[0].blob)).expect("remove blob");
    let mut out = Vec::new();
    let err = save(
        &src,
        &[(rec, vec![])],
        ArchiveFormat::DockerArchive,
        &mut out,
    );
    assert!(matches!(err, Err(StoreError::ContentMissing(_))), "{err:?}");
    assert!(out.is_empty());
}

/// A docker < 25 archive: `<id>.json`, `<v1id>/layer.tar` uncompressed,
/// and a symlink for a layer shared by two images.
fn legacy_archive(diff_id_override: Option<&Digest>) -> (Vec<u8>, Digest, Digest, Digest) {
    let layer = layer_tar(&[("hello.txt", b"hello")]);
    let diff_id = Digest::of_bytes(&layer);
    let recorded = diff_id_override.unwrap_or(&diff_id);
    let config = |created: &str| {
        format!(
            r#"{{"architecture":"amd64","os":"linux","created":"{created}","config":{{}},"rootfs":{{"type":"layers","diff_ids":["{recorded}"]}}}}"#
        )
        .into_bytes()
    };
    let (c1, c2) = (
        config("2024-01-01T00:00:00Z"),
        config("2024-02-02T00:00:00Z"),
    );
    let (id1, id2) = (Digest::of_bytes(&c1), Digest::of_bytes(&c2));
    let manifest = format!(
        r#"[{{"Config":"{}.json","RepoTags":["legacy:1"],"Layers":["aaa/layer.tar"]}},{{"Config":"{}.json","RepoTags":null,"Layers":["bbb/layer.tar"]}}]"#,
        id1.hex(),
        id2.hex()
    );
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, data).expect("append");
    };
    add("aaa/VERSION", b"1.0");
    add("aaa/layer.tar", &layer);
    add(&format!("{}.json", id1.hex()), &c1);
    add(&format!("{}.json", id2.hex()), &c2);
    add("manifest.json", manifest.as_bytes());
    let mut h = tar::Header::new_gnu();
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "bbb/layer.tar", "../aaa/layer.tar")
        .expect("symlink");
    (b.into_inner().expect("tar"), id1, id2, diff_id)
}

#[test]
fn legacy_docker_archive_loads_with_a_built_manifest() {
    let (data, id1, id2, diff_id) = legacy_archive(None);
    let (_d, store) = temp_store();
    let (loaded, lines) = load_all(&store, &data);
    let loaded = loaded.expect("load");
    assert_eq!(loaded.len(), 2);
    assert_eq!(loaded[0].id, id1);
    assert_eq!(
        loaded[0].names,
        vec!["docker.io/library/legacy:1".to_string()]
    );
    assert_eq!(loaded[1].id, id2);
    assert_eq!(lines[0], "Loaded image: legacy:1");
    let images = store.list_images().expect("list");
    let img = images.iter().find(|i| i.id == id1).expect("image 1");
    assert_eq!(img.manifest_media_type, MT_DOCKER_MANIFEST);
    // The uncompressed layer is its own blob.
    assert_eq!(img.layers[0].blob, diff_id);
    assert_eq!(img.layers[0].media_type, MT_DOCKER_LAYER);
    let manifest: Value =
        serde_json::from_slice(&store.read_blob(&img.manifest).expect("manifest")).expect("json");
    assert_eq!(manifest["config"]["digest"], id1.as_str());
    assert_eq!(manifest["layers"][0]["digest"], diff_id.as_str());
    assert!(img.created.is_some());
    assert_eq!(
        fs::read(store.layer_diff_path(&diff_id).join("hello.txt")).expect("file"),
        b"hello"
    );
    assert!(staging_is_empty(&store));
}

#[test]
fn a_layer_that_does_not_match_its_diff_id_loads_nothing() {
    let wrong = Digest::of_bytes(b"not the layer");
    let (data, ..) = legacy_archive(Some(&wrong));
    let (_d, store) = temp_store();
    let (r, lines) = load_all(&store, &data);
    assert!(matches!(r, Err(StoreError::DigestMismatch { .. })), "{r:?}");
    assert!(lines.is_empty());
    assert!(store.list_images().expect("list").is_empty());
    assert!(staging_is_empty(&store));
}

#[test]
fn entries_escaping_the_archive_are_refused() {
    let (_d, store) = temp_store();
    for name in ["../x", "/etc/passwd", "a/../../x"] {
        let data = archive(&[("manifest.json", b"[]"), (name, b"boom")]);
        let (r, _) = load_all(&store, &data);
        let msg = r.expect_err("hostile archive loaded").to_string();
        assert!(msg.contains("outside the archive"), "{msg}");
    }
    assert!(store.list_images().expect("list").is_empty());
    assert!(staging_is_empty(&store));
    assert!(!store.root().join("x").exists());
}

#[test]
fn manifest_json_pointing_outside_the_archive_is_refused() {
    let (_d, store) = temp_store();
    let manifest = br#"[{"Config":"../../etc/passwd","RepoTags":["x:1"],"Layers":[]}]"#;
    let (r, _) = load_all(&store, &archive(&[("manifest.json", manifest)]));
    let msg = r.expect_err("loaded").to_string();
    assert!(msg.contains("outside the archive"), "{msg}");
    assert!(staging_is_empty(&store));
}

#[test]
fn blobs_that_do_not_match_their_names_are_refused() {
    let (_d, store) = temp_store();
    let name = format!("blobs/sha256/{}", Digest::of_bytes(b"good").hex());
    let (r, _) = load_all(&store, &archive(&[(&name, b"evil")]));
    assert!(matches!(r, Err(StoreError::DigestMismatch { .. })), "{r:?}");
    assert!(staging_is_empty(&store));
}

#[test]
fn an_archive_without_metadata_is_not_an_image_archive() {
    let (_d, store) = temp_store();
    let (r, _) = load_all(&store, &archive(&[("hello.txt", b"hi")]));
    let msg = r.expect_err("loaded").to_string();
    assert!(msg.contains("neither manifest.json"), "{msg}");
}

#[test]
fn names_normalise_like_docker() {
    fn full(s: &str) -> String {
        full_name(s).expect(s)
    }
    assert_eq!(full("busybox"), "docker.io/library/busybox:latest");
    assert_eq!(full("busybox:1.36"), "docker.io/library/busybox:1.36");
    assert_eq!(full("acme/tool"), "docker.io/acme/tool:latest");
    assert_eq!(full("localhost/tool:2"), "localhost/tool:2");
    assert_eq!(full("localhost:5000/a/b"), "localhost:5000/a/b:latest");
    assert_eq!(full("index.docker.io/library/x:1"), "docker.io/library/x:1");
    let d = Digest::of_bytes(b"x");
    assert_eq!(full(&format!("quay.io/a@{d}")), format!("quay.io/a@{d}"));
    for bad in ["Busybox", "a:b:c", "x:", "a//b", "x@sha256:nothex"] {
        assert!(full_name(bad).is_err(), "{bad:?} accepted");
    }
    assert_eq!(
        familiar_name("docker.io/library/busybox:latest"),
        "busybox:latest"
    );
    assert_eq!(familiar_name("docker.io/acme/tool:1"), "acme/tool:1");
    assert_eq!(familiar_name("quay.io/library/x:1"), "quay.io/library/x:1");
    assert_eq!(familiar_repo_tag(&format!("docker.io/library/a@{d}")), None);
}

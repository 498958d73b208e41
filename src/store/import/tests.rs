use std::fs;
use std::io::{Cursor, Read};
use std::os::unix::fs::{MetadataExt, PermissionsExt};

use serde_json::Value;

use super::*;
use crate::store::archive::{Manifest, MT_OCI_LAYER_GZIP, MT_OCI_MANIFEST};
use crate::store::digest::Digest;
use crate::store::StorePaths;

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

fn small_tar() -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in [
        ("etc/os-release", &b"ID=berth\n"[..]),
        ("bin/true", b"\x7fELF"),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_size(data.len() as u64);
        h.set_mode(0o755);
        b.append_data(&mut h, name, data).expect("append");
    }
    b.into_inner().expect("tar")
}

fn config_of(store: &Store, rec: &ImageRecord) -> Value {
    serde_json::from_slice(&store.read_blob(&rec.id).expect("config")).expect("config json")
}

#[test]
fn importing_a_tar_makes_a_one_layer_oci_image() {
    let (_d, store) = temp_store();
    let tar = small_tar();
    let changes = ImportChanges::parse(&["CMD [\"/bin/true\"]", "ENV A=1"]).expect("changes");
    let rec = import(
        &store,
        Cursor::new(tar.clone()),
        &changes,
        Some("docker.io/library/mini:1".into()),
        None,
    )
    .expect("import");

    assert_eq!(rec.names, vec!["docker.io/library/mini:1".to_string()]);
    assert_eq!(rec.layers.len(), 1);
    let layer = &rec.layers[0];
    assert_eq!(layer.diff_id, Digest::of_bytes(&tar));
    assert_eq!(layer.media_type, MT_OCI_LAYER_GZIP);
    // The blob is the gzip of exactly the imported tar.
    let blob = fs::read(store.blob_path(&layer.blob)).expect("blob");
    assert_eq!(Digest::of_bytes(&blob), layer.blob);
    assert_eq!(blob.len() as u64, layer.blob_size);
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&blob[..])
        .read_to_end(&mut unzipped)
        .expect("gunzip");
    assert_eq!(unzipped, tar);

    let config = config_of(&store, &rec);
    assert_eq!(config["os"], "linux");
    assert_eq!(config["architecture"], crate::store::archive::host_arch());
    assert_eq!(config["rootfs"]["type"], "layers");
    assert_eq!(config["rootfs"]["diff_ids"][0], layer.diff_id.as_str());
    assert_eq!(config["config"]["Cmd"][0], "/bin/true");
    assert_eq!(config["config"]["Env"][0], "A=1");
    assert_eq!(config["history"][0]["comment"], "Imported from -");
    let created = config["created"].as_str().expect("created");
    assert!(
        created.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{created}"
    );

    assert_eq!(rec.manifest_media_type, MT_OCI_MANIFEST);
    let manifest: Manifest =
        serde_json::from_slice(&store.read_blob(&rec.manifest).expect("manifest"))
            .expect("manifest json");
    assert_eq!(manifest.config.digest, rec.id);
    assert_eq!(manifest.layers[0].digest, layer.blob);
    assert_eq!(manifest.layers[0].size, layer.blob_size);

    let extracted = store.layer_diff_path(&layer.diff_id).join("etc/os-release");
    assert_eq!(fs::read(extracted).expect("extracted"), b"ID=berth\n");
}

#[test]
fn compressed_input_keeps_the_uncompressed_diff_id() {
    let (_d, store) = temp_store();
    let tar = small_tar();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).expect("gzip");
    let input = gz.finish().expect("gzip");
    let rec = import(
        &store,
        Cursor::new(input),
        &ImportChanges::default(),
        None,
        Some("hi".into()),
    )
    .expect("import");
    assert_eq!(rec.layers[0].diff_id, Digest::of_bytes(&tar));
    assert!(rec.names.is_empty());
    assert_eq!(config_of(&store, &rec)["history"][0]["comment"], "hi");
}

#[test]
fn a_corrupt_tar_imports_nothing() {
    let (_d, store) = temp_store();
    let mut tar = small_tar();
    tar[100..110].copy_from_slice(b"garbage!!!");
    let r = import(
        &store,
        Cursor::new(tar),
        &ImportChanges::default(),
        Some("docker.io/library/x:1".into()),
        None,
    );
    assert!(r.is_err());
    assert!(store.list_images().expect("list").is_empty());
    assert!(fs::read_dir(store.root().join("staging"))
        .expect("staging")
        .next()
        .is_none());
}

#[test]
fn importing_a_directory_keeps_links_modes_and_owners() {
    let (d, store) = temp_store();
    let src = d.path().join("rootfs");
    fs::create_dir_all(src.join("etc/secret")).expect("mkdir");
    fs::write(src.join("etc/passwd"), b"root:x:0:0::/root:/bin/sh\n").expect("write");
    fs::hard_link(src.join("etc/passwd"), src.join("etc/passwd-")).expect("hard link");
    std::os::unix::fs::symlink("passwd", src.join("etc/link")).expect("symlink");
    fs::set_permissions(src.join("etc/secret"), fs::Permissions::from_mode(0o700)).expect("chmod");
    std::os::unix::fs::chown(src.join("etc/passwd"), Some(1234), Some(5678)).expect("chown");
    nix::unistd::mkfifo(
        &src.join("fifo"),
        nix::sys::stat::Mode::from_bits_truncate(0o600),
    )
    .expect("mkfifo");

    let rec = import_dir(
        &store,
        &src,
        &ImportChanges::default(),
        Some("docker.io/library/dir:1".into()),
        None,
    )
    .expect("import dir");
    let root = store.layer_diff_path(&rec.layers[0].diff_id);
    let passwd = fs::metadata(root.join("etc/passwd")).expect("passwd");
    assert_eq!((passwd.uid(), passwd.gid()), (1234, 5678));
    let twin = fs::metadata(root.join("etc/passwd-")).expect("hard link");
    assert_eq!(twin.ino(), passwd.ino());
    assert_eq!(
        fs::read_link(root.join("etc/link"))
            .expect("symlink")
            .to_str(),
        Some("passwd")
    );
    let secret = fs::metadata(root.join("etc/secret")).expect("dir");
    assert_eq!(secret.permissions().mode() & 0o7777, 0o700);
    // Special files are the extractor's business; here, that they are in the tar.
    let mut tar = Vec::new();
    tree::write_tree(&src, &mut tar).expect("write tree");
    let mut kinds = std::collections::BTreeMap::new();
    for e in tar::Archive::new(&tar[..]).entries().expect("entries") {
        let e = e.expect("entry");
        let name = e.path().expect("path").to_string_lossy().into_owned();
        kinds.insert(name, e.header().entry_type());
    }
    assert_eq!(kinds.get("fifo"), Some(&tar::EntryType::Fifo));
    assert_eq!(kinds.get("etc/passwd-"), Some(&tar::EntryType::Link));
    assert_eq!(kinds.get("etc/link"), Some(&tar::EntryType::Symlink));
    let names: Vec<&String> = kinds.keys().collect();
    assert_eq!(
        names,
        [
            "etc",
            "etc/link",
            "etc/passwd",
            "etc/passwd-",
            "etc/secret",
            "fifo"
        ]
    );
    let comment = config_of(&store, &rec)["history"][0]["comment"].clone();
    assert_eq!(comment, format!("Imported from {}", src.display()));

    // The same tree gives the same layer: entries are written in a fixed order.
    let again = import_dir(&store, &src, &ImportChanges::default(), None, None).expect("again");
    assert_eq!(again.layers[0].diff_id, rec.layers[0].diff_id);
}

#[test]
fn importing_a_missing_directory_says_so() {
    let (d, store) = temp_store();
    let err = import_dir(
        &store,
        &d.path().join("nope"),
        &ImportChanges::default(),
        None,
        None,
    )
    .expect_err("imported nothing");
    assert!(err.to_string().contains("not a directory"), "{err}");
}

#[test]
fn rfc3339_nano_trims_zeros_like_go() {
    let t = chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09.120000000Z")
        .expect("time")
        .with_timezone(&Utc);
    assert_eq!(go_rfc3339_nano(t), "2024-05-06T07:08:09.12Z");
    let whole = chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09Z")
        .expect("time")
        .with_timezone(&Utc);
    assert_eq!(go_rfc3339_nano(whole), "2024-05-06T07:08:09Z");
}

/// What an image commit killed between its renames and its record leaves:
/// a blob and a layer directory nothing references.
fn plant_interrupted_commit(store: &Store) -> (std::path::PathBuf, std::path::PathBuf) {
    let blob = store.blob_path(&Digest::of_bytes(b"orphan blob"));
    fs::write(&blob, b"orphan blob").expect("blob");
    let layer = store
        .root()
        .join("layers")
        .join(Digest::of_bytes(b"orphan layer").hex());
    fs::create_dir_all(layer.join("diff")).expect("layer");
    (blob, layer)
}

#[test]
fn a_killed_commits_leftovers_are_collected_when_it_left_its_mark() {
    let (_d, store) = temp_store();
    let rec = import(
        &store,
        Cursor::new(small_tar()),
        &ImportChanges::default(),
        Some("docker.io/library/mini:1".into()),
        None,
    )
    .expect("import");
    assert!(!store.root().join("images/gc-pending").exists());
    let (blob, layer) = plant_interrupted_commit(&store);
    store.mark_gc_pending().expect("mark");
    let report = store.check(false, true).expect("check");
    assert!(report.is_clean(), "{report:?}");
    assert!(
        report.cleaned.iter().any(|c| c.contains("interrupted")),
        "{report:?}"
    );
    assert!(!blob.exists() && !layer.exists());
    assert!(!store.root().join("images/gc-pending").exists());
    // The image itself is untouched.
    assert!(store.read_blob(&rec.id).is_ok());
    assert!(store.layer_diff_path(&rec.layers[0].diff_id).is_dir());
}

#[test]
fn unreferenced_content_without_the_mark_is_reported() {
    let (_d, store) = temp_store();
    let (blob, layer) = plant_interrupted_commit(&store);
    let report = store.check(false, false).expect("check");
    assert!(!report.is_clean(), "{report:?}");
    assert!(blob.exists() && layer.exists());
}

#[test]
fn the_next_commit_collects_a_killed_commits_leftovers() {
    let (_d, store) = temp_store();
    let (blob, layer) = plant_interrupted_commit(&store);
    store.mark_gc_pending().expect("mark");
    import(
        &store,
        Cursor::new(small_tar()),
        &ImportChanges::default(),
        None,
        None,
    )
    .expect("import");
    assert!(!blob.exists() && !layer.exists());
    assert!(!store.root().join("images/gc-pending").exists());
    let report = store.check(false, true).expect("check");
    assert!(report.is_clean() && report.cleaned.is_empty(), "{report:?}");
}

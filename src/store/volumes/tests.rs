use std::os::unix::fs::MetadataExt;

use super::*;
use crate::store::containers::NewContainer;
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

fn none() -> BTreeMap<String, String> {
    BTreeMap::new()
}

fn container_with(store: &Store, name: &str, volumes: &[&str]) -> String {
    store
        .create_container(NewContainer {
            name: Some(name.into()),
            image_id: None,
            image_name: String::new(),
            command: "true".into(),
            labels: none(),
            mounts: volumes.iter().map(|v| v.to_string()).collect(),
            rootfs: Some("/".into()),
            ports: Vec::new(),
            networks: Vec::new(),
            spec: serde_json::Value::Null,
            config: serde_json::Value::Null,
        })
        .expect("create container")
        .id
}

#[test]
fn create_is_idempotent_and_names_are_checked() {
    let (_d, store) = temp_store();
    let labels = BTreeMap::from([("k".to_string(), "v".to_string())]);
    let (v, created) = store
        .create_volume(Some("data"), labels.clone(), none())
        .expect("create");
    assert!(created);
    assert_eq!((v.driver.as_str(), v.scope.as_str()), ("local", "local"));
    assert_eq!(v.mountpoint, store.root().join("volumes/data/_data"));
    assert!(v.mountpoint.is_dir() && !v.anonymous);
    let (again, created) = store
        .create_volume(Some("data"), none(), none())
        .expect("again");
    assert!(!created);
    assert_eq!(again, v);
    assert_eq!(store.list_volumes().expect("list").len(), 1);

    let (gen, _) = store.create_volume(None, none(), none()).expect("gen");
    assert_eq!(gen.name.len(), 64);
    assert!(!gen.anonymous);
    let anon = store.create_anonymous_volume(none(), none()).expect("anon");
    assert!(anon.anonymous && anon.labels.contains_key(ANONYMOUS_LABEL));

    for bad in ["a", "-a", "a/b", "volumes.json", "../x"] {
        let err = store
            .create_volume(Some(bad), none(), none())
            .expect_err(bad);
        assert!(
            err.to_string().contains("includes invalid characters"),
            "{err}"
        );
    }
    assert!(matches!(
        store.find_volume("nope"),
        Err(StoreError::VolumeNotFound(_))
    ));
    assert_eq!(store.find_volume("data").expect("find"), v);
}

#[test]
fn volumes_in_use_are_not_removed() {
    let (_d, store) = temp_store();
    store
        .create_volume(Some("data"), none(), none())
        .expect("create");
    let ctr = container_with(&store, "user", &["data"]);
    let err = store.remove_volume("data", true).expect_err("in use");
    assert_eq!(
        err.to_string(),
        format!("remove data: volume is in use - [{ctr}]")
    );
    assert!(store.find_volume("data").is_ok());

    store.remove_container(&ctr).expect("rm");
    assert!(store.remove_volume("data", false).expect("rm volume"));
    assert!(!store.root().join("volumes/data").exists());
    assert!(matches!(
        store.remove_volume("data", false),
        Err(StoreError::VolumeNotFound(_))
    ));
    assert!(!store.remove_volume("data", true).expect("forced missing"));
}

#[test]
fn prune_takes_unused_anonymous_volumes_unless_all() {
    let (_d, store) = temp_store();
    store
        .create_volume(Some("named"), none(), none())
        .expect("named");
    let unused = store.create_anonymous_volume(none(), none()).expect("anon");
    let used = store.create_anonymous_volume(none(), none()).expect("anon");
    fs::write(unused.mountpoint.join("f"), vec![0u8; 1000]).expect("write");
    container_with(&store, "user", &[&used.name]);

    let pruned = store.prune_volumes(false).expect("prune");
    assert_eq!(
        pruned,
        vec![PrunedVolume {
            name: unused.name.clone(),
            size: 1000
        }]
    );
    let left: Vec<String> = store
        .list_volumes()
        .expect("list")
        .into_iter()
        .map(|v| v.name)
        .collect();
    assert_eq!(left, vec!["named".to_string(), used.name.clone()]);

    let pruned = store.prune_volumes(true).expect("prune all");
    assert_eq!(pruned.len(), 1);
    assert_eq!(pruned[0].name, "named");
    assert_eq!(store.list_volumes().expect("list").len(), 1);
}

#[test]
fn usage_counts_hard_links_once() {
    let (_d, store) = temp_store();
    let (v, _) = store
        .create_volume(Some("du"), none(), none())
        .expect("create");
    fs::create_dir(v.mountpoint.join("d")).expect("mkdir");
    fs::write(v.mountpoint.join("d/a"), vec![1u8; 300]).expect("write");
    fs::hard_link(v.mountpoint.join("d/a"), v.mountpoint.join("b")).expect("link");
    fs::write(v.mountpoint.join("c"), vec![1u8; 50]).expect("write");
    assert_eq!(store.volume_usage_bytes("du").expect("du"), 350);
    assert!(store.volume_usage_bytes("missing").is_err());
}

#[test]
fn populate_copies_into_an_empty_volume_only() {
    let (d, store) = temp_store();
    let src = d.path().join("image-dir");
    fs::create_dir_all(src.join("conf")).expect("mkdir");
    fs::write(src.join("conf/app.ini"), "x=1").expect("write");
    std::os::unix::fs::chown(&src, Some(999), Some(999)).expect("chown");
    fs::set_permissions(&src, fs::Permissions::from_mode(0o750)).expect("chmod");

    let (v, _) = store
        .create_volume(Some("db"), none(), none())
        .expect("create");
    assert!(store.populate_from_image("db", &src).expect("populate"));
    assert_eq!(
        fs::read_to_string(v.mountpoint.join("conf/app.ini")).expect("read"),
        "x=1"
    );
    let root = fs::metadata(&v.mountpoint).expect("data");
    assert_eq!((root.uid(), root.mode() & 0o7777), (999, 0o750));
    let leftovers: Vec<_> = fs::read_dir(store.root().join("volumes/db"))
        .expect("readdir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".copy-"))
        .collect();
    assert!(leftovers.is_empty());

    fs::write(src.join("new"), "n").expect("write");
    assert!(!store.populate_from_image("db", &src).expect("second"));
    assert!(!v.mountpoint.join("new").exists());
    assert!(matches!(
        store.populate_from_image("missing", &src),
        Err(StoreError::VolumeNotFound(_))
    ));
}

#[test]
fn check_reports_unrecorded_volume_dirs_and_keeps_them() {
    let (_d, store) = temp_store();
    store
        .create_volume(Some("ok"), none(), none())
        .expect("create");
    let stray = store.root().join("volumes/stray/_data");
    fs::create_dir_all(&stray).expect("mkdir");
    let report = store.check(true, false).expect("check");
    assert!(stray.is_dir());
    assert!(
        report.problems.iter().any(|p| p.contains("stray")),
        "{report:?}"
    );
    assert!(!report.problems.iter().any(|p| p.contains("/ok")));
}

#[test]
fn check_removes_temp_files_of_killed_writers_without_repair() {
    let (_d, store) = temp_store();
    store
        .create_volume(Some("ok"), none(), none())
        .expect("create");
    // What a writer killed between write and rename leaves.
    let temps = [
        store.root().join("volumes/.volumes.json.tmp-4242"),
        store.root().join("images/.images.json.tmp-4243"),
        store.root().join("containers/.containers.json.tmp-4244"),
    ];
    for t in &temps {
        fs::write(t, b"{\"half").expect("write temp");
    }
    let report = store.check(false, false).expect("check");
    assert!(report.is_clean(), "{report:?}");
    for t in &temps {
        assert!(!t.exists(), "{} left", t.display());
        assert!(
            report
                .cleaned
                .iter()
                .any(|c| c.contains(&*t.to_string_lossy())),
            "{report:?}"
        );
    }
    assert_eq!(store.list_volumes().expect("list").len(), 1);
}

use std::collections::HashSet;
use std::io::Cursor;
use std::sync::Arc;
use std::time::Instant;

use super::mounts::unescape_mountinfo;
use super::*;
use crate::store::images::ImageQuery;
use crate::store::import::{import, ImportChanges};
use crate::store::{ImageRecord, StorePaths};

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

fn new_ctr(name: Option<&str>) -> NewContainer {
    NewContainer {
        name: name.map(str::to_string),
        image_id: None,
        image_name: "busybox".into(),
        command: ps_command(&["sh".into(), "-c".into(), "echo hi".into()]),
        labels: BTreeMap::from([("a".to_string(), "1".to_string())]),
        mounts: vec![],
        rootfs: None,
        ports: Vec::new(),
        networks: Vec::new(),
        spec: serde_json::json!({"ociVersion": "1.2.0", "process": {"args": ["sh"]}}),
        config: serde_json::json!({"Tty": false}),
    }
}

fn tiny_image(store: &Store) -> ImageRecord {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(3);
    h.set_mode(0o644);
    b.append_data(&mut h, "etc/hi", &b"hi\n"[..])
        .expect("append");
    let tar = b.into_inner().expect("tar");
    let changes = ImportChanges::parse::<&str>(&[]).expect("changes");
    import(
        store,
        Cursor::new(tar),
        &changes,
        Some("docker.io/library/mini:1".into()),
        None,
    )
    .expect("import")
}

#[test]
fn create_writes_the_record_and_finds_it_every_way() {
    let (_d, store) = temp_store();
    let e = store
        .create_container(new_ctr(Some("web")))
        .expect("create");
    assert_eq!(e.id.len(), 64);
    assert!(e.id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(e.state.status, ContainerStatus::Created);
    assert_eq!(e.command, "sh -c 'echo hi'");
    for q in [e.id.as_str(), "web", "/web", &e.id[..12], &e.id[..3]] {
        assert_eq!(store.find_container(q).expect(q).id, e.id, "query {q}");
    }
    let dir = store.container_dir(&e.id);
    assert!(dir.join("upper").is_dir() && dir.join("work").is_dir());
    assert!(!dir.join(CREATING_LOCK).exists(), "lock left after commit");
    let file = store.container_file(&e.id).expect("config.json");
    assert_eq!(file.spec["ociVersion"], "1.2.0");
    assert_eq!(file.config["Tty"], false);
    let err = store.find_container("nope").expect_err("missing");
    assert_eq!(err.to_string(), "No such container: nope");
    assert!(matches!(
        store.find_container(""),
        Err(StoreError::ContainerNotFound(_))
    ));
    // The index stays small: no spec in it.
    let index = fs::read_to_string(store.containers_file()).expect("index");
    assert!(!index.contains("ociVersion"));
}

#[test]
fn a_shared_prefix_is_ambiguous() {
    let (_d, store) = temp_store();
    // 17 ids over 16 first digits: two share one.
    let ids: Vec<String> = (0..17)
        .map(|_| store.create_container(new_ctr(None)).expect("create").id)
        .collect();
    let first = |id: &String| id[..1].to_string();
    let dup = ids
        .iter()
        .map(first)
        .find(|p| ids.iter().filter(|i| i.starts_with(p.as_str())).count() > 1)
        .expect("pigeonhole");
    match store.find_container(&dup) {
        Err(StoreError::AmbiguousContainer(p)) => assert_eq!(p, dup),
        other => panic!("expected ambiguity, got {other:?}"),
    }
}

#[test]
fn names_are_validated_unique_and_generated_when_absent() {
    let (_d, store) = temp_store();
    let web = store
        .create_container(new_ctr(Some("/web")))
        .expect("create");
    assert_eq!(web.name, "web");
    let err = store
        .create_container(new_ctr(Some("web")))
        .expect_err("conflict");
    assert_eq!(
        err.to_string(),
        format!("Conflict. The container name \"/web\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.", web.id)
    );
    for bad in ["a", "-x", "a b", "x/y", "_y"] {
        let err = store.create_container(new_ctr(Some(bad))).expect_err(bad);
        assert_eq!(
            err.to_string(),
            format!("Invalid container name ({bad}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
        );
    }
    let gen = store.create_container(new_ctr(None)).expect("create");
    assert!(
        gen.name.contains('_') && valid_name(&gen.name),
        "{}",
        gen.name
    );
    // Failed creates leave no directories behind.
    let dirs = fs::read_dir(store.containers_root())
        .expect("readdir")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .count();
    assert_eq!(dirs, 2);
}

#[test]
fn rename_update_and_remove() {
    let (_d, store) = temp_store();
    let a = store.create_container(new_ctr(Some("a1"))).expect("a");
    store.create_container(new_ctr(Some("b1"))).expect("b");
    store.rename_container("a1", "a2").expect("rename");
    assert_eq!(store.find_container("a2").expect("new name").id, a.id);
    assert!(store.find_container("a1").is_err());
    assert!(matches!(
        store.rename_container("a2", "b1"),
        Err(StoreError::NameInUse { .. })
    ));
    assert!(store.rename_container("a2", "a2").is_err());
    assert!(store.rename_container("a2", "bad name").is_err());

    let now = Utc::now();
    let up = store
        .update_container(&a.id, |e| {
            e.state.status = ContainerStatus::Exited;
            e.state.exit_code = 3;
            e.state.finished_at = Some(now);
            Ok(())
        })
        .expect("update");
    assert_eq!(up.state.exit_code, 3);
    assert_eq!(store.find_container("a2").expect("find").state, up.state);
    let err = store.update_container(&a.id, |e| {
        e.name = "sneaky".into();
        e.state.exit_code = 9;
        Ok(())
    });
    assert!(err.is_err());
    assert_eq!(
        store.find_container(&a.id).expect("find").state.exit_code,
        3
    );

    store.remove_container("a2").expect("remove");
    assert!(matches!(
        store.find_container(&a.id),
        Err(StoreError::ContainerNotFound(_))
    ));
    assert!(!store.container_dir(&a.id).exists());
    assert!(matches!(
        store.container_file(&a.id),
        Err(StoreError::ContainerNotFound(_))
    ));
    assert_eq!(store.list_containers().expect("list").len(), 1);
}

fn mark_running(store: &Store, id: &str, pid: i32, start: u64) {
    store
        .update_container(id, |e| {
            e.state.status = ContainerStatus::Running;
            e.state.pid = pid;
            e.state.monitor_pid = pid;
            e.state.monitor_start = start;
            e.state.started_at = Some(Utc::now());
            Ok(())
        })
        .expect("mark running");
}

#[test]
fn reconcile_marks_containers_of_dead_monitors_exited() {
    let (_d, store) = temp_store();
    let mut child = std::process::Command::new("true").spawn().expect("spawn");
    let dead = child.id() as i32;
    child.wait().expect("wait");

    let killed = store.create_container(new_ctr(Some("killed"))).expect("c");
    let recorded = store
        .create_container(new_ctr(Some("recorded")))
        .expect("c");
    let alive = store.create_container(new_ctr(Some("alive"))).expect("c");
    mark_running(&store, &killed.id, dead, 12345);
    mark_running(&store, &recorded.id, dead, 12345);
    fs::write(store.container_dir(&recorded.id).join("exit-code"), "3\n").expect("write");
    let me = std::process::id() as i32;
    mark_running(
        &store,
        &alive.id,
        me,
        process_start_time(me).expect("start"),
    );

    let stale: HashSet<String> = store
        .reconcile_stale()
        .expect("reconcile")
        .into_iter()
        .collect();
    assert_eq!(
        stale,
        HashSet::from([killed.id.clone(), recorded.id.clone()])
    );
    let k = store.find_container("killed").expect("find").state;
    assert_eq!(k.status, ContainerStatus::Exited);
    assert_eq!(k.exit_code, 137);
    assert!(k.finished_at.is_some() && !k.error.is_empty());
    assert_eq!((k.pid, k.monitor_pid), (0, 0));
    let r = store.find_container("recorded").expect("find").state;
    assert_eq!((r.status, r.exit_code), (ContainerStatus::Exited, 3));
    assert!(r.error.is_empty());
    let a = store.find_container("alive").expect("find").state;
    assert_eq!(a.status, ContainerStatus::Running);
    assert!(store.reconcile_stale().expect("again").is_empty());

    // A reused pid (same pid, different start time) is not our monitor.
    mark_running(&store, &alive.id, me, 1);
    assert!(store
        .find_container("alive")
        .expect("find")
        .state
        .is_stale());
}

#[test]
fn concurrent_creates_keep_every_entry() {
    let (_d, store) = temp_store();
    let store = Arc::new(store);
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                (0..10)
                    .map(|i| {
                        let name = (i % 2 == 0).then(|| format!("t{t}-c{i}"));
                        store
                            .create_container(new_ctr(name.as_deref()))
                            .map(|e| e.id)
                    })
                    .collect::<Result<Vec<_>>>()
            })
        })
        .collect();
    let mut ids = HashSet::new();
    for t in threads {
        for id in t.join().expect("thread").expect("creates") {
            assert!(ids.insert(id), "duplicate id");
        }
    }
    let list = store.list_containers().expect("list");
    assert_eq!(list.len(), 160);
    let names: HashSet<&str> = list.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names.len(), 160, "names must be unique");
    assert!(list
        .iter()
        .all(|e| ids.contains(&e.id) && store.container_file(&e.id).is_ok()));
}

#[test]
fn rmi_is_refused_while_a_container_uses_the_image() {
    let (_d, store) = temp_store();
    let img = tiny_image(&store);
    let mut n = new_ctr(Some("user"));
    n.image_id = Some(img.id.clone());
    let c = store.create_container(n).expect("create");
    let layers = store.rootfs_layers(&c).expect("layers");
    assert_eq!(layers, vec![store.layer_diff_path(&img.layers[0].diff_id)]);

    let q = ImageQuery::new("mini:1", Some("docker.io/library/mini:1"));
    let err = store.remove_image_checked(&q, false).expect_err("in use");
    assert!(err.to_string().contains(&c.id[..12]), "{err}");
    assert_eq!(store.prune_images_checked(true).expect("prune"), vec![]);
    assert!(store.find_image(&q).is_ok());

    store.remove_container(&c.id).expect("rm");
    let actions = store.remove_image_checked(&q, false).expect("rmi");
    assert!(actions.contains(&crate::store::images::RemoveAction::Deleted(img.id.clone())));

    // The image is checked again at commit: a vanished image fails the create.
    let mut n = new_ctr(Some("late"));
    n.image_id = Some(img.id.clone());
    assert!(matches!(
        store.create_container(n),
        Err(StoreError::ImageNotFound(_))
    ));
    assert!(store.list_containers().expect("list").is_empty());
}

#[test]
fn create_requires_its_volumes() {
    let (_d, store) = temp_store();
    let mut n = new_ctr(Some("vol-user"));
    n.mounts = vec!["data".into()];
    let r = store.create_container(n.clone());
    assert!(matches!(r, Err(StoreError::VolumeNotFound(_))), "{r:?}");
    store
        .create_volume(Some("data"), BTreeMap::new(), BTreeMap::new())
        .expect("volume");
    assert_eq!(
        store.create_container(n).expect("create").mounts,
        vec!["data"]
    );
}

#[test]
fn system_check_removes_orphan_dirs_but_not_creates_in_progress() {
    let (_d, store) = temp_store();
    let kept = store
        .create_container(new_ctr(Some("kept")))
        .expect("create");
    let orphan = store.container_dir(&"a".repeat(64));
    fs::create_dir_all(orphan.join("upper/etc")).expect("mkdir");
    fs::write(orphan.join("config.json"), "{}").expect("write");
    let busy = store.container_dir(&"b".repeat(64));
    fs::create_dir_all(&busy).expect("mkdir");
    let _held = try_exclusive(&busy.join(CREATING_LOCK))
        .expect("lock")
        .expect("free");

    let report = store.check(false, false).expect("check");
    assert!(!orphan.exists());
    assert!(busy.exists(), "an uncommitted create must survive");
    assert!(store.container_dir(&kept.id).join("config.json").is_file());
    assert!(report.cleaned.iter().any(|c| c.contains(&"a".repeat(64))));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn unescapes_mountinfo_paths() {
    assert_eq!(unescape_mountinfo(r"/a\040b\134c"), r"/a b\c");
    assert_eq!(unescape_mountinfo(r"/plain\9"), r"/plain\9");
    assert!(mount_under(Path::new("/nonexistent-berth-dir")).is_none());
}

/// `ps -a` at scale: run with `--ignored --nocapture` to see the numbers.
#[test]
#[ignore]
fn listing_500_containers_is_fast() {
    let (_d, store) = temp_store();
    for i in 0..500 {
        let mut n = new_ctr(Some(&format!("c{i}")));
        n.mounts = vec![];
        store.create_container(n).expect("create");
    }
    let size = fs::metadata(store.containers_file()).expect("index").len();
    let mut best = std::time::Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let list = store.list_containers().expect("list");
        best = best.min(t.elapsed());
        assert_eq!(list.len(), 500);
    }
    println!("list_containers of 500: best {best:?}; index {size} bytes");
    assert!(best.as_millis() < 300);
}

#[test]
fn update_container_file_rewrites_the_record_and_keeps_it_on_error() {
    let (_d, store) = temp_store();
    let e = store
        .create_container(new_ctr(Some("upd")))
        .expect("create");
    let updated = store
        .update_container_file("upd", |f| {
            f.config["Tty"] = serde_json::json!(true);
            Ok(())
        })
        .expect("update");
    assert_eq!(updated.config["Tty"], serde_json::json!(true));
    assert_eq!(
        store.container_file(&e.id).expect("read").config["Tty"],
        serde_json::json!(true)
    );
    let err = store.update_container_file(&e.id, |f| {
        f.config["Tty"] = serde_json::json!("half");
        Err(StoreError::Invalid("no".into()))
    });
    assert!(err.is_err());
    assert_eq!(
        store.container_file(&e.id).expect("read").config["Tty"],
        serde_json::json!(true),
        "a failed update leaves the file as it was"
    );
    assert!(matches!(
        store.update_container_file("nope", |_| Ok(())),
        Err(StoreError::ContainerNotFound(_))
    ));
}

//! Issue 2: images from a real registry — pull, list, tag, push, remove,
//! save/load, import, inspect, and the store staying whole under bad input
//! and concurrency.

mod support;

use support::images::{self, ImageBuilder, ManifestKind};
use support::layers::{Compression, LayerBuilder};
use support::{berth, registry, unique_repo};

fn check_clean(b: &support::TestBerth) {
    b.cmd(&["system", "check"])
        .success()
        .stdout_contains("consistent");
}

#[test]
fn pull_lists_and_inspects_an_image() {
    let reg = registry();
    let img = images::push_busybox(reg, &unique_repo("busybox"), "latest");
    let b = berth();
    b.cmd(&["pull", &img.reference])
        .success()
        .stdout_contains(&img.manifest_digest);
    let out = b.cmd(&["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"]);
    out.success().stdout_is(&format!(
        "{}/{}:latest {}\n",
        reg.addr(),
        img.repo,
        &img.id()[..12]
    ));
    b.cmd(&["inspect", "-f", "{{.Id}}", &img.reference])
        .success()
        .stdout_is(&format!("{}\n", img.config_digest));
    b.cmd(&[
        "image",
        "inspect",
        "-f",
        "{{index .RepoDigests 0}}",
        &img.reference,
    ])
    .success()
    .stdout_is(&format!("{}\n", img.by_digest()));
    // The default table has docker's columns.
    let table = b.cmd(&["images"]);
    table.success();
    let header = table.stdout_lines()[0]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(header, "REPOSITORY TAG IMAGE ID CREATED SIZE");
    check_clean(&b);
}

#[test]
fn a_second_pull_is_up_to_date_and_by_digest_works() {
    let reg = registry();
    let img = images::push_busybox_kind(reg, &unique_repo("bb"), "v1", ManifestKind::Docker);
    let b = berth();
    b.cmd(&["pull", &img.reference]).success();
    b.cmd(&["pull", &img.reference])
        .success()
        .stdout_contains("Image is up to date");
    b.cmd(&["pull", "-q", &img.by_digest()])
        .success()
        .stdout_is(&format!("{}\n", img.by_digest()));
    b.cmd(&["images", "-q"])
        .success()
        .stdout_is(&format!("{}\n", &img.id()[..12]));
    check_clean(&b);
}

#[test]
fn multilayer_pull_converts_whiteouts_and_keeps_links() {
    use std::os::unix::fs::FileTypeExt;
    let reg = registry();
    let img = images::push_multilayer(reg, &unique_repo("multi"), "latest");
    let b = berth();
    b.cmd(&["pull", "-q", &img.reference]).success();
    let top = img
        .diff_ids
        .last()
        .expect("layers")
        .trim_start_matches("sha256:")
        .to_string();
    let diff = b.root().join("layers").join(&top).join("diff");
    let gone = std::fs::symlink_metadata(diff.join("data/gone.txt")).expect("whiteout exists");
    assert!(
        gone.file_type().is_char_device(),
        "whiteout is a 0:0 char device"
    );
    let mid = img.diff_ids[1].trim_start_matches("sha256:").to_string();
    let mid_diff = b.root().join("layers").join(&mid).join("diff");
    use std::os::unix::fs::MetadataExt;
    let a = std::fs::metadata(mid_diff.join("data/hello.txt")).expect("file");
    assert!(a.nlink() >= 2, "hard link kept");
    assert!(std::fs::symlink_metadata(mid_diff.join("data"))
        .map(|m| m.is_dir())
        .unwrap_or(false));
    b.cmd(&["history", &img.reference])
        .success()
        .stdout_contains("IMAGE");
    check_clean(&b);
}

#[test]
fn zstd_layers_are_pulled() {
    let reg = registry();
    let img = images::push_zstd(reg, &unique_repo("zstd"), "latest");
    let b = berth();
    b.cmd(&["pull", "-q", &img.reference]).success();
    b.cmd(&["inspect", "-f", "{{.Id}}", &img.reference])
        .success()
        .stdout_is(&format!("{}\n", img.config_digest));
}

#[test]
fn index_pull_selects_the_platform() {
    let reg = registry();
    let idx = images::push_index(reg, &unique_repo("multiarch"), "latest", ManifestKind::Oci);
    let b = berth();
    b.cmd(&["pull", "-q", &idx.reference]).success();
    b.cmd(&["inspect", "-f", "{{.Id}}", &idx.reference])
        .success()
        .stdout_is(&format!("{}\n", idx.platform("linux/amd64").config_digest));
    b.cmd(&["pull", "-q", "--platform", "linux/arm/v7", &idx.reference])
        .success();
    b.cmd(&["inspect", "-f", "{{.Architecture}}/{{.Id}}", &idx.reference])
        .success()
        .stdout_is(&format!(
            "arm/{}\n",
            idx.platform("linux/arm/v7").config_digest
        ));
    b.cmd(&["manifest", "inspect", &idx.reference])
        .success()
        .stdout_contains("\"manifests\"");
}

#[test]
fn tag_push_rmi_and_pull_back() {
    let reg = registry();
    let img = images::push_busybox(reg, &unique_repo("src"), "latest");
    let b = berth();
    b.cmd(&["pull", "-q", &img.reference]).success();
    let copy = format!("{}/{}:copy", reg.addr(), img.repo);
    b.cmd(&["tag", &img.reference, &copy]).success();
    b.cmd(&["push", &copy])
        .success()
        .stdout_contains("copy: digest: sha256:");
    assert_eq!(reg.manifest(&img.repo, "copy").status, 200);
    let other = format!("{}/{}:x", reg.addr(), unique_repo("dest"));
    b.cmd(&["tag", &img.reference, &other]).success();
    b.cmd(&["push", "-q", &other]).success();
    // Untag first: the image has other names, so only the name goes.
    b.cmd(&["rmi", &copy])
        .success()
        .stdout_contains("Untagged:");
    b.cmd(&["rmi", &other])
        .success()
        .stdout_is(&format!("Untagged: {other}\n"));
    b.cmd(&["rmi", &img.reference])
        .success()
        .stdout_contains(&format!("Deleted: {}", img.config_digest));
    b.cmd(&["images", "-q"]).success().stdout_is("");
    check_clean(&b);
    assert_eq!(
        std::fs::read_dir(b.root().join("layers"))
            .map(|d| d
                .filter(|e| e.as_ref().map(|e| e.path().is_dir()).unwrap_or(false))
                .count())
            .unwrap_or(0),
        0,
        "no layers left"
    );
    b.cmd(&["pull", "-q", &copy]).success();
    b.cmd(&["inspect", "-f", "{{.Id}}", &copy])
        .success()
        .stdout_is(&format!("{}\n", img.config_digest));
}

#[test]
fn save_and_load_round_trip_both_formats() {
    let reg = registry();
    let img = images::push_multilayer(reg, &unique_repo("saved"), "latest");
    let b = berth();
    b.cmd(&["pull", "-q", &img.reference]).success();
    for format in ["docker-archive", "oci-archive"] {
        // Raw bytes from stdout: the archive is binary.
        let saved = b
            .command(&["save", "--format", format, &img.reference])
            .output()
            .expect("run save");
        assert!(
            saved.status.success(),
            "save failed: {}",
            String::from_utf8_lossy(&saved.stderr)
        );
        let other = berth();
        other
            .cmd_stdin(&["load"], &saved.stdout)
            .success()
            .stdout_contains("Loaded image");
        other
            .cmd(&["inspect", "-f", "{{.Id}}", &img.reference])
            .success()
            .stdout_is(&format!("{}\n", img.config_digest));
        check_clean(&other);
    }
    let file = b.scratch("saved").join("out.tar");
    b.cmd(&[
        "save",
        "-o",
        file.to_str().unwrap_or_default(),
        &img.reference,
    ])
    .success();
    let c = berth();
    c.cmd(&["load", "-i", file.to_str().unwrap_or_default()])
        .success();
    c.cmd(&["images", "-q"])
        .success()
        .stdout_is(&format!("{}\n", &img.id()[..12]));
}

#[test]
fn import_creates_an_image_with_changes() {
    let b = berth();
    let tar = LayerBuilder::new().file("hello.txt", "hi\n", 0o644).tar();
    let out = b.cmd_stdin(
        &[
            "import",
            "-c",
            "CMD [\"cat\", \"/hello.txt\"]",
            "-c",
            "ENV A=b",
            "-",
            "imported:v1",
        ],
        &tar,
    );
    out.success().stdout_contains("sha256:");
    b.cmd(&[
        "inspect",
        "-f",
        "{{json .Config.Cmd}} {{index .Config.Env 0}}",
        "imported:v1",
    ])
    .success()
    .stdout_is("[\"cat\",\"/hello.txt\"] A=b\n");
    b.cmd(&["images", "--format", "{{.Repository}}:{{.Tag}}"])
        .success()
        .stdout_is("imported:v1\n");
    check_clean(&b);
}

#[test]
fn remote_inspect_reads_without_pulling() {
    let reg = registry();
    let img = images::push_busybox(reg, &unique_repo("remote"), "latest");
    let b = berth();
    b.cmd(&["manifest", "inspect", &img.reference])
        .success()
        .stdout_contains(&img.config_digest);
    b.cmd(&[
        "image",
        "inspect",
        "--remote",
        "-f",
        "{{.Architecture}}",
        &img.reference,
    ])
    .success()
    .stdout_is("amd64\n");
    b.cmd(&["images", "-q"]).success().stdout_is("");
}

#[test]
fn bad_references_and_unknown_images_fail_cleanly() {
    let b = berth();
    b.cmd(&["pull", "Not/Valid"])
        .code(1)
        .stderr_contains("Error:")
        .stderr_contains("lowercase");
    b.cmd(&["pull", "a b"])
        .code(1)
        .stderr_contains("invalid reference format");
    b.cmd(&["rmi", "nosuchimage"])
        .code(1)
        .stderr_contains("No such image: nosuchimage");
    b.cmd(&["inspect", "nosuchimage"])
        .code(1)
        .stderr_contains("No such object: nosuchimage");
    b.cmd(&["tag", "nosuchimage", "x:y"])
        .code(1)
        .stderr_contains("No such image");
    b.cmd(&["images", "--bogus"]).code(125);
    let reg = registry();
    let missing = format!("{}/{}:nope", reg.addr(), unique_repo("absent"));
    b.cmd(&["pull", &missing])
        .code(1)
        .stderr_contains("not found");
    assert!(
        b.cmd(&["pull", &missing]).stdout.is_empty(),
        "nothing on stdout on error"
    );
}

#[test]
fn registry_down_is_a_clear_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let b = berth();
    b.cmd(&["pull", &format!("127.0.0.1:{port}/busybox")])
        .code(1)
        .stderr_contains("Error:")
        .stderr_contains(&format!("127.0.0.1:{port}"));
    check_clean(&b);
}

#[test]
fn auth_registry_needs_login() {
    let reg = support::auth_registry();
    let img = images::push_busybox(reg, &unique_repo("private"), "latest");
    let b = berth();
    b.cmd(&["pull", &img.reference])
        .code(1)
        .stderr_contains("unauthorized");
    b.cmd_stdin(
        &["login", "-u", "testuser", "--password-stdin", &reg.addr()],
        b"wrong\n",
    )
    .code(1);
    b.cmd_stdin(
        &["login", "-u", "testuser", "--password-stdin", &reg.addr()],
        b"testpass\n",
    )
    .success()
    .stdout_contains("Login Succeeded");
    b.cmd(&["pull", "-q", &img.reference]).success();
    b.cmd(&["logout", &reg.addr()]).success();
    b.cmd(&["rmi", &img.reference]).success();
    b.cmd(&["pull", &img.reference]).code(1);
}

#[test]
fn corrupt_layer_is_rejected_and_nothing_is_stored() {
    let reg = registry();
    let bad = images::push_corrupt(reg, &unique_repo("corrupt"), "latest");
    let b = berth();
    b.cmd(&["pull", &bad.image.reference])
        .code(1)
        .stderr_contains("Error:");
    b.cmd(&["images", "-q"]).success().stdout_is("");
    check_clean(&b);
}

fn raw_tar_with_name(name: &str, body: &[u8]) -> Vec<u8> {
    // tar::Builder refuses `..`; write the header bytes by hand.
    let mut header = tar::Header::new_old();
    {
        let old = header.as_old_mut();
        old.name[..name.len()].copy_from_slice(name.as_bytes());
    }
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let mut out = header.as_bytes().to_vec();
    out.extend_from_slice(body);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out.extend_from_slice(&[0u8; 1024]);
    out
}

#[test]
fn layer_entries_escaping_the_root_are_refused() {
    let reg = registry();
    let escape = raw_tar_with_name("../../../../tmp/berth-escape-test", b"owned\n");
    let img = ImageBuilder::empty()
        .raw_layer(&escape, Compression::Gzip, "evil")
        .push(reg, &unique_repo("evil"), "latest");
    let b = berth();
    b.cmd(&["pull", &img.reference])
        .code(1)
        .stderr_contains("Error:");
    assert!(!std::path::Path::new("/tmp/berth-escape-test").exists());
    b.cmd(&["images", "-q"]).success().stdout_is("");
    check_clean(&b);
    let link_then_write = LayerBuilder::new().symlink("evil", "/tmp").file(
        "evil/berth-escape-test2",
        "owned\n",
        0o644,
    );
    let img2 = ImageBuilder::empty().layer(&link_then_write, "evil2").push(
        reg,
        &unique_repo("evil"),
        "latest",
    );
    b.cmd(&["pull", &img2.reference])
        .code(1)
        .stderr_contains("Error:");
    assert!(!std::path::Path::new("/tmp/berth-escape-test2").exists());
    check_clean(&b);
}

#[test]
fn killed_pull_leaves_a_whole_store() {
    let reg = registry();
    let img = images::push_multilayer(reg, &unique_repo("killed"), "latest");
    let b = berth();
    for delay_ms in [5u64, 20, 60] {
        let mut child = b
            .command(&["pull", "-q", &img.reference])
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Every listed image is whole, whatever point the kill hit.
        check_clean(&b);
        b.cmd(&["rmi", "-f", &img.reference]);
    }
    b.cmd(&["pull", "-q", &img.reference]).success();
    check_clean(&b);
}

#[test]
fn sixteen_concurrent_pulls_and_removals_keep_the_store_consistent() {
    let reg = registry();
    let a = images::push_busybox(reg, &unique_repo("conc-a"), "latest");
    let m = images::push_multilayer(reg, &unique_repo("conc-m"), "latest");
    let b = berth();
    let mut children = Vec::new();
    for i in 0..16 {
        let r = if i % 2 == 0 {
            &a.reference
        } else {
            &m.reference
        };
        let args: Vec<&str> = if i % 4 == 3 {
            vec!["rmi", "-f", r]
        } else {
            vec!["pull", "-q", r]
        };
        children.push(
            b.command(&args)
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("spawn"),
        );
    }
    for mut c in children {
        let _ = c.wait();
    }
    check_clean(&b);
    // Whatever survived is usable, and a final pull of each succeeds.
    b.cmd(&["pull", "-q", &a.reference]).success();
    b.cmd(&["pull", "-q", &m.reference]).success();
    check_clean(&b);
}

#[test]
fn a_full_disk_fails_the_pull_cleanly() {
    let reg = registry();
    let img = images::push_busybox(reg, &unique_repo("full"), "latest");
    let b = berth();
    // A store on a tmpfs too small for the layer (the harness unmounts it on drop).
    std::fs::create_dir_all(b.root()).expect("root dir");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=900k", "tmpfs"])
        .arg(b.root())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !mounted {
        eprintln!("skipping: cannot mount a tmpfs here (needs root)");
        return;
    }
    let out = b.cmd(&["pull", &img.reference]);
    out.code(1)
        .stderr_contains("Error:")
        .stderr_contains("space");
    b.cmd(&["images", "-q"]).success().stdout_is("");
    check_clean(&b);
}

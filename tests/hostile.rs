//! Hostile input through the real binary: archives, layers, manifests,
//! references, Dockerfiles and `cp` paths that strangers wrote to escape
//! the store, lie about their content or crash the parser. Each must give a
//! clear `Error: …`, docker's exit code, no panic, nothing written outside
//! the store (a canary directory next to it stays empty), and a store that
//! `system check` finds clean. BERTH_LONG=1 adds a seeded mutation loop.

mod support;

use std::io::Write;
use std::path::Path;

use serde_json::json;
use sha2::{Digest, Sha256};
use support::{berth, with_busybox, Output, TestBerth};

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// One tar member, written raw so names and types can be anything.
enum Member<'a> {
    File(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
    /// A ustar member of any type flag, with data.
    Special(u8, &'a str, &'a [u8]),
}

fn tar_of(members: &[Member<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in members {
        let mut h = tar::Header::new_old();
        let (name, data): (&str, &[u8]) = match m {
            Member::File(n, d) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_mode(0o644);
                (n, d)
            }
            Member::Dir(n) => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
                (n, &[])
            }
            Member::Symlink(n, t) => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_mode(0o777);
                set_raw(&mut h.as_old_mut().linkname, t);
                (n, &[])
            }
            Member::Hardlink(n, t) => {
                h.set_entry_type(tar::EntryType::Link);
                h.set_mode(0o644);
                set_raw(&mut h.as_old_mut().linkname, t);
                (n, &[])
            }
            Member::Special(typ, n, d) => {
                h.set_entry_type(tar::EntryType::new(*typ));
                h.set_mode(0o644);
                // Extension headers count only in ustar/GNU archives.
                h.as_mut_bytes()[257..265].copy_from_slice(b"ustar\x0000");
                (n, d)
            }
        };
        // Raw bytes: the tar crate's setters refuse `..` and absolute names.
        set_raw(&mut h.as_old_mut().name, name);
        h.set_size(data.len() as u64);
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

fn set_raw(field: &mut [u8], value: &str) {
    field.fill(0);
    let n = value.len().min(field.len());
    field[..n].copy_from_slice(&value.as_bytes()[..n]);
}

/// A `docker save` archive of one image whose single layer is `layer`;
/// `lie` rewrites the manifest or config to lie about it.
fn docker_archive(layer: &[u8], tag: &str, lie: Lie) -> Vec<u8> {
    let mut diff_id = format!("sha256:{}", sha(layer));
    if matches!(lie, Lie::DiffId) {
        diff_id = format!("sha256:{}", sha(b"something else"));
    }
    let config = json!({
        "architecture": std::env::consts::ARCH.replace("x86_64", "amd64").replace("aarch64", "arm64"),
        "os": "linux",
        "config": {"Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    });
    let config = serde_json::to_vec(&config).unwrap_or_default();
    let config_name = format!("{}.json", sha(&config));
    let layer_name = match lie {
        Lie::LayerPath => "../../outside/layer.tar".to_string(),
        _ => format!("{}/layer.tar", sha(layer)),
    };
    let manifest = match lie {
        Lie::BrokenJson => b"[{\"Config\": \"x\", \"Layers\": [".to_vec(),
        Lie::MissingLayer => serde_json::to_vec(&json!([{
            "Config": config_name, "RepoTags": [tag], "Layers": ["nope/layer.tar"]
        }]))
        .unwrap_or_default(),
        _ => serde_json::to_vec(&json!([{
            "Config": config_name, "RepoTags": [tag], "Layers": [layer_name]
        }]))
        .unwrap_or_default(),
    };
    let mut members = vec![
        Member::File(&config_name, &config),
        Member::File("manifest.json", &manifest),
    ];
    let entry_name = match lie {
        Lie::LayerPath => "../../outside/layer.tar".to_string(),
        _ => format!("{}/layer.tar", sha(layer)),
    };
    if !matches!(lie, Lie::LayerPath) {
        members.push(Member::Dir(entry_name.split('/').next().unwrap_or("x")));
    }
    members.push(Member::File(&entry_name, layer));
    tar_of(&members)
}

#[derive(Clone, Copy)]
enum Lie {
    None,
    DiffId,
    BrokenJson,
    MissingLayer,
    LayerPath,
}

/// The checks every hostile case ends with.
fn refused(out: &Output, code: i32, words: &str) {
    out.code(code)
        .stderr_contains("Error: ")
        .stderr_contains(words);
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("RUST_BACKTRACE"),
        "berth panicked: {}",
        out.stderr
    );
}

fn store_is_clean(b: &TestBerth, canary: &Path) {
    b.cmd(&["system", "check"]).success();
    let leaked: Vec<_> = std::fs::read_dir(canary)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(leaked.is_empty(), "written outside the store: {leaked:?}");
}

/// A fresh store and an empty canary directory beside it, which attacks aim at.
fn target() -> (TestBerth, std::path::PathBuf) {
    let b = berth();
    let canary = b.scratch("outside");
    (b, canary)
}

#[test]
fn hostile_layers_in_a_loaded_archive_are_refused() {
    let (b, canary) = target();
    let outside = canary.display().to_string();
    let evil_file = format!("{outside}/pwned");
    let cases: Vec<(&str, Vec<Member<'_>>, &str)> = vec![
        (
            "dotdot",
            vec![Member::File("../../../../pwned", b"x")],
            "outside",
        ),
        (
            "symlink then write",
            vec![
                Member::Symlink("escape", &outside),
                Member::File("escape/pwned", b"x"),
            ],
            "",
        ),
        (
            "relative symlink then write",
            vec![
                Member::Symlink("up", "../../../../../../../../.."),
                Member::File("up/pwned", b"x"),
            ],
            "",
        ),
        (
            "hardlink out of the root",
            vec![Member::Hardlink("passwd", "/etc/passwd")],
            "",
        ),
        (
            "hardlink through dotdot",
            vec![Member::Hardlink("passwd", "../../../../etc/passwd")],
            "",
        ),
        (
            "directory replaced by a symlink",
            vec![
                Member::Dir("d"),
                Member::Symlink("d", &outside),
                Member::File("d/pwned", b"x"),
            ],
            "",
        ),
        (
            "absolute name to the canary",
            vec![Member::File(&evil_file, b"x")],
            "",
        ),
    ];
    for (what, members, _) in &cases {
        let layer = tar_of(members);
        let archive = docker_archive(&layer, "hostile/layer:1", Lie::None);
        let out = b.cmd_stdin(&["load"], &archive);
        // An absolute name is made relative (docker does the same): it
        // lands inside the layer, which is fine. Everything else is refused.
        if *what == "absolute name to the canary" {
            out.success();
        } else {
            refused(&out, 1, "");
        }
        store_is_clean(&b, &canary);
    }
    assert!(!Path::new("/pwned").exists());
}

#[test]
fn lying_and_broken_archives_are_refused() {
    let (b, canary) = target();
    let layer = tar_of(&[Member::File("hello", b"hi\n")]);
    for (lie, words) in [
        (Lie::DiffId, "digest"),
        (Lie::BrokenJson, "manifest.json"),
        (Lie::MissingLayer, "nope/layer.tar"),
        (Lie::LayerPath, ""),
    ] {
        let archive = docker_archive(&layer, "hostile/lie:1", lie);
        let out = b.cmd_stdin(&["load"], &archive);
        refused(&out, 1, words);
        b.cmd(&["images", "-q", "hostile/lie"])
            .success()
            .stdout_is("");
        store_is_clean(&b, &canary);
    }
    // Garbage, a truncated archive and an empty stream.
    let good = docker_archive(&layer, "hostile/lie:1", Lie::None);
    for input in [
        b"this is not a tar".to_vec(),
        good[..good.len() / 2].to_vec(),
        Vec::new(),
        vec![0xff; 4096],
    ] {
        let out = b.cmd_stdin(&["load"], &input);
        refused(&out, 1, "");
        store_is_clean(&b, &canary);
    }
    // The honest archive still loads afterwards.
    b.cmd_stdin(&["load"], &good).success();
    b.cmd(&["system", "check"]).success();
}

#[test]
fn a_decompression_bomb_stops_at_the_layer_limit() {
    let (mut b, canary) = target();
    b.env("BERTH_MAX_LAYER_SIZE", Some("1m"));
    // 16 MiB of zeros compress to a few KiB.
    let big = vec![0u8; 16 << 20];
    let layer = tar_of(&[Member::File("zeros", &big)]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&layer).unwrap_or_else(|e| panic!("gzip: {e}"));
    let gz = gz.finish().unwrap_or_else(|e| panic!("gzip: {e}"));
    assert!(gz.len() < 100_000);
    let out = b.cmd_stdin(&["import", "-", "hostile/bomb:1"], &gz);
    refused(&out, 1, "decompression bomb");
    let archive = docker_archive(&layer, "hostile/bomb:2", Lie::None);
    refused(&b.cmd_stdin(&["load"], &archive), 1, "decompression bomb");
    store_is_clean(&b, &canary);
    b.env("BERTH_MAX_LAYER_SIZE", Some("lots"));
    refused(&b.cmd(&["images"]), 1, "BERTH_MAX_LAYER_SIZE");
    b.env("BERTH_MAX_LAYER_SIZE", None);
    b.cmd_stdin(&["load"], &archive).success();
}

#[test]
fn invalid_references_get_dockers_errors_and_codes() {
    let b = berth();
    for r in [
        "repo/UPPER",
        "",
        ":tag",
        "repo:",
        "repo@sha256:123",
        "repo@md5:d41d8cd98f00b204e9800998ecf8427e",
        "a//b",
        "repo:bad tag",
        "re po",
        &"x".repeat(300),
    ] {
        refused(&b.cmd(&["pull", r]), 1, "");
        refused(&b.cmd(&["run", "--rm", r]), 125, "");
        refused(&b.cmd(&["tag", "busybox", r]), 1, "");
        refused(&b.cmd(&["push", r]), 1, "");
    }
    refused(
        &b.cmd(&["pull", "repo/UPPER"]),
        1,
        "invalid reference format",
    );
    b.cmd(&["system", "check"]).success();
}

#[test]
fn dockerfile_syntax_errors_name_their_line() {
    let b = berth();
    let cases = [
        ("FROM scratch\nFROBNICATE x\n", "2"),
        ("RUN echo before from\n", "1"),
        ("FROM\n", "1"),
        ("FROM scratch\nCOPY onlyone\n", "2"),
        ("FROM scratch\nRUN --bogus=1 true\n", "2"),
        ("FROM scratch\nRUN <<EOF\nnever ends\n", "2"),
        ("# escape=x\nFROM scratch\n", ""),
        ("FROM scratch\nENV\n", "2"),
        (
            "FROM scratch\nARG need\nRUN echo ${need:?must be set}\n",
            "",
        ),
        ("FROM scratch\nCOPY --from=nowhere /a /b\n", "nowhere"),
        ("FROM scratch\nHEALTHCHECK --interval=bogus CMD true\n", "2"),
        ("FROM scratch AS\n", "1"),
    ];
    for (i, (text, words)) in cases.iter().enumerate() {
        let ctx = b.scratch(&format!("df{i}"));
        std::fs::write(ctx.join("Dockerfile"), text).unwrap_or_else(|e| panic!("write: {e}"));
        let out = b.cmd(&["build", "-q", &ctx.display().to_string()]);
        refused(&out, 1, words);
        assert!(
            out.stderr.contains("Dockerfile") || out.stderr.contains("line"),
            "{text:?}: no line in {}",
            out.stderr
        );
    }
    b.cmd(&["images", "-aq"]).success().stdout_is("");
    b.cmd(&["system", "check"]).success();
}

#[test]
fn cp_stays_inside_the_container_through_planted_symlinks() {
    let (b, img) = with_busybox();
    let canary = b.scratch("outside");
    std::fs::write(canary.join("secret"), "host secret\n").unwrap_or_else(|e| panic!("{e}"));
    let outside = canary.display().to_string();
    let plant = format!(
        "ln -s {outside} /abs && ln -s ../../../../../../.. /rel && ln -s / /root-link && \
         mkdir -p {outside} && echo container > {outside}/secret"
    );
    b.cmd(&["run", "--name", "planter", &img, "sh", "-c", &plant])
        .success();
    let dest = b.scratch("dest");
    // Reading through a symlink resolves it inside the container's root.
    b.cmd(&["cp", "planter:/abs/secret", &dest.display().to_string()])
        .success();
    assert_eq!(
        std::fs::read_to_string(dest.join("secret")).unwrap_or_default(),
        "container\n",
        "cp read the host's file through a planted symlink"
    );
    // Writing through symlinks lands in the container, never on the host.
    let src = b.scratch("src").join("dropped");
    std::fs::write(&src, "dropped\n").unwrap_or_else(|e| panic!("{e}"));
    for target in [
        "planter:/abs/",
        "planter:/rel/tmp/",
        "planter:/root-link/tmp/",
    ] {
        b.cmd(&["cp", &src.display().to_string(), target]).success();
    }
    assert!(!canary.join("dropped").exists(), "cp wrote to the host");
    assert!(
        !Path::new("/tmp/dropped").exists(),
        "cp wrote to the host's /tmp"
    );
    // A hostile tar on stdin cannot climb out either.
    let tar = tar_of(&[
        Member::Symlink("s", &outside),
        Member::File("s/evil", b"x"),
        Member::File("../../../../evil", b"x"),
    ]);
    let out = b.cmd_stdin(&["cp", "-", "planter:/tmp"], &tar);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(!canary.join("evil").exists(), "cp - wrote to the host");
    b.cmd(&["rm", "-f", "planter"]).success();
    b.cmd(&["system", "check"]).success();
}

/// BERTH_LONG=1: seeded byte flips, truncations and duplications of a
/// valid archive through `load`; never a panic, always a clean store.
#[test]
fn mutated_archives_never_panic_or_corrupt_the_store() {
    let long = std::env::var("BERTH_LONG").is_ok_and(|v| v == "1");
    let rounds = if long { 300 } else { 25 };
    let (b, canary) = target();
    let layer = tar_of(&[
        Member::Dir("etc"),
        Member::File("etc/hello", b"hello\n"),
        Member::Symlink("link", "etc/hello"),
    ]);
    let good = docker_archive(&layer, "hostile/mut:1", Lie::None);
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..rounds {
        let mut input = good.clone();
        match next() % 3 {
            0 => {
                for _ in 0..(1 + next() % 8) {
                    let i = (next() as usize) % input.len();
                    input[i] ^= 1 << (next() % 8);
                }
            }
            1 => input.truncate((next() as usize) % input.len()),
            _ => {
                let start = (next() as usize) % input.len();
                let end = (start + 512).min(input.len());
                let chunk = input[start..end].to_vec();
                input.splice(start..start, chunk);
            }
        }
        let out = b.cmd_stdin(&["load"], &input);
        assert!(
            !out.stderr.contains("panicked") && matches!(out.exit_code(), Some(0) | Some(1)),
            "round {round}: exit {:?}, {}",
            out.exit_code(),
            out.stderr
        );
        let check = b.cmd(&["system", "check"]);
        assert!(
            check.exit_code() == Some(0),
            "round {round}: load exited {:?} ({}{}) and left: {}",
            out.exit_code(),
            out.stdout,
            out.stderr,
            check.stdout
        );
    }
    store_is_clean(&b, &canary);
}

/// A manifest or config in the registry that lies, pushed as is: the
/// registry checks only that the blobs exist (it refuses a digest that is
/// not one, so that lie cannot be served).
fn push_lying(
    reg: &support::Registry,
    repo: &str,
    edit_manifest: &dyn Fn(&mut serde_json::Value),
    config: Option<Vec<u8>>,
) -> String {
    use support::images::{push_blob, push_manifest, ImageBuilder};
    let built = ImageBuilder::busybox().build();
    let config = config.unwrap_or_else(|| built.config.clone());
    let config_digest = format!("sha256:{}", sha(&config));
    push_blob(reg, repo, &config_digest, &config);
    for l in &built.layers {
        push_blob(reg, repo, &l.digest, &l.bytes);
    }
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&built.manifest).unwrap_or_else(|e| panic!("manifest: {e}"));
    manifest["config"]["digest"] = json!(config_digest);
    manifest["config"]["size"] = json!(config.len());
    edit_manifest(&mut manifest);
    let body = serde_json::to_vec(&manifest).unwrap_or_default();
    let digest = format!("sha256:{}", sha(&body));
    push_manifest(
        reg,
        repo,
        "latest",
        built.manifest_media_type,
        &body,
        &digest,
    );
    reg.image(repo, "latest")
}

#[test]
fn registry_manifests_and_configs_that_lie_are_refused() {
    let reg = support::registry();
    let (b, canary) = target();
    let good: serde_json::Value =
        serde_json::from_slice(&support::images::ImageBuilder::busybox().build().config)
            .unwrap_or_default();
    let with_diff_ids = |ids: serde_json::Value| {
        let mut c = good.clone();
        c["rootfs"]["diff_ids"] = ids;
        serde_json::to_vec(&c).unwrap_or_default()
    };
    let real_diff_id = good["rootfs"]["diff_ids"][0].clone();
    type EditManifest = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, EditManifest, Option<Vec<u8>>)> = vec![
        (
            "layer smaller than it says",
            Box::new(|m| {
                let n = m["layers"][0]["size"].as_u64().unwrap_or(0);
                m["layers"][0]["size"] = json!(n + 4096);
            }),
            None,
        ),
        (
            "layer larger than it says",
            Box::new(|m| {
                let n = m["layers"][0]["size"].as_u64().unwrap_or(0);
                m["layers"][0]["size"] = json!(n / 2);
            }),
            None,
        ),
        (
            "config larger than it says",
            Box::new(|m| m["config"]["size"] = json!(10)),
            None,
        ),
        (
            "diff_id that does not match the layer",
            Box::new(|_| {}),
            Some(with_diff_ids(json!([format!("sha256:{}", "0".repeat(64))]))),
        ),
        (
            "more diff_ids than layers",
            Box::new(|_| {}),
            Some(with_diff_ids(json!([real_diff_id, real_diff_id]))),
        ),
        (
            "config that is not JSON",
            Box::new(|_| {}),
            Some(b"{\"rootfs\": [".to_vec()),
        ),
    ];
    for (i, (what, edit, config)) in cases.iter().enumerate() {
        let repo = support::unique_repo(&format!("lie{i}"));
        let reference = push_lying(reg, &repo, edit.as_ref(), config.clone());
        let out = b.cmd(&["pull", "-q", &reference]);
        assert_eq!(out.exit_code(), Some(1), "{what}: {out:?}");
        assert!(out.stderr.starts_with("Error: "), "{what}: {out:?}");
        assert!(!out.stderr.contains("panicked"), "{what}: {out:?}");
        b.cmd(&["images", "-q"]).success().stdout_is("");
        store_is_clean(&b, &canary);
    }
}

#[test]
fn huge_tar_headers_are_refused_without_buffering_them() {
    let (b, canary) = target();
    // Four times the 4 MiB a member's headers may take; a 20 GiB one (a
    // gzip of 20 MB) once took 20 GiB of memory.
    let huge = vec![b'7'; 16 << 20];
    for typ in [b'x', b'L', b'K'] {
        let layer = tar_of(&[
            Member::Special(typ, "././@LongLink", &huge),
            Member::File("f", b"x"),
        ]);
        let archive = docker_archive(&layer, "hostile/header:1", Lie::None);
        let out = b.cmd_stdin(&["load"], &archive);
        refused(&out, 1, "tar headers larger than 4194304 bytes");
        store_is_clean(&b, &canary);
    }
    // The archive's own members too.
    let outer = tar_of(&[
        Member::Special(b'x', "PaxHeaders/manifest.json", &huge),
        Member::File("manifest.json", b"[]"),
    ]);
    let out = b.cmd_stdin(&["load"], &outer);
    refused(&out, 1, "tar headers exceed 4194304 bytes");
    store_is_clean(&b, &canary);
}

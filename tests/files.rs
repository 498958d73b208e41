//! cp, diff, commit and export, driven through the real binary against
//! busybox containers, stopped and running.

mod support;

use support::with_busybox;

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use support::TestBerth;

/// A store holding a busybox image; returns the store and the image name.
/// Runs berth and returns its raw stdout (tar streams are not text).
fn raw_stdout(b: &TestBerth, args: &[&str], input: Option<&[u8]>) -> Vec<u8> {
    use std::io::Write;
    use std::process::Stdio;
    let mut c = b.command(args);
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    c.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = c.spawn().expect("spawn berth");
    if let (Some(data), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(data).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait for berth");
    assert!(
        out.status.success(),
        "berth {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Member name → contents (empty for non-files), from a tar.
fn tar_members(tar: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut a = tar::Archive::new(tar);
    for e in a.entries().expect("a tar") {
        let mut e = e.expect("a tar member");
        let name = String::from_utf8_lossy(&e.path_bytes())
            .trim_end_matches('/')
            .to_string();
        let mut body = Vec::new();
        e.read_to_end(&mut body).expect("member body");
        out.insert(name, body);
    }
    out
}

fn write_file(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn cp_into_and_out_of_a_stopped_container() {
    let (b, img) = with_busybox();
    let host = b.scratch("host");
    write_file(&host.join("hello.txt"), "hello\n", 0o640);
    std::fs::create_dir_all(host.join("tree/sub")).unwrap();
    write_file(&host.join("tree/sub/f"), "deep\n", 0o600);
    b.cmd(&[
        "create",
        "--name",
        "cc",
        &img,
        "sh",
        "-c",
        "cat /tmp/hello.txt /data/sub/f /etc/renamed; stat -c '%u %a' /tmp/hello.txt",
    ])
    .success();
    let h = host.join("hello.txt");
    b.cmd(&["cp", h.to_str().unwrap(), "cc:/tmp/"]).success();
    // A missing destination is created under that name; a dir copies whole.
    b.cmd(&["cp", h.to_str().unwrap(), "cc:/etc/renamed"])
        .success();
    b.cmd(&["cp", host.join("tree").to_str().unwrap(), "cc:/data"])
        .success();
    // Not started yet: the files are in the upper layer, owned by root.
    b.cmd(&["start", "-a", "cc"])
        .success()
        .stdout_is("hello\ndeep\nhello\n0 640\n");

    let out = b.scratch("out");
    b.cmd(&["cp", "cc:/tmp/hello.txt", out.to_str().unwrap()])
        .success();
    assert_eq!(
        std::fs::read_to_string(out.join("hello.txt")).unwrap(),
        "hello\n"
    );
    // `/.` copies a directory's contents into an existing directory.
    b.cmd(&["cp", "cc:/data/.", out.to_str().unwrap()])
        .success();
    assert_eq!(
        std::fs::read_to_string(out.join("sub/f")).unwrap(),
        "deep\n"
    );
    assert_eq!(
        std::fs::metadata(out.join("sub/f")).unwrap().mode() & 0o777,
        0o600
    );
    // Image files (lower layers) are readable too.
    b.cmd(&["cp", "cc:/etc/passwd", out.join("pw").to_str().unwrap()])
        .success();
    assert!(std::fs::read_to_string(out.join("pw"))
        .unwrap()
        .contains("root:"));
    b.cmd(&["cp", "cc:/nope", out.to_str().unwrap()])
        .failure()
        .stderr_contains("Could not find the file /nope");
    b.cmd(&["cp", h.to_str().unwrap(), "cc:/no/such/dir/"])
        .failure();
}

#[test]
fn cp_with_a_running_container_and_tar_streams() {
    let (b, img) = with_busybox();
    b.cmd(&["run", "-d", "--name", "rr", &img, "sleep", "1000"])
        .success();
    let host = b.scratch("host");
    write_file(&host.join("in.txt"), "into running\n", 0o644);
    b.cmd(&["cp", host.join("in.txt").to_str().unwrap(), "rr:/tmp/x"])
        .success();
    b.cmd(&["exec", "rr", "cat", "/tmp/x"])
        .success()
        .stdout_is("into running\n");
    b.cmd(&[
        "exec",
        "rr",
        "sh",
        "-c",
        "mkdir /tmp/d && echo made > /tmp/d/made",
    ])
    .success();
    let out = b.scratch("out");
    b.cmd(&["cp", "rr:/tmp/d", out.to_str().unwrap()]).success();
    assert_eq!(
        std::fs::read_to_string(out.join("d/made")).unwrap(),
        "made\n"
    );

    // `-` as the destination: a tar of the source under its own name.
    let tar = raw_stdout(&b, &["cp", "rr:/tmp/d", "-"], None);
    let m = tar_members(&tar);
    assert_eq!(m.get("d/made").map(Vec::as_slice), Some(&b"made\n"[..]));

    // `-` as the source: a tar extracted into a directory.
    let mut builder = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(7);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    builder
        .append_data(&mut h, "streamed.txt", &b"from-t\n"[..])
        .unwrap();
    let stream = builder.into_inner().unwrap();
    raw_stdout(&b, &["cp", "-", "rr:/tmp"], Some(&stream));
    b.cmd(&["exec", "rr", "cat", "/tmp/streamed.txt"])
        .success()
        .stdout_is("from-t\n");
    // A tar stream needs a directory.
    b.cmd_stdin(&["cp", "-", "rr:/tmp/x"], &stream)
        .failure()
        .stderr_contains("not a directory");
    b.cmd(&["rm", "-f", "rr"]).success();
}

/// Symlinks planted in the container must resolve inside it, never on the
/// host: an absolute link to a host directory, a relative one that climbs
/// out, and a link to `/etc` (the container's, not ours).
fn plant_and_attack(b: &TestBerth, ctr: &str) {
    let host = b.scratch(&format!("target-{ctr}"));
    std::fs::write(host.join("secret"), "host secret").unwrap();
    let payload = b.scratch(&format!("payload-{ctr}"));
    write_file(&payload.join("evil.txt"), "pwned\n", 0o644);
    let evil = payload.join("evil.txt");
    let evil = evil.to_str().unwrap();
    let out = b.scratch(&format!("out-{ctr}"));
    let marker = format!("berth-cp-escape-{}-{ctr}", std::process::id());

    // The links are there (copied as links, not followed, without -L).
    for link in ["abs", "rel", "etc"] {
        let tar = raw_stdout(b, &["cp", &format!("{ctr}:/tmp/{link}"), "-"], None);
        assert!(
            tar_members(&tar).contains_key(link),
            "{link} planted in {ctr}"
        );
    }
    // Reads through the links find nothing of the host.
    for src in ["/tmp/abs/secret", "/tmp/rel/secret"] {
        b.cmd(&["cp", &format!("{ctr}:{src}"), out.to_str().unwrap()])
            .failure()
            .stderr_contains("Could not find the file");
    }
    assert!(!out.join("secret").exists());
    // Writes through them never reach the host.
    for dest in ["/tmp/abs/", "/tmp/abs/x", "/tmp/rel/x", "/tmp/abs"] {
        b.cmd(&["cp", evil, &format!("{ctr}:{dest}")])
            .failure()
            .stderr_contains("Could not find the file");
    }
    let host_names: Vec<_> = std::fs::read_dir(&host)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(host_names, ["secret"], "nothing written to the host dir");
    // /tmp/etc -> /etc is the container's /etc.
    b.cmd(&["cp", evil, &format!("{ctr}:/tmp/etc/{marker}")])
        .success();
    assert!(
        !Path::new("/etc").join(&marker).exists(),
        "host /etc untouched"
    );
    b.cmd(&[
        "cp",
        &format!("{ctr}:/etc/{marker}"),
        out.join("back").to_str().unwrap(),
    ])
    .success();
    assert_eq!(
        std::fs::read_to_string(out.join("back")).unwrap(),
        "pwned\n"
    );
    b.cmd(&[
        "cp",
        &format!("{ctr}:/tmp/etc/passwd"),
        out.join("pw").to_str().unwrap(),
    ])
    .success();
    let host_passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let got = std::fs::read_to_string(out.join("pw")).unwrap();
    assert!(
        got.contains("tester:x:1000"),
        "the container's passwd: {got}"
    );
    assert_ne!(got, host_passwd);
    let _ = host;
}

fn plant_script(b: &TestBerth) -> String {
    let host = b.scratch("target-rr");
    let host2 = b.scratch("target-ss");
    format!(
        "ln -s {h1} /tmp/abs-r; ln -s {h2} /tmp/abs-s; \
         ln -s ../../../../../../../../..{h1} /tmp/rel-r; \
         ln -s ../../../../../../../../..{h2} /tmp/rel-s; ln -s /etc /tmp/etc",
        h1 = host.display(),
        h2 = host2.display()
    )
}

#[test]
fn cp_resolves_planted_symlinks_inside_the_container() {
    let (b, img) = with_busybox();
    let script = plant_script(&b);
    // Stopped: the links live in the upper layer.
    let stopped = format!("{script}; mv /tmp/abs-s /tmp/abs; mv /tmp/rel-s /tmp/rel");
    b.cmd(&["run", "--name", "ss", &img, "sh", "-c", &stopped])
        .success();
    plant_and_attack(&b, "ss");
    // Running: the links are reached through /proc/<pid>/root.
    let running = format!("{script}; mv /tmp/abs-r /tmp/abs; mv /tmp/rel-r /tmp/rel; sleep 1000");
    b.cmd(&["run", "-d", "--name", "rr", &img, "sh", "-c", &running])
        .success();
    for _ in 0..100 {
        if b.cmd(&["exec", "rr", "test", "-L", "/tmp/rel"]).exit_code() == Some(0) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    plant_and_attack(&b, "rr");
    b.cmd(&["rm", "-f", "rr"]).success();
}

#[test]
fn diff_commit_and_export_show_the_containers_changes() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "--name",
        "dd",
        &img,
        "sh",
        "-c",
        "echo committed > /new; rm /bin/ls; mkdir /tmp/t && touch /tmp/t/f",
    ])
    .success();
    let diff = b.cmd(&["diff", "dd"]);
    diff.success();
    let lines = diff.stdout_lines();
    for want in [
        "C /bin",
        "D /bin/ls",
        "A /new",
        "C /tmp",
        "A /tmp/t",
        "A /tmp/t/f",
    ] {
        assert!(lines.contains(&want), "diff lacks {want:?}: {lines:?}");
    }
    let mut sorted = lines.clone();
    sorted.sort_by_key(|l| l[2..].split('/').map(str::to_string).collect::<Vec<_>>());
    assert_eq!(lines, sorted, "sorted by path");
    b.cmd(&["container", "diff", "dd"]).success();

    // commit: the change, and a --change CMD.
    let name = format!("localhost/committed-{}:v1", std::process::id());
    let out = b.cmd(&[
        "commit",
        "-a",
        "Tester <t@example.com>",
        "-m",
        "my change",
        "-c",
        "CMD [\"cat\", \"/new\"]",
        "dd",
        &name,
    ]);
    out.success();
    let id = out.stdout_trim();
    assert!(id.starts_with("sha256:") && id.len() == 71, "{id}");
    b.cmd(&["run", "--rm", &name])
        .success()
        .stdout_is("committed\n");
    b.cmd(&["run", "--rm", &name, "ls", "/"]).code(127);
    b.cmd(&["inspect", "-f", "{{.Author}}", &name])
        .success()
        .stdout_contains("Tester");
    b.cmd(&["history", "--no-trunc", &name])
        .success()
        .stdout_contains("my change");

    // export: the merged filesystem, whiteouts applied.
    let tar = raw_stdout(&b, &["export", "dd"], None);
    let m = tar_members(&tar);
    assert_eq!(m.get("new").map(Vec::as_slice), Some(&b"committed\n"[..]));
    assert!(m.contains_key("bin/sh") && m.contains_key("tmp/t/f"));
    assert!(!m.contains_key("bin/ls"), "deleted files are not exported");
    assert!(!m.keys().any(|k| k.contains(".wh.")));
    let file = b.scratch("exp").join("d.tar");
    b.cmd(&["export", "-o", file.to_str().unwrap(), "dd"])
        .success();
    assert_eq!(std::fs::read(&file).unwrap(), tar, "export is reproducible");
}

#[test]
fn commit_of_a_running_container_pauses_and_thaws_it() {
    let (b, img) = with_busybox();
    b.cmd(&["run", "-d", "--name", "live", &img, "sleep", "1000"])
        .success();
    b.cmd(&["exec", "live", "sh", "-c", "echo live > /state"])
        .success();
    let name = format!("localhost/live-{}", std::process::id());
    b.cmd(&["commit", "live", &name]).success();
    b.cmd(&["ps", "--format", "{{.Names}} {{.Status}}"])
        .success()
        .stdout_contains("live Up");
    b.cmd(&["inspect", "-f", "{{.State.Paused}}", "live"])
        .success()
        .stdout_is("false\n");
    b.cmd(&["exec", "live", "true"]).success();
    b.cmd(&["run", "--rm", &name, "cat", "/state"])
        .success()
        .stdout_is("live\n");
    // --pause=false works as docker's flag does.
    b.cmd(&["commit", "--pause=false", "live"]).success();
    b.cmd(&["rm", "-f", "live"]).success();
}

#[test]
fn cp_archive_mode_keeps_ownership_and_the_default_gives_it_to_the_receiver() {
    let (b, img) = with_busybox();
    let host = b.scratch("own");
    let f = host.join("owned.txt");
    write_file(&f, "x\n", 0o644);
    std::os::unix::fs::chown(&f, Some(1234), Some(4321)).unwrap();
    b.cmd(&[
        "create",
        "--name",
        "own",
        &img,
        "sh",
        "-c",
        "stat -c '%u:%g' /a /b",
    ])
    .success();
    b.cmd(&["cp", f.to_str().unwrap(), "own:/a"]).success();
    b.cmd(&["cp", "-a", f.to_str().unwrap(), "own:/b"])
        .success();
    b.cmd(&["start", "-a", "own"])
        .success()
        .stdout_is("0:0\n1234:4321\n");
    // Out of the container: the caller's ids, or with -a the container's.
    let out = b.scratch("own-out");
    b.cmd(&[
        "cp",
        "own:/home/tester",
        out.join("plain").to_str().unwrap(),
    ])
    .success();
    b.cmd(&[
        "cp",
        "-a",
        "own:/home/tester",
        out.join("kept").to_str().unwrap(),
    ])
    .success();
    let uid = |p: &Path| std::fs::metadata(p).unwrap().uid();
    assert_eq!(uid(&out.join("plain")), nix_euid());
    assert_eq!(uid(&out.join("kept")), 1000);
}

fn nix_euid() -> u32 {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() }
}

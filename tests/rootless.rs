//! Rootless berth, as an ordinary user made for the test (`berthtest`):
//! every command runs inside the user's berth namespaces (newuidmap from
//! /etc/subuid), layers keep their ownership mapped into the user's
//! ranges, containers get pasta/slirp4netns networking with `-p`, and the
//! user's store is invisible to root's berth and to other users.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::time::Duration;

use support::rootless::{first_subuid, user, user_without_ranges};
use support::{images, registry, unique_repo, wait_until, TestBerth};

const USER: &str = "berthtest";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

fn http_get(port: u16) -> Option<String> {
    let addr = format!("127.0.0.1:{port}").parse().ok()?;
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
    s.write_all(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    out.split("\r\n\r\n").nth(1).map(str::to_string)
}

/// A rootless store of `berthtest` holding busybox pulled from the test registry.
fn rootless_with_busybox() -> (TestBerth, String) {
    let img = images::push_busybox(registry(), &unique_repo("rl"), "latest");
    let b = TestBerth::as_user(&user(USER));
    b.cmd(&["pull", "-q", &img.reference]).success();
    (b, img.reference)
}

#[test]
fn rootless_pull_run_exec_publish_and_rm() {
    let (b, img) = rootless_with_busybox();
    b.cmd(&["info", "--format", "{{.Rootless}}"])
        .success()
        .stdout_is("true\n");
    // Root inside, the user outside: the namespace maps 0 to the user.
    b.cmd(&["run", "--rm", &img, "id", "-u"])
        .success()
        .stdout_is("0\n");
    b.cmd(&["run", "--rm", "--user", "1234", &img, "id", "-u"])
        .success()
        .stdout_is("1234\n");
    let uid = user(USER).uid;
    b.cmd(&["run", "--rm", &img, "cat", "/proc/self/uid_map"])
        .success()
        .stdout_contains(&format!(" {uid} "));

    let port = free_port();
    let publish = format!("{port}:8080");
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "web",
        "-p",
        &publish,
        &img,
        "sh",
        "-c",
        "mkdir /www && echo hello-rootless > /www/index.html && exec httpd -f -p 8080 -h /www",
    ])
    .success();
    let mut body = None;
    assert!(
        wait_until(Duration::from_secs(10), || {
            body = http_get(port);
            body.is_some()
        }),
        "nothing answered on 127.0.0.1:{port}: {}",
        b.cmd(&["logs", "web"]).stderr
    );
    assert_eq!(body.as_deref(), Some("hello-rootless\n"));
    b.cmd(&["exec", "web", "sh", "-c", "id -u; cat /www/index.html"])
        .success()
        .stdout_is("0\nhello-rootless\n");
    b.cmd(&["rm", "-f", "web"]).success();
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
    assert!(http_get(port).is_none(), "port {port} still forwarded");
}

#[test]
fn rootless_layers_and_volumes_keep_mapped_ownership() {
    let (b, img) = rootless_with_busybox();
    let u = user(USER);
    let ctx = b.scratch("ctx");
    std::fs::write(
        ctx.join("Dockerfile"),
        format!("FROM {img}\nRUN echo built > /built && chown 1000:1000 /built\nCOPY data /data\n"),
    )
    .unwrap_or_else(|e| panic!("write Dockerfile: {e}"));
    std::fs::write(ctx.join("data"), "copied\n").unwrap_or_else(|e| panic!("write data: {e}"));
    for p in [&ctx, &ctx.join("Dockerfile"), &ctx.join("data")] {
        std::os::unix::fs::chown(p, Some(u.uid), Some(u.gid))
            .unwrap_or_else(|e| panic!("chown {}: {e}", p.display()));
    }
    let ctx_arg = ctx.display().to_string();
    b.cmd(&["build", "-q", "-t", "rl-built", &ctx_arg])
        .success();
    b.cmd(&[
        "run",
        "--rm",
        "rl-built",
        "sh",
        "-c",
        "cat /built /data; stat -c %u:%g /built",
    ])
    .success()
    .stdout_is("built\ncopied\n1000:1000\n");

    // On the host, image uid 1000 is the user's subordinate uid 1000 - 1.
    let first = first_subuid(USER);
    let mut owners = Vec::new();
    for layer in std::fs::read_dir(b.root().join("layers"))
        .unwrap_or_else(|e| panic!("read layers: {e}"))
        .flatten()
    {
        if let Ok(m) = std::fs::symlink_metadata(layer.path().join("diff/built")) {
            owners.push(m.uid());
        }
        if let Ok(m) = std::fs::symlink_metadata(layer.path().join("diff/bin/busybox")) {
            assert_eq!(m.uid(), u.uid, "image root maps to the user");
        }
    }
    assert_eq!(owners, vec![first + 999], "layer file owner on the host");

    // A bind volume: what the container's root writes belongs to the user.
    let vol = b.scratch("vol");
    std::os::unix::fs::chown(&vol, Some(u.uid), Some(u.gid))
        .unwrap_or_else(|e| panic!("chown {}: {e}", vol.display()));
    let mount = format!("{}:/v", vol.display());
    b.cmd(&[
        "run",
        "--rm",
        "-v",
        &mount,
        &img,
        "sh",
        "-c",
        "echo x > /v/made",
    ])
    .success();
    let meta = std::fs::metadata(vol.join("made")).unwrap_or_else(|e| panic!("made: {e}"));
    assert_eq!((meta.uid(), meta.gid()), (u.uid, u.gid));
}

#[test]
fn rootless_stores_are_invisible_to_root_and_to_other_users() {
    let img = images::push_busybox(registry(), &unique_repo("rl"), "latest");
    let first = TestBerth::as_user_default_store(&user(USER));
    first.cmd(&["pull", "-q", &img.reference]).success();
    let name = unique_repo("rl-private");
    first
        .cmd(&["create", "--name", &name, &img.reference, "true"])
        .success();
    let info = first.cmd(&["info", "--format", "{{.DockerRootDir}}"]);
    info.success();
    assert!(
        info.stdout_trim().ends_with("/home/.local/share/berth"),
        "rootless default root: {}",
        info.stdout
    );
    first
        .cmd(&["ps", "-a", "--format", "{{.Names}}"])
        .success()
        .stdout_contains(&name);

    // Root's own store does not list it.
    let root_ps = std::process::Command::new(support::berth::BERTH)
        .args(["ps", "-a", "--format", "{{.Names}}"])
        .output()
        .unwrap_or_else(|e| panic!("root berth ps: {e}"));
    assert!(
        !String::from_utf8_lossy(&root_ps.stdout).contains(&name),
        "root sees the rootless container"
    );
    // Nor does another user.
    let other = TestBerth::as_user_default_store(&user("berthtest2"));
    let out = other.cmd(&["ps", "-a", "--format", "{{.Names}}"]);
    out.success();
    assert!(
        !out.stdout.contains(&name),
        "berthtest2 sees berthtest's container"
    );
    first.cmd(&["rm", &name]).success();
}

#[test]
fn rootless_without_subordinate_ids_names_the_fix() {
    let u = user_without_ranges("berthnosub");
    let b = TestBerth::as_user(&u);
    b.cmd(&["run", "--rm", "busybox", "true"])
        .code(125)
        .stderr_contains("usermod --add-subuids");
    b.cmd(&["images"])
        .code(1)
        .stderr_contains("no subordinate uids for user berthnosub");
}

#[test]
fn rootless_unshare_and_cgroup_warning() {
    let (b, img) = rootless_with_busybox();
    let uid = user(USER).uid;
    b.cmd(&["unshare", "id", "-u"]).success().stdout_is("0\n");
    b.cmd(&["unshare", "cat", "/proc/self/uid_map"])
        .success()
        .stdout_contains(&format!(" {uid} "));
    let layout = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let v1 = layout.lines().any(|l| l.contains(" - cgroup "));
    let out = b.cmd(&["run", "--rm", "--memory", "64m", &img, "true"]);
    out.success();
    if v1 {
        out.stderr_contains("Warning: resource limits are ignored");
    }
    // Root has no use for unshare.
    support::berth()
        .cmd(&["unshare", "true"])
        .code(1)
        .stderr_contains("rootless");
}

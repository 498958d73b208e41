//! A `docker` symlink to berth is docker: the commands of COMPAT.md, their
//! flags, and usage, help and errors that say `docker`.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use support::berth::BERTH;
use support::{with_busybox, TestBerth};

/// Every command COMPAT.md lists, as typed after `docker`.
const COMPAT_COMMANDS: &[&str] = &[
    "run",
    "create",
    "start",
    "stop",
    "restart",
    "kill",
    "rm",
    "ps",
    "logs",
    "exec",
    "attach",
    "wait",
    "inspect",
    "top",
    "stats",
    "pause",
    "unpause",
    "rename",
    "port",
    "cp",
    "diff",
    "commit",
    "export",
    "update",
    "container prune",
    "pull",
    "push",
    "images",
    "tag",
    "rmi",
    "history",
    "save",
    "load",
    "import",
    "build",
    "image prune",
    "image mount",
    "image unmount",
    "manifest inspect",
    "volume create",
    "volume ls",
    "volume inspect",
    "volume rm",
    "volume prune",
    "network create",
    "network ls",
    "network inspect",
    "network rm",
    "network connect",
    "network disconnect",
    "network prune",
    "login",
    "logout",
    "version",
    "info",
    "system df",
    "system prune",
    "system check",
    "events",
    "generate systemd",
    "unshare",
    "completion",
];

/// Commands other branches are adding; checked once `--help` lists them.
const ARRIVING: &[&str] = &["events", "generate systemd", "unshare"];

struct Docker {
    _dir: tempfile::TempDir,
    link: PathBuf,
}

impl Docker {
    fn new() -> Docker {
        let dir = tempfile::tempdir().expect("temp dir for the symlink");
        let link = dir.path().join("docker");
        std::os::unix::fs::symlink(BERTH, &link).expect("symlink docker -> berth");
        Docker { _dir: dir, link }
    }

    fn run(&self, b: &TestBerth, args: &[&str]) -> Output {
        Command::new(&self.link)
            .args(args)
            .env("BERTH_ROOT", b.root())
            .env("BERTH_RUNROOT", b.runroot())
            .env("DOCKER_CONFIG", b.docker_config())
            .output()
            .unwrap_or_else(|e| panic!("run docker {args:?}: {e}"))
    }
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn a_docker_symlink_runs_containers_and_lists_objects() {
    let (b, img) = with_busybox();
    let docker = Docker::new();
    let help = docker.run(&b, &["--help"]);
    assert!(help.status.success());
    assert!(
        text(&help.stdout).contains("Usage: docker"),
        "{}",
        text(&help.stdout)
    );

    let out = docker.run(&b, &["run", "--rm", &img, "echo", "hi"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "hi\n");

    let out = docker.run(&b, &["create", "--name", "through-docker", &img, "true"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = docker.run(&b, &["ps", "-a", "--format", "{{.Names}}"]);
    assert_eq!(text(&out.stdout), "through-docker\n");

    let out = docker.run(&b, &["images"]);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).starts_with("REPOSITORY"),
        "{}",
        text(&out.stdout)
    );
    let out = docker.run(&b, &["volume", "ls"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = docker.run(&b, &["network", "ls"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("bridge"));
}

#[test]
fn docker_usage_errors_say_docker() {
    let b = TestBerth::new();
    let docker = Docker::new();
    let out = docker.run(&b, &["ps", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(125));
    let err = text(&out.stderr);
    assert!(err.contains("--no-such-flag"), "{err}");
    assert!(err.contains("Usage: docker ps"), "{err}");
    assert!(!err.contains("berth"), "{err}");
}

#[test]
fn every_compat_command_has_help_under_docker() {
    let b = TestBerth::new();
    let docker = Docker::new();
    let top = text(&docker.run(&b, &["--help"]).stdout);
    for cmd in COMPAT_COMMANDS {
        let first = cmd.split(' ').next().unwrap_or(cmd);
        if ARRIVING.contains(cmd) && !top.contains(&format!("  {first} ")) {
            continue;
        }
        let mut args: Vec<&str> = cmd.split(' ').collect();
        args.push("--help");
        let out = docker.run(&b, &args);
        assert!(
            out.status.success(),
            "docker {cmd} --help failed: {}",
            text(&out.stderr)
        );
        let usage = format!("Usage: docker {cmd}");
        assert!(
            text(&out.stdout).contains(&usage),
            "docker {cmd} --help lacks {usage:?}"
        );
    }
}

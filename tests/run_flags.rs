//! `run`/`create` flags beyond the basics, `ps`/`logs` options, and the
//! `update`, `port` and `container|image mount` commands, driven through
//! the real binary against images from the harness registry.

mod support;

use support::{wait_until, with_busybox};

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::{berth, TestBerth};

fn inspect(b: &TestBerth, format: &str, name: &str) -> String {
    let out = b.cmd(&["inspect", "-f", format, name]);
    out.success();
    out.stdout_trim().to_string()
}

#[test]
fn cidfile_receives_the_id_and_an_existing_one_is_refused() {
    let (b, img) = with_busybox();
    let cid = b.scratch("cid").join("id");
    let cid_s = cid.to_string_lossy().to_string();
    let out = b.cmd(&["create", "--cidfile", &cid_s, &img, "true"]);
    out.success();
    let written = std::fs::read_to_string(&cid).expect("cidfile written");
    assert_eq!(written, out.stdout_trim(), "the file holds the full id");
    b.cmd(&["run", "--rm", "--cidfile", &cid_s, &img, "true"])
        .code(125)
        .stderr_contains("container ID file found");
    // The refused run left no container behind.
    b.cmd(&["ps", "-aq", "--no-trunc"])
        .success()
        .stdout_is(&format!("{written}\n"));
}

#[test]
fn rootfs_runs_a_plain_directory() {
    let b = berth();
    let root = b.scratch("rootfs");
    for d in ["bin", "etc", "proc", "sys", "dev", "tmp"] {
        std::fs::create_dir_all(root.join(d)).expect("mkdir");
    }
    std::fs::copy(
        support::install::BUSYBOX_STATIC.provides,
        root.join("bin/busybox"),
    )
    .expect("copy busybox");
    for applet in ["sh", "echo", "cat"] {
        std::os::unix::fs::symlink("busybox", root.join("bin").join(applet)).expect("symlink");
    }
    std::fs::write(root.join("etc/passwd"), "root:x:0:0:root:/:/bin/sh\n").expect("passwd");
    let dir = root.to_string_lossy().to_string();
    b.cmd(&[
        "run",
        "--rm",
        "--rootfs",
        &dir,
        "sh",
        "-c",
        "echo from-dir; echo kept > /tmp/marker",
    ])
    .success()
    .stdout_is("from-dir\n");
    // The directory is the root filesystem itself, as podman's --rootfs.
    assert_eq!(
        std::fs::read_to_string(root.join("tmp/marker")).expect("marker"),
        "kept\n"
    );
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
}

#[test]
fn env_file_and_labels_reach_the_container_and_ps_filters() {
    let (b, img) = with_busybox();
    let dir = b.scratch("files");
    let env = dir.join("env");
    std::fs::write(&env, "# comment\nFROM_FILE=yes\n\nSPACED=a b\n").expect("env file");
    let labels = dir.join("labels");
    std::fs::write(&labels, "team=core\n# skipped\nflag\n").expect("label file");
    b.cmd(&[
        "run",
        "--rm",
        "--env-file",
        &env.to_string_lossy(),
        &img,
        "sh",
        "-c",
        "echo $FROM_FILE/$SPACED",
    ])
    .success()
    .stdout_is("yes/a b\n");
    b.cmd(&[
        "create",
        "--name",
        "labelled",
        "--label",
        "tier=web",
        "--label-file",
        &labels.to_string_lossy(),
        &img,
        "true",
    ])
    .success();
    b.cmd(&["create", "--name", "plain", &img, "true"])
        .success();
    let names = |filter: &str| {
        let out = b.cmd(&["ps", "-a", "--filter", filter, "--format", "{{.Names}}"]);
        out.success();
        out.stdout.clone()
    };
    assert_eq!(names("label=tier=web"), "labelled\n");
    assert_eq!(names("label=team"), "labelled\n");
    assert_eq!(names("label=flag"), "labelled\n");
    assert_eq!(names("label=tier=db"), "");
    assert_eq!(
        inspect(&b, "{{index .Config.Labels \"team\"}}", "labelled"),
        "core"
    );
}

#[test]
fn ps_selects_and_formats_like_docker() {
    let (b, img) = with_busybox();
    b.cmd(&["run", "--name", "first", &img, "sh", "-c", "exit 3"])
        .code(3);
    b.cmd(&["create", "--name", "second", &img, "true"])
        .success();
    b.cmd(&["create", "--name", "third", &img, "true"])
        .success();
    let names = |args: &[&str]| {
        let mut all = vec!["ps"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "{{.Names}}"]);
        let out = b.cmd(&all);
        out.success();
        out.stdout.clone()
    };
    assert_eq!(names(&["-n", "2"]), "third\nsecond\n");
    assert_eq!(names(&["-l"]), "third\n");
    assert_eq!(names(&["--filter", "status=exited"]), "first\n");
    assert_eq!(names(&["--filter", "exited=3"]), "first\n");
    assert_eq!(names(&["-a", "--filter", "name=sec"]), "second\n");
    assert_eq!(
        names(&["-a", "--filter", &format!("ancestor={img}")]),
        "third\nsecond\nfirst\n"
    );
    assert_eq!(names(&["-a", "--filter", "ancestor=nosuchimage"]), "");
    let ids = b.cmd(&["ps", "-aq", "--no-trunc"]);
    ids.success();
    assert!(ids.stdout_lines().iter().all(|l| l.len() == 64));
    let short = b.cmd(&["ps", "-aq"]);
    assert!(short.stdout_lines().iter().all(|l| l.len() == 12));
    let json = b.cmd(&["ps", "-l", "--format", "{{json .}}"]);
    json.success();
    let v: serde_json::Value = serde_json::from_str(json.stdout_trim()).expect("ps json");
    assert_eq!(v["Names"], "third");
    assert_eq!(v["State"], "created");
    assert_eq!(v["Command"], "\"true\"");
    b.cmd(&["ps", "--filter", "status=sleepy"]).code(1);
}

#[test]
fn stop_signal_and_stop_timeout_are_honoured() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "usr1",
        "--stop-signal",
        "SIGUSR1",
        &img,
        "sh",
        "-c",
        "trap 'exit 42' USR1; while :; do sleep 0.1; done",
    ])
    .success();
    assert_eq!(inspect(&b, "{{.Config.StopSignal}}", "usr1"), "SIGUSR1");
    b.cmd(&["stop", "usr1"]).success();
    assert_eq!(inspect(&b, "{{.State.ExitCode}}", "usr1"), "42");

    b.cmd(&[
        "run",
        "-d",
        "--name",
        "stubborn",
        "--stop-timeout",
        "1",
        &img,
        "sh",
        "-c",
        "trap '' TERM; while :; do sleep 0.1; done",
    ])
    .success();
    assert_eq!(inspect(&b, "{{.Config.StopTimeout}}", "stubborn"), "1");
    let started = Instant::now();
    b.cmd(&["stop", "stubborn"]).success();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(8),
        "stop waited the container's 1s timeout, then killed: {took:?}"
    );
    assert_eq!(inspect(&b, "{{.State.ExitCode}}", "stubborn"), "137");
}

#[test]
fn log_drivers_and_log_options() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "--name",
        "k8s",
        "--log-driver",
        "k8s-file",
        &img,
        "sh",
        "-c",
        "echo hello; echo oops >&2",
    ])
    .success();
    b.cmd(&["logs", "k8s"])
        .success()
        .stdout_is("hello\n")
        .stderr_contains("oops");
    let path = inspect(&b, "{{.LogPath}}", "k8s");
    let raw = std::fs::read_to_string(&path).expect("log file");
    assert!(
        raw.lines().any(|l| l.ends_with(" stdout F hello")),
        "k8s-file lines are `TIME STREAM F TEXT`: {raw}"
    );
    assert_eq!(
        inspect(&b, "{{.HostConfig.LogConfig.Type}}", "k8s"),
        "k8s-file"
    );

    b.cmd(&[
        "run",
        "--name",
        "capped",
        "--log-opt",
        "max-size=1k",
        &img,
        "sh",
        "-c",
        "i=0; while [ $i -lt 200 ]; do echo line-$i-xxxxxxxxxxxxxxxx; i=$((i+1)); done",
    ])
    .success();
    let path = inspect(&b, "{{.LogPath}}", "capped");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    assert!(
        size <= 2048,
        "max-size=1k keeps the log small: {size} bytes"
    );
    b.cmd(&["logs", "--tail", "1", "capped"])
        .success()
        .stdout_is("line-199-xxxxxxxxxxxxxxxx\n");
    b.cmd(&["run", "--rm", "--log-driver", "syslog", &img, "true"])
        .code(125);
}

#[test]
fn logs_since_until_and_follow() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "slow",
        &img,
        "sh",
        "-c",
        "echo early; sleep 1.5; echo late",
    ])
    .success();
    // Follow returns once the container exits, with everything it wrote.
    b.cmd_timeout(&["logs", "-f", "slow"], Duration::from_secs(30))
        .success()
        .stdout_is("early\nlate\n");
    let stamped = b.cmd(&["logs", "-t", "slow"]);
    stamped.success();
    let times: Vec<&str> = stamped
        .stdout_lines()
        .iter()
        .filter_map(|l| l.split(' ').next())
        .collect();
    assert_eq!(times.len(), 2, "{}", stamped.stdout);
    b.cmd(&["logs", "--since", times[1], "slow"])
        .success()
        .stdout_is("late\n");
    b.cmd(&["logs", "--until", times[0], "slow"])
        .success()
        .stdout_is("early\n");
    b.cmd(&["logs", "--since", "1h", "slow"])
        .success()
        .stdout_is("early\nlate\n");
}

/// The hard limit of this process (berth clamps to it).
fn hard_nofile() -> u64 {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `r` is a valid rlimit for getrlimit to fill.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) };
    r.rlim_max
}

#[test]
fn ulimits_apply_and_are_clamped_to_the_callers_hard_limit() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "--rm",
        "--ulimit",
        "nofile=1024:2048",
        &img,
        "sh",
        "-c",
        "ulimit -n; ulimit -Hn",
    ])
    .success()
    .stdout_is("1024\n2048\n");
    let hard = hard_nofile();
    let above = (hard + 10_000).to_string();
    let flag = format!("nofile={above}:{above}");
    b.cmd(&[
        "run",
        "--rm",
        "--ulimit",
        &flag,
        &img,
        "sh",
        "-c",
        "ulimit -Hn",
    ])
    .success()
    .stdout_is(&format!("{hard}\n"));
    b.cmd(&["run", "--rm", "--ulimit", "nofile=x", &img, "true"])
        .code(125);
}

#[test]
fn devices_shm_size_and_groups() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "--rm",
        "--device",
        "/dev/null:/dev/mynull",
        &img,
        "sh",
        "-c",
        "test -c /dev/mynull && echo data > /dev/mynull && echo ok",
    ])
    .success()
    .stdout_is("ok\n");
    if Path::new("/dev/fuse").exists() {
        b.cmd(&[
            "run",
            "--rm",
            "--device",
            "/dev/fuse",
            &img,
            "test",
            "-c",
            "/dev/fuse",
        ])
        .success();
    }
    b.cmd(&["run", "--rm", "--device", "/dev/no-such-dev", &img, "true"])
        .code(125);
    // The device cgroup (v1) stops a node made with mknod from opening,
    // as docker's default rules do; v2 needs eBPF, which berth lacks yet.
    if Path::new("/sys/fs/cgroup/devices").is_dir() {
        b.cmd(&[
            "run",
            "--rm",
            &img,
            "sh",
            "-c",
            "mknod /tmp/disk b 7 0 && head -c 1 /tmp/disk",
        ])
        .failure()
        .stderr_contains("Operation not permitted");
    }
    b.cmd(&[
        "run",
        "--rm",
        "--shm-size",
        "16m",
        &img,
        "sh",
        "-c",
        "df -k /dev/shm | tail -n 1",
    ])
    .success()
    .stdout_contains(" 16384 ");
    b.cmd(&[
        "run",
        "--rm",
        "--group-add",
        "1234",
        "--group-add",
        "tester",
        &img,
        "id",
        "-G",
    ])
    .success()
    .stdout_is("0 1000 1234\n");
}

#[test]
fn entrypoint_init_and_read_only() {
    let (b, img) = with_busybox();
    b.cmd(&["run", "--rm", "--entrypoint", "echo", &img, "hi", "there"])
        .success()
        .stdout_is("hi there\n");
    b.cmd(&["create", "--name", "ep", "--entrypoint", "/bin/echo", &img])
        .success();
    assert_eq!(
        inspect(&b, "{{json .Config.Entrypoint}}", "ep"),
        "[\"/bin/echo\"]"
    );
    // Under --init the command is not pid 1, and orphans are reaped.
    b.cmd(&["run", "--rm", "--init", &img, "sh", "-c", "echo $$"])
        .success()
        .stdout_is("2\n");
    b.cmd(&[
        "run",
        "--rm",
        "--init",
        &img,
        "sh",
        "-c",
        "(sleep 0.2 &); sleep 1; ps -o stat,comm | grep -c '^Z' || true",
    ])
    .success()
    .stdout_is("0\n");
    b.cmd(&[
        "run",
        "--rm",
        "--read-only",
        "--tmpfs",
        "/tmp",
        &img,
        "sh",
        "-c",
        "touch /x 2>/dev/null && echo wrote-root; touch /tmp/y && echo wrote-tmp",
    ])
    .success()
    .stdout_is("wrote-tmp\n");
}

#[test]
fn sigterm_to_berth_reaches_the_container() {
    let (b, img) = with_busybox();
    let init = ["run", "--rm", "--init", &img, "sleep", "100"];
    let trap = "trap 'exit 143' TERM; while :; do sleep 0.1; done";
    let trapping = ["run", "--rm", &img, "sh", "-c", trap];
    for all in [&init[..], &trapping[..]] {
        let mut child = b
            .command(all)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn berth run");
        let running = wait_until(Duration::from_secs(10), || {
            b.cmd(&["ps", "-q"]).stdout_trim().len() == 12
        });
        assert!(running, "the container started");
        std::thread::sleep(Duration::from_millis(200));
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(s) = child.try_wait().expect("wait") {
                break s;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("berth run {all:?} ignored SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(143), "{all:?}");
    }
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
}

/// The value of a cgroup control file for the container's init process.
fn cgroup_value(pid: &str, controller: &str, v1: &str, v2: &str) -> String {
    let cg = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).expect("proc cgroup");
    for line in cg.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, ctrls, path) = (parts.next(), parts.next(), parts.next());
        let (Some(ctrls), Some(path)) = (ctrls, path) else {
            continue;
        };
        if ctrls.split(',').any(|c| c == controller) {
            let f = format!("/sys/fs/cgroup/{controller}{path}/{v1}");
            if let Ok(v) = std::fs::read_to_string(&f) {
                return v.trim().to_string();
            }
        }
        if ctrls.is_empty() {
            let f = format!("/sys/fs/cgroup{path}/{v2}");
            if let Ok(v) = std::fs::read_to_string(&f) {
                return v.trim().to_string();
            }
        }
    }
    panic!("no {controller} cgroup for pid {pid}: {cg}");
}

#[test]
fn update_changes_live_limits_and_the_record() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run", "-d", "--name", "live", "-m", "64m", &img, "sleep", "1000",
    ])
    .success();
    b.cmd(&[
        "update",
        "-m",
        "96m",
        "--memory-swap",
        "192m",
        "--pids-limit",
        "40",
        "live",
    ])
    .success()
    .stdout_is("live\n");
    let pid = inspect(&b, "{{.State.Pid}}", "live");
    assert_eq!(
        cgroup_value(&pid, "memory", "memory.limit_in_bytes", "memory.max"),
        (96u64 << 20).to_string()
    );
    assert_eq!(cgroup_value(&pid, "pids", "pids.max", "pids.max"), "40");
    assert_eq!(
        inspect(
            &b,
            "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}",
            "live"
        ),
        format!("{} 40", 96u64 << 20)
    );
    // A restart keeps the new limits.
    b.cmd(&["restart", "-t", "1", "live"]).success();
    let pid = inspect(&b, "{{.State.Pid}}", "live");
    assert_eq!(cgroup_value(&pid, "pids", "pids.max", "pids.max"), "40");
    assert_eq!(
        cgroup_value(&pid, "memory", "memory.limit_in_bytes", "memory.max"),
        (96u64 << 20).to_string()
    );
    b.cmd(&["update", "live"])
        .code(1)
        .stderr_contains("one or more flags");
    b.cmd(&["update", "-m", "1g", "live"])
        .code(1)
        .stderr_contains("memoryswap");
    b.cmd(&["update", "--pids-limit", "5", "live", "nosuch"])
        .code(1)
        .stdout_is("live\n")
        .stderr_contains("No such container: nosuch");
    b.cmd(&["rm", "-f", "live"]).success();
}

#[test]
fn update_restart_policy_reaches_the_running_monitor() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "flaky",
        &img,
        "sh",
        "-c",
        "sleep 1; exit 1",
    ])
    .success();
    b.cmd(&["update", "--restart", "on-failure:2", "flaky"])
        .success();
    assert_eq!(
        inspect(&b, "{{.HostConfig.RestartPolicy.Name}}", "flaky"),
        "on-failure"
    );
    let restarted = wait_until(Duration::from_secs(15), || {
        inspect(&b, "{{.RestartCount}}", "flaky") == "2"
            && inspect(&b, "{{.State.Status}}", "flaky") == "exited"
    });
    assert!(restarted, "the monitor applied the updated policy");
    b.cmd(&["run", "-d", "--rm", "--name", "auto", &img, "sleep", "100"])
        .success();
    b.cmd(&["update", "--restart", "always", "auto"])
        .code(1)
        .stderr_contains("AutoRemove");
    b.cmd(&["rm", "-f", "auto", "flaky"]).success();
}

#[test]
fn published_ports_are_recorded_and_shown_like_docker() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "create",
        "--name",
        "web",
        "-p",
        "8080:80",
        "-p",
        "127.0.0.1:5353:53/udp",
        "--expose",
        "9000",
        &img,
        "true",
    ])
    .success();
    b.cmd(&["port", "web"])
        .success()
        .stdout_is("53/udp -> 127.0.0.1:5353\n80/tcp -> 0.0.0.0:8080\n");
    b.cmd(&["port", "web", "80"])
        .success()
        .stdout_is("0.0.0.0:8080\n");
    b.cmd(&["container", "port", "web", "53/udp"])
        .success()
        .stdout_is("127.0.0.1:5353\n");
    b.cmd(&["port", "web", "9000"])
        .code(1)
        .stderr_contains("No public port '9000/tcp' published for web");
    b.cmd(&["ps", "-a", "--format", "{{.Ports}}"])
        .success()
        .stdout_is("9000/tcp, 127.0.0.1:5353->53/udp, 0.0.0.0:8080->80/tcp\n");
    let bindings: serde_json::Value =
        serde_json::from_str(&inspect(&b, "{{json .HostConfig.PortBindings}}", "web"))
            .expect("json");
    assert_eq!(
        bindings,
        serde_json::json!({
            "53/udp": [{"HostIp": "127.0.0.1", "HostPort": "5353"}],
            "80/tcp": [{"HostIp": "", "HostPort": "8080"}],
        })
    );
    let net: serde_json::Value =
        serde_json::from_str(&inspect(&b, "{{json .NetworkSettings.Ports}}", "web")).expect("json");
    assert_eq!(net["9000/tcp"], serde_json::Value::Null);
    assert_eq!(net["80/tcp"][0]["HostPort"], "8080");

    // -P gives every exposed port a free host port.
    b.cmd(&[
        "create", "--name", "all", "-P", "--expose", "7000", &img, "true",
    ])
    .success();
    let line = b.cmd(&["port", "all"]);
    line.success();
    let host_port: u16 = line
        .stdout_trim()
        .strip_prefix("7000/tcp -> 0.0.0.0:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("one random mapping: {:?}", line.stdout));
    assert!(host_port > 0);
    b.cmd(&["create", "-p", "abc", &img, "true"])
        .code(125)
        .stderr_contains("invalid containerPort: abc");
    b.cmd(&["create", "-p", "1.2.3:80:80", &img, "true"])
        .code(125)
        .stderr_contains("invalid IP address: 1.2.3");
}

#[test]
fn container_mount_exposes_the_rootfs_and_blocks_removal() {
    let (b, img) = with_busybox();
    b.cmd(&["create", "--name", "mnt", &img, "cat", "/from-host"])
        .success();
    let out = b.cmd(&["container", "mount", "mnt"]);
    out.success();
    let path = out.stdout_trim().to_string();
    assert!(path.ends_with("/merged"), "{path}");
    assert!(Path::new(&path).join("bin/busybox").is_file());
    std::fs::write(Path::new(&path).join("from-host"), "written on the host\n").expect("write");
    b.cmd(&["container", "mount", "mnt"])
        .success()
        .stdout_is(&format!("{path}\n"));
    // The container runs on the mounted overlay and sees the change.
    b.cmd(&["start", "-a", "mnt"])
        .success()
        .stdout_is("written on the host\n");
    b.cmd(&["rm", "mnt"]).code(1).stderr_contains("mounted");
    b.cmd(&["container", "unmount", "mnt"])
        .success()
        .stdout_is("mnt\n");
    assert!(!Path::new(&path).join("bin").exists(), "unmounted");
    b.cmd(&["container", "mount", "mnt"]).success();
    b.cmd(&["rm", "-f", "mnt"]).success();
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
    assert!(support::berth::mounts_under(b.root()).is_empty());

    b.cmd(&["run", "-d", "--name", "busy", &img, "sleep", "100"])
        .success();
    b.cmd(&["container", "mount", "busy"])
        .code(1)
        .stderr_contains("running");
    b.cmd(&["rm", "-f", "busy"]).success();
}

#[test]
fn image_mount_is_read_only_and_guards_removal() {
    let (b, img) = with_busybox();
    let out = b.cmd(&["image", "mount", &img]);
    out.success();
    let path = out.stdout_trim().to_string();
    assert!(Path::new(&path).join("bin/busybox").is_file());
    assert!(std::fs::write(Path::new(&path).join("x"), "no").is_err());
    b.cmd(&["rmi", &img]).code(1).stderr_contains("mounted");
    b.cmd(&["image", "prune", "-a", "-f"]).success();
    b.cmd(&["images", "-q"])
        .success()
        .stdout_contains(&b.cmd(&["inspect", "-f", "{{.Id}}", &img]).stdout_trim()[7..19]);
    b.cmd(&["image", "unmount", &img]).success();
    assert!(!Path::new(&path).join("bin").exists());
    b.cmd(&["image", "mount", &img]).success();
    b.cmd(&["rmi", "-f", &img]).success();
    assert!(support::berth::mounts_under(b.runroot()).is_empty());
    b.cmd(&["images", "-q"]).success().stdout_is("");
}

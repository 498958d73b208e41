//! Issue 3: the in-process runtime — run, exec and the container lifecycle,
//! driven through the real binary with real namespaces and cgroups.

mod support;

use support::{wait_until, with_busybox};

use std::time::Duration;

/// A store holding a busybox image; returns the store and the image name.
#[test]
fn run_prints_output_and_returns_the_exit_code() {
    let (b, img) = with_busybox();
    b.cmd(&["run", "--rm", &img, "echo", "hi"])
        .success()
        .stdout_is("hi\n");
    b.cmd(&["run", "--rm", &img, "sh", "-c", "exit 3"]).code(3);
    b.cmd(&["run", "--rm", &img, "sh", "-c", "echo err >&2"])
        .success()
        .stderr_contains("err");
    // Under --init the shell is not pid 1, so a signal can kill it: 128+9.
    b.cmd(&["run", "--rm", "--init", &img, "sh", "-c", "kill -9 $$"])
        .code(137);
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
}

#[test]
fn missing_and_non_executable_commands_exit_127_and_126() {
    let (b, img) = with_busybox();
    b.cmd(&["run", "--rm", &img, "nope-not-here"])
        .code(127)
        .stderr_contains("Error:");
    b.cmd(&["run", "--rm", &img, "/etc/passwd"])
        .code(126)
        .stderr_contains("Error:");
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
}

#[test]
fn bad_input_fails_with_125_and_leaves_nothing() {
    let (b, img) = with_busybox();
    b.cmd(&["run", "--rm", "--memory", "lots", &img, "true"])
        .code(125);
    b.cmd(&["run", "--rm", "--bogus-flag", &img, "true"])
        .code(125);
    b.cmd(&["run", "--rm", "-u", "nosuchuser", &img, "true"])
        .code(125)
        .stderr_contains("nosuchuser");
    b.cmd(&[
        "run",
        "--rm",
        "--mount",
        "type=bind,source=/no/such/dir,target=/x",
        &img,
        "true",
    ])
    .code(125)
    .stderr_contains("/no/such/dir");
    b.cmd(&["run", "--rm", &format!("{}-missing", img), "true"])
        .code(125);
    b.cmd(&["create", "--name", "dup", &img, "true"]).success();
    b.cmd(&["create", "--name", "dup", &img, "true"])
        .code(125)
        .stderr_contains("already in use");
    b.cmd(&["ps", "-a", "--format", "{{.Names}}"])
        .success()
        .stdout_is("dup\n");
    b.cmd(&["rm", "dup"]).success().stdout_is("dup\n");
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
    let leftovers: Vec<_> = std::fs::read_dir(b.root().join("containers"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .collect()
        })
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "container dirs left: {leftovers:?}");
}

#[test]
fn detached_web_server_lifecycle() {
    let (b, img) = with_busybox();
    let id = b.cmd(&[
        "run", "-d", "--name", "web", &img, "httpd", "-f", "-p", "8080", "-h", "/etc",
    ]);
    id.success();
    assert_eq!(id.stdout_trim().len(), 64, "prints the full id");
    b.cmd(&["ps", "--format", "{{.Names}} {{.Status}}"])
        .success()
        .stdout_contains("web Up");
    let fetched = wait_until(Duration::from_secs(5), || {
        b.cmd(&["exec", "web", "wget", "-qO-", "127.0.0.1:8080/hostname"])
            .exit_code()
            == Some(0)
    });
    assert!(fetched, "httpd answered inside the container");
    b.cmd(&["exec", "web", "sh", "-c", "echo from-exec; exit 4"])
        .code(4)
        .stdout_is("from-exec\n");
    b.cmd(&["exec", "web", "nope"]).code(127);
    b.cmd(&["logs", "web"]).success();
    b.cmd(&["stop", "-t", "2", "web"])
        .success()
        .stdout_is("web\n");
    let code = b.cmd(&["inspect", "-f", "{{.State.ExitCode}}", "web"]);
    code.success();
    let n: i32 = code.stdout_trim().parse().expect("exit code");
    assert!(n == 143 || n == 137 || n == 0, "stopped by a signal: {n}");
    b.cmd(&["ps", "-a", "--format", "{{.Status}}"])
        .success()
        .stdout_contains("Exited (");
    b.cmd(&["rm", "web"]).success();
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
}

#[test]
fn logs_record_stdout_and_stderr() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "--name",
        "talker",
        &img,
        "sh",
        "-c",
        "echo out; echo err >&2; sleep 0.2; echo last",
    ])
    .success();
    b.cmd(&["logs", "talker"])
        .success()
        .stdout_is("out\nlast\n")
        .stderr_contains("err");
    b.cmd(&["logs", "--tail", "1", "talker"])
        .success()
        .stdout_is("last\n");
    b.cmd(&["logs", "-t", "talker"])
        .success()
        .stdout_contains("Z out");
    b.cmd(&["wait", "talker"]).success().stdout_is("0\n");
    b.cmd(&["rm", "talker"]).success();
}

#[test]
fn default_security_matches_docker() {
    let (b, img) = with_busybox();
    let status = b.cmd(&["run", "--rm", &img, "cat", "/proc/self/status"]);
    status
        .success()
        .stdout_contains("CapEff:\t00000000a80425fb")
        .stdout_contains("Seccomp:\t2");
    status.stdout_contains("NoNewPrivs:\t0");
    b.cmd(&["run", "--rm", &img, "mount", "-t", "tmpfs", "none", "/tmp"])
        .failure();
    b.cmd(&["run", "--rm", &img, "unshare", "-m", "true"])
        .failure();
    b.cmd(&[
        "run",
        "--rm",
        &img,
        "sh",
        "-c",
        "echo h > /proc/sysrq-trigger",
    ])
    .failure();
    b.cmd(&[
        "run",
        "--rm",
        &img,
        "sh",
        "-c",
        "echo 1 > /proc/sys/kernel/panic",
    ])
    .failure();
    b.cmd(&["run", "--rm", &img, "cat", "/proc/kcore"])
        .failure();
    b.cmd(&[
        "run",
        "--rm",
        "--privileged",
        &img,
        "mount",
        "-t",
        "tmpfs",
        "none",
        "/tmp",
    ])
    .success();
    b.cmd(&[
        "run",
        "--rm",
        "--cap-drop",
        "ALL",
        &img,
        "grep",
        "CapEff",
        "/proc/self/status",
    ])
    .success()
    .stdout_contains("0000000000000000");
    b.cmd(&[
        "run",
        "--rm",
        "--security-opt",
        "seccomp=unconfined",
        &img,
        "grep",
        "Seccomp:",
        "/proc/self/status",
    ])
    .success()
    .stdout_contains("0");
    b.cmd(&["run", "--rm", "--read-only", &img, "touch", "/x"])
        .failure();
    b.cmd(&["run", "--rm", "-u", "1000", &img, "id", "-u"])
        .success()
        .stdout_is("1000\n");
    b.cmd(&["run", "--rm", "-u", "tester", &img, "id", "-un"])
        .success()
        .stdout_is("tester\n");
    b.cmd(&["run", "--rm", "-h", "myhost", &img, "hostname"])
        .success()
        .stdout_is("myhost\n");
    b.cmd(&["run", "--rm", "-w", "/tmp", &img, "pwd"])
        .success()
        .stdout_is("/tmp\n");
    b.cmd(&[
        "run",
        "--rm",
        "-e",
        "FOO=bar",
        &img,
        "sh",
        "-c",
        "echo $FOO",
    ])
    .success()
    .stdout_is("bar\n");
    b.cmd(&["run", "--rm", &img, "sh", "-c", "echo $$"])
        .success()
        .stdout_is("1\n");
}

#[test]
fn memory_limit_oom_kills_and_inspect_says_so() {
    let (b, img) = with_busybox();
    // tail buffers its whole input: /dev/zero grows it without bound.
    let out = b.cmd(&[
        "run",
        "--name",
        "hog",
        "--memory",
        "32m",
        "--memory-swap",
        "32m",
        &img,
        "sh",
        "-c",
        "tail /dev/zero",
    ]);
    assert_eq!(out.exit_code(), Some(137), "OOM kill is SIGKILL: {out:?}");
    b.cmd(&["inspect", "-f", "{{.State.OOMKilled}}", "hog"])
        .success()
        .stdout_is("true\n");
    b.cmd(&["rm", "hog"]).success();
}

#[test]
fn pids_limit_holds() {
    let (b, img) = with_busybox();
    // The shell gives up when fork fails; each started sleeper said so first.
    let out = b.cmd(&[
        "run",
        "--rm",
        "--pids-limit",
        "20",
        &img,
        "sh",
        "-c",
        "n=0; while [ $n -lt 40 ]; do sleep 5 & echo started; n=$((n+1)); done",
    ]);
    assert_ne!(out.exit_code(), Some(0), "forking 40 processes must fail");
    out.stderr_contains("can't fork");
    let started = out.stdout.lines().filter(|l| *l == "started").count();
    assert!(
        (15..20).contains(&started),
        "at most 20 processes ran: {started} sleepers"
    );
}

#[test]
fn volumes_and_tmpfs_mount() {
    let (b, img) = with_busybox();
    let host = b.scratch("vol");
    std::fs::write(host.join("in.txt"), "from host\n").expect("write");
    let bind = format!("{}:/data", host.display());
    b.cmd(&[
        "run",
        "--rm",
        "-v",
        &bind,
        &img,
        "sh",
        "-c",
        "cat /data/in.txt; echo back > /data/out.txt",
    ])
    .success()
    .stdout_is("from host\n");
    assert_eq!(
        std::fs::read_to_string(host.join("out.txt")).unwrap_or_default(),
        "back\n"
    );
    let ro = format!("{}:/data:ro", host.display());
    b.cmd(&["run", "--rm", "-v", &ro, &img, "touch", "/data/x"])
        .failure();
    b.cmd(&[
        "run",
        "--rm",
        "-v",
        "named1:/v",
        &img,
        "sh",
        "-c",
        "echo kept > /v/f",
    ])
    .success();
    b.cmd(&["run", "--rm", "-v", "named1:/v", &img, "cat", "/v/f"])
        .success()
        .stdout_is("kept\n");
    b.cmd(&["volume", "ls", "-q"])
        .success()
        .stdout_contains("named1");
    b.cmd(&[
        "run",
        "--rm",
        "--tmpfs",
        "/scratch",
        &img,
        "sh",
        "-c",
        "mount | grep /scratch",
    ])
    .success()
    .stdout_contains("tmpfs");
    b.cmd(&["volume", "rm", "named1"]).success();
}

#[test]
fn killed_monitor_leaves_an_exited_container_that_rm_removes() {
    let (b, img) = with_busybox();
    b.cmd(&["run", "-d", "--name", "orphan", &img, "sleep", "300"])
        .success();
    let pid_out = b.cmd(&["inspect", "-f", "{{.State.Pid}}", "orphan"]);
    let pid: i32 = pid_out.stdout_trim().parse().expect("pid");
    assert!(pid > 0);
    let ppid = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("PPid:")
                    .map(|v| v.trim().parse::<i32>().ok())
            })
        })
        .flatten()
        .expect("monitor pid");
    // The monitor is this test's own process (started by its berth).
    let _ = std::process::Command::new("kill")
        .args(["-9", &ppid.to_string()])
        .status();
    let exited = wait_until(Duration::from_secs(5), || {
        b.cmd(&["ps", "-a", "--format", "{{.Status}}"])
            .stdout
            .contains("Exited")
    });
    assert!(exited, "ps shows the container exited");
    b.cmd(&["rm", "orphan"]).success();
}

#[test]
fn rm_refuses_a_running_container_without_force() {
    let (b, img) = with_busybox();
    b.cmd(&["run", "-d", "--name", "busy", &img, "sleep", "300"])
        .success();
    b.cmd(&["rm", "busy"]).code(1).stderr_contains("running");
    b.cmd(&["rm", "-f", "busy"]).success().stdout_is("busy\n");
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
}

#[test]
fn create_then_start_and_restart_policy() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "create",
        "--name",
        "later",
        &img,
        "sh",
        "-c",
        "echo started",
    ])
    .success();
    b.cmd(&["ps", "-a", "--format", "{{.Status}}"])
        .success()
        .stdout_is("Created\n");
    b.cmd(&["start", "-a", "later"])
        .success()
        .stdout_is("started\n");
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "flaky",
        "--restart",
        "on-failure:2",
        &img,
        "sh",
        "-c",
        "exit 1",
    ])
    .success();
    let done = wait_until(Duration::from_secs(10), || {
        b.cmd(&[
            "inspect",
            "-f",
            "{{.RestartCount}} {{.State.Status}}",
            "flaky",
        ])
        .stdout
        .trim()
            == "2 exited"
    });
    assert!(done, "restarted twice then stayed exited");
    b.cmd(&["rm", "-f", "later", "flaky"]).success();
}

#[test]
fn pause_unpause_and_health() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "hc",
        "--health-cmd",
        "true",
        "--health-interval",
        "1s",
        &img,
        "sleep",
        "300",
    ])
    .success();
    let healthy = wait_until(Duration::from_secs(8), || {
        b.cmd(&["inspect", "-f", "{{.State.Health.Status}}", "hc"])
            .stdout
            .trim()
            == "healthy"
    });
    assert!(healthy, "health check ran");
    b.cmd(&["pause", "hc"]).success();
    b.cmd(&["ps", "--format", "{{.Status}}"])
        .success()
        .stdout_contains("Paused");
    b.cmd(&["unpause", "hc"]).success();
    b.cmd(&["top", "hc"]).success().stdout_contains("sleep");
    b.cmd(&["stats", "--no-stream", "hc"])
        .success()
        .stdout_contains("hc");
    b.cmd(&["rm", "-f", "hc"]).success();
}

#[test]
fn a_new_named_volume_starts_with_the_images_files() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "--rm",
        "-v",
        "etcvol:/etc",
        &img,
        "grep",
        "-c",
        "tester",
        "/etc/passwd",
    ])
    .success()
    .stdout_is("1\n");
    // A reused volume keeps its own content.
    b.cmd(&[
        "run",
        "--rm",
        "-v",
        "etcvol:/etc",
        &img,
        "sh",
        "-c",
        "echo mine > /etc/passwd",
    ])
    .success();
    b.cmd(&[
        "run",
        "--rm",
        "-v",
        "etcvol:/etc",
        &img,
        "cat",
        "/etc/passwd",
    ])
    .success()
    .stdout_is("mine\n");
}

#[test]
fn a_failed_start_leaves_no_cgroup_and_no_monitor() {
    let (b, img) = with_busybox();
    let cid = b.scratch("cid").join("id");
    let cid_arg = cid.to_str().unwrap_or_default().to_string();
    b.cmd(&["run", "-d", "--cidfile", &cid_arg, &img, "no-such-command"])
        .code(127);
    let id = std::fs::read_to_string(&cid).expect("cidfile written at create");
    for hierarchy in ["pids", "memory", "cpu", "freezer", "unified"] {
        let dir = std::path::Path::new("/sys/fs/cgroup")
            .join(hierarchy)
            .join("berth")
            .join(&id);
        assert!(!dir.exists(), "cgroup left behind: {}", dir.display());
    }
    let monitors = std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
                .filter(|c| String::from_utf8_lossy(c).contains(&id))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(
        monitors, 0,
        "a monitor for the failed container is still running"
    );
    // The container stays, created-but-failed, as docker leaves it.
    b.cmd(&["inspect", "-f", "{{.State.ExitCode}}", &id])
        .success()
        .stdout_is("127\n");
    b.cmd(&["rm", &id]).success();
}

#[test]
fn start_attach_on_a_running_container_attaches() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "late",
        &img,
        "sh",
        "-c",
        "sleep 1; echo late; exit 6",
    ])
    .success();
    b.cmd(&["start", "-a", "late"]).code(6).stdout_is("late\n");
    b.cmd(&["rm", "late"]).success();
}

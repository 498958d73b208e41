//! Real containers from a busybox rootfs. Needs root; skipped otherwise.
//!
//! The test harness is multi-threaded, so each test forks a
//! single-threaded helper that calls the launcher and reports back a
//! string over a pipe.

use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::Instant;

use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};
use oci_spec::runtime::Spec;
use serde_json::json;

use super::tests::docker_spec;
use super::{exec_in, launch, LaunchError, LaunchRequest, LinuxSyscall, RootfsSource, Stdio};

fn root() -> bool {
    if nix::unistd::geteuid().is_root() {
        return true;
    }
    eprintln!("skipping: launcher tests that start real containers need root");
    false
}

/// A rootfs with a static busybox and the applets the tests use.
fn busybox_rootfs(dir: &Path) -> PathBuf {
    let rootfs = dir.join("rootfs");
    std::fs::create_dir_all(rootfs.join("bin")).unwrap();
    // A hard link, not a copy: a copy is open for writing for a moment, and a
    // test forking at that moment (tests run in threads) would inherit the
    // write fd and make every exec of it fail with ETXTBSY.
    if std::fs::hard_link("/bin/busybox", rootfs.join("bin/busybox")).is_err() {
        std::fs::copy("/bin/busybox", rootfs.join("bin/busybox")).unwrap();
    }
    for app in [
        "sh", "echo", "cat", "ls", "id", "hostname", "mount", "sleep", "touch", "grep", "true",
        "wc",
    ] {
        std::os::unix::fs::symlink("busybox", rootfs.join("bin").join(app)).unwrap();
    }
    std::fs::write(rootfs.join("notexec"), "#!/bin/sh\n").unwrap();
    rootfs
}

/// Runs `f` in a forked single-threaded process; returns what it printed.
fn isolated(f: impl FnOnce() -> String) -> String {
    let (r, w) = nix::unistd::pipe().unwrap();
    // SAFETY: the child only runs `f` and exits.
    match unsafe { fork() }.unwrap() {
        ForkResult::Child => {
            drop(r);
            let out = f();
            let _ = nix::unistd::write(&w, out.as_bytes());
            unsafe { libc::_exit(0) }
        }
        ForkResult::Parent { child } => {
            drop(w);
            let mut s = String::new();
            std::fs::File::from(r).read_to_string(&mut s).unwrap();
            waitpid(child, None).unwrap();
            s
        }
    }
}

fn read_all(fd: Option<OwnedFd>) -> String {
    let mut s = String::new();
    if let Some(fd) = fd {
        let _ = std::fs::File::from(fd).read_to_string(&mut s);
    }
    s
}

fn status(pid: Pid) -> i32 {
    match waitpid(pid, None) {
        Ok(WaitStatus::Exited(_, c)) => c,
        Ok(WaitStatus::Signaled(_, s, _)) => 128 + s as i32,
        other => panic!("unexpected wait status {other:?}"),
    }
}

fn no_user(_: &Path) -> Result<(u32, u32, Vec<u32>), String> {
    Ok((0, 0, vec![]))
}

fn req<'a>(spec: &'a Spec, rootfs: RootfsSource, stdio: Stdio) -> LaunchRequest<'a> {
    LaunchRequest {
        spec,
        rootfs,
        stdio,
        cgroup_procs: vec![],
        seccomp_install: None,
        preserve_fds: vec![],
        die_with_parent: true,
        init: false,
        resolve_user: &no_user,
        before_exec: None,
    }
}

/// Launches and reports `code=N` plus stdout, or the launch error.
fn run(req: LaunchRequest<'_>) -> String {
    match launch(&LinuxSyscall, &req) {
        Ok(l) => {
            let out = read_all(l.stdout);
            let err = read_all(l.stderr);
            format!("code={}\n{out}{err}", status(l.pid))
        }
        Err(e) => format!("error {} {e}", e.exit_code()),
    }
}

fn sh(script: &str) -> Spec {
    docker_spec(&["sh", "-c", script], json!([]))
}

#[test]
fn container_runs_isolated_with_dockers_defaults() {
    if !root() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = busybox_rootfs(tmp.path());
    let script = "echo hi; hostname; echo pid=$$; grep CapEff /proc/self/status; \
        wc -c < /proc/timer_list; touch /sys/firmware/x 2>/dev/null || echo masked-ro; \
        echo 1 2>/dev/null > /proc/sysrq-trigger || echo sysrq-ro; \
        mount -t tmpfs none /mnt 2>/dev/null || echo no-mount; ls /dev/null /dev/ptmx /dev/pts >/dev/null && echo dev-ok; exit 3";
    let spec = sh(script);
    let out = isolated(|| {
        run(req(
            &spec,
            RootfsSource::Dir(rootfs.clone()),
            Stdio::Pipes { stdin: false },
        ))
    });
    assert_eq!(
        out,
        "code=3\nhi\nberthtest\npid=1\nCapEff:\t00000000a80425fb\n0\nmasked-ro\nsysrq-ro\nno-mount\ndev-ok\n"
    );
}

#[test]
fn resolved_user_is_switched_to() {
    if !root() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = busybox_rootfs(tmp.path());
    let spec = sh("id -u; id -g; id -G; grep CapEff /proc/self/status");
    let user = |r: &Path| {
        if r.join("bin/busybox").exists() {
            Ok((1000, 1001, vec![1001, 27]))
        } else {
            Err(format!("{} is not the mounted rootfs", r.display()))
        }
    };
    let out = isolated(|| {
        let mut rq = req(
            &spec,
            RootfsSource::Dir(rootfs.clone()),
            Stdio::Pipes { stdin: false },
        );
        rq.resolve_user = &user;
        run(rq)
    });
    // A non-root user keeps no effective capabilities without ambient ones.
    assert_eq!(
        out,
        "code=0\n1000\n1001\n1001 27\nCapEff:\t0000000000000000\n"
    );
}

#[test]
fn missing_and_unrunnable_commands_map_to_127_and_126() {
    if !root() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = busybox_rootfs(tmp.path());
    let nope = docker_spec(&["nope"], json!([]));
    let out = isolated(|| run(req(&nope, RootfsSource::Dir(rootfs.clone()), Stdio::Null)));
    assert_eq!(
        out,
        "error 127 exec: \"nope\": executable file not found in $PATH"
    );
    let notexec = docker_spec(&["/notexec"], json!([]));
    let out = isolated(|| {
        run(req(
            &notexec,
            RootfsSource::Dir(rootfs.clone()),
            Stdio::Null,
        ))
    });
    assert_eq!(out, "error 126 exec: \"/notexec\": permission denied");
    let mut badcwd = docker_spec(&["true"], json!([]));
    if let Some(p) = badcwd.process_mut() {
        p.set_cwd("/x".into());
    }
    // runc's rule: a missing working directory is created.
    let out = isolated(|| run(req(&badcwd, RootfsSource::Dir(rootfs.clone()), Stdio::Null)));
    assert_eq!(out, "code=0\n");
    // One below a file cannot be.
    if let Some(p) = badcwd.process_mut() {
        p.set_cwd("/notexec/x".into());
    }
    let out = isolated(|| run(req(&badcwd, RootfsSource::Dir(rootfs.clone()), Stdio::Null)));
    assert!(
        out.starts_with("error 125 create the working directory /notexec/x"),
        "{out}"
    );
}

fn mounted(path: &Path) -> bool {
    let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let p = path.display().to_string();
    info.lines()
        .any(|l| l.split(' ').nth(4) == Some(p.as_str()))
}

#[test]
fn overlay_rootfs_lives_only_in_the_container() {
    if !root() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    busybox_rootfs(tmp.path());
    let (upper, work, merged) = (
        tmp.path().join("upper"),
        tmp.path().join("work"),
        tmp.path().join("merged"),
    );
    for d in [&upper, &work, &merged] {
        std::fs::create_dir(d).unwrap();
    }
    let src = RootfsSource::Overlay {
        layers_root: tmp.path().to_path_buf(),
        lower: vec!["rootfs".into()],
        upper: upper.clone(),
        work,
        mountpoint: merged.clone(),
    };
    let spec = sh("echo data > /newfile; cat /newfile");
    let out = isolated(|| run(req(&spec, src.clone(), Stdio::Pipes { stdin: false })));
    assert_eq!(out, "code=0\ndata\n");
    assert_eq!(
        std::fs::read_to_string(upper.join("newfile")).unwrap(),
        "data\n"
    );
    assert!(
        !mounted(&merged),
        "the overlay must not be visible on the host"
    );
    assert!(!tmp.path().join("rootfs/newfile").exists());
}

#[test]
fn pty_master_reads_the_output() {
    if !root() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = busybox_rootfs(tmp.path());
    let spec =
        sh("[ -t 0 ] && [ -t 1 ] && echo tty-hi; ls /dev/console >/dev/null && echo console");
    let out = isolated(|| {
        match launch(
            &LinuxSyscall,
            &req(&spec, RootfsSource::Dir(rootfs.clone()), Stdio::Pty),
        ) {
            Ok(l) => {
                let mut f = std::fs::File::from(l.pty_master.expect("a pty master"));
                let mut buf = Vec::new();
                // EIO once the slave side is closed by the exiting container.
                let mut chunk = [0u8; 256];
                while let Ok(n) = f.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                format!("code={}\n{}", status(l.pid), String::from_utf8_lossy(&buf))
            }
            Err(e) => format!("error {e}"),
        }
    });
    assert_eq!(out, "code=0\ntty-hi\r\nconsole\r\n");
}

#[test]
fn init_forwards_the_exit_status_and_preserved_fds_arrive_at_3() {
    if !root() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = busybox_rootfs(tmp.path());
    let spec = sh("echo pid=$$; echo via3 >&3; exit 7");
    let out = isolated(|| {
        let (r, w) = nix::unistd::pipe().unwrap();
        let mut rq = req(
            &spec,
            RootfsSource::Dir(rootfs.clone()),
            Stdio::Pipes { stdin: false },
        );
        rq.init = true;
        rq.preserve_fds = vec![w.as_raw_fd()];
        let res = run(rq);
        drop(w);
        format!("{res}fd3={}", read_all(Some(r)))
    });
    assert_eq!(out, "code=7\npid=2\nfd3=via3\n");
}

#[test]
fn exec_in_joins_the_running_container() {
    if !root() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = busybox_rootfs(tmp.path());
    let spec = docker_spec(&["sleep", "5"], json!([]));
    let out = isolated(|| {
        let l = match launch(
            &LinuxSyscall,
            &req(&spec, RootfsSource::Dir(rootfs.clone()), Stdio::Null),
        ) {
            Ok(l) => l,
            Err(e) => return format!("launch: {e}"),
        };
        let probe = docker_spec(
            &["sh", "-c", "hostname; echo $$; ls /bin/busybox"],
            json!([]),
        );
        let Some(process) = probe.process().as_ref() else {
            return "no process".into();
        };
        let res = match exec_in(
            &LinuxSyscall,
            l.pid,
            process,
            Stdio::Pipes { stdin: false },
            vec![],
            None,
        ) {
            Ok(e) => format!("code={}\n{}", status(e.pid), read_all(e.stdout)),
            Err(e) => format!("exec: {e}"),
        };
        let _ = nix::sys::signal::kill(l.pid, nix::sys::signal::Signal::SIGKILL);
        let _ = waitpid(l.pid, None);
        res
    });
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert_eq!(lines[0], "code=0");
    assert_eq!(lines[1], "berthtest");
    assert!(
        lines[2].parse::<u32>().is_ok_and(|p| p > 1),
        "a pid inside the container's namespace: {out}"
    );
    assert_eq!(lines[3], "/bin/busybox");
}

#[test]
fn launching_from_a_threaded_process_is_refused() {
    let spec = docker_spec(&["true"], json!([]));
    let _t = std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_millis(200)));
    let e = launch(
        &LinuxSyscall,
        &req(&spec, RootfsSource::Dir("/nonexistent".into()), Stdio::Null),
    )
    .unwrap_err();
    assert!(
        matches!(e, LaunchError::NotSingleThreaded(n) if n > 1),
        "{e}"
    );
}

#[test]
fn launch_to_exit_of_true_takes_a_few_milliseconds() {
    if !root() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = busybox_rootfs(tmp.path());
    let spec = docker_spec(&["true"], json!([]));
    let out = isolated(|| {
        let mut times = Vec::new();
        for _ in 0..50 {
            let t = Instant::now();
            match launch(
                &LinuxSyscall,
                &req(&spec, RootfsSource::Dir(rootfs.clone()), Stdio::Null),
            ) {
                Ok(l) => {
                    if status(l.pid) != 0 {
                        return "true failed".into();
                    }
                }
                Err(e) => return format!("launch: {e}"),
            }
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        format!(
            "min={:.2}ms median={:.2}ms",
            times[0],
            times[times.len() / 2]
        )
    });
    eprintln!("launch → exit of `true`, 50 runs: {out}");
    assert!(out.starts_with("min="), "{out}");
}

#[test]
fn container_starts_inside_the_given_cgroup() {
    if !root() {
        return;
    }
    let cg = PathBuf::from(format!(
        "/sys/fs/cgroup/pids/berth-launcher-test-{}",
        std::process::id()
    ));
    if std::fs::create_dir(&cg).is_err() {
        eprintln!("skipping: no cgroup v1 pids hierarchy to test with");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = busybox_rootfs(tmp.path());
    let spec = sh("grep pids /proc/self/cgroup");
    let procs = std::fs::OpenOptions::new()
        .write(true)
        .open(cg.join("cgroup.procs"))
        .unwrap();
    let out = isolated(|| {
        let mut rq = req(
            &spec,
            RootfsSource::Dir(rootfs.clone()),
            Stdio::Pipes { stdin: false },
        );
        rq.cgroup_procs = vec![OwnedFd::from(procs)];
        run(rq)
    });
    let _ = std::fs::remove_dir(&cg);
    let name = cg
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    assert!(
        out.starts_with("code=0\n") && out.trim_end().ends_with(&format!("pids:/{name}")),
        "{out}"
    );
}

//! Where containers' cgroups go (`--cgroups`, `--cgroup-parent`, nesting
//! below a systemd service) on the host's real cgroupfs, and the journald
//! log driver against a fake journal socket. The cgroup tests need root and
//! skip otherwise; every cgroup a test makes is removed by that test.

mod support;

use std::collections::HashMap;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::{install::is_root, wait_until, with_busybox, TestBerth};

fn inspect(b: &TestBerth, format: &str, name: &str) -> String {
    let out = b.cmd(&["inspect", "-f", format, name]);
    out.success();
    out.stdout_trim().to_string()
}

/// Unique enough for names in the shared cgroup tree.
fn random_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}-{nanos:x}", std::process::id())
}

/// Every cgroup (v1) and cgroup2 mount point of this host.
fn cgroup_mounts() -> Vec<PathBuf> {
    let info = std::fs::read_to_string("/proc/self/mountinfo").expect("read mountinfo");
    let mut out = Vec::new();
    for line in info.lines() {
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        let fstype = right.split(' ').next().unwrap_or("");
        if fstype == "cgroup" || fstype == "cgroup2" {
            if let Some(mp) = left.split(' ').nth(4) {
                let mp = PathBuf::from(support::berth::unescape_mountinfo(mp));
                if !out.contains(&mp) {
                    out.push(mp);
                }
            }
        }
    }
    out
}

/// `/proc/<pid>/cgroup` as controller list → path.
fn proc_cgroups(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let mut p = l.splitn(3, ':');
            let _ = p.next()?;
            Some((p.next()?.to_string(), p.next()?.to_string()))
        })
        .collect()
}

/// The memory hierarchy's line of a /proc/<pid>/cgroup text (v1), or the
/// unified one on a pure v2 host.
fn memory_path(text: &str) -> String {
    let map = proc_cgroups(text);
    map.iter()
        .find(|(k, _)| k.split(',').any(|c| c == "memory"))
        .or_else(|| map.iter().find(|(k, _)| k.is_empty()))
        .map(|(_, v)| v.clone())
        .expect("a memory or unified cgroup line")
}

fn is_v2_only() -> bool {
    !cgroup_mounts()
        .iter()
        .any(|m| m.join("memory.stat").exists() && m.join("tasks").exists())
        && Path::new("/sys/fs/cgroup/cgroup.controllers").exists()
}

/// Remove `rel` (and any sub-cgroups left in it) from every hierarchy,
/// retrying while the kernel finishes with exited tasks.
fn remove_cgroup_everywhere(rel: &str) {
    fn rm(dir: &Path) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                    rm(&e.path());
                }
            }
        }
        wait_until(Duration::from_secs(5), || {
            std::fs::remove_dir(dir).is_ok() || !dir.exists()
        });
    }
    for m in cgroup_mounts() {
        let d = m.join(rel.trim_start_matches('/'));
        if d.exists() {
            rm(&d);
        }
    }
}

#[test]
fn cgroups_disabled_keeps_the_container_in_berths_cgroup() {
    if !is_root() {
        eprintln!("skipped: needs root for real cgroups");
        return;
    }
    let (b, img) = with_busybox();
    let own = std::fs::read_to_string("/proc/self/cgroup").expect("own cgroup");
    // Foreground: berth is our child, in our cgroup; so is the container.
    let out = b.cmd(&[
        "run",
        "--rm",
        "--cgroups=disabled",
        &img,
        "cat",
        "/proc/self/cgroup",
    ]);
    out.success();
    if is_v2_only() {
        // A private cgroup namespace rooted at berth's own cgroup.
        assert_eq!(out.stdout_trim(), "0::/");
    } else {
        assert_eq!(proc_cgroups(out.stdout_trim()), proc_cgroups(&own));
    }

    let id = b.cmd(&[
        "run",
        "-d",
        "--name",
        "nocg",
        "--cgroups=disabled",
        &img,
        "sleep",
        "60",
    ]);
    id.success();
    let id = id.stdout_trim().to_string();
    let pid = inspect(&b, "{{.State.Pid}}", "nocg");
    let theirs = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).expect("its cgroup");
    assert_eq!(proc_cgroups(&theirs), proc_cgroups(&own));
    for m in cgroup_mounts() {
        assert!(
            !m.join("berth").join(&id).exists(),
            "no cgroup under {}",
            m.display()
        );
    }
    b.cmd(&["stats", "--no-stream", "nocg"])
        .code(1)
        .stderr_contains("--cgroups=disabled");
    b.cmd(&["pause", "nocg"])
        .code(1)
        .stderr_contains("--cgroups=disabled");
    b.cmd(&["rm", "-f", "nocg"]).success();
}

#[test]
fn cgroups_disabled_refuses_resource_limits() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "--rm",
        "--cgroups=disabled",
        "--memory",
        "10m",
        &img,
        "true",
    ])
    .code(125)
    .stderr_contains("--cgroups=disabled");
    b.cmd(&["create", "--cgroups=sometimes", &img, "true"])
        .code(125)
        .stderr_contains("invalid --cgroups");
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
}

#[test]
fn cgroup_parent_places_the_container_and_rm_removes_it() {
    if !is_root() {
        eprintln!("skipped: needs root for real cgroups");
        return;
    }
    let (b, img) = with_busybox();
    b.cmd(&["create", "--cgroup-parent", "/a/../../etc", &img, "true"])
        .code(125)
        .stderr_contains("invalid --cgroup-parent");
    let parent = format!("/berth-test-{}", random_suffix());
    let out = b.cmd(&[
        "run",
        "-d",
        "--name",
        "cp",
        "--cgroup-parent",
        &parent,
        &img,
        "sleep",
        "60",
    ]);
    out.success();
    let id = out.stdout_trim().to_string();
    let pid = inspect(&b, "{{.State.Pid}}", "cp");
    let text = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).expect("its cgroup");
    let mem = memory_path(&text);
    assert_eq!(mem, format!("{parent}/{id}"), "{text}");
    assert_eq!(inspect(&b, "{{.HostConfig.CgroupParent}}", "cp"), parent);
    // Other commands find it from the record, not from the default place.
    b.cmd(&[
        "stats",
        "--no-stream",
        "--format",
        "{{.Name}} {{.PIDs}}",
        "cp",
    ])
    .success()
    .stdout_is("cp 1\n");
    let exec = b.cmd(&["exec", "cp", "cat", "/proc/self/cgroup"]);
    exec.success();
    assert_eq!(
        memory_path(exec.stdout_trim()),
        mem,
        "exec joins the same cgroup"
    );
    b.cmd(&["pause", "cp"]).success();
    b.cmd(&["unpause", "cp"]).success();
    b.cmd(&["rm", "-f", "cp"]).success();
    let leaf = cgroup_mounts()
        .into_iter()
        .map(|m| m.join(parent.trim_start_matches('/')).join(&id))
        .find(|d| d.exists());
    remove_cgroup_everywhere(&parent);
    assert_eq!(leaf, None, "rm removes the container's cgroup");
}

#[test]
fn foreground_run_in_a_systemd_service_nests_below_the_unit() {
    if !is_root() {
        eprintln!("skipped: needs root for real cgroups");
        return;
    }
    let (b, img) = with_busybox();
    let unit = format!("berth-unit-test-{}.service", random_suffix());
    // A "unit" cgroup in every hierarchy, as systemd would make it.
    let mut procs = Vec::new();
    for m in cgroup_mounts() {
        let dir = m.join(&unit);
        std::fs::create_dir(&dir).expect("create the unit cgroup");
        // A v1 cpuset cgroup takes no tasks until it has cpus and mems.
        for f in ["cpuset.cpus", "cpuset.mems"] {
            if let Ok(v) = std::fs::read_to_string(m.join(f)) {
                std::fs::write(dir.join(f), v.trim()).expect("init cpuset");
            }
        }
        procs.push(dir.join("cgroup.procs"));
    }
    let script = procs
        .iter()
        .map(|p| format!("echo $$ > '{}' || exit 99; ", p.display()))
        .collect::<String>()
        + "exec \"$@\"";
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .arg("sh")
        .arg(support::berth::BERTH)
        .arg("--root")
        .arg(b.root())
        .arg("--runroot")
        .arg(b.runroot())
        .args(["run", "--rm", &img, "cat", "/proc/self/cgroup"])
        .env("INVOCATION_ID", "0123456789abcdef0123456789abcdef")
        .output()
        .expect("run sh");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    remove_cgroup_everywhere(&format!("/{unit}"));
    assert!(out.status.success(), "{stderr}");
    let below = format!("/{unit}/berth-");
    for (ctrls, path) in proc_cgroups(&stdout) {
        let joined = ctrls.is_empty()
            || ctrls.split(',').any(|c| {
                [
                    "memory",
                    "pids",
                    "cpu",
                    "freezer",
                    "name=systemd",
                    "devices",
                ]
                .contains(&c)
            });
        if joined {
            assert!(path.starts_with(&below), "{ctrls}: {path}\n{stdout}");
        }
    }
    for m in cgroup_mounts() {
        assert!(!m.join(&unit).exists(), "cleanup of {}", m.display());
    }
}

/// One decoded native-protocol datagram (both field encodings).
fn decode(mut data: &[u8]) -> HashMap<String, Vec<u8>> {
    let mut out = HashMap::new();
    while let Some(end) = data.iter().position(|&b| b == b'\n' || b == b'=') {
        let name = String::from_utf8_lossy(&data[..end]).into_owned();
        let rest = &data[end + 1..];
        if data[end] == b'=' {
            let nl = rest.iter().position(|&b| b == b'\n').expect("newline");
            out.insert(name, rest[..nl].to_vec());
            data = &rest[nl + 1..];
        } else {
            let len = u64::from_le_bytes(rest[..8].try_into().expect("length")) as usize;
            out.insert(name, rest[8..8 + len].to_vec());
            assert_eq!(rest[8 + len], b'\n');
            data = &rest[8 + len + 1..];
        }
    }
    out
}

#[test]
fn journald_driver_sends_each_line_with_dockers_fields() {
    let (mut b, img) = with_busybox();
    let sock_path = b.scratch("journal").join("socket");
    let sock = UnixDatagram::bind(&sock_path).expect("bind the fake journal");
    sock.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    b.env("BERTH_JOURNAL_SOCKET", Some(&sock_path.to_string_lossy()));
    let out = b.cmd(&[
        "run",
        "--name",
        "jr",
        "--log-driver",
        "journald",
        "--log-opt",
        "tag=two\nlines",
        &img,
        "sh",
        "-c",
        "echo out1; echo err1 >&2; echo out2",
    ]);
    out.success().stdout_is("out1\nout2\n");
    let id = inspect(&b, "{{.Id}}", "jr");
    let mut got = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    while got.len() < 3 {
        let n = sock.recv(&mut buf).expect("a journal datagram");
        got.push(decode(&buf[..n]));
    }
    let text = |m: &HashMap<String, Vec<u8>>, k: &str| {
        String::from_utf8_lossy(m.get(k).map(Vec::as_slice).unwrap_or_default()).into_owned()
    };
    let mut lines: Vec<(String, String)> = got
        .iter()
        .map(|m| (text(m, "MESSAGE"), text(m, "PRIORITY")))
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [("err1", "3"), ("out1", "6"), ("out2", "6")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
    for m in &got {
        assert_eq!(text(m, "CONTAINER_NAME"), "jr");
        assert_eq!(text(m, "CONTAINER_ID_FULL"), id);
        assert_eq!(text(m, "CONTAINER_ID"), id[..12]);
        assert_eq!(
            text(m, "SYSLOG_IDENTIFIER"),
            "two\nlines",
            "binary-safe form"
        );
        assert_eq!(text(m, "IMAGE_NAME"), img);
    }
    b.cmd(&["logs", "jr"])
        .code(1)
        .stderr_contains("does not support reading");
    // No journal where berth looks: refused at create, as docker does.
    b.env(
        "BERTH_JOURNAL_SOCKET",
        Some("/nonexistent/berth-journal.sock"),
    );
    b.cmd(&["create", "--log-driver", "journald", &img, "true"])
        .code(125)
        .stderr_contains("journald");
}

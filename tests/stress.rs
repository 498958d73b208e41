//! Many berth processes on one store, and berth killed at random points.
//!
//! - `concurrency_*`: N threads (16; 64 with BERTH_LONG=1) each run a
//!   seeded random mix of commands for a fixed time (BERTH_STRESS_SECS,
//!   default 15 s; 120 s long). Afterwards the store is consistent
//!   (`system check`), every success is reflected in it, and nothing leaks:
//!   no held lock, mount, veth, lease, cgroup or monitor process.
//! - `crash_*`: SIGKILL of berth (by the pid this test started) at seeded
//!   random moments of pull, load, build, commit, run and rm, ≥ 200 kill
//!   points with BERTH_LONG=1; the next commands recover and `system check`
//!   is clean.

mod support;

use std::collections::BTreeSet;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{with_busybox, TestBerth};

fn long() -> bool {
    std::env::var("BERTH_LONG").is_ok_and(|v| v == "1")
}

/// xorshift: reproducible from the seed printed on failure.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What one worker believes exists once it is done.
#[derive(Default)]
struct Expect {
    volumes: BTreeSet<String>,
    tags: BTreeSet<String>,
    networks: BTreeSet<String>,
    /// Every container id a worker started (all removed by the end).
    ids: Vec<String>,
}

fn worker(b: &TestBerth, img: &str, w: usize, seed: u64, until: Instant) -> Expect {
    let mut rng = Rng(seed);
    let mut exp = Expect::default();
    let mut running: Vec<String> = Vec::new();
    let ctx = b.scratch(&format!("ctx{w}"));
    let _ = std::fs::write(
        ctx.join("Dockerfile"),
        format!("FROM {img}\nRUN echo {w} > /w\n"),
    );
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        let name = format!("w{w}-{n}");
        match rng.below(10) {
            0 | 1 => {
                let net = if rng.below(3) == 0 { "bridge" } else { "none" };
                let out = b.cmd(&[
                    "run",
                    "-d",
                    "--network",
                    net,
                    "--name",
                    &name,
                    img,
                    "sleep",
                    // Outlives the run, so every exec finds it running.
                    "100000",
                ]);
                if out.exit_code() == Some(0) {
                    exp.ids.push(out.stdout_trim().to_string());
                    running.push(name);
                }
            }
            2 if !running.is_empty() => {
                let c = &running[rng.below(running.len() as u64) as usize];
                b.cmd(&["exec", c, "true"]).success();
            }
            3 if !running.is_empty() => {
                let c = running.remove(rng.below(running.len() as u64) as usize);
                b.cmd(&["stop", "-t", "0", &c]).success();
                b.cmd(&["rm", &c]).success();
            }
            4 if !running.is_empty() => {
                let c = running.remove(rng.below(running.len() as u64) as usize);
                b.cmd(&["rm", "-f", &c]).success();
            }
            5 => {
                let tag = format!("stress/w{w}:t{n}");
                b.cmd(&["tag", img, &tag]).success();
                if rng.below(2) == 0 {
                    b.cmd(&["rmi", &tag]).success();
                } else {
                    exp.tags.insert(tag);
                }
            }
            6 => {
                let v = format!("v{w}-{n}");
                b.cmd(&["volume", "create", &v]).success();
                if rng.below(2) == 0 {
                    b.cmd(&["volume", "rm", &v]).success();
                } else {
                    exp.volumes.insert(v);
                }
            }
            7 => {
                let net = format!("n{w}-{n}");
                let out = b.cmd(&["network", "create", &net]);
                // Subnets can run out with 64 workers; that is a clean refusal.
                if out.exit_code() == Some(0) {
                    if rng.below(2) == 0 {
                        b.cmd(&["network", "rm", &net]).success();
                    } else {
                        exp.networks.insert(net);
                    }
                } else {
                    out.stderr_contains("Error: ");
                }
            }
            8 => {
                let tag = format!("stress/build{w}:{n}");
                b.cmd(&["build", "-q", "-t", &tag, &ctx.display().to_string()])
                    .success();
                exp.tags.insert(tag);
            }
            _ => {
                b.cmd(&["pull", "-q", img]).success();
            }
        }
    }
    for c in running {
        b.cmd(&["rm", "-f", &c]).success();
    }
    exp
}

/// Processes whose command line mentions the store: monitors, helpers.
fn processes_of(store: &Path) -> Vec<String> {
    let needle = store.display().to_string();
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        if cmd.contains(&needle) {
            found.push(format!("{}: {cmd}", e.file_name().to_string_lossy()));
        }
    }
    found
}

/// Every lock file in the store can be taken exclusively right now.
fn no_lock_held(root: &Path) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() && !ft.is_symlink() && !p.ends_with("diff") && !p.ends_with("merged") {
                stack.push(p);
            } else if ft.is_file() && p.extension().is_some_and(|x| x == "lock") {
                let f = std::fs::File::open(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                // SAFETY: flock on an fd we own.
                let r = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
                assert_eq!(r, 0, "lock {} is still held", p.display());
            }
        }
    }
}

fn nothing_leaked(b: &TestBerth, ids: &[String]) {
    b.cmd(&["system", "check"]).success();
    no_lock_held(b.root());
    let mounts = support::berth::mounts_under(b.root());
    assert!(mounts.is_empty(), "mounts left: {mounts:?}");
    let procs = processes_of(b.root());
    assert!(procs.is_empty(), "processes left: {procs:?}");
    let links = Command::new("ip")
        .args(["-o", "link"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let leases = std::fs::read_to_string(b.root().join("networks/leases.json")).unwrap_or_default();
    for id in ids {
        let veth = format!("vb{}", &id[..8]);
        assert!(!links.contains(&veth), "veth of {id} left");
        assert!(!leases.contains(id.as_str()), "lease of {id} left");
        for h in ["memory", "pids", "cpu"] {
            let dir = Path::new("/sys/fs/cgroup").join(h).join("berth").join(id);
            assert!(!dir.exists(), "cgroup {} left", dir.display());
        }
    }
}

#[test]
fn concurrency_many_berths_on_one_store_stay_consistent() {
    let workers = if long() { 64 } else { 16 };
    let secs = std::env::var("BERTH_STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if long() { 120 } else { 15 });
    let (b, img) = with_busybox();
    let b = Arc::new(b);
    let until = Instant::now() + Duration::from_secs(secs);
    let seed = 0x5eed_0001u64;
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let b = Arc::clone(&b);
            let img = img.clone();
            std::thread::spawn(move || worker(&b, &img, w, seed + w as u64 * 7919, until))
        })
        .collect();
    let mut expected = Expect::default();
    for h in handles {
        let e = h
            .join()
            .unwrap_or_else(|_| panic!("a worker failed (seed {seed:#x})"));
        expected.volumes.extend(e.volumes);
        expected.tags.extend(e.tags);
        expected.networks.extend(e.networks);
        expected.ids.extend(e.ids);
    }
    // Every success is in the store.
    let vols = b.cmd(&["volume", "ls", "-q"]).success().stdout.clone();
    for v in &expected.volumes {
        assert!(vols.lines().any(|l| l == v), "volume {v} lost");
    }
    let tags = b
        .cmd(&["images", "--format", "{{.Repository}}:{{.Tag}}"])
        .success()
        .stdout
        .clone();
    for t in &expected.tags {
        assert!(tags.lines().any(|l| l == t), "tag {t} lost");
    }
    let nets = b
        .cmd(&["network", "ls", "--format", "{{.Name}}"])
        .success()
        .stdout
        .clone();
    for n in &expected.networks {
        assert!(nets.lines().any(|l| l == n), "network {n} lost");
    }
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
    assert!(!expected.ids.is_empty(), "no container ran");
    nothing_leaked(&b, &expected.ids);
    for n in &expected.networks {
        b.cmd(&["network", "rm", n]).success();
    }
}

/// Starts `args`, kills it after `delay`, and reaps it.
fn kill_after(b: &TestBerth, args: &[&str], input: Option<&[u8]>, delay: Duration) {
    let mut cmd = b.command(args);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn berth: {e}"));
    if let (Some(data), Some(mut stdin)) = (input, child.stdin.take()) {
        let data = data.to_vec();
        std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(&data);
        });
    }
    std::thread::sleep(delay);
    let pid = child.id() as i32;
    assert!(pid > 1);
    // SAFETY: kill(2) of the child this test spawned.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let _ = child.wait();
}

#[test]
fn crash_kill_9_at_random_points_then_recover() {
    let points = if long() { 200 } else { 24 };
    let (b, img) = with_busybox();
    let ctx = b.scratch("ctx");
    let _ = std::fs::write(
        ctx.join("Dockerfile"),
        format!("FROM {img}\nRUN echo one > /one\nRUN echo two > /two\n"),
    );
    let ctx_arg = ctx.display().to_string();
    let saved = b.scratch("saved").join("img.tar");
    b.cmd(&["save", "-o", &saved.display().to_string(), &img])
        .success();
    let archive = std::fs::read(&saved).unwrap_or_default();
    b.cmd(&["create", "--name", "base", &img, "sh", "-c", "echo hi > /f"])
        .success();
    let mut rng = Rng(0xc0ffee);
    for point in 0..points {
        let delay = Duration::from_millis(rng.below(60));
        let name = format!("k{point}");
        let tag = format!("crash/t:{point}");
        match rng.below(7) {
            0 => kill_after(&b, &["pull", "-q", &img], None, delay),
            1 => kill_after(&b, &["load"], Some(&archive), delay),
            2 => kill_after(
                &b,
                &["build", "-q", "--no-cache", "-t", &tag, &ctx_arg],
                None,
                delay,
            ),
            3 => kill_after(&b, &["commit", "base", &tag], None, delay),
            4 => kill_after(
                &b,
                &[
                    "run",
                    "-d",
                    "--network",
                    "none",
                    "--name",
                    &name,
                    &img,
                    "sleep",
                    "30",
                ],
                None,
                delay,
            ),
            5 => kill_after(
                &b,
                &["run", "--rm", "--network", "none", &img, "sleep", "1"],
                None,
                delay,
            ),
            _ => {
                b.cmd(&[
                    "run",
                    "-d",
                    "--network",
                    "none",
                    "--name",
                    &name,
                    &img,
                    "sleep",
                    "30",
                ]);
                kill_after(&b, &["rm", "-f", &name], None, delay);
            }
        }
        // The next ordinary commands recover on their own.
        b.cmd(&["ps", "-a"]).success();
        b.cmd(&["images"]).success();
    }
    // Clean up what the killed commands left running, through berth.
    let left = b.cmd(&["ps", "-aq"]).success().stdout.clone();
    for id in left.lines() {
        b.cmd(&["rm", "-f", id]).success();
    }
    let check = b.cmd(&["system", "check"]);
    assert!(
        check.exit_code() == Some(0),
        "after {points} kill points: {}{}",
        check.stdout,
        check.stderr
    );
    // And the store still works.
    b.cmd(&["pull", "-q", &img]).success();
    b.cmd(&["run", "--rm", "--network", "none", &img, "true"])
        .success();
    nothing_leaked(&b, &[]);
}

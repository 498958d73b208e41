//! Runs the real `berth` binary in an isolated store: every [`TestBerth`]
//! owns its `--root`, `--runroot` and config dirs, so parallel tests never
//! see each other's images or containers.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The binary cargo built for this test run.
pub const BERTH: &str = env!("CARGO_BIN_EXE_berth");

/// How long one command may run before the test fails instead of hanging
/// CI; override per call with [`TestBerth::cmd_timeout`] or globally with
/// `BERTH_TEST_TIMEOUT` (seconds).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// A fresh, empty berth store for one test.
pub fn berth() -> TestBerth {
    TestBerth::new()
}

pub struct TestBerth {
    root: PathBuf,
    runroot: PathBuf,
    config: PathBuf,
    env: Vec<(OsString, Option<OsString>)>,
    /// Commands run as this unprivileged user (rootless tests).
    user: Option<super::rootless::TestUser>,
    /// The user's default store (no --root/--runroot), under a HOME in `dir`.
    default_store: bool,
    // Last: dropped after `Drop::drop` has unmounted what lives inside.
    dir: TempDir,
}

impl TestBerth {
    pub fn new() -> TestBerth {
        let dir = tempfile::Builder::new()
            .prefix("berth-test-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temp dir for the test store: {e}"));
        // Canonical, so paths compare equal to the ones in /proc/self/mountinfo.
        let base = dir
            .path()
            .canonicalize()
            .unwrap_or_else(|e| panic!("cannot resolve {}: {e}", dir.path().display()));
        let root = base.join("root");
        let runroot = base.join("run");
        let config = base.join("config");
        for d in [&root, &runroot, &config.join("docker")] {
            std::fs::create_dir_all(d)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", d.display()));
        }
        // Keep the user's docker/berth config out of the test, and keep the
        // test's `login` out of the user's config.
        let env = vec![
            ("DOCKER_CONFIG".into(), Some(config.join("docker").into())),
            (
                "REGISTRY_AUTH_FILE".into(),
                Some(config.join("auth.json").into()),
            ),
            ("XDG_CONFIG_HOME".into(), Some(config.clone().into())),
            ("NO_COLOR".into(), Some("1".into())),
        ];
        TestBerth {
            root,
            runroot,
            config,
            env,
            user: None,
            default_store: false,
            dir,
        }
    }

    /// A store in `user`'s home that every command uses as that user,
    /// through `runuser` with a clean environment.
    pub fn as_user(user: &super::rootless::TestUser) -> TestBerth {
        let dir = tempfile::Builder::new()
            .prefix("berth-test-")
            .tempdir_in(&user.home)
            .unwrap_or_else(|e| panic!("cannot create a temp dir in {}: {e}", user.home.display()));
        let mut b = TestBerth::new();
        let base = dir.path().to_path_buf();
        b.root = base.join("root");
        b.runroot = base.join("run");
        b.config = base.join("config");
        for d in [
            &b.root,
            &b.runroot,
            &b.config.join("docker"),
            &base.join("home"),
        ] {
            std::fs::create_dir_all(d)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", d.display()));
        }
        b.env = vec![
            ("DOCKER_CONFIG".into(), Some(b.config.join("docker").into())),
            ("XDG_CONFIG_HOME".into(), Some(b.config.clone().into())),
            ("NO_COLOR".into(), Some("1".into())),
        ];
        chown_tree(&base, user.uid, user.gid);
        b.user = Some(user.clone());
        b.dir = dir;
        b
    }

    /// As [`as_user`](Self::as_user), but berth picks its default rootless
    /// store: HOME is a directory inside the test's temp dir.
    pub fn as_user_default_store(user: &super::rootless::TestUser) -> TestBerth {
        let mut b = TestBerth::as_user(user);
        b.default_store = true;
        b.root = b.dir.path().join("home/.local/share/berth");
        b
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn runroot(&self) -> &Path {
        &self.runroot
    }

    /// The per-test `DOCKER_CONFIG` directory (`config.json` lives here).
    pub fn docker_config(&self) -> PathBuf {
        self.config.join("docker")
    }

    /// A scratch directory for the test's own files (contexts, volumes...).
    pub fn scratch(&self, name: &str) -> PathBuf {
        let p = self.dir.path().join("scratch").join(name);
        std::fs::create_dir_all(&p)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", p.display()));
        p
    }

    /// Sets (or with `None`, removes) an environment variable for every
    /// later command.
    pub fn env(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.map(Into::into)));
        self
    }

    /// A `Command` for the binary with the store flags already in front,
    /// for tests that need to spawn and interact (signals, detached runs).
    pub fn command(&self, args: &[&str]) -> Command {
        if let Some(user) = &self.user {
            return self.user_command(user, args);
        }
        let mut c = Command::new(BERTH);
        c.arg("--root")
            .arg(&self.root)
            .arg("--runroot")
            .arg(&self.runroot);
        c.args(args);
        for (k, v) in &self.env {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c
    }

    fn user_command(&self, user: &super::rootless::TestUser, args: &[&str]) -> Command {
        let home = if self.default_store {
            self.dir.path().join("home")
        } else {
            user.home.clone()
        };
        let mut c = Command::new("runuser");
        c.args(["-u", &user.name, "--", "env", "-i"]);
        c.arg(format!("HOME={}", home.display()));
        c.arg(format!("USER={}", user.name));
        c.arg(format!("LOGNAME={}", user.name));
        c.arg("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (k, v) in &self.env {
            if let Some(v) = v {
                let mut kv = k.clone();
                kv.push("=");
                kv.push(v);
                c.arg(kv);
            }
        }
        c.arg(BERTH);
        if !self.default_store {
            c.arg("--root")
                .arg(&self.root)
                .arg("--runroot")
                .arg(&self.runroot);
        }
        c.args(args);
        c
    }

    /// Runs `berth --root R --runroot RR ARGS...` to completion with no
    /// stdin.
    pub fn cmd(&self, args: &[&str]) -> Output {
        self.run(args, None, timeout())
    }

    /// As [`cmd`](Self::cmd), with `input` written to the command's stdin.
    pub fn cmd_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        self.run(args, Some(input), timeout())
    }

    pub fn cmd_timeout(&self, args: &[&str], limit: Duration) -> Output {
        self.run(args, None, limit)
    }

    fn run(&self, args: &[&str], input: Option<&[u8]>, limit: Duration) -> Output {
        let mut command = self.command(args);
        command
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {BERTH}: {e}; did cargo build the binary?"));
        if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
            let input = input.to_vec();
            // A writer thread, so a command that never reads cannot block us.
            thread::spawn(move || stdin.write_all(&input));
        }
        let out = reader(child.stdout.take());
        let err = reader(child.stderr.take());
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > limit => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "berth {args:?} still running after {limit:?}; killed it\nstdout: {}\nstderr: {}",
                        String::from_utf8_lossy(&out.join().unwrap_or_default()),
                        String::from_utf8_lossy(&err.join().unwrap_or_default()),
                    );
                }
                Ok(None) => thread::sleep(Duration::from_millis(5)),
                Err(e) => panic!("waiting for berth {args:?}: {e}"),
            }
        };
        Output {
            args: args.iter().map(|s| s.to_string()).collect(),
            status,
            stdout: String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned(),
            stderr: String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned(),
        }
    }
}

impl Default for TestBerth {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestBerth {
    /// Overlay and bind mounts left by a failed test would make the temp
    /// dir impossible to remove; detach them (deepest first) and let
    /// `TempDir` delete the rest.
    fn drop(&mut self) {
        if self.user.is_some() {
            // The user's containers, mounts and the files its ids own are
            // only fully visible inside its namespace: let berth remove
            // them; root deletes what is left with the temp dir.
            let _ = self
                .command(&["system", "reset", "--force"])
                .stdin(std::process::Stdio::null())
                .output();
            return;
        }
        // Bridges and firewall rules live on the host, not in the temp dir:
        // a store that used networks removes them (and its containers).
        if self.root.join("networks").exists() {
            let _ = self
                .command(&["system", "reset", "--force"])
                .stdin(std::process::Stdio::null())
                .output();
        }
        let base = self
            .root
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut mounts = mounts_under(&base);
        mounts.sort_by_key(|m| std::cmp::Reverse(m.components().count()));
        for m in mounts {
            let _ = lazy_unmount(&m);
        }
    }
}

fn chown_tree(path: &Path, uid: u32, gid: u32) {
    let _ = std::os::unix::fs::lchown(path, Some(uid), Some(gid));
    if let Ok(entries) = std::fs::read_dir(path) {
        for e in entries.flatten() {
            chown_tree(&e.path(), uid, gid);
        }
    }
}

fn timeout() -> Duration {
    std::env::var("BERTH_TEST_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_TIMEOUT)
}

fn reader<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// Mount points at or below `base`, from /proc/self/mountinfo.
pub fn mounts_under(base: &Path) -> Vec<PathBuf> {
    let Ok(info) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return Vec::new();
    };
    info.lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(|p| PathBuf::from(unescape_mountinfo(p)))
        .filter(|p| p.starts_with(base))
        .collect()
}

/// mountinfo writes space, tab, newline and backslash as `\ooo` octal.
pub fn unescape_mountinfo(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let octal = b
            .get(i + 1..i + 4)
            .filter(|d| b[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match octal {
            Some(d) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn lazy_unmount(path: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    let rc = unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// What one berth command did. The assertion helpers panic with the whole
/// command, exit code, stdout and stderr, so a failing test explains itself.
#[derive(Debug)]
pub struct Output {
    pub args: Vec<String>,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The exit code; `None` when killed by a signal.
    pub fn exit_code(&self) -> Option<i32> {
        self.status.code()
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        if !self.status.success() {
            self.fail("expected success");
        }
        self
    }

    /// Asserts a non-zero exit (any code).
    #[track_caller]
    pub fn failure(&self) -> &Self {
        if self.status.success() {
            self.fail("expected failure");
        }
        self
    }

    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        if self.status.code() != Some(code) {
            self.fail(&format!("expected exit code {code}"));
        }
        self
    }

    #[track_caller]
    pub fn stdout_contains(&self, needle: &str) -> &Self {
        if !self.stdout.contains(needle) {
            self.fail(&format!("expected stdout to contain {needle:?}"));
        }
        self
    }

    #[track_caller]
    pub fn stderr_contains(&self, needle: &str) -> &Self {
        if !self.stderr.contains(needle) {
            self.fail(&format!("expected stderr to contain {needle:?}"));
        }
        self
    }

    #[track_caller]
    pub fn stdout_is(&self, expected: &str) -> &Self {
        if self.stdout != expected {
            self.fail(&format!("expected stdout to be exactly {expected:?}"));
        }
        self
    }

    /// Stdout without the trailing newline(s), e.g. an id printed by `-q`.
    pub fn stdout_trim(&self) -> &str {
        self.stdout.trim_end_matches('\n')
    }

    pub fn stdout_lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    #[track_caller]
    fn fail(&self, what: &str) -> ! {
        panic!(
            "{what}: berth {:?} exited with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args, self.status, self.stdout, self.stderr
        )
    }
}

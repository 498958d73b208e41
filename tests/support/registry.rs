//! A real `docker-registry` (docker distribution 2.8, Debian's package) on a
//! free loopback port, started once per test binary. It dies with the test
//! binary: PR_SET_PDEATHSIG covers crashes and kills, an `atexit` hook
//! covers the normal exit and also removes its storage.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use super::http::{self, Response};
use super::install;

pub const TEST_USER: &str = "testuser";
pub const TEST_PASSWORD: &str = "testpass";

/// bcrypt (cost 5) of `testpass`, the only hash docker-registry's htpasswd
/// accepts. Made once with Python's `crypt.crypt("testpass",
/// crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32))`, so the tests need
/// neither apache2-utils nor a bcrypt crate.
const TEST_HTPASSWD: &str =
    "testuser:$2b$05$gfd6OaA0bT2dYBmeH53azOTKdGmuAbplBNVSAtHT7gZic7SgMl/xW\n";

const ORPHAN_PREFIX: &str = "berth-test-registry-";
/// Holds the pid of the test binary that owns a registry dir.
const OWNER_FILE: &str = "owner.pid";

const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// Every manifest type the harness pushes; sent as `Accept` when reading.
pub const MANIFEST_TYPES: &[&str] = &[
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// The anonymous registry shared by all tests of this binary.
pub fn registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| Registry::start(false))
}

/// A second registry that requires `testuser`/`testpass` (htpasswd auth).
pub fn auth_registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| Registry::start(true))
}

pub struct Registry {
    addr: String,
    dir: PathBuf,
    pid: u32,
    auth: bool,
}

impl Registry {
    /// `127.0.0.1:PORT`, the host part of image references.
    pub fn addr(&self) -> String {
        self.addr.clone()
    }

    /// `127.0.0.1:PORT/REPO:TAG`.
    pub fn image(&self, repo: &str, tag: &str) -> String {
        format!("{}/{repo}:{tag}", self.addr)
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `Some((user, password))` for the auth registry.
    pub fn credentials(&self) -> Option<(&'static str, &'static str)> {
        self.auth.then_some((TEST_USER, TEST_PASSWORD))
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Root of the registry's filesystem storage
    /// (`docker/registry/v2/...` below it).
    pub fn storage_dir(&self) -> PathBuf {
        self.dir.join("storage")
    }

    /// A request with the registry's credentials (if any) attached.
    /// `path_or_url` may be a path (`/v2/...`) or an absolute URL, as upload
    /// `Location` headers are.
    pub fn request(
        &self,
        method: &str,
        path_or_url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Response {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_string()
        } else {
            self.url(path_or_url)
        };
        let auth = self.credentials().map(|(u, p)| http::basic_auth(u, p));
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if let Some(auth) = &auth {
            all.push(("Authorization", auth));
        }
        http::request(method, &url, &all, body)
    }

    /// GET without credentials, to check what anonymous clients see.
    pub fn get_anonymous(&self, path: &str) -> Response {
        http::request("GET", &self.url(path), &[], None)
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[], None)
    }

    /// GET a manifest (tag or digest), accepting every manifest type.
    pub fn manifest(&self, repo: &str, reference: &str) -> Response {
        let accept = MANIFEST_TYPES.join(", ");
        self.request(
            "GET",
            &format!("/v2/{repo}/manifests/{reference}"),
            &[("Accept", &accept)],
            None,
        )
    }

    pub fn blob(&self, repo: &str, digest: &str) -> Response {
        self.request("GET", &format!("/v2/{repo}/blobs/{digest}"), &[], None)
    }

    /// The repository's tags, sorted; empty when it does not exist.
    pub fn tags(&self, repo: &str) -> Vec<String> {
        let resp = self.get(&format!("/v2/{repo}/tags/list"));
        if resp.status == 404 {
            return Vec::new();
        }
        resp.expect_status(200, "listing tags");
        let mut tags: Vec<String> = resp.json()["tags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        tags
    }

    fn start(auth: bool) -> Registry {
        install::ensure(&[&install::DOCKER_REGISTRY, &install::BUSYBOX_STATIC]);
        remove_orphans();
        let dir = tempfile::Builder::new()
            .prefix(ORPHAN_PREFIX)
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create the registry's temp dir: {e}"))
            .keep();
        write(&dir.join(OWNER_FILE), &std::process::id().to_string());
        // A port picked by bind(:0) can be taken again before the registry
        // binds it; retry with a fresh one when that happens.
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port();
            let config = write_config(&dir, port, auth);
            let pid = spawn(&config, &dir.join("registry.log"));
            register_cleanup(pid, &dir);
            let reg = Registry {
                addr: format!("127.0.0.1:{port}"),
                dir: dir.clone(),
                pid,
                auth,
            };
            match reg.wait_ready() {
                Ok(()) => return reg,
                Err(e) if e.contains("address already in use") => last_error = e,
                Err(e) => panic!("{e}"),
            }
        }
        panic!("{last_error}")
    }

    /// Polls `GET /v2/` until it answers 200, the process dies, or
    /// READY_TIMEOUT passes.
    fn wait_ready(&self) -> Result<(), String> {
        let started = Instant::now();
        let url = self.url("/v2/");
        let auth = self.credentials().map(|(u, p)| http::basic_auth(u, p));
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("Authorization", a.as_str())).collect();
        let log = self.dir.join("registry.log");
        loop {
            if let Some(status) = probe(&url, &headers) {
                if status == 200 {
                    return Ok(());
                }
                return Err(format!(
                    "docker-registry at {url} answered {status} instead of 200; log {}:\n{}",
                    log.display(),
                    read_log(&log)
                ));
            }
            if !alive(self.pid) {
                return Err(format!(
                    "docker-registry exited during startup; log {}:\n{}",
                    log.display(),
                    read_log(&log)
                ));
            }
            if started.elapsed() > READY_TIMEOUT {
                return Err(format!(
                    "docker-registry did not answer {url} within {READY_TIMEOUT:?}; log {}:\n{}",
                    log.display(),
                    read_log(&log)
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A test binary killed outright (SIGKILL, a CI timeout) takes its
/// registry with it (PDEATHSIG) but cannot run its atexit hook; remove the
/// storage such binaries left behind.
fn remove_orphans() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with(ORPHAN_PREFIX)
        {
            continue;
        }
        let owner = std::fs::read_to_string(entry.path().join(OWNER_FILE))
            .ok()
            .and_then(|s| s.trim().parse::<libc::pid_t>().ok());
        // SAFETY: kill with signal 0 only checks that the pid exists.
        let dead = owner.is_some_and(|pid| {
            let rc = unsafe { libc::kill(pid, 0) };
            rc != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
        });
        if dead {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The status of one GET, or `None` when nothing listens yet.
fn probe(url: &str, headers: &[(&str, &str)]) -> Option<u16> {
    let mut builder = ureq::http::Request::builder().method("GET").uri(url);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(2)))
        .build()
        .into();
    let request = builder.body(()).ok()?;
    agent.run(request).ok().map(|r| r.status().as_u16())
}

fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| format!("(cannot read the log: {e})"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("cannot find a free loopback port: {e}"))
}

fn write_config(dir: &Path, port: u16, auth: bool) -> PathBuf {
    let storage = dir.join("storage");
    let mut yaml = format!(
        "version: 0.1\n\
         log:\n  level: error\n  accesslog:\n    disabled: true\n\
         storage:\n  filesystem:\n    rootdirectory: {storage}\n  delete:\n    enabled: true\n  \
         maintenance:\n    uploadpurging:\n      enabled: false\n\
         http:\n  addr: 127.0.0.1:{port}\n  secret: berth-test-secret\n",
        storage = storage.display()
    );
    if auth {
        let htpasswd = dir.join("htpasswd");
        write(&htpasswd, TEST_HTPASSWD);
        yaml.push_str(&format!(
            "auth:\n  htpasswd:\n    realm: berth-test\n    path: {}\n",
            htpasswd.display()
        ));
    }
    let path = dir.join("config.yml");
    write(&path, &yaml);
    path
}

fn write(path: &Path, contents: &str) {
    std::fs::write(path, contents)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Starts the registry from a thread that lives as long as the process:
/// PR_SET_PDEATHSIG fires when the spawning *thread* exits, and libtest
/// ends each test's thread long before the binary exits.
fn spawn(config: &Path, log: &Path) -> u32 {
    let (tx, rx) = mpsc::channel();
    let config = config.to_path_buf();
    let log = log.to_path_buf();
    thread::Builder::new()
        .name("registry-keeper".into())
        .spawn(move || {
            let _ = tx.send(spawn_here(&config, &log));
            loop {
                thread::park();
            }
        })
        .unwrap_or_else(|e| panic!("cannot start the registry keeper thread: {e}"));
    match rx.recv() {
        Ok(Ok(pid)) => pid,
        Ok(Err(e)) => panic!("cannot start {}: {e}", install::DOCKER_REGISTRY.provides),
        Err(_) => panic!("the registry keeper thread died before starting docker-registry"),
    }
}

fn spawn_here(config: &Path, log: &Path) -> std::io::Result<u32> {
    let log_file = std::fs::File::create(log)?;
    let mut cmd = Command::new(install::DOCKER_REGISTRY.provides);
    cmd.arg("serve").arg(config);
    cmd.stdin(Stdio::null())
        .stdout(log_file.try_clone()?)
        .stderr(log_file);
    // REGISTRY_* variables override the config file; keep the host's out.
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("REGISTRY_") {
            cmd.env_remove(k);
        }
    }
    // SAFETY: getpid is async-signal-safe and has no preconditions.
    let parent = unsafe { libc::getpid() };
    // SAFETY: the closure runs between fork and exec and calls only
    // async-signal-safe functions (prctl, getppid, _exit).
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            // The test binary may have died between fork and prctl.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    // The Child handle is dropped on purpose: the atexit hook reaps by pid.
    Ok(cmd.spawn()?.id())
}

fn alive(pid: u32) -> bool {
    let mut status = 0;
    // SAFETY: waitpid on our own child with WNOHANG only reads its state.
    let rc = unsafe { libc::waitpid(pid as libc::pid_t, &mut status, libc::WNOHANG) };
    rc == 0
}

static STARTED: Mutex<Vec<(u32, PathBuf)>> = Mutex::new(Vec::new());

fn register_cleanup(pid: u32, dir: &Path) {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        // SAFETY: `cleanup` is a plain extern "C" fn with no arguments.
        unsafe { libc::atexit(cleanup) };
    });
    if let Ok(mut started) = STARTED.lock() {
        started.push((pid, dir.to_path_buf()));
    }
}

/// Runs at process exit: kill and reap every registry, remove its storage.
extern "C" fn cleanup() {
    // try_lock: a thread stopped while holding the lock must not hang exit.
    let Ok(started) = STARTED.try_lock() else {
        return;
    };
    for (pid, dir) in started.iter() {
        // SAFETY: signalling and reaping our own child by pid.
        unsafe {
            libc::kill(*pid as libc::pid_t, libc::SIGKILL);
            libc::waitpid(*pid as libc::pid_t, std::ptr::null_mut(), 0);
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}

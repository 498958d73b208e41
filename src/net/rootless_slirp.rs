//! slirp4netns: its arguments, its start, and the API socket requests that
//! publish ports (slirp4netns takes no port options on its command line).

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::proc::{self, HelperChild};
use super::{
    io_err, ready_result, ForwardedPort, RootlessNetError, RootlessNetKind, CTR_IP, IFNAME, MTU,
    READY_TIMEOUT,
};

pub(super) fn slirp_args(
    ns: &SlirpNamespaces,
    ready: i32,
    exit: i32,
    api: Option<&Path>,
) -> Vec<String> {
    let mut a: Vec<String> = vec![
        "--configure".into(),
        format!("--mtu={MTU}"),
        "--disable-host-loopback".into(),
        // Its own mount namespace, capabilities dropped (podman does the same).
        "--enable-sandbox".into(),
        format!("--ready-fd={ready}"),
        format!("--exit-fd={exit}"),
    ];
    if let Some(api) = api {
        a.push(format!("--api-socket={}", api.display()));
    }
    // By inherited fd, not by pid: opening another process's
    // /proc/PID/ns/net is a ptrace check that fails once the container has
    // switched to a non-root user inside a rootless namespace.
    a.push("--netns-type=path".into());
    if let Some(userns) = &ns.userns {
        a.push(format!("--userns-path={userns}"));
    }
    a.extend([ns.netns.clone(), IFNAME.to_string()]);
    a
}

/// The container's namespaces as paths slirp4netns can open itself
/// (`/proc/self/fd/N` of fds it inherits); the user namespace only when it
/// differs from berth's.
pub(super) struct SlirpNamespaces {
    pub netns: String,
    pub userns: Option<String>,
}

/// Returns the helper and the write end of its `--exit-fd` pipe.
pub(super) fn start_slirp(
    tool: &Path,
    target: (&File, Option<&File>),
    ports: &[ForwardedPort],
) -> Result<(HelperChild, OwnedFd), RootlessNetError> {
    let kind = RootlessNetKind::Slirp4netns;
    let pipe = || {
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
            .map_err(|e| io_err("cannot create a pipe for slirp4netns")(e.into()))
    };
    let (ready_r, ready_w) = pipe()?;
    let (exit_r, exit_w) = pipe()?;
    // The API socket lives only until the ports are published.
    let api_dir = if ports.is_empty() {
        None
    } else {
        Some(ApiDir::create()?)
    };
    let api = api_dir.as_ref().map(|d| d.socket());
    let (netns, userns) = target;
    let ns = SlirpNamespaces {
        netns: format!("/proc/self/fd/{}", netns.as_raw_fd()),
        userns: userns.map(|u| format!("/proc/self/fd/{}", u.as_raw_fd())),
    };
    let args = slirp_args(&ns, ready_w.as_raw_fd(), exit_r.as_raw_fd(), api.as_deref());
    let mut inherit = vec![ready_w.as_raw_fd(), exit_r.as_raw_fd(), netns.as_raw_fd()];
    inherit.extend(userns.map(|u| u.as_raw_fd()));
    let mut helper =
        HelperChild::spawn(tool, &args, &inherit).map_err(|source| RootlessNetError::Spawn {
            kind,
            path: tool.to_path_buf(),
            source,
        })?;
    drop((ready_w, exit_r));
    // slirp4netns writes "1" once the tap is up, configured, and its API
    // socket listens.
    let got = proc::wait_ready(&ready_r, Instant::now() + READY_TIMEOUT, |b| !b.is_empty());
    ready_result(kind, &mut helper, got)?;
    if let Some(api) = &api {
        for p in ports {
            add_hostfwd(api, p)?;
        }
    }
    Ok((helper, exit_w))
}

/// A private directory for slirp4netns' API socket, removed on drop.
struct ApiDir(PathBuf);

impl ApiDir {
    fn create() -> Result<ApiDir, RootlessNetError> {
        use std::os::unix::fs::DirBuilderExt;
        // Short paths: a socket path must fit in 108 bytes.
        let base = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|d| d.is_dir() && d.as_os_str().len() < 64)
            .unwrap_or_else(std::env::temp_dir);
        let mut last = None;
        for _ in 0..8 {
            let dir = base.join(format!("berth-slirp-{:016x}", rand::random::<u64>()));
            match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => return Ok(ApiDir(dir)),
                Err(e) => last = Some(e),
            }
        }
        let e = last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists));
        Err(io_err(format!(
            "cannot create a directory for slirp4netns' API socket in {}",
            base.display()
        ))(e))
    }

    fn socket(&self) -> PathBuf {
        self.0.join("api.sock")
    }
}

impl Drop for ApiDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(super) fn hostfwd_request(p: &ForwardedPort) -> serde_json::Value {
    serde_json::json!({
        "execute": "add_hostfwd",
        "arguments": {
            "proto": p.proto(),
            "host_addr": p.host_ip.unwrap_or(Ipv4Addr::UNSPECIFIED).to_string(),
            "host_port": p.host_port,
            "guest_addr": CTR_IP.to_string(),
            "guest_port": p.ctr_port,
        }
    })
}

/// `{"return": {"id": N}}` is success; `{"error": {"desc": "..."}}` says why not.
pub(super) fn hostfwd_reply(reply: &[u8]) -> Result<(), String> {
    let v: serde_json::Value = serde_json::from_slice(reply)
        .map_err(|_| format!("unexpected reply {:?}", String::from_utf8_lossy(reply)))?;
    if v.get("return").is_some() {
        return Ok(());
    }
    Err(v
        .pointer("/error/desc")
        .and_then(|d| d.as_str())
        .map_or_else(|| format!("unexpected reply {v}"), str::to_string))
}

/// One request per connection: slirp4netns answers and closes.
fn add_hostfwd(api: &Path, p: &ForwardedPort) -> Result<(), RootlessNetError> {
    let publish = |reason: String| RootlessNetError::Publish {
        port: p.to_string(),
        reason,
    };
    let exchange = || -> io::Result<Vec<u8>> {
        let mut s = UnixStream::connect(api)?;
        s.set_read_timeout(Some(Duration::from_secs(5)))?;
        s.set_write_timeout(Some(Duration::from_secs(5)))?;
        s.write_all(hostfwd_request(p).to_string().as_bytes())?;
        s.shutdown(std::net::Shutdown::Write)?;
        let mut reply = Vec::new();
        s.read_to_end(&mut reply)?;
        Ok(reply)
    };
    let reply = exchange().map_err(|e| publish(format!("API socket {}: {e}", api.display())))?;
    hostfwd_reply(&reply).map_err(publish)
}

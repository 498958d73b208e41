//! Rootless networking: a user-mode network stack gives a container's new
//! network namespace (which has only `lo`) an interface, outbound access and
//! `-p` forwarding without any privilege. Two helpers, chosen at run time:
//! pasta (Debian's `passt` package; podman 5's default) and slirp4netns.
//!
//! Both get the same layout, slirp4netns' defaults, so the container sees
//! the same network whichever runs: `eth0` with 10.0.2.100/24, gateway
//! 10.0.2.2, DNS forwarder 10.0.2.3, MTU 65520 (podman's). Neither maps the
//! host's loopback into the container (`--no-map-gw`,
//! `--disable-host-loopback`, as podman): the host is reached at its own
//! addresses. (pasta's default would copy the host's address into the
//! container, which makes the host unreachable from it: the 2023 pasta in
//! Debian 12 predates `--map-guest-addr`.)
//!
//! Lifetime — a helper never outlives its container:
//! - Neither helper notices by itself when the container dies (measured with
//!   the installed pasta 2023-03 and slirp4netns 1.2): each holds fds that
//!   keep the network namespace alive, and pasta's `--netns` watch only
//!   covers namespaces bound to a file that someone deletes.
//! - So [`start`] forks a *warden* (`rootless_proc.rs`): it polls pidfds of
//!   the container and of the helper; when the container exits it SIGKILLs
//!   the helper, and it holds the only write end of slirp4netns'
//!   `--exit-fd` pipe, so slirp4netns also exits when the warden does. It is
//!   independent of berth: berth killed with SIGKILL or not, the helper ends
//!   with the container.
//! - Belt and braces: helpers run with PDEATHSIG SIGKILL, so while `start`
//!   runs (before the warden exists) a killed berth takes them along; the
//!   container dies with berth too (the launcher's `die_with_parent`).
//!   (Rootless slirp4netns drops PDEATHSIG when its sandbox changes its
//!   euid; until the warden exists berth holds the `--exit-fd` write end.)
//! - [`RootlessNet::stop`] kills both by pid, after checking the start time.
//!
//! Readiness: slirp4netns writes to `--ready-fd` once the interface is up;
//! pasta in the foreground writes its pid to `--pid` once the namespace is
//! configured and the ports are bound, and we hand it a pipe
//! (`/proc/self/fd/N`) as that file. Ports: pasta takes `-t`/`-u` at
//! start; slirp4netns gets `add_hostfwd` requests on its API socket before
//! [`start`] returns.
//!
//! Call [`start`] from the process that parents the container (the
//! foreground `berth` or the monitor), right after the clone; the helper and
//! the warden become its children, and [`RootlessNet::stop`] reaps them.
//! No threads are used: it is safe in berth's single-threaded launcher.

use std::fmt;
use std::fs::File;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

#[path = "rootless_proc.rs"]
mod proc;
#[path = "rootless_slirp.rs"]
mod slirp;
#[cfg(test)]
#[path = "rootless_tests.rs"]
mod tests;

use proc::{HelperChild, NotReady};

/// The container's address, slirp4netns' default ("recommended") guest IP.
pub const CTR_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 100);
/// The gateway: the helper itself.
pub const GATEWAY: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 2);
/// Queries to this address are forwarded to the host's resolver.
pub const DNS: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 3);
pub const PREFIX_LEN: u8 = 24;
/// docker's name for the container's interface.
pub const IFNAME: &str = "eth0";
const MTU: u32 = 65520;
/// How long a helper may take to bring the network up.
const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// Chooses the helper: `pasta` or `slirp4netns`.
pub const ENV_CHOICE: &str = "BERTH_ROOTLESS_NET";

/// Which user-mode network helper runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RootlessNetKind {
    Pasta,
    Slirp4netns,
}

impl RootlessNetKind {
    pub fn binary(self) -> &'static str {
        match self {
            RootlessNetKind::Pasta => "pasta",
            RootlessNetKind::Slirp4netns => "slirp4netns",
        }
    }

    /// The Debian package that ships [`RootlessNetKind::binary`].
    pub fn package(self) -> &'static str {
        match self {
            RootlessNetKind::Pasta => "passt",
            RootlessNetKind::Slirp4netns => "slirp4netns",
        }
    }

    fn other(self) -> RootlessNetKind {
        match self {
            RootlessNetKind::Pasta => RootlessNetKind::Slirp4netns,
            RootlessNetKind::Slirp4netns => RootlessNetKind::Pasta,
        }
    }

    /// `pasta` or `slirp4netns` (the `--network` spelling), any case.
    pub fn parse(s: &str) -> Option<RootlessNetKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pasta" => Some(RootlessNetKind::Pasta),
            "slirp4netns" => Some(RootlessNetKind::Slirp4netns),
            _ => None,
        }
    }
}

impl fmt::Display for RootlessNetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.binary())
    }
}

/// One `-p` publication: host port (on `host_ip`, or every address) to the
/// container's port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardedPort {
    pub udp: bool,
    pub host_ip: Option<Ipv4Addr>,
    pub host_port: u16,
    pub ctr_port: u16,
}

impl ForwardedPort {
    fn proto(&self) -> &'static str {
        if self.udp {
            "udp"
        } else {
            "tcp"
        }
    }
}

/// docker's notation: `127.0.0.1:8080->80/tcp`, `0.0.0.0:53->53/udp`.
impl fmt::Display for ForwardedPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ip = self.host_ip.unwrap_or(Ipv4Addr::UNSPECIFIED);
        write!(
            f,
            "{ip}:{}->{}/{}",
            self.host_port,
            self.ctr_port,
            self.proto()
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RootlessNetError {
    #[error(
        "{kind} not found: install the {} package (apt-get install {}), or use --network {}",
        kind.package(), kind.package(), kind.other()
    )]
    NotFound { kind: RootlessNetKind },
    #[error(
        "no rootless network helper found: install pasta (apt-get install passt) \
         or slirp4netns (apt-get install slirp4netns)"
    )]
    NoneInstalled,
    #[error("{ENV_CHOICE}={0:?} is not a rootless network helper: set it to pasta or slirp4netns, or unset it")]
    BadChoice(String),
    #[error("cannot publish {port}: {reason}")]
    InvalidPort { port: String, reason: &'static str },
    #[error("process {pid} is not running: cannot set up its network")]
    NoSuchProcess { pid: i32 },
    #[error("process {pid} is in berth's own network namespace: refusing to attach {kind} to the host's network")]
    HostNamespace { pid: i32, kind: RootlessNetKind },
    #[error("cannot open the namespaces of process {pid}: {source}")]
    Namespace { pid: i32, source: io::Error },
    #[error("cannot start {kind} ({}): {source}", path.display())]
    Spawn {
        kind: RootlessNetKind,
        path: PathBuf,
        source: io::Error,
    },
    #[error("{kind} failed before the network was up: {log}")]
    Failed { kind: RootlessNetKind, log: String },
    #[error("{kind} did not bring the network up within {} s: {log}", READY_TIMEOUT.as_secs())]
    Timeout { kind: RootlessNetKind, log: String },
    #[error("slirp4netns cannot publish {port}: {reason} (is the port already in use?)")]
    Publish { port: String, reason: String },
    #[error("{what}: {source}")]
    Io { what: String, source: io::Error },
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> RootlessNetError {
    let what = what.into();
    move |source| RootlessNetError::Io { what, source }
}

/// A running helper, as recorded with the container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootlessNet {
    pub kind: RootlessNetKind,
    pub helper_pid: i32,
    /// `/proc/PID/stat` start time of the helper: `stop` signals the pid
    /// only while it still names this process.
    pub helper_start_time: u64,
    /// The process that ends the helper when the container ends.
    pub warden_pid: i32,
    pub warden_start_time: u64,
    /// The container's interface, address and prefix length.
    pub ifname: String,
    pub ctr_ip: Ipv4Addr,
    pub prefix_len: u8,
    pub gateway: Ipv4Addr,
    /// The nameserver for the container's resolv.conf.
    pub dns: Option<Ipv4Addr>,
}

impl RootlessNet {
    /// Stops the helper and its warden: each only if its pid still names the
    /// process we started, reaped if it is our child. Idempotent.
    pub fn stop(&self) {
        // Warden first: with the helper gone first it would exit anyway, but
        // killing it first means it cannot act on a stale pidfd meanwhile.
        proc::stop_process(self.warden_pid, self.warden_start_time);
        proc::stop_process(self.helper_pid, self.helper_start_time);
    }

    /// True while the helper process still runs (not a zombie).
    pub fn is_running(&self) -> bool {
        proc::read_stat(self.helper_pid)
            .is_some_and(|s| s.start_time == self.helper_start_time && s.state != 'Z')
    }
}

/// Which helper to use: `BERTH_ROOTLESS_NET` when set, else pasta when
/// installed, else slirp4netns. The error names the Debian packages.
pub fn detect() -> Result<RootlessNetKind, RootlessNetError> {
    let choice = std::env::var(ENV_CHOICE).ok();
    detect_with(choice.as_deref(), &|k| find_tool(k).is_some())
}

fn detect_with(
    choice: Option<&str>,
    installed: &dyn Fn(RootlessNetKind) -> bool,
) -> Result<RootlessNetKind, RootlessNetError> {
    match choice.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => {
            let kind = RootlessNetKind::parse(c)
                .ok_or_else(|| RootlessNetError::BadChoice(c.to_string()))?;
            if installed(kind) {
                Ok(kind)
            } else {
                Err(RootlessNetError::NotFound { kind })
            }
        }
        None => [RootlessNetKind::Pasta, RootlessNetKind::Slirp4netns]
            .into_iter()
            .find(|&k| installed(k))
            .ok_or(RootlessNetError::NoneInstalled),
    }
}

/// The helper's executable on `PATH` (plus /usr/sbin and /usr/bin, which
/// a minimal service `PATH` may lack).
fn find_tool(kind: RootlessNetKind) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join(kind.binary()))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0)
        })
}

/// Starts `kind` for the network namespace of `netns_pid` (the container's
/// pid 1, whose namespace has only `lo`): configures `eth0`, its address,
/// the default route and the DNS forwarder, publishes `ports`, and returns
/// once all of it works. On error no helper is left running.
pub fn start(
    kind: RootlessNetKind,
    netns_pid: i32,
    ports: &[ForwardedPort],
) -> Result<RootlessNet, RootlessNetError> {
    validate_ports(ports)?;
    let tool = find_tool(kind).ok_or(RootlessNetError::NotFound { kind })?;
    let target = Target::open(kind, netns_pid)?;
    let (helper, hold) = match kind {
        RootlessNetKind::Pasta => (start_pasta(&tool, &target, ports)?, None),
        RootlessNetKind::Slirp4netns => {
            let ns = (&target.netns, target.userns.as_ref());
            let (helper, exit_w) = slirp::start_slirp(&tool, ns, ports)?;
            (helper, Some(exit_w))
        }
    };
    let spawn_err = |what: &str| io_err(format!("cannot watch {kind} ({what})"));
    let helper_fd = proc::pidfd_open(helper.pid()).map_err(spawn_err("pidfd"))?;
    let helper_start_time = proc::read_stat(helper.pid())
        .map(|s| s.start_time)
        .ok_or_else(|| RootlessNetError::Failed {
            kind,
            log: helper.log_excerpt(),
        })?;
    let warden_pid =
        proc::spawn_warden(&target.pidfd, &helper_fd, hold.as_ref()).map_err(spawn_err("fork"))?;
    // From here the warden owns the helper's fate; our copy of the exit-fd
    // write end (`hold`) closes on return so only the warden's remains.
    let warden_start_time = proc::read_stat(warden_pid).map_or(0, |s| s.start_time);
    Ok(RootlessNet {
        kind,
        helper_pid: helper.disarm(),
        helper_start_time,
        warden_pid,
        warden_start_time,
        ifname: IFNAME.to_string(),
        ctr_ip: CTR_IP,
        prefix_len: PREFIX_LEN,
        gateway: GATEWAY,
        dns: Some(DNS),
    })
}

/// Rejects what neither helper can do, before anything starts.
fn validate_ports(ports: &[ForwardedPort]) -> Result<(), RootlessNetError> {
    for (i, p) in ports.iter().enumerate() {
        let bad = |reason| RootlessNetError::InvalidPort {
            port: p.to_string(),
            reason,
        };
        if p.host_port == 0 {
            return Err(bad(
                "host port 0: choose the host port before starting the network",
            ));
        }
        if p.ctr_port == 0 {
            return Err(bad("container port 0 is not a port"));
        }
        let clash = ports[..i].iter().any(|q| {
            q.udp == p.udp
                && q.host_port == p.host_port
                && (q.host_ip.is_none() || p.host_ip.is_none() || q.host_ip == p.host_ip)
        });
        if clash {
            return Err(bad("the host port is published twice"));
        }
    }
    Ok(())
}

/// The container's namespaces, opened once: a reused pid cannot swap them.
struct Target {
    pidfd: OwnedFd,
    netns: File,
    /// Only when it differs from ours (rootless): pasta must join it to
    /// hold CAP_NET_ADMIN over the container's network namespace.
    userns: Option<File>,
}

impl Target {
    fn open(kind: RootlessNetKind, pid: i32) -> Result<Target, RootlessNetError> {
        let gone = || RootlessNetError::NoSuchProcess { pid };
        let pidfd = proc::pidfd_open(pid).map_err(|_| gone())?;
        let ns_err = |source| RootlessNetError::Namespace { pid, source };
        let netns = File::open(format!("/proc/{pid}/ns/net")).map_err(ns_err)?;
        let userns = File::open(format!("/proc/{pid}/ns/user")).map_err(ns_err)?;
        if proc::has_exited(&pidfd) {
            return Err(gone());
        }
        let same = |f: &File, ours: &str| -> Result<bool, RootlessNetError> {
            let theirs = f.metadata().map_err(ns_err)?;
            let ours = std::fs::metadata(ours).map_err(ns_err)?;
            Ok(theirs.ino() == ours.ino() && theirs.dev() == ours.dev())
        };
        if same(&netns, "/proc/self/ns/net")? {
            return Err(RootlessNetError::HostNamespace { pid, kind });
        }
        let userns = if same(&userns, "/proc/self/ns/user")? {
            None
        } else {
            Some(userns)
        };
        Ok(Target {
            pidfd,
            netns,
            userns,
        })
    }
}

fn fd_path(fd: &impl AsRawFd) -> String {
    format!("/proc/self/fd/{}", fd.as_raw_fd())
}

/// pasta's arguments. The namespaces and the readiness pipe are passed as
/// `/proc/self/fd/N` paths of inherited fds: pasta opens them itself, which
/// works whatever its uid (an open of another process's `/proc/PID/ns/*`
/// fails as soon as pasta has dropped capabilities).
fn pasta_args(
    ports: &[ForwardedPort],
    uid: u32,
    gid: u32,
    netns: &str,
    userns: Option<&str>,
    ready: &str,
) -> Vec<String> {
    let mut a: Vec<String> = vec![
        "--config-net".into(),
        // Foreground: it stays our child (PDEATHSIG holds, `stop` reaps it).
        "--foreground".into(),
        "--quiet".into(),
        // pasta started as root switches to nobody, which loses the
        // capabilities to enter the namespace and clears PDEATHSIG; our own
        // ids change nothing when rootless.
        "--runas".into(),
        format!("{uid}:{gid}"),
        "--ns-ifname".into(),
        IFNAME.into(),
        "--address".into(),
        CTR_IP.to_string(),
        "--netmask".into(),
        PREFIX_LEN.to_string(),
        "--gateway".into(),
        GATEWAY.to_string(),
        "--mtu".into(),
        MTU.to_string(),
        "--dns-forward".into(),
        DNS.to_string(),
        "--no-map-gw".into(),
        // Its watch only sees a bind-mounted namespace file being deleted;
        // the warden covers the container's end instead.
        "--no-netns-quit".into(),
    ];
    // Every option defaults to `auto` (forward whatever gets bound, either
    // way): only what was published may pass.
    for (flag, udp) in [("-t", false), ("-u", true)] {
        let specs: Vec<String> = ports
            .iter()
            .filter(|p| p.udp == udp)
            .map(|p| match p.host_ip {
                Some(ip) => format!("{ip}/{}:{}", p.host_port, p.ctr_port),
                None => format!("{}:{}", p.host_port, p.ctr_port),
            })
            .collect();
        if specs.is_empty() {
            a.extend([flag.to_string(), "none".into()]);
        }
        for s in specs {
            a.extend([flag.to_string(), s]);
        }
    }
    a.extend(["-T".into(), "none".into(), "-U".into(), "none".into()]);
    a.extend(["--pid".into(), ready.into()]);
    if let Some(u) = userns {
        a.extend(["--userns".into(), u.into()]);
    }
    a.extend(["--netns".into(), netns.into()]);
    a
}

fn start_pasta(
    tool: &Path,
    target: &Target,
    ports: &[ForwardedPort],
) -> Result<HelperChild, RootlessNetError> {
    let kind = RootlessNetKind::Pasta;
    let (ready_r, ready_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
        .map_err(|e| io_err("cannot create a pipe for pasta")(e.into()))?;
    let userns_path = target.userns.as_ref().map(fd_path);
    let args = pasta_args(
        ports,
        nix::unistd::geteuid().as_raw(),
        nix::unistd::getegid().as_raw(),
        &fd_path(&target.netns),
        userns_path.as_deref(),
        &fd_path(&ready_w),
    );
    let mut inherit = vec![target.netns.as_raw_fd(), ready_w.as_raw_fd()];
    inherit.extend(target.userns.as_ref().map(|u| u.as_raw_fd()));
    let mut helper =
        HelperChild::spawn(tool, &args, &inherit).map_err(|source| RootlessNetError::Spawn {
            kind,
            path: tool.to_path_buf(),
            source,
        })?;
    // Only pasta may hold the write end, so its death reads as EOF.
    drop(ready_w);
    // pasta writes "PID\n" to its pid file after configuring the namespace
    // and binding the forwarded ports (it exits if a port is taken).
    let got = proc::wait_ready(&ready_r, Instant::now() + READY_TIMEOUT, |b| {
        b.contains(&b'\n')
    });
    ready_result(kind, &mut helper, got)?;
    Ok(helper)
}

/// Turns a failed readiness wait into an error that quotes the helper.
fn ready_result(
    kind: RootlessNetKind,
    helper: &mut HelperChild,
    got: Result<Vec<u8>, NotReady>,
) -> Result<(), RootlessNetError> {
    match got {
        Ok(_) => Ok(()),
        Err(NotReady::TimedOut) => Err(RootlessNetError::Timeout {
            kind,
            log: helper.log_excerpt(),
        }),
        Err(NotReady::Io(source)) => Err(io_err(format!("cannot read {kind}'s readiness"))(source)),
        Err(NotReady::Closed) => {
            // Give its exit a moment to land, for the status in the message.
            let deadline = Instant::now() + Duration::from_millis(200);
            let mut status = helper.exit_status();
            while status.is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
                status = helper.exit_status();
            }
            let mut log = helper.log_excerpt();
            if let Some(s) = status {
                log = format!("{log} ({s})");
            }
            Err(RootlessNetError::Failed { kind, log })
        }
    }
}

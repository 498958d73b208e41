//! The firewall layer of bridge networking: NAT for outbound traffic,
//! isolation between networks, and `-p` port publishing.
//!
//! Two backends behind one [`Firewall`] trait: nftables (a berth-owned
//! `ip berth` table, changed with one `nft -f -` transaction per call) and,
//! when `nft` is missing, iptables (berth-owned chains, rules tagged with
//! `-m comment --comment berth…`). [`detect`] picks one.
//!
//! Callers serialise changes through the networks lock; each call is one
//! atomic kernel transaction (nft) or one `iptables-restore` (iptables), so
//! a crash never leaves half a network's rules behind.
//!
//! Interaction with other firewalls: nftables evaluates every base chain on
//! a hook, and a drop in any of them is final. Our `accept` therefore cannot
//! override an iptables `FORWARD` policy DROP (docker and ufw set one). The
//! iptables backend puts its rules in that very chain, so it is not affected;
//! with nftables, [`Nftables::foreign_forward_drop`] reports such a chain so
//! `system check` can tell the user to pick `BERTH_FIREWALL=iptables` or to
//! allow the bridge there.

mod iptables;
mod nft;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_root;

pub use iptables::Iptables;
pub use nft::Nftables;

use std::fmt;
use std::io::Write;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A transport protocol a port can be published for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Udp,
    Sctp,
}

impl Proto {
    /// The name nft, iptables and docker all use.
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Sctp => "sctp",
        }
    }

    /// Parses a protocol name (or IANA number, as nft prints unknown ones).
    pub fn parse(s: &str) -> Option<Proto> {
        match s {
            "tcp" | "6" => Some(Proto::Tcp),
            "udp" | "17" => Some(Proto::Udp),
            "sctp" | "132" => Some(Proto::Sctp),
            _ => None,
        }
    }
}

impl fmt::Display for Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the firewall needs to know about one bridge network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkRules {
    /// The Linux bridge, e.g. `berth0` or `br-0123456789ab`.
    pub bridge: String,
    pub subnet: ipnet::Ipv4Net,
    /// `network create --internal`: no traffic leaves the bridge.
    pub internal: bool,
}

/// One published port: `host_ip:host_port/proto` → `ctr_ip:ctr_port`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PortRule {
    pub proto: Proto,
    /// `None` publishes on every host address (docker's `0.0.0.0`).
    pub host_ip: Option<Ipv4Addr>,
    pub host_port: u16,
    pub ctr_ip: Ipv4Addr,
    pub ctr_port: u16,
}

impl fmt::Display for PortRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = self.host_ip.unwrap_or(Ipv4Addr::UNSPECIFIED);
        write!(
            f,
            "{host}:{}/{} -> {}:{}",
            self.host_port, self.proto, self.ctr_ip, self.ctr_port
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FirewallError {
    #[error(
        "neither nft nor iptables was found (looked in PATH, /usr/sbin and /sbin); \
         install nftables or iptables to use bridge networking"
    )]
    NoBackend,
    #[error("BERTH_FIREWALL={0:?} is not a firewall backend; set it to nftables or iptables")]
    UnknownBackend(String),
    #[error("BERTH_FIREWALL={backend} but {binary} was not found in PATH, /usr/sbin or /sbin; install it or unset BERTH_FIREWALL")]
    Missing {
        backend: &'static str,
        binary: &'static str,
    },
    #[error("could not run `{command}`: {source}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error("`{command}` failed ({status}): {stderr}")]
    Command {
        command: String,
        status: String,
        stderr: String,
    },
    #[error("host port {existing} is already published; choose another host port for {wanted}")]
    PortInUse {
        wanted: PortRule,
        existing: PortRule,
    },
    #[error("cannot understand the output of `{command}`: {reason}")]
    Parse { command: String, reason: String },
    #[error("{0:?} is not a valid bridge name (1-15 characters of A-Z, a-z, 0-9, '-', '_', '.')")]
    BadBridge(String),
    #[error("cannot write {path}: {source}; bridge networking needs root")]
    Sysctl {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A firewall backend. Every method is safe to repeat.
pub trait Firewall {
    /// `"nftables"` or `"iptables"`.
    fn name(&self) -> &'static str;
    /// Creates berth's table/chains if missing and this network's rules:
    /// masquerade of traffic leaving the subnet through another interface
    /// (not for internal networks), forward accept for the bridge
    /// (established/related back in; out unless internal), isolation from
    /// every other berth bridge (an internal network's traffic may not
    /// leave its bridge at all). Also enables ip_forward and the bridge's
    /// route_localnet (so 127.0.0.1 published ports work). `internal` is
    /// fixed for a network's life (as in docker): to change it, call
    /// `remove_network` first.
    fn ensure_network(&self, n: &NetworkRules) -> Result<(), FirewallError>;
    /// Removes that network's rules; missing ones are fine.
    fn remove_network(&self, n: &NetworkRules) -> Result<(), FirewallError>;
    /// Publishes ports from outside, from the host (127.0.0.1 and its own
    /// addresses) and from containers (hairpin). Fails with
    /// [`FirewallError::PortInUse`] when a host port is published to
    /// somewhere else already.
    fn add_ports(&self, rules: &[PortRule]) -> Result<(), FirewallError>;
    /// Removes published ports; ones that are not there are fine.
    fn remove_ports(&self, rules: &[PortRule]) -> Result<(), FirewallError>;
    /// Every published port berth has installed.
    fn list_ports(&self) -> Result<Vec<PortRule>, FirewallError>;
    /// Every bridge that has network rules installed.
    fn list_networks(&self) -> Result<Vec<String>, FirewallError>;
    /// Removes everything this backend installed (all networks and ports).
    fn remove_all(&self) -> Result<(), FirewallError>;
}

/// nftables when `nft` is found, else iptables; `BERTH_FIREWALL=nftables`
/// or `=iptables` forces one.
pub fn detect() -> Result<Box<dyn Firewall>, FirewallError> {
    match std::env::var("BERTH_FIREWALL") {
        Ok(v) if v == "nftables" || v == "nft" => Ok(Box::new(Nftables::new()?)),
        Ok(v) if v == "iptables" => Ok(Box::new(Iptables::new()?)),
        Ok(v) if !v.is_empty() => Err(FirewallError::UnknownBackend(v)),
        _ => match Nftables::new() {
            Ok(n) => Ok(Box::new(n)),
            Err(_) => Iptables::new()
                .map(|i| Box::new(i) as Box<dyn Firewall>)
                .map_err(|_| FirewallError::NoBackend),
        },
    }
}

/// Finds a binary in PATH, then /usr/sbin and /sbin (root's PATH often
/// lacks them when berth runs from sudo or a unit file).
pub(crate) fn find_binary(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Runs `bin args…`, feeding `stdin`, and returns its stdout; a non-zero
/// exit becomes [`FirewallError::Command`] with the tool's stderr.
pub(crate) fn run(bin: &Path, args: &[&str], stdin: Option<&str>) -> Result<String, FirewallError> {
    let command = std::iter::once(bin.display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    let spawn_err = |source| FirewallError::Spawn {
        command: command.clone(),
        source,
    };
    let mut child = Command::new(bin)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_err)?;
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // The pipe is dropped right after, so the tool sees EOF.
        pipe.write_all(input.as_bytes()).map_err(spawn_err)?;
    }
    let out = child.wait_with_output().map_err(spawn_err)?;
    if !out.status.success() {
        return Err(FirewallError::Command {
            command,
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Interface names go into nft scripts and iptables arguments verbatim, so
/// only what the kernel and both tools accept unquoted is allowed.
pub(crate) fn check_bridge(name: &str) -> Result<(), FirewallError> {
    let ok = !name.is_empty()
        && name.len() <= 15
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(FirewallError::BadBridge(name.to_string()))
    }
}

/// Enables routing and lets 127.0.0.1 traffic be routed onto the bridge
/// (the host reaching `127.0.0.1:PORT` is DNATed to a container address;
/// without route_localnet the kernel drops such "martian" packets).
pub(crate) fn write_sysctls(proc_sys: &Path, bridge: &str) -> Result<(), FirewallError> {
    let files = [
        proc_sys.join("net/ipv4/ip_forward"),
        proc_sys
            .join("net/ipv4/conf")
            .join(bridge)
            .join("route_localnet"),
    ];
    for path in files {
        // Skipping a write that changes nothing keeps this cheap and lets it
        // succeed where /proc/sys is read-only but already set.
        if std::fs::read_to_string(&path).is_ok_and(|v| v.trim() == "1") {
            continue;
        }
        std::fs::write(&path, "1\n").map_err(|source| FirewallError::Sysctl { path, source })?;
    }
    Ok(())
}

/// The first wanted rule whose host side is already taken by a different
/// target in `present`.
pub(crate) fn first_conflict(
    wanted: &[PortRule],
    present: &[PortRule],
) -> Option<(PortRule, PortRule)> {
    wanted.iter().find_map(|w| {
        present
            .iter()
            .find(|p| {
                (p.proto, p.host_ip, p.host_port) == (w.proto, w.host_ip, w.host_port)
                    && (p.ctr_ip, p.ctr_port) != (w.ctr_ip, w.ctr_port)
            })
            .map(|p| (w.clone(), p.clone()))
    })
}

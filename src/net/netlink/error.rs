//! Errors of the netlink layer: every one names the operation it belongs to.

use std::path::PathBuf;

use nix::errno::Errno;

/// Why a netlink operation failed.
#[derive(Debug, thiserror::Error)]
pub enum NetlinkError {
    /// The kernel refused a request. `detail` is the kernel's extended-ack
    /// text when it sent one (e.g. "Unknown device type").
    #[error("{op}: {}{}", lower(.errno.desc()), detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Kernel {
        op: String,
        errno: Errno,
        detail: Option<String>,
    },
    /// A socket call (socket, bind, send, recv) failed.
    #[error("{op}: netlink socket: {}", lower(.errno.desc()))]
    Socket { op: String, errno: Errno },
    /// The kernel's reply could not be decoded; a kernel/crate mismatch.
    #[error("{op}: unreadable netlink reply: {detail}; please report this with `uname -r`")]
    Decode { op: String, detail: String },
    /// The network namespace file could not be opened or entered.
    #[error("{op} {}: {}{}", .path.display(), lower(.errno.desc()), netns_hint(*.errno, path))]
    Netns {
        op: &'static str,
        path: PathBuf,
        errno: Errno,
    },
    /// Returning to the original network namespace failed: this thread now
    /// sits in the wrong namespace and must not create more interfaces.
    #[error("return to the original network namespace: {}; the process is in the wrong network namespace and must exit", lower(.errno.desc()))]
    NetnsRestore { errno: Errno },
    /// An interface name the kernel would reject.
    #[error(
        "invalid interface name {name:?}: names are 1 to 15 bytes without '/', ':' or whitespace"
    )]
    InvalidName { name: String },
    /// An IPv4 prefix length above 32.
    #[error("invalid IPv4 prefix length /{prefix}: it must be 0 to 32")]
    InvalidPrefix { prefix: u8 },
    /// `ensure_bridge` found a link of that name that is not a bridge.
    #[error("network interface {name} exists but is {}, not a bridge; delete it (`ip link delete {name}`) or configure another bridge name", kind.as_deref().map(|k| format!("a {k}")).unwrap_or_else(|| "a plain device".to_string()))]
    NotABridge { name: String, kind: Option<String> },
    /// A link named by index or name is not there.
    #[error("{op}: no network interface {link}; it may have been deleted meanwhile")]
    NoSuchLink { op: String, link: String },
}

impl NetlinkError {
    /// The errno behind a kernel or socket failure, for callers that branch
    /// on it (EEXIST for a name already taken, EPERM without CAP_NET_ADMIN).
    pub fn errno(&self) -> Option<Errno> {
        match self {
            NetlinkError::Kernel { errno, .. }
            | NetlinkError::Socket { errno, .. }
            | NetlinkError::Netns { errno, .. }
            | NetlinkError::NetnsRestore { errno } => Some(*errno),
            _ => None,
        }
    }
}

fn netns_hint(errno: Errno, path: &std::path::Path) -> &'static str {
    match errno {
        Errno::ENOENT | Errno::ESRCH if path.starts_with("/proc") => {
            "; the process that owned it has exited"
        }
        Errno::ENOENT => "; the namespace file is gone (was the container removed?)",
        Errno::EPERM => "; entering a network namespace needs CAP_SYS_ADMIN (run as root)",
        _ => "",
    }
}

/// "Operation not permitted" → "operation not permitted", as Go (docker)
/// prints errnos.
fn lower(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_lowercase().chain(c).collect())
}

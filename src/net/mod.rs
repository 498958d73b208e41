//! Container networking: none, host, bridge, rootless, port publishing.
//!
//! Daemonless: every change is made by the `berth` process that needs it,
//! under the networks lock, and undone by the process that supervises the
//! container when it stops (or by the next `berth` that finds the
//! supervisor gone). See [`attach`].

pub mod attach;
pub mod check;
pub mod firewall;
pub mod host;
pub mod host_routes;
pub mod hosts;
pub mod ipam;
pub mod netlink;
pub mod rootless;
pub mod store;

use firewall::FirewallError;
use netlink::NetlinkError;
use rootless::RootlessNetError;
use store::NetStoreError;

/// Why wiring or unwiring a container's network failed.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error(transparent)]
    Store(#[from] NetStoreError),
    #[error(transparent)]
    Netlink(#[from] NetlinkError),
    #[error(transparent)]
    Firewall(#[from] FirewallError),
    #[error(transparent)]
    Rootless(#[from] RootlessNetError),
    /// docker's wording: a host port another process or container holds.
    #[error("{0}")]
    PortInUse(String),
    /// The network a container was created on was removed since.
    #[error("network {0} not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = NetError> = std::result::Result<T, E>;

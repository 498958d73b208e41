//! Container networking: none, host, bridge, rootless, port publishing.
//!
//! Daemonless: every change is made by the `berth` process that needs it,
//! under the networks lock, and undone by the process that supervises the
//! container when it stops (or by the next `berth` that finds the
//! supervisor gone). See [`attach`].

pub mod attach;
pub mod check;
pub mod host;
pub mod host_routes;
pub mod hosts;
pub mod ipam;
pub mod netlink;
pub mod store;

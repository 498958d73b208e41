//! Container networking: none, host, bridge, rootless, port publishing.

pub mod host;
pub mod host_routes;
pub mod ipam;
pub mod store;

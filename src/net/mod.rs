//! Container networking: none, host, bridge, rootless, port publishing.

pub mod rootless;

//! Container networking: none, host, bridge, rootless, port publishing.

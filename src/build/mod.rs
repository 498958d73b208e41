//! The Dockerfile parser and build executor (`berth build`).
pub mod context;

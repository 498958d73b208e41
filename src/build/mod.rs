//! The Dockerfile parser and build executor (`berth build`).

pub mod cache;
pub mod context;
pub mod executor;
pub mod parser;

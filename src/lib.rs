//! berth: a daemonless, Docker-compatible container engine.
//!
//! `cli` parses and formats; everything below it (store, registry, runtime,
//! net, build) is library code that never prints to stdout.

pub mod app;
pub mod build;
pub mod cli;
pub mod events;
pub mod net;
pub mod registry;
pub mod runtime;
pub mod settings;
pub mod store;

//! Image references, registry credentials, pull and push.

pub mod auth;
pub mod client;
#[cfg(test)]
mod e2e_tests;
pub mod error;
pub mod manifest;
pub mod mirror;
pub mod platform;
pub mod pull;
pub mod push;
pub mod reference;
pub mod remote;

pub use client::{check_login, RegistryOptions};
pub use error::RegistryError;
pub use platform::Platform;
pub use pull::{pull, PullProgress, PullReport};
pub use push::{push, BlobOutcome, PushProgress, PushReport};
pub use remote::{inspect_remote, RemoteImage};

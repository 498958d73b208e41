//! Image references, registry credentials, pull and push.

pub mod auth;
pub mod reference;

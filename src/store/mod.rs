//! The on-disk store: blobs, layers, images and their locks.

pub mod compression;
pub mod extract;

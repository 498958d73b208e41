//! The content key of what COPY/ADD sources bring in, for the build cache.
//!
//! Covers what ends up in the layer: each entry's path relative to its
//! source, its type, permission bits, symlink target, file content, and
//! (for sources from another root, whose ownership is carried over) its
//! uid/gid. Context files are written as root or as `--chown` says, which
//! the instruction text already carries, so their host owner is left out.
//! Times are left out: touching a file must not invalidate the cache.

use std::fs::File;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};

use sha2::{Digest, Sha256};

use super::resolve::{walk, ResolvedSource};
use super::{ContextError, Ignore};

/// `sha256:<hex>` over everything `sources` bring in. `ignore` filters
/// directory contents of context sources.
pub(super) fn hash_sources(
    sources: &[ResolvedSource],
    ignore: &Ignore,
) -> Result<String, ContextError> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    for src in sources {
        frame(&mut h, b"source");
        frame(&mut h, src.name.as_bytes());
        frame(&mut h, &[u8::from(src.is_dir), u8::from(src.from_context)]);
        for e in walk(src, Some(ignore))? {
            frame(&mut h, e.rel.as_os_str().as_bytes());
            let ft = e.meta.file_type();
            let kind: &[u8] = if ft.is_dir() {
                b"d"
            } else if ft.is_symlink() {
                b"l"
            } else if ft.is_file() {
                b"f"
            } else if ft.is_fifo() {
                b"p"
            } else if ft.is_char_device() {
                b"c"
            } else if ft.is_block_device() {
                b"b"
            } else {
                b"s"
            };
            frame(&mut h, kind);
            frame(&mut h, &(e.meta.mode() & 0o7777).to_le_bytes());
            if !src.from_context {
                frame(&mut h, &e.meta.uid().to_le_bytes());
                frame(&mut h, &e.meta.gid().to_le_bytes());
            }
            if ft.is_char_device() || ft.is_block_device() {
                frame(&mut h, &e.meta.rdev().to_le_bytes());
            }
            if ft.is_symlink() {
                let target = std::fs::read_link(&e.host)
                    .map_err(ContextError::io("read the link", &e.host))?;
                frame(&mut h, target.as_os_str().as_bytes());
            } else if ft.is_file() {
                let digest = file_digest(&e.host, &mut buf)?;
                frame(&mut h, &digest);
            }
        }
    }
    Ok(format!("sha256:{}", hex::encode(h.finalize())))
}

/// Length-prefixed, so that no two different inputs feed the same bytes.
fn frame(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

fn file_digest(path: &std::path::Path, buf: &mut [u8]) -> Result<[u8; 32], ContextError> {
    let mut f = File::open(path).map_err(ContextError::io("read", path))?;
    let mut h = Sha256::new();
    loop {
        let n = f.read(buf).map_err(ContextError::io("read", path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().into())
}

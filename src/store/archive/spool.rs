//! Spooling an archive's entries into staging. A tar stream cannot be
//! rewound and its entries come in any order (manifest.json may well be
//! last), so every file is written to disk first and hashed on the way;
//! files named by their digest (`blobs/sha256/<hex>`, `<hex>.json`) are
//! verified as they arrive.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::store::digest::{Digest, HashingWriter};
use crate::store::error::{IoContext, Result, StoreError};
use crate::store::staging::Staging;
use crate::store::tar_guard;
use crate::store::Store;

/// Metadata documents read whole into memory are capped at this size.
pub(crate) const MAX_METADATA: u64 = 64 << 20;

/// How many symlinks in a row an archive path may go through.
const MAX_LINK_HOPS: usize = 16;

/// One regular file of the archive, now on disk in staging.
#[derive(Debug, Clone)]
pub(crate) struct SpooledFile {
    pub path: PathBuf,
    pub digest: Digest,
    pub size: u64,
}

#[derive(Debug, Clone)]
enum Entry {
    File(SpooledFile),
    /// A symlink or hard link, already resolved to an archive path.
    Link(String),
}

pub(crate) struct Spool {
    /// Owns the spooled files; dropping it removes them.
    staging: Staging,
    entries: HashMap<String, Entry>,
}

impl Spool {
    /// Reads the whole archive into a new staging area.
    pub fn read(store: &Store, input: impl Read) -> Result<Spool> {
        let staging = store.begin_staging()?;
        let other = staging.dir().join("archive");
        fs::create_dir_all(&other).ctx("create", &other)?;
        let mut spool = Spool {
            staging,
            entries: HashMap::new(),
        };
        let (input, header_budget) = tar_guard::guard(input);
        let mut archive = tar::Archive::new(input);
        let read_err = |e: io::Error| StoreError::Invalid(format!("reading the archive: {e}"));
        let mut count = 0u64;
        let mut entries = archive.entries().map_err(read_err)?;
        while let Some(entry) = header_budget.next(&mut entries) {
            let mut entry = entry.map_err(read_err)?;
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let name = clean_path(&raw)?;
            let kind = entry.header().entry_type();
            match kind {
                // Directories need no spooling; extension headers the tar
                // reader did not fold into an entry carry nothing we use.
                tar::EntryType::Directory
                | tar::EntryType::XGlobalHeader
                | tar::EntryType::XHeader
                | tar::EntryType::GNULongName
                | tar::EntryType::GNULongLink => {}
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    count += 1;
                    let file =
                        spool.store_file(&name, &mut entry, &other.join(count.to_string()))?;
                    spool.entries.insert(name, Entry::File(file));
                }
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    let target = entry
                        .link_name_bytes()
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default();
                    let resolved = if kind == tar::EntryType::Symlink {
                        resolve_symlink(&name, &target)?
                    } else {
                        clean_path(&target)?
                    };
                    spool.entries.insert(name, Entry::Link(resolved));
                }
                other_kind => {
                    return Err(StoreError::Invalid(format!(
                        "archive entry {raw:?} is a {other_kind:?}; image archives hold only files, directories and links"
                    )));
                }
            }
            tar_guard::drain(&mut entry).map_err(read_err)?;
        }
        Ok(spool)
    }

    fn store_file(&self, name: &str, entry: &mut impl Read, tmp: &Path) -> Result<SpooledFile> {
        if let Some(hex) = name.strip_prefix("blobs/sha256/") {
            if let Ok(d) = Digest::from_hex(hex) {
                let mut w = self.staging.blob_writer(&d, None)?;
                copy_entry(name, self.staging.dir(), entry, &mut w)?;
                let size = w.finish()?;
                return Ok(SpooledFile {
                    path: self.staging.blob_path(&d),
                    digest: d,
                    size,
                });
            }
        }
        let file = File::create(tmp).ctx("create", tmp)?;
        let mut w = HashingWriter::new(io::BufWriter::with_capacity(256 * 1024, file));
        copy_entry(name, tmp, entry, &mut w)?;
        let (buf, digest, size) = w.finish();
        buf.into_inner()
            .map_err(|e| e.into_error())
            .ctx("write", tmp)?;
        if let Some(named) = digest_in_name(name) {
            if named != digest {
                return Err(StoreError::DigestMismatch {
                    what: format!("archive file {name}"),
                    expected: named,
                    actual: digest,
                });
            }
        }
        Ok(SpooledFile {
            path: tmp.to_path_buf(),
            digest,
            size,
        })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// The file an archive path names, following links inside the archive.
    /// `what` says who refers to it, for the error message.
    pub fn get(&self, name: &str, what: &str) -> Result<&SpooledFile> {
        let mut current = clean_path(name).map_err(|_| {
            StoreError::Invalid(format!(
                "{what} refers to {name:?}, which is outside the archive"
            ))
        })?;
        for _ in 0..MAX_LINK_HOPS {
            match self.entries.get(&current) {
                Some(Entry::File(f)) => return Ok(f),
                Some(Entry::Link(target)) => current = target.clone(),
                None => {
                    return Err(StoreError::Invalid(format!(
                        "{what} refers to {name:?}, which the archive does not contain; the archive is incomplete"
                    )))
                }
            }
        }
        Err(StoreError::Invalid(format!(
            "{what} refers to {name:?} through too many links"
        )))
    }

    /// A blob of the OCI layout, by digest.
    pub fn blob(&self, d: &Digest, what: &str) -> Result<&SpooledFile> {
        self.get(&format!("blobs/sha256/{}", d.hex()), what)
    }

    /// Reads a metadata document, refusing ones too large to be honest.
    pub fn read_small(&self, file: &SpooledFile, what: &str) -> Result<Vec<u8>> {
        if file.size > MAX_METADATA {
            return Err(StoreError::Invalid(format!(
                "{what} is {} bytes; metadata larger than {MAX_METADATA} bytes is refused",
                file.size
            )));
        }
        fs::read(&file.path).ctx("read", &file.path)
    }
}

/// Copies one entry to disk, telling the archive's faults (truncated,
/// corrupt: `Invalid`) from the disk's (full: `Io`, so the CLI can say so).
fn copy_entry(name: &str, dest: &Path, r: &mut impl Read, w: &mut impl Write) -> Result<()> {
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(StoreError::Invalid(format!(
                    "reading archive entry {name}: {e}; the archive is truncated or corrupt"
                )))
            }
        };
        w.write_all(&buf[..n]).ctx("write", dest)?;
    }
}

/// The digest a file's name claims, for names docker and other tools use:
/// `<hex>.json` (legacy docker configs) and `sha256:<hex>` (go-containerregistry).
fn digest_in_name(name: &str) -> Option<Digest> {
    let base = name.rsplit('/').next()?;
    if let Some(hex) = base.strip_suffix(".json") {
        return Digest::from_hex(hex).ok();
    }
    Digest::parse(base).ok()
}

/// Normalises an archive path to `a/b/c`, refusing absolute paths and `..`:
/// a hostile archive must not name anything outside itself.
pub(crate) fn clean_path(raw: &str) -> Result<String> {
    let escape = || {
        StoreError::Invalid(format!(
            "archive entry {raw:?} points outside the archive; the archive is corrupt or hostile, and nothing was loaded"
        ))
    };
    if raw.starts_with('/') {
        return Err(escape());
    }
    let mut parts = Vec::new();
    for c in raw.split('/') {
        match c {
            "" | "." => {}
            ".." => return Err(escape()),
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        return Err(StoreError::Invalid(format!(
            "archive entry {raw:?} has an empty name"
        )));
    }
    Ok(parts.join("/"))
}

/// Resolves a symlink's target against the link's directory, inside the archive.
fn resolve_symlink(link: &str, target: &str) -> Result<String> {
    let escape = || {
        StoreError::Invalid(format!(
            "archive link {link:?} -> {target:?} points outside the archive; the archive is corrupt or hostile, and nothing was loaded"
        ))
    };
    if target.starts_with('/') {
        return Err(escape());
    }
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for c in target.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or_else(escape)?;
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        return Err(escape());
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_and_escapes_refused() {
        assert_eq!(
            clean_path("./manifest.json").ok().as_deref(),
            Some("manifest.json")
        );
        assert_eq!(
            clean_path("abc//layer.tar").ok().as_deref(),
            Some("abc/layer.tar")
        );
        for bad in ["../x", "/etc/passwd", "a/../../b", "a/..", "", "."] {
            assert!(clean_path(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn symlinks_resolve_within_the_archive() {
        assert_eq!(
            resolve_symlink("aaa/layer.tar", "../bbb/layer.tar")
                .ok()
                .as_deref(),
            Some("bbb/layer.tar")
        );
        assert!(resolve_symlink("aaa/layer.tar", "../../etc/shadow").is_err());
        assert!(resolve_symlink("layer.tar", "/etc/shadow").is_err());
    }

    #[test]
    fn digests_in_names_are_recognised() {
        let d = Digest::of_bytes(b"{}");
        assert_eq!(
            digest_in_name(&format!("{}.json", d.hex())),
            Some(d.clone())
        );
        assert_eq!(digest_in_name(d.as_str()), Some(d));
        assert_eq!(digest_in_name("manifest.json"), None);
    }
}

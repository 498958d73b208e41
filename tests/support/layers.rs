//! Layer tarballs built in memory, byte-for-byte reproducible (fixed mtime,
//! fixed order), so the same layer always has the same digest.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest as _, Sha256};

use super::install;

/// Every entry's mtime: 2023-11-14T22:13:20Z.
pub const MTIME: u64 = 1_700_000_000;

/// `sha256:<hex>` of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

#[derive(Clone, Debug)]
enum Entry {
    Dir {
        path: String,
        mode: u32,
        uid: u64,
        gid: u64,
    },
    File {
        path: String,
        data: Vec<u8>,
        mode: u32,
        uid: u64,
        gid: u64,
    },
    Symlink {
        path: String,
        target: String,
    },
    Hardlink {
        path: String,
        target: String,
    },
}

/// The contents of one layer, in tar order. Paths are relative to the
/// image root (`"etc/passwd"`); a leading `/` is stripped.
#[derive(Clone, Debug, Default)]
pub struct LayerBuilder {
    entries: Vec<Entry>,
}

fn rel(path: &str) -> String {
    path.trim_start_matches('/').to_string()
}

impl LayerBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn dir(self, path: &str, mode: u32) -> Self {
        self.dir_owned(path, mode, 0, 0)
    }

    pub fn dir_owned(mut self, path: &str, mode: u32, uid: u64, gid: u64) -> Self {
        self.entries.push(Entry::Dir {
            path: rel(path),
            mode,
            uid,
            gid,
        });
        self
    }

    pub fn file(self, path: &str, data: impl Into<Vec<u8>>, mode: u32) -> Self {
        self.file_owned(path, data, mode, 0, 0)
    }

    pub fn file_owned(
        mut self,
        path: &str,
        data: impl Into<Vec<u8>>,
        mode: u32,
        uid: u64,
        gid: u64,
    ) -> Self {
        self.entries.push(Entry::File {
            path: rel(path),
            data: data.into(),
            mode,
            uid,
            gid,
        });
        self
    }

    /// `path` → `target`, stored verbatim (relative or absolute).
    pub fn symlink(mut self, path: &str, target: &str) -> Self {
        self.entries.push(Entry::Symlink {
            path: rel(path),
            target: target.to_string(),
        });
        self
    }

    /// A hard link to `target`, an earlier path in the same layer (tar
    /// stores it relative to the root, as docker does).
    pub fn hardlink(mut self, path: &str, target: &str) -> Self {
        self.entries.push(Entry::Hardlink {
            path: rel(path),
            target: rel(target),
        });
        self
    }

    /// Deletes `path` from the layers below (an AUFS `.wh.<name>` file).
    pub fn whiteout(self, path: &str) -> Self {
        let path = rel(path);
        let (dir, name) = match path.rsplit_once('/') {
            Some((d, n)) => (format!("{d}/"), n.to_string()),
            None => (String::new(), path.clone()),
        };
        self.file(&format!("{dir}.wh.{name}"), Vec::new(), 0o644)
    }

    /// Hides everything the layers below have in `dir` (`.wh..wh..opq`).
    pub fn opaque(self, dir: &str) -> Self {
        self.file(
            &format!("{}/.wh..wh..opq", rel(dir).trim_end_matches('/')),
            Vec::new(),
            0o644,
        )
    }

    /// The uncompressed tar.
    pub fn tar(&self) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for e in &self.entries {
            append(&mut b, e)
                .unwrap_or_else(|err| panic!("cannot add {e:?} to a test layer: {err}"));
        }
        b.into_inner()
            .unwrap_or_else(|e| panic!("cannot finish a test layer: {e}"))
    }
}

fn header(kind: tar::EntryType, mode: u32, uid: u64, gid: u64, size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_uid(uid);
    h.set_gid(gid);
    h.set_size(size);
    h.set_mtime(MTIME);
    h
}

fn append(b: &mut tar::Builder<Vec<u8>>, e: &Entry) -> std::io::Result<()> {
    match e {
        Entry::Dir {
            path,
            mode,
            uid,
            gid,
        } => {
            let mut h = header(tar::EntryType::Directory, *mode, *uid, *gid, 0);
            b.append_data(
                &mut h,
                format!("{}/", path.trim_end_matches('/')),
                std::io::empty(),
            )
        }
        Entry::File {
            path,
            data,
            mode,
            uid,
            gid,
        } => {
            let mut h = header(
                tar::EntryType::Regular,
                *mode,
                *uid,
                *gid,
                data.len() as u64,
            );
            b.append_data(&mut h, path, data.as_slice())
        }
        Entry::Symlink { path, target } => {
            let mut h = header(tar::EntryType::Symlink, 0o777, 0, 0, 0);
            b.append_link(&mut h, path, target)
        }
        Entry::Hardlink { path, target } => {
            let mut h = header(tar::EntryType::Link, 0o644, 0, 0, 0);
            b.append_link(&mut h, path, target)
        }
    }
}

/// How a layer blob is compressed; each has its OCI media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

pub fn compress(tar: &[u8], how: Compression) -> Vec<u8> {
    let done = match how {
        Compression::None => Ok(tar.to_vec()),
        Compression::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(tar).and_then(|()| enc.finish())
        }
        Compression::Zstd => zstd::encode_all(tar, 3),
    };
    done.unwrap_or_else(|e| panic!("cannot compress a test layer ({how:?}): {e}"))
}

/// A layer ready to upload.
#[derive(Clone, Debug)]
pub struct LayerBlob {
    /// The blob as uploaded (compressed).
    pub bytes: Vec<u8>,
    /// Digest of `bytes`: what the manifest lists.
    pub digest: String,
    /// Digest of the uncompressed tar: what the config's `rootfs.diff_ids` lists.
    pub diff_id: String,
    pub compression: Compression,
}

impl LayerBlob {
    pub fn new(tar: &[u8], compression: Compression) -> LayerBlob {
        let bytes = compress(tar, compression);
        LayerBlob {
            digest: sha256(&bytes),
            diff_id: sha256(tar),
            bytes,
            compression,
        }
    }
}

/// The busybox rootfs layer, built once per test binary and compression.
pub fn busybox_layer(compression: Compression) -> Arc<LayerBlob> {
    static CACHE: OnceLock<Mutex<HashMap<Compression, Arc<LayerBlob>>>> = OnceLock::new();
    static TAR: OnceLock<Vec<u8>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&compression).cloned()) {
        return hit;
    }
    let tar = TAR.get_or_init(|| busybox_rootfs().tar());
    let blob = Arc::new(LayerBlob::new(tar, compression));
    if let Ok(mut c) = cache.lock() {
        c.insert(compression, blob.clone());
    }
    blob
}

/// Applets the tests rely on, linked even if `--list-full` lacks them.
const REQUIRED_APPLETS: &[&str] = &[
    "sh", "echo", "ls", "cat", "true", "false", "sleep", "wget", "httpd", "env", "id", "ps",
    "kill", "hostname",
];

/// A minimal Linux root: the host's static busybox as `/bin/busybox`, one
/// relative symlink per applet at its usual path, the usual top-level
/// directories, and users root, nobody and tester (uid 1000).
pub fn busybox_rootfs() -> LayerBuilder {
    install::ensure(&[&install::BUSYBOX_STATIC]);
    let host = Path::new(install::BUSYBOX_STATIC.provides);
    let binary = std::fs::read(host).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; apt-get install busybox-static",
            host.display()
        )
    });

    let mut l = LayerBuilder::new();
    for (dir, mode) in [
        ("bin", 0o755),
        ("dev", 0o755),
        ("etc", 0o755),
        ("home", 0o755),
        ("proc", 0o555),
        ("root", 0o700),
        ("sbin", 0o755),
        ("sys", 0o555),
        ("tmp", 0o1777),
        ("usr", 0o755),
        ("usr/bin", 0o755),
        ("usr/sbin", 0o755),
        ("var", 0o755),
        ("var/tmp", 0o1777),
    ] {
        l = l.dir(dir, mode);
    }
    l = l.dir_owned("home/tester", 0o755, 1000, 1000);
    l = l
        .file("bin/busybox", binary, 0o755)
        .file(
            "etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\n\
             nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n\
             tester:x:1000:1000:tester:/home/tester:/bin/sh\n",
            0o644,
        )
        .file(
            "etc/group",
            "root:x:0:\nnobody:x:65534:\ntester:x:1000:\n",
            0o644,
        )
        .file(
            "etc/hosts",
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
            0o644,
        );

    let mut applets = applet_paths(host);
    for name in REQUIRED_APPLETS {
        let path = format!("bin/{name}");
        if !applets.iter().any(|a| a.rsplit('/').next() == Some(name)) {
            applets.push(path);
        }
    }
    for path in applets {
        let depth = path.matches('/').count();
        let target = if path.starts_with("bin/") && depth == 1 {
            "busybox".to_string()
        } else {
            format!("{}bin/busybox", "../".repeat(depth))
        };
        l = l.symlink(&path, &target);
    }
    l
}

/// `busybox --list-full`: `bin/sh`, `usr/bin/wget`... Only the four
/// directories the rootfs has are kept, so no entry lacks its parent.
fn applet_paths(busybox: &Path) -> Vec<String> {
    let out = Command::new(busybox)
        .arg("--list-full")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} --list-full: {e}", busybox.display()));
    let mut paths: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().trim_start_matches('/').to_string())
        .filter(|p| {
            ["bin/", "sbin/", "usr/bin/", "usr/sbin/"].iter().any(|d| {
                p.strip_prefix(d)
                    .is_some_and(|name| !name.is_empty() && !name.contains('/'))
            }) && p != "bin/busybox"
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

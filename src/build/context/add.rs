//! ADD: COPY plus two extras. A local file that is a tar archive (plain,
//! gzip or zstd, recognised by its content, not its name) is extracted
//! into the destination directory; an http(s) URL is downloaded (mode
//! 0600 as docker writes it, mtime from `Last-Modified`).
//!
//! Archives are extracted by the store's layer extractor (no member may
//! land outside) into a private temporary directory first, then copied in
//! with the COPY rules, so `--chown`/`--chmod` and the in-root path
//! resolution apply to them exactly as to copied files.

use std::fs::{self, File, FileTimes, Permissions};
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::store::compression::decompressing_reader;
use crate::store::extract::{extract_layer, ExtractOptions};

use super::copy::{Target, Writer};
use super::tarctx::TempDir;
use super::{scoped, BuildContext, ContextError, CopyOptions, Ignore, ResolvedSource};

/// One ADD source.
#[derive(Debug, Clone)]
pub enum AddSource {
    Local(ResolvedSource),
    Url(String),
}

/// Whether an ADD source is a URL to download rather than a context path.
pub fn is_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Adds `sources` to `dest` in the container root `rootfs`.
pub fn add_into(
    rootfs: &Path,
    sources: &[AddSource],
    dest: &str,
    opts: &CopyOptions,
    ctx: &BuildContext,
) -> Result<(), ContextError> {
    let target = Target::new(dest, opts, sources.len() > 1);
    let mut w = Writer::new(rootfs, opts);
    for src in sources {
        match src {
            AddSource::Local(s) if !s.is_dir && is_archive(&s.path)? => {
                extract_into(&mut w, s, &target)?
            }
            AddSource::Local(s) => w.copy_source(s, &target, ctx.ignore())?,
            AddSource::Url(url) => download_into(&mut w, rootfs, url, &target)?,
        }
    }
    w.finish()
}

/// Whether `prefix` (the first bytes of a stream, at least 512 when there
/// are that many) starts a tar archive: a ustar/GNU magic, or a v7 header
/// whose checksum holds.
pub fn is_tar_header(prefix: &[u8]) -> bool {
    let Some(h) = prefix.get(..512) else {
        return false;
    };
    if &h[257..262] == b"ustar" {
        return true;
    }
    let field = String::from_utf8_lossy(&h[148..156]);
    let Ok(stored) = u32::from_str_radix(field.trim_matches(|c: char| c == ' ' || c == '\0'), 8)
    else {
        return false;
    };
    let sum: u32 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                u32::from(b' ')
            } else {
                u32::from(b)
            }
        })
        .sum();
    h[0] != 0 && sum == stored
}

/// Whether the file at `path` is an archive ADD extracts. bzip2 and xz
/// archives are refused rather than silently copied unextracted.
fn is_archive(path: &Path) -> Result<bool, ContextError> {
    let mut magic = [0u8; 6];
    let mut f = File::open(path).map_err(ContextError::io("read", path))?;
    let n = read_up_to(&mut f, &mut magic).map_err(ContextError::io("read", path))?;
    let magic = &magic[..n];
    if magic.starts_with(b"BZh") || magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        // Without a decompressor berth cannot tell whether a tar is inside.
        return Err(ContextError::UnsupportedArchive {
            path: path.display().to_string(),
        });
    }
    let f = File::open(path).map_err(ContextError::io("read", path))?;
    let Ok(mut plain) = decompressing_reader(f) else {
        return Ok(false);
    };
    let mut head = [0u8; 512];
    // Compressed data that is not valid is not an archive: copy it as is.
    match read_up_to(&mut plain, &mut head) {
        Ok(n) => Ok(is_tar_header(&head[..n])),
        Err(_) => Ok(false),
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut have = 0;
    while have < buf.len() {
        match r.read(&mut buf[have..]) {
            Ok(0) => break,
            Ok(n) => have += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(have)
}

fn extract_into(
    w: &mut Writer<'_>,
    src: &ResolvedSource,
    target: &Target,
) -> Result<(), ContextError> {
    let temp = TempDir::new()?;
    let f = File::open(&src.path).map_err(ContextError::io("read", &src.path))?;
    let plain = decompressing_reader(f).map_err(ContextError::io("read", &src.path))?;
    extract_layer(plain, temp.path(), &ExtractOptions::default()).map_err(|error| {
        ContextError::Extract {
            source_path: src.rel.display().to_string(),
            dest: target.path.display().to_string(),
            error,
        }
    })?;
    // A destination directory ADD creates gets the usual 0755, not the
    // temporary directory's 0700.
    fs::set_permissions(temp.path(), Permissions::from_mode(0o755))
        .map_err(ContextError::io("set the mode of", temp.path()))?;
    let unpacked = ResolvedSource {
        path: temp.path().to_path_buf(),
        rel: PathBuf::new(),
        is_dir: true,
        name: Default::default(),
        // The archive's owners are kept unless --chown says otherwise.
        from_context: false,
    };
    let into = Target {
        path: target.path.clone(),
        dir: true,
    };
    w.copy_source(&unpacked, &into, &Ignore::default())
}

fn download_into(
    w: &mut Writer<'_>,
    rootfs: &Path,
    url: &str,
    target: &Target,
) -> Result<(), ContextError> {
    let name = url_file_name(url);
    let into_dir = target.dir || scoped::resolve(rootfs, &target.path, true)?.is_dir();
    if into_dir && name.is_none() {
        return Err(ContextError::UrlFileName {
            url: url.to_owned(),
        });
    }
    let temp = TempDir::new()?;
    let file = temp.path().join("download");
    let modified = fetch(url, &file)?;
    fs::set_permissions(&file, Permissions::from_mode(0o600))
        .map_err(ContextError::io("set the mode of", &file))?;
    if let Some(t) = modified {
        let f = File::options()
            .write(true)
            .open(&file)
            .map_err(ContextError::io("open", &file))?;
        f.set_times(FileTimes::new().set_accessed(t).set_modified(t))
            .map_err(ContextError::io("set the times of", &file))?;
    }
    let fetched = ResolvedSource {
        path: file,
        rel: PathBuf::from(url),
        is_dir: false,
        name: name.unwrap_or_default().into(),
        // Downloads land as root (or --chown), as context files do.
        from_context: true,
    };
    let into = Target {
        path: target.path.clone(),
        dir: into_dir,
    };
    w.copy_source(&fetched, &into, &Ignore::default())
}

/// The last segment of the URL's path, percent-decoded; `None` when the
/// path ends in `/` or is empty.
fn url_file_name(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let last = parsed.path_segments()?.next_back()?.to_owned();
    let decoded = percent_decode(&last);
    if decoded.is_empty() || decoded == "." || decoded == ".." || decoded.contains('/') {
        return None;
    }
    Some(decoded)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// GETs `url` into the file `to`; returns the `Last-Modified` time.
///
/// The registry code is async (oci-client on reqwest), so this builds a
/// current-thread tokio runtime for the one request and shuts it down
/// before returning: no runtime outlives the call, which matters because
/// RUN later clones from this process.
fn fetch(url: &str, to: &Path) -> Result<Option<SystemTime>, ContextError> {
    let err = |reason: String| ContextError::Download {
        url: url.to_owned(),
        reason,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| err(format!("cannot start the HTTP client: {e}")))?;
    let result = rt.block_on(async {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| err(chain(&e)))?;
        let mut resp = client.get(url).send().await.map_err(|e| err(chain(&e)))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(err(format!("the server answered {status}")));
        }
        let modified = resp
            .headers()
            .get(reqwest::header::LAST_MODIFIED)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| chrono::DateTime::parse_from_rfc2822(s).ok())
            .map(SystemTime::from);
        let mut file = File::create(to).map_err(ContextError::io("create", to))?;
        while let Some(chunk) = resp.chunk().await.map_err(|e| err(chain(&e)))? {
            file.write_all(&chunk)
                .map_err(ContextError::io("write", to))?;
        }
        Ok(modified)
    });
    rt.shutdown_timeout(Duration::from_secs(1));
    result
}

/// An error with its causes, which is where reqwest puts the useful part.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

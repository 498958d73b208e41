//! Turning COPY/ADD source arguments into the files they name, and walking
//! what a source brings in.
//!
//! Rules (docker's/BuildKit's): a source is cleaned like `filepath.Clean`;
//! in the context it may not climb out (`../x` is refused), an absolute
//! one is relative to the context root; wildcards match one path component
//! each with Go's `filepath.Match`; matches are sorted; ignored files do
//! not exist; a source that names nothing is "not found". The source
//! itself is followed if it is a symlink (inside its root); symlinks below
//! a directory source are brought in as symlinks.

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::ignore::Ignore;
use super::pattern::{go_clean, has_meta, Pattern};
use super::{scoped, ContextError};

/// One file or directory a COPY/ADD source resolved to.
#[derive(Debug, Clone)]
pub struct ResolvedSource {
    /// Where it is on disk (symlinks of the source itself followed).
    pub path: PathBuf,
    /// Where it is relative to its root (the context, or the other stage's
    /// root for `COPY --from`), symlinks followed.
    pub rel: PathBuf,
    /// A directory: its contents are what is copied.
    pub is_dir: bool,
    /// The name a file source gets in a destination directory: the last
    /// component of the source as written (a symlink's own name).
    pub name: OsString,
    /// From the build context: .dockerignore applies and ownership is not
    /// carried over (files land as root, or as `--chown` says). From
    /// another root, ownership is kept.
    pub from_context: bool,
}

/// Resolves sources in `root`. `ignore` is `Some` for the build context
/// (which also makes a climbing `..` an error); `None` for another root,
/// where `..` stops at `/` as in a chroot.
pub(super) fn resolve_sources(
    root: &Path,
    ignore: Option<&Ignore>,
    sources: &[String],
) -> Result<Vec<ResolvedSource>, ContextError> {
    let mut out = Vec::new();
    for src in sources {
        let cleaned = if ignore.is_some() {
            let c = go_clean(src.trim_start_matches('/'));
            if c == ".." || c.starts_with("../") {
                return Err(ContextError::Forbidden { path: src.clone() });
            }
            c
        } else {
            go_clean(&format!("/{src}"))
                .trim_start_matches('/')
                .to_owned()
        };
        let not_found = || ContextError::NotFound {
            path: format!("/{}", cleaned.trim_start_matches('.')),
        };
        let logical = expand(root, ignore, &cleaned)?;
        if logical.is_empty() {
            return Err(not_found());
        }
        for rel in logical {
            match one(root, ignore, &rel)? {
                Some(r) => out.push(r),
                None => return Err(not_found()),
            }
        }
    }
    Ok(out)
}

/// COPY --from: sources inside another root directory (a stage's or an
/// image's), relative to its `/`; no .dockerignore there.
pub fn resolve_in_rootfs(
    rootfs: &Path,
    sources: &[String],
) -> Result<Vec<ResolvedSource>, ContextError> {
    resolve_sources(rootfs, None, sources)
}

/// The paths (relative, `/`-separated) a cleaned source names: itself if
/// it has no wildcard, else every existing, visible match, sorted.
fn expand(
    root: &Path,
    ignore: Option<&Ignore>,
    cleaned: &str,
) -> Result<Vec<String>, ContextError> {
    if !has_meta(cleaned) {
        return Ok(vec![cleaned.to_owned()]);
    }
    let mut found = vec![String::new()];
    for comp in cleaned.split('/').filter(|c| !c.is_empty() && *c != ".") {
        let pat = Pattern::new(comp, false).map_err(|e| ContextError::BadSourcePattern {
            pattern: cleaned.to_owned(),
            reason: e.0.to_owned(),
        })?;
        let mut next = Vec::new();
        for base in &found {
            let join = |name: &str| {
                if base.is_empty() {
                    name.to_owned()
                } else {
                    format!("{base}/{name}")
                }
            };
            if pat.is_literal() {
                next.push(join(&unescape(comp)));
                continue;
            }
            let dir = scoped::resolve(root, Path::new(base), true)?;
            if !dir.is_dir() {
                continue;
            }
            let host = dir.host(root);
            let mut names: Vec<String> = Vec::new();
            for entry in fs::read_dir(&host).map_err(ContextError::io("list", &host))? {
                let entry = entry.map_err(ContextError::io("list", &host))?;
                let name = String::from_utf8_lossy(entry.file_name().as_bytes()).into_owned();
                if pat.matches(&name) && !hidden(ignore, &join(&name), &entry.path()) {
                    names.push(name);
                }
            }
            names.sort();
            next.extend(names.iter().map(|n| join(n)));
        }
        found = next;
    }
    Ok(found)
}

/// `\x` → `x`, for a component that is literal once its escapes are read.
fn unescape(comp: &str) -> String {
    let mut out = String::new();
    let mut chars = comp.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' {
            chars.next().unwrap_or(c)
        } else {
            c
        });
    }
    out
}

/// Whether the context path `rel` is invisible: ignored, and (for a
/// directory) with no exception that could bring back something below.
fn hidden(ignore: Option<&Ignore>, rel: &str, host: &Path) -> bool {
    let Some(ig) = ignore else { return false };
    if !ig.matches(rel) {
        return false;
    }
    let is_dir = fs::metadata(host).map(|m| m.is_dir()).unwrap_or(false);
    !(is_dir && ig.may_reinclude_below(rel))
}

/// Resolves one logical path; `None` when it does not exist or is hidden.
fn one(
    root: &Path,
    ignore: Option<&Ignore>,
    rel: &str,
) -> Result<Option<ResolvedSource>, ContextError> {
    let s = scoped::resolve(root, Path::new(rel), true)?;
    if !s.exists() {
        return Ok(None);
    }
    let path = s.host(root);
    let resolved_rel = s.rel();
    let shown_rel = resolved_rel.to_string_lossy().into_owned();
    if !rel.is_empty() && (hidden(ignore, rel, &path) || hidden(ignore, &shown_rel, &path)) {
        return Ok(None);
    }
    let name = Path::new(rel)
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    Ok(Some(ResolvedSource {
        is_dir: s.is_dir(),
        path,
        rel: resolved_rel,
        name,
        from_context: ignore.is_some(),
    }))
}

/// One thing a source brings in.
#[derive(Debug)]
pub(super) struct Entry {
    /// Relative to the source (empty for the source itself).
    pub rel: PathBuf,
    pub host: PathBuf,
    pub meta: fs::Metadata,
}

/// Everything `src` brings in, parents before children, siblings sorted by
/// name: the source itself first, then (for a directory) what is below it
/// and not ignored. An ignored directory is kept only for an exception
/// below it that matched something.
pub(super) fn walk(
    src: &ResolvedSource,
    ignore: Option<&Ignore>,
) -> Result<Vec<Entry>, ContextError> {
    let meta = fs::symlink_metadata(&src.path).map_err(ContextError::io("read", &src.path))?;
    // A followed top-level symlink: the target's metadata.
    let meta = if meta.file_type().is_symlink() {
        fs::metadata(&src.path).map_err(ContextError::io("read", &src.path))?
    } else {
        meta
    };
    let mut out = vec![Entry {
        rel: PathBuf::new(),
        host: src.path.clone(),
        meta,
    }];
    if src.is_dir {
        let ignore = if src.from_context { ignore } else { None };
        walk_dir(&src.path, &src.rel, Path::new(""), ignore, &mut out)?;
    }
    Ok(out)
}

fn walk_dir(
    host: &Path,
    ctx_rel: &Path,
    rel: &Path,
    ignore: Option<&Ignore>,
    out: &mut Vec<Entry>,
) -> Result<(), ContextError> {
    let mut names: Vec<OsString> = Vec::new();
    for entry in fs::read_dir(host).map_err(ContextError::io("list", host))? {
        names.push(entry.map_err(ContextError::io("list", host))?.file_name());
    }
    names.sort();
    for name in names {
        let child_host = host.join(&name);
        let child_rel = rel.join(&name);
        let child_ctx = ctx_rel.join(&name);
        let meta =
            fs::symlink_metadata(&child_host).map_err(ContextError::io("read", &child_host))?;
        let ctx_str = child_ctx.to_string_lossy();
        let ignored = ignore.is_some_and(|ig| ig.matches(&ctx_str));
        if meta.is_dir() {
            if ignored && !ignore.is_some_and(|ig| ig.may_reinclude_below(&ctx_str)) {
                continue;
            }
            let at = out.len();
            out.push(Entry {
                rel: child_rel.clone(),
                host: child_host.clone(),
                meta,
            });
            walk_dir(&child_host, &child_ctx, &child_rel, ignore, out)?;
            if ignored && out.len() == at + 1 {
                out.pop();
            }
        } else if !ignored {
            out.push(Entry {
                rel: child_rel,
                host: child_host,
                meta,
            });
        }
    }
    Ok(())
}

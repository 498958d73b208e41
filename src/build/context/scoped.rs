//! Resolving a path inside a root directory the way a process chrooted
//! there would: symlinks are expanded by hand, an absolute target starts
//! again from the root, and `..` never climbs above it. Used both for the
//! build context (a top-level source symlink is followed, within the
//! context) and for a container's root (COPY never writes outside it).

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use super::ContextError;

/// Linux's limit on symlinks followed in one lookup.
const MAX_LINKS: usize = 40;

/// Where a path led.
#[derive(Debug)]
pub(super) struct Scoped {
    /// The components that exist, every symlink among them expanded
    /// (except a final one not followed); relative to the root.
    pub real: Vec<OsString>,
    /// The components below `real` that do not exist yet.
    pub missing: Vec<OsString>,
    /// What the last of `real` is, when nothing is missing and the path is
    /// not the root itself.
    pub meta: Option<fs::Metadata>,
}

impl Scoped {
    /// The existing part on the host.
    pub fn host(&self, root: &Path) -> PathBuf {
        let mut p = root.to_path_buf();
        p.extend(&self.real);
        p
    }

    /// Whether the path names an existing directory (the root counts).
    pub fn is_dir(&self) -> bool {
        self.missing.is_empty() && self.meta.as_ref().is_none_or(|m| m.is_dir())
    }

    pub fn exists(&self) -> bool {
        self.missing.is_empty()
    }

    /// The resolved path relative to the root, with `/` separators.
    pub fn rel(&self) -> PathBuf {
        self.real.iter().collect()
    }
}

/// Resolves `path` (absolute or not, both relative to `root`) below
/// `root`. Symlinks on the way are always followed inside the root, the
/// final one only with `follow_final`. A missing tail is reported in
/// [`Scoped::missing`]; a non-directory on the way is an error.
pub(super) fn resolve(
    root: &Path,
    path: &Path,
    follow_final: bool,
) -> Result<Scoped, ContextError> {
    let shown = || path.display().to_string();
    let mut todo: Vec<OsString> = parts(path);
    todo.reverse();
    let mut real: Vec<OsString> = Vec::new();
    let mut meta = None;
    let mut links = 0;
    while let Some(comp) = todo.pop() {
        if comp == ".." {
            real.pop();
            meta = None;
            continue;
        }
        let last = todo.is_empty();
        let mut here = root.to_path_buf();
        here.extend(&real);
        here.push(&comp);
        let m = match fs::symlink_metadata(&here) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // Nothing below a missing name exists: only `..` can still
                // change where the path goes, and it does so by name.
                let mut missing = vec![comp];
                while let Some(c) = todo.pop() {
                    if c != ".." {
                        missing.push(c);
                    } else if missing.pop().is_none() {
                        real.pop();
                    }
                }
                let meta = if missing.is_empty() {
                    stat_of(root, &real)?
                } else {
                    None
                };
                return Ok(Scoped {
                    real,
                    missing,
                    meta,
                });
            }
            Err(e) => return Err(ContextError::io("look up", &here)(e)),
        };
        if m.file_type().is_symlink() && (!last || follow_final) {
            links += 1;
            if links > MAX_LINKS {
                return Err(ContextError::SymlinkLoop { path: shown() });
            }
            let target = fs::read_link(&here).map_err(ContextError::io("read the link", &here))?;
            if target.is_absolute() {
                real.clear();
            }
            let mut more = parts(&target);
            more.reverse();
            todo.extend(more);
            meta = None;
            continue;
        }
        if !last && !m.is_dir() {
            return Err(ContextError::NotADirectory {
                path: shown(),
                what: show(&real, &comp),
            });
        }
        real.push(comp);
        meta = Some(m);
    }
    // Ending on `..` or a followed link leaves `meta` unknown: look again.
    if meta.is_none() && !real.is_empty() {
        meta = stat_of(root, &real)?;
    }
    Ok(Scoped {
        real,
        missing: Vec::new(),
        meta,
    })
}

fn stat_of(root: &Path, real: &[OsString]) -> Result<Option<fs::Metadata>, ContextError> {
    if real.is_empty() {
        return Ok(None);
    }
    let mut p = root.to_path_buf();
    p.extend(real);
    fs::symlink_metadata(&p)
        .map(Some)
        .map_err(ContextError::io("look up", &p))
}

/// The normal and `..` components of a path (`/` and `.` dropped).
fn parts(path: &Path) -> Vec<OsString> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            _ => None,
        })
        .collect()
}

fn show(real: &[OsString], comp: &OsStr) -> String {
    let mut s = String::from("/");
    for c in real {
        s.push_str(&String::from_utf8_lossy(c.as_bytes()));
        s.push('/');
    }
    s.push_str(&String::from_utf8_lossy(comp.as_bytes()));
    s
}

//! Resolving a path inside a container's root the way the container itself
//! would see it, whatever the container planted there.
//!
//! This is `openat2(RESOLVE_IN_ROOT)` done one component at a time over a
//! `store::diff::view::Dir` (so it works on a running container's root and
//! on the merged layers of a stopped one alike): every component is opened
//! with `O_NOFOLLOW` relative to a directory descriptor we hold; a symlink
//! is expanded by reading its target and resolving that again from the
//! container's root (absolute) or from where it sits (relative); `..` pops
//! our own stack and stops at the root. Nothing is ever looked up by a host
//! path, so `/etc` in a symlink means the container's `/etc`.

use std::ffi::{OsStr, OsString};
use std::os::fd::AsFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use nix::fcntl::readlinkat;
use nix::sys::stat::SFlag;

use super::{FsError, Result};
use crate::store::diff::view::file_kind;
use crate::store::diff::{Dir, Entry, Kind};

/// Linux's limit on symlinks followed in one lookup.
const MAX_LINKS: usize = 40;

/// Where a path led.
pub(crate) struct Resolved {
    /// The directory holding the final component, and its path from the
    /// root (every component a real directory of the view).
    pub parent: Dir,
    pub parent_path: Vec<OsString>,
    /// The final component; `None` when the path names the root itself.
    pub name: Option<OsString>,
    /// What is there now (`None`: nothing, the name is free).
    pub entry: Option<Entry>,
}

impl Resolved {
    pub fn is_dir(&self) -> bool {
        self.name.is_none() || matches!(self.entry.as_ref().map(|e| &e.kind), Some(Kind::Dir(_)))
    }

    /// The directory the path names, if it names one.
    pub fn as_dir(&self) -> Option<&Dir> {
        match (&self.name, &self.entry) {
            (None, _) => Some(&self.parent),
            (
                Some(_),
                Some(Entry {
                    kind: Kind::Dir(d), ..
                }),
            ) => Some(d),
            _ => None,
        }
    }

    /// The path from the root to what it names (empty for the root).
    pub fn full_path(&self) -> Vec<OsString> {
        let mut p = self.parent_path.clone();
        p.extend(self.name.clone());
        p
    }
}

/// Resolves `path` below `root`. Symlinks in the middle are always
/// followed (inside the root); the final one only with `follow_final`.
/// A missing final component is not an error (see `Resolved::entry`); a
/// missing directory on the way is.
pub(crate) fn resolve(root: &Dir, path: &[u8], follow_final: bool) -> Result<Resolved> {
    let mut stack: Vec<(Dir, OsString)> = Vec::new();
    let mut todo: Vec<Vec<u8>> = components(path);
    todo.reverse();
    let mut links = 0;
    let shown = || String::from_utf8_lossy(path).into_owned();
    while let Some(comp) = todo.pop() {
        if comp == b".." {
            stack.pop();
            continue;
        }
        let last = todo.is_empty();
        let dir = stack.last().map(|(d, _)| d).unwrap_or(root);
        let name = OsStr::from_bytes(&comp);
        let entry = dir.lookup(name).map_err(|e| FsError::io(shown(), e))?;
        let Some(entry) = entry else {
            if last {
                return Ok(finish(root, stack, Some(comp), None));
            }
            return Err(FsError::NotFound(shown()));
        };
        let kind = file_kind(&entry.stat);
        if kind == SFlag::S_IFLNK && (!last || follow_final) {
            links += 1;
            if links > MAX_LINKS {
                return Err(FsError::Invalid(format!(
                    "too many levels of symbolic links resolving {}",
                    shown()
                )));
            }
            let target = readlinkat(entry.parent.as_fd(), entry.name.as_os_str())
                .map_err(|e| FsError::io(shown(), e.into()))?;
            let target = target.into_vec();
            if target.starts_with(b"/") {
                stack.clear();
            }
            for c in components(&target).into_iter().rev() {
                todo.push(c);
            }
            continue;
        }
        if last {
            return Ok(finish(root, stack, Some(comp), Some(entry)));
        }
        match entry.kind {
            Kind::Dir(d) => stack.push((d, name.to_owned())),
            _ => {
                return Err(FsError::Invalid(format!(
                    "{}: {} is not a directory",
                    shown(),
                    String::from_utf8_lossy(&comp)
                )))
            }
        }
    }
    // The path ended on a directory reached by `..`, `.` or a symlink (or
    // it was the root): it names that directory.
    match stack.pop() {
        None => Ok(Resolved {
            parent: root.clone(),
            parent_path: Vec::new(),
            name: None,
            entry: None,
        }),
        Some((_, name)) => {
            let parent = stack
                .last()
                .map(|(d, _)| d.clone())
                .unwrap_or_else(|| root.clone());
            let entry = parent.lookup(&name).map_err(|e| FsError::io(shown(), e))?;
            let parent_path = stack.into_iter().map(|(_, n)| n).collect();
            Ok(Resolved {
                parent,
                parent_path,
                name: Some(name),
                entry,
            })
        }
    }
}

fn finish(
    root: &Dir,
    stack: Vec<(Dir, OsString)>,
    name: Option<Vec<u8>>,
    entry: Option<Entry>,
) -> Resolved {
    let parent = stack
        .last()
        .map(|(d, _)| d.clone())
        .unwrap_or_else(|| root.clone());
    Resolved {
        parent,
        parent_path: stack.into_iter().map(|(_, n)| n).collect(),
        name: name.map(OsString::from_vec),
        entry,
    }
}

/// The non-empty components of a path, `.` dropped (`..` kept: it is
/// resolved against what the symlinks before it really lead to).
fn components(path: &[u8]) -> Vec<Vec<u8>> {
    path.split(|b| *b == b'/')
        .filter(|c| !c.is_empty() && *c != b".")
        .map(<[u8]>::to_vec)
        .collect()
}

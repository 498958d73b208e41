//! `docker diff`: what a container's upper directory changed, as docker
//! reports it: `A` added, `C` changed, `D` deleted, sorted by path.
//!
//! docker's rules (moby `pkg/archive/changes.go`): a whiteout is a delete;
//! a path the lower layers already have is a change, otherwise an add; a
//! directory whose mode and mtime match the lower one is not reported by
//! itself, but the parent of any add or delete always is. An opaque
//! directory replaced everything below it: it is changed, and all it now
//! holds is added.

use std::collections::HashMap;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;

use super::view::{file_kind, Dir, Kind, Whiteouts};
use nix::sys::stat::{FileStat, SFlag};

/// docker's change kinds, printed as their letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Modified,
    Added,
    Deleted,
}

impl ChangeKind {
    pub fn letter(self) -> char {
        match self {
            ChangeKind::Modified => 'C',
            ChangeKind::Added => 'A',
            ChangeKind::Deleted => 'D',
        }
    }
}

/// One line of `docker diff`: a kind and an absolute path in the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathChange {
    pub kind: ChangeKind,
    pub path: String,
}

impl std::fmt::Display for PathChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind.letter(), self.path)
    }
}

/// The changes of `upper` over `lowers` (top first; may be empty).
pub fn changes(upper: OwnedFd, lowers: Vec<OwnedFd>) -> io::Result<Vec<PathChange>> {
    let upper = Dir::new(vec![upper], Whiteouts::Emit)?;
    let lower = if lowers.is_empty() {
        None
    } else {
        Some(Dir::new(lowers, Whiteouts::Hide)?)
    };
    let mut found = Vec::new();
    walk(&upper, lower.as_ref(), &[], &mut found)?;
    Ok(finish(found))
}

/// A change as the walk sees it: path components, and whether it is only
/// a directory touched (reported only as the parent of an add or delete).
struct Seen {
    comps: Vec<Vec<u8>>,
    kind: ChangeKind,
    quiet: bool,
}

fn walk(upper: &Dir, lower: Option<&Dir>, at: &[Vec<u8>], out: &mut Vec<Seen>) -> io::Result<()> {
    for e in upper.entries()? {
        let mut comps = at.to_vec();
        comps.push(e.name.as_bytes().to_vec());
        if let Kind::Whiteout = e.kind {
            out.push(Seen {
                comps,
                kind: ChangeKind::Deleted,
                quiet: false,
            });
            continue;
        }
        let below = match lower {
            Some(l) => l.lookup(&e.name)?,
            None => None,
        };
        let kind = if below.is_some() {
            ChangeKind::Modified
        } else {
            ChangeKind::Added
        };
        match &e.kind {
            Kind::Dir(sub) => {
                let below_dir = match &below {
                    Some(b) => match &b.kind {
                        Kind::Dir(d) => Some(d),
                        _ => None,
                    },
                    None => None,
                };
                let same = !sub.opaque
                    && below
                        .as_ref()
                        .is_some_and(|b| same_dir_meta(&e.stat, &b.stat));
                out.push(Seen {
                    comps: comps.clone(),
                    kind,
                    quiet: same,
                });
                // Below an opaque directory nothing of the lower layers shows.
                let next_lower = if sub.opaque { None } else { below_dir };
                walk(sub, next_lower, &comps, out)?;
            }
            _ => out.push(Seen {
                comps,
                kind,
                quiet: false,
            }),
        }
    }
    Ok(())
}

fn same_dir_meta(a: &FileStat, b: &FileStat) -> bool {
    file_kind(b) == SFlag::S_IFDIR
        && a.st_mode == b.st_mode
        && a.st_mtime == b.st_mtime
        && a.st_mtime_nsec == b.st_mtime_nsec
}

/// Adds the parents of adds and deletes, drops quiet directories, sorts by
/// path components (docker's walk order) and renders the paths.
fn finish(mut seen: Vec<Seen>) -> Vec<PathChange> {
    let mut index: HashMap<Vec<Vec<u8>>, usize> = seen
        .iter()
        .enumerate()
        .map(|(i, s)| (s.comps.clone(), i))
        .collect();
    let parents: Vec<Vec<Vec<u8>>> = seen
        .iter()
        .filter(|s| s.kind != ChangeKind::Modified && s.comps.len() > 1)
        .map(|s| s.comps[..s.comps.len() - 1].to_vec())
        .collect();
    for p in parents {
        match index.get(&p) {
            Some(&i) => seen[i].quiet = false,
            None => {
                index.insert(p.clone(), seen.len());
                seen.push(Seen {
                    comps: p,
                    kind: ChangeKind::Modified,
                    quiet: false,
                });
            }
        }
    }
    seen.retain(|s| !s.quiet);
    seen.sort_by(|a, b| a.comps.cmp(&b.comps));
    seen.dedup_by(|a, b| a.comps == b.comps);
    seen.into_iter()
        .map(|s| {
            let mut path = Vec::new();
            for c in &s.comps {
                path.push(b'/');
                path.extend_from_slice(c);
            }
            PathChange {
                kind: s.kind,
                path: String::from_utf8_lossy(&path).into_owned(),
            }
        })
        .collect()
}

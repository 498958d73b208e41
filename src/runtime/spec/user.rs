//! `-u user[:group]` and `--group-add` against the image's /etc/passwd and
//! /etc/group, with runc's `GetExecUser` semantics (what docker uses).
//!
//! The rootfs is untrusted: /etc/passwd may be a symlink to the host's
//! /etc/shadow. Files are opened with `openat2(RESOLVE_IN_ROOT)` so every
//! symlink resolves inside the rootfs; kernels without openat2 get a manual
//! component-by-component walk with the same rule.

use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{OFlag, ResolveFlag};
use nix::sys::stat::Mode;

use super::error::{Result, SpecError};

/// The ids the container process runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedUser {
    pub uid: u32,
    pub gid: u32,
    /// The primary gid first, then groups listing the user, then `--group-add`.
    pub additional_gids: Vec<u32>,
    /// From passwd; "/" when the user has no entry. The launcher sets HOME from it when unset.
    pub home: String,
}

const MAX_ID: i64 = 2_147_483_647;
/// passwd/group files larger than this are not plausible; refuse rather than read them whole.
const MAX_FILE: u64 = 16 << 20;

struct PasswdEntry {
    name: String,
    uid: i64,
    gid: i64,
    home: String,
}

struct GroupEntry {
    name: String,
    gid: i64,
    members: Vec<String>,
}

/// Go's `strconv.Atoi`-ish: runc ignores unparsable numbers (they become 0).
fn num(s: &str) -> i64 {
    s.trim().parse().unwrap_or(0)
}

fn parse_passwd(text: &str) -> Vec<PasswdEntry> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            let get = |i: usize| f.get(i).copied().unwrap_or("");
            PasswdEntry {
                name: get(0).to_string(),
                uid: num(get(2)),
                gid: num(get(3)),
                home: get(5).to_string(),
            }
        })
        .collect()
}

fn parse_group(text: &str) -> Vec<GroupEntry> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            let get = |i: usize| f.get(i).copied().unwrap_or("");
            GroupEntry {
                name: get(0).to_string(),
                gid: num(get(2)),
                members: get(3)
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            }
        })
        .collect()
}

fn numeric(s: &str) -> Option<i64> {
    s.parse::<i64>().ok()
}

fn in_range(id: i64) -> Result<u32> {
    if (0..=MAX_ID).contains(&id) {
        Ok(id as u32)
    } else {
        Err(SpecError::invalid(
            "uids and gids must be in range 0-2147483647",
        ))
    }
}

/// Resolves `user[:group]` (names or numbers) in `rootfs`. Numeric ids pass
/// through even without a passwd entry; names must exist. Without an explicit
/// group the primary gid comes from passwd and the supplementary groups are
/// those listing the user; `group_add` entries (names or numbers) follow.
pub fn resolve_user(rootfs: &Path, user: &str, group_add: &[String]) -> Result<ResolvedUser> {
    let passwd = read_in_root(rootfs, "etc/passwd")?;
    let group = read_in_root(rootfs, "etc/group")?;
    resolve_from(passwd.as_deref(), group.as_deref(), user, group_add)
}

fn resolve_from(
    passwd: Option<&str>,
    group: Option<&str>,
    spec: &str,
    group_add: &[String],
) -> Result<ResolvedUser> {
    let users = passwd.map(parse_passwd).unwrap_or_default();
    let groups = group.map(parse_group).unwrap_or_default();
    let (user_arg, group_arg) = spec.split_once(':').unwrap_or((spec, ""));
    let uid_num = numeric(user_arg);
    let gid_num = numeric(group_arg);

    let found = users.iter().find(|u| match (user_arg, uid_num) {
        ("", _) => u.uid == 0,
        (_, Some(n)) => u.uid == n,
        (name, None) => u.name == name,
    });
    let (mut uid, mut gid, mut home, matched_name) =
        (0u32, 0u32, "/".to_string(), found.map(|u| u.name.clone()));
    match (found, uid_num) {
        (Some(u), _) => {
            uid = in_range(u.uid)?;
            gid = in_range(u.gid)?;
            home = u.home.clone();
        }
        (None, _) if user_arg.is_empty() => {}
        (None, Some(n)) => uid = in_range(n)?,
        (None, None) => return Err(SpecError::UnknownUser(user_arg.to_string())),
    }

    let mut additional = Vec::new();
    if !group_arg.is_empty() {
        let g = groups.iter().find(|g| match gid_num {
            Some(n) => g.gid == n,
            None => g.name == group_arg,
        });
        gid = match (g, gid_num) {
            (Some(g), _) => in_range(g.gid)?,
            (None, Some(n)) => in_range(n)?,
            (None, None) => return Err(SpecError::UnknownGroup(group_arg.to_string())),
        };
    } else if let Some(name) = &matched_name {
        for g in groups
            .iter()
            .filter(|g| g.members.iter().any(|m| m == name))
        {
            additional.push(in_range(g.gid)?);
        }
    }

    let mut gids = vec![gid];
    gids.extend(additional);
    for wanted in group_add {
        let hit = groups
            .iter()
            .find(|g| g.name == *wanted || g.gid.to_string() == *wanted);
        let id = match hit {
            Some(g) => in_range(g.gid)?,
            None => match numeric(wanted) {
                Some(n) => in_range(n)?,
                None => return Err(SpecError::UnknownGroup(wanted.clone())),
            },
        };
        gids.push(id);
    }
    let mut seen = std::collections::HashSet::new();
    gids.retain(|g| seen.insert(*g));
    Ok(ResolvedUser {
        uid,
        gid,
        additional_gids: gids,
        home,
    })
}

/// Reads `rel` inside `root` with every symlink confined to `root`.
/// A missing file is `None` (docker treats it as an empty database).
fn read_in_root(root: &Path, rel: &str) -> Result<Option<String>> {
    let io_err = |source: std::io::Error| SpecError::Io {
        what: "reading the image's",
        path: PathBuf::from("/").join(rel),
        source,
    };
    let root_fd = nix::fcntl::open(
        root,
        OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| SpecError::Io {
        what: "opening rootfs",
        path: root.to_path_buf(),
        source: e.into(),
    })?;
    let flags = OFlag::O_RDONLY | OFlag::O_CLOEXEC | OFlag::O_NOCTTY | OFlag::O_NONBLOCK;
    let how = nix::fcntl::OpenHow::new()
        .flags(flags)
        .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS);
    let fd = match nix::fcntl::openat2(root_fd.as_fd(), rel, how) {
        Ok(fd) => Ok(fd),
        // No openat2 (old kernel or filtered by seccomp): walk by hand.
        Err(Errno::ENOSYS) | Err(Errno::EPERM) => open_in_root_manually(&root_fd, rel, flags),
        Err(e) => Err(e),
    };
    let fd = match fd {
        Ok(fd) => fd,
        Err(Errno::ENOENT) | Err(Errno::ENOTDIR) => return Ok(None),
        Err(e) => return Err(io_err(e.into())),
    };
    read_regular(fd).map_err(io_err)
}

/// Only regular files are read (a FIFO planted as /etc/passwd would block us).
fn read_regular(fd: OwnedFd) -> std::io::Result<Option<String>> {
    let file = std::fs::File::from(fd);
    let md = file.metadata()?;
    if !md.is_file() {
        return Ok(None);
    }
    if md.len() > MAX_FILE {
        return Err(std::io::Error::other("file is implausibly large"));
    }
    let mut buf = Vec::new();
    file.take(MAX_FILE).read_to_end(&mut buf)?;
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// `RESOLVE_IN_ROOT` by hand: resolve one component at a time from `root`
/// with O_NOFOLLOW, restarting absolute symlink targets at `root` and never
/// letting `..` climb above it.
pub(crate) fn open_in_root_manually(
    root: &OwnedFd,
    rel: &str,
    flags: OFlag,
) -> nix::Result<OwnedFd> {
    let mut pending: Vec<String> = rel
        .split('/')
        .rev()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let mut stack: Vec<OwnedFd> = Vec::new();
    let mut links = 0;
    let dir_flags = OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    while let Some(comp) = pending.pop() {
        let cur = stack.last().unwrap_or(root);
        match comp.as_str() {
            "." => continue,
            ".." => {
                stack.pop();
                continue;
            }
            _ => {}
        }
        let last = pending.is_empty();
        let st = nix::sys::stat::fstatat(
            cur.as_fd(),
            comp.as_str(),
            nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
        )?;
        if st.st_mode & libc::S_IFMT == libc::S_IFLNK {
            links += 1;
            if links > 40 {
                return Err(Errno::ELOOP);
            }
            let target = nix::fcntl::readlinkat(cur.as_fd(), comp.as_str())?;
            let target = target.to_string_lossy().into_owned();
            if target.starts_with('/') {
                stack.clear();
            }
            pending.extend(
                target
                    .split('/')
                    .rev()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
            continue;
        }
        if last {
            return nix::fcntl::openat(
                cur.as_fd(),
                comp.as_str(),
                flags | OFlag::O_NOFOLLOW,
                Mode::empty(),
            );
        }
        let next = nix::fcntl::openat(cur.as_fd(), comp.as_str(), dir_flags, Mode::empty())?;
        stack.push(next);
    }
    Err(Errno::EISDIR)
}

#[cfg(test)]
#[path = "user_tests.rs"]
mod tests;

//! Plain file operations on cgroupfs, each one syscall-cheap and error-annotated.
//!
//! cgroupfs files are written in one `write(2)` each (the kernel parses the
//! whole buffer of one write), never with O_CREAT: a control file that does not
//! exist means the controller is absent, and creating a regular file would be
//! wrong on a real cgroupfs and hide bugs on the fake one tests use.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use super::error::CgroupError;

/// Write `value` to the control file `dir/file` in a single write.
pub(crate) fn write(dir: &Path, file: &str, value: &str) -> Result<(), CgroupError> {
    let path = dir.join(file);
    write_path(&path, value)
}

pub(crate) fn write_path(path: &Path, value: &str) -> Result<(), CgroupError> {
    // O_TRUNC is ignored by cgroupfs and keeps the fake root's files exact.
    let mut f = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(|e| CgroupError::io("open", path, e))?;
    f.write_all(value.as_bytes())
        .map_err(|e| CgroupError::io("write", path, e))
}

/// Read `dir/file` as trimmed text.
pub(crate) fn read(dir: &Path, file: &str) -> Result<String, CgroupError> {
    let path = dir.join(file);
    fs::read_to_string(&path)
        .map(|s| s.trim().to_string())
        .map_err(|e| CgroupError::io("read", path, e))
}

/// Read `dir/file`, or `None` when it does not exist (an absent controller or
/// an older kernel).
pub(crate) fn read_opt(dir: &Path, file: &str) -> Result<Option<String>, CgroupError> {
    let path = dir.join(file);
    match fs::read_to_string(&path) {
        Ok(s) => Ok(Some(s.trim().to_string())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CgroupError::io("read", path, e)),
    }
}

/// Read `dir/file` as an unsigned number; `None` when missing or "max".
pub(crate) fn read_u64(dir: &Path, file: &str) -> Result<Option<u64>, CgroupError> {
    match read_opt(dir, file)? {
        None => Ok(None),
        Some(s) if s == "max" => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| CgroupError::Parse {
            path: dir.join(file),
            content: s,
        }),
    }
}

/// Create `base/rel` and any missing parents. An existing directory is
/// fine: a stale cgroup of the same id is reused, as runc does.
pub(crate) fn mkdir_all(base: &Path, rel: &Path) -> Result<(), CgroupError> {
    let target = base.join(rel);
    // Common case, one syscall: the parent already exists.
    match fs::create_dir(&target) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(CgroupError::io("create directory", target, e)),
    }
    let mut dir = base.to_path_buf();
    for comp in rel.components() {
        dir.push(comp);
        mkdir(&dir)?;
    }
    Ok(())
}

/// Create one cgroup directory; an existing one is fine.
pub(crate) fn mkdir(dir: &Path) -> Result<(), CgroupError> {
    match fs::create_dir(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(CgroupError::io("create directory", dir, e)),
    }
}

/// Remove the cgroup `dir` and any sub-cgroups the container made inside it,
/// deepest first. Missing is success (destroy is idempotent). EBUSY — the
/// kernel has not finished tearing down the last killed tasks — is retried
/// with a short back-off for up to about a second.
pub(crate) fn remove_tree(dir: &Path) -> Result<(), CgroupError> {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            // cgroupfs control files are regular files; only sub-cgroups are dirs.
            if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                remove_tree(&entry.path())?;
            }
        }
    }
    let deadline = Instant::now() + Duration::from_millis(1000);
    let mut pause = Duration::from_millis(2);
    loop {
        match fs::remove_dir(dir) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) && Instant::now() < deadline => {
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) => {
                return Err(CgroupError::Busy {
                    path: dir.to_path_buf(),
                })
            }
            // The fake root in tests holds regular files, which real cgroupfs
            // removes with the directory; mirror that.
            Err(e) if e.raw_os_error() == Some(libc::ENOTEMPTY) && !is_cgroupfs(dir) => {
                fs::remove_dir_all(dir).map_err(|e| CgroupError::io("remove", dir, e))?;
                return Ok(());
            }
            Err(e) => return Err(CgroupError::io("remove", dir, e)),
        }
    }
}

/// True when `dir` lives on a cgroup (v1 or v2) filesystem.
fn is_cgroupfs(dir: &Path) -> bool {
    use nix::sys::statfs::{statfs, CGROUP2_SUPER_MAGIC, CGROUP_SUPER_MAGIC};
    match statfs(dir) {
        Ok(st) => {
            let t = st.filesystem_type();
            t == CGROUP_SUPER_MAGIC || t == CGROUP2_SUPER_MAGIC
        }
        Err(_) => false,
    }
}

/// The pids listed in `dir/cgroup.procs` and in every sub-cgroup below it.
pub(crate) fn procs_recursive(dir: &Path, out: &mut Vec<i32>) -> Result<(), CgroupError> {
    let path = dir.join("cgroup.procs");
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(CgroupError::io("read", path, e)),
    };
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let pid = line.parse().map_err(|_| CgroupError::Parse {
            path: path.clone(),
            content: line.to_string(),
        })?;
        out.push(pid);
    }
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                procs_recursive(&entry.path(), out)?;
            }
        }
    }
    Ok(())
}

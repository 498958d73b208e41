//! Runs a closure inside another network namespace and comes back.
//!
//! A netlink socket belongs to the namespace it was created in, so creating
//! it there once is enough: the thread returns at once and the socket keeps
//! talking to the target namespace. setns(CLONE_NEWNET) changes only the
//! calling thread, which is why the original is taken from
//! /proc/thread-self rather than /proc/self.

use std::fs::File;
use std::path::Path;

use nix::errno::Errno;
use nix::sched::{setns, CloneFlags};

use super::{NetlinkError, Result};

const OWN_NETNS: &str = "/proc/thread-self/ns/net";

pub fn with_netns<T>(target: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let open = |path: &Path| {
        File::open(path).map_err(|e| NetlinkError::Netns {
            op: "open network namespace",
            path: path.to_path_buf(),
            errno: Errno::from_raw(e.raw_os_error().unwrap_or(0)),
        })
    };
    let original = open(Path::new(OWN_NETNS))?;
    let target_file = open(target)?;
    setns(&target_file, CloneFlags::CLONE_NEWNET).map_err(|errno| NetlinkError::Netns {
        op: "enter network namespace",
        path: target.to_path_buf(),
        errno,
    })?;
    // f only builds a socket; whatever it returns, go back before anything
    // else runs in this thread.
    let result = f();
    setns(&original, CloneFlags::CLONE_NEWNET)
        .map_err(|errno| NetlinkError::NetnsRestore { errno })?;
    result
}

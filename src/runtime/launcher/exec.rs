//! execve with a PATH search against the container's own environment.

use std::ffi::{CString, OsStr};
use std::os::unix::ffi::OsStrExt;

use nix::errno::Errno;
use oci_spec::runtime::Process;

use super::sync::{ChildError, Stage};

/// docker's PATH when the image sets none.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// A command ready for execve: everything converted before the attempt.
#[derive(Debug)]
pub struct Command {
    /// What the user asked for (`args[0]`), for messages.
    pub name: String,
    candidates: Vec<CString>,
    argv: Vec<CString>,
    envp: Vec<CString>,
    /// Write the exec'ing process's own pid into `LISTEN_PID` (see
    /// [`Command::own_listen_pid`]).
    listen_pid: bool,
}

fn c(s: &[u8], what: &str) -> Result<CString, ChildError> {
    CString::new(s).map_err(|_| {
        ChildError::new(
            Stage::Exec,
            Errno::EINVAL,
            format!("{what} contains a NUL byte"),
        )
    })
}

impl Command {
    /// The process's args and env; the executable's candidate paths come
    /// from the container's PATH (the image's, not berth's).
    pub fn from_process(p: &Process) -> Result<Self, ChildError> {
        let args = p.args().as_deref().unwrap_or(&[]);
        let Some(name) = args.first() else {
            return Err(ChildError::new(
                Stage::Exec,
                Errno::EINVAL,
                "the process has no command (args is empty)",
            ));
        };
        let env = p.env().as_deref().unwrap_or(&[]);
        let path = env
            .iter()
            .rev()
            .find_map(|e| e.strip_prefix("PATH="))
            .unwrap_or(DEFAULT_PATH);
        let candidates = candidates(name, path)
            .into_iter()
            .map(|p| c(&p, "the command"))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            name: name.clone(),
            candidates,
            argv: args
                .iter()
                .map(|a| c(a.as_bytes(), "an argument"))
                .collect::<Result<_, _>>()?,
            envp: env
                .iter()
                .map(|e| c(e.as_bytes(), "an environment variable"))
                .collect::<Result<_, _>>()?,
            listen_pid: false,
        })
    }

    /// Socket activation: an existing `LISTEN_PID` entry gets the pid of
    /// the process that execs, as sd_listen_fds(3) checks it against
    /// getpid(). Only the process itself knows that number: 1 in its own
    /// pid namespace, its host pid with `--pid host`, 2-ish under `--init`.
    pub fn own_listen_pid(&mut self) {
        self.listen_pid = true;
    }

    /// execve each candidate in turn; returns only on failure. ENOENT and
    /// friends move on to the next PATH entry, like execvp; a permission
    /// error is remembered and reported if nothing else runs.
    pub fn exec(&self) -> ChildError {
        let mut argv: Vec<*const libc::c_char> = self.argv.iter().map(|a| a.as_ptr()).collect();
        argv.push(std::ptr::null());
        // Owned here so the pointers below stay valid; allocating is fine
        // in the single-threaded child.
        let own_pid = self
            .listen_pid
            // SAFETY: getpid cannot fail.
            .then(|| CString::new(format!("LISTEN_PID={}", unsafe { libc::getpid() })))
            .and_then(Result::ok);
        let mut envp: Vec<*const libc::c_char> = self
            .envp
            .iter()
            .map(|e| match &own_pid {
                Some(pid) if e.as_bytes().starts_with(b"LISTEN_PID=") => pid.as_ptr(),
                _ => e.as_ptr(),
            })
            .collect();
        envp.push(std::ptr::null());
        let mut err = Errno::ENOENT;
        for cand in &self.candidates {
            // SAFETY: NUL-terminated arrays of pointers into live CStrings.
            unsafe { libc::execve(cand.as_ptr(), argv.as_ptr(), envp.as_ptr()) };
            match Errno::last() {
                Errno::ENOENT
                | Errno::ENOTDIR
                | Errno::ESTALE
                | Errno::ENODEV
                | Errno::ETIMEDOUT => {}
                Errno::EACCES | Errno::EPERM => err = Errno::EACCES,
                other => return ChildError::new(Stage::Exec, other, self.name.clone()),
            }
        }
        ChildError::new(Stage::Exec, err, self.name.clone())
    }
}

/// Paths to try for `name`: itself when it has a slash, else each PATH
/// entry (an empty entry means the current directory, as in execvp).
pub fn candidates(name: &str, path: &str) -> Vec<Vec<u8>> {
    if name.contains('/') {
        return vec![name.as_bytes().to_vec()];
    }
    if name.is_empty() {
        return Vec::new();
    }
    path.split(':')
        .map(|dir| {
            let dir = if dir.is_empty() { "." } else { dir };
            let mut p = OsStr::new(dir).as_bytes().to_vec();
            p.push(b'/');
            p.extend_from_slice(name.as_bytes());
            p
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_a_slash_is_not_searched() {
        assert_eq!(candidates("./run.sh", "/bin"), vec![b"./run.sh".to_vec()]);
    }

    #[test]
    fn path_entries_are_tried_in_order_and_empty_means_cwd() {
        let c: Vec<String> = candidates("sh", "/usr/bin::/bin")
            .into_iter()
            .map(|p| String::from_utf8(p).unwrap())
            .collect();
        assert_eq!(c, ["/usr/bin/sh", "./sh", "/bin/sh"]);
    }
}

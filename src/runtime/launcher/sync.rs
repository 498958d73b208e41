//! Parent ↔ child messages (STYLE.md rule 11): a typed enum over a
//! SOCK_SEQPACKET socketpair, one datagram per message.
//!
//! The child's end is close-on-exec: when the container's command execs
//! successfully the parent reads EOF, which is how `launch` knows the
//! command started. A failure arrives as [`ChildMsg::Failed`] instead.

use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use nix::errno::Errno;
use nix::sys::socket::{
    recvmsg, sendmsg, socketpair, AddressFamily, ControlMessage, ControlMessageOwned, MsgFlags,
    SockFlag, SockType,
};

/// Where in the child's setup something failed; picks the exit code and
/// the wording of the parent's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Stage {
    Namespaces = 1,
    Cgroup,
    Stdio,
    Rootfs,
    Mounts,
    Devices,
    Console,
    Hostname,
    User,
    Pivot,
    Paths,
    Sysctl,
    Rlimits,
    Caps,
    Seccomp,
    Cwd,
    Fds,
    Exec,
    Init,
}

impl Stage {
    fn from_u8(b: u8) -> Option<Self> {
        use Stage::*;
        const ALL: [Stage; 19] = [
            Namespaces, Cgroup, Stdio, Rootfs, Mounts, Devices, Console, Hostname, User, Pivot,
            Paths, Sysctl, Rlimits, Caps, Seccomp, Cwd, Fds, Exec, Init,
        ];
        ALL.into_iter().find(|s| *s as u8 == b)
    }
}

/// What went wrong in the child: the stage, the errno, and the thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildError {
    pub stage: Stage,
    pub errno: Errno,
    /// What was being done, e.g. `mount proc on /proc`.
    pub what: String,
}

impl ChildError {
    pub fn new(stage: Stage, errno: Errno, what: impl Into<String>) -> Self {
        Self {
            stage,
            errno,
            what: what.into(),
        }
    }
}

/// Child → parent.
#[derive(Debug, PartialEq, Eq)]
pub enum ChildMsg {
    /// Setup or exec failed; the child exits right after sending this.
    Failed(ChildError),
    /// The master side of the container's pty (the fd travels as SCM_RIGHTS).
    PtyMaster,
}

/// Parent → child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentMsg {
    /// The id maps are written: go on.
    Go = 1,
}

const TAG_FAILED: u8 = 1;
const TAG_PTY: u8 = 2;

impl ChildMsg {
    fn encode(&self) -> Vec<u8> {
        match self {
            ChildMsg::Failed(e) => {
                let mut b = vec![TAG_FAILED, e.stage as u8];
                b.extend_from_slice(&(e.errno as i32).to_le_bytes());
                b.extend_from_slice(e.what.as_bytes());
                b
            }
            ChildMsg::PtyMaster => vec![TAG_PTY],
        }
    }

    fn decode(b: &[u8]) -> Option<Self> {
        match *b.first()? {
            TAG_FAILED if b.len() >= 6 => {
                let stage = Stage::from_u8(b[1])?;
                let errno = i32::from_le_bytes([b[2], b[3], b[4], b[5]]);
                let what = String::from_utf8_lossy(&b[6..]).into_owned();
                Some(ChildMsg::Failed(ChildError::new(
                    stage,
                    Errno::from_raw(errno),
                    what,
                )))
            }
            TAG_PTY => Some(ChildMsg::PtyMaster),
            _ => None,
        }
    }
}

/// Both ends of a fresh channel: (parent's, child's), both close-on-exec.
pub fn channel() -> Result<(OwnedFd, OwnedFd), Errno> {
    socketpair(
        AddressFamily::Unix,
        SockType::SeqPacket,
        None,
        SockFlag::SOCK_CLOEXEC,
    )
}

/// Sends `msg`, with `fd` attached when given.
pub fn send_child(chan: RawFd, msg: &ChildMsg, fd: Option<RawFd>) -> Result<(), Errno> {
    let bytes = msg.encode();
    let iov = [IoSlice::new(&bytes)];
    let fds = fd.map(|f| [f]);
    let cmsgs: Vec<ControlMessage> = fds
        .as_ref()
        .map(|f| ControlMessage::ScmRights(f))
        .into_iter()
        .collect();
    sendmsg::<()>(chan, &iov, &cmsgs, MsgFlags::empty(), None).map(drop)
}

/// Receives one child message; `None` at EOF (every copy of the child's
/// end is closed: the command exec'd, or the child died).
pub fn recv_child(chan: RawFd) -> Result<Option<(ChildMsg, Option<OwnedFd>)>, Errno> {
    let mut buf = [0u8; 4096];
    let mut cmsg = nix::cmsg_space!([RawFd; 1]);
    loop {
        let mut iov = [IoSliceMut::new(&mut buf)];
        let r = match recvmsg::<()>(chan, &mut iov, Some(&mut cmsg), MsgFlags::MSG_CMSG_CLOEXEC) {
            Ok(r) => r,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        };
        if r.bytes == 0 {
            return Ok(None);
        }
        let mut fd = None;
        for c in r.cmsgs()? {
            if let ControlMessageOwned::ScmRights(fds) = c {
                for f in fds {
                    // SAFETY: SCM_RIGHTS hands us a fresh fd we now own.
                    let owned = unsafe { OwnedFd::from_raw_fd(f) };
                    fd.get_or_insert(owned);
                }
            }
        }
        let n = r.bytes;
        return ChildMsg::decode(&buf[..n])
            .map(|m| Some((m, fd)))
            .ok_or(Errno::EBADMSG);
    }
}

/// Parent → child.
pub fn send_parent(chan: &OwnedFd, msg: ParentMsg) -> Result<(), Errno> {
    nix::unistd::write(chan, &[msg as u8]).map(drop)
}

/// Waits for the parent's message; EOF (the parent died) is an error.
pub fn recv_parent(chan: RawFd) -> Result<ParentMsg, Errno> {
    let mut b = [0u8; 1];
    loop {
        // SAFETY: b is a valid one-byte buffer.
        let n = unsafe { libc::read(chan, b.as_mut_ptr().cast(), 1) };
        match Errno::result(n) {
            Ok(1) if b[0] == ParentMsg::Go as u8 => return Ok(ParentMsg::Go),
            Ok(_) => return Err(Errno::EPIPE),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        }
    }
}

/// The raw number of an owned fd (for code that runs after clone).
pub fn raw(fd: &OwnedFd) -> RawFd {
    fd.as_raw_fd()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_roundtrips_over_the_channel() {
        let (p, c) = channel().unwrap();
        let err = ChildError::new(Stage::Cwd, Errno::ENOENT, "chdir to /x");
        send_child(raw(&c), &ChildMsg::Failed(err.clone()), None).unwrap();
        drop(c);
        let (msg, fd) = recv_child(raw(&p)).unwrap().unwrap();
        assert_eq!(msg, ChildMsg::Failed(err));
        assert!(fd.is_none());
        assert!(
            recv_child(raw(&p)).unwrap().is_none(),
            "EOF after the child end closes"
        );
    }

    #[test]
    fn pty_master_carries_an_fd() {
        let (p, c) = channel().unwrap();
        let (r, _w) = nix::unistd::pipe().unwrap();
        send_child(raw(&c), &ChildMsg::PtyMaster, Some(r.as_raw_fd())).unwrap();
        let (msg, fd) = recv_child(raw(&p)).unwrap().unwrap();
        assert_eq!(msg, ChildMsg::PtyMaster);
        assert!(fd.is_some());
    }
}

//! The attaching side: our terminal ⇄ the monitor's socket. One poll loop
//! over stdin, the socket and a signalfd; the terminal is raw while a tty
//! container owns it and is restored on every way out.

use std::io::{ErrorKind, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::path::Path;

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};

use super::keys::{DetachKeys, DetachScanner};
use super::proto::{Frame, FrameReader};
use super::{short_socket_path, AttachError};
use crate::runtime::relay::FORWARDED;
use crate::runtime::tty::RawMode;

/// How to attach.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Copy our stdin to the container (docker: the container was created
    /// with `-i` and `--no-stdin` was not given).
    pub stdin: bool,
    /// The container has a tty: raw terminal, window size follows ours.
    pub tty: bool,
    pub detach_keys: DetachKeys,
    /// Forward the signals we receive (docker does so only without a tty,
    /// where Ctrl-C is a keystroke the container's terminal turns into SIGINT).
    pub sig_proxy: bool,
}

/// How an attachment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The container exited with this status (128+N for signal N).
    Exited(i32),
    /// The user typed the detach keys; the container runs on.
    Detached,
    /// The monitor went away without reporting an exit (killed, or the
    /// container was already gone): ask the store for the status.
    Lost,
}

/// Attaches this process's stdio to the container whose monitor listens at
/// `socket`. The signals it handles stay blocked afterwards (the caller is
/// about to exit).
pub fn attach(socket: &Path, id: &str, opts: &ClientOptions) -> Result<Outcome, AttachError> {
    let sock = connect(socket, id)?;
    let stdin = std::io::stdin();
    let input = opts.stdin.then(|| stdin.as_fd());
    // Dropped on return, before the caller prints anything.
    let _raw = match (opts.tty, input) {
        (true, Some(fd)) => RawMode::enter(fd),
        _ => None,
    };
    let mut signals = SigSet::empty();
    if opts.tty {
        signals.add(Signal::SIGWINCH);
    } else if opts.sig_proxy {
        for s in FORWARDED {
            signals.add(s);
        }
    }
    signals
        .thread_block()
        .map_err(|e| AttachError::io("block signals", e.into()))?;
    let sfd = SignalFd::with_flags(&signals, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)
        .map_err(|e| AttachError::io("create a signalfd", e.into()))?;
    let mut session = Session {
        sock,
        reader: FrameReader::default(),
        scanner: DetachScanner::new(opts.detach_keys.clone()),
        input,
        tty: opts.tty,
    };
    if opts.tty {
        session.send_window_size()?;
    }
    session.run(&sfd)
}

fn connect(socket: &Path, id: &str) -> Result<UnixStream, AttachError> {
    let no_socket = || AttachError::NoSocket {
        id: id.to_string(),
        path: socket.to_path_buf(),
    };
    if !socket.exists() {
        return Err(no_socket());
    }
    let (addr, _dir_fd) =
        short_socket_path(socket).map_err(|e| AttachError::io("resolve the attach socket", e))?;
    UnixStream::connect(&addr).map_err(|e| match e.kind() {
        // A stale socket from a monitor that is gone.
        ErrorKind::ConnectionRefused | ErrorKind::NotFound => no_socket(),
        _ => AttachError::io(format!("connect to {}", socket.display()), e),
    })
}

struct Session<'a> {
    sock: UnixStream,
    reader: FrameReader,
    scanner: DetachScanner,
    input: Option<BorrowedFd<'a>>,
    tty: bool,
}

enum Source {
    Signals,
    Socket,
    Stdin,
}

impl Session<'_> {
    fn run(&mut self, sfd: &SignalFd) -> Result<Outcome, AttachError> {
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            let mut fds = vec![
                PollFd::new(sfd.as_fd(), PollFlags::POLLIN),
                PollFd::new(self.sock.as_fd(), PollFlags::POLLIN),
            ];
            let mut kinds = vec![Source::Signals, Source::Socket];
            if let Some(fd) = self.input {
                fds.push(PollFd::new(fd, PollFlags::POLLIN));
                kinds.push(Source::Stdin);
            }
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => return Err(AttachError::io("poll", e.into())),
            }
            let ready: Vec<bool> = fds
                .iter()
                .map(|p| {
                    p.revents()
                        .unwrap_or(PollFlags::empty())
                        .intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR)
                })
                .collect();
            drop(fds);
            for (kind, is_ready) in kinds.iter().zip(ready) {
                if !is_ready {
                    continue;
                }
                let done = match kind {
                    Source::Signals => self.on_signals(sfd)?,
                    Source::Socket => self.on_socket(&mut buf)?,
                    Source::Stdin => self.on_stdin(&mut buf)?,
                };
                if let Some(outcome) = done {
                    return Ok(outcome);
                }
            }
        }
    }

    fn send(&mut self, frame: &Frame) -> Result<(), AttachError> {
        self.sock
            .write_all(&frame.encode())
            .map_err(|e| AttachError::io("send to the container monitor", e))
    }

    fn on_signals(&mut self, sfd: &SignalFd) -> Result<Option<Outcome>, AttachError> {
        while let Ok(Some(info)) = sfd.read_signal() {
            let signo = info.ssi_signo as i32;
            if signo == Signal::SIGWINCH as i32 {
                self.send_window_size()?;
            } else {
                self.send(&Frame::Signal(signo))?;
            }
        }
        Ok(None)
    }

    fn on_socket(&mut self, buf: &mut [u8]) -> Result<Option<Outcome>, AttachError> {
        let n = match nix::unistd::read(&self.sock, buf) {
            Ok(0) => return Ok(Some(Outcome::Lost)),
            Ok(n) => n,
            Err(Errno::EINTR) | Err(Errno::EAGAIN) => return Ok(None),
            Err(Errno::ECONNRESET) => return Ok(Some(Outcome::Lost)),
            Err(e) => return Err(AttachError::io("read from the container monitor", e.into())),
        };
        self.reader.push(&buf[..n]);
        while let Some(frame) = self.reader.next_frame()? {
            match frame {
                Frame::Data(d) => write_out(&mut std::io::stdout().lock(), &d),
                Frame::Stderr(d) => write_out(&mut std::io::stderr().lock(), &d),
                Frame::Exit(code) => return Ok(Some(Outcome::Exited(code))),
                other => {
                    return Err(AttachError::Protocol(format!(
                        "the monitor sent a client's frame: {other:?}"
                    )))
                }
            }
        }
        Ok(None)
    }

    fn on_stdin(&mut self, buf: &mut [u8]) -> Result<Option<Outcome>, AttachError> {
        let Some(fd) = self.input else {
            return Ok(None);
        };
        match nix::unistd::read(fd, buf) {
            Ok(0) | Err(Errno::EIO) => {
                // Our input ended: the container's does too (docker's
                // StdinOnce); the output keeps coming until it exits.
                self.input = None;
                self.send(&Frame::CloseStdin)?;
                Ok(None)
            }
            Ok(n) => {
                let scanned = if self.tty {
                    self.scanner.feed(&buf[..n])
                } else {
                    // docker scans for the detach keys only with a tty.
                    super::keys::Scanned {
                        forward: buf[..n].to_vec(),
                        detach: false,
                    }
                };
                if !scanned.forward.is_empty() {
                    self.send(&Frame::Data(scanned.forward))?;
                }
                if scanned.detach {
                    // Best effort: closing the socket says the same.
                    let _ = self.send(&Frame::Detach);
                    return Ok(Some(Outcome::Detached));
                }
                Ok(None)
            }
            Err(Errno::EINTR) | Err(Errno::EAGAIN) => Ok(None),
            Err(e) => Err(AttachError::io("read stdin", e.into())),
        }
    }

    fn send_window_size(&mut self) -> Result<(), AttachError> {
        let stdin = std::io::stdin();
        let stdout = std::io::stdout();
        let size = window_size(stdin.as_fd()).or_else(|| window_size(stdout.as_fd()));
        match size {
            Some((rows, cols)) => self.send(&Frame::Resize { rows, cols }),
            None => Ok(()),
        }
    }
}

/// The terminal size of `fd`, if it is a terminal with a size.
fn window_size(fd: BorrowedFd) -> Option<(u16, u16)> {
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: TIOCGWINSZ writes a winsize struct we own.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), libc::TIOCGWINSZ, &mut ws) };
    (rc == 0 && ws.ws_row > 0 && ws.ws_col > 0).then_some((ws.ws_row, ws.ws_col))
}

/// A closed stdout must not end the attachment (docker keeps streaming).
fn write_out(w: &mut impl Write, data: &[u8]) {
    let _ = w.write_all(data);
    let _ = w.flush();
}

//! The parent's side of a running container: copy its output to the
//! terminal and/or the log, feed it stdin, forward signals, and reap it.
//! One poll loop in one thread; used by foreground `run`/`start -a` and by
//! the detached monitor, which also serves attach clients through it.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, SigSet, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{read, write, Pid};

use super::attach::{AttachServer, Request};
use super::logs::{LogWriter, Stream};

/// Signals berth forwards to the container (docker's sig-proxy set, minus
/// the ones that cannot be caught).
pub const FORWARDED: [Signal; 8] = [
    Signal::SIGINT,
    Signal::SIGTERM,
    Signal::SIGHUP,
    Signal::SIGQUIT,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
    Signal::SIGWINCH,
    Signal::SIGCONT,
];

/// The signal mask the relay needs; block it BEFORE the container is
/// launched so no SIGCHLD or SIGINT can slip past the signalfd. The
/// launcher resets the mask in the container.
pub fn block_signals() -> io::Result<SigSet> {
    let mut set = SigSet::empty();
    for s in FORWARDED {
        set.add(s);
    }
    set.add(Signal::SIGCHLD);
    set.thread_block().map_err(io::Error::from)?;
    Ok(set)
}

pub struct Relay<'a> {
    pub child: Pid,
    pub stdout: Option<OwnedFd>,
    pub stderr: Option<OwnedFd>,
    /// With a tty the master carries both directions.
    pub pty: Option<OwnedFd>,
    pub stdin_pipe: Option<OwnedFd>,
    /// Our stdin, copied into the container when interactive.
    pub input: Option<BorrowedFd<'a>>,
    /// Copy output to our own stdout/stderr (foreground).
    pub to_terminal: bool,
    pub log: Option<LogWriter>,
    pub forward_signals: bool,
    /// Called every `tick_every` (health checks, memory trimming) for as
    /// long as it returns true.
    pub tick_every: Option<Duration>,
}

/// What the supervisor does when it is itself told to end (SIGTERM or
/// SIGINT, e.g. `systemctl stop` on a foreground `berth run`): what
/// `berth stop` does. The signal reaches the container (forwarded as is
/// with sig-proxy, else `signal`), and if it has not exited `grace` later
/// it is killed; the relay then returns its exit as usual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopOnTerm {
    /// Sent when signals are not forwarded: the container's stop signal.
    pub signal: Signal,
    /// `--stop-timeout`; `None` (a negative timeout) waits for ever.
    pub grace: Option<Duration>,
}

impl StopOnTerm {
    /// docker's reading of `--stop-timeout`: unset is 10 s, negative is
    /// no limit.
    pub fn new(stop_signal: i32, stop_timeout: Option<i64>) -> StopOnTerm {
        let secs = stop_timeout.unwrap_or(10);
        StopOnTerm {
            signal: Signal::try_from(stop_signal).unwrap_or(Signal::SIGTERM),
            grace: u64::try_from(secs).ok().map(Duration::from_secs),
        }
    }
}

/// How the container ended, in docker's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit {
    pub code: i32,
    pub signal: Option<i32>,
}

impl Exit {
    pub fn from_status(ws: WaitStatus) -> Option<Exit> {
        match ws {
            WaitStatus::Exited(_, code) => Some(Exit { code, signal: None }),
            WaitStatus::Signaled(_, sig, _) => Some(Exit {
                code: 128 + sig as i32,
                signal: Some(sig as i32),
            }),
            _ => None,
        }
    }
}

fn set_nonblocking(fd: BorrowedFd) -> io::Result<()> {
    let flags = fcntl(fd, FcntlArg::F_GETFL).map_err(io::Error::from)?;
    let flags = OFlag::from_bits_truncate(flags) | OFlag::O_NONBLOCK;
    fcntl(fd, FcntlArg::F_SETFL(flags)).map_err(io::Error::from)?;
    Ok(())
}

fn write_all(fd: i32, mut data: &[u8]) {
    // SAFETY-free: our own stdout/stderr fds stay open for the process life.
    let target = unsafe { BorrowedFd::borrow_raw(fd) };
    while !data.is_empty() {
        match write(target, data) {
            Ok(0) => return,
            Ok(n) => data = &data[n..],
            Err(Errno::EINTR) => continue,
            Err(Errno::EAGAIN) => {
                let mut pfd = [PollFd::new(target, PollFlags::POLLOUT)];
                let _ = poll(&mut pfd, PollTimeout::from(100u16));
            }
            // A closed terminal or pipe: the container keeps running, output is dropped.
            Err(_) => return,
        }
    }
}

impl Relay<'_> {
    /// Runs until the container exits; `on_tick` runs every `tick_every`.
    pub fn run(self, mask: &SigSet, on_tick: impl FnMut() -> bool) -> io::Result<Exit> {
        self.serve(mask, None, None, on_tick)
    }

    /// As [`run`](Self::run), and stops the container as `stop` says when
    /// this process gets SIGTERM or SIGINT.
    pub fn run_with_stop(
        self,
        mask: &SigSet,
        stop: StopOnTerm,
        on_tick: impl FnMut() -> bool,
    ) -> io::Result<Exit> {
        self.serve(mask, None, Some(stop), on_tick)
    }

    /// As [`run`](Self::run), also serving `attach`'s clients: they get
    /// the output, and their input, resizes and signals reach the container.
    pub fn run_serving(
        self,
        mask: &SigSet,
        attach: Option<&mut AttachServer>,
        on_tick: impl FnMut() -> bool,
    ) -> io::Result<Exit> {
        self.serve(mask, attach, None, on_tick)
    }

    fn serve(
        mut self,
        mask: &SigSet,
        mut attach: Option<&mut AttachServer>,
        stop: Option<StopOnTerm>,
        mut on_tick: impl FnMut() -> bool,
    ) -> io::Result<Exit> {
        let sfd = SignalFd::with_flags(mask, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)
            .map_err(io::Error::from)?;
        for fd in [&self.stdout, &self.stderr, &self.pty]
            .into_iter()
            .flatten()
        {
            set_nonblocking(fd.as_fd())?;
        }
        let mut out_open = self.stdout.is_some();
        let mut err_open = self.stderr.is_some();
        let mut pty_open = self.pty.is_some();
        let mut input_open =
            self.input.is_some() && (self.stdin_pipe.is_some() || self.pty.is_some());
        let mut exited: Option<Exit> = None;
        let mut drain_deadline: Option<Instant> = None;
        let mut next_tick = self.tick_every.map(|d| Instant::now() + d);
        // When a stop began by SIGTERM/SIGINT turns into SIGKILL.
        let mut kill_at: Option<Instant> = None;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            if let Some(e) = exited {
                let all_closed = !out_open && !err_open && !pty_open;
                if all_closed || drain_deadline.is_some_and(|d| Instant::now() >= d) {
                    if let Some(log) = self.log.as_mut() {
                        let _ = log.flush();
                    }
                    return Ok(e);
                }
            }
            let mut fds: Vec<PollFd> = Vec::with_capacity(5);
            let mut kinds: Vec<u8> = Vec::with_capacity(5);
            fds.push(PollFd::new(sfd.as_fd(), PollFlags::POLLIN));
            kinds.push(0);
            if out_open {
                if let Some(fd) = &self.stdout {
                    fds.push(PollFd::new(fd.as_fd(), PollFlags::POLLIN));
                    kinds.push(1);
                }
            }
            if err_open {
                if let Some(fd) = &self.stderr {
                    fds.push(PollFd::new(fd.as_fd(), PollFlags::POLLIN));
                    kinds.push(2);
                }
            }
            if pty_open {
                if let Some(fd) = &self.pty {
                    fds.push(PollFd::new(fd.as_fd(), PollFlags::POLLIN));
                    kinds.push(3);
                }
            }
            if input_open && exited.is_none() {
                if let Some(fd) = self.input {
                    fds.push(PollFd::new(fd, PollFlags::POLLIN));
                    kinds.push(4);
                }
            }
            let mut attach_fds: Vec<i32> = Vec::new();
            if let (Some(server), None) = (attach.as_deref(), exited) {
                for (fd, events) in server.poll_set() {
                    attach_fds.push(fd.as_raw_fd());
                    fds.push(PollFd::new(fd, events));
                    kinds.push(5);
                }
            }
            let wake = match drain_deadline {
                Some(d) => Some(d),
                None => [next_tick, kill_at.filter(|_| exited.is_none())]
                    .into_iter()
                    .flatten()
                    .min(),
            };
            let timeout = match wake {
                Some(t) => PollTimeout::try_from(t.saturating_duration_since(Instant::now()))
                    .unwrap_or(PollTimeout::MAX),
                None => PollTimeout::NONE,
            };
            match poll(&mut fds, timeout) {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
            let ready: Vec<(u8, bool)> = fds
                .iter()
                .zip(kinds.iter())
                .map(|(p, k)| {
                    let r = p.revents().unwrap_or(PollFlags::empty());
                    (
                        *k,
                        r.intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR),
                    )
                })
                .collect();
            // The attach fds come last, in `poll_set` order.
            let attach_ready: Vec<(i32, PollFlags)> = fds[fds.len() - attach_fds.len()..]
                .iter()
                .zip(attach_fds)
                .map(|(p, fd)| (fd, p.revents().unwrap_or(PollFlags::empty())))
                .filter(|(_, r)| !r.is_empty())
                .collect();
            drop(fds);
            if exited.is_none() && kill_at.is_some_and(|t| Instant::now() >= t) {
                kill_at = None;
                let _ = kill(self.child, Signal::SIGKILL);
            }
            if let Some(t) = next_tick {
                if Instant::now() >= t && exited.is_none() {
                    next_tick = if on_tick() {
                        self.tick_every.map(|d| Instant::now() + d)
                    } else {
                        None
                    };
                }
            }
            for (kind, is_ready) in ready {
                if !is_ready {
                    continue;
                }
                match kind {
                    0 => {
                        while let Ok(Some(info)) = sfd.read_signal() {
                            let signo = info.ssi_signo as i32;
                            if signo == Signal::SIGCHLD as i32 {
                                continue;
                            }
                            if signo == Signal::SIGWINCH as i32 {
                                self.copy_window_size();
                                continue;
                            }
                            if exited.is_some() {
                                continue;
                            }
                            let terminating =
                                signo == Signal::SIGTERM as i32 || signo == Signal::SIGINT as i32;
                            if self.forward_signals {
                                if let Ok(sig) = Signal::try_from(signo) {
                                    let _ = kill(self.child, sig);
                                }
                            } else if let (true, Some(stop)) = (terminating, stop) {
                                let _ = kill(self.child, stop.signal);
                            }
                            if let (true, Some(stop), None) = (terminating, stop, kill_at) {
                                kill_at = stop.grace.map(|g| Instant::now() + g);
                            }
                        }
                        if exited.is_none() {
                            exited = self.reap()?;
                            if exited.is_some() {
                                drain_deadline = Some(Instant::now() + Duration::from_secs(2));
                            }
                        }
                    }
                    1 => out_open = self.pump(1, Stream::Stdout, &mut buf, attach.as_deref_mut()),
                    2 => err_open = self.pump(2, Stream::Stderr, &mut buf, attach.as_deref_mut()),
                    3 => pty_open = self.pump(3, Stream::Stdout, &mut buf, attach.as_deref_mut()),
                    4 => input_open = self.feed_input(&mut buf),
                    _ => {}
                }
            }
            if let (Some(server), false) = (attach.as_deref_mut(), attach_ready.is_empty()) {
                for request in server.service(&attach_ready) {
                    self.apply(request);
                }
            }
            // SIGCHLD may have been consumed before a pipe closed; check cheaply.
            if exited.is_none() && !out_open && !err_open && !pty_open {
                exited = self.reap()?;
                if exited.is_some() {
                    drain_deadline = Some(Instant::now());
                } else if self.stdout.is_none() && self.pty.is_none() && self.stderr.is_none() {
                    // No output to watch: wait on the signalfd only.
                }
            }
        }
    }

    fn reap(&self) -> io::Result<Option<Exit>> {
        loop {
            match waitpid(self.child, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) => return Ok(None),
                Ok(ws) => {
                    if let Some(e) = Exit::from_status(ws) {
                        return Ok(Some(e));
                    }
                }
                Err(Errno::EINTR) => continue,
                Err(Errno::ECHILD) => {
                    return Ok(Some(Exit {
                        code: 255,
                        signal: None,
                    }))
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Returns whether the source is still open.
    fn pump(
        &mut self,
        which: u8,
        stream: Stream,
        buf: &mut [u8],
        mut attach: Option<&mut AttachServer>,
    ) -> bool {
        let fd = match which {
            1 => self.stdout.as_ref(),
            2 => self.stderr.as_ref(),
            _ => self.pty.as_ref(),
        };
        let Some(fd) = fd else { return false };
        loop {
            match read(fd, buf) {
                Ok(0) => return false,
                Ok(n) => {
                    let data = &buf[..n];
                    if self.to_terminal {
                        let target = if stream == Stream::Stderr { 2 } else { 1 };
                        write_all(target, data);
                    }
                    if let Some(log) = self.log.as_mut() {
                        let _ = log.write(stream, data);
                    }
                    if let Some(server) = attach.as_deref_mut() {
                        server.broadcast(stream, data);
                    }
                }
                Err(Errno::EINTR) => continue,
                Err(Errno::EAGAIN) => return true,
                // EIO on a pty master means every slave fd closed.
                Err(_) => return false,
            }
        }
    }

    fn feed_input(&mut self, buf: &mut [u8]) -> bool {
        let Some(input) = self.input else {
            return false;
        };
        let target = match (&self.pty, &self.stdin_pipe) {
            (Some(p), _) => p.as_raw_fd(),
            (None, Some(p)) => p.as_raw_fd(),
            _ => return false,
        };
        match read(input, buf) {
            Ok(0) => {
                // End of our stdin: close the container's, as docker does (not for a tty).
                if self.pty.is_none() {
                    self.stdin_pipe = None;
                }
                false
            }
            Ok(n) => {
                write_all(target, &buf[..n]);
                true
            }
            Err(Errno::EINTR) | Err(Errno::EAGAIN) => true,
            Err(_) => false,
        }
    }

    /// Carries out what an attached client asked for.
    fn apply(&mut self, request: Request) {
        match request {
            Request::Input(data) => {
                if let Some(fd) = self.pty.as_ref().or(self.stdin_pipe.as_ref()) {
                    write_all(fd.as_raw_fd(), &data);
                }
            }
            Request::Resize { rows, cols } => {
                if let Some(pty) = &self.pty {
                    let ws = libc::winsize {
                        ws_row: rows,
                        ws_col: cols,
                        ws_xpixel: 0,
                        ws_ypixel: 0,
                    };
                    // SAFETY: TIOCSWINSZ reads a winsize struct we own; the
                    // kernel sends SIGWINCH to the pty's foreground group.
                    unsafe { libc::ioctl(pty.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
                }
            }
            Request::CloseStdin => match &self.pty {
                // A terminal cannot be closed from our side; type
                // end-of-file (Ctrl-D) as a user would, so piped input to
                // `run -it` ends the shell.
                Some(pty) => write_all(pty.as_raw_fd(), &[0x04]),
                None => self.stdin_pipe = None,
            },
            Request::Signal(n) => {
                if let Ok(sig) = Signal::try_from(n) {
                    let _ = kill(self.child, sig);
                }
            }
        }
    }

    fn copy_window_size(&self) {
        let (Some(pty), Some(input)) = (&self.pty, self.input) else {
            return;
        };
        let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
        // SAFETY: TIOCGWINSZ/TIOCSWINSZ read/write a winsize struct we own.
        unsafe {
            if libc::ioctl(input.as_raw_fd(), libc::TIOCGWINSZ, &mut ws) == 0 {
                libc::ioctl(pty.as_raw_fd(), libc::TIOCSWINSZ, &ws);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_timeout_reads_like_docker() {
        let default = StopOnTerm::new(15, None);
        assert_eq!(default.signal, Signal::SIGTERM);
        assert_eq!(default.grace, Some(Duration::from_secs(10)));
        assert_eq!(StopOnTerm::new(15, Some(0)).grace, Some(Duration::ZERO));
        assert_eq!(StopOnTerm::new(15, Some(-1)).grace, None);
        assert_eq!(StopOnTerm::new(2, Some(3)).signal, Signal::SIGINT);
        // A record without a usable signal still stops with TERM.
        assert_eq!(StopOnTerm::new(0, None).signal, Signal::SIGTERM);
    }
}

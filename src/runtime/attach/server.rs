//! The monitor's side of attach: a listening socket and its clients, polled
//! by the monitor's relay loop. Output goes to every attached client (as
//! docker allows several); input from any client goes to the container.
//! Sockets are non-blocking and each client has a bounded queue, so a
//! client that stops reading is dropped instead of stalling the container.

use std::fs::{DirBuilder, Permissions};
use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use super::proto::{Frame, FrameReader};
use super::{short_socket_path, AttachError};
use crate::runtime::logs::Stream;

/// Output kept for the first client of `run -it` (the shell's first prompt
/// comes before the client can connect).
const HOLD_LIMIT: usize = 1 << 20;
/// A client further behind than this is not reading; drop it.
const QUEUE_LIMIT: usize = 4 << 20;
/// How long `finish` tries to deliver the last output and the exit code.
const FLUSH_LIMIT: Duration = Duration::from_secs(2);

/// What a client asks of the container; the relay carries it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Input(Vec<u8>),
    Resize { rows: u16, cols: u16 },
    CloseStdin,
    Signal(i32),
}

struct Client {
    sock: UnixStream,
    reader: FrameReader,
    queue: Vec<u8>,
    dead: bool,
}

impl Client {
    fn send(&mut self, encoded: &[u8]) {
        if self.dead {
            return;
        }
        self.queue.extend_from_slice(encoded);
        if self.queue.len() > QUEUE_LIMIT {
            self.dead = true;
            return;
        }
        self.flush();
    }

    fn flush(&mut self) {
        while !self.queue.is_empty() && !self.dead {
            match self.sock.write(&self.queue) {
                Ok(0) => self.dead = true,
                Ok(n) => {
                    self.queue.drain(..n);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(_) => self.dead = true,
            }
        }
    }

    /// Reads what is there; requests go to `out`.
    fn receive(&mut self, out: &mut Vec<Request>) {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match self.sock.read(&mut buf) {
                Ok(0) => {
                    self.dead = true;
                    break;
                }
                Ok(n) => self.reader.push(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(_) => {
                    self.dead = true;
                    break;
                }
            }
        }
        loop {
            match self.reader.next_frame() {
                Ok(None) => return,
                Ok(Some(frame)) => match frame {
                    Frame::Data(d) => out.push(Request::Input(d)),
                    Frame::Resize { rows, cols } => out.push(Request::Resize { rows, cols }),
                    Frame::CloseStdin => out.push(Request::CloseStdin),
                    Frame::Signal(n) => out.push(Request::Signal(n)),
                    // Detach, or frames only a monitor may send: the client is done.
                    Frame::Detach | Frame::Stderr(_) | Frame::Exit(_) => {
                        self.dead = true;
                        return;
                    }
                },
                Err(_) => {
                    self.dead = true;
                    return;
                }
            }
        }
    }
}

/// The listening socket of one container's monitor.
pub struct AttachServer {
    listener: UnixListener,
    path: PathBuf,
    clients: Vec<Client>,
    /// `Some` until the first client attaches, when output must be held for it.
    held: Option<Vec<u8>>,
}

impl AttachServer {
    /// Listens at `path` (its directory is created 0700, the socket is
    /// 0600). With `hold_for_first`, output is kept until a client attaches.
    pub fn bind(path: &Path, hold_for_first: bool) -> Result<AttachServer, AttachError> {
        if let Some(dir) = path.parent() {
            DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| AttachError::io(format!("create {}", dir.display()), e))?;
        }
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != ErrorKind::NotFound => {
                return Err(AttachError::io(
                    format!("remove the stale socket {}", path.display()),
                    e,
                ))
            }
            _ => {}
        }
        let what = || format!("listen on {}", path.display());
        let (addr, _dir_fd) = short_socket_path(path).map_err(|e| AttachError::io(what(), e))?;
        let listener = UnixListener::bind(&addr).map_err(|e| AttachError::io(what(), e))?;
        std::fs::set_permissions(path, Permissions::from_mode(0o600))
            .map_err(|e| AttachError::io(what(), e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| AttachError::io(what(), e))?;
        Ok(AttachServer {
            listener,
            path: path.to_path_buf(),
            clients: Vec::new(),
            held: hold_for_first.then(Vec::new),
        })
    }

    pub fn clients(&self) -> usize {
        self.clients.len()
    }

    /// The fds the relay must poll, with the events wanted.
    pub fn poll_set(&self) -> Vec<(BorrowedFd<'_>, PollFlags)> {
        let mut set = vec![(self.listener.as_fd(), PollFlags::POLLIN)];
        for c in &self.clients {
            let mut ev = PollFlags::POLLIN;
            if !c.queue.is_empty() {
                ev |= PollFlags::POLLOUT;
            }
            set.push((c.sock.as_fd(), ev));
        }
        set
    }

    /// Handles the fds poll reported (by fd number, so clients dropped in
    /// between cannot shift anything); returns what clients asked for.
    pub fn service(&mut self, ready: &[(RawFd, PollFlags)]) -> Vec<Request> {
        let revents = |fd: RawFd| {
            ready
                .iter()
                .find(|(f, _)| *f == fd)
                .map(|(_, r)| *r)
                .unwrap_or(PollFlags::empty())
        };
        let mut requests = Vec::new();
        for c in &mut self.clients {
            let r = revents(c.sock.as_raw_fd());
            if r.intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR) {
                c.receive(&mut requests);
            }
            if r.contains(PollFlags::POLLOUT) {
                c.flush();
            }
        }
        self.clients.retain(|c| !c.dead);
        if revents(self.listener.as_raw_fd()).contains(PollFlags::POLLIN) {
            self.accept_all();
        }
        requests
    }

    fn accept_all(&mut self) {
        while let Ok((sock, _)) = self.listener.accept() {
            if sock.set_nonblocking(true).is_err() {
                continue;
            }
            let mut client = Client {
                sock,
                reader: FrameReader::default(),
                queue: Vec::new(),
                dead: false,
            };
            if let Some(held) = self.held.take() {
                client.send(&held);
            }
            self.clients.push(client);
        }
    }

    /// Copies container output to every client (or holds it for the first).
    pub fn broadcast(&mut self, stream: Stream, data: &[u8]) {
        let frame = match stream {
            Stream::Stdout => Frame::Data(data.to_vec()),
            Stream::Stderr => Frame::Stderr(data.to_vec()),
        };
        let encoded = frame.encode();
        if let Some(held) = self.held.as_mut() {
            if held.len() + encoded.len() <= HOLD_LIMIT {
                held.extend_from_slice(&encoded);
            }
            return;
        }
        for c in &mut self.clients {
            c.send(&encoded);
        }
        self.clients.retain(|c| !c.dead);
    }

    /// The container exited with `code`: deliver the output still queued
    /// and `Exit(code)`, then let the clients go. When output was held for
    /// a first client that has not come yet, wait up to `wait_for_first`.
    pub fn finish(&mut self, code: i32, wait_for_first: Duration) {
        if self.held.is_some() && self.clients.is_empty() {
            let mut fds = [PollFd::new(self.listener.as_fd(), PollFlags::POLLIN)];
            let limit = PollTimeout::try_from(wait_for_first).unwrap_or(PollTimeout::MAX);
            if matches!(poll(&mut fds, limit), Ok(n) if n > 0) {
                self.accept_all();
            }
        }
        self.held = None;
        let exit = Frame::Exit(code).encode();
        for c in &mut self.clients {
            c.send(&exit);
        }
        let deadline = Instant::now() + FLUSH_LIMIT;
        loop {
            self.clients.retain(|c| !c.dead && !c.queue.is_empty());
            let left = deadline.saturating_duration_since(Instant::now());
            if self.clients.is_empty() || left.is_zero() {
                break;
            }
            let mut fds: Vec<PollFd> = self
                .clients
                .iter()
                .map(|c| PollFd::new(c.sock.as_fd(), PollFlags::POLLOUT))
                .collect();
            let limit = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
            let _ = poll(&mut fds, limit);
            drop(fds);
            for c in &mut self.clients {
                c.flush();
            }
        }
        self.clients.clear();
    }
}

impl Drop for AttachServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        if let Some(dir) = self.path.parent() {
            // Only if empty: the directory is ours alone, but be modest.
            let _ = std::fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_frames(sock: &mut UnixStream, until: impl Fn(&Frame) -> bool) -> Vec<Frame> {
        sock.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let mut reader = FrameReader::default();
        let mut frames = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            while let Some(f) = reader.next_frame().expect("valid frames") {
                let done = until(&f);
                frames.push(f);
                if done {
                    return frames;
                }
            }
            let n = sock.read(&mut buf).expect("read from the server");
            assert!(n > 0, "server closed early; got {frames:?}");
            reader.push(&buf[..n]);
        }
    }

    /// Polls the server as the relay does until `f` is satisfied.
    fn pump(server: &mut AttachServer, mut f: impl FnMut(&mut AttachServer, Vec<Request>) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            let set: Vec<(RawFd, PollFlags)> = server
                .poll_set()
                .iter()
                .map(|(fd, ev)| (fd.as_raw_fd(), *ev))
                .collect();
            let ready = {
                let mut fds: Vec<PollFd> = server
                    .poll_set()
                    .into_iter()
                    .map(|(fd, ev)| PollFd::new(fd, ev))
                    .collect();
                let _ = poll(&mut fds, PollTimeout::from(100u16));
                fds.iter()
                    .zip(&set)
                    .map(|(p, (fd, _))| (*fd, p.revents().unwrap_or(PollFlags::empty())))
                    .collect::<Vec<_>>()
            };
            let reqs = server.service(&ready);
            if f(server, reqs) {
                return;
            }
        }
        panic!("server did not reach the expected state in time");
    }

    #[test]
    fn clients_get_output_send_input_and_receive_the_exit_code() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("c").join("attach.sock");
        let mut server = AttachServer::bind(&path, false).expect("bind");
        let mode = std::fs::metadata(&path)
            .expect("socket")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);

        let mut a = UnixStream::connect(&path).expect("connect a");
        let mut b = UnixStream::connect(&path).expect("connect b");
        pump(&mut server, |s, _| s.clients() == 2);

        server.broadcast(Stream::Stdout, b"out");
        server.broadcast(Stream::Stderr, b"err");
        for sock in [&mut a, &mut b] {
            let frames = read_frames(sock, |f| matches!(f, Frame::Stderr(_)));
            assert_eq!(
                frames,
                vec![Frame::Data(b"out".to_vec()), Frame::Stderr(b"err".to_vec())]
            );
        }

        let mut wire = Frame::Data(b"ls\r".to_vec()).encode();
        Frame::Resize { rows: 24, cols: 80 }.encode_into(&mut wire);
        Frame::Signal(2).encode_into(&mut wire);
        Frame::CloseStdin.encode_into(&mut wire);
        a.write_all(&wire).expect("send");
        let mut got = Vec::new();
        pump(&mut server, |_, reqs| {
            got.extend(reqs);
            got.len() >= 4
        });
        assert_eq!(
            got,
            vec![
                Request::Input(b"ls\r".to_vec()),
                Request::Resize { rows: 24, cols: 80 },
                Request::Signal(2),
                Request::CloseStdin
            ]
        );

        b.write_all(&Frame::Detach.encode()).expect("detach");
        pump(&mut server, |s, _| s.clients() == 1);

        server.finish(3, Duration::ZERO);
        assert_eq!(
            read_frames(&mut a, |f| matches!(f, Frame::Exit(_))),
            vec![Frame::Exit(3)]
        );
        drop(server);
        assert!(!path.exists(), "the socket is removed with the server");
    }

    #[test]
    fn output_before_the_first_client_is_held_for_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("attach.sock");
        let mut server = AttachServer::bind(&path, true).expect("bind");
        server.broadcast(Stream::Stdout, b"/ # ");
        let mut a = UnixStream::connect(&path).expect("connect");
        pump(&mut server, |s, _| s.clients() == 1);
        server.broadcast(Stream::Stdout, b"live");
        let frames = read_frames(&mut a, |f| f == &Frame::Data(b"live".to_vec()));
        assert_eq!(
            frames,
            vec![Frame::Data(b"/ # ".to_vec()), Frame::Data(b"live".to_vec())]
        );
    }

    #[test]
    fn a_container_that_exits_before_its_client_connects_still_reports() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("attach.sock");
        let mut server = AttachServer::bind(&path, true).expect("bind");
        server.broadcast(Stream::Stdout, b"bye\n");
        let mut a = UnixStream::connect(&path).expect("connect");
        server.finish(7, Duration::from_secs(5));
        let frames = read_frames(&mut a, |f| matches!(f, Frame::Exit(_)));
        assert_eq!(frames, vec![Frame::Data(b"bye\n".to_vec()), Frame::Exit(7)]);
    }

    #[test]
    fn a_client_sending_garbage_is_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("attach.sock");
        let mut server = AttachServer::bind(&path, false).expect("bind");
        let mut a = UnixStream::connect(&path).expect("connect");
        pump(&mut server, |s, _| s.clients() == 1);
        a.write_all(&[42, 0, 0, 0, 0]).expect("send garbage");
        pump(&mut server, |s, _| s.clients() == 0);
    }
}

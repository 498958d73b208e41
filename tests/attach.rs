//! Interactive terminals and attaching: `run -it` under a real pty,
//! detaching with Ctrl-P Ctrl-Q (or `--detach-keys`), `attach` coming back,
//! resize, Ctrl-C, `start -a -i`, and the non-tty stdin paths.

mod support;

use support::with_busybox;

use std::io::Write;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::pty::{openpty, Winsize};
use support::TestBerth;

/// berth running with a pty we hold the master of as its controlling
/// terminal, as a user's shell would run it.
struct Term {
    master: OwnedFd,
    child: Child,
    seen: Vec<u8>,
}

impl Term {
    fn spawn(b: &TestBerth, args: &[&str], rows: u16, cols: u16) -> Term {
        let size = Winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let pty = openpty(Some(&size), None).expect("openpty");
        let slave = pty.slave;
        let io = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup the pty slave"));
        let mut cmd = b.command(args);
        cmd.stdin(io(&slave)).stdout(io(&slave)).stderr(io(&slave));
        // SAFETY: setsid and ioctl are async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                // The pty becomes the controlling terminal, so resizing it
                // sends berth SIGWINCH.
                libc::ioctl(0, libc::TIOCSCTTY, 0);
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn berth on the pty");
        drop(slave);
        Term {
            master: pty.master,
            child,
            seen: Vec::new(),
        }
    }

    fn transcript(&self) -> String {
        String::from_utf8_lossy(&self.seen).into_owned()
    }

    fn send(&mut self, keys: &[u8]) {
        let mut f = std::fs::File::from(self.master.try_clone().expect("dup master"));
        f.write_all(keys).expect("type into the pty");
    }

    /// Reads until `needle` shows up after what was already matched.
    #[track_caller]
    fn expect(&mut self, needle: &str) {
        let start = self.seen.len();
        let deadline = Instant::now() + Duration::from_secs(8);
        loop {
            if String::from_utf8_lossy(&self.seen[start..]).contains(needle) {
                return;
            }
            if !self.read_some(deadline) {
                panic!(
                    "waited for {needle:?} on the terminal; transcript:\n{}",
                    self.transcript()
                );
            }
        }
    }

    /// False at the deadline or when the terminal closed.
    fn read_some(&mut self, deadline: Instant) -> bool {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut fds = [PollFd::new(self.master.as_fd(), PollFlags::POLLIN)];
        let limit = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
        if !matches!(poll(&mut fds, limit), Ok(n) if n > 0) {
            return false;
        }
        let mut buf = [0u8; 4096];
        match nix::unistd::read(&self.master, &mut buf) {
            Ok(n) if n > 0 => {
                self.seen.extend_from_slice(&buf[..n]);
                true
            }
            _ => false,
        }
    }

    fn resize(&self, rows: u16, cols: u16) {
        let ws = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCSWINSZ reads a winsize we own.
        let rc = unsafe { libc::ioctl(self.master.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
        assert_eq!(rc, 0, "resize the pty");
    }

    #[track_caller]
    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(8);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for berth") {
                // Collect what was printed last.
                while self.read_some(Instant::now() + Duration::from_millis(50)) {}
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("berth did not exit; transcript:\n{}", self.transcript());
            }
            self.read_some(Instant::now() + Duration::from_millis(50));
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

const PROMPT: &str = "# ";
/// Typed as `hel''lo`, printed as `hello`: the echo of the typed line
/// cannot satisfy an expectation of the output.
const ECHO_HELLO: &[u8] = b"echo hel''lo\r";

#[test]
fn run_it_detaches_with_ctrl_p_ctrl_q_and_attach_comes_back() {
    let (b, img) = with_busybox();
    let mut t = Term::spawn(&b, &["run", "-it", "--name", "box", &img, "sh"], 24, 80);
    t.expect(PROMPT);
    t.send(ECHO_HELLO);
    t.expect("hello");
    // Ctrl-C reaches the container's terminal and interrupts the sleep.
    t.send(b"sleep 30\r");
    std::thread::sleep(Duration::from_millis(200));
    t.send(b"\x03");
    t.expect(PROMPT);
    t.send(b"\x10\x11");
    let status = t.wait();
    assert_eq!(status.code(), Some(0), "{}", t.transcript());
    assert!(
        t.transcript().contains("read escape sequence"),
        "{}",
        t.transcript()
    );
    b.cmd(&["ps", "--format", "{{.Names}} {{.Status}}"])
        .success()
        .stdout_contains("box Up");

    let mut again = Term::spawn(&b, &["attach", "box"], 24, 80);
    // Attaching prints nothing by itself; a keystroke shows the shell is there.
    again.send(ECHO_HELLO);
    again.expect("hello");
    again.send(b"exit 3\r");
    assert_eq!(again.wait().code(), Some(3), "{}", again.transcript());
    b.cmd(&["inspect", "-f", "{{.State.ExitCode}}", "box"])
        .success()
        .stdout_is("3\n");
    b.cmd(&["rm", "box"]).success();
}

#[test]
fn the_container_terminal_follows_the_size_of_ours() {
    let (b, img) = with_busybox();
    let mut t = Term::spawn(&b, &["run", "-it", "--rm", &img, "sh"], 30, 100);
    t.expect(PROMPT);
    t.send(b"stty size\r");
    t.expect("30 100");
    t.resize(40, 120);
    // SIGWINCH travels berth → monitor → pty; give it a moment.
    std::thread::sleep(Duration::from_millis(300));
    t.send(b"stty size\r");
    t.expect("40 120");
    t.send(b"exit\r");
    assert_eq!(t.wait().code(), Some(0), "{}", t.transcript());
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
}

#[test]
fn detach_keys_can_be_changed_and_bad_ones_are_refused() {
    let (b, img) = with_busybox();
    let mut t = Term::spawn(
        &b,
        &[
            "run",
            "-it",
            "--detach-keys",
            "ctrl-x,x",
            "--name",
            "dk",
            &img,
            "sh",
        ],
        24,
        80,
    );
    t.expect(PROMPT);
    // The old keys are ordinary input now.
    t.send(b"\x10\x11");
    t.send(ECHO_HELLO);
    t.expect("hello");
    t.send(b"\x18x");
    assert_eq!(t.wait().code(), Some(0), "{}", t.transcript());
    b.cmd(&["ps", "--format", "{{.Names}} {{.Status}}"])
        .success()
        .stdout_contains("dk Up");
    b.cmd(&["attach", "--detach-keys", "meta-q", "dk"])
        .code(1)
        .stderr_contains("meta-q");
    b.cmd(&["rm", "-f", "dk"]).success();
    b.cmd(&["run", "-it", "--detach-keys", "nope", &img, "true"])
        .code(125)
        .stderr_contains("nope");
    b.cmd(&["ps", "-aq"]).success().stdout_is("");
}

#[test]
fn start_a_i_attaches_a_created_terminal_container() {
    let (b, img) = with_busybox();
    b.cmd(&["create", "-it", "--name", "st", &img, "sh"])
        .success();
    let mut t = Term::spawn(&b, &["start", "-a", "-i", "st"], 24, 80);
    t.expect(PROMPT);
    t.send(b"exit 5\r");
    assert_eq!(t.wait().code(), Some(5), "{}", t.transcript());
    b.cmd(&["rm", "st"]).success();
}

#[test]
fn stdin_without_a_terminal_reaches_the_container() {
    let (b, img) = with_busybox();
    // Foreground, no tty: berth is the direct parent.
    b.cmd_stdin(&["run", "--rm", "-i", &img, "cat"], b"hi\n")
        .success()
        .stdout_is("hi\n");
    // -it with piped stdin still runs; the end of input ends the shell.
    b.cmd_stdin(&["run", "--rm", "-it", &img, "sh"], b"echo hel''lo\n")
        .success()
        .stdout_contains("hello");
    // Detached with -i: the monitor holds stdin open for `attach`.
    b.cmd(&["run", "-d", "-i", "--name", "cat", &img, "cat"])
        .success();
    b.cmd_stdin(&["attach", "cat"], b"through the monitor\n")
        .success()
        .stdout_is("through the monitor\n");
    b.cmd(&["inspect", "-f", "{{.State.Status}}", "cat"])
        .success()
        .stdout_is("exited\n");
    b.cmd(&["rm", "cat"]).success();
}

#[test]
fn attach_streams_output_and_the_exit_code_of_a_non_tty_container() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "ticker",
        &img,
        "sh",
        "-c",
        "sleep 0.5; echo out; echo err >&2; sleep 0.3; exit 4",
    ])
    .success();
    b.cmd(&["attach", "ticker"])
        .code(4)
        .stdout_is("out\n")
        .stderr_contains("err");
    b.cmd(&["attach", "ticker"])
        .code(1)
        .stderr_contains("start it first");
    b.cmd(&["rm", "ticker"]).success();
}

#[test]
fn a_foreground_container_cannot_be_attached_and_says_why() {
    let (b, img) = with_busybox();
    let mut fg = b
        .command(&["run", "--name", "fg", &img, "sleep", "30"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn a foreground run");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !b
        .cmd(&["ps", "--format", "{{.Names}}"])
        .stdout
        .contains("fg")
    {
        assert!(
            Instant::now() < deadline,
            "the foreground container never ran"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    b.cmd(&["attach", "fg"])
        .code(1)
        .stderr_contains("only containers started detached");
    let _ = fg.kill();
    let _ = fg.wait();
    b.cmd(&["rm", "-f", "fg"]).success();
}

//! Issue 6: a foreground `berth run` is a systemd service process. Signals
//! stop it as `berth stop` would, socket-activated fds reach the
//! container with their `LISTEN_*` variables, and `--sdnotify` tells a
//! `Type=notify` unit when the service is up. No systemd runs here:
//! `systemd-socket-activate` plays the socket unit and a datagram socket
//! the test binds plays `NOTIFY_SOCKET`.

mod support;

use std::ffi::OsString;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use support::berth::mounts_under;
use support::{wait_until, with_busybox, TestBerth};

/// What a spawned process did, once it ended.
struct Finished {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Spawns `cmd` with piped output and no stdin.
fn spawn(mut cmd: Command) -> Child {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot spawn {cmd:?}: {e}"))
}

/// Waits for `child` up to `limit`; a hang kills it and fails the test.
fn finish(mut child: Child, limit: Duration, what: &str) -> Finished {
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{what}: still running after {limit:?}; killed it\nstderr: {}",
                    err.join().unwrap_or_default()
                );
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("{what}: wait: {e}"),
        }
    };
    Finished {
        code: status.code(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) on a child this test spawned and has not reaped.
    unsafe { libc::kill(pid as i32, sig) };
}

fn wait_running(b: &TestBerth) {
    let running = wait_until(Duration::from_secs(20), || {
        b.cmd(&["ps", "-q"]).stdout_trim().len() == 12
    });
    assert!(running, "the container never showed as running");
}

fn assert_nothing_left(b: &TestBerth) {
    let gone = wait_until(Duration::from_secs(10), || {
        b.cmd(&["ps", "-aq"]).stdout_trim().is_empty()
    });
    assert!(gone, "containers left: {}", b.cmd(&["ps", "-a"]).stdout);
    assert!(
        mounts_under(b.root()).is_empty(),
        "mounts left: {:?}",
        mounts_under(b.root())
    );
}

const TRAP_TERM: &str = "trap 'exit 3' TERM; while :; do sleep 0.1; done";

/// One way of stopping a foreground run.
struct StopCase {
    flags: &'static [&'static str],
    command: &'static [&'static str],
    /// What berth itself gets.
    signal: i32,
    code: i32,
    /// The most it may take from the signal to berth's exit.
    most: Duration,
}

#[test]
fn sigterm_and_sigint_stop_a_foreground_run_like_berth_stop() {
    let (b, img) = with_busybox();
    let quick = Duration::from_secs(4);
    let cases = [
        // The container handles TERM: its own exit code.
        StopCase {
            flags: &[],
            command: &["sh", "-c", TRAP_TERM],
            signal: libc::SIGTERM,
            code: 3,
            most: Duration::from_secs(8),
        },
        // pid 1 without a handler ignores TERM: SIGKILL after the timeout.
        StopCase {
            flags: &["--stop-timeout", "1"],
            command: &["sleep", "100"],
            signal: libc::SIGTERM,
            code: 137,
            most: quick,
        },
        StopCase {
            flags: &["--stop-timeout", "1", "--log-driver", "passthrough"],
            command: &["sleep", "100"],
            signal: libc::SIGTERM,
            code: 137,
            most: quick,
        },
        // Without sig-proxy berth still stops it: the stop signal (TERM,
        // not the INT berth got) reaches the trap.
        StopCase {
            flags: &["--sig-proxy=false", "--stop-timeout", "20"],
            command: &["sh", "-c", TRAP_TERM],
            signal: libc::SIGINT,
            code: 3,
            most: Duration::from_secs(8),
        },
        StopCase {
            flags: &["--sig-proxy=false", "--stop-timeout", "1"],
            command: &["sleep", "100"],
            signal: libc::SIGTERM,
            code: 137,
            most: quick,
        },
    ];
    for case in cases {
        let mut args = vec!["run", "--rm"];
        args.extend_from_slice(case.flags);
        args.push(&img);
        args.extend_from_slice(case.command);
        let child = spawn(b.command(&args));
        wait_running(&b);
        // Let the shell install its trap.
        thread::sleep(Duration::from_millis(300));
        let sent = Instant::now();
        signal(child.id(), case.signal);
        let done = finish(child, Duration::from_secs(30), &format!("{args:?}"));
        let took = sent.elapsed();
        assert_eq!(done.code, Some(case.code), "{args:?}: {}", done.stderr);
        assert!(took < case.most, "{args:?} took {took:?} to stop");
        assert_nothing_left(&b);
    }
}

/// A loopback port nobody listens on (bound and released).
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr").port()
}

/// `systemd-socket-activate ACTIVATE... berth --root … BERTH_ARGS...`. It
/// gives its program only the environment named with -E, so the store's
/// variables are named.
fn socket_activated(b: &TestBerth, activate: &[&str], berth_args: &[&str]) -> Command {
    let inner = b.command(berth_args);
    let mut cmd = Command::new("systemd-socket-activate");
    cmd.args(activate);
    for (k, v) in inner.get_envs() {
        if let Some(v) = v {
            let mut kv = OsString::from(k);
            kv.push("=");
            kv.push(v);
            cmd.arg("-E").arg(kv);
        }
    }
    cmd.arg("-E").arg("PATH");
    cmd.arg(inner.get_program()).args(inner.get_args());
    cmd
}

/// Connects to `port`, retrying while systemd-socket-activate starts up.
fn connect(port: u16) -> TcpStream {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => return s,
            Err(e) if Instant::now() > deadline => panic!("connect to 127.0.0.1:{port}: {e}"),
            Err(_) => thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[test]
fn socket_activation_hands_the_listening_socket_to_the_container() {
    let (b, img) = with_busybox();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let script =
        "[ -S /proc/self/fd/3 ] && echo socket; echo $LISTEN_FDS $LISTEN_PID $LISTEN_FDNAMES";
    let cmd = socket_activated(
        &b,
        &["-l", &listen, "--fdname=web"],
        &["run", "--rm", "--network", "none", &img, "sh", "-c", script],
    );
    let child = spawn(cmd);
    // Without -a it waits for the first connection, then execs berth.
    let _conn = connect(port);
    let done = finish(child, Duration::from_secs(60), "socket-activated run");
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    assert_eq!(done.stdout, "socket\n1 1 web\n", "{}", done.stderr);
    assert_nothing_left(&b);
}

#[test]
fn listen_pid_is_the_host_pid_with_pid_host() {
    let (b, img) = with_busybox();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let script = "[ \"$LISTEN_PID\" = \"$$\" ] && [ \"$$\" != 1 ] && echo own-pid";
    let cmd = socket_activated(
        &b,
        &["-l", &listen],
        &[
            "run",
            "--rm",
            "--pid",
            "host",
            "--network",
            "none",
            &img,
            "sh",
            "-c",
            script,
        ],
    );
    let child = spawn(cmd);
    let _conn = connect(port);
    let done = finish(
        child,
        Duration::from_secs(60),
        "socket-activated --pid host",
    );
    assert_eq!(done.stdout, "own-pid\n", "{}", done.stderr);
    assert_nothing_left(&b);
}

#[test]
fn socket_activation_in_accept_mode_hands_over_the_connection() {
    let (b, img) = with_busybox();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    // The container closes the connection and lives on: the client must
    // see the end then, not when berth exits (berth drops its copy).
    let script = "echo hello-from-fd3 >&3; exec 3>&-; sleep 5";
    let cmd = socket_activated(
        &b,
        &["-a", "-l", &listen],
        &["run", "--rm", "--network", "none", &img, "sh", "-c", script],
    );
    let mut activator = spawn(cmd);
    let mut conn = connect(port);
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    let started = Instant::now();
    let mut greeting = String::new();
    let read = conn.read_to_string(&mut greeting);
    let took = started.elapsed();
    // It serves connections for ever: stop it; its berth child goes on.
    let _ = activator.kill();
    let _ = activator.wait();
    read.expect("read the greeting");
    assert_eq!(greeting, "hello-from-fd3\n");
    assert!(
        took < Duration::from_secs(4),
        "the connection stayed open {took:?}"
    );
    let gone = wait_until(Duration::from_secs(30), || {
        b.cmd(&["ps", "-aq"]).stdout_trim().is_empty()
    });
    assert!(gone, "the container outlived its run");
    assert_nothing_left(&b);
}

#[test]
fn listen_variables_meant_for_another_process_do_not_reach_the_container() {
    let (mut b, img) = with_busybox();
    b.env("LISTEN_PID", Some("1")).env("LISTEN_FDS", Some("1"));
    b.env("LISTEN_FDNAMES", Some("web"));
    let script = "echo ${LISTEN_FDS:-none} ${LISTEN_PID:-none} ${LISTEN_FDNAMES:-none}";
    for flags in [&[][..], &["--env-host"][..]] {
        let mut args = vec!["run", "--rm"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&[&img, "sh", "-c", script]);
        b.cmd(&args).success().stdout_is("none none none\n");
    }
}

/// A datagram socket standing in for systemd's notify socket.
fn notify_socket(b: &TestBerth) -> (UnixDatagram, PathBuf) {
    let path = b.scratch("notify").join("sock");
    let sock = UnixDatagram::bind(&path).expect("bind the notify socket");
    (sock, path)
}

/// The next datagram, or `None` after `wait`.
fn receive(sock: &UnixDatagram, wait: Duration) -> Option<String> {
    sock.set_read_timeout(Some(wait)).expect("read timeout");
    let mut buf = [0u8; 4096];
    sock.recv(&mut buf)
        .ok()
        .map(|n| String::from_utf8_lossy(&buf[..n]).into_owned())
}

fn notified(b: &TestBerth, path: &PathBuf, args: &[&str]) -> Command {
    let mut cmd = b.command(args);
    cmd.env("NOTIFY_SOCKET", path);
    cmd
}

#[test]
fn sdnotify_conmon_reports_the_foreground_berth_as_ready_main_pid() {
    let (b, img) = with_busybox();
    let (sock, path) = notify_socket(&b);
    let script = "echo ${NOTIFY_SOCKET:-none}; sleep 1";
    let child = spawn(notified(
        &b,
        &path,
        &["run", "--rm", &img, "sh", "-c", script],
    ));
    let pid = child.id();
    let got = receive(&sock, Duration::from_secs(30));
    let done = finish(child, Duration::from_secs(60), "run --sdnotify=conmon");
    assert_eq!(
        got,
        Some(format!("MAINPID={pid}\nREADY=1")),
        "{}",
        done.stderr
    );
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    assert_eq!(
        done.stdout, "none\n",
        "the socket stays out of the container"
    );
    assert_eq!(receive(&sock, Duration::from_millis(300)), None);
    assert_nothing_left(&b);
}

#[test]
fn sdnotify_conmon_with_run_d_reports_the_monitor() {
    let (b, img) = with_busybox();
    let (sock, path) = notify_socket(&b);
    let child = spawn(notified(
        &b,
        &path,
        &["run", "-d", "--name", "svc", &img, "sleep", "100"],
    ));
    let run_pid = child.id();
    let done = finish(child, Duration::from_secs(60), "run -d");
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    let got = receive(&sock, Duration::from_secs(10)).expect("a notification");
    let main: u32 = got
        .strip_prefix("MAINPID=")
        .and_then(|r| r.strip_suffix("\nREADY=1"))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected notification {got:?}"));
    assert_ne!(main, run_pid, "the exited `run -d` cannot be the main pid");
    let cmdline = std::fs::read(format!("/proc/{main}/cmdline")).expect("the monitor is alive");
    assert!(String::from_utf8_lossy(&cmdline).contains("container-monitor"));
    let ctr = b
        .cmd(&["inspect", "-f", "{{.State.Pid}}", "svc"])
        .success()
        .stdout_trim()
        .to_string();
    let status = std::fs::read_to_string(format!("/proc/{ctr}/status")).expect("container status");
    let ppid = status
        .lines()
        .find_map(|l| l.strip_prefix("PPid:"))
        .map(str::trim);
    assert_eq!(
        ppid,
        Some(main.to_string().as_str()),
        "the monitor parents the container"
    );
    // Only the monitor spoke.
    assert_eq!(receive(&sock, Duration::from_millis(300)), None);
    b.cmd(&["rm", "-f", "svc"]).success();
    assert_nothing_left(&b);
}

#[test]
fn sdnotify_container_hands_the_socket_to_the_container() {
    let (b, img) = with_busybox();
    let (sock, path) = notify_socket(&b);
    // busybox has no sd_notify client; logger writes one datagram to
    // /dev/log, which is enough to show the socket is reachable.
    let script = "echo $NOTIFY_SOCKET; [ -S /run/notify/notify.sock ] && echo socket; \
                  ln -s /run/notify/notify.sock /dev/log && logger -t app READY=1; sleep 0.5";
    let child = spawn(notified(
        &b,
        &path,
        &[
            "run",
            "--rm",
            "--sdnotify=container",
            &img,
            "sh",
            "-c",
            script,
        ],
    ));
    let pid = child.id();
    let done = finish(child, Duration::from_secs(60), "run --sdnotify=container");
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    assert_eq!(done.stdout, "/run/notify/notify.sock\nsocket\n");
    let mut got = Vec::new();
    while let Some(d) = receive(&sock, Duration::from_millis(300)) {
        got.push(d);
    }
    let from_berth: Vec<&String> = got.iter().filter(|d| d.starts_with("MAINPID=")).collect();
    assert_eq!(from_berth, [&format!("MAINPID={pid}")], "all: {got:?}");
    assert!(
        got.iter()
            .any(|d| !d.starts_with("MAINPID=") && d.ends_with("READY=1")),
        "the container's own datagram arrives: {got:?}"
    );
    assert_nothing_left(&b);
}

#[test]
fn sdnotify_ignore_sends_nothing_and_hides_the_socket() {
    let (b, img) = with_busybox();
    let (sock, path) = notify_socket(&b);
    let script = "echo ${NOTIFY_SOCKET:-none}; [ -e /run/notify ] && echo mounted; true";
    let child = spawn(notified(
        &b,
        &path,
        &["run", "--rm", "--sdnotify=ignore", &img, "sh", "-c", script],
    ));
    let done = finish(child, Duration::from_secs(60), "run --sdnotify=ignore");
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    assert_eq!(done.stdout, "none\n");
    assert_eq!(receive(&sock, Duration::from_millis(500)), None);
    assert_nothing_left(&b);
}

#[test]
fn sdnotify_refuses_bad_values_and_abstract_sockets_for_the_container() {
    let (mut b, img) = with_busybox();
    b.cmd(&["create", "--sdnotify=sometimes", &img, "true"])
        .code(125)
        .stderr_contains("Error:")
        .stderr_contains("sometimes");
    b.env("NOTIFY_SOCKET", Some("@berth-test-abstract"));
    b.cmd(&["run", "--rm", "--sdnotify=container", &img, "true"])
        .code(125)
        .stderr_contains("Error:")
        .stderr_contains("abstract");
    // The other modes do not put the socket in the container: fine.
    b.cmd(&["run", "--rm", "--sdnotify=ignore", &img, "true"])
        .success();
    assert_nothing_left(&b);
}

#[test]
fn start_honours_the_recorded_sdnotify_mode() {
    let (b, img) = with_busybox();
    let (sock, path) = notify_socket(&b);
    let script = "echo $NOTIFY_SOCKET";
    b.cmd(&[
        "create",
        "--name",
        "notified",
        "--sdnotify=container",
        &img,
        "sh",
        "-c",
        script,
    ])
    .success();
    let child = spawn(notified(&b, &path, &["start", "-a", "notified"]));
    let pid = child.id();
    let done = finish(child, Duration::from_secs(60), "start -a");
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    assert_eq!(done.stdout, "/run/notify/notify.sock\n");
    assert_eq!(
        receive(&sock, Duration::from_secs(5)),
        Some(format!("MAINPID={pid}"))
    );
    b.cmd(&["rm", "notified"]).success();
    assert_nothing_left(&b);
}

//! Tests for the rootless helpers. The pure parts run everywhere. The ones
//! that start pasta and slirp4netns for real run as root (the container is
//! `unshare -n`) and also as an ordinary user, the real rootless case (the
//! container is `unshare -U -r -n`, in a user namespace of its own), when
//! that user may open /dev/net/tun; otherwise they skip with a note.

use std::net::{Ipv4Addr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::proc::{self, parse_stat};
use super::slirp::{hostfwd_reply, hostfwd_request, slirp_args, SlirpNamespaces};
use super::*;

fn tcp(host_ip: Option<Ipv4Addr>, host_port: u16, ctr_port: u16) -> ForwardedPort {
    ForwardedPort {
        udp: false,
        host_ip,
        host_port,
        ctr_port,
    }
}

fn udp(host_port: u16, ctr_port: u16) -> ForwardedPort {
    ForwardedPort {
        udp: true,
        host_ip: None,
        host_port,
        ctr_port,
    }
}

#[test]
fn detect_prefers_pasta_and_honours_the_variable() {
    let both = |_| true;
    let only_slirp = |k| k == RootlessNetKind::Slirp4netns;
    let none = |_| false;
    assert_eq!(detect_with(None, &both).ok(), Some(RootlessNetKind::Pasta));
    assert_eq!(
        detect_with(Some(""), &only_slirp).ok(),
        Some(RootlessNetKind::Slirp4netns)
    );
    assert_eq!(
        detect_with(Some("slirp4netns"), &both).ok(),
        Some(RootlessNetKind::Slirp4netns)
    );
    assert_eq!(
        detect_with(Some(" Pasta "), &both).ok(),
        Some(RootlessNetKind::Pasta)
    );
    let err = detect_with(Some("pasta"), &only_slirp)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "pasta not found: install the passt package (apt-get install passt), or use --network slirp4netns"
    );
    let err = detect_with(None, &none).unwrap_err().to_string();
    assert!(
        err.contains("apt-get install passt") && err.contains("apt-get install slirp4netns"),
        "{err}"
    );
    let err = detect_with(Some("vpnkit"), &both).unwrap_err().to_string();
    assert!(
        err.starts_with("BERTH_ROOTLESS_NET=\"vpnkit\" is not"),
        "{err}"
    );
}

#[test]
fn kinds_serialize_lowercase() {
    assert_eq!(
        serde_json::to_string(&RootlessNetKind::Slirp4netns)
            .ok()
            .as_deref(),
        Some("\"slirp4netns\"")
    );
    assert_eq!(
        serde_json::from_str::<RootlessNetKind>("\"pasta\"").ok(),
        Some(RootlessNetKind::Pasta)
    );
}

#[test]
fn pasta_gets_only_the_published_ports_and_the_fixed_layout() {
    let ports = [
        tcp(Some(Ipv4Addr::LOCALHOST), 8080, 80),
        tcp(None, 8443, 443),
        udp(5353, 53),
    ];
    let a = pasta_args(
        &ports,
        1000,
        1000,
        "/proc/self/fd/5",
        Some("/proc/self/fd/6"),
        "/proc/self/fd/7",
    );
    let joined = a.join(" ");
    for want in [
        "--config-net --foreground --quiet --runas 1000:1000 --ns-ifname eth0",
        "--address 10.0.2.100 --netmask 24 --gateway 10.0.2.2 --mtu 65520 --dns-forward 10.0.2.3 --no-map-gw",
        "-t 127.0.0.1/8080:80 -t 8443:443 -u 5353:53 -T none -U none",
        "--pid /proc/self/fd/7 --userns /proc/self/fd/6 --netns /proc/self/fd/5",
    ] {
        assert!(joined.contains(want), "{want:?} missing from {joined}");
    }
    let none = pasta_args(&[], 0, 0, "/proc/self/fd/5", None, "/proc/self/fd/7").join(" ");
    assert!(none.contains("-t none -u none -T none -U none"), "{none}");
    assert!(!none.contains("--userns"), "{none}");
}

#[test]
fn slirp_args_pass_the_fds_and_the_socket() {
    let ns = SlirpNamespaces {
        netns: "/proc/self/fd/5".into(),
        userns: None,
    };
    let a = slirp_args(&ns, 7, 8, Some(Path::new("/run/x/api.sock")));
    assert_eq!(
        a,
        [
            "--configure",
            "--mtu=65520",
            "--disable-host-loopback",
            "--enable-sandbox",
            "--ready-fd=7",
            "--exit-fd=8",
            "--api-socket=/run/x/api.sock",
            "--netns-type=path",
            "/proc/self/fd/5",
            "eth0"
        ]
    );
    let with_userns = SlirpNamespaces {
        netns: "/proc/self/fd/5".into(),
        userns: Some("/proc/self/fd/6".into()),
    };
    assert!(
        slirp_args(&with_userns, 7, 8, None).contains(&"--userns-path=/proc/self/fd/6".to_string())
    );
    assert!(!slirp_args(&ns, 7, 8, None)
        .iter()
        .any(|x| x.starts_with("--api-socket")));
}

#[test]
fn ports_that_cannot_work_are_refused_up_front() {
    assert!(validate_ports(&[tcp(None, 8080, 80), udp(8080, 80)]).is_ok());
    assert!(validate_ports(&[
        tcp(Some(Ipv4Addr::LOCALHOST), 80, 80),
        tcp(Some(Ipv4Addr::new(10, 1, 1, 1)), 80, 80)
    ])
    .is_ok());
    let err = validate_ports(&[tcp(None, 0, 80)]).unwrap_err().to_string();
    assert_eq!(err, "cannot publish 0.0.0.0:0->80/tcp: host port 0: choose the host port before starting the network");
    assert!(validate_ports(&[tcp(None, 80, 0)]).is_err());
    let err =
        validate_ports(&[tcp(Some(Ipv4Addr::LOCALHOST), 80, 80), tcp(None, 80, 81)]).unwrap_err();
    assert!(err.to_string().contains("published twice"), "{err}");
}

#[test]
fn hostfwd_requests_and_replies() {
    let req = hostfwd_request(&ForwardedPort {
        udp: true,
        host_ip: Some(Ipv4Addr::LOCALHOST),
        host_port: 53,
        ctr_port: 5353,
    });
    assert_eq!(
        req,
        serde_json::json!({"execute": "add_hostfwd", "arguments": {"proto": "udp", "host_addr": "127.0.0.1",
            "host_port": 53, "guest_addr": "10.0.2.100", "guest_port": 5353}})
    );
    assert_eq!(hostfwd_reply(br#"{"return": {"id": 1}}"#), Ok(()));
    assert_eq!(
        hostfwd_reply(
            br#"{"error": {"desc": "bad request: add_hostfwd: slirp_add_hostfwd failed"}}"#
        ),
        Err("bad request: add_hostfwd: slirp_add_hostfwd failed".to_string())
    );
    assert!(hostfwd_reply(b"garbage").is_err());
}

#[test]
fn stat_parsing_survives_odd_command_names() {
    let line =
        "1234 (a (b) c) S 77 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 50";
    assert_eq!(
        parse_stat(line),
        Some(proc::ProcStat {
            state: 'S',
            ppid: 77,
            start_time: 987654
        })
    );
    assert_eq!(parse_stat("1 (x) S 0"), None);
}

#[test]
fn log_excerpt_drops_syslog_noise() {
    let text = "Failed to send 47 bytes to syslog\nDon't run as root.\n\nFailed to send 9 bytes to syslog\nbind failed\n";
    assert_eq!(proc::log_excerpt(text), "Don't run as root.; bind failed");
    assert_eq!(proc::log_excerpt(""), "no output");
}

fn sleeper() -> Child {
    let child = Command::new("sleep").arg("30").stdin(Stdio::null()).spawn();
    child.unwrap_or_else(|e| panic!("cannot run sleep: {e}"))
}

fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    cond()
}

/// Running, not a zombie, and still the same process.
fn alive(pid: i32, start_time: u64) -> bool {
    proc::read_stat(pid).is_some_and(|s| s.start_time == start_time && s.state != 'Z')
}

fn record(helper: &Child, warden: i32) -> RootlessNet {
    let start = |pid| proc::read_stat(pid).map_or(0, |s| s.start_time);
    let helper_pid = helper.id() as i32;
    RootlessNet {
        kind: RootlessNetKind::Pasta,
        helper_pid,
        helper_start_time: start(helper_pid),
        warden_pid: warden,
        warden_start_time: start(warden),
        ifname: IFNAME.into(),
        ctr_ip: CTR_IP,
        prefix_len: PREFIX_LEN,
        gateway: GATEWAY,
        dns: Some(DNS),
    }
}

#[test]
fn stop_leaves_a_process_with_another_start_time_alone() {
    let mut victim = sleeper();
    let mut net = record(&victim, 0);
    let real = net.helper_start_time;
    net.helper_start_time = real + 1;
    net.stop();
    assert!(
        alive(net.helper_pid, real),
        "stop killed a process it did not start"
    );
    net.helper_start_time = real;
    net.stop();
    assert!(
        proc::read_stat(net.helper_pid).is_none_or(|s| s.start_time != real),
        "stop did not kill and reap"
    );
    net.stop(); // idempotent
    assert!(victim.try_wait().is_err(), "already reaped by stop");
}

#[test]
fn the_warden_kills_the_helper_when_the_container_exits() {
    let mut container = sleeper();
    let mut helper = sleeper();
    let cfd = proc::pidfd_open(container.id() as i32).unwrap_or_else(|e| panic!("pidfd: {e}"));
    let hfd = proc::pidfd_open(helper.id() as i32).unwrap_or_else(|e| panic!("pidfd: {e}"));
    let warden = proc::spawn_warden(&cfd, &hfd, None).unwrap_or_else(|e| panic!("fork: {e}"));
    let net = record(&helper, warden);
    assert!(net.is_running());
    let _ = container.kill();
    let _ = container.wait();
    assert!(
        wait_until(Duration::from_secs(3), || !net.is_running()),
        "helper survived its container"
    );
    assert!(
        wait_until(Duration::from_secs(3), || !alive(
            warden,
            net.warden_start_time
        )),
        "warden survived"
    );
    net.stop();
    assert!(
        proc::read_stat(warden).is_none_or(|s| s.start_time != net.warden_start_time),
        "warden not reaped"
    );
    assert!(helper.wait().is_err(), "stop() did not reap the helper");
}

// ---- the real helpers ----

/// These tests count our helper children: one at a time.
static REAL: Mutex<()> = Mutex::new(());

fn rootless() -> bool {
    !nix::unistd::geteuid().is_root()
}

fn can_run(kind: RootlessNetKind) -> bool {
    let tun = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/net/tun");
    if let Err(e) = tun {
        eprintln!("skipped: cannot open /dev/net/tun ({e}): the helpers need it");
        return false;
    }
    if find_tool(kind).is_none() {
        eprintln!(
            "skipped: {kind} is not installed (apt-get install {})",
            kind.package()
        );
        return false;
    }
    true
}

/// `nsenter` into the network namespace of `pid` (and, rootless, into its
/// user namespace, which owns that network namespace).
fn nsenter(pid: i32) -> Command {
    let mut c = Command::new("nsenter");
    if rootless() {
        c.args(["-U", "--preserve-credentials"]);
    }
    c.args(["-t", &pid.to_string(), "-n"]);
    c
}

/// A stand-in container: `unshare -n sleep 60` (rootless: `unshare -U -r -n`),
/// returned once its network namespace is new.
struct Holder(Child);

impl Holder {
    fn start() -> Holder {
        let ns: &[&str] = if rootless() {
            &["-U", "-r", "-n"]
        } else {
            &["-n"]
        };
        let child = Command::new("unshare")
            .args(ns)
            .args(["sleep", "60"])
            .spawn();
        let h = Holder(child.unwrap_or_else(|e| panic!("unshare: {e}")));
        let ours = std::fs::read_link("/proc/self/ns/net").ok();
        let pid = h.pid();
        let moved = wait_until(Duration::from_secs(3), || {
            let theirs = std::fs::read_link(format!("/proc/{pid}/ns/net")).ok();
            theirs.is_some() && theirs != ours
        });
        assert!(moved, "unshare -n did not create a network namespace");
        h
    }

    fn pid(&self) -> i32 {
        self.0.id() as i32
    }

    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A busybox httpd serving `body` as index.html; killed on drop.
/// The directory is held so it outlives the server.
struct Httpd(Child, #[allow(dead_code)] tempfile::TempDir);

impl Httpd {
    fn start(netns_pid: Option<i32>, listen: &str, body: &str) -> Httpd {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        std::fs::write(dir.path().join("index.html"), body)
            .unwrap_or_else(|e| panic!("write: {e}"));
        let root = dir.path().to_string_lossy().to_string();
        let mut cmd = match netns_pid {
            Some(pid) => {
                let mut c = nsenter(pid);
                c.arg("busybox");
                c
            }
            None => Command::new("busybox"),
        };
        let child = cmd.args(["httpd", "-f", "-p", listen, "-h", &root]).spawn();
        Httpd(child.unwrap_or_else(|e| panic!("busybox httpd: {e}")), dir)
    }
}

impl Drop for Httpd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `busybox wget -qO- URL`, from the host or inside a netns, retried until
/// it answers (servers and forwards take a moment to come up).
fn fetch(netns_pid: Option<i32>, url: &str) -> Option<String> {
    let mut out = None;
    wait_until(Duration::from_secs(5), || {
        let mut cmd = match netns_pid {
            Some(pid) => {
                let mut c = nsenter(pid);
                c.arg("busybox");
                c
            }
            None => Command::new("busybox"),
        };
        // No -T: this busybox build crashes on it.
        let o = cmd
            .args(["wget", "-qO-", url])
            .stderr(Stdio::null())
            .output();
        out = o
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string());
        out.is_some()
    });
    out
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    l.local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("addr: {e}"))
}

/// The host's first global IPv4 address: what the container dials to reach
/// a host service (the helpers do not map the host's loopback).
fn host_address() -> Option<Ipv4Addr> {
    let o = Command::new("ip")
        .args(["-4", "-o", "addr", "show", "scope", "global"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    let word = text
        .split_whitespace()
        .skip_while(|w| *w != "inet")
        .nth(1)?;
    word.split('/').next()?.parse().ok()
}

fn in_netns(pid: i32, args: &[&str]) -> String {
    let o = nsenter(pid).args(args).output();
    o.map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default()
}

/// Our live (non-zombie) helper children: pasta runs as `passt.avx2` (or
/// `passt`) after re-executing itself.
fn helper_children() -> Vec<i32> {
    let me = std::process::id() as i32;
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            let helper = ["pasta", "passt", "passt.avx2", "slirp4netns"].contains(&comm.trim());
            helper && proc::read_stat(pid).is_some_and(|s| s.ppid == me && s.state != 'Z')
        })
        .collect()
}

fn end_to_end(kind: RootlessNetKind) {
    if !can_run(kind) {
        return;
    }
    let _one = REAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut holder = Holder::start();
    let host_port = free_port();
    let ports = [tcp(Some(Ipv4Addr::LOCALHOST), host_port, 8080)];
    let t0 = Instant::now();
    let net = start(kind, holder.pid(), &ports).unwrap_or_else(|e| panic!("start {kind}: {e}"));
    println!("{kind}: start() took {:?}", t0.elapsed());
    assert!(net.is_running());

    let addr = in_netns(holder.pid(), &["ip", "-4", "addr", "show", "dev", "eth0"]);
    assert!(
        addr.contains("inet 10.0.2.100/24"),
        "{kind}: eth0 not configured: {addr}"
    );
    let route = in_netns(holder.pid(), &["ip", "route"]);
    assert!(
        route.contains("default via 10.0.2.2 dev eth0"),
        "{kind}: no default route: {route}"
    );

    // -p: host 127.0.0.1:host_port reaches the container's 8080.
    let _inside = Httpd::start(Some(holder.pid()), "8080", &format!("inside {kind}\n"));
    let got = fetch(None, &format!("http://127.0.0.1:{host_port}/"));
    assert_eq!(
        got.as_deref(),
        Some(format!("inside {kind}\n").as_str()),
        "{kind}: -p forward failed"
    );

    // Outbound: the container reaches a server on the host's address.
    let host = host_address().unwrap_or_else(|| panic!("the host has no global IPv4 address"));
    let out_port = free_port();
    let _outside = Httpd::start(None, &format!("{host}:{out_port}"), "on the host\n");
    let got = fetch(Some(holder.pid()), &format!("http://{host}:{out_port}/"));
    assert_eq!(
        got.as_deref(),
        Some("on the host\n"),
        "{kind}: outbound to {host}:{out_port} failed"
    );

    net.stop();
    assert!(!net.is_running(), "{kind}: helper survived stop()");
    assert!(
        helper_children().is_empty(),
        "{kind}: helpers left: {:?}",
        helper_children()
    );
    net.stop(); // idempotent

    // The container ends on its own: the helper follows within ~3 s.
    let mut holder2 = Holder::start();
    let net2 = start(kind, holder2.pid(), &[]).unwrap_or_else(|e| panic!("start {kind}: {e}"));
    holder2.kill();
    let gone = wait_until(Duration::from_secs(3), || !net2.is_running());
    assert!(
        gone,
        "{kind}: helper outlived its network namespace's process"
    );
    net2.stop();
    assert!(
        helper_children().is_empty(),
        "{kind}: helpers left: {:?}",
        helper_children()
    );
    holder.kill();
}

#[test]
fn pasta_end_to_end() {
    end_to_end(RootlessNetKind::Pasta);
}

#[test]
fn slirp4netns_end_to_end() {
    end_to_end(RootlessNetKind::Slirp4netns);
}

fn taken_port_fails_cleanly(kind: RootlessNetKind) {
    if !can_run(kind) {
        return;
    }
    let _one = REAL.lock().unwrap_or_else(|p| p.into_inner());
    let holder = Holder::start();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    let port = taken
        .local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("addr: {e}"));
    let err = start(
        kind,
        holder.pid(),
        &[tcp(Some(Ipv4Addr::LOCALHOST), port, 80)],
    );
    let err = err
        .err()
        .unwrap_or_else(|| panic!("{kind}: a taken port was published"));
    println!("{kind}: taken port: {err}");
    assert!(
        err.to_string().contains(&port.to_string()),
        "{kind}: error does not name the port: {err}"
    );
    assert!(
        helper_children().is_empty(),
        "{kind}: a failed start left {:?}",
        helper_children()
    );
}

#[test]
fn pasta_taken_port_fails_cleanly() {
    taken_port_fails_cleanly(RootlessNetKind::Pasta);
}

#[test]
fn slirp4netns_taken_port_fails_cleanly() {
    taken_port_fails_cleanly(RootlessNetKind::Slirp4netns);
}

#[test]
fn refuses_to_wire_the_hosts_own_namespace() {
    let mut me = sleeper();
    let err = start(RootlessNetKind::Slirp4netns, me.id() as i32, &[]).err();
    let _ = me.kill();
    let _ = me.wait();
    match err {
        Some(RootlessNetError::HostNamespace { .. }) | Some(RootlessNetError::NotFound { .. }) => {}
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Run by `helper_ends_with_the_container_even_if_berth_is_killed` in a
/// child process (the stand-in for berth): starts the helper for the pid in
/// `BERTH_TEST_NETNS_PID`, prints the record, and waits to be killed.
#[test]
#[ignore = "run only as the child of another test"]
fn start_in_a_child_process() {
    let (Some(pid), Some(kind)) = (
        std::env::var("BERTH_TEST_NETNS_PID")
            .ok()
            .and_then(|p| p.parse().ok()),
        std::env::var("BERTH_TEST_KIND")
            .ok()
            .and_then(|k| RootlessNetKind::parse(&k)),
    ) else {
        return;
    };
    let net = start(kind, pid, &[]).unwrap_or_else(|e| panic!("start {kind}: {e}"));
    let json = serde_json::to_string(&net).unwrap_or_else(|e| panic!("json: {e}"));
    println!("NET {json}");
    std::thread::sleep(Duration::from_secs(60));
}

fn survives_berth_sigkill(kind: RootlessNetKind) {
    use std::io::BufRead;
    if !can_run(kind) {
        return;
    }
    let _one = REAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut holder = Holder::start();
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
    let berth = Command::new(exe)
        .args(["--exact", "net::rootless::tests::start_in_a_child_process"])
        .args(["--ignored", "--nocapture", "--test-threads=1"])
        .env("BERTH_TEST_NETNS_PID", holder.pid().to_string())
        .env("BERTH_TEST_KIND", kind.binary())
        .stdout(Stdio::piped())
        .spawn();
    let mut berth = berth.unwrap_or_else(|e| panic!("re-exec: {e}"));
    let out = berth.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    // libtest prints "test NAME ... " on the same line first.
    let record = std::io::BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.split_once("NET ").map(|(_, json)| json.to_string()))
        .unwrap_or_else(|| panic!("{kind}: the child printed no record"));
    let net: RootlessNet =
        serde_json::from_str(&record).unwrap_or_else(|e| panic!("{kind}: bad record: {e}"));
    assert!(net.is_running());
    // berth dies the hard way; the launcher's PDEATHSIG would take the
    // container along, here the test kills it.
    let _ = berth.kill();
    let _ = berth.wait();
    holder.kill();
    let gone = wait_until(Duration::from_secs(3), || {
        !net.is_running() && !alive(net.warden_pid, net.warden_start_time)
    });
    assert!(
        gone,
        "{kind}: helper or warden outlived a killed berth and its container"
    );
}

#[test]
fn pasta_ends_with_the_container_even_if_berth_is_killed() {
    survives_berth_sigkill(RootlessNetKind::Pasta);
}

#[test]
fn slirp4netns_ends_with_the_container_even_if_berth_is_killed() {
    survives_berth_sigkill(RootlessNetKind::Slirp4netns);
}

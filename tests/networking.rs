//! Container networking through the real binary: the default bridge, user
//! networks with name resolution, port publishing, isolation, leases under
//! concurrency and after crashes, and user-mode networking.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

use support::{unique_repo, wait_until, with_busybox, TestBerth};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// `GET /` over plain TCP; None when nothing answers.
fn http_get(addr: &str) -> Option<String> {
    let mut s = TcpStream::connect_timeout(&addr.parse().ok()?, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
    s.write_all(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    out.split("\r\n\r\n").nth(1).map(str::to_string)
}

/// Serves "hello-<hostname>" on port 8080 inside the container.
const WWW: &str =
    "mkdir -p /www && echo hello-$(hostname) > /www/index.html && exec httpd -f -p 8080 -h /www";

fn host_links() -> String {
    let out = Command::new("ip")
        .args(["-o", "link"])
        .output()
        .expect("ip link");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn nft_ruleset() -> String {
    Command::new("nft")
        .args(["list", "ruleset"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

fn inspect(b: &TestBerth, name: &str, format: &str) -> String {
    b.cmd(&["inspect", "-f", format, name])
        .success()
        .stdout_trim()
        .to_string()
}

fn ip_of(b: &TestBerth, name: &str) -> String {
    inspect(
        b,
        name,
        "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
    )
    .split_whitespace()
    .next()
    .unwrap_or_default()
    .to_string()
}

fn id_of(b: &TestBerth, name: &str) -> String {
    inspect(b, name, "{{.Id}}")
}

/// The host-side veths of a container (named after its id).
fn veths_of(id: &str) -> Vec<String> {
    let prefix = format!("vb{}", &id[..8]);
    host_links()
        .lines()
        .filter_map(|l| l.split(": ").nth(1))
        .map(|n| n.split('@').next().unwrap_or(n).to_string())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// SIGKILLs the process supervising container `name`: its parent (the
/// monitor), never pid 0 or 1.
fn kill_supervisor(b: &TestBerth, name: &str) {
    let pid: i32 = inspect(b, name, "{{.State.Pid}}").parse().expect("pid");
    assert!(pid > 0, "{name} is not running");
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    let ppid: i32 = stat
        .rsplit(')')
        .next()
        .and_then(|r| r.split_whitespace().nth(1))
        .and_then(|p| p.parse().ok())
        .expect("ppid");
    assert!(ppid > 1, "{name}'s parent is {ppid}");
    Command::new("kill")
        .args(["-9", &ppid.to_string()])
        .status()
        .expect("kill");
}

#[test]
fn published_port_is_reachable_from_the_host() {
    let (b, img) = with_busybox();
    let port = free_port();
    let publish = format!("{port}:8080");
    b.cmd(&[
        "run", "-d", "--name", "web", "-p", &publish, &img, "sh", "-c", WWW,
    ])
    .success();
    let url = format!("127.0.0.1:{port}");
    assert!(
        wait_until(Duration::from_secs(10), || http_get(&url).is_some()),
        "nothing answers on {url}"
    );
    let id = id_of(&b, "web");
    assert_eq!(
        http_get(&url).as_deref().map(str::trim),
        Some(format!("hello-{}", &id[..12]).as_str())
    );
    b.cmd(&["port", "web"])
        .success()
        .stdout_contains(&format!("8080/tcp -> 0.0.0.0:{port}"));
    let ip = inspect(&b, "web", "{{.NetworkSettings.IPAddress}}");
    assert!(ip.parse::<std::net::Ipv4Addr>().is_ok(), "IPAddress {ip:?}");
    // Hairpin: the container reaches its own published port via the host.
    let gw = inspect(&b, "web", "{{.NetworkSettings.Gateway}}");
    b.cmd(&[
        "exec",
        "web",
        "wget",
        "-qO-",
        &format!("http://{gw}:{port}/"),
    ])
    .success()
    .stdout_contains("hello-");
    assert_eq!(veths_of(&id).len(), 1);
    b.cmd(&["rm", "-f", "web"]).success();
    // The kernel removes the veth with the container's netns.
    assert!(
        wait_until(Duration::from_secs(5), || veths_of(&id).is_empty()),
        "veth left: {:?}",
        veths_of(&id)
    );
    assert!(http_get(&url).is_none(), "port still forwarded after rm");
    assert!(!nft_ruleset().contains(&format!("{port}")) || !nft_ruleset().contains(&ip));
}

#[test]
fn containers_on_a_network_resolve_each_other_and_others_cannot_reach_them() {
    let (b, img) = with_busybox();
    let net = unique_repo("appnet").replace('/', "-");
    let other = format!("{net}-other");
    b.cmd(&["network", "create", &net]).success();
    b.cmd(&["network", "create", &other]).success();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "db",
        "--network",
        &net,
        "--network-alias",
        "database",
        &img,
        "sleep",
        "300",
    ])
    .success();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "app",
        "--network",
        &net,
        &img,
        "sleep",
        "300",
    ])
    .success();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "outsider",
        "--network",
        &other,
        &img,
        "sleep",
        "300",
    ])
    .success();
    b.cmd(&["exec", "app", "ping", "-c1", "-W2", "db"])
        .success();
    b.cmd(&["exec", "app", "ping", "-c1", "-W2", "database"])
        .success();
    b.cmd(&["exec", "db", "ping", "-c1", "-W2", "app"])
        .success();
    let db_ip = ip_of(&b, "db");
    b.cmd(&["exec", "outsider", "ping", "-c1", "-W1", "db"])
        .failure();
    b.cmd(&["exec", "outsider", "ping", "-c1", "-W1", &db_ip])
        .failure();
    // A peer that leaves disappears from the others' /etc/hosts.
    b.cmd(&["rm", "-f", "app"]).success();
    let hosts = b
        .cmd(&["exec", "db", "cat", "/etc/hosts"])
        .success()
        .stdout_trim()
        .to_string();
    assert!(!hosts.contains("app"), "{hosts}");
    // Removing a network in use fails and changes nothing.
    b.cmd(&["network", "rm", &net])
        .code(1)
        .stderr_contains("has active endpoints");
    b.cmd(&["exec", "db", "ping", "-c1", "-W2", "database"])
        .success();
    b.cmd(&["rm", "-f", "db", "outsider"]).success();
    b.cmd(&["network", "rm", &net, &other]).success();
}

#[test]
fn twenty_containers_at_once_get_distinct_addresses_and_leave_nothing() {
    let (b, img) = with_busybox();
    let net = unique_repo("many").replace('/', "-");
    b.cmd(&["network", "create", &net]).success();
    let names: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    std::thread::scope(|s| {
        for n in &names {
            let (b, img, net) = (&b, &img, &net);
            s.spawn(move || {
                b.cmd(&[
                    "run",
                    "-d",
                    "--name",
                    n,
                    "--network",
                    net,
                    img,
                    "sleep",
                    "300",
                ])
                .success();
            });
        }
    });
    let ips: Vec<String> = names.iter().map(|n| ip_of(&b, n)).collect();
    let mut unique = ips.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 20, "duplicate addresses: {ips:?}");
    for ip in &ips {
        let ok = Command::new("busybox")
            .args(["ping", "-c1", "-W2", ip])
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "{ip} unreachable from the host");
    }
    let ids: Vec<String> = names.iter().map(|n| id_of(&b, n)).collect();
    let mut rm = vec!["rm", "-f"];
    rm.extend(names.iter().map(String::as_str));
    b.cmd(&rm).success();
    for id in &ids {
        assert!(
            wait_until(Duration::from_secs(5), || veths_of(id).is_empty()),
            "veth of {id} left"
        );
    }
    b.cmd(&["network", "inspect", "-f", "{{len .Containers}}", &net])
        .success()
        .stdout_is("0\n");
    b.cmd(&["network", "rm", &net]).success();
}

#[test]
fn bad_network_input_fails_cleanly() {
    let (b, img) = with_busybox();
    b.cmd(&["run", "--rm", "--network", "nosuchnet", &img, "true"])
        .code(125)
        .stderr_contains("network nosuchnet not found");
    // A host port someone else listens on.
    let busy = TcpListener::bind("0.0.0.0:0").expect("bind");
    let port = busy.local_addr().expect("addr").port();
    let publish = format!("{port}:80");
    b.cmd(&[
        "run", "--rm", "--name", "clash", "-p", &publish, &img, "true",
    ])
    .code(125)
    .stderr_contains("address already in use");
    // A port another berth container publishes.
    let port2 = free_port();
    let p2 = format!("{port2}:80");
    b.cmd(&[
        "run", "-d", "--name", "first", "-p", &p2, &img, "sleep", "300",
    ])
    .success();
    b.cmd(&[
        "run", "-d", "--name", "second", "-p", &p2, &img, "sleep", "300",
    ])
    .code(125)
    .stderr_contains("port is already allocated");
    let second = id_of(&b, "second");
    assert!(veths_of(&second).is_empty());
    // A small subnet runs out: a /29 has 5 addresses after the gateway.
    let net = unique_repo("tiny").replace('/', "-");
    let subnet = "10.123.45.0/29";
    b.cmd(&["network", "create", "--subnet", subnet, &net])
        .success();
    b.cmd(&[
        "network",
        "create",
        "--subnet",
        "10.123.45.0/24",
        &format!("{net}-x"),
    ])
    .code(1)
    .stderr_contains("overlaps");
    for i in 0..5 {
        b.cmd(&[
            "run",
            "-d",
            "--name",
            &format!("t{i}"),
            "--network",
            &net,
            &img,
            "sleep",
            "300",
        ])
        .success();
    }
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "t5",
        "--network",
        &net,
        &img,
        "sleep",
        "300",
    ])
    .code(125)
    .stderr_contains("no available IPv4 addresses");
    let t5 = id_of(&b, "t5");
    assert!(veths_of(&t5).is_empty());
    b.cmd(&[
        "rm", "-f", "t0", "t1", "t2", "t3", "t4", "t5", "first", "second",
    ])
    .success();
    b.cmd(&["network", "rm", &net]).success();
    drop(busy);
}

#[test]
fn killing_the_monitor_releases_the_network_on_the_next_command() {
    let (b, img) = with_busybox();
    let port = free_port();
    let publish = format!("{port}:8080");
    b.cmd(&[
        "run", "-d", "--name", "victim", "-p", &publish, &img, "sh", "-c", WWW,
    ])
    .success();
    let url = format!("127.0.0.1:{port}");
    assert!(wait_until(Duration::from_secs(10), || http_get(&url).is_some()));
    let id = id_of(&b, "victim");
    kill_supervisor(&b, "victim");
    assert!(wait_until(Duration::from_secs(5), || veths_of(&id).is_empty()));
    // The next command notices: the lease and the port rule go.
    b.cmd(&["ps", "-a"]).success();
    b.cmd(&["network", "inspect", "-f", "{{len .Containers}}", "bridge"])
        .success()
        .stdout_is("0\n");
    assert!(http_get(&url).is_none());
    // The port is free again for another container.
    b.cmd(&[
        "run", "-d", "--name", "next", "-p", &publish, &img, "sh", "-c", WWW,
    ])
    .success();
    assert!(wait_until(Duration::from_secs(10), || http_get(&url).is_some()));
    b.cmd(&["rm", "-f", "victim", "next"]).success();
}

#[test]
fn etc_files_follow_the_flags() {
    let (b, img) = with_busybox();
    let out = b
        .cmd(&[
            "run",
            "--rm",
            "--hostname",
            "box",
            "--add-host",
            "extra.example:10.1.2.3",
            "--add-host",
            "gw.example:host-gateway",
            "--dns",
            "10.9.9.9",
            "--dns-search",
            "corp.example",
            "--dns-option",
            "ndots:2",
            &img,
            "sh",
            "-c",
            "cat /etc/hostname /etc/hosts /etc/resolv.conf",
        ])
        .success()
        .stdout_trim()
        .to_string();
    assert!(out.starts_with("box\n"), "{out}");
    assert!(out.contains("10.1.2.3\textra.example"), "{out}");
    assert!(out.contains("host.containers.internal"), "{out}");
    assert!(out.contains("host.docker.internal"), "{out}");
    assert!(out.contains("gw.example"), "{out}");
    assert!(out.contains("nameserver 10.9.9.9"), "{out}");
    assert!(out.contains("search corp.example"), "{out}");
    assert!(out.contains("options ndots:2"), "{out}");
    // The container's own address resolves to its hostname.
    b.cmd(&[
        "run",
        "--rm",
        "--hostname",
        "box",
        &img,
        "sh",
        "-c",
        "ping -c1 -W1 box | head -1",
    ])
    .success()
    .stdout_contains("10.");
}

#[test]
fn network_modes_none_host_and_container() {
    let (b, img) = with_busybox();
    b.cmd(&[
        "run",
        "--rm",
        "--network",
        "none",
        &img,
        "sh",
        "-c",
        "ls /sys/class/net",
    ])
    .success()
    .stdout_is("lo\n");
    let host_ifaces = b
        .cmd(&[
            "run",
            "--rm",
            "--network",
            "host",
            &img,
            "ls",
            "/sys/class/net",
        ])
        .success()
        .stdout_trim()
        .to_string();
    assert!(
        host_ifaces.contains("eth0") || host_ifaces.lines().count() > 1,
        "{host_ifaces}"
    );
    b.cmd(&["run", "-d", "--name", "base", &img, "sleep", "300"])
        .success();
    let ip = ip_of(&b, "base");
    b.cmd(&[
        "run",
        "--rm",
        "--network",
        "container:base",
        &img,
        "ip",
        "-4",
        "-o",
        "addr",
    ])
    .success()
    .stdout_contains(&ip);
    b.cmd(&[
        "run",
        "--rm",
        "--network",
        "none",
        "--network",
        "bridge",
        &img,
        "true",
    ])
    .code(125);
    b.cmd(&["rm", "-f", "base"]).success();
}

#[test]
fn connect_and_disconnect_a_running_container() {
    let (b, img) = with_busybox();
    let net = unique_repo("hot").replace('/', "-");
    b.cmd(&["network", "create", &net]).success();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "peer",
        "--network",
        &net,
        &img,
        "sleep",
        "300",
    ])
    .success();
    b.cmd(&["run", "-d", "--name", "late", &img, "sleep", "300"])
        .success();
    b.cmd(&["exec", "late", "ping", "-c1", "-W1", "peer"])
        .failure();
    b.cmd(&["network", "connect", "--alias", "latecomer", &net, "late"])
        .success();
    b.cmd(&["exec", "late", "ping", "-c1", "-W2", "peer"])
        .success();
    b.cmd(&["exec", "peer", "ping", "-c1", "-W2", "latecomer"])
        .success();
    b.cmd(&["exec", "late", "ls", "/sys/class/net"])
        .success()
        .stdout_contains("eth1");
    b.cmd(&["network", "disconnect", &net, "late"]).success();
    b.cmd(&["exec", "late", "ls", "/sys/class/net"])
        .success()
        .stdout_is("eth0\nlo\n");
    b.cmd(&["exec", "peer", "ping", "-c1", "-W1", "latecomer"])
        .failure();
    b.cmd(&["rm", "-f", "peer", "late"]).success();
    b.cmd(&["network", "rm", &net]).success();
}

#[test]
fn user_mode_networking_forwards_ports() {
    let (b, img) = with_busybox();
    for mode in ["slirp4netns", "pasta"] {
        let tool = if mode == "pasta" {
            "pasta"
        } else {
            "slirp4netns"
        };
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map_or(true, |o| !o.status.success())
        {
            eprintln!("{tool} is not installed: skipping {mode}");
            continue;
        }
        let port = free_port();
        let publish = format!("{port}:8080");
        let name = format!("um-{mode}");
        b.cmd(&[
            "run",
            "-d",
            "--name",
            &name,
            "--network",
            mode,
            "-p",
            &publish,
            &img,
            "sh",
            "-c",
            WWW,
        ])
        .success();
        let url = format!("127.0.0.1:{port}");
        assert!(
            wait_until(Duration::from_secs(10), || http_get(&url).is_some()),
            "{mode}: nothing answers on {url}"
        );
        b.cmd(&["rm", "-f", &name]).success();
        assert!(wait_until(Duration::from_secs(5), || http_get(&url).is_none()));
    }
}

#[test]
fn system_check_releases_a_dead_supervisors_network_lease() {
    let (b, img) = with_busybox();
    let port = free_port();
    let publish = format!("{port}:8080");
    b.cmd(&[
        "run", "-d", "--name", "left", "-p", &publish, &img, "sh", "-c", WWW,
    ])
    .success();
    let url = format!("127.0.0.1:{port}");
    assert!(wait_until(Duration::from_secs(10), || http_get(&url).is_some()));
    kill_supervisor(&b, "left");
    // Nothing else ran since: the lease and its port rule are still there.
    // A dead supervisor's lease is what any network command releases, so
    // check releases it too and reports it as cleaned, not as damage.
    let out = b.cmd(&["system", "check", "--quick"]);
    out.success();
    out.stdout_contains("cleaned: released network lease");
    out.stdout_contains("published port");
    assert!(http_get(&url).is_none(), "the port rule survived the check");
    b.cmd(&["system", "check", "--quick", "--repair"]).success();
    let again = b.cmd(&["system", "check", "--quick"]);
    again.success();
    assert!(
        !again.stdout.contains("network lease"),
        "released twice: {}",
        again.stdout
    );
    b.cmd(&["rm", "-f", "left"]).success();
}

#[test]
fn iptables_backend_publishes_ports_too() {
    if Command::new("sh")
        .args(["-c", "command -v iptables"])
        .output()
        .map_or(true, |o| !o.status.success())
    {
        eprintln!("iptables is not installed: skipping");
        return;
    }
    let (mut b, img) = with_busybox();
    b.env("BERTH_FIREWALL", Some("iptables"));
    let port = free_port();
    let publish = format!("{port}:8080");
    b.cmd(&[
        "run", "-d", "--name", "ipt", "-p", &publish, &img, "sh", "-c", WWW,
    ])
    .success();
    let url = format!("127.0.0.1:{port}");
    assert!(
        wait_until(Duration::from_secs(10), || http_get(&url).is_some()),
        "nothing answers on {url} with the iptables backend"
    );
    b.cmd(&["rm", "-f", "ipt"]).success();
    assert!(wait_until(Duration::from_secs(5), || http_get(&url).is_none()));
}

#[test]
fn publish_forms_loopback_only_random_ports_and_udp() {
    let (b, img) = with_busybox();
    // ip:hostPort:ctrPort answers on that address only.
    let port = free_port();
    let local = format!("127.0.0.1:{port}:8080");
    b.cmd(&[
        "run", "-d", "--name", "lo-only", "-p", &local, &img, "sh", "-c", WWW,
    ])
    .success();
    let url = format!("127.0.0.1:{port}");
    assert!(wait_until(Duration::from_secs(10), || http_get(&url).is_some()));
    let gw = inspect(&b, "lo-only", "{{.NetworkSettings.Gateway}}");
    assert!(
        http_get(&format!("{gw}:{port}")).is_none(),
        "127.0.0.1 binding answered on {gw}"
    );
    // -P with --expose: a random host port that `port` reports.
    b.cmd(&[
        "run", "-d", "--name", "random", "-P", "--expose", "8080", &img, "sh", "-c", WWW,
    ])
    .success();
    let line = b
        .cmd(&["port", "random", "8080/tcp"])
        .success()
        .stdout_trim()
        .to_string();
    let host_port = line.rsplit(':').next().unwrap_or("").to_string();
    assert!(host_port.parse::<u16>().is_ok(), "port said {line:?}");
    let url = format!("127.0.0.1:{host_port}");
    assert!(wait_until(Duration::from_secs(10), || http_get(&url).is_some()));
    // UDP: busybox has no UDP server to send to, so check the rule itself.
    let uport = free_port();
    let udp = format!("{uport}:9999/udp");
    b.cmd(&[
        "run", "-d", "--name", "udp", "-p", &udp, &img, "sleep", "300",
    ])
    .success();
    b.cmd(&["port", "udp"])
        .success()
        .stdout_contains(&format!("9999/udp -> 0.0.0.0:{uport}"));
    let ip = ip_of(&b, "udp");
    let rules = nft_ruleset();
    if !rules.is_empty() {
        assert!(
            rules.contains(&format!("udp . {uport} : {ip} . 9999")),
            "no UDP rule for {uport} -> {ip}:9999 in:\n{rules}"
        );
    }
    b.cmd(&["rm", "-f", "lo-only", "random", "udp"]).success();
}

#[test]
fn an_internal_network_has_no_way_out() {
    let (b, img) = with_busybox();
    let net = unique_repo("intern").replace('/', "-");
    b.cmd(&["network", "create", "--internal", &net]).success();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "inside",
        "--network",
        &net,
        &img,
        "sleep",
        "300",
    ])
    .success();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "peer",
        "--network",
        &net,
        &img,
        "sleep",
        "300",
    ])
    .success();
    b.cmd(&["exec", "inside", "ping", "-c1", "-W2", "peer"])
        .success();
    b.cmd(&["exec", "inside", "ip", "route"]).success();
    let routes = b
        .cmd(&["exec", "inside", "ip", "route"])
        .success()
        .stdout_trim()
        .to_string();
    assert!(
        !routes.contains("default"),
        "internal network got a default route: {routes}"
    );
    b.cmd(&["rm", "-f", "inside", "peer"]).success();
    b.cmd(&["network", "rm", &net]).success();
}

//! Root tests against the real kernel, for both backends: two bridges,
//! a network namespace with an HTTP server behind each, and real packets.
//! Each test uses its own nft table / iptables chain prefix, so a real
//! berth installation is never touched; they skip when not root.

use std::net::Ipv4Addr;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::*;

/// The backends share the kernel's conntrack, sysctls and the test
/// addresses: one topology at a time.
static KERNEL: Mutex<()> = Mutex::new(());

fn root() -> bool {
    if nix::unistd::geteuid().is_root() {
        return true;
    }
    eprintln!("skipping: the firewall root tests need root");
    false
}

fn ok(cmd: &[&str]) -> bool {
    Command::new(cmd[0])
        .args(&cmd[1..])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn must(cmd: &[&str]) {
    let out = Command::new(cmd[0]).args(&cmd[1..]).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One bridge with a namespace behind it serving `site-<name>` on :8080.
struct Site {
    bridge: String,
    host_veth: String,
    n: u8,
    holder: Child,
    httpd: Option<Child>,
    _www: tempfile::TempDir,
}

impl Site {
    fn new(tag: &str, n: u8) -> Site {
        let pid = std::process::id();
        let bridge = format!("bt{tag}{pid}{n}");
        let host_veth = format!("vh{tag}{pid}{n}");
        let ctr_veth = format!("vc{tag}{pid}{n}");
        let gw = format!("10.198.{n}.1");
        let holder = Command::new("unshare")
            .args(["-n", "sleep", "60"])
            .spawn()
            .unwrap();
        let www = tempfile::tempdir().unwrap();
        std::fs::write(www.path().join("index.html"), format!("site-{n}\n")).unwrap();
        // From here on Drop cleans up whatever was created.
        let mut site = Site {
            bridge: bridge.clone(),
            host_veth: host_veth.clone(),
            n,
            holder,
            httpd: None,
            _www: www,
        };
        let hp = site.holder.id().to_string();
        // unshare(2) runs after the fork: moving a veth to the holder
        // before that would move it into our own namespace.
        let ours = std::fs::read_link("/proc/self/ns/net").ok();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::fs::read_link(format!("/proc/{hp}/ns/net")).ok() == ours {
            assert!(
                std::time::Instant::now() < deadline,
                "unshare -n did not take effect"
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        must(&["ip", "link", "add", &bridge, "type", "bridge"]);
        must(&["ip", "addr", "add", &format!("{gw}/24"), "dev", &bridge]);
        must(&["ip", "link", "set", &bridge, "up"]);
        must(&[
            "ip", "link", "add", &host_veth, "type", "veth", "peer", "name", &ctr_veth,
        ]);
        must(&["ip", "link", "set", &host_veth, "master", &bridge, "up"]);
        // With br_netfilter loaded, a container reaching its own published
        // port is DNATed at bridge level and bridged back out its own port:
        // the port needs hairpin mode (docker sets it too).
        must(&[
            "ip",
            "link",
            "set",
            &host_veth,
            "type",
            "bridge_slave",
            "hairpin",
            "on",
        ]);
        must(&["ip", "link", "set", &ctr_veth, "netns", &hp]);
        let ns = |args: &[&str]| {
            let mut cmd = vec!["nsenter", "-t", &hp, "-n"];
            cmd.extend_from_slice(args);
            must(&cmd);
        };
        ns(&[
            "ip",
            "addr",
            "add",
            &format!("10.198.{n}.2/24"),
            "dev",
            &ctr_veth,
        ]);
        ns(&["ip", "link", "set", &ctr_veth, "up"]);
        ns(&["ip", "link", "set", "lo", "up"]);
        ns(&["ip", "route", "add", "default", "via", &gw]);
        let www = site._www.path().to_string_lossy().into_owned();
        site.httpd = Some(
            Command::new("nsenter")
                .args([
                    "-t", &hp, "-n", "busybox", "httpd", "-f", "-p", "8080", "-h", &www,
                ])
                .spawn()
                .unwrap(),
        );
        site
    }

    fn ip(&self) -> Ipv4Addr {
        Ipv4Addr::new(10, 198, self.n, 2)
    }

    fn rules(&self, internal: bool) -> NetworkRules {
        NetworkRules {
            bridge: self.bridge.clone(),
            subnet: format!("10.198.{}.0/24", self.n).parse().unwrap(),
            internal,
        }
    }

    /// Runs a command inside this site's namespace.
    fn ns_ok(&self, args: &[&str]) -> bool {
        let pid = self.holder.id().to_string();
        let mut cmd = vec!["nsenter", "-t", &pid, "-n"];
        cmd.extend_from_slice(args);
        ok(&cmd)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        for child in [self.httpd.as_mut(), Some(&mut self.holder)]
            .into_iter()
            .flatten()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
        // The namespace's end of the veth died with its namespace.
        ok(&["ip", "link", "del", &self.host_veth]);
        ok(&["ip", "link", "del", &self.bridge]);
    }
}

/// Removes everything the backend installed, even when the test fails.
struct Installed(Box<dyn Firewall>);

impl Drop for Installed {
    fn drop(&mut self) {
        if let Err(e) = self.0.remove_all() {
            eprintln!("cleanup of the test firewall failed: {e}");
        }
    }
}

fn get(url: &str) -> Option<String> {
    // busybox 1.35's `wget -T` segfaults: bound the wait with timeout(1).
    let out = Command::new("timeout")
        .args(["3", "busybox", "wget", "-qO-", url])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Retries while the freshly started httpd comes up.
fn get_soon(url: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match get(url) {
            Some(body) => return Some(body),
            None if Instant::now() > deadline => return None,
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// The host's own address on its uplink (not a bridge of ours).
fn host_address() -> Ipv4Addr {
    let out = Command::new("ip")
        .args(["-4", "-o", "addr", "show", "scope", "global"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let addrs: Vec<(String, Ipv4Addr)> = text
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let ip = w.get(3)?.split('/').next()?.parse().ok()?;
            Some((w.get(1)?.to_string(), ip))
        })
        .filter(|(dev, _)| !dev.starts_with("bt") && !dev.starts_with("br") && dev != "berth0")
        .collect();
    addrs
        .iter()
        .find(|(dev, _)| dev == "eth0")
        .or(addrs.first())
        .map(|(_, ip)| *ip)
        .expect("the host needs a global IPv4 address for this test")
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

fn exercise(fw: Box<dyn Firewall>, tag: &str, a_n: u8, port_base: u16) {
    let a = Site::new(tag, a_n);
    let b = Site::new(tag, a_n + 1);
    let fw = Installed(fw);
    let fw = &*fw.0;
    let host = host_address();

    fw.ensure_network(&a.rules(false)).unwrap();
    fw.ensure_network(&b.rules(false)).unwrap();
    // Idempotent: a second call changes nothing and does not fail.
    fw.ensure_network(&a.rules(false)).unwrap();
    assert_eq!(
        sorted(fw.list_networks().unwrap()),
        sorted(vec![a.bridge.clone(), b.bridge.clone()])
    );
    let sysctl = |p: &str| std::fs::read_to_string(format!("/proc/sys/net/ipv4/{p}")).unwrap();
    assert_eq!(sysctl("ip_forward").trim(), "1");
    assert_eq!(
        sysctl(&format!("conf/{}/route_localnet", a.bridge)).trim(),
        "1"
    );

    let (pa, pb) = (port_base, port_base + 1);
    let to_a = PortRule {
        proto: Proto::Tcp,
        host_ip: None,
        host_port: pa,
        ctr_ip: a.ip(),
        ctr_port: 8080,
    };
    let to_b = PortRule {
        proto: Proto::Tcp,
        host_ip: Some(Ipv4Addr::LOCALHOST),
        host_port: pb,
        ctr_ip: b.ip(),
        ctr_port: 8080,
    };
    fw.add_ports(&[to_a.clone(), to_b.clone()]).unwrap();
    fw.add_ports(std::slice::from_ref(&to_a)).unwrap();
    assert_eq!(
        sorted_ports(fw.list_ports().unwrap()),
        sorted_ports(vec![to_a.clone(), to_b.clone()])
    );

    let site_a = Some(format!("site-{}", a.n));
    assert_eq!(
        get_soon(&format!("http://127.0.0.1:{pa}/")),
        site_a,
        "host via 127.0.0.1"
    );
    assert_eq!(
        get(&format!("http://{host}:{pa}/")),
        site_a,
        "host via its own address"
    );
    assert_eq!(
        get_soon(&format!("http://127.0.0.1:{pb}/")),
        Some(format!("site-{}", b.n))
    );
    assert_eq!(
        get(&format!("http://{host}:{pb}/")),
        None,
        "published on 127.0.0.1 only"
    );
    let wget =
        |site: &Site, url: String| site.ns_ok(&["timeout", "3", "busybox", "wget", "-qO-", &url]);
    assert!(
        wget(&a, format!("http://{host}:{pa}/")),
        "hairpin from the container itself"
    );
    assert!(
        wget(&b, format!("http://{host}:{pa}/")),
        "published ports are public, also to other networks"
    );

    // Isolation: no direct traffic between the two bridges.
    let ping =
        |from: &Site, to: Ipv4Addr| from.ns_ok(&["busybox", "ping", "-c1", "-W1", &to.to_string()]);
    assert!(
        ping(&a, Ipv4Addr::new(10, 198, a.n, 1)),
        "a container reaches its gateway"
    );
    assert!(!ping(&a, b.ip()), "isolated from the other network");
    assert!(!ping(&b, a.ip()), "isolated from the other network");

    // Conflicts are named, and change nothing.
    let taken = PortRule {
        ctr_ip: a.ip(),
        ..to_b.clone()
    };
    assert!(matches!(
        fw.add_ports(&[taken]),
        Err(FirewallError::PortInUse { .. })
    ));

    // An internal network cannot leave its bridge, not even to a published port.
    fw.remove_network(&b.rules(false)).unwrap();
    fw.ensure_network(&b.rules(true)).unwrap();
    assert!(
        !wget(&b, format!("http://{host}:{pa}/")),
        "internal network left its bridge"
    );
    assert!(!ping(&b, a.ip()), "internal network left its bridge");
    fw.remove_network(&b.rules(true)).unwrap();
    fw.ensure_network(&b.rules(false)).unwrap();
    assert!(
        wget(&b, format!("http://{host}:{pa}/")),
        "no longer internal"
    );

    timing(fw, a.ip(), port_base + 100);
    let t = Instant::now();
    for _ in 0..10 {
        fw.ensure_network(&a.rules(false)).unwrap();
    }
    eprintln!(
        "{}: ensure_network {:.2?} per call (already installed)",
        fw.name(),
        t.elapsed() / 10
    );

    fw.remove_ports(std::slice::from_ref(&to_a)).unwrap();
    fw.remove_ports(std::slice::from_ref(&to_a)).unwrap();
    assert_eq!(
        get(&format!("http://127.0.0.1:{pa}/")),
        None,
        "removed port still answers"
    );
    assert_eq!(fw.list_ports().unwrap(), vec![to_b.clone()]);
    // A rule whose key now points elsewhere is not ours to remove.
    let stale = PortRule {
        ctr_ip: a.ip(),
        ..to_b.clone()
    };
    fw.remove_ports(&[stale]).unwrap();
    assert_eq!(fw.list_ports().unwrap(), vec![to_b.clone()]);
    fw.remove_ports(&[to_b]).unwrap();
    assert!(fw.list_ports().unwrap().is_empty());

    // Without B's rules, A's traffic to B is no longer dropped: this shows
    // the failed pings above were the isolation, not a broken topology.
    fw.remove_network(&b.rules(false)).unwrap();
    fw.remove_network(&b.rules(false)).unwrap();
    assert!(ping(&a, b.ip()), "ping works once the isolation is gone");
    fw.remove_network(&a.rules(false)).unwrap();
    assert!(fw.list_networks().unwrap().is_empty());
}

fn sorted_ports(mut v: Vec<PortRule>) -> Vec<PortRule> {
    v.sort_by_key(|p| (p.host_port, p.host_ip, p.proto));
    v
}

/// Prints the mean time of add_ports/remove_ports with one rule.
fn timing(fw: &dyn Firewall, ctr: Ipv4Addr, base: u16) {
    const N: u16 = 20;
    let rules: Vec<PortRule> = (0..N)
        .map(|i| PortRule {
            proto: Proto::Tcp,
            host_ip: None,
            host_port: base + i,
            ctr_ip: ctr,
            ctr_port: 8080,
        })
        .collect();
    let t = Instant::now();
    for r in &rules {
        fw.add_ports(std::slice::from_ref(r)).unwrap();
    }
    let add = t.elapsed() / N.into();
    let t = Instant::now();
    for r in &rules {
        fw.remove_ports(std::slice::from_ref(r)).unwrap();
    }
    let remove = t.elapsed() / N.into();
    eprintln!(
        "{}: add_ports {add:.2?}, remove_ports {remove:.2?} per call (one rule)",
        fw.name()
    );
}

#[test]
fn nftables_publishes_isolates_and_cleans_up_on_the_real_kernel() {
    if !root() {
        return;
    }
    let _kernel = KERNEL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(_) = find_binary("nft") else {
        eprintln!("skipping: nft is not installed");
        return;
    };
    let fw = Nftables::with_table(&format!("berth_test_{}", std::process::id())).unwrap();
    let table = fw.table().to_string();
    exercise(Box::new(fw.clone()), "n", 211, 18811);
    fw.remove_all().unwrap();
    assert!(
        !ok(&["nft", "list", "table", "ip", &table]),
        "table left behind"
    );
}

#[test]
fn iptables_publishes_isolates_and_cleans_up_on_the_real_kernel() {
    if !root() {
        return;
    }
    let _kernel = KERNEL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(_) = find_binary("iptables") else {
        eprintln!("skipping: iptables is not installed");
        return;
    };
    let prefix = format!("BT{}", std::process::id());
    let fw = Iptables::with_prefix(&prefix).unwrap();
    exercise(Box::new(fw.clone()), "i", 221, 18831);
    fw.remove_all().unwrap();
    let dump = Command::new("iptables-save").output().unwrap();
    assert!(
        !String::from_utf8_lossy(&dump.stdout).contains(&prefix),
        "chains left behind"
    );
}

#[test]
fn berth_firewall_forces_a_backend_and_rejects_unknown_names() {
    let _kernel = KERNEL.lock().unwrap_or_else(|e| e.into_inner());
    let before = std::env::var_os("BERTH_FIREWALL");
    std::env::set_var("BERTH_FIREWALL", "ipfw");
    let bogus = detect().err().map(|e| e.to_string());
    let forced: Vec<_> = ["nftables", "iptables"]
        .into_iter()
        .filter(|b| find_binary(if *b == "nftables" { "nft" } else { "iptables" }).is_some())
        .map(|b| {
            std::env::set_var("BERTH_FIREWALL", b);
            (b, detect().map(|fw| fw.name()))
        })
        .collect();
    match before {
        Some(v) => std::env::set_var("BERTH_FIREWALL", v),
        None => std::env::remove_var("BERTH_FIREWALL"),
    }
    assert!(bogus.is_some_and(|e| e.contains("\"ipfw\"") && e.contains("nftables or iptables")));
    for (wanted, got) in forced {
        assert_eq!(got.unwrap(), wanted);
    }
}

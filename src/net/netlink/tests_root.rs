//! Root-only tests against the real kernel: a bridge on the host, network
//! namespaces held by `unshare -n sleep`, checked with `ip`, `nsenter` and
//! `ping` (the product code uses none of them). Skipped when not root.

use std::fs::{self, File};
use std::net::Ipv4Addr;
use std::os::fd::AsFd;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use nix::errno::Errno;

use super::{Netlink, NetlinkError};

fn is_root() -> bool {
    if nix::unistd::geteuid().is_root() {
        return true;
    }
    eprintln!("skipped: netlink root tests need root");
    false
}

/// Everything a test created on the host, removed on drop even when an
/// assertion failed: the namespace holders (only the ones started here, by
/// their pid) and the links.
struct Cleanup {
    holders: Vec<Child>,
    links: Vec<String>,
}

impl Cleanup {
    fn new() -> Cleanup {
        Cleanup {
            holders: Vec::new(),
            links: Vec::new(),
        }
    }

    /// A new network namespace, held by a sleep that this test owns.
    fn netns_holder(&mut self) -> i32 {
        let child = Command::new("unshare")
            .args(["-n", "sleep", "60"])
            .spawn()
            .expect("spawn unshare -n sleep 60");
        let pid = child.id() as i32;
        self.holders.push(child);
        // unshare(2) runs after the fork: wait until the namespace differs.
        let ours = fs::read_link("/proc/self/ns/net").expect("own netns");
        let deadline = Instant::now() + Duration::from_secs(5);
        while fs::read_link(format!("/proc/{pid}/ns/net")).ok().as_ref() == Some(&ours) {
            assert!(Instant::now() < deadline, "unshare -n did not take effect");
            std::thread::sleep(Duration::from_millis(2));
        }
        pid
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for child in &mut self.holders {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Ok(mut nl) = Netlink::open() {
            for link in &self.links {
                let _ = nl.delete_link(link);
            }
        }
    }
}

fn run(program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn in_netns(pid: i32, args: &[&str]) -> (bool, String) {
    let pid = pid.to_string();
    let mut all = vec!["-t", pid.as_str(), "-n"];
    all.extend_from_slice(args);
    run("nsenter", &all)
}

/// `ping` when installed, else busybox's.
fn ping_args(target: &str) -> Vec<String> {
    let mut args: Vec<String> = Vec::new();
    if run("sh", &["-c", "command -v ping"]).0 {
        args.push("ping".into());
    } else {
        args.extend(["busybox".into(), "ping".into()]);
    }
    args.extend(["-c1", "-W1", target].map(String::from));
    args
}

/// Names and a 10.199.x.0/24 subnet unique to this test process.
fn unique() -> (u32, u8) {
    let pid = std::process::id();
    (pid % 1_000_000, (pid % 250) as u8)
}

#[test]
fn a_container_namespace_is_wired_to_a_bridge_and_reachable() {
    if !is_root() {
        return;
    }
    let (id, octet) = unique();
    let mut cleanup = Cleanup::new();
    let bridge = format!("bt{id}");
    let (veth_a, veth_b) = (format!("vt{id}a"), format!("vt{id}b"));
    cleanup.links = vec![bridge.clone(), veth_a.clone(), veth_b.clone()];
    let gateway = Ipv4Addr::new(10, 199, octet, 1);
    let addr_a = Ipv4Addr::new(10, 199, octet, 2);
    let addr_b = Ipv4Addr::new(10, 199, octet, 3);

    let mut nl = Netlink::open().expect("open");
    let index = nl
        .ensure_bridge(&bridge, gateway, 24)
        .expect("create bridge");
    assert_eq!(
        nl.ensure_bridge(&bridge, gateway, 24).expect("again"),
        index,
        "ensure_bridge is idempotent"
    );
    let (ok, addrs) = run("ip", &["-4", "addr", "show", "dev", &bridge]);
    assert!(ok, "{addrs}");
    assert_eq!(
        addrs.matches(&format!("inet {gateway}/24")).count(),
        1,
        "{addrs}"
    );
    assert!(addrs.contains("UP"), "{addrs}");

    // Container A by pid, timed the way `berth run` will call it.
    let pid_a = cleanup.netns_holder();
    let mac = [0x02, 0x42, 0x0a, 0xc7, octet, 0x02];
    let start = Instant::now();
    nl.create_veth(&veth_a, index, "eth0", pid_a, Some(mac))
        .expect("create veth");
    let created = start.elapsed();
    let mut inside_a = Netlink::open_in_netns_of(pid_a).expect("open inside");
    let opened = start.elapsed();
    inside_a
        .configure_interface("eth0", addr_a, 24, Some(gateway))
        .expect("configure inside");
    let total = start.elapsed();
    eprintln!(
        "timing: create_veth {:?}, open_in_netns_of {:?}, configure_interface {:?}, total {:?}",
        created,
        opened - created,
        total - opened,
        total
    );

    // Container B by namespace fd.
    let pid_b = cleanup.netns_holder();
    let ns_b = File::open(format!("/proc/{pid_b}/ns/net")).expect("open ns file");
    nl.create_veth_in_netns_fd(&veth_b, index, "eth0", ns_b.as_fd(), None)
        .expect("create veth by fd");
    let path_b = format!("/proc/{pid_b}/ns/net");
    let mut inside_b = Netlink::open_in_netns_file(path_b.as_ref()).expect("open inside b");
    inside_b
        .configure_interface("eth0", addr_b, 24, None)
        .expect("configure b");

    // The host side, as links() sees it.
    let links = nl.links().expect("links");
    let br = links
        .iter()
        .find(|l| l.name == bridge)
        .expect("bridge listed");
    assert_eq!(
        (br.index, br.kind.as_deref(), br.up),
        (index, Some("bridge"), true)
    );
    for veth in [&veth_a, &veth_b] {
        let l = links.iter().find(|l| &l.name == veth).expect("veth listed");
        assert_eq!(
            (l.kind.as_deref(), l.master, l.up),
            (Some("veth"), Some(index), true)
        );
    }
    assert_eq!(
        nl.link_by_name(&veth_a).expect("by name").map(|l| l.master),
        Some(Some(index))
    );
    assert_eq!(nl.link_by_name("nosuchlink0").expect("lookup"), None);

    // The container side.
    let (_, addr) = in_netns(pid_a, &["ip", "-4", "addr", "show", "dev", "eth0"]);
    assert!(addr.contains(&format!("inet {addr_a}/24")), "{addr}");
    let (_, link) = in_netns(pid_a, &["ip", "link", "show", "dev", "eth0"]);
    assert!(link.contains("02:42:0a:c7"), "mac not applied: {link}");
    assert!(link.contains(",UP"), "{link}");
    let (_, lo) = in_netns(pid_a, &["ip", "link", "show", "dev", "lo"]);
    assert!(lo.contains(",UP"), "lo stays down: {lo}");
    let (_, route) = in_netns(pid_a, &["ip", "-4", "route"]);
    assert!(
        route.contains(&format!("default via {gateway} dev eth0")),
        "{route}"
    );
    let (_, route_b) = in_netns(pid_b, &["ip", "-4", "route"]);
    assert!(!route_b.contains("default"), "no gateway asked: {route_b}");
    let mtu = fs::read_to_string(format!("/sys/class/net/{bridge}/mtu")).expect("mtu");
    assert!(link.contains(&format!("mtu {}", mtu.trim())), "{link}");
    let inside_links = inside_a.links().expect("inside links");
    let names: Vec<&str> = inside_links.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, vec!["lo", "eth0"]);

    // Traffic: host → A, A → gateway, A → B over the bridge.
    let ping = ping_args(&addr_a.to_string());
    let (ok, out) = run(
        &ping[0],
        &ping[1..].iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(ok, "host cannot ping the container: {out}");
    for (pid, target) in [(pid_a, gateway), (pid_a, addr_b)] {
        let ping = ping_args(&target.to_string());
        let (ok, out) = in_netns(pid, &ping.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(ok, "container cannot ping {target}: {out}");
    }

    // Hairpin on the host end, as the bridge driver reports it.
    let hairpin = format!("/sys/class/net/{veth_a}/brport/hairpin_mode");
    nl.set_hairpin(&veth_a, true).expect("hairpin on");
    assert_eq!(fs::read_to_string(&hairpin).expect("read").trim(), "1");
    nl.set_hairpin(&veth_a, false).expect("hairpin off");
    assert_eq!(fs::read_to_string(&hairpin).expect("read").trim(), "0");

    // Idempotent inside too.
    inside_a
        .configure_interface("eth0", addr_a, 24, Some(gateway))
        .expect("configure twice");

    // What picking a free subnet will read.
    let net = Ipv4Addr::new(10, 199, octet, 0);
    assert!(nl.ipv4_routes().expect("routes").contains(&(net, 24)));
    assert!(!nl.ipv4_routes().expect("routes").iter().any(|r| r.1 == 0));
    assert!(nl
        .ipv4_addresses()
        .expect("addresses")
        .contains(&(gateway, 24)));

    // Deleting the host end removes the peer inside.
    assert!(nl.delete_link(&veth_a).expect("delete"));
    assert!(!nl.delete_link(&veth_a).expect("delete again"));
    assert_eq!(inside_a.link_by_name("eth0").expect("lookup"), None);
}

#[test]
fn failures_name_the_operation_and_leave_the_namespace_alone() {
    if !is_root() {
        return;
    }
    let (id, octet) = unique();
    let mut cleanup = Cleanup::new();
    let bridge = format!("bt{id}e");
    cleanup.links = vec![bridge.clone()];
    let mut nl = Netlink::open().expect("open");
    let gateway = Ipv4Addr::new(10, 199, octet.wrapping_add(1) % 250, 1);
    let index = nl.ensure_bridge(&bridge, gateway, 24).expect("bridge");

    // A host name that is taken: nothing is created, the error says what.
    let pid = cleanup.netns_holder();
    let err = nl
        .create_veth(&bridge, index, "eth0", pid, None)
        .expect_err("name taken");
    eprintln!("error text: {err}");
    assert_eq!(err.errno(), Some(Errno::EEXIST), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("create veth pair {bridge} (host)")),
        "{err}"
    );
    let (_, inside) = in_netns(pid, &["ip", "-o", "link"]);
    assert!(!inside.contains("eth0"), "{inside}");

    let err = nl
        .ensure_bridge("lo", gateway, 24)
        .expect_err("lo is no bridge");
    eprintln!("error text: {err}");
    assert!(matches!(err, NetlinkError::NotABridge { .. }), "{err}");

    let own = fs::read_link("/proc/thread-self/ns/net").expect("own netns");
    let err = Netlink::open_in_netns_of(i32::MAX)
        .err()
        .expect("no such pid");
    eprintln!("error text: {err}");
    assert!(err.to_string().contains("has exited"), "{err}");
    let mut inside = Netlink::open_in_netns_of(pid).expect("open inside");
    assert_eq!(
        fs::read_link("/proc/thread-self/ns/net").expect("netns"),
        own
    );
    // The socket still talks to the container's namespace.
    let names: Vec<String> = inside
        .links()
        .expect("links")
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(names, vec!["lo".to_string()]);
    let err = inside
        .configure_interface("eth0", Ipv4Addr::new(10, 199, 0, 2), 24, None)
        .expect_err("no eth0 inside");
    assert!(matches!(err, NetlinkError::NoSuchLink { .. }), "{err}");
}

#[test]
fn dumps_of_hundreds_of_links_come_back_whole() {
    if !is_root() {
        return;
    }
    let mut cleanup = Cleanup::new();
    // In a private namespace, so nothing here touches the host's routes.
    let pid = cleanup.netns_holder();
    let mut inside = Netlink::open_in_netns_of(pid).expect("open inside");
    let count: u8 = 240;
    let start = Instant::now();
    for i in 0..count {
        inside
            .ensure_bridge(&format!("br{i}"), Ipv4Addr::new(10, 199, i, 1), 24)
            .expect("bridge");
    }
    eprintln!(
        "timing: {count} ensure_bridge calls took {:?}",
        start.elapsed()
    );
    let start = Instant::now();
    let links = inside.links().expect("links");
    eprintln!(
        "timing: dumping {} links took {:?}",
        links.len(),
        start.elapsed()
    );
    assert_eq!(links.len(), usize::from(count) + 1);
    assert!(links
        .iter()
        .all(|l| l.name == "lo" || l.kind.as_deref() == Some("bridge")));
    let addresses = inside.ipv4_addresses().expect("addresses");
    // lo is still down in this namespace, so it has no 127.0.0.1 yet.
    assert_eq!(addresses.len(), usize::from(count), "one per bridge");
    assert!(addresses.contains(&(Ipv4Addr::new(10, 199, 239, 1), 24)));
    let routes = inside.ipv4_routes().expect("routes");
    assert_eq!(routes.len(), usize::from(count));
}

//! Wiring a container into its bridge networks, daemonless: the `berth`
//! process that starts a container takes the leases (under the networks
//! lock), builds the veths into the container's netns from the launcher's
//! parent, publishes its ports and updates the peers' /etc/hosts; the same
//! process undoes it all when the container stops. A lease names the
//! process that supervises it, so when that process dies without undoing
//! (kill -9), the next `berth` that joins, leaves or checks sweeps it up.

use std::net::{Ipv4Addr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};

use super::firewall::{self, NetworkRules, PortRule, Proto};
use super::hosts::{self, Drop, HostsEntry};
use super::netlink::Netlink;
use super::store::{Lease, LeasePort, LeaseRequest, NetStore, NetworkRecord};
use super::{ipam, NetError, Result};

/// The default network: no name resolution between its containers, as docker.
pub const DEFAULT_NETWORK: &str = "bridge";

/// A network a container joins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub network_id: String,
    /// For messages when the network is gone.
    pub network_name: String,
    pub aliases: Vec<String>,
    pub ip: Option<Ipv4Addr>,
}

/// A port to publish on the container's first network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedPort {
    pub proto: Proto,
    pub host_ip: Option<Ipv4Addr>,
    pub host_port: u16,
    pub ctr_port: u16,
}

/// The process that holds the leases and undoes them; when it is gone, so
/// is the container (it dies with its supervisor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub pid: i32,
    /// Start time in clock ticks (/proc/PID/stat), so a reused pid is not taken for it.
    pub start: u64,
}

impl Owner {
    /// The calling process.
    pub fn me() -> Owner {
        let pid = std::process::id() as i32;
        Owner {
            pid,
            start: crate::store::containers::process_start_time(pid).unwrap_or(0),
        }
    }

    /// Whether the process `pid` that started at `start` still runs (a
    /// zombie does not: nothing may have reaped a killed supervisor yet).
    pub fn alive_pid(pid: i32, start: u64) -> bool {
        Self::alive(pid, start)
    }

    fn alive(pid: i32, start: u64) -> bool {
        crate::store::containers::process_is(pid, start)
    }
}

pub struct JoinRequest<'a> {
    pub root: &'a Path,
    pub runroot: &'a Path,
    pub container_id: &'a str,
    pub container_name: &'a str,
    pub hostname: &'a str,
    pub endpoints: &'a [Endpoint],
    pub ports: &'a [PublishedPort],
    pub hosts_file: &'a Path,
    pub owner: Owner,
    /// `network connect` to a running container: its other leases stay and
    /// the new interface takes the next free `ethN`.
    pub hot_plug: bool,
}

/// Leases taken, ready to be wired into the container's netns.
#[derive(Debug)]
pub struct Joined {
    root: PathBuf,
    container_id: String,
    links: Vec<(Lease, NetworkRecord, u32)>,
    ports: Vec<PortRule>,
}

fn rules_of(rec: &NetworkRecord) -> NetworkRules {
    NetworkRules {
        bridge: rec.bridge.clone(),
        subnet: rec.subnet,
        internal: rec.internal,
    }
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// The bridge and its firewall rules exist; returns the bridge's index.
/// A marker in the runroot (tmpfs, gone at reboot) remembers the bridge
/// instance whose rules are in place, so a `run` costs one netlink lookup
/// instead of an `nft` process.
fn ensure_host_side(
    store: &NetStore,
    runroot: &Path,
    rec: &NetworkRecord,
    nl: &mut Netlink,
) -> Result<u32> {
    let marker = runroot.join("networks").join(format!("{}.ready", rec.id));
    let recorded = std::fs::read_to_string(&marker).ok();
    if let Some(link) = nl.link_by_name(&rec.bridge)? {
        if recorded.as_deref() == Some(link.index.to_string().as_str()) {
            return Ok(link.index);
        }
    }
    // Serialised with other `berth`s creating the same bridge.
    store.transaction(|_, _| {
        let index = nl.ensure_bridge(&rec.bridge, rec.gateway, rec.subnet.prefix_len())?;
        firewall::detect()?.ensure_network(&rules_of(rec))?;
        if let Some(dir) = marker.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(&marker, index.to_string());
        Ok(index)
    })
}

/// The host end of a container's veth on a network, derived from both ids
/// so tests and leftovers checks can find it: `vb` + 8 + 4 hex digits.
pub fn host_veth_name(container_id: &str, network_id: &str) -> String {
    let c = container_id.get(..8).unwrap_or(container_id);
    let n = network_id.get(..4).unwrap_or(network_id);
    format!("vb{c}{n}")
}

fn port_rule(p: &PublishedPort, ctr_ip: Ipv4Addr) -> PortRule {
    PortRule {
        proto: p.proto,
        host_ip: p.host_ip,
        host_port: p.host_port,
        ctr_ip,
        ctr_port: p.ctr_port,
    }
}

fn lease_port(p: &PublishedPort) -> LeasePort {
    LeasePort {
        proto: proto_name(p.proto).to_string(),
        host_ip: p.host_ip,
        host_port: p.host_port,
        ctr_port: p.ctr_port,
    }
}

fn overlaps(a: &LeasePort, b: &LeasePort) -> bool {
    a.proto == b.proto
        && a.host_port == b.host_port
        && (a.host_ip.is_none() || b.host_ip.is_none() || a.host_ip == b.host_ip)
}

fn shown(ip: Option<Ipv4Addr>) -> String {
    ip.map_or_else(|| "0.0.0.0".to_string(), |i| i.to_string())
}

/// docker refuses a host port another process listens on: try to bind it.
fn check_host_port(p: &PublishedPort) -> Result<()> {
    let ip = p.host_ip.unwrap_or(Ipv4Addr::UNSPECIFIED);
    let res = match p.proto {
        Proto::Tcp => TcpListener::bind((ip, p.host_port)).map(|_| ()),
        Proto::Udp => UdpSocket::bind((ip, p.host_port)).map(|_| ()),
        Proto::Sctp => Ok(()),
    };
    match res {
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Err(NetError::PortInUse(format!(
            "listen {}4 {}:{}: bind: address already in use",
            proto_name(p.proto),
            shown(p.host_ip),
            p.host_port
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => {
            Err(NetError::PortInUse(format!(
                "listen {}4 {}:{}: bind: cannot assign requested address",
                proto_name(p.proto),
                shown(p.host_ip),
                p.host_port
            )))
        }
        _ => Ok(()),
    }
}

fn parse_proto(s: &str) -> Option<Proto> {
    match s {
        "tcp" => Some(Proto::Tcp),
        "udp" => Some(Proto::Udp),
        "sctp" => Some(Proto::Sctp),
        _ => None,
    }
}

pub(super) fn proto_name(p: Proto) -> &'static str {
    match p {
        Proto::Tcp => "tcp",
        Proto::Udp => "udp",
        Proto::Sctp => "sctp",
    }
}

/// The names peers resolve a lease's container by.
fn peer_names(l: &Lease) -> Vec<String> {
    let mut names = vec![l.container_name.clone()];
    names.extend(l.aliases.iter().cloned());
    names.push(short(&l.container_id).to_string());
    names.dedup();
    names
}

fn entry(l: &Lease, names: Vec<String>) -> HostsEntry {
    HostsEntry {
        ip: l.ip,
        names,
        container_id: l.container_id.clone(),
        network_id: l.network_id.clone(),
    }
}

/// Leases whose supervisor is gone, removed from `leases` and returned.
fn take_stale(leases: &mut Vec<Lease>) -> Vec<Lease> {
    let (stale, live): (Vec<Lease>, Vec<Lease>) = std::mem::take(leases)
        .into_iter()
        .partition(|l| !Owner::alive(l.owner_pid, l.owner_start));
    *leases = live;
    stale
}

/// Drops the /etc/hosts lines of `gone` leases from their peers' files.
fn unpublish_names(gone: &[Lease], remaining: &[Lease]) {
    for g in gone {
        for peer in remaining.iter().filter(|p| p.network_id == g.network_id) {
            if let Some(f) = &peer.hosts_file {
                let _ = hosts::update_file(
                    f,
                    &[Drop::Entry {
                        container_id: &g.container_id,
                        network_id: &g.network_id,
                    }],
                    &[],
                );
            }
        }
    }
}

/// Interfaces and rules of released leases: the host veth (gone already
/// when the netns died) and the published ports.
fn undo_host_side(released: &[Lease], delete_veths: bool) {
    if released.is_empty() {
        return;
    }
    if let (true, Ok(mut nl)) = (delete_veths, Netlink::open()) {
        for l in released {
            let _ = nl.delete_link(&l.host_veth);
        }
    }
    let rules: Vec<PortRule> = released
        .iter()
        .flat_map(|l| {
            l.ports.iter().filter_map(move |p| {
                Some(PortRule {
                    proto: parse_proto(&p.proto)?,
                    host_ip: p.host_ip,
                    host_port: p.host_port,
                    ctr_ip: l.ip,
                    ctr_port: p.ctr_port,
                })
            })
        })
        .collect();
    if !rules.is_empty() {
        if let Ok(fw) = firewall::detect() {
            let _ = fw.remove_ports(&rules);
        }
    }
}

/// Takes the leases for a container about to start and writes the names
/// into its and its peers' /etc/hosts.
pub fn join(req: &JoinRequest<'_>) -> Result<Joined> {
    let store = NetStore::new(req.root);
    let mut nl = Netlink::open()?;
    let mut targets = Vec::new();
    for ep in req.endpoints {
        let rec = store
            .find(&ep.network_id)
            .map_err(|_| NetError::NotFound(ep.network_name.clone()))?;
        let index = ensure_host_side(&store, req.runroot, &rec, &mut nl)?;
        targets.push((ep, rec, index));
    }
    let wanted: Vec<LeasePort> = req.ports.iter().map(lease_port).collect();
    let (links, stale) = store.transaction(|_, leases| {
        let mut stale = take_stale(leases);
        if !req.hot_plug {
            // A restart's old leases, should the last run not have left.
            let (old, rest): (Vec<Lease>, Vec<Lease>) = std::mem::take(leases)
                .into_iter()
                .partition(|l| l.container_id == req.container_id);
            *leases = rest;
            stale.extend(old);
        }
        unpublish_names(&stale, leases);
        for w in &wanted {
            if leases
                .iter()
                .any(|l| l.ports.iter().any(|p| overlaps(p, w)))
            {
                return Err(NetError::PortInUse(format!(
                    "Bind for {}:{} failed: port is already allocated",
                    shown(w.host_ip),
                    w.host_port
                )));
            }
        }
        let mut links = Vec::new();
        for (i, (ep, rec, index)) in targets.iter().enumerate() {
            let ports = if i == 0 && !req.hot_plug {
                wanted.clone()
            } else {
                Vec::new()
            };
            let mut lease = ipam::plan_lease(
                &LeaseRequest {
                    network_id: rec.id.clone(),
                    container_id: req.container_id.to_string(),
                    container_name: req.container_name.to_string(),
                    aliases: ep.aliases.clone(),
                    ip: ep.ip,
                    host_veth: host_veth_name(req.container_id, &rec.id),
                    hosts_file: Some(req.hosts_file.to_path_buf()),
                    ports,
                },
                rec,
                leases,
                chrono::Utc::now(),
            )?;
            lease.owner_pid = req.owner.pid;
            lease.owner_start = req.owner.start;
            leases.push(lease.clone());
            links.push((lease, rec.clone(), *index));
        }
        write_names(req, &links, leases);
        Ok::<_, NetError>((links, stale))
    })?;
    undo_host_side(&stale, true);
    for p in req.ports {
        check_host_port(p).inspect_err(|_| {
            let _ = leave(req.root, req.container_id, None);
        })?;
    }
    let ports = match links.first() {
        Some((lease, _, _)) => req.ports.iter().map(|p| port_rule(p, lease.ip)).collect(),
        None => Vec::new(),
    };
    Ok(Joined {
        root: req.root.to_path_buf(),
        container_id: req.container_id.to_string(),
        links,
        ports,
    })
}

/// The container's own hosts file gets its addresses and its peers'; each
/// peer's gets the container's (user networks only: the default network
/// has no name resolution, as docker's).
fn write_names(req: &JoinRequest<'_>, links: &[(Lease, NetworkRecord, u32)], leases: &[Lease]) {
    let drop: Vec<Drop<'_>> = links
        .iter()
        .map(|(l, _, _)| Drop::Network(&l.network_id))
        .collect();
    let mut own = Vec::new();
    for (lease, rec, _) in links {
        let mut names = vec![req.hostname.to_string()];
        if rec.name != DEFAULT_NETWORK {
            names.extend(peer_names(lease));
        }
        names.dedup();
        own.push(entry(lease, names));
        if rec.name == DEFAULT_NETWORK {
            continue;
        }
        for peer in leases
            .iter()
            .filter(|p| p.network_id == lease.network_id && p.container_id != req.container_id)
        {
            own.push(entry(peer, peer_names(peer)));
            if let Some(f) = &peer.hosts_file {
                let _ = hosts::update_file(
                    f,
                    &[Drop::Entry {
                        container_id: req.container_id,
                        network_id: &lease.network_id,
                    }],
                    &[entry(lease, peer_names(lease))],
                );
            }
        }
    }
    if let (Some((lease, rec, _)), false) = (links.first(), req.hot_plug) {
        own.push(HostsEntry {
            ip: rec.gateway,
            names: vec![
                "host.containers.internal".to_string(),
                "host.docker.internal".to_string(),
            ],
            container_id: lease.container_id.clone(),
            network_id: lease.network_id.clone(),
        });
    }
    let _ = hosts::update_file(req.hosts_file, &drop, &own);
}

impl Joined {
    /// Called from the launcher's parent once the container's netns exists
    /// and before its command runs: veths, addresses, routes, ports.
    pub fn wire(&self, pid: i32) -> Result<()> {
        let mut host = Netlink::open()?;
        for (lease, _, bridge) in &self.links {
            host.create_veth(
                &lease.host_veth,
                *bridge,
                &lease.ifname,
                pid,
                parse_mac(&lease.mac),
            )?;
            // With br_netfilter, a container reaching its own published
            // port goes back out the port it came in on.
            if !self.ports.is_empty() {
                host.set_hairpin(&lease.host_veth, true)?;
            }
        }
        let mut inside = Netlink::open_in_netns_of(pid)?;
        for (i, (lease, rec, _)) in self.links.iter().enumerate() {
            let gateway =
                (i == 0 && lease.ifname == "eth0" && !rec.internal).then_some(rec.gateway);
            inside.configure_interface(
                &lease.ifname,
                lease.ip,
                rec.subnet.prefix_len(),
                gateway,
            )?;
        }
        if !self.ports.is_empty() {
            firewall::detect()?.add_ports(&self.ports)?;
        }
        Ok(())
    }

    pub fn leases(&self) -> impl Iterator<Item = &Lease> {
        self.links.iter().map(|(l, _, _)| l)
    }

    /// Undoes everything (the container stopped or failed to start).
    pub fn leave(&self) -> Result<()> {
        leave(&self.root, &self.container_id, None)
    }
}

fn parse_mac(s: &str) -> Option<[u8; 6]> {
    let mut out = [0u8; 6];
    let mut parts = s.split(':');
    for b in &mut out {
        *b = u8::from_str_radix(parts.next()?, 16).ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Releases a container's leases (on one network, or all), removes its
/// veths and port rules, and its names from its peers' /etc/hosts.
/// Idempotent: leaving twice, or after a sweep, is fine.
pub fn leave(root: &Path, container_id: &str, network_id: Option<&str>) -> Result<()> {
    release(root, container_id, network_id, true).map(|_| ())
}

/// [`leave`] for a container that has exited: its netns is gone or going,
/// and the kernel removes the veth pair with it. Deleting it here would
/// wait out an RCU grace period (~10 ms) on every `run --rm`; a restart
/// that finds the old veth still there removes it itself.
pub fn leave_exited(root: &Path, container_id: &str) -> Result<()> {
    release(root, container_id, None, false).map(|_| ())
}

/// [`leave`], plus every stale lease; returns how many were released.
fn release(
    root: &Path,
    container_id: &str,
    network_id: Option<&str>,
    delete_veths: bool,
) -> Result<usize> {
    let store = NetStore::new(root);
    let released = store.transaction(|_, leases| {
        let mut released = take_stale(leases);
        let (mine, rest): (Vec<Lease>, Vec<Lease>) =
            std::mem::take(leases).into_iter().partition(|l| {
                !container_id.is_empty()
                    && l.container_id == container_id
                    && network_id.is_none_or(|n| l.network_id == n)
            });
        *leases = rest;
        released.extend(mine);
        unpublish_names(&released, leases);
        Ok::<_, NetError>(released)
    })?;
    undo_host_side(&released, delete_veths);
    Ok(released.len())
}

/// Releases every lease whose supervisor is gone; returns how many.
/// Reads under the shared lock first, so it is cheap when nothing is stale.
pub fn sweep(root: &Path) -> Result<usize> {
    let store = NetStore::new(root);
    if !store
        .leases()?
        .iter()
        .any(|l| !Owner::alive(l.owner_pid, l.owner_start))
    {
        return Ok(0);
    }
    release(root, "", None, true)
}

/// Releases every lease of the store (`system reset`): veths, port rules
/// and /etc/hosts lines, whoever holds them.
pub fn release_all(root: &Path) -> Result<usize> {
    let store = NetStore::new(root);
    let released = store.transaction(|_, leases| Ok::<_, NetError>(std::mem::take(leases)))?;
    undo_host_side(&released, true);
    Ok(released.len())
}

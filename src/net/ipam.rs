//! Address management as pure functions over the stored records: checking
//! a `network create` request, choosing subnets from the pool, and leasing
//! addresses. [`super::store::NetStore`] calls these under its exclusive
//! lock, which is what makes the choices unique across processes.

use std::collections::{BTreeMap, HashSet};
use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use ipnet::Ipv4Net;

use super::store::{
    CreateNetwork, Lease, LeaseRequest, NetStoreError, NetworkRecord, Result, DEFAULT_BRIDGE,
    DEFAULT_NETWORK, PREDEFINED,
};

/// The default network's preferred subnet (podman's).
pub const DEFAULT_SUBNET: Ipv4Net = Ipv4Net::new_assert(Ipv4Addr::new(10, 88, 0, 0), 16);
/// User networks without `--subnet` get the first free /24 from
/// 10.89.0.0/24 upwards to 10.255.255.0/24 (podman's pool).
const POOL_FIRST: Ipv4Addr = Ipv4Addr::new(10, 89, 0, 0);
const POOL_LAST: Ipv4Addr = Ipv4Addr::new(10, 255, 255, 0);
const POOL_PREFIX: u8 = 24;
/// docker's option naming the Linux bridge.
pub const BRIDGE_NAME_OPTION: &str = "com.docker.network.bridge.name";
/// Linux limits interface names to 15 bytes (IFNAMSIZ minus the NUL).
const IFNAME_MAX: usize = 15;

/// Checks a `network create` request as docker does and returns the
/// record to store; `nets` are the stored networks.
pub fn plan_network(
    req: &CreateNetwork,
    nets: &[NetworkRecord],
    host_nets: &[Ipv4Net],
    id: String,
    now: DateTime<Utc>,
) -> Result<NetworkRecord> {
    check_name(&req.name)?;
    if PREDEFINED.contains(&req.name.as_str()) || nets.iter().any(|n| n.name == req.name) {
        return Err(NetStoreError::Conflict(format!(
            "network with name {} already exists",
            req.name
        )));
    }
    check_driver(&req.driver)?;
    let subnet = match req.subnet {
        Some(subnet) => {
            check_subnet(subnet)?;
            if let Some(why) = overlap(subnet, nets, host_nets) {
                return Err(NetStoreError::Conflict(format!(
                    "Pool overlaps with other one on this address space: {subnet} overlaps {why}; choose another --subnet"
                )));
            }
            subnet
        }
        None if req.gateway.is_some() || req.ip_range.is_some() => {
            return Err(NetStoreError::Invalid(
                "every ip-range or gateway must have a corresponding subnet: add --subnet"
                    .to_string(),
            ))
        }
        None => pool_subnet(nets, host_nets)?,
    };
    let gateway = match req.gateway {
        Some(gw) => {
            check_gateway(gw, subnet)?;
            gw
        }
        None => first_host(subnet),
    };
    if let Some(range) = req.ip_range {
        check_ip_range(range, subnet, gateway)?;
    }
    let bridge = match req.options.get(BRIDGE_NAME_OPTION) {
        Some(name) => {
            check_bridge_name(name, nets)?;
            name.clone()
        }
        None => format!("br-{}", id.get(..12).unwrap_or(&id)),
    };
    Ok(NetworkRecord {
        id,
        name: req.name.clone(),
        driver: "bridge".to_string(),
        bridge,
        subnet,
        gateway,
        ip_range: req.ip_range,
        internal: req.internal,
        labels: req.labels.clone(),
        options: req.options.clone(),
        created: now,
    })
}

/// The default `bridge` network: [`DEFAULT_SUBNET`] when it is free,
/// otherwise the pool's first free subnet.
pub fn plan_default(
    nets: &[NetworkRecord],
    host_nets: &[Ipv4Net],
    id: String,
    now: DateTime<Utc>,
    bridge: &str,
) -> Result<NetworkRecord> {
    let subnet = match overlap(DEFAULT_SUBNET, nets, host_nets) {
        None => DEFAULT_SUBNET,
        Some(_) => pool_subnet(nets, host_nets)?,
    };
    let options = BTreeMap::from([
        (
            "com.docker.network.bridge.default_bridge".to_string(),
            "true".to_string(),
        ),
        (BRIDGE_NAME_OPTION.to_string(), bridge.to_string()),
    ]);
    Ok(NetworkRecord {
        id,
        name: DEFAULT_NETWORK.to_string(),
        driver: "bridge".to_string(),
        bridge: bridge.to_string(),
        subnet,
        gateway: first_host(subnet),
        ip_range: None,
        internal: false,
        labels: BTreeMap::new(),
        options,
        created: now,
    })
}

/// The default network's bridge: `berth0` for the system store; any other
/// store (a `--root` of its own) gets a name derived from its path, since
/// bridges are host-wide and two stores must not share one.
pub fn default_bridge_name(root: &std::path::Path) -> String {
    use sha2::Digest;
    if root == std::path::Path::new("/var/lib/berth") {
        return DEFAULT_BRIDGE.to_string();
    }
    let digest = sha2::Sha256::digest(root.as_os_str().as_encoded_bytes());
    format!("bb{}", &hex::encode(digest)[..10])
}

/// docker's network name rule: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`.
pub fn check_name(name: &str) -> Result<()> {
    let mut bytes = name.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphanumeric());
    if first_ok && bytes.all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b)) {
        return Ok(());
    }
    Err(NetStoreError::Invalid(format!(
        "invalid network name {name:?}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
    )))
}

fn check_driver(driver: &str) -> Result<()> {
    match driver {
        "" | "bridge" => Ok(()),
        // docker's wording: these exist once, predefined.
        "host" | "null" => Err(NetStoreError::Invalid(format!(
            "only one instance of \"{driver}\" network is allowed"
        ))),
        other => Err(NetStoreError::Invalid(format!(
            "plugin \"{other}\" not found: berth creates only bridge networks (-d bridge)"
        ))),
    }
}

fn check_subnet(subnet: Ipv4Net) -> Result<()> {
    if subnet.trunc() != subnet {
        return Err(NetStoreError::Invalid(format!(
            "invalid subnet {subnet}: it should be {}",
            subnet.trunc()
        )));
    }
    // The gateway and one container need two addresses besides the
    // network and broadcast ones.
    if subnet.prefix_len() > 30 {
        return Err(NetStoreError::Invalid(format!(
            "subnet {subnet} is too small: it needs room for a gateway and a container; use a /30 or larger"
        )));
    }
    Ok(())
}

fn check_gateway(gw: Ipv4Addr, subnet: Ipv4Net) -> Result<()> {
    if !subnet.contains(&gw) {
        return Err(NetStoreError::Invalid(format!(
            "invalid gateway {gw}: it should be an address within subnet {subnet}"
        )));
    }
    if gw == subnet.network() || gw == subnet.broadcast() {
        return Err(NetStoreError::Invalid(format!(
            "invalid gateway {gw}: it is the network or broadcast address of {subnet}; use an address between them"
        )));
    }
    Ok(())
}

fn check_ip_range(range: Ipv4Net, subnet: Ipv4Net, gateway: Ipv4Addr) -> Result<()> {
    if range.trunc() != range {
        return Err(NetStoreError::Invalid(format!(
            "invalid ip-range {range}: it should be {}",
            range.trunc()
        )));
    }
    if !subnet.contains(&range) {
        return Err(NetStoreError::Invalid(format!(
            "invalid ip-range {range}: it should be within subnet {subnet}"
        )));
    }
    if usable(range, subnet, gateway).next().is_none() {
        return Err(NetStoreError::Invalid(format!(
            "invalid ip-range {range}: it holds no address for containers besides the gateway {gateway}"
        )));
    }
    Ok(())
}

fn check_bridge_name(name: &str, nets: &[NetworkRecord]) -> Result<()> {
    let bad_char = name
        .bytes()
        .any(|b| b == b'/' || b == b':' || b.is_ascii_whitespace() || b == 0);
    if name.is_empty() || name.len() > IFNAME_MAX || bad_char || name == "." || name == ".." {
        return Err(NetStoreError::Invalid(format!(
            "invalid {BRIDGE_NAME_OPTION} {name:?}: an interface name has 1 to {IFNAME_MAX} characters, without '/', ':' or spaces"
        )));
    }
    if name == DEFAULT_BRIDGE {
        return Err(NetStoreError::Conflict(format!(
            "bridge name {name} is reserved for berth's default network; choose another {BRIDGE_NAME_OPTION}"
        )));
    }
    if let Some(other) = nets.iter().find(|n| n.bridge == name) {
        return Err(NetStoreError::Conflict(format!(
            "bridge name {name} is already used by network {}; choose another {BRIDGE_NAME_OPTION}",
            other.name
        )));
    }
    Ok(())
}

/// Whether two subnets share any address.
pub fn overlaps(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// What `subnet` overlaps, described for an error message.
fn overlap(subnet: Ipv4Net, nets: &[NetworkRecord], host_nets: &[Ipv4Net]) -> Option<String> {
    if let Some(n) = nets.iter().find(|n| overlaps(n.subnet, subnet)) {
        return Some(format!("network {} ({})", n.name, n.subnet));
    }
    host_nets
        .iter()
        .find(|h| overlaps(**h, subnet))
        .map(|h| format!("the host route to {h}"))
}

/// The pool's first /24 that overlaps nothing.
fn pool_subnet(nets: &[NetworkRecord], host_nets: &[Ipv4Net]) -> Result<Ipv4Net> {
    let step = 1u32 << (32 - POOL_PREFIX);
    let mut addr = u32::from(POOL_FIRST);
    while addr <= u32::from(POOL_LAST) {
        let candidate = Ipv4Net::new_assert(Ipv4Addr::from(addr), POOL_PREFIX);
        if overlap(candidate, nets, host_nets).is_none() {
            return Ok(candidate);
        }
        addr += step;
    }
    Err(NetStoreError::Conflict(format!(
        "all predefined address pools have been fully subnetted ({POOL_FIRST}/{POOL_PREFIX} to {POOL_LAST}/{POOL_PREFIX}); remove unused networks (berth network prune) or give --subnet"
    )))
}

fn first_host(subnet: Ipv4Net) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(subnet.network()).saturating_add(1))
}

/// The addresses of `range` a container may get: inside `subnet`, not its
/// network or broadcast address, not the gateway.
fn usable(range: Ipv4Net, subnet: Ipv4Net, gateway: Ipv4Addr) -> impl Iterator<Item = Ipv4Addr> {
    let (first, last) = (u32::from(range.network()), u32::from(range.broadcast()));
    (first..=last)
        .map(Ipv4Addr::from)
        .filter(move |ip| *ip != subnet.network() && *ip != subnet.broadcast() && *ip != gateway)
}

/// Checks a lease request against the network and its current leases and
/// returns the lease to store:
/// - a container holds at most one lease per network;
/// - a requested address must be a container address of the subnet and free;
/// - otherwise the lowest free address after the gateway (in `--ip-range`
///   when the network has one), wrapping round to the lower ones.
pub fn plan_lease(
    req: &LeaseRequest,
    net: &NetworkRecord,
    leases: &[Lease],
    now: DateTime<Utc>,
) -> Result<Lease> {
    if leases
        .iter()
        .any(|l| l.network_id == net.id && l.container_id == req.container_id)
    {
        return Err(NetStoreError::Conflict(format!(
            "endpoint with name {} already exists in network {}",
            req.container_name, net.name
        )));
    }
    let used: HashSet<Ipv4Addr> = leases
        .iter()
        .filter(|l| l.network_id == net.id)
        .map(|l| l.ip)
        .collect();
    let ip = match req.ip {
        Some(ip) => {
            let usable_here = net.subnet.contains(&ip)
                && ip != net.subnet.network()
                && ip != net.subnet.broadcast()
                && ip != net.gateway;
            if !usable_here {
                return Err(NetStoreError::Invalid(format!(
                    "invalid address {ip}: it is not a container address of network {} ({}, gateway {})",
                    net.name, net.subnet, net.gateway
                )));
            }
            if used.contains(&ip) {
                return Err(NetStoreError::AddressInUse {
                    ip,
                    network: net.name.clone(),
                });
            }
            ip
        }
        None => free_address(net, &used).ok_or_else(|| NetStoreError::Exhausted {
            network: net.name.clone(),
            subnet: net.ip_range.unwrap_or(net.subnet),
        })?,
    };
    Ok(Lease {
        network_id: net.id.clone(),
        endpoint_id: hex::encode(rand::random::<[u8; 32]>()),
        container_id: req.container_id.clone(),
        container_name: req.container_name.clone(),
        aliases: req.aliases.clone(),
        ip,
        mac: mac_for(ip),
        host_veth: if req.host_veth.is_empty() {
            host_veth_name(&req.container_id, &net.id)
        } else {
            req.host_veth.clone()
        },
        ifname: next_ifname(&req.container_id, leases),
        hosts_file: req.hosts_file.clone(),
        ports: req.ports.clone(),
        created: now,
        owner_pid: 0,
        owner_start: 0,
    })
}

fn free_address(net: &NetworkRecord, used: &HashSet<Ipv4Addr>) -> Option<Ipv4Addr> {
    let range = net.ip_range.unwrap_or(net.subnet);
    let after_gateway = usable(range, net.subnet, net.gateway).filter(|ip| *ip > net.gateway);
    let before_gateway = usable(range, net.subnet, net.gateway).filter(|ip| *ip < net.gateway);
    after_gateway
        .chain(before_gateway)
        .find(|ip| !used.contains(ip))
}

/// docker's MAC for an address: `02:42:` (locally administered) and the
/// four address bytes, so a MAC is unique wherever the address is.
pub fn mac_for(ip: Ipv4Addr) -> String {
    let [a, b, c, d] = ip.octets();
    format!("02:42:{a:02x}:{b:02x}:{c:02x}:{d:02x}")
}

/// The lowest `ethN` the container does not use on another network yet.
pub fn next_ifname(container_id: &str, leases: &[Lease]) -> String {
    let taken: HashSet<&str> = leases
        .iter()
        .filter(|l| l.container_id == container_id)
        .map(|l| l.ifname.as_str())
        .collect();
    (0..)
        .map(|n| format!("eth{n}"))
        .find(|name| !taken.contains(name.as_str()))
        .unwrap_or_else(|| "eth0".to_string())
}

/// The host end of a container's veth on a network: `veth` and 11 hex
/// digits of a hash of both ids. Derived, not random, so whoever cleans up
/// after a crash can find it from the ids alone.
pub fn host_veth_name(container_id: &str, network_id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{container_id}/{network_id}"));
    let hex = hex::encode(digest);
    format!("veth{}", &hex[..IFNAME_MAX - 4])
}

#[cfg(test)]
#[path = "ipam_tests.rs"]
mod tests;

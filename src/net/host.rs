//! The host side of a network as a whole: its bridge and firewall rules.

use super::firewall::{self, NetworkRules};
use super::netlink::Netlink;
use super::store::{CreateNetwork, NetStore, NetworkRecord, DEFAULT_NETWORK};
use super::NetError;
use crate::events::Event;

/// Removes a network's bridge and rules (`network rm`, `system reset`).
/// Missing pieces are fine: a network that never had a container has no
/// bridge yet.
pub fn remove_host_side(rec: &NetworkRecord) -> Result<(), String> {
    let fw = firewall::detect().map_err(|e| e.to_string())?;
    fw.remove_network(&NetworkRules {
        bridge: rec.bridge.clone(),
        subnet: rec.subnet,
        internal: rec.internal,
    })
    .map_err(|e| e.to_string())?;
    let mut nl = Netlink::open().map_err(|e| e.to_string())?;
    nl.delete_link(&rec.bridge).map_err(|e| e.to_string())?;
    Ok(())
}

/// Serialises subnet choices across stores: each picks a subnet by looking
/// at the host's routes, and its bridge makes the choice visible to the
/// others, so the two happen under one host-wide lock.
fn host_lock() -> Option<std::fs::File> {
    use std::os::fd::AsRawFd;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open("/run/berth-networks.lock")
        .ok()?;
    // SAFETY: flock on an fd we own; the lock goes with the file.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
    (rc == 0).then_some(f)
}

fn host_nets() -> Result<Vec<ipnet::Ipv4Net>, NetError> {
    super::host_routes::host_subnets()
        .map_err(|e| NetError::Invalid(format!("read the host's routes from /proc/net/route: {e}")))
}

/// The bridge exists with its gateway address, so its subnet shows in the
/// host's routes. Only root creates bridges.
fn bring_up(rec: &NetworkRecord) -> Result<(), NetError> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(());
    }
    Netlink::open()?.ensure_bridge(&rec.bridge, rec.gateway, rec.subnet.prefix_len())?;
    Ok(())
}

/// The default network, created (with its bridge) on first use.
pub fn ensure_default(ns: &NetStore) -> Result<NetworkRecord, NetError> {
    if let Some(rec) = ns.list()?.into_iter().find(|n| n.name == DEFAULT_NETWORK) {
        return Ok(rec);
    }
    let _lock = host_lock();
    let rec = ns.ensure_default(&host_nets()?)?;
    bring_up(&rec)?;
    Ok(rec)
}

/// `network create`: the record, then its bridge (docker creates it at
/// once); a bridge that cannot be created leaves no record.
pub fn create_network(ns: &NetStore, req: CreateNetwork) -> Result<NetworkRecord, NetError> {
    let _lock = host_lock();
    let rec = ns.create(req, &host_nets()?)?;
    if let Err(e) = bring_up(&rec) {
        let _ = ns.remove_with(&rec.id, |_| Ok(()));
        return Err(e);
    }
    let created = Event::network("create", &rec.id, &rec.name, &rec.driver);
    crate::events::record(ns.root(), created);
    Ok(rec)
}

//! `system check` for networking: leases whose container is gone, veths
//! and published-port rules nothing owns any more.

use super::attach;
use super::firewall::{self, PortRule};
use super::netlink::Netlink;
use super::store::NetStore;
use super::Result;
use std::path::Path;

#[derive(Debug, Default)]
pub struct NetReport {
    /// Leases of dead supervisors, released whether or not repair was asked
    /// for: any network command would release them the same way, so they are
    /// the expected trace of a killed `berth`, not damage.
    pub released: Vec<String>,
    /// Found (and, with repair, removed).
    pub leftovers: Vec<String>,
}

/// Releases dead supervisors' leases and finds leftovers; with `repair`,
/// removes them. Only what belongs to this
/// store's networks is considered: other stores may share the host.
pub fn check(root: &Path, repair: bool) -> Result<NetReport> {
    let store = NetStore::new(root);
    let mut report = NetReport::default();
    let stale = store
        .leases()?
        .into_iter()
        .filter(|l| !attach::Owner::alive_pid(l.owner_pid, l.owner_start))
        .collect::<Vec<_>>();
    for l in &stale {
        let ports: Vec<String> = l
            .ports
            .iter()
            .map(|p| {
                let ip = p
                    .host_ip
                    .map_or_else(|| "0.0.0.0".to_string(), |i| i.to_string());
                format!("{ip}:{}/{}", p.host_port, p.proto)
            })
            .collect();
        let published = if ports.is_empty() {
            String::new()
        } else {
            format!(", published port {}", ports.join(", "))
        };
        report.released.push(format!(
            "released network lease {} of container {} (its supervisor is gone{published})",
            l.ip,
            &l.container_id[..12.min(l.container_id.len())]
        ));
    }
    if !stale.is_empty() {
        attach::sweep(root)?;
    }
    let networks = store.list()?;
    let leases = store.leases()?;
    let mut nl = Netlink::open()?;
    let links = nl.links()?;
    let bridges: Vec<u32> = links
        .iter()
        .filter(|l| networks.iter().any(|n| n.bridge == l.name))
        .map(|l| l.index)
        .collect();
    for link in links.iter().filter(|l| {
        l.kind.as_deref() == Some("veth")
            && l.master.is_some_and(|m| bridges.contains(&m))
            && !leases.iter().any(|x| x.host_veth == l.name)
    }) {
        report
            .leftovers
            .push(format!("veth {} with no lease", link.name));
        if repair {
            nl.delete_link(&link.name)?;
        }
    }
    if networks.is_empty() {
        return Ok(report);
    }
    let fw = firewall::detect()?;
    let orphans: Vec<PortRule> = fw
        .list_ports()?
        .into_iter()
        .filter(|r| networks.iter().any(|n| n.subnet.contains(&r.ctr_ip)))
        .filter(|r| {
            !leases.iter().any(|l| {
                l.ip == r.ctr_ip
                    && l.ports.iter().any(|p| {
                        p.host_port == r.host_port
                            && p.ctr_port == r.ctr_port
                            && p.proto == attach::proto_name(r.proto)
                    })
            })
        })
        .collect();
    for r in &orphans {
        report.leftovers.push(format!(
            "published port {}:{} -> {}:{} with no lease",
            r.host_ip
                .map_or_else(|| "0.0.0.0".to_string(), |i| i.to_string()),
            r.host_port,
            r.ctr_ip,
            r.ctr_port
        ));
    }
    if repair && !orphans.is_empty() {
        fw.remove_ports(&orphans)?;
    }
    Ok(report)
}

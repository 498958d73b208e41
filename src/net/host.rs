//! The host side of a network as a whole: its bridge and firewall rules.

use super::firewall::{self, NetworkRules};
use super::netlink::Netlink;
use super::store::NetworkRecord;

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

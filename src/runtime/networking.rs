//! The runtime's side of networking: which networks a container joins
//! (decided at create), and wiring them at each start through `net`.

use std::net::Ipv4Addr;
use std::path::Path;

use super::config::{ContainerConfig, NetworkConfig, NetworkJoin};
use super::error::{Result, RuntimeError};
use super::ports::{PortMapping, Protocol};
use super::spec::{NetworkMode, RunOptions};
use crate::events::{self, Event};
use crate::net::attach::{self, Endpoint, JoinRequest, Joined, Owner, PublishedPort};
use crate::net::firewall::Proto;
use crate::net::rootless::{self, ForwardedPort, RootlessNet, RootlessNetKind};
use crate::net::store::{NetStore, NetworkRecord};
use crate::net::NetError;
use crate::store::Store;

fn net_error(e: NetError) -> RuntimeError {
    RuntimeError::Setup(e.to_string())
}

/// `--network` as recorded: resolves network names to ids (creating the
/// default network's record on first use) and checks `--ip` and aliases.
pub fn resolve(store: &Store, run: &RunOptions) -> Result<NetworkConfig> {
    let mode = |m: &str| NetworkConfig {
        mode: m.to_string(),
        networks: Vec::new(),
    };
    let plain = !run.network_aliases.is_empty() || run.ip.is_some();
    let refuse_extras = |what: &str| -> Result<()> {
        if plain {
            return Err(RuntimeError::Invalid(format!(
                "--ip and --network-alias need a user-defined network, not --network {what}"
            )));
        }
        Ok(())
    };
    match &run.network {
        NetworkMode::None => return refuse_extras("none").map(|_| mode("none")),
        NetworkMode::Host => return refuse_extras("host").map(|_| mode("host")),
        NetworkMode::Container(c) => {
            return refuse_extras("container").map(|_| mode(&format!("container:{c}")))
        }
        NetworkMode::Bridge => {}
    }
    let first = run.networks.first().map_or("bridge", String::as_str);
    let user_mode = first.split(':').next().unwrap_or(first);
    if matches!(user_mode, "slirp4netns" | "pasta") {
        refuse_extras(user_mode)?;
        return Ok(mode(user_mode));
    }
    if store.paths().rootless {
        return Err(RuntimeError::Invalid(format!(
            "rootless containers cannot join bridge network {first:?}: use --network slirp4netns or --network pasta"
        )));
    }
    let ns = NetStore::new(store.root());
    let mut networks = Vec::new();
    for (i, name) in run.networks.iter().enumerate() {
        let rec = if name == attach::DEFAULT_NETWORK {
            crate::net::host::ensure_default(&ns)
        } else {
            ns.find(name).map_err(NetError::from)
        }
        .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
        let default = rec.name == attach::DEFAULT_NETWORK;
        if default && !run.network_aliases.is_empty() {
            return Err(RuntimeError::Invalid(
                "network-scoped alias is supported only for containers in user defined networks"
                    .into(),
            ));
        }
        let ip = if i == 0 { run.ip } else { None };
        if let Some(ip) = ip {
            if default {
                return Err(RuntimeError::Invalid(
                    "user specified IP address is supported on user defined networks only".into(),
                ));
            }
            if !rec.subnet.contains(&ip) {
                return Err(RuntimeError::Invalid(format!(
                    "invalid address {ip}: it does not belong to any of network {}'s subnets ({})",
                    rec.name, rec.subnet
                )));
            }
        }
        if networks.iter().any(|n: &NetworkJoin| n.id == rec.id) {
            continue;
        }
        networks.push(NetworkJoin {
            name: rec.name.clone(),
            id: rec.id.clone(),
            aliases: if default {
                Vec::new()
            } else {
                run.network_aliases.clone()
            },
            ip,
        });
    }
    Ok(NetworkConfig {
        mode: first.to_string(),
        networks,
    })
}

/// The gateway `host-gateway` and `host.containers.internal` point at.
pub fn host_gateway(store: &Store, net: &NetworkConfig) -> Option<Ipv4Addr> {
    if net.user_mode().is_some() {
        return Some(rootless::GATEWAY);
    }
    let first = net.networks.first()?;
    NetStore::new(store.root())
        .find(&first.id)
        .ok()
        .map(|r| r.gateway)
}

fn proto(p: Protocol) -> Proto {
    match p {
        Protocol::Tcp => Proto::Tcp,
        Protocol::Udp => Proto::Udp,
        Protocol::Sctp => Proto::Sctp,
    }
}

fn host_ip(m: &PortMapping) -> Result<Option<Ipv4Addr>> {
    if m.host_ip.is_empty() || m.host_ip == "0.0.0.0" {
        return Ok(None);
    }
    m.host_ip.parse().map(Some).map_err(|_| {
        RuntimeError::Invalid(format!(
            "cannot publish on {}: berth publishes IPv4 addresses only",
            m.host_ip
        ))
    })
}

/// A started container's network, kept by its supervisor until it stops.
#[derive(Debug)]
pub enum Attached {
    Bridge(Joined),
    UserMode(RootlessNet),
}

/// What the launcher's parent does once the container's netns exists.
pub enum Plan {
    None,
    Bridge(Joined),
    UserMode(RootlessNetKind, Vec<ForwardedPort>),
}

/// Takes the leases before the launch (errors here leave nothing behind).
pub fn prepare(store: &Store, id: &str, name: &str, config: &ContainerConfig) -> Result<Plan> {
    let net = &config.network;
    if let Some(m) = net.user_mode() {
        let kind = match m {
            "pasta" => RootlessNetKind::Pasta,
            _ => RootlessNetKind::Slirp4netns,
        };
        let ports = config
            .ports
            .iter()
            .map(|m| {
                Ok(ForwardedPort {
                    udp: m.protocol == Protocol::Udp,
                    host_ip: host_ip(m)?,
                    host_port: m.host_port,
                    ctr_port: m.container_port,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        return Ok(Plan::UserMode(kind, ports));
    }
    if net.networks.is_empty() {
        return Ok(Plan::None);
    }
    let endpoints: Vec<Endpoint> = net
        .networks
        .iter()
        .map(|n| Endpoint {
            network_id: n.id.clone(),
            network_name: n.name.clone(),
            aliases: n.aliases.clone(),
            ip: n.ip,
        })
        .collect();
    let ports = config
        .ports
        .iter()
        .map(|m| {
            Ok(PublishedPort {
                proto: proto(m.protocol),
                host_ip: host_ip(m)?,
                host_port: m.host_port,
                ctr_port: m.container_port,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let dir = store.container_dir(id);
    let hosts_file = dir.join("hosts");
    let joined = attach::join(&JoinRequest {
        root: store.root(),
        runroot: &store.paths().runroot,
        container_id: id,
        container_name: name,
        hostname: &config.hostname,
        endpoints: &endpoints,
        ports: &ports,
        hosts_file: &hosts_file,
        owner: Owner::me(),
        hot_plug: false,
    })
    .map_err(net_error)?;
    Ok(Plan::Bridge(joined))
}

impl Plan {
    /// Runs in the launcher's parent before the container's command execs.
    pub fn wire(
        &self,
        pid: i32,
        started: &std::sync::Mutex<Option<Attached>>,
    ) -> std::result::Result<(), String> {
        match self {
            Plan::None => Ok(()),
            Plan::Bridge(j) => j.wire(pid).map_err(|e| e.to_string()),
            Plan::UserMode(kind, ports) => {
                let net = rootless::start(*kind, pid, ports).map_err(|e| e.to_string())?;
                if let Ok(mut slot) = started.lock() {
                    *slot = Some(Attached::UserMode(net));
                }
                Ok(())
            }
        }
    }

    /// The launch failed: undo what `prepare` took.
    pub fn abandon(self, root: &Path, id: &str) {
        if let Plan::Bridge(_) = self {
            let _ = attach::leave(root, id, None);
        }
    }

    pub fn into_attached(self, started: Option<Attached>) -> Option<Attached> {
        match self {
            Plan::Bridge(j) => Some(Attached::Bridge(j)),
            _ => started,
        }
    }
}

/// The container stopped: release its network (idempotent).
pub fn release(store: &Store, id: &str, attached: Option<&Attached>) {
    match attached {
        Some(Attached::UserMode(net)) => net.stop(),
        Some(Attached::Bridge(_)) => {
            let _ = attach::leave_exited(store.root(), id);
        }
        None => {}
    }
}

/// docker's `NetworkSettings` minus `Ports`: the addresses the container
/// holds now (empty while it is stopped, as docker's).
pub fn settings_json(store: &Store, id: &str, net: &NetworkConfig) -> serde_json::Value {
    use serde_json::json;
    let ns = NetStore::new(store.root());
    let leases = ns.leases().unwrap_or_default();
    let mut networks = serde_json::Map::new();
    let mut top =
        json!({"IPAddress": "", "IPPrefixLen": 0, "Gateway": "", "MacAddress": "", "Bridge": ""});
    for (i, join) in net.networks.iter().enumerate() {
        let lease = leases
            .iter()
            .find(|l| l.container_id == id && l.network_id == join.id);
        let rec = ns.find(&join.id).ok();
        let (ip, prefix, gw, mac) = match (lease, &rec) {
            (Some(l), Some(r)) => (
                l.ip.to_string(),
                r.subnet.prefix_len(),
                r.gateway.to_string(),
                l.mac.clone(),
            ),
            _ => (String::new(), 0, String::new(), String::new()),
        };
        if i == 0 && lease.is_some() {
            top = json!({
                "IPAddress": ip, "IPPrefixLen": prefix, "Gateway": gw, "MacAddress": mac,
                "Bridge": rec.as_ref().map(|r| r.bridge.clone()).unwrap_or_default(),
            });
        }
        let mut aliases = join.aliases.clone();
        if join.name != attach::DEFAULT_NETWORK {
            aliases.push(id.get(..12).unwrap_or(id).to_string());
        }
        networks.insert(
            join.name.clone(),
            json!({
                "IPAMConfig": join.ip.map(|ip| json!({"IPv4Address": ip.to_string()})),
                "Links": null,
                "Aliases": if aliases.is_empty() { serde_json::Value::Null } else { json!(aliases) },
                "MacAddress": mac,
                "NetworkID": join.id,
                "EndpointID": lease.map(|l| l.host_veth.clone()).unwrap_or_default(),
                "Gateway": gw,
                "IPAddress": ip,
                "IPPrefixLen": prefix,
                "IPv6Gateway": "",
                "GlobalIPv6Address": "",
                "GlobalIPv6PrefixLen": 0,
                "DriverOpts": null,
                "DNSNames": null,
            }),
        );
    }
    if matches!(net.mode.as_str(), "none" | "host") {
        networks.insert(
            net.mode.clone(),
            json!({"IPAMConfig": null, "Links": null, "Aliases": null, "MacAddress": "", "NetworkID": "", "EndpointID": "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "DriverOpts": null, "DNSNames": null}),
        );
    }
    top["Networks"] = serde_json::Value::Object(networks);
    top["SandboxID"] = json!("");
    top
}

/// `network connect`: records the network and, when the container runs,
/// plugs it in now (the lease belongs to the container's supervisor).
pub fn connect(
    store: &Store,
    entry: &crate::store::containers::ContainerEntry,
    network: &str,
    aliases: &[String],
    ip: Option<Ipv4Addr>,
) -> Result<()> {
    let config = super::engine::load_config(store, &entry.id)?;
    if config.network.user_mode().is_some()
        || matches!(config.network.mode.as_str(), "none" | "host")
        || config.network.mode.starts_with("container:")
    {
        return Err(RuntimeError::Invalid(format!(
            "container sharing network mode {} cannot be connected to a network",
            config.network.mode
        )));
    }
    let ns = NetStore::new(store.root());
    let rec = if network == attach::DEFAULT_NETWORK {
        crate::net::host::ensure_default(&ns)
    } else {
        ns.find(network).map_err(NetError::from)
    }
    .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
    if config.network.networks.iter().any(|n| n.id == rec.id) {
        return Err(RuntimeError::Invalid(format!(
            "endpoint with name {} already exists in network {}",
            entry.name, rec.name
        )));
    }
    let join = NetworkJoin {
        name: rec.name.clone(),
        id: rec.id.clone(),
        aliases: aliases.to_vec(),
        ip,
    };
    if entry.state.status.is_active() && entry.state.pid > 0 {
        let hosts_file = store.container_dir(&entry.id).join("hosts");
        let joined = attach::join(&JoinRequest {
            root: store.root(),
            runroot: &store.paths().runroot,
            container_id: &entry.id,
            container_name: &entry.name,
            hostname: &config.hostname,
            endpoints: &[Endpoint {
                network_id: rec.id.clone(),
                network_name: rec.name.clone(),
                aliases: aliases.to_vec(),
                ip,
            }],
            ports: &[],
            hosts_file: &hosts_file,
            owner: Owner {
                pid: entry.state.monitor_pid,
                start: entry.state.monitor_start,
            },
            hot_plug: true,
        })
        .map_err(net_error)?;
        if let Err(e) = joined.wire(entry.state.pid) {
            let _ = attach::leave(store.root(), &entry.id, Some(&rec.id));
            return Err(net_error(e));
        }
    }
    update_networks(store, &entry.id, |n| n.networks.push(join))?;
    record_membership(store, "connect", &rec, &entry.id);
    Ok(())
}

/// `network disconnect`: unplugs a running container and forgets the network.
pub fn disconnect(
    store: &Store,
    entry: &crate::store::containers::ContainerEntry,
    network: &str,
) -> Result<()> {
    let config = super::engine::load_config(store, &entry.id)?;
    let ns = NetStore::new(store.root());
    let rec = ns
        .find(network)
        .map_err(|e| RuntimeError::Invalid(NetError::from(e).to_string()))?;
    if !config.network.networks.iter().any(|n| n.id == rec.id) {
        return Err(RuntimeError::Invalid(format!(
            "container {} is not connected to network {}",
            entry.name, rec.name
        )));
    }
    attach::leave(store.root(), &entry.id, Some(&rec.id)).map_err(net_error)?;
    update_networks(store, &entry.id, |n| n.networks.retain(|j| j.id != rec.id))?;
    record_membership(store, "disconnect", &rec, &entry.id);
    Ok(())
}

/// docker's network `connect`/`disconnect` events: the network is the
/// actor, the container an attribute.
fn record_membership(store: &Store, action: &str, rec: &NetworkRecord, container: &str) {
    let event =
        Event::network(action, &rec.id, &rec.name, &rec.driver).attr("container", container);
    events::record(store.root(), event);
}

fn update_networks(store: &Store, id: &str, f: impl FnOnce(&mut NetworkConfig)) -> Result<()> {
    let mut names = Vec::new();
    store.update_container_file(id, |file| {
        let mut config: ContainerConfig =
            serde_json::from_value(file.config.clone()).map_err(|e| {
                crate::store::StoreError::Invalid(format!("container {id} config: {e}"))
            })?;
        f(&mut config.network);
        names = config
            .network
            .networks
            .iter()
            .map(|n| n.name.clone())
            .collect();
        if names.is_empty() {
            names.push("none".to_string());
        }
        file.config = serde_json::to_value(&config)
            .map_err(|e| crate::store::StoreError::Invalid(e.to_string()))?;
        Ok(())
    })?;
    store.update_container(id, |e| {
        e.networks = names;
        Ok(())
    })?;
    Ok(())
}

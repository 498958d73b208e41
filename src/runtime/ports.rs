//! Port publishing, the parse-and-record half: `-p`/`--publish`, `-P` and
//! `--expose` become a list of [`PortMapping`]s chosen at create, recorded
//! with the container, and shown as docker shows them (`ps` PORTS,
//! `inspect`'s `HostConfig.PortBindings` and `NetworkSettings.Ports`,
//! `berth port`).
//!
//! Nothing here forwards traffic: that arrives with the networking work
//! (`src/net`), which reads the same recorded list. Until then a published
//! port is a promise in the record, not a listening socket.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, TcpListener, UdpSocket};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A transport protocol docker accepts in `80/udp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }

    fn parse(s: &str) -> Option<Protocol> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Some(Protocol::Tcp),
            "udp" => Some(Protocol::Udp),
            "sctp" => Some(Protocol::Sctp),
            _ => None,
        }
    }
}

/// A container port and protocol, docker's `80/tcp` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ContainerPort {
    pub port: u16,
    pub protocol: Protocol,
}

impl ContainerPort {
    /// `80`, `80/udp` (tcp when no protocol is given, as docker).
    pub fn parse(s: &str) -> Result<ContainerPort, PortError> {
        let (port, proto) = split_proto(s);
        let protocol = Protocol::parse(proto).ok_or_else(|| PortError::Proto(proto.into()))?;
        let port = port
            .parse()
            .map_err(|_| PortError::ContainerPort(port.into()))?;
        Ok(ContainerPort { port, protocol })
    }
}

impl std::fmt::Display for ContainerPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.port, self.protocol.as_str())
    }
}

/// One published port: host address and port → container port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortMapping {
    /// Empty: every host address (shown as docker shows it, `0.0.0.0`).
    #[serde(default)]
    pub host_ip: String,
    pub host_port: u16,
    pub container_port: u16,
    pub protocol: Protocol,
    /// The user left the host port to berth (`-P`, `-p 80`): docker shows
    /// `HostPort: ""` in `HostConfig.PortBindings` for these.
    #[serde(default)]
    pub random: bool,
    /// Published by `-P` only: absent from `HostConfig.PortBindings`, as docker.
    #[serde(default)]
    pub publish_all: bool,
}

impl PortMapping {
    pub fn container(&self) -> ContainerPort {
        ContainerPort {
            port: self.container_port,
            protocol: self.protocol,
        }
    }

    /// The host address as docker prints it.
    pub fn shown_ip(&self) -> &str {
        if self.host_ip.is_empty() {
            "0.0.0.0"
        } else {
            &self.host_ip
        }
    }

    /// `0.0.0.0:8080`, or `[::1]:8080` for IPv6.
    pub fn host_addr(&self) -> String {
        let ip = self.shown_ip();
        if ip.contains(':') {
            format!("[{ip}]:{}", self.host_port)
        } else {
            format!("{ip}:{}", self.host_port)
        }
    }
}

/// docker's parse errors, with docker's wording.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PortError {
    #[error("invalid IP address: {0}")]
    Ip(String),
    #[error("no port specified: {0}<empty>")]
    NoPort(String),
    #[error("invalid containerPort: {0}")]
    ContainerPort(String),
    #[error("invalid hostPort: {0}")]
    HostPort(String),
    #[error("invalid ranges specified for container and host Ports: {0} and {1}")]
    Ranges(String, String),
    #[error("invalid proto: {0}")]
    Proto(String),
    #[error("invalid range format for --expose: {0}, error: {1}")]
    Expose(String, String),
    #[error("no free host port for {0} in {1}; free one or pick another range")]
    NoFreePort(String, String),
    #[error("finding a free host port for {0}: {1}")]
    Probe(String, String),
}

/// `-p` before host ports are chosen: container ports `first..=last`, host
/// ports either the same-length range, a range to pick one port from, or
/// none (random).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishSpec {
    pub host_ip: String,
    pub host_range: Option<(u16, u16)>,
    pub container_range: (u16, u16),
    pub protocol: Protocol,
}

/// docker's `SplitProtoPort`: `80/udp` → ("80", "udp"); no proto is tcp.
fn split_proto(s: &str) -> (&str, &str) {
    match s.split_once('/') {
        None => (s, "tcp"),
        Some((p, "")) => (p, "tcp"),
        Some((p, proto)) => (p, proto.split('/').next().unwrap_or(proto)),
    }
}

/// docker's `ParsePortRange`: `80` or `8000-8010`.
fn parse_range(s: &str) -> Result<(u16, u16), String> {
    if s.is_empty() {
        return Err("empty string specified for ports".into());
    }
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: u16 = a.parse().map_err(|e| format!("{e}"))?;
    let b: u16 = b.parse().map_err(|e| format!("{e}"))?;
    if b < a {
        return Err(format!("invalid range specified for port: {s}"));
    }
    Ok((a, b))
}

/// One `-p [ip:][hostPort:]containerPort[/proto]` value (ranges allowed).
pub fn parse_publish(raw: &str) -> Result<PublishSpec, PortError> {
    let parts: Vec<&str> = raw.split(':').collect();
    let n = parts.len();
    let (ip, host, container) = match n {
        1 => ("".to_string(), "", parts[0]),
        2 => ("".to_string(), parts[0], parts[1]),
        _ => (parts[..n - 2].join(":"), parts[n - 2], parts[n - 1]),
    };
    let (container, proto) = if container.is_empty() || container.starts_with('/') {
        ("", "")
    } else {
        split_proto(container)
    };
    let ip = match ip.strip_prefix('[').and_then(|i| i.strip_suffix(']')) {
        Some(v6) => v6.to_string(),
        None => ip,
    };
    if !ip.is_empty() && ip.parse::<IpAddr>().is_err() {
        return Err(PortError::Ip(ip));
    }
    if container.is_empty() {
        return Err(PortError::NoPort(raw.to_string()));
    }
    let container_range =
        parse_range(container).map_err(|_| PortError::ContainerPort(container.into()))?;
    let host_range = if host.is_empty() {
        None
    } else {
        Some(parse_range(host).map_err(|_| PortError::HostPort(host.into()))?)
    };
    if let Some((hs, he)) = host_range {
        let (cs, ce) = container_range;
        // A host range with one container port is a range to pick from.
        if he - hs != ce - cs && ce != cs {
            return Err(PortError::Ranges(container.into(), host.into()));
        }
    }
    let protocol = Protocol::parse(proto).ok_or_else(|| PortError::Proto(proto.into()))?;
    Ok(PublishSpec {
        host_ip: ip,
        host_range,
        container_range,
        protocol,
    })
}

/// One `--expose 80[-90][/proto]` value.
pub fn parse_expose(raw: &str) -> Result<Vec<ContainerPort>, PortError> {
    let (range, proto) = split_proto(raw);
    let protocol = Protocol::parse(proto).ok_or_else(|| PortError::Proto(proto.into()))?;
    let (a, b) = parse_range(range).map_err(|e| PortError::Expose(raw.into(), e))?;
    Ok((a..=b)
        .map(|port| ContainerPort { port, protocol })
        .collect())
}

/// The ports an image's `ExposedPorts` object names (`{"80/tcp": {}}`).
pub fn exposed_from_json(v: &Value) -> Vec<ContainerPort> {
    v.as_object()
        .map(|m| {
            m.keys()
                .filter_map(|k| ContainerPort::parse(k).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Turns `-p` specs and `-P` into mappings. `exposed` is every exposed port
/// (image, `--expose`); `-P` publishes those not already published. Random
/// host ports come from `pick(protocol, range)`, which must not repeat.
pub fn plan(
    publish: &[PublishSpec],
    publish_all: bool,
    exposed: &[ContainerPort],
    pick: &mut dyn FnMut(Protocol, Option<(u16, u16)>) -> Result<u16, PortError>,
) -> Result<Vec<PortMapping>, PortError> {
    let mut out = Vec::new();
    for p in publish {
        let (cs, ce) = p.container_range;
        for (i, port) in (cs..=ce).enumerate() {
            let (host_port, random) = match p.host_range {
                Some((hs, he)) if he - hs == ce - cs => (hs + i as u16, false),
                Some((hs, he)) => (pick(p.protocol, Some((hs, he)))?, false),
                None => (pick(p.protocol, None)?, true),
            };
            out.push(PortMapping {
                host_ip: p.host_ip.clone(),
                host_port,
                container_port: port,
                protocol: p.protocol,
                random: random || host_port == 0,
                publish_all: false,
            });
        }
    }
    // Host port 0 means "any", as docker.
    for m in out.iter_mut().filter(|m| m.host_port == 0) {
        m.host_port = pick(m.protocol, None)?;
    }
    if publish_all {
        let published: BTreeSet<ContainerPort> = out.iter().map(PortMapping::container).collect();
        let wanted: BTreeSet<ContainerPort> = exposed.iter().copied().collect();
        for c in wanted.difference(&published) {
            out.push(PortMapping {
                host_ip: String::new(),
                host_port: pick(c.protocol, None)?,
                container_port: c.port,
                protocol: c.protocol,
                random: true,
                publish_all: true,
            });
        }
    }
    Ok(out)
}

/// Finds free host ports by binding and holding them until dropped, so one
/// create never hands out a port twice; `taken` are ports other containers
/// have recorded (docker would refuse those at start).
pub struct PortPicker {
    taken: BTreeSet<(Protocol, u16)>,
    held_tcp: Vec<TcpListener>,
    held_udp: Vec<UdpSocket>,
}

impl PortPicker {
    pub fn new(taken: impl IntoIterator<Item = (Protocol, u16)>) -> PortPicker {
        PortPicker {
            taken: taken.into_iter().collect(),
            held_tcp: Vec::new(),
            held_udp: Vec::new(),
        }
    }

    fn try_bind(&mut self, protocol: Protocol, port: u16) -> std::io::Result<u16> {
        let addr = (IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        // SCTP has no std socket; a TCP probe finds a port unused by anyone.
        let got = match protocol {
            Protocol::Udp => {
                let s = UdpSocket::bind(addr)?;
                let p = s.local_addr()?.port();
                self.held_udp.push(s);
                p
            }
            Protocol::Tcp | Protocol::Sctp => {
                let s = TcpListener::bind(addr)?;
                let p = s.local_addr()?.port();
                self.held_tcp.push(s);
                p
            }
        };
        Ok(got)
    }

    /// A free port, in `range` when given, else from the kernel's ephemeral range.
    pub fn pick(
        &mut self,
        protocol: Protocol,
        range: Option<(u16, u16)>,
    ) -> Result<u16, PortError> {
        let what = protocol.as_str().to_string();
        match range {
            Some((a, b)) => {
                for port in a..=b {
                    if port == 0 || self.taken.contains(&(protocol, port)) {
                        continue;
                    }
                    if let Ok(p) = self.try_bind(protocol, port) {
                        self.taken.insert((protocol, p));
                        return Ok(p);
                    }
                }
                Err(PortError::NoFreePort(what, format!("{a}-{b}")))
            }
            None => {
                for _ in 0..64 {
                    let p = self
                        .try_bind(protocol, 0)
                        .map_err(|e| PortError::Probe(what.clone(), e.to_string()))?;
                    if self.taken.insert((protocol, p)) {
                        return Ok(p);
                    }
                }
                Err(PortError::NoFreePort(what, "the ephemeral range".into()))
            }
        }
    }
}

/// docker's `HostConfig.PortBindings`: what the user asked for (`HostPort`
/// empty where berth chose).
pub fn port_bindings_json(ports: &[PortMapping]) -> Value {
    let mut map: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for m in ports.iter().filter(|m| !m.publish_all) {
        map.entry(m.container().to_string())
            .or_default()
            .push(json!({
                "HostIp": m.host_ip,
                "HostPort": if m.random { String::new() } else { m.host_port.to_string() },
            }));
    }
    json!(map)
}

/// docker's `NetworkSettings.Ports`: every exposed or published port, with
/// its host bindings, or null when only exposed.
pub fn network_ports_json(ports: &[PortMapping], exposed: &[ContainerPort]) -> Value {
    let mut map: BTreeMap<String, Value> = BTreeMap::new();
    for c in exposed {
        map.insert(c.to_string(), Value::Null);
    }
    for m in ports {
        let entry = map.entry(m.container().to_string()).or_insert(Value::Null);
        if !entry.is_array() {
            *entry = json!([]);
        }
        if let Some(list) = entry.as_array_mut() {
            list.push(json!({"HostIp": m.shown_ip(), "HostPort": m.host_port.to_string()}));
        }
    }
    json!(map)
}

/// docker's `ps` PORTS pieces (joined with ", "): unpublished exposed
/// ports and same-number mappings grouped into ranges, then the others.
pub fn display(ports: &[PortMapping], exposed: &[ContainerPort]) -> Vec<String> {
    // (private, ip, public, proto) as docker's comparePorts orders them.
    let mut rows: Vec<(u16, String, u16, Protocol)> = ports
        .iter()
        .map(|m| {
            (
                m.container_port,
                m.shown_ip().to_string(),
                m.host_port,
                m.protocol,
            )
        })
        .collect();
    let published: BTreeSet<ContainerPort> = ports.iter().map(PortMapping::container).collect();
    let unpublished: BTreeSet<ContainerPort> = exposed.iter().copied().collect();
    for c in unpublished.difference(&published) {
        rows.push((c.port, String::new(), 0, c.protocol));
    }
    rows.sort();
    let mut groups: Vec<(String, u16, u16)> = Vec::new();
    let mut open: BTreeMap<String, usize> = BTreeMap::new();
    let mut finished = Vec::new();
    let mut mappings = Vec::new();
    for (private, ip, public, proto) in rows {
        let key = if ip.is_empty() {
            proto.as_str().to_string()
        } else if public != private {
            let host = if ip.contains(':') {
                format!("[{ip}]:{public}")
            } else {
                format!("{ip}:{public}")
            };
            mappings.push(format!("{host}->{private}/{}", proto.as_str()));
            continue;
        } else {
            format!("{ip}/{}", proto.as_str())
        };
        match open.get(&key).copied() {
            Some(i) if groups[i].2.checked_add(1) == Some(private) => groups[i].2 = private,
            Some(i) => {
                finished.push(form_group(&groups[i]));
                groups[i] = (key.clone(), private, private);
            }
            None => {
                open.insert(key.clone(), groups.len());
                groups.push((key, private, private));
            }
        }
    }
    finished.extend(groups.iter().map(form_group));
    finished.extend(mappings);
    finished
}

/// The host ports a `ps` PORTS piece (`0.0.0.0:8000-8001->80-81/tcp`) holds.
pub fn host_ports_of(piece: &str) -> Vec<(Protocol, u16)> {
    let Some((host, container)) = piece.split_once("->") else {
        return Vec::new();
    };
    let proto = container
        .rsplit_once('/')
        .and_then(|(_, p)| Protocol::parse(p))
        .unwrap_or(Protocol::Tcp);
    let range = host.rsplit_once(':').map(|(_, r)| r).unwrap_or(host);
    match parse_range(range) {
        Ok((a, b)) => (a..=b).map(|p| (proto, p)).collect(),
        Err(_) => Vec::new(),
    }
}

fn form_group((key, first, last): &(String, u16, u16)) -> String {
    let (ip, proto) = match key.rsplit_once('/') {
        Some((ip, proto)) => (ip, proto),
        None => ("", key.as_str()),
    };
    let mut group = first.to_string();
    if first != last {
        group = format!("{group}-{last}");
    }
    if !ip.is_empty() {
        group = format!("{ip}:{group}->{group}");
    }
    format!("{group}/{proto}")
}

/// `berth port CONTAINER [PRIVATE_PORT[/PROTO]]`: the lines docker prints,
/// or None when the asked-for port is not published.
pub fn port_lines(ports: &[PortMapping], private: Option<&ContainerPort>) -> Option<Vec<String>> {
    let mut sorted = ports.to_vec();
    sorted.sort_by(|a, b| {
        (a.container_port, a.protocol, a.shown_ip(), a.host_port).cmp(&(
            b.container_port,
            b.protocol,
            b.shown_ip(),
            b.host_port,
        ))
    });
    match private {
        None => Some(
            sorted
                .iter()
                .map(|m| format!("{} -> {}", m.container(), m.host_addr()))
                .collect(),
        ),
        Some(c) => {
            let lines: Vec<String> = sorted
                .iter()
                .filter(|m| m.container() == *c)
                .map(PortMapping::host_addr)
                .collect();
            (!lines.is_empty()).then_some(lines)
        }
    }
}

#[cfg(test)]
#[path = "ports_tests.rs"]
mod tests;

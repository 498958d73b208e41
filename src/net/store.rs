//! Network records and address leases: the net module's files under
//! `<root>/networks/`.
//!
//! - `networks.json`: `Vec<NetworkRecord>`, fsynced (a network is
//!   configuration the user created and expects to survive a power cut).
//! - `leases.json`: `Vec<Lease>`, not fsynced: runtime state like a
//!   container's, rewritten on every start and stop, and re-derived from the
//!   live containers after a crash.
//! - `networks.lock`: `flock` shared to read, exclusive to write. Every
//!   read-modify-write of either file happens under the exclusive lock, so
//!   concurrent `berth` processes never hand out one name, subnet or
//!   address twice.
//!
//! Lock order: containers → networks. The networks lock may be taken while
//! the containers lock is held, never the other way round.

use std::collections::BTreeMap;
use std::io;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use ipnet::Ipv4Net;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use super::ipam;
use crate::store::atomic::{write_atomic, write_atomic_unsynced};
use crate::store::lock::{Held, StoreLock, WriteGuard};

/// The default network's name, as docker's.
pub const DEFAULT_NETWORK: &str = "bridge";
/// The default network's Linux bridge.
pub const DEFAULT_BRIDGE: &str = "berth0";
/// Networks every engine has and no one creates or removes (`host` and
/// `none` are never stored; see [`builtin_id`]).
pub const PREDEFINED: [&str; 3] = ["bridge", "host", "none"];

/// One network, as created by `network create` (or the default `bridge`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkRecord {
    /// 64 hex digits.
    pub id: String,
    pub name: String,
    /// Always `bridge`.
    pub driver: String,
    /// The Linux interface: `berth0` for the default network,
    /// `br-<first 12 of id>` for user networks (or the
    /// `com.docker.network.bridge.name` option).
    pub bridge: String,
    #[serde(with = "net_text")]
    pub subnet: Ipv4Net,
    pub gateway: Ipv4Addr,
    /// `--ip-range`: containers get addresses from here only.
    #[serde(
        default,
        with = "opt_net_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub ip_range: Option<Ipv4Net>,
    /// `--internal`: no route out of the host (no NAT, no publishing).
    pub internal: bool,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// `-o`/`--opt` driver options.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    pub created: DateTime<Utc>,
}

impl NetworkRecord {
    /// The first 12 digits of the id, as `network ls` shows it.
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }
}

/// One published port of a lease (`-p`), kept so the firewall rules can be
/// removed by whoever releases the lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeasePort {
    /// `tcp`, `udp` or `sctp`.
    pub proto: String,
    pub host_ip: Option<Ipv4Addr>,
    pub host_port: u16,
    pub ctr_port: u16,
}

/// One container's address on one network (docker's endpoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lease {
    pub network_id: String,
    /// 64 hex digits, as `inspect` shows as the network's `EndpointID`.
    #[serde(default)]
    pub endpoint_id: String,
    pub container_id: String,
    pub container_name: String,
    /// `--network-alias` names, resolvable by the network's other containers.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub ip: Ipv4Addr,
    /// `02:42:` followed by the address's four bytes, as docker derives it.
    pub mac: String,
    /// The host end of the veth pair.
    pub host_veth: String,
    /// The interface inside the container: `eth0`, `eth1`, …
    pub ifname: String,
    /// The container's /etc/hosts, rewritten as peers come and go.
    #[serde(default)]
    pub hosts_file: Option<PathBuf>,
    #[serde(default)]
    pub ports: Vec<LeasePort>,
    pub created: DateTime<Utc>,
    /// The process that supervises the container and releases the lease;
    /// when it is gone (with its start time, so a reused pid does not
    /// count), the lease is stale and the next `berth` sweeps it.
    #[serde(default)]
    pub owner_pid: i32,
    #[serde(default)]
    pub owner_start: u64,
}

/// What `network create` asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreateNetwork {
    pub name: String,
    pub driver: String,
    pub subnet: Option<Ipv4Net>,
    pub gateway: Option<Ipv4Addr>,
    pub ip_range: Option<Ipv4Net>,
    pub internal: bool,
    pub labels: BTreeMap<String, String>,
    pub options: BTreeMap<String, String>,
}

/// What a container asks for when it joins a network.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeaseRequest {
    /// The network's full id (a name or unique id prefix also resolves).
    pub network_id: String,
    pub container_id: String,
    pub container_name: String,
    pub aliases: Vec<String>,
    /// `--ip`: this address or an error; `None` takes the first free one.
    pub ip: Option<Ipv4Addr>,
    /// The host end of the veth pair; empty for [`ipam::host_veth_name`].
    pub host_veth: String,
    pub hosts_file: Option<PathBuf>,
    pub ports: Vec<LeasePort>,
}

/// Why a network operation failed. `NotFound`, `InUse`, `Exhausted` and
/// `AddressInUse` are what callers branch on (`run` exits 125 on each).
#[derive(Debug, thiserror::Error)]
pub enum NetStoreError {
    #[error("{op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// docker's wording.
    #[error("network {0} not found")]
    NotFound(String),
    #[error("network {0} is ambiguous ({1} matches found based on ID prefix); give more characters of the id, or the name")]
    Ambiguous(String, usize),
    /// docker's wording; `network` is the name.
    #[error("error while removing network: network {name} id {id} has active endpoints; stop or disconnect its containers first ({})", containers.join(", "))]
    InUse {
        name: String,
        id: String,
        containers: Vec<String>,
    },
    #[error("no available IPv4 addresses on network {network} ({subnet}): every address is leased; remove a container from it, or use a network with a larger --subnet")]
    Exhausted { network: String, subnet: Ipv4Net },
    #[error(
        "address {ip} is already in use on network {network}; choose another --ip or leave it out"
    )]
    AddressInUse { ip: Ipv4Addr, network: String },
    /// Docker's wording for a taken name, an overlapping pool, a container
    /// already on the network.
    #[error("{0}")]
    Conflict(String),
    /// Bad input, in docker's wording where docker has one.
    #[error("{0}")]
    Invalid(String),
    #[error("corrupt network file {}: {detail}; fix or remove it (removing leases.json forgets current addresses; restart the containers)", path.display())]
    Corrupt { path: PathBuf, detail: String },
    /// The bridge or firewall rules of a network could not be removed.
    #[error("remove network {name}: {detail}")]
    HostSide { name: String, detail: String },
}

pub type Result<T, E = NetStoreError> = std::result::Result<T, E>;

trait IoCtx<T> {
    fn ctx(self, op: &'static str, path: &Path) -> Result<T>;
}

impl<T> IoCtx<T> for io::Result<T> {
    fn ctx(self, op: &'static str, path: &Path) -> Result<T> {
        self.map_err(|source| NetStoreError::Io {
            op,
            path: path.to_path_buf(),
            source,
        })
    }
}

/// The stable id of a predefined network berth never stores (`host`,
/// `none`): the same on every run and every host, so scripts that saved it
/// keep working.
pub fn builtin_id(name: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(format!(
        "berth predefined network {name}"
    )))
}

/// The network store under `<root>/networks/`.
#[derive(Debug, Clone)]
pub struct NetStore {
    dir: PathBuf,
    lock: StoreLock,
}

impl NetStore {
    pub fn new(root: &Path) -> NetStore {
        let dir = root.join("networks");
        let lock = StoreLock::new(dir.join("networks.lock"), "networks");
        NetStore { dir, lock }
    }

    /// The store root this network store lives under.
    pub fn root(&self) -> &Path {
        self.dir.parent().unwrap_or(&self.dir)
    }

    fn networks_path(&self) -> PathBuf {
        self.dir.join("networks.json")
    }

    fn leases_path(&self) -> PathBuf {
        self.dir.join("leases.json")
    }

    /// Runs `take` on the lock, creating the directory on first use.
    fn locked<G>(&self, take: impl Fn(&StoreLock) -> io::Result<G>) -> Result<G> {
        match take(&self.lock) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&self.dir).ctx("create", &self.dir)?;
                take(&self.lock).ctx("lock", self.lock.path())
            }
            other => other.ctx("lock", self.lock.path()),
        }
    }

    fn load_networks(&self, _held: &impl Held) -> Result<Vec<NetworkRecord>> {
        load(&self.networks_path())
    }

    fn load_leases(&self, _held: &impl Held) -> Result<Vec<Lease>> {
        load(&self.leases_path())
    }

    /// All stored networks (the default `bridge` once it was first used).
    pub fn list(&self) -> Result<Vec<NetworkRecord>> {
        let guard = self.locked(StoreLock::read)?;
        self.load_networks(&guard)
    }

    /// Every lease on every network.
    pub fn leases(&self) -> Result<Vec<Lease>> {
        let guard = self.locked(StoreLock::read)?;
        self.load_leases(&guard)
    }

    /// One container's leases, in the order they were taken.
    pub fn container_leases(&self, container_id: &str) -> Result<Vec<Lease>> {
        let mut all = self.leases()?;
        all.retain(|l| l.container_id == container_id);
        Ok(all)
    }

    /// docker's lookup: exact name, full id, then a unique id prefix.
    pub fn find(&self, name_or_id: &str) -> Result<NetworkRecord> {
        let nets = self.list()?;
        lookup(&nets, name_or_id).cloned()
    }

    /// Runs `f` on both files under the exclusive lock and writes back
    /// only the files it changed. For callers that must check and change
    /// networks and leases in one step (`network connect`, recovery).
    pub fn transaction<T, E: From<NetStoreError>>(
        &self,
        f: impl FnOnce(&mut Vec<NetworkRecord>, &mut Vec<Lease>) -> Result<T, E>,
    ) -> Result<T, E> {
        let guard = self.locked(StoreLock::write)?;
        let mut nets = self.load_networks(&guard)?;
        let mut leases = self.load_leases(&guard)?;
        let nets_before = to_json(&nets)?;
        let leases_before = to_json(&leases)?;
        let out = f(&mut nets, &mut leases)?;
        let nets_after = to_json(&nets)?;
        if nets_after != nets_before {
            self.save(&self.networks_path(), &nets_after, true, &guard)?;
        }
        let leases_after = to_json(&leases)?;
        if leases_after != leases_before {
            self.save(&self.leases_path(), &leases_after, false, &guard)?;
        }
        Ok(out)
    }

    fn save(&self, path: &Path, bytes: &[u8], durable: bool, _held: &WriteGuard) -> Result<()> {
        if durable {
            write_atomic(path, bytes).ctx("write", path)
        } else {
            write_atomic_unsynced(path, bytes).ctx("write", path)
        }
    }

    /// Creates a user network after docker's checks (see
    /// [`ipam::plan_network`]); `host_nets` are the host's routes
    /// ([`super::host_routes::host_subnets`]), which the subnet must not
    /// overlap.
    pub fn create(&self, req: CreateNetwork, host_nets: &[Ipv4Net]) -> Result<NetworkRecord> {
        self.transaction(|nets, _| {
            let id = new_id(nets);
            let rec = ipam::plan_network(&req, nets, host_nets, id, Utc::now())?;
            nets.push(rec.clone());
            Ok(rec)
        })
    }

    /// The default `bridge` network, created on first use: interface
    /// `berth0`, subnet 10.88.0.0/16 unless that overlaps the host's routes
    /// or another network, then the first free subnet of the pool.
    pub fn ensure_default(&self, host_nets: &[Ipv4Net]) -> Result<NetworkRecord> {
        if let Some(rec) = self.list()?.into_iter().find(|n| n.name == DEFAULT_NETWORK) {
            return Ok(rec);
        }
        self.transaction(|nets, _| {
            // Another process may have created it since the shared read.
            if let Some(rec) = nets.iter().find(|n| n.name == DEFAULT_NETWORK) {
                return Ok(rec.clone());
            }
            let id = new_id(nets);
            let root = self.dir.parent().unwrap_or(&self.dir);
            let bridge = ipam::default_bridge_name(root);
            let rec = ipam::plan_default(nets, host_nets, id, Utc::now(), &bridge)?;
            nets.push(rec.clone());
            Ok(rec)
        })
    }

    /// Removes a network without leases, after its bridge and firewall
    /// rules ([`super::host::remove_host_side`]).
    pub fn remove(&self, name_or_id: &str) -> Result<NetworkRecord> {
        let rec = self.remove_with(name_or_id, super::host::remove_host_side)?;
        record_destroy(self.root(), &rec);
        Ok(rec)
    }

    /// [`remove`](Self::remove) with the host-side cleanup given. It runs
    /// under the exclusive lock, so no container can join the network
    /// between the check for leases and the removal; when it fails the
    /// record stays, and `network rm` can be run again.
    pub fn remove_with(
        &self,
        name_or_id: &str,
        host_side: impl FnOnce(&NetworkRecord) -> std::result::Result<(), String>,
    ) -> Result<NetworkRecord> {
        if PREDEFINED.contains(&name_or_id) {
            return Err(predefined(name_or_id));
        }
        self.transaction(|nets, leases| {
            let rec = lookup(nets, name_or_id)?.clone();
            if rec.name == DEFAULT_NETWORK {
                return Err(predefined(&rec.name));
            }
            check_unused(&rec, leases)?;
            host_side(&rec).map_err(|detail| NetStoreError::HostSide {
                name: rec.name.clone(),
                detail,
            })?;
            nets.retain(|n| n.id != rec.id);
            Ok(rec)
        })
    }

    /// Removes every user network without leases that `selected` accepts
    /// (the `--filter`s of `network prune`), each after its host side. Returns what was
    /// removed and, per network, why its host side could not be (those
    /// records stay).
    pub fn prune(
        &self,
        selected: impl Fn(&NetworkRecord) -> bool,
        host_side: impl Fn(&NetworkRecord) -> std::result::Result<(), String>,
    ) -> Result<(Vec<NetworkRecord>, Vec<NetStoreError>)> {
        self.transaction(|nets, leases| {
            let mut removed = Vec::new();
            let mut failed = Vec::new();
            let candidates: Vec<NetworkRecord> = nets
                .iter()
                .filter(|n| n.name != DEFAULT_NETWORK && selected(n))
                .filter(|n| !leases.iter().any(|l| l.network_id == n.id))
                .cloned()
                .collect();
            for rec in candidates {
                match host_side(&rec) {
                    Ok(()) => {
                        nets.retain(|n| n.id != rec.id);
                        record_destroy(self.root(), &rec);
                        removed.push(rec);
                    }
                    Err(detail) => failed.push(NetStoreError::HostSide {
                        name: rec.name.clone(),
                        detail,
                    }),
                }
            }
            Ok((removed, failed))
        })
    }

    /// Leases an address on a network to a container (see
    /// [`ipam::plan_lease`] for the rules).
    pub fn allocate(&self, req: LeaseRequest) -> Result<Lease> {
        self.transaction(|nets, leases| {
            let net = lookup(nets, &req.network_id)?;
            let lease = ipam::plan_lease(&req, net, leases, Utc::now())?;
            leases.push(lease.clone());
            Ok(lease)
        })
    }

    /// Removes and returns a container's leases: on one network (full id)
    /// or, with `None`, on all. Releasing what is not leased is no error.
    pub fn release(&self, container_id: &str, network_id: Option<&str>) -> Result<Vec<Lease>> {
        self.transaction(|_, leases| {
            let (gone, kept): (Vec<Lease>, Vec<Lease>) =
                std::mem::take(leases).into_iter().partition(|l| {
                    l.container_id == container_id && network_id.is_none_or(|n| l.network_id == n)
                });
            *leases = kept;
            Ok(gone)
        })
    }
}

fn record_destroy(root: &Path, rec: &NetworkRecord) {
    let event = crate::events::Event::network("destroy", &rec.id, &rec.name, &rec.driver);
    crate::events::record(root, event);
}

/// docker's lookup order over `nets`: exact name, full id, unique id prefix.
pub fn lookup<'a>(nets: &'a [NetworkRecord], name_or_id: &str) -> Result<&'a NetworkRecord> {
    if let Some(n) = nets.iter().find(|n| n.name == name_or_id) {
        return Ok(n);
    }
    if let Some(n) = nets.iter().find(|n| n.id == name_or_id) {
        return Ok(n);
    }
    let is_hex = !name_or_id.is_empty() && name_or_id.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hex {
        let matches: Vec<&NetworkRecord> = nets
            .iter()
            .filter(|n| n.id.starts_with(name_or_id))
            .collect();
        match matches.len() {
            1 => return Ok(matches[0]),
            0 => {}
            n => return Err(NetStoreError::Ambiguous(name_or_id.to_string(), n)),
        }
    }
    Err(NetStoreError::NotFound(name_or_id.to_string()))
}

fn predefined(name: &str) -> NetStoreError {
    NetStoreError::Invalid(format!(
        "{name} is a pre-defined network and cannot be removed"
    ))
}

fn check_unused(rec: &NetworkRecord, leases: &[Lease]) -> Result<()> {
    let users: Vec<String> = leases
        .iter()
        .filter(|l| l.network_id == rec.id)
        .map(|l| l.container_name.clone())
        .collect();
    if users.is_empty() {
        return Ok(());
    }
    Err(NetStoreError::InUse {
        name: rec.name.clone(),
        id: rec.id.clone(),
        containers: users,
    })
}

/// A fresh 64-hex id that is no stored or predefined network's.
fn new_id(nets: &[NetworkRecord]) -> String {
    loop {
        let id = hex::encode(rand::random::<[u8; 32]>());
        let taken = nets.iter().any(|n| n.id == id)
            || PREDEFINED.iter().any(|p| builtin_id(p) == id)
            // A leading digit-only short id would read as a number in scripts; docker avoids it too.
            || id.get(..12).is_some_and(|s| s.bytes().all(|b| b.is_ascii_digit()));
        if !taken {
            return id;
        }
    }
}

/// Reads a JSON list; a missing or empty file is an empty list.
fn load<T: DeserializeOwned + Default>(path: &Path) -> Result<T> {
    match std::fs::read(path) {
        Ok(bytes) if bytes.is_empty() => Ok(T::default()),
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| NetStoreError::Corrupt {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(e).ctx("read", path),
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    // Serializing plain records cannot fail; map it anyway rather than panic.
    serde_json::to_vec_pretty(value).map_err(|e| NetStoreError::Invalid(e.to_string()))
}

/// `Ipv4Net` as its text form ("10.89.0.0/24"); ipnet's serde feature is off.
mod net_text {
    use ipnet::Ipv4Net;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(net: &Ipv4Net, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(net)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Ipv4Net, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

mod opt_net_text {
    use ipnet::Ipv4Net;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(net: &Option<Ipv4Net>, s: S) -> Result<S::Ok, S::Error> {
        match net {
            Some(n) => s.collect_str(n),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Ipv4Net>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(text) => text.parse().map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;

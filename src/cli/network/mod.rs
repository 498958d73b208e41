//! `network create|ls|inspect|rm|prune`. (`connect`/`disconnect` attach
//! containers and live with the container commands.)
//!
//! `host` and `none` are listed and inspected like docker's but never
//! stored; `bridge` is created on first sight (`ls`, `inspect`, or the first
//! container), so its id and subnet are the same everywhere they are shown.

mod connect;
mod filter;
mod shown;

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use ipnet::{IpNet, Ipv4Net};
use serde_json::{json, Map, Value};

use super::error::{render as render_err, CliError, CliResult};
use super::output::rfc3339;
use super::render;
use crate::net::store::{CreateNetwork, Lease, NetStore, NetStoreError};
use crate::settings::Settings;
use filter::{group_filters, ls_matches, prune_selector};
use shown::{all_networks, resolve, Shown};

#[derive(Debug, Subcommand)]
pub enum NetworkCommand {
    /// Create a network
    Create(NetworkCreateArgs),
    /// List networks
    #[command(visible_alias = "list", name = "ls")]
    Ls(NetworkLsArgs),
    /// Display detailed information on one or more networks
    Inspect(NetworkInspectArgs),
    /// Remove one or more networks
    #[command(visible_alias = "remove")]
    Rm(NetworkRmArgs),
    /// Remove all unused networks
    Prune(NetworkPruneArgs),
    /// Connect a container to a network
    Connect(connect::ConnectArgs),
    /// Disconnect a container from a network
    Disconnect(connect::DisconnectArgs),
}

#[derive(Debug, Args)]
pub struct NetworkCreateArgs {
    /// Driver to manage the Network
    #[arg(short, long, default_value = "bridge")]
    pub driver: String,
    /// Subnet in CIDR format that represents a network segment
    #[arg(long)]
    pub subnet: Vec<String>,
    /// IPv4 Gateway for the master subnet
    #[arg(long)]
    pub gateway: Vec<String>,
    /// Allocate container ip from a sub-range
    #[arg(long = "ip-range")]
    pub ip_range: Vec<String>,
    /// Restrict external access to the network
    #[arg(long)]
    pub internal: bool,
    /// Enable or disable IPv6 address assignment (berth: IPv4 only)
    #[arg(
        long,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL"
    )]
    pub ipv6: Option<bool>,
    /// Set metadata on a network
    #[arg(long = "label")]
    pub labels: Vec<String>,
    /// Set driver specific options
    #[arg(short, long = "opt")]
    pub opts: Vec<String>,
    /// Succeed, printing its ID, when a network of that name exists (podman)
    #[arg(long)]
    pub ignore: bool,
    pub name: String,
}

#[derive(Debug, Args)]
pub struct NetworkLsArgs {
    /// Provide filter values (e.g. "driver=bridge")
    #[arg(short, long = "filter")]
    pub filters: Vec<String>,
    /// Format output using a custom template
    #[arg(long)]
    pub format: Option<String>,
    /// Do not truncate the output
    #[arg(long)]
    pub no_trunc: bool,
    /// Only display network IDs
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct NetworkInspectArgs {
    /// Format output using a custom template
    #[arg(short, long)]
    pub format: Option<String>,
    /// Verbose output for diagnostics (no extra detail without swarm)
    #[arg(short, long)]
    pub verbose: bool,
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NetworkRmArgs {
    /// Do not error if the network does not exist
    #[arg(short, long)]
    pub force: bool,
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NetworkPruneArgs {
    /// Provide filter values (e.g. "until=<timestamp>")
    #[arg(long = "filter")]
    pub filters: Vec<String>,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
}

pub fn dispatch(settings: &Settings, cmd: &NetworkCommand) -> CliResult {
    let store = NetStore::new(&settings.store.root);
    // Leases of containers whose supervisor died (kill -9) go first, so
    // what is shown and checked is what is in use.
    let _ = crate::net::attach::sweep(&settings.store.root);
    match cmd {
        NetworkCommand::Connect(a) => connect::connect(settings, a),
        NetworkCommand::Disconnect(a) => connect::disconnect(settings, a),
        NetworkCommand::Create(a) => create(&store, a),
        NetworkCommand::Ls(a) => ls(&store, a),
        NetworkCommand::Inspect(a) => inspect(&store, a),
        NetworkCommand::Rm(a) => rm(&store, a),
        NetworkCommand::Prune(a) => prune(&store, a),
    }
}

fn kv(list: &[String]) -> BTreeMap<String, String> {
    list.iter()
        .map(|s| match s.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (s.clone(), String::new()),
        })
        .collect()
}

fn ipv6_unsupported(what: &str) -> CliError {
    CliError::msg(format!(
        "IPv6 is not supported by berth yet ({what}): use an IPv4 --subnet and leave out --ipv6"
    ))
}

fn one<'a>(flag: &str, values: &'a [String]) -> CliResult<Option<&'a str>> {
    match values {
        [] => Ok(None),
        [v] => Ok(Some(v.as_str())),
        _ => Err(CliError::msg(format!(
            "berth networks have one IPv4 subnet: give --{flag} once"
        ))),
    }
}

fn parse_cidr(flag: &str, text: Option<&str>) -> CliResult<Option<Ipv4Net>> {
    let Some(text) = text else { return Ok(None) };
    match text.parse::<IpNet>() {
        Ok(IpNet::V4(n)) => Ok(Some(n)),
        Ok(IpNet::V6(_)) => Err(ipv6_unsupported(&format!("--{flag} {text}"))),
        Err(_) => Err(CliError::msg(format!(
            "invalid CIDR address: {text} (--{flag} takes an address and prefix length, like 172.20.0.0/16)"
        ))),
    }
}

fn create(store: &NetStore, a: &NetworkCreateArgs) -> CliResult {
    if a.ignore {
        if let Some(existing) = store.list()?.into_iter().find(|n| n.name == a.name) {
            println!("{}", existing.id);
            return Ok(ExitCode::SUCCESS);
        }
    }
    if a.ipv6 == Some(true) {
        return Err(ipv6_unsupported("--ipv6"));
    }
    let gateway = match one("gateway", &a.gateway)? {
        None => None,
        Some(g) => match g.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(ip)) => Some(ip),
            Ok(std::net::IpAddr::V6(_)) => return Err(ipv6_unsupported(&format!("--gateway {g}"))),
            Err(_) => return Err(CliError::msg(format!("invalid gateway address: {g}"))),
        },
    };
    let req = CreateNetwork {
        name: a.name.clone(),
        driver: a.driver.clone(),
        subnet: parse_cidr("subnet", one("subnet", &a.subnet)?)?,
        gateway,
        ip_range: parse_cidr("ip-range", one("ip-range", &a.ip_range)?)?,
        internal: a.internal,
        labels: kv(&a.labels),
        options: kv(&a.opts),
    };
    let rec =
        crate::net::host::create_network(store, req).map_err(|e| CliError::msg(e.to_string()))?;
    println!("{}", rec.id);
    Ok(ExitCode::SUCCESS)
}

/// Go's `time.Time.String()`, as docker's `CreatedAt` column prints.
fn go_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.f %z UTC").to_string()
}

fn ls(store: &NetStore, a: &NetworkLsArgs) -> CliResult {
    let filters = group_filters(&a.filters)?;
    let mut in_use: HashMap<String, usize> = HashMap::new();
    for l in store.leases()? {
        *in_use.entry(l.network_id).or_default() += 1;
    }
    let mut shown = Vec::new();
    for n in all_networks(store)? {
        if ls_matches(&n, &filters, &in_use)? {
            shown.push(n);
        }
    }
    let id_of = |n: &Shown| {
        let id = n.id();
        if a.no_trunc {
            id
        } else {
            id.chars().take(12).collect()
        }
    };
    let custom = matches!(a.format.as_deref(), Some(f) if !f.is_empty() && !f.starts_with("table"));
    if a.quiet && !custom {
        for n in &shown {
            println!("{}", id_of(n));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let items: Vec<Value> = shown
        .iter()
        .map(|n| {
            let labels = n.labels();
            json!({
                "ID": id_of(n),
                "Name": n.name(),
                "Driver": n.driver(),
                "Scope": "local",
                "IPv6": "false",
                "Internal": match n { Shown::Stored(r) => r.internal.to_string(), _ => "false".into() },
                "Labels": labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
                "CreatedAt": n.created().map(go_time).unwrap_or_default(),
            })
        })
        .collect();
    render::print_list(
        a.format.as_deref(),
        "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}",
        &items,
        &[
            ("ID", "NETWORK ID"),
            ("Name", "NAME"),
            ("Driver", "DRIVER"),
            ("Scope", "SCOPE"),
            ("IPv6", "IPV6"),
            ("Internal", "INTERNAL"),
            ("Labels", "LABELS"),
            ("CreatedAt", "CREATED AT"),
        ],
    )?;
    Ok(ExitCode::SUCCESS)
}

/// docker's `network inspect` object.
fn inspect_json(n: &Shown, leases: &[Lease]) -> Value {
    let mut containers = Map::new();
    let (config, options, internal) = match n {
        Shown::Stored(r) => {
            let mut mine: Vec<&Lease> = leases.iter().filter(|l| l.network_id == r.id).collect();
            mine.sort_by(|a, b| a.container_id.cmp(&b.container_id));
            for l in mine {
                containers.insert(
                    l.container_id.clone(),
                    json!({
                        "Name": l.container_name,
                        "EndpointID": l.endpoint_id,
                        "MacAddress": l.mac,
                        "IPv4Address": format!("{}/{}", l.ip, r.subnet.prefix_len()),
                        "IPv6Address": "",
                    }),
                );
            }
            let mut cfg = Map::new();
            cfg.insert("Subnet".into(), json!(r.subnet.to_string()));
            if let Some(range) = r.ip_range {
                cfg.insert("IPRange".into(), json!(range.to_string()));
            }
            cfg.insert("Gateway".into(), json!(r.gateway.to_string()));
            (vec![Value::Object(cfg)], json!(r.options), r.internal)
        }
        Shown::Builtin { .. } => (vec![], json!({}), false),
    };
    let created = n.created().unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    json!({
        "Name": n.name(),
        "Id": n.id(),
        "Created": rfc3339(created),
        "Scope": "local",
        "Driver": n.driver(),
        "EnableIPv4": true,
        "EnableIPv6": false,
        "IPAM": { "Driver": "default", "Options": {}, "Config": config },
        "Internal": internal,
        "Attachable": false,
        "Ingress": false,
        "ConfigFrom": { "Network": "" },
        "ConfigOnly": false,
        "Containers": containers,
        "Options": options,
        "Labels": n.labels(),
    })
}

fn inspect(store: &NetStore, a: &NetworkInspectArgs) -> CliResult {
    // Resolve everything before printing, as docker does, so a missing name
    // does not leave half an array on stdout.
    let all = all_networks(store)?;
    let leases = store.leases()?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for name in &a.names {
        match resolve(&all, name) {
            Ok(n) => out.push(inspect_json(&n, &leases)),
            Err(e) => errors.push(e.to_string()),
        }
    }
    render::print_inspect(a.format.as_deref(), &out)?;
    if errors.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::msg(errors.join("\nError: ")))
    }
}

fn rm(store: &NetStore, a: &NetworkRmArgs) -> CliResult {
    let mut failed = false;
    for name in &a.names {
        match store.remove(name) {
            Ok(_) => println!("{name}"),
            Err(NetStoreError::NotFound(_)) if a.force => {}
            Err(e) => {
                eprintln!("Error: {}", render_err(&e.into()));
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn prune(store: &NetStore, a: &NetworkPruneArgs) -> CliResult {
    let selected = prune_selector(&a.filters)?;
    if !a.force
        && !crate::cli::output::confirm(
            "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ",
        )?
    {
        return Ok(ExitCode::SUCCESS);
    }
    let (removed, failed) = store.prune(selected, crate::net::host::remove_host_side)?;
    if !removed.is_empty() {
        println!("Deleted Networks:");
        for r in &removed {
            println!("{}", r.name);
        }
        println!();
    }
    for e in &failed {
        eprintln!("Error: {e}");
    }
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::net::store::NetworkRecord;
    use std::net::Ipv4Addr;

    pub(super) fn stored(name: &str, labels: &[(&str, &str)]) -> Shown {
        Shown::Stored(record(name, labels))
    }

    pub(super) fn record(name: &str, labels: &[(&str, &str)]) -> NetworkRecord {
        NetworkRecord {
            id: "ab".repeat(32),
            name: name.into(),
            driver: "bridge".into(),
            bridge: "br-abababababab".into(),
            subnet: "10.89.0.0/24".parse().expect("net"),
            gateway: Ipv4Addr::new(10, 89, 0, 1),
            ip_range: None,
            internal: false,
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            options: BTreeMap::new(),
            created: Utc::now(),
        }
    }

    #[test]
    fn inspect_shows_leases_as_docker_endpoints() {
        let n = stored("appnet", &[]);
        let lease = Lease {
            network_id: n.id(),
            endpoint_id: "e".repeat(64),
            container_id: "c".repeat(64),
            container_name: "web".into(),
            aliases: vec![],
            ip: Ipv4Addr::new(10, 89, 0, 2),
            mac: "02:42:0a:59:00:02".into(),
            host_veth: "vethx".into(),
            ifname: "eth0".into(),
            hosts_file: None,
            ports: vec![],
            created: Utc::now(),
            owner_pid: 0,
            owner_start: 0,
        };
        let v = inspect_json(&n, &[lease]);
        let c = &v["Containers"]["c".repeat(64)];
        assert_eq!(c["Name"], "web");
        assert_eq!(c["IPv4Address"], "10.89.0.2/24");
        assert_eq!(c["MacAddress"], "02:42:0a:59:00:02");
        assert_eq!(v["IPAM"]["Config"][0]["Gateway"], "10.89.0.1");
        assert_eq!(v["Scope"], "local");
        let host = inspect_json(
            &Shown::Builtin {
                name: "none",
                driver: "null",
            },
            &[],
        );
        assert_eq!(host["Driver"], "null");
        assert_eq!(host["IPAM"]["Config"], json!([]));
    }
}

//! The nftables backend: one `ip berth` table changed with `nft -f -`.
//!
//! Everything per network or per port is a set or map element, and the
//! chains hold a fixed rule list that looks elements up:
//!
//! - `ports_ip` (daddr . proto . port → ctr addr . port) and `ports_any`
//!   (proto . port → …) feed one `dnat ip to … map` rule each, reached from
//!   prerouting and output for local destinations (`fib daddr type local`).
//! - `bridges`, `internal`, `same_bridge`, `subnets`, `masq_subnets` drive
//!   forwarding, isolation and masquerade.
//!
//! So adding or removing a network or a port never needs a rule handle,
//! and a removal is `add element` followed by `delete element` in one
//! transaction: the add makes the delete succeed when the element is
//! already gone (nft 1.0.6 has no `destroy`).

use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::path::PathBuf;

use serde_json::Value;

use super::{
    check_bridge, find_binary, first_conflict, run, write_sysctls, Firewall, FirewallError,
    NetworkRules, PortRule, Proto,
};

/// The nftables backend.
#[derive(Debug, Clone)]
pub struct Nftables {
    nft: PathBuf,
    table: String,
    proc_sys: PathBuf,
}

impl Nftables {
    /// berth's own table, `ip berth`.
    pub fn new() -> Result<Self, FirewallError> {
        Self::with_table("berth")
    }

    /// A differently named table (tests use one per process so they never
    /// touch a real installation's rules).
    pub fn with_table(table: &str) -> Result<Self, FirewallError> {
        if table.is_empty()
            || !table
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(FirewallError::Parse {
                command: "Nftables::with_table".into(),
                reason: format!("{table:?} is not a valid table name (use A-Z, a-z, 0-9, _)"),
            });
        }
        let nft = find_binary("nft").ok_or(FirewallError::Missing {
            backend: "nftables",
            binary: "nft",
        })?;
        Ok(Nftables {
            nft,
            table: table.to_string(),
            proc_sys: PathBuf::from("/proc/sys"),
        })
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    fn apply(&self, script: &str) -> Result<(), FirewallError> {
        run(&self.nft, &["-f", "-"], Some(script)).map(drop)
    }

    /// Runs `fast` (element additions only) and, when it fails because the
    /// table, a set or the current rules' marker is missing, `full`.
    ///
    /// Why: any transaction that deletes a rule or an element waits for an
    /// RCU grace period in the kernel (~10 ms here), and refilling the
    /// chains means deleting their rules. Adding elements that are already
    /// there changes nothing and commits at once, so the common case (the
    /// table is in place) costs one cheap `nft` run.
    fn apply_or_install(&self, fast: &str, full: &str) -> Result<(), FirewallError> {
        match self.apply(fast) {
            Err(FirewallError::Command { stderr, .. })
                if stderr.contains("No such file or directory") =>
            {
                self.apply(full)
            }
            other => other,
        }
    }

    /// The table as `nft -j` prints it, or `None` when it does not exist.
    fn list_table(&self) -> Result<Option<Value>, FirewallError> {
        match run(&self.nft, &["-j", "list", "table", "ip", &self.table], None) {
            Ok(out) => serde_json::from_str(&out)
                .map(Some)
                .map_err(|e| FirewallError::Parse {
                    command: format!("nft -j list table ip {}", self.table),
                    reason: e.to_string(),
                }),
            Err(FirewallError::Command { stderr, .. })
                if stderr.contains("No such file or directory") =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Forward-hook chains of other tables whose policy is drop (iptables'
    /// `filter FORWARD` under docker or ufw): they drop container traffic
    /// our table accepts, since every base chain on a hook must accept.
    /// Returned as `family table chain`.
    pub fn foreign_forward_drop(&self) -> Result<Vec<String>, FirewallError> {
        let out = run(&self.nft, &["-j", "list", "chains"], None)?;
        let json: Value = serde_json::from_str(&out).map_err(|e| FirewallError::Parse {
            command: "nft -j list chains".into(),
            reason: e.to_string(),
        })?;
        Ok(parse_forward_drop(&json, &self.table))
    }
}

impl Firewall for Nftables {
    fn name(&self) -> &'static str {
        "nftables"
    }

    fn ensure_network(&self, n: &NetworkRules) -> Result<(), FirewallError> {
        check_bridge(&n.bridge)?;
        self.apply_or_install(
            &ensure_network_fast(&self.table, n),
            &ensure_network_script(&self.table, n),
        )?;
        write_sysctls(&self.proc_sys, &n.bridge)
    }

    fn remove_network(&self, n: &NetworkRules) -> Result<(), FirewallError> {
        check_bridge(&n.bridge)?;
        self.apply(&remove_network_script(&self.table, n))
    }

    fn add_ports(&self, rules: &[PortRule]) -> Result<(), FirewallError> {
        if rules.is_empty() {
            return Ok(());
        }
        if let Some((wanted, existing)) = first_conflict(rules, rules) {
            return Err(FirewallError::PortInUse { wanted, existing });
        }
        let fast = add_ports_fast(&self.table, rules);
        match self.apply_or_install(&fast, &add_ports_script(&self.table, rules)) {
            Err(FirewallError::Command { stderr, .. }) if stderr.contains("File exists") => {
                // Only a key mapped elsewhere fails an `add element`: name it.
                let present = self.list_ports()?;
                match first_conflict(rules, &present) {
                    Some((wanted, existing)) => Err(FirewallError::PortInUse { wanted, existing }),
                    None => self.apply(&add_ports_script(&self.table, rules)),
                }
            }
            other => other,
        }
    }

    fn remove_ports(&self, rules: &[PortRule]) -> Result<(), FirewallError> {
        if rules.is_empty() {
            return Ok(());
        }
        if self.apply(&remove_ports_script(&self.table, rules)).is_ok() {
            return Ok(());
        }
        // The blind add+delete fails when a key now maps to another
        // container (its add conflicts): delete exactly what is ours.
        let present = self.list_ports()?;
        let ours: Vec<PortRule> = rules
            .iter()
            .filter(|r| present.contains(r))
            .cloned()
            .collect();
        if ours.is_empty() {
            return Ok(());
        }
        self.apply(&delete_ports_script(&self.table, &ours))
    }

    fn list_ports(&self) -> Result<Vec<PortRule>, FirewallError> {
        Ok(self
            .list_table()?
            .map(|t| parse_ports(&t))
            .unwrap_or_default())
    }

    fn list_networks(&self) -> Result<Vec<String>, FirewallError> {
        Ok(self
            .list_table()?
            .map(|t| set_strings(&t, "bridges"))
            .unwrap_or_default())
    }

    fn remove_all(&self) -> Result<(), FirewallError> {
        let t = &self.table;
        self.apply(&format!("add table ip {t}\ndelete table ip {t}\n"))
    }
}

/// Declares the table, sets and maps (all `add`: idempotent).
pub(super) fn skeleton(t: &str) -> String {
    format!(
        "add table ip {t}
add set ip {t} bridges {{ type ifname; }}
add set ip {t} internal {{ type ifname; }}
add set ip {t} same_bridge {{ type ifname . ifname; }}
add set ip {t} subnets {{ type ipv4_addr; flags interval; }}
add set ip {t} masq_subnets {{ type ipv4_addr; flags interval; }}
add map ip {t} ports_any {{ type inet_proto . inet_service : ipv4_addr . inet_service; }}
add map ip {t} ports_ip {{ type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }}
add set ip {t} {MARKER} {{ type ifname; }}
"
    )
}

/// The chains and their fixed rules. Flushing and refilling them in the
/// same transaction keeps this idempotent and is atomic for the packets.
pub(super) fn chains(t: &str) -> String {
    let mut s = String::new();
    for (name, hook) in [
        ("ports", ""),
        (
            "prerouting",
            "type nat hook prerouting priority dstnat; policy accept;",
        ),
        // `dstnat` is not a valid priority name on the output hook in 1.0.6.
        (
            "output",
            "type nat hook output priority -100; policy accept;",
        ),
        (
            "postrouting",
            "type nat hook postrouting priority srcnat; policy accept;",
        ),
        (
            "forward",
            "type filter hook forward priority filter; policy accept;",
        ),
    ] {
        if hook.is_empty() {
            let _ = writeln!(s, "add chain ip {t} {name}");
        } else {
            let _ = writeln!(s, "add chain ip {t} {name} {{ {hook} }}");
        }
        let _ = writeln!(s, "flush chain ip {t} {name}");
    }
    // Written in the transaction that fills the chains, so its presence
    // proves they hold this version's rules. A new rule set gets a new name.
    let _ = writeln!(s, "add element ip {t} {MARKER} {{ \"ok\" }}");
    for (chain, rule) in [
        // Specific addresses first, so 127.0.0.1:80 can differ from *:80.
        (
            "ports",
            "dnat ip to ip daddr . meta l4proto . th dport map @ports_ip",
        ),
        ("ports", "dnat ip to meta l4proto . th dport map @ports_any"),
        ("prerouting", "fib daddr type local jump ports"),
        ("output", "fib daddr type local jump ports"),
        // The host reaching 127.0.0.1:PORT: containers cannot answer 127/8.
        (
            "postrouting",
            "ip saddr 127.0.0.0/8 oifname @bridges masquerade",
        ),
        // Hairpin (a container reaching a published port) and published
        // ports reached from another network: answers must come back here.
        (
            "postrouting",
            "ct status dnat ip saddr @subnets oifname @bridges masquerade",
        ),
        (
            "postrouting",
            "ip saddr @masq_subnets oifname != @bridges masquerade",
        ),
        ("forward", "iifname . oifname @same_bridge accept"),
        ("forward", "iifname @internal drop"),
        ("forward", "oifname @internal drop"),
        (
            "forward",
            "oifname @bridges ct state established,related accept",
        ),
        ("forward", "oifname @bridges ct status dnat accept"),
        // Isolation: no new connections between two berth networks.
        ("forward", "iifname @bridges oifname @bridges drop"),
        ("forward", "iifname @bridges accept"),
        // Unsolicited traffic routed to a container (as docker drops it).
        ("forward", "oifname @bridges drop"),
    ] {
        let _ = writeln!(s, "add rule ip {t} {chain} {rule}");
    }
    s
}

/// The marker set: present (with element `"ok"`) once the chains hold
/// the rules of this version of berth.
const MARKER: &str = "rules_v1";

/// Fails with ENOENT unless the table holds this version's chains.
fn marker_line(t: &str) -> String {
    format!("add element ip {t} {MARKER} {{ \"ok\" }}\n")
}

/// The network's elements alone. The `internal` flag of a network cannot
/// change while it exists (as in docker); only the full script, which
/// runs when something is missing, removes the opposite flag's elements.
pub(super) fn ensure_network_fast(t: &str, n: &NetworkRules) -> String {
    let mut s = marker_line(t);
    for (set, e) in network_elements(n).0 {
        let _ = writeln!(s, "add element ip {t} {set} {{ {e} }}");
    }
    s
}

pub(super) fn add_ports_fast(t: &str, rules: &[PortRule]) -> String {
    let mut s = marker_line(t);
    for r in rules {
        let _ = writeln!(
            s,
            "add element ip {t} {} {{ {} }}",
            port_map(r),
            port_element(r)
        );
    }
    s
}

/// `(set, element)` pairs.
type Elements = Vec<(&'static str, String)>;

/// `(set, element)` pairs describing one network, and the ones that must
/// be absent (a network that changed its `internal` flag).
fn network_elements(n: &NetworkRules) -> (Elements, Elements) {
    let b = format!("\"{}\"", n.bridge);
    let net = n.subnet.trunc().to_string();
    let mut present = vec![
        ("bridges", b.clone()),
        ("same_bridge", format!("{b} . {b}")),
        ("subnets", net.clone()),
    ];
    let absent = if n.internal {
        present.push(("internal", b));
        vec![("masq_subnets", net)]
    } else {
        present.push(("masq_subnets", net));
        vec![("internal", b)]
    };
    (present, absent)
}

/// `add` then `delete`: succeeds whether or not the element was there.
fn delete_elements(s: &mut String, t: &str, elems: &[(&str, String)]) {
    for (set, e) in elems {
        let _ = writeln!(s, "add element ip {t} {set} {{ {e} }}");
    }
    for (set, e) in elems {
        let _ = writeln!(s, "delete element ip {t} {set} {{ {e} }}");
    }
}

pub(super) fn ensure_network_script(t: &str, n: &NetworkRules) -> String {
    let (present, absent) = network_elements(n);
    let mut s = skeleton(t) + &chains(t);
    delete_elements(&mut s, t, &absent);
    for (set, e) in &present {
        let _ = writeln!(s, "add element ip {t} {set} {{ {e} }}");
    }
    s
}

pub(super) fn remove_network_script(t: &str, n: &NetworkRules) -> String {
    let (mut elems, absent) = network_elements(n);
    elems.extend(absent);
    let mut s = skeleton(t);
    delete_elements(&mut s, t, &elems);
    s
}

fn port_map(r: &PortRule) -> &'static str {
    if r.host_ip.is_some() {
        "ports_ip"
    } else {
        "ports_any"
    }
}

fn port_key(r: &PortRule) -> String {
    match r.host_ip {
        Some(ip) => format!("{ip} . {} . {}", r.proto, r.host_port),
        None => format!("{} . {}", r.proto, r.host_port),
    }
}

fn port_element(r: &PortRule) -> String {
    format!("{} : {} . {}", port_key(r), r.ctr_ip, r.ctr_port)
}

pub(super) fn add_ports_script(t: &str, rules: &[PortRule]) -> String {
    // The chains come along so publishing works even if the table was
    // deleted behind berth's back since the network was set up.
    let mut s = skeleton(t) + &chains(t);
    for r in rules {
        let _ = writeln!(
            s,
            "add element ip {t} {} {{ {} }}",
            port_map(r),
            port_element(r)
        );
    }
    s
}

pub(super) fn remove_ports_script(t: &str, rules: &[PortRule]) -> String {
    let mut s = skeleton(t);
    for r in rules {
        let _ = writeln!(
            s,
            "add element ip {t} {} {{ {} }}",
            port_map(r),
            port_element(r)
        );
    }
    for r in rules {
        let _ = writeln!(
            s,
            "delete element ip {t} {} {{ {} }}",
            port_map(r),
            port_key(r)
        );
    }
    s
}

/// Deletes elements known to be present (no add first).
pub(super) fn delete_ports_script(t: &str, rules: &[PortRule]) -> String {
    let mut s = String::new();
    for r in rules {
        let _ = writeln!(
            s,
            "delete element ip {t} {} {{ {} }}",
            port_map(r),
            port_key(r)
        );
    }
    s
}

/// The `{"set": …}` or `{"map": …}` objects of an `nft -j list` output.
fn objects<'a>(json: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    json.get("nftables")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(move |o| o.get(kind))
}

fn elements<'a>(json: &'a Value, kind: &'a str, name: &'a str) -> impl Iterator<Item = &'a Value> {
    objects(json, kind)
        .filter(move |o| o.get("name").and_then(Value::as_str) == Some(name))
        .filter_map(|o| o.get("elem").and_then(Value::as_array))
        .flatten()
        // Elements with a timeout or comment come wrapped as {"elem":{"val":…}}.
        .map(|e| e.pointer("/elem/val").unwrap_or(e))
}

pub(super) fn set_strings(json: &Value, set: &str) -> Vec<String> {
    elements(json, "set", set)
        .filter_map(|e| e.as_str().map(str::to_string))
        .collect()
}

fn concat(v: &Value) -> Option<&Vec<Value>> {
    v.pointer("/elem/val")
        .unwrap_or(v)
        .get("concat")
        .and_then(Value::as_array)
}

fn as_proto(v: &Value) -> Option<Proto> {
    match v {
        Value::String(s) => Proto::parse(s),
        Value::Number(n) => Proto::parse(&n.to_string()),
        _ => None,
    }
}

fn as_port(v: &Value) -> Option<u16> {
    v.as_u64().and_then(|p| u16::try_from(p).ok())
}

fn as_ip(v: &Value) -> Option<Ipv4Addr> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// Port rules from both maps; elements berth did not write are skipped.
pub(super) fn parse_ports(json: &Value) -> Vec<PortRule> {
    let mut out = Vec::new();
    for map in ["ports_ip", "ports_any"] {
        for pair in elements(json, "map", map) {
            let (Some(k), Some(v)) = (pair.get(0).and_then(concat), pair.get(1).and_then(concat))
            else {
                continue;
            };
            let (host_ip, proto, port) = match k.as_slice() {
                [ip, proto, port] => (as_ip(ip).map(Some), as_proto(proto), as_port(port)),
                [proto, port] => (Some(None), as_proto(proto), as_port(port)),
                _ => continue,
            };
            let (Some(host_ip), Some(proto), Some(host_port)) = (host_ip, proto, port) else {
                continue;
            };
            let (Some(ctr_ip), Some(ctr_port)) =
                (v.first().and_then(as_ip), v.get(1).and_then(as_port))
            else {
                continue;
            };
            out.push(PortRule {
                proto,
                host_ip,
                host_port,
                ctr_ip,
                ctr_port,
            });
        }
    }
    out
}

pub(super) fn parse_forward_drop(json: &Value, own_table: &str) -> Vec<String> {
    objects(json, "chain")
        .filter(|c| {
            c.get("hook").and_then(Value::as_str) == Some("forward")
                && c.get("policy").and_then(Value::as_str) == Some("drop")
                && matches!(c.get("family").and_then(Value::as_str), Some("ip" | "inet"))
                && c.get("table").and_then(Value::as_str) != Some(own_table)
        })
        .map(|c| {
            let s = |k| c.get(k).and_then(Value::as_str).unwrap_or("?");
            format!("{} {} {}", s("family"), s("table"), s("name"))
        })
        .collect()
}

//! The iptables backend, for hosts without `nft`.
//!
//! berth owns five chains (`BERTH-DNAT`, `BERTH-POSTROUTING` in nat;
//! `BERTH-FORWARD`, `BERTH-ISOLATION-1`, `BERTH-ISOLATION-2` in filter)
//! jumped to from the built-in chains. Every rule carries a comment:
//! `berth` (jumps), `berth:net:<bridge>` (a network's rules) or
//! `berth:port` (a published port), so it can be found and removed without
//! remembering anything. Each call reads the ruleset once (`iptables-save`)
//! and applies the difference in one atomic `iptables-restore --noflush`.
//!
//! Isolation follows docker's two stages: traffic leaving a berth bridge
//! for elsewhere goes to ISOLATION-2, which drops it if "elsewhere" is
//! another berth bridge. Because these rules sit in `FORWARD` itself, they
//! also work when its policy is DROP (docker or ufw installed).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use super::{
    check_bridge, find_binary, run, write_sysctls, Firewall, FirewallError, NetworkRules, PortRule,
    Proto,
};

const JUMP_TAG: &str = "berth";
const PORT_TAG: &str = "berth:port";

/// One rule as `iptables-save` prints it: table, chain, and the arguments
/// after `-A CHAIN`, unquoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rule {
    pub table: &'static str,
    pub chain: String,
    pub args: Vec<String>,
}

impl Rule {
    fn new(table: &'static str, chain: &str, args: &str) -> Rule {
        Rule {
            table,
            chain: chain.to_string(),
            args: args.split_whitespace().map(str::to_string).collect(),
        }
    }

    fn comment(&self) -> Option<&str> {
        self.args
            .windows(2)
            .find(|w| w[0] == "--comment")
            .map(|w| w[1].as_str())
    }

    fn line(&self, op: &str) -> String {
        format!("{op} {} {}", self.chain, self.args.join(" "))
    }
}

/// The `filter` and `nat` tables of an `iptables-save` dump.
#[derive(Debug, Default)]
pub(super) struct Saved {
    pub chains: BTreeSet<(&'static str, String)>,
    pub rules: Vec<Rule>,
}

/// The iptables backend.
#[derive(Debug, Clone)]
pub struct Iptables {
    save: PathBuf,
    restore: PathBuf,
    prefix: String,
    proc_sys: PathBuf,
}

impl Iptables {
    /// berth's own chains, `BERTH-*`.
    pub fn new() -> Result<Self, FirewallError> {
        Self::with_prefix("BERTH")
    }

    /// Chains named `<prefix>-*` (tests use their own prefix so they never
    /// touch a real installation's rules).
    pub fn with_prefix(prefix: &str) -> Result<Self, FirewallError> {
        // iptables chain names are at most 28 characters.
        if prefix.is_empty()
            || prefix.len() > 16
            || !prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(FirewallError::Parse {
                command: "Iptables::with_prefix".into(),
                reason: format!("{prefix:?} is not a valid chain prefix (1-16 of A-Z, 0-9, _)"),
            });
        }
        let missing = |binary| FirewallError::Missing {
            backend: "iptables",
            binary,
        };
        let iptables = find_binary("iptables").ok_or(missing("iptables"))?;
        // Use the save/restore that belong to the iptables found, so both
        // talk to the same backend (nf_tables or legacy).
        let dir = iptables.parent().unwrap_or(Path::new("/usr/sbin"));
        let sibling = |name: &'static str| {
            let p = dir.join(name);
            if p.exists() {
                Ok(p)
            } else {
                find_binary(name).ok_or(missing(name))
            }
        };
        Ok(Iptables {
            save: sibling("iptables-save")?,
            restore: sibling("iptables-restore")?,
            prefix: prefix.to_string(),
            proc_sys: PathBuf::from("/proc/sys"),
        })
    }

    /// An instance with the given binaries, for unit tests of the plans.
    #[cfg(test)]
    pub(super) fn fake(prefix: &str) -> Self {
        Iptables {
            save: PathBuf::from("/nonexistent/iptables-save"),
            restore: PathBuf::from("/nonexistent/iptables-restore"),
            prefix: prefix.to_string(),
            proc_sys: PathBuf::from("/nonexistent"),
        }
    }

    fn chain(&self, suffix: &str) -> String {
        format!("{}-{suffix}", self.prefix)
    }

    fn read(&self) -> Result<Saved, FirewallError> {
        Ok(parse_save(&run(&self.save, &[], None)?))
    }

    fn apply(&self, script: &str) -> Result<(), FirewallError> {
        if script.is_empty() {
            return Ok(());
        }
        run(&self.restore, &["-w", "--noflush"], Some(script)).map(drop)
    }

    fn ours(&self, r: &Rule) -> bool {
        r.chain.starts_with(&format!("{}-", self.prefix))
    }

    /// The chains and jumps every other rule relies on.
    pub(super) fn base(&self) -> (Vec<(&'static str, String)>, Vec<Rule>) {
        let c = |s| self.chain(s);
        let chains = vec![
            ("filter", c("FORWARD")),
            ("filter", c("ISOLATION-1")),
            ("filter", c("ISOLATION-2")),
            ("nat", c("DNAT")),
            ("nat", c("POSTROUTING")),
        ];
        let tag = format!("-m comment --comment {JUMP_TAG}");
        let jumps = vec![
            Rule::new("filter", "FORWARD", &format!("{tag} -j {}", c("FORWARD"))),
            // Isolation must come before the accepts in BERTH-FORWARD.
            Rule::new(
                "filter",
                &c("FORWARD"),
                &format!("{tag} -j {}", c("ISOLATION-1")),
            ),
            Rule::new(
                "nat",
                "PREROUTING",
                &format!("-m addrtype --dst-type LOCAL {tag} -j {}", c("DNAT")),
            ),
            Rule::new(
                "nat",
                "OUTPUT",
                &format!("-m addrtype --dst-type LOCAL {tag} -j {}", c("DNAT")),
            ),
            Rule::new(
                "nat",
                "POSTROUTING",
                &format!("{tag} -j {}", c("POSTROUTING")),
            ),
        ];
        (chains, jumps)
    }

    /// A network's rules, in the order `iptables-save` prints their
    /// arguments (so they compare equal with what is installed).
    pub(super) fn network_rules(&self, n: &NetworkRules) -> Vec<Rule> {
        let (x, net) = (&n.bridge, n.subnet.trunc());
        let tag = format!("-m comment --comment berth:net:{x}");
        let (fwd, iso1, iso2, post) = (
            self.chain("FORWARD"),
            self.chain("ISOLATION-1"),
            self.chain("ISOLATION-2"),
            self.chain("POSTROUTING"),
        );
        let mut r = Vec::new();
        if n.internal {
            r.push(Rule::new(
                "filter",
                &fwd,
                &format!("-i {x} -o {x} {tag} -j ACCEPT"),
            ));
            r.push(Rule::new(
                "filter",
                &iso1,
                &format!("-i {x} ! -o {x} {tag} -j DROP"),
            ));
            r.push(Rule::new(
                "filter",
                &iso1,
                &format!("-o {x} ! -i {x} {tag} -j DROP"),
            ));
        } else {
            let ct = "-m conntrack --ctstate";
            r.extend([
                Rule::new(
                    "filter",
                    &fwd,
                    &format!("-o {x} {ct} RELATED,ESTABLISHED {tag} -j ACCEPT"),
                ),
                Rule::new("filter", &fwd, &format!("-o {x} {ct} DNAT {tag} -j ACCEPT")),
                Rule::new("filter", &fwd, &format!("-i {x} {tag} -j ACCEPT")),
                // Published ports stay reachable from other networks.
                Rule::new(
                    "filter",
                    &iso1,
                    &format!("-i {x} ! -o {x} -m conntrack ! --ctstate DNAT {tag} -j {iso2}"),
                ),
                Rule::new(
                    "nat",
                    &post,
                    &format!("-s {net} ! -o {x} {tag} -j MASQUERADE"),
                ),
            ]);
        }
        r.extend([
            // Unsolicited traffic routed to a container (as docker drops it).
            Rule::new("filter", &fwd, &format!("-o {x} {tag} -j DROP")),
            Rule::new("filter", &iso2, &format!("-o {x} {tag} -j DROP")),
            // The host reaching 127.0.0.1:PORT: containers cannot answer 127/8.
            Rule::new(
                "nat",
                &post,
                &format!("-s 127.0.0.0/8 -o {x} {tag} -j MASQUERADE"),
            ),
            // Hairpin: a container reaching a published port of its network.
            Rule::new(
                "nat",
                &post,
                &format!("-s {net} -o {x} -m conntrack --ctstate DNAT {tag} -j MASQUERADE"),
            ),
        ]);
        r
    }

    pub(super) fn port_rule(&self, p: &PortRule) -> Rule {
        let dst = p
            .host_ip
            .map(|ip| format!("-d {ip}/32 "))
            .unwrap_or_default();
        Rule::new(
            "nat",
            &self.chain("DNAT"),
            &format!(
                "{dst}-p {0} -m {0} --dport {1} -m comment --comment {PORT_TAG} -j DNAT --to-destination {2}:{3}",
                p.proto, p.host_port, p.ctr_ip, p.ctr_port
            ),
        )
    }

    /// Script lines creating whatever of the base is missing.
    fn base_fixups(&self, saved: &Saved, script: &mut Script) {
        let (chains, jumps) = self.base();
        for (table, chain) in chains {
            if !saved.chains.contains(&(table, chain.clone())) {
                // Declaring a chain flushes it under --noflush: only new ones.
                script.push(table, format!(":{chain} - [0:0]"));
            }
        }
        for j in jumps {
            if !saved.rules.contains(&j) {
                script.push(j.table, format!("-I {} 1 {}", j.chain, j.args.join(" ")));
            }
        }
    }

    fn list_ports_in(&self, saved: &Saved) -> Vec<PortRule> {
        let dnat = self.chain("DNAT");
        saved
            .rules
            .iter()
            .filter(|r| r.table == "nat" && r.chain == dnat && r.comment() == Some(PORT_TAG))
            .filter_map(parse_port_rule)
            .collect()
    }
}

impl Iptables {
    /// What `ensure_network` changes, given the installed ruleset.
    pub(super) fn plan_ensure(&self, saved: &Saved, n: &NetworkRules) -> Script {
        let mut script = Script::default();
        self.base_fixups(saved, &mut script);
        let mut installed = self.network_installed(saved, &n.bridge);
        let mut wanted = self.network_rules(n);
        // Only the order within a chain matters (the dump lists chain by chain).
        installed.sort_by(|a, b| (a.table, &a.chain).cmp(&(b.table, &b.chain)));
        wanted.sort_by(|a, b| (a.table, &a.chain).cmp(&(b.table, &b.chain)));
        // Rule order matters within a chain, so anything short of an exact
        // match (a crash midway, a changed --internal) is redone whole.
        if installed.len() != wanted.len() || installed.iter().zip(&wanted).any(|(a, b)| *a != b) {
            for r in installed {
                script.push(r.table, r.line("-D"));
            }
            for r in &wanted {
                script.push(r.table, r.line("-A"));
            }
        }
        script
    }

    fn network_installed<'a>(&self, saved: &'a Saved, bridge: &str) -> Vec<&'a Rule> {
        let tag = format!("berth:net:{bridge}");
        saved
            .rules
            .iter()
            .filter(|r| self.ours(r) && r.comment() == Some(tag.as_str()))
            .collect()
    }

    pub(super) fn plan_remove_network(&self, saved: &Saved, bridge: &str) -> Script {
        let mut script = Script::default();
        for r in self.network_installed(saved, bridge) {
            script.push(r.table, r.line("-D"));
        }
        script
    }

    pub(super) fn plan_add_ports(
        &self,
        saved: &Saved,
        rules: &[PortRule],
    ) -> Result<Script, FirewallError> {
        let present = self.list_ports_in(saved);
        let mut all = present.clone();
        all.extend_from_slice(rules);
        if let Some((wanted, existing)) = super::first_conflict(rules, &all) {
            return Err(FirewallError::PortInUse { wanted, existing });
        }
        let mut script = Script::default();
        self.base_fixups(saved, &mut script);
        let mut added: Vec<&PortRule> = Vec::new();
        for p in rules.iter().filter(|p| !present.contains(p)) {
            if !added.contains(&p) {
                script.push("nat", self.port_rule(p).line("-A"));
                added.push(p);
            }
        }
        Ok(script)
    }

    pub(super) fn plan_remove_ports(&self, saved: &Saved, rules: &[PortRule]) -> Script {
        let mut script = Script::default();
        for p in self
            .list_ports_in(saved)
            .iter()
            .filter(|p| rules.contains(p))
        {
            script.push("nat", self.port_rule(p).line("-D"));
        }
        script
    }
}

impl Firewall for Iptables {
    fn name(&self) -> &'static str {
        "iptables"
    }

    fn ensure_network(&self, n: &NetworkRules) -> Result<(), FirewallError> {
        check_bridge(&n.bridge)?;
        let saved = self.read()?;
        self.apply(&self.plan_ensure(&saved, n).render())?;
        write_sysctls(&self.proc_sys, &n.bridge)
    }

    fn remove_network(&self, n: &NetworkRules) -> Result<(), FirewallError> {
        check_bridge(&n.bridge)?;
        let saved = self.read()?;
        self.apply(&self.plan_remove_network(&saved, &n.bridge).render())
    }

    fn add_ports(&self, rules: &[PortRule]) -> Result<(), FirewallError> {
        if rules.is_empty() {
            return Ok(());
        }
        let saved = self.read()?;
        self.apply(&self.plan_add_ports(&saved, rules)?.render())
    }

    fn remove_ports(&self, rules: &[PortRule]) -> Result<(), FirewallError> {
        if rules.is_empty() {
            return Ok(());
        }
        let saved = self.read()?;
        self.apply(&self.plan_remove_ports(&saved, rules).render())
    }

    fn list_ports(&self) -> Result<Vec<PortRule>, FirewallError> {
        Ok(self.list_ports_in(&self.read()?))
    }

    fn list_networks(&self) -> Result<Vec<String>, FirewallError> {
        let saved = self.read()?;
        let names: BTreeSet<String> = saved
            .rules
            .iter()
            .filter(|r| self.ours(r))
            .filter_map(|r| r.comment()?.strip_prefix("berth:net:").map(str::to_string))
            .collect();
        Ok(names.into_iter().collect())
    }

    fn remove_all(&self) -> Result<(), FirewallError> {
        let saved = self.read()?;
        let (chains, jumps) = self.base();
        let mut script = Script::default();
        for j in jumps
            .iter()
            .filter(|j| !self.ours(j) && saved.rules.contains(j))
        {
            script.push(j.table, j.line("-D"));
        }
        let present: Vec<_> = chains
            .into_iter()
            .filter(|c| saved.chains.contains(c))
            .collect();
        // Flush all before deleting any: our chains jump to each other.
        for (table, chain) in &present {
            script.push(table, format!("-F {chain}"));
        }
        for (table, chain) in &present {
            script.push(table, format!("-X {chain}"));
        }
        self.apply(&script.render())
    }
}

/// An `iptables-restore` input, grouped by table.
#[derive(Debug, Default)]
pub(super) struct Script {
    filter: Vec<String>,
    nat: Vec<String>,
}

impl Script {
    fn push(&mut self, table: &str, line: String) {
        if table == "nat" {
            self.nat.push(line);
        } else {
            self.filter.push(line);
        }
    }

    /// Empty when there is nothing to do, so no process is spawned.
    pub(super) fn render(&self) -> String {
        let mut s = String::new();
        for (table, lines) in [("filter", &self.filter), ("nat", &self.nat)] {
            if lines.is_empty() {
                continue;
            }
            let _ = writeln!(s, "*{table}");
            for l in lines {
                let _ = writeln!(s, "{l}");
            }
            let _ = writeln!(s, "COMMIT");
        }
        s
    }
}

/// Splits a save line into words, undoing iptables-save's quoting
/// (`--comment "berth:net:br0"`).
pub(super) fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut in_word, mut chars) = (false, false, line.chars());
    while let Some(ch) = chars.next() {
        match ch {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            '\\' if quoted => cur.extend(chars.next()),
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

pub(super) fn parse_save(text: &str) -> Saved {
    let mut saved = Saved::default();
    let mut table: Option<&'static str> = None;
    for line in text.lines() {
        if let Some(t) = line.strip_prefix('*') {
            table = match t.trim() {
                "filter" => Some("filter"),
                "nat" => Some("nat"),
                _ => None,
            };
            continue;
        }
        let Some(table) = table else { continue };
        if let Some(decl) = line.strip_prefix(':') {
            if let Some(name) = decl.split_whitespace().next() {
                saved.chains.insert((table, name.to_string()));
            }
        } else if line.starts_with("-A ") {
            let mut words = split_words(line).into_iter().skip(1);
            if let Some(chain) = words.next() {
                saved.rules.push(Rule {
                    table,
                    chain,
                    args: words.collect(),
                });
            }
        }
    }
    saved
}

/// A published port back from its DNAT rule.
pub(super) fn parse_port_rule(r: &Rule) -> Option<PortRule> {
    let arg = |flag: &str| {
        r.args
            .windows(2)
            .find(|w| w[0] == flag)
            .map(|w| w[1].as_str())
    };
    let host_ip = match arg("-d") {
        Some(d) => Some(d.trim_end_matches("/32").parse::<Ipv4Addr>().ok()?),
        None => None,
    };
    let (ctr_ip, ctr_port) = arg("--to-destination")?.split_once(':')?;
    Some(PortRule {
        proto: Proto::parse(arg("-p")?)?,
        host_ip,
        host_port: arg("--dport")?.parse().ok()?,
        ctr_ip: ctr_ip.parse().ok()?,
        ctr_port: ctr_port.parse().ok()?,
    })
}

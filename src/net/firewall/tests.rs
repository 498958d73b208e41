//! Unit tests: the scripts and commands each backend generates, and the
//! parsing of what the tools print. No root, no kernel.

use std::net::Ipv4Addr;

use super::iptables::{parse_port_rule, parse_save, split_words, Iptables};
use super::nft;
use super::*;

fn net(bridge: &str, subnet: &str, internal: bool) -> NetworkRules {
    NetworkRules {
        bridge: bridge.into(),
        subnet: subnet.parse().unwrap(),
        internal,
    }
}

fn port(
    proto: Proto,
    host_ip: Option<[u8; 4]>,
    host_port: u16,
    ctr: [u8; 4],
    ctr_port: u16,
) -> PortRule {
    PortRule {
        proto,
        host_ip: host_ip.map(Ipv4Addr::from),
        host_port,
        ctr_ip: Ipv4Addr::from(ctr),
        ctr_port,
    }
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

#[test]
fn nft_ensure_network_adds_the_networks_elements_and_drops_the_internal_flag() {
    let s = nft::ensure_network_script("berth", &net("br-0123456789ab", "10.88.0.1/24", false));
    let l = lines(&s);
    assert_eq!(l[0], "add table ip berth");
    for want in [
        "add element ip berth bridges { \"br-0123456789ab\" }",
        "add element ip berth same_bridge { \"br-0123456789ab\" . \"br-0123456789ab\" }",
        // Host bits are cleared: nft wants a network address.
        "add element ip berth subnets { 10.88.0.0/24 }",
        "add element ip berth masq_subnets { 10.88.0.0/24 }",
        "delete element ip berth internal { \"br-0123456789ab\" }",
        "flush chain ip berth forward",
        "add rule ip berth forward iifname @bridges oifname @bridges drop",
        "add rule ip berth ports dnat ip to meta l4proto . th dport map @ports_any",
    ] {
        assert!(l.contains(&want), "missing {want:?} in\n{s}");
    }
    // The delete of an absent element is made safe by an add just before.
    let add = l
        .iter()
        .position(|x| *x == "add element ip berth internal { \"br-0123456789ab\" }");
    let del = l
        .iter()
        .position(|x| *x == "delete element ip berth internal { \"br-0123456789ab\" }");
    assert!(add.is_some() && add < del);
    // Base chains are flushed before their rules are added again.
    let flush = l
        .iter()
        .position(|x| *x == "flush chain ip berth postrouting");
    let rule = l
        .iter()
        .position(|x| x.starts_with("add rule ip berth postrouting"));
    assert!(flush.is_some() && flush < rule);
}

#[test]
fn nft_fast_paths_only_add_elements_and_check_the_rules_marker() {
    let n = net("b1", "10.1.2.0/24", false);
    let s = nft::ensure_network_fast("t", &n);
    let l = lines(&s);
    assert_eq!(l[0], "add element ip t rules_v1 { \"ok\" }");
    assert!(l.iter().all(|x| x.starts_with("add element ip t ")), "{s}");
    assert!(l.contains(&"add element ip t masq_subnets { 10.1.2.0/24 }"));
    let p = port(Proto::Tcp, None, 80, [10, 1, 2, 3], 8080);
    let s = nft::add_ports_fast("t", &[p]);
    assert_eq!(
        s,
        "add element ip t rules_v1 { \"ok\" }\nadd element ip t ports_any { tcp . 80 : 10.1.2.3 . 8080 }\n"
    );
    // The full scripts create the marker together with the chains' rules.
    let full = nft::ensure_network_script("t", &n);
    let full = lines(&full);
    let marker = full
        .iter()
        .position(|x| *x == "add element ip t rules_v1 { \"ok\" }");
    let last_flush = full.iter().rposition(|x| x.starts_with("flush chain"));
    assert!(marker > last_flush, "{full:?}");
}

#[test]
fn nft_internal_network_is_never_masqueraded() {
    let s = nft::ensure_network_script("t", &net("b1", "10.1.2.0/24", true));
    let l = lines(&s);
    assert!(l.contains(&"add element ip t internal { \"b1\" }"));
    assert!(l.contains(&"delete element ip t masq_subnets { 10.1.2.0/24 }"));
    assert!(
        !l.contains(&"add element ip t masq_subnets { 10.1.2.0/24 }")
            || l.iter()
                .rposition(|x| *x == "delete element ip t masq_subnets { 10.1.2.0/24 }")
                > l.iter()
                    .rposition(|x| *x == "add element ip t masq_subnets { 10.1.2.0/24 }")
    );
}

#[test]
fn nft_remove_network_deletes_every_element_after_adding_it() {
    let s = nft::remove_network_script("t", &net("b1", "10.1.2.0/24", false));
    let adds = s.lines().filter(|l| l.starts_with("add element")).count();
    let dels: Vec<_> = s
        .lines()
        .filter(|l| l.starts_with("delete element"))
        .collect();
    assert_eq!(adds, 5);
    assert_eq!(dels.len(), 5);
    assert!(dels.contains(&"delete element ip t same_bridge { \"b1\" . \"b1\" }"));
    // Removal never touches the chains.
    assert!(!s.contains("chain"));
}

#[test]
fn nft_port_elements_are_keyed_by_address_protocol_and_port() {
    let rules = [
        port(Proto::Tcp, None, 18080, [10, 88, 0, 2], 8080),
        port(Proto::Udp, Some([127, 0, 0, 1]), 53, [10, 88, 0, 2], 5353),
    ];
    let s = nft::add_ports_script("t", &rules);
    let l = lines(&s);
    assert!(l.contains(&"add element ip t ports_any { tcp . 18080 : 10.88.0.2 . 8080 }"));
    assert!(l.contains(&"add element ip t ports_ip { 127.0.0.1 . udp . 53 : 10.88.0.2 . 5353 }"));
    let s = nft::remove_ports_script("t", &rules);
    let l = lines(&s);
    assert!(l.contains(&"add element ip t ports_any { tcp . 18080 : 10.88.0.2 . 8080 }"));
    assert!(l.contains(&"delete element ip t ports_any { tcp . 18080 }"));
    assert!(l.contains(&"delete element ip t ports_ip { 127.0.0.1 . udp . 53 }"));
    assert_eq!(
        nft::delete_ports_script("t", &rules[..1]),
        "delete element ip t ports_any { tcp . 18080 }\n"
    );
}

/// Captured from `nft -j list table ip …` (nft 1.0.6).
const NFT_JSON: &str = r#"{"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
 {"table": {"family": "ip", "name": "t", "handle": 9}},
 {"set": {"family": "ip", "name": "bridges", "table": "t", "type": "ifname", "handle": 1, "elem": ["br0x", "berth0"]}},
 {"set": {"family": "ip", "name": "subnets", "table": "t", "type": "ipv4_addr", "flags": ["interval"], "elem": [{"prefix": {"addr": "10.198.7.0", "len": 24}}]}},
 {"map": {"family": "ip", "name": "ports_any", "table": "t", "type": ["inet_proto", "inet_service"], "map": "ipv4_addr . inet_service",
   "elem": [[{"concat": ["tcp", 18080]}, {"concat": ["10.198.7.2", 8080]}], [{"concat": [132, 9]}, {"concat": ["10.198.7.3", 9]}]]}},
 {"map": {"family": "ip", "name": "ports_ip", "table": "t", "type": ["ipv4_addr", "inet_proto", "inet_service"], "map": "ipv4_addr . inet_service",
   "elem": [[{"concat": ["127.0.0.1", "udp", 53]}, {"concat": ["10.198.7.2", 53]}], [{"concat": ["bogus", "udp", 53]}, {"concat": ["10.198.7.2", 53]}]]}},
 {"chain": {"family": "ip", "table": "t", "name": "forward", "handle": 12, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}}]}"#;

#[test]
fn nft_listing_reads_ports_and_bridges_back() {
    let json: serde_json::Value = serde_json::from_str(NFT_JSON).unwrap();
    let mut ports = nft::parse_ports(&json);
    ports.sort_by_key(|p| (p.host_port, p.proto));
    assert_eq!(
        ports,
        vec![
            port(Proto::Sctp, None, 9, [10, 198, 7, 3], 9),
            port(Proto::Udp, Some([127, 0, 0, 1]), 53, [10, 198, 7, 2], 53),
            port(Proto::Tcp, None, 18080, [10, 198, 7, 2], 8080),
        ]
    );
    assert_eq!(nft::set_strings(&json, "bridges"), ["br0x", "berth0"]);
    assert!(nft::set_strings(&json, "nosuch").is_empty());
}

#[test]
fn nft_reports_drop_policies_of_other_tables_on_the_forward_hook() {
    let json: serde_json::Value = serde_json::from_str(
        r#"{"nftables": [
        {"chain": {"family": "ip", "table": "filter", "name": "FORWARD", "hook": "forward", "policy": "drop"}},
        {"chain": {"family": "ip", "table": "berth", "name": "forward", "hook": "forward", "policy": "drop"}},
        {"chain": {"family": "inet", "table": "fw", "name": "fwd", "hook": "forward", "policy": "accept"}},
        {"chain": {"family": "ip6", "table": "filter", "name": "FORWARD", "hook": "forward", "policy": "drop"}}]}"#,
    )
    .unwrap();
    assert_eq!(
        nft::parse_forward_drop(&json, "berth"),
        ["ip filter FORWARD"]
    );
}

#[test]
fn a_host_port_published_elsewhere_is_a_conflict_but_the_same_rule_is_not() {
    let a = port(Proto::Tcp, None, 80, [10, 0, 0, 2], 80);
    let b = port(Proto::Tcp, None, 80, [10, 0, 0, 3], 80);
    let c = port(Proto::Udp, None, 80, [10, 0, 0, 3], 80);
    let d = port(Proto::Tcp, Some([127, 0, 0, 1]), 80, [10, 0, 0, 3], 80);
    assert_eq!(
        first_conflict(std::slice::from_ref(&b), std::slice::from_ref(&a)),
        Some((b, a.clone()))
    );
    assert_eq!(
        first_conflict(std::slice::from_ref(&a), &[a.clone(), c, d]),
        None
    );
}

#[test]
fn bridge_names_that_could_inject_into_a_script_are_refused() {
    for ok in ["berth0", "br-0123456789ab", "a.b_c"] {
        assert!(check_bridge(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "br0\" }; flush ruleset",
        "has space",
        "sixteen-chars-xx",
        "br/0",
    ] {
        assert!(
            matches!(check_bridge(bad), Err(FirewallError::BadBridge(_))),
            "{bad}"
        );
    }
}

#[test]
fn proto_names_match_docker_and_nft() {
    assert_eq!(serde_json::to_string(&Proto::Sctp).unwrap(), "\"sctp\"");
    assert_eq!(Proto::parse("17"), Some(Proto::Udp));
    assert_eq!(Proto::parse("icmp"), None);
    let p = port(Proto::Tcp, None, 80, [10, 0, 0, 2], 8080);
    assert_eq!(p.to_string(), "0.0.0.0:80/tcp -> 10.0.0.2:8080");
}

#[test]
fn sysctls_are_written_once_and_a_missing_bridge_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("net/ipv4/conf/br0");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(dir.path().join("net/ipv4/ip_forward"), "0\n").unwrap();
    write_sysctls(dir.path(), "br0").unwrap();
    let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
    assert_eq!(read("net/ipv4/ip_forward"), "1\n");
    assert_eq!(read("net/ipv4/conf/br0/route_localnet"), "1\n");
    let err = write_sysctls(dir.path(), "nosuch").unwrap_err();
    assert!(
        err.to_string().contains("conf/nosuch/route_localnet"),
        "{err}"
    );
}

#[test]
fn iptables_save_words_are_unquoted() {
    assert_eq!(
        split_words(r#"-A X -o br0 -m comment --comment "berth:net:br0" -j DROP"#),
        [
            "-A",
            "X",
            "-o",
            "br0",
            "-m",
            "comment",
            "--comment",
            "berth:net:br0",
            "-j",
            "DROP"
        ]
    );
    assert_eq!(split_words(r#"a "b \"c\" d" "#), ["a", "b \"c\" d"]);
}

/// What `iptables-save` (1.8.9, nf_tables) prints after `ensure_network(br0x)`
/// and some ports, with one ISOLATION-1 rule moved up: order across chains
/// must not matter.
const SAVED: &str = r#"# Generated by iptables-save v1.8.9 (nf_tables)
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:T-FORWARD - [0:0]
:T-ISOLATION-1 - [0:0]
:T-ISOLATION-2 - [0:0]
-A FORWARD -m comment --comment berth -j T-FORWARD
-A T-FORWARD -m comment --comment berth -j T-ISOLATION-1
-A T-FORWARD -o br0x -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "berth:net:br0x" -j ACCEPT
-A T-FORWARD -o br0x -m conntrack --ctstate DNAT -m comment --comment "berth:net:br0x" -j ACCEPT
-A T-FORWARD -i br0x -m comment --comment "berth:net:br0x" -j ACCEPT
-A T-ISOLATION-1 -i br0x ! -o br0x -m conntrack ! --ctstate DNAT -m comment --comment "berth:net:br0x" -j T-ISOLATION-2
-A T-FORWARD -o br0x -m comment --comment "berth:net:br0x" -j DROP
-A T-ISOLATION-2 -o br0x -m comment --comment "berth:net:br0x" -j DROP
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
-A PREROUTING -m comment --comment "berth:net:br0x" -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:T-DNAT - [0:0]
:T-POSTROUTING - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -m comment --comment berth -j T-DNAT
-A OUTPUT -m addrtype --dst-type LOCAL -m comment --comment berth -j T-DNAT
-A POSTROUTING -m comment --comment berth -j T-POSTROUTING
-A T-DNAT -d 127.0.0.1/32 -p tcp -m tcp --dport 18080 -m comment --comment "berth:port" -j DNAT --to-destination 10.198.7.2:8080
-A T-DNAT -p sctp -m sctp --dport 9 -m comment --comment "berth:port" -j DNAT --to-destination 10.198.7.3:9
-A T-DNAT -p tcp -m tcp --dport 1 -j DNAT --to-destination 10.198.7.3:1
-A T-POSTROUTING -s 10.198.7.0/24 ! -o br0x -m comment --comment "berth:net:br0x" -j MASQUERADE
-A T-POSTROUTING -s 127.0.0.0/8 -o br0x -m comment --comment "berth:net:br0x" -j MASQUERADE
-A T-POSTROUTING -s 10.198.7.0/24 -o br0x -m conntrack --ctstate DNAT -m comment --comment "berth:net:br0x" -j MASQUERADE
COMMIT
"#;

#[test]
fn iptables_ensure_is_a_no_op_when_everything_is_installed() {
    let fw = Iptables::fake("T");
    let saved = parse_save(SAVED);
    assert_eq!(
        fw.plan_ensure(&saved, &net("br0x", "10.198.7.1/24", false))
            .render(),
        ""
    );
}

#[test]
fn iptables_ensure_on_an_empty_host_creates_chains_jumps_and_rules() {
    let fw = Iptables::fake("T");
    let s = fw
        .plan_ensure(&parse_save(""), &net("br0x", "10.198.7.0/24", false))
        .render();
    let l = lines(&s);
    assert_eq!(l[0], "*filter");
    assert!(l.contains(&":T-ISOLATION-2 - [0:0]"));
    assert!(l.contains(&"-I FORWARD 1 -m comment --comment berth -j T-FORWARD"));
    assert!(l.contains(&"-I T-FORWARD 1 -m comment --comment berth -j T-ISOLATION-1"));
    assert!(l.contains(
        &"-I PREROUTING 1 -m addrtype --dst-type LOCAL -m comment --comment berth -j T-DNAT"
    ));
    assert!(l.contains(&"-A T-POSTROUTING -s 10.198.7.0/24 ! -o br0x -m comment --comment berth:net:br0x -j MASQUERADE"));
    assert_eq!(l.iter().filter(|x| **x == "COMMIT").count(), 2);
    // The nat table comes after filter, and each rule is in its table.
    let nat = l.iter().position(|x| *x == "*nat").unwrap();
    assert!(l[nat..].iter().all(|x| !x.contains("T-ISOLATION")));
}

#[test]
fn iptables_ensure_redoes_a_network_whose_rules_differ() {
    let fw = Iptables::fake("T");
    let saved = parse_save(SAVED);
    // Now internal: the masquerade goes, isolation drops everything.
    let s = fw
        .plan_ensure(&saved, &net("br0x", "10.198.7.0/24", true))
        .render();
    let l = lines(&s);
    assert!(l.contains(&"-D T-POSTROUTING -s 10.198.7.0/24 ! -o br0x -m comment --comment berth:net:br0x -j MASQUERADE"));
    assert!(l.contains(
        &"-A T-ISOLATION-1 -o br0x ! -i br0x -m comment --comment berth:net:br0x -j DROP"
    ));
    assert!(!l.iter().any(|x| x.starts_with("-A")
        && x.contains("! -o br0x -m comment --comment berth:net:br0x -j MASQUERADE")));
    // The rule in a table berth does not own is left alone.
    assert!(!s.contains("*mangle"));
}

#[test]
fn iptables_remove_network_deletes_only_that_networks_tagged_rules() {
    let fw = Iptables::fake("T");
    let s = fw.plan_remove_network(&parse_save(SAVED), "br0x").render();
    assert_eq!(s.lines().filter(|l| l.starts_with("-D")).count(), 9);
    assert!(!s.contains("-j T-FORWARD"), "jumps stay: {s}");
    assert_eq!(
        fw.plan_remove_network(&parse_save(SAVED), "other").render(),
        ""
    );
}

#[test]
fn iptables_ports_round_trip_through_their_rules() {
    let fw = Iptables::fake("T");
    let saved = parse_save(SAVED);
    let listed: Vec<_> = saved
        .rules
        .iter()
        .filter(|r| r.chain == "T-DNAT")
        .filter_map(parse_port_rule)
        .collect();
    assert_eq!(
        listed.len(),
        3,
        "the untagged rule parses too, but is not listed"
    );
    let p = port(
        Proto::Tcp,
        Some([127, 0, 0, 1]),
        18080,
        [10, 198, 7, 2],
        8080,
    );
    assert_eq!(parse_port_rule(&fw.port_rule(&p)), Some(p.clone()));
    // Adding what is there changes nothing; removing it deletes it once.
    assert_eq!(
        fw.plan_add_ports(&saved, &[p.clone(), p.clone()])
            .unwrap()
            .render(),
        ""
    );
    let s = fw
        .plan_remove_ports(&saved, std::slice::from_ref(&p))
        .render();
    assert_eq!(
        s,
        "*nat\n-D T-DNAT -d 127.0.0.1/32 -p tcp -m tcp --dport 18080 -m comment --comment berth:port -j DNAT --to-destination 10.198.7.2:8080\nCOMMIT\n"
    );
    // Removing what is not there does nothing.
    let gone = port(Proto::Udp, None, 1, [10, 0, 0, 1], 1);
    assert_eq!(fw.plan_remove_ports(&saved, &[gone]).render(), "");
}

#[test]
fn iptables_refuses_a_host_port_published_to_another_container() {
    let fw = Iptables::fake("T");
    let saved = parse_save(SAVED);
    let taken = port(Proto::Sctp, None, 9, [10, 198, 7, 4], 9);
    match fw.plan_add_ports(&saved, &[taken]) {
        Err(FirewallError::PortInUse { existing, .. }) => {
            assert_eq!(existing.ctr_ip, Ipv4Addr::new(10, 198, 7, 3));
        }
        other => panic!("expected PortInUse, got {other:?}"),
    }
    let fresh = [
        port(Proto::Udp, None, 9, [10, 198, 7, 4], 9),
        port(Proto::Udp, None, 9, [10, 198, 7, 5], 9),
    ];
    assert!(matches!(
        fw.plan_add_ports(&saved, &fresh),
        Err(FirewallError::PortInUse { .. })
    ));
    let s = fw.plan_add_ports(&saved, &fresh[..1]).unwrap().render();
    assert!(s.contains("-A T-DNAT -p udp -m udp --dport 9 -m comment --comment berth:port -j DNAT --to-destination 10.198.7.4:9"));
}

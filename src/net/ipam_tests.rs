use super::*;

fn net(s: &str) -> Ipv4Net {
    s.parse().expect("subnet")
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().expect("address")
}

fn req(name: &str) -> CreateNetwork {
    CreateNetwork {
        name: name.to_string(),
        driver: "bridge".to_string(),
        ..CreateNetwork::default()
    }
}

fn plan(r: &CreateNetwork, nets: &[NetworkRecord], host: &[Ipv4Net]) -> Result<NetworkRecord> {
    plan_network(
        r,
        nets,
        host,
        format!("{:0>64}", nets.len() + 1),
        Utc::now(),
    )
}

fn with_subnet(name: &str, subnet: &str) -> NetworkRecord {
    let mut r = req(name);
    r.subnet = Some(net(subnet));
    plan(&r, &[], &[]).expect("plan")
}

fn lease_req(net: &NetworkRecord, ctr: &str) -> LeaseRequest {
    LeaseRequest {
        network_id: net.id.clone(),
        container_id: ctr.to_string(),
        container_name: format!("name-{ctr}"),
        ..LeaseRequest::default()
    }
}

/// Leases one address after another, as the store would.
fn lease_all(net: &NetworkRecord, ctrs: &[&str], leases: &mut Vec<Lease>) -> Vec<Ipv4Addr> {
    ctrs.iter()
        .map(|c| {
            let l = plan_lease(&lease_req(net, c), net, leases, Utc::now()).expect("lease");
            leases.push(l.clone());
            l.ip
        })
        .collect()
}

fn message(e: NetStoreError) -> String {
    e.to_string()
}

#[test]
fn names_follow_dockers_rule() {
    for good in ["a", "app-net", "A.b_c-9", "0net"] {
        assert!(check_name(good).is_ok(), "{good}");
    }
    for bad in ["", "-net", ".net", "_net", "a b", "a/b", "née", "a:b"] {
        let e = check_name(bad).expect_err(bad);
        assert!(message(e).contains("invalid network name"), "{bad}");
    }
}

#[test]
fn predefined_and_taken_names_are_refused() {
    for name in ["bridge", "host", "none"] {
        let e = plan(&req(name), &[], &[]).expect_err(name);
        assert_eq!(
            message(e),
            format!("network with name {name} already exists")
        );
    }
    let first = plan(&req("app"), &[], &[]).expect("plan");
    let e = plan(&req("app"), &[first], &[]).expect_err("duplicate");
    assert_eq!(message(e), "network with name app already exists");
}

#[test]
fn only_the_bridge_driver_is_accepted() {
    let mut r = req("x");
    r.driver = String::new();
    assert_eq!(plan(&r, &[], &[]).expect("default").driver, "bridge");
    r.driver = "overlay".into();
    assert!(
        message(plan(&r, &[], &[]).expect_err("overlay")).contains("plugin \"overlay\" not found")
    );
    r.driver = "host".into();
    assert!(
        message(plan(&r, &[], &[]).expect_err("host")).contains("only one instance of \"host\"")
    );
}

#[test]
fn user_networks_take_the_pool_in_order_skipping_overlaps() {
    let host = [net("10.89.1.0/24"), net("10.89.4.0/22")];
    let mut nets = Vec::new();
    for _ in 0..4 {
        let n = plan(&req(&format!("n{}", nets.len())), &nets, &host).expect("plan");
        nets.push(n);
    }
    let subnets: Vec<String> = nets.iter().map(|n| n.subnet.to_string()).collect();
    assert_eq!(
        subnets,
        [
            "10.89.0.0/24",
            "10.89.2.0/24",
            "10.89.3.0/24",
            "10.89.8.0/24"
        ]
    );
    assert_eq!(nets[0].gateway, ip("10.89.0.1"));
    assert_eq!(nets[0].bridge, format!("br-{}", &nets[0].id[..12]));
}

#[test]
fn a_given_subnet_must_not_overlap_networks_or_host_routes() {
    let existing = with_subnet("a", "172.30.0.0/16");
    let mut r = req("b");
    r.subnet = Some(net("172.30.5.0/24"));
    let e = message(plan(&r, std::slice::from_ref(&existing), &[]).expect_err("overlap"));
    assert!(
        e.starts_with("Pool overlaps with other one on this address space"),
        "{e}"
    );
    assert!(e.contains("network a (172.30.0.0/16)"), "{e}");

    r.subnet = Some(net("192.168.0.0/16"));
    let e = message(plan(&r, &[], &[net("192.168.7.0/24")]).expect_err("host route"));
    assert!(e.contains("the host route to 192.168.7.0/24"), "{e}");

    r.subnet = Some(net("172.31.0.0/16"));
    assert!(plan(&r, &[existing], &[]).is_ok());
}

#[test]
fn subnets_must_be_canonical_and_large_enough() {
    let mut r = req("x");
    r.subnet = Some(net("10.1.2.3/24"));
    assert_eq!(
        message(plan(&r, &[], &[]).expect_err("host bits")),
        "invalid subnet 10.1.2.3/24: it should be 10.1.2.0/24"
    );
    r.subnet = Some(net("10.1.2.0/31"));
    assert!(message(plan(&r, &[], &[]).expect_err("small")).contains("too small"));
}

#[test]
fn gateways_lie_inside_the_subnet_and_are_not_its_edges() {
    let mut r = req("x");
    r.subnet = Some(net("10.20.0.0/24"));
    r.gateway = Some(ip("10.20.0.254"));
    assert_eq!(plan(&r, &[], &[]).expect("gw").gateway, ip("10.20.0.254"));
    for bad in ["10.21.0.1", "10.20.0.0", "10.20.0.255"] {
        r.gateway = Some(ip(bad));
        let e = message(plan(&r, &[], &[]).expect_err(bad));
        assert!(e.starts_with(&format!("invalid gateway {bad}")), "{e}");
    }
    let mut r = req("y");
    r.gateway = Some(ip("10.20.0.1"));
    assert!(message(plan(&r, &[], &[]).expect_err("no subnet")).contains("corresponding subnet"));
}

#[test]
fn ip_ranges_lie_inside_the_subnet() {
    let mut r = req("x");
    r.subnet = Some(net("10.20.0.0/16"));
    r.ip_range = Some(net("10.21.0.0/24"));
    assert!(
        message(plan(&r, &[], &[]).expect_err("outside")).contains("within subnet 10.20.0.0/16")
    );
    r.ip_range = Some(net("10.20.5.0/24"));
    let n = plan(&r, &[], &[]).expect("range");
    let mut leases = Vec::new();
    // The gateway stays 10.20.0.1; containers start inside the range.
    assert_eq!(
        lease_all(&n, &["a", "b"], &mut leases),
        [ip("10.20.5.0"), ip("10.20.5.1")]
    );
}

#[test]
fn the_bridge_name_option_names_the_interface() {
    let mut r = req("x");
    r.options.insert(BRIDGE_NAME_OPTION.into(), "mybr0".into());
    let first = plan(&r, &[], &[]).expect("plan");
    assert_eq!(first.bridge, "mybr0");
    r.name = "y".into();
    assert!(
        message(plan(&r, &[first], &[]).expect_err("taken")).contains("already used by network x")
    );
    for bad in ["berth0", "a/b", "much-too-long-name", ""] {
        r.options.insert(BRIDGE_NAME_OPTION.into(), bad.into());
        assert!(plan(&r, &[], &[]).is_err(), "{bad}");
    }
}

#[test]
fn the_default_network_prefers_10_88_and_falls_back_to_the_pool() {
    let d = plan_default(&[], &[], "f".repeat(64), Utc::now(), DEFAULT_BRIDGE).expect("default");
    assert_eq!((d.name.as_str(), d.bridge.as_str()), ("bridge", "berth0"));
    assert_eq!(d.subnet, DEFAULT_SUBNET);
    assert_eq!(d.gateway, ip("10.88.0.1"));
    let taken = plan_default(
        &[],
        &[net("10.0.0.0/8")],
        "f".repeat(64),
        Utc::now(),
        DEFAULT_BRIDGE,
    );
    assert!(taken.is_err(), "the whole pool lies in 10/8");
    let moved = plan_default(
        &[],
        &[net("10.88.4.0/24")],
        "f".repeat(64),
        Utc::now(),
        DEFAULT_BRIDGE,
    )
    .expect("pool");
    assert_eq!(moved.subnet, net("10.89.0.0/24"));
}

#[test]
fn addresses_are_leased_in_order_after_the_gateway() {
    let n = with_subnet("a", "10.30.0.0/24");
    let mut leases = Vec::new();
    let ips = lease_all(&n, &["c1", "c2", "c3"], &mut leases);
    assert_eq!(ips, [ip("10.30.0.2"), ip("10.30.0.3"), ip("10.30.0.4")]);
    assert_eq!(leases[0].mac, "02:42:0a:1e:00:02");
    assert_eq!(leases[0].ifname, "eth0");
    assert_eq!(leases[0].host_veth.len(), 15);
    assert_eq!(leases[0].host_veth, host_veth_name("c1", &n.id));
    // A released address is the first one handed out again.
    leases.retain(|l| l.container_id != "c2");
    assert_eq!(lease_all(&n, &["c4"], &mut leases), [ip("10.30.0.3")]);
}

#[test]
fn a_gateway_in_the_middle_leases_above_it_first_then_below() {
    let mut r = req("a");
    r.subnet = Some(net("10.30.0.0/29"));
    r.gateway = Some(ip("10.30.0.5"));
    let n = plan(&r, &[], &[]).expect("plan");
    let mut leases = Vec::new();
    let ips = lease_all(&n, &["a", "b", "c", "d", "e"], &mut leases);
    let want = [
        "10.30.0.6",
        "10.30.0.1",
        "10.30.0.2",
        "10.30.0.3",
        "10.30.0.4",
    ];
    assert_eq!(ips, want.map(ip));
}

#[test]
fn a_slash_30_holds_one_container_then_says_it_is_full() {
    let n = with_subnet("tiny", "10.40.0.0/30");
    let mut leases = Vec::new();
    assert_eq!(lease_all(&n, &["a"], &mut leases), [ip("10.40.0.2")]);
    let e = plan_lease(&lease_req(&n, "b"), &n, &leases, Utc::now()).expect_err("full");
    assert!(matches!(e, NetStoreError::Exhausted { .. }));
    let text = message(e);
    assert!(text.contains("network tiny (10.40.0.0/30)"), "{text}");
}

#[test]
fn a_requested_address_must_be_free_and_usable() {
    let n = with_subnet("a", "10.50.0.0/24");
    let mut leases = Vec::new();
    let mut r = lease_req(&n, "c1");
    r.ip = Some(ip("10.50.0.77"));
    let l = plan_lease(&r, &n, &leases, Utc::now()).expect("requested");
    assert_eq!(l.ip, ip("10.50.0.77"));
    leases.push(l);
    let mut r2 = lease_req(&n, "c2");
    r2.ip = Some(ip("10.50.0.77"));
    let e = plan_lease(&r2, &n, &leases, Utc::now()).expect_err("taken");
    assert!(matches!(e, NetStoreError::AddressInUse { .. }));
    for bad in ["10.51.0.2", "10.50.0.0", "10.50.0.1", "10.50.0.255"] {
        r2.ip = Some(ip(bad));
        let e = plan_lease(&r2, &n, &leases, Utc::now()).expect_err(bad);
        assert!(message(e).starts_with(&format!("invalid address {bad}")));
    }
}

#[test]
fn one_lease_per_network_and_the_next_free_ethn_per_container() {
    let a = with_subnet("a", "10.60.0.0/24");
    let mut b = with_subnet("b", "10.61.0.0/24");
    b.id = "b".repeat(64);
    let mut leases = Vec::new();
    lease_all(&a, &["c"], &mut leases);
    let e = plan_lease(&lease_req(&a, "c"), &a, &leases, Utc::now()).expect_err("twice");
    assert_eq!(
        message(e),
        "endpoint with name name-c already exists in network a"
    );
    lease_all(&b, &["c"], &mut leases);
    assert_eq!(leases[1].ifname, "eth1");
    // eth0 freed (disconnected from a): the next network gets eth0 again.
    leases.remove(0);
    assert_eq!(next_ifname("c", &leases), "eth0");
    assert_eq!(next_ifname("other", &leases), "eth0");
}

#[test]
fn overlap_is_symmetric_and_exact() {
    assert!(overlaps(net("10.0.0.0/8"), net("10.1.0.0/16")));
    assert!(overlaps(net("10.1.0.0/16"), net("10.0.0.0/8")));
    assert!(!overlaps(net("10.1.0.0/16"), net("10.2.0.0/16")));
    assert!(!overlaps(net("10.89.0.0/24"), net("10.89.1.0/24")));
}

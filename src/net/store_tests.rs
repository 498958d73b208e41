use std::collections::HashSet;
use std::sync::{Arc, Barrier};

use super::*;

fn store() -> (tempfile::TempDir, NetStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = NetStore::new(dir.path());
    (dir, s)
}

fn req(name: &str) -> CreateNetwork {
    CreateNetwork {
        name: name.to_string(),
        driver: "bridge".to_string(),
        ..CreateNetwork::default()
    }
}

fn lease_req(network: &str, ctr: &str) -> LeaseRequest {
    LeaseRequest {
        network_id: network.to_string(),
        container_id: ctr.to_string(),
        container_name: format!("name-{ctr}"),
        ..LeaseRequest::default()
    }
}

fn no_host_side(_: &NetworkRecord) -> std::result::Result<(), String> {
    Ok(())
}

#[test]
fn an_empty_store_lists_nothing_and_creates_its_directory_lazily() {
    let (dir, s) = store();
    assert!(s.list().expect("list").is_empty());
    assert!(s.leases().expect("leases").is_empty());
    assert!(dir.path().join("networks/networks.lock").exists());
    assert!(!dir.path().join("networks/networks.json").exists());
}

#[test]
fn records_and_leases_survive_a_round_trip() {
    let (dir, s) = store();
    let mut r = req("app");
    r.labels.insert("team".into(), "db".into());
    r.options
        .insert("com.docker.network.driver.mtu".into(), "1400".into());
    r.subnet = Some("172.29.0.0/16".parse().expect("net"));
    r.ip_range = Some("172.29.4.0/24".parse().expect("net"));
    r.internal = true;
    let rec = s.create(r, &[]).expect("create");
    let mut lr = lease_req(&rec.id, "c1");
    lr.aliases = vec!["db".into()];
    lr.hosts_file = Some("/x/hosts".into());
    lr.ports = vec![LeasePort {
        proto: "tcp".into(),
        host_ip: Some("127.0.0.1".parse().expect("ip")),
        host_port: 8080,
        ctr_port: 80,
    }];
    let lease = s.allocate(lr).expect("allocate");

    let again = NetStore::new(dir.path());
    assert_eq!(again.list().expect("list"), vec![rec.clone()]);
    assert_eq!(again.leases().expect("leases"), vec![lease.clone()]);
    assert_eq!(lease.ip, "172.29.4.0".parse::<Ipv4Addr>().expect("ip"));
    assert_eq!(lease.endpoint_id.len(), 64);
    // The file is berth's own, but readable: subnets as text.
    let text = std::fs::read_to_string(dir.path().join("networks/networks.json")).expect("read");
    assert!(text.contains("\"subnet\": \"172.29.0.0/16\""), "{text}");
}

#[test]
fn find_takes_name_then_id_then_a_unique_prefix() {
    let (_dir, s) = store();
    let a = s.create(req("a"), &[]).expect("a");
    let b = s.create(req("b"), &[]).expect("b");
    assert_eq!(s.find("a").expect("name").id, a.id);
    assert_eq!(s.find(&b.id).expect("id").name, "b");
    assert_eq!(s.find(&b.id[..5]).expect("prefix").name, "b");
    let e = s.find("nope").expect_err("missing");
    assert!(matches!(e, NetStoreError::NotFound(_)));
    assert_eq!(e.to_string(), "network nope not found");
    // A network may be named like another's id prefix: the name wins.
    let c = s.create(req(&a.id[..6]), &[]).expect("c");
    assert_eq!(s.find(&a.id[..6]).expect("name first").id, c.id);
}

#[test]
fn an_ambiguous_prefix_is_an_error() {
    let (_dir, s) = store();
    s.transaction(|nets, _| {
        for (name, id) in [("x", "ab1"), ("y", "ab2")] {
            let rec = ipam::plan_network(&req(name), nets, &[], id.repeat(21) + "0", Utc::now())?;
            nets.push(rec);
        }
        Ok::<_, NetStoreError>(())
    })
    .expect("seed");
    assert!(matches!(s.find("ab"), Err(NetStoreError::Ambiguous(_, 2))));
    assert_eq!(s.find("ab1").expect("unique").name, "x");
}

#[test]
fn ensure_default_creates_once_and_then_returns_the_same_record() {
    let (_dir, s) = store();
    let first = s.ensure_default(&[]).expect("create");
    assert_eq!(first.subnet, ipam::DEFAULT_SUBNET);
    assert!(
        first.bridge.starts_with("bb") && first.bridge.len() == 12,
        "{}",
        first.bridge
    );
    assert_ne!(
        first.bridge, DEFAULT_BRIDGE,
        "a private store must not take berth0"
    );
    let host = ["10.88.0.0/16".parse().expect("net")];
    let second = s.ensure_default(&host).expect("again");
    assert_eq!(first, second);
    assert_eq!(s.list().expect("list").len(), 1);
}

#[test]
fn the_default_network_avoids_a_taken_10_88() {
    let (_dir, s) = store();
    let mut r = req("first");
    r.subnet = Some("10.88.0.0/24".parse().expect("net"));
    s.create(r, &[]).expect("create");
    let d = s.ensure_default(&[]).expect("default");
    assert_eq!(d.subnet.to_string(), "10.89.0.0/24");
}

#[test]
fn remove_refuses_predefined_and_used_networks() {
    let (_dir, s) = store();
    let d = s.ensure_default(&[]).expect("default");
    for name in ["bridge", "host", "none", d.id.as_str()] {
        let e = s.remove_with(name, no_host_side).expect_err(name);
        assert!(e
            .to_string()
            .ends_with("is a pre-defined network and cannot be removed"));
    }
    let app = s.create(req("app"), &[]).expect("create");
    s.allocate(lease_req("app", "c1")).expect("lease");
    let e = s.remove_with("app", no_host_side).expect_err("in use");
    let text = e.to_string();
    assert!(
        text.starts_with(&format!(
            "error while removing network: network app id {} has active endpoints",
            app.id
        )),
        "{text}"
    );
    s.release("c1", None).expect("release");
    assert_eq!(s.remove_with("app", no_host_side).expect("rm").id, app.id);
    assert!(matches!(s.find("app"), Err(NetStoreError::NotFound(_))));
}

#[test]
fn a_failed_host_cleanup_keeps_the_record() {
    let (_dir, s) = store();
    s.create(req("app"), &[]).expect("create");
    let e = s
        .remove_with("app", |_| Err("bridge busy".to_string()))
        .expect_err("host side");
    assert_eq!(e.to_string(), "remove network app: bridge busy");
    assert!(s.find("app").is_ok());
}

#[test]
fn prune_removes_unused_user_networks_only() {
    let (_dir, s) = store();
    s.ensure_default(&[]).expect("default");
    s.create(req("used"), &[]).expect("used");
    s.create(req("idle"), &[]).expect("idle");
    let mut keep = req("kept");
    keep.labels.insert("keep".into(), "1".into());
    s.create(keep, &[]).expect("kept");
    s.allocate(lease_req("used", "c1")).expect("lease");
    let (gone, failed) = s
        .prune(|n| !n.labels.contains_key("keep"), no_host_side)
        .expect("prune");
    assert!(failed.is_empty());
    assert_eq!(
        gone.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
        ["idle"]
    );
    let mut left: Vec<String> = s
        .list()
        .expect("list")
        .into_iter()
        .map(|n| n.name)
        .collect();
    left.sort();
    assert_eq!(left, ["bridge", "kept", "used"]);
}

#[test]
fn release_removes_one_or_all_leases_and_is_idempotent() {
    let (_dir, s) = store();
    let a = s.create(req("a"), &[]).expect("a");
    let b = s.create(req("b"), &[]).expect("b");
    s.allocate(lease_req("a", "c1")).expect("a1");
    s.allocate(lease_req("b", "c1")).expect("b1");
    s.allocate(lease_req("a", "c2")).expect("a2");
    assert_eq!(s.container_leases("c1").expect("c1").len(), 2);
    let gone = s.release("c1", Some(&b.id)).expect("release b");
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].network_id, b.id);
    assert!(s.release("c1", Some(&b.id)).expect("again").is_empty());
    let gone = s.release("c1", None).expect("release all");
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].network_id, a.id);
    assert!(s.release("c1", None).expect("again").is_empty());
    assert_eq!(s.leases().expect("leases").len(), 1);
}

#[test]
fn allocate_on_an_unknown_network_is_not_found() {
    let (_dir, s) = store();
    let e = s.allocate(lease_req("ghost", "c1")).expect_err("unknown");
    assert_eq!(e.to_string(), "network ghost not found");
}

#[test]
fn a_transaction_writes_only_what_changed_and_nothing_on_error() {
    let (dir, s) = store();
    s.create(req("a"), &[]).expect("a");
    let nets = dir.path().join("networks/networks.json");
    let leases = dir.path().join("networks/leases.json");
    let before = std::fs::metadata(&nets)
        .expect("meta")
        .modified()
        .expect("mtime");
    std::thread::sleep(std::time::Duration::from_millis(20));
    s.allocate(lease_req("a", "c1")).expect("lease");
    let after = std::fs::metadata(&nets)
        .expect("meta")
        .modified()
        .expect("mtime");
    assert_eq!(before, after, "a lease does not rewrite networks.json");
    assert!(leases.exists());
    let r: Result<()> = s.transaction(|nets, leases| {
        nets.clear();
        leases.clear();
        Err(NetStoreError::Invalid("changed my mind".into()))
    });
    assert!(r.is_err());
    assert_eq!(s.list().expect("list").len(), 1);
    assert_eq!(s.leases().expect("leases").len(), 1);
}

#[test]
fn a_corrupt_file_is_reported_with_its_path() {
    let (dir, s) = store();
    s.create(req("a"), &[]).expect("a");
    std::fs::write(dir.path().join("networks/networks.json"), b"{oops").expect("write");
    let e = s.list().expect_err("corrupt");
    assert!(matches!(e, NetStoreError::Corrupt { .. }));
    assert!(e.to_string().contains("networks.json"));
}

#[test]
fn builtin_ids_are_stable_and_distinct() {
    assert_eq!(builtin_id("host"), builtin_id("host"));
    assert_ne!(builtin_id("host"), builtin_id("none"));
    assert_eq!(builtin_id("none").len(), 64);
}

/// 16 threads, each with its own `NetStore` (its own lock file handle, as
/// separate processes would have), create networks and lease addresses at
/// once: no name, subnet or address may be handed out twice.
#[test]
fn concurrent_creates_and_allocations_never_collide() {
    const THREADS: usize = 16;
    let dir = tempfile::tempdir().expect("tempdir");
    let shared = NetStore::new(dir.path());
    let common = shared.create(req("common"), &[]).expect("common");
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let root = dir.path().to_path_buf();
            let start = Arc::clone(&start);
            let common = common.id.clone();
            std::thread::spawn(move || {
                let s = NetStore::new(&root);
                start.wait();
                let mut created = Vec::new();
                for i in 0..3 {
                    // Every thread also races for one shared name.
                    let name = if i == 0 {
                        "contested".to_string()
                    } else {
                        format!("t{t}-{i}")
                    };
                    if let Ok(n) = s.create(req(&name), &[]) {
                        created.push(n.name);
                    }
                    for c in 0..2 {
                        s.allocate(lease_req(&common, &format!("c{t}-{i}-{c}")))
                            .expect("allocate");
                    }
                }
                created
            })
        })
        .collect();
    let created: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("thread"))
        .collect();
    assert_eq!(created.iter().filter(|n| *n == "contested").count(), 1);

    let nets = shared.list().expect("list");
    assert_eq!(nets.len(), 1 + 1 + THREADS * 2);
    let names: HashSet<&str> = nets.iter().map(|n| n.name.as_str()).collect();
    let subnets: HashSet<Ipv4Net> = nets.iter().map(|n| n.subnet).collect();
    let bridges: HashSet<&str> = nets.iter().map(|n| n.bridge.as_str()).collect();
    assert_eq!(names.len(), nets.len());
    assert_eq!(subnets.len(), nets.len());
    assert_eq!(bridges.len(), nets.len());

    let leases = shared.leases().expect("leases");
    assert_eq!(leases.len(), THREADS * 3 * 2);
    let ips: HashSet<Ipv4Addr> = leases.iter().map(|l| l.ip).collect();
    assert_eq!(ips.len(), leases.len(), "duplicate addresses");
    let max = leases.iter().map(|l| u32::from(l.ip)).max().expect("max");
    assert_eq!(
        Ipv4Addr::from(max),
        Ipv4Addr::from(u32::from(common.gateway) + leases.len() as u32),
        "addresses are packed from the gateway up"
    );
}

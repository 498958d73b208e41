//! Issue 4: `network create|ls|inspect|rm|prune` through the real binary.
//! These create no interfaces: only the records under `--root/networks`.
//! Containers' leases are taken through the library (`connect` and `run`
//! take them in real use).

mod support;

use ::berth::net::store::{LeaseRequest, NetStore};
use serde_json::Value;
use support::{berth, TestBerth};

fn inspect(b: &TestBerth, names: &[&str]) -> Vec<Value> {
    let mut args = vec!["network", "inspect"];
    args.extend_from_slice(names);
    let out = b.cmd(&args);
    out.success();
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("inspect JSON: {e}: {}", out.stdout))
}

fn lease(b: &TestBerth, network: &str, ctr: &str) {
    NetStore::new(b.root())
        .allocate(LeaseRequest {
            network_id: network.to_string(),
            container_id: ctr.repeat(64 / ctr.len()),
            container_name: format!("ctr-{ctr}"),
            ..LeaseRequest::default()
        })
        .unwrap_or_else(|e| panic!("lease on {network}: {e}"));
    // Owned by this test process, so no `berth` sweeps it as stale.
    let me = std::process::id() as i32;
    let start = ::berth::store::containers::process_start_time(me).unwrap_or(0);
    NetStore::new(b.root())
        .transaction(|_, leases| {
            for l in leases.iter_mut().filter(|l| l.owner_pid == 0) {
                l.owner_pid = me;
                l.owner_start = start;
            }
            Ok::<_, ::berth::net::store::NetStoreError>(())
        })
        .unwrap_or_else(|e| panic!("own lease: {e}"));
}

#[test]
fn ls_shows_the_predefined_networks_with_stable_ids() {
    let b = berth();
    let out = b.cmd(&["network", "ls"]);
    out.success();
    let lines = out.stdout_lines();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["NETWORK", "ID", "NAME", "DRIVER", "SCOPE"]
    );
    let rows: Vec<Vec<&str>> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][1..], ["bridge", "bridge", "local"]);
    assert_eq!(rows[1][1..], ["host", "host", "local"]);
    assert_eq!(rows[2][1..], ["none", "null", "local"]);
    assert!(rows.iter().all(|r| r[0].len() == 12));

    // Same ids on the next call and in another store (host, none).
    let again = b.cmd(&["network", "ls", "-q", "--no-trunc"]);
    let ids = again.stdout_lines();
    assert_eq!(ids.len(), 3);
    assert!(ids[0].starts_with(rows[0][0]));
    let other = berth();
    let other_ids = other.cmd(&["network", "ls", "-q"]);
    assert_eq!(other_ids.stdout_lines()[1..], [rows[1][0], rows[2][0]]);
}

#[test]
fn create_prints_the_id_and_inspect_shows_dockers_shape() {
    let b = berth();
    let out = b.cmd(&[
        "network",
        "create",
        "--subnet",
        "172.30.0.0/16",
        "--gateway",
        "172.30.0.254",
        "--ip-range",
        "172.30.5.0/24",
        "--internal",
        "--label",
        "team=db",
        "-o",
        "mtu=1400",
        "appnet",
    ]);
    out.success();
    let id = out.stdout_trim().to_string();
    assert_eq!(id.len(), 64);
    assert!(id.bytes().all(|c| c.is_ascii_hexdigit()));

    lease(&b, "appnet", "c");
    let v = inspect(&b, &["appnet"]);
    assert_eq!(v.len(), 1);
    let n = &v[0];
    assert_eq!(n["Name"], "appnet");
    assert_eq!(n["Id"], id.as_str());
    assert_eq!(n["Driver"], "bridge");
    assert_eq!(n["Scope"], "local");
    assert_eq!(n["EnableIPv6"], false);
    assert_eq!(n["Internal"], true);
    assert_eq!(n["Attachable"], false);
    assert_eq!(n["IPAM"]["Driver"], "default");
    assert_eq!(n["IPAM"]["Config"][0]["Subnet"], "172.30.0.0/16");
    assert_eq!(n["IPAM"]["Config"][0]["Gateway"], "172.30.0.254");
    assert_eq!(n["IPAM"]["Config"][0]["IPRange"], "172.30.5.0/24");
    assert_eq!(n["ConfigFrom"]["Network"], "");
    assert_eq!(n["Labels"]["team"], "db");
    assert_eq!(n["Options"]["mtu"], "1400");
    let ctr = &n["Containers"]["c".repeat(64)];
    assert_eq!(ctr["Name"], "ctr-c");
    assert_eq!(ctr["IPv4Address"], "172.30.5.0/16");
    assert_eq!(ctr["MacAddress"], "02:42:ac:1e:05:00");
    assert_eq!(ctr["IPv6Address"], "");

    // By id prefix too, and with a template.
    b.cmd(&[
        "network",
        "inspect",
        "-f",
        "{{.Name}} {{.Internal}}",
        &id[..8],
    ])
    .success()
    .stdout_is("appnet true\n");
    b.cmd(&[
        "network",
        "inspect",
        "--format",
        "{{range .IPAM.Config}}{{.Subnet}}{{end}}",
        "appnet",
    ])
    .success()
    .stdout_is("172.30.0.0/16\n");
}

#[test]
fn user_networks_get_pool_subnets_in_order() {
    let b = berth();
    b.cmd(&["network", "create", "one"]).success();
    b.cmd(&["network", "create", "two"]).success();
    let v = inspect(&b, &["one", "two", "bridge"]);
    let subnets: Vec<&str> = v
        .iter()
        .map(|n| n["IPAM"]["Config"][0]["Subnet"].as_str().unwrap_or(""))
        .collect();
    // Pool subnets in order; other stores' bridges on this host may hold
    // the first ones, so only the shape and the order are fixed.
    let third_octet = |s: &str| -> u32 {
        assert!(s.starts_with("10.89.") && s.ends_with(".0/24"), "{s}");
        s.split('.')
            .nth(2)
            .and_then(|o| o.parse().ok())
            .unwrap_or(0)
    };
    assert!(
        third_octet(subnets[0]) < third_octet(subnets[1]),
        "{subnets:?}"
    );
    assert_eq!(v[2]["Name"], "bridge");
    // A private store's default bridge is its own, never the system's berth0.
    let bridge = v[2]["Options"]["com.docker.network.bridge.name"]
        .as_str()
        .unwrap_or("");
    assert!(bridge.starts_with("bb") && bridge.len() == 12, "{bridge}");
}

#[test]
fn bad_input_is_refused_with_dockers_messages() {
    let b = berth();
    b.cmd(&["network", "create", "--subnet", "172.31.0.0/16", "first"])
        .success();
    let cases: [(&[&str], &str); 9] = [
        (&["first"], "network with name first already exists"),
        (&["bridge"], "network with name bridge already exists"),
        (&["host"], "network with name host already exists"),
        (
            &["--subnet", "172.31.4.0/24", "second"],
            "Pool overlaps with other one on this address space",
        ),
        (&["bad name"], "invalid network name"),
        (&["--ipv6", "v6"], "IPv6 is not supported"),
        (&["--subnet", "fd00::/64", "v6"], "IPv6 is not supported"),
        (&["-d", "overlay", "ov"], "plugin \"overlay\" not found"),
        (
            &["--subnet", "10.1.2.3/24", "x"],
            "invalid subnet 10.1.2.3/24: it should be 10.1.2.0/24",
        ),
    ];
    for (args, message) in cases {
        let mut full = vec!["network", "create"];
        full.extend_from_slice(args);
        b.cmd(&full)
            .code(1)
            .stderr_contains(&format!("Error: {message}"))
            .stdout_is("");
    }
    b.cmd(&["network", "create", "--gateway", "172.32.0.1", "gw"])
        .code(1)
        .stderr_contains("corresponding subnet");
    b.cmd(&[
        "network",
        "create",
        "--subnet",
        "172.32.0.0/24",
        "--gateway",
        "172.33.0.1",
        "gw",
    ])
    .code(1)
    .stderr_contains("invalid gateway 172.33.0.1");
    // Nothing but the first network was stored.
    let custom = b.cmd(&[
        "network",
        "ls",
        "--format",
        "{{.Name}}",
        "--filter",
        "type=custom",
    ]);
    custom.success().stdout_is("first\n");
}

#[test]
fn an_unknown_network_fails_inspect_and_rm_with_exit_1() {
    let b = berth();
    b.cmd(&["network", "inspect", "nope"])
        .code(1)
        .stderr_contains("Error: network nope not found")
        .stdout_is("[]\n");
    b.cmd(&["network", "rm", "nope"])
        .code(1)
        .stderr_contains("Error: network nope not found");
    b.cmd(&["network", "rm", "-f", "nope"])
        .success()
        .stdout_is("");
}

#[test]
fn rm_removes_each_name_and_reports_the_rest() {
    let b = berth();
    b.cmd(&["network", "create", "a"]).success();
    b.cmd(&["network", "create", "busy"]).success();
    b.cmd(&["network", "create", "c"]).success();
    lease(&b, "busy", "d");
    let out = b.cmd(&["network", "rm", "a", "bridge", "busy", "missing", "c"]);
    out.code(1)
        .stdout_is("a\nc\n")
        .stderr_contains("Error: bridge is a pre-defined network and cannot be removed")
        .stderr_contains("Error: error while removing network: network busy id ")
        .stderr_contains("has active endpoints")
        .stderr_contains("Error: network missing not found");
    b.cmd(&["network", "rm", "host"])
        .code(1)
        .stderr_contains("host is a pre-defined network and cannot be removed");
    let names = b.cmd(&["network", "ls", "--format", "{{.Name}}"]);
    names.success().stdout_is("bridge\nbusy\nhost\nnone\n");
    // The alias works as well.
    NetStore::new(b.root())
        .release(&"d".repeat(64), None)
        .unwrap_or_else(|e| panic!("release: {e}"));
    b.cmd(&["network", "remove", "busy"])
        .success()
        .stdout_is("busy\n");
}

#[test]
fn prune_removes_unused_custom_networks_only() {
    let b = berth();
    for n in ["idle", "used", "kept"] {
        let mut args = vec!["network", "create", n];
        if n == "kept" {
            args.extend_from_slice(&["--label", "keep=1"]);
        }
        b.cmd(&args).success();
    }
    lease(&b, "used", "e");
    b.cmd(&["network", "prune", "-f", "--filter", "label!=keep"])
        .success()
        .stdout_is("Deleted Networks:\nidle\n\n");
    b.cmd(&["network", "prune", "-f", "--filter", "until=1h"])
        .success()
        .stdout_is("");
    b.cmd(&["network", "prune", "--force"])
        .success()
        .stdout_is("Deleted Networks:\nkept\n\n");
    b.cmd(&[
        "network",
        "ls",
        "--format",
        "{{.Name}}",
        "-f",
        "type=custom",
    ])
    .success()
    .stdout_is("used\n");
    b.cmd(&["network", "prune", "-f", "--filter", "color=red"])
        .code(1)
        .stderr_contains("invalid filter 'color'");
}

#[test]
fn ls_filters_and_formats() {
    let b = berth();
    b.cmd(&["network", "create", "--label", "env=prod", "front"])
        .success();
    b.cmd(&["network", "create", "back"]).success();
    lease(&b, "back", "f");
    let names = |args: &[&str]| {
        let mut full = vec!["network", "ls", "--format", "{{.Name}}"];
        full.extend_from_slice(args);
        let out = b.cmd(&full);
        out.success();
        out.stdout.clone()
    };
    assert_eq!(names(&["-f", "label=env=prod"]), "front\n");
    assert_eq!(names(&["-f", "driver=null"]), "none\n");
    assert_eq!(names(&["-f", "type=builtin"]), "bridge\nhost\nnone\n");
    assert_eq!(names(&["-f", "dangling=true"]), "front\n");
    assert_eq!(
        names(&["-f", "name=ront", "-f", "name=ack"]),
        "back\nfront\n"
    );
    b.cmd(&["network", "ls", "-f", "colour=red"])
        .code(1)
        .stderr_contains("invalid filter 'colour'");

    let table = b.cmd(&[
        "network",
        "ls",
        "--format",
        "table {{.Name}}\t{{.Internal}}",
        "-f",
        "name=front",
    ]);
    table.success();
    assert_eq!(
        table
            .stdout_lines()
            .iter()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .collect::<Vec<_>>(),
        [vec!["NAME", "INTERNAL"], vec!["front", "false"]]
    );
    let json = b.cmd(&["network", "ls", "--format", "json", "-f", "name=front"]);
    json.success();
    let v: Value = serde_json::from_str(json.stdout_trim())
        .unwrap_or_else(|e| panic!("json line: {e}: {}", json.stdout));
    assert_eq!(v["Name"], "front");
    assert_eq!(v["Labels"], "env=prod");
    assert_eq!(v["ID"].as_str().map(str::len), Some(12));
}

#[test]
fn sixteen_processes_creating_at_once_get_distinct_subnets() {
    let b = berth();
    let children: Vec<_> = (0..16)
        .map(|i| {
            let name = format!("n{i}");
            let mut c = b.command(&["network", "create", &name]);
            c.stdout(std::process::Stdio::null());
            c.spawn()
                .unwrap_or_else(|e| panic!("spawn network create {name}: {e}"))
        })
        .collect();
    for mut c in children {
        let status = c.wait().unwrap_or_else(|e| panic!("wait: {e}"));
        assert!(status.success(), "a concurrent network create failed");
    }
    let out = b.cmd(&[
        "network",
        "ls",
        "-f",
        "type=custom",
        "--format",
        "{{.Name}}",
    ]);
    out.success();
    assert_eq!(out.stdout_lines().len(), 16);
    let mut names: Vec<&str> = out.stdout_lines();
    names.push("bridge");
    let v = inspect(&b, &names);
    let mut subnets: Vec<String> = v
        .iter()
        .map(|n| n["IPAM"]["Config"][0]["Subnet"].to_string())
        .collect();
    subnets.sort();
    subnets.dedup();
    assert_eq!(subnets.len(), 17, "duplicate subnets: {subnets:?}");
}

//! Unit tests for `ports`: docker's parse errors and display strings.

use super::*;

fn tcp(port: u16) -> ContainerPort {
    ContainerPort {
        port,
        protocol: Protocol::Tcp,
    }
}

fn counter() -> impl FnMut(Protocol, Option<(u16, u16)>) -> Result<u16, PortError> {
    let mut next = 40000;
    move |_, range| {
        next += 1;
        Ok(range.map(|(a, _)| a).unwrap_or(next))
    }
}

#[test]
fn publish_specs_parse_like_docker() {
    let p = parse_publish("127.0.0.1:8080:80/udp").expect("valid");
    assert_eq!(p.host_ip, "127.0.0.1");
    assert_eq!(p.host_range, Some((8080, 8080)));
    assert_eq!(p.container_range, (80, 80));
    assert_eq!(p.protocol, Protocol::Udp);
    let p = parse_publish("[::1]:8080:80").expect("ipv6");
    assert_eq!(p.host_ip, "::1");
    let p = parse_publish("80").expect("container only");
    assert_eq!(p.host_range, None);
    let p = parse_publish("8000-8001:80-81").expect("ranges");
    assert_eq!(p.container_range, (80, 81));
}

#[test]
fn bad_publish_specs_give_dockers_errors() {
    let err = |s: &str| parse_publish(s).expect_err(s).to_string();
    assert_eq!(err("abc"), "invalid containerPort: abc");
    assert_eq!(err("8080:"), "no port specified: 8080:<empty>");
    assert_eq!(err("x:80"), "invalid hostPort: x");
    assert_eq!(err("1.2.3:80:80"), "invalid IP address: 1.2.3");
    assert_eq!(err("80/foo"), "invalid proto: foo");
    assert_eq!(err("70000"), "invalid containerPort: 70000");
    assert_eq!(
        err("8000-8002:80-81"),
        "invalid ranges specified for container and host Ports: 80-81 and 8000-8002"
    );
    assert!(parse_expose("abc").is_err());
}

#[test]
fn plan_publishes_ranges_randoms_and_all_exposed() {
    let specs = vec![
        parse_publish("8080:80").expect("p"),
        parse_publish("9000-9001:90-91/udp").expect("p"),
        parse_publish("443").expect("p"),
    ];
    let exposed = vec![tcp(80), tcp(5000)];
    let got = plan(&specs, true, &exposed, &mut counter()).expect("plan");
    let short: Vec<(u16, u16, bool)> = got
        .iter()
        .map(|m| (m.host_port, m.container_port, m.random))
        .collect();
    assert_eq!(
        short,
        vec![
            (8080, 80, false),
            (9000, 90, false),
            (9001, 91, false),
            (40001, 443, true),
            (40002, 5000, true),
        ]
    );
    // Without -P, exposed ports stay unpublished.
    assert_eq!(
        plan(&specs, false, &exposed, &mut counter())
            .expect("plan")
            .len(),
        4
    );
}

#[test]
fn ps_strings_match_dockers_displayable_ports() {
    let m = |hp: u16, cp: u16| PortMapping {
        host_ip: String::new(),
        host_port: hp,
        container_port: cp,
        protocol: Protocol::Tcp,
        random: false,
        publish_all: false,
    };
    assert_eq!(
        display(&[m(8080, 80)], &[tcp(80)]),
        vec!["0.0.0.0:8080->80/tcp"]
    );
    assert_eq!(
        display(&[m(8000, 8000), m(8001, 8001)], &[tcp(22)]),
        vec!["22/tcp", "0.0.0.0:8000-8001->8000-8001/tcp"]
    );
    assert_eq!(display(&[], &[tcp(80), tcp(81)]), vec!["80-81/tcp"]);
    assert_eq!(
        host_ports_of("0.0.0.0:8000-8001->8000-8001/udp"),
        vec![(Protocol::Udp, 8000), (Protocol::Udp, 8001)]
    );
    assert!(host_ports_of("80/tcp").is_empty());
}

#[test]
fn inspect_json_has_dockers_shape() {
    let maps = vec![PortMapping {
        host_ip: String::new(),
        host_port: 8080,
        container_port: 80,
        protocol: Protocol::Tcp,
        random: false,
        publish_all: false,
    }];
    assert_eq!(
        port_bindings_json(&maps),
        json!({"80/tcp": [{"HostIp": "", "HostPort": "8080"}]})
    );
    assert_eq!(
        network_ports_json(&maps, &[tcp(80), tcp(443)]),
        json!({"443/tcp": null, "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]})
    );
    assert_eq!(
        port_lines(&maps, None),
        Some(vec!["80/tcp -> 0.0.0.0:8080".to_string()])
    );
    assert_eq!(
        port_lines(&maps, Some(&tcp(80))),
        Some(vec!["0.0.0.0:8080".to_string()])
    );
    assert_eq!(port_lines(&maps, Some(&tcp(81))), None);
}

#[test]
fn the_picker_never_repeats_and_skips_taken_ports() {
    let mut p = PortPicker::new([]);
    let a = p.pick(Protocol::Tcp, None).expect("a");
    let b = p.pick(Protocol::Tcp, None).expect("b");
    assert_ne!(a, b);
    let mut q = PortPicker::new([(Protocol::Tcp, a)]);
    let c = q.pick(Protocol::Tcp, Some((a, a.saturating_add(50))));
    assert_ne!(c.ok(), Some(a));
}

//! Message building and reply parsing, without a socket.

use std::net::{IpAddr, Ipv4Addr};

use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_CAPPED,
    NLM_F_CREATE, NLM_F_DUMP_INTR, NLM_F_EXCL, NLM_F_MULTIPART, NLM_F_REQUEST,
};
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkFlags, LinkInfo as InfoAttr, LinkMessage,
};
use netlink_packet_route::route::{RouteAddress, RouteAttribute, RouteMessage};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage as Rtm};
use nix::errno::Errno;

use super::conn::{decode, encode_batch, Reply, Request};
use super::messages::*;
use super::{LinkInfo, NetlinkError};

const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const RTM_NEWLINK: u16 = 16;

/// Serialises a message as the kernel would send it.
fn wire(seq: u32, flags: u16, payload: NetlinkPayload<Rtm>) -> Vec<u8> {
    let mut header = NetlinkHeader::default();
    header.sequence_number = seq;
    header.flags = flags;
    let mut message = NetlinkMessage::new(header, payload);
    message.finalize();
    let mut buf = vec![0; message.buffer_len()];
    message.serialize(&mut buf);
    buf
}

/// A raw nlmsghdr followed by `body`, padded to 4 bytes.
fn raw(message_type: u16, flags: u16, seq: u32, body: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    buf.extend_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
    buf.extend_from_slice(&message_type.to_ne_bytes());
    buf.extend_from_slice(&flags.to_ne_bytes());
    buf.extend_from_slice(&seq.to_ne_bytes());
    buf.extend_from_slice(&0u32.to_ne_bytes());
    buf.extend_from_slice(body);
    buf.resize(buf.len().next_multiple_of(4), 0);
    buf
}

fn tlv(kind: u16, value: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    buf.extend_from_slice(&((4 + value.len()) as u16).to_ne_bytes());
    buf.extend_from_slice(&kind.to_ne_bytes());
    buf.extend_from_slice(value);
    buf.resize(buf.len().next_multiple_of(4), 0);
    buf
}

fn named_link(index: u32, name: &str) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.header.index = index;
    m.attributes.push(LinkAttribute::IfName(name.to_string()));
    m
}

#[test]
fn interface_names_are_checked_like_the_kernel_does() {
    for good in ["eth0", "berth0", "veth0123456789a", "a"] {
        assert!(check_name(good).is_ok(), "{good}");
    }
    for bad in ["", "veth0123456789ab", "a/b", "a b", "a:1", ".", ".."] {
        assert!(
            matches!(check_name(bad), Err(NetlinkError::InvalidName { .. })),
            "{bad}"
        );
    }
    assert!(check_prefix(32).is_ok());
    assert!(matches!(
        check_prefix(33),
        Err(NetlinkError::InvalidPrefix { prefix: 33 })
    ));
}

#[test]
fn broadcast_sets_every_host_bit() {
    let a = Ipv4Addr::new(10, 199, 3, 1);
    assert_eq!(broadcast(a, 24), Ipv4Addr::new(10, 199, 3, 255));
    assert_eq!(broadcast(a, 16), Ipv4Addr::new(10, 199, 255, 255));
    assert_eq!(broadcast(a, 0), Ipv4Addr::BROADCAST);
    assert_eq!(broadcast(a, 32), a);
}

#[test]
fn an_address_on_a_point_to_point_prefix_has_no_broadcast() {
    let a = Ipv4Addr::new(10, 199, 3, 1);
    let has_brd = |m: &AddressMessage| {
        m.attributes
            .iter()
            .any(|a| matches!(a, AddressAttribute::Broadcast(_)))
    };
    let m = new_address(7, a, 24);
    assert_eq!((m.header.index, m.header.prefix_len), (7, 24));
    assert!(m
        .attributes
        .contains(&AddressAttribute::Local(IpAddr::V4(a))));
    assert!(m
        .attributes
        .contains(&AddressAttribute::Broadcast(Ipv4Addr::new(10, 199, 3, 255))));
    assert!(!has_brd(&new_address(7, a, 31)));
}

#[test]
fn a_veth_request_carries_the_peer_with_its_namespace_name_and_mac() {
    let mac = [0x02, 0x42, 0x0a, 0xc7, 0x03, 0x02];
    let spec = VethSpec {
        host_name: "vethab12",
        master_index: 9,
        mtu: Some(1400),
        peer_name: "eth0",
        peer_netns: PeerNetns::Pid(4242),
        peer_mac: Some(mac),
    };
    // Through the wire and back, as the kernel would read it.
    let buf = wire(
        1,
        NLM_F_REQUEST,
        NetlinkPayload::InnerMessage(Rtm::NewLink(new_veth(&spec))),
    );
    let parsed = NetlinkMessage::<Rtm>::deserialize(&buf).expect("parses");
    let NetlinkPayload::InnerMessage(Rtm::NewLink(host)) = parsed.payload else {
        panic!("not a NEWLINK: {parsed:?}");
    };
    assert!(host.header.flags.contains(LinkFlags::Up));
    assert!(host.header.change_mask.contains(LinkFlags::Up));
    assert!(host
        .attributes
        .contains(&LinkAttribute::IfName("vethab12".into())));
    assert!(host.attributes.contains(&LinkAttribute::Controller(9)));
    assert!(host.attributes.contains(&LinkAttribute::Mtu(1400)));
    let infos = host
        .attributes
        .iter()
        .find_map(|a| match a {
            LinkAttribute::LinkInfo(i) => Some(i.clone()),
            _ => None,
        })
        .expect("IFLA_LINKINFO");
    assert!(infos.contains(&InfoAttr::Kind(InfoKind::Veth)));
    let peer = infos
        .iter()
        .find_map(|i| match i {
            InfoAttr::Data(InfoData::Veth(InfoVeth::Peer(p))) => Some(p.clone()),
            _ => None,
        })
        .expect("VETH_INFO_PEER");
    assert!(peer
        .attributes
        .contains(&LinkAttribute::IfName("eth0".into())));
    assert!(peer.attributes.contains(&LinkAttribute::NetNsPid(4242)));
    assert!(peer
        .attributes
        .contains(&LinkAttribute::Address(mac.to_vec())));
    assert!(peer.attributes.contains(&LinkAttribute::Mtu(1400)));
    // The peer is brought up inside, with its address, not here.
    assert!(!peer.header.flags.contains(LinkFlags::Up));
}

#[test]
fn a_veth_peer_can_target_a_namespace_fd() {
    let spec = VethSpec {
        host_name: "h",
        master_index: 1,
        mtu: None,
        peer_name: "eth1",
        peer_netns: PeerNetns::Fd(17),
        peer_mac: None,
    };
    let m = new_veth(&spec);
    let peer = m.attributes.iter().find_map(|a| match a {
        LinkAttribute::LinkInfo(i) => i.iter().find_map(|i| match i {
            InfoAttr::Data(InfoData::Veth(InfoVeth::Peer(p))) => Some(p.clone()),
            _ => None,
        }),
        _ => None,
    });
    let peer = peer.expect("peer");
    assert!(peer.attributes.contains(&LinkAttribute::NetNsFd(17)));
    assert!(!m
        .attributes
        .iter()
        .any(|a| matches!(a, LinkAttribute::Mtu(_))));
}

#[test]
fn a_batch_is_numbered_acked_and_aligned() {
    let requests = vec![
        Request::new(
            "a",
            Rtm::NewLink(new_bridge("br-x")),
            NLM_F_CREATE | NLM_F_EXCL,
        ),
        Request::new("b", Rtm::SetLink(set_up(0, Some("lo"))), 0),
        Request::new("c", Rtm::GetLink(get_link_by_name("eth0")), 0),
    ];
    let mut buf = Vec::new();
    encode_batch(&mut buf, 41, &requests);
    assert_eq!(buf.len() % 4, 0);
    let mut offset = 0;
    let mut seen = Vec::new();
    while offset < buf.len() {
        let len = u32::from_ne_bytes([
            buf[offset],
            buf[offset + 1],
            buf[offset + 2],
            buf[offset + 3],
        ]);
        let m = NetlinkMessage::<Rtm>::deserialize(&buf[offset..]).expect("parses");
        assert_ne!(m.header.flags & NLM_F_ACK, 0);
        assert_ne!(m.header.flags & NLM_F_REQUEST, 0);
        seen.push((m.header.sequence_number, m.header.flags & NLM_F_CREATE != 0));
        offset += (len as usize).next_multiple_of(4);
    }
    assert_eq!(seen, vec![(41, true), (42, false), (43, false)]);
}

#[test]
fn an_ack_and_a_failure_with_the_kernels_text_are_told_apart() {
    let mut datagram = raw(NLMSG_ERROR, 0, 5, &[0; 20]);
    // EEXIST, the echoed request header (capped), then the ext-ack TLVs.
    let mut body = (-17i32).to_ne_bytes().to_vec();
    body.extend_from_slice(&[0; 16]);
    body.extend(tlv(1, b"Unknown device type\0"));
    datagram.extend(raw(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 6, &body));
    let replies = decode(&datagram).expect("decodes");
    assert_eq!(
        replies,
        vec![
            (5, Reply::Ack),
            (
                6,
                Reply::Failed {
                    errno: Errno::EEXIST,
                    detail: Some("Unknown device type".into())
                }
            )
        ]
    );
}

#[test]
fn an_uncapped_error_skips_the_whole_echoed_request() {
    let request = wire(
        3,
        NLM_F_REQUEST,
        NetlinkPayload::InnerMessage(Rtm::NewLink(new_bridge("b"))),
    );
    let mut body = (-1i32).to_ne_bytes().to_vec();
    body.extend_from_slice(&request);
    body.extend(tlv(1, b"nope\0"));
    let replies = decode(&raw(NLMSG_ERROR, NLM_F_ACK_TLVS, 3, &body)).expect("decodes");
    assert_eq!(
        replies,
        vec![(
            3,
            Reply::Failed {
                errno: Errno::EPERM,
                detail: Some("nope".into())
            }
        )]
    );
}

#[test]
fn a_dump_is_messages_then_done_and_an_interrupted_one_is_flagged() {
    let mut datagram = wire(
        9,
        NLM_F_MULTIPART,
        NetlinkPayload::InnerMessage(Rtm::NewLink(named_link(1, "lo"))),
    );
    datagram.extend(wire(
        9,
        NLM_F_MULTIPART | NLM_F_DUMP_INTR,
        NetlinkPayload::InnerMessage(Rtm::NewLink(named_link(2, "eth0"))),
    ));
    datagram.extend(raw(NLMSG_DONE, NLM_F_MULTIPART, 9, &0i32.to_ne_bytes()));
    let replies = decode(&datagram).expect("decodes");
    let flags: Vec<_> = replies
        .iter()
        .map(|(seq, r)| match r {
            Reply::Message { interrupted, .. } => (*seq, Some(*interrupted)),
            Reply::Done => (*seq, None),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(flags, vec![(9, Some(false)), (9, Some(true)), (9, None)]);
}

#[test]
fn a_dump_that_fails_midway_reports_its_errno() {
    let replies = decode(&raw(
        NLMSG_DONE,
        NLM_F_MULTIPART,
        4,
        &(-16i32).to_ne_bytes(),
    ))
    .expect("decodes");
    assert_eq!(
        replies,
        vec![(
            4,
            Reply::Failed {
                errno: Errno::EBUSY,
                detail: None
            }
        )]
    );
}

#[test]
fn a_truncated_message_is_an_error_not_a_panic() {
    let mut datagram = wire(
        1,
        0,
        NetlinkPayload::InnerMessage(Rtm::NewLink(named_link(1, "lo"))),
    );
    datagram.truncate(datagram.len() - 4);
    assert!(decode(&datagram).is_err());
    assert!(decode(&raw(RTM_NEWLINK, 0, 1, &[1, 2, 3])).is_err());
}

#[test]
fn links_report_kind_master_and_admin_state() {
    let mut m = named_link(12, "vethab12");
    m.header.flags = LinkFlags::Up | LinkFlags::Broadcast;
    m.attributes.push(LinkAttribute::Controller(9));
    m.attributes
        .push(LinkAttribute::LinkInfo(vec![InfoAttr::Kind(
            InfoKind::Veth,
        )]));
    m.attributes.push(LinkAttribute::Mtu(1500));
    assert_eq!(
        parse_link(&m),
        Some(LinkInfo {
            index: 12,
            name: "vethab12".into(),
            kind: Some("veth".into()),
            master: Some(9),
            up: true
        })
    );
    assert_eq!(parse_mtu(&m), Some(1500));
    let lo = named_link(1, "lo");
    let info = parse_link(&lo).expect("named");
    assert_eq!((info.kind, info.master, info.up), (None, None, false));
    assert_eq!(parse_link(&LinkMessage::default()), None);
}

#[test]
fn only_main_table_routes_other_than_default_are_reported() {
    let route = |table: u8, attr_table: Option<u32>, dest: Option<[u8; 4]>, prefix: u8| {
        let mut m = RouteMessage::default();
        m.header.address_family = AddressFamily::Inet;
        m.header.table = table;
        m.header.destination_prefix_length = prefix;
        if let Some(t) = attr_table {
            m.attributes.push(RouteAttribute::Table(t));
        }
        if let Some(d) = dest {
            m.attributes
                .push(RouteAttribute::Destination(RouteAddress::Inet(d.into())));
        }
        m
    };
    assert_eq!(
        parse_route_v4(&route(254, Some(254), Some([10, 199, 1, 0]), 24)),
        Some((Ipv4Addr::new(10, 199, 1, 0), 24))
    );
    assert_eq!(parse_route_v4(&route(254, Some(254), None, 0)), None);
    assert_eq!(
        parse_route_v4(&route(255, None, Some([127, 0, 0, 1]), 32)),
        None
    );
    // A policy table numbered above 255: the header says 252 (RT_TABLE_COMPAT).
    assert_eq!(
        parse_route_v4(&route(252, Some(1000), Some([10, 0, 0, 0]), 8)),
        None
    );
}

#[test]
fn addresses_prefer_the_local_address_over_the_peer() {
    let mut m = AddressMessage::default();
    m.header.family = AddressFamily::Inet;
    m.header.prefix_len = 32;
    m.attributes
        .push(AddressAttribute::Address(IpAddr::V4(Ipv4Addr::new(
            10, 0, 0, 2,
        ))));
    m.attributes
        .push(AddressAttribute::Local(IpAddr::V4(Ipv4Addr::new(
            10, 0, 0, 1,
        ))));
    assert_eq!(parse_address_v4(&m), Some((Ipv4Addr::new(10, 0, 0, 1), 32)));
    m.header.family = AddressFamily::Inet6;
    assert_eq!(parse_address_v4(&m), None);
}

#[test]
fn errors_name_the_operation_and_the_errno_in_lower_case() {
    let e = NetlinkError::Kernel {
        op: "create bridge berth0".into(),
        errno: Errno::EPERM,
        detail: None,
    };
    assert_eq!(
        e.to_string(),
        "create bridge berth0: operation not permitted"
    );
    assert_eq!(e.errno(), Some(Errno::EPERM));
    let e = NetlinkError::Kernel {
        op: "create bridge b".into(),
        errno: Errno::ENODEV,
        detail: Some("Unknown device type".into()),
    };
    assert_eq!(
        e.to_string(),
        "create bridge b: no such device (Unknown device type)"
    );
}

#[test]
fn a_bridge_request_names_the_kind() {
    let m = new_bridge("berth0");
    assert!(m
        .attributes
        .contains(&LinkAttribute::IfName("berth0".into())));
    assert!(m
        .attributes
        .contains(&LinkAttribute::LinkInfo(vec![InfoAttr::Kind(
            InfoKind::Bridge
        )])));
    let route = new_default_route(Ipv4Addr::new(10, 199, 1, 1), 3);
    assert!(route
        .attributes
        .contains(&RouteAttribute::Gateway(RouteAddress::Inet(Ipv4Addr::new(
            10, 199, 1, 1
        )))));
    assert!(route.attributes.contains(&RouteAttribute::Oif(3)));
    assert_eq!(route.header.destination_prefix_length, 0);
}

#[test]
fn hairpin_is_a_bridge_family_setlink_with_the_port_mode() {
    let buf = wire(
        1,
        NLM_F_REQUEST,
        NetlinkPayload::InnerMessage(Rtm::SetLink(set_hairpin(12, true))),
    );
    // ifinfomsg.ifi_family follows the 16-byte nlmsghdr.
    assert_eq!(buf[16], libc::AF_BRIDGE as u8);
    // IFLA_PROTINFO (12) must carry NLA_F_NESTED, or the bridge driver reads
    // it as the legacy one-byte port state; inside, IFLA_BRPORT_MODE (4) = 1.
    let attrs = &buf[16 + 16..];
    let kind = u16::from_ne_bytes([attrs[2], attrs[3]]);
    assert_eq!(kind, 12 | 0x8000);
    assert_eq!(&attrs[4..9], &[5, 0, 4, 0, 1]);
}

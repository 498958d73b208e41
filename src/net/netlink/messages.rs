//! Pure builders of rtnetlink requests and readers of their replies: no
//! socket here, so every message can be checked in unit tests.

use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::RawFd;

use netlink_packet_core::DefaultNla;
use netlink_packet_route::address::{AddressAttribute, AddressMessage, AddressScope};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkExtentMask, LinkFlags, LinkInfo as InfoAttr,
    LinkMessage, LinkProtoInfoBridge,
};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::AddressFamily;

use super::{LinkInfo, NetlinkError, Result};

/// Linux's IFNAMSIZ less the terminating NUL.
const MAX_IFNAME: usize = 15;

/// Where the peer end of a new veth pair is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerNetns {
    /// The network namespace of this process (IFLA_NET_NS_PID).
    Pid(i32),
    /// The network namespace behind this open file (IFLA_NET_NS_FD); the
    /// fd must stay open until the request is answered.
    Fd(RawFd),
}

/// What the veth pair looks like; built by `Netlink::create_veth*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VethSpec<'a> {
    pub host_name: &'a str,
    pub master_index: u32,
    pub mtu: Option<u32>,
    pub peer_name: &'a str,
    pub peer_netns: PeerNetns,
    pub peer_mac: Option<[u8; 6]>,
}

/// Rejects names the kernel would refuse, before a request is sent, so the
/// error says what is wrong with the name rather than "invalid argument".
pub fn check_name(name: &str) -> Result<()> {
    let bad = name.is_empty()
        || name.len() > MAX_IFNAME
        || name == "."
        || name == ".."
        || name
            .chars()
            .any(|c| c == '/' || c == ':' || c.is_whitespace() || c == '\0');
    if bad {
        return Err(NetlinkError::InvalidName {
            name: name.to_string(),
        });
    }
    Ok(())
}

pub fn check_prefix(prefix: u8) -> Result<()> {
    if prefix > 32 {
        return Err(NetlinkError::InvalidPrefix { prefix });
    }
    Ok(())
}

/// Asks for links without their statistics: a dump of many links stays a
/// fraction of the size and parses faster.
fn skip_stats() -> LinkAttribute {
    LinkAttribute::ExtMask(vec![LinkExtentMask::SkipStats])
}

pub fn get_link_by_name(name: &str) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.attributes.push(LinkAttribute::IfName(name.to_string()));
    m.attributes.push(skip_stats());
    m
}

pub fn get_link_by_index(index: u32) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.header.index = index;
    m.attributes.push(skip_stats());
    m
}

pub fn dump_links() -> LinkMessage {
    let mut m = LinkMessage::default();
    m.attributes.push(skip_stats());
    m
}

pub fn new_bridge(name: &str) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.attributes.push(LinkAttribute::IfName(name.to_string()));
    m.attributes
        .push(LinkAttribute::LinkInfo(vec![InfoAttr::Kind(
            InfoKind::Bridge,
        )]));
    m
}

/// One RTM_NEWLINK that creates both ends: the host end enslaved to the
/// bridge and up, the peer directly in the container's namespace under its
/// final name, so there is no rename or move afterwards.
pub fn new_veth(spec: &VethSpec<'_>) -> LinkMessage {
    let mut peer = LinkMessage::default();
    peer.attributes
        .push(LinkAttribute::IfName(spec.peer_name.to_string()));
    peer.attributes.push(match spec.peer_netns {
        // The kernel reads IFLA_NET_NS_PID as a u32 pid.
        PeerNetns::Pid(pid) => LinkAttribute::NetNsPid(pid.unsigned_abs()),
        PeerNetns::Fd(fd) => LinkAttribute::NetNsFd(fd),
    });
    if let Some(mac) = spec.peer_mac {
        peer.attributes.push(LinkAttribute::Address(mac.to_vec()));
    }
    if let Some(mtu) = spec.mtu {
        peer.attributes.push(LinkAttribute::Mtu(mtu));
    }

    let mut m = LinkMessage::default();
    m.header.flags = LinkFlags::Up;
    m.header.change_mask = LinkFlags::Up;
    m.attributes
        .push(LinkAttribute::IfName(spec.host_name.to_string()));
    if let Some(mtu) = spec.mtu {
        m.attributes.push(LinkAttribute::Mtu(mtu));
    }
    m.attributes
        .push(LinkAttribute::Controller(spec.master_index));
    m.attributes.push(LinkAttribute::LinkInfo(vec![
        InfoAttr::Kind(InfoKind::Veth),
        InfoAttr::Data(InfoData::Veth(InfoVeth::Peer(peer))),
    ]));
    m
}

/// Sets a link administratively up, by index, or by name when index is 0.
pub fn set_up(index: u32, name: Option<&str>) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.header.index = index;
    m.header.flags = LinkFlags::Up;
    m.header.change_mask = LinkFlags::Up;
    if let Some(name) = name {
        m.attributes.push(LinkAttribute::IfName(name.to_string()));
    }
    m
}

/// IFLA_BRPORT_MODE inside IFLA_PROTINFO: the port's hairpin flag.
const IFLA_BRPORT_MODE: u16 = 4;

/// Lets a bridge port send a frame back out the port it came in on, which
/// a container needs to reach itself through a published port (the DNAT
/// turns the packet around at the bridge). An AF_BRIDGE SETLINK, handled by
/// the bridge driver, so it must name the port by index.
pub fn set_hairpin(index: u32, on: bool) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.header.interface_family = AddressFamily::Bridge;
    m.header.index = index;
    m.attributes.push(LinkAttribute::ProtoInfoBridge(vec![
        LinkProtoInfoBridge::Other(DefaultNla::new(IFLA_BRPORT_MODE, vec![u8::from(on)])),
    ]));
    m
}

pub fn delete_link_by_name(name: &str) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.attributes.push(LinkAttribute::IfName(name.to_string()));
    m
}

/// `ip addr add addr/prefix brd + dev index`.
pub fn new_address(index: u32, addr: Ipv4Addr, prefix: u8) -> AddressMessage {
    let mut m = AddressMessage::default();
    m.header.family = AddressFamily::Inet;
    m.header.prefix_len = prefix;
    m.header.scope = AddressScope::Universe;
    m.header.index = index;
    m.attributes.push(AddressAttribute::Local(IpAddr::V4(addr)));
    m.attributes
        .push(AddressAttribute::Address(IpAddr::V4(addr)));
    // /31 and /32 have no broadcast address (RFC 3021).
    if prefix <= 30 {
        m.attributes
            .push(AddressAttribute::Broadcast(broadcast(addr, prefix)));
    }
    m
}

pub fn broadcast(addr: Ipv4Addr, prefix: u8) -> Ipv4Addr {
    let host_bits = u32::MAX.checked_shr(u32::from(prefix)).unwrap_or(0);
    Ipv4Addr::from(u32::from(addr) | host_bits)
}

pub fn dump_addresses_v4() -> AddressMessage {
    let mut m = AddressMessage::default();
    m.header.family = AddressFamily::Inet;
    m
}

/// `ip route replace default via gateway dev oif` in the main table.
pub fn new_default_route(gateway: Ipv4Addr, oif: u32) -> RouteMessage {
    let mut m = RouteMessage::default();
    m.header.address_family = AddressFamily::Inet;
    m.header.destination_prefix_length = 0;
    m.header.table = RouteHeader::RT_TABLE_MAIN;
    m.header.protocol = RouteProtocol::Boot;
    m.header.scope = RouteScope::Universe;
    m.header.kind = RouteType::Unicast;
    m.attributes
        .push(RouteAttribute::Gateway(RouteAddress::Inet(gateway)));
    m.attributes.push(RouteAttribute::Oif(oif));
    m
}

pub fn dump_routes_v4() -> RouteMessage {
    let mut m = RouteMessage::default();
    m.header.address_family = AddressFamily::Inet;
    m
}

/// Reads the fields berth cares about from an RTM_NEWLINK; None for a
/// message without a name (the kernel always sends one).
pub fn parse_link(m: &LinkMessage) -> Option<LinkInfo> {
    let mut name = None;
    let mut kind = None;
    let mut master = None;
    for attr in &m.attributes {
        match attr {
            LinkAttribute::IfName(n) => name = Some(n.clone()),
            LinkAttribute::Controller(i) => master = Some(*i),
            LinkAttribute::LinkInfo(infos) => {
                for info in infos {
                    if let InfoAttr::Kind(k) = info {
                        kind = Some(k.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    Some(LinkInfo {
        index: m.header.index,
        name: name?,
        kind,
        master,
        up: m.header.flags.contains(LinkFlags::Up),
    })
}

pub fn parse_mtu(m: &LinkMessage) -> Option<u32> {
    m.attributes.iter().find_map(|a| match a {
        LinkAttribute::Mtu(mtu) => Some(*mtu),
        _ => None,
    })
}

/// An IPv4 address as (local address, prefix). IFA_LOCAL is the interface's
/// own address; IFA_ADDRESS differs from it only on point-to-point links,
/// where it is the peer.
pub fn parse_address_v4(m: &AddressMessage) -> Option<(Ipv4Addr, u8)> {
    if m.header.family != AddressFamily::Inet {
        return None;
    }
    let mut local = None;
    let mut address = None;
    for attr in &m.attributes {
        match attr {
            AddressAttribute::Local(IpAddr::V4(a)) => local = Some(*a),
            AddressAttribute::Address(IpAddr::V4(a)) => address = Some(*a),
            _ => {}
        }
    }
    local.or(address).map(|a| (a, m.header.prefix_len))
}

/// A main-table IPv4 route as (destination, prefix); None for the default
/// route and for routes of other tables (local, policy tables).
pub fn parse_route_v4(m: &RouteMessage) -> Option<(Ipv4Addr, u8)> {
    if m.header.address_family != AddressFamily::Inet {
        return None;
    }
    let prefix = m.header.destination_prefix_length;
    // Table ids above 255 only fit RTA_TABLE; the header then says 252.
    let mut table = u32::from(m.header.table);
    let mut dest = None;
    for attr in &m.attributes {
        match attr {
            RouteAttribute::Table(t) => table = *t,
            RouteAttribute::Destination(RouteAddress::Inet(a)) => dest = Some(*a),
            _ => {}
        }
    }
    if table != u32::from(RouteHeader::RT_TABLE_MAIN) || prefix == 0 {
        return None;
    }
    Some((dest.unwrap_or(Ipv4Addr::UNSPECIFIED), prefix))
}

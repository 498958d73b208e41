//! A synchronous rtnetlink client: bridges, veth pairs, addresses, routes.
//!
//! Synchronous on purpose: it is called from the container launcher's
//! parent, which must stay single-threaded (no tokio, no helper threads),
//! and it never shells out to `ip`. Each operation is one or two request
//! batches on one NETLINK_ROUTE socket, every request acknowledged, so a
//! `berth run` spends well under a millisecond of round trips here; the rest
//! is the kernel creating the veth pair.
//!
//! A `Netlink` talks to the network namespace it was opened in; open one in
//! a container's namespace (`open_in_netns_of`) to configure the inside.

mod conn;
mod error;
mod messages;
mod netns;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_root;

use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::{Path, PathBuf};

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use netlink_packet_route::RouteNetlinkMessage as Rtm;
use nix::errno::Errno;

use conn::{Conn, Request};
pub use error::NetlinkError;
pub use messages::PeerNetns;
use messages::{check_name, check_prefix, parse_link, parse_mtu, VethSpec};

pub type Result<T> = std::result::Result<T, NetlinkError>;

/// A network interface as `links()` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkInfo {
    pub index: u32,
    pub name: String,
    /// The rtnetlink kind: "bridge", "veth", ...; None for physical devices
    /// and loopback.
    pub kind: Option<String>,
    /// The index of the bridge (or bond) this link is a port of.
    pub master: Option<u32>,
    /// Administratively up (IFF_UP).
    pub up: bool,
}

/// An rtnetlink socket bound to one network namespace.
pub struct Netlink {
    conn: Conn,
    /// (bridge index, MTU) learnt by `ensure_bridge`, so that `create_veth`
    /// right after it needs no lookup of its own.
    bridge_mtu: Option<(u32, u32)>,
}

impl Netlink {
    /// A client for the current network namespace.
    pub fn open() -> Result<Netlink> {
        Ok(Netlink {
            conn: Conn::open()?,
            bridge_mtu: None,
        })
    }

    /// A client for the network namespace of process `pid`. The calling
    /// thread enters that namespace only to create the socket and returns
    /// to its own before this returns, on error too.
    pub fn open_in_netns_of(pid: i32) -> Result<Netlink> {
        Self::open_in_netns_file(&PathBuf::from(format!("/proc/{pid}/ns/net")))
    }

    /// A client for the network namespace behind `path` (a /proc/PID/ns/net
    /// or a bind-mounted namespace file).
    pub fn open_in_netns_file(path: &Path) -> Result<Netlink> {
        netns::with_netns(path, Self::open)
    }

    /// Every link of the namespace.
    pub fn links(&mut self) -> Result<Vec<LinkInfo>> {
        let replies = self.conn.dump(
            "list network interfaces",
            Rtm::GetLink(messages::dump_links()),
        )?;
        Ok(replies
            .iter()
            .filter_map(|m| match m {
                Rtm::NewLink(link) => parse_link(link),
                _ => None,
            })
            .collect())
    }

    /// The link called `name`, None when there is none.
    pub fn link_by_name(&mut self, name: &str) -> Result<Option<LinkInfo>> {
        check_name(name)?;
        Ok(self.get_link_by_name(name)?.as_ref().and_then(parse_link))
    }

    /// The link with interface index `index`, None when there is none.
    pub fn link_by_index(&mut self, index: u32) -> Result<Option<LinkInfo>> {
        Ok(self.get_link_by_index(index)?.as_ref().and_then(parse_link))
    }

    /// Creates the bridge if missing (idempotent, and safe against another
    /// berth creating it at the same moment), assigns `gateway/prefix` if
    /// not already assigned, sets it up. Returns its index.
    pub fn ensure_bridge(&mut self, name: &str, gateway: Ipv4Addr, prefix: u8) -> Result<u32> {
        check_name(name)?;
        check_prefix(prefix)?;
        let link = match self.get_link_by_name(name)? {
            Some(link) => link,
            None => {
                let create = Request::new(
                    format!("create bridge {name}"),
                    Rtm::NewLink(messages::new_bridge(name)),
                    NLM_F_CREATE | NLM_F_EXCL,
                )
                .tolerating(Errno::EEXIST);
                self.conn.execute(vec![create])?;
                self.get_link_by_name(name)?
                    .ok_or_else(|| NetlinkError::NoSuchLink {
                        op: format!("create bridge {name}"),
                        link: name.to_string(),
                    })?
            }
        };
        let Some(info) = parse_link(&link) else {
            return Err(NetlinkError::Decode {
                op: format!("look up bridge {name}"),
                detail: "the link has no name".to_string(),
            });
        };
        if info.kind.as_deref() != Some("bridge") {
            return Err(NetlinkError::NotABridge {
                name: name.to_string(),
                kind: info.kind,
            });
        }
        if let Some(mtu) = parse_mtu(&link) {
            self.bridge_mtu = Some((info.index, mtu));
        }

        let mut batch = vec![Request::new(
            format!("assign {gateway}/{prefix} to {name}"),
            Rtm::NewAddress(messages::new_address(info.index, gateway, prefix)),
            NLM_F_CREATE | NLM_F_EXCL,
        )
        .tolerating(Errno::EEXIST)];
        if !info.up {
            batch.push(Request::new(
                format!("set {name} up"),
                Rtm::SetLink(messages::set_up(info.index, None)),
                0,
            ));
        }
        self.conn.execute(batch)?;
        Ok(info.index)
    }

    /// Creates a veth pair: `host_name` stays here, is a port of bridge
    /// `master_index` and is up; the peer is created directly inside the
    /// network namespace of `netns_pid` as `peer_name`, with `peer_mac` if
    /// given. Both ends get the bridge's MTU. One request: if any part fails
    /// the kernel creates nothing.
    pub fn create_veth(
        &mut self,
        host_name: &str,
        master_index: u32,
        peer_name: &str,
        netns_pid: i32,
        peer_mac: Option<[u8; 6]>,
    ) -> Result<()> {
        let target = PeerNetns::Pid(netns_pid);
        self.create_veth_into(host_name, master_index, peer_name, target, peer_mac)
    }

    /// `create_veth` with the peer's namespace given by an open namespace
    /// file (IFLA_NET_NS_FD), e.g. for `network connect` to a container
    /// whose namespace is bind-mounted rather than held by a process.
    pub fn create_veth_in_netns_fd(
        &mut self,
        host_name: &str,
        master_index: u32,
        peer_name: &str,
        netns: BorrowedFd<'_>,
        peer_mac: Option<[u8; 6]>,
    ) -> Result<()> {
        let target = PeerNetns::Fd(netns.as_raw_fd());
        self.create_veth_into(host_name, master_index, peer_name, target, peer_mac)
    }

    fn create_veth_into(
        &mut self,
        host_name: &str,
        master_index: u32,
        peer_name: &str,
        peer_netns: PeerNetns,
        peer_mac: Option<[u8; 6]>,
    ) -> Result<()> {
        check_name(host_name)?;
        check_name(peer_name)?;
        let mtu = self.bridge_mtu(master_index)?;
        let spec = VethSpec {
            host_name,
            master_index,
            mtu: Some(mtu),
            peer_name,
            peer_netns,
            peer_mac,
        };
        let target = match peer_netns {
            PeerNetns::Pid(pid) => format!("the network namespace of pid {pid}"),
            PeerNetns::Fd(fd) => format!("the network namespace of fd {fd}"),
        };
        let op = format!("create veth pair {host_name} (host) / {peer_name} (in {target})");
        self.conn.execute(vec![Request::new(
            op,
            Rtm::NewLink(messages::new_veth(&spec)),
            NLM_F_CREATE | NLM_F_EXCL,
        )])?;
        Ok(())
    }

    /// Turns hairpin mode of bridge port `port_name` (a veth's host end) on
    /// or off; on lets a container reach itself through its published ports.
    pub fn set_hairpin(&mut self, port_name: &str, on: bool) -> Result<()> {
        check_name(port_name)?;
        let op = format!("set hairpin mode of {port_name}");
        let index = self
            .get_link_by_name(port_name)?
            .map(|link| link.header.index)
            .ok_or_else(|| NetlinkError::NoSuchLink {
                op: op.clone(),
                link: port_name.to_string(),
            })?;
        let request = Request::new(op, Rtm::SetLink(messages::set_hairpin(index, on)), 0);
        self.conn.execute(vec![request])?;
        Ok(())
    }

    /// Run on a client opened in the container's namespace: sets `name` up
    /// with `addr/prefix`, adds the default route via `gateway` when given
    /// (replacing any other), and sets `lo` up. Idempotent.
    pub fn configure_interface(
        &mut self,
        name: &str,
        addr: Ipv4Addr,
        prefix: u8,
        gateway: Option<Ipv4Addr>,
    ) -> Result<()> {
        check_name(name)?;
        check_prefix(prefix)?;
        let index = self
            .get_link_by_name(name)?
            .map(|link| link.header.index)
            .ok_or_else(|| NetlinkError::NoSuchLink {
                op: format!("configure {name}"),
                link: name.to_string(),
            })?;
        // One batch, applied in order by the kernel: the address before the
        // link comes up (so the subnet route appears at once), the default
        // route last because it needs that subnet route to reach `gateway`.
        let mut batch = vec![
            Request::new(
                "set lo up",
                Rtm::SetLink(messages::set_up(0, Some("lo"))),
                0,
            ),
            Request::new(
                format!("assign {addr}/{prefix} to {name}"),
                Rtm::NewAddress(messages::new_address(index, addr, prefix)),
                NLM_F_CREATE | NLM_F_EXCL,
            )
            .tolerating(Errno::EEXIST),
            Request::new(
                format!("set {name} up"),
                Rtm::SetLink(messages::set_up(index, None)),
                0,
            ),
        ];
        if let Some(gateway) = gateway {
            batch.push(Request::new(
                format!("add default route via {gateway} dev {name}"),
                Rtm::NewRoute(messages::new_default_route(gateway, index)),
                NLM_F_CREATE | NLM_F_REPLACE,
            ));
        }
        self.conn.execute(batch)?;
        Ok(())
    }

    /// Deletes a link (for a veth, both ends); Ok(false) when it did not
    /// exist.
    pub fn delete_link(&mut self, name: &str) -> Result<bool> {
        check_name(name)?;
        let request = Request::new(
            format!("delete network interface {name}"),
            Rtm::DelLink(messages::delete_link_by_name(name)),
            0,
        );
        match self.conn.execute(vec![request]) {
            Ok(_) => Ok(true),
            Err(NetlinkError::Kernel {
                errno: Errno::ENODEV,
                ..
            }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// IPv4 routes of the main table as (destination, prefix), without the
    /// default route: the subnets a new bridge network must not overlap.
    pub fn ipv4_routes(&mut self) -> Result<Vec<(Ipv4Addr, u8)>> {
        let replies = self.conn.dump(
            "list IPv4 routes",
            Rtm::GetRoute(messages::dump_routes_v4()),
        )?;
        Ok(replies
            .iter()
            .filter_map(|m| match m {
                Rtm::NewRoute(route) => messages::parse_route_v4(route),
                _ => None,
            })
            .collect())
    }

    /// IPv4 addresses of all interfaces as (address, prefix).
    pub fn ipv4_addresses(&mut self) -> Result<Vec<(Ipv4Addr, u8)>> {
        let replies = self.conn.dump(
            "list IPv4 addresses",
            Rtm::GetAddress(messages::dump_addresses_v4()),
        )?;
        Ok(replies
            .iter()
            .filter_map(|m| match m {
                Rtm::NewAddress(address) => messages::parse_address_v4(address),
                _ => None,
            })
            .collect())
    }

    /// The raw link message; ENODEV (no such name) becomes None.
    fn get_link_by_name(
        &mut self,
        name: &str,
    ) -> Result<Option<netlink_packet_route::link::LinkMessage>> {
        let request = Request::new(
            format!("look up network interface {name}"),
            Rtm::GetLink(messages::get_link_by_name(name)),
            0,
        );
        self.get_link(request)
    }

    fn get_link_by_index(
        &mut self,
        index: u32,
    ) -> Result<Option<netlink_packet_route::link::LinkMessage>> {
        let request = Request::new(
            format!("look up network interface #{index}"),
            Rtm::GetLink(messages::get_link_by_index(index)),
            0,
        );
        self.get_link(request)
    }

    fn get_link(
        &mut self,
        request: Request,
    ) -> Result<Option<netlink_packet_route::link::LinkMessage>> {
        let replies = self.conn.execute(vec![request.tolerating(Errno::ENODEV)])?;
        Ok(replies.into_iter().find_map(|m| match m {
            Rtm::NewLink(link) => Some(link),
            _ => None,
        }))
    }

    fn bridge_mtu(&mut self, index: u32) -> Result<u32> {
        if let Some((cached, mtu)) = self.bridge_mtu {
            if cached == index {
                return Ok(mtu);
            }
        }
        let link = self
            .get_link_by_index(index)?
            .ok_or_else(|| NetlinkError::NoSuchLink {
                op: "create veth pair".to_string(),
                link: format!("#{index} (the bridge)"),
            })?;
        let mtu = parse_mtu(&link).unwrap_or(1500);
        self.bridge_mtu = Some((index, mtu));
        Ok(mtu)
    }
}

//! The host's IPv4 routes, so a new network's subnet never shadows a network
//! the host already reaches (docker and podman check the same before picking
//! a pool). Read from /proc/net/route: no netlink socket needed, and it works
//! rootless too.

use std::io;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// `RTF_UP`: the route is usable.
const RTF_UP: u32 = 0x1;

/// The destinations of the host's IPv4 routes, without the default route.
pub fn host_subnets() -> io::Result<Vec<Ipv4Net>> {
    Ok(parse_routes(&std::fs::read_to_string("/proc/net/route")?))
}

/// Parses the text of /proc/net/route. Fields are tab-separated; Destination
/// and Mask are the in-memory `u32`s printed as hex, i.e. the address bytes
/// in little-endian order (`0100A8C0` is 192.168.0.1). Malformed lines are
/// skipped: the file is the kernel's, and one odd line must not hide the rest.
pub fn parse_routes(text: &str) -> Vec<Ipv4Net> {
    let mut nets = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 8 {
            continue;
        }
        let (Some(dest), Some(flags), Some(mask)) = (hex_u32(f[1]), hex_u32(f[3]), hex_u32(f[7]))
        else {
            continue;
        };
        if flags & RTF_UP == 0 || mask == 0 {
            continue;
        }
        let mask = Ipv4Addr::from(mask.to_le_bytes());
        let Ok(prefix) = ipnet::ipv4_mask_to_prefix(mask) else {
            continue;
        };
        let dest = Ipv4Addr::from(dest.to_le_bytes());
        if let Ok(net) = Ipv4Net::new(dest, prefix) {
            let net = net.trunc();
            if !nets.contains(&net) {
                nets.push(net);
            }
        }
    }
    nets
}

fn hex_u32(s: &str) -> Option<u32> {
    u32::from_str_radix(s, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured on a host with a docker bridge, a VPN split route and a
    // down interface; trailing padding as the kernel prints it.
    const SAMPLE: &str = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n\
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0                                                                               \n\
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0                                                                               \n\
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0                                                                               \n\
tun0\t0000000A\t0100080A\t0003\t0\t0\t0\t000000FF\t0\t0\t0                                                                               \n\
tun0\t0501A8C0\t00000000\t0005\t0\t0\t0\tFFFFFFFF\t0\t0\t0                                                                               \n\
wlan0\t0000A8C0\t00000000\t0000\t0\t0\t0\t00FFFFFF\t0\t0\t0                                                                               \n\
garbage line\n";

    #[test]
    fn parses_little_endian_routes_and_skips_default_and_down_routes() {
        let nets = parse_routes(SAMPLE);
        let want: Vec<Ipv4Net> = [
            "192.0.2.0/24",
            "172.17.0.0/16",
            "10.0.0.0/8",
            "192.168.1.5/32",
        ]
        .iter()
        .map(|s| s.parse().expect("net"))
        .collect();
        assert_eq!(nets, want);
    }

    #[test]
    fn an_empty_table_has_no_subnets() {
        assert!(parse_routes("Iface\tDestination\tGateway\n").is_empty());
        assert!(parse_routes("").is_empty());
    }

    #[test]
    fn reads_this_hosts_table() {
        // Every Linux host has /proc/net/route; the default route never shows.
        let nets = host_subnets().expect("read /proc/net/route");
        assert!(nets.iter().all(|n| n.prefix_len() > 0));
    }
}

//! The container's /etc/hostname, /etc/hosts and /etc/resolv.conf, written
//! into its directory at create and bind-mounted by the spec.

use std::path::Path;

use super::error::{Result, RuntimeError};
use super::spec::{NetworkMode, RunOptions};

/// /etc/hostname, /etc/hosts and /etc/resolv.conf for the container.
/// `host_gateway`: the host as the container reaches it (`host-gateway` in
/// `--add-host`; `net` adds `host.containers.internal` itself).
pub(super) fn write_etc_files(
    dir: &Path,
    hostname: &str,
    run: &RunOptions,
    host_gateway: Option<std::net::Ipv4Addr>,
) -> Result<()> {
    let io = |what: &str| {
        let what = what.to_string();
        move |e| RuntimeError::io(what.clone(), e)
    };
    std::fs::write(dir.join("hostname"), format!("{hostname}\n")).map_err(io("write hostname"))?;
    let mut hosts = String::from(
        "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n",
    );
    for h in &run.add_hosts {
        if let Some((name, ip)) = h.split_once(':') {
            if ip == "host-gateway" {
                let gw = host_gateway.ok_or_else(|| {
                    RuntimeError::Invalid(format!(
                        "--add-host {h}: host-gateway needs a bridge network or user-mode networking"
                    ))
                })?;
                hosts.push_str(&format!("{gw}\t{name}\n"));
            } else {
                hosts.push_str(&format!("{ip}\t{name}\n"));
            }
        }
    }
    // Bridged containers get their own address's line when they start.
    let bridged = run.network == NetworkMode::Bridge
        && !run
            .networks
            .first()
            .is_some_and(|n| n.starts_with("slirp4netns") || n.starts_with("pasta"));
    if !bridged {
        hosts.push_str(&format!("127.0.1.1\t{hostname}\n"));
    }
    if let (false, Some(gw)) = (bridged, host_gateway) {
        hosts.push_str(&format!(
            "{gw}\thost.containers.internal host.docker.internal\n"
        ));
    }
    std::fs::write(dir.join("hosts"), hosts).map_err(io("write hosts"))?;
    let user_mode = run.network == NetworkMode::Bridge
        && run
            .networks
            .first()
            .is_some_and(|n| n.starts_with("slirp4netns") || n.starts_with("pasta"));
    let resolv = if run.dns.is_empty() && run.dns_search.is_empty() && run.dns_options.is_empty() {
        if user_mode {
            // The helper's DNS forwarder reaches the host's resolvers,
            // loopback stubs included.
            format!("nameserver {}\n", crate::net::rootless::DNS)
        } else {
            host_resolv_conf()
        }
    } else {
        let mut s = String::new();
        for d in &run.dns {
            s.push_str(&format!("nameserver {d}\n"));
        }
        if !run.dns_search.is_empty() {
            s.push_str(&format!("search {}\n", run.dns_search.join(" ")));
        }
        if !run.dns_options.is_empty() {
            s.push_str(&format!("options {}\n", run.dns_options.join(" ")));
        }
        s
    };
    std::fs::write(dir.join("resolv.conf"), resolv).map_err(io("write resolv.conf"))?;
    Ok(())
}

/// The host's resolv.conf, minus loopback resolvers a container cannot reach
/// (docker's rule); Google's servers are docker's fallback, but we have no
/// network guarantees, so an empty list stays empty.
fn host_resolv_conf() -> String {
    let text = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    text.lines()
        .filter(|l| {
            let mut parts = l.split_whitespace();
            !(parts.next() == Some("nameserver")
                && parts
                    .next()
                    .is_some_and(|ip| ip.starts_with("127.") || ip == "::1"))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

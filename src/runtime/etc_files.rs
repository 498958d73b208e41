//! The container's /etc/hostname, /etc/hosts and /etc/resolv.conf, written
//! into its directory at create and bind-mounted by the spec.

use std::path::Path;

use super::error::{Result, RuntimeError};
use super::spec::RunOptions;

/// /etc/hostname, /etc/hosts and /etc/resolv.conf for the container.
pub(super) fn write_etc_files(dir: &Path, hostname: &str, run: &RunOptions) -> Result<()> {
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
            hosts.push_str(&format!("{ip}\t{name}\n"));
        }
    }
    hosts.push_str(&format!("127.0.1.1\t{hostname}\n"));
    std::fs::write(dir.join("hosts"), hosts).map_err(io("write hosts"))?;
    let resolv = if run.dns.is_empty() && run.dns_search.is_empty() && run.dns_options.is_empty() {
        host_resolv_conf()
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

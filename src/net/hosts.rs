//! The /etc/hosts entries berth maintains for containers on a network:
//! without a DNS daemon, each container's hosts file lists its peers, and
//! berth rewrites the files as containers come and go.
//!
//! A managed line ends with a marker naming the container it describes and
//! the network it came from (`# berth <ctr12> <net12>`), so a container
//! leaving one network loses exactly those lines, and anything else in the
//! file (the user's own edits included) stays.

use std::io::Write;
use std::net::Ipv4Addr;
use std::path::Path;

const MARKER: &str = "# berth ";

/// One name → address line for a container on a network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostsEntry {
    pub ip: Ipv4Addr,
    /// Names resolving to `ip`, most specific first.
    pub names: Vec<String>,
    /// The container the line describes (its id).
    pub container_id: String,
    /// The network the address belongs to (its id).
    pub network_id: String,
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

impl HostsEntry {
    fn line(&self) -> String {
        format!(
            "{}\t{}\t{MARKER}{} {}\n",
            self.ip,
            self.names.join(" "),
            short(&self.container_id),
            short(&self.network_id)
        )
    }
}

/// Which managed lines a rewrite drops.
#[derive(Debug, Clone, Copy)]
pub enum Drop<'a> {
    /// Lines about this container on this network.
    Entry {
        container_id: &'a str,
        network_id: &'a str,
    },
    /// Every line about this container.
    Container(&'a str),
    /// Every line that came from this network.
    Network(&'a str),
}

fn is_dropped(line: &str, drop: Drop<'_>) -> bool {
    let Some((_, tag)) = line.rsplit_once(MARKER) else {
        return false;
    };
    let mut parts = tag.split_whitespace();
    let (ctr, net) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    match drop {
        Drop::Entry {
            container_id,
            network_id,
        } => ctr == short(container_id) && net == short(network_id),
        Drop::Container(c) => ctr == short(c),
        Drop::Network(n) => net == short(n),
    }
}

/// The file's text with `drop`'s lines removed and `add` appended.
pub fn rewrite(text: &str, drop: &[Drop<'_>], add: &[HostsEntry]) -> String {
    let mut out: String = text
        .split_inclusive('\n')
        .filter(|l| !drop.iter().any(|d| is_dropped(l, *d)))
        .collect();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for e in add {
        out.push_str(&e.line());
    }
    out
}

/// Rewrites a container's hosts file in place: it is bind-mounted into the
/// container, so a rename would leave the container looking at the old
/// inode. A missing file (a container being removed) is not an error.
pub fn update_file(path: &Path, drop: &[Drop<'_>], add: &[HostsEntry]) -> std::io::Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let new = rewrite(&text, drop, add);
    if new == text {
        return Ok(());
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)?;
    f.write_all(new.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ip: [u8; 4], names: &[&str], ctr: &str, net: &str) -> HostsEntry {
        HostsEntry {
            ip: Ipv4Addr::from(ip),
            names: names.iter().map(|s| s.to_string()).collect(),
            container_id: ctr.into(),
            network_id: net.into(),
        }
    }

    const BASE: &str = "127.0.0.1\tlocalhost\n10.0.0.9\tmine # user's own comment\n";

    #[test]
    fn adds_and_drops_only_marked_lines() {
        let a = entry(
            [10, 89, 0, 2],
            &["db", "database"],
            &"a".repeat(64),
            &"n".repeat(64),
        );
        let b = entry([10, 89, 1, 3], &["db"], &"a".repeat(64), &"m".repeat(64));
        let with = rewrite(BASE, &[], &[a.clone(), b.clone()]);
        assert_eq!(
            with,
            format!("{BASE}10.89.0.2\tdb database\t# berth aaaaaaaaaaaa nnnnnnnnnnnn\n10.89.1.3\tdb\t# berth aaaaaaaaaaaa mmmmmmmmmmmm\n")
        );
        let one_net = rewrite(
            &with,
            &[Drop::Entry {
                container_id: &a.container_id,
                network_id: &a.network_id,
            }],
            &[],
        );
        assert_eq!(
            one_net,
            format!("{BASE}10.89.1.3\tdb\t# berth aaaaaaaaaaaa mmmmmmmmmmmm\n")
        );
        assert_eq!(
            rewrite(&with, &[Drop::Container(&a.container_id)], &[]),
            BASE
        );
        assert_eq!(
            rewrite(&with, &[Drop::Network(&"m".repeat(64))], &[]),
            rewrite(BASE, &[], &[a])
        );
    }

    #[test]
    fn re_adding_replaces_instead_of_duplicating() {
        let a = entry([10, 89, 0, 2], &["web"], "c1", "n1");
        let once = rewrite(BASE, &[], std::slice::from_ref(&a));
        let twice = rewrite(
            &once,
            &[Drop::Entry {
                container_id: "c1",
                network_id: "n1",
            }],
            &[a],
        );
        assert_eq!(once, twice);
    }

    #[test]
    fn a_file_without_final_newline_stays_well_formed() {
        let a = entry([10, 89, 0, 2], &["web"], "c1", "n1");
        assert_eq!(
            rewrite("127.0.0.1 localhost", &[], &[a]),
            "127.0.0.1 localhost\n10.89.0.2\tweb\t# berth c1 n1\n"
        );
    }

    #[test]
    fn update_file_keeps_the_inode() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("hosts");
        std::fs::write(&path, BASE).expect("write");
        let ino = std::fs::metadata(&path).expect("stat").ino();
        update_file(&path, &[], &[entry([10, 1, 2, 3], &["x"], "c", "n")]).expect("update");
        assert_eq!(std::fs::metadata(&path).expect("stat").ino(), ino);
        assert!(std::fs::read_to_string(&path)
            .expect("read")
            .contains("10.1.2.3\tx"));
        update_file(&dir.path().join("gone"), &[], &[]).expect("missing is fine");
    }
}

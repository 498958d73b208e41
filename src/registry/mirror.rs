//! Registry mirrors (`[registries] mirrors` in berth.toml): a pull or a
//! remote inspect of `docker.io/library/busybox` first tries
//! `<mirror>/library/busybox` at each mirror of `docker.io`, in order, and
//! falls back to the registry itself, as docker's `registry-mirrors` do.

use std::collections::BTreeMap;
use std::fmt;

use super::reference::ImageRef;

/// How to speak to a mirror: as written in its URL, or (no scheme) as any
/// registry (plain HTTP for loopback and insecure ones, else HTTPS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

/// One mirror: `http://127.0.0.1:5000`, `https://mirror.gcr.io`, `mirror.lan:5000`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mirror {
    /// `host` or `host:port`, as a registry name.
    pub host: String,
    pub scheme: Option<Scheme>,
}

impl Mirror {
    /// Parses a mirror URL; the error says what is wrong with it.
    pub fn parse(s: &str) -> Result<Mirror, String> {
        let (scheme, rest) = if let Some(r) = s.strip_prefix("http://") {
            (Some(Scheme::Http), r)
        } else if let Some(r) = s.strip_prefix("https://") {
            (Some(Scheme::Https), r)
        } else if s.contains("://") {
            return Err(format!(
                "{s:?}: a mirror is http://HOST[:PORT] or https://HOST[:PORT]"
            ));
        } else {
            (None, s)
        };
        let host = rest.strip_suffix('/').unwrap_or(rest);
        if host.is_empty() || host.contains('/') {
            return Err(format!(
                "{s:?}: a mirror is a registry host (HOST[:PORT]), without a path; it serves the same repository paths"
            ));
        }
        // The host must be one an image reference can name.
        match ImageRef::parse(&format!("{host}/berth-mirror-check")) {
            Ok(r) if r.registry().eq_ignore_ascii_case(host) => Ok(Mirror {
                host: host.to_ascii_lowercase(),
                scheme,
            }),
            _ => Err(format!("{s:?} is not a valid registry host")),
        }
    }
}

impl fmt::Display for Mirror {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.scheme {
            Some(Scheme::Http) => write!(f, "http://{}", self.host),
            Some(Scheme::Https) => write!(f, "https://{}", self.host),
            None => f.write_str(&self.host),
        }
    }
}

/// The key a registry's mirrors are listed under: docker's own aliases of
/// Docker Hub all mean `docker.io`; hosts compare case-insensitively.
pub fn registry_key(registry: &str) -> String {
    let r = registry.trim().trim_end_matches('/').to_ascii_lowercase();
    match r.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".into()
        }
        _ => r,
    }
}

/// Where to fetch `reference` from before its own registry: the same
/// repository, tag and digest at each mirror, in the configured order.
pub(crate) fn mirrored(
    reference: &ImageRef,
    mirrors: &BTreeMap<String, Vec<Mirror>>,
) -> Vec<ImageRef> {
    mirrors
        .get(&registry_key(reference.registry()))
        .map(|list| {
            list.iter()
                .map(|m| reference.at_registry(&m.host))
                .collect()
        })
        .unwrap_or_default()
}

/// The scheme a mirror's URL names for `registry`, if `registry` is a mirror.
pub(crate) fn scheme_of(registry: &str, mirrors: &BTreeMap<String, Vec<Mirror>>) -> Option<Scheme> {
    mirrors
        .values()
        .flatten()
        .find(|m| m.host.eq_ignore_ascii_case(registry))
        .and_then(|m| m.scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(s: &str) -> ImageRef {
        ImageRef::parse(s).expect("test reference parses")
    }

    #[test]
    fn mirror_urls_parse_with_or_without_a_scheme() {
        let m = Mirror::parse("http://127.0.0.1:5000/").expect("http");
        assert_eq!(
            (m.host.as_str(), m.scheme),
            ("127.0.0.1:5000", Some(Scheme::Http))
        );
        assert_eq!(m.to_string(), "http://127.0.0.1:5000");
        let m = Mirror::parse("Mirror.LAN").expect("bare");
        assert_eq!((m.host.as_str(), m.scheme), ("mirror.lan", None));
        assert!(Mirror::parse("ftp://x").is_err());
        assert!(Mirror::parse("https://m.lan/prefix").is_err());
        assert!(Mirror::parse("").is_err());
        assert!(Mirror::parse("bad host").is_err());
    }

    #[test]
    fn a_reference_is_tried_at_each_mirror_of_its_registry_in_order() {
        let mut mirrors = BTreeMap::new();
        mirrors.insert(
            "docker.io".to_string(),
            vec![
                Mirror::parse("http://127.0.0.1:5000").expect("m1"),
                Mirror::parse("https://mirror.lan").expect("m2"),
            ],
        );
        let got: Vec<String> = mirrored(&image("busybox"), &mirrors)
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "127.0.0.1:5000/library/busybox:latest",
                "mirror.lan/library/busybox:latest"
            ]
        );
        let d = format!("sha256:{}", "a".repeat(64));
        let pinned = mirrored(&image(&format!("busybox@{d}")), &mirrors);
        assert_eq!(pinned[0].digest(), Some(d.as_str()));
        assert!(mirrored(&image("quay.io/a/b"), &mirrors).is_empty());
        assert_eq!(scheme_of("127.0.0.1:5000", &mirrors), Some(Scheme::Http));
        assert_eq!(scheme_of("quay.io", &mirrors), None);
    }

    #[test]
    fn docker_hub_aliases_share_one_key() {
        assert_eq!(registry_key("index.docker.io"), "docker.io");
        assert_eq!(registry_key("Registry-1.docker.io/"), "docker.io");
        assert_eq!(registry_key("Quay.io"), "quay.io");
    }
}

//! Image references (`busybox`, `quay.io/foo/bar:1.0`, `…@sha256:…`), parsed
//! and normalised exactly as docker's distribution/reference does
//! (`ParseNormalizedNamed`, `TagNameOnly`, `FamiliarString`).
//!
//! Grammar (docker's):
//! ```text
//! reference  := name [ ":" tag ] [ "@" digest ]
//! name       := [domain "/"] path-component ["/" path-component]*
//! domain     := host [":" port]      host := domain-name | "[" ipv6 "]"
//! path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//! tag        := [\w][\w.-]{0,127}
//! digest     := algorithm ":" hex{32,}   (we accept only sha256 with 64 lowercase hex)
//! ```

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// Docker Hub's canonical domain; `index.docker.io` is rewritten to it.
pub const DEFAULT_DOMAIN: &str = "docker.io";
const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
/// Namespace of Docker Hub's official images, hidden in familiar names.
const OFFICIAL_REPO_PREFIX: &str = "library/";
const DEFAULT_TAG: &str = "latest";
/// distribution/reference v0.6 (docker 25+) counts only the path, not the domain.
const REPOSITORY_NAME_MAX: usize = 255;
const TAG_MAX: usize = 128;
const SHA256_HEX_LEN: usize = 64;

/// Why a string is not a usable image reference. The texts start as docker's
/// do, so scripts matching on `invalid reference format` keep working.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error(
        "invalid reference format: \"{input}\" \
         (expected [registry[:port]/]name[:tag][@sha256:digest])"
    )]
    InvalidFormat { input: String },
    #[error("invalid reference format: repository name ({repository}) must be lowercase")]
    Uppercase { repository: String },
    #[error(
        "invalid repository name ({input}), cannot specify 64-byte hexadecimal strings \
         (that is an image ID, not a name)"
    )]
    IdentifierAsName { input: String },
    #[error(
        "invalid reference format: repository name must not be more than \
         255 characters (this one has {})",
        .repository.len()
    )]
    NameTooLong { repository: String },
    #[error(
        "invalid tag format: \"{tag}\" (a tag is 1 to 128 letters, digits, '_', '.' \
         and '-', and must not start with '.' or '-')"
    )]
    InvalidTag { tag: String },
    #[error("invalid digest \"{digest}\": {reason}")]
    InvalidDigest {
        digest: String,
        reason: DigestProblem,
    },
}

/// What is wrong with a digest, in go-digest's words where it has some.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestProblem {
    Format,
    Length,
    UnsupportedAlgorithm,
}

impl fmt::Display for DigestProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DigestProblem::Format => {
                "invalid checksum digest format (expected sha256: and 64 lowercase hex digits)"
            }
            DigestProblem::Length => "invalid checksum digest length (sha256 takes 64 hex digits)",
            DigestProblem::UnsupportedAlgorithm => {
                "unsupported digest algorithm; only sha256 is supported"
            }
        })
    }
}

/// A normalised image reference: always has a registry domain and a full
/// repository path; `parse` gives it a tag (`latest`) unless a digest is given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageRef {
    domain: String,
    path: String,
    tag: Option<String>,
    digest: Option<String>,
}

impl ImageRef {
    /// Parse a user-typed reference as `docker pull` does: `busybox` becomes
    /// `docker.io/library/busybox:latest`. A reference with both a tag and a
    /// digest keeps both, as docker does.
    pub fn parse(s: &str) -> Result<ImageRef, ReferenceError> {
        let mut r = parse_normalized_named(s)?;
        if r.tag.is_none() && r.digest.is_none() {
            r.tag = Some(DEFAULT_TAG.to_owned());
        }
        Ok(r)
    }

    /// The registry domain with its port: `docker.io`, `localhost:5000`, `[::1]:5000`.
    pub fn registry(&self) -> &str {
        &self.domain
    }

    /// The repository path inside the registry: `library/busybox`.
    pub fn repository(&self) -> &str {
        &self.path
    }

    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest as `sha256:<64 hex>`.
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// The same repository with `tag` (the digest, if any, is kept, as docker's `WithTag`).
    pub fn with_tag(&self, tag: &str) -> Result<ImageRef, ReferenceError> {
        if !is_valid_tag(tag) {
            return Err(ReferenceError::InvalidTag {
                tag: tag.to_owned(),
            });
        }
        Ok(ImageRef {
            tag: Some(tag.to_owned()),
            ..self.clone()
        })
    }

    /// The same reference pinned to `digest` (the tag, if any, is kept, as docker's `WithDigest`).
    pub fn with_digest(&self, digest: &str) -> Result<ImageRef, ReferenceError> {
        validate_digest(digest)?;
        Ok(ImageRef {
            digest: Some(digest.to_owned()),
            ..self.clone()
        })
    }

    /// `name@digest` without the tag: the form docker lists as `RepoDigests`.
    pub fn repo_digest(&self, digest: &str) -> Result<ImageRef, ReferenceError> {
        validate_digest(digest)?;
        Ok(ImageRef {
            tag: None,
            digest: Some(digest.to_owned()),
            ..self.clone()
        })
    }

    /// The same repository, tag and digest at another registry (a mirror).
    /// `domain` must be a valid registry host, as [`mirror::Mirror`](super::mirror::Mirror) checks.
    pub fn at_registry(&self, domain: &str) -> ImageRef {
        ImageRef {
            domain: domain.to_owned(),
            ..self.clone()
        }
    }

    /// The full name without tag or digest: `docker.io/library/busybox`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }

    /// The name as docker shows it: `busybox`, `foo/bar`, `127.0.0.1:5000/busybox`.
    pub fn familiar_name(&self) -> String {
        if self.domain != DEFAULT_DOMAIN {
            return self.name();
        }
        match self.path.strip_prefix(OFFICIAL_REPO_PREFIX) {
            // `library/a/b` keeps its prefix: only one-level official names are shortened.
            Some(rest) if !rest.contains('/') => rest.to_owned(),
            _ => self.path.clone(),
        }
    }

    /// The reference as docker shows it: `busybox:latest`, `foo/bar@sha256:…`.
    pub fn familiar(&self) -> String {
        let mut s = self.familiar_name();
        self.push_suffix(&mut s);
        s
    }

    /// Whether docker talks plain HTTP to this registry without configuration:
    /// `localhost`, `127.0.0.0/8` and `::1`, on any port.
    pub fn is_insecure_by_default(&self) -> bool {
        is_loopback_registry(&self.domain)
    }

    fn push_suffix(&self, s: &mut String) {
        if let Some(tag) = &self.tag {
            s.push(':');
            s.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            s.push('@');
            s.push_str(digest);
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = self.name();
        self.push_suffix(&mut s);
        f.write_str(&s)
    }
}

impl FromStr for ImageRef {
    type Err = ReferenceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ImageRef::parse(s)
    }
}

impl TryFrom<String> for ImageRef {
    type Error = ReferenceError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        ImageRef::parse(&s)
    }
}

impl From<ImageRef> for String {
    fn from(r: ImageRef) -> String {
        r.to_string()
    }
}

impl serde::Serialize for ImageRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ImageRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ImageRef::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Whether `s` could be an image ID or a prefix of one (1 to 64 lowercase hex
/// digits, optionally after `sha256:`). A full 64-digit ID is always an ID
/// (docker refuses it as a name); a shorter one may also be a valid name such
/// as `abc`, and docker then tries the name first and the ID prefix second.
pub fn looks_like_id_prefix(s: &str) -> bool {
    let hex = s.strip_prefix("sha256:").unwrap_or(s);
    !hex.is_empty() && hex.len() <= SHA256_HEX_LEN && hex.bytes().all(is_lower_hex)
}

/// docker's `ParseNormalizedNamed`: pick the domain, check case, then parse
/// `domain/remainder` against the grammar.
fn parse_normalized_named(s: &str) -> Result<ImageRef, ReferenceError> {
    if s.len() == SHA256_HEX_LEN && s.bytes().all(is_lower_hex) {
        return Err(ReferenceError::IdentifierAsName {
            input: s.to_owned(),
        });
    }
    let (domain, remainder) = split_docker_domain(s);
    // docker checks case on everything before the first ':' of the remainder,
    // so its message names exactly that text (e.g. `library/Busybox`).
    let remote = remainder.split(':').next().unwrap_or_default();
    if remote.to_lowercase() != remote {
        return Err(ReferenceError::Uppercase {
            repository: remote.to_owned(),
        });
    }
    let invalid = || ReferenceError::InvalidFormat {
        input: s.to_owned(),
    };
    if !is_valid_domain(&domain) {
        // docker would re-read such a first component as a path (and end up
        // with an empty domain); nothing can be pulled from that, so refuse it.
        return Err(invalid());
    }
    let (rest, digest) = match remainder.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (remainder.as_str(), None),
    };
    // No ':' can be in the path (the domain is already split off), so any
    // ':' after the last '/' separates the tag.
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (path, tag) = match rest[last_slash..].find(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if !is_valid_path(path) {
        return Err(invalid());
    }
    if let Some(tag) = tag {
        if !is_valid_tag(tag) {
            return Err(invalid());
        }
    }
    if let Some(digest) = digest {
        if !matches_digest_grammar(digest) {
            return Err(invalid());
        }
        validate_digest(digest)?;
    }
    if path.len() > REPOSITORY_NAME_MAX {
        return Err(ReferenceError::NameTooLong {
            repository: path.to_owned(),
        });
    }
    Ok(ImageRef {
        domain,
        path: path.to_owned(),
        tag: tag.map(str::to_owned),
        digest: digest.map(str::to_owned),
    })
}

/// docker's `splitDockerDomain`: the first component is a domain when it has
/// a '.' or ':', is `localhost`, or has uppercase (namespaces cannot).
fn split_docker_domain(name: &str) -> (String, String) {
    let Some((first, rest)) = name.split_once('/') else {
        // A single component ("ubuntu", "ubuntu:tag") is always a Hub official image,
        // even "localhost" or "example.com" alone, as in docker.
        return (
            DEFAULT_DOMAIN.to_owned(),
            format!("{OFFICIAL_REPO_PREFIX}{name}"),
        );
    };
    let (domain, remote) = if first == LEGACY_DEFAULT_DOMAIN {
        (DEFAULT_DOMAIN, rest)
    } else if first == "localhost" || first.contains(['.', ':']) || first.to_lowercase() != first {
        (first, rest)
    } else {
        (DEFAULT_DOMAIN, name)
    };
    let remote = if domain == DEFAULT_DOMAIN && !remote.contains('/') {
        format!("{OFFICIAL_REPO_PREFIX}{remote}")
    } else {
        remote.to_owned()
    };
    (domain.to_owned(), remote)
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `host [":" port]`, host a DNS-like name, an IPv4 address or `[ipv6]`.
fn is_valid_domain(domain: &str) -> bool {
    let (host_ok, rest) = if let Some(inner) = domain.strip_prefix('[') {
        let Some((addr, rest)) = inner.split_once(']') else {
            return false;
        };
        // docker takes only plain compressed/uncompressed IPv6: no zone, no embedded IPv4.
        let ok = !addr.is_empty() && addr.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
        (ok, rest)
    } else {
        let (host, rest) = domain.split_at(domain.find(':').unwrap_or(domain.len()));
        (host.split('.').all(is_valid_domain_component), rest)
    };
    let port_ok = match rest.strip_prefix(':') {
        Some(port) => !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()),
        None => rest.is_empty(),
    };
    host_ok && port_ok
}

fn is_valid_domain_component(c: &str) -> bool {
    let b = c.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && b.iter().all(|&x| x.is_ascii_alphanumeric() || x == b'-')
        }
        _ => false,
    }
}

fn is_valid_path(path: &str) -> bool {
    path.split('/').all(is_valid_path_component)
}

/// `[a-z0-9]+` runs joined by exactly one of `.`, `_`, `__` or a run of `-`.
fn is_valid_path_component(c: &str) -> bool {
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let b = c.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    if !alnum(first) || !alnum(last) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = matches!(sep, "." | "_" | "__") || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    match b.first() {
        Some(&first) => {
            is_word(first)
                && b.len() <= TAG_MAX
                && b.iter().all(|&x| is_word(x) || x == b'.' || x == b'-')
        }
        None => false,
    }
}

/// The reference grammar's digest: `alg(sep alg)*:hex{32,}`, any algorithm.
/// Whatever passes this but is not sha256 gets a specific error, as in docker.
fn matches_digest_grammar(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else {
        return false;
    };
    let alg_ok = alg.split(['-', '_', '+', '.']).all(|part| {
        let b = part.as_bytes();
        b.first().is_some_and(u8::is_ascii_alphabetic) && b.iter().all(u8::is_ascii_alphanumeric)
    });
    alg_ok && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

fn validate_digest(d: &str) -> Result<(), ReferenceError> {
    let problem = match d.split_once(':') {
        None => Some(DigestProblem::Format),
        Some(("sha256", hex)) if hex.len() != SHA256_HEX_LEN => Some(DigestProblem::Length),
        Some(("sha256", hex)) if !hex.bytes().all(is_lower_hex) => Some(DigestProblem::Format),
        Some(("sha256", _)) => None,
        Some(_) => Some(DigestProblem::UnsupportedAlgorithm),
    };
    match problem {
        Some(reason) => Err(ReferenceError::InvalidDigest {
            digest: d.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// `localhost`, `127.0.0.0/8` or `::1`, with or without a port.
fn is_loopback_registry(domain: &str) -> bool {
    let host = if let Some(inner) = domain.strip_prefix('[') {
        inner.split(']').next().unwrap_or_default()
    } else {
        domain.split(':').next().unwrap_or_default()
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Ok(v4) = host.parse::<Ipv4Addr>() {
        return v4.is_loopback();
    }
    host.parse::<Ipv6Addr>().is_ok_and(|v6| v6.is_loopback())
}

#[cfg(test)]
#[path = "reference_tests.rs"]
mod tests;

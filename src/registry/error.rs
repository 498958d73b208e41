//! The registry side's error type and the translation of oci-client's
//! errors into docker's wording. `NotFound` and `Unauthorized` are
//! sentinels the CLI branches on (e.g. `run` pulling a missing image).

use std::error::Error as StdError;
use std::io;

use oci_client::errors::{OciDistributionError, OciEnvelope};

use super::auth::AuthError;
use super::manifest::ManifestError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The registry cannot be reached at all.
    #[error("{message}; check that the registry {registry} is running and reachable")]
    Unreachable { registry: String, message: String },
    /// A transfer broke off after it had started.
    #[error("{message}; check the network connection to {registry} and try again")]
    Network { registry: String, message: String },
    #[error(
        "TLS connection to {registry} failed: {detail}; if it serves plain HTTP or a \
         self-signed certificate, pass --tls-verify=false or list it in insecure registries"
    )]
    Tls { registry: String, detail: String },
    /// Sentinel: credentials are missing or wrong.
    #[error("{message}; log in with `{}`", login_command(.registry))]
    Unauthorized { registry: String, message: String },
    /// `berth login` with credentials the registry refused.
    #[error("login to {registry} failed: {message}; check the username and password (or token)")]
    LoginRejected { registry: String, message: String },
    #[error(
        "{message}; check that your account on {registry} may access this repository \
         (log in with `{}`)", login_command(.registry)
    )]
    Denied { registry: String, message: String },
    /// Sentinel: the image (tag, digest or repository) does not exist.
    #[error("{message}")]
    NotFound { message: String },
    #[error(
        "no matching manifest for {wanted} in the manifest list entries of {reference} \
         (it has: {available}); choose one with --platform"
    )]
    NoMatchingPlatform {
        reference: String,
        wanted: String,
        available: String,
    },
    #[error("cannot use {reference}: {source}")]
    BadManifest {
        reference: String,
        #[source]
        source: ManifestError,
    },
    #[error(
        "{what} from {registry} failed verification: {detail}; it was corrupted in transit or \
         the registry is broken, and nothing was stored"
    )]
    Corrupt {
        registry: String,
        what: String,
        detail: String,
    },
    #[error("registry {registry}: {message}")]
    Registry { registry: String, message: String },
    #[error("cannot read the credentials for {registry}: {source}")]
    Credentials {
        registry: String,
        #[source]
        source: AuthError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Invalid(String),
}

impl RegistryError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, RegistryError::NotFound { .. })
    }

    pub fn is_unauthorized(&self) -> bool {
        matches!(self, RegistryError::Unauthorized { .. })
    }
}

fn login_command(registry: &str) -> String {
    if registry == "docker.io" {
        "berth login".to_string()
    } else {
        format!("berth login {registry}")
    }
}

/// What a failing registry call was doing, so the message can say so.
#[derive(Debug, Clone)]
pub(crate) enum Doing {
    /// `GET /v2/` (the version check that also starts authentication).
    Ping { url: String },
    /// Fetching a manifest; `reference` is the familiar form the user typed.
    Manifest {
        reference: String,
        repository: String,
    },
    /// Downloading a blob.
    Blob { digest: String },
    /// Uploading or mounting a blob, or pushing a manifest.
    Push,
}

/// Translates an oci-client error into ours, in docker's wording.
pub(crate) fn from_oci(err: OciDistributionError, registry: &str, doing: &Doing) -> RegistryError {
    let registry = registry.to_string();
    match err {
        OciDistributionError::RequestError(e) => {
            // Some calls (`blob_exists`) turn an HTTP status into a request error.
            if let Some(status) = e.status() {
                return from_status(status.as_u16(), "", registry, doing);
            }
            let url = e.url().map(|u| u.to_string()).or_else(|| match doing {
                Doing::Ping { url } => Some(url.clone()),
                _ => None,
            });
            let timeout = e.is_timeout();
            let connecting = e.is_connect() || matches!(doing, Doing::Ping { .. });
            transport(registry, url, &chain(&e), timeout, connecting)
        }
        OciDistributionError::IoError(e) => {
            let texts = chain(&e);
            if texts
                .iter()
                .any(|(t, _)| t.contains("Digest error") || t.contains("digest"))
            {
                let detail: Vec<&str> = texts.iter().map(|(t, _)| t.as_str()).collect();
                return corrupt(registry, doing, detail.join(": "));
            }
            transport(registry, None, &texts, false, false)
        }
        OciDistributionError::DigestError(e) => corrupt(registry, doing, e.to_string()),
        OciDistributionError::UnauthorizedError { .. } => RegistryError::Unauthorized {
            registry,
            message: "unauthorized: authentication required".into(),
        },
        OciDistributionError::AuthenticationFailure(body) => RegistryError::Unauthorized {
            registry,
            message: format!("unauthorized: {}", token_failure_reason(&body)),
        },
        OciDistributionError::RegistryError { envelope, .. } => {
            from_envelope(&envelope, registry, doing)
        }
        OciDistributionError::ServerError { code, message, .. } => {
            from_status(code, &message, registry, doing)
        }
        other => RegistryError::Registry {
            registry,
            message: other.to_string(),
        },
    }
}

/// The messages of an error and its sources, outermost first.
fn chain(e: &(dyn StdError + 'static)) -> Vec<(String, Option<io::ErrorKind>)> {
    let mut out = Vec::new();
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = cur {
        let kind = err.downcast_ref::<io::Error>().map(io::Error::kind);
        out.push((err.to_string(), kind));
        cur = err.source();
    }
    out
}

fn corrupt(registry: String, doing: &Doing, detail: String) -> RegistryError {
    let what = match doing {
        Doing::Blob { digest } => format!("blob {digest}"),
        Doing::Manifest { reference, .. } => format!("manifest of {reference}"),
        Doing::Ping { .. } | Doing::Push => "data".to_string(),
    };
    RegistryError::Corrupt {
        registry,
        what,
        detail,
    }
}

/// A failure below HTTP: connection refused, DNS, TLS, timeout, reset.
fn transport(
    registry: String,
    url: Option<String>,
    chain: &[(String, Option<io::ErrorKind>)],
    timeout: bool,
    connecting: bool,
) -> RegistryError {
    let lower: Vec<String> = chain.iter().map(|(t, _)| t.to_ascii_lowercase()).collect();
    let any = |needle: &str| lower.iter().any(|t| t.contains(needle));
    let kinds: Vec<io::ErrorKind> = chain.iter().filter_map(|(_, k)| *k).collect();
    let innermost = chain
        .iter()
        .rev()
        .map(|(t, _)| t.as_str())
        .find(|t| !t.is_empty())
        .unwrap_or("unknown error")
        .to_string();
    if any("certificate") || any("invalidcontenttype") || any("tls") || any("handshake") {
        return RegistryError::Tls {
            registry,
            detail: innermost,
        };
    }
    let host = url
        .as_deref()
        .map(host_port)
        .unwrap_or_else(|| registry.clone());
    let detail = if kinds.contains(&io::ErrorKind::ConnectionRefused) {
        format!("dial tcp {host}: connect: connection refused")
    } else if any("dns error") || any("failed to lookup address") || any("name or service") {
        let name = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
        format!("dial tcp: lookup {name}: no such host")
    } else if timeout || kinds.contains(&io::ErrorKind::TimedOut) {
        format!("dial tcp {host}: i/o timeout")
    } else if kinds.contains(&io::ErrorKind::ConnectionReset) {
        format!("read tcp {host}: connection reset by peer")
    } else {
        innermost
    };
    let message = match &url {
        Some(u) => format!("Get \"{u}\": {detail}"),
        None => detail,
    };
    if connecting {
        RegistryError::Unreachable { registry, message }
    } else {
        RegistryError::Network { registry, message }
    }
}

/// `host:port` of a URL, with the scheme's default port, as Go's dialer prints it.
fn host_port(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let authority = rest.split('/').next().unwrap_or(rest);
    let has_port = match authority.rfind(':') {
        Some(i) => !authority[i..].contains(']'),
        None => false,
    };
    if has_port {
        authority.to_string()
    } else if scheme == "http" {
        format!("{authority}:80")
    } else {
        format!("{authority}:443")
    }
}

/// The reason a token server gives, from its JSON body if it has one.
fn token_failure_reason(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let from_json = parsed.as_ref().and_then(|v| {
        v.get("details")
            .or_else(|| v.get("detail"))
            .or_else(|| v.pointer("/errors/0/message"))
            .and_then(|m| m.as_str())
            .map(str::to_string)
    });
    match from_json {
        Some(r) if !r.is_empty() => r,
        _ if body.trim().is_empty() || body.len() > 200 => "incorrect username or password".into(),
        _ => body.trim().to_string(),
    }
}

/// `MANIFEST_UNKNOWN` → `manifest unknown`, as docker prints error codes.
fn code_words(code: &impl serde::Serialize) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.to_ascii_lowercase().replace('_', " ")))
        .unwrap_or_else(|| "error".into())
}

fn from_envelope(envelope: &OciEnvelope, registry: String, doing: &Doing) -> RegistryError {
    let Some(first) = envelope.errors.first() else {
        return RegistryError::Registry {
            registry,
            message: "the registry returned an empty error list".into(),
        };
    };
    let words = code_words(&first.code);
    let text = if first.message.is_empty() || first.message == words {
        words.clone()
    } else {
        format!("{words}: {}", first.message)
    };
    match (words.as_str(), doing) {
        ("unauthorized", _) => RegistryError::Unauthorized {
            registry,
            message: text,
        },
        ("denied", _) => RegistryError::Denied {
            registry,
            message: text,
        },
        ("manifest unknown" | "not found", Doing::Manifest { reference, .. }) => {
            RegistryError::NotFound {
                message: format!("manifest for {reference} not found: {text}"),
            }
        }
        ("name unknown", Doing::Manifest { repository, .. }) => RegistryError::NotFound {
            message: format!("repository {repository} not found: {text}"),
        },
        ("blob unknown", Doing::Blob { digest }) => RegistryError::Registry {
            registry,
            message: format!("blob {digest} is missing from the registry: {text}"),
        },
        _ => RegistryError::Registry {
            registry,
            message: text,
        },
    }
}

fn from_status(code: u16, body: &str, registry: String, doing: &Doing) -> RegistryError {
    let body = body.trim();
    let body = if body.len() > 200 { "" } else { body };
    match (code, doing) {
        (401, _) => RegistryError::Unauthorized {
            registry,
            message: "unauthorized: authentication required".into(),
        },
        (403, _) => RegistryError::Denied {
            registry,
            message: "denied: requested access to the resource is denied".into(),
        },
        (404, Doing::Manifest { reference, .. }) => RegistryError::NotFound {
            message: format!("manifest for {reference} not found: manifest unknown"),
        },
        (429, _) => RegistryError::Registry {
            registry,
            message: "toomanyrequests: the registry's rate limit was reached; wait and try again, or log in for a higher limit".into(),
        },
        _ => RegistryError::Registry {
            registry,
            message: if body.is_empty() {
                format!("received unexpected HTTP status: {code}")
            } else {
                format!("received unexpected HTTP status: {code}: {body}")
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_doing() -> Doing {
        Doing::Manifest {
            reference: "127.0.0.1:5000/foo:nope".into(),
            repository: "127.0.0.1:5000/foo".into(),
        }
    }

    fn envelope(json: &str) -> OciDistributionError {
        OciDistributionError::RegistryError {
            envelope: serde_json::from_str(json).expect("test envelope parses"),
            url: "http://127.0.0.1:5000/v2/foo/manifests/nope".into(),
        }
    }

    #[test]
    fn manifest_unknown_is_not_found_in_docker_words() {
        let e = from_oci(
            envelope(r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#),
            "127.0.0.1:5000",
            &manifest_doing(),
        );
        assert!(e.is_not_found());
        assert_eq!(
            e.to_string(),
            "manifest for 127.0.0.1:5000/foo:nope not found: manifest unknown"
        );
        let e = from_oci(
            envelope(
                r#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}"#,
            ),
            "127.0.0.1:5000",
            &manifest_doing(),
        );
        assert!(e.is_not_found());
        assert!(e
            .to_string()
            .contains("repository 127.0.0.1:5000/foo not found"));
        let e = from_oci(
            OciDistributionError::ServerError {
                code: 404,
                url: String::new(),
                message: "404 page not found".into(),
            },
            "127.0.0.1:5000",
            &manifest_doing(),
        );
        assert!(e.is_not_found());
    }

    #[test]
    fn unauthorized_suggests_login() {
        let e = from_oci(
            OciDistributionError::UnauthorizedError {
                url: "https://r.example/v2/".into(),
            },
            "r.example",
            &manifest_doing(),
        );
        assert!(e.is_unauthorized());
        assert_eq!(
            e.to_string(),
            "unauthorized: authentication required; log in with `berth login r.example`"
        );
        let e = from_oci(
            envelope(r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#),
            "docker.io",
            &manifest_doing(),
        );
        assert!(e.is_unauthorized());
        assert!(e.to_string().ends_with("log in with `berth login`"), "{e}");
        let e = from_oci(
            OciDistributionError::AuthenticationFailure(
                r#"{"details":"incorrect username or password"}"#.into(),
            ),
            "docker.io",
            &Doing::Ping {
                url: "https://index.docker.io/v2/".into(),
            },
        );
        assert!(e
            .to_string()
            .starts_with("unauthorized: incorrect username or password"));
    }

    #[test]
    fn denied_and_other_codes_keep_the_registry_message() {
        let push = Doing::Push;
        let e = from_oci(
            envelope(
                r#"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#,
            ),
            "r.example",
            &push,
        );
        assert!(matches!(e, RegistryError::Denied { .. }));
        assert!(e
            .to_string()
            .starts_with("denied: requested access to the resource is denied"));
        let e = from_oci(
            envelope(
                r#"{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":{}}]}"#,
            ),
            "r.example",
            &push,
        );
        assert_eq!(e.to_string(), "registry r.example: manifest invalid");
        // A 404 that is not about a manifest is not the image-missing sentinel.
        let e = from_oci(
            OciDistributionError::ServerError {
                code: 404,
                url: String::new(),
                message: String::new(),
            },
            "r.example",
            &Doing::Blob {
                digest: "sha256:ab".into(),
            },
        );
        assert!(!e.is_not_found());
    }

    #[test]
    fn connection_refused_reads_like_docker() {
        let chain = vec![
            ("error sending request".to_string(), None),
            ("client error (Connect)".to_string(), None),
            (
                "Connection refused (os error 111)".to_string(),
                Some(io::ErrorKind::ConnectionRefused),
            ),
        ];
        let e = transport(
            "127.0.0.1:5000".into(),
            Some("http://127.0.0.1:5000/v2/".into()),
            &chain,
            false,
            true,
        );
        assert_eq!(
            e.to_string(),
            "Get \"http://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused; \
             check that the registry 127.0.0.1:5000 is running and reachable"
        );
        assert!(matches!(e, RegistryError::Unreachable { .. }));
    }

    #[test]
    fn dns_tls_and_default_ports() {
        let dns = vec![(
            "dns error: failed to lookup address information".to_string(),
            None,
        )];
        let e = transport(
            "nope.invalid".into(),
            Some("https://nope.invalid/v2/".into()),
            &dns,
            false,
            true,
        );
        assert!(
            e.to_string()
                .contains("dial tcp: lookup nope.invalid: no such host"),
            "{e}"
        );
        let tls = vec![("invalid peer certificate: UnknownIssuer".to_string(), None)];
        let e = transport("r.example".into(), None, &tls, false, true);
        assert!(matches!(e, RegistryError::Tls { .. }));
        assert!(e.to_string().contains("--tls-verify=false"));
        assert_eq!(host_port("https://r.example/v2/"), "r.example:443");
        assert_eq!(host_port("http://[::1]/v2/"), "[::1]:80");
        assert_eq!(host_port("http://[::1]:5000/v2/"), "[::1]:5000");
    }

    #[test]
    fn token_server_reasons() {
        assert_eq!(token_failure_reason(""), "incorrect username or password");
        assert_eq!(
            token_failure_reason(r#"{"errors":[{"code":"UNAUTHORIZED","message":"bad creds"}]}"#),
            "bad creds"
        );
        assert_eq!(token_failure_reason("nope"), "nope");
    }
}

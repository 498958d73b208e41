//! A connection to one registry on oci-client: transport (HTTPS, plain HTTP
//! for loopback and insecure registries), credentials from `auth`, and the
//! few raw calls pull, push and inspect share. oci-client's high-level
//! `pull()` is never used: it holds whole layers in memory.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use futures_util::StreamExt;
use oci_client::client::{ClientConfig, ClientProtocol, LayerDescriptor};
use oci_client::errors::OciDistributionError;
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference, RegistryOperation};

use super::auth::{self, Credential};
use super::error::{from_oci, Doing, RegistryError};
use super::manifest::{self, Descriptor};
use super::mirror::{self, Mirror, Scheme};
use super::platform::Platform;
use super::reference::ImageRef;
use crate::store::Digest;

pub type Result<T, E = RegistryError> = std::result::Result<T, E>;

const USER_AGENT: &str = concat!("berth/", env!("CARGO_PKG_VERSION"));
/// A registry that accepts the connection but never answers should fail, not hang.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Per read, not per transfer: a stalled download fails, a slow one goes on.
const READ_TIMEOUT: Duration = Duration::from_secs(120);

/// Registry settings the CLI resolves from flags and `berth.toml`.
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    /// `--tls-verify=false` accepts any certificate and falls back to plain HTTP.
    pub tls_verify: bool,
    /// Registries (`host`, `host:port` or an IP network `10.0.0.0/8`) spoken
    /// to as with `--tls-verify=false`.
    pub insecure_registries: Vec<String>,
    /// `--platform`; the host's platform when `None`.
    pub platform: Option<Platform>,
    /// Mirrors to pull from first, by registry (`docker.io` → its mirrors).
    pub mirrors: BTreeMap<String, Vec<Mirror>>,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        RegistryOptions {
            tls_verify: true,
            insecure_registries: Vec::new(),
            platform: None,
            mirrors: BTreeMap::new(),
        }
    }
}

impl RegistryOptions {
    pub fn platform(&self) -> Platform {
        self.platform.clone().unwrap_or_else(Platform::host)
    }

    fn is_listed_insecure(&self, registry: &str) -> bool {
        self.insecure_registries
            .iter()
            .any(|entry| insecure_entry_matches(entry, registry))
    }
}

/// How to reach a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Http,
    Https,
    /// HTTPS without certificate checks, falling back to HTTP (docker's insecure registries).
    HttpsThenHttp,
}

fn transport_for(reference: &ImageRef, opts: &RegistryOptions) -> Transport {
    // A mirror's URL says how to reach it.
    match mirror::scheme_of(reference.registry(), &opts.mirrors) {
        Some(Scheme::Http) => return Transport::Http,
        Some(Scheme::Https) if !opts.is_listed_insecure(reference.registry()) => {
            return Transport::Https
        }
        _ => {}
    }
    if reference.is_insecure_by_default() {
        // Docker's rule: loopback registries speak plain HTTP unless told otherwise.
        Transport::Http
    } else if !opts.tls_verify || opts.is_listed_insecure(reference.registry()) {
        Transport::HttpsThenHttp
    } else {
        Transport::Https
    }
}

/// `host`, `host:port` or a CIDR network, as docker's `insecure-registries`.
fn insecure_entry_matches(entry: &str, registry: &str) -> bool {
    let entry = entry
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    if entry.eq_ignore_ascii_case(registry) {
        return true;
    }
    let Some((net, bits)) = entry.split_once('/') else {
        return false;
    };
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    let host = match registry.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => registry,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let Ok(ip) = host.parse::<IpAddr>() else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

/// The oci-client reference for one of ours (a digest wins over a tag, as in docker).
pub(crate) fn oci_reference(r: &ImageRef) -> Reference {
    let (reg, repo) = (r.registry().to_string(), r.repository().to_string());
    match (r.digest(), r.tag()) {
        (Some(d), _) => Reference::with_digest(reg, repo, d.to_string()),
        (None, Some(t)) => Reference::with_tag(reg, repo, t.to_string()),
        (None, None) => Reference::with_tag(reg, repo, "latest".to_string()),
    }
}

/// An authenticated client for one registry.
pub(crate) struct Session {
    pub(crate) client: Client,
    auth: RegistryAuth,
    registry: String,
}

fn client_for(host: &str, transport: Transport) -> Client {
    let protocol = match transport {
        Transport::Http => ClientProtocol::HttpsExcept(vec![host.to_string()]),
        Transport::Https | Transport::HttpsThenHttp => ClientProtocol::Https,
    };
    Client::new(ClientConfig {
        protocol,
        accept_invalid_certificates: transport == Transport::HttpsThenHttp,
        // One PUT per blob, streamed: the upload every registry must support,
        // and no 4 MiB PATCH round trips.
        use_monolithic_push: true,
        // Manifest lists are resolved by `platform::select`, never by oci-client.
        platform_resolver: None,
        connect_timeout: Some(CONNECT_TIMEOUT),
        read_timeout: Some(READ_TIMEOUT),
        user_agent: USER_AGENT,
        ..ClientConfig::default()
    })
}

fn auth_from(credential: Option<Credential>) -> RegistryAuth {
    match credential {
        Some(Credential::Basic { username, password }) => RegistryAuth::Basic(username, password),
        // An identity token is sent as the bearer token; registries that
        // only accept it in an OAuth refresh exchange will answer 401.
        Some(Credential::IdentityToken(token)) => RegistryAuth::Bearer(token),
        None => RegistryAuth::Anonymous,
    }
}

impl Session {
    /// Connects with the stored credentials for `reference`'s registry.
    pub(crate) async fn connect(
        reference: &ImageRef,
        opts: &RegistryOptions,
        op: RegistryOperation,
    ) -> Result<Session> {
        let registry = reference.registry();
        let credential = auth::lookup(registry).map_err(|source| RegistryError::Credentials {
            registry: registry.to_string(),
            source,
        })?;
        Session::connect_with(reference, opts, op, auth_from(credential)).await
    }

    /// Connects, checks the registry answers (`GET /v2/`) and fetches a
    /// token for `op` on `reference`'s repository if the registry wants one.
    async fn connect_with(
        reference: &ImageRef,
        opts: &RegistryOptions,
        op: RegistryOperation,
        auth: RegistryAuth,
    ) -> Result<Session> {
        let oci_ref = oci_reference(reference);
        let host = oci_ref.resolve_registry().to_string();
        let mut transport = transport_for(reference, opts);
        if transport == Transport::HttpsThenHttp {
            let probe = client_for(&host, transport);
            let answered = probe
                .auth(&oci_ref, &RegistryAuth::Anonymous, RegistryOperation::Pull)
                .await;
            if let Err(OciDistributionError::RequestError(_)) = answered {
                transport = Transport::Http;
            }
        }
        let scheme = if transport == Transport::Http {
            "http"
        } else {
            "https"
        };
        let client = client_for(&host, transport);
        let session = Session {
            client,
            auth,
            registry: reference.registry().to_string(),
        };
        let ping = Doing::Ping {
            url: format!("{scheme}://{host}/v2/"),
        };
        session
            .client
            .auth(&oci_ref, &session.auth, op)
            .await
            .map_err(|e| from_oci(e, &session.registry, &ping))?;
        Ok(session)
    }

    pub(crate) fn registry(&self) -> &str {
        &self.registry
    }

    pub(crate) fn fail(&self, doing: Doing) -> impl Fn(OciDistributionError) -> RegistryError + '_ {
        move |e| from_oci(e, &self.registry, &doing)
    }

    /// Fetches a manifest as served: `reference`'s own, or the one at
    /// `digest` in its repository. The digest is checked when one is known.
    pub(crate) async fn fetch_manifest(
        &self,
        reference: &ImageRef,
        digest: Option<&str>,
    ) -> Result<(Vec<u8>, Digest)> {
        let oci_ref = match digest {
            Some(d) => Reference::with_digest(
                reference.registry().to_string(),
                reference.repository().to_string(),
                d.to_string(),
            ),
            None => oci_reference(reference),
        };
        let doing = Doing::Manifest {
            reference: reference.familiar(),
            repository: reference.name(),
        };
        let (body, _) = self
            .client
            .pull_manifest_raw(&oci_ref, &self.auth, manifest::ACCEPTED)
            .await
            .map_err(self.fail(doing))?;
        if body.len() as u64 > manifest::MAX_MANIFEST_BYTES {
            return Err(RegistryError::Registry {
                registry: self.registry.clone(),
                message: format!(
                    "the manifest of {} is {} bytes, more than any image manifest; refusing it",
                    reference.familiar(),
                    body.len()
                ),
            });
        }
        let actual = Digest::of_bytes(&body);
        if let Some(want) = digest.or(reference.digest()) {
            if want != actual.as_str() {
                return Err(RegistryError::Corrupt {
                    registry: self.registry.clone(),
                    what: format!("manifest of {}", reference.familiar()),
                    detail: format!("expected digest {want}, got {actual}"),
                });
            }
        }
        Ok((body.to_vec(), actual))
    }

    /// Downloads a small blob (a config) into memory and verifies it.
    pub(crate) async fn fetch_small_blob(
        &self,
        reference: &ImageRef,
        desc: &Descriptor,
        max: u64,
    ) -> Result<Vec<u8>> {
        let expected = parse_digest(&desc.digest)?;
        if desc.size > max {
            return Err(RegistryError::Registry {
                registry: self.registry.clone(),
                message: format!(
                    "blob {} claims {} bytes, more than the {max} an image config may have",
                    desc.digest, desc.size
                ),
            });
        }
        let oci_ref = oci_reference(reference);
        let doing = Doing::Blob {
            digest: desc.digest.clone(),
        };
        let layer = LayerDescriptor {
            digest: &desc.digest,
            urls: &desc.urls,
        };
        let mut stream = self
            .client
            .pull_blob_stream(&oci_ref, &layer)
            .await
            .map_err(self.fail(doing.clone()))?;
        let mut data = Vec::with_capacity(desc.size as usize);
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| from_oci(e.into(), &self.registry, &doing))?;
            if (data.len() + chunk.len()) as u64 > max {
                return Err(RegistryError::Registry {
                    registry: self.registry.clone(),
                    message: format!(
                        "blob {} is larger than {max} bytes; refusing it",
                        desc.digest
                    ),
                });
            }
            data.extend_from_slice(&chunk);
            if data.len() as u64 > desc.size {
                break;
            }
        }
        // The descriptor's size is part of what the manifest's digest
        // vouches for: content of another size is not what it names.
        if data.len() as u64 != desc.size {
            return Err(RegistryError::Corrupt {
                registry: self.registry.clone(),
                what: format!("blob {expected}"),
                detail: if data.len() as u64 > desc.size {
                    format!(
                        "the manifest gives its size as {} bytes but the registry sent more",
                        desc.size
                    )
                } else {
                    format!(
                        "the manifest gives its size as {} bytes but the registry sent {}",
                        desc.size,
                        data.len()
                    )
                },
            });
        }
        let actual = Digest::of_bytes(&data);
        if actual != expected {
            return Err(RegistryError::Corrupt {
                registry: self.registry.clone(),
                what: format!("blob {expected}"),
                detail: format!("got {actual}"),
            });
        }
        Ok(data)
    }
}

/// Digests in manifests must be sha256 for the store to hold them.
pub(crate) fn parse_digest(s: &str) -> Result<Digest> {
    Digest::parse(s).map_err(|_| {
        RegistryError::Invalid(format!(
            "the image refers to content by digest {s:?}; berth supports only sha256 digests"
        ))
    })
}

/// Checks a username and password against `registry` for `berth login`:
/// the registry's token service (or, for basic-auth registries, an
/// authenticated request) must accept them.
pub async fn check_login(
    registry: &str,
    username: &str,
    password: &str,
    opts: &RegistryOptions,
) -> Result<()> {
    // A reference in the registry only carries the host to oci-client; the
    // repository just names the scope of the token asked for.
    let probe = ImageRef::parse(&format!("{registry}/library/berth-login"))
        .map_err(|e| RegistryError::Invalid(format!("invalid registry name {registry:?}: {e}")))?;
    let auth = RegistryAuth::Basic(username.to_string(), password.to_string());
    let rejected = |e: RegistryError| match e {
        RegistryError::Unauthorized { registry, message } => {
            RegistryError::LoginRejected { registry, message }
        }
        other => other,
    };
    let session = Session::connect_with(&probe, opts, RegistryOperation::Pull, auth.clone())
        .await
        .map_err(rejected)?;
    // A bearer token proves the credentials; a basic-auth registry has not
    // seen them yet, so make one authenticated request.
    let oci_ref = oci_reference(&probe);
    match session.client.catalog(&oci_ref, &auth, Some(1), None).await {
        Ok(_) => Ok(()),
        Err(e @ OciDistributionError::UnauthorizedError { .. }) => {
            Err(rejected(from_oci(e, registry, &Doing::Push))) // only the status matters here
        }
        // Registries without a catalog (most public ones) still accepted the login.
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(s: &str) -> ImageRef {
        ImageRef::parse(s).expect("test reference parses")
    }

    #[test]
    fn loopback_is_http_and_listed_registries_are_probed() {
        let opts = RegistryOptions {
            insecure_registries: vec!["registry.lan:5000".into(), "10.1.0.0/16".into()],
            ..RegistryOptions::default()
        };
        assert_eq!(
            transport_for(&image("127.0.0.1:5000/a"), &opts),
            Transport::Http
        );
        assert_eq!(
            transport_for(&image("localhost:5000/a"), &opts),
            Transport::Http
        );
        assert_eq!(
            transport_for(&image("registry.lan:5000/a"), &opts),
            Transport::HttpsThenHttp
        );
        assert_eq!(
            transport_for(&image("10.1.2.3:5000/a"), &opts),
            Transport::HttpsThenHttp
        );
        assert_eq!(transport_for(&image("10.2.2.3/a"), &opts), Transport::Https);
        assert_eq!(
            transport_for(&image("registry.lan/a"), &opts),
            Transport::Https
        );
        assert_eq!(transport_for(&image("busybox"), &opts), Transport::Https);
        let mut mirrored = RegistryOptions::default();
        for m in ["http://mirror.lan:5000", "https://127.0.0.1:5001"] {
            let m = Mirror::parse(m).expect("mirror");
            mirrored
                .mirrors
                .entry("docker.io".into())
                .or_default()
                .push(m);
        }
        assert_eq!(
            transport_for(&image("mirror.lan:5000/library/a"), &mirrored),
            Transport::Http
        );
        assert_eq!(
            transport_for(&image("127.0.0.1:5001/library/a"), &mirrored),
            Transport::Https
        );
        let no_verify = RegistryOptions {
            tls_verify: false,
            ..RegistryOptions::default()
        };
        assert_eq!(
            transport_for(&image("quay.io/a/b"), &no_verify),
            Transport::HttpsThenHttp
        );
    }

    #[test]
    fn insecure_entries_match_hosts_and_networks() {
        assert!(insecure_entry_matches("http://r.lan:5000/", "r.lan:5000"));
        assert!(insecure_entry_matches("192.168.0.0/16", "192.168.4.5"));
        assert!(insecure_entry_matches("fd00::/8", "[fd12::1]:5000"));
        assert!(insecure_entry_matches("0.0.0.0/0", "1.2.3.4"));
        assert!(!insecure_entry_matches(
            "192.168.0.0/16",
            "192.169.4.5:5000"
        ));
        assert!(!insecure_entry_matches("r.lan", "r.lan:5000"));
        assert!(!insecure_entry_matches("10.0.0.0/99", "10.0.0.1"));
    }

    #[test]
    fn oci_reference_prefers_the_digest() {
        let d = format!("sha256:{}", "a".repeat(64));
        let r = oci_reference(&image(&format!("busybox:1.36@{d}")));
        assert_eq!(r.digest(), Some(d.as_str()));
        assert_eq!(r.repository(), "library/busybox");
        assert_eq!(r.resolve_registry(), "index.docker.io");
        let r = oci_reference(&image("127.0.0.1:5000/x/y:v1"));
        assert_eq!((r.registry(), r.tag()), ("127.0.0.1:5000", Some("v1")));
    }

    #[test]
    fn credentials_become_registry_auth() {
        let basic = Credential::Basic {
            username: "u".into(),
            password: "p".into(),
        };
        assert_eq!(
            auth_from(Some(basic)),
            RegistryAuth::Basic("u".into(), "p".into())
        );
        assert_eq!(
            auth_from(Some(Credential::IdentityToken("t".into()))),
            RegistryAuth::Bearer("t".into())
        );
        assert_eq!(auth_from(None), RegistryAuth::Anonymous);
    }

    #[test]
    fn default_options_verify_tls_and_use_the_host_platform() {
        let o = RegistryOptions::default();
        assert!(o.tls_verify);
        assert_eq!(o.platform(), Platform::host());
    }
}

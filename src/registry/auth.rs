//! Registry credentials in docker's `config.json` format: read for pull and
//! push, written by `berth login`, removed by `berth logout`.
//!
//! The file is `$REGISTRY_AUTH_FILE` (podman's auth.json, same format), else
//! `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. As docker does,
//! a registry's `credHelpers` entry, or else `credsStore`, sends the secret
//! to `docker-credential-<name>` instead of the file.
//!
//! The public functions read the environment; everything below them takes
//! the file and the helper directory explicitly, so tests stay off `$HOME`
//! and `$PATH` (both process-global).

use std::collections::BTreeMap;
use std::env;
use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Deserialize;
use serde_json::{Map, Value};

#[path = "auth_helper.rs"]
mod helper;
use helper::Helper;

/// The key docker files Docker Hub credentials under (the old v1 index URL).
const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";
const HUB_HOSTS: [&str; 3] = ["docker.io", "index.docker.io", "registry-1.docker.io"];

/// A credential for one registry.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    Basic {
        username: String,
        password: String,
    },
    /// An OAuth refresh token (docker's `identitytoken`), used instead of a password.
    IdentityToken(String),
}

// Secrets stay out of logs and panic messages.
impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Credential::IdentityToken(_) => f.write_str("IdentityToken(<redacted>)"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("cannot read credentials file {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "credentials file {} is not valid JSON ({source}); fix it or move it away and log in again",
        .path.display()
    )]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "credentials file {} holds {what}, not a JSON object; fix it or move it away and log in again",
        .path.display()
    )]
    NotAnObject { path: PathBuf, what: &'static str },
    #[error(
        "credentials file {}: the \"auth\" of \"{key}\" is not base64 of user:password; \
         log in again with `berth login`",
        .path.display()
    )]
    BadAuthField { path: PathBuf, key: String },
    #[error("cannot write credentials file {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error(
        "credential helper {helper} not found; install it, or remove \"credsStore\"/\"credHelpers\" \
         from the credentials file"
    )]
    HelperNotFound { helper: String },
    #[error("credential helper {helper} could not {action} credentials for {server}: {message}")]
    HelperFailed {
        helper: String,
        action: &'static str,
        server: String,
        message: String,
    },
}

/// The credentials file in use (it need not exist yet).
pub fn config_path() -> PathBuf {
    let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    config_path_from(
        env::var_os("REGISTRY_AUTH_FILE"),
        env::var_os("DOCKER_CONFIG"),
        home,
    )
}

/// The credential for `registry` (as in `ImageRef::registry()`), if any.
/// A configured helper that is missing is an error: callers pulling public
/// images may choose to warn and go on anonymously.
pub fn lookup(registry: &str) -> Result<Option<Credential>, AuthError> {
    Store::from_env().lookup(registry)
}

/// Save a login for `registry`; returns the file written.
pub fn store(registry: &str, username: &str, password: &str) -> Result<PathBuf, AuthError> {
    Store::from_env().store(registry, username, password)
}

/// Remove the login for `registry`; `Ok(false)` if there was none.
pub fn erase(registry: &str) -> Result<bool, AuthError> {
    Store::from_env().erase(registry)
}

fn config_path_from(
    auth_file: Option<OsString>,
    docker_config: Option<OsString>,
    home: Option<PathBuf>,
) -> PathBuf {
    let set = |v: Option<OsString>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(file) = set(auth_file) {
        return file;
    }
    if let Some(dir) = set(docker_config) {
        return dir.join("config.json");
    }
    // Like docker, a user without a home directory gets a relative `.docker`.
    home.unwrap_or_default().join(".docker").join("config.json")
}

/// The key the file and the helpers know `registry` by.
fn server_key(registry: &str) -> String {
    if HUB_HOSTS.contains(&registry) {
        DOCKER_HUB_KEY.to_owned()
    } else {
        registry.to_owned()
    }
}

/// docker's `ConvertToHostname`: `https://quay.io/v2/` → `quay.io`, with the
/// Hub's several names folded into one.
fn key_host(key: &str) -> &str {
    let bare = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = bare.split('/').next().unwrap_or_default();
    if HUB_HOSTS.contains(&host) {
        "docker.io"
    } else {
        host
    }
}

fn key_matches(key: &str, registry: &str) -> bool {
    key == server_key(registry) || key_host(key) == key_host(registry)
}

#[derive(Deserialize, Default)]
struct ConfigView {
    auths: Option<BTreeMap<String, AuthEntry>>,
    #[serde(rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(rename = "credHelpers")]
    cred_helpers: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
    identitytoken: Option<String>,
}

impl ConfigView {
    /// The helper for `registry`: its own `credHelpers` entry, else `credsStore`.
    fn helper_for(&self, registry: &str) -> Option<&str> {
        let helpers = self.cred_helpers.iter().flatten();
        let exact = server_key(registry);
        let per_registry = helpers
            .clone()
            .find(|(k, _)| **k == exact)
            .or_else(|| helpers.clone().find(|(k, _)| key_matches(k, registry)))
            .map(|(_, v)| v.as_str());
        per_registry
            .or(self.creds_store.as_deref())
            .filter(|h| !h.is_empty())
    }

    /// The file's own entries for `registry`: the exact key first, then the
    /// legacy spellings (`http://host`, `https://host/v1/`, podman's `docker.io`).
    fn entries_for<'a>(&'a self, registry: &str) -> Vec<(&'a str, &'a AuthEntry)> {
        let exact = server_key(registry);
        let mut found: Vec<_> = self
            .auths
            .iter()
            .flatten()
            .filter(|(k, _)| key_matches(k, registry))
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        found.sort_by_key(|(k, _)| *k != exact);
        found
    }
}

/// A credentials file and where its helpers are looked for (`None`: `$PATH`).
pub(crate) struct Store {
    file: PathBuf,
    helper_dir: Option<PathBuf>,
}

impl Store {
    fn from_env() -> Store {
        Store {
            file: config_path(),
            helper_dir: None,
        }
    }

    fn helper<'a>(&'a self, name: &'a str) -> Helper<'a> {
        Helper {
            name,
            dir: self.helper_dir.as_deref(),
        }
    }

    pub(crate) fn lookup(&self, registry: &str) -> Result<Option<Credential>, AuthError> {
        let view = self.read_view()?;
        if let Some(name) = view.helper_for(registry) {
            if let Some(cred) = self.helper(name).get(&server_key(registry))? {
                return Ok(Some(cred));
            }
            // docker would stop here; a plain-text entry left beside a helper
            // is still the user's credential, so fall through to it.
        }
        for (key, entry) in view.entries_for(registry) {
            if let Some(cred) = self.credential_of(key, entry)? {
                return Ok(Some(cred));
            }
        }
        Ok(None)
    }

    pub(crate) fn store(
        &self,
        registry: &str,
        username: &str,
        password: &str,
    ) -> Result<PathBuf, AuthError> {
        let mut doc = self.read_document()?;
        let view = self.view_of(&doc)?;
        let key = server_key(registry);
        let entry = match view.helper_for(registry) {
            Some(name) => {
                self.helper(name).store(&key, username, password)?;
                // docker leaves an empty entry so the file still lists the login.
                Map::new()
            }
            None => {
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{password}"));
                Map::from_iter([("auth".to_owned(), Value::String(encoded))])
            }
        };
        self.auths_mut(&mut doc)?.insert(key, Value::Object(entry));
        self.write_document(&doc)
    }

    pub(crate) fn erase(&self, registry: &str) -> Result<bool, AuthError> {
        let mut doc = self.read_document()?;
        let view = self.view_of(&doc)?;
        // Erase in the helper first: if that fails the file still records the
        // login, and `logout` can simply be run again.
        let in_helper = match view.helper_for(registry) {
            Some(name) => self.helper(name).erase(&server_key(registry))?,
            None => false,
        };
        let keys: Vec<String> = view
            .entries_for(registry)
            .into_iter()
            .map(|(k, _)| k.to_owned())
            .collect();
        if !keys.is_empty() {
            let auths = self.auths_mut(&mut doc)?;
            for key in &keys {
                auths.remove(key);
            }
            self.write_document(&doc)?;
        }
        Ok(in_helper || !keys.is_empty())
    }

    fn credential_of(&self, key: &str, entry: &AuthEntry) -> Result<Option<Credential>, AuthError> {
        let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        if let Some(token) = nonempty(&entry.identitytoken) {
            return Ok(Some(Credential::IdentityToken(token)));
        }
        if let Some(auth) = nonempty(&entry.auth) {
            return decode_auth(&auth)
                .map(Some)
                .ok_or_else(|| AuthError::BadAuthField {
                    path: self.file.clone(),
                    key: key.to_owned(),
                });
        }
        match (nonempty(&entry.username), entry.password.clone()) {
            (Some(username), Some(password)) => Ok(Some(Credential::Basic { username, password })),
            _ => Ok(None),
        }
    }

    /// The file as JSON; a missing or blank file is an empty object, as in docker.
    fn read_document(&self) -> Result<Value, AuthError> {
        let text = match fs::read_to_string(&self.file) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(AuthError::Read {
                    path: self.file.clone(),
                    source,
                })
            }
        };
        if text.trim().is_empty() {
            return Ok(Value::Object(Map::new()));
        }
        let doc: Value = serde_json::from_str(&text).map_err(|source| AuthError::Parse {
            path: self.file.clone(),
            source,
        })?;
        if !doc.is_object() {
            return Err(AuthError::NotAnObject {
                path: self.file.clone(),
                what: json_kind(&doc),
            });
        }
        Ok(doc)
    }

    fn read_view(&self) -> Result<ConfigView, AuthError> {
        let doc = self.read_document()?;
        self.view_of(&doc)
    }

    fn view_of(&self, doc: &Value) -> Result<ConfigView, AuthError> {
        ConfigView::deserialize(doc).map_err(|source| AuthError::Parse {
            path: self.file.clone(),
            source,
        })
    }

    fn auths_mut<'a>(&self, doc: &'a mut Value) -> Result<&'a mut Map<String, Value>, AuthError> {
        let not_object = |what| AuthError::NotAnObject {
            path: self.file.clone(),
            what,
        };
        let root = doc
            .as_object_mut()
            .ok_or_else(|| not_object("a non-object"))?;
        let auths = root
            .entry("auths")
            .or_insert_with(|| Value::Object(Map::new()));
        if auths.is_null() {
            *auths = Value::Object(Map::new());
        }
        let kind = json_kind(auths);
        auths.as_object_mut().ok_or_else(|| not_object(kind))
    }

    /// Replace the file atomically (temp file, fsync, rename, fsync the
    /// directory), mode 0600, through a symlink rather than over it.
    fn write_document(&self, doc: &Value) -> Result<PathBuf, AuthError> {
        let target = fs::canonicalize(&self.file).unwrap_or_else(|_| self.file.clone());
        let werr = |source| AuthError::Write {
            path: target.clone(),
            source,
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .map_err(werr)?;
        let mut body = Vec::new();
        // docker writes the file tab-indented; keep diffs against it small.
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"\t");
        let mut ser = serde_json::Serializer::with_formatter(&mut body, fmt);
        serde::Serialize::serialize(doc, &mut ser)
            .map_err(|e| werr(io::Error::new(io::ErrorKind::InvalidData, e)))?;
        body.push(b'\n');

        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "config.json".to_owned());
        // Unique per process and call: two logins at once must not share a temp file.
        let tmp = dir.join(format!(
            ".{name}.tmp-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        let result = write_synced(&tmp, &body).and_then(|()| fs::rename(&tmp, &target));
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(werr(e));
        }
        File::open(&dir).and_then(|d| d.sync_all()).map_err(werr)?;
        Ok(target)
    }
}

fn write_synced(path: &Path, body: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(body)?;
    f.sync_all()
}

/// `base64(user:password)`; docker tolerates missing padding and trailing NULs.
fn decode_auth(auth: &str) -> Option<Credential> {
    use base64::engine::{general_purpose, DecodePaddingMode, GeneralPurpose};
    let lenient = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        general_purpose::GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let bytes = lenient.decode(auth.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (username, password) = text.split_once(':')?;
    Some(Credential::Basic {
        username: username.to_owned(),
        password: password.trim_matches('\0').to_owned(),
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;

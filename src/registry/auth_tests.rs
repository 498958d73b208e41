//! Credentials files in temp dirs and a fake credential helper: nothing here
//! reads `$HOME`, `$PATH` or any other environment variable.

use super::*;
use std::os::unix::fs::PermissionsExt;

use tempfile::TempDir;

fn basic(u: &str, p: &str) -> Credential {
    Credential::Basic {
        username: u.to_owned(),
        password: p.to_owned(),
    }
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

struct Fixture {
    dir: TempDir,
    store: Store,
}

impl Fixture {
    /// A store whose file is `<tmp>/docker/config.json` (not created) and
    /// whose helpers live in `<tmp>/bin`.
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let store = Store {
            file: dir.path().join("docker").join("config.json"),
            helper_dir: Some(dir.path().join("bin")),
        };
        Fixture { dir, store }
    }

    fn with_config(json: &str) -> Fixture {
        let f = Fixture::new();
        f.write_config(json);
        f
    }

    fn write_config(&self, json: &str) {
        let parent = self
            .store
            .file
            .parent()
            .unwrap_or_else(|| panic!("no parent"));
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        fs::write(&self.store.file, json).unwrap_or_else(|e| panic!("{e}"));
    }

    fn config(&self) -> Value {
        let text = fs::read_to_string(&self.store.file).unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn lookup(&self, registry: &str) -> Option<Credential> {
        self.store
            .lookup(registry)
            .unwrap_or_else(|e| panic!("lookup {registry}: {e}"))
    }

    /// A helper `docker-credential-fake` that keeps one credential per server
    /// in `<tmp>/helper-state/`, as the real ones keep theirs in a keychain.
    fn install_fake_helper(&self) {
        let bin = self.dir.path().join("bin");
        let state = self.dir.path().join("helper-state");
        fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
        fs::create_dir_all(&state).unwrap_or_else(|e| panic!("{e}"));
        let script = format!(
            r#"#!/bin/sh
state='{state}'
input=$(cat)
case "$1" in
get)
  key=$(printf %s "$input" | tr -c 'a-zA-Z0-9.' _)
  if [ -f "$state/$key" ]; then cat "$state/$key"; exit 0; fi
  echo "credentials not found in native keychain"; exit 1 ;;
store)
  server=$(printf %s "$input" | sed 's/.*"ServerURL":"\([^"]*\)".*/\1/')
  user=$(printf %s "$input" | sed 's/.*"Username":"\([^"]*\)".*/\1/')
  secret=$(printf %s "$input" | sed 's/.*"Secret":"\([^"]*\)".*/\1/')
  key=$(printf %s "$server" | tr -c 'a-zA-Z0-9.' _)
  printf '{{"ServerURL":"%s","Username":"%s","Secret":"%s"}}' "$server" "$user" "$secret" > "$state/$key"
  exit 0 ;;
erase)
  key=$(printf %s "$input" | tr -c 'a-zA-Z0-9.' _)
  if [ -f "$state/$key" ]; then rm "$state/$key"; exit 0; fi
  echo "credentials not found in native keychain"; exit 1 ;;
esac
echo "unknown action $1" >&2; exit 2
"#,
            state = state.display()
        );
        write_executable(&bin.join("docker-credential-fake"), &script);
        let broken = "#!/bin/sh\necho 'keychain locked' >&2\nexit 3\n";
        write_executable(&bin.join("docker-credential-broken"), broken);
    }

    fn helper_has(&self, server: &str) -> bool {
        let key: String = server
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir.path().join("helper-state").join(key).exists()
    }
}

/// Write a script and make sure it can be executed: a child forked by
/// another test thread may briefly hold our write descriptor (ETXTBSY).
fn write_executable(path: &Path, body: &str) {
    fs::write(path, body).unwrap_or_else(|e| panic!("{e}"));
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..100 {
        match std::process::Command::new(path)
            .arg("probe")
            .stdin(std::process::Stdio::null())
            .output()
        {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                std::thread::sleep(std::time::Duration::from_millis(10))
            }
            _ => return,
        }
    }
}

#[test]
fn config_path_prefers_registry_auth_file_then_docker_config_then_home() {
    let home = Some(PathBuf::from("/home/u"));
    assert_eq!(
        config_path_from(Some("/a/auth.json".into()), Some("/d".into()), home.clone()),
        PathBuf::from("/a/auth.json")
    );
    assert_eq!(
        config_path_from(None, Some("/d".into()), home.clone()),
        PathBuf::from("/d/config.json")
    );
    assert_eq!(
        config_path_from(Some("".into()), Some("".into()), home.clone()),
        PathBuf::from("/home/u/.docker/config.json")
    );
    assert_eq!(
        config_path_from(None, None, None),
        PathBuf::from(".docker/config.json")
    );
}

#[test]
fn missing_or_blank_file_means_no_credentials() {
    let f = Fixture::new();
    assert_eq!(f.lookup("quay.io"), None);
    f.write_config("  \n");
    assert_eq!(f.lookup("quay.io"), None);
    f.write_config(r#"{"auths": null}"#);
    assert_eq!(f.lookup("quay.io"), None);
}

#[test]
fn reads_auth_username_password_and_identity_token() {
    let cfg = format!(
        r#"{{"auths": {{
            "quay.io": {{"auth": "{}"}},
            "localhost:5000": {{"username": "bob", "password": "pw"}},
            "ghcr.io": {{"auth": "{}", "identitytoken": "refresh-me"}},
            "nopad.example": {{"auth": "{}"}},
            "empty.example": {{}}
        }}}}"#,
        b64("alice:s3cr:et"),
        b64("x:y"),
        b64("ab:c").trim_end_matches('='),
    );
    let f = Fixture::with_config(&cfg);
    assert_eq!(f.lookup("quay.io"), Some(basic("alice", "s3cr:et")));
    assert_eq!(f.lookup("localhost:5000"), Some(basic("bob", "pw")));
    assert_eq!(
        f.lookup("ghcr.io"),
        Some(Credential::IdentityToken("refresh-me".into()))
    );
    assert_eq!(f.lookup("nopad.example"), Some(basic("ab", "c")));
    assert_eq!(f.lookup("empty.example"), None);
    assert_eq!(f.lookup("localhost:5001"), None);
}

#[test]
fn docker_hub_uses_the_v1_index_key_and_accepts_podman_spelling() {
    let f = Fixture::with_config(&format!(
        r#"{{"auths": {{"https://index.docker.io/v1/": {{"auth": "{}"}}}}}}"#,
        b64("hub:pw")
    ));
    for reg in ["docker.io", "index.docker.io", "registry-1.docker.io"] {
        assert_eq!(f.lookup(reg), Some(basic("hub", "pw")), "{reg}");
    }
    assert_eq!(f.lookup("quay.io"), None);

    let podman = Fixture::with_config(&format!(
        r#"{{"auths": {{"docker.io": {{"auth": "{}"}}}}}}"#,
        b64("pod:pw")
    ));
    assert_eq!(podman.lookup("docker.io"), Some(basic("pod", "pw")));
}

#[test]
fn legacy_keys_with_scheme_and_path_match_and_exact_key_wins() {
    let f = Fixture::with_config(&format!(
        r#"{{"auths": {{
            "https://quay.io/v2/": {{"auth": "{}"}},
            "http://registry.local:5000": {{"auth": "{}"}},
            "example.com": {{"auth": "{}"}},
            "https://example.com": {{"auth": "{}"}}
        }}}}"#,
        b64("q:1"),
        b64("r:2"),
        b64("exact:3"),
        b64("legacy:4")
    ));
    assert_eq!(f.lookup("quay.io"), Some(basic("q", "1")));
    assert_eq!(f.lookup("registry.local:5000"), Some(basic("r", "2")));
    assert_eq!(f.lookup("registry.local"), None);
    assert_eq!(f.lookup("example.com"), Some(basic("exact", "3")));
}

#[test]
fn broken_files_give_errors_that_name_the_file() {
    let f = Fixture::with_config("{not json");
    let e = f
        .store
        .lookup("quay.io")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("config.json") && e.contains("not valid JSON"),
        "{e}"
    );

    let f = Fixture::with_config("[1]");
    assert!(matches!(
        f.store.lookup("quay.io"),
        Err(AuthError::NotAnObject { .. })
    ));

    let f = Fixture::with_config(r#"{"auths": {"quay.io": {"auth": "!!!"}}}"#);
    assert!(matches!(
        f.store.lookup("quay.io"),
        Err(AuthError::BadAuthField { .. })
    ));
    // Only the registry asked about is affected.
    assert_eq!(f.lookup("ghcr.io"), None);

    let f = Fixture::with_config(&format!(
        r#"{{"auths": {{"quay.io": {{"auth": "{}"}}}}}}"#,
        b64("nocolon")
    ));
    assert!(matches!(
        f.store.lookup("quay.io"),
        Err(AuthError::BadAuthField { .. })
    ));
}

#[test]
fn store_creates_the_file_private_and_lookup_reads_it_back() {
    let f = Fixture::new();
    let written = f
        .store
        .store("localhost:5000", "alice", "p:w")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written, f.store.file);
    let mode = fs::metadata(&written)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0);
    assert_eq!(mode, 0o600);
    assert_eq!(
        f.config()["auths"]["localhost:5000"]["auth"],
        b64("alice:p:w")
    );
    assert_eq!(f.lookup("localhost:5000"), Some(basic("alice", "p:w")));

    f.store
        .store("docker.io", "hub", "x")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.config()["auths"][DOCKER_HUB_KEY]["auth"], b64("hub:x"));
    let text = fs::read_to_string(&written).unwrap_or_default();
    assert!(
        text.contains("\n\t\"auths\""),
        "tab-indented like docker: {text}"
    );
    let leftovers = fs::read_dir(written.parent().unwrap_or(Path::new("/")))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(leftovers, 1, "no temp files left behind");
}

#[test]
fn store_preserves_every_other_key() {
    let f = Fixture::with_config(
        r#"{
        "auths": {"quay.io": {"auth": "b2xkOm9sZA==", "email": "x@y"}, "ghcr.io": {"auth": "Z2g6MQ=="}},
        "HttpHeaders": {"User-Agent": "me"},
        "currentContext": "rootless",
        "plugins": {"a": {"b": [1, 2, {"c": null}]}}
    }"#,
    );
    let before = f.config();
    f.store
        .store("quay.io", "new", "pw")
        .unwrap_or_else(|e| panic!("{e}"));
    let after = f.config();
    assert_eq!(
        after["auths"]["quay.io"],
        serde_json::json!({"auth": b64("new:pw")})
    );
    let mut expected = before;
    expected["auths"]["quay.io"] = after["auths"]["quay.io"].clone();
    assert_eq!(after, expected);
}

#[test]
fn store_writes_through_a_symlink() {
    let f = Fixture::new();
    let real = f.dir.path().join("real-config.json");
    fs::write(&real, "{}").unwrap_or_else(|e| panic!("{e}"));
    fs::create_dir_all(f.dir.path().join("docker")).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(&real, &f.store.file).unwrap_or_else(|e| panic!("{e}"));
    let written = f
        .store
        .store("quay.io", "a", "b")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(fs::symlink_metadata(&f.store.file)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false));
    assert_eq!(
        fs::canonicalize(&written).ok(),
        fs::canonicalize(&real).ok()
    );
    assert_eq!(f.lookup("quay.io"), Some(basic("a", "b")));
}

#[test]
fn erase_removes_all_spellings_and_reports_nothing_to_remove() {
    let f = Fixture::with_config(&format!(
        r#"{{"auths": {{"quay.io": {{"auth": "{a}"}}, "https://quay.io": {{"auth": "{a}"}}, "ghcr.io": {{"auth": "{a}"}}}},
            "credHelpers": {{}}}}"#,
        a = b64("u:p")
    ));
    assert!(f.store.erase("quay.io").unwrap_or_else(|e| panic!("{e}")));
    let cfg = f.config();
    let auths = cfg["auths"].as_object().cloned().unwrap_or_default();
    assert_eq!(auths.keys().collect::<Vec<_>>(), vec!["ghcr.io"]);
    assert_eq!(cfg["credHelpers"], serde_json::json!({}));
    assert!(!f.store.erase("quay.io").unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(f.lookup("quay.io"), None);

    let empty = Fixture::new();
    assert!(!empty
        .store
        .erase("quay.io")
        .unwrap_or_else(|e| panic!("{e}")));
    assert!(
        !empty.store.file.exists(),
        "logout without login creates nothing"
    );
}

#[test]
fn creds_store_helper_round_trip_like_docker() {
    let f = Fixture::with_config(r#"{"credsStore": "fake", "auths": {}}"#);
    f.install_fake_helper();
    assert_eq!(f.lookup("quay.io"), None);

    f.store
        .store("quay.io", "alice", "pw")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(f.helper_has("quay.io"));
    // The secret went to the helper; the file keeps only an empty marker.
    assert_eq!(f.config()["auths"]["quay.io"], serde_json::json!({}));
    assert_eq!(f.lookup("quay.io"), Some(basic("alice", "pw")));

    f.store
        .store("docker.io", "hub", "pw2")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        f.helper_has(DOCKER_HUB_KEY),
        "Hub credentials are keyed by the v1 URL"
    );
    assert_eq!(f.lookup("docker.io"), Some(basic("hub", "pw2")));

    assert!(f.store.erase("quay.io").unwrap_or_else(|e| panic!("{e}")));
    assert!(!f.helper_has("quay.io"));
    assert_eq!(f.config()["auths"].get("quay.io"), None);
    assert!(!f.store.erase("quay.io").unwrap_or_else(|e| panic!("{e}")));
}

#[test]
fn cred_helpers_override_creds_store_per_registry() {
    let f = Fixture::with_config(
        r#"{"credsStore": "broken", "credHelpers": {"quay.io": "fake", "https://index.docker.io/v1/": "fake"}}"#,
    );
    f.install_fake_helper();
    f.store
        .store("quay.io", "q", "1")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.lookup("quay.io"), Some(basic("q", "1")));
    f.store
        .store("docker.io", "h", "2")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.lookup("docker.io"), Some(basic("h", "2")));

    // Other registries go to credsStore, which here fails loudly.
    let e = f
        .store
        .lookup("ghcr.io")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("docker-credential-broken") && e.contains("keychain locked"),
        "{e}"
    );
    assert!(f.store.store("ghcr.io", "a", "b").is_err());
    assert_eq!(
        f.config()["auths"].get("ghcr.io"),
        None,
        "nothing recorded when the helper fails"
    );
}

#[test]
fn helper_token_username_means_identity_token() {
    let f = Fixture::with_config(r#"{"credHelpers": {"ghcr.io": "fake"}}"#);
    f.install_fake_helper();
    f.store
        .store("ghcr.io", "<token>", "refresh")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        f.lookup("ghcr.io"),
        Some(Credential::IdentityToken("refresh".into()))
    );
}

#[test]
fn helper_without_credentials_falls_back_to_a_plain_entry() {
    let f = Fixture::with_config(&format!(
        r#"{{"credsStore": "fake", "auths": {{"quay.io": {{"auth": "{}"}}}}}}"#,
        b64("plain:pw")
    ));
    f.install_fake_helper();
    assert_eq!(f.lookup("quay.io"), Some(basic("plain", "pw")));
}

#[test]
fn missing_helper_is_a_clear_error() {
    let f = Fixture::with_config(r#"{"credsStore": "desktop"}"#);
    match f.store.lookup("quay.io") {
        Err(AuthError::HelperNotFound { helper }) => {
            assert!(helper.ends_with("docker-credential-desktop"), "{helper}")
        }
        other => panic!("expected HelperNotFound, got {other:?}"),
    }
}

#[test]
fn debug_output_hides_secrets() {
    let shown = format!(
        "{:?} {:?}",
        basic("alice", "hunter2"),
        Credential::IdentityToken("tok".into())
    );
    assert!(shown.contains("alice"));
    assert!(
        !shown.contains("hunter2") && !shown.contains("tok\""),
        "{shown}"
    );
}

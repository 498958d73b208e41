//! Settings resolved once from flags, `BERTH_*` variables and `berth.toml`:
//! commands below `cli` never see clap types or read the environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::registry::mirror::{registry_key, Mirror};
use crate::registry::RegistryOptions;
use crate::store::StorePaths;

/// Global settings every command gets.
#[derive(Debug, Clone)]
pub struct Settings {
    pub store: StorePaths,
    pub insecure_registries: Vec<String>,
    /// `[registries] mirrors`: registry (`docker.io`) → mirrors, tried in order.
    pub registry_mirrors: BTreeMap<String, Vec<Mirror>>,
    /// `BERTH_NETWORK` or `[network] default`: what `run`/`create` join
    /// without `--network`; `None` keeps the built-in default.
    pub default_network: Option<String>,
    /// `[containers] ulimits` (docker's `--default-ulimit`), validated.
    pub default_ulimits: Vec<String>,
    /// The berth.toml files read, in the order they were read.
    pub config_files: Vec<PathBuf>,
    pub log_level: String,
}

/// What the flags and environment said; `None` means "not given".
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub root: Option<PathBuf>,
    pub runroot: Option<PathBuf>,
    pub log_level: Option<String>,
    pub config_file: Option<PathBuf>,
}

/// `berth.toml`: only the keys we read; unknown keys are ignored so newer
/// files keep working with older binaries.
#[derive(Debug, Default, Deserialize)]
struct FileConfig {
    #[serde(default)]
    storage: StorageConfig,
    #[serde(default)]
    registries: RegistriesConfig,
    #[serde(default)]
    network: NetworkConfig,
    #[serde(default)]
    containers: ContainersConfig,
}

#[derive(Debug, Default, Deserialize)]
struct StorageConfig {
    root: Option<PathBuf>,
    runroot: Option<PathBuf>,
    /// How far one layer may expand ("64g"): a guard against decompression bombs.
    max_layer_size: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RegistriesConfig {
    #[serde(default)]
    insecure: Vec<String>,
    #[serde(default)]
    mirrors: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct NetworkConfig {
    default: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ContainersConfig {
    #[serde(default)]
    ulimits: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("reading {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {detail}; fix or remove the file", path.display())]
    Parse { path: PathBuf, detail: String },
    /// A well-formed file with a value berth cannot use; `key` as in the file.
    #[error("{}: {key}: {detail}; fix or remove the key", path.display())]
    Invalid {
        path: PathBuf,
        key: String,
        detail: String,
    },
    #[error("BERTH_MAX_LAYER_SIZE={0:?}: {1}; use a size such as 64g or 512m")]
    BadLayerSizeEnv(String, String),
    #[error("BERTH_NETWORK is set but empty; unset it or name a network (bridge, none, host or a network's name)")]
    EmptyNetworkEnv,
    #[error("cannot find a home or runtime directory for a rootless store; set XDG_DATA_HOME and XDG_RUNTIME_DIR or pass --root and --runroot")]
    NoHome,
}

pub fn is_rootless() -> bool {
    crate::runtime::userns::is_rootless()
}

impl Settings {
    pub fn resolve(o: &Overrides) -> Result<Settings, SettingsError> {
        let rootless = is_rootless();
        let (file, config_files) = load_config(o.config_file.as_deref(), rootless)?;
        let source = config_files.last().cloned().unwrap_or_default();
        let checked = Checked::of(&file, &source)?;
        let env_path = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let root = match o
            .root
            .clone()
            .or_else(|| env_path("BERTH_ROOT"))
            .or(file.storage.root)
        {
            Some(r) => r,
            None => default_root(rootless)?,
        };
        let runroot = match o
            .runroot
            .clone()
            .or_else(|| env_path("BERTH_RUNROOT"))
            .or(file.storage.runroot)
        {
            Some(r) => r,
            None => default_runroot(rootless)?,
        };
        Ok(Settings {
            store: StorePaths {
                root: absolute(&root),
                runroot: absolute(&runroot),
                rootless,
                max_layer_bytes: max_layer_bytes(checked.max_layer_bytes)?,
            },
            insecure_registries: file.registries.insecure,
            registry_mirrors: checked.mirrors,
            default_network: match std::env::var("BERTH_NETWORK") {
                Ok(v) if v.is_empty() => return Err(SettingsError::EmptyNetworkEnv),
                Ok(v) => Some(v),
                Err(_) => checked.network,
            },
            default_ulimits: file.containers.ulimits,
            config_files,
            log_level: o.log_level.clone().unwrap_or_else(|| "warn".into()),
        })
    }

    /// Registry options from the settings: insecure registries and mirrors,
    /// TLS verified, the host's platform; commands override the rest.
    pub fn registry_options(&self) -> RegistryOptions {
        RegistryOptions {
            insecure_registries: self.insecure_registries.clone(),
            mirrors: self.registry_mirrors.clone(),
            ..RegistryOptions::default()
        }
    }
}

/// The file's values that need more than TOML's types to be valid.
struct Checked {
    mirrors: BTreeMap<String, Vec<Mirror>>,
    network: Option<String>,
    max_layer_bytes: Option<u64>,
}

impl Checked {
    fn of(file: &FileConfig, path: &Path) -> Result<Checked, SettingsError> {
        let invalid = |key: String, detail: String| SettingsError::Invalid {
            path: path.to_path_buf(),
            key,
            detail,
        };
        let mut mirrors: BTreeMap<String, Vec<Mirror>> = BTreeMap::new();
        for (registry, urls) in &file.registries.mirrors {
            let key = format!("[registries] mirrors.{registry:?}");
            if registry.trim().is_empty() {
                return Err(invalid(key, "the registry name is empty".into()));
            }
            let list = mirrors.entry(registry_key(registry)).or_default();
            for url in urls {
                list.push(Mirror::parse(url).map_err(|d| invalid(key.clone(), d))?);
            }
        }
        if let Some(net) = &file.network.default {
            if net.trim().is_empty() {
                return Err(invalid(
                    "[network] default".into(),
                    "empty; name a network (bridge, none, host or a network's name)".into(),
                ));
            }
        }
        for u in &file.containers.ulimits {
            crate::runtime::spec::parse_ulimit(u)
                .map_err(|e| invalid("[containers] ulimits".into(), format!("{u:?}: {e}")))?;
        }
        let max_layer_bytes = match &file.storage.max_layer_size {
            Some(v) => {
                Some(layer_size(v).map_err(|d| invalid("[storage] max_layer_size".into(), d))?)
            }
            None => None,
        };
        Ok(Checked {
            mirrors,
            network: file.network.default.clone(),
            max_layer_bytes,
        })
    }
}

fn layer_size(v: &str) -> Result<u64, String> {
    match crate::runtime::config::parse_size(v) {
        Ok(0) => Err("must be more than 0".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("{v:?}: {e}")),
    }
}

/// `BERTH_MAX_LAYER_SIZE`, else the file's `[storage] max_layer_size`.
fn max_layer_bytes(from_file: Option<u64>) -> Result<Option<u64>, SettingsError> {
    match std::env::var("BERTH_MAX_LAYER_SIZE") {
        Ok(v) if !v.trim().is_empty() => layer_size(&v)
            .map(Some)
            .map_err(|e| SettingsError::BadLayerSizeEnv(v, e)),
        _ => Ok(from_file),
    }
}

/// The store a berth started with no `--root`/`--runroot` flag and no
/// `BERTH_*` variable uses (berth.toml, else the built-in defaults): what
/// a systemd unit's bare `berth` command reaches.
pub fn default_store() -> Result<StorePaths, SettingsError> {
    let rootless = is_rootless();
    let (file, _) = load_config(None, rootless)?;
    let root = match file.storage.root {
        Some(r) => r,
        None => default_root(rootless)?,
    };
    let runroot = match file.storage.runroot {
        Some(r) => r,
        None => default_runroot(rootless)?,
    };
    Ok(StorePaths {
        root: absolute(&root),
        runroot: absolute(&runroot),
        rootless,
        max_layer_bytes: None,
    })
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn default_root(rootless: bool) -> Result<PathBuf, SettingsError> {
    if !rootless {
        return Ok(PathBuf::from("/var/lib/berth"));
    }
    directories::BaseDirs::new()
        .map(|b| b.data_dir().join("berth"))
        .ok_or(SettingsError::NoHome)
}

fn default_runroot(rootless: bool) -> Result<PathBuf, SettingsError> {
    if !rootless {
        return Ok(PathBuf::from("/run/berth"));
    }
    // Inside berth's user namespace getuid() is 0: use the user's host id.
    let uid = crate::runtime::userns::host_uid();
    Ok(crate::runtime::userns::default_runtime_dir(uid))
}

/// The first berth.toml found (`--berth-config`/`BERTH_CONFIG`, else the
/// user's when rootless, else the system's) and the path it came from.
fn load_config(
    explicit: Option<&Path>,
    rootless: bool,
) -> Result<(FileConfig, Vec<PathBuf>), SettingsError> {
    let candidates: Vec<PathBuf> = match explicit {
        Some(p) => vec![p.to_path_buf()],
        None => {
            let mut v = Vec::new();
            if rootless {
                if let Some(b) = directories::BaseDirs::new() {
                    v.push(b.config_dir().join("berth/berth.toml"));
                }
            }
            v.push(PathBuf::from("/etc/berth/berth.toml"));
            v
        }
    };
    for path in candidates {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                return match toml::from_str(&text) {
                    Ok(file) => Ok((file, vec![path])),
                    Err(e) => Err(SettingsError::Parse {
                        path,
                        detail: e.to_string().trim_end().to_string(),
                    }),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => continue,
            Err(source) => return Err(SettingsError::Read { path, source }),
        }
    }
    Ok((FileConfig::default(), Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(text: &str) -> Result<Checked, SettingsError> {
        let file: FileConfig = toml::from_str(text).expect("test toml parses");
        Checked::of(&file, Path::new("/etc/berth/berth.toml"))
    }

    #[test]
    fn mirrors_are_keyed_by_registry_and_kept_in_order() {
        let c = checked(
            "[registries]\nmirrors = { \"index.docker.io\" = [\"http://a:5000\", \"b.lan\"] }\n[x]\ny = 1\n",
        )
        .expect("valid");
        let hosts: Vec<&str> = c.mirrors["docker.io"]
            .iter()
            .map(|m| m.host.as_str())
            .collect();
        assert_eq!(hosts, ["a:5000", "b.lan"]);
    }

    #[test]
    fn bad_values_name_the_file_and_the_key() {
        let e = checked("[containers]\nulimits = [\"nofile=2:1\"]\n")
            .err()
            .expect("soft above hard")
            .to_string();
        assert!(
            e.starts_with("/etc/berth/berth.toml: [containers] ulimits:"),
            "{e}"
        );
        let e = checked("[network]\ndefault = \" \"\n")
            .err()
            .expect("empty")
            .to_string();
        assert!(e.contains("[network] default"), "{e}");
        let e = checked("[registries]\nmirrors = { \"q.io\" = [\"ftp://m\"] }\n")
            .err()
            .expect("scheme")
            .to_string();
        assert!(e.contains("[registries] mirrors.\"q.io\""), "{e}");
    }
}

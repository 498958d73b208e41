//! Settings resolved once from flags, `BERTH_*` variables and `berth.toml`:
//! commands below `cli` never see clap types or read the environment.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::store::StorePaths;

/// Global settings every command gets.
#[derive(Debug, Clone)]
pub struct Settings {
    pub store: StorePaths,
    pub insecure_registries: Vec<String>,
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
}

#[derive(Debug, Default, Deserialize)]
struct StorageConfig {
    root: Option<PathBuf>,
    runroot: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
struct RegistriesConfig {
    #[serde(default)]
    insecure: Vec<String>,
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
    #[error("cannot find a home or runtime directory for a rootless store; set XDG_DATA_HOME and XDG_RUNTIME_DIR or pass --root and --runroot")]
    NoHome,
}

pub fn is_rootless() -> bool {
    crate::runtime::userns::is_rootless()
}

impl Settings {
    pub fn resolve(o: &Overrides) -> Result<Settings, SettingsError> {
        let rootless = is_rootless();
        let file = load_config(o.config_file.as_deref(), rootless)?;
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
            },
            insecure_registries: file.registries.insecure,
            log_level: o.log_level.clone().unwrap_or_else(|| "warn".into()),
        })
    }
}

/// The store a berth started with no `--root`/`--runroot` flag and no
/// `BERTH_*` variable uses (berth.toml, else the built-in defaults): what
/// a systemd unit's bare `berth` command reaches.
pub fn default_store() -> Result<StorePaths, SettingsError> {
    let rootless = is_rootless();
    let file = load_config(None, rootless)?;
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

fn load_config(explicit: Option<&Path>, rootless: bool) -> Result<FileConfig, SettingsError> {
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
                return toml::from_str(&text).map_err(|e| SettingsError::Parse {
                    path,
                    detail: e.to_string(),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => continue,
            Err(source) => return Err(SettingsError::Read { path, source }),
        }
    }
    Ok(FileConfig::default())
}

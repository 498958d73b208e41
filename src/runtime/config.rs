//! What berth records about a container beyond its OCI spec: the docker
//! `Config`/`HostConfig` facts that `inspect`, `start`, `restart`, logs and
//! health checks need. Written once at create (with the spec), read by the
//! monitor and the CLI.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "Name")]
pub enum RestartPolicy {
    #[default]
    #[serde(rename = "no")]
    No,
    #[serde(rename = "on-failure")]
    OnFailure {
        #[serde(rename = "MaximumRetryCount")]
        max_retries: u32,
    },
    #[serde(rename = "always")]
    Always,
    #[serde(rename = "unless-stopped")]
    UnlessStopped,
}

impl RestartPolicy {
    /// docker's `--restart` syntax.
    pub fn parse(s: &str) -> Result<RestartPolicy, String> {
        let (name, count) = match s.split_once(':') {
            Some((n, c)) => (n, Some(c)),
            None => (s, None),
        };
        match (name, count) {
            ("" | "no", None) => Ok(RestartPolicy::No),
            ("always", None) => Ok(RestartPolicy::Always),
            ("unless-stopped", None) => Ok(RestartPolicy::UnlessStopped),
            ("on-failure", None) => Ok(RestartPolicy::OnFailure { max_retries: 0 }),
            ("on-failure", Some(c)) => c
                .parse()
                .map(|max_retries| RestartPolicy::OnFailure { max_retries })
                .map_err(|_| format!("invalid restart policy: maximum retry count must be an integer: {c:?}")),
            ("always" | "unless-stopped" | "no", Some(_)) => Err(format!(
                "invalid restart policy: maximum retry count can only be used with 'on-failure': {s}"
            )),
            _ => Err(format!("invalid restart policy: unknown policy '{name}'; use one of 'no', 'always', 'on-failure' or 'unless-stopped'")),
        }
    }

    /// Whether a container that exited with `code` restarts (after `restarts` restarts so far).
    pub fn should_restart(&self, code: i32, restarts: u32, stopped_by_user: bool) -> bool {
        if stopped_by_user {
            return false;
        }
        match self {
            RestartPolicy::No => false,
            RestartPolicy::Always | RestartPolicy::UnlessStopped => true,
            RestartPolicy::OnFailure { max_retries } => {
                code != 0 && (*max_retries == 0 || restarts < *max_retries)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LogDriver {
    #[serde(rename = "json-file")]
    JsonFile,
    #[serde(rename = "k8s-file")]
    K8sFile,
    #[serde(rename = "passthrough")]
    Passthrough,
    #[serde(rename = "none")]
    None,
    /// docker's journald driver: each line to the systemd journal.
    #[serde(rename = "journald")]
    Journald,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogConfig {
    #[serde(rename = "Type")]
    pub driver: LogDriver,
    #[serde(rename = "Config")]
    pub options: BTreeMap<String, String>,
}

impl LogConfig {
    pub fn parse(driver: Option<&str>, opts: &[String]) -> Result<LogConfig, String> {
        let driver = match driver.unwrap_or("json-file") {
            "json-file" | "" => LogDriver::JsonFile,
            "k8s-file" => LogDriver::K8sFile,
            "passthrough" => LogDriver::Passthrough,
            "none" => LogDriver::None,
            "journald" => LogDriver::Journald,
            other => {
                return Err(format!(
                    "unknown log driver {other:?}: berth supports json-file, k8s-file, journald, passthrough and none"
                ))
            }
        };
        let mut options = BTreeMap::new();
        for o in opts {
            let Some((k, v)) = o.split_once('=') else {
                return Err(format!("invalid log opt {o:?}: expected key=value"));
            };
            match k {
                "max-size" => {
                    crate::runtime::config::parse_size(v)
                        .map_err(|e| format!("invalid log opt max-size: {e}"))?;
                }
                "max-file" => {
                    v.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                        format!("invalid log opt max-file {v:?}: must be a positive integer")
                    })?;
                }
                "path" | "tag" | "labels" | "env" | "mode" | "compress" => {}
                other => {
                    return Err(format!(
                        "unknown log opt '{other}' for {:?} log driver",
                        driver
                    ))
                }
            }
            options.insert(k.to_string(), v.to_string());
        }
        Ok(LogConfig { driver, options })
    }

    pub fn max_size(&self) -> Option<u64> {
        self.options
            .get("max-size")
            .and_then(|v| parse_size(v).ok())
    }

    pub fn max_files(&self) -> u32 {
        self.options
            .get("max-file")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1)
    }
}

/// docker's `--health-*` settings, in nanoseconds like docker's JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct HealthConfig {
    pub test: Vec<String>,
    pub interval: i64,
    pub timeout: i64,
    pub start_period: i64,
    pub retries: u32,
}

impl HealthConfig {
    pub fn interval(&self) -> Duration {
        nanos_or(self.interval, Duration::from_secs(30))
    }
    pub fn timeout(&self) -> Duration {
        nanos_or(self.timeout, Duration::from_secs(30))
    }
    pub fn start_period(&self) -> Duration {
        nanos_or(self.start_period, Duration::ZERO)
    }
    pub fn retries(&self) -> u32 {
        if self.retries == 0 {
            3
        } else {
            self.retries
        }
    }
    /// True when a check is configured (`NONE` disables an image's check).
    pub fn enabled(&self) -> bool {
        !self.test.is_empty() && self.test[0] != "NONE"
    }
}

fn nanos_or(n: i64, default: Duration) -> Duration {
    if n > 0 {
        Duration::from_nanos(n as u64)
    } else {
        default
    }
}

/// Go's `time.ParseDuration` subset docker accepts for health flags: `1h2m3s`, `500ms`, `1.5s`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad =
        || format!("invalid duration {s:?}: use a number with a unit (ms, s, m, h), e.g. 30s");
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let value: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += value * scale;
        rest = &rest[unit_len..];
    }
    Ok(Duration::from_secs_f64(total))
}

/// Byte sizes as docker's `RAMInBytes`: `512`, `10k`, `32m`, `1g` (binary units).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (num, mult) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1u64 << 10),
        Some('m') => (&t[..t.len() - 1], 1 << 20),
        Some('g') => (&t[..t.len() - 1], 1 << 30),
        Some('t') => (&t[..t.len() - 1], 1 << 40),
        _ => (t, 1),
    };
    let v: f64 = num.parse().map_err(|_| format!("invalid size: {s:?}"))?;
    if v < 0.0 {
        return Err(format!("invalid size: {s:?}"));
    }
    Ok((v * mult as f64) as u64)
}

/// The record beside the spec in `containers/<id>/config.json`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ContainerConfig {
    /// docker inspect's `Config` object (Env, Cmd, Entrypoint, Labels, …).
    pub docker_config: serde_json::Value,
    /// docker inspect's `HostConfig` object.
    pub host_config: serde_json::Value,
    /// docker inspect's `Mounts`.
    pub mounts: serde_json::Value,
    pub path: String,
    pub args: Vec<String>,
    pub tty: bool,
    pub interactive: bool,
    pub stop_signal: i32,
    pub stop_timeout: Option<i64>,
    pub restart: RestartPolicy,
    pub log: Option<LogConfig>,
    pub health: Option<HealthConfig>,
    pub auto_remove: bool,
    /// Unresolved `user[:group]`; resolved against the rootfs at each start.
    pub user: String,
    pub group_add: Vec<String>,
    /// Named volumes created for this container that `rm -v` removes.
    pub anonymous_volumes: Vec<String>,
    pub init: bool,
    /// `--sdnotify`; records from before the flag never notify.
    #[serde(default)]
    pub sdnotify: super::sdnotify::SdNotifyMode,
    pub hostname: String,
    /// Ports published at create (`-p`, `-P`), forwarded at each start.
    #[serde(default)]
    pub ports: Vec<super::ports::PortMapping>,
    #[serde(default)]
    pub network: NetworkConfig,
    /// `--cgroups` (podman): whether the container gets a cgroup.
    #[serde(default)]
    pub cgroups: super::cgroups::CgroupsMode,
    /// `--cgroup-parent` (docker), validated at create.
    #[serde(default)]
    pub cgroup_parent: Option<String>,
}

/// How a container is networked: decided at create, wired at each start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NetworkConfig {
    /// docker's `HostConfig.NetworkMode`: `bridge`, `none`, `host`,
    /// `container:<id>`, `slirp4netns`, `pasta`, or a network's name.
    pub mode: String,
    /// The bridge networks joined, in order (the first is `eth0`).
    #[serde(default)]
    pub networks: Vec<NetworkJoin>,
}

impl NetworkConfig {
    /// User-mode networking (`slirp4netns`, `pasta`) instead of a bridge.
    pub fn user_mode(&self) -> Option<&str> {
        matches!(self.mode.as_str(), "slirp4netns" | "pasta").then_some(self.mode.as_str())
    }
}

/// One bridge network a container joins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkJoin {
    pub name: String,
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `--ip`: a fixed address instead of the next free one.
    #[serde(default)]
    pub ip: Option<std::net::Ipv4Addr>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_policies_parse_like_docker() {
        assert_eq!(RestartPolicy::parse("no"), Ok(RestartPolicy::No));
        assert_eq!(
            RestartPolicy::parse("on-failure:3"),
            Ok(RestartPolicy::OnFailure { max_retries: 3 })
        );
        assert!(RestartPolicy::parse("always:3").is_err());
        assert!(RestartPolicy::parse("sometimes").is_err());
        let p = RestartPolicy::OnFailure { max_retries: 2 };
        assert!(p.should_restart(1, 1, false));
        assert!(!p.should_restart(1, 2, false));
        assert!(!p.should_restart(0, 0, false));
        assert!(!RestartPolicy::Always.should_restart(1, 0, true));
    }

    #[test]
    fn durations_and_sizes() {
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("5").is_err());
        assert_eq!(parse_size("32m"), Ok(32 << 20));
        assert_eq!(parse_size("10k"), Ok(10240));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("x").is_err());
    }

    #[test]
    fn log_config_validates_options() {
        let c = LogConfig::parse(
            Some("json-file"),
            &["max-size=1m".into(), "max-file=3".into()],
        )
        .expect("valid");
        assert_eq!(c.max_size(), Some(1 << 20));
        assert_eq!(c.max_files(), 3);
        assert!(LogConfig::parse(Some("syslog"), &[]).is_err());
        assert!(LogConfig::parse(None, &["max-file=0".into()]).is_err());
    }
}

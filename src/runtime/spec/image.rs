//! The parts of an image's config (`config` object of the OCI/docker image
//! config JSON) that shape a container.

use std::collections::BTreeMap;

use serde_json::Value;

/// docker's `HEALTHCHECK` as stored in the image config (durations in ns).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Healthcheck {
    /// `["NONE"]`, `["CMD", args…]` or `["CMD-SHELL", command]`.
    pub test: Vec<String>,
    pub interval_ns: i64,
    pub timeout_ns: i64,
    pub start_period_ns: i64,
    pub start_interval_ns: i64,
    pub retries: i64,
}

/// An image's container defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageConfig {
    pub env: Vec<String>,
    /// `None` when the image sets no Cmd (differs from an empty one for docker's merge).
    pub cmd: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub working_dir: String,
    pub user: String,
    /// Paths declared with `VOLUME`, sorted.
    pub volumes: Vec<String>,
    /// `"80/tcp"` etc., sorted.
    pub exposed_ports: Vec<String>,
    pub stop_signal: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub healthcheck: Option<Healthcheck>,
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array().map(|a| {
        a.iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    })
}

fn keys(v: Option<&Value>) -> Vec<String> {
    let mut out: Vec<String> = v
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or_default().to_string()
}

impl ImageConfig {
    /// Reads the `config` object of an image config. Unknown or mistyped
    /// fields are ignored, as docker does for what it does not use.
    pub fn from_config_json(config: &Value) -> ImageConfig {
        let get = |k: &str| config.get(k).filter(|v| !v.is_null());
        let labels = get("Labels")
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let healthcheck = get("Healthcheck").map(|h| {
            let n = |k: &str| h.get(k).and_then(Value::as_i64).unwrap_or(0);
            Healthcheck {
                test: strings(h.get("Test")).unwrap_or_default(),
                interval_ns: n("Interval"),
                timeout_ns: n("Timeout"),
                start_period_ns: n("StartPeriod"),
                start_interval_ns: n("StartInterval"),
                retries: n("Retries"),
            }
        });
        let stop_signal = Some(text(get("StopSignal"))).filter(|s| !s.is_empty());
        ImageConfig {
            env: strings(get("Env")).unwrap_or_default(),
            cmd: strings(get("Cmd")),
            entrypoint: strings(get("Entrypoint")),
            working_dir: text(get("WorkingDir")),
            user: text(get("User")),
            volumes: keys(get("Volumes")),
            exposed_ports: keys(get("ExposedPorts")),
            stop_signal,
            labels,
            healthcheck,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_docker_config_fields() {
        let v: Value = serde_json::json!({
            "Env": ["PATH=/usr/bin", "A=1"],
            "Cmd": ["sh"],
            "Entrypoint": null,
            "WorkingDir": "/app",
            "User": "1000:1000",
            "Volumes": {"/data": {}, "/cache": {}},
            "ExposedPorts": {"80/tcp": {}},
            "StopSignal": "SIGQUIT",
            "Labels": {"a": "b"},
            "Healthcheck": {"Test": ["CMD-SHELL", "true"], "Interval": 30000000000i64, "Retries": 3}
        });
        let c = ImageConfig::from_config_json(&v);
        assert_eq!(c.env, ["PATH=/usr/bin", "A=1"]);
        assert_eq!(c.cmd, Some(vec!["sh".to_string()]));
        assert_eq!(c.entrypoint, None);
        assert_eq!(c.working_dir, "/app");
        assert_eq!(c.user, "1000:1000");
        assert_eq!(c.volumes, ["/cache", "/data"]);
        assert_eq!(c.exposed_ports, ["80/tcp"]);
        assert_eq!(c.stop_signal.as_deref(), Some("SIGQUIT"));
        assert_eq!(c.labels.get("a").map(String::as_str), Some("b"));
        let h = c.healthcheck.unwrap();
        assert_eq!(
            (h.test.len(), h.interval_ns, h.retries),
            (2, 30_000_000_000, 3)
        );
    }

    #[test]
    fn empty_config_is_default() {
        assert_eq!(
            ImageConfig::from_config_json(&serde_json::json!({})),
            ImageConfig::default()
        );
        assert_eq!(
            ImageConfig::from_config_json(&Value::Null),
            ImageConfig::default()
        );
    }
}

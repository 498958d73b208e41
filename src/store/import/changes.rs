//! `--change` instructions for `import` (and `commit`): the Dockerfile
//! instructions docker accepts there, parsed into plain data and applied to
//! an empty container config.

use serde_json::{json, Map, Value};

use crate::store::error::{Result, StoreError};

/// One `--change` instruction.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Cmd(Vec<String>),
    Entrypoint(Vec<String>),
    Env(Vec<(String, String)>),
    /// Ports as docker keys them: `80/tcp`.
    Expose(Vec<String>),
    Healthcheck(Healthcheck),
    Label(Vec<(String, String)>),
    OnBuild(String),
    StopSignal(String),
    User(String),
    Volume(Vec<String>),
    Workdir(String),
}

/// A `HEALTHCHECK`; durations in nanoseconds, as docker stores them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Healthcheck {
    /// `["NONE"]`, `["CMD", args…]` or `["CMD-SHELL", command]`.
    pub test: Vec<String>,
    pub interval: Option<u64>,
    pub timeout: Option<u64>,
    pub start_period: Option<u64>,
    pub start_interval: Option<u64>,
    pub retries: Option<u64>,
}

/// The `--change` list of one command, in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportChanges {
    pub changes: Vec<Change>,
}

impl ImportChanges {
    pub fn parse<S: AsRef<str>>(changes: &[S]) -> Result<ImportChanges> {
        let changes = changes
            .iter()
            .map(|c| parse_change(c.as_ref()))
            .collect::<Result<_>>()?;
        Ok(ImportChanges { changes })
    }

    /// The image config's `config` object (docker's capitalised keys),
    /// the changes applied in order to an empty one.
    pub fn to_config(&self) -> Map<String, Value> {
        let mut cfg = Map::new();
        self.apply_to(&mut cfg);
        cfg
    }

    /// Applies the changes in order to an existing `config` object (as
    /// `commit --change` does to the container's).
    pub fn apply_to(&self, cfg: &mut Map<String, Value>) {
        for change in &self.changes {
            apply(cfg, change);
        }
    }
}

fn apply(cfg: &mut Map<String, Value>, change: &Change) {
    match change {
        Change::Cmd(v) => {
            cfg.insert("Cmd".into(), json!(v));
        }
        Change::Entrypoint(v) => {
            cfg.insert("Entrypoint".into(), json!(v));
        }
        Change::Env(pairs) => {
            with_array(cfg, "Env", |env| {
                for (k, v) in pairs {
                    let prefix = format!("{k}=");
                    env.retain(|e| !e.as_str().is_some_and(|e| e.starts_with(&prefix)));
                    env.push(json!(format!("{k}={v}")));
                }
            });
        }
        Change::Expose(ports) => set_keys(cfg, "ExposedPorts", ports),
        Change::Volume(paths) => set_keys(cfg, "Volumes", paths),
        Change::Label(pairs) => {
            with_object(cfg, "Labels", |labels| {
                for (k, v) in pairs {
                    labels.insert(k.clone(), json!(v));
                }
            });
        }
        Change::OnBuild(trigger) => with_array(cfg, "OnBuild", |a| a.push(json!(trigger))),
        Change::StopSignal(s) => {
            cfg.insert("StopSignal".into(), json!(s));
        }
        Change::User(u) => {
            cfg.insert("User".into(), json!(u));
        }
        Change::Workdir(dir) => {
            let current = cfg
                .get("WorkingDir")
                .and_then(|v| v.as_str())
                .unwrap_or("/");
            let joined = if dir.starts_with('/') {
                dir.clone()
            } else {
                format!("{current}/{dir}")
            };
            cfg.insert("WorkingDir".into(), json!(clean_abs(&joined)));
        }
        Change::Healthcheck(h) => {
            let mut o = Map::new();
            o.insert("Test".into(), json!(h.test));
            let fields = [
                ("Interval", h.interval),
                ("Timeout", h.timeout),
                ("StartPeriod", h.start_period),
                ("StartInterval", h.start_interval),
                ("Retries", h.retries),
            ];
            for (k, v) in fields {
                if let Some(v) = v.filter(|v| *v != 0) {
                    o.insert(k.into(), json!(v));
                }
            }
            cfg.insert("Healthcheck".into(), Value::Object(o));
        }
    }
}

/// Runs `f` on the array at `key` (a missing or non-array value starts empty).
fn with_array(cfg: &mut Map<String, Value>, key: &str, f: impl FnOnce(&mut Vec<Value>)) {
    let mut items = match cfg.remove(key) {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    };
    f(&mut items);
    cfg.insert(key.into(), Value::Array(items));
}

/// Runs `f` on the object at `key` (a missing or non-object value starts empty).
fn with_object(cfg: &mut Map<String, Value>, key: &str, f: impl FnOnce(&mut Map<String, Value>)) {
    let mut o = match cfg.remove(key) {
        Some(Value::Object(o)) => o,
        _ => Map::new(),
    };
    f(&mut o);
    cfg.insert(key.into(), Value::Object(o));
}

/// docker's set-like maps (`ExposedPorts`, `Volumes`) have `{}` values.
fn set_keys(cfg: &mut Map<String, Value>, key: &str, keys: &[String]) {
    with_object(cfg, key, |o| {
        for k in keys {
            o.insert(k.clone(), json!({}));
        }
    });
}

/// Lexically cleans an absolute path (`/a/./b/../c` → `/a/c`), as Go's path.Clean.
fn clean_abs(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Parses one `--change` value, e.g. `CMD ["/bin/sh"]` or `ENV A=1 B=2`.
pub fn parse_change(s: &str) -> Result<Change> {
    let s = s.trim();
    let (word, rest) = match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, ""),
    };
    let instruction = word.to_ascii_uppercase();
    let invalid = |msg: String| StoreError::Invalid(format!("--change {s:?}: {msg}"));
    let need_args = || {
        if rest.is_empty() {
            Err(invalid(format!(
                "{instruction} requires at least one argument"
            )))
        } else {
            Ok(())
        }
    };
    match instruction.as_str() {
        "CMD" => {
            need_args()?;
            Ok(Change::Cmd(command(rest)))
        }
        "ENTRYPOINT" => {
            need_args()?;
            Ok(Change::Entrypoint(command(rest)))
        }
        "ENV" | "LABEL" => {
            need_args()?;
            let pairs = name_values(&instruction, rest).map_err(invalid)?;
            Ok(if instruction == "ENV" {
                Change::Env(pairs)
            } else {
                Change::Label(pairs)
            })
        }
        "EXPOSE" => {
            need_args()?;
            let mut ports = Vec::new();
            for w in words(rest) {
                ports.extend(expose_ports(&w).map_err(invalid)?);
            }
            Ok(Change::Expose(ports))
        }
        "VOLUME" => {
            need_args()?;
            let paths = match json_array(rest) {
                Some(v) => v,
                None => words(rest),
            };
            if paths.iter().any(|p| p.trim().is_empty()) {
                return Err(invalid("VOLUME specified can not be an empty string".into()));
            }
            Ok(Change::Volume(paths))
        }
        "USER" | "WORKDIR" | "STOPSIGNAL" => {
            need_args()?;
            let value = unquote(rest);
            Ok(match instruction.as_str() {
                "USER" => Change::User(value),
                "WORKDIR" => Change::Workdir(value),
                _ => {
                    if value.contains(char::is_whitespace) {
                        return Err(invalid(format!("invalid stop signal {value:?}")));
                    }
                    Change::StopSignal(value)
                }
            })
        }
        "ONBUILD" => {
            need_args()?;
            let trigger = rest.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
            if matches!(trigger.as_str(), "ONBUILD" | "FROM" | "MAINTAINER") {
                return Err(invalid(format!("{trigger} isn't allowed as an ONBUILD trigger")));
            }
            Ok(Change::OnBuild(rest.to_string()))
        }
        "HEALTHCHECK" => {
            need_args()?;
            healthcheck(rest).map(Change::Healthcheck).map_err(invalid)
        }
        _ => Err(StoreError::Invalid(format!(
            "dockerfile instruction {instruction} is not supported by --change; supported: CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR"
        ))),
    }
}

/// Exec form (a JSON array) as is; anything else is shell form, run by
/// `/bin/sh -c` (docker also falls back to shell form for malformed JSON).
fn command(rest: &str) -> Vec<String> {
    json_array(rest).unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into(), rest.to_string()])
}

fn json_array(rest: &str) -> Option<Vec<String>> {
    if !rest.starts_with('[') {
        return None;
    }
    serde_json::from_str(rest).ok()
}

/// `k=v k2="v 2"`, or the legacy single `k value with spaces`.
fn name_values(
    instruction: &str,
    rest: &str,
) -> std::result::Result<Vec<(String, String)>, String> {
    let first_raw = rest.split_whitespace().next().unwrap_or("");
    if !first_raw.contains('=') {
        let (k, v) = match rest.find(char::is_whitespace) {
            Some(i) => (&rest[..i], rest[i..].trim()),
            None => {
                return Err(format!(
                    "{instruction} {rest} needs a value: use {instruction} {rest}=value"
                ))
            }
        };
        return Ok(vec![(unquote(k), unquote(v))]);
    }
    let mut pairs = Vec::new();
    for w in words(rest) {
        let Some((k, v)) = w.split_once('=') else {
            return Err(format!(
                "Syntax error - can't find = in {w:?}. Must be of the form: name=value"
            ));
        };
        if k.is_empty() {
            return Err(format!("{instruction} names can not be blank"));
        }
        pairs.push((k.to_string(), v.to_string()));
    }
    Ok(pairs)
}

/// `80`, `80/udp`, `8000-8002/tcp` → docker's `port/proto` keys.
fn expose_ports(spec: &str) -> std::result::Result<Vec<String>, String> {
    let (ports, proto) = match spec.split_once('/') {
        Some((p, proto)) => (p, proto.to_ascii_lowercase()),
        None => (spec, "tcp".to_string()),
    };
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!(
            "invalid proto {proto:?} in EXPOSE {spec}: use tcp, udp or sctp"
        ));
    }
    let port = |p: &str| {
        p.parse::<u16>()
            .map_err(|_| format!("invalid port {p:?} in EXPOSE {spec}: ports are 0-65535"))
    };
    let (lo, hi) = match ports.split_once('-') {
        Some((a, b)) => (port(a)?, port(b)?),
        None => (port(ports)?, port(ports)?),
    };
    if hi < lo {
        return Err(format!("invalid port range {ports:?} in EXPOSE {spec}"));
    }
    Ok((lo..=hi).map(|p| format!("{p}/{proto}")).collect())
}

fn healthcheck(rest: &str) -> std::result::Result<Healthcheck, String> {
    let mut h = Healthcheck::default();
    let mut rest = rest;
    while let Some(flag) = rest.strip_prefix("--") {
        let end = flag.find(char::is_whitespace).unwrap_or(flag.len());
        let (name, value) = flag[..end].split_once('=').ok_or_else(|| {
            format!(
                "HEALTHCHECK flag --{} needs a value (--flag=value)",
                &flag[..end]
            )
        })?;
        match name {
            "interval" => h.interval = Some(duration(value)?),
            "timeout" => h.timeout = Some(duration(value)?),
            "start-period" => h.start_period = Some(duration(value)?),
            "start-interval" => h.start_interval = Some(duration(value)?),
            "retries" => {
                h.retries = Some(
                    value
                        .parse()
                        .map_err(|_| format!("HEALTHCHECK --retries={value}: not a number"))?,
                )
            }
            _ => return Err(format!("unknown HEALTHCHECK flag --{name}")),
        }
        rest = flag[end..].trim_start();
    }
    let (kind, cmd) = match rest.find(char::is_whitespace) {
        Some(i) => (rest[..i].to_ascii_uppercase(), rest[i..].trim()),
        None => (rest.to_ascii_uppercase(), ""),
    };
    h.test = match (kind.as_str(), cmd) {
        ("NONE", "") => vec!["NONE".into()],
        ("NONE", _) => return Err("HEALTHCHECK NONE takes no arguments".into()),
        ("CMD", "") => return Err("HEALTHCHECK CMD requires a command".into()),
        ("CMD", cmd) => match json_array(cmd) {
            Some(args) => std::iter::once("CMD".to_string()).chain(args).collect(),
            None => vec!["CMD-SHELL".into(), cmd.to_string()],
        },
        _ => return Err(format!("HEALTHCHECK takes NONE or CMD, not {kind:?}")),
    };
    Ok(h)
}

/// A Go duration (`30s`, `1m30s`, `1.5h`, `500ms`) in nanoseconds.
fn duration(s: &str) -> std::result::Result<u64, String> {
    let bad =
        || format!("invalid duration {s:?}: use a number with a unit, like 30s, 1m30s or 500ms");
    if s == "0" {
        return Ok(0);
    }
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let n: f64 = rest[..num_end].parse().map_err(|_| bad())?;
        let unit_end = rest[num_end..]
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .map_or(rest.len(), |i| num_end + i);
        let scale = match &rest[num_end..unit_end] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(bad()),
        };
        total += n * scale;
        rest = &rest[unit_end..];
    }
    if total != 0.0 && total < 1e6 {
        return Err(format!("duration {s:?} is too short: the minimum is 1ms"));
    }
    Ok(total as u64)
}

/// Splits on whitespace outside quotes, removing the quotes.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
                continue;
            }
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => cur.push(c),
            (_, '\\') => {
                if let Some(next) = chars.next() {
                    cur.push(next);
                }
            }
            (_, c) => cur.push(c),
        }
        in_word = true;
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// Removes quotes and escapes but keeps the whitespace (a single value).
fn unquote(s: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => out.push(c),
            (_, '\\') => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            (_, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;

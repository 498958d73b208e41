//! The process half of the spec: `--security-opt`, docker's
//! entrypoint/cmd merge, the environment, and rlimits.

use std::collections::{BTreeMap, HashMap};

use oci_spec::runtime::{PosixRlimit, PosixRlimitBuilder};

use super::error::{Result, SpecError};
use super::parse::{parse_ulimit, Ulimit};
use super::{HostFacts, ImageConfig, RunOptions, SpecContext};

const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The `--security-opt` values, interpreted.
#[derive(Debug, Default)]
pub(super) struct Security {
    pub no_new_privileges: bool,
    pub seccomp_unconfined: bool,
    pub systempaths_unconfined: bool,
    pub writable_cgroups: Option<bool>,
}

fn parse_bool_opt(v: &str, opt: &str) -> Result<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(SpecError::invalid(format!(
            "invalid --security-opt 2: {opt:?}"
        ))),
    }
}

pub(super) fn parse_security(opts: &[String]) -> Result<Security> {
    let mut s = Security::default();
    for opt in opts {
        if opt == "no-new-privileges" {
            s.no_new_privileges = true;
            continue;
        }
        if opt == "systempaths=unconfined" {
            s.systempaths_unconfined = true;
            continue;
        }
        let (k, v) = opt
            .split_once('=')
            .or_else(|| opt.split_once(':'))
            .filter(|(_, v)| !v.is_empty())
            .ok_or_else(|| SpecError::invalid(format!("invalid --security-opt: {opt:?}")))?;
        match k {
            // SELinux and AppArmor are not berth's business; accepted for compatibility.
            "label" | "apparmor" => {}
            "seccomp" => s.seccomp_unconfined = v == "unconfined",
            "no-new-privileges" => s.no_new_privileges = parse_bool_opt(v, opt)?,
            "writable-cgroups" => s.writable_cgroups = Some(parse_bool_opt(v, opt)?),
            _ => {
                return Err(SpecError::invalid(format!(
                    "invalid --security-opt 2: {opt:?}"
                )))
            }
        }
    }
    Ok(s)
}

/// Entrypoint + cmd after docker's merge: `--entrypoint` discards the
/// image's Cmd unless a command is given; `--entrypoint ""` clears it.
pub(super) fn process_args(opts: &RunOptions, image: &ImageConfig) -> Result<Vec<String>> {
    // The CLI turns `--entrypoint X` into ["X"]; only a missing entrypoint
    // lets the image's Cmd through (moby `merge`).
    let (ep, cmd) = match &opts.entrypoint {
        Some(e) => (Some(vec![e.clone()]), opts.cmd.clone()),
        None if opts.cmd.is_empty() => (
            image.entrypoint.clone(),
            image.cmd.clone().unwrap_or_default(),
        ),
        None => (image.entrypoint.clone(), opts.cmd.clone()),
    };
    let mut ep = ep.unwrap_or_default();
    if ep.len() == 1 && ep[0].is_empty() {
        ep.clear();
    }
    if ep.is_empty() && cmd.is_empty() {
        return Err(SpecError::NoCommand);
    }
    ep.extend(cmd);
    Ok(ep)
}

fn env_key(e: &str) -> &str {
    e.split_once('=').map_or(e, |(k, _)| k)
}

/// The container's environment: docker's PATH/HOSTNAME/TERM defaults,
/// replaced or extended by the user's variables (`--env-host` < `--env-file`
/// < `-e`) merged over the image's; a bare `-e K` unset on the host unsets
/// K. Duplicates keep the last value, as runc does before exec.
pub(super) fn environment(
    opts: &RunOptions,
    image: &ImageConfig,
    hostname: &str,
    host: &HostFacts,
) -> Result<Vec<String>> {
    let mut user: Vec<String> = Vec::new();
    if opts.env_host {
        user.extend(host.env.iter().map(|(k, v)| format!("{k}={v}")));
    }
    for file in &opts.env_files {
        let bytes = std::fs::read(file).map_err(|source| SpecError::Io {
            what: "reading env file",
            path: file.clone(),
            source,
        })?;
        let lines =
            super::parse::parse_env_lines(&bytes, &|k| host.lookup_env(k)).map_err(|e| {
                SpecError::invalid(format!("invalid env file ({}): {e}", file.display()))
            })?;
        user.extend(lines);
    }
    for e in &opts.env {
        let key = env_key(e);
        if key.is_empty() {
            return Err(SpecError::invalid(format!(
                "invalid environment variable: {e}"
            )));
        }
        match (e.contains('='), host.lookup_env(key)) {
            (true, _) => user.push(e.clone()),
            (false, Some(v)) => user.push(format!("{key}={v}")),
            (false, None) => user.push(e.clone()),
        }
    }
    let user_keys: Vec<&str> = user.iter().map(|e| env_key(e)).collect();
    let mut merged = user.clone();
    merged.extend(
        image
            .env
            .iter()
            .filter(|e| !user_keys.contains(&env_key(e)))
            .cloned(),
    );

    let mut env = vec![
        format!("PATH={DEFAULT_PATH}"),
        format!("HOSTNAME={hostname}"),
    ];
    if opts.tty {
        env.push("TERM=xterm".to_string());
    }
    let defaults: HashMap<String, usize> = env
        .iter()
        .enumerate()
        .map(|(i, e)| (env_key(e).to_string(), i))
        .collect();
    for value in merged {
        match (value.contains('='), defaults.get(env_key(&value))) {
            (false, Some(&i)) => env[i].clear(),
            (false, None) => {}
            (true, Some(&i)) => env[i] = value,
            (true, None) => env.push(value),
        }
    }
    env.retain(|e| !e.is_empty());
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<String> = env
        .into_iter()
        .rev()
        .filter(|e| seen.insert(env_key(e).to_string()))
        .collect();
    out.reverse();
    Ok(out)
}

/// `--ulimit`s (later flags for the same name win), sorted by name, each
/// clamped to the caller's hard limit.
pub(super) fn rlimits(opts: &RunOptions, ctx: &SpecContext) -> Result<Vec<PosixRlimit>> {
    let mut by_name: BTreeMap<String, Ulimit> = BTreeMap::new();
    for u in &opts.ulimits {
        let u = parse_ulimit(u)?;
        by_name.insert(u.name.clone(), u);
    }
    let mut out = Vec::new();
    for u in by_name.values() {
        let Some((resource, typ)) = u.resource() else {
            continue;
        };
        let as_u64 = |v: i64| if v < 0 { u64::MAX } else { v as u64 };
        let (mut soft, mut hard) = (as_u64(u.soft), as_u64(u.hard));
        if let Some(limit) = (ctx.caller_hard_limits)(resource) {
            soft = soft.min(limit);
            hard = hard.min(limit);
        }
        out.push(
            PosixRlimitBuilder::default()
                .typ(typ)
                .soft(soft)
                .hard(hard)
                .build()?,
        );
    }
    Ok(out)
}

//! `ps`: docker's columns, status strings and filters.

use std::process::ExitCode;

use chrono::Utc;
use serde_json::json;

use super::args::PsArgs;
use super::lifecycle::open;
use crate::cli::error::{CliError, CliResult};
use crate::cli::image::familiar;
use crate::cli::output::{human_duration, time_ago};
use crate::cli::render;
use crate::settings::Settings;
use crate::store::containers::{ContainerEntry, ContainerStatus};

const PS_TABLE: &str =
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
const PS_HEADERS: &[(&str, &str)] = &[
    ("ID", "CONTAINER ID"),
    ("Image", "IMAGE"),
    ("Command", "COMMAND"),
    ("CreatedAt", "CREATED AT"),
    ("RunningFor", "CREATED"),
    ("Status", "STATUS"),
    ("Ports", "PORTS"),
    ("Names", "NAMES"),
    ("State", "STATE"),
    ("Size", "SIZE"),
    ("Labels", "LABELS"),
    ("Mounts", "MOUNTS"),
    ("Networks", "NETWORKS"),
    ("LocalVolumes", "LOCAL VOLUMES"),
];

/// docker's STATUS column.
pub fn status_string(e: &ContainerEntry) -> String {
    let now = Utc::now();
    match e.state.status {
        ContainerStatus::Created => "Created".into(),
        ContainerStatus::Running | ContainerStatus::Paused => {
            let up = e
                .state
                .started_at
                .map(|t| human_duration(now.signed_duration_since(t)))
                .unwrap_or_else(|| "Less than a second".into());
            let mut s = format!("Up {up}");
            if e.state.paused {
                s.push_str(" (Paused)");
            } else if let Some(h) = e.state.health.as_ref().and_then(|h| h["Status"].as_str()) {
                if h == "starting" {
                    s.push_str(" (health: starting)");
                } else {
                    s.push_str(&format!(" ({h})"));
                }
            }
            s
        }
        ContainerStatus::Restarting => format!(
            "Restarting ({}) {}",
            e.state.exit_code,
            e.state.finished_at.map(time_ago).unwrap_or_default()
        ),
        ContainerStatus::Exited | ContainerStatus::Dead => match e.state.finished_at {
            Some(t) => format!("Exited ({}) {}", e.state.exit_code, time_ago(t)),
            None => format!("Exited ({})", e.state.exit_code),
        },
        ContainerStatus::Removing => "Removal In Progress".into(),
    }
}

pub(super) struct Filters(Vec<(String, String)>);

impl Filters {
    pub(super) fn parse(raw: &[String]) -> CliResult<Filters> {
        let mut v = Vec::new();
        for f in raw {
            let Some((k, val)) = f.split_once('=') else {
                return Err(CliError::msg(format!(
                    "bad format of filter (expected name=value): {f}"
                )));
            };
            if !matches!(
                k,
                "status" | "name" | "label" | "ancestor" | "exited" | "id" | "health" | "volume"
            ) {
                return Err(CliError::msg(format!("invalid filter '{k}'")));
            }
            if k == "status"
                && !matches!(
                    val,
                    "created"
                        | "restarting"
                        | "running"
                        | "removing"
                        | "paused"
                        | "exited"
                        | "dead"
                )
            {
                return Err(CliError::msg(format!(
                    "invalid filter 'status={val}': use created, restarting, running, removing, paused, exited or dead"
                )));
            }
            v.push((k.to_string(), val.to_string()));
        }
        Ok(Filters(v))
    }

    fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// docker ORs values of one key and ANDs different keys.
    pub(super) fn matches(&self, e: &ContainerEntry) -> bool {
        let keys: std::collections::BTreeSet<&str> =
            self.0.iter().map(|(k, _)| k.as_str()).collect();
        keys.into_iter().all(|key| {
            self.0
                .iter()
                .filter(|(k, _)| k == key)
                .any(|(_, v)| match key {
                    "status" => e.state.status.as_str() == v,
                    "name" => e.name.contains(v.trim_start_matches('/')),
                    "id" => e.id.starts_with(v.as_str()),
                    "exited" => {
                        e.state.status == ContainerStatus::Exited
                            && e.state.exit_code.to_string() == *v
                    }
                    "label" => match v.split_once('=') {
                        Some((lk, lv)) => e.labels.get(lk).is_some_and(|x| x == lv),
                        None => e.labels.contains_key(v.as_str()),
                    },
                    "ancestor" => {
                        e.image_name == *v
                            || familiar(&e.image_name) == familiar(v)
                            || e.image_id.as_ref().is_some_and(|d| {
                                d.hex().starts_with(v.trim_start_matches("sha256:"))
                            })
                    }
                    "health" => {
                        e.state
                            .health
                            .as_ref()
                            .and_then(|h| h["Status"].as_str())
                            .unwrap_or("none")
                            == v
                    }
                    "volume" => e.mounts.iter().any(|m| m == v),
                    _ => true,
                })
        })
    }
}

fn quoted_command(cmd: &str, no_trunc: bool) -> String {
    let mut c = cmd.to_string();
    if !no_trunc && c.chars().count() > 20 {
        c = c.chars().take(19).collect::<String>() + "…";
    }
    format!("\"{c}\"")
}

pub fn ps(settings: &Settings, args: &PsArgs) -> CliResult {
    let filters = Filters::parse(&args.filters)?;
    let store = open(settings)?;
    let mut list = store.list_containers()?;
    list.sort_by_key(|e| std::cmp::Reverse(e.created));
    let show_all =
        args.all || args.latest || args.last > 0 || filters.has("status") || filters.has("exited");
    let mut items = Vec::new();
    for e in list.iter().filter(|e| filters.matches(e)) {
        let running = matches!(
            e.state.status,
            ContainerStatus::Running | ContainerStatus::Paused | ContainerStatus::Restarting
        );
        if !show_all && !running {
            continue;
        }
        let id = if args.no_trunc {
            e.id.clone()
        } else {
            e.id[..12].to_string()
        };
        let labels = e
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",");
        items.push(json!({
            "Command": quoted_command(&e.command, args.no_trunc),
            "CreatedAt": e.created.format("%Y-%m-%d %H:%M:%S %z UTC").to_string(),
            "ID": id,
            "Image": e.image_name,
            "Labels": labels,
            "LocalVolumes": e.mounts.len().to_string(),
            "Mounts": e.mounts.join(","),
            "Names": e.name,
            "Networks": e.networks.join(","),
            "Ports": e.ports.join(", "),
            "RunningFor": time_ago(e.created),
            "Size": "0B",
            "State": e.state.status.as_str(),
            "Status": status_string(e),
        }));
        if args.latest && items.len() == 1 {
            break;
        }
        if args.last > 0 && items.len() as i64 >= args.last {
            break;
        }
    }
    if args.quiet && args.format.is_none() {
        let mut out = String::new();
        for it in &items {
            out.push_str(it["ID"].as_str().unwrap_or_default());
            out.push('\n');
        }
        print!("{out}");
        return Ok(ExitCode::SUCCESS);
    }
    let table = if args.size {
        "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}\t{{.Size}}"
    } else {
        PS_TABLE
    };
    render::print_list(args.format.as_deref(), table, &items, PS_HEADERS)?;
    Ok(ExitCode::SUCCESS)
}

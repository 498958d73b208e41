//! `inspect` for containers: docker's JSON shape.

use std::process::ExitCode;

use serde_json::{json, Value};

use super::lifecycle::open;
use super::ps::status_string;
use crate::cli::error::{CliError, CliResult};
use crate::cli::output::rfc3339;
use crate::cli::render;
use crate::runtime::config::ContainerConfig;
use crate::runtime::{engine, networking, ports};
use crate::settings::Settings;
use crate::store::containers::{ContainerEntry, ContainerStatus};
use crate::store::Store;

const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// docker's container inspect object.
pub fn container_json(store: &Store, e: &ContainerEntry) -> Value {
    let config = engine::load_config(store, &e.id).unwrap_or_default();
    let dir = store.container_dir(&e.id);
    let running = matches!(
        e.state.status,
        ContainerStatus::Running | ContainerStatus::Paused
    );
    let log_path = config
        .log
        .as_ref()
        .and_then(|l| l.options.get("path").cloned())
        .unwrap_or_else(|| dir.join("ctr.log").display().to_string());
    json!({
        "Id": e.id,
        "Created": rfc3339(e.created),
        "Path": config.path,
        "Args": config.args,
        "State": {
            "Status": e.state.status.as_str(),
            "Running": running,
            "Paused": e.state.paused,
            "Restarting": e.state.status == ContainerStatus::Restarting,
            "OOMKilled": e.state.oom_killed,
            "Dead": e.state.status == ContainerStatus::Dead,
            "Pid": if running { e.state.pid } else { 0 },
            "ExitCode": e.state.exit_code,
            "Error": e.state.error,
            "StartedAt": e.state.started_at.map(rfc3339).unwrap_or_else(|| ZERO_TIME.into()),
            "FinishedAt": e.state.finished_at.map(rfc3339).unwrap_or_else(|| ZERO_TIME.into()),
            "Health": e.state.health,
        },
        "Image": e.image_id.as_ref().map(|d| d.to_string()).unwrap_or_default(),
        "ResolvConfPath": dir.join("resolv.conf").display().to_string(),
        "HostnamePath": dir.join("hostname").display().to_string(),
        "HostsPath": dir.join("hosts").display().to_string(),
        "LogPath": log_path,
        "Name": format!("/{}", e.name),
        "RestartCount": e.state.restart_count,
        "Driver": "overlay",
        "Platform": "linux",
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": "",
        "HostConfig": config.host_config,
        "GraphDriver": {
            "Name": "overlay",
            "Data": {
                "UpperDir": dir.join("upper").display().to_string(),
                "WorkDir": dir.join("work").display().to_string(),
                "MergedDir": dir.join("merged").display().to_string(),
            }
        },
        "Mounts": config.mounts,
        "Config": config.docker_config,
        "NetworkSettings": network_settings(store, e, &config),
        "Status": status_string(e),
    })
}

fn network_settings(store: &Store, e: &ContainerEntry, config: &ContainerConfig) -> Value {
    let mut v = networking::settings_json(store, &e.id, &config.network);
    v["Ports"] = ports::network_ports_json(
        &config.ports,
        &ports::exposed_from_json(&config.docker_config["ExposedPorts"]),
    );
    v
}

pub fn inspect_container(settings: &Settings, args: &crate::cli::image::InspectArgs) -> CliResult {
    let store = open(settings)?;
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for name in &args.names {
        match store.find_container(name) {
            Ok(e) => out.push(container_json(&store, &e)),
            Err(_) => missing.push(name.clone()),
        }
    }
    render::print_inspect(args.format.as_deref(), &out)?;
    if missing.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    Err(CliError::msg(
        missing
            .iter()
            .map(|m| format!("No such container: {m}"))
            .collect::<Vec<_>>()
            .join("\nError: "),
    ))
}

//! `volume create|ls|inspect|rm|prune`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::error::{render as render_err, CliError, CliResult};
use super::output::rfc3339;
use super::render;
use crate::settings::Settings;
use crate::store::volumes::VolumeRecord;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum VolumeCommand {
    /// Create a volume
    Create(VolumeCreateArgs),
    /// List volumes
    #[command(visible_alias = "list", name = "ls")]
    Ls(VolumeLsArgs),
    /// Display detailed information on one or more volumes
    Inspect(VolumeInspectArgs),
    /// Remove one or more volumes
    #[command(visible_alias = "remove")]
    Rm(VolumeRmArgs),
    /// Remove unused local volumes
    Prune(VolumePruneArgs),
}

#[derive(Debug, Args)]
pub struct VolumeCreateArgs {
    /// Specify volume driver name
    #[arg(short, long, default_value = "local")]
    pub driver: String,
    /// Set metadata for a volume
    #[arg(long = "label")]
    pub labels: Vec<String>,
    /// Set driver specific options
    #[arg(short, long = "opt")]
    pub opts: Vec<String>,
    /// Succeed when the volume exists already (podman; berth's create is idempotent anyway)
    #[arg(long)]
    pub ignore: bool,
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct VolumeLsArgs {
    /// Provide filter values (e.g. "dangling=true")
    #[arg(short, long = "filter")]
    pub filters: Vec<String>,
    /// Format output using a custom template
    #[arg(long)]
    pub format: Option<String>,
    /// Only display volume names
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct VolumeInspectArgs {
    /// Format output using a custom template
    #[arg(short, long)]
    pub format: Option<String>,
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct VolumeRmArgs {
    /// Force the removal of one or more volumes
    #[arg(short, long)]
    pub force: bool,
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct VolumePruneArgs {
    /// Remove all unused volumes, not just anonymous ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
    /// Provide filter values
    #[arg(long = "filter")]
    pub filters: Vec<String>,
}

fn kv(list: &[String]) -> BTreeMap<String, String> {
    list.iter()
        .map(|s| match s.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (s.clone(), String::new()),
        })
        .collect()
}

fn volume_json(v: &VolumeRecord) -> serde_json::Value {
    json!({
        "CreatedAt": rfc3339(v.created_at),
        "Driver": v.driver,
        "Labels": v.labels,
        "Mountpoint": v.mountpoint.display().to_string(),
        "Name": v.name,
        "Options": v.options,
        "Scope": v.scope,
    })
}

pub fn dispatch(settings: &Settings, cmd: &VolumeCommand) -> CliResult {
    let store = Store::open(&settings.store)?;
    match cmd {
        VolumeCommand::Create(a) => {
            if a.driver != "local" {
                return Err(CliError::msg(format!(
                    "volume driver {:?} is not supported; berth has the local driver",
                    a.driver
                )));
            }
            let (v, _) = store.create_volume(a.name.as_deref(), kv(&a.labels), kv(&a.opts))?;
            println!("{}", v.name);
        }
        VolumeCommand::Ls(a) => {
            let mut vols = store.list_volumes()?;
            vols.sort_by(|x, y| x.name.cmp(&y.name));
            let used: std::collections::HashSet<String> = store
                .list_containers()?
                .into_iter()
                .flat_map(|c| c.mounts)
                .collect();
            for f in &a.filters {
                let Some((k, val)) = f.split_once('=') else {
                    return Err(CliError::msg(format!(
                        "bad format of filter (expected name=value): {f}"
                    )));
                };
                match k {
                    "dangling" => {
                        let want = matches!(val, "true" | "1");
                        vols.retain(|v| used.contains(&v.name) != want);
                    }
                    "name" => vols.retain(|v| v.name.contains(val)),
                    "label" => vols.retain(|v| match val.split_once('=') {
                        Some((lk, lv)) => v.labels.get(lk).is_some_and(|x| x == lv),
                        None => v.labels.contains_key(val),
                    }),
                    "driver" => vols.retain(|v| v.driver == val),
                    other => return Err(CliError::msg(format!("invalid filter '{other}'"))),
                }
            }
            if a.quiet {
                for v in &vols {
                    println!("{}", v.name);
                }
            } else {
                let items: Vec<_> = vols
                    .iter()
                    .map(|v| {
                        json!({
                            "Driver": v.driver, "Name": v.name, "Mountpoint": v.mountpoint.display().to_string(),
                            "Scope": v.scope, "Labels": v.labels.iter().map(|(k, x)| format!("{k}={x}")).collect::<Vec<_>>().join(","),
                        })
                    })
                    .collect();
                render::print_list(
                    a.format.as_deref(),
                    "table {{.Driver}}\t{{.Name}}",
                    &items,
                    &[
                        ("Driver", "DRIVER"),
                        ("Name", "VOLUME NAME"),
                        ("Mountpoint", "MOUNTPOINT"),
                        ("Scope", "SCOPE"),
                    ],
                )?;
            }
        }
        VolumeCommand::Inspect(a) => {
            let mut out = Vec::new();
            let mut missing = Vec::new();
            for n in &a.names {
                match store.find_volume(n) {
                    Ok(v) => out.push(volume_json(&v)),
                    Err(_) => missing.push(n.clone()),
                }
            }
            render::print_inspect(a.format.as_deref(), &out)?;
            if !missing.is_empty() {
                return Err(CliError::msg(
                    missing
                        .iter()
                        .map(|m| format!("get {m}: no such volume"))
                        .collect::<Vec<_>>()
                        .join("\nError: "),
                ));
            }
        }
        VolumeCommand::Rm(a) => {
            let mut failed = false;
            for n in &a.names {
                match store.remove_volume(n, a.force) {
                    Ok(_) => println!("{n}"),
                    Err(e) => {
                        eprintln!("Error: {}", render_err(&e.into()));
                        failed = true;
                    }
                }
            }
            if failed {
                return Ok(ExitCode::from(1));
            }
        }
        VolumeCommand::Prune(a) => {
            if !a.force && !crate::cli::output::confirm("WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ")? {
                return Ok(ExitCode::SUCCESS);
            }
            let removed = store.prune_volumes(a.all)?;
            if !removed.is_empty() {
                println!("Deleted Volumes:");
                for r in &removed {
                    println!("{}", r.name);
                }
                println!();
            }
            println!("Total reclaimed space: 0B");
        }
    }
    Ok(ExitCode::SUCCESS)
}

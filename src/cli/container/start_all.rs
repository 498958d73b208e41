//! `start --all [--filter …]` (podman's): start every stopped container
//! that matches, as `berth-restart.service` does at boot for the
//! containers whose restart policy says they should be running.

use std::process::ExitCode;

use super::args::StartArgs;
use super::lifecycle::{for_each, open};
use super::ps::Filters;
use crate::cli::error::{CliError, CliResult};
use crate::runtime::config::RestartPolicy;
use crate::runtime::{engine, monitor};
use crate::settings::Settings;
use crate::store::containers::ContainerEntry;

/// The `--filter` values split into restart policies (read from each
/// container's config) and the rest (`ps`'s filters on the index entry).
struct StartFilters {
    restart: Vec<String>,
    entry: Filters,
}

impl StartFilters {
    fn parse(raw: &[String]) -> CliResult<StartFilters> {
        let mut restart = Vec::new();
        let mut rest = Vec::new();
        for f in raw {
            match f.split_once('=') {
                Some(("restart-policy", v)) => {
                    if !matches!(v, "no" | "always" | "on-failure" | "unless-stopped") {
                        return Err(CliError::msg(format!(
                            "invalid filter 'restart-policy={v}': use no, always, on-failure or unless-stopped"
                        )));
                    }
                    restart.push(v.to_string());
                }
                _ => rest.push(f.clone()),
            }
        }
        Ok(StartFilters {
            restart,
            entry: Filters::parse(&rest)?,
        })
    }

    /// Values of one key are ORed, different keys ANDed (docker's rule).
    fn matches(&self, policy: &RestartPolicy, e: &ContainerEntry) -> bool {
        let name = match policy {
            RestartPolicy::No => "no",
            RestartPolicy::Always => "always",
            RestartPolicy::OnFailure { .. } => "on-failure",
            RestartPolicy::UnlessStopped => "unless-stopped",
        };
        (self.restart.is_empty() || self.restart.iter().any(|r| r == name)) && self.entry.matches(e)
    }
}

pub fn start_all(settings: &Settings, args: &StartArgs) -> CliResult {
    if args.attach || args.interactive {
        return Err(CliError::msg(
            "--all and --filter start containers detached; leave out --attach and --interactive",
        ));
    }
    if args.all && !args.containers.is_empty() {
        return Err(CliError::msg(
            "--all and container names cannot be given together",
        ));
    }
    let filters = StartFilters::parse(&args.filters)?;
    let store = open(settings)?;
    let candidates: Vec<ContainerEntry> = if args.containers.is_empty() {
        store.list_containers()?
    } else {
        args.containers
            .iter()
            .map(|n| super::lifecycle::find(&store, n))
            .collect::<CliResult<_>>()?
    };
    let mut chosen = Vec::new();
    for e in candidates {
        if e.state.status.is_active() {
            continue;
        }
        let policy = engine::load_config(&store, &e.id)
            .map(|c| c.restart)
            .unwrap_or_default();
        if filters.matches(&policy, &e) {
            chosen.push(e.id);
        }
    }
    drop(store);
    if chosen.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for_each(settings, &chosen, |_, e, _| {
        monitor::start_detached(&settings.store, &e.id).map_err(CliError::from)?;
        Ok(Some(e.id.clone()))
    })
}

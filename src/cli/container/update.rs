//! `update`: new resource limits and restart policy for containers
//! (`runtime::update` does the work; this turns flags into a request).

use super::args::UpdateArgs;
use super::lifecycle::for_each;
use crate::cli::error::{CliError, CliResult};
use crate::runtime::config::RestartPolicy;
use crate::runtime::spec::{parse_cpus, parse_memory_bytes};
use crate::runtime::update::{self, UpdateRequest};
use crate::settings::Settings;

/// docker's byte flags: `-1` is "unlimited" where docker allows it.
fn bytes(flag: &str, v: &Option<String>) -> CliResult<Option<i64>> {
    match v.as_deref() {
        None => Ok(None),
        Some("-1") => Ok(Some(-1)),
        Some(s) => parse_memory_bytes(s).map(Some).map_err(|e| {
            CliError::msg(format!("invalid argument {s:?} for \"--{flag}\" flag: {e}"))
        }),
    }
}

fn request(args: &UpdateArgs) -> CliResult<UpdateRequest> {
    let nano_cpus = match args.cpus.as_deref() {
        Some(c) => Some(parse_cpus(c).map_err(|e| {
            CliError::msg(format!("invalid argument {c:?} for \"--cpus\" flag: {e}"))
        })?),
        None => None,
    };
    let restart = match args.restart.as_deref() {
        Some(r) => Some(RestartPolicy::parse(r).map_err(CliError::msg)?),
        None => None,
    };
    let req = UpdateRequest {
        memory: bytes("memory", &args.memory)?,
        memory_swap: bytes("memory-swap", &args.memory_swap)?,
        memory_reservation: bytes("memory-reservation", &args.memory_reservation)?,
        nano_cpus,
        cpu_shares: args.cpu_shares,
        cpu_period: args.cpu_period,
        cpu_quota: args.cpu_quota,
        cpuset_cpus: args.cpuset_cpus.clone(),
        pids_limit: args.pids_limit,
        restart,
    };
    if req.is_empty() {
        return Err(CliError::msg(
            "you must provide one or more flags when using this command",
        ));
    }
    Ok(req)
}

pub fn update(settings: &Settings, args: &UpdateArgs) -> CliResult {
    let req = request(args)?;
    for_each(settings, &args.containers, |store, e, name| {
        update::update(store, e, &req)
            .map_err(|err| CliError::msg(format!("cannot update container {name}: {err}")))?;
        Ok(Some(name.to_string()))
    })
}

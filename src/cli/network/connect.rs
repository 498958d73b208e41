//! `network connect` and `network disconnect`: a running container gets or
//! loses an interface at once; a stopped one at its next start.

use std::process::ExitCode;

use clap::Args;

use crate::cli::error::{CliError, CliResult};
use crate::runtime::networking;
use crate::settings::Settings;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Add network-scoped alias for the container
    #[arg(long = "alias", value_name = "strings")]
    pub aliases: Vec<String>,
    /// IPv4 address (e.g., "172.30.100.104")
    #[arg(long, value_name = "string")]
    pub ip: Option<String>,
    pub network: String,
    pub container: String,
}

#[derive(Debug, Args)]
pub struct DisconnectArgs {
    /// Force the container to disconnect from a network
    #[arg(short, long)]
    pub force: bool,
    pub network: String,
    pub container: String,
}

fn open(
    settings: &Settings,
    name: &str,
) -> CliResult<(Store, crate::store::containers::ContainerEntry)> {
    let store = Store::open(&settings.store)?;
    if !store.reconcile_stale()?.is_empty() {
        let _ = crate::net::attach::sweep(store.root());
    }
    let entry = store
        .find_container(name)
        .map_err(|_| CliError::msg(format!("No such container: {name}")))?;
    Ok((store, entry))
}

pub fn connect(settings: &Settings, args: &ConnectArgs) -> CliResult {
    let (store, entry) = open(settings, &args.container)?;
    let ip = args
        .ip
        .as_deref()
        .map(|s| {
            s.parse()
                .map_err(|_| CliError::msg(format!("invalid IPv4 address: {s}")))
        })
        .transpose()?;
    networking::connect(&store, &entry, &args.network, &args.aliases, ip)
        .map_err(|e| CliError::msg(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

pub fn disconnect(settings: &Settings, args: &DisconnectArgs) -> CliResult {
    let (store, entry) = open(settings, &args.container)?;
    networking::disconnect(&store, &entry, &args.network)
        .map_err(|e| CliError::msg(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

//! `port`: the container's published ports, in docker's format.

use std::process::ExitCode;

use super::args::PortArgs;
use super::lifecycle::{find, open};
use crate::cli::error::{CliError, CliResult};
use crate::runtime::engine;
use crate::runtime::ports::{port_lines, ContainerPort};
use crate::settings::Settings;

pub fn port(settings: &Settings, args: &PortArgs) -> CliResult {
    let store = open(settings)?;
    let entry = find(&store, &args.container)?;
    let config = engine::load_config(&store, &entry.id)?;
    let private = match args.private_port.as_deref() {
        Some(p) => Some(ContainerPort::parse(p).map_err(|e| CliError::msg(e.to_string()))?),
        None => None,
    };
    match port_lines(&config.ports, private.as_ref()) {
        Some(lines) => {
            let mut out = String::new();
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
            print!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        None => Err(CliError::msg(format!(
            "No public port '{}' published for {}",
            private.map(|p| p.to_string()).unwrap_or_default(),
            args.container
        ))),
    }
}

//! `berth unshare` (podman's): a shell, or a command, inside the rootless
//! user's berth namespaces, where the store's files show their in-container
//! owners and `container mount`/`image mount` paths are visible.

use crate::cli::error::{CliError, CliResult};
use crate::settings::Settings;
use std::os::unix::process::CommandExt;

#[derive(Debug, clap::Args)]
#[command(trailing_var_arg = true)]
pub struct UnshareArgs {
    /// Command to run (default: $SHELL, else /bin/sh)
    #[arg(allow_hyphen_values = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// Runs after `app` has joined the namespaces; replaces this process.
pub fn unshare(settings: &Settings, args: &UnshareArgs) -> CliResult {
    if !settings.store.rootless {
        return Err(CliError::msg(
            "berth unshare is for rootless users: as root, berth already works in the host's namespaces",
        ));
    }
    let (program, rest) = match args.command.split_first() {
        Some((p, rest)) => (p.clone(), rest.to_vec()),
        None => (
            std::env::var("SHELL")
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "/bin/sh".into()),
            Vec::new(),
        ),
    };
    let err = std::process::Command::new(&program)
        .args(&rest)
        .env("BERTH_ROOT", &settings.store.root)
        .env("BERTH_RUNROOT", &settings.store.runroot)
        .exec();
    let code = match err.kind() {
        std::io::ErrorKind::NotFound => 127,
        _ => 126,
    };
    Err(CliError {
        error: anyhow::anyhow!("exec {program}: {err}"),
        code,
    })
}

//! `berth generate systemd` (a unit for one container, as podman's) and
//! `berth generate quadlet` (a systemd generator for podman's quadlet
//! files). berth is also its own generator binary: a symlink named
//! `berth-generator` (system) or `berth-user-generator` (user) in systemd's
//! generator directories runs `generate quadlet`; see [`quadlet`] for the
//! search path and install steps.

pub mod cmdline;
pub mod error;
pub mod escape;
pub mod quadlet;
pub mod systemd;
pub mod unitfile;

use std::ffi::OsString;
use std::path::Path;

use clap::Subcommand;

use crate::cli::error::CliResult;
use crate::settings::Settings;

pub use error::GenerateError;

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Generate a systemd unit file for a container
    Systemd(Box<systemd::SystemdArgs>),
    /// Generate services from quadlet files (.container, .volume, .network): a systemd generator
    Quadlet(quadlet::QuadletArgs),
}

pub fn dispatch(settings: &Settings, cmd: &GenerateCommand) -> CliResult {
    match cmd {
        GenerateCommand::Systemd(a) => systemd::systemd(settings, a),
        GenerateCommand::Quadlet(a) => quadlet::quadlet(settings, a),
    }
}

/// The program names systemd finds in its generator directories.
const SYSTEM_GENERATOR: &str = "berth-generator";
const USER_GENERATOR: &str = "berth-user-generator";

/// Rewrites argv when berth runs as a systemd generator (argv[0]'s base
/// name is `berth-generator` or `berth-user-generator`): systemd passes
/// only the output directories, so they become `generate quadlet` args.
pub fn generator_argv(argv: Vec<OsString>) -> Vec<OsString> {
    let Some(first) = argv.first() else {
        return argv;
    };
    let base = Path::new(first).file_name().and_then(|n| n.to_str());
    let user = match base {
        Some(SYSTEM_GENERATOR) => false,
        Some(USER_GENERATOR) => true,
        _ => return argv,
    };
    let mut out: Vec<OsString> = vec!["berth".into(), "generate".into(), "quadlet".into()];
    if user {
        out.push("--user".into());
    }
    out.extend(argv.into_iter().skip(1));
    out
}

/// podman's `Config.CreateCommand` for a container `run`/`create` makes:
/// this process's command line from the subcommand on (argv[0] and the
/// global flags before the subcommand left out).
pub fn create_command() -> Vec<String> {
    let argv: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let start = cmdline::subcommand_start(&argv);
    argv[start..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn generator_names_run_quadlet() {
        assert_eq!(
            generator_argv(os(&[
                "/usr/lib/systemd/system-generators/berth-generator",
                "/n",
                "/e",
                "/l"
            ])),
            os(&["berth", "generate", "quadlet", "/n", "/e", "/l"])
        );
        assert_eq!(
            generator_argv(os(&["berth-user-generator", "/n"])),
            os(&["berth", "generate", "quadlet", "--user", "/n"])
        );
        assert_eq!(generator_argv(os(&["berth", "ps"])), os(&["berth", "ps"]));
        assert_eq!(generator_argv(Vec::new()), Vec::<OsString>::new());
    }
}

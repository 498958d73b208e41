//! Parse, resolve settings once, dispatch, and render the error once.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::error::{render, CliError, CliResult};
use crate::cli::{
    container, generate, image, image_list, network, registry, system, volume, Cli, Command,
};
use crate::settings::{Overrides, Settings};

/// The name to answer to, from `argv[0]`: through a `docker` symlink berth
/// is docker, so usage, help and errors say `docker`. Anything else is berth.
fn invoked_as(argv0: Option<&std::ffi::OsStr>) -> &'static str {
    let base = argv0
        .map(std::path::Path::new)
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str());
    match base {
        Some("docker") => "docker",
        _ => "berth",
    }
}

fn parse(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
    let name = invoked_as(args.first().map(|a| a.as_os_str()));
    let mut cmd = Cli::command().name(name).bin_name(name);
    let matches = cmd.try_get_matches_from_mut(args)?;
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
}

pub fn main() -> ExitCode {
    // Run as a systemd generator (a symlink named berth-generator): before
    // clap, since systemd passes bare directories.
    let argv = generate::generator_argv(std::env::args_os().collect());
    let cli = match parse(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 125 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(CliError { error, code }) => {
            eprintln!("Error: {}", render(&error));
            ExitCode::from(code)
        }
    }
}

pub fn run(cli: Cli) -> CliResult {
    if let Some(dir) = &cli.global.docker_config {
        // Read by the credential code; set once here, before any thread starts.
        std::env::set_var("DOCKER_CONFIG", dir);
    }
    let overrides = Overrides {
        root: cli.global.root.clone(),
        runroot: cli.global.runroot.clone(),
        log_level: cli
            .global
            .log_level
            .clone()
            .or(cli.global.debug.then(|| "debug".into())),
        config_file: cli.global.berth_config.clone(),
    };
    // Commands that never touch a store stay out of the rootless namespace
    // (a systemd user generator must not leave a pause process behind).
    let needs_store = !matches!(
        cli.command,
        Command::Version(_)
            | Command::Completion(_)
            | Command::GenerateMan(_)
            | Command::Generate(generate::GenerateCommand::Quadlet(_))
    );
    if needs_store {
        // Rootless: join (or make) the user's berth namespaces while still
        // single-threaded; `run`/`create` fail with 125 like their other errors.
        crate::runtime::userns::enter().map_err(|e| CliError {
            code: if matches!(cli.command, Command::Run(_) | Command::Create(_)) {
                125
            } else {
                1
            },
            ..CliError::from(e)
        })?;
    }
    let settings = || Settings::resolve(&overrides).map_err(CliError::from);
    // `run`/`create` fail with 125 when berth itself cannot start, config included.
    let run_settings = || settings().map_err(|e| CliError { code: 125, ..e });
    match &cli.command {
        Command::Run(a) => container::run(&run_settings()?, a),
        Command::Create(a) => container::create(&run_settings()?, a),
        Command::Start(a) => container::start(&settings()?, a),
        Command::Stop(a) => container::stop(&settings()?, a),
        Command::Restart(a) => container::restart(&settings()?, a),
        Command::Kill(a) => container::kill(&settings()?, a),
        Command::Rm(a) => container::rm(&settings()?, a),
        Command::Ps(a) => container::ps(&settings()?, a),
        Command::Logs(a) => container::logs(&settings()?, a),
        Command::Exec(a) => container::exec(&settings()?, a),
        Command::Wait(a) => container::wait(&settings()?, a),
        Command::Top(a) => container::top(&settings()?, a),
        Command::Rename(a) => container::rename(&settings()?, a),
        Command::Pause(a) => container::pause(&settings()?, a),
        Command::Unpause(a) => container::unpause(&settings()?, a),
        Command::Stats(a) => container::stats(&settings()?, a),
        Command::Update(a) => container::update(&settings()?, a),
        Command::Port(a) => container::port(&settings()?, a),
        Command::Cp(a) => container::cp(&settings()?, a),
        Command::Diff(a) => container::diff(&settings()?, a),
        Command::Commit(a) => container::commit(&settings()?, a),
        Command::Export(a) => container::export(&settings()?, a),
        Command::Container(c) => container::dispatch(&settings()?, c),
        Command::Volume(c) => volume::dispatch(&settings()?, c),
        Command::Network(c) => network::dispatch(&settings()?, c),
        Command::Build(a) => crate::cli::build::build(&settings()?, a),
        Command::Builder(c) => crate::cli::build::builder(&settings()?, c),
        Command::ContainerMonitor(a) => container::monitor(&settings()?, a),
        Command::Version(a) => system::version(a),
        Command::Info(a) => system::info(&settings()?, a),
        Command::System(c) => system::dispatch(&settings()?, c),
        Command::Pull(a) => image::pull(&settings()?, a),
        Command::Push(a) => image::push(&settings()?, a),
        Command::Images(a) => image_list::images(&settings()?, a),
        Command::Tag(a) => image::tag(&settings()?, a),
        Command::Rmi(a) => image::rmi(&settings()?, a),
        Command::Inspect(a) => image_list::inspect(&settings()?, a),
        Command::History(a) => image_list::history(&settings()?, a),
        Command::Save(a) => image::save(&settings()?, a),
        Command::Load(a) => image::load(&settings()?, a),
        Command::Import(a) => image::import(&settings()?, a),
        Command::Image(c) => image::dispatch(&settings()?, c),
        Command::Manifest(image::ManifestCommand::Inspect(a)) => {
            image::manifest_inspect(&settings()?, a)
        }
        Command::Login(a) => registry::login(&settings()?, a),
        Command::Logout(a) => registry::logout(a),
        Command::Attach(a) => container::attach(&settings()?, a),
        Command::Unshare(a) => crate::cli::unshare::unshare(&settings()?, a),
        Command::Generate(c) => generate::dispatch(&settings()?, c),
        Command::Completion(a) => crate::cli::completion::completion(a),
        Command::GenerateMan(a) => crate::cli::manpages::generate_man(a),
        Command::Events(a) => crate::cli::events::events(&settings()?, a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_docker_symlink_makes_berth_docker_and_nothing_else_does() {
        assert_eq!(invoked_as(Some("/usr/local/bin/docker".as_ref())), "docker");
        assert_eq!(invoked_as(Some("docker".as_ref())), "docker");
        assert_eq!(invoked_as(Some("/usr/bin/berth".as_ref())), "berth");
        assert_eq!(invoked_as(Some("/opt/docker/berth".as_ref())), "berth");
        assert_eq!(invoked_as(None), "berth");
    }

    #[test]
    fn usage_errors_name_the_invoked_binary() {
        let e =
            parse(vec!["docker".into(), "ps".into(), "--bogus".into()]).expect_err("unknown flag");
        assert!(e.to_string().contains("Usage: docker ps"), "{e}");
        let e =
            parse(vec!["berth".into(), "ps".into(), "--bogus".into()]).expect_err("unknown flag");
        assert!(e.to_string().contains("Usage: berth ps"), "{e}");
    }
}

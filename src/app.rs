//! Parse, resolve settings once, dispatch, and render the error once.

use std::process::ExitCode;

use clap::Parser;

use crate::cli::error::{render, CliError, CliResult};
use crate::cli::{container, image, image_list, network, registry, system, volume, Cli, Command};
use crate::settings::{Overrides, Settings};

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
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
    let settings = || Settings::resolve(&overrides).map_err(CliError::from);
    match &cli.command {
        Command::Run(a) => container::run(&settings()?, a),
        Command::Create(a) => container::create(&settings()?, a),
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
        Command::Events(a) => crate::cli::events::events(&settings()?, a),
    }
}

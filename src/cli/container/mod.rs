//! Container commands: run, create, start, stop, restart, kill, rm, ps,
//! logs, exec, wait, inspect, top, rename, pause, unpause, stats, prune,
//! update, port, and podman's mount/unmount.

pub mod args;
mod attach;
mod create;
mod files;
mod inspect;
mod lifecycle;
mod logs;
mod mount;
mod port;
mod ps;
mod start_all;
mod update;

use std::process::ExitCode;

use clap::Subcommand;

pub use args::*;
pub use attach::attach;
pub use create::{create, run};
pub use files::{commit, cp, diff, export};
pub use inspect::{container_json, inspect_container};
pub use lifecycle::*;
pub use logs::logs;
pub use mount::{mount, unmount};
pub use port::port;
pub use ps::ps;
pub use update::update;

use super::error::CliResult;
use crate::settings::Settings;

/// `berth container …`: the same commands under docker's management group.
#[derive(Debug, Subcommand)]
pub enum ContainerCommand {
    /// Create and run a new container from an image
    Run(RunArgs),
    /// Create a new container
    Create(CreateArgs),
    /// Start one or more stopped containers
    Start(StartArgs),
    /// Stop one or more running containers
    Stop(StopArgs),
    /// Restart one or more containers
    Restart(StopArgs),
    /// Kill one or more running containers
    Kill(KillArgs),
    /// Remove one or more containers
    #[command(visible_alias = "remove")]
    Rm(RmArgs),
    /// List containers
    #[command(name = "ls", visible_aliases = ["ps", "list"])]
    Ls(PsArgs),
    /// Fetch the logs of a container
    Logs(LogsArgs),
    /// Execute a command in a running container
    Exec(ExecArgs),
    /// Block until one or more containers stop, then print their exit codes
    Wait(WaitArgs),
    /// Display detailed information on one or more containers
    Inspect(super::image::InspectArgs),
    /// Display the running processes of a container
    Top(TopArgs),
    /// Rename a container
    Rename(RenameArgs),
    /// Pause all processes within one or more containers
    Pause(ContainersArgs),
    /// Unpause all processes within one or more containers
    Unpause(ContainersArgs),
    /// Display a live stream of container(s) resource usage statistics
    Stats(StatsArgs),
    /// Remove all stopped containers
    Prune(ContainerPruneArgs),
    /// Attach local standard input, output, and error streams to a running container
    Attach(AttachArgs),
    /// Update configuration of one or more containers
    Update(UpdateArgs),
    /// List port mappings or a specific mapping for the container
    Port(PortArgs),
    /// Mount a container's root filesystem on the host and print its path
    Mount(MountArgs),
    /// Unmount a container's root filesystem
    #[command(visible_alias = "umount")]
    Unmount(MountArgs),
    /// Copy files/folders between a container and the local filesystem
    Cp(CpArgs),
    /// Inspect changes to files or directories on a container's filesystem
    Diff(DiffArgs),
    /// Create a new image from a container's changes
    Commit(CommitArgs),
    /// Export a container's filesystem as a tar archive
    Export(ExportArgs),
}

pub fn dispatch(settings: &Settings, cmd: &ContainerCommand) -> CliResult {
    match cmd {
        ContainerCommand::Run(a) => run(settings, a),
        ContainerCommand::Create(a) => create(settings, a),
        ContainerCommand::Start(a) => start(settings, a),
        ContainerCommand::Stop(a) => stop(settings, a),
        ContainerCommand::Restart(a) => restart(settings, a),
        ContainerCommand::Kill(a) => kill(settings, a),
        ContainerCommand::Rm(a) => rm(settings, a),
        ContainerCommand::Ls(a) => ps(settings, a),
        ContainerCommand::Logs(a) => logs(settings, a),
        ContainerCommand::Exec(a) => exec(settings, a),
        ContainerCommand::Wait(a) => wait(settings, a),
        ContainerCommand::Inspect(a) => inspect_container(settings, a),
        ContainerCommand::Top(a) => top(settings, a),
        ContainerCommand::Rename(a) => rename(settings, a),
        ContainerCommand::Pause(a) => pause(settings, a),
        ContainerCommand::Unpause(a) => unpause(settings, a),
        ContainerCommand::Stats(a) => stats(settings, a),
        ContainerCommand::Prune(a) => prune(settings, a),
        ContainerCommand::Attach(a) => attach(settings, a),
        ContainerCommand::Update(a) => update(settings, a),
        ContainerCommand::Port(a) => port(settings, a),
        ContainerCommand::Mount(a) => mount(settings, a),
        ContainerCommand::Unmount(a) => unmount(settings, a),
        ContainerCommand::Cp(a) => cp(settings, a),
        ContainerCommand::Diff(a) => diff(settings, a),
        ContainerCommand::Commit(a) => commit(settings, a),
        ContainerCommand::Export(a) => export(settings, a),
    }
}

/// Hidden: the detached monitor's entry point.
pub fn monitor(settings: &Settings, args: &MonitorArgs) -> CliResult {
    let store = crate::store::Store::open(&settings.store)?;
    let opts = crate::runtime::monitor::MonitorOptions {
        hold_output: args.hold_output,
    };
    let code = crate::runtime::monitor::monitor_main(&store, &args.id, args.ready_fd, opts);
    Ok(ExitCode::from(code.clamp(0, 255) as u8))
}

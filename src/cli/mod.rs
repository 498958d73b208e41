//! Command-line parsing, dispatch and output formatting. Commands are thin:
//! they turn flags into options, call one library function, and print its
//! report. This is the only layer that writes to stdout.

pub mod build;
pub mod completion;
pub mod container;
pub mod error;
pub mod events;
pub mod format;
pub mod generate;
pub mod image;
pub mod image_list;
pub mod manpages;
pub mod network;
pub mod output;
pub mod progress;
pub mod registry;
pub mod render;
pub mod system;
pub mod unshare;
pub mod volume;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// A daemonless, Docker-compatible container engine.
#[derive(Debug, Parser)]
#[command(name = "berth", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalFlags,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Args)]
pub struct GlobalFlags {
    /// Storage root directory (default /var/lib/berth, or $XDG_DATA_HOME/berth rootless)
    #[arg(long, global = true, env = "BERTH_ROOT", value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Runtime state directory (default /run/berth, or $XDG_RUNTIME_DIR/berth rootless)
    #[arg(long, global = true, env = "BERTH_RUNROOT", value_name = "DIR")]
    pub runroot: Option<PathBuf>,
    /// Set the logging level ("debug", "info", "warn", "error", "fatal")
    // Not global: like docker's, it goes before the command, whose own -l it would shadow.
    #[arg(short = 'l', long, value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// Enable debug mode
    #[arg(short = 'D', long)]
    pub debug: bool,
    /// Location of client config files (sets DOCKER_CONFIG)
    #[arg(long = "config", global = true, value_name = "DIR")]
    pub docker_config: Option<PathBuf>,
    /// berth.toml to read instead of the system and user ones
    #[arg(
        long = "berth-config",
        global = true,
        env = "BERTH_CONFIG",
        value_name = "FILE"
    )]
    pub berth_config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create and run a new container from an image
    Run(container::RunArgs),
    /// Create a new container
    Create(container::CreateArgs),
    /// Start one or more stopped containers
    Start(container::StartArgs),
    /// Stop one or more running containers
    Stop(container::StopArgs),
    /// Restart one or more containers
    Restart(container::StopArgs),
    /// Kill one or more running containers
    Kill(container::KillArgs),
    /// Remove one or more containers
    Rm(container::RmArgs),
    /// List containers
    Ps(container::PsArgs),
    /// Fetch the logs of a container
    Logs(container::LogsArgs),
    /// Execute a command in a running container
    Exec(container::ExecArgs),
    /// Block until one or more containers stop, then print their exit codes
    Wait(container::WaitArgs),
    /// Display the running processes of a container
    Top(container::TopArgs),
    /// Rename a container
    Rename(container::RenameArgs),
    /// Pause all processes within one or more containers
    Pause(container::ContainersArgs),
    /// Unpause all processes within one or more containers
    Unpause(container::ContainersArgs),
    /// Display a live stream of container(s) resource usage statistics
    Stats(container::StatsArgs),
    /// Update configuration of one or more containers
    Update(container::UpdateArgs),
    /// List port mappings or a specific mapping for the container
    Port(container::PortArgs),
    /// Copy files/folders between a container and the local filesystem
    Cp(container::CpArgs),
    /// Inspect changes to files or directories on a container's filesystem
    Diff(container::DiffArgs),
    /// Create a new image from a container's changes
    Commit(container::CommitArgs),
    /// Export a container's filesystem as a tar archive
    Export(container::ExportArgs),
    /// Manage containers
    #[command(subcommand)]
    Container(container::ContainerCommand),
    /// Manage volumes
    #[command(subcommand)]
    Volume(volume::VolumeCommand),
    /// Manage networks
    #[command(subcommand)]
    Network(network::NetworkCommand),
    /// Build an image from a Dockerfile
    Build(build::BuildArgs),
    /// Manage builds
    #[command(subcommand)]
    Builder(build::BuilderCommand),
    /// The detached container monitor (internal)
    #[command(name = "container-monitor", hide = true)]
    ContainerMonitor(container::MonitorArgs),
    /// Download an image from a registry
    Pull(image::PullArgs),
    /// Upload an image to a registry
    Push(image::PushArgs),
    /// List images
    Images(image::ImagesArgs),
    /// Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
    Tag(image::TagArgs),
    /// Remove one or more images
    Rmi(image::RmiArgs),
    /// Return low-level information on objects
    Inspect(image::InspectArgs),
    /// Show the history of an image
    History(image::HistoryArgs),
    /// Save one or more images to a tar archive (streamed to STDOUT by default)
    Save(image::SaveArgs),
    /// Load an image from a tar archive or STDIN
    Load(image::LoadArgs),
    /// Import the contents from a tarball to create a filesystem image
    Import(image::ImportArgs),
    /// Manage images
    #[command(subcommand)]
    Image(image::ImageCommand),
    /// Manage image manifests
    #[command(subcommand)]
    Manifest(image::ManifestCommand),
    /// Log in to a registry
    Login(registry::LoginArgs),
    /// Log out from a registry
    Logout(registry::LogoutArgs),
    /// Show the berth version information
    Version(system::VersionArgs),
    /// Display system-wide information
    Info(system::InfoArgs),
    /// Manage berth
    #[command(subcommand)]
    System(system::SystemCommand),
    /// Attach local standard input, output, and error streams to a running container
    Attach(container::AttachArgs),
    /// Run a command (default: a shell) in the rootless user namespace
    Unshare(unshare::UnshareArgs),
    /// Generate systemd units (for a container, or from quadlet files)
    #[command(subcommand)]
    Generate(generate::GenerateCommand),
    /// Print a shell completion script (bash, zsh or fish)
    Completion(completion::CompletionArgs),
    /// Write the man pages into a directory (for packaging)
    #[command(name = "generate-man", hide = true)]
    GenerateMan(manpages::GenerateManArgs),
    /// Get real time events from berth processes
    Events(events::EventsArgs),
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        // Catches clashing short flags and the like, which clap only reports at run time.
        super::Cli::command().debug_assert();
    }
}

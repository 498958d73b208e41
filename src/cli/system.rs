//! System commands: version, info, `system df`, `system check`.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::error::{CliError, CliResult};
use super::output::human_size;
use super::render;
use crate::settings::Settings;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Format output using a custom template
    #[arg(short, long)]
    pub format: Option<String>,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Format output using a custom template
    #[arg(short, long)]
    pub format: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SystemCommand {
    /// Show disk usage
    Df(DfArgs),
    /// Verify the store and repair what is safe to repair
    Check(CheckArgs),
    /// Display system-wide information
    Info(InfoArgs),
    /// Remove all containers, images, volumes and networks of this store
    Reset(ResetArgs),
    /// Remove unused data
    Prune(SystemPruneArgs),
    /// Get real time events from berth processes
    Events(super::events::EventsArgs),
}

#[derive(Debug, Args)]
pub struct SystemPruneArgs {
    /// Remove all unused images not just dangling ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
    /// Prune anonymous volumes
    #[arg(long)]
    pub volumes: bool,
    /// Provide filter values (e.g. "label=<key>=<value>")
    #[arg(long = "filter")]
    pub filters: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DfArgs {
    /// Format output using a custom template
    #[arg(long)]
    pub format: Option<String>,
    /// Show detailed information on space usage
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Repair what can be repaired safely (remove leftovers and broken records)
    #[arg(short, long)]
    pub repair: bool,
    /// Skip re-hashing every blob (faster)
    #[arg(long)]
    pub quick: bool,
}

fn version_json() -> serde_json::Value {
    json!({
        "Client": {
            "Version": env!("CARGO_PKG_VERSION"),
            "ApiVersion": "1.41",
            "Os": std::env::consts::OS,
            "Arch": crate::registry::platform::Platform::host().architecture,
            "BuildTime": "",
            "GitCommit": option_env!("BERTH_GIT_COMMIT").unwrap_or(""),
        },
        "Server": serde_json::Value::Null,
    })
}

pub fn version(args: &VersionArgs) -> CliResult {
    let v = version_json();
    match args.format.as_deref() {
        Some(f) => render::print_inspect(Some(f), &[v])?,
        None => {
            println!("Client:");
            println!(
                " Version:      {}",
                v["Client"]["Version"].as_str().unwrap_or("")
            );
            println!(
                " API version:  {}",
                v["Client"]["ApiVersion"].as_str().unwrap_or("")
            );
            println!(
                " OS/Arch:      {}/{}",
                v["Client"]["Os"].as_str().unwrap_or(""),
                v["Client"]["Arch"].as_str().unwrap_or("")
            );
            println!(" Engine:       berth (daemonless: no server)");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn cgroup_version() -> &'static str {
    match nix::sys::statfs::statfs("/sys/fs/cgroup") {
        Ok(s) if s.filesystem_type() == nix::sys::statfs::CGROUP2_SUPER_MAGIC => "2",
        Ok(_) => "1",
        Err(_) => "unknown",
    }
}

pub fn info(settings: &Settings, args: &InfoArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let images = store.list_images()?;
    let layers = store.list_layers()?;
    let uname = nix::sys::utsname::uname().ok();
    let kernel = uname
        .as_ref()
        .map(|u| u.release().to_string_lossy().into_owned())
        .unwrap_or_default();
    let info = json!({
        "ID": "",
        "Containers": 0,
        "ContainersRunning": 0,
        "ContainersPaused": 0,
        "ContainersStopped": 0,
        "Images": images.len(),
        "Layers": layers.len(),
        "Driver": "overlay",
        "DriverStatus": [["Backing Filesystem", "overlayfs"], ["Native Overlay Diff", "true"]],
        "CgroupVersion": cgroup_version(),
        "CgroupDriver": "cgroupfs",
        "KernelVersion": kernel,
        "OperatingSystem": os_name(),
        "OSType": "linux",
        "Architecture": std::env::consts::ARCH,
        "NCPU": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "DockerRootDir": settings.store.root.display().to_string(),
        "RunRoot": settings.store.runroot.display().to_string(),
        "Rootless": settings.store.rootless,
        "ServerVersion": env!("CARGO_PKG_VERSION"),
        "Name": uname.as_ref().map(|u| u.nodename().to_string_lossy().into_owned()).unwrap_or_default(),
        "InsecureRegistries": settings.insecure_registries,
        "RegistryMirrors": settings.registry_mirrors.iter()
            .map(|(r, ms)| (r.clone(), ms.iter().map(|m| m.to_string()).collect::<Vec<_>>()))
            .collect::<std::collections::BTreeMap<_, _>>(),
        "DefaultNetwork": default_network(settings),
        "DefaultUlimits": settings.default_ulimits,
        "ConfigFiles": settings.config_files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "FirewallBackend": firewall_backend(settings),
    });
    match args.format.as_deref() {
        Some(f) => render::print_inspect(Some(f), &[info])?,
        None => {
            println!("Client: berth {}", env!("CARGO_PKG_VERSION"));
            println!();
            println!("Server: (none: berth is daemonless)");
            println!(" Images: {}", images.len());
            println!(" Layers: {}", layers.len());
            println!(" Storage Driver: overlay");
            println!(" Root Dir: {}", settings.store.root.display());
            println!(" Run Root: {}", settings.store.runroot.display());
            println!(" Rootless: {}", settings.store.rootless);
            println!(" Cgroup Driver: cgroupfs");
            println!(
                " Cgroup Version: {}",
                info["CgroupVersion"].as_str().unwrap_or("")
            );
            println!(" Kernel Version: {kernel}");
            println!(
                " Operating System: {}",
                info["OperatingSystem"].as_str().unwrap_or("")
            );
            println!(" Architecture: {}", std::env::consts::ARCH);
            println!(" CPUs: {}", info["NCPU"]);
            print_config(settings, &info);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What `run` joins without `--network`: the configured default, else
/// the built-in one (the bridge as root, user-mode networking rootless).
fn default_network(settings: &Settings) -> String {
    match &settings.default_network {
        Some(n) => n.clone(),
        None if settings.store.rootless => "slirp4netns".into(),
        None => "bridge".into(),
    }
}

/// Only root publishes ports through a firewall; finding the tool is cheap.
fn firewall_backend(settings: &Settings) -> &'static str {
    if settings.store.rootless {
        return "none (rootless)";
    }
    crate::net::firewall::detect().map_or("none", |f| f.name())
}

/// The berth.toml and environment settings in effect, as docker lists its
/// daemon configuration.
fn print_config(settings: &Settings, info: &serde_json::Value) {
    let files = if settings.config_files.is_empty() {
        "none".to_string()
    } else {
        let v: Vec<String> = settings
            .config_files
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        v.join(", ")
    };
    println!(" Config Files: {files}");
    println!(" Default Network: {}", default_network(settings));
    if !settings.default_ulimits.is_empty() {
        println!(" Default Ulimits:");
        for u in &settings.default_ulimits {
            println!("  {u}");
        }
    }
    println!(
        " Firewall Backend: {}",
        info["FirewallBackend"].as_str().unwrap_or("")
    );
    if !settings.insecure_registries.is_empty() {
        println!(" Insecure Registries:");
        for r in &settings.insecure_registries {
            println!("  {r}");
        }
    }
    if !settings.registry_mirrors.is_empty() {
        println!(" Registry Mirrors:");
        for (registry, mirrors) in &settings.registry_mirrors {
            for m in mirrors {
                println!("  {registry}: {m}");
            }
        }
    }
}

fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .unwrap_or_else(|| "Linux".into())
}

const DF_TABLE: &str = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
const DF_HEADERS: &[(&str, &str)] = &[
    ("Type", "TYPE"),
    ("TotalCount", "TOTAL"),
    ("Active", "ACTIVE"),
    ("Size", "SIZE"),
    ("Reclaimable", "RECLAIMABLE"),
];

pub fn df(settings: &Settings, args: &DfArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let images = store.list_images()?;
    let layers = store.list_layers()?;
    // Layers shared between images count once, as on disk.
    let total: u64 = layers.iter().map(|l| l.size).sum();
    let dangling: Vec<_> = images.iter().filter(|i| i.names.is_empty()).collect();
    let reclaim: u64 = dangling.iter().map(|i| i.size).sum::<u64>().min(total);
    let pct = (reclaim * 100).checked_div(total).unwrap_or(0);
    let items = vec![
        json!({"Type": "Images", "TotalCount": images.len().to_string(), "Active": "0",
               "Size": human_size(total), "Reclaimable": format!("{} ({pct}%)", human_size(reclaim))}),
        json!({"Type": "Containers", "TotalCount": "0", "Active": "0", "Size": "0B", "Reclaimable": "0B"}),
        json!({"Type": "Local Volumes", "TotalCount": "0", "Active": "0", "Size": "0B", "Reclaimable": "0B"}),
        json!({"Type": "Build Cache", "TotalCount": "0", "Active": "0", "Size": "0B", "Reclaimable": "0B"}),
    ];
    if args.verbose && args.format.is_none() {
        println!("Images space usage:\n");
        let rows: Vec<serde_json::Value> = images
            .iter()
            .map(|i| {
                json!({
                    "Repository": i.names.first().map(|n| super::image::familiar(n)).unwrap_or_else(|| "<none>".into()),
                    "ID": i.id.short(),
                    "Size": human_size(i.size),
                    "Layers": i.layers.len().to_string(),
                })
            })
            .collect();
        render::print_list(
            None,
            "table {{.Repository}}\t{{.ID}}\t{{.Size}}\t{{.Layers}}",
            &rows,
            &[
                ("Repository", "REPOSITORY"),
                ("ID", "IMAGE ID"),
                ("Size", "SIZE"),
                ("Layers", "LAYERS"),
            ],
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    render::print_list(args.format.as_deref(), DF_TABLE, &items, DF_HEADERS)?;
    Ok(ExitCode::SUCCESS)
}

pub fn check(settings: &Settings, args: &CheckArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let mut report = store.check(args.repair, !args.quick)?;
    match crate::net::check::check(store.root(), args.repair) {
        Ok(net) if args.repair => {
            report.cleaned.extend(net.released);
            report.repaired.extend(net.leftovers)
        }
        Ok(net) => {
            report.cleaned.extend(net.released);
            report.problems.extend(net.leftovers)
        }
        Err(e) => report.problems.push(format!("networks: {e}")),
    }
    for r in &report.repaired {
        if args.repair {
            println!("repaired: {r}");
        } else {
            println!("problem: {r}");
        }
    }
    for p in &report.problems {
        println!("problem: {p}");
    }
    for c in &report.cleaned {
        println!("cleaned: {c}");
    }
    if !args.repair && !report.is_clean() {
        return Err(CliError::msg(format!(
            "the store has {} problem(s); run `berth system check --repair` to repair them",
            report.problems.len() + report.repaired.len()
        )));
    }
    if args.repair && !report.problems.is_empty() {
        return Err(CliError::msg("some problems could not be repaired"));
    }
    if report.is_clean() {
        println!("The store is consistent.");
    }
    Ok(ExitCode::SUCCESS)
}

/// docker's `system prune`: stopped containers, unused networks, dangling
/// (with -a: unused) images and the build cache; anonymous volumes with
/// `--volumes`. Each part prints what it removed.
pub fn prune(settings: &Settings, args: &SystemPruneArgs) -> CliResult {
    let what = if args.volumes {
        "  - all stopped containers\n  - all networks not used by at least one container\n  - all anonymous volumes not used by at least one container\n"
    } else {
        "  - all stopped containers\n  - all networks not used by at least one container\n"
    };
    let images = if args.all {
        "  - all images without at least one container associated to them\n"
    } else {
        "  - all dangling images\n"
    };
    if !args.force
        && !crate::cli::output::confirm(&format!(
            "WARNING! This will remove:\n{what}{images}  - all build cache\n\nAre you sure you want to continue? [y/N] "
        ))?
    {
        return Ok(ExitCode::SUCCESS);
    }
    crate::cli::container::prune(
        settings,
        &crate::cli::container::ContainerPruneArgs {
            force: true,
            filters: args.filters.clone(),
        },
    )?;
    crate::cli::network::dispatch(
        settings,
        &crate::cli::network::NetworkCommand::Prune(crate::cli::network::NetworkPruneArgs {
            filters: args.filters.clone(),
            force: true,
        }),
    )?;
    if args.volumes {
        crate::cli::volume::dispatch(
            settings,
            &crate::cli::volume::VolumeCommand::Prune(crate::cli::volume::VolumePruneArgs {
                all: false,
                force: true,
                filters: args.filters.clone(),
            }),
        )?;
    }
    // The build cache first: its step images are then unnamed and unused.
    crate::cli::build::builder(
        settings,
        &crate::cli::build::BuilderCommand::Prune(crate::cli::build::BuilderPruneArgs {
            all: true,
            force: true,
        }),
    )?;
    crate::cli::image::prune(
        settings,
        &crate::cli::image::PruneArgs {
            all: args.all,
            force: true,
            filters: args.filters.clone(),
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// podman's `system reset`: containers (killed), networks (with their
/// bridges and rules), then everything under the root and runroot.
pub fn reset(settings: &Settings, args: &ResetArgs) -> CliResult {
    if !args.force
        && !crate::cli::output::confirm(
            "WARNING! This will remove all containers, images, volumes and networks of this store.\nAre you sure you want to continue? [y/N] ",
        )?
    {
        return Ok(ExitCode::SUCCESS);
    }
    let store = Store::open(&settings.store)?;
    let ids: Vec<String> = store.list_containers()?.into_iter().map(|e| e.id).collect();
    if !ids.is_empty() {
        crate::cli::container::rm(
            settings,
            &crate::cli::container::RmArgs {
                force: true,
                link: false,
                volumes: true,
                ignore: false,
                time: None,
                cidfiles: Vec::new(),
                containers: ids,
            },
        )?;
    }
    let nets = crate::net::store::NetStore::new(store.root());
    if let Err(e) = crate::net::attach::release_all(store.root()) {
        eprintln!("Error: network leases: {e}");
    }
    for rec in nets.list().unwrap_or_default() {
        if let Err(e) = crate::net::host::remove_host_side(&rec) {
            eprintln!("Error: network {}: {e}", rec.name);
        }
    }
    let paths = store.paths().clone();
    drop(store);
    for dir in [&paths.root, &paths.runroot] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let p = e.path();
                let res = if p.is_dir() && !p.is_symlink() {
                    std::fs::remove_dir_all(&p)
                } else {
                    std::fs::remove_file(&p)
                };
                if let Err(err) = res {
                    return Err(CliError::msg(format!("remove {}: {err}", p.display())));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn dispatch(settings: &Settings, cmd: &SystemCommand) -> CliResult {
    match cmd {
        SystemCommand::Df(a) => df(settings, a),
        SystemCommand::Check(a) => check(settings, a),
        SystemCommand::Info(a) => info(settings, a),
        SystemCommand::Reset(a) => reset(settings, a),
        SystemCommand::Prune(a) => prune(settings, a),
        SystemCommand::Events(a) => super::events::events(settings, a),
    }
}

//! Image commands: pull, push, images, tag, rmi, inspect, history, save,
//! load, import, prune, and `manifest inspect`.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::error::{CliError, CliResult};
use super::image_list;
use super::progress::TerminalProgress;
use crate::events::{self, Event};
use crate::registry::pull as registry_pull;
use crate::registry::reference::ImageRef;
use crate::registry::{client::RegistryOptions, platform::Platform, push as registry_push, remote};
use crate::runtime::hostmount;
use crate::settings::Settings;
use crate::store::archive::{self, ArchiveFormat};
use crate::store::images::{ImageQuery, RemoveAction};
use crate::store::import::{self, ImportChanges};
use crate::store::{ImageRecord, Store};

#[derive(Debug, Subcommand)]
pub enum ImageCommand {
    /// List images
    #[command(visible_aliases = ["list"], name = "ls")]
    Ls(ImagesArgs),
    /// Download an image from a registry
    Pull(PullArgs),
    /// Upload an image to a registry
    Push(PushArgs),
    /// Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
    Tag(TagArgs),
    /// Remove one or more images
    #[command(visible_aliases = ["remove"])]
    Rm(RmiArgs),
    /// Display detailed information on one or more images
    Inspect(ImageInspectArgs),
    /// Show the history of an image
    History(HistoryArgs),
    /// Save one or more images to a tar archive
    Save(SaveArgs),
    /// Load an image from a tar archive or STDIN
    Load(LoadArgs),
    /// Import the contents from a tarball to create a filesystem image
    Import(ImportArgs),
    /// Remove unused images
    Prune(PruneArgs),
    /// Mount an image's layers read-only on the host and print the path
    Mount(ImageMountArgs),
    /// Unmount an image mounted with `image mount`
    #[command(visible_alias = "umount")]
    Unmount(ImageMountArgs),
}

#[derive(Debug, Args)]
pub struct ImageMountArgs {
    #[arg(required = true, value_name = "IMAGE")]
    pub images: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ManifestCommand {
    /// Display an image manifest, or manifest list
    Inspect(ManifestInspectArgs),
}

#[derive(Debug, Args, Clone)]
pub struct RegistryFlags {
    /// Require HTTPS and verify certificates (default: true, except for localhost)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub tls_verify: Option<bool>,
    /// Set platform if the registry is multi-platform capable (os[/arch[/variant]])
    #[arg(long)]
    pub platform: Option<String>,
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// Suppress verbose output
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub registry: RegistryFlags,
    /// NAME[:TAG|@DIGEST]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// Suppress verbose output
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub registry: RegistryFlags,
    /// NAME[:TAG]
    pub name: String,
    /// Push to this reference instead of NAME (podman's form)
    pub destination: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// Show all images (default hides intermediate images)
    #[arg(short, long)]
    pub all: bool,
    /// Show digests
    #[arg(long)]
    pub digests: bool,
    /// Filter output based on conditions provided
    #[arg(short, long = "filter", value_name = "filter")]
    pub filters: Vec<String>,
    /// Format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')
    #[arg(long)]
    pub format: Option<String>,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// REPOSITORY[:TAG]
    pub reference: Option<String>,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    pub source: String,
    pub target: String,
}

#[derive(Debug, Args)]
pub struct RmiArgs {
    /// Force removal of the image
    #[arg(short, long)]
    pub force: bool,
    /// Do not delete untagged parents
    #[arg(long)]
    pub no_prune: bool,
    #[arg(required = true, value_name = "IMAGE")]
    pub images: Vec<String>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Format output using a custom template
    #[arg(short, long)]
    pub format: Option<String>,
    /// Display total file sizes if the type is container
    #[arg(short, long)]
    pub size: bool,
    /// Only inspect objects of the given type
    #[arg(long = "type")]
    pub kind: Option<String>,
    #[arg(required = true, value_name = "NAME|ID")]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ImageInspectArgs {
    /// Format output using a custom template
    #[arg(short, long)]
    pub format: Option<String>,
    /// Inspect the image in its registry without pulling it
    #[arg(long)]
    pub remote: bool,
    #[command(flatten)]
    pub registry: RegistryFlags,
    #[arg(required = true, value_name = "IMAGE")]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Format output using a custom template
    #[arg(long)]
    pub format: Option<String>,
    /// Print sizes and dates in human readable format
    #[arg(short = 'H', long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub human: bool,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,
    pub image: String,
}

#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Write to a file, instead of STDOUT
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Archive format: docker-archive (default) or oci-archive
    #[arg(long, default_value = "docker-archive")]
    pub format: String,
    #[arg(required = true, value_name = "IMAGE")]
    pub images: Vec<String>,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Read from tar archive file, instead of STDIN
    #[arg(short, long)]
    pub input: Option<PathBuf>,
    /// Suppress the load output
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Apply Dockerfile instruction to the created image
    #[arg(short, long = "change")]
    pub changes: Vec<String>,
    /// Set commit message for imported image
    #[arg(short, long)]
    pub message: Option<String>,
    /// Set platform (accepted for compatibility; the host's is recorded)
    #[arg(long)]
    pub platform: Option<String>,
    /// file|-  (a tar archive, possibly compressed, a directory, or - for STDIN)
    pub source: String,
    /// REPOSITORY[:TAG]
    pub reference: Option<String>,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Remove all unused images, not just dangling ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
    /// Provide filter values (accepted: until=, label=)
    #[arg(long = "filter")]
    pub filters: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ManifestInspectArgs {
    /// Allow communication with an insecure registry
    #[arg(long)]
    pub insecure: bool,
    /// Output additional info including layers and platform
    #[arg(short, long)]
    pub verbose: bool,
    /// [MANIFEST_LIST] MANIFEST
    #[arg(required = true, num_args = 1..=2)]
    pub names: Vec<String>,
}

/// Parses a user's image reference, with docker's message on failure.
pub fn parse_ref(s: &str) -> CliResult<ImageRef> {
    ImageRef::parse(s).map_err(CliError::from)
}

/// The query for an image named by the user: id, id prefix, or reference.
pub fn query_name(s: &str) -> Option<String> {
    ImageRef::parse(s).ok().map(|r| r.to_string())
}

pub fn find_image(store: &Store, s: &str) -> CliResult<ImageRecord> {
    let name = query_name(s);
    store
        .find_image(&ImageQuery::new(s, name.as_deref()))
        .map_err(|e| match e {
            crate::store::StoreError::ImageNotFound(_) => {
                CliError::msg(format!("No such image: {s}"))
            }
            other => other.into(),
        })
}

pub(super) fn registry_options(
    settings: &Settings,
    flags: &RegistryFlags,
) -> CliResult<RegistryOptions> {
    let platform = match &flags.platform {
        Some(p) => Some(Platform::parse(p).map_err(CliError::from)?),
        None => None,
    };
    Ok(RegistryOptions {
        tls_verify: flags.tls_verify.unwrap_or(true),
        platform,
        ..settings.registry_options()
    })
}

pub(super) fn runtime() -> CliResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CliError::from)
}

pub fn pull(settings: &Settings, args: &PullArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let reference = parse_ref(&args.name)?;
    let opts = registry_options(settings, &args.registry)?;
    let progress = TerminalProgress::new(args.quiet);
    let rt = runtime()?;
    let report = rt
        .block_on(registry_pull::pull(&store, &reference, &opts, &progress))
        .map_err(CliError::from)?;
    progress.finish();
    if !args.quiet {
        progress.say(&format!("Digest: {}", report.digest));
        progress.say(&report.status_line());
    }
    println!("{reference}");
    Ok(ExitCode::SUCCESS)
}

pub fn push(settings: &Settings, args: &PushArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let image = find_image(&store, &args.name)?;
    let target = parse_ref(args.destination.as_deref().unwrap_or(&args.name))?;
    let opts = registry_options(settings, &args.registry)?;
    let progress = TerminalProgress::new(args.quiet);
    let rt = runtime()?;
    let report = rt
        .block_on(registry_push::push(
            &store, &image, &target, &opts, &progress,
        ))
        .map_err(CliError::from)?;
    progress.finish();
    if args.quiet {
        println!("{target}");
    } else {
        println!("{}", report.summary_line());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn tag(settings: &Settings, args: &TagArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let target = parse_ref(&args.target)?;
    if target.digest().is_some() {
        return Err(CliError::msg(format!(
            "refusing to create a tag with a digest reference: {}",
            args.target
        )));
    }
    let name = query_name(&args.source);
    store
        .tag_image(
            &ImageQuery::new(&args.source, name.as_deref()),
            &target.to_string(),
        )
        .map_err(|e| match e {
            crate::store::StoreError::ImageNotFound(_) => {
                CliError::msg(format!("No such image: {}", args.source))
            }
            other => other.into(),
        })?;
    Ok(ExitCode::SUCCESS)
}

pub fn rmi(settings: &Settings, args: &RmiArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let mut failed = false;
    for name in &args.images {
        if let Err(e) = release_mount(&store, name, args.force) {
            eprintln!("Error: {}", super::error::render(&e.error));
            failed = true;
            continue;
        }
        let full = query_name(name);
        match store.remove_image_checked(&ImageQuery::new(name, full.as_deref()), args.force) {
            Ok(actions) => {
                for a in actions {
                    match a {
                        RemoveAction::Untagged(n) => println!("Untagged: {}", familiar(&n)),
                        RemoveAction::Deleted(id) => println!("Deleted: {id}"),
                    }
                }
            }
            Err(crate::store::StoreError::ImageNotFound(_)) => {
                eprintln!("Error: No such image: {name}");
                failed = true;
            }
            Err(e) => {
                eprintln!("Error: {}", super::error::render(&e.into()));
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `image rm` must not delete layers under a live `image mount`: without
/// `--force` it refuses, with it it unmounts first.
fn release_mount(store: &Store, name: &str, force: bool) -> CliResult<()> {
    let Ok(image) = find_image(store, name) else {
        // Not found: the removal reports it in docker's words.
        return Ok(());
    };
    if !hostmount::image_is_mounted(store, &image) {
        return Ok(());
    }
    if !force {
        return Err(CliError::msg(format!(
            "image {name} is mounted at {}; unmount it with berth image unmount {name}, or remove it with --force",
            hostmount::image_mountpoint(store, &image).display()
        )));
    }
    hostmount::unmount_image(store, &image)?;
    Ok(())
}

/// `image mount`: prints each mount point.
pub fn image_mount(settings: &Settings, args: &ImageMountArgs) -> CliResult {
    each_image(settings, &args.images, |store, image, _| {
        hostmount::check_visible_mount(store, "berth image mount")?;
        Ok(hostmount::mount_image(store, image)?.display().to_string())
    })
}

/// `image unmount`: prints each image as named.
pub fn image_unmount(settings: &Settings, args: &ImageMountArgs) -> CliResult {
    each_image(settings, &args.images, |store, image, name| {
        hostmount::unmount_image(store, image)?;
        Ok(name.to_string())
    })
}

fn each_image(
    settings: &Settings,
    names: &[String],
    f: impl Fn(&Store, &ImageRecord, &str) -> CliResult<String>,
) -> CliResult {
    let store = Store::open(&settings.store)?;
    let mut failed = false;
    for name in names {
        match find_image(&store, name).and_then(|img| f(&store, &img, name)) {
            Ok(line) => println!("{line}"),
            Err(e) => {
                eprintln!("Error: {}", super::error::render(&e.error));
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// docker prints names in their familiar form ("busybox:latest").
pub fn familiar(full: &str) -> String {
    ImageRef::parse(full)
        .map(|r| r.familiar())
        .unwrap_or_else(|_| full.to_string())
}

pub fn save(settings: &Settings, args: &SaveArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let format = match args.format.as_str() {
        "docker-archive" | "docker" => ArchiveFormat::DockerArchive,
        "oci-archive" | "oci" => ArchiveFormat::OciArchive,
        other => {
            return Err(CliError::msg(format!(
                "unknown archive format {other:?}; use docker-archive or oci-archive"
            )))
        }
    };
    let mut selected = Vec::new();
    for name in &args.images {
        let img = find_image(&store, name)?;
        let names = match ImageRef::parse(name) {
            Ok(r) if img.names.contains(&r.to_string()) => vec![r.to_string()],
            _ if !name.contains(':') && ImageRef::parse(name).is_ok() => {
                // `save busybox` saves every tag of that repository, as docker does.
                let repo = ImageRef::parse(name).map(|r| r.name()).unwrap_or_default();
                img.names
                    .iter()
                    .filter(|n| n.rsplit_once(':').is_some_and(|(r, _)| r == repo))
                    .cloned()
                    .collect()
            }
            _ => vec![],
        };
        selected.push((img, names));
    }
    match &args.output {
        Some(path) => {
            let tmp = path.with_extension("berth-partial");
            let result = (|| -> CliResult<()> {
                let file = std::fs::File::create(&tmp)?;
                let mut w = std::io::BufWriter::new(file);
                archive::save(&store, &selected, format, &mut w)?;
                w.flush()?;
                std::fs::rename(&tmp, path)?;
                Ok(())
            })();
            if result.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            result?;
        }
        None => {
            let stdout = std::io::stdout();
            if stdout.is_terminal() {
                return Err(CliError::msg(
                    "cowardly refusing to save to a terminal. Use the -o flag or redirect",
                ));
            }
            let mut w = std::io::BufWriter::new(stdout.lock());
            archive::save(&store, &selected, format, &mut w)?;
            w.flush()?;
        }
    }
    for (img, _) in &selected {
        let id = img.id.to_string();
        events::record(store.root(), Event::image("save", &id, &id));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn load(settings: &Settings, args: &LoadArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let input: Box<dyn Read> = match &args.input {
        Some(p) => Box::new(
            std::fs::File::open(p)
                .map_err(|e| CliError::msg(format!("open {}: {e}", p.display())))?,
        ),
        None => {
            if std::io::stdin().is_terminal() {
                return Err(CliError::msg(
                    "requested load from stdin, but stdin is empty; pipe an archive in or use -i FILE",
                ));
            }
            Box::new(std::io::stdin().lock())
        }
    };
    // The archive reports each image as it loads; the summary below says it once.
    let mut progress = |_: &str| {};
    let loaded = archive::load(&store, std::io::BufReader::new(input), &mut progress)?;
    for img in loaded {
        let id = img.id.to_string();
        events::record(store.root(), Event::image("load", &id, &id));
        for n in &img.names {
            events::record(store.root(), Event::image("tag", &id, &events::familiar(n)));
        }
        if img.names.is_empty() {
            println!("Loaded image ID: {}", img.id);
        }
        for n in img.names {
            println!("Loaded image: {}", familiar(&n));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn import(settings: &Settings, args: &ImportArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let changes = ImportChanges::parse(&args.changes)?;
    let name = match &args.reference {
        Some(r) => Some(parse_ref(r)?.to_string()),
        None => None,
    };
    let source_path = PathBuf::from(&args.source);
    let record = if args.source == "-" {
        import::import(
            &store,
            std::io::stdin(),
            &changes,
            name,
            args.message.clone(),
        )?
    } else if source_path.is_dir() {
        import::import_dir(&store, &source_path, &changes, name, args.message.clone())?
    } else {
        let file = std::fs::File::open(&source_path)
            .map_err(|e| CliError::msg(format!("open {}: {e}", source_path.display())))?;
        import::import(&store, file, &changes, name, args.message.clone())?
    };
    let id = record.id.to_string();
    events::record(store.root(), Event::image("import", &id, &id));
    for n in &record.names {
        events::record(store.root(), Event::image("tag", &id, &events::familiar(n)));
    }
    println!("{}", record.id);
    Ok(ExitCode::SUCCESS)
}

pub fn prune(settings: &Settings, args: &PruneArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    if !args.force {
        let what = if args.all {
            "all images without at least one container associated to them"
        } else {
            "all dangling images"
        };
        let prompt =
            format!("WARNING! This will remove {what}.\nAre you sure you want to continue? [y/N] ");
        if !crate::cli::output::confirm(&prompt)? {
            return Ok(ExitCode::SUCCESS);
        }
    }
    // Images mounted with `image mount` stay, as docker keeps images in use.
    let mounted: Vec<crate::store::Digest> = store
        .list_images()?
        .into_iter()
        .filter(|i| crate::runtime::hostmount::image_is_mounted(&store, i))
        .map(|i| i.id)
        .collect();
    let actions = store.prune_images_keeping(args.all, &mounted)?;
    let mut deleted = 0u64;
    if !actions.is_empty() {
        println!("Deleted Images:");
    }
    for a in &actions {
        match a {
            RemoveAction::Untagged(n) => println!("untagged: {}", familiar(n)),
            RemoveAction::Deleted(id) => {
                deleted += 1;
                println!("deleted: {id}")
            }
        }
    }
    if !actions.is_empty() {
        println!();
    }
    let _ = deleted;
    println!("Total reclaimed space: 0B");
    Ok(ExitCode::SUCCESS)
}

pub fn manifest_inspect(settings: &Settings, args: &ManifestInspectArgs) -> CliResult {
    let name = args.names.last().map(String::as_str).unwrap_or_default();
    let reference = parse_ref(name)?;
    let flags = RegistryFlags {
        tls_verify: if args.insecure { Some(false) } else { None },
        platform: None,
    };
    let opts = registry_options(settings, &flags)?;
    let rt = runtime()?;
    let remote = rt
        .block_on(remote::inspect_remote(&reference, &opts))
        .map_err(CliError::from)?;
    let value: serde_json::Value = serde_json::from_slice(&remote.manifest_raw)?;
    // docker indents manifests by three spaces and keeps the registry's key order.
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"   ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(&value, &mut ser)?;
    println!("{}", String::from_utf8_lossy(&buf));
    Ok(ExitCode::SUCCESS)
}

pub fn dispatch(settings: &Settings, cmd: &ImageCommand) -> CliResult {
    match cmd {
        ImageCommand::Ls(a) => image_list::images(settings, a),
        ImageCommand::Pull(a) => pull(settings, a),
        ImageCommand::Push(a) => push(settings, a),
        ImageCommand::Tag(a) => tag(settings, a),
        ImageCommand::Rm(a) => rmi(settings, a),
        ImageCommand::Inspect(a) => image_list::image_inspect(settings, a),
        ImageCommand::History(a) => image_list::history(settings, a),
        ImageCommand::Save(a) => save(settings, a),
        ImageCommand::Load(a) => load(settings, a),
        ImageCommand::Import(a) => import(settings, a),
        ImageCommand::Prune(a) => prune(settings, a),
        ImageCommand::Mount(a) => image_mount(settings, a),
        ImageCommand::Unmount(a) => image_unmount(settings, a),
    }
}

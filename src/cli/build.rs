//! `berth build`: flags → a build context and options → the executor.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use crate::build::context::BuildContext;
use crate::build::executor::{self, BuildHost, BuildOptions};
use crate::cli::error::{CliError, CliResult};
use crate::cli::image::{find_image, parse_ref, runtime};
use crate::cli::progress::TerminalProgress;
use crate::settings::Settings;
use crate::store::{ImageRecord, Store};

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Name and optionally a tag in the "name:tag" format
    #[arg(short = 't', long = "tag", value_name = "list")]
    pub tags: Vec<String>,
    /// Name of the Dockerfile (default: "PATH/Dockerfile"); "-" reads it from stdin
    #[arg(short = 'f', long = "file", value_name = "string")]
    pub file: Option<String>,
    /// Set build-time variables
    #[arg(long = "build-arg", value_name = "list")]
    pub build_args: Vec<String>,
    /// Set the target build stage to build
    #[arg(long)]
    pub target: Option<String>,
    /// Do not use cache when building the image
    #[arg(long = "no-cache")]
    pub no_cache: bool,
    /// Always attempt to pull a newer version of the image
    #[arg(long, num_args = 0..=1, default_missing_value = "always", value_name = "policy")]
    pub pull: Option<String>,
    /// Cache intermediate steps (default true)
    #[arg(long, num_args = 0..=1, default_missing_value = "true", default_value = "true", value_name = "bool")]
    pub layers: String,
    /// Squash newly built layers into a single new layer
    #[arg(long)]
    pub squash: bool,
    /// Set metadata for an image
    #[arg(long = "label", value_name = "list")]
    pub labels: Vec<String>,
    /// Set platform if server is multi-platform capable
    #[arg(long)]
    pub platform: Option<String>,
    /// Suppress the build output and print image ID on success
    #[arg(short, long)]
    pub quiet: bool,
    /// Write the image ID to the file
    #[arg(long, value_name = "string")]
    pub iidfile: Option<PathBuf>,
    /// Set type of progress output ("auto", "plain", "tty")
    #[arg(long, default_value = "auto")]
    pub progress: String,
    /// Secret to expose to the build (format: "id=mysecret[,src=/local/secret]")
    #[arg(long = "secret", value_name = "stringArray")]
    pub secrets: Vec<String>,
    /// Set the networking mode for the RUN instructions during build
    #[arg(long, value_name = "string")]
    pub network: Option<String>,
    /// Build context: a directory, or "-" for a tar (or a lone Dockerfile) on stdin
    #[arg(value_name = "PATH | -")]
    pub context: String,
}

fn err(e: impl std::fmt::Display) -> CliError {
    CliError::msg(e.to_string())
}

/// `--build-arg K=V`, or `K` alone to take it from the environment.
fn build_args(list: &[String]) -> BTreeMap<String, String> {
    list.iter()
        .filter_map(|a| match a.split_once('=') {
            Some((k, v)) => Some((k.to_string(), v.to_string())),
            None => std::env::var(a).ok().map(|v| (a.clone(), v)),
        })
        .collect()
}

fn secrets(list: &[String]) -> CliResult<BTreeMap<String, PathBuf>> {
    let mut out = BTreeMap::new();
    for s in list {
        let (mut id, mut src) = (None, None);
        for part in s.split(',') {
            match part.split_once('=') {
                Some(("id", v)) => id = Some(v.to_string()),
                Some(("src" | "source", v)) => src = Some(PathBuf::from(v)),
                Some(("type", "file")) => {}
                _ => return Err(err(format!("invalid secret {s:?}: use id=NAME,src=PATH"))),
            }
        }
        let id = id.ok_or_else(|| err(format!("invalid secret {s:?}: it needs an id")))?;
        let src = src.unwrap_or_else(|| PathBuf::from(&id));
        out.insert(id, src);
    }
    Ok(out)
}

/// The context and the Dockerfile text, from a directory or stdin.
fn context_and_dockerfile(args: &BuildArgs) -> CliResult<(BuildContext, String)> {
    let stdin_dockerfile = args.file.as_deref() == Some("-");
    if args.context == "-" {
        if stdin_dockerfile {
            return Err(err(
                "cannot read both the context and the Dockerfile from stdin",
            ));
        }
        let mut data = Vec::new();
        std::io::stdin().read_to_end(&mut data).map_err(err)?;
        // A tar (plain or compressed) is a context; anything else is a lone Dockerfile.
        let is_tar = data.len() > 262 && &data[257..262] == b"ustar"
            || data.starts_with(&[0x1f, 0x8b])
            || data.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
        if is_tar {
            let ctx = BuildContext::from_tar(std::io::Cursor::new(data)).map_err(err)?;
            let text = ctx
                .dockerfile(args.file.as_deref().map(Path::new))
                .map_err(err)?;
            return Ok((ctx, text));
        }
        let text = String::from_utf8(data)
            .map_err(|_| err("the Dockerfile on stdin is not UTF-8 text"))?;
        return Ok((BuildContext::empty().map_err(err)?, text));
    }
    let dir = Path::new(&args.context);
    if !dir.is_dir() {
        return Err(err(format!(
            "unable to prepare context: path {:?} not found",
            args.context
        )));
    }
    if stdin_dockerfile {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(err)?;
        return Ok((BuildContext::from_dir(dir, None).map_err(err)?, text));
    }
    let file = args.file.as_deref().map(Path::new);
    let ctx = BuildContext::from_dir(dir, file).map_err(err)?;
    let text = match file {
        // -f outside the context is read from where it is.
        Some(f) if f.is_absolute() || f.exists() => std::fs::read_to_string(f)
            .map_err(|e| err(format!("read Dockerfile {}: {e}", f.display())))?,
        _ => ctx.dockerfile(file).map_err(err)?,
    };
    Ok((ctx, text))
}

struct CliHost<'a> {
    settings: &'a Settings,
    store: &'a Store,
    pull: &'a str,
    quiet: bool,
    started: Instant,
}

impl BuildHost for CliHost<'_> {
    fn resolve_image(&self, name: &str) -> Result<ImageRecord, String> {
        if self.pull != "always" {
            if let Ok(img) = find_image(self.store, name) {
                return Ok(img);
            }
            if self.pull == "never" {
                return Err(format!(
                    "{name}: no such image, and --pull=never forbids pulling it"
                ));
            }
        }
        let reference = parse_ref(name).map_err(|e| e.error.to_string())?;
        let opts = self.settings.registry_options();
        let progress = TerminalProgress::to_stderr(self.quiet);
        let rt = runtime().map_err(|e| e.error.to_string())?;
        let report = rt
            .block_on(crate::registry::pull::pull(
                self.store, &reference, &opts, &progress,
            ))
            .map_err(|e| e.to_string())?;
        // No thread may outlive the pull: RUN clones this process.
        drop(rt);
        progress.finish();
        Ok(report.image)
    }

    fn step(&self, text: &str) {
        if !self.quiet {
            let secs = self.started.elapsed().as_secs_f64();
            if text.starts_with("STEP ") {
                println!("[{secs:6.2}s] {text}");
            } else {
                println!("{text}");
            }
        }
    }
}

pub fn build(settings: &Settings, args: &BuildArgs) -> CliResult {
    if let Some(p) = &args.platform {
        let host = format!("linux/{}", crate::store::archive::host_arch());
        if p != &host && p.trim_end_matches("/v8") != host {
            return Err(err(format!(
                "platform {p} is not supported: berth builds for the host platform ({host}) only"
            )));
        }
    }
    if !matches!(args.progress.as_str(), "auto" | "plain" | "tty") {
        return Err(err(format!(
            "invalid --progress {:?}: use auto, plain or tty",
            args.progress
        )));
    }
    let pull = match args.pull.as_deref() {
        None | Some("false") | Some("missing") => "missing",
        Some("true") | Some("always") => "always",
        Some("never") => "never",
        Some(other) => {
            return Err(err(format!(
                "invalid --pull {other:?}: use always, missing or never"
            )))
        }
    };
    let layers = !matches!(args.layers.as_str(), "false" | "0");
    let tags = args
        .tags
        .iter()
        .map(|t| parse_ref(t).map(|r| r.to_string()))
        .collect::<CliResult<Vec<_>>>()?;
    let labels = args
        .labels
        .iter()
        .map(|l| match l.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (l.clone(), String::new()),
        })
        .collect();
    let store = Store::open(&settings.store)?;
    let (context, dockerfile) = context_and_dockerfile(args)?;
    let opts = BuildOptions {
        dockerfile,
        context,
        tags,
        build_args: build_args(&args.build_args),
        target: args.target.clone(),
        no_cache: args.no_cache,
        layers,
        labels,
        network: args.network.clone(),
        secrets: secrets(&args.secrets)?,
        squash: args.squash,
    };
    let quiet = args.quiet;
    let host = CliHost {
        settings,
        store: &store,
        pull,
        quiet,
        started: Instant::now(),
    };
    let _ = std::io::stdout().is_terminal();
    let image = executor::build(&store, &opts, &host).map_err(err)?;
    let id = format!("sha256:{}", image.id.hex());
    if let Some(path) = &args.iidfile {
        std::fs::write(path, &id)
            .map_err(|e| err(format!("write --iidfile {}: {e}", path.display())))?;
    }
    if quiet {
        println!("{id}");
    } else {
        for t in &opts.tags {
            println!("Successfully tagged {t}");
        }
        println!("Successfully built {}", &image.id.hex()[..12]);
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Subcommand)]
pub enum BuilderCommand {
    /// Remove build cache
    Prune(BuilderPruneArgs),
}

#[derive(Debug, Args)]
pub struct BuilderPruneArgs {
    /// Remove all unused build cache, not just dangling ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
}

/// `builder prune`: forgets every cached step and deletes the step images
/// nothing else names or uses.
pub fn builder(settings: &Settings, cmd: &BuilderCommand) -> CliResult {
    let BuilderCommand::Prune(a) = cmd;
    let _ = a.all;
    if !a.force
        && !crate::cli::output::confirm(
            "WARNING! This will remove all dangling build cache.\nAre you sure you want to continue? [y/N] ",
        )?
    {
        return Ok(ExitCode::SUCCESS);
    }
    let store = Store::open(&settings.store)?;
    let cache = crate::build::cache::BuildCache::new(store.root());
    let ids = cache.clear().map_err(err)?;
    let mut deleted = Vec::new();
    // Newest first: a step image is the parent of the next one.
    for hex in ids.iter().rev() {
        let q = crate::store::images::ImageQuery::new(hex, None);
        let unnamed = store.find_image(&q).is_ok_and(|i| i.names.is_empty());
        if unnamed && store.remove_image_checked(&q, false).is_ok() {
            deleted.push(hex.clone());
        }
    }
    if !deleted.is_empty() {
        println!("Deleted build cache objects:");
        for d in &deleted {
            println!("{d}");
        }
        println!();
    }
    println!("Total reclaimed: {} step images", deleted.len());
    Ok(ExitCode::SUCCESS)
}

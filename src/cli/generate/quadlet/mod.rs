//! `berth generate quadlet`: a systemd generator reading podman's quadlet
//! files (`*.container`, `*.volume`, `*.network`) and writing the services
//! that run them with berth.
//!
//! systemd runs every program in its generator directories at boot and on
//! `daemon-reload`, with three output directories; the units go into the
//! first. Install berth as one with a symlink:
//!
//! ```text
//! ln -s /usr/local/bin/berth /usr/lib/systemd/system-generators/berth-generator
//! ln -s /usr/local/bin/berth /usr/lib/systemd/user-generators/berth-user-generator
//! ```
//!
//! Called as `berth-generator` berth runs `generate quadlet` on its
//! arguments; as `berth-user-generator`, `generate quadlet --user`.
//!
//! Files are read from `/etc/containers/systemd` and
//! `/usr/share/containers/systemd` (root), or with `--user` from
//! `$XDG_CONFIG_HOME/containers/systemd` (`~/.config/…`),
//! `/etc/containers/systemd/users/$UID` and `/etc/containers/systemd/users`;
//! `QUADLET_UNIT_DIRS` (colon-separated) replaces the list. The first
//! directory holding a file name wins. A file that cannot be read or
//! translated is reported on stderr and skipped; the others still generate.

pub mod translate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::error::GenerateError;
use super::systemd::berth_command;
use super::unitfile::UnitFile;
use crate::cli::error::CliResult;
use crate::settings::Settings;
use translate::{translate, Context, Generated, Kind, Siblings};

#[derive(Debug, Args)]
pub struct QuadletArgs {
    /// Generate user units (the user search path)
    #[arg(long)]
    pub user: bool,
    /// Print the units on stdout instead of writing them
    #[arg(long)]
    pub dryrun: bool,
    /// Report each file read and unit written on stderr
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// NORMAL_DIR [EARLY_DIR LATE_DIR]: where systemd wants generated units (the first is used)
    #[arg(value_name = "DIR", num_args = 0..=3)]
    pub dirs: Vec<PathBuf>,
}

/// The directories searched, in precedence order.
pub fn unit_dirs(user: bool) -> Vec<PathBuf> {
    if let Some(list) = std::env::var_os("QUADLET_UNIT_DIRS").filter(|v| !v.is_empty()) {
        return std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
    }
    if !user {
        return vec![
            PathBuf::from("/etc/containers/systemd"),
            PathBuf::from("/usr/share/containers/systemd"),
        ];
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.config_dir().to_path_buf()));
    let mut dirs: Vec<PathBuf> = config
        .into_iter()
        .map(|c| c.join("containers/systemd"))
        .collect();
    let uid = nix::unistd::getuid();
    dirs.push(PathBuf::from(format!(
        "/etc/containers/systemd/users/{uid}"
    )));
    dirs.push(PathBuf::from("/etc/containers/systemd/users"));
    dirs
}

/// The quadlet files in `dirs`, by file name; the first directory wins.
/// Unreadable files are reported and left out.
pub fn load(dirs: &[PathBuf], verbose: bool) -> (Siblings, usize) {
    let mut units = Siblings::new();
    let mut failed = 0;
    for dir in dirs {
        let Ok(read) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut names: Vec<String> = read
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| Kind::from_file_name(n).is_some())
            .collect();
        names.sort();
        for name in names {
            if units.contains_key(&name) {
                continue;
            }
            let path = dir.join(&name);
            if verbose {
                eprintln!("Loading source unit file {}", path.display());
            }
            let parsed = std::fs::read_to_string(&path)
                .map_err(|e| GenerateError::io("read", &path, e))
                .and_then(|text| UnitFile::parse(&path, &text));
            match parsed {
                Ok(u) => {
                    units.insert(name, u);
                }
                Err(e) => {
                    warn_skipped(&path, &e);
                    failed += 1;
                }
            }
        }
    }
    (units, failed)
}

fn warn_skipped(path: &Path, e: &GenerateError) {
    eprintln!("berth-generator: {e}; skipping {}", path.display());
}

/// Translates every file; failures are reported and skipped.
pub fn generate_all(units: &Siblings, ctx: &Context) -> (Vec<Generated>, usize) {
    let mut out = Vec::new();
    let mut failed = 0;
    for (name, unit) in units {
        match translate(unit, name, units, ctx) {
            Ok(g) => out.push(g),
            Err(e) => {
                warn_skipped(&unit.path, &e);
                failed += 1;
            }
        }
    }
    (out, failed)
}

/// Writes a unit and its `[Install]` links into `dir`.
fn write_unit(dir: &Path, g: &Generated, verbose: bool) -> Result<(), GenerateError> {
    let path = dir.join(&g.service);
    if verbose {
        eprintln!("Writing {}", path.display());
    }
    std::fs::write(&path, &g.text).map_err(|e| GenerateError::io("write", &path, e))?;
    for link in &g.links {
        let link_path = dir.join(link);
        let target = match link_path.parent() {
            Some(parent) if parent != dir => {
                std::fs::create_dir_all(parent)
                    .map_err(|e| GenerateError::io("create", parent, e))?;
                PathBuf::from("..").join(&g.service)
            }
            _ => PathBuf::from(&g.service),
        };
        match std::fs::remove_file(&link_path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(GenerateError::io("replace", &link_path, e)),
        }
        std::os::unix::fs::symlink(&target, &link_path)
            .map_err(|e| GenerateError::io("link", &link_path, e))?;
    }
    Ok(())
}

pub fn quadlet(settings: &Settings, args: &QuadletArgs) -> CliResult {
    let out_dir = match (args.dryrun, args.dirs.first()) {
        (true, _) => None,
        (false, Some(d)) => Some(d.clone()),
        (false, None) => return Err(GenerateError::NoOutputDir.into()),
    };
    let dirs = unit_dirs(args.user);
    if args.verbose {
        for d in &dirs {
            eprintln!("Searching {}", d.display());
        }
    }
    let (units, unreadable) = load(&dirs, args.verbose);
    let ctx = Context {
        berth: berth_command(settings),
        requires_mounts: vec![settings.store.root.clone(), settings.store.runroot.clone()],
    };
    let (generated, untranslatable) = generate_all(&units, &ctx);
    let mut write_failed = 0;
    match &out_dir {
        None => {
            for g in &generated {
                print!("---{}---\n{}\n", g.service, g.text);
            }
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| GenerateError::io("create", dir, e))?;
            for g in &generated {
                if let Err(e) = write_unit(dir, g, args.verbose) {
                    eprintln!("berth-generator: {e}");
                    write_failed += 1;
                }
            }
        }
    }
    let failed = unreadable + untranslatable + write_failed;
    if failed > 0 && generated.len() == write_failed {
        return Err(GenerateError::NothingGenerated.into());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests;

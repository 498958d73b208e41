//! cp, diff, commit, export: a container's files.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use super::args::{CommitArgs, CpArgs, DiffArgs, ExportArgs};
use super::lifecycle::{find, open};
use crate::cli::error::{CliError, CliResult};
use crate::cli::image::parse_ref;
use crate::cli::output::human_size;
use crate::runtime::fs::{self as cfs, CommitOptions, CopyOptions};
use crate::settings::Settings;

/// One side of `cp`: `CONTAINER:PATH` or a local path.
#[derive(Debug, PartialEq)]
enum CpSide<'a> {
    Container(&'a str, &'a str),
    Local(&'a str),
}

/// docker's `splitCpArg`: a path starting with `/` or `.` is local even if
/// it has a colon; otherwise `NAME:PATH` names a container.
fn split_cp_arg(arg: &str) -> CpSide<'_> {
    if arg.starts_with('/') || arg.starts_with('.') {
        return CpSide::Local(arg);
    }
    match arg.split_once(':') {
        Some((ctr, path)) if !ctr.is_empty() => CpSide::Container(ctr, path),
        _ => CpSide::Local(arg),
    }
}

pub fn cp(settings: &Settings, args: &CpArgs) -> CliResult {
    let opts = CopyOptions {
        archive: args.archive,
        follow_link: args.follow_link,
    };
    let src = split_cp_arg(&args.src);
    let dest = split_cp_arg(&args.dest);
    // docker reports the size copied, only to a person watching stderr.
    let report = |size: u64, to: &str| {
        if !args.quiet && std::io::stderr().is_terminal() {
            eprintln!("Successfully copied {} to {to}", human_size(size));
        }
    };
    let empty = |p: &str| {
        if p.is_empty() {
            Err(CliError::msg("filepath cannot be empty"))
        } else {
            Ok(())
        }
    };
    match (src, dest) {
        (CpSide::Container(ctr, path), CpSide::Local(to)) => {
            empty(path)?;
            empty(to)?;
            let store = open(settings)?;
            let entry = find(&store, ctr)?;
            if to == "-" {
                let stdout = std::io::stdout();
                let mut w = std::io::BufWriter::new(stdout.lock());
                cfs::copy_out_tar(&store, &entry, path, opts, &mut w)?;
                w.flush()?;
            } else {
                let size = cfs::copy_out(&store, &entry, path, Path::new(to), opts)?;
                report(size, to);
            }
        }
        (CpSide::Local(from), CpSide::Container(ctr, path)) => {
            empty(from)?;
            empty(path)?;
            let store = open(settings)?;
            let entry = find(&store, ctr)?;
            let size = if from == "-" {
                cfs::copy_in_tar(&store, &entry, std::io::stdin().lock(), path)?
            } else {
                cfs::copy_in(&store, &entry, Path::new(from), path, opts)?
            };
            report(size, &format!("{ctr}:{path}"));
        }
        (CpSide::Container(..), CpSide::Container(..)) => {
            return Err(CliError::msg(
                "copying between containers is not supported; copy to the host first",
            ))
        }
        (CpSide::Local(_), CpSide::Local(_)) => {
            return Err(CliError::msg(
                "must specify at least one container source (CONTAINER:PATH)",
            ))
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn diff(settings: &Settings, args: &DiffArgs) -> CliResult {
    let store = open(settings)?;
    let entry = find(&store, &args.container)?;
    let changes = cfs::changes(&store, &entry)?;
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    for c in changes {
        writeln!(w, "{c}")?;
    }
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn commit(settings: &Settings, args: &CommitArgs) -> CliResult {
    let name = match &args.reference {
        Some(r) => Some(parse_ref(r)?.to_string()),
        None => None,
    };
    let store = open(settings)?;
    let entry = find(&store, &args.container)?;
    let opts = CommitOptions {
        author: args.author.clone(),
        message: args.message.clone(),
        changes: args.changes.clone(),
        pause: args.pause,
        name,
    };
    let image = cfs::commit(&store, &entry, &opts)?;
    println!("{}", image.id);
    Ok(ExitCode::SUCCESS)
}

pub fn export(settings: &Settings, args: &ExportArgs) -> CliResult {
    let store = open(settings)?;
    let entry = find(&store, &args.container)?;
    match &args.output {
        Some(path) => {
            // Written beside the target and renamed: a failed export never
            // leaves a truncated tar under the requested name.
            let tmp = path.with_extension("berth-partial");
            let result = (|| -> CliResult<()> {
                let file = std::fs::File::create(&tmp)
                    .map_err(|e| CliError::msg(format!("create {}: {e}", tmp.display())))?;
                let mut w = std::io::BufWriter::new(file);
                cfs::export(&store, &entry, &mut w)?;
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
            cfs::export(&store, &entry, &mut w)?;
            w.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp_arguments_split_like_docker() {
        assert_eq!(split_cp_arg("web:/etc"), CpSide::Container("web", "/etc"));
        assert_eq!(split_cp_arg("web:rel"), CpSide::Container("web", "rel"));
        assert_eq!(split_cp_arg("/tmp/a:b"), CpSide::Local("/tmp/a:b"));
        assert_eq!(split_cp_arg("./a:b"), CpSide::Local("./a:b"));
        assert_eq!(split_cp_arg("-"), CpSide::Local("-"));
        assert_eq!(split_cp_arg("file"), CpSide::Local("file"));
        assert_eq!(split_cp_arg(":x"), CpSide::Local(":x"));
    }
}

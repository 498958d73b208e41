//! Man pages: `berth.1` and one `berth-<command>[-<subcommand>].1` per
//! visible command, rendered by clap_mangen from the same clap definition
//! as `--help`. The hidden `berth generate-man DIR` writes them; the files
//! under `man/` are its output, and a test keeps them equal.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory};

use super::error::{CliError, CliResult};

#[derive(Debug, Args)]
pub struct GenerateManArgs {
    /// Directory to write the man pages into (created if missing)
    pub dir: PathBuf,
}

/// Every page as (file name, roff), parents before their subcommands.
pub fn pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    // `help` is a command of the parser, not one to document.
    let mut cmd = super::Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    collect(&cmd, &mut out)?;
    Ok(out)
}

fn collect(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    out.push((man.get_filename(), roff));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, out)?;
    }
    Ok(())
}

pub fn generate_man(args: &GenerateManArgs) -> CliResult {
    let fail = |what: String, e: std::io::Error| CliError::msg(format!("{what}: {e}"));
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| fail(format!("create {}", args.dir.display()), e))?;
    for (name, roff) in pages().map_err(|e| fail("render the man pages".into(), e))? {
        let path = args.dir.join(&name);
        std::fs::write(&path, roff).map_err(|e| fail(format!("write {}", path.display()), e))?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn nested_commands_get_their_own_page_and_hidden_ones_none() {
        let pages = super::pages().expect("render");
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.first(), Some(&"berth.1"));
        assert!(names.contains(&"berth-run.1"));
        assert!(names.contains(&"berth-network-create.1"));
        assert!(!names.iter().any(|n| n.contains("container-monitor")));
        assert!(!names.iter().any(|n| n.contains("generate-man")));
        assert!(!names.iter().any(|n| n.contains("help")));
        let run = &pages[names.iter().position(|n| *n == "berth-run.1").expect("run")].1;
        let run = String::from_utf8_lossy(run);
        assert!(
            run.starts_with(".ie \\n(.g .ds Aq") || run.contains(".TH berth-run 1"),
            "{run}"
        );
    }
}

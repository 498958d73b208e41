//! `berth completion bash|zsh|fish`: clap_complete's static script for the
//! whole command tree, plus a small hand-written layer per shell that
//! completes container, image, network and volume names by asking berth
//! itself (`berth ps -a --format '{{.Names}}'` and the like). The checked-in
//! files under `completions/` are this output; a test keeps them equal.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use clap::{Args, CommandFactory, ValueEnum};

use super::error::CliResult;

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to print a completion script for
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    pub const ALL: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

    /// The file's name under `completions/`, as each shell looks it up.
    pub fn file_name(self) -> &'static str {
        match self {
            Shell::Bash => "berth.bash",
            Shell::Zsh => "_berth",
            Shell::Fish => "berth.fish",
        }
    }
}

/// The positional arguments that name live objects, per command path: one
/// letter per position (`c` container, `i` image, `n` network, `v` volume,
/// `x` container or image, `p` cp's `CONTAINER:PATH` or a host path); a
/// trailing `*` repeats the last letter. A test checks every path exists.
pub const NAMED_POSITIONS: &[(&str, &str)] = &[
    ("run", "i"),
    ("create", "i"),
    ("start", "c*"),
    ("stop", "c*"),
    ("restart", "c*"),
    ("kill", "c*"),
    ("rm", "c*"),
    ("logs", "c"),
    ("exec", "c"),
    ("attach", "c"),
    ("wait", "c*"),
    ("top", "c"),
    ("port", "c"),
    ("pause", "c*"),
    ("unpause", "c*"),
    ("rename", "c"),
    ("stats", "c*"),
    ("update", "c*"),
    ("diff", "c"),
    ("commit", "c"),
    ("export", "c"),
    ("cp", "pp"),
    ("inspect", "x*"),
    ("container run", "i"),
    ("container create", "i"),
    ("container start", "c*"),
    ("container stop", "c*"),
    ("container restart", "c*"),
    ("container kill", "c*"),
    ("container rm", "c*"),
    ("container logs", "c"),
    ("container exec", "c"),
    ("container attach", "c"),
    ("container wait", "c*"),
    ("container inspect", "c*"),
    ("container top", "c"),
    ("container port", "c"),
    ("container pause", "c*"),
    ("container unpause", "c*"),
    ("container rename", "c"),
    ("container stats", "c*"),
    ("container update", "c*"),
    ("container mount", "c*"),
    ("container unmount", "c*"),
    ("container diff", "c"),
    ("container commit", "c"),
    ("container export", "c"),
    ("container cp", "pp"),
    ("rmi", "i*"),
    ("tag", "ii"),
    ("push", "i"),
    ("history", "i"),
    ("save", "i*"),
    ("image rm", "i*"),
    ("image tag", "ii"),
    ("image push", "i"),
    ("image history", "i"),
    ("image save", "i*"),
    ("image inspect", "i*"),
    ("image mount", "i*"),
    ("image unmount", "i*"),
    ("network inspect", "n*"),
    ("network rm", "n*"),
    ("network connect", "nc"),
    ("network disconnect", "nc"),
    ("volume inspect", "v*"),
    ("volume rm", "v*"),
];

const LAYER_BASH: &str = include_str!("layer.bash");
const LAYER_ZSH: &str = include_str!("layer.zsh");
const LAYER_FISH: &str = include_str!("layer.fish");
/// Where clap's zsh script registers itself; the layer replaces this tail
/// so that `_berth` is the wrapper by the time it runs.
const ZSH_DISPATCH: &str = "if [ \"$funcstack[1]\" = \"_berth\" ]; then";

/// The complete script for `shell`, as `berth completion SHELL` prints it.
pub fn script(shell: Shell) -> String {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    let clap_shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(clap_shell, &mut cmd, "berth", &mut buf);
    let generated = String::from_utf8_lossy(&buf).into_owned();
    let table = Table::of(&cmd);
    match shell {
        Shell::Bash => generated + &LAYER_BASH.replace("@TABLES@", &table.sh()),
        Shell::Zsh => {
            let head = generated
                .find(ZSH_DISPATCH)
                .map_or(generated.as_str(), |at| &generated[..at]);
            head.to_string() + &LAYER_ZSH.replace("@TABLES@", &table.sh())
        }
        Shell::Fish => generated + &LAYER_FISH.replace("@TABLES@", &table.fish()),
    }
}

pub fn completion(args: &CompletionArgs) -> CliResult {
    let mut out = std::io::stdout().lock();
    out.write_all(script(args.shell).as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// What the shell layers need from the clap definition: how words map to
/// command paths (names and aliases), and per path which options take a
/// value (so their values are not counted as positional arguments).
struct Table {
    global_vopts: Vec<String>,
    /// `"/container"` or `"container/remove"` → `"container rm"`.
    children: BTreeMap<String, String>,
    /// path → (positions spec, value-taking options).
    specs: BTreeMap<String, (&'static str, Vec<String>)>,
}

fn value_options(cmd: &clap::Command) -> Vec<String> {
    let mut out = Vec::new();
    for arg in cmd.get_arguments() {
        // Globals are listed once, in `global_vopts`.
        if arg.is_positional() || arg.is_global_set() || !arg.get_action().takes_values() {
            continue;
        }
        for s in arg.get_short_and_visible_aliases().unwrap_or_default() {
            out.push(format!("-{s}"));
        }
        for l in arg.get_long_and_visible_aliases().unwrap_or_default() {
            out.push(format!("--{l}"));
        }
    }
    out
}

fn names_of(cmd: &clap::Command) -> Vec<String> {
    std::iter::once(cmd.get_name())
        .chain(cmd.get_all_aliases())
        .map(str::to_string)
        .collect()
}

impl Table {
    fn of(root: &clap::Command) -> Table {
        let mut children = BTreeMap::new();
        let mut specs = BTreeMap::new();
        for (path, spec) in NAMED_POSITIONS {
            let mut cmd = root;
            let mut parent = String::new();
            for part in path.split(' ') {
                let Some(sub) = cmd.find_subcommand(part) else {
                    break;
                };
                let canonical = if parent.is_empty() {
                    part.to_string()
                } else {
                    format!("{parent} {part}")
                };
                for name in names_of(sub) {
                    children.insert(format!("{parent}/{name}"), canonical.clone());
                }
                cmd = sub;
                parent = canonical;
            }
            if parent == *path {
                specs.insert(parent, (*spec, value_options(cmd)));
            }
        }
        let global_vopts = root.get_arguments().filter(|a| a.is_global_set()).fold(
            value_options(root),
            |mut v, a| {
                v.extend(a.get_long().map(|l| format!("--{l}")));
                v
            },
        );
        Table {
            global_vopts,
            children,
            specs,
        }
    }

    /// Case tables shared by the bash and zsh layers (both accept `(pattern)`).
    fn sh(&self) -> String {
        let mut s = format!(
            "_berth_global_vopts='{}'\n\n_berth_child() {{\n    case $1 in\n",
            self.global_vopts.join(" ")
        );
        for (canonical, keys) in invert(&self.children) {
            let keys: Vec<String> = keys.iter().map(|k| format!("'{k}'")).collect();
            s += &format!("        ({}) REPLY='{canonical}' ;;\n", keys.join("|"));
        }
        s += "        (*) return 1 ;;\n    esac\n}\n\n_berth_spec() {\n    case $1 in\n";
        for (path, (spec, vopts)) in &self.specs {
            s += &format!(
                "        ('{path}') spec='{spec}'; vopts=\" $_berth_global_vopts {} \" ;;\n",
                vopts.join(" ")
            );
        }
        s += "        (*) spec='' ;;\n    esac\n}\n";
        s
    }

    fn fish(&self) -> String {
        let mut s = format!(
            "set -g __berth_global_vopts {}\n\nfunction __berth_child\n    switch $argv[1]\n",
            self.global_vopts.join(" ")
        );
        for (canonical, keys) in invert(&self.children) {
            let keys: Vec<String> = keys.iter().map(|k| format!("'{k}'")).collect();
            s += &format!(
                "        case {}\n            echo '{canonical}'\n",
                keys.join(" ")
            );
        }
        s += "    end\nend\n\nfunction __berth_spec\n    switch $argv[1]\n";
        for (path, (spec, _)) in &self.specs {
            s += &format!("        case '{path}'\n            echo '{spec}'\n");
        }
        s += "    end\nend\n\nfunction __berth_vopts\n    switch $argv[1]\n";
        for (path, (_, vopts)) in &self.specs {
            if !vopts.is_empty() {
                s += &format!(
                    "        case '{path}'\n            string split ' ' -- '{}'\n",
                    vopts.join(" ")
                );
            }
        }
        s += "    end\nend\n";
        s
    }
}

/// Groups the words that lead to the same path, for one case arm each.
fn invert(children: &BTreeMap<String, String>) -> BTreeMap<&str, Vec<&str>> {
    let mut by_path: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (key, path) in children {
        by_path.entry(path.as_str()).or_default().push(key.as_str());
    }
    by_path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_position_is_a_real_command_path() {
        let cmd = crate::cli::Cli::command();
        let table = Table::of(&cmd);
        for (path, spec) in NAMED_POSITIONS {
            assert!(table.specs.contains_key(*path), "{path} is not a command");
            assert!(
                spec.trim_end_matches('*')
                    .chars()
                    .all(|c| "cinvxp".contains(c)),
                "{path}: bad spec {spec}"
            );
        }
        assert_eq!(
            table.children.get("container/remove").map(String::as_str),
            Some("container rm")
        );
        let stop = &table.specs["stop"].1;
        assert!(stop.contains(&"-t".to_string()) && stop.contains(&"--signal".to_string()));
        assert!(
            !stop.contains(&"--root".to_string()),
            "globals are listed once"
        );
        assert!(table.global_vopts.contains(&"--root".to_string()));
    }

    #[test]
    fn each_script_wraps_clap_s_function() {
        let bash = script(Shell::Bash);
        assert!(bash.contains("complete -F _berth"));
        assert!(bash.contains("eval \"_berth_clap "));
        let zsh = script(Shell::Zsh);
        // The layer replaced clap's dispatch, so it appears exactly once, after the wrapper.
        assert_eq!(zsh.matches(ZSH_DISPATCH).count(), 1);
        assert!(zsh.find("functions[_berth_clap]") < zsh.find(ZSH_DISPATCH));
        let fish = script(Shell::Fish);
        assert!(fish.contains("case 'network connect'"));
        assert!(fish.contains("complete -c berth -n '__berth_dynamic"));
    }
}

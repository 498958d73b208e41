//! Reading a recorded berth command line back: which words are flags,
//! which flags take a value, where the image starts. The answers come from
//! the clap definition itself, so a flag added to `run` is understood here
//! without a second list to keep in step.

use std::collections::HashMap;

use clap::CommandFactory;

use crate::cli::Cli;

/// The flags of one command: name → whether it takes a value.
pub struct FlagTable {
    long: HashMap<String, bool>,
    short: HashMap<char, bool>,
}

impl FlagTable {
    fn from_args<'a>(args: impl Iterator<Item = &'a clap::Arg>) -> FlagTable {
        let mut long = HashMap::new();
        let mut short = HashMap::new();
        for arg in args.filter(|a| !a.is_positional()) {
            let takes = arg.get_action().takes_values();
            for l in arg.get_long_and_visible_aliases().into_iter().flatten() {
                long.insert(l.to_string(), takes);
            }
            if let Some(aliases) = arg.get_all_aliases() {
                for l in aliases {
                    long.insert(l.to_string(), takes);
                }
            }
            for s in arg.get_short_and_visible_aliases().into_iter().flatten() {
                short.insert(s, takes);
            }
        }
        FlagTable { long, short }
    }

    /// berth's global flags (those valid before the subcommand).
    pub fn global() -> FlagTable {
        FlagTable::from_args(Cli::command().get_arguments())
    }

    /// `run`'s flags (a superset of `create`'s), global ones included.
    pub fn run() -> FlagTable {
        let cli = Cli::command();
        let globals = cli.get_arguments();
        let run = cli
            .get_subcommands()
            .find(|c| c.get_name() == "run")
            .map(|c| c.get_arguments().collect::<Vec<_>>())
            .unwrap_or_default();
        FlagTable::from_args(globals.chain(run))
    }

    /// How many words `word` (and perhaps its successor) spans as a flag:
    /// `None` when it is not a flag (the first positional).
    fn flag_len(&self, word: &str) -> Option<usize> {
        if let Some(long) = word.strip_prefix("--") {
            if long.is_empty() {
                return None;
            }
            return Some(match long.split_once('=') {
                Some(_) => 1,
                None if self.long.get(long).copied().unwrap_or(false) => 2,
                None => 1,
            });
        }
        let cluster = word.strip_prefix('-').filter(|c| !c.is_empty())?;
        // `-dit`: bools up to the first flag that takes a value, whose value
        // is the rest of the word or, when nothing is left, the next word.
        for (i, c) in cluster.char_indices() {
            if self.short.get(&c).copied().unwrap_or(false) {
                return Some(if i + c.len_utf8() == cluster.len() {
                    2
                } else {
                    1
                });
            }
        }
        Some(1)
    }

    fn is_bool_short(&self, c: char) -> bool {
        self.short.get(&c).is_some_and(|takes| !takes)
    }
}

/// Where the subcommand starts in `argv` (argv[0] excluded): past the
/// global flags and their values.
pub fn subcommand_start(argv: &[String]) -> usize {
    let table = FlagTable::global();
    let mut i = 0;
    while i < argv.len() {
        match table.flag_len(&argv[i]) {
            Some(n) => i += n,
            None => break,
        }
    }
    i.min(argv.len())
}

/// The command-line options of a `run`/`create` word list split from its
/// positionals: `(options, image_and_command)`.
pub fn split_run_args(args: &[String]) -> (Vec<String>, Vec<String>) {
    let table = FlagTable::run();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--" {
            return (args[..i].to_vec(), args[i + 1..].to_vec());
        }
        match table.flag_len(&args[i]) {
            Some(n) => i += n,
            None => break,
        }
    }
    let i = i.min(args.len());
    (args[..i].to_vec(), args[i..].to_vec())
}

/// Removes the named flags (long names without `--`, short letters) and
/// their values from a list of options. Short letters are taken out of
/// clusters (`-dit` without `d` is `-it`).
pub fn remove_flags(options: &[String], longs: &[&str], shorts: &[char]) -> Vec<String> {
    let table = FlagTable::run();
    let mut out = Vec::new();
    let mut i = 0;
    while i < options.len() {
        let word = &options[i];
        let span = table.flag_len(word).unwrap_or(1);
        let long_name = word
            .strip_prefix("--")
            .map(|l| l.split_once('=').map_or(l, |(n, _)| n));
        let drop = match long_name {
            Some(name) => longs.contains(&name),
            None => false,
        };
        if drop {
            i += span;
            continue;
        }
        if long_name.is_none() && word.len() > 1 {
            let cluster = &word[1..];
            // Only a run of bools can lose letters safely; a cluster that
            // ends in a valued flag keeps its form unless that flag goes.
            let (bools, rest) = match cluster
                .char_indices()
                .find(|(_, c)| !table.is_bool_short(*c))
            {
                Some((p, _)) => cluster.split_at(p),
                None => (cluster, ""),
            };
            let first_valued = rest.chars().next();
            if first_valued.is_some_and(|c| shorts.contains(&c)) {
                let kept: String = bools.chars().filter(|c| !shorts.contains(c)).collect();
                if !kept.is_empty() {
                    out.push(format!("-{kept}"));
                }
                i += span;
                continue;
            }
            let kept: String = bools.chars().filter(|c| !shorts.contains(c)).collect();
            let rebuilt = format!("{kept}{rest}");
            if !rebuilt.is_empty() {
                out.push(format!("-{rebuilt}"));
            }
            out.extend(
                options[i + 1..(i + span).min(options.len())]
                    .iter()
                    .cloned(),
            );
            i += span;
            continue;
        }
        out.extend(options[i..(i + span).min(options.len())].iter().cloned());
        i += span;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn subcommand_start_skips_global_flags_and_values() {
        assert_eq!(subcommand_start(&words("run busybox")), 0);
        assert_eq!(
            subcommand_start(&words("--root /r --runroot=/rr -D run -d busybox")),
            4
        );
        assert_eq!(subcommand_start(&words("-l debug container run x")), 2);
    }

    #[test]
    fn split_run_args_finds_the_image() {
        let (opts, rest) = split_run_args(&words(
            "-d -e A=1 -p 8080:80 --name=web -h host busybox sleep -d 1",
        ));
        assert_eq!(opts, words("-d -e A=1 -p 8080:80 --name=web -h host"));
        assert_eq!(rest, words("busybox sleep -d 1"));
        let (opts, rest) = split_run_args(&words("-dit -ePATH=/x busybox"));
        assert_eq!(opts, words("-dit -ePATH=/x"));
        assert_eq!(rest, words("busybox"));
    }

    #[test]
    fn remove_flags_takes_out_flags_and_their_values() {
        let opts =
            words("-d --rm --name web -e A=1 --cidfile=/x --replace -dit --restart always -de B=2");
        assert_eq!(
            remove_flags(
                &opts,
                &["detach", "rm", "name", "cidfile", "replace", "restart"],
                &['d']
            ),
            words("-e A=1 -it -e B=2")
        );
        assert_eq!(
            remove_flags(&words("-d"), &[], &['d']),
            Vec::<String>::new()
        );
    }
}

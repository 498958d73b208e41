//! One logical line to one instruction: keyword, flags and arguments checked
//! and shaped per instruction, with docker's messages for what is missing.

use std::time::Duration;

use super::flags::{self, FlagType, Flags};
use super::heredoc::parse_heredoc_word;
use super::words::{extract_flags, fields, json_array, quoted_words, split_command, Word};
use super::{
    ArgDecl, CopyArgs, Healthcheck, Instruction, Kind, Located, RunArgs, ShellOrExec, Stage,
};

/// A parsed line. `Instruction`'s second field is the offset of the
/// arguments when the line may name heredocs whose bodies follow it.
#[derive(Debug)]
pub(super) enum Parsed {
    From(Stage),
    Instruction(Instruction, Option<usize>),
}

/// What one instruction line holds, with offsets into the line.
struct Line<'a> {
    keyword: &'a str,
    keyword_offset: usize,
    args: &'a str,
    args_offset: usize,
    flags: Vec<Word>,
    escape: char,
}

impl Line<'_> {
    fn flags(&self, accepted: &[(&'static str, FlagType)]) -> Result<Flags, Located> {
        flags::parse(self.keyword, &self.flags, accepted)
    }

    fn no_flags(&self) -> Result<(), Located> {
        self.flags(&[]).map(|_| ())
    }

    /// An error about the line as a whole, at its keyword.
    fn error(&self, message: impl Into<String>) -> Located {
        Located::new(self.keyword_offset, message)
    }

    fn at_least_one(&self) -> Located {
        self.error(format!("{} requires at least one argument", self.keyword))
    }

    fn flag_offset(&self, name: &str) -> usize {
        let prefix = format!("--{name}");
        self.flags
            .iter()
            .find(|w| w.text.starts_with(&prefix))
            .map_or(self.keyword_offset, |w| w.offset)
    }

    /// Words of the arguments with offsets into the whole line.
    fn fields(&self) -> Vec<Word> {
        self.shift(fields(self.args))
    }

    fn shift(&self, words: Vec<Word>) -> Vec<Word> {
        words
            .into_iter()
            .map(|w| Word {
                offset: w.offset + self.args_offset,
                ..w
            })
            .collect()
    }

    fn json(&self) -> Result<Option<Vec<String>>, Located> {
        json_array(self.args).map_err(|m| Located::new(self.args_offset, m))
    }
}

/// Parses one logical line (`text`), escape character `escape`.
pub(super) fn parse_line(text: &str, escape: char) -> Result<Parsed, Located> {
    let (keyword, keyword_offset, rest_offset) = split_command(text);
    let (mut flag_words, args_start) = extract_flags(&text[rest_offset..], escape);
    for word in &mut flag_words {
        word.offset += rest_offset;
    }
    let after_flags = &text[rest_offset + args_start..];
    let args = after_flags.trim();
    let args_offset =
        rest_offset + args_start + (after_flags.len() - after_flags.trim_start().len());
    let upper = keyword.to_ascii_uppercase();
    let line = Line {
        keyword: &upper,
        keyword_offset,
        args,
        args_offset,
        flags: flag_words,
        escape,
    };
    let mut scan = None;
    let kind = match upper.as_str() {
        "FROM" => return from(&line).map(Parsed::From),
        "ONBUILD" => return onbuild(&line, text),
        "RUN" => {
            let (run, heredocs) = run(&line)?;
            scan = heredocs.then_some(args_offset);
            Kind::Run(run)
        }
        "CMD" => Kind::Cmd(command(&line)?),
        "ENTRYPOINT" => Kind::Entrypoint(command(&line)?),
        "SHELL" => Kind::Shell(shell(&line)?),
        "ENV" => Kind::Env(name_values(&line)?),
        "LABEL" => Kind::Label(name_values(&line)?),
        "ARG" => Kind::Arg(arg(&line)?),
        "MAINTAINER" => Kind::Maintainer(one_argument(&line)?),
        "USER" => Kind::User(one_argument(&line)?),
        "WORKDIR" => Kind::Workdir(one_argument(&line)?),
        "STOPSIGNAL" => Kind::StopSignal(one_argument(&line)?),
        "EXPOSE" => Kind::Expose(expose(&line)?),
        "VOLUME" => Kind::Volume(volume(&line)?),
        "COPY" | "ADD" => {
            let (copy, heredocs) = copy(&line)?;
            scan = heredocs.then_some(args_offset);
            if upper == "COPY" {
                Kind::Copy(copy)
            } else {
                Kind::Add(copy)
            }
        }
        "HEALTHCHECK" => Kind::Healthcheck(healthcheck(&line)?),
        _ => {
            return Err(Located::new(
                keyword_offset,
                format!(
                    "unknown instruction: {keyword} (a Dockerfile line starts with FROM, RUN, COPY, ADD, CMD, ENTRYPOINT, ENV, ARG, LABEL, EXPOSE, VOLUME, USER, WORKDIR, SHELL, HEALTHCHECK, STOPSIGNAL, ONBUILD or MAINTAINER)"
                ),
            ))
        }
    };
    Ok(Parsed::Instruction(
        Instruction {
            line: 0,
            original: text.trim().to_string(),
            kind,
        },
        scan,
    ))
}

fn from(line: &Line) -> Result<Stage, Located> {
    let flags = line.flags(&[("platform", FlagType::Value)])?;
    let words = line.fields();
    let name = match words.as_slice() {
        [_] => None,
        [_, as_word, name] if as_word.text.eq_ignore_ascii_case("as") => {
            let lower = name.text.to_lowercase();
            let mut chars = lower.chars();
            let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
            if !valid {
                return Err(Located::new(
                    name.offset,
                    format!(
                        "invalid name for build stage: \"{}\", name can't start with a number or contain symbols",
                        name.text
                    ),
                ));
            }
            Some(lower)
        }
        _ => {
            return Err(
                line.error("FROM requires either one or three arguments: FROM image [AS name]")
            )
        }
    };
    Ok(Stage {
        base: words[0].text.clone(),
        name,
        platform: flags.value("platform"),
        line: 0,
        instructions: Vec::new(),
    })
}

fn onbuild(line: &Line, text: &str) -> Result<Parsed, Located> {
    line.no_flags()?;
    if line.args.is_empty() {
        return Err(line.at_least_one());
    }
    let shift = |e: Located| Located::new(e.offset + line.args_offset, e.message);
    let inner_text = &text[line.args_offset..];
    let parsed = parse_line(inner_text, line.escape).map_err(shift)?;
    let refuse = |what: &str| {
        Err(Located::new(
            line.args_offset,
            format!("{what} isn't allowed as an ONBUILD trigger"),
        ))
    };
    match parsed {
        Parsed::From(_) => refuse("FROM"),
        Parsed::Instruction(inner, scan) => match inner.kind {
            Kind::Onbuild(_) => Err(Located::new(
                line.args_offset,
                "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
            )),
            Kind::Maintainer(_) => refuse("MAINTAINER"),
            _ => Ok(Parsed::Instruction(
                Instruction {
                    line: 0,
                    original: text.trim().to_string(),
                    kind: Kind::Onbuild(Box::new(inner)),
                },
                scan.map(|offset| offset + line.args_offset),
            )),
        },
    }
}

/// RUN, and whether its text may name heredocs (shell form).
fn run(line: &Line) -> Result<(RunArgs, bool), Located> {
    let flags = line.flags(&[
        ("mount", FlagType::List),
        ("network", FlagType::Value),
        ("security", FlagType::Value),
    ])?;
    if line.args.is_empty() {
        return Err(line.at_least_one());
    }
    let (cmd, shell) = match line.json()? {
        Some(args) if args.is_empty() => return Err(line.at_least_one()),
        Some(args) => (ShellOrExec::Exec(args), false),
        None => (ShellOrExec::Shell(line.args.to_string()), true),
    };
    Ok((
        RunArgs {
            cmd,
            mounts: flags.list("mount"),
            network: flags.value("network"),
            security: flags.value("security"),
            heredocs: Vec::new(),
        },
        shell && line.args.contains("<<"),
    ))
}

fn command(line: &Line) -> Result<ShellOrExec, Located> {
    line.no_flags()?;
    Ok(match line.json()? {
        Some(args) => ShellOrExec::Exec(args),
        None => ShellOrExec::Shell(line.args.to_string()),
    })
}

fn shell(line: &Line) -> Result<Vec<String>, Located> {
    line.no_flags()?;
    match line.json()? {
        Some(args) if !args.is_empty() => Ok(args),
        Some(_) => Err(line.at_least_one()),
        None if line.args.is_empty() => Err(line.at_least_one()),
        None => Err(Located::new(
            line.args_offset,
            format!(
                "SHELL requires the arguments to be in JSON form, e.g. SHELL [\"/bin/sh\", \"-c\"]; got: {}",
                line.args
            ),
        )),
    }
}

/// ENV and LABEL: `KEY=value ...` or the legacy `KEY value with spaces`.
fn name_values(line: &Line) -> Result<Vec<(String, String)>, Located> {
    line.no_flags()?;
    let words = line.shift(quoted_words(line.args, line.escape));
    let Some(first) = words.first() else {
        return Err(line.at_least_one());
    };
    if !first.text.contains('=') {
        let split = line
            .args
            .find(super::words::is_blank)
            .map(|i| (&line.args[..i], line.args[i..].trim_start()));
        return match split {
            Some((key, value)) if !value.is_empty() => {
                Ok(vec![(key.to_string(), value.to_string())])
            }
            _ => Err(line.error(format!(
                "{0} must have two arguments: {0} NAME=value (or the legacy {0} NAME value)",
                line.keyword
            ))),
        };
    }
    words
        .iter()
        .map(|word| {
            let Some((key, value)) = word.text.split_once('=') else {
                return Err(Located::new(
                    word.offset,
                    format!(
                        "Syntax error - can't find = in \"{}\". Must be of the form: name=value",
                        word.text
                    ),
                ));
            };
            if key.is_empty() {
                return Err(Located::new(
                    word.offset,
                    format!("{} names can not be blank", line.keyword),
                ));
            }
            Ok((key.to_string(), value.to_string()))
        })
        .collect()
}

fn arg(line: &Line) -> Result<Vec<ArgDecl>, Located> {
    line.no_flags()?;
    let words = line.shift(quoted_words(line.args, line.escape));
    if words.is_empty() {
        return Err(line.at_least_one());
    }
    words
        .into_iter()
        .map(|word| match word.text.split_once('=') {
            Some(("", _)) => Err(Located::new(word.offset, "ARG names can not be blank")),
            Some((name, default)) => Ok(ArgDecl {
                name: name.to_string(),
                default: Some(default.to_string()),
            }),
            None => Ok(ArgDecl {
                name: word.text,
                default: None,
            }),
        })
        .collect()
}

fn one_argument(line: &Line) -> Result<String, Located> {
    line.no_flags()?;
    if line.args.is_empty() {
        return Err(line.error(format!("{} requires exactly one argument", line.keyword)));
    }
    Ok(line.args.to_string())
}

fn expose(line: &Line) -> Result<Vec<String>, Located> {
    line.no_flags()?;
    let ports: Vec<String> = line.fields().into_iter().map(|w| w.text).collect();
    if ports.is_empty() {
        return Err(line.at_least_one());
    }
    Ok(ports)
}

fn volume(line: &Line) -> Result<Vec<String>, Located> {
    line.no_flags()?;
    let paths: Vec<String> = match line.json()? {
        Some(paths) => paths,
        None => line.fields().into_iter().map(|w| w.text).collect(),
    };
    if paths.is_empty() {
        return Err(line.at_least_one());
    }
    paths
        .into_iter()
        .map(|p| {
            let p = p.trim();
            if p.is_empty() {
                Err(Located::new(
                    line.args_offset,
                    "VOLUME specified can not be an empty string",
                ))
            } else {
                Ok(p.to_string())
            }
        })
        .collect()
}

/// COPY and ADD, and whether the line may name heredocs (shell form).
fn copy(line: &Line) -> Result<(CopyArgs, bool), Located> {
    let is_copy = line.keyword == "COPY";
    let accepted: &[(&'static str, FlagType)] = if is_copy {
        &[
            ("from", FlagType::Value),
            ("chown", FlagType::Value),
            ("chmod", FlagType::Value),
            ("link", FlagType::Bool),
            ("parents", FlagType::Bool),
            ("exclude", FlagType::List),
        ]
    } else {
        &[
            ("chown", FlagType::Value),
            ("chmod", FlagType::Value),
            ("checksum", FlagType::Value),
            ("link", FlagType::Bool),
            ("keep-git-dir", FlagType::Bool),
            ("exclude", FlagType::List),
        ]
    };
    let flags = line.flags(accepted)?;
    let (words, shell) = match line.json()? {
        Some(words) => (words, false),
        None => (glued_fields(line), true),
    };
    let Some((dest, sources)) = words.split_last() else {
        return Err(line.error(format!(
            "{} requires at least two arguments, but none were provided: {} <src>... <dest>",
            line.keyword, line.keyword
        )));
    };
    if sources.is_empty() {
        return Err(line.error(format!(
            "{} requires at least two arguments, but only one was provided. Destination could not be determined.",
            line.keyword
        )));
    }
    let is_heredoc = |w: &String| shell && parse_heredoc_word(w).is_some();
    if is_heredoc(dest) {
        return Err(line.error(format!(
            "{} cannot accept a heredoc as a destination",
            line.keyword
        )));
    }
    let has_heredoc = sources.iter().any(is_heredoc);
    Ok((
        CopyArgs {
            sources: sources.iter().filter(|w| !is_heredoc(w)).cloned().collect(),
            dest: dest.clone(),
            from: flags.value("from"),
            chown: flags.value("chown"),
            chmod: flags.value("chmod"),
            link: flags.bool("link"),
            parents: flags.bool("parents"),
            excludes: flags.list("exclude"),
            keep_git_dir: flags.bool("keep-git-dir"),
            checksum: flags.value("checksum"),
            heredocs: Vec::new(),
        },
        has_heredoc,
    ))
}

/// Whitespace fields, with a lone `<<`/`<<-` joined to the delimiter after
/// it (`COPY << EOF /x`).
fn glued_fields(line: &Line) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut glue = false;
    for word in fields(line.args) {
        if glue {
            if let Some(last) = out.last_mut() {
                last.push_str(&word.text);
            }
            glue = false;
            continue;
        }
        let bare = word.text.trim_start_matches(|c: char| c.is_ascii_digit());
        glue = bare == "<<" || bare == "<<-";
        out.push(word.text);
    }
    out
}

fn healthcheck(line: &Line) -> Result<Option<Healthcheck>, Located> {
    if line.args.is_empty() {
        return Err(line.at_least_one());
    }
    let (kind, rest) = match line.args.find(char::is_whitespace) {
        Some(i) => (&line.args[..i], line.args[i..].trim_start()),
        None => (line.args, ""),
    };
    let rest_offset = line.args_offset + (line.args.len() - rest.len());
    if kind.eq_ignore_ascii_case("NONE") {
        // Docker ignores flags on HEALTHCHECK NONE.
        if !rest.is_empty() {
            return Err(Located::new(
                rest_offset,
                "HEALTHCHECK NONE takes no arguments",
            ));
        }
        return Ok(None);
    }
    let flags = line.flags(&[
        ("interval", FlagType::Value),
        ("timeout", FlagType::Value),
        ("start-period", FlagType::Value),
        ("start-interval", FlagType::Value),
        ("retries", FlagType::Value),
    ])?;
    if !kind.eq_ignore_ascii_case("CMD") {
        return Err(Located::new(
            line.args_offset,
            format!(
                "Unknown type \"{}\" in HEALTHCHECK (try CMD)",
                kind.to_uppercase()
            ),
        ));
    }
    let missing = || line.error("Missing command after HEALTHCHECK CMD");
    let json = json_array(rest).map_err(|m| Located::new(rest_offset, m))?;
    let test = match json {
        Some(args) if args.is_empty() => return Err(missing()),
        Some(args) => std::iter::once("CMD".to_string()).chain(args).collect(),
        None if rest.is_empty() => return Err(missing()),
        None => vec!["CMD-SHELL".to_string(), rest.to_string()],
    };
    let duration = |name: &str| -> Result<Option<Duration>, Located> {
        let Some(value) = flags.value(name) else {
            return Ok(None);
        };
        let at = |m: String| Located::new(line.flag_offset(name), format!("--{name}: {m}"));
        let d = flags::go_duration(&value).map_err(at)?;
        if d.is_zero() {
            return Ok(None);
        }
        if d < Duration::from_millis(1) {
            return Err(at("cannot be less than 1ms".into()));
        }
        Ok(Some(d))
    };
    let retries = match flags.value("retries") {
        None => None,
        Some(value) => {
            let at = |m: String| Located::new(line.flag_offset("retries"), m);
            let n: i64 = value.parse().map_err(|_| {
                at(format!(
                    "invalid --retries value \"{value}\": expected a whole number"
                ))
            })?;
            if n < 0 {
                return Err(at(format!("--retries cannot be negative ({n})")));
            }
            let n =
                u32::try_from(n).map_err(|_| at(format!("--retries value {n} is too large")))?;
            (n > 0).then_some(n)
        }
    };
    Ok(Some(Healthcheck {
        test,
        interval: duration("interval")?,
        timeout: duration("timeout")?,
        start_period: duration("start-period")?,
        start_interval: duration("start-interval")?,
        retries,
    }))
}

//! The Dockerfile parser: directives, line continuations, comments,
//! heredocs, flags, shell and exec forms. Words stay as written (quotes
//! and `$VAR` included): the executor expands them with [`expand_word`]
//! once it knows the variables.

mod expand;
mod lines;

#[cfg(test)]
mod tests;

use std::time::Duration;

pub use expand::{expand_word, expand_words, ExpandError};
use lines::{Lines, LogicalLine};

/// A syntax error, with docker's `Dockerfile:LINE` prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Dockerfile:{line}:{column}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dockerfile {
    pub escape: char,
    pub syntax: Option<String>,
    pub args_before_from: Vec<ArgDecl>,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// FROM's image word, not expanded.
    pub base: String,
    /// `AS name`, lowercased.
    pub name: Option<String>,
    pub platform: Option<String>,
    pub line: usize,
    pub instructions: Vec<Instruction>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    pub line: usize,
    /// As written, continuations joined (for errors and history).
    pub original: String,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Run(RunArgs),
    Cmd(ShellOrExec),
    Entrypoint(ShellOrExec),
    Label(Vec<(String, String)>),
    Maintainer(String),
    Expose(Vec<String>),
    Env(Vec<(String, String)>),
    Add(CopyArgs),
    Copy(CopyArgs),
    Volume(Vec<String>),
    User(String),
    Workdir(String),
    Arg(Vec<ArgDecl>),
    Onbuild(Box<Instruction>),
    StopSignal(String),
    /// None: `HEALTHCHECK NONE`.
    Healthcheck(Option<Healthcheck>),
    Shell(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ShellOrExec {
    Shell(String),
    Exec(Vec<String>),
}

/// RUN. A heredoc that is the whole command (`RUN <<EOF`) is a script:
/// `cmd` is then `Shell("<<EOF")` and the executor runs `heredocs[0]`'s
/// content with the stage's shell.
#[derive(Debug, Clone, PartialEq)]
pub struct RunArgs {
    pub cmd: ShellOrExec,
    /// Raw `--mount` values.
    pub mounts: Vec<String>,
    pub network: Option<String>,
    pub security: Option<String>,
    pub heredocs: Vec<Heredoc>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CopyArgs {
    pub sources: Vec<String>,
    pub dest: String,
    pub from: Option<String>,
    pub chown: Option<String>,
    pub chmod: Option<String>,
    pub link: bool,
    pub parents: bool,
    pub excludes: Vec<String>,
    pub keep_git_dir: bool,
    pub checksum: Option<String>,
    /// `COPY <<EOF /dest`: files named by their delimiter.
    pub heredocs: Vec<Heredoc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heredoc {
    pub name: String,
    pub content: String,
    /// False when the delimiter was quoted.
    pub expand: bool,
    /// `<<-`: leading tabs were stripped.
    pub strip_tabs: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArgDecl {
    pub name: String,
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Healthcheck {
    /// `["CMD", …]` or `["CMD-SHELL", "…"]`, as docker stores it.
    pub test: Vec<String>,
    pub interval: Option<Duration>,
    pub timeout: Option<Duration>,
    pub start_period: Option<Duration>,
    pub start_interval: Option<Duration>,
    pub retries: Option<u32>,
}

fn err(line: usize, column: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        column,
        message: message.into(),
    }
}

/// Parses a whole Dockerfile.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let (escape, syntax, body_start) = lines::directives(text)?;
    let mut file = Dockerfile {
        escape,
        syntax,
        args_before_from: Vec::new(),
        stages: Vec::new(),
    };
    let mut lines = Lines::new(text, body_start, escape);
    while let Some(l) = lines.next_line()? {
        let (keyword, rest, rest_col) = split_keyword(&l.text);
        let upper = keyword.to_ascii_uppercase();
        if upper == "FROM" {
            file.stages.push(parse_from(&l, rest, rest_col)?);
            continue;
        }
        let ins = parse_instruction(&l, &upper, rest, rest_col, &mut lines, true)?;
        match file.stages.last_mut() {
            Some(stage) => stage.instructions.push(ins),
            None => match ins.kind {
                Kind::Arg(decls) => file.args_before_from.extend(decls),
                _ => {
                    return Err(err(
                        l.line,
                        1,
                        format!("no build stage in current context: {upper} must come after a FROM instruction"),
                    ))
                }
            },
        }
    }
    Ok(file)
}

/// The first word and the rest (with the rest's 1-based column).
fn split_keyword(text: &str) -> (&str, &str, usize) {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    match t.find(char::is_whitespace) {
        Some(i) => {
            let rest = t[i..].trim_start();
            (&t[..i], rest, lead + i + (t[i..].len() - rest.len()) + 1)
        }
        None => (t, "", text.len() + 1),
    }
}

/// Leading `--name[=value]` flags, then the remaining text.
fn take_flags(mut rest: &str) -> (Vec<(String, Option<String>)>, &str) {
    let mut flags = Vec::new();
    while let Some(after) = rest.strip_prefix("--") {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        let word = &after[..end];
        if word.is_empty() {
            break;
        }
        match word.split_once('=') {
            Some((k, v)) => flags.push((k.to_ascii_lowercase(), Some(unquote(v)))),
            None => flags.push((word.to_ascii_lowercase(), None)),
        }
        rest = after[end..].trim_start();
    }
    (flags, rest)
}

fn unquote(v: &str) -> String {
    let b = v.as_bytes();
    if b.len() >= 2
        && (b[0] == b'"' && b[b.len() - 1] == b'"' || b[0] == b'\'' && b[b.len() - 1] == b'\'')
    {
        v[1..v.len() - 1].to_string()
    } else {
        v.to_string()
    }
}

fn check_flags(
    l: &LogicalLine,
    flags: &[(String, Option<String>)],
    allowed: &[&str],
) -> Result<(), ParseError> {
    for (name, _) in flags {
        if !allowed.contains(&name.as_str()) {
            return Err(err(l.line, 1, format!("unknown flag: --{name}")));
        }
    }
    Ok(())
}

fn flag(flags: &[(String, Option<String>)], name: &str) -> Option<String> {
    flags
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone().unwrap_or_else(|| "true".into()))
}

fn flag_all(flags: &[(String, Option<String>)], name: &str) -> Vec<String> {
    flags
        .iter()
        .filter(|(k, _)| k == name)
        .filter_map(|(_, v)| v.clone())
        .collect()
}

fn parse_from(l: &LogicalLine, rest: &str, col: usize) -> Result<Stage, ParseError> {
    let (flags, rest) = take_flags(rest);
    check_flags(l, &flags, &["platform"])?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    let (base, name) = match words.as_slice() {
        [base] => (*base, None),
        [base, kw, name] if kw.eq_ignore_ascii_case("as") => {
            (*base, Some(name.to_ascii_lowercase()))
        }
        [] => {
            return Err(err(
                l.line,
                col,
                "FROM requires either one or three arguments",
            ))
        }
        _ => {
            return Err(err(
                l.line,
                col,
                "FROM requires either one or three arguments",
            ))
        }
    };
    if let Some(n) = &name {
        let ok = n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !ok {
            return Err(err(l.line, col, format!("invalid name for build stage: {n:?}, name can't start with a number or contain symbols")));
        }
    }
    Ok(Stage {
        base: base.to_string(),
        name,
        platform: flag(&flags, "platform"),
        line: l.line,
        instructions: Vec::new(),
    })
}

/// A JSON array of strings, or None (then it is shell form).
fn json_array(rest: &str) -> Option<Vec<String>> {
    let t = rest.trim();
    if !t.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(t).ok()
}

fn shell_or_exec(rest: &str) -> ShellOrExec {
    match json_array(rest) {
        Some(v) => ShellOrExec::Exec(v),
        None => ShellOrExec::Shell(rest.to_string()),
    }
}

/// Splits on unquoted whitespace, keeping quotes and escapes as written.
fn raw_words(text: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == escape && q == '"' {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                } else if c == q {
                    quote = None;
                }
            }
            None if c.is_whitespace() => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            None => {
                cur.push(c);
                if c == escape {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                } else if c == '"' || c == '\'' {
                    quote = Some(c);
                }
            }
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// `ENV`/`LABEL`: `k=v …`, or the legacy `ENV k v with spaces`.
fn key_values(
    l: &LogicalLine,
    what: &str,
    rest: &str,
    escape: char,
) -> Result<Vec<(String, String)>, ParseError> {
    let words = raw_words(rest, escape);
    if words.is_empty() {
        return Err(err(
            l.line,
            1,
            format!("{what} requires at least one argument"),
        ));
    }
    if !words[0].contains('=') {
        if what == "LABEL" {
            return Err(err(l.line, 1, "LABEL requires <key>=<value> pairs"));
        }
        let key = words[0].clone();
        let value = rest.trim_start()[key.len()..].trim().to_string();
        if value.is_empty() {
            return Err(err(
                l.line,
                1,
                format!("{what} names can not be blank: {what} {key} needs a value"),
            ));
        }
        return Ok(vec![(key, value)]);
    }
    words
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some(("", _)) => Err(err(l.line, 1, format!("{what} names can not be blank"))),
            Some((k, v)) => Ok((unquote(k), v.to_string())),
            None => Err(err(
                l.line,
                1,
                format!("Syntax error - can't find = in {w:?}. Must be of the form: name=value"),
            )),
        })
        .collect()
}

/// Go durations: `30s`, `1m30s`, `500ms`, `2h`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" if value == 0.0 => 0.0,
            _ => return None,
        };
        total += value * scale;
        rest = &rest[unit_len..];
    }
    Some(Duration::from_secs_f64(total))
}

fn parse_instruction(
    l: &LogicalLine,
    upper: &str,
    rest: &str,
    col: usize,
    lines: &mut Lines<'_>,
    heredocs_allowed: bool,
) -> Result<Instruction, ParseError> {
    let escape = lines.escape();
    let need = |what: &str| -> Result<(), ParseError> {
        if rest.trim().is_empty() {
            Err(err(
                l.line,
                col,
                format!("{what} requires at least one argument"),
            ))
        } else {
            Ok(())
        }
    };
    let kind = match upper {
        "RUN" => {
            let (flags, cmd) = take_flags(rest);
            check_flags(l, &flags, &["mount", "network", "security"])?;
            if cmd.trim().is_empty() {
                return Err(err(l.line, col, "RUN requires at least one argument"));
            }
            let heredocs = if heredocs_allowed && json_array(cmd).is_none() {
                lines.heredocs(l, cmd)?
            } else {
                Vec::new()
            };
            Kind::Run(RunArgs {
                cmd: shell_or_exec(cmd),
                mounts: flag_all(&flags, "mount"),
                network: flag(&flags, "network"),
                security: flag(&flags, "security"),
                heredocs,
            })
        }
        "CMD" => {
            need("CMD")?;
            Kind::Cmd(shell_or_exec(rest))
        }
        "ENTRYPOINT" => {
            need("ENTRYPOINT")?;
            Kind::Entrypoint(shell_or_exec(rest))
        }
        "LABEL" => Kind::Label(key_values(l, "LABEL", rest, escape)?),
        "ENV" => Kind::Env(key_values(l, "ENV", rest, escape)?),
        "MAINTAINER" => {
            need("MAINTAINER")?;
            Kind::Maintainer(rest.trim().to_string())
        }
        "EXPOSE" => {
            need("EXPOSE")?;
            Kind::Expose(raw_words(rest, escape))
        }
        "COPY" | "ADD" => {
            let (flags, args) = take_flags(rest);
            let allowed: &[&str] = if upper == "COPY" {
                &["from", "chown", "chmod", "link", "parents", "exclude"]
            } else {
                &[
                    "chown",
                    "chmod",
                    "link",
                    "keep-git-dir",
                    "checksum",
                    "exclude",
                ]
            };
            check_flags(l, &flags, allowed)?;
            let heredocs = if heredocs_allowed {
                lines.heredocs(l, args)?
            } else {
                Vec::new()
            };
            let words: Vec<String> = match json_array(args) {
                Some(v) => v,
                None => raw_words(args, escape),
            };
            // Heredoc markers are sources named by their delimiter.
            let words: Vec<String> = words.into_iter().filter(|w| !w.starts_with("<<")).collect();
            if words.len() + heredocs.len() < 2 || words.is_empty() {
                return Err(err(
                    l.line,
                    col,
                    format!("{upper} requires at least two arguments, but only one was provided. Destination could not be determined."),
                ));
            }
            let (dest, sources) = words
                .split_last()
                .map(|(d, s)| (d.clone(), s.to_vec()))
                .unwrap_or_default();
            let args = CopyArgs {
                sources,
                dest,
                from: flag(&flags, "from"),
                chown: flag(&flags, "chown"),
                chmod: flag(&flags, "chmod"),
                link: flag(&flags, "link").is_some_and(|v| v != "false"),
                parents: flag(&flags, "parents").is_some_and(|v| v != "false"),
                excludes: flag_all(&flags, "exclude"),
                keep_git_dir: flag(&flags, "keep-git-dir").is_some_and(|v| v != "false"),
                checksum: flag(&flags, "checksum"),
                heredocs,
            };
            if upper == "COPY" {
                Kind::Copy(args)
            } else {
                Kind::Add(args)
            }
        }
        "VOLUME" => {
            need("VOLUME")?;
            Kind::Volume(json_array(rest).unwrap_or_else(|| raw_words(rest, escape)))
        }
        "USER" => {
            need("USER")?;
            Kind::User(rest.trim().to_string())
        }
        "WORKDIR" => {
            need("WORKDIR")?;
            Kind::Workdir(rest.trim().to_string())
        }
        "STOPSIGNAL" => {
            need("STOPSIGNAL")?;
            Kind::StopSignal(rest.trim().to_string())
        }
        "ARG" => {
            need("ARG")?;
            Kind::Arg(
                raw_words(rest, escape)
                    .into_iter()
                    .map(|w| match w.split_once('=') {
                        Some((k, v)) => ArgDecl {
                            name: k.to_string(),
                            default: Some(v.to_string()),
                        },
                        None => ArgDecl {
                            name: w,
                            default: None,
                        },
                    })
                    .collect(),
            )
        }
        "SHELL" => match json_array(rest) {
            Some(v) if !v.is_empty() => Kind::Shell(v),
            _ => {
                return Err(err(
                    l.line,
                    col,
                    "SHELL requires the arguments to be in JSON form",
                ))
            }
        },
        "HEALTHCHECK" => Kind::Healthcheck(healthcheck(l, rest, col)?),
        "ONBUILD" => {
            let (inner_kw, inner_rest, inner_col) = split_keyword(rest);
            let inner_upper = inner_kw.to_ascii_uppercase();
            match inner_upper.as_str() {
                "" => return Err(err(l.line, col, "ONBUILD requires at least one argument")),
                "ONBUILD" => {
                    return Err(err(
                        l.line,
                        col,
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                    ))
                }
                "FROM" | "MAINTAINER" => {
                    return Err(err(
                        l.line,
                        col,
                        format!("{inner_upper} isn't allowed as an ONBUILD trigger"),
                    ))
                }
                _ => {}
            }
            let inner_line = LogicalLine {
                line: l.line,
                text: rest.to_string(),
            };
            let inner = parse_instruction(
                &inner_line,
                &inner_upper,
                inner_rest,
                inner_col + col - 1,
                lines,
                false,
            )?;
            Kind::Onbuild(Box::new(inner))
        }
        other => {
            return Err(err(l.line, 1, format!("unknown instruction: {other}")));
        }
    };
    Ok(Instruction {
        line: l.line,
        original: l.text.trim().to_string(),
        kind,
    })
}

fn healthcheck(l: &LogicalLine, rest: &str, col: usize) -> Result<Option<Healthcheck>, ParseError> {
    let (flags, rest) = take_flags(rest);
    check_flags(
        l,
        &flags,
        &[
            "interval",
            "timeout",
            "start-period",
            "start-interval",
            "retries",
        ],
    )?;
    let (kw, cmd, _) = split_keyword(rest);
    if kw.eq_ignore_ascii_case("NONE") {
        if !flags.is_empty() || !cmd.is_empty() {
            return Err(err(l.line, col, "HEALTHCHECK NONE takes no arguments"));
        }
        return Ok(None);
    }
    if !kw.eq_ignore_ascii_case("CMD") {
        return Err(err(
            l.line,
            col,
            format!("Unknown type {kw:?} in HEALTHCHECK (try CMD)"),
        ));
    }
    if cmd.trim().is_empty() {
        return Err(err(l.line, col, "Missing command after HEALTHCHECK CMD"));
    }
    let test = match json_array(cmd) {
        Some(v) => std::iter::once("CMD".to_string()).chain(v).collect(),
        None => vec!["CMD-SHELL".to_string(), cmd.to_string()],
    };
    let dur = |name: &str| -> Result<Option<Duration>, ParseError> {
        flag(&flags, name)
            .map(|v| {
                parse_duration(&v)
                    .ok_or_else(|| err(l.line, col, format!("invalid --{name} duration: {v:?}")))
            })
            .transpose()
    };
    Ok(Some(Healthcheck {
        test,
        interval: dur("interval")?,
        timeout: dur("timeout")?,
        start_period: dur("start-period")?,
        start_interval: dur("start-interval")?,
        retries: flag(&flags, "retries")
            .map(|v| {
                v.parse()
                    .map_err(|_| err(l.line, col, format!("invalid --retries value: {v:?}")))
            })
            .transpose()?,
    }))
}

//! The Dockerfile parser: text in, a typed AST out, with docker's (BuildKit
//! 1.x) rules for directives, line continuations, comments, flags, JSON and
//! shell forms, and heredocs. Nothing here expands variables: `expand` holds
//! docker's shell-word expansion, which the executor applies per instruction
//! with the ARG/ENV values in scope at that step.
//!
//! What is raw and what is processed in the AST (the executor must know):
//!
//! * Raw words, to be passed through [`expand_word`] by the executor (which
//!   also removes their quotes and escapes, as docker does in one pass):
//!   `Stage::base`, COPY/ADD `sources` and `dest` (shell and JSON form),
//!   `Env`/`Label` keys and values (`ENV A="x y"` keeps the quotes:
//!   `("A", "\"x y\"")`), `ArgDecl::default`, `Expose` items, `Volume`
//!   items, `User`, `Workdir`, `StopSignal`.
//! * Flag values (`--from`, `--chown`, `--chmod`, `--platform`, `--mount`,
//!   ...) have had their quotes and escapes removed, like docker's flag
//!   parser, but no variable expansion.
//! * Command text is never expanded by the builder: `ShellOrExec::Shell` is
//!   the text after the flags, exactly as written (continuations joined),
//!   handed to the SHELL; `Exec` holds the decoded JSON strings.
//! * `Heredoc::content` is final text except for expansion: leading tabs are
//!   already stripped when `strip_tabs`; COPY/ADD heredocs with `expand` go
//!   through [`expand_heredoc`]; RUN heredocs are never expanded by the
//!   builder (see [`RunArgs::heredoc_command`]).

mod flags;
mod heredoc;
mod instructions;
mod lines;
mod words;

pub mod expand;

#[cfg(test)]
mod tests_errors;
#[cfg(test)]
mod tests_expand;
#[cfg(test)]
mod tests_heredoc;
#[cfg(test)]
mod tests_instructions;
#[cfg(test)]
mod tests_parse;

use std::collections::HashSet;

pub use expand::{expand_heredoc, expand_word, expand_words, ExpandError};

/// A syntax error, located like docker's ("Dockerfile:3:5: ...").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Dockerfile:{line}:{column}: {message}")]
pub struct ParseError {
    /// 1-based line of the offending text.
    pub line: usize,
    /// 1-based column (in characters) of the offending text.
    pub column: usize,
    pub message: String,
}

/// A whole Dockerfile.
#[derive(Debug, Clone, PartialEq)]
pub struct Dockerfile {
    /// The escape character: `\` unless `# escape=` said otherwise.
    pub escape: char,
    /// The `# syntax=` directive, if any (berth builds with its own frontend
    /// regardless; this is kept for messages and labels).
    pub syntax: Option<String>,
    /// ARGs declared before the first FROM: usable in FROM lines, and in a
    /// stage only after a bare `ARG NAME` re-declares them.
    pub args_before_from: Vec<ArgDecl>,
    pub stages: Vec<Stage>,
}

/// One `FROM` and the instructions up to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// FROM's image word, not expanded (may hold `$ARG`s from
    /// `args_before_from`).
    pub base: String,
    /// The `AS name`, lowercased.
    pub name: Option<String>,
    /// `--platform`, not expanded.
    pub platform: Option<String>,
    /// 1-based line of the FROM.
    pub line: usize,
    pub instructions: Vec<Instruction>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// 1-based line where the instruction starts.
    pub line: usize,
    /// The instruction as written, continuations joined, e.g. `RUN echo hi`
    /// (without heredoc bodies; see [`Instruction::source_with_heredocs`]).
    pub original: String,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Run(RunArgs),
    Cmd(ShellOrExec),
    Entrypoint(ShellOrExec),
    /// Raw (key, value) words; expand both.
    Label(Vec<(String, String)>),
    Maintainer(String),
    /// Raw words, e.g. `80/tcp`, `$PORT`.
    Expose(Vec<String>),
    /// Raw (key, value) words; expand both.
    Env(Vec<(String, String)>),
    Add(CopyArgs),
    Copy(CopyArgs),
    Volume(Vec<String>),
    User(String),
    Workdir(String),
    Arg(Vec<ArgDecl>),
    /// The trigger; never FROM, MAINTAINER or ONBUILD.
    Onbuild(Box<Instruction>),
    StopSignal(String),
    /// `None` is `HEALTHCHECK NONE`.
    Healthcheck(Option<Healthcheck>),
    Shell(Vec<String>),
}

/// CMD/ENTRYPOINT/RUN forms. A blank `CMD` or `ENTRYPOINT` line is
/// `Shell("")`, as docker accepts it.
#[derive(Debug, Clone, PartialEq)]
pub enum ShellOrExec {
    /// Run through the stage's SHELL (`/bin/sh -c` by default).
    Shell(String),
    /// Run as is, no shell.
    Exec(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunArgs {
    pub cmd: ShellOrExec,
    /// Raw `--mount` values, e.g. `type=cache,target=/root/.cache`.
    pub mounts: Vec<String>,
    pub network: Option<String>,
    pub security: Option<String>,
    /// Heredocs in the order their `<<WORD`s appear on the line.
    pub heredocs: Vec<Heredoc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CopyArgs {
    /// Raw source words; heredoc sources (`<<EOF`) are not here but in
    /// `heredocs`, each to be written as a file named `name` under `dest`.
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
    pub heredocs: Vec<Heredoc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heredoc {
    /// The delimiter word with its quotes removed, e.g. `EOF`.
    pub name: String,
    /// The body, line endings kept; leading tabs already stripped when
    /// `strip_tabs`.
    pub content: String,
    /// False when any part of the delimiter was quoted (`<<"EOF"`, `<<'EOF'`).
    pub expand: bool,
    /// `<<-`: leading tabs of each body line (and of the delimiter line) are
    /// dropped.
    pub strip_tabs: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArgDecl {
    pub name: String,
    /// Raw default word (`ARG A="x y"` keeps the quotes); expand it with the
    /// values in scope before the ARG.
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Healthcheck {
    /// `["CMD", args...]` (exec form) or `["CMD-SHELL", "cmd"]`, as docker
    /// stores it in the image config.
    pub test: Vec<String>,
    /// `None` when not given or zero (docker's "inherit/default").
    pub interval: Option<std::time::Duration>,
    pub timeout: Option<std::time::Duration>,
    pub start_period: Option<std::time::Duration>,
    pub start_interval: Option<std::time::Duration>,
    /// `None` when not given or zero.
    pub retries: Option<u32>,
}

/// What to run for a RUN that carries heredocs, BuildKit's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeredocCommand {
    /// `RUN <<EOF` alone whose content starts with `#!`: write `content` to a
    /// file named `name`, mode 0755, in a scratch directory mounted read-only
    /// at `/dev/pipes/`, then run the shell-form command `/dev/pipes/<name>`
    /// (through the stage's SHELL, like any shell form).
    Script { name: String, content: String },
    /// `RUN <<EOF` alone otherwise: run this text (the content) as the
    /// shell-form command string. No variable expansion by the builder.
    Inline(String),
    /// Any other heredoc use (`RUN python3 <<EOF`, `RUN <<A <<B`,
    /// `RUN cat <<EOF >f`): run this script as the shell-form command string; it is the
    /// command text followed, per heredoc, by a newline, the content and the
    /// delimiter, so the shell itself reads the heredocs.
    Reconstituted(String),
}

impl RunArgs {
    /// How to run this RUN's heredocs; `None` when it has none (then run
    /// `cmd` as is).
    pub fn heredoc_command(&self) -> Option<HeredocCommand> {
        let first = self.heredocs.first()?;
        let ShellOrExec::Shell(text) = &self.cmd else {
            return None;
        };
        if self.heredocs.len() == 1 && heredoc::parse_heredoc_word(text.trim()).is_some() {
            if first.content.starts_with("#!") {
                return Some(HeredocCommand::Script {
                    name: first.name.clone(),
                    content: first.content.clone(),
                });
            }
            return Some(HeredocCommand::Inline(first.content.clone()));
        }
        Some(HeredocCommand::Reconstituted(append_heredocs(
            text,
            &self.heredocs,
        )))
    }
}

impl Instruction {
    /// The instruction text followed by its heredoc bodies and delimiters:
    /// what docker stores as an ONBUILD trigger so a child build can parse
    /// it again.
    pub fn source_with_heredocs(&self) -> String {
        let docs = match &self.kind {
            Kind::Run(run) => &run.heredocs,
            Kind::Copy(copy) | Kind::Add(copy) => &copy.heredocs,
            _ => return self.original.clone(),
        };
        append_heredocs(&self.original, docs)
    }
}

fn append_heredocs(text: &str, docs: &[Heredoc]) -> String {
    let mut out = text.to_string();
    for doc in docs {
        out.push('\n');
        out.push_str(&doc.content);
        out.push_str(&doc.name);
    }
    out
}

/// An error at a byte offset of a logical line; turned into a
/// [`ParseError`] by the caller that knows where the line came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub offset: usize,
    pub message: String,
}

impl Located {
    pub fn new(offset: usize, message: impl Into<String>) -> Self {
        Located {
            offset,
            message: message.into(),
        }
    }
}

/// Parses a whole Dockerfile.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let (mut source, directives) = lines::Source::new(text)?;
    let escape = directives.escape;
    let mut dockerfile = Dockerfile {
        escape,
        syntax: directives.syntax,
        args_before_from: Vec::new(),
        stages: Vec::new(),
    };
    let mut stage_names = HashSet::new();
    let mut last_line = 1;
    let mut saw_instruction = false;
    while let Some(line) = source.next_logical() {
        if line.text.trim().is_empty() {
            continue;
        }
        saw_instruction = true;
        last_line = line.start_line;
        let parsed = instructions::parse_line(&line.text, escape).map_err(|e| line.error(e))?;
        match parsed {
            instructions::Parsed::From(mut stage) => {
                stage.line = line.start_line;
                if let Some(name) = &stage.name {
                    if !stage_names.insert(name.clone()) {
                        return Err(line.error(Located::new(
                            0,
                            format!(
                                "duplicate stage name \"{name}\": give each stage its own AS name"
                            ),
                        )));
                    }
                }
                dockerfile.stages.push(stage);
            }
            instructions::Parsed::Instruction(mut instruction, scan) => {
                instruction.line = line.start_line;
                if let Kind::Onbuild(inner) = &mut instruction.kind {
                    inner.line = line.start_line;
                }
                if let Some(args_offset) = scan {
                    attach_heredocs(&mut source, &line, args_offset, &mut instruction)?;
                }
                match dockerfile.stages.last_mut() {
                    Some(stage) => stage.instructions.push(instruction),
                    None => match instruction.kind {
                        Kind::Arg(args) => dockerfile.args_before_from.extend(args),
                        _ => {
                            let keyword = instruction
                                .original
                                .split_whitespace()
                                .next()
                                .unwrap_or_default()
                                .to_uppercase();
                            return Err(line.error(Located::new(
                                0,
                                format!(
                                    "no build stage in current context: {keyword} comes before the first FROM; start the Dockerfile with FROM (only ARG may precede it)"
                                ),
                            )));
                        }
                    },
                }
            }
        }
    }
    if !saw_instruction {
        return Err(ParseError {
            line: 1,
            column: 1,
            message: "file with no instructions: a Dockerfile needs at least a FROM".into(),
        });
    }
    if dockerfile.stages.is_empty() {
        return Err(ParseError {
            line: last_line,
            column: 1,
            message:
                "the Dockerfile has no FROM instruction: add FROM <image> to start a build stage"
                    .into(),
        });
    }
    Ok(dockerfile)
}

/// Reads the bodies of the heredocs named on `line` from the lines that
/// follow it, and attaches them to the RUN/COPY/ADD (or ONBUILD trigger).
fn attach_heredocs(
    source: &mut lines::Source<'_>,
    line: &lines::LogicalLine,
    args_offset: usize,
    instruction: &mut Instruction,
) -> Result<(), ParseError> {
    let args = line.text.get(args_offset..).unwrap_or_default();
    let markers = heredoc::heredocs_in(args);
    let Some(slot) = heredoc_slot(&mut instruction.kind) else {
        return Ok(());
    };
    for marker in markers {
        let Some(body) = source.take_heredoc(&marker.name, marker.strip_tabs) else {
            return Err(line.error(Located::new(
                args_offset + marker.offset,
                format!(
                    "unterminated heredoc: no line \"{}\" ends the heredoc started here",
                    marker.name
                ),
            )));
        };
        let content = if marker.strip_tabs {
            heredoc::strip_leading_tabs(&body)
        } else {
            body
        };
        slot.push(Heredoc {
            name: marker.name,
            content,
            expand: marker.expand,
            strip_tabs: marker.strip_tabs,
        });
    }
    Ok(())
}

fn heredoc_slot(kind: &mut Kind) -> Option<&mut Vec<Heredoc>> {
    match kind {
        Kind::Run(run) => Some(&mut run.heredocs),
        Kind::Copy(copy) | Kind::Add(copy) => Some(&mut copy.heredocs),
        Kind::Onbuild(inner) => heredoc_slot(&mut inner.kind),
        _ => None,
    }
}

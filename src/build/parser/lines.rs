//! Physical lines to logical lines: parser directives at the top, comments,
//! blank lines, and continuations with the escape character, as BuildKit's
//! scanner does. Each logical line remembers where its pieces came from so
//! errors can name a line and column.

use super::{Located, ParseError};

/// The directives found at the top of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Directives {
    pub escape: char,
    pub syntax: Option<String>,
}

/// The Dockerfile's physical lines and a cursor over them.
pub(super) struct Source<'a> {
    /// Physical lines with their line terminators (heredoc bodies keep them).
    lines: Vec<&'a str>,
    next: usize,
    escape: char,
}

/// One instruction's text with its continuations joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LogicalLine {
    pub text: String,
    pub start_line: usize,
    segments: Vec<Segment>,
}

/// Where a piece of a logical line starts: byte offset in `text`, 1-based
/// physical line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    offset: usize,
    line: usize,
    column: usize,
}

impl LogicalLine {
    /// The 1-based (line, column) of a byte offset in `text`.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let Some(segment) = self.segments.iter().rev().find(|s| s.offset <= offset) else {
            return (self.start_line, 1);
        };
        let chars = self
            .text
            .get(segment.offset..offset)
            .map_or(offset - segment.offset, |s| s.chars().count());
        (segment.line, segment.column + chars)
    }

    pub fn error(&self, located: Located) -> ParseError {
        let (line, column) = self.position(located.offset);
        ParseError {
            line,
            column,
            message: located.message,
        }
    }

    fn push(&mut self, piece: &str, line: usize, column: usize) {
        self.segments.push(Segment {
            offset: self.text.len(),
            line,
            column,
        });
        self.text.push_str(piece);
    }
}

fn trim_newline(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Strips a trailing continuation (the escape character, then only spaces
/// or tabs) and says whether the instruction ends on this line. An escaped
/// escape character (`foo\\`) is not a continuation, as in BuildKit.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let body = line.trim_end_matches([' ', '\t']);
    let Some(before) = body.strip_suffix(escape) else {
        return (line, true);
    };
    match before.chars().last() {
        Some(c) if c == escape => (line, true),
        _ => (before, false),
    }
}

/// A `# name=value` line, if it is shaped like one.
fn directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let name_len = rest
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_alphabetic() || (*i > 0 && c.is_ascii_digit())))
        .map_or(rest.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let (name, rest) = rest.split_at(name_len);
    let value = rest.trim_start().strip_prefix('=')?.trim();
    if value.is_empty() {
        return None;
    }
    Some((name.to_ascii_lowercase(), value.to_string()))
}

impl<'a> Source<'a> {
    /// Splits `text` into lines and reads the parser directives at its top.
    pub fn new(text: &'a str) -> Result<(Self, Directives), ParseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut directives = Directives {
            escape: '\\',
            syntax: None,
        };
        let mut seen: Vec<String> = Vec::new();
        for (index, raw) in lines.iter().enumerate() {
            let Some((name, value)) = directive(trim_newline(raw)) else {
                break;
            };
            if !matches!(name.as_str(), "syntax" | "escape" | "check") {
                break;
            }
            let here = |message: String| ParseError {
                line: index + 1,
                column: 1,
                message,
            };
            if seen.contains(&name) {
                return Err(here(format!(
                    "only one {name} parser directive can be used; remove the repeated one"
                )));
            }
            seen.push(name.clone());
            match name.as_str() {
                "escape" => match value.as_str() {
                    "\\" => directives.escape = '\\',
                    "`" => directives.escape = '`',
                    _ => {
                        return Err(here(format!(
                            "invalid escape token '{value}' does not match ` or \\"
                        )))
                    }
                },
                "syntax" => directives.syntax = Some(value),
                // `check` configures BuildKit's linter; berth has none.
                _ => {}
            }
        }
        let escape = directives.escape;
        Ok((
            Source {
                lines,
                next: 0,
                escape,
            },
            directives,
        ))
    }

    /// The next instruction's logical line, or `None` at the end.
    pub fn next_logical(&mut self) -> Option<LogicalLine> {
        while let Some(raw) = self.lines.get(self.next) {
            let index = self.next;
            self.next += 1;
            let raw = trim_newline(raw);
            let trimmed = raw.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let lead = raw.chars().count() - trimmed.chars().count();
            let mut logical = LogicalLine {
                text: String::new(),
                start_line: index + 1,
                segments: Vec::new(),
            };
            let (piece, mut ended) = trim_continuation(trimmed, self.escape);
            logical.push(piece, index + 1, lead + 1);
            while !ended {
                let Some(raw) = self.lines.get(self.next) else {
                    break;
                };
                let index = self.next;
                self.next += 1;
                let raw = trim_newline(raw);
                // Comments and blank lines inside a continuation are
                // dropped (blank ones are deprecated but still accepted).
                if is_comment(raw) || raw.trim().is_empty() {
                    continue;
                }
                let (piece, end) = trim_continuation(raw, self.escape);
                ended = end;
                logical.push(piece, index + 1, 1);
            }
            return Some(logical);
        }
        None
    }

    /// Consumes lines up to the one that is exactly `name` (after leading
    /// tabs when `strip_tabs`), returning the lines before it verbatim;
    /// `None` when the file ends first.
    pub fn take_heredoc(&mut self, name: &str, strip_tabs: bool) -> Option<String> {
        let mut content = String::new();
        while let Some(raw) = self.lines.get(self.next) {
            self.next += 1;
            let mut candidate = trim_newline(raw);
            if strip_tabs {
                candidate = candidate.trim_start_matches('\t');
            }
            if candidate == name {
                return Some(content);
            }
            content.push_str(raw);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_needs_an_unescaped_escape_at_the_end() {
        assert_eq!(trim_continuation("echo a \\", '\\'), ("echo a ", false));
        assert_eq!(trim_continuation("echo a \\  \t", '\\'), ("echo a ", false));
        assert_eq!(trim_continuation("echo a\\\\", '\\'), ("echo a\\\\", true));
        assert_eq!(trim_continuation("\\", '\\'), ("", false));
        assert_eq!(trim_continuation("echo `", '`'), ("echo ", false));
        assert_eq!(trim_continuation("echo \\", '`'), ("echo \\", true));
    }

    #[test]
    fn directive_shapes() {
        assert_eq!(
            directive("# escape = `"),
            Some(("escape".into(), "`".into()))
        );
        assert_eq!(
            directive("#SYNTAX=docker/dockerfile:1"),
            Some(("syntax".into(), "docker/dockerfile:1".into()))
        );
        assert_eq!(directive("# just a comment"), None);
        assert_eq!(directive("FROM x"), None);
        assert_eq!(directive("# escape="), None);
    }

    #[test]
    fn positions_follow_the_joined_pieces() {
        let (mut source, _) = Source::new("  RUN a \\\n# c\n\n   b\n").unwrap();
        let line = source.next_logical().unwrap();
        assert_eq!(line.text, "RUN a    b");
        assert_eq!(line.position(0), (1, 3));
        assert_eq!(line.position(4), (1, 7));
        assert_eq!(line.position(9), (4, 4));
        assert!(source.next_logical().is_none());
    }
}

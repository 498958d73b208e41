//! Physical lines → logical lines: directives at the top, comments, blank
//! lines, continuations (the escape character at the end of a line), and
//! heredoc bodies, which are read verbatim.

use super::{err, Heredoc, ParseError};

pub(super) struct LogicalLine {
    /// 1-based number of the line the instruction starts on.
    pub line: usize,
    pub text: String,
}

/// `# syntax=…` and `# escape=…` at the very top; returns the escape
/// character, the syntax and the index of the first line after them.
pub(super) fn directives(text: &str) -> Result<(char, Option<String>, usize), ParseError> {
    let mut escape = '\\';
    let mut syntax = None;
    let mut seen = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let l = raw.trim();
        let Some(body) = l.strip_prefix('#') else {
            return Ok((escape, syntax, i));
        };
        let Some((k, v)) = body.split_once('=') else {
            return Ok((escape, syntax, i));
        };
        let key = k.trim().to_ascii_lowercase();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Ok((escape, syntax, i));
        }
        if seen.contains(&key) {
            return Err(err(
                i + 1,
                1,
                format!("only one {key} parser directive can be used"),
            ));
        }
        let v = v.trim();
        match key.as_str() {
            "escape" => {
                escape = match v {
                    "\\" => '\\',
                    "`" => '`',
                    _ => {
                        return Err(err(
                            i + 1,
                            1,
                            format!("invalid escape token '{v}' does not match ` or \\"),
                        ))
                    }
                }
            }
            "syntax" => syntax = Some(v.to_string()),
            // Other directives (check=…) are accepted and have no effect here.
            _ => {}
        }
        seen.push(key);
    }
    Ok((escape, syntax, text.lines().count()))
}

pub(super) struct Lines<'a> {
    lines: Vec<&'a str>,
    pos: usize,
    escape: char,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, start: usize, escape: char) -> Lines<'a> {
        Lines {
            lines: text.lines().collect(),
            pos: start,
            escape,
        }
    }

    pub fn escape(&self) -> char {
        self.escape
    }

    fn is_comment(l: &str) -> bool {
        l.trim_start().starts_with('#')
    }

    /// The line without its trailing escape (and whitespace), if it continues.
    fn continued(&self, l: &str) -> Option<usize> {
        let t = l.trim_end();
        t.ends_with(self.escape)
            .then(|| t.len() - self.escape.len_utf8())
    }

    /// The next instruction's text, continuations joined.
    pub fn next_line(&mut self) -> Result<Option<LogicalLine>, ParseError> {
        while self.pos < self.lines.len() {
            let l = self.lines[self.pos];
            if l.trim().is_empty() || Self::is_comment(l) {
                self.pos += 1;
                continue;
            }
            let start = self.pos + 1;
            let mut text = String::new();
            let mut cur = l;
            loop {
                self.pos += 1;
                match self.continued(cur) {
                    Some(cut) => {
                        text.push_str(&cur[..cut]);
                        // Comment and empty lines inside a continuation are skipped.
                        loop {
                            match self.lines.get(self.pos) {
                                Some(n) if Self::is_comment(n) || n.trim().is_empty() => {
                                    self.pos += 1
                                }
                                Some(n) => {
                                    cur = n;
                                    break;
                                }
                                None => return Ok(Some(LogicalLine { line: start, text })),
                            }
                        }
                    }
                    None => {
                        text.push_str(cur);
                        return Ok(Some(LogicalLine { line: start, text }));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Reads the bodies of the heredocs `<<WORD` that `args` opens, in
    /// order, from the lines after the instruction.
    pub fn heredocs(&mut self, l: &LogicalLine, args: &str) -> Result<Vec<Heredoc>, ParseError> {
        let mut docs = Vec::new();
        for word in args.split_whitespace() {
            let Some(spec) = word.strip_prefix("<<") else {
                continue;
            };
            let (strip_tabs, spec) = match spec.strip_prefix('-') {
                Some(s) => (true, s),
                None => (false, spec),
            };
            let quoted = spec.len() >= 2
                && (spec.starts_with('"') && spec.ends_with('"')
                    || spec.starts_with('\'') && spec.ends_with('\''));
            let name = if quoted {
                &spec[1..spec.len() - 1]
            } else {
                spec
            };
            // Anything after the name (`<<EOF>file`) is the shell's business.
            let name: String = name
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() {
                continue;
            }
            let mut content = String::new();
            let mut closed = false;
            while self.pos < self.lines.len() {
                let raw = self.lines[self.pos];
                self.pos += 1;
                let line = if strip_tabs {
                    raw.trim_start_matches('\t')
                } else {
                    raw
                };
                if line == name {
                    closed = true;
                    break;
                }
                content.push_str(line);
                content.push('\n');
            }
            if !closed {
                return Err(err(
                    l.line,
                    1,
                    format!("unterminated heredoc: no line \"{name}\" ends it"),
                ));
            }
            docs.push(Heredoc {
                name,
                content,
                expand: !quoted,
                strip_tabs,
            });
        }
        Ok(docs)
    }
}

//! Docker's shell-word expansion (BuildKit's `shell.Lex`): quotes, escapes,
//! `$VAR`, `${VAR}` and the `${VAR:-x}` family, applied by the executor to
//! ADD, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME and WORKDIR
//! words and to COPY/ADD heredocs. It is not a shell: no command
//! substitution, globbing or arithmetic; unset variables expand to nothing.

/// Why a word could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    /// `${NAME:?message}` / `${NAME?message}` on an empty or unset NAME.
    #[error("{name}: {message}")]
    Required { name: String, message: String },
    #[error("unexpected end of statement while looking for matching {0}")]
    Unterminated(String),
    #[error("syntax error: missing '}}' in a ${{...}} substitution")]
    MissingBrace,
    #[error("syntax error: missing '/' in ${{...}}")]
    MissingSlash,
    #[error("syntax error: bad substitution (a ${{...}} needs a variable name)")]
    BadSubstitution,
    #[error(
        "unsupported modifier ({0}) in substitution; use one of :- - :+ + :? ? # ## % %% / //"
    )]
    UnsupportedModifier(String),
    #[error("invalid pattern ({pattern}) in substitution: {reason}")]
    InvalidPattern { pattern: String, reason: String },
}

/// Expands one word: quotes removed, escapes processed, variables replaced;
/// whitespace inside the result is kept.
pub fn expand_word(
    word: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    escape: char,
) -> Result<String, ExpandError> {
    Lexer::new(word, lookup, escape).run().map(|(s, _)| s)
}

/// Expands `text` and splits the result on whitespace outside quotes
/// (whitespace coming from a variable's value splits too, as in docker).
pub fn expand_words(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    escape: char,
) -> Result<Vec<String>, ExpandError> {
    Lexer::new(text, lookup, escape).run().map(|(_, w)| w)
}

/// Expands a COPY/ADD heredoc body whose delimiter was not quoted: only
/// variables and backslash escapes are processed; quotes stay (BuildKit's
/// "raw" expansion, which always uses `\` as the escape).
pub fn expand_heredoc(
    content: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, ExpandError> {
    let mut lexer = Lexer::new(content, lookup, '\\');
    lexer.process_quotes = false;
    lexer.run().map(|(s, _)| s)
}

/// A heredoc delimiter word with quotes removed, and whether any part of it
/// was quoted; `None` unless it is exactly one word.
pub(super) fn heredoc_name(word: &str) -> Option<(String, bool)> {
    let none = |_: &str| None;
    let mut lexer = Lexer::new(word, &none, '\\');
    lexer.keep_unset = true;
    let (_, words) = lexer.run().ok()?;
    match <[String; 1]>::try_from(words) {
        Ok([name]) => Some((name, lexer.quotes > 0)),
        Err(_) => None,
    }
}

/// The result split into words as it is built.
#[derive(Default)]
struct Words {
    words: Vec<String>,
    buf: String,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, c: char) {
        if c.is_whitespace() {
            if self.in_word && !self.buf.is_empty() {
                self.words.push(std::mem::take(&mut self.buf));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(c);
        }
    }

    fn add_raw_char(&mut self, c: char) {
        self.buf.push(c);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }

    fn add_raw_string(&mut self, s: &str) {
        self.buf.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.buf.is_empty() {
            self.words.push(self.buf);
        }
        self.words
    }
}

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    escape: char,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    process_quotes: bool,
    /// Leave unset variables as written (for heredoc delimiters).
    keep_unset: bool,
    raw_escapes: bool,
    /// Quote delimiters consumed so far.
    quotes: usize,
}

impl<'a> Lexer<'a> {
    fn new(text: &str, lookup: &'a dyn Fn(&str) -> Option<String>, escape: char) -> Self {
        Lexer {
            chars: text.chars().collect(),
            pos: 0,
            escape,
            lookup,
            process_quotes: true,
            keep_unset: false,
            raw_escapes: false,
            quotes: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn run(&mut self) -> Result<(String, Vec<String>), ExpandError> {
        self.until(None, false)
    }

    /// Processes up to `stop` (consumed) or the end, with escapes kept in the
    /// output when `raw_escapes` (for patterns).
    fn until(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<String>), ExpandError> {
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let result = self.until_inner(stop);
        self.raw_escapes = saved;
        result
    }

    fn until_inner(&mut self, stop: Option<char>) -> Result<(String, Vec<String>), ExpandError> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.pos += 1;
                return Ok((result, words.finish()));
            }
            match c {
                '$' => {
                    let value = self.dollar()?;
                    result.push_str(&value);
                    words.add_string(&value);
                }
                '<' => {
                    let text = self.possible_heredoc();
                    result.push_str(&text);
                    words.add_raw_string(&text);
                }
                '\'' if self.process_quotes => {
                    let text = self.single_quoted()?;
                    result.push_str(&text);
                    words.add_raw_string(&text);
                }
                '"' if self.process_quotes => {
                    let text = self.double_quoted()?;
                    result.push_str(&text);
                    words.add_raw_string(&text);
                }
                _ => {
                    self.pos += 1;
                    if c == self.escape {
                        if self.raw_escapes {
                            words.add_raw_char(c);
                            result.push(c);
                        }
                        // A trailing escape is dropped.
                        let Some(escaped) = self.next() else { break };
                        words.add_raw_char(escaped);
                        result.push(escaped);
                    } else {
                        words.add_char(c);
                        result.push(c);
                    }
                }
            }
        }
        match stop {
            Some(c) => Err(ExpandError::Unterminated(c.to_string())),
            None => Ok((result, words.finish())),
        }
    }

    fn single_quoted(&mut self) -> Result<String, ExpandError> {
        self.pos += 1;
        self.quotes += 1;
        let mut out = String::new();
        loop {
            match self.next() {
                None => return Err(ExpandError::Unterminated("single-quote".into())),
                Some('\'') => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quoted(&mut self) -> Result<String, ExpandError> {
        self.pos += 1;
        self.quotes += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(ExpandError::Unterminated("double-quote".into())),
                Some('"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('$') => out.push_str(&self.dollar()?),
                Some(mut c) => {
                    self.pos += 1;
                    if c == self.escape {
                        if self.raw_escapes {
                            out.push(c);
                        }
                        // Inside double quotes only ", $ and the escape
                        // itself can be escaped; other escapes stay literal.
                        match self.peek() {
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.escape => {
                                self.pos += 1;
                                c = n;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(c);
                }
            }
        }
    }

    /// `<<` and the blanks after it stay glued to the next word, so a
    /// heredoc marker like `<< EOF` is one word.
    fn possible_heredoc(&mut self) -> String {
        self.pos += 1;
        if self.peek() != Some('<') {
            return "<".into();
        }
        self.pos += 1;
        let mut out = String::from("<<");
        while let Some(c) = self.peek().filter(|c| matches!(c, ' ' | '\t' | '\r')) {
            out.push(c);
            self.pos += 1;
        }
        out
    }

    fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
    }

    fn dollar(&mut self) -> Result<String, ExpandError> {
        self.pos += 1;
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".into());
            }
            return Ok(match self.get(&name) {
                Some(v) => v,
                None if self.keep_unset => format!("${name}"),
                None => String::new(),
            });
        }
        self.pos += 1;
        match self.peek() {
            None => return Err(ExpandError::MissingBrace),
            Some('{' | '}' | ':') => return Err(ExpandError::BadSubstitution),
            Some(_) => {}
        }
        let name = self.name();
        let Some(op) = self.next() else {
            return Err(ExpandError::MissingBrace);
        };
        match op {
            '}' => Ok(match self.get(&name) {
                Some(v) => v,
                None if self.keep_unset => format!("${{{name}}}"),
                None => String::new(),
            }),
            ':' | '+' | '-' | '?' | '#' | '%' => self.modifier(name, op),
            '/' => self.replace(name),
            other => Err(ExpandError::UnsupportedModifier(other.to_string())),
        }
    }

    /// `${name<op>word}` for the default/alternative/required/trim forms.
    fn modifier(&mut self, name: String, first: char) -> Result<String, ExpandError> {
        let mut op_text = first.to_string();
        let null_is_unset = first == ':';
        let op = if null_is_unset {
            let Some(op) = self.next() else {
                return Err(ExpandError::MissingBrace);
            };
            op_text.push(op);
            op
        } else {
            first
        };
        let pattern_op = op == '#' || op == '%';
        if null_is_unset && pattern_op {
            return Err(ExpandError::UnsupportedModifier(op_text));
        }
        let word = self.until_brace('}', pattern_op, ExpandError::MissingBrace)?;
        let value = self.get(&name);
        if self.keep_unset && value.is_none() {
            return Ok(format!("${{{name}{op_text}{word}}}"));
        }
        let empty = match &value {
            None => true,
            Some(v) => null_is_unset && v.is_empty(),
        };
        match op {
            '-' => Ok(if empty {
                word
            } else {
                value.unwrap_or_default()
            }),
            '+' => Ok(if empty { String::new() } else { word }),
            '?' if empty => {
                let message = if !word.is_empty() {
                    word
                } else if value.is_none() {
                    "is not allowed to be unset".into()
                } else {
                    "is not allowed to be empty".into()
                };
                Err(ExpandError::Required { name, message })
            }
            '?' => Ok(value.unwrap_or_default()),
            '#' | '%' => {
                let (greedy, pattern) = match word.strip_prefix(op) {
                    Some(rest) => (true, rest.to_string()),
                    None => (false, word),
                };
                let value = value.unwrap_or_default();
                let glob = Glob::new(&pattern)?;
                Ok(if op == '#' {
                    glob.trim_prefix(&value, greedy)
                } else {
                    glob.trim_suffix(&value, greedy)
                })
            }
            _ => Err(ExpandError::UnsupportedModifier(op_text)),
        }
    }

    /// `${name/pattern/replacement}` and `${name//pattern/replacement}`.
    fn replace(&mut self, name: String) -> Result<String, ExpandError> {
        let all = self.peek() == Some('/');
        if all {
            self.pos += 1;
        }
        let pattern = self.until_brace('/', true, ExpandError::MissingSlash)?;
        let replacement = self.until_brace('}', true, ExpandError::MissingBrace)?;
        let Some(value) = self.get(&name) else {
            if self.keep_unset {
                return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
            }
            return Ok(String::new());
        };
        Ok(Glob::new(&pattern)?.replace(&value, &replacement, all))
    }

    /// A nested word up to `stop`; running out of input is `at_end`.
    fn until_brace(
        &mut self,
        stop: char,
        raw_escapes: bool,
        at_end: ExpandError,
    ) -> Result<String, ExpandError> {
        match self.until(Some(stop), raw_escapes) {
            Ok((word, _)) => Ok(word),
            Err(_) if self.peek().is_none() => Err(at_end),
            Err(e) => Err(e),
        }
    }

    /// A variable name: letters, digits and `_`; or all the digits of a
    /// positional parameter; or one special parameter (`$@`, `$$`...).
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if name.is_empty() && c.is_ascii_digit() {
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    name.push(d);
                    self.pos += 1;
                }
                return name;
            }
            if name.is_empty() && matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.pos += 1;
                return c.to_string();
            }
            if !(c.is_alphanumeric() || c == '_') {
                break;
            }
            name.push(c);
            self.pos += 1;
        }
        name
    }
}

/// A shell pattern (`*`, `?`, `\` escapes; no brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Star,
    Any,
    Char(char),
}

struct Glob(Vec<Token>);

impl Glob {
    fn new(pattern: &str) -> Result<Glob, ExpandError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            i += 1;
            match c {
                '*' => tokens.push(Token::Star),
                '?' => tokens.push(Token::Any),
                '\\' => match chars.get(i) {
                    // `\}` and `\/` only protect the ${...} syntax.
                    Some('}' | '/') => {}
                    Some(&e @ ('*' | '?' | '\\')) => {
                        tokens.push(Token::Char(e));
                        i += 1;
                    }
                    other => {
                        return Err(ExpandError::InvalidPattern {
                            pattern: pattern.to_string(),
                            reason: format!(
                                "invalid escape '\\{}'",
                                other.map(|c| c.to_string()).unwrap_or_default()
                            ),
                        })
                    }
                },
                c => tokens.push(Token::Char(c)),
            }
        }
        Ok(Glob(tokens))
    }

    /// For each `j`, whether the pattern matches all of `text[..j]`.
    fn prefix_matches(tokens: &[Token], text: &[char]) -> Vec<bool> {
        // row[j]: tokens[..k] matches text[..j], advanced token by token.
        let mut row = vec![false; text.len() + 1];
        row[0] = true;
        for token in tokens {
            let mut next = vec![false; text.len() + 1];
            for j in 0..=text.len() {
                next[j] = match token {
                    Token::Star => row[j] || (j > 0 && next[j - 1]),
                    Token::Any => j > 0 && row[j - 1],
                    Token::Char(c) => j > 0 && row[j - 1] && text[j - 1] == *c,
                };
            }
            row = next;
        }
        row
    }

    fn trim_prefix(&self, value: &str, longest: bool) -> String {
        let text: Vec<char> = value.chars().collect();
        let matches = Self::prefix_matches(&self.0, &text);
        let mut ends = (0..=text.len()).filter(|&j| matches[j]);
        let end = if longest {
            ends.next_back()
        } else {
            ends.next()
        };
        end.map_or_else(|| value.to_string(), |j| text[j..].iter().collect())
    }

    fn trim_suffix(&self, value: &str, longest: bool) -> String {
        let reversed: Vec<char> = value.chars().rev().collect();
        let tokens: Vec<Token> = self.0.iter().rev().copied().collect();
        let matches = Self::prefix_matches(&tokens, &reversed);
        let mut ends = (0..=reversed.len()).filter(|&j| matches[j]);
        let end = if longest {
            ends.next_back()
        } else {
            ends.next()
        };
        end.map_or_else(
            || value.to_string(),
            |j| reversed[j..].iter().rev().collect(),
        )
    }

    /// Replaces the leftmost-longest match (or every one, left to right).
    fn replace(&self, value: &str, replacement: &str, all: bool) -> String {
        let text: Vec<char> = value.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        let mut last_end: Option<usize> = None;
        while i <= text.len() {
            let longest = if last_end.is_some() && !all {
                None
            } else {
                let matches = Self::prefix_matches(&self.0, &text[i..]);
                // An empty match right after a match does not count (Go's
                // regexp rule), so `*` replaces a value once, not twice.
                matches
                    .iter()
                    .rposition(|&m| m)
                    .filter(|&len| len > 0 || last_end != Some(i))
            };
            match longest {
                Some(len) => {
                    out.push_str(replacement);
                    last_end = Some(i + len);
                    if len == 0 {
                        if let Some(&c) = text.get(i) {
                            out.push(c);
                        }
                        i += 1;
                    } else {
                        i += len;
                    }
                }
                None => {
                    if let Some(&c) = text.get(i) {
                        out.push(c);
                    }
                    i += 1;
                }
            }
        }
        out
    }
}

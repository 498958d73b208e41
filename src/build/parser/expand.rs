//! docker's shell-word expansion for Dockerfile instructions (BuildKit's
//! `shell.Lex`): quotes, the escape character, `$VAR`, `${VAR}` and the
//! `:-` `-` `:+` `+` `:?` `?` forms. Missing variables expand to "".

/// Why a word could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    #[error("unexpected end of statement while looking for matching {0}")]
    Unterminated(char),
    #[error("{name}: {message}")]
    Required { name: String, message: String },
    #[error("invalid variable substitution: {0}")]
    BadSubstitution(String),
}

type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    lookup: Lookup<'a>,
    escape: char,
}

/// One expanded word: quotes removed, variables substituted.
pub fn expand_word(word: &str, lookup: Lookup<'_>, escape: char) -> Result<String, ExpandError> {
    let words = Lexer::new(word, lookup, escape).run(false)?;
    Ok(words.concat())
}

/// Expands and splits on unquoted whitespace (EXPOSE, VOLUME lists).
pub fn expand_words(
    text: &str,
    lookup: Lookup<'_>,
    escape: char,
) -> Result<Vec<String>, ExpandError> {
    Lexer::new(text, lookup, escape).run(true)
}

impl<'a> Lexer<'a> {
    fn new(text: &str, lookup: Lookup<'a>, escape: char) -> Lexer<'a> {
        Lexer {
            chars: text.chars().collect(),
            pos: 0,
            lookup,
            escape,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += 1;
        c
    }

    fn run(mut self, split: bool) -> Result<Vec<String>, ExpandError> {
        let mut words = Vec::new();
        let mut cur = String::new();
        let mut in_word = false;
        while let Some(c) = self.next() {
            match c {
                c if split && c.is_whitespace() => {
                    if in_word {
                        words.push(std::mem::take(&mut cur));
                        in_word = false;
                    }
                }
                '\'' => {
                    in_word = true;
                    loop {
                        match self.next() {
                            Some('\'') => break,
                            Some(ch) => cur.push(ch),
                            None => return Err(ExpandError::Unterminated('\'')),
                        }
                    }
                }
                '"' => {
                    in_word = true;
                    self.double_quoted(&mut cur)?;
                }
                '$' => {
                    in_word = true;
                    let v = self.variable()?;
                    cur.push_str(&v);
                }
                c if c == self.escape => {
                    in_word = true;
                    match self.next() {
                        Some(n) => cur.push(n),
                        // A trailing escape stays as it is.
                        None => cur.push(c),
                    }
                }
                c => {
                    in_word = true;
                    cur.push(c);
                }
            }
        }
        if in_word || !split {
            words.push(cur);
        }
        Ok(words)
    }

    fn double_quoted(&mut self, out: &mut String) -> Result<(), ExpandError> {
        loop {
            match self.next() {
                None => return Err(ExpandError::Unterminated('"')),
                Some('"') => return Ok(()),
                Some('$') => {
                    let v = self.variable()?;
                    out.push_str(&v);
                }
                Some(c) if c == self.escape => match self.peek() {
                    Some(n) if n == '"' || n == '$' || n == self.escape => {
                        out.push(n);
                        self.pos += 1;
                    }
                    _ => out.push(c),
                },
                Some(c) => out.push(c),
            }
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                name.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        name
    }

    /// After a `$`: `NAME`, `{NAME…}`, or a lone `$`.
    fn variable(&mut self) -> Result<String, ExpandError> {
        match self.peek() {
            Some('{') => {
                self.pos += 1;
                self.braced()
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let name = self.name();
                Ok((self.lookup)(&name).unwrap_or_default())
            }
            Some(c) if c.is_ascii_digit() => {
                // Positional parameters are always empty in a Dockerfile.
                self.pos += 1;
                Ok(String::new())
            }
            _ => Ok("$".to_string()),
        }
    }

    /// The word after a modifier, up to the matching `}`, expanded.
    fn modifier_word(&mut self) -> Result<String, ExpandError> {
        let mut out = String::new();
        loop {
            match self.next() {
                None => return Err(ExpandError::Unterminated('}')),
                Some('}') => return Ok(out),
                Some('$') => {
                    let v = self.variable()?;
                    out.push_str(&v);
                }
                Some('\'') => loop {
                    match self.next() {
                        Some('\'') => break,
                        Some(ch) => out.push(ch),
                        None => return Err(ExpandError::Unterminated('\'')),
                    }
                },
                Some('"') => self.double_quoted(&mut out)?,
                Some(c) if c == self.escape => {
                    if let Some(n) = self.next() {
                        out.push(n);
                    }
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn braced(&mut self) -> Result<String, ExpandError> {
        let name = self.name();
        if name.is_empty() {
            return Err(ExpandError::BadSubstitution(format!(
                "${{{}",
                self.chars[self.pos..].iter().collect::<String>()
            )));
        }
        let value = (self.lookup)(&name);
        match self.next() {
            Some('}') => Ok(value.unwrap_or_default()),
            Some(':') => {
                let op = self.next();
                let word = self.modifier_word()?;
                let set = value.as_deref().is_some_and(|v| !v.is_empty());
                match op {
                    Some('-') => Ok(if set { value.unwrap_or_default() } else { word }),
                    Some('+') => Ok(if set { word } else { String::new() }),
                    Some('?') if set => Ok(value.unwrap_or_default()),
                    Some('?') => Err(ExpandError::Required {
                        name,
                        message: if word.is_empty() {
                            "parameter null or not set".into()
                        } else {
                            word
                        },
                    }),
                    _ => Err(ExpandError::BadSubstitution(name)),
                }
            }
            Some(op @ ('-' | '+' | '?')) => {
                let word = self.modifier_word()?;
                match (op, value) {
                    ('-', Some(v)) => Ok(v),
                    ('-', None) => Ok(word),
                    ('+', Some(_)) => Ok(word),
                    ('+', None) => Ok(String::new()),
                    ('?', Some(v)) => Ok(v),
                    _ => Err(ExpandError::Required {
                        name,
                        message: if word.is_empty() {
                            "parameter not set".into()
                        } else {
                            word
                        },
                    }),
                }
            }
            Some(_) => Err(ExpandError::BadSubstitution(name)),
            None => Err(ExpandError::Unterminated('}')),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(k: &str) -> Option<String> {
        match k {
            "A" => Some("apple".into()),
            "E" => Some(String::new()),
            "SP" => Some("a b".into()),
            _ => None,
        }
    }

    fn x(s: &str) -> String {
        expand_word(s, &env, '\\').unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn variables_and_modifiers() {
        assert_eq!(x("$A"), "apple");
        assert_eq!(x("${A}s"), "apples");
        assert_eq!(x("$MISSING-x"), "-x");
        assert_eq!(x("${MISSING:-def}"), "def");
        assert_eq!(x("${E:-def}"), "def");
        assert_eq!(x("${E-def}"), "");
        assert_eq!(x("${MISSING-def}"), "def");
        assert_eq!(x("${A:+alt}"), "alt");
        assert_eq!(x("${E:+alt}"), "");
        assert_eq!(x("${E+alt}"), "alt");
        assert_eq!(x("${MISSING:-${A}}"), "apple");
        assert_eq!(x("${A:?}"), "apple");
        assert_eq!(x("${MISSING:?is required}"), "ERR MISSING: is required");
        assert_eq!(x("$"), "$");
        assert_eq!(x("a$"), "a$");
        assert_eq!(x("$1x"), "x");
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(x("'$A'"), "$A");
        assert_eq!(x("\"$A b\""), "apple b");
        assert_eq!(x("\\$A"), "$A");
        assert_eq!(x("\"\\$A\""), "$A");
        assert_eq!(x("\"a\\nb\""), "a\\nb");
        assert_eq!(x("a\\ b"), "a b");
        assert_eq!(
            x("\"unterminated"),
            "ERR unexpected end of statement while looking for matching \""
        );
        assert_eq!(
            x("${A"),
            "ERR unexpected end of statement while looking for matching }"
        );
        assert_eq!(expand_word("`$A", &env, '`').as_deref(), Ok("$A"));
    }

    #[test]
    fn splitting_keeps_quoted_spaces() {
        let w = expand_words("80  \"a b\" $SP '$A'", &env, '\\').expect("words");
        assert_eq!(w, ["80", "a b", "a b", "$A"]);
        assert_eq!(
            expand_words("   ", &env, '\\').expect("none"),
            Vec::<String>::new()
        );
    }
}

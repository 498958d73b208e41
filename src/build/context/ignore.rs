//! `.dockerignore` rules, as moby/patternmatcher reads and applies them.
//!
//! One pattern per line; a line starting with `#` is a comment; surrounding
//! whitespace goes; each pattern is cleaned like Go's `filepath.Clean` and a
//! leading `/` dropped (paths are relative to the context root). `**` spans
//! any number of directories. A pattern that matches a directory matches
//! everything below it. `!pattern` re-includes what it matches, and the
//! last line that matches a path decides.

use super::pattern::{go_clean, Pattern};
use super::ContextError;

#[derive(Debug, Clone)]
struct Rule {
    pattern: Pattern,
    /// The cleaned text, split at `/`, to tell whether an exception could
    /// match below a directory.
    parts: Vec<String>,
    exclusion: bool,
}

/// A parsed ignore file. The default ignores nothing.
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    rules: Vec<Rule>,
}

impl Ignore {
    /// Parses the text of an ignore file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Ignore, ContextError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rules = Vec::new();
        for (n, line) in text.lines().enumerate() {
            // The comment test comes before trimming, as in patternmatcher.
            if line.starts_with('#') {
                continue;
            }
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let bad = |reason: &str| ContextError::BadIgnorePattern {
                file: file.to_owned(),
                line: n + 1,
                pattern: line.to_owned(),
                reason: reason.to_owned(),
            };
            let (exclusion, raw) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            if raw.is_empty() {
                return Err(bad("an exception `!` needs a pattern after it"));
            }
            rules.push(Rule::new(raw, exclusion).map_err(|reason| bad(&reason))?);
        }
        Ok(Ignore { rules })
    }

    /// Rules from patterns given one by one (`!` for exceptions), as a
    /// .dockerignore would hold them.
    pub fn from_patterns(patterns: &[&str]) -> Result<Ignore, ContextError> {
        Ignore::parse(&patterns.join("\n"), "ignore patterns")
    }

    /// Whether nothing is ignored.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether `rel`, a path relative to the context root with `/`
    /// separators, is ignored (it or a directory above it matches the last
    /// deciding rule).
    pub fn matches(&self, rel: &str) -> bool {
        if self.rules.is_empty() {
            return false;
        }
        let path = go_clean(rel);
        let path = path.trim_start_matches('/');
        if path == "." || path.is_empty() {
            return false;
        }
        let parents: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
        let mut matched = false;
        for rule in &self.rules {
            // An exception cannot change an unmatched path, nor a pattern
            // an already matched one.
            if rule.exclusion != matched {
                continue;
            }
            let hit = rule.pattern.matches(path) || parents.iter().any(|p| rule.pattern.matches(p));
            if hit {
                matched = !rule.exclusion;
            }
        }
        matched
    }

    /// Whether some exception could re-include a path below the ignored
    /// directory `rel_dir`; when not, a walk may skip the directory whole.
    pub fn may_reinclude_below(&self, rel_dir: &str) -> bool {
        let dir = go_clean(rel_dir);
        let dir_parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        self.rules
            .iter()
            .filter(|r| r.exclusion)
            .any(|r| rule_reaches(&r.parts, &dir_parts))
    }
}

impl Rule {
    fn new(raw: &str, exclusion: bool) -> Result<Rule, String> {
        let mut text = go_clean(raw);
        if text.len() > 1 && text.starts_with('/') {
            text.remove(0);
        }
        let pattern = Pattern::new(&text, true).map_err(|e| e.0.to_owned())?;
        Ok(Rule {
            pattern,
            parts: text.split('/').map(str::to_owned).collect(),
            exclusion,
        })
    }
}

/// Whether a pattern split at `/` could match `dir` or something below it.
/// Conservative: a `**` or a part that does not compile says yes.
fn rule_reaches(parts: &[String], dir: &[&str]) -> bool {
    for (i, d) in dir.iter().enumerate() {
        let Some(part) = parts.get(i) else {
            // The pattern matched a directory above: all below is included.
            return true;
        };
        if part.contains("**") {
            return true;
        }
        match Pattern::new(part, false) {
            Ok(p) if !p.matches(d) => return false,
            _ => {}
        }
    }
    true
}

#[cfg(test)]
#[path = "ignore_tests.rs"]
mod tests;

//! Shell-style patterns as Go's `filepath.Match` reads them (`*`, `?`,
//! `[...]` classes with ranges and `^` negation, `\` escapes), plus the
//! `**` of moby/patternmatcher that .dockerignore files use.
//!
//! COPY/ADD source globs use plain `filepath.Match` semantics, one path
//! component at a time (there `**` is just two stars); .dockerignore
//! patterns are matched against whole slash-separated paths, where `**`
//! spans any number of directories.

/// One piece of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Lit(char),
    /// `*`: any run of characters but `/`.
    Star,
    /// `?`: one character but `/`.
    One,
    /// `[...]`: one character (never `/`) in (or, negated, out of) the ranges.
    Class {
        neg: bool,
        ranges: Vec<(char, char)>,
    },
    /// `**` followed by more pattern: nothing, or anything ending in `/`
    /// (patternmatcher's `(.*/)?`; a following `/` is part of it).
    AnyDirs,
    /// `**` at the end: anything at all.
    AnyAll,
}

/// A pattern that could not be compiled (Go's `ErrBadPattern`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPattern(pub &'static str);

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    toks: Vec<Tok>,
}

impl Pattern {
    /// Compiles `pat`. With `double_star`, `**` spans directories as in
    /// .dockerignore; without it, the pattern is Go's `filepath.Match`.
    pub fn new(pat: &str, double_star: bool) -> Result<Pattern, BadPattern> {
        let chars: Vec<char> = pat.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            match c {
                '*' if double_star && chars.get(i) == Some(&'*') => {
                    i += 1;
                    if chars.get(i) == Some(&'/') {
                        i += 1;
                    }
                    toks.push(if i >= chars.len() {
                        Tok::AnyAll
                    } else {
                        Tok::AnyDirs
                    });
                }
                '*' => {
                    // Consecutive stars match what one does.
                    if toks.last() != Some(&Tok::Star) {
                        toks.push(Tok::Star);
                    }
                }
                '?' => toks.push(Tok::One),
                '\\' => {
                    let Some(&next) = chars.get(i) else {
                        return Err(BadPattern("a trailing backslash escapes nothing"));
                    };
                    i += 1;
                    toks.push(Tok::Lit(next));
                }
                '[' => {
                    let (tok, next) = class(&chars, i)?;
                    toks.push(tok);
                    i = next;
                }
                c => toks.push(Tok::Lit(c)),
            }
        }
        Ok(Pattern { toks })
    }

    /// Whether the pattern matches all of `name`.
    pub fn matches(&self, name: &str) -> bool {
        let s: Vec<char> = name.chars().collect();
        match_here(&self.toks, &s)
    }

    /// Whether the pattern has any wildcard (a pattern without one names a
    /// single path and needs no directory listing).
    pub fn is_literal(&self) -> bool {
        self.toks.iter().all(|t| matches!(t, Tok::Lit(_)))
    }
}

/// Whether `s` holds a character that makes it a pattern rather than a name.
pub fn has_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '\\'])
}

/// Parses a class starting after its `[`; returns it and the index after `]`.
fn class(chars: &[char], mut i: usize) -> Result<(Tok, usize), BadPattern> {
    const UNCLOSED: BadPattern = BadPattern("a character class [ is not closed with ]");
    let neg = chars.get(i) == Some(&'^');
    if neg {
        i += 1;
    }
    let mut ranges = Vec::new();
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(UNCLOSED);
        };
        if c == ']' {
            if ranges.is_empty() {
                return Err(BadPattern("a character class [] is empty"));
            }
            return Ok((Tok::Class { neg, ranges }, i + 1));
        }
        let (lo, next) = class_char(chars, i)?;
        i = next;
        let mut hi = lo;
        if chars.get(i) == Some(&'-') {
            match chars.get(i + 1) {
                None => return Err(UNCLOSED),
                Some(']') => return Err(BadPattern("a range in a character class has no end")),
                Some(_) => {
                    let (h, next) = class_char(chars, i + 1)?;
                    hi = h;
                    i = next;
                }
            }
        }
        ranges.push((lo, hi));
    }
}

fn class_char(chars: &[char], i: usize) -> Result<(char, usize), BadPattern> {
    match chars.get(i) {
        Some('\\') => match chars.get(i + 1) {
            Some(&c) => Ok((c, i + 2)),
            None => Err(BadPattern("a trailing backslash escapes nothing")),
        },
        // Go refuses an unescaped `-` where a class character belongs.
        Some('-') => Err(BadPattern(
            "a `-` in a character class must be escaped as \\-",
        )),
        Some(&c) => Ok((c, i + 1)),
        None => Err(BadPattern("a character class [ is not closed with ]")),
    }
}

fn match_here(toks: &[Tok], s: &[char]) -> bool {
    let Some((tok, rest)) = toks.split_first() else {
        return s.is_empty();
    };
    match tok {
        Tok::Lit(c) => s.first() == Some(c) && match_here(rest, &s[1..]),
        Tok::One => matches!(s.first(), Some(c) if *c != '/') && match_here(rest, &s[1..]),
        Tok::Class { neg, ranges } => match s.first() {
            Some(&c) if c != '/' => {
                let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                inside != *neg && match_here(rest, &s[1..])
            }
            _ => false,
        },
        Tok::Star => {
            for n in 0..=s.len() {
                if match_here(rest, &s[n..]) {
                    return true;
                }
                if n < s.len() && s[n] == '/' {
                    break;
                }
            }
            false
        }
        Tok::AnyDirs => {
            if match_here(rest, s) {
                return true;
            }
            (0..s.len()).any(|j| s[j] == '/' && match_here(rest, &s[j + 1..]))
        }
        Tok::AnyAll => true,
    }
}

/// Go's `filepath.Clean` on a slash-separated path: repeated slashes, `.`
/// and `..` after a name go; a rooted path cannot climb above `/`; an
/// empty result is `.`.
pub fn go_clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => match out.last() {
                Some(&last) if last != ".." => {
                    out.pop();
                }
                _ if rooted => {}
                _ => out.push(".."),
            },
            c => out.push(c),
        }
    }
    let body = out.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_owned(),
        (false, false) => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pat: &str, name: &str) -> bool {
        Pattern::new(pat, false).unwrap().matches(name)
    }

    /// Cases from Go's `filepath.Match` table, rewritten.
    #[test]
    fn go_filepath_match_cases() {
        assert!(m("abc", "abc"));
        assert!(m("*", "abc"));
        assert!(m("*c", "abc"));
        assert!(!m("a*", "ab/c"));
        assert!(m("a*/b", "abc/b"));
        assert!(!m("a*/b", "a/c/b"));
        assert!(m("a*b*c*d*e*/f", "axbxcxdxe/f"));
        assert!(!m("a*b*c*d*e*/f", "axbxcxdxexxx/fff"));
        assert!(m("ab[c]", "abc"));
        assert!(m("ab[b-d]", "abc"));
        assert!(!m("ab[e-g]", "abc"));
        assert!(!m("ab[^c]", "abc"));
        assert!(!m("ab[^b-d]", "abc"));
        assert!(m("ab[^e-g]", "abc"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "ab"));
        assert!(m("a?b", "a☺b"));
        assert!(m("a[^a]b", "a☺b"));
        assert!(!m("a???b", "a☺b"));
        assert!(m("[\\-]", "-"));
        assert!(m("[x\\-]", "x"));
        assert!(!m("[x\\-]", "z"));
        assert!(m("[\\]a]", "]"));
        assert!(m("*x", "xxx"));
        assert!(!m("a?", "a/"));
    }

    #[test]
    fn bad_patterns_are_refused() {
        for bad in [
            "[", "[^", "[-]", "[]a]", "[-", "[x-", "[a-]", "\\", "[\\", "a[", "ab[\\",
        ] {
            assert!(Pattern::new(bad, false).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn double_star_spans_directories_only_when_asked() {
        assert!(!m("**/c", "a/b/c"));
        let p = Pattern::new("**/c", true).unwrap();
        assert!(p.matches("a/b/c"));
        assert!(p.matches("c"));
        assert!(!p.matches("a/bc"));
        assert!(Pattern::new("a/**", true).unwrap().matches("a/b/c"));
    }

    #[test]
    fn clean_matches_go() {
        for (raw, want) in [
            ("", "."),
            ("a//b/./c/", "a/b/c"),
            ("a/../..", ".."),
            ("../x", "../x"),
            ("/../x", "/x"),
            ("/", "/"),
            ("a/b/../../c", "c"),
            ("./", "."),
        ] {
            assert_eq!(go_clean(raw), want, "clean({raw:?})");
        }
    }

    #[test]
    fn literal_detection() {
        assert!(Pattern::new("abc", false).unwrap().is_literal());
        assert!(!Pattern::new("a*", false).unwrap().is_literal());
        assert!(has_meta("a[b]") && has_meta("x\\y") && !has_meta("plain.txt"));
    }
}

//! Splitting an instruction's text: the keyword, the leading `--flags`, and
//! the argument shapes docker uses (quote-preserving words for ENV/LABEL/ARG,
//! plain whitespace fields for FROM/EXPOSE/COPY, JSON arrays).

/// A piece of an instruction with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Word {
    pub text: String,
    pub offset: usize,
}

/// The separators of docker's whitespace splitting (not newlines, which a
/// logical line never holds).
pub(super) fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0b' | '\x0c' | '\r')
}

/// `(keyword, keyword offset, rest offset)` of a line.
pub(super) fn split_command(line: &str) -> (&str, usize, usize) {
    let start = line.len() - line.trim_start_matches(is_blank).len();
    let body = &line[start..];
    let end = body.find(is_blank).map_or(line.len(), |i| start + i);
    let rest = end + (line[end..].len() - line[end..].trim_start_matches(is_blank).len());
    (&line[start..end], start, rest)
}

/// Reads the leading `--name[=value]` words of `s` (quotes and escapes
/// removed, as BuildKit's flag extractor does; a bare `--` ends them).
/// Returns the flags and the offset where the arguments begin.
pub(super) fn extract_flags(s: &str, escape: char) -> (Vec<Word>, usize) {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let at = |i: usize| chars.get(i).map_or(s.len(), |c| c.0);
    let mut flags = Vec::new();
    let mut i = 0;
    loop {
        while i < chars.len() && chars[i].1.is_whitespace() {
            i += 1;
        }
        let starts_flag = chars.get(i).is_some_and(|c| c.1 == '-')
            && chars.get(i + 1).is_some_and(|c| c.1 == '-');
        if !starts_flag {
            return (flags, at(i));
        }
        let start = at(i);
        let mut word = String::new();
        let mut quote: Option<char> = None;
        let mut quoted = false;
        while let Some(&(_, c)) = chars.get(i) {
            if quote.is_none() && c.is_whitespace() {
                break;
            }
            i += 1;
            if quote == Some(c) {
                quote = None;
            } else if quote.is_none() && (c == '\'' || c == '"') {
                quote = Some(c);
                quoted = true;
            } else if c == escape {
                if let Some(&(_, next)) = chars.get(i) {
                    word.push(next);
                    i += 1;
                }
            } else {
                word.push(c);
            }
        }
        if word == "--" {
            return (flags, at(i));
        }
        if quoted || !word.is_empty() {
            flags.push(Word {
                text: word,
                offset: start,
            });
        }
    }
}

/// Splits on whitespace outside quotes, keeping the quotes and escapes in
/// the words (BuildKit's `parseWords`, used by ENV, LABEL and ARG: the
/// executor's expansion removes them later).
pub(super) fn quoted_words(s: &str, escape: char) -> Vec<Word> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut words = Vec::new();
    let mut i = 0;
    loop {
        while i < chars.len() && chars[i].1.is_whitespace() {
            i += 1;
        }
        let Some(&(start, _)) = chars.get(i) else {
            return words;
        };
        let mut word = String::new();
        let mut quote: Option<char> = None;
        let mut quoted = false;
        while let Some(&(_, c)) = chars.get(i) {
            if quote.is_none() && c.is_whitespace() {
                break;
            }
            i += 1;
            let escapes_here = c == escape && quote != Some('\'');
            if escapes_here {
                // A trailing escape is dropped; otherwise escape and the
                // escaped character are both kept.
                if let Some(&(_, next)) = chars.get(i) {
                    word.push(c);
                    word.push(next);
                    i += 1;
                } else {
                    quote = None;
                }
                continue;
            }
            if quote == Some(c) {
                quote = None;
            } else if quote.is_none() && (c == '\'' || c == '"') {
                quote = Some(c);
                quoted = true;
            }
            word.push(c);
        }
        if quoted || !word.is_empty() {
            words.push(Word {
                text: word,
                offset: start,
            });
        }
    }
}

/// Splits on runs of blanks, no quote handling (FROM, EXPOSE, COPY...).
pub(super) fn fields(s: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        match (is_blank(c), start) {
            (true, Some(st)) => {
                out.push(Word {
                    text: s[st..i].to_string(),
                    offset: st,
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(Word {
            text: s[st..].to_string(),
            offset: st,
        });
    }
    out
}

/// The strings of a JSON array of strings; `Ok(None)` when `s` is not a
/// JSON array (then the shell form applies), an error when it is an array
/// holding something other than strings.
pub(super) fn json_array(s: &str) -> Result<Option<Vec<String>>, String> {
    let t = s.trim_start();
    if !t.starts_with('[') {
        return Ok(None);
    }
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(t) else {
        return Ok(None);
    };
    values
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Ok(s),
            _ => Err(
                "when using JSON array syntax, arrays must be comprised of strings only"
                    .to_string(),
            ),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn split_command_finds_keyword_and_rest() {
        assert_eq!(split_command("RUN  echo hi"), ("RUN", 0, 5));
        assert_eq!(split_command("  CMD"), ("CMD", 2, 5));
        assert_eq!(split_command("FROM\tx"), ("FROM", 0, 5));
    }

    #[test]
    fn flags_stop_at_the_first_non_flag_or_double_dash() {
        let (flags, rest) = extract_flags("--from=a --chown=\"u g\" src dst", '\\');
        assert_eq!(texts(&flags), ["--from=a", "--chown=u g"]);
        assert_eq!(rest, 23);
        let (flags, rest) = extract_flags("--doit=true -- foo /tmp/", '\\');
        assert_eq!(texts(&flags), ["--doit=true"]);
        assert_eq!(&"--doit=true -- foo /tmp/"[rest..], " foo /tmp/");
        let (flags, rest) = extract_flags("-x", '\\');
        assert!(flags.is_empty());
        assert_eq!(rest, 0);
    }

    #[test]
    fn quoted_words_keep_quotes_and_escapes() {
        let words = quoted_words(r#"a="x y" b=c\ d 'e f'"#, '\\');
        assert_eq!(texts(&words), [r#"a="x y""#, r"b=c\ d", "'e f'"]);
        assert_eq!(words[1].offset, 8);
        assert_eq!(texts(&quoted_words(r"a\", '\\')), ["a"]);
    }

    #[test]
    fn fields_split_on_blanks_only() {
        assert_eq!(texts(&fields(" a\t b  c ")), ["a", "b", "c"]);
        assert_eq!(texts(&fields("\"a b\"")), ["\"a", "b\""]);
    }

    #[test]
    fn json_arrays() {
        assert_eq!(
            json_array(r#" ["a", "b"] "#),
            Ok(Some(vec!["a".into(), "b".into()]))
        );
        assert_eq!(json_array("['a']"), Ok(None));
        assert_eq!(json_array("[\"a\""), Ok(None));
        assert_eq!(json_array("echo"), Ok(None));
        assert!(json_array("[1]").is_err());
    }
}
